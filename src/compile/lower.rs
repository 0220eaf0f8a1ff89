//! Lowering: the resolved project to IAM documents.
//!
//! In: a project resolved but for its roles ([`Resolved`]: an [`ir::Project`] and the role
//! blocks, each resolved here in the job that lowers it). Out: a [`Compiled`] set of documents
//! in the IAM model
//! ([`crate::iam::policy`]), each with its kind, name, ARN, output file and, per statement, the source
//! it came from; plus the roles, users and groups that own them. Choosing IAM condition operators
//! from the way a condition is written happens here, so type errors in conditions come from here.
//!
//! One file (about 1,000 lines): one `Lowering` walk over the IR, block kind by block kind, the
//! roles on all cores (each job resolving its role and with a `Lowering` of its own, the
//! results kept in order); the
//! condition lowering at its end is the only part with a seam, and it needs the walk's state.

use crate::catalog::{Catalog, KeyType};
use crate::compile::ir::{self, Origin, PolicyRef, Scalar};
use crate::compile::output::*;
use crate::compile::resolve::{Resolved, RoleBlock};
use crate::diagnostics::{Code, Diagnostic};
use crate::iam::operators::{self, ConditionOperator};
use crate::iam::policy::{Conditions, Effect, PolicyDocument, Principal, Statement};
use crate::source::{Span, Spanned};
use crate::syntax::ast::{CompareOp, PrincipalKind, PrincipalRefKind, Quantifier};

/// What [`lower`] gives.
pub struct LoweredProject {
    pub compiled: Compiled,
    /// The lowering's diagnostics (conditions IAM cannot express as written) and the roles'
    /// catalog checks.
    pub diagnostics: Vec<Diagnostic>,
    /// The diagnostics of resolving the roles. A role with an error here is not lowered, and
    /// the rest of the output is not the project as written.
    pub resolution: Vec<Diagnostic>,
}

/// Lowers a project resolved but for its roles, resolving each role in the job that lowers it.
/// `between_runs`: the memory release hook (`RUNS_BETWEEN_RELEASES`).
/// `role_checks`: the catalog checks of a role (`compile::checks::role_catalog_checks`), run in
/// the same job, while its statements are in the cache, with a state `init` makes for each
/// thread's run of roles; their findings come with the lowering's.
///
/// The roles (most of a large project) are resolved and lowered on all cores in runs of
/// `ROLES_AT_ONCE`, each run's blocks dropped as soon as it is lowered, and each role's IR as
/// soon as its documents are made: the syntax trees, the IR and the documents are not all held
/// whole at the peak, and what a role's lowering reads was just written.
pub fn lower<S>(
    mut resolved: Resolved<'_>,
    between_runs: Option<fn()>,
    init: impl Fn() -> S + Sync + Send,
    role_checks: impl Fn(&mut S, &ir::Role) -> Vec<Diagnostic> + Sync + Send,
) -> LoweredProject {
    let role_blocks = std::mem::take(&mut resolved.roles);
    let mut lowering = Lowering {
        project: &resolved.project,
        diagnostics: Vec::new(),
    };
    let (compiled, resolution) =
        lowering.compiled(&resolved, role_blocks, between_runs, init, role_checks);
    LoweredProject {
        compiled,
        diagnostics: lowering.diagnostics,
        resolution,
    }
}

/// Roles lowered at once: enough for every core, few enough that a run's IR and documents
/// are a small part of the memory.
const ROLES_AT_ONCE: usize = 256;

/// Runs of roles between two calls of the memory release hook (`Options::release_memory`),
/// which returns the pages of the syntax trees lowered so far: the allocator does not reuse
/// them for the documents on its own, so without it the trees and documents are both held whole
/// at the end (97–99 MiB against 92 at 10,000 roles), and with it after every run the documents
/// fault the pages back in (+26–31% page faults). Every 4,096 roles: 93 MiB, the page faults of
/// resolving all roles first.
const RUNS_BETWEEN_RELEASES: usize = 16;

/// A role's documents and record, as [`Lowering::role`] makes them.
struct LoweredRole {
    trust: Document,
    inline: Option<Document>,
    info: RoleInfo,
}

struct Lowering<'p> {
    project: &'p ir::Project,
    diagnostics: Vec<Diagnostic>,
}

