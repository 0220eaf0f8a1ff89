//! `iamx explain --queries FILE`: a file of questions answered over a project, a build output or
//! an account export (GAAD), as TSV or JSON. Goldens in `tests/golden/explain/`; every answer
//! must be the one `iamx explain` gives for the same question asked alone, and the project, its
//! build output and its GAAD must answer alike.

mod common;

use common::{iamx, iamx_process, root, write_file, Goldens};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use tempfile::TempDir;

/// Each example with the arguments naming it and its file of questions in `tests/data/explain/`.
const EXAMPLES: [(&str, &[&str]); 3] = [
    ("seed", &["examples/seed"]),
    ("data-platform", &["examples/data-platform"]),
    ("serverless", &["examples/serverless", "--env", "dev"]),
];

fn queries(name: &str) -> String {
    format!("tests/data/explain/{name}.tsv")
}

fn golden(name: &str) -> PathBuf {
    root().join("tests/golden/explain").join(name)
}

/// `iamx explain SOURCE... --queries FILE [extra]`: its exit code, stdout and stderr.
fn batch(source: &[&str], file: &str, extra: &[&str]) -> (i32, String, String) {
    let output = iamx()
        .arg("explain")
        .args(source)
        .args(["--queries", file, "--color", "never"])
        .args(extra)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// The JSON answers of a file of questions (all of which must be answered).
fn answers(source: &[&str], file: &str) -> Vec<Value> {
    let (code, stdout, stderr) = batch(source, file, &["--format", "json"]);
    assert_eq!(code, 0, "{source:?} {file}: {stderr}");
    match serde_json::from_str(&stdout) {
        Ok(Value::Array(answers)) => answers,
        other => panic!("{source:?} {file}: not a JSON array: {other:?}\n{stdout}"),
    }
}

#[test]
fn answers_match_the_goldens() {
    let mut goldens = Goldens::new();
    for (name, source) in EXAMPLES {
        let (code, stdout, stderr) = batch(source, &queries(name), &[]);
        if code != 0 {
            goldens.fail(format!("{name}: exit {code}\n{stderr}"));
        }
        goldens.check(&golden(&format!("{name}.tsv")), &stdout);
    }
    let (_, json, _) = batch(
        &["examples/data-platform"],
        &queries("data-platform"),
        &["--format", "json"],
    );
    goldens.check(&golden("data-platform.json"), &json);
    goldens.finish();
}

#[test]
fn malformed_lines_get_located_diagnostics_and_the_others_are_answered() {
    let mut goldens = Goldens::new();
    let (code, stdout, stderr) = batch(&["examples/data-platform"], &queries("errors"), &[]);
    assert_eq!(code, 1, "{stderr}");
    goldens.check(&golden("errors.tsv"), &stdout);
    goldens.check(&golden("errors.stderr"), &stderr);
    goldens.finish();
    // The same lines are answered in JSON, each with its line number.
    let (code, json, _) = batch(
        &["examples/data-platform"],
        &queries("errors"),
        &["--format", "json"],
    );
    assert_eq!(code, 1);
    let lines: Vec<u64> = serde_json::from_str::<Vec<Value>>(&json)
        .unwrap()
        .iter()
        .map(|a| a["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [2, 10, 11]);
}

/// The `--context` arguments that ask a line's question alone.
fn context_args(answer: &Value) -> Vec<String> {
    let mut args = Vec::new();
    for (key, values) in answer["context"].as_object().unwrap() {
        for value in values.as_array().unwrap() {
            args.push("--context".to_string());
            args.push(format!("{key}={}", value.as_str().unwrap()));
        }
    }
    args
}

#[test]
fn every_answer_is_the_one_a_single_explain_gives() {
    let mut asked = 0;
    for (name, source) in EXAMPLES {
        for answer in answers(source, &queries(name)) {
            let kind = answer["kind"].as_str().unwrap();
            let output = iamx()
                .arg("explain")
                .args(source)
                .args([&format!("--{kind}"), answer["name"].as_str().unwrap()])
                .args(["--action", answer["action"].as_str().unwrap()])
                .args(["--resource", answer["resource"].as_str().unwrap()])
                .args(context_args(&answer))
                .args(["--format", "json"])
                .output()
                .unwrap();
            assert!(output.status.success(), "{answer}");
            let single: Value = serde_json::from_slice(&output.stdout).unwrap();
            assert_eq!(single["decision"], answer["decision"], "{name}: {answer}");
            assert_eq!(single["reason"], answer["reason"], "{name}: {answer}");
            assert_eq!(single["deciding"], answer["deciding"], "{name}: {answer}");
            assert_eq!(single["notes"], answer["notes"], "{name}: {answer}");
            asked += 1;
        }
    }
    assert_eq!(asked, 42);
}

/// A deciding statement as sources must agree on it: policy, number and Sid.
type Deciding = (String, u64, Value);

/// What must agree between sources: the decision and each deciding statement's policy, number
/// and Sid (files and positions differ: `.iamx` sources, JSON files of the output, the GAAD).
fn decisions(answers: &[Value]) -> Vec<(String, Vec<Deciding>)> {
    answers
        .iter()
        .map(|a| {
            let deciding = a["deciding"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| {
                    let policy = s["policy"].as_str().unwrap();
                    // A GAAD names inline policies `user bob/bob` where a project says `user bob`.
                    let policy = policy.split('/').next().unwrap().to_string();
                    (policy, s["statement"].as_u64().unwrap(), s["sid"].clone())
                })
                .collect();
            (a["decision"].as_str().unwrap().to_string(), deciding)
        })
        .collect()
}

#[test]
fn a_project_its_build_output_and_its_gaad_answer_alike() {
    let dir = TempDir::new().unwrap();
    for (name, source) in EXAMPLES {
        let out = dir.path().join(name);
        common::build(source[0], &out).success();
        let from_project = answers(source, &queries(name));
        let out_arg = out.to_string_lossy().into_owned();
        let mut output_source = vec![out_arg.as_str()];
        output_source.extend(&source[1..]);
        let from_output = answers(&output_source, &queries(name));
        assert_eq!(decisions(&from_project), decisions(&from_output), "{name}");
        if let Some(first) = from_output.first() {
            let file = first["deciding"][0]["file"].as_str().unwrap_or_default();
            assert!(file.starts_with(&out_arg), "{name}: {file}");
        }
    }
    // tests/data/explain/data-platform-gaad.json is scripts/gaad-from-build.py of its build.
    let gaad = "tests/data/explain/data-platform-gaad.json";
    let from_gaad = answers(&["--gaad", gaad], &queries("data-platform"));
    let from_project = answers(&["examples/data-platform"], &queries("data-platform"));
    assert_eq!(decisions(&from_project), decisions(&from_gaad));
    assert!(from_gaad[0]["deciding"][0]["file"] == gaad);
}

#[test]
fn questions_from_standard_input_and_empty_files() {
    let text = std::fs::read_to_string(root().join(queries("seed"))).unwrap();
    let (_, from_file, _) = batch(&["examples/seed"], &queries("seed"), &[]);
    let mut child = iamx_process()
        .args(["explain", "examples/seed", "--queries", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    assert_eq!(String::from_utf8(output.stdout).unwrap(), from_file);

    let dir = TempDir::new().unwrap();
    let empty = write_file(dir.path(), "empty.tsv", "# nothing to ask\n\n");
    let (code, tsv, stderr) = batch(&["examples/seed"], &empty, &[]);
    assert_eq!((code, tsv.as_str()), (0, ""), "{stderr}");
    assert!(stderr.contains("answered 0 questions"), "{stderr}");
    let (code, json, _) = batch(&["examples/seed"], &empty, &["--format", "json"]);
    assert_eq!((code, json.as_str()), (0, "[]\n"));
}

#[test]
fn usage_errors_and_unreadable_files() {
    let dir = TempDir::new().unwrap();
    let seed = queries("seed");
    let usage = |args: &[&str], message: &str| {
        let output = iamx().args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    };
    usage(
        &[
            "explain",
            "examples/seed",
            "--queries",
            &seed,
            "--action",
            "s3:GetObject",
        ],
        "cannot be used with",
    );
    usage(
        &["explain", "--queries", &seed],
        "--queries needs the roles and users",
    );
    usage(
        &["explain", "examples/seed", "--queries", "no/such/file.tsv"],
        "cannot read `no/such/file.tsv`",
    );
    usage(
        &[
            "explain",
            "--gaad",
            "examples/seed/main.iamx",
            "examples/seed",
        ],
        "cannot be used with",
    );
    // A build with environments needs --env, and names the environments it has.
    let out = dir.path().join("serverless");
    common::build("examples/serverless", &out).success();
    let out = out.to_string_lossy().into_owned();
    usage(
        &["explain", &out, "--queries", &queries("serverless")],
        "holds the environments `dev`, `prod`: choose one with --env",
    );
    usage(
        &["explain", &out, "--env", "prd", "--queries", &seed],
        "did you mean `prod`?",
    );
    // A line that is not UTF-8 is an error at its place, like a malformed line: the other
    // lines are answered. A GAAD that is not one is an input error.
    let latin1 = dir.path().join("latin1.tsv");
    std::fs::write(
        &latin1,
        b"caf\xe9\ts3:GetObject\t*\nservice-etl\ts3:GetObject\tarn:aws:s3:::acme-data-lake/raw/x\n",
    )
    .unwrap();
    let output = iamx()
        .args(["explain", "examples/seed", "--color", "never", "--queries"])
        .arg(&latin1)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("error[E0001]: this line is not UTF-8 text"),
        "{stderr}"
    );
    assert!(stderr.contains("latin1.tsv:1:4"), "{stderr}");
    assert!(stderr.contains("answered 1 question"), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("service-etl\ts3:GetObject\t"),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let not_gaad = write_file(dir.path(), "gaad.json", "{\"RoleDetailList\": 3}");
    let output = iamx()
        .args(["explain", "--gaad", &not_gaad, "--queries", &seed])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not an account export"));
}

#[test]
fn a_closed_standard_output_ends_the_batch_quietly() {
    // 6,000 answers: far more than a pipe holds.
    let dir = TempDir::new().unwrap();
    let line = "service-etl\ts3:GetObject\tarn:aws:s3:::acme-data-lake/raw/x\n";
    let many = write_file(dir.path(), "many.tsv", &line.repeat(6_000));
    for format in ["text", "json"] {
        let mut child = iamx_process()
            .args(["explain", "examples/seed", "--queries", &many])
            .args(["--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(141), "{format}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// A role and a user of one name must be asked about by ARN; a line naming both is an error.
#[test]
fn a_name_of_both_a_role_and_a_user_needs_its_arn() {
    let dir = TempDir::new().unwrap();
    let project = write_file(
        dir.path(),
        "p.iamx",
        "account \"123456789012\"\n\
         role ops { trust service ec2.amazonaws.com\n  allow s3:GetObject on arn:aws:s3:::b/* }\n\
         user ops { allow s3:PutObject on arn:aws:s3:::b/* }\n",
    );
    let questions = write_file(
        dir.path(),
        "q.tsv",
        "ops\ts3:GetObject\tarn:aws:s3:::b/k\n\
         arn:aws:iam::123456789012:role/ops\ts3:GetObject\tarn:aws:s3:::b/k\n\
         arn:aws:iam::123456789012:user/ops\ts3:GetObject\tarn:aws:s3:::b/k\n",
    );
    let (code, stdout, stderr) = batch(&[&project], &questions, &[]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("`ops` is the name of both a role and a user"),
        "{stderr}"
    );
    assert!(
        stderr.contains("arn:aws:iam::123456789012:role/ops or arn:aws:iam::123456789012:user/ops")
    );
    let decisions: Vec<&str> = stdout
        .lines()
        .map(|l| l.split('\t').nth(4).unwrap())
        .collect();
    assert_eq!(decisions, ["allow", "implicit-deny"]);
    assert!(Path::new(&project).exists());
}

#[test]
fn a_pattern_as_the_action_is_warned_about() {
    // A request has one action: `s3:*Object` would be read as a name no action has.
    let dir = TempDir::new().unwrap();
    let policy = write_file(
        dir.path(),
        "p.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
    );
    let output = iamx()
        .args([
            "explain",
            "--policy",
            &policy,
            "--action",
            "s3:*Object",
            "--resource",
            "*",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("`s3:*Object` is a pattern, not an action"),
        "{stderr}"
    );
}
