//! `iamx verify`: prove that roles stay inside their boundaries and that delegations allow no
//! escalation. Three forms:
//! - `iamx verify PATH...`: a project (every bounded role and user, every delegation);
//! - `iamx verify --policy P.json... --boundary B.json...`: containment of plain JSON policies;
//! - `iamx verify --delegation D.json --boundary-arn ARN --prefix PREFIX [--boundary B.json]`: an
//!   existing delegation, and with its boundary's document what the roles its holders create
//!   can do.
//!
//! Exit codes: 0 everything proved, 1 a violation (or input errors), 3 nothing violated but
//! something could not be decided, 2 usage.

use super::findings::{self, DiagnosticsFormat, Findings, ReportArgs, Run, Settings};
use super::output::{errln, infoln, outln};
use super::{files, Exit, Format};
use iamx::diagnostics::{Code, Diagnostic};
use iamx::iam::located::LocatedDocument;
use iamx::source::Sources;
use iamx::verify::{self, Report, Verdict};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// .iamx files or directories of a project.
    paths: Vec<PathBuf>,
    /// Verify the project as built for this environment (repeatable); default: every
    /// environment iamx.toml lists, else every one the sources declare.
    #[arg(long, value_name = "NAME")]
    env: Vec<String>,
    /// Identity policy JSON files to prove inside `--boundary`.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    policy: Vec<PathBuf>,
    /// Permissions boundary JSON file(s). With `--delegation`, one: the document of
    /// `--boundary-arn`, so that what the roles the holders create can do is checked too.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    boundary: Vec<PathBuf>,
    /// A delegation policy JSON file to check for escalation paths (with the policies of its
    /// principals as further files, if any).
    #[arg(long, value_name = "FILE", num_args = 1..)]
    delegation: Vec<PathBuf>,
    /// The ARN of the boundary the delegation must enforce.
    #[arg(long, value_name = "ARN")]
    boundary_arn: Option<String>,
    /// The name prefix the delegation hands out (policy variables allowed).
    #[arg(long)]
    prefix: Option<String>,
    /// The IAM path of the delegated names.
    #[arg(long, default_value = "/")]
    path: String,
    /// The delegation policy's own ARN (its edits must be denied).
    #[arg(long, value_name = "ARN")]
    delegation_arn: Option<String>,
    /// ARNs of the principals holding the delegation (they must not change their own policies).
    #[arg(long, value_name = "ARN", num_args = 1..)]
    principal: Vec<String>,
    /// The account the delegation is used in (otherwise from --delegation-arn, the principals,
    /// or a customer managed boundary; never from an AWS managed boundary).
    #[arg(long, value_name = "ID")]
    account: Option<String>,
    /// The tag keys the delegation lets its holders set (default: Name, Owner, Project,
    /// Environment, CostCenter); writes of other keys are findings.
    #[arg(long, value_name = "KEY", num_args = 1..)]
    tag_keys: Vec<String>,
    /// Holders may manage login profiles (console passwords) of the users they create.
    #[arg(long)]
    login_profiles: bool,
    /// Check the project against the account it is deployed in, from its export
    /// (`aws iam get-account-authorization-details`): what each delegation reaches among the
    /// existing roles, users and policies (escalations become definite), and drift.
    #[arg(long, value_name = "FILE")]
    gaad: Option<PathBuf>,
    /// Conditional escalations (W0504: they depend on what exists in the account) are errors.
    #[arg(long)]
    strict: bool,
    /// `text`: one line per subject on stdout, diagnostics on stderr; `json`: one object on
    /// stdout (with `--diagnostics json|sarif` the diagnostics take stdout, so `text` only).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    report: ReportArgs,
}

