//! The `iamx` binary as users run it: exit codes, files written (or not), output formats.

mod common;

use common::{build, iamx, read_tree, write_file};
use predicates::prelude::*;
use std::fs;
use tempfile::TempDir;

#[test]
fn build_writes_documents_and_a_manifest() {
    let temp = TempDir::new().unwrap();
    let out = temp.path().join("out");
    build("examples/seed", &out)
        .success()
        .stderr(predicate::str::contains("wrote 4 documents"));
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let documents = manifest["documents"].as_array().unwrap();
    assert_eq!(documents.len(), 4);
    for document in documents {
        let file = out.join(document["file"].as_str().unwrap());
        let policy = iamx::iam::read::policy_from_str(&fs::read_to_string(file).unwrap()).unwrap();
        assert_eq!(policy.version.as_deref(), Some("2012-10-17"));
    }
    assert_eq!(
        manifest["roles"][0]["boundary_arn"],
        "arn:aws:iam::123456789012:policy/S3Only"
    );
}

#[test]
fn builds_are_byte_identical() {
    let temp = TempDir::new().unwrap();
    let a = temp.path().join("a");
    let b = temp.path().join("b");
    build("examples/data-platform", &a).success();
    build("examples/data-platform", &b).success();
    assert_eq!(read_tree(&a), read_tree(&b));
}

