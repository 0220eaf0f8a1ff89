//! `iamx diff` as CI uses it: `--exit-code`, `--rev` against a real git repository, build
//! output directories, colour, and usage errors.

mod common;

use common::{build, iamx, write_file};
use predicates::prelude::*;
use std::fs;
use std::path::Path;
use tempfile::TempDir;

const OLD: &str = r#"account "123456789012"

role app {
  trust service ec2.amazonaws.com
  allow s3:{GetObject, PutObject} on arn:aws:s3:::acme/app/*
}
"#;

/// A one-file project in the directory `dir/name`; returns the directory's path.
fn project(dir: &Path, name: &str, text: &str) -> String {
    write_file(dir, &format!("{name}/main.iamx"), text);
    dir.join(name).to_string_lossy().into_owned()
}

#[test]
fn exit_code_fails_only_when_access_widens() {
    let temp = TempDir::new().unwrap();
    let old = project(temp.path(), "old", OLD);
    let wider = project(
        temp.path(),
        "wider",
        &OLD.replace(
            "{GetObject, PutObject}",
            "{GetObject, PutObject, DeleteObject}",
        ),
    );
    let narrower = project(
        temp.path(),
        "narrower",
        &OLD.replace("{GetObject, PutObject}", "GetObject"),
    );
    let reordered = project(
        temp.path(),
        "reordered",
        &OLD.replace("{GetObject, PutObject}", "{PutObject, GetObject}"),
    );
    iamx()
        .args(["diff", "--exit-code", &old, &wider])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "+ s3:DeleteObject on arn:aws:s3:::acme/app/*",
        ));
    // Without --exit-code a difference is not a failure.
    iamx().args(["diff", &old, &wider]).assert().code(0);
    iamx()
        .args(["diff", "--exit-code", &old, &narrower])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("- s3:PutObject on"));
    iamx()
        .args(["diff", "--exit-code", &old, &reordered])
        .assert()
        .code(0)
        .stdout(predicate::str::is_match(r"documents?: \d+ unchanged;").unwrap());
}

#[test]
fn exit_code_fails_closed_on_what_it_cannot_decide() {
    // A role's boundary moves between two policies neither project holds: whether access
    // widened is not known, so a gate fails with 3 (verify's and report's "could not decide").
    let temp = TempDir::new().unwrap();
    let role = |boundary: &str| {
        format!(
            "account \"123456789012\"\nrole app {{\n  trust service ec2.amazonaws.com\n  boundary arn:aws:iam::123456789012:policy/{boundary}\n  allow s3:GetObject on *\n}}\n"
        )
    };
    let old = project(temp.path(), "old", &role("ExtA"));
    let new = project(temp.path(), "new", &role("ExtB"));
    iamx()
        .args(["diff", "--exit-code", &old, &new])
        .assert()
        .code(3)
        .stdout(predicate::str::contains(
            "and neither is part of the compared projects",
        ))
        .stdout(predicate::str::contains(
            "access widened in 0, undecided in 1",
        ));
    iamx().args(["diff", &old, &new]).assert().code(0);
}

#[test]
fn rev_compares_a_git_revision_with_the_working_tree() {
    let temp = TempDir::new().unwrap();
    let repo = temp.path();
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .current_dir(repo)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .output()
            .unwrap();
        assert!(status.status.success(), "git {args:?}: {status:?}");
    };
    git(&["init", "-q"]);
    project(repo, "iam", OLD);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "first"]);
    // Unchanged working tree: nothing to report.
    iamx()
        .current_dir(repo)
        .args(["diff", "--exit-code", "--rev", "HEAD", "iam"])
        .assert()
        .code(0)
        .stdout(predicate::str::is_match(r"documents?: \d+ unchanged;").unwrap());
    fs::write(
        repo.join("iam/main.iamx"),
        OLD.replace("s3:{GetObject, PutObject}", "s3:*"),
    )
    .unwrap();
    let assert = iamx()
        .current_dir(repo.join("iam"))
        .args(["diff", "--exit-code", "--rev", "HEAD", "--color", "never"])
        .assert()
        .code(1);
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(
        stdout.contains("--- HEAD/roles/app/inline.json"),
        "{stdout}"
    );
    assert!(
        stdout.contains("+++ working-tree/roles/app/inline.json"),
        "{stdout}"
    );
    assert!(
        stdout.contains("+ s3:* on arn:aws:s3:::acme/app/*"),
        "{stdout}"
    );
    // A revision that does not exist is a usage error.
    iamx()
        .current_dir(repo)
        .args(["diff", "--rev", "no-such-rev", "iam"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-rev"));
}

#[test]
fn a_build_output_directory_compares_with_its_sources() {
    let temp = TempDir::new().unwrap();
    let out = temp.path().join("out");
    build("examples/seed", &out).success();
    iamx()
        .args(["diff", "--exit-code"])
        .arg(&out)
        .arg("examples/seed")
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "4 documents: 4 unchanged; access widened nowhere",
        ));
    // A document file edited after the build is compared like any other.
    let inline = out.join("roles/service-etl/inline.json");
    let text = fs::read_to_string(&inline)
        .unwrap()
        .replace("\"s3:PutObject\"", "\"s3:Put*\"");
    fs::write(&inline, text).unwrap();
    iamx()
        .args(["diff", "--exit-code", "examples/seed"])
        .arg(&out)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("+ s3:Put* on"));
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let args = [
        "diff",
        "tests/golden/diff/wildcard-widening/old",
        "tests/golden/diff/wildcard-widening/new",
    ];
    iamx()
        .args(args)
        .args(["--color", "always"])
        .assert()
        .stdout(predicate::str::contains("\x1b[32m"));
    // Auto: stdout is a pipe here, so no colour.
    iamx()
        .args(args)
        .assert()
        .stdout(predicate::str::contains("\x1b[").not());
}

/// The old side of `--rev` is named as git names it, `REV:path`, never by the temporary
/// directory it is extracted to; broken input exits 1, as `iamx check` does.
#[test]
fn rev_names_files_rev_colon_path_and_broken_input_exits_1() {
    let temp = TempDir::new().unwrap();
    let repo = temp.path();
    let git = |args: &[&str]| {
        let output = std::process::Command::new("git")
            .current_dir(repo)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .output()
            .unwrap();
        assert!(output.status.success(), "git {args:?}: {output:?}");
    };
    git(&["init", "-q"]);
    project(repo, "iam", OLD);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "first"]);
    fs::write(
        repo.join("iam/main.iamx"),
        OLD.replace("PutObject", "DeleteObject"),
    )
    .unwrap();
    let assert = iamx()
        .current_dir(repo)
        .args(["diff", "--rev", "HEAD", "iam", "--format", "markdown"])
        .assert()
        .code(0);
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(stdout.contains("HEAD:iam/main.iamx:5"), "{stdout}");
    assert!(!stdout.contains("iamx-diff-"), "{stdout}");
    // A revision that does not compile: its diagnostics name `HEAD:iam/main.iamx`.
    fs::write(
        repo.join("iam/main.iamx"),
        OLD.replace("GetObject", "GetObjet"),
    )
    .unwrap();
    git(&["commit", "-q", "-a", "-m", "broken"]);
    fs::write(repo.join("iam/main.iamx"), OLD).unwrap();
    let assert = iamx()
        .current_dir(repo)
        .args(["diff", "--rev", "HEAD", "iam"])
        .assert()
        .code(1)
        .stdout("");
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("HEAD:iam/main.iamx:5:"), "{stderr}");
    assert!(stderr.contains("`HEAD:iam` does not compile"), "{stderr}");
    assert!(!stderr.contains("iamx-diff-"), "{stderr}");
    // Broken plain JSON, too.
    let json = write_file(repo, "broken.json", "{\"Version\": ");
    iamx()
        .args(["diff", &json, &json])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not an IAM policy document"));
}

/// Projects with environments are compared in every environment, in one report.
#[test]
fn every_environment_is_compared() {
    let temp = TempDir::new().unwrap();
    let two = "env dev { account \"111111111111\" }\nenv prod { account \"222222222222\" }\n";
    let body = OLD.replace("account \"123456789012\"\n", two);
    let old = project(temp.path(), "old", &body);
    let new = project(
        temp.path(),
        "new",
        &body.replace("PutObject", "DeleteObject"),
    );
    let assert = iamx()
        .args(["diff", &old, &new, "--color", "never"])
        .assert()
        .code(0);
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(
        stdout.contains("changed role-inline dev/app (dev/roles/app/inline.json)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("changed role-inline prod/app (prod/roles/app/inline.json)"),
        "{stdout}"
    );
    let assert = iamx()
        .args(["diff", &old, &new, "--env", "prod"])
        .assert()
        .code(0);
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(
        stdout.contains("prod/app") && !stdout.contains("dev/app"),
        "{stdout}"
    );
    // A wrong --env: one error, with the closest name.
    let assert = iamx()
        .args(["diff", &old, &new, "--env", "prd"])
        .assert()
        .code(1)
        .stdout("");
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert_eq!(stderr.matches("error").count(), 1, "{stderr}");
    assert!(stderr.contains("did you mean `prod`?"), "{stderr}");
}

#[test]
fn usage_errors_exit_with_2() {
    iamx()
        .args(["diff", "examples/seed"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("two versions"));
    iamx()
        .args(["diff", "examples/seed", "no/such/dir"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/dir"));
    iamx()
        .args(["diff", "--format", "yaml", "a", "b"])
        .assert()
        .code(2);
}

/// `diff` shows a version's errors and no warnings: a document over its size quota is an error
/// there too, and a version with only warnings compares.
#[test]
fn a_version_over_a_size_quota_is_an_error_and_warnings_are_not_shown() {
    let temp = TempDir::new().unwrap();
    let old = project(temp.path(), "old", OLD);
    let statements: String = (0..150)
        .map(|i| {
            format!("  allow s3:GetObject on arn:aws:s3:::bucket-with-a-long-name-number-{i}/*\n")
        })
        .collect();
    let huge = format!("{OLD}\nboundary Huge {{\n{statements}}}\n");
    let too_large = project(temp.path(), "too-large", &huge);
    iamx()
        .args(["diff", &old, &too_large])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error[E0401]: boundary `Huge`"))
        .stderr(predicate::str::contains("over IAM's managed policy quota"));
    // `allow * on *` warns in `check` (W0402); `diff` compares it without a word.
    let warned = project(
        temp.path(),
        "warned",
        &OLD.replace(
            "{GetObject, PutObject} on arn:aws:s3:::acme/app/*",
            "* on *",
        ),
    );
    iamx()
        .args(["diff", &old, &warned])
        .assert()
        .code(0)
        .stderr(predicate::str::is_empty());
}

/// Two versions that do not compile are both reported, the old one first, each with all its
/// errors: the new one's error in a document the old one has too is not skipped.
#[test]
fn two_broken_versions_are_reported_in_order_with_every_error() {
    let temp = TempDir::new().unwrap();
    // S3 ARNs have no region (E0203).
    let broken = OLD.replace(
        "arn:aws:s3:::acme/app/*",
        "arn:aws:s3:eu-west-1::acme/app/*",
    );
    let old = project(temp.path(), "old", &broken);
    let new = project(
        temp.path(),
        "new",
        &format!("{broken}\npolicy Extra {{\n  allow s3:GetObject on arn:aws:s3:us-east-1::extra/*\n}}\n"),
    );
    let output = iamx().args(["diff", &old, &new]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let at = |text: &str| {
        let found: Vec<_> = stderr.match_indices(text).map(|(at, _)| at).collect();
        assert!(!found.is_empty(), "no `{text}` in {stderr}");
        found
    };
    let shared = at("`arn:aws:s3:eu-west-1::acme/app/*` is not a valid resource");
    let extra = at("`arn:aws:s3:us-east-1::extra/*` is not a valid resource");
    let old_done = at("does not compile; nothing was compared");
    assert_eq!(
        (shared.len(), extra.len(), old_done.len()),
        (2, 1, 2),
        "{stderr}"
    );
    assert!(
        shared[0] < old_done[0] && old_done[0] < shared[1],
        "{stderr}"
    );
    assert!(
        shared[1] < old_done[1] && extra[0] < old_done[1],
        "{stderr}"
    );
    assert!(stderr[..old_done[0]].contains("/old/main.iamx"), "{stderr}");
}

/// `iamx diff --exit-code` of two plain JSON policies: (exit code, stdout).
fn json_diff(old: &str, new: &str) -> (i32, String) {
    let temp = TempDir::new().unwrap();
    let policy =
        |statements: &str| format!(r#"{{"Version":"2012-10-17","Statement":{statements}}}"#);
    write_file(temp.path(), "a.json", &policy(old));
    write_file(temp.path(), "b.json", &policy(new));
    let output = iamx()
        .current_dir(temp.path())
        .args([
            "diff",
            "--color",
            "never",
            "--exit-code",
            "a.json",
            "b.json",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    (output.status.code().unwrap(), stdout)
}

/// Two projects `old` and `new`: (exit code, stdout).
fn project_diff(old: &str, new: &str) -> (i32, String) {
    let temp = TempDir::new().unwrap();
    let old = project(temp.path(), "old", old);
    let new = project(temp.path(), "new", new);
    let output = iamx()
        .args(["diff", "--color", "never", "--exit-code", &old, &new])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    (output.status.code().unwrap(), stdout)
}

/// A role's or user's tags decide its `aws:PrincipalTag` conditions: a tag change is shown, and
/// the access it decides is undecided (exit 3), never "no change".
#[test]
fn a_principal_tag_change_is_shown_and_its_access_undecided() {
    let old = r#"account "123456789012"

role app {
  trust service ec2.amazonaws.com
  allow s3:GetObject on arn:aws:s3:::secret/* when aws:PrincipalTag/team == "admin"
  tag team = "etl"
}
"#;
    let (code, out) = project_diff(old, &old.replace("\"etl\"", "\"admin\""));
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("tag: team=etl -> team=admin"), "{out}");
    assert!(out.contains("tests `aws:PrincipalTag/...`"), "{out}");
    // A tag no policy tests changes nothing.
    let plain = old.replace(" when aws:PrincipalTag/team == \"admin\"", "");
    let (code, out) = project_diff(&plain, &plain.replace("\"etl\"", "\"admin\""));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("tag: team=etl -> team=admin"), "{out}");
}

/// An account principal covers every principal of the account: removing a deny of one of
/// them under an allow of the account is added access; an anonymous caller cannot assume a
/// role.
#[test]
fn an_account_principal_covers_its_users_and_roles() {
    for (account, denied) in [
        (
            "arn:aws:iam::444455556666:root",
            "arn:aws:iam::444455556666:role/x",
        ),
        ("444455556666", "arn:aws:iam::444455556666:user/bob"),
    ] {
        let allow = format!(
            r#"{{"Effect":"Allow","Principal":{{"AWS":"{account}"}},"Action":"sts:AssumeRole"}}"#
        );
        let deny = format!(
            r#"{{"Effect":"Deny","Principal":{{"AWS":"{denied}"}},"Action":"sts:AssumeRole"}}"#
        );
        let (code, out) = json_diff(&format!("[{allow},{deny}]"), &format!("[{allow}]"));
        assert_eq!(code, 1, "{out}");
        assert!(
            out.contains(&format!("example: AWS {denied} calls sts:AssumeRole")),
            "{out}"
        );
    }
    let trust = |principal: &str| {
        format!(r#"[{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"}}]"#)
    };
    let (_, out) = json_diff(&trust(r#"{"AWS":"*"}"#), &trust(r#""*""#));
    assert!(!out.contains("anonymous"), "{out}");
}

/// A deny added to a policy a role attaches, or a policy with denies newly attached, removes
/// what the role's other policies allow: the role's entry says so.
#[test]
fn a_deny_added_to_an_attached_policy_removes_the_roles_access() {
    let old = r#"account "123456789012"

policy Guard {
  deny s3:PutObject on arn:aws:s3:::prod/*
}

role app {
  trust service ec2.amazonaws.com
  attach Guard
  allow s3:* on *
}
"#;
    let new = old.replace(
        "  deny s3:PutObject on arn:aws:s3:::prod/*\n",
        "  deny s3:PutObject on arn:aws:s3:::prod/*\n  deny s3:GetObject on *\n",
    );
    let (code, out) = project_diff(old, &new);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("changed role app"), "{out}");
    assert!(
        out.contains("- s3:GetObject on *  [now denied by managed-policy Guard statement 2"),
        "{out}"
    );
    let detached = old.replace("  attach Guard\n", "");
    let (_, out) = project_diff(&detached, old);
    assert!(
        out.contains("- s3:PutObject on *  [now denied by managed-policy Guard statement 1"),
        "{out}"
    );
}

/// Requests AWS cannot receive are not access: `*` and `*:*`, a wildcard and the catalog's
/// actions it stands for, keys AWS ties together or spells its own way.
#[test]
fn no_access_is_claimed_for_requests_aws_cannot_receive() {
    let allow = |action: &str, condition: &str| {
        format!(r#"[{{"Effect":"Allow","Action":{action},"Resource":"*"{condition}}}]"#)
    };
    let (code, out) = json_diff(&allow(r#""*""#, ""), &allow(r#""*:*""#, ""));
    assert_eq!(
        (code, out.contains("no change in access")),
        (0, true),
        "{out}"
    );
    let spelled: Vec<String> = [
        "",
        "Acl",
        "Annotation",
        "Attributes",
        "LegalHold",
        "Retention",
        "Tagging",
        "Torrent",
        "Version",
        "VersionAcl",
        "VersionAnnotation",
        "VersionAnnotationForReplication",
        "VersionAttributes",
        "VersionForReplication",
        "VersionTagging",
        "VersionTorrent",
    ]
    .iter()
    .map(|s| format!("\"s3:GetObject{s}\""))
    .collect();
    let spelled = format!("[{}]", spelled.join(","));
    for (a, b) in [
        (spelled.as_str(), "\"s3:GetObject*\""),
        ("\"s3:GetObject*\"", spelled.as_str()),
    ] {
        let (code, out) = json_diff(&allow(a, ""), &allow(b, ""));
        assert_eq!(
            (code, out.contains("no change in access")),
            (0, true),
            "{out}"
        );
    }
    let (code, out) = json_diff(
        &allow(
            r#""s3:GetObject""#,
            r#","Condition":{"StringEquals":{"aws:PrincipalType":"AssumedRole"}}"#,
        ),
        &allow(
            r#""s3:GetObject""#,
            r#","Condition":{"StringEqualsIgnoreCase":{"aws:PrincipalType":"assumedrole"}}"#,
        ),
    );
    assert_eq!(
        (code, out.contains("no change in access")),
        (0, true),
        "{out}"
    );
    // aws:PrincipalArn and aws:PrincipalAccount name one account: the new version allows no
    // principal the old one did not (undecided, not added); the removal shows a user.
    let (code, out) = json_diff(
        &allow(
            r#""s3:GetObject""#,
            r#","Condition":{"StringEquals":{"aws:PrincipalAccount":"444455556666"}}"#,
        ),
        &allow(
            r#""s3:GetObject""#,
            r#","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::444455556666:role/*"}}"#,
        ),
    );
    assert_eq!(code, 3, "{out}");
    assert!(!out.contains("access added"), "{out}");
    assert!(
        out.contains("aws:PrincipalArn=\"arn:aws:iam::444455556666:"),
        "{out}"
    );
}

/// Past the split limit, an entry lists only the actions that were added.
#[test]
fn an_entry_past_the_split_limit_lists_only_what_was_added() {
    let actions: Vec<String> = describe_actions()
        .into_iter()
        .take(100)
        .map(|a| format!("\"{a}\""))
        .collect();
    let statement = |list: &[String]| {
        format!(
            r#"[{{"Effect":"Allow","Action":[{}],"Resource":"*"}}]"#,
            list.join(",")
        )
    };
    let (code, out) = json_diff(&statement(&actions[..99]), &statement(&actions));
    assert_eq!(code, 1, "{out}");
    let added = actions[99].trim_matches('"');
    assert!(
        out.contains(&format!("+ {added} on *  [statement 1]")),
        "{out}"
    );
    assert!(!out.contains(actions[0].trim_matches('"')), "{out}");
}

/// The first `ec2:Describe*` actions of the catalog.
fn describe_actions() -> Vec<String> {
    iamx::catalog::Catalog::get()
        .expand_actions("ec2:Describe*")
        .iter()
        .map(|a| a.full_name())
        .collect()
}
