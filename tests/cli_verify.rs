//! `iamx verify` and `iamx explain` from the command line: exit codes and JSON output.

mod common;

use common::{build, iamx, write_file};
use predicates::prelude::*;
use std::fs;
use tempfile::TempDir;

/// A one-file project in `dir`; returns the file's path.
fn project(dir: &TempDir, text: &str) -> String {
    write_file(dir.path(), "main.iamx", text)
}

const ESCAPING: &str = r#"
account "123456789012"
boundary B {
  allow s3:GetObject on arn:aws:s3:::acme/*
}
role service-r {
  boundary B
  trust service ec2.amazonaws.com
  allow s3:GetObject, s3:DeleteObject on arn:aws:s3:::acme/*
}
"#;

const EXTERNAL: &str = r#"
account "123456789012"
boundary B {
  allow s3:GetObject on arn:aws:s3:::acme/*
}
role service-r {
  boundary B
  trust service ec2.amazonaws.com
  attach arn:aws:iam::aws:policy/ReadOnlyAccess
  allow s3:GetObject on arn:aws:s3:::acme/*
}
"#;

#[test]
fn verify_exits_0_when_everything_is_proved() {
    iamx()
        .args(["verify", "examples/seed"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "proved: role service-etl stays inside boundary S3Only",
        ))
        .stdout(predicate::str::contains(
            "proved: delegation Employees allows no escalation",
        ));
}

#[test]
fn verify_exits_1_on_a_violation_with_a_counterexample() {
    let dir = TempDir::new().unwrap();
    let path = project(&dir, ESCAPING);
    iamx()
        .args(["verify", &path])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error[E0501]: s3:DeleteObject on arn:aws:s3:::acme/",
        ))
        .stdout(predicate::str::contains(
            "VIOLATED: role service-r escapes boundary B",
        ));
}

#[test]
fn verify_exits_3_when_only_unknowns_remain() {
    let dir = TempDir::new().unwrap();
    let path = project(&dir, EXTERNAL);
    iamx()
        .args(["verify", &path])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("W0502"))
        .stdout(predicate::str::contains(
            "policy arn:aws:iam::aws:policy/ReadOnlyAccess is not in the project",
        ));
}

#[test]
fn verify_json_output() {
    let dir = TempDir::new().unwrap();
    let path = project(&dir, ESCAPING);
    let output = iamx()
        .args(["verify", &path, "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let value: serde_json::Value = serde_json::from_slice(&output).unwrap();
    assert_eq!(value["verdict"], "violated");
    let subject = &value["subjects"][0];
    assert_eq!(subject["kind"], "role");
    assert_eq!(subject["name"], "service-r");
    assert_eq!(subject["verdict"], "violated");
    assert_eq!(subject["counterexamples"][0]["action"], "s3:DeleteObject");
    assert_eq!(value["diagnostics"][0]["code"], "E0501");
    assert_eq!(value["diagnostics"][0]["line"], 9);
}

#[test]
fn build_refuses_to_write_when_verification_fails_unless_skipped() {
    let dir = TempDir::new().unwrap();
    let path = project(&dir, ESCAPING);
    let out = dir.path().join("out");
    build(&path, &out)
        .code(1)
        .stderr(predicate::str::contains("nothing was written"));
    assert!(!out.exists());
    iamx()
        .args(["build", &path, "--no-verify", "-o"])
        .arg(&out)
        .assert()
        .code(0);
    assert!(out.join("manifest.json").is_file());
}

#[test]
fn verify_json_policies_against_a_boundary() {
    let dir = TempDir::new().unwrap();
    let policy = dir.path().join("policy.json");
    let boundary = dir.path().join("boundary.json");
    fs::write(
        &policy,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::acme/*"}]}"#,
    )
    .unwrap();
    fs::write(
        &boundary,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}"#,
    )
    .unwrap();
    iamx()
        .arg("verify")
        .arg("--policy")
        .arg(&policy)
        .arg("--boundary")
        .arg(&boundary)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "s3:DeleteObject on arn:aws:s3:::acme/",
        ))
        .stderr(predicate::str::contains("policy.json:1:"));
    iamx()
        .arg("verify")
        .arg("--policy")
        .arg(&boundary)
        .arg("--boundary")
        .arg(&boundary)
        .assert()
        .code(0);
}

/// `iamx verify` of `tests/data/delegation/FILE` as the seed example's delegation.
fn seed_delegation(file: &str) -> assert_cmd::Command {
    let mut command = iamx();
    command.args([
        "verify",
        "--no-config",
        "--color",
        "never",
        "--delegation",
        &format!("tests/data/delegation/{file}"),
        "--boundary-arn",
        "arn:aws:iam::123456789012:policy/S3Only",
        "--prefix",
        "service-",
        "--delegation-arn",
        "arn:aws:iam::123456789012:policy/Employees",
    ]);
    command
}

#[test]
fn verify_a_json_delegation() {
    let run = seed_delegation;
    run("generated.json").assert().code(0);
    run("passrole-on-any.json")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("E0502"))
        .stderr(predicate::str::contains(
            "passes role `aws-reserved/admin` to `ec2.amazonaws.com`, under AWS's own path",
        ));
}

#[test]
fn a_json_delegation_checks_what_its_boundary_lets_created_roles_do() {
    let dir = TempDir::new().unwrap();
    let run = |boundary: Option<&str>| {
        let mut command = seed_delegation("generated.json");
        if let Some(text) = boundary {
            command
                .arg("--boundary")
                .arg(write_file(dir.path(), "boundary.json", text));
        }
        command
    };
    // Without the boundary's document the verdict says what it rests on.
    run(None).assert().code(0).stdout(predicate::str::contains(
        "its content was not read: the roles the holders create can do whatever it allows",
    ));
    // A boundary that allows no IAM write keeps the delegation proved.
    run(Some(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
    ))
    .assert()
    .code(0)
    .stdout(predicate::str::contains("allows no escalation"))
    .stdout(predicate::str::contains("was checked against the same envelope"));
    // One that allows `iam:*` without the denies that make it self-propagating lets a role the
    // holders create make a role without any boundary: an escalation found in the boundary.
    run(Some(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","iam:*"],"Resource":"*"}]}"#,
    ))
    .assert()
    .code(1)
    .stderr(predicate::str::contains(
        "error[E0502]: delegation tests/data/delegation/generated.json allows an escalation through a role its holders create with its boundary",
    ))
    .stderr(predicate::str::contains("without a permissions boundary"))
    .stderr(predicate::str::contains("boundary.json:1:"));
    // The boundary is one document.
    run(Some("{}"))
        .arg("--boundary")
        .arg("tests/data/delegation/generated.json")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--delegation takes one --boundary FILE",
        ));
}

#[test]
fn a_directive_at_a_use_covers_a_proof_finding_inside_the_template() {
    let dir = TempDir::new().unwrap();
    let text = |directive: &str| {
        format!(
            "account \"123456789012\"\nimport s3\nboundary B {{\n  allow s3:GetObject on *\n}}\n\
             role r {{\n  boundary B\n  trust service ec2.amazonaws.com\n{directive}  use s3.read_only(\"b\")\n}}\n"
        )
    };
    let covered = write_file(
        dir.path(),
        "covered.iamx",
        &text("  // iamx:allow E0501 \"reviewed\"\n"),
    );
    iamx()
        .args(["check", "--no-config", &covered])
        .assert()
        .success()
        .stderr(predicate::str::contains("2 suppressed"))
        .stderr(predicate::str::contains("W0601").not());
    // The boundary's line is what the finding refers to, not where it is: no cover there.
    let elsewhere = write_file(
        dir.path(),
        "elsewhere.iamx",
        &text("").replace(
            "boundary B {",
            "// iamx:allow E0501 \"not here\"\nboundary B {",
        ),
    );
    iamx()
        .args(["check", "--no-config", &elsewhere])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error[E0501]"))
        .stderr(predicate::str::contains("W0601"));
}

#[test]
fn explain_a_project_role() {
    iamx()
        .args([
            "explain",
            "examples/seed",
            "--role",
            "service-etl",
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::acme-data-lake/raw/x",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("allow: s3:GetObject"))
        .stdout(predicate::str::contains("examples/seed/main.iamx:31:3"));
}

#[test]
fn explain_json_decisions() {
    let decision = |args: &[&str]| -> serde_json::Value {
        let output = iamx()
            .args([
                "explain",
                "examples/seed",
                "--role",
                "service-etl",
                "--format",
                "json",
            ])
            .args(args)
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice(&output).unwrap()
    };
    let denied = decision(&[
        "--action",
        "s3:DeleteBucket",
        "--resource",
        "arn:aws:s3:::acme-data-lake",
    ]);
    assert_eq!(denied["decision"], "explicit-deny");
    assert_eq!(denied["denies"][0]["policy"], "boundary S3Only");
    let implicit = decision(&["--action", "ec2:RunInstances", "--resource", "*"]);
    assert_eq!(implicit["decision"], "implicit-deny");
    let tagged = decision(&[
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::acme-data-lake/shared/report",
        "--context",
        "aws:PrincipalTag/team=etl",
    ]);
    assert_eq!(tagged["decision"], "allow");
    assert_eq!(
        tagged["request"]["context"]["aws:PrincipalTag/team"][0],
        "etl"
    );
}

#[test]
fn explain_plain_policies() {
    iamx()
        .args([
            "explain",
            "--policy",
            "tests/data/delegation/generated.json",
            "--action",
            "iam:CreateRole",
            "--resource",
            "arn:aws:iam::123456789012:role/service-x",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("implicit-deny"));
}

const PUT_ITEM: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"*"}]}"#;

/// `iamx explain --policy FILE --action ACTION --resource *`, plus `extra` arguments.
fn explain_policy(policy: &str, action: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    iamx()
        .args(["explain", "--policy", policy, "--action", action])
        .args(["--resource", "*"])
        .args(extra)
        .assert()
}

#[test]
fn explain_warns_about_unknown_actions_and_keys_with_the_closest_name() {
    let dir = TempDir::new().unwrap();
    let policy = write_file(dir.path(), "put.json", PUT_ITEM);
    explain_policy(&policy, "dynamodb:PutItm", &[])
        .code(0)
        .stdout(predicate::str::starts_with("implicit-deny"))
        .stderr(predicate::str::contains(
            "warning: unknown action `dynamodb:PutItm`",
        ))
        .stderr(predicate::str::contains("did you mean `dynamodb:PutItem`?"));
    explain_policy(
        &policy,
        "dynamodb:PutItem",
        &[
            "--context",
            "aws:SourceIpp=10.0.0.1",
            "--context",
            "dynamodb:LeadingKey=user-1",
            // Keys of identity providers are not in the catalog and are not warned about.
            "--context",
            "token.actions.githubusercontent.com:sub=repo:acme/app",
        ],
    )
    .code(0)
    .stderr(predicate::str::contains(
        "warning: unknown condition key `aws:SourceIpp`",
    ))
    .stderr(predicate::str::contains("did you mean `aws:SourceIp`?"))
    .stderr(predicate::str::contains(
        "did you mean `dynamodb:LeadingKeys`?",
    ))
    .stderr(predicate::str::contains("githubusercontent").not())
    .stderr(predicate::str::contains("unknown action").not());
}

#[test]
fn explain_exit_code_is_the_decision() {
    let dir = TempDir::new().unwrap();
    let policy = write_file(dir.path(), "put.json", PUT_ITEM);
    explain_policy(&policy, "dynamodb:PutItem", &["--exit-code"])
        .code(0)
        .stdout(predicate::str::starts_with("allow"));
    explain_policy(&policy, "dynamodb:DeleteItem", &["--exit-code"])
        .code(1)
        .stdout(predicate::str::starts_with("implicit-deny"));
    let deny = write_file(
        dir.path(),
        "deny.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"dynamodb:*","Resource":"*"}]}"#,
    );
    iamx()
        .args(["explain", "--policy", &policy, &deny, "--exit-code"])
        .args(["--action", "dynamodb:PutItem", "--resource", "*"])
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("explicit-deny"));
    // Without --exit-code an answer is a success, whatever it is.
    explain_policy(&policy, "dynamodb:DeleteItem", &[]).code(0);
}

#[test]
fn verify_messages_use_the_right_article() {
    let dir = TempDir::new().unwrap();
    let delegation = write_file(
        dir.path(),
        "delegation.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateInstanceProfile","Resource":"arn:aws:iam::123456789012:instance-profile/*"}]}"#,
    );
    iamx()
        .args(["verify", "--delegation", &delegation, "--prefix", "app-"])
        .args(["--boundary-arn", "arn:aws:iam::123456789012:policy/B"])
        .assert()
        // Creating a profile outside the prefix is wider than the pattern, not an escalation.
        .code(0)
        .stderr(predicate::str::contains("warning[W0505]"))
        .stderr(predicate::str::contains(
            "creates instance profile `x`, outside the delegated names `instance-profile/app-*`",
        ))
        .stderr(predicate::str::contains("a instance-profile").not());
}

/// The generated delegation of tests/data, with its boundary replaced by an AWS managed policy.
fn aws_managed_delegation(dir: &TempDir) -> String {
    let generated = fs::read_to_string("tests/data/delegation/generated.json").unwrap();
    write_file(
        dir.path(),
        "delegation.json",
        &generated.replace(
            "arn:aws:iam::123456789012:policy/S3Only",
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
        ),
    )
}

#[test]
fn an_aws_managed_boundary_names_no_account() {
    let dir = TempDir::new().unwrap();
    let delegation = aws_managed_delegation(&dir);
    let base = [
        "verify",
        "--delegation",
        delegation.as_str(),
        "--boundary-arn",
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
        "--prefix",
        "service-",
    ];
    // Without an account, in-account writes cannot be told from others: a usage error.
    iamx()
        .args(base)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("give --account"));
    // With it, the generated delegation verifies, and says where the account came from.
    iamx()
        .args(base)
        .args(["--account", "123456789012"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("E0502").not())
        .stdout(predicate::str::contains(
            "assumes: account 123456789012 (from --account)",
        ))
        .stdout(predicate::str::contains(
            "boundary `arn:aws:iam::aws:policy/ReadOnlyAccess` is AWS managed",
        ));
    // The delegation policy's ARN names the account as well; a principal elsewhere conflicts.
    iamx()
        .args(base)
        .args([
            "--delegation-arn",
            "arn:aws:iam::123456789012:policy/Employees",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("from the delegation policy's ARN"));
    iamx()
        .args(base)
        .args(["--account", "123456789012"])
        .args(["--principal", "arn:aws:iam::999999999999:role/dev"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("never cross accounts"));
}

/// Changes to roles under the prefix without the boundary condition: creating needs it.
const UNBOUNDED_CHANGES: &str = r#"{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"iam:CreateRole","Resource":"arn:aws:iam::123456789012:role/app-*",
  "Condition":{"StringEquals":{"iam:PermissionsBoundary":"arn:aws:iam::123456789012:policy/B"}}},
 {"Effect":"Allow","Action":"iam:PutRolePolicy","Resource":"arn:aws:iam::123456789012:role/app-*"},
 {"Effect":"Deny","Action":"iam:*","Resource":"arn:aws:iam::123456789012:role/app-*/*"}]}"#;

fn verify_json_delegation(dir: &TempDir, text: &str) -> assert_cmd::Command {
    let delegation = write_file(dir.path(), "delegation.json", text);
    let mut command = iamx();
    command
        .args(["verify", "--delegation", &delegation, "--prefix", "app-"])
        .args(["--boundary-arn", "arn:aws:iam::123456789012:policy/B"]);
    command
}

#[test]
fn a_conditional_escalation_is_a_warning_with_its_assumption() {
    let dir = TempDir::new().unwrap();
    verify_json_delegation(&dir, UNBOUNDED_CHANGES)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("warning[W0504]"))
        .stderr(predicate::str::contains(
            "writes an inline policy of role `app-x` when it has no permissions boundary",
        ))
        .stderr(predicate::str::contains(
            "an escalation only if a role named `role/app-*` exists without the boundary",
        ))
        .stdout(predicate::str::contains(
            "allows no escalation in every account state",
        ));
    // Under --strict it fails like an escalation.
    verify_json_delegation(&dir, UNBOUNDED_CHANGES)
        .arg("--strict")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error[W0504]"))
        .stdout(predicate::str::starts_with("VIOLATED"));
}

