//! `iamx explain`: may this principal do ACTION on RESOURCE (with this context)? Prints the
//! decision (allow, implicit deny, explicit deny) and the statements that decided, with their
//! source locations. Two forms:
//! - `iamx explain --policy P.json... [--boundary B.json...] --action A --resource ARN`;
//! - `iamx explain PATH... --role NAME (or --user NAME) --action A --resource ARN`.
//!
//! Exit codes: 0 an answer was given (whatever the decision), 1 input errors, 2 usage. With
//! `--exit-code` the answer is the exit code: 0 allowed, 1 denied (implicitly or explicitly), so
//! a script or test can assert a decision.
//!
//! An action or condition key the AWS catalog does not know gets a warning (with the closest
//! known name): a typo there is a question IAM would answer "denied" to without saying why.

use super::output::{errln, outln};
use super::{files, report, Exit, Format};
use iamx::catalog::Catalog;
use iamx::diagnostics::did_you_mean;
use iamx::reason::{self, Decision, Evaluation, PolicySet, Request, StatementRef};
use iamx::source::Sources;
use serde::Serialize;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// .iamx files or directories of a project (with --role or --user).
    paths: Vec<PathBuf>,
    /// The project role to ask about.
    #[arg(long, value_name = "NAME", conflicts_with = "user")]
    role: Option<String>,
    /// The project user to ask about (its groups' policies included).
    #[arg(long, value_name = "NAME")]
    user: Option<String>,
    /// Build the project for this environment (an `env` block).
    #[arg(long)]
    env: Option<String>,
    /// Identity policy JSON files.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    policy: Vec<PathBuf>,
    /// Permissions boundary JSON file(s).
    #[arg(long, value_name = "FILE", num_args = 1..)]
    boundary: Vec<PathBuf>,
    /// The action, `service:Name`.
    #[arg(long)]
    action: String,
    /// The resource ARN (or `*`).
    #[arg(long)]
    resource: String,
    /// A request context value, `KEY=VALUE`; repeat a key for a multivalued key.
    #[arg(long, value_name = "KEY=VALUE")]
    context: Vec<String>,
    /// Make the decision the exit code: 0 when allowed, 1 when denied.
    #[arg(long)]
    exit_code: bool,
    /// `text`: the decision and the deciding statements; `json`: the same as one object.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Serialize)]
struct StatementOut {
    policy: String,
    set: &'static str,
    statement: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    sid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
}

