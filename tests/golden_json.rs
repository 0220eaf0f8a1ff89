//! Golden tests of `iamx check` on JSON policies: `tests/golden/json/<case>.json` → `<case>.err`,
//! the diagnostics rendered without colour, preceded by the kind the case was checked as.
//!
//! A case named `<kind>--<name>.json` is checked as that kind (`--kind`); any other case has its
//! kind inferred. Every check of `docs/checks.md` that applies to JSON has a case here. Run with
//! `UPDATE_GOLDEN=1` to rewrite the expected files, then review the diff.

mod common;

use common::{root, Goldens};
use iamx::iam::kind::PolicyKind;
use iamx::source::Sources;
use std::fs;

#[test]
fn json_policies_give_the_expected_diagnostics() {
    let mut goldens = Goldens::new();
    let dir = root().join("tests/golden/json");
    let mut cases: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 20, "expected the JSON golden cases");
    for path in cases {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let kind = stem
            .split_once("--")
            .map(|(kind, _)| PolicyKind::parse(kind).expect("a kind before `--`"));
        // Read as bytes, as the CLI reads them: a case may be other than UTF-8 on purpose.
        let bytes = fs::read(&path).unwrap();
        let name = format!("tests/golden/json/{stem}.json");
        let mut sources = Sources::default();
        let checked = iamx::checks::json::check_file(&mut sources, &name, &bytes, kind);
        let mut diagnostics = checked.diagnostics;
        iamx::diagnostics::sort(&mut diagnostics);
        let header = match checked.kind {
            Some(kind) if checked.inferred => format!("kind: {} (inferred)\n", kind.as_str()),
            Some(kind) => format!("kind: {}\n", kind.as_str()),
            None => "kind: (not read)\n".to_string(),
        };
        let rendered = iamx::diagnostics::render(&diagnostics, &sources, false);
        goldens.check(&path.with_extension("err"), &format!("{header}{rendered}"));
    }
    goldens.finish();
}
