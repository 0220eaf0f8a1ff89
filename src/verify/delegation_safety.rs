//! Delegation safety: a delegation policy, with what else its principals hold, against the
//! safe envelope of its scope.
//!
//! In: the located delegation documents and the delegation's [`Scope`]. Out: one [`Report`]
//! subject: proved, or violated with one escape per escalation path found (probed with concrete
//! requests that name each path), or unknown.

use super::containment::*;
use super::*;

/// Checks a delegation (its policy first in `identity`, then other policies of its principals)
/// against the safe envelope for `scope`; `own` are the ARNs of the delegation's principals.
pub fn check_delegation(
    identity: &[LocatedDocument],
    scope: &Scope,
    own: &[String],
    label: &str,
    span: Span,
) -> Report {
    let envelope = delegation::safe_envelope(scope, own);
    let (docs, dropped) = prune_never_matching(identity);
    let verdict = reason::contained_with(
        &docs,
        std::slice::from_ref(&envelope),
        reason::Options {
            known_actions: known_actions(),
        },
    );
    let mut report = Report {
        subjects: vec![],
        diagnostics: never_matching_diagnostics(identity, &dropped),
    };
    let (counterexamples, unknown) = match verdict {
        Containment::Contained => (vec![], vec![]),
        Containment::Escapes {
            counterexamples,
            unknown,
        } => (counterexamples, unknown),
        Containment::Unknown(unknown) => (vec![], unknown),
    };
    let mut unknown_text: Vec<String> = unknown
        .iter()
        .map(|u| format!("{}: {}", describe(&u.statement, identity, &[]), u.reason))
        .collect();
    // Readable examples first: one probe per escalation path, kept when it really escapes.
    let mut found: Vec<(Request, StatementRef)> = Vec::new();
    if !counterexamples.is_empty() {
        let envelope = std::slice::from_ref(&envelope);
        for probe in probes(scope, own) {
            let alone = reason::evaluate(&docs, None, &probe);
            if alone.decision != reason::Decision::Allow || !alone.unmodelled.is_empty() {
                continue;
            }
            if reason::evaluate(envelope, None, &probe).decision == reason::Decision::Allow {
                continue;
            }
            if let Some(at) = alone.identity_allows.first() {
                found.push((probe, at.clone()));
            }
        }
    }
    for counterexample in &counterexamples {
        if let Err(why) = realizable(&counterexample.request) {
            unknown_text.push(format!(
                "possible escalation {} is not a real request: {why}",
                show(&counterexample.request)
            ));
            continue;
        }
        found.push((
            counterexample.request.clone(),
            counterexample.allowed_by.clone(),
        ));
    }
    let mut escapes = Vec::new();
    let mut seen_paths: Vec<(StatementRef, String)> = Vec::new();
    for (request, allowed_by) in found {
        let path = escalation_path(&request, scope, own);
        let message = format!("{label} allows an escalation: {} {path}", show(&request));
        let key = (allowed_by.clone(), path.clone());
        if seen_paths.contains(&key) {
            continue;
        }
        seen_paths.push(key);
        let at = locate(&allowed_by, identity, &[]).unwrap_or(span);
        let mut diagnostic = Diagnostic::new(Code::DelegationEscalation, message.clone())
            .at(at, "this statement allows it")
            .with_help(escalation_help(&request, scope));
        if at != span {
            diagnostic = diagnostic.with_label(span, "the delegation");
        }
        report.diagnostics.push(diagnostic);
        escapes.push(escape(&request, message));
    }
    let verdict = if !escapes.is_empty() {
        Verdict::Violated
    } else if !unknown_text.is_empty() {
        Verdict::Unknown
    } else {
        Verdict::Proved
    };
    if verdict == Verdict::Unknown {
        let mut diagnostic = Diagnostic::new(
            Code::VerifyUnknown,
            format!("cannot prove that {label} allows no escalation"),
        )
        .at(span, "not decided");
        for text in &unknown_text {
            diagnostic = diagnostic.with_note(text.clone());
        }
        report.diagnostics.push(diagnostic);
    }
    let summary = match verdict {
        Verdict::Proved => format!(
            "{label} allows no escalation (names {}, boundary {})",
            scope.names("role").rsplit_once(':').map_or("", |(_, r)| r),
            scope.boundary_arn
        ),
        Verdict::Violated => format!(
            "{label} allows {} escalation{}",
            escapes.len(),
            if escapes.len() == 1 { "" } else { "s" }
        ),
        Verdict::Unknown => format!("{label}: unknown"),
    };
    report.subjects.push(Subject {
        kind: "delegation".into(),
        name: label.into(),
        verdict,
        summary,
        counterexamples: escapes,
        unknown: unknown_text,
        notes: vec![],
    });
    report
}

