//! Delegation policies, self-propagating boundaries, and the "safe envelope" verify checks against.
//!
//! In: a [`Scope`] (account, boundary ARN, name path and prefix, services roles may be passed to,
//! whether users may be created). Out: IAM statements: the complete delegation policy AWS
//! recommends ([`delegation_policy`]), the denies that make a boundary self-propagating
//! ([`self_propagation`]), and the most a safe delegation may ever allow ([`safe_envelope`]),
//! which `verify` proves a delegation stays inside.
//!
//! Three rules shape every statement:
//! - `iam:PermissionsBoundary` is only present in the request context of some actions. A
//!   `StringEquals` Allow on any other action silently never matches, so the condition goes exactly
//!   where the catalog lists the key, and actions without it get a statement of their own.
//! - `role/service-*` also matches `role/service-role/x` (the AWS console's path) and any deeper
//!   path that starts with the prefix. IAM names cannot contain `/`, so a Deny on
//!   `role/<path><prefix>*/*` removes exactly the deeper paths: what is left is "the delegation's
//!   path, a name starting with the prefix".
//! - The prefix may contain policy variables (`service-${aws:username}-`); they are kept as written
//!   in every ARN, so each delegated user reaches only names with their own user name.

use crate::catalog::Catalog;
use crate::iam::actions::*;
use crate::iam::policy::{Conditions, Effect, PolicyDocument, Statement};

/// What a delegation hands out.
#[derive(Debug, Clone)]
pub struct Scope {
    pub partition: String,
    pub account: String,
    pub boundary_arn: String,
    /// The delegation policy's own ARN, when known (denied edits of itself).
    pub delegation_arn: Option<String>,
    /// The ARNs of the managed policies the delegation policy was split into (`<name>-1`, ...),
    /// when it was: they, not `delegation_arn`, exist and are protected.
    pub delegation_parts: Vec<String>,
    /// IAM path of the delegated names, `/` or `/a/b/`.
    pub path: String,
    /// The start of every delegated name; may contain policy variables.
    pub prefix: String,
    pub pass_to: Vec<String>,
    pub create_users: bool,
    /// The tag keys holders may set or remove on delegated names ([`DEFAULT_TAG_KEYS`] unless
    /// set): tags can decide access (`aws:ResourceTag`, `aws:PrincipalTag`), so only keys no
    /// policy should trust are handed out.
    pub tag_keys: Vec<String>,
    /// With `create_users`, whether holders may set console passwords (login profiles).
    pub login_profiles: bool,
}

/// Tag keys for bookkeeping, which no access decision should rest on.
pub const DEFAULT_TAG_KEYS: &[&str] = &["Name", "Owner", "Project", "Environment", "CostCenter"];

/// [`DEFAULT_TAG_KEYS`] as a `Scope::tag_keys`.
pub fn default_tag_keys() -> Vec<String> {
    DEFAULT_TAG_KEYS.iter().map(|k| k.to_string()).collect()
}

fn is_tag_action(action: &str) -> bool {
    let name = action.split_once(':').map_or(action, |(_, n)| n);
    name.starts_with("Tag") || name.starts_with("Untag")
}

/// Which part of a `delegate` block a generated statement comes from (for source spans).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Boundary,
    Prefix,
    PassTo,
    CreateUsers,
    Block,
}

impl Scope {
    /// The scope `info`, a delegation of `compiled`, declares: the one reading of a project's
    /// delegation, for its proof and its benchmark alike.
    pub fn of(
        compiled: &crate::compile::output::Compiled,
        info: &crate::compile::output::DelegationInfo,
    ) -> Scope {
        // A delegation policy split into parts: each part is to be protected.
        let kind = crate::compile::output::DocumentKind::Delegation;
        let delegation_parts = (compiled.splits.iter())
            .filter(|s| s.kind == kind && s.name == info.name)
            .flat_map(|s| &s.parts)
            .filter_map(|part| {
                (compiled.documents.iter())
                    .find(|d| d.kind == kind && d.name == *part)
                    .map(|d| d.arn.clone())
            })
            .collect();
        Scope {
            partition: compiled.partition.clone(),
            account: compiled.account.clone(),
            boundary_arn: info.boundary_arn.clone(),
            delegation_arn: Some(info.arn.clone()),
            delegation_parts,
            path: info.path.clone(),
            prefix: info.prefix.clone(),
            pass_to: info.pass_to.clone(),
            create_users: info.create_users,
            tag_keys: info.tag_keys.clone(),
            login_profiles: info.login_profiles,
        }
    }

