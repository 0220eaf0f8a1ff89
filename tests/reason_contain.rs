//! Hand-written containment cases: each family of IAM rule the engine must get right.

use iamx::iam::policy::PolicyDocument;
use iamx::reason::{
    contained, contained_with, evaluate, BoundaryFailure, Containment, Counterexample, Decision,
    Options, PolicySet,
};

fn doc(statements: &str) -> PolicyDocument {
    iamx::iam::read::policy_from_str(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#
    ))
    .unwrap()
}

fn escapes(identity: &PolicyDocument, boundary: &PolicyDocument) -> Vec<Counterexample> {
    match contained(
        std::slice::from_ref(identity),
        std::slice::from_ref(boundary),
    ) {
        Containment::Escapes {
            counterexamples, ..
        } => {
            for c in &counterexamples {
                // Every counterexample must really escape.
                let alone = evaluate(std::slice::from_ref(identity), None, &c.request);
                assert_eq!(alone.decision, Decision::Allow, "{c}");
                let both = evaluate(
                    std::slice::from_ref(identity),
                    Some(std::slice::from_ref(boundary)),
                    &c.request,
                );
                assert_ne!(both.decision, Decision::Allow, "{c}");
            }
            counterexamples
        }
        other => panic!("expected escapes, got {other:?}"),
    }
}

