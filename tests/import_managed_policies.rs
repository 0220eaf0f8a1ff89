//! Round trip of every AWS managed policy through `iamx import`: each document becomes a
//! `policy` block, which must compile back to the same canonical document.
//!
//! Each import is checked by the importer itself with the access oracle: the compiled document
//! (for a policy the build splits over the customer quota, the union of its parts) must be
//! canonically equal, equal up to the case of action names and the division of an oversized
//! statement, or proved by the engine to allow exactly the same requests.
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
    let text = std::fs::read_to_string(&path).expect("readable policy file");
    let all: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&text).expect("a JSON object of policies");
    let mut failures = Vec::new();
    for (name, entry) in &all {
        let document = entry.get("Document").expect("a Document").to_string();
        if let Err(errors) = import::import(&[(format!("{name}.json"), document)], &AccessEquality)
        {
            failures.push(format!("{name}: {}", errors.join("; ")));
        }
    }
    // A policy a customer managed policy cannot hold must be refused with a reason naming the
    // statement; anything else (a compile error, a mismatch, an undecided proof) is a bug.
    let (refused, broken): (Vec<_>, Vec<_>) = failures
        .iter()
        .partition(|f| f.contains("cannot be written in .iamx"));
    let exact = all.len() - failures.len();
    eprintln!(
        "{exact}/{} AWS managed policies import, build and round-trip with the same access; {} refused as inexpressible, {} broken",
        all.len(),
        refused.len(),
        broken.len()
    );
    for failure in &refused {
        eprintln!("refused: {}", failure.lines().next().unwrap_or_default());
    }
    assert!(
        broken.is_empty(),
        "import bugs:\n{}",
        broken
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    // The one reason a copy of an AWS managed policy cannot exist: a statement over the
    // customer quota that cannot be divided (a `NotAction` list). Any other refusal is a gap.
    for failure in &refused {
        assert!(
            failure.contains("cannot be divided"),
            "refused for another reason: {failure}"
        );
    }
    assert!(!all.is_empty());
}
