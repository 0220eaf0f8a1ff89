//! Delegation safety: a delegation policy, with what else its principals hold, against the
//! safe envelope of its scope.
//!
//! In: the located delegation documents and the delegation's [`Scope`]. Out: one [`Report`]
//! subject: proved, or violated with one escape per escalation path found (probed with concrete
//! requests that name each path), or unknown.

use super::containment::*;
use super::escalation::*;
use super::probe;
use super::real;
use super::*;

/// Checks a delegation (its policy first in `identity`, then other policies of its principals)
/// against the safe envelope for `scope`; `own` are the ARNs of the delegation's principals.
///
/// `boundary`, when its content is known, is checked against the same envelope: holders
/// create roles with it and write those roles' policies and trust policies, so whatever the
/// boundary allows, they can do through a role of their own making.
pub fn check_delegation(
    identity: &[LocatedDocument],
    boundary: Option<&LocatedDocument>,
    scope: &Scope,
    own: &[String],
    label: &str,
    span: Span,
) -> Report {
    check_delegation_knowing(identity, boundary, scope, own, &[], label, span)
}

/// [`check_delegation`], knowing the boundaries of some principals (`known`: ARN and boundary,
/// `None` for none): a request on one carries its boundary as `iam:PermissionsBoundary`.
pub(super) fn check_delegation_knowing(
    identity: &[LocatedDocument],
    boundary: Option<&LocatedDocument>,
    scope: &Scope,
    own: &[String],
    known: &[real::Known],
    label: &str,
    span: Span,
) -> Report {
    let envelope = with_tag_keys(delegation::safe_envelope(scope, own), scope);
    let mut report = Report {
        subjects: vec![],
        diagnostics: vec![],
    };
    // Prepared once for every containment question below (two, or one per IAM write when
    // the first answers need a closer look).
    let prepared = reason::PreparedBoundary::new(std::slice::from_ref(&envelope));
    let envelope = (&envelope, &prepared);
    let held = escapes(identity, scope, own, known, envelope);
    // Only the holders' statements that never match are reported here: the boundary is checked
    // as a boundary where it is defined.
    report.diagnostics.extend(held.never_matching);
    let mut unknown_text = held.unknown;
    let mut found: Vec<(Request, StatementRef, Source)> = (held.found.into_iter())
        .map(|(request, at)| (request, at, Source::Holders))
        .collect();
    let boundary = boundary.map(std::slice::from_ref).unwrap_or_default();
    if !boundary.is_empty() {
        let created = escapes(boundary, scope, own, known, envelope);
        unknown_text.extend((created.unknown.into_iter()).map(|u| {
            format!(
                "through the roles holders create with {}: {u}",
                boundary[0].name
            )
        }));
        found.extend(
            (created.found.into_iter()).map(|(request, at)| (request, at, Source::Boundary)),
        );
    }
    let mut escapes = Vec::new();
    let mut seen: Vec<(StatementRef, Source, String)> = Vec::new();
    let mut assumed: Vec<String> = Vec::new();
    let (mut escalations, mut conditionals, mut warnings) = (0, 0, 0);
    for (request, allowed_by, source) in found {
        let finding = classify(&request, scope, own);
        // One finding per statement and kind of path: `iam:*` would otherwise list every probe.
        let key = (allowed_by.clone(), source, finding.category.clone());
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let (documents, through) = match source {
            Source::Holders => (identity, String::new()),
            Source::Boundary => (
                boundary,
                " through a role its holders create with its boundary".to_string(),
            ),
        };
        let message = format!(
            "{label} allows {}{through}: {} {}",
            finding.class.noun(),
            show(&request),
            finding.what
        );
        let at = locate::<_, PolicyDocument>(&allowed_by, documents, &[]).unwrap_or(span);
        let mut diagnostic = Diagnostic::new(finding.class.code(), message.clone())
            .at(at, "this statement allows it")
            .with_help(finding.help.clone());
        if source == Source::Boundary {
            diagnostic = diagnostic.with_note(format!(
                "holders create roles with {} and write their policies and trust policies, so they can do whatever it allows",
                boundary[0].name
            ));
        }
        if let Some(assumption) = &finding.assumption {
            diagnostic = diagnostic.with_note(format!("an escalation only if {assumption}"));
            if !assumed.contains(assumption) {
                assumed.push(assumption.clone());
            }
        }
        if at != span {
            diagnostic = diagnostic.with_label(span, "the delegation");
        }
        report.diagnostics.push(diagnostic);
        match finding.class {
            Class::Escalation => escalations += 1,
            Class::Conditional => conditionals += 1,
            Class::Warning => warnings += 1,
        }
        let mut escape = escape(&request, message);
        escape.class = Some(finding.class.word());
        escapes.push(escape);
    }
    let verdict = verdict_of(escalations > 0, !unknown_text.is_empty());
    if verdict == Verdict::Unknown {
        report.diagnostics.push(undecided(
            format!("cannot prove that {label} allows no escalation"),
            span,
            &unknown_text,
        ));
    }
    let mut also = Vec::new();
    if conditionals > 0 {
        also.push(count(conditionals, "conditional escalation"));
    }
    if warnings > 0 {
        also.push(count(warnings, "warning"));
    }
    let also = if also.is_empty() {
        String::new()
    } else {
        format!("; {}", also.join(", "))
    };
    let summary = match verdict {
        Verdict::Proved => format!(
            "{label} allows no escalation{} (names {}, boundary {}){also}",
            if conditionals > 0 {
                " in every account state"
            } else {
                ""
            },
            short(&scope.names("role")),
            scope.boundary_arn
        ),
        Verdict::Violated => format!("{label} allows {}{also}", count(escalations, "escalation")),
        Verdict::Unknown => format!("{label}: unknown"),
    };
    report.subjects.push(Subject {
        kind: "delegation".into(),
        name: label.into(),
        verdict,
        summary,
        counterexamples: escapes,
        unknown: unknown_text,
        notes: assumed
            .iter()
            .map(|a| format!("escalates only if {a}"))
            .collect(),
        assumptions: vec![],
    });
    report
}

