//! Containment: the identity policies of a role or user against its permissions boundary.
//!
//! In: located identity and boundary documents. Out: one [`Report`] subject, proved, violated
//! (each counterexample re-checked and pointed at the statement that allows it) or unknown,
//! after dropping what can never match (an action conditioned on a key IAM never sends for it).

use super::*;
use crate::catalog::KeyScope;
use std::borrow::{Borrow, Cow};

/// The documents without the actions that can never match their statement (see the module
/// docs), and what was dropped. A document loses nothing in the common case and then stays
/// borrowed.
pub(super) fn prune_never_matching<'a>(
    docs: &[&'a PolicyDocument],
) -> (Vec<Cow<'a, PolicyDocument>>, Vec<Dropped>) {
    let catalog = Catalog::get();
    let mut dropped = Vec::new();
    let mut pruned = Vec::with_capacity(docs.len());
    for (d, &policy) in docs.iter().enumerate() {
        let mut pruned_policy = Cow::Borrowed(policy);
        for (s, statement) in policy.statements.iter().enumerate() {
            let Some(actions) = &statement.action else {
                continue;
            };
            let keys: Vec<&str> = statement
                .condition
                .clauses()
                .filter(|(operator, _, _)| ConditionOperator::parse(operator).fails_without_key())
                .map(|(_, key, _)| key)
                .filter(|key| {
                    (catalog.condition_key(key)).is_some_and(|k| k.scope != KeyScope::Global)
                })
                .collect();
            if keys.is_empty() {
                continue;
            }
            let keep: Vec<bool> = actions
                .iter()
                .map(|action| {
                    if crate::iam::policy::has_wildcard(action) {
                        return true;
                    }
                    let Some(known) = catalog.action(action) else {
                        return true;
                    };
                    match keys.iter().find(|k| !super::real::may_carry(known, k)) {
                        Some(key) => {
                            if statement.effect == Effect::Allow {
                                dropped.push((d, s, action.clone(), key.to_string()));
                            }
                            false
                        }
                        None => true,
                    }
                })
                .collect();
            if keep.iter().all(|&k| k) {
                continue;
            }
            let mut kept = keep.into_iter();
            if let Some(actions) = &mut pruned_policy.to_mut().statements[s].action {
                actions.retain(|_| kept.next().unwrap_or(true));
            }
        }
        pruned.push(pruned_policy);
    }
    (pruned, dropped)
}

/// Whether every context key of the request can be present for its action. Keys the catalog
/// does not know, and actions it does not know, are given the benefit of the doubt.
pub(super) fn realizable(request: &Request) -> Result<(), String> {
    let catalog = Catalog::get();
    let Some(action) = catalog.action(&request.action) else {
        return Ok(());
    };
    for (key, _) in request.context.iter() {
        if !super::real::may_carry(action, key) {
            return Err(format!(
                "it needs `{key}` in the request, which `{}` never has",
                request.action
            ));
        }
    }
    Ok(())
}

pub(super) fn never_matching_diagnostics<P>(
    docs: &[LocatedDocument<P>],
    dropped: &[Dropped],
) -> Vec<Diagnostic> {
    dropped
        .iter()
        .map(|(d, s, action, key)| {
            Diagnostic::new(
                Code::NeverMatchingCondition,
                format!("`{action}` never has `{key}` in its request, so this statement never allows it"),
            )
            .at(docs[*d].statement_span(*s), format!("conditioned on `{key}`"))
            .with_help(format!(
                "move `{action}` to a statement without the `{key}` condition (the catalog lists which actions have the key: `iamx catalog {action}`)"
            ))
        })
        .collect()
}

/// Proves that `identity` stays inside `boundary`, or reports how it does not.
/// `label` names the identity side in messages (`role service-etl`); `span` is where to point
/// when nothing more precise is known.
pub fn check_containment(
    identity: &[LocatedDocument],
    boundary: &[LocatedDocument],
    label: &str,
    span: Span,
) -> Report {
    check_against(
        identity,
        &Boundary::new(boundary.to_vec()),
        label,
        span,
        None,
    )
}

