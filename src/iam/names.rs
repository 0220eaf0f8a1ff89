//! IAM's rules for names, paths and tags, in one place.
//!
//! In: a name, path or tag as the user wrote it. Out: `None` when IAM accepts it, or what is
//! wrong, in words a diagnostic can put on the span. Source: IAM API Reference (`CreateRole`,
//! `CreateUser`, `CreatePolicy`, `Tag`) and the IAM User Guide, "IAM and AWS STS quotas".

/// The characters IAM allows in entity names besides ASCII letters and digits.
pub const NAME_PUNCTUATION: &str = "+=,.@_-";
/// The characters IAM allows in tag keys and values besides letters, digits and spaces.
pub const TAG_PUNCTUATION: &str = "_.:/=+-@";
/// The most tags one role or user may carry.
pub const MAX_TAGS: usize = 50;
/// The partitions AWS has (ARN documentation, "Partition"), the commercial one first.
pub const PARTITIONS: [&str; 8] = [
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];
/// The longest path IAM accepts.
pub const MAX_PATH: usize = 512;

/// The ARN of an IAM entity: `arn:PARTITION:iam::ACCOUNT:KIND/PATH...NAME`, where `path` is
/// IAM's path (`/` or `/team/`, starting and ending with `/`) and `kind` one of `role`, `user`,
/// `group`, `policy`, `instance-profile`. The one place IAM ARNs are built.
pub fn iam_arn(partition: &str, account: &str, kind: &str, path: &str, name: &str) -> String {
    // Made for every role and policy: `concat` sizes the string once, unlike `format!`.
    ["arn:", partition, ":iam::", account, ":", kind, path, name].concat()
}

/// `(account, kind, path and name)` of an IAM ARN (`arn:PARTITION:iam::ACCOUNT:KIND/PATH...NAME`,
/// as [`iam_arn`] builds it), or None for any other text.
pub fn iam_arn_parts(arn: &str) -> Option<(&str, &str, &str)> {
    let ["arn", _, "iam", "", account, resource] = arn_parts(arn)? else {
        return None;
    };
    let (kind, rest) = resource.split_once('/')?;
    Some((account, kind, rest))
}

/// What the resource part of an `iam` ARN in a policy may start with, besides being `*` or
/// `root`: IAM refuses any other with "IAM resource path must either be "*", root, or start
/// with user/, federated-user/, ..." (its `MalformedPolicyDocument` answer; a wildcard such as
/// `*role/x` is no exception).
pub const IAM_RESOURCE_STARTS: &[&str] = &[
    "user/",
    "federated-user/",
    "role/",
    "group/",
    "instance-profile/",
    "mfa/",
    "server-certificate/",
    "policy/",
    "sms-mfa/",
    "saml-provider/",
    "oidc-provider/",
    "report/",
    "access-report/",
];

/// Whether IAM takes `resource` as the resource part of an `iam` ARN in a policy (see
/// [`IAM_RESOURCE_STARTS`]). One that starts with a policy variable is given the benefit of
/// the doubt.
pub fn is_iam_resource_path(resource: &str) -> bool {
    resource == "*"
        || resource == "root"
        || resource.starts_with("${")
        || IAM_RESOURCE_STARTS
            .iter()
            .any(|start| resource.starts_with(start))
}

/// What an IAM name names, for its length limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    Role,
    User,
    Group,
    ManagedPolicy,
    InstanceProfile,
}

impl NameKind {
    /// The longest name IAM accepts for this kind.
    pub fn limit(self) -> usize {
        match self {
            NameKind::Role | NameKind::User => 64,
            NameKind::Group | NameKind::ManagedPolicy | NameKind::InstanceProfile => 128,
        }
    }
}

/// Whether IAM allows `c` in an entity name.
pub fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || NAME_PUNCTUATION.contains(c)
}

/// What is wrong with `name` as an IAM name of at most `limit` characters.
pub fn name_problem(name: &str, limit: usize) -> Option<String> {
    let length = name.chars().count();
    if name.is_empty() {
        Some("it is empty".to_string())
    } else if length > limit {
        Some(format!("it has {length} characters; the limit is {limit}"))
    } else {
        name.chars()
            .find(|c| !is_name_char(*c))
            .map(|c| format!("`{c}` is not allowed"))
    }
}

/// A valid IAM name made from arbitrary text (a file name): other characters become `-`.
pub fn sanitize_name(text: &str, limit: usize) -> String {
    let name: String = text
        .chars()
        .map(|c| if is_name_char(c) { c } else { '-' })
        .take(limit)
        .collect();
    if name.is_empty() {
        "imported".to_string()
    } else {
        name
    }
}

/// Which part of a tag a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagPart {
    Key,
    Value,
}

