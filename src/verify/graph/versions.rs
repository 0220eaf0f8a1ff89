//! `iam:SetDefaultPolicyVersion`: a customer managed policy keeps up to five versions, and
//! whoever may set its default version makes any of them what the policy grants, with no new
//! document written (so no `iam:CreatePolicyVersion`, and no room needed). The export lists
//! every version with its document (`PolicyVersionList`, [`crate::iam::gaad::PolicyVersion`]).
//!
//! A version is followed when it allows everything and denies nothing (the holder then has an
//! `Allow * on *`, as after a written policy; on a boundary, the boundary is lifted), or when it
//! lets its holder write its own policies (as the self-granting attach: the holder's own write
//! follows, decided with its policies, that version and its boundary). The version replaces the
//! default in AWS; the graph keeps the default's document too, which can only add denies: an
//! edge drawn is one AWS allows. A version that allows nothing the default does not (and drops
//! none of its denies) gives nothing. Any other version, or one the reader could not read, is
//! not followed: when the caller may make it the default, that is listed as undecided, since
//! what it grants could open a path the graph does not draw.
//!
//! In: the export's policies. Out: per policy, its other versions and what each gives
//! ([`Version`]); per node and target, the calls of a `SetDefaultPolicyVersion` edge.

use super::*;

/// A policy that lets whoever has it write its own policies ([`World::self_write`]).
pub(super) struct SelfGranting {
    /// The policy's ARN.
    pub(super) policy: String,
    /// The version that does, when it is not the default one: the path makes it the default,
    /// and cannot attach it as it is.
    pub(super) version: Option<String>,
    pub(super) document: LocatedDocument,
}

/// A version of a customer managed policy other than its default.
pub(super) struct Version {
    pub(super) id: String,
    pub(super) gives: Gives,
}

/// What making a version the default gives the policy's holders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Gives {
    /// It allows everything and denies nothing.
    Everything,
    /// It lets its holder write its own policies: [`World::self_granting`]`[k]`.
    SelfWrite(usize),
    /// Nothing: its allows are the default's, and it keeps the default's denies.
    Nothing,
    /// Something the graph does not follow.
    Unknown,
}

/// The versions other than the default of the account's own policies, by policy ARN; those
/// that let their holder write its own policies are added to `self_granting`.
pub(super) fn other_versions(
    gaad: &Gaad,
    self_granting: &mut Vec<SelfGranting>,
) -> HashMap<String, Vec<Version>> {
    let mut found = HashMap::new();
    for policy in gaad.policies.iter().filter(|p| !p.aws_managed) {
        if policy.other_versions.is_empty() {
            continue;
        }
        let default = &policy.document.policy.statements;
        let versions = (policy.other_versions.iter())
            .map(|version| {
                let gives = match &version.document {
                    None => Gives::Unknown,
                    Some(document) if world::grants_everything(&document.policy) => {
                        Gives::Everything
                    }
                    Some(document) if world::writes_own_policies(&document.policy) => {
                        let mut document = document.clone();
                        document.name = format!(
                            "managed-policy {} version {} (made the default by the path)",
                            policy.name, version.id
                        );
                        self_granting.push(SelfGranting {
                            policy: policy.arn.clone(),
                            version: Some(version.id.clone()),
                            document,
                        });
                        Gives::SelfWrite(self_granting.len() - 1)
                    }
                    Some(document) => {
                        let statements = &document.policy.statements;
                        let allows = |s: &&crate::iam::policy::Statement| s.effect == Effect::Allow;
                        let denies = |s: &&crate::iam::policy::Statement| s.effect != Effect::Allow;
                        let no_more = statements
                            .iter()
                            .filter(allows)
                            .all(|s| default.contains(s))
                            && default
                                .iter()
                                .filter(denies)
                                .all(|s| statements.contains(s));
                        match no_more {
                            true => Gives::Nothing,
                            false => Gives::Unknown,
                        }
                    }
                };
                Version {
                    id: version.id.clone(),
                    gives,
                }
            })
            .collect();
        found.insert(policy.arn.clone(), versions);
    }
    found
}

impl<'a> World<'a> {
    /// The calls with which node `id` makes a version of `policy`, a customer managed policy
    /// principal `t` has (its boundary, with `lift`), the default: `iam:SetDefaultPolicyVersion`
    /// with the version in `VersionId`, then, for a version that lets its holder write its own
    /// policies, that write made as `t`. Versions not followed are noted when the call is
    /// allowed and no version gives an edge.
    pub(super) fn set_default(
        &self,
        id: usize,
        t: usize,
        policy: &str,
        lift: bool,
    ) -> Option<Vec<Call>> {
        let action = "iam:SetDefaultPolicyVersion";
        let versions = self.other_versions.get(policy)?;
        if !self.may(id)[action_index(action)] {
            return None;
        }
        // The request is the same whichever version it names (no condition key carries it).
        let call = OnceLock::new();
        let set = |version: &str| -> Option<Call> {
            let mut call = call
                .get_or_init(|| self.allowed(id, action, policy, &[]))
                .clone()?;
            call.context
                .push(("VersionId".to_string(), version.to_string()));
            Some(call)
        };
        let mut unfollowed = Vec::new();
        for version in versions {
            let found = match (version.gives, lift) {
                (Gives::Everything, _) => set(&version.id).map(|call| vec![call]),
                (Gives::SelfWrite(k), false) => self
                    .self_write(t, k)
                    .and_then(|write| Some(vec![set(&version.id)?, write])),
                (Gives::Nothing, _) => None,
                (Gives::SelfWrite(_) | Gives::Unknown, _) => {
                    unfollowed.push(version.id.as_str());
                    None
                }
            };
            if found.is_some() {
                return found;
            }
        }
        if !unfollowed.is_empty() && set("").is_some() {
            let state = self.nodes[id].state;
            self.note(format!(
                "{}: {action} on {policy}: version {} could become the default, and what it grants is not followed (only a version that allows everything, or lets its holder write its own policies, is): undecided",
                self.state_name(&state),
                unfollowed.join(", ")
            ));
        }
        None
    }
}
