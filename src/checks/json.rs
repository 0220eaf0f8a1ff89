//! Checks of a plain IAM JSON policy file.
//!
//! In: a file's id, its display name and text (the CLI passes every `.json` path of
//! `iamx check`). Out: diagnostics: what the reader (`iam::read`) refuses, then the catalog
//! checks of [`super::statement`] (as warnings: AWS's own policies name retired actions) and the
//! lints of [`super::lint`].

use super::lint::{self, LintDocument, Quota};
use super::statement::{self, ActionRef, Input, StatementView};
use crate::diagnostics::{Code, Diagnostic};
use crate::iam::quota::QuotaKind;
use crate::iam::read::read;
use crate::source::FileId;

/// Reads and checks one JSON policy file.
pub fn check(file: FileId, name: &str, text: &str) -> Vec<Diagnostic> {
    let (read, mut out) = read(file, text);
    let Some(read) = read else {
        return out;
    };
    for (statement, spans) in read.policy.statements.iter().zip(&read.statements) {
        let (actions, not_action) = match (&statement.action, &statement.not_action) {
            (Some(a), _) => (a, false),
            (None, Some(a)) => (a, true),
            (None, None) => continue,
        };
        let resources = statement
            .resource
            .as_ref()
            .or(statement.not_resource.as_ref());
        let view = StatementView {
            not_action,
            actions: actions
                .iter()
                .zip(&spans.actions)
                .map(|(text, &span)| ActionRef {
                    text,
                    span,
                    unchecked: false,
                })
                .collect(),
            not_resource: statement.not_resource.is_some(),
            resources: resources
                .into_iter()
                .flatten()
                .zip(&spans.resources)
                .map(|(r, &s)| (r.as_str(), s))
                .collect(),
            condition_keys: spans
                .condition_keys
                .iter()
                .map(|(k, s)| (k.as_str(), *s))
                .collect(),
            expanded_from: &[],
        };
        out.extend(statement::check_statement(&view, Input::Json));
    }
    let trust = read.policy.statements.iter().any(|s| {
        s.principal.is_some()
            && s.action
                .iter()
                .flatten()
                .any(|a| a.to_ascii_lowercase().starts_with("sts:assumerole"))
    });
    let resource_policy = read.policy.statements.iter().any(|s| s.principal.is_some());
    let quota = if trust {
        Quota::Limit {
            kind: QuotaKind::TrustPolicy,
            code: Code::SizeQuotaInJson,
        }
    } else if resource_policy {
        Quota::None
    } else {
        Quota::Limit {
            kind: QuotaKind::ManagedPolicy,
            code: Code::SizeQuotaInJson,
        }
    };
    let doc = LintDocument {
        title: format!("`{name}`"),
        policy: &read.policy,
        spans: read.statements.iter().map(|s| s.span).collect(),
        expanded_from: vec![Vec::new(); read.statements.len()],
        span: read.span,
        quota,
        used_by_roles: false,
    };
    out.extend(lint::lint(&doc));
    out
}
