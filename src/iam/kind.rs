//! What a policy document is to AWS, which decides the rules it is held to.
//!
//! In: a kind's name (`--kind trust`, a manifest's `kind`) or a [`PolicyDocument`] to infer it
//! from. Out: a [`PolicyKind`] and what it implies: which elements a statement must or may not
//! have, whether Sids are restricted, which size quota applies. Sources: IAM User Guide, "IAM JSON
//! policy element reference" and "IAM and AWS STS quotas"; AWS Organizations User Guide, "SCP
//! syntax".

use crate::iam::policy::PolicyDocument;
use crate::iam::quota::QuotaKind;

/// The kinds of policy document AWS takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    /// A customer managed policy (`CreatePolicy`); delegation policies are ones too.
    ManagedPolicy,
    /// A managed policy used as a permissions boundary.
    Boundary,
    RoleInline,
    UserInline,
    GroupInline,
    /// An identity policy whose use (managed or inline) is not known: a JSON file on its own.
    Identity,
    /// A role's trust policy (`AssumeRolePolicyDocument`).
    Trust,
    /// A resource policy (S3 bucket, KMS key, SQS queue, ...).
    Resource,
    /// An AWS Organizations service control policy.
    Scp,
}

impl PolicyKind {
    /// Every kind, in the order `--kind` lists them.
    pub const ALL: [PolicyKind; 9] = [
        PolicyKind::ManagedPolicy,
        PolicyKind::Boundary,
        PolicyKind::RoleInline,
        PolicyKind::UserInline,
        PolicyKind::GroupInline,
        PolicyKind::Identity,
        PolicyKind::Trust,
        PolicyKind::Resource,
        PolicyKind::Scp,
    ];