pub fn run(args: Args) -> Exit {
    let json_mode = !args.policy.is_empty() || !args.delegation.is_empty();
    if json_mode && !args.paths.is_empty() {
        return super::fail("give either project paths or --policy/--delegation files, not both");
    }
    let config_paths = if json_mode {
        args.policy
            .iter()
            .chain(&args.delegation)
            .cloned()
            .collect()
    } else {
        args.paths.clone()
    };
    let mut settings = match Settings::new(&config_paths, &args.env, &args.report, None) {
        Ok(settings) => settings,
        Err(exit) if !json_mode && args.paths.is_empty() => {
            // The error is said; what else `verify` takes is a help, not a second error.
            errln!(
                "  help: {}",
                if args.gaad.is_some() {
                    "--gaad checks a project against its account: give the project's paths too"
                } else {
                    "verify also takes plain JSON: --policy FILE --boundary FILE, or --delegation FILE --boundary-arn ARN --prefix PREFIX"
                }
            );
            return exit;
        }
        Err(exit) => return exit,
    };
    // Verifying is what this command is for, whatever iamx.toml says about `check` and `build`.
    settings.verify = true;
    if args.strict {
        // After the file's and the flags' levels, so `--strict` wins.
        settings.lints.push((
            iamx::diagnostics::Code::ConditionalEscalation,
            super::config::Level::Error,
        ));
    }
    if args.format == Format::Json && settings.diagnostics != DiagnosticsFormat::Text {
        return super::fail(
            "`--format json` and `--diagnostics json|sarif` would both print on stdout: choose one",
        );
    }
    let runs = if json_mode {
        match json_report(&args) {
            Ok((sources, diagnostics, report)) => {
                let mut diagnostics = diagnostics;
                diagnostics.extend(report.diagnostics.iter().cloned());
                iamx::diagnostics::sort(&mut diagnostics);
                vec![Run {
                    environment: None,
                    sources,
                    diagnostics,
                    suppressed: Vec::new(),
                    compiled: None,
                    verified: Some(report),
                    files: args.policy.len() + args.boundary.len() + args.delegation.len(),
                }]
            }
            Err(exit) => return exit,
        }
    } else {
        // Against an account, the roles' documents are compared with the account's.
        let reads = match args.gaad {
            Some(_) => findings::Reads::Documents,
            None => findings::Reads::AllButRolePolicies,
        };
        match findings::analyze(&settings, false, reads) {
            Ok(runs) => runs,
            Err(exit) => return exit,
        }
    };
    let mut runs = runs;
    if let Some(gaad) = &args.gaad {
        if json_mode {
            return super::fail("--gaad checks a project against its account: give project paths");
        }
        if let Err(exit) = against_account(&mut runs, gaad) {
            return exit;
        }
    }
    if args.strict {
        // Under `--strict` a conditional escalation fails its subject like any other.
        for subject in runs
            .iter_mut()
            .filter_map(|run| run.verified.as_mut())
            .flat_map(|report| report.subjects.iter_mut())
        {
            if subject.verdict == Verdict::Proved
                && subject
                    .counterexamples
                    .iter()
                    .any(|c| c.class == Some("conditional"))
            {
                subject.verdict = Verdict::Violated;
            }
        }
    }
    let findings = Findings::new(&runs, &settings);
    if runs.iter().any(|run| run.verified.is_none()) {
        findings.print(&runs, &settings);
        errln!("error: the project does not compile; nothing was verified");
        return Exit::InputErrors;
    }
    // Each report with its environment, named only when there are several.
    let reports: Vec<(Option<&str>, &Report)> = runs
        .iter()
        .filter_map(|run| {
            let environment = run.environment.as_deref().filter(|_| runs.len() > 1);
            Some((environment, run.verified.as_ref()?))
        })
        .collect();
    let input_errors = findings
        .kept
        .iter()
        .any(|d| d.is_error() && !d.code.as_str().starts_with("E05"));
    // The verdict is what was proved, less what `// iamx:allow` comments excuse; lint levels
    // and --deny-warnings change only the exit code.
    let violated = findings
        .kept
        .iter()
        .any(|d| d.code.as_str().starts_with("E05"));
    let unknown = reports.iter().any(|(_, r)| r.unknown())
        && findings
            .kept
            .iter()
            .any(|d| d.code == iamx::diagnostics::Code::VerifyUnknown);
    let verdict = if input_errors || violated {
        Exit::InputErrors
    } else if unknown {
        Exit::Unknown
    } else {
        Exit::Success
    };
    let exit = if findings.fail(&settings) {
        Exit::InputErrors
    } else {
        verdict
    };
    // An input refused (a boundary that is not JSON) leaves nothing to verify: say why, not
    // "nothing to verify (no boundaries or delegations)".
    let refused = input_errors && reports.iter().all(|(_, r)| r.subjects.is_empty());
    match (args.format, settings.diagnostics) {
        (Format::Json, _) => print_json(&reports, &findings, verdict),
        (Format::Text, _) if refused => {
            findings.print(&runs, &settings);
            errln!("error: an input has errors; nothing was verified");
        }
        (Format::Text, DiagnosticsFormat::Text) => {
            findings.print(&runs, &settings);
            for (environment, report) in &reports {
                print_text(&prefix(*environment), report);
            }
        }
        // The diagnostics have stdout; the subjects go to stderr, as notes.
        (Format::Text, _) => {
            findings.print(&runs, &settings);
            for (environment, report) in &reports {
                let prefix = prefix(*environment);
                for subject in &report.subjects {
                    infoln!(
                        "{prefix}{}: {}",
                        verdict_word(subject.verdict),
                        subject.summary
                    );
                }
                infoln!("{prefix}{}", counts(report));
            }
        }
    }
    drop((reports, findings));
    super::release_at_exit(runs);
    exit
}

