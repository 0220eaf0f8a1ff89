//! `iamx report`'s admin-like test: allowed `iam:*` on the literal resource `*` is not enough
//! when a Deny on `user/*`, `group/*` and `role/*` leaves the principal nothing to give itself
//! a policy with (the literal `*` matches no such Deny).

mod common;

use common::{iamx, write_file};
use predicates::prelude::*;
use tempfile::TempDir;

const GAAD: &str = r#"{"UserDetailList": [
 {"Path": "/", "UserName": "fenced", "UserId": "AIDAFENCED", "Arn": "arn:aws:iam::123456789012:user/fenced",
  "GroupList": [], "AttachedManagedPolicies": [], "Tags": [],
  "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
    {"Effect": "Deny", "Action": "iam:*", "Resource": ["arn:aws:iam::*:user/*", "arn:aws:iam::*:group/*", "arn:aws:iam::*:role/*"]}]}}]},
 {"Path": "/", "UserName": "keyer", "UserId": "AIDAKEYER", "Arn": "arn:aws:iam::123456789012:user/keyer",
  "GroupList": [], "AttachedManagedPolicies": [], "Tags": [],
  "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "arn:aws:iam::123456789012:user/fenced"}]}}]}],
 "GroupDetailList": [], "RoleDetailList": [], "Policies": []}"#;

#[test]
fn a_principal_denied_iam_on_every_identity_is_not_admin_like() {
    let dir = TempDir::new().unwrap();
    let gaad = write_file(dir.path(), "gaad.json", GAAD);
    iamx()
        .args([
            "report",
            "--gaad",
            &gaad,
            "--format",
            "text",
            "--exit-code",
            "--color",
            "never",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("(0 admin-like)"))
        .stdout(predicate::str::contains("0 escalations"));
}
