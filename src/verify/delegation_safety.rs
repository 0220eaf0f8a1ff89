//! Delegation safety: a delegation policy, with what else its principals hold, against the
//! safe envelope of its scope.
//!
//! In: the located delegation documents and the delegation's [`Scope`]. Out: one [`Report`]
//! subject: proved, or violated with one escape per escalation path found (probed with concrete
//! requests that name each path), or unknown.

use super::containment::*;
use super::*;
use crate::iam::actions::{AWS_PATHS, BOUNDARY_KEY, ESCALATING, REMOVE_BOUNDARY};
use crate::reason::{pattern_includes, PatternKind};

/// Checks a delegation (its policy first in `identity`, then other policies of its principals)
/// against the safe envelope for `scope`; `own` are the ARNs of the delegation's principals.
pub fn check_delegation(
    identity: &[LocatedDocument],
    scope: &Scope,
    own: &[String],
    label: &str,
    span: Span,
) -> Report {
    let envelope = delegation::safe_envelope(scope, own);
    let (docs, dropped) = prune_never_matching(identity);
    let verdict = reason::contained_with(
        &docs,
        std::slice::from_ref(&envelope),
        reason::Options {
            known_actions: known_actions(),
        },
    );
    let mut report = Report {
        subjects: vec![],
        diagnostics: never_matching_diagnostics(identity, &dropped),
    };
    let (counterexamples, unknown) = match verdict {
        Containment::Contained => (vec![], vec![]),
        Containment::Escapes {
            counterexamples,
            unknown,
        } => (counterexamples, unknown),
        Containment::Unknown(unknown) => (vec![], unknown),
    };
    let mut unknown_text: Vec<String> = unknown
        .iter()
        .map(|u| format!("{}: {}", describe(&u.statement, identity, &[]), u.reason))
        .collect();
    // Readable examples first: one probe per escalation path, kept when it really escapes.
    let mut found: Vec<(Request, StatementRef)> = Vec::new();
    if !counterexamples.is_empty() {
        let envelope = std::slice::from_ref(&envelope);
        for probe in probes(scope, own) {
            let alone = reason::evaluate(&docs, None, &probe);
            if alone.decision != reason::Decision::Allow || !alone.unmodelled.is_empty() {
                continue;
            }
            if reason::evaluate(envelope, None, &probe).decision == reason::Decision::Allow {
                continue;
            }
            if let Some(at) = alone.identity_allows.first() {
                found.push((probe, at.clone()));
            }
        }
    }
    for counterexample in &counterexamples {
        let request = &counterexample.request;
        let real = realizable(request).and_then(|()| receivable(request, scope));
        match real {
            Ok(()) => found.push((request.clone(), counterexample.allowed_by.clone())),
            // The engine's witness may name a resource AWS would never see with this action;
            // the same statement may still allow a real one, so look for it before giving up.
            Err(why) => match repaired(request, scope, &docs, &envelope) {
                Some((real, at)) => found.push((real, at)),
                None => unknown_text.push(format!(
                    "possible escalation {} is not a real request: {why}",
                    show(request)
                )),
            },
        }
    }
    let mut escapes = Vec::new();
    let mut seen: Vec<(StatementRef, String)> = Vec::new();
    let mut assumed: Vec<String> = Vec::new();
    let (mut escalations, mut conditionals, mut warnings) = (0, 0, 0);
    for (request, allowed_by) in found {
        let finding = classify(&request, scope, own);
        // One finding per statement and kind of path: `iam:*` would otherwise list every probe.
        let key = (allowed_by.clone(), finding.category.clone());
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let message = format!(
            "{label} allows {}: {} {}",
            finding.class.noun(),
            show(&request),
            finding.what
        );
        let at = locate(&allowed_by, identity, &[]).unwrap_or(span);
        let mut diagnostic = Diagnostic::new(finding.class.code(), message.clone())
            .at(at, "this statement allows it")
            .with_help(finding.help.clone());
        if let Some(assumption) = &finding.assumption {
            diagnostic = diagnostic.with_note(format!("an escalation only if {assumption}"));
            if !assumed.contains(assumption) {
                assumed.push(assumption.clone());
            }
        }
        if at != span {
            diagnostic = diagnostic.with_label(span, "the delegation");
        }
        report.diagnostics.push(diagnostic);
        match finding.class {
            Class::Escalation => escalations += 1,
            Class::Conditional => conditionals += 1,
            Class::Warning => warnings += 1,
        }
        let mut escape = escape(&request, message);
        escape.class = Some(finding.class.word());
        escapes.push(escape);
    }
    let verdict = if escalations > 0 {
        Verdict::Violated
    } else if !unknown_text.is_empty() {
        Verdict::Unknown
    } else {
        Verdict::Proved
    };
    if verdict == Verdict::Unknown {
        let mut diagnostic = Diagnostic::new(
            Code::VerifyUnknown,
            format!("cannot prove that {label} allows no escalation"),
        )
        .at(span, "not decided");
        for text in &unknown_text {
            diagnostic = diagnostic.with_note(text.clone());
        }
        report.diagnostics.push(diagnostic);
    }
    let mut also = Vec::new();
    if conditionals > 0 {
        also.push(count(conditionals, "conditional escalation"));
    }
    if warnings > 0 {
        also.push(count(warnings, "warning"));
    }
    let also = if also.is_empty() {
        String::new()
    } else {
        format!("; {}", also.join(", "))
    };
    let summary = match verdict {
        Verdict::Proved => format!(
            "{label} allows no escalation{} (names {}, boundary {}){also}",
            if conditionals > 0 {
                " in every account state"
            } else {
                ""
            },
            scope.names("role").rsplit_once(':').map_or("", |(_, r)| r),
            scope.boundary_arn
        ),
        Verdict::Violated => format!("{label} allows {}{also}", count(escalations, "escalation")),
        Verdict::Unknown => format!("{label}: unknown"),
    };
    report.subjects.push(Subject {
        kind: "delegation".into(),
        name: label.into(),
        verdict,
        summary,
        counterexamples: escapes,
        unknown: unknown_text,
        notes: assumed
            .iter()
            .map(|a| format!("escalates only if {a}"))
            .collect(),
        assumptions: vec![],
    });
    report
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// Concrete requests, one or more per escalation path, for readable counterexamples.
fn probes(scope: &Scope, own: &[String]) -> Vec<Request> {
    // A prefix with variables gets a user name to expand them.
    let user = "alice";
    let expand = |text: String| text.replace("${aws:username}", user);
    let named = |kind: &str, name: &str| expand(scope.arn(kind, name));
    let account_arn = |kind: &str, name: &str| {
        format!(
            "arn:{}:iam::{}:{kind}/{name}",
            scope.partition, scope.account
        )
    };
    let with_user = |request: Request| {
        if scope.prefix.contains("${aws:username}") {
            request.with("aws:username", user)
        } else {
            request
        }
    };
    let mut out = Vec::new();
    // Another boundary: a customer managed one, and AWS's own administrator policy (which a
    // condition like `arn:aws:iam::aws:policy/*` lets through).
    let other_boundaries = [
        account_arn("policy", "AdministratorAccess"),
        format!(
            "arn:{}:iam::aws:policy/AdministratorAccess",
            scope.partition
        ),
    ];
    for action in actions::ESCALATING {
        let kind = if action.contains("User") {
            "user"
        } else {
            "role"
        };
        let target = named(kind, "x");
        out.push(with_user(Request::new(action, &target)));
        for other in &other_boundaries {
            out.push(with_user(
                Request::new(action, &target).with(actions::BOUNDARY_KEY, other),
            ));
        }
    }
    let mut protected = vec![scope.boundary_arn.clone()];
    protected.extend(scope.delegation_arn.clone());
    for arn in &protected {
        for action in actions::POLICY_EDIT {
            out.push(with_user(Request::new(action, arn)));
        }
    }
    for action in actions::REMOVE_BOUNDARY {
        let kind = if action.contains("User") {
            "user"
        } else {
            "role"
        };
        out.push(with_user(Request::new(action, &named(kind, "x"))));
    }
    let services = if scope.pass_to.is_empty() {
        vec!["ec2.amazonaws.com".to_string()]
    } else {
        scope.pass_to.clone()
    };
    let mut outside_roles = vec![
        account_arn("role", "admin"),
        account_arn("role", "service-role/admin"),
        account_arn("role", "aws-reserved/admin"),
    ];
    outside_roles.push(expand(scope.arn("role", "x/admin")));
    for role in &outside_roles {
        for service in &services {
            out.push(with_user(
                Request::new("iam:PassRole", role).with("iam:PassedToService", service),
            ));
        }
        for action in [
            "iam:PutRolePolicy",
            "iam:AttachRolePolicy",
            "iam:UpdateAssumeRolePolicy",
        ] {
            // With the boundary: a bounded role outside the prefix (a warning); without it:
            // an unbounded one, such as those AWS creates under its own paths.
            out.push(with_user(
                Request::new(action, role).with(actions::BOUNDARY_KEY, &scope.boundary_arn),
            ));
            out.push(with_user(Request::new(action, role)));
        }
    }
    for action in ["iam:CreatePolicyVersion", "iam:DeletePolicy"] {
        out.push(with_user(Request::new(
            action,
            &account_arn("policy", "admin"),
        )));
    }
    for principal in own {
        for action in actions::SELF_CHANGE {
            out.push(with_user(
                Request::new(action, principal).with(actions::BOUNDARY_KEY, &scope.boundary_arn),
            ));
            out.push(with_user(Request::new(action, principal)));
        }
    }
    out.retain(|r| realizable(r).is_ok() && receivable(r, scope).is_ok());
    out
}

/// How bad an escaping request is, which decides its code and whether it fails the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Possible whatever the account holds: an error (E0502).
    Escalation,
    /// Needs something to exist in the account (an unbounded role under the prefix, ...): a
    /// warning (W0504) that names what it assumes; `--strict` makes it an error.
    Conditional,
    /// Not an escalation, but wider than the delegation pattern (W0505).
    Warning,
}

