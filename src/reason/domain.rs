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
        }) && !slash_in_a_name(format, resource)
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

/// Whether `resource`, which `format` matches with any text for its placeholders, puts a `/` in
/// a name that has none: a format whose resource part is one of [`NAMES_WITHOUT_SLASH`] alone.
/// `arn:aws:s3:::/x` is no bucket, and a counterexample on it is no request AWS receives.
fn slash_in_a_name(format: &str, resource: &str) -> bool {
    let name = crate::iam::names::arn_parts(format).map(|parts| parts[5]);
    name.is_some_and(|name| NAMES_WITHOUT_SLASH.contains(&name))
        && crate::iam::names::arn_parts(resource).is_some_and(|parts| parts[5].contains('/'))
}

/// Placeholders that stand alone for an ARN's resource part and whose values hold no `/`, by
/// the services' naming rules: S3 bucket names (lowercase letters, digits, `.`, `-`), SNS topic
/// and SQS queue names (letters, digits, `-`, `_`), CodeCommit repository and CodePipeline
/// pipeline names (letters, digits, `.`, `-`, `_`, and `@` for pipelines).
const NAMES_WITHOUT_SLASH: &[&str] = &[
    "${BucketName}",
    "${TopicName}",
    "${QueueName}",
    "${RepositoryName}",
    "${PipelineName}",
];

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
/// format's shape; the rest from valid examples. Each of AWS's partitions is tried too: a
/// policy's `*` reaches every partition a boundary's `arn:aws:` does not. A region or account
/// the candidate leaves open (a wildcard, or empty in the search's witness) is tried with each of
/// [`EXAMPLE_PLACES`]: a boundary that names one region or account is escaped through another,
/// and one example alone may be the very one it names.
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
    let region = |example: &'static str| match (f[3].is_empty(), plain(part(3))) {
        (true, _) => "",
        (false, true) => part(3),
        (false, false) => example,
    };
    let account = |example: &'static str| match f[4].is_empty() {
        true => "",
        false if crate::iam::names::is_account_id(part(4)) => part(4),
        false => example,
    };
    let mut places: Vec<(&str, &str)> = EXAMPLE_PLACES
        .iter()
        .map(|&(r, a)| (region(r), account(a)))
        .collect();
    places.dedup();
    let tail = part(5);
    let tail_fits = plain(tail)
        && given.len() == 6
        // The resource part alone, whose wildcards match any text: as a whole ARN (`Arn`), its
        // trailing `*` would be padded with the segments the part does not have, and no part fit.
        && matches_concrete(&format_pattern(f[5]), PatternKind::Like, tail, &|_| None);
    let example_tail = Catalog::fill_arn_format(f[5], |_| "example".to_string());
    let mut out = vec![];
    for (region, account) in places {
        for &partition in &partitions {
            let head = format!("arn:{partition}:{}:{region}:{account}:", f[2]);
            if tail_fits {
                out.push(format!("{head}{tail}"));
            }
            out.push(format!("{head}{example_tail}"));
        }
    }
    out
}

/// The regions and accounts [`fill_from`] tries where a candidate leaves them open, in pairs.
const EXAMPLE_PLACES: &[(&str, &str)] = &[
    ("us-east-1", "123456789012"),
    ("eu-west-1", "111122223333"),
    ("ap-southeast-2", "444455556666"),
];

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
        // A bucket's name has no `/`: `arn:aws:s3:::/x` is not a bucket, `.../b/x` an object.
        assert!(takes_resource(catalog, "s3:ListBucket", "arn:aws:s3:::b").is_ok());
        assert!(takes_resource(catalog, "s3:ListBucket", "arn:aws:s3:::/x").is_err());
        assert!(takes_resource(catalog, "s3:ListBucket", "arn:aws:s3:::b/x").is_err());
        assert!(takes_resource(catalog, "s3:GetObject", "arn:aws:s3:::b/x").is_ok());
        assert!(takes_resource(catalog, "s3:GetObjecX", "*").is_err());
        let made = typed_resources(catalog, "iam:PassRole", &["arn:aws:s3:::b/x".to_string()]);
        assert_eq!(made[0], "arn:aws:iam::123456789012:role/example");
        assert!(made
            .iter()
            .all(|r| takes_resource(catalog, "iam:PassRole", r).is_ok()));
    }

    /// A witness that leaves its region empty (any region but the boundary's) keeps its own
    /// resource part, and the region is tried with more than one example: one alone may be the
    /// very region a boundary names.
    #[test]
    fn open_regions_and_accounts_are_filled_more_than_one_way() {
        let catalog = Catalog::get();
        let witness = "arn:aws:dynamodb::123456789012:table/t".to_string();
        let made = typed_resources(catalog, "dynamodb:GetItem", &[witness]);
        for region in ["us-east-1", "eu-west-1"] {
            let filled = format!("arn:aws:dynamodb:{region}:123456789012:table/t");
            assert!(made.contains(&filled), "{filled} in {made:?}");
        }
        let witness = "arn:aws:iam::*:role/x".to_string();
        let made = typed_resources(catalog, "sts:AssumeRole", &[witness]);
        for account in ["123456789012", "111122223333"] {
            let filled = format!("arn:aws:iam::{account}:role/x");
            assert!(made.contains(&filled), "{filled} in {made:?}");
        }
    }
}
