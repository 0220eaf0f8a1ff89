//! IAMX: a compiler for a concise, boundary-aware AWS IAM policy language.

pub mod catalog;
pub mod policy;
pub mod reason;
