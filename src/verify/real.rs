//! What makes a counterexample a request AWS could receive, beyond its resource's ARN format.
//!
//! In: a witness the engine found, and what is known of the caller (its partition and account)
//! and of the targets (the boundaries of principals the source declares). Out: why it is no real
//! request ([`problem`]), and the denies that leave a proof only real requests
//! ([`restrictions`]), for the proofs made again when a witness is not one.
//!
//! The rules, each from the IAM User Guide or the IAM API reference:
//! - a request carries a catalog key only where the Service Authorization Reference lists it for
//!   the action ([`may_carry`]);
//! - an IAM call acts on the caller's own account: the API takes names (`RoleName`), not ARNs,
//!   and the resource is the caller's account's (AWS managed policies, account `aws`, can be
//!   read);
//! - an IAM call carries the `aws:RequestedRegion` of IAM's one endpoint
//!   ([`reason::fixed_region`]);
//! - `iam:CreateServiceLinkedRole` creates a role under `/aws-service-role/`, and `CreateRole`
//!   cannot put one there (IAM API reference, `CreateServiceLinkedRole`);
//! - `iam:PermissionsBoundary` of a call on an existing role or user is that principal's
//!   boundary, absent when it has none; a service-linked role has none ("You cannot set the
//!   boundary for a service-linked role", `PutRolePermissionsBoundary`). Only the calls that set
//!   a boundary (`CreateRole`, `PutRolePermissionsBoundary`, ...) carry the one they set.

use super::*;
use crate::catalog::{AccessLevel, Action};

/// A principal the source declares, with its boundary's ARN (`None`: it has none).
pub type Known = (String, Option<String>);

/// The path AWS creates service-linked roles under, in a role ARN's resource after `role/`.
const SERVICE_LINKED: &str = actions::SERVICE_LINKED_PATH;

/// Whether requests of `action` can carry condition key `key`. A key of the catalog only where
/// the reference lists it for the action, its resource types or those types' definitions
/// ([`Catalog::supports_key`]): a service's keys, and the global keys of tag-based
/// authorization (`aws:RequestTag/…`, `aws:ResourceTag/…`, `aws:TagKeys`), which AWS documents
/// as "included in the request context" only for operations that pass tags or resources that
/// support authorization by tags; the reference is where AWS lists those. Every other global
/// key may be in any request. A key the catalog does not know is given the benefit of the doubt.
pub(super) fn may_carry(action: &Action, key: &str) -> bool {
    let catalog = Catalog::get();
    catalog.condition_key(key).is_none() || catalog.supports_key(action, key)
}

/// Whether `action` carries the boundary of the role or user it acts on: the catalog lists
/// `iam:PermissionsBoundary` for it and it sets none.
fn carries_target_boundary(action: &str) -> bool {
    let catalog = Catalog::get();
    (catalog.action(action)).is_some_and(|a| catalog.supports_key(a, actions::BOUNDARY_KEY))
        && !delegation_safety::is(actions::CREATES_OR_REBOUNDS, action)
}

/// The IAM actions of [`carries_target_boundary`], for the denies of [`restrictions`].
fn carrying_target_boundary() -> Vec<String> {
    (Catalog::get().expand_actions("iam:*").into_iter())
        .map(Action::full_name)
        .filter(|a| carries_target_boundary(a))
        .collect()
}

fn is_action(request: &Request, action: &str) -> bool {
    request.action.eq_ignore_ascii_case(action)
}

