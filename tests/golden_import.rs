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
        match import::import(&[(name.clone(), text)], &CanonicalEquality) {
            Ok(imported) => goldens.check(&path.with_extension("iamx"), &imported.source),
            Err(errors) => goldens.fail(format!("{name}: {}", errors.join("\n"))),
        }
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
    // Under 2008-10-17 `${aws:username}` is text; .iamx (2012-10-17) would make it a variable.
    let old_version = r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}"}]}"#;
    let errors = import::import(
        &[("old.json".into(), old_version.into())],
        &CanonicalEquality,
    )
    .unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("old.json: policy language version `2008-10-17` with `${` in it"),
        "{errors:?}"
    );
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

/// A GAAD of one role in `account`, with `extra` members of the export's object.
fn gaad(account: &str, role: &str, extra: &str) -> String {
    format!(
        r#"{{"RoleDetailList": [{{"Path": "/", "RoleName": "{role}", "Arn": "arn:aws:iam::{account}:role/{role}",
  "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::{account}:root"}}, "Action": "sts:AssumeRole"}}]}},
  "RolePolicyList": [{{"PolicyName": "p", "PolicyDocument": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:{account}:q"}}]}}}}],
  "AttachedManagedPolicies": [], "InstanceProfileList": [], "Tags": []}}]{extra}}}"#
    )
}

#[test]
fn exports_of_different_accounts_are_refused_naming_both() {
    let inputs = [
        ("a.json".to_string(), gaad("111111111111", "ra", "")),
        ("b.json".to_string(), gaad("222222222222", "rb", "")),
    ];
    let errors = import::import(&inputs, &CanonicalEquality).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    for part in [
        "different accounts",
        "account 111111111111 (a.json)",
        "account 222222222222 (b.json)",
    ] {
        assert!(errors[0].contains(part), "{errors:?}");
    }
    // Pages of one account are one export.
    let same = [
        ("a.json".to_string(), gaad("111111111111", "ra", "")),
        ("b.json".to_string(), gaad("111111111111", "rb", "")),
    ];
    import::import(&same, &CanonicalEquality).unwrap();
}

#[test]
fn a_truncated_export_is_refused_unless_its_last_page_is_given() {
    let truncated = r#", "IsTruncated": true, "Marker": "AQ==""#;
    let page = [("p1.json".to_string(), gaad("111111111111", "ra", truncated))];
    let errors = import::import(&page, &CanonicalEquality).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("p1.json: this export is truncated"),
        "{errors:?}"
    );
    let pages = [
        page[0].clone(),
        (
            "p2.json".to_string(),
            gaad("111111111111", "rb", r#", "IsTruncated": false"#),
        ),
    ];
    let imported = import::import(&pages, &CanonicalEquality).unwrap();
    assert!(imported.source.contains("role ra {"), "{}", imported.source);
    assert!(imported.source.contains("role rb {"), "{}", imported.source);
}

#[test]
fn pages_of_one_export_link_attachments_and_boundaries_by_name() {
    let roles = r#"{"RoleDetailList": [{"Path": "/", "RoleName": "r", "Arn": "arn:aws:iam::111111111111:role/r",
  "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
  "PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": "arn:aws:iam::111111111111:policy/bnd"},
  "AttachedManagedPolicies": [{"PolicyName": "cust", "PolicyArn": "arn:aws:iam::111111111111:policy/cust"}]}], "IsTruncated": true, "Marker": "AQ=="}"#;
    let policy = |name: &str, action: &str| {
        format!(
            r#"{{"PolicyName": "{name}", "Arn": "arn:aws:iam::111111111111:policy/{name}", "Path": "/", "DefaultVersionId": "v1",
  "PolicyVersionList": [{{"Document": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "{action}", "Resource": "*"}}]}}, "VersionId": "v1", "IsDefaultVersion": true}}]}}"#
        )
    };
    let policies = format!(
        r#"{{"Policies": [{}, {}], "IsTruncated": false}}"#,
        policy("cust", "s3:GetObject"),
        policy("bnd", "s3:*")
    );
    let inputs = [
        ("page1.json".to_string(), roles.to_string()),
        ("page2.json".to_string(), policies),
    ];
    let imported = import::import(&inputs, &CanonicalEquality).unwrap();
    let source = &imported.source;
    assert!(source.contains("  boundary bnd\n"), "{source}");
    assert!(source.contains("  attach cust\n"), "{source}");
    assert!(source.contains("boundary bnd {"), "{source}");
    assert!(source.contains("policy cust {"), "{source}");
}

