//! IAM's limits, respected by construction.
//!
//! In: a lowered [`Compiled`] project. Out: the same project with every document that is over a
//! size quota IAM lets us work around split into managed policies, plus errors for what cannot be
//! made to fit:
//! - a managed or delegation policy over 6,144 characters becomes `<name>-1`, `<name>-2`, ...,
//!   attached wherever the original was;
//! - inline policies over their owner's quota (a role's 10,240 characters in total, a user's
//!   2,048, a group's 5,120) become managed policies `<owner>-1`, `<owner>-2`, ... attached to it,
//!   at the owner's path when `CreatePolicy` accepts it as a policy's, else at `/`;
//! - statements are packed in order, each part filled as far as it goes, so the parts depend
//!   only on the input and re-builds give the same names and documents;
//! - errors: a statement over 6,144 characters on its own (E0402); more than 10 managed
//!   policies on one role, user or group, counting what it attaches itself, or a user in more
//!   than 10 groups (E0403); a part name already taken by another policy (E0101). (Duplicate
//!   Sids are caught earlier, by `resolve`.)
//!
//! Boundaries and trust policies cannot be split (an entity has one of each): their quotas are
//! checked with the other document lints (E0401).

use crate::compile::ir::Origin;
use crate::compile::output::{Compiled, Document, DocumentKind, DocumentPolicy, Split};
use crate::diagnostics::thousands;
use crate::diagnostics::{Code, Diagnostic};
use crate::iam::policy::{PolicyDocument, Statement};
use crate::iam::quota::{self, QuotaKind};
use crate::source::Sources;
use std::collections::{BTreeMap, BTreeSet};

/// IAM's quota for one managed policy document (characters, white space not counted).
const MANAGED_POLICY_QUOTA: usize = QuotaKind::ManagedPolicy.limit();
const ATTACHED_POLICIES_QUOTA: usize = quota::ATTACHED_POLICIES;
const GROUPS_PER_USER_QUOTA: usize = quota::GROUPS_PER_USER;

/// Splits what is too large and checks what cannot be split; see the module documentation.
/// `sizes`: each document's [`PolicyDocument::quota_size`], by index, measured with its lints
/// (`compile::checks::measured_lints`: measuring is serializing, done once); left in
/// `compiled.quota_sizes`, for the documents after any split.
pub fn apply(compiled: &mut Compiled, sources: &Sources, sizes: Vec<usize>) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    debug_assert_eq!(sizes.len(), compiled.documents.len());
    // Total inline size per (kind, owner): the quota counts all of an owner's inline policies.
    // Borrowed names in a hash map (one entry per role at 10,000 roles); copied out only to split.
    let mut inline_size: foldhash::HashMap<(DocumentKind, &str), usize> = Default::default();
    for (document, size) in compiled.documents.iter().zip(&sizes) {
        if let (true, Some(owner)) = (is_inline(document.kind), &document.owner) {
            *inline_size.entry((document.kind, owner)).or_default() += size;
        }
    }
    let over_quota = (compiled.documents.iter().zip(&sizes))
        .any(|(d, &size)| d.kind.is_managed() && divides(d.kind, size))
        || (inline_size.iter()).any(|(&(kind, _), &total)| divides(kind, total));
    // Most projects have nothing to split: the documents then stay where they are, not moved
    // into a second list (at 10,000 roles that copy was the compiler's peak of memory).
    let out_sizes = if over_quota {
        let inline_size: BTreeMap<(DocumentKind, String), usize> = (inline_size.into_iter())
            .map(|((kind, owner), total)| ((kind, owner.to_string()), total))
            .collect();
        split_over_quota(compiled, sources, sizes, &inline_size, &mut diagnostics)
    } else {
        sizes
    };
    attached_policies_quota(compiled, sources, &mut diagnostics);
    groups_per_user_quota(compiled, sources, &mut diagnostics);
    // Every test build checks that the sizes stayed in step with the documents.
    debug_assert!(
        out_sizes.len() == compiled.documents.len()
            && (compiled.documents.iter())
                .zip(&out_sizes)
                .all(|(d, &size)| {
                    d.dropped_size.unwrap_or_else(|| d.policy.quota_size()) == size
                })
    );
    compiled.quota_sizes = out_sizes;
    diagnostics
}

