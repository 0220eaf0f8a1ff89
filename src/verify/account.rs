//! An account's roles and users with their policies, for answering many requests about them
//! (`iamx explain`, one question or a file of them).
//!
//! In: a compiled project ([`Account::from_compiled`]) or the manifest of a build output
//! ([`Account::from_manifest`]; its documents are read on first use, through a callback, since
//! this crate never touches the file system), or an account export, a GAAD
//! ([`Account::from_gaad`]). Out: principals found by name or ARN
//! ([`Account::find`]) and, per principal, its policies gathered and prepared once
//! ([`Account::prepare`], cached) so that each request costs one evaluation
//! ([`PreparedPolicies`]), plus where each deciding statement is ([`Prepared::describe`]).
//!
//! A principal's identity policies are, in this order: its inline policies, the managed policies
//! attached to it, and for a user each of its groups' inline and attached policies; its
//! permissions boundary is the managed policy its boundary ARN names. An attached policy or a
//! boundary the source does not define is not evaluated and is listed in
//! [`Prepared::external`], so callers can say that the real decision may differ.

use crate::compile::output::{Compiled, DocumentKind};
use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::emit::manifest::Manifest;
use crate::iam::gaad::{Account as Gaad, InlinePolicy};
use crate::iam::located::LocatedDocument;
use crate::iam::policy::PolicyDocument;
use crate::reason::{Decision, Evaluation, PolicySet, PreparedPolicies, Request, StatementRef};
use crate::source::Sources;
use serde::Serialize;
use std::collections::HashMap;

/// What [`Account::prepare`] reads a build output's files with: it gets a file name of the
/// manifest and returns the name to show for the file and its text, or why it cannot.
pub type ReadFile<'a> = dyn FnMut(&str) -> Result<(String, String), String> + 'a;

/// Whether a principal is a role or a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PrincipalKind {
    Role,
    User,
}

impl PrincipalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::Role => "role",
            PrincipalKind::User => "user",
        }
    }
}

/// A document a principal uses: one of the account's, or an ARN the source does not define.
#[derive(Debug, Clone)]
enum Use {
    Document(usize),
    External(String),
}

/// A role or user of the account.
#[derive(Debug, Clone)]
pub struct Principal {
    pub kind: PrincipalKind,
    pub name: String,
    pub arn: String,
    /// Its tags, by key: every request it makes carries them (`aws:PrincipalTag/KEY`).
    pub tags: Vec<(String, String)>,
    identity: Vec<Use>,
    boundary: Option<Use>,
}

impl Principal {
    /// The keys every request of this principal carries ([`principal_context`]).
    pub fn context(&self) -> Vec<(String, String)> {
        principal_context(self.kind, &self.name, &self.arn, None, &self.tags)
    }
}

/// The context keys IAM sets on every request of a role (a session of it) or user, from what
/// the principal is: `aws:PrincipalArn` (a role's ARN, not its session's), `aws:PrincipalAccount`
/// (from the ARN, else `account`), `aws:PrincipalType` (`AssumedRole` or `User`), a user's
/// `aws:username`, and `aws:PrincipalTag/KEY` for each tag (IAM User Guide, "AWS global
/// condition context keys"). `explain`, `who-can` and `report` evaluate requests with them.
pub fn principal_context(
    kind: PrincipalKind,
    name: &str,
    arn: &str,
    account: Option<&str>,
    tags: &[(String, String)],
) -> Vec<(String, String)> {
    let own_account = crate::iam::gaad::arn_account(arn)
        .map(|(_, a)| a.to_string())
        .or(account.map(str::to_string));
    let mut context = vec![("aws:PrincipalArn".to_string(), arn.to_string())];
    context.extend(own_account.map(|a| ("aws:PrincipalAccount".to_string(), a)));
    match kind {
        PrincipalKind::Role => context.push(("aws:PrincipalType".into(), "AssumedRole".into())),
        PrincipalKind::User => {
            context.push(("aws:PrincipalType".into(), "User".into()));
            context.push(("aws:username".into(), name.to_string()));
        }
    }
    for (key, value) in tags {
        context.push((format!("aws:PrincipalTag/{key}"), value.clone()));
    }
    context
}