#[test]
fn changes_to_bounded_roles_outside_the_prefix_are_warnings() {
    let dir = TempDir::new().unwrap();
    let text = r#"{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"iam:AttachRolePolicy","Resource":"arn:aws:iam::123456789012:role/*",
  "Condition":{"StringEquals":{"iam:PermissionsBoundary":"arn:aws:iam::123456789012:policy/B"}}}]}"#;
    let output = verify_json_delegation(&dir, text)
        .args(["--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&output).unwrap();
    let subject = &report["subjects"][0];
    assert_eq!(subject["verdict"], "proved");
    let classes: Vec<&str> = subject["counterexamples"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["class"].as_str())
        .collect();
    assert_eq!(classes, ["warning"]);
    assert_eq!(report["diagnostics"][0]["code"], "W0505");
    // The assumptions are in the JSON too, the account first.
    assert_eq!(
        subject["assumptions"][0],
        "account 123456789012 (from the boundary's ARN (a customer managed policy lives in the account that uses it))"
    );
}

#[test]
fn an_escalation_fails_with_the_action_described() {
    let dir = TempDir::new().unwrap();
    let text = r#"{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"iam:UpdateAssumeRolePolicy","Resource":"arn:aws:iam::123456789012:role/*"}]}"#;
    verify_json_delegation(&dir, text)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error[E0502]"))
        .stderr(predicate::str::contains(
            "rewrites who may assume role `service-role/admin`, under AWS's own path",
        ))
        .stderr(predicate::str::contains("without a permissions boundary").not());
}

#[test]
fn a_project_delegation_prints_its_assumptions() {
    let output = iamx()
        .args(["verify", "examples/data-platform", "--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&output).unwrap();
    let delegation = report["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "delegation")
        .expect("the project has a delegation");
    let assumptions: Vec<&str> = delegation["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a.as_str())
        .collect();
    assert_eq!(
        assumptions[0],
        "account 333333333333 (from the project's account)"
    );
    let said = assumptions.join("\n");
    assert!(
        said.contains("is customer managed; the project defines it"),
        "{said}"
    );
    // `create_users`: created users are in no group.
    assert!(said.contains("belong to no group"), "{said}");
    assert!(
        said.contains("not modelled: service control policies"),
        "{said}"
    );
    // The generated delegation has no finding of any class.
    assert_eq!(delegation["verdict"], "proved");
    assert_eq!(delegation["counterexamples"].as_array().unwrap().len(), 0);
}

#[test]
fn a_boundary_condition_that_lets_aws_policies_through_is_an_escalation() {
    let dir = TempDir::new().unwrap();
    let text = r#"{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"iam:CreateRole","Resource":"arn:aws:iam::123456789012:role/app-*",
  "Condition":{"StringLike":{"iam:PermissionsBoundary":"arn:aws:iam::aws:policy/*"}}}]}"#;
    let delegation = write_file(dir.path(), "delegation.json", text);
    iamx()
        .args(["verify", "--delegation", &delegation, "--prefix", "app-"])
        .args(["--boundary-arn", "arn:aws:iam::aws:policy/ReadOnlyAccess"])
        .args(["--account", "123456789012"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "creates role `app-x` with boundary `arn:aws:iam::aws:policy/AdministratorAccess` instead of `arn:aws:iam::aws:policy/ReadOnlyAccess`",
        ))
        // The statement has a boundary condition: the fix is to make it exact, not to add one.
        .stderr(predicate::str::contains("lets another boundary through"));
}

#[test]
fn every_example_verifies_with_no_finding() {
    // Generated delegations keep AWS's own paths (`/service-role/`) out of reach, which the
    // proof shows: no warning, and no assumption about them.
    for example in [
        "examples/seed",
        "examples/serverless",
        "examples/data-platform",
    ] {
        let output = iamx()
            .args(["verify", "--deny-warnings", example])
            .output()
            .unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        );
        assert_eq!(output.status.code(), Some(0), "{example}: {stdout}{stderr}");
        assert!(
            !stderr.contains("warning[") && !stderr.contains("error["),
            "{stderr}"
        );
        assert!(stdout.contains("proved: delegation"), "{stdout}");
        assert!(!stdout.contains("service-role"), "{stdout}");
        assert!(
            !stdout.contains("unknown") && !stdout.contains("VIOLATED"),
            "{stdout}"
        );
    }
}

#[test]
fn counterexamples_are_requests_aws_could_receive() {
    let dir = TempDir::new().unwrap();
    let policy = write_file(
        dir.path(),
        "policy.json",
        r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"s3:GetObjec?","Resource":"*"},
            {"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}"#,
    );
    let boundary = write_file(
        dir.path(),
        "boundary.json",
        r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
            {"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::*:role/*"}]}"#,
    );
    let output = iamx()
        .args(["verify", "--format", "json", "--policy"])
        .arg(&policy)
        .arg("--boundary")
        .arg(&boundary)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let subject = &value["subjects"][0];
    let text = subject.to_string();
    // PassRole escapes on a role ARN (of another partition), never on an S3 object; the
    // `s3:GetObjec?` statement escapes only with names AWS does not list, so it is no violation.
    assert!(
        text.contains("arn:aws-cn:iam::123456789012:role/"),
        "{text}"
    );
    assert!(
        !text.contains("example-bucket") && !text.contains("s3:getobjec"),
        "{text}"
    );
    assert_eq!(
        subject["counterexamples"].as_array().unwrap().len(),
        1,
        "{text}"
    );
}

