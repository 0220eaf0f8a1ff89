//! Times each compiler stage on a generated project (scripts/gen-bench-project.py, 10,000 roles
//! by default). Run: `cargo bench --bench pipeline [-- ROLES]`.

use iamx::compile::{compile, lower, resolve, Input, Options};
use iamx::emit;
use iamx::source::Sources;
use iamx::syntax::parse;
use std::process::Command;
use std::time::Instant;

fn main() {
    let roles: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    let dir = std::env::temp_dir().join(format!("iamx-bench-{roles}"));
    let status = Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scripts/gen-bench-project.py"
        ))
        .arg(&dir)
        .arg(roles.to_string())
        .status()
        .expect("python3 runs the generator");
    assert!(status.success());
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let inputs: Vec<Input> = paths
        .iter()
        .map(|p| Input {
            name: p.display().to_string(),
            bytes: std::fs::read(p).unwrap(),
        })
        .collect();
    let bytes: usize = inputs.iter().map(|i| i.bytes.len()).sum();
    println!(
        "{roles} roles, {} files, {} KiB",
        inputs.len(),
        bytes / 1024
    );

    let start = Instant::now();
    let mut sources = Sources::new();
    let files: Vec<_> = inputs
        .iter()
        .map(|input| {
            let id = sources.add(
                input.name.clone(),
                String::from_utf8(input.bytes.clone()).unwrap(),
            );
            (
                id,
                std::sync::Arc::new(parse::parse(id, &sources.get(id).text).unwrap()),
            )
        })
        .collect();
    let parsed = start.elapsed();
    let (taken, held) = resolve::take_trees(files);
    let (project, diagnostics) = resolve::resolve(taken, &held, None, &mut sources);
    assert!(diagnostics.is_empty());
    let resolved = start.elapsed();
    // The roles are resolved in the lowering's jobs; their catalog checks, which run there
    // too, are left out.
    let lowered = lower::lower::<(), ()>(
        project,
        || (),
        |_, _| Vec::new(),
        None,
        lower::Sharing::None,
    );
    assert!(lowered.resolution.is_empty());
    let compiled = lowered.compiled;
    let lowered = start.elapsed();
    let output = emit::emit(&compiled);
    let emitted = start.elapsed();
    println!(
        "parse {:>6.1} ms | resolve but the roles {:>6.1} ms | resolve the roles and lower {:>6.1} ms | emit {:>6.1} ms | total {:>6.1} ms ({} files)",
        ms(parsed),
        ms(resolved - parsed),
        ms(lowered - resolved),
        ms(emitted - lowered),
        ms(emitted),
        output.len()
    );
    let start = Instant::now();
    let compilation = compile(inputs, &Options::default());
    assert!(compilation.compiled.is_some());
    println!("compile() end to end: {:.1} ms", ms(start.elapsed()));
}

fn ms(duration: std::time::Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