/// The ARN of group `name` in the account of `member` (a user's ARN); its path is not known.
fn group_arn(member: &str, name: &str) -> String {
    match crate::iam::gaad::arn_account(member) {
        Some((partition, account)) => format!("arn:{partition}:iam::{account}:group/{name}"),
        None => format!("group {name}"),
    }
}

/// The note an answer about `action` needs when the decision also rests on a role's trust
/// policy, which `explain`, `can-i` and `who-can` do not evaluate (resource policies are out of
/// their scope; `report` reads trusts): without it an identity allow reads as the whole answer.
pub fn trust_not_evaluated(action: &str) -> Option<String> {
    const ON_A_ROLE: [&str; 5] = [
        "sts:AssumeRole",
        "sts:AssumeRoleWithSAML",
        "sts:AssumeRoleWithWebIdentity",
        "sts:TagSession",
        "sts:SetSourceIdentity",
    ];
    ON_A_ROLE.iter().any(|a| a.eq_ignore_ascii_case(action)).then(|| {
        "this answer is the caller's policies only: AWS also requires the role's trust policy to let this principal in, which is not evaluated here (`iamx report` reads trusts)".to_string()
    })
}

/// A document of the account: read, still to be read from a file of a build output, or
/// unreadable (why; its diagnostics were returned once).
#[derive(Debug, Clone)]
enum Slot {
    Ready(LocatedDocument),
    Unread { name: String, file: String },
    Failed(String),
}

/// Why [`Account::find`] found no principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotFound {
    /// No role or user has that name or ARN; the closest name or ARN, if one is close.
    Unknown { suggestion: Option<String> },
    /// The name is both a role's and a user's: their ARNs.
    Ambiguous(Vec<String>),
}

/// Why [`Account::prepare`] could not gather a principal's policies: a file of a build output
/// could not be read, or is not a policy document. The diagnostics (positions in that file)
/// come with the first error about a file only; the message comes every time.
#[derive(Debug, Clone)]
pub struct PrepareError {
    pub message: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// A principal's policies, gathered and prepared for evaluation.
#[derive(Debug, Clone)]
pub struct Prepared {
    identity: Vec<LocatedDocument>,
    boundary: Option<Vec<LocatedDocument>>,
    policies: PreparedPolicies,
    external: Vec<String>,
    /// The principal's boundary, when the source does not define it (one of `external`).
    unread_boundary: Option<String>,
    /// The keys every request of the principal carries, set where a request does not give
    /// them ([`Prepared::with_context`]).
    context: Vec<(String, String)>,
}

/// A statement as reported: the document's name, the set it belongs to, its 1-based number
/// and `Sid`, and where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementInfo {
    pub policy: String,
    pub set: &'static str,
    pub statement: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl StatementInfo {
    /// The short form used in tables: `role service-etl#1`, with `:Sid` when there is one
    /// (`role service-etl#1:ReadWriteRaw`).
    pub fn id(&self) -> String {
        match &self.sid {
            Some(sid) => format!("{}#{}:{sid}", self.policy, self.statement),
            None => format!("{}#{}", self.policy, self.statement),
        }
    }
}

impl Prepared {
    /// Identity documents and an optional boundary (several boundary documents act as one),
    /// with the ARNs of the policies that could not be included.
    pub fn new(
        identity: Vec<LocatedDocument>,
        boundary: Option<Vec<LocatedDocument>>,
        external: Vec<String>,
    ) -> Prepared {
        let identity_docs: Vec<PolicyDocument> =
            identity.iter().map(|l| l.policy.clone()).collect();
        let boundary_docs: Option<Vec<PolicyDocument>> = boundary
            .as_ref()
            .map(|b| b.iter().map(|l| l.policy.clone()).collect());
        Prepared {
            policies: PreparedPolicies::new(&identity_docs, boundary_docs.as_deref()),
            identity,
            boundary,
            external,
            unread_boundary: None,
            context: Vec::new(),
        }
    }

