//! Unit tests of the document checks: ARN and action shapes, services the checks skip, and the
//! first-time bookkeeping (the golden JSON cases cover the rendered messages).

use super::{action_problem, arn_problem, FirstTimes};

/// Wildcards before the resource part, in it, in both or nowhere: each part is read as
/// wild exactly when it has one.
#[test]
fn arn_shapes() {
    let cases = [
        ("*", None),
        ("arn:aws:s3:::b/*", None),
        ("arn:aw*:s3:::b", None),
        ("arn:awz:s3:::b", Some("`awz` is not an AWS partition")),
        ("arn:awz:s3:::b*", Some("`awz` is not an AWS partition")),
        ("arn:aws:s3:*:*:b/*", None),
        ("arn:aws:*:eu-west-1:123456789012:x", None),
        (
            "arn:aws:s3:eu-west-1::b/*",
            Some("`s3` ARNs have no region"),
        ),
        ("arn:aws:s3:eu-west-1:*:b", Some("`s3` ARNs have no region")),
        ("arn:aw?:s3:eu-west-1::b*", Some("`s3` ARNs have no region")),
        ("arn:aws:s3:eu-west-?::b", None),
        ("arn:aws:iam::12345678901*:role/x", None),
        (
            "arn:aws:iam::1234:role/*",
            Some("`1234` is not an account ID"),
        ),
        (
            "arn:aws:iam:us-east-1:123456789012:role/x",
            Some("IAM ARNs have no region"),
        ),
        (
            "arn:aws:iam::123456789012:*role/x",
            Some("`*role/x` is not an IAM resource path"),
        ),
        ("arn:aws:iam::123456789012:root", None),
        // A type newer than IAM's answer lists, from the catalog (AWS's own policies use it).
        ("arn:aws:iam::aws:role-template/x.amazonaws.com/T:1", None),
        // IAM refuses any region, wild or not ("IAM resource ... cannot contain region information").
        (
            "arn:aws:iam:us-east-?:123456789012:role/x",
            Some("IAM ARNs have no region"),
        ),
        ("arn:aws:iam::123456789012:role/x$", None),
        ("arn:aws$:s3:::b", Some("`aws$` is not an AWS partition")),
        ("arn:aws:s3:::${aws:username}", None),
        ("arn:aws:s3", Some("not `*` and not an ARN")),
    ];
    for (text, problem) in cases {
        let found = arn_problem(text).map(|(problem, _)| problem);
        assert_eq!(found.as_deref(), problem, "{text:?}");
    }
}

/// The services whose shapes all have a region and an account are skipped without their
/// loop: for ARNs of every shape of every service, with the region and the account
/// written or not, the problem found is the one the loop over the shapes finds.
#[test]
fn skipped_services_have_no_problem_to_find() {
    use crate::catalog::Catalog;
    let (mut problems, mut skipped) = (0, 0);
    for service in Catalog::get().services() {
        let prefix = service.prefix();
        // `iam` has a rule of its own, IAM's list of resource paths (`arn_problem`).
        if prefix == "iam"
            || !prefix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            continue;
        }
        let (some_no_region, some_no_account) = service.arn_shapes_some_lack();
        for shape in service.arn_shapes() {
            for (region, account) in [("eu-west-1", ""), ("", "123456789012")] {
                let resource = format!("{}x", shape.resource_literal);
                let text = format!("arn:aws:{prefix}:{region}:{account}:{resource}");
                let (mut any, mut no_region, mut no_account) = (false, true, true);
                for shape in service.arn_shapes() {
                    let literal = shape.resource_literal;
                    if resource.starts_with(literal) || literal.starts_with(&resource) {
                        any = true;
                        no_region &= shape.no_region;
                        no_account &= shape.no_account;
                    }
                }
                let lacks = any
                    && ((!region.is_empty() && no_region) || (!account.is_empty() && no_account));
                let found = arn_problem(&text).map(|(problem, _)| problem);
                assert_eq!(found.is_some(), lacks, "{text}: {found:?}");
                problems += usize::from(lacks);
                let may_lack = (!region.is_empty() && some_no_region)
                    || (!account.is_empty() && some_no_account);
                skipped += usize::from(!may_lack);
            }
        }
    }
    assert!(
        problems > 100 && skipped > 1000,
        "{problems} problems, {skipped} skipped"
    );
}

#[test]
fn action_shapes() {
    let cases = [
        ("*", None),
        ("s3:GetObject", None),
        ("s3:Get*", None),
        ("a4b_x-y:Any*?", None),
        ("a4b_x-y*?:Any", Some("a wildcard in the service prefix")),
        ("*:Untag*", Some("a wildcard in the service prefix")),
        ("ec2*:Describe*", Some("a wildcard in the service prefix")),
        ("?3:GetObject", Some("a wildcard in the service prefix")),
        ("*:*", None),
        ("**:*", None),
        ("s3GetObject", Some("no `:` between service and action")),
        ("s3:Get:Object", Some("more than one `:`")),
        ("s 3:Get:Object", Some("more than one `:`")),
        (":GetObject", Some("the service or the action is empty")),
        ("s3:", Some("the service or the action is empty")),
        ("s3: GetObject", Some("actions contain no white space")),
        ("s3\t:GetObject", Some("actions contain no white space")),
        ("s3:Get\u{a0}Object", Some("actions contain no white space")),
        ("s3:Gét", None),
        (
            "s3.x:GetObject",
            Some("a service prefix has letters, digits and `-` only"),
        ),
        (
            "sé:GetObject",
            Some("a service prefix has letters, digits and `-` only"),
        ),
    ];
    for (text, problem) in cases {
        assert_eq!(action_problem(text), problem, "{text:?}");
    }
}

proptest::proptest! {
    /// The one-pass reading answers as the rules read one by one do.
    #[test]
    fn action_shapes_read_in_one_pass_as_rule_by_rule(
        text in "[s3 :.\t\u{a0}é*?-]{0,7}",
    ) {
        proptest::prop_assert_eq!(action_problem(&text), rule_by_rule(&text), "{:?}", text);
    }
}

fn rule_by_rule(text: &str) -> Option<&'static str> {
    if text == "*" {
        return None;
    }
    let Some((vendor, name)) = text.split_once(':') else {
        return Some("no `:` between service and action");
    };
    if name.contains(':') {
        return Some("more than one `:`");
    }
    if vendor.is_empty() || name.is_empty() {
        return Some("the service or the action is empty");
    }
    if text.chars().any(char::is_whitespace) {
        return Some("actions contain no white space");
    }
    let prefix = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'*' | b'?');
    if !vendor.bytes().all(prefix) {
        return Some("a service prefix has letters, digits and `-` only");
    }
    let every = |part: &str| part.chars().all(|c| c == '*');
    (vendor.contains(['*', '?']) && !(every(vendor) && every(name)))
        .then_some("a wildcard in the service prefix")
}

#[test]
fn first_times_holds_pairs_past_the_short_list() {
    let names: Vec<String> = (0..3 * FirstTimes::FEW).map(|i| format!("k{i}")).collect();
    let mut seen = FirstTimes::default();
    for name in &names {
        assert!(seen.first(("StringEquals", name)), "{name} is new");
    }
    for name in &names {
        assert!(!seen.first(("StringEquals", name)), "{name} was seen");
        assert!(
            seen.first(("StringLike", name)),
            "{name} is new with another operator"
        );
    }
}
