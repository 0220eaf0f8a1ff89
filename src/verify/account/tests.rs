use super::*;
use crate::compile::{compile, Input, Options};
use crate::reason::Decision;

const PROJECT: &str = r#"account "123456789012"
boundary Reads { allow s3:Get* on * }
policy Shared { allow s3:GetObject on arn:aws:s3:::shared/* }
group readers { attach Shared }
role ops {
  trust service ec2.amazonaws.com
  boundary Reads
  allow s3:{GetObject, PutObject} on arn:aws:s3:::ops/*
}
user ops {
  groups readers
  allow s3:PutObject on arn:aws:s3:::ops/*
}
"#;

fn compiled() -> (Compiled, Sources) {
    let input = Input {
        name: "p.iamx".into(),
        bytes: PROJECT.as_bytes().to_vec(),
    };
    let compilation = compile(vec![input], &Options::default());
    let compiled = compilation.compiled.expect("compiles");
    (compiled, compilation.sources)
}

fn decision(account: &mut Account, who: &str, action: &str, resource: &str) -> Decision {
    let index = account.find(who).unwrap();
    let mut read = |file: &str| Err(format!("{file} was not expected"));
    account.prepare(index, &mut read).unwrap();
    let request = Request::new(action, resource);
    account.prepared(index).unwrap().evaluate(&request).decision
}

#[test]
fn names_arns_and_sessions_find_principals() {
    let (compiled, sources) = compiled();
    let account = Account::from_compiled(&compiled, sources);
    let role = account.find("arn:aws:iam::123456789012:role/ops").unwrap();
    let user = account.find("ARN:AWS:IAM::123456789012:USER/OPS").unwrap();
    assert_eq!(account.principal(role).kind, PrincipalKind::Role);
    assert_eq!(account.principal(user).kind, PrincipalKind::User);
    assert_eq!(
        account.find("ops"),
        Err(NotFound::Ambiguous(vec![
            "arn:aws:iam::123456789012:role/ops".into(),
            "arn:aws:iam::123456789012:user/ops".into()
        ]))
    );
    assert_eq!(account.find_kind(PrincipalKind::Role, "OPS"), Ok(role));
    let session = "arn:aws:sts::123456789012:assumed-role/ops/nightly";
    assert_eq!(account.find(session), Ok(role));
    // Another account's session, or a session ARN without its session name, is no one.
    assert!(account
        .find("arn:aws:sts::210987654321:assumed-role/ops/nightly")
        .is_err());
    assert!(account
        .find("arn:aws:sts::123456789012:assumed-role/ops")
        .is_err());
    assert_eq!(
        account.find("opz"),
        Err(NotFound::Unknown {
            suggestion: Some("ops".into())
        })
    );
    assert_eq!(
        account.find_kind(PrincipalKind::User, "opz"),
        Err(NotFound::Unknown {
            suggestion: Some("ops".into())
        })
    );
}

#[test]
fn a_user_gets_its_groups_policies_and_a_role_its_boundary() {
    let (compiled, sources) = compiled();
    let mut account = Account::from_compiled(&compiled, sources);
    let user = "arn:aws:iam::123456789012:user/ops";
    let role = "arn:aws:iam::123456789012:role/ops";
    let shared = "arn:aws:s3:::shared/k";
    assert_eq!(
        decision(&mut account, user, "s3:GetObject", shared),
        Decision::Allow
    );
    assert_eq!(
        decision(&mut account, role, "s3:GetObject", shared),
        Decision::ImplicitDeny
    );
    // The boundary allows reads only.
    let own = "arn:aws:s3:::ops/k";
    assert_eq!(
        decision(&mut account, role, "s3:PutObject", own),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decision(&mut account, user, "s3:PutObject", own),
        Decision::Allow
    );
}

#[test]
fn a_build_output_is_read_on_first_use_and_a_bad_file_is_said_each_time() {
    let (compiled, sources) = compiled();
    let files = crate::emit::emit(&compiled);
    let manifest = crate::emit::manifest::read(&files["manifest.json"]).unwrap();
    let from_project = Account::from_compiled(&compiled, sources);
    let mut account = Account::from_manifest(&manifest);
    let mut reads = Vec::new();
    let mut read = |file: &str| {
        reads.push(file.to_string());
        match file {
            "policies/Shared.json" => Ok((format!("out/{file}"), "{".to_string())),
            _ => Ok((format!("out/{file}"), files[file].clone())),
        }
    };
    let role = account.find_kind(PrincipalKind::Role, "ops").unwrap();
    account.prepare(role, &mut read).unwrap();
    account.prepare(role, &mut read).unwrap();
    let user = account.find_kind(PrincipalKind::User, "ops").unwrap();
    let first = account.prepare(user, &mut read).unwrap_err();
    assert_eq!(
        first.message,
        "`out/policies/Shared.json` is not an IAM policy document"
    );
    assert!(!first.diagnostics.is_empty());
    let again = account.prepare(user, &mut read).unwrap_err();
    assert_eq!(again.message, first.message);
    assert!(again.diagnostics.is_empty());
    // Each file once: the role's inline policy and boundary, then the user's policies.
    assert_eq!(
        reads,
        [
            "roles/ops/inline.json",
            "boundaries/Reads.json",
            "users/ops/inline.json",
            "policies/Shared.json"
        ]
    );
    // Statements point into the files they were read from.
    let prepared = account.prepared(role).unwrap();
    let evaluation = prepared.evaluate(&Request::new("s3:GetObject", "arn:aws:s3:::ops/k"));
    let info = prepared.describe(&evaluation.deciding[0], account.sources());
    assert_eq!(
        (info.policy.as_str(), info.file.as_str(), info.id()),
        (
            "role ops",
            "out/roles/ops/inline.json",
            "role ops#1".to_string()
        )
    );
    assert_eq!(from_project.principals().len(), account.principals().len());
}
