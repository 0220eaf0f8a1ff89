//! Verification: boundary containment proofs and delegation safety.
//!
//! In: a [`Compiled`] project ([`verify_compiled`]), or plain policy documents with their source
//! positions ([`check_containment`], [`check_delegation`]). Out: a [`Report`]: one [`Subject`]
//! per role, user or delegation checked, each `Proved`, `Violated` (with concrete
//! counterexamples, each re-checked by the evaluator) or `Unknown` (with reasons), plus
//! diagnostics pointing at the statements involved.
//!
//! - **Containment**: the identity policies of a role or user with a boundary (inline, attached
//!   project policies, and for users their groups' policies) against the boundary, with
//!   [`reason::contained_with`]. An attached policy the project does not define makes the result
//!   `Unknown` at best: it is not there to check.
//! - **Delegation safety**: the delegation policy, together with the other policies the project
//!   gives its principals, must stay inside [`delegation::safe_envelope`]. Each request that
//!   escapes names an escalation path (a role without the boundary, an edit of the boundary, a
//!   role passed from outside the prefix, ...).
//!
//! Before reasoning, an `Allow` or `Deny` that conditions a named action on a service key (or a
//! global tag key, `aws:TagKeys`, `aws:RequestTag/…`, `aws:ResourceTag/…`) the catalog does not
//! list for it (`iam:PermissionsBoundary` on `iam:CreatePolicy`) drops that
//! action: IAM never finds the key, so the statement never applies to it. For `Allow` statements
//! this is reported (W0503). Counterexamples whose context needs such a key are not reported as
//! violations; they become unknowns.

use crate::catalog::Catalog;
use crate::compile::delegation::{self, Scope};
use crate::compile::output::{Compiled, Document, DocumentKind, RoleInfo};
use crate::diagnostics::{Code, Diagnostic};
use crate::iam::actions;
use crate::iam::located::LocatedDocument;
use crate::iam::operators::ConditionOperator;
use crate::iam::policy::{Effect, PolicyDocument, Statement};
use crate::reason::{
    self, BoundaryFailure, Containment, Counterexample, PolicySet, Request, StatementRef,
};
use crate::source::Span;
use serde::Serialize;
use std::collections::BTreeMap;

/// A subject's verdict: violated when something escapes (even if other parts were undecided),
/// else unknown when something was undecided, else proved.
fn verdict_of(escaped: bool, undecided: bool) -> Verdict {
    if escaped {
        Verdict::Violated
    } else if undecided {
        Verdict::Unknown
    } else {
        Verdict::Proved
    }
}

/// The W0502 diagnostic of a subject left undecided, each reason a note.
fn undecided(message: String, at: Span, reasons: &[String]) -> Diagnostic {
    reasons.iter().fold(
        Diagnostic::new(Code::VerifyUnknown, message).at(at, "not decided"),
        |diagnostic, reason| diagnostic.with_note(reason.clone()),
    )
}

pub mod account;
mod audit;
mod containment;
mod delegation_safety;
mod delegations;
mod escalation;
mod fused;
pub mod graph;
mod probe;
pub mod queries;
mod real;
mod trusting_holders;
mod under_prefix;

pub use containment::check_containment;
pub use delegation_safety::{assumptions, check_delegation, is_aws_managed, Facts};
pub use fused::{role_proofs, role_prover};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Proved,
    Violated,
    Unknown,
}

/// One escaping request, as reported.
#[derive(Debug, Clone, Serialize)]
pub struct Escape {
    pub action: String,
    pub resource: String,
    pub context: BTreeMap<String, Vec<String>>,
    pub message: String,
    /// For delegations: `escalation`, `conditional` (depends on what exists in the account) or
    /// `warning`; containment escapes have no class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<&'static str>,
}

