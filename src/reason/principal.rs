//! Account principals: `123456789012` or `arn:PARTITION:iam::123456789012:root` as an `AWS`
//! principal names the account as a whole, so it matches every user, role and role session of
//! the account (IAM User Guide, "AWS account principals"). The one rule: `verify`'s trust
//! reading (`verify/graph/trust.rs`) and `diff`'s model of trust policies both use it.
//!
//! In: an `AWS` principal value. Out: the account it names as a whole, if any, and the pattern
//! of the principal ARNs it matches.

/// The account an `AWS` principal value names as a whole: `123456789012` or
/// `arn:PARTITION:iam::123456789012:root` (not `role/root`, not a wildcard).
pub fn account_principal(value: &str) -> Option<&str> {
    if crate::iam::names::is_account_id(value) {
        return Some(value);
    }
    let ["arn", _, "iam", "", account, "root"] = crate::iam::names::arn_parts(value)? else {
        return None;
    };
    crate::iam::names::is_account_id(account).then_some(account)
}

/// The ARN pattern of every principal an account principal value matches
/// (`arn:aws:iam::123456789012:*`; the partition of an ARN value, `aws` for a bare account
/// ID), or `None` for a value that names one principal (or everyone).
pub fn account_principal_pattern(value: &str) -> Option<String> {
    let account = account_principal(value)?;
    let partition = match crate::iam::names::arn_parts(value) {
        Some(parts) => parts[1],
        None => "aws",
    };
    Some(format!("arn:{partition}:iam::{account}:*"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_principal_names_every_principal_of_the_account() {
        assert_eq!(account_principal("444455556666"), Some("444455556666"));
        assert_eq!(
            account_principal("arn:aws:iam::444455556666:root"),
            Some("444455556666")
        );
        assert_eq!(
            account_principal("arn:aws:iam::444455556666:role/root"),
            None
        );
        assert_eq!(account_principal("arn:aws:iam::444455556666:role/x"), None);
        assert_eq!(account_principal("*"), None);
        assert_eq!(account_principal("44445555666"), None);
        assert_eq!(
            account_principal_pattern("444455556666").as_deref(),
            Some("arn:aws:iam::444455556666:*")
        );
        assert_eq!(
            account_principal_pattern("arn:aws-cn:iam::444455556666:root").as_deref(),
            Some("arn:aws-cn:iam::444455556666:*")
        );
        assert_eq!(
            account_principal_pattern("arn:aws:iam::444455556666:user/bob"),
            None
        );
    }
}