/// Whether [`apply`] divides a document of `kind` whose quota size is `size` (for inline
/// policies, the total of their owner's): a managed or delegation policy over the managed
/// policy quota, inline policies over their owner's quota. Boundaries and trust policies are
/// never divided (an entity has one of each).
/// A delegation policy denies edits of itself by its ARN, which no policy has once it is split
/// into `<name>-1`, `<name>-2`, ...: the deny is made to name its parts, `<arn>-*`, before the
/// split measures it (how many parts there will be is not known yet; verify protects each).
fn protect_parts(statements: &mut [(Statement, Origin)], arn: &str) {
    let parts = delegation_parts_pattern(arn);
    for (statement, _) in statements.iter_mut() {
        if statement.effect != crate::iam::policy::Effect::Deny {
            continue;
        }
        for resource in (statement.resource.iter_mut()).flatten() {
            if resource.eq_ignore_ascii_case(arn) {
                *resource = parts.clone();
            }
        }
    }
}

/// The resource pattern of the parts a delegation policy of `arn` is split into.
fn delegation_parts_pattern(arn: &str) -> String {
    format!("{arn}-*")
}

pub(crate) fn divides(kind: DocumentKind, size: usize) -> bool {
    match kind {
        DocumentKind::Boundary | DocumentKind::Trust => false,
        DocumentKind::ManagedPolicy | DocumentKind::Delegation => size > MANAGED_POLICY_QUOTA,
        DocumentKind::RoleInline | DocumentKind::UserInline | DocumentKind::GroupInline => {
            size > kind.quota()
        }
    }
}

