//! The whole pipeline in one call: source bytes in, compiled documents and diagnostics out.
//!
//! In: named byte buffers (the CLI reads them; tests make them in memory) and options. Out: the
//! [`Sources`] table (for rendering diagnostics), every diagnostic sorted by position, and the
//! compiled project when there were no errors.

use crate::compile::lower::{self, Compiled};
use crate::compile::resolve;
use crate::diagnostics::{self, Code, Diagnostic};
use crate::source::{FileId, Sources, Span};
use crate::syntax::ast;
use crate::syntax::parse;

/// One source file handed to the compiler.
#[derive(Debug, Clone)]
pub struct Input {
    /// The name diagnostics show, usually the path as the user wrote it.
    pub name: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The `env` block to build for, when the sources declare environments.
    pub environment: Option<String>,
}

pub struct Compilation {
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
    /// Present when no diagnostic is an error.
    pub compiled: Option<Compiled>,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

pub fn compile(inputs: Vec<Input>, options: &Options) -> Compilation {
    let mut sources = Sources::new();
    let mut diagnostics = Vec::new();
    let mut readable = Vec::new();
    for input in inputs {
        match String::from_utf8(input.bytes) {
            Ok(text) => readable.push(sources.add(input.name, text)),
            Err(error) => {
                let valid_up_to = error.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
                // The lossy text has the same prefix, so the offset still points at the bad byte.
                let id = sources.add(input.name, text);
                let end = sources.get(id).text[valid_up_to..]
                    .chars()
                    .next()
                    .map_or(valid_up_to, |c| valid_up_to + c.len_utf8());
                diagnostics.push(
                    Diagnostic::new(Code::InvalidUtf8, "this file is not UTF-8 text")
                        .at(Span::new(id, valid_up_to, end), "invalid byte here")
                        .with_help("save the file as UTF-8; `.iamx` sources are text"),
                );
            }
        }
    }
    let mut files = Vec::new();
    for (id, parsed) in parse_all(&sources, &readable) {
        match parsed {
            Ok(ast) => files.push((id, ast)),
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    let mut compiled = None;
    if diagnostics.is_empty() {
        let (project, mut resolve_diagnostics) =
            resolve::resolve(&files, options.environment.as_deref(), &mut sources);
        diagnostics.append(&mut resolve_diagnostics);
        if let Some(project) = project {
            diagnostics.append(&mut crate::compile::checks::catalog_checks(&project));
            let (mut output, mut lower_diagnostics) = lower::lower(&project);
            diagnostics.append(&mut lower_diagnostics);
            // Split what is over a size quota before linting, so the lints see what is deployed.
            if !diagnostics.iter().any(Diagnostic::is_error) {
                diagnostics.append(&mut crate::compile::limits::apply(&mut output, &sources));
            }
            // Lint only faithful documents: after an error, parts of statements are missing.
            if !diagnostics.iter().any(Diagnostic::is_error) {
                diagnostics.append(&mut crate::compile::checks::lints(&output, &sources));
            }
            compiled = Some(output);
        }
    }
    diagnostics::sort(&mut diagnostics);
    let has_errors = diagnostics.iter().any(Diagnostic::is_error);
    Compilation {
        sources,
        diagnostics,
        compiled: if has_errors { None } else { compiled },
    }
}

/// Parses files on all cores: parsing is most of a build's work and files are independent.
/// Results come back in the order of `ids`, so output does not depend on scheduling.
fn parse_all(sources: &Sources, ids: &[FileId]) -> Vec<(FileId, Result<ast::File, Diagnostic>)> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(ids.len());
    if threads <= 1 {
        return ids
            .iter()
            .map(|&id| (id, parse::parse(id, &sources.get(id).text)))
            .collect();
    }
    // Interleave by size so each thread gets a similar share of the bytes.
    let mut by_size: Vec<usize> = (0..ids.len()).collect();
    by_size.sort_by_key(|&i| std::cmp::Reverse(sources.get(ids[i]).text.len()));
    let mut shares: Vec<Vec<usize>> = vec![Vec::new(); threads];
    for (n, index) in by_size.into_iter().enumerate() {
        shares[n % threads].push(index);
    }
    let mut results: Vec<Option<Result<ast::File, Diagnostic>>> =
        (0..ids.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = shares
            .into_iter()
            .map(|share| {
                scope.spawn(move || {
                    share
                        .into_iter()
                        .map(|i| (i, parse::parse(ids[i], &sources.get(ids[i]).text)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for handle in handles {
            for (i, result) in handle.join().expect("parsing never panics") {
                results[i] = Some(result);
            }
        }
    });
    ids.iter()
        .zip(results)
        .map(|(&id, result)| (id, result.expect("every file was parsed")))
        .collect()
}

/// The environments (`env NAME { ... }`) the sources declare, in order; files that do not parse
/// are skipped (compiling them reports why).
pub fn declared_environments(inputs: &[Input]) -> Vec<String> {
    let mut names = Vec::new();
    for input in inputs {
        let Ok(text) = std::str::from_utf8(&input.bytes) else {
            continue;
        };
        let Ok(file) = parse::parse(crate::source::FileId(0), text) else {
            continue;
        };
        for item in file.items {
            if let crate::syntax::ast::Item::Env(env) = item {
                if !names.contains(&env.name.node) {
                    names.push(env.name.node.clone());
                }
            }
        }
    }
    names
}
