//! `iamx explain`: may this principal do ACTION on RESOURCE (with this context)? Prints the
//! decision (allow, implicit deny, explicit deny) and the statements that decided, with their
//! source locations. Three forms:
//! - `iamx explain --policy P.json... [--boundary B.json...] --action A --resource ARN`;
//! - `iamx explain PATH... --role NAME (or --user NAME) --action A --resource ARN`, PATH a
//!   project or one build output directory, or `--gaad FILE` (an account export) for PATH;
//! - `iamx explain PATH... --queries FILE` (or `--gaad FILE --queries FILE`): one question per
//!   line of FILE (`-`: standard input),
//!   answered as TSV or JSON (see `iamx::verify::queries` for the lines, the README for the
//!   output).
//!
//! The principals and their policies come from `iamx::verify::account`; this file reads files
//! and prints.
//!
//! Exit codes: 0 an answer was given (whatever the decision), 1 input errors (with `--queries`:
//! any line that could not be answered; the others are answered), 2 usage. With `--exit-code`
//! the answer is the exit code: 0 allowed, 1 denied (implicitly or explicitly), so a script or
//! test can assert a decision.
//!
//! An action or condition key the AWS catalog does not know gets a warning (with the closest
//! known name): a typo there is a question IAM would answer "denied" to without saying why.

use super::config::ConfigFlags;
use super::inputs::{self, Source};
use super::output::{errln, infoln, out, outln};
use super::{count, files, report, Exit, Format};
use iamx::catalog::Catalog;
use iamx::diagnostics::{did_you_mean, Code, Diagnostic};
use iamx::reason::{Decision, Evaluation, Request, StatementRef};
use iamx::source::Sources;
use iamx::verify::account::{Account, NotFound, Prepared, PrincipalKind, ReadFile, StatementInfo};
use iamx::verify::queries::{self, Query};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// A project's .iamx files or directories (with --role, --user or --queries), or one build
    /// output directory (with its manifest.json).
    paths: Vec<PathBuf>,
    /// The role to ask about.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["user", "queries"])]
    role: Option<String>,
    /// The user to ask about (its groups' policies included).
    #[arg(long, value_name = "NAME", conflicts_with = "queries")]
    user: Option<String>,
    /// The environment to ask about (an `env` block of the project, a directory of the output).
    #[arg(long)]
    env: Option<String>,
    #[command(flatten)]
    config: ConfigFlags,
    /// The roles and users of an account export (`aws iam get-account-authorization-details`),
    /// instead of project paths.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["paths", "env", "policy"])]
    gaad: Option<PathBuf>,
    /// Identity policy JSON files.
    #[arg(long, value_name = "FILE", num_args = 1.., conflicts_with = "queries")]
    policy: Vec<PathBuf>,
    /// Permissions boundary JSON file(s).
    #[arg(long, value_name = "FILE", num_args = 1.., conflicts_with = "queries")]
    boundary: Vec<PathBuf>,
    /// The action, `service:Name`.
    #[arg(long, required_unless_present = "queries", conflicts_with = "queries")]
    action: Option<String>,
    /// The resource ARN (or `*`).
    #[arg(long, required_unless_present = "queries", conflicts_with = "queries")]
    resource: Option<String>,
    /// A request context value, `KEY=VALUE`; repeat a key for a multivalued key.
    #[arg(long, value_name = "KEY=VALUE", conflicts_with = "queries")]
    context: Vec<String>,
    /// Make the decision the exit code: 0 when allowed, 1 when denied, 3 when not known.
    #[arg(long, conflicts_with = "queries")]
    exit_code: bool,
    /// Answer every line of FILE (`-`: standard input), each
    /// `principal<TAB>action<TAB>resource[<TAB>KEY=VALUE;KEY=VALUE]`, loading the policies once.
    #[arg(long, value_name = "FILE")]
    queries: Option<PathBuf>,
    /// `text`: the decision and the deciding statements (with --queries, one TSV line per
    /// question); `json`: the same as one object (with --queries, an array of them).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(args: Args) -> Exit {
    match &args.queries {
        Some(file) => batch(&args, file),
        None => single(&args),
    }
}