impl Class {
    fn code(self) -> Code {
        match self {
            Class::Escalation => Code::DelegationEscalation,
            Class::Conditional => Code::ConditionalEscalation,
            Class::Warning => Code::DelegationWarning,
        }
    }

    fn word(self) -> &'static str {
        match self {
            Class::Escalation => "escalation",
            Class::Conditional => "conditional",
            Class::Warning => "warning",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Class::Escalation => "an escalation",
            Class::Conditional => "a conditional escalation",
            Class::Warning => "more than the delegation pattern",
        }
    }
}

/// One classified escaping request: what the action does, the account state it needs (for
/// conditional escalations) and a fix that fits it.
struct Finding {
    class: Class,
    /// Groups requests that take the same path, so each statement reports it once.
    category: String,
    what: String,
    assumption: Option<String>,
    help: String,
}

impl Finding {
    fn new(class: Class, category: &str, what: String, help: String) -> Finding {
        Finding {
            class,
            category: category.to_string(),
            what,
            assumption: None,
            help,
        }
    }

    fn assuming(mut self, assumption: String) -> Finding {
        self.assumption = Some(assumption);
        self
    }
}

/// The credential actions: whoever holds them for a user can act as that user.
const CREDENTIALS: &[&str] = &[
    "iam:CreateAccessKey",
    "iam:UpdateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:CreateServiceSpecificCredential",
    "iam:ResetServiceSpecificCredential",
    "iam:UploadSSHPublicKey",
    "iam:UpdateSSHPublicKey",
];

