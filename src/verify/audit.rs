//! A project checked against the account it is deployed in (`iamx verify --gaad FILE`).
//!
//! In: a compiled project and an account export (GAAD). Out: a [`Report`] with, per delegation,
//! what its holders can reach among the roles, users and customer managed policies that already
//! exist — each listed with whether it carries the delegation's boundary — and an escalation
//! (E0502, pointing into the export) with the API calls in order for each reachable role or user
//! without that boundary and each reachable policy attached to one; plus drift (W0506) between
//! what the project declares and what the account holds.
//!
//! Source alone can only assume that the prefix is clean (W0504, a conditional escalation); the
//! account answers it. Reach is decided by the engine on concrete requests with the context AWS
//! would send: `iam:PermissionsBoundary` is the target's current boundary, `iam:PassedToService`
//! each service its trust names, `iam:PolicyARN` the most an attacker would attach.

use super::{Project, Report, Subject, Verdict};
use crate::compile::delegation::Scope;
use crate::compile::output::{DelegationInfo, DocumentKind};
use crate::diagnostics::{Code, Diagnostic};
use crate::iam::gaad::Account;
use crate::iam::located::LocatedDocument;
use crate::iam::policy::{PolicyDocument, Principal};
use crate::reason::{self, Decision, Request};
use crate::source::Span;
use std::collections::BTreeSet;

/// Writes that change what a role may do or who may use it.
const ROLE_WRITES: &[&str] = &[
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
    "iam:UpdateAssumeRolePolicy",
    "iam:DeleteRolePermissionsBoundary",
];
/// Writes that change what a user may do, or let the holder act as the user.
const USER_WRITES: &[&str] = &[
    "iam:PutUserPolicy",
    "iam:AttachUserPolicy",
    "iam:DeleteUserPolicy",
    "iam:DetachUserPolicy",
    "iam:DeleteUserPermissionsBoundary",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
];
/// Writes that change a managed policy's content for everyone it is attached to.
const POLICY_WRITES: &[&str] = &[
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:DeletePolicyVersion",
];
/// What an attacker would attach, for statements conditioned on `iam:PolicyARN`.
const ADMIN_POLICY: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

/// What the holders can do to one existing principal or policy.
struct Reach {
    /// `role`, `user` or `policy`.
    kind: &'static str,
    name: String,
    arn: String,
    /// The allowed writes (and `iam:PassRole to SERVICE`), in order.
    actions: Vec<String>,
    /// Whether it carries the delegation's boundary (for a policy: whether every principal it
    /// is attached to does).
    bounded: bool,
    /// For a policy: the principals without the boundary it is attached to.
    exposed: Vec<String>,
    span: Span,
}

/// The project against the account: each delegation's reach, and drift.
/// `text` is the export's text, for pointing at an entry's name rather than the whole entry.
pub(super) fn against_account(project: &Project<'_>, account: &Account, text: &str) -> Report {
    let mut report = Report::default();
    for info in &project.compiled.delegations {
        report.merge(delegation(project, info, account, text));
    }
    report.diagnostics.extend(drift(project, account));
    report
}

/// The line of `key` (`"RoleName"`) in the entry at `span` of the export, else the entry.
fn name_span(text: &str, span: Span, key: &str) -> Span {
    let start = span.start as usize;
    let entry = text.get(start..span.end as usize).unwrap_or("");
    let Some(at) = entry.find(&format!("\"{key}\"")) else {
        return span;
    };
    let end = entry[at..].find('\n').map_or(entry.len(), |n| at + n);
    let line = entry[at..end].trim_end().trim_end_matches(',');
    Span::new(span.file, start + at, start + at + line.len())
}