/// One thing checked: a role, a user, a delegation, or a set of JSON policies.
#[derive(Debug, Clone, Serialize)]
pub struct Subject {
    pub kind: String,
    pub name: String,
    pub verdict: Verdict,
    /// One line for people: what was proved, or what was found.
    pub summary: String,
    pub counterexamples: Vec<Escape>,
    pub unknown: Vec<String>,
    pub notes: Vec<String>,
    /// What the verdict takes for granted (delegations: the account, the prefix, what was
    /// seen and what is not modelled). Empty, and left out of JSON, for containment.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assumptions: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub subjects: Vec<Subject>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    pub fn violated(&self) -> bool {
        self.subjects.iter().any(|s| s.verdict == Verdict::Violated)
            || self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn unknown(&self) -> bool {
        self.subjects.iter().any(|s| s.verdict == Verdict::Unknown)
    }

    fn merge(&mut self, other: Report) {
        self.subjects.extend(other.subjects);
        self.diagnostics.extend(other.diagnostics);
    }
}

/// The policies of a role or user of the project (`kind` is `role` or `user`): identity
/// documents (for users, with their groups'), the boundary when the project defines it, and the
/// attached ARNs the project does not define. `None` when there is no such principal.
pub fn principal_policies(
    compiled: &Compiled,
    kind: &str,
    name: &str,
) -> Option<(Vec<LocatedDocument>, Option<LocatedDocument>, Vec<String>)> {
    let project = Project::new(compiled);
    let job = match kind {
        "role" => project.role_job(compiled.roles.iter().find(|r| r.name == name)?),
        _ => project.user_job(compiled.users.iter().find(|u| u.name == name)?),
    };
    let boundary_arn = match kind {
        "role" => compiled
            .roles
            .iter()
            .find(|r| r.name == name)?
            .boundary_arn
            .clone(),
        _ => compiled
            .users
            .iter()
            .find(|u| u.name == name)?
            .boundary_arn
            .clone(),
    };
    let mut external = job.external;
    let boundary = boundary_arn.and_then(|arn| match project.by_arn.get(arn.as_str()) {
        Some(d) => Some(d.located(format!("boundary {}", d.name))),
        None => {
            external.push(arn);
            None
        }
    });
    let identity = job
        .identity
        .into_iter()
        .map(LocatedDocument::cloned)
        .collect();
    Some((identity, boundary, external))
}

/// Verifies every bounded role and user and every delegation of a compiled project.
pub fn verify_compiled(compiled: &Compiled) -> Report {
    verify_compiled_with(compiled, Vec::new())
}

