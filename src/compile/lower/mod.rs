//! Lowering: the resolved project to IAM documents.
//!
//! In: a project resolved but for its roles ([`Resolved`]: an [`ir::Project`] and the role
//! blocks, each resolved here in the job that lowers it). Out: a [`Compiled`] set of documents
//! in the IAM model ([`crate::iam::policy`]), each with its kind, name, ARN, output file and,
//! per statement, the source it came from; plus the roles, users and groups that own them.
//!
//! One `Lowering` walk over the IR, block kind by block kind, the roles on all cores (each job
//! resolving its role and with a `Lowering` of its own, the results kept in order, then what
//! the caller asks to run on the role's documents, [`AfterRole`]). The delegations are lowered
//! before the roles, which their policies are attached to, and their documents placed last,
//! after the users' and groups'. Choosing
//! IAM condition operators from the way a condition is written is `conditions.rs`, which shares
//! the walk's state; type errors in conditions come from there.

use crate::compile::ir::{self, Origin, PolicyRef};
use crate::compile::output::*;
use crate::compile::resolve::{Resolved, RoleBlock};
use crate::diagnostics::Diagnostic;
use crate::iam::policy::{Effect, PolicyDocument, Principal, Statement};
use crate::source::{Span, Spanned};
use crate::syntax::ast::{PrincipalKind, PrincipalRefKind};
use std::borrow::Cow;

pub use shared::{RoleSites, Sharing};

mod shared;

/// What [`lower`] gives.
pub struct LoweredProject<R = ()> {
    pub compiled: Compiled,
    /// What `after_role` gave for each role, in the order of `compiled.roles`; empty when it
    /// was not given or declined.
    pub after_role: Vec<R>,
    /// The lowering's diagnostics (conditions IAM cannot express as written) and the roles'
    /// catalog checks.
    pub diagnostics: Vec<Diagnostic>,
    /// The diagnostics of resolving the roles. A role with an error here is not lowered, and
    /// the rest of the output is not the project as written.
    pub resolution: Vec<Diagnostic>,
    /// Some role's members, left unparsed, did not parse
    /// ([`Unparsed`](crate::compile::resolve::Unparsed)): the rest is void.
    pub unparsed: bool,
    /// Where each role's documents are, when [`Sharing::Offer`] asked.
    pub sites: Option<RoleSites>,
    /// How many roles were taken from an earlier version ([`Sharing::Take`]).
    pub taken: usize,
}

/// Lowers a project resolved but for its roles, resolving each role in the job that lowers it.
/// `role_checks`: the catalog checks of a role (`compile::checks::role_catalog_checks`), run in
/// the same job, while its statements are in the cache, with a state `init` makes for each
/// thread's run of roles; their findings come with the lowering's.
///
/// The roles (most of a large project) are resolved and lowered on all cores in runs of
/// `ROLES_AT_ONCE`, each role's syntax tree (when its members were left unparsed) and IR made
/// and dropped in its job, as soon as its documents are made: the trees, the IR and the
/// documents are not all held whole at the peak, and what a role's lowering reads was just
/// written. `after_role`, when given, runs next in the same job, on the role's documents.
///
/// `sharing`: whether to keep where each role's documents are for another version's lowering,
/// or to take the roles an earlier version's lowering made from the same text (`shared`).
pub fn lower<S, R: Send>(
    mut resolved: Resolved<'_>,
    init: impl Fn() -> S + Sync + Send,
    role_checks: impl Fn(&mut S, &ir::Role) -> Vec<Diagnostic> + Sync + Send,
    after_role: Option<&dyn AfterRole<S, R>>,
    sharing: Sharing<'_>,
) -> LoweredProject<R> {
    let mut sites = matches!(sharing, Sharing::Offer).then(|| RoleSites::new(&resolved));
    // Roles are taken only where nothing runs on their documents after them.
    let taker = match (sharing, after_role) {
        (Sharing::Take(sites, earlier), None) => shared::Taker::new(sites, earlier, &resolved),
        _ => None,
    };
    let role_blocks = std::mem::take(&mut resolved.roles);
    let mut lowering = Lowering {
        project: &resolved.project,
        diagnostics: Vec::new(),
    };
    let roles = Roles {
        blocks: role_blocks,
        sites: sites.as_mut(),
        taker: taker.as_ref(),
    };
    let (compiled, resolution, unparsed, after_role, taken) =
        lowering.compiled(&resolved, roles, init, role_checks, after_role);
    LoweredProject {
        compiled,
        after_role,
        diagnostics: lowering.diagnostics,
        resolution,
        unparsed,
        sites,
        taken,
    }
}

