//! Building the [`World`] a graph is searched in: one node per principal state, the principals
//! (and the roles a path could create) with their prepared policies, the groups and the
//! delegations' holders.
//!
//! In: the account export, its [`Account`], the delegations. Out: the [`World`].

use super::*;

impl<'a> World<'a> {
    pub(super) fn new(
        gaad: &'a Gaad,
        account: &'a Account,
        delegations: &[Delegation],
    ) -> World<'a> {
        let partition = gaad.partition.clone().unwrap_or_else(|| "aws".to_string());
        let account_id = gaad.account_id.clone().unwrap_or_default();
        let roles = gaad.roles.len();
        let group_index: HashMap<&str, usize> = gaad
            .groups
            .iter()
            .enumerate()
            .map(|(i, g)| (g.name.as_str(), i))
            .collect();
        let mut groups: Vec<GroupNode> = gaad
            .groups
            .iter()
            .map(|g| GroupNode {
                name: g.name.clone(),
                arn: g.arn.clone(),
                members: Vec::new(),
            })
            .collect();
        let mut principals = Vec::new();
        let mut contexts = Vec::new();
        let mut trusts = Vec::new();
        let mut profiles = Vec::new();
        let mut managed = Vec::new();
        let customer = |arn: &String| gaad.policy(arn).is_some_and(|p| !p.aws_managed);
        for (index, p) in account.principals().iter().enumerate() {
            let (boundary, user_groups, trust, profile, attached) = if index < roles {
                let r = &gaad.roles[index];
                (
                    r.permissions_boundary.clone(),
                    Vec::new(),
                    Some(Trust::new(&r.trust_policy.policy)),
                    r.instance_profiles.first().map(|p| p.name.clone()),
                    r.attached_policies.clone(),
                )
            } else {
                let u = &gaad.users[index - roles];
                let in_groups: Vec<usize> = u
                    .groups
                    .iter()
                    .filter_map(|g| group_index.get(g.as_str()).copied())
                    .collect();
                let mut attached = u.attached_policies.clone();
                for &g in &in_groups {
                    groups[g].members.push(index);
                    attached.extend(gaad.groups[g].attached_policies.iter().cloned());
                }
                (
                    u.permissions_boundary.clone(),
                    in_groups,
                    None,
                    None,
                    attached,
                )
            };
            let own_account = crate::iam::gaad::arn_account(&p.arn)
                .map_or(account_id.clone(), |(_, a)| a.to_string());
            let context = crate::verify::account::principal_context(
                p.kind,
                &p.name,
                &p.arn,
                Some(&own_account),
                &p.tags,
            );
            contexts.push((own_account, context));
            trusts.push(trust);
            profiles.push(profile);
            let mut attached: Vec<String> = attached.into_iter().filter(customer).collect();
            attached.sort();
            attached.dedup();
            managed.push(attached);
            principals.push(Principal {
                kind: p.kind,
                name: p.name.clone(),
                arn: p.arn.clone(),
                boundary,
                power: None,
                groups: user_groups,
                external: account
                    .prepared(index)
                    .map(|prepared| prepared.external().to_vec())
                    .unwrap_or_default(),
                created: false,
            });
        }
        // The roles a path may create: without a boundary, or inside one of the account's.
        let real = principals.len();
        let mut options: Vec<Option<&str>> = vec![None];
        let mut bounds: Vec<&str> = gaad
            .boundary_arns()
            .into_iter()
            .chain(delegations.iter().map(|d| d.boundary_arn.as_str()))
            .filter(|arn| gaad.policy(arn).is_some())
            .collect();
        bounds.sort_unstable();
        bounds.dedup();
        options.extend(bounds.into_iter().map(Some));
        let mut created = Vec::new();
        let created_arn = format!("arn:{partition}:iam::{account_id}:role/{CREATED}");
        for option in options {
            let boundary = option.and_then(|arn| gaad.policy(arn)).map(|policy| {
                let mut document = policy.document.clone();
                document.name = format!("boundary {}", policy.name);
                vec![document]
            });
            created.push(Prepared::new(Vec::new(), boundary, Vec::new()));
            contexts.push((
                account_id.clone(),
                crate::verify::account::principal_context(
                    PrincipalKind::Role,
                    CREATED,
                    &created_arn,
                    Some(&account_id),
                    &[],
                ),
            ));
            trusts.push(None);
            profiles.push(None);
            managed.push(Vec::new());
            principals.push(Principal {
                kind: PrincipalKind::Role,
                name: match option {
                    None => "new role without a boundary".to_string(),
                    Some(arn) => format!("new role in boundary {}", render::short_arn(arn)),
                },
                arn: created_arn.clone(),
                boundary: option.map(str::to_string),
                power: None,
                groups: Vec::new(),
                external: Vec::new(),
                created: true,
            });
        }
        let group_documents = gaad
            .groups
            .iter()
            .map(|g| {
                let mut documents: Vec<LocatedDocument> = g
                    .inline_policies
                    .iter()
                    .map(|policy| {
                        let mut document = policy.document.clone();
                        document.name = format!("group {}/{}", g.name, policy.name);
                        document
                    })
                    .collect();
                for arn in &g.attached_policies {
                    if let Some(policy) = gaad.policy(arn) {
                        let mut document = policy.document.clone();
                        document.name = format!("managed-policy {}", policy.name);
                        documents.push(document);
                    }
                }
                documents
            })
            .collect();
        let mut trusted_by_arn: HashMap<String, Vec<usize>> = HashMap::new();
        let mut trusted_by_account: HashMap<String, Vec<usize>> = HashMap::new();
        let mut trusted_by_any = Vec::new();
        let mut trusted_by_service: HashMap<String, Vec<usize>> = HashMap::new();
        for (r, trust) in trusts.iter().enumerate() {
            let Some(trust) = trust else { continue };
            for named in trust.allowing() {
                if named.any {
                    trusted_by_any.push(r);
                }
                for a in named.accounts {
                    trusted_by_account.entry(a).or_default().push(r);
                }
                for a in named.arns {
                    trusted_by_arn.entry(a).or_default().push(r);
                }
                for s in named.services {
                    trusted_by_service.entry(s).or_default().push(r);
                }
            }
        }
        for list in trusted_by_arn
            .values_mut()
            .chain(trusted_by_account.values_mut())
            .chain(trusted_by_service.values_mut())
            .chain(std::iter::once(&mut trusted_by_any))
        {
            list.sort_unstable();
            list.dedup();
        }
        let mut nodes = Vec::new();
        let mut ids = HashMap::new();
        for p in 0..principals.len() {
            for (granted, unbounded) in [(false, false), (true, false), (false, true), (true, true)]
            {
                let state = State {
                    principal: p,
                    granted,
                    unbounded,
                    group: None,
                };
                ids.insert(state, nodes.len());
                nodes.push(Node::new(state));
            }
        }
        let granted_document = LocatedDocument {
            name: "the policy the path writes".to_string(),
            policy: crate::iam::read::policy_from_str(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
            )
            .expect("a valid policy"),
            spans: vec![Span::new(FileId(0), 0, 0)],
            span: Span::new(FileId(0), 0, 0),
        };
        let mut admin_policies = vec![format!(
            "arn:{partition}:iam::aws:policy/AdministratorAccess"
        )];
        admin_policies.extend(
            (gaad.policies.iter())
                .filter(|p| !p.aws_managed && grants_everything(&p.document.policy))
                .map(|p| p.arn.clone()),
        );
        let named_document = LocatedDocument {
            name: named::NAMED.to_string(),
            policy: crate::iam::read::policy_from_str(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"#,
            )
            .expect("a valid policy"),
            ..granted_document.clone()
        };
        let versions = (gaad.policies.iter())
            .filter(|p| !p.aws_managed)
            .map(|p| (p.arn.clone(), p.versions))
            .collect();
        // AWS managed ones too, when the export holds them (`IAMFullAccess`): never assumed.
        let mut self_granting: Vec<versions::SelfGranting> = (gaad.policies.iter())
            .filter(|p| !admin_policies.contains(&p.arn) && writes_own_policies(&p.document.policy))
            .map(|p| {
                let mut document = p.document.clone();
                document.name = format!("managed-policy {} (attached by the path)", p.name);
                versions::SelfGranting {
                    policy: p.arn.clone(),
                    version: None,
                    document,
                }
            })
            .collect();
        let other_versions = versions::other_versions(gaad, &mut self_granting);
        let self_writes = (0..principals.len()).map(|_| OnceLock::new()).collect();
        let mut world = World {
            serial: WORLDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            account,
            catalog: Catalog::get(),
            partition,
            account_id,
            principals,
            contexts,
            trusts,
            profiles,
            managed,
            groups,
            group_documents,
            trusted_by_arn,
            trusted_by_account,
            trusted_by_any,
            trusted_by_service,
            nodes,
            ids,
            joins: Vec::new(),
            granted_document,
            named_document,
            versions,
            self_granting,
            other_versions,
            self_writes,
            admin_policies,
            real,
            created,
            undecided: Mutex::new(Vec::new()),
            evaluations: std::sync::atomic::AtomicUsize::new(0),
        };
        for p in 0..world.real {
            if world.account.prepared(p).is_none() {
                let name = format!(
                    "{} {}",
                    world.principals[p].kind.as_str(),
                    world.principals[p].name
                );
                world.note(format!(
                    "{name}: its policies could not be read; it has no edges"
                ));
            }
            // An attached policy or boundary the export does not hold (an export made with
            // `--filter` without `LocalManagedPolicy`/`AWSManagedPolicy`) was not evaluated:
            // what the principal may do is not known, and the report must not look clean.
            let external = &world.principals[p].external;
            if !external.is_empty() {
                let name = world.name(p);
                world.note(format!(
                    "{name}: {} not in the account export and not evaluated; what it may do is not known",
                    external.join(", ")
                ));
            }
        }
        // Joins first: they make the membership states, which the searches then share.
        let everyone: Vec<usize> = (0..world.principals.len()).collect();
        let joins = crate::parallel::map(&everyone, |&p| world.joins_of(p));
        for (user, found) in joins.iter().enumerate() {
            for (group, _) in found {
                let state = State {
                    principal: user,
                    granted: false,
                    unbounded: false,
                    group: Some(*group),
                };
                world.ids.insert(state, world.nodes.len());
                world.nodes.push(Node::new(state));
            }
        }
        world.joins = joins;
        for p in 0..world.principals.len() {
            let id = world.ids[&State::plain(p)];
            world.principals[p].power = world.power(id);
        }
        world
    }
}

