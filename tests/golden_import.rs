//! Golden tests for `iamx import`: `tests/golden/import/<case>.json` imports to `<case>.iamx`
//! (and the import's own check passes). `UPDATE_GOLDEN=1 cargo test` rewrites the expected files.

mod common;

use common::{root, Goldens};
use iamx::import::{self, CanonicalEquality};
use std::fs;

#[test]
fn import_goldens() {
    let dir = root().join("tests/golden/import");
    let mut entries: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    entries.sort();
    assert!(entries.len() >= 3, "golden cases missing");
    let mut goldens = Goldens::new();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = fs::read_to_string(&path).unwrap();
        let imported = import::import(&[(name.clone(), text)], &CanonicalEquality)
            .unwrap_or_else(|errors| panic!("{name}: {}", errors.join("\n")));
        goldens.check(&path.with_extension("iamx"), &imported.source);
    }
    goldens.finish();
}

#[test]
fn inexpressible_statements_are_refused_by_name() {
    let identity_with_principal = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"},{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    let errors = import::import(
        &[("bucket.json".into(), identity_with_principal.into())],
        &CanonicalEquality,
    )
    .unwrap_err();
    // Refused as `iamx check` refuses it, at its place in the file.
    assert!(
        errors[0].starts_with("bucket.json:1:71: an identity policy cannot have `Principal`"),
        "{errors:?}"
    );
    // What the file holds that `check` refuses is reported in the file, not in the generated
    // source: a malformed action, a resource that is not an ARN.
    for (statement, at, message) in [
        (
            r#""Action":"s3GetObject","Resource":"*""#,
            "1:65",
            "`s3GetObject` is not an action",
        ),
        (
            r#""Action":"s3:GetObject","Resource":"foo""#,
            "1:91",
            "`foo` is not a valid resource",
        ),
    ] {
        let text =
            format!(r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow",{statement}}}]}}"#);
        let errors = import::import(&[("p.json".into(), text)], &CanonicalEquality).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with(&format!("p.json:{at}: {message}")),
            "{errors:?}"
        );
    }
    let old_version = r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    let errors = import::import(
        &[("old.json".into(), old_version.into())],
        &CanonicalEquality,
    )
    .unwrap_err();
    assert!(errors[0].contains("2008-10-17"), "{errors:?}");
}

#[test]
fn the_check_catches_a_lying_oracle_input() {
    // An oracle that rejects everything makes the import fail loudly, naming the document.
    struct Never;
    impl import::Equivalence for Never {
        fn check(
            &self,
            _: &iamx::iam::policy::PolicyDocument,
            _: &iamx::iam::policy::PolicyDocument,
        ) -> Result<(), String> {
            Err("differs".into())
        }
    }
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    let errors = import::import(&[("p.json".into(), text.into())], &Never).unwrap_err();
    assert_eq!(errors, vec!["p.json: differs".to_string()]);
}

#[test]
fn upper_case_service_prefixes_import_and_are_proved_equivalent() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["S3:GetObject","s3:ListBucket"],"Resource":"*"}]}"#;
    let input = [("p.json".to_string(), text.to_string())];
    // The source writes `s3:GetObject`: not canonically equal to the original...
    let errors = import::import(&input, &CanonicalEquality).unwrap_err();
    assert!(errors[0].contains("differ"), "{errors:?}");
    // ...but it allows exactly the same requests, which the engine proves.
    let imported = import::import(&input, &import::AccessEquality).unwrap();
    assert!(
        imported.source.contains("s3:{GetObject, ListBucket}"),
        "{}",
        imported.source
    );
}

#[test]
fn access_equality_rejects_different_access_with_an_example() {
    use import::Equivalence;
    let doc = |actions: &str| -> iamx::iam::policy::PolicyDocument {
        iamx::iam::read::policy_from_str(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":{actions},"Resource":"arn:aws:s3:::b/*"}}]}}"#
        ))
        .unwrap()
    };
    let oracle = import::AccessEquality;
    // Reordered and with a different case: equal access.
    assert_eq!(
        oracle.check(
            &doc(r#"["s3:PutObject","S3:GETOBJECT"]"#),
            &doc(r#"["s3:getobject","s3:putobject"]"#)
        ),
        Ok(())
    );
    let error = oracle
        .check(&doc(r#""s3:GetObject""#), &doc(r#""s3:Get*""#))
        .unwrap_err();
    assert!(error.contains("only the import allows s3:Get"), "{error}");
}

#[test]
fn gaad_errors_name_the_file_line_and_column() {
    let gaad = r#"{"RoleDetailList": [
  {"RoleName": "r", "Arn": "arn:aws:iam::111122223333:role/r",
   "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Alow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}
]}"#;
    let errors =
        import::import(&[("gaad.json".into(), gaad.into())], &CanonicalEquality).unwrap_err();
    assert_eq!(
        errors,
        ["gaad.json:3:83: `Alow` is not an effect\n  = help: did you mean `Allow`?"]
    );
    let broken = "{\"Policies\": [\n  {\"Arn\": 1}]}";
    let errors =
        import::import(&[("gaad.json".into(), broken.into())], &CanonicalEquality).unwrap_err();
    assert!(
        errors[0].starts_with(
            "gaad.json:2:11: a managed policy: `Arn`: expected a string, found a number"
        ),
        "{errors:?}"
    );
    assert!(errors[0].contains("= help:"), "{errors:?}");
}
