//! The IAM model: policy documents, statements and conditions exactly as the IAM API takes them.
//!
//! This is the meeting point of the whole tool: the compiler lowers `.iamx` into it, plain IAM JSON
//! files are read into it, and the reasoning stages (verify, diff, explain) work over it. Output is
//! canonical: keys in IAM's usual order, actions and resources sorted and de-duplicated, condition
//! operators and keys in sorted maps, so the same input always gives byte-identical JSON.

use litemap::LiteMap;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

/// The only policy language version IAM documents should use.
pub const POLICY_VERSION: &str = "2012-10-17";

/// Whether `text` opens a policy variable (`${`), which IAM fills in from the request in a
/// `2012-10-17` document. Asked of every pattern and condition value, so a text without `$`,
/// nearly all of them, is answered by one memchr, not a substring search.
pub fn opens_variable(text: &str) -> bool {
    text.as_bytes().contains(&b'$') && text.contains("${")
}

/// Whether `text` has one of IAM's wildcards, `*` or `?` (actions, resources, `...Like`
/// values). A byte scan: `contains(['*', '?'])` goes through the generic char searcher.
pub fn has_wildcard(text: &str) -> bool {
    text.bytes().any(|b| b == b'*' || b == b'?')
}

/// IAM's wildcard rule on plain text: `*` matches any run of characters (also none), `?`
/// exactly one; with `ignore_case`, ASCII letters match either case (action names). Byte by
/// byte, so exact when `text` is ASCII. It knows no ARN segments and no policy variables: those
/// are the engine's (`reason::pattern`), which comes here for plain texts. The classic greedy
/// walk that backs up to the last `*`: linear, without recursion or allocation.
pub fn wildcard_matches(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let same = |a: u8, b: u8| a == b || (ignore_case && a.eq_ignore_ascii_case(&b));
    let (mut pi, mut ti) = (0, 0);
    // Where the last `*` was and how much of the text it has swallowed so far.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && (p[pi] == b'?' || same(p[pi], t[ti])) {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// Whether a part of a pattern holds a wildcard (`*`, `?`) or a policy variable (`${`).
pub fn is_wild(part: &str) -> bool {
    first_wild(part).is_some()
}

/// Where the first wildcard (`*`, `?`) or policy variable (`${`) of a pattern starts.
pub fn first_wild(part: &str) -> Option<usize> {
    // Every resource of every statement comes here, and most of its parts (partition, region,
    // account) are a few bytes: a plain loop for those, memchr's vector scan for longer text.
    let bytes = part.as_bytes();
    let opens_wild = |i: usize| bytes[i] != b'$' || bytes.get(i + 1) == Some(&b'{');
    if bytes.len() < 32 {
        return (0..bytes.len()).find(|&i| matches!(bytes[i], b'*' | b'?' | b'$') && opens_wild(i));
    }
    memchr::memchr3_iter(b'*', b'?', b'$', bytes).find(|&i| opens_wild(i))
}

/// A policy document: identity policy, permissions boundary, trust or resource policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyDocument {
    /// `None` when the document has no `Version`: IAM then reads it with the 2008-10-17 rules,
    /// where `${...}` is literal text.
    #[serde(rename = "Version", skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(rename = "Id", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "Statement", with = "one_or_many_statements")]
    pub statements: Vec<Statement>,
}

impl PolicyDocument {
    pub fn new(statements: Vec<Statement>) -> Self {
        PolicyDocument {
            version: Some(POLICY_VERSION.to_string()),
            id: None,
            statements,
        }
    }

    /// No statements and no `Version`, allocating nothing: what holds a policy's place once
    /// it was moved out (a role's policy dropped after its checks, or moved to be shared).
    pub fn placeholder() -> Self {
        PolicyDocument {
            version: None,
            id: None,
            statements: Vec::new(),
        }
    }

    /// Whether IAM substitutes policy variables (`${aws:username}`, ...) in this document: only
    /// with Version `2012-10-17`; without it, or with `2008-10-17`, `${...}` is literal text
    /// (IAM User Guide, "IAM policy elements: Variables and tags").
    pub fn substitutes_variables(&self) -> bool {
        self.version.as_deref() == Some(POLICY_VERSION)
    }

    /// Sorts and de-duplicates every list inside the document; statement order is kept because
    /// authors group statements deliberately and order never changes IAM's decision.
    pub fn canonicalize(&mut self) {
        for statement in &mut self.statements {
            statement.canonicalize();
        }
    }

    /// The canonical JSON text (two-space indentation, trailing newline).
    pub fn to_canonical_json(&self) -> String {
        let mut text =
            serde_json::to_string_pretty(self).expect("policy documents always serialize");
        text.push('\n');
        text
    }

