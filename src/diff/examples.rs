//! Examples AWS could receive: the engine's witness requests made consistent where the engine
//! cannot tie keys together (`aws:PrincipalArn` and `aws:PrincipalAccount` name one account,
//! `aws:PrincipalType` is spelled as AWS sends it and fits the ARN, the caller of a trust policy
//! is the principal `aws:PrincipalArn` names), and given a real region in place of a pattern's
//! leftover (`us-east-` of `us-east-*`). Each repaired request is evaluated again: it must
//! still be allowed by one side and not by the other.
//!
//! In: a witness request and the two sides' documents. Out: a consistent request, or why none
//! was found (the caller reports the change as undecided rather than claim an impossible one).

use super::*;
use crate::reason::{Decision, Request};

/// The values AWS sends as `aws:PrincipalType` (IAM User Guide, "AWS global condition context
/// keys"), in its case.
pub(super) const PRINCIPAL_TYPES: [&str; 5] = [
    "Account",
    "User",
    "FederatedUser",
    "AssumedRole",
    "Anonymous",
];

/// Regions tried in place of one that is not a region name.
const REGIONS: [&str; 8] = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-southeast-1",
    "ap-northeast-1",
];

const ARN_KEY: &str = "aws:principalarn";
const ACCOUNT_KEY: &str = "aws:principalaccount";
const TYPE_KEY: &str = "aws:principaltype";

/// Whether `text` reads as a region name: `us-east-1`, `us-gov-west-1`, `cn-north-1`.
fn is_region(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()))
        && parts
            .last()
            .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// The `aws:PrincipalType` AWS sends for a principal ARN's resource part.
fn type_of(name: &str) -> &'static str {
    match name.split('/').next().unwrap_or("") {
        "root" => "Account",
        "user" => "User",
        "federated-user" => "FederatedUser",
        _ => "AssumedRole",
    }
}

fn single<'a>(request: &'a Request, key: &str) -> Option<&'a str> {
    match request.context.get(key) {
        Some([one]) => Some(one.as_str()),
        _ => None,
    }
}

/// The AWS principal ARN of the trust policy caller (`iamx:principal`), if it is one.
fn caller(request: &Request) -> Option<&str> {
    single(request, PRINCIPAL_KEY)?.strip_prefix("AWS:")
}

/// Why AWS would never send `request`, when it would not.
fn impossible(request: &Request) -> Option<String> {
    let arn = single(request, ARN_KEY).and_then(crate::iam::names::arn_parts);
    if let (Some(arn), Some(account)) = (arn, single(request, ACCOUNT_KEY)) {
        if arn[4] != account {
            return Some(format!(
                "aws:PrincipalArn is in account {} but aws:PrincipalAccount is {account}",
                arn[4]
            ));
        }
    }
    if let Some(kind) = single(request, TYPE_KEY) {
        if !PRINCIPAL_TYPES.contains(&kind) {
            return Some(format!("AWS never sends aws:PrincipalType {kind:?}"));
        }
        if let Some(arn) = arn {
            if type_of(arn[5]) != kind {
                return Some(format!(
                    "aws:PrincipalType {kind:?} does not fit aws:PrincipalArn {:?}",
                    arn.join(":")
                ));
            }
        }
    }
    if let Some(value) = single(request, PRINCIPAL_KEY).and_then(|v| v.strip_prefix("Service:")) {
        let domains = crate::iam::names::SERVICE_PRINCIPAL_DOMAINS;
        let real = (value.split_once('.')).is_some_and(|(name, domain)| {
            !name.is_empty() && !name.contains('*') && domains.contains(&domain)
        });
        if !real {
            return Some(format!("`{value}` is not a service principal"));
        }
    }
    if let Some(value) = caller(request) {
        let named = |name: &str| {
            name == "root"
                || ["user/", "role/", "assumed-role/", "federated-user/"]
                    .iter()
                    .any(|kind| name.strip_prefix(kind).is_some_and(|n| !n.is_empty()))
        };
        let Some(parts) = crate::iam::names::arn_parts(value).filter(|p| named(p[5])) else {
            return Some(format!("the caller `{value}` is not a principal ARN"));
        };
        if let Some(arn) = single(request, ARN_KEY) {
            if !arn.eq_ignore_ascii_case(value) {
                return Some(format!(
                    "the caller is `{value}` but aws:PrincipalArn is {arn:?}"
                ));
            }
        }
        if let Some(account) = single(request, ACCOUNT_KEY) {
            if parts[4] != account {
                return Some(format!(
                    "the caller is in account {} but aws:PrincipalAccount is {account}",
                    parts[4]
                ));
            }
        }
    }
    None
}

/// The request with the principal `arn` wherever the request names its principal.
fn with_principal(request: &Request, arn: &str) -> Request {
    let mut out = request.clone();
    let name = crate::iam::names::arn_parts(arn).map_or("", |p| p[5]);
    if request.context.get(ARN_KEY).is_some() {
        out.context.set(ARN_KEY, [arn]);
    }
    if request.context.get(ACCOUNT_KEY).is_some() {
        let account = crate::iam::names::arn_parts(arn).map_or("", |p| p[4]);
        out.context.set(ACCOUNT_KEY, [account]);
    }
    if request.context.get(TYPE_KEY).is_some() {
        out.context.set(TYPE_KEY, [type_of(name)]);
    }
    if caller(request).is_some() {
        out.context.set(PRINCIPAL_KEY, [format!("AWS:{arn}")]);
    }
    out
}

