//! The published escalation methods the graph follows besides those of `tests.rs`:
//! `iam:SetDefaultPolicyVersion`, a created role given a self-granting policy, and the
//! pass-role launchers of CodeBuild, SageMaker, App Runner and the other launches of EC2, Glue,
//! ECS and CloudFormation.

use super::more::*;
use super::*;
use serde_json::{json, Value};

/// A customer managed policy with its default version and others (`(id, statements)`).
fn versioned(name: &str, default: Value, others: &[(&str, Value)]) -> Value {
    let mut list =
        vec![json!({"Document": doc(default), "VersionId": "v9", "IsDefaultVersion": true})];
    for (id, statements) in others {
        list.push(json!({"Document": doc(statements.clone()), "VersionId": id, "IsDefaultVersion": false}));
    }
    json!({"PolicyName": name, "Arn": arn("policy", name), "Path": "/", "DefaultVersionId": "v9",
        "PolicyVersionList": list})
}

fn attached(mut principal: Value, policies: &[&str]) -> Value {
    principal["AttachedManagedPolicies"] = policies
        .iter()
        .map(|p| json!({"PolicyArn": arn("policy", p)}))
        .collect();
    principal
}

#[test]
fn an_older_version_made_the_default_is_an_escalation_when_it_gives_more() {
    let root = json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:root")});
    let ec2 = json!({"Service": "ec2.amazonaws.com"});
    let all = json!([allow(json!("*"), json!("*"))]);
    let s3 = json!([allow(json!("s3:GetObject"), json!("*"))]);
    let set = |policy: &str| {
        allow(
            json!("iam:SetDefaultPolicyVersion"),
            json!(arn("policy", policy)),
        )
    };
    let assume = |role: &str| allow(json!("sts:AssumeRole"), json!(arn("role", role)));
    let gaad = json!({
        "RoleDetailList": [
            role("holder", trusts(root.clone()), s3.clone(), None, false, &["Versioned"]),
            role("narrow-holder", trusts(root.clone()), s3.clone(), None, false, &["Narrow"]),
            role("partial-holder", trusts(root.clone()), s3.clone(), None, false, &["Partial"]),
            // Everything, inside a boundary with an older version that allows everything.
            role("self-bounded", trusts(ec2.clone()), all.clone(), Some("BoundVersions"), false, &[]),
        ],
        "UserDetailList": [
            user("setter", json!([assume("holder"), set("Versioned")])),
            user("denied-setter", json!([assume("holder"), set("Versioned"),
                {"Effect": "Deny", "Action": "iam:SetDefaultPolicyVersion", "Resource": "*"}])),
            // Its own policy may set its own default version, and v1 lets it write its policies.
            attached(user("self-setter", json!([])), &["SelfVersioned"]),
            user("narrow-setter", json!([assume("narrow-holder"), set("Narrow")])),
            user("partial-setter", json!([assume("partial-holder"), set("Partial")])),
        ],
        "GroupDetailList": [],
        "Policies": [
            versioned("Versioned", s3.clone(), &[("v1", all.clone())]),
            versioned("SelfVersioned", json!([set("SelfVersioned")]),
                &[("v1", json!([allow(json!("iam:PutUserPolicy"), json!(arn("user", "*")))]))]),
            versioned("Narrow", json!([allow(json!("s3:*"), json!("*")), allow(json!("s3:GetObject"), json!("*"))]),
                &[("v1", s3.clone())]),
            versioned("Partial", s3.clone(), &[("v1", json!([allow(json!("sts:AssumeRole"), json!("*"))]))]),
            versioned("BoundVersions", json!([allow(json!("s3:*"), json!("*")), set("BoundVersions")]),
                &[("v1", all.clone())]),
        ],
    });
    let graph = graph_of(&serde_json::to_string_pretty(&gaad).unwrap());
    assert_eq!(
        path(&graph, "user setter").unwrap(),
        (
            vec![Kind::AssumeRole, Kind::GrantPolicy],
            vec![
                "sts:AssumeRole".into(),
                "iam:SetDefaultPolicyVersion".into()
            ]
        )
    );
    let call = &path_calls(&graph, "user setter")[1];
    assert_eq!(call.resource, arn("policy", "Versioned"));
    assert_eq!(
        call.context,
        [("VersionId".to_string(), "v1".to_string())],
        "the edge names the version"
    );
    assert_eq!(call.allowed_by, ["user setter/inline#2"]);
    assert!(path(&graph, "user denied-setter").is_none());
    // The version lets its holder write its own policies: that write follows, as the holder.
    let calls = path_calls(&graph, "user self-setter");
    let actions: Vec<&str> = calls.iter().map(|c| c.action.as_str()).collect();
    assert_eq!(
        actions,
        ["iam:SetDefaultPolicyVersion", "iam:PutUserPolicy"]
    );
    assert_eq!(
        calls[1].allowed_by,
        ["managed-policy SelfVersioned version v1 (made the default by the path)#1"]
    );
    // A version that gives nothing more: no edge, nothing undecided.
    assert!(path(&graph, "user narrow-setter").is_none());
    assert!(
        graph.undecided.iter().all(|u| !u.contains("Narrow")),
        "{:?}",
        graph.undecided
    );
    // One that gives something the graph does not follow: said.
    assert!(path(&graph, "user partial-setter").is_none());
    assert!(
        graph.undecided.iter().any(|u| u
            .starts_with("user partial-setter: iam:SetDefaultPolicyVersion on ")
            && u.contains("version v1 could become the default")),
        "{:?}",
        graph.undecided
    );
    // A boundary's older version that allows everything lifts it.
    assert_eq!(
        path(&graph, "role self-bounded").unwrap(),
        (
            vec![Kind::LiftBoundary],
            vec!["iam:SetDefaultPolicyVersion".into()]
        )
    );
}

