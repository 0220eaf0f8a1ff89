//! `iamx fmt` from the command line: exit codes of `--check`, rewriting in place, and files with
//! syntax errors left untouched.

mod common;

use common::iamx;
use predicates::prelude::*;
use std::fs;

const MESSY: &str = "account   \"123456789012\"\nrole r { trust service ec2.amazonaws.com // who\n allow s3:GetObject   on * }\n";
const TIDY: &str = "account \"123456789012\"\nrole r {\n  trust service ec2.amazonaws.com // who\n  allow s3:GetObject on *\n}\n";

#[test]
fn check_exits_1_and_names_files_that_would_change() {
    let dir = tempfile::tempdir().unwrap();
    let messy = dir.path().join("messy.iamx");
    let tidy = dir.path().join("tidy.iamx");
    fs::write(&messy, MESSY).unwrap();
    fs::write(&tidy, TIDY).unwrap();
    iamx()
        .args(["fmt", "--check"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("messy.iamx"))
        .stdout(predicate::str::contains("tidy.iamx").not());
    // --check writes nothing.
    assert_eq!(fs::read_to_string(&messy).unwrap(), MESSY);
}

#[test]
fn check_exits_0_when_everything_is_formatted() {
    let dir = tempfile::tempdir().unwrap();
    let tidy = dir.path().join("tidy.iamx");
    fs::write(&tidy, TIDY).unwrap();
    iamx()
        .args(["fmt", "--check"])
        .arg(&tidy)
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn fmt_rewrites_in_place_and_is_then_clean() {
    let dir = tempfile::tempdir().unwrap();
    let messy = dir.path().join("messy.iamx");
    fs::write(&messy, MESSY).unwrap();
    iamx().arg("fmt").arg(&messy).assert().code(0);
    assert_eq!(fs::read_to_string(&messy).unwrap(), TIDY);
    iamx().args(["fmt", "--check"]).arg(&messy).assert().code(0);
    // No temporary files are left behind.
    let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1);
}

#[test]
fn files_with_syntax_errors_are_reported_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.iamx");
    let text = "role r { allow s3:GetObject }\n";
    fs::write(&broken, text).unwrap();
    iamx()
        .args(["fmt", "--color", "never"])
        .arg(&broken)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("E0002"))
        .stderr(predicate::str::contains("left as it is"));
    assert_eq!(fs::read_to_string(&broken).unwrap(), text);
    iamx()
        .args(["fmt", "--check"])
        .arg(&broken)
        .assert()
        .code(1);
}

#[test]
fn import_writes_source_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("reader.json");
    fs::write(
        &json,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}"#,
    )
    .unwrap();
    let out = dir.path().join("reader.iamx");
    iamx()
        .arg("import")
        .arg(&json)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(0);
    let text = fs::read_to_string(&out).unwrap();
    assert!(text.contains("policy reader {"), "{text}");
    assert!(
        text.contains("allow s3:{GetObject, ListBucket} on *"),
        "{text}"
    );
    iamx().args(["fmt", "--check"]).arg(&out).assert().code(0);
    iamx().arg("check").arg(&out).assert().code(0);
}

#[test]
fn import_fails_loudly_on_what_it_cannot_express() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("bad.json");
    fs::write(
        &json,
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"read all","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
    )
    .unwrap();
    iamx()
        .arg("import")
        .arg(&json)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("Sid `read all`"));
}
