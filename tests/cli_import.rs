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

/// Imports `documents` (file name, JSON) from one directory, one command per document.
fn import_each(dir: &std::path::Path, documents: &[(&str, &str)]) -> Vec<std::path::PathBuf> {
    documents
        .iter()
        .map(|(name, text)| {
            let input = common::write_file(dir, name, text);
            let output = dir.join(name).with_extension("iamx");
            iamx()
                .args(["import", &input, "-o"])
                .arg(&output)
                .assert()
                .success();
            output
        })
        .collect()
}

#[test]
fn imported_source_is_already_formatted_with_the_accounts_arns_templated() {
    let temp = TempDir::new().unwrap();
    // Each has a line that fits in 100 columns with the literal ARN and not with
    // `${partition}`/`${account}` in its place.
    let outputs = import_each(
        temp.path(),
        &[
            (
                "condition.json",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:t"}}}]}"#,
            ),
            (
                "resources.json",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":["arn:aws:sqs:eu-west-1:123456789012:jobs","arn:aws:sqs:eu-west-1:123456789012:x"]}]}"#,
            ),
            (
                "trust.json",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/deployer"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"0123456789"}}}]}"#,
            ),
        ],
    );
    for output in &outputs {
        let text = fs::read_to_string(output).unwrap();
        assert!(text.contains("${account}"), "{text}");
    }
    let mut checked = outputs;
    // Account exports, with the import's own comments (`// iamx:allow`, unknown actions).
    for golden in [
        GAAD,
        "tests/golden/import/account.json",
        "tests/golden/import/unknown-actions.json",
    ] {
        let output = temp
            .path()
            .join(std::path::Path::new(golden).file_name().unwrap())
            .with_extension("iamx");
        iamx()
            .args(["import", golden, "-o"])
            .arg(&output)
            .assert()
            .success();
        checked.push(output);
    }
    for output in checked {
        iamx()
            .args(["fmt", "--check"])
            .arg(&output)
            .assert()
            .success();
    }
}

#[test]
fn trust_policies_are_read_as_check_reads_them() {
    let temp = TempDir::new().unwrap();
    let trust = |action: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"ec2.amazonaws.com"}},"Action":"{action}"}}]}}"#
        )
    };
    // IAM matches actions ignoring case and by wildcard; `iamx check` reads all of these as
    // trust policies, and so does the import.
    for (action, line) in [
        ("STS:AssumeRole", "trust service ec2.amazonaws.com\n"),
        ("sts:assumerole", "trust service ec2.amazonaws.com\n"),
        ("sts:*", "trust service ec2.amazonaws.com actions sts:*\n"),
        (
            "sts:Assume*",
            "trust service ec2.amazonaws.com actions sts:Assume*\n",
        ),
    ] {
        let input = common::write_file(temp.path(), "web.json", &trust(action));
        let output = iamx().args(["import", &input]).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{action}: {stderr}");
        let source = String::from_utf8(output.stdout).unwrap();
        assert!(source.contains("role web {"), "{action}: {source}");
        assert!(source.contains(line), "{action}: {source}");
    }
}

#[test]
fn an_empty_sid_is_dropped() {
    let temp = TempDir::new().unwrap();
    for (name, text, block) in [
        (
            "reader.json",
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
            "policy reader {\n  allow s3:GetObject on *\n}",
        ),
        // As the console's role wizard writes a trust policy.
        (
            "web.json",
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
            "role web {\n  trust service ec2.amazonaws.com\n}",
        ),
    ] {
        let input = common::write_file(temp.path(), name, text);
        let output = iamx().args(["import", &input]).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{name}: {stderr}");
        let source = String::from_utf8(output.stdout).unwrap();
        assert!(source.contains(block), "{name}: {source}");
    }
}

