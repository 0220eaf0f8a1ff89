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

pub mod markdown;

use crate::catalog::Catalog;
use crate::compile::lower::Compiled;
use crate::iam::policy::{Effect, PolicyDocument, Principal, Statement};
use crate::reason::{self, BoundaryFailure, Containment, Options, Request, UnknownReason};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

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
    pub body: Body,
}

/// A document's content: parsed, or JSON text parsed only when needed (a build's files are
/// canonical JSON, so byte-identical files are unchanged without parsing them).
#[derive(Debug, Clone)]
pub enum Body {
    Policy(PolicyDocument),
    Json(String),
}

impl SideDocument {
    /// The policy, canonicalized.
    pub fn policy(&self) -> Result<PolicyDocument, String> {
        let mut policy = match &self.body {
            Body::Policy(policy) => policy.clone(),
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
}

impl Side {
    pub fn from_compiled(compiled: &Compiled) -> Side {
        let documents = compiled
            .documents
            .iter()
            .map(|d| SideDocument {
                kind: d.kind.as_str().to_string(),
                name: d.name.clone(),
                file: d.file.clone(),
                arn: d.owner.is_none().then(|| d.arn.clone()),
                body: Body::Policy(d.policy.clone()),
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
            });
        }
        for user in &compiled.users {
            principals.push(PrincipalInfo {
                kind: "user",
                name: user.name.clone(),
                boundary_arn: user.boundary_arn.clone(),
                attached_policy_arns: user.attached_policy_arns.clone(),
                groups: user.groups.clone(),
            });
        }
        for group in &compiled.groups {
            principals.push(PrincipalInfo {
                kind: "group",
                name: group.name.clone(),
                boundary_arn: None,
                attached_policy_arns: group.attached_policy_arns.clone(),
                groups: vec![],
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
        let json: serde_json::Value =
            serde_json::from_str(manifest).map_err(|e| format!("manifest.json: {e}"))?;
        let text = |v: &serde_json::Value, field: &str| -> Option<String> {
            v.get(field).and_then(|f| f.as_str()).map(str::to_string)
        };
        let list = |v: &serde_json::Value, field: &str| -> Vec<String> {
            v.get(field)
                .and_then(|f| f.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let array = |field: &str| -> Vec<serde_json::Value> {
            json.get(field)
                .and_then(|f| f.as_array())
                .cloned()
                .unwrap_or_default()
        };
        let mut side = Side::default();
        for (n, document) in array("documents").iter().enumerate() {
            let (Some(kind), Some(name), Some(file)) = (
                text(document, "kind"),
                text(document, "name"),
                text(document, "file"),
            ) else {
                return Err(format!(
                    "manifest.json: document {n} needs `kind`, `name` and `file`"
                ));
            };
            let body = Body::Json(read(&file)?);
            let owned = document.get("role").is_some()
                || document.get("user").is_some()
                || document.get("group").is_some()
                || matches!(
                    kind.as_str(),
                    "trust" | "role-inline" | "user-inline" | "group-inline"
                );
            side.documents.push(SideDocument {
                arn: if owned { None } else { text(document, "arn") },
                kind,
                name,
                file,
                body,
            });
        }
        for (kind, field) in [("role", "roles"), ("user", "users"), ("group", "groups")] {
            for entry in array(field) {
                let Some(name) = text(&entry, "name") else {
                    return Err(format!("manifest.json: an entry of `{field}` has no name"));
                };
                side.principals.push(PrincipalInfo {
                    kind,
                    name,
                    boundary_arn: text(&entry, "boundary_arn"),
                    attached_policy_arns: list(&entry, "attached_policy_arns"),
                    groups: list(&entry, "groups"),
                });
            }
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
}

/// One group of requests: a part of one statement (its action pattern and resource pattern, or
/// principal for trust policies) that the other side does not allow, with a verified example.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessEntry {
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
                context.insert(key.to_string(), values.to_vec());
            }
        }
        Example {
            action: request.action.clone(),
            resource: request.resource.clone(),
            principal,
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
            Some(principal) if self.resource == "*" => write!(
                f,
                "{} calls {}",
                principal.replacen(':', " ", 1),
                self.action
            )?,
            Some(principal) => write!(
                f,
                "{} calls {} on {}",
                principal.replacen(':', " ", 1),
                self.action,
                self.resource
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
    /// `boundary`, `attached-policy` or `group`.
    pub what: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
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
    /// Whether any access was added or could not be decided.
    pub fn may_widen(&self) -> bool {
        self.documents.iter().any(|d| d.access.may_widen())
            || self.principals.iter().any(|p| p.access.may_widen())
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
    type Key<'a> = (&'a str, &'a str);
    let mut pairs: BTreeMap<Key<'_>, (Vec<&SideDocument>, Vec<&SideDocument>)> = BTreeMap::new();
    for d in &old.documents {
        pairs.entry((&d.kind, &d.name)).or_default().0.push(d);
    }
    for d in &new.documents {
        pairs.entry((&d.kind, &d.name)).or_default().1.push(d);
    }
    let mut jobs = Vec::new();
    for (olds, news) in pairs.into_values() {
        for i in 0..olds.len().max(news.len()) {
            jobs.push((olds.get(i).copied(), news.get(i).copied()));
        }
    }
    let documents = crate::parallel::map(&jobs, |&(o, n)| compare_documents(o, n, labels))
        .into_iter()
        .collect::<Result<Vec<_>, String>>()?;
    let principals = compare_principals(old, new);
    Ok(Report {
        documents,
        principals,
    })
}

/// Compares one document of OLD with its counterpart in NEW (either may be missing).
pub fn compare_documents(
    old: Option<&SideDocument>,
    new: Option<&SideDocument>,
    labels: &Labels,
) -> Result<DocumentDiff, String> {
    let either = new.or(old).expect("one side has the document");
    if let (Some(o), Some(n)) = (old, new) {
        if let (Body::Json(a), Body::Json(b)) = (&o.body, &n.body) {
            if a == b {
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

/// The access one policy allows and the other does not, both ways.
pub fn compare_access(old: Option<&PolicyDocument>, new: Option<&PolicyDocument>) -> Access {
    let encoded_old = old.map(encode_principals);
    let encoded_new = new.map(encode_principals);
    let mut access = Access::default();
    if let Some(new) = &encoded_new {
        let (entries, undecided) = delta(encoded_old.as_ref(), new, Direction::Added);
        access.added = entries;
        access.undecided.extend(undecided);
    }
    if let Some(old) = &encoded_old {
        let (entries, undecided) = delta(encoded_new.as_ref(), old, Direction::Removed);
        access.removed = entries;
        access.undecided.extend(undecided);
    }
    access
}

/// `Type value` for every principal an `Allow` statement names (`*` for `"Principal": "*"`).
fn named_principals(policy: Option<&PolicyDocument>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for s in policy.iter().flat_map(|p| &p.statements) {
        if s.effect != Effect::Allow {
            continue;
        }
        for (not, principal) in [(false, &s.principal), (true, &s.not_principal)] {
            let prefix = if not { "everyone except " } else { "" };
            match principal {
                Some(Principal::Any(_)) => {
                    out.insert(format!("{prefix}*"));
                }
                Some(Principal::Map(map)) => {
                    for (kind, values) in map {
                        for value in values {
                            out.insert(format!("{prefix}{kind} {value}"));
                        }
                    }
                }
                None => {}
            }
        }
    }
    out
}

/// `123456789012` as a principal means the account's root.
fn principal_value(kind: &str, value: &str) -> String {
    if kind == "AWS" && value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        format!("{kind}:arn:aws:iam::{value}:root")
    } else {
        format!("{kind}:{value}")
    }
}

/// Principals become a condition on [`PRINCIPAL_KEY`]; statements without resources get `*`.
fn encode_principals(policy: &PolicyDocument) -> PolicyDocument {
    let mut policy = policy.clone();
    for s in &mut policy.statements {
        for (operator, principal) in [
            ("StringLike", s.principal.take()),
            ("StringNotLike", s.not_principal.take()),
        ] {
            if let Some(Principal::Map(map)) = principal {
                let values = map
                    .iter()
                    .flat_map(|(k, vs)| vs.iter().map(move |v| principal_value(k, v)))
                    .collect();
                s.condition.insert(operator, PRINCIPAL_KEY, values);
            } else if let (Some(Principal::Any(_)), "StringNotLike") = (&principal, operator) {
                // `NotPrincipal: "*"` matches nobody: a value no principal has.
                s.condition
                    .insert(operator, PRINCIPAL_KEY, vec!["*".into()]);
            }
        }
        if s.resource.is_none() && s.not_resource.is_none() {
            s.resource = Some(vec!["*".into()]);
        }
    }
    policy
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// `target` is NEW, `base` is OLD.
    Added,
    /// `target` is OLD, `base` is NEW.
    Removed,
}

/// What `target` allows that `base` does not: entries grouped by statement part, and what
/// stayed undecided.
fn delta(
    base: Option<&PolicyDocument>,
    target: &PolicyDocument,
    direction: Direction,
) -> (Vec<AccessEntry>, Vec<String>) {
    let base_docs: Vec<PolicyDocument> = base.cloned().into_iter().collect();
    let denies: Vec<Statement> = target
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Deny)
        .cloned()
        .collect();
    let (side, other) = match direction {
        Direction::Added => ("new", "old"),
        Direction::Removed => ("old", "new"),
    };
    let mut entries = Vec::new();
    let mut undecided = Vec::new();
    for (index, statement) in target.statements.iter().enumerate() {
        if statement.effect != Effect::Allow {
            continue;
        }
        let check_with = |part: &Statement, extra: Option<Statement>| {
            let mut statements = vec![part.clone()];
            statements.extend(denies.iter().cloned());
            statements.extend(extra);
            let identity = [PolicyDocument::new(statements)];
            let known = known_actions(part);
            let known: Vec<&str> = known.iter().map(String::as_str).collect();
            reason::contained_with(
                &identity,
                &base_docs,
                Options {
                    known_actions: &known,
                },
            )
        };
        let check = |part: &Statement| check_with(part, None);
        let describe_unknown = |reasons: &[UnknownReason]| -> Vec<String> {
            reasons
                .iter()
                .map(|r| {
                    let number = if r.statement.stmt == 0 {
                        index + 1
                    } else {
                        // A deny of the target: find its number in the target document.
                        target
                            .statements
                            .iter()
                            .enumerate()
                            .filter(|(_, s)| s.effect == Effect::Deny)
                            .nth(r.statement.stmt - 1)
                            .map_or(index + 1, |(i, _)| i + 1)
                    };
                    format!("{side} statement {number}: {}", r.reason)
                })
                .collect()
        };
        let whole = check(statement);
        match &whole {
            Containment::Contained => continue,
            Containment::Unknown(reasons) => {
                undecided.extend(describe_unknown(reasons));
                continue;
            }
            Containment::Escapes { .. } => {}
        }
        let parts = split(statement);
        let mut found_any = false;
        for part in &parts {
            let result = if parts.len() == 1 {
                whole.clone()
            } else {
                check(part)
            };
            let (counterexamples, unknown) = match result {
                Containment::Contained => continue,
                Containment::Unknown(reasons) => {
                    undecided.extend(describe_unknown(&reasons));
                    continue;
                }
                Containment::Escapes {
                    counterexamples,
                    unknown,
                } => (counterexamples, unknown),
            };
            undecided.extend(describe_unknown(&unknown));
            let Some(first) = counterexamples.first() else {
                continue;
            };
            found_any = true;
            let denied_by = match &first.boundary {
                BoundaryFailure::NoAllow => vec![],
                BoundaryFailure::DeniedBy(refs) => refs.iter().map(|r| r.stmt).collect(),
            };
            if denied_by.is_empty() {
                entries.push(entry(part, index, None, tidy(&first.request, target, base)));
                continue;
            }
            // The part escapes because a deny of the other side does not apply on this side:
            // narrow the entry to each action pattern of those denies that still escapes.
            let deny_patterns: BTreeSet<&String> = denied_by
                .iter()
                .filter_map(|&i| base.and_then(|b| b.statements.get(i)))
                .flat_map(|s| s.action.iter().flatten())
                .collect();
            let mut narrowed = false;
            for pattern in deny_patterns {
                let mut only = Statement::new(Effect::Deny);
                only.not_action = Some(vec![pattern.clone()]);
                only.resource = Some(vec!["*".into()]);
                let Containment::Escapes {
                    counterexamples, ..
                } = check_with(part, Some(only))
                else {
                    continue;
                };
                let Some(found) = counterexamples.first() else {
                    continue;
                };
                narrowed = true;
                let mut narrower = part.clone();
                if action_included(pattern, part) {
                    narrower.action = Some(vec![pattern.clone()]);
                    narrower.not_action = None;
                }
                entries.push(entry(
                    &narrower,
                    index,
                    deny_note(&found.boundary, other, direction),
                    tidy(&found.request, target, base),
                ));
            }
            if !narrowed {
                entries.push(entry(
                    part,
                    index,
                    deny_note(&first.boundary, other, direction),
                    tidy(&first.request, target, base),
                ));
            }
        }
        if !found_any {
            // The parts are a cover of the statement, so this only happens when every part was
            // undecided; say so rather than lose the escape the whole statement showed.
            if let Containment::Escapes {
                counterexamples, ..
            } = &whole
            {
                if let Some(first) = counterexamples.first() {
                    entries.push(entry(
                        statement,
                        index,
                        None,
                        tidy(&first.request, target, base),
                    ));
                }
            }
        }
    }
    undecided.dedup();
    (entries, undecided)
}

/// The counterexample as an [`Example`]; for trust policies (principal in the context), the
/// resource `*` when that is just as much a difference, since the engine's witness resource
/// means nothing there.
fn tidy(request: &Request, target: &PolicyDocument, base: Option<&PolicyDocument>) -> Example {
    let example = Example::from_request(request);
    if example.principal.is_none() || example.resource == "*" {
        return example;
    }
    let mut star = request.clone();
    star.resource = "*".into();
    let allows = |docs: &[PolicyDocument]| {
        let evaluation = reason::evaluate(docs, None, &star);
        evaluation.decision == reason::Decision::Allow && evaluation.unmodelled.is_empty()
    };
    let base_docs: Vec<PolicyDocument> = base.cloned().into_iter().collect();
    if allows(std::slice::from_ref(target)) && !allows(&base_docs) {
        let evaluation = reason::evaluate(&base_docs, None, &star);
        if evaluation.unmodelled.is_empty() {
            return Example::from_request(&star);
        }
    }
    example
}

/// "no longer denied by old statement 2" / "now denied by new statement 2".
fn deny_note(failure: &BoundaryFailure, other: &str, direction: Direction) -> Option<String> {
    let BoundaryFailure::DeniedBy(refs) = failure else {
        return None;
    };
    let numbers: Vec<String> = refs
        .iter()
        .map(|r| {
            let sid = r
                .sid
                .as_deref()
                .map_or(String::new(), |s| format!(" ({s})"));
            format!("{}{sid}", r.stmt + 1)
        })
        .collect();
    let which = format!(
        "{other} statement{} {}",
        if numbers.len() == 1 { "" } else { "s" },
        numbers.join(", ")
    );
    Some(match direction {
        Direction::Added => format!("no longer denied by {which}"),
        Direction::Removed => format!("now denied by {which}"),
    })
}

/// Whether every action `pattern` matches is one the statement's actions match (decided by the
/// engine over two one-statement documents).
fn action_included(pattern: &str, statement: &Statement) -> bool {
    let mut inner = Statement::new(Effect::Allow);
    inner.action = Some(vec![pattern.to_string()]);
    inner.resource = Some(vec!["*".into()]);
    let mut outer = Statement::new(Effect::Allow);
    outer.action = statement.action.clone();
    outer.not_action = statement.not_action.clone();
    outer.resource = Some(vec!["*".into()]);
    reason::contained(
        &[PolicyDocument::new(vec![inner])],
        &[PolicyDocument::new(vec![outer])],
    ) == Containment::Contained
}

/// Catalog actions matching the statement's action patterns, to pick readable examples.
fn known_actions(statement: &Statement) -> Vec<String> {
    let Some(actions) = &statement.action else {
        return vec![];
    };
    let catalog = Catalog::get();
    let mut out = Vec::new();
    for pattern in actions {
        if !pattern.contains(['*', '?']) {
            // Spelled as the catalog spells it (the engine's witness is lowercase).
            out.push(
                catalog
                    .action(pattern)
                    .map_or(pattern.clone(), |a| a.full_name()),
            );
            continue;
        }
        out.extend(
            catalog
                .expand_actions(pattern)
                .iter()
                .take(200)
                .map(|a| a.full_name()),
        );
    }
    out
}

/// The statement split into one part per (action pattern, resource pattern) — or per principal
/// value for trust policies — as long as that stays under [`MAX_PARTS`].
fn split(statement: &Statement) -> Vec<Statement> {
    let actions: Vec<Option<String>> = match &statement.action {
        Some(list) if list.len() > 1 => list.iter().cloned().map(Some).collect(),
        _ => vec![None],
    };
    let resources: Vec<Option<String>> = match &statement.resource {
        Some(list) if list.len() > 1 => list.iter().cloned().map(Some).collect(),
        _ => vec![None],
    };
    let principals: Vec<Option<String>> = match statement.condition.0.get("StringLike") {
        Some(keys) => match keys.get(PRINCIPAL_KEY) {
            Some(values) if values.len() > 1 => values.iter().cloned().map(Some).collect(),
            _ => vec![None],
        },
        None => vec![None],
    };
    let (resources, principals) = if actions.len() * resources.len() * principals.len() <= MAX_PARTS
    {
        (resources, principals)
    } else if actions.len() * resources.len() <= MAX_PARTS {
        (resources, vec![None])
    } else if actions.len() <= MAX_PARTS {
        (vec![None], vec![None])
    } else {
        return vec![statement.clone()];
    };
    let mut parts = Vec::new();
    for action in &actions {
        for resource in &resources {
            for principal in &principals {
                let mut part = statement.clone();
                if let Some(action) = action {
                    part.action = Some(vec![action.clone()]);
                }
                if let Some(resource) = resource {
                    part.resource = Some(vec![resource.clone()]);
                }
                if let Some(principal) = principal {
                    part.condition.0.get_mut("StringLike").map(|keys| {
                        keys.insert(PRINCIPAL_KEY.to_string(), vec![principal.clone()])
                    });
                }
                parts.push(part);
            }
        }
    }
    parts
}

fn entry(part: &Statement, index: usize, note: Option<String>, example: Example) -> AccessEntry {
    let list = |not: &str, positive: &Option<Vec<String>>, negative: &Option<Vec<String>>| match (
        positive, negative,
    ) {
        (Some(list), _) => list.join(", "),
        (None, Some(list)) => format!("{not} [{}]", list.join(", ")),
        (None, None) => "*".to_string(),
    };
    let mut condition = part.condition.clone();
    let mut principal = None;
    for (operator, prefix) in [("StringLike", ""), ("StringNotLike", "everyone except ")] {
        if let Some(keys) = condition.0.get_mut(operator) {
            if let Some(values) = keys.remove(PRINCIPAL_KEY) {
                let values: Vec<String> = values.iter().map(|v| v.replacen(':', " ", 1)).collect();
                principal = Some(format!("{prefix}{}", values.join(", ")));
            }
            if keys.is_empty() {
                condition.0.remove(operator);
            }
        }
    }
    AccessEntry {
        actions: list("NotAction", &part.action, &part.not_action),
        resources: list("NotResource", &part.resource, &part.not_resource),
        principal,
        condition: (!condition.is_empty())
            .then(|| serde_json::to_string(&condition).expect("conditions serialize")),
        statement: Some(index + 1),
        sid: part.sid.clone(),
        note,
        example: Some(example),
    }
}

fn compare_principals(old: &Side, new: &Side) -> Vec<PrincipalDiff> {
    type Pair<'a> = (Option<&'a PrincipalInfo>, Option<&'a PrincipalInfo>);
    let mut keyed: BTreeMap<(&str, &str), Pair<'_>> = BTreeMap::new();
    for p in &old.principals {
        keyed.entry((p.kind, &p.name)).or_default().0 = Some(p);
    }
    for p in &new.principals {
        keyed.entry((p.kind, &p.name)).or_default().1 = Some(p);
    }
    let mut out = Vec::new();
    for ((kind, name), pair) in keyed {
        let (status, changes, access) = match pair {
            (None, Some(_)) => (Status::Added, vec![], Access::default()),
            (Some(_), None) => (Status::Removed, vec![], Access::default()),
            (Some(o), Some(n)) if o == n => continue,
            (Some(o), Some(n)) => {
                let (changes, access) = attachment_changes(o, n, old, new);
                if changes.is_empty() {
                    continue;
                }
                (Status::Changed, changes, access)
            }
            (None, None) => continue,
        };
        out.push(PrincipalDiff {
            kind,
            name: name.to_string(),
            status,
            changes,
            access,
        });
    }
    out
}

fn attachment_changes(
    o: &PrincipalInfo,
    n: &PrincipalInfo,
    old: &Side,
    new: &Side,
) -> (Vec<AttachmentChange>, Access) {
    let mut changes = Vec::new();
    let mut access = Access::default();
    let note_all = |entries: Vec<AccessEntry>, note: &str| -> Vec<AccessEntry> {
        entries
            .into_iter()
            .map(|mut e| {
                e.note = Some(match e.note {
                    Some(existing) => format!("{note}; {existing}"),
                    None => note.to_string(),
                });
                e
            })
            .collect()
    };
    if o.boundary_arn != n.boundary_arn {
        changes.push(AttachmentChange {
            what: "boundary",
            old: o.boundary_arn.clone(),
            new: n.boundary_arn.clone(),
        });
        match (&o.boundary_arn, &n.boundary_arn) {
            (Some(a), None) => access.added.push(whole_entry(format!(
                "the permissions boundary `{a}` was removed: only the {}'s own policies limit it now",
                n.kind
            ))),
            (None, Some(b)) => access.removed.push(whole_entry(format!(
                "the permissions boundary `{b}` now limits the {}",
                n.kind
            ))),
            (Some(a), Some(b)) => match (
                old.by_arn(a).and_then(|d| d.policy().ok()),
                new.by_arn(b).and_then(|d| d.policy().ok()),
            ) {
                (Some(a_doc), Some(b_doc)) => {
                    let compared =
                        compare_access(Some(&a_doc), Some(&b_doc));
                    let note = format!("boundary `{a}` replaced by `{b}`");
                    access.added.extend(note_all(compared.added, &note));
                    access.removed.extend(note_all(compared.removed, &note));
                    access.undecided.extend(compared.undecided);
                }
                _ => access.undecided.push(format!(
                    "the boundary changed from `{a}` to `{b}`, and {} not part of the compared projects",
                    if old.by_arn(a).is_none() && new.by_arn(b).is_none() {
                        "neither is"
                    } else if old.by_arn(a).is_none() {
                        "the old one is"
                    } else {
                        "the new one is"
                    }
                )),
            },
            (None, None) => {}
        }
    }
    let old_attached: BTreeSet<&String> = o.attached_policy_arns.iter().collect();
    let new_attached: BTreeSet<&String> = n.attached_policy_arns.iter().collect();
    for arn in new_attached.difference(&old_attached) {
        changes.push(AttachmentChange {
            what: "attached-policy",
            old: None,
            new: Some(arn.to_string()),
        });
        match new.by_arn(arn).and_then(|d| d.policy().ok()) {
            Some(doc) => {
                let compared = compare_access(None, Some(&doc));
                let note = format!("policy `{arn}` newly attached");
                access.added.extend(note_all(compared.added, &note));
                access.undecided.extend(compared.undecided);
            }
            None => access.added.push(whole_entry(format!(
                "policy `{arn}` newly attached (not part of the project: its access is not known)"
            ))),
        }
    }
    for arn in old_attached.difference(&new_attached) {
        changes.push(AttachmentChange {
            what: "attached-policy",
            old: Some(arn.to_string()),
            new: None,
        });
        access
            .removed
            .push(whole_entry(format!("policy `{arn}` detached")));
    }
    let old_groups: BTreeSet<&String> = o.groups.iter().collect();
    let new_groups: BTreeSet<&String> = n.groups.iter().collect();
    for group in new_groups.difference(&old_groups) {
        changes.push(AttachmentChange {
            what: "group",
            old: None,
            new: Some(group.to_string()),
        });
        access
            .added
            .push(whole_entry(format!("now a member of group `{group}`")));
    }
    for group in old_groups.difference(&new_groups) {
        changes.push(AttachmentChange {
            what: "group",
            old: Some(group.to_string()),
            new: None,
        });
        access.removed.push(whole_entry(format!(
            "no longer a member of group `{group}`"
        )));
    }
    (changes, access)
}

/// An entry for a change of attachment whose access is not enumerated.
fn whole_entry(note: String) -> AccessEntry {
    AccessEntry {
        actions: "*".into(),
        resources: "*".into(),
        principal: None,
        condition: None,
        statement: None,
        sid: None,
        note: Some(note),
        example: None,
    }
}

// ---- rendering ----------------------------------------------------------------------------

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

struct Painter(bool);

impl Painter {
    fn paint(&self, style: &str, text: &str) -> String {
        if self.0 && !text.is_empty() {
            format!("{style}{text}{RESET}")
        } else {
            text.to_string()
        }
    }
}

/// The report for people: changed documents with their diffs and access summaries, then role,
/// user and group changes, then a one-line summary. Unchanged documents are left out.
pub fn render_text(report: &Report, color: bool) -> String {
    let p = Painter(color);
    let mut out = String::new();
    for d in &report.documents {
        if d.status == Status::Unchanged {
            continue;
        }
        let file = d.new_file.as_ref().or(d.old_file.as_ref()).expect("a file");
        let renamed = match (&d.old_file, &d.new_file) {
            (Some(a), Some(b)) if a != b => format!(" (was {a})"),
            _ => String::new(),
        };
        out.push_str(&p.paint(
            BOLD,
            &format!(
                "{} {} {} ({file}){renamed}",
                d.status.as_str(),
                d.kind,
                d.name
            ),
        ));
        out.push('\n');
        for line in d.text_diff.lines() {
            let style = if line.starts_with("+++") || line.starts_with("---") {
                BOLD
            } else if line.starts_with("@@") {
                CYAN
            } else if line.starts_with('+') {
                GREEN
            } else if line.starts_with('-') {
                RED
            } else {
                ""
            };
            out.push_str(&if style.is_empty() {
                line.to_string()
            } else {
                p.paint(style, line)
            });
            out.push('\n');
        }
        if let Some(principals) = &d.principals {
            for added in &principals.added {
                out.push_str(&p.paint(GREEN, &format!("principal added: {added}")));
                out.push('\n');
            }
            for removed in &principals.removed {
                out.push_str(&p.paint(RED, &format!("principal removed: {removed}")));
                out.push('\n');
            }
        }
        render_access(&mut out, &d.access, &p);
        out.push('\n');
    }
    for principal in &report.principals {
        out.push_str(&p.paint(
            BOLD,
            &format!(
                "{} {} {}",
                principal.status.as_str(),
                principal.kind,
                principal.name
            ),
        ));
        out.push('\n');
        for change in &principal.changes {
            let line = match (&change.old, &change.new) {
                (Some(a), Some(b)) => format!("  {}: {a} -> {b}", change.what),
                (None, Some(b)) => format!("  {} added: {b}", change.what),
                (Some(a), None) => format!("  {} removed: {a}", change.what),
                (None, None) => continue,
            };
            out.push_str(&line);
            out.push('\n');
        }
        if principal.status == Status::Changed {
            render_access(&mut out, &principal.access, &p);
        }
        out.push('\n');
    }
    let count = |status: Status| {
        report
            .documents
            .iter()
            .filter(|d| d.status == status)
            .count()
    };
    let widened = report
        .documents
        .iter()
        .filter(|d| !d.access.added.is_empty())
        .count()
        + report
            .principals
            .iter()
            .filter(|p| !p.access.added.is_empty())
            .count();
    let undecided = report
        .documents
        .iter()
        .filter(|d| !d.access.undecided.is_empty())
        .count()
        + report
            .principals
            .iter()
            .filter(|p| !p.access.undecided.is_empty())
            .count();
    let mut summary = format!(
        "{} documents: {} changed, {} added, {} removed, {} unchanged",
        report.documents.len(),
        count(Status::Changed),
        count(Status::Added),
        count(Status::Removed),
        count(Status::Unchanged)
    );
    if !report.principals.is_empty() {
        summary.push_str(&format!(
            "; {} roles, users or groups changed",
            report.principals.len()
        ));
    }
    summary.push_str(&match (widened, undecided) {
        (0, 0) => "; access widened nowhere".to_string(),
        (w, 0) => format!("; access widened in {w}"),
        (w, u) => format!("; access widened in {w}, undecided in {u}"),
    });
    out.push_str(&summary);
    out.push('\n');
    out
}

fn render_access(out: &mut String, access: &Access, p: &Painter) {
    if access.is_empty() {
        out.push_str("no change in access\n");
        return;
    }
    for (title, sign, style, entries) in [
        ("access added:", '+', GREEN, &access.added),
        ("access removed:", '-', RED, &access.removed),
    ] {
        if entries.is_empty() {
            continue;
        }
        out.push_str(title);
        out.push('\n');
        for e in entries.iter() {
            let mut line = format!("  {sign} ");
            if e.example.is_some() || e.statement.is_some() {
                if let Some(principal) = &e.principal {
                    line.push_str(&format!("{principal}: "));
                }
                if e.principal.is_some() && e.resources == "*" {
                    line.push_str(&e.actions);
                } else {
                    line.push_str(&format!("{} on {}", e.actions, e.resources));
                }
                if let Some(condition) = &e.condition {
                    line.push_str(&format!(" when {condition}"));
                }
            } else if let Some(note) = &e.note {
                line.push_str(note);
            }
            out.push_str(&p.paint(style, &line));
            let mut detail = Vec::new();
            if let Some(n) = e.statement {
                let sid = e
                    .sid
                    .as_deref()
                    .map_or(String::new(), |s| format!(" ({s})"));
                detail.push(format!("statement {n}{sid}"));
            }
            if e.example.is_some() || e.statement.is_some() {
                if let Some(note) = &e.note {
                    detail.push(note.clone());
                }
            }
            if !detail.is_empty() {
                out.push_str(&format!("  [{}]", detail.join("; ")));
            }
            out.push('\n');
            if let Some(example) = &e.example {
                out.push_str(&format!("      example: {example}\n"));
            }
        }
    }
    if !access.undecided.is_empty() {
        out.push_str(&p.paint(YELLOW, "access may have changed (undecided):"));
        out.push('\n');
        for reason in &access.undecided {
            out.push_str(&format!("  ? {reason}\n"));
        }
    }
}

/// The report as JSON (pretty, trailing newline); see `docs/diff.md` for the schema.
pub fn render_json(report: &Report) -> String {
    #[derive(Serialize)]
    struct Out<'a> {
        access_widened: bool,
        documents: &'a [DocumentDiff],
        principals: &'a [PrincipalDiff],
    }
    let mut text = serde_json::to_string_pretty(&Out {
        access_widened: report.may_widen(),
        documents: &report.documents,
        principals: &report.principals,
    })
    .expect("the report serializes");
    text.push('\n');
    text
}