/// [`verify_compiled`], given the reports of roles already proved ([`role_proofs`] and
/// [`role_prover`], run as the compiler linted or lowered their documents), by index in
/// `compiled.roles`.
pub fn verify_compiled_with(compiled: &Compiled, proved: Vec<(usize, Report)>) -> Report {
    let mut proved_roles: Vec<Option<Report>> = compiled.roles.iter().map(|_| None).collect();
    for (role, report) in proved {
        proved_roles[role] = Some(report);
    }
    let project = Project::new(compiled);
    // The principals to prove, in source order; checked on all cores. Each job copies its
    // principal's documents, so jobs are made where they run, not all up front.
    let bounded_roles = (compiled.roles.iter().enumerate())
        .filter(|(_, r)| r.boundary_arn.is_some())
        .map(|(i, role)| (Some(i), Bounded::Role(role)));
    let bounded_users = (compiled.users.iter())
        .filter(|u| u.boundary_arn.is_some())
        .map(|user| (None, Bounded::User(user)));
    let principals: Vec<(Option<usize>, Bounded<'_>)> =
        bounded_roles.chain(bounded_users).collect();
    let is_proved = |role: &Option<usize>| role.is_some_and(|i| proved_roles[i].is_some());
    let to_prove = || principals.iter().filter(|(role, _)| !is_proved(role));
    let boundaries = prepared_boundaries(&project, to_prove().map(|(_, p)| p.boundary_arn()));
    // The delegations go in the same parallel map, first: each is a search of its own (~3.5 M
    // instructions, as much as 400 roles), which the other cores share instead of waiting.
    let work: Vec<Work<'_, '_>> = (compiled.delegations.iter().map(Work::Delegation))
        .chain(to_prove().map(|(_, principal)| Work::Principal(principal)))
        .collect();
    let mut results = crate::parallel::map(&work, |work| match work {
        Work::Delegation(delegation) => project.delegation(delegation),
        Work::Principal(principal) => project.prove(principal, &boundaries),
    });
    // One subject per principal and delegation, in a vector made at that size: grown by
    // doubling, its copies were 1.5 MB of the peak at 10,000 roles (the report is made last).
    let mut report = Report {
        subjects: Vec::with_capacity(principals.len() + compiled.delegations.len()),
        diagnostics: Vec::new(),
    };
    // Principals first, in source order, then delegations, as the report has always listed
    // them.
    let delegations: Vec<Report> = results.drain(..compiled.delegations.len()).collect();
    let mut proved_now = results.into_iter();
    for (role, _) in &principals {
        let done = role.and_then(|i| proved_roles[i].take());
        let result = done.or_else(|| proved_now.next());
        report.merge(result.expect("a report for every principal"));
    }
    for delegation in delegations {
        report.merge(delegation);
    }
    crate::diagnostics::sort(&mut report.diagnostics);
    report
}

/// The statements of `document` expanded from a template, each with the `use`s that did.
fn expanded(document: &Document) -> impl Iterator<Item = (Span, &[Span])> {
    (document.origins.iter())
        .filter(|origin| !origin.expanded_from.is_empty())
        .map(|origin| (origin.span, origin.expanded_from.as_slice()))
}

/// Each boundary of `arns` the project defines, compiled once to be shared by every principal
/// it bounds.
fn prepared_boundaries<'a>(
    project: &Project<'a>,
    arns: impl Iterator<Item = &'a str>,
) -> BTreeMap<&'a str, containment::Boundary> {
    let mut boundaries = BTreeMap::new();
    // Many principals share a few boundaries: the one just seen is asked about first.
    let mut previous = None;
    for arn in arns {
        if previous == Some(arn) || boundaries.contains_key(arn) {
            previous = Some(arn);
            continue;
        }
        previous = Some(arn);
        if let Some(document) = project.by_arn.get(arn) {
            boundaries.insert(arn, boundary_of(document));
        }
    }
    boundaries
}

/// `document` compiled as the boundary of the principals it bounds.
fn boundary_of(document: &Document) -> containment::Boundary {
    containment::Boundary::new(vec![document.located(format!("boundary {}", document.name))])
}

/// The project against the account it is deployed in (`verify --gaad`): what each delegation
/// reaches among the roles, users and policies that exist, and drift (see `audit.rs`).
/// `text` is the export as read, for pointing at an entry's name.
pub fn verify_against_account(
    compiled: &Compiled,
    account: &crate::iam::gaad::Account,
    text: &str,
) -> Report {
    let mut report = audit::against_account(&Project::new(compiled), account, text);
    crate::diagnostics::sort(&mut report.diagnostics);
    report
}