/// A request's context as given: each key with its values, in the order first given.
pub(super) type ContextValues = Vec<(String, Vec<String>)>;

/// The request of ACTION, RESOURCE and `KEY=VALUE` entries (a repeated key is multivalued),
/// after warning about an action or key the catalog does not know.
pub(super) fn request_of(
    action: &str,
    resource: &str,
    context: &[String],
) -> Result<(Request, ContextValues), Exit> {
    let mut request = Request::new(action, resource);
    let mut values: ContextValues = Vec::new();
    for entry in context {
        let Some((key, value)) = entry.split_once('=') else {
            return Err(super::fail(format!("`{entry}` is not KEY=VALUE")));
        };
        match values.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
            Some((_, list)) => list.push(value.to_string()),
            None => values.push((key.to_string(), vec![value.to_string()])),
        }
    }
    for (key, list) in &values {
        request.context.set(key, list.clone());
    }
    for (warning, help) in unknown_names(Some(action), values.iter().map(|(key, _)| key.as_str())) {
        errln!("warning: {warning}");
        if let Some(help) = help {
            errln!("  help: {help}");
        }
    }
    Ok((request, values))
}

fn single(args: &Args) -> Exit {
    let (Some(action), Some(resource)) = (&args.action, &args.resource) else {
        return super::fail("give --action and --resource, or --queries FILE");
    };
    let (request, values) = match request_of(action, resource, &args.context) {
        Ok(found) => found,
        Err(exit) => return exit,
    };
    let (sources, prepared, origin) = if !args.policy.is_empty() {
        if !args.paths.is_empty() {
            return super::fail("give either project paths with --role/--user, or --policy files");
        }
        let mut sources = Sources::new();
        let mut diagnostics = Vec::new();
        let read = |paths: &[PathBuf], sources: &mut Sources, diagnostics: &mut Vec<_>, kind| {
            super::verify::read_policies(paths, sources, diagnostics, kind)
        };
        let identity = match read(&args.policy, &mut sources, &mut diagnostics, "policy") {
            Ok(found) => found,
            Err(exit) => return exit,
        };
        let boundary = match read(&args.boundary, &mut sources, &mut diagnostics, "boundary") {
            Ok(found) => found,
            Err(exit) => return exit,
        };
        report(&diagnostics, &sources);
        if identity.len() != args.policy.len() || boundary.len() != args.boundary.len() {
            return Exit::InputErrors;
        }
        let boundary = (!boundary.is_empty()).then_some(boundary);
        let prepared = Prepared::new(identity, boundary, Vec::new());
        (sources, prepared, String::new())
    } else {
        let (kind, name) = match (&args.role, &args.user) {
            (Some(role), _) => (PrincipalKind::Role, role),
            (None, Some(user)) => (PrincipalKind::User, user),
            _ => {
                return super::fail(
                    "give --role NAME or --user NAME with project paths, or --policy FILE",
                )
            }
        };
        let mut loaded = match load(
            &args.paths,
            args.env.as_deref(),
            args.gaad.as_deref(),
            &args.config,
        ) {
            Ok(loaded) => loaded,
            Err(exit) => return exit,
        };
        let index = match loaded.account.find_kind(kind, name) {
            Ok(index) => index,
            Err(not_found) => {
                let kind = kind.as_str();
                errln!("error: {} has no {kind} `{name}`", loaded.account.origin);
                if let NotFound::Unknown {
                    suggestion: Some(close),
                } = not_found
                {
                    errln!("  help: did you mean `{close}`?");
                }
                return Exit::Usage;
            }
        };
        if let Err(error) = loaded.account.prepare(index, &mut loaded.read) {
            report(&error.diagnostics, loaded.account.sources());
            errln!("error: {}", error.message);
            return Exit::InputErrors;
        }
        let origin = loaded.account.origin.clone();
        let prepared = loaded.account.prepared(index).expect("prepared").clone();
        (loaded.account.sources().clone(), prepared, origin)
    };
    answer(
        &request,
        &values,
        &sources,
        &prepared,
        &origin,
        args.format,
        args.exit_code,
    )
}

