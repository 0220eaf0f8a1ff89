//! Symbolic reasoning about conditions: is there a request context that breaks containment?
//!
//! In: a [`CondProblem`] — the condition blocks of the identity statement being checked (`must`),
//! of identity denies that cover the same actions and resources (`must_not`), and of the boundary
//! allows and denies that cover them. Out: [`CondOutcome::Proved`] when no context satisfies
//! `must ∧ ¬must_not ∧ (¬any allow ∨ any deny)`, otherwise concrete witness contexts, or
//! `Unknown` with a reason.
//!
//! Method: clauses are grouped by context key. For each key a finite set of representative key
//! states is built (absent, or one value, or a set of values for multivalued keys) such that every
//! possible state of that key agrees with some representative on every clause over the key:
//! strings and ARNs take one witness per cell of the glob automaton over all the key's patterns
//! (exact), numbers and dates take each constant and a point on either side, IP addresses take
//! every range boundary, and each family adds one unparseable value. The search then runs over
//! combinations of key states, so the answer is exact for everything modelled. Clauses the model
//! does not cover (unknown operators, values with policy variables, keys mixing operator families)
//! become opaque atoms that may be true or false independently; a clause identical to one in
//! `must` is taken as true. Free atoms over-approximate the possible contexts, so `Proved` stays
//! sound; a witness that relied on a free atom is only as good as its concrete verification.
//!
//! Keys are single-valued unless some clause uses `ForAnyValue`/`ForAllValues` on them or they are
//! well-known multivalued keys (see [`KNOWN_MULTIVALUED`]) — IAM requires set operators for
//! multivalued keys, so this follows the documented usage.

use super::automaton::{explore, Driver, MAX_STATES};
use super::condition::{eval_clause, Op, Test};
use super::pattern::{compile, has_variables, PatternKind, VarTable, Vars};
use super::request::Context;
use crate::iam::policy::Conditions;
use crate::iam::values::{format_date, format_ip, parse_cidr, parse_date, parse_number};
use foldhash::HashMap;
use std::collections::{BTreeMap, BTreeSet};

/// Global keys that carry several values in one request.
pub const KNOWN_MULTIVALUED: &[&str] = &[
    "aws:tagkeys",
    "aws:calledvia",
    "aws:principalservicenameslist",
    "aws:principalorgpaths",
    "aws:sourceorgpaths",
];

/// Global keys in the context of every request an identity policy or a permissions boundary
/// is evaluated for (an authenticated one): "always included in the request context", or
/// "for all requests" / "for all signed requests" (IAM User Guide, "AWS global condition
/// context keys"). A witness leaves none of them absent: no request AWS receives lacks them.
/// Lowercase.
pub const ALWAYS_PRESENT: &[&str] = &[
    "aws:currenttime",
    "aws:epochtime",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalisawsservice",
    "aws:principaltype",
    "aws:requestedregion",
    "aws:securetransport",
    "aws:userid",
    "aws:viaawsservice",
];

/// Keys of every request a role session makes beyond [`ALWAYS_PRESENT`]: it signs with
/// temporary credentials, which carry `aws:TokenIssueTime` and `aws:MultiFactorAuthPresent`
/// ("present only in requests that are signed using temporary security credentials"). Lowercase.
pub const SESSION_KEYS: &[&str] = &["aws:tokenissuetime", "aws:multifactorauthpresent"];

/// The `aws:RequestedRegion` every request of `action` carries in `partition`, when its service
/// has one endpoint and so one region whatever the caller does. IAM: "Some global services, such
/// as IAM, have a single endpoint. Because this endpoint is physically located in the US East
/// (N. Virginia) Region, IAM calls are always made to the us-east-1 Region" (IAM User Guide,
/// `aws:RequestedRegion`). That page names no region for IAM in the other partitions, so there
/// the value is not known (`None`) and a request may carry any. `iam:PassRole` is no call to
/// IAM's endpoint: it is a permission AWS checks within the call of the service the role is
/// passed to (`ec2:RunInstances` in `eu-west-1`), whose region it carries (the Service
/// Authorization Reference marks it "permission only"). The one place this fact lives:
/// `explain` fills the key with it, `verify` holds its witnesses to it.
pub fn fixed_region(action: &str, partition: &str) -> Option<&'static str> {
    let service = action
        .split_once(':')
        .map_or(action, |(service, _)| service);
    let endpoint_call = !action.eq_ignore_ascii_case("iam:PassRole");
    (service.eq_ignore_ascii_case("iam") && partition == "aws" && endpoint_call)
        .then_some("us-east-1")
}

