//! Deploying the outputs of `iamx build` to a real AWS API emulator (moto server) with the AWS
//! CLI, and reading everything back.
//!
//! `.ci/run` (or `scripts/moto.sh` for a developer) installs moto, the AWS CLI and cfn-lint in
//! `.venv/`, starts `moto_server` and sets `IAMX_MOTO_ENDPOINT`, `IAMX_AWS_CLI` and
//! `IAMX_CFN_LINT`. Without the endpoint these tests print "skipped: no emulator" and return;
//! with `CI=true` a missing emulator is a failure, so CI never passes without deploying.
//!
//! Accounts: each example declares its own account ID, and every ARN in its output names it.
//! moto keeps one IAM per account and picks the account from the caller's credentials, like
//! AWS: a test first calls `sts assume-role` on a role ARN in the example's account, and
//! moto's temporary credentials then act in that account. Nothing in the output is rewritten,
//! the server needs no global `MOTO_ACCOUNT_ID`, and tests of different examples (different
//! accounts) run in parallel without seeing each other. Within one account the test deploys
//! with the AWS CLI, verifies, deletes everything again, then deploys the CloudFormation
//! template and verifies that.
//!
//! Terraform (`IAMX_TERRAFORM`, else `terraform` on the PATH, with the AWS provider from
//! `IAMX_TF_PLUGIN_DIR`, default `/opt/tf-plugins`) applies `main.tf.json` to the same account
//! between the two: `terraform validate`, `apply`, then `plan -detailed-exitcode` must show no
//! changes, everything is read back and compared with the IAM documents, and `destroy` leaves
//! the account empty for the stack. Without Terraform these steps say "skipped" (a failure with
//! `CI=true`). The CloudFormation stack comes last because moto's `delete-stack` leaves managed
//! policies behind.
//!
//! The account round trip (`gaad_round_trip_*`) deploys an example to one account, exports it
//! with `aws iam get-account-authorization-details`, imports and builds the export with iamx,
//! deploys that to a second account and compares the two exports modulo ordering, IDs, dates
//! and the account (docs/import.md).

mod common;

use common::{iamx, read_tree, root};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const REGION: &str = "us-east-1";

struct Emulator {
    endpoint: String,
    aws: PathBuf,
    cfn_lint: Option<PathBuf>,
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Terraform and the directory its AWS provider is mirrored in; `None` (after saying so) when
/// Terraform is not installed, outside CI.
fn terraform(test: &str) -> Option<(PathBuf, PathBuf)> {
    let binary = std::env::var_os("IAMX_TERRAFORM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("terraform"));
    let plugins = std::env::var_os("IAMX_TF_PLUGIN_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/opt/tf-plugins"));
    let runs = Command::new(&binary)
        .arg("version")
        .env("CHECKPOINT_DISABLE", "1")
        .output()
        .is_ok_and(|o| o.status.success());
    if !runs || !plugins.is_dir() {
        let why = format!(
            "{} does not run or {} is not a directory",
            binary.display(),
            plugins.display()
        );
        if in_ci() {
            panic!("{test}: CI=true but Terraform is missing: {why}");
        }
        eprintln!("{test}: Terraform skipped: {why} (set IAMX_TERRAFORM, IAMX_TF_PLUGIN_DIR)");
        return None;
    }
    Some((binary, plugins))
}

/// The emulator from the environment; `None` (after saying so) when there is none outside CI.
fn emulator(test: &str) -> Option<Emulator> {
    let endpoint = std::env::var("IAMX_MOTO_ENDPOINT")
        .ok()
        .filter(|e| !e.is_empty());
    let Some(endpoint) = endpoint else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!(
                "{test}: CI=true but IAMX_MOTO_ENDPOINT is not set; run the tests through .ci/run"
            );
        }
        eprintln!("{test}: skipped: no emulator (set IAMX_MOTO_ENDPOINT, or run scripts/moto.sh)");
        return None;
    };
    let aws = std::env::var_os("IAMX_AWS_CLI")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("aws"));
    let cfn_lint = std::env::var_os("IAMX_CFN_LINT").map(PathBuf::from);
    if cfn_lint.is_none() && std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{test}: CI=true but IAMX_CFN_LINT is not set");
    }
    Some(Emulator {
        endpoint,
        aws,
        cfn_lint,
    })
}

/// The AWS CLI acting in one account of the emulator.
struct Aws<'e> {
    emulator: &'e Emulator,
    credentials: [(String, String); 3],
}

impl<'e> Aws<'e> {
    /// Credentials for `account`, from `sts assume-role` with moto's dummy credentials.
    fn in_account(emulator: &'e Emulator, account: &str) -> Self {
        let base = Aws {
            emulator,
            credentials: [
                ("AWS_ACCESS_KEY_ID".into(), "testing".into()),
                ("AWS_SECRET_ACCESS_KEY".into(), "testing".into()),
                ("AWS_SESSION_TOKEN".into(), "testing".into()),
            ],
        };
        let assumed = base.run(&[
            "sts",
            "assume-role",
            "--role-arn",
            &format!("arn:aws:iam::{account}:role/iamx-deployer"),
            "--role-session-name",
            "iamx-tests",
        ]);
        let c = &assumed["Credentials"];
        let aws = Aws {
            emulator,
            credentials: [
                ("AWS_ACCESS_KEY_ID".into(), text(&c["AccessKeyId"])),
                ("AWS_SECRET_ACCESS_KEY".into(), text(&c["SecretAccessKey"])),
                ("AWS_SESSION_TOKEN".into(), text(&c["SessionToken"])),
            ],
        };
        let identity = aws.run(&["sts", "get-caller-identity"]);
        assert_eq!(
            text(&identity["Account"]),
            account,
            "moto acts in the assumed account"
        );
        aws
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.emulator.aws);
        command
            .args(["--endpoint-url", &self.emulator.endpoint])
            .args(["--region", REGION, "--output", "json"])
            .args(args)
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .env("AWS_PAGER", "")
            .env_remove("AWS_PROFILE");
        for (key, value) in &self.credentials {
            command.env(key, value);
        }
        command
    }

    /// Runs one AWS CLI command; its JSON output (`Null` if none). Failure panics with stderr.
    fn run(&self, args: &[&str]) -> Value {
        let output = self
            .command(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.emulator.aws.display()));
        assert!(
            output.status.success(),
            "aws {} failed:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        if stdout.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&stdout).expect("the AWS CLI prints JSON")
        }
    }
}

