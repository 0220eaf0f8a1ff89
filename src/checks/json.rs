//! Checks of a plain IAM JSON policy file.
//!
//! In: a file's id, its display name and text (the CLI passes every JSON file of `iamx check`),
//! and its kind when known (`--kind`, a build manifest). Out: a [`Checked`]: the kind used (given,
//! or inferred by `PolicyKind::infer`) and diagnostics: what the reader (`iam::read`) refuses,
//! the document checks of [`super::document`] for that kind, the catalog checks of
//! `checks::statement` (as warnings: AWS's own policies name retired actions) and, when the
//! document is valid, the lints of `checks::lint`.

use super::document::{self, DocumentView};
use super::lint::{self, LintDocument, Quota};
use super::statement::{self, ActionRef, Input, StatementView};
use crate::diagnostics::{Code, Diagnostic};
use crate::iam::kind::PolicyKind;
use crate::iam::quota::QuotaKind;
use crate::iam::read::read;
use crate::source::{FileId, Sources};
use std::borrow::Cow;

/// What checking one file found.
pub struct Checked {
    pub diagnostics: Vec<Diagnostic>,
    /// The kind the document was checked as; None when it could not be read.
    pub kind: Option<PolicyKind>,
    /// Whether the kind was inferred rather than given.
    pub inferred: bool,
}

/// Adds a JSON policy file, as the bytes read, to `sources` ([`crate::iam::read::add_file`]: the
/// size limit, UTF-8) and checks it as [`check`] does: [`check_files`] for one file.
pub fn check_file(
    sources: &mut Sources,
    name: &str,
    bytes: &[u8],
    kind: Option<PolicyKind>,
) -> Checked {
    let mut checked = check_files(sources, vec![(name, bytes.into(), kind)]);
    checked.pop().expect("one result per file")
}

/// A JSON policy file for [`check_files`]: its name, the bytes read, and its kind when known.
pub type JsonFile<'n, 'b> = (&'n str, Cow<'b, [u8]>, Option<PolicyKind>);

/// What `iamx check` runs on JSON files: each added to `sources` in order, then checked on
/// its own (a file's checks read nothing of the others) on all cores, a file refused by
/// `add_file` (too large, not UTF-8) with that refusal alone. Results in the files' order.
/// Bytes given owned become the sources' texts without a copy.
pub fn check_files(sources: &mut Sources, files: Vec<JsonFile<'_, '_>>) -> Vec<Checked> {
    let added: Vec<_> = (files.into_iter())
        .map(|(name, bytes, kind)| {
            let (id, refused) = crate::iam::read::add_file(sources, name, bytes);
            (id, name, kind, refused)
        })
        .collect();
    let sources = &*sources;
    crate::parallel::map(&added, |(id, name, kind, refused)| match refused {
        Some(refused) => Checked {
            diagnostics: vec![refused.clone()],
            kind: None,
            inferred: false,
        },
        None => check(*id, name, &sources.get(*id).text, *kind),
    })
}

