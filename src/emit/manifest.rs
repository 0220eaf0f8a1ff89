//! `manifest.json`: what a build wrote, for deployers and for `iamx diff`. One type both
//! writes it (from a compiled project) and reads it back, so the schema lives in one place.
//!
//! In: a [`Compiled`] project ([`manifest`]), or a manifest's JSON text ([`read`]). Out: the
//! [`Manifest`], serialized with keys in the order written here.

use crate::compile::output::{Compiled, DelegationInfo, Document, DocumentKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The manifest's schema version; bumped on incompatible changes.
pub const MANIFEST_VERSION: u32 = 1;

/// Reads a build's `manifest.json`.
pub fn read(text: &str) -> Result<Manifest, String> {
    serde_json::from_str(text).map_err(|e| format!("manifest.json: {e}"))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub manifest_version: u32,
    pub account: String,
    pub partition: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    pub documents: Vec<ManifestDocument>,
    pub roles: Vec<ManifestRole>,
    pub users: Vec<ManifestUser>,
    pub groups: Vec<ManifestGroup>,
    /// Documents over a size quota and the managed policies that replace them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub splits: Vec<ManifestSplit>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestSplit {
    pub kind: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    pub size: usize,
    pub quota: usize,
    pub parts: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestDocument {
    pub kind: String,
    pub name: String,
    pub arn: String,
    pub path: String,
    pub file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Characters as IAM counts them (no white space) and the quota they count against.
    pub size: usize,
    pub quota: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<RoleSummary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegation: Option<DelegationSummary>,
}

/// What a deployer needs next to a delegation policy: where to attach it and what it hands out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegationSummary {
    pub to: Vec<Target>,
    pub boundary_arn: String,
    pub path: String,
    pub prefix: String,
    pub pass_to: Vec<String>,
    pub create_users: bool,
    /// The tag keys holders may set (older manifests lack it and the next field).
    #[serde(default)]
    pub tag_keys: Vec<String>,
    #[serde(default)]
    pub login_profiles: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub kind: String,
    pub name: String,
    pub arn: String,
}

/// What a deployer needs next to a role's trust or inline document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleSummary {
    pub name: String,
    pub boundary_arn: Option<String>,
    pub trust_file: String,
    pub attached_policy_arns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestRole {
    pub name: String,
    pub arn: String,
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub boundary_arn: Option<String>,
    pub trust_file: String,
    pub inline_policy_files: Vec<String>,
    pub attached_policy_arns: Vec<String>,
    pub instance_profile: Option<NameArn>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_session_duration: Option<u32>,
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameArn {
    pub name: String,
    pub arn: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestUser {
    pub name: String,
    pub arn: String,
    pub path: String,
    pub boundary_arn: Option<String>,
    pub groups: Vec<String>,
    pub inline_policy_files: Vec<String>,
    pub attached_policy_arns: Vec<String>,
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestGroup {
    pub name: String,
    pub arn: String,
    pub path: String,
    pub inline_policy_files: Vec<String>,
    pub attached_policy_arns: Vec<String>,
}

/// The manifest of one compiled project.
pub fn manifest(compiled: &Compiled) -> Manifest {
    let role_by_name: BTreeMap<&str, _> = compiled
        .roles
        .iter()
        .map(|role| (role.name.as_str(), role))
        .collect();
    // A delegation policy's document by its name, and each of its parts by theirs once it was
    // split to fit the managed policy quota (`compile::limits`): every part carries the summary.
    let mut delegation_by_name: BTreeMap<&str, &DelegationInfo> = compiled
        .delegations
        .iter()
        .map(|d| (d.name.as_str(), d))
        .collect();
    let parts: Vec<(&str, &DelegationInfo)> = (compiled.splits.iter())
        .filter(|split| split.kind == DocumentKind::Delegation)
        .filter_map(|split| Some((split, *delegation_by_name.get(split.name.as_str())?)))
        .flat_map(|(split, d)| split.parts.iter().map(move |part| (part.as_str(), d)))
        .collect();
    delegation_by_name.extend(parts);
    let documents = compiled
        .documents
        .iter()
        .map(|document: &Document| {
            let owner = document.owner.as_deref();
            let role = match document.kind {
                DocumentKind::Trust | DocumentKind::RoleInline => owner
                    .and_then(|o| role_by_name.get(o))
                    .map(|role| RoleSummary {
                        name: role.name.clone(),
                        boundary_arn: role.boundary_arn.clone(),
                        trust_file: role.trust_file.clone(),
                        attached_policy_arns: role.attached_policy_arns.clone(),
                    }),
                _ => None,
            };
            ManifestDocument {
                kind: document.kind.as_str().to_string(),
                name: document.name.clone(),
                arn: document.arn.clone(),
                path: document.path.clone(),
                file: document.file.clone(),
                description: document.description.clone(),
                size: document.policy.quota_size(),
                quota: document.kind.quota(),
                role,
                user: (document.kind == DocumentKind::UserInline)
                    .then_some(owner)
                    .flatten()
                    .map(str::to_string),
                group: (document.kind == DocumentKind::GroupInline)
                    .then_some(owner)
                    .flatten()
                    .map(str::to_string),
                delegation: (document.kind == DocumentKind::Delegation)
                    .then(|| delegation_by_name.get(document.name.as_str()))
                    .flatten()
                    .map(|d| DelegationSummary {
                        to: d
                            .to
                            .iter()
                            .map(|(kind, name, arn)| Target {
                                kind: kind.clone(),
                                name: name.clone(),
                                arn: arn.clone(),
                            })
                            .collect(),
                        boundary_arn: d.boundary_arn.clone(),
                        path: d.path.clone(),
                        prefix: d.prefix.clone(),
                        pass_to: d.pass_to.clone(),
                        create_users: d.create_users,
                        tag_keys: d.tag_keys.clone(),
                        login_profiles: d.login_profiles,
                    }),
            }
        })
        .collect();
    Manifest {
        manifest_version: MANIFEST_VERSION,
        account: compiled.account.clone(),
        partition: compiled.partition.clone(),
        environment: compiled.environment.clone(),
        documents,
        roles: compiled
            .roles
            .iter()
            .map(|role| ManifestRole {
                name: role.name.clone(),
                arn: role.arn.clone(),
                path: role.path.clone(),
                description: role.description.clone(),
                boundary_arn: role.boundary_arn.clone(),
                trust_file: role.trust_file.clone(),
                inline_policy_files: role.inline_files.clone(),
                attached_policy_arns: role.attached_policy_arns.clone(),
                instance_profile: role.instance_profile.as_ref().map(|profile| NameArn {
                    name: profile.name.clone(),
                    arn: profile.arn.clone(),
                }),
                max_session_duration: role.max_session_seconds,
                tags: role
                    .tags
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            })
            .collect(),
        users: compiled
            .users
            .iter()
            .map(|user| ManifestUser {
                name: user.name.clone(),
                arn: user.arn.clone(),
                path: user.path.clone(),
                boundary_arn: user.boundary_arn.clone(),
                groups: user.groups.clone(),
                inline_policy_files: user.inline_files.clone(),
                attached_policy_arns: user.attached_policy_arns.clone(),
                tags: user
                    .tags
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            })
            .collect(),
        groups: compiled
            .groups
            .iter()
            .map(|group| ManifestGroup {
                name: group.name.clone(),
                arn: group.arn.clone(),
                path: group.path.clone(),
                inline_policy_files: group.inline_files.clone(),
                attached_policy_arns: group.attached_policy_arns.clone(),
            })
            .collect(),
        splits: compiled
            .splits
            .iter()
            .map(|split| ManifestSplit {
                kind: split.kind.as_str().to_string(),
                name: split.name.clone(),
                owner: split.owner.clone(),
                size: split.size,
                quota: split.quota,
                parts: split.parts.clone(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::{compile, Input, Options};

    #[test]
    fn what_is_written_reads_back_the_same() {
        let source = r#"account "123456789012"
boundary B { allow s3:* on * }
role r {
  boundary B
  trust service ec2.amazonaws.com
  instance_profile
  tag team = "etl"
  allow s3:GetObject on arn:aws:s3:::b/*
}
"#;
        let compiled = compile(
            vec![Input {
                name: "main.iamx".into(),
                bytes: source.as_bytes().to_vec(),
            }],
            &Options::default(),
        )
        .compiled
        .expect("the source compiles");
        let written = manifest(&compiled);
        let text = serde_json::to_string_pretty(&written).unwrap();
        assert_eq!(read(&text).unwrap(), written);
        assert_eq!(
            written.roles[0].boundary_arn.as_deref(),
            Some("arn:aws:iam::123456789012:policy/B")
        );
        assert!(read("{\"documents\": 3}").is_err());
    }
}