    /// Size as IAM counts it against its quotas: characters, not counting white space outside strings.
    pub fn quota_size(&self) -> usize {
        crate::iam::quota::characters(self).expect("a policy document's map keys are all text")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

/// One statement. Fields mirror the JSON keys; which combinations are valid (exactly one of
/// `Action`/`NotAction`, at most one of `Resource`/`NotResource`) is checked by [`Statement::shape_error`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Statement {
    #[serde(rename = "Sid", default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    #[serde(rename = "Effect")]
    pub effect: Effect,
    #[serde(rename = "Principal", default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<Box<Principal>>,
    #[serde(
        rename = "NotPrincipal",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub not_principal: Option<Box<Principal>>,
    #[serde(
        rename = "Action",
        default,
        skip_serializing_if = "Option::is_none",
        with = "one_or_many_opt"
    )]
    pub action: Option<Vec<String>>,
    #[serde(
        rename = "NotAction",
        default,
        skip_serializing_if = "Option::is_none",
        with = "one_or_many_opt"
    )]
    pub not_action: Option<Vec<String>>,
    #[serde(
        rename = "Resource",
        default,
        skip_serializing_if = "Option::is_none",
        with = "one_or_many_opt"
    )]
    pub resource: Option<Vec<String>>,
    #[serde(
        rename = "NotResource",
        default,
        skip_serializing_if = "Option::is_none",
        with = "one_or_many_opt"
    )]
    pub not_resource: Option<Vec<String>>,
    #[serde(
        rename = "Condition",
        default,
        skip_serializing_if = "Conditions::is_empty"
    )]
    pub condition: Conditions,
}

impl Statement {
    /// A statement with the given effect and nothing else; fill in the rest field by field.
    pub fn new(effect: Effect) -> Self {
        Statement {
            sid: None,
            effect,
            principal: None,
            not_principal: None,
            action: None,
            not_action: None,
            resource: None,
            not_resource: None,
            condition: Conditions::default(),
        }
    }

    pub fn canonicalize(&mut self) {
        for list in [
            &mut self.action,
            &mut self.not_action,
            &mut self.resource,
            &mut self.not_resource,
        ]
        .into_iter()
        .flatten()
        {
            sort_dedup(list);
        }
        for principal in [&mut self.principal, &mut self.not_principal]
            .into_iter()
            .flatten()
        {
            if let Principal::Map(map) = &mut **principal {
                map.iter_mut().for_each(|(_, values)| sort_dedup(values));
            }
        }
        self.condition.canonicalize();
    }

    /// Why IAM would reject this statement's shape, if it would.
    pub fn shape_error(&self) -> Option<&'static str> {
        match (&self.action, &self.not_action) {
            (Some(_), Some(_)) => {
                return Some("a statement may not have both `Action` and `NotAction`")
            }
            (None, None) => return Some("a statement needs `Action` or `NotAction`"),
            _ => {}
        }
        if self.resource.is_some() && self.not_resource.is_some() {
            return Some("a statement may not have both `Resource` and `NotResource`");
        }
        if self.principal.is_some() && self.not_principal.is_some() {
            return Some("a statement may not have both `Principal` and `NotPrincipal`");
        }
        None
    }
}

fn sort_dedup(list: &mut Vec<String>) {
    list.sort();
    list.dedup();
}

/// `"*"` or a map from principal type (`AWS`, `Service`, `Federated`, `CanonicalUser`) to values.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum Principal {
    Any(AnyPrincipal),
    /// Sorted by type, like the conditions: a `BTreeMap` node for the one entry a trust
    /// policy has cost ~0.5 KiB per role.
    Map(#[serde(serialize_with = "one_or_many_map")] LiteMap<String, Vec<String>>),
}

/// The literal `"*"` principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AnyPrincipal;

impl Serialize for AnyPrincipal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str("*")
    }
}

/// Conditions: operator (e.g. `StringEquals`, `ForAnyValue:StringLike`) → key → values.
/// Values are always kept as strings; IAM compares booleans and numbers by their text too.
///
/// Sorted vectors (`LiteMap`), not `BTreeMap`s: a statement has a handful of clauses at most,
/// and a B-tree node costs about 0.5 KiB even for one entry (46 MB of a 10,000-role `check`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Conditions(pub ConditionMap);

/// Operator → key → values, each level sorted by its key.
pub type ConditionMap = LiteMap<String, LiteMap<String, Vec<String>>>;

impl Conditions {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn insert(&mut self, operator: &str, key: &str, values: Vec<String>) {
        // New maps are made with room for one entry, and new values are moved in whole: most
        // statements have one or two clauses, and the room for four that a vector grows to on
        // its first push was ~12 MB of the compiled documents of 10,000 roles.
        match self.0.get_mut(operator) {
            Some(keys) => match keys.get_mut(key) {
                Some(existing) => existing.extend(values),
                None => {
                    keys.insert(key.to_string(), values);
                }
            },
            None => {
                let mut keys = LiteMap::with_capacity(1);
                keys.insert(key.to_string(), values);
                if self.0.is_empty() {
                    self.0 = LiteMap::with_capacity(1);
                }
                self.0.insert(operator.to_string(), keys);
            }
        }
    }

    /// Every (operator, key, values) clause; all must hold for the statement to apply.
    pub fn clauses(&self) -> impl Iterator<Item = (&str, &str, &[String])> {
        self.0.iter().flat_map(|(operator, keys)| {
            keys.iter()
                .map(move |(key, values)| (operator.as_str(), key.as_str(), values.as_slice()))
        })
    }