/// Prints the decision on `request` of the principal with `prepared` policies, and the
/// statements that decided (text or JSON); with `exit_code`, a denial exits 1.
pub(super) fn answer(
    request: &Request,
    values: &ContextValues,
    sources: &Sources,
    prepared: &Prepared,
    origin: &str,
    format: Format,
    exit_code: bool,
) -> Exit {
    let mut notes = Vec::new();
    for arn in prepared.external() {
        notes.push(format!(
            "{arn} is not in {origin} and was not evaluated; the real decision may differ"
        ));
    }

    notes.extend(iamx::verify::account::trust_not_evaluated(&request.action));
    let evaluation = prepared.evaluate_asked(request);
    let describe = |at: &StatementRef| prepared.describe(at, sources);
    let known = prepared.known(&evaluation);
    let decision = known.map_or("unknown", decision_name);
    let why = match known {
        Some(_) => reason_text(&evaluation, prepared.has_boundary()),
        None => unknown_text(&evaluation, prepared, origin),
    };
    notes.extend(unmodelled_notes(&evaluation, prepared, sources));
    match format {
        Format::Json => {
            let list = |refs: &[StatementRef]| refs.iter().map(describe).collect::<Vec<_>>();
            let value = serde_json::json!({
                "decision": decision,
                "reason": why,
                "request": {
                    "action": request.action,
                    "resource": request.resource,
                    "context": values.iter().cloned().collect::<BTreeMap<_, _>>(),
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
            outln!("{decision}: {}", iamx::verify::show(request));
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
                    s.file,
                    s.line,
                    s.column
                );
            }
            for note in &notes {
                outln!("  note: {note}");
            }
        }
    }
    match (exit_code, known) {
        (true, None) => Exit::Unknown,
        (true, Some(Decision::ImplicitDeny | Decision::ExplicitDeny)) => Exit::InputErrors,
        _ => Exit::Success,
    }
}

/// The questions file as text, with each line that is not UTF-8 decoded lossily: its byte
/// range in the text (without the newline) and the offset of its first replaced byte.
fn utf8_lines(bytes: Vec<u8>) -> (String, Vec<(std::ops::Range<usize>, usize)>) {
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => return (text, Vec::new()),
        Err(error) => error.into_bytes(),
    };
    let mut text = String::with_capacity(bytes.len());
    let mut bad = Vec::new();
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        let start = text.len();
        match std::str::from_utf8(line) {
            Ok(line) => text.push_str(line),
            Err(error) => {
                text.push_str(&String::from_utf8_lossy(line));
                let end = text.len() - usize::from(text.ends_with('\n'));
                bad.push((start..end, start + error.valid_up_to()));
            }
        }
    }
    (text, bad)
}

/// The principals of a project or build output, and how to read the output's documents.
pub(super) struct Loaded {
    pub(super) account: Account,
    pub(super) read: Box<ReadFile<'static>>,
}

/// The principals of a project, a build output or an account export ([`inputs::read`]).
pub(super) fn load(
    paths: &[PathBuf],
    env: Option<&str>,
    gaad: Option<&Path>,
    config: &ConfigFlags,
) -> Result<Loaded, Exit> {
    Ok(match inputs::read(paths, env, gaad, config)? {
        Source::Gaad(gaad, sources) => Loaded {
            account: Account::from_gaad(&gaad, sources),
            read: Box::new(|file| Err(format!("`{file}` is not part of the GAAD"))),
        },
        Source::Output(dir, manifest) => Loaded {
            account: Account::from_manifest(&manifest),
            read: Box::new(inputs::file_reader(dir)),
        },
        Source::Project(compiled, sources) => Loaded {
            account: Account::from_compiled(&compiled, sources),
            read: Box::new(|file| Err(format!("`{file}` is not part of the project"))),
        },
    })
}

/// Output is written in pieces of about this size (and at the end).
const CHUNK: usize = 1 << 16;