/// `envelope` with its tag writes in the prefix only of the delegation's `tag_keys`, as
/// `TagOnlyAllowedKeysInPrefix` allows them: tags can decide access (`aws:PrincipalTag`,
/// `aws:ResourceTag`), so a delegation that lets holders write other keys is a finding.
fn with_tag_keys(mut envelope: PolicyDocument, scope: &Scope) -> PolicyDocument {
    let is_tag = |a: &String| {
        let name = a.to_ascii_lowercase();
        name.starts_with("iam:tag") || name.starts_with("iam:untag")
    };
    let mut tagging = Vec::new();
    for statement in &mut envelope.statements {
        if statement.effect != Effect::Allow || !statement.condition.is_empty() {
            continue;
        }
        let Some(actions) = statement.action.clone() else {
            continue;
        };
        if !actions.iter().any(is_tag) || actions.iter().any(|a| a.contains('*')) {
            continue;
        }
        let mut tags = statement.clone();
        tags.sid = Some("TagsOnlyWithAllowedKeys".into());
        tags.action = Some(actions.iter().filter(|a| is_tag(a)).cloned().collect());
        let actions = statement.action.as_mut().expect("cloned above");
        tags.condition.insert(
            "ForAllValues:StringEquals",
            "aws:TagKeys",
            scope.tag_keys.clone(),
        );
        actions.retain(|a| !is_tag(a));
        tagging.push(tags);
    }
    envelope
        .statements
        .retain(|s| s.action.as_ref().is_none_or(|a| !a.is_empty()));
    envelope.statements.extend(tagging);
    envelope
}

/// Whose allowing statement a delegation's escape comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    /// The delegation policy, or another policy of its principals.
    Holders,
    /// The boundary: a role the holders create can do what it allows.
    Boundary,
}

/// What a set of documents lets through the envelope.
struct Escapes {
    /// Concrete requests AWS could receive, each with the statement that allows it.
    found: Vec<(Request, StatementRef)>,
    /// Why some request could not be decided, one sentence each.
    unknown: Vec<String>,
    /// Statements of `documents` that never match (their actions take no such key).
    never_matching: Vec<Diagnostic>,
}

