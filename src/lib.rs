//! IAMX: a compiler for a concise, boundary-aware AWS IAM policy language.
//!
//! The pipeline, one module per stage: [`source`] → [`parse`] → [`ast`] → [`resolve`] → [`ir`] →
//! [`lower`] → [`emit`]; [`compiler`] runs them in order. [`policy`] is the IAM model every stage
//! after lowering works on (and plain IAM JSON is read into), [`diagnostics`] the one error type.

// pest is used without its `std` feature (see Cargo.toml); its generated parser names `alloc`.
extern crate alloc;

pub mod catalog;
pub mod checks;
pub mod compile;
pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod iam;
pub mod import;
pub mod parallel;
pub mod reason;
pub mod source;
pub mod syntax;
pub mod verify;