/// `--queries FILE`: loads the principals once, then answers every line (see the module docs).
fn batch(args: &Args, file: &Path) -> Exit {
    if args.paths.is_empty() && args.gaad.is_none() {
        return super::fail(
            "--queries needs the roles and users to ask about: the paths of a project or build output, or --gaad FILE",
        );
    }
    // The questions first: a missing file is found before a large project is compiled.
    let (name, bytes) = if files::is_stdin(file) {
        match files::read_stdin() {
            Ok(input) => (input.name, input.bytes),
            Err(message) => return super::fail(message),
        }
    } else {
        match files::read_file(file) {
            Ok(bytes) => (file.display().to_string(), bytes),
            Err(e) => {
                return super::fail(format!(
                    "cannot read `{}`: {}",
                    file.display(),
                    files::plain(&e)
                ))
            }
        }
    };
    let (text, not_utf8) = utf8_lines(bytes);
    let mut loaded = match load(
        &args.paths,
        args.env.as_deref(),
        args.gaad.as_deref(),
        &args.config,
    ) {
        Ok(loaded) => loaded,
        Err(exit) => return exit,
    };
    let account = &mut loaded.account;
    let id = account.sources_mut().add(name, text);
    let (queries, mut diagnostics) = {
        let text = &account.sources().get(id).text;
        // A line that is not UTF-8 is its own error and is read as blank (the same length,
        // so the other lines keep their places); the others are answered.
        let mut masked = std::borrow::Cow::Borrowed(text.as_str());
        for (line, _) in &not_utf8 {
            masked
                .to_mut()
                .replace_range(line.clone(), &" ".repeat(line.len()));
        }
        queries::parse(id, &masked)
    };
    for (_, bad) in not_utf8 {
        let at = iamx::source::Span::new(id, bad, bad + '\u{fffd}'.len_utf8());
        diagnostics.push(
            Diagnostic::new(Code::InvalidUtf8, "this line is not UTF-8 text")
                .at(at, "invalid byte here")
                .with_help("save the file as UTF-8; this line is not answered"),
        );
    }

    let mut buffer = String::new();
    let json = args.format == Format::Json;
    let mut warned: HashSet<String> = HashSet::new();
    let mut notes: Vec<String> = Vec::new();
    let mut noted: HashSet<String> = HashSet::new();
    let (mut allowed, mut denied, mut undecided) = (0usize, 0usize, 0usize);
    for query in &queries {
        warn_once(query, account.sources(), &mut warned);
        let index = match account.find(&query.principal) {
            Ok(index) => index,
            Err(missing) => {
                diagnostics.push(not_found(account, query, missing));
                continue;
            }
        };
        if let Err(error) = account.prepare(index, &mut loaded.read) {
            diagnostics.extend(error.diagnostics);
            let principal = account.principal(index);
            diagnostics.push(
                Diagnostic::new(
                    Code::Unreadable,
                    format!(
                        "the policies of {} `{}` could not be read",
                        principal.kind.as_str(),
                        principal.name
                    ),
                )
                .at(query.principal.span, "this principal")
                .with_note(error.message),
            );
            continue;
        }
        let principal = account.principal(index);
        let prepared = account.prepared(index).expect("prepared");
        let sources = account.sources();
        let evaluation = prepared.evaluate_asked(&query.request());
        let known = prepared.known(&evaluation);
        match known {
            Some(Decision::Allow) => allowed += 1,
            Some(_) => denied += 1,
            None => undecided += 1,
        }
        let deciding: Vec<StatementInfo> = evaluation
            .deciding
            .iter()
            .map(|at| prepared.describe(at, sources))
            .collect();
        let mut these = Vec::new();
        for arn in prepared.external() {
            these.push(format!(
                "{arn} is not in {} and was not evaluated; the real decision may differ",
                account.origin
            ));
        }
        these.extend(unmodelled_notes(&evaluation, prepared, sources));
        these.extend(iamx::verify::account::trust_not_evaluated(&query.action));
        for note in &these {
            let note = format!("{} {}: {note}", principal.kind.as_str(), principal.name);
            if noted.insert(note.clone()) {
                notes.push(note);
            }
        }
        let decision = known.map_or("unknown", decision_name);
        if json {
            let answer = Answer {
                line: query.line,
                principal: &query.principal,
                kind: principal.kind,
                name: &principal.name,
                arn: &principal.arn,
                action: &query.action,
                resource: &query.resource,
                context: query
                    .context
                    .iter()
                    .map(|(key, values)| (key.as_str(), values))
                    .collect(),
                decision,
                reason: match known {
                    Some(_) => reason_text(&evaluation, prepared.has_boundary()),
                    None => unknown_text(&evaluation, prepared, &account.origin),
                },
                deciding,
                notes: these,
            };
            buffer.push_str(if allowed + denied + undecided == 1 {
                "[\n  "
            } else {
                ",\n  "
            });
            buffer.push_str(&serde_json::to_string(&answer).expect("the answer serializes"));
        } else {
            let ids: Vec<String> = deciding.iter().map(StatementInfo::id).collect();
            let ids = if ids.is_empty() {
                "-".to_string()
            } else {
                ids.join(";")
            };
            buffer.push_str(&format!(
                "{}\t{}\t{}\t{}\t{decision}\t{ids}\n",
                *query.principal, *query.action, *query.resource, query.context_text
            ));
        }
        if buffer.len() >= CHUNK {
            out!("{buffer}");
            buffer.clear();
        }
    }
    if json {
        buffer.push_str(if allowed + denied + undecided == 0 {
            "[]\n"
        } else {
            "\n]\n"
        });
    }
    out!("{buffer}");

    iamx::diagnostics::sort(&mut diagnostics);
    report(&diagnostics, account.sources());
    for note in &notes {
        infoln!("note: {note}");
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let mut summary = format!(
        "answered {}: {allowed} allowed, {denied} denied",
        count(allowed + denied + undecided, "question")
    );
    if undecided > 0 {
        summary.push_str(&format!(
            ", {undecided} unknown (they turn on policies {} does not hold, or on context keys the questions do not give)",
            account.origin
        ));
    }
    if errors > 0 {
        summary.push_str(&format!("; {} not answered", count(errors, "line")));
    }
    infoln!("{summary}");
    if errors > 0 {
        Exit::InputErrors
    } else {
        Exit::Success
    }
}

/// One answer of `--queries` with `--format json`, keys in this order.
#[derive(Serialize)]
struct Answer<'a> {
    /// The line of the question in its file.
    line: usize,
    /// The principal as the line names it; `kind`, `name` and `arn` say which one that is.
    principal: &'a str,
    kind: PrincipalKind,
    name: &'a str,
    arn: &'a str,
    action: &'a str,
    resource: &'a str,
    context: BTreeMap<&'a str, &'a Vec<String>>,
    decision: &'static str,
    reason: String,
    deciding: Vec<StatementInfo>,
    notes: Vec<String>,
}

