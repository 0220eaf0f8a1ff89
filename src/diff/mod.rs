//! Diff: what changed between two versions of a project, as text and as access.
//!
//! In: two [`Side`]s — the documents (kind, name, file, policy) and the roles, users and groups
//! of a version, built from a compilation ([`Side::from_compiled`]), a build's `manifest.json`
//! ([`Side::from_manifest`]) or plain JSON files (the CLI builds those). Out: a [`Report`]: per
//! document a unified diff of the canonical JSON and an [`Access`] summary computed with the
//! reasoning engine; per role, user and group the changes of boundary, attached policies and
//! groups. [`render_text`] and [`render_json`] print it.
//!
//! Access is computed per document, as the set of requests the document alone allows.
//! Access added is what NEW allows that OLD does not: for every `Allow` statement S of NEW,
//! `reason::contained(S + NEW's denies, OLD)`; when S escapes, it is split into its action and
//! resource patterns (principal values for trust policies) and each part is checked again, so
//! the report says which patterns of which statement widened, each with one verified example
//! request. Access removed is the same with the sides swapped. A deny removed from OLD shows up
//! as added access under the statements it used to cut into (the example says which deny no
//! longer applies). Whatever the engine leaves undecided is reported as undecided, and
//! "no change in access" is only said when both directions were proved.
//!
//! Trust and other documents with `Principal` are compared by turning each principal into a
//! condition on a synthetic key ([`PRINCIPAL_KEY`]), so the engine decides them like conditions.
//! Documents whose canonical JSON is byte-identical skip the engine.

mod access;
mod examples;
pub mod markdown;
mod principals;
mod render;

pub use access::compare_access;
use access::*;
use principals::*;
pub use render::{render_json, render_text};

use crate::catalog::Catalog;
use crate::compile::output::Compiled;
use crate::iam::policy::{Effect, PolicyDocument, Principal, Statement};
use crate::reason::{self, BoundaryFailure, Containment, Options, Request, UnknownReason};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The condition key principals are encoded as when comparing trust policies. Values are
/// `Type:value`, e.g. `Service:ec2.amazonaws.com`, `AWS:arn:aws:iam::123456789012:root`.
pub const PRINCIPAL_KEY: &str = "iamx:principal";

/// Most parts (action pattern x resource pattern) one statement is split into.
const MAX_PARTS: usize = 64;

/// One version of a project.
#[derive(Debug, Clone, Default)]
pub struct Side {
    pub documents: Vec<SideDocument>,
    pub principals: Vec<PrincipalInfo>,
}

/// One policy document of a [`Side`].
#[derive(Debug, Clone)]
pub struct SideDocument {
    /// `boundary`, `managed-policy`, `trust`, `role-inline`, ... (manifest kinds), or `policy`
    /// for plain JSON files.
    pub kind: String,
    pub name: String,
    /// The file it is (or would be) written to; shown in the diff headers.
    pub file: String,
    /// The managed policy's ARN (boundaries, managed and delegation policies), for looking up
    /// the documents that roles attach.
    pub arn: Option<String>,
    /// The role, user or group an inline policy or trust policy belongs to.
    pub owner: Option<String>,
    pub body: Body,
}

/// A document's content: parsed, or JSON text parsed only when needed (a build's files are
/// canonical JSON, so byte-identical files are unchanged without parsing them).
#[derive(Debug, Clone)]
pub enum Body {
    Policy(Arc<PolicyDocument>),
    Json(String),
}

impl SideDocument {
    /// The policy, canonicalized.
    pub fn policy(&self) -> Result<PolicyDocument, String> {
        let mut policy = match &self.body {
            Body::Policy(policy) => PolicyDocument::clone(policy),
            Body::Json(text) => crate::iam::read::policy_from_str(text)
                .map_err(|e| format!("{}: not an IAM policy document: {e}", self.file))?,
        };
        policy.canonicalize();
        Ok(policy)
    }
}

