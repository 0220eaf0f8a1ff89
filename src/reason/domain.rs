//! The request domain: what AWS could receive. Every real request names an action the catalog
//! lists and, as its resource, an ARN of a type that action takes (`*` for an action that takes
//! none). Containment with a catalog ([`super::Options::catalog`]) keeps its counterexamples in
//! this domain, and `verify` checks the delegation witnesses with the same rule.
//!
//! In: the catalog, an action, resources. Out: whether the action takes a resource, and
//! concrete resources of the action's types made from candidates.

use crate::catalog::Catalog;
use crate::iam::names::PARTITIONS;

/// Whether a request of `action` can have `resource`: the action is listed, and the resource
/// has one of its resource types' ARN formats, or is `*` for an action that takes no resource
/// type. The error says why not.
pub fn takes_resource(catalog: &Catalog, action: &str, resource: &str) -> Result<(), String> {
    let Some(entry) = catalog.action(action) else {
        return Err(format!("`{action}` is not an action the catalog lists"));
    };
    let formats = catalog.action_arn_formats(entry);
    match (takes(&formats, resource), formats.is_empty()) {
        (true, _) => Ok(()),
        (false, true) => Err(format!("`{action}` takes no resource, not `{resource}`")),
        (false, false) => Err(format!(
            "`{action}` acts on {}, not on `{resource}`",
            formats.join(" or ")
        )),
    }
}

/// [`takes_resource`]'s verdict for an action of these ARN formats (none: it takes `*` alone).
fn takes(formats: &[&str], resource: &str) -> bool {
    match formats {
        [] => resource == "*",
        _ => formats.iter().any(|format| fits_format(format, resource)),
    }
}

/// Whether `resource` is an ARN of `format`, segment by segment, each placeholder filled with
/// some text of its alphabet ([`alphabet`]): AWS receives no request on `arn:aws:s3:::b:/x`
/// (no bucket name holds `:`) or on `arn:aws:iam::123456789012:user/a:role/b` as a role, though
/// a pattern's wildcards match both.
fn fits_format(format: &str, resource: &str) -> bool {
    let (Some(f), Some(r)) = (
        crate::iam::names::arn_parts(format),
        crate::iam::names::arn_parts(resource),
    ) else {
        return false;
    };
    f.iter().zip(&r).all(|(f, r)| match *f {
        "${Partition}" => PARTITIONS.contains(r),
        // Twelve digits; `aws` owns AWS's managed policies (`arn:aws:iam::aws:policy/...`).
        "${Account}" => crate::iam::names::is_account_id(r) || *r == "aws",
        _ => segment_fits(f, r),
    })
}

/// Whether `text` is `format` (literal text and `${Name}` placeholders) with each placeholder
/// some non-empty text of its alphabet. Formats are short: plain backtracking.
fn segment_fits(format: &str, text: &str) -> bool {
    // A byte scan for `${`: `str::find` of a two-byte needle builds a searcher on each call, and
    // this runs for every resource the proofs try against every format of its action.
    let bytes = format.as_bytes();
    let placeholder = memchr::memchr_iter(b'$', bytes).find(|&at| bytes.get(at + 1) == Some(&b'{'));
    match placeholder {
        None => format == text,
        Some(open) => {
            let Some(close) = format[open..].find('}').map(|c| open + c) else {
                return format == text;
            };
            let (literal, name, rest) = (
                &format[..open],
                &format[open + 2..close],
                &format[close + 1..],
            );
            let Some(after) = text.strip_prefix(literal) else {
                return false;
            };
            let allowed = alphabet(name);
            // Each split of `after`: a non-empty run of the alphabet, then the rest. The longest
            // run is found once; every shorter one ends at a character boundary inside it.
            let run = (after.char_indices())
                .find(|&(_, c)| !allowed(c))
                .map_or(after.len(), |(at, _)| at);
            if rest.is_empty() {
                return run > 0 && run == after.len();
            }
            (after[..run].char_indices().skip(1).map(|(at, _)| at))
                .chain([run])
                .filter(|&end| end > 0)
                .any(|end| segment_fits(rest, &after[end..]))
        }
    }
}

