//! Tests of `verify`: names under a delegation's prefix, and the roles proved as the compiler
//! lints their documents against the proofs made all at once.

use super::*;

/// `project`'s verification both ways: the roles proved as the compiler lints their
/// documents ([`role_proofs`], then [`verify_compiled_with`]) and all at once
/// ([`verify_compiled`]); with how many roles the compiler proved.
fn verified_both_ways(files: &[(&str, &str)]) -> (Report, Report, usize) {
    let inputs = (files.iter())
        .map(|(name, text)| crate::compile::Input {
            name: name.to_string(),
            bytes: text.as_bytes().to_vec(),
        })
        .collect();
    let options = crate::compile::Options::default();
    let parsed = crate::compile::parse_inputs(inputs, None, 1);
    let lowered = crate::compile::lower_parsed_proving(parsed, &options, None);
    let (compilation, proved) = lowered.checked_then(&options, None, Some(&role_proofs));
    let Some(compiled) = compilation.compiled else {
        panic!(
            "the project does not compile: {:#?}",
            compilation.diagnostics
        );
    };
    let count = proved.len();
    let fused = verify_compiled_with(&compiled, proved);
    (fused, verify_compiled(&compiled), count)
}

fn same_reports(a: &Report, b: &Report) {
    assert_eq!(
        serde_json::to_string(&a.subjects).unwrap(),
        serde_json::to_string(&b.subjects).unwrap()
    );
    assert_eq!(
        format!("{:?}", a.diagnostics),
        format!("{:?}", b.diagnostics)
    );
}