/// The escapes of `located` from `envelope`: readable probes first (one per escalation path,
/// kept when it really escapes), then the engine's witnesses, each made a request AWS could
/// receive or reported as undecided.
fn escapes(
    located: &[LocatedDocument],
    scope: &Scope,
    own: &[String],
    known: &[real::Known],
    (envelope, prepared): (&PolicyDocument, &reason::PreparedBoundary),
) -> Escapes {
    let (docs, dropped) = prune_never_matching(&super::containment::policies(located));
    // A project has a few delegations: their documents are simply copied.
    let mut docs: Vec<PolicyDocument> =
        docs.into_iter().map(std::borrow::Cow::into_owned).collect();
    let named = named_boundaries(&docs, scope);
    // Only requests AWS could receive from the holders: a last document, after the located
    // ones, so statement numbers still point into them.
    let region = real::tested(docs.iter().chain([envelope]), "aws:RequestedRegion");
    docs.push(real::restrictions(
        Some((scope.partition.as_str(), scope.account.as_str())),
        region,
        known,
    ));
    let verdict = reason::contained_in(
        &docs.iter().collect::<Vec<_>>(),
        prepared,
        super::probe::catalog_options(),
    );
    let (counterexamples, unknown) = match verdict {
        // Only unlisted action names fall outside the envelope: no API call can use them.
        Containment::Contained | Containment::ContainedForListedActions(_) => (vec![], vec![]),
        Containment::Escapes {
            counterexamples,
            unknown,
        } => (counterexamples, unknown),
        Containment::Unknown(unknown) => (vec![], unknown),
    };
    let mut out = Escapes {
        found: Vec::new(),
        unknown: (unknown.iter())
            .map(|u| {
                format!(
                    "{}: {}",
                    describe::<_, PolicyDocument>(&u.statement, located, &[]),
                    u.reason
                )
            })
            .collect(),
        never_matching: never_matching_diagnostics(located, &dropped),
    };
    let mut probe_unknown = Vec::new();
    if !counterexamples.is_empty() {
        // Each probe under any context the documents allow it in: a statement with a
        // condition (`aws:MultiFactorAuthPresent`) allows it as much as one without.
        let mut witnesses: Vec<&reason::Context> = Vec::new();
        for c in &counterexamples {
            if !witnesses.contains(&&c.request.context) {
                witnesses.push(&c.request.context);
            }
        }
        let real = |r: &Request| realizable(r).and_then(|()| receivable(r, scope, known));
        let envelope = std::slice::from_ref(envelope);
        // The probes as they are first (the readable requests), then the others under the
        // contexts the documents allow them in.
        let mut pending = Vec::new();
        for probe in probes(scope, own, known, &named) {
            match probe::allowed_as_is(&probe, &docs, envelope) {
                Some(at) => out.found.push((probe, at)),
                None => pending.push(probe),
            }
        }
        for probe in pending {
            let absent = probe::fixed_absent(&probe);
            match probe::ask(&probe, &absent, &docs, envelope, &witnesses, &real) {
                probe::Asked::Allowed(request, at) => out.found.push((request, at)),
                probe::Asked::Undecided(why) => probe_unknown.push(format!(
                    "whether the holders may send {}: {why}",
                    show(&probe)
                )),
                probe::Asked::Refused => {}
            }
        }
    }
    let guarded = Guarded {
        scope,
        own,
        known,
        named: &named,
        docs: &docs,
        envelope,
    };
    record(&counterexamples, &guarded, &mut out);
    // The engine names a few requests per statement, so a statement of several actions may
    // show only its harmless ones (`iam:DeactivateMFADevice` beside `iam:UploadSSHPublicKey`).
    // Before calling it proved, each IAM write the documents may allow is asked about alone.
    let harmless = |out: &Escapes| {
        (out.found.iter())
            .all(|(request, _)| classify(request, scope, own).class != Class::Escalation)
    };
    if (!counterexamples.is_empty() || !out.unknown.is_empty()) && harmless(&out) {
        // Only IAM writes can leave the envelope, and each is asked about below: what the
        // question of all of them at once left undecided is decided (or not) again there.
        out.unknown.clear();
        for action in Catalog::get().expand_actions("iam:*") {
            if matches!(
                action.access_level,
                crate::catalog::AccessLevel::List | crate::catalog::AccessLevel::Read
            ) {
                continue;
            }
            let action = action.full_name();
            let mut alone = docs.clone();
            alone.push(only_action(&action));
            let (counterexamples, unknown) = match reason::contained_in(
                &alone.iter().collect::<Vec<_>>(),
                prepared,
                super::probe::catalog_options(),
            ) {
                Containment::Contained | Containment::ContainedForListedActions(_) => continue,
                Containment::Escapes {
                    counterexamples,
                    unknown,
                } => (counterexamples, unknown),
                Containment::Unknown(unknown) => (vec![], unknown),
            };
            out.unknown.extend(unknown.iter().map(|u| {
                format!(
                    "{} for `{action}`: {}",
                    describe::<_, PolicyDocument>(&u.statement, located, &[]),
                    u.reason
                )
            }));
            // The witness's action with the other names a request can carry: the engine's
            // resource may be the harmless one of several.
            for counterexample in &counterexamples {
                let found = variants(&counterexample.request, &guarded);
                out.found.extend(found);
            }
            record(&counterexamples, &guarded, &mut out);
        }
    }
    out.unknown.extend(probe_unknown);
    out.unknown.sort();
    out.unknown.dedup();
    out
}

