//! `check` and `verify` stream the roles (`compile::Options::stream_roles`): each role's trust
//! and inline policies are measured, linted and proved in the job that lowers the role, and
//! then their statements are dropped. What they report must be what the compiler reports when
//! it keeps every document (as `build` does) and proves the roles afterwards. Compared here on
//! the examples and the golden cases' projects, and on projects made for the cases where
//! documents must be kept whole: policies `limits` divides, and roles a delegation is given to.

mod common;

use iamx::compile::{self, Compilation, Input, Options};
use iamx::verify::{self, Report};
use std::path::Path;

/// What a compilation reports: its diagnostics, and the verification of what compiled.
fn outcome(compilation: &Compilation, report: Option<&Report>) -> String {
    let mut text = format!("{:#?}\n", compilation.diagnostics);
    if let Some(report) = report {
        text.push_str(&serde_json::to_string_pretty(&report.subjects).unwrap());
        text.push_str(&format!("\n{:#?}\n", report.diagnostics));
    }
    text
}

/// The project compiled and verified with its roles streamed, and the compilation (whose
/// documents some may have dropped).
fn streamed(inputs: Vec<Input>) -> (String, Compilation) {
    streamed_proving(inputs, Some(&verify::role_prover))
}

/// [`streamed`], the roles proved by `prover` as they are lowered (`check --no-verify`: none).
fn streamed_proving(
    inputs: Vec<Input>,
    prover: Option<&compile::RoleProofs<Report>>,
) -> (String, Compilation) {
    let options = Options {
        stream_roles: true,
        ..Default::default()
    };
    let parsed = compile::parse_inputs(inputs, None, 1);
    let (compilation, proved) =
        compile::lower_parsed_proving(parsed, &options, prover).checked_then(&options, None, None);
    // Without a prover nothing is verified, as with `check --no-verify`.
    let compiled = compilation.compiled.as_ref().filter(|_| prover.is_some());
    let report = compiled.map(|c| verify::verify_compiled_with(c, proved));
    (outcome(&compilation, report.as_ref()), compilation)
}

/// The project compiled whole, every document kept, and verified.
fn whole(inputs: Vec<Input>) -> String {
    let options = Options::default();
    let compilation = compile::compile(inputs, &options);
    let report = compilation.compiled.as_ref().map(verify::verify_compiled);
    outcome(&compilation, report.as_ref())
}

/// The documents whose statements were dropped, as `kind name`.
fn dropped_documents(compilation: &Compilation) -> Vec<String> {
    let compiled = compilation.compiled.as_ref().expect("the project compiles");
    (compiled.documents.iter())
        .filter(|d| d.dropped_size.is_some())
        .map(|d| format!("{} {}", d.kind.as_str(), d.name))
        .collect()
}

fn input(name: &str, text: &str) -> Input {
    Input {
        name: name.into(),
        bytes: text.as_bytes().to_vec(),
    }
}

/// Both ways, the same report; gives the streamed report and compilation.
fn same_both_ways(inputs: Vec<Input>) -> (String, Compilation) {
    let (streamed, compilation) = streamed(inputs.clone());
    assert_eq!(streamed, whole(inputs), "streamed and whole differ");
    (streamed, compilation)
}

#[test]
fn every_project_of_the_repository_reports_the_same_streamed() {
    let root = common::root();
    let mut projects: Vec<Vec<Input>> = Vec::new();
    // Each example directory is a project; each `.iamx` of the golden cases is one.
    for entry in std::fs::read_dir(root.join("examples")).unwrap() {
        let dir = entry.unwrap().path();
        let mut files: Vec<_> = (std::fs::read_dir(&dir).unwrap())
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "iamx"))
            .collect();
        files.sort();
        projects.push(files.iter().map(|p| read(p)).collect());
    }
    for folder in ["diagnostics", "build", "verify-gaad", "diff"] {
        let dir = root.join("tests/golden").join(folder);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<_> = (entries.map(|e| e.unwrap().path()))
            .filter(|p| p.extension().is_some_and(|e| e == "iamx"))
            .collect();
        files.sort();
        projects.extend(files.iter().map(|p| vec![read(p)]));
    }
    assert!(projects.len() > 80, "{} projects", projects.len());
    let mut compared = 0;
    for inputs in projects {
        // Projects with environments are compiled once per environment by the CLI; here, the
        // first (the library's default) is enough to compare.
        let names: Vec<String> = inputs.iter().map(|i| i.name.clone()).collect();
        let (streamed, _) = streamed(inputs.clone());
        assert_eq!(streamed, whole(inputs), "{names:?}");
        compared += 1;
    }
    assert!(compared > 80);
}

fn read(path: &Path) -> Input {
    Input {
        name: path.to_string_lossy().into_owned(),
        bytes: std::fs::read(path).unwrap(),
    }
}

const HEADER: &str = "account \"123456789012\"\n\
    boundary Services {\n  allow s3:*, sqs:* on *\n  deny iam:* on *\n}\n";

/// Bounded roles, one of them escaping its boundary, another with no inline policy.
fn roles() -> String {
    let mut text = String::new();
    for i in 0..40 {
        text.push_str(&format!(
            "role service-{i} {{\n  boundary Services\n  trust service lambda.amazonaws.com\n  allow s3:GetObject on arn:aws:s3:::data-{i}/*\n}}\n"
        ));
    }
    text.push_str(
        "role service-escapes {\n  boundary Services\n  trust service lambda.amazonaws.com\n  allow dynamodb:GetItem on *\n}\n\
         role service-bare {\n  boundary Services\n  trust service lambda.amazonaws.com\n  attach ReadData\n}\n\
         policy ReadData { allow s3:GetObject on arn:aws:s3:::shared/* }\n",
    );
    text
}

