//! The shapes IAM takes for an action name and a resource ARN, checked alone (without the
//! catalog's list of actions): E0202 and E0203.
//!
//! In: an action or resource as written. Out: why IAM would refuse it, if it would.

use crate::catalog::Catalog;
use crate::diagnostics::did_you_mean;
use crate::iam::names::{arn_parts, PARTITIONS};
use crate::iam::policy::{first_wild, is_wild};

/// Why `text` is not an action IAM takes: `*`, or `vendor:name` with one colon, no white space
/// and no wildcard in the vendor (IAM: "Action vendors (e.g., aws, ec2, etc.) must not contain
/// wildcards"). `*:*` is let through: whether IAM takes it is not documented, and it reads as
/// `*` (the any-action lint, W0402, reports it).
pub fn action_problem(text: &str) -> Option<&'static str> {
    if text == "*" {
        return None;
    }
    let bytes = text.as_bytes();
    let Some(colon) = bytes.iter().position(|&b| b == b':') else {
        return Some("no `:` between service and action");
    };
    // What each part holds, gathered with one table lookup a byte (this runs for every action
    // of every JSON document checked).
    let kinds = |part: &[u8]| {
        part.iter()
            .fold(0, |seen, &b| seen | BYTE_KINDS[usize::from(b)])
    };
    let (vendor, name) = (kinds(&bytes[..colon]), kinds(&bytes[colon + 1..]));
    if name & COLON != 0 {
        return Some("more than one `:`");
    }
    if colon == 0 || colon + 1 == bytes.len() {
        return Some("the service or the action is empty");
    }
    // Bytes for ASCII text (nearly every action), characters otherwise (Unicode white space).
    let white = if (vendor | name) & NON_ASCII == 0 {
        (vendor | name) & WHITE != 0
    } else {
        text.chars().any(char::is_whitespace)
    };
    if white {
        return Some("actions contain no white space");
    }
    if vendor & NOT_IN_PREFIX != 0 {
        return Some("a service prefix has letters, digits and `-` only");
    }
    let every = |part: &[u8]| part.iter().all(|&b| b == b'*');
    let any_action = every(&bytes[..colon]) && every(&bytes[colon + 1..]);
    (vendor & WILD != 0 && !any_action).then_some(VENDOR_WILDCARD)
}

/// What [`action_problem`] says of a wildcard in the service prefix (`*:Untag*`, `ec2*:Describe*`).
pub const VENDOR_WILDCARD: &str = "a wildcard in the service prefix";

/// What [`action_problem`] asks of a byte, as bits of [`BYTE_KINDS`].
const COLON: u8 = 1;
const WHITE: u8 = 2;
const NON_ASCII: u8 = 4;
/// Not a letter, digit, `-`, `_` or wildcard: not allowed in a service prefix.
const NOT_IN_PREFIX: u8 = 8;
/// `*` or `?`: allowed in the action name, not in the service prefix (told apart from other
/// characters for its own message).
const WILD: u8 = 16;

const BYTE_KINDS: [u8; 256] = {
    let mut kinds = [0; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let mut kind = 0;
        if c == b':' {
            kind |= COLON;
        }
        // `char::is_whitespace` on ASCII.
        if matches!(c, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ') {
            kind |= WHITE;
        }
        if c >= 0x80 {
            kind |= NON_ASCII;
        }
        if !(c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'*' | b'?')) {
            kind |= NOT_IN_PREFIX;
        }
        if matches!(c, b'*' | b'?') {
            kind |= WILD;
        }
        kinds[b] = kind;
        b += 1;
    }
    kinds
};