/// Each engine witness as a request AWS could receive (the same statement may allow a real
/// one when the witness is not), or why it is undecided.
fn record(counterexamples: &[reason::Counterexample], guarded: &Guarded, out: &mut Escapes) {
    let scope = guarded.scope;
    for counterexample in counterexamples {
        let request = &counterexample.request;
        let real = realizable(request).and_then(|()| receivable(request, scope, guarded.known));
        match real {
            Ok(()) => out
                .found
                .push((request.clone(), counterexample.allowed_by.clone())),
            // The engine's witness may name a resource AWS would never see with this action;
            // the same statement may still allow a real one, so look for it before giving up.
            Err(why) => match variants(request, guarded).into_iter().next() {
                Some((real, at)) => out.found.push((real, at)),
                None => out.unknown.push(format!(
                    "possible escalation {} is not a real request: {why}",
                    show(request)
                )),
            },
        }
    }
}

/// A statement that leaves the documents it is added to nothing but `action`, on the resource
/// types it takes: the engine then names no witness of another type (`iam:TagInstanceProfile`
/// on a role) that no request confirms.
fn only_action(action: &str) -> PolicyDocument {
    let mut deny = Statement::new(Effect::Deny);
    deny.not_action = Some(vec![action.to_string()]);
    deny.resource = Some(vec!["*".into()]);
    let catalog = Catalog::get();
    let formats: Vec<String> = (catalog.action(action).into_iter())
        .flat_map(|a| catalog.action_arn_formats(a))
        .map(|format| Catalog::fill_arn_format(format, |_| "*".to_string()))
        .collect();
    let mut statements = vec![deny];
    if !formats.is_empty() {
        let mut other_types = Statement::new(Effect::Deny);
        other_types.action = Some(vec!["*".into()]);
        other_types.not_resource = Some(formats);
        statements.push(other_types);
    }
    PolicyDocument::new(statements)
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// Concrete requests, one or more per escalation path, for readable counterexamples.
/// Boundary ARNs the documents' conditions on `iam:PermissionsBoundary` name other than the
/// scope's, each wildcard read as `x`: a statement that lets one of them through lets holders
/// create a role with a boundary of their own making, which the probes then name.
fn named_boundaries(docs: &[PolicyDocument], scope: &Scope) -> Vec<String> {
    let mut named: Vec<String> = (docs.iter())
        .flat_map(|d| &d.statements)
        .flat_map(|s| s.condition.clauses())
        .filter(|(_, key, _)| key.eq_ignore_ascii_case(actions::BOUNDARY_KEY))
        .flat_map(|(_, _, values)| values)
        .map(|value| reason::filled(value))
        .filter(|value| *value != scope.boundary_arn)
        .collect();
    named.sort();
    named.dedup();
    named
}

fn probes(
    scope: &Scope,
    own: &[String],
    known: &[real::Known],
    named_boundaries: &[String],
) -> Vec<Request> {
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
    // Another boundary: a customer managed one, and AWS's own administrator policy (which a
    // condition like `arn:aws:iam::aws:policy/*` lets through).
    let mut other_boundaries = vec![account_arn("policy", "AdministratorAccess")];
    other_boundaries.extend(
        ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"]
            .map(|name| format!("arn:{}:iam::aws:policy/{name}", scope.partition)),
    );
    other_boundaries.extend(named_boundaries.iter().cloned());
    for action in actions::ESCALATING {
        let kind = if action.contains("User") {
            "user"
        } else {
            "role"
        };
        let target = named(kind, "x");
        out.push(with_user(Request::new(action, &target)));
        for other in &other_boundaries {
            out.push(with_user(
                Request::new(action, &target).with(actions::BOUNDARY_KEY, other),
            ));
        }
    }
    let mut protected = vec![scope.boundary_arn.as_str()];
    protected.extend(scope.delegation_policies());
    for arn in protected {
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
            // With the boundary: a bounded role outside the prefix (a warning); without it:
            // an unbounded one, such as those AWS creates under its own paths.
            out.push(with_user(
                Request::new(action, role).with(actions::BOUNDARY_KEY, &scope.boundary_arn),
            ));
            out.push(with_user(Request::new(action, role)));
        }
    }
    for action in ["iam:CreatePolicyVersion", "iam:DeletePolicy"] {
        out.push(with_user(Request::new(
            action,
            &account_arn("policy", "admin"),
        )));
    }
    if delegation::holders_may_be_users(own) {
        // A holder that is a user, on its own user: `user/*` covers a group's members.
        let holder = (own.iter())
            .find_map(|arn| match crate::iam::names::iam_arn_parts(arn) {
                Some((_, "user", name)) => name.rsplit('/').next(),
                _ => None,
            })
            .unwrap_or("holder");
        let own_user = account_arn("user", holder);
        for action in (actions::SELF_CHANGE.iter()).filter(|a| a.contains("User")) {
            out.push(Request::new(action, &own_user).with("aws:username", holder));
        }
    }
    for principal in own {
        for action in actions::SELF_CHANGE {
            out.push(with_user(
                Request::new(action, principal).with(actions::BOUNDARY_KEY, &scope.boundary_arn),
            ));
            out.push(with_user(Request::new(action, principal)));
        }
    }
    out.retain(|r| realizable(r).is_ok() && receivable(r, scope, known).is_ok());
    out
}