pub fn run(args: Args) -> Exit {
    let mut request = Request::new(&args.action, &args.resource);
    let mut values: Vec<(String, Vec<String>)> = Vec::new();
    for entry in &args.context {
        let Some((key, value)) = entry.split_once('=') else {
            return super::fail(format!("`{entry}` is not KEY=VALUE"));
        };
        match values.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
            Some((_, list)) => list.push(value.to_string()),
            None => values.push((key.to_string(), vec![value.to_string()])),
        }
    }
    for (key, list) in &values {
        request.context.set(key, list.clone());
    }
    warn_unknown_names(&args.action, values.iter().map(|(key, _)| key.as_str()));

    let mut sources = Sources::new();
    let mut diagnostics = Vec::new();
    let mut notes = Vec::new();
    let (identity, boundary) = if !args.policy.is_empty() {
        if !args.paths.is_empty() {
            return super::fail("give either project paths with --role/--user, or --policy files");
        }
        let identity = match super::verify::read_policies(
            &args.policy,
            &mut sources,
            &mut diagnostics,
            "policy",
        ) {
            Ok(found) => found,
            Err(exit) => return exit,
        };
        let boundary = match super::verify::read_policies(
            &args.boundary,
            &mut sources,
            &mut diagnostics,
            "boundary",
        ) {
            Ok(found) => found,
            Err(exit) => return exit,
        };
        if identity.len() != args.policy.len() || boundary.len() != args.boundary.len() {
            report(&diagnostics, &sources);
            return Exit::InputErrors;
        }
        (identity, (!boundary.is_empty()).then_some(boundary))
    } else {
        let (kind, name) = match (&args.role, &args.user) {
            (Some(role), _) => ("role", role),
            (None, Some(user)) => ("user", user),
            _ => {
                return super::fail(
                    "give --role NAME or --user NAME with project paths, or --policy FILE",
                )
            }
        };
        if args.paths.is_empty() {
            return super::fail("--role and --user need the project's paths");
        }
        let inputs = match files::collect_sources(&args.paths) {
            Ok(inputs) => inputs,
            Err(message) => return super::fail(message),
        };
        let compilation = iamx::compile::compile(
            inputs,
            &iamx::compile::Options {
                environment: args.env.clone(),
            },
        );
        sources = compilation.sources;
        let Some(compiled) = &compilation.compiled else {
            report(&compilation.diagnostics, &sources);
            errln!("error: the project does not compile");
            return Exit::InputErrors;
        };
        let Some((identity, boundary, external)) =
            iamx::verify::principal_policies(compiled, kind, name)
        else {
            return super::fail(format!("the project has no {kind} `{name}`"));
        };
        for arn in external {
            notes.push(format!(
                "{arn} is not in the project and was not evaluated; the real decision may differ"
            ));
        }
        (identity, boundary.map(|b| vec![b]))
    };
    report(&diagnostics, &sources);

    let identity_docs: Vec<_> = identity.iter().map(|l| l.policy.clone()).collect();
    let boundary_docs: Option<Vec<_>> = boundary
        .as_ref()
        .map(|b| b.iter().map(|l| l.policy.clone()).collect());
    let evaluation = reason::evaluate(&identity_docs, boundary_docs.as_deref(), &request);
    let describe = |at: &StatementRef| {
        let docs = match at.set {
            PolicySet::Identity => &identity[..],
            PolicySet::Boundary => boundary.as_deref().unwrap_or_default(),
        };
        let located = &docs[at.doc];
        let span = located.spans.get(at.stmt).copied().unwrap_or(located.span);
        let file = sources.get(span.file);
        let (line, column) = file.line_column(span.start as usize);
        StatementOut {
            policy: located.name.clone(),
            set: match at.set {
                PolicySet::Identity => "identity",
                PolicySet::Boundary => "boundary",
            },
            statement: at.stmt + 1,
            sid: at.sid.clone(),
            file: Some(file.name.clone()),
            line: Some(line),
            column: Some(column),
        }
    };
    let decision = match evaluation.decision {
        Decision::Allow => "allow",
        Decision::ImplicitDeny => "implicit-deny",
        Decision::ExplicitDeny => "explicit-deny",
    };
    let why = reason_text(&evaluation, boundary.is_some());
    for (at, reason) in &evaluation.unmodelled {
        let s = describe(at);
        notes.push(format!(
            "{} statement {} could not be evaluated exactly ({reason}); it fails closed: a Deny counts as applying, an Allow as not",
            s.policy, s.statement
        ));
    }
    match args.format {
        Format::Json => {
            let list = |refs: &[StatementRef]| refs.iter().map(describe).collect::<Vec<_>>();
            let value = serde_json::json!({
                "decision": decision,
                "reason": why,
                "request": {
                    "action": request.action,
                    "resource": request.resource,
                    "context": values.iter().cloned().collect::<std::collections::BTreeMap<_, _>>(),
                },
                "deciding": list(&evaluation.deciding),
                "identity_allows": list(&evaluation.identity_allows),
                "boundary_allows": list(&evaluation.boundary_allows),
                "denies": list(&evaluation.denies),
                "notes": notes,
            });
            outln!(
                "{}",
                serde_json::to_string_pretty(&value).expect("the answer serializes")
            );
        }
        Format::Text => {
            outln!("{decision}: {}", iamx::verify::show(&request));
            outln!("  {why}");
            for at in &evaluation.deciding {
                let s = describe(at);
                let effect = if evaluation.denies.contains(at) {
                    "denied by"
                } else {
                    "allowed by"
                };
                let name = match &s.sid {
                    Some(sid) => format!("statement {} ({sid})", s.statement),
                    None => format!("statement {}", s.statement),
                };
                outln!(
                    "  {effect} {} {name} at {}:{}:{}",
                    s.policy,
                    s.file.unwrap_or_default(),
                    s.line.unwrap_or_default(),
                    s.column.unwrap_or_default()
                );
            }
            for note in &notes {
                outln!("  note: {note}");
            }
        }
    }
    match (args.exit_code, evaluation.decision) {
        (true, Decision::ImplicitDeny | Decision::ExplicitDeny) => Exit::InputErrors,
        _ => Exit::Success,
    }
}

/// Warns (stderr) about an action and condition keys the catalog does not know, with the
/// closest known name when there is one.
fn warn_unknown_names<'a>(action: &str, keys: impl Iterator<Item = &'a str>) {
    let catalog = Catalog::get();
    let is_pattern = action.contains(['*', '?']);
    if !is_pattern && catalog.action(action).is_none() {
        errln!("warning: unknown action `{action}`: no such action in the AWS catalog");
        if let Some(close) = catalog.suggest_action(action) {
            errln!("  help: did you mean `{close}`?");
        }
    }
    for key in keys {
        if catalog.condition_key(key).is_some() {
            continue;
        }
        // Keys of identity providers (`token.actions.githubusercontent.com:sub`) are not in
        // the catalog; only keys under `aws:` or a known service prefix can be misspelt.
        let prefix = key.split_once(':').map_or(key, |(prefix, _)| prefix);
        let service = catalog.service(prefix);
        if service.is_none() && !prefix.eq_ignore_ascii_case("aws") {
            continue;
        }
        errln!("warning: unknown condition key `{key}`: no such key in the AWS catalog");
        let globals = catalog.global_condition_keys().iter().map(|k| k.name);
        let of_service = service
            .into_iter()
            .flat_map(|s| s.condition_keys.iter().map(|k| k.name));
        if let Some(close) = did_you_mean(key, globals.chain(of_service)) {
            errln!("  help: did you mean `{close}`?");
        }
    }
}

fn reason_text(evaluation: &Evaluation, has_boundary: bool) -> String {
    match evaluation.decision {
        Decision::Allow if has_boundary => {
            "an identity statement and a boundary statement allow it, and nothing denies it".into()
        }
        Decision::Allow => "an identity statement allows it, and nothing denies it".into(),
        Decision::ExplicitDeny => "a Deny statement applies; a Deny always wins".into(),
        Decision::ImplicitDeny if evaluation.identity_allows.is_empty() => {
            "no identity statement allows it".into()
        }
        Decision::ImplicitDeny => {
            "the identity policies allow it, but no statement of the permissions boundary does"
                .into()
        }
    }
}