pub struct CondProblem<'a> {
    pub must: &'a Conditions,
    pub must_not: Vec<&'a Conditions>,
    pub allows: Vec<&'a Conditions>,
    pub denies: Vec<&'a Conditions>,
    /// Keys that must resolve as single-valued policy variables (used by `must`'s resource).
    pub present: Vec<String>,
    /// Lowercased keys used with `ForAnyValue`/`ForAllValues` anywhere in the policies compared,
    /// so treated as multivalued in every cell, not just where the set operator appears.
    pub multivalued: &'a BTreeSet<String>,
}

/// The keys that some clause of these policies uses with a set operator.
pub fn multivalued_keys<'a>(
    conditions: impl IntoIterator<Item = &'a Conditions>,
) -> BTreeSet<String> {
    conditions
        .into_iter()
        .flat_map(|c| c.clauses())
        .filter(|(op, _, _)| op.starts_with("ForAnyValue:") || op.starts_with("ForAllValues:"))
        .map(|(_, key, _)| key.to_lowercase())
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub context: Context,
    /// Opaque clauses whose truth the witness assumed rather than knew.
    pub assumed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CondOutcome {
    Proved,
    Found(Vec<Found>),
    Unknown(String),
}

/// A clause with its key lowercased and values sorted, used as identity for atoms.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Clause {
    op: String,
    key: String,
    values: Vec<String>,
}

impl Clause {
    fn text(&self) -> String {
        format!("{} {} {:?}", self.op, self.key, self.values)
    }
}