/// A role, user or group: what it attaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalInfo {
    /// `role`, `user` or `group`.
    pub kind: &'static str,
    pub name: String,
    pub boundary_arn: Option<String>,
    pub attached_policy_arns: Vec<String>,
    /// Users only: the groups they are in.
    pub groups: Vec<String>,
    /// Roles and users: their tags, which decide `aws:PrincipalTag/...` conditions.
    pub tags: BTreeMap<String, String>,
}

impl Side {
    /// The compiled project is consumed: its documents move into the side (copying 20,000 of
    /// them was a tenth of a large `diff`).
    pub fn from_compiled(compiled: Compiled) -> Side {
        let documents = compiled
            .documents
            .into_iter()
            .map(|d| SideDocument {
                kind: d.kind.as_str().to_string(),
                arn: d.owner.is_none().then_some(d.arn),
                owner: d.owner,
                name: d.name,
                file: d.file,
                body: Body::Policy(d.policy.into_shared()),
            })
            .collect();
        let mut principals = Vec::new();
        for role in &compiled.roles {
            principals.push(PrincipalInfo {
                kind: "role",
                name: role.name.clone(),
                boundary_arn: role.boundary_arn.clone(),
                attached_policy_arns: role.attached_policy_arns.clone(),
                groups: vec![],
                tags: (role.tags.iter())
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            });
        }
        for user in &compiled.users {
            principals.push(PrincipalInfo {
                kind: "user",
                name: user.name.clone(),
                boundary_arn: user.boundary_arn.clone(),
                attached_policy_arns: user.attached_policy_arns.clone(),
                groups: user.groups.clone(),
                tags: (user.tags.iter())
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            });
        }
        for group in &compiled.groups {
            principals.push(PrincipalInfo {
                kind: "group",
                name: group.name.clone(),
                boundary_arn: None,
                attached_policy_arns: group.attached_policy_arns.clone(),
                groups: vec![],
                tags: BTreeMap::new(),
            });
        }
        Side {
            documents,
            principals,
        }
    }

    /// Reads a build's `manifest.json`; `read` returns the text of a file named in it.
    pub fn from_manifest(
        manifest: &str,
        read: &mut dyn FnMut(&str) -> Result<String, String>,
    ) -> Result<Side, String> {
        let manifest = crate::emit::manifest::read(manifest)?;
        let mut side = Side::default();
        for document in manifest.documents {
            let body = Body::Json(read(&document.file)?);
            let owned = document.role.is_some()
                || document.user.is_some()
                || document.group.is_some()
                || matches!(
                    document.kind.as_str(),
                    "trust" | "role-inline" | "user-inline" | "group-inline"
                );
            side.documents.push(SideDocument {
                arn: (!owned).then_some(document.arn),
                owner: (document.role.as_ref().map(|r| r.name.clone()))
                    .or_else(|| document.user.clone())
                    .or_else(|| document.group.clone()),
                kind: document.kind,
                name: document.name,
                file: document.file,
                body,
            });
        }
        for role in manifest.roles {
            side.principals.push(PrincipalInfo {
                kind: "role",
                name: role.name,
                boundary_arn: role.boundary_arn,
                attached_policy_arns: role.attached_policy_arns,
                groups: Vec::new(),
                tags: role.tags,
            });
        }
        for user in manifest.users {
            side.principals.push(PrincipalInfo {
                kind: "user",
                name: user.name,
                boundary_arn: user.boundary_arn,
                attached_policy_arns: user.attached_policy_arns,
                groups: user.groups,
                tags: user.tags,
            });
        }
        for group in manifest.groups {
            side.principals.push(PrincipalInfo {
                kind: "group",
                name: group.name,
                boundary_arn: None,
                attached_policy_arns: group.attached_policy_arns,
                groups: Vec::new(),
                tags: BTreeMap::new(),
            });
        }
        Ok(side)
    }

    fn by_arn(&self, arn: &str) -> Option<&SideDocument> {
        self.documents
            .iter()
            .find(|d| d.arn.as_deref() == Some(arn))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Added,
    Removed,
    Changed,
    Unchanged,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Added => "added",
            Status::Removed => "removed",
            Status::Changed => "changed",
            Status::Unchanged => "unchanged",
        }
    }
}

