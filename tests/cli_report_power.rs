//! `iamx report`'s admin-like test: allowed `iam:*` on the literal resource `*` is not enough
//! when a Deny on `user/*`, `group/*` and `role/*` leaves the principal nothing to give itself
//! a policy with (the literal `*` matches no such Deny). And the power to write its own
//! policies as an edge: attaching AWS's `IAMFullAccess` (as the export holds it) and then
//! writing oneself a policy is an escalation in two calls.

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

/// A user that may attach only `IAMFullAccess` to itself; the export holds the policy.
const IAM_FULL: &str = r#"{"UserDetailList": [
 {"Path": "/", "UserName": "helpdesk", "UserId": "AIDAHELP", "Arn": "arn:aws:iam::123456789012:user/helpdesk",
  "GroupList": [], "AttachedManagedPolicies": [], "Tags": [],
  "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "iam:AttachUserPolicy", "Resource": "arn:aws:iam::123456789012:user/helpdesk",
     "Condition": {"ArnEquals": {"iam:PolicyARN": "arn:aws:iam::aws:policy/IAMFullAccess"}}}]}}]}],
 "GroupDetailList": [], "RoleDetailList": [],
 "Policies": [{"PolicyName": "IAMFullAccess", "PolicyId": "ANPAIAM", "Arn": "arn:aws:iam::aws:policy/IAMFullAccess",
  "Path": "/", "DefaultVersionId": "v2", "AttachmentCount": 0, "IsAttachable": true,
  "PolicyVersionList": [{"Document": {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["iam:*", "organizations:DescribeAccount"], "Resource": "*"}]},
    "VersionId": "v2", "IsDefaultVersion": true}]}]}"#;

#[test]
fn attaching_iam_full_access_then_writing_a_policy_is_an_escalation() {
    let dir = TempDir::new().unwrap();
    let gaad = write_file(dir.path(), "gaad.json", IAM_FULL);
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
        .code(1)
        .stdout(predicate::str::contains("1 escalation"))
        .stdout(predicate::str::contains(
            "iam:AttachUserPolicy on arn:aws:iam::123456789012:user/helpdesk with iam:PolicyARN=arn:aws:iam::aws:policy/IAMFullAccess",
        ))
        .stdout(predicate::str::contains(
            "iam:PutUserPolicy on arn:aws:iam::123456789012:user/helpdesk  [allowed by managed-policy IAMFullAccess (attached by the path)#1]",
        ));
}
