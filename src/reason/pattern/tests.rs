//! Unit tests of the pattern compiler: the ARN segment rule, case, variables and escapes, the
//! case table, and the fast paths against the general compiler.

use super::*;

/// `OTHER_CASES` is every character the case-insensitive tests read as another's lowercase
/// but that is neither that lowercase nor its one-character uppercase, by a scan of every
/// character through the standard library's tables.
#[test]
fn other_cases_hold_every_character_of_a_lowercase() {
    let mut found = Vec::new();
    for x in (0..=0x10FFFFu32).filter_map(char::from_u32) {
        let l = lower(x);
        let mut upper = l.to_uppercase();
        let own_upper = upper.next() == Some(x) && upper.next().is_none();
        if l != x && !own_upper {
            found.push((l, x));
        }
    }
    found.sort_unstable();
    assert_eq!(found, OTHER_CASES);
    assert_eq!(other_cases('k').collect::<Vec<_>>(), ['\u{212A}']);
    assert_eq!(other_cases('ß').collect::<Vec<_>>(), ['\u{1E9E}']);
    assert_eq!(other_cases('a').count(), 0);
}

/// The short texts' loop and the long texts' vector search find the same first `*`, `?`
/// or `$`, at every length around where one hands over to the other.
#[test]
fn first_special_on_either_side_of_its_threshold() {
    for len in 0..70 {
        for at in 0..=len {
            for special in ["*", "?", "$"] {
                let text = format!("{}{}{}", "a".repeat(at), special, "b:*".repeat(len));
                assert_eq!(first_special(&text), Some(at), "{text}");
            }
        }
        assert_eq!(first_special(&"arn:aws:s3:::b/".repeat(len)), None);
    }
}

fn arn(pattern: &str, value: &str) -> bool {
    matches_concrete(pattern, PatternKind::Arn, value, &|_| None)
}

#[test]
fn arn_wildcards_stay_inside_segments() {
    assert!(arn("arn:aws:s3:::acme/*", "arn:aws:s3:::acme/a/b:c"));
    assert!(arn(
        "arn:aws:s3:::acme/*/raw/*",
        "arn:aws:s3:::acme/1/2/raw/x"
    ));
    assert!(!arn(
        "arn:aws:s3:::acme/*/raw/*",
        "arn:aws:s3:::acme/1-raw/x"
    ));
    // A `*` in the region segment cannot swallow the account's colon.
    assert!(arn(
        "arn:aws:ec2:*:123:instance/*",
        "arn:aws:ec2:us-east-1:123:instance/i-1"
    ));
    // ... except that a `*` ending its segment may (IAM User Guide, "Using wildcards in
    // resource ARNs").
    assert!(arn(
        "arn:aws:ec2:*:123:instance/*",
        "arn:aws:ec2:us-east-1:9:123:instance/i"
    ));
    assert!(!arn(
        "arn:aws:ec2:u*1:123:instance/*",
        "arn:aws:ec2:us-east-1:9:123:instance/i"
    ));
    assert!(arn(
        "arn:aws:lambda:*:function:*",
        "arn:aws:lambda:us-east-1:1:function:f"
    ));
    assert!(!arn("arn:aws:ec2:?:1:x", "arn:aws:ec2:::1:x"));
    // A trailing `*` expands past the remaining boundaries.
    assert!(arn("arn:aws:s3:*", "arn:aws:s3:::bucket/key"));
    assert!(arn("arn:aws:iam::*", "arn:aws:iam::123:role/x"));
    assert!(!arn("arn:aws:s3:*", "arn:aws:s3x:::bucket"));
    assert!(arn("*", "anything at all"));
    assert!(!arn("arn:*", "*"));
    // Case-sensitive.
    assert!(!arn("arn:aws:s3:::Acme", "arn:aws:s3:::acme"));
}

#[test]
fn actions_are_case_insensitive() {
    let m = |p: &str, a: &str| matches_concrete(p, PatternKind::Action, a, &|_| None);
    assert!(m("s3:get*", "S3:GetObject"));
    assert!(!m("S3:GetObjec?", "s3:getobjectx"));
    assert!(m("*", "iam:CreateUser"));
    assert!(m("iam:*User", "IAM:createuser"));
}

