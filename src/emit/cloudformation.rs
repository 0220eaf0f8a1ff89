//! The CloudFormation output: one template (`template.json`) that creates every resource of the
//! build.
//!
//! Boundaries, managed policies and delegation policies (any managed kind, including the parts
//! of a split document) become `AWS::IAM::ManagedPolicy`; roles become `AWS::IAM::Role` with
//! their trust policy, inline policies, attached policies and `PermissionsBoundary`; an instance
//! profile becomes `AWS::IAM::InstanceProfile`; users and groups `AWS::IAM::User`/`Group`.
//! A policy of the template is referenced with `Ref` (which gives its ARN), never copied, so
//! CloudFormation also knows the order to create things in; policies from outside the project
//! stay ARNs. Logical IDs are the type and the IAM name in PascalCase (`RoleServiceEtl`), see
//! `emit::names`. Every resource is named explicitly, as the ARNs in the documents expect,
//! so the stack needs `CAPABILITY_NAMED_IAM`.
//!
//! The template is tied to the project's account without copying it: every string that names
//! that account (an ARN of the account's own roles, a trust in `arn:aws:iam::ACCOUNT:root`) is
//! written with `Fn::Sub` and `${AWS::AccountId}` (and `${AWS::Partition}` for the ARN's
//! partition), and a `Rules` assertion refuses to create or update the stack in any other
//! account, so a template built for `dev` cannot land in `prod`. `Outputs` give the ARN of every
//! role, instance profile, managed policy and delegation policy, keyed `<LogicalId>Arn` and
//! exported as `<stack name>-<LogicalId>Arn`, which depend only on the IAM names.

use super::names;
use crate::compile::output::{Compiled, Document, DocumentKind};
use crate::diagnostics::thousands;
use crate::iam::policy::PolicyDocument;
use serde::Serialize;
use std::collections::BTreeMap;

/// The template's file name in the output directory.
pub const FILE: &str = "template.json";

/// CloudFormation's quotas on one template (AWS CloudFormation User Guide, "Understand
/// CloudFormation quotas"): resources, outputs, and the size of a template read from S3 (one
/// passed in the request body may hold only 51,200 bytes; docs/deploying.md says so).
pub const MAX_RESOURCES: usize = 500;
pub const MAX_OUTPUTS: usize = 200;
pub const MAX_TEMPLATE_BYTES: usize = 1_000_000;

/// A template, and what was left out of it to meet a quota.
pub struct Built {
    pub text: String,
    pub notes: Vec<String>,
}

#[derive(Serialize)]
struct Template<'a> {
    #[serde(rename = "AWSTemplateFormatVersion")]
    version: &'static str,
    #[serde(rename = "Description")]
    description: String,
    #[serde(rename = "Rules", skip_serializing_if = "serde_json::Map::is_empty")]
    rules: serde_json::Map<String, serde_json::Value>,
    #[serde(rename = "Resources")]
    resources: BTreeMap<String, Resource<'a>>,
    #[serde(rename = "Outputs", skip_serializing_if = "BTreeMap::is_empty")]
    outputs: BTreeMap<String, serde_json::Value>,
}