/// Whether `policy` allows every action on every resource, unconditionally, and denies nothing:
/// attaching it is attaching `AdministratorAccess`.
pub(super) fn grants_everything(policy: &crate::iam::policy::PolicyDocument) -> bool {
    use crate::iam::policy::Effect;
    let everything =
        |list: &Option<Vec<String>>| list.as_ref().is_some_and(|l| l.iter().any(|p| p == "*"));
    policy.statements.iter().all(|s| s.effect == Effect::Allow)
        && policy
            .statements
            .iter()
            .any(|s| everything(&s.action) && everything(&s.resource) && s.condition.is_empty())
}

/// Whether `policy` denies nothing and allows, without a condition, one of the calls that give
/// a user or a role a policy on itself: whoever has it attached may then write its own
/// policies (whether on its own ARN, and inside its boundary, the engine decides).
pub(super) fn writes_own_policies(policy: &crate::iam::policy::PolicyDocument) -> bool {
    use crate::iam::policy::Effect;
    let own = [PrincipalKind::User, PrincipalKind::Role].map(own_grants);
    policy.statements.iter().all(|s| s.effect == Effect::Allow)
        && policy.statements.iter().any(|s| {
            s.condition.is_empty() && own.iter().flatten().any(|action| allows_action(s, action))
        })
}