/// The characters a placeholder's values may hold, by the service's naming rules: a region's
/// (`us-east-1`), S3 bucket names (lowercase letters, digits, `.`, `-`), SNS topic and SQS queue
/// names (letters, digits, `-`, `_`, and `.` of `.fifo`), CodeCommit repository and CodePipeline
/// pipeline names (letters, digits, `.`, `-`, `_`, `@`), IAM names with their paths (printable
/// ASCII); any character for the others.
fn alphabet(name: &str) -> fn(char) -> bool {
    match name {
        "Region" => |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
        "BucketName" => |c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-".contains(c),
        "TopicName" | "QueueName" => |c| c.is_ascii_alphanumeric() || "-_.".contains(c),
        "RepositoryName" | "PipelineName" => |c| c.is_ascii_alphanumeric() || "-_.@".contains(c),
        n if n.ends_with("NameWithPath") => |c| ('!'..='~').contains(&c),
        _ => |_| true,
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
    let takes = |resource: &str| takes(&formats, resource);
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
    let tail_fits = plain(tail) && given.len() == 6 && segment_fits(f[5], tail);
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

    /// The plainest reading of [`segment_fits`]: every split of the text after a placeholder's
    /// literal, each placeholder's part non-empty and of its alphabet.
    fn fits_by_every_split(format: &str, text: &str) -> bool {
        let Some(open) = format.find("${") else {
            return format == text;
        };
        let close = open + format[open..].find('}').unwrap();
        let (literal, name, rest) = (
            &format[..open],
            &format[open + 2..close],
            &format[close + 1..],
        );
        let Some(after) = text.strip_prefix(literal) else {
            return false;
        };
        (1..=after.len())
            .filter(|&end| after.is_char_boundary(end))
            .any(|end| {
                after[..end].chars().all(alphabet(name)) && fits_by_every_split(rest, &after[end..])
            })
    }

    proptest::proptest! {
        #[test]
        fn segments_fit_as_every_split_says(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("${BucketName}"),
                    proptest::strategy::Just("${ObjectName}"),
                    proptest::strategy::Just("${Region}"),
                    proptest::strategy::Just("/"),
                    proptest::strategy::Just("-"),
                    proptest::strategy::Just("a"),
                ],
                0..5,
            ),
            text in "[a/B.\\-é1]{0,10}",
        ) {
            let format = parts.concat();
            proptest::prop_assert_eq!(
                segment_fits(&format, &text),
                fits_by_every_split(&format, &text),
                "{} {}", format, text
            );
        }
    }

    #[test]
    fn resources_of_the_action_s_types() {
        let catalog = Catalog::get();
        assert!(
            takes_resource(catalog, "iam:PassRole", "arn:aws:iam::123456789012:role/x").is_ok()
        );
        // Each placeholder in its own alphabet too: an account is twelve digits (or `aws`), and
        // a role is a role even where a pattern's wildcard crosses colons.
        for wrong in [
            "arn:aws:s3:::example-bucket/x",
            "arn:aws:iam:::role/x",
            "arn:aws:iam::123456789012:role/",
            "*",
            "arn:aws:iam::123456789012:user/app-:role/app-x",
            "arn:aws:iam::x:role/app-x",
            "arn:aws:iam::12345678901:role/app-x",
            "arn:aws-xx:iam::123456789012:role/app-x",
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
        // No bucket name holds `:` or capitals, and a region has no `_`.
        assert!(takes_resource(catalog, "s3:GetObject", "arn:aws:s3:::b:/x").is_err());
        assert!(takes_resource(catalog, "s3:GetObject", "arn:aws:s3:::B/x").is_err());
        assert!(takes_resource(catalog, "s3:GetObject", "arn:aws:s3:::b/x:y").is_ok());
        assert!(takes_resource(catalog, "s3:ListBucket", "arn:aws:s3:::b:x").is_err());
        assert!(takes_resource(
            catalog,
            "iam:PassRole",
            "arn:aws:iam::123456789012:role/a/b/c"
        )
        .is_ok());
        assert!(takes_resource(
            catalog,
            "iam:GetPolicy",
            "arn:aws:iam::aws:policy/ReadOnlyAccess"
        )
        .is_ok());
        assert!(takes_resource(
            catalog,
            "dynamodb:GetItem",
            "arn:aws:dynamodb:us_east:123456789012:table/t"
        )
        .is_err());
        assert!(takes_resource(
            catalog,
            "dynamodb:GetItem",
            "arn:aws:dynamodb:eu-west-1:123456789012:table/t"
        )
        .is_ok());
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
