//! The build output model: everything a build produces, before it is written anywhere.
//!
//! In: built by `lower` (and split by `limits`). Out: read by the checks, `verify`, `diff`,
//! `import`'s round trip and `emit`, which writes it as files and `manifest.json`. Each document
//! is an IAM model [`PolicyDocument`] with its kind, name, ARN and output file, and per
//! statement the source it came from; the roles, users, groups and delegations say what they
//! attach.

use crate::compile::ir::Origin;
use crate::iam::located::LocatedDocument;
use crate::iam::policy::PolicyDocument;
use crate::iam::quota::QuotaKind;
use crate::source::Span;
use litemap::LiteMap;
use std::sync::Arc;

/// Everything a build produces, before it is written anywhere.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub account: String,
    pub partition: String,
    pub environment: Option<String>,
    pub documents: Vec<Document>,
    pub roles: Vec<RoleInfo>,
    pub users: Vec<UserInfo>,
    pub groups: Vec<GroupInfo>,
    /// Documents split into several managed policies to fit IAM's size quotas
    /// (`compile::limits`), in document order.
    pub splits: Vec<Split>,
    pub delegations: Vec<DelegationInfo>,
    /// Each document's size as IAM's quotas count it ([`crate::iam::policy::PolicyDocument::quota_size`]),
    /// in document order: measured by `compile::limits`, empty before.
    pub quota_sizes: Vec<usize>,
}

/// A document that was too large for its quota and became managed policies `<name>-1`, ...
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    pub kind: DocumentKind,
    pub name: String,
    /// The role, user or group whose inline policies were split.
    pub owner: Option<String>,
    /// Characters as IAM counts them, and the quota that was exceeded.
    pub size: usize,
    pub quota: usize,
    /// The managed policies that replace it, in order.
    pub parts: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DocumentKind {
    Boundary,
    ManagedPolicy,
    Delegation,
    Trust,
    RoleInline,
    UserInline,
    GroupInline,
}

impl DocumentKind {
    /// A managed policy of its own (a boundary, a policy, a delegation policy, and each part
    /// of a split document), not a principal's inline or trust policy.
    pub fn is_managed(self) -> bool {
        matches!(
            self,
            DocumentKind::Boundary | DocumentKind::ManagedPolicy | DocumentKind::Delegation
        )
    }

    /// The name used in `manifest.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Boundary => "boundary",
            DocumentKind::ManagedPolicy => "managed-policy",
            DocumentKind::Delegation => "delegation",
            DocumentKind::Trust => "trust",
            DocumentKind::RoleInline => "role-inline",
            DocumentKind::UserInline => "user-inline",
            DocumentKind::GroupInline => "group-inline",
        }
    }

    /// The kind as messages name it: `role inline`, `managed policy`.
    pub fn words(self) -> &'static str {
        match self {
            DocumentKind::ManagedPolicy => "managed policy",
            DocumentKind::RoleInline => "role inline",
            DocumentKind::UserInline => "user inline",
            DocumentKind::GroupInline => "group inline",
            other => other.as_str(),
        }
    }

    /// Which of IAM's size quotas applies. Inline policies share theirs across the owner, so
    /// one document of them is the most the owner has.
    pub fn quota_kind(self) -> QuotaKind {
        match self {
            DocumentKind::Boundary | DocumentKind::ManagedPolicy | DocumentKind::Delegation => {
                QuotaKind::ManagedPolicy
            }
            DocumentKind::Trust => QuotaKind::TrustPolicy,
            DocumentKind::RoleInline => QuotaKind::RoleInline,
            DocumentKind::UserInline => QuotaKind::UserInline,
            DocumentKind::GroupInline => QuotaKind::GroupInline,
        }
    }

    /// IAM's size quota for one document of this kind (characters, white space not counted).
    pub fn quota(self) -> usize {
        self.quota_kind().limit()
    }
}

