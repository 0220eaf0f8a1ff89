//! The hand-written parser held to the pest one (`reference`), which `grammar/iamx.pest`
//! generates.
//!
//! In: texts. Out: a failure naming the first text on which the two parsers differ, with both
//! outputs around the first differing line. Both must give the same tree, spans included (see
//! `source::with_spans_in_debug`), or the same diagnostic (message, labels with their spans,
//! help) on: every `.iamx` of the repository (examples, tests, std-lib, fuzz seeds and
//! regressions) and the untagged code blocks of the docs; a generated benchmark project; every
//! truncation and one-character deletion of the small ones; random mutations of them all and
//! random token sequences (proptest); and, on demand, any directory of inputs.
//!
//! Known differences: none. (Were pest's "expected ..." set ever impossible to reproduce on some
//! odd input, the wording of that set alone could be allowed to differ here, for mutated input
//! only and never in position; no such case is known.)

use super::{parse, reference};
use crate::diagnostics::Diagnostic;
use crate::source::{with_spans_in_debug, FileId};
use crate::syntax::ast::{File, Item};
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// What a parse gives, as text: the tree or the diagnostic, spans included.
fn outcome(text: &str, hand: bool) -> String {
    with_spans_in_debug(|| {
        let result = if hand {
            parse(FileId(3), text)
        } else {
            reference::parse(FileId(3), text)
        };
        match result {
            Ok(file) => format!("{file:#?}"),
            Err(diagnostic) => format!("{diagnostic:#?}"),
        }
    })
}

/// A tree of [`super::parse_deferring_roles`] with each role's members then parsed
/// ([`super::deferred_block`]), as the compiler does; when one does not parse, the compiler
/// compiles the whole file's [`parse`] instead, which is given then. `Err(())` if that happened.
#[allow(clippy::result_large_err)]
fn deferring_roles(text: &str) -> Result<Result<File, Diagnostic>, ()> {
    let file = FileId(3);
    let Ok(mut tree) = super::parse_deferring_roles(file, text) else {
        return Ok(parse(file, text));
    };
    for item in &mut tree.items {
        let Item::Block(block) = item else { continue };
        if let Some(end) = block.node.deferred {
            let start = block.span.start as usize;
            *block = super::deferred_block(file, text, start, end).ok_or(())?;
        }
    }
    Ok(Ok(tree))
}

#[allow(clippy::result_large_err)]
fn outcome_deferring_roles(text: &str) -> String {
    with_spans_in_debug(|| {
        match deferring_roles(text).unwrap_or_else(|()| parse(FileId(3), text)) {
            Ok(file) => format!("{file:#?}"),
            Err(diagnostic) => format!("{diagnostic:#?}"),
        }
    })
}

fn assert_same(name: &str, text: &str) {
    let expected = outcome(text, false);
    let mut actual = outcome(text, true);
    if expected == actual {
        // The roles' members parsed apart must give the same too.
        actual = outcome_deferring_roles(text);
    }
    if expected != actual {
        let first = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        let context = |s: &str| {
            s.lines()
                .skip(first.saturating_sub(8))
                .take(16)
                .collect::<Vec<_>>()
                .join("\n")
        };
        panic!(
            "{name}: the parsers differ at line {first}\n--- pest:\n{}\n--- hand:\n{}\n--- input:\n{text}",
            context(&expected),
            context(&actual)
        );
    }
}

fn files_under(dir: &Path, keep: &dyn Fn(&Path) -> bool, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if !path.ends_with("target") {
                files_under(&path, keep, out);
            }
        } else if keep(&path) {
            out.push(path);
        }
    }
}