    /// The policies of a principal whose boundary `arn` the source does not define (also in
    /// `external`): an allow of the policies read is then not known ([`Prepared::known`]).
    pub fn with_unread_boundary(mut self, arn: String) -> Prepared {
        self.unread_boundary = Some(arn);
        self
    }

    /// The principal's boundary, when the source does not define it.
    pub fn unread_boundary(&self) -> Option<&str> {
        self.unread_boundary.as_deref()
    }

    /// `evaluation`'s decision when what the source lacks cannot change it, else `None`. An
    /// explicit deny stands; an allow needs the boundary's allow too, so with the boundary
    /// unread it is not known, and an attached policy the source lacks could deny it (an
    /// explicit deny in any policy wins); an implicit deny could turn into an allow by such a
    /// policy (not by a missing boundary, which only ever takes away).
    pub fn known(&self, evaluation: &Evaluation) -> Option<Decision> {
        let attached_unread = self.external.len() > usize::from(self.unread_boundary.is_some());
        if evaluation.unsettled {
            return None;
        }
        match evaluation.decision {
            Decision::Allow if self.unread_boundary.is_some() || attached_unread => None,
            Decision::ImplicitDeny if attached_unread => None,
            decision => Some(decision),
        }
    }

    /// The policies of a principal whose requests all carry `context` (its
    /// [`principal_context`]): [`Prepared::evaluate`] sets each key a request does not give.
    pub fn with_context(mut self, context: Vec<(String, String)>) -> Prepared {
        self.context = context;
        self
    }

    /// The decision on `request`, with the principal's own keys set where it does not give them
    /// (a key given explicitly is a question about that value, and is kept).
    pub fn evaluate(&self, request: &Request) -> Evaluation {
        let missing = |key: &str| request.context.get(key).is_none();
        if !self.context.iter().any(|(key, _)| missing(key)) {
            return self.policies.evaluate(request);
        }
        let mut full = request.clone();
        for (key, value) in self.context.iter().filter(|(key, _)| missing(key)) {
            full.context.set(key, [value.as_str()]);
        }
        self.policies.evaluate(&full)
    }

    /// [`Prepared::evaluate`] for a question someone asks (`explain`, `can-i`, `who-can`):
    /// each key every such request carries that neither the question nor the principal gives
    /// (`aws:CurrentTime`, `aws:SecureTransport`, a role session's `aws:TokenIssueTime`, ...)
    /// is present with a value not known, so a decision that turns on it is unsettled
    /// ([`Evaluation::unsettled`]) rather than read as if the key were absent.
    pub fn evaluate_asked(&self, request: &Request) -> Evaluation {
        let mut full = request.clone();
        for (key, value) in &self.context {
            if full.context.get(key).is_none() {
                full.context.set(key, [value.as_str()]);
            }
        }
        let session = (full.context.get("aws:PrincipalType"))
            .is_some_and(|types| types.iter().any(|t| t == "AssumedRole"));
        let session_keys = if session {
            crate::reason::SESSION_KEYS
        } else {
            &[]
        };
        // A key whose value the service fixes (IAM's one region) is known without asking.
        let partition = (full.context.get("aws:PrincipalArn"))
            .and_then(|arns| crate::iam::names::arn_parts(arns.first()?))
            .or_else(|| crate::iam::names::arn_parts(&full.resource))
            .map(|parts| parts[1].to_string());
        let region = partition.and_then(|p| crate::reason::fixed_region(&full.action, &p));
        if let (Some(region), None) = (region, full.context.get("aws:RequestedRegion")) {
            full.context.set("aws:RequestedRegion", [region]);
        }
        for key in crate::reason::ALWAYS_PRESENT.iter().chain(session_keys) {
            if full.context.get(key).is_none() {
                full.context.set_unknown(key);
            }
        }
        self.policies.evaluate(&full)
    }

