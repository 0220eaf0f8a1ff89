//! Asking whether documents allow one request under *some* context.
//!
//! A probe names an action, a resource and the keys that define the path it stands for
//! (`iam:PermissionsBoundary` absent or another boundary, `iam:PassedToService`, ...). The
//! documents may allow it only under conditions on other keys (`aws:MultiFactorAuthPresent`,
//! `aws:SecureTransport`, a principal tag): such a probe is allowed all the same, since the
//! holder picks the context. [`ask`] tries the contexts the engine already found for the
//! documents, then, when some allow statement could still apply, asks the engine itself with
//! everything but the probe denied: allowed, refused, or undecided (never skipped).
//!
//! In: a probe, the keys it fixes, the documents and what they must stay inside. Out: [`Asked`].

use super::*;
use crate::reason::Context;

/// What [`ask`] found.
pub(super) enum Asked {
    /// A real request of the probe (its keys as fixed, the others as the engine chose) that the
    /// documents allow and the envelope does not, with the allowing statement.
    Allowed(Request, StatementRef),
    /// Why it could not be decided.
    Undecided(String),
    /// No context lets it through.
    Refused,
}

/// The keys whose absence a probe fixes: `iam:PermissionsBoundary` when it does not set it
/// (a role created without a boundary), else none.
pub(super) fn fixed_absent(probe: &Request) -> Vec<String> {
    match probe.context.get(actions::BOUNDARY_KEY) {
        Some(_) => vec![],
        None => vec![actions::BOUNDARY_KEY.to_string()],
    }
}

/// Whether `docs` allow `probe` under some context (its own keys and the `absent` ones as
/// they are) that `envelope` does not allow; `real` says whether AWS could receive a request.
/// `witnesses` are contexts the engine found for the documents, tried first: they are cheap.
pub(super) fn ask(
    probe: &Request,
    absent: &[String],
    docs: &[PolicyDocument],
    envelope: &[PolicyDocument],
    witnesses: &[&Context],
    real: &dyn Fn(&Request) -> Result<(), String>,
) -> Asked {
    let escapes = |candidate: &Request| -> Option<StatementRef> {
        real(candidate).ok()?;
        allowed_as_is(candidate, docs, envelope)
    };
    if let Some(at) = escapes(probe) {
        return Asked::Allowed(probe.clone(), at);
    }
    for witness in witnesses {
        let candidate = merged(probe, absent, witness);
        if candidate != *probe {
            if let Some(at) = escapes(&candidate) {
                return Asked::Allowed(candidate, at);
            }
        }
    }
    if !may_apply(docs, probe, absent) {
        return Asked::Refused;
    }
    let Some(confined) = confine(probe, absent) else {
        return Asked::Undecided(format!(
            "`{}` is not one resource the engine can be asked about",
            probe.resource
        ));
    };
    let mut asked = docs.to_vec();
    asked.push(confined);
    let options = catalog_options();
    match reason::contained_with(&asked, envelope, options) {
        Containment::Contained | Containment::ContainedForListedActions(_) => Asked::Refused,
        Containment::Unknown(unknown) => Asked::Undecided(reasons(&unknown)),
        Containment::Escapes {
            counterexamples,
            unknown,
        } => {
            for counterexample in &counterexamples {
                if let Some(at) = escapes(&counterexample.request) {
                    return Asked::Allowed(counterexample.request.clone(), at);
                }
            }
            Asked::Undecided(match counterexamples.first() {
                Some(c) => format!(
                    "the engine's witness {} is not a request AWS could receive",
                    show(&c.request)
                ),
                None => reasons(&unknown),
            })
        }
    }
}

/// The statement of `docs` that allows `request` exactly as it is, when `envelope` does not.
pub(super) fn allowed_as_is(
    request: &Request,
    docs: &[PolicyDocument],
    envelope: &[PolicyDocument],
) -> Option<StatementRef> {
    let alone = reason::evaluate(docs, None, request);
    if alone.decision != reason::Decision::Allow || !alone.unmodelled.is_empty() {
        return None;
    }
    if reason::evaluate(envelope, None, request).decision == reason::Decision::Allow {
        return None;
    }
    alone.identity_allows.first().cloned()
}

/// `witness`'s context on `probe`: the probe's own keys (and its absent ones) as the probe has
/// them, and of the witness's only the global keys and those the catalog lists for the action.
pub(super) fn merged(probe: &Request, absent: &[String], witness: &Context) -> Request {
    let catalog = Catalog::get();
    let action = catalog.action(&probe.action);
    let mut out = probe.clone();
    for (key, values) in witness.iter() {
        let fixed =
            probe.context.get(key).is_some() || absent.iter().any(|a| a.eq_ignore_ascii_case(key));
        let listed = action.is_none_or(|action| super::real::may_carry(action, key));
        if !fixed && listed {
            out.context.set(key, values.iter().cloned());
        }
    }
    out
}

