//! Behaviour pinned where two copies of one IAM concept used to disagree (see CHANGELOG.md).
//! Each test names the concept and the rule every command now shares.

mod common;

use common::iamx;
use std::fs;
use tempfile::TempDir;

const WITHOUT_VERSION: &str =
    r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;
const WITH_VERSION: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;

/// One JSON reader: a policy without `Version` is read by `diff` exactly as by `check`
/// (it used to be accepted by `check` and refused by `diff`), and it keeps having no version.
#[test]
fn json_reader_policy_without_version_reads_the_same_everywhere() {
    let temp = TempDir::new().unwrap();
    let old = temp.path().join("old.json");
    let new = temp.path().join("new.json");
    fs::write(&old, WITH_VERSION).unwrap();
    fs::write(&new, WITHOUT_VERSION).unwrap();
    iamx().arg("check").arg(&new).assert().success();
    let output = iamx().arg("diff").arg(&old).arg(&new).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "diff refused a policy check accepts:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("\"Version\""),
        "the text diff shows the version line:\n{stdout}"
    );

    let policy = iamx::iam::read::policy_from_str(WITHOUT_VERSION).unwrap();
    assert_eq!(policy.version, None);
    assert!(!policy.substitutes_variables());
    assert!(!policy.to_canonical_json().contains("Version"));
}

/// One JSON reader: its errors carry a position, whichever command reads the file.
#[test]
fn json_reader_errors_name_line_and_column() {
    let error =
        iamx::iam::read::policy_from_str("{\n  \"Statement\": [], \"Bogus\": 1\n}").unwrap_err();
    assert!(error.contains("line 2"), "{error}");
}

mod glob_semantics {
    //! One glob semantics: the inclusion helper the lints and the delegation policy use
    //! (`reason::pattern_includes`) never claims more than the engine proves.
    use iamx::iam::read::policy_from_str;
    use iamx::reason::{contained, pattern_includes, Containment, PatternKind};
    use proptest::prelude::*;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    use std::sync::atomic::{AtomicUsize, Ordering};

    const ARN_PARTS: &[&str] = &[
        "us-east-1",
        "*",
        "?",
        ":",
        "111122223333",
        "log-group:",
        "x",
        "/",
        "${aws:username}",
        "log-stream:y",
    ];
    const ACTION_PARTS: &[&str] = &["s3:", "iam:", "Get", "Put", "Object", "*", "?", "o"];

    fn parts(parts: &'static [&'static str]) -> impl Strategy<Value = String> + Clone {
        prop::collection::vec(prop::sample::select(parts), 1..5).prop_map(|p| p.concat())
    }

    /// Mostly six-part ARNs, the shape IAM matches segment by segment.
    fn arn_pattern() -> BoxedStrategy<String> {
        let part = parts(ARN_PARTS);
        (part.clone(), part.clone(), part)
            .prop_map(|(r, a, res)| format!("arn:aws:logs:{r}:{a}:{res}"))
            .boxed()
    }

    fn action_pattern() -> BoxedStrategy<String> {
        parts(ACTION_PARTS).boxed()
    }

    /// An outer pattern and an inner one made from it by replacing wildcards with parts, so
    /// that many pairs really are included (and some, across `:`, are not).
    fn refined(
        pattern: BoxedStrategy<String>,
        parts: &'static [&'static str],
    ) -> impl Strategy<Value = (String, String)> {
        (
            pattern,
            prop::collection::vec(prop::sample::select(parts), 8),
        )
            .prop_map(|(outer, fill)| {
                let mut fill = fill.into_iter().cycle();
                let inner = outer
                    .chars()
                    .map(|c| match c {
                        '*' | '?' => fill.next().unwrap().to_string(),
                        c => c.to_string(),
                    })
                    .collect();
                (outer, inner)
            })
    }

    fn allow(action: &str, resource: &str) -> iamx::iam::policy::PolicyDocument {
        let text = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]
        });
        policy_from_str(&text.to_string()).unwrap()
    }

    static CLAIMED: AtomicUsize = AtomicUsize::new(0);

    fn check(outer: &str, inner: &str, kind: PatternKind) -> Result<(), TestCaseError> {
        if outer == inner || !pattern_includes(outer, inner, kind) {
            return Ok(());
        }
        CLAIMED.fetch_add(1, Ordering::Relaxed);
        let (identity, boundary) = match kind {
            PatternKind::Action => (allow(inner, "*"), allow(outer, "*")),
            _ => (allow("s3:GetObject", inner), allow("s3:GetObject", outer)),
        };
        let verdict = contained(&[identity], &[boundary]);
        prop_assert!(
            !matches!(verdict, Containment::Escapes { .. }),
            "`{outer}` was said to include `{inner}`, but the engine finds escapes: {verdict:?}"
        );
        Ok(())
    }

    #[test]
    fn inclusion_implies_engine_containment() {
        // A fresh runner per property: a runner counts its cases across `run` calls.
        let runner = || {
            let config = Config {
                cases: 2000,
                failure_persistence: None,
                ..Config::default()
            };
            TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]))
        };
        runner()
            .run(&(arn_pattern(), arn_pattern()), |(o, i)| {
                check(&o, &i, PatternKind::Arn)
            })
            .unwrap();
        runner()
            .run(&refined(arn_pattern(), ARN_PARTS), |(o, i)| {
                check(&o, &i, PatternKind::Arn)
            })
            .unwrap();
        runner()
            .run(&(action_pattern(), action_pattern()), |(o, i)| {
                check(&o, &i, PatternKind::Action)
            })
            .unwrap();
        runner()
            .run(&refined(action_pattern(), ACTION_PARTS), |(o, i)| {
                check(&o, &i, PatternKind::Action)
            })
            .unwrap();
        // The property is only worth something if inclusion between different texts is claimed.
        let claimed = CLAIMED.load(Ordering::Relaxed);
        assert!(claimed >= 100, "only {claimed} inclusions were claimed");
    }
}

/// One glob semantics for actions: expanding a wildcard against the catalog selects exactly the
/// actions the engine says the pattern matches.
#[test]
fn catalog_expansion_agrees_with_the_engine() {
    use iamx::catalog::Catalog;
    use iamx::reason::{pattern_includes, PatternKind};
    let catalog = Catalog::get();
    let service = catalog.service("s3").unwrap();
    let patterns = [
        "s3:Get*",
        "s3:get*",
        "S3:*Object",
        "s3:?etObject",
        "s3:*Bucket*",
        "s3:Put*Acl",
        "s3:*",
        "s3:G*t*",
        "s3:List?ucket",
    ];
    for pattern in patterns {
        let mut expanded: Vec<String> = catalog
            .expand_actions(pattern)
            .iter()
            .map(|a| a.name().to_string())
            .collect();
        expanded.sort();
        let mut matched: Vec<String> = service
            .actions()
            .iter()
            .filter(|a| pattern_includes(pattern, &format!("s3:{}", a.name()), PatternKind::Action))
            .map(|a| a.name().to_string())
            .collect();
        matched.sort();
        assert!(!matched.is_empty(), "{pattern} matches nothing");
        assert_eq!(expanded, matched, "{pattern}");
    }
}
