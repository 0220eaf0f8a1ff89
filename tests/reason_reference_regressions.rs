//! Regression cases for the engine bugs the reference evaluator found (issue 11): each test is
//! one class of wrong answer, written as a small identity/boundary pair and the verdict IAM's
//! documented rules demand.

use iamx::iam::policy::PolicyDocument;
use iamx::reason::{contained, evaluate, Containment, Decision, Request};

fn versioned(version: Option<&str>, statements: &str) -> PolicyDocument {
    // An omitted Version is IAM's 2008-10-17 (IAM User Guide, "IAM JSON policy elements: Version").
    let version = version.unwrap_or("2008-10-17");
    iamx::iam::read::policy_from_str(&format!(
        r#"{{"Version":"{version}","Statement":[{statements}]}}"#
    ))
    .unwrap()
}

fn doc(statements: &str) -> PolicyDocument {
    versioned(Some("2012-10-17"), statements)
}

/// Proved must never be said when a request escapes; Escapes must show a real one.
fn verdict(identity: &PolicyDocument, boundary: &PolicyDocument) -> Containment {
    let verdict = contained(
        std::slice::from_ref(identity),
        std::slice::from_ref(boundary),
    );
    if let Containment::Escapes {
        counterexamples, ..
    } = &verdict
    {
        for c in counterexamples {
            let alone = evaluate(std::slice::from_ref(identity), None, &c.request);
            assert_eq!(alone.decision, Decision::Allow, "{c}");
            let both = evaluate(
                std::slice::from_ref(identity),
                Some(std::slice::from_ref(boundary)),
                &c.request,
            );
            assert_ne!(both.decision, Decision::Allow, "{c}");
        }
    }
    verdict
}

#[test]
fn variables_are_literal_text_outside_version_2012_10_17() {
    let statement = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}"#;
    let alice =
        Request::new("s3:GetObject", "arn:aws:s3:::b/alice/k").with("aws:username", "alice");
    let literal = Request::new("s3:GetObject", "arn:aws:s3:::b/${aws:username}/k");
    for version in [None, Some("2008-10-17")] {
        let old = [versioned(version, statement)];
        assert_eq!(
            evaluate(&old, None, &alice).decision,
            Decision::ImplicitDeny
        );
        assert_eq!(evaluate(&old, None, &literal).decision, Decision::Allow);
    }
    let new = [doc(statement)];
    assert_eq!(evaluate(&new, None, &alice).decision, Decision::Allow);
    assert_eq!(
        evaluate(&new, None, &literal).decision,
        Decision::ImplicitDeny
    );

    // Same text, different versions: the boundary's `${aws:username}` is a literal folder name,
    // so alice's folder escapes.
    let boundary = versioned(
        None,
        r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}"#,
    );
    match verdict(&new[0], &boundary) {
        Containment::Escapes {
            counterexamples, ..
        } => assert!(!counterexamples[0].request.resource.contains('$')),
        other => panic!("expected an escape, got {other:?}"),
    }
    // And the other way round the literal folder is not covered by a real variable.
    let identity = versioned(Some("2008-10-17"), statement);
    assert!(matches!(
        verdict(&identity, &new[0]),
        Containment::Escapes { .. }
    ));
    // `${*}` is an escape only where variables exist: in an old document it is `$`, `{`, any
    // text, `}`.
    let old_star = versioned(
        None,
        r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${*}"}"#,
    );
    let braces = Request::new("s3:GetObject", "arn:aws:s3:::b/${anything}");
    assert_eq!(
        evaluate(std::slice::from_ref(&old_star), None, &braces).decision,
        Decision::Allow
    );
}

