//! IAMX: a compiler for a concise, boundary-aware AWS IAM policy language.
//!
//! The pipeline, one module per stage: [`source`] → [`parse`] → [`ast`] → [`resolve`] → [`ir`] →
//! [`lower`] → [`emit`]; [`compiler`] runs them in order. [`policy`] is the IAM model every stage
//! after lowering works on (and plain IAM JSON is read into), [`diagnostics`] the one error type.

// pest is used without its `std` feature (see Cargo.toml); its generated parser names `alloc`.
extern crate alloc;

pub mod ast;
pub mod catalog;
pub mod compiler;
pub mod delegation;
pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod format;
pub mod import;
pub mod ir;
pub mod json;
pub mod limits;
pub mod lint;
pub mod lower;
pub mod parallel;
pub mod parse;
pub mod policy;
pub mod policy_json;
pub mod reason;
pub mod resolve;
pub mod source;
pub mod stdlib;
pub mod validate;
pub mod verify;

pub use compiler::{compile, Compilation, Input, Options};