/// Splits every document over its quota (see the module documentation), rewrites the
/// attachments of their owners, and gives back the sizes of the new list of documents.
fn split_over_quota(
    compiled: &mut Compiled,
    sources: &Sources,
    sizes: Vec<usize>,
    inline_size: &BTreeMap<(DocumentKind, String), usize>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<usize> {
    let mut taken: BTreeSet<String> = compiled
        .documents
        .iter()
        .filter(|d| d.kind.is_managed())
        .map(|d| d.name.to_lowercase())
        .collect();

    let documents = std::mem::take(&mut compiled.documents);
    let mut out = Vec::with_capacity(documents.len());
    let mut out_sizes = Vec::with_capacity(documents.len());
    // Original ARN → the ARNs of its parts.
    let mut replaced: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // (kind, owner) → the parts its inline policies became, and the files that are gone.
    let mut from_inline: BTreeMap<(DocumentKind, String), Vec<String>> = BTreeMap::new();
    let mut gone_files: BTreeSet<String> = BTreeSet::new();
    // Inline documents of an owner that is split, gathered until its last one.
    let mut pending: BTreeMap<(DocumentKind, String), Vec<(Document, usize)>> = BTreeMap::new();
    // Inline documents per (kind, owner), to know when an owner's last one has been gathered.
    let mut inline_counts: BTreeMap<(DocumentKind, String), usize> = BTreeMap::new();
    for document in &documents {
        if let (true, Some(owner)) = (is_inline(document.kind), &document.owner) {
            *inline_counts
                .entry((document.kind, owner.clone()))
                .or_default() += 1;
        }
    }

    // Documents move from the old list to the new one; only split ones are rebuilt.
    for (document, size) in documents.into_iter().zip(sizes) {
        if document.kind.is_managed() {
            if !divides(document.kind, size) {
                out.push(document);
                out_sizes.push(size);
                continue;
            }
            let mut statements: Vec<(Statement, Origin)> = document
                .policy
                .statements
                .iter()
                .cloned()
                .zip(document.origins.iter().cloned())
                .collect();
            if document.kind == DocumentKind::Delegation {
                protect_parts(&mut statements, &document.arn);
            }
            let description = document.description.clone();
            match split(
                compiled,
                sources,
                &document,
                &document.name,
                &statements,
                size,
                document.kind,
                &mut taken,
                diagnostics,
                |part, parts| {
                    description
                        .as_ref()
                        .map(|d| format!("{d} (part {part} of {parts})"))
                        .filter(|d| d.chars().count() <= 1000)
                        .or_else(|| description.clone())
                },
                |name| sibling_file(&document.file, name),
            ) {
                Some(parts) => {
                    replaced.insert(
                        document.arn.clone(),
                        parts.iter().map(|p| p.arn.clone()).collect(),
                    );
                    out_sizes.extend(parts.iter().map(|p| p.policy.quota_size()));
                    out.extend(parts);
                }
                None => {
                    out.push(document);
                    out_sizes.push(size);
                }
            }
            continue;
        }
        let Some(owner) = document.owner.clone().filter(|_| is_inline(document.kind)) else {
            out.push(document);
            out_sizes.push(size);
            continue;
        };
        let key = (document.kind, owner.clone());
        let total = inline_size[&key];
        if !divides(document.kind, total) {
            out.push(document);
            out_sizes.push(size);
            continue;
        }
        let gathered = pending.entry(key.clone()).or_default();
        gathered.push((document, size));
        if gathered.len() < inline_counts[&key] {
            continue;
        }
        let gathered = pending.remove(&key).unwrap_or_default();
        let document = &gathered.last().expect("the document just gathered").0;
        let statements: Vec<(Statement, Origin)> = gathered
            .iter()
            .flat_map(|(d, _)| {
                d.policy
                    .statements
                    .iter()
                    .cloned()
                    .zip(d.origins.iter().cloned())
            })
            .collect();
        let what = owner_word(document.kind);
        let folder = document
            .file
            .split('/')
            .next()
            .unwrap_or("policies")
            .to_string();
        let split_result = split(
            compiled,
            sources,
            document,
            &owner,
            &statements,
            total,
            document.kind,
            &mut taken,
            diagnostics,
            |part, parts| {
                Some(format!(
                    "Inline policies of {what} {owner}, part {part} of {parts} (split by iamx to fit IAM's quotas)"
                ))
            },
            |name| format!("{folder}/{owner}/{name}.json"),
        );
        match split_result {
            Some(parts) => {
                gone_files.extend(gathered.iter().map(|(d, _)| d.file.clone()));
                from_inline.insert(key, parts.iter().map(|p| p.arn.clone()).collect());
                out_sizes.extend(parts.iter().map(|p| p.policy.quota_size()));
                out.extend(parts);
            }
            None => {
                for (document, size) in gathered {
                    out.push(document);
                    out_sizes.push(size);
                }
            }
        }
    }
    compiled.documents = out;

    let attachments = |arns: &mut Vec<String>, kind: DocumentKind, owner: &str| {
        let mut updated = Vec::with_capacity(arns.len());
        for arn in arns.iter() {
            match replaced.get(arn) {
                Some(parts) => updated.extend(parts.iter().cloned()),
                None => updated.push(arn.clone()),
            }
        }
        if let Some(parts) = from_inline.get(&(kind, owner.to_string())) {
            updated.extend(parts.iter().cloned());
        }
        *arns = updated;
    };
    for role in &mut compiled.roles {
        attachments(
            &mut role.attached_policy_arns,
            DocumentKind::RoleInline,
            &role.name,
        );
        role.inline_files.retain(|f| !gone_files.contains(f));
    }
    for user in &mut compiled.users {
        attachments(
            &mut user.attached_policy_arns,
            DocumentKind::UserInline,
            &user.name,
        );
        user.inline_files.retain(|f| !gone_files.contains(f));
    }
    for group in &mut compiled.groups {
        attachments(
            &mut group.attached_policy_arns,
            DocumentKind::GroupInline,
            &group.name,
        );
        group.inline_files.retain(|f| !gone_files.contains(f));
    }
    out_sizes
}

/// E0403: more managed policies on a role, user or group than IAM attaches, counting the parts
/// of split documents.
fn attached_policies_quota(
    compiled: &Compiled,
    sources: &Sources,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let entities = compiled
        .roles
        .iter()
        .map(|r| ("role", &r.name, &r.attached_policy_arns, r.span))
        .chain(
            compiled
                .users
                .iter()
                .map(|u| ("user", &u.name, &u.attached_policy_arns, u.span)),
        )
        .chain(
            compiled
                .groups
                .iter()
                .map(|g| ("group", &g.name, &g.attached_policy_arns, g.span)),
        );
    for (what, name, arns, span) in entities {
        if arns.len() <= ATTACHED_POLICIES_QUOTA {
            continue;
        }
        let mut diagnostic = Diagnostic::new(
            Code::TooManyPolicies,
            format!(
                "{what} `{name}` would have {} managed policies attached, over IAM's quota of {ATTACHED_POLICIES_QUOTA}",
                arns.len()
            ),
        )
        .at(sources.first_line(span), "too many managed policies");
        for split in &compiled.splits {
            let attached = split
                .parts
                .iter()
                .any(|part| arns.iter().any(|arn| arn.ends_with(&format!("/{part}"))));
            if attached {
                diagnostic = diagnostic.with_note(format!(
                    "{} ({} characters, over the quota of {}) was split into {} managed policies",
                    title(split.kind, &split.name),
                    thousands(split.size),
                    thousands(split.quota),
                    split.parts.len()
                ));
            }
        }
        diagnostics.push(diagnostic.with_help(
            "merge policies, move statements into fewer documents, or ask AWS for a higher quota of attached policies",
        ));
    }
}

/// E0403: a user in more groups than IAM lets one user be a member of (10, not adjustable).
/// A group named twice is one membership.
fn groups_per_user_quota(
    compiled: &Compiled,
    sources: &Sources,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for user in &compiled.users {
        let groups: BTreeSet<&str> = user.groups.iter().map(String::as_str).collect();
        if groups.len() <= GROUPS_PER_USER_QUOTA {
            continue;
        }
        let at = (user.groups_span).unwrap_or_else(|| sources.first_line(user.span));
        diagnostics.push(
            Diagnostic::new(
                Code::TooManyPolicies,
                format!(
                    "user `{}` would be in {} groups, over IAM's quota of {GROUPS_PER_USER_QUOTA} groups a user can be a member of",
                    user.name,
                    groups.len()
                ),
            )
            .at(at, format!("{} groups", groups.len()))
            .with_note("the quota \"Groups an IAM user can be a member of\" is 10 and cannot be raised")
            .with_help("merge groups, or attach the policies of some groups to the user directly"),
        );
    }
}

fn is_inline(kind: DocumentKind) -> bool {
    matches!(
        kind,
        DocumentKind::RoleInline | DocumentKind::UserInline | DocumentKind::GroupInline
    )
}

/// How messages name a split document: "the inline policies of role `x`", "managed policy `y`".
fn title(kind: DocumentKind, name: &str) -> String {
    if is_inline(kind) {
        format!("the inline policies of {} `{name}`", owner_word(kind))
    } else {
        format!("{} `{name}`", kind.words())
    }
}

fn owner_word(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::UserInline => "user",
        DocumentKind::GroupInline => "group",
        _ => "role",
    }
}

