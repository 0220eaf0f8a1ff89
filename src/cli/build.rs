//! `iamx build PATH... -o DIR [--format iam|cloudformation|terraform]`: compile and write one
//! JSON file per IAM document plus `manifest.json`, and with `--format` a CloudFormation
//! template (`template.json`) or a Terraform configuration (`main.tf.json`) as well. On any
//! error nothing is written. The analysis is `iamx check`'s ([`super::findings`]), so a
//! project `check` calls clean builds. A project with `env` blocks is built for every
//! environment (or those `--env` or iamx.toml's `environments` name), each into
//! `DIR/<environment>/`, with `DIR/manifest.json` listing them; all of it is one atomic write.
//! The other declared environments' directories an earlier build wrote stay as they were (and
//! listed), and of the rest of an earlier output only the user's files survive
//! ([`super::files::write_build`]).

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
    /// iamx.toml lists, else every one the sources declare. The other environments'
    /// directories in DIR are left as they are.
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
    let mut kept = Vec::new();
    let emitted = match builds.as_slice() {
        [(None, compiled)] => iamx::emit::emit_format(compiled, format),
        _ => {
            let named: Vec<(&str, &iamx::compile::output::Compiled)> = builds
                .iter()
                .filter_map(|(environment, compiled)| Some(((*environment)?, *compiled)))
                .collect();
            let declared = match settings.environments {
                Some(_) => declared_environments(&runs),
                None => named.iter().map(|(e, _)| e.to_string()).collect(),
            };
            kept = earlier_environments(&output, &declared, &named);
            iamx::emit::emit_environments(&named, &kept, &declared, format)
        }
    };
    let emitted = match emitted {
        Ok(emitted) => emitted,
        Err(message) => {
            errln!("error: {message}; nothing was written");
            return Exit::InputErrors;
        }
    };
    let kept_directories: Vec<String> = kept.iter().map(|e| e.directory.clone()).collect();
    if let Err(message) = super::files::write_build(&output, &emitted.files, &kept_directories) {
        return super::fail(message);
    }
    for note in &emitted.notes {
        infoln!("note: {note}");
    }
    for directory in &kept_directories {
        infoln!(
            "note: {} is left as an earlier build wrote it (its environment is not built now)",
            output.join(directory).display()
        );
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

/// The environments the sources declare, in order (the runs of a build with `--env` are only
/// those it names). Only files that mention `env` can declare one, so only they are read again.
fn declared_environments(runs: &[findings::Run]) -> Vec<String> {
    let Some(run) = runs.first() else {
        return Vec::new();
    };
    let inputs: Vec<iamx::compile::Input> = (run.sources.iter())
        .filter(|(_, file)| file.text.contains("env"))
        .map(|(_, file)| iamx::compile::Input {
            name: file.name.clone(),
            bytes: file.text.as_bytes().to_vec(),
        })
        .collect();
    iamx::compile::declared_environments(&inputs)
}

/// The environments of an earlier build in `output` that this one leaves as they are: declared
/// by the sources but not built now (`--env` names others), with the directory and manifest an
/// earlier build wrote for them. Building some environments must not undo the deployment state
/// of the others (their Terraform state, say); environments the sources no longer declare are
/// not kept, and only the user's files in their directories survive ([`super::files`]).
fn earlier_environments(
    output: &std::path::Path,
    declared: &[String],
    built: &[(&str, &iamx::compile::output::Compiled)],
) -> Vec<iamx::emit::EnvironmentEntry> {
    (declared.iter())
        .filter(|name| !built.iter().any(|(b, _)| b == name))
        .filter_map(|name| {
            let text = std::fs::read_to_string(output.join(name).join("manifest.json")).ok()?;
            let manifest = iamx::emit::manifest::read(&text).ok()?;
            (manifest.environment.as_deref() == Some(name.as_str())).then(|| {
                iamx::emit::EnvironmentEntry::new(name, &manifest.account, &manifest.partition)
            })
        })
        .collect()
}