    fn canonicalize(&mut self) {
        for (_, keys) in self.0.iter_mut() {
            keys.iter_mut().for_each(|(_, values)| sort_dedup(values));
        }
    }
}

impl Serialize for Conditions {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (operator, keys) in &self.0 {
            map.serialize_entry(operator, &OneOrManyMap(keys))?;
        }
        map.end()
    }
}

/// A sorted map whose lists are written as by [`OneOrMany`], in its own (sorted) order.
struct OneOrManyMap<'a>(&'a LiteMap<String, Vec<String>>);

impl Serialize for OneOrManyMap<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, values) in self.0.iter() {
            map.serialize_entry(key, &OneOrMany(values))?;
        }
        map.end()
    }
}

fn one_or_many_map<S: Serializer>(
    value: &LiteMap<String, Vec<String>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    OneOrManyMap(value).serialize(serializer)
}

/// Serializes a list as a bare string when it has one element, as IAM's own documents do.
struct OneOrMany<'a>(&'a [String]);

impl Serialize for OneOrMany<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            [single] => serializer.serialize_str(single),
            many => many.serialize(serializer),
        }
    }
}

/// `Action`, `Resource` and friends: a string or a list of strings.
mod one_or_many_opt {
    use super::*;

    pub fn serialize<S: Serializer>(
        value: &Option<Vec<String>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(list) => OneOrMany(list).serialize(serializer),
            None => serializer.serialize_none(),
        }
    }
}

mod one_or_many_statements {
    use super::*;

    pub fn serialize<S: Serializer>(value: &[Statement], serializer: S) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        let m = |p, t| wildcard_matches(p, t, true);
        assert!(m("Get*", "GetObject"));
        assert!(m("*object*", "GetObjectAcl"));
        assert!(m("s?", "s3"));
        assert!(!m("s?", "sns"));
        assert!(m("*", ""));
        assert!(m("a*b*c", "aXXbYYc"));
        assert!(!m("a*b*c", "aXXbYY"));
        assert!(m("GET*", "getobject"));
        assert!(!wildcard_matches("GET*", "getobject", false));
        // A `*` in the text is text: the pattern's `*` still matches any run.
        assert!(m("*", "**x"));
        assert!(!m("*a", "*b"));
    }

    #[test]
    fn wild_parts_are_wildcards_and_policy_variables() {
        assert!(is_wild("a*") && is_wild("?") && is_wild("x${aws:username}"));
        assert!(!is_wild("plain") && !is_wild("$x") && !is_wild("{}") && !is_wild(""));
    }

    #[test]
    fn quota_size_counts_the_characters_of_the_compact_json() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow",
            "Action":"s3:GetObject","Resource":"arn:aws:s3:::bücket/ünïcode/*",
            "Condition":{"StringEquals":{"aws:PrincipalTag/team":["é","ü"]}}}]}"#;
        let policy = crate::iam::read::policy_from_str(text).unwrap();
        let text = serde_json::to_string(&policy).unwrap();
        assert_eq!(policy.quota_size(), text.chars().count());
        assert!(text.len() > text.chars().count());
    }

    #[test]
    fn reads_strings_or_lists_and_writes_canonical_json() {
        let text = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow",
            "Action":["s3:PutObject","s3:GetObject","s3:GetObject"],"Resource":"*",
            "Condition":{"Bool":{"aws:SecureTransport":true},"NumericLessThan":{"s3:max-keys":[10]}}}}"#;
        let mut policy = crate::iam::read::policy_from_str(text).unwrap();
        policy.canonicalize();
        let statement = &policy.statements[0];
        assert_eq!(
            statement.action.as_deref().unwrap(),
            ["s3:GetObject", "s3:PutObject"]
        );
        assert_eq!(statement.resource.as_deref().unwrap(), ["*"]);
        let clauses: Vec<_> = statement.condition.clauses().collect();
        assert_eq!(
            clauses[0],
            ("Bool", "aws:SecureTransport", &["true".to_string()][..])
        );
        assert_eq!(
            clauses[1],
            ("NumericLessThan", "s3:max-keys", &["10".to_string()][..])
        );
        let json = policy.to_canonical_json();
        assert!(json.contains("\"Resource\": \"*\""), "{json}");
        let again = crate::iam::read::policy_from_str(&json).unwrap();
        assert_eq!(again, policy);
    }

    #[test]
    fn rejects_unknown_keys_and_bad_principals() {
        let unknown = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Actions":"*"}]}"#;
        assert!(crate::iam::read::policy_from_str(unknown).is_err());
        let principal = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"x","Action":"*"}]}"#;
        assert!(crate::iam::read::policy_from_str(principal).is_err());
    }

    #[test]
    fn shape_errors() {
        let mut statement = Statement::new(Effect::Allow);
        assert!(statement.shape_error().is_some());
        statement.action = Some(vec!["s3:GetObject".into()]);
        assert_eq!(statement.shape_error(), None);
        statement.not_action = Some(vec!["iam:*".into()]);
        assert!(statement.shape_error().is_some());
    }
}