impl Lowering<'_> {
    fn arn(&self, kind: &str, path: &str, name: &str) -> String {
        crate::iam::names::iam_arn(
            &self.project.partition,
            &self.project.account.node,
            kind,
            path,
            name,
        )
    }

    fn policy_arn(&self, reference: &PolicyRef, boundary: bool) -> String {
        match reference {
            PolicyRef::Arn(arn) => arn.node.clone(),
            PolicyRef::Project { index, .. } => {
                let policy = if boundary {
                    &self.project.boundaries[*index]
                } else {
                    &self.project.policies[*index]
                };
                self.arn("policy", &policy.path, &policy.name.node)
            }
        }
    }

    /// One role's trust policy, inline policy (when it has statements) and record.
    fn role(&mut self, role: &ir::Role) -> LoweredRole {
        let name = &role.name.node;
        let arn = self.arn("role", &role.path, name);
        // Names made for every role: `concat` sizes each string once, unlike `format!`.
        let trust_file = ["roles/", name, "/trust.json"].concat();
        let (trust, trust_origins) = self.trust(&role.trust);
        let trust = Document {
            kind: DocumentKind::Trust,
            name: [name, "-trust"].concat(),
            arn: arn.clone(),
            path: role.path.clone(),
            description: None,
            file: trust_file.clone(),
            owner: Some(name.clone()),
            policy: trust,
            origins: trust_origins,
            span: role.span,
            aws_managed: false,
        };
        let mut inline_files = Vec::new();
        let mut inline = None;
        if !role.statements.is_empty() {
            let (document, origins) = self.policy(&role.statements);
            let file = ["roles/", name, "/inline.json"].concat();
            inline_files.push(file.clone());
            inline = Some(Document {
                kind: DocumentKind::RoleInline,
                name: name.clone(),
                arn: arn.clone(),
                path: role.path.clone(),
                description: None,
                file,
                owner: Some(name.clone()),
                policy: document,
                origins,
                span: role.span,
                aws_managed: false,
            });
        }
        let info = RoleInfo {
            name: name.clone(),
            arn,
            path: role.path.clone(),
            description: role.description.clone(),
            boundary_arn: role.boundary.as_ref().map(|b| self.policy_arn(b, true)),
            trust_file,
            inline_files,
            attached_policy_arns: role
                .attached
                .iter()
                .map(|p| self.policy_arn(p, false))
                .collect(),
            instance_profile: role.instance_profile.as_ref().map(|profile| {
                (
                    profile.node.clone(),
                    self.arn("instance-profile", &role.path, &profile.node),
                )
            }),
            max_session_seconds: role.max_session_seconds,
            tags: (role.tags.iter())
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect(),
            span: role.span,
        };
        LoweredRole {
            trust,
            inline,
            info,
        }
    }

    /// The documents, and the diagnostics of resolving the roles.
    fn compiled<S>(
        &mut self,
        resolved: &Resolved<'_>,
        role_blocks: Vec<RoleBlock<'_>>,
        between_runs: Option<fn()>,
        init: impl Fn() -> S + Sync + Send,
        role_checks: impl Fn(&mut S, &ir::Role) -> Vec<Diagnostic> + Sync + Send,
    ) -> (Compiled, Vec<Diagnostic>) {
        let project = self.project;
        // At most: each managed policy, a trust and an inline policy per role, an inline policy
        // per user and group, and a delegation policy each. Sized once, because growing a
        // vector of 20,000 documents doubles its room and copies it.
        let mut documents = Vec::with_capacity(
            project.boundaries.len()
                + project.policies.len()
                + 2 * role_blocks.len()
                + project.users.len()
                + project.groups.len()
                + project.delegations.len(),
        );
        for (kind, folder, policies) in [
            (DocumentKind::Boundary, "boundaries", &project.boundaries),
            (DocumentKind::ManagedPolicy, "policies", &project.policies),
        ] {
            for policy in policies {
                let (document, origins) = self.policy(&policy.statements);
                documents.push(Document {
                    kind,
                    name: policy.name.node.clone(),
                    arn: self.arn("policy", &policy.path, &policy.name.node),
                    path: policy.path.clone(),
                    description: policy.description.clone(),
                    file: format!("{folder}/{}.json", policy.name.node),
                    owner: None,
                    policy: document,
                    origins,
                    span: policy.span,
                    aws_managed: policy.aws_managed,
                });
            }
        }

        let mut roles = Vec::with_capacity(role_blocks.len());
        let mut resolution = Vec::new();
        let mut pending = role_blocks.into_iter();
        let mut runs_done = 0usize;
        loop {
            let run: Vec<RoleBlock<'_>> = pending.by_ref().take(ROLES_AT_ONCE).collect();
            if run.is_empty() {
                break;
            }
            runs_done += 1;
            // The runs before this one are dropped by now, their blocks and IR.
            if let Some(release) =
                between_runs.filter(|_| runs_done.is_multiple_of(RUNS_BETWEEN_RELEASES))
            {
                release();
            }
            let lowered = crate::parallel::map_with(&run, &init, |state, block| {
                let (role, resolved) = resolved.role(block);
                let lowered = match role {
                    Some(role) if !resolved.iter().any(Diagnostic::is_error) => {
                        let mut lowering = Lowering {
                            project,
                            diagnostics: role_checks(state, &role),
                        };
                        Some((lowering.role(&role), lowering.diagnostics))
                    }
                    _ => None,
                };
                (resolved, lowered)
            });
            for (mut resolved, lowered) in lowered {
                resolution.append(&mut resolved);
                if let Some((role, mut diagnostics)) = lowered {
                    documents.push(role.trust);
                    documents.extend(role.inline);
                    roles.push(role.info);
                    self.diagnostics.append(&mut diagnostics);
                }
            }
        }

        let mut users = Vec::new();
        for user in &project.users {
            let name = &user.name.node;
            let arn = self.arn("user", &user.path, name);
            let inline_files = self.inline(
                DocumentKind::UserInline,
                "users",
                name,
                &arn,
                &user.path,
                &user.statements,
                user.span,
                &mut documents,
            );
            users.push(UserInfo {
                name: name.clone(),
                arn,
                path: user.path.clone(),
                boundary_arn: user.boundary.as_ref().map(|b| self.policy_arn(b, true)),
                groups: user.groups.iter().map(|g| g.node.clone()).collect(),
                inline_files,
                attached_policy_arns: user
                    .attached
                    .iter()
                    .map(|p| self.policy_arn(p, false))
                    .collect(),
                tags: user
                    .tags
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                span: user.span,
            });
        }
        let mut groups = Vec::new();
        for group in &project.groups {
            let name = &group.name.node;
            let arn = self.arn("group", &group.path, name);
            let inline_files = self.inline(
                DocumentKind::GroupInline,
                "groups",
                name,
                &arn,
                &group.path,
                &group.statements,
                group.span,
                &mut documents,
            );
            groups.push(GroupInfo {
                name: name.clone(),
                arn,
                path: group.path.clone(),
                inline_files,
                attached_policy_arns: group
                    .attached
                    .iter()
                    .map(|p| self.policy_arn(p, false))
                    .collect(),
                span: group.span,
            });
        }

        let delegations = self.delegations(&mut documents, &mut roles, &mut users, &mut groups);

        let compiled = Compiled {
            account: project.account.node.clone(),
            partition: project.partition.clone(),
            environment: project.environment.clone(),
            documents,
            roles,
            users,
            groups,
            splits: Vec::new(),
            delegations,
            quota_sizes: Vec::new(),
        };
        (compiled, resolution)
    }

    /// One delegation policy per `delegate` block, attached to its project principals; and the
    /// self-propagating denies on every boundary a delegation uses.
    fn delegations(
        &mut self,
        documents: &mut Vec<Document>,
        roles: &mut [RoleInfo],
        users: &mut [UserInfo],
        groups: &mut [GroupInfo],
    ) -> Vec<DelegationInfo> {
        let project = self.project;
        let mut infos = Vec::new();
        for delegation in &project.delegations {
            let boundary = &project.boundaries[delegation.boundary];
            let boundary_arn = self.arn("policy", &boundary.path, &boundary.name.node);
            let name = &delegation.name.node;
            let arn = self.arn("policy", "/", name);
            let scope = crate::compile::delegation::Scope {
                partition: project.partition.clone(),
                account: project.account.node.clone(),
                boundary_arn: boundary_arn.clone(),
                delegation_arn: Some(arn.clone()),
                path: delegation.path.clone(),
                prefix: delegation.prefix.node.clone(),
                pass_to: delegation.pass_to.iter().map(|s| s.node.clone()).collect(),
                create_users: delegation.create_users.is_some(),
                tag_keys: delegation
                    .tag_keys
                    .clone()
                    .unwrap_or_else(crate::compile::delegation::default_tag_keys),
                login_profiles: delegation.login_profiles,
            };
            let pass_to_span = delegation
                .pass_to
                .iter()
                .map(|s| s.span)
                .reduce(Span::to)
                .unwrap_or(delegation.prefix.span);
            let (statements, origins): (Vec<Statement>, Vec<Origin>) =
                crate::compile::delegation::delegation_policy(&scope)
                    .into_iter()
                    .map(|(statement, part)| {
                        let span = match part {
                            crate::compile::delegation::Part::Boundary => delegation.boundary_span,
                            crate::compile::delegation::Part::Prefix => delegation.prefix.span,
                            crate::compile::delegation::Part::PassTo => pass_to_span,
                            crate::compile::delegation::Part::CreateUsers
                            | crate::compile::delegation::Part::Block => delegation.span,
                        };
                        (
                            statement,
                            Origin {
                                span,
                                expanded_from: Vec::new(),
                            },
                        )
                    })
                    .unzip();
            let file = format!("delegations/{name}.json");
            documents.push(Document {
                kind: DocumentKind::Delegation,
                name: name.clone(),
                arn: arn.clone(),
                path: "/".to_string(),
                description: delegation.description.clone(),
                file: file.clone(),
                owner: None,
                policy: PolicyDocument::new(statements),
                origins,
                span: delegation.span,
                aws_managed: false,
            });
            let mut to = Vec::new();
            for (kind, target) in &delegation.to {
                let target = &target.node;
                let (kind, found) = match kind {
                    PrincipalRefKind::Role => (
                        "role",
                        roles.iter_mut().find(|r| &r.name == target).map(|r| {
                            r.attached_policy_arns.push(arn.clone());
                            r.arn.clone()
                        }),
                    ),
                    PrincipalRefKind::User => (
                        "user",
                        users.iter_mut().find(|u| &u.name == target).map(|u| {
                            u.attached_policy_arns.push(arn.clone());
                            u.arn.clone()
                        }),
                    ),
                    PrincipalRefKind::Group => (
                        "group",
                        groups.iter_mut().find(|g| &g.name == target).map(|g| {
                            g.attached_policy_arns.push(arn.clone());
                            g.arn.clone()
                        }),
                    ),
                };
                let target_arn = found.unwrap_or_else(|| self.arn(kind, "/", target));
                to.push((kind.to_string(), target.clone(), target_arn));
            }
            infos.push(DelegationInfo {
                name: name.clone(),
                arn,
                file,
                to,
                boundary_name: boundary.name.node.clone(),
                boundary_arn,
                path: delegation.path.clone(),
                prefix: delegation.prefix.node.clone(),
                pass_to: scope.pass_to.clone(),
                create_users: delegation.create_users.is_some(),
                create_users_span: delegation.create_users,
                tag_keys: scope.tag_keys.clone(),
                login_profiles: scope.login_profiles,
                span: delegation.span,
                prefix_span: delegation.prefix.span,
                boundary_span: delegation.boundary_span,
            });
        }
        // Self-propagation, once per boundary, protecting every delegation that uses it.
        for (index, boundary) in project.boundaries.iter().enumerate() {
            let users_of: Vec<&DelegationInfo> = project
                .delegations
                .iter()
                .zip(&infos)
                .filter(|(d, _)| d.boundary == index)
                .map(|(_, info)| info)
                .collect();
            let Some(first) = users_of.first() else {
                continue;
            };
            let boundary_arn = self.arn("policy", &boundary.path, &boundary.name.node);
            let protected: Vec<String> = users_of.iter().map(|d| d.arn.clone()).collect();
            let span = first.boundary_span;
            let document = documents
                .iter_mut()
                .find(|d| d.kind == DocumentKind::Boundary && d.arn == boundary_arn)
                .expect("every boundary was lowered");
            for statement in crate::compile::delegation::self_propagation(&boundary_arn, &protected)
            {
                if crate::compile::delegation::covered_by_a_deny(&document.policy, &statement) {
                    continue;
                }
                document.policy.statements.push(statement);
                document.origins.push(Origin {
                    span,
                    expanded_from: Vec::new(),
                });
            }
        }
        infos
    }

    #[allow(clippy::too_many_arguments)]
    fn inline(
        &mut self,
        kind: DocumentKind,
        folder: &str,
        name: &str,
        arn: &str,
        path: &str,
        statements: &[ir::Statement],
        span: Span,
        documents: &mut Vec<Document>,
    ) -> Vec<String> {
        if statements.is_empty() {
            return Vec::new();
        }
        let (document, origins) = self.policy(statements);
        let file = format!("{folder}/{name}/inline.json");
        documents.push(Document {
            kind,
            name: name.to_string(),
            arn: arn.to_string(),
            path: path.to_string(),
            description: None,
            file: file.clone(),
            owner: Some(name.to_string()),
            policy: document,
            origins,
            span,
            aws_managed: false,
        });
        vec![file]
    }

    /// One policy document from its statements, in canonical order, with each statement's
    /// origin.
    fn policy(&mut self, statements: &[ir::Statement]) -> (PolicyDocument, Vec<Origin>) {
        let mut lowered = Vec::with_capacity(statements.len());
        let mut origins = Vec::with_capacity(statements.len());
        for statement in statements {
            let mut out = Statement::new(statement.effect);
            out.sid = statement.sid.clone();
            let actions = statement.actions.iter().map(|a| a.node.clone()).collect();
            if statement.not_action {
                out.not_action = Some(actions);
            } else {
                out.action = Some(actions);
            }
            let resources = statement.resources.iter().map(|r| r.node.clone()).collect();
            if statement.not_resource {
                out.not_resource = Some(resources);
            } else {
                out.resource = Some(resources);
            }
            out.condition = self.conditions(&statement.conditions);
            lowered.push(out);
            origins.push(statement.origin.clone());
        }
        let mut document = PolicyDocument::new(lowered);
        document.canonicalize();
        (document, origins)
    }

    fn trust(&mut self, trust: &[ir::TrustStatement]) -> (PolicyDocument, Vec<Origin>) {
        // Exact capacities: a trust policy is mostly one statement, and a grown vector's room
        // for four was ~0.7 KiB per role.
        let mut statements = Vec::with_capacity(trust.len());
        let mut origins = Vec::with_capacity(trust.len());
        for entry in trust {
            let mut out = Statement::new(if entry.deny {
                Effect::Deny
            } else {
                Effect::Allow
            });
            let principal = match entry.kind {
                PrincipalKind::Anyone => Principal::Any(crate::iam::policy::AnyPrincipal),
                kind => {
                    let (key, values) = match kind {
                        PrincipalKind::Service => (
                            "Service",
                            entry.principals.iter().map(|p| p.node.clone()).collect(),
                        ),
                        PrincipalKind::Federated => (
                            "Federated",
                            entry.principals.iter().map(|p| p.node.clone()).collect(),
                        ),
                        _ => (
                            "AWS",
                            entry
                                .principals
                                .iter()
                                .map(|p| self.aws_principal(&p.node))
                                .collect(),
                        ),
                    };
                    Principal::Map([(key.to_string(), values)].into_iter().collect())
                }
            };
            if entry.not_principal {
                out.not_principal = Some(Box::new(principal));
            } else {
                out.principal = Some(Box::new(principal));
            }
            let actions: Vec<String> = if entry.actions.is_empty() {
                vec![default_trust_action(entry).to_string()]
            } else {
                entry.actions.iter().map(|a| a.node.clone()).collect()
            };
            out.action = Some(actions);
            out.condition = self.conditions(&entry.conditions);
            statements.push(out);
            origins.push(entry.origin.clone());
        }
        let mut document = PolicyDocument::new(statements);
        document.canonicalize();
        (document, origins)
    }

    /// IAM stores an account ID principal as the account's root ARN; write it that way.
    fn aws_principal(&self, text: &str) -> String {
        if crate::iam::names::is_account_id(text) {
            format!("arn:{}:iam::{text}:root", self.project.partition)
        } else {
            text.to_string()
        }
    }

    fn conditions(&mut self, conditions: &[ir::Condition]) -> Conditions {
        let mut out = Conditions::default();
        // The clauses so far: operator, key and where. A statement has a few, so a list.
        let mut seen: Vec<(String, &str, Span)> = Vec::new();
        let same_key = |a: &str, b: &str| {
            if a.is_ascii() && b.is_ascii() {
                a.eq_ignore_ascii_case(b)
            } else {
                a.to_lowercase() == b.to_lowercase()
            }
        };
        for condition in conditions {
            let Some((operator, values)) = self.operator(condition) else {
                continue;
            };
            let key = condition.key.node.as_str();
            // Two clauses with the same operator and key would merge into one list, which IAM
            // reads as "any of": the opposite of the `and` the author wrote.
            let first = seen
                .iter()
                .find(|(o, k, _)| *o == operator && same_key(k, key))
                .map(|&(_, _, span)| span);
            if let Some(first) = first {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::InvalidCondition,
                        format!("two `{operator}` tests on `{key}` in one statement cannot both be required"),
                    )
                    .at(condition.span, "second test of the same kind")
                    .with_label(first, "first test")
                    .with_help("IAM reads several values for one key as \"any of\": write one test with a `[...]` list, or split the statement"),
                );
                continue;
            }
            out.insert(&operator, key, values);
            seen.push((operator, key, condition.span));
        }
        out
    }

    /// The IAM operator and values for one clause.
    fn operator(&mut self, condition: &ir::Condition) -> Option<(String, Vec<String>)> {
        let (base, values): (String, Vec<String>) = match &condition.test {
            ir::Test::Exists { negated } => {
                if condition.quantifier.is_some() || condition.if_exists {
                    self.error(
                        condition,
                        "`exists` cannot be combined with `any`, `all` or `if exists`",
                        "IAM's `Null` operator takes no qualifiers",
                    );
                    return None;
                }
                return Some(("Null".to_string(), vec![negated.to_string()]));
            }
            ir::Test::Operator { name, values } => {
                let parsed = ConditionOperator::parse(&name.node);
                if operators::base_operator(parsed.base).is_none() {
                    self.diagnostics.push(
                        Diagnostic::new(Code::InvalidCondition, format!("`{}` is not an IAM condition operator", name.node))
                            .at(name.span, "unknown operator")
                            .with_help(match crate::diagnostics::did_you_mean(parsed.base, operators::base_names()) {
                                Some(close) => format!("did you mean `{close}`?"),
                                None => "see the IAM condition operators: StringEquals, StringLike, NumericLessThan, DateGreaterThan, Bool, IpAddress, ArnLike, Null, ...".to_string(),
                            }),
                    );
                    return None;
                }
                let values = values.iter().map(|v| v.node.text().into_owned()).collect();
                return Some((apply_qualifiers(&parsed.name(), condition), values));
            }
            ir::Test::Compare { op, values } => {
                let class = self.value_class(values)?;
                let (class, arn) = self.typed_class(condition, class, values)?;
                let base = match (class, op) {
                    (ValueClass::Bool, CompareOp::Eq) => "Bool",
                    (ValueClass::Bool, _) => {
                        self.error(condition, "booleans can only be compared with `==`", "IAM has no \"not equal\" for booleans: write `== false` (or `== true`)");
                        return None;
                    }
                    (ValueClass::Number, op) => numeric_or_date("Numeric", *op),
                    (ValueClass::Date, op) => numeric_or_date("Date", *op),
                    (ValueClass::Text, CompareOp::Eq) if arn => "ArnEquals",
                    (ValueClass::Text, CompareOp::Ne) if arn => "ArnNotEquals",
                    (ValueClass::Text, CompareOp::Eq) => "StringEquals",
                    (ValueClass::Text, CompareOp::Ne) => "StringNotEquals",
                    (ValueClass::Text, op) => {
                        self.error(condition, &format!("`{}` compares numbers or dates, not strings", op.symbol()), "write the value as a number (`100`) or a date (`2027-01-01T00:00:00Z`)");
                        return None;
                    }
                    (ValueClass::Cidr, _) => {
                        self.error(
                            condition,
                            "IP ranges are tested with `in`",
                            "write `aws:SourceIp in 10.0.0.0/8`",
                        );
                        return None;
                    }
                };
                (
                    base.to_string(),
                    values.iter().map(|v| v.node.text().into_owned()).collect(),
                )
            }
            ir::Test::Like { negated, values } => {
                let class = self.value_class(values)?;
                let (class, arn) = self.typed_class(condition, class, values)?;
                if class != ValueClass::Text {
                    self.error(
                        condition,
                        "`like` matches strings with `*` and `?`",
                        "write the pattern as a quoted string",
                    );
                    return None;
                }
                let base = match (arn, negated) {
                    (true, false) => "ArnLike",
                    (true, true) => "ArnNotLike",
                    (false, false) => "StringLike",
                    (false, true) => "StringNotLike",
                };
                (
                    base.to_string(),
                    values.iter().map(|v| v.node.text().into_owned()).collect(),
                )
            }
            ir::Test::In { negated, values } => {
                let class = self.value_class(values)?;
                let (class, arn) = self.typed_class(condition, class, values)?;
                let base = match (class, negated) {
                    (ValueClass::Cidr, false) => "IpAddress",
                    (ValueClass::Cidr, true) => "NotIpAddress",
                    (ValueClass::Number, false) => "NumericEquals",
                    (ValueClass::Number, true) => "NumericNotEquals",
                    (ValueClass::Date, false) => "DateEquals",
                    (ValueClass::Date, true) => "DateNotEquals",
                    (ValueClass::Text, false) if arn => "ArnEquals",
                    (ValueClass::Text, true) if arn => "ArnNotEquals",
                    (ValueClass::Text, false) => "StringEquals",
                    (ValueClass::Text, true) => "StringNotEquals",
                    (ValueClass::Bool, _) => {
                        self.error(
                            condition,
                            "`in` does not apply to booleans",
                            "write `== true` or `== false`",
                        );
                        return None;
                    }
                };
                (
                    base.to_string(),
                    values.iter().map(|v| v.node.text().into_owned()).collect(),
                )
            }
        };
        Some((apply_qualifiers(&base, condition), values))
    }

    /// The kind of values to compare as, given the key's type in the catalog, and whether the
    /// key holds ARNs. Keys the catalog does not know (an identity provider's `sub`, ...) keep
    /// the kind of their values. A value that cannot be of the key's type is an error.
    fn typed_class(
        &mut self,
        condition: &ir::Condition,
        class: ValueClass,
        values: &[Spanned<Scalar>],
    ) -> Option<(ValueClass, bool)> {
        let Some(key) = Catalog::get().condition_key(&condition.key.node) else {
            return Some((class, false));
        };
        let all_text = |ok: &dyn Fn(&str) -> bool| {
            values.iter().all(|v| match &v.node {
                Scalar::Str(text) => ok(text),
                _ => false,
            })
        };
        let accepts = |t: KeyType| key.accepts(t);
        let typed = match class {
            ValueClass::Bool if accepts(KeyType::Bool) => Some(ValueClass::Bool),
            ValueClass::Number if accepts(KeyType::Numeric) => Some(ValueClass::Number),
            // Dates may be given as epoch seconds.
            ValueClass::Number | ValueClass::Date if accepts(KeyType::Date) => {
                Some(ValueClass::Date)
            }
            ValueClass::Cidr if accepts(KeyType::IpAddress) => Some(ValueClass::Cidr),
            ValueClass::Text
                if accepts(KeyType::Bool)
                    && all_text(&|t| {
                        t.eq_ignore_ascii_case("true") || t.eq_ignore_ascii_case("false")
                    }) =>
            {
                Some(ValueClass::Bool)
            }
            ValueClass::Text
                if accepts(KeyType::Numeric) && all_text(&|t| t.parse::<f64>().is_ok()) =>
            {
                Some(ValueClass::Number)
            }
            ValueClass::Text
                if accepts(KeyType::IpAddress)
                    && all_text(&|t| {
                        t.split('/')
                            .next()
                            .unwrap_or("")
                            .parse::<std::net::IpAddr>()
                            .is_ok()
                    }) =>
            {
                Some(ValueClass::Cidr)
            }
            // A string key compares any value by its text.
            _ if accepts(KeyType::String) || accepts(KeyType::Arn) || accepts(KeyType::Binary) => {
                Some(ValueClass::Text)
            }
            _ => None,
        };
        if let Some(typed) = typed {
            return Some((typed, key.accepts(KeyType::Arn)));
        }
        let wanted = match key.key_type {
            KeyType::Bool => "`true` or `false`",
            KeyType::Numeric => "numbers",
            KeyType::Date => "dates, like `2027-01-01T00:00:00Z`",
            KeyType::IpAddress => "IP addresses or ranges, like `10.0.0.0/8`",
            KeyType::String | KeyType::Arn | KeyType::Binary => "strings",
        };
        let value = values.first().map_or(condition.span, |v| v.span);
        let found = values.first().map_or("a value", |v| v.node.describe());
        self.diagnostics.push(
            Diagnostic::new(
                Code::ConditionValueType,
                format!("`{}` takes {wanted}", condition.key.node),
            )
            .at(value, format!("{found} cannot be compared with this key"))
            .with_label(
                condition.key.span,
                format!("a key of type {}", key.key_type),
            ),
        );
        None
    }

    /// What kind of values a clause compares; all values must be of one kind.
    fn value_class(&mut self, values: &[Spanned<Scalar>]) -> Option<ValueClass> {
        let mut class = None;
        for value in values {
            let this = match &value.node {
                Scalar::Bool(_) => ValueClass::Bool,
                Scalar::Number(_) => ValueClass::Number,
                Scalar::Date(_) => ValueClass::Date,
                Scalar::Cidr(_) => ValueClass::Cidr,
                Scalar::Str(text) if looks_like_ipv6_cidr(text) => ValueClass::Cidr,
                // Lists are flattened by `resolve`; one here could only be nested, and reads as text.
                Scalar::Str(_) | Scalar::DnsName(_) | Scalar::Star | Scalar::List(_) => {
                    ValueClass::Text
                }
            };
            match class {
                None => class = Some(this),
                Some(previous) if previous != this => {
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::InvalidCondition,
                            "the values of one test must all be of one kind",
                        )
                        .at(
                            value.span,
                            format!("{} among other kinds of values", value.node.describe()),
                        )
                        .with_help("split the test, or quote the values so they are all strings"),
                    );
                    return None;
                }
                Some(_) => {}
            }
        }
        class
    }

    fn error(&mut self, condition: &ir::Condition, message: &str, help: &str) {
        self.diagnostics.push(
            Diagnostic::new(Code::InvalidCondition, message)
                .at(condition.span, "in this condition")
                .with_help(help),
        );
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValueClass {
    Bool,
    Number,
    Date,
    Cidr,
    Text,
}

fn numeric_or_date(family: &str, op: CompareOp) -> &'static str {
    match (family, op) {
        ("Numeric", CompareOp::Eq) => "NumericEquals",
        ("Numeric", CompareOp::Ne) => "NumericNotEquals",
        ("Numeric", CompareOp::Lt) => "NumericLessThan",
        ("Numeric", CompareOp::Le) => "NumericLessThanEquals",
        ("Numeric", CompareOp::Gt) => "NumericGreaterThan",
        ("Numeric", CompareOp::Ge) => "NumericGreaterThanEquals",
        (_, CompareOp::Eq) => "DateEquals",
        (_, CompareOp::Ne) => "DateNotEquals",
        (_, CompareOp::Lt) => "DateLessThan",
        (_, CompareOp::Le) => "DateLessThanEquals",
        (_, CompareOp::Gt) => "DateGreaterThan",
        (_, CompareOp::Ge) => "DateGreaterThanEquals",
    }
}

