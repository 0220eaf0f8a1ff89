//! Golden tests, laid out by phase:
//! - `examples/<name>/` compiled, compared file by file with `tests/expected/examples/<name>/`
//!   (the documents, `manifest.json`, and the CloudFormation and Terraform files);
//! - `tests/golden/build/<case>.iamx` → `<case>.out` (every output file, concatenated);
//! - `tests/golden/diagnostics/<case>.iamx` → `<case>.err` (diagnostics rendered without colour);
//!   a case without `.err` must compile with no diagnostic at all. Cases that compile are also
//!   verified (as `iamx build` does), so verify's diagnostics appear in the same `.err` file.
//!
//! A case may start with `// env: NAME` to build for an environment. Run with `UPDATE_GOLDEN=1`
//! to rewrite the expected files after an intended change, then review the diff.

mod common;

use common::{root, updating_goldens, Goldens};
use iamx::compile::{compile, Input, Options};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

fn files_with_extension(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == extension))
        .collect();
    found.sort();
    found
}

fn options_for(text: &str) -> Options {
    let environment = text
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("// env: "))
        .map(|env| env.trim().to_string());
    Options {
        environment,
        ..Default::default()
    }
}

fn concatenated(files: &BTreeMap<String, String>) -> String {
    files
        .iter()
        .map(|(path, contents)| format!("=== {path}\n{contents}"))
        .collect()
}

#[test]
fn examples_build_to_the_expected_trees() {
    let mut goldens = Goldens::new();
    let examples = root().join("examples");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&examples)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 3, "expected at least three example projects");
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let inputs: Vec<Input> = files_with_extension(&dir, "iamx")
            .into_iter()
            .map(|path| Input {
                name: format!(
                    "examples/{name}/{}",
                    path.file_name().unwrap().to_string_lossy()
                ),
                bytes: fs::read(&path).unwrap(),
            })
            .collect();
        // A project with environments is built once per environment, into `<name>.<env>`.
        let environments = iamx::compile::declared_environments(&inputs);
        let builds: Vec<(String, Option<String>)> = if environments.is_empty() {
            vec![(name.clone(), None)]
        } else {
            environments
                .into_iter()
                .map(|env| (format!("{name}.{env}"), Some(env)))
                .collect()
        };
        for (build, environment) in builds {
            check_example(&build, inputs.clone(), environment, &mut goldens);
        }
    }
    goldens.finish();
}

fn check_example(
    name: &str,
    inputs: Vec<Input>,
    environment: Option<String>,
    goldens: &mut Goldens,
) {
    {
        let compilation = compile(
            inputs,
            &Options {
                environment,
                ..Default::default()
            },
        );
        let rendered =
            iamx::diagnostics::render(&compilation.diagnostics, &compilation.sources, false);
        let Some(compiled) = compilation.compiled else {
            goldens.fail(format!("example {name} does not build:\n{rendered}"));
            return;
        };
        assert!(
            rendered.is_empty(),
            "example {name} has warnings:\n{rendered}"
        );
        // The deployable formats too: their account references, rules and outputs are
        // compiler output like the documents.
        let mut output = iamx::emit::emit(&compiled);
        for format in [
            iamx::emit::Format::CloudFormation,
            iamx::emit::Format::Terraform,
        ] {
            output.extend(iamx::emit::emit_format(&compiled, format).unwrap().files);
        }
        let expected_dir = root().join("tests/expected/examples").join(name);
        if updating_goldens() {
            let _ = fs::remove_dir_all(&expected_dir);
        }
        for (path, contents) in &output {
            goldens.check(&expected_dir.join(path), contents);
        }
        if !updating_goldens() {
            for extra in walk(&expected_dir) {
                let relative = extra
                    .strip_prefix(&expected_dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                if !output.contains_key(&relative) {
                    goldens.fail(format!(
                        "{} is expected but no longer built",
                        extra.display()
                    ));
                }
            }
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                found.extend(walk(&path));
            } else {
                found.push(path);
            }
        }
    }
    found
}

#[test]
fn build_cases_produce_the_expected_documents() {
    let mut goldens = Goldens::new();
    for case in files_with_extension(&root().join("tests/golden/build"), "iamx") {
        let text = fs::read_to_string(&case).unwrap();
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let compilation = compile(
            vec![Input {
                name: name.clone(),
                bytes: text.clone().into_bytes(),
            }],
            &options_for(&text),
        );
        let rendered =
            iamx::diagnostics::render(&compilation.diagnostics, &compilation.sources, false);
        match compilation.compiled {
            Some(compiled) => {
                let mut actual = concatenated(&iamx::emit::emit(&compiled));
                if !rendered.is_empty() {
                    actual = format!("{rendered}{actual}");
                }
                goldens.check(&case.with_extension("out"), &actual)
            }
            None => goldens.fail(format!("{name} must build but failed:\n{rendered}")),
        }
    }
    goldens.finish();
}

