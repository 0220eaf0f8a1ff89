//! Behaviour pinned where two copies of one IAM concept used to disagree (see CHANGELOG.md).
//! Each test names the concept and the rule every command now shares.

use assert_cmd::Command;
use std::fs;
use tempfile::TempDir;

fn iamx() -> Command {
    let mut command = Command::cargo_bin("iamx").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command.env("NO_COLOR", "1");
    command
}

const WITHOUT_VERSION: &str =
    r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;
const WITH_VERSION: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;

/// One JSON reader: a policy without `Version` is read by `diff` exactly as by `check`
/// (it used to be accepted by `check` and refused by `diff`), and it keeps having no version.
#[test]
fn json_reader_policy_without_version_reads_the_same_everywhere() {
    let temp = TempDir::new().unwrap();
    let old = temp.path().join("old.json");
    let new = temp.path().join("new.json");
    fs::write(&old, WITH_VERSION).unwrap();
    fs::write(&new, WITHOUT_VERSION).unwrap();
    iamx().arg("check").arg(&new).assert().success();
    let output = iamx().arg("diff").arg(&old).arg(&new).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "diff refused a policy check accepts:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("\"Version\""),
        "the text diff shows the version line:\n{stdout}"
    );

    let policy = iamx::iam::read::policy_from_str(WITHOUT_VERSION).unwrap();
    assert_eq!(policy.version, None);
    assert!(!policy.substitutes_variables());
    assert!(!policy.to_canonical_json().contains("Version"));
}

/// One JSON reader: its errors carry a position, whichever command reads the file.
#[test]
fn json_reader_errors_name_line_and_column() {
    let error =
        iamx::iam::read::policy_from_str("{\n  \"Statement\": [], \"Bogus\": 1\n}").unwrap_err();
    assert!(error.contains("line 2"), "{error}");
}