fn apply_qualifiers(base: &str, condition: &ir::Condition) -> String {
    let prefix = match condition.quantifier {
        Some(Quantifier::Any) => "ForAnyValue:",
        Some(Quantifier::All) => "ForAllValues:",
        None => "",
    };
    let suffix = if condition.if_exists && !base.ends_with("IfExists") {
        "IfExists"
    } else {
        ""
    };
    [prefix, base, suffix].concat()
}

fn looks_like_ipv6_cidr(text: &str) -> bool {
    let address = text.split('/').next().unwrap_or("");
    text.contains(':') && address.parse::<std::net::Ipv6Addr>().is_ok()
}

/// The STS action a trust statement allows when it does not name one.
pub(crate) fn default_trust_action(entry: &ir::TrustStatement) -> &'static str {
    match entry.kind {
        PrincipalKind::Federated
            if entry
                .principals
                .iter()
                .any(|p| p.node.contains(":saml-provider/")) =>
        {
            "sts:AssumeRoleWithSAML"
        }
        PrincipalKind::Federated => "sts:AssumeRoleWithWebIdentity",
        _ => "sts:AssumeRole",
    }
}

#[cfg(test)]
mod tests {
    use crate::compile::{compile, Input, Options};
    use crate::diagnostics::Code;

    /// The condition operators of the first statement of policy `p`, or the error codes.
    fn operators(conditions: &str) -> Result<Vec<String>, Vec<Code>> {
        let text = format!(
            "account \"123456789012\"\npolicy p {{ allow s3:ListBucket on arn:aws:s3:::b when {conditions} }}\n"
        );
        let input = Input {
            name: "t.iamx".into(),
            bytes: text.into_bytes(),
        };
        let compilation = compile(vec![input], &Options::default());
        match compilation.compiled {
            Some(compiled) => Ok(compiled.documents[0].policy.statements[0]
                .condition
                .0
                .keys()
                .cloned()
                .collect()),
            None => Err(compilation.diagnostics.iter().map(|d| d.code).collect()),
        }
    }