#[test]
fn diagnostic_cases_render_the_expected_messages() {
    let mut goldens = Goldens::new();
    for case in files_with_extension(&root().join("tests/golden/diagnostics"), "iamx") {
        let bytes = fs::read(&case).unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let compilation = compile(
            vec![Input {
                name: name.clone(),
                bytes,
            }],
            &options_for(&text),
        );
        let mut diagnostics = compilation.diagnostics.clone();
        if let Some(compiled) = &compilation.compiled {
            diagnostics.extend(iamx::verify::verify_compiled(compiled).diagnostics);
            iamx::diagnostics::sort(&mut diagnostics);
        }
        let rendered = iamx::diagnostics::render(&diagnostics, &compilation.sources, false);
        let expected = case.with_extension("err");
        // A case without an `.err` file must compile without any diagnostic.
        if rendered.is_empty() {
            if updating_goldens() {
                let _ = fs::remove_file(&expected);
            } else if expected.exists() {
                goldens.fail(format!(
                    "{name} no longer reports anything; expected {}",
                    expected.display()
                ));
            }
            continue;
        }
        if !expected.exists() && !updating_goldens() {
            goldens.fail(format!(
                "{name} must compile cleanly but reports:\n{rendered}"
            ));
            continue;
        }
        goldens.check(&expected, &rendered);
    }
    goldens.finish();
}

/// A later version checked knowing an earlier one that compiled (what `diff` does) skips the
/// documents the earlier one has, and finds every error all the same: a role's changed
/// statement with a malformed ARN is still reported, after a policy split over its quota
/// (which renumbers the documents).
#[test]
fn a_later_version_checked_knowing_an_earlier_one_finds_every_error() {
    use iamx::compile::{lower_parsed, parse_inputs, Compilation};
    let statements: String = (0..120)
        .map(|i| format!("  allow s3:GetObject on arn:aws:s3:::bucket-{i:03}/a/long/prefix/*\n"))
        .collect();
    let earlier_text = format!(
        "account \"123456789012\"\npolicy Big {{\n{statements}}}\n\
         role app {{\n  trust service ec2.amazonaws.com\n  allow s3:GetObject on arn:aws:s3:::a/*\n}}\n\
         role web {{\n  trust service ec2.amazonaws.com\n  allow s3:PutObject on arn:aws:s3:::w/*\n}}\n"
    );
    // S3 ARNs have no region: E0203, found by the document checks.
    let later_text = earlier_text.replace("arn:aws:s3:::w/*", "arn:aws:s3:eu-west-1::w/*");
    let options = Options {
        errors_only: true,
        ..Default::default()
    };
    let input = |text: &str| {
        vec![Input {
            name: "main.iamx".into(),
            bytes: text.as_bytes().to_vec(),
        }]
    };
    let earlier = compile(input(&earlier_text), &options);
    let earlier = earlier.compiled.expect("the earlier version compiles");
    assert!(!earlier.splits.is_empty(), "policy Big is split");
    let later = || lower_parsed(parse_inputs(input(&later_text), None, 1), &options);
    let errors = |c: &Compilation| -> Vec<_> {
        (c.diagnostics.iter())
            .filter(|d| d.is_error())
            .map(|d| d.message.clone())
            .collect()
    };
    let alone = later().checked(&options, None);
    let knowing = later().checked(&options, Some(&earlier));
    assert_eq!(
        errors(&alone),
        ["`arn:aws:s3:eu-west-1::w/*` is not a valid resource (in role inline `web`)"]
    );
    assert_eq!(errors(&knowing), errors(&alone));
    // The same version again: every document is known, and it compiles.
    let again = lower_parsed(parse_inputs(input(&earlier_text), None, 1), &options);
    let again = again.checked(&options, Some(&earlier));
    assert!(again.compiled.is_some(), "{:?}", again.diagnostics);
}

/// `errors_only` (what `diff` compiles with) skips only checks that warn: on every diagnostic
/// case it finds the same errors, and reports no warning the full compilation does not.
#[test]
fn errors_only_finds_every_error() {
    let mut compared = 0;
    let mut skipped = 0;
    for case in files_with_extension(&root().join("tests/golden/diagnostics"), "iamx") {
        let bytes = fs::read(&case).unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let input = vec![Input { name, bytes }];
        let full = compile(input.clone(), &options_for(&text));
        let mut options = options_for(&text);
        options.errors_only = true;
        let quick = compile(input, &options);
        let errors = |c: &iamx::compile::Compilation| -> Vec<_> {
            c.diagnostics
                .iter()
                .filter(|d| d.is_error())
                .cloned()
                .collect()
        };
        assert_eq!(errors(&quick), errors(&full), "{}", case.display());
        assert_eq!(quick.compiled.is_some(), full.compiled.is_some());
        assert!(
            quick
                .diagnostics
                .iter()
                .all(|d| d.is_error() || full.diagnostics.contains(d)),
            "{}",
            case.display()
        );
        compared += 1;
        skipped += usize::from(quick.diagnostics.len() < full.diagnostics.len());
    }
    // Warnings were skipped in some cases, or the comparison would say little.
    assert!(
        compared > 50 && skipped > 5,
        "{compared} cases, {skipped} with warnings skipped"
    );
}