/// Why `request` is no request AWS could receive from a caller in `home` (partition, account;
/// `None` when the caller is not known), or `Ok`. `known` are principals whose boundaries the
/// source declares.
pub(super) fn problem(
    request: &Request,
    home: Option<(&str, &str)>,
    known: &[Known],
) -> Result<(), String> {
    let iam = (request.action.split_once(':')).is_some_and(|(s, _)| s.eq_ignore_ascii_case("iam"));
    if !iam {
        return Ok(());
    }
    let parts = crate::iam::names::arn_parts(&request.resource);
    let partition = home.map(|(p, _)| p).or(parts.map(|p| p[1]));
    if let (Some(partition), Some(asked)) = (partition, request.context.get("aws:RequestedRegion"))
    {
        if let Some(region) = reason::fixed_region(&request.action, partition) {
            if asked != [region] {
                return Err(format!(
                    "IAM requests always carry `aws:RequestedRegion` `{region}`, the region of its one endpoint"
                ));
            }
        }
    }
    let Some((_, kind, name)) = crate::iam::names::iam_arn_parts(&request.resource) else {
        return Ok(());
    };
    if let Some((partition, own)) = home {
        own_account(&request.action, &request.resource, partition, own)?;
    }
    if kind == "role" {
        let service_linked = name.starts_with(SERVICE_LINKED);
        // `aws-service-role/<service principal>/<name>`.
        let linked_name = name.strip_prefix(SERVICE_LINKED).is_some_and(|rest| {
            rest.split_once('/')
                .is_some_and(|(service, role)| !service.is_empty() && !role.is_empty())
        });
        if is_action(request, "iam:CreateServiceLinkedRole") && !linked_name {
            return Err(format!(
                "`iam:CreateServiceLinkedRole` creates a role `/{SERVICE_LINKED}SERVICE/NAME`, not `{name}`"
            ));
        }
        if is_action(request, "iam:CreateRole") && service_linked {
            return Err(format!(
                "`iam:CreateRole` cannot create a role under `/{SERVICE_LINKED}`"
            ));
        }
    }
    if !carries_target_boundary(&request.action) {
        return Ok(());
    }
    let boundary = request.context.get(actions::BOUNDARY_KEY);
    let expected = if kind == "role" && name.starts_with(SERVICE_LINKED) {
        Some(None)
    } else {
        (known.iter())
            .find(|(arn, _)| arn.eq_ignore_ascii_case(&request.resource))
            .map(|(_, b)| b.as_deref())
    };
    match (expected, boundary) {
        (Some(None), Some(_)) => Err(format!(
            "`{}` has no permissions boundary, so `{}` on it carries no `{}`",
            request.resource,
            request.action,
            actions::BOUNDARY_KEY
        )),
        (Some(Some(b)), asked) if asked != Some(&[b.to_string()][..]) => Err(format!(
            "`{}` has permissions boundary `{b}`, the `{}` of every request on it",
            request.resource,
            actions::BOUNDARY_KEY
        )),
        _ => Ok(()),
    }
}

/// Whether an IAM resource of this ARN (or ARN format) may be another account's in a call: a
/// delegation request is created by a partner and, before association, any account may call
/// `AssociateDelegationRequest` on it (IAM API reference); where its ARN's account then is, AWS
/// does not say, so the own-account rule leaves it open.
fn any_account(arn: &str) -> bool {
    arn_parts_resource(arn).starts_with("delegation-request/")
}

/// The one rule of IAM's reach: an IAM call on `resource` (an IAM ARN) is in the caller's
/// partition and account; reads may also name an AWS managed policy (account `aws`), and an
/// action whose ARN format names account `aws` (`role-template`) names AWS's resources.
pub(super) fn own_account(
    action: &str,
    resource: &str,
    partition: &str,
    account: &str,
) -> Result<(), String> {
    let Some([_, arn_partition, _, _, arn_account, _]) = crate::iam::names::arn_parts(resource)
    else {
        return Ok(());
    };
    if any_account(resource) {
        return Ok(());
    }
    let catalog = Catalog::get();
    let entry = catalog.action(action);
    let read =
        entry.is_some_and(|a| matches!(a.access_level, AccessLevel::Read | AccessLevel::List));
    let aws_owned = entry.is_some_and(|a| {
        (catalog.action_arn_formats(a).iter())
            .any(|f| crate::iam::names::arn_parts(f).is_some_and(|p| p[4] == "aws"))
    });
    let managed = arn_account == "aws"
        && (aws_owned || (read && arn_parts_resource(resource).starts_with("policy/")));
    if arn_partition != partition || (arn_account != account && !managed) {
        return Err(format!(
            "IAM requests reach only the caller's own account `{account}` (in `{partition}`)"
        ));
    }
    Ok(())
}

fn arn_parts_resource(arn: &str) -> &str {
    crate::iam::names::arn_parts(arn).map_or("", |parts| parts[5])
}

