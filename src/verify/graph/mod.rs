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
//!   policies allow it *and* the target's trust names the caller, its account or `*`; or, in
//!   the caller's account, a trust statement names the caller's own ARN and no policy of the
//!   caller denies the call nor its boundary leaves it out: `named.rs`), `iam:PassRole` of the
//!   target to a service that runs code with its launch actions
//!   ([`crate::iam::actions::CODE_RUNNERS`]: EC2, Lambda, Glue, ECS, CloudFormation,
//!   CodeBuild, SageMaker, App Runner, each with the launches that run code without an
//!   existing resource; the target's trust must allow the service; EC2 needs an instance
//!   profile, existing or created), `iam:UpdateAssumeRolePolicy` then
//!   `sts:AssumeRole` (the new trust names the caller), `iam:CreateAccessKey` /
//!   `CreateLoginProfile` / `UpdateLoginProfile` on a user;
//! - membership: `iam:AddUserToGroup` of the caller (a user) into a group;
//! - creation: `iam:CreateRole` (with no boundary, or one of the account's), a policy written
//!   on it (put; or attached: one that allows everything, or a self-granting one followed by
//!   the new role's own write), then `sts:AssumeRole` (its trust names the creator) or a pass
//!   to a service: a new role with `Allow * on *` inside that boundary (a created principal,
//!   [`Principal::created`]);
//! - writes, "the target's permissions become more": a policy the caller writes on the target
//!   (`iam:PutRolePolicy`, `AttachRolePolicy`, `PutUserPolicy`, `AttachUserPolicy`,
//!   `CreatePolicyVersion` of a customer managed policy the target has, `PutGroupPolicy` /
//!   `AttachGroupPolicy` of its group, `SetDefaultPolicyVersion` of such a policy to one of its
//!   other versions: `versions.rs`) gives the target an `Allow * on *` inside its boundary.
//!   An attach is of `AdministratorAccess` or of a policy of the account that allows
//!   everything, or of a policy the export holds that denies nothing and lets its holder write
//!   its own policies (`IAMFullAccess`), followed by that write, made as the target and decided
//!   with its policies and boundary (a version made the default that lets its holder write its
//!   own policies is followed the same way). A policy at five versions takes a new one only
//!   after an `iam:DeletePolicyVersion`, which the path then calls first.
//!   `Delete*PermissionsBoundary` / `Put*PermissionsBoundary` lift the boundary, as do a new
//!   default version of the account's own boundary or an older one that allows everything. A
//!   write counts once the path also controls the target (or is the target): permissions are
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
//! only for roles whose trust names the caller (by its ARN, when its policies cannot allow the
//! call); every principal's policies are prepared once; the searches from each principal run
//! on all cores ([`crate::parallel`]) over edges computed once per state.

mod closure;
mod edges;
mod launch;
mod load;
mod named;
pub mod render;
mod search;
pub(in crate::verify) mod trust;
mod versions;
mod world;

use launch::{launch_resource, launch_resource_at, place_of, Place};
pub use load::{from_compiled, from_manifest, LoadError};

use crate::catalog::Catalog;
use crate::iam::actions::{BOUNDARY_KEY, CODE_RUNNERS, POLICY_GRANT};
use crate::iam::gaad::Account as Gaad;
use crate::iam::located::LocatedDocument;
use crate::iam::policy::Effect;
use crate::reason::{pattern_includes, Decision, PatternKind, Request};
use crate::source::{FileId, Span};
use crate::verify::account::{Account, Prepared, PrincipalKind};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use trust::{Caller, Trust, Verdict};

/// The region of the resources a path creates (a Lambda function, an instance, ...).
pub const REGION: &str = "us-east-1";

/// The name of the resources a path creates.
pub const CREATED: &str = "iamx-escalation";