/// One proof of [`verify_compiled`].
enum Work<'a, 'p> {
    Delegation(&'a crate::compile::output::DelegationInfo),
    Principal(&'p Bounded<'a>),
}

/// A role or user with a permissions boundary.
enum Bounded<'a> {
    Role(&'a crate::compile::output::RoleInfo),
    User(&'a crate::compile::output::UserInfo),
}

impl<'a> Bounded<'a> {
    fn boundary_arn(&self) -> &'a str {
        let arn = match self {
            Bounded::Role(role) => &role.boundary_arn,
            Bounded::User(user) => &user.boundary_arn,
        };
        arn.as_deref().unwrap_or_default()
    }
}

/// The compiled project indexed for the proofs. Hash maps: every principal looks up its
/// boundary and inline policies here, by names that share long prefixes, and nothing iterates
/// them.
struct Project<'a> {
    by_arn: foldhash::HashMap<&'a str, &'a Document>,
    inline: foldhash::HashMap<(DocumentKind, &'a str), Documents<'a>>,
    compiled: &'a Compiled,
    /// Each role's path and name ([`after_kind`] of its ARN), found on first use and read by
    /// every delegation.
    role_names: std::sync::OnceLock<Vec<Option<&'a str>>>,
    /// The roles whose trust may let in principals of the account, found on first use and
    /// read by every delegation ([`trusting_holders`]).
    trusting: std::sync::OnceLock<Vec<trusting_holders::Trusting<'a>>>,
}

/// The inline policies of one owner: almost always one, kept without a vector of its own
/// (one allocation per role and user of the project otherwise).
enum Documents<'a> {
    One(&'a Document),
    Many(Vec<&'a Document>),
}

impl<'a> Documents<'a> {
    fn push(&mut self, document: &'a Document) {
        match self {
            Documents::One(first) => *self = Documents::Many(vec![*first, document]),
            Documents::Many(documents) => documents.push(document),
        }
    }

    fn as_slice(&self) -> &[&'a Document] {
        match self {
            Documents::One(document) => std::slice::from_ref(document),
            Documents::Many(documents) => documents,
        }
    }
}

struct Job<'a> {
    kind: &'static str,
    name: &'a str,
    span: Span,
    boundary: &'a str,
    /// Borrowed from the compiled project: proving a role reads its documents where they are.
    identity: Vec<LocatedDocument<&'a PolicyDocument>>,
    /// The role's or user's ARN, which its requests carry as `aws:PrincipalArn`.
    arn: &'a str,
    external: Vec<String>,
    /// The statements expanded from a template (few: most roles have none), with the `use`s
    /// that expanded them, to label a finding at one of them there.
    expansions: Vec<(Span, &'a [Span])>,
}

impl<'a> Project<'a> {
    fn new(compiled: &'a Compiled) -> Project<'a> {
        let by_arn = compiled
            .documents
            .iter()
            .filter(|d| {
                matches!(
                    d.kind,
                    DocumentKind::Boundary | DocumentKind::ManagedPolicy | DocumentKind::Delegation
                )
            })
            .map(|d| (d.arn.as_str(), d))
            .collect();
        // Sized once: grown by doubling, a map of 100,000 roles' policies was rehashed ~17
        // times.
        let mut inline: foldhash::HashMap<(DocumentKind, &str), Documents<'a>> =
            foldhash::HashMap::with_capacity_and_hasher(
                compiled.documents.len() / 2,
                Default::default(),
            );
        for d in &compiled.documents {
            if let (Some(owner), false) = (&d.owner, d.kind == DocumentKind::Trust) {
                match inline.entry((d.kind, owner.as_str())) {
                    std::collections::hash_map::Entry::Occupied(mut entry) => {
                        entry.get_mut().push(d)
                    }
                    std::collections::hash_map::Entry::Vacant(entry) => {
                        entry.insert(Documents::One(d));
                    }
                }
            }
        }
        Project {
            by_arn,
            inline,
            compiled,
            role_names: std::sync::OnceLock::new(),
            trusting: std::sync::OnceLock::new(),
        }
    }

    fn role_names(&self) -> &[Option<&'a str>] {
        self.role_names.get_or_init(|| {
            (self.compiled.roles.iter())
                .map(|role| after_kind("role", &role.arn))
                .collect()
        })
    }

    fn role_job(&self, role: &'a RoleInfo) -> Job<'a> {
        self.role_job_with(role, self.inline(DocumentKind::RoleInline, &role.name))
    }

    /// The proof of `role`, whose inline policies are `inline`.
    fn role_job_with<'r>(&self, role: &'r RoleInfo, inline: &[&'r Document]) -> Job<'r>
    where
        'a: 'r,
    {
        let mut identity = Vec::new();
        let mut expansions = Vec::new();
        for d in inline {
            // A proof never reads a document whose statements are gone (`dropped_size`): it
            // would prove an empty policy.
            assert!(d.dropped_size.is_none(), "{} was dropped", d.name);
            identity.push(d.located_ref(format!("role {}", role.name)));
            expansions.extend(expanded(d));
        }
        let external = self.attached(&role.attached_policy_arns, &mut identity, &mut expansions);
        Job {
            kind: "role",
            name: &role.name,
            arn: &role.arn,
            span: role.span,
            boundary: role.boundary_arn.as_deref().unwrap_or_default(),
            identity,
            external,
            expansions,
        }
    }

    fn user_job(&self, user: &'a crate::compile::output::UserInfo) -> Job<'a> {
        let mut identity = Vec::new();
        let mut expansions = Vec::new();
        for d in self.inline(DocumentKind::UserInline, &user.name) {
            identity.push(d.located_ref(format!("user {}", user.name)));
            expansions.extend(expanded(d));
        }
        let mut external =
            self.attached(&user.attached_policy_arns, &mut identity, &mut expansions);
        for group in &user.groups {
            if let Some(info) = self.compiled.groups.iter().find(|g| &g.name == group) {
                for d in self.inline(DocumentKind::GroupInline, group) {
                    identity.push(d.located_ref(format!("group {group}")));
                    expansions.extend(expanded(d));
                }
                external.extend(self.attached(
                    &info.attached_policy_arns,
                    &mut identity,
                    &mut expansions,
                ));
            }
        }
        Job {
            kind: "user",
            name: &user.name,
            arn: &user.arn,
            span: user.span,
            boundary: user.boundary_arn.as_deref().unwrap_or_default(),
            identity,
            external,
            expansions,
        }
    }

    fn inline<'s>(&'s self, kind: DocumentKind, owner: &'s str) -> &'s [&'a Document] {
        self.inline
            .get(&(kind, owner))
            .map_or(&[], Documents::as_slice)
    }

    /// Adds the project's attached policies to `identity` (their template statements to
    /// `expansions`); returns the ARNs it does not define.
    fn attached<'r>(
        &self,
        arns: &[String],
        identity: &mut Vec<LocatedDocument<&'r PolicyDocument>>,
        expansions: &mut Vec<(Span, &'r [Span])>,
    ) -> Vec<String>
    where
        'a: 'r,
    {
        let mut external = Vec::new();
        for arn in arns {
            match self.by_arn.get(arn.as_str()) {
                Some(d) => {
                    identity.push(d.located_ref(format!("{} {}", d.kind.as_str(), d.name)));
                    expansions.extend(expanded(d));
                }
                None => external.push(arn.clone()),
            }
        }
        external
    }

    /// The containment proof of one bounded role or user.
    fn prove(
        &self,
        principal: &Bounded<'a>,
        boundaries: &BTreeMap<&str, containment::Boundary>,
    ) -> Report {
        let job = match principal {
            Bounded::Role(role) => self.role_job(role),
            Bounded::User(user) => self.user_job(user),
        };
        let boundary = boundaries.get(job.boundary);
        self.containment(job, boundary)
    }

    /// The proof of `job` against its boundary, `None` when the project does not define it.
    fn containment(&self, job: Job<'_>, boundary: Option<&containment::Boundary>) -> Report {
        let label = format!("{} {}", job.kind, job.name);
        let Some(boundary) = boundary else {
            let reason = format!("boundary {} is not in the project", job.boundary);
            return unknown_subject(job.kind, job.name, job.span, &label, vec![reason]);
        };
        let kind = if job.kind == "user" {
            account::PrincipalKind::User
        } else {
            account::PrincipalKind::Role
        };
        let caller = containment::Caller::new(kind, job.name, job.arn);
        let mut report =
            containment::check_against(&job.identity, boundary, &label, job.span, Some(&caller));
        if !job.expansions.is_empty() {
            for diagnostic in &mut report.diagnostics {
                crate::diagnostics::label_expansions(diagnostic, &job.expansions);
            }
        }
        let subject = report.subjects.last_mut().expect("one subject");
        subject.kind = job.kind.to_string();
        subject.name = job.name.to_string();
        if !job.external.is_empty() {
            for arn in &job.external {
                subject
                    .unknown
                    .push(format!("policy {arn} is not in the project"));
            }
            if subject.verdict == Verdict::Proved {
                subject.verdict = Verdict::Unknown;
                subject.summary = format!(
                    "{label}: its project policies stay inside the boundary, but {} attached polic{} not in the project",
                    job.external.len(),
                    if job.external.len() == 1 { "y is" } else { "ies are" }
                );
                report.diagnostics.push(
                    Diagnostic::new(
                        Code::VerifyUnknown,
                        format!("cannot prove that {label} stays inside its boundary"),
                    )
                    .at(job.span, "attached policies not in the project")
                    .with_note(format!(
                        "not in the project, so not checked: {}",
                        job.external.join(", ")
                    ))
                    .with_help("define the policy in the project, or review it by hand"),
                );
            }
        }
        report
    }
}

/// Whether `arn` (a concrete ARN) may be one of the delegation's names: its path and the start
/// of its name. A variable in the prefix may stand for anything.
fn scope_may_cover(scope: &Scope, kind: &str, arn: &str) -> bool {
    after_kind(kind, arn).is_some_and(|rest| Names::of(scope).may_cover(rest))
}

/// The path and name of `arn` when it is an IAM ARN of that kind.
fn after_kind<'s>(kind: &str, arn: &'s str) -> Option<&'s str> {
    let (_, found, rest) = crate::iam::names::iam_arn_parts(arn)?;
    (found == kind).then_some(rest)
}

/// The names a delegation's holders manage, as [`scope_may_cover`] reads its scope: a path, and
/// the literal start of the prefix (up to a variable, which may stand for anything). Made once
/// per delegation: every role and user of the project is compared with it.
struct Names<'s> {
    path: &'s str,
    literal: &'s str,
}

impl<'s> Names<'s> {
    fn of(scope: &'s Scope) -> Names<'s> {
        let prefix = scope.prefix.as_str();
        Names {
            path: scope.path.trim_start_matches('/'),
            literal: prefix.find("${").map_or(prefix, |at| &prefix[..at]),
        }
    }

    /// Whether a path and name (what [`after_kind`] gives) may be one of these names.
    fn may_cover(&self, rest: &str) -> bool {
        // The literal first: it turns most names away within a few characters, and every
        // delegation asks this of every role.
        rest.strip_prefix(self.path)
            .is_some_and(|name| name.starts_with(self.literal) && !name.bytes().any(|b| b == b'/'))
    }
}

fn unknown_subject(
    kind: &str,
    name: &str,
    span: Span,
    label: &str,
    reasons: Vec<String>,
) -> Report {
    Report {
        subjects: vec![Subject {
            kind: kind.into(),
            name: name.into(),
            verdict: Verdict::Unknown,
            summary: format!("{label}: unknown"),
            counterexamples: vec![],
            unknown: reasons.clone(),
            notes: vec![],
            assumptions: vec![],
        }],
        diagnostics: vec![Diagnostic::new(
            Code::VerifyUnknown,
            format!("cannot prove that {label} stays inside its boundary"),
        )
        .at(span, "not proved")
        .with_note(reasons.join("; "))],
    }
}

/// Drops, from each statement, the named actions that a condition on a service key makes
/// impossible (see the module docs). Returns the pruned documents and, for `Allow` statements,
/// `(document, statement, action, key)` for each action dropped.
/// `(document, statement, action, key)`: an action an `Allow` can never grant.
type Dropped = (usize, usize, String, String);

/// `action on resource with Key="value"`, keys in the catalog's spelling.
pub fn show(request: &Request) -> String {
    let catalog = Catalog::get();
    let mut text = format!("{} on {}", request.action, request.resource);
    for (i, (key, values)) in request.context.iter().enumerate() {
        let name = catalog.spell_key(key);
        text.push_str(if i == 0 { " with " } else { ", " });
        match values {
            [one] => text.push_str(&format!("{name}={one:?}")),
            many => text.push_str(&format!("{name}={many:?}")),
        }
    }
    text
}

fn escape(request: &Request, message: String) -> Escape {
    Escape {
        action: request.action.clone(),
        resource: request.resource.clone(),
        context: request
            .context
            .iter()
            .map(|(k, v)| (Catalog::get().spell_key(k), v.to_vec()))
            .collect(),
        message,
        class: None,
    }
}

#[cfg(test)]
mod tests;
