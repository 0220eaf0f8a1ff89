//! How `iamx` prints, whatever the command: a reader that goes away early, `--color` and the
//! colour variables, `--quiet`, shell completions.

mod common;

use common::{iamx, iamx_process, write_file};
use predicates::prelude::*;
use std::process::{Output, Stdio};
use tempfile::TempDir;

/// The exit code of a process whose pipe reader went away (128 + SIGPIPE, as a shell shows it).
const PIPE_CLOSED: i32 = 141;

#[derive(Clone, Copy, Debug)]
enum Stream {
    Stdout,
    Stderr,
}

/// Runs iamx with `stream` closed by its reader before anything is read, as `| head -0` does.
fn with_closed(stream: Stream, args: &[&str]) -> Output {
    let mut child = iamx_process()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    match stream {
        Stream::Stdout => drop(child.stdout.take()),
        Stream::Stderr => drop(child.stderr.take()),
    }
    child.wait_with_output().unwrap()
}

/// No panic, no exit 101: either the command finished before the reader left (its own exit
/// code) or it stopped quietly with [`PIPE_CLOSED`].
fn assert_ends_quietly(stream: Stream, args: &[&str], finished_code: i32) {
    let output = with_closed(stream, args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
        "{args:?} with {stream:?} closed: {stderr}"
    );
    let code = output.status.code();
    assert!(
        code == Some(PIPE_CLOSED) || code == Some(finished_code),
        "{args:?} with {stream:?} closed exited with {code:?}: {stderr}"
    );
}

fn plain_policy(dir: &TempDir) -> String {
    write_file(
        dir.path(),
        "reader.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
    )
}

#[test]
fn a_large_output_into_a_closed_pipe_stops_with_the_pipe_code() {
    // 75 kB: more than a pipe holds, so a write must fail however the processes are scheduled.
    let output = with_closed(Stream::Stdout, &["catalog", "s3"]);
    assert_eq!(output.status.code(), Some(PIPE_CLOSED));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn every_printing_command_ends_quietly_when_stdout_closes() {
    let dir = TempDir::new().unwrap();
    let policy = plain_policy(&dir);
    let messy = write_file(dir.path(), "messy.iamx", "account   \"123456789012\"\n");
    let cases: Vec<(Vec<&str>, i32)> = vec![
        (vec!["catalog", "s3"], 0),
        (vec!["catalog", "s3:*", "--format", "json"], 0),
        (vec!["import", &policy], 0),
        (
            vec!["check", "--format", "json", "tests/data/lints.json"],
            0,
        ),
        (vec!["verify", "examples/seed"], 0),
        (vec!["verify", "examples/seed", "--format", "json"], 0),
        (
            vec![
                "explain",
                "--policy",
                &policy,
                "--action",
                "s3:GetObject",
                "--resource",
                "*",
            ],
            0,
        ),
        (vec!["diff", "examples/seed", "examples/data-platform"], 0),
        (vec!["fmt", "--check", &messy], 1),
        (vec!["completions", "bash"], 0),
        (vec!["--help"], 0),
    ];
    for (args, finished_code) in cases {
        assert_ends_quietly(Stream::Stdout, &args, finished_code);
    }
}

#[test]
fn commands_end_quietly_when_stderr_closes() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("out");
    let out = out.to_string_lossy();
    assert_ends_quietly(Stream::Stderr, &["build", "examples/seed", "-o", &out], 0);
    assert_ends_quietly(Stream::Stderr, &["check", "tests/data/lints.json"], 0);
    assert_ends_quietly(Stream::Stderr, &["catalog", "s3:NoSuchThing"], 1);
}

const BAD: &str = "account \"1\"\n";

#[test]
fn color_is_one_global_flag_accepted_before_or_after_the_command() {
    let dir = TempDir::new().unwrap();
    let file = write_file(dir.path(), "bad.iamx", BAD);
    let escape = predicate::str::contains("\u{1b}[");
    iamx()
        .args(["--color", "always", "check", &file])
        .assert()
        .code(1)
        .stderr(escape.clone());
    iamx()
        .args(["check", &file, "--color=always"])
        .assert()
        .code(1)
        .stderr(escape.clone());
    // Commands that had no --color of their own accept the global one.
    iamx()
        .args(["catalog", "s3:GetObject", "--color", "never"])
        .assert()
        .success();
    iamx()
        .args([
            "import",
            "--color",
            "never",
            "tests/golden/import/s3-reader.json",
        ])
        .assert()
        .success();
}

#[test]
fn no_color_counts_only_when_set_and_not_empty() {
    let dir = TempDir::new().unwrap();
    let file = write_file(dir.path(), "bad.iamx", BAD);
    let escape = predicate::str::contains("\u{1b}[");
    // CLICOLOR_FORCE colours a pipe...
    iamx()
        .args(["check", &file])
        .env("CLICOLOR_FORCE", "1")
        .assert()
        .code(1)
        .stderr(escape.clone());
    // ...unless NO_COLOR is set to something...
    iamx()
        .args(["check", &file])
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .assert()
        .code(1)
        .stderr(escape.clone().not());
    // ...but an empty NO_COLOR is no wish at all (no-color.org).
    iamx()
        .args(["check", &file])
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "")
        .assert()
        .code(1)
        .stderr(escape.clone());
    // CLICOLOR_FORCE=0 forces nothing.
    iamx()
        .args(["check", &file])
        .env("CLICOLOR_FORCE", "0")
        .assert()
        .code(1)
        .stderr(escape.clone().not());
    // An explicit flag beats the environment.
    iamx()
        .args(["check", &file, "--color", "always"])
        .env("NO_COLOR", "1")
        .assert()
        .code(1)
        .stderr(escape);
}

#[test]
fn quiet_drops_summaries_and_notes_but_not_diagnostics_or_data() {
    let dir = TempDir::new().unwrap();
    let file = write_file(dir.path(), "bad.iamx", BAD);
    iamx()
        .args(["check", "-q", &file])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error["))
        .stderr(predicate::str::contains("checked").not());
    iamx()
        .args(["--quiet", "check", "tests/data/lints.json"])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning[W0101]"))
        .stderr(predicate::str::contains("checked").not());
    // tests/data/one-warning has one warning (W0405): it stays, the summaries go.
    let out = dir.path().join("out");
    iamx()
        .args(["build", "-q", "tests/data/one-warning", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("warning[W0405]"))
        .stderr(predicate::str::contains("verified").not())
        .stderr(predicate::str::contains("wrote").not());
    assert!(out.join("manifest.json").is_file());
    iamx()
        .args(["verify", "-q", "tests/data/one-warning"])
        .assert()
        .success()
        .stdout(predicate::str::contains("proved: role service-reader"))
        .stderr(predicate::str::contains("warning[W0405]"))
        .stderr(predicate::str::contains("verified").not());
    // The import's notes go; the source it prints stays.
    iamx()
        .args(["import", "-q", "tests/golden/import/s3-reader.json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("policy"))
        .stderr("");
}

#[test]
fn completions_are_printed_for_each_shell() {
    for (shell, marker) in [
        ("bash", "_iamx()"),
        ("zsh", "#compdef iamx"),
        ("fish", "complete -c iamx"),
    ] {
        iamx()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains(marker))
            .stdout(predicate::str::contains("catalog"));
    }
    iamx().args(["completions", "tcsh"]).assert().code(2);
}