#[test]
fn a_failed_build_writes_nothing_and_keeps_the_previous_output() {
    let temp = TempDir::new().unwrap();
    let out = temp.path().join("out");
    build("examples/seed", &out).success();
    let before = read_tree(&out);

    let broken = write_file(
        temp.path(),
        "broken.iamx",
        "account \"123456789012\"\nrole r { allow s3:GetObject }\n",
    );
    build(&broken, &out).code(1).stderr(
        predicate::str::contains("error[E0002]")
            .and(predicate::str::contains("nothing was written")),
    );
    assert_eq!(read_tree(&out), before, "the old output must be untouched");

    let fresh = temp.path().join("fresh");
    build(&broken, &fresh).code(1);
    assert!(!fresh.exists(), "no partial output directory");
    let leftovers: Vec<_> = fs::read_dir(temp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("iamx-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary directories left behind: {leftovers:?}"
    );
}

#[test]
fn build_replaces_an_old_output_completely() {
    let temp = TempDir::new().unwrap();
    let out = temp.path().join("out");
    build("examples/data-platform", &out).success();
    assert!(out.join("users/bob/inline.json").exists());
    build("examples/seed", &out).success();
    assert!(
        !out.join("users").exists(),
        "files of the previous build must not linger"
    );
}

#[test]
fn build_refuses_to_replace_a_directory_it_did_not_write() {
    let temp = TempDir::new().unwrap();
    let precious = temp.path().join("src");
    fs::create_dir(&precious).unwrap();
    fs::write(precious.join("keep.txt"), "mine").unwrap();
    build("examples/seed", &precious)
        .code(2)
        .stderr(predicate::str::contains("not an iamx output directory"));
    assert_eq!(
        fs::read_to_string(precious.join("keep.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn environments_are_each_built_into_their_own_directory() {
    let temp = TempDir::new().unwrap();
    let out = temp.path().join("out");
    iamx()
        .args(["build", "examples/serverless", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("dev: verified 2 subjects"))
        .stderr(predicate::str::contains("prod: verified 2 subjects"));
    let top: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        top["environments"],
        serde_json::json!([
            {"name": "dev", "account": "111111111111", "partition": "aws",
             "directory": "dev", "manifest": "dev/manifest.json"},
            {"name": "prod", "account": "222222222222", "partition": "aws",
             "directory": "prod", "manifest": "prod/manifest.json"},
        ])
    );
    for (env, account) in [("dev", "111111111111"), ("prod", "222222222222")] {
        let manifest = fs::read_to_string(out.join(env).join("manifest.json")).unwrap();
        assert!(manifest.contains(&format!("\"account\": \"{account}\"")));
        assert!(manifest.contains(&format!("\"environment\": \"{env}\"")));
    }
    // `--env` builds a subset, in the same layout, and leaves the other environments as they were.
    let dev = read_tree(&out.join("dev"));
    iamx()
        .args(["build", "examples/serverless", "--env", "prod", "-o"])
        .arg(&out)
        .assert()
        .success();
    assert!(out.join("prod/manifest.json").is_file());
    assert_eq!(read_tree(&out.join("dev")), dev, "dev is untouched");
    let top = fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(top.contains("\"prod\"") && top.contains("\"dev\""));
}

/// A mistyped `--env` is one error, with the closest name, and nothing else: no cascade, no
/// summary, nothing written (even when other environments are fine).
#[test]
fn a_wrong_environment_is_one_error() {
    let temp = TempDir::new().unwrap();
    let out = temp.path().join("out");
    let assert = iamx()
        .args([
            "build",
            "examples/serverless",
            "--env",
            "dev",
            "--env",
            "prd",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(1)
        .stdout("");
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert_eq!(stderr.matches("error").count(), 1, "{stderr}");
    assert!(stderr.contains("error[E0108]: no environment is named `prd`"));
    assert!(stderr.contains("did you mean `prod`?"));
    assert!(!out.exists());
    let (code, found) = check_json(&["examples/serverless", "--env", "stagin"]);
    assert_eq!(code, Some(1));
    assert_eq!(found.as_array().map(Vec::len), Some(1), "{found}");
    assert_eq!(found[0]["code"], "E0108");
}

/// A finding only some environments have says which; one all have is reported once, as is.
#[test]
fn findings_name_their_environment_when_environments_differ() {
    let temp = TempDir::new().unwrap();
    let project = write_file(
        temp.path(),
        "main.iamx",
        "env dev { account \"111111111111\" let objects = \"arn:aws:s3:::b\" }\n\
         env prod { account \"222222222222\" let objects = \"arn:aws:s3:::b/*\" }\n\
         policy P {\n  allow iam:PassRole on *\n  allow s3:GetObject on \"${objects}\"\n}\n",
    );
    let (code, found) = check_json(&[&project]);
    assert_eq!(code, Some(0));
    let found = found.as_array().unwrap();
    let codes: Vec<&str> = found.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["W0403", "W0201"]);
    let notes = |d: &serde_json::Value| -> Vec<String> {
        d["notes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap().to_string())
            .filter(|n| n.starts_with("in environment"))
            .collect()
    };
    assert!(notes(&found[0]).is_empty(), "shared: no environment named");
    assert_eq!(notes(&found[1]), ["in environment `dev`"]);
}

/// JSON files checked with a project of several environments are read in every run (the last
/// run takes the bytes read, the others borrow them): their findings are the same in each, so
/// each is reported once, with no environment named.
#[test]
fn json_files_beside_environments_are_reported_once() {
    let (code, found) = check_json(&[
        "examples/serverless",
        "tests/data/lints.json",
        "tests/data/unknown-key.json",
    ]);
    assert_eq!(code, Some(1));
    let found = found.as_array().unwrap();
    let of = |file: &str| -> Vec<&serde_json::Value> {
        (found.iter())
            .filter(|d| d["file"].as_str().is_some_and(|f| f.ends_with(file)))
            .collect()
    };
    let (lints, unknown) = (of("lints.json"), of("unknown-key.json"));
    assert_eq!(lints.len(), 2, "{found:?}");
    assert_eq!(unknown.len(), 1, "{found:?}");
    assert!(
        (lints.iter().chain(&unknown)).all(|d| !d["notes"].to_string().contains("environment")),
        "{found:?}"
    );
}

#[test]
fn check_reports_without_writing() {
    // Every environment is checked; a finding they share is reported once.
    iamx()
        .args(["check", "examples"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("`account` is set twice").count(1));
    iamx()
        .args(["check", "examples/serverless", "--env", "dev"])
        .assert()
        .success()
        .stderr(predicate::str::contains("verified 2 subjects: 2 proved"))
        .stderr(predicate::str::contains(
            "checked 2 files: no errors or warnings",
        ));
    iamx()
        .args([
            "check",
            "examples/serverless",
            "--env",
            "dev",
            "--no-verify",
        ])
        .assert()
        .success()
        .stderr("checked 2 files: no errors or warnings\n");
    // Paths given together form one project: two accounts are a conflict.
    iamx()
        .args(["check", "examples/seed", "examples/data-platform"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("`account` is set twice"));
}

#[test]
fn a_policy_that_is_not_utf8_is_refused_by_every_command_that_reads_it() {
    // IAM reads UTF-8 JSON only: a clean check of such a file would be a false promise.
    let dir = TempDir::new().unwrap();
    let policy = dir.path().join("latin1.json");
    let mut bytes = br#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::caf"#.to_vec();
    bytes.push(0xE9);
    bytes.extend_from_slice(br#"/*"}]}"#);
    fs::write(&policy, &bytes).unwrap();
    iamx()
        .arg("check")
        .arg(&policy)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error[E0001]: this file is not UTF-8 text").count(1))
        .stderr(predicate::str::contains("latin1.json:1:108"))
        .stderr(predicate::str::contains("checked 1 file: 1 error"));
    let good = dir.path().join("good.json");
    bytes.retain(|&b| b != 0xE9);
    fs::write(&good, &bytes).unwrap();
    iamx()
        .arg("diff")
        .arg(&good)
        .arg(&policy)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("E0001"));
    // `import` refuses it as `check` does: E0001 at the byte, an input error.
    iamx()
        .args(["import", "-"])
        .write_stdin(fs::read(&policy).unwrap())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error[E0001]: this file is not UTF-8 text",
        ))
        .stderr(predicate::str::contains("stdin:1:108"));
}

#[test]
fn check_json_lists_diagnostics_with_positions() {
    let temp = TempDir::new().unwrap();
    let file = write_file(
        temp.path(),
        "bad.iamx",
        "account \"123456789012\"\nlet bucket = \"b\"\npolicy P {\n  allow s3:GetObject on arn:aws:s3:::${buckt}/*\n}\n",
    );
    let output = iamx()
        .args(["check", "--format", "json", &file])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let diagnostics: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let first = &diagnostics[0];
    assert_eq!(first["severity"], "error");
    assert_eq!(first["code"], "E0102");
    assert_eq!(first["line"], 4);
    assert_eq!(first["column"], 40);
    assert_eq!(first["end_column"], 45);
    assert_eq!(first["help"], "did you mean `bucket`?");
    assert!(first["file"].as_str().unwrap().ends_with("bad.iamx"));

    // `--format json` is the former spelling of `--diagnostics json`; verification and the
    // lints run as in `build`, so the fixture's redundant statement is reported here too.
    let verified = iamx()
        .args(["check", "--diagnostics", "json", "tests/data/one-warning"])
        .output()
        .unwrap();
    assert_eq!(verified.status.code(), Some(0));
    let verified: serde_json::Value = serde_json::from_slice(&verified.stdout).unwrap();
    let codes: Vec<&str> = verified
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["W0405"]);
    let clean = iamx()
        .args([
            "check",
            "--diagnostics",
            "json",
            "--no-verify",
            "examples/seed",
        ])
        .output()
        .unwrap();
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(String::from_utf8(clean.stdout).unwrap().trim(), "[]");
}

#[test]
fn usage_errors_exit_with_2() {
    iamx().assert().code(2);
    iamx().args(["build", "examples/seed"]).assert().code(2); // no -o
    iamx()
        .args(["check", "--bogus", "examples/seed"])
        .assert()
        .code(2);
    iamx()
        .args(["check", "does/not/exist.iamx"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot read `does/not/exist.iamx`",
        ));
    let temp = TempDir::new().unwrap();
    iamx()
        .arg("check")
        .arg(temp.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("contains no .iamx files"));
    // A `.json` path is read without asking first what it is: a missing one is named, a
    // directory so named is searched for policies as any directory is.
    iamx()
        .args(["check", "does/not/exist.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot read `does/not/exist.json`",
        ));
    let named_json = temp.path().join("policies.json");
    write_file(
        &named_json,
        "admin.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObjet", "Resource": "*"}]}"#,
    );
    iamx()
        .args(["check", "--color", "never"])
        .arg(&named_json)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("admin.json").and(predicate::str::contains("GetObjet")));
    fs::remove_dir_all(&named_json).unwrap();
    // A build output is not a project: the message names the commands that read one.
    let out = temp.path().join("out");
    build("examples/seed", &out).success();
    iamx()
        .arg("verify")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "contains no .iamx files; it is a build output (it has a `manifest.json`), which `iamx explain`",
        ));
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let temp = TempDir::new().unwrap();
    let file = write_file(temp.path(), "bad.iamx", "account \"1\"\n");
    let escape = predicate::str::contains("\u{1b}[");
    iamx()
        .args(["check", "--color", "always", &file])
        .assert()
        .code(1)
        .stderr(escape.clone());
    iamx()
        .args(["check", "--color", "never", &file])
        .assert()
        .code(1)
        .stderr(escape.clone().not());
    iamx()
        .args(["check", &file])
        .env("NO_COLOR", "1")
        .assert()
        .code(1)
        .stderr(escape.not());
}