/// How many versions AWS keeps of a customer managed policy: a sixth is refused.
pub const MAX_POLICY_VERSIONS: usize = 5;

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
        let mut label = String::new();
        self.write_label(&mut label);
        label
    }

    /// [`Kind::label`], appended to `out`.
    pub fn write_label(self, out: &mut String) {
        match self {
            Kind::PassRole(service) => {
                out.push_str("pass to ");
                out.push_str(service);
            }
            Kind::AssumeRole => out.push_str("assume"),
            Kind::UpdateTrust => out.push_str("rewrite trust"),
            Kind::AccessKey => out.push_str("access key"),
            Kind::LoginProfile => out.push_str("console password"),
            Kind::JoinGroup => out.push_str("join group"),
            Kind::GrantPolicy => out.push_str("write policy"),
            Kind::LiftBoundary => out.push_str("lift boundary"),
            Kind::CreateRole => out.push_str("create role"),
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
    /// The context keys the decision used that the caller sets (`iam:PassedToService`, ...),
    /// and the request parameter the path chooses that no key carries (`VersionId`).
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
        let mut name = String::new();
        self.write_state_name(&mut name, state);
        name
    }

    /// [`Graph::state_name`], appended to `out`.
    pub fn write_state_name(&self, out: &mut String, state: &State) {
        let p = &self.principals[state.principal];
        if !p.created {
            out.push_str(p.kind.as_str());
            out.push(' ');
        }
        out.push_str(&p.name);
        let notes = [
            state
                .group
                .map(|g| ("in group ", self.groups[g].name.as_str())),
            state.granted.then_some(("with a written policy", "")),
            state.unbounded.then_some(("without its boundary", "")),
        ];
        let mut first = true;
        for (text, group) in notes.into_iter().flatten() {
            out.push_str(if first { " (" } else { ", " });
            first = false;
            out.push_str(text);
            out.push_str(group);
        }
        if !first {
            out.push(')');
        }
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
/// allow `actions()[i]` at all (these, then the launch actions of [`CODE_RUNNERS`]).
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
    "iam:DeletePolicyVersion",
    "iam:PutGroupPolicy",
    "iam:AttachGroupPolicy",
    "iam:DeleteRolePermissionsBoundary",
    "iam:PutRolePermissionsBoundary",
    "iam:DeleteUserPermissionsBoundary",
    "iam:PutUserPermissionsBoundary",
    "iam:CreateInstanceProfile",
    "iam:AddRoleToInstanceProfile",
    "iam:CreateRole",
    "iam:SetDefaultPolicyVersion",
];

/// [`ACTIONS`], then the launch actions of [`CODE_RUNNERS`] (each once): the indexes of `may`.
fn actions() -> &'static [&'static str] {
    static ALL: OnceLock<Vec<&'static str>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut all = ACTIONS.to_vec();
        let launches = CODE_RUNNERS.iter().flat_map(|r| r.launches.iter());
        for action in launches.flat_map(|l| l.iter()) {
            if !all.contains(action) {
                all.push(action);
            }
        }
        all
    })
}

fn action_index(action: &str) -> usize {
    actions()
        .iter()
        .position(|a| *a == action)
        .unwrap_or_else(|| panic!("{action} is not in ACTIONS nor a launch action"))
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
    /// Its policies with the allow of a trust that names it ([`World::assume`]).
    named: OnceLock<Option<Prepared>>,
    power: OnceLock<Option<Power>>,
    edges: OnceLock<Vec<RawEdge>>,
    /// What could not be decided while its edges were computed: listed when a search
    /// expands the node ([`Node::processed`]), not when only the bounds of the searches
    /// needed its edges (`closure.rs`).
    notes: OnceLock<Vec<String>>,
    /// Some search expanded it.
    processed: AtomicBool,
}

impl Node {
    fn new(state: State) -> Node {
        Node {
            state,
            prepared: OnceLock::new(),
            may: OnceLock::new(),
            named: OnceLock::new(),
            power: OnceLock::new(),
            edges: OnceLock::new(),
            notes: OnceLock::new(),
            processed: AtomicBool::new(false),
        }
    }
}