fn delegation(
    project: &Project<'_>,
    info: &DelegationInfo,
    account: &Account,
    text: &str,
) -> Report {
    let scope = project.scope(info);
    let (holders, _, own) = project.holders(info);
    let docs: Vec<PolicyDocument> = holders.iter().map(|d| d.policy.clone()).collect();
    // A prefix with `${aws:username}` depends on who asks: each user holder asks for itself.
    let mut askers: Vec<Option<String>> = own
        .iter()
        .filter_map(|arn| arn.split(":user/").nth(1))
        .map(|path| Some(path.rsplit('/').next().unwrap_or(path).to_string()))
        .collect();
    if askers.is_empty() {
        askers.push(None);
    }
    let allowed = |request: Request| -> bool {
        askers.iter().any(|user| {
            let request = match user {
                Some(name) => request.clone().with("aws:username", name),
                None => request.clone(),
            };
            reason::evaluate(&docs, None, &request).decision == Decision::Allow
        })
    };
    let carries =
        |boundary: &Option<String>| boundary.as_deref() == Some(scope.boundary_arn.as_str());
    let with_boundary = |request: Request, boundary: &Option<String>| match boundary {
        Some(b) => request.with("iam:PermissionsBoundary", b),
        None => request,
    };
    let mut reached: Vec<Reach> = Vec::new();
    for role in &account.roles {
        let mut actions = Vec::new();
        for action in ROLE_WRITES {
            let request =
                with_boundary(Request::new(action, &role.arn), &role.permissions_boundary)
                    .with("iam:PolicyARN", ADMIN_POLICY);
            if allowed(request) {
                actions.push(action.to_string());
            }
        }
        for service in services(&role.trust_policy) {
            let request =
                Request::new("iam:PassRole", &role.arn).with("iam:PassedToService", &service);
            if allowed(request) {
                actions.push(format!("iam:PassRole to {service}"));
            }
        }
        if !actions.is_empty() {
            reached.push(Reach {
                kind: "role",
                name: role.name.clone(),
                arn: role.arn.clone(),
                actions,
                bounded: carries(&role.permissions_boundary),
                exposed: vec![],
                span: name_span(text, role.span, "RoleName"),
            });
        }
    }
    for user in &account.users {
        if own.contains(&user.arn) {
            continue; // The holders' own principals are checked from source (E0502 there).
        }
        let actions: Vec<String> = USER_WRITES
            .iter()
            .filter(|action| {
                allowed(
                    with_boundary(Request::new(action, &user.arn), &user.permissions_boundary)
                        .with("iam:PolicyARN", ADMIN_POLICY),
                )
            })
            .map(|a| a.to_string())
            .collect();
        if !actions.is_empty() {
            reached.push(Reach {
                kind: "user",
                name: user.name.clone(),
                arn: user.arn.clone(),
                actions,
                bounded: carries(&user.permissions_boundary),
                exposed: vec![],
                span: name_span(text, user.span, "UserName"),
            });
        }
    }
    for policy in account.policies.iter().filter(|p| !p.aws_managed) {
        let actions: Vec<String> = POLICY_WRITES
            .iter()
            .filter(|action| allowed(Request::new(action, &policy.arn)))
            .map(|a| a.to_string())
            .collect();
        if actions.is_empty() {
            continue;
        }
        let mut exposed = Vec::new();
        for role in &account.roles {
            if role.attached_policies.contains(&policy.arn) && !carries(&role.permissions_boundary)
            {
                exposed.push(format!("role {}", role.name));
            }
        }
        for user in &account.users {
            if user.attached_policies.contains(&policy.arn) && !carries(&user.permissions_boundary)
            {
                exposed.push(format!("user {}", user.name));
            }
        }
        for group in &account.groups {
            if group.attached_policies.contains(&policy.arn) {
                exposed.push(format!("group {} (a group has no boundary)", group.name));
            }
        }
        reached.push(Reach {
            kind: "policy",
            name: policy.name.clone(),
            arn: policy.arn.clone(),
            actions,
            bounded: exposed.is_empty(),
            exposed,
            span: name_span(text, policy.span, "PolicyName"),
        });
    }

    let label = format!("delegation {}", info.name);
    let mut report = Report::default();
    let mut notes = Vec::new();
    for reach in &reached {
        let status = match (reach.kind, reach.bounded) {
            ("policy", true) => "attached only to principals with the boundary",
            ("policy", false) => "attached to principals without the boundary",
            (_, true) => "carries the boundary",
            (_, false) => "has no or another boundary",
        };
        notes.push(format!(
            "reaches {} {} ({}): {status}",
            reach.kind,
            reach.name,
            reach.actions.join(", ")
        ));
        if !reach.bounded {
            report
                .diagnostics
                .push(escalation(&label, &scope, reach, account));
        }
    }
    let escalations = report.diagnostics.len();
    let verdict = if escalations > 0 {
        Verdict::Violated
    } else {
        Verdict::Proved
    };
    let summary = match verdict {
        Verdict::Violated => format!(
            "{label} escalates in account {}: {escalations} reachable principal{} or polic{} without boundary {}",
            account.account_id.as_deref().unwrap_or("?"),
            if escalations == 1 { "" } else { "s" },
            if escalations == 1 { "y" } else { "ies" },
            info.boundary_name
        ),
        _ => format!(
            "{label} allows no escalation in account {}: everything it reaches ({} existing) carries boundary {}",
            account.account_id.as_deref().unwrap_or("?"),
            reached.len(),
            info.boundary_name
        ),
    };
    report.subjects.push(Subject {
        kind: "account".into(),
        name: info.name.clone(),
        verdict,
        summary,
        counterexamples: vec![],
        unknown: vec![],
        notes,
        assumptions: vec![
            "the export is current: roles, users and policies made after it are not seen".into(),
            "what the holders may do is the delegation policy and the policies the project gives them; other policies they hold in the account were not used".into(),
            "not modelled: service control policies, resource policies, session policies".into(),
        ],
    });
    report
}