fn clauses_of(conditions: &Conditions) -> Vec<Clause> {
    conditions
        .clauses()
        .map(|(op, key, values)| {
            let mut values = values.to_vec();
            values.sort();
            values.dedup();
            Clause {
                op: op.to_string(),
                key: key.to_lowercase(),
                values,
            }
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Str,
    Num,
    Date,
    Ip,
}

fn family(test: Test) -> Option<Family> {
    match test {
        Test::Str(_) => Some(Family::Str),
        Test::Num(_) => Some(Family::Num),
        Test::Date(_) => Some(Family::Date),
        Test::Ip => Some(Family::Ip),
        Test::Null => None,
    }
}

/// Why a clause can't be modelled exactly, if it can't.
fn unmodelled(clause: &Clause) -> Option<String> {
    if clause.values.iter().any(|v| has_variables(v)) {
        return Some(format!(
            "condition values with policy variables ({})",
            clause.text()
        ));
    }
    // A clause the evaluator rejects on an empty context is outside the model.
    let probe = Context::new().with(&clause.key, "0");
    eval_clause(&clause.op, &clause.key, &clause.values, &probe).err()
}

/// A choice for one dimension of the search: a key's state or an atom's truth.
#[derive(Debug, Clone)]
pub enum Choice {
    Absent,
    Values(Vec<String>),
    Atom(bool),
}

struct Dim {
    name: String,
    atom: bool,
    /// Candidate choices with the truth of every clause (by clause index) under each.
    options: Vec<(Choice, BTreeMap<usize, bool>)>,
}

/// A representative key state with the truth of each of the key's clauses.
type KeyOption = (Choice, Vec<bool>);

/// A key, whether it is multivalued, and its clauses.
type KeyClauses = (String, bool, Vec<Clause>);

/// Representative states per key, remembered across the cells of one containment check (the
/// same condition blocks come back in cell after cell). Truths are by position in the key's list.
#[derive(Default)]
pub struct SolveCache {
    options: HashMap<KeyClauses, Result<Vec<KeyOption>, String>>,
}

pub fn solve_cached(problem: &CondProblem<'_>, cache: &mut SolveCache) -> CondOutcome {
    let must = clauses_of(problem.must);
    let must_not: Vec<Vec<Clause>> = problem.must_not.iter().map(|c| clauses_of(c)).collect();
    let allows: Vec<Vec<Clause>> = problem.allows.iter().map(|c| clauses_of(c)).collect();
    let denies: Vec<Vec<Clause>> = problem.denies.iter().map(|c| clauses_of(c)).collect();

    // Fast paths: an unconditional covering allow with no deny in play settles the question.
    if denies.is_empty() && allows.iter().any(Vec::is_empty) {
        return CondOutcome::Proved;
    }

    let mut all: Vec<Clause> = must.clone();
    for set in must_not.iter().chain(&allows).chain(&denies) {
        all.extend(set.iter().cloned());
    }
    all.sort();
    all.dedup();
    let index = |c: &Clause| all.binary_search(c).expect("collected above");

    // Classify clauses: modelled per key, or atoms.
    let mut atom: Vec<bool> = all.iter().map(|c| unmodelled(c).is_some()).collect();
    let mut by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, clause) in all.iter().enumerate() {
        if !atom[i] {
            by_key.entry(clause.key.clone()).or_default().push(i);
        }
    }
    for members in by_key.values() {
        let families: BTreeSet<_> = members
            .iter()
            .filter_map(|&i| family(Op::parse(&all[i].op).expect("modelled").test))
            .map(|f| f as u8)
            .collect();
        if families.len() > 1 {
            // Mixed families (say StringLike and NumericLessThan) are not modelled jointly.
            members.iter().for_each(|&i| atom[i] = true);
        }
    }
    by_key.retain(|_, members| !members.iter().any(|&i| atom[i]));
    for key in &problem.present {
        by_key.entry(key.to_lowercase()).or_default();
    }
    let must_idx: BTreeSet<usize> = must.iter().map(index).collect();

    let mut dims: Vec<Dim> = vec![];
    for (key, members) in &by_key {
        let multi = KNOWN_MULTIVALUED.contains(&key.as_str())
            || problem.multivalued.contains(key)
            || members
                .iter()
                .any(|&i| Op::parse(&all[i].op).is_some_and(|op| op.set.is_some()));
        let clauses: Vec<Clause> = members.iter().map(|&i| all[i].clone()).collect();
        let needs_present = problem.present.iter().any(|p| p.eq_ignore_ascii_case(key));
        let cached = cache
            .options
            .entry((key.clone(), multi, clauses))
            .or_insert_with_key(|(key, multi, clauses)| key_options(key, clauses, *multi));
        let global = |local: &Vec<(Choice, Vec<bool>)>| -> Vec<(Choice, BTreeMap<usize, bool>)> {
            local
                .iter()
                .map(|(choice, truth)| {
                    (
                        choice.clone(),
                        members.iter().copied().zip(truth.iter().copied()).collect(),
                    )
                })
                .collect()
        };
        match cached.as_ref().map(global).map_err(Clone::clone) {
            Ok(mut options) => {
                if needs_present {
                    options.retain(|(c, _)| matches!(c, Choice::Values(v) if v.len() == 1));
                }
                let valued = |(c, _): &(Choice, _)| !matches!(c, Choice::Absent);
                if ALWAYS_PRESENT.contains(&key.as_str()) && options.iter().any(valued) {
                    options.retain(valued);
                }
                dims.push(Dim {
                    name: key.clone(),
                    atom: false,
                    options,
                })
            }
            Err(reason) => return CondOutcome::Unknown(reason),
        }
    }
    for (i, clause) in all.iter().enumerate().filter(|(i, _)| atom[*i]) {
        let forced = must_idx.contains(&i);
        let options = [true, false]
            .into_iter()
            .filter(|&t| t || !forced)
            .map(|t| (Choice::Atom(t), BTreeMap::from([(i, t)])))
            .collect();
        dims.push(Dim {
            name: clause.text(),
            atom: true,
            options,
        });
    }

    // `must` holds clause by clause, so filter each dimension by it up front.
    for dim in &mut dims {
        dim.options.retain(|(_, truth)| {
            must_idx
                .iter()
                .all(|i| truth.get(i).copied().unwrap_or(true))
        });
        if dim.options.is_empty() {
            return CondOutcome::Proved;
        }
    }

    let sets = |list: &[Vec<Clause>]| -> Vec<Vec<usize>> {
        list.iter()
            .map(|set| set.iter().map(index).collect())
            .collect()
    };
    let (must_not, allows, denies) = (sets(&must_not), sets(&allows), sets(&denies));
    // Dimensions that the other statements never mention keep their first option.
    let mentioned: BTreeSet<usize> = must_not
        .iter()
        .chain(&allows)
        .chain(&denies)
        .flatten()
        .copied()
        .collect();
    let relevant: Vec<usize> = (0..dims.len())
        .filter(|&d| {
            dims[d].options.len() > 1 && dims[d].options[0].1.keys().any(|i| mentioned.contains(i))
        })
        .collect();
    let combos: usize = relevant
        .iter()
        .map(|&d| dims[d].options.len())
        .try_fold(1usize, |acc, n| acc.checked_mul(n))
        .unwrap_or(usize::MAX);
    if combos > 200_000 {
        return CondOutcome::Unknown(format!(
            "{combos} combinations of condition keys is too many to search"
        ));
    }

    let mut pick = vec![0usize; dims.len()];
    let mut found = vec![];
    loop {
        let truth = |i: usize| -> bool {
            dims.iter()
                .zip(&pick)
                .find_map(|(dim, &p)| dim.options[p].1.get(&i).copied())
                .unwrap_or(true)
        };
        let holds = |set: &Vec<usize>| set.iter().all(|&i| truth(i));
        let bad =
            !must_not.iter().any(holds) && (!allows.iter().any(holds) || denies.iter().any(holds));
        if bad {
            found.push(witness(&dims, &pick));
            if found.len() >= 6 {
                break;
            }
        }
        // Advance the odometer over relevant dimensions.
        let mut carry = true;
        for &d in &relevant {
            pick[d] += 1;
            if pick[d] < dims[d].options.len() {
                carry = false;
                break;
            }
            pick[d] = 0;
        }
        if carry {
            break;
        }
    }
    if found.is_empty() {
        CondOutcome::Proved
    } else {
        CondOutcome::Found(found)
    }
}

fn witness(dims: &[Dim], pick: &[usize]) -> Found {
    let mut context = Context::new();
    let mut assumed = vec![];
    for (dim, &p) in dims.iter().zip(pick) {
        match &dim.options[p].0 {
            Choice::Absent => {}
            Choice::Values(values) => context.set(&dim.name, values.iter().cloned()),
            Choice::Atom(t) => {
                if dim.atom {
                    assumed.push(format!("{} is {}", dim.name, t));
                }
            }
        }
    }
    Found { context, assumed }
}

/// Representative states of one key with the truth of each of its clauses.
fn key_options(
    key: &str,
    clauses: &[Clause],
    multi: bool,
) -> Result<Vec<(Choice, Vec<bool>)>, String> {
    // Values AWS could send for the key come first, so each class of values that agree on
    // every clause is shown by one of them when one is in it (`aws:PrincipalArn` as an ARN,
    // not `"example"`); the others stay, as some classes hold nothing else.
    let mut values: Vec<String> = (likely_values(key).iter()).map(|v| v.to_string()).collect();
    values.extend(representatives(clauses)?);
    let truth_of = |ctx: &Context| -> Vec<bool> {
        clauses
            .iter()
            .map(|c| eval_clause(&c.op, &c.key, &c.values, ctx).unwrap_or(false))
            .collect()
    };
    let typed = KeyType::of(key);
    if let Some(typed) = typed {
        values.extend(typed.examples().iter().map(|v| v.to_string()));
        if typed == KeyType::Seconds {
            // Whole seconds: the integers next to each point stand for the integers of each
            // region between constants (a midpoint like 2.5 has no integer twin otherwise).
            let points: Vec<f64> = values.iter().filter_map(|v| parse_number(v)).collect();
            for x in points {
                for y in [x.floor() + 1.0, x.ceil() - 1.0] {
                    if y >= 0.0 {
                        values.push(format!("{y}"));
                    }
                }
            }
        }
    }
    // Per-value truth vectors; values agreeing on every clause are interchangeable.
    let mut distinct: Vec<(String, Vec<bool>)> = vec![];
    let mut ill_typed: Vec<(String, Vec<bool>)> = vec![];
    for value in values {
        let truth = truth_of(&Context::new().with(key, &value));
        if typed.is_some_and(|t| !t.admits(&value)) {
            // A value AWS never sends for this key (`"example"` as `aws:SourceIp`) would make a
            // counterexample no real request matches.
            ill_typed.push((value, truth));
        } else if !distinct.iter().any(|(_, t)| *t == truth) {
            distinct.push((value, truth));
        }
    }
    // Dropping them is exact when the well-typed values show every behaviour they showed;
    // otherwise a behaviour might be reachable by a well-typed value not tried: say so.
    let exact = typed.is_some_and(|t| t.enumerated_exactly(clauses));
    if let Some((value, _)) = ill_typed
        .iter()
        .filter(|_| !exact)
        .find(|(_, truth)| !distinct.iter().any(|(_, t)| t == truth))
    {
        return Err(format!(
            "the conditions on {key} distinguish values (like {value:?}) that are not valid {}; \
             the well-typed ones were not enumerated exactly",
            typed.map_or("", |t| t.name())
        ));
    }
    let mut choices = vec![Choice::Absent];
    if multi {
        if distinct.len() > 10 {
            return Err(format!(
                "multivalued key {key} has too many distinct value classes"
            ));
        }
        for mask in 1u32..(1 << distinct.len()) {
            let set = (0..distinct.len())
                .filter(|b| mask >> b & 1 == 1)
                .map(|b| distinct[b].0.clone())
                .collect();
            choices.push(Choice::Values(set));
        }
    } else {
        choices.extend(distinct.into_iter().map(|(v, _)| Choice::Values(vec![v])));
    }
    let mut out: Vec<(Choice, Vec<bool>)> = vec![];
    for choice in choices {
        let mut ctx = Context::new();
        if let Choice::Values(values) = &choice {
            ctx.set(key, values.iter().cloned());
        }
        let truth = truth_of(&ctx);
        // Absent always stays (presence matters for policy variables); present states that
        // agree on every clause are interchangeable.
        let absent = matches!(choice, Choice::Absent);
        if absent || !out.iter().skip(1).any(|(_, t)| *t == truth) {
            out.push((choice, truth));
        }
    }
    Ok(out)
}

/// The value type of a well-known global key whose values AWS fills in itself (IAM User Guide,
/// "AWS global condition context keys",
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyType {
    /// `aws:SecureTransport`, `aws:MultiFactorAuthPresent`, ...: `true` or `false`.
    Bool,
    /// `aws:SourceIp`: an IPv4 or IPv6 address.
    Ip,
    /// `aws:MultiFactorAuthAge`, `aws:EpochTime`: a whole number of seconds.
    Seconds,
    /// `aws:CurrentTime`, `aws:TokenIssueTime`: an ISO 8601 date-time.
    Date,
    /// `aws:username`: 1–64 characters of `[A-Za-z0-9+=,.@_-]`.
    UserName,
}

impl KeyType {
    fn of(key: &str) -> Option<KeyType> {
        Some(match key.to_ascii_lowercase().as_str() {
            "aws:securetransport"
            | "aws:multifactorauthpresent"
            | "aws:viaawsservice"
            | "aws:principalisawsservice" => KeyType::Bool,
            "aws:sourceip" => KeyType::Ip,
            "aws:multifactorauthage" | "aws:epochtime" => KeyType::Seconds,
            "aws:currenttime" | "aws:tokenissuetime" => KeyType::Date,
            "aws:username" => KeyType::UserName,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            KeyType::Bool => "booleans",
            KeyType::Ip => "IP addresses",
            KeyType::Seconds => "whole numbers of seconds",
            KeyType::Date => "dates",
            KeyType::UserName => "IAM user names",
        }
    }

    /// Values always worth trying (every value of a boolean key).
    fn examples(self) -> &'static [&'static str] {
        match self {
            KeyType::Bool => &["true", "false"],
            KeyType::Ip => &["192.0.2.1", "2001:db8::1"],
            KeyType::Seconds => &["0", "300"],
            KeyType::Date => &["2024-01-01T00:00:00Z"],
            KeyType::UserName => &["alice"],
        }
    }

    /// Do the well-typed representatives cover every behaviour well-typed values can have? True
    /// when the clauses are of the key's own family: then the only values dropped are the
    /// unparseable ones, whose behaviour no real request has. Booleans are enumerated whole.
    fn enumerated_exactly(self, clauses: &[Clause]) -> bool {
        let family = |c: &Clause| Op::parse(&c.op).map(|op| op.test);
        clauses.iter().all(|c| {
            matches!(
                (self, family(c)),
                (_, Some(Test::Null))
                    | (KeyType::Bool, _)
                    | (KeyType::Ip, Some(Test::Ip))
                    | (KeyType::Seconds, Some(Test::Num(_)))
                    | (KeyType::Date, Some(Test::Date(_)))
            )
        })
    }

    fn admits(self, value: &str) -> bool {
        match self {
            KeyType::Bool => value == "true" || value == "false",
            KeyType::Ip => value.parse::<std::net::IpAddr>().is_ok(),
            KeyType::Seconds => !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()),
            KeyType::Date => value.len() > 10 && parse_date(value).is_some(),
            KeyType::UserName => super::contain::fits_key("aws:username", value),
        }
    }
}

