//! Principals: what changed in the roles, users and groups of two versions: boundaries,
//! attached policies, group membership, tags; and the access a principal gains or loses that
//! no one document shows: a deny added to one of its policies (or a policy with denies newly
//! attached) removes what its other policies allow, and a change of its tags changes what its
//! `aws:PrincipalTag` conditions allow.
//!
//! In: two [`Side`]s and the documents that changed. Out: one [`PrincipalDiff`] per principal
//! that changed.

use super::*;
// foldhash: keys are a project's own names, and SipHash was most of this module's time.
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

/// What a principal's documents are made of, to find which principals a changed document
/// applies to without gathering every principal's documents.
struct Touched<'a> {
    /// (kind, owner) of changed inline documents.
    owned: HashSet<(&'a str, &'a str)>,
    /// ARNs of changed managed documents.
    arns: HashSet<&'a str>,
}

impl Touched<'_> {
    fn applies_to(&self, p: &PrincipalInfo, groups: &HashMap<&str, &PrincipalInfo>) -> bool {
        let own = self.owned.contains(&(inline_kind(p.kind), p.name.as_str()))
            || (p.attached_policy_arns.iter()).any(|a| self.arns.contains(a.as_str()));
        own || (p.groups.iter()).any(|g| {
            self.owned.contains(&("group-inline", g.as_str()))
                || groups.get(g.as_str()).is_some_and(|g| {
                    (g.attached_policy_arns.iter()).any(|a| self.arns.contains(a.as_str()))
                })
        })
    }
}

/// A side's groups by name.
fn groups_of(side: &Side) -> HashMap<&str, &PrincipalInfo> {
    (side.principals.iter())
        .filter(|p| p.kind == "group")
        .map(|p| (p.name.as_str(), p))
        .collect()
}

fn inline_kind(kind: &str) -> &'static str {
    match kind {
        "role" => "role-inline",
        "user" => "user-inline",
        _ => "group-inline",
    }
}

pub(super) fn compare_principals(
    old: &Side,
    new: &Side,
    changed: &[(Option<&SideDocument>, Option<&SideDocument>)],
) -> Vec<PrincipalDiff> {
    let mut touched = Touched {
        owned: HashSet::new(),
        arns: HashSet::new(),
    };
    for d in changed.iter().flat_map(|(o, n)| [o, n]).flatten() {
        match (&d.owner, &d.arn) {
            (Some(owner), _) => touched.owned.insert((d.kind.as_str(), owner.as_str())),
            (None, Some(arn)) => touched.arns.insert(arn.as_str()),
            (None, None) => false,
        };
    }
    let (old_groups, new_groups) = (groups_of(old), groups_of(new));
    let (old_index, new_index) = (Owned::new(old), Owned::new(new));
    let mut out = Vec::new();
    for pair in pair_by_key(&old.principals, &new.principals, |p| (p.kind, &p.name)) {
        let (principal, status, changes, access) = match pair {
            (None, Some(n)) => (n, Status::Added, vec![], Access::default()),
            (Some(o), None) => (o, Status::Removed, vec![], Access::default()),
            (Some(o), Some(n)) => {
                let touches =
                    touched.applies_to(o, &old_groups) || touched.applies_to(n, &new_groups);
                if o == n && !touches {
                    continue;
                }
                let (mut changes, mut access) = attachment_changes(o, n, old, new);
                let old_docs = old_index.documents_of(o, &old_groups);
                let new_docs = new_index.documents_of(n, &new_groups);
                tag_changes(o, n, [&old_docs, &new_docs], &mut changes, &mut access);
                if touches || o != n {
                    denies_added(n, &old_docs, &new_docs, &mut access);
                }
                if changes.is_empty() && access.is_empty() {
                    continue;
                }
                (n, Status::Changed, changes, access)
            }
            // A pair has at least one side.
            (None, None) => continue,
        };
        out.push(PrincipalDiff {
            kind: principal.kind,
            name: principal.name.clone(),
            status,
            changes,
            access,
        });
    }
    out
}

/// A side's documents by the principal they belong to: inline ones by (kind, owner), managed
/// ones by ARN, as positions in the side's list, so a principal's documents are found without
/// reading every document of the side for each principal that changed.
struct Owned<'a> {
    side: &'a Side,
    inline: HashMap<(&'a str, &'a str), Vec<usize>>,
    managed: HashMap<&'a str, Vec<usize>>,
}

