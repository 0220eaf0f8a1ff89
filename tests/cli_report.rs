//! `iamx report`: the escalation graph of an account as DOT, Mermaid, text and an HTML page.
//! Goldens in `tests/golden/report/` for the hand-made account `tests/data/report/escalation.json`
//! (a user reaching an admin role in two steps through a role that passes it to Lambda, a
//! bounded copy of that role whose boundary blocks the pass, an access key, a group join, a
//! role writing its own policy); the directory written is those outputs, all or nothing, the
//! same bytes every run; a project, its build output and its GAAD give the same report.

mod common;

use common::{iamx, iamx_process, root, write_file, Goldens};
use std::path::PathBuf;
use std::process::Stdio;
use tempfile::TempDir;

const FIXTURE: &str = "tests/data/report/escalation.json";

fn golden(name: &str) -> PathBuf {
    root().join("tests/golden/report").join(name)
}

/// `iamx report ARGS`: exit code, stdout, stderr.
fn report(args: &[&str]) -> (i32, String, String) {
    let output = iamx()
        .arg("report")
        .args(args)
        .args(["--color", "never"])
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn format(source: &[&str], format: &str) -> String {
    let mut args = source.to_vec();
    args.extend(["--format", format]);
    let (code, stdout, stderr) = report(&args);
    assert_eq!(code, 0, "{source:?} {format}: {stderr}");
    stdout
}

#[test]
fn the_fixture_matches_the_goldens() {
    let mut goldens = Goldens::new();
    let source = ["--gaad", FIXTURE];
    goldens.check(&golden("escalation.dot"), &format(&source, "dot"));
    goldens.check(&golden("escalation.mmd"), &format(&source, "mermaid"));
    goldens.check(&golden("escalation.txt"), &format(&source, "text"));
    // A project with a delegation: holders and delegated roles with what they reach.
    let project = ["tests/data/report/delegation"];
    goldens.check(&golden("delegation.txt"), &format(&project, "text"));
    goldens.check(&golden("delegation.dot"), &format(&project, "dot"));
    goldens.finish();
}

#[test]
fn the_boundary_blocks_the_bounded_deployer() {
    let text = format(&["--gaad", FIXTURE], "text");
    assert!(text.contains("user dev -> role bounded-deployer: assume"));
    assert!(!text.contains("role bounded-deployer -> "), "{text}");
    assert!(!text.contains("role app -> "), "{text}");
    let dot = format(&["--gaad", FIXTURE], "dot");
    assert!(dot.contains(
        "\"role/deployer\" -> \"role/lambda-admin\" [label=\"pass to lambda\", color=red"
    ));
    assert!(!dot.contains("\"role/bounded-deployer\" ->"), "{dot}");
}

#[test]
fn the_directory_holds_every_form_and_is_the_same_every_run() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("report");
    let run = || {
        let (code, _, stderr) = report(&["--gaad", FIXTURE, "-o", out.to_str().unwrap()]);
        assert_eq!(code, 0, "{stderr}");
        assert!(stderr.contains("6 escalations"), "{stderr}");
        common::read_tree(&out)
    };
    let first = run();
    let names: Vec<String> = first
        .iter()
        .map(|(p, _)| p.to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        ["graph.dot", "graph.mmd", "paths.txt", "report.html"]
    );
    assert_eq!(first, run(), "a second run wrote other bytes");
    let file = |name: &str| std::fs::read_to_string(out.join(name)).unwrap();
    assert_eq!(file("graph.dot"), format(&["--gaad", FIXTURE], "dot"));
    assert_eq!(file("report.html"), format(&["--gaad", FIXTURE], "html"));
    // The page needs nothing from the network.
    let html = file("report.html");
    for remote in ["http://", "https://", "src=", "href=", "@import"] {
        let outside_svg_namespace = html.replace("http://www.w3.org/2000/svg", "");
        assert!(
            !outside_svg_namespace.contains(remote),
            "report.html refers to `{remote}`"
        );
    }
}