/// The actions that create an identity or set its boundary: without the boundary they escalate
/// in any account.
const CREATES_OR_REBOUNDS: &[&str] = &[
    "iam:CreateRole",
    "iam:CreateUser",
    "iam:PutRolePermissionsBoundary",
    "iam:PutUserPermissionsBoundary",
];

/// The group writes that change what the group's members may do.
const GROUP_POLICY: &[&str] = &[
    "iam:PutGroupPolicy",
    "iam:DeleteGroupPolicy",
    "iam:AttachGroupPolicy",
    "iam:DetachGroupPolicy",
];

/// `(account, kind, path and name)` of an IAM ARN.
fn iam_parts(arn: &str) -> Option<(&str, &str, &str)> {
    let rest = arn.strip_prefix("arn:")?;
    let (_, rest) = rest.split_once(':')?;
    let rest = rest.strip_prefix("iam::")?;
    let (account, rest) = rest.split_once(':')?;
    let (kind, name) = rest.split_once('/')?;
    Some((account, kind, name))
}

/// `role `service-x``, `managed policy `admin``: the target of a request, for messages.
fn target(resource: &str) -> String {
    match iam_parts(resource) {
        Some((_, kind, name)) => {
            let kind = match kind {
                "policy" => "managed policy",
                "instance-profile" => "instance profile",
                other => other,
            };
            format!("{kind} `{name}`")
        }
        None => format!("`{resource}`"),
    }
}

