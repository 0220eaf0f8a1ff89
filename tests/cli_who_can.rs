//! `iamx who-can` and `iamx can-i` over a project, a build output and an account export.
//! `who-can` must name exactly the principals that `iamx explain --queries` allows for the same
//! request (the same engine per principal, asked the other way round), and the three sources of
//! one project must agree.

mod common;

use common::{iamx, write_file, Goldens};
use predicates::prelude::*;
use serde_json::Value;
use tempfile::TempDir;

const GAAD: &str = "tests/data/explain/data-platform-gaad.json";
const MFA_FROM_THE_OFFICE: [&str; 4] = [
    "--context",
    "aws:MultiFactorAuthPresent=true",
    "--context",
    "aws:SourceIp=203.0.113.5",
];

/// The requests asked of data-platform: (action, resource, context arguments).
fn requests() -> Vec<(&'static str, &'static str, Vec<&'static str>)> {
    vec![
        (
            "s3:GetObject",
            "arn:aws:s3:::acme-lake/curated/x.csv",
            MFA_FROM_THE_OFFICE.to_vec(),
        ),
        // Without MFA the guardrail denies everyone.
        (
            "s3:GetObject",
            "arn:aws:s3:::acme-lake/curated/x.csv",
            vec![],
        ),
        (
            "athena:GetQueryResults",
            "arn:aws:athena:eu-west-1:333333333333:workgroup/engineers",
            vec![
                "--context",
                "aws:MultiFactorAuthPresent=true",
                "--context",
                "aws:CurrentTime=2027-01-01T00:00:00Z",
            ],
        ),
        // bob's boundary denies it; nobody else has it.
        (
            "s3:DeleteBucket",
            "arn:aws:s3:::acme-lake",
            vec!["--context", "aws:MultiFactorAuthPresent=true"],
        ),
    ]
}

fn who_can(source: &[&str], action: &str, resource: &str, context: &[&str]) -> Value {
    let output = iamx()
        .args(["who-can", action, resource, "--format", "json"])
        .args(source)
        .args(context)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn allowed_arns(answer: &Value) -> Vec<String> {
    let mut arns: Vec<String> = answer["allowed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["arn"].as_str().unwrap().to_string())
        .collect();
    arns.sort();
    arns
}

#[test]
fn who_can_names_what_explain_allows_for_each_principal() {
    let temp = TempDir::new().unwrap();
    let out = temp.path().join("out");
    iamx()
        .args(["build", "-q", "examples/data-platform", "-o"])
        .arg(&out)
        .assert()
        .success();
    let out = out.to_str().unwrap().to_string();
    let principals = ["alice", "bob", "auditor"];
    for (action, resource, context) in requests() {
        let project = who_can(&["examples/data-platform"], action, resource, &context);
        // The same principals from the build output and from the account export.
        for other in [vec![out.as_str()], vec!["--gaad", GAAD]] {
            let answer = who_can(&other, action, resource, &context);
            assert_eq!(allowed_arns(&answer), allowed_arns(&project), "{other:?}");
        }
        assert_eq!(project["principals"], principals.len());
        // explain --queries asks each principal the same question.
        let context_column: Vec<&str> = context
            .iter()
            .filter(|a| **a != "--context")
            .copied()
            .collect();
        let lines: String = principals
            .iter()
            .map(|p| format!("{p}\t{action}\t{resource}\t{}\n", context_column.join(";")))
            .collect();
        let file = write_file(temp.path(), "questions.tsv", &lines);
        let output = iamx()
            .args(["explain", "examples/data-platform", "--queries", &file])
            .args(["--format", "json"])
            .output()
            .unwrap();
        let answers: Value = serde_json::from_slice(&output.stdout).unwrap();
        let mut expected: Vec<String> = answers
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["decision"] == "allow")
            .map(|a| a["arn"].as_str().unwrap().to_string())
            .collect();
        expected.sort();
        assert_eq!(allowed_arns(&project), expected, "{action} {resource}");
    }
}

#[test]
fn who_can_text_output() {
    let mut goldens = Goldens::new();
    let output = iamx()
        .args([
            "who-can",
            "s3:GetObject",
            "arn:aws:s3:::acme-lake/curated/x.csv",
        ])
        .arg("examples/data-platform")
        .args(MFA_FROM_THE_OFFICE)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    goldens.check(
        &common::root().join("tests/golden/explain/who-can.txt"),
        &String::from_utf8(output.stdout).unwrap(),
    );
    goldens.finish();
}

#[test]
fn who_can_exit_code_says_whether_anyone_may() {
    iamx()
        .args(["who-can", "s3:DeleteBucket", "arn:aws:s3:::acme-lake"])
        .args(["--gaad", GAAD, "--exit-code"])
        .assert()
        // No one may as far as the export shows, but the auditor has AWS's SecurityAudit
        // attached, which it does not hold: not known, so not "nobody".
        .code(3)
        .stdout(predicate::str::contains("0 of 3 principals may do"))
        .stdout(predicate::str::contains("not known for 1 more"));
    // With every policy at hand, no one is no one.
    let dir = TempDir::new().unwrap();
    let mut gaad: Value = serde_json::from_str(
        &std::fs::read_to_string("tests/data/explain/unread-boundary-gaad.json").unwrap(),
    )
    .unwrap();
    let role = &mut gaad["RoleDetailList"][0];
    role.as_object_mut().unwrap().remove("PermissionsBoundary");
    role["RolePolicyList"][0]["PolicyDocument"]["Statement"][0]["Action"] = "s3:GetObject".into();
    let gaad = write_file(dir.path(), "gaad.json", &gaad.to_string());
    iamx()
        .args([
            "who-can",
            "s3:DeleteBucket",
            "arn:aws:s3:::prod",
            "--gaad",
            &gaad,
        ])
        .arg("--exit-code")
        .assert()
        .code(1);
    iamx()
        .args([
            "who-can",
            "s3:GetObject",
            "arn:aws:s3:::acme-lake/curated/x.csv",
        ])
        .args(["--gaad", GAAD, "--exit-code"])
        .args(MFA_FROM_THE_OFFICE)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("2 of 3 principals may do"));
}

