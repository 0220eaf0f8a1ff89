//! The inputs of an import: single policy documents and GAAD exports
//! (`aws iam get-account-authorization-details`), read into the importer's items.
//!
//! In: named JSON values. Out: items (blocks) and the expectations the round trip checks.

use super::*;

/// Reads a policy document given as JSON or as URL-encoded JSON text (as the IAM API returns it).
pub(super) fn document_of(json: &Json, what: &str) -> Result<PolicyDocument, String> {
    let text = match json {
        Json::String(text) => percent_decode(text),
        other => other.to_string(),
    };
    crate::iam::read::policy_from_str(&text)
        .map_err(|e| format!("{what}: not an IAM policy document: {e}"))
}

pub(super) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
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

pub(super) fn string_field<'a>(json: &'a Json, field: &str) -> Option<&'a str> {
    json.get(field).and_then(Json::as_str)
}

pub(super) fn array<'a>(json: &'a Json, field: &str) -> &'a [Json] {
    json.get(field)
        .and_then(Json::as_array)
        .map_or(&[], Vec::as_slice)
}

impl Importer {
    pub(super) fn input(&mut self, name: &str, json: &Json) {
        let is_gaad = [
            "RoleDetailList",
            "UserDetailList",
            "GroupDetailList",
            "Policies",
        ]
        .iter()
        .any(|key| json.get(key).is_some());
        if is_gaad {
            self.gaad(name, json);
            return;
        }
        let document = match document_of(json, name) {
            Ok(document) => document,
            Err(e) => return self.errors.push(e),
        };
        if is_trust_policy(&document) {
            let role = sanitize_name(name, 64);
            match trust_members(&document, name) {
                Ok(members) => {
                    self.expect(name, DocumentKind::Trust, &role, document);
                    self.block(BlockKind::Role, &role, members);
                }
                Err(e) => self.errors.push(e),
            }
        } else {
            let policy = sanitize_name(name, 128);
            match identity_members(&document, name) {
                Ok(members) => {
                    self.expect(name, DocumentKind::ManagedPolicy, &policy, document);
                    self.block(BlockKind::Policy, &policy, members);
                }
                Err(e) => self.errors.push(e),
            }
        }
    }

    fn expect(&mut self, what: &str, kind: DocumentKind, name: &str, original: PolicyDocument) {
        self.expectations.push(Expectation {
            what: what.to_string(),
            kind,
            name: name.to_string(),
            original,
        });
    }

    fn block(&mut self, kind: BlockKind, name: &str, members: Vec<Member>) {
        self.items.push(Item::Block(sp(Block {
            kind: sp(kind),
            name: name_str(name),
            members,
        })));
    }

    /// Account and partition from an ARN of the account.
    fn learn_account(&mut self, arn: Option<&str>) {
        let Some(arn) = arn else { return };
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        if parts.len() == 6 && self.account.is_none() && !parts[4].is_empty() {
            self.account = Some(parts[4].to_string());
            self.partition = Some(parts[1].to_string());
        }
    }