#[test]
fn roles_are_dropped_once_proved_and_a_violation_is_still_found() {
    let text = format!("{HEADER}{}", roles());
    let (report, compilation) = same_both_ways(vec![input("main.iamx", &text)]);
    // The one role that escapes is found, by a proof made before its statements were dropped.
    assert_eq!(
        report.matches("\"verdict\": \"violated\"").count(),
        1,
        "{report}"
    );
    assert_eq!(
        report.matches("\"verdict\": \"proved\"").count(),
        41,
        "{report}"
    );
    let dropped = dropped_documents(&compilation);
    // Every role's trust policy, and every inline policy (the bare role has none).
    assert_eq!(dropped.len(), 42 + 41, "{dropped:?}");
    assert!(dropped.contains(&"role-inline service-escapes".to_string()));
    assert!(!dropped
        .iter()
        .any(|d| d.contains("ReadData") || d.contains("Services")));
}

#[test]
fn the_roles_a_delegation_is_given_to_keep_their_policies() {
    let delegation = "role developer {\n  trust account \"123456789012\"\n  allow s3:ListAllMyBuckets on *\n}\n\
        delegate Teams {\n  to role \"developer\"\n  boundary Services\n  prefix \"service-\"\n  pass_to lambda.amazonaws.com\n}\n";
    let text = format!("{HEADER}{}{delegation}", roles());
    let (_, compilation) = same_both_ways(vec![input("main.iamx", &text)]);
    let dropped = dropped_documents(&compilation);
    // Its trust lets in principals of the account: the delegation's check reads it, to see
    // whether a role the holders create may assume it.
    assert!(
        !dropped.contains(&"trust developer-trust".to_string()),
        "{dropped:?}"
    );
    assert!(
        !dropped.contains(&"role-inline developer".to_string()),
        "{dropped:?}"
    );
    // Trusts that name only a service are dropped as before.
    assert!(
        dropped.contains(&"trust service-3-trust".to_string()),
        "{dropped:?}"
    );
    assert!(
        dropped.contains(&"role-inline service-3".to_string()),
        "{dropped:?}"
    );
    // Without proofs (`check --no-verify`) nothing reads it later: it is dropped too.
    let (_, unproved) = streamed_proving(vec![input("main.iamx", &text)], None);
    assert!(
        dropped_documents(&unproved).contains(&"role-inline developer".to_string()),
        "{:?}",
        dropped_documents(&unproved)
    );
}

/// Two statements, `allow s3:GetObject on` and `allow s3:PutObject on` as many bucket ARNs as
/// make `characters` or more each.
fn long_statements(characters: usize) -> String {
    let arns: Vec<String> = (0..characters / 40 + 1)
        .map(|i| format!("arn:aws:s3:::bucket-number-{i:05}/*"))
        .collect();
    let arns = arns.join(", ");
    format!("  allow s3:GetObject on {arns}\n  allow s3:PutObject on {arns}\n")
}

#[test]
fn a_role_inline_policy_over_its_quota_is_divided_and_proved_whole() {
    // Divided into managed policies attached to the role, which is proved once divided.
    let big = format!(
        "role service-big {{\n  boundary Services\n  trust service lambda.amazonaws.com\n{}}}\n",
        long_statements(5_500)
    );
    let text = format!("{HEADER}{}{big}", roles());
    let (_, compilation) = same_both_ways(vec![input("main.iamx", &text)]);
    let compiled = compilation.compiled.as_ref().unwrap();
    assert!(!compiled.splits.is_empty());
    let dropped = dropped_documents(&compilation);
    // Proved once divided, after the roles: its trust is kept whole with its policy, as a
    // delegation's check may read it too.
    assert!(
        !dropped.contains(&"trust service-big-trust".to_string()),
        "{dropped:?}"
    );
    assert!(
        dropped.contains(&"role-inline service-7".to_string()),
        "{dropped:?}"
    );
    assert!(!dropped
        .iter()
        .any(|d| d.starts_with("role-inline service-big")));
}

#[test]
fn a_managed_policy_over_its_quota_keeps_every_role_whole() {
    // Its parts replace it wherever it is attached, roles included: no role is streamed.
    let big = format!("policy Wide {{\n{}}}\n", long_statements(4_000));
    let text = format!(
        "{HEADER}{}{big}",
        roles().replace("attach ReadData", "attach ReadData, Wide")
    );
    let (_, compilation) = same_both_ways(vec![input("main.iamx", &text)]);
    assert!(!compilation.compiled.as_ref().unwrap().splits.is_empty());
    assert_eq!(dropped_documents(&compilation), Vec::<String>::new());
}

#[test]
fn a_user_policy_divided_leaves_the_roles_streamed() {
    let user = format!(
        "user alice {{\n  boundary Services\n{}}}\n",
        long_statements(1_300)
    );
    let text = format!("{HEADER}{}{user}", roles());
    let (_, compilation) = same_both_ways(vec![input("main.iamx", &text)]);
    assert!(!compilation.compiled.as_ref().unwrap().splits.is_empty());
    assert_eq!(dropped_documents(&compilation).len(), 42 + 41);
}

#[test]
fn lints_of_dropped_documents_are_reported_once() {
    // A lint in a role's inline policy (a redundant statement) and in its trust policy.
    let text = format!(
        "{HEADER}role service-lint {{\n  boundary Services\n  trust service lambda.amazonaws.com\n  allow s3:* on *\n  allow s3:GetObject on arn:aws:s3:::x/*\n}}\n{}",
        roles()
    );
    let (_, compilation) = same_both_ways(vec![input("main.iamx", &text)]);
    assert!(
        !compilation.diagnostics.is_empty(),
        "the redundant statement is reported"
    );
}
