//! An independent reference evaluator for IAM identity policies plus a permissions boundary.
//!
//! In: policy documents as raw `serde_json::Value`s (identity policies, optional boundary) and one
//! concrete [`Req`] (action, resource ARN, request context). Out: a [`Verdict`] (allow, implicit
//! deny, explicit deny). It shares no code with the `iamx` crate on purpose: it is written
//! straight from AWS's documented evaluation rules so that property tests can hold the engine in
//! `src/reason` against it. Simplicity beats speed here; everything is plain recursion over
//! characters.
//!
//! Sources (AWS IAM User Guide):
//! - "Policy evaluation logic" / "Determining whether a request is allowed or denied within an
//!   account", <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>:
//!   an explicit deny in any policy wins; otherwise the request needs an allow from an identity
//!   policy and, when a permissions boundary is set, an allow from the boundary too.
//! - "IAM JSON policy elements: Action / NotAction", `.../reference_policies_elements_action.html`:
//!   action names are case-insensitive and may use `*` and `?`.
//! - "IAM JSON policy elements: Resource", `.../reference_policies_elements_resource.html`, section
//!   "Using wildcards in resource ARNs": wildcards work *within* colon-separated segments; "If the
//!   `*` wildcard is the last character of a resource ARN segment, it can expand to match beyond
//!   the colon boundaries"; a bare `*` matches every resource.
//! - "IAM policy elements: Variables and tags", `.../reference_policies_variables.html`: variables
//!   are substituted only when the document's `Version` is `2012-10-17` ("in earlier versions ...
//!   variables are treated as literal strings"); `${*}`, `${?}`, `${$}` stand for the literal
//!   characters; `${key, 'default'}` supplies a default; a variable without a value makes the
//!   element not match.
//! - "IAM JSON policy elements: Condition operators", `.../reference_policies_elements_condition_operators.html`:
//!   the String, Arn, Numeric, Date, Bool, IpAddress and Null families, `...IfExists` ("if the key
//!   is not present, evaluate the condition as true"), and that negated operators such as
//!   `StringNotEquals` match when the key is absent.
//! - "Condition operators: multiple keys and values" / "Set operators for multivalued context keys",
//!   `.../reference_policies_condition-logic-multiple-context-keys-or-values.html` and
//!   `.../reference_policies_condition-single-vs-multi-valued-context-keys.html`: several values
//!   for one key are ORed, several keys and operators are ANDed; `ForAnyValue` needs one request
//!   value to match, `ForAllValues` needs every request value to match and is true when the key
//!   is absent.

#![allow(dead_code)]

/// Keys every authenticated request carries ("AWS global condition context keys", each key's
/// "Availability": "This key is always included in the request context", or "included in the
/// request context for all requests" / "for all signed requests"). A request without one of
/// them is not a request AWS receives, so the universe of requests never leaves them out.
pub const ALWAYS_INCLUDED: &[&str] = &[
    "aws:securetransport",
    "aws:currenttime",
    "aws:epochtime",
    "aws:requestedregion",
    "aws:viaawsservice",
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principaltype",
    "aws:principalisawsservice",
    "aws:userid",
];

use serde_json::Value;
use std::collections::BTreeMap;

/// A concrete request. Context keys are case-insensitive in IAM, so they are stored lowercased;
/// each key maps to its values (more than one only for multivalued keys).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Req {
    pub action: String,
    pub resource: String,
    pub context: BTreeMap<String, Vec<String>>,
}

impl Req {
    pub fn new(action: &str, resource: &str) -> Req {
        Req {
            action: action.into(),
            resource: resource.into(),
            context: BTreeMap::new(),
        }
    }

    pub fn set(&mut self, key: &str, values: Vec<String>) {
        self.context.insert(key.to_lowercase(), values);
    }

