//! The inputs of an import: single policy documents and GAAD exports
//! (`aws iam get-account-authorization-details`), read into the importer's items.
//!
//! In: named JSON values (a GAAD already read into [`crate::iam::gaad::Account`], the one model
//! of an account export). Out: items (blocks) and the expectations the round trip checks.

use super::*;
use crate::iam::gaad::{InlinePolicy, Tag};
use crate::iam::kind::PolicyKind;

/// Path, permissions boundary, attached policies and tags of a role, user or group.
fn principal_common(
    path: &str,
    boundary: Option<&str>,
    attached: &[String],
    tags: &[Tag],
    own: &BTreeMap<String, (BlockKind, String)>,
) -> Vec<Member> {
    let mut members = Vec::new();
    if path != "/" {
        members.push(setting(Setting::Path(value_str(path))));
    }
    if let Some(arn) = boundary {
        let reference = match own.get(arn) {
            Some((BlockKind::Boundary, name)) => reference(name),
            _ => value_str(arn),
        };
        members.push(setting(Setting::Boundary(reference)));
    }
    let attached: Vec<Value> = attached
        .iter()
        .map(|arn| match own.get(arn) {
            Some((BlockKind::Policy, name)) => reference(name),
            _ => value_str(arn),
        })
        .collect();
    if !attached.is_empty() {
        members.push(setting(Setting::Attach(attached)));
    }
    for tag in tags {
        members.push(setting(Setting::Tag {
            key: sp(str_of(&tag.key)),
            value: value_str(&tag.value),
        }));
    }
    members
}

impl Importer {
    /// One input that is not a GAAD: a trust policy or an identity policy, read from `root`
    /// (parsed from the input `file`, named `name`).
    pub(super) fn input(&mut self, name: &str, file: FileId, text: &str, root: &json::Json<'_>) {
        if text.len() > crate::iam::read::MAX_BYTES {
            let d = crate::iam::read::too_large(file, text.len());
            return self.diagnostics(name, text, &[d]);
        }
        // What `iamx check` refuses in the file is reported there, at its line and column,
        // not later in the generated source (which would not compile).
        let checked = crate::checks::json::check(file, name, text, None);
        if checked.diagnostics.iter().any(Diagnostic::is_error) {
            return self.diagnostics(name, text, &checked.diagnostics);
        }
        let (read, diagnostics) = crate::iam::read::read_value(file, text, root);
        self.diagnostics(name, text, &diagnostics);
        let Some(read) = read else { return };
        let document = self.carried(read.policy, name);
        // Imported as the kind `check` just held it to (`PolicyKind::infer`, which `iamx check`
        // reports too): statements that all name a principal and only `sts:` actions, in any
        // case or as wildcards, make a trust policy.
        if checked.kind == Some(PolicyKind::Trust) {
            let role = sanitize_name(name, 64);
            let document = match self.trust_carried(document, name) {
                Ok(document) => document,
                Err(e) => return self.errors.push(e),
            };
            match trust_members(&document, name) {
                Ok(members) => {
                    self.expect(name, DocumentKind::Trust, &role, document);
                    self.block(name, BlockKind::Role, &role, members);
                }
                Err(e) => self.errors.push(e),
            }
        } else {
            let policy = sanitize_name(name, 128);
            match identity_members(&document, name) {
                Ok(mut members) => {
                    self.mark_aws_managed(name, &document, &mut members);
                    self.expect(name, DocumentKind::ManagedPolicy, &policy, document);
                    self.block(name, BlockKind::Policy, &policy, members);
                }
                Err(e) => self.errors.push(e),
            }
        }
    }