/// What AWS puts in every request of one known principal (a project's role or user): a
/// counterexample must carry these, or it is a request this principal never sends (IAM User
/// Guide, "AWS global condition context keys").
pub(super) struct Caller<'a> {
    kind: super::account::PrincipalKind,
    name: &'a str,
    arn: &'a str,
    /// The proof was made again with the documents specialized: a counterexample still not
    /// this caller's is then undecided, not a reason to make it a third time.
    again: bool,
}

/// The keys [`Caller`] fixes, lowercased: those of `account::principal_context` but tags (a
/// session may set its own), and that it is no service.
const CALLER_KEYS: [&str; 6] = [
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principaltype",
    "aws:username",
    "aws:principalisawsservice",
    "aws:principalservicename",
];

impl<'a> Caller<'a> {
    pub(super) fn new(kind: super::account::PrincipalKind, name: &'a str, arn: &'a str) -> Self {
        Caller {
            kind,
            name,
            arn,
            again: false,
        }
    }

    /// The partition and account of its requests' IAM resources.
    fn home(&self) -> Option<(&'a str, &'a str)> {
        let [_, partition, _, _, account, _] = crate::iam::names::arn_parts(self.arn)?;
        Some((partition, account))
    }

    fn again(&self) -> Caller<'a> {
        Caller {
            again: true,
            ..*self
        }
    }

    /// What its requests carry ([`super::account::principal_context`], no tags), and
    /// `aws:PrincipalIsAWSService` `false` (`aws:PrincipalServiceName` absent): made only for
    /// a counterexample, not for every principal proved.
    fn context(&self) -> reason::Context {
        let mut context = reason::Context::new();
        for (key, value) in
            super::account::principal_context(self.kind, self.name, self.arn, None, &[])
        {
            context.set(&key, [value]);
        }
        context.set("aws:PrincipalIsAWSService", ["false"]);
        context
    }

    /// `request` as this caller sends it, for the `tested` keys; `None` when it is already so.
    fn fixed(&self, request: &Request, tested: &[&str]) -> Option<Request> {
        let own = self.context();
        let differs = |key: &&str| request.context.get(key) != own.get(key);
        if !tested.iter().any(differs) {
            return None;
        }
        let mut fixed = request.clone();
        for &key in tested {
            match own.get(key) {
                Some(values) => fixed.context.set(key, values.iter().cloned()),
                None => fixed.context.remove(key),
            }
        }
        Some(fixed)
    }

    /// `located` as this caller's requests meet it: each clause on a `tested` key decided, a
    /// true one dropped and a statement with a false one made one that never applies, so the
    /// statements keep their places (and their spans).
    fn specialized<P: Borrow<PolicyDocument>>(
        &self,
        located: &LocatedDocument<P>,
        tested: &[&str],
    ) -> LocatedDocument {
        let own = self.context();
        let mut policy = located.policy.borrow().clone();
        let substitutes = policy.substitutes_variables();
        for statement in &mut policy.statements {
            if substitutes {
                // `${aws:username}` in a resource or a value is the caller's own.
                // A key the caller lacks stays a variable (its statement then never
                // matches, as the engine reads it).
                let resolve = |text: &mut String| {
                    let value = |var: &reason::VarRef| {
                        (tested.iter().any(|t| t.eq_ignore_ascii_case(&var.key)))
                            .then(|| own.variable(&var.key))
                            .flatten()
                    };
                    if let Some(resolved) = reason::substitute_variables(text, value) {
                        *text = resolved;
                    }
                };
                (statement
                    .resource
                    .iter_mut()
                    .chain(&mut statement.not_resource))
                .flatten()
                .for_each(resolve);
                for (_, keys) in statement.condition.0.iter_mut() {
                    for (_, values) in keys.iter_mut() {
                        values.iter_mut().for_each(resolve);
                    }
                }
            }
            let mut decided = Vec::new();
            let mut never = false;
            for (operator, key, values) in statement.condition.clauses() {
                let fixed = tested.iter().any(|t| t.eq_ignore_ascii_case(key));
                if !fixed || values.iter().any(|v| v.contains("${")) {
                    continue;
                }
                match reason::eval_clause(operator, key, values, &own) {
                    Ok(true) => decided.push((operator.to_string(), key.to_string())),
                    Ok(false) => never = true,
                    Err(_) => {}
                }
            }
            for (operator, key) in decided {
                if let Some(keys) = statement.condition.0.get_mut(&operator) {
                    keys.remove(&key);
                    if keys.is_empty() {
                        statement.condition.0.remove(&operator);
                    }
                }
            }
            if never {
                // Equal to `a` and not equal to it: no request meets both.
                statement
                    .condition
                    .insert("StringEquals", NEVER_KEY, vec!["a".into()]);
                statement
                    .condition
                    .insert("StringNotEquals", NEVER_KEY, vec!["a".into()]);
            }
        }
        LocatedDocument {
            name: located.name.clone(),
            policy,
            spans: located.spans.clone(),
            span: located.span,
        }
    }
}

