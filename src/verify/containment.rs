//! Containment: the identity policies of a role or user against its permissions boundary.
//!
//! In: located identity and boundary documents. Out: one [`Report`] subject, proved, violated
//! (each counterexample re-checked and pointed at the statement that allows it) or unknown,
//! after dropping what can never match (an action conditioned on a key IAM never sends for it).

use super::*;

pub(super) fn prune_never_matching(
    docs: Vec<PolicyDocument>,
) -> (Vec<PolicyDocument>, Vec<Dropped>) {
    let catalog = Catalog::get();
    let mut dropped = Vec::new();
    let pruned = docs
        .into_iter()
        .enumerate()
        .map(|(d, mut policy)| {
            for (s, statement) in policy.statements.iter_mut().enumerate() {
                let keys: Vec<String> = statement
                    .condition
                    .clauses()
                    .filter(|(operator, _, _)| is_positive(operator))
                    .map(|(_, key, _)| key.to_string())
                    .filter(|key| catalog.condition_key(key).is_some_and(|k| !k.is_global()))
                    .collect();
                if keys.is_empty() {
                    continue;
                }
                let effect = statement.effect;
                if let Some(actions) = &mut statement.action {
                    actions.retain(|action| {
                        if action.contains(['*', '?']) {
                            return true;
                        }
                        let Some(known) = catalog.action(action) else {
                            return true;
                        };
                        match keys.iter().find(|k| !catalog.supports_key(known, k)) {
                            Some(key) => {
                                if effect == Effect::Allow {
                                    dropped.push((d, s, action.clone(), key.clone()));
                                }
                                false
                            }
                            None => true,
                        }
                    });
                }
            }
            policy
        })
        .collect();
    (pruned, dropped)
}

/// Operators that are false when the key is absent from the request.
pub(super) fn is_positive(operator: &str) -> bool {
    let operator = ConditionOperator::parse(operator);
    operator
        .known()
        .is_some_and(|base| base.family != Family::Null)
        && !operator.holds_without_key()
}

/// Whether every context key of the request can be present for its action. Keys the catalog
/// does not know, and actions it does not know, are given the benefit of the doubt.
pub(super) fn realizable(request: &Request) -> Result<(), String> {
    let catalog = Catalog::get();
    let Some(action) = catalog.action(&request.action) else {
        return Ok(());
    };
    for (key, _) in request.context.iter() {
        if catalog.condition_key(key).is_some_and(|k| !k.is_global())
            && !catalog.supports_key(action, key)
        {
            return Err(format!(
                "it needs `{key}` in the request, which `{}` never has",
                request.action
            ));
        }
    }
    Ok(())
}

pub(super) fn never_matching_diagnostics(
    docs: &[LocatedDocument],
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
        identity.to_vec(),
        &Boundary::new(boundary.to_vec()),
        label,
        span,
    )
}

/// The policies of located documents, for the engine.
pub(super) fn policies(docs: &[LocatedDocument]) -> Vec<PolicyDocument> {
    docs.iter().map(|d| d.policy.clone()).collect()
}

/// A boundary made ready once and shared by every principal it bounds: its documents (for
/// messages) and the engine's compiled form of them, after dropping what can never match.
pub(super) struct Boundary {
    located: Vec<LocatedDocument>,
    prepared: reason::PreparedBoundary,
}

impl Boundary {
    pub(super) fn new(located: Vec<LocatedDocument>) -> Boundary {
        let (docs, _) = prune_never_matching(policies(&located));
        Boundary {
            prepared: reason::PreparedBoundary::new(&docs),
            located,
        }
    }
}

/// [`check_containment`] against a prepared boundary.
pub(super) fn check_against(
    mut identity: Vec<LocatedDocument>,
    boundary: &Boundary,
    label: &str,
    span: Span,
) -> Report {
    // The policies move to the engine (a role's documents are not copied again); the names and
    // statement spans stay behind for the messages.
    let moved = identity
        .iter_mut()
        .map(|d| std::mem::replace(&mut d.policy, PolicyDocument::new(vec![])))
        .collect();
    let identity = &identity[..];
    let (identity_docs, dropped) = prune_never_matching(moved);
    let verdict = reason::contained_in(
        &identity_docs,
        &boundary.prepared,
        reason::Options {
            known_actions: &[],
            catalog: Some(Catalog::get()),
        },
    );
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
    for counterexample in counterexamples {
        if let Err(why) = realizable(&counterexample.request) {
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
    report.subjects.push(Subject {
        kind: "policies".into(),
        name: label.into(),
        verdict,
        summary,
        counterexamples: escapes,
        unknown: unknown_text,
        notes,
        assumptions: vec![],
    });
    report
}

pub(super) fn escapes_from(reported: &[StatementRef], at: &StatementRef) -> bool {
    reported.contains(at)
}

pub(super) fn locate(
    at: &StatementRef,
    identity: &[LocatedDocument],
    boundary: &[LocatedDocument],
) -> Option<Span> {
    let docs = match at.set {
        PolicySet::Identity => identity,
        PolicySet::Boundary => boundary,
    };
    docs.get(at.doc).map(|d| d.statement_span(at.stmt))
}

pub(super) fn describe(
    at: &StatementRef,
    identity: &[LocatedDocument],
    boundary: &[LocatedDocument],
) -> String {
    let docs = match at.set {
        PolicySet::Identity => identity,
        PolicySet::Boundary => boundary,
    };
    let doc = docs.get(at.doc).map_or("?", |d| d.name.as_str());
    match &at.sid {
        Some(sid) => format!("{doc}, statement {sid}"),
        None => format!("{doc}, statement {}", at.stmt + 1),
    }
}

pub(super) fn containment_diagnostic(
    counterexample: &Counterexample,
    identity: &[LocatedDocument],
    boundary: &[LocatedDocument],
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
