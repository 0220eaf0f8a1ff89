//! `iamx verify --policy/--boundary` on JSON files whose `Version` differs or is omitted: an
//! omitted Version is IAM's 2008-10-17, where `${aws:username}` is literal text (issue 11).

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;
use tempfile::TempDir;

fn verify(policy: &str, boundary: &str) -> assert_cmd::assert::Assert {
    let dir = TempDir::new().unwrap();
    let (p, b) = (
        dir.path().join("policy.json"),
        dir.path().join("boundary.json"),
    );
    fs::write(&p, policy).unwrap();
    fs::write(&b, boundary).unwrap();
    Command::cargo_bin("iamx")
        .unwrap()
        .env("NO_COLOR", "1")
        .arg("verify")
        .arg("--policy")
        .arg(&p)
        .arg("--boundary")
        .arg(&b)
        .assert()
}

const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}]}"#;

#[test]
fn an_omitted_version_makes_variables_literal() {
    // Same statement, boundary without Version: its `${aws:username}` is a folder literally named
    // so, which does not cover alice's folder.
    let boundary = r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}]}"#;
    verify(POLICY, boundary)
        .code(1)
        .stderr(predicate::str::contains(
            "s3:GetObject on arn:aws:s3:::b/home/",
        ));
    // With the Version stated, the same boundary contains the policy.
    let versioned = boundary.replacen('{', r#"{"Version":"2012-10-17","#, 1);
    verify(POLICY, &versioned).code(0);
}
