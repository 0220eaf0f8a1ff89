//! Emitting: compiled documents to the files of an output directory.
//!
//! In: a [`Compiled`] project and a [`Format`]. Out: an ordered map from relative file path to
//! file contents — one canonical JSON file per IAM document plus `manifest.json`, and for the
//! deployable formats one more file: a CloudFormation template ([`cloudformation`]) or a
//! Terraform JSON configuration ([`terraform`]). A project with environments gets one such
//! output per environment in a directory of its name, listed by a top-level `manifest.json`
//! ([`emit_environments`]). Nothing here touches the disk: the CLI writes
//! the map atomically, so a failed build never leaves a partial directory.

pub mod cloudformation;
pub mod manifest;
mod names;
pub mod terraform;

use crate::compile::output::Compiled;
use manifest::manifest;
use serde::Serialize;
use std::collections::BTreeMap;

/// What `iamx build` writes besides the IAM documents and the manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Only the IAM JSON documents and `manifest.json`.
    #[default]
    Iam,
    /// Plus `template.json`, a CloudFormation template.
    CloudFormation,
    /// Plus `main.tf.json`, a Terraform JSON configuration for the AWS provider.
    Terraform,
}

impl Format {
    /// The deployable file this format adds, if any.
    pub fn extra_file(self) -> Option<&'static str> {
        match self {
            Format::Iam => None,
            Format::CloudFormation => Some(cloudformation::FILE),
            Format::Terraform => Some(terraform::FILE),
        }
    }
}

/// The output of a build in a format, and notes on what the format's file left out to meet
/// the format's quotas (CloudFormation's `Outputs`).
pub struct Emitted {
    pub files: OutputFiles,
    pub notes: Vec<String>,
}

/// The output of one build in `format`: the IAM documents, the manifest and the format's file;
/// an error when the format's file cannot meet the format's quotas.
pub fn emit_format(compiled: &Compiled, format: Format) -> Result<Emitted, String> {
    let mut files = emit(compiled);
    let mut notes = Vec::new();
    match format {
        Format::Iam => {}
        Format::CloudFormation => {
            let built = cloudformation::template(compiled)?;
            files.insert(cloudformation::FILE.to_string(), built.text);
            notes = built.notes;
        }
        Format::Terraform => {
            files.insert(
                terraform::FILE.to_string(),
                terraform::configuration(compiled),
            );
        }
    }
    Ok(Emitted { files, notes })
}

/// The output of a project with environments: each environment's complete output (documents,
/// manifest, the format's file) under `<environment>/`, and a `manifest.json` that lists them,
/// so a deployer finds every account's output from one file. `kept`: environments an earlier
/// build wrote that this one leaves in place (a build of some environments only); the listing
/// holds them too, as the directory does, in the order of `order` (the declared environments;
/// names it lacks come last).
pub fn emit_environments(
    builds: &[(&str, &Compiled)],
    kept: &[EnvironmentEntry],
    order: &[String],
    format: Format,
) -> Result<Emitted, String> {
    let mut files = OutputFiles::new();
    let mut notes = Vec::new();
    let mut environments = Vec::new();
    for (environment, compiled) in builds {
        let emitted = emit_format(compiled, format).map_err(|e| format!("{environment}: {e}"))?;
        for (path, contents) in emitted.files {
            files.insert(format!("{environment}/{path}"), contents);
        }
        notes.extend(
            emitted
                .notes
                .into_iter()
                .map(|n| format!("{environment}: {n}")),
        );
        environments.push(EnvironmentEntry::new(
            environment,
            &compiled.account,
            &compiled.partition,
        ));
    }
    environments.extend(kept.iter().cloned());
    // The listing describes the directory, not the command line: declared order, however
    // `--env` named them.
    environments.sort_by_key(|e| {
        order
            .iter()
            .position(|o| *o == e.name)
            .unwrap_or(usize::MAX)
    });
    let manifest = EnvironmentsManifest {
        manifest_version: MANIFEST_VERSION,
        environments,
    };
    let mut text = serde_json::to_string_pretty(&manifest).expect("the manifest always serializes");
    text.push('\n');
    files.insert("manifest.json".to_string(), text);
    Ok(Emitted { files, notes })
}

/// The top-level `manifest.json` of a build with environments.
#[derive(Serialize)]
struct EnvironmentsManifest {
    manifest_version: u32,
    environments: Vec<EnvironmentEntry>,
}

