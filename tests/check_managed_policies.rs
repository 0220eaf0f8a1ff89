//! `iamx check` over every AWS managed policy gives no error: what the IAM API accepts (AWS's
//! own policies are the largest set of documents it accepted) must never be an error.
//!
//! The policies come from the file named by `IAMX_MANAGED_POLICIES` (moto's
//! `aws_managed_policies_data`, as for `tests/import_managed_policies.rs`), or else straight from
//! moto when `python3` can import it. Without either the test is skipped, saying so.

mod common;

use iamx::source::Sources;

fn managed_policies() -> Option<String> {
    if let Some(path) = std::env::var_os("IAMX_MANAGED_POLICIES") {
        return Some(std::fs::read_to_string(path).expect("readable policy file"));
    }
    let output = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys; from moto.iam.aws_managed_policies import aws_managed_policies_data as d; sys.stdout.write(d)",
        ])
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn aws_managed_policies_give_no_errors() {
    let Some(text) = managed_policies() else {
        eprintln!("skipped: set IAMX_MANAGED_POLICIES or install moto for python3");
        return;
    };
    let all: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&text).expect("a JSON object of policies");
    let mut sources = Sources::default();
    let mut errors = Vec::new();
    let mut warnings = 0;
    for (name, entry) in &all {
        let document = serde_json::to_string_pretty(&entry["Document"]).unwrap();
        let file = format!("{name}.json");
        let id = sources.add(file.clone(), document);
        let checked = iamx::checks::json::check(id, &file, &sources.get(id).text, None);
        for d in checked.diagnostics {
            if d.is_error() {
                errors.push(format!("{name}: {} {}", d.code.as_str(), d.message));
            } else {
                warnings += 1;
            }
        }
    }
    eprintln!(
        "checked {} AWS managed policies: {} errors, {warnings} warnings",
        all.len(),
        errors.len()
    );
    assert!(all.len() > 1000, "expected moto's full set of policies");
    assert!(errors.is_empty(), "errors:\n{}", errors.join("\n"));
}