/// Concrete requests, one or more per escalation path, for readable counterexamples.
fn probes(scope: &Scope, own: &[String]) -> Vec<Request> {
    // A prefix with variables gets a user name to expand them.
    let user = "alice";
    let expand = |text: String| text.replace("${aws:username}", user);
    let named = |kind: &str, name: &str| expand(scope.arn(kind, name));
    let account_arn = |kind: &str, name: &str| {
        format!(
            "arn:{}:iam::{}:{kind}/{name}",
            scope.partition, scope.account
        )
    };
    let with_user = |request: Request| {
        if scope.prefix.contains("${aws:username}") {
            request.with("aws:username", user)
        } else {
            request
        }
    };
    let mut out = Vec::new();
    let other_boundary = account_arn("policy", "AdministratorAccess");
    for action in actions::ESCALATING {
        let kind = if action.contains("User") {
            "user"
        } else {
            "role"
        };
        let target = named(kind, "x");
        out.push(with_user(Request::new(action, &target)));
        out.push(with_user(
            Request::new(action, &target).with(actions::BOUNDARY_KEY, &other_boundary),
        ));
    }
    let mut protected = vec![scope.boundary_arn.clone()];
    protected.extend(scope.delegation_arn.clone());
    for arn in &protected {
        for action in actions::POLICY_EDIT {
            out.push(with_user(Request::new(action, arn)));
        }
    }
    for action in actions::REMOVE_BOUNDARY {
        let kind = if action.contains("User") {
            "user"
        } else {
            "role"
        };
        out.push(with_user(Request::new(action, &named(kind, "x"))));
    }
    let services = if scope.pass_to.is_empty() {
        vec!["ec2.amazonaws.com".to_string()]
    } else {
        scope.pass_to.clone()
    };
    let mut outside_roles = vec![
        account_arn("role", "admin"),
        account_arn("role", "service-role/admin"),
        account_arn("role", "aws-reserved/admin"),
    ];
    outside_roles.push(expand(scope.arn("role", "x/admin")));
    for role in &outside_roles {
        for service in &services {
            out.push(with_user(
                Request::new("iam:PassRole", role).with("iam:PassedToService", service),
            ));
        }
        for action in [
            "iam:PutRolePolicy",
            "iam:AttachRolePolicy",
            "iam:UpdateAssumeRolePolicy",
        ] {
            out.push(with_user(
                Request::new(action, role).with(actions::BOUNDARY_KEY, &scope.boundary_arn),
            ));
        }
    }
    for action in ["iam:CreatePolicyVersion", "iam:DeletePolicy"] {
        out.push(with_user(Request::new(
            action,
            &account_arn("policy", "admin"),
        )));
    }
    for principal in own {
        for action in actions::SELF_CHANGE {
            out.push(with_user(
                Request::new(action, principal).with(actions::BOUNDARY_KEY, &scope.boundary_arn),
            ));
            out.push(with_user(Request::new(action, principal)));
        }
    }
    out.retain(|r| realizable(r).is_ok());
    out
}

fn applies(resource_pattern: &str, request: &Request) -> bool {
    let mut statement = Statement::new(Effect::Allow);
    statement.action = Some(vec!["*".into()]);
    statement.resource = Some(vec![resource_pattern.to_string()]);
    reason::statement_applies(&statement, request).unwrap_or(false)
}

fn is(list: &[&str], action: &str) -> bool {
    list.iter().any(|a| a.eq_ignore_ascii_case(action))
}

/// Which escalation path an escaping request takes, as the end of a sentence.
fn escalation_path(request: &Request, scope: &Scope, own: &[String]) -> String {
    let action = request.action.as_str();
    let resource = request.resource.as_str();
    let kind = resource
        .split_once(":iam::")
        .and_then(|(_, rest)| rest.split_once(':'))
        .and_then(|(_, rest)| rest.split_once('/'))
        .map(|(kind, _)| kind);
    let in_scope =
        |kind: &str| applies(&scope.names(kind), request) && !applies(&scope.deeper(kind), request);
    if is(actions::REMOVE_BOUNDARY, action) {
        return "removes a permissions boundary".into();
    }
    if is(actions::POLICY_WRITE, action) && resource == scope.boundary_arn {
        return "edits, replaces or deletes the boundary policy".into();
    }
    if is(actions::POLICY_WRITE, action) && Some(resource) == scope.delegation_arn.as_deref() {
        return "edits the delegation policy itself".into();
    }
    if is(actions::SELF_CHANGE, action) && own.iter().any(|o| o == resource) {
        return "changes the policies of the delegation's own principal".into();
    }
    if action.eq_ignore_ascii_case("iam:PassRole") {
        return format!(
            "passes a role outside the delegated names `{}`",
            scope.names("role")
        );
    }
    if let Some(kind) = kind {
        // "an instance-profile", "a role"
        let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        if is(actions::ESCALATING, action) && in_scope(kind) {
            return match request.context.get(actions::BOUNDARY_KEY) {
                None => {
                    format!("creates or changes {article} {kind} without a permissions boundary")
                }
                Some(_) => format!(
                    "creates or changes {article} {kind} with a boundary other than `{}`",
                    scope.boundary_arn
                ),
            };
        }
        if matches!(
            kind,
            "role" | "user" | "policy" | "instance-profile" | "group"
        ) && !in_scope(kind)
        {
            return format!(
                "touches {article} {kind} outside the delegated names `{}`",
                scope.names(kind)
            );
        }
    }
    "grants an IAM action the delegation pattern does not include".into()
}

fn escalation_help(request: &Request, scope: &Scope) -> String {
    let action = request.action.as_str();
    if is(actions::ESCALATING, action) {
        format!(
            "allow it only with `\"StringEquals\": {{\"iam:PermissionsBoundary\": \"{}\"}}`",
            scope.boundary_arn
        )
    } else if action.eq_ignore_ascii_case("iam:PassRole") {
        format!("scope `iam:PassRole` to `{}`", scope.names("role"))
    } else {
        format!(
            "scope IAM writes to the delegated names (`{}`), and deny edits of the boundary and of removing boundaries",
            scope.names("role")
        )
    }
}
