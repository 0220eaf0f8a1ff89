//! Per-document policy language version: policy variables exist only in `2012-10-17` documents.
//!
//! In: policy documents as given. Out: the same documents where every document with another
//! `Version` (the older `2008-10-17`, or whatever a reader stored for an omitted `Version`, which
//! IAM treats as `2008-10-17`) has each `$` in its resources and condition values escaped as
//! `${$}`, so the pattern compiler reads `${aws:username}` there as the literal text it is.
//!
//! IAM User Guide, "IAM JSON policy elements: Version"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html>):
//! "If you do not include a Version element, the value defaults to 2008-10-17 ... policy
//! variables ... are treated as literal strings"; and "IAM policy elements: Variables and tags"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>):
//! variables need `"Version": "2012-10-17"`. The identity policies and the boundary of one check
//! may each have their own version, so this is decided document by document.

use crate::iam::policy::{Conditions, PolicyDocument, POLICY_VERSION};
use std::borrow::Cow;

/// The documents with variables made literal where their version has none (see the module docs).
/// Borrows when nothing needs rewriting, which is the common case.
pub fn literal_where_unversioned(docs: &[PolicyDocument]) -> Cow<'_, [PolicyDocument]> {
    if !docs.iter().any(needs_rewrite) {
        return Cow::Borrowed(docs);
    }
    Cow::Owned(
        docs.iter()
            .map(|d| {
                if needs_rewrite(d) {
                    escaped(d)
                } else {
                    d.clone()
                }
            })
            .collect(),
    )
}

/// [`literal_where_unversioned`] for documents held by reference (the engine borrows a
/// project's documents): each stays borrowed unless it needs rewriting.
pub fn literal_where_unversioned_each<'a>(
    docs: &[&'a PolicyDocument],
) -> Vec<Cow<'a, PolicyDocument>> {
    docs.iter()
        .map(|&d| {
            if needs_rewrite(d) {
                Cow::Owned(escaped(d))
            } else {
                Cow::Borrowed(d)
            }
        })
        .collect()
}

fn needs_rewrite(doc: &PolicyDocument) -> bool {
    !doc.substitutes_variables() && mentions_dollar(doc)
}

fn mentions_dollar(doc: &PolicyDocument) -> bool {
    doc.statements.iter().any(|s| {
        let lists = [&s.resource, &s.not_resource];
        lists
            .into_iter()
            .flatten()
            .flatten()
            .any(|p| p.contains('$'))
            || s.condition
                .clauses()
                .any(|(_, _, values)| values.iter().any(|v| v.contains('$')))
    })
}

fn escape(text: &str) -> String {
    text.replace('$', "${$}")
}

fn escaped(doc: &PolicyDocument) -> PolicyDocument {
    let mut doc = doc.clone();
    // The escaped text reads the same under the variables version, and marking it so makes the
    // rewrite idempotent (the containment checker re-evaluates its own rewritten documents).
    doc.version = Some(POLICY_VERSION.to_string());
    for s in &mut doc.statements {
        for list in [&mut s.resource, &mut s.not_resource].into_iter().flatten() {
            for p in list.iter_mut() {
                *p = escape(p);
            }
        }
        let mut condition = Conditions::default();
        for (op, key, values) in s.condition.clauses() {
            condition.insert(op, key, values.iter().map(|v| escape(v)).collect());
        }
        s.condition = condition;
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unversioned_documents_are_rewritten() {
        let doc = |version: &str| -> PolicyDocument {
            crate::iam::read::policy_from_str(&format!(
                r#"{{"Version":"{version}","Statement":[{{"Effect":"Allow","Action":"*",
                "Resource":"arn:aws:s3:::b/${{aws:username}}",
                "Condition":{{"StringEquals":{{"k":"${{aws:username}}"}}}}}}]}}"#
            ))
            .unwrap()
        };
        let docs = [doc("2012-10-17"), doc("2008-10-17")];
        let out = literal_where_unversioned(&docs);
        assert_eq!(out[0], docs[0]);
        // Rewriting twice changes nothing more.
        assert_eq!(literal_where_unversioned(&out).as_ref(), out.as_ref());
        let s = &out[1].statements[0];
        assert_eq!(
            s.resource.as_deref(),
            Some(&["arn:aws:s3:::b/${$}{aws:username}".to_string()][..])
        );
        assert_eq!(
            s.condition.clauses().next().unwrap().2,
            ["${$}{aws:username}".to_string()]
        );
        assert!(matches!(
            literal_where_unversioned(&docs[..1]),
            Cow::Borrowed(_)
        ));
    }
}
