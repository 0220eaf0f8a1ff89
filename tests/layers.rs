//! The layer table in `src/lib.rs` holds: every `crate::` path in `src/` points to the same
//! layer or one below, and the modules import each other without a cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// Module name → layer, read from the table in `lib.rs`'s docs.
fn layer_table() -> BTreeMap<String, u32> {
    let lib = fs::read_to_string(root().join("src/lib.rs")).unwrap();
    let mut table = BTreeMap::new();
    for line in lib.lines() {
        let Some(row) = line.strip_prefix("//! | ") else {
            continue;
        };
        let mut cells = row.split('|');
        let Ok(layer) = cells.next().unwrap_or("").trim().parse::<u32>() else {
            continue;
        };
        let modules = cells.next().unwrap_or("");
        for name in modules.split('`').skip(1).step_by(2) {
            table.insert(name.to_string(), layer);
        }
    }
    table
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file of `src/` belongs to (`src/reason/eval.rs` → `reason`).
fn module_of(relative: &Path) -> String {
    let first = relative.components().next().unwrap();
    let name = first.as_os_str().to_string_lossy();
    name.trim_end_matches(".rs").to_string()
}

/// Code without comments, so a doc link is not taken for an import.
fn without_comments(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules a file names through `crate::`, including `use crate::{a, b::c}`.
fn imports(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            let mut depth = 0;
            let mut item = String::new();
            for c in group[..end].chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.insert(first_ident(&item));
                        item.clear();
                    }
                    c => item.push(c),
                }
            }
            out.insert(first_ident(&item));
        } else {
            out.insert(first_ident(rest));
        }
    }
    out.remove("");
    out
}

fn first_ident(text: &str) -> String {
    text.trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

#[test]
fn imports_follow_the_layer_table() {
    let table = layer_table();
    assert!(
        table.len() >= 10,
        "the table in lib.rs was not found: {table:?}"
    );
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut broken = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let module = module_of(relative);
        if module == "cli" || module == "main" || module == "lib" {
            continue; // the binary's shell may use everything
        }
        let Some(&layer) = table.get(&module) else {
            broken.push(format!(
                "{}: module `{module}` is not in the layer table",
                relative.display()
            ));
            continue;
        };
        let code = without_comments(&fs::read_to_string(file).unwrap());
        for target in imports(&code) {
            if target == module {
                continue;
            }
            match table.get(&target) {
                None => broken.push(format!(
                    "{}: `crate::{target}` is not in the layer table",
                    relative.display()
                )),
                Some(&to) if to > layer => broken.push(format!(
                    "{}: `{module}` (layer {layer}) imports `{target}` (layer {to})",
                    relative.display()
                )),
                Some(_) => {}
            }
            edges.entry(module.clone()).or_default().insert(target);
        }
    }
    assert!(
        broken.is_empty(),
        "imports against the layer table:\n{}",
        broken.join("\n")
    );

    // No cycle between modules, even within one layer.
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for module in edges.keys() {
        if let Some(cycle) = visit(module, &edges, &mut Vec::new(), &mut done) {
            panic!("import cycle: {}", cycle.join(" → "));
        }
    }
}

#[test]
fn the_scanner_sees_grouped_and_nested_imports() {
    let code = "use crate::{compile::lower, reason};\nuse crate::iam::policy::X;\n// crate::cli in a comment";
    let found = imports(&without_comments(code));
    assert_eq!(
        found.into_iter().collect::<Vec<_>>(),
        ["compile", "iam", "reason"]
    );
}