/// Denies that leave an identity's allowed requests only those AWS could receive from a caller
/// in `home`: IAM calls on the caller's account, with IAM's region (when `region`: the documents
/// test the key), service-linked roles only under their path, and the boundary key as the
/// targets have it (`known`, and service-linked roles). Added to the identity side of a proof,
/// they remove no real request, so what the proof finds stays an escape and what it proves
/// stays proved.
pub(super) fn restrictions(
    home: Option<(&str, &str)>,
    region: bool,
    known: &[Known],
) -> PolicyDocument {
    let mut statements = match home {
        Some((partition, account)) => home_denies(partition, account, region).to_vec(),
        None => Vec::new(),
    };
    let service_linked = match home {
        Some((partition, account)) => {
            format!("arn:{partition}:iam::{account}:role/{SERVICE_LINKED}*")
        }
        None => format!("arn:*:iam::*:role/{SERVICE_LINKED}*"),
    };
    let mut create_linked = deny(vec!["iam:CreateServiceLinkedRole".into()]);
    // `?*`: a service and a name, neither empty.
    let linked_name = format!("{}?*/?*", service_linked.trim_end_matches('*'));
    create_linked.not_resource = Some(vec![linked_name]);
    let mut create_there = deny(vec!["iam:CreateRole".into()]);
    create_there.resource = Some(vec![service_linked.clone()]);
    statements.extend([create_linked, create_there]);
    let carries = carrying_target_boundary();
    let mut unbounded = deny(carries.clone());
    unbounded.resource = Some(vec![service_linked]);
    (unbounded.condition).insert("Null", actions::BOUNDARY_KEY, vec!["false".into()]);
    statements.push(unbounded);
    for (arn, boundary) in known {
        let mut other = deny(carries.clone());
        other.resource = Some(vec![arn.clone()]);
        match boundary {
            None => (other.condition).insert("Null", actions::BOUNDARY_KEY, vec!["false".into()]),
            // Absent too: `StringNotEquals` holds when the key is absent.
            Some(b) => {
                (other.condition).insert("StringNotEquals", actions::BOUNDARY_KEY, vec![b.clone()])
            }
        }
        statements.push(other);
    }
    PolicyDocument::new(statements)
}

/// A deny of `actions`, on what the caller adds.
fn deny(actions: Vec<String>) -> Statement {
    let mut s = Statement::new(Effect::Deny);
    s.action = Some(actions);
    s
}

/// How many homes' denies [`home_denies`] keeps: an audit of many accounts asks for many.
const HOMES_KEPT: usize = 4;

/// The denies of [`restrictions`] that depend on the caller's home and `region` alone: IAM
/// calls on the caller's account, and in IAM's region. They read every IAM action's ARN formats
/// (~1 M instructions), and a project's delegations ask for the same ones twice each, so the
/// last few homes' are kept for the process.
fn home_denies(partition: &str, account: &str, region: bool) -> std::sync::Arc<[Statement]> {
    type Made = Vec<((String, String, bool), std::sync::Arc<[Statement]>)>;
    static MADE: std::sync::Mutex<Made> = std::sync::Mutex::new(Vec::new());
    let key = (partition.to_string(), account.to_string(), region);
    let made = |made: &Made| {
        (made.iter())
            .find(|(k, _)| *k == key)
            .map(|(_, s)| s.clone())
    };
    if let Some(found) = made(&MADE.lock().unwrap_or_else(|e| e.into_inner())) {
        return found;
    }
    let mut statements = Vec::new();
    let catalog = Catalog::get();
    // One deny per set of ARN formats, naming the account's resources as the formats do:
    // a pattern such as `arn:aws:iam::123456789012:*` would also split off texts no resource
    // of the action has, which the engine cannot confirm or refute.
    let mut groups: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    for action in catalog.expand_actions("iam:*") {
        let read = matches!(action.access_level, AccessLevel::Read | AccessLevel::List);
        let mut own: Vec<String> = (catalog.action_arn_formats(action).into_iter())
            .map(|format| {
                Catalog::fill_arn_format(format, |placeholder| match placeholder {
                    "Partition" => partition.to_string(),
                    "Account" => account.to_string(),
                    _ => "*".to_string(),
                })
            })
            .collect();
        if own.is_empty() || own.iter().any(|r| any_account(r)) {
            continue;
        }
        if read && own.iter().any(|r| r.contains(":policy/")) {
            own.push(format!("arn:{partition}:iam::aws:policy/*"));
        }
        match groups.iter_mut().find(|(resources, _)| *resources == own) {
            Some((_, names)) => names.push(action.full_name()),
            None => groups.push((own, vec![action.full_name()])),
        }
    }
    for (own, names) in groups {
        let mut elsewhere = deny(names);
        elsewhere.not_resource = Some(own);
        statements.push(elsewhere);
    }
    // The IAM calls of one region: every IAM action but the ones `fixed_region` leaves
    // open (`iam:PassRole`, checked in the region of the call it is passed in).
    let one_region: Vec<(String, &str)> = (catalog.expand_actions("iam:*").into_iter())
        .map(Action::full_name)
        .filter_map(|name| Some((name.clone(), reason::fixed_region(&name, partition)?)))
        .collect();
    if let Some(&(_, value)) = one_region.first().filter(|_| region) {
        let names = one_region.iter().map(|(name, _)| name.clone()).collect();
        let mut elsewhere = deny(names);
        elsewhere.resource = Some(vec!["*".into()]);
        (elsewhere.condition).insert(
            "StringNotEquals",
            "aws:RequestedRegion",
            vec![value.to_string()],
        );
        statements.push(elsewhere);
    }
    let statements: std::sync::Arc<[Statement]> = statements.into();
    let mut made = MADE.lock().unwrap_or_else(|e| e.into_inner());
    if made.len() == HOMES_KEPT {
        made.remove(0);
    }
    made.push((key, statements.clone()));
    statements
}