#[test]
fn keys_every_request_carries_are_never_absent_in_a_counterexample() {
    // The identity policy denies requests without TLS; the boundary allows only requests with
    // it. `aws:SecureTransport` is in every request ("always included in the request
    // context"), so no request escapes; a counterexample without the key would be one AWS
    // never receives. `aws:MultiFactorAuthPresent` may be absent, so the same shape on it
    // escapes, through a request without the key.
    let dir = TempDir::new().unwrap();
    let shape = |key: &str| {
        let policy = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}},{{"Effect":"Deny","Action":"*","Resource":"*","Condition":{{"Bool":{{"{key}":"false"}}}}}}]}}"#
        );
        let boundary = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{{"Bool":{{"{key}":"true"}}}}}}]}}"#
        );
        let name = key.replace(':', "-");
        (
            write_file(dir.path(), &format!("{name}-policy.json"), &policy),
            write_file(dir.path(), &format!("{name}-boundary.json"), &boundary),
        )
    };
    for (key, code, verdict) in [
        ("aws:SecureTransport", 0, "proved"),
        ("aws:MultiFactorAuthPresent", 1, "VIOLATED"),
    ] {
        let (policy, boundary) = shape(key);
        iamx()
            .args(["verify", "--no-config", "--policy", &policy])
            .args(["--boundary", &boundary])
            .assert()
            .code(code)
            .stdout(predicate::str::contains(verdict));
    }
}