/// A key no request has, for a statement that can never apply ([`Caller::specialized`]).
const NEVER_KEY: &str = "iamx:never";

/// The [`CALLER_KEYS`] that `docs` test in a condition or name as a policy variable.
fn tested_caller_keys<'d>(
    docs: impl Iterator<Item = &'d PolicyDocument> + Clone,
) -> Vec<&'static str> {
    let variable = |text: &str, key: &str| {
        text.contains("${") && reason::variable_keys(text).any(|k| k == key)
    };
    CALLER_KEYS
        .into_iter()
        .filter(|key| {
            (docs.clone()).flat_map(|d| &d.statements).any(|s| {
                s.condition.clauses().any(|(_, k, values)| {
                    k.eq_ignore_ascii_case(key) || values.iter().any(|v| variable(v, key))
                }) || (s.resource.iter().chain(&s.not_resource))
                    .flatten()
                    .any(|r| variable(r, key))
            })
        })
        .collect()
}

/// Whether `request` is allowed by `identity` and not by `boundary`, decided exactly.
fn escapes_exactly<P: Borrow<PolicyDocument>>(
    request: &Request,
    identity: &[LocatedDocument<P>],
    boundary: &[LocatedDocument],
) -> bool {
    let identity: Vec<PolicyDocument> = (identity.iter())
        .map(|d| d.policy.borrow().clone())
        .collect();
    let boundary: Vec<PolicyDocument> = boundary.iter().map(|d| d.policy.clone()).collect();
    let alone = reason::evaluate(&identity, None, request);
    let bounded = reason::evaluate(&identity, Some(&boundary), request);
    alone.decision == reason::Decision::Allow
        && bounded.decision != reason::Decision::Allow
        && alone.unmodelled.is_empty()
        && bounded.unmodelled.is_empty()
}

/// The policies of located documents, for the engine.
pub(super) fn policies<P: Borrow<PolicyDocument>>(
    docs: &[LocatedDocument<P>],
) -> Vec<&PolicyDocument> {
    docs.iter().map(|d| d.policy.borrow()).collect()
}

/// A boundary made ready once and shared by every principal it bounds: its documents (for
/// messages) and the engine's compiled form of them, after dropping what can never match.
pub(super) struct Boundary {
    located: Vec<LocatedDocument>,
    prepared: reason::PreparedBoundary,
}

impl Boundary {
    pub(super) fn new(located: Vec<LocatedDocument>) -> Boundary {
        let (docs, _) = prune_never_matching(&policies(&located));
        let docs: Vec<PolicyDocument> = docs.into_iter().map(Cow::into_owned).collect();
        Boundary {
            prepared: reason::PreparedBoundary::new(&docs),
            located,
        }
    }
}

/// [`check_containment`] against a prepared boundary.
/// `caller`, when the principal is known, holds each counterexample to the requests it sends.
pub(super) fn check_against<P: Borrow<PolicyDocument>>(
    identity: &[LocatedDocument<P>],
    boundary: &Boundary,
    label: &str,
    span: Span,
    caller: Option<&Caller<'_>>,
) -> Report {
    check_restricted(identity, boundary, label, span, caller, false)
}