#[test]
fn hostile_input_gets_diagnostics_not_panics() {
    let temp = TempDir::new().unwrap();
    let mut garbage = Vec::new();
    let mut seed: u32 = 12345;
    for _ in 0..4096 {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        garbage.push((seed >> 16) as u8);
    }
    fs::write(temp.path().join("garbage.iamx"), &garbage).unwrap();
    let long_line = format!(
        "account \"123456789012\"\nlet x = \"{}\n",
        "a".repeat(1 << 20)
    );
    let deep = format!("account \"123456789012\"\nrole r {}\n", "{".repeat(100_000));
    let cases = [
        ("long.iamx", long_line),
        ("deep.iamx", deep),
        (
            "unterminated.iamx",
            "policy P { allow s3:GetObject on \"arn:aws:s3:::x".to_string(),
        ),
        ("nul.iamx", "account \"123456789012\"\0\0".to_string()),
        (
            "interp.iamx",
            "account \"1\"\nlet x = \"${\"\nlet y = \"${}\"".to_string(),
        ),
    ];
    for (name, text) in &cases {
        write_file(temp.path(), name, text);
    }
    for name in [
        "garbage.iamx",
        "long.iamx",
        "deep.iamx",
        "unterminated.iamx",
        "nul.iamx",
        "interp.iamx",
    ] {
        iamx()
            .args(["check", "--color", "never"])
            .arg(temp.path().join(name))
            .timeout(std::time::Duration::from_secs(20))
            .assert()
            .code(1)
            .stderr(
                predicate::str::contains("error[E").and(predicate::str::contains("panicked").not()),
            );
    }
}

