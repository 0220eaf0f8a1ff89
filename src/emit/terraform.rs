//! The Terraform output: one JSON configuration (`main.tf.json`) for the AWS provider.
//!
//! Every managed kind of document (boundary, policy, delegation policy, part of a split
//! document) is an `aws_iam_policy`; roles are `aws_iam_role` with `permissions_boundary`,
//! their inline policies `aws_iam_role_policy` and their attachments
//! `aws_iam_role_policy_attachment`; an instance profile is `aws_iam_instance_profile`; users and
//! groups have the same resources (`aws_iam_user_group_membership` for a user's groups).
//! A policy of the configuration is referenced (`${aws_iam_policy.NAME.arn}`), never copied;
//! policies from outside stay ARNs. Resource names are the IAM names in snake case
//! (`emit::names`). Policy documents are JSON strings in which Terraform's template
//! sequences `${` and `%{` are escaped, so IAM policy variables such as `${aws:username}`
//! reach IAM as written.
//!
//! The configuration is tied to the project's account without copying it: every string that
//! names that account is written with `${data.aws_caller_identity.current.account_id}` (and the
//! partition of such ARNs with `${data.aws_partition.current.partition}`), and a postcondition
//! on `data.aws_caller_identity.current` fails the plan when the deployer's credentials are for
//! any other account, so a configuration built for `dev` cannot be applied to `prod`. `output`
//! blocks give the ARN of every role (`role_<name>_arn`), instance profile
//! (`instance_profile_<name>_arn`) and managed policy, boundaries and delegation policies
//! included (`policy_<name>_arn`), named after the resources.

use super::names;
use crate::compile::output::{Compiled, Document};
use crate::iam::policy::PolicyDocument;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The configuration's file name in the output directory.
pub const FILE: &str = "main.tf.json";

const ACCOUNT: &str = "${data.aws_caller_identity.current.account_id}";
const PARTITION: &str = "${data.aws_partition.current.partition}";

/// Text as a Terraform string: `${` and `%{` would start an interpolation, so they are escaped,
/// and the project's account (with the partition of its ARNs) refers to the deployer's.
struct Strings<'a> {
    account: &'a str,
    partition: &'a str,
}

impl Strings<'_> {
    fn literal(&self, text: &str) -> Value {
        let escape = |t: &str| t.replace("${", "$${").replace("%{", "%%{");
        match super::own_account_parts(text, self.account, self.partition) {
            None => Value::String(escape(text)),
            Some(parts) => Value::String(
                parts
                    .into_iter()
                    .map(|part| match part {
                        super::Part::Text(t) => escape(t),
                        super::Part::Account => ACCOUNT.to_string(),
                        super::Part::Partition => PARTITION.to_string(),
                    })
                    .collect(),
            ),
        }
    }

    fn policy(&self, policy: &PolicyDocument) -> Value {
        self.literal(&serde_json::to_string(policy).expect("policy documents always serialize"))
    }
}

/// The resources of the configuration, named once all are known. A resource's name is the one
/// it asks for (its IAM name, or its owner's and its own, in snake case) unless another of the
/// same type asks for the same; then each gets a suffix hashed from its identity (the exact
/// IAM names that make it), as `emit::names` does for IAM names. Two asking for one name keep
/// both: an attachment of `_y` to `x` and one of `y` to `x_` both ask for `x___y`.
#[derive(Default)]
struct Resources(BTreeMap<&'static str, Vec<Wanted>>);

struct Wanted {
    /// Unique within the type.
    identity: String,
    name: String,
    body: Value,
}

impl Resources {
    fn add(&mut self, kind: &'static str, identity: String, name: String, body: Value) {
        self.0.entry(kind).or_default().push(Wanted {
            identity,
            name,
            body,
        });
    }

    /// The resources of each type by their final names.
    fn named(self) -> BTreeMap<&'static str, BTreeMap<String, Value>> {
        self.0
            .into_iter()
            .map(|(kind, wanted)| {
                let names = names::assign(
                    wanted.iter().map(|w| (w.name.clone(), w.identity.clone())),
                    |name, _| name.clone(),
                );
                debug_assert_eq!(names.len(), wanted.len(), "{kind}: identities repeat");
                let named = wanted
                    .into_iter()
                    .map(|w| (names[&(w.name, w.identity)].clone(), w.body))
                    .collect();
                (kind, named)
            })
            .collect()
    }
}

