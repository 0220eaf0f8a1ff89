//! What IAM is, with nothing about `.iamx`: the policy model, the one positioned JSON reader.
//!
//! In: IAM JSON text or documents built by the compiler. Out: [`policy::PolicyDocument`]s (serde,
//! canonical) and, for JSON files, the same documents with the source span of every element;
//! for an account export (GAAD), the account's entities ([`gaad::Account`]).

pub mod actions;
pub mod gaad;
pub mod json;
pub mod kind;
pub mod located;
pub mod names;
pub mod operators;
pub mod policy;
pub mod quota;
pub mod read;
pub mod values;
