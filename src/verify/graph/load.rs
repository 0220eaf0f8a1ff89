//! The account a project or a build output deploys, as the account export (GAAD) of
//! [`crate::iam::gaad`] that real AWS would give once it is deployed, so that the escalation
//! graph reads one model whatever the source: a GAAD, a compiled project, or a build output
//! (whose files are read through a callback, since this crate never touches the file system).
//! The delegations of a project or build output come along ([`Delegation`]).
//!
//! The same conversion as `scripts/gaad-from-build.py`: every role, user and group with its
//! inline policies (named as the build names them), attached policies and boundary; every
//! boundary, managed and delegation policy as a managed policy with one default version `v1`.

use super::Delegation;
use crate::compile::output::{Compiled, Document};
use crate::diagnostics::Diagnostic;
use crate::emit::manifest::Manifest;
use crate::iam::gaad::{
    Account as Gaad, Group, InlinePolicy, InstanceProfile, ManagedPolicy, Role, Tag, User,
};
use crate::iam::located::LocatedDocument;
use crate::source::{FileId, Sources, Span};
use std::collections::HashMap;

/// Why a build output could not be read: a file is missing or is not a policy document.
#[derive(Debug, Clone)]
pub struct LoadError {
    pub message: String,
    /// Positions in the file, when it was read but is not a policy.
    pub diagnostics: Vec<Diagnostic>,
}

/// Tags from a compiled role (a `LiteMap`) or a manifest (a `BTreeMap`), in their order.
fn tags<'m>(map: impl IntoIterator<Item = (&'m String, &'m String)>) -> Vec<Tag> {
    map.into_iter()
        .map(|(key, value)| Tag {
            key: key.clone(),
            value: value.clone(),
        })
        .collect()
}

/// The pieces of a build (compiled or read back) the conversion needs, by output file.
struct Parts<'a> {
    account: &'a str,
    partition: &'a str,
    /// Output file → (kind, name, ARN, path, description, document).
    documents: HashMap<String, Part>,
}

struct Part {
    kind: String,
    name: String,
    arn: String,
    path: String,
    description: Option<String>,
    document: LocatedDocument,
}

impl Parts<'_> {
    fn document(&self, file: &str) -> Option<&Part> {
        self.documents.get(file)
    }

    fn inline(&self, files: &[String]) -> Vec<InlinePolicy> {
        files
            .iter()
            .filter_map(|file| self.document(file))
            .map(|part| InlinePolicy {
                name: part.name.clone(),
                document: part.document.clone(),
            })
            .collect()
    }

    fn policies(&self) -> Vec<ManagedPolicy> {
        let mut policies: Vec<&Part> = self
            .documents
            .values()
            .filter(|p| {
                matches!(
                    p.kind.as_str(),
                    "boundary" | "managed-policy" | "delegation"
                )
            })
            .collect();
        policies.sort_by(|a, b| a.arn.cmp(&b.arn));
        policies
            .into_iter()
            .map(|p| ManagedPolicy {
                name: p.name.clone(),
                path: p.path.clone(),
                arn: p.arn.clone(),
                id: None,
                description: p.description.clone(),
                default_version: Some("v1".to_string()),
                aws_managed: false,
                span: p.document.span,
                document: p.document.clone(),
            })
            .collect()
    }

    fn empty_trust(&self, span: Span) -> LocatedDocument {
        LocatedDocument {
            name: "trust".into(),
            policy: crate::iam::policy::PolicyDocument {
                version: Some("2012-10-17".into()),
                id: None,
                statements: Vec::new(),
            },
            spans: Vec::new(),
            span,
        }
    }
}