fn text(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected a string, got {value}"))
        .to_string()
}

/// A policy document as the API returns it: an object, or JSON text (possibly URL-encoded).
fn stored_document(value: &Value) -> Value {
    match value {
        Value::String(s) => {
            let decoded = if s.trim_start().starts_with('{') {
                s.clone()
            } else {
                percent_decode(s)
            };
            serde_json::from_str(&decoded).expect("a policy document is JSON")
        }
        other => other.clone(),
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8(out).expect("UTF-8")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn file_arg(dir: &Path, file: &str) -> String {
    format!("file://{}", dir.join(file).display())
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| a.iter().map(text).collect())
        .unwrap_or_default()
}

/// A build in a temporary directory, removed on drop.
struct Built {
    _temp: tempfile::TempDir,
    /// The output of the one environment built (or of the project, without environments).
    dir: PathBuf,
}

/// Builds `example` (with `env`) into a fresh directory with `iamx build --format FORMAT`: a
/// directory of `examples/`, or a path from the repository's root.
fn build(example: &str, env: Option<&str>, format: &str) -> Built {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("out");
    let source = match example.contains('/') {
        true => root().join(example),
        false => root().join("examples").join(example),
    };
    let mut command = iamx();
    command
        .arg("build")
        .arg(source)
        .arg("-o")
        .arg(&out)
        .args(["--format", format]);
    if let Some(env) = env {
        command.args(["--env", env]);
    }
    command.assert().success();
    // A project with environments writes each into `out/<env>/`.
    let dir = match env {
        Some(env) => out.join(env),
        None => out,
    };
    Built { _temp: temp, dir }
}

const MANAGED_KINDS: [&str; 3] = ["boundary", "managed-policy", "delegation"];

/// The manifest's documents by file.
fn documents_by_file(manifest: &Value) -> std::collections::BTreeMap<String, Value> {
    manifest["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (text(&d["file"]), d.clone()))
        .collect()
}

fn tags_arg(tags: &Value) -> Option<String> {
    let tags = tags.as_object()?;
    if tags.is_empty() {
        return None;
    }
    let list: Vec<Value> = tags
        .iter()
        .map(|(k, v)| serde_json::json!({"Key": k, "Value": v}))
        .collect();
    Some(Value::Array(list).to_string())
}

/// Deploys an `iam` output directory with the AWS CLI, driven by `manifest.json` the way
/// docs/deploying.md describes.
fn deploy_with_cli(aws: &Aws, dir: &Path, manifest: &Value) {
    let by_file = documents_by_file(manifest);
    let inline_name = |file: &Value| text(&by_file[&text(file)]["name"]);
    for document in manifest["documents"].as_array().unwrap() {
        if !MANAGED_KINDS.contains(&text(&document["kind"]).as_str()) {
            continue;
        }
        let name = text(&document["name"]);
        let path = text(&document["path"]);
        let policy = file_arg(dir, &text(&document["file"]));
        let mut args = vec![
            "iam",
            "create-policy",
            "--policy-name",
            &name,
            "--path",
            &path,
            "--policy-document",
            &policy,
        ];
        let description = document["description"].as_str().map(str::to_string);
        if let Some(description) = &description {
            args.extend(["--description", description]);
        }
        let created = aws.run(&args);
        assert_eq!(text(&created["Policy"]["Arn"]), text(&document["arn"]));
    }
    for group in manifest["groups"].as_array().unwrap() {
        let name = text(&group["name"]);
        aws.run(&[
            "iam",
            "create-group",
            "--group-name",
            &name,
            "--path",
            &text(&group["path"]),
        ]);
        for file in group["inline_policy_files"].as_array().unwrap() {
            aws.run(&[
                "iam",
                "put-group-policy",
                "--group-name",
                &name,
                "--policy-name",
                &inline_name(file),
                "--policy-document",
                &file_arg(dir, &text(file)),
            ]);
        }
        for arn in strings(&group["attached_policy_arns"]) {
            aws.run(&[
                "iam",
                "attach-group-policy",
                "--group-name",
                &name,
                "--policy-arn",
                &arn,
            ]);
        }
    }
    for user in manifest["users"].as_array().unwrap() {
        let name = text(&user["name"]);
        let path = text(&user["path"]);
        let mut args = vec!["iam", "create-user", "--user-name", &name, "--path", &path];
        let boundary = user["boundary_arn"].as_str().map(str::to_string);
        if let Some(boundary) = &boundary {
            args.extend(["--permissions-boundary", boundary]);
        }
        let tags = tags_arg(&user["tags"]);
        if let Some(tags) = &tags {
            args.extend(["--tags", tags]);
        }
        aws.run(&args);
        for group in strings(&user["groups"]) {
            aws.run(&[
                "iam",
                "add-user-to-group",
                "--user-name",
                &name,
                "--group-name",
                &group,
            ]);
        }
        for file in user["inline_policy_files"].as_array().unwrap() {
            aws.run(&[
                "iam",
                "put-user-policy",
                "--user-name",
                &name,
                "--policy-name",
                &inline_name(file),
                "--policy-document",
                &file_arg(dir, &text(file)),
            ]);
        }
        for arn in strings(&user["attached_policy_arns"]) {
            aws.run(&[
                "iam",
                "attach-user-policy",
                "--user-name",
                &name,
                "--policy-arn",
                &arn,
            ]);
        }
    }
    for role in manifest["roles"].as_array().unwrap() {
        let name = text(&role["name"]);
        let path = text(&role["path"]);
        let trust = file_arg(dir, &text(&role["trust_file"]));
        let mut args = vec![
            "iam",
            "create-role",
            "--role-name",
            &name,
            "--path",
            &path,
            "--assume-role-policy-document",
            &trust,
        ];
        let boundary = role["boundary_arn"].as_str().map(str::to_string);
        if let Some(boundary) = &boundary {
            args.extend(["--permissions-boundary", boundary]);
        }
        let description = role["description"].as_str().map(str::to_string);
        if let Some(description) = &description {
            args.extend(["--description", description]);
        }
        let session = role["max_session_duration"].as_u64().map(|s| s.to_string());
        if let Some(session) = &session {
            args.extend(["--max-session-duration", session]);
        }
        let tags = tags_arg(&role["tags"]);
        if let Some(tags) = &tags {
            args.extend(["--tags", tags]);
        }
        let created = aws.run(&args);
        assert_eq!(text(&created["Role"]["Arn"]), text(&role["arn"]));
        for file in role["inline_policy_files"].as_array().unwrap() {
            aws.run(&[
                "iam",
                "put-role-policy",
                "--role-name",
                &name,
                "--policy-name",
                &inline_name(file),
                "--policy-document",
                &file_arg(dir, &text(file)),
            ]);
        }
        for arn in strings(&role["attached_policy_arns"]) {
            aws.run(&[
                "iam",
                "attach-role-policy",
                "--role-name",
                &name,
                "--policy-arn",
                &arn,
            ]);
        }
        if let Some(profile) = role["instance_profile"].as_object() {
            let profile_name = text(&profile["name"]);
            let created = aws.run(&[
                "iam",
                "create-instance-profile",
                "--instance-profile-name",
                &profile_name,
                "--path",
                &path,
            ]);
            assert_eq!(
                text(&created["InstanceProfile"]["Arn"]),
                text(&profile["arn"])
            );
            aws.run(&[
                "iam",
                "add-role-to-instance-profile",
                "--instance-profile-name",
                &profile_name,
                "--role-name",
                &name,
            ]);
        }
    }
}

/// Reads back every managed policy, and every role with its trust, boundary and inline
/// policies; with `attachments`, also attachments, users and groups (moto's CloudFormation
/// does not implement those, see `deploy_example`).
fn verify(aws: &Aws, dir: &Path, manifest: &Value, attachments: bool) {
    for document in manifest["documents"].as_array().unwrap() {
        if !MANAGED_KINDS.contains(&text(&document["kind"]).as_str()) {
            continue;
        }
        let arn = text(&document["arn"]);
        let policy = aws.run(&["iam", "get-policy", "--policy-arn", &arn]);
        assert_eq!(text(&policy["Policy"]["Path"]), text(&document["path"]));
        let version = text(&policy["Policy"]["DefaultVersionId"]);
        let stored = aws.run(&[
            "iam",
            "get-policy-version",
            "--policy-arn",
            &arn,
            "--version-id",
            &version,
        ]);
        assert_eq!(
            stored_document(&stored["PolicyVersion"]["Document"]),
            read_json(&dir.join(text(&document["file"]))),
            "policy {arn} reads back as built"
        );
    }
    let by_file = documents_by_file(manifest);
    for role in manifest["roles"].as_array().unwrap() {
        let name = text(&role["name"]);
        let got = &aws.run(&["iam", "get-role", "--role-name", &name])["Role"];
        assert_eq!(text(&got["Arn"]), text(&role["arn"]));
        assert_eq!(
            got["PermissionsBoundary"]["PermissionsBoundaryArn"].as_str(),
            role["boundary_arn"].as_str(),
            "role {name} has its boundary"
        );
        if let Some(session) = role["max_session_duration"].as_u64() {
            assert_eq!(got["MaxSessionDuration"].as_u64(), Some(session));
        }
        assert_eq!(
            stored_document(&got["AssumeRolePolicyDocument"]),
            read_json(&dir.join(text(&role["trust_file"])))
        );
        // moto's CloudFormation stores a role's inline policies as Python text, not JSON, so
        // they are compared only after the CLI deployment.
        for file in role["inline_policy_files"].as_array().unwrap() {
            if !attachments {
                break;
            }
            let policy_name = text(&by_file[&text(file)]["name"]);
            let stored = aws.run(&[
                "iam",
                "get-role-policy",
                "--role-name",
                &name,
                "--policy-name",
                &policy_name,
            ]);
            assert_eq!(
                stored_document(&stored["PolicyDocument"]),
                read_json(&dir.join(text(file)))
            );
        }
        if let Some(profile) = role["instance_profile"].as_object() {
            let got = aws.run(&[
                "iam",
                "get-instance-profile",
                "--instance-profile-name",
                &text(&profile["name"]),
            ]);
            let roles: Vec<String> = got["InstanceProfile"]["Roles"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| text(&r["RoleName"]))
                .collect();
            assert_eq!(roles, vec![name.clone()]);
        }
        if attachments {
            let attached = aws.run(&["iam", "list-attached-role-policies", "--role-name", &name]);
            let arns: BTreeSet<String> = attached["AttachedPolicies"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| text(&p["PolicyArn"]))
                .collect();
            let expected: BTreeSet<String> =
                strings(&role["attached_policy_arns"]).into_iter().collect();
            assert_eq!(arns, expected, "role {name} has its attached policies");
        }
    }
    for user in manifest["users"].as_array().unwrap() {
        let name = text(&user["name"]);
        let got = &aws.run(&["iam", "get-user", "--user-name", &name])["User"];
        assert_eq!(text(&got["Arn"]), text(&user["arn"]));
        if !attachments {
            continue;
        }
        // The user's boundary was sent with create-user and accepted, but moto 5.1 does not
        // keep users' permissions boundaries (a ToDo in moto's iam/models.py), so get-user
        // cannot show it; roles' boundaries are checked above.
        let groups = aws.run(&["iam", "list-groups-for-user", "--user-name", &name]);
        let groups: BTreeSet<String> = groups["Groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| text(&g["GroupName"]))
            .collect();
        assert_eq!(groups, strings(&user["groups"]).into_iter().collect());
        let attached = aws.run(&["iam", "list-attached-user-policies", "--user-name", &name]);
        let arns: BTreeSet<String> = attached["AttachedPolicies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| text(&p["PolicyArn"]))
            .collect();
        assert_eq!(
            arns,
            strings(&user["attached_policy_arns"]).into_iter().collect()
        );
    }
    if attachments {
        for group in manifest["groups"].as_array().unwrap() {
            let name = text(&group["name"]);
            let got = aws.run(&["iam", "get-group", "--group-name", &name]);
            assert_eq!(text(&got["Group"]["Arn"]), text(&group["arn"]));
            let attached = aws.run(&["iam", "list-attached-group-policies", "--group-name", &name]);
            let arns: BTreeSet<String> = attached["AttachedPolicies"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| text(&p["PolicyArn"]))
                .collect();
            assert_eq!(
                arns,
                strings(&group["attached_policy_arns"])
                    .into_iter()
                    .collect()
            );
            for file in group["inline_policy_files"].as_array().unwrap() {
                let policy_name = text(&by_file[&text(file)]["name"]);
                let stored = aws.run(&[
                    "iam",
                    "get-group-policy",
                    "--group-name",
                    &name,
                    "--policy-name",
                    &policy_name,
                ]);
                assert_eq!(
                    stored_document(&stored["PolicyDocument"]),
                    read_json(&dir.join(text(file)))
                );
            }
        }
    }
}

/// Deletes what `deploy_with_cli` created, in dependency order.
fn delete_all(aws: &Aws, manifest: &Value) {
    let by_file = documents_by_file(manifest);
    for role in manifest["roles"].as_array().unwrap() {
        let name = text(&role["name"]);
        if let Some(profile) = role["instance_profile"].as_object() {
            let profile_name = text(&profile["name"]);
            aws.run(&[
                "iam",
                "remove-role-from-instance-profile",
                "--instance-profile-name",
                &profile_name,
                "--role-name",
                &name,
            ]);
            aws.run(&[
                "iam",
                "delete-instance-profile",
                "--instance-profile-name",
                &profile_name,
            ]);
        }
        for arn in strings(&role["attached_policy_arns"]) {
            aws.run(&[
                "iam",
                "detach-role-policy",
                "--role-name",
                &name,
                "--policy-arn",
                &arn,
            ]);
        }
        for file in role["inline_policy_files"].as_array().unwrap() {
            let policy = text(&by_file[&text(file)]["name"]);
            aws.run(&[
                "iam",
                "delete-role-policy",
                "--role-name",
                &name,
                "--policy-name",
                &policy,
            ]);
        }
        aws.run(&["iam", "delete-role", "--role-name", &name]);
    }
    for user in manifest["users"].as_array().unwrap() {
        let name = text(&user["name"]);
        for group in strings(&user["groups"]) {
            aws.run(&[
                "iam",
                "remove-user-from-group",
                "--user-name",
                &name,
                "--group-name",
                &group,
            ]);
        }
        for arn in strings(&user["attached_policy_arns"]) {
            aws.run(&[
                "iam",
                "detach-user-policy",
                "--user-name",
                &name,
                "--policy-arn",
                &arn,
            ]);
        }
        for file in user["inline_policy_files"].as_array().unwrap() {
            let policy = text(&by_file[&text(file)]["name"]);
            aws.run(&[
                "iam",
                "delete-user-policy",
                "--user-name",
                &name,
                "--policy-name",
                &policy,
            ]);
        }
        aws.run(&["iam", "delete-user", "--user-name", &name]);
    }
    for group in manifest["groups"].as_array().unwrap() {
        let name = text(&group["name"]);
        for arn in strings(&group["attached_policy_arns"]) {
            aws.run(&[
                "iam",
                "detach-group-policy",
                "--group-name",
                &name,
                "--policy-arn",
                &arn,
            ]);
        }
        for file in group["inline_policy_files"].as_array().unwrap() {
            let policy = text(&by_file[&text(file)]["name"]);
            aws.run(&[
                "iam",
                "delete-group-policy",
                "--group-name",
                &name,
                "--policy-name",
                &policy,
            ]);
        }
        aws.run(&["iam", "delete-group", "--group-name", &name]);
    }
    for document in manifest["documents"].as_array().unwrap() {
        if MANAGED_KINDS.contains(&text(&document["kind"]).as_str()) {
            aws.run(&[
                "iam",
                "delete-policy",
                "--policy-arn",
                &text(&document["arn"]),
            ]);
        }
    }
}

/// Terraform in one output directory, acting in one account of the emulator.
struct Terraform<'a> {
    binary: &'a Path,
    dir: &'a Path,
    aws: &'a Aws<'a>,
}

impl Terraform<'_> {
    /// Runs `terraform ARGS`; its exit code and output (stdout then stderr).
    fn run(&self, args: &[&str]) -> (Option<i32>, String) {
        let mut command = Command::new(self.binary);
        command
            .current_dir(self.dir)
            .args(args)
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_PROFILE");
        for (key, value) in &self.aws.credentials {
            command.env(key, value);
        }
        let output = command
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.binary.display()));
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.code(), text)
    }

    /// The ARNs `terraform output` gives.
    fn output_values(&self) -> BTreeSet<String> {
        let output = Command::new(self.binary)
            .current_dir(self.dir)
            .args(["output", "-json", "-no-color"])
            .env("CHECKPOINT_DISABLE", "1")
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.binary.display()));
        let outputs: Value =
            serde_json::from_slice(&output.stdout).expect("terraform output -json");
        outputs
            .as_object()
            .map(|o| o.values().map(|v| text(&v["value"])).collect())
            .unwrap_or_default()
    }

    /// Runs `terraform ARGS`, which must succeed.
    fn ok(&self, args: &[&str]) {
        let (code, text) = self.run(args);
        assert_eq!(
            code,
            Some(0),
            "terraform {} failed:\n{text}",
            args.join(" ")
        );
    }
}