#[test]
fn a_delegation_that_requires_another_boundary_is_an_escalation() {
    // The condition names a boundary, but not the delegation's: holders create the policy
    // `service-evil` (they manage `policy/service-*`), then a role bounded by it.
    let dir = TempDir::new().unwrap();
    let delegation = write_file(
        dir.path(),
        "delegation.json",
        r#"{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":["iam:CreateRole","iam:PutRolePolicy","iam:AttachRolePolicy"],
   "Resource":"arn:aws:iam::123456789012:role/service-*",
   "Condition":{"StringEquals":{"iam:PermissionsBoundary":"arn:aws:iam::123456789012:policy/service-evil"}}},
  {"Effect":"Allow","Action":["iam:CreatePolicy","iam:CreatePolicyVersion"],"Resource":"arn:aws:iam::123456789012:policy/service-*"}]}"#,
    );
    iamx()
        .args(["verify", "--no-config", "--color", "never", "--delegation", &delegation])
        .args(["--boundary-arn", "arn:aws:iam::123456789012:policy/S3Only", "--prefix", "service-"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "iam:CreateRole on arn:aws:iam::123456789012:role/service-x with iam:PermissionsBoundary=\"arn:aws:iam::123456789012:policy/service-evil\"",
        ));
}

/// A counterexample gives a global key a value AWS sends for it: an ARN as `aws:PrincipalArn`,
/// an account ID as `aws:PrincipalAccount`, a principal type, a region; never `"example"`.
#[test]
fn counterexamples_give_global_keys_values_aws_sends() {
    let dir = TempDir::new().unwrap();
    let policy = dir.path().join("policy.json");
    fs::write(
        &policy,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sns:Publish","Resource":"*"}]}"#,
    )
    .unwrap();
    for (condition, expected) in [
        (
            r#""ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/*"}"#,
            r#"aws:PrincipalArn="arn:aws:iam::111122223333:role/example""#,
        ),
        (
            r#""StringNotEquals":{"aws:PrincipalType":"AssumedRole"}"#,
            r#"aws:PrincipalType="User""#,
        ),
        (
            r#""StringNotEquals":{"aws:PrincipalAccount":"123456789012"}"#,
            r#"aws:PrincipalAccount="111122223333""#,
        ),
        (
            r#""StringNotEquals":{"aws:RequestedRegion":"us-east-1"}"#,
            r#"aws:RequestedRegion="eu-west-1""#,
        ),
    ] {
        let boundary = dir.path().join("boundary.json");
        fs::write(
            &boundary,
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sns:Publish","Resource":"*"}},{{"Effect":"Deny","Action":"sns:Publish","Resource":"*","Condition":{{{condition}}}}}]}}"#
            ),
        )
        .unwrap();
        iamx()
            .arg("verify")
            .arg("--policy")
            .arg(&policy)
            .arg("--boundary")
            .arg(&boundary)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(expected));
    }
}

