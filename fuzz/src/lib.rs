//! What the fuzz targets run, one function per target, on the library's public API as the
//! commands use it. The targets in `fuzz_targets/` call these; `tests/fuzz_regressions.rs`
//! compiles this file too (`#[path]`) and replays every kept input through the same functions
//! under plain `cargo test`. Only `iamx` and the standard library are used here, so the file
//! builds in both places.
//!
//! Each function must never panic, loop or overflow its stack, whatever the bytes; the few
//! `assert!`s are properties the commands rely on (a compiled project has no error, a read
//! policy written back reads as the same policy, a proved containment agrees with the
//! evaluator), so a broken one is a finding like a crash.

use iamx::compile::{compile, declared_environments, Input, Options};
use iamx::diagnostics::{self, Diagnostic, ResolvedDiagnostic};
use iamx::iam::kind::PolicyKind;
use iamx::iam::located::LocatedDocument;
use iamx::iam::policy::PolicyDocument;
use iamx::reason::{self, Decision, Request};
use iamx::source::{FileId, Sources};
use iamx::verify::{self, Verdict};

/// Renders diagnostics the three ways the commands print them (text, JSON, SARIF).
fn render_all(found: &[Diagnostic], sources: &Sources) {
    let text = diagnostics::render(found, sources, false);
    assert_eq!(text.is_empty(), found.is_empty());
    let resolved: Vec<ResolvedDiagnostic> = found
        .iter()
        .map(|d| ResolvedDiagnostic::new(d, sources))
        .collect();
    let _ = diagnostics::located_to_json(&resolved);
    let _ = diagnostics::sarif::to_sarif(&resolved);
}

/// `.iamx` source as `iamx check`, `build`, `fmt` and `explain --role` take it: compiled for each
/// environment it declares (at most three), suppressions applied, diagnostics rendered, the
/// compiled project verified, emitted in every output format and explained for its first role;
/// and formatted.
pub fn frontend(data: &[u8]) {
    let inputs = vec![Input {
        name: "fuzz.iamx".into(),
        bytes: data.to_vec(),
    }];
    let mut environments: Vec<Option<String>> = declared_environments(&inputs)
        .into_iter()
        .take(3)
        .map(Some)
        .collect();
    if environments.is_empty() {
        environments.push(None);
    }
    for environment in environments {
        let compilation = compile(
            inputs.clone(),
            &Options {
                environment: environment.clone(),
                ..Default::default()
            },
        );
        let has_errors = compilation.has_errors();
        assert_eq!(compilation.compiled.is_some(), !has_errors);
        // Skipping the checks that only warn (as `diff` does) finds the same errors.
        let errors_only = compile(
            inputs.clone(),
            &Options {
                environment: environment.clone(),
                errors_only: true,
                ..Default::default()
            },
        );
        let errors = |diagnostics: &[iamx::diagnostics::Diagnostic]| -> Vec<String> {
            diagnostics
                .iter()
                .filter(|d| d.is_error())
                .map(|d| format!("{d:?}"))
                .collect()
        };
        assert_eq!(
            errors(&errors_only.diagnostics),
            errors(&compilation.diagnostics)
        );
        assert!(errors_only
            .diagnostics
            .iter()
            .all(|d| d.is_error() || compilation.diagnostics.contains(d)));
        let mut found = compilation.diagnostics;
        let mut verified = None;
        if let Some(compiled) = &compilation.compiled {
            let report = verify::verify_compiled(compiled);
            found.extend(report.diagnostics.iter().cloned());
            verified = Some(report);
            for format in [
                iamx::emit::Format::Iam,
                iamx::emit::Format::CloudFormation,
                iamx::emit::Format::Terraform,
            ] {
                // A format's quota (CloudFormation's 500 resources) refuses the whole file.
                let Ok(emitted) = iamx::emit::emit_format(compiled, format) else {
                    continue;
                };
                for (name, text) in &emitted.files {
                    if name.ends_with(".json") {
                        assert!(
                            serde_json::from_str::<serde_json::Value>(text).is_ok(),
                            "{name} is not JSON"
                        );
                    }
                }
            }
            for document in &compiled.documents {
                // What `build` writes reads back as the same document.
                let again = iamx::iam::read::policy_from_str(&document.policy.to_canonical_json())
                    .unwrap_or_else(|e| panic!("{} does not read back: {e}", document.name));
                assert_eq!(
                    again, *document.policy,
                    "{} reads back differently",
                    document.name
                );
            }
            if let Some(role) = compiled.roles.first() {
                if let Some((identity, boundary, _)) =
                    verify::principal_policies(compiled, "role", &role.name)
                {
                    for document in &identity {
                        for request in requests_from(&document.policy) {
                            explain(&identity, boundary.as_slice(), &request);
                        }
                    }
                }
            }
        }
        let complete = compilation.compiled.is_some();
        let outcome = diagnostics::suppress::apply(&compilation.sources, found, complete);
        render_all(&outcome.kept, &compilation.sources);
        drop(verified);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        match iamx::syntax::format::format(FileId(0), text) {
            Ok(formatted) => {
                let again = iamx::syntax::format::format(FileId(0), &formatted);
                assert_eq!(
                    again.ok().as_deref(),
                    Some(formatted.as_str()),
                    "fmt is not stable"
                );
            }
            // A directive the layout decides: refusing is the formatter keeping the meaning.
            Err(
                iamx::syntax::format::FormatError::Syntax(_)
                | iamx::syntax::format::FormatError::MovesSuppression(_),
            ) => {}
            Err(error) => panic!("the formatter broke the program: {error:?}"),
        }
    }
}