/// The path of the managed policies a document is split into: the document's own (a policy's
/// or boundary's, already held to `CreatePolicy`'s rule; an inline policy's owner's) when
/// `CreatePolicy` accepts it, else `/`. A role's, user's or group's path may hold any printable
/// ASCII (`/r$x/`), which `CreatePolicy` refuses; the parts' path only files them, so `/`
/// loses nothing the owner's path expresses. Every ARN of a part is formed from this one path.
fn part_path(path: &str) -> String {
    match crate::iam::names::is_valid_policy_path(path) {
        true => path.to_string(),
        false => "/".to_string(),
    }
}

/// `boundaries/x.json` with `name` → `boundaries/name.json`.
fn sibling_file(file: &str, name: &str) -> String {
    match file.rsplit_once('/') {
        Some((folder, _)) => format!("{folder}/{name}.json"),
        None => format!("{name}.json"),
    }
}

/// Packs `statements` into parts of at most `quota` characters, in order; the error is the
/// index of a statement that does not fit even alone.
pub fn pack(statements: &[Statement], quota: usize) -> Result<Vec<std::ops::Range<usize>>, usize> {
    // Compact JSON: `{"Version":"2012-10-17","Statement":[S1,S2,...]}`.
    let base = PolicyDocument::new(Vec::new()).quota_size();
    let mut parts = Vec::new();
    let mut start = 0;
    let mut size = base;
    for (i, statement) in statements.iter().enumerate() {
        let own = serde_json::to_string(statement)
            .expect("statements always serialize")
            .chars()
            .count();
        if base + own > quota {
            return Err(i);
        }
        let comma = usize::from(i > start);
        if size + comma + own > quota {
            parts.push(start..i);
            start = i;
            size = base + own;
        } else {
            size += comma + own;
        }
    }
    if start < statements.len() {
        parts.push(start..statements.len());
    }
    Ok(parts)
}

