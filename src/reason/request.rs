//! A concrete request: action, resource and request context.
//!
//! In: whatever the caller or a counterexample search builds. Out: the value the evaluator
//! (`eval.rs`) judges. Context keys are case-insensitive in IAM, so they are stored lowercased;
//! a key maps to its values (one for single-valued keys, any number for multivalued keys). A key
//! that is missing, or present with no values, is "absent".

use std::collections::BTreeMap;
use std::fmt;

/// The value [`Context::set_unknown`] stores: no request value holds a NUL.
const UNKNOWN_VALUE: &str = "\u{0}iamx: present, value not given";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context(BTreeMap<String, Vec<String>>);

impl Context {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` to the given values (replacing earlier ones).
    pub fn set<I, S>(&mut self, key: &str, values: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.0.insert(
            key.to_lowercase(),
            values.into_iter().map(Into::into).collect(),
        );
    }

    pub fn with(mut self, key: &str, value: &str) -> Self {
        self.set(key, [value]);
        self
    }

    pub fn remove(&mut self, key: &str) {
        self.0.remove(&key.to_lowercase());
    }

    /// Marks `key` present with a value the question does not give (`aws:CurrentTime` of a
    /// request `explain` is asked about, a role session's `aws:TokenIssueTime`): a condition on
    /// it is then undecided, and only `Null` is answered.
    pub fn set_unknown(&mut self, key: &str) {
        self.set(key, [UNKNOWN_VALUE]);
    }

    /// Whether `key` is present with a value not given ([`Context::set_unknown`]).
    pub fn is_unknown(&self, key: &str) -> bool {
        matches!(self.get(key), Some([one]) if one == UNKNOWN_VALUE)
    }

    /// The key's values, or `None` when absent.
    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.0
            .get(&key.to_lowercase())
            .map(Vec::as_slice)
            .filter(|values| !values.is_empty())
    }

    /// The value a policy variable `${key}` resolves to: only single-valued keys resolve.
    pub fn variable(&self, key: &str) -> Option<String> {
        match self.get(key) {
            Some([one]) if one == UNKNOWN_VALUE => None,
            Some([one]) => Some(one.clone()),
            _ => None,
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }
}

/// One request as IAM evaluates it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `service:Name`, e.g. `s3:GetObject` (case does not matter).
    pub action: String,
    /// The resource ARN, or `*` for actions without resource-level permissions.
    pub resource: String,
    pub context: Context,
}

impl Request {
    pub fn new(action: &str, resource: &str) -> Self {
        Request {
            action: action.to_string(),
            resource: resource.to_string(),
            context: Context::default(),
        }
    }

    pub fn with(mut self, key: &str, value: &str) -> Self {
        self.context.set(key, [value]);
        self
    }
}

impl fmt::Display for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} on {}", self.action, self.resource)?;
        let mut first = true;
        for (key, values) in self.context.iter() {
            f.write_str(if first { " with " } else { ", " })?;
            first = false;
            let key = crate::catalog::Catalog::get().spell_key(key);
            match values {
                [one] => write!(f, "{key}={one:?}")?,
                many => write!(f, "{key}={many:?}")?,
            }
        }
        Ok(())
    }
}
