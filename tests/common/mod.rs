//! What the integration tests share: the `iamx` binary as a command, and golden files.
//!
//! Included with `mod common;`; each test crate uses only part of it, hence the `dead_code`
//! allowance (Cargo compiles this module once per test crate).
#![allow(dead_code)]

use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};

/// The repository root: relative paths in tests (`examples/seed`, `tests/data/...`) start here.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `iamx` binary, run from the repository root with the colour variables of the developer's
/// shell removed: colour then depends only on the flags a test passes (and output is a pipe, so
/// `--color auto` means no colour). A test of `NO_COLOR` sets it itself.
pub fn iamx() -> Command {
    Command::from_std(iamx_process())
}

/// [`iamx`] as a plain process, for the tests that need to hold its pipes themselves.
pub fn iamx_process() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_iamx"));
    command
        .current_dir(root())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    command
}

/// Writes `text` to `dir/name` (creating parent directories) and returns the path as a string,
/// ready to be a command-line argument.
pub fn write_file(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// Whether the run rewrites golden files (`UPDATE_GOLDEN=1`) instead of comparing with them.
pub fn updating_goldens() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some()
}

/// Collects the golden files that differ, so one run reports every difference at once.
#[derive(Default)]
pub struct Goldens {
    failures: Vec<String>,
}

impl Goldens {
    pub fn new() -> Self {
        Self::default()
    }

    /// Compares `actual` with the file at `expected` (a unified diff on mismatch), or rewrites
    /// the file when updating.
    pub fn check(&mut self, expected: &Path, actual: &str) {
        if updating_goldens() {
            fs::create_dir_all(expected.parent().unwrap()).unwrap();
            fs::write(expected, actual).unwrap();
            return;
        }
        match fs::read_to_string(expected) {
            Ok(text) if text == actual => {}
            Ok(text) => self.fail(format!(
                "{} differs:\n{}",
                expected.display(),
                similar::TextDiff::from_lines(text.as_str(), actual)
                    .unified_diff()
                    .header("expected", "actual")
            )),
            Err(_) => self.fail(format!(
                "{} is missing; actual output:\n{actual}",
                expected.display()
            )),
        }
    }

    /// A failure that is not a text difference (a case that must build but does not, ...).
    pub fn fail(&mut self, message: String) {
        self.failures.push(message);
    }

    /// Fails the test with every difference found.
    pub fn finish(self) {
        assert!(
            self.failures.is_empty(),
            "{}\n\n(run with `UPDATE_GOLDEN=1` to accept intended changes, then review the diff)",
            self.failures.join("\n")
        );
    }
}

/// Every file below `dir` as (path relative to `dir`, contents), sorted, so that two output
/// trees compare with `==`.
pub fn read_tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let contents = fs::read(&path).unwrap();
                found.push((path.strip_prefix(dir).unwrap().to_path_buf(), contents));
            }
        }
    }
    found.sort();
    found
}

/// `iamx build PROJECT -o OUT`, ready for the test's assertions on its outcome.
pub fn build(project: &str, out: &Path) -> assert_cmd::assert::Assert {
    iamx().args(["build", project, "-o"]).arg(out).assert()
}
