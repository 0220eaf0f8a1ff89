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
    /// IAM policy documents, trust policies, or `aws iam get-account-authorization-details` output.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Where to write the source; standard output when not given.
    #[arg(short, long, value_name = "OUT.iamx")]
    output: Option<PathBuf>,
}

pub fn run(args: Args) -> Exit {
    let mut inputs = Vec::new();
    for path in &args.files {
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
                    infoln!(
                        "wrote {} ({} documents checked: each compiles back to its original access)",
                        path.display(),
                        imported.checked
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
