//! `explain`, `can-i` and `who-can` answer `unknown` (exit 3 with `--exit-code`) when the answer
//! turns on what the question leaves open: a key every request carries but the question does not
//! give, a role session's own keys, or a statement the engine cannot evaluate exactly; and they
//! refuse what they would answer wrongly (a resource policy given as an identity policy).

mod common;

use common::{iamx, write_file};
use predicates::prelude::*;
use tempfile::TempDir;

fn explain(dir: &TempDir, policy: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    let path = write_file(dir.path(), "policy.json", policy);
    iamx()
        .args([
            "explain",
            "--color",
            "never",
            "--policy",
            &path,
            "--exit-code",
        ])
        .args(["--action", "s3:GetObject", "--resource", "arn:aws:s3:::b/k"])
        .args(extra)
        .assert()
}

/// `aws:CurrentTime` is in every request (IAM User Guide, global condition keys): a deny that
/// turns on it is not skipped as if the key were absent.
const DENY_AFTER_2020: &str = r#"{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"s3:*","Resource":"*"},
  {"Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}}]}"#;

#[test]
fn a_key_every_request_carries_is_not_read_as_absent() {
    let dir = TempDir::new().unwrap();
    explain(&dir, DENY_AFTER_2020, &[])
        .code(3)
        .stdout(predicate::str::starts_with("unknown"))
        .stdout(predicate::str::contains("--context"));
    explain(
        &dir,
        DENY_AFTER_2020,
        &["--context", "aws:CurrentTime=2019-06-01T00:00:00Z"],
    )
    .code(0)
    .stdout(predicate::str::starts_with("allow"));
    explain(
        &dir,
        DENY_AFTER_2020,
        &["--context", "aws:CurrentTime=2026-06-01T00:00:00Z"],
    )
    .code(1)
    .stdout(predicate::str::starts_with("explicit-deny"));
}

#[test]
fn null_on_a_key_every_request_carries_is_answered() {
    let dir = TempDir::new().unwrap();
    let policy = r#"{"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Null":{"aws:SecureTransport":"false"}}}]}"#;
    explain(&dir, policy, &[])
        .code(0)
        .stdout(predicate::str::starts_with("allow"));
}

/// Condition blocks are ANDed: a clause that is false settles the statement, whatever an
/// undecided clause beside it would say.
#[test]
fn a_false_clause_settles_a_statement_with_an_undecided_one() {
    let dir = TempDir::new().unwrap();
    let policy = r#"{"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":"s3:*","Resource":"*"},
      {"Effect":"Deny","Action":"*","Resource":"*","Condition":{
        "ForAllValues:Null":{"aws:TagKeys":"true"},
        "StringEquals":{"aws:PrincipalTag/team":"x"}}}]}"#;
    explain(&dir, policy, &["--context", "aws:PrincipalTag/team=y"])
        .code(0)
        .stdout(predicate::str::starts_with("allow"));
    explain(&dir, policy, &["--context", "aws:PrincipalTag/team=x"])
        .code(3)
        .stdout(predicate::str::starts_with("unknown"));
}

/// A value over the engine's length limit leaves its statement undecided: the answer is
/// `unknown` when it turns on that statement, and stands when it does not.
#[test]
fn a_statement_over_the_length_limit_is_unknown_only_where_it_matters() {
    let dir = TempDir::new().unwrap();
    let long = format!("arn:aws:s3:::b/{}", "k".repeat(2100));
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[
      {{"Effect":"Allow","Action":"s3:*","Resource":"*"}},
      {{"Effect":"Deny","Action":"s3:GetObject","Resource":"{long}"}}]}}"#
    );
    explain(&dir, &policy, &[])
        .code(3)
        .stdout(predicate::str::starts_with("unknown"));
    let path = write_file(dir.path(), "other.json", &policy);
    iamx()
        .args([
            "explain",
            "--color",
            "never",
            "--policy",
            &path,
            "--exit-code",
        ])
        .args(["--action", "s3:PutObject", "--resource", "arn:aws:s3:::b/k"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("allow"));
}

/// A role signs with temporary credentials: its requests carry `aws:TokenIssueTime`, so the
/// User Guide's `Null` example on it denies, and `aws:MultiFactorAuthPresent` is present.
#[test]
fn a_role_session_carries_its_token_keys() {
    let dir = TempDir::new().unwrap();
    let gaad = r#"{"UserDetailList":[],"GroupDetailList":[],"Policies":[],"RoleDetailList":[{
      "Path":"/","RoleName":"app","RoleId":"AROAEXAMPLE","Arn":"arn:aws:iam::123456789012:role/app",
      "AssumeRolePolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]},
      "RolePolicyList":[{"PolicyName":"p","PolicyDocument":{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"ec2:*","Resource":"*","Condition":{"Null":{"aws:TokenIssueTime":"true"}}},
        {"Effect":"Allow","Action":"s3:*","Resource":"*"},
        {"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}}],
      "AttachedManagedPolicies":[],"Tags":[]}]}"#;
    let path = write_file(dir.path(), "gaad.json", gaad);
    let can_i = |action: &str, resource: &str| {
        iamx()
            .args([
                "can-i",
                "--color",
                "never",
                "--exit-code",
                "--gaad",
                &path,
                "app",
            ])
            .args([action, resource])
            .assert()
    };
    can_i("ec2:DescribeInstances", "*")
        .code(1)
        .stdout(predicate::str::starts_with("implicit-deny"));
    can_i("s3:GetObject", "arn:aws:s3:::b/k")
        .code(3)
        .stdout(predicate::str::starts_with("unknown"));
}

/// A resource policy's grant is to its `Principal`, which an identity evaluation would ignore:
/// another account's grant would read as the caller's own. It is refused.
#[test]
fn a_resource_policy_is_not_read_as_an_identity_policy() {
    let dir = TempDir::new().unwrap();
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;
    explain(&dir, policy, &[])
        .code(1)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("error[E0706]"))
        .stderr(predicate::str::contains("names a principal"));
}