#[test]
fn nothing_is_written_on_errors_and_other_directories_are_kept() {
    let dir = TempDir::new().unwrap();
    // A GAAD with an error: a located diagnostic, no directory.
    let bad = write_file(
        dir.path(),
        "bad.json",
        "{\"RoleDetailList\": [{\"RoleName\": \"r\", \"Arn\": \"arn:aws:iam::111122223333:role/r\",\n  \"AssumeRolePolicyDocument\": {\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Alow\", \"Action\": \"sts:AssumeRole\"}]}}]}",
    );
    let out = dir.path().join("out");
    let (code, _, stderr) = report(&["--gaad", &bad, "-o", out.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("bad.json:2:"), "{stderr}");
    assert!(stderr.contains("is not an account export"), "{stderr}");
    assert!(!out.exists());
    // A directory that is not a report is not replaced.
    let other = dir.path().join("other");
    write_file(&other, "keep.txt", "mine");
    let (code, _, stderr) = report(&["--gaad", FIXTURE, "-o", other.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("is not an iamx report directory"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(other.join("keep.txt")).unwrap(),
        "mine"
    );
    // A project that does not compile.
    let broken = write_file(dir.path(), "p.iamx", "role r { allow s3:GetObjet on * }\n");
    let (code, _, stderr) = report(&[&broken, "-o", out.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("p.iamx:1:"), "{stderr}");
    assert!(!out.exists());
    // Usage.
    let (code, _, stderr) = report(&[]);
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) = report(&["--gaad", FIXTURE, "examples/seed"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot be used with"), "{stderr}");
}

#[test]
fn a_project_its_build_output_and_its_gaad_report_alike() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("out");
    common::build("examples/data-platform", &out).success();
    let from_project = format(&["examples/data-platform"], "text");
    let from_output = format(&[out.to_str().unwrap()], "text");
    assert_eq!(from_project, from_output);
    // tests/data/explain/data-platform-gaad.json is scripts/gaad-from-build.py of its build; a
    // GAAD carries no delegations, so its report lacks that section.
    let from_gaad = format(
        &["--gaad", "tests/data/explain/data-platform-gaad.json"],
        "text",
    );
    // The sections after it (Undecided) are the same.
    let without_delegations = |text: &str| match text.split_once("\n# Delegations\n") {
        Some((before, after)) => {
            let rest = after.find("\n# ").map_or("", |at| &after[at..]);
            format!("{before}{rest}")
        }
        None => text.to_string(),
    };
    assert_eq!(
        without_delegations(&from_gaad),
        without_delegations(&from_project)
    );
    // An attached policy neither defines is not evaluated, and the report says so.
    assert!(
        from_gaad.contains("# Undecided (not drawn)\nrole auditor: arn:aws:iam::aws:policy/SecurityAudit not in the account export"),
        "{from_gaad}"
    );
}

#[test]
fn exit_code_says_whether_anyone_escalates() {
    let (code, _, _) = report(&["--gaad", FIXTURE, "--format", "dot", "--exit-code"]);
    assert_eq!(code, 1);
    let (code, _, stderr) = report(&["examples/seed", "--format", "dot", "--exit-code"]);
    assert_eq!(code, 0, "{stderr}");
    // No escalation among what was decided, but the auditor's AWS managed policy is not held:
    // a gate fails closed (3, as verify's unknown), while the report itself is made (0).
    let (code, _, stderr) = report(&["examples/data-platform", "--format", "dot"]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = report(&["examples/data-platform", "--format", "dot", "--exit-code"]);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("0 escalations"), "{stderr}");
    assert!(stderr.contains("could not be decided"), "{stderr}");
}

#[test]
fn a_closed_standard_output_ends_quietly() {
    for format in ["html", "dot", "mermaid", "text"] {
        let mut child = iamx_process()
            .args(["report", "--gaad", FIXTURE, "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{format}: {stderr}");
        assert!(
            matches!(output.status.code(), Some(0 | 141)),
            "{format}: {stderr}"
        );
    }
}
