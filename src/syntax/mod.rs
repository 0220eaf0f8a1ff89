//! The `.iamx` language as text: the typed syntax tree, the parser and the formatter.
//!
//! In: one file's text. Out: its [`ast::File`] (spans on every node) or one parse diagnostic;
//! and back again, the canonical layout of a file with every comment kept. [`parse`] is written
//! by hand; `grammar/iamx.pest` is its specification, and the pest parser generated from it is
//! built for tests only, as the reference the hand parser is held to.

pub mod ast;
pub mod format;
pub(crate) mod lexical;
pub mod parse;