/// Why IAM would refuse `text` as a resource, and the fix: `*`, or an ARN of six parts with a
/// known partition, an account of 12 digits (or `aws`, or a wildcard), and no region or account
/// where the service's ARNs have none (S3 buckets, IAM).
pub fn arn_problem(text: &str) -> Option<(String, String)> {
    if text == "*" {
        return None;
    }
    let parts = arn_parts(text).filter(|parts| parts[0] == "arn");
    let Some(parts) = parts else {
        return Some((
            "not `*` and not an ARN".into(),
            "resources are `*` or ARNs `arn:partition:service:region:account:resource`".into(),
        ));
    };
    let (partition, service, region, account) = (parts[1], parts[2], parts[3], parts[4]);
    // One scan for the whole ARN's first wildcard: most have none before the resource part,
    // and then none of the parts before it is asked again.
    let resource = parts[5];
    let resource_start = text.len() - resource.len();
    let wild_at = first_wild(text);
    let plain_head = wild_at.is_none_or(|at| at >= resource_start);
    let part_wild = |part: &str| !plain_head && is_wild(part);
    if !part_wild(partition) && !PARTITIONS.contains(&partition) {
        let help = match did_you_mean(partition, PARTITIONS) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("the partitions are {}", PARTITIONS.join(", ")),
        };
        return Some((format!("`{partition}` is not an AWS partition"), help));
    }
    if service.is_empty() {
        return Some((
            "the service part is empty".into(),
            "write the service, like `arn:aws:s3:::bucket`".into(),
        ));
    }
    let account_ok = account.is_empty()
        || account == "aws"
        || part_wild(account)
        || crate::iam::names::is_account_id(account);
    if !account_ok {
        return Some((
            format!("`{account}` is not an account ID"),
            "an account ID has 12 digits".into(),
        ));
    }
    if part_wild(service) {
        return None;
    }
    if service == "iam" {
        if !region.is_empty() {
            return Some((
                "IAM ARNs have no region".into(),
                format!("leave the region empty: `arn:{partition}:iam::{account}:{resource}`"),
            ));
        }
        // IAM's answer lists the types it knew then; the catalog's `iam` ARN formats name the
        // newer ones (`role-template/`, which AWS's own managed policies use).
        let catalog_type = || {
            (Catalog::get().service("iam").into_iter())
                .flat_map(|s| s.arn_shapes())
                .any(|shape| {
                    !shape.resource_literal.is_empty()
                        && resource.starts_with(shape.resource_literal)
                })
        };
        if !crate::iam::names::is_iam_resource_path(resource) && !catalog_type() {
            return Some((
                format!("`{resource}` is not an IAM resource path"),
                format!(
                    "IAM resources are `*`, `root`, or start with {}",
                    (crate::iam::names::IAM_RESOURCE_STARTS.iter())
                        .map(|start| format!("`{start}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    // Only a region or an account written out can be one the service's ARNs do not have: most
    // resources (`arn:aws:s3:::bucket`, a wildcard region) stop here.
    let region_written = !region.is_empty() && !part_wild(region);
    let account_written = !account.is_empty() && !part_wild(account);
    if !region_written && !account_written {
        return None;
    }
    // The formats this resource can be: those whose resource part starts with the same literal
    // text (`accesspoint/` is not a bucket's `b/*`). Every resource of every statement comes
    // here, so the formats are read once, into the catalog's `ArnShape`s.
    let written = match wild_at {
        Some(at) if plain_head => &resource[..at - resource_start],
        Some(_) => &resource[..first_wild(resource).unwrap_or(resource.len())],
        None => resource,
    };
    let catalog_service = Catalog::get().service(service)?;
    // A problem needs a matching shape without the part written; most services' shapes all
    // have a region and an account (`dynamodb`, `sqs`), and then none is looked for.
    let (some_no_region, some_no_account) = catalog_service.arn_shapes_some_lack();
    let may_lack = (region_written && some_no_region) || (account_written && some_no_account);
    if !may_lack {
        return None;
    }
    let (mut any, mut no_region, mut no_account) = (false, true, true);
    for shape in catalog_service.arn_shapes() {
        let literal = shape.resource_literal;
        if written.starts_with(literal) || literal.starts_with(written) {
            any = true;
            no_region &= shape.no_region;
            no_account &= shape.no_account;
        }
    }
    if !any {
        return None;
    }
    if region_written && no_region {
        return Some((
            format!("`{service}` ARNs have no region"),
            format!(
                "leave the region empty: `arn:{partition}:{service}::{account}:{}`",
                parts[5]
            ),
        ));
    }
    if account_written && no_account {
        return Some((
            format!("`{service}` ARNs have no account"),
            format!(
                "leave the account empty: `arn:{partition}:{service}:{region}::{}`",
                parts[5]
            ),
        ));
    }
    None
}
