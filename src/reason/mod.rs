//! The reasoning engine: concrete request evaluation and boundary-containment proofs.
//!
//! In: [`PolicyDocument`](crate::policy::PolicyDocument)s (identity policies and a permissions
//! boundary) and, for evaluation, a concrete [`Request`]. Out: an [`Evaluation`] from
//! [`evaluate`], or a [`Containment`] verdict from [`contained`] / [`contained_with`] with
//! concrete counterexamples that are re-checked by [`evaluate`] before being reported.
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

mod automaton;
mod cells;
mod condition;
mod contain;
mod contexts;
mod eval;
mod pattern;
mod request;

pub use condition::eval_clause;
pub use contain::{
    contained, contained_with, BoundaryFailure, Containment, Counterexample, Options, UnknownReason,
};
pub use eval::{evaluate, statement_applies, Decision, Evaluation, PolicySet, StatementRef};
pub use request::{Context, Request};
