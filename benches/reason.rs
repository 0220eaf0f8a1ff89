//! Timing of one role-versus-boundary check on typical policies (std::time, no extra crates).
//! Run with `cargo bench --bench reason`.

use iamx::iam::policy::PolicyDocument;
use iamx::reason::{contained, evaluate, Containment, Request};
use std::hint::black_box;
use std::time::Instant;

fn doc(statements: &str) -> PolicyDocument {
    iamx::iam::read::policy_from_str(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#
    ))
    .unwrap()
}

fn boundary() -> PolicyDocument {
    doc(r#"
      {"Sid":"Data","Effect":"Allow","Action":["s3:Get*","s3:List*","s3:PutObject"],"Resource":["arn:aws:s3:::acme-data","arn:aws:s3:::acme-data/*"]},
      {"Sid":"Logs","Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:*:111122223333:log-group:/app/*"},
      {"Sid":"Queue","Effect":"Allow","Action":"sqs:*","Resource":"arn:aws:sqs:eu-west-1:111122223333:app-*"},
      {"Sid":"PassOwn","Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/app-*","Condition":{"StringEquals":{"iam:PassedToService":["lambda.amazonaws.com","ecs-tasks.amazonaws.com"]}}},
      {"Sid":"NoTls","Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#)
}

fn contained_role() -> PolicyDocument {
    doc(r#"
      {"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::acme-data","arn:aws:s3:::acme-data/raw/*"],"Condition":{"Bool":{"aws:SecureTransport":"true"}}},
      {"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::acme-data/out/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}},
      {"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:eu-west-1:111122223333:log-group:/app/api:*","Condition":{"Bool":{"aws:SecureTransport":"true"}}},
      {"Effect":"Allow","Action":["sqs:SendMessage","sqs:ReceiveMessage"],"Resource":"arn:aws:sqs:eu-west-1:111122223333:app-jobs","Condition":{"Bool":{"aws:SecureTransport":"true"}}},
      {"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/app-worker","Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"},"Bool":{"aws:SecureTransport":"true"}}}"#)
}

fn escaping_role() -> PolicyDocument {
    doc(r#"
      {"Effect":"Allow","Action":["s3:GetObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::acme-data/*"},
      {"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::acme-*/*"},
      {"Effect":"Allow","Action":"logs:*","Resource":"arn:aws:logs:*:111122223333:log-group:/app/*"},
      {"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:*:111122223333:app-*"},
      {"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/*"}"#)
}

/// Nanoseconds this thread has run on a CPU (Linux), which unlike wall time is not inflated
/// when other processes compete for the cores.
fn cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

fn time<T>(label: &str, iterations: u32, mut f: impl FnMut() -> T) {
    for _ in 0..iterations / 10 {
        black_box(f());
    }
    let (wall, cpu) = (Instant::now(), cpu_ns());
    for _ in 0..iterations {
        black_box(f());
    }
    let wall = wall.elapsed().as_secs_f64() * 1e6 / iterations as f64;
    let cpu = match (cpu, cpu_ns()) {
        (Some(a), Some(b)) => format!("{:>8.1} µs CPU", (b - a) as f64 / 1e3 / iterations as f64),
        _ => String::from("CPU time n/a"),
    };
    println!("{label:<52} {wall:>8.1} µs wall {cpu} per iteration ({iterations} iterations)");
}

fn main() {
    let b = [boundary()];
    let ok = [contained_role()];
    let bad = [escaping_role()];
    assert_eq!(contained(&ok, &b), Containment::Contained);
    assert!(matches!(contained(&bad, &b), Containment::Escapes { .. }));
    time(
        "contained: 5-statement role vs 5-statement boundary",
        2000,
        || contained(&ok, &b),
    );
    if std::env::var_os("REASON_BENCH_CONTAINED_ONLY").is_some() {
        return;
    }
    time(
        "escapes:   5-statement role vs 5-statement boundary",
        2000,
        || contained(&bad, &b),
    );
    let request = Request::new("s3:GetObject", "arn:aws:s3:::acme-data/raw/k")
        .with("aws:SecureTransport", "true");
    time("evaluate: one request", 100_000, || {
        evaluate(&ok, Some(&b), &request)
    });
}