/// Realistic values of well-known global keys whose values are not held to a type here (any
/// string can be tried), for readable counterexamples (IAM User Guide, "AWS global condition
/// context keys").
fn likely_values(key: &str) -> &'static [&'static str] {
    match key.to_ascii_lowercase().as_str() {
        "aws:principalarn" | "aws:sourcearn" => &[
            "arn:aws:iam::111122223333:role/example",
            "arn:aws:iam::123456789012:user/example",
        ],
        "aws:principalaccount" | "aws:sourceaccount" | "aws:resourceaccount" => {
            &["111122223333", "123456789012"]
        }
        "aws:requestedregion" => &["us-east-1", "eu-west-1"],
        "aws:principaltype" => &[
            "AssumedRole",
            "User",
            "FederatedUser",
            "Account",
            "Anonymous",
        ],
        "aws:principalorgid" => &["o-exampleorgid"],
        _ => &[],
    }
}

/// `pattern` with its wildcards filled so that an ARN stays one: a wild region becomes
/// `us-east-1` and a wild account `111122223333`, the rest `x`.
pub fn filled(pattern: &str) -> String {
    let parts: Vec<&str> = pattern.splitn(6, ':').collect();
    let wild = |part: &str| part.contains(['*', '?']);
    if parts.len() == 6 && parts[0] == "arn" {
        let region = if wild(parts[3]) {
            "us-east-1"
        } else {
            parts[3]
        };
        let account = if wild(parts[4]) {
            "111122223333"
        } else {
            parts[4]
        };
        let fill = |part: &str| part.replace(['*', '?'], "x");
        return format!(
            "arn:{}:{}:{region}:{account}:{}",
            fill(parts[1]),
            fill(parts[2]),
            fill(parts[5])
        );
    }
    pattern.replace(['*', '?'], "x")
}

