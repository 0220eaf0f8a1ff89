//! The `.iamx` language as text: the typed syntax tree, the parser and the formatter.
//!
//! In: one file's text. Out: its [`ast::File`] (spans on every node) or one parse diagnostic;
//! and back again, the canonical layout of a file with every comment kept. pest stays inside
//! [`parse`].

pub mod ast;
pub mod format;
pub(crate) mod lexical;
pub mod parse;
