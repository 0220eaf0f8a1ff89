//! Every `.iamx` program shown in the README and `docs/` is laid out as `iamx fmt` would write
//! it, so what users copy from the docs passes `iamx fmt --check`. A fenced block counts as a
//! program when it parses; sketches of the syntax (`allow|deny ...`) do not, and are skipped.

mod common;

use common::root;
use iamx::source::FileId;
use iamx::syntax::{format, parse};
use std::fs;

/// The fenced code blocks of a Markdown text with no language or the `iamx` language.
fn blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (number, line) in markdown.lines().enumerate() {
        let fence = line.trim_start().starts_with("```");
        match (&mut current, fence) {
            (None, true) => {
                let language = line.trim_start().trim_start_matches('`').trim();
                if language.is_empty() || language == "iamx" {
                    current = Some((number + 1, String::new()));
                } else {
                    // Skip a block in another language: consume it as a block we ignore.
                    current = Some((0, String::new()));
                }
            }
            (Some(_), true) => {
                let (start, text) = current.take().unwrap();
                if start > 0 {
                    out.push((start, text));
                }
            }
            (Some((_, text)), false) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, false) => {}
        }
    }
    out
}

#[test]
fn iamx_snippets_in_the_docs_are_fmt_clean() {
    let mut files = vec![root().join("README.md")];
    for entry in fs::read_dir(root().join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    files.sort();
    let mut programs = 0;
    let mut unformatted = Vec::new();
    for file in &files {
        let markdown = fs::read_to_string(file).unwrap();
        for (line, text) in blocks(&markdown) {
            if parse::parse(FileId(0), &text).is_err() {
                continue;
            }
            programs += 1;
            match format::format(FileId(0), &text) {
                Ok(formatted) if formatted == text => {}
                Ok(formatted) => unformatted.push(format!(
                    "{}:{line}: not as `iamx fmt` writes it; formatted:\n{formatted}",
                    file.display()
                )),
                Err(error) => unformatted.push(format!(
                    "{}:{line}: the formatter refused it: {error:?}",
                    file.display()
                )),
            }
        }
    }
    assert!(programs >= 2, "only {programs} programs found in the docs");
    assert!(unformatted.is_empty(), "{}", unformatted.join("\n\n"));
}

#[test]
fn the_shipped_examples_are_fmt_clean() {
    // What a new user formats first: `iamx fmt --check examples` must have nothing to say.
    common::iamx()
        .args(["fmt", "--check", "examples"])
        .assert()
        .success();
}
