//! `iamx check PATH...`: `iamx build` without writing. The same analysis ([`super::findings`]):
//! the same diagnostics, verification included (`--no-verify` skips it), and the same exit
//! code. `.json` files, and directories of them (a build output directory with the kinds of its
//! manifest), are read as plain IAM policies and get the document checks for their kind
//! (`--kind`, or inferred), the catalog checks and lints. `-` reads standard input: a JSON policy when it starts with
//! `{`, `.iamx` source otherwise.

use super::findings::{self, DiagnosticsFormat, Findings, ReportArgs, Settings, VerifyArgs};
use super::output::infoln;
use super::{Exit, Format};
use iamx::iam::kind::PolicyKind;
use std::path::PathBuf;

fn parse_kind(text: &str) -> Result<PolicyKind, String> {
    PolicyKind::parse(text).ok_or_else(|| {
        let names: Vec<&str> = PolicyKind::ALL.iter().map(|k| k.as_str()).collect();
        format!("the kinds are {}", names.join(", "))
    })
}

#[derive(clap::Args)]
pub struct Args {
    /// .iamx files, directories searched for them, IAM JSON policy files (`*.json`), or `-` for
    /// standard input. Default: `paths` of iamx.toml.
    paths: Vec<PathBuf>,
    /// Check the project as built for this environment (an `env` block; repeatable);
    /// default: every environment iamx.toml lists, else every one the sources declare.
    #[arg(long, value_name = "NAME")]
    env: Vec<String>,
    #[command(flatten)]
    verify: VerifyArgs,
    #[command(flatten)]
    report: ReportArgs,
    /// What every JSON policy given is: managed-policy, boundary, role-inline, user-inline,
    /// group-inline, identity, trust, resource or scp. Default: from a build directory's
    /// manifest, else inferred from each document (and said).
    #[arg(long, value_parser = parse_kind)]
    kind: Option<PolicyKind>,
    /// Former spelling of `--diagnostics json`, kept so existing scripts work.
    #[arg(long, value_enum, hide = true)]
    format: Option<Format>,
}

pub fn run(mut args: Args) -> Exit {
    if args.format == Some(Format::Json) && args.report.diagnostics.is_none() {
        args.report.diagnostics = Some(DiagnosticsFormat::Json);
    }
    let mut settings = match Settings::new(&args.paths, &args.env, &args.report, Some(&args.verify))
    {
        Ok(settings) => settings,
        Err(exit) => return exit,
    };
    settings.json_kind = args.kind;
    let runs = match findings::analyze(&settings, true, findings::Reads::AllButRolePolicies) {
        Ok(runs) => runs,
        Err(exit) => return exit,
    };
    let findings = Findings::new(&runs, &settings);
    findings.print(&runs, &settings);
    if settings.diagnostics == DiagnosticsFormat::Text {
        for run in &runs {
            if let Some(verified) = &run.verified {
                let prefix = findings::run_prefix(&runs, run);
                infoln!("{prefix}{}", super::verify::counts(verified));
            }
        }
        let files = runs.first().map_or(0, |r| r.files);
        infoln!(
            "checked {}: {}",
            super::count(files, "file"),
            findings.summary()
        );
    }
    let exit = if findings.fail(&settings) {
        Exit::InputErrors
    } else {
        Exit::Success
    };
    drop(findings);
    super::release_at_exit(runs);
    exit
}
