//! `iamx build PATH... -o DIR [--format iam|cloudformation|terraform]`: compile and write one
//! JSON file per IAM document plus `manifest.json`, and with `--format` a CloudFormation
//! template (`template.json`) or a Terraform configuration (`main.tf.json`) as well. On any
//! error nothing is written. The analysis is `iamx check`'s ([`super::findings`]), so a
//! project `check` calls clean builds. A project with `env` blocks is built for every
//! environment (or those `--env` or iamx.toml's `environments` name), each into
//! `DIR/<environment>/`, with `DIR/manifest.json` listing them; all of it is one atomic write.

use super::findings::{self, DiagnosticsFormat, Findings, ReportArgs, Settings, VerifyArgs};
use super::output::{errln, infoln};
use super::Exit;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// .iamx files, or directories searched for them. Default: `paths` of iamx.toml.
    paths: Vec<PathBuf>,
    /// The output directory; replaced as a whole, and only if it is empty or an earlier output.
    /// Default: `[build] output` of iamx.toml.
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Build for this environment (an `env` block; repeatable); default: every environment
    /// iamx.toml lists, else every one the sources declare.
    #[arg(long, value_name = "NAME")]
    env: Vec<String>,
    /// What to write besides the IAM documents: nothing (`iam`), a CloudFormation template
    /// (`cloudformation`, `template.json`) or a Terraform configuration (`terraform`, `main.tf.json`).
    #[arg(long, value_enum)]
    format: Option<OutputFormat>,
    #[command(flatten)]
    verify: VerifyArgs,
    #[command(flatten)]
    report: ReportArgs,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    Iam,
    #[value(name = "cloudformation")]
    CloudFormation,
    Terraform,
}

pub fn run(args: Args) -> Exit {
    let settings = match Settings::new(&args.paths, &args.env, &args.report, Some(&args.verify)) {
        Ok(settings) => settings,
        Err(exit) => return exit,
    };
    let config = &settings.project.config.build;
    let Some(output) = args
        .output
        .clone()
        .or_else(|| config.output.as_ref().map(|o| settings.project.resolve(o)))
    else {
        return super::fail("no output directory: give `-o DIR` or `[build] output` in iamx.toml");
    };
    let format = match args.format.or(config.format).unwrap_or(OutputFormat::Iam) {
        OutputFormat::Iam => iamx::emit::Format::Iam,
        OutputFormat::CloudFormation => iamx::emit::Format::CloudFormation,
        OutputFormat::Terraform => iamx::emit::Format::Terraform,
    };
    let runs = match findings::analyze(&settings, false, findings::Reads::Documents) {
        Ok(runs) => runs,
        Err(exit) => return exit,
    };
    let findings = Findings::new(&runs, &settings);
    findings.print(&runs, &settings);
    let text = settings.diagnostics == DiagnosticsFormat::Text;
    if text {
        for run in &runs {
            if let Some(verified) = &run.verified {
                let prefix = findings::run_prefix(&runs, run);
                infoln!("{prefix}{}", super::verify::counts(verified));
            }
        }
    }
    if findings.fail(&settings) {
        let verification = findings
            .kept
            .iter()
            .any(|d| d.is_error() && d.code.as_str().starts_with("E05"));
        let why = if verification {
            ": verification found violations"
        } else if findings.has_errors() {
            ""
        } else {
            ": warnings are denied"
        };
        errln!(
            "error: build failed{why} ({}); nothing was written",
            findings.summary()
        );
        return Exit::InputErrors;
    }
    let mut builds = Vec::new();
    for run in &runs {
        let Some(compiled) = &run.compiled else {
            // Unreachable in practice: a run without a compiled project has errors.
            errln!("error: build failed; nothing was written");
            return Exit::InputErrors;
        };
        builds.push((run.environment.as_deref(), compiled));
    }
    // A project with environments always gets the `DIR/<environment>/` layout, however many
    // are built, so a deployer's paths do not depend on `--env`; one write keeps it atomic.
    let emitted = match builds.as_slice() {
        [(None, compiled)] => iamx::emit::emit_format(compiled, format),
        _ => {
            let named: Vec<(&str, &iamx::compile::output::Compiled)> = builds
                .iter()
                .filter_map(|(environment, compiled)| Some(((*environment)?, *compiled)))
                .collect();
            iamx::emit::emit_environments(&named, format)
        }
    };
    let emitted = match emitted {
        Ok(emitted) => emitted,
        Err(message) => {
            errln!("error: {message}; nothing was written");
            return Exit::InputErrors;
        }
    };
    if let Err(message) = super::files::write_output(&output, &emitted.files) {
        return super::fail(message);
    }
    for note in &emitted.notes {
        infoln!("note: {note}");
    }
    let extra = match format.extra_file() {
        Some(file) => format!(" and {file}"),
        None => String::new(),
    };
    let warnings = match findings.kept.is_empty() && findings.suppressed.is_empty() {
        true => String::new(),
        false => format!(" ({})", findings.summary()),
    };
    for (environment, compiled) in &builds {
        let dir = match environment {
            Some(environment) => output.join(environment),
            None => output.clone(),
        };
        infoln!(
            "wrote {}{extra} to {}{warnings}",
            super::count(compiled.documents.len(), "document"),
            dir.display(),
        );
    }
    Exit::Success
}
