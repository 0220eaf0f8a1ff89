//! IAMX in CI: `check` as `build` without writing, `// iamx:allow` suppressions, the project
//! file `iamx.toml`, `--diagnostics json|sarif` (the SARIF validated against the official
//! 2.1.0 schema) and the GitHub Actions workflow of docs/ci.md.

mod common;

use common::{iamx, root, write_file};
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;
use tempfile::TempDir;

/// A role whose policy escapes its boundary: verification fails it with E0501.
const ESCAPE: &str = r#"account "123456789012"

boundary S3Only {
  allow s3:GetObject on arn:aws:s3:::data/*
}

role legacy {
  boundary S3Only
  trust service ec2.amazonaws.com
  allow s3:GetObject on arn:aws:s3:::data/*
  allow ec2:DescribeInstances on *
}
"#;

fn project(text: &str) -> (TempDir, String) {
    let temp = TempDir::new().unwrap();
    let file = write_file(temp.path(), "main.iamx", text);
    (temp, file)
}

fn stdout_json(args: &[&str], dir: Option<&Path>) -> (Option<i32>, Value) {
    let mut command = iamx();
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let output = command.args(args).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {text}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code(), value)
}

fn codes(diagnostics: &Value) -> Vec<String> {
    diagnostics
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn check_fails_where_build_fails_on_verification() {
    let (temp, file) = project(ESCAPE);
    let out = temp.path().join("out");
    iamx()
        .args(["build", &file, "-o"])
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error[E0501]"));
    iamx()
        .args(["check", &file])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error[E0501]"))
        .stderr(predicate::str::contains("checked 1 file: 1 error"));
    assert!(!out.exists(), "a failed build writes nothing");
    // --no-verify skips verification in both, and then both pass.
    iamx()
        .args(["check", "--no-verify", &file])
        .assert()
        .success();
    iamx()
        .args(["build", "--no-verify", &file, "-o"])
        .arg(&out)
        .assert()
        .success();
    // Same diagnostics: the JSON of check and of build are equal.
    let (check_code, check) = stdout_json(&["check", "--diagnostics", "json", &file], None);
    let (build_code, build) = stdout_json(
        &[
            "build",
            "--diagnostics",
            "json",
            &file,
            "-o",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!((check_code, &check), (build_code, &build));
    assert_eq!(codes(&check), ["E0501"]);
}

#[test]
fn suppressions_excuse_what_they_stand_before_and_need_a_reason() {
    let text = ESCAPE.replace(
        "role legacy {",
        "// iamx:allow E0501 \"the boundary is the guard for this legacy role\"\nrole legacy {",
    );
    let (_temp, file) = project(&text);
    iamx()
        .args(["check", &file])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "checked 1 file: no errors or warnings, 1 suppressed",
        ));
    iamx()
        .args(["check", "--show-suppressed", &file])
        .assert()
        .success()
        .stderr(predicate::str::contains("suppressed[E0501]: "))
        .stderr(predicate::str::contains(
            "(reason: the boundary is the guard for this legacy role)",
        ));
    // The JSON lists suppressed findings only on request, with their reason.
    let (_, plain) = stdout_json(&["check", "--diagnostics", "json", &file], None);
    assert_eq!(plain, serde_json::json!([]));
    let (_, shown) = stdout_json(
        &["check", "--diagnostics", "json", "--show-suppressed", &file],
        None,
    );
    assert_eq!(
        shown[0]["suppressed"],
        "the boundary is the guard for this legacy role"
    );

    // No reason: an error, and the finding is not suppressed.
    let (_temp, file) =
        project(&ESCAPE.replace("role legacy {", "// iamx:allow E0501\nrole legacy {"));
    let (code, found) = stdout_json(&["check", "--diagnostics", "json", &file], None);
    assert_eq!(code, Some(1));
    assert_eq!(codes(&found), ["E0601", "E0501"]);
}

#[test]
fn a_blanket_suppression_does_not_hide_security_critical_findings() {
    let text = ESCAPE.replace(
        "  allow ec2:DescribeInstances on *",
        "  // iamx:allow \"legacy\"\n  allow ec2:DescribeInstances on *",
    );
    let (_temp, file) = project(&text);
    let (code, found) = stdout_json(&["check", "--diagnostics", "json", &file], None);
    assert_eq!(code, Some(1));
    // E0501 stays, with a note saying to name the code; the blanket then suppresses nothing.
    assert_eq!(codes(&found), ["W0601", "E0501"]);
    assert!(found[1]["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n.as_str().unwrap().contains("name it")));
}

#[test]
fn file_suppressions_and_statement_suppressions_cover_warnings() {
    let text = "// iamx:allow-file W0402 \"a sandbox account\"\naccount \"123456789012\"\n\npolicy Admin {\n  allow * on *\n}\n\npolicy Pass {\n  // iamx:allow W0403 \"passes only service roles, see the SCP\"\n  allow iam:PassRole\n    on *\n  allow s3:GetObject on *\n}\n";
    let (_temp, file) = project(text);
    let (code, found) = stdout_json(
        &["check", "--diagnostics", "json", "--show-suppressed", &file],
        None,
    );
    assert_eq!(code, Some(0));
    let suppressed: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["suppressed"].is_string())
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(suppressed, ["W0402", "W0403"]);
    // A file directive after code is an error; so is an unknown code.
    let late = "account \"123456789012\"\n// iamx:allow-file W0402 \"late\"\npolicy P {\n  allow s3:GetObject on *\n}\n// iamx:allow W9999 \"no such code\"\npolicy Q {\n  allow s3:GetObject on *\n}\n";
    let (_temp, file) = project(late);
    let (code, found) = stdout_json(&["check", "--diagnostics", "json", &file], None);
    assert_eq!(code, Some(1));
    assert_eq!(codes(&found), ["E0601", "E0601"]);
}

#[test]
fn iamx_toml_sets_defaults_that_flags_override() {
    let temp = TempDir::new().unwrap();
    write_file(temp.path(), "iam/main.iamx", ESCAPE);
    write_file(
        temp.path(),
        "iamx.toml",
        "paths = [\"iam\"]\nverify = false\n\n[build]\noutput = \"out\"\nformat = \"terraform\"\n\n[lints]\nW0301 = \"off\"\n",
    );
    // Found from the current directory; paths, output and format come from the file.
    iamx()
        .current_dir(temp.path())
        .args(["build"])
        .assert()
        .success()
        .stderr(predicate::str::contains("using project file "))
        .stderr(predicate::str::contains("and main.tf.json to out"));
    assert!(temp.path().join("out/main.tf.json").is_file());
    // --verify overrides `verify = false`.
    iamx()
        .current_dir(temp.path())
        .args(["check", "--verify"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("E0501"));
    // Found by walking up from the input path, from anywhere.
    iamx()
        .args(["check", "-q"])
        .arg(temp.path().join("iam/main.iamx"))
        .assert()
        .success()
        .stderr("");
    // A lint level upgrades a warning to an error; --lint overrides the file.
    let lints = TempDir::new().unwrap();
    let file = write_file(
        lints.path(),
        "main.iamx",
        "account \"123456789012\"\npolicy P {\n  allow * on *\n}\n",
    );
    write_file(lints.path(), "iamx.toml", "[lints]\nW0402 = \"error\"\n");
    iamx()
        .args(["check", &file])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error[W0402]"));
    iamx()
        .args(["check", "--lint", "W0402=off", &file])
        .assert()
        .success()
        .stderr(predicate::str::contains("no errors or warnings"));
    iamx()
        .args(["check", "--no-config", &file])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning[W0402]"));
}

#[test]
fn iamx_toml_errors_say_where() {
    let temp = TempDir::new().unwrap();
    let file = write_file(temp.path(), "main.iamx", "account \"123456789012\"\n");
    write_file(
        temp.path(),
        "iamx.toml",
        "paths = [\".\"]\n\n[build]\noutptu = \"out\"\n",
    );
    iamx()
        .args(["check", &file])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error[E0602]"))
        .stderr(predicate::str::contains("iamx.toml:4:1"))
        .stderr(predicate::str::contains("unknown field `outptu`"));
    // Errors cannot be turned off.
    write_file(temp.path(), "iamx.toml", "[lints]\nE0501 = \"off\"\n");
    iamx()
        .args(["check", &file])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("iamx.toml:2:1"))
        .stderr(predicate::str::contains("errors cannot be turned off"));
    iamx()
        .args(["check", "--no-config", "--lint", "E0109=off", &file])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("errors cannot be turned off"));
}

/// The official SARIF 2.1.0 schema (OASIS `sarif-schema-2.1.0.json`), as shipped in the
/// sources of the `serde-sarif` crate: this machine cannot download it.
fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("tests/data/sarif-schema-2.1.0.json")).unwrap();
    // The published schema's pattern for `run.language` has a stray `]`, which a validator that
    // checks formats rejects as a regex; iamx never writes `language`, so the pattern is set to
    // the one the property's description means (two letters, optionally `-` two more).
    let bad = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert!(text.contains(bad), "the schema file changed");
    let text = text.replace(bad, r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#);
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn assert_valid_sarif(validator: &jsonschema::Validator, log: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF: {errors:#?}");
}

#[test]
fn sarif_validates_against_the_schema_and_locates_iamx_and_json_findings() {
    let validator = sarif_validator();
    let text = ESCAPE.replace(
        "role legacy {",
        "// iamx:allow E0501 \"the boundary is the guard\"\nrole legacy {",
    ) + "policy P {\n  allow * on *\n}\n";
    let temp = TempDir::new().unwrap();
    write_file(temp.path(), "main.iamx", &text);
    write_file(
        temp.path(),
        "policy.json",
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"iam:PassRole\", \"Resource\": \"*\"}\n  ]\n}\n",
    );
    let (code, log) = stdout_json(
        &[
            "check",
            "--diagnostics",
            "sarif",
            "main.iamx",
            "policy.json",
        ],
        Some(temp.path()),
    );
    assert_eq!(code, Some(0));
    assert_valid_sarif(&validator, &log);
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    // Every result's rule is described, with help pointing into the docs.
    for result in results {
        let rule = &rules[result["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], result["ruleId"]);
        assert!(!rule["shortDescription"]["text"]
            .as_str()
            .unwrap()
            .is_empty());
        assert!(rule["help"]["text"]
            .as_str()
            .unwrap()
            .contains("docs/codes.md#"));
    }
    let find = |id: &str, uri: &str| {
        results
            .iter()
            .find(|r| {
                r["ruleId"] == id
                    && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri
            })
            .unwrap_or_else(|| panic!("no {id} in {uri}: {results:#?}"))
    };
    let any_action = find("W0402", "main.iamx");
    let region = &any_action["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(15), Some(3))
    );
    assert!(region["endColumn"].as_u64().unwrap() > 3);
    assert_eq!(any_action["level"], "warning");
    let json_finding = find("W0403", "policy.json");
    assert_eq!(
        json_finding["locations"][0]["physicalLocation"]["region"]["startLine"],
        4
    );
    // The suppressed E0501 is there, marked as suppressed in source with its reason.
    let escape = find("E0501", "main.iamx");
    assert_eq!(escape["suppressions"][0]["kind"], "inSource");
    assert_eq!(
        escape["suppressions"][0]["justification"],
        "the boundary is the guard"
    );
    // verify and build speak SARIF too.
    for command in [["verify", "main.iamx"], ["build", "main.iamx"]] {
        let mut args = command.to_vec();
        args.extend(["--diagnostics", "sarif", "-o", "out"]);
        if command[0] == "verify" {
            args.truncate(4);
        }
        let (_, log) = stdout_json(&args, Some(temp.path()));
        assert_valid_sarif(&validator, &log);
    }
}

/// Extracts the first ```yaml block of docs/ci.md that follows `marker`.
fn yaml_block(doc: &str, marker: &str) -> String {
    let after = &doc[doc
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not in docs/ci.md"))..];
    let start = after.find("```yaml\n").unwrap() + "```yaml\n".len();
    let end = after[start..].find("```").unwrap();
    after[start..start + end].to_string()
}

#[test]
fn the_ci_workflow_parses_and_runs_commands_iamx_has() {
    let doc = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    let workflow: serde_yaml::Value =
        serde_yaml::from_str(&yaml_block(&doc, "## GitHub Actions")).unwrap();
    let jobs = workflow["jobs"].as_mapping().expect("jobs");
    assert!(!jobs.is_empty());
    let mut commands = Vec::new();
    for (_, job) in jobs {
        for step in job["steps"].as_sequence().expect("steps") {
            if let Some(run) = step["run"].as_str() {
                for line in run.lines() {
                    if let Some(rest) = line.trim().strip_prefix("iamx ") {
                        commands.push(rest.to_string());
                    }
                }
            }
        }
    }
    let mut names: Vec<&str> = commands
        .iter()
        .map(|c| c.split_whitespace().next().unwrap())
        .collect();
    names.sort();
    names.dedup();
    assert_eq!(names, ["build", "check", "diff"]);
    // Each command exists in `iamx --help`, and its flags in `iamx COMMAND --help`.
    let help = String::from_utf8(iamx().arg("--help").output().unwrap().stdout).unwrap();
    for command in &commands {
        let mut words = command.split_whitespace();
        let name = words.next().unwrap();
        assert!(
            help.contains(&format!("  {name} ")),
            "`{name}` not in iamx --help"
        );
        let sub_help =
            String::from_utf8(iamx().args([name, "--help"]).output().unwrap().stdout).unwrap();
        for flag in words.filter(|w| w.starts_with("--")) {
            let flag = flag.split('=').next().unwrap();
            assert!(
                sub_help.contains(flag),
                "`iamx {name} {flag}` not in its --help"
            );
        }
    }
    // The pre-commit hook runs check and fmt --check.
    let hook = &doc[doc
        .find("## Pre-commit hook")
        .expect("a pre-commit section")..];
    assert!(hook.contains("iamx check") && hook.contains("iamx fmt --check"));
}

#[test]
fn iamx_toml_environments_are_each_built_and_checked_once() {
    let temp = TempDir::new().unwrap();
    let project = root().join("examples/serverless");
    // One more file of the project, whose redundant statement (W0405) both environments have.
    write_file(
        temp.path(),
        "extra.iamx",
        "boundary Extra {\n  allow s3:* on arn:aws:s3:::acme-data/*\n}\n\nrole reader-extra {\n  boundary Extra\n  trust service ec2.amazonaws.com\n  allow s3:{GetObject, PutObject} on arn:aws:s3:::acme-data/*\n  allow s3:GetObject on arn:aws:s3:::acme-data/raw/*\n}\n",
    );
    write_file(
        temp.path(),
        "iamx.toml",
        &format!(
            "paths = [{:?}, \"extra.iamx\"]\nenvironments = [\"dev\", \"prod\"]\n\n[build]\noutput = \"out\"\n",
            project.to_str().unwrap()
        ),
    );
    iamx()
        .current_dir(temp.path())
        .arg("build")
        .assert()
        .success()
        .stderr(predicate::str::contains("to out/dev"))
        .stderr(predicate::str::contains("to out/prod"));
    for env in ["dev", "prod"] {
        let manifest =
            std::fs::read_to_string(temp.path().join(format!("out/{env}/manifest.json"))).unwrap();
        assert!(manifest.contains(&format!("\"environment\": \"{env}\"")));
    }
    // A finding both environments have is reported once; --env picks one environment.
    let (code, found) = stdout_json(&["check", "--diagnostics", "json"], Some(temp.path()));
    assert_eq!((code, codes(&found)), (Some(0), vec!["W0405".to_string()]));
    iamx()
        .current_dir(temp.path())
        .args(["check", "--env", "prod"])
        .assert()
        .success()
        .stderr(predicate::str::contains("verified 3 subjects").count(1));
}

#[test]
fn iamx_toml_is_read_by_the_account_commands_and_diff() {
    let temp = TempDir::new().unwrap();
    let iam = temp.path().join("iam");
    std::fs::create_dir(&iam).unwrap();
    for file in ["project.iamx", "roles.iamx"] {
        std::fs::copy(
            root().join("examples/serverless").join(file),
            iam.join(file),
        )
        .unwrap();
    }
    write_file(
        temp.path(),
        "iamx.toml",
        "paths = [\"iam\"]\nenvironments = [\"prod\"]\n",
    );
    let run = |args: &[&str]| {
        let output = iamx()
            .current_dir(temp.path())
            .args(args)
            .args(["--color", "never"])
            .output()
            .unwrap();
        let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
        (
            output.status.code(),
            text(output.stdout),
            text(output.stderr),
        )
    };
    // No path, no --env: the file's paths and its one environment (prod: account 222222222222).
    let question = ["s3:GetObject", "arn:aws:s3:::acme-artifacts-prod/x"];
    let (code, stdout, stderr) = run(&["can-i", "service-orders-api", question[0], question[1]]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("using project file"), "{stderr}");
    assert!(
        stdout.contains("allowed by boundary ServiceBoundary"),
        "{stdout}"
    );
    let table =
        |account: &str| format!("arn:aws:dynamodb:us-east-1:{account}:table/service-orders");
    let (code, stdout, stderr) = run(&[
        "can-i",
        "service-orders-api",
        "dynamodb:GetItem",
        &table("222222222222"),
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.starts_with("allow"), "{stdout}");
    let (_, stdout, _) = run(&[
        "can-i",
        "service-orders-api",
        "dynamodb:GetItem",
        &table("111111111111"),
    ]);
    assert!(stdout.starts_with("implicit-deny"), "{stdout}");
    let (code, stdout, stderr) = run(&["report", "--format", "text"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("delegated role service-orders-api"),
        "{stdout}"
    );
    // diff compares the file's environments only: prod, not dev.
    let (code, stdout, stderr) = run(&["diff", "iam", "iam"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("documents: 6 unchanged"), "{stdout}");
    let (_, all, _) = run(&["diff", "--no-config", "iam", "iam"]);
    assert!(all.contains("documents: 12 unchanged"), "{all}");
    // A file without `paths` is named when no path is given.
    write_file(temp.path(), "iamx.toml", "environments = [\"prod\"]\n");
    let (code, _, stderr) = run(&["who-can", question[0], question[1]]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("iamx.toml` sets no `paths`"), "{stderr}");
    let (code, _, stderr) = run(&["check"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("iamx.toml` sets no `paths`"), "{stderr}");
    // A malformed file stops every command that reads it, with its place.
    write_file(
        temp.path(),
        "iamx.toml",
        "paths = [\"iam\"]\nenvironmnets = []\n",
    );
    for args in [
        &["report", "--format", "text"][..],
        &["who-can", question[0], question[1]],
        &["diff", "iam", "iam"],
    ] {
        let (code, _, stderr) = run(args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("iamx.toml:2:1"), "{args:?}: {stderr}");
    }
}

#[test]
fn json_and_sarif_carry_every_label_with_its_extent() {
    // E0501 has a primary label (the statement) and a secondary one (the boundary): both reach
    // tools, as the text output draws them.
    let (_temp, file) = project(ESCAPE);
    let (_, found) = stdout_json(&["check", "--diagnostics", "json", &file], None);
    let finding = &found[0];
    assert_eq!(finding["label"], "this statement allows it", "{finding}");
    let boundary = &finding["labels"][0];
    assert_eq!(boundary["line"], 3, "{finding}");
    assert_eq!(boundary["end_line"], 5, "{finding}");
    assert!(boundary["end_column"].as_u64().unwrap() > 0, "{finding}");
    let (_, sarif) = stdout_json(&["check", "--diagnostics", "sarif", &file], None);
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(
        result["locations"][0]["message"]["text"], "this statement allows it",
        "{result}"
    );
    assert!(
        (result["message"]["text"].as_str().unwrap()).contains("\nthis statement allows it"),
        "{result}"
    );
    assert_eq!(
        result["relatedLocations"][0]["physicalLocation"]["region"]["endLine"], 5,
        "{result}"
    );
}