/// Whether an allow statement of `docs` may apply to `probe` under some context: its action and
/// resource match (any resource when a pattern has a variable) and no clause on a key the probe
/// fixes is false.
pub(super) fn may_apply(docs: &[PolicyDocument], probe: &Request, absent: &[String]) -> bool {
    let fixed = |key: &str| {
        probe.context.get(key).is_some() || absent.iter().any(|a| a.eq_ignore_ascii_case(key))
    };
    (docs.iter().flat_map(|d| &d.statements))
        .filter(|s| s.effect == Effect::Allow)
        .any(|s| {
            let mut partial = s.clone();
            let variable =
                |list: &Option<Vec<String>>| list.iter().flatten().any(|p| p.contains("${"));
            if variable(&s.resource) || variable(&s.not_resource) {
                partial.resource = Some(vec!["*".into()]);
                partial.not_resource = None;
            }
            partial.condition = Default::default();
            for (operator, key, values) in s.condition.clauses() {
                if fixed(key) {
                    partial.condition.insert(operator, key, values.to_vec());
                }
            }
            reason::statement_applies(&partial, probe).unwrap_or(true)
        })
}

/// A document that denies every request but `probe`'s action on its resource with its keys as
/// it has them and the `absent` keys absent; `None` when the resource is a pattern.
/// How verify asks the engine a containment question: every action the catalog lists.
pub(super) fn catalog_options() -> reason::Options<'static> {
    reason::Options {
        known_actions: &[],
        catalog: Some(Catalog::get()),
    }
}

/// The engine's reasons for leaving a question undecided, as one sentence.
pub(super) fn reasons(unknown: &[reason::UnknownReason]) -> String {
    (unknown.iter())
        .map(|u| u.reason.clone())
        .collect::<Vec<_>>()
        .join("; ")
}

pub(super) fn confine(probe: &Request, absent: &[String]) -> Option<PolicyDocument> {
    if probe.resource.contains(['*', '?', '$']) {
        return None;
    }
    let deny = |condition: crate::iam::policy::Conditions| {
        let mut s = Statement::new(Effect::Deny);
        s.action = Some(vec!["*".into()]);
        s.resource = Some(vec!["*".into()]);
        s.condition = condition;
        s
    };
    let mut other_action = Statement::new(Effect::Deny);
    other_action.not_action = Some(vec![probe.action.clone()]);
    other_action.resource = Some(vec!["*".into()]);
    let mut other_resource = Statement::new(Effect::Deny);
    other_resource.action = Some(vec!["*".into()]);
    other_resource.not_resource = Some(vec![probe.resource.clone()]);
    let mut statements = vec![other_action, other_resource];
    for (key, values) in probe.context.iter() {
        if probe.context.is_unknown(key) {
            continue;
        }
        let multivalued = values.len() > 1 || key.eq_ignore_ascii_case("aws:TagKeys");
        let mut differs = crate::iam::policy::Conditions::default();
        let operator = if multivalued {
            "ForAnyValue:StringNotEquals"
        } else {
            "StringNotEquals"
        };
        differs.insert(operator, key, values.to_vec());
        statements.push(deny(differs));
        let mut missing = crate::iam::policy::Conditions::default();
        missing.insert("Null", key, vec!["true".into()]);
        statements.push(deny(missing));
    }
    for key in absent {
        let mut present = crate::iam::policy::Conditions::default();
        present.insert("Null", key, vec!["false".into()]);
        statements.push(deny(present));
    }
    Some(PolicyDocument::new(statements))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(effect: Effect, action: &str, resource: &str) -> Statement {
        let mut s = Statement::new(effect);
        s.action = Some(vec![action.into()]);
        s.resource = Some(vec![resource.into()]);
        s
    }

    #[test]
    fn a_probe_allowed_only_under_a_condition_is_allowed() {
        let mut allow = statement(
            Effect::Allow,
            "iam:CreatePolicyVersion",
            "arn:aws:iam::123456789012:policy/*",
        );
        // Not `aws:RequestedRegion`: IAM calls carry one region only (`real::problem`).
        let vpc = vec!["vpc-1".to_string()];
        (allow.condition).insert("StringEquals", "aws:SourceVpc", vpc.clone());
        let docs = [PolicyDocument::new(vec![allow])];
        let nothing = [PolicyDocument::new(vec![])];
        let probe = Request::new(
            "iam:CreatePolicyVersion",
            "arn:aws:iam::123456789012:policy/B",
        );
        // No witness context: the engine is asked.
        match ask(&probe, &[], &docs, &nothing, &[], &|_| Ok(())) {
            Asked::Allowed(request, _) => {
                assert_eq!(request.resource, probe.resource);
                let asked = request.context.get("aws:SourceVpc");
                assert_eq!(asked, Some(&vpc[..]));
            }
            _ => panic!("not allowed"),
        }
        // A deny of it whatever the context refuses it; so does a key the probe fixes.
        let mut denied = docs.to_vec();
        denied.push(PolicyDocument::new(vec![statement(
            Effect::Deny,
            "iam:*",
            "arn:aws:iam::123456789012:policy/B",
        )]));
        assert!(matches!(
            ask(&probe, &[], &denied, &nothing, &[], &|_| Ok(())),
            Asked::Refused
        ));
        let elsewhere = probe.clone().with("aws:SourceVpc", "vpc-2");
        assert!(matches!(
            ask(&elsewhere, &[], &docs, &nothing, &[], &|_| Ok(())),
            Asked::Refused
        ));
    }
}
