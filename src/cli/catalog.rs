//! `iamx catalog PATTERN`: the actions of the embedded AWS catalog that match an IAM action
//! pattern (`s3:Get*`, `s3:*Object*`, or a bare service prefix like `s3`), each with its access
//! level, resource types (with ARN formats) and condition keys. Text for people, `--format json`
//! for tools; both on stdout.

use super::output::{errln, out, outln};
use super::{Exit, Format};
use iamx::catalog::{Action, Catalog};
use serde::Serialize;

#[derive(clap::Args)]
pub struct Args {
    /// An action or action pattern (`s3:GetObject`, `s3:Get*`, `*:Tag*`), or a service prefix.
    pattern: String,
    /// `text`: one block per action; `json`: an array of actions.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Serialize)]
struct ActionEntry {
    action: String,
    access_level: &'static str,
    resource_types: Vec<ResourceEntry>,
    condition_keys: Vec<&'static str>,
}

#[derive(Serialize)]
struct ResourceEntry {
    name: &'static str,
    required: bool,
    arn_formats: Vec<&'static str>,
    condition_keys: Vec<&'static str>,
}

pub fn run(args: Args) -> Exit {
    if args.pattern.trim().is_empty() {
        return super::fail(
            "give a service (`s3`), an action (`s3:GetObject`) or a pattern (`s3:Get*`)",
        );
    }
    let catalog = Catalog::get();
    let pattern = if args.pattern.contains(':') || args.pattern == "*" {
        args.pattern.clone()
    } else {
        format!("{}:*", args.pattern)
    };
    let actions = catalog.expand_actions(&pattern);
    if actions.is_empty() {
        errln!("error: no action of the catalog matches `{}`", args.pattern);
        let suggestion = if pattern.contains(['*', '?']) {
            pattern.split_once(':').and_then(|(service, rest)| {
                let close = catalog.suggest_service(service)?;
                Some(format!("{close}:{rest}"))
            })
        } else {
            catalog.suggest_action(&pattern)
        };
        // A known service with a pattern none of its actions match is suggested as itself.
        match suggestion.filter(|close| !close.eq_ignore_ascii_case(&pattern)) {
            Some(close) => errln!("help: did you mean `{close}`?"),
            None => {
                if let Some((service, _)) = pattern.split_once(':') {
                    if !catalog.expand_actions(&format!("{service}:*")).is_empty() {
                        errln!("help: `iamx catalog {service}` lists the actions of `{service}`");
                    }
                }
            }
        }
        return Exit::InputErrors;
    }
    let entries: Vec<ActionEntry> = actions.iter().map(|a| entry(catalog, a)).collect();
    match args.format {
        Format::Json => {
            let text = serde_json::to_string_pretty(&entries).expect("entries serialize");
            outln!("{text}");
        }
        Format::Text => out!("{}", text(&entries)),
    }
    Exit::Success
}

fn entry(catalog: &Catalog, action: &Action) -> ActionEntry {
    ActionEntry {
        action: action.full_name(),
        access_level: action.access_level.as_str(),
        resource_types: catalog
            .action_resource_types(action)
            .map(|(used, rt)| ResourceEntry {
                name: rt.name(),
                required: used.required,
                arn_formats: rt.arn_formats().to_vec(),
                condition_keys: (rt.condition_keys().iter())
                    .chain(used.condition_keys())
                    .collect(),
            })
            .collect(),
        condition_keys: action.condition_keys().to_vec(),
    }
}

fn text(entries: &[ActionEntry]) -> String {
    let mut out = String::new();
    for entry in entries {
        out.push_str(&format!("{} ({})\n", entry.action, entry.access_level));
        if entry.resource_types.is_empty() {
            out.push_str("  resources: `*` only (no resource types)\n");
        }
        for rt in &entry.resource_types {
            let required = if rt.required { ", required" } else { "" };
            out.push_str(&format!(
                "  resource {}{required}: {}\n",
                rt.name,
                rt.arn_formats.join(", ")
            ));
            if !rt.condition_keys.is_empty() {
                out.push_str(&format!("    keys: {}\n", rt.condition_keys.join(", ")));
            }
        }
        if !entry.condition_keys.is_empty() {
            out.push_str(&format!(
                "  condition keys: {}\n",
                entry.condition_keys.join(", ")
            ));
        }
    }
    out
}