#[test]
fn roles_proved_as_they_are_linted_give_the_same_report() {
    let project = r#"
account "123456789012"
boundary B {
  allow s3:* on arn:aws:s3:::data/*
  deny s3:DeleteObject on *
}
policy extra {
  allow sqs:SendMessage on arn:aws:sqs:*:123456789012:q
}
delegate Team {
  to group "team"
  boundary B
  prefix "service-"
  pass_to ec2.amazonaws.com
}
group team {}
role service-inside {
  boundary B
  trust service ec2.amazonaws.com
  allow s3:GetObject on arn:aws:s3:::data/x/*
}
role service-escapes {
  boundary B
  trust service ec2.amazonaws.com
  allow s3:DeleteObject on arn:aws:s3:::data/*
  allow sqs:SendMessage on *
}
role service-attached-only {
  boundary B
  trust service ec2.amazonaws.com
  attach extra
}
role unbounded {
  trust service ec2.amazonaws.com
  allow s3:GetObject on *
}
user someone {
  boundary B
  allow s3:PutObject on arn:aws:s3:::data/*
}
"#;
    let (fused, whole, proved) = verified_both_ways(&[("main.iamx", project)]);
    same_reports(&fused, &whole);
    // The two bounded roles with inline policies; the rest is proved after.
    assert_eq!(proved, 2);
    assert!(fused
        .subjects
        .iter()
        .any(|s| s.verdict == Verdict::Violated));
    assert!(fused.subjects.iter().any(|s| s.verdict == Verdict::Proved));
    let examples = [
        ("seed", include_str!("../../examples/seed/main.iamx")),
        (
            "data-platform",
            include_str!("../../examples/data-platform/main.iamx"),
        ),
    ];
    for (name, text) in examples {
        let (fused, whole, proved) = verified_both_ways(&[(name, text)]);
        same_reports(&fused, &whole);
        // The seed's one bounded role has an inline policy.
        assert_eq!(proved, usize::from(name == "seed"), "{name}");
    }
}

/// Statements over a role's 10,240 characters of inline policy, which `limits` splits into
/// managed policies: few, with long resources, as each is checked slowly in a debug build.
fn over_the_inline_quota() -> String {
    let long = "a-long-folder-name-".repeat(8);
    (0..64)
        .map(|n| format!("  allow s3:GetObject on arn:aws:s3:::data/{long}{n:02}/*\n"))
        .collect()
}

#[test]
fn proofs_of_documents_that_are_then_split_are_dropped() {
    let statements = over_the_inline_quota();
    let project = format!(
        "account \"123456789012\"\nboundary B {{\n  allow s3:* on *\n}}\nrole big {{\n  boundary B\n  trust service ec2.amazonaws.com\n{statements}}}\n"
    );
    let (fused, whole, proved) = verified_both_ways(&[("main.iamx", &project)]);
    same_reports(&fused, &whole);
    assert_eq!(proved, 0);
    assert!(!fused.subjects.is_empty());
}

#[test]
fn names_under_a_prefix() {
    let scope = Scope {
        partition: "aws".into(),
        account: "1".into(),
        boundary_arn: String::new(),
        delegation_arn: None,
        delegation_parts: Vec::new(),
        path: "/".into(),
        prefix: "service-".into(),
        pass_to: vec![],
        create_users: false,
        tag_keys: crate::compile::delegation::default_tag_keys(),
        login_profiles: false,
    };
    assert!(scope_may_cover(
        &scope,
        "policy",
        "arn:aws:iam::1:policy/service-b"
    ));
    assert!(!scope_may_cover(
        &scope,
        "policy",
        "arn:aws:iam::1:policy/b"
    ));
    assert!(!scope_may_cover(
        &scope,
        "policy",
        "arn:aws:iam::1:policy/service-x/b"
    ));
    let user_scoped = Scope {
        prefix: "svc-${aws:username}-".into(),
        ..scope
    };
    assert!(scope_may_cover(
        &user_scoped,
        "role",
        "arn:aws:iam::1:role/svc-bob-x"
    ));
    assert!(!scope_may_cover(
        &user_scoped,
        "role",
        "arn:aws:iam::1:role/x"
    ));
}

/// One generated `.iamx` statement: an effect, actions, a resource and sometimes a condition,
/// from small pools so that roles, boundaries and policies overlap and escape in varied ways.
fn generated_statement() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let action = prop::sample::select(vec![
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:Get*",
        "s3:*",
        "sqs:SendMessage",
        "ec2:DescribeInstances",
        "iam:PassRole",
    ]);
    let resource = prop::sample::select(vec![
        "*",
        "arn:aws:s3:::data/*",
        "arn:aws:s3:::data/x/*",
        "arn:aws:s3:::other/*",
        "arn:aws:sqs:us-east-1:123456789012:q",
        "arn:aws:iam::123456789012:role/service-*",
    ]);
    let condition = prop::sample::select(vec![
        "",
        " when aws:RequestedRegion == \"eu-west-1\"",
        " when aws:SecureTransport == true",
        " when s3:prefix like \"home/*\"",
    ]);
    (
        prop::bool::weighted(0.2),
        prop::collection::btree_set(action, 1..3),
        resource,
        condition,
    )
        .prop_map(|(deny, actions, resource, condition)| {
            let actions = Vec::from_iter(actions).join(", ");
            let effect = if deny { "deny" } else { "allow" };
            format!("  {effect} {actions} on {resource}{condition}\n")
        })
}

/// A generated project: two boundaries, a managed policy, sometimes a delegation held by a
/// role, and roles with or without a boundary, attachments and inline statements; now and then
/// a role whose inline policy is over its quota, so `limits` splits it after the lints.
fn generated_project() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let statements = |range| prop::collection::vec(generated_statement(), range);
    let role = (
        prop::option::of(0..2usize),
        prop::bool::weighted(0.3),
        statements(0..4),
        prop::bool::weighted(0.05),
    );
    (
        statements(1..4),
        statements(1..3),
        statements(1..3),
        prop::collection::vec(role, 1..7),
        // A delegation's proof is a search of its own, slow in a debug build: in some projects.
        prop::bool::weighted(0.25),
    )
        .prop_map(|(first, second, policy, roles, delegation)| {
            let mut text = String::from("account \"123456789012\"\n");
            text += &format!("boundary B0 {{\n{}}}\n", first.concat());
            text += &format!("boundary B1 {{\n{}}}\n", second.concat());
            text += &format!("policy extra {{\n{}}}\n", policy.concat());
            if delegation {
                text += "delegate Team {\n  to role \"service-r0\"\n  boundary B0\n  prefix \"service-\"\n  pass_to ec2.amazonaws.com\n}\n";
            }
            for (i, (boundary, attach, statements, big)) in roles.into_iter().enumerate() {
                text += &format!("role service-r{i} {{\n  trust service ec2.amazonaws.com\n");
                if let Some(b) = boundary {
                    text += &format!("  boundary B{b}\n");
                }
                if attach {
                    text += "  attach extra\n";
                }
                text += &statements.concat();
                if big {
                    text += &over_the_inline_quota();
                }
                text += "}\n";
            }
            text
        })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// The roles proved as the compiler lints their documents give the report the proofs made
    /// all at once give, on generated projects: escapes, proofs, unbounded roles, attachments,
    /// a delegation's policy on a role, and inline policies split after their proofs.
    #[test]
    fn roles_proved_as_they_are_linted_agree_on_generated_projects(project in generated_project()) {
        // A failed assertion is a failing case to proptest, which shrinks it.
        let (fused, whole, _) = verified_both_ways(&[("main.iamx", &project)]);
        same_reports(&fused, &whole);
    }
}
