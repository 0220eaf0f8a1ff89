//! The request domain: what AWS could receive. Every real request names an action the catalog
//! lists and, as its resource, an ARN of a type that action takes (`*` for an action that takes
//! none). Containment with a catalog ([`super::Options::catalog`]) keeps its counterexamples in
//! this domain, and `verify` checks the delegation witnesses with the same rule.
//!
//! In: the catalog, an action, resources. Out: whether the action takes a resource, and
//! concrete resources of the action's types made from candidates.

use super::pattern::{matches_concrete, PatternKind};
use crate::catalog::Catalog;
use crate::iam::names::PARTITIONS;

/// An ARN format of the catalog as the pattern of every ARN it describes: each placeholder some
/// text, never none (AWS receives no ARN with an empty region, account or name where the format
/// has one).
fn format_pattern(format: &str) -> String {
    Catalog::fill_arn_format(format, |_| "?*".to_string())
}

/// Whether a request of `action` can have `resource`: the action is listed, and the resource
/// has one of its resource types' ARN formats, or is `*` for an action that takes no resource
/// type. The error says why not.
pub fn takes_resource(catalog: &Catalog, action: &str, resource: &str) -> Result<(), String> {
    let Some(entry) = catalog.action(action) else {
        return Err(format!("`{action}` is not an action the catalog lists"));
    };
    let formats = catalog.action_arn_formats(entry);
    if formats.is_empty() {
        return match resource {
            "*" => Ok(()),
            other => Err(format!("`{action}` takes no resource, not `{other}`")),
        };
    }
    let fits = formats.iter().any(|format| {
        matches_concrete(&format_pattern(format), PatternKind::Arn, resource, &|_| {
            None
        })
    });
    if fits {
        Ok(())
    } else {
        Err(format!(
            "`{action}` acts on {}, not on `{resource}`",
            formats.join(" or ")
        ))
    }
}

/// The candidates that `action` takes, then, for each of its ARN formats, the format filled in
/// from each candidate ([`fill_from`]) where the result is one it takes; `*` alone for an action
/// without resource types; nothing for an unlisted action.
pub fn typed_resources(catalog: &Catalog, action: &str, candidates: &[String]) -> Vec<String> {
    let Some(entry) = catalog.action(action) else {
        return vec![];
    };
    let formats = catalog.action_arn_formats(entry);
    if formats.is_empty() {
        return vec!["*".to_string()];
    }
    let takes = |resource: &str| takes_resource(catalog, action, resource).is_ok();
    let mut out: Vec<String> = candidates.iter().filter(|r| takes(r)).cloned().collect();
    for format in &formats {
        for from in candidates {
            for filled in fill_from(format, from) {
                if takes(&filled) && !out.contains(&filled) {
                    out.push(filled);
                }
            }
        }
    }
    out
}

/// Concrete ARNs of `format`, taking what fits from `from` (a candidate resource): its
/// partition, region and account when they are valid, and its resource part when that has the
/// format's shape; the rest from a valid example (`us-east-1`, `123456789012`, `example`). Each
/// of AWS's partitions is tried too: a policy's `*` reaches every partition a boundary's
/// `arn:aws:` does not.
fn fill_from(format: &str, from: &str) -> Vec<String> {
    let Some(f) = crate::iam::names::arn_parts(format) else {
        return vec![];
    };
    // The pattern's own parts as far as it has them: `arn:aws:s3:*` still names its partition.
    let given: Vec<&str> = from.splitn(6, ':').collect();
    let part = |i: usize| given.get(i).copied().unwrap_or("");
    let plain = |t: &str| !t.is_empty() && super::pattern::first_special(t).is_none();
    let partitions: Vec<&str> = [part(1)]
        .into_iter()
        .filter(|p| plain(p))
        .chain(PARTITIONS.iter().copied())
        .collect();
    let region = match (f[3].is_empty(), plain(part(3))) {
        (true, _) => "",
        (false, true) => part(3),
        (false, false) => "us-east-1",
    };
    let account = match f[4].is_empty() {
        true => "",
        false if crate::iam::names::is_account_id(part(4)) => part(4),
        false => "123456789012",
    };
    let tail = part(5);
    let tail_fits = plain(tail)
        && given.len() == 6
        && matches_concrete(&format_pattern(f[5]), PatternKind::Arn, tail, &|_| None);
    let mut out = vec![];
    for partition in partitions {
        let head = format!("arn:{partition}:{}:{region}:{account}:", f[2]);
        if tail_fits {
            out.push(format!("{head}{tail}"));
        }
        out.push(format!(
            "{head}{}",
            Catalog::fill_arn_format(f[5], |_| "example".to_string())
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_of_the_action_s_types() {
        let catalog = Catalog::get();
        assert!(
            takes_resource(catalog, "iam:PassRole", "arn:aws:iam::123456789012:role/x").is_ok()
        );
        for wrong in [
            "arn:aws:s3:::example-bucket/x",
            "arn:aws:iam:::role/x",
            "arn:aws:iam::123456789012:role/",
            "*",
        ] {
            assert!(
                takes_resource(catalog, "iam:PassRole", wrong).is_err(),
                "{wrong}"
            );
        }
        assert!(takes_resource(catalog, "s3:ListAllMyBuckets", "*").is_ok());
        assert!(takes_resource(catalog, "s3:GetObjecX", "*").is_err());
        let made = typed_resources(catalog, "iam:PassRole", &["arn:aws:s3:::b/x".to_string()]);
        assert_eq!(made[0], "arn:aws:iam::123456789012:role/example");
        assert!(made
            .iter()
            .all(|r| takes_resource(catalog, "iam:PassRole", r).is_ok()));
    }
}