/// Reads the account export into each run's sources and checks the run's project against it
/// (the run whose account is the export's). The account answers what the conditional
/// escalations (W0504) assumed, so they give way to its definite findings.
fn against_account(runs: &mut [findings::Run], gaad: &Path) -> Result<(), Exit> {
    let text = files::read_file(gaad)
        .map_err(|e| {
            super::fail(format!(
                "cannot read `{}`: {}",
                gaad.display(),
                super::files::plain(&e)
            ))
        })
        .and_then(|bytes| {
            String::from_utf8(bytes)
                .map_err(|_| super::fail(format!("`{}` is not valid UTF-8", gaad.display())))
        })?;
    let mut matched = false;
    let mut accounts = Vec::new();
    for run in runs.iter_mut() {
        let Some(compiled) = &run.compiled else {
            continue;
        };
        let id = run.sources.add(gaad.display().to_string(), text.clone());
        let (account, diagnostics) = iamx::iam::gaad::read(id, &run.sources.get(id).text);
        let Some(account) = account else {
            super::report(&diagnostics, &run.sources);
            errln!("error: `{}` is not an account export", gaad.display());
            return Err(Exit::InputErrors);
        };
        accounts.push(compiled.account.clone());
        if account
            .account_id
            .as_deref()
            .is_some_and(|a| a != compiled.account)
        {
            continue;
        }
        matched = true;
        let mut report = iamx::verify::verify_against_account(compiled, &account, &text);
        // Drift is about a whole block: its first line says which.
        for d in &mut report.diagnostics {
            if let Some(primary) = d.primary.as_mut().filter(|p| p.span.file != id) {
                primary.span = run.sources.first_line(primary.span);
            }
        }
        run.diagnostics
            .retain(|d| d.code != iamx::diagnostics::Code::ConditionalEscalation);
        run.diagnostics.extend(diagnostics);
        run.diagnostics.extend(report.diagnostics.iter().cloned());
        iamx::diagnostics::sort(&mut run.diagnostics);
        if let Some(verified) = &mut run.verified {
            for subject in &mut verified.subjects {
                subject
                    .counterexamples
                    .retain(|c| c.class != Some("conditional"));
                for assumption in &mut subject.assumptions {
                    if assumption.starts_with("the prefix is clean") {
                        *assumption = format!(
                            "the prefix is clean: not assumed, checked against `{}` (below)",
                            gaad.display()
                        );
                    }
                }
            }
            verified.subjects.extend(report.subjects);
            verified.diagnostics.extend(report.diagnostics);
        }
    }
    if !matched && !accounts.is_empty() {
        return Err(super::fail(format!(
            "`{}` is an export of another account than the project's ({})",
            gaad.display(),
            accounts.join(", ")
        )));
    }
    Ok(())
}

fn verdict_word(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Proved => "proved",
        Verdict::Violated => "VIOLATED",
        Verdict::Unknown => "unknown",
    }
}

/// Prints one line per subject (and its notes) to stdout, and a summary to stderr, each
/// starting with `prefix` (the environment, when several are verified).
pub fn print_text(prefix: &str, report: &Report) {
    for subject in &report.subjects {
        outln!(
            "{prefix}{}: {}",
            verdict_word(subject.verdict),
            subject.summary
        );
        for reason in &subject.unknown {
            outln!("  unknown: {reason}");
        }
        for note in &subject.notes {
            outln!("  note: {note}");
        }
        for assumption in &subject.assumptions {
            outln!("  assumes: {assumption}");
        }
    }
    infoln!("{prefix}{}", counts(report));
}

/// "verified 3 subjects: 2 proved, 1 violated", only the verdicts that occurred;
/// "nothing to verify" when the project has no bounded principal and no delegation.
pub fn counts(report: &Report) -> String {
    if report.subjects.is_empty() {
        return "nothing to verify (no boundaries or delegations)".into();
    }
    let verdicts: Vec<String> = [
        (Verdict::Proved, "proved"),
        (Verdict::Violated, "violated"),
        (Verdict::Unknown, "unknown"),
    ]
    .into_iter()
    .map(|(verdict, word)| {
        let n = report
            .subjects
            .iter()
            .filter(|s| s.verdict == verdict)
            .count();
        (n, word)
    })
    .filter(|&(n, _)| n > 0)
    .map(|(n, word)| format!("{n} {word}"))
    .collect();
    format!(
        "verified {}: {}",
        super::count(report.subjects.len(), "subject"),
        verdicts.join(", ")
    )
}