/// What is wrong with a tag: keys 1–128 characters not starting with `aws:`, values up to 256,
/// both letters, digits, spaces and [`TAG_PUNCTUATION`].
pub fn tag_problem(key: &str, value: &str) -> Option<(TagPart, String)> {
    let allowed = |c: char| c.is_alphanumeric() || c.is_whitespace() || TAG_PUNCTUATION.contains(c);
    let key_length = key.chars().count();
    let value_length = value.chars().count();
    if key.is_empty() {
        Some((TagPart::Key, "the key is empty".to_string()))
    } else if key_length > 128 {
        Some((
            TagPart::Key,
            format!("the key has {key_length} characters; the limit is 128"),
        ))
    } else if key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:")) {
        Some((
            TagPart::Key,
            "keys starting with `aws:` are reserved for AWS".to_string(),
        ))
    } else if let Some(c) = key.chars().find(|c| !allowed(*c)) {
        Some((TagPart::Key, format!("`{c}` is not allowed in a tag key")))
    } else if value_length > 256 {
        Some((
            TagPart::Value,
            format!("the value has {value_length} characters; the limit is 256"),
        ))
    } else {
        value.chars().find(|c| !allowed(*c)).map(|c| {
            (
                TagPart::Value,
                format!("`{c}` is not allowed in a tag value"),
            )
        })
    }
}

/// Whether IAM accepts `path`: starts and ends with `/`, no `//`, printable ASCII, at most
/// [`MAX_PATH`] characters.
pub fn is_valid_path(path: &str) -> bool {
    path.starts_with('/')
        && path.ends_with('/')
        && path.len() <= MAX_PATH
        && !path.contains("//")
        && path.chars().all(|c| ('\u{21}'..='\u{7e}').contains(&c))
}

/// Whether IAM accepts `path` for a managed policy (`CreatePolicy`), whose rule is narrower than
/// a role's or user's: `/`, or `/`-separated names of letters, digits and `. , + @ = _ -`
/// (`((/[A-Za-z0-9.,+@=_-]+)*)/`), at most [`MAX_PATH`] characters. No `*`, `~` or `#`.
pub fn is_valid_policy_path(path: &str) -> bool {
    let Some(inner) = path.strip_prefix('/') else {
        return false;
    };
    path.len() <= MAX_PATH
        && (inner.is_empty()
            || inner.strip_suffix('/').is_some_and(|names| {
                names.split('/').all(|name| {
                    !name.is_empty()
                        && name
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b".,+@=_-".contains(&b))
                })
            }))
}

/// The domains under which AWS names its service principals, as `NAME.DOMAIN`: the commercial
/// `amazonaws.com`, China's `amazonaws.com.cn`, Alexa's `amazon.com` (`alexa-appkit.amazon.com`),
/// and the ISO partitions' `c2s.ic.gov` and `sc2s.sgov.gov` (IAM User Guide, "AWS service
/// principals"; AWS's service documentation).
pub const SERVICE_PRINCIPAL_DOMAINS: [&str; 5] = [
    "amazonaws.com",
    "amazonaws.com.cn",
    "amazon.com",
    "c2s.ic.gov",
    "sc2s.sgov.gov",
];

/// Why `value` (a `Service` principal without wildcards) cannot name an AWS service: a service
/// principal is a DNS name `NAME.DOMAIN` (`lambda.amazonaws.com`), so IAM answers "Invalid
/// principal in policy" for a value that is not a DNS name, is a bare domain
/// (`amazonaws.com`), or has no domain (`lambda`). The domain is not held to
/// [`SERVICE_PRINCIPAL_DOMAINS`]: partitions may name theirs otherwise. Whether a well-formed
/// name exists is the catalog's question (W0705), not this one.
pub fn service_principal_problem(value: &str) -> Option<&'static str> {
    if !(value.bytes()).all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.') {
        return Some("not a DNS name (letters, digits, `-` and `.`)");
    }
    let labels = value.split('.').count();
    if value.split('.').any(str::is_empty) {
        return Some("an empty name between dots");
    }
    let bare = (SERVICE_PRINCIPAL_DOMAINS.iter()).any(|domain| value.eq_ignore_ascii_case(domain));
    if bare || labels == 2 {
        return Some("no service name before the domain");
    }
    (labels < 2).then_some("no domain after the service name")
}

