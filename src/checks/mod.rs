//! What IAMX says about a policy document, however it was made: catalog checks on what each
//! statement names, and lints over whole documents.
//!
//! In: statements and documents with their source spans (compiled from `.iamx`, or read from
//! JSON). Out: diagnostics.

pub mod document;
pub mod json;
pub(crate) mod lint;
pub(crate) mod statement;
