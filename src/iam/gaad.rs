//! An AWS account's IAM as `aws iam get-account-authorization-details` (GAAD) gives it.
//!
//! In: a file's id and the GAAD text, from real AWS or from moto, with policy documents as JSON
//! objects (the AWS CLI decodes them), as JSON text, or URL-encoded (the IAM API). Out: an
//! [`Account`] (plain data: roles, users, groups, managed policies with their default version,
//! the account ID and partition) whose every document is a [`LocatedDocument`] pointing into the
//! file, or diagnostics with positions for what keeps the text from being a GAAD. Read with the
//! one JSON reader ([`crate::iam::json`]) and the one policy reader ([`crate::iam::read`]).
//!
//! Keys this model does not carry (dates, `RoleLastUsed`, IDs of instance profiles' roles, ...)
//! are ignored, so newer GAAD fields do not stop a read. moto's GAAD leaves out `PolicyName`
//! (the name is the ARN's last segment, as in AWS) and a role's `MaxSessionDuration` (taken from
//! the copy of the role inside its instance profile when there is one).

use crate::diagnostics::{Code, Diagnostic};
use crate::iam::json::{self, Json, JsonKind, Member};
use crate::iam::located::LocatedDocument;
use crate::iam::read;
use crate::source::{FileId, Span};

/// The largest GAAD read, in bytes: an account at IAM's quotas (5,000 roles with 10 KiB of
/// inline policy each, 5,000 users, 1,500 customer managed policies with 5 versions) stays
/// under 128 MiB of JSON, while the tree read from it stays a few times that.
pub const MAX_BYTES: usize = 256 << 20;

/// The top-level keys of a GAAD; a JSON object with any of them is read as one.
pub const KEYS: [&str; 4] = [
    "RoleDetailList",
    "UserDetailList",
    "GroupDetailList",
    "Policies",
];

/// One account's IAM entities.
#[derive(Debug, Clone)]
pub struct Account {
    /// The 12-digit account of the entities' ARNs (`None` when the GAAD names no entity of one).
    pub account_id: Option<String>,
    /// The partition of those ARNs: `aws`, `aws-cn`, `aws-us-gov`.
    pub partition: Option<String>,
    pub roles: Vec<Role>,
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    /// Customer managed policies, and the AWS managed policies the GAAD lists (those attached
    /// to something in real AWS; every one loaded in moto).
    pub policies: Vec<ManagedPolicy>,
}

/// An IAM role.
#[derive(Debug, Clone)]
pub struct Role {
    pub name: String,
    pub path: String,
    pub arn: String,
    pub id: Option<String>,
    pub description: Option<String>,
    /// The trust policy (`AssumeRolePolicyDocument`).
    pub trust_policy: LocatedDocument,
    /// In seconds; `None` when the GAAD does not say (AWS's default is 3,600).
    pub max_session_duration: Option<u64>,
    /// The ARN of the permissions boundary.
    pub permissions_boundary: Option<String>,
    pub inline_policies: Vec<InlinePolicy>,
    /// ARNs of the attached managed policies, in the GAAD's order.
    pub attached_policies: Vec<String>,
    pub instance_profiles: Vec<InstanceProfile>,
    pub tags: Vec<Tag>,
    /// The role's object in the file.
    pub span: Span,
}

/// An IAM user.
#[derive(Debug, Clone)]
pub struct User {
    pub name: String,
    pub path: String,
    pub arn: String,
    pub id: Option<String>,
    /// The names of the groups the user is in.
    pub groups: Vec<String>,
    pub permissions_boundary: Option<String>,
    pub inline_policies: Vec<InlinePolicy>,
    pub attached_policies: Vec<String>,
    pub tags: Vec<Tag>,
    pub span: Span,
}

/// An IAM group (groups have no boundary and no tags).
#[derive(Debug, Clone)]
pub struct Group {
    pub name: String,
    pub path: String,
    pub arn: String,
    pub id: Option<String>,
    pub inline_policies: Vec<InlinePolicy>,
    pub attached_policies: Vec<String>,
    pub span: Span,
}

/// A managed policy with its default version's document.
#[derive(Debug, Clone)]
pub struct ManagedPolicy {
    pub name: String,
    pub path: String,
    pub arn: String,
    pub id: Option<String>,
    pub description: Option<String>,
    /// `v1`, `v2`, ...: the version the document is.
    pub default_version: Option<String>,
    /// An AWS managed policy (`arn:aws:iam::aws:policy/...`), not one of the account's own.
    pub aws_managed: bool,
    /// How many versions `PolicyVersionList` lists (AWS keeps at most five of a customer
    /// managed policy: a sixth is refused until one is deleted).
    pub versions: usize,
    pub document: LocatedDocument,
    /// A customer managed policy's versions other than the default, in the export's order
    /// (`iam:SetDefaultPolicyVersion` can make any of them the default); none for AWS's.
    pub other_versions: Vec<PolicyVersion>,
    pub span: Span,
}

