//! What `iamx build` leaves in an output directory it writes again: nothing it generated in an
//! earlier build in another format or layout, every file of the user's (Terraform state,
//! `.terraform/`, their own `*.tf`), and, with `--env`, the other environments as they were;
//! and where the managed policies a split makes of a principal's inline policies are filed.

mod common;

use common::{iamx, read_tree, write_file};
use predicates::prelude::*;
use std::fs;
use std::path::Path;
use tempfile::TempDir;

const FLAT: &str = "account \"123456789012\"\n\
    role app {\n  trust service ec2.amazonaws.com\n  allow s3:GetObject on arn:aws:s3:::b/*\n}\n";

const ENVIRONMENTS: &str = "account \"123456789012\"\n\
    env dev {\n  account \"111111111111\"\n}\n\
    env prod {\n  account \"222222222222\"\n}\n\
    role app {\n  trust service ec2.amazonaws.com\n  allow s3:GetObject on arn:aws:s3:::b/*\n}\n";

fn build(project: &str, out: &Path, args: &[&str]) {
    iamx()
        .args(["build", project, "--no-config", "-o"])
        .arg(out)
        .args(args)
        .assert()
        .success();
}

/// The files a user (or Terraform) keeps in an output directory `dir`.
fn add_users_files(dir: &Path) {
    fs::create_dir_all(dir.join(".terraform/providers")).unwrap();
    fs::write(dir.join(".terraform/providers/lock"), "x").unwrap();
    fs::write(dir.join("terraform.tfstate"), "state").unwrap();
    fs::write(dir.join("provider.tf"), "provider \"aws\" {}\n").unwrap();
    fs::write(dir.join("extra.tf.json"), "{}\n").unwrap();
}

