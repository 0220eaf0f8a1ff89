//! `sts:AssumeRole` granted by a role's trust alone: within one account, a trust statement
//! whose `Principal` names the caller's own ARN lets it in even when its identity policies do
//! not allow the call.
//!
//! AWS's rule (IAM User Guide, "Policy evaluation logic", the step "Resource-based policies" of
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html>):
//! within the same account an `Allow` in a resource-based policy can decide `Allow` even with an
//! implicit deny in the identity-based policies; role trust policies are the exception only in
//! that they *must* allow the principal (an identity policy alone is not enough). By principal
//! type: a grant to an **IAM user ARN** "is not limited by an implicit deny in an identity-based
//! policy or permissions boundary"; a grant to an **IAM role ARN** "is limited by an implicit
//! deny in a permissions boundary or session policy" (a role calls as a session of itself, and
//! a trust naming the role's ARN grants to the role, not the session). An explicit deny in any
//! policy still wins. The page on updating a trust
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-trust-policy.html>)
//! says instead that a user listed as the principal of a trust needs its permissions boundary
//! to allow `sts:AssumeRole`: the two pages disagree for users, so the boundary is required for
//! both, which draws only edges both readings accept. A trust naming the caller's account or
//! `*` delegates to the caller's identity policies, which must then allow the call.
//!
//! So the call is evaluated by the engine with the caller's policies plus one identity
//! statement, `Allow sts:AssumeRole` (what the trust grants): allowed when no policy denies it
//! and the boundary, if any, allows it. A caller whose boundary the source does not hold is not
//! let in this way.
//!
//! In: a node, a role, the trust statement naming the node. Out: the `sts:AssumeRole` call.

use super::*;

/// The name of [`World::named_document`]; its statement is shown as the trust that grants it.
pub(super) const NAMED: &str = "the trust naming the caller";

/// What a path that writes the role's trust itself (`iam:UpdateAssumeRolePolicy`,
/// `iam:CreateRole`) shows as the statement that lets it in.
pub(super) const WRITTEN_TRUST: &str = "the trust the path writes";

impl<'a> World<'a> {
    /// The roles of principal `p`'s account, other than itself, whose trust names `p`'s ARN.
    pub(super) fn named_roles(&self, p: usize) -> Vec<usize> {
        let arn = self.principals[p].arn.to_lowercase();
        let account = &self.contexts[p].0;
        (self.trusted_by_arn.get(&arn).into_iter().flatten())
            .copied()
            .filter(|&r| r != p && self.contexts[r].0 == *account)
            .collect()
    }

    /// Whether a trust naming the node could let it in: its boundary (when it has one) is read
    /// and has a statement allowing `sts:AssumeRole` (action patterns only, as [`World::may`]).
    pub(super) fn may_by_name(&self, id: usize) -> bool {
        let state = self.nodes[id].state;
        let unread = !state.unbounded
            && (self.base(state.principal)).is_some_and(|b| b.unread_boundary().is_some());
        match self.prepared(id) {
            Some(prepared) if !unread => prepared
                .boundary()
                .is_none_or(|b| documents_allow(b, "sts:AssumeRole")),
            _ => false,
        }
    }

    /// Whether principal `p` is in the account of the roles a path creates.
    pub(super) fn in_account(&self, p: usize) -> bool {
        self.contexts[p].0 == self.account_id
    }

    /// `sts:AssumeRole` of the role `arn` by the node, sending `extra`: allowed by its policies,
    /// or, when `named` is the trust statement that names the node's own ARN in its account,
    /// by that trust (see the module docs).
    pub(super) fn assume(
        &self,
        id: usize,
        arn: &str,
        extra: &[(&str, String)],
        named: Option<&str>,
    ) -> Option<Call> {
        let action = "sts:AssumeRole";
        let can = self.may(id)[action_index(action)];
        let Some(trusted_by) = named else {
            return can.then(|| self.allowed(id, action, arn, extra)).flatten();
        };
        let own = match can {
            true => self.check(id, action, arn, extra),
            false => Ok(None),
        };
        if let Ok(Some(call)) = own {
            return Some(call);
        }
        let by_trust = match self.may_by_name(id) {
            true => self.named_prepared(id).map_or(Ok(None), |prepared| {
                self.check_in(id, prepared, action, arn, extra)
            }),
            false => Ok(None),
        };
        let checked = match (by_trust, own) {
            (Ok(None), Err(why)) => Err(why),
            (by_trust, _) => by_trust,
        };
        let mut call = self.noted(id, action, arn, checked)?;
        for statement in &mut call.allowed_by {
            if statement.starts_with(NAMED) {
                *statement = trusted_by.to_string();
            }
        }
        Some(call)
    }

    /// The node's policies with [`World::named_document`] added.
    fn named_prepared(&self, id: usize) -> Option<&Prepared> {
        self.nodes[id]
            .named
            .get_or_init(|| {
                let base = self.prepared(id)?;
                let mut identity = base.identity().to_vec();
                identity.push(self.named_document.clone());
                let boundary = base.boundary().map(<[_]>::to_vec);
                Some(Prepared::new(identity, boundary, base.external().to_vec()))
            })
            .as_ref()
    }
}