/// The provider settings for the emulator, beside `main.tf.json` (Terraform reads every
/// `*.tf.json` of the directory): IAM and STS at the emulator, and nothing that would reach
/// AWS itself. The credentials come from the environment of each run.
fn write_provider(dir: &Path, endpoint: &str) {
    let provider = serde_json::json!({
        "provider": { "aws": {
            "region": REGION,
            "skip_credentials_validation": true,
            "skip_requesting_account_id": true,
            "skip_metadata_api_check": true,
            "skip_region_validation": true,
            "endpoints": [{ "iam": endpoint, "sts": endpoint }],
        }}
    });
    std::fs::write(dir.join("emulator.tf.json"), provider.to_string()).unwrap();
}

/// Applies the Terraform configuration built for `example` (with `env`) to the emulator, checks
/// that a second plan has nothing to do, reads everything back against the IAM documents, and
/// destroys it again. For an environment, also checks that the configuration refuses to plan
/// with another account's credentials.
fn deploy_terraform(emulator: &Emulator, aws: &Aws, example: &str, env: Option<&str>, test: &str) {
    let Some((binary, plugins)) = terraform(test) else {
        return;
    };
    let built = build(example, env, "terraform");
    let dir = built.dir.clone();
    let manifest = read_json(&dir.join("manifest.json"));
    write_provider(&dir, &emulator.endpoint);
    let terraform = Terraform {
        binary: &binary,
        dir: &dir,
        aws,
    };
    let plugin_dir = format!("-plugin-dir={}", plugins.display());
    terraform.ok(&["init", "-input=false", "-no-color", &plugin_dir]);
    terraform.ok(&["validate", "-no-color"]);
    terraform.ok(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    let (code, plan) = terraform.run(&[
        "plan",
        "-detailed-exitcode",
        "-input=false",
        "-no-color",
        "-out=again.tfplan",
    ]);
    match code {
        Some(0) => {}
        // moto does not keep users' permissions boundaries (see `verify`), so Terraform sees
        // each bounded user's boundary missing and wants to set it again. That, and only
        // that, is allowed: the boundary it wants is the manifest's.
        Some(2) => {
            let (_, shown) = terraform.run(&["show", "-json", "-no-color", "again.tfplan"]);
            let start = shown.find('{').expect("terraform show -json prints JSON");
            let shown: Value = serde_json::Deserializer::from_str(&shown[start..])
                .into_iter()
                .next()
                .and_then(Result::ok)
                .expect("terraform show -json prints JSON");
            for change in shown["resource_changes"].as_array().unwrap() {
                let actions = &change["change"]["actions"];
                if actions == &serde_json::json!(["no-op"])
                    || actions == &serde_json::json!(["read"])
                {
                    continue;
                }
                let (before, after) = (&change["change"]["before"], &change["change"]["after"]);
                let user = manifest["users"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|u| u["name"] == after["name"]);
                let only_the_boundary = before.as_object().is_some_and(|b| {
                    b.iter().all(|(k, v)| {
                        k == "permissions_boundary" || after.get(k).is_none_or(|a| a == v)
                    })
                });
                assert!(
                    change["type"] == "aws_iam_user"
                        && actions == &serde_json::json!(["update"])
                        && before["permissions_boundary"].as_str().is_none_or(str::is_empty)
                        && user.is_some_and(|u| u["boundary_arn"] == after["permissions_boundary"])
                        && only_the_boundary,
                    "{test}: a plan after apply has changes beyond moto's missing user boundaries:\n{change:#}\n{plan}"
                );
            }
        }
        _ => panic!("{test}: terraform plan failed:\n{plan}"),
    }
    // Terraform creates attachments, users and groups too, so everything is compared.
    verify(aws, &dir, &manifest, true);
    let outputs = terraform.output_values();
    for role in manifest["roles"].as_array().unwrap() {
        assert!(
            outputs.contains(&text(&role["arn"])),
            "{test}: no output gives {}",
            role["arn"]
        );
    }
    if env.is_some() {
        // Another account's credentials: the postcondition stops the plan before anything.
        let other = if manifest["account"] == "999999999999" {
            "888888888888"
        } else {
            "999999999999"
        };
        let elsewhere = Aws::in_account(emulator, other);
        let wrong = Terraform {
            aws: &elsewhere,
            ..terraform
        };
        let (code, plan) = wrong.run(&["plan", "-input=false", "-no-color"]);
        assert_eq!(code, Some(1), "{test}: planned in account {other}:\n{plan}");
        assert!(plan.contains("this configuration is for account"), "{plan}");
    }
    terraform.ok(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
}

/// Lints the template with cfn-lint, creates a stack from it and waits for CREATE_COMPLETE.
fn deploy_stack(aws: &Aws, emulator: &Emulator, template: &Path, stack: &str) {
    if let Some(cfn_lint) = &emulator.cfn_lint {
        let output = Command::new(cfn_lint).arg(template).output().unwrap();
        assert!(
            output.status.success(),
            "cfn-lint rejects {}:\n{}{}",
            template.display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    } else {
        eprintln!("cfn-lint not run: IAMX_CFN_LINT is not set");
    }
    aws.run(&[
        "cloudformation",
        "create-stack",
        "--stack-name",
        stack,
        "--template-body",
        &format!("file://{}", template.display()),
        "--capabilities",
        "CAPABILITY_NAMED_IAM",
    ]);
    for _ in 0..60 {
        let stacks = aws.run(&["cloudformation", "describe-stacks", "--stack-name", stack]);
        let status = text(&stacks["Stacks"][0]["StackStatus"]);
        match status.as_str() {
            "CREATE_COMPLETE" => return,
            "CREATE_IN_PROGRESS" => std::thread::sleep(std::time::Duration::from_millis(500)),
            other => panic!(
                "stack {stack} is {other}: {}",
                stacks["Stacks"][0]["StackStatusReason"]
            ),
        }
    }
    panic!("stack {stack} did not reach CREATE_COMPLETE");
}

fn deploy_example(example: &str, env: Option<&str>) {
    let test = format!(
        "deploy {example}{}",
        env.map(|e| format!(" --env {e}")).unwrap_or_default()
    );
    let Some(emulator) = emulator(&test) else {
        return;
    };
    // 1. The IAM documents, deployed call by call with the AWS CLI.
    let built = build(example, env, "iam");
    let dir = built.dir.clone();
    let manifest = read_json(&dir.join("manifest.json"));
    let aws = Aws::in_account(&emulator, &text(&manifest["account"]));
    deploy_with_cli(&aws, &dir, &manifest);
    verify(&aws, &dir, &manifest, true);
    delete_all(&aws, &manifest);

    // 2. The Terraform configuration, applied and destroyed.
    deploy_terraform(&emulator, &aws, example, env, &test);

    // 3. The CloudFormation template, into the same account. moto's CloudFormation creates
    // managed policies, roles (trust, boundary, inline policies), instance profiles and users,
    // but not groups and not attachments, so those are verified through the CLI path above.
    let built = build(example, env, "cloudformation");
    let dir = built.dir.clone();
    let manifest = read_json(&dir.join("manifest.json"));
    let stack = format!(
        "iamx-{example}{}",
        env.map(|e| format!("-{e}")).unwrap_or_default()
    );
    let template = read_json(&dir.join("template.json"));
    // moto does not evaluate `Rules`, so a stack in the wrong account cannot be shown to fail
    // here; what can be checked is that the assertion names this account (cfn-lint checks its
    // form) and that the stack deploys in the right one.
    assert_eq!(
        template["Rules"]["DeployToOwnAccount"]["Assertions"][0]["Assert"]["Fn::Equals"][1],
        manifest["account"]
    );
    deploy_stack(&aws, &emulator, &dir.join("template.json"), &stack);
    verify(&aws, &dir, &manifest, false);
    let stacks = aws.run(&["cloudformation", "describe-stacks", "--stack-name", &stack]);
    let exported: BTreeSet<String> = stacks["Stacks"][0]["Outputs"]
        .as_array()
        .map(|o| o.iter().map(|o| text(&o["OutputValue"])).collect())
        .unwrap_or_default();
    for role in manifest["roles"].as_array().unwrap() {
        assert!(
            exported.contains(&text(&role["arn"])),
            "{test}: no output gives {}",
            role["arn"]
        );
    }
    aws.run(&["cloudformation", "delete-stack", "--stack-name", &stack]);
}

#[test]
fn deploy_seed() {
    deploy_example("seed", None);
}

#[test]
fn deploy_data_platform() {
    deploy_example("data-platform", None);
}

#[test]
fn deploy_serverless_dev() {
    deploy_example("serverless", Some("dev"));
}

#[test]
fn deploy_serverless_prod() {
    deploy_example("serverless", Some("prod"));
}

/// The build case whose role and managed policy are split to fit IAM's quotas deploys too.
#[test]
fn deploy_split_policies() {
    let Some(emulator) = emulator("deploy split policies") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let source = std::fs::read_to_string(root().join("tests/golden/build/split.iamx")).unwrap();
    // Its own account, so it runs beside the examples.
    let source = source.replace("123456789012", "555555555555");
    std::fs::write(dir.path().join("split.iamx"), source).unwrap();
    iamx()
        .arg("build")
        .arg(dir.path().join("split.iamx"))
        .arg("-o")
        .arg(&out)
        .args(["--format", "cloudformation"])
        .assert()
        .success();
    let manifest = read_json(&out.join("manifest.json"));
    assert_eq!(manifest["splits"].as_array().map(Vec::len), Some(2));
    let aws = Aws::in_account(&emulator, "555555555555");
    deploy_with_cli(&aws, &out, &manifest);
    verify(&aws, &out, &manifest, true);
    delete_all(&aws, &manifest);
    deploy_stack(&aws, &emulator, &out.join("template.json"), "iamx-split");
    verify(&aws, &out, &manifest, false);
}

/// IAM names that give one resource name in Terraform (`a-b` and `a.b`; an attachment of `_y`
/// to `x` and one of `y` to `x_`) deploy as distinct resources: each instance profile and
/// attachment of the manifest exists after `terraform apply`. Terraform named some resources
/// one by one, and two of them replaced each other; CloudFormation's logical IDs always went
/// through `emit::names::assign` (whose unit tests hold collisions apart), so only Terraform is
/// deployed here, to keep CI's deploy tests short.
#[test]
fn deploy_names_that_collide_in_terraform() {
    const PROJECT: &str = "tests/data/deploy/colliding-names";
    let test = "deploy colliding names";
    let Some(emulator) = emulator(test) else {
        return;
    };
    let built = build(PROJECT, None, "iam");
    let manifest = read_json(&built.dir.join("manifest.json"));
    let aws = Aws::in_account(&emulator, &text(&manifest["account"]));
    deploy_terraform(&emulator, &aws, PROJECT, None, test);
}

/// Identical input gives byte-identical output in every format.
#[test]
fn every_format_is_deterministic() {
    for format in ["iam", "cloudformation", "terraform"] {
        for (example, env) in [
            ("seed", None),
            ("data-platform", None),
            ("serverless", Some("prod")),
        ] {
            let a = build(example, env, format);
            let b = build(example, env, format);
            assert_eq!(
                read_tree(&a.dir),
                read_tree(&b.dir),
                "{example} --format {format}"
            );
        }
    }
}

/// The Terraform configuration carries every document exactly (Terraform's `${` escaped),
/// references boundaries and attached project policies instead of copying ARNs, and has one
/// resource per instance profile and attachment of the manifest, even where names collide.
#[test]
fn terraform_configuration_matches_the_documents() {
    for (example, env) in [
        ("seed", None),
        ("data-platform", None),
        ("serverless", Some("prod")),
        ("tests/data/deploy/colliding-names", None),
    ] {
        let built = build(example, env, "terraform");
        let dir = built.dir.clone();
        let manifest = read_json(&dir.join("manifest.json"));
        let tf = read_json(&dir.join("main.tf.json"));
        let resources = &tf["resource"];
        // What Terraform makes of the strings: the deployer's account and partition (checked
        // to be the manifest's), and `$${` read as `${`.
        let account = text(&manifest["account"]);
        let partition = text(&manifest["partition"]);
        let unescape = |s: &str| {
            s.replace("${data.aws_caller_identity.current.account_id}", &account)
                .replace("${data.aws_partition.current.partition}", &partition)
                .replace("$${", "${")
                .replace("%%{", "%{")
        };
        let policies: Vec<Value> = resources["aws_iam_policy"]
            .as_object()
            .map(|m| {
                m.values()
                    .map(|p| serde_json::from_str(&unescape(&text(&p["policy"]))).unwrap())
                    .collect()
            })
            .unwrap_or_default();
        for document in manifest["documents"].as_array().unwrap() {
            if MANAGED_KINDS.contains(&text(&document["kind"]).as_str()) {
                let expected = read_json(&dir.join(text(&document["file"])));
                assert!(
                    policies.contains(&expected),
                    "{example}: {}",
                    document["name"]
                );
            }
        }
        for role in manifest["roles"].as_array().unwrap() {
            let name = text(&role["name"]);
            let tf_role = resources["aws_iam_role"]
                .as_object()
                .unwrap()
                .values()
                .find(|r| r["name"] == name)
                .unwrap_or_else(|| panic!("{example}: no aws_iam_role for {name}"));
            let trust: Value =
                serde_json::from_str(&unescape(&text(&tf_role["assume_role_policy"]))).unwrap();
            assert_eq!(trust, read_json(&dir.join(text(&role["trust_file"]))));
            match role["boundary_arn"].as_str() {
                Some(_) => assert!(
                    text(&tf_role["permissions_boundary"]).starts_with("${aws_iam_policy."),
                    "{example}: the boundary of {name} is referenced"
                ),
                None => assert!(tf_role.get("permissions_boundary").is_none()),
            }
        }
        // Each role's profile and attachments, as (role resource, profile name or policy).
        let role_resource = |name: &Value| {
            let (key, _) = (resources["aws_iam_role"].as_object().unwrap().iter())
                .find(|(_, r)| r["name"] == *name)
                .unwrap();
            format!("${{aws_iam_role.{key}.name}}")
        };
        let policy_arn = |arn: &Value| {
            let arn = text(arn);
            let managed = (resources["aws_iam_policy"].as_object()).and_then(|m| {
                m.iter()
                    .find(|(_, p)| arn.ends_with(&format!("/{}", text(&p["name"]))))
            });
            match managed {
                Some((key, _)) => format!("${{aws_iam_policy.{key}.arn}}"),
                None => arn,
            }
        };
        let mut profiles = BTreeSet::new();
        let mut attachments = BTreeSet::new();
        for role in manifest["roles"].as_array().unwrap() {
            if let Some(profile) = role.get("instance_profile").filter(|p| !p.is_null()) {
                profiles.insert((role_resource(&role["name"]), text(&profile["name"])));
            }
            for arn in role["attached_policy_arns"].as_array().unwrap() {
                attachments.insert((role_resource(&role["name"]), policy_arn(arn)));
            }
        }
        let found = |kind: &str, field: &str| -> BTreeSet<(String, String)> {
            (resources[kind]
                .as_object()
                .into_iter()
                .flat_map(|m| m.values()))
            .map(|r| (text(&r["role"]), text(&r[field])))
            .collect()
        };
        let count = |kind: &str| resources[kind].as_object().map_or(0, |m| m.len());
        assert_eq!(
            found("aws_iam_instance_profile", "name"),
            profiles,
            "{example}"
        );
        assert_eq!(
            count("aws_iam_instance_profile"),
            profiles.len(),
            "{example}"
        );
        assert_eq!(
            found("aws_iam_role_policy_attachment", "policy_arn"),
            attachments,
            "{example}"
        );
        assert_eq!(
            count("aws_iam_role_policy_attachment"),
            attachments.len(),
            "{example}"
        );
    }
}

/// What a GAAD holds that is the same in any account and any order: IDs, dates and
/// `RoleLastUsed` dropped, the account in every string replaced by `ACCOUNT`, policy documents
/// parsed (URL-encoded or not) and canonicalized, and every list of entities sorted.
fn gaad_shape(gaad: &Value, account: &str) -> Value {
    const DROPPED: [&str; 8] = [
        "RoleId",
        "UserId",
        "GroupId",
        "PolicyId",
        "InstanceProfileId",
        "CreateDate",
        "UpdateDate",
        "RoleLastUsed",
    ];
    const DOCUMENTS: [&str; 3] = ["AssumeRolePolicyDocument", "PolicyDocument", "Document"];
    match gaad {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| !DROPPED.contains(&key.as_str()) && *key != "IsTruncated")
                .map(|(key, value)| {
                    let value = if DOCUMENTS.contains(&key.as_str()) {
                        let text = stored_document(value).to_string();
                        let mut policy = iamx::iam::read::policy_from_str(&text)
                            .unwrap_or_else(|e| panic!("{key}: {e}\n{text}"));
                        policy.canonicalize();
                        let canonical: Value =
                            serde_json::from_str(&policy.to_canonical_json()).unwrap();
                        gaad_shape(&canonical, account)
                    } else {
                        gaad_shape(value, account)
                    };
                    (key.clone(), value)
                })
                .collect(),
        ),
        Value::Array(items) => {
            let mut items: Vec<Value> = items.iter().map(|i| gaad_shape(i, account)).collect();
            items.sort_by_key(|i| i.to_string());
            Value::Array(items)
        }
        Value::String(text) => Value::String(text.replace(account, "ACCOUNT")),
        other => other.clone(),
    }
}

/// The account's own IAM as `aws iam get-account-authorization-details` gives it (AWS managed
/// policies left out: moto lists every one it loaded, attached or not).
fn export_gaad(aws: &Aws) -> Value {
    aws.run(&[
        "iam",
        "get-account-authorization-details",
        "--filter",
        "Role",
        "User",
        "Group",
        "LocalManagedPolicy",
    ])
}

/// Builds the project in `project` into `out` with `iamx build`, which must succeed without
/// an error; its manifest.
fn build_project(project: &Path, out: &Path) -> Value {
    let output = iamx()
        .arg("build")
        .arg(project)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && !stderr.contains("error["),
        "iamx build {} failed:\n{stderr}",
        project.display()
    );
    read_json(&out.join("manifest.json"))
}

