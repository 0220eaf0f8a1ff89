use super::*;
use crate::source::Sources;

const FIXTURE: &str = include_str!("../../../tests/data/report/escalation.json");

/// An account export read, with every principal's policies prepared.
fn account_of(name: &str, text: &str) -> (crate::iam::gaad::Account, Account) {
    let mut sources = Sources::new();
    let id = sources.add(name, text);
    let (gaad, diagnostics) = crate::iam::gaad::read(id, &sources.get(id).text);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let gaad = gaad.unwrap();
    let mut account = Account::from_gaad(&gaad, sources);
    for p in 0..account.principals().len() {
        let mut read = |file: &str| Err(format!("{file}: not expected"));
        account.prepare(p, &mut read).unwrap();
    }
    (gaad, account)
}

fn graph_of(text: &str) -> Graph {
    let (gaad, account) = account_of("escalation.json", text);
    build(&gaad, &account, Vec::new())
}

fn index(graph: &Graph, name: &str) -> usize {
    graph
        .principals
        .iter()
        .position(|p| format!("{} {}", p.kind.as_str(), p.name) == name)
        .unwrap_or_else(|| panic!("no {name}"))
}

fn edge<'g>(graph: &'g Graph, from: &str, to: &str) -> Option<&'g Step> {
    let (from, to) = (index(graph, from), index(graph, to));
    graph
        .edges
        .iter()
        .find(|s| s.from == State::plain(from) && s.to.principal == to)
}

