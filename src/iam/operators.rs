//! IAM's condition operators, in one typed table.
//!
//! In: an operator name as written in a policy (`ForAllValues:StringNotLikeIfExists`). Out: its
//! parts ([`ConditionOperator`]: set qualifier, base operator, `IfExists`) and, for a known base,
//! what it is ([`BaseOperator`]: family, comparison, negation). Every reader of operators —
//! lowering, import, the engine, the checks — asks here. Source: IAM User Guide, "IAM JSON
//! policy elements: Condition operators".

use std::fmt;

use super::values::{parse_cidr, parse_date, parse_number};

/// The type of value an operator compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    IpAddress,
    Arn,
    Null,
}

impl Family {
    /// Whether a value may be a policy variable (`${aws:username}`): the condition operators
    /// page marks policy variables "Not supported" for Numeric, Date, Binary, IP address and
    /// Null operators, so there a variable is just a value that is not a number, date, ...
    pub fn takes_policy_variables(self) -> bool {
        matches!(self, Family::String | Family::Arn | Family::Bool)
    }
}

/// How an operator compares a request value with a policy value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// Exact, case-sensitive (`StringEquals`, `ArnEquals` which also matches wildcards).
    Equals,
    /// Exact, ignoring case (`StringEqualsIgnoreCase`, `Bool`).
    EqualsIgnoreCase,
    /// With `*` and `?` wildcards (`StringLike`, `ArnLike`).
    Like,
    LessThan,
    LessThanEquals,
    GreaterThan,
    GreaterThanEquals,
    /// Inside a CIDR range (`IpAddress`).
    InRange,
    /// Whether the key is absent (`Null`).
    Absent,
}

/// One base operator of IAM's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BaseOperator {
    pub name: &'static str,
    pub family: Family,
    pub comparison: Comparison,
    /// The negated form (`StringNotEquals`, `NotIpAddress`, ...): true when no value matches,
    /// and so also when the key is absent.
    pub negated: bool,
}

const fn op(
    name: &'static str,
    family: Family,
    comparison: Comparison,
    negated: bool,
) -> BaseOperator {
    BaseOperator {
        name,
        family,
        comparison,
        negated,
    }
}

/// Every base operator IAM accepts.
pub const OPERATORS: [BaseOperator; 27] = {
    use Comparison::*;
    use Family::*;
    [
        op("StringEquals", String, Equals, false),
        op("StringNotEquals", String, Equals, true),
        op("StringEqualsIgnoreCase", String, EqualsIgnoreCase, false),
        op("StringNotEqualsIgnoreCase", String, EqualsIgnoreCase, true),
        op("StringLike", String, Like, false),
        op("StringNotLike", String, Like, true),
        op("NumericEquals", Numeric, Equals, false),
        op("NumericNotEquals", Numeric, Equals, true),
        op("NumericLessThan", Numeric, LessThan, false),
        op("NumericLessThanEquals", Numeric, LessThanEquals, false),
        op("NumericGreaterThan", Numeric, GreaterThan, false),
        op(
            "NumericGreaterThanEquals",
            Numeric,
            GreaterThanEquals,
            false,
        ),
        op("DateEquals", Date, Equals, false),
        op("DateNotEquals", Date, Equals, true),
        op("DateLessThan", Date, LessThan, false),
        op("DateLessThanEquals", Date, LessThanEquals, false),
        op("DateGreaterThan", Date, GreaterThan, false),
        op("DateGreaterThanEquals", Date, GreaterThanEquals, false),
        op("Bool", Bool, EqualsIgnoreCase, false),
        op("BinaryEquals", Binary, Equals, false),
        op("IpAddress", IpAddress, InRange, false),
        op("NotIpAddress", IpAddress, InRange, true),
        op("ArnEquals", Arn, Like, false),
        op("ArnLike", Arn, Like, false),
        op("ArnNotEquals", Arn, Like, true),
        op("ArnNotLike", Arn, Like, true),
        op("Null", Null, Absent, false),
    ]
};

