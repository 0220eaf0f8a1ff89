//! The AWS API (a moto server) accepts the delegation policies and self-propagating boundaries
//! iamx emits for every example: `aws iam create-policy --policy-document file://...`.
//!
//! Skipped, with a note, unless `IAMX_MOTO_ENDPOINT` names a running moto server
//! (e.g. `http://127.0.0.1:5000`). The aws CLI is `IAMX_AWS_CLI` or `aws` on the PATH.

use iamx::compile::output::DocumentKind;
use iamx::compile::{compile, Input, Options};
use std::process::Command;

fn inputs(dir: &str) -> Vec<Input> {
    let dir = format!("{}/examples/{dir}", env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| Input {
            name: p.display().to_string(),
            bytes: std::fs::read(&p).unwrap(),
        })
        .collect()
}

#[test]
fn moto_accepts_delegation_and_boundary_documents() {
    let Ok(endpoint) = std::env::var("IAMX_MOTO_ENDPOINT") else {
        eprintln!("note: IAMX_MOTO_ENDPOINT is not set; skipping the moto acceptance test");
        return;
    };
    let cli = std::env::var("IAMX_AWS_CLI").unwrap_or_else(|_| "aws".to_string());
    if Command::new(&cli).arg("--version").output().is_err() {
        eprintln!(
            "note: no aws CLI at `{cli}` (set IAMX_AWS_CLI); skipping the moto acceptance test"
        );
        return;
    }
    let temp = tempfile::TempDir::new().unwrap();
    let mut accepted = 0;
    for (dir, env) in [
        ("seed", None),
        ("data-platform", None),
        ("serverless", Some("prod")),
    ] {
        let compiled = compile(
            inputs(dir),
            &Options {
                environment: env.map(str::to_string),
                ..Default::default()
            },
        )
        .compiled
        .expect("the example compiles");
        for document in &compiled.documents {
            if !matches!(
                document.kind,
                DocumentKind::Delegation | DocumentKind::Boundary
            ) {
                continue;
            }
            let file = temp.path().join(format!("{dir}-{}.json", document.name));
            std::fs::write(&file, document.policy.to_canonical_json()).unwrap();
            // Unique names: the same moto server may serve several runs.
            let name = format!("iamx-{}-{dir}-{}", std::process::id(), document.name);
            let output = Command::new(&cli)
                .args(["--endpoint-url", &endpoint, "--region", "us-east-1"])
                .args(["iam", "create-policy", "--policy-name", &name])
                .arg("--policy-document")
                .arg(format!("file://{}", file.display()))
                .env("AWS_ACCESS_KEY_ID", "testing")
                .env("AWS_SECRET_ACCESS_KEY", "testing")
                .env("AWS_DEFAULT_REGION", "us-east-1")
                .output()
                .expect("the aws CLI runs");
            assert!(
                output.status.success(),
                "{dir}: {} was rejected:\n{}",
                document.file,
                String::from_utf8_lossy(&output.stderr)
            );
            let reply: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
            assert!(reply["Policy"]["Arn"].as_str().unwrap().ends_with(&name));
            accepted += 1;
        }
    }
    // Three delegations and the three boundaries they use.
    assert_eq!(accepted, 6);
    eprintln!("moto accepted {accepted} delegation and boundary documents");
}