    fn gaad(&mut self, file: &str, json: &Json) {
        // Customer managed policies, and which of them serve as permissions boundaries.
        let mut boundary_arns: Vec<String> = Vec::new();
        for principal in array(json, "RoleDetailList")
            .iter()
            .chain(array(json, "UserDetailList"))
        {
            if let Some(arn) = principal
                .get("PermissionsBoundary")
                .and_then(|b| string_field(b, "PermissionsBoundaryArn"))
            {
                boundary_arns.push(arn.to_string());
            }
        }
        // ARN → (kind, name) of the project's own policies.
        let mut own: BTreeMap<String, (BlockKind, String)> = BTreeMap::new();
        for policy in array(json, "Policies") {
            let name = string_field(policy, "PolicyName")
                .unwrap_or_default()
                .to_string();
            let arn = string_field(policy, "Arn").unwrap_or_default().to_string();
            let what = format!("{file}: policy `{name}`");
            self.learn_account(Some(&arn));
            let Some(version) = array(policy, "PolicyVersionList")
                .iter()
                .find(|v| v.get("IsDefaultVersion").and_then(Json::as_bool) == Some(true))
            else {
                self.errors
                    .push(format!("{what}: no default version in PolicyVersionList"));
                continue;
            };
            let document = match version
                .get("Document")
                .ok_or_else(|| format!("{what}: the default version has no Document"))
                .and_then(|d| document_of(d, &what))
            {
                Ok(d) => d,
                Err(e) => {
                    self.errors.push(e);
                    continue;
                }
            };
            let is_boundary = boundary_arns.contains(&arn);
            let kind = if is_boundary {
                BlockKind::Boundary
            } else {
                BlockKind::Policy
            };
            let mut members = Vec::new();
            if let Some(path) = string_field(policy, "Path").filter(|p| *p != "/") {
                members.push(setting(Setting::Path(value_str(path))));
            }
            if let Some(description) = string_field(policy, "Description") {
                members.push(setting(Setting::Description(value_str(description))));
            }
            match identity_members(&document, &what) {
                Ok(mut statements) => members.append(&mut statements),
                Err(e) => {
                    self.errors.push(e);
                    continue;
                }
            }
            let doc_kind = if is_boundary {
                DocumentKind::Boundary
            } else {
                DocumentKind::ManagedPolicy
            };
            self.expect(&what, doc_kind, &name, document);
            self.block(kind, &name, members);
            own.insert(arn, (kind, name));
        }

        for group in array(json, "GroupDetailList") {
            let name = string_field(group, "GroupName")
                .unwrap_or_default()
                .to_string();
            let what = format!("{file}: group `{name}`");
            self.learn_account(string_field(group, "Arn"));
            let mut members = self.principal_common(group, &what, &own);
            match self.inline(group, "GroupPolicyList", &what) {
                Ok(Some((document, mut statements))) => {
                    members.append(&mut statements);
                    self.expect(&what, DocumentKind::GroupInline, &name, document);
                }
                Ok(None) => {}
                Err(e) => self.errors.push(e),
            }
            self.block(BlockKind::Group, &name, members);
        }

        for user in array(json, "UserDetailList") {
            let name = string_field(user, "UserName")
                .unwrap_or_default()
                .to_string();
            let what = format!("{file}: user `{name}`");
            self.learn_account(string_field(user, "Arn"));
            let mut members = self.principal_common(user, &what, &own);
            let groups: Vec<Value> = array(user, "GroupList")
                .iter()
                .filter_map(Json::as_str)
                .map(value_str)
                .collect();
            if !groups.is_empty() {
                members.push(setting(Setting::Groups(groups)));
            }
            match self.inline(user, "UserPolicyList", &what) {
                Ok(Some((document, mut statements))) => {
                    members.append(&mut statements);
                    self.expect(&what, DocumentKind::UserInline, &name, document);
                }
                Ok(None) => {}
                Err(e) => self.errors.push(e),
            }
            self.block(BlockKind::User, &name, members);
        }

        for role in array(json, "RoleDetailList") {
            let name = string_field(role, "RoleName")
                .unwrap_or_default()
                .to_string();
            let what = format!("{file}: role `{name}`");
            self.learn_account(string_field(role, "Arn"));
            let mut members = self.principal_common(role, &what, &own);
            if let Some(description) = string_field(role, "Description") {
                members.push(setting(Setting::Description(value_str(description))));
            }
            if let Some(seconds) = role.get("MaxSessionDuration").and_then(Json::as_u64) {
                if seconds != 3600 {
                    members.push(setting(Setting::MaxSession(sp(seconds.to_string()))));
                }
            }
            let profiles = array(role, "InstanceProfileList");
            match profiles {
                [] => {}
                [profile] => {
                    let profile_name =
                        string_field(profile, "InstanceProfileName").unwrap_or(&name);
                    let role_path = string_field(role, "Path").unwrap_or("/");
                    if string_field(profile, "Path").unwrap_or("/") != role_path {
                        self.errors.push(format!(
                            "{what}: the instance profile `{profile_name}` has a path other than the role's, which .iamx cannot express"
                        ));
                    }
                    members.push(setting(Setting::InstanceProfile(Some(value_str(
                        profile_name,
                    )))));
                }
                _ => self.errors.push(format!(
                    "{what}: the role is in {} instance profiles; .iamx gives a role at most one",
                    profiles.len()
                )),
            }
            match role
                .get("AssumeRolePolicyDocument")
                .ok_or_else(|| format!("{what}: no AssumeRolePolicyDocument"))
                .and_then(|d| document_of(d, &format!("{what} (trust policy)")))
                .and_then(|d| trust_members(&d, &format!("{what} (trust policy)")).map(|m| (d, m)))
            {
                Ok((document, mut trust)) => {
                    members.append(&mut trust);
                    self.expect(
                        &format!("{what} (trust policy)"),
                        DocumentKind::Trust,
                        &name,
                        document,
                    );
                }
                Err(e) => self.errors.push(e),
            }
            match self.inline(role, "RolePolicyList", &what) {
                Ok(Some((document, mut statements))) => {
                    members.append(&mut statements);
                    self.expect(
                        &format!("{what} (inline policies)"),
                        DocumentKind::RoleInline,
                        &name,
                        document,
                    );
                }
                Ok(None) => {}
                Err(e) => self.errors.push(e),
            }
            self.block(BlockKind::Role, &name, members);
        }
    }

