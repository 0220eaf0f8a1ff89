//! `iamx fmt [--check] PATH...`: rewrite `.iamx` files in the canonical layout.
//!
//! Every file is formatted and checked (same AST, same comments) before anything is written;
//! files are replaced atomically (a temporary file in the same directory, then a rename). With
//! `--check` nothing is written: the unified diff that formatting would apply is printed, and
//! the exit code says whether any file would change. `iamx fmt -` formats standard input to
//! standard output (with `--check`, the diff only).

use super::output::{errln, infoln, out};
use super::{files, Exit};
use iamx::compile::Input;
use iamx::source::Sources;
use iamx::syntax::format::{self, FormatError};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// .iamx files, directories searched for them, or `-` to format standard input to standard
    /// output.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Write nothing; print the diff formatting would apply and exit with 1 if there is one.
    #[arg(long)]
    check: bool,
}

pub fn run(args: Args) -> Exit {
    let from_stdin = match files::stdin_alone(&args.paths) {
        Ok(from_stdin) => from_stdin,
        Err(message) => return super::fail(message),
    };
    let inputs = match from_stdin {
        true => files::read_stdin().map(|input| vec![input]),
        false => files::collect_sources(&args.paths),
    };
    let inputs = match inputs {
        Ok(inputs) => inputs,
        Err(message) => return super::fail(message),
    };
    let mut failed = false;
    let mut changed = 0;
    for input in &inputs {
        let Some((text, formatted)) = format_input(input) else {
            failed = true;
            continue;
        };
        if from_stdin && !args.check {
            out!("{formatted}");
            continue;
        }
        if formatted == text {
            continue;
        }
        changed += 1;
        if args.check {
            out!("{}", unified_diff(&input.name, text, &formatted));
            continue;
        }
        if let Err(message) = write_atomically(Path::new(&input.name), &formatted) {
            errln!("error: {message}");
            failed = true;
        }
    }
    if args.check && changed > 0 {
        infoln!("{} would be reformatted", super::count(changed, "file"));
    }
    if failed || (args.check && changed > 0) {
        Exit::InputErrors
    } else {
        Exit::Success
    }
}

/// The input's text and its formatted text; None (with the reason on stderr) when it cannot be
/// formatted.
fn format_input(input: &Input) -> Option<(&str, String)> {
    let Ok(text) = std::str::from_utf8(&input.bytes) else {
        errln!("error: `{}` is not UTF-8 text; left as it is", input.name);
        return None;
    };
    let mut sources = Sources::new();
    let id = sources.add(input.name.clone(), text);
    match format::format(id, text) {
        Ok(formatted) => Some((text, formatted)),
        Err(FormatError::Syntax(diagnostic)) => {
            super::report(&[*diagnostic], &sources);
            errln!("error: `{}` has syntax errors; left as it is", input.name);
            None
        }
        Err(FormatError::MovesSuppression(diagnostic)) => {
            super::report(&[*diagnostic], &sources);
            errln!(
                "error: formatting `{}` would change what a suppression covers; left as it is",
                input.name
            );
            None
        }
        Err(FormatError::Unsound(reason)) => {
            errln!(
                "error: internal formatter error on `{}`: {reason}; the file was left as it is (please report this)",
                input.name
            );
            None
        }
    }
}

/// The change from `old` to `new` as a unified diff naming the file on both sides, coloured
/// (removed red, added green) when stdout is a terminal or `--color always`.
fn unified_diff(name: &str, old: &str, new: &str) -> String {
    let diff = similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .header(name, name)
        .to_string();
    if !super::output::colour_stdout() {
        return diff;
    }
    diff.lines()
        .map(|line| {
            let colour = match line.as_bytes().first() {
                Some(b'-') if !line.starts_with("---") => "\x1b[31m",
                Some(b'+') if !line.starts_with("+++") => "\x1b[32m",
                Some(b'@') => "\x1b[36m",
                _ => return format!("{line}\n"),
            };
            format!("{colour}{line}\x1b[0m\n")
        })
        .collect()
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
