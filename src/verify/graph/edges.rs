//! The edges out of a node, each decided by the engine on a concrete request: control (assume,
//! pass to a service that runs code, trust rewrite, credentials), group joins, role creation,
//! and writes (policies, boundaries).
//!
//! In: a node of the [`World`]. Out: its [`RawEdge`]s, computed once and kept on the node.

use super::*;
use crate::iam::actions::{BOUNDARY_LIFT, POLICY_GRANT};

impl<'a> World<'a> {
    /// The edges out of a node (none out of an admin-like one: it reaches everything).
    pub(super) fn edges(&self, id: usize) -> &[RawEdge] {
        self.nodes[id].edges.get_or_init(|| {
            let previous = CAPTURED.with(|captured| captured.replace(Some(Vec::new())));
            let mut out = Vec::new();
            if self.prepared(id).is_some() && self.power(id).is_none() {
                self.control_edges(id, &mut out);
                self.create_edges(id, &mut out);
                self.write_edges(id, &mut out);
            }
            let notes = CAPTURED.with(|captured| captured.replace(previous));
            let _ = self.nodes[id].notes.set(notes.unwrap_or_default());
            out
        })
    }

    pub(super) fn control_edges(&self, id: usize, out: &mut Vec<RawEdge>) {
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
        // Roles whose trust names the caller's own ARN may let it in without its policies.
        let named = match self.may_by_name(id) {
            true => self.named_roles(p),
            false => Vec::new(),
        };
        if can("sts:AssumeRole") || !named.is_empty() {
            let candidates = match can("sts:AssumeRole") {
                true => self.trust_candidates(p),
                false => named.clone(),
            };
            for r in candidates {
                if r == p {
                    continue;
                }
                let arn = &self.principals[r].arn;
                // What the caller sends with the call: the external ID the trust asks for, ...
                let chosen = (self.trusts[r].as_ref()).map_or_else(Vec::new, Trust::caller_chosen);
                let sent: Vec<(&str, String)> = chosen
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.clone()))
                    .collect();
                let mut context = context.clone();
                context.extend(chosen.iter().cloned());
                let by_name = (named.binary_search(&r).is_ok())
                    .then(|| self.trusts(r, caller, &context, true))
                    .flatten();
                let Some(call) = self.assume(id, arn, &sent, by_name.as_deref()) else {
                    continue;
                };
                let trusted_by = by_name.or_else(|| self.trusts(r, caller, &context, false));
                if let Some(trusted_by) = trusted_by {
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
                        self.trusts(r, Caller::Service(runner.service), &service_context, false)
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
        // The new trust names the caller's ARN: in its account, that is enough to be let in.
        let by_name = self.may_by_name(id);
        if can("iam:UpdateAssumeRolePolicy") && (can("sts:AssumeRole") || by_name) {
            for r in 0..self.principals.len() {
                if r == p
                    || reached.contains(&r)
                    || self.principals[r].kind != PrincipalKind::Role
                    || self.principals[r].created
                {
                    continue;
                }
                let same_account = self.contexts[r].0 == *account;
                if !can("sts:AssumeRole") && !same_account {
                    continue;
                }
                let arn = &self.principals[r].arn;
                let action = "iam:UpdateAssumeRolePolicy";
                let extra: Vec<_> = self.boundary_context(action, r).into_iter().collect();
                let Some(update) = self.allowed(id, action, arn, &extra) else {
                    continue;
                };
                let written = same_account.then_some(named::WRITTEN_TRUST);
                let Some(assume) = self.assume(id, arn, &[], written) else {
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

    /// The calls that make `runner` run code, when the node may make them all: at `us-east-1`
    /// under `iamx-escalation`, or where the node's own statements for those calls allow.
    pub(super) fn launch(
        &self,
        id: usize,
        runner: &crate::iam::actions::CodeRunner,
    ) -> Option<Vec<Call>> {
        let may = self.may(id);
        runner.launches.iter().find_map(|actions| {
            if !actions.iter().all(|action| may[action_index(action)]) {
                return None;
            }
            self.places(id, actions).iter().find_map(|place| {
                actions
                    .iter()
                    .map(|action| {
                        let resource =
                            launch_resource_at(action, &self.partition, &self.account_id, place);
                        self.allowed(id, action, &resource, &[])
                    })
                    .collect::<Option<Vec<Call>>>()
            })
        })
    }

    /// The places to try a launch of `actions` at: the default one, then those the node's
    /// allowing statements for them name (a few at most).
    fn places(&self, id: usize, actions: &[&str]) -> Vec<Place> {
        let mut places = vec![Place::default()];
        let Some(prepared) = self.prepared(id) else {
            return places;
        };
        let statements = (prepared.identity().iter()).flat_map(|d| &d.policy.statements);
        for statement in statements {
            let launches = statement.effect == Effect::Allow
                && statement.action.as_ref().is_some_and(|list| {
                    list.iter().any(|p| {
                        actions
                            .iter()
                            .any(|a| pattern_includes(p, a, PatternKind::Action))
                    })
                });
            if !launches {
                continue;
            }
            for place in statement
                .resource
                .iter()
                .flatten()
                .filter_map(|p| place_of(p))
            {
                if !places.contains(&place) && places.len() < 8 {
                    places.push(place);
                }
            }
        }
        places
    }

    /// The ARNs of the role a path would create: `role/iamx-escalation`, and the names the
    /// node's `iam:CreateRole` statements allow with each wildcard filled in
    /// (`role/app-*` → `role/app-iamx-escalation`).
    pub(super) fn creatable(&self, id: usize) -> Vec<String> {
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

    /// The calls that create role `arn` as the created principal `v` (inside its boundary, when
    /// the node may give it that boundary), write it a policy, and assume it (its trust names
    /// the creator) or pass it to a service that runs code (its trust names the service). The
    /// policy is put, or attached: one that allows everything, or one that lets its holder
    /// write its own policies, and then that write, made as the new role, ends the calls.
    pub(super) fn create_calls(&self, id: usize, arn: &str, v: usize) -> Option<Vec<Call>> {
        let boundary = self.principals[v].boundary.as_ref();
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
        let put = with_boundary("iam:PutRolePolicy");
        let attach = |policy: &String| {
            let mut attach = with_boundary("iam:AttachRolePolicy");
            attach.push(("iam:PolicyARN", policy.clone()));
            self.allowed(id, "iam:AttachRolePolicy", arn, &attach)
        };
        // The new role's own write, made once the path controls it: after an attach of a
        // policy that lets its holder write its own policies (`IAMFullAccess`).
        let mut own = None;
        let write = can("iam:PutRolePolicy")
            .then(|| self.allowed(id, "iam:PutRolePolicy", arn, &put))
            .flatten()
            .or_else(|| {
                if !can("iam:AttachRolePolicy") {
                    return None;
                }
                (self.admin_policies().iter().find_map(&attach)).or_else(|| {
                    (0..self.self_granting.len()).find_map(|k| {
                        let policy = &self.self_granting[k];
                        if policy.version.is_some() {
                            return None;
                        }
                        let call = attach(&policy.policy)?;
                        own = Some(self.created_write(v, k, arn)?);
                        Some(call)
                    })
                })
            })?;
        let mut calls = vec![create, write];
        // The creator writes the trust: naming its own ARN lets it in, in its own account.
        let state = self.nodes[id].state;
        let written = (self.in_account(state.principal)).then_some(named::WRITTEN_TRUST);
        if let Some(assume) = self.assume(id, arn, &[], written) {
            calls.push(assume);
            calls.extend(own);
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
        calls.extend(own);
        Some(calls)
    }

    /// A role the node creates with a policy it writes, inside each boundary it may give it
    /// (or none), which it then assumes or passes to a service that runs code.
    pub(super) fn create_edges(&self, id: usize, out: &mut Vec<RawEdge>) {
        let may = self.may(id);
        let can = |action: &str| may[action_index(action)];
        if !can("iam:CreateRole") || !(can("iam:PutRolePolicy") || can("iam:AttachRolePolicy")) {
            return;
        }
        let names = self.creatable(id);
        for v in self.real..self.principals.len() {
            let found = names.iter().find_map(|arn| self.create_calls(id, arn, v));
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

    pub(super) fn write_edges(&self, id: usize, out: &mut Vec<RawEdge>) {
        let state = self.nodes[id].state;
        let may = self.may(id);
        let can = |action: &str| may[action_index(action)];
        let set_default = can("iam:SetDefaultPolicyVersion");
        let any_grant = POLICY_GRANT.iter().any(|a| can(a)) || set_default;
        // A new default version of a customer managed boundary lifts it as well.
        let any_lift =
            BOUNDARY_LIFT.iter().any(|a| can(a)) || can("iam:CreatePolicyVersion") || set_default;
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
                let try_call = |action: &str, resource: &str| {
                    if !can(action) {
                        return None;
                    }
                    let extra: Vec<(&str, String)> =
                        self.boundary_context(action, t).into_iter().collect();
                    self.allowed(id, action, resource, &extra)
                };
                // An attach of a policy that allows everything, or of one that lets the target
                // write its own policies, then that write, made as the target.
                let try_attach = |action: &str, resource: &str| {
                    if !can(action) {
                        return None;
                    }
                    let extra: Vec<(&str, String)> =
                        self.boundary_context(action, t).into_iter().collect();
                    let attach = |policy: &String| {
                        let mut extra = extra.clone();
                        extra.push(("iam:PolicyARN", policy.clone()));
                        self.allowed(id, action, resource, &extra)
                    };
                    (self.admin_policies().iter())
                        .find_map(|admin| Some(vec![attach(admin)?]))
                        .or_else(|| {
                            (0..self.self_granting.len()).find_map(|k| {
                                let policy = &self.self_granting[k];
                                if policy.version.is_some() {
                                    return None;
                                }
                                let write = self.self_write(t, k)?;
                                Some(vec![attach(&policy.policy)?, write])
                            })
                        })
                };
                let [put, attach] = own_grants(target.kind);
                let found = try_call(put, arn)
                    .map(|call| vec![call])
                    .or_else(|| try_attach(attach, arn))
                    .or_else(|| {
                        self.managed[t].iter().find_map(|policy| {
                            let create = try_call("iam:CreatePolicyVersion", policy)?;
                            self.with_room(id, policy, create)
                        })
                    })
                    .or_else(|| {
                        (self.managed[t].iter())
                            .find_map(|policy| self.set_default(id, t, policy, false))
                    })
                    .or_else(|| {
                        target.groups.iter().find_map(|&g| {
                            let group = &self.groups[g].arn;
                            (try_call("iam:PutGroupPolicy", group).map(|call| vec![call]))
                                .or_else(|| try_attach("iam:AttachGroupPolicy", group))
                        })
                    });
                if let Some(calls) = found {
                    out.push(RawEdge {
                        target: Target::Write {
                            principal: t,
                            lift: false,
                        },
                        kind: Kind::GrantPolicy,
                        calls,
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
                let found = deleted
                    .or_else(|| {
                        can(put)
                            .then(|| self.allowed(id, put, arn, &[(BOUNDARY_KEY, admin.clone())]))
                            .flatten()
                    })
                    .map(|call| vec![call])
                    .or_else(|| {
                        // The boundary rewritten: a new default version of the account's own.
                        let boundary = target.boundary.as_deref()?;
                        let own = !crate::verify::is_aws_managed(boundary);
                        let create = (own && can("iam:CreatePolicyVersion"))
                            .then(|| self.allowed(id, "iam:CreatePolicyVersion", boundary, &[]))
                            .flatten()?;
                        self.with_room(id, boundary, create)
                    })
                    .or_else(|| {
                        // Or an older version of it that allows everything made the default.
                        let boundary = target.boundary.as_deref()?;
                        self.set_default(id, t, boundary, true)
                    });
                if let Some(calls) = found {
                    out.push(RawEdge {
                        target: Target::Write {
                            principal: t,
                            lift: true,
                        },
                        kind: Kind::LiftBoundary,
                        calls,
                        trusted_by: None,
                    });
                }
            }
        }
    }

    /// `create`, the node's `iam:CreatePolicyVersion` of `policy`, as AWS accepts it: a policy
    /// with [`MAX_POLICY_VERSIONS`] versions refuses a new one (`LimitExceeded`) until one that
    /// is not the default is deleted, so the node must also be allowed
    /// `iam:DeletePolicyVersion` on it, called first. A policy whose versions the export does
    /// not list is undecided.
    pub(super) fn with_room(&self, id: usize, policy: &str, create: Call) -> Option<Vec<Call>> {
        let delete = "iam:DeletePolicyVersion";
        match self.versions.get(policy) {
            Some(&versions) if versions < MAX_POLICY_VERSIONS => Some(vec![create]),
            Some(_) => {
                let call = (self.may(id)[action_index(delete)])
                    .then(|| self.allowed(id, delete, policy, &[]))
                    .flatten()?;
                Some(vec![call, create])
            }
            None => {
                let state = self.nodes[id].state;
                self.note(format!(
                    "{}: iam:CreatePolicyVersion on {policy}: its versions are not in the account export: undecided",
                    self.state_name(&state)
                ));
                None
            }
        }
    }

    /// The call with which principal `t`, once it has the self-granting policy `k` attached
    /// ([`World::self_granting`]), gives itself a policy that allows everything: a
    /// `iam:Put{User,Role}Policy`, or an `iam:Attach{User,Role}Policy` of one of
    /// [`World::admin_policies`], on its own ARN, decided by the engine with its policies, the
    /// attached one and its boundary (computed once per principal and policy).
    pub(super) fn self_write(&self, t: usize, k: usize) -> Option<Call> {
        let cells = self.self_writes[t].get_or_init(|| {
            (0..self.self_granting.len())
                .map(|_| OnceLock::new())
                .collect()
        });
        cells[k]
            .get_or_init(|| self.own_write(t, k, &self.principals[t].arn))
            .clone()
    }

    /// [`World::self_write`] of the created role `v` named `arn`: cached under the name the
    /// role is shown with, computed each time under another.
    fn created_write(&self, v: usize, k: usize, arn: &str) -> Option<Call> {
        match arn == self.principals[v].arn {
            true => self.self_write(v, k),
            false => self.own_write(v, k, arn),
        }
    }

    /// [`World::self_write`], uncached, with `arn` the principal's ARN (a created role is
    /// named as its creator's statements allow).
    pub(super) fn own_write(&self, t: usize, k: usize, arn: &str) -> Option<Call> {
        let base = self.base(t)?;
        // A boundary the source does not hold could refuse the write.
        if base.unread_boundary().is_some() {
            return None;
        }
        let mut identity = base.identity().to_vec();
        identity.push(self.self_granting[k].document.clone());
        let boundary = base.boundary().map(<[_]>::to_vec);
        let prepared = Prepared::new(identity, boundary, base.external().to_vec());
        let id = self.ids[&State::plain(t)];
        let [put, attach] = own_grants(self.principals[t].kind);
        let check = |action: &str, policy: Option<&String>| {
            let mut extra: Vec<(&str, String)> =
                self.boundary_context(action, t).into_iter().collect();
            extra.extend(policy.map(|p| ("iam:PolicyARN", p.clone())));
            let checked = self.check_in(id, &prepared, action, arn, &extra);
            self.noted(id, action, arn, checked)
        };
        check(put, None)
            .or_else(|| (self.admin_policies().iter()).find_map(|admin| check(attach, Some(admin))))
    }
}