/// Access that one side allows and the other does not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Access {
    pub added: Vec<AccessEntry>,
    pub removed: Vec<AccessEntry>,
    /// What the engine could not decide, each a sentence.
    pub undecided: Vec<String>,
}

impl Access {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.undecided.is_empty()
    }

    /// Added access, or something undecided that might be: what a CI gate fails on.
    pub fn may_widen(&self) -> bool {
        !self.added.is_empty() || !self.undecided.is_empty()
    }

    /// Added access, found and verified.
    pub fn widens(&self) -> bool {
        !self.added.is_empty()
    }
}

/// One group of requests: a part of one statement (its action pattern and resource pattern, or
/// principal for trust policies) that the other side does not allow, with a verified example.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessEntry {
    /// An old deny's requests that the new version neither denies nor allows: widened wherever
    /// another policy of the principal allows them (the example is one such request).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub no_longer_denied: bool,
    /// The action pattern, or `NotAction [..]` for a statement written with `NotAction`.
    pub actions: String,
    /// The resource pattern (`NotResource [..]` likewise); `*` when the statement has none.
    pub resources: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    /// The statement's condition as compact JSON, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// 1-based number of the statement (in the side that allows the access).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// Why the other side does not allow it, when that is a deny; or other context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<Example>,
}

/// A concrete request that one side allows and the other does not (checked by evaluation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Example {
    pub action: String,
    pub resource: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    /// In a document that names principals, a request that carries none: an anonymous caller
    /// (`"Principal": "*"` lets one in, `{"AWS": "*"}` does not).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub anonymous: bool,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub context: BTreeMap<String, Vec<String>>,
}

impl Example {
    fn from_request(request: &Request) -> Example {
        let mut context = BTreeMap::new();
        let mut principal = None;
        for (key, values) in request.context.iter() {
            if key == PRINCIPAL_KEY {
                // `Type value`, as the principal lists and entries show it.
                principal = values.first().map(|v| v.replacen(':', " ", 1));
            } else {
                context.insert(Catalog::get().spell_key(key), values.to_vec());
            }
        }
        Example {
            action: request.action.clone(),
            resource: request.resource.clone(),
            principal,
            anonymous: false,
            context,
        }
    }

    /// The request as it would be evaluated again (principal back in the context).
    pub fn to_request(&self) -> Request {
        let mut request = Request::new(&self.action, &self.resource);
        for (key, values) in &self.context {
            request.context.set(key, values.iter().cloned());
        }
        if let Some(principal) = &self.principal {
            request
                .context
                .set(PRINCIPAL_KEY, [principal.replacen(' ', ":", 1)]);
        }
        request
    }
}

impl std::fmt::Display for Example {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.principal {
            // Already `Type value` (`AWS arn:aws:iam::...`), as `from_request` made it.
            Some(principal) if self.resource == "*" => {
                write!(f, "{principal} calls {}", self.action)?
            }
            Some(principal) => write!(f, "{principal} calls {} on {}", self.action, self.resource)?,
            None if self.anonymous && self.resource == "*" => {
                write!(f, "an anonymous caller calls {}", self.action)?
            }
            None if self.anonymous => write!(
                f,
                "an anonymous caller calls {} on {}",
                self.action, self.resource
            )?,
            None => write!(f, "{} on {}", self.action, self.resource)?,
        }
        let mut first = true;
        for (key, values) in &self.context {
            f.write_str(if first { " with " } else { ", " })?;
            first = false;
            match values.as_slice() {
                [one] => write!(f, "{key}={one:?}")?,
                many => write!(f, "{key}={many:?}")?,
            }
        }
        Ok(())
    }
}

/// Principals named by a trust (or resource) policy's `Allow` statements, added and removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PrincipalChanges {
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocumentDiff {
    pub kind: String,
    pub name: String,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_file: Option<String>,
    /// Unified diff of the canonical JSON (empty when unchanged).
    pub text_diff: String,
    pub access: Access,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principals: Option<PrincipalChanges>,
}