/// Why the principal a line names was not found.
fn not_found(account: &Account, query: &Query, not_found: NotFound) -> Diagnostic {
    let wanted = &*query.principal;
    match not_found {
        NotFound::Unknown { suggestion } => {
            let diagnostic = Diagnostic::new(
                Code::UnknownReference,
                format!("no role or user `{wanted}` in {}", account.origin),
            )
            .at(query.principal.span, "not found");
            match suggestion {
                Some(close) => diagnostic.with_help(format!("did you mean `{close}`?")),
                None => diagnostic,
            }
        }
        NotFound::Ambiguous(arns) => Diagnostic::new(
            Code::UnknownReference,
            format!("`{wanted}` is the name of both a role and a user"),
        )
        .at(query.principal.span, "ambiguous")
        .with_help(format!("write the ARN instead: {}", arns.join(" or "))),
    }
}

/// Warns about an unknown action or condition key of a line, once per name in the whole file.
fn warn_once(query: &Query, sources: &Sources, warned: &mut HashSet<String>) {
    let names = std::iter::once((&query.action, true))
        .chain(query.context.iter().map(|(key, _)| (key, false)));
    for (name, is_action) in names {
        if !warned.insert(name.to_lowercase()) {
            continue;
        }
        let found = if is_action {
            unknown_names(Some(name), std::iter::empty())
        } else {
            unknown_names(None, std::iter::once(name.as_str()))
        };
        for (warning, help) in found {
            let file = sources.get(name.span.file);
            let (line, column) = file.line_column(name.span.start as usize);
            errln!("warning: {}:{line}:{column}: {warning}", file.name);
            if let Some(help) = help {
                errln!("  help: {help}");
            }
        }
    }
}

