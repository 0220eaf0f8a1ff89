//! Portable imports: the account (and partition) an input was exported from become `${account}`
//! and `${partition}` in the written source, so one import serves every environment.
//!
//! In: the input JSON values, then the printed `.iamx` source. Out: the account the inputs
//! name most often (with a note when they name several) and the source with every ARN of that
//! account written through the built-in constants. The rewrite is textual on the printed
//! source: the formatter writes ARNs bare or quoted, and `${account}` interpolates in both.

use crate::iam::json::{Json, JsonKind};
use crate::iam::names::{arn_parts, is_account_id};
use std::collections::BTreeMap;

/// The 12-digit accounts in the ARNs of `json` (every string, URL-encoded policy documents
/// included), with how often each occurs, and the partition each was seen with.
pub(super) fn count_accounts(json: &Json, counts: &mut BTreeMap<String, (usize, String)>) {
    match &json.kind {
        JsonKind::String(text) => {
            let decoded;
            let text = if text.contains('%') {
                decoded = crate::iam::gaad::percent_decode(text);
                decoded.as_str()
            } else {
                text.as_ref()
            };
            for (partition, account) in arn_accounts(text) {
                let entry = counts
                    .entry(account.to_string())
                    .or_insert((0, partition.to_string()));
                entry.0 += 1;
            }
        }
        JsonKind::Array(items) => items.iter().for_each(|i| count_accounts(i, counts)),
        JsonKind::Object(members) => {
            // A GAAD's AWS managed policies are not imported: the accounts their documents
            // name are not the import's.
            let aws_managed = members.iter().any(|m| {
                m.key == "Arn"
                    && matches!(&m.value.kind, JsonKind::String(arn)
                        if crate::iam::gaad::arn_account(arn).is_some_and(|(_, a)| a == "aws"))
            });
            if !aws_managed {
                members
                    .iter()
                    .for_each(|m| count_accounts(&m.value, counts));
            }
        }
        _ => {}
    }
}

/// The account of the import: `exported` (the account an export is of, which the import takes
/// whatever its ARNs name) or else the most common account (ties: the smallest, so the choice is
/// deterministic); its partition, and a note when other accounts appear too, naming the account
/// that became `${account}`.
pub(super) fn choose_account(
    counts: &BTreeMap<String, (usize, String)>,
    exported: Option<&str>,
) -> Option<(String, String, Option<String>)> {
    let most = counts
        .iter()
        .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then_with(|| b.0.cmp(a.0)));
    let (account, (count, partition)) = match exported {
        Some(account) => match counts.get_key_value(account) {
            Some(found) => found,
            None if counts.is_empty() => return None,
            None => {
                let others: Vec<&str> = counts.keys().map(String::as_str).collect();
                let note = format!(
                    "the input names several accounts; the export's account `{account}` became `${{account}}`, the others stay literal: {}",
                    others.join(", ")
                );
                let partition = most.map(|(_, (_, p))| p.clone()).unwrap_or_default();
                return Some((account.to_string(), partition, Some(note)));
            }
        },
        None => most?,
    };
    let others: Vec<&str> = counts
        .keys()
        .filter(|a| *a != account)
        .map(String::as_str)
        .collect();
    let note = (!others.is_empty()).then(|| {
        format!(
            "the input names several accounts; `{account}` ({count} ARN{}) became `${{account}}`, the others stay literal: {}",
            if *count == 1 { "" } else { "s" },
            others.join(", ")
        )
    });
    Some((account.clone(), partition.clone(), note))
}

/// `(partition, account)` of every ARN in `text` whose account field is 12 digits.
fn arn_accounts(text: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("arn:") {
        let arn = &rest[at..];
        if let Some([_, partition, _, _, account, _]) = arn_parts(arn) {
            if is_account_id(account) {
                out.push((partition, account));
            }
        }
        rest = &rest[at + 4..];
    }
    out
}

/// `source` with every ARN of `account` written `arn:${partition}:<service>:<region>:${account}:`.
pub(super) fn template_account(source: &str, account: &str, partition: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(at) = rest.find("arn:") {
        out.push_str(&rest[..at]);
        let arn = &rest[at..];
        // The service and region fields never hold quotes, spaces or braces in a real ARN.
        let plain = |f: &str| !f.contains(['"', ' ', '\n', '{', '}', ',', '$']);
        let fields = arn_parts(arn)
            .filter(|f| f[1] == partition && f[4] == account && plain(f[2]) && plain(f[3]));
        if let Some([_, _, service, region, _, after]) = fields {
            out.push_str(&format!(
                "arn:${{partition}}:{service}:{region}:${{account}}:"
            ));
            // The rest of the text from the ARN's resource on, which `after` ends.
            rest = &arn[arn.len() - after.len()..];
        } else {
            out.push_str("arn:");
            rest = &arn[4..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_common_account_wins() {
        let json = crate::iam::json::parse(
            r#"{
            "a": "arn:aws:iam::111111111111:role/x",
            "b": ["arn:aws:s3:::bucket", "arn:aws:iam::222222222222:role/y", "arn:aws:sqs:eu-west-1:222222222222:q"],
            "c": "arn%3Aaws%3Aiam%3A%3A222222222222%3Apolicy%2Fp"
        }"#,
        )
        .unwrap();
        let mut counts = BTreeMap::new();
        count_accounts(&json, &mut counts);
        let (account, partition, note) = choose_account(&counts, None).unwrap();
        assert_eq!(
            (account.as_str(), partition.as_str()),
            ("222222222222", "aws")
        );
        assert!(note.unwrap().contains("111111111111"));
    }

    #[test]
    fn only_arns_of_the_account_are_templated() {
        let source = "account \"123456789012\"\nrole r {\n  allow sqs:SendMessage on arn:aws:sqs:eu-west-1:123456789012:q, arn:aws:s3:::b-123456789012/*\n  allow s3:GetObject on \"arn:aws:iam::999999999999:role/x\"\n}\n";
        let out = template_account(source, "123456789012", "aws");
        assert!(
            out.contains("arn:${partition}:sqs:eu-west-1:${account}:q"),
            "{out}"
        );
        assert!(out.contains("arn:aws:s3:::b-123456789012/*"), "{out}");
        assert!(out.contains("arn:aws:iam::999999999999:role/x"), "{out}");
        assert!(out.contains("account \"123456789012\""), "{out}");
    }
}
