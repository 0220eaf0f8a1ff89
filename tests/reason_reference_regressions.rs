//! Regression cases for the engine bugs the reference evaluator found (issue 11): each test is
//! one class of wrong answer, written as a small identity/boundary pair and the verdict IAM's
//! documented rules demand.

use iamx::policy::PolicyDocument;
use iamx::reason::{contained, evaluate, Containment, Decision, Request};

fn versioned(version: Option<&str>, statements: &str) -> PolicyDocument {
    // An omitted Version is IAM's 2008-10-17 (IAM User Guide, "IAM JSON policy elements: Version").
    let version = version.unwrap_or("2008-10-17");
    serde_json::from_str(&format!(
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