/// The GAAD a compiled project gives once deployed, and its delegations.
pub fn from_compiled(compiled: &Compiled) -> (Gaad, Vec<Delegation>) {
    let documents = compiled
        .documents
        .iter()
        .map(|d: &Document| {
            let part = Part {
                kind: d.kind.as_str().to_string(),
                name: d.name.clone(),
                arn: d.arn.clone(),
                path: d.path.clone(),
                description: d.description.clone(),
                document: d.located(d.name.clone()),
            };
            (d.file.clone(), part)
        })
        .collect();
    let parts = Parts {
        account: &compiled.account,
        partition: &compiled.partition,
        documents,
    };
    let roles = compiled
        .roles
        .iter()
        .map(|r| Role {
            name: r.name.clone(),
            path: r.path.clone(),
            arn: r.arn.clone(),
            id: None,
            description: r.description.clone(),
            trust_policy: parts
                .document(&r.trust_file)
                .map(|p| p.document.clone())
                .unwrap_or_else(|| parts.empty_trust(r.span)),
            max_session_duration: r.max_session_seconds.map(u64::from),
            permissions_boundary: r.boundary_arn.clone(),
            inline_policies: parts.inline(&r.inline_files),
            attached_policies: r.attached_policy_arns.clone(),
            instance_profiles: r
                .instance_profile
                .iter()
                .map(|(name, arn)| InstanceProfile {
                    name: name.clone(),
                    path: r.path.clone(),
                    arn: arn.clone(),
                    id: None,
                })
                .collect(),
            tags: tags(r.tags.iter()),
            span: r.span,
        })
        .collect();
    let users = compiled
        .users
        .iter()
        .map(|u| User {
            name: u.name.clone(),
            path: u.path.clone(),
            arn: u.arn.clone(),
            id: None,
            groups: u.groups.clone(),
            permissions_boundary: u.boundary_arn.clone(),
            inline_policies: parts.inline(&u.inline_files),
            attached_policies: u.attached_policy_arns.clone(),
            tags: tags(u.tags.iter()),
            span: u.span,
        })
        .collect();
    let groups = compiled
        .groups
        .iter()
        .map(|g| Group {
            name: g.name.clone(),
            path: g.path.clone(),
            arn: g.arn.clone(),
            id: None,
            inline_policies: parts.inline(&g.inline_files),
            attached_policies: g.attached_policy_arns.clone(),
            span: g.span,
        })
        .collect();
    let delegations = compiled
        .delegations
        .iter()
        .map(|d| Delegation {
            name: d.name.clone(),
            arn: d.arn.clone(),
            boundary_arn: d.boundary_arn.clone(),
            path: d.path.clone(),
            prefix: d.prefix.clone(),
            holders: d
                .to
                .iter()
                .map(|(kind, name, arn)| super::Holder {
                    kind: kind.clone(),
                    name: name.clone(),
                    arn: arn.clone(),
                })
                .collect(),
        })
        .collect();
    let gaad = Gaad {
        account_id: Some(parts.account.to_string()),
        partition: Some(parts.partition.to_string()),
        policies: parts.policies(),
        roles,
        users,
        groups,
    };
    (gaad, delegations)
}