/// The role blocks to lower, and how they are shared with another version ([`Sharing`]).
struct Roles<'b, 's, 'e> {
    blocks: Vec<RoleBlock<'b>>,
    sites: Option<&'s mut RoleSites>,
    taker: Option<&'s shared::Taker<'e>>,
}

/// Work on each role's documents in the job that lowered them, while they are in the cache
/// (`compile::Options::stream_roles`: measured, linted and proved, then their statements
/// dropped). A trait, not a closure type: the work borrows both what the caller holds (the
/// sources) and `before_roles`, which a higher-ranked closure type cannot say.
pub trait AfterRole<S, R>: Sync {
    /// The work, made from what was lowered before the roles: the boundaries (with the denies
    /// the delegations add), the managed and the delegation policies, in a [`Compiled`]
    /// without principals. `None` declines: the roles are then only lowered.
    #[allow(clippy::type_complexity)]
    fn start<'c>(
        &'c self,
        before_roles: &'c Compiled,
    ) -> Option<Box<dyn Fn(&mut S, RoleDocuments<'_>) -> R + Sync + 'c>>;
}

/// A role's documents and record, as [`AfterRole`] gets them.
pub struct RoleDocuments<'r> {
    pub trust: &'r mut Document,
    pub inline: Option<&'r mut Document>,
    /// With the delegation policies attached to the role.
    pub info: &'r RoleInfo,
}

/// Roles lowered at once: enough for every core, few enough that a run's IR and documents
/// are a small part of the memory.
const ROLES_AT_ONCE: usize = 256;

/// The delegation policies attached to each project principal, by its kind and name: those of
/// the `delegate` blocks that name it in `to`, in the blocks' order. Made before the principals
/// are lowered, each of which takes its own ([`delegated_to`]).
type Delegated<'p> = foldhash::HashMap<(PrincipalRefKind, &'p str), Vec<String>>;

/// The texts of spanned values, moved out (into a new vector: collected in place, the
/// values' room would be shrunk to fit, which copies it).
fn texts(values: Vec<Spanned<String>>) -> Vec<String> {
    let mut texts = Vec::with_capacity(values.len());
    texts.extend(values.into_iter().map(|value| value.node));
    texts
}

/// The texts of spanned values, copied.
fn copied_texts(values: &[Spanned<String>]) -> Vec<String> {
    values.iter().map(|value| value.node.clone()).collect()
}

fn delegated<'p>(project: &'p ir::Project, infos: &[DelegationInfo]) -> Delegated<'p> {
    let mut delegated = Delegated::default();
    for (delegation, info) in project.delegations.iter().zip(infos) {
        for (kind, target) in &delegation.to {
            let arns: &mut Vec<String> =
                delegated.entry((*kind, target.node.as_str())).or_default();
            arns.push(info.arn.clone());
        }
    }
    delegated
}