/// The configuration, as pretty JSON with a trailing newline; identical input gives identical
/// bytes.
pub fn configuration(compiled: &Compiled) -> String {
    let strings = Strings {
        account: &compiled.account,
        partition: &compiled.partition,
    };
    let literal = |text: &str| strings.literal(text);
    let policy_text = |policy: &PolicyDocument| strings.policy(policy);
    let files: BTreeMap<&str, &Document> = compiled
        .documents
        .iter()
        .map(|d| (d.file.as_str(), d))
        .collect();
    let managed: Vec<&Document> = compiled
        .documents
        .iter()
        .filter(|d| d.kind.is_managed())
        .collect();
    let policy_names = names::assign(managed.iter().map(|d| ((), d.name.clone())), |_, n| {
        names::snake(n)
    });
    let role_names = names::assign(
        compiled.roles.iter().map(|r| ((), r.name.clone())),
        |_, n| names::snake(n),
    );
    let user_names = names::assign(
        compiled.users.iter().map(|u| ((), u.name.clone())),
        |_, n| names::snake(n),
    );
    let group_names = names::assign(
        compiled.groups.iter().map(|g| ((), g.name.clone())),
        |_, n| names::snake(n),
    );
    let policy_by_arn: BTreeMap<&str, &String> = managed
        .iter()
        .map(|d| (d.arn.as_str(), &policy_names[&((), d.name.clone())]))
        .collect();
    let arn = |arn: &str| match policy_by_arn.get(arn) {
        Some(name) => Value::String(format!("${{aws_iam_policy.{name}.arn}}")),
        None => literal(arn),
    };
    // The attachment's name: the owner's, then the policy's (or the last part of its ARN); its
    // identity, the owner's IAM name and the policy's ARN.
    let attachment = |owner_key: &str, owner: &str, policy_arn: &str| -> (String, String) {
        let policy = match policy_by_arn.get(policy_arn) {
            Some(name) => name.to_string(),
            None => policy_arn
                .rsplit('/')
                .next()
                .unwrap_or(policy_arn)
                .to_string(),
        };
        (
            format!("{owner}\n{policy_arn}"),
            names::snake(&format!("{owner_key}__{policy}")),
        )
    };

    let mut resources = Resources::default();
    for document in &managed {
        let mut body = Map::new();
        body.insert("name".into(), literal(&document.name));
        body.insert("path".into(), literal(&document.path));
        if let Some(description) = &document.description {
            body.insert("description".into(), literal(description));
        }
        body.insert("policy".into(), policy_text(&document.policy));
        resources.add(
            "aws_iam_policy",
            document.name.clone(),
            policy_names[&((), document.name.clone())].clone(),
            Value::Object(body),
        );
    }

    for role in &compiled.roles {
        let Some(trust) = files.get(role.trust_file.as_str()) else {
            continue;
        };
        let name = role_names[&((), role.name.clone())].clone();
        let reference = Value::String(format!("${{aws_iam_role.{name}.name}}"));
        let mut body = Map::new();
        body.insert("name".into(), literal(&role.name));
        body.insert("path".into(), literal(&role.path));
        if let Some(description) = &role.description {
            body.insert("description".into(), literal(description));
        }
        body.insert("assume_role_policy".into(), policy_text(&trust.policy));
        if let Some(boundary) = &role.boundary_arn {
            body.insert("permissions_boundary".into(), arn(boundary));
        }
        if let Some(seconds) = role.max_session_seconds {
            body.insert("max_session_duration".into(), json!(seconds));
        }
        if !role.tags.is_empty() {
            body.insert("tags".into(), tags(&strings, &role.tags));
        }
        resources.add(
            "aws_iam_role",
            role.name.clone(),
            name.clone(),
            Value::Object(body),
        );
        for file in &role.inline_files {
            if let Some(inline) = files.get(file.as_str()) {
                resources.add(
                    "aws_iam_role_policy",
                    format!("{}\n{}", role.name, inline.name),
                    inline_key(&name, &role.name, &inline.name),
                    json!({
                        "name": literal(&inline.name),
                        "role": reference,
                        "policy": policy_text(&inline.policy),
                    }),
                );
            }
        }
        for policy in &role.attached_policy_arns {
            let (identity, key) = attachment(&name, &role.name, policy);
            resources.add(
                "aws_iam_role_policy_attachment",
                identity,
                key,
                json!({ "role": reference, "policy_arn": arn(policy) }),
            );
        }
        if let Some(profile) = role.instance_profile.as_ref().map(|p| &p.name) {
            resources.add(
                "aws_iam_instance_profile",
                profile.clone(),
                names::snake(profile),
                json!({ "name": literal(profile), "path": literal(&role.path), "role": reference }),
            );
        }
    }

    for group in &compiled.groups {
        let name = group_names[&((), group.name.clone())].clone();
        let reference = Value::String(format!("${{aws_iam_group.{name}.name}}"));
        resources.add(
            "aws_iam_group",
            group.name.clone(),
            name.clone(),
            json!({ "name": literal(&group.name), "path": literal(&group.path) }),
        );
        for file in &group.inline_files {
            if let Some(inline) = files.get(file.as_str()) {
                resources.add(
                    "aws_iam_group_policy",
                    format!("{}\n{}", group.name, inline.name),
                    inline_key(&name, &group.name, &inline.name),
                    json!({
                        "name": literal(&inline.name),
                        "group": reference,
                        "policy": policy_text(&inline.policy),
                    }),
                );
            }
        }
        for policy in &group.attached_policy_arns {
            let (identity, key) = attachment(&name, &group.name, policy);
            resources.add(
                "aws_iam_group_policy_attachment",
                identity,
                key,
                json!({ "group": reference, "policy_arn": arn(policy) }),
            );
        }
    }

    for user in &compiled.users {
        let name = user_names[&((), user.name.clone())].clone();
        let reference = Value::String(format!("${{aws_iam_user.{name}.name}}"));
        let mut body = Map::new();
        body.insert("name".into(), literal(&user.name));
        body.insert("path".into(), literal(&user.path));
        if let Some(boundary) = &user.boundary_arn {
            body.insert("permissions_boundary".into(), arn(boundary));
        }
        if !user.tags.is_empty() {
            body.insert("tags".into(), tags(&strings, &user.tags));
        }
        resources.add(
            "aws_iam_user",
            user.name.clone(),
            name.clone(),
            Value::Object(body),
        );
        for file in &user.inline_files {
            if let Some(inline) = files.get(file.as_str()) {
                resources.add(
                    "aws_iam_user_policy",
                    format!("{}\n{}", user.name, inline.name),
                    inline_key(&name, &user.name, &inline.name),
                    json!({
                        "name": literal(&inline.name),
                        "user": reference,
                        "policy": policy_text(&inline.policy),
                    }),
                );
            }
        }
        for policy in &user.attached_policy_arns {
            let (identity, key) = attachment(&name, &user.name, policy);
            resources.add(
                "aws_iam_user_policy_attachment",
                identity,
                key,
                json!({ "user": reference, "policy_arn": arn(policy) }),
            );
        }
        if !user.groups.is_empty() {
            let groups: Vec<Value> = user
                .groups
                .iter()
                .map(|g| match group_names.get(&((), g.clone())) {
                    Some(group) => Value::String(format!("${{aws_iam_group.{group}.name}}")),
                    None => literal(g),
                })
                .collect();
            resources.add(
                "aws_iam_user_group_membership",
                user.name.clone(),
                name.clone(),
                json!({ "user": reference, "groups": groups }),
            );
        }
    }

    let resources = resources.named();
    let mut outputs = Map::new();
    for (kind, prefix) in [
        ("aws_iam_policy", "policy"),
        ("aws_iam_role", "role"),
        ("aws_iam_instance_profile", "instance_profile"),
    ] {
        for name in resources.get(kind).into_iter().flat_map(BTreeMap::keys) {
            outputs.insert(
                format!("{prefix}_{name}_arn"),
                json!({ "value": format!("${{{kind}.{name}.arn}}") }),
            );
        }
    }
    let mut configuration = json!({
        "terraform": {
            "required_providers": {
                "aws": { "source": "hashicorp/aws", "version": ">= 4.0" }
            }
        },
        "data": {
            "aws_partition": { "current": {} },
            "aws_caller_identity": { "current": {} },
        },
        "resource": resources,
        "output": outputs,
    });
    if !compiled.account.is_empty() {
        let environment = compiled
            .environment
            .as_deref()
            .map(|e| format!(" (environment {e})"))
            .unwrap_or_default();
        configuration["data"]["aws_caller_identity"]["current"] = json!({
            "lifecycle": {
                "postcondition": [{
                    "condition": format!("${{self.account_id == \"{}\"}}", compiled.account),
                    "error_message": format!(
                        "this configuration is for account {}{environment}, but the credentials are for account ${{self.account_id}}",
                        compiled.account
                    ),
                }]
            }
        });
    }
    let mut text =
        serde_json::to_string_pretty(&configuration).expect("configurations always serialize");
    text.push('\n');
    text
}

/// An inline policy's resource name: the owner's, plus the policy's name when it differs.
fn inline_key(owner_key: &str, owner: &str, policy: &str) -> String {
    if policy == owner {
        owner_key.to_string()
    } else {
        format!("{owner_key}__{}", names::snake(policy))
    }
}

fn tags(strings: &Strings<'_>, tags: &litemap::LiteMap<String, String>) -> Value {
    Value::Object(
        tags.iter()
            .map(|(k, v)| (k.clone(), strings.literal(v)))
            .collect(),
    )
}
