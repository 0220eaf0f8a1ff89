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
//! A request value that does not parse for a numeric, date or IP operator passes neither the
//! operator nor its negation. A policy value whose variable cannot be resolved matches nothing.

use super::pattern::{matches_concrete, PatternKind};
use super::request::Context;
use crate::iam::operators::{Comparison, ConditionOperator, Family, SetQualifier};

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
            (Family::Arn, _) => Test::Str(PatternKind::Arn),
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

pub fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim();
    if t.is_empty()
        || !t
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'))
    {
        return None;
    }
    t.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Milliseconds since the Unix epoch, from epoch seconds or ISO 8601
/// (`YYYY-MM-DD`, optionally `Thh:mm[:ss[.fff]]` and `Z` or `±hh:mm`).
pub fn parse_date(text: &str) -> Option<i64> {
    let t = text.trim();
    if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '.') {
        let secs: f64 = t.parse().ok()?;
        return Some((secs * 1000.0).round() as i64);
    }
    let b = t.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let s = t.get(range)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let mut ms = days_from_civil(y, mo, d) * 86_400_000;
    let mut rest = &t[10..];
    if let Some(time) = rest.strip_prefix('T') {
        let tb = time.as_bytes();
        if tb.len() < 5 || tb[2] != b':' {
            return None;
        }
        let h: i64 = time[0..2].parse().ok()?;
        let mi: i64 = time[3..5].parse().ok()?;
        ms += (h * 3600 + mi * 60) * 1000;
        rest = &time[5..];
        if let Some(sec) = rest.strip_prefix(':') {
            let end = sec
                .find(|c: char| !c.is_ascii_digit() && c != '.')
                .unwrap_or(sec.len());
            let s: f64 = sec[..end].parse().ok()?;
            ms += (s * 1000.0).round() as i64;
            rest = &sec[end..];
        }
        if let Some(sign) = rest.chars().next().filter(|c| *c == '+' || *c == '-') {
            let off = &rest[1..];
            if off.len() != 5 || off.as_bytes()[2] != b':' {
                return None;
            }
            let minutes = off[0..2].parse::<i64>().ok()? * 60 + off[3..5].parse::<i64>().ok()?;
            ms -= if sign == '+' { 1 } else { -1 } * minutes * 60_000;
            rest = "";
        }
    }
    matches!(rest, "" | "Z").then_some(ms)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Formats epoch milliseconds as ISO 8601 UTC (inverse of [`parse_date`]).
pub fn format_date(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let (h, mi, s, milli) = (
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
    );
    if milli == 0 {
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    } else {
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}Z")
    }
}

/// An IPv4 or IPv6 network; addresses are networks with a full-length prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Net {
    pub v6: bool,
    pub addr: u128,
    pub prefix: u32,
}

impl Net {
    fn width(&self) -> u32 {
        if self.v6 {
            128
        } else {
            32
        }
    }
    fn mask(&self) -> u128 {
        let w = self.width();
        if self.prefix == 0 {
            0
        } else {
            (u128::MAX << (128 - self.prefix)) >> (128 - w)
        }
    }
    pub fn first(&self) -> u128 {
        self.addr & self.mask()
    }
    pub fn last(&self) -> u128 {
        let all = if self.v6 { u128::MAX } else { u32::MAX as u128 };
        self.first() | (all & !self.mask())
    }
    pub fn max(&self) -> u128 {
        if self.v6 {
            u128::MAX
        } else {
            u32::MAX as u128
        }
    }
    fn contains(&self, other: &Net) -> bool {
        self.v6 == other.v6 && (other.addr & self.mask()) == self.first()
    }
}

pub fn parse_cidr(text: &str) -> Option<Net> {
    let (addr, prefix) = match text.trim().split_once('/') {
        Some((a, p)) => (a, Some(p.parse::<u32>().ok()?)),
        None => (text.trim(), None),
    };
    let ip: std::net::IpAddr = addr.parse().ok()?;
    let (v6, bits, width) = match ip {
        std::net::IpAddr::V4(v4) => (false, u32::from(v4) as u128, 32),
        std::net::IpAddr::V6(v6) => (true, u128::from(v6), 128),
    };
    let prefix = prefix.unwrap_or(width);
    (prefix <= width).then_some(Net {
        v6,
        addr: bits,
        prefix,
    })
}

pub fn format_ip(v6: bool, addr: u128) -> String {
    if v6 {
        std::net::Ipv6Addr::from(addr).to_string()
    } else {
        std::net::Ipv4Addr::from(addr as u32).to_string()
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
        assert_eq!(
            parse_date(&format_date(1_717_243_200_123)),
            Some(1_717_243_200_123)
        );
        assert!(eval_clause("StringFuzzy", "k", &[], &ctx).is_err());
    }
}