#[test]
fn the_multi_account_note_names_the_account_that_became_the_constant() {
    let text = r#"{"RoleDetailList": [{"Path": "/", "RoleName": "r", "Arn": "arn:aws:iam::123456789012:role/r",
  "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::222222222222:role/a", "arn:aws:iam::222222222222:role/b"]}, "Action": "sts:AssumeRole"}]}}]}"#;
    let imported = import::import(&[("g.json".into(), text.into())], &CanonicalEquality).unwrap();
    assert!(
        imported.source.contains("account \"123456789012\""),
        "{}",
        imported.source
    );
    let note = imported
        .notes
        .iter()
        .find(|n| n.contains("several accounts"))
        .expect("a note");
    assert!(
        note.contains("`123456789012` (1 ARN) became `${account}`")
            && note.ends_with("stay literal: 222222222222"),
        "{note}"
    );
}

#[test]
fn role_settings_an_export_does_not_carry_are_noted() {
    let text = gaad("111111111111", "ra", "");
    let imported = import::import(&[("g.json".into(), text)], &CanonicalEquality).unwrap();
    let notes = imported.notes.join("\n");
    assert!(
        notes.contains("g.json: the export has no `MaxSessionDuration` and no `Description` of role `ra` (AWS's `RoleDetail` carries neither)"),
        "{notes}"
    );
    // An export that has both (a tool that adds `GetRole`'s fields) says nothing.
    let both = gaad("111111111111", "ra", "").replacen(
        r#""Path": "/","#,
        r#""Path": "/", "MaxSessionDuration": 7200, "Description": "d","#,
        1,
    );
    let imported = import::import(&[("b.json".into(), both)], &CanonicalEquality).unwrap();
    assert!(
        imported.source.contains("max_session"),
        "{}",
        imported.source
    );
    assert!(
        !imported
            .notes
            .iter()
            .any(|n| n.contains("MaxSessionDuration")),
        "{:?}",
        imported.notes
    );
}

#[test]
fn what_keeps_its_access_is_carried_over_and_noted() {
    // gaad-carried.iamx is the source; these are the notes that say what changed in form.
    let path = root().join("tests/golden/import/gaad-carried.json");
    let text = fs::read_to_string(path).unwrap();
    let imported = import::import(&[("g.json".into(), text)], &CanonicalEquality).unwrap();
    let notes = imported.notes.join("\n");
    for note in [
        "g.json: service-linked roles are not imported: `AWSServiceRoleForSupport`",
        "g.json: role `console` (trust policy): `trust` lines have no Sid, so the Sid `AllowEC2` (statement 1) is dropped",
        "`VisualEditor0` of `write` is written `VisualEditor0write`",
        "g.json: role `legacy` (trust policy): `AROAXXXXXXXXXXXXXXXXX`, `AIDAEXAMPLEUSERID123` are the unique IDs IAM shows for principals since deleted",
        "g.json: role `legacy` (trust policy) (`2008-10-17`), g.json: role `legacy`: inline policy `old` (no `Version`)",
    ] {
        assert!(notes.contains(note), "{note}\n---\n{notes}");
    }
    assert!(
        !imported.source.contains("AWSServiceRoleForSupport"),
        "{}",
        imported.source
    );
}