    /// A policy document with a statement no customer managed policy can hold, even divided,
    /// exists only as an AWS managed policy (AWS's own are not bound by the customer managed
    /// quota): it is imported as it is, marked `aws_managed` so the build keeps it whole (with
    /// warning W0409) instead of refusing it, and the import says so.
    fn mark_aws_managed(
        &mut self,
        what: &str,
        document: &PolicyDocument,
        members: &mut Vec<Member>,
    ) {
        let Some((index, size)) = undividable_statement(document) else {
            return;
        };
        members.insert(0, setting(Setting::AwsManaged));
        self.notes.push(format!(
            "{}: {} characters on its own, over the customer managed policy quota of {}, and it cannot be divided (a `NotAction` or `NotResource` list, or one long value): imported as it is and marked `aws_managed` (an AWS managed policy is not bound by that quota; `build` keeps it whole with warning W0409, and AWS refuses a customer managed copy)",
            statement_label(what, index, &document.statements[index]),
            crate::diagnostics::thousands(size),
            crate::diagnostics::thousands(crate::iam::quota::QuotaKind::ManagedPolicy.limit()),
        ));
    }

    /// The errors among `diagnostics` as messages `NAME:LINE:COLUMN: message`, with their help.
    pub(super) fn diagnostics(&mut self, name: &str, text: &str, diagnostics: &[Diagnostic]) {
        for d in diagnostics.iter().filter(|d| d.is_error()) {
            self.errors.push(diagnostic_text(name, text, d));
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

    /// A block named `name`, imported from the input `from`; refused when an earlier block has
    /// its name, which the generated source could not hold.
    fn block(&mut self, from: &str, kind: BlockKind, name: &str, members: Vec<Member>) {
        let key = (kind.iam_namespace(), name.to_lowercase());
        if let Some((first_from, first_kind, first_name)) = self.declared.get(&key) {
            let kind = kind.keyword();
            let clash =
                format!("{from}: {kind} `{name}` has the name of {first_kind} `{first_name}`");
            let why = "(IAM names are unique regardless of case)";
            self.errors.push(if first_from == from {
                format!("{clash} {why}")
            } else {
                format!("{clash} from {first_from} {why}: rename one of the files, or import them separately")
            });
            return;
        }
        self.declared
            .insert(key, (from.to_string(), kind.keyword(), name.to_string()));
        self.items.push(Item::Block(sp(Block {
            kind: sp(kind),
            name: name_str(name),
            members,
            deferred: None,
        })));
    }

    /// Whether the settings of what `what` names (`fields`, `tags`) can be written in `.iamx`;
    /// if not, the error for the first that cannot ([`unwritable`]), and the entity is skipped.
    fn writable(&mut self, what: &str, fields: &[(&str, Option<&String>)], tags: &[Tag]) -> bool {
        let fields = fields
            .iter()
            .filter_map(|(field, text)| Some((format!("its {field}"), (*text)?.as_str())));
        let tags = tags.iter().flat_map(|tag| {
            [
                (
                    format!("the key of its tag `{}`", tag.key.escape_debug()),
                    tag.key.as_str(),
                ),
                (
                    format!("its tag `{}`", tag.key.escape_debug()),
                    tag.value.as_str(),
                ),
            ]
        });
        let found = fields
            .chain(tags)
            .find_map(|(field, text)| unwritable(text).map(|c| (field, c)));
        match found {
            Some((field, c)) => {
                self.errors.push(unwritable_message(what, &field, c));
                false
            }
            None => true,
        }
    }

    /// An account export (one page of it, or all): customer managed policies (a policy some
    /// role or user has as permissions boundary becomes a `boundary` block), groups, users and
    /// roles; `own` has the account's own policies of every page, by ARN. AWS managed policies
    /// the export lists are not imported: they are attached by ARN. Service-linked roles are
    /// not imported (AWS creates them; [`super::exports::notes`] names them).
    pub(super) fn gaad(
        &mut self,
        export: &super::exports::Export,
        own: &BTreeMap<String, (BlockKind, String)>,
    ) {
        let (file, account) = (export.name.as_str(), &export.account);
        if self.account.is_none() {
            self.account = account.account_id.clone();
            self.partition = account.partition.clone();
        }
        for policy in account.policies.iter().filter(|p| !p.aws_managed) {
            let name = &policy.name;
            let what = format!("{file}: policy `{name}`");
            let fields = [
                ("path", Some(&policy.path)),
                ("description", policy.description.as_ref()),
            ];
            if !self.writable(&what, &fields, &[]) {
                continue;
            }
            let document = self.carried(policy.document.policy.clone(), &what);
            let kind = own
                .get(&policy.arn)
                .map_or(BlockKind::Policy, |(kind, _)| *kind);
            let mut members = Vec::new();
            if policy.path != "/" {
                members.push(setting(Setting::Path(value_str(&policy.path))));
            }
            if let Some(description) = &policy.description {
                members.push(setting(Setting::Description(value_str(description))));
            }
            match identity_members(&document, &what) {
                Ok(mut statements) => members.append(&mut statements),
                Err(e) => {
                    self.errors.push(e);
                    continue;
                }
            }
            let doc_kind = if kind == BlockKind::Boundary {
                DocumentKind::Boundary
            } else {
                DocumentKind::ManagedPolicy
            };
            self.expect(&what, doc_kind, name, document);
            self.block(file, kind, name, members);
        }

        for group in &account.groups {
            let name = &group.name;
            let what = format!("{file}: group `{name}`");
            if !self.writable(&what, &[("path", Some(&group.path))], &[]) {
                continue;
            }
            self.attached_quota(&what, &group.attached_policies);
            let mut members =
                principal_common(&group.path, None, &group.attached_policies, &[], own);
            match self.inline(&group.inline_policies, &what) {
                Ok(Some((document, mut statements))) => {
                    members.append(&mut statements);
                    self.expect(&what, DocumentKind::GroupInline, name, document);
                }
                Ok(None) => {}
                Err(e) => self.errors.push(e),
            }
            self.block(file, BlockKind::Group, name, members);
        }

        for user in &account.users {
            let name = &user.name;
            let what = format!("{file}: user `{name}`");
            if !self.writable(&what, &[("path", Some(&user.path))], &user.tags) {
                continue;
            }
            self.attached_quota(&what, &user.attached_policies);
            let mut members = principal_common(
                &user.path,
                user.permissions_boundary.as_deref(),
                &user.attached_policies,
                &user.tags,
                own,
            );
            if !user.groups.is_empty() {
                members.push(setting(Setting::Groups(
                    user.groups.iter().map(|g| value_str(g)).collect(),
                )));
            }
            match self.inline(&user.inline_policies, &what) {
                Ok(Some((document, mut statements))) => {
                    members.append(&mut statements);
                    self.expect(&what, DocumentKind::UserInline, name, document);
                }
                Ok(None) => {}
                Err(e) => self.errors.push(e),
            }
            self.block(file, BlockKind::User, name, members);
        }

        let roles = account.roles.iter();
        for role in roles.filter(|r| !super::exports::is_service_linked(&r.path)) {
            let name = &role.name;
            let what = format!("{file}: role `{name}`");
            let fields = [
                ("path", Some(&role.path)),
                ("description", role.description.as_ref()),
            ];
            if !self.writable(&what, &fields, &role.tags) {
                continue;
            }
            self.attached_quota(&what, &role.attached_policies);
            let mut members = principal_common(
                &role.path,
                role.permissions_boundary.as_deref(),
                &role.attached_policies,
                &role.tags,
                own,
            );
            if let Some(description) = &role.description {
                members.push(setting(Setting::Description(value_str(description))));
            }
            match role.max_session_duration {
                Some(3600) | None => {}
                Some(seconds) if (3600..=43200).contains(&seconds) => {
                    members.push(setting(Setting::MaxSession(sp(Text::from(
                        seconds.to_string(),
                    )))));
                }
                Some(seconds) => self.errors.push(format!(
                    "{what}: `MaxSessionDuration` {seconds} is outside IAM's range of 3600 to 43200 seconds, so no role can be created with it"
                )),
            }
            match role.instance_profiles.as_slice() {
                [] => {}
                [profile] => {
                    if profile.path != role.path {
                        self.errors.push(format!(
                            "{what}: the instance profile `{}` has a path other than the role's, which .iamx cannot express",
                            profile.name
                        ));
                    }
                    members.push(setting(Setting::InstanceProfile(Some(value_str(
                        &profile.name,
                    )))));
                }
                profiles => self.errors.push(format!(
                    "{what}: the role is in {} instance profiles; .iamx gives a role at most one",
                    profiles.len()
                )),
            }
            let trust_what = format!("{what} (trust policy)");
            let document = self.carried(role.trust_policy.policy.clone(), &trust_what);
            let trust = self
                .trust_carried(document, &trust_what)
                .and_then(|document| Ok((trust_members(&document, &trust_what)?, document)));
            match trust {
                Ok((mut trust, document)) => {
                    members.append(&mut trust);
                    self.expect(&trust_what, DocumentKind::Trust, name, document);
                }
                Err(e) => self.errors.push(e),
            }
            match self.inline(&role.inline_policies, &what) {
                Ok(Some((document, mut statements))) => {
                    members.append(&mut statements);
                    self.expect(
                        &format!("{what} (inline policies)"),
                        DocumentKind::RoleInline,
                        name,
                        document,
                    );
                }
                Ok(None) => {}
                Err(e) => self.errors.push(e),
            }
            self.block(file, BlockKind::Role, name, members);
        }
    }

    /// More managed policies attached than a build attaches (IAM's default quota, which AWS
    /// can raise to 20 but `.iamx` does not model): refused here, naming the entity, rather
    /// than by the build of the whole generated source.
    fn attached_quota(&mut self, what: &str, attached: &[String]) {
        let quota = crate::iam::quota::ATTACHED_POLICIES;
        if attached.len() > quota {
            self.errors.push(format!(
                "{what}: `AttachedManagedPolicies` lists {} policies, over the {quota} a build attaches (IAM's default quota; an account can have it raised to 20, which .iamx cannot express yet)",
                attached.len()
            ));
        }
    }

    /// A principal's inline policies as one document (IAM evaluates them together, so their
    /// statements concatenated grant exactly the same access).
    fn inline(
        &mut self,
        policies: &[InlinePolicy],
        what: &str,
    ) -> Result<Option<(PolicyDocument, Vec<Member>)>, String> {
        if policies.is_empty() {
            return Ok(None);
        }
        let mut statements = Vec::new();
        let mut names = Vec::new();
        let mut renamed = Vec::new();
        for policy in policies {
            let label = format!("{what}: inline policy `{}`", policy.name);
            let document = self.carried(policy.document.policy.clone(), &label);
            check_document(&document, &label)?;
            // The console names the first statement of every policy `VisualEditor0`: a Sid
            // an earlier statement of the merged document has is renamed, deterministically
            // (the policy's name, then a number), and said so; a Sid changes no access.
            for mut statement in document.statements {
                if let Some(sid) = statement.sid.clone() {
                    let taken = |candidate: &str| {
                        statements.iter().any(|s: &policy::Statement| {
                            s.sid
                                .as_deref()
                                .is_some_and(|t| t.eq_ignore_ascii_case(candidate))
                        })
                    };
                    if taken(&sid) {
                        let suffix: String = (policy.name.chars())
                            .filter(char::is_ascii_alphanumeric)
                            .collect();
                        let mut new = format!("{sid}{suffix}");
                        let mut n = 2;
                        while taken(&new) {
                            new = format!("{sid}{suffix}{n}");
                            n += 1;
                        }
                        renamed.push(format!("`{sid}` of `{}` is written `{new}`", policy.name));
                        statement.sid = Some(new);
                    }
                }
                statements.push(statement);
            }
            names.push(policy.name.clone());
        }
        if !renamed.is_empty() {
            self.notes.push(format!(
                "{what}: the inline policies {} share Sids, which one document cannot: {} (a Sid names a statement and changes no access)",
                names.join(", "),
                renamed.join(", ")
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