/// One environment of the top-level `manifest.json`.
#[derive(Debug, Clone, Serialize)]
pub struct EnvironmentEntry {
    pub name: String,
    pub account: String,
    pub partition: String,
    /// The environment's output directory, relative to the top-level manifest.
    pub directory: String,
    pub manifest: String,
}

impl EnvironmentEntry {
    /// The entry of environment `name`, written to `<name>/` as every build does.
    pub fn new(name: &str, account: &str, partition: &str) -> EnvironmentEntry {
        EnvironmentEntry {
            name: name.to_string(),
            account: account.to_string(),
            partition: partition.to_string(),
            directory: name.to_string(),
            manifest: format!("{name}/manifest.json"),
        }
    }
}

pub use manifest::MANIFEST_VERSION;

/// Relative path → contents, in path order.
pub type OutputFiles = BTreeMap<String, String>;

pub fn emit(compiled: &Compiled) -> OutputFiles {
    let mut files = OutputFiles::new();
    for document in &compiled.documents {
        files.insert(document.file.clone(), document.policy.to_canonical_json());
    }
    let mut manifest =
        serde_json::to_string_pretty(&manifest(compiled)).expect("the manifest always serializes");
    manifest.push('\n');
    files.insert("manifest.json".to_string(), manifest);
    files
}

/// A piece of a string that names the project's own account, for the formats that write the
/// account (and the partition of such ARNs) as a reference to where they are deployed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Part<'a> {
    Text(&'a str),
    Account,
    Partition,
}

/// `text` split at every occurrence of `account` (as a whole 12-digit number) and at the
/// partition of every ARN of that account (`arn:PARTITION:service:region:ACCOUNT:`); `None`
/// when the text does not name the account. ARNs of other accounts and of AWS (`arn:aws:iam::aws:policy/...`) stay as written.
pub(crate) fn own_account_parts<'a>(
    text: &'a str,
    account: &str,
    partition: &str,
) -> Option<Vec<Part<'a>>> {
    if account.is_empty() || !text.contains(account) {
        return None;
    }
    let bytes = text.as_bytes();
    let digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    // Where each substitution starts and ends, in order.
    let mut cuts: Vec<(usize, usize, Part<'a>)> = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find(account) {
        let start = from + found;
        let end = start + account.len();
        // A whole number only: `91111111111119` does not name account `111111111111`.
        let inside_a_number = (start > 0 && digit(start - 1)) || digit(end);
        if !inside_a_number {
            // The partition of an ARN whose account field this is.
            let head = &text[..start];
            let arn = head.rfind("arn:").filter(|&a| {
                let fields = &text[a..start];
                fields.matches(':').count() == 4
                    && !fields.contains(['"', ' ', ','])
                    && fields[4..].starts_with(partition)
                    && fields[4 + partition.len()..].starts_with(':')
            });
            if let Some(a) = arn {
                cuts.push((a + 4, a + 4 + partition.len(), Part::Partition));
            }
            cuts.push((start, end, Part::Account));
        }
        from = end;
    }
    if cuts.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    let mut at = 0;
    for (start, end, part) in cuts {
        if start > at {
            parts.push(Part::Text(&text[at..start]));
        }
        parts.push(part);
        at = end;
    }
    if at < text.len() {
        parts.push(Part::Text(&text[at..]));
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::{own_account_parts, Part};

    #[test]
    fn own_account_parts_find_the_account_and_its_arns_partition() {
        let parts = own_account_parts("arn:aws:iam::111111111111:role/a", "111111111111", "aws");
        assert_eq!(
            parts,
            Some(vec![
                Part::Text("arn:"),
                Part::Partition,
                Part::Text(":iam::"),
                Part::Account,
                Part::Text(":role/a"),
            ])
        );
        assert_eq!(
            own_account_parts("111111111111", "111111111111", "aws"),
            Some(vec![Part::Account])
        );
        // Other accounts, AWS's own policies and longer numbers are not the account.
        assert_eq!(
            own_account_parts("arn:aws:iam::222222222222:root", "111111111111", "aws"),
            None
        );
        assert_eq!(
            own_account_parts(
                "arn:aws:iam::aws:policy/ReadOnlyAccess",
                "111111111111",
                "aws"
            ),
            None
        );
        assert_eq!(
            own_account_parts("91111111111119", "111111111111", "aws"),
            None
        );
        // The partition is replaced only in the ARN whose account field is the account.
        let parts = own_account_parts("arn:aws:s3:::b/111111111111/*", "111111111111", "aws");
        assert_eq!(
            parts,
            Some(vec![
                Part::Text("arn:aws:s3:::b/"),
                Part::Account,
                Part::Text("/*")
            ])
        );
    }
}