/// The delegation policies attached to the principal of `kind` named `name`.
fn delegated_to<'d>(
    delegated: &'d Delegated<'d>,
    kind: PrincipalRefKind,
    name: &'d str,
) -> &'d [String] {
    delegated.get(&(kind, name)).map_or(&[], Vec::as_slice)
}

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
    /// `delegated`: the delegation policies attached to each principal. The role is taken:
    /// its texts move into what it lowers to.
    fn role(&mut self, role: ir::Role, delegated: &Delegated) -> LoweredRole {
        let ir::Role {
            name: Spanned { node: name, .. },
            path,
            description,
            boundary,
            trust,
            instance_profile,
            max_session_seconds,
            tags,
            attached,
            statements,
            span,
        } = role;
        let arn = self.arn("role", &path, &name);
        // Names made for every role: `concat` sizes each string once, unlike `format!`.
        let trust_file = ["roles/", &name, "/trust.json"].concat();
        let (trust, trust_origins) = self.trust(trust);
        let trust = Document {
            kind: DocumentKind::Trust,
            name: [&name, "-trust"].concat(),
            arn: arn.clone(),
            path: path.clone(),
            description: None,
            file: trust_file.clone(),
            owner: Some(name.clone()),
            policy: DocumentPolicy::Own(trust),
            origins: trust_origins,
            span,
            aws_managed: false,
            dropped_size: None,
        };
        let mut inline_files = Vec::new();
        let mut inline = None;
        if !statements.is_empty() {
            let (document, origins) = self.policy(statements.into_iter().map(Cow::Owned));
            let file = ["roles/", &name, "/inline.json"].concat();
            // Room for exactly one: a vector grown by `push` has room for four.
            inline_files = vec![file.clone()];
            inline = Some(Document {
                kind: DocumentKind::RoleInline,
                name: name.clone(),
                arn: arn.clone(),
                path: path.clone(),
                description: None,
                file,
                owner: Some(name.clone()),
                policy: DocumentPolicy::Own(document),
                origins,
                span,
                aws_managed: false,
                dropped_size: None,
            });
        }
        let attached_policy_arns = (attached.iter())
            .map(|p| self.policy_arn(p, false))
            .chain(
                delegated_to(delegated, PrincipalRefKind::Role, &name)
                    .iter()
                    .cloned(),
            )
            .collect();
        let instance_profile = instance_profile.map(|profile| InstanceProfile {
            arn: self.arn("instance-profile", &path, &profile.node),
            name: profile.node,
            span: profile.span,
        });
        let info = RoleInfo {
            boundary_arn: boundary.as_ref().map(|b| self.policy_arn(b, true)),
            name,
            arn,
            path,
            description,
            trust_file,
            inline_files,
            attached_policy_arns,
            instance_profile,
            max_session_seconds,
            tags: tags.into_iter().collect(),
            span,
        };
        LoweredRole {
            trust,
            inline,
            info,
        }
    }

    /// The documents, the diagnostics of resolving the roles, whether some role's members did
    /// not parse, and what `after_role` gave for each role.
    fn compiled<S, R: Send>(
        &mut self,
        resolved: &Resolved<'_>,
        roles_to_lower: Roles<'_, '_, '_>,
        init: impl Fn() -> S + Sync + Send,
        role_checks: impl Fn(&mut S, &ir::Role) -> Vec<Diagnostic> + Sync + Send,
        after_role: Option<&dyn AfterRole<S, R>>,
    ) -> (Compiled, Vec<Diagnostic>, bool, Vec<R>, usize) {
        let Roles {
            blocks: role_blocks,
            mut sites,
            taker,
        } = roles_to_lower;
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
                let (document, origins) = self.policy(policy.statements.iter().map(Cow::Borrowed));
                documents.push(Document {
                    kind,
                    name: policy.name.node.clone(),
                    arn: self.arn("policy", &policy.path, &policy.name.node),
                    path: policy.path.clone(),
                    description: policy.description.clone(),
                    file: format!("{folder}/{}.json", policy.name.node),
                    owner: None,
                    policy: DocumentPolicy::Own(document),
                    origins,
                    span: policy.span,
                    aws_managed: policy.aws_managed,
                    dropped_size: None,
                });
            }
        }

        // The delegations before the principals, though their documents come last: their
        // policies are attached to roles, users and groups as these are lowered, and their
        // denies added to boundaries, which `after_role` reads.
        let (delegation_documents, mut delegations) = self.delegation_documents(&mut documents);
        let delegated = delegated(project, &delegations);
        let before_roles = after_role.map(|_| Compiled {
            account: project.account.node.clone(),
            partition: project.partition.clone(),
            environment: project.environment.clone(),
            documents: documents
                .iter()
                .chain(&delegation_documents)
                .cloned()
                .collect(),
            roles: Vec::new(),
            users: Vec::new(),
            groups: Vec::new(),
            splits: Vec::new(),
            delegations: Vec::new(),
            quota_sizes: Vec::new(),
        });
        let after_role = after_role.zip(before_roles.as_ref());
        let after_role = after_role.and_then(|(after_role, before)| after_role.start(before));
        // One result per role, sized once like the roles (a list of 100,000 grown by doubling
        // faults its pages in again at each step).
        let mut after_roles = match after_role {
            Some(_) => Vec::with_capacity(role_blocks.len()),
            None => Vec::new(),
        };

        let mut roles = Vec::with_capacity(role_blocks.len());
        let mut resolution = Vec::new();
        let mut pending = role_blocks.into_iter();
        let mut unparsed = false;
        let taken = std::sync::atomic::AtomicUsize::new(0);
        // Roles offered to a later version hold their policies shared: it takes them unchanged.
        let offered = sites.is_some();
        loop {
            let run: Vec<RoleBlock<'_>> = pending.by_ref().take(ROLES_AT_ONCE).collect();
            if run.is_empty() {
                break;
            }
            let lowered = crate::parallel::map_with(&run, &init, |state, block| {
                if let Some(role) = taker.and_then(|taker| taker.take(block)) {
                    taken.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    return Some((Vec::new(), Some((role, Vec::new(), None))));
                }
                let Ok((role, resolved)) = resolved.role(block) else {
                    return None;
                };
                let lowered = match role {
                    Some(role) if !resolved.iter().any(Diagnostic::is_error) => {
                        let mut lowering = Lowering {
                            project,
                            diagnostics: role_checks(state, &role),
                        };
                        let mut lowered = lowering.role(role, &delegated);
                        if offered {
                            lowered.trust.policy.share();
                            if let Some(inline) = lowered.inline.as_mut() {
                                inline.policy.share();
                            }
                        }
                        let after = after_role.as_ref().map(|after_role| {
                            let documents = RoleDocuments {
                                trust: &mut lowered.trust,
                                inline: lowered.inline.as_mut(),
                                info: &lowered.info,
                            };
                            after_role(state, documents)
                        });
                        Some((lowered, lowering.diagnostics, after))
                    }
                    _ => None,
                };
                Some((resolved, lowered))
            });
            for (block, lowered) in run.iter().zip(lowered) {
                let Some((mut resolved, lowered)) = lowered else {
                    unparsed = true;
                    continue;
                };
                resolution.append(&mut resolved);
                if let Some((role, mut diagnostics, after)) = lowered {
                    if let Some(sites) = sites.as_deref_mut() {
                        let inline = role.inline.as_ref().map(|_| documents.len() + 1);
                        sites.add(block, documents.len(), inline, roles.len());
                    }
                    documents.push(role.trust);
                    documents.extend(role.inline);
                    roles.push(role.info);
                    after_roles.extend(after);
                    self.diagnostics.append(&mut diagnostics);
                }
            }
        }

        self.instance_profiles_once(&roles);

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
                groups_span: (user.groups.first())
                    .zip(user.groups.last())
                    .map(|(first, last)| first.span.to(last.span)),
                inline_files,
                attached_policy_arns: (user.attached.iter())
                    .map(|p| self.policy_arn(p, false))
                    .chain(
                        delegated_to(&delegated, PrincipalRefKind::User, name)
                            .iter()
                            .cloned(),
                    )
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
                attached_policy_arns: (group.attached.iter())
                    .map(|p| self.policy_arn(p, false))
                    .chain(
                        delegated_to(&delegated, PrincipalRefKind::Group, name)
                            .iter()
                            .cloned(),
                    )
                    .collect(),
                span: group.span,
            });
        }

        drop(after_role);
        drop(before_roles);
        self.delegations_to(&mut delegations, &roles, &users, &groups);
        documents.extend(delegation_documents);

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
        let taken = taken.into_inner();
        (compiled, resolution, unparsed, after_roles, taken)
    }

    /// One delegation policy per `delegate` block, and its record without the principals it is
    /// attached to ([`Lowering::delegations_to`]); and the self-propagating denies on every
    /// boundary of `documents` a delegation uses.
    fn delegation_documents(
        &mut self,
        documents: &mut [Document],
    ) -> (Vec<Document>, Vec<DelegationInfo>) {
        let project = self.project;
        let mut infos = Vec::new();
        let mut delegation_documents = Vec::with_capacity(project.delegations.len());
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
                delegation_parts: Vec::new(),
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
            delegation_documents.push(Document {
                kind: DocumentKind::Delegation,
                name: name.clone(),
                arn: arn.clone(),
                path: "/".to_string(),
                description: delegation.description.clone(),
                file: file.clone(),
                owner: None,
                policy: DocumentPolicy::Own(PolicyDocument::new(statements)),
                origins,
                span: delegation.span,
                aws_managed: false,
                dropped_size: None,
            });
            infos.push(DelegationInfo {
                name: name.clone(),
                arn,
                file,
                to: Vec::new(),
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
                document.policy.make_mut().statements.push(statement);
                document.origins.push(Origin {
                    span,
                    expanded_from: Vec::new(),
                });
            }
        }
        (delegation_documents, infos)
    }

    /// One error per instance profile name a second role claims: profiles are named in their
    /// own namespace (unique whatever the case), and the outputs would hold one profile for
    /// both roles, or IAM refuse the second (`EntityAlreadyExists`).
    fn instance_profiles_once(&mut self, roles: &[RoleInfo]) {
        let mut first: std::collections::HashMap<String, (&str, Span)> =
            std::collections::HashMap::new();
        for role in roles {
            let Some(profile) = &role.instance_profile else {
                continue;
            };
            match first.entry(profile.name.to_lowercase()) {
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert((&role.name, profile.span));
                }
                std::collections::hash_map::Entry::Occupied(earlier) => {
                    let (owner, at) = *earlier.get();
                    self.diagnostics.push(
                        Diagnostic::new(
                            crate::diagnostics::Code::DuplicateName,
                            format!(
                                "roles `{owner}` and `{}` both have the instance profile `{}`",
                                role.name, profile.name
                            ),
                        )
                        .at(profile.span, "claimed again here")
                        .with_label(at, format!("first claimed by `{owner}` here"))
                        .with_help("instance profile names are unique in an account (IAM ignores case): give one of them `instance_profile \"OTHER-NAME\"`"),
                    );
                }
            }
        }
    }

    /// Records the principals each delegation policy is attached to (they have it from
    /// [`delegated`]), with their ARNs.
    fn delegations_to(
        &self,
        infos: &mut [DelegationInfo],
        roles: &[RoleInfo],
        users: &[UserInfo],
        groups: &[GroupInfo],
    ) {
        for (delegation, info) in self.project.delegations.iter().zip(infos) {
            info.to = (delegation.to.iter())
                .map(|(kind, target)| {
                    let target = &target.node;
                    let (kind, found) = match kind {
                        PrincipalRefKind::Role => (
                            "role",
                            roles.iter().find(|r| &r.name == target).map(|r| &r.arn),
                        ),
                        PrincipalRefKind::User => (
                            "user",
                            users.iter().find(|u| &u.name == target).map(|u| &u.arn),
                        ),
                        PrincipalRefKind::Group => (
                            "group",
                            groups.iter().find(|g| &g.name == target).map(|g| &g.arn),
                        ),
                    };
                    let arn = found
                        .cloned()
                        .unwrap_or_else(|| self.arn(kind, "/", target));
                    (kind.to_string(), target.clone(), arn)
                })
                .collect();
        }
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
        let (document, origins) = self.policy(statements.iter().map(Cow::Borrowed));
        let file = format!("{folder}/{name}/inline.json");
        documents.push(Document {
            kind,
            name: name.to_string(),
            arn: arn.to_string(),
            path: path.to_string(),
            description: None,
            file: file.clone(),
            owner: Some(name.to_string()),
            policy: DocumentPolicy::Own(document),
            origins,
            span,
            aws_managed: false,
            dropped_size: None,
        });
        vec![file]
    }

    /// One policy document from its statements, in canonical order, with each statement's
    /// origin. A role's statements come owned (`Cow::Owned`): their texts move into the
    /// document, where a managed policy's, which the project keeps, are copied.
    fn policy<'s>(
        &mut self,
        statements: impl ExactSizeIterator<Item = Cow<'s, ir::Statement>>,
    ) -> (PolicyDocument, Vec<Origin>) {
        let mut lowered = Vec::with_capacity(statements.len());
        let mut origins = Vec::with_capacity(statements.len());
        for statement in statements {
            let mut out = Statement::new(statement.effect);
            out.condition = self.conditions(&statement.conditions);
            let (not_action, not_resource) = (statement.not_action, statement.not_resource);
            let (sid, actions, resources, origin) = match statement {
                Cow::Owned(s) => (s.sid, texts(s.actions), texts(s.resources), s.origin),
                Cow::Borrowed(s) => (
                    s.sid.clone(),
                    copied_texts(&s.actions),
                    copied_texts(&s.resources),
                    s.origin.clone(),
                ),
            };
            out.sid = sid;
            if not_action {
                out.not_action = Some(actions);
            } else {
                out.action = Some(actions);
            }
            if not_resource {
                out.not_resource = Some(resources);
            } else {
                out.resource = Some(resources);
            }
            lowered.push(out);
            origins.push(origin);
        }
        let mut document = PolicyDocument::new(lowered);
        document.canonicalize();
        (document, origins)
    }

    fn trust(&mut self, trust: Vec<ir::TrustStatement>) -> (PolicyDocument, Vec<Origin>) {
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
            out.condition = self.conditions(&entry.conditions);
            let actions: Vec<String> = if entry.actions.is_empty() {
                vec![default_trust_action(&entry).to_string()]
            } else {
                texts(entry.actions)
            };
            out.action = Some(actions);
            let principal = match entry.kind {
                PrincipalKind::Anyone => Principal::Any(crate::iam::policy::AnyPrincipal),
                kind => {
                    let (key, values) = match kind {
                        PrincipalKind::Service => ("Service", texts(entry.principals)),
                        PrincipalKind::Federated => ("Federated", texts(entry.principals)),
                        _ => (
                            "AWS",
                            (entry.principals.into_iter())
                                .map(|p| self.aws_principal(p.node))
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
            statements.push(out);
            origins.push(entry.origin);
        }
        let mut document = PolicyDocument::new(statements);
        document.canonicalize();
        (document, origins)
    }

    /// IAM stores an account ID principal as the account's root ARN; write it that way.
    fn aws_principal(&self, text: String) -> String {
        if crate::iam::names::is_account_id(&text) {
            format!("arn:{}:iam::{text}:root", self.project.partition)
        } else {
            text
        }
    }
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

mod conditions;
