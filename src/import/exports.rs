//! Account exports (`aws iam get-account-authorization-details`) taken together: the pages of
//! one account, read as one export, or why the inputs are not one complete account.
//!
//! In: the GAADs among the inputs, each already read into [`crate::iam::gaad::Account`], with
//! the JSON it came from (for what the model does not keep: `IsTruncated`, `Marker`, which
//! keys a role's object has). Out: the exports, one error when they are of several accounts
//! or when the account's last page is missing, and what links entities across pages (the ARNs
//! of the account's own managed policies and of the boundaries among them).

use crate::iam::gaad::Account;
use crate::iam::json::{Json, JsonKind};
use crate::syntax::ast::BlockKind;
use std::collections::{BTreeMap, BTreeSet};

/// One GAAD input.
pub(super) struct Export {
    /// The input's name (its file).
    pub name: String,
    pub account: Account,
    /// A page the export continues after: `"IsTruncated": true`, or a `Marker` / `NextToken`
    /// to ask for the next page with.
    pub truncated: bool,
    /// Roles whose object has no `MaxSessionDuration` (none in the role's own object, nor in
    /// its copy inside an instance profile), and roles whose object has no `Description`:
    /// AWS's `RoleDetail` carries neither.
    pub without_session: Vec<String>,
    pub without_description: Vec<String>,
}

impl Export {
    pub fn new(name: &str, account: Account, root: &Json<'_>) -> Export {
        let members = match &root.kind {
            JsonKind::Object(members) => members.as_slice(),
            _ => &[],
        };
        let get = |key: &str| members.iter().find(|m| m.key == key).map(|m| &m.value);
        let truncated = matches!(
            get("IsTruncated").map(|v| &v.kind),
            Some(JsonKind::Bool(true))
        ) || ["Marker", "NextToken"].iter().any(
            |key| matches!(get(key).map(|v| &v.kind), Some(JsonKind::String(s)) if !s.is_empty()),
        );
        // The keys of each role's object, by role name.
        let mut keys: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        if let Some(JsonKind::Array(roles)) = get("RoleDetailList").map(|v| &v.kind) {
            for role in roles {
                let JsonKind::Object(fields) = &role.kind else {
                    continue;
                };
                let name = fields.iter().find(|m| m.key == "RoleName");
                if let Some(JsonKind::String(name)) = name.map(|m| &m.value.kind) {
                    keys.insert(
                        name.to_string(),
                        fields.iter().map(|m| m.key.to_string()).collect(),
                    );
                }
            }
        }
        let has = |role: &str, key: &str| keys.get(role).is_some_and(|k| k.contains(key));
        let imported = account.roles.iter().filter(|r| !is_service_linked(&r.path));
        let mut without_session = Vec::new();
        let mut without_description = Vec::new();
        for role in imported {
            if role.max_session_duration.is_none() {
                without_session.push(role.name.clone());
            }
            if role.description.is_none() && !has(&role.name, "Description") {
                without_description.push(role.name.clone());
            }
        }
        Export {
            name: name.to_string(),
            account,
            truncated,
            without_session,
            without_description,
        }
    }
}

/// A service-linked role: AWS creates it (`iam:CreateServiceLinkedRole`) under
/// `/aws-service-role/`, where `CreateRole` cannot put one.
pub(super) fn is_service_linked(path: &str) -> bool {
    (path.strip_prefix('/'))
        .is_some_and(|p| p.starts_with(crate::iam::actions::SERVICE_LINKED_PATH))
}