impl<'a> Owned<'a> {
    fn new(side: &'a Side) -> Self {
        let mut inline: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        let mut managed: HashMap<&str, Vec<usize>> = HashMap::new();
        for (at, d) in side.documents.iter().enumerate() {
            match (&d.owner, &d.arn) {
                (Some(owner), _) => (inline.entry((d.kind.as_str(), owner.as_str())))
                    .or_default()
                    .push(at),
                (None, Some(arn)) => managed.entry(arn.as_str()).or_default().push(at),
                (None, None) => {}
            }
        }
        Owned {
            side,
            inline,
            managed,
        }
    }

    /// A principal's identity documents (inline, attached, its groups' inline and attached
    /// ones) in the side's order, each once, and its boundary; the trust policy is not one of
    /// them.
    fn documents_of(
        &self,
        p: &PrincipalInfo,
        groups: &HashMap<&str, &PrincipalInfo>,
    ) -> Documents<'a> {
        let mut arns: Vec<&str> = p.attached_policy_arns.iter().map(String::as_str).collect();
        for g in p.groups.iter().filter_map(|g| groups.get(g.as_str())) {
            arns.extend(g.attached_policy_arns.iter().map(String::as_str));
        }
        let owners = std::iter::once((inline_kind(p.kind), p.name.as_str()))
            .chain(p.groups.iter().map(|g| ("group-inline", g.as_str())));
        let mut at: Vec<usize> = (owners.filter_map(|key| self.inline.get(&key)))
            .chain(arns.iter().filter_map(|arn| self.managed.get(arn)))
            .flatten()
            .copied()
            .collect();
        at.sort_unstable();
        at.dedup();
        let documents = at.iter().map(|&i| &self.side.documents[i]).collect();
        let boundary = (p.boundary_arn.as_deref()).and_then(|b| self.side.by_arn(b));
        (documents, boundary)
    }
}

type Documents<'a> = (Vec<&'a SideDocument>, Option<&'a SideDocument>);