#[test]
fn can_i_asks_one_principal_by_name_or_arn() {
    for who in ["bob", "arn:aws:iam::333333333333:user/people/bob"] {
        iamx()
            .args(["can-i", who, "s3:DeleteBucket", "arn:aws:s3:::acme-lake"])
            .args(["--gaad", GAAD, "--exit-code"])
            .args(["--context", "aws:MultiFactorAuthPresent=true"])
            .assert()
            .code(1)
            .stdout(predicate::str::starts_with(
                "explicit-deny: s3:DeleteBucket",
            ))
            .stdout(predicate::str::contains(
                "denied by boundary EngineerBoundary",
            ));
    }
    iamx()
        .args([
            "can-i",
            "alice",
            "s3:GetObject",
            "arn:aws:s3:::acme-lake/curated/x.csv",
        ])
        .arg("examples/data-platform")
        .args(MFA_FROM_THE_OFFICE)
        .args(["--exit-code"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("allow: "));
    iamx()
        .args(["can-i", "alcie", "s3:GetObject", "*", "--gaad", GAAD])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `alice`?"));
}

#[test]
fn who_can_and_can_i_need_a_source() {
    for args in [
        vec!["who-can", "s3:GetObject", "*"],
        vec!["can-i", "bob", "s3:GetObject", "*"],
    ] {
        iamx()
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--gaad FILE"));
    }
}

/// Every request of a principal carries its own keys, as IAM sets them: its tags
/// (`aws:PrincipalTag/...`), a user's `aws:username`, its ARN. A deny on the principal's own
/// tag applies without `--context`, and a user's `${aws:username}` resource is its own home;
/// a key given with `--context` is a question about that value, and is kept. The project and
/// its build output answer alike.
#[test]
fn requests_carry_the_principal_s_own_keys() {
    let dir = TempDir::new().unwrap();
    let project = write_file(
        dir.path(),
        "p/main.iamx",
        r#"account "123456789012"
role app {
  trust service ec2.amazonaws.com
  tag env = "prod"
  allow s3:* on arn:aws:s3:::b/*
  deny s3:DeleteObject on * when aws:PrincipalTag/env == "prod"
}
user alice {
  allow s3:GetObject on arn:aws:s3:::b/home/${aws:username}/*
}
role worker {
  trust service ec2.amazonaws.com
  allow s3:GetObject on arn:aws:s3:::b/home/${aws:username}/*
}
"#,
    );
    let project = std::path::Path::new(&project).parent().unwrap();
    let out = dir.path().join("out");
    iamx()
        .arg("build")
        .arg(project)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    for source in [project, out.as_path()] {
        let ask = |who: &str, action: &str, resource: &str, context: &[&str]| {
            let output = iamx()
                .args(["can-i", who, action, resource])
                .arg(source)
                .args(context)
                .output()
                .unwrap();
            String::from_utf8(output.stdout).unwrap()
        };
        let answer = ask("app", "s3:DeleteObject", "arn:aws:s3:::b/x", &[]);
        assert!(answer.starts_with("explicit-deny: "), "{answer}");
        let answer = ask(
            "app",
            "s3:DeleteObject",
            "arn:aws:s3:::b/x",
            &["--context", "aws:PrincipalTag/env=dev"],
        );
        assert!(answer.starts_with("allow: "), "{answer}");
        let answer = ask("alice", "s3:GetObject", "arn:aws:s3:::b/home/alice/x", &[]);
        assert!(answer.starts_with("allow: "), "{answer}");
        let answer = ask("alice", "s3:GetObject", "arn:aws:s3:::b/home/bob/x", &[]);
        assert!(answer.starts_with("implicit-deny: "), "{answer}");
        // A role's requests have no `aws:username`.
        let answer = ask(
            "worker",
            "s3:GetObject",
            "arn:aws:s3:::b/home/worker/x",
            &[],
        );
        assert!(answer.starts_with("implicit-deny: "), "{answer}");
        let who = who_can(
            &[source.to_str().unwrap()],
            "s3:DeleteObject",
            "arn:aws:s3:::b/x",
            &[],
        );
        assert!(
            !allowed_arns(&who)
                .iter()
                .any(|arn| arn.ends_with(":role/app")),
            "{who}"
        );
    }
}

#[test]
fn an_allow_that_needs_a_boundary_the_export_lacks_is_not_known() {
    // Role `app` allows `*`, inside boundary `Ec2Only`, which the export does not hold (as in
    // `get-account-authorization-details --filter Role`): the boundary must allow too.
    let gaad = "tests/data/explain/unread-boundary-gaad.json";
    let question = ["s3:DeleteBucket", "arn:aws:s3:::prod", "--gaad", gaad];
    iamx()
        .arg("can-i")
        .arg("app")
        .args(question)
        .arg("--exit-code")
        .assert()
        .code(3)
        .stdout(predicate::str::starts_with("unknown: s3:DeleteBucket"))
        .stdout(predicate::str::contains(
            "the permissions boundary arn:aws:iam::111122223333:policy/Ec2Only is not in",
        ));
    let answer: Value = serde_json::from_slice(
        &iamx()
            .arg("who-can")
            .args(question)
            .args(["--format", "json"])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone(),
    )
    .unwrap();
    assert_eq!(answer["allowed"], serde_json::json!([]));
    assert_eq!(
        answer["not_fully_known"],
        serde_json::json!(["arn:aws:iam::111122223333:role/app"])
    );
    iamx()
        .arg("who-can")
        .args(question)
        .arg("--exit-code")
        .assert()
        .code(3);
    // A batch answers it `unknown` too.
    let dir = tempfile::TempDir::new().unwrap();
    let queries = dir.path().join("q.tsv");
    std::fs::write(&queries, "app\ts3:DeleteBucket\tarn:aws:s3:::prod\n").unwrap();
    iamx()
        .args(["explain", "--gaad", gaad, "--queries"])
        .arg(&queries)
        .assert()
        .success()
        .stdout(predicate::str::contains("\tunknown\t"))
        .stderr(predicate::str::contains("0 allowed, 0 denied, 1 unknown"));
}

#[test]
fn an_answer_about_assuming_a_role_says_the_trust_was_not_read() {
    iamx()
        .args(["can-i", "alice", "sts:AssumeRole"])
        .arg("arn:aws:iam::333333333333:role/auditor")
        .args(["--gaad", GAAD])
        .assert()
        .stdout(predicate::str::contains(
            "AWS also requires the role's trust policy to let this principal in",
        ));
    // Other requests carry no such note.
    iamx()
        .args(["can-i", "alice", "s3:GetObject", "arn:aws:s3:::acme-lake/x"])
        .args(["--gaad", GAAD])
        .assert()
        .stdout(predicate::str::contains("trust policy").not());
}

#[test]
fn an_allow_with_an_attached_policy_the_export_lacks_is_not_known() {
    // Role `r3` allows `s3:*` inline and has AWS's `AWSDenyAll` attached, which the export does
    // not hold: its deny would win, so the allow is not known.
    let gaad = "tests/data/explain/unread-attached-gaad.json";
    iamx()
        .args([
            "can-i",
            "r3",
            "s3:GetObject",
            "*",
            "--gaad",
            gaad,
            "--exit-code",
        ])
        .assert()
        .code(3)
        .stdout(predicate::str::starts_with("unknown: s3:GetObject"))
        .stdout(predicate::str::contains("a deny there would win"));
}
