//! Principals: what changed in the roles, users and groups of two versions: boundaries,
//! attached policies, group membership.
//!
//! In: two [`Side`]s. Out: one [`PrincipalDiff`] per principal that changed.

use super::*;

pub(super) fn compare_principals(old: &Side, new: &Side) -> Vec<PrincipalDiff> {
    let mut out = Vec::new();
    for pair in pair_by_key(&old.principals, &new.principals, |p| (p.kind, &p.name)) {
        let (principal, status, changes, access) = match pair {
            (None, Some(n)) => (n, Status::Added, vec![], Access::default()),
            (Some(o), None) => (o, Status::Removed, vec![], Access::default()),
            (Some(o), Some(n)) if o == n => continue,
            (Some(o), Some(n)) => {
                let (changes, access) = attachment_changes(o, n, old, new);
                if changes.is_empty() {
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