/// Candidate request values covering every region the key's clauses distinguish.
fn representatives(clauses: &[Clause]) -> Result<Vec<String>, String> {
    let mut patterns: Vec<(String, PatternKind)> = vec![];
    let (mut numbers, mut dates, mut nets) = (vec![], vec![], vec![]);
    for clause in clauses {
        let op = Op::parse(&clause.op).expect("modelled");
        for value in &clause.values {
            match op.test {
                Test::Str(kind) => patterns.push((value.clone(), kind)),
                Test::Num(_) => numbers.extend(parse_number(value)),
                Test::Date(_) => dates.extend(parse_date(value)),
                Test::Ip => nets.extend(parse_cidr(value)),
                Test::Null => {}
            }
        }
    }
    let mut out: Vec<String> = vec!["example".into()];
    let exact_only = |kind| patterns.iter().all(|(_, k)| *k == kind);
    if !patterns.is_empty()
        && (exact_only(PatternKind::Exact) || exact_only(PatternKind::ExactIgnoreCase))
    {
        // Plain equality: the values themselves plus one value equal to none of them cover
        // every cell, without running the automaton.
        out.extend(patterns.iter().map(|(p, _)| p.clone()));
        let mut other = String::from("other");
        while patterns.iter().any(|(p, _)| p.eq_ignore_ascii_case(&other)) {
            other.push('x');
        }
        out.push(other);
    } else if !patterns.is_empty() {
        let mut table = VarTable::default();
        let globs: Vec<_> = patterns
            .iter()
            .map(|(p, kind)| {
                compile(p, *kind, &mut Vars::Symbolic(&mut table)).expect("no variables")
            })
            .collect();
        let refs: Vec<_> = globs.iter().collect();
        let cells = explore(Driver::Universe, &refs, MAX_STATES)
            .map_err(|_| "string conditions are too complex to enumerate".to_string())?;
        // Prefer the policy's own values (wildcards filled) as realistic representatives.
        for (p, _) in &patterns {
            out.push(filled(p));
            out.push(p.replace(['*', '?'], "x"));
            out.push(p.replace(['*', '?'], ""));
        }
        out.extend(cells.into_iter().map(|c| c.witness));
    }
    if !numbers.is_empty() {
        numbers.sort_by(|a, b| a.partial_cmp(b).expect("finite"));
        numbers.dedup();
        let mut points = vec![numbers[0] - 1.0, numbers[numbers.len() - 1] + 1.0];
        for (i, &n) in numbers.iter().enumerate() {
            points.push(n);
            if let Some(&next) = numbers.get(i + 1) {
                points.push((n + next) / 2.0);
            }
        }
        out.extend(points.into_iter().map(|x| x.to_string()));
        out.push("not-a-number".into());
    }
    if !dates.is_empty() {
        for &t in &dates {
            out.extend([t - 1, t, t + 1].map(format_date));
        }
        out.push("not-a-date".into());
    }
    if !nets.is_empty() {
        let mut points = vec![(false, 0u128), (true, 0u128)];
        for net in &nets {
            points.push((net.v6, net.first()));
            if net.first() > 0 {
                points.push((net.v6, net.first() - 1));
            }
            if net.last() < net.max() {
                points.push((net.v6, net.last() + 1));
            }
        }
        out.extend(points.into_iter().map(|(v6, a)| format_ip(v6, a)));
        out.push("not-an-ip".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conds(pairs: &[(&str, &str, &[&str])]) -> Conditions {
        let mut c = Conditions::default();
        for (op, key, values) in pairs {
            c.insert(op, key, values.iter().map(|v| v.to_string()).collect());
        }
        c
    }

    fn run(must: &Conditions, allows: &[&Conditions], denies: &[&Conditions]) -> CondOutcome {
        let problem = CondProblem {
            must,
            must_not: vec![],
            allows: allows.to_vec(),
            denies: denies.to_vec(),
            present: vec![],
            multivalued: &BTreeSet::new(),
        };
        solve_cached(&problem, &mut SolveCache::default())
    }

    #[test]
    fn iam_requests_carry_the_region_of_its_one_endpoint() {
        assert_eq!(fixed_region("iam:GetRole", "aws"), Some("us-east-1"));
        assert_eq!(fixed_region("IAM:PutRolePolicy", "aws"), Some("us-east-1"));
        // Regional services, and IAM where its region is not documented, choose none.
        assert_eq!(fixed_region("s3:GetObject", "aws"), None);
        assert_eq!(fixed_region("sts:AssumeRole", "aws"), None);
        assert_eq!(fixed_region("iam:GetRole", "aws-cn"), None);
        // PassRole is checked within another service's call, in that call's region.
        assert_eq!(fixed_region("iam:PassRole", "aws"), None);
        assert_eq!(fixed_region("IAM:passrole", "aws"), None);
    }

    #[test]
    fn string_equals_subset() {
        let a = conds(&[("StringEquals", "k", &["v"])]);
        let b = conds(&[("StringEquals", "K", &["v", "w"])]);
        assert_eq!(run(&a, &[&b], &[]), CondOutcome::Proved);
        let CondOutcome::Found(found) = run(&b, &[&a], &[]) else {
            panic!()
        };
        assert_eq!(found[0].context.get("k").unwrap(), ["w"]);
    }

    #[test]
    fn unconstrained_key_escapes() {
        let a = Conditions::default();
        let b = conds(&[("StringLike", "aws:PrincipalTag/team", &["data-*"])]);
        let CondOutcome::Found(found) = run(&a, &[&b], &[]) else {
            panic!()
        };
        assert!(found.iter().all(|f| {
            f.context
                .get("aws:principaltag/team")
                .is_none_or(|v| !v[0].starts_with("data-"))
        }));
    }

    #[test]
    fn conditional_deny_needs_a_context_that_triggers_it() {
        let a = conds(&[("NumericLessThan", "n", &["10"])]);
        let allow = Conditions::default();
        let deny = conds(&[("NumericGreaterThan", "n", &["5"])]);
        let CondOutcome::Found(found) = run(&a, &[&allow], &[&deny]) else {
            panic!()
        };
        let n: f64 = found[0].context.get("n").unwrap()[0].parse().unwrap();
        assert!(n > 5.0 && n < 10.0);
        let a = conds(&[("NumericLessThanEquals", "n", &["5"])]);
        assert_eq!(run(&a, &[&allow], &[&deny]), CondOutcome::Proved);
    }

    #[test]
    fn ips_dates_bools_null_ifexists() {
        let a = conds(&[("IpAddress", "aws:SourceIp", &["10.1.0.0/16"])]);
        let b = conds(&[(
            "IpAddress",
            "aws:SourceIp",
            &["10.0.0.0/8", "192.168.0.0/16"],
        )]);
        assert_eq!(run(&a, &[&b], &[]), CondOutcome::Proved);
        assert!(matches!(run(&b, &[&a], &[]), CondOutcome::Found(_)));
        let a = conds(&[("DateLessThan", "aws:CurrentTime", &["2024-01-01T00:00:00Z"])]);
        let b = conds(&[("DateLessThanEquals", "aws:CurrentTime", &["2024-01-01"])]);
        assert_eq!(run(&a, &[&b], &[]), CondOutcome::Proved);
        let a = conds(&[("Bool", "aws:SecureTransport", &["true"])]);
        let b = conds(&[("Null", "aws:SecureTransport", &["false"])]);
        assert_eq!(run(&a, &[&b], &[]), CondOutcome::Proved);
        // IfExists admits the absent key, which the plain operator does not.
        let a = conds(&[("StringEqualsIfExists", "k", &["v"])]);
        let b = conds(&[("StringEquals", "k", &["v"])]);
        let CondOutcome::Found(found) = run(&a, &[&b], &[]) else {
            panic!()
        };
        assert!(found[0].context.get("k").is_none());
    }

    #[test]
    fn set_operators() {
        let a = conds(&[("ForAllValues:StringEquals", "aws:TagKeys", &["env"])]);
        let b = conds(&[(
            "ForAllValues:StringEquals",
            "aws:TagKeys",
            &["env", "owner"],
        )]);
        assert_eq!(run(&a, &[&b], &[]), CondOutcome::Proved);
        let c = conds(&[("ForAnyValue:StringEquals", "aws:TagKeys", &["env"])]);
        // ForAllValues holds with no tags at all; ForAnyValue does not.
        let CondOutcome::Found(found) = run(&a, &[&c], &[]) else {
            panic!()
        };
        assert!(found[0].context.get("aws:tagkeys").is_none());
    }

    #[test]
    fn opaque_clauses() {
        let a = conds(&[("StringEquals", "s3:prefix", &["home/${aws:username}"])]);
        assert_eq!(run(&a, &[&a.clone()], &[]), CondOutcome::Proved);
        let weird = conds(&[("FancyMatch", "k", &["v"])]);
        let CondOutcome::Found(found) = run(&Conditions::default(), &[&weird], &[]) else {
            panic!()
        };
        assert!(!found[0].assumed.is_empty());
    }
}