fn is_contained(identity: &PolicyDocument, boundary: &PolicyDocument) -> bool {
    match contained(
        std::slice::from_ref(identity),
        std::slice::from_ref(boundary),
    ) {
        Containment::Contained => true,
        Containment::Escapes { .. } => false,
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn resource_prefixes_and_witness_arns() {
    let boundary =
        doc(r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::acme/curated/*"}"#);
    let inside = doc(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::acme/curated/2024/*"}"#,
    );
    assert!(is_contained(&inside, &boundary));
    let outside =
        doc(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::acme/raw/*"}"#);
    let found = escapes(&outside, &boundary);
    assert_eq!(found[0].request.resource, "arn:aws:s3:::acme/raw/x");
    assert_eq!(found[0].boundary, BoundaryFailure::NoAllow);
    assert_eq!(found[0].allowed_by.set, PolicySet::Identity);
}

#[test]
fn union_of_boundary_statements_covers_together() {
    let boundary = doc(r#"{"Effect":"Allow","Action":"s3:Get*","Resource":"*"},
           {"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::acme/*"}"#);
    let ok = doc(
        r#"{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::acme/k"}"#,
    );
    assert!(is_contained(&ok, &boundary));
    let bad = doc(
        r#"{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::*"}"#,
    );
    let found = escapes(&bad, &boundary);
    assert!(found[0].request.action.to_lowercase().starts_with("s3:put"));
}

#[test]
fn arn_segment_rule() {
    // A `*` in the region segment stays in the region; a trailing `*` spans the rest.
    let boundary =
        doc(r#"{"Effect":"Allow","Action":"ec2:*","Resource":"arn:aws:ec2:*:111122223333:*"}"#);
    let ok = doc(
        r#"{"Effect":"Allow","Action":"ec2:StartInstances","Resource":"arn:aws:ec2:us-east-1:111122223333:instance/*"}"#,
    );
    assert!(is_contained(&ok, &boundary));
    let short =
        doc(r#"{"Effect":"Allow","Action":"ec2:StartInstances","Resource":"arn:aws:ec2:*"}"#);
    let found = escapes(&short, &boundary);
    assert!(!found[0].request.resource.contains(":111122223333:"));
    // `arn:aws:s3:*` is padded to `arn:aws:s3:*:*:*`, so the two are equivalent.
    let a = doc(r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:*"}"#);
    let b = doc(r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:*:*:*"}"#);
    assert!(is_contained(&a, &b) && is_contained(&b, &a));
}

#[test]
fn actions_are_case_insensitive() {
    let boundary = doc(r#"{"Effect":"Allow","Action":"S3:GET*","Resource":"*"}"#);
    let identity = doc(r#"{"Effect":"Allow","Action":"s3:getobject","Resource":"*"}"#);
    assert!(is_contained(&identity, &boundary));
}

#[test]
fn not_action_and_not_resource() {
    let boundary =
        doc(r#"{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}"#);
    let admin = doc(r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#);
    let found = escapes(&admin, &boundary);
    assert!(found[0]
        .request
        .action
        .to_lowercase()
        .starts_with("organizations:"));
    let fine = doc(r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#);
    assert!(is_contained(&fine, &boundary));
    let catalog = [
        "s3:GetObject",
        "iam:CreateUser",
        "organizations:LeaveOrganization",
    ];
    let options = Options {
        known_actions: &catalog,
        catalog: None,
    };
    let Containment::Escapes {
        counterexamples, ..
    } = contained_with(
        std::slice::from_ref(&admin),
        std::slice::from_ref(&boundary),
        options,
    )
    else {
        panic!()
    };
    assert_eq!(
        counterexamples[0].request.action,
        "organizations:LeaveOrganization"
    );

    let boundary =
        doc(r#"{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::secret/*"}"#);
    let ok =
        doc(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::public/*"}"#);
    assert!(is_contained(&ok, &boundary));
    let bad =
        doc(r#"{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::public/*"}"#);
    let found = escapes(&bad, &boundary);
    assert!(found[0]
        .request
        .resource
        .starts_with("arn:aws:s3:::secret/"));
}

#[test]
fn boundary_denies() {
    let boundary = doc(r#"{"Effect":"Allow","Action":"*","Resource":"*"},
           {"Sid":"NoIam","Effect":"Deny","Action":"iam:*","Resource":"*"}"#);
    let identity = doc(r#"{"Effect":"Allow","Action":["s3:*","iam:PassRole"],"Resource":"*"}"#);
    let found = escapes(&identity, &boundary);
    assert_eq!(found[0].request.action.to_lowercase(), "iam:passrole");
    let BoundaryFailure::DeniedBy(refs) = &found[0].boundary else {
        panic!()
    };
    assert_eq!(refs[0].sid.as_deref(), Some("NoIam"));
    // An identity deny that removes exactly the denied part restores containment.
    let with_deny = doc(
        r#"{"Effect":"Allow","Action":["s3:*","iam:PassRole"],"Resource":"*"},
           {"Effect":"Deny","Action":"iam:*","Resource":"*"}"#,
    );
    assert!(is_contained(&with_deny, &boundary));
}

#[test]
fn conditional_deny_in_boundary() {
    let boundary = doc(r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"},
           {"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#);
    let identity = doc(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#);
    let found = escapes(&identity, &boundary);
    assert_eq!(
        found[0].request.context.get("aws:securetransport").unwrap(),
        ["false"]
    );
    let secure = doc(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}"#,
    );
    assert!(is_contained(&secure, &boundary));
}

#[test]
fn condition_families() {
    let cases: &[(&str, &str, bool)] = &[
        (
            r#"{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}"#,
            r#"{"StringEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]}}"#,
            true,
        ),
        (
            r#"{}"#,
            r#"{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}"#,
            false,
        ),
        (
            r#"{"StringLike":{"s3:prefix":"home/a*"}}"#,
            r#"{"StringLike":{"s3:prefix":"home/*"}}"#,
            true,
        ),
        (
            r#"{"StringLike":{"s3:prefix":"home/*"}}"#,
            r#"{"StringNotLike":{"s3:prefix":"home/secret*"}}"#,
            false,
        ),
        (
            r#"{"StringEqualsIgnoreCase":{"k":"abc"}}"#,
            r#"{"StringEquals":{"k":"abc"}}"#,
            false,
        ),
        (
            r#"{"StringEquals":{"k":"abc"}}"#,
            r#"{"StringEqualsIgnoreCase":{"k":"ABC"}}"#,
            true,
        ),
        // Case-insensitive values match every character whose lowercase is theirs: `ß` also
        // matches `ẞ` (U+1E9E), and `k` the Kelvin sign (U+212A), which a search of only the
        // two cases missed.
        (
            r#"{"StringEqualsIgnoreCase":{"aws:PrincipalTag/t":"\u00df"}}"#,
            r#"{"StringEquals":{"aws:PrincipalTag/t":["\u00df"]}}"#,
            false,
        ),
        (
            r#"{"StringEqualsIgnoreCase":{"aws:PrincipalTag/t":"k"}}"#,
            r#"{"StringEquals":{"aws:PrincipalTag/t":["k","K"]}}"#,
            false,
        ),
        (
            r#"{"StringEqualsIgnoreCase":{"aws:PrincipalTag/t":"k"}}"#,
            r#"{"StringEquals":{"aws:PrincipalTag/t":["k","K","\u212a"]}}"#,
            true,
        ),
        (
            r#"{"ArnLike":{"aws:SourceArn":"arn:aws:sns:us-east-1:1:topic-a"}}"#,
            r#"{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:1:*"}}"#,
            true,
        ),
        (
            r#"{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*"}}"#,
            r#"{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:*:1:*"}}"#,
            false,
        ),
        (
            r#"{"NumericLessThan":{"s3:max-keys":"10"}}"#,
            r#"{"NumericLessThanEquals":{"s3:max-keys":"10"}}"#,
            true,
        ),
        (
            r#"{"NumericLessThanEquals":{"s3:max-keys":"10"}}"#,
            r#"{"NumericLessThan":{"s3:max-keys":"10"}}"#,
            false,
        ),
        (
            r#"{"DateGreaterThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}"#,
            r#"{"DateGreaterThan":{"aws:CurrentTime":"2029-12-31"}}"#,
            true,
        ),
        (
            r#"{"IpAddress":{"aws:SourceIp":"2001:db8:1::/48"}}"#,
            r#"{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]}}"#,
            true,
        ),
        (
            r#"{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
            r#"{"NotIpAddress":{"aws:SourceIp":"10.9.0.0/16"}}"#,
            false,
        ),
        (
            r#"{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#,
            r#"{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}"#,
            true,
        ),
        (
            r#"{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}"#,
            r#"{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#,
            false,
        ),
        (
            r#"{"Null":{"aws:PrincipalTag/team":"false"}}"#,
            r#"{"StringLike":{"aws:PrincipalTag/team":"*"}}"#,
            true,
        ),
        (
            r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["env"]},"Null":{"aws:TagKeys":"false"}}"#,
            r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["env","owner"]}}"#,
            true,
        ),
        (
            r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["env"]}}"#,
            r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["env","owner"]}}"#,
            false,
        ),
    ];
    for (i, (mine, theirs, expect)) in cases.iter().enumerate() {
        let identity = doc(&format!(
            r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{mine}}}"#
        ));
        let boundary = doc(&format!(
            r#"{{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{theirs}}}"#
        ));
        if *expect {
            assert!(is_contained(&identity, &boundary), "case {i}");
        } else {
            let found = escapes(&identity, &boundary);
            assert!(!found.is_empty(), "case {i}");
        }
    }
}

#[test]
fn policy_variables() {
    let boundary = doc(
        r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}"#,
    );
    let same = doc(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/docs/*"}"#,
    );
    assert!(is_contained(&same, &boundary));
    // A literal that merely looks like a user's folder escapes for any other user.
    let literal =
        doc(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/alice/*"}"#);
    let found = escapes(&literal, &boundary);
    assert_ne!(
        found[0].request.context.variable("aws:username").as_deref(),
        Some("alice")
    );
    // Another variable in the same place is not the same value.
    let other = doc(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:PrincipalTag/team}/*"}"#,
    );
    escapes(&other, &boundary);
    // The boundary's wildcard covers any value.
    let wide = doc(r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/*"}"#);
    assert!(is_contained(&same, &wide));
    // Role names built from a variable: `?` can't stand for a value of unknown length.
    let boundary = doc(
        r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::1:role/service-????"}"#,
    );
    let identity = doc(
        r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::1:role/service-${aws:username}"}"#,
    );
    escapes(&identity, &boundary);
    // Escaped characters are literals.
    let boundary = doc(r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${*}"}"#);
    let star = doc(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#);
    escapes(&star, &boundary);
}

#[test]
fn deny_with_variable_is_never_assumed_away() {
    // The deny hits exactly the caller's own folder: `home/alice/*` escapes when the caller is alice.
    let boundary = doc(r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"},
           {"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}"#);
    let identity =
        doc(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/alice/*"}"#);
    match contained(&[identity], &[boundary]) {
        Containment::Contained | Containment::ContainedForListedActions(_) => {
            panic!("must not claim containment")
        }
        Containment::Escapes { .. } | Containment::Unknown(_) => {}
    }
}

#[test]
fn unmodelled_conditions_are_unknown_not_contained() {
    let boundary = doc(
        r#"{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"s3:prefix":"${aws:username}/"}}}"#,
    );
    let identity = doc(r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}"#);
    match contained(
        std::slice::from_ref(&identity),
        std::slice::from_ref(&boundary),
    ) {
        Containment::Contained | Containment::ContainedForListedActions(_) => {
            panic!("must not claim containment")
        }
        Containment::Escapes {
            counterexamples, ..
        } => assert!(!counterexamples.is_empty()),
        Containment::Unknown(reasons) => assert!(!reasons.is_empty()),
    }
    // The identical clause on both sides is understood.
    let identity = doc(
        r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringEquals":{"s3:prefix":"${aws:username}/"}}}"#,
    );
    assert!(is_contained(&identity, &boundary));
}

#[test]
fn empty_boundary_allows_nothing() {
    let identity = doc(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#);
    let found = escapes(
        &identity,
        &doc(r#"{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}"#),
    );
    assert_eq!(found[0].request.action, "s3:GetObject");
}

#[test]
fn a_set_operator_anywhere_makes_the_key_multivalued_everywhere() {
    // `x:list` is multivalued (a set operator uses it elsewhere), so a request may carry both
    // `env` and `secret`: the identity's unqualified StringEquals holds (some value is `env`)
    // while the boundary's StringNotEquals fails (not every value differs from `secret`).
    let identity = doc(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"x:list":"env"}}}"#,
    );
    let boundary = doc(
        r#"{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"x:list":"secret"}}},
           {"Effect":"Deny","Action":"iam:*","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"x:list":"admin"}}}"#,
    );
    let found = escapes(&identity, &boundary);
    assert_eq!(found[0].request.context.get("x:list").unwrap().len(), 2);
}

fn expect_escapes(verdict: Containment) -> Vec<Counterexample> {
    match verdict {
        Containment::Escapes {
            counterexamples, ..
        } if !counterexamples.is_empty() => counterexamples,
        other => panic!("expected escapes, got {other:?}"),
    }
}

fn with_catalog(identity: &PolicyDocument, boundary: &PolicyDocument) -> Containment {
    contained_with(
        std::slice::from_ref(identity),
        std::slice::from_ref(boundary),
        Options {
            known_actions: &[],
            catalog: Some(iamx::catalog::Catalog::get()),
        },
    )
}

#[test]
fn with_the_catalog_an_escape_only_unlisted_actions_could_use_is_a_note() {
    // `s3:GetObjec?` allows `s3:GetObject` and names AWS does not list (`s3:GetObjecX`).
    let boundary = doc(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#);
    let identity = doc(r#"{"Effect":"Allow","Action":"s3:GetObjec?","Resource":"*"}"#);
    match with_catalog(&identity, &boundary) {
        Containment::ContainedForListedActions(notes) => {
            assert_eq!(notes.len(), 1);
            assert!(notes[0].reason.contains("does not list"), "{notes:?}");
        }
        other => panic!("expected a note, got {other:?}"),
    }
    // The engine's own semantics (no catalog) still sees the unlisted names escape.
    assert!(!is_contained(&identity, &boundary));
    // A listed action outside the boundary is a violation either way.
    let wider = doc(r#"{"Effect":"Allow","Action":"s3:GetObject*","Resource":"*"}"#);
    let found = expect_escapes(with_catalog(&wider, &boundary));
    assert!(found[0].request.action.starts_with("s3:GetObject"));
    assert!(iamx::catalog::Catalog::get()
        .action(&found[0].request.action)
        .is_some());
}

#[test]
fn with_the_catalog_counterexamples_name_a_resource_the_action_takes() {
    // PassRole takes only role ARNs: the escape is a role of another partition, not an S3 ARN.
    let boundary =
        doc(r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::*:role/*"}"#);
    let identity = doc(r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}"#);
    let found = expect_escapes(with_catalog(&identity, &boundary));
    let resource = &found[0].request.resource;
    assert!(
        resource.starts_with("arn:aws-cn:iam::123456789012:role/"),
        "{resource}"
    );
    // An object action escapes on an object ARN with a valid bucket, never on a role.
    let boundary =
        doc(r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::acme/curated/*"}"#);
    let identity = doc(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#);
    let found = expect_escapes(with_catalog(&identity, &boundary));
    for counterexample in &found {
        let resource = &counterexample.request.resource;
        assert!(
            resource.starts_with("arn:") && resource.contains(":s3:::"),
            "{resource}"
        );
        assert!(
            resource.split_once(":::").unwrap().1.contains('/'),
            "{resource}"
        );
    }
}

/// The engine's limits (docs/fuzzing.md): past them the answer is `Unknown` with the reason, or
/// for the evaluator a statement that fails closed, and it comes quickly.
#[test]
fn patterns_over_the_engines_limits_are_unknown_not_slow() {
    let long = format!("arn:aws:s3:::{}", "*a".repeat(2_000));
    let identity = doc(&format!(
        r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":"{long}"}}"#
    ));
    let boundary = doc(r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#);
    match contained(
        std::slice::from_ref(&identity),
        std::slice::from_ref(&boundary),
    ) {
        Containment::Unknown(reasons) => {
            assert!(reasons[0]
                .reason
                .contains("over the engine's limit of 2,048 bytes"))
        }
        other => panic!("expected unknown, got {other:?}"),
    }
    // A boundary allow over the limit is not dropped (that would invent escapes): what it may
    // allow (`s3:GetObject`) is unknown; the actions it cannot allow escape for certain.
    match contained(
        std::slice::from_ref(&boundary),
        std::slice::from_ref(&identity),
    ) {
        Containment::Escapes {
            counterexamples,
            unknown,
        } => {
            assert!(counterexamples
                .iter()
                .all(|c| !c.request.action.eq_ignore_ascii_case("s3:GetObject")));
            assert!(unknown[0]
                .reason
                .contains("over the engine's limit of 2,048 bytes"));
        }
        other => panic!("expected escapes and an unknown, got {other:?}"),
    }
    let request = iamx::reason::Request::new("s3:GetObject", "arn:aws:s3:::a");
    let evaluation = evaluate(std::slice::from_ref(&identity), None, &request);
    assert_eq!(evaluation.decision, Decision::ImplicitDeny);
    assert_eq!(evaluation.unmodelled.len(), 1);

    // Thousands of wildcard patterns: the search stops at its work and memory limits.
    let many: Vec<String> = (0..20_000).map(|i| format!("\"s3:*X{i}*\"")).collect();
    let boundary = doc(&format!(
        r#"{{"Effect":"Allow","Action":[{}],"Resource":"*"}}"#,
        many.join(",")
    ));
    let identity = doc(r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#);
    let started = std::time::Instant::now();
    match contained(
        std::slice::from_ref(&identity),
        std::slice::from_ref(&boundary),
    ) {
        Containment::Unknown(reasons) => {
            assert!(reasons[0].reason.contains("too complex"), "{reasons:?}")
        }
        other => panic!("expected unknown, got {other:?}"),
    }
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
}

/// A policy that widens a boundary's one region or account to `*` escapes through another: the
/// counterexample keeps the policy's own resource part and names a region (account) that is
/// not the boundary's, where one example filled in alone was often the boundary's very own
/// and the verdict stayed unknown.
#[test]
fn with_the_catalog_an_open_region_or_account_escapes_through_another() {
    let cases = [
        (
            "dynamodb:GetItem",
            "arn:aws:dynamodb:us-east-1:123456789012:table/t",
            "arn:aws:dynamodb:*:123456789012:table/t",
        ),
        (
            "dynamodb:GetItem",
            "arn:aws:dynamodb:us-east-1:123456789012:table/t",
            "arn:aws:dynamodb:us-east-1:*:table/t",
        ),
        (
            "sts:AssumeRole",
            "arn:aws:iam::123456789012:role/x",
            "arn:aws:iam::*:role/x",
        ),
    ];
    for (action, inside, wider) in cases {
        let boundary = doc(&format!(
            r#"{{"Effect":"Allow","Action":"{action}","Resource":"{inside}"}}"#
        ));
        let identity = doc(&format!(
            r#"{{"Effect":"Allow","Action":"{action}","Resource":"{wider}"}}"#
        ));
        let found = expect_escapes(with_catalog(&identity, &boundary));
        let resource = &found[0].request.resource;
        assert!(
            iamx::reason::pattern_includes(wider, resource, iamx::reason::PatternKind::Arn)
                && resource != inside,
            "{wider}: {resource}"
        );
    }
}

/// No counterexample AWS could not receive: `arn:aws:s3:::/x` is no bucket (a bucket's name has
/// no `/`), so `s3:ListBucket` on `arn:aws:s3:::*` does not escape a boundary that allows all but
/// `arn:aws:s3:::*/*`. The search cannot prove it yet (it would need each placeholder's
/// alphabet), so the verdict is unknown, never a violation.
#[test]
fn with_the_catalog_no_counterexample_names_a_bucket_with_a_slash() {
    let boundary =
        doc(r#"{"Effect":"Allow","Action":"s3:ListBucket","NotResource":"arn:aws:s3:::*/*"}"#);
    let identity =
        doc(r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::*"}"#);
    match with_catalog(&identity, &boundary) {
        Containment::Escapes {
            counterexamples, ..
        } => panic!("no bucket has a `/`: {counterexamples:?}"),
        Containment::Contained | Containment::Unknown(_) => {}
        other => panic!("expected unknown, got {other:?}"),
    }
}