    /// The delegation policy's ARNs whose edits must be denied: its parts when it was split.
    pub fn delegation_policies(&self) -> Vec<&str> {
        match self.delegation_parts.is_empty() {
            true => self.delegation_arn.iter().map(String::as_str).collect(),
            false => self.delegation_parts.iter().map(String::as_str).collect(),
        }
    }

    /// `arn:aws:iam::ACCOUNT:<kind>/<path><prefix><rest>`.
    pub fn arn(&self, kind: &str, rest: &str) -> String {
        let path = format!("/{}", self.path.trim_start_matches('/'));
        crate::iam::names::iam_arn(
            &self.partition,
            &self.account,
            kind,
            &path,
            &format!("{}{rest}", self.prefix),
        )
    }

    /// Every name the delegation covers (before the deeper-path deny).
    pub fn names(&self, kind: &str) -> String {
        self.arn(kind, "*")
    }

    /// Names under the prefix at a deeper path: outside the delegation.
    pub fn deeper(&self, kind: &str) -> String {
        self.arn(kind, "*/*")
    }

    fn kinds(&self) -> Vec<&'static str> {
        let mut kinds = vec!["role", "policy", "instance-profile"];
        if self.create_users {
            kinds.push("user");
        }
        kinds
    }
}

fn statement(
    sid: &str,
    effect: Effect,
    actions: &[&str],
    resources: Vec<String>,
    condition: Conditions,
) -> Statement {
    let mut out = Statement::new(effect);
    out.sid = Some(sid.to_string());
    out.action = Some(actions.iter().map(|a| a.to_string()).collect());
    out.resource = Some(resources);
    out.condition = condition;
    out.canonicalize();
    out
}

fn boundary_condition(operator: &str, boundary_arn: &str) -> Conditions {
    let mut condition = Conditions::default();
    condition.insert(operator, BOUNDARY_KEY, vec![boundary_arn.to_string()]);
    condition
}