/// A JSON policy as `iamx check FILE.json` takes it: read and checked with no kind (inferred)
/// and as every kind `--kind` names, diagnostics rendered; a policy that reads is written back
/// canonically and must read as the same policy.
pub fn json_check(data: &[u8]) {
    let kinds = std::iter::once(None).chain(PolicyKind::ALL.into_iter().map(Some));
    for (i, kind) in kinds.enumerate() {
        let mut sources = Sources::new();
        let checked = iamx::checks::json::check_file(&mut sources, "fuzz.json", data, kind);
        assert!(checked.kind.is_some() || checked.diagnostics.iter().any(Diagnostic::is_error));
        if i == 0 {
            render_all(&checked.diagnostics, &sources);
        } else {
            let _ = diagnostics::render(&checked.diagnostics, &sources, false);
        }
    }
    let mut sources = Sources::new();
    let (_, read, _) = iamx::iam::read::read_file(&mut sources, "fuzz.json", data);
    if let Some(read) = read {
        let text = read.policy.to_canonical_json();
        let again = iamx::iam::read::policy_from_str(&text)
            .unwrap_or_else(|e| panic!("the canonical JSON does not read back: {e}\n{text}"));
        assert_eq!(
            again, read.policy,
            "the canonical JSON reads back differently"
        );
    }
}

/// Two JSON documents, an identity policy and a permissions boundary, as `iamx verify --policy
/// P --boundary B` and `iamx explain --policy P --boundary B` take them. The bytes are split at
/// the first NUL: policy, then boundary; after a second NUL, lines of a request for `explain`
/// (action, resource, then `KEY=VALUE` context entries), else requests made from the
/// documents' own actions and resources.
pub fn verify_explain(data: &[u8]) {
    let mut parts = data.splitn(3, |&b| b == 0);
    let policy = parts.next().unwrap_or_default();
    let boundary = parts.next().unwrap_or_default();
    let request = parts.next();
    let mut sources = Sources::new();
    let mut found = Vec::new();
    let mut documents = Vec::new();
    for (name, bytes) in [
        ("policy fuzz-policy.json", policy),
        ("boundary fuzz-boundary.json", boundary),
    ] {
        let (_, read, mut diagnostics) = iamx::iam::read::read_file(&mut sources, name, bytes);
        found.append(&mut diagnostics);
        documents.push(read.map(|read| LocatedDocument::from_read(name.into(), read)));
    }
    render_all(&found, &sources);
    let (Some(identity), Some(boundary)) = (documents[0].take(), documents[1].take()) else {
        return;
    };
    let identity = [identity];
    let boundary = [boundary];
    let report =
        verify::check_containment(&identity, &boundary, &identity[0].name, identity[0].span);
    render_all(&report.diagnostics, &sources);
    let proved = report.subjects.iter().all(|s| s.verdict == Verdict::Proved);
    let requests = match request {
        Some(text) => vec![request_from(&String::from_utf8_lossy(text))],
        None => requests_from(&identity[0].policy),
    };
    for request in &requests {
        let evaluation = explain(&identity, &boundary, request);
        if proved && evaluation.unmodelled.is_empty() {
            // Proved contained: whatever the identity policy allows, the boundary allows.
            let alone = reason::evaluate(&[identity[0].policy.clone()], None, request);
            if alone.decision == Decision::Allow && alone.unmodelled.is_empty() {
                assert_eq!(
                    evaluation.decision,
                    Decision::Allow,
                    "proved contained, yet the boundary refuses {request:?}"
                );
            }
        }
    }
}

/// `explain` for one request: the evaluation with and without the boundary.
fn explain(
    identity: &[LocatedDocument],
    boundary: &[LocatedDocument],
    request: &Request,
) -> reason::Evaluation {
    let identity: Vec<PolicyDocument> = identity.iter().map(|l| l.policy.clone()).collect();
    let boundary: Vec<PolicyDocument> = boundary.iter().map(|l| l.policy.clone()).collect();
    let alone = reason::evaluate(&identity, None, request);
    if boundary.is_empty() {
        return alone;
    }
    reason::evaluate(&identity, Some(&boundary), request)
}

/// A request written as lines: action, resource, then `KEY=VALUE` context entries.
fn request_from(text: &str) -> Request {
    let mut lines = text.lines();
    let action = lines.next().unwrap_or("s3:GetObject");
    let resource = lines.next().unwrap_or("*");
    let mut request = Request::new(action, resource);
    for line in lines.take(16) {
        if let Some((key, value)) = line.split_once('=') {
            let mut values: Vec<String> = request.context.get(key).unwrap_or_default().to_vec();
            values.push(value.to_string());
            request.context.set(key, values);
        }
    }
    request
}

/// Requests from a policy's own actions and resources, wildcards filled in with letters.
fn requests_from(policy: &PolicyDocument) -> Vec<Request> {
    let concrete = |pattern: &str| pattern.replace('*', "x").replace('?', "y");
    let mut requests = Vec::new();
    for statement in policy.statements.iter().take(4) {
        let actions = statement
            .action
            .iter()
            .chain(&statement.not_action)
            .flatten();
        let mut resources: Vec<String> = statement
            .resource
            .iter()
            .chain(&statement.not_resource)
            .flatten()
            .take(2)
            .map(|r| concrete(r))
            .collect();
        if resources.is_empty() {
            resources.push("*".into());
        }
        for action in actions.take(2) {
            for resource in &resources {
                requests.push(Request::new(&concrete(action), resource));
            }
        }
    }
    requests
}