/// Every `.iamx` text of the repository, with its name.
fn corpus() -> &'static Vec<(String, String)> {
    static CORPUS: OnceLock<Vec<(String, String)>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut paths = Vec::new();
        let iamx = |p: &Path| p.extension().is_some_and(|e| e == "iamx");
        for dir in ["examples", "tests", "std-lib", "fuzz"] {
            files_under(&root.join(dir), &iamx, &mut paths);
        }
        // Fuzz findings keep whatever name the fuzzer gave them.
        files_under(
            &root.join("tests/data/fuzz-regressions"),
            &|_| true,
            &mut paths,
        );
        files_under(&root.join("fuzz/seeds/frontend"), &|_| true, &mut paths);
        // More on demand, such as a fuzzer's corpus: `IAMX_DIFFERENTIAL_DIR=fuzz/corpus/frontend`.
        if let Some(dir) = std::env::var_os("IAMX_DIFFERENTIAL_DIR") {
            files_under(Path::new(&dir), &|_| true, &mut paths);
        }
        paths.sort();
        paths.dedup();
        let mut texts: Vec<(String, String)> = paths
            .iter()
            .filter_map(|p| {
                let text = String::from_utf8(std::fs::read(p).ok()?).ok()?;
                Some((
                    p.strip_prefix(root).unwrap_or(p).display().to_string(),
                    text,
                ))
            })
            .collect();
        let mut docs = Vec::new();
        files_under(
            &root.join("docs"),
            &|p| p.extension().is_some_and(|e| e == "md"),
            &mut docs,
        );
        docs.push(root.join("README.md"));
        for doc in docs {
            let Ok(text) = std::fs::read_to_string(&doc) else {
                continue;
            };
            // Untagged code blocks: `.iamx` and shell alike, both parsers see them all.
            for (i, block) in text.split("```").skip(1).step_by(2).enumerate() {
                if let Some(body) = block.strip_prefix('\n').or(block.strip_prefix("iamx\n")) {
                    texts.push((format!("{}#{i}", doc.display()), body.to_string()));
                }
            }
        }
        texts
    })
}

#[test]
fn the_comparison_sees_spans_and_diagnostics() {
    assert!(outcome("role r {}", false).contains("@0..4 Role"));
    assert!(outcome("role r { allow", true).contains("expected"));
    assert!(outcome("role r {", true).contains("its closing `}` is missing"));
}

#[test]
fn the_parsers_agree_on_every_iamx_file_of_the_repository() {
    let corpus = corpus();
    assert!(corpus.len() > 150, "only {} inputs found", corpus.len());
    eprintln!("{} inputs", corpus.len());
    for (name, text) in corpus {
        assert_same(name, text);
    }
}

/// The skim of a role's members finds where every role of the repository's files ends: none
/// needs the second parse the compiler falls back on.
#[test]
fn deferred_roles_end_where_they_do_in_every_file_that_parses() {
    let mut roles = 0;
    for (name, text) in corpus() {
        if parse(FileId(3), text).is_err() {
            continue;
        }
        let tree = super::parse_deferring_roles(FileId(3), text).unwrap();
        for item in &tree.items {
            if let Item::Block(block) = item {
                roles += usize::from(block.node.deferred.is_some());
            }
        }
        assert!(
            deferring_roles(text).is_ok(),
            "{name}: a role's end was misjudged"
        );
    }
    assert!(roles > 40, "only {roles} roles deferred");
}

/// A role whose members do not parse is found when they are parsed, and the file is then
/// parsed whole, which reports it.
#[test]
fn a_role_that_does_not_parse_is_found_when_its_members_are() {
    let text = "role a {\n  allow s3:GetObject on\n}\nrole b { trust service ec2 }\n";
    let tree = super::parse_deferring_roles(FileId(3), text).unwrap();
    assert!(matches!(&tree.items[0], Item::Block(b) if b.node.deferred.is_some()));
    assert_eq!(deferring_roles(text), Err(()));
    assert!(parse(FileId(3), text).is_err());
    // The skim sees no comment in an ARN and no brace in a string or a comment.
    let text =
        "role a {\n  allow s3:* on arn:aws:s3:::b/* // }\n  allow s3:* on \"}\\\"}\" /* } */\n}\n";
    let tree = super::parse_deferring_roles(FileId(3), text).unwrap();
    assert!(matches!(&tree.items[0], Item::Block(b) if b.node.deferred == Some(text.len() - 1)));
}