/// Whether AWS could receive `request`: its resource has one of the catalog's ARN formats for
/// the action, and an IAM resource is in the delegation's account (IAM writes never cross
/// accounts) and has a name.
fn receivable(request: &Request, scope: &Scope, known: &[real::Known]) -> Result<(), String> {
    let catalog = Catalog::get();
    if catalog.action(&request.action).is_none() {
        return Ok(());
    }
    reason::takes_resource(catalog, &request.action, &request.resource)?;
    let partition = crate::iam::names::arn_parts(&request.resource).map(|parts| parts[1]);
    if request.resource != "*" && partition != Some(scope.partition.as_str()) {
        return Err(format!(
            "the delegation's account is in the partition `{}`",
            scope.partition
        ));
    }
    real::problem(
        request,
        Some((scope.partition.as_str(), scope.account.as_str())),
        known,
    )?;
    if let Some((_, _, name)) = crate::iam::names::iam_arn_parts(&request.resource) {
        if name.is_empty() || name.starts_with('/') || name.ends_with('/') || name.contains("//") {
            return Err(format!("`{}` names nothing", request.resource));
        }
    }
    Ok(())
}

/// A catalog ARN format with the delegation's partition and account, and `name` for the rest.
fn fill(format: &str, scope: &Scope, name: &str) -> String {
    Catalog::fill_arn_format(format, |placeholder| {
        match placeholder {
            "Partition" => &scope.partition,
            "Account" => &scope.account,
            _ => name,
        }
        .to_string()
    })
}