#[test]
fn variables_and_escapes() {
    let resolve = |v: &VarRef| (v.key == "aws:username").then(|| "alice".to_string());
    let m = |p: &str, v: &str| matches_concrete(p, PatternKind::Arn, v, &resolve);
    assert!(m(
        "arn:aws:s3:::home/${aws:username}/*",
        "arn:aws:s3:::home/alice/x"
    ));
    assert!(!m(
        "arn:aws:s3:::home/${aws:username}/*",
        "arn:aws:s3:::home/bob/x"
    ));
    assert!(!m(
        "arn:aws:s3:::home/${aws:PrincipalTag/team}/*",
        "arn:aws:s3:::home/x/y"
    ));
    assert!(m(
        "arn:aws:s3:::home/${aws:PrincipalTag/team, 'none'}/*",
        "arn:aws:s3:::home/none/y"
    ));
    assert!(m("arn:aws:s3:::a${*}b", "arn:aws:s3:::a*b"));
    assert!(!m("arn:aws:s3:::a${*}b", "arn:aws:s3:::axb"));
    assert!(m("arn:aws:s3:::a${?}${$}", "arn:aws:s3:::a?$"));
    assert!(has_variables("x/${aws:username}"));
    assert!(!has_variables("x/${*}"));
}

proptest::proptest! {
    #[test]
    fn bit_and_vector_matching_agree(
        pattern in "[ab:*?]{0,10}",
        text in "[ab:x]{0,10}",
        kind in proptest::sample::select(vec![PatternKind::Arn, PatternKind::Like]),
    ) {
        let glob = compile(&pattern, kind, &mut Vars::Concrete(&|_| None)).unwrap();
        proptest::prop_assert_eq!(glob.matches_in_bits(text.chars()), glob.matches_in_vectors(text.chars()));
    }

    #[test]
    fn plain_texts_compile_as_the_general_path_does(
        text in "[a-zA-Z0-9:/*?$.{}-]{0,12}",
        kind in proptest::sample::select(vec![
            PatternKind::Action,
            PatternKind::Arn,
            PatternKind::Like,
            PatternKind::Exact,
            PatternKind::ExactIgnoreCase,
        ]),
    ) {
        proptest::prop_assume!(!text.contains("${"));
        let general = compile_general(&text, kind);
        proptest::prop_assert_eq!(compile_plain(&text, kind), general);
    }
}

fn compile_general(text: &str, kind: PatternKind) -> Glob {
    compile_parsed(text, kind, &mut Vars::Concrete(&|_| None)).unwrap()
}

#[test]
fn fast_paths_agree_with_the_compiler() {
    let patterns = [
        "arn:aws:s3:::a/*",
        "arn:aws:s3:*",
        "arn:*:s3:?:*:x*y",
        "a*b?c",
        "*",
        "arn:aws",
        "arn:aws:*",
        "s3:Get*",
    ];
    let values = [
        "arn:aws:s3:::a/b:c",
        "arn:aws:s3:r:1:xzy",
        "arn:aws:s3:::",
        "aXXbYc",
        "arn:aws",
        "arn:aws:x:y",
        "S3:GETobject",
        "",
    ];
    for p in patterns {
        for v in values {
            for kind in [PatternKind::Arn, PatternKind::Like, PatternKind::Action] {
                let glob = compile(p, kind, &mut Vars::Concrete(&|_| None)).unwrap();
                let slow = glob.matches(&if kind == PatternKind::Action {
                    v.to_lowercase()
                } else {
                    v.to_string()
                });
                assert_eq!(
                    matches_concrete(p, kind, v, &|_| None),
                    slow,
                    "{p} {v} {kind:?}"
                );
            }
        }
    }
}

#[test]
fn exact_kinds_treat_wildcards_literally() {
    let m = |p: &str, k, v: &str| matches_concrete(p, k, v, &|_| None);
    assert!(m("a*", PatternKind::Exact, "a*"));
    assert!(!m("a*", PatternKind::Exact, "ab"));
    assert!(m("TRUE", PatternKind::ExactIgnoreCase, "true"));
    assert!(m("a*", PatternKind::Like, "abc"));
}

#[test]
fn substituted_values_are_literal_and_the_rest_keeps_its_meaning() {
    let arn = |var: &VarRef| (var.key == "aws:principalarn").then(|| "role/a?*".to_string());
    assert_eq!(
        substitute_variables("b/${aws:PrincipalArn}/*", arn).as_deref(),
        Some("b/role/a${?}${*}/*")
    );
    assert_eq!(
        substitute_variables("${aws:PrincipalArn}/${aws:username, 'x'}/${*}", arn).as_deref(),
        Some("role/a${?}${*}/${aws:username, 'x'}/${*}")
    );
    assert_eq!(substitute_variables("b/${aws:username}", arn), None);
    let keys: Vec<String> = variable_keys("${AWS:UserName, 'x'}/${*}").collect();
    assert_eq!(keys, ["aws:username"]);
}