/// The base operator named `name` (exact case, as IAM requires).
pub fn base_operator(name: &str) -> Option<&'static BaseOperator> {
    OPERATORS.iter().find(|o| o.name == name)
}

/// The base operator names, for "did you mean".
pub fn base_names() -> impl Iterator<Item = &'static str> {
    OPERATORS.iter().map(|o| o.name)
}

/// `ForAnyValue:` or `ForAllValues:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetQualifier {
    ForAnyValue,
    ForAllValues,
}

/// The parts of a condition operator name such as `ForAllValues:StringNotLikeIfExists`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionOperator<'t> {
    pub set: Option<SetQualifier>,
    /// The operator proper, e.g. `StringNotLike`: part of the parsed text, not a copy (every
    /// clause of every statement is parsed, by several stages).
    pub base: &'t str,
    pub if_exists: bool,
}

impl<'t> ConditionOperator<'t> {
    pub fn parse(text: &'t str) -> ConditionOperator<'t> {
        let (set, rest) = if let Some(rest) = text.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), rest)
        } else if let Some(rest) = text.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), rest)
        } else {
            (None, text)
        };
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(base) if !base.is_empty() => (base, true),
            _ => (rest, false),
        };
        ConditionOperator {
            set,
            base,
            if_exists,
        }
    }

    pub fn name(&self) -> String {
        let prefix = match self.set {
            Some(SetQualifier::ForAnyValue) => "ForAnyValue:",
            Some(SetQualifier::ForAllValues) => "ForAllValues:",
            None => "",
        };
        let suffix = if self.if_exists { "IfExists" } else { "" };
        format!("{prefix}{}{suffix}", self.base)
    }

    /// The base operator, when IAM knows it. `Null` takes neither `IfExists` nor a set
    /// qualifier, so `NullIfExists` is unknown.
    pub fn known(&self) -> Option<&'static BaseOperator> {
        let base = base_operator(self.base)?;
        let null_with_extras =
            base.family == Family::Null && (self.if_exists || self.set.is_some());
        (!null_with_extras).then_some(base)
    }

    /// Whether the clause holds when the request has no value for its key, whatever the
    /// policy's values: `IfExists`, the negated operators, and `ForAllValues` (true for an
    /// empty set) do; `Null` depends on its value (`true` holds), so it answers `false` here,
    /// as do unknown operators. IAM User Guide, "Condition operators" and "Single-valued vs.
    /// multivalued context keys".
    pub fn holds_without_key(&self) -> bool {
        let Some(base) = self.known() else {
            return false;
        };
        self.if_exists || base.negated || self.set == Some(SetQualifier::ForAllValues)
    }

    /// Whether the clause is false when the request has no value for its key, whatever the
    /// policy's values: a known operator that does not [hold without
    /// it](ConditionOperator::holds_without_key), other than `Null` (which tests for absence).
    /// A key that can never be in a request for an action makes such a clause dead for it.
    pub fn fails_without_key(&self) -> bool {
        self.known().is_some_and(|base| base.family != Family::Null) && !self.holds_without_key()
    }
}

/// Why IAM would refuse `value` for an operator of `family`, if it would: dates must be ISO 8601
/// (or epoch seconds) naming a real day and time, addresses valid IPv4/IPv6 with a prefix in
/// range (`/33` is refused), numbers numbers, `Bool` and `Null` values `true` or `false`, ARN
/// operators' values ARNs. A value with a policy variable (`${...}`) is known only at request
/// time and passes. Dates, numbers and addresses are read by [`super::values`], as the engine
/// reads them. Source: IAM User Guide, "Condition operators".
pub fn value_problem(family: Family, value: &str) -> Option<&'static str> {
    if family.takes_policy_variables() && crate::iam::policy::opens_variable(value) {
        return None;
    }
    let ok = match family {
        Family::String | Family::Binary => true,
        Family::Numeric => parse_number(value).is_some(),
        Family::Bool | Family::Null => {
            value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false")
        }
        Family::Date => parse_date(value).is_some(),
        Family::IpAddress => parse_cidr(value).is_some(),
        Family::Arn => value == "*" || value.starts_with("arn:"),
    };
    (!ok).then_some(match family {
        Family::String | Family::Binary => "a string",
        Family::Numeric => "a number",
        Family::Bool | Family::Null => "`true` or `false`",
        Family::Date => "an ISO 8601 date and time like `2027-01-01T00:00:00Z`, or epoch seconds",
        Family::IpAddress => {
            "an IP address or CIDR range like `10.0.0.0/8` (prefix at most 32, 128 for IPv6)"
        }
        Family::Arn => "an ARN (`arn:...`, wildcards allowed)",
    })
}