fn decision_name(decision: Decision) -> &'static str {
    match decision {
        Decision::Allow => "allow",
        Decision::ImplicitDeny => "implicit-deny",
        Decision::ExplicitDeny => "explicit-deny",
    }
}

/// One note per statement the evaluation could not decide exactly.
fn unmodelled_notes(
    evaluation: &Evaluation,
    prepared: &Prepared,
    sources: &Sources,
) -> Vec<String> {
    evaluation
        .unmodelled
        .iter()
        .map(|(at, reason)| {
            let s = prepared.describe(at, sources);
            format!(
                "{} statement {} could not be evaluated exactly ({reason}); {}",
                s.policy,
                s.statement,
                if evaluation.unsettled {
                    "the answer turns on it"
                } else {
                    "the answer is the same whether it applies or not"
                }
            )
        })
        .collect()
}

/// Warnings (with a help line when there is a closest known name) about an action and condition
/// keys the catalog does not know.
fn unknown_names<'a>(
    action: Option<&str>,
    keys: impl Iterator<Item = &'a str>,
) -> Vec<(String, Option<String>)> {
    let catalog = Catalog::get();
    let mut found = Vec::new();
    match action {
        // A request has one action: a pattern is read as a name no action has, which a
        // statement's wildcard may match and a statement naming real actions never does.
        Some(action) if action.contains(['*', '?']) => found.push((
            format!("`{action}` is a pattern, not an action: the request is evaluated with it as a literal name, so the answer holds for no real action"),
            Some(format!("ask about each action; `iamx catalog '{action}'` lists them")),
        )),
        Some(action) if catalog.action(action).is_none() => found.push((
            format!("unknown action `{action}`: no such action in the AWS catalog"),
            catalog
                .suggest_action(action)
                .map(|close| format!("did you mean `{close}`?")),
        )),
        _ => {}
    }
    for key in keys {
        if catalog.condition_key(key).is_some() {
            continue;
        }
        let prefix = iamx::catalog::key_prefix(key);
        if !catalog.knows_key_prefix(prefix) {
            continue;
        }
        let service = catalog.service(prefix);
        let globals = catalog.global_condition_keys().iter().map(|k| k.name());
        let of_service = service
            .into_iter()
            .flat_map(|s| s.condition_keys().iter().map(|k| k.name()));
        found.push((
            format!("unknown condition key `{key}`: no such key in the AWS catalog"),
            did_you_mean(key, globals.chain(of_service))
                .map(|close| format!("did you mean `{close}`?")),
        ));
    }
    found
}

/// Why a decision turns on what `origin` does not hold ([`Prepared::known`] gave none).
fn unknown_text(evaluation: &Evaluation, prepared: &Prepared, origin: &str) -> String {
    if evaluation.unsettled {
        return format!(
            "it turns on {} that could not be evaluated exactly (see the notes); give the missing context keys with --context",
            match evaluation.unmodelled.len() {
                1 => "a statement".to_string(),
                n => format!("{n} statements"),
            }
        );
    }
    match (evaluation.decision, prepared.unread_boundary()) {
        (Decision::Allow, Some(boundary)) => format!(
            "the identity policies allow it, but the permissions boundary {boundary} is not in {origin}, and it must allow it too"
        ),
        (Decision::Allow, None) => format!(
            "the policies read allow it, but {} not in {origin}, and a deny there would win",
            match prepared.external() {
                [one] => format!("{one} is"),
                many => format!("{} are", many.join(", ")),
            }
        ),
        _ => format!(
            "no policy read allows it, but {} not in {origin}, and may",
            match prepared.external() {
                [one] => format!("{one} is"),
                many => format!("{} are", many.join(", ")),
            }
        ),
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
