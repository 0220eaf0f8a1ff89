//! Escalation paths as a graph: which principal of an account can become, or make itself, which
//! other, and through which API calls, each step decided by the engine with the caller's
//! identity policies **and permissions boundary** (and explicit denies) on a concrete request.
//!
//! In: an account export ([`crate::iam::gaad::Account`]; a project or build output is turned
//! into one by [`from_compiled`] / [`from_manifest`]), the [`Account`] of its principals
//! (prepared policies) and the delegations of a project. Out: a [`Graph`], plain data: the
//! principals and groups, the edges between them, the shortest path from each principal to an
//! admin-like state, and what each principal can reach. [`render`] draws it (DOT, Mermaid, an
//! HTML page, text).
//!
//! A node is a [`State`]: a principal as it is, or as a path leaves it (with a policy the
//! attacker wrote, without its boundary, or as a user after joining a group). Edges:
//! - control, "the caller gets the target's permissions": `sts:AssumeRole` (the caller's
//!   policies allow it *and* the target's trust names the caller, its account or `*`),
//!   `iam:PassRole` of the target to a service that runs code with its launch actions
//!   ([`crate::iam::actions::CODE_RUNNERS`]; the target's trust must allow the service; EC2
//!   needs an instance profile, existing or created), `iam:UpdateAssumeRolePolicy` then
//!   `sts:AssumeRole`, `iam:CreateAccessKey` / `CreateLoginProfile` / `UpdateLoginProfile` on a
//!   user;
//! - membership: `iam:AddUserToGroup` of the caller (a user) into a group;
//! - creation: `iam:CreateRole` (with no boundary, or one of the account's), a policy written
//!   on it, then `sts:AssumeRole` or a pass to a service: a new role with `Allow * on *` inside
//!   that boundary (a created principal, [`Principal::created`]);
//! - writes, "the target's permissions become more": a policy the caller writes on the target
//!   (`iam:PutRolePolicy`, `AttachRolePolicy`, `PutUserPolicy`, `AttachUserPolicy`,
//!   `CreatePolicyVersion` of a customer managed policy the target has, `PutGroupPolicy` /
//!   `AttachGroupPolicy` of its group) gives the target an `Allow * on *` inside its boundary;
//!   `Delete*PermissionsBoundary` / `Put*PermissionsBoundary` lift the boundary. A write
//!   counts once the path also controls the target (or is the target): permissions are
//!   evaluated per request, so the order of the two does not matter.
//!
//! The requests carry what AWS fills in: `aws:PrincipalArn`, `aws:PrincipalAccount`,
//! `aws:PrincipalType`, `aws:username` for users, `aws:PrincipalTag/*` from the principal's
//! tags, `iam:PermissionsBoundary` (the target's current boundary, on the actions the catalog
//! lists it for), `iam:PassedToService`, `iam:PolicyARN`. Resources a path creates are named
//! `iamx-escalation` in region [`REGION`]. A statement the engine cannot decide fails closed and
//! the candidate edge is listed in [`Graph::undecided`], never drawn.
//!
//! Speed: a candidate edge is evaluated only when the caller's policies could allow its action
//! at all (action patterns only, boundary included) and, for `sts:AssumeRole` and services,
//! only for roles whose trust names the caller; every principal's policies are prepared once;
//! the searches from each principal run on all cores ([`crate::parallel`]) over edges computed
//! once per state.

mod load;
pub mod render;
mod trust;

pub use load::{from_compiled, from_manifest, LoadError};

use crate::catalog::Catalog;
use crate::iam::actions::{BOUNDARY_KEY, CODE_RUNNERS};
use crate::iam::gaad::Account as Gaad;
use crate::iam::located::LocatedDocument;
use crate::iam::policy::Effect;
use crate::reason::{pattern_includes, Decision, PatternKind, Request};
use crate::source::{FileId, Span};
use crate::verify::account::{Account, Prepared, PrincipalKind};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::{Mutex, OnceLock};
use trust::{Caller, Trust, Verdict};

/// The region of the resources a path creates (a Lambda function, an instance, ...).
pub const REGION: &str = "us-east-1";

/// The name of the resources a path creates.
pub const CREATED: &str = "iamx-escalation";

/// A `delegate` block: who holds it and what it hands out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delegation {
    pub name: String,
    pub arn: String,
    pub boundary_arn: String,
    pub path: String,
    pub prefix: String,
    pub holders: Vec<Holder>,
}

/// A principal a delegation policy is attached to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// `user`, `group` or `role`.
    pub kind: String,
    pub name: String,
    pub arn: String,
}

/// How much an admin-like state may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Power {
    /// Allowed `*` on `*` (and so `iam:*`).
    Full,
    /// Allowed `iam:*` on `*`: it can give itself anything.
    Iam,
}

impl Power {
    pub fn as_str(self) -> &'static str {
        match self {
            Power::Full => "allowed * on *",
            Power::Iam => "allowed iam:* on *",
        }
    }
}

/// A role or user as the graph shows it.
#[derive(Debug, Clone)]
pub struct Principal {
    pub kind: PrincipalKind,
    pub name: String,
    pub arn: String,
    /// The permissions boundary's ARN.
    pub boundary: Option<String>,
    /// Admin-like as it is.
    pub power: Option<Power>,
    /// For users, the groups they are in (indexes into [`Graph::groups`]).
    pub groups: Vec<usize>,
    /// Attached policies or a boundary the source does not define: not evaluated.
    pub external: Vec<String>,
    /// Not in the account: a role a path creates (`iam:CreateRole`), inside `boundary`.
    pub created: bool,
}

/// A group: its members get its policies.
#[derive(Debug, Clone)]
pub struct GroupNode {
    pub name: String,
    pub arn: String,
    pub members: Vec<usize>,
}

/// A principal as a path leaves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct State {
    pub principal: usize,
    /// With an `Allow * on *` identity policy the path wrote.
    pub granted: bool,
    /// With its permissions boundary lifted.
    pub unbounded: bool,
    /// A user after adding itself to this group.
    pub group: Option<usize>,
}

