//! CLI tests for `iamx catalog` and for `iamx check` on plain IAM JSON files.

mod common;

use common::iamx;
use predicates::prelude::*;

#[test]
fn catalog_lists_matching_actions_with_levels_resources_and_keys() {
    iamx()
        .args(["catalog", "s3:GetObject"])
        .assert()
        .success()
        .stdout(predicate::str::contains("s3:GetObject (Read)"))
        .stdout(predicate::str::contains(
            "resource object: arn:${Partition}:s3:::${BucketName}/${ObjectName}",
        ))
        .stdout(predicate::str::contains("s3:ExistingObjectTag/<key>"));
    iamx()
        .args(["catalog", "s3:*Object*"])
        .assert()
        .success()
        .stdout(predicate::str::contains("s3:PutObject (Write)"))
        .stdout(predicate::str::contains("s3:ListBucket (").not());
}

#[test]
fn catalog_json_is_an_array_of_actions() {
    let output = iamx()
        .args(["catalog", "iam:PassRole", "--format", "json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let first = &value[0];
    assert_eq!(first["action"], "iam:PassRole");
    assert_eq!(first["access_level"], "Write");
    assert!(first["resource_types"][0]["arn_formats"][0]
        .as_str()
        .unwrap()
        .contains(":role/"));
    assert!(first["condition_keys"]
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k == "iam:PassedToService"));
}

#[test]
fn catalog_without_matches_fails_with_a_suggestion() {
    iamx()
        .args(["catalog", "s4:Get*"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean `s3:Get*`?"));
    // A known service whose actions the pattern misses is not suggested as itself.
    iamx()
        .args(["catalog", "s3:Gte*"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean").not())
        .stderr(predicate::str::contains(
            "`iamx catalog s3` lists the actions of `s3`",
        ));
    // No pattern at all is a usage error.
    iamx().args(["catalog", ""]).assert().code(2);
}

#[test]
fn check_reads_json_policies_and_lints_them() {
    iamx()
        .args(["check", "tests/data/lints.json"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning[W0101]: unknown action `s3:GetObjet`",
        ))
        .stderr(predicate::str::contains("did you mean `s3:GetObject`?"))
        .stderr(predicate::str::contains("warning[W0403]"))
        .stderr(predicate::str::contains("tests/data/lints.json:5:5"))
        .stderr(predicate::str::contains("checked 1 file: 2 warnings"));
}

#[test]
fn check_reports_json_errors_with_positions() {
    iamx()
        .args([
            "check",
            "tests/data/invalid.json",
            "tests/data/unknown-key.json",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error[E0004]: invalid JSON"))
        .stderr(predicate::str::contains("tests/data/invalid.json:3:22"))
        .stderr(predicate::str::contains(
            "error[E0005]: unknown key `Conditon`",
        ))
        .stderr(predicate::str::contains("did you mean `Condition`?"));
}

#[test]
fn check_json_format_includes_json_files() {
    let output = iamx()
        .args(["check", "--format", "json", "tests/data/lints.json"])
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let codes: Vec<&str> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["W0101", "W0403"]);
    assert_eq!(value[0]["line"], 4);
}
