//! `iamx check PATH...`: every diagnostic, nothing written.

use super::{files, report, summary, Color, Exit};
use clap::ValueEnum;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// .iamx files, or directories searched for them.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Check the project as built for this environment (an `env` block).
    #[arg(long)]
    env: Option<String>,
    /// `text` renders diagnostics for people (stderr); `json` prints an array for tools (stdout).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

pub fn run(args: Args) -> Exit {
    let inputs = match files::collect_sources(&args.paths) {
        Ok(inputs) => inputs,
        Err(message) => return super::fail(message),
    };
    let count = inputs.len();
    let options = iamx::Options {
        environment: args.env,
    };
    let compilation = iamx::compile(inputs, &options);
    match args.format {
        Format::Json => print!(
            "{}",
            iamx::diagnostics::to_json(&compilation.diagnostics, &compilation.sources)
        ),
        Format::Text => {
            report(&compilation.diagnostics, &compilation.sources, args.color);
            let files = if count == 1 { "file" } else { "files" };
            eprintln!(
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