    fn values(&self, key: &str) -> Option<&[String]> {
        self.context
            .get(&key.to_lowercase())
            .map(Vec::as_slice)
            .filter(|v| !v.is_empty())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    ImplicitDeny,
    ExplicitDeny,
}

/// Evaluates `req` against identity documents and an optional boundary (see the module docs).
pub fn evaluate(identity: &[Value], boundary: Option<&[Value]>, req: &Req) -> Verdict {
    let mut identity_allow = false;
    let mut boundary_allow = false;
    let mut deny = false;
    for (docs, is_boundary) in [(identity, false), (boundary.unwrap_or(&[]), true)] {
        for doc in docs {
            let substitute = doc.get("Version").and_then(Value::as_str) == Some("2012-10-17");
            for statement in statements(doc) {
                if !applies(statement, req, substitute) {
                    continue;
                }
                match statement["Effect"].as_str() {
                    Some("Deny") => deny = true,
                    Some("Allow") if is_boundary => boundary_allow = true,
                    Some("Allow") => identity_allow = true,
                    other => panic!("reference: bad Effect {other:?}"),
                }
            }
        }
    }
    if deny {
        Verdict::ExplicitDeny
    } else if identity_allow && (boundary.is_none() || boundary_allow) {
        Verdict::Allow
    } else {
        Verdict::ImplicitDeny
    }
}

fn statements(doc: &Value) -> Vec<&Value> {
    match &doc["Statement"] {
        Value::Array(list) => list.iter().collect(),
        one @ Value::Object(_) => vec![one],
        other => panic!("reference: bad Statement {other}"),
    }
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(list) => list
            .iter()
            .map(|x| match x {
                Value::String(s) => s.clone(),
                Value::Bool(b) => b.to_string(),
                Value::Number(n) => n.to_string(),
                other => panic!("reference: bad scalar {other}"),
            })
            .collect(),
        Value::Bool(b) => vec![b.to_string()],
        Value::Number(n) => vec![n.to_string()],
        other => panic!("reference: bad list {other}"),
    }
}

fn applies(statement: &Value, req: &Req, substitute: bool) -> bool {
    let action_hit = |list: &Value| strings(list).iter().any(|p| action_matches(p, &req.action));
    let action_ok = match (statement.get("Action"), statement.get("NotAction")) {
        (Some(list), None) => action_hit(list),
        (None, Some(list)) => !action_hit(list),
        _ => panic!("reference: statement needs exactly one of Action/NotAction"),
    };
    if !action_ok {
        return false;
    }
    let resource_hit = |list: &Value| {
        strings(list)
            .iter()
            .any(|p| resource_matches(p, &req.resource, req, substitute))
    };
    let resource_ok = match (statement.get("Resource"), statement.get("NotResource")) {
        (Some(list), None) => resource_hit(list),
        (None, Some(list)) => !resource_hit(list),
        _ => panic!("reference: statement needs exactly one of Resource/NotResource"),
    };
    if !resource_ok {
        return false;
    }
    let Some(Value::Object(block)) = statement.get("Condition") else {
        return true;
    };
    // Every operator and every key must hold (AND); see the module docs.
    block.iter().all(|(operator, keys)| {
        let Value::Object(keys) = keys else {
            panic!("reference: bad condition block")
        };
        keys.iter()
            .all(|(key, values)| condition(operator, key, &strings(values), req, substitute))
    })
}

// ---------------------------------------------------------------------------------------------
// Patterns.

/// One pattern item. `colon` says whether a wildcard may match `:`; `own_colon` marks a `:` that
/// the pattern itself wrote (substituted variable text never delimits ARN segments).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    Char(char, bool),
    Star(bool),
    One(bool),
}

/// Splits a pattern into literal characters and wildcards, substituting variables when asked.
/// `None` when a variable has no value and no default (the pattern then matches nothing).
fn items(pattern: &str, wildcards: bool, substitute: bool, req: &Req) -> Option<Vec<Item>> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = vec![];
    let mut i = 0;
    while i < chars.len() {
        if substitute && chars[i] == '$' && chars.get(i + 1) == Some(&'{') {
            if let Some(len) = chars[i + 2..].iter().position(|&c| c == '}') {
                let body: String = chars[i + 2..i + 2 + len].iter().collect();
                i += len + 3;
                let text = match body.as_str() {
                    "*" | "?" | "$" => body.clone(),
                    _ => variable(&body, req)?,
                };
                out.extend(text.chars().map(|c| Item::Char(c, false)));
                continue;
            }
        }
        out.push(match chars[i] {
            '*' if wildcards => Item::Star(true),
            '?' if wildcards => Item::One(true),
            c => Item::Char(c, true),
        });
        i += 1;
    }
    Some(out)
}

