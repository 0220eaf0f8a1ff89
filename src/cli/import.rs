//! `iamx import FILE.json... [-o OUT.iamx]`: IAM JSON to `.iamx` source.
//!
//! The command checks its own output: the generated source is compiled in memory and every
//! compiled document must equal (canonically) the document it came from, or be proved by the
//! reasoning engine to allow exactly the same requests; otherwise nothing is written and the
//! differences are shown.

use super::output::{errln, infoln, out};
use super::{files, report, Exit};
use iamx::import::{self, AccessEquality};
use iamx::source::Sources;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// IAM policy documents, trust policies, or `aws iam get-account-authorization-details`
    /// output; `-` reads one of them from standard input (a policy from it is named `stdin`).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Where to write the source; standard output when not given.
    #[arg(short, long, value_name = "OUT.iamx")]
    output: Option<PathBuf>,
}

pub fn run(args: Args) -> Exit {
    let mut read = Vec::new();
    match files::stdin_alone(&args.files) {
        Ok(false) => {}
        // The import names a policy after its file; `stdin` is the honest name here.
        Ok(true) => match files::read_stdin() {
            Ok(input) => read.push(("stdin".to_string(), input.bytes)),
            Err(message) => return super::fail(message),
        },
        Err(message) => return super::fail(message),
    }
    for path in args.files.iter().filter(|p| !files::is_stdin(p)) {
        match files::read_file(path) {
            Ok(bytes) => read.push((path.display().to_string(), bytes)),
            Err(e) => {
                return super::fail(format!(
                    "cannot read `{}`: {}",
                    path.display(),
                    files::plain(&e)
                ))
            }
        }
    }
    // A file that is not UTF-8 is refused as `check` refuses it: E0001 at the first bad byte,
    // an input error. Sizes are judged by what the file is (`import::import`): an account
    // export may be far larger than any policy.
    let mut sources = Sources::new();
    let mut refused = Vec::new();
    let mut inputs = Vec::new();
    for (name, bytes) in read {
        match iamx::diagnostics::add_source(&mut sources, name.clone(), bytes) {
            (_, Some(diagnostic)) => refused.push(diagnostic),
            (id, None) => inputs.push((name, sources.get(id).text.to_string())),
        }
    }
    if !refused.is_empty() {
        report(&refused, &sources);
        errln!("error: import failed; nothing was written");
        return Exit::InputErrors;
    }
    match import::import(&inputs, &AccessEquality) {
        Ok(imported) => {
            for note in &imported.notes {
                infoln!("note: {note}");
            }
            match &args.output {
                Some(path) => {
                    if let Err(e) = std::fs::write(path, &imported.source) {
                        return super::fail(format!(
                            "cannot write `{}`: {}",
                            path.display(),
                            files::plain(&e)
                        ));
                    }
                    let each = if imported.checked == 1 { "it" } else { "each" };
                    infoln!(
                        "wrote {} ({} checked: {each} compiles back to its original access)",
                        path.display(),
                        super::count(imported.checked, "document")
                    );
                }
                None => out!("{}", imported.source),
            }
            Exit::Success
        }
        Err(errors) => {
            for error in &errors {
                errln!("error: {error}");
            }
            errln!("error: import failed; nothing was written");
            Exit::InputErrors
        }
    }
}