impl State {
    pub fn plain(principal: usize) -> State {
        State {
            principal,
            granted: false,
            unbounded: false,
            group: None,
        }
    }

    pub fn is_plain(&self) -> bool {
        !self.granted && !self.unbounded && self.group.is_none()
    }
}

/// What an edge does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    AssumeRole,
    /// Passes the role to a service that runs code ([`crate::iam::actions::CodeRunner::name`]).
    PassRole(&'static str),
    UpdateTrust,
    AccessKey,
    LoginProfile,
    JoinGroup,
    GrantPolicy,
    LiftBoundary,
    /// Creates a role with a policy of its choosing, then assumes or passes it.
    CreateRole,
}

impl Kind {
    /// A short label: `assume`, `pass to lambda`, ...
    pub fn label(self) -> String {
        match self {
            Kind::AssumeRole => "assume".into(),
            Kind::PassRole(service) => format!("pass to {service}"),
            Kind::UpdateTrust => "rewrite trust".into(),
            Kind::AccessKey => "access key".into(),
            Kind::LoginProfile => "console password".into(),
            Kind::JoinGroup => "join group".into(),
            Kind::GrantPolicy => "write policy".into(),
            Kind::LiftBoundary => "lift boundary".into(),
            Kind::CreateRole => "create role".into(),
        }
    }

    /// Whether the edge changes the target's permissions rather than handing them over.
    pub fn is_write(self) -> bool {
        matches!(self, Kind::GrantPolicy | Kind::LiftBoundary)
    }
}

/// One API call of an edge, allowed by the caller's policies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub action: String,
    pub resource: String,
    /// The context keys the decision used that the caller sets (`iam:PassedToService`, ...).
    pub context: Vec<(String, String)>,
    /// The statements that allowed it: `role dev/inline#1`, `boundary B#2:Sid`.
    pub allowed_by: Vec<String>,
}

/// One edge: `from` gets `to` through `calls`, made by `from` in this order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub from: State,
    pub to: State,
    pub kind: Kind,
    pub calls: Vec<Call>,
    /// The trust statement that lets `from` (or the service) in: `role admin trust#1`.
    pub trusted_by: Option<String>,
}

/// The shortest way from a principal to an admin-like state.
#[derive(Debug, Clone)]
pub struct Escalation {
    pub from: usize,
    pub to: State,
    pub power: Power,
    pub steps: Vec<Step>,
}

/// A principal another one can reach, in how many steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reached {
    pub principal: usize,
    pub hops: usize,
}

/// The escalation graph of an account (see the module docs).
#[derive(Debug, Clone)]
pub struct Graph {
    pub account: Option<String>,
    pub partition: String,
    pub principals: Vec<Principal>,
    pub groups: Vec<GroupNode>,
    pub delegations: Vec<Delegation>,
    /// The edges out of each principal as it is, and every step of an escalation; sorted.
    pub edges: Vec<Step>,
    /// One per principal that can reach an admin-like state and is not admin-like itself.
    pub escalations: Vec<Escalation>,
    /// Per principal, the other principals it can reach (sorted by principal).
    pub reach: Vec<Vec<Reached>>,
    /// Candidate edges the engine could not decide (not drawn), and principals whose policies
    /// could not be read; sorted, each once.
    pub undecided: Vec<String>,
    /// Requests evaluated.
    pub evaluations: usize,
}

impl Graph {
    /// `role admin`, `user dev`, `new role in boundary B`.
    pub fn name(&self, principal: usize) -> String {
        let p = &self.principals[principal];
        match p.created {
            true => p.name.clone(),
            false => format!("{} {}", p.kind.as_str(), p.name),
        }
    }

    /// The principals of the account (not the roles a path would create).
    pub fn real(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.principals.len()).filter(|&p| !self.principals[p].created)
    }

    /// `role app`, `role app (with a written policy)`, `user dev (in group admins)`.
    pub fn state_name(&self, state: &State) -> String {
        let mut name = self.name(state.principal);
        let mut notes = Vec::new();
        if let Some(g) = state.group {
            notes.push(format!("in group {}", self.groups[g].name));
        }
        if state.granted {
            notes.push("with a written policy".to_string());
        }
        if state.unbounded {
            notes.push("without its boundary".to_string());
        }
        if !notes.is_empty() {
            name.push_str(&format!(" ({})", notes.join(", ")));
        }
        name
    }

    /// The delegations `principal` holds, directly or through a group.
    pub fn delegations_of(&self, principal: usize) -> Vec<&Delegation> {
        let p = &self.principals[principal];
        self.delegations
            .iter()
            .filter(|d| {
                d.holders.iter().any(|h| match h.kind.as_str() {
                    "group" => p.groups.iter().any(|&g| self.groups[g].arn == h.arn),
                    _ => h.arn.eq_ignore_ascii_case(&p.arn),
                })
            })
            .collect()
    }
}

/// The actions whose absence rules out edges: `may[i]` says whether a state's policies could
/// allow `ACTIONS[i]` at all.
const ACTIONS: &[&str] = &[
    "sts:AssumeRole",
    "iam:PassRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:AddUserToGroup",
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:PutUserPolicy",
    "iam:AttachUserPolicy",
    "iam:CreatePolicyVersion",
    "iam:PutGroupPolicy",
    "iam:AttachGroupPolicy",
    "iam:DeleteRolePermissionsBoundary",
    "iam:PutRolePermissionsBoundary",
    "iam:DeleteUserPermissionsBoundary",
    "iam:PutUserPermissionsBoundary",
    "iam:CreateInstanceProfile",
    "iam:AddRoleToInstanceProfile",
    "iam:CreateRole",
    "ec2:RunInstances",
    "lambda:CreateFunction",
    "lambda:InvokeFunction",
    "glue:CreateDevEndpoint",
    "glue:CreateJob",
    "glue:StartJobRun",
    "ecs:RegisterTaskDefinition",
    "ecs:RunTask",
    "cloudformation:CreateStack",
];