    pub fn has_boundary(&self) -> bool {
        self.boundary.is_some()
    }

    /// The identity documents, in the order [`StatementRef::doc`] counts them.
    pub fn identity(&self) -> &[LocatedDocument] {
        &self.identity
    }

    /// The boundary documents, when there is a boundary the source defines.
    pub fn boundary(&self) -> Option<&[LocatedDocument]> {
        self.boundary.as_deref()
    }

    /// ARNs of attached policies or of the boundary that the source does not define: they were
    /// not evaluated.
    pub fn external(&self) -> &[String] {
        &self.external
    }

    /// The document a statement of an [`Evaluation`] of these policies belongs to.
    pub fn document(&self, at: &StatementRef) -> &LocatedDocument {
        match at.set {
            PolicySet::Identity => &self.identity[at.doc],
            PolicySet::Boundary => &self.boundary.as_deref().unwrap_or_default()[at.doc],
        }
    }

    /// A statement of an [`Evaluation`] of these policies, with its position in `sources`.
    pub fn describe(&self, at: &StatementRef, sources: &Sources) -> StatementInfo {
        let located = self.document(at);
        let span = located.statement_span(at.stmt);
        let file = sources.get(span.file);
        let (line, column) = file.line_column(span.start as usize);
        StatementInfo {
            policy: located.name.clone(),
            set: match at.set {
                PolicySet::Identity => "identity",
                PolicySet::Boundary => "boundary",
            },
            statement: at.stmt + 1,
            sid: at.sid.clone(),
            file: file.name.clone(),
            line,
            column,
        }
    }
}

/// A role or user as a project or a build output lists it: its own inline files and attached
/// ARNs, then (for a user) each of its groups'.
struct Listed<'a> {
    kind: PrincipalKind,
    name: &'a str,
    arn: &'a str,
    tags: Vec<(String, String)>,
    policies: Vec<(&'a [String], &'a [String])>,
    boundary: Option<&'a str>,
}

/// Roles and users with the documents they use (see the module docs).
#[derive(Debug, Clone)]
pub struct Account {
    /// How messages name where the principals come from: `the project`, `the build output`.
    pub origin: String,
    sources: Sources,
    documents: Vec<Slot>,
    principals: Vec<Principal>,
    /// Lowercased name → principals (a role and a user may share one).
    by_name: HashMap<String, Vec<usize>>,
    /// Lowercased ARN → principal.
    by_arn: HashMap<String, usize>,
    prepared: Vec<Option<Prepared>>,
}

impl Account {
    fn new(origin: &str, sources: Sources) -> Account {
        Account {
            origin: origin.to_string(),
            sources,
            documents: Vec::new(),
            principals: Vec::new(),
            by_name: HashMap::new(),
            by_arn: HashMap::new(),
            prepared: Vec::new(),
        }
    }