    #[test]
    fn operators_follow_the_key_type_in_the_catalog() {
        let ok = |c: &str, op: &str| assert_eq!(operators(c), Ok(vec![op.to_string()]), "{c}");
        ok("aws:SourceIp in 10.0.0.0/8", "IpAddress");
        ok("aws:SourceIp not in \"2001:db8::/32\"", "NotIpAddress");
        ok("aws:MultiFactorAuthPresent == true", "Bool");
        ok("aws:SecureTransport == \"false\"", "Bool");
        ok("aws:CurrentTime < 2027-01-01T00:00:00Z", "DateLessThan");
        ok("aws:EpochTime >= 1700000000", "NumericGreaterThanEquals");
        ok("s3:max-keys <= 100", "NumericLessThanEquals");
        ok("s3:max-keys == \"100\"", "NumericEquals");
        ok("aws:PrincipalArn == \"arn:aws:iam::1:role/x\"", "ArnEquals");
        ok("aws:SourceArn like \"arn:aws:sns:*:*:x\"", "ArnLike");
        ok("s3:prefix like \"raw/*\"", "StringLike");
        ok("aws:PrincipalTag/team == \"etl\"", "StringEquals");
        // Keys the catalog does not know keep the value-based choice.
        ok(
            "token.actions.githubusercontent.com:sub like \"repo:*\"",
            "StringLike",
        );
        ok("idp.example.com:level == 12", "NumericEquals");
    }

    #[test]
    fn values_of_the_wrong_type_are_errors() {
        let bad = |c: &str| assert_eq!(operators(c), Err(vec![Code::ConditionValueType]), "{c}");
        bad("aws:SourceIp == \"abc\"");
        bad("aws:MultiFactorAuthPresent == \"yes\"");
        bad("s3:max-keys < \"many\"");
        bad("aws:CurrentTime < \"tomorrow\"");
    }
}
