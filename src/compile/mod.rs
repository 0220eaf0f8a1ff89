//! The compiler: `.iamx` sources to IAM documents.
//!
//! In: named source texts and [`Options`]. Out: a [`Compilation`]: every diagnostic, and the
//! compiled project when there were no errors. The stages, in order: `syntax::parse` →
//! [`resolve`] → [`ir`] → catalog checks → [`lower`] (with [`delegation`] policies) →
//! [`limits`] (quota splitting) → lints; [`pipeline`] runs them.

pub mod checks;
pub mod delegation;
pub mod ir;
pub mod limits;
pub mod lower;
pub mod output;
pub mod pipeline;
pub mod resolve;
pub mod stdlib;

pub use pipeline::{compile, declared_environments, Compilation, Input, Options};