/// A version of a customer managed policy that is not its default.
#[derive(Debug, Clone)]
pub struct PolicyVersion {
    /// `v1`, `v2`, ... (empty when the export does not say).
    pub id: String,
    /// Its document; `None` when it is not a policy document the reader accepts.
    pub document: Option<LocatedDocument>,
}

/// An inline policy of a role, user or group.
#[derive(Debug, Clone)]
pub struct InlinePolicy {
    pub name: String,
    pub document: LocatedDocument,
}

/// An instance profile a role is in.
#[derive(Debug, Clone)]
pub struct InstanceProfile {
    pub name: String,
    pub path: String,
    pub arn: String,
    pub id: Option<String>,
}

/// One tag, in the GAAD's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

impl Account {
    /// The managed policy with this ARN, if the GAAD lists it.
    pub fn policy(&self, arn: &str) -> Option<&ManagedPolicy> {
        self.policies.iter().find(|p| p.arn == arn)
    }

    /// The policies that serve some role or user as permissions boundary, by ARN.
    pub fn boundary_arns(&self) -> std::collections::BTreeSet<&str> {
        self.roles
            .iter()
            .filter_map(|r| r.permissions_boundary.as_deref())
            .chain(
                self.users
                    .iter()
                    .filter_map(|u| u.permissions_boundary.as_deref()),
            )
            .collect()
    }
}

/// Whether a parsed JSON value is a GAAD (an object with one of [`KEYS`]).
pub fn is_gaad(root: &Json<'_>) -> bool {
    match &root.kind {
        JsonKind::Object(members) => members.iter().any(|m| KEYS.contains(&m.key.as_ref())),
        _ => false,
    }
}

/// Reads a GAAD from text; the account is `None` when any error was found.
pub fn read(file: FileId, text: &str) -> (Option<Account>, Vec<Diagnostic>) {
    if text.len() > MAX_BYTES {
        let d = Diagnostic::new(
            Code::InputLimit,
            format!(
                "the file is {} bytes, over iamx's limit of {} for an account export",
                crate::diagnostics::thousands(text.len()),
                crate::diagnostics::thousands(MAX_BYTES)
            ),
        )
        .at(Span::new(file, 0, 0), "not read")
        .with_help("export fewer entities at a time (`--filter Role`, `--filter User`, ...)");
        return (None, vec![d]);
    }
    match json::parse(text) {
        Ok(root) => from_json(file, text, &root),
        Err(error) => (
            None,
            vec![read::syntax_error(
                file,
                text,
                error,
                "a GAAD is about 14 levels deep",
            )],
        ),
    }
}

/// Reads a GAAD from a JSON value parsed from `text`, the text of `file`.
pub fn from_json(file: FileId, text: &str, root: &Json<'_>) -> (Option<Account>, Vec<Diagnostic>) {
    let mut reader = Reader {
        file,
        text,
        diagnostics: Vec::new(),
    };
    let account = reader.account(root);
    let failed = reader.diagnostics.iter().any(Diagnostic::is_error);
    (account.filter(|_| !failed), reader.diagnostics)
}

/// `(partition, account)` of an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:...`).
pub fn arn_account(arn: &str) -> Option<(&str, &str)> {
    let [prefix, partition, _, _, account, _] = super::names::arn_parts(arn)?;
    (prefix == "arn").then_some((partition, account))
}

/// URL-decoding of a document as the IAM API returns it (RFC 3986: `%XX`; `+` is itself).
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 3 <= bytes.len() {
            if let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

struct Reader<'t> {
    file: FileId,
    /// The text the JSON was parsed from, for documents read from it.
    text: &'t str,
    diagnostics: Vec<Diagnostic>,
}

/// The members of an object by key (the first of a repeated key).
fn get<'j, 't>(members: &'j [Member<'t>], key: &str) -> Option<&'j Json<'t>> {
    members.iter().find(|m| m.key == key).map(|m| &m.value)
}

