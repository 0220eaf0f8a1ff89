//! `iamx import FILE.json... [-o OUT.iamx]`: IAM JSON to `.iamx` source.
//!
//! The command checks its own output: the generated source is compiled in memory and every
//! compiled document must equal (canonically) the document it came from, or be proved by the
//! reasoning engine to allow exactly the same requests; otherwise nothing is written and the
//! differences are shown.

use super::output::{errln, infoln, out};
use super::{files, Exit};
use iamx::import::{self, AccessEquality};
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
    let mut inputs = Vec::new();
    match files::stdin_alone(&args.files) {
        Ok(false) => {}
        Ok(true) => match files::read_stdin() {
            // The import names a policy after its file; `stdin` is the honest name here.
            Ok(input) => match String::from_utf8(input.bytes) {
                Ok(text) => inputs.push(("stdin".to_string(), text)),
                // As a file that is not UTF-8 is refused below: a policy is UTF-8 JSON.
                Err(e) => {
                    return super::fail(format!(
                        "cannot read `stdin`: it is not UTF-8 text (byte {} is not)",
                        e.utf8_error().valid_up_to() + 1
                    ))
                }
            },
            Err(message) => return super::fail(message),
        },
        Err(message) => return super::fail(message),
    }
    for path in args.files.iter().filter(|p| !files::is_stdin(p)) {
        match std::fs::read_to_string(path) {
            Ok(text) => inputs.push((path.display().to_string(), text)),
            Err(e) => {
                return super::fail(format!(
                    "cannot read `{}`: {}",
                    path.display(),
                    files::plain(&e)
                ))
            }
        }
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
