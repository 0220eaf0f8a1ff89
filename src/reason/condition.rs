//! Condition operators evaluated on a concrete request context.
//!
//! In: one clause (operator name, key, policy values) and a [`Context`]. Out: whether the clause
//! holds, or `Err(reason)` when the operator or a value is outside what is modelled.
//!
//! Rules (IAM User Guide, "Condition operators" and "Conditions with multiple context keys or
//! values"): several policy values are ORed (NORed for negated operators); an absent key makes
//! positive operators false and negated operators true, except `...IfExists` (absent → true) and
//! `Null`. `ForAnyValue` needs some request value to pass, `ForAllValues` needs every value to
//! pass and is true when the key is absent. Without a set qualifier a positive operator needs some
//! value to pass and a negated one needs every value to pass (identical for single values).
//! Numbers, dates and addresses are read by `iam::values`, the rule `check` holds policy values
//! to: a policy value it refuses is unknown here (`Err`), never read some other way. A request
//! value that does not parse for a numeric, date or IP operator passes neither the operator nor
//! its negation. A policy value whose variable cannot be resolved matches nothing.

use super::pattern::{matches_concrete, PatternKind};
use super::request::Context;
use crate::iam::operators::{Comparison, ConditionOperator, Family, SetQualifier};
use crate::iam::values::{parse_cidr, parse_date, parse_number, Net};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

/// What a single request value is tested against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Test {
    Str(PatternKind),
    Num(Cmp),
    Date(Cmp),
    Ip,
    Null,
}

/// A parsed, modelled operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Op {
    pub set: Option<SetQualifier>,
    pub if_exists: bool,
    pub negated: bool,
    pub test: Test,
}

impl Op {
    pub fn parse(name: &str) -> Option<Op> {
        let parsed = ConditionOperator::parse(name);
        let base = parsed.known()?;
        let cmp = |comparison| match comparison {
            Comparison::Equals => Some(Cmp::Eq),
            Comparison::LessThan => Some(Cmp::Lt),
            Comparison::LessThanEquals => Some(Cmp::Le),
            Comparison::GreaterThan => Some(Cmp::Gt),
            Comparison::GreaterThanEquals => Some(Cmp::Ge),
            _ => None,
        };
        let test = match (base.family, base.comparison) {
            (Family::String, Comparison::Equals) => Test::Str(PatternKind::Exact),
            (Family::String, Comparison::EqualsIgnoreCase) => {
                Test::Str(PatternKind::ExactIgnoreCase)
            }
            (Family::String, Comparison::Like) => Test::Str(PatternKind::Like),
            (Family::Arn, _) => Test::Str(PatternKind::ArnCondition),
            (Family::Bool, _) => Test::Str(PatternKind::ExactIgnoreCase),
            (Family::Binary, _) => Test::Str(PatternKind::Exact),
            (Family::Numeric, comparison) => Test::Num(cmp(comparison)?),
            (Family::Date, comparison) => Test::Date(cmp(comparison)?),
            (Family::IpAddress, _) => Test::Ip,
            (Family::Null, _) => Test::Null,
            (Family::String, _) => return None,
        };
        let negated = base.negated;
        Some(Op {
            set: parsed.set,
            if_exists: parsed.if_exists,
            negated,
            test,
        })
    }
}

/// Evaluates one clause. `Err` names what is not modelled.
pub fn eval_clause(
    operator: &str,
    key: &str,
    values: &[String],
    ctx: &Context,
) -> Result<bool, String> {
    let op = Op::parse(operator)
        .ok_or_else(|| format!("condition operator {operator} is not modelled"))?;
    let present = ctx.get(key);
    let unknown = ctx.is_unknown(key);
    if unknown && op.test != Test::Null {
        return Err(format!(
            "{key} is in every such request, and the question gives no value for it"
        ));
    }
    if op.test == Test::Null {
        let mut any = false;
        for value in values {
            let want_absent = match value.to_ascii_lowercase().as_str() {
                "true" => true,
                "false" => false,
                _ => {
                    return Err(format!(
                        "Null on {key} needs \"true\" or \"false\", not {value:?}"
                    ))
                }
            };
            any |= want_absent == present.is_none();
        }
        return Ok(any);
    }
    let Some(request_values) = present else {
        return Ok(match op.set {
            _ if op.if_exists => true,
            Some(SetQualifier::ForAllValues) => true,
            Some(SetQualifier::ForAnyValue) => false,
            None => op.negated,
        });
    };
    let tester = ValueTest::new(op.test, values, ctx)?;
    let pass = |v: &String| match tester.positive(v) {
        Some(hit) => hit != op.negated,
        None => false,
    };
    Ok(match op.set {
        Some(SetQualifier::ForAnyValue) => request_values.iter().any(pass),
        Some(SetQualifier::ForAllValues) => request_values.iter().all(pass),
        None if op.negated => request_values.iter().all(pass),
        None => request_values.iter().any(pass),
    })
}

/// Policy values prepared for testing request values.
struct ValueTest<'a> {
    test: Test,
    values: &'a [String],
    ctx: &'a Context,
    numbers: Vec<f64>,
    dates: Vec<i64>,
    nets: Vec<Net>,
}

impl<'a> ValueTest<'a> {
    fn new(test: Test, values: &'a [String], ctx: &'a Context) -> Result<Self, String> {
        let mut this = ValueTest {
            test,
            values,
            ctx,
            numbers: vec![],
            dates: vec![],
            nets: vec![],
        };
        for value in values {
            let bad = || format!("policy value {value:?} is not valid for {test:?}");
            match test {
                Test::Num(_) => this.numbers.push(parse_number(value).ok_or_else(bad)?),
                Test::Date(_) => this.dates.push(parse_date(value).ok_or_else(bad)?),
                Test::Ip => this.nets.push(parse_cidr(value).ok_or_else(bad)?),
                _ => {}
            }
        }
        Ok(this)
    }