/// The GAAD of one environment's build output, its documents read with `read` (a manifest file
/// name → the name to show and the text) into `sources`, and its delegations.
pub fn from_manifest(
    manifest: &Manifest,
    read: &mut crate::verify::account::ReadFile<'_>,
    sources: &mut Sources,
) -> Result<(Gaad, Vec<Delegation>), LoadError> {
    let mut documents = HashMap::new();
    for d in &manifest.documents {
        let (shown, text) = read(&d.file).map_err(|message| LoadError {
            message,
            diagnostics: Vec::new(),
        })?;
        let id: FileId = sources.add(shown.clone(), text);
        let (policy, diagnostics) = crate::iam::read::read(id, &sources.get(id).text);
        let policy = match policy {
            Some(policy) if !diagnostics.iter().any(Diagnostic::is_error) => policy,
            _ => {
                return Err(LoadError {
                    message: format!("`{shown}` is not an IAM policy document"),
                    diagnostics,
                })
            }
        };
        let part = Part {
            kind: d.kind.clone(),
            name: d.name.clone(),
            arn: d.arn.clone(),
            path: d.path.clone(),
            description: d.description.clone(),
            document: LocatedDocument::from_read(d.name.clone(), policy),
        };
        documents.insert(d.file.clone(), part);
    }
    let parts = Parts {
        account: &manifest.account,
        partition: &manifest.partition,
        documents,
    };
    let whole = |file: &str| {
        parts
            .document(file)
            .map_or(Span::new(FileId(0), 0, 0), |p| p.document.span)
    };
    let roles = manifest
        .roles
        .iter()
        .map(|r| Role {
            name: r.name.clone(),
            path: r.path.clone(),
            arn: r.arn.clone(),
            id: None,
            description: r.description.clone(),
            trust_policy: parts
                .document(&r.trust_file)
                .map(|p| p.document.clone())
                .unwrap_or_else(|| parts.empty_trust(whole(&r.trust_file))),
            max_session_duration: r.max_session_duration.map(u64::from),
            permissions_boundary: r.boundary_arn.clone(),
            inline_policies: parts.inline(&r.inline_policy_files),
            attached_policies: r.attached_policy_arns.clone(),
            instance_profiles: r
                .instance_profile
                .iter()
                .map(|p| InstanceProfile {
                    name: p.name.clone(),
                    path: r.path.clone(),
                    arn: p.arn.clone(),
                    id: None,
                })
                .collect(),
            tags: tags(r.tags.iter()),
            span: whole(&r.trust_file),
        })
        .collect();
    let users = manifest
        .users
        .iter()
        .map(|u| User {
            name: u.name.clone(),
            path: u.path.clone(),
            arn: u.arn.clone(),
            id: None,
            groups: u.groups.clone(),
            permissions_boundary: u.boundary_arn.clone(),
            inline_policies: parts.inline(&u.inline_policy_files),
            attached_policies: u.attached_policy_arns.clone(),
            tags: tags(u.tags.iter()),
            span: Span::new(FileId(0), 0, 0),
        })
        .collect();
    let groups = manifest
        .groups
        .iter()
        .map(|g| Group {
            name: g.name.clone(),
            path: g.path.clone(),
            arn: g.arn.clone(),
            id: None,
            inline_policies: parts.inline(&g.inline_policy_files),
            attached_policies: g.attached_policy_arns.clone(),
            span: Span::new(FileId(0), 0, 0),
        })
        .collect();
    let delegations = manifest
        .documents
        .iter()
        .filter_map(|d| {
            let summary = d.delegation.as_ref()?;
            Some(Delegation {
                name: d.name.clone(),
                arn: d.arn.clone(),
                boundary_arn: summary.boundary_arn.clone(),
                path: summary.path.clone(),
                prefix: summary.prefix.clone(),
                holders: summary
                    .to
                    .iter()
                    .map(|t| super::Holder {
                        kind: t.kind.clone(),
                        name: t.name.clone(),
                        arn: t.arn.clone(),
                    })
                    .collect(),
            })
        })
        .collect();
    let gaad = Gaad {
        account_id: Some(parts.account.to_string()),
        partition: Some(parts.partition.to_string()),
        policies: parts.policies(),
        roles,
        users,
        groups,
    };
    Ok((gaad, delegations))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_project_and_its_build_output_give_the_same_account() {
        let project = r#"account "123456789012"
boundary B { allow s3:* on * }
policy P { allow s3:GetObject on * }
group g { attach P }
user u { groups g  boundary B  allow s3:PutObject on * }
role r { trust service lambda.amazonaws.com  instance_profile  attach P  allow s3:* on * }
delegate D { to group g  boundary B  prefix "app-" }
"#;
        let input = crate::compile::Input {
            name: "p.iamx".into(),
            bytes: project.as_bytes().to_vec(),
        };
        let compilation = crate::compile::compile(vec![input], &Default::default());
        let compiled = compilation.compiled.expect("compiles");
        let (gaad, delegations) = super::from_compiled(&compiled);
        let files = crate::emit::emit(&compiled);
        let manifest = crate::emit::manifest::read(&files["manifest.json"]).unwrap();
        let mut sources = crate::source::Sources::new();
        let mut read = |file: &str| Ok((file.to_string(), files[file].clone()));
        let (read_back, again) = super::from_manifest(&manifest, &mut read, &mut sources).unwrap();
        assert_eq!(delegations.len(), 1);
        assert_eq!(delegations[0].holders[0].name, "g");
        assert_eq!(again.len(), 1);
        for g in [&gaad, &read_back] {
            assert_eq!(g.roles[0].instance_profiles.len(), 1);
            assert_eq!(g.roles[0].trust_policy.policy.statements.len(), 1);
            assert_eq!(g.users[0].groups, ["g"]);
            assert_eq!(g.policies.len(), 3);
            assert_eq!(g.account_id.as_deref(), Some("123456789012"));
        }
        // A file that is not a policy is said.
        let mut bad = |file: &str| match file.starts_with("roles/") {
            true => Ok((file.to_string(), "[]".to_string())),
            false => Ok((file.to_string(), files[file].clone())),
        };
        let error = super::from_manifest(&manifest, &mut bad, &mut sources).unwrap_err();
        assert!(error.message.contains("is not an IAM policy document"));
        let mut missing = |file: &str| Err(format!("cannot read `{file}`"));
        assert!(super::from_manifest(&manifest, &mut missing, &mut sources).is_err());
    }
}