/// Splits actions by whether the catalog lists `iam:PermissionsBoundary` for them.
pub fn split_by_boundary_key(actions: &[&'static str]) -> (Vec<&'static str>, Vec<&'static str>) {
    let catalog = Catalog::get();
    actions
        .iter()
        .partition(|a| catalog.action_supports_key(a, BOUNDARY_KEY) == Some(true))
}

fn without_tags(actions: &[&'static str]) -> Vec<&'static str> {
    actions
        .iter()
        .copied()
        .filter(|a| !is_tag_action(a))
        .collect()
}

/// Every write action the delegation policy allows (for the deeper-path deny).
fn delegated_writes(scope: &Scope) -> Vec<&'static str> {
    let mut actions: Vec<&str> = ROLE_WRITE
        .iter()
        .chain(POLICY_WRITE)
        .chain(PROFILE_WRITE)
        .chain(&["iam:PassRole"])
        .copied()
        .collect();
    if scope.create_users {
        actions.extend(
            USER_WRITE
                .iter()
                .filter(|a| scope.login_profiles || !LOGIN_PROFILE.contains(a)),
        );
    }
    actions
}

/// The delegation policy's statements, each with the part of the `delegate` block it comes from.
pub fn delegation_policy(scope: &Scope) -> Vec<(Statement, Part)> {
    let mut out = Vec::new();
    let (bounded, plain) = split_by_boundary_key(ROLE_WRITE);
    let role_names = vec![scope.names("role")];
    out.push((
        statement(
            "CreateOrChangeRolesOnlyWithBoundary",
            Effect::Allow,
            &bounded,
            role_names.clone(),
            boundary_condition("StringEquals", &scope.boundary_arn),
        ),
        Part::Boundary,
    ));
    let plain: Vec<&str> = plain.into_iter().filter(|a| !is_tag_action(a)).collect();
    if !plain.is_empty() {
        out.push((
            statement(
                "ChangeRolesInPrefix",
                Effect::Allow,
                &plain,
                role_names.clone(),
                Conditions::default(),
            ),
            Part::Prefix,
        ));
    }
    let mut pass = Conditions::default();
    if !scope.pass_to.is_empty() {
        pass.insert("StringEquals", "iam:PassedToService", scope.pass_to.clone());
    }
    out.push((
        statement(
            "PassRolesInPrefix",
            Effect::Allow,
            &["iam:PassRole"],
            role_names,
            pass,
        ),
        if scope.pass_to.is_empty() {
            Part::Prefix
        } else {
            Part::PassTo
        },
    ));
    out.push((
        statement(
            "ManagePoliciesInPrefix",
            Effect::Allow,
            &without_tags(POLICY_WRITE),
            vec![scope.names("policy")],
            Conditions::default(),
        ),
        Part::Prefix,
    ));
    out.push((
        statement(
            "ManageInstanceProfilesInPrefix",
            Effect::Allow,
            &without_tags(PROFILE_WRITE),
            vec![scope.names("instance-profile")],
            Conditions::default(),
        ),
        Part::Prefix,
    ));
    if scope.create_users {
        let (bounded, plain) = split_by_boundary_key(USER_WRITE);
        out.push((
            statement(
                "CreateOrChangeUsersOnlyWithBoundary",
                Effect::Allow,
                &bounded,
                vec![scope.names("user")],
                boundary_condition("StringEquals", &scope.boundary_arn),
            ),
            Part::CreateUsers,
        ));
        let plain: Vec<&str> = plain
            .into_iter()
            .filter(|a| !is_tag_action(a))
            .filter(|a| scope.login_profiles || !LOGIN_PROFILE.contains(a))
            .collect();
        out.push((
            statement(
                "ManageUsersInPrefix",
                Effect::Allow,
                &plain,
                vec![scope.names("user")],
                Conditions::default(),
            ),
            Part::CreateUsers,
        ));
    }
    // Tags of every delegated name, only with the allowed keys: `ForAllValues` over
    // `aws:TagKeys`, which every tag and untag request carries.
    let tags: Vec<&str> = delegated_writes(scope)
        .into_iter()
        .filter(|a| is_tag_action(a))
        .collect();
    let mut keys = Conditions::default();
    keys.insert(
        "ForAllValues:StringEquals",
        "aws:TagKeys",
        scope.tag_keys.clone(),
    );
    out.push((
        statement(
            "TagOnlyAllowedKeysInPrefix",
            Effect::Allow,
            &tags,
            scope.kinds().iter().map(|k| scope.names(k)).collect(),
            keys,
        ),
        Part::Prefix,
    ));
    let mut read: Vec<&str> = READ.to_vec();
    if scope.create_users {
        read.extend(READ_USERS);
    }
    out.push((
        statement(
            "ReadIamForConsole",
            Effect::Allow,
            &read,
            vec!["*".to_string()],
            Conditions::default(),
        ),
        Part::Block,
    ));
    let mut protected = vec![scope.boundary_arn.clone()];
    protected.extend(scope.delegation_arn.clone());
    out.push((
        statement(
            "DenyChangingBoundaryOrDelegation",
            Effect::Deny,
            POLICY_EDIT,
            protected,
            Conditions::default(),
        ),
        Part::Boundary,
    ));
    out.push((
        statement(
            "DenyRemovingBoundaries",
            Effect::Deny,
            REMOVE_BOUNDARY,
            vec!["*".to_string()],
            Conditions::default(),
        ),
        Part::Boundary,
    ));
    out.push((
        statement(
            "DenyDeeperPathsUnderPrefix",
            Effect::Deny,
            &delegated_writes(scope),
            scope.kinds().iter().map(|k| scope.deeper(k)).collect(),
            Conditions::default(),
        ),
        Part::Prefix,
    ));
    out
}

/// The denies that make a boundary self-propagating (the AWS CDK bootstrap pattern): a role or
/// user inside the boundary cannot create or change a role or user unless it carries this same
/// boundary, cannot remove boundaries, and cannot edit this boundary or the delegation policies
/// in `protected`.
pub fn self_propagation(boundary_arn: &str, protected: &[String]) -> Vec<Statement> {
    let mut edit_targets = vec![boundary_arn.to_string()];
    edit_targets.extend(protected.iter().cloned());
    vec![
        statement(
            "DenyRolesAndUsersWithoutThisBoundary",
            Effect::Deny,
            ESCALATING,
            vec!["*".to_string()],
            boundary_condition("StringNotEquals", boundary_arn),
        ),
        statement(
            "DenyRemovingBoundaries",
            Effect::Deny,
            REMOVE_BOUNDARY,
            vec!["*".to_string()],
            Conditions::default(),
        ),
        statement(
            "DenyChangingThisBoundary",
            Effect::Deny,
            POLICY_EDIT,
            edit_targets,
            Conditions::default(),
        ),
    ]
}

/// Whether an unconditional `Deny` of `document` already denies everything `statement` (a
/// `Deny` with concrete actions) does, whatever its condition: then adding it changes nothing.
pub fn covered_by_a_deny(document: &PolicyDocument, statement: &Statement) -> bool {
    use crate::reason::{pattern_includes, PatternKind};
    let actions = statement.action.as_deref().unwrap_or_default();
    let resources = statement.resource.as_deref().unwrap_or_default();
    document.statements.iter().any(|deny| {
        deny.effect == Effect::Deny
            && deny.condition.is_empty()
            && match (&deny.action, &deny.not_action) {
                (Some(list), _) => actions.iter().all(|a| {
                    list.iter()
                        .any(|p| pattern_includes(p, a, PatternKind::Action))
                }),
                (_, Some(list)) => actions.iter().all(|a| {
                    !list
                        .iter()
                        .any(|p| pattern_includes(p, a, PatternKind::Action))
                }),
                _ => false,
            }
            && match (&deny.resource, &deny.not_resource) {
                (Some(list), _) => resources.iter().all(|r| {
                    list.iter()
                        .any(|p| pattern_includes(p, r, PatternKind::Arn))
                }),
                _ => false,
            }
    })
}

/// The most a safe delegation may allow, as one policy: everything outside IAM; IAM reads;
/// within the delegation's path and prefix, the writes of the delegation pattern, with the
/// escalating ones only when the boundary is set; `iam:PassRole` only within the prefix. Denied:
/// editing the boundary or the delegation, removing boundaries, deeper paths under the prefix,
/// and changing the policies of the delegation's own principals (`own_principals`, ARNs).
///
/// A delegation proved contained in this envelope has none of the escalation paths; each
/// counterexample is a request that names one.
pub fn safe_envelope(scope: &Scope, own_principals: &[String]) -> PolicyDocument {
    let catalog = Catalog::get();
    let mut statements = Vec::new();
    let mut outside = Statement::new(Effect::Allow);
    outside.sid = Some("OutsideIam".into());
    outside.not_action = Some(vec!["iam:*".into()]);
    outside.resource = Some(vec!["*".into()]);
    statements.push(outside);
    // Every IAM read, not only the console's: reading is never an escalation.
    let reads: Vec<String> = catalog
        .expand_actions("iam:*")
        .into_iter()
        .filter(|a| {
            matches!(
                a.access_level,
                crate::catalog::AccessLevel::List | crate::catalog::AccessLevel::Read
            )
        })
        .map(|a| a.full_name())
        .collect();
    let reads: Vec<&str> = reads.iter().map(String::as_str).collect();
    statements.push(statement(
        "Reads",
        Effect::Allow,
        &reads,
        vec!["*".into()],
        Conditions::default(),
    ));
    let writes = delegated_writes(&Scope {
        create_users: true,
        ..scope.clone()
    });
    let (escalating, other): (Vec<&str>, Vec<&str>) = writes
        .iter()
        .copied()
        .filter(|a| *a != "iam:PassRole")
        .partition(|a| ESCALATING.contains(a));
    let all_kinds = ["role", "policy", "instance-profile", "user"];
    let names: Vec<String> = all_kinds.iter().map(|k| scope.names(k)).collect();
    statements.push(statement(
        "EscalatingOnlyWithBoundary",
        Effect::Allow,
        &escalating,
        names.clone(),
        boundary_condition("StringEquals", &scope.boundary_arn),
    ));
    statements.push(statement(
        "OtherWritesInPrefix",
        Effect::Allow,
        &other,
        names.clone(),
        Conditions::default(),
    ));
    statements.push(statement(
        "PassRolesInPrefix",
        Effect::Allow,
        &["iam:PassRole"],
        vec![scope.names("role")],
        Conditions::default(),
    ));
    let mut protected = vec![scope.boundary_arn.clone()];
    protected.extend(scope.delegation_policies().iter().map(|a| a.to_string()));
    statements.push(statement(
        "NoBoundaryOrDelegationEdits",
        Effect::Deny,
        POLICY_WRITE,
        protected,
        Conditions::default(),
    ));
    statements.push(statement(
        "NoBoundaryRemoval",
        Effect::Deny,
        REMOVE_BOUNDARY,
        vec!["*".into()],
        Conditions::default(),
    ));
    statements.push(statement(
        "NoDeeperPaths",
        Effect::Deny,
        &writes,
        all_kinds.iter().map(|k| scope.deeper(k)).collect(),
        Conditions::default(),
    ));
    // A permissions boundary must be a managed policy the account can attach: its own or an
    // AWS managed one. A request naming any other fails, whatever the policies allow, so it is
    // no escalation (`arn:aws:iam::*:policy/B` in a condition lets only this account's `B`
    // through).
    let mut unusable = Conditions::default();
    unusable.insert("Null", BOUNDARY_KEY, vec!["false".into()]);
    unusable.insert(
        "ArnNotLike",
        BOUNDARY_KEY,
        vec![
            format!("arn:{}:iam::{}:policy/*", scope.partition, scope.account),
            format!("arn:{}:iam::aws:policy/*", scope.partition),
        ],
    );
    let takes_boundary: Vec<&str> = (CREATES_OR_REBOUNDS.iter().chain(ESCALATING))
        .copied()
        .filter(|a| Catalog::get().action_supports_key(a, BOUNDARY_KEY) == Some(true))
        .collect();
    statements.push(statement(
        "UnusableBoundaries",
        Effect::Allow,
        &takes_boundary,
        vec!["*".into()],
        unusable,
    ));
    // A user's own credentials, as AWS's self-service example grants them: acting as oneself
    // is not an escalation. The variable resolves only for a user caller; a user with a path
    // is `user/PATH/NAME`, and no other user has its name (names are unique in an account).
    let own_user: Vec<String> = ["", "*/"]
        .map(|path| {
            format!(
                "arn:{}:iam::{}:user/{path}${{aws:username}}",
                scope.partition, scope.account
            )
        })
        .into();
    statements.push(statement(
        "OwnCredentials",
        Effect::Allow,
        SELF_SERVICE,
        own_user.clone(),
        Conditions::default(),
    ));
    if !own_principals.is_empty() {
        statements.push(statement(
            "NoChangesToOwnPrincipals",
            Effect::Deny,
            SELF_CHANGE,
            own_principals.to_vec(),
            Conditions::default(),
        ));
    }
    if holders_may_be_users(own_principals) {
        // A holder that is a user writing its own policies (`user/${aws:username}`, or `user/*`
        // for a group's members) raises its own rights, whoever it is, unless it carries the
        // boundary: then it gets no more than the roles it may create.
        let user_changes: Vec<&str> = (SELF_CHANGE.iter().copied())
            .filter(|a| a.contains("User") && *a != "iam:AddUserToGroup")
            .collect();
        statements.push(statement(
            "NoChangesToTheCallersOwnUser",
            Effect::Deny,
            &user_changes,
            own_user,
            boundary_condition("StringNotEquals", &scope.boundary_arn),
        ));
    }
    PolicyDocument::new(statements)
}

/// Whether a delegation's holders may be IAM users: some of its principals (`own_principals`,
/// ARNs) are users or groups, or they are not known (a delegation read from JSON alone).
pub fn holders_may_be_users(own_principals: &[String]) -> bool {
    own_principals.is_empty()
        || own_principals.iter().any(|arn| {
            matches!(
                crate::iam::names::iam_arn_parts(arn),
                Some((_, "user" | "group", _))
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(prefix: &str, path: &str) -> Scope {
        Scope {
            partition: "aws".into(),
            account: "123456789012".into(),
            boundary_arn: "arn:aws:iam::123456789012:policy/B".into(),
            delegation_arn: Some("arn:aws:iam::123456789012:policy/D".into()),
            delegation_parts: Vec::new(),
            path: path.into(),
            prefix: prefix.into(),
            pass_to: vec!["ec2.amazonaws.com".into()],
            create_users: true,
            tag_keys: default_tag_keys(),
            login_profiles: false,
        }
    }

    #[test]
    fn the_boundary_condition_goes_only_where_the_catalog_lists_the_key() {
        let catalog = Catalog::get();
        for (statement, _) in delegation_policy(&scope("service-", "/")) {
            let conditioned = statement
                .condition
                .clauses()
                .any(|(_, key, _)| key == BOUNDARY_KEY);
            for action in statement.action.as_ref().unwrap() {
                if conditioned && statement.effect == Effect::Allow {
                    assert_eq!(
                        catalog.action_supports_key(action, BOUNDARY_KEY),
                        Some(true),
                        "{action}"
                    );
                }
            }
        }
        // The escalating actions all support the key, so the envelope's condition can match.
        for action in ESCALATING {
            assert_eq!(
                catalog.action_supports_key(action, BOUNDARY_KEY),
                Some(true)
            );
        }
    }

    fn find<'a>(statements: &'a [(Statement, Part)], sid: &str) -> &'a Statement {
        &statements
            .iter()
            .find(|(s, _)| s.sid.as_deref() == Some(sid))
            .unwrap_or_else(|| panic!("no statement {sid}"))
            .0
    }

    fn actions_of(statements: &[(Statement, Part)]) -> Vec<String> {
        statements
            .iter()
            .filter(|(s, _)| s.effect == Effect::Allow)
            .flat_map(|(s, _)| s.action.clone().unwrap_or_default())
            .collect()
    }

    #[test]
    fn tags_only_with_the_allowed_keys() {
        let statements = delegation_policy(&scope("service-", "/"));
        let tags = find(&statements, "TagOnlyAllowedKeysInPrefix");
        let clauses: Vec<_> = tags.condition.clauses().collect();
        assert_eq!(clauses.len(), 1);
        let (operator, key, values) = &clauses[0];
        assert_eq!(
            (*operator, *key),
            ("ForAllValues:StringEquals", "aws:TagKeys")
        );
        assert_eq!(values.len(), DEFAULT_TAG_KEYS.len());
        // No other Allow hands out a tag action without the condition.
        for (statement, _) in &statements {
            if statement.effect == Effect::Allow && statement.sid != tags.sid {
                let actions = statement.action.as_deref().unwrap_or_default();
                assert!(
                    !actions.iter().any(|a| is_tag_action(a)),
                    "{:?}",
                    statement.sid
                );
            }
        }
        // The catalog lists `aws:TagKeys` for each, so the condition can hold.
        let catalog = Catalog::get();
        for action in tags.action.as_deref().unwrap_or_default() {
            assert_eq!(
                catalog.action_supports_key(action, "aws:TagKeys"),
                Some(true),
                "{action}"
            );
        }
    }

    #[test]
    fn tags_of_the_boundary_and_delegation_are_denied() {
        let statements = delegation_policy(&scope("service-", "/"));
        let deny = find(&statements, "DenyChangingBoundaryOrDelegation");
        let actions = deny.action.as_deref().unwrap_or_default();
        assert!(actions.iter().any(|a| a == "iam:TagPolicy"));
        assert!(actions.iter().any(|a| a == "iam:UntagPolicy"));
    }

    #[test]
    fn login_profiles_only_when_asked_for() {
        let without = actions_of(&delegation_policy(&scope("service-", "/")));
        assert!(without.iter().any(|a| a == "iam:CreateAccessKey"));
        assert!(!without.iter().any(|a| LOGIN_PROFILE.contains(&a.as_str())));
        let with = actions_of(&delegation_policy(&Scope {
            login_profiles: true,
            ..scope("service-", "/")
        }));
        assert!(LOGIN_PROFILE.iter().all(|p| with.iter().any(|a| a == p)));
    }

    #[test]
    fn sids_are_letters_and_digits() {
        let statements = delegation_policy(&scope("service-", "/"))
            .into_iter()
            .map(|(s, _)| s)
            .chain(self_propagation("arn:aws:iam::1:policy/B", &[]));
        for statement in statements {
            let sid = statement.sid.unwrap();
            assert!(sid.chars().all(|c| c.is_ascii_alphanumeric()), "{sid}");
        }
    }

    #[test]
    fn paths_and_prefixes_become_arns() {
        let s = scope("etl-", "/pipelines/");
        assert_eq!(
            s.names("role"),
            "arn:aws:iam::123456789012:role/pipelines/etl-*"
        );
        assert_eq!(
            s.deeper("user"),
            "arn:aws:iam::123456789012:user/pipelines/etl-*/*"
        );
    }
}
