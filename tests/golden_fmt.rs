//! Golden tests for `iamx fmt`: `tests/golden/fmt/<case>.iamx` formats to
//! `<case>.formatted.iamx`. `UPDATE_GOLDEN=1 cargo test` rewrites the expected files.

mod common;

use common::{root, Goldens};
use iamx::source::FileId;
use iamx::syntax::format;
use std::fs;

#[test]
fn fmt_goldens() {
    let dir = root().join("tests/golden/fmt");
    let mut cases = 0;
    let mut goldens = Goldens::new();
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
        goldens.check(&expected_path, &output);
    }
    assert!(cases > 0, "no golden cases found");
    goldens.finish();
}