/// Why the exports are not one complete account, as one message: exports of several accounts
/// (a build would deploy one account's entities in the other), or pages without the last one
/// (an account missing entities would look complete).
pub(super) fn problem(exports: &[Export]) -> Option<String> {
    let mut accounts: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for export in exports {
        if let Some(account) = &export.account.account_id {
            accounts.entry(account).or_default().push(&export.name);
        }
    }
    if accounts.len() > 1 {
        let list: Vec<String> = accounts
            .iter()
            .map(|(account, files)| format!("account {account} ({})", files.join(", ")))
            .collect();
        return Some(format!(
            "the account exports are of different accounts: {}; one import is one account (a build would create the other account's entities in it, trusting across accounts): import each account separately",
            list.join(" and ")
        ));
    }
    let truncated: Vec<&str> = exports
        .iter()
        .filter(|e| e.truncated)
        .map(|e| e.name.as_str())
        .collect();
    if !truncated.is_empty() && exports.iter().all(|e| e.truncated) {
        let (these, is) = if truncated.len() == 1 {
            ("this export", "is")
        } else {
            ("these exports", "are")
        };
        return Some(format!(
            "{}: {these} {is} truncated (`\"IsTruncated\": true`, with a `Marker` for the next page) and no page given ends the export: the account would be imported incomplete; give every page together (the last has `\"IsTruncated\": false`), or export with the AWS CLI without `--max-items`/`--no-paginate`, which fetches every page",
            truncated.join(", ")
        ));
    }
    None
}

/// What links the entities of an export across its pages: the account's own managed policies
/// by ARN, with the block each becomes (a policy some role or user has as permissions boundary
/// becomes a `boundary`).
pub(super) fn own_policies(exports: &[Export]) -> BTreeMap<String, (BlockKind, String)> {
    let boundaries: BTreeSet<&str> = exports
        .iter()
        .flat_map(|e| {
            let account = &e.account;
            (account.roles.iter())
                .filter(|r| !is_service_linked(&r.path))
                .filter_map(|r| r.permissions_boundary.as_deref())
                .chain((account.users.iter()).filter_map(|u| u.permissions_boundary.as_deref()))
        })
        .collect();
    let mut own = BTreeMap::new();
    for export in exports {
        for policy in export.account.policies.iter().filter(|p| !p.aws_managed) {
            let kind = if boundaries.contains(policy.arn.as_str()) {
                BlockKind::Boundary
            } else {
                BlockKind::Policy
            };
            own.entry(policy.arn.clone())
                .or_insert((kind, policy.name.clone()));
        }
    }
    own
}

/// The notes about one export: its service-linked roles, which are not imported, and the
/// role settings it does not carry.
pub(super) fn notes(export: &Export, several_pages: bool) -> Vec<String> {
    let file = &export.name;
    let mut notes = Vec::new();
    let linked: Vec<String> = (export.account.roles.iter())
        .filter(|r| is_service_linked(&r.path))
        .map(|r| format!("`{}`", r.name))
        .collect();
    if !linked.is_empty() {
        notes.push(format!(
            "{file}: service-linked roles are not imported: {} (AWS creates and updates them for their service, under `/aws-service-role/`, where `CreateRole` cannot put a role)",
            linked.join(", ")
        ));
    }
    let imported = (export.account.roles.iter())
        .filter(|r| !is_service_linked(&r.path))
        .count();
    let listed = |roles: &[String]| match roles.len() {
        n if n == imported && n > 3 => format!("any of its {n} roles"),
        n => format!(
            "role{} {}",
            if n == 1 { "" } else { "s" },
            roles
                .iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let fields = match (
        export.without_session.is_empty(),
        export.without_description.is_empty(),
    ) {
        (false, false) if export.without_session == export.without_description => Some(format!(
            "no `MaxSessionDuration` and no `Description` of {}",
            listed(&export.without_session)
        )),
        (false, false) => Some(format!(
            "no `MaxSessionDuration` of {}, and no `Description` of {}",
            listed(&export.without_session),
            listed(&export.without_description)
        )),
        (false, true) => Some(format!(
            "no `MaxSessionDuration` of {}",
            listed(&export.without_session)
        )),
        (true, false) => Some(format!(
            "no `Description` of {}",
            listed(&export.without_description)
        )),
        (true, true) => None,
    };
    if let Some(fields) = fields {
        notes.push(format!(
            "{file}: the export has {fields} (AWS's `RoleDetail` carries neither): they are imported without them, so a build gives the defaults (a 1-hour maximum session, no description); `aws iam get-role` shows a role's own, to add as `max_session` and `description`"
        ));
    }
    if several_pages && export.truncated {
        notes.push(format!(
            "{file}: a page of the export (`\"IsTruncated\": true`), read with the other pages given; iamx cannot tell whether a page between them is missing"
        ));
    }
    notes
}