/// `statement` as it is when it fits in a managed policy of `quota` characters on its own;
/// otherwise divided into statements over consecutive runs of its `Action` list (or, when that
/// is a single entry, its `Resource` list) that each fit. `NotAction`/`NotResource` lists are
/// never divided (their union is not the statement), and a statement that still does not fit
/// is returned whole for `pack` to report. Parts keep the Sid with a number appended, so Sids
/// stay alphanumeric; `sids` are the document's other Sids, which the parts' must not repeat
/// (`Read` divided next to a `Read2` of the user's becomes `ReadPart1`, `ReadPart2`, ...).
pub(crate) fn divide_statement(
    statement: &Statement,
    quota: usize,
    sids: &[&str],
) -> Vec<Statement> {
    if PolicyDocument::new(vec![statement.clone()]).quota_size() <= quota {
        return vec![statement.clone()];
    }
    let stem = statement.sid.as_deref().map(|sid| part_sid_stem(sid, sids));
    // Room for the number appended to the Sid of each part, and for the stem's own suffix.
    let suffix = match (&stem, &statement.sid) {
        (Some(stem), Some(sid)) => stem.len() - sid.len(),
        _ => 0,
    };
    let budget = quota.saturating_sub(4 + suffix);
    let fits = |s: &Statement| PolicyDocument::new(vec![s.clone()]).quota_size() <= budget;
    let by_actions = statement.action.as_ref().is_some_and(|a| a.len() > 1);
    let by_resources = !by_actions && statement.resource.as_ref().is_some_and(|r| r.len() > 1);
    if !by_actions && !by_resources {
        return vec![statement.clone()];
    }
    let list = if by_actions {
        statement.action.clone()
    } else {
        statement.resource.clone()
    }
    .unwrap_or_default();
    let with = |items: Vec<String>| {
        let mut part = statement.clone();
        if by_actions {
            part.action = Some(items);
        } else {
            part.resource = Some(items);
        }
        part
    };
    let mut parts: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for item in list {
        current.push(item);
        if current.len() > 1 && !fits(&with(current.clone())) {
            let item = current.pop().expect("just pushed");
            parts.push(std::mem::replace(&mut current, vec![item]));
        }
    }
    parts.push(current);
    if parts.iter().any(|p| !fits(&with(p.clone()))) {
        return vec![statement.clone()];
    }
    parts
        .into_iter()
        .enumerate()
        .map(|(i, items)| {
            let mut part = with(items);
            part.sid = stem.as_ref().map(|stem| format!("{stem}{}", i + 1));
            part
        })
        .collect()
}

/// The stem the parts of a divided statement with Sid `sid` number from: `sid` itself unless
/// one of `sids` is it followed by digits, else `sidPart`, `sidPart2x`, ... likewise.
fn part_sid_stem(sid: &str, sids: &[&str]) -> String {
    let numbered = |stem: &str| {
        sids.iter().any(|other| {
            other
                .strip_prefix(stem)
                .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
        })
    };
    (0..)
        .map(|attempt| match attempt {
            0 => sid.to_string(),
            1 => format!("{sid}Part"),
            n => format!("{sid}Part{n}x"),
        })
        .find(|stem| !numbered(stem))
        .expect("some stem is free")
}