/// One IAM policy document with what deployment and verification need to know about it.
#[derive(Debug, Clone)]
pub struct Document {
    pub kind: DocumentKind,
    /// The policy name (for inline policies, the name it is put under).
    pub name: String,
    /// The managed policy's ARN; for inline and trust documents, the owner's ARN.
    pub arn: String,
    pub path: String,
    pub description: Option<String>,
    /// Output file, relative to the output directory, `/`-separated.
    pub file: String,
    /// The role, user or group an inline or trust document belongs to.
    pub owner: Option<String>,
    pub policy: DocumentPolicy,
    /// Where each statement of `policy` came from, index for index.
    pub origins: Vec<Origin>,
    /// The block that declared the document.
    pub span: Span,
    /// A `policy` marked `aws_managed`: a copy of an AWS managed policy, which the customer
    /// managed quota does not bind (`compile::limits` keeps an undividable statement whole).
    pub aws_managed: bool,
    /// `Some(quota size)` once the statements were dropped: a role's trust or inline policy
    /// checked and proved in the job that lowered it, for a caller that reads no role's
    /// statements afterwards (`compile::Options::stream_roles`); `policy` is then empty.
    pub dropped_size: Option<usize>,
}

/// A document's policy: its own, or shared with another lowering's copy of the same document.
/// `diff` shares: the earlier version's roles' policies are shared ([`DocumentPolicy::share`])
/// so that the later version takes an unchanged role's documents without copying them, and
/// tells them equal without reading them. Every other lowering owns its policies: with an `Arc`
/// on every document, a 10,000-role `check` turned ~20,000 of the allocator's pages over
/// (docs/performance.md, item 133).
#[derive(Clone)]
pub enum DocumentPolicy {
    Own(PolicyDocument),
    Shared(Arc<PolicyDocument>),
}

impl DocumentPolicy {
    /// The policy to change: a shared one is copied first, unless this is its only holder.
    pub fn make_mut(&mut self) -> &mut PolicyDocument {
        match self {
            DocumentPolicy::Own(policy) => policy,
            DocumentPolicy::Shared(policy) => Arc::make_mut(policy),
        }
    }

    /// Makes the policy shareable, so that a clone of the document holds the same one.
    pub fn share(&mut self) {
        if let DocumentPolicy::Own(policy) = self {
            let policy = std::mem::replace(policy, PolicyDocument::placeholder());
            *self = DocumentPolicy::Shared(Arc::new(policy));
        }
    }

    /// The policy, shared: an owned one is moved into its shared allocation.
    pub fn into_shared(self) -> Arc<PolicyDocument> {
        match self {
            DocumentPolicy::Own(policy) => Arc::new(policy),
            DocumentPolicy::Shared(policy) => policy,
        }
    }

    /// The policy, owned: a shared one is copied unless this is its only holder.
    pub fn into_owned(self) -> PolicyDocument {
        match self {
            DocumentPolicy::Own(policy) => policy,
            DocumentPolicy::Shared(policy) => Arc::unwrap_or_clone(policy),
        }
    }
}

impl From<PolicyDocument> for DocumentPolicy {
    fn from(policy: PolicyDocument) -> Self {
        DocumentPolicy::Own(policy)
    }
}

impl std::ops::Deref for DocumentPolicy {
    type Target = PolicyDocument;

    fn deref(&self) -> &PolicyDocument {
        match self {
            DocumentPolicy::Own(policy) => policy,
            DocumentPolicy::Shared(policy) => policy,
        }
    }
}

/// Equal policies, whoever holds them: two holders of one shared policy without reading it.
impl PartialEq for DocumentPolicy {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (DocumentPolicy::Shared(a), DocumentPolicy::Shared(b)) if Arc::ptr_eq(a, b) => true,
            _ => **self == **other,
        }
    }
}

impl Eq for DocumentPolicy {}

/// The policy, however it is held: sharing changes where it is, not what was compiled.
impl std::fmt::Debug for DocumentPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        PolicyDocument::fmt(self, f)
    }
}