/// What a line about one environment's report starts with: "dev: ", or nothing.
fn prefix(environment: Option<&str>) -> String {
    environment.map(|e| format!("{e}: ")).unwrap_or_default()
}

fn print_json(reports: &[(Option<&str>, &Report)], findings: &Findings, verdict: Exit) {
    let verdict = match verdict {
        Exit::Success => "proved",
        Exit::Unknown => "unknown",
        _ => "violated",
    };
    // With several environments each subject says which one it was proved in.
    let subjects: Vec<serde_json::Value> = reports
        .iter()
        .flat_map(|(environment, r)| r.subjects.iter().map(move |s| (*environment, s)))
        .map(|(environment, subject)| {
            let mut value = serde_json::to_value(subject).expect("subjects serialize");
            if let (Some(object), Some(environment)) = (value.as_object_mut(), environment) {
                object.insert("environment".into(), environment.into());
            }
            value
        })
        .collect();
    let value = serde_json::json!({
        "verdict": verdict,
        "subjects": subjects,
        "diagnostics": findings.kept,
    });
    outln!(
        "{}",
        serde_json::to_string_pretty(&value).expect("the report serializes")
    );
}

type JsonReport = (Sources, Vec<Diagnostic>, Report);

/// Reads JSON policy files with positions; `Err` carries the exit for unreadable input.
pub fn read_policies(
    paths: &[PathBuf],
    sources: &mut Sources,
    diagnostics: &mut Vec<Diagnostic>,
    kind: &str,
) -> Result<Vec<LocatedDocument>, Exit> {
    let inputs = files::collect_sources(paths).map_err(super::fail)?;
    let mut out = Vec::new();
    for input in inputs {
        let (_, read, mut found) = iamx::iam::read::read_file(sources, &input.name, &input.bytes);
        diagnostics.append(&mut found);
        if let Some(read) = read {
            let located = LocatedDocument::from_read(format!("{kind} {}", input.name), read);
            // A resource or trust policy read as an identity policy would be answered with its
            // `Principal` ignored: a grant to another account would read as the caller's own.
            let named = (located.policy.statements.iter().zip(&located.spans))
                .find(|(s, _)| s.principal.is_some() || s.not_principal.is_some());
            if let Some((_, &span)) = named {
                diagnostics.push(
                    Diagnostic::new(
                        Code::ElementNotAllowed,
                        format!("{} names a principal: it is a resource or trust policy, not an identity policy", input.name),
                    )
                    .at(span, "this statement has a `Principal`")
                    .with_help("give the policies of the principal asking (identity policies and its boundary); resource policies are not evaluated"),
                );
                continue;
            }
            out.push(located);
        }
    }
    Ok(out)
}

