//! Round trip of every AWS managed policy through `iamx import`: each document becomes a
//! `policy` block, which must compile back to the same access.
//!
//! Each import is checked by the importer itself with the access oracle: the compiled document
//! (for a policy the build splits over the customer quota, the union of its parts) must be
//! canonically equal, equal up to the case of action names and the division of an oversized
//! statement, or proved by the engine to allow exactly the same requests; "undecided" is a
//! failure. A policy with a statement no customer managed policy can hold, even divided (a long
//! `NotAction` list), imports as it is, marked `aws_managed`, and the build keeps it whole.
//!
//! The policies come from the file named by `IAMX_MANAGED_POLICIES` (moto's
//! `aws_managed_policies_data`: a JSON object from policy name to `{"Document": ...}`), which
//! `scripts/moto.sh` (and so CI) exports; see also `scripts/roundtrip-managed-policies.sh`.
//! Without the variable the test is skipped, except under `CI=true`, where it fails.

use iamx::import::{self, AccessEquality};

#[test]
fn aws_managed_policies_round_trip() {
    let Some(path) = std::env::var_os("IAMX_MANAGED_POLICIES") else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI must set IAMX_MANAGED_POLICIES (scripts/moto.sh does)"
        );
        eprintln!("skipped: set IAMX_MANAGED_POLICIES (see scripts/roundtrip-managed-policies.sh)");
        return;
    };
    let started = std::time::Instant::now();
    let text = std::fs::read_to_string(&path).expect("readable policy file");
    let all: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&text).expect("a JSON object of policies");
    let mut failures = Vec::new();
    let mut kept_whole = Vec::new();
    for (name, entry) in &all {
        let document = entry.get("Document").expect("a Document").to_string();
        match import::import(&[(format!("{name}.json"), document)], &AccessEquality) {
            Ok(imported) => {
                if imported.source.contains("\n  aws_managed\n") {
                    kept_whole.push(name.as_str());
                }
            }
            Err(errors) => failures.push(format!("{name}: {}", errors.join("; "))),
        }
    }
    eprintln!(
        "{}/{} AWS managed policies import, build and round-trip with the same access ({} kept whole over the customer managed quota, marked `aws_managed`: {}) in {:.1} s",
        all.len() - failures.len(),
        all.len(),
        kept_whole.len(),
        kept_whole.join(", "),
        started.elapsed().as_secs_f64()
    );
    // Anything refused (a compile error, a different access, an undecided proof) is a bug.
    assert!(failures.is_empty(), "import bugs:\n{}", failures.join("\n"));
    assert!(!all.is_empty());
}