/// The service principals a trust policy lets assume the role.
fn services(trust: &LocatedDocument) -> BTreeSet<String> {
    trust
        .policy
        .statements
        .iter()
        .filter(|s| s.effect == crate::iam::policy::Effect::Allow)
        .filter_map(|s| match s.principal.as_deref() {
            Some(Principal::Map(map)) => map.get("Service").cloned(),
            _ => None,
        })
        .flatten()
        .collect()
}

/// The call that makes a service run code as a role passed to it.
fn launch(service: &str) -> String {
    let call = match service.trim_end_matches(".amazonaws.com") {
        "ec2" => "ec2:RunInstances with an instance profile of the role",
        "lambda" => "lambda:CreateFunction and lambda:InvokeFunction",
        "glue" => "glue:CreateJob and glue:StartJobRun",
        "ecs-tasks" => "ecs:RegisterTaskDefinition and ecs:RunTask",
        "cloudformation" => "cloudformation:CreateStack",
        "codebuild" => "codebuild:CreateProject and codebuild:StartBuild",
        "states" => "states:CreateStateMachine and states:StartExecution",
        "sagemaker" => "sagemaker:CreateNotebookInstance",
        "datapipeline" => "datapipeline:CreatePipeline",
        _ => return format!("a call that makes {service} act as the role"),
    };
    call.to_string()
}

/// E0502 for a reachable role, user or policy without the boundary, with the calls that use it.
fn escalation(label: &str, scope: &Scope, reach: &Reach, account: &Account) -> Diagnostic {
    let first = &reach.actions[0];
    let mut steps: Vec<String> = Vec::new();
    match reach.kind {
        "policy" => {
            steps.push(format!(
                "{first} on {} (with `--set-as-default`): any permission",
                reach.arn
            ));
            steps.push(format!(
                "it then applies to {}, with no boundary to limit it",
                reach.exposed.join(", ")
            ));
        }
        "user" => {
            let writes = reach.actions.iter().find(|a| a.contains("Policy"));
            if let Some(write) = writes {
                steps.push(format!("{write} on {}: any permission", reach.arn));
            }
            match reach
                .actions
                .iter()
                .find(|a| a.contains("AccessKey") || a.contains("LoginProfile"))
            {
                Some(credential) => {
                    steps.push(format!("{credential} on {}: act as the user", reach.arn))
                }
                None => steps.push(format!(
                    "(the user's own credentials then carry it: {})",
                    reach.arn
                )),
            }
        }
        _ => {
            let role = account.roles.iter().find(|r| r.arn == reach.arn);
            if let Some(write) = reach
                .actions
                .iter()
                .find(|a| a.contains("Policy") && !a.contains("AssumeRole"))
            {
                steps.push(format!(
                    "{write} on {}: any permission (no boundary limits it)",
                    reach.arn
                ));
            }
            if let Some(pass) = reach.actions.iter().find(|a| a.starts_with("iam:PassRole")) {
                let service = pass.trim_start_matches("iam:PassRole to ");
                steps.push(format!("iam:PassRole of {} to {service}", reach.arn));
                steps.push(format!("{}: code runs as the role", launch(service)));
            } else if reach
                .actions
                .iter()
                .any(|a| a == "iam:UpdateAssumeRolePolicy")
            {
                steps.push(format!(
                    "iam:UpdateAssumeRolePolicy on {}: trust the holder",
                    reach.arn
                ));
                steps.push(format!("sts:AssumeRole {}", reach.arn));
            } else {
                let trusted: BTreeSet<String> = role
                    .map(|r| {
                        r.trust_policy
                            .policy
                            .statements
                            .iter()
                            .filter_map(|s| match s.principal.as_deref() {
                                Some(Principal::Map(map)) => {
                                    Some(map.values().flatten().cloned().collect::<Vec<_>>())
                                }
                                Some(Principal::Any(_)) => Some(vec!["*".to_string()]),
                                None => None,
                            })
                            .flatten()
                            .collect()
                    })
                    .unwrap_or_default();
                steps.push(format!(
                    "whoever the role trusts ({}) then uses it with what the holder gave it",
                    trusted.into_iter().collect::<Vec<_>>().join(", ")
                ));
            }
        }
    }
    let what = match reach.kind {
        "policy" => format!(
            "policy `{}`, attached to principals without the boundary",
            reach.name
        ),
        kind => format!(
            "{kind} `{}`, which does not carry boundary `{}`",
            reach.name, scope.boundary_arn
        ),
    };
    let mut diagnostic = Diagnostic::new(
        Code::DelegationEscalation,
        format!("{label} reaches {what}"),
    )
    .at(
        reach.span,
        format!("holders may {}", reach.actions.join(", ")),
    );
    for (i, step) in steps.iter().enumerate() {
        diagnostic = diagnostic.with_note(format!("{}. {step}", i + 1));
    }
    diagnostic.with_help(match reach.kind {
        "policy" => {
            "detach the policy from unbounded principals, or rename it out of the delegated names"
                .to_string()
        }
        _ => format!(
            "give it boundary `{}`, rename it out of the delegated names, or narrow the delegation",
            scope.boundary_arn
        ),
    })
}