/// What an action really does to its target, as the start of a sentence.
fn does(request: &Request) -> String {
    let action = request.action.as_str();
    let name = action.split_once(':').map_or(action, |(_, n)| n);
    let t = target(&request.resource);
    let verb = |text: &str| text.replace("{t}", &t);
    match name.to_ascii_lowercase().as_str() {
        "createrole" | "createuser" | "createpolicy" | "createinstanceprofile" => {
            verb("creates {t}")
        }
        "putrolepolicy" | "putuserpolicy" | "putgrouppolicy" => {
            verb("writes an inline policy of {t}")
        }
        "deleterolepolicy" | "deleteuserpolicy" | "deletegrouppolicy" => {
            verb("deletes an inline policy of {t}")
        }
        "attachrolepolicy" | "attachuserpolicy" | "attachgrouppolicy" => {
            verb("attaches a managed policy to {t}")
        }
        "detachrolepolicy" | "detachuserpolicy" | "detachgrouppolicy" => {
            verb("detaches a managed policy from {t}")
        }
        "putrolepermissionsboundary" | "putuserpermissionsboundary" => {
            verb("sets the permissions boundary of {t}")
        }
        "deleterolepermissionsboundary" | "deleteuserpermissionsboundary" => {
            verb("removes the permissions boundary of {t}")
        }
        "updateassumerolepolicy" => verb("rewrites who may assume {t}"),
        "passrole" => match request.context.get("iam:PassedToService") {
            Some([service]) => format!("passes {t} to `{service}`"),
            _ => verb("passes {t} to a service"),
        },
        "createpolicyversion" => verb("writes a new version of {t}"),
        "setdefaultpolicyversion" => verb("changes which version of {t} is in force"),
        "deletepolicyversion" => verb("deletes a version of {t}"),
        "deletepolicy" | "deleterole" | "deleteuser" | "deleteinstanceprofile" => {
            verb("deletes {t}")
        }
        "createaccesskey" => verb("creates an access key for {t}"),
        "updateaccesskey" => verb("re-enables or disables an access key of {t}"),
        "createloginprofile" => verb("sets a console password for {t}"),
        "updateloginprofile" => verb("changes the console password of {t}"),
        "addusertogroup" => verb("adds a user to {t}"),
        "addroletoinstanceprofile" => verb("puts a role into {t}"),
        "removerolefrominstanceprofile" => verb("takes a role out of {t}"),
        n if n.starts_with("tag") || n.starts_with("untag") => verb("changes the tags of {t}"),
        _ => format!("performs `{action}` on {t}"),
    }
}

/// `role/service-*`: a delegated name pattern without the ARN's start, for messages.
fn short(pattern: &str) -> &str {
    pattern.rsplit_once(':').map_or(pattern, |(_, r)| r)
}

/// Whether `request` names one of the delegated names of `kind`. IAM names are unique without
/// regard to case, so the comparison ignores case: `Service-X` is as much the holders' as
/// `service-x` (a holder cannot create one while the other exists).
fn in_scope(scope: &Scope, kind: &str, request: &Request) -> bool {
    let mut lower = request.clone();
    lower.resource = request.resource.to_lowercase();
    applies(&scope.names(kind).to_lowercase(), &lower)
        && !applies(&scope.deeper(kind).to_lowercase(), &lower)
}

/// The AWS path a role name starts with (`service-role/`), in any case.
fn reserved_path(name: &str) -> Option<&'static str> {
    let lower = name.to_lowercase();
    AWS_PATHS.iter().copied().find(|p| lower.starts_with(p))
}

