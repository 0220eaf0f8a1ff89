//! The reasoning engine: concrete request evaluation and boundary-containment proofs.
//!
//! In: [`PolicyDocument`](crate::iam::policy::PolicyDocument)s (identity policies and a permissions
//! boundary) and, for evaluation, a concrete [`Request`]. Out: an [`Evaluation`] from
//! [`evaluate`] (or [`PreparedPolicies::evaluate`], for many requests to one principal), or a
//! [`Containment`] verdict from [`contained`] / [`contained_with`] with concrete
//! counterexamples that are re-checked by [`evaluate`] before being reported.
//!
//! Layout, bottom up:
//! - `pattern`: IAM wildcard patterns (actions, ARNs with the segment rule, condition values,
//!   policy variables) compiled to token lists; concrete matching.
//! - `automaton`: exact language reasoning over those patterns (product construction yielding
//!   every realizable cell with a witness).
//! - `request`, `condition`, `eval`: concrete requests, condition operators, and IAM's decision.
//! - `contexts`: symbolic search over request contexts for condition blocks.
//! - `cells`: statement elements compiled to globs, split into cells by other statements.
//! - `contain`: the containment check tying the rest together.
//! - `domain`: what AWS could receive (listed actions, resources of a type they take), which
//!   keeps counterexamples real when a catalog is given.
//! - `inclusion`: pattern-in-pattern inclusion for the checks outside the engine (lints, the
//!   delegation policy), on the same semantics: the project's one glob matcher.
//! - `version`: per-document policy language version (variables or literal text).
//! - `principal`: account principals, which match every principal of their account.
//!
//! What is decided exactly: action and resource languages (any mix of `Action`/`NotAction`,
//! `Resource`/`NotResource`, unions over statements and documents, boundary and identity denies),
//! the ARN segment rule (including a segment-ending `*` matching across colons), case-insensitive
//! actions, and conditions built from the String, Arn, Numeric, Date, Bool, Binary, IpAddress (v4
//! and v6) and Null operators with `IfExists` and `ForAnyValue`/`ForAllValues`. Policy variables
//! exist only in documents whose `Version` is `2012-10-17` (`version`), decided per document. In
//! resources they are exact when both sides use the same variable in a comparable place, or when
//! a pattern decides the same way for every value; a boundary deny that some real value could
//! reach (a user named like a denied folder) counts as possibly applying and is confirmed with
//! concrete values or reported `Unknown`. Counterexample contexts are well-typed for the global
//! keys AWS fills in itself. `docs/semantics.md` lists each rule with its AWS source.
//!
//! What comes back `Unknown` (with a reason) rather than a guess: condition operators outside that
//! list, condition values containing policy variables (unless the identical clause appears on the
//! containing side), one key compared with two operator families, multivalued keys with more than
//! ten distinguishable value classes, possible escapes that no concrete request could confirm
//! (typically variable-dependent), statements IAM would reject, and searches over the state caps.
//! Keys count as multivalued when a set operator uses them anywhere in the compared policies or
//! they are well-known multivalued global keys; IAM requires set operators for such keys.

mod automaton;
mod cells;
mod condition;
mod contain;
mod contexts;
mod domain;
mod eval;
mod inclusion;
mod pattern;
mod principal;
mod request;
mod version;

pub use cells::{literal_service, literal_services};
pub use condition::eval_clause;
pub use contain::{
    contained, contained_in, contained_with, BoundaryFailure, Containment, Counterexample, Options,
    PreparedBoundary, UnknownReason,
};
pub use contexts::{filled, fixed_region, ALWAYS_PRESENT, SESSION_KEYS};
pub use domain::takes_resource;
pub use eval::{
    evaluate, statement_applies, Decision, Evaluation, PolicySet, PreparedPolicies, StatementRef,
};
pub use inclusion::{pattern_includes, PatternList};
pub use pattern::{substitute_variables, variable_keys, PatternKind, VarRef};
pub use principal::{account_principal, account_principal_pattern};
pub use request::{Context, Request};