#[test]
fn a_star_ending_a_middle_arn_segment_matches_across_colons() {
    // `arn:aws:lambda:*:function:*`: the region `*` ends its segment, so it takes
    // `us-east-1:123456789012` and the pattern covers every function in every account.
    let wide =
        doc(r#"{"Effect":"Allow","Action":"lambda:*","Resource":"arn:aws:lambda:*:function:*"}"#);
    let f = Request::new(
        "lambda:InvokeFunction",
        "arn:aws:lambda:us-east-1:123456789012:function:f",
    );
    assert_eq!(
        evaluate(std::slice::from_ref(&wide), None, &f).decision,
        Decision::Allow
    );
    // So a boundary allowing one account's functions does not contain it ...
    let one_account = doc(
        r#"{"Effect":"Allow","Action":"lambda:*","Resource":"arn:aws:lambda:*:111111111111:function:*"}"#,
    );
    assert!(matches!(
        verdict(&wide, &one_account),
        Containment::Escapes { .. }
    ));
    // ... and a boundary deny written that way catches every account.
    let identity = doc(
        r#"{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f"}"#,
    );
    let boundary = doc(r#"{"Effect":"Allow","Action":"*","Resource":"*"},
           {"Effect":"Deny","Action":"lambda:*","Resource":"arn:aws:lambda:*:function:*"}"#);
    match verdict(&identity, &boundary) {
        Containment::Escapes {
            counterexamples, ..
        } => assert_eq!(counterexamples[0].request.resource, f.resource),
        other => panic!("expected an escape, got {other:?}"),
    }
    // A `*` inside a segment still stops at colons.
    let inner = doc(
        r#"{"Effect":"Allow","Action":"lambda:*","Resource":"arn:aws:lambda:us-*1:function:*"}"#,
    );
    assert_eq!(
        evaluate(std::slice::from_ref(&inner), None, &f).decision,
        Decision::ImplicitDeny
    );
}

#[test]
fn a_variable_can_take_the_value_a_boundary_deny_names() {
    // The user named `root` reaches `home/root/...`, which the boundary denies.
    let identity = doc(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}"#,
    );
    let boundary = doc(
        r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/home/*"},
           {"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::b/home/root/*"}"#,
    );
    match verdict(&identity, &boundary) {
        Containment::Escapes {
            counterexamples, ..
        } => {
            let request = &counterexamples[0].request;
            assert_eq!(
                request.context.variable("aws:username").as_deref(),
                Some("root")
            );
            assert!(request.resource.starts_with("arn:aws:s3:::b/home/root/"));
        }
        other => panic!("expected an escape, got {other:?}"),
    }
    // The same with the variable on both sides: the allow follows the user, the deny does not.
    let boundary = doc(
        r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/home/${aws:username}/*"},
           {"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::b/home/ro*/*"}"#,
    );
    assert!(matches!(
        verdict(&identity, &boundary),
        Containment::Escapes { .. }
    ));
    // A tag value may contain `/`, so it can reach a deeper denied folder.
    let identity = doc(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/home/${aws:PrincipalTag/team}/*"}"#,
    );
    let boundary = doc(
        r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/home/*"},
           {"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::b/home/a/secret/*"}"#,
    );
    assert!(!matches!(
        verdict(&identity, &boundary),
        Containment::Contained
    ));
    // Where no value can reach the deny, containment is still proved.
    let identity = doc(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}"#,
    );
    let boundary = doc(
        r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/home/*"},
           {"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::b/shared/*"}"#,
    );
    assert!(matches!(
        verdict(&identity, &boundary),
        Containment::Contained
    ));
}

#[test]
fn counterexample_context_values_are_well_typed() {
    // The boundary insists on TLS, an MFA age and a network; the identity does not. Every
    // counterexample must be a request AWS could send: booleans, whole seconds, IP addresses.
    let identity = doc(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#);
    for condition in [
        r#"{"Bool":{"aws:SecureTransport":"true"}}"#,
        r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}"#,
        r#"{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
        r#"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
        r#"{"StringLike":{"aws:username":"a*"}}"#,
    ] {
        let boundary = doc(&format!(
            r#"{{"Effect":"Allow","Action":"*","Resource":"*","Condition":{condition}}}"#
        ));
        let Containment::Escapes {
            counterexamples, ..
        } = verdict(&identity, &boundary)
        else {
            panic!("{condition}: expected an escape");
        };
        for c in &counterexamples {
            let ctx = &c.request.context;
            if let Some(v) = ctx.variable("aws:SecureTransport") {
                assert!(v == "true" || v == "false", "{c}");
            }
            if let Some(v) = ctx.variable("aws:MultiFactorAuthAge") {
                assert!(v.parse::<u64>().is_ok(), "{c}");
            }
            if let Some(v) = ctx.variable("aws:SourceIp") {
                assert!(v.parse::<std::net::IpAddr>().is_ok(), "{c}");
            }
            if let Some(v) = ctx.variable("aws:username") {
                assert!(
                    !v.is_empty()
                        && v.chars()
                            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c)),
                    "{c}"
                );
            }
        }
    }
}

#[test]
fn a_reachable_boundary_deny_repeated_by_an_identity_deny_still_proves() {
    // The delegation shape: both sides deny deeper paths under a per-user prefix. Any request
    // the boundary's deny catches, the identity's identical deny catches first, so the proof
    // stands even though a user name could reach the boundary's pattern.
    let identity = doc(
        r#"{"Effect":"Allow","Action":"iam:CreateRole","Resource":"arn:aws:iam::1:role/app-${aws:username}-*"},
           {"Effect":"Deny","Action":"iam:CreateRole","Resource":"arn:aws:iam::1:role/app-${aws:username}-*/*"}"#,
    );
    let boundary = doc(
        r#"{"Effect":"Allow","Action":"iam:CreateRole","Resource":"arn:aws:iam::1:role/app-${aws:username}-*"},
           {"Effect":"Deny","Action":"iam:*","Resource":["arn:aws:iam::1:role/app-${aws:username}-*/*","arn:aws:iam::1:user/app-${aws:username}-*/*"]}"#,
    );
    assert!(matches!(
        verdict(&identity, &boundary),
        Containment::Contained
    ));
    // Without the identity's deny, deeper paths escape.
    let bare = doc(
        r#"{"Effect":"Allow","Action":"iam:CreateRole","Resource":"arn:aws:iam::1:role/app-${aws:username}-*"}"#,
    );
    assert!(matches!(
        verdict(&bare, &boundary),
        Containment::Escapes { .. }
    ));
}

#[test]
fn each_resource_pattern_keeps_its_own_variable_requirements() {
    // Found by scripts/fuzz-verify.sh. Without a user name, `${aws:username, 'anon'}` is `anon`
    // while `${aws:username}` matches nothing: the allow reaches `home/anon/...` exactly when the
    // boundary's anonymous-only deny applies.
    let identity = doc(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/home/${aws:username}/*","arn:aws:s3:::b/home/${aws:username, 'anon'}/*"]}"#,
    );
    let boundary = doc(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/home/${aws:username}/*","arn:aws:s3:::b/home/${aws:username, 'anon'}/*"]},
           {"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{"Null":{"aws:username":"true"}}}"#,
    );
    match verdict(&identity, &boundary) {
        Containment::Escapes {
            counterexamples, ..
        } => {
            let request = &counterexamples[0].request;
            assert!(request.context.get("aws:username").is_none(), "{request}");
            assert!(request.resource.starts_with("arn:aws:s3:::b/home/anon/"));
        }
        other => panic!("expected an escape, got {other:?}"),
    }
    // A tag value equal to another variable's default reaches that variable's deny.
    let identity = doc(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/home/${aws:username}/*","arn:aws:s3:::b/home/${aws:PrincipalTag/team}/*"],"Condition":{"Null":{"aws:username":"true"}}}"#,
    );
    let boundary = doc(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/home/*"},
           {"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/home/${aws:username, 'anon'}/*"}"#,
    );
    match verdict(&identity, &boundary) {
        Containment::Escapes {
            counterexamples, ..
        } => {
            let request = &counterexamples[0].request;
            assert_eq!(
                request.context.variable("aws:PrincipalTag/team").as_deref(),
                Some("anon")
            );
        }
        other => panic!("expected an escape, got {other:?}"),
    }
}

#[test]
fn a_variable_can_take_the_value_a_not_resource_excludes() {
    // Found by scripts/fuzz-verify.sh: the boundary allows everything except `home/root/*`; the
    // user named `root` reaches exactly that through `home/${aws:username}/*`.
    let identity = doc(
        r#"{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}"#,
    );
    let boundary =
        doc(r#"{"Effect":"Allow","Action":"*","NotResource":"arn:aws:s3:::b/home/root/*"}"#);
    match verdict(&identity, &boundary) {
        Containment::Escapes {
            counterexamples, ..
        } => assert_eq!(
            counterexamples[0]
                .request
                .context
                .variable("aws:username")
                .as_deref(),
            Some("root")
        ),
        other => panic!("expected an escape, got {other:?}"),
    }
    // The same exclusion as an identity deny does not protect the boundary: with it, nothing
    // escapes, but only because the identity itself refuses `home/root/*`.
    let guarded = doc(
        r#"{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/home/${aws:username}/*"},
           {"Effect":"Deny","Action":"*","Resource":"arn:aws:s3:::b/home/root/*"}"#,
    );
    assert!(matches!(
        verdict(&guarded, &boundary),
        Containment::Contained
    ));
    // An identity deny on everything but the user's own folder cannot be assumed to hold for
    // `root`'s folder just because the symbol `${aws:username}` is not the text `root`.
    let identity = doc(
        r#"{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/home/${aws:username}/*"},
           {"Effect":"Deny","Action":"*","NotResource":"arn:aws:s3:::b/home/root/*"}"#,
    );
    let boundary =
        doc(r#"{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/home/alice/*"}"#);
    match verdict(&identity, &boundary) {
        Containment::Contained | Containment::ContainedForListedActions(_) => {
            panic!("root's folder escapes")
        }
        Containment::Escapes { .. } | Containment::Unknown(_) => {}
    }
}