/// What every search shares.
struct World<'a> {
    /// Distinct for each world built in this process ([`LastRequest`]).
    serial: u64,
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
    /// `Allow sts:AssumeRole`: a trust that names the caller's ARN, as if its policies said it.
    named_document: LocatedDocument,
    /// The customer managed policies of the export with their number of versions.
    versions: HashMap<String, usize>,
    /// The policies of the export (not [`World::admin_policies`]) that let whoever has them
    /// write its own policies, and the versions of the account's policies that would
    /// ([`World::self_write`]).
    self_granting: Vec<versions::SelfGranting>,
    /// The versions other than the default of the account's policies, by policy ARN.
    other_versions: HashMap<String, Vec<versions::Version>>,
    /// Per principal and self-granting policy: its own policy write once it has it.
    self_writes: Vec<OnceLock<Vec<OnceLock<Option<Call>>>>>,
    /// [`World::admin_policies`].
    admin_policies: Vec<String>,
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
    let searched: Vec<bool> = sources.iter().map(|&p| world.searched(p)).collect();
    let bounds = world.closure_bounds(&searched);
    let results = crate::parallel::map_with(
        &sources,
        || search::Scratch::new(&world),
        |scratch, &p| world.search(p, bounds[p], scratch),
    );
    // Every step once: the edges out of each principal as it is, then each escalation's steps.
    // Two with the same ends and kind are the same edge of the same node (a node has one edge
    // per kind and target), so which of them is kept does not matter.
    let mut world = world;
    let mut edges: Vec<Step> = Vec::new();
    let mut escalations = Vec::new();
    let mut reach = Vec::new();
    for (p, result) in results.into_iter().enumerate() {
        let from = world.ids[&State::plain(p)];
        let expanded = world.nodes[from].processed.load(Ordering::Relaxed);
        // The node's edges move into the graph: nothing needs them after the searches.
        let computed = match expanded {
            true => world.nodes[from].edges.take(),
            false => None,
        };
        for edge in computed.into_iter().flatten() {
            edges.push(world.owned_step(from, edge));
        }
        match result {
            Some((escalation, reached)) => {
                if let Some(escalation) = escalation {
                    edges.extend(escalation.steps.iter().cloned());
                    escalations.push(escalation);
                }
                reach.push(reached);
            }
            None => reach.push(Vec::new()),
        }
    }
    let key = |step: &Step| (step.from, step.to, step.kind);
    if !edges.is_sorted_by(|a, b| key(a) <= key(b)) {
        edges.sort_unstable_by_key(key);
    }
    edges.dedup_by(|a, b| key(a) == key(b));
    let mut undecided = world.undecided.into_inner().unwrap_or_default();
    for node in &world.nodes {
        if node.processed.load(Ordering::Relaxed) {
            undecided.extend(node.notes.get().into_iter().flatten().cloned());
        }
    }
    undecided.sort();
    undecided.dedup();
    Graph {
        account: gaad.account_id.clone(),
        partition: world.partition,
        principals: world.principals,
        groups: world.groups,
        delegations,
        edges,
        escalations,
        reach,
        undecided,
        evaluations: world.evaluations.into_inner(),
    }
}

/// Whether an allowing statement of `documents` names `action` (action patterns only).
fn documents_allow(documents: &[LocatedDocument], action: &str) -> bool {
    (documents.iter()).any(|d| d.policy.statements.iter().any(|s| allows_action(s, action)))
}

/// Whether `statement` is an `Allow` whose actions include `action` (patterns only).
fn allows_action(statement: &crate::iam::policy::Statement, action: &str) -> bool {
    let hit = |list: &Vec<String>| {
        list.iter()
            .any(|p| pattern_includes(p, action, PatternKind::Action))
    };
    statement.effect == Effect::Allow
        && match (&statement.action, &statement.not_action) {
            (Some(list), _) => hit(list),
            (None, Some(list)) => !hit(list),
            (None, None) => false,
        }
}