/// [`check_against`]; `restricted` when the identity already ends with the denies of what no
/// caller sends ([`real::restrictions`]): a witness that is still no real request is then
/// undecided, not a reason to prove it a third time.
fn check_restricted<P: Borrow<PolicyDocument>>(
    identity: &[LocatedDocument<P>],
    boundary: &Boundary,
    label: &str,
    span: Span,
    caller: Option<&Caller<'_>>,
    restricted: bool,
) -> Report {
    // The engine borrows the policies: a role's documents are not copied.
    let (identity_docs, dropped) = prune_never_matching(&policies(identity));
    let identity_docs: Vec<&PolicyDocument> = identity_docs.iter().map(|d| &**d).collect();
    let verdict = reason::contained_in(
        &identity_docs,
        &boundary.prepared,
        reason::Options {
            known_actions: &[],
            catalog: Some(Catalog::get()),
        },
    );
    let prepared = boundary;
    let boundary = &boundary.located[..];
    let boundary_name = boundary
        .iter()
        .map(|b| b.name.trim_start_matches("boundary ").to_string())
        .collect::<Vec<_>>()
        .join(" + ");
    let mut report = Report {
        subjects: vec![],
        diagnostics: never_matching_diagnostics(identity, &dropped),
    };
    let said = |reasons: &[reason::UnknownReason]| -> Vec<String> {
        reasons
            .iter()
            .map(|u| {
                format!(
                    "{}: {}",
                    describe(&u.statement, identity, boundary),
                    u.reason
                )
            })
            .collect()
    };
    let mut notes = vec![];
    let (counterexamples, mut unknown) = match verdict {
        Containment::Contained => (vec![], vec![]),
        Containment::ContainedForListedActions(unlisted) => {
            notes = said(&unlisted);
            (vec![], vec![])
        }
        Containment::Escapes {
            counterexamples,
            unknown,
        } => (counterexamples, unknown),
        Containment::Unknown(unknown) => (vec![], unknown),
    };
    let mut escapes = Vec::new();
    let mut reported: Vec<StatementRef> = Vec::new();
    // A counterexample with another caller's `aws:PrincipalArn` (or type, account, user name)
    // is no request of this principal. Shown as its own when it escapes so too; otherwise the
    // proof is made again with the documents as this caller meets them (rare: the boundary or
    // the policies test who calls).
    let tested = match caller {
        Some(_) if !counterexamples.is_empty() => tested_caller_keys(
            (identity.iter().map(|d| d.policy.borrow())).chain(boundary.iter().map(|d| &d.policy)),
        ),
        _ => Vec::new(),
    };
    let mut counterexamples = counterexamples;
    if let (Some(caller), false) = (caller, tested.is_empty()) {
        let mut again = false;
        let mut kept = Vec::with_capacity(counterexamples.len());
        for mut counterexample in counterexamples {
            if let Some(fixed) = caller.fixed(&counterexample.request, &tested) {
                if escapes_exactly(&fixed, identity, boundary) {
                    counterexample.request = fixed;
                } else if caller.again {
                    unknown.push(reason::UnknownReason {
                        statement: counterexample.allowed_by.clone(),
                        reason: format!(
                            "possible escape {} needs a caller other than {label}",
                            show(&counterexample.request)
                        ),
                    });
                    continue;
                } else {
                    again = true;
                }
            }
            kept.push(counterexample);
        }
        counterexamples = kept;
        if again {
            let identity: Vec<LocatedDocument> = (identity.iter())
                .map(|d| caller.specialized(d, &tested))
                .collect();
            let boundary = Boundary::new(
                (boundary.iter())
                    .map(|d| caller.specialized(d, &tested))
                    .collect(),
            );
            return check_restricted(
                &identity,
                &boundary,
                label,
                span,
                Some(&caller.again()),
                restricted,
            );
        }
    }
    // A witness no caller could send (an IAM call on another account's role, in another
    // region than IAM's, ...): the proof is made again with the identity left only the
    // requests AWS could receive ([`real::restrictions`]), once.
    let home = caller.and_then(Caller::home);
    let real = |request: &Request| {
        realizable(request).and_then(|()| super::real::problem(request, home, &[]))
    };
    if !restricted && counterexamples.iter().any(|c| real(&c.request).is_err()) {
        let region = super::real::tested(
            (identity.iter().map(|d| d.policy.borrow())).chain(boundary.iter().map(|d| &d.policy)),
            "aws:RequestedRegion",
        );
        let mut restricted: Vec<LocatedDocument> = (identity.iter())
            .map(|d| LocatedDocument {
                name: d.name.clone(),
                policy: d.policy.borrow().clone(),
                spans: d.spans.clone(),
                span: d.span,
            })
            .collect();
        let policy = super::real::restrictions(home, region, &[]);
        restricted.push(LocatedDocument {
            name: "requests AWS could receive".into(),
            spans: vec![span; policy.statements.len()],
            policy,
            span,
        });
        return check_restricted(&restricted, prepared, label, span, caller, true);
    }
    for counterexample in counterexamples {
        if let Err(why) = real(&counterexample.request) {
            unknown.push(reason::UnknownReason {
                statement: counterexample.allowed_by.clone(),
                reason: format!(
                    "possible escape {} is not a real request: {why}",
                    counterexample.request
                ),
            });
            continue;
        }
        let message = format!(
            "{} is allowed by {label} but not by boundary {boundary_name}",
            show(&counterexample.request)
        );
        if !escapes_from(&reported, &counterexample.allowed_by) {
            reported.push(counterexample.allowed_by.clone());
            report.diagnostics.push(containment_diagnostic(
                &counterexample,
                identity,
                boundary,
                &message,
            ));
        }
        escapes.push(escape(&counterexample.request, message));
    }
    let unknown_text = said(&unknown);
    let verdict = verdict_of(!escapes.is_empty(), !unknown.is_empty());
    if verdict == Verdict::Unknown {
        let first = &unknown[0].statement;
        let at = locate(first, identity, boundary).unwrap_or(span);
        report.diagnostics.push(undecided(
            format!("cannot prove that {label} stays inside boundary {boundary_name}"),
            at,
            &unknown_text,
        ));
    }
    let summary = match verdict {
        Verdict::Proved => format!("{label} stays inside boundary {boundary_name}"),
        Verdict::Violated => format!(
            "{label} escapes boundary {boundary_name} ({} counterexample{})",
            escapes.len(),
            if escapes.len() == 1 { "" } else { "s" }
        ),
        Verdict::Unknown => format!("{label} inside boundary {boundary_name}: unknown"),
    };
    // The report's one subject, in a vector without spare room: one is kept per role.
    report.subjects = vec![Subject {
        kind: "policies".into(),
        name: label.into(),
        verdict,
        summary,
        counterexamples: escapes,
        unknown: unknown_text,
        notes,
        assumptions: vec![],
    }];
    report
}