    /// Adds the roles and users a project or build output lists: each inline document found by
    /// its file, each attached or boundary policy by its ARN (or external when not defined).
    fn add_listed(
        &mut self,
        listed: &[Listed<'_>],
        by_file: &HashMap<&str, usize>,
        managed: &HashMap<&str, usize>,
    ) {
        for principal in listed {
            let mut identity = Vec::new();
            for (files, arns) in &principal.policies {
                identity.extend(
                    files
                        .iter()
                        .filter_map(|file| by_file.get(file.as_str()).map(|&d| Use::Document(d))),
                );
                identity.extend(arns.iter().map(|arn| resolve(managed, arn)));
            }
            self.add(Principal {
                kind: principal.kind,
                name: principal.name.to_string(),
                arn: principal.arn.to_string(),
                tags: principal.tags.clone(),
                identity,
                boundary: principal.boundary.map(|a| resolve(managed, a)),
            });
        }
    }

    /// The roles and users of a compiled project; `sources` are the compilation's, which the
    /// documents' statement spans point into.
    pub fn from_compiled(compiled: &Compiled, sources: Sources) -> Account {
        let mut account = Account::new("the project", sources);
        let mut by_file: HashMap<&str, usize> = HashMap::new();
        let mut managed: HashMap<&str, usize> = HashMap::new();
        for document in &compiled.documents {
            let label = match document.kind {
                DocumentKind::Trust => continue,
                DocumentKind::RoleInline => "role",
                DocumentKind::UserInline => "user",
                DocumentKind::GroupInline => "group",
                kind => kind.as_str(),
            };
            let index = account.documents.len();
            // Inline documents are named after their owner, as `verify` names them.
            let name = format!(
                "{label} {}",
                document.owner.as_ref().unwrap_or(&document.name)
            );
            account.documents.push(Slot::Ready(document.located(name)));
            by_file.insert(&document.file, index);
            if document.owner.is_none() {
                managed.insert(&document.arn, index);
            }
        }
        let roles = compiled.roles.iter().map(|r| Listed {
            kind: PrincipalKind::Role,
            name: &r.name,
            arn: &r.arn,
            tags: r.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            policies: vec![(&r.inline_files[..], &r.attached_policy_arns[..])],
            boundary: r.boundary_arn.as_deref(),
        });
        let users = compiled.users.iter().map(|u| Listed {
            kind: PrincipalKind::User,
            name: &u.name,
            arn: &u.arn,
            tags: u.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            policies: std::iter::once((&u.inline_files[..], &u.attached_policy_arns[..]))
                .chain(u.groups.iter().filter_map(|group| {
                    let g = compiled.groups.iter().find(|g| &g.name == group)?;
                    Some((&g.inline_files[..], &g.attached_policy_arns[..]))
                }))
                .collect(),
            boundary: u.boundary_arn.as_deref(),
        });
        let listed: Vec<Listed<'_>> = roles.chain(users).collect();
        account.add_listed(&listed, &by_file, &managed);
        account
    }

    /// The roles and users of a build output, from its `manifest.json` (one environment's). Each
    /// document is read when a principal using it is first prepared, through the `read`
    /// callback of [`Account::prepare`], which gets the file name the manifest gives.
    pub fn from_manifest(manifest: &Manifest) -> Account {
        let mut account = Account::new("the build output", Sources::new());
        let mut by_file: HashMap<&str, usize> = HashMap::new();
        let mut managed: HashMap<&str, usize> = HashMap::new();
        for document in &manifest.documents {
            let label = match document.kind.as_str() {
                "trust" => continue,
                "role-inline" => "role",
                "user-inline" => "user",
                "group-inline" => "group",
                kind => kind,
            };
            let index = account.documents.len();
            account.documents.push(Slot::Unread {
                name: format!("{label} {}", document.name),
                file: document.file.clone(),
            });
            by_file.insert(&document.file, index);
            if matches!(
                document.kind.as_str(),
                "boundary" | "managed-policy" | "delegation"
            ) {
                managed.insert(&document.arn, index);
            }
        }
        let roles = manifest.roles.iter().map(|r| Listed {
            kind: PrincipalKind::Role,
            name: &r.name,
            arn: &r.arn,
            tags: r.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            policies: vec![(&r.inline_policy_files[..], &r.attached_policy_arns[..])],
            boundary: r.boundary_arn.as_deref(),
        });
        let users = manifest.users.iter().map(|u| Listed {
            kind: PrincipalKind::User,
            name: &u.name,
            arn: &u.arn,
            tags: u.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            policies: std::iter::once((&u.inline_policy_files[..], &u.attached_policy_arns[..]))
                .chain(u.groups.iter().filter_map(|group| {
                    let g = manifest.groups.iter().find(|g| &g.name == group)?;
                    Some((&g.inline_policy_files[..], &g.attached_policy_arns[..]))
                }))
                .collect(),
            boundary: u.boundary_arn.as_deref(),
        });
        let listed: Vec<Listed<'_>> = roles.chain(users).collect();
        account.add_listed(&listed, &by_file, &managed);
        account
    }

    /// The roles and users of an account export (`aws iam get-account-authorization-details`),
    /// read by [`crate::iam::gaad`] from a file of `sources`. Inline policies are named
    /// `role NAME/POLICY` (`user`, `group`), managed policies `managed-policy NAME`, or
    /// `boundary NAME` when some role or user has them as permissions boundary.
    pub fn from_gaad(gaad: &Gaad, sources: Sources) -> Account {
        let mut account = Account::new("the GAAD", sources);
        let boundaries = gaad.boundary_arns();
        let mut managed: HashMap<&str, usize> = HashMap::new();
        for policy in &gaad.policies {
            let label = match boundaries.contains(policy.arn.as_str()) {
                true => "boundary",
                false => "managed-policy",
            };
            let mut document = policy.document.clone();
            document.name = format!("{label} {}", policy.name);
            managed.insert(&policy.arn, account.documents.len());
            account.documents.push(Slot::Ready(document));
        }
        let mut inline = |owner: String, policies: &[InlinePolicy]| -> Vec<Use> {
            policies
                .iter()
                .map(|policy| {
                    let mut document = policy.document.clone();
                    document.name = format!("{owner}/{}", policy.name);
                    account.documents.push(Slot::Ready(document));
                    Use::Document(account.documents.len() - 1)
                })
                .collect()
        };
        let mut groups: HashMap<&str, Vec<Use>> = HashMap::new();
        for group in &gaad.groups {
            let mut uses = inline(format!("group {}", group.name), &group.inline_policies);
            uses.extend(group.attached_policies.iter().map(|a| resolve(&managed, a)));
            groups.insert(&group.name, uses);
        }
        let mut principals = Vec::new();
        for role in &gaad.roles {
            let mut identity = inline(format!("role {}", role.name), &role.inline_policies);
            identity.extend(role.attached_policies.iter().map(|a| resolve(&managed, a)));
            principals.push(Principal {
                kind: PrincipalKind::Role,
                name: role.name.clone(),
                arn: role.arn.clone(),
                tags: role
                    .tags
                    .iter()
                    .map(|t| (t.key.clone(), t.value.clone()))
                    .collect(),
                identity,
                boundary: role
                    .permissions_boundary
                    .as_deref()
                    .map(|a| resolve(&managed, a)),
            });
        }
        for user in &gaad.users {
            let mut identity = inline(format!("user {}", user.name), &user.inline_policies);
            identity.extend(user.attached_policies.iter().map(|a| resolve(&managed, a)));
            for group in &user.groups {
                match groups.get(group.as_str()) {
                    Some(uses) => identity.extend(uses.iter().cloned()),
                    // An export filtered to users keeps their `GroupList` but not the groups:
                    // their policies are unread, like an attached policy the export lacks.
                    None => identity.push(Use::External(group_arn(&user.arn, group))),
                }
            }
            principals.push(Principal {
                kind: PrincipalKind::User,
                name: user.name.clone(),
                arn: user.arn.clone(),
                tags: user
                    .tags
                    .iter()
                    .map(|t| (t.key.clone(), t.value.clone()))
                    .collect(),
                identity,
                boundary: user
                    .permissions_boundary
                    .as_deref()
                    .map(|a| resolve(&managed, a)),
            });
        }
        for principal in principals {
            account.add(principal);
        }
        account
    }

    fn add(&mut self, principal: Principal) {
        let index = self.principals.len();
        self.by_name
            .entry(principal.name.to_lowercase())
            .or_default()
            .push(index);
        self.by_arn.insert(principal.arn.to_lowercase(), index);
        self.principals.push(principal);
        self.prepared.push(None);
    }

    /// The files the documents' positions point into; callers may add their own (a file of
    /// questions) to render diagnostics about them with the same table.
    pub fn sources(&self) -> &Sources {
        &self.sources
    }

    pub fn sources_mut(&mut self) -> &mut Sources {
        &mut self.sources
    }

    /// The roles and users, roles first, each in source order.
    pub fn principals(&self) -> &[Principal] {
        &self.principals
    }

    pub fn principal(&self, index: usize) -> &Principal {
        &self.principals[index]
    }

    /// The principal a name or ARN names. Names are compared ignoring case, as IAM does. ARNs
    /// are role and user ARNs (with their paths), or the `arn:aws:sts::ACCOUNT:assumed-role/NAME/
    /// SESSION` of a session of a role, which asks about the role.
    pub fn find(&self, wanted: &str) -> Result<usize, NotFound> {
        let lower = wanted.to_lowercase();
        if lower.starts_with("arn:") {
            if let Some(&index) = self.by_arn.get(&lower) {
                return Ok(index);
            }
            if let Some(index) = self.assumed_role(&lower) {
                return Ok(index);
            }
            let arns = self.principals.iter().map(|p| p.arn.as_str());
            return Err(NotFound::Unknown {
                suggestion: did_you_mean(wanted, arns).map(str::to_string),
            });
        }
        match self.by_name.get(&lower).map(Vec::as_slice) {
            Some([one]) => Ok(*one),
            Some(several) => Err(NotFound::Ambiguous(
                several
                    .iter()
                    .map(|&i| self.principals[i].arn.clone())
                    .collect(),
            )),
            None => {
                let names = self.principals.iter().map(|p| p.name.as_str());
                Err(NotFound::Unknown {
                    suggestion: did_you_mean(wanted, names).map(str::to_string),
                })
            }
        }
    }

    /// The role or user (`kind`) of that name, ignoring case; else the closest name of that kind.
    pub fn find_kind(&self, kind: PrincipalKind, name: &str) -> Result<usize, NotFound> {
        let found = self.by_name.get(&name.to_lowercase()).and_then(|all| {
            all.iter()
                .copied()
                .find(|&i| self.principals[i].kind == kind)
        });
        found.ok_or_else(|| {
            let names = self
                .principals
                .iter()
                .filter(|p| p.kind == kind)
                .map(|p| p.name.as_str());
            NotFound::Unknown {
                suggestion: did_you_mean(name, names).map(str::to_string),
            }
        })
    }

    /// `arn:PARTITION:sts::ACCOUNT:assumed-role/NAME/SESSION` → the role NAME of that account.
    fn assumed_role(&self, lower: &str) -> Option<usize> {
        let [_, partition, "sts", "", account, resource] = crate::iam::names::arn_parts(lower)?
        else {
            return None;
        };
        let mut pieces = resource.split('/');
        let ("assumed-role", Some(name), Some(_session), None) =
            (pieces.next()?, pieces.next(), pieces.next(), pieces.next())
        else {
            return None;
        };
        let candidates = self.by_name.get(name)?;
        candidates.iter().copied().find(|&i| {
            let p = &self.principals[i];
            let arn = p.arn.to_lowercase();
            p.kind == PrincipalKind::Role
                && arn.starts_with(&format!("arn:{partition}:iam::{account}:role/"))
        })
    }

    /// Gathers and prepares the policies of principal `index`, once; later calls return at once.
    /// `read` gets a file name of a build output's manifest and returns the name to show for it
    /// and its text (it is not called for compiled projects).
    pub fn prepare(&mut self, index: usize, read: &mut ReadFile<'_>) -> Result<(), PrepareError> {
        if self.prepared[index].is_some() {
            return Ok(());
        }
        let principal = &self.principals[index];
        let wanted: Vec<usize> = principal
            .identity
            .iter()
            .chain(&principal.boundary)
            .filter_map(|u| match u {
                Use::Document(d) => Some(*d),
                Use::External(_) => None,
            })
            .collect();
        for d in wanted {
            self.load(d, read)?;
        }
        let principal = &self.principals[index];
        let mut external = Vec::new();
        let mut identity = Vec::new();
        for u in &principal.identity {
            match u {
                Use::Document(d) => identity.push(self.ready(*d).clone()),
                Use::External(arn) => external.push(arn.clone()),
            }
        }
        let (boundary, unread_boundary) = match &principal.boundary {
            Some(Use::Document(d)) => (Some(vec![self.ready(*d).clone()]), None),
            Some(Use::External(arn)) => {
                external.push(arn.clone());
                (None, Some(arn.clone()))
            }
            None => (None, None),
        };
        let context = self.principals[index].context();
        let mut prepared = Prepared::new(identity, boundary, external).with_context(context);
        if let Some(arn) = unread_boundary {
            prepared = prepared.with_unread_boundary(arn);
        }
        self.prepared[index] = Some(prepared);
        Ok(())
    }

    /// Every principal's decision on `request` (`iamx who-can`), in the account's order, each
    /// principal prepared on first use; one whose policies could not be gathered comes back as
    /// the error. Explicit denies and boundaries apply as in [`Prepared::evaluate`].
    pub fn answer_all(
        &mut self,
        request: &Request,
        read: &mut ReadFile<'_>,
    ) -> Vec<(usize, Result<Evaluation, PrepareError>)> {
        (0..self.principals.len())
            .map(|index| {
                let answer = self.prepare(index, read).map(|()| {
                    self.prepared[index]
                        .as_ref()
                        .expect("prepared")
                        .evaluate_asked(request)
                });
                (index, answer)
            })
            .collect()
    }

    /// The prepared policies of principal `index`, once [`Account::prepare`] succeeded.
    pub fn prepared(&self, index: usize) -> Option<&Prepared> {
        self.prepared[index].as_ref()
    }

    fn ready(&self, d: usize) -> &LocatedDocument {
        match &self.documents[d] {
            Slot::Ready(located) => located,
            _ => unreachable!("loaded before use"),
        }
    }

    fn load(&mut self, d: usize, read: &mut ReadFile<'_>) -> Result<(), PrepareError> {
        let (name, file) = match &self.documents[d] {
            Slot::Ready(_) => return Ok(()),
            Slot::Failed(message) => {
                return Err(PrepareError {
                    message: message.clone(),
                    diagnostics: Vec::new(),
                })
            }
            Slot::Unread { name, file } => (name.clone(), file.clone()),
        };
        let (shown, text) = match read(&file) {
            Ok(read) => read,
            Err(message) => {
                self.documents[d] = Slot::Failed(message.clone());
                return Err(PrepareError {
                    message,
                    diagnostics: Vec::new(),
                });
            }
        };
        let id = self.sources.add(shown.clone(), text);
        let (policy, diagnostics) = crate::iam::read::read(id, &self.sources.get(id).text);
        match policy {
            Some(policy) if !diagnostics.iter().any(Diagnostic::is_error) => {
                self.documents[d] = Slot::Ready(LocatedDocument::from_read(name, policy));
                Ok(())
            }
            _ => {
                let message = format!("`{shown}` is not an IAM policy document");
                self.documents[d] = Slot::Failed(message.clone());
                Err(PrepareError {
                    message,
                    diagnostics,
                })
            }
        }
    }
}

fn resolve(managed: &HashMap<&str, usize>, arn: &str) -> Use {
    match managed.get(arn) {
        Some(&d) => Use::Document(d),
        None => Use::External(arn.to_string()),
    }
}

#[cfg(test)]
mod tests;
