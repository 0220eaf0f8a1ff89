//! Project roles whose trust policy lets in a principal a delegation's holders control: a role
//! (or, with `create_users`, a user) they create under the prefix, tagged as they may tag it,
//! or a project role or user under the prefix, whose policies they may rewrite. When the
//! boundary lets that principal call `sts:AssumeRole` on the role, the holders reach it.
//!
//! In: the compiled project, one delegation, its scope and its boundary's document. Out: E0502
//! diagnostics (W0504 when the boundary is not in the project), and what could not be decided.

use super::account::{principal_context, PrincipalKind};
use super::graph::trust::{Caller, Trust, Verdict as TrustVerdict};
use super::*;
use litemap::LiteMap;

/// A role of the project whose trust may let in principals of its own account.
pub(super) struct Trusting<'a> {
    role: &'a RoleInfo,
    trust: &'a Document,
}

/// The roles whose trust names an `AWS` principal of their own account (by account, by an ARN
/// in it, or `*`; a `NotPrincipal` allow counts as `*`): only such a trust can let in what a
/// delegation's holders create. Trust policies naming only services or identity providers, most
/// of them, are passed over here. A trust dropped by streaming was kept whole for this
/// ([`admits_own_account`], `fused::role_prover`).
pub(super) fn trusting_roles(compiled: &Compiled) -> Vec<Trusting<'_>> {
    let mut trusts: foldhash::HashMap<&str, &Document> = (compiled.documents.iter())
        .filter(|d| d.kind == DocumentKind::Trust && d.dropped_size.is_none())
        .filter_map(|d| Some((d.owner.as_deref()?, d)))
        .collect();
    (compiled.roles.iter())
        .filter_map(|role| {
            let trust = trusts.remove(role.name.as_str())?;
            admits_own_account(&trust.policy, &role.arn).then_some(Trusting { role, trust })
        })
        .collect()
}

/// Whether `trust`, the trust policy of role `arn`, may let in an `AWS` principal of the role's
/// account.
pub fn admits_own_account(trust: &PolicyDocument, arn: &str) -> bool {
    crate::iam::gaad::arn_account(arn)
        .is_some_and(|(_, account)| super::graph::trust::may_admit_account(trust, account))
}

/// A principal the holders control, as a trust policy sees it.
#[derive(Clone)]
struct Held {
    kind: PrincipalKind,
    name: String,
    arn: String,
    tags: Vec<(String, String)>,
}