impl Reader<'_> {
    fn span(&self, value: &Json) -> Span {
        Span::new(self.file, value.start, value.end)
    }

    fn wrong(&mut self, value: &Json, expected: &str, what: &str) {
        let d = Diagnostic::new(
            Code::InvalidPolicyJson,
            format!(
                "{what}: expected {expected}, found {}",
                value.kind.describe()
            ),
        )
        .at(self.span(value), "wrong kind of value")
        .with_help("is this the output of `aws iam get-account-authorization-details`?");
        self.diagnostics.push(d);
    }

    fn object<'j, 't>(&mut self, value: &'j Json<'t>, what: &str) -> Option<&'j [Member<'t>]> {
        match &value.kind {
            JsonKind::Object(members) => Some(members),
            _ => {
                self.wrong(value, "an object", what);
                None
            }
        }
    }

    /// The items of a list member; absent or `null` is empty.
    fn list<'j, 't>(&mut self, members: &'j [Member<'t>], key: &str, what: &str) -> &'j [Json<'t>] {
        match get(members, key).map(|v| (v, &v.kind)) {
            None | Some((_, JsonKind::Null)) => &[],
            Some((_, JsonKind::Array(items))) => items.as_slice(),
            Some((value, _)) => {
                self.wrong(value, "a list", &format!("{what}: `{key}`"));
                &[]
            }
        }
    }

    /// An optional string member.
    fn string(&mut self, members: &[Member], key: &str, what: &str) -> Option<String> {
        match get(members, key).map(|v| (v, &v.kind)) {
            None | Some((_, JsonKind::Null)) => None,
            Some((_, JsonKind::String(text))) => Some(text.to_string()),
            Some((value, _)) => {
                self.wrong(value, "a string", &format!("{what}: `{key}`"));
                None
            }
        }
    }

    /// A required string member.
    fn required(
        &mut self,
        members: &[Member],
        key: &str,
        object: &Json,
        what: &str,
    ) -> Option<String> {
        let found = self.string(members, key, what);
        if found.is_none() && get(members, key).is_none() {
            self.missing(object, key, what);
        }
        found
    }

    fn missing(&mut self, object: &Json, key: &str, what: &str) {
        let span = Span::new(self.file, object.start, object.start + 1);
        self.diagnostics.push(
            Diagnostic::new(Code::MissingElement, format!("{what} has no `{key}`"))
                .at(span, "in this object")
                .with_help(format!(
                    "every entry of a GAAD has `{key}`; is the file cut short or edited?"
                )),
        );
    }

    fn number(&mut self, members: &[Member], key: &str, what: &str) -> Option<u64> {
        let value = get(members, key)?;
        match &value.kind {
            JsonKind::Number(text) if text.parse::<u64>().is_ok() => text.parse().ok(),
            JsonKind::Null => None,
            _ => {
                self.wrong(value, "a whole number", &format!("{what}: `{key}`"));
                None
            }
        }
    }

    /// A policy document: a JSON object, JSON text, or URL-encoded JSON text.
    fn document(&mut self, value: &Json, name: String) -> Option<LocatedDocument> {
        match &value.kind {
            JsonKind::Object(_) => {
                let (policy, mut diagnostics) = read::read_value(self.file, self.text, value);
                self.diagnostics.append(&mut diagnostics);
                Some(LocatedDocument::from_read(name, policy?))
            }
            JsonKind::String(text) => {
                let decoded = if text.trim_start().starts_with('{') {
                    text.to_string()
                } else {
                    percent_decode(text)
                };
                let span = self.span(value);
                match read::policy_from_str(&decoded) {
                    Ok(policy) => Some(LocatedDocument {
                        name,
                        spans: vec![span; policy.statements.len()],
                        policy,
                        span,
                    }),
                    Err(error) => {
                        self.diagnostics.push(
                            Diagnostic::new(
                                Code::InvalidPolicyJson,
                                format!("{name}: not an IAM policy document: {error}"),
                            )
                            .at(span, "this encoded document")
                            .with_note("line and column are in the decoded document")
                            .with_help("decode it (it is URL-encoded JSON) and fix the policy"),
                        );
                        None
                    }
                }
            }
            _ => {
                self.wrong(value, "a policy document", &name);
                None
            }
        }
    }

    fn tags(&mut self, members: &[Member], what: &str) -> Vec<Tag> {
        let mut tags = Vec::new();
        for item in self.list(members, "Tags", what) {
            let Some(tag) = self.object(item, &format!("{what}: a tag")) else {
                continue;
            };
            let key = self.required(tag, "Key", item, &format!("{what}: a tag"));
            let value = self
                .string(tag, "Value", &format!("{what}: a tag"))
                .unwrap_or_default();
            if let Some(key) = key {
                tags.push(Tag { key, value });
            }
        }
        tags
    }

    fn boundary(&mut self, members: &[Member], what: &str) -> Option<String> {
        let value = get(members, "PermissionsBoundary")?;
        if value.kind == JsonKind::Null {
            return None;
        }
        let boundary = self.object(value, &format!("{what}: `PermissionsBoundary`"))?;
        self.required(
            boundary,
            "PermissionsBoundaryArn",
            value,
            &format!("{what}'s `PermissionsBoundary`"),
        )
    }

    fn attached(&mut self, members: &[Member], what: &str) -> Vec<String> {
        let mut arns = Vec::new();
        for item in self.list(members, "AttachedManagedPolicies", what) {
            let label = format!("{what}: an attached policy");
            let Some(policy) = self.object(item, &label) else {
                continue;
            };
            if let Some(arn) = self.required(policy, "PolicyArn", item, &label) {
                arns.push(arn);
            }
        }
        arns
    }

    fn inline(&mut self, members: &[Member], key: &str, what: &str) -> Vec<InlinePolicy> {
        let mut policies = Vec::new();
        for item in self.list(members, key, what) {
            let label = format!("{what}: an inline policy");
            let Some(policy) = self.object(item, &label) else {
                continue;
            };
            let Some(name) = self.required(policy, "PolicyName", item, &label) else {
                continue;
            };
            let Some(value) = get(policy, "PolicyDocument") else {
                self.missing(item, "PolicyDocument", &format!("{what}'s policy `{name}`"));
                continue;
            };
            if let Some(document) = self.document(value, format!("{what} inline policy `{name}`")) {
                policies.push(InlinePolicy { name, document });
            }
        }
        policies
    }

    /// Name, path, ARN and ID of an entity.
    fn entity(
        &mut self,
        members: &[Member],
        object: &Json,
        name_key: &str,
        id_key: &str,
        what: &str,
    ) -> Option<(String, String, String, Option<String>)> {
        let name = self.required(members, name_key, object, what);
        let arn = self.required(members, "Arn", object, what);
        let path = self
            .string(members, "Path", what)
            .unwrap_or_else(|| "/".to_string());
        let id = self.string(members, id_key, what);
        Some((name?, path, arn?, id))
    }

    fn account(&mut self, root: &Json) -> Option<Account> {
        let members = self.object(root, "an account export")?;
        // Anything else read as an account of nothing would pass every gate asked of it.
        if !members.iter().any(|m| KEYS.contains(&m.key.as_ref())) {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::InvalidPolicyJson,
                    "this is not an account authorization details export",
                )
                .at(
                    Span::new(self.file, root.start, root.start + 1),
                    "no `RoleDetailList`, `UserDetailList`, `GroupDetailList` or `Policies` in this object",
                )
                .with_help("export the account with `aws iam get-account-authorization-details > account.json`"),
            );
            return None;
        }
        let mut account = Account {
            account_id: None,
            partition: None,
            roles: Vec::new(),
            users: Vec::new(),
            groups: Vec::new(),
            policies: Vec::new(),
        };
        for item in self.list(members, "Policies", "the GAAD") {
            if let Some(policy) = self.policy(item) {
                account.policies.push(policy);
            }
        }
        for item in self.list(members, "GroupDetailList", "the GAAD") {
            if let Some(group) = self.group(item) {
                account.groups.push(group);
            }
        }
        for item in self.list(members, "UserDetailList", "the GAAD") {
            if let Some(user) = self.user(item) {
                account.users.push(user);
            }
        }
        for item in self.list(members, "RoleDetailList", "the GAAD") {
            if let Some(role) = self.role(item) {
                account.roles.push(role);
            }
        }
        self.listed_once("role", account.roles.iter().map(|r| (&r.name, r.span)));
        self.listed_once("user", account.users.iter().map(|u| (&u.name, u.span)));
        self.listed_once("group", account.groups.iter().map(|g| (&g.name, g.span)));
        self.listed_once("policy", account.policies.iter().map(|p| (&p.arn, p.span)));
        // The account of the entities (never AWS's own `aws` of its managed policies).
        let arns = account
            .roles
            .iter()
            .map(|r| r.arn.as_str())
            .chain(account.users.iter().map(|u| u.arn.as_str()))
            .chain(account.groups.iter().map(|g| g.arn.as_str()))
            .chain(
                account
                    .policies
                    .iter()
                    .filter(|p| !p.aws_managed)
                    .map(|p| p.arn.as_str()),
            );
        for arn in arns {
            if let Some((partition, id)) = arn_account(arn) {
                if super::names::is_account_id(id) {
                    account.account_id = Some(id.to_string());
                    account.partition = Some(partition.to_string());
                    break;
                }
            }
        }
        if account.partition.is_none() {
            account.partition = account
                .policies
                .iter()
                .find_map(|p| arn_account(&p.arn))
                .map(|(partition, _)| partition.to_string());
        }
        Some(account)
    }

    /// One error per entity listed again. IAM names are unique in an account, case aside
    /// (a managed policy's ARN is its key); an export listing one twice was merged or edited,
    /// and reading both would give one name two sets of policies, and the graph both edges.
    fn listed_once<'n>(&mut self, kind: &str, entities: impl Iterator<Item = (&'n String, Span)>) {
        let mut first: std::collections::HashMap<String, Span> = std::collections::HashMap::new();
        for (name, span) in entities {
            let head =
                |span: Span| Span::new(span.file, span.start as usize, span.start as usize + 1);
            match first.entry(name.to_lowercase()) {
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(span);
                }
                std::collections::hash_map::Entry::Occupied(earlier) => self.diagnostics.push(
                    Diagnostic::new(
                        Code::DuplicateName,
                        format!("{kind} `{name}` is listed twice in the account export"),
                    )
                    .at(head(span), "listed again here")
                    .with_label(head(*earlier.get()), "first listed here")
                    .with_help("IAM names are unique in an account, whatever their case: export the account again with `aws iam get-account-authorization-details`"),
                ),
            }
        }
    }

    fn policy(&mut self, item: &Json) -> Option<ManagedPolicy> {
        let members = self.object(item, "a managed policy")?;
        let arn = self.required(members, "Arn", item, "a managed policy")?;
        // moto leaves out `PolicyName`; the ARN ends with it, as in AWS.
        let name = match self.string(members, "PolicyName", "a managed policy") {
            Some(name) => name,
            None => arn.rsplit('/').next().unwrap_or_default().to_string(),
        };
        let what = format!("policy `{name}`");
        let path = self
            .string(members, "Path", &what)
            .unwrap_or_else(|| "/".to_string());
        let id = self.string(members, "PolicyId", &what);
        let description = self.string(members, "Description", &what);
        let default_id = self.string(members, "DefaultVersionId", &what);
        let versions = self.list(members, "PolicyVersionList", &what);
        let mut default = None;
        let mut others = Vec::new();
        for version in versions {
            let Some(fields) = self.object(version, &format!("{what}: a version")) else {
                continue;
            };
            let flagged = match get(fields, "IsDefaultVersion").map(|v| &v.kind) {
                Some(JsonKind::Bool(b)) => *b,
                _ => false,
            };
            let version_id = self.string(fields, "VersionId", &what);
            if flagged || (default.is_none() && version_id.is_some() && version_id == default_id) {
                if let Some((_, earlier, earlier_id)) =
                    default.replace((version, fields, version_id))
                {
                    others.push((earlier, earlier_id));
                }
            } else {
                others.push((fields, version_id));
            }
        }
        let Some((version, fields, version_id)) = default else {
            let span = self.span(item);
            self.diagnostics.push(
                Diagnostic::new(
                    Code::MissingElement,
                    format!("{what} has no default version in `PolicyVersionList`"),
                )
                .at(Span::new(self.file, span.start as usize, span.start as usize + 1), "in this policy")
                .with_help("export with `aws iam get-account-authorization-details`, which lists every version"),
            );
            return None;
        };
        let Some(document) = get(fields, "Document") else {
            self.missing(
                version,
                "Document",
                &format!("the default version of {what}"),
            );
            return None;
        };
        let document = self.document(document, what.clone())?;
        let aws_managed = arn_account(&arn).is_some_and(|(_, account)| account == "aws");
        // The other versions of the account's own policies: a version that does not read is
        // kept without its document (what it grants is not known), and says nothing here.
        let other_versions = match aws_managed {
            true => Vec::new(),
            false => (others.into_iter())
                .map(|(fields, version_id)| {
                    let id = version_id.unwrap_or_default();
                    let document = get(fields, "Document").and_then(|value| {
                        let kept = self.diagnostics.len();
                        let read = self.document(value, format!("{what} version {id}"));
                        let failed = self.diagnostics[kept..].iter().any(Diagnostic::is_error);
                        self.diagnostics.truncate(kept);
                        read.filter(|_| !failed)
                    });
                    PolicyVersion { id, document }
                })
                .collect(),
        };
        Some(ManagedPolicy {
            name,
            path,
            arn,
            id,
            description,
            default_version: version_id.or(default_id),
            aws_managed,
            versions: versions.len(),
            document,
            other_versions,
            span: self.span(item),
        })
    }

    fn group(&mut self, item: &Json) -> Option<Group> {
        let members = self.object(item, "a group")?;
        let (name, path, arn, id) =
            self.entity(members, item, "GroupName", "GroupId", "a group")?;
        let what = format!("group `{name}`");
        Some(Group {
            inline_policies: self.inline(members, "GroupPolicyList", &what),
            attached_policies: self.attached(members, &what),
            name,
            path,
            arn,
            id,
            span: self.span(item),
        })
    }

    fn user(&mut self, item: &Json) -> Option<User> {
        let members = self.object(item, "a user")?;
        let (name, path, arn, id) = self.entity(members, item, "UserName", "UserId", "a user")?;
        let what = format!("user `{name}`");
        let mut groups = Vec::new();
        for group in self.list(members, "GroupList", &what) {
            match &group.kind {
                JsonKind::String(text) => groups.push(text.to_string()),
                _ => self.wrong(group, "a group name", &format!("{what}: `GroupList`")),
            }
        }
        Some(User {
            groups,
            permissions_boundary: self.boundary(members, &what),
            inline_policies: self.inline(members, "UserPolicyList", &what),
            attached_policies: self.attached(members, &what),
            tags: self.tags(members, &what),
            name,
            path,
            arn,
            id,
            span: self.span(item),
        })
    }

    fn role(&mut self, item: &Json) -> Option<Role> {
        let members = self.object(item, "a role")?;
        let (name, path, arn, id) = self.entity(members, item, "RoleName", "RoleId", "a role")?;
        let what = format!("role `{name}`");
        let mut instance_profiles = Vec::new();
        // moto gives `MaxSessionDuration` only in the copy of the role inside its profiles.
        let mut nested_session = None;
        for profile in self.list(members, "InstanceProfileList", &what) {
            let label = format!("{what}: an instance profile");
            let Some(fields) = self.object(profile, &label) else {
                continue;
            };
            if let Some((name, path, arn, id)) = self.entity(
                fields,
                profile,
                "InstanceProfileName",
                "InstanceProfileId",
                &label,
            ) {
                instance_profiles.push(InstanceProfile {
                    name,
                    path,
                    arn,
                    id,
                });
            }
            if let Some(JsonKind::Array(roles)) = get(fields, "Roles").map(|r| &r.kind) {
                for copy in roles {
                    if let JsonKind::Object(copy) = &copy.kind {
                        let same = get(copy, "Arn")
                            .is_some_and(|a| matches!(&a.kind, JsonKind::String(s) if *s == *arn));
                        if same {
                            nested_session = nested_session
                                .or_else(|| self.number(copy, "MaxSessionDuration", &label));
                        }
                    }
                }
            }
        }
        let trust_policy = match get(members, "AssumeRolePolicyDocument") {
            Some(value) => self.document(value, format!("{what} trust policy")),
            None => {
                self.missing(item, "AssumeRolePolicyDocument", &what);
                None
            }
        };
        Some(Role {
            description: self.string(members, "Description", &what),
            max_session_duration: self
                .number(members, "MaxSessionDuration", &what)
                .or(nested_session),
            permissions_boundary: self.boundary(members, &what),
            inline_policies: self.inline(members, "RolePolicyList", &what),
            attached_policies: self.attached(members, &what),
            tags: self.tags(members, &what),
            instance_profiles,
            trust_policy: trust_policy?,
            name,
            path,
            arn,
            id,
            span: self.span(item),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;
    const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

    fn encoded(text: &str) -> String {
        let mut out = String::new();
        for b in text.bytes() {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }

    /// A GAAD in the real AWS shape: URL-encoded documents, names, IDs and dates.
    fn aws_shape() -> String {
        format!(
            r#"{{
  "UserDetailList": [{{"Path": "/", "UserName": "alice", "UserId": "AIDA1", "Arn": "arn:aws:iam::123456789012:user/alice",
    "CreateDate": "2024-01-01T00:00:00Z", "GroupList": ["devs"], "AttachedManagedPolicies": [],
    "UserPolicyList": [{{"PolicyName": "own", "PolicyDocument": "{doc}"}}],
    "PermissionsBoundary": {{"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": "arn:aws:iam::123456789012:policy/Bound"}},
    "Tags": [{{"Key": "team", "Value": "data"}}]}}],
  "GroupDetailList": [{{"Path": "/", "GroupName": "devs", "GroupId": "AGPA1", "Arn": "arn:aws:iam::123456789012:group/devs",
    "GroupPolicyList": [], "AttachedManagedPolicies": [{{"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}}]}}],
  "RoleDetailList": [{{"Path": "/app/", "RoleName": "etl", "RoleId": "AROA1", "Arn": "arn:aws:iam::123456789012:role/app/etl",
    "AssumeRolePolicyDocument": "{trust}", "MaxSessionDuration": 7200, "Description": "the ETL",
    "InstanceProfileList": [{{"Path": "/app/", "InstanceProfileName": "etl", "InstanceProfileId": "AIPA1", "Arn": "arn:aws:iam::123456789012:instance-profile/app/etl", "Roles": []}}],
    "RolePolicyList": [{{"PolicyName": "a", "PolicyDocument": "{doc}"}}, {{"PolicyName": "b", "PolicyDocument": "{doc}"}}],
    "AttachedManagedPolicies": [{{"PolicyName": "Bound", "PolicyArn": "arn:aws:iam::123456789012:policy/Bound"}}],
    "Tags": [], "RoleLastUsed": {{}}}}],
  "Policies": [{{"PolicyName": "Bound", "PolicyId": "ANPA1", "Arn": "arn:aws:iam::123456789012:policy/Bound", "Path": "/",
    "DefaultVersionId": "v2", "AttachmentCount": 1, "IsAttachable": true,
    "PolicyVersionList": [{{"Document": "{doc}", "VersionId": "v2", "IsDefaultVersion": true}}, {{"Document": "%7B%7D", "VersionId": "v1", "IsDefaultVersion": false}}]}},
    {{"PolicyName": "ReadOnlyAccess", "Arn": "arn:aws:iam::aws:policy/ReadOnlyAccess", "Path": "/", "DefaultVersionId": "v1",
    "PolicyVersionList": [{{"Document": {POLICY}, "VersionId": "v1", "IsDefaultVersion": true}}]}}]
}}"#,
            doc = encoded(POLICY),
            trust = encoded(TRUST),
        )
    }

    #[test]
    fn the_aws_shape_reads_into_the_model() {
        let (account, diagnostics) = read(FileId(0), &aws_shape());
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let account = account.unwrap();
        assert_eq!(account.account_id.as_deref(), Some("123456789012"));
        assert_eq!(account.partition.as_deref(), Some("aws"));
        let role = &account.roles[0];
        assert_eq!((role.name.as_str(), role.path.as_str()), ("etl", "/app/"));
        assert_eq!(role.max_session_duration, Some(7200));
        assert_eq!(role.inline_policies.len(), 2);
        assert_eq!(role.instance_profiles[0].name, "etl");
        assert_eq!(
            role.trust_policy.policy.statements[0].action.as_deref(),
            Some(&["sts:AssumeRole".to_string()][..])
        );
        let user = &account.users[0];
        assert_eq!(user.groups, ["devs"]);
        assert_eq!(
            user.tags,
            [Tag {
                key: "team".into(),
                value: "data".into()
            }]
        );
        assert_eq!(
            user.permissions_boundary.as_deref(),
            Some("arn:aws:iam::123456789012:policy/Bound")
        );
        assert_eq!(
            account.groups[0].attached_policies,
            ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
        );
        let bound = account
            .policy("arn:aws:iam::123456789012:policy/Bound")
            .unwrap();
        assert!(!bound.aws_managed);
        assert_eq!(bound.default_version.as_deref(), Some("v2"));
        assert_eq!(bound.versions, 2);
        // The other version is kept, by its ID; `{}` is not a policy it can read.
        assert_eq!(bound.other_versions.len(), 1);
        assert_eq!(bound.other_versions[0].id, "v1");
        assert!(bound.other_versions[0].document.is_none());
        assert_eq!(bound.document.policy.statements.len(), 1);
        assert!(account.policies[1].aws_managed);
        assert_eq!(
            account.boundary_arns().into_iter().collect::<Vec<_>>(),
            ["arn:aws:iam::123456789012:policy/Bound"]
        );
    }

    #[test]
    fn the_moto_shape_reads_too() {
        // moto: documents as objects, no `PolicyName`, `MaxSessionDuration` only inside the
        // instance profile's copy of the role.
        let text = format!(
            r#"{{"UserDetailList": [], "GroupDetailList": [],
  "RoleDetailList": [{{"Path": "/", "RoleName": "r", "Arn": "arn:aws:iam::111122223333:role/r", "AssumeRolePolicyDocument": {TRUST},
    "InstanceProfileList": [{{"Path": "/", "InstanceProfileName": "r", "Arn": "arn:aws:iam::111122223333:instance-profile/r",
      "Roles": [{{"RoleName": "r", "Arn": "arn:aws:iam::111122223333:role/r", "MaxSessionDuration": 7200}}]}}],
    "RolePolicyList": [], "AttachedManagedPolicies": []}}],
  "Policies": [{{"Arn": "arn:aws:iam::111122223333:policy/team/p", "Path": "/team/", "DefaultVersionId": "v1",
    "PolicyVersionList": [{{"Document": {POLICY}, "VersionId": "v1", "IsDefaultVersion": true}}]}}]}}"#
        );
        let (account, diagnostics) = read(FileId(0), &text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let account = account.unwrap();
        assert_eq!(account.account_id.as_deref(), Some("111122223333"));
        assert_eq!(account.policies[0].name, "p");
        assert_eq!(account.roles[0].max_session_duration, Some(7200));
        // Object documents point into the file, statement by statement.
        let span = account.policies[0].document.spans[0];
        assert!(text[span.range()].starts_with("{\"Effect\""));
    }

    #[test]
    fn an_entity_listed_twice_is_an_error_at_the_second() {
        // Role names are unique whatever their case; the second `Dev` would give `dev` a
        // second set of policies.
        let role = |name: &str| {
            format!(
                r#"{{"RoleName": "{name}", "Arn": "arn:aws:iam::111122223333:role/{name}", "AssumeRolePolicyDocument": {TRUST}}}"#
            )
        };
        let text = format!(
            "{{\"RoleDetailList\": [{}, {}, {}]}}",
            role("dev"),
            role("ops"),
            role("Dev")
        );
        let (account, diagnostics) = read(FileId(0), &text);
        assert!(account.is_none());
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        let duplicate = &diagnostics[0];
        assert_eq!(duplicate.code, Code::DuplicateName);
        assert_eq!(
            duplicate.message,
            "role `Dev` is listed twice in the account export"
        );
        let at = duplicate.primary.as_ref().unwrap().span.start as usize;
        assert!(
            text[at..].starts_with(r#"{"RoleName": "Dev""#),
            "{}",
            &text[at..]
        );
        // Distinct names read as before.
        let text = format!("{{\"RoleDetailList\": [{}, {}]}}", role("dev"), role("ops"));
        let (account, diagnostics) = read(FileId(0), &text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(account.unwrap().roles.len(), 2);
    }

    #[test]
    fn errors_point_into_the_file() {
        let text = r#"{"RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::111122223333:role/r",
  "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Alow", "Action": "sts:AssumeRole"}]}}],
  "UserDetailList": [{"Arn": "arn:aws:iam::111122223333:user/u"}], "GroupDetailList": {}}"#;
        let (account, diagnostics) = read(FileId(0), text);
        assert!(account.is_none());
        let codes: Vec<Code> = diagnostics.iter().map(|d| d.code).collect();
        assert!(codes.contains(&Code::InvalidEffect), "{diagnostics:?}");
        assert!(codes.contains(&Code::MissingElement), "{diagnostics:?}");
        assert!(codes.contains(&Code::InvalidPolicyJson), "{diagnostics:?}");
        let effect = diagnostics
            .iter()
            .find(|d| d.code == Code::InvalidEffect)
            .unwrap();
        let span = effect.primary.as_ref().unwrap().span;
        assert_eq!(&text[span.range()], "\"Alow\"");
        assert_eq!(read::line_column(text, span.start as usize).0, 2);
        let missing = diagnostics
            .iter()
            .find(|d| d.code == Code::MissingElement)
            .unwrap();
        assert!(
            missing.message.contains("`UserName`"),
            "{}",
            missing.message
        );
        assert!(diagnostics.iter().all(|d| d.help.is_some()));
        // An encoded document that is not a policy: the string is pointed at.
        let bad = r#"{"Policies": [{"Arn": "arn:aws:iam::111122223333:policy/p", "PolicyVersionList": [{"Document": "%7B%22Statement%22%3A%201%7D", "IsDefaultVersion": true}]}]}"#;
        let (_, diagnostics) = read(FileId(0), bad);
        let span = diagnostics[0].primary.as_ref().unwrap().span;
        assert!(bad[span.range()].starts_with("\"%7B"), "{diagnostics:?}");
        // Not JSON at all.
        let (_, diagnostics) = read(FileId(0), "{\"Policies\": [}");
        assert_eq!(diagnostics[0].code, Code::InvalidJson);
    }

    #[test]
    fn percent_decoding_keeps_plus_and_stray_percents() {
        assert_eq!(percent_decode("a%20b+c%"), "a b+c%");
        assert_eq!(percent_decode("%7B%7d%zz"), "{}%zz");
    }
}