#[derive(Debug, Clone)]
pub struct RoleInfo {
    pub name: String,
    pub arn: String,
    pub path: String,
    pub description: Option<String>,
    pub boundary_arn: Option<String>,
    pub trust_file: String,
    pub inline_files: Vec<String>,
    pub attached_policy_arns: Vec<String>,
    pub instance_profile: Option<InstanceProfile>,
    pub max_session_seconds: Option<u32>,
    /// Sorted by key (a `BTreeMap` node for a role's one or two tags cost ~0.5 KiB).
    pub tags: LiteMap<String, String>,
    pub span: Span,
}

/// A role's instance profile.
#[derive(Debug, Clone)]
pub struct InstanceProfile {
    pub name: String,
    pub arn: String,
    /// The `instance_profile` setting.
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct UserInfo {
    pub name: String,
    pub arn: String,
    pub path: String,
    pub boundary_arn: Option<String>,
    pub groups: Vec<String>,
    /// Where the `groups` setting names them, from the first name to the last.
    pub groups_span: Option<Span>,
    pub inline_files: Vec<String>,
    pub attached_policy_arns: Vec<String>,
    /// Sorted by key, as a role's tags.
    pub tags: LiteMap<String, String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct GroupInfo {
    pub name: String,
    pub arn: String,
    pub path: String,
    pub inline_files: Vec<String>,
    pub attached_policy_arns: Vec<String>,
    pub span: Span,
}

/// A `delegate` block as deployed: its policy, who gets it, and what it hands out.
#[derive(Debug, Clone)]
pub struct DelegationInfo {
    pub name: String,
    pub arn: String,
    pub file: String,
    /// `(kind, name, ARN)` of each principal the policy is attached to.
    pub to: Vec<(String, String, String)>,
    pub boundary_name: String,
    pub boundary_arn: String,
    pub path: String,
    pub prefix: String,
    pub pass_to: Vec<String>,
    pub create_users: bool,
    pub create_users_span: Option<Span>,
    /// The tag keys holders may set.
    pub tag_keys: Vec<String>,
    pub login_profiles: bool,
    pub span: Span,
    pub prefix_span: Span,
    pub boundary_span: Span,
}

impl Document {
    /// The document with its statements' source spans, named `name` in messages.
    pub fn located(&self, name: String) -> LocatedDocument {
        self.located_ref(name).cloned()
    }

    /// [`Document::located`] without copying the policy.
    pub fn located_ref(&self, name: String) -> LocatedDocument<&PolicyDocument> {
        LocatedDocument {
            name,
            policy: &self.policy,
            spans: self.origins.iter().map(|o| o.span).collect(),
            span: self.span,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DocumentKind;

    #[test]
    fn a_kind_in_words_is_its_name_with_spaces() {
        for kind in [
            DocumentKind::Boundary,
            DocumentKind::ManagedPolicy,
            DocumentKind::Delegation,
            DocumentKind::Trust,
            DocumentKind::RoleInline,
            DocumentKind::UserInline,
            DocumentKind::GroupInline,
        ] {
            assert_eq!(kind.words(), kind.as_str().replace('-', " "));
        }
    }

    #[test]
    fn a_shared_policy_is_one_allocation_for_its_holders_and_is_copied_to_be_changed() {
        use super::DocumentPolicy;
        let policy = crate::iam::read::policy_from_str(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
        )
        .unwrap();
        let mut held = DocumentPolicy::Own(policy.clone());
        held.share();
        let again = held.clone();
        let (DocumentPolicy::Shared(a), DocumentPolicy::Shared(b)) = (&held, &again) else {
            panic!("a shared policy's clone is shared");
        };
        assert!(std::sync::Arc::ptr_eq(a, b));
        assert_eq!(held, again);
        // Equal whoever holds it, and shown as the policy itself.
        assert_eq!(held, DocumentPolicy::Own(policy.clone()));
        assert_eq!(format!("{held:?}"), format!("{policy:?}"));
        // Changing one holder's copy leaves the other's as it was.
        let mut changed = again.clone();
        changed.make_mut().statements.clear();
        assert_ne!(changed, held);
        assert_eq!(*held, policy);
        assert_eq!(again.into_owned(), policy);
    }
}