/// Classifies an escaping request: what it does, how bad it is, and how to fix it.
fn classify(request: &Request, scope: &Scope, own: &[String]) -> Finding {
    use Class::*;
    let action = request.action.as_str();
    let resource = request.resource.as_str();
    let does = does(request);
    let boundary = &scope.boundary_arn;
    let (kind, name) = iam_parts(resource).map_or(("", ""), |(_, k, n)| (k, n));
    let names = short(&scope.names(if kind == "user" { "user" } else { "role" })).to_string();
    let carried = request
        .context
        .get(BOUNDARY_KEY)
        .and_then(|v| v.first())
        .map(String::as_str);
    let require = format!(
        "allow it only with `\"StringEquals\": {{\"iam:PermissionsBoundary\": \"{boundary}\"}}`"
    );
    if is(REMOVE_BOUNDARY, action) {
        return Finding::new(
            Escalation,
            "remove-boundary",
            format!("{does}: it is then limited by its own policies alone"),
            "deny `iam:DeleteRolePermissionsBoundary` and `iam:DeleteUserPermissionsBoundary` on `*`".into(),
        );
    }
    for (protected, category, what) in [
        (
            Some(boundary.as_str()),
            "boundary-edit",
            "the boundary every delegated role must carry",
        ),
        (
            scope.delegation_arn.as_deref(),
            "delegation-edit",
            "the delegation policy itself",
        ),
    ] {
        if protected.is_some_and(|p| p.eq_ignore_ascii_case(resource)) {
            let help = if in_scope(scope, "policy", request) {
                // A deny does not help a name the holders own: the prefix hands it to them.
                format!(
                    "give the policy a name outside the delegated names `{}`",
                    short(&scope.names("policy"))
                )
            } else {
                format!(
                    "deny `iam:CreatePolicyVersion`, `iam:SetDefaultPolicyVersion`, `iam:DeletePolicyVersion`, `iam:DeletePolicy`, `iam:TagPolicy` and `iam:UntagPolicy` on `{resource}`"
                )
            };
            return Finding::new(Escalation, category, format!("{does}, {what}"), help);
        }
    }
    if own.iter().any(|o| o.eq_ignore_ascii_case(resource)) {
        return Finding::new(
            Escalation,
            "own-principal",
            format!("{does}, which holds this delegation: its holders can raise their own rights"),
            "deny policy, boundary and trust writes on the delegation's own principals".into(),
        );
    }
    if is(CREDENTIALS, action) {
        return Finding::new(
            Escalation,
            "credentials",
            format!(
                "{does}, a user outside the delegated names `{}`: the holder can act as that user",
                short(&scope.names("user"))
            ),
            format!(
                "allow credential actions only on `{}`",
                short(&scope.names("user"))
            ),
        );
    }
    if action.eq_ignore_ascii_case("iam:AddUserToGroup") {
        return Finding::new(
            Escalation,
            "group-membership",
            format!("{does}: the user gains the group's policies (a group carries no boundary of its own)"),
            "do not allow `iam:AddUserToGroup` in a delegation".into(),
        );
    }
    if is(GROUP_POLICY, action) {
        return Finding::new(
            Conditional,
            "group-policy",
            format!("{does}, whose members get it without a boundary of the group's"),
            "do not allow group policy writes in a delegation".into(),
        )
        .assuming(format!(
            "{} has members without the boundary",
            target(resource)
        ));
    }
    let scoped = matches!(kind, "role" | "user" | "policy" | "instance-profile")
        && in_scope(scope, kind, request);
    if is(CREATES_OR_REBOUNDS, action) {
        return match carried {
            None => Finding::new(Escalation, "create-unbounded", format!("{does} without a permissions boundary"), require),
            Some(other) if other != boundary => Finding::new(
                Escalation,
                "create-other-boundary",
                format!("{does} with boundary `{other}` instead of `{boundary}`"),
                format!("the statement lets another boundary through: require exactly `{boundary}` with `StringEquals` on `iam:PermissionsBoundary`"),
            ),
            Some(_) => Finding::new(
                Warning,
                "outside-bounded",
                format!("{does}, outside the delegated names `{names}`; it carries the boundary"),
                format!("scope the statement to `{names}`"),
            ),
        };
    }
    let role_write = is(ESCALATING, action) || action.eq_ignore_ascii_case("iam:PassRole");
    // A role there that carries the boundary is as safe as one under the prefix.
    if kind == "role" && role_write && carried != Some(boundary.as_str()) {
        if let Some(path) = reserved_path(name) {
            return Finding::new(
                Escalation,
                "reserved-path",
                format!("{does}, under AWS's own path `/{path}`, where AWS and the console create roles without boundaries"),
                "deny these actions on `role/service-role/*`, `role/aws-service-role/*` and `role/aws-reserved/*`, or give the delegation a `path` of its own".into(),
            );
        }
    }
    if role_write && matches!(kind, "role" | "user") {
        let what_kind = if kind == "user" { "user" } else { "role" };
        return match (scoped, carried) {
            (true, None) => Finding::new(
                Conditional,
                "unbounded-in-prefix",
                format!("{does} when it has no permissions boundary"),
                format!("{require}, so that only {what_kind}s that carry the boundary can be changed"),
            )
            .assuming(format!("a {what_kind} named `{names}` exists without the boundary (one an administrator, a pipeline or the console created)")),
            (true, Some(other)) => Finding::new(
                Conditional,
                "other-boundary-in-prefix",
                format!("{does} when it has boundary `{other}` instead of `{boundary}`"),
                format!("require exactly `{boundary}` with `StringEquals` on `iam:PermissionsBoundary`"),
            )
            .assuming(format!("a {what_kind} named `{names}` exists with another boundary")),
            (false, _) if action.eq_ignore_ascii_case("iam:PassRole") => Finding::new(
                Conditional,
                "pass-outside",
                format!("{does}, outside the delegated names `{names}`"),
                format!("scope `iam:PassRole` to `{names}`"),
            )
            .assuming(format!("{} exists with rights beyond the boundary", target(resource))),
            (false, Some(b)) if b == boundary => Finding::new(
                Warning,
                "outside-bounded",
                format!("{does}, outside the delegated names `{names}`; it already carries the boundary, so it stays inside it"),
                format!("scope the statement to `{names}`, so holders change only what they manage"),
            ),
            (false, _) => Finding::new(
                Conditional,
                "outside-unbounded",
                format!("{does}, outside the delegated names `{names}`"),
                format!("scope the statement to `{names}` and {require}"),
            )
            .assuming(format!("{} exists without the boundary", target(resource))),
        };
    }
    if matches!(kind, "role" | "user") && !scoped {
        let lower = action.to_ascii_lowercase();
        if lower.starts_with("iam:tag") || lower.starts_with("iam:untag") {
            return Finding::new(
                Conditional,
                "outside-tags",
                format!("{does}, outside the delegated names `{names}`"),
                format!("scope tag writes to `{names}`"),
            )
            .assuming(format!(
                "policies in the account grant access by the tags of {}",
                target(resource)
            ));
        }
        return Finding::new(
            Warning,
            "outside-other",
            format!("{does}, outside the delegated names `{names}`"),
            format!("scope the statement to `{names}`"),
        );
    }
    if kind == "policy" && !scoped {
        let policies = short(&scope.names("policy")).to_string();
        let help = format!("scope policy writes to `{policies}`");
        if is(
            &[
                "iam:CreatePolicyVersion",
                "iam:SetDefaultPolicyVersion",
                "iam:DeletePolicyVersion",
            ],
            action,
        ) {
            return Finding::new(
                Conditional,
                "outside-policy-edit",
                format!("{does}, outside the delegated names `{policies}`"),
                help,
            )
            .assuming(format!(
                "{} is attached to a principal without the boundary",
                target(resource)
            ));
        }
        return Finding::new(
            Warning,
            "outside-policy",
            format!("{does}, outside the delegated names `{policies}`"),
            help,
        );
    }
    if kind == "instance-profile" && !scoped {
        let profiles = short(&scope.names("instance-profile")).to_string();
        let finding = |class| {
            Finding::new(
                class,
                "outside-profile",
                format!("{does}, outside the delegated names `{profiles}`"),
                format!("scope instance profile writes to `{profiles}`"),
            )
        };
        // Only the role inside a profile decides what its instances may do.
        if is(
            &[
                "iam:AddRoleToInstanceProfile",
                "iam:RemoveRoleFromInstanceProfile",
            ],
            action,
        ) {
            return finding(Conditional).assuming(format!(
                "EC2 instances a holder can reach use {}",
                target(resource)
            ));
        }
        return finding(Warning);
    }
    Finding::new(
        Escalation,
        "other",
        format!("{does}: an IAM write the delegation pattern does not include"),
        format!("remove `{action}` from the delegation, or scope it to the delegated names"),
    )
}

