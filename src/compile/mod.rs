//! The compiler: `.iamx` sources to IAM documents.
//!
//! In: named source texts and [`Options`]. Out: a [`Compilation`]: every diagnostic, and the
//! compiled project when there were no errors. The stages, in order: `syntax::parse` →
//! [`resolve`] → [`ir`] → catalog checks → [`lower`] (with [`delegation`] policies; each role
//! is resolved, lowered and checked in one job) → `limits` (quota splitting) → lints; `pipeline` runs them, in one call or in parts (parsing;
//! resolving and lowering; checking) for callers that compile the same sources more than once.

pub(crate) mod checks;
pub mod delegation;
pub mod ir;
pub(crate) mod limits;
pub mod lower;
pub mod output;
mod pipeline;
pub mod resolve;
pub(crate) mod stdlib;

pub use pipeline::{
    compile, compile_parsed, declared_environments, lower_parsed, lower_parsed_proving,
    lower_parsed_sharing, parse_inputs, AfterLints, Compilation, Input, Lowered, Measured, Options,
    Parsed, RoleProof, RoleProofs, RoleProver,
};