    /// Path, permissions boundary, attached policies and tags of a role, user or group.
    fn principal_common(
        &mut self,
        json: &Json,
        what: &str,
        own: &BTreeMap<String, (BlockKind, String)>,
    ) -> Vec<Member> {
        let mut members = Vec::new();
        if let Some(path) = string_field(json, "Path").filter(|p| *p != "/") {
            members.push(setting(Setting::Path(value_str(path))));
        }
        if let Some(arn) = json
            .get("PermissionsBoundary")
            .and_then(|b| string_field(b, "PermissionsBoundaryArn"))
        {
            let reference = match own.get(arn) {
                Some((BlockKind::Boundary, name)) => reference(name),
                _ => value_str(arn),
            };
            members.push(setting(Setting::Boundary(reference)));
        }
        let attached: Vec<Value> = array(json, "AttachedManagedPolicies")
            .iter()
            .filter_map(|p| string_field(p, "PolicyArn"))
            .map(|arn| match own.get(arn) {
                Some((BlockKind::Policy, name)) => reference(name),
                _ => value_str(arn),
            })
            .collect();
        if !attached.is_empty() {
            members.push(setting(Setting::Attach(attached)));
        }
        for tag in array(json, "Tags") {
            let (Some(key), Some(value)) = (string_field(tag, "Key"), string_field(tag, "Value"))
            else {
                continue;
            };
            members.push(setting(Setting::Tag {
                key: sp(str_of(key)),
                value: value_str(value),
            }));
        }
        let _ = what;
        members
    }

    /// A principal's inline policies as one document (IAM evaluates them together, so their
    /// statements concatenated grant exactly the same access).
    fn inline(
        &mut self,
        json: &Json,
        field: &str,
        what: &str,
    ) -> Result<Option<(PolicyDocument, Vec<Member>)>, String> {
        let policies = array(json, field);
        if policies.is_empty() {
            return Ok(None);
        }
        let mut statements = Vec::new();
        let mut names = Vec::new();
        for policy in policies {
            let name = string_field(policy, "PolicyName").unwrap_or_default();
            let label = format!("{what}: inline policy `{name}`");
            let document =
                document_of(policy.get("PolicyDocument").unwrap_or(&Json::Null), &label)?;
            check_document(&document, &label)?;
            statements.extend(document.statements);
            names.push(name.to_string());
        }
        let mut sids: Vec<&String> = statements.iter().filter_map(|s| s.sid.as_ref()).collect();
        sids.sort();
        if let Some(pair) = sids.windows(2).find(|w| w[0] == w[1]) {
            return Err(format!(
                "{what}: the inline policies {} share the Sid `{}`, so they cannot become one document",
                names.join(", "),
                pair[0]
            ));
        }
        if names.len() > 1 {
            self.notes.push(format!(
                "{what}: inline policies {} are merged into one inline document",
                names.join(", ")
            ));
        } else {
            self.notes.push(format!(
                "{what}: inline policy `{}` becomes the block's inline document",
                names[0]
            ));
        }
        let document = PolicyDocument::new(statements);
        let members = identity_members(&document, what)?;
        Ok(Some((document, members)))
    }
}
