//! `iamx check PATH...`: every diagnostic, nothing written. `.json` files named on the command
//! line are read as plain IAM policies and get the same catalog checks and lints. `-` reads
//! standard input: a JSON policy when it starts with `{`, `.iamx` source otherwise.

use super::output::{infoln, out};
use super::{files, report, summary, Exit, Format};
use iamx::compile::Input;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// .iamx files, directories searched for them, IAM JSON policy files (`*.json`), or `-` for
    /// standard input.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Check the project as built for this environment (an `env` block).
    #[arg(long)]
    env: Option<String>,
    /// `text` renders diagnostics for people (stderr); `json` prints an array for tools (stdout).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit with 1 on warnings too, not only on errors.
    #[arg(long)]
    deny_warnings: bool,
}

pub fn run(args: Args) -> Exit {
    let (inputs, json_inputs) = match read_inputs(&args.paths) {
        Ok(found) => found,
        Err(message) => return super::fail(message),
    };
    let count = inputs.len() + json_inputs.len();
    let options = iamx::compile::Options {
        environment: args.env,
    };
    let mut compilation = if inputs.is_empty() {
        iamx::compile::Compilation {
            sources: Default::default(),
            diagnostics: Vec::new(),
            compiled: None,
        }
    } else {
        iamx::compile::compile(inputs, &options)
    };
    for input in json_inputs {
        let text = String::from_utf8_lossy(&input.bytes).into_owned();
        let id = compilation.sources.add(input.name.clone(), text);
        let text = &compilation.sources.get(id).text;
        let mut found = iamx::checks::json::check(id, &input.name, text);
        compilation.diagnostics.append(&mut found);
    }
    iamx::diagnostics::sort(&mut compilation.diagnostics);
    match args.format {
        Format::Json => out!(
            "{}",
            iamx::diagnostics::to_json(&compilation.diagnostics, &compilation.sources)
        ),
        Format::Text => {
            report(&compilation.diagnostics, &compilation.sources);
            infoln!(
                "checked {}: {}",
                super::count(count, "file"),
                summary(&compilation.diagnostics)
            );
        }
    }
    if super::fails(&compilation.diagnostics, args.deny_warnings) {
        Exit::InputErrors
    } else {
        Exit::Success
    }
}

/// The `.iamx` inputs and the JSON policy inputs the paths name.
fn read_inputs(paths: &[PathBuf]) -> Result<(Vec<Input>, Vec<Input>), String> {
    if files::stdin_alone(paths)? {
        let input = files::read_stdin()?;
        // No file name says what standard input is; a JSON policy is an object, and `.iamx`
        // source never starts with `{`.
        let is_json = input.bytes.trim_ascii_start().starts_with(b"{");
        return Ok(if is_json {
            (Vec::new(), vec![input])
        } else {
            (vec![input], Vec::new())
        });
    }
    let (json_paths, paths): (Vec<PathBuf>, Vec<PathBuf>) = paths
        .iter()
        .cloned()
        .partition(|p| p.extension().is_some_and(|e| e == "json") && !p.is_dir());
    let inputs = if paths.is_empty() {
        Vec::new()
    } else {
        files::collect_sources(&paths)?
    };
    Ok((inputs, files::collect_sources(&json_paths)?))
}