/// E0502 for each role of `trusting` (other than the holders' own) whose trust lets in a
/// principal the holders control when `boundary` lets that principal assume it; W0504 when the
/// boundary's content is not in the project. Returns what could not be decided.
pub(super) fn check(
    compiled: &Compiled,
    trusting: &[Trusting<'_>],
    info: &crate::compile::output::DelegationInfo,
    scope: &Scope,
    boundary: Option<&LocatedDocument>,
    report: &mut Report,
) -> Vec<String> {
    let mut unknown = Vec::new();
    if trusting.is_empty() {
        return unknown;
    }
    let names = Names::of(scope);
    let under_prefix =
        |kind: &str, arn: &str| after_kind(kind, arn).is_some_and(|rest| names.may_cover(rest));
    // Project principals under the prefix: the holders rewrite their policies and trust.
    let held = |kind: PrincipalKind, name: &str, arn: &str, tags: &LiteMap<String, String>| Held {
        kind,
        name: name.to_string(),
        arn: arn.to_string(),
        tags: tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
    };
    let mut existing: Vec<Held> = (compiled.roles.iter())
        .filter(|r| under_prefix("role", &r.arn))
        .map(|r| held(PrincipalKind::Role, &r.name, &r.arn, &r.tags))
        .collect();
    if scope.create_users {
        existing.extend(
            (compiled.users.iter())
                .filter(|u| under_prefix("user", &u.arn))
                .map(|u| held(PrincipalKind::User, &u.name, &u.arn, &u.tags)),
        );
    }
    for Trusting { role, trust } in trusting {
        // The holders' own roles, and roles inside the same boundary, give them nothing new.
        if under_prefix("role", &role.arn)
            || role.boundary_arn.as_deref() == Some(&*scope.boundary_arn)
        {
            continue;
        }
        let decision = Trust::new(&trust.policy);
        let mut held = created(scope, &trust.policy);
        held.extend(existing.iter().cloned());
        for principal in &held {
            let mut request = Request::new("sts:AssumeRole", &role.arn);
            for (key, value) in principal_context(
                principal.kind,
                &principal.name,
                &principal.arn,
                Some(&scope.account),
                &principal.tags,
            ) {
                request = request.with(&key, &value);
            }
            let caller = Caller::Aws {
                arn: &principal.arn,
                account: &scope.account,
            };
            let statement = match decision.allows(caller, &request) {
                TrustVerdict::Allowed(statement) => statement,
                TrustVerdict::Refused => continue,
                TrustVerdict::Undecided(why) => {
                    unknown.push(format!(
                        "whether role `{}` lets in `{}`: {why}",
                        role.name, principal.arn
                    ));
                    continue;
                }
            };
            let boundary_allows =
                boundary.map(|b| reason::evaluate(std::slice::from_ref(&b.policy), None, &request));
            let class = match &boundary_allows {
                Some(found) if !found.unmodelled.is_empty() => {
                    let why: Vec<&str> = found
                        .unmodelled
                        .iter()
                        .map(|(_, why)| why.as_str())
                        .collect();
                    unknown.push(format!(
                        "whether boundary {} lets `{}` assume role `{}`: {}",
                        info.boundary_name,
                        principal.arn,
                        role.name,
                        why.join("; ")
                    ));
                    continue;
                }
                Some(found) if found.decision != reason::Decision::Allow => continue,
                Some(_) => Code::DelegationEscalation,
                None => Code::ConditionalEscalation,
            };
            let at = (trust.origins.get(statement)).map_or(role.span, |origin| origin.span);
            let mut diagnostic = Diagnostic::new(
                class,
                format!(
                    "role `{}` lets in a principal the holders of delegation {} control: `{}` may assume it",
                    role.name, info.name, principal.arn
                ),
            )
            .at(at, format!("lets in `{}`{}", principal.arn, tagged(&principal.tags)))
            .with_label(info.prefix_span, "the holders create and manage the principals under this prefix");
            diagnostic = match class {
                Code::DelegationEscalation => diagnostic.with_note(format!(
                    "boundary {} allows `sts:AssumeRole` on it, and the holders write the policies of the principals under the prefix",
                    info.boundary_name
                )),
                _ => diagnostic.with_note(format!(
                    "an escalation only if boundary `{}`, which is not in the project, allows `sts:AssumeRole` on it",
                    scope.boundary_arn
                )),
            };
            report.diagnostics.push(diagnostic.with_help(format!(
                "limit the trust of role `{}` to principals outside `{}`, or deny `sts:AssumeRole` on it in boundary {}",
                role.name,
                super::escalation::short(&scope.names(principal.kind.as_str())),
                info.boundary_name
            )));
            // One finding per role: the first principal that gets in shows the path.
            break;
        }
    }
    unknown
}

/// ` tagged `k=v`, ...` for a principal with tags, else nothing.
fn tagged(tags: &[(String, String)]) -> String {
    if tags.is_empty() {
        return String::new();
    }
    let tags: Vec<String> = tags.iter().map(|(k, v)| format!("`{k}={v}`")).collect();
    format!(" tagged {}", tags.join(", "))
}

/// The principals the holders can create, with the tags they may set valued as `trust`'s
/// conditions ask (`aws:PrincipalTag/KEY` for each key of the delegation's `tag_keys`).
fn created(scope: &Scope, trust: &PolicyDocument) -> Vec<Held> {
    let mut tags: Vec<(String, String)> = Vec::new();
    for (_, key, values) in trust.statements.iter().flat_map(|s| s.condition.clauses()) {
        let Some(tag) = key
            .get(..17)
            .filter(|head| head.eq_ignore_ascii_case("aws:PrincipalTag/"))
            .map(|_| &key[17..])
        else {
            continue;
        };
        let settable = scope.tag_keys.iter().any(|k| k.eq_ignore_ascii_case(tag));
        if let (true, Some(value)) = (settable, values.first()) {
            if !tags.iter().any(|(k, _)| k.eq_ignore_ascii_case(tag)) {
                tags.push((tag.to_string(), value.replace(['*', '?'], "x")));
            }
        }
    }
    let user = "alice";
    let name = format!("{}x", scope.prefix.replace("${aws:username}", user));
    let mut kinds = vec![PrincipalKind::Role];
    if scope.create_users {
        kinds.push(PrincipalKind::User);
    }
    kinds
        .into_iter()
        .map(|kind| Held {
            kind,
            name: name.clone(),
            arn: scope
                .arn(kind.as_str(), "x")
                .replace("${aws:username}", user),
            tags: tags.clone(),
        })
        .collect()
}
