//! Golden tests for `iamx diff`: each `tests/golden/diff/<case>/` has `old/` and `new/` (or the
//! two paths in an `args` file) and the expected `expected.txt` (text, no colour) and
//! `expected.json` (`--format json`) and `expected.md` (`--format markdown`, the pull-request
//! comment). `UPDATE_GOLDEN=1 cargo test` rewrites the expected files.

mod common;

use common::{iamx, root, Goldens};
use std::fs;
use std::path::Path;

fn run(case: &Path, args: &[&str], extra: &[&str]) -> String {
    let output = iamx()
        .current_dir(case)
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
    let dir = root().join("tests/golden/diff");
    let mut cases: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 9, "golden cases missing");
    let mut goldens = Goldens::new();
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
        goldens.check(&case.join("expected.txt"), &text);
        goldens.check(&case.join("expected.json"), &json);
        let markdown = run(case, &args, &["--format", "markdown"]);
        // The comment leads with the summary table and agrees with the JSON on widening.
        assert!(markdown.starts_with("## IAM changes"), "{}", case.display());
        assert_eq!(
            widened,
            markdown.contains("**Access widened**"),
            "{}",
            case.display()
        );
        goldens.check(&case.join("expected.md"), &markdown);
    }
    goldens.finish();
}
