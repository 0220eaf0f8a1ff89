//! IAMX: a compiler for a concise, boundary-aware AWS IAM policy language.
//!
//! The pipeline, one module per stage: [`source`] → [`parse`] → [`ast`] → [`resolve`] →
//! [`lower`] → [`emit`]. [`policy`] is the IAM model every stage after lowering works on, and
//! [`diagnostics`] the one error type of the whole compiler.

pub mod ast;
pub mod catalog;
pub mod diagnostics;
pub mod parse;
pub mod policy;
pub mod reason;
pub mod source;