#[derive(Serialize)]
#[serde(tag = "Type", content = "Properties")]
enum Resource<'a> {
    #[serde(rename = "AWS::IAM::ManagedPolicy")]
    ManagedPolicy(ManagedPolicy<'a>),
    #[serde(rename = "AWS::IAM::Role")]
    Role(Role<'a>),
    #[serde(rename = "AWS::IAM::InstanceProfile")]
    InstanceProfile(InstanceProfile<'a>),
    #[serde(rename = "AWS::IAM::User")]
    User(User<'a>),
    #[serde(rename = "AWS::IAM::Group")]
    Group(Group<'a>),
}

/// A value that is either written out or taken from another resource of the template.
#[derive(Serialize)]
#[serde(untagged)]
enum Value {
    Ref {
        #[serde(rename = "Ref")]
        logical_id: String,
    },
    /// A string naming the stack's own account, resolved by CloudFormation.
    Sub {
        #[serde(rename = "Fn::Sub")]
        text: String,
    },
    Literal(String),
}

/// The account and partition a template is for: strings that name them are written with
/// `Fn::Sub`.
struct Own<'a> {
    account: &'a str,
    partition: &'a str,
}

impl Own<'_> {
    /// `text` as written, or with `Fn::Sub` when it names the account. `${` already in the text
    /// (an IAM policy variable such as `${aws:username}`) is written `${!` so that `Fn::Sub`
    /// passes it through.
    fn value(&self, text: &str) -> Value {
        match super::own_account_parts(text, self.account, self.partition) {
            None => Value::Literal(text.to_string()),
            Some(parts) => {
                let mut out = String::new();
                for part in parts {
                    match part {
                        super::Part::Text(t) => out.push_str(&t.replace("${", "${!")),
                        super::Part::Account => out.push_str("${AWS::AccountId}"),
                        super::Part::Partition => out.push_str("${AWS::Partition}"),
                    }
                }
                Value::Sub { text: out }
            }
        }
    }

    /// A policy document with every string that names the account written with `Fn::Sub`,
    /// keys in IAM's order as in the document's own file.
    fn document(&self, policy: &PolicyDocument) -> Node {
        let text = serde_json::to_string(policy).expect("policy documents always serialize");
        let mut node: Node = serde_json::from_str(&text).expect("its own JSON reads back");
        self.substitute(&mut node);
        node
    }

    fn substitute(&self, node: &mut Node) {
        match node {
            Node::Leaf(serde_json::Value::String(text)) => {
                if let Value::Sub { text } = self.value(text) {
                    *node = Node::Object(vec![("Fn::Sub".into(), Node::Leaf(text.into()))]);
                }
            }
            Node::Leaf(_) => {}
            Node::Array(items) => items.iter_mut().for_each(|n| self.substitute(n)),
            Node::Object(entries) => entries.iter_mut().for_each(|(_, n)| self.substitute(n)),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ManagedPolicy<'a> {
    managed_policy_name: &'a str,
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    policy_document: Node,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct InlinePolicy<'a> {
    policy_name: &'a str,
    policy_document: Node,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Tag<'a> {
    key: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Role<'a> {
    role_name: &'a str,
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    assume_role_policy_document: Node,
    #[serde(skip_serializing_if = "Option::is_none")]
    permissions_boundary: Option<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    managed_policy_arns: Vec<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    policies: Vec<InlinePolicy<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_session_duration: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<Tag<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct InstanceProfile<'a> {
    instance_profile_name: &'a str,
    path: &'a str,
    roles: Vec<Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct User<'a> {
    user_name: &'a str,
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    permissions_boundary: Option<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    groups: Vec<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    managed_policy_arns: Vec<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    policies: Vec<InlinePolicy<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<Tag<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Group<'a> {
    group_name: &'a str,
    path: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    managed_policy_arns: Vec<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    policies: Vec<InlinePolicy<'a>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Policy(DocumentKind),
    Role,
    InstanceProfile,
    User,
    Group,
}

fn prefix(kind: Kind) -> &'static str {
    match kind {
        Kind::Policy(DocumentKind::Boundary) => "Boundary",
        Kind::Policy(DocumentKind::Delegation) => "Delegation",
        Kind::Policy(_) => "Policy",
        Kind::Role => "Role",
        Kind::InstanceProfile => "InstanceProfile",
        Kind::User => "User",
        Kind::Group => "Group",
    }
}

/// The logical ID of every resource of the template, by kind and IAM name.
fn logical_ids(compiled: &Compiled) -> BTreeMap<(Kind, String), String> {
    let mut keys: Vec<(Kind, String)> = Vec::new();
    for document in &compiled.documents {
        if document.kind.is_managed() {
            keys.push((Kind::Policy(document.kind), document.name.clone()));
        }
    }
    for role in &compiled.roles {
        keys.push((Kind::Role, role.name.clone()));
        if let Some(profile) = role.instance_profile.as_ref().map(|p| &p.name) {
            keys.push((Kind::InstanceProfile, profile.clone()));
        }
    }
    keys.extend(compiled.users.iter().map(|u| (Kind::User, u.name.clone())));
    keys.extend(
        compiled
            .groups
            .iter()
            .map(|g| (Kind::Group, g.name.clone())),
    );
    names::assign(keys, |kind, name| {
        format!("{}{}", prefix(*kind), names::pascal(name))
    })
}

/// The template, as pretty JSON with a trailing newline; identical input gives identical bytes.
pub fn template(compiled: &Compiled) -> Result<Built, String> {
    let ids = logical_ids(compiled);
    let files: BTreeMap<&str, &Document> = compiled
        .documents
        .iter()
        .map(|d| (d.file.as_str(), d))
        .collect();
    // A managed policy of the template, by ARN, is referenced rather than written out.
    let by_arn: BTreeMap<&str, String> = compiled
        .documents
        .iter()
        .filter(|d| d.kind.is_managed())
        .map(|d| {
            (
                d.arn.as_str(),
                ids[&(Kind::Policy(d.kind), d.name.clone())].clone(),
            )
        })
        .collect();
    let own = Own {
        account: &compiled.account,
        partition: &compiled.partition,
    };
    let arn = |arn: &str| match by_arn.get(arn) {
        Some(id) => Value::Ref {
            logical_id: id.clone(),
        },
        None => own.value(arn),
    };
    let inline = |inline_files: &[String]| -> Vec<InlinePolicy<'_>> {
        inline_files
            .iter()
            .filter_map(|f| files.get(f.as_str()))
            .map(|d| InlinePolicy {
                policy_name: &d.name,
                policy_document: own.document(&d.policy),
            })
            .collect()
    };

    let mut resources = BTreeMap::new();
    for document in &compiled.documents {
        if !document.kind.is_managed() {
            continue;
        }
        resources.insert(
            ids[&(Kind::Policy(document.kind), document.name.clone())].clone(),
            Resource::ManagedPolicy(ManagedPolicy {
                managed_policy_name: &document.name,
                path: &document.path,
                description: document.description.as_deref(),
                policy_document: own.document(&document.policy),
            }),
        );
    }
    for role in &compiled.roles {
        let role_id = ids[&(Kind::Role, role.name.clone())].clone();
        let Some(trust) = files.get(role.trust_file.as_str()) else {
            continue;
        };
        if let Some(profile) = role.instance_profile.as_ref().map(|p| &p.name) {
            resources.insert(
                ids[&(Kind::InstanceProfile, profile.clone())].clone(),
                Resource::InstanceProfile(InstanceProfile {
                    instance_profile_name: profile,
                    path: &role.path,
                    roles: vec![Value::Ref {
                        logical_id: role_id.clone(),
                    }],
                }),
            );
        }
        resources.insert(
            role_id,
            Resource::Role(Role {
                role_name: &role.name,
                path: &role.path,
                description: role.description.as_deref(),
                assume_role_policy_document: own.document(&trust.policy),
                permissions_boundary: role.boundary_arn.as_deref().map(arn),
                managed_policy_arns: role.attached_policy_arns.iter().map(|a| arn(a)).collect(),
                policies: inline(&role.inline_files),
                max_session_duration: role.max_session_seconds,
                tags: tags(&role.tags),
            }),
        );
    }
    for user in &compiled.users {
        resources.insert(
            ids[&(Kind::User, user.name.clone())].clone(),
            Resource::User(User {
                user_name: &user.name,
                path: &user.path,
                permissions_boundary: user.boundary_arn.as_deref().map(arn),
                groups: user
                    .groups
                    .iter()
                    .map(|group| match ids.get(&(Kind::Group, group.clone())) {
                        // `Ref` of a group is its name, and orders the group first.
                        Some(id) => Value::Ref {
                            logical_id: id.clone(),
                        },
                        None => Value::Literal(group.clone()),
                    })
                    .collect(),
                managed_policy_arns: user.attached_policy_arns.iter().map(|a| arn(a)).collect(),
                policies: inline(&user.inline_files),
                tags: tags(&user.tags),
            }),
        );
    }
    for group in &compiled.groups {
        resources.insert(
            ids[&(Kind::Group, group.name.clone())].clone(),
            Resource::Group(Group {
                group_name: &group.name,
                path: &group.path,
                managed_policy_arns: group.attached_policy_arns.iter().map(|a| arn(a)).collect(),
                policies: inline(&group.inline_files),
            }),
        );
    }

    let mut description = format!("IAM resources for account {}", compiled.account);
    if let Some(environment) = &compiled.environment {
        description.push_str(&format!(" (environment {environment})"));
    }
    description.push_str(", generated by iamx; deploy with CAPABILITY_NAMED_IAM");
    let mut rules = serde_json::Map::new();
    if !compiled.account.is_empty() {
        rules.insert(
            "DeployToOwnAccount".into(),
            serde_json::json!({
                "Assertions": [{
                    "Assert": { "Fn::Equals": [{ "Ref": "AWS::AccountId" }, compiled.account] },
                    "AssertDescription": format!(
                        "this template is for account {}{}; deploy it there",
                        compiled.account,
                        compiled.environment.as_deref().map(|e| format!(" (environment {e})")).unwrap_or_default()
                    ),
                }]
            }),
        );
    }
    if resources.len() > MAX_RESOURCES {
        return Err(format!(
            "the CloudFormation template would have {} resources, over CloudFormation's quota of {MAX_RESOURCES} per template; deploy with `--format terraform` or the IAM documents, or divide the project into several built separately (one stack each)",
            thousands(resources.len())
        ));
    }
    let mut notes = Vec::new();
    let mut outputs = outputs(&resources);
    if outputs.len() > MAX_OUTPUTS {
        notes.push(format!(
            "{FILE} has no `Outputs`: one per role, instance profile and managed policy would be {}, over CloudFormation's quota of {MAX_OUTPUTS}; the ARNs are in manifest.json",
            thousands(outputs.len())
        ));
        outputs.clear();
    }
    let template = Template {
        version: "2010-09-09",
        description,
        rules,
        outputs,
        resources,
    };
    let mut text = serde_json::to_string_pretty(&template).expect("templates always serialize");
    text.push('\n');
    if text.len() > MAX_TEMPLATE_BYTES {
        return Err(format!(
            "the CloudFormation template would be {} bytes, over CloudFormation's quota of {} for a template; deploy with `--format terraform` or the IAM documents, or divide the project into several built separately",
            thousands(text.len()),
            thousands(MAX_TEMPLATE_BYTES)
        ));
    }
    Ok(Built { text, notes })
}

/// JSON that keeps the order of object keys (`serde_json::Value` sorts them), so a document in
/// the template reads like its file: `Version` before `Statement`, `Effect` before `Action`.
enum Node {
    Leaf(serde_json::Value),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

impl Serialize for Node {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Node::Leaf(value) => value.serialize(serializer),
            Node::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Node::Object(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> serde::Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Node;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
                Ok(Node::Leaf(v.into()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
                Ok(Node::Leaf(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
                Ok(Node::Leaf(v.into()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
                Ok(Node::Leaf(v.into()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Node, E> {
                Ok(Node::Leaf(v.into()))
            }
            fn visit_unit<E>(self) -> Result<Node, E> {
                Ok(Node::Leaf(serde_json::Value::Null))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Node::Array(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Node::Object(entries))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// An output per role, instance profile and managed policy (boundaries and delegation policies
/// included): `<LogicalId>Arn`, exported as `<stack name>-<LogicalId>Arn`.
fn outputs(resources: &BTreeMap<String, Resource<'_>>) -> BTreeMap<String, serde_json::Value> {
    let mut outputs = BTreeMap::new();
    for (id, resource) in resources {
        let (value, what) = match resource {
            // `Ref` of a managed policy is its ARN.
            Resource::ManagedPolicy(p) => (
                serde_json::json!({ "Ref": id }),
                format!("managed policy {}", p.managed_policy_name),
            ),
            Resource::Role(r) => (
                serde_json::json!({ "Fn::GetAtt": [id, "Arn"] }),
                format!("role {}", r.role_name),
            ),
            Resource::InstanceProfile(p) => (
                serde_json::json!({ "Fn::GetAtt": [id, "Arn"] }),
                format!("instance profile {}", p.instance_profile_name),
            ),
            Resource::User(_) | Resource::Group(_) => continue,
        };
        outputs.insert(
            format!("{id}Arn"),
            serde_json::json!({
                "Description": format!("The ARN of the {what}"),
                "Value": value,
                "Export": { "Name": { "Fn::Sub": format!("${{AWS::StackName}}-{id}Arn") } },
            }),
        );
    }
    outputs
}

fn tags(tags: &litemap::LiteMap<String, String>) -> Vec<Tag<'_>> {
    tags.iter().map(|(key, value)| Tag { key, value }).collect()
}
