//! `iamx check PATH...`: every diagnostic, nothing written. `.json` files named on the command
//! line are read as plain IAM policies and get the same catalog checks and lints.

use super::output::{infoln, out};
use super::{files, report, summary, Exit, Format};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// .iamx files, directories searched for them, or IAM JSON policy files (`*.json`).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Check the project as built for this environment (an `env` block).
    #[arg(long)]
    env: Option<String>,
    /// `text` renders diagnostics for people (stderr); `json` prints an array for tools (stdout).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(args: Args) -> Exit {
    let (json_paths, paths): (Vec<PathBuf>, Vec<PathBuf>) = args
        .paths
        .into_iter()
        .partition(|p| p.extension().is_some_and(|e| e == "json") && !p.is_dir());
    let inputs = if paths.is_empty() {
        Vec::new()
    } else {
        match files::collect_sources(&paths) {
            Ok(inputs) => inputs,
            Err(message) => return super::fail(message),
        }
    };
    let json_inputs = match files::collect_sources(&json_paths) {
        Ok(inputs) => inputs,
        Err(message) => return super::fail(message),
    };
    let count = inputs.len() + json_inputs.len();
    let options = iamx::Options {
        environment: args.env,
    };
    let mut compilation = if inputs.is_empty() {
        iamx::Compilation {
            sources: Default::default(),
            diagnostics: Vec::new(),
            compiled: None,
        }
    } else {
        iamx::compile(inputs, &options)
    };
    for input in json_inputs {
        let text = String::from_utf8_lossy(&input.bytes).into_owned();
        let id = compilation.sources.add(input.name.clone(), text);
        let text = &compilation.sources.get(id).text;
        let mut found = iamx::policy_json::check(id, &input.name, text);
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
            let files = if count == 1 { "file" } else { "files" };
            infoln!(
                "checked {count} {files}: {}",
                summary(&compilation.diagnostics)
            );
        }
    }
    if compilation.has_errors() {
        Exit::InputErrors
    } else {
        Exit::Success
    }
}
