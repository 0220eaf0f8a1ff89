//! IAM's size and count quotas, in one table.
//!
//! In: what a document is to IAM ([`QuotaKind`]). Out: its character limit (white space outside
//! strings not counted, as IAM counts) and the words messages use for it. Source: IAM User
//! Guide, "IAM and AWS STS quotas" (character limits for policies).

/// What a policy document is, as far as IAM's size quotas go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaKind {
    /// A customer managed policy (also one used as a permissions boundary).
    ManagedPolicy,
    /// A role's trust policy.
    TrustPolicy,
    /// A role's inline policies, counted together.
    RoleInline,
    /// A user's inline policies, counted together.
    UserInline,
    /// A group's inline policies, counted together.
    GroupInline,
    /// An AWS Organizations service control policy (Organizations quotas).
    Scp,
}

impl QuotaKind {
    /// The most characters IAM accepts.
    pub const fn limit(self) -> usize {
        match self {
            QuotaKind::ManagedPolicy => 6144,
            QuotaKind::TrustPolicy => 2048,
            QuotaKind::RoleInline => 10240,
            QuotaKind::UserInline => 2048,
            QuotaKind::GroupInline => 5120,
            QuotaKind::Scp => 5120,
        }
    }

    /// How messages name what the quota applies to.
    pub fn name(self) -> &'static str {
        match self {
            QuotaKind::ManagedPolicy => "managed policy",
            QuotaKind::TrustPolicy => "role trust policy",
            QuotaKind::RoleInline => "role inline policies",
            QuotaKind::UserInline => "user inline policies",
            QuotaKind::GroupInline => "group inline policies",
            QuotaKind::Scp => "service control policy",
        }
    }
}

/// IAM's default quota of managed policies attached to one role, user or group.
pub const ATTACHED_POLICIES: usize = 10;