#[test]
fn the_fixture_has_its_edges_and_no_others() {
    let graph = graph_of(FIXTURE);
    let names: Vec<String> = graph
        .edges
        .iter()
        .map(|s| {
            format!(
                "{} -> {}: {}",
                graph.state_name(&s.from),
                graph.state_name(&s.to),
                s.kind.label()
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            "role deployer -> role lambda-admin: pass to lambda",
            "role ci -> role ci (with a written policy): write policy",
            "role readonly -> role ci: assume",
            "user dev -> role deployer: assume",
            "user dev -> role bounded-deployer: assume",
            "user intern -> user ops: access key",
            "user auditor -> user auditor (in group admins): join group",
        ],
        "{names:#?}"
    );
    // The boundary blocks the bounded deployer's pass and the app's own policy write.
    assert!(edge(&graph, "role bounded-deployer", "role lambda-admin").is_none());
    assert!(edge(&graph, "role app", "role app").is_none());
    assert_eq!(graph.undecided, Vec::<String>::new());
}

#[test]
fn escalations_are_shortest_and_spelled_as_calls() {
    let graph = graph_of(FIXTURE);
    let dev = index(&graph, "user dev");
    let escalation = graph.escalations.iter().find(|e| e.from == dev).unwrap();
    let calls: Vec<&str> = escalation
        .steps
        .iter()
        .flat_map(|s| s.calls.iter().map(|c| c.action.as_str()))
        .collect();
    assert_eq!(
        calls,
        [
            "sts:AssumeRole",
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:InvokeFunction"
        ]
    );
    assert_eq!(escalation.power, Power::Full);
    let pass = &escalation.steps[1].calls[0];
    assert_eq!(
        pass.context,
        [(
            "iam:PassedToService".to_string(),
            "lambda.amazonaws.com".to_string()
        )]
    );
    assert_eq!(pass.allowed_by, ["role deployer/inline#1"]);
    // A write on itself: the role controls the role it writes.
    let readonly = index(&graph, "role readonly");
    let escalation = graph
        .escalations
        .iter()
        .find(|e| e.from == readonly)
        .unwrap();
    let kinds: Vec<Kind> = escalation.steps.iter().map(|s| s.kind).collect();
    assert_eq!(kinds, [Kind::AssumeRole, Kind::GrantPolicy]);
    assert!(escalation.to.granted);
    // Who escalates: all but the bounded ones and the admin-like ones.
    let from: Vec<String> = graph
        .escalations
        .iter()
        .map(|e| graph.name(e.from))
        .collect();
    assert_eq!(
        from,
        [
            "role deployer",
            "role ci",
            "role readonly",
            "user dev",
            "user intern",
            "user auditor"
        ]
    );
    let app = index(&graph, "role app");
    assert!(graph.reach[app].is_empty());
}

#[test]
fn a_boundary_that_allows_the_write_still_bounds_the_result() {
    // The app role may write its own policy (the boundary allows iam:PutRolePolicy), but what it
    // writes stays inside the boundary: an edge, and no escalation.
    let fixture = FIXTURE.replace(
        r#""Action": "s3:*",
                "Resource": "*""#,
        r#""Action": ["s3:*", "iam:PutRolePolicy"],
                "Resource": "*""#,
    );
    assert_ne!(fixture, FIXTURE);
    let graph = graph_of(&fixture);
    let app = index(&graph, "role app");
    assert!(edge(&graph, "role app", "role app").is_some());
    assert!(graph.escalations.iter().all(|e| e.from != app));
}

#[test]
fn admin_like_principals_are_found() {
    let graph = graph_of(FIXTURE);
    let admins: Vec<String> = (0..graph.principals.len())
        .filter(|&p| graph.principals[p].power.is_some())
        .map(|p| graph.name(p))
        .collect();
    assert_eq!(admins, ["role lambda-admin", "user ops"]);
}

#[test]
fn every_listed_action_is_known_and_every_launch_action_listed() {
    let catalog = Catalog::get();
    for action in actions() {
        assert!(catalog.action(action).is_some(), "{action}");
    }
    for runner in CODE_RUNNERS {
        for action in runner.launches.iter().flat_map(|l| l.iter()) {
            action_index(action);
        }
    }
}

/// A GAAD from compact descriptions: roles `(name, trust principal, policy statements,
/// boundary, has an instance profile, attached)`, users `(name, statements)`.
mod more {
    use super::*;
    use serde_json::{json, Value};

    pub(super) const ACCOUNT: &str = "111122223333";

    pub(super) fn arn(kind: &str, name: &str) -> String {
        format!("arn:aws:iam::{ACCOUNT}:{kind}/{name}")
    }

    pub(super) fn doc(statements: Value) -> Value {
        json!({"Version": "2012-10-17", "Statement": statements})
    }

    pub(super) fn role(
        name: &str,
        trust: Value,
        statements: Value,
        boundary: Option<&str>,
        profile: bool,
        attached: &[&str],
    ) -> Value {
        let mut role = json!({
            "Path": "/", "RoleName": name, "Arn": arn("role", name),
            "AssumeRolePolicyDocument": doc(json!([trust])),
            "RolePolicyList": [{"PolicyName": "inline", "PolicyDocument": doc(statements)}],
            "AttachedManagedPolicies": attached.iter().map(|a| json!({"PolicyArn": arn("policy", a)})).collect::<Vec<_>>(),
            "InstanceProfileList": if profile {
                json!([{"Path": "/", "InstanceProfileName": name, "Arn": arn("instance-profile", name), "Roles": []}])
            } else {
                json!([])
            },
        });
        if let Some(b) = boundary {
            role["PermissionsBoundary"] = json!({"PermissionsBoundaryArn": arn("policy", b)});
        }
        role
    }

    pub(super) fn user(name: &str, statements: Value) -> Value {
        json!({"Path": "/", "UserName": name, "Arn": arn("user", name), "GroupList": [],
            "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": doc(statements)}]})
    }

    pub(super) fn policy(name: &str, statements: Value) -> Value {
        json!({"PolicyName": name, "Arn": arn("policy", name), "Path": "/", "DefaultVersionId": "v1",
            "PolicyVersionList": [{"Document": doc(statements), "VersionId": "v1", "IsDefaultVersion": true}]})
    }

    pub(super) fn trusts(principal: Value) -> Value {
        json!({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"})
    }

    pub(super) fn allow(action: Value, resource: Value) -> Value {
        json!({"Effect": "Allow", "Action": action, "Resource": resource})
    }

    pub(super) fn account() -> String {
        let all = json!([allow(json!("*"), json!("*"))]);
        let root = json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:root")});
        let ec2 = json!({"Service": "ec2.amazonaws.com"});
        let gaad = json!({
            "RoleDetailList": [
                role("target-a", trusts(ec2.clone()), all.clone(), None, false, &[]),
                role("bounded-admin", trusts(json!({"AWS": arn("user", "u2")})), all.clone(), Some("S3Only"), false, &[]),
                role("shared-role", trusts(root.clone()), json!([allow(json!("s3:GetObject"), json!("*"))]), None, false, &["Shared"]),
                role("ec2-admin", trusts(ec2.clone()), all.clone(), None, true, &[]),
                role("ec2-noprofile", trusts(ec2.clone()), all.clone(), None, false, &[]),
                role("mfa-admin", json!({"Effect": "Allow", "Principal": root, "Action": "sts:AssumeRole",
                    "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}), all.clone(), None, false, &[]),
            ],
            "UserDetailList": [
                user("u1", json!([allow(json!(["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"]), json!(arn("role", "target-a")))])),
                user("u2", json!([allow(json!(["iam:DeleteRolePermissionsBoundary", "sts:AssumeRole"]), json!(arn("role", "bounded-admin")))])),
                user("u3", json!([allow(json!("sts:AssumeRole"), json!(arn("role", "shared-role"))),
                    allow(json!("iam:CreatePolicyVersion"), json!(arn("policy", "Shared")))])),
                user("u4", json!([allow(json!(["ec2:RunInstances", "iam:PassRole"]), json!("*")),
                    {"Effect": "Deny", "Action": "iam:PassRole", "Resource": arn("role", "ec2-admin")}])),
                user("u5", json!([allow(json!(["ec2:RunInstances", "iam:PassRole"]), json!(arn("role", "ec2-noprofile"))),
                    allow(json!("ec2:RunInstances"), json!("*"))])),
                user("u6", json!([allow(json!(["ec2:RunInstances", "iam:PassRole", "iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile"]), json!("*"))])),
                user("u7", json!([allow(json!("sts:AssumeRole"), json!(arn("role", "mfa-admin")))])),
                user("u8", json!([{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*",
                    "Condition": {"StringFuzzy": {"aws:username": "u8"}}}])),
                user("u9", json!([allow(json!(["iam:CreateRole", "iam:PutRolePolicy", "sts:AssumeRole"]), json!(arn("role", "*")))])),
                user("u10", json!([{"Effect": "Allow", "Action": ["iam:CreateRole", "iam:PutRolePolicy"],
                    "Resource": arn("role", "app-*"),
                    "Condition": {"StringEquals": {"iam:PermissionsBoundary": arn("policy", "S3Only")}}},
                    allow(json!("sts:AssumeRole"), json!(arn("role", "app-*")))])),
            ],
            "GroupDetailList": [],
            "Policies": [
                policy("S3Only", json!([allow(json!("s3:*"), json!("*"))])),
                policy("Shared", json!([allow(json!("s3:GetObject"), json!("*"))])),
            ],
        });
        serde_json::to_string_pretty(&gaad).unwrap()
    }

    pub(super) fn path(graph: &Graph, from: &str) -> Option<(Vec<Kind>, Vec<String>)> {
        let from = index(graph, from);
        let escalation = graph.escalations.iter().find(|e| e.from == from)?;
        Some((
            escalation.steps.iter().map(|s| s.kind).collect(),
            escalation
                .steps
                .iter()
                .flat_map(|s| s.calls.iter().map(|c| c.action.clone()))
                .collect(),
        ))
    }

    #[test]
    fn each_kind_of_edge_is_found_and_each_refusal_holds() {
        let graph = graph_of(&account());
        // A trust rewritten, then assumed.
        assert_eq!(
            path(&graph, "user u1").unwrap(),
            (
                vec![Kind::UpdateTrust],
                vec!["iam:UpdateAssumeRolePolicy".into(), "sts:AssumeRole".into()]
            )
        );
        // A boundary lifted from a role the user can assume.
        let (kinds, _) = path(&graph, "user u2").unwrap();
        assert_eq!(kinds, [Kind::AssumeRole, Kind::LiftBoundary]);
        let u2 = index(&graph, "user u2");
        let to = graph.escalations.iter().find(|e| e.from == u2).unwrap().to;
        assert!(to.unbounded && !to.granted);
        // A new default version of a policy attached to a role the user can assume.
        assert_eq!(
            path(&graph, "user u3").unwrap(),
            (
                vec![Kind::AssumeRole, Kind::GrantPolicy],
                vec!["sts:AssumeRole".into(), "iam:CreatePolicyVersion".into()]
            )
        );
        // An explicit deny on the pass; no instance profile and no right to make one.
        assert!(path(&graph, "user u4").is_none());
        assert!(path(&graph, "user u5").is_none());
        // With the right to make one: four calls (the first role that takes EC2 has no profile).
        let (_, calls) = path(&graph, "user u6").unwrap();
        assert_eq!(calls.len(), 4);
        let u6 = index(&graph, "user u6");
        let to_noprofile = graph
            .edges
            .iter()
            .find(|s| {
                s.from == State::plain(u6) && graph.name(s.to.principal) == "role ec2-noprofile"
            })
            .unwrap();
        let actions: Vec<&str> = to_noprofile
            .calls
            .iter()
            .map(|c| c.action.as_str())
            .collect();
        assert_eq!(
            actions,
            [
                "iam:CreateInstanceProfile",
                "iam:AddRoleToInstanceProfile",
                "iam:PassRole",
                "ec2:RunInstances"
            ]
        );
        // A trust that needs MFA lets no stolen key in.
        assert!(path(&graph, "user u7").is_none());
        // An operator the engine does not know: said, not drawn.
        assert!(path(&graph, "user u8").is_none());
        assert!(
            graph
                .undecided
                .iter()
                .any(|u| u.starts_with("user u8: sts:AssumeRole on ")),
            "{:?}",
            graph.undecided
        );
        // A role created without a boundary, given a policy and assumed.
        assert_eq!(
            path(&graph, "user u9").unwrap(),
            (
                vec![Kind::CreateRole],
                vec![
                    "iam:CreateRole".into(),
                    "iam:PutRolePolicy".into(),
                    "sts:AssumeRole".into()
                ]
            )
        );
        // Only inside the boundary the condition demands, under the name the statement allows:
        // an edge, no escalation.
        assert!(path(&graph, "user u10").is_none());
        let u10 = index(&graph, "user u10");
        let created: Vec<(String, String)> = graph
            .edges
            .iter()
            .filter(|s| s.from == State::plain(u10) && s.kind == Kind::CreateRole)
            .map(|s| (graph.name(s.to.principal), s.calls[0].resource.clone()))
            .collect();
        assert_eq!(
            created,
            [(
                "new role in boundary S3Only".to_string(),
                format!("arn:aws:iam::{ACCOUNT}:role/app-iamx-escalation")
            )]
        );
        // The bounded admin is not admin-like; the others are.
        assert!(graph.principals[index(&graph, "role bounded-admin")]
            .power
            .is_none());
        assert!(graph.principals[index(&graph, "role mfa-admin")]
            .power
            .is_some());
    }

    pub(super) fn path_calls(graph: &Graph, from: &str) -> Vec<Call> {
        let from = index(graph, from);
        let escalation = graph.escalations.iter().find(|e| e.from == from).unwrap();
        escalation
            .steps
            .iter()
            .flat_map(|s| s.calls.clone())
            .collect()
    }

    #[test]
    fn admin_like_needs_a_grant_and_boundaries_and_admin_policies_are_written_as_aws_allows() {
        let all = json!([allow(json!("*"), json!("*"))]);
        let ec2 = json!({"Service": "ec2.amazonaws.com"});
        let deny = |action: &str| json!({"Effect": "Deny", "Action": action, "Resource": "*"});
        let gaad = json!({
            "RoleDetailList": [
                // Allowed `iam:*` as a name, but every way to give a policy denied.
                role("iam-reader", trusts(ec2.clone()), json!([allow(json!("iam:*"), json!("*")),
                    deny("iam:Put*"), deny("iam:Attach*"), deny("iam:CreatePolicyVersion")]), None, false, &[]),
                // An admin with a guardrail on another IAM action stays admin-like.
                role("guarded-admin", trusts(ec2.clone()), json!([allow(json!("*"), json!("*")),
                    deny("iam:DeleteAccountPasswordPolicy")]), None, false, &[]),
                // Everything, inside a boundary that lets it write a new version of itself.
                role("self-bounded", trusts(ec2.clone()), all.clone(), Some("SelfEditing"), false, &[]),
                // May attach to itself only the account's own full-access policy.
                role("external", json!({"Effect": "Allow", "Principal": {"AWS": arn("role", "caller")},
                    "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "not-a-secret"}}}),
                    all.clone(), None, false, &[]),
                role("caller", trusts(ec2.clone()), json!([allow(json!("sts:AssumeRole"), json!("*"))]), None, false, &[]),
                role("lambda-admin", trusts(json!({"Service": "lambda.amazonaws.com"})), all.clone(), None, false, &[]),
                role("team-dev", trusts(ec2.clone()), json!([
                    {"Effect": "Allow", "Action": "iam:PassRole", "Resource": arn("role", "lambda-admin")},
                    allow(json!(["lambda:CreateFunction", "lambda:InvokeFunction"]),
                        json!(format!("arn:aws:lambda:eu-*:{ACCOUNT}:function:team-*")))]), None, false, &[]),
                role("attacher", trusts(ec2.clone()), json!([{"Effect": "Allow", "Action": "iam:AttachRolePolicy",
                    "Resource": arn("role", "attacher"),
                    "Condition": {"ArnEquals": {"iam:PolicyARN": arn("policy", "FullAdmin")}}}]), None, false, &[]),
            ],
            "UserDetailList": [],
            "GroupDetailList": [],
            "Policies": [
                policy("SelfEditing", json!([allow(json!("s3:*"), json!("*")),
                    allow(json!("iam:CreatePolicyVersion"), json!(arn("policy", "SelfEditing")))])),
                policy("FullAdmin", all.clone()),
            ],
        });
        let graph = graph_of(&serde_json::to_string_pretty(&gaad).unwrap());
        let power = |name: &str| graph.principals[index(&graph, name)].power;
        assert!(power("role iam-reader").is_none());
        assert!(power("role guarded-admin").is_some());
        assert_eq!(
            path(&graph, "role self-bounded").unwrap(),
            (
                vec![Kind::LiftBoundary],
                vec!["iam:CreatePolicyVersion".into()]
            )
        );
        // A launch where the caller's statements allow it: a named function in another region.
        let calls = path_calls(&graph, "role team-dev");
        assert_eq!(
            calls[1].resource,
            format!("arn:aws:lambda:eu-west-1:{ACCOUNT}:function:team-iamx-escalation")
        );
        // An external ID is sent by whoever calls: the one the trust names lets the caller in.
        let call = &path_calls(&graph, "role caller")[0];
        assert_eq!(call.action, "sts:AssumeRole");
        assert_eq!(
            call.context,
            [("sts:ExternalId".to_string(), "not-a-secret".to_string())]
        );
        let attacher = index(&graph, "role attacher");
        let escalation = graph
            .escalations
            .iter()
            .find(|e| e.from == attacher)
            .unwrap();
        let call = &escalation.steps[0].calls[0];
        assert_eq!(call.action, "iam:AttachRolePolicy");
        assert!(
            call.context
                .iter()
                .any(|(key, value)| key == "iam:PolicyARN" && *value == arn("policy", "FullAdmin")),
            "{call:?}"
        );
    }
    /// A customer managed policy with `versions` versions, the last the default.
    pub(super) fn policy_with_versions(name: &str, statements: Value, versions: usize) -> Value {
        let list: Vec<Value> = (1..=versions)
            .map(|v| {
                json!({"Document": doc(statements.clone()), "VersionId": format!("v{v}"),
                "IsDefaultVersion": v == versions})
            })
            .collect();
        json!({"PolicyName": name, "Arn": arn("policy", name), "Path": "/",
            "DefaultVersionId": format!("v{versions}"), "PolicyVersionList": list})
    }

    pub(super) fn bounded(mut principal: Value, boundary: &str) -> Value {
        principal["PermissionsBoundary"] =
            json!({"PermissionsBoundaryArn": arn("policy", boundary)});
        principal
    }

    #[test]
    fn a_policy_at_five_versions_takes_a_new_one_only_after_a_deletion() {
        let root = json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:root")});
        let ec2 = json!({"Service": "ec2.amazonaws.com"});
        let all = json!([allow(json!("*"), json!("*"))]);
        let edit = |policy: &str, delete: bool| {
            let mut actions = vec!["iam:CreatePolicyVersion"];
            if delete {
                actions.push("iam:DeletePolicyVersion");
            }
            allow(json!(actions), json!(arn("policy", policy)))
        };
        let gaad = json!({
            "RoleDetailList": [
                role("shared", trusts(root.clone()), json!([allow(json!("s3:GetObject"), json!("*"))]), None, false, &["Full"]),
                role("shared-room", trusts(root.clone()), json!([allow(json!("s3:GetObject"), json!("*"))]), None, false, &["Room"]),
                // Everything, inside a boundary at five versions that lets it edit the boundary.
                role("self-full", trusts(ec2.clone()), all.clone(), Some("FullBound"), false, &[]),
                role("self-full-delete", trusts(ec2.clone()), all.clone(), Some("FullBoundDelete"), false, &[]),
            ],
            "UserDetailList": [
                user("creates", json!([allow(json!("sts:AssumeRole"), json!(arn("role", "shared"))), edit("Full", false)])),
                user("deletes", json!([allow(json!("sts:AssumeRole"), json!(arn("role", "shared"))), edit("Full", true)])),
                user("has-room", json!([allow(json!("sts:AssumeRole"), json!(arn("role", "shared-room"))), edit("Room", false)])),
            ],
            "GroupDetailList": [],
            "Policies": [
                policy_with_versions("Full", json!([allow(json!("s3:GetObject"), json!("*"))]), 5),
                policy_with_versions("Room", json!([allow(json!("s3:GetObject"), json!("*"))]), 4),
                policy_with_versions("FullBound", json!([allow(json!("s3:*"), json!("*")), edit("FullBound", false)]), 5),
                policy_with_versions("FullBoundDelete", json!([allow(json!("s3:*"), json!("*")), edit("FullBoundDelete", true)]), 5),
            ],
        });
        let graph = graph_of(&serde_json::to_string_pretty(&gaad).unwrap());
        // AWS refuses a sixth version: no write, no escalation.
        assert!(path(&graph, "user creates").is_none());
        let creates = index(&graph, "user creates");
        assert!(graph
            .edges
            .iter()
            .all(|s| !(s.from.principal == creates && s.kind == Kind::GrantPolicy)));
        assert_eq!(
            path(&graph, "user deletes").unwrap(),
            (
                vec![Kind::AssumeRole, Kind::GrantPolicy],
                vec![
                    "sts:AssumeRole".into(),
                    "iam:DeletePolicyVersion".into(),
                    "iam:CreatePolicyVersion".into()
                ]
            )
        );
        assert_eq!(
            path(&graph, "user has-room").unwrap().1,
            ["sts:AssumeRole", "iam:CreatePolicyVersion"]
        );
        // The same for a boundary rewritten.
        assert!(path(&graph, "role self-full").is_none());
        assert_eq!(
            path(&graph, "role self-full-delete").unwrap(),
            (
                vec![Kind::LiftBoundary],
                vec![
                    "iam:DeletePolicyVersion".into(),
                    "iam:CreatePolicyVersion".into()
                ]
            )
        );
    }

    #[test]
    fn attaching_a_policy_that_lets_the_target_write_its_own_is_an_escalation_in_two_calls() {
        let ec2 = json!({"Service": "ec2.amazonaws.com"});
        let root = json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:root")});
        let iam_full = "arn:aws:iam::aws:policy/IAMFullAccess";
        let attach_only = |who: &str, policy: &str| {
            json!({"Effect": "Allow", "Action": "iam:AttachUserPolicy", "Resource": arn("user", who),
                "Condition": {"ArnEquals": {"iam:PolicyARN": policy}}})
        };
        let gaad = json!({
            "RoleDetailList": [
                role("target", trusts(root.clone()), json!([allow(json!("s3:GetObject"), json!("*"))]), None, false, &[]),
                role("bounded-target", trusts(root.clone()), json!([allow(json!("s3:GetObject"), json!("*"))]), Some("S3Only"), false, &[]),
                role("unused", trusts(ec2.clone()), json!([allow(json!("s3:GetObject"), json!("*"))]), None, false, &[]),
            ],
            "UserDetailList": [
                // Attaches AWS's IAMFullAccess to itself, then writes itself a policy.
                user("self-attacher", json!([attach_only("self-attacher", iam_full)])),
                // The same on a role it assumes; and on a role whose boundary refuses the write.
                user("role-attacher", json!([
                    allow(json!("sts:AssumeRole"), json!([arn("role", "target"), arn("role", "bounded-target")])),
                    {"Effect": "Allow", "Action": "iam:AttachRolePolicy",
                     "Resource": [arn("role", "target"), arn("role", "bounded-target")],
                     "Condition": {"ArnEquals": {"iam:PolicyARN": iam_full}}}])),
                // Its boundary lets it attach IAMFullAccess only, and refuses the write that follows.
                bounded(user("fenced", json!([attach_only("fenced", iam_full)])), "AttachIamFull"),
                // A policy with a Deny is not the written policy: not used.
                user("deny-attacher", json!([attach_only("deny-attacher", &arn("policy", "IamButDeny"))])),
                // An account policy that allows only the self-writes, on users.
                user("self-service", json!([attach_only("self-service", &arn("policy", "SelfService"))])),
            ],
            "GroupDetailList": [],
            "Policies": [
                policy("S3Only", json!([allow(json!("s3:*"), json!("*"))])),
                policy("AttachIamFull", json!([attach_only("fenced", iam_full)])),
                policy("IamButDeny", json!([allow(json!("iam:*"), json!("*")),
                    {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}])),
                policy("SelfService", json!([allow(json!("iam:PutUserPolicy"), json!(arn("user", "*")))])),
                {"PolicyName": "IAMFullAccess", "Arn": iam_full, "Path": "/", "DefaultVersionId": "v2",
                 "PolicyVersionList": [{"Document": doc(json!([allow(json!("iam:*"), json!("*"))])),
                    "VersionId": "v2", "IsDefaultVersion": true}]},
            ],
        });
        let graph = graph_of(&serde_json::to_string_pretty(&gaad).unwrap());
        let calls = path_calls(&graph, "user self-attacher");
        let actions: Vec<&str> = calls.iter().map(|c| c.action.as_str()).collect();
        assert_eq!(actions, ["iam:AttachUserPolicy", "iam:PutUserPolicy"]);
        assert!(calls[0]
            .context
            .iter()
            .any(|(k, v)| k == "iam:PolicyARN" && v == iam_full));
        assert_eq!(calls[1].resource, arn("user", "self-attacher"));
        assert_eq!(
            calls[1].allowed_by,
            ["managed-policy IAMFullAccess (attached by the path)#1"]
        );
        assert_eq!(
            path(&graph, "user role-attacher").unwrap(),
            (
                vec![Kind::AssumeRole, Kind::GrantPolicy],
                vec![
                    "sts:AssumeRole".into(),
                    "iam:AttachRolePolicy".into(),
                    "iam:PutRolePolicy".into()
                ]
            )
        );
        let attacher = index(&graph, "user role-attacher");
        let bounded_target = index(&graph, "role bounded-target");
        assert!(graph.edges.iter().all(|s| !(s.from.principal == attacher
            && s.to.principal == bounded_target
            && s.kind == Kind::GrantPolicy)));
        assert!(path(&graph, "user fenced").is_none());
        assert!(path(&graph, "user deny-attacher").is_none());
        assert_eq!(
            path(&graph, "user self-service").unwrap().1,
            ["iam:AttachUserPolicy", "iam:PutUserPolicy"]
        );
    }

    #[test]
    fn a_trust_naming_the_caller_lets_it_in_without_its_policies_within_its_boundary() {
        let ec2 = json!({"Service": "ec2.amazonaws.com"});
        let root = json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:root")});
        let all = json!([allow(json!("*"), json!("*"))]);
        let s3 = json!([allow(json!("s3:GetObject"), json!("*"))]);
        let named: Vec<String> = ["n-plain", "n-bounded", "n-denied", "n-assume-bound"]
            .iter()
            .map(|u| arn("user", u))
            .chain([arn("role", "r-caller")])
            .collect();
        let gaad = json!({
            "RoleDetailList": [
                role("named-admin", trusts(json!({"AWS": named})), all.clone(), None, false, &[]),
                role("account-admin", trusts(root.clone()), all.clone(), None, false, &[]),
                role("r-caller", trusts(ec2.clone()), s3.clone(), None, false, &[]),
                role("plain-target", trusts(ec2.clone()), all.clone(), None, false, &[]),
            ],
            "UserDetailList": [
                user("n-plain", s3.clone()),
                // Its boundary does not allow `sts:AssumeRole`: refused.
                bounded(user("n-bounded", s3.clone()), "S3Only"),
                // Its boundary does: let in.
                bounded(user("n-assume-bound", s3.clone()), "AssumeToo"),
                // An explicit deny in its own policies wins.
                user("n-denied", json!([{"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*"}])),
                // Trusted through its account only: its policies must allow the call.
                user("by-account", s3.clone()),
                // Rewrites a trust to name itself; creates a role whose trust names itself.
                user("rewriter", json!([allow(json!("iam:UpdateAssumeRolePolicy"), json!(arn("role", "plain-target")))])),
                bounded(user("bounded-rewriter", json!([allow(json!("iam:UpdateAssumeRolePolicy"),
                    json!(arn("role", "plain-target")))])), "TrustOnly"),
                user("creator", json!([allow(json!(["iam:CreateRole", "iam:PutRolePolicy"]), json!(arn("role", "*")))])),
            ],
            "GroupDetailList": [],
            "Policies": [
                policy("S3Only", json!([allow(json!("s3:*"), json!("*"))])),
                policy("AssumeToo", json!([allow(json!(["s3:*", "sts:AssumeRole"]), json!("*"))])),
                policy("TrustOnly", json!([allow(json!("iam:UpdateAssumeRolePolicy"), json!("*"))])),
            ],
        });
        let graph = graph_of(&serde_json::to_string_pretty(&gaad).unwrap());
        let call = &path_calls(&graph, "user n-plain")[0];
        assert_eq!(call.action, "sts:AssumeRole");
        assert_eq!(call.allowed_by, ["role named-admin trust#1"]);
        let n_plain = index(&graph, "user n-plain");
        let step = graph
            .escalations
            .iter()
            .find(|e| e.from == n_plain)
            .unwrap();
        assert_eq!(
            step.steps[0].trusted_by.as_deref(),
            Some("role named-admin trust#1")
        );
        assert!(path(&graph, "user n-bounded").is_none());
        assert_eq!(
            path_calls(&graph, "user n-assume-bound")[0].allowed_by,
            ["role named-admin trust#1", "boundary AssumeToo#1"]
        );
        assert!(path(&graph, "user n-denied").is_none());
        assert!(path(&graph, "user by-account").is_none());
        // A role named by its ARN: its session is let in.
        assert_eq!(
            path(&graph, "role r-caller").unwrap(),
            (vec![Kind::AssumeRole], vec!["sts:AssumeRole".into()])
        );
        let calls = path_calls(&graph, "user rewriter");
        let actions: Vec<&str> = calls.iter().map(|c| c.action.as_str()).collect();
        assert_eq!(actions, ["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"]);
        assert_eq!(calls[1].allowed_by, ["the trust the path writes"]);
        assert!(path(&graph, "user bounded-rewriter").is_none());
        assert_eq!(
            path(&graph, "user creator").unwrap(),
            (
                vec![Kind::CreateRole],
                vec![
                    "iam:CreateRole".into(),
                    "iam:PutRolePolicy".into(),
                    "sts:AssumeRole".into()
                ]
            )
        );
    }
}

mod methods;

/// The searches stop expanding once they have visited what `closure.rs` bounds them by: that
/// must change nothing, on dense accounts (where it matters) and on accounts with writes, group
/// joins, boundaries and created roles.
mod bounded {
    use super::*;
    use serde_json::{json, Value};

    fn user(i: usize, actions: &[&str], groups: &[&str], boundary: bool) -> Value {
        let name = format!("user{i:04}");
        let mut user = json!({
            "Path": "/", "UserName": name, "Arn": format!("arn:aws:iam::123456789012:user/{name}"),
            "GroupList": groups,
            "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": {"Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}}],
        });
        if boundary {
            user["PermissionsBoundary"] =
                json!({"PermissionsBoundaryArn": "arn:aws:iam::123456789012:policy/Keys"});
        }
        user
    }

    /// `n` users who may each create access keys for every user; with `mixed`, some may also
    /// write user policies, lift boundaries, join groups or create roles, and some are bounded.
    fn dense(n: usize, mixed: bool) -> String {
        let users: Vec<Value> = (0..n)
            .map(|i| {
                let mut actions = vec!["iam:CreateAccessKey"];
                if mixed {
                    match i % 7 {
                        1 => actions.push("iam:PutUserPolicy"),
                        2 => actions.push("iam:DeleteUserPermissionsBoundary"),
                        3 => actions.push("iam:AddUserToGroup"),
                        4 => actions.extend([
                            "iam:CreateRole",
                            "iam:PutRolePolicy",
                            "sts:AssumeRole",
                        ]),
                        _ => {}
                    }
                }
                let groups: &[&str] = if mixed && i % 5 == 0 { &["team"] } else { &[] };
                user(i, &actions, groups, mixed && i % 3 == 0)
            })
            .collect();
        let keys = json!({"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "*"}]});
        let gaad = json!({
            "UserDetailList": users,
            "GroupDetailList": if mixed {
                json!([{"Path": "/", "GroupName": "team", "Arn": "arn:aws:iam::123456789012:group/team",
                    "GroupPolicyList": [{"PolicyName": "inline", "PolicyDocument": {"Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": "*"}]}}]}])
            } else {
                json!([])
            },
            "RoleDetailList": [],
            "Policies": if mixed {
                json!([{"PolicyName": "Keys", "Arn": "arn:aws:iam::123456789012:policy/Keys", "Path": "/",
                    "DefaultVersionId": "v1",
                    "PolicyVersionList": [{"Document": keys, "VersionId": "v1", "IsDefaultVersion": true}]}])
            } else {
                json!([])
            },
        });
        serde_json::to_string(&gaad).unwrap()
    }

    /// Each principal's search with its bound and without one: the same escalation (steps and
    /// calls) and the same principals reached in the same number of steps.
    fn agree(text: &str) -> Vec<usize> {
        let (gaad, account) = account_of("dense.json", text);
        let world = World::new(&gaad, &account, &[]);
        let principals = world.principals.len();
        let searched: Vec<bool> = (0..principals).map(|p| world.searched(p)).collect();
        let bounds = world.closure_bounds(&searched);
        let mut scratch = search::Scratch::new(&world);
        for p in 0..principals {
            let bounded = world.search(p, bounds[p], &mut scratch);
            let full = world.search(p, usize::MAX, &mut scratch);
            match (bounded, full) {
                (None, None) => assert!(!searched[p]),
                (Some((e1, r1)), Some((e2, r2))) => {
                    assert_eq!(r1, r2, "principal {p} reaches");
                    let view = |e: Option<Escalation>| e.map(|e| (e.from, e.to, e.power, e.steps));
                    assert_eq!(view(e1), view(e2), "principal {p} escalates");
                }
                _ => panic!("principal {p}: one search ran and the other did not"),
            }
        }
        bounds
    }

    #[test]
    fn a_dense_account_is_searched_with_tight_bounds_and_the_same_answers() {
        let n = 40;
        let bounds = agree(&dense(n, false));
        // Every user reaches every other in one step: its bound is the n plain users (the
        // role a path could create, last, is not searched).
        assert_eq!(bounds[..n], vec![n; n]);
        assert_eq!(bounds[n..], [usize::MAX]);
        let graph = graph_of(&dense(n, false));
        assert_eq!(graph.edges.len(), n * (n - 1));
        for (p, reached) in graph.reach.iter().take(n).enumerate() {
            let others: Vec<usize> = (0..n).filter(|&q| q != p).collect();
            assert_eq!(
                reached.iter().map(|r| r.principal).collect::<Vec<_>>(),
                others
            );
            assert!(reached.iter().all(|r| r.hops == 1));
        }
    }

    #[test]
    fn bounded_searches_agree_with_full_ones_with_writes_joins_and_created_roles() {
        let bounds = agree(&dense(30, true));
        assert!(bounds.iter().any(|&b| b != usize::MAX));
        agree(FIXTURE);
        agree(&more::account());
    }
}
