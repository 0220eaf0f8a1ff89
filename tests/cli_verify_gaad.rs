//! `iamx verify PROJECT --gaad FILE`: the project against the account it is deployed in. The
//! exports in `tests/data/verify-gaad/` are `scripts/gaad-from-build.py` of the seed's build,
//! then changed: `seed-escalation.json` adds an unbounded role `service-admin` and a policy
//! `service-shared` attached to it (both under the delegated prefix); `seed-drift.json` takes
//! the boundary and the inline policy off `service-etl`.

mod common;

use common::{iamx, root, Goldens};
use predicates::prelude::*;

fn verify(gaad: &str) -> (i32, String, String) {
    let output = iamx()
        .args(["verify", "examples/seed", "--color", "never", "--gaad"])
        .arg(format!("tests/data/verify-gaad/{gaad}"))
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn a_clean_account_answers_the_prefix_assumption() {
    let (code, stdout, stderr) = verify("seed.json");
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout
            .contains("proved: delegation Employees allows no escalation in account 123456789012"),
        "{stdout}"
    );
    assert!(
        stdout.contains("note: reaches role service-etl (")
            && stdout.contains("carries the boundary"),
        "{stdout}"
    );
    assert!(
        stdout.contains("the prefix is clean: not assumed, checked against"),
        "{stdout}"
    );
    assert!(
        !stderr.contains("warning[") && !stderr.contains("error["),
        "{stderr}"
    );
}

#[test]
fn reachable_unbounded_roles_and_policies_are_escalations_with_the_calls() {
    let mut goldens = Goldens::new();
    for (gaad, golden) in [
        ("seed-escalation.json", "escalation"),
        ("seed-drift.json", "drift"),
    ] {
        let (code, stdout, stderr) = verify(gaad);
        assert_eq!(code, 1, "{stdout}{stderr}");
        assert!(
            stdout.contains("VIOLATED: delegation Employees escalates in account"),
            "{stdout}"
        );
        goldens.check(
            &root().join(format!("tests/golden/verify-gaad/{golden}.err")),
            &stderr,
        );
    }
    goldens.finish();
}

#[test]
fn an_export_of_another_account_is_refused() {
    iamx()
        .args([
            "verify",
            "examples/seed",
            "--gaad",
            "tests/data/explain/data-platform-gaad.json",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "an export of another account than the project's (123456789012)",
        ));
    iamx()
        .args([
            "verify",
            "examples/seed",
            "--gaad",
            "tests/data/verify-gaad/missing.json",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read"));
}

#[test]
fn gaad_without_a_project_is_one_error_with_a_help() {
    let output = iamx()
        .args(["verify", "--no-config", "--color", "never", "--gaad"])
        .arg("tests/data/explain/data-platform-gaad.json")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let stderr = String::from_utf8(output).unwrap();
    assert_eq!(stderr.matches("error").count(), 1, "{stderr}");
    assert!(
        stderr.contains("help: --gaad checks a project against its account"),
        "{stderr}"
    );
}