/// The engine names a few requests per statement: a statement of several actions whose first
/// witnesses are harmless (`iam:DeactivateMFADevice` on another user) must not hide the action
/// beside them that escalates (`iam:UploadSSHPublicKey` acts as that user).
#[test]
fn a_harmless_action_beside_an_escalating_one_does_not_prove_the_statement() {
    let dir = TempDir::new().unwrap();
    let delegation = write_file(
        dir.path(),
        "delegation.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:UploadSigningCertificate","iam:UploadSSHPublicKey","iam:DeactivateMFADevice"],"Resource":"arn:aws:iam::123456789012:user/*"}]}"#,
    );
    iamx()
        .args([
            "verify",
            "--no-config",
            "--color",
            "never",
            "--delegation",
            &delegation,
        ])
        .args(["--boundary-arn", "arn:aws:iam::123456789012:policy/B"])
        .args(["--prefix", "service-"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "delegation.json allows an escalation: iam:UploadSSHPublicKey",
        ));
}

/// The seed delegation policy (`tests/data/delegation/generated.json`) with `edit` applied to
/// its statement `sid`, written to `dir`.
fn edited_seed_delegation(
    dir: &TempDir,
    sid: &str,
    edit: impl Fn(&mut serde_json::Value),
) -> String {
    let text = fs::read_to_string("tests/data/delegation/generated.json").unwrap();
    let mut policy: serde_json::Value = serde_json::from_str(&text).unwrap();
    let statements = policy["Statement"].as_array_mut().unwrap();
    let statement = (statements.iter_mut())
        .find(|s| s["Sid"] == sid)
        .expect("the statement");
    edit(statement);
    write_file(dir.path(), "delegation.json", &policy.to_string())
}

fn seed_delegation_at(path: &str) -> assert_cmd::Command {
    let mut command = iamx();
    command.args([
        "verify",
        "--no-config",
        "--color",
        "never",
        "--delegation",
        path,
        "--boundary-arn",
        "arn:aws:iam::123456789012:policy/S3Only",
        "--prefix",
        "service-",
        "--delegation-arn",
        "arn:aws:iam::123456789012:policy/Employees",
    ]);
    command
}