/// W0506 for each project role, user or policy the account lacks or holds differently.
fn drift(project: &Project<'_>, account: &Account) -> Vec<Diagnostic> {
    let compiled = project.compiled;
    let mut out = Vec::new();
    let statements = |docs: &[PolicyDocument]| -> Vec<String> {
        let mut all: Vec<String> = docs
            .iter()
            .flat_map(|d| {
                let mut d = d.clone();
                d.canonicalize();
                d.statements
                    .into_iter()
                    .map(|mut s| {
                        s.sid = None;
                        serde_json::to_string(&s).unwrap_or_default()
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        all.sort();
        all.dedup();
        all
    };
    let drifted = |span: Span, what: String, how: String| {
        Diagnostic::new(Code::AccountDrift, what)
            .at(span, how)
            .with_help("deploy the build output, or bring the project in line with the account (`iamx import` reads the export)")
    };
    for role in &compiled.roles {
        let Some(found) = account.roles.iter().find(|r| r.name == role.name) else {
            out.push(drifted(
                role.span,
                format!("role `{}` is not in the account", role.name),
                "declared here".into(),
            ));
            continue;
        };
        if found.permissions_boundary != role.boundary_arn {
            out.push(drifted(
                role.span,
                format!("role `{}` has another boundary in the account", role.name),
                format!(
                    "the account has {}",
                    found.permissions_boundary.as_deref().unwrap_or("none")
                ),
            ));
        }
        let declared: BTreeSet<&String> = role.attached_policy_arns.iter().collect();
        let held: BTreeSet<&String> = found.attached_policies.iter().collect();
        if declared != held {
            out.push(drifted(
                role.span,
                format!(
                    "role `{}` has other attached policies in the account",
                    role.name
                ),
                format!(
                    "the account attaches {}",
                    held.iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        let ours: Vec<PolicyDocument> = project
            .inline(DocumentKind::RoleInline, &role.name)
            .iter()
            .map(|d| PolicyDocument::clone(&d.policy))
            .collect();
        let theirs: Vec<PolicyDocument> = found
            .inline_policies
            .iter()
            .map(|p| p.document.policy.clone())
            .collect();
        if statements(&ours) != statements(&theirs) {
            out.push(drifted(
                role.span,
                format!(
                    "role `{}` has other inline policies in the account",
                    role.name
                ),
                "its statements differ from the project's".into(),
            ));
        }
    }
    for user in &compiled.users {
        let Some(found) = account.users.iter().find(|u| u.name == user.name) else {
            out.push(drifted(
                user.span,
                format!("user `{}` is not in the account", user.name),
                "declared here".into(),
            ));
            continue;
        };
        if found.permissions_boundary.is_some() && found.permissions_boundary != user.boundary_arn {
            out.push(drifted(
                user.span,
                format!("user `{}` has another boundary in the account", user.name),
                format!(
                    "the account has {}",
                    found.permissions_boundary.as_deref().unwrap_or("none")
                ),
            ));
        }
    }
    for document in compiled.documents.iter().filter(|d| {
        matches!(
            d.kind,
            DocumentKind::Boundary | DocumentKind::ManagedPolicy | DocumentKind::Delegation
        )
    }) {
        let what = document.kind.words();
        match account.policies.iter().find(|p| p.arn == document.arn) {
            None => out.push(drifted(
                document.span,
                format!("{what} `{}` is not in the account", document.name),
                "declared here".into(),
            )),
            Some(found) => {
                let ours = std::slice::from_ref(&*document.policy);
                if statements(ours) != statements(std::slice::from_ref(&found.document.policy)) {
                    out.push(drifted(
                        document.span,
                        format!(
                            "{what} `{}` has another default version in the account",
                            document.name
                        ),
                        "its statements differ from the project's".into(),
                    ));
                }
            }
        }
    }
    out
}