/// Whether AWS could receive `request`: its resource has one of the catalog's ARN formats for
/// the action, and an IAM resource is in the delegation's account (IAM writes never cross
/// accounts) and has a name.
fn receivable(request: &Request, scope: &Scope) -> Result<(), String> {
    let catalog = Catalog::get();
    let Some(action) = catalog.action(&request.action) else {
        return Ok(());
    };
    let formats = catalog.action_arn_formats(action);
    if formats.is_empty() {
        return match request.resource.as_str() {
            "*" => Ok(()),
            other => Err(format!(
                "`{}` takes no resource, not `{other}`",
                request.action
            )),
        };
    }
    let fits = formats.iter().any(|format| {
        pattern_includes(
            &format_glob(format, scope),
            &request.resource,
            PatternKind::Arn,
        )
    });
    if !fits {
        return Err(format!(
            "`{}` acts on {}, not on `{}`",
            request.action,
            formats.join(" or "),
            request.resource
        ));
    }
    if let Some((account, _, name)) = iam_parts(&request.resource) {
        if account != scope.account {
            return Err(format!(
                "IAM requests reach only the account `{}`",
                scope.account
            ));
        }
        if name.is_empty() || name.ends_with('/') || name.contains("//") {
            return Err(format!("`{}` names nothing", request.resource));
        }
    }
    Ok(())
}

/// A catalog ARN format as a pattern: the delegation's partition and account, `*` for names.
fn format_glob(format: &str, scope: &Scope) -> String {
    fill(format, scope, "*")
}