#[test]
fn a_created_role_given_a_self_granting_policy_writes_its_own() {
    let iam_full = "arn:aws:iam::aws:policy/IAMFullAccess";
    let attach_full = |resource: &str, extra: Value| {
        let mut condition = json!({"ArnEquals": {"iam:PolicyARN": iam_full}});
        if let Value::Object(more) = extra {
            condition.as_object_mut().unwrap().extend(more);
        }
        json!({"Effect": "Allow", "Action": ["iam:CreateRole", "iam:AttachRolePolicy"],
            "Resource": arn("role", resource), "Condition": condition})
    };
    let bound = json!({"StringEquals": {"iam:PermissionsBoundary": arn("policy", "S3Only")}});
    let gaad = json!({
        "RoleDetailList": [],
        "UserDetailList": [
            user("creator", json!([
                allow(json!("iam:CreateRole"), json!(arn("role", "*"))),
                attach_full("*", json!({})),
                allow(json!("sts:AssumeRole"), json!(arn("role", "*")))])),
            // Only inside S3Only, which refuses the new role's own write.
            user("bounded-creator", json!([
                {"Effect": "Allow", "Action": ["iam:CreateRole", "iam:AttachRolePolicy"],
                 "Resource": arn("role", "*"),
                 "Condition": {"ArnEquals": {"iam:PolicyARN": iam_full}, "StringEquals": bound["StringEquals"]}},
                allow(json!("sts:AssumeRole"), json!(arn("role", "*")))])),
        ],
        "GroupDetailList": [],
        "Policies": [
            policy("S3Only", json!([allow(json!("s3:*"), json!("*"))])),
            {"PolicyName": "IAMFullAccess", "Arn": iam_full, "Path": "/", "DefaultVersionId": "v2",
             "PolicyVersionList": [{"Document": doc(json!([allow(json!("iam:*"), json!("*"))])),
                "VersionId": "v2", "IsDefaultVersion": true}]},
        ],
    });
    let graph = graph_of(&serde_json::to_string_pretty(&gaad).unwrap());
    let calls = path_calls(&graph, "user creator");
    let actions: Vec<&str> = calls.iter().map(|c| c.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "iam:CreateRole",
            "iam:AttachRolePolicy",
            "sts:AssumeRole",
            "iam:PutRolePolicy"
        ]
    );
    assert!(calls[1]
        .context
        .iter()
        .any(|(k, v)| k == "iam:PolicyARN" && v == iam_full));
    assert_eq!(calls[3].resource, arn("role", "iamx-escalation"));
    assert_eq!(
        calls[3].allowed_by,
        ["managed-policy IAMFullAccess (attached by the path)#1"]
    );
    assert!(path(&graph, "user bounded-creator").is_none());
    let bounded = index(&graph, "user bounded-creator");
    assert!(graph
        .edges
        .iter()
        .all(|s| !(s.from.principal == bounded && s.kind == Kind::CreateRole)));
}

