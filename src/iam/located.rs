//! The one "policy document with positions" type that the reasoning tools take.
//!
//! In: a document compiled from `.iamx` (`compile::output::Document::located`) or read from
//! JSON ([`LocatedDocument::from_read`]). Out: the IAM model document with how messages name it
//! and the source span of every statement, so a verdict or counterexample can point at the
//! statement that allows it, whichever way the document was made.

use crate::iam::policy::PolicyDocument;
use crate::iam::read::ReadPolicy;
use crate::source::Span;

/// A policy document with where its statements came from. The policy is usually held
/// (`PolicyDocument`); `verify` borrows a project's compiled documents (`&PolicyDocument`)
/// instead of copying each role's.
#[derive(Debug, Clone)]
pub struct LocatedDocument<P = PolicyDocument> {
    /// How messages name it: `role service-etl`, `boundary S3Only`, `policy.json`.
    pub name: String,
    pub policy: P,
    /// One span per statement.
    pub spans: Vec<Span>,
    /// The whole document (the block that declared it, or the JSON file).
    pub span: Span,
}

impl LocatedDocument {
    /// A document read from JSON, named `name` in messages.
    pub fn from_read(name: String, read: ReadPolicy) -> LocatedDocument {
        LocatedDocument {
            name,
            spans: read.statements.iter().map(|s| s.span).collect(),
            policy: read.policy,
            span: read.span,
        }
    }
}

impl LocatedDocument<&PolicyDocument> {
    /// The same document holding a copy of its policy.
    pub fn cloned(self) -> LocatedDocument {
        LocatedDocument {
            name: self.name,
            policy: self.policy.clone(),
            spans: self.spans,
            span: self.span,
        }
    }
}

impl<P> LocatedDocument<P> {
    /// Where statement `index` is; the whole document's span when it has none of its own.
    pub fn statement_span(&self, index: usize) -> Span {
        self.spans.get(index).copied().unwrap_or(self.span)
    }
}
