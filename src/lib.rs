//! IAMX: a compiler for a concise, boundary-aware AWS IAM policy language.
//!
//! Data flows one way: `.iamx` text is parsed ([`syntax`]) and compiled ([`compile`]) into the
//! IAM model ([`iam::policy`]), where plain IAM JSON read by [`iam::read`] meets it; from there
//! the checks ([`checks`]), the reasoning engine ([`reason`]) and the tools over outputs
//! ([`verify`], [`diff`], [`import`], [`emit`]) work on one kind of document. [`diagnostics`] is
//! the one error type; `docs/architecture.md` walks through it all.
//!
//! The layers. A module may import from its own layer and the layers below it, never from above,
//! and the imports between modules form no cycle; `tests/layers.rs` reads this table and every
//! `crate::` path in `src/` and fails on an edge that breaks it.
//!
//! | layer | modules | what |
//! |---|---|---|
//! | 0 | `source`, `diagnostics`, `parallel` | foundations: files and spans, the one diagnostic type, the one parallel map |
//! | 1 | `catalog`, `iam`, `syntax` | knowledge: the AWS catalog; IAM's model, JSON reader and quotas; the `.iamx` language as text |
//! | 2 | `reason` | the engine: evaluation, containment, the one glob semantics |
//! | 3 | `checks` | catalog checks and lints over documents, from `.iamx` or JSON |
//! | 4 | `compile` | the compiler: resolve, lower, delegation policies, quota splitting |
//! | 5 | `verify`, `diff`, `import`, `emit` | tools over compiled projects and IAM JSON |
//!
//! The command line (`src/cli`, in the binary) sits on top and may use all of them.

// pest (the reference parser of the tests) is used without its `std` feature (see Cargo.toml);
// its generated parser names `alloc`.
#[cfg(test)]
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