const ONE_POLICY: &str = "account \"123456789012\"\npolicy p {\n  allow s3:GetObject on *\n}\n";
const ONE_WARNING: &str = "account \"123456789012\"\npolicy p {\n  allow * on *\n}\n";

#[test]
fn summaries_count_in_the_right_number_and_only_what_happened() {
    let temp = TempDir::new().unwrap();
    let file = write_file(temp.path(), "one.iamx", ONE_POLICY);
    let out = temp.path().join("out");
    // One document, no boundary or delegation: nothing was verified, and nothing is counted
    // as if it had been; no "0 errors, 0 warnings" either.
    build(&file, &out)
        .success()
        .stderr(predicate::str::contains("wrote 1 document to "))
        .stderr(predicate::str::contains("nothing to verify"))
        .stderr(predicate::str::contains("verified 0").not())
        .stderr(predicate::str::contains("0 errors").not());
    iamx().args(["check", &file]).assert().success().stderr(
        "nothing to verify (no boundaries or delegations)\nchecked 1 file: no errors or warnings\n",
    );
    iamx()
        .args(["verify", &file])
        .assert()
        .success()
        .stderr("nothing to verify (no boundaries or delegations)\n");
    // Only the verdicts that occurred are counted.
    iamx()
        .args(["verify", "examples/seed"])
        .assert()
        .success()
        .stderr(predicate::str::contains("verified 2 subjects: 2 proved\n"));
}