fn json_report(args: &Args) -> Result<JsonReport, Exit> {
    let mut sources = Sources::new();
    let mut diagnostics = Vec::new();
    let mut report = Report::default();
    if !args.policy.is_empty() && args.boundary.is_empty() {
        return Err(super::fail("--policy needs --boundary FILE"));
    }
    if !args.delegation.is_empty() && args.boundary.len() > 1 {
        return Err(super::fail(
            "--delegation takes one --boundary FILE: the document of --boundary-arn",
        ));
    }
    // Read once: with --delegation, the roles the holders create can do what it allows.
    let boundary = read_policies(&args.boundary, &mut sources, &mut diagnostics, "boundary")?;
    if !args.delegation.is_empty() && boundary.len() > 1 {
        return Err(super::fail(
            "--delegation takes one --boundary FILE: the document of --boundary-arn, not a folder of several",
        ));
    }
    if !args.policy.is_empty() {
        let identity = read_policies(&args.policy, &mut sources, &mut diagnostics, "policy")?;
        if identity.len() == args.policy.len() && boundary.len() == args.boundary.len() {
            let label = identity
                .iter()
                .map(|l| l.name.clone())
                .collect::<Vec<_>>()
                .join(" + ");
            let span = identity[0].span;
            let mut found = verify::check_containment(&identity, &boundary, &label, span);
            report.subjects.append(&mut found.subjects);
            report.diagnostics.append(&mut found.diagnostics);
        }
    }
    if !args.delegation.is_empty() {
        let (Some(boundary_arn), Some(prefix)) = (&args.boundary_arn, &args.prefix) else {
            return Err(super::fail(
                "--delegation needs --boundary-arn ARN and --prefix PREFIX",
            ));
        };
        let Some(parts) = policy_arn(boundary_arn) else {
            return Err(super::fail(format!(
                "`{boundary_arn}` is not a managed policy ARN (arn:aws:iam::ACCOUNT:policy/NAME)"
            )));
        };
        let path = if args.path.starts_with('/') && args.path.ends_with('/') {
            args.path.clone()
        } else {
            return Err(super::fail("--path must start and end with `/`"));
        };
        let (account, account_source) = account(args, parts.1)?;
        let scope = iamx::compile::delegation::Scope {
            partition: parts.0.to_string(),
            account,
            boundary_arn: boundary_arn.clone(),
            delegation_arn: args.delegation_arn.clone(),
            delegation_parts: Vec::new(),
            path,
            prefix: prefix.clone(),
            pass_to: Vec::new(),
            create_users: true,
            tag_keys: if args.tag_keys.is_empty() {
                iamx::compile::delegation::default_tag_keys()
            } else {
                args.tag_keys.clone()
            },
            login_profiles: args.login_profiles,
        };
        let docs = read_policies(
            &args.delegation,
            &mut sources,
            &mut diagnostics,
            "delegation",
        )?;
        if docs.len() == args.delegation.len() && boundary.len() == args.boundary.len() {
            let label = format!("delegation {}", args.delegation[0].display());
            let span = docs[0].span;
            let mut found = verify::check_delegation(
                &docs,
                boundary.first(),
                &scope,
                &args.principal,
                &label,
                span,
            );
            if let Some(subject) = found.subjects.last_mut() {
                if args.delegation_arn.is_none() {
                    subject.notes.push(
                        "no --delegation-arn given: edits of the delegation policy itself were not checked".into(),
                    );
                }
                subject.assumptions = verify::assumptions(
                    &scope,
                    &verify::Facts {
                        account_source,
                        boundary_content: if boundary.is_empty() {
                            "its content was not read: the roles the holders create can do whatever it allows; give it with --boundary B.json to check that too".into()
                        } else {
                            format!("as in {}: what it allows the roles the holders create was checked against the same envelope", args.boundary[0].display())
                        },
                        seen: docs.iter().skip(1).map(|d| d.name.clone()).collect(),
                    },
                );
            }
            report.subjects.append(&mut found.subjects);
            report.diagnostics.append(&mut found.diagnostics);
        }
    }
    Ok((sources, diagnostics, report))
}

/// `(partition, account)` of a managed policy ARN.
fn policy_arn(arn: &str) -> Option<(&str, &str)> {
    let [prefix, partition, service, _, account, resource] = iamx::iam::names::arn_parts(arn)?;
    (prefix == "arn" && service == "iam" && resource.starts_with("policy/"))
        .then_some((partition, account))
}

/// The account of a delegation, and where it came from: `--account`, the delegation policy's
/// ARN, the principals' ARNs, or a customer managed boundary's ARN. An AWS managed boundary
/// (`arn:aws:iam::aws:policy/...`) names no account: taking `aws` from it would make every
/// write in the real account look like one outside the delegation.
fn account(args: &Args, boundary_account: &str) -> Result<(String, String), Exit> {
    let of = |arn: &str| iamx::iam::names::arn_parts(arn).map(|parts| parts[4].to_string());
    let mut candidates: Vec<(String, String)> = Vec::new();
    if let Some(id) = &args.account {
        candidates.push((id.clone(), "--account".into()));
    }
    if let Some(id) = args.delegation_arn.as_deref().and_then(of) {
        candidates.push((id, "the delegation policy's ARN".into()));
    }
    for principal in &args.principal {
        if let Some(id) = of(principal) {
            candidates.push((id, format!("principal `{principal}`")));
        }
    }
    if boundary_account != "aws" {
        candidates.push((
            boundary_account.to_string(),
            "the boundary's ARN (a customer managed policy lives in the account that uses it)"
                .into(),
        ));
    }
    let Some((account, source)) = candidates.first().cloned() else {
        return Err(super::fail(
            "cannot tell the delegation's account: the boundary is AWS managed, so give --account ID (or --delegation-arn or --principal)",
        ));
    };
    if !iamx::iam::names::is_account_id(&account) {
        return Err(super::fail(format!(
            "`{account}` (from {source}) is not a 12-digit account ID"
        )));
    }
    if let Some((other, from)) = candidates.iter().find(|(id, _)| *id != account) {
        return Err(super::fail(format!(
            "the account from {source} is `{account}`, but {from} is in `{other}`: IAM writes never cross accounts"
        )));
    }
    Ok((account, source))
}