/// The receivable requests of the same action and context as `request` that the delegation
/// allows and the envelope does not, each with the statement that allows it: the engine's
/// witness made real, or the names beside it (outside the prefix, inside it, deeper, AWS's).
fn variants(request: &Request, guarded: &Guarded) -> Vec<(Request, StatementRef)> {
    let Guarded {
        scope,
        own,
        known,
        named,
        docs,
        envelope,
    } = *guarded;
    let mut out = Vec::new();
    let Some(action) = Catalog::get().action(&request.action) else {
        return out;
    };
    let catalog = Catalog::get();
    let user = "alice";
    let inside = format!(
        "{}{}x",
        scope.path.trim_start_matches('/'),
        scope.prefix.replace("${aws:username}", user)
    );
    let names = [
        "admin".to_string(),
        inside.clone(),
        format!("{inside}/admin"),
        "service-role/admin".into(),
    ];
    let envelope = std::slice::from_ref(envelope);
    // Besides the generic names, what the delegation protects: the boundary, the delegation
    // policy and its parts, the holders themselves, and the boundaries its conditions name.
    let mut resources: Vec<String> = (catalog.action_arn_formats(action).into_iter())
        .flat_map(|format| names.iter().map(move |name| fill(format, scope, name)))
        .collect();
    resources.push(scope.boundary_arn.clone());
    resources.extend(scope.delegation_policies().iter().map(|p| p.to_string()));
    resources.extend(own.iter().cloned());
    resources.extend(named.iter().cloned());
    for resource in resources {
        let mut candidate = request.clone();
        candidate.resource = resource;
        if scope.prefix.contains("${aws:username}")
            && candidate.context.get("aws:username").is_none()
        {
            candidate = candidate.with("aws:username", user);
        }
        if realizable(&candidate).is_err() || receivable(&candidate, scope, known).is_err() {
            continue;
        }
        if out
            .iter()
            .any(|(found, _): &(Request, StatementRef)| *found == candidate)
        {
            continue;
        }
        let alone = reason::evaluate(docs, None, &candidate);
        if alone.decision != reason::Decision::Allow || !alone.unmodelled.is_empty() {
            continue;
        }
        if reason::evaluate(envelope, None, &candidate).decision == reason::Decision::Allow {
            continue;
        }
        if let Some(at) = alone.identity_allows.first() {
            out.push((candidate, at.clone()));
        }
    }
    out
}

/// What a delegation's requests are judged against: its scope, its own principals, the
/// boundaries its conditions name, the documents and the safe envelope.
#[derive(Clone, Copy)]
struct Guarded<'a> {
    scope: &'a Scope,
    own: &'a [String],
    known: &'a [real::Known],
    named: &'a [String],
    docs: &'a [PolicyDocument],
    envelope: &'a PolicyDocument,
}

pub(super) fn applies(resource_pattern: &str, request: &Request) -> bool {
    let mut statement = Statement::new(Effect::Allow);
    statement.action = Some(vec!["*".into()]);
    statement.resource = Some(vec![resource_pattern.to_string()]);
    reason::statement_applies(&statement, request).unwrap_or(false)
}

pub(super) fn is(list: &[&str], action: &str) -> bool {
    list.iter().any(|a| a.eq_ignore_ascii_case(action))
}

/// What is known about a delegation beyond its scope, for the assumptions a verdict states.
pub struct Facts {
    /// Where the account came from (`--account`, the delegation policy's ARN, ...).
    pub account_source: String,
    /// What is known of the boundary's content (defined in the project, or not read).
    pub boundary_content: String,
    /// The policies of the delegation's principals that were checked with it.
    pub seen: Vec<String>,
}

