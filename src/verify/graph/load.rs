//! The account a project or a build output deploys, as the account export (GAAD) of
//! [`crate::iam::gaad`] that real AWS would give once it is deployed, so that the escalation
//! graph reads one model whatever the source: a GAAD, a compiled project, or a build output
//! (whose files are read through a callback, since this crate never touches the file system).
//! The delegations of a project or build output come along ([`Delegation`]).
//!
//! One conversion, [`account`], from a build's manifest and its documents: a compiled project
//! goes through the manifest its build would write ([`crate::emit::manifest::manifest`]), so a
//! project and its build output cannot give different accounts. It is the conversion of
//! `scripts/gaad-from-build.py`: every role, user and group with its inline policies (named as
//! the build names them), attached policies and boundary; every boundary, managed and delegation
//! policy as a managed policy with one default version `v1`.

use super::Delegation;
use crate::compile::output::Compiled;
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

/// The GAAD a compiled project gives once deployed, and its delegations. Roles, users and
/// groups are placed at their blocks in the sources.
pub fn from_compiled(compiled: &Compiled) -> (Gaad, Vec<Delegation>) {
    let manifest = crate::emit::manifest::manifest(compiled);
    let documents = compiled
        .documents
        .iter()
        .map(|d| (d.file.clone(), d.located(d.name.clone())))
        .collect();
    let places = (compiled.roles.iter().map(|r| (r.arn.as_str(), r.span)))
        .chain(compiled.users.iter().map(|u| (u.arn.as_str(), u.span)))
        .chain(compiled.groups.iter().map(|g| (g.arn.as_str(), g.span)))
        .collect();
    account(&manifest, &documents, &places)
}

/// The GAAD of one environment's build output, its documents read with `read` (a manifest file
/// name → the name to show and the text) into `sources`, and its delegations. A role is placed
/// at its trust policy's file; users and groups nowhere.
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
        let document = LocatedDocument::from_read(d.name.clone(), policy);
        documents.insert(d.file.clone(), document);
    }
    Ok(account(manifest, &documents, &HashMap::new()))
}