/// A catalog ARN format with the delegation's partition and account, and `name` for the rest.
fn fill(format: &str, scope: &Scope, name: &str) -> String {
    let mut out = String::new();
    let mut rest = format;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        out.push_str(match &rest[start + 2..start + end] {
            "Partition" => &scope.partition,
            "Account" => &scope.account,
            _ => name,
        });
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

/// A receivable request of the same action and context as `request` that the delegation allows
/// and the envelope does not, with the statement that allows it: the engine's witness, made real.
fn repaired(
    request: &Request,
    scope: &Scope,
    docs: &[PolicyDocument],
    envelope: &PolicyDocument,
) -> Option<(Request, StatementRef)> {
    let catalog = Catalog::get();
    let action = catalog.action(&request.action)?;
    let user = "alice";
    let inside = format!(
        "{}{}x",
        scope.path.trim_start_matches('/'),
        scope.prefix.replace("${aws:username}", user)
    );
    let names = [
        "admin".to_string(),
        inside.clone(),
        format!("{inside}/admin"),
        "service-role/admin".into(),
    ];
    let envelope = std::slice::from_ref(envelope);
    for format in catalog.action_arn_formats(action) {
        for name in &names {
            let mut candidate = request.clone();
            candidate.resource = fill(format, scope, name);
            if scope.prefix.contains("${aws:username}")
                && candidate.context.get("aws:username").is_none()
            {
                candidate = candidate.with("aws:username", user);
            }
            if realizable(&candidate).is_err() || receivable(&candidate, scope).is_err() {
                continue;
            }
            let alone = reason::evaluate(docs, None, &candidate);
            if alone.decision != reason::Decision::Allow || !alone.unmodelled.is_empty() {
                continue;
            }
            if reason::evaluate(envelope, None, &candidate).decision == reason::Decision::Allow {
                continue;
            }
            if let Some(at) = alone.identity_allows.first() {
                return Some((candidate, at.clone()));
            }
        }
    }
    None
}

fn applies(resource_pattern: &str, request: &Request) -> bool {
    let mut statement = Statement::new(Effect::Allow);
    statement.action = Some(vec!["*".into()]);
    statement.resource = Some(vec![resource_pattern.to_string()]);
    reason::statement_applies(&statement, request).unwrap_or(false)
}

fn is(list: &[&str], action: &str) -> bool {
    list.iter().any(|a| a.eq_ignore_ascii_case(action))
}

/// What is known about a delegation beyond its scope, for the assumptions a verdict states.
pub struct Facts {
    /// Where the account came from (`--account`, the delegation policy's ARN, ...).
    pub account_source: String,
    /// What is known of the boundary's content (defined in the project, or not read).
    pub boundary_content: String,
    /// The policies of the delegation's principals that were checked with it.
    pub seen: Vec<String>,
}

/// The assumptions a delegation verdict depends on, one sentence each: the account, what the
/// prefix holds, the boundary, what was seen of the principals, and what is not modelled.
pub fn assumptions(scope: &Scope, facts: &Facts) -> Vec<String> {
    let mut out = vec![format!(
        "account {} (from {})",
        scope.account, facts.account_source
    )];
    let roles = short(&scope.names("role")).to_string();
    let users = short(&scope.names("user")).to_string();
    out.push(format!(
        "the prefix is clean: every role `{roles}` and user `{users}` that already exists carries the boundary (holders can pass or change one that does not)"
    ));
    for path in scope.aws_path_collisions() {
        out.push(format!(
            "`{roles}` also matches AWS's own path `/{path}`, where the console and services create roles without boundaries"
        ));
    }
    let managed = if is_aws_managed(&scope.boundary_arn) {
        "AWS managed: AWS maintains its content and no holder can edit it"
    } else {
        "customer managed"
    };
    out.push(format!(
        "boundary `{}` is {managed}; {}",
        scope.boundary_arn, facts.boundary_content
    ));
    if scope.create_users {
        out.push(
            "users the holders create belong to no group: guardrails given through groups do not reach them unless the boundary carries them".into(),
        );
    }
    out.push(if facts.seen.is_empty() {
        "policies of the principals seen: none besides the delegation; their other policies were not checked".into()
    } else {
        format!(
            "policies of the principals seen: {}; any others they have were not checked",
            facts.seen.join(", ")
        )
    });
    out.push(
        "not modelled: service control policies, resource policies (trust policies of existing roles, key and bucket policies), session policies and other accounts".into(),
    );
    out
}

/// Whether a policy ARN is an AWS managed policy (`arn:aws:iam::aws:policy/...`).
pub fn is_aws_managed(arn: &str) -> bool {
    iam_parts(arn).is_some_and(|(account, _, _)| account == "aws")
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: &str = "arn:aws:iam::123456789012:policy/B";

    fn scope() -> Scope {
        Scope {
            partition: "aws".into(),
            account: "123456789012".into(),
            boundary_arn: B.into(),
            delegation_arn: Some("arn:aws:iam::123456789012:policy/D".into()),
            path: "/".into(),
            prefix: "service-".into(),
            pass_to: vec![],
            create_users: true,
            tag_keys: crate::compile::delegation::default_tag_keys(),
            login_profiles: false,
        }
    }

    fn role(name: &str) -> String {
        format!("arn:aws:iam::123456789012:role/{name}")
    }

    fn class_of(request: Request) -> (Class, Option<String>) {
        let found = classify(&request, &scope(), &[]);
        (found.class, found.assumption)
    }

    #[test]
    fn creating_a_role_without_the_boundary_escalates_in_any_account() {
        let (class, assumption) = class_of(Request::new("iam:CreateRole", &role("service-x")));
        assert_eq!((class, assumption), (Class::Escalation, None));
        let other = Request::new("iam:PutRolePermissionsBoundary", &role("service-x"))
            .with(BOUNDARY_KEY, "arn:aws:iam::aws:policy/AdministratorAccess");
        assert_eq!(class_of(other).0, Class::Escalation);
    }

    #[test]
    fn changing_an_unbounded_role_under_the_prefix_depends_on_the_account() {
        let (class, assumption) = class_of(Request::new("iam:PutRolePolicy", &role("service-x")));
        assert_eq!(class, Class::Conditional);
        let assumption = assumption.unwrap_or_default();
        assert!(
            assumption.contains("`role/service-*` exists without the boundary"),
            "{assumption}"
        );
        // The message says what the action does, not that it creates a role.
        let found = classify(
            &Request::new("iam:UpdateAssumeRolePolicy", &role("service-x")),
            &scope(),
            &[],
        );
        assert!(
            found
                .what
                .starts_with("rewrites who may assume role `service-x`"),
            "{}",
            found.what
        );
    }

    #[test]
    fn names_under_the_prefix_ignore_case() {
        let upper = Request::new("iam:PutRolePolicy", &role("SERVICE-x"));
        assert!(in_scope(&scope(), "role", &upper));
        assert_eq!(class_of(upper).0, Class::Conditional);
    }

    #[test]
    fn aws_paths_are_escalations_unless_the_role_carries_the_boundary() {
        let pass = Request::new("iam:PassRole", &role("service-role/admin"));
        assert_eq!(class_of(pass).0, Class::Escalation);
        let upper = Request::new("iam:UpdateAssumeRolePolicy", &role("Service-Role/admin"));
        assert_eq!(class_of(upper).0, Class::Escalation);
        let bounded =
            Request::new("iam:PutRolePolicy", &role("service-role/admin")).with(BOUNDARY_KEY, B);
        assert_eq!(class_of(bounded).0, Class::Warning);
    }

    #[test]
    fn bounded_roles_outside_the_prefix_are_warnings() {
        let bounded = Request::new("iam:AttachRolePolicy", &role("admin")).with(BOUNDARY_KEY, B);
        assert_eq!(class_of(bounded), (Class::Warning, None));
        let unbounded = Request::new("iam:AttachRolePolicy", &role("admin"));
        assert_eq!(class_of(unbounded).0, Class::Conditional);
        let pass = Request::new("iam:PassRole", &role("admin"));
        assert_eq!(class_of(pass).0, Class::Conditional);
    }

    #[test]
    fn credentials_groups_and_own_principals_escalate() {
        let user = "arn:aws:iam::123456789012:user/alice";
        assert_eq!(
            class_of(Request::new("iam:CreateAccessKey", user)).0,
            Class::Escalation
        );
        let group = "arn:aws:iam::123456789012:group/admins";
        assert_eq!(
            class_of(Request::new("iam:AddUserToGroup", group)).0,
            Class::Escalation
        );
        let own = classify(
            &Request::new("iam:AttachUserPolicy", user),
            &scope(),
            &[user.to_string()],
        );
        assert_eq!(own.class, Class::Escalation);
    }

    #[test]
    fn witnesses_must_be_requests_aws_could_receive() {
        let s = scope();
        assert!(receivable(&Request::new("iam:CreateRole", &role("service-x")), &s).is_ok());
        // An IAM action on an S3 ARN, an empty account, another account, no name.
        for resource in [
            "arn:aws:s3:::bucket",
            "arn:aws:iam:::role/service-x",
            "arn:aws:iam::999999999999:role/service-x",
            "arn:aws:iam::123456789012:role/",
        ] {
            assert!(
                receivable(&Request::new("iam:CreateRole", resource), &s).is_err(),
                "{resource}"
            );
        }
        // The wrong resource type for the action.
        let policy = "arn:aws:iam::123456789012:policy/service-x";
        assert!(receivable(&Request::new("iam:CreateRole", policy), &s).is_err());
    }

    #[test]
    fn aws_managed_policies_are_recognized() {
        assert!(is_aws_managed("arn:aws:iam::aws:policy/ReadOnlyAccess"));
        assert!(!is_aws_managed(B));
        let mut s = scope();
        s.boundary_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess".into();
        let facts = Facts {
            account_source: "--account".into(),
            boundary_content: "not read".into(),
            seen: vec![],
        };
        let said = assumptions(&s, &facts).join("\n");
        assert!(
            said.contains("account 123456789012 (from --account)"),
            "{said}"
        );
        assert!(said.contains("is AWS managed"), "{said}");
        assert!(said.contains("/service-role/"), "{said}");
        assert!(said.contains("not modelled"), "{said}");
    }
}
