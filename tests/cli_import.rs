//! `iamx import` as a team adopting IAMX uses it: an account export (GAAD) imports into a
//! project that `iamx build` accepts as it is, portable across accounts.

mod common;

use common::iamx;
use std::fs;
use tempfile::TempDir;

const GAAD: &str = "tests/golden/import/gaad-bounded.json";

#[test]
fn an_imported_account_builds_as_it_is() {
    let temp = TempDir::new().unwrap();
    let project = temp.path().join("project");
    fs::create_dir_all(&project).unwrap();
    let source = project.join("main.iamx");
    iamx()
        .args(["import", GAAD, "-o"])
        .arg(&source)
        .assert()
        .success();
    let text = fs::read_to_string(&source).unwrap();
    // The role whose inline policy is broader than its boundary is excused, next to it, and
    // only that role.
    assert_eq!(text.matches("// iamx:allow E0501").count(), 1, "{text}");
    let out = temp.path().join("out");
    iamx()
        .arg("build")
        .arg(&project)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    assert!(out.join("manifest.json").exists());

    // Without the suppression the same project fails its build on that role: the suppression
    // is what makes the first build pass, not a check that cannot fire.
    let bare = project.join("main.iamx");
    fs::write(&bare, text.replace("// iamx:allow E0501", "// was:")).unwrap();
    let output = iamx()
        .arg("build")
        .arg(&project)
        .arg("-o")
        .arg(temp.path().join("out2"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("E0501"));
}

#[test]
fn imported_arns_follow_the_environment_account() {
    let temp = TempDir::new().unwrap();
    let policy = temp.path().join("p.json");
    fs::write(
        &policy,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:eu-west-1:123456789012:jobs"}]}"#,
    )
    .unwrap();
    let output = iamx().arg("import").arg(&policy).output().unwrap();
    assert!(output.status.success());
    let source = String::from_utf8(output.stdout).unwrap();
    assert!(source.contains("account \"123456789012\""), "{source}");
    assert!(
        source.contains("arn:${partition}:sqs:eu-west-1:${account}:jobs"),
        "{source}"
    );
    // Built for another account, the ARN follows it.
    let project = temp.path().join("project");
    fs::create_dir_all(&project).unwrap();
    fs::write(
        project.join("main.iamx"),
        source.replace("account \"123456789012\"", "account \"999999999999\""),
    )
    .unwrap();
    let out = temp.path().join("out");
    iamx()
        .arg("build")
        .arg(&project)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let built = fs::read_dir(out.join("policies"))
        .unwrap()
        .map(|e| fs::read_to_string(e.unwrap().path()).unwrap())
        .collect::<String>();
    assert!(
        built.contains("arn:aws:sqs:eu-west-1:999999999999:jobs"),
        "{built}"
    );
}

#[test]
fn an_input_that_is_not_utf8_is_an_input_error_at_its_place() {
    let dir = tempfile::TempDir::new().unwrap();
    let file = dir.path().join("latin1.json");
    std::fs::write(
        &file,
        b"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::caf\xe9/*\"}]}",
    )
    .unwrap();
    let output = iamx()
        .args(["import", "--color", "never"])
        .arg(&file)
        .output()
        .unwrap();
    // As `iamx check` reports it: E0001 at the byte, exit 1 (not a usage error).
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("error[E0001]: this file is not UTF-8 text"),
        "{stderr}"
    );
    assert!(stderr.contains("latin1.json:1:"), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(output.stdout.is_empty());
}