    /// Does the request value pass the positive test? `None`: it does not parse for this test.
    fn positive(&self, value: &str) -> Option<bool> {
        match self.test {
            Test::Str(kind) => {
                let resolve = |v: &super::pattern::VarRef| self.ctx.variable(&v.key);
                Some(
                    self.values
                        .iter()
                        .any(|p| matches_concrete(p, kind, value, &resolve)),
                )
            }
            Test::Num(cmp) => {
                let x = parse_number(value)?;
                Some(
                    self.numbers
                        .iter()
                        .any(|&p| x.partial_cmp(&p).is_some_and(|o| compare(cmp, o))),
                )
            }
            Test::Date(cmp) => {
                let x = parse_date(value)?;
                Some(self.dates.iter().any(|p| compare(cmp, x.cmp(p))))
            }
            Test::Ip => {
                let addr = parse_cidr(value)?;
                Some(self.nets.iter().any(|net| net.contains(&addr)))
            }
            Test::Null => None,
        }
    }
}

fn compare(cmp: Cmp, order: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match cmp {
        Cmp::Eq => order == Equal,
        Cmp::Lt => order == Less,
        Cmp::Le => order != Greater,
        Cmp::Gt => order == Greater,
        Cmp::Ge => order != Less,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(op: &str, key: &str, values: &[&str], ctx: &Context) -> bool {
        let values: Vec<String> = values.iter().map(|s| s.to_string()).collect();
        eval_clause(op, key, &values, ctx).unwrap()
    }

    #[test]
    fn strings_and_absent_keys() {
        let ctx = Context::new().with("aws:PrincipalTag/team", "data");
        let k = "aws:principaltag/TEAM";
        assert!(eval("StringEquals", k, &["data", "ml"], &ctx));
        assert!(!eval("StringNotEquals", k, &["data", "ml"], &ctx));
        assert!(eval("StringEqualsIgnoreCase", k, &["DATA"], &ctx));
        assert!(eval("StringLike", k, &["d*"], &ctx));
        assert!(eval("StringNotLike", k, &["x*"], &ctx));
        assert!(!eval("StringEquals", "missing", &["x"], &ctx));
        assert!(eval("StringNotEquals", "missing", &["x"], &ctx));
        assert!(eval("StringEqualsIfExists", "missing", &["x"], &ctx));
        assert!(eval("Null", "missing", &["true"], &ctx));
        assert!(!eval("Null", k, &["true"], &ctx));
        assert!(eval(
            "Bool",
            "aws:SecureTransport",
            &["true"],
            &Context::new().with("aws:securetransport", "TRUE")
        ));
    }

    #[test]
    fn sets_of_values() {
        let mut ctx = Context::new();
        ctx.set("aws:TagKeys", ["env", "owner"]);
        assert!(eval(
            "ForAllValues:StringEquals",
            "aws:TagKeys",
            &["env", "owner", "x"],
            &ctx
        ));
        assert!(!eval(
            "ForAllValues:StringEquals",
            "aws:TagKeys",
            &["env"],
            &ctx
        ));
        assert!(eval(
            "ForAnyValue:StringEquals",
            "aws:TagKeys",
            &["env"],
            &ctx
        ));
        assert!(eval("ForAllValues:StringEquals", "absent", &["env"], &ctx));
        assert!(!eval("ForAnyValue:StringEquals", "absent", &["env"], &ctx));
        assert!(eval(
            "ForAnyValue:StringNotEquals",
            "aws:TagKeys",
            &["env"],
            &ctx
        ));
    }

    #[test]
    fn numbers_dates_ips() {
        let ctx = Context::new()
            .with("n", "5")
            .with("t", "2024-06-01T12:00:00Z")
            .with("ip", "10.1.2.3")
            .with("ip6", "2001:db8::1")
            .with("bad", "zz");
        assert!(eval("NumericLessThan", "n", &["10"], &ctx));
        assert!(eval("NumericGreaterThanEquals", "n", &["5"], &ctx));
        assert!(!eval("NumericNotEquals", "n", &["5"], &ctx));
        assert!(!eval("NumericNotEquals", "bad", &["5"], &ctx));
        assert!(!eval("NumericEquals", "bad", &["5"], &ctx));
        assert!(eval("DateLessThan", "t", &["2024-06-02"], &ctx));
        assert!(eval("DateGreaterThan", "t", &["1717200000"], &ctx));
        assert!(eval(
            "DateEquals",
            "t",
            &["2024-06-01T14:00:00+02:00"],
            &ctx
        ));
        assert!(eval("IpAddress", "ip", &["10.0.0.0/8"], &ctx));
        assert!(eval("NotIpAddress", "ip", &["192.168.0.0/16"], &ctx));
        assert!(eval("IpAddress", "ip6", &["2001:db8::/32"], &ctx));
        assert!(!eval("IpAddress", "ip6", &["10.0.0.0/8"], &ctx));
        assert!(eval_clause("StringFuzzy", "k", &[], &ctx).is_err());
        // A policy value `check` refuses is unknown, not read some other way: no 31 February
        // (once read as 2 March), no `+8` prefix length (once read as /8).
        let refused = |op: &str, key: &str, value: &str| {
            eval_clause(op, key, &[value.to_string()], &ctx).is_err()
        };
        assert!(refused("DateLessThan", "t", "2024-02-31"));
        assert!(refused("DateLessThan", "t", "1717200000.5"));
        assert!(refused("IpAddress", "ip", "10.0.0.0/+8"));
        assert!(refused("NumericLessThan", "n", "inf"));
    }
}