#[test]
fn a_condition_does_not_hide_the_boundary_or_the_delegation_policy() {
    let dir = TempDir::new().unwrap();
    // Writes of any policy, with MFA: the boundary and the delegation policy are among them.
    let mfa = write_file(
        dir.path(),
        "mfa.json",
        r#"{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"iam:CreateRole","Resource":"arn:aws:iam::123456789012:role/service-*","Condition":{"StringEquals":{"iam:PermissionsBoundary":"arn:aws:iam::123456789012:policy/S3Only"}}},
 {"Effect":"Allow","Action":"iam:CreatePolicyVersion","Resource":"arn:aws:iam::123456789012:policy/*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#,
    );
    seed_delegation_at(&mfa)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "iam:CreatePolicyVersion on arn:aws:iam::123456789012:policy/S3Only with aws:MultiFactorAuthPresent=\"true\" writes a new version of managed policy `S3Only`, the boundary",
        ))
        .stderr(predicate::str::contains(
            "writes a new version of managed policy `Employees`, the delegation policy itself",
        ));
    // `iam:PassRole` on every role over TLS passes AWS's own roles.
    let pass = edited_seed_delegation(&dir, "PassRolesInPrefix", |s| {
        s["Resource"] = "arn:aws:iam::123456789012:role/*".into();
        s["Condition"]["Bool"] = serde_json::json!({"aws:SecureTransport": "true"});
    });
    seed_delegation_at(&pass)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "passes role `aws-reserved/admin` to `ec2.amazonaws.com`, under AWS's own path",
        ));
    // The boundary lets the roles the holders create edit `policy/S3*` over TLS: `S3Only`.
    let boundary = write_file(
        dir.path(),
        "boundary.json",
        r#"{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::acme-data-lake/*"},
 {"Effect":"Deny","Action":["iam:CreateRole","iam:PutRolePolicy","iam:AttachRolePolicy"],"Resource":"*","Condition":{"StringNotEquals":{"iam:PermissionsBoundary":"arn:aws:iam::123456789012:policy/S3Only"}}},
 {"Effect":"Deny","Action":"iam:DeleteRolePermissionsBoundary","Resource":"*"},
 {"Effect":"Allow","Action":"iam:CreatePolicyVersion","Resource":"arn:aws:iam::123456789012:policy/S3*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}"#,
    );
    seed_delegation("generated.json")
        .args(["--boundary", &boundary])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "through a role its holders create with its boundary: iam:CreatePolicyVersion on arn:aws:iam::123456789012:policy/S3Only",
        ));
}