/// A change of something a role, user or group attaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentChange {
    /// `boundary`, `attached-policy`, `group` or `tag` (`KEY=VALUE`).
    pub what: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl AttachmentChange {
    /// One line for people, each value passed through `quote` (plain text or Markdown code),
    /// with `arrow` between an old and a new value; `None` when nothing changed.
    pub fn describe(&self, quote: impl Fn(&str) -> String, arrow: &str) -> Option<String> {
        Some(match (&self.old, &self.new) {
            (Some(a), Some(b)) => format!("{}: {} {arrow} {}", self.what, quote(a), quote(b)),
            (None, Some(b)) => format!("{} added: {}", self.what, quote(b)),
            (Some(a), None) => format!("{} removed: {}", self.what, quote(a)),
            (None, None) => return None,
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PrincipalDiff {
    /// `role`, `user` or `group`.
    pub kind: &'static str,
    pub name: String,
    pub status: Status,
    pub changes: Vec<AttachmentChange>,
    pub access: Access,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Every matched document, in (kind, name) order; unchanged ones included.
    pub documents: Vec<DocumentDiff>,
    /// Roles, users and groups that were added, removed, or whose attachments changed.
    pub principals: Vec<PrincipalDiff>,
}

impl Report {
    /// How many documents have this status.
    pub fn documents_with(&self, status: Status) -> usize {
        self.documents.iter().filter(|d| d.status == status).count()
    }

    /// Whether any access was added or could not be decided.
    pub fn may_widen(&self) -> bool {
        self.documents.iter().any(|d| d.access.may_widen())
            || self.principals.iter().any(|p| p.access.may_widen())
    }

    /// Whether some access was added (found, with an example), not only undecided.
    pub fn widens(&self) -> bool {
        self.documents.iter().any(|d| d.access.widens())
            || self.principals.iter().any(|p| p.access.widens())
    }
}

/// How the text diff headers name the two sides (`a`/`b` like git by default).
#[derive(Debug, Clone)]
pub struct Labels {
    pub old: String,
    pub new: String,
}

impl Default for Labels {
    fn default() -> Self {
        Labels {
            old: "a".into(),
            new: "b".into(),
        }
    }
}

/// Compares two sides; documents are matched by (kind, name). Fails when a document's JSON
/// (read lazily from a build's output) is not a policy.
pub fn diff(old: &Side, new: &Side, labels: &Labels) -> Result<Report, String> {
    let jobs = pair_by_key(&old.documents, &new.documents, |d| (&d.kind, &d.name));
    let documents = crate::parallel::map(&jobs, |&(o, n)| compare_documents(o, n, labels))
        .into_iter()
        .collect::<Result<Vec<_>, String>>()?;
    // The documents that changed, for the principals whose effective access they change.
    let changed: Vec<(Option<&SideDocument>, Option<&SideDocument>)> = (jobs.iter())
        .zip(&documents)
        .filter(|(_, d)| d.status != Status::Unchanged)
        .map(|(pair, _)| *pair)
        .collect();
    let principals = compare_principals(old, new, &changed);
    Ok(Report {
        documents,
        principals,
    })
}

/// The items of two versions paired by key, in key order: a key's first item in OLD with its
/// first in NEW, its second with its second, and so on, `None` where one version has fewer.
/// Sorted on all cores rather than gathered in a B-tree, which took the 20,000 documents of a
/// side one at a time (~4% of a large `diff`, on one core).
fn pair_by_key<'a, T: Sync>(
    old: &'a [T],
    new: &'a [T],
    key: impl Fn(&'a T) -> (&'a str, &'a str),
) -> Vec<(Option<&'a T>, Option<&'a T>)> {
    // Most changes keep every document, in the order it was made: each key is then at the same
    // position in both versions, and its items pair by position, sorted once (half the keys).
    if old.len() == new.len() && old.iter().zip(new).all(|(o, n)| key(o) == key(n)) {
        let mut order: Vec<((&str, &str), usize)> = old
            .iter()
            .enumerate()
            .map(|(at, item)| (key(item), at))
            .collect();
        crate::parallel::sort_unstable(&mut order);
        return (order.into_iter())
            .map(|(_, at)| (Some(&old[at]), Some(&new[at])))
            .collect();
    }
    pair_by_sorting(old, new, key)
}

/// [`pair_by_key`] for any two versions: both versions' keys sorted together.
fn pair_by_sorting<'a, T: Sync>(
    old: &'a [T],
    new: &'a [T],
    key: impl Fn(&'a T) -> (&'a str, &'a str),
) -> Vec<(Option<&'a T>, Option<&'a T>)> {
    // Version and position make every entry distinct, so the unstable sort is deterministic,
    // and a key's items come in version order, each in its position's order.
    let mut entries: Vec<((&str, &str), bool, usize)> = (old.iter().map(|item| (item, false)))
        .chain(new.iter().map(|item| (item, true)))
        .enumerate()
        .map(|(at, (item, is_new))| (key(item), is_new, at))
        .collect();
    crate::parallel::sort_unstable(&mut entries);
    let item = |&(_, is_new, at): &(_, bool, usize)| match is_new {
        false => &old[at],
        true => &new[at - old.len()],
    };
    let mut pairs = Vec::with_capacity(old.len().max(new.len()));
    for group in entries.chunk_by(|a, b| a.0 == b.0) {
        let (olds, news) = group.split_at(group.partition_point(|(_, is_new, _)| !is_new));
        for i in 0..olds.len().max(news.len()) {
            pairs.push((olds.get(i).map(item), news.get(i).map(item)));
        }
    }
    pairs
}

/// Compares one document of OLD with its counterpart in NEW (either may be missing).
pub fn compare_documents(
    old: Option<&SideDocument>,
    new: Option<&SideDocument>,
    labels: &Labels,
) -> Result<DocumentDiff, String> {
    let either = new.or(old).expect("one side has the document");
    if let (Some(o), Some(n)) = (old, new) {
        // Equal bodies canonicalize to the same text: most documents of a large diff are
        // unchanged, and copying and writing each of them out was a third of `diff`.
        let same = match (&o.body, &n.body) {
            (Body::Json(a), Body::Json(b)) => a == b,
            (Body::Policy(a), Body::Policy(b)) => a == b,
            _ => false,
        };
        if same {
            return Ok(DocumentDiff {
                kind: either.kind.clone(),
                name: either.name.clone(),
                status: Status::Unchanged,
                old_file: Some(o.file.clone()),
                new_file: Some(n.file.clone()),
                text_diff: String::new(),
                access: Access::default(),
                principals: None,
            });
        }
    }
    let old_policy = old.map(SideDocument::policy).transpose()?;
    let new_policy = new.map(SideDocument::policy).transpose()?;
    let old_text = old_policy
        .as_ref()
        .map(PolicyDocument::to_canonical_json)
        .unwrap_or_default();
    let new_text = new_policy
        .as_ref()
        .map(PolicyDocument::to_canonical_json)
        .unwrap_or_default();
    let status = match (old, new) {
        (None, _) => Status::Added,
        (_, None) => Status::Removed,
        _ if old_text == new_text => Status::Unchanged,
        _ => Status::Changed,
    };
    let mut result = DocumentDiff {
        kind: either.kind.clone(),
        name: either.name.clone(),
        status,
        old_file: old.map(|d| d.file.clone()),
        new_file: new.map(|d| d.file.clone()),
        text_diff: String::new(),
        access: Access::default(),
        principals: None,
    };
    if status == Status::Unchanged {
        return Ok(result);
    }
    let old_header = match old {
        Some(d) => format!("{}/{}", labels.old, d.file),
        None => "/dev/null".to_string(),
    };
    let new_header = match new {
        Some(d) => format!("{}/{}", labels.new, d.file),
        None => "/dev/null".to_string(),
    };
    result.text_diff = similar::TextDiff::from_lines(&old_text, &new_text)
        .unified_diff()
        .context_radius(3)
        .header(&old_header, &new_header)
        .to_string();
    let has_principals = [&old_policy, &new_policy]
        .into_iter()
        .flatten()
        .flat_map(|p| &p.statements)
        .any(|s| s.principal.is_some() || s.not_principal.is_some());
    if has_principals {
        let old_set = named_principals(old_policy.as_ref());
        let new_set = named_principals(new_policy.as_ref());
        result.principals = Some(PrincipalChanges {
            added: new_set.difference(&old_set).cloned().collect(),
            removed: old_set.difference(&new_set).cloned().collect(),
        });
    }
    result.access = compare_access(old_policy.as_ref(), new_policy.as_ref());
    Ok(result)
}

#[cfg(test)]
mod tests {
    /// Key order, repeats paired by position, a missing side as `None`; and the same pairs
    /// for a list long enough to be sorted on all cores.
    #[test]
    fn pairs_follow_key_order_and_position() {
        let old = [("b", "1"), ("a", "1"), ("c", "1"), ("c", "2")];
        let new = [("c", "3"), ("a", "2"), ("d", "1")];
        let pairs = super::pair_by_key(&old, &new, |item| (item.0, ""));
        let shown: Vec<_> = pairs
            .iter()
            .map(|(o, n)| (o.map(|o| o.1), n.map(|n| n.1)))
            .collect();
        assert_eq!(
            shown,
            [
                (Some("1"), Some("2")),
                (Some("1"), None),
                (Some("1"), Some("3")),
                (Some("2"), None),
                (None, Some("1")),
            ]
        );
        let names: Vec<String> = (0..5_000)
            .map(|i| format!("n{}", (i * 7_919) % 5_000))
            .collect();
        let old: Vec<(&str, &str)> = names.iter().map(|n| ("role", n.as_str())).collect();
        let new: Vec<(&str, &str)> = old.iter().rev().skip(1).copied().collect();
        let pairs = super::pair_by_key(&old, &new, |item| *item);
        assert_eq!(pairs.len(), 5_000);
        assert!(pairs.windows(2).all(|w| w[0].0.unwrap() < w[1].0.unwrap()));
        let unpaired: Vec<_> = pairs.iter().filter(|(_, n)| n.is_none()).collect();
        assert_eq!(unpaired.len(), 1);
        assert_eq!(unpaired[0].0, old.last());
        assert!(pairs.iter().all(|(o, n)| n.is_none_or(|n| Some(n) == *o)));
    }

    use proptest::prelude::*;

    proptest! {
        /// Two versions with the same keys in the same order (repeats included) pair as the
        /// sort of both versions together pairs them.
        #[test]
        fn same_keys_in_the_same_order_pair_as_sorting_both(
            keys in prop::collection::vec((0..3u8, 0..6u8), 0..40),
        ) {
            let kinds = ["role-inline", "trust", "boundary"];
            let items: Vec<(String, String)> = (keys.iter())
                .map(|(kind, name)| (kinds[*kind as usize].to_string(), format!("n{name}")))
                .collect();
            fn key(item: &(String, String)) -> (&str, &str) {
                (item.0.as_str(), item.1.as_str())
            }
            // The new version's items are other values with the same keys.
            let new = items.clone();
            let fast = super::pair_by_key(&items, &new, key);
            let sorted = super::pair_by_sorting(&items, &new, key);
            // Which item of its version each side of each pair is.
            type Item = (String, String);
            let at = |item: Option<&Item>, list: &[Item]| {
                item.and_then(|item| list.iter().position(|x| std::ptr::eq(x, item)))
            };
            let positions = |pairs: Vec<(Option<&Item>, Option<&Item>)>| {
                pairs.into_iter().map(|(o, n)| (at(o, &items), at(n, &new))).collect::<Vec<_>>()
            };
            prop_assert_eq!(positions(fast), positions(sorted));
        }
    }
}