impl fmt::Display for ConditionOperator<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for name in [
            "StringEquals",
            "ForAnyValue:StringLikeIfExists",
            "ForAllValues:ArnEquals",
            "Null",
        ] {
            assert_eq!(ConditionOperator::parse(name).name(), name);
        }
        let op = ConditionOperator::parse("ForAllValues:StringNotLikeIfExists");
        assert_eq!(op.set, Some(SetQualifier::ForAllValues));
        assert_eq!(op.base, "StringNotLike");
        assert!(op.if_exists);
    }

    #[test]
    fn the_table_is_consistent() {
        for base in OPERATORS {
            // A negated operator's name says so, and only negated ones do.
            assert_eq!(base.negated, base.name.contains("Not"), "{}", base.name);
        }
        assert!(ConditionOperator::parse("NullIfExists").known().is_none());
        assert!(ConditionOperator::parse("StringEqualz").known().is_none());
    }

    #[test]
    fn values_by_family() {
        let bad = |family, value| value_problem(family, value).is_some();
        assert!(bad(Family::Date, "2027-13-01"));
        assert!(bad(Family::Date, "2027-02-29T00:00:00Z"));
        assert!(!bad(Family::Date, "2028-02-29T23:59:59.5Z"));
        assert!(!bad(Family::Date, "2027-01-01T00:00:00+02:00"));
        assert!(!bad(Family::Date, "1735689600"));
        assert!(bad(Family::Date, "2027-01-01T24:00:00Z"));
        assert!(bad(Family::IpAddress, "10.0.0.0/33"));
        assert!(!bad(Family::IpAddress, "2001:db8::/32"));
        assert!(!bad(Family::IpAddress, "203.0.113.7"));
        assert!(bad(Family::IpAddress, "abc"));
        assert!(bad(Family::Numeric, "ten"));
        assert!(bad(Family::Bool, "yes"));
        assert!(!bad(Family::Bool, "True"));
        assert!(bad(Family::Arn, "role/x"));
        assert!(!bad(Family::Arn, "arn:aws:iam::*:role/x"));
        // Policy variables are not supported with Date, Numeric or IP address operators.
        assert!(bad(Family::Date, "${aws:CurrentTime}"));
        assert!(bad(Family::Numeric, "${aws:username}"));
        assert!(bad(Family::IpAddress, "${aws:SourceIp}"));
        assert!(!bad(Family::Bool, "${aws:MultiFactorAuthPresent}"));
        assert!(!bad(Family::Arn, "${aws:PrincipalArn}"));
    }

    #[test]
    fn operators_that_fail_without_the_key() {
        let fails = |name: &str| ConditionOperator::parse(name).fails_without_key();
        assert!(fails("StringEquals"));
        assert!(fails("ForAnyValue:StringLike"));
        assert!(fails("ArnLike"));
        assert!(!fails("StringNotEquals"));
        assert!(!fails("StringEqualsIfExists"));
        assert!(!fails("Null"));
        assert!(!fails("ForAllValues:StringEquals"));
        assert!(!fails("Bogus"));
    }

    #[test]
    fn absent_keys() {
        let holds = |name: &str| ConditionOperator::parse(name).holds_without_key();
        assert!(holds("StringNotEquals"));
        assert!(holds("StringEqualsIfExists"));
        assert!(holds("ForAllValues:StringEquals"));
        assert!(holds("NotIpAddress"));
        assert!(!holds("StringEquals"));
        assert!(!holds("ForAnyValue:StringEquals"));
        assert!(!holds("Null"));
        assert!(!holds("Bogus"));
    }
}