    /// The name `--kind` takes; the same as a manifest's `kind` where the manifest has it.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::ManagedPolicy => "managed-policy",
            PolicyKind::Boundary => "boundary",
            PolicyKind::RoleInline => "role-inline",
            PolicyKind::UserInline => "user-inline",
            PolicyKind::GroupInline => "group-inline",
            PolicyKind::Identity => "identity",
            PolicyKind::Trust => "trust",
            PolicyKind::Resource => "resource",
            PolicyKind::Scp => "scp",
        }
    }

    /// The kind named `name`; a manifest's `delegation` is a managed policy.
    pub fn parse(name: &str) -> Option<PolicyKind> {
        match name {
            "delegation" => Some(PolicyKind::ManagedPolicy),
            _ => PolicyKind::ALL.into_iter().find(|k| k.as_str() == name),
        }
    }

    /// How messages name the kind.
    pub fn describe(self) -> &'static str {
        match self {
            PolicyKind::ManagedPolicy => "managed policy",
            PolicyKind::Boundary => "permissions boundary",
            PolicyKind::RoleInline => "role inline policy",
            PolicyKind::UserInline => "user inline policy",
            PolicyKind::GroupInline => "group inline policy",
            PolicyKind::Identity => "identity policy",
            PolicyKind::Trust => "trust policy",
            PolicyKind::Resource => "resource policy",
            PolicyKind::Scp => "service control policy",
        }
    }

    /// [`PolicyKind::describe`] with its article: `an identity policy`, `a trust policy`.
    pub fn with_article(self) -> String {
        let name = self.describe();
        let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        format!("{article} {name}")
    }

    /// Identity policies (and boundaries, and SCPs, which filter identities) name no principal:
    /// IAM refuses `Principal` and `NotPrincipal` in them.
    pub fn refuses_principal(self) -> bool {
        !matches!(self, PolicyKind::Trust | PolicyKind::Resource)
    }

    /// Trust and resource policies must say whom they apply to.
    pub fn requires_principal(self) -> bool {
        !self.refuses_principal()
    }

    /// IAM identity policies need `Resource` or `NotResource` in every statement.
    pub fn requires_resource(self) -> bool {
        matches!(
            self,
            PolicyKind::ManagedPolicy
                | PolicyKind::Boundary
                | PolicyKind::RoleInline
                | PolicyKind::UserInline
                | PolicyKind::GroupInline
                | PolicyKind::Identity
        )
    }

    /// A trust policy's resource is the role itself: IAM refuses `Resource` in it.
    pub fn refuses_resource(self) -> bool {
        self == PolicyKind::Trust
    }

    /// IAM (and Organizations) take only letters and digits in a Sid; resource policies of
    /// other services (S3, SNS, ...) take any string.
    pub fn alphanumeric_sids(self) -> bool {
        self != PolicyKind::Resource
    }

    /// IAM refuses two statements with one Sid ("Statement IDs (SID) in a single policy must be
    /// unique") in the documents it holds: identity policies, boundaries and trust policies.
    /// Other services' resource policies need not (ECR takes duplicate Sids: getmoto/moto#8933),
    /// and whether Organizations refuses them in an SCP is not documented: neither is held to it.
    pub fn unique_sids(self) -> bool {
        !matches!(self, PolicyKind::Resource | PolicyKind::Scp)
    }

    /// `CreatePolicy` and `CreatePolicyVersion` refuse a document without Version `2012-10-17`.
    pub fn requires_current_version(self) -> bool {
        matches!(self, PolicyKind::ManagedPolicy | PolicyKind::Boundary)
    }

    /// The size quota, when one is known for the kind. A role's inline policies share theirs,
    /// so one document of them is checked against the whole quota.
    pub fn quota(self) -> Option<QuotaKind> {
        match self {
            PolicyKind::ManagedPolicy | PolicyKind::Boundary => Some(QuotaKind::ManagedPolicy),
            PolicyKind::RoleInline => Some(QuotaKind::RoleInline),
            PolicyKind::UserInline => Some(QuotaKind::UserInline),
            PolicyKind::GroupInline => Some(QuotaKind::GroupInline),
            PolicyKind::Trust => Some(QuotaKind::TrustPolicy),
            PolicyKind::Scp => Some(QuotaKind::Scp),
            PolicyKind::Identity | PolicyKind::Resource => None,
        }
    }

    /// The kind a document reads as, for a JSON file given without `--kind`: statements that all
    /// name a principal and only `sts:` actions make a trust policy, statements that all name
    /// a principal a resource policy, anything else an identity policy (managed or inline is not
    /// knowable, so the checks that depend on it stay warnings). SCPs look like identity
    /// policies and need `--kind scp`.
    pub fn infer(policy: &PolicyDocument) -> PolicyKind {
        let statements = &policy.statements;
        let all_principal = !statements.is_empty()
            && statements
                .iter()
                .all(|s| s.principal.is_some() || s.not_principal.is_some());
        if !all_principal {
            return PolicyKind::Identity;
        }
        let only_sts = statements.iter().all(|s| {
            s.action
                .iter()
                .chain(&s.not_action)
                .flatten()
                .all(|a| a.to_ascii_lowercase().starts_with("sts:"))
        });
        let no_resource = statements
            .iter()
            .all(|s| s.resource.is_none() && s.not_resource.is_none());
        if only_sts && no_resource {
            PolicyKind::Trust
        } else {
            PolicyKind::Resource
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_kinds_are_inferred() {
        for kind in PolicyKind::ALL {
            assert_eq!(PolicyKind::parse(kind.as_str()), Some(kind));
        }
        let read =
            |text: &str| PolicyKind::infer(&crate::iam::read::policy_from_str(text).unwrap());
        let trust = r#"{"Statement": {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}}"#;
        assert_eq!(read(trust), PolicyKind::Trust);
        let bucket = r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#;
        assert_eq!(read(bucket), PolicyKind::Resource);
        let identity =
            r#"{"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}}"#;
        assert_eq!(read(identity), PolicyKind::Identity);
    }
}