fn action_index(action: &str) -> usize {
    ACTIONS
        .iter()
        .position(|a| *a == action)
        .unwrap_or_else(|| panic!("{action} is not in ACTIONS"))
}

/// The ARN of what a path creates for a launch action, or of the action's resource.
fn launch_resource(action: &str, partition: &str, account: &str) -> String {
    let (p, r, a, n) = (partition, REGION, account, CREATED);
    match action {
        "ec2:RunInstances" => format!("arn:{p}:ec2:{r}:{a}:instance/*"),
        "lambda:CreateFunction" | "lambda:InvokeFunction" => {
            format!("arn:{p}:lambda:{r}:{a}:function:{n}")
        }
        "glue:CreateDevEndpoint" => format!("arn:{p}:glue:{r}:{a}:devEndpoint/{n}"),
        "glue:CreateJob" | "glue:StartJobRun" => format!("arn:{p}:glue:{r}:{a}:job/{n}"),
        "ecs:RunTask" => format!("arn:{p}:ecs:{r}:{a}:task-definition/{n}:1"),
        "cloudformation:CreateStack" => format!("arn:{p}:cloudformation:{r}:{a}:stack/{n}/*"),
        "iam:CreateInstanceProfile" | "iam:AddRoleToInstanceProfile" => {
            format!("arn:{p}:iam::{a}:instance-profile/{n}")
        }
        _ => "*".to_string(),
    }
}

/// Where an edge leads: a state, or a write on a principal (which counts once the path
/// controls it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Node(usize),
    Write { principal: usize, lift: bool },
}

#[derive(Debug, Clone)]
struct RawEdge {
    target: Target,
    kind: Kind,
    calls: Vec<Call>,
    trusted_by: Option<String>,
}

/// A node of the search: its state and what is computed about it on first use.
struct Node {
    state: State,
    /// The policies of a state other than plain (plain states use the account's).
    prepared: OnceLock<Option<Prepared>>,
    may: OnceLock<Vec<bool>>,
    power: OnceLock<Option<Power>>,
    edges: OnceLock<Vec<RawEdge>>,
}

impl Node {
    fn new(state: State) -> Node {
        Node {
            state,
            prepared: OnceLock::new(),
            may: OnceLock::new(),
            power: OnceLock::new(),
            edges: OnceLock::new(),
        }
    }
}

/// What every search shares.
struct World<'a> {
    account: &'a Account,
    catalog: &'static Catalog,
    partition: String,
    account_id: String,
    principals: Vec<Principal>,
    /// Per principal: its account (from its ARN), the context AWS fills in.
    contexts: Vec<(String, Vec<(String, String)>)>,
    trusts: Vec<Option<Trust>>,
    /// Per principal: has an instance profile (roles).
    profiles: Vec<Option<String>>,
    /// Per principal: the customer managed policies it has (directly or through its groups).
    managed: Vec<Vec<String>>,
    groups: Vec<GroupNode>,
    /// The documents of each group (inline and attached ones the source defines).
    group_documents: Vec<Vec<LocatedDocument>>,
    trusted_by_arn: HashMap<String, Vec<usize>>,
    trusted_by_account: HashMap<String, Vec<usize>>,
    trusted_by_any: Vec<usize>,
    trusted_by_service: HashMap<String, Vec<usize>>,
    nodes: Vec<Node>,
    ids: HashMap<State, usize>,
    /// Per plain user: the joins (group, call) it can make, found before the searches.
    joins: Vec<Vec<(usize, Call)>>,
    granted_document: LocatedDocument,
    /// How many principals the account has; those after are roles a path creates.
    real: usize,
    /// The policies of each created role: none, and its boundary.
    created: Vec<Prepared>,
    undecided: Mutex<Vec<String>>,
    evaluations: std::sync::atomic::AtomicUsize,
}

/// Builds the graph of an account (see the module docs). Every principal of `account` must be
/// prepared ([`Account::prepare`]); one that is not has no edges and is listed as undecided.
/// `account`'s principals are the GAAD's: its roles, then its users, in order.
pub fn build(gaad: &Gaad, account: &Account, delegations: Vec<Delegation>) -> Graph {
    let world = World::new(gaad, account, &delegations);
    let sources: Vec<usize> = (0..world.principals.len()).collect();
    let results = crate::parallel::map(&sources, |&p| world.search(p));
    let mut edges: BTreeMap<(State, State, Kind), Step> = BTreeMap::new();
    let mut escalations = Vec::new();
    let mut reach = Vec::new();
    for (p, result) in results.into_iter().enumerate() {
        let from = world.ids[&State::plain(p)];
        if let Some(computed) = world.nodes[from].edges.get() {
            for edge in computed {
                let step = world.step(from, edge, None);
                edges.entry((step.from, step.to, step.kind)).or_insert(step);
            }
        }
        match result {
            Some((escalation, reached)) => {
                if let Some(escalation) = escalation {
                    for step in &escalation.steps {
                        edges
                            .entry((step.from, step.to, step.kind))
                            .or_insert_with(|| step.clone());
                    }
                    escalations.push(escalation);
                }
                reach.push(reached);
            }
            None => reach.push(Vec::new()),
        }
    }
    let mut undecided = world.undecided.into_inner().unwrap_or_default();
    undecided.sort();
    undecided.dedup();
    Graph {
        account: gaad.account_id.clone(),
        partition: world.partition,
        principals: world.principals,
        groups: world.groups,
        delegations,
        edges: edges.into_values().collect(),
        escalations,
        reach,
        undecided,
        evaluations: world.evaluations.into_inner(),
    }
}

/// How a node was first reached in one search.
#[derive(Debug, Clone, Copy)]
enum Parent {
    Root,
    Edge {
        from: usize,
        edge: usize,
    },
    /// A write (edge `edge` of `writer`) on the principal of `base`, which the path controls.
    Upgrade {
        base: usize,
        writer: usize,
        edge: usize,
    },
}