/// Principal ARNs to try: the accounts and names the request already uses, then generic ones.
fn principal_candidates(request: &Request) -> Vec<String> {
    let mut partitions = vec![];
    let mut accounts = vec![];
    let mut names = vec![];
    for arn in [single(request, ARN_KEY), caller(request)]
        .into_iter()
        .flatten()
    {
        if let Some(parts) = crate::iam::names::arn_parts(arn) {
            partitions.push(parts[1].to_string());
            accounts.push(parts[4].to_string());
            names.push(parts[5].to_string());
        }
    }
    accounts.extend(single(request, ACCOUNT_KEY).map(str::to_string));
    accounts.push("123456789012".into());
    names.extend(["root", "user/example", "role/example"].map(String::from));
    let partition = (partitions.into_iter())
        .find(|p| crate::iam::names::PARTITIONS.contains(&p.as_str()))
        .unwrap_or_else(|| "aws".into());
    let mut out: Vec<String> = vec![];
    for account in accounts
        .iter()
        .filter(|a| crate::iam::names::is_account_id(a))
    {
        for name in names.iter().filter(|n| !n.is_empty()) {
            let arn = format!("arn:{partition}:iam::{account}:{name}");
            if !out.contains(&arn) {
                out.push(arn);
            }
        }
    }
    out
}

/// `request` (or a repair of it) that `target` allows and `base` does not, with nothing AWS
/// would never send; `Err` says what was wrong with the engine's when no repair holds.
pub(super) fn consistent(
    request: &Request,
    target: &PolicyDocument,
    base: Option<&PolicyDocument>,
) -> Result<Request, String> {
    let base_docs = base.map_or(&[][..], std::slice::from_ref);
    let differs = |r: &Request| {
        let new = reason::evaluate(std::slice::from_ref(target), None, r);
        let old = reason::evaluate(base_docs, None, r);
        new.decision == Decision::Allow
            && new.unmodelled.is_empty()
            && old.decision != Decision::Allow
            && old.unmodelled.is_empty()
    };
    let services = ["Service:ec2.amazonaws.com", "Service:lambda.amazonaws.com"];
    let service_caller = |service: &str| {
        let mut out = request.clone();
        out.context.set(PRINCIPAL_KEY, [service]);
        out
    };
    let mut request = match impossible(request) {
        None => request.clone(),
        Some(why) => (principal_candidates(request).iter())
            .map(|arn| with_principal(request, arn))
            .chain(
                (single(request, PRINCIPAL_KEY).is_some_and(|v| v.starts_with("Service:")))
                    .then(|| services.map(service_caller))
                    .into_iter()
                    .flatten(),
            )
            .find(|r| impossible(r).is_none() && differs(r))
            .ok_or(why)?,
    };
    // A region left half a pattern (`us-east-` of `us-east-*`): a real one, when one still
    // shows the difference; the request stays as it is otherwise.
    if let Some(parts) = crate::iam::names::arn_parts(&request.resource) {
        if !parts[3].is_empty() && !is_region(parts[3]) {
            let found = REGIONS.iter().find_map(|region| {
                let mut parts = parts;
                parts[3] = region;
                let mut candidate = request.clone();
                candidate.resource = parts.join(":");
                differs(&candidate).then_some(candidate)
            });
            if let Some(found) = found {
                request = found;
            }
        }
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(json: &str) -> PolicyDocument {
        crate::iam::read::policy_from_str(json).unwrap()
    }

    /// The engine may tie aws:PrincipalArn to one account and aws:PrincipalAccount to another;
    /// the repair finds a principal of one account, or says none shows the difference.
    #[test]
    fn principal_keys_are_made_to_name_one_account() {
        let old = policy(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
            "Condition":{"StringEquals":{"aws:PrincipalAccount":"444455556666"}}}]}"#,
        );
        let new = policy(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
            "Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::444455556666:role/*"}}}]}"#,
        );
        let request = |arn: &str, account: &str| {
            Request::new("s3:GetObject", "arn:aws:s3:::b/k")
                .with("aws:PrincipalArn", arn)
                .with("aws:PrincipalAccount", account)
        };
        // Added: no consistent request shows it (every role of 444455556666 was allowed).
        let added = request("arn:aws:iam::444455556666:role/x", "111122223333");
        let why = consistent(&added, &new, Some(&old)).unwrap_err();
        assert!(
            why.contains("aws:PrincipalAccount is 111122223333"),
            "{why}"
        );
        // Removed: a principal of the account that is no role (its root), which the old
        // version allowed and the new does not.
        let removed = request("arn:aws:iam::111122223333:role/example", "444455556666");
        let found = consistent(&removed, &old, Some(&new)).unwrap();
        assert_eq!(
            found.context.get("aws:PrincipalArn").unwrap(),
            ["arn:aws:iam::444455556666:root"]
        );
        assert_eq!(
            found.context.get("aws:PrincipalAccount").unwrap(),
            ["444455556666"]
        );
        assert!(impossible(&found).is_none());
    }

    #[test]
    fn regions_and_principal_types_are_as_aws_sends_them() {
        assert!(is_region("us-east-1") && is_region("us-gov-west-1") && is_region("cn-north-1"));
        assert!(!is_region("us-east-") && !is_region("x") && !is_region("*"));
        let request = Request::new("s3:GetObject", "*").with("aws:PrincipalType", "assumedrole");
        assert!(impossible(&request).unwrap().contains("never sends"));
        let new = policy(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction",
            "Resource":"arn:aws:lambda:us-east-*:111111111111:function:f"}]}"#,
        );
        let request = Request::new(
            "lambda:InvokeFunction",
            "arn:aws:lambda:us-east-:111111111111:function:f",
        );
        let found = consistent(&request, &new, None).unwrap();
        assert_eq!(
            found.resource,
            "arn:aws:lambda:us-east-1:111111111111:function:f"
        );
    }
}