/// Whether some statement of `docs` tests `key` in a condition.
pub(super) fn tested<'d>(docs: impl IntoIterator<Item = &'d PolicyDocument>, key: &str) -> bool {
    (docs.into_iter().flat_map(|d| &d.statements))
        .flat_map(|s| s.condition.clauses())
        .any(|(_, k, _)| k.eq_ignore_ascii_case(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: Option<(&str, &str)> = Some(("aws", "123456789012"));

    #[test]
    fn tag_keys_only_where_the_catalog_lists_them() {
        let catalog = Catalog::get();
        let get = catalog.action("s3:GetObject").unwrap();
        let tag = catalog.action("iam:TagRole").unwrap();
        assert!(!may_carry(get, "aws:TagKeys"));
        assert!(!may_carry(get, "aws:RequestTag/team"));
        assert!(may_carry(tag, "aws:TagKeys"));
        assert!(may_carry(get, "aws:SourceIp"));
        assert!(may_carry(get, "example:unknownkey"));
    }

    #[test]
    fn iam_calls_stay_in_the_callers_account_and_region() {
        let role = |account: &str| format!("arn:aws:iam::{account}:role/x");
        let get = Request::new("iam:GetRole", &role("123456789012"));
        assert!(problem(&get, HOME, &[]).is_ok());
        let elsewhere = Request::new("iam:GetRole", &role("111122223333"));
        assert!(problem(&elsewhere, HOME, &[]).is_err());
        // Without a known caller, any account may be the caller's.
        assert!(problem(&elsewhere, None, &[]).is_ok());
        let cn = Request::new("iam:GetRole", "arn:aws-cn:iam::123456789012:role/x");
        assert!(problem(&cn, HOME, &[]).is_err());
        let managed = "arn:aws:iam::aws:policy/ReadOnlyAccess";
        assert!(problem(&Request::new("iam:GetPolicy", managed), HOME, &[]).is_ok());
        assert!(problem(&Request::new("iam:DeletePolicy", managed), HOME, &[]).is_err());
        let region = |value: &str| get.clone().with("aws:RequestedRegion", value);
        assert!(problem(&region("us-east-1"), HOME, &[]).is_ok());
        assert!(problem(&region("eu-west-1"), HOME, &[]).is_err());
        assert!(problem(&region("eu-west-1"), None, &[]).is_err());
        let s3 = Request::new("s3:GetObject", "arn:aws:s3:::b/k")
            .with("aws:RequestedRegion", "eu-west-1");
        assert!(problem(&s3, HOME, &[]).is_ok());
    }

    #[test]
    fn service_linked_roles_and_boundaries_as_targets_have_them() {
        let arn = |name: &str| format!("arn:aws:iam::123456789012:role/{name}");
        let slr = |name: &str| Request::new("iam:CreateServiceLinkedRole", &arn(name));
        assert!(problem(&slr("service-x"), HOME, &[]).is_err());
        assert!(problem(
            &slr("aws-service-role/ec2.amazonaws.com/AWSServiceRoleForX"),
            HOME,
            &[]
        )
        .is_ok());
        let create = Request::new("iam:CreateRole", &arn("aws-service-role/x"));
        assert!(problem(&create, HOME, &[]).is_err());
        let b = "arn:aws:iam::123456789012:policy/B";
        let put = |name: &str| {
            Request::new("iam:PutRolePolicy", &arn(name)).with(actions::BOUNDARY_KEY, b)
        };
        assert!(problem(&put("aws-service-role/x"), HOME, &[]).is_err());
        assert!(problem(&put("x"), HOME, &[]).is_ok());
        let known = [(arn("dev"), None), (arn("ops"), Some(b.to_string()))];
        assert!(problem(&put("dev"), HOME, &known).is_err());
        assert!(problem(&put("ops"), HOME, &known).is_ok());
        let bare = Request::new("iam:PutRolePolicy", &arn("ops"));
        assert!(problem(&bare, HOME, &known).is_err());
        // The calls that set a boundary carry the one they set.
        let rebound = Request::new("iam:PutRolePermissionsBoundary", &arn("dev"))
            .with(actions::BOUNDARY_KEY, b);
        assert!(problem(&rebound, HOME, &known).is_ok());
    }

    /// The denies kept per home are those of the home asked about: each names its own account
    /// and partition only, and reads the same when asked again after others evicted it.
    #[test]
    fn denies_kept_per_home_are_that_homes() {
        let homes: Vec<(String, String)> = (0..HOMES_KEPT + 2)
            .map(|i| {
                let partition = if i % 2 == 0 { "aws" } else { "aws-cn" };
                (partition.to_string(), format!("12345678901{i}"))
            })
            .collect();
        let first: Vec<PolicyDocument> = (homes.iter())
            .map(|(p, a)| restrictions(Some((p, a)), true, &[]))
            .collect();
        for ((partition, account), first) in homes.iter().zip(&first) {
            let again = restrictions(Some((partition, account)), true, &[]);
            assert_eq!(&again, first);
            let text = serde_json::to_string(&again).unwrap();
            assert!(text.contains(&format!("arn:{partition}:iam::{account}:")));
            for (_, other) in homes.iter().filter(|(_, a)| a != account) {
                assert!(
                    !text.contains(other.as_str()),
                    "{account}'s denies name {other}"
                );
            }
        }
        // With and without the region's deny, kept apart.
        let (partition, account) = (&homes[0].0, &homes[0].1);
        let without = restrictions(Some((partition, account)), false, &[]);
        assert_eq!(without.statements.len() + 1, first[0].statements.len());
    }

    #[test]
    fn restrictions_deny_exactly_what_no_caller_sends() {
        let known = [("arn:aws:iam::123456789012:role/dev".to_string(), None)];
        let doc = [restrictions(HOME, true, &known)];
        let denied = |request: &Request| {
            reason::evaluate(&doc, None, request).decision == reason::Decision::ExplicitDeny
        };
        let requests = [
            Request::new("iam:GetRole", "arn:aws:iam::123456789012:role/x"),
            Request::new("iam:GetRole", "arn:aws:iam::111122223333:role/x"),
            Request::new("iam:GetPolicy", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
            Request::new("iam:ListRoles", "*"),
            Request::new("iam:GetRole", "arn:aws:iam::123456789012:role/x")
                .with("aws:RequestedRegion", "eu-west-1"),
            Request::new("iam:GetRole", "arn:aws:iam::123456789012:role/x")
                .with("aws:RequestedRegion", "us-east-1"),
            Request::new(
                "iam:CreateServiceLinkedRole",
                "arn:aws:iam::123456789012:role/service-x",
            ),
            Request::new(
                "iam:CreateServiceLinkedRole",
                "arn:aws:iam::123456789012:role/aws-service-role/x/y",
            ),
            Request::new("iam:PutRolePolicy", "arn:aws:iam::123456789012:role/dev")
                .with(actions::BOUNDARY_KEY, "b"),
            Request::new("iam:PutRolePolicy", "arn:aws:iam::123456789012:role/dev"),
            Request::new("s3:GetObject", "arn:aws:s3:::b/k")
                .with("aws:RequestedRegion", "eu-west-1"),
        ];
        for request in &requests {
            // A real request has no problem and is not denied; an unreal one is denied, except
            // that a key left absent is not a region the deny names.
            let real = problem(request, HOME, &known).is_ok();
            let absent_region = request.context.get("aws:RequestedRegion").is_none()
                && request.action.starts_with("iam:");
            if real {
                assert!(!denied(request) || absent_region, "{request}");
            } else {
                assert!(denied(request), "{request}");
            }
        }
    }
}