impl<'a> World<'a> {
    fn new(gaad: &'a Gaad, account: &'a Account, delegations: &[Delegation]) -> World<'a> {
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
            let (boundary, tags, user_groups, trust, profile, attached) = if index < roles {
                let r = &gaad.roles[index];
                (
                    r.permissions_boundary.clone(),
                    &r.tags,
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
                    &u.tags,
                    in_groups,
                    None,
                    None,
                    attached,
                )
            };
            let own_account = crate::iam::gaad::arn_account(&p.arn)
                .map_or(account_id.clone(), |(_, a)| a.to_string());
            let mut context = vec![
                ("aws:PrincipalArn".to_string(), p.arn.clone()),
                ("aws:PrincipalAccount".to_string(), own_account.clone()),
            ];
            match p.kind {
                PrincipalKind::Role => {
                    context.push(("aws:PrincipalType".into(), "AssumedRole".into()))
                }
                PrincipalKind::User => {
                    context.push(("aws:PrincipalType".into(), "User".into()));
                    context.push(("aws:username".into(), p.name.clone()));
                }
            }
            for tag in tags {
                context.push((format!("aws:PrincipalTag/{}", tag.key), tag.value.clone()));
            }
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
                vec![
                    ("aws:PrincipalArn".to_string(), created_arn.clone()),
                    ("aws:PrincipalAccount".to_string(), account_id.clone()),
                    ("aws:PrincipalType".to_string(), "AssumedRole".to_string()),
                ],
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
        let mut world = World {
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

    fn note(&self, message: String) {
        if let Ok(mut list) = self.undecided.lock() {
            list.push(message);
        }
    }

    fn name(&self, p: usize) -> String {
        format!(
            "{} {}",
            self.principals[p].kind.as_str(),
            self.principals[p].name
        )
    }

    /// The policies of a principal as it is (a created role's: none, and its boundary).
    fn base(&self, p: usize) -> Option<&Prepared> {
        match p < self.real {
            true => self.account.prepared(p),
            false => self.created.get(p - self.real),
        }
    }

    /// The policies of a node's state.
    fn prepared(&self, id: usize) -> Option<&Prepared> {
        let node = &self.nodes[id];
        let state = node.state;
        let base = self.base(state.principal)?;
        if state.is_plain() {
            return Some(base);
        }
        node.prepared
            .get_or_init(|| {
                let mut identity = base.identity().to_vec();
                if let Some(g) = state.group {
                    identity.extend(self.group_documents[g].iter().cloned());
                }
                if state.granted {
                    identity.push(self.granted_document.clone());
                }
                let boundary = match state.unbounded {
                    true => None,
                    false => base.boundary().map(<[_]>::to_vec),
                };
                Some(Prepared::new(identity, boundary, base.external().to_vec()))
            })
            .as_ref()
    }

    /// Whether the node's policies could allow each of [`ACTIONS`], from action patterns alone.
    fn may(&self, id: usize) -> &[bool] {
        self.nodes[id].may.get_or_init(|| {
            let Some(prepared) = self.prepared(id) else {
                return vec![false; ACTIONS.len()];
            };
            let allows = |documents: &[LocatedDocument], action: &str| {
                documents.iter().any(|d| {
                    d.policy.statements.iter().any(|s| {
                        let hit = |list: &Vec<String>| {
                            list.iter()
                                .any(|p| pattern_includes(p, action, PatternKind::Action))
                        };
                        s.effect == Effect::Allow
                            && match (&s.action, &s.not_action) {
                                (Some(list), _) => hit(list),
                                (None, Some(list)) => !hit(list),
                                (None, None) => false,
                            }
                    })
                })
            };
            ACTIONS
                .iter()
                .map(|action| {
                    allows(prepared.identity(), action)
                        && prepared.boundary().is_none_or(|b| allows(b, action))
                })
                .collect()
        })
    }

    fn power(&self, id: usize) -> Option<Power> {
        *self.nodes[id].power.get_or_init(|| {
            let allowed = |action: &str| matches!(self.check(id, action, "*", &[]), Ok(Some(_)));
            if !allowed("iam:*") {
                None
            } else if allowed("*") {
                Some(Power::Full)
            } else {
                Some(Power::Iam)
            }
        })
    }

    /// Evaluates one request of the node's principal: the call when allowed, `None` when not,
    /// `Err` when a statement the engine cannot decide may change that.
    fn check(
        &self,
        id: usize,
        action: &str,
        resource: &str,
        extra: &[(&str, String)],
    ) -> Result<Option<Call>, String> {
        let Some(prepared) = self.prepared(id) else {
            return Ok(None);
        };
        let state = self.nodes[id].state;
        let mut request = Request::new(action, resource);
        for (key, value) in &self.contexts[state.principal].1 {
            request.context.set(key, [value.as_str()]);
        }
        for (key, value) in extra {
            request.context.set(key, [value.as_str()]);
        }
        self.evaluations
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let evaluation = prepared.evaluate(&request);
        match evaluation.decision {
            Decision::Allow => Ok(Some(Call {
                action: action.to_string(),
                resource: resource.to_string(),
                context: extra
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.clone()))
                    .collect(),
                allowed_by: evaluation
                    .deciding
                    .iter()
                    .map(|at| {
                        let document = prepared.document(at);
                        match &at.sid {
                            Some(sid) => format!("{}#{}:{sid}", document.name, at.stmt + 1),
                            None => format!("{}#{}", document.name, at.stmt + 1),
                        }
                    })
                    .collect(),
            })),
            _ if !evaluation.unmodelled.is_empty() => {
                let (at, why) = &evaluation.unmodelled[0];
                Err(format!(
                    "{} statement {}: {why}",
                    prepared.document(at).name,
                    at.stmt + 1
                ))
            }
            _ => Ok(None),
        }
    }

    /// [`World::check`], with an undecided request noted (as "`who`: `action` on `resource`").
    fn allowed(
        &self,
        id: usize,
        action: &str,
        resource: &str,
        extra: &[(&str, String)],
    ) -> Option<Call> {
        match self.check(id, action, resource, extra) {
            Ok(call) => call,
            Err(why) => {
                let state = self.nodes[id].state;
                self.note(format!(
                    "{}: {action} on {resource}: undecided ({why})",
                    self.state_name(&state)
                ));
                None
            }
        }
    }

    fn state_name(&self, state: &State) -> String {
        let mut name = self.name(state.principal);
        if let Some(g) = state.group {
            name.push_str(&format!(" (in group {})", self.groups[g].name));
        }
        if state.granted {
            name.push_str(" (with a written policy)");
        }
        if state.unbounded {
            name.push_str(" (without its boundary)");
        }
        name
    }

    /// `iam:PermissionsBoundary` as AWS sets it for `action` on principal `target`: its
    /// current boundary, on the actions the catalog lists the key for.
    fn boundary_context(&self, action: &str, target: usize) -> Option<(&'static str, String)> {
        let boundary = self.principals[target].boundary.as_ref()?;
        (self.catalog.action_supports_key(action, BOUNDARY_KEY) == Some(true))
            .then(|| (BOUNDARY_KEY, boundary.clone()))
    }

    fn admin_policy(&self) -> String {
        format!("arn:{}:iam::aws:policy/AdministratorAccess", self.partition)
    }

    /// The groups a plain user can add itself to.
    fn joins_of(&self, p: usize) -> Vec<(usize, Call)> {
        let principal = &self.principals[p];
        let id = self.ids[&State::plain(p)];
        if principal.kind != PrincipalKind::User
            || !self.may(id)[action_index("iam:AddUserToGroup")]
            || self.power(id).is_some()
        {
            return Vec::new();
        }
        self.groups
            .iter()
            .enumerate()
            .filter(|(g, _)| !principal.groups.contains(g))
            .filter_map(|(g, group)| {
                self.allowed(id, "iam:AddUserToGroup", &group.arn, &[])
                    .map(|call| (g, call))
            })
            .collect()
    }

    /// The roles whose trust names the principal `p` (by ARN, account or `*`).
    fn trust_candidates(&self, p: usize) -> Vec<usize> {
        let arn = self.principals[p].arn.to_lowercase();
        let account = &self.contexts[p].0;
        let mut found: Vec<usize> = self
            .trusted_by_arn
            .get(&arn)
            .into_iter()
            .chain(self.trusted_by_account.get(account))
            .chain(std::iter::once(&self.trusted_by_any))
            .flatten()
            .copied()
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Whether role `r`'s trust lets `caller` in, as `role NAME trust#N` when it does.
    fn trusts(&self, r: usize, caller: Caller<'_>, context: &[(String, String)]) -> Option<String> {
        let trust = self.trusts[r].as_ref()?;
        let mut request = Request::new("sts:AssumeRole", &self.principals[r].arn);
        for (key, value) in context {
            request.context.set(key, [value.as_str()]);
        }
        match trust.allows(caller, &request) {
            Verdict::Allowed(index) => Some(format!("{} trust#{}", self.name(r), index + 1)),
            Verdict::Refused => None,
            Verdict::Undecided(why) => {
                self.note(format!("{}: {why}: undecided", self.name(r)));
                None
            }
        }
    }

    /// The edges out of a node (none out of an admin-like one: it reaches everything).
    fn edges(&self, id: usize) -> &[RawEdge] {
        self.nodes[id].edges.get_or_init(|| {
            if self.prepared(id).is_none() || self.power(id).is_some() {
                return Vec::new();
            }
            let mut out = Vec::new();
            self.control_edges(id, &mut out);
            self.create_edges(id, &mut out);
            self.write_edges(id, &mut out);
            out
        })
    }

    fn control_edges(&self, id: usize, out: &mut Vec<RawEdge>) {
        let state = self.nodes[id].state;
        let p = state.principal;
        let may = self.may(id);
        let can = |action: &str| may[action_index(action)];
        let (account, context) = &self.contexts[p];
        let caller = Caller::Aws {
            arn: &self.principals[p].arn,
            account,
        };
        let mut reached = HashSet::new();
        let push =
            |out: &mut Vec<RawEdge>, reached: &mut HashSet<usize>, target: usize, edge: RawEdge| {
                if reached.insert(target) {
                    out.push(edge);
                }
            };
        let node = |principal: usize| Target::Node(self.ids[&State::plain(principal)]);
        if can("sts:AssumeRole") {
            for r in self.trust_candidates(p) {
                if r == p {
                    continue;
                }
                let arn = &self.principals[r].arn;
                let Some(call) = self.allowed(id, "sts:AssumeRole", arn, &[]) else {
                    continue;
                };
                if let Some(trusted_by) = self.trusts(r, caller, context) {
                    let edge = RawEdge {
                        target: node(r),
                        kind: Kind::AssumeRole,
                        calls: vec![call],
                        trusted_by: Some(trusted_by),
                    };
                    push(out, &mut reached, r, edge);
                }
            }
        }
        if can("iam:PassRole") {
            for runner in CODE_RUNNERS {
                let Some(launch) = self.launch(id, runner) else {
                    continue;
                };
                let service_context = vec![
                    ("aws:SourceAccount".to_string(), self.account_id.clone()),
                    (
                        "aws:SourceArn".to_string(),
                        launch_resource(runner.launches[0][0], &self.partition, &self.account_id),
                    ),
                ];
                let candidates = self
                    .trusted_by_service
                    .get(runner.service)
                    .into_iter()
                    .flatten()
                    .chain(&self.trusted_by_any);
                for &r in candidates {
                    if r == p || reached.contains(&r) {
                        continue;
                    }
                    let mut calls = Vec::new();
                    if runner.name == "ec2" && self.profiles[r].is_none() {
                        // A new instance profile for the role.
                        let made = ["iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile"]
                            .iter()
                            .map(|action| {
                                let resource =
                                    launch_resource(action, &self.partition, &self.account_id);
                                match can(action) {
                                    true => self.allowed(id, action, &resource, &[]),
                                    false => None,
                                }
                            })
                            .collect::<Option<Vec<Call>>>();
                        match made {
                            Some(made) => calls.extend(made),
                            None => continue,
                        }
                    }
                    let passed = [("iam:PassedToService", runner.service.to_string())];
                    let arn = &self.principals[r].arn;
                    let Some(pass) = self.allowed(id, "iam:PassRole", arn, &passed) else {
                        continue;
                    };
                    let Some(trusted_by) =
                        self.trusts(r, Caller::Service(runner.service), &service_context)
                    else {
                        continue;
                    };
                    calls.push(pass);
                    calls.extend(launch.iter().cloned());
                    let edge = RawEdge {
                        target: node(r),
                        kind: Kind::PassRole(runner.name),
                        calls,
                        trusted_by: Some(trusted_by),
                    };
                    push(out, &mut reached, r, edge);
                }
            }
        }
        if can("iam:UpdateAssumeRolePolicy") && can("sts:AssumeRole") {
            for r in 0..self.principals.len() {
                if r == p
                    || reached.contains(&r)
                    || self.principals[r].kind != PrincipalKind::Role
                    || self.principals[r].created
                {
                    continue;
                }
                let arn = &self.principals[r].arn;
                let action = "iam:UpdateAssumeRolePolicy";
                let extra: Vec<_> = self.boundary_context(action, r).into_iter().collect();
                let Some(update) = self.allowed(id, action, arn, &extra) else {
                    continue;
                };
                let Some(assume) = self.allowed(id, "sts:AssumeRole", arn, &[]) else {
                    continue;
                };
                let edge = RawEdge {
                    target: node(r),
                    kind: Kind::UpdateTrust,
                    calls: vec![update, assume],
                    trusted_by: None,
                };
                push(out, &mut reached, r, edge);
            }
        }
        let credentials = [
            ("iam:CreateAccessKey", Kind::AccessKey),
            ("iam:CreateLoginProfile", Kind::LoginProfile),
            ("iam:UpdateLoginProfile", Kind::LoginProfile),
        ];
        if credentials.iter().any(|(action, _)| can(action)) {
            for u in 0..self.principals.len() {
                if u == p || self.principals[u].kind != PrincipalKind::User {
                    continue;
                }
                let arn = &self.principals[u].arn;
                let found = credentials.iter().find_map(|(action, kind)| {
                    let call = can(action).then(|| self.allowed(id, action, arn, &[]))??;
                    Some((call, *kind))
                });
                if let Some((call, kind)) = found {
                    let edge = RawEdge {
                        target: node(u),
                        kind,
                        calls: vec![call],
                        trusted_by: None,
                    };
                    push(out, &mut reached, u, edge);
                }
            }
        }
        if state.is_plain() {
            for (g, call) in self.joins.get(p).into_iter().flatten() {
                let member = State {
                    group: Some(*g),
                    ..state
                };
                out.push(RawEdge {
                    target: Target::Node(self.ids[&member]),
                    kind: Kind::JoinGroup,
                    calls: vec![call.clone()],
                    trusted_by: None,
                });
            }
        }
    }

    /// The calls that make `runner` run code, when the node may make them all.
    fn launch(&self, id: usize, runner: &crate::iam::actions::CodeRunner) -> Option<Vec<Call>> {
        let may = self.may(id);
        runner.launches.iter().find_map(|actions| {
            actions
                .iter()
                .map(|action| {
                    if !may[action_index(action)] {
                        return None;
                    }
                    let resource = launch_resource(action, &self.partition, &self.account_id);
                    self.allowed(id, action, &resource, &[])
                })
                .collect::<Option<Vec<Call>>>()
        })
    }

    /// The ARNs of the role a path would create: `role/iamx-escalation`, and the names the
    /// node's `iam:CreateRole` statements allow with each wildcard filled in
    /// (`role/app-*` → `role/app-iamx-escalation`).
    fn creatable(&self, id: usize) -> Vec<String> {
        let (p, a) = (&self.partition, &self.account_id);
        let mut found = vec![format!("arn:{p}:iam::{a}:role/{CREATED}")];
        let Some(prepared) = self.prepared(id) else {
            return found;
        };
        let start = format!("arn:{p}:iam::");
        for document in prepared.identity() {
            for statement in &document.policy.statements {
                let creates = statement.effect == Effect::Allow
                    && statement.action.as_ref().is_some_and(|list| {
                        list.iter()
                            .any(|p| pattern_includes(p, "iam:CreateRole", PatternKind::Action))
                    });
                if !creates {
                    continue;
                }
                for pattern in statement.resource.iter().flatten() {
                    let Some((account, rest)) = pattern
                        .strip_prefix(&start)
                        .and_then(|r| r.split_once(":role/"))
                    else {
                        continue;
                    };
                    if (account != a && account != "*") || rest.contains('$') {
                        continue;
                    }
                    let name = rest.replace('*', CREATED).replace('?', "x");
                    let arn = format!("arn:{p}:iam::{a}:role/{name}");
                    if !found.contains(&arn) && found.len() < 8 {
                        found.push(arn);
                    }
                }
            }
        }
        found
    }

    /// The calls that create role `arn` inside `boundary` (when the node may give it that
    /// boundary), write it a policy, and assume it (its trust names the creator) or pass it to a
    /// service that runs code (its trust names the service).
    fn create_calls(&self, id: usize, arn: &str, boundary: Option<&String>) -> Option<Vec<Call>> {
        let may = self.may(id);
        let can = |action: &str| may[action_index(action)];
        let with_boundary = |action: &str| -> Vec<(&'static str, String)> {
            match (
                boundary,
                self.catalog.action_supports_key(action, BOUNDARY_KEY),
            ) {
                (Some(b), Some(true)) => vec![(BOUNDARY_KEY, b.clone())],
                _ => Vec::new(),
            }
        };
        let create = self.allowed(id, "iam:CreateRole", arn, &with_boundary("iam:CreateRole"))?;
        let mut attach = with_boundary("iam:AttachRolePolicy");
        attach.push(("iam:PolicyARN", self.admin_policy()));
        let put = with_boundary("iam:PutRolePolicy");
        let write = can("iam:PutRolePolicy")
            .then(|| self.allowed(id, "iam:PutRolePolicy", arn, &put))
            .flatten()
            .or_else(|| {
                can("iam:AttachRolePolicy")
                    .then(|| self.allowed(id, "iam:AttachRolePolicy", arn, &attach))
                    .flatten()
            })?;
        let mut calls = vec![create, write];
        if let Some(assume) = can("sts:AssumeRole")
            .then(|| self.allowed(id, "sts:AssumeRole", arn, &[]))
            .flatten()
        {
            calls.push(assume);
            return Some(calls);
        }
        if !can("iam:PassRole") {
            return None;
        }
        let passed = CODE_RUNNERS.iter().find_map(|runner| {
            let launch = self.launch(id, runner)?;
            let context = [("iam:PassedToService", runner.service.to_string())];
            let pass = self.allowed(id, "iam:PassRole", arn, &context)?;
            // EC2 needs an instance profile for the new role: the path makes it too.
            let mut made = Vec::new();
            if runner.name == "ec2" {
                for action in ["iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile"] {
                    let resource = launch_resource(action, &self.partition, &self.account_id);
                    let call = can(action)
                        .then(|| self.allowed(id, action, &resource, &[]))
                        .flatten()?;
                    made.push(call);
                }
            }
            made.push(pass);
            made.extend(launch);
            Some(made)
        })?;
        calls.extend(passed);
        Some(calls)
    }

    /// A role the node creates with a policy it writes, inside each boundary it may give it
    /// (or none), which it then assumes or passes to a service that runs code.
    fn create_edges(&self, id: usize, out: &mut Vec<RawEdge>) {
        let may = self.may(id);
        let can = |action: &str| may[action_index(action)];
        if !can("iam:CreateRole") || !(can("iam:PutRolePolicy") || can("iam:AttachRolePolicy")) {
            return;
        }
        let names = self.creatable(id);
        for v in self.real..self.principals.len() {
            let boundary = self.principals[v].boundary.as_ref();
            let found = names
                .iter()
                .find_map(|arn| self.create_calls(id, arn, boundary));
            if let Some(calls) = found {
                let state = State {
                    granted: true,
                    ..State::plain(v)
                };
                out.push(RawEdge {
                    target: Target::Node(self.ids[&state]),
                    kind: Kind::CreateRole,
                    calls,
                    trusted_by: None,
                });
            }
        }
    }

    fn write_edges(&self, id: usize, out: &mut Vec<RawEdge>) {
        let state = self.nodes[id].state;
        let may = self.may(id);
        let can = |action: &str| may[action_index(action)];
        let grants = [
            "iam:PutRolePolicy",
            "iam:AttachRolePolicy",
            "iam:PutUserPolicy",
            "iam:AttachUserPolicy",
            "iam:CreatePolicyVersion",
            "iam:PutGroupPolicy",
            "iam:AttachGroupPolicy",
        ];
        let lifts = [
            "iam:DeleteRolePermissionsBoundary",
            "iam:PutRolePermissionsBoundary",
            "iam:DeleteUserPermissionsBoundary",
            "iam:PutUserPermissionsBoundary",
        ];
        let any_grant = grants.iter().any(|a| can(a));
        let any_lift = lifts.iter().any(|a| can(a));
        if !any_grant && !any_lift {
            return;
        }
        let admin = self.admin_policy();
        for t in 0..self.principals.len() {
            let target = &self.principals[t];
            if target.power.is_some() || target.created {
                continue;
            }
            let is_role = target.kind == PrincipalKind::Role;
            let arn = target.arn.as_str();
            let itself = t == state.principal;
            if any_grant && !(itself && state.granted) {
                let try_call = |action: &str, resource: &str, policy: bool| {
                    if !can(action) {
                        return None;
                    }
                    let mut extra: Vec<(&str, String)> =
                        self.boundary_context(action, t).into_iter().collect();
                    if policy {
                        extra.push(("iam:PolicyARN", admin.clone()));
                    }
                    self.allowed(id, action, resource, &extra)
                };
                let (put, attach) = match is_role {
                    true => ("iam:PutRolePolicy", "iam:AttachRolePolicy"),
                    false => ("iam:PutUserPolicy", "iam:AttachUserPolicy"),
                };
                let found = try_call(put, arn, false)
                    .or_else(|| try_call(attach, arn, true))
                    .or_else(|| {
                        self.managed[t]
                            .iter()
                            .find_map(|policy| try_call("iam:CreatePolicyVersion", policy, false))
                    })
                    .or_else(|| {
                        target.groups.iter().find_map(|&g| {
                            let group = &self.groups[g].arn;
                            try_call("iam:PutGroupPolicy", group, false)
                                .or_else(|| try_call("iam:AttachGroupPolicy", group, true))
                        })
                    });
                if let Some(call) = found {
                    out.push(RawEdge {
                        target: Target::Write {
                            principal: t,
                            lift: false,
                        },
                        kind: Kind::GrantPolicy,
                        calls: vec![call],
                        trusted_by: None,
                    });
                }
            }
            if any_lift && target.boundary.is_some() && !(itself && state.unbounded) {
                let (delete, put) = match is_role {
                    true => (
                        "iam:DeleteRolePermissionsBoundary",
                        "iam:PutRolePermissionsBoundary",
                    ),
                    false => (
                        "iam:DeleteUserPermissionsBoundary",
                        "iam:PutUserPermissionsBoundary",
                    ),
                };
                let deleted = can(delete)
                    .then(|| {
                        let extra: Vec<_> = self.boundary_context(delete, t).into_iter().collect();
                        self.allowed(id, delete, arn, &extra)
                    })
                    .flatten();
                let found = deleted.or_else(|| {
                    can(put)
                        .then(|| self.allowed(id, put, arn, &[(BOUNDARY_KEY, admin.clone())]))
                        .flatten()
                });
                if let Some(call) = found {
                    out.push(RawEdge {
                        target: Target::Write {
                            principal: t,
                            lift: true,
                        },
                        kind: Kind::LiftBoundary,
                        calls: vec![call],
                        trusted_by: None,
                    });
                }
            }
        }
    }

    /// A principal state with a write applied.
    fn upgraded(&self, base: State, lift: bool) -> Option<State> {
        if base.group.is_some() || (lift && base.unbounded) || (!lift && base.granted) {
            return None;
        }
        Some(State {
            granted: base.granted || !lift,
            unbounded: base.unbounded || lift,
            ..base
        })
    }

    /// The public form of edge `edge` of node `from`; `to` overrides where a write leads.
    fn step(&self, from: usize, edge: &RawEdge, to: Option<State>) -> Step {
        let to = to.unwrap_or_else(|| match edge.target {
            Target::Node(n) => self.nodes[n].state,
            Target::Write { principal, lift } => State {
                granted: !lift,
                unbounded: lift,
                ..State::plain(principal)
            },
        });
        Step {
            from: self.nodes[from].state,
            to,
            kind: edge.kind,
            calls: edge.calls.clone(),
            trusted_by: edge.trusted_by.clone(),
        }
    }

    /// A breadth-first search from principal `p`: the first admin-like state it reaches (with
    /// the path) and every principal it reaches. `None` for an admin-like principal.
    fn search(&self, p: usize) -> Option<(Option<Escalation>, Vec<Reached>)> {
        let root = self.ids[&State::plain(p)];
        if p >= self.real || self.power(root).is_some() || self.account.prepared(p).is_none() {
            return None;
        }
        let mut parents: HashMap<usize, (Parent, usize)> = HashMap::new();
        let mut by_principal: HashMap<usize, Vec<usize>> = HashMap::new();
        // Writes seen so far, per principal written: (writer node, edge index, lift).
        let mut writes: HashMap<usize, Vec<(usize, usize, bool)>> = HashMap::new();
        let mut queue = VecDeque::new();
        let mut found = None;
        let visit = |node: usize,
                     parent: Parent,
                     depth: usize,
                     parents: &mut HashMap<usize, (Parent, usize)>,
                     by_principal: &mut HashMap<usize, Vec<usize>>,
                     queue: &mut VecDeque<usize>| {
            if parents.contains_key(&node) {
                return false;
            }
            parents.insert(node, (parent, depth));
            by_principal
                .entry(self.nodes[node].state.principal)
                .or_default()
                .push(node);
            queue.push_back(node);
            true
        };
        visit(
            root,
            Parent::Root,
            0,
            &mut parents,
            &mut by_principal,
            &mut queue,
        );
        while let Some(node) = queue.pop_front() {
            let depth = parents[&node].1;
            if let Some(power) = self.power(node) {
                if found.is_none() {
                    found = Some((node, power));
                }
                continue;
            }
            let state = self.nodes[node].state;
            // Writes already seen on this principal apply to this new state of it.
            let mut pending: Vec<(usize, usize, bool)> = Vec::new();
            if state.group.is_none() {
                pending.extend(writes.get(&state.principal).into_iter().flatten().copied());
            }
            for (index, edge) in self.edges(node).iter().enumerate() {
                match edge.target {
                    Target::Node(next) => {
                        visit(
                            next,
                            Parent::Edge {
                                from: node,
                                edge: index,
                            },
                            depth + 1,
                            &mut parents,
                            &mut by_principal,
                            &mut queue,
                        );
                    }
                    Target::Write { principal, lift } => {
                        writes
                            .entry(principal)
                            .or_default()
                            .push((node, index, lift));
                        // Every state of the written principal seen so far gains it.
                        let seen: Vec<usize> =
                            by_principal.get(&principal).cloned().unwrap_or_default();
                        for base in seen {
                            let Some(next) = self.upgraded(self.nodes[base].state, lift) else {
                                continue;
                            };
                            let base_depth = parents[&base].1;
                            visit(
                                self.ids[&next],
                                Parent::Upgrade {
                                    base,
                                    writer: node,
                                    edge: index,
                                },
                                base_depth.max(depth) + 1,
                                &mut parents,
                                &mut by_principal,
                                &mut queue,
                            );
                        }
                    }
                }
            }
            for (writer, index, lift) in pending {
                if let Some(next) = self.upgraded(state, lift) {
                    let writer_depth = parents[&writer].1;
                    visit(
                        self.ids[&next],
                        Parent::Upgrade {
                            base: node,
                            writer,
                            edge: index,
                        },
                        writer_depth.max(depth) + 1,
                        &mut parents,
                        &mut by_principal,
                        &mut queue,
                    );
                }
            }
        }
        let escalation = found.map(|(node, power)| Escalation {
            from: p,
            to: self.nodes[node].state,
            power,
            steps: self.path(node, &parents),
        });
        let mut reached: Vec<Reached> = by_principal
            .iter()
            .filter(|(&principal, _)| principal != p)
            .map(|(&principal, nodes)| Reached {
                principal,
                hops: nodes.iter().map(|n| parents[n].1).min().unwrap_or(0),
            })
            .collect();
        reached.sort_by_key(|r| r.principal);
        Some((escalation, reached))
    }

    /// The steps from the root to `node`, each once, in an order that can be carried out.
    fn path(&self, node: usize, parents: &HashMap<usize, (Parent, usize)>) -> Vec<Step> {
        let mut order: Vec<(usize, usize, State)> = Vec::new();
        self.collect(node, parents, &mut order);
        order
            .into_iter()
            .map(|(from, edge, to)| self.step(from, &self.edges(from)[edge], Some(to)))
            .collect()
    }

    fn collect(
        &self,
        node: usize,
        parents: &HashMap<usize, (Parent, usize)>,
        order: &mut Vec<(usize, usize, State)>,
    ) {
        let to = self.nodes[node].state;
        let (first, second, last) = match parents[&node].0 {
            Parent::Root => return,
            Parent::Edge { from, edge } => (from, None, (from, edge)),
            Parent::Upgrade { base, writer, edge } => (base, Some(writer), (writer, edge)),
        };
        self.collect(first, parents, order);
        if let Some(writer) = second {
            self.collect(writer, parents, order);
        }
        if !order.iter().any(|(f, e, _)| (*f, *e) == last) {
            order.push((last.0, last.1, to));
        }
    }
}

#[cfg(test)]
mod tests;
