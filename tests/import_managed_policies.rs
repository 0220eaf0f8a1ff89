//! Round trip of every AWS managed policy through `iamx import`: each document becomes a
//! `policy` block, which must compile back to the same canonical document.
//!
//! The policies come from the file named by `IAMX_MANAGED_POLICIES` (moto's
//! `aws_managed_policies_data`: a JSON object from policy name to `{"Document": ...}`); see
//! `scripts/roundtrip-managed-policies.sh`. Without the variable the test is skipped.

use iamx::import::{self, CanonicalEquality};

#[test]
fn aws_managed_policies_round_trip() {
    let Some(path) = std::env::var_os("IAMX_MANAGED_POLICIES") else {
        eprintln!("skipped: set IAMX_MANAGED_POLICIES (see scripts/roundtrip-managed-policies.sh)");
        return;
    };
    let text = std::fs::read_to_string(&path).expect("readable policy file");
    let all: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&text).expect("a JSON object of policies");
    let mut failures = Vec::new();
    for (name, entry) in &all {
        let document = entry.get("Document").expect("a Document").to_string();
        if let Err(errors) =
            import::import(&[(format!("{name}.json"), document)], &CanonicalEquality)
        {
            failures.push(format!("{name}: {}", errors.join("; ")));
        }
    }
    // A policy the language cannot express must be refused with a reason naming the statement
    // ("cannot be written in .iamx"); anything else (a compile error, a mismatch) is a bug.
    let (refused, broken): (Vec<_>, Vec<_>) = failures
        .iter()
        .partition(|f| f.contains("cannot be written in .iamx"));
    let exact = all.len() - failures.len();
    eprintln!(
        "{exact} of {} AWS managed policies round-trip exactly; {} refused as inexpressible, {} broken",
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
    assert!(
        exact * 100 >= all.len() * 95,
        "fewer than 95% round-trip exactly"
    );
}