/// The value of `${body}`: the request's single value for the key, else the quoted default.
fn variable(body: &str, req: &Req) -> Option<String> {
    let (key, default) = match body.split_once(',') {
        Some((key, rest)) => {
            let rest = rest.trim();
            let unquoted = rest
                .strip_prefix('\'')
                .and_then(|r| r.strip_suffix('\''))
                .unwrap_or(rest);
            (key.trim(), Some(unquoted.to_string()))
        }
        None => (body.trim(), None),
    };
    match req.values(key) {
        // Multivalued keys cannot be used as variables (only one value substitutes).
        Some([one]) => Some(one.clone()),
        _ => default,
    }
}

/// Plain wildcard match (`*` any run, `?` one character) where `can_colon` limits wildcards.
fn glob(items: &[Item], text: &[char], fold: bool) -> bool {
    let same = |a: char, b: char| {
        if fold {
            a.to_lowercase().eq(b.to_lowercase())
        } else {
            a == b
        }
    };
    // memo[i][j]: does items[i..] match text[j..]?
    let mut memo = vec![vec![None::<bool>; text.len() + 1]; items.len() + 1];
    fn go(
        i: usize,
        j: usize,
        items: &[Item],
        text: &[char],
        same: &dyn Fn(char, char) -> bool,
        memo: &mut Vec<Vec<Option<bool>>>,
    ) -> bool {
        if let Some(known) = memo[i][j] {
            return known;
        }
        let result = match items.get(i) {
            None => j == text.len(),
            Some(Item::Char(c, _)) => {
                j < text.len() && same(*c, text[j]) && go(i + 1, j + 1, items, text, same, memo)
            }
            Some(Item::One(colon)) => {
                j < text.len()
                    && (*colon || text[j] != ':')
                    && go(i + 1, j + 1, items, text, same, memo)
            }
            Some(Item::Star(colon)) => {
                go(i + 1, j, items, text, same, memo)
                    || (j < text.len()
                        && (*colon || text[j] != ':')
                        && go(i, j + 1, items, text, same, memo))
            }
        };
        memo[i][j] = Some(result);
        result
    }
    go(0, 0, items, text, &same, &mut memo)
}

fn action_matches(pattern: &str, action: &str) -> bool {
    let items = items(pattern, true, false, &Req::default()).expect("no variables");
    glob(&items, &action.chars().collect::<Vec<_>>(), true)
}

/// ARN matching with the segment rule (module docs). Wildcards in the first five segments
/// (before the pattern's fifth own colon) do not match `:`, except a `*` that is the last
/// character of its segment (followed by the pattern's own `:` or by the end of the pattern).
fn arn_items(pattern: &str, substitute: bool, req: &Req) -> Option<Vec<Item>> {
    let mut list = items(pattern, true, substitute, req)?;
    let mut colons = 0;
    for i in 0..list.len() {
        let segment_end = matches!(list.get(i + 1), None | Some(Item::Char(':', true)));
        match list[i] {
            Item::Char(':', true) => colons += 1,
            Item::Star(_) if colons < 5 => list[i] = Item::Star(segment_end),
            Item::One(_) if colons < 5 => list[i] = Item::One(false),
            _ => {}
        }
    }
    Some(list)
}

/// An `ArnLike`/`ArnEquals` value ("Condition operators", ARN condition operators): "each of
/// the six colon-delimited components of the ARN is checked separately", so no wildcard before
/// the pattern's fifth own colon matches `:` (the `Resource` element's segment-ending `*` rule
/// is not stated for conditions). A pattern of fewer components that ends in `*` is read with
/// the missing components as `*`: `arn:aws:sns:*` is `arn:aws:sns:*:*:*`.
fn arn_condition_items(pattern: &str, substitute: bool, req: &Req) -> Option<Vec<Item>> {
    let mut list = items(pattern, true, substitute, req)?;
    if list == [Item::Star(true)] {
        return Some(list);
    }
    let mut colons = 0;
    for item in &mut list {
        match *item {
            Item::Char(':', true) => colons += 1,
            Item::Star(_) if colons < 5 => *item = Item::Star(false),
            Item::One(_) if colons < 5 => *item = Item::One(false),
            _ => {}
        }
    }
    if colons < 5 && matches!(list.last(), Some(Item::Star(_))) {
        while colons < 5 {
            list.push(Item::Char(':', true));
            list.push(Item::Star(false));
            colons += 1;
        }
        // The last component, the resource, may hold colons.
        if let Some(last) = list.last_mut() {
            *last = Item::Star(true);
        }
    }
    Some(list)
}