#[test]
fn the_parsers_agree_on_a_generated_project() {
    let dir = std::env::temp_dir().join(format!("iamx-differential-{}", std::process::id()));
    let status = std::process::Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scripts/gen-bench-project.py"
        ))
        .arg(&dir)
        .args(["200", "5"])
        .status();
    let Ok(status) = status else {
        eprintln!("python3 is not available: the generated project is not compared");
        return;
    };
    assert!(status.success());
    let mut paths = Vec::new();
    files_under(&dir, &|_| true, &mut paths);
    assert!(paths.len() >= 5);
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        assert_same(&path.display().to_string(), &text);
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Each truncation and each one-character deletion of every input under 1,500 bytes (most of
/// the golden files, with all the syntax-error ones): the error paths, exhaustively where it is
/// cheap. Unoptimised builds take every fifth position, to keep `cargo test` quick.
#[test]
fn the_parsers_agree_on_every_truncation_of_small_files() {
    let step = if cfg!(debug_assertions) { 5 } else { 1 };
    let mut cases = 0;
    for (name, text) in corpus().iter().filter(|(_, text)| text.len() < 1500) {
        for (at, _) in text.char_indices().step_by(step) {
            assert_same(&format!("{name} cut at {at}"), &text[..at]);
            let mut deleted = text.clone();
            deleted.remove(at);
            assert_same(&format!("{name} without byte {at}"), &deleted);
            cases += 2;
        }
    }
    eprintln!("{cases} truncations and deletions");
}

/// Bits of text a mutation inserts besides the reserved words and the settings' words
/// (`lexical::KEYWORDS`, `lexical::SETTING_KEYWORDS`): the other keywords, the punctuation and
/// the openings that lead into the rules' corners (strings, comments, interpolations, escapes,
/// ARNs, numbers).
const OTHER_TOKENS: &[&str] = &[
    "service",
    "aws",
    "federated",
    "anyone",
    "level",
    "level(",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ",",
    ".",
    ":",
    "=",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "*",
    "?",
    "/",
    "-",
    "_",
    "\"",
    "\\",
    "\\n",
    "${",
    "${x}",
    "$",
    "//",
    "/*",
    "*/",
    "\n",
    " ",
    "\t",
    "\r",
    "\u{FEFF}",
    "arn:",
    "arn:aws:s3:::b/*",
    "12h",
    "3600",
    "2027-01-01",
    "2027-01-01T00:00:00Z",
    "10.0.0.0/8",
    "1.2.3.4",
    "-1.5",
    "true",
    "false",
    "a.b",
    "x",
    "X",
    "Sid:",
    "s3:",
    "s3:Get*",
    "é",
    "\u{a0}",
    "\u{3000}",
    "\0",
    "\u{7f}",
    "StringLike(",
    "aws:SourceIp",
    "when aws:x == 1",
    "# ",
    ";",
    "@",
    "'",
    "`",
];

/// Every bit of text a mutation may insert.
fn tokens() -> Vec<&'static str> {
    use crate::syntax::lexical::{KEYWORDS, SETTING_KEYWORDS};
    // `boundary` is both.
    let settings = SETTING_KEYWORDS
        .iter()
        .filter(|word| !KEYWORDS.contains(word));
    (KEYWORDS.iter())
        .chain(settings)
        .chain(OTHER_TOKENS)
        .copied()
        .collect()
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Insert(usize, usize),
    Duplicate(usize, usize),
    Truncate(usize),
    DeleteRange(usize, usize),
}

fn boundary(text: &str, at: usize) -> usize {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

fn apply(text: &mut String, mutation: &Mutation) {
    match *mutation {
        Mutation::Delete(at) => {
            let at = boundary(text, at);
            if at < text.len() {
                text.remove(at);
            }
        }
        Mutation::Insert(at, token) => {
            let at = boundary(text, at);
            let tokens = tokens();
            text.insert_str(at, tokens[token % tokens.len()]);
        }
        Mutation::Duplicate(at, len) => {
            let start = boundary(text, at);
            let end = boundary(text, start + len % 40);
            let end = end.max(start);
            let copy = text[start..end].to_string();
            text.insert_str(end, &copy);
        }
        Mutation::Truncate(at) => {
            let at = boundary(text, at);
            text.truncate(at);
        }
        Mutation::DeleteRange(at, len) => {
            let start = boundary(text, at);
            let end = boundary(text, start + len % 12).max(start);
            text.replace_range(start..end, "");
        }
    }
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => any::<usize>().prop_map(Mutation::Delete),
        4 => (any::<usize>(), any::<usize>()).prop_map(|(a, t)| Mutation::Insert(a, t)),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, l)| Mutation::Duplicate(a, l)),
        1 => any::<usize>().prop_map(Mutation::Truncate),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(a, l)| Mutation::DeleteRange(a, l)),
    ]
}

proptest! {
    // Fewer in unoptimised builds, to keep `cargo test` quick.
    #![proptest_config(ProptestConfig::with_cases(if cfg!(debug_assertions) { 500 } else { 3000 }))]

    #[test]
    fn the_parsers_agree_on_mutated_files(
        index in any::<usize>(),
        mutations in prop::collection::vec(mutation(), 1..5),
    ) {
        let corpus = corpus();
        let (name, text) = &corpus[index % corpus.len()];
        let mut text = text.clone();
        for mutation in &mutations {
            apply(&mut text, mutation);
        }
        assert_same(&format!("{name} with {mutations:?}"), &text);
    }

    #[test]
    fn the_parsers_agree_on_token_soup(picks in prop::collection::vec(0..tokens().len(), 0..30)) {
        let all = tokens();
        let text: String = picks.iter().map(|&t| all[t]).collect::<Vec<_>>().join(" ");
        assert_same("token soup", &text);
    }
}