/// The assumptions a delegation verdict depends on, one sentence each: the account, what the
/// prefix holds, the boundary, what was seen of the principals, and what is not modelled.
pub fn assumptions(scope: &Scope, facts: &Facts) -> Vec<String> {
    let mut out = vec![format!(
        "account {} (from {})",
        scope.account, facts.account_source
    )];
    let roles = short(&scope.names("role")).to_string();
    let users = short(&scope.names("user")).to_string();
    out.push(format!(
        "the prefix is clean: every role `{roles}` and user `{users}` that already exists carries the boundary (holders can pass or change one that does not)"
    ));
    let managed = if is_aws_managed(&scope.boundary_arn) {
        "AWS managed: AWS maintains its content and no holder can edit it"
    } else {
        "customer managed"
    };
    out.push(format!(
        "boundary `{}` is {managed}; {}",
        scope.boundary_arn, facts.boundary_content
    ));
    if scope.create_users {
        out.push(
            "users the holders create belong to no group: guardrails given through groups do not reach them unless the boundary carries them".into(),
        );
    }
    out.push(if facts.seen.is_empty() {
        "policies of the principals seen: none besides the delegation; their other policies were not checked".into()
    } else {
        format!(
            "policies of the principals seen: {}; any others they have were not checked",
            facts.seen.join(", ")
        )
    });
    out.push(
        "not modelled: service control policies, resource policies (trust policies of existing roles, key and bucket policies), session policies and other accounts".into(),
    );
    out
}

