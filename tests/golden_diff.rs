//! Golden tests for `iamx diff`: each `tests/golden/diff/<case>/` has `old/` and `new/` (or the
//! two paths in an `args` file) and the expected `expected.txt` (text, no colour) and
//! `expected.json` (`--format json`). `UPDATE_GOLDEN=1 cargo test` rewrites the expected files.

use assert_cmd::Command;
use std::fs;
use std::path::Path;

fn run(case: &Path, args: &[&str], extra: &[&str]) -> String {
    let output = Command::cargo_bin("iamx")
        .unwrap()
        .current_dir(case)
        .env_remove("NO_COLOR")
        .arg("diff")
        .args(extra)
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}: {}",
        case.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn diff_goldens() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/diff");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut cases: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 9, "golden cases missing");
    let mut failures = Vec::new();
    for case in &cases {
        let args_text = fs::read_to_string(case.join("args")).unwrap_or("old new".into());
        let args: Vec<&str> = args_text.split_whitespace().collect();
        let text = run(case, &args, &["--color", "never"]);
        let json = run(case, &args, &["--format", "json"]);
        // The JSON is well-formed and agrees with the text on whether access widened.
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        let widened = value["access_widened"].as_bool().unwrap();
        assert_eq!(
            widened,
            !text.contains("access widened nowhere"),
            "{}",
            case.display()
        );
        for (name, actual) in [("expected.txt", &text), ("expected.json", &json)] {
            let path = case.join(name);
            if update {
                fs::write(&path, actual).unwrap();
                continue;
            }
            let expected = fs::read_to_string(&path).unwrap_or_default();
            if &expected != actual {
                let diff = similar::TextDiff::from_lines(expected.as_str(), actual.as_str())
                    .unified_diff()
                    .header("expected", "actual")
                    .to_string();
                failures.push(format!("{}/{name}\n{diff}", case.display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n(run with UPDATE_GOLDEN=1 to accept)",
        failures.join("\n")
    );
}