#[test]
fn deny_warnings_makes_warnings_fail_check_build_and_verify() {
    let temp = TempDir::new().unwrap();
    let file = write_file(temp.path(), "warn.iamx", ONE_WARNING);
    iamx().args(["check", &file]).assert().success();
    iamx()
        .args(["check", "--deny-warnings", &file])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("warning[W0402]"))
        .stderr(predicate::str::contains("checked 1 file: 1 warning"));
    iamx()
        .args(["check", "--deny-warnings", "--format", "json", &file])
        .assert()
        .code(1);

    let out = temp.path().join("out");
    build(&file, &out).success().stderr(
        predicate::str::contains("wrote 1 document to ")
            .and(predicate::str::contains("(1 warning)")),
    );
    let denied = temp.path().join("denied");
    iamx()
        .args(["build", "--deny-warnings", &file, "-o"])
        .arg(&denied)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "warnings are denied (1 warning); nothing was written",
        ));
    assert!(!denied.exists(), "a denied build writes nothing");

    // tests/data/one-warning verifies with one warning (W0405).
    iamx()
        .args(["verify", "tests/data/one-warning"])
        .assert()
        .code(0);
    iamx()
        .args(["verify", "--deny-warnings", "tests/data/one-warning"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("proved: role service-reader"));
    // The JSON verdict is still what was proved; only the exit code changes.
    let output = iamx()
        .args([
            "verify",
            "--deny-warnings",
            "--format",
            "json",
            "tests/data/one-warning",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["verdict"], "proved");
}

/// `iamx check ARGS --diagnostics json --no-config`: the exit code and the diagnostics.
fn check_json(args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let output = iamx()
        .arg("check")
        .args(args)
        .args(["--diagnostics", "json", "--no-config"])
        .output()
        .unwrap();
    let found = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    (output.status.code(), found)
}

/// One environment that does not build fails the whole build: nothing is written for any, and
/// an earlier output stays as it was. Terraform's working files in an environment's directory
/// survive a re-build.
#[test]
fn environments_are_written_all_or_nothing() {
    let temp = TempDir::new().unwrap();
    let project = write_file(
        temp.path(),
        "main.iamx",
        "env dev { account \"111111111111\" }\n\
         env prod { account \"222222222222\" }\n\
         policy P { allow s3:GetObject on arn:aws:s3:::b/* }\n",
    );
    let out = temp.path().join("out");
    iamx()
        .args(["build", &project, "--format", "terraform", "-o"])
        .arg(&out)
        .assert()
        .success();
    fs::write(out.join("dev/terraform.tfstate"), "state").unwrap();
    // A backend block lives in a `.tf` file of the directory; iamx writes no such file.
    let backend = "terraform {\n  backend \"s3\" {}\n}\n";
    fs::write(out.join("dev/backend.tf"), backend).unwrap();
    let before = read_tree(&out);
    fs::write(
        &project,
        fs::read_to_string(&project)
            .unwrap()
            .replace("222222222222", "22222222222"),
    )
    .unwrap();
    iamx()
        .args(["build", &project, "--format", "terraform", "-o"])
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("nothing was written"))
        .stderr(predicate::str::contains("in environment `prod`"));
    assert_eq!(read_tree(&out), before, "the earlier output is untouched");
    // Fixed again: re-built, and the state file is carried over into the new `dev/`.
    fs::write(
        &project,
        fs::read_to_string(&project)
            .unwrap()
            .replace("22222222222", "222222222222"),
    )
    .unwrap();
    iamx()
        .args(["build", &project, "--format", "terraform", "-o"])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(
        fs::read_to_string(out.join("dev/terraform.tfstate")).unwrap(),
        "state"
    );
    assert_eq!(
        fs::read_to_string(out.join("dev/backend.tf")).unwrap(),
        backend
    );
}

/// A project of `roles` roles, each with a trust and one statement.
fn many_roles(roles: usize) -> String {
    let mut text = String::from("account \"123456789012\"\n");
    for i in 0..roles {
        text.push_str(&format!(
            "role r{i} {{\n  trust service ec2.amazonaws.com\n  allow s3:GetObject on arn:aws:s3:::b/{i}\n}}\n"
        ));
    }
    text
}

#[test]
fn cloudformation_templates_meet_cloudformation_quotas() {
    let temp = TempDir::new().unwrap();
    let out = temp.path().join("out");
    // 210 roles: 210 outputs would pass the quota of 200, so the template has none and says so.
    let project = write_file(temp.path(), "many.iamx", &many_roles(210));
    iamx()
        .args(["build", &project, "--format", "cloudformation", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "note: template.json has no `Outputs`: one per role, instance profile and managed policy would be 210, over CloudFormation's quota of 200",
        ));
    let template: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("template.json")).unwrap()).unwrap();
    assert_eq!(template["Resources"].as_object().unwrap().len(), 210);
    assert!(template.get("Outputs").is_none());
    // 501 roles: over 500 resources, which no template may have; nothing is written.
    let too_many = write_file(temp.path(), "too-many.iamx", &many_roles(501));
    let before = read_tree(&out);
    iamx()
        .args(["build", &too_many, "--format", "cloudformation", "-o"])
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "the CloudFormation template would have 501 resources, over CloudFormation's quota of 500 per template",
        ))
        .stderr(predicate::str::contains("nothing was written"));
    assert_eq!(read_tree(&out), before);
    // The other formats have no such quota.
    iamx()
        .args(["build", &too_many, "--format", "terraform", "-o"])
        .arg(&out)
        .assert()
        .success();
}

/// A path whose size the file system does not know (a pipe: `/dev/stdin`, `<(...)`) is read
/// to its end, not taken as empty.
#[cfg(target_os = "linux")]
#[test]
fn a_pipe_given_as_a_path_is_read_to_its_end() {
    let output = iamx()
        .args(["check", "--color", "never", "/dev/stdin"])
        .write_stdin("role app {\n  allow s3:GetObjet on \"*\"\n")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("/dev/stdin:"), "{stderr}");
}