/// Whether `text` is an AWS account ID: exactly 12 ASCII digits.
pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// The six `:`-separated parts of an ARN (the last may hold more `:`), or None when it has fewer
/// than five `:`. Found byte by byte: every resource of every statement comes here.
pub fn arn_parts(text: &str) -> Option<[&str; 6]> {
    let mut colons = [0usize; 5];
    let mut found = 0;
    for (at, _) in text.bytes().enumerate().filter(|&(_, b)| b == b':') {
        colons[found] = at;
        found += 1;
        if found == colons.len() {
            let part = |i: usize| {
                let start = if i == 0 { 0 } else { colons[i - 1] + 1 };
                let end = if i == colons.len() {
                    text.len()
                } else {
                    colons[i]
                };
                &text[start..end]
            };
            return Some(std::array::from_fn(part));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_principals_are_dns_names_under_a_domain() {
        for ok in [
            "lambda.amazonaws.com",
            "ec2.amazonaws.com.cn",
            "alexa-appkit.amazon.com",
            "access-grants.s3.amazonaws.com",
            "ec2.c2s.ic.gov",
            "newsvc.example.com",
        ] {
            assert_eq!(service_principal_problem(ok), None, "{ok}");
        }
        for (bad, problem) in [
            ("amazonaws.com", "no service name before the domain"),
            ("AmazonAWS.com.cn", "no service name before the domain"),
            ("lambda.amazonaws", "no service name before the domain"),
            ("lambda", "no domain after the service name"),
            ("", "an empty name between dots"),
            (".amazonaws.com", "an empty name between dots"),
            ("lambda..amazonaws.com", "an empty name between dots"),
            (
                "lambda.amazonaws.com ",
                "not a DNS name (letters, digits, `-` and `.`)",
            ),
            (
                "arn:aws:iam::123456789012:root",
                "not a DNS name (letters, digits, `-` and `.`)",
            ),
        ] {
            assert_eq!(service_principal_problem(bad), Some(problem), "{bad:?}");
        }
    }

    #[test]
    fn policy_paths_follow_create_policy_s_rule() {
        for good in ["/", "/a/", "/team-1/b.c/", "/x,y+z@w=v_u/"] {
            assert!(is_valid_policy_path(good), "{good}");
            assert!(is_valid_path(good), "{good}");
        }
        for bad in [
            "", "a/", "/a", "//", "/a//b/", "/a*/", "/a~b/", "/a#b/", "/é/",
        ] {
            assert!(!is_valid_policy_path(bad), "{bad}");
        }
        assert!(!is_valid_policy_path(&format!(
            "/{}/",
            "a".repeat(MAX_PATH)
        )));
    }

    #[test]
    fn iam_arns_read_back_as_built() {
        let arn = iam_arn("aws-cn", "123456789012", "role", "/team/", "etl");
        assert_eq!(
            iam_arn_parts(&arn),
            Some(("123456789012", "role", "team/etl"))
        );
        assert_eq!(
            iam_arn_parts("arn:aws:iam::aws:policy/AdministratorAccess"),
            Some(("aws", "policy", "AdministratorAccess"))
        );
        for other in [
            "arn:aws:s3:::bucket/key",
            "arn:aws:iam:us-east-1:123456789012:role/x",
            "arn:aws:iam::123456789012:root",
            "*",
        ] {
            assert_eq!(iam_arn_parts(other), None, "{other}");
        }
    }

    /// The byte scan splits as `splitn(6, ':')` does whenever there are five `:`.
    #[test]
    fn arn_parts_split_at_the_first_five_colons() {
        for text in [
            "arn:aws:s3:::bucket/key",
            "arn:aws:logs:*:*:log-group:/aws/lambda/x:*",
            "arn:aws:iam::123456789012:role/a",
            ":::::",
            "a:b:c:d:e:f:g:h",
            "arn:aws:s3:::",
            "arn:aws:s3::",
            "no colons",
            "",
            "arn:aws:s3:::bücket/ü:x",
        ] {
            let colons = text.bytes().filter(|&b| b == b':').count();
            let expected: Option<Vec<&str>> = (colons >= 5).then(|| text.splitn(6, ':').collect());
            assert_eq!(arn_parts(text).map(|p| p.to_vec()), expected, "{text}");
        }
    }

    #[test]
    fn names() {
        assert_eq!(name_problem("service-etl", 64), None);
        assert_eq!(name_problem("", 64).as_deref(), Some("it is empty"));
        assert!(name_problem(&"a".repeat(65), 64).unwrap().contains("65"));
        assert_eq!(
            name_problem("a b", 64).as_deref(),
            Some("` ` is not allowed")
        );
        assert_eq!(sanitize_name("my policy!", 128), "my-policy-");
        assert_eq!(sanitize_name("", 128), "imported");
    }

    #[test]
    fn arns() {
        assert_eq!(
            iam_arn("aws", "123456789012", "role", "/team/", "etl"),
            "arn:aws:iam::123456789012:role/team/etl"
        );
    }

    #[test]
    fn tags_and_paths() {
        assert_eq!(tag_problem("team", "eng/infra: a"), None);
        assert_eq!(tag_problem("AWS:x", "v").unwrap().0, TagPart::Key);
        assert_eq!(tag_problem("k", "a#b").unwrap().0, TagPart::Value);
        assert!(is_valid_path("/service/"));
        assert!(!is_valid_path("/a//b/"));
        assert!(!is_valid_path("service/"));
    }
}