/// The GAAD of a build: its manifest, its documents by output file, and where each principal
/// is written by ARN (a role without one is placed at its trust policy, others nowhere).
fn account(
    manifest: &Manifest,
    documents: &HashMap<String, LocatedDocument>,
    places: &HashMap<&str, Span>,
) -> (Gaad, Vec<Delegation>) {
    let nowhere = Span::new(FileId(0), 0, 0);
    let inline = |files: &[String]| -> Vec<InlinePolicy> {
        files
            .iter()
            .filter_map(|file| documents.get(file))
            .map(|document| InlinePolicy {
                name: document.name.clone(),
                document: document.clone(),
            })
            .collect()
    };
    let tags = |map: &std::collections::BTreeMap<String, String>| -> Vec<Tag> {
        map.iter()
            .map(|(key, value)| Tag {
                key: key.clone(),
                value: value.clone(),
            })
            .collect()
    };
    let roles = manifest
        .roles
        .iter()
        .map(|r| {
            let trust = documents.get(&r.trust_file);
            let span = places
                .get(r.arn.as_str())
                .copied()
                .or(trust.map(|t| t.span))
                .unwrap_or(nowhere);
            Role {
                name: r.name.clone(),
                path: r.path.clone(),
                arn: r.arn.clone(),
                id: None,
                description: r.description.clone(),
                trust_policy: trust.cloned().unwrap_or_else(|| empty_trust(span)),
                max_session_duration: r.max_session_duration.map(u64::from),
                permissions_boundary: r.boundary_arn.clone(),
                inline_policies: inline(&r.inline_policy_files),
                attached_policies: r.attached_policy_arns.clone(),
                instance_profiles: (r.instance_profile.iter())
                    .map(|p| InstanceProfile {
                        name: p.name.clone(),
                        path: r.path.clone(),
                        arn: p.arn.clone(),
                        id: None,
                    })
                    .collect(),
                tags: tags(&r.tags),
                span,
            }
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
            inline_policies: inline(&u.inline_policy_files),
            attached_policies: u.attached_policy_arns.clone(),
            tags: tags(&u.tags),
            span: places.get(u.arn.as_str()).copied().unwrap_or(nowhere),
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
            inline_policies: inline(&g.inline_policy_files),
            attached_policies: g.attached_policy_arns.clone(),
            span: places.get(g.arn.as_str()).copied().unwrap_or(nowhere),
        })
        .collect();
    let mut policies: Vec<ManagedPolicy> = (manifest.documents.iter())
        .filter(|d| {
            matches!(
                d.kind.as_str(),
                "boundary" | "managed-policy" | "delegation"
            )
        })
        .filter_map(|d| {
            let document = documents.get(&d.file)?;
            Some(ManagedPolicy {
                name: d.name.clone(),
                path: d.path.clone(),
                arn: d.arn.clone(),
                id: None,
                description: d.description.clone(),
                default_version: Some("v1".to_string()),
                aws_managed: false,
                versions: 1,
                other_versions: Vec::new(),
                span: document.span,
                document: document.clone(),
            })
        })
        .collect();
    policies.sort_by(|a, b| a.arn.cmp(&b.arn));
    // A delegation policy split to fit its quota is one delegation, named as written, whose
    // summary each part carries: it is taken from the first.
    let split_from: HashMap<&str, &str> = (manifest.splits.iter())
        .filter(|split| split.kind == "delegation")
        .flat_map(|split| (split.parts.iter()).map(|part| (part.as_str(), split.name.as_str())))
        .collect();
    let mut taken = std::collections::HashSet::new();
    let delegations = manifest
        .documents
        .iter()
        .filter_map(|d| {
            let summary = d.delegation.as_ref()?;
            let name = split_from.get(d.name.as_str()).copied().unwrap_or(&d.name);
            if !taken.insert(name) {
                return None;
            }
            Some(Delegation {
                name: name.to_string(),
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
        account_id: Some(manifest.account.clone()),
        partition: Some(manifest.partition.clone()),
        policies,
        roles,
        users,
        groups,
    };
    (gaad, delegations)
}

/// The trust policy of a role whose file is missing: no statements, so no one may assume it.
fn empty_trust(span: Span) -> LocatedDocument {
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

    #[test]
    fn a_delegation_split_to_fit_its_quota_is_one_delegation_in_both() {
        // 230 tag keys put the delegation policy over the managed policy quota, so the build
        // writes it as `D-1`, `D-2`, `D-3`; a build output read back must still know `D`, whose
        // boundary is the one the roles its holders create are given.
        let keys: Vec<String> = (0..230)
            .map(|i| format!("\"team-key-number-{i}\""))
            .collect();
        let project = format!(
            "account \"123456789012\"\nboundary B {{ allow s3:GetObject on * }}\ngroup devs {{ }}\n\
             delegate D {{ to group devs  boundary B  prefix \"service-\"  tag_keys {} }}\n",
            keys.join(", ")
        );
        let input = crate::compile::Input {
            name: "p.iamx".into(),
            bytes: project.into_bytes(),
        };
        let compilation = crate::compile::compile(vec![input], &Default::default());
        let compiled = compilation.compiled.expect("compiles");
        assert_eq!(compiled.splits.len(), 1, "the delegation policy is split");
        let files = crate::emit::emit(&compiled);
        let manifest = crate::emit::manifest::read(&files["manifest.json"]).unwrap();
        let mut sources = crate::source::Sources::new();
        let mut read = |file: &str| Ok((file.to_string(), files[file].clone()));
        let (_, from_output) = super::from_manifest(&manifest, &mut read, &mut sources).unwrap();
        let (_, from_project) = super::from_compiled(&compiled);
        for delegations in [&from_project, &from_output] {
            assert_eq!(delegations.len(), 1);
            assert_eq!(delegations[0].name, "D");
            assert_eq!(
                delegations[0].boundary_arn,
                "arn:aws:iam::123456789012:policy/B"
            );
            assert_eq!(delegations[0].holders[0].name, "devs");
        }
    }
}
