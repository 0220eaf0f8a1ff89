//! Golden diagnostics: every `tests/golden/diagnostics/<case>.iamx` is checked on its own and
//! its rendered, colourless diagnostics compared with `<case>.err`; a case without `.err` must
//! produce no diagnostic at all. `UPDATE_GOLDEN=1 cargo test --test golden_diagnostics`
//! rewrites the `.err` files.

use iamx::{compile, Input, Options};
use std::fs;
use std::path::Path;

#[test]
fn golden_diagnostics() {
    let dir = Path::new("tests/golden/diagnostics");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut cases: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "iamx"))
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    let mut failures = Vec::new();
    for case in cases {
        let name = case.to_string_lossy().replace('\\', "/");
        let input = Input {
            name: name.clone(),
            bytes: fs::read(&case).unwrap(),
        };
        let compilation = compile(vec![input], &Options::default());
        let rendered =
            iamx::diagnostics::render(&compilation.diagnostics, &compilation.sources, false);
        let expected_path = case.with_extension("err");
        if update {
            if rendered.is_empty() {
                let _ = fs::remove_file(&expected_path);
            } else {
                fs::write(&expected_path, &rendered).unwrap();
            }
            continue;
        }
        let expected = fs::read_to_string(&expected_path).unwrap_or_default();
        if rendered != expected {
            failures.push(format!(
                "{name}: expected\n{expected}\ngot\n{rendered}\n(UPDATE_GOLDEN=1 rewrites)"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
