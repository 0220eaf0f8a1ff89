//! `iamx build PATH... -o DIR [--format iam|cloudformation|terraform]`: compile and write one
//! JSON file per IAM document plus `manifest.json`, and with `--format` a CloudFormation
//! template (`template.json`) or a Terraform configuration (`main.tf.json`) as well. On any
//! error nothing is written.

use super::output::{errln, infoln};
use super::{files, report, summary, Exit};
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
    /// What to write besides the IAM documents: nothing (`iam`), a CloudFormation template
    /// (`cloudformation`, `template.json`) or a Terraform configuration (`terraform`, `main.tf.json`).
    #[arg(long, value_enum, default_value_t = OutputFormat::Iam)]
    format: OutputFormat,
    /// Skip `verify` (boundary containment and delegation safety), which runs by default.
    #[arg(long)]
    no_verify: bool,
    /// Treat warnings as errors: exit with 1 and write nothing if there is any.
    #[arg(long)]
    deny_warnings: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum OutputFormat {
    Iam,
    #[value(name = "cloudformation")]
    CloudFormation,
    Terraform,
}

pub fn run(args: Args) -> Exit {
    let inputs = match files::collect_sources(&args.paths) {
        Ok(inputs) => inputs,
        Err(message) => return super::fail(message),
    };
    let options = iamx::compile::Options {
        environment: args.env,
    };
    let compilation = iamx::compile::compile(inputs, &options);
    let verified = match (&compilation.compiled, args.no_verify) {
        (Some(compiled), false) => Some(iamx::verify::verify_compiled(compiled)),
        _ => None,
    };
    let mut diagnostics = compilation.diagnostics.clone();
    if let Some(verified) = &verified {
        diagnostics.extend(verified.diagnostics.iter().cloned());
        iamx::diagnostics::sort(&mut diagnostics);
    }
    report(&diagnostics, &compilation.sources);
    if let Some(verified) = &verified {
        infoln!("{}", super::verify::counts(verified));
        if verified.violated() {
            errln!(
                "error: build failed: verification found violations ({}); nothing was written",
                summary(&diagnostics)
            );
            return Exit::InputErrors;
        }
    }
    let Some(compiled) = &compilation.compiled else {
        errln!(
            "error: build failed ({}); nothing was written",
            summary(&compilation.diagnostics)
        );
        return Exit::InputErrors;
    };
    if args.deny_warnings && !diagnostics.is_empty() {
        errln!(
            "error: build failed: warnings are denied ({}); nothing was written",
            summary(&diagnostics)
        );
        return Exit::InputErrors;
    }
    let format = match args.format {
        OutputFormat::Iam => iamx::emit::Format::Iam,
        OutputFormat::CloudFormation => iamx::emit::Format::CloudFormation,
        OutputFormat::Terraform => iamx::emit::Format::Terraform,
    };
    let output = iamx::emit::emit_format(compiled, format);
    if let Err(message) = files::write_output(&args.output, &output) {
        return super::fail(message);
    }
    let extra = match format.extra_file() {
        Some(file) => format!(" and {file}"),
        None => String::new(),
    };
    let warnings = match diagnostics.is_empty() {
        true => String::new(),
        false => format!(" ({})", summary(&diagnostics)),
    };
    infoln!(
        "wrote {}{extra} to {}{warnings}",
        super::count(compiled.documents.len(), "document"),
        args.output.display(),
    );
    Exit::Success
}
