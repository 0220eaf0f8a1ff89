//! Properties of `diff::compare_access`: a policy compared with itself (statements reversed,
//! lists reordered) has no access change; every added-access example is allowed by the new
//! policy and not by the old one, and every removed-access example the other way round.

use iamx::diff::compare_access;
use iamx::iam::policy::{Effect, PolicyDocument, Statement};
use iamx::reason::{evaluate, Decision};
use proptest::prelude::*;

fn action() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "s3:GetObject",
        "s3:PutObject",
        "s3:Get*",
        "s3:*",
        "s3:*Object",
        "sqs:SendMessage",
        "*",
    ])
    .prop_map(str::to_string)
}

fn resource() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "arn:aws:s3:::acme/*",
        "arn:aws:s3:::acme/raw/*",
        "arn:aws:s3:::acme",
        "arn:aws:s3:::other/*",
        "arn:aws:sqs:us-east-1:123456789012:q",
        "*",
    ])
    .prop_map(str::to_string)
}

fn statement() -> impl Strategy<Value = Statement> {
    (
        prop::bool::weighted(0.25),
        prop::collection::vec(action(), 1..3),
        prop::collection::vec(resource(), 1..3),
        prop::bool::weighted(0.15),
        prop::option::weighted(0.2, prop::sample::select(vec!["eu-west-1", "us-east-1"])),
    )
        .prop_map(|(deny, actions, resources, not_action, region)| {
            let mut s = Statement::new(if deny { Effect::Deny } else { Effect::Allow });
            if not_action {
                s.not_action = Some(actions);
            } else {
                s.action = Some(actions);
            }
            s.resource = Some(resources);
            if let Some(region) = region {
                s.condition
                    .insert("StringEquals", "aws:RequestedRegion", vec![region.into()]);
            }
            s
        })
}

fn policy() -> impl Strategy<Value = PolicyDocument> {
    prop::collection::vec(statement(), 1..4).prop_map(PolicyDocument::new)
}

fn denies(policy: &PolicyDocument, request: &iamx::reason::Request) -> bool {
    evaluate(std::slice::from_ref(policy), None, request).decision == Decision::ExplicitDeny
}

fn allows(policy: &PolicyDocument, request: &iamx::reason::Request) -> bool {
    let evaluation = evaluate(std::slice::from_ref(policy), None, request);
    assert!(evaluation.unmodelled.is_empty());
    evaluation.decision == Decision::Allow
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_policy_has_no_access_change_against_its_own_reordering(x in policy()) {
        let mut reordered = x.clone();
        reordered.statements.reverse();
        for s in &mut reordered.statements {
            for list in [&mut s.action, &mut s.not_action, &mut s.resource].into_iter().flatten() {
                list.reverse();
            }
        }
        let access = compare_access(Some(&x), Some(&reordered));
        prop_assert!(access.is_empty(), "{access:?}");
    }

    #[test]
    fn examples_are_real_differences(a in policy(), b in policy()) {
        let access = compare_access(Some(&a), Some(&b));
        for entry in &access.added {
            let request = entry.example.as_ref().expect("document entries have examples").to_request();
            if entry.no_longer_denied {
                // Denied by old, and by new neither denied nor allowed (what it allows is an
                // entry of its own).
                prop_assert!(denies(&a, &request), "{request} not denied by old");
                prop_assert!(!denies(&b, &request), "{request} denied by new");
                prop_assert!(!allows(&b, &request), "{request} allowed by new");
                continue;
            }
            prop_assert!(allows(&b, &request), "{request} not allowed by new");
            prop_assert!(!allows(&a, &request), "{request} allowed by old");
        }
        for entry in &access.removed {
            let request = entry.example.as_ref().expect("document entries have examples").to_request();
            prop_assert!(allows(&a, &request), "{request} not allowed by old");
            prop_assert!(!allows(&b, &request), "{request} allowed by new");
        }
        // Nothing added and nothing undecided means b allows nothing a does not: check that
        // against every probe request.
        if access.added.is_empty() && access.undecided.is_empty() {
            for action in ["s3:GetObject", "s3:PutObject", "s3:GetBucketPolicy", "sqs:SendMessage", "ec2:RunInstances"] {
                for resource in ["arn:aws:s3:::acme/raw/x", "arn:aws:s3:::acme", "arn:aws:s3:::other/y", "arn:aws:sqs:us-east-1:123456789012:q"] {
                    for region in [None, Some("eu-west-1"), Some("us-east-1")] {
                        let mut request = iamx::reason::Request::new(action, resource);
                        if let Some(region) = region {
                            request = request.with("aws:RequestedRegion", region);
                        }
                        prop_assert!(!allows(&b, &request) || allows(&a, &request), "{request}");
                    }
                }
            }
        }
    }
}
