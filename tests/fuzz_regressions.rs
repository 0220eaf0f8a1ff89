//! Every input the fuzz targets found a crash, hang or broken property with, replayed under plain
//! `cargo test` (docs/fuzzing.md). `tests/data/fuzz-regressions/<target>/` holds the inputs; each
//! goes through the target's own harness (`fuzz/src/lib.rs`, compiled here as a module) and
//! through the `iamx` command the target stands for, which must finish with an exit code that
//! means an answer or input errors — never a panic, a signal or a hang.

#[path = "../fuzz/src/lib.rs"]
mod harness;

mod common;

use common::{iamx, root};
use std::path::PathBuf;
use std::time::Duration;

/// Generous for a debug build on a busy machine; a regression of a hang takes far longer.
const TIMEOUT: Duration = Duration::from_secs(120);

/// The kept inputs of `target`, sorted (none when it has found nothing).
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = root().join("tests/data/fuzz-regressions").join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut found: Vec<(PathBuf, Vec<u8>)> = entries
        .map(|entry| {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    found.sort();
    found
}

/// Runs `iamx ARGS` and checks it ended as a command should: exit 0 (an answer), 1 (input
/// errors or a violation) or 3 (undecided), with no panic message.
fn run_cli(input: &std::path::Path, args: &[&str]) {
    let output = iamx()
        .args(args)
        .timeout(TIMEOUT)
        .output()
        .unwrap_or_else(|e| panic!("{}: iamx {args:?}: {e}", input.display()));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("panicked"),
        "{}: iamx {args:?} panicked:\n{stderr}",
        input.display()
    );
    assert!(
        matches!(output.status.code(), Some(0 | 1 | 3)),
        "{}: iamx {args:?} ended with {:?}:\n{stderr}",
        input.display(),
        output.status
    );
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn frontend_inputs() {
    for (path, bytes) in inputs("frontend") {
        harness::frontend(&bytes);
        let dir = tempfile::tempdir().unwrap();
        let file = write(&dir, "main.iamx", &bytes);
        run_cli(&path, &["check", &file]);
        run_cli(&path, &["fmt", "--check", &file]);
    }
}

#[test]
fn json_check_inputs() {
    for (path, bytes) in inputs("json_check") {
        harness::json_check(&bytes);
        let dir = tempfile::tempdir().unwrap();
        let file = write(&dir, "policy.json", &bytes);
        run_cli(&path, &["check", &file]);
        run_cli(&path, &["check", "--kind", "trust", &file]);
    }
}

#[test]
fn verify_explain_inputs() {
    for (path, bytes) in inputs("verify_explain") {
        harness::verify_explain(&bytes);
        let mut parts = bytes.splitn(3, |&b| b == 0);
        let dir = tempfile::tempdir().unwrap();
        let policy = write(&dir, "policy.json", parts.next().unwrap_or_default());
        let boundary = write(&dir, "boundary.json", parts.next().unwrap_or_default());
        let request = String::from_utf8_lossy(parts.next().unwrap_or(b"s3:GetObject\n*"));
        let mut lines = request.lines();
        let action = lines.next().unwrap_or("s3:GetObject").to_string();
        let resource = lines.next().unwrap_or("*").to_string();
        run_cli(
            &path,
            &["verify", "--policy", &policy, "--boundary", &boundary],
        );
        run_cli(
            &path,
            &[
                "explain",
                "--policy",
                &policy,
                "--boundary",
                &boundary,
                "--action",
                &action,
                "--resource",
                &resource,
            ],
        );
    }
}