/// Reads and checks one JSON policy file, as `kind` when given.
pub fn check(file: FileId, name: &str, text: &str, kind: Option<PolicyKind>) -> Checked {
    let (read, mut out) = read(file, text);
    let Some(read) = read else {
        return Checked {
            diagnostics: out,
            kind: None,
            inferred: false,
        };
    };
    let inferred = kind.is_none();
    let kind = kind.unwrap_or_else(|| PolicyKind::infer(&read.policy));
    let view = DocumentView {
        policy: &read.policy,
        kind,
        span: read.span,
        version: read.version,
        id: read.id,
        statement_list: read.statement_list,
        statements: &read.statements,
    };
    let mut structural = document::check(&view);
    name_unpaired_surrogates(text, &mut structural);
    let written = text.trim().chars().count();
    if written > crate::iam::quota::DOCUMENT_PARAMETER && kind != PolicyKind::Scp {
        // As for the kind's quota: an error for a kind that was given; for an inferred one a
        // warning, since AWS's own managed policies, made without the API, may be longer.
        structural.push(
            Diagnostic::new(
                if inferred { Code::SizeQuotaInJson } else { Code::SizeQuota },
                format!(
                    "`{name}` is {} characters as written, over the {} the IAM API takes for a policy document",
                    crate::diagnostics::thousands(written),
                    crate::diagnostics::thousands(crate::iam::quota::DOCUMENT_PARAMETER)
                ),
            )
            .at(read.span, "too long")
            .with_note("the API counts white space here; the quota of the document's kind does not")
            .with_help("send the document without white space (`jq -c`)"),
        );
    }
    let valid = !structural.iter().any(Diagnostic::is_error);
    out.extend(structural);
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
                .map(|(k, s)| (&**k, *s))
                .collect(),
            expanded_from: &[],
        };
        out.extend(statement::check_statement(&view, Input::Json));
    }
    let done = |diagnostics| Checked {
        diagnostics,
        kind: Some(kind),
        inferred,
    };
    if !valid {
        // The lints assume a document IAM takes; on one it refuses they would only add noise.
        return done(out);
    }
    // A quota is an error only for a kind that was given: an inferred identity policy may be
    // managed (6,144) or a role's inline policy (10,240), so over 6,144 it is a warning.
    let quota = match (kind.quota(), inferred) {
        // Organizations keeps an SCP sent through the API or CLI as written, white space and
        // all (only its console strips it): the file's own characters count.
        (Some(QuotaKind::Scp), false) => Quota::Limit {
            kind: QuotaKind::Scp,
            code: Code::SizeQuota,
            size: read.policy.quota_size().max(text.trim().chars().count()),
        },
        (Some(quota), false) => Quota::Limit {
            kind: quota,
            code: Code::SizeQuota,
            size: read.policy.quota_size(),
        },
        (Some(quota), true) => Quota::Limit {
            kind: quota,
            code: Code::SizeQuotaInJson,
            size: read.policy.quota_size(),
        },
        (None, _) if kind == PolicyKind::Identity => Quota::Limit {
            kind: QuotaKind::ManagedPolicy,
            code: Code::SizeQuotaInJson,
            size: read.policy.quota_size(),
        },
        (None, _) => Quota::None,
    };
    let doc = LintDocument {
        title: lint::Title { kind: "", name },
        policy: &read.policy,
        spans: read.statements.iter().map(|s| s.span).collect(),
        expanded_from: vec![&[]; read.statements.len()],
        span: read.span,
        quota,
        used_by_roles: false,
    };
    out.extend(lint::lint(&doc));
    done(out)
}

/// An escape of half a surrogate pair without its other half (`"\ud800"`) names no character:
/// the reader reads it as U+FFFD, which IAM refuses (E0208) as it refuses any character past
/// U+00FF. The message names the escape as written rather than a `�` the file does not hold.
fn name_unpaired_surrogates(text: &str, diagnostics: &mut [Diagnostic]) {
    for diagnostic in diagnostics.iter_mut() {
        if diagnostic.code != Code::NotLatin1 || !diagnostic.message.contains("(U+FFFD)") {
            continue;
        }
        let Some(label) = &mut diagnostic.primary else {
            continue;
        };
        let raw = text.get(label.span.start as usize..label.span.end as usize);
        if let Some(escape) = raw.and_then(crate::iam::json::unpaired_surrogate) {
            diagnostic.message =
                format!("IAM refuses `{escape}` (an unpaired surrogate) in a policy document");
            label.message = "half of a UTF-16 surrogate pair, which names no character".into();
            diagnostic.help = Some(format!(
                "a policy document may hold only characters up to U+00FF (Latin-1): drop `{escape}`, or match the character with `?` or `*`"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The IAM API's parameter counts white space, the kind's quota does not: a small document
    /// padded past 131,072 characters is refused, and an SCP (Organizations) is not held to it.
    #[test]
    fn a_document_padded_past_the_api_parameter_is_refused() {
        let document = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;
        let padded = document.replacen(
            "\"Version\"",
            &format!("{}\"Version\"", " ".repeat(131_072)),
            1,
        );
        let codes = |text: &str, kind| -> Vec<Code> {
            let mut sources = Sources::new();
            let checked = check_file(&mut sources, "p.json", text.as_bytes(), Some(kind));
            checked.diagnostics.iter().map(|d| d.code).collect()
        };
        assert_eq!(codes(document, PolicyKind::ManagedPolicy), []);
        assert_eq!(codes(&padded, PolicyKind::ManagedPolicy), [Code::SizeQuota]);
        // Organizations' own rule: the white space counts against the SCP's 5,120 instead.
        assert_eq!(codes(&padded, PolicyKind::Scp), [Code::SizeQuota]);
        let checked = check_file(
            &mut Sources::new(),
            "p.json",
            padded.as_bytes(),
            Some(PolicyKind::Scp),
        );
        assert!(
            checked.diagnostics[0]
                .message
                .contains("service control policy"),
            "{}",
            checked.diagnostics[0].message
        );
    }
}