/// The account round trip: `example` deployed to account `first`, exported as a GAAD,
/// imported, built as it is, deployed to account `second` and exported again gives the same
/// GAAD, entity by entity, modulo ordering, IDs, dates and the account in ARNs.
/// `who-can` over the project and over the account export of its deployment names the same
/// principals for each request.
fn who_can_agrees(test: &str, project: &std::path::Path, gaad: &std::path::Path) {
    let requests: &[(&str, &str, &[&str])] = &[
        ("s3:GetObject", "arn:aws:s3:::acme-data-lake/raw/x", &[]),
        ("s3:PutObject", "arn:aws:s3:::acme-data-lake/curated/x", &[]),
        (
            "s3:GetObject",
            "arn:aws:s3:::acme-lake/curated/x.csv",
            &[
                "aws:MultiFactorAuthPresent=true",
                "aws:SourceIp=203.0.113.5",
            ],
        ),
        (
            "glue:GetTable",
            "arn:aws:glue:eu-west-1:444444444444:table/db/t",
            &[
                "aws:MultiFactorAuthPresent=true",
                "aws:RequestedRegion=eu-west-1",
            ],
        ),
        ("logs:PutLogEvents", "*", &[]),
    ];
    let allowed = |source: &[&std::ffi::OsStr], action: &str, resource: &str, context: &[&str]| {
        let mut command = iamx();
        command.args(["who-can", action, resource, "--format", "json"]);
        command.args(source);
        for entry in context {
            command.args(["--context", entry]);
        }
        let output = command.output().unwrap();
        assert!(
            output.status.success(),
            "{test}: who-can failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let mut arns: Vec<String> = value["allowed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| text(&p["arn"]))
            .collect();
        arns.sort();
        arns
    };
    for (action, resource, context) in requests {
        let from_project = allowed(&[project.as_os_str()], action, resource, context);
        let from_gaad = allowed(
            &[std::ffi::OsStr::new("--gaad"), gaad.as_os_str()],
            action,
            resource,
            context,
        );
        assert_eq!(
            from_project, from_gaad,
            "{test}: who-can {action} {resource} differs between the project and its export"
        );
    }
}

