//! Concrete evaluation of one request against identity policies and an optional boundary.
//!
//! In: identity policy documents, optional permissions-boundary documents, a [`Request`]. Out: an
//! [`Evaluation`]: the [`Decision`] and the statements behind it.
//!
//! Logic (IAM User Guide, "Policy evaluation logic", for a principal in its own account without
//! resource policies, SCPs or session policies): an applicable `Deny` in any policy wins; otherwise
//! the request is allowed only if some identity statement allows it and, when a boundary is given,
//! some boundary statement allows it too. `Principal`/`NotPrincipal` are ignored because identity
//! policies and boundaries have none.
//!
//! A statement whose condition uses something not modelled (see `condition.rs`) or whose shape is
//! invalid fails closed: such an `Allow` does not apply and such a `Deny` does. Each occurrence is
//! listed in [`Evaluation::unmodelled`], so callers needing certainty (the containment checker
//! verifying a counterexample) can refuse results that depended on it.

use super::condition::eval_clause;
use super::pattern::{matches_concrete, PatternKind, VarRef};
use super::request::Request;
use super::version::literal_where_unversioned;
use crate::iam::policy::{Effect, PolicyDocument, Statement};
use std::borrow::Borrow;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    ImplicitDeny,
    ExplicitDeny,
}

/// Which set of policies a statement belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PolicySet {
    Identity,
    Boundary,
}

/// A statement's address: policy set, document index, statement index, and its `Sid`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StatementRef {
    pub set: PolicySet,
    pub doc: usize,
    pub stmt: usize,
    pub sid: Option<String>,
}

impl fmt::Display for StatementRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = match self.set {
            PolicySet::Identity => "identity",
            PolicySet::Boundary => "boundary",
        };
        write!(f, "{set} policy {} statement {}", self.doc, self.stmt)?;
        if let Some(sid) = &self.sid {
            write!(f, " ({sid})")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub decision: Decision,
    /// The statements that decided: the applicable denies for `ExplicitDeny`; the allowing
    /// identity and boundary statements for `Allow`; for `ImplicitDeny`, the allowing statements
    /// of whichever side did allow (possibly none).
    pub deciding: Vec<StatementRef>,
    pub identity_allows: Vec<StatementRef>,
    pub boundary_allows: Vec<StatementRef>,
    pub denies: Vec<StatementRef>,
    /// Statements whose applicability could not be decided exactly, with the reason.
    pub unmodelled: Vec<(StatementRef, String)>,
    /// Whether `unmodelled` could change `decision`: with each such Allow applying and no such
    /// Deny, the decision differs. `decision` is then the fail-closed one and not IAM's answer.
    pub unsettled: bool,
}

/// Does the statement apply to the request? `Err` when that depends on something not modelled.
pub fn statement_applies(statement: &Statement, request: &Request) -> Result<bool, String> {
    if let Some(problem) = statement.shape_error() {
        return Err(problem.to_string());
    }
    let action_hit = |list: &Vec<String>| {
        list.iter()
            .any(|p| matches_concrete(p, PatternKind::Action, &request.action, &|_| None))
    };
    let action_ok = match (&statement.action, &statement.not_action) {
        (Some(list), _) => action_hit(list),
        (_, Some(list)) => !action_hit(list),
        _ => unreachable!("shape checked"),
    };
    if !action_ok {
        return Ok(false);
    }
    // Past the action, so that a statement about other actions never leaves a question open.
    if let Some(problem) = super::pattern::statement_too_long(statement) {
        return Err(problem);
    }
    let resolve = |v: &VarRef| request.context.variable(&v.key);
    let resource_hit = |list: &Vec<String>| {
        list.iter()
            .any(|p| matches_concrete(p, PatternKind::Arn, &request.resource, &resolve))
    };
    let resource_ok = match (&statement.resource, &statement.not_resource) {
        (Some(list), _) => resource_hit(list),
        (_, Some(list)) => !resource_hit(list),
        (None, None) => return Err("statement has neither Resource nor NotResource".into()),
    };
    if !resource_ok {
        return Ok(false);
    }
    // A clause that is false settles the statement, whatever an undecided one would say.
    let mut undecided = None;
    for (operator, key, values) in statement.condition.clauses() {
        match eval_clause(operator, key, values, &request.context) {
            Ok(true) => {}
            Ok(false) => return Ok(false),
            Err(reason) => undecided = undecided.or(Some(reason)),
        }
    }
    match undecided {
        Some(reason) => Err(reason),
        None => Ok(true),
    }
}