/// Whether a policy ARN is an AWS managed policy (`arn:aws:iam::aws:policy/...`).
pub fn is_aws_managed(arn: &str) -> bool {
    crate::iam::names::iam_arn_parts(arn).is_some_and(|(account, _, _)| account == "aws")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::actions::BOUNDARY_KEY;

    const B: &str = "arn:aws:iam::123456789012:policy/B";

    fn scope() -> Scope {
        Scope {
            partition: "aws".into(),
            account: "123456789012".into(),
            boundary_arn: B.into(),
            delegation_arn: Some("arn:aws:iam::123456789012:policy/D".into()),
            delegation_parts: Vec::new(),
            path: "/".into(),
            prefix: "service-".into(),
            pass_to: vec![],
            create_users: true,
            tag_keys: crate::compile::delegation::default_tag_keys(),
            login_profiles: false,
        }
    }

    fn role(name: &str) -> String {
        format!("arn:aws:iam::123456789012:role/{name}")
    }

    fn class_of(request: Request) -> (Class, Option<String>) {
        let found = classify(&request, &scope(), &[]);
        (found.class, found.assumption)
    }

    #[test]
    fn creating_a_role_without_the_boundary_escalates_in_any_account() {
        let (class, assumption) = class_of(Request::new("iam:CreateRole", &role("service-x")));
        assert_eq!((class, assumption), (Class::Escalation, None));
        let other = Request::new("iam:PutRolePermissionsBoundary", &role("service-x"))
            .with(BOUNDARY_KEY, "arn:aws:iam::aws:policy/AdministratorAccess");
        assert_eq!(class_of(other).0, Class::Escalation);
    }

    #[test]
    fn changing_an_unbounded_role_under_the_prefix_depends_on_the_account() {
        let (class, assumption) = class_of(Request::new("iam:PutRolePolicy", &role("service-x")));
        assert_eq!(class, Class::Conditional);
        let assumption = assumption.unwrap_or_default();
        assert!(
            assumption.contains("`role/service-*` exists without the boundary"),
            "{assumption}"
        );
        // The message says what the action does, not that it creates a role.
        let found = classify(
            &Request::new("iam:UpdateAssumeRolePolicy", &role("service-x")),
            &scope(),
            &[],
        );
        assert!(
            found
                .what
                .starts_with("rewrites who may assume role `service-x`"),
            "{}",
            found.what
        );
    }

    #[test]
    fn names_under_the_prefix_ignore_case() {
        let upper = Request::new("iam:PutRolePolicy", &role("SERVICE-x"));
        assert!(in_scope(&scope(), "role", &upper));
        assert_eq!(class_of(upper).0, Class::Conditional);
    }

    #[test]
    fn aws_paths_are_escalations_unless_the_role_carries_the_boundary() {
        let pass = Request::new("iam:PassRole", &role("service-role/admin"));
        assert_eq!(class_of(pass).0, Class::Escalation);
        let upper = Request::new("iam:UpdateAssumeRolePolicy", &role("Service-Role/admin"));
        assert_eq!(class_of(upper).0, Class::Escalation);
        let bounded =
            Request::new("iam:PutRolePolicy", &role("service-role/admin")).with(BOUNDARY_KEY, B);
        assert_eq!(class_of(bounded).0, Class::Warning);
    }

    #[test]
    fn bounded_roles_outside_the_prefix_are_warnings() {
        let bounded = Request::new("iam:AttachRolePolicy", &role("admin")).with(BOUNDARY_KEY, B);
        assert_eq!(class_of(bounded), (Class::Warning, None));
        let unbounded = Request::new("iam:AttachRolePolicy", &role("admin"));
        assert_eq!(class_of(unbounded).0, Class::Conditional);
        let pass = Request::new("iam:PassRole", &role("admin"));
        assert_eq!(class_of(pass).0, Class::Conditional);
    }

    #[test]
    fn credentials_groups_and_own_principals_escalate() {
        let user = "arn:aws:iam::123456789012:user/alice";
        assert_eq!(
            class_of(Request::new("iam:CreateAccessKey", user)).0,
            Class::Escalation
        );
        let group = "arn:aws:iam::123456789012:group/admins";
        assert_eq!(
            class_of(Request::new("iam:AddUserToGroup", group)).0,
            Class::Escalation
        );
        let own = classify(
            &Request::new("iam:AttachUserPolicy", user),
            &scope(),
            &[user.to_string()],
        );
        assert_eq!(own.class, Class::Escalation);
        // A user holder on its own user: policy writes raise its rights, whoever it is.
        let own_user = Request::new("iam:PutUserPolicy", user).with("aws:username", "alice");
        assert_eq!(class_of(own_user).0, Class::Escalation);
        // Credentials of a delegated user (it carries the boundary): only if one exists
        // without it.
        let delegated = "arn:aws:iam::123456789012:user/service-x";
        let (class, assumption) = class_of(Request::new("iam:CreateLoginProfile", delegated));
        assert_eq!(class, Class::Conditional);
        assert!(assumption.unwrap().contains("`user/service-*`"));
    }

    #[test]
    fn names_keep_a_variable_in_the_prefix() {
        let pattern = "arn:aws:iam::123456789012:role/svc-${aws:username}-*";
        assert_eq!(short(pattern), "role/svc-${aws:username}-*");
    }

    #[test]
    fn witnesses_must_be_requests_aws_could_receive() {
        let s = scope();
        assert!(receivable(&Request::new("iam:CreateRole", &role("service-x")), &s, &[]).is_ok());
        // An IAM action on an S3 ARN, an empty account, another account, no name.
        for resource in [
            "arn:aws:s3:::bucket",
            "arn:aws:iam:::role/service-x",
            "arn:aws:iam::999999999999:role/service-x",
            "arn:aws:iam::123456789012:role/",
        ] {
            assert!(
                receivable(&Request::new("iam:CreateRole", resource), &s, &[]).is_err(),
                "{resource}"
            );
        }
        // The wrong resource type for the action.
        let policy = "arn:aws:iam::123456789012:policy/service-x";
        assert!(receivable(&Request::new("iam:CreateRole", policy), &s, &[]).is_err());
    }

    #[test]
    fn aws_managed_policies_are_recognized() {
        assert!(is_aws_managed("arn:aws:iam::aws:policy/ReadOnlyAccess"));
        assert!(!is_aws_managed(B));
        let mut s = scope();
        s.boundary_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess".into();
        let facts = Facts {
            account_source: "--account".into(),
            boundary_content: "not read".into(),
            seen: vec![],
        };
        let said = assumptions(&s, &facts).join("\n");
        assert!(
            said.contains("account 123456789012 (from --account)"),
            "{said}"
        );
        assert!(said.contains("is AWS managed"), "{said}");
        // The generated deny on deeper paths keeps `/service-role/` out of reach: no assumption.
        assert!(!said.contains("/service-role/"), "{said}");
        assert!(said.contains("not modelled"), "{said}");
    }
}