fn gaad_round_trip(example: &str, first: &str, second: &str) {
    let test = format!("gaad round trip {example}");
    let Some(emulator) = emulator(&test) else {
        return;
    };
    let temp = tempfile::tempdir().unwrap();
    let original = build(example, None, "iam");
    let account = text(&read_json(&original.dir.join("manifest.json"))["account"]);
    // 1. The example in an account of its own (other tests deploy it in its own account).
    let project = temp.path().join("example");
    std::fs::create_dir_all(&project).unwrap();
    for entry in std::fs::read_dir(root().join("examples").join(example)).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "iamx") {
            let source = std::fs::read_to_string(&path).unwrap();
            std::fs::write(
                project.join(path.file_name().unwrap()),
                source.replace(&account, first),
            )
            .unwrap();
        }
    }
    let out = temp.path().join("out-first");
    let manifest = build_project(&project, &out);
    let aws_first = Aws::in_account(&emulator, first);
    deploy_with_cli(&aws_first, &out, &manifest);
    let exported = export_gaad(&aws_first);
    let gaad = temp.path().join("gaad.json");
    std::fs::write(&gaad, serde_json::to_string_pretty(&exported).unwrap()).unwrap();
    who_can_agrees(&test, &project, &gaad);

    // 2. Imported, and built as it is.
    let imported = temp.path().join("imported");
    std::fs::create_dir_all(&imported).unwrap();
    let output = iamx()
        .arg("import")
        .arg(&gaad)
        .arg("-o")
        .arg(imported.join("main.iamx"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{test}: import failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let source = std::fs::read_to_string(imported.join("main.iamx")).unwrap();
    assert!(
        source.contains(&format!("account \"{first}\"")) && !source.contains(&format!(":{first}:")),
        "{test}: the account is not `${{account}}` in every ARN:\n{source}"
    );
    build_project(&imported, &temp.path().join("out-imported"));

    // 3. The same project for the second account, deployed there and exported again.
    let again = temp.path().join("again");
    std::fs::create_dir_all(&again).unwrap();
    std::fs::write(
        again.join("main.iamx"),
        source.replace(
            &format!("account \"{first}\""),
            &format!("account \"{second}\""),
        ),
    )
    .unwrap();
    let out = temp.path().join("out-second");
    let manifest = build_project(&again, &out);
    let aws_second = Aws::in_account(&emulator, second);
    deploy_with_cli(&aws_second, &out, &manifest);
    let reexported = export_gaad(&aws_second);

    // 4. The same GAAD, entity by entity.
    let before = gaad_shape(&exported, first);
    let after = gaad_shape(&reexported, second);
    let mut entities = 0;
    for (list, name_key) in [
        ("RoleDetailList", "RoleName"),
        ("UserDetailList", "UserName"),
        ("GroupDetailList", "GroupName"),
        ("Policies", "Arn"),
    ] {
        let by_name = |gaad: &Value| -> std::collections::BTreeMap<String, Value> {
            gaad[list]
                .as_array()
                .unwrap_or_else(|| panic!("{test}: the GAAD has no {list}"))
                .iter()
                .map(|e| (text(&e[name_key]), e.clone()))
                .collect()
        };
        let (before, after) = (by_name(&before), by_name(&after));
        assert_eq!(
            before.keys().collect::<Vec<_>>(),
            after.keys().collect::<Vec<_>>(),
            "{test}: {list} names"
        );
        for (name, entity) in &before {
            let (a, b) = (
                serde_json::to_string_pretty(entity).unwrap(),
                serde_json::to_string_pretty(&after[name]).unwrap(),
            );
            if a != b {
                let first = a.lines().zip(b.lines()).position(|(x, y)| x != y);
                panic!(
                    "{test}: {list} `{name}` differs after the round trip (first at line {})\n--- exported\n{a}\n--- re-exported\n{b}",
                    first.map_or(a.lines().count().min(b.lines().count()), |l| l) + 1
                );
            }
            entities += 1;
        }
    }
    assert!(entities > 0);
    eprintln!("{test}: {entities} roles, users, groups and policies re-export the same");
}

#[test]
fn gaad_round_trip_data_platform() {
    gaad_round_trip("data-platform", "444444444444", "777788889999");
}

#[test]
fn gaad_round_trip_seed() {
    gaad_round_trip("seed", "666666666666", "666677778888");
}

/// `iamx report` reads what moto exports: the report project deployed to its account and
/// exported gives the graph its source gives (the delegations aside, which a GAAD does not
/// carry), escalation included.
#[test]
fn report_of_a_moto_export_is_the_report_of_its_project() {
    let test = "report of a moto export";
    let Some(emulator) = emulator(test) else {
        return;
    };
    let temp = tempfile::tempdir().unwrap();
    let project = root().join("tests/data/report/delegation");
    let out = temp.path().join("out");
    let manifest = build_project(&project, &out);
    let aws = Aws::in_account(&emulator, &text(&manifest["account"]));
    deploy_with_cli(&aws, &out, &manifest);
    let gaad = temp.path().join("gaad.json");
    std::fs::write(
        &gaad,
        serde_json::to_string_pretty(&export_gaad(&aws)).unwrap(),
    )
    .unwrap();
    let report = |source: &[&std::ffi::OsStr]| {
        let output = iamx()
            .arg("report")
            .args(source)
            .args(["--format", "text"])
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(
            output.status.success(),
            "{test}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        // Entities come in the export's order: compare the lines, not their order.
        let mut lines: Vec<String> = stdout
            .split("\n# Delegations\n")
            .next()
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        lines.sort();
        lines
    };
    let from_project = report(&[project.as_os_str()]);
    let from_moto = report(&["--gaad".as_ref(), gaad.as_os_str()]);
    assert_eq!(from_project, from_moto, "{test}");
    assert!(
        from_moto
            .iter()
            .any(|l| l.starts_with("user ops -> role legacy-admin: allowed * on *")),
        "{test}: {from_moto:#?}"
    );
}