#[test]
fn each_pass_role_launcher_is_found_with_its_calls() {
    let all = json!([allow(json!("*"), json!("*"))]);
    let service = |name: &str| trusts(json!({"Service": name}));
    let launcher = |name: &str, role: &str, actions: &[&str]| {
        user(
            name,
            json!([
                allow(json!("iam:PassRole"), json!(arn("role", role))),
                allow(json!(actions), json!("*"))
            ]),
        )
    };
    let gaad = json!({
        "RoleDetailList": [
            role("lambda-admin", service("lambda.amazonaws.com"), all.clone(), None, false, &[]),
            role("build-admin", service("codebuild.amazonaws.com"), all.clone(), None, false, &[]),
            role("sage-admin", service("sagemaker.amazonaws.com"), all.clone(), None, false, &[]),
            role("runner-admin", service("tasks.apprunner.amazonaws.com"), all.clone(), None, false, &[]),
            role("ec2-admin", service("ec2.amazonaws.com"), all.clone(), None, true, &[]),
            role("glue-admin", service("glue.amazonaws.com"), all.clone(), None, false, &[]),
            role("ecs-admin", service("ecs-tasks.amazonaws.com"), all.clone(), None, false, &[]),
            role("cfn-admin", service("cloudformation.amazonaws.com"), all.clone(), None, false, &[]),
        ],
        "UserDetailList": [
            launcher("permits", "lambda-admin", &["lambda:CreateFunction", "lambda:AddPermission"]),
            launcher("builds", "build-admin", &["codebuild:CreateProject", "codebuild:StartBuildBatch"]),
            launcher("builds-half", "build-admin", &["codebuild:CreateProject"]),
            launcher("notebooks", "sage-admin", &["sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"]),
            launcher("notebook-no-url", "sage-admin", &["sagemaker:CreateNotebookInstance"]),
            launcher("trains", "sage-admin", &["sagemaker:CreateTrainingJob"]),
            launcher("processes", "sage-admin", &["sagemaker:CreateProcessingJob"]),
            launcher("apps", "runner-admin", &["apprunner:CreateService"]),
            launcher("spots", "ec2-admin", &["ec2:RequestSpotInstances"]),
            launcher("triggers", "glue-admin", &["glue:CreateJob", "glue:CreateTrigger"]),
            launcher("services", "ecs-admin", &["ecs:RegisterTaskDefinition", "ecs:CreateService"]),
            launcher("change-sets", "cfn-admin", &["cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"]),
        ],
        "GroupDetailList": [],
        "Policies": [],
    });
    let graph = graph_of(&serde_json::to_string_pretty(&gaad).unwrap());
    let cases: [(&str, &str, &[&str]); 10] = [
        (
            "permits",
            "lambda",
            &["lambda:CreateFunction", "lambda:AddPermission"],
        ),
        (
            "builds",
            "codebuild",
            &["codebuild:CreateProject", "codebuild:StartBuildBatch"],
        ),
        (
            "notebooks",
            "sagemaker",
            &[
                "sagemaker:CreateNotebookInstance",
                "sagemaker:CreatePresignedNotebookInstanceUrl",
            ],
        ),
        ("trains", "sagemaker", &["sagemaker:CreateTrainingJob"]),
        ("processes", "sagemaker", &["sagemaker:CreateProcessingJob"]),
        ("apps", "apprunner", &["apprunner:CreateService"]),
        ("spots", "ec2", &["ec2:RequestSpotInstances"]),
        (
            "triggers",
            "glue",
            &["glue:CreateJob", "glue:CreateTrigger"],
        ),
        (
            "services",
            "ecs",
            &["ecs:RegisterTaskDefinition", "ecs:CreateService"],
        ),
        (
            "change-sets",
            "cloudformation",
            &[
                "cloudformation:CreateChangeSet",
                "cloudformation:ExecuteChangeSet",
            ],
        ),
    ];
    for (who, service, launch) in cases {
        let (kinds, actions) =
            path(&graph, &format!("user {who}")).unwrap_or_else(|| panic!("{who}"));
        assert_eq!(kinds, [Kind::PassRole(service)], "{who}");
        let mut expected = vec!["iam:PassRole".to_string()];
        expected.extend(launch.iter().map(|a| a.to_string()));
        assert_eq!(actions, expected, "{who}");
    }
    // Half a launch runs nothing.
    assert!(path(&graph, "user builds-half").is_none());
    assert!(path(&graph, "user notebook-no-url").is_none());
    let calls = path_calls(&graph, "user notebooks");
    assert_eq!(
        calls[1].resource,
        format!("arn:aws:sagemaker:us-east-1:{ACCOUNT}:notebook-instance/iamx-escalation")
    );
}

#[test]
fn every_launch_action_names_what_it_launches() {
    for action in CODE_RUNNERS
        .iter()
        .flat_map(|r| r.launches.iter())
        .flat_map(|l| l.iter())
    {
        let resource = launch_resource(action, "aws", ACCOUNT);
        // `ecs:RegisterTaskDefinition` takes no resource.
        assert!(
            resource != "*" || *action == "ecs:RegisterTaskDefinition",
            "{action} has no resource"
        );
    }
}