#[test]
fn what_cannot_be_carried_over_is_refused_naming_the_entity_and_field() {
    let role = |fields: &str, principal: &str| {
        format!(
            r#"{{"RoleDetailList": [{{"Path": "/", "RoleName": "r", "Arn": "arn:aws:iam::123456789012:role/r", {fields}
  "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {principal}, "Action": "sts:AssumeRole"}}]}}}}]}}"#
        )
    };
    let ec2 = r#"{"Service": "ec2.amazonaws.com"}"#;
    let attached: Vec<String> = (0..12)
        .map(|i| {
            format!(r#"{{"PolicyName": "P{i}", "PolicyArn": "arn:aws:iam::aws:policy/P{i}"}}"#)
        })
        .collect();
    let many = format!(r#""AttachedManagedPolicies": [{}],"#, attached.join(", "));
    let identity = |condition: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{condition}}}]}}"#
        )
    };
    for (text, expected) in [
        (
            role(&many, ec2),
            "x.json: role `r`: `AttachedManagedPolicies` lists 12 policies, over the 10 a build attaches",
        ),
        (
            role(r#""MaxSessionDuration": 50000,"#, ec2),
            "x.json: role `r`: `MaxSessionDuration` 50000 is outside IAM's range of 3600 to 43200 seconds",
        ),
        (
            role(r#""MaxSessionDuration": 900,"#, ec2),
            "x.json: role `r`: `MaxSessionDuration` 900 is outside",
        ),
        (
            role("", r#"{"Service": "*"}"#),
            "x.json: role `r` (trust policy), statement 1: the `Service` principal `*` names no service",
        ),
        (
            role("", r#"{"AWS": "AROAXXXXXXXXXXXXXXXXX"}"#),
            "x.json: role `r` (trust policy): every principal it names is the unique ID of a deleted principal (AROAXXXXXXXXXXXXXXXXX)",
        ),
        (
            identity(r#"{"StringEquals":{"aws:username":"a","AWS:Username":"b"}}"#),
            "x.json, statement 1: the `Condition` operator `StringEquals` has the keys `AWS:Username` and `aws:username`",
        ),
    ] {
        let errors =
            import::import(&[("x.json".into(), text)], &CanonicalEquality).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].starts_with(expected), "{expected}\n{errors:?}");
        assert!(
            !errors[0].contains("does not compile") && !errors[0].contains("W0301"),
            "{errors:?}"
        );
    }
}

/// A control character other than line feed and tab has no `.iamx` escape: the import refuses
/// the entity, naming it and the field, instead of writing the character raw into the source.
/// IAM takes such characters (JSON escapes them, so its pattern never sees them), so this is a
/// limit of the language, refused as the others are, once per entity.
#[test]
fn control_characters_are_refused_naming_the_entity_and_field() {
    let identity = |statement: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject",{statement}}}]}}"#
        )
    };
    let role = |fields: &str, tags: &str| {
        format!(
            r#"{{"RoleDetailList": [{{"Path": "/", "RoleName": "r", "Arn": "arn:aws:iam::123456789012:role/r", {fields}
  "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"Service": "ec2.amazonaws.com"}}, "Action": "sts:AssumeRole"}}]}},
  "Tags": [{tags}]}}]}}"#
        )
    };
    for (text, expected) in [
        (
            identity(r#""Resource":["arn:aws:s3:::b/\u0001x","arn:aws:s3:::b/\u0002y"]"#),
            "x.json, statement 1: its `Resource` holds the control character U+0001, which .iamx cannot write",
        ),
        (
            identity(r#""Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"a\u0085b"}}"#),
            "x.json, statement 1: its `Condition` holds the control character U+0085, which .iamx cannot write",
        ),
        (
            role(r#""Description": "line one\r\nline two","#, ""),
            "x.json: role `r`: its description holds the control character U+000D, which .iamx cannot write",
        ),
        (
            role("", r#"{"Key": "team", "Value": "a\u007fb"}"#),
            "x.json: role `r`: its tag `team` holds the control character U+007F, which .iamx cannot write",
        ),
    ] {
        let errors = import::import(&[("x.json".into(), text)], &CanonicalEquality).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].starts_with(expected), "{expected}\n{errors:?}");
    }
    // Line feed and tab have escapes, and Latin-1 letters are written as they are.
    let fine = identity(
        r#""Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"a\tb\nc\u00e9"}}"#,
    );
    let imported = import::import(&[("x.json".into(), fine)], &CanonicalEquality).unwrap();
    assert!(
        imported.source.contains(r#""a\tb\ncé""#),
        "{}",
        imported.source
    );
}

#[test]
fn a_build_error_of_the_generated_source_names_its_entity_without_the_source() {
    // A statement no managed policy can hold: refused by the build of the generated source,
    // reported about the policy it came from, with the line, and nothing else.
    let resource = format!("arn:aws:s3:::b/{}", "x".repeat(7000));
    let text = format!(
        r#"{{"Policies": [{{"PolicyName": "big", "Arn": "arn:aws:iam::123456789012:policy/big", "Path": "/", "DefaultVersionId": "v1",
  "PolicyVersionList": [{{"Document": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "{resource}"}}]}}, "VersionId": "v1", "IsDefaultVersion": true}}]}}]}}"#
    );
    let errors = import::import(&[("big.json".into(), text)], &CanonicalEquality).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("big.json: policy `big`: "),
        "{errors:?}"
    );
    assert!(!errors[0].contains("--- source"), "{errors:?}");
}
