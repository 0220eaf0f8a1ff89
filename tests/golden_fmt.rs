//! Golden tests for `iamx fmt`: `tests/golden/fmt/<case>.iamx` formats to
//! `<case>.formatted.iamx`. `UPDATE_GOLDEN=1 cargo test` rewrites the expected files.

use iamx::source::FileId;
use iamx::syntax::format;
use std::fs;
use std::path::Path;

#[test]
fn fmt_goldens() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/fmt");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut cases = 0;
    let mut failures = Vec::new();
    let mut entries: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".iamx") || name.ends_with(".formatted.iamx") {
            continue;
        }
        cases += 1;
        let input = fs::read_to_string(&path).unwrap();
        let output = match format::format(FileId(0), &input) {
            Ok(output) => output,
            Err(error) => panic!("{name}: {error:?}"),
        };
        // Formatting is idempotent.
        let again = format::format(FileId(0), &output).unwrap();
        assert_eq!(again, output, "{name}: formatting twice changes the text");
        let expected_path = dir.join(name.replace(".iamx", ".formatted.iamx"));
        if update {
            fs::write(&expected_path, &output).unwrap();
            continue;
        }
        let expected = fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != output {
            failures.push(format!(
                "{name}: output differs from {}\n--- expected\n{expected}\n--- actual\n{output}",
                expected_path.display()
            ));
        }
    }
    assert!(cases > 0, "no golden cases found");
    assert!(
        failures.is_empty(),
        "{}\n(run with UPDATE_GOLDEN=1 to accept)",
        failures.join("\n")
    );
}
