//! Times `verify` on a generated project (scripts/gen-bench-project.py, 10,000 roles by default)
//! and one role-versus-boundary proof and one delegation-safety proof of the seed example.
//! Run: `cargo bench --bench verify [-- ROLES]`. CPU times come from /proc (Linux) and, unlike
//! wall time, are not inflated when other processes compete for the cores.

use iamx::compile::output::{Compiled, DocumentKind};
use iamx::compile::{compile, Input, Options};
use iamx::iam::located::LocatedDocument;
use iamx::verify::{self, Verdict};
use std::hint::black_box;
use std::process::Command;
use std::time::Instant;

/// CPU time of the whole process (all threads), in seconds.
fn process_cpu() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// CPU time of this thread, in nanoseconds.
fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

fn inputs(dir: &std::path::Path) -> Vec<Input> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "iamx"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| Input {
            name: p.display().to_string(),
            bytes: std::fs::read(p).unwrap(),
        })
        .collect()
}

fn per_iteration<T>(label: &str, iterations: u32, mut f: impl FnMut() -> T) {
    for _ in 0..iterations / 10 {
        black_box(f());
    }
    let (wall, cpu) = (Instant::now(), thread_cpu_ns());
    for _ in 0..iterations {
        black_box(f());
    }
    let wall = wall.elapsed().as_secs_f64() * 1e6 / iterations as f64;
    let cpu = match (cpu, thread_cpu_ns()) {
        (Some(a), Some(b)) => format!("{:>8.1} µs CPU", (b - a) as f64 / 1e3 / iterations as f64),
        _ => "CPU time n/a".to_string(),
    };
    println!("{label:<44} {wall:>8.1} µs wall {cpu} per iteration ({iterations} iterations)");
}

fn located(compiled: &Compiled, kind: DocumentKind, name: &str) -> LocatedDocument {
    let document = compiled
        .documents
        .iter()
        .find(|d| d.kind == kind && (d.name == name || d.owner.as_deref() == Some(name)))
        .unwrap();
    document.located(format!("{} {name}", kind.as_str()))
}

fn main() {
    let roles: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    let dir = std::env::temp_dir().join(format!("iamx-bench-verify-{roles}"));
    let status = Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scripts/gen-bench-project.py"
        ))
        .arg(&dir)
        .arg(roles.to_string())
        .arg("100")
        .status()
        .expect("python3 runs the generator");
    assert!(status.success());
    let compilation = compile(inputs(&dir), &Options::default());
    let compiled = compilation
        .compiled
        .expect("the generated project compiles");

    for run in 1..=3 {
        let (wall, cpu) = (Instant::now(), process_cpu());
        let report = verify::verify_compiled(&compiled);
        let wall = wall.elapsed().as_secs_f64();
        let cpu = match (cpu, process_cpu()) {
            (Some(a), Some(b)) => format!("{:.2} s CPU (all threads)", b - a),
            _ => "CPU n/a".to_string(),
        };
        let proved = report
            .subjects
            .iter()
            .filter(|s| s.verdict == Verdict::Proved)
            .count();
        println!(
            "run {run}: verify_compiled on {roles} roles: {wall:.3} s wall, {cpu}; {proved}/{} proved",
            report.subjects.len()
        );
    }

    let seed = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/seed");
    let seed = compile(inputs(std::path::Path::new(seed)), &Options::default())
        .compiled
        .unwrap();
    let role = [located(&seed, DocumentKind::RoleInline, "service-etl")];
    let boundary = [located(&seed, DocumentKind::Boundary, "S3Only")];
    let span = role[0].span;
    per_iteration("seed: service-etl inside S3Only", 2000, || {
        verify::check_containment(&role, &boundary, "role service-etl", span)
    });
    let info = &seed.delegations[0];
    let delegation = [located(&seed, DocumentKind::Delegation, &info.name)];
    let scope = iamx::compile::delegation::Scope::of(&seed, info);
    let own: Vec<String> = info.to.iter().map(|t| t.2.clone()).collect();
    per_iteration("seed: delegation Employees is safe", 200, || {
        verify::check_delegation(&delegation, None, &scope, &own, "delegation", span)
    });
}
