//! `iamx fmt [--check] PATH...`: rewrite `.iamx` files in the canonical layout.
//!
//! Every file is formatted and checked (same AST, same comments) before anything is written;
//! files are replaced atomically (a temporary file in the same directory, then a rename). With
//! `--check` nothing is written and the exit code says whether any file would change.

use super::output::{errln, infoln, outln};
use super::{files, Exit};
use iamx::format::{self, FormatError};
use iamx::source::Sources;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// .iamx files, or directories searched for them.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Write nothing; list the files that would change and exit with 1 if there are any.
    #[arg(long)]
    check: bool,
}

pub fn run(args: Args) -> Exit {
    let inputs = match files::collect_sources(&args.paths) {
        Ok(inputs) => inputs,
        Err(message) => return super::fail(message),
    };
    let mut failed = false;
    let mut changed = 0;
    for input in &inputs {
        let Ok(text) = std::str::from_utf8(&input.bytes) else {
            errln!("error: `{}` is not UTF-8 text; left as it is", input.name);
            failed = true;
            continue;
        };
        let mut sources = Sources::new();
        let id = sources.add(input.name.clone(), text);
        let formatted = match format::format(id, text) {
            Ok(formatted) => formatted,
            Err(FormatError::Syntax(diagnostic)) => {
                super::report(&[*diagnostic], &sources);
                errln!("error: `{}` has syntax errors; left as it is", input.name);
                failed = true;
                continue;
            }
            Err(FormatError::Unsound(reason)) => {
                errln!("error: internal formatter error on `{}`: {reason}; the file was left as it is (please report this)",
                    input.name
                );
                failed = true;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        changed += 1;
        if args.check {
            outln!("{}", input.name);
            continue;
        }
        if let Err(message) = write_atomically(Path::new(&input.name), &formatted) {
            errln!("error: {message}");
            failed = true;
        }
    }
    if args.check {
        if changed > 0 {
            let plural = if changed == 1 { "" } else { "s" };
            infoln!("{changed} file{plural} would be reformatted");
        }
        return if failed || changed > 0 {
            Exit::InputErrors
        } else {
            Exit::Success
        };
    }
    if failed {
        Exit::InputErrors
    } else {
        Exit::Success
    }
}

/// Writes `text` to a temporary file next to `path`, then renames it over `path`, so a reader
/// (or a crash) sees either the old file or the new one, never half of one.
fn write_atomically(path: &Path, text: &str) -> Result<(), String> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.iamx-fmt-{}", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        if let Ok(metadata) = fs::metadata(path) {
            fs::set_permissions(&temp, metadata.permissions())?;
        }
        fs::rename(&temp, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&temp);
        format!("cannot write `{}`: {}", path.display(), files::plain(&e))
    })
}