#[test]
fn a_wildcard_service_builds_back_to_the_original_json() {
    let temp = TempDir::new().unwrap();
    // `*:Get*` is refused: IAM answers "Action vendors must not contain wildcards".
    let refused = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["*:Get*","s3:ListBucket"],"Resource":"*"}]}"#;
    let refused = common::write_file(temp.path(), "vendor.json", refused);
    iamx()
        .args(["import", &refused, "-o"])
        .arg(temp.path().join("refused.iamx"))
        .assert()
        .failure()
        .stderr(predicates::str::contains("`*:Get*` is not an action"));
    assert!(!temp.path().join("refused.iamx").exists());
    let original = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket","*:*"],"Resource":"*"}]}"#;
    let input = common::write_file(temp.path(), "wide.json", original);
    let project = temp.path().join("project");
    fs::create_dir_all(&project).unwrap();
    iamx()
        .args(["import", &input, "-o"])
        .arg(project.join("main.iamx"))
        .assert()
        .success();
    let source = fs::read_to_string(project.join("main.iamx")).unwrap();
    assert!(
        source.contains(r#"allow s3:ListBucket, "*:*" on *"#),
        "{source}"
    );
    let out = temp.path().join("out");
    common::build(project.to_str().unwrap(), &out).success();
    let built = fs::read_to_string(out.join("policies/wide.json")).unwrap();
    let read = |text: &str| {
        let mut document = iamx::iam::read::policy_from_str(text).unwrap();
        document.canonicalize();
        document
    };
    assert_eq!(read(&built), read(original), "{built}");
}

#[test]
fn two_inputs_of_one_name_are_refused_naming_both() {
    let temp = TempDir::new().unwrap();
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    let first = common::write_file(temp.path(), "d1/p.json", policy);
    let second = common::write_file(temp.path(), "d2/p.json", policy);
    // The export has a policy `LogsWriter`: IAM compares names ignoring case.
    let export = "tests/golden/import/account.json";
    let third = common::write_file(temp.path(), "logswriter.json", policy);
    for (args, message) in [
        (
            [export, third.as_str()],
            format!("error: {third}: policy `logswriter` has the name of policy `LogsWriter` from {export} (IAM names are unique regardless of case)"),
        ),
        (
            [first.as_str(), second.as_str()],
            format!("error: {second}: policy `p` has the name of policy `p` from {first} (IAM names are unique regardless of case)"),
        ),
        (
            [first.as_str(), first.as_str()],
            format!("error: {first}: given twice"),
        ),
    ] {
        let output = iamx().arg("import").args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&output.stderr);
        // One error, about the inputs, not a dump of the generated source.
        assert_eq!(stderr.matches("error:").count(), 2, "{stderr}");
        assert!(stderr.starts_with(&message), "{stderr}");
        assert!(stderr.contains("nothing was written"), "{stderr}");
    }
}

#[test]
fn trust_anyone_with_actions_parses_formats_and_builds() {
    // `"Principal": "*"` with actions other than the default: the printed form
    // `trust anyone actions sts:{AssumeRole, TagSession}` reads back (`actions` is not a value).
    let temp = TempDir::new().unwrap();
    let project = temp.path().join("project");
    fs::create_dir_all(&project).unwrap();
    let source = project.join("main.iamx");
    let input = common::write_file(
        temp.path(),
        "any.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["sts:AssumeRole","sts:TagSession"]},{"Effect":"Deny","Principal":"*","Action":"sts:TagSession"}]}"#,
    );
    iamx()
        .args(["import", &input, "-o"])
        .arg(&source)
        .assert()
        .success();
    let text = fs::read_to_string(&source).unwrap();
    assert!(
        text.contains("  trust anyone actions sts:{AssumeRole, TagSession}\n")
            && text.contains("  trust deny anyone actions sts:TagSession\n"),
        "{text}"
    );
    iamx()
        .args(["fmt", "--check"])
        .arg(&source)
        .assert()
        .success();
    iamx()
        .arg("build")
        .arg(&project)
        .arg("-o")
        .arg(temp.path().join("out"))
        .assert()
        .success();
}

#[test]
fn exports_of_two_accounts_are_one_error_without_the_source() {
    let temp = TempDir::new().unwrap();
    let export = |account: &str, role: &str| {
        format!(
            r#"{{"RoleDetailList": [{{"Path": "/", "RoleName": "{role}", "Arn": "arn:aws:iam::{account}:role/{role}",
  "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::{account}:root"}}, "Action": "sts:AssumeRole"}}]}}}}]}}"#
        )
    };
    let a = common::write_file(temp.path(), "a.json", &export("111111111111", "ra"));
    let b = common::write_file(temp.path(), "b.json", &export("222222222222", "rb"));
    let output = iamx().args(["import", &a, &b]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 2, "{stderr}"); // the error, then "import failed"
    for part in ["111111111111", "222222222222", "a.json", "b.json"] {
        assert!(errors[0].contains(part), "{stderr}");
    }
}