/// Tag changes, and, when the principal's policies test its tags (or its own resource tags),
/// the access change they make is undecided: the policies are compared without the tags.
fn tag_changes(
    o: &PrincipalInfo,
    n: &PrincipalInfo,
    sides: [&Documents<'_>; 2],
    changes: &mut Vec<AttachmentChange>,
    access: &mut Access,
) {
    if o.tags == n.tags {
        return;
    }
    let keys: BTreeSet<&String> = o.tags.keys().chain(n.tags.keys()).collect();
    let mut shown = vec![];
    for key in keys {
        let (a, b) = (o.tags.get(key), n.tags.get(key));
        if a != b {
            changes.push(AttachmentChange {
                what: "tag",
                old: a.map(|v| format!("{key}={v}")),
                new: b.map(|v| format!("{key}={v}")),
            });
            shown.push(key.as_str());
        }
    }
    const TESTS: [&str; 3] = ["aws:PrincipalTag/", "aws:ResourceTag/", "iam:ResourceTag/"];
    let tested = (sides.iter())
        .flat_map(|(docs, boundary)| docs.iter().chain(boundary))
        .find_map(|d| {
            let text = match &d.body {
                Body::Json(text) => text.to_lowercase(),
                Body::Policy(policy) => policy.to_canonical_json().to_lowercase(),
            };
            (TESTS.iter())
                .find(|t| text.contains(&t.to_lowercase()))
                .map(|t| (*t, d))
        });
    if let Some((test, document)) = tested {
        access.undecided.push(format!(
            "the {}'s tags changed ({}) and {} {} tests `{}...`: the access those tags decide is not compared",
            n.kind,
            shown.join(", "),
            document.kind,
            document.name,
            test,
        ));
    }
}

/// What the principal's old policies allowed that a deny its new policies have and its old ones
/// did not now denies: removed access no one document shows (a deny added to a guard policy,
/// a policy with denies newly attached, a group with one joined).
fn denies_added(p: &PrincipalInfo, old: &Documents<'_>, new: &Documents<'_>, access: &mut Access) {
    let policies = |docs: &[&SideDocument]| -> Vec<(String, PolicyDocument)> {
        (docs.iter())
            .filter_map(|d| Some((format!("{} {}", d.kind, d.name), d.policy().ok()?)))
            .collect()
    };
    let (old, new) = (policies(&old.0), policies(&new.0));
    let denies = |policies: &[(String, PolicyDocument)]| -> Vec<(String, Statement)> {
        (policies.iter())
            .flat_map(|(name, p)| {
                p.statements
                    .iter()
                    .enumerate()
                    .map(move |(i, s)| (name, i, s))
            })
            .filter(|(_, _, s)| s.effect == Effect::Deny)
            .map(|(name, i, s)| (format!("{name} statement {}", i + 1), s.clone()))
            .collect()
    };
    let (old_denies, new_denies) = (denies(&old), denies(&new));
    if (new_denies.iter()).all(|(_, d)| old_denies.iter().any(|(_, o)| o == d)) {
        return;
    }
    // The old policies as one document (its statements labelled), against every request but
    // what the new denies deny.
    let mut labels = vec![];
    let mut statements = vec![];
    for (name, policy) in &old {
        for (i, s) in policy.statements.iter().enumerate() {
            labels.push(format!("{name} statement {}", i + 1));
            statements.push(s.clone());
        }
    }
    let version = old.first().and_then(|(_, p)| p.version.clone());
    let merged = PolicyDocument {
        version: version.clone(),
        ..PolicyDocument::new(statements)
    };
    let mut everything = Statement::new(Effect::Allow);
    everything.action = Some(vec!["*".into()]);
    everything.resource = Some(vec!["*".into()]);
    let remaining = PolicyDocument {
        version,
        ..PolicyDocument::new(
            std::iter::once(everything)
                .chain(new_denies.iter().map(|(_, s)| s.clone()))
                .collect(),
        )
    };
    let (entries, undecided) = delta(Some(&remaining), &merged, Direction::Removed, false);
    for mut entry in entries {
        let allowed_by = entry.statement.and_then(|n| labels.get(n - 1)).cloned();
        let denied_by: Vec<&str> = (entry.example.as_ref())
            .map(|e| reason::evaluate(std::slice::from_ref(&remaining), None, &e.to_request()))
            .map_or(vec![], |evaluation| {
                (evaluation.denies.iter())
                    .filter_map(|r| new_denies.get(r.stmt.wrapping_sub(1)))
                    .map(|(label, _)| label.as_str())
                    .collect()
            });
        entry.note = Some(format!(
            "now denied by {}{}",
            if denied_by.is_empty() {
                "a new deny".to_string()
            } else {
                denied_by.join(", ")
            },
            allowed_by.map_or(String::new(), |a| format!(
                ", which {a} allowed the {}",
                p.kind
            )),
        ));
        entry.statement = None;
        entry.sid = None;
        access.removed.push(entry);
    }
    (access.undecided).extend(
        undecided
            .into_iter()
            .map(|u| format!("whether new denies apply: {u}")),
    );
}

pub(super) fn attachment_changes(
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
                    "the boundary changed from `{a}` to `{b}`, and {} part of the compared projects",
                    if old.by_arn(a).is_none() && new.by_arn(b).is_none() {
                        "neither is"
                    } else if old.by_arn(a).is_none() {
                        "the old one is not"
                    } else {
                        "the new one is not"
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
        let what = format!("policy `{arn}` detached");
        if lifted_denies(&what, old.by_arn(arn), &mut access) {
            access.removed.push(whole_entry(what));
        }
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
        // The group's own policies: inline ones, and the managed ones attached to it.
        let what = format!("no longer a member of group `{group}`");
        for document in (old.documents.iter())
            .filter(|d| d.kind == "group-inline" && d.owner.as_deref() == Some(group.as_str()))
        {
            lifted_denies(&what, Some(document), &mut access);
        }
        let attached = (old.principals.iter())
            .find(|p| p.kind == "group" && &p.name == *group)
            .map_or(&[][..], |g| &g.attached_policy_arns[..]);
        for arn in attached {
            lifted_denies(
                &format!("{what} (policy `{arn}`)"),
                old.by_arn(arn),
                &mut access,
            );
        }
    }
    (changes, access)
}

/// A policy that no longer applies to a principal (detached, or its group left): its denies no
/// longer hold, so what the principal's other policies allow there widens. A policy outside
/// the compared versions may have denies: undecided. Returns whether it may have allowed
/// anything (what is removed with it).
fn lifted_denies(what: &str, document: Option<&SideDocument>, access: &mut Access) -> bool {
    let Some(document) = document else {
        access.undecided.push(format!(
            "{what}: it is not part of the compared versions, so whether it denied anything is not known"
        ));
        return true;
    };
    let Ok(policy) = document.policy() else {
        return true;
    };
    let denies: Vec<usize> = (policy.statements.iter().enumerate())
        .filter(|(_, s)| s.effect == Effect::Deny)
        .map(|(i, _)| i + 1)
        .collect();
    if !denies.is_empty() {
        let numbers: Vec<String> = denies.iter().map(usize::to_string).collect();
        access.added.push(whole_entry(format!(
            "{what}: its denies (statement {}) no longer hold, so what the other policies allow there is allowed now",
            numbers.join(", ")
        )));
    }
    policy.statements.iter().any(|s| s.effect == Effect::Allow)
}