/// The calls that give a principal of this kind a policy of its own choosing on itself.
fn own_grants(kind: PrincipalKind) -> [&'static str; 2] {
    match kind {
        PrincipalKind::User => ["iam:PutUserPolicy", "iam:AttachUserPolicy"],
        PrincipalKind::Role => ["iam:PutRolePolicy", "iam:AttachRolePolicy"],
    }
}

/// The request of a thread's last [`World::check`]: for the world `world` (its
/// [`World::serial`]), node `node`, with these extra keys.
struct LastRequest {
    world: u64,
    node: usize,
    extra: Vec<(String, String)>,
    request: Request,
}

/// Numbers the worlds, for [`LastRequest::world`].
static WORLDS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

thread_local! {
    static REQUEST: RefCell<Option<LastRequest>> = const { RefCell::new(None) };
    /// While a node's edges are computed on this thread: what could not be decided
    /// ([`World::note`]), kept with the node instead of listed.
    static CAPTURED: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
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
    pub(super) fn note(&self, message: String) {
        let message = CAPTURED.with(|captured| match captured.borrow_mut().as_mut() {
            Some(list) => {
                list.push(message);
                None
            }
            None => Some(message),
        });
        if let Some(message) = message {
            if let Ok(mut list) = self.undecided.lock() {
                list.push(message);
            }
        }
    }

    pub(super) fn name(&self, p: usize) -> String {
        format!(
            "{} {}",
            self.principals[p].kind.as_str(),
            self.principals[p].name
        )
    }

    /// The policies of a principal as it is (a created role's: none, and its boundary).
    pub(super) fn base(&self, p: usize) -> Option<&Prepared> {
        match p < self.real {
            true => self.account.prepared(p),
            false => self.created.get(p - self.real),
        }
    }

    /// The policies of a node's state.
    pub(super) fn prepared(&self, id: usize) -> Option<&Prepared> {
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

    /// Whether the node's policies could allow each of [`actions`], from action patterns alone.
    pub(super) fn may(&self, id: usize) -> &[bool] {
        self.nodes[id].may.get_or_init(|| {
            let Some(prepared) = self.prepared(id) else {
                return vec![false; actions().len()];
            };
            actions()
                .iter()
                .map(|action| {
                    documents_allow(prepared.identity(), action)
                        && prepared
                            .boundary()
                            .is_none_or(|b| documents_allow(b, action))
                })
                .collect()
        })
    }

    pub(super) fn power(&self, id: usize) -> Option<Power> {
        *self.nodes[id].power.get_or_init(|| {
            let allowed = |action: &str| matches!(self.check(id, action, "*", &[]), Ok(Some(_)));
            // The request `iam:*` is one literal name, which a Deny of `iam:Put*` does not
            // match: the node must also be allowed one of the calls that give a principal a
            // policy, or it cannot give itself anything (a guardrail denying some other IAM
            // action leaves it admin-like; the edges of a node that is not are searched).
            // And on its own ARN: a Deny on `user/*` does not match the literal `*` either.
            let own = &self.principals[self.nodes[id].state.principal];
            let grants = || {
                POLICY_GRANT.iter().any(|action| allowed(action))
                    && (own_grants(own.kind).iter())
                        .any(|action| matches!(self.check(id, action, &own.arn, &[]), Ok(Some(_))))
            };
            if !allowed("iam:*") || !grants() {
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
    pub(super) fn check(
        &self,
        id: usize,
        action: &str,
        resource: &str,
        extra: &[(&str, String)],
    ) -> Result<Option<Call>, String> {
        match self.prepared(id) {
            Some(prepared) => self.check_in(id, prepared, action, resource, extra),
            None => Ok(None),
        }
    }

    /// [`World::check`] with `prepared` for the node's policies (its request is the node's).
    pub(super) fn check_in(
        &self,
        id: usize,
        prepared: &Prepared,
        action: &str,
        resource: &str,
        extra: &[(&str, String)],
    ) -> Result<Option<Call>, String> {
        let state = self.nodes[id].state;
        // The request of the last check on this thread is reused when only its resource
        // differs: the loops over targets ask one action of one node many times.
        let evaluation = REQUEST.with(|cell| {
            let mut cell = cell.borrow_mut();
            let same = cell.as_ref().is_some_and(|last| {
                (last.world, last.node) == (self.serial, id)
                    && last.request.action == action
                    && last.extra.len() == extra.len()
                    && (last.extra.iter().zip(extra)).all(|((k, v), (k2, v2))| k == k2 && v == v2)
            });
            if !same {
                let mut request = Request::new(action, resource);
                for (key, value) in &self.contexts[state.principal].1 {
                    request.context.set(key, [value.as_str()]);
                }
                for (key, value) in extra {
                    request.context.set(key, [value.as_str()]);
                }
                *cell = Some(LastRequest {
                    world: self.serial,
                    node: id,
                    extra: (extra.iter())
                        .map(|(k, v)| (k.to_string(), v.clone()))
                        .collect(),
                    request,
                });
            }
            let request = &mut cell.as_mut().expect("a request").request;
            request.resource.clear();
            request.resource.push_str(resource);
            prepared.evaluate(request)
        });
        self.evaluations
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
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
    pub(super) fn allowed(
        &self,
        id: usize,
        action: &str,
        resource: &str,
        extra: &[(&str, String)],
    ) -> Option<Call> {
        self.noted(
            id,
            action,
            resource,
            self.check(id, action, resource, extra),
        )
    }

    /// The call of a [`World::check`], with an undecided one noted.
    pub(super) fn noted(
        &self,
        id: usize,
        action: &str,
        resource: &str,
        checked: Result<Option<Call>, String>,
    ) -> Option<Call> {
        match checked {
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

    pub(super) fn state_name(&self, state: &State) -> String {
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
    pub(super) fn boundary_context(
        &self,
        action: &str,
        target: usize,
    ) -> Option<(&'static str, String)> {
        let boundary = self.principals[target].boundary.as_ref()?;
        (self.catalog.action_supports_key(action, BOUNDARY_KEY) == Some(true))
            .then(|| (BOUNDARY_KEY, boundary.clone()))
    }

    /// AWS's `AdministratorAccess`, the policy a path attaches or puts as a boundary.
    pub(super) fn admin_policy(&self) -> String {
        format!("arn:{}:iam::aws:policy/AdministratorAccess", self.partition)
    }

    /// The policies attaching which grants `*` on `*`: AWS's `AdministratorAccess`, then the
    /// account's own managed policies that allow everything and deny nothing (a condition on
    /// `iam:PolicyARN` may let only one of them through).
    pub(super) fn admin_policies(&self) -> &[String] {
        &self.admin_policies
    }

    /// The groups a plain user can add itself to.
    pub(super) fn joins_of(&self, p: usize) -> Vec<(usize, Call)> {
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
    pub(super) fn trust_candidates(&self, p: usize) -> Vec<usize> {
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

    /// Whether role `r`'s trust lets `caller` in, as `role NAME trust#N` when it does; with
    /// `by_arn`, through a statement that names the caller's own ARN ([`Trust::allows_by_arn`]).
    pub(super) fn trusts(
        &self,
        r: usize,
        caller: Caller<'_>,
        context: &[(String, String)],
        by_arn: bool,
    ) -> Option<String> {
        let trust = self.trusts[r].as_ref()?;
        let mut request = Request::new("sts:AssumeRole", &self.principals[r].arn);
        for (key, value) in context {
            request.context.set(key, [value.as_str()]);
        }
        let verdict = match by_arn {
            true => trust.allows_by_arn(caller, &request),
            false => trust.allows(caller, &request),
        };
        match verdict {
            Verdict::Allowed(index) => Some(format!("{} trust#{}", self.name(r), index + 1)),
            Verdict::Refused => None,
            Verdict::Undecided(why) => {
                self.note(format!("{}: {why}: undecided", self.name(r)));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests;
