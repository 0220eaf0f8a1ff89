//! `iamx build PATH... -o DIR`: compile and write one JSON file per IAM document plus
//! `manifest.json`. On any error nothing is written.

use super::{files, report, summary, Color, Exit};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// .iamx files, or directories searched for them.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// The output directory; replaced as a whole, and only if it is empty or an earlier output.
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,
    /// Build for this environment (an `env` block).
    #[arg(long)]
    env: Option<String>,
    /// Skip `verify` (boundary containment and delegation safety), which runs by default.
    #[arg(long)]
    no_verify: bool,
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

pub fn run(args: Args) -> Exit {
    let inputs = match files::collect_sources(&args.paths) {
        Ok(inputs) => inputs,
        Err(message) => return super::fail(message),
    };
    let options = iamx::Options {
        environment: args.env,
    };
    let compilation = iamx::compile(inputs, &options);
    let verified = match (&compilation.compiled, args.no_verify) {
        (Some(compiled), false) => Some(iamx::verify::verify_compiled(compiled)),
        _ => None,
    };
    let mut diagnostics = compilation.diagnostics.clone();
    if let Some(verified) = &verified {
        diagnostics.extend(verified.diagnostics.iter().cloned());
        iamx::diagnostics::sort(&mut diagnostics);
    }
    report(&diagnostics, &compilation.sources, args.color);
    if let Some(verified) = &verified {
        eprintln!("{}", super::verify::counts(verified));
        if verified.violated() {
            eprintln!(
                "error: build failed: verification found violations ({}); nothing was written",
                summary(&diagnostics)
            );
            return Exit::InputErrors;
        }
    }
    let Some(compiled) = &compilation.compiled else {
        eprintln!(
            "error: build failed ({}); nothing was written",
            summary(&compilation.diagnostics)
        );
        return Exit::InputErrors;
    };
    let output = iamx::emit::emit(compiled);
    if let Err(message) = files::write_output(&args.output, &output) {
        return super::fail(message);
    }
    eprintln!(
        "wrote {} documents to {} ({})",
        output.len() - 1,
        args.output.display(),
        summary(&diagnostics)
    );
    Exit::Success
}