#[test]
fn holders_changing_their_own_principal_behind_a_condition_escalate() {
    let holder = |policy: &str| {
        format!(
            r#"
account "123456789012"
boundary B {{
  allow s3:GetObject on arn:aws:s3:::data/*
}}
delegate D {{
  to role "developer"
  boundary B
  prefix "app-"
  pass_to lambda.amazonaws.com
}}
role developer {{
  trust account "123456789012"
  tag delegated = "yes"
  {policy}
}}
"#
        )
    };
    for (policy, what) in [
        (
            "allow iam:AttachRolePolicy on arn:aws:iam::123456789012:role/dev* when aws:MultiFactorAuthPresent == true",
            "attaches a managed policy to role `developer`, which holds this delegation",
        ),
        (
            "allow iam:PutRolePolicy on arn:aws:iam::123456789012:role/dev* when aws:PrincipalTag/delegated == \"yes\"",
            "writes an inline policy of role `developer`, which holds this delegation",
        ),
    ] {
        let dir = TempDir::new().unwrap();
        let path = project(&dir, &holder(policy));
        iamx()
            .args(["verify", "--no-config", "--color", "never", &path])
            .assert()
            .code(1)
            .stderr(predicate::str::contains(what));
    }
    // A group's members, over TLS.
    let dir = TempDir::new().unwrap();
    let path = project(
        &dir,
        r#"
account "123456789012"
boundary B {
  allow s3:GetObject on arn:aws:s3:::data/*
}
delegate D {
  to group "devs"
  boundary B
  prefix "app-"
  pass_to lambda.amazonaws.com
}
group devs {
  allow iam:AttachUserPolicy on arn:aws:iam::123456789012:user/al* when aws:SecureTransport == true
}
user alice {
  groups devs
}
"#,
    );
    iamx()
        .args(["verify", "--no-config", "--color", "never", &path])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "attaches a managed policy to user `alice`, which holds this delegation",
        ));
}

#[test]
fn a_condition_on_the_boundarys_assume_role_does_not_skip_the_trust_check() {
    let dir = TempDir::new().unwrap();
    let path = project(
        &dir,
        r#"
account "123456789012"
boundary B {
  allow s3:GetObject on arn:aws:s3:::data/*
  allow sts:AssumeRole on arn:aws:iam::123456789012:role/adm* when aws:RequestedRegion == "eu-west-1"
}
delegate D {
  to role "developer"
  boundary B
  prefix "app-"
  pass_to lambda.amazonaws.com
}
role developer {
  trust account "123456789012"
  allow s3:GetObject on arn:aws:s3:::data/*
}
role admin {
  trust account "123456789012" when aws:PrincipalArn like "arn:aws:iam::123456789012:role/app-*"
  attach arn:aws:iam::aws:policy/AdministratorAccess
}
"#,
    );
    iamx()
        .args(["verify", "--no-config", "--color", "never", &path])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "role `admin` lets in a principal the holders of delegation D control: `arn:aws:iam::123456789012:role/app-x` may assume it",
        ))
        .stderr(predicate::str::contains("aws:RequestedRegion=\"eu-west-1\""));
}

#[test]
fn tags_the_holders_may_set_reach_trusts_and_other_keys_are_findings() {
    let dir = TempDir::new().unwrap();
    let path = project(
        &dir,
        r#"
account "123456789012"
boundary B {
  allow s3:GetObject on arn:aws:s3:::data/*
  allow sts:AssumeRole on arn:aws:iam::123456789012:role/admin
}
delegate D {
  to role "developer"
  boundary B
  prefix "app-"
  pass_to lambda.amazonaws.com
}
role developer {
  trust account "123456789012"
  allow iam:TagRole on arn:aws:iam::123456789012:role/app-*
}
role admin {
  trust account "123456789012" when aws:PrincipalTag/team == "platform"
  attach arn:aws:iam::aws:policy/AdministratorAccess
}
"#,
    );
    iamx()
        .args(["verify", "--no-config", "--color", "never", &path])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "lets in `arn:aws:iam::123456789012:role/app-x` tagged `team=platform`",
        ));
    // The generated delegation allows the default keys: with `--tag-keys Name` the others are
    // findings, as `--help` says.
    seed_delegation("generated.json")
        .assert()
        .code(0)
        .stderr(predicate::str::contains("which is not one of the delegation's tag keys").not());
    seed_delegation("generated.json")
        .args(["--tag-keys", "Name"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("warning[W0504]"))
        .stderr(predicate::str::contains(
            "which is not one of the delegation's tag keys (Name)",
        ));
    seed_delegation("generated.json")
        .args(["--tag-keys", "Name", "--strict"])
        .assert()
        .code(1);
    // Without the `aws:TagKeys` condition, any key.
    let any_key = edited_seed_delegation(&dir, "TagOnlyAllowedKeysInPrefix", |s| {
        s.as_object_mut().unwrap().remove("Condition");
    });
    seed_delegation_at(&any_key)
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "which is not one of the delegation's tag keys",
        ));
}

/// `iamx verify --format json` on a one-file project: the exit code and the report.
fn verify_project_json(text: &str) -> (i32, serde_json::Value) {
    let dir = TempDir::new().unwrap();
    let path = project(&dir, text);
    let output = iamx()
        .args(["verify", "--no-config", "--format", "json", &path])
        .output()
        .unwrap();
    let report = serde_json::from_slice(&output.stdout).unwrap();
    (output.status.code().unwrap(), report)
}

#[test]
fn a_tag_key_the_action_never_carries_is_no_escape() {
    // `s3:GetObject` requests carry neither `aws:TagKeys` nor `aws:RequestTag/…` (the catalog
    // lists them for none of its resource types): the boundary's deny never applies to it.
    for condition in [
        r#"any aws:TagKeys == ["a"]"#,
        r#"aws:RequestTag/team == "a""#,
    ] {
        let (code, report) = verify_project_json(&format!(
            r#"
account "123456789012"
boundary B {{
  allow s3:GetObject on arn:aws:s3:::acme/*
  deny s3:GetObject on * when {condition}
}}
role service-r {{
  boundary B
  trust service ec2.amazonaws.com
  allow s3:GetObject on arn:aws:s3:::acme/*
}}
"#
        ));
        assert_eq!(
            report["subjects"][0]["verdict"], "proved",
            "{condition}: {report}"
        );
        assert_eq!(code, 0);
    }
}

#[test]
fn iam_calls_on_another_accounts_roles_are_no_escape() {
    let (code, report) = verify_project_json(
        r#"
account "123456789012"
boundary B {
  allow iam:GetRole, iam:PutRolePolicy on arn:*:iam::123456789012:role/*
}
role service-r {
  boundary B
  trust service ec2.amazonaws.com
  allow iam:GetRole, iam:PutRolePolicy on *
}
"#,
    );
    assert_eq!(report["subjects"][0]["verdict"], "proved", "{report}");
    assert_eq!(code, 0);
    // One that reaches its own account's roles still escapes, with a request in that account.
    let (code, report) = verify_project_json(
        r#"
account "123456789012"
boundary B {
  allow iam:GetRole on arn:aws:iam::123456789012:role/app-*
}
role service-r {
  boundary B
  trust service ec2.amazonaws.com
  allow iam:GetRole on *
}
"#,
    );
    assert_eq!(code, 1);
    for example in report["subjects"][0]["counterexamples"].as_array().unwrap() {
        let resource = example["resource"].as_str().unwrap();
        assert!(
            resource.starts_with("arn:aws:iam::123456789012:role/"),
            "{resource}"
        );
    }
}

#[test]
fn iam_calls_carry_the_region_of_iams_endpoint() {
    let text = r#"
account "123456789012"
boundary B {
  allow iam:GetRole on arn:aws:iam::123456789012:role/* when aws:RequestedRegion == "us-east-1"
}
role service-r {
  boundary B
  trust service ec2.amazonaws.com
  allow iam:GetRole on arn:aws:iam::123456789012:role/*
}
role service-q {
  boundary B
  trust service ec2.amazonaws.com
  allow iam:GetRole on arn:aws:iam::123456789012:role/* when aws:RequestedRegion == "eu-west-1"
}
"#;
    let (code, report) = verify_project_json(text);
    let verdicts: Vec<&str> = (report["subjects"].as_array().unwrap().iter())
        .map(|s| s["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(verdicts, ["proved", "proved"], "{report}");
    assert_eq!(code, 0);
    // `explain` knows the region too: no `unknown` for want of it.
    let dir = TempDir::new().unwrap();
    let path = project(&dir, text);
    let resource = "arn:aws:iam::123456789012:role/x";
    for (role, decision) in [("service-r", "allow"), ("service-q", "implicit-deny")] {
        let output = iamx()
            .args(["explain", &path, "--role", role, "--action", "iam:GetRole"])
            .args(["--resource", resource, "--format", "json"])
            .output()
            .unwrap();
        let answer: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(answer["decision"], decision, "{role}: {answer}");
    }
    // A boundary that needs another region for IAM is escaped, by a request in us-east-1.
    let (code, report) = verify_project_json(&text.replace("== \"us-east-1\"", "== \"eu-west-1\""));
    assert_eq!(code, 1);
    let example = &report["subjects"][0]["counterexamples"][0];
    assert_eq!(
        example["context"]["aws:RequestedRegion"][0], "us-east-1",
        "{report}"
    );
}

/// `iam:PassRole` is no call to IAM's endpoint: AWS checks it within the call of the service
/// the role is passed to, in that call's region. A pass allowed only in `eu-west-1` of a role
/// the boundary does not allow escapes, and `explain` does not pin its region to us-east-1.
#[test]
fn a_pass_role_carries_the_region_of_the_call_it_is_passed_in() {
    let text = r#"
account "123456789012"
boundary B {
  allow iam:PassRole on arn:aws:iam::123456789012:role/service-*
}
role service-r {
  boundary B
  trust service ec2.amazonaws.com
  allow iam:PassRole on arn:aws:iam::123456789012:role/admin when aws:RequestedRegion == "eu-west-1"
}
"#;
    let (code, report) = verify_project_json(text);
    let subject = &report["subjects"][0];
    assert_eq!(subject["verdict"], "violated", "{report}");
    assert_eq!(code, 1);
    let example = &subject["counterexamples"][0];
    assert_eq!(example["action"], "iam:PassRole", "{report}");
    assert_eq!(
        example["context"]["aws:RequestedRegion"][0], "eu-west-1",
        "{report}"
    );
    // Without a boundary, `explain` cannot tell the region of a pass it is not given: unknown,
    // not the implicit deny of an IAM call in us-east-1.
    let dir = TempDir::new().unwrap();
    let path = project(&dir, &text.replace("  boundary B\n", ""));
    let ask = |context: &[&str]| {
        let output = iamx()
            .args([
                "explain",
                &path,
                "--role",
                "service-r",
                "--action",
                "iam:PassRole",
            ])
            .args(["--resource", "arn:aws:iam::123456789012:role/admin"])
            .args(context)
            .args(["--format", "json"])
            .output()
            .unwrap();
        let answer: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        answer["decision"].as_str().unwrap_or_default().to_string()
    };
    assert_eq!(ask(&[]), "unknown");
    assert_eq!(
        ask(&["--context", "aws:RequestedRegion=eu-west-1"]),
        "allow"
    );
}

/// The Service Authorization Reference writes some tag keys' placeholder as a literal
/// `tag-key` (`secretsmanager:ResourceTag/tag-key`): a request on a tagged secret carries
/// `secretsmanager:ResourceTag/team`. An allow or a boundary deny on it was dropped as never
/// applying, and both roles were proved.
#[test]
fn tag_keys_the_reference_writes_as_tag_key_apply() {
    let allowed = r#"
account "123456789012"
boundary B {
  allow s3:GetObject on arn:aws:s3:::acme/*
}
role app {
  boundary B
  trust service ec2.amazonaws.com
  allow secretsmanager:GetSecretValue on * when secretsmanager:ResourceTag/team == "app"
  allow ssm:GetParameter on * when ssm:resourceTag/team == "app"
}
"#;
    let (code, report) = verify_project_json(allowed);
    assert_eq!(report["subjects"][0]["verdict"], "violated", "{report}");
    assert_eq!(code, 1);
    let denied = r#"
account "123456789012"
boundary B {
  allow secretsmanager:GetSecretValue on *
  deny secretsmanager:GetSecretValue on * when secretsmanager:ResourceTag/classification == "restricted"
}
role app {
  boundary B
  trust service ec2.amazonaws.com
  allow secretsmanager:GetSecretValue on *
}
"#;
    let (code, report) = verify_project_json(denied);
    let subject = &report["subjects"][0];
    assert_eq!(subject["verdict"], "violated", "{report}");
    assert_eq!(code, 1);
    assert_eq!(
        subject["counterexamples"][0]["context"]["secretsmanager:ResourceTag/classification"][0],
        "restricted",
        "{report}"
    );
}

/// Own-account exceptions: an action whose ARN format names account `aws` (a role template)
/// acts on AWS's resource, so a role reading one outside its boundary escapes (it was
/// unknown); a delegation request may be a partner's, so the own-account rule leaves it open
/// (a role accepting any account's request was proved).
#[test]
fn iam_resources_of_aws_or_a_partner_are_not_held_to_the_callers_account() {
    let template = r#"
account "123456789012"
boundary B {
  allow s3:GetObject on *
}
role r {
  boundary B
  trust service ec2.amazonaws.com
  allow iam:GetRoleTemplateVersion on arn:aws:iam::aws:role-template/ec2.amazonaws.com/T:1
}
"#;
    let (code, report) = verify_project_json(template);
    assert_eq!(report["subjects"][0]["verdict"], "violated", "{report}");
    assert_eq!(code, 1);
    let partner = r#"
account "123456789012"
boundary B {
  allow iam:AssociateDelegationRequest on arn:aws:iam::123456789012:delegation-request/*
}
role approver {
  boundary B
  trust service ec2.amazonaws.com
  allow iam:AssociateDelegationRequest on *
}
"#;
    let (code, report) = verify_project_json(partner);
    let subject = &report["subjects"][0];
    assert_eq!(subject["verdict"], "violated", "{report}");
    assert_eq!(code, 1);
}

#[test]
fn a_holder_without_a_boundary_is_never_changed_under_a_boundary_condition() {
    let (code, report) = verify_project_json(
        r#"
account "123456789012"
boundary B {
  allow s3:GetObject on arn:aws:s3:::data/*
}
delegate D {
  to role "developer"
  boundary B
  prefix "app-"
  pass_to lambda.amazonaws.com
}
role developer {
  trust account "123456789012"
  allow s3:GetObject on arn:aws:s3:::data/*
  allow iam:PutRolePolicy on arn:aws:iam::123456789012:role/dev* when iam:PermissionsBoundary == "arn:aws:iam::123456789012:policy/B"
}
"#,
    );
    let subject = &report["subjects"][0];
    assert_eq!(subject["verdict"], "proved", "{report}");
    assert_eq!(code, 0);
    for example in subject["counterexamples"].as_array().unwrap() {
        assert_ne!(
            example["resource"],
            "arn:aws:iam::123456789012:role/developer"
        );
    }
}

#[test]
fn service_linked_roles_are_created_under_their_path() {
    let dir = TempDir::new().unwrap();
    let only_prefix = r#"{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"iam:CreateServiceLinkedRole","Resource":"arn:aws:iam::123456789012:role/app-*"}]}"#;
    verify_json_delegation(&dir, only_prefix)
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("proved"));
    let anywhere = r#"{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"iam:CreateServiceLinkedRole","Resource":"*"}]}"#;
    let output = verify_json_delegation(&dir, anywhere)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let examples = report["subjects"][0]["counterexamples"].as_array().unwrap();
    assert!(!examples.is_empty(), "{report}");
    for example in examples {
        let resource = example["resource"].as_str().unwrap();
        assert!(
            resource.starts_with("arn:aws:iam::123456789012:role/aws-service-role/"),
            "{resource}"
        );
    }
}