/// Does a resource pattern without variables match `resource` (the same ARN rules as a policy's
/// `Resource`)? For checking that a request names a resource of a type its action takes.
pub fn arn_matches(pattern: &str, resource: &str) -> bool {
    resource_matches(pattern, resource, &Req::default(), false)
}

fn resource_matches(pattern: &str, resource: &str, req: &Req, substitute: bool) -> bool {
    if pattern == "*" {
        return true;
    }
    match arn_items(pattern, substitute, req) {
        Some(items) => glob(&items, &resource.chars().collect::<Vec<_>>(), false),
        None => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Conditions.

fn condition(operator: &str, key: &str, policy: &[String], req: &Req, substitute: bool) -> bool {
    let (set, rest) = if let Some(r) = operator.strip_prefix("ForAnyValue:") {
        (Some(true), r)
    } else if let Some(r) = operator.strip_prefix("ForAllValues:") {
        (Some(false), r)
    } else {
        (None, operator)
    };
    let (base, if_exists) = match rest.strip_suffix("IfExists") {
        Some(b) => (b, true),
        None => (rest, false),
    };
    let present = req.values(key);
    if base == "Null" {
        // `"Null": {"k": "true"}` holds when k is absent; "false" when it is present.
        return policy
            .iter()
            .any(|v| v.eq_ignore_ascii_case("true") == present.is_none());
    }
    let negated = matches!(
        base,
        "StringNotEquals"
            | "StringNotEqualsIgnoreCase"
            | "StringNotLike"
            | "ArnNotEquals"
            | "ArnNotLike"
            | "NumericNotEquals"
            | "DateNotEquals"
            | "NotIpAddress"
    );
    let Some(values) = present else {
        return match set {
            _ if if_exists => true,
            Some(true) => false,
            Some(false) => true,
            None => negated,
        };
    };
    // `Some(hit)`: the request value parses for this operator and hits some policy value.
    let hit = |value: &String| -> Option<bool> {
        let mut any = false;
        for p in policy {
            let one = match base {
                "StringEquals" | "StringNotEquals" => {
                    string_test(p, value, false, false, substitute, req)
                }
                "StringEqualsIgnoreCase" | "StringNotEqualsIgnoreCase" => {
                    string_test(p, value, false, true, substitute, req)
                }
                "StringLike" | "StringNotLike" => {
                    string_test(p, value, true, false, substitute, req)
                }
                "ArnEquals" | "ArnLike" | "ArnNotEquals" | "ArnNotLike" => {
                    match arn_condition_items(p, substitute, req) {
                        Some(items) => glob(&items, &value.chars().collect::<Vec<_>>(), false),
                        None => false,
                    }
                }
                "Bool" => {
                    let p = substituted(p, substitute, req);
                    p.is_some_and(|p| p.eq_ignore_ascii_case(value))
                }
                b if b.starts_with("Numeric") => {
                    let (x, y) = (number(value)?, number(p).expect("policy number"));
                    compare(&b["Numeric".len()..], x.partial_cmp(&y)?)
                }
                b if b.starts_with("Date") => {
                    let (x, y) = (date(value)?, date(p).expect("policy date"));
                    compare(&b["Date".len()..], x.cmp(&y))
                }
                "IpAddress" | "NotIpAddress" => {
                    let addr = cidr(value)?;
                    let net = cidr(p).expect("policy CIDR");
                    net.0 == addr.0
                        && addr.1.checked_shr(net.2).unwrap_or(0)
                            == net.1.checked_shr(net.2).unwrap_or(0)
                }
                other => panic!("reference: operator {other} not supported"),
            };
            any |= one;
        }
        Some(any)
    };
    // A negated operator passes a value that hits none of the policy values; a value that does
    // not parse (say "abc" for NumericLessThan) passes neither form.
    let pass = |value: &String| hit(value).is_some_and(|h| h != negated);
    match set {
        Some(true) => values.iter().any(pass),
        Some(false) => values.iter().all(pass),
        None if negated => values.iter().all(pass),
        None => values.iter().any(pass),
    }
}

fn substituted(p: &str, substitute: bool, req: &Req) -> Option<String> {
    let items = items(p, false, substitute, req)?;
    Some(
        items
            .iter()
            .map(|i| match i {
                Item::Char(c, _) => *c,
                _ => unreachable!("no wildcards"),
            })
            .collect(),
    )
}

fn string_test(p: &str, value: &str, like: bool, fold: bool, substitute: bool, req: &Req) -> bool {
    match items(p, like, substitute, req) {
        Some(items) => glob(&items, &value.chars().collect::<Vec<_>>(), fold),
        None => false,
    }
}

fn compare(suffix: &str, order: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match suffix {
        "Equals" => order == Equal,
        "NotEquals" => order == Equal, // negation applied by the caller
        "LessThan" => order == Less,
        "LessThanEquals" => order != Greater,
        "GreaterThan" => order == Greater,
        "GreaterThanEquals" => order != Less,
        other => panic!("reference: comparison {other}"),
    }
}

fn number(text: &str) -> Option<f64> {
    let t = text.trim();
    let ok = !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'));
    ok.then(|| t.parse::<f64>().ok())
        .flatten()
        .filter(|x| x.is_finite())
}

/// Milliseconds since the epoch from `YYYY-MM-DD`, `YYYY-MM-DDThh:mm:ss[.fff]Z` or plain epoch
/// seconds: the W3C profile of ISO 8601 that the Date operators document (fractional seconds
/// included), in UTC.
fn date(text: &str) -> Option<i64> {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse::<i64>().ok().map(|s| s * 1000);
    }
    let num = |s: &str| -> Option<i64> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (day, time) = match text.split_once('T') {
        Some((d, t)) => (d, Some(t.strip_suffix('Z')?)),
        None => (text, None),
    };
    let mut parts = day.split('-');
    let (y, m, d) = (
        num(parts.next()?)?,
        num(parts.next()?)?,
        num(parts.next()?)?,
    );
    if parts.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Days from 1970-01-01: count whole years and months (leap years by the Gregorian rule).
    let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let mut days = 0i64;
    for year in 1970..y {
        days += if leap(year) { 366 } else { 365 };
    }
    let lengths = [
        31,
        if leap(y) { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if d > lengths[(m - 1) as usize] {
        return None; // no such day: ISO 8601 names real dates
    }
    days += lengths[..(m - 1) as usize].iter().sum::<i64>() + d - 1;
    let mut ms = days * 86_400_000;
    if let Some(time) = time {
        let mut hms = time.split(':');
        let (h, mi) = (num(hms.next()?)?, num(hms.next()?)?);
        let (s, frac) = match hms.next()?.split_once('.') {
            Some((s, f)) if f.len() <= 3 => (num(s)?, num(&format!("{f:0<3}"))?),
            Some(_) => return None,
            None => (num(time.rsplit(':').next()?)?, 0),
        };
        // The W3C profile's hours run 00–23, its minutes and seconds 00–59.
        if h > 23 || mi > 59 || s > 59 {
            return None;
        }
        ms += (h * 3600 + mi * 60 + s) * 1000 + frac;
    }
    Some(ms)
}

/// (is IPv6, address bits, host bits) of an address or CIDR block; the prefix length is
/// decimal digits (RFC 4632, section 3.1).
fn cidr(text: &str) -> Option<(bool, u128, u32)> {
    let (addr, prefix) = match text.split_once('/') {
        Some((_, p)) if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) => return None,
        Some((a, p)) => (a, Some(p.parse::<u32>().ok()?)),
        None => (text, None),
    };
    match addr.parse::<std::net::IpAddr>().ok()? {
        std::net::IpAddr::V4(v4) => {
            let p = prefix.unwrap_or(32);
            (p <= 32).then(|| (false, u32::from(v4) as u128, 32 - p))
        }
        std::net::IpAddr::V6(v6) => {
            let p = prefix.unwrap_or(128);
            (p <= 128).then(|| (true, u128::from(v6), 128 - p))
        }
    }
}