pub(super) fn escapes_from(reported: &[StatementRef], at: &StatementRef) -> bool {
    reported.contains(at)
}

pub(super) fn locate<P, Q>(
    at: &StatementRef,
    identity: &[LocatedDocument<P>],
    boundary: &[LocatedDocument<Q>],
) -> Option<Span> {
    match at.set {
        PolicySet::Identity => identity.get(at.doc).map(|d| d.statement_span(at.stmt)),
        PolicySet::Boundary => boundary.get(at.doc).map(|d| d.statement_span(at.stmt)),
    }
}

pub(super) fn describe<P, Q>(
    at: &StatementRef,
    identity: &[LocatedDocument<P>],
    boundary: &[LocatedDocument<Q>],
) -> String {
    let doc = match at.set {
        PolicySet::Identity => identity.get(at.doc).map(|d| d.name.as_str()),
        PolicySet::Boundary => boundary.get(at.doc).map(|d| d.name.as_str()),
    }
    .unwrap_or("?");
    match &at.sid {
        Some(sid) => format!("{doc}, statement {sid}"),
        None => format!("{doc}, statement {}", at.stmt + 1),
    }
}

pub(super) fn containment_diagnostic<P, Q>(
    counterexample: &Counterexample,
    identity: &[LocatedDocument<P>],
    boundary: &[LocatedDocument<Q>],
    message: &str,
) -> Diagnostic {
    let at = locate(&counterexample.allowed_by, identity, boundary)
        .or_else(|| identity.first().map(|d| d.span))
        .expect("a counterexample comes from an identity statement");
    let mut diagnostic =
        Diagnostic::new(Code::BoundaryEscape, message).at(at, "this statement allows it");
    match &counterexample.boundary {
        BoundaryFailure::NoAllow => {
            for b in boundary {
                diagnostic =
                    diagnostic.with_label(b.span, format!("{} allows no such request", b.name));
            }
        }
        BoundaryFailure::DeniedBy(denies) => {
            for deny in denies {
                if let Some(span) = locate(deny, identity, boundary) {
                    diagnostic = diagnostic.with_label(span, "denied here");
                }
            }
        }
    }
    diagnostic.with_help(
        "narrow the statement to what the boundary allows, or widen the boundary if the access is intended",
    )
}
