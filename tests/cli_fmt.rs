//! `iamx fmt` from the command line: exit codes of `--check`, rewriting in place, and files with
//! syntax errors left untouched.

mod common;

use common::{iamx, root};
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
fn files_whose_suppressions_formatting_would_move_are_left_alone() {
    // The directive covers both roles, which share its next line of code; the canonical layout
    // puts `r2` on lines of its own, where the directive no longer reaches it, so formatting
    // would turn a clean build into a failing one. A `when` line indented no deeper than its
    // statement is the opposite case: formatting would bring it under the directive.
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "two-blocks.iamx",
            "account \"123456789012\"\nboundary B { allow s3:GetObject on * }\n// iamx:allow E0501 \"legacy\"\nrole r1 { trust service ec2.amazonaws.com\n boundary B\n allow s3:* on * } role r2 { trust service ec2.amazonaws.com\n boundary B\n allow s3:* on * }\n",
            "formatting would move `role` (line 6) out of what this `// iamx:allow` covers",
        ),
        (
            "when-line.iamx",
            "account \"123456789012\"\npolicy p {\n  // iamx:allow W0202 \"x\"\n  allow s3:GetObject on *\n  when aws:PrincipalTag/t == \"a\"\n}\n",
            "formatting would bring `aws:PrincipalTag/t` (line 5) under this `// iamx:allow`",
        ),
    ];
    for (name, text, message) in cases {
        let file = dir.path().join(name);
        fs::write(&file, text).unwrap();
        iamx()
            .args(["fmt", "--color", "never"])
            .arg(&file)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(format!("error[E0601]: {message}")))
            .stderr(predicate::str::contains("left as it is"));
        assert_eq!(fs::read_to_string(&file).unwrap(), text, "{name}");
        iamx().args(["fmt", "--check"]).arg(&file).assert().code(1);
    }
    // A directive the layout does not decide formats as any comment does.
    let file = dir.path().join("fine.iamx");
    fs::write(
        &file,
        "account \"123456789012\"\npolicy p {\n  // iamx:allow W0202 \"x\"\n  allow s3:GetObject   on *\n    when aws:PrincipalTag/t == \"a\"\n}\n",
    )
    .unwrap();
    iamx().args(["fmt"]).arg(&file).assert().success();
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
        // Refused as `iamx check` refuses it, at its place in the file.
        .stderr(predicate::str::contains(
            "bad.json:1:45: `read all` is not a valid Sid",
        ));
}

#[test]
fn check_prints_the_diff_it_would_apply() {
    let dir = tempfile::tempdir().unwrap();
    let messy = dir.path().join("messy.iamx");
    fs::write(&messy, MESSY).unwrap();
    let name = messy.to_string_lossy().into_owned();
    iamx()
        .args(["fmt", "--check", &name])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(format!(
            "--- {name}\n+++ {name}\n"
        )))
        .stdout(predicate::str::contains("-account   \"123456789012\"\n"))
        .stdout(predicate::str::contains("+account \"123456789012\"\n"))
        .stdout(predicate::str::contains("+  allow s3:GetObject on *\n"))
        .stderr("1 file would be reformatted\n");
}

#[test]
fn a_dash_formats_standard_input_to_standard_output() {
    iamx()
        .args(["fmt", "-"])
        .write_stdin(MESSY)
        .assert()
        .code(0)
        .stdout(TIDY);
    iamx()
        .args(["fmt", "--check", "-"])
        .write_stdin(MESSY)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("--- <stdin>"));
    iamx()
        .args(["fmt", "--check", "-"])
        .write_stdin(TIDY)
        .assert()
        .code(0)
        .stdout("");
    iamx()
        .args(["fmt", "-", "examples/seed"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be combined"));
}

#[test]
fn a_dash_checks_standard_input_as_source_or_json() {
    iamx()
        .args(["check", "-"])
        .write_stdin("account \"123456789012\"\nrole r { allow s3:GetObject }\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("<stdin>:2:"))
        .stderr(predicate::str::contains("checked 1 file: 1 error"));
    iamx()
        .args(["check", "-"])
        .write_stdin(fs::read_to_string(root().join("tests/data/lints.json")).unwrap())
        .assert()
        .success()
        .stderr(predicate::str::contains("warning[W0101]"))
        .stderr(predicate::str::contains("<stdin>:4:36"));
}

#[test]
fn a_dash_imports_standard_input() {
    iamx()
        .args(["import", "-"])
        .write_stdin(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
        )
        .assert()
        .success()
        .stdout(predicate::str::contains("policy stdin {"))
        .stdout(predicate::str::contains("allow s3:GetObject on *"));
}

#[test]
fn import_says_how_many_documents_it_checked_in_the_right_number() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reader.iamx");
    iamx()
        .args(["import", "tests/golden/import/s3-reader.json", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "(1 document checked: it compiles back to its original access)",
        ));
}

#[test]
fn comments_inside_let_lists_and_env_blocks_are_kept() {
    // Once printed as `let office = [10.0.0.0/8, "2001:db8::/32"]`, exit 0: both comments gone.
    iamx()
        .args(["fmt", "-"])
        .write_stdin("let office = [\n  10.0.0.0/8, // first\n  \"2001:db8::/32\", // second\n]\n")
        .assert()
        .code(0)
        .stdout("let office = [\n  10.0.0.0/8, // first\n  \"2001:db8::/32\", // second\n]\n");
    // Inside an `env` block, with a setting given twice (an error for `check`, E0302): fmt once
    // kept only the last `account` line.
    iamx()
        .args(["fmt", "-"])
        .write_stdin("env dev { account \"111111111111\"  account \"333333333333\"\n let n = [\"a\", /* b */ \"c\"] }\n")
        .assert()
        .code(0)
        .stdout("env dev {\n  account \"111111111111\"\n  account \"333333333333\"\n  let n = [\n    \"a\", /* b */\n    \"c\",\n  ]\n}\n");
}