/// Splits one document (or one owner's inline documents) into managed policies named
/// `<base>-1`, ...; `None` after reporting why it cannot be done.
#[allow(clippy::too_many_arguments)]
fn split(
    compiled: &mut Compiled,
    sources: &Sources,
    document: &Document,
    base: &str,
    statements: &[(Statement, Origin)],
    size: usize,
    kind: DocumentKind,
    taken: &mut BTreeSet<String>,
    diagnostics: &mut Vec<Diagnostic>,
    description: impl Fn(usize, usize) -> Option<String>,
    file: impl Fn(&str) -> String,
) -> Option<Vec<Document>> {
    let quota = if kind.is_managed() {
        MANAGED_POLICY_QUOTA
    } else {
        kind.quota()
    };
    let title = title(kind, base);
    // A statement too large for any part is split by its action (or resource) list first: a
    // statement over `A ∪ B` allows (or denies) exactly what one over `A` and one over `B` do.
    let sids: Vec<&str> = (statements.iter())
        .filter_map(|(s, _)| s.sid.as_deref())
        .collect();
    let statements: Vec<(Statement, Origin)> = statements
        .iter()
        .flat_map(|(statement, origin)| {
            divide_statement(statement, MANAGED_POLICY_QUOTA, &sids)
                .into_iter()
                .map(move |part| (part, origin.clone()))
        })
        .collect();
    let statements = &statements[..];
    let bare: Vec<Statement> = statements.iter().map(|(s, _)| s.clone()).collect();
    let ranges = match pack(&bare, MANAGED_POLICY_QUOTA) {
        Ok(ranges) => ranges,
        Err(i) if document.aws_managed => {
            // A copy of an AWS managed policy: AWS's own is not bound by the customer managed
            // quota, and dividing this statement would change it, so it stays whole.
            let alone = PolicyDocument::new(vec![bare[i].clone()]).quota_size();
            diagnostics.push(
                Diagnostic::new(
                    Code::AwsManagedOverQuota,
                    format!(
                        "{title} is kept whole at {} characters: its statement of {} cannot be divided to fit the customer managed quota of {}",
                        thousands(size),
                        thousands(alone),
                        thousands(MANAGED_POLICY_QUOTA)
                    ),
                )
                .at(sources.first_line(statements[i].1.span), "too large for any customer managed policy")
                .with_label(sources.first_line(document.span), "marked `aws_managed`")
                .with_note("AWS managed policies are not bound by this quota; `aws iam create-policy` refuses a customer managed copy of this size")
                .with_help("attach the AWS managed policy itself by its ARN; a customer managed copy needs the statement shortened (an `except` list cannot be divided)"),
            );
            return None;
        }
        Err(i) => {
            let alone = PolicyDocument::new(vec![bare[i].clone()]).quota_size();
            diagnostics.push(
                Diagnostic::new(
                    Code::StatementTooLarge,
                    format!(
                        "a statement of {title} is {} characters on its own, over IAM's managed policy quota of {}",
                        thousands(alone),
                        thousands(MANAGED_POLICY_QUOTA)
                    ),
                )
                .at(sources.first_line(statements[i].1.span), "too large to fit in any managed policy")
                .with_label(sources.first_line(document.span), format!("{title} is {} characters, over its quota of {}", thousands(size), thousands(quota)))
                .with_note("IAM counts characters without white space")
                .with_help("IAMX divides `Action` and `Resource` lists across statements, but not an `except` list or one long value: shorten it, or use wildcards such as `s3:Get*`"),
            );
            return None;
        }
    };
    let count = ranges.len();
    let names: Vec<String> = (1..=count).map(|i| format!("{base}-{i}")).collect();
    let limit = crate::iam::names::NameKind::ManagedPolicy.limit();
    for name in &names {
        let length = name.chars().count();
        if length > limit {
            diagnostics.push(
                Diagnostic::new(
                    Code::InvalidName,
                    format!("{title} must be split into {count} managed policies, but the name `{name}` is {length} characters, over IAM's limit of {limit}"),
                )
                .at(sources.first_line(document.span), format!("{} characters, over the quota of {}", thousands(size), thousands(quota)))
                .with_help(format!("shorten the name to at most {} characters: parts are named `<name>-1`, `<name>-2`, ...", limit - (length - base.chars().count()))),
            );
            return None;
        }
        if taken.contains(&name.to_lowercase()) {
            diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateName,
                    format!("{title} must be split into {count} managed policies, but the name `{name}` is not free"),
                )
                .at(sources.first_line(document.span), format!("{} characters, over the quota of {}", thousands(size), thousands(quota)))
                .with_help("rename the policy that uses this name (parts are named `<name>-1`, `<name>-2`, ...; at most 128 characters)"),
            );
            return None;
        }
    }
    taken.extend(names.iter().map(|n| n.to_lowercase()));
    let path = part_path(&document.path);
    let parts = ranges
        .into_iter()
        .zip(&names)
        .enumerate()
        .map(|(i, (range, name))| {
            let mut policy = PolicyDocument::new(bare[range.clone()].to_vec());
            policy.canonicalize();
            debug_assert!(policy.quota_size() <= MANAGED_POLICY_QUOTA);
            Document {
                kind: if kind.is_managed() {
                    kind
                } else {
                    DocumentKind::ManagedPolicy
                },
                name: name.clone(),
                arn: crate::iam::names::iam_arn(
                    &compiled.partition,
                    &compiled.account,
                    "policy",
                    &path,
                    name,
                ),
                path: path.clone(),
                description: description(i + 1, count),
                file: file(name),
                owner: None,
                policy: DocumentPolicy::Own(policy),
                origins: statements[range].iter().map(|(_, o)| o.clone()).collect(),
                span: document.span,
                aws_managed: document.aws_managed,
                dropped_size: None,
            }
        })
        .collect();
    compiled.splits.push(Split {
        kind,
        name: base.to_string(),
        owner: (!kind.is_managed()).then(|| base.to_string()),
        size,
        quota,
        parts: names,
    });
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::policy::Effect;

    fn statement(resource: &str) -> Statement {
        let mut s = Statement::new(Effect::Allow);
        s.action = Some(vec!["s3:GetObject".into()]);
        s.resource = Some(vec![resource.into()]);
        s
    }

    #[test]
    fn an_oversized_statement_is_divided_by_its_lists() {
        let actions: Vec<String> = (0..400).map(|i| format!("s3:Action{i:04}")).collect();
        let mut big = Statement::new(Effect::Deny);
        big.sid = Some("Big".into());
        big.action = Some(actions.clone());
        big.resource = Some(vec!["*".into()]);
        let parts = divide_statement(&big, MANAGED_POLICY_QUOTA, &[]);
        assert!(parts.len() > 1);
        for (i, part) in parts.iter().enumerate() {
            assert!(PolicyDocument::new(vec![part.clone()]).quota_size() <= MANAGED_POLICY_QUOTA);
            assert_eq!(part.sid.as_deref(), Some(format!("Big{}", i + 1).as_str()));
            assert_eq!(part.effect, Effect::Deny);
        }
        let rejoined: Vec<String> = parts
            .iter()
            .flat_map(|p| p.action.clone().unwrap())
            .collect();
        assert_eq!(rejoined, actions, "every action once, in order");
        // Next to a statement the user named `Big2`, the parts take another stem (and still
        // fit, the longer Sid counted).
        let parts = divide_statement(&big, MANAGED_POLICY_QUOTA, &["Big", "Big2", "BigPart"]);
        for (i, part) in parts.iter().enumerate() {
            assert!(PolicyDocument::new(vec![part.clone()]).quota_size() <= MANAGED_POLICY_QUOTA);
            assert_eq!(
                part.sid.as_deref(),
                Some(format!("BigPart{}", i + 1).as_str())
            );
        }
        assert_eq!(part_sid_stem("Big", &["BigPart1", "Big7"]), "BigPart2x");
        // A NotAction list is never divided: its parts would deny more than the whole.
        let mut not_action = big.clone();
        not_action.not_action = not_action.action.take();
        assert_eq!(
            divide_statement(&not_action, MANAGED_POLICY_QUOTA, &[]),
            [not_action]
        );
    }

    #[test]
    fn parts_keep_a_path_only_when_create_policy_accepts_it() {
        assert_eq!(part_path("/"), "/");
        assert_eq!(part_path("/team/etl/"), "/team/etl/");
        // Valid for a role, refused by `CreatePolicy`.
        assert_eq!(part_path("/r$x%y/"), "/");
        assert_eq!(part_path("/a*b/"), "/");
    }

    #[test]
    fn parts_are_full_in_order_and_within_the_quota() {
        let statements: Vec<Statement> = (0..200)
            .map(|i| statement(&format!("arn:aws:s3:::bucket-{i:03}/*")))
            .collect();
        let parts = pack(&statements, MANAGED_POLICY_QUOTA).unwrap();
        assert!(parts.len() > 1);
        let mut next = 0;
        for (n, range) in parts.iter().enumerate() {
            assert_eq!(range.start, next, "parts keep statement order");
            next = range.end;
            let size = PolicyDocument::new(statements[range.clone()].to_vec()).quota_size();
            assert!(size <= MANAGED_POLICY_QUOTA, "part {n} is {size}");
            // Full: the next statement would not have fitted.
            if range.end < statements.len() {
                let grown = PolicyDocument::new(statements[range.start..=range.end].to_vec());
                assert!(grown.quota_size() > MANAGED_POLICY_QUOTA);
            }
        }
        assert_eq!(next, statements.len());
    }

    #[test]
    fn a_statement_too_large_alone_is_reported_by_index() {
        let huge = statement(&format!("arn:aws:s3:::{}/*", "x".repeat(7000)));
        assert_eq!(pack(&[statement("*"), huge], MANAGED_POLICY_QUOTA), Err(1));
    }
}