/// Evaluates `request` (see the module docs).
pub fn evaluate(
    identity: &[PolicyDocument],
    boundary: Option<&[PolicyDocument]>,
    request: &Request,
) -> Evaluation {
    // Variables are text in documents whose Version has none (see `version.rs`).
    let identity = &*literal_where_unversioned(identity);
    let boundary_docs = boundary.map(literal_where_unversioned);
    decide(identity, boundary_docs.as_deref(), request)
}

/// One principal's identity policies and optional boundary made ready for many requests: the
/// documents are rewritten as the engine reads them (see `version.rs`) once, not per request.
/// [`PreparedPolicies::evaluate`] gives exactly what [`evaluate`] gives for the same documents.
#[derive(Debug, Clone)]
pub struct PreparedPolicies {
    identity: Vec<PolicyDocument>,
    boundary: Option<Vec<PolicyDocument>>,
}

impl PreparedPolicies {
    pub fn new(identity: &[PolicyDocument], boundary: Option<&[PolicyDocument]>) -> Self {
        PreparedPolicies {
            identity: literal_where_unversioned(identity).into_owned(),
            boundary: boundary.map(|b| literal_where_unversioned(b).into_owned()),
        }
    }

    /// Evaluates `request` against the prepared documents.
    pub fn evaluate(&self, request: &Request) -> Evaluation {
        decide(&self.identity, self.boundary.as_deref(), request)
    }
}

/// IAM's decision over documents already rewritten by `literal_where_unversioned`, held as
/// values or by reference.
pub(super) fn decide<I: Borrow<PolicyDocument>, B: Borrow<PolicyDocument>>(
    identity: &[I],
    boundary: Option<&[B]>,
    request: &Request,
) -> Evaluation {
    let mut eval = Evaluation {
        decision: Decision::ImplicitDeny,
        deciding: vec![],
        identity_allows: vec![],
        boundary_allows: vec![],
        denies: vec![],
        unmodelled: vec![],
        unsettled: false,
    };
    let bounded = boundary.is_some();
    let identity_docs = identity.iter().map(Borrow::borrow);
    let boundary_docs = boundary.unwrap_or_default().iter().map(Borrow::borrow);
    let sets = identity_docs
        .enumerate()
        .map(|(d, doc)| (PolicySet::Identity, d, doc))
        .chain(
            boundary_docs
                .enumerate()
                .map(|(d, doc)| (PolicySet::Boundary, d, doc)),
        );
    for (set, d, doc) in sets {
        for (s, statement) in doc.statements.iter().enumerate() {
            let at = StatementRef {
                set,
                doc: d,
                stmt: s,
                sid: statement.sid.clone(),
            };
            let applies = match statement_applies(statement, request) {
                Ok(applies) => applies,
                Err(reason) => {
                    eval.unmodelled.push((at.clone(), reason));
                    // Fail closed: an uncertain Deny applies, an uncertain Allow does not.
                    statement.effect == Effect::Deny
                }
            };
            match (applies, statement.effect, set) {
                (false, _, _) => {}
                (true, Effect::Deny, _) => eval.denies.push(at),
                (true, Effect::Allow, PolicySet::Identity) => eval.identity_allows.push(at),
                (true, Effect::Allow, PolicySet::Boundary) => eval.boundary_allows.push(at),
            }
        }
    }
    if !eval.denies.is_empty() {
        eval.decision = Decision::ExplicitDeny;
        // The denies that surely apply decide; the undecided ones only when none does.
        let sure: Vec<StatementRef> = (eval.denies.iter())
            .filter(|d| !eval.unmodelled.iter().any(|(u, _)| u == *d))
            .cloned()
            .collect();
        eval.deciding = if sure.is_empty() {
            eval.denies.clone()
        } else {
            sure
        };
    } else {
        let boundary_ok = boundary.is_none() || !eval.boundary_allows.is_empty();
        if !eval.identity_allows.is_empty() && boundary_ok {
            eval.decision = Decision::Allow;
        }
        eval.deciding = eval
            .identity_allows
            .iter()
            .chain(&eval.boundary_allows)
            .cloned()
            .collect();
    }
    if !eval.unmodelled.is_empty() {
        eval.unsettled = most_allowing(&eval, bounded) != eval.decision;
    }
    eval
}

