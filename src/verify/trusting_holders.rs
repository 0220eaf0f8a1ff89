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
    holders: &[LocatedDocument],
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
    // Who may tag what the holders create: the holders, and the created roles themselves
    // (whatever their boundary allows).
    let holders: Vec<PolicyDocument> = holders.iter().map(|d| d.policy.clone()).collect();
    let mut taggers = vec![holders];
    taggers.extend(boundary.map(|b| vec![b.policy.clone()]));
    for Trusting { role, trust } in trusting {
        // The holders' own roles, and roles inside the same boundary, give them nothing new.
        if under_prefix("role", &role.arn)
            || role.boundary_arn.as_deref() == Some(&*scope.boundary_arn)
        {
            continue;
        }
        let decision = Trust::new(&trust.policy);
        let mut held = created(scope, &trust.policy, &taggers, &mut unknown);
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
            let boundary_policy = boundary.map(|b| &b.policy);
            let (statement, chosen) =
                match reach(&trust.policy, &decision, caller, &request, boundary_policy) {
                    Reach::Yes(chosen, statement) => (statement, chosen),
                    Reach::No => continue,
                    Reach::Undecided(why) => {
                        unknown.push(format!(
                            "whether `{}` may assume role `{}`: {why}",
                            principal.arn, role.name
                        ));
                        continue;
                    }
                };
            let class = match boundary {
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
            if chosen != request {
                diagnostic = diagnostic.with_note(format!(
                    "with the keys the caller chooses: {}",
                    show(&chosen)
                ));
            }
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
fn created(
    scope: &Scope,
    trust: &PolicyDocument,
    taggers: &[Vec<PolicyDocument>],
    unknown: &mut Vec<String>,
) -> Vec<Held> {
    let user = "alice";
    let name = format!("{}x", scope.prefix.replace("${aws:username}", user));
    let mut kinds = vec![PrincipalKind::Role];
    if scope.create_users {
        kinds.push(PrincipalKind::User);
    }
    kinds
        .into_iter()
        .map(|kind| {
            let arn = scope
                .arn(kind.as_str(), "x")
                .replace("${aws:username}", user);
            Held {
                kind,
                name: name.clone(),
                tags: settable_tags(scope, trust, kind, &arn, taggers, unknown),
                arn,
            }
        })
        .collect()
}

/// The tags a trust's `aws:PrincipalTag/KEY` conditions ask for that the holders can give the
/// principal `arn` they create: a key of the delegation's `tag_keys`, or one the holders' own
/// policies or the boundary (the created role tagging itself) let them set under some context.
fn settable_tags(
    scope: &Scope,
    trust: &PolicyDocument,
    kind: PrincipalKind,
    arn: &str,
    taggers: &[Vec<PolicyDocument>],
    unknown: &mut Vec<String>,
) -> Vec<(String, String)> {
    let mut tags: Vec<(String, String)> = Vec::new();
    for (_, key, values) in trust.statements.iter().flat_map(|s| s.condition.clauses()) {
        let Some(tag) = key
            .get(..17)
            .filter(|head| head.eq_ignore_ascii_case("aws:PrincipalTag/"))
            .map(|_| &key[17..])
        else {
            continue;
        };
        let Some(value) = values.first() else {
            continue;
        };
        if tags.iter().any(|(k, _)| k.eq_ignore_ascii_case(tag)) {
            continue;
        }
        let value = value.replace(['*', '?'], "x");
        let settable = scope.tag_keys.iter().any(|k| k.eq_ignore_ascii_case(tag))
            || can_tag(kind, arn, tag, &value, taggers, unknown);
        if settable {
            tags.push((tag.to_string(), value));
        }
    }
    tags
}

/// Whether one of `taggers` may give `arn` the tag `key=value` under some context.
fn can_tag(
    kind: PrincipalKind,
    arn: &str,
    key: &str,
    value: &str,
    taggers: &[Vec<PolicyDocument>],
    unknown: &mut Vec<String>,
) -> bool {
    let action = match kind {
        PrincipalKind::Role => "iam:TagRole",
        PrincipalKind::User => "iam:TagUser",
    };
    let mut probe = Request::new(action, arn).with(&format!("aws:RequestTag/{key}"), value);
    probe.context.set("aws:TagKeys", [key]);
    let nothing = [PolicyDocument::new(vec![])];
    taggers.iter().any(|docs| {
        match super::probe::ask(
            &probe,
            &[],
            docs,
            &nothing,
            &[],
            &super::containment::realizable,
        ) {
            super::probe::Asked::Allowed(..) => true,
            super::probe::Asked::Refused => false,
            super::probe::Asked::Undecided(why) => {
                unknown.push(format!("whether {} is allowed: {why}", show(&probe)));
                false
            }
        }
    })
}

/// Whether a principal may assume a role.
enum Reach {
    /// With this request (the principal's keys, others as the engine chose), by this trust
    /// statement.
    Yes(Request, usize),
    No,
    Undecided(String),
}

/// Whether `caller`, whose request with its own keys is `base`, may assume the role under some
/// context: the trust lets it in and `boundary` (when known) allows the call. The principal's
/// keys are fixed, and the principal tags and user name it does not have stay absent; every
/// other key (`aws:RequestedRegion`, `aws:SecureTransport`, ...) is the caller's to choose.
fn reach(
    trust: &PolicyDocument,
    decision: &Trust,
    caller: Caller<'_>,
    base: &Request,
    boundary: Option<&PolicyDocument>,
) -> Reach {
    let bounded = |request: &Request| -> Result<bool, String> {
        let Some(b) = boundary else {
            return Ok(true);
        };
        let found = reason::evaluate(std::slice::from_ref(b), None, request);
        if !found.unmodelled.is_empty() {
            let why: Vec<&str> = (found.unmodelled.iter())
                .map(|(_, why)| why.as_str())
                .collect();
            return Err(format!("the boundary: {}", why.join("; ")));
        }
        Ok(found.decision == reason::Decision::Allow)
    };
    match decision.allows(caller, base) {
        TrustVerdict::Allowed(statement) => match bounded(base) {
            Ok(true) => return Reach::Yes(base.clone(), statement),
            Ok(false) => {}
            Err(why) => return Reach::Undecided(why),
        },
        TrustVerdict::Undecided(why) => return Reach::Undecided(why),
        TrustVerdict::Refused => {}
    }
    // The trust statements that name the caller, whatever their conditions.
    let names_caller = |s: &Statement| {
        let mut open = s.clone();
        open.condition = Default::default();
        open.effect = Effect::Allow;
        let doc = PolicyDocument::new(vec![open]);
        matches!(
            Trust::new(&doc).allows(caller, base),
            TrustVerdict::Allowed(_)
        )
    };
    let as_identity = |s: &Statement, effect: Effect| {
        let mut out = s.clone();
        out.effect = effect;
        out.principal = None;
        out.not_principal = None;
        out.resource = Some(vec!["*".into()]);
        out.not_resource = None;
        out
    };
    let (mut lets_in, mut keeps_out) = (Vec::new(), Vec::new());
    for s in trust.statements.iter().filter(|s| names_caller(s)) {
        match s.effect {
            Effect::Allow => lets_in.push(as_identity(s, Effect::Deny)),
            Effect::Deny => keeps_out.push(as_identity(s, Effect::Deny)),
        }
    }
    if lets_in.is_empty() {
        return Reach::No;
    }
    // Principal tags and a user name the caller does not have are absent, not the caller's
    // to choose.
    let mentioned = (trust.statements.iter())
        .chain(boundary.iter().flat_map(|b| &b.statements))
        .flat_map(|s| s.condition.clauses())
        .map(|(_, key, _)| key.to_ascii_lowercase());
    let mut absent: Vec<String> = mentioned
        .filter(|key| key.starts_with("aws:principaltag/") || key == "aws:username")
        .filter(|key| base.context.get(key).is_none())
        .collect();
    absent.sort();
    absent.dedup();
    let anything = {
        let mut all = Statement::new(Effect::Allow);
        all.action = Some(vec!["*".into()]);
        all.resource = Some(vec!["*".into()]);
        all
    };
    let mut identity = match boundary {
        Some(b) => {
            if !super::probe::may_apply(std::slice::from_ref(b), base, &absent) {
                return Reach::No;
            }
            vec![b.clone()]
        }
        None => vec![PolicyDocument::new(vec![anything.clone()])],
    };
    let Some(confined) = super::probe::confine(base, &absent) else {
        return Reach::Undecided(format!("`{}` is not one role", base.resource));
    };
    identity.push(confined);
    identity.push(PolicyDocument::new(keeps_out));
    let mut outside = vec![anything];
    outside.extend(lets_in);
    let outside = PolicyDocument::new(outside);
    let options = super::probe::catalog_options();
    match reason::contained_with(&identity, std::slice::from_ref(&outside), options) {
        Containment::Contained | Containment::ContainedForListedActions(_) => Reach::No,
        Containment::Unknown(unknown) => Reach::Undecided(super::probe::reasons(&unknown)),
        Containment::Escapes {
            counterexamples,
            unknown,
        } => {
            for c in &counterexamples {
                if let (TrustVerdict::Allowed(statement), Ok(true)) =
                    (decision.allows(caller, &c.request), bounded(&c.request))
                {
                    return Reach::Yes(c.request.clone(), statement);
                }
            }
            Reach::Undecided(match counterexamples.first() {
                Some(c) => format!("no request confirms {}", show(&c.request)),
                None => super::probe::reasons(&unknown),
            })
        }
    }
}