fn assert_users_files(dir: &Path) {
    assert_eq!(
        fs::read_to_string(dir.join("terraform.tfstate")).unwrap(),
        "state"
    );
    assert!(dir.join(".terraform/providers/lock").is_file());
    assert!(dir.join("provider.tf").is_file());
    assert!(dir.join("extra.tf.json").is_file());
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

/// A `main.tf.json` left beside a new `template.json` would deploy the old configuration with
/// the next `terraform apply`: each re-build in another format or layout removes what the
/// earlier one generated, and keeps only the user's files.
#[test]
fn a_rebuild_in_another_format_or_layout_leaves_no_generated_file_behind() {
    let temp = TempDir::new().unwrap();
    let flat = write_file(temp.path(), "flat/main.iamx", FLAT);
    let environments = write_file(temp.path(), "environments/main.iamx", ENVIRONMENTS);

    for format in ["cloudformation", "iam"] {
        let out = temp.path().join(format!("to-{format}"));
        build(&flat, &out, &["--format", "terraform"]);
        add_users_files(&out);
        build(&flat, &out, &["--format", format]);
        assert!(!out.join("main.tf.json").exists(), "{format}: main.tf.json");
        assert_eq!(
            out.join("template.json").exists(),
            format == "cloudformation"
        );
        assert_users_files(&out);
    }

    // Flat, then with environments: the top-level `main.tf.json` is gone, the state stays.
    let out = temp.path().join("to-environments");
    build(&flat, &out, &["--format", "terraform"]);
    add_users_files(&out);
    build(&environments, &out, &["--format", "terraform"]);
    assert!(!out.join("main.tf.json").exists());
    assert!(out.join("dev/main.tf.json").is_file());
    assert_users_files(&out);

    // With environments, then flat: each old environment keeps the user's files, no more.
    let out = temp.path().join("to-flat");
    build(&environments, &out, &["--format", "terraform"]);
    add_users_files(&out.join("dev"));
    build(&flat, &out, &["--format", "cloudformation"]);
    assert!(out.join("template.json").is_file());
    assert_users_files(&out.join("dev"));
    for generated in ["dev/main.tf.json", "dev/manifest.json", "dev/roles", "prod"] {
        assert!(!out.join(generated).exists(), "{generated}");
    }
    // ... and keeps them in later builds too.
    build(&flat, &out, &[]);
    assert_users_files(&out.join("dev"));
}

/// `--env prod` builds prod and leaves dev's directory (its state above all) as it was; the
/// top-level manifest lists every environment the directory holds. A build of every
/// environment keeps the user's files of each, and of one the sources no longer declare.
#[test]
fn building_some_environments_leaves_the_others_as_they_were() {
    let temp = TempDir::new().unwrap();
    let project = write_file(temp.path(), "project/main.iamx", ENVIRONMENTS);
    let out = temp.path().join("out");
    build(&project, &out, &["--format", "terraform"]);
    let manifest_of_all = fs::read_to_string(out.join("manifest.json")).unwrap();
    add_users_files(&out.join("dev"));
    add_users_files(&out.join("prod"));
    let dev = read_tree(&out.join("dev"));

    fs::write(&project, ENVIRONMENTS.replace("b/*", "c/*")).unwrap();
    iamx()
        .args([
            "build",
            &project,
            "--no-config",
            "--format",
            "terraform",
            "--env",
            "prod",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "dev is left as an earlier build wrote it",
        ));
    assert_eq!(read_tree(&out.join("dev")), dev, "dev is untouched");
    assert_users_files(&out.join("prod"));
    let inline = fs::read_to_string(out.join("prod/roles/app/inline.json")).unwrap();
    assert!(
        inline.contains("arn:aws:s3:::c/*"),
        "prod is rebuilt: {inline}"
    );
    // The same listing as a build of both: every environment of the directory, in order.
    assert_eq!(
        fs::read_to_string(out.join("manifest.json")).unwrap(),
        manifest_of_all
    );
    // Readers of the output still find dev by the top-level manifest.
    iamx()
        .args([
            "explain",
            "--env",
            "dev",
            "--role",
            "app",
            "--action",
            "s3:GetObject",
        ])
        .args(["--resource", "arn:aws:s3:::b/x"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("allowed"));

    // Every environment: both rebuilt, the user's files of both kept.
    build(&project, &out, &["--format", "terraform"]);
    assert_users_files(&out.join("dev"));
    assert_users_files(&out.join("prod"));
    let inline = fs::read_to_string(out.join("dev/roles/app/inline.json")).unwrap();
    assert!(
        inline.contains("arn:aws:s3:::c/*"),
        "dev is rebuilt: {inline}"
    );

    // `prod` renamed `live`: prod's output goes, its state stays; the manifest lists the new.
    fs::write(&project, ENVIRONMENTS.replace("env prod", "env live")).unwrap();
    build(&project, &out, &["--format", "terraform"]);
    assert_users_files(&out.join("prod"));
    assert!(!out.join("prod/main.tf.json").exists());
    assert!(!out.join("prod/manifest.json").exists());
    let names: Vec<String> = json(&out.join("manifest.json"))["environments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["dev", "live"]);
}

/// A role's path may hold any printable ASCII, a managed policy's may not (`CreatePolicy`):
/// the parts of a role's split inline policies are then at `/`, in every file that names them.
#[test]
fn split_parts_of_a_principal_get_its_path_only_when_a_policy_may_have_it() {
    let temp = TempDir::new().unwrap();
    let mut project = String::from("account \"123456789012\"\n");
    for (role, path) in [("bigrole", "/r$x%y/"), ("teamrole", "/team/etl/")] {
        project.push_str(&format!(
            "role {role} {{\n  path \"{path}\"\n  trust service ec2.amazonaws.com\n"
        ));
        for i in 0..160 {
            project.push_str(&format!(
                "  allow s3:GetObject on arn:aws:s3:::bucket-number-{i:04}-with-a-long-name/*\n"
            ));
        }
        project.push_str("}\n");
    }
    let project = write_file(temp.path(), "big.iamx", &project);
    let expected = |role: &str, path: &str| -> Vec<(String, String)> {
        (1..=3)
            .map(|i| {
                let arn = format!("arn:aws:iam::123456789012:policy{path}{role}-{i}");
                (path.to_string(), arn)
            })
            .collect()
    };

    for format in ["terraform", "cloudformation"] {
        let out = temp.path().join(format);
        build(&project, &out, &["--format", format]);
        let manifest = json(&out.join("manifest.json"));
        for (role, path) in [("bigrole", "/"), ("teamrole", "/team/etl/")] {
            let parts: Vec<(String, String)> = (manifest["documents"].as_array().unwrap())
                .iter()
                .filter(|d| d["kind"] == "managed-policy")
                .filter(|d| d["name"].as_str().unwrap().starts_with(&format!("{role}-")))
                .map(|d| {
                    let path = d["path"].as_str().unwrap().to_string();
                    (path, d["arn"].as_str().unwrap().to_string())
                })
                .collect();
            assert_eq!(parts, expected(role, path), "{format}: {role}");
            let attached = (manifest["roles"].as_array().unwrap())
                .iter()
                .find(|r| r["name"] == role)
                .unwrap()["attached_policy_arns"]
                .clone();
            let arns: Vec<String> = expected(role, path).into_iter().map(|(_, a)| a).collect();
            assert_eq!(attached, serde_json::json!(arns), "{format}: {role}");
        }
        let deployable = match format {
            "terraform" => json(&out.join("main.tf.json")),
            _ => json(&out.join("template.json")),
        };
        let text = deployable.to_string();
        match format {
            "terraform" => {
                let policies = &deployable["resource"]["aws_iam_policy"];
                assert_eq!(policies["bigrole_1"]["path"], "/", "{text}");
                assert_eq!(policies["teamrole_1"]["path"], "/team/etl/", "{text}");
                assert_eq!(
                    deployable["resource"]["aws_iam_role"]["bigrole"]["path"],
                    "/r$x%y/"
                );
            }
            _ => {
                let resources = &deployable["Resources"];
                assert_eq!(
                    resources["PolicyBigrole1"]["Properties"]["Path"], "/",
                    "{text}"
                );
                assert_eq!(
                    resources["PolicyTeamrole1"]["Properties"]["Path"],
                    "/team/etl/"
                );
                assert_eq!(resources["RoleBigrole"]["Properties"]["Path"], "/r$x%y/");
            }
        }
        // The build output checks clean: every path and reference is one IAM accepts.
        iamx()
            .args(["check", "--no-config"])
            .arg(&out)
            .assert()
            .success();
    }
}

/// A delegation policy too large for one managed policy becomes `Teams-1`, `Teams-2`: its deny
/// of edits of itself must name the parts, not `Teams`, which no longer exists. Otherwise a
/// holder allowed `iam:CreatePolicyVersion` on `policy/Teams*` rewrites its own delegation.
#[test]
fn a_split_delegation_policy_denies_edits_of_its_parts() {
    let dir = TempDir::new().unwrap();
    let keys: Vec<String> = (0..50)
        .map(|i| format!("\"k{i:02}{}\"", "x".repeat(60)))
        .collect();
    let source = format!(
        "account \"123456789012\"\n\
         boundary Bnd {{\n  allow s3:* on arn:aws:s3:::data/*\n}}\n\
         group devs {{\n  allow iam:CreatePolicyVersion on arn:aws:iam::123456789012:policy/Teams*\n}}\n\
         delegate Teams {{\n  to group devs\n  boundary Bnd\n  prefix \"svc-\"\n  tag_keys {}\n}}\n",
        keys.join(", ")
    );
    let project = write_file(dir.path(), "p/main.iamx", &source);
    let out = dir.path().join("out");
    build(&project, &out, &[]);
    let parts = ["Teams-1", "Teams-2"].map(|p| out.join(format!("delegations/{p}.json")));
    assert!(parts.iter().all(|p| p.is_file()), "the delegation is split");
    assert!(!out.join("delegations/Teams.json").exists());
    let mut explain = iamx();
    explain.args(["explain", "--color", "never", "--policy"]);
    explain.args(&parts);
    explain.arg(out.join("groups/devs/inline.json"));
    explain
        .args(["--action", "iam:CreatePolicyVersion"])
        .args(["--resource", "arn:aws:iam::123456789012:policy/Teams-2"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("explicit-deny"))
        .stdout(predicate::str::contains("DenyChangingBoundaryOrDelegation"));
}