/// The decision with each undecided Allow applying and no undecided Deny: IAM's answer lies
/// between it and the fail-closed one, as a decision only grows with allows and shrinks with
/// denies.
fn most_allowing(eval: &Evaluation, bounded: bool) -> Decision {
    let undecided = |at: &StatementRef| eval.unmodelled.iter().any(|(u, _)| u == at);
    if eval.denies.iter().any(|d| !undecided(d)) {
        return Decision::ExplicitDeny;
    }
    // An undecided statement not among the denies is an Allow.
    let allows_in = |set: PolicySet, sure: &[StatementRef]| {
        !sure.is_empty()
            || (eval.unmodelled.iter()).any(|(at, _)| at.set == set && !eval.denies.contains(at))
    };
    let identity = allows_in(PolicySet::Identity, &eval.identity_allows);
    let boundary = !bounded || allows_in(PolicySet::Boundary, &eval.boundary_allows);
    if identity && boundary {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(json: &str) -> PolicyDocument {
        crate::iam::read::policy_from_str(json).unwrap()
    }

    #[test]
    fn deny_wins_and_boundary_limits() {
        let identity = [doc(r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"All","Effect":"Allow","Action":"s3:*","Resource":"*"},
            {"Sid":"NoDelete","Effect":"Deny","Action":"s3:Delete*","Resource":"*"}]}"#)];
        let boundary = [doc(r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"Read","Effect":"Allow","Action":["s3:Get*","s3:DeleteObject"],"Resource":"arn:aws:s3:::acme/*"}]}"#)];
        let get = Request::new("S3:GetObject", "arn:aws:s3:::acme/k");
        let e = evaluate(&identity, Some(&boundary), &get);
        assert_eq!(e.decision, Decision::Allow);
        assert_eq!(e.deciding.len(), 2);
        let put = Request::new("s3:PutObject", "arn:aws:s3:::acme/k");
        assert_eq!(
            evaluate(&identity, Some(&boundary), &put).decision,
            Decision::ImplicitDeny
        );
        assert_eq!(evaluate(&identity, None, &put).decision, Decision::Allow);
        let del = Request::new("s3:DeleteObject", "arn:aws:s3:::acme/k");
        let e = evaluate(&identity, Some(&boundary), &del);
        assert_eq!(e.decision, Decision::ExplicitDeny);
        assert_eq!(e.deciding[0].sid.as_deref(), Some("NoDelete"));
    }

    #[test]
    fn prepared_policies_decide_as_evaluate() {
        let identity = [doc(r#"{"Version":"2008-10-17","Statement":[
            {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}"}]}"#)];
        let boundary = [doc(r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}"}]}"#)];
        let prepared = PreparedPolicies::new(&identity, Some(&boundary));
        for resource in ["arn:aws:s3:::b/${aws:username}", "arn:aws:s3:::b/alice"] {
            let request = Request::new("s3:GetObject", resource).with("aws:username", "alice");
            assert_eq!(
                prepared.evaluate(&request),
                evaluate(&identity, Some(&boundary), &request)
            );
        }
    }

    #[test]
    fn unmodelled_conditions_fail_closed() {
        let identity = [doc(r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Weird":{"k":"v"}}}]}"#)];
        let e = evaluate(&identity, None, &Request::new("s3:GetObject", "x"));
        assert_eq!(e.decision, Decision::ImplicitDeny);
        assert_eq!(e.unmodelled.len(), 1);
    }
}
