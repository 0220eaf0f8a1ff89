//! The containment checker and the concrete evaluator held against the independent reference
//! evaluator in `tests/reference/mod.rs`.
//!
//! In: random identity policies (one or two documents) and a boundary over a small alphabet
//! chosen so that patterns collide (policy variables, old or missing `Version`, `?`, mid-string
//! and segment-ending `*`, `NotAction`/`NotResource`, every modelled condition family,
//! `IfExists`, `Null`, set operators).
//! Out: a line `N cases: A agree, S soundness bugs, P precision bugs, E explain disagreements`,
//! and a failure when any bug was found. Per case:
//! (a) engine `Contained` ⇒ no request of a finite universe (catalog actions; resources built
//!     from the policies' literals and tricky variants; contexts from the literals of *both*
//!     documents, values with `/` and `:`, absent keys) is allowed by the identity policies and
//!     refused by the boundary according to the reference — otherwise a soundness bug;
//! (b) engine `Escapes` ⇒ every counterexample is confirmed by the reference and is a plausible,
//!     well-typed AWS request — otherwise a precision bug;
//! (c) engine `evaluate` agrees with the reference on requests of the same universe —
//!     otherwise an explain disagreement.
//!
//! The budget is `IAMX_REFERENCE_CASES` (default small enough for a debug run well under a
//! minute); the generator's seed is fixed so that CI cannot flake. `scripts/fuzz-verify.sh` runs
//! the same test with a large budget in release mode.

#[path = "reference/mod.rs"]
mod reference;

use iamx::catalog::Catalog;
use iamx::iam::policy::PolicyDocument;
use iamx::reason::{contained_with, evaluate, Containment, Context, Decision, Options, Request};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use reference::{Req, Verdict};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

const ACTION_PATTERNS: &[&str] = &[
    "s3:GetObject",
    "s3:Get*",
    "s3:*Object",
    "S3:get?bject",
    "s3:*",
    "iam:PassRole",
    "lambda:*",
    "lambda:InvokeFunction",
    "*",
];

/// Real catalog actions that requests are made of.
const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "iam:PassRole",
    "lambda:InvokeFunction",
];

const RESOURCE_PATTERNS: &[&str] = &[
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/home/*",
    "arn:aws:s3:::b/home/root/*",
    "arn:aws:s3:::b/home/${aws:username}/*",
    "arn:aws:s3:::b/home/${aws:PrincipalTag/team}/*",
    "arn:aws:s3:::b/home/${aws:username, 'anon'}/*",
    "arn:aws:s3:::b/home/a?/*",
    "arn:aws:s3:::b/h*e/*",
    "arn:aws:s3:::b/${*}x",
    "arn:aws:s3:*",
    "arn:aws:lambda:*:function:*",
    "arn:aws:lambda:us-east-1:1:function:f*",
    "arn:aws:lambda:*:1:function:f",
    "arn:aws:iam::*:role/a?",
    "arn:aws:iam::1:role/*",
];

type Clause = (&'static str, &'static str, &'static [&'static str]);

const CONDITIONS: &[Clause] = &[
    ("StringEquals", "aws:PrincipalTag/team", &["root"]),
    ("StringEquals", "aws:PrincipalTag/team", &["root", "a/b"]),
    ("StringLike", "aws:PrincipalTag/team", &["r*"]),
    ("StringNotEquals", "aws:PrincipalTag/team", &["root"]),
    ("StringEqualsIfExists", "aws:PrincipalTag/team", &["x:y"]),
    ("StringEqualsIgnoreCase", "aws:username", &["ROOT"]),
    ("StringLike", "aws:username", &["a*"]),
    ("Bool", "aws:SecureTransport", &["true"]),
    ("BoolIfExists", "aws:SecureTransport", &["false"]),
    ("NumericLessThan", "aws:MultiFactorAuthAge", &["3600"]),
    (
        "NumericGreaterThanEquals",
        "aws:MultiFactorAuthAge",
        &["60"],
    ),
    ("IpAddress", "aws:SourceIp", &["10.0.0.0/8"]),
    ("NotIpAddress", "aws:SourceIp", &["10.1.0.0/16"]),
    ("Null", "aws:PrincipalTag/team", &["false"]),
    ("Null", "aws:username", &["true"]),
    (
        "ForAllValues:StringEquals",
        "aws:TagKeys",
        &["env", "owner"],
    ),
    ("ForAnyValue:StringLike", "aws:TagKeys", &["e*"]),
    ("DateLessThan", "aws:CurrentTime", &["2030-01-01T00:00:00Z"]),
    (
        "DateGreaterThanIfExists",
        "aws:CurrentTime",
        &["2020-01-01"],
    ),
    ("ArnLike", "aws:SourceArn", &["arn:aws:lambda:*:function:*"]),
    // A segment-ending `*` of a condition stays in its component, unlike in `Resource`.
    ("ArnLike", "aws:SourceArn", &["arn:aws:sns:*:1:*"]),
    ("ArnNotLike", "aws:SourceArn", &["arn:aws:sns:us-east-1:*"]),
    ("ArnNotEquals", "aws:SourceArn", &["arn:aws:iam::1:role/*"]),
];

fn statement(deny_weight: u32) -> impl Strategy<Value = Value> {
    let list = |pool: &'static [&'static str]| prop::sample::subsequence(pool, 1..=2);
    (
        prop_oneof![4 => Just("Allow"), deny_weight => Just("Deny")],
        any::<bool>(),
        list(ACTION_PATTERNS),
        prop_oneof![4 => Just(false), 1 => Just(true)],
        list(RESOURCE_PATTERNS),
        prop::sample::subsequence(CONDITIONS, 0..=2),
    )
        .prop_map(
            |(effect, not_action, actions, not_resource, resources, conds)| {
                let mut s = serde_json::Map::new();
                s.insert("Effect".into(), json!(effect));
                // NotAction is rarer: it is drawn only half the time a statement has one action.
                let action_key = if not_action && actions.len() == 1 && actions[0] != "*" {
                    "NotAction"
                } else {
                    "Action"
                };
                s.insert(action_key.into(), json!(actions));
                let resource_key = if not_resource {
                    "NotResource"
                } else {
                    "Resource"
                };
                s.insert(resource_key.into(), json!(resources));
                if !conds.is_empty() {
                    let mut block: BTreeMap<&str, BTreeMap<&str, Vec<&str>>> = BTreeMap::new();
                    for (op, key, values) in conds {
                        block.entry(op).or_default().insert(key, values.to_vec());
                    }
                    s.insert("Condition".into(), json!(block));
                }
                Value::Object(s)
            },
        )
}

/// Broad boundary allows, so that many pairs are contained and the soundness check has work.
const WIDE_ALLOWS: &[(&str, &str)] = &[
    ("*", "*"),
    ("s3:*", "arn:aws:s3:::b/home/*"),
    ("*", "arn:aws:s3:::b/*"),
    ("s3:*", "arn:aws:s3:*"),
    ("*", "arn:aws:lambda:*:function:*"),
    ("*", "arn:aws:s3:::b/home/${aws:username}/*"),
];

fn document(deny_weight: u32, wide: bool) -> impl Strategy<Value = Value> {
    let wide_allows = if wide {
        prop::sample::subsequence(WIDE_ALLOWS, 0..=2).boxed()
    } else {
        Just(vec![]).boxed()
    };
    (
        prop_oneof![3 => Just(Some("2012-10-17")), 1 => Just(Some("2008-10-17")), 1 => Just(None)],
        prop::collection::vec(statement(deny_weight), 1..=3),
        wide_allows,
    )
        .prop_map(|(version, mut statements, wide)| {
            for (action, resource) in wide {
                statements.push(json!({"Effect": "Allow", "Action": action, "Resource": resource}));
            }
            let mut doc = serde_json::Map::new();
            if let Some(v) = version {
                doc.insert("Version".into(), json!(v));
            }
            doc.insert("Statement".into(), Value::Array(statements));
            Value::Object(doc)
        })
}

/// The engine's document for a JSON value. IAM reads an omitted `Version` as `2008-10-17` (IAM
/// User Guide, "IAM JSON policy elements: Version"), so that is what the engine is given.
fn engine_doc(value: &Value) -> PolicyDocument {
    let mut value = value.clone();
    if value.get("Version").is_none() {
        value["Version"] = json!("2008-10-17");
    }
    iamx::iam::read::policy_from_str(&value.to_string()).expect("generated documents are valid")
}

// ---------------------------------------------------------------------------------------------
// The finite universe of requests.

/// User names and tag values worth trying: literals of both documents, values with `/`, `:` and
/// a space, the empty tag value, and plain ones.
const VARIABLE_VALUES: &[&str] = &["root", "alice", "a1", "anon", "x:y", "a/b", "r x", ""];

fn is_user_name(v: &str) -> bool {
    (1..=64).contains(&v.len())
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
}

fn literal_resources(patterns: &BTreeSet<String>) -> Vec<String> {
    let mut out: BTreeSet<String> = [
        "arn:aws:s3:::b/home/root/k",
        "arn:aws:s3:::b/home/alice/k",
        "arn:aws:s3:::b/home/anon/k",
        "arn:aws:s3:::b/home/x:y/k",
        "arn:aws:s3:::b/home/a/b/k",
        "arn:aws:s3:::b/hxe/k",
        "arn:aws:s3:::b/*x",
        "arn:aws:s3:::bx",
        "arn:aws:lambda:us-east-1:1:function:f",
        "arn:aws:lambda:us-east-1:1:function:fx",
        "arn:aws:lambda:us-east-1:2:function:g",
        "arn:aws:iam::1:role/ab",
        "arn:aws:iam::2:role/a",
        "arn:aws:ec2:us-east-1:1:instance/i-1",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for pattern in patterns {
        if pattern == "*" {
            continue;
        }
        for value in ["root", "alice", "anon"] {
            let text = pattern
                .replace("${aws:username, 'anon'}", value)
                .replace("${aws:username}", value)
                .replace("${aws:PrincipalTag/team}", value)
                .replace("${*}", "*");
            for fill in ["", "k", "a:b/c"] {
                let r = text.replace('*', fill).replace('?', "z");
                if r.starts_with("arn:") && r.matches(':').count() >= 5 {
                    out.insert(r);
                }
            }
        }
    }
    out.into_iter().collect()
}

fn clauses_of(doc: &Value) -> Vec<(String, String, Vec<String>)> {
    let mut out = vec![];
    let statements = doc["Statement"].as_array().cloned().unwrap_or_default();
    for s in statements {
        if let Some(Value::Object(block)) = s.get("Condition") {
            for (op, keys) in block {
                for (key, values) in keys.as_object().expect("object") {
                    let values = values
                        .as_array()
                        .expect("list")
                        .iter()
                        .map(|v| v.as_str().expect("string").to_string())
                        .collect();
                    out.push((op.clone(), key.to_lowercase(), values));
                }
            }
        }
    }
    out
}

/// Candidate states per context key: absent (unless every request has the key) plus well-typed
/// values from both documents.
fn key_states(docs: &[&Value]) -> BTreeMap<String, Vec<Option<Vec<String>>>> {
    let mut keys: BTreeMap<String, BTreeSet<Vec<String>>> = BTreeMap::new();
    // Variables used in resources need values even without conditions on them.
    for k in ["aws:username", "aws:principaltag/team"] {
        keys.entry(k.into()).or_default();
    }
    for doc in docs {
        for (_, key, values) in clauses_of(doc) {
            let entry = keys.entry(key.clone()).or_default();
            for v in values {
                entry.insert(vec![v.replace('*', "x").replace('?', "y")]);
                entry.insert(vec![v.replace('*', "").replace('?', "z")]);
            }
        }
    }
    let mut out = BTreeMap::new();
    for (key, literal) in keys {
        let mut states: Vec<Option<Vec<String>>> =
            match reference::ALWAYS_INCLUDED.contains(&key.as_str()) {
                true => vec![],
                false => vec![None],
            };
        let typed: Vec<Vec<String>> = match key.as_str() {
            "aws:securetransport" => vec![vec!["true".into()], vec!["false".into()]],
            "aws:multifactorauthage" => {
                vec![vec!["30".into()], vec!["3600".into()], vec!["99999".into()]]
            }
            "aws:sourceip" => vec![
                vec!["10.1.2.3".into()],
                vec!["10.2.0.1".into()],
                vec!["192.0.2.1".into()],
                vec!["2001:db8::1".into()],
            ],
            "aws:currenttime" => vec![
                vec!["2025-06-01T00:00:00Z".into()],
                vec!["2019-01-01T00:00:00Z".into()],
                vec!["2031-01-01T00:00:00Z".into()],
            ],
            "aws:tagkeys" => vec![
                vec!["env".into()],
                vec!["owner".into(), "env".into()],
                vec!["cost".into()],
                vec!["env".into(), "cost".into()],
            ],
            "aws:sourcearn" => vec![
                vec!["arn:aws:lambda:us-east-1:1:function:f".into()],
                vec!["arn:aws:iam::1:role/x".into()],
                vec!["arn:aws:s3:::b".into()],
                vec!["arn:aws:sns:us-east-1:1:t".into()],
                // The account component is 2: only a wildcard that crossed colons would match.
                vec!["arn:aws:sns:us-east-1:2:1:t".into()],
            ],
            "aws:username" => {
                let mut v: Vec<Vec<String>> = VARIABLE_VALUES
                    .iter()
                    .filter(|v| is_user_name(v))
                    .map(|v| vec![v.to_string()])
                    .collect();
                v.extend(
                    literal
                        .iter()
                        .filter(|l| l.len() == 1 && is_user_name(&l[0]))
                        .cloned(),
                );
                v
            }
            _ => {
                let mut v: Vec<Vec<String>> = VARIABLE_VALUES
                    .iter()
                    .map(|v| vec![v.to_string()])
                    .collect();
                v.extend(literal.iter().cloned());
                v
            }
        };
        for t in typed {
            if !states.contains(&Some(t.clone())) {
                states.push(Some(t));
            }
        }
        out.insert(key, states);
    }
    out
}

/// A small deterministic generator for sampling the universe (the case's own seed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

/// Contexts: every combination when there are few, else a deterministic sample.
fn contexts(
    states: &BTreeMap<String, Vec<Option<Vec<String>>>>,
    cap: usize,
    rng: &mut Lcg,
) -> Vec<BTreeMap<String, Vec<String>>> {
    let keys: Vec<(&String, &Vec<Option<Vec<String>>>)> = states.iter().collect();
    let total = keys
        .iter()
        .try_fold(1usize, |acc, (_, s)| acc.checked_mul(s.len()))
        .unwrap_or(usize::MAX);
    let build = |pick: &dyn Fn(usize) -> usize| {
        let mut ctx = BTreeMap::new();
        for (i, (key, options)) in keys.iter().enumerate() {
            if let Some(values) = &options[pick(i)] {
                ctx.insert((*key).clone(), values.clone());
            }
        }
        ctx
    };
    let mut out = vec![];
    if total <= cap {
        for mut n in 0..total {
            let mut picks = vec![];
            for (_, options) in &keys {
                picks.push(n % options.len());
                n /= options.len();
            }
            out.push(build(&|i| picks[i]));
        }
    } else {
        // Always include "everything absent" (each key's first state: absent where it may
        // be), then deterministic random combinations.
        out.push(build(&|_| 0));
        for _ in 0..cap {
            let picks: Vec<usize> = keys.iter().map(|(_, o)| rng.next(o.len())).collect();
            out.push(build(&|i| picks[i]));
        }
    }
    out
}

fn engine_request(req: &Req) -> Request {
    let mut context = Context::new();
    for (k, v) in &req.context {
        context.set(k, v.iter().cloned());
    }
    Request {
        action: req.action.clone(),
        resource: req.resource.clone(),
        context,
    }
}

fn reference_request(request: &Request) -> Req {
    let mut req = Req::new(&request.action, &request.resource);
    for (k, v) in request.context.iter() {
        req.set(k, v.to_vec());
    }
    req
}

/// Does `action` exist in the catalog and take `resource`: an ARN of one of its resource types'
/// formats (placeholders any text but empty), or `*` for an action without resource types?
fn takes(action: &str, resource: &str) -> Result<(), String> {
    let catalog = Catalog::get();
    let entry = catalog
        .action(action)
        .ok_or_else(|| format!("action {action:?} is not in the catalog"))?;
    let formats = catalog.action_arn_formats(entry);
    let fits = if formats.is_empty() {
        resource == "*"
    } else {
        formats.iter().any(|format| {
            // `${Placeholder}` becomes `?*`: some text, never none.
            let mut pattern = String::new();
            let mut rest = *format;
            while let Some(open) = rest.find("${") {
                let close = rest[open..].find('}').expect("closed placeholder") + open;
                pattern.push_str(&rest[..open]);
                pattern.push_str("?*");
                rest = &rest[close + 1..];
            }
            pattern.push_str(rest);
            reference::arn_matches(&pattern, resource)
        })
    };
    if fits {
        Ok(())
    } else {
        Err(format!(
            "resource {resource:?} is not of a type {action} takes"
        ))
    }
}

/// Is the counterexample something AWS could actually send? Action `service:Name` without
/// wildcards, an ARN resource, and context values of the right type for typed global keys.
fn plausible(request: &Request) -> Result<(), String> {
    let action_ok = request.action.split_once(':').is_some_and(|(s, n)| {
        !s.is_empty() && !n.is_empty() && !request.action.contains(['*', '?'])
    });
    if !action_ok {
        return Err(format!("action {:?}", request.action));
    }
    takes(&request.action, &request.resource)?;
    for (key, values) in request.context.iter() {
        let single = || values.len() == 1;
        let ok = match key {
            "aws:sourceip" => single() && values[0].parse::<std::net::IpAddr>().is_ok(),
            "aws:multifactorauthage" => single() && values[0].parse::<u64>().is_ok(),
            "aws:securetransport" => single() && matches!(values[0].as_str(), "true" | "false"),
            "aws:username" => single() && is_user_name(&values[0]),
            "aws:currenttime" => {
                single() && values[0].len() >= 10 && values[0].as_bytes()[4] == b'-'
            }
            "aws:tagkeys" => true,
            _ => single(),
        };
        if !ok {
            return Err(format!("context {key}={values:?}"));
        }
    }
    Ok(())
}

#[derive(Default)]
struct Tally {
    cases: usize,
    agree: usize,
    soundness: usize,
    precision: usize,
    explain: usize,
    proved: usize,
    escapes: usize,
    unknown: usize,
    examples: Vec<String>,
}

fn check_case(identity: &[Value], boundary: &Value, seed: u64, tally: &mut Tally) {
    let ids = identity.to_vec();
    let bds = [boundary.clone()];
    let engine_ids: Vec<PolicyDocument> = identity.iter().map(engine_doc).collect();
    let engine_bds = [engine_doc(boundary)];
    let mut bugs = (0, 0, 0);
    let note = |kind: &str, detail: String, examples: &mut Vec<String>| {
        if examples.len() < 12 {
            examples.push(format!(
                "{kind}: {detail}\n  identity: {}\n  boundary: {boundary}",
                Value::Array(identity.to_vec())
            ));
        }
    };

    let mut patterns: BTreeSet<String> = BTreeSet::new();
    for doc in identity.iter().chain([boundary]) {
        for s in doc["Statement"].as_array().expect("list") {
            for k in ["Resource", "NotResource"] {
                if let Some(list) = s.get(k).and_then(Value::as_array) {
                    patterns.extend(list.iter().map(|v| v.as_str().expect("str").to_string()));
                }
            }
        }
    }
    let resources = literal_resources(&patterns);
    let mut rng = Lcg(seed);
    let docs: Vec<&Value> = identity.iter().chain([boundary]).collect();
    let states = key_states(&docs);
    let ctxs = contexts(&states, 48, &mut rng);

    // As `iamx verify` asks it: requests range over what AWS could receive (catalog actions on
    // resources of a type they take).
    let verdict = contained_with(
        &engine_ids,
        &engine_bds,
        Options {
            known_actions: &[],
            catalog: Some(Catalog::get()),
        },
    );
    let escapes_in_universe = |limit: usize| -> Vec<Req> {
        let mut found = vec![];
        for action in ACTIONS {
            for resource in resources.iter().filter(|r| takes(action, r).is_ok()) {
                for ctx in &ctxs {
                    let req = Req {
                        action: action.to_string(),
                        resource: resource.clone(),
                        context: ctx.clone(),
                    };
                    if reference::evaluate(&ids, None, &req) == Verdict::Allow
                        && reference::evaluate(&ids, Some(&bds), &req) != Verdict::Allow
                    {
                        found.push(req);
                        if found.len() >= limit {
                            return found;
                        }
                    }
                }
            }
        }
        found
    };
    match &verdict {
        // The universe's actions are all listed, so a note about unlisted ones changes nothing.
        Containment::Contained | Containment::ContainedForListedActions(_) => {
            tally.proved += 1;
            if let Some(req) = escapes_in_universe(1).pop() {
                bugs.0 += 1;
                note(
                    "soundness (proved, but escapes)",
                    format!("{req:?}"),
                    &mut tally.examples,
                );
            }
        }
        Containment::Escapes {
            counterexamples, ..
        } => {
            tally.escapes += 1;
            for ce in counterexamples {
                let req = reference_request(&ce.request);
                let confirmed = reference::evaluate(&ids, None, &req) == Verdict::Allow
                    && reference::evaluate(&ids, Some(&bds), &req) != Verdict::Allow;
                let why = if !confirmed {
                    Some("not confirmed by the reference".to_string())
                } else {
                    plausible(&ce.request)
                        .err()
                        .map(|e| format!("implausible {e}"))
                };
                if let Some(why) = why {
                    bugs.1 += 1;
                    note(
                        "precision (bad counterexample)",
                        format!("{why}: {}", ce.request),
                        &mut tally.examples,
                    );
                    break;
                }
            }
        }
        Containment::Unknown(_) => tally.unknown += 1,
    }

    // (c) concrete evaluation against the reference on a sample of the universe.
    for _ in 0..60 {
        let req = Req {
            action: ACTIONS[rng.next(ACTIONS.len())].to_string(),
            resource: resources[rng.next(resources.len())].clone(),
            context: ctxs[rng.next(ctxs.len())].clone(),
        };
        let want = reference::evaluate(&ids, Some(&bds), &req);
        let got = evaluate(&engine_ids, Some(&engine_bds), &engine_request(&req)).decision;
        let same = matches!(
            (want, got),
            (Verdict::Allow, Decision::Allow)
                | (Verdict::ImplicitDeny, Decision::ImplicitDeny)
                | (Verdict::ExplicitDeny, Decision::ExplicitDeny)
        );
        if !same {
            bugs.2 += 1;
            note(
                "explain (evaluate disagrees)",
                format!("{req:?}: reference {want:?}, engine {got:?}"),
                &mut tally.examples,
            );
            break;
        }
    }

    tally.cases += 1;
    tally.soundness += bugs.0;
    tally.precision += bugs.1;
    tally.explain += bugs.2;
    if bugs == (0, 0, 0) {
        tally.agree += 1;
    }
}

fn budget() -> usize {
    std::env::var("IAMX_REFERENCE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

/// The generator's seed: 32 bytes of `0x1a`, or `IAMX_REFERENCE_SEED` (a number) spread over
/// them.
fn seed() -> [u8; 32] {
    match std::env::var("IAMX_REFERENCE_SEED") {
        Err(_) => [0x1a; 32],
        Ok(text) => {
            let number: u64 = text.parse().expect("IAMX_REFERENCE_SEED is a number (u64)");
            let mut seed = [0; 32];
            for chunk in seed.chunks_mut(8) {
                chunk.copy_from_slice(&number.to_le_bytes());
            }
            seed
        }
    }
}

#[test]
fn engine_agrees_with_the_reference_evaluator() {
    let config = Config {
        failure_persistence: None,
        ..Config::default()
    };
    // Fixed seed: the same cases on every run (no flaky CI); a longer budget, or another seed
    // (`IAMX_REFERENCE_SEED`, a number), explores further.
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed());
    let mut runner = TestRunner::new_with_rng(config, rng);
    // Boundaries often repeat the identity's allows (under a possibly different Version) next to
    // random statements: near-misses are where wrong proofs hide.
    // A second identity document (a role with two policies, perhaps of another Version) now and
    // then.
    let identities = (
        document(1, false),
        prop::option::weighted(0.3, document(1, false)),
    )
        .prop_map(|(first, second)| {
            let mut list = vec![first];
            list.extend(second);
            list
        });
    let pairs = identities.prop_flat_map(|identity| {
        let copied: Vec<Value> = identity
            .iter()
            .flat_map(|d| d["Statement"].as_array().expect("list").clone())
            .filter(|s| s["Effect"] == "Allow")
            .collect();
        (
            Just(identity),
            document(3, true),
            any::<bool>(),
            prop_oneof![
                Just(None),
                Just(Some("2012-10-17")),
                Just(Some("2008-10-17"))
            ],
        )
            .prop_map(move |(identity, mut boundary, copy, version)| {
                if copy {
                    let list = boundary["Statement"].as_array_mut().expect("list");
                    list.retain(|s| s["Effect"] == "Deny");
                    list.extend(copied.iter().cloned());
                    match version {
                        Some(v) => boundary["Version"] = json!(v),
                        None => {
                            boundary.as_object_mut().expect("object").remove("Version");
                        }
                    }
                }
                (identity, boundary)
            })
    });
    let mut tally = Tally::default();
    for case in 0..budget() {
        let (identity, boundary) = pairs
            .new_tree(&mut runner)
            .expect("strategy never rejects")
            .current();
        check_case(&identity, &boundary, case as u64 + 1, &mut tally);
    }
    let summary = format!(
        "{} cases: {} agree, {} soundness bugs, {} precision bugs, {} explain disagreements",
        tally.cases, tally.agree, tally.soundness, tally.precision, tally.explain
    );
    println!("{summary}");
    println!(
        "engine verdicts: {} proved, {} escapes, {} unknown",
        tally.proved, tally.escapes, tally.unknown
    );
    for example in &tally.examples {
        println!("{example}");
    }
    // Guard against a vacuous run: the alphabet must produce every kind of verdict.
    assert!(
        tally.cases == 0 || tally.proved + tally.escapes > 0,
        "{summary}"
    );
    assert_eq!(
        tally.soundness + tally.precision + tally.explain,
        0,
        "{summary}"
    );
}

/// The reference evaluator itself, on the rules it was written from (checked by hand against
/// the AWS documentation examples cited in `tests/reference/mod.rs`).
#[test]
fn reference_follows_the_documented_rules() {
    let doc = |version: Option<&str>, resource: &str| {
        let mut d =
            json!({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": resource}]});
        if let Some(v) = version {
            d["Version"] = json!(v);
        }
        d
    };
    let mut alice = Req::new("S3:GetObject", "arn:aws:s3:::b/home/alice/k");
    alice.set("aws:username", vec!["alice".into()]);
    let var = "arn:aws:s3:::b/home/${aws:username}/*";
    assert_eq!(
        reference::evaluate(&[doc(Some("2012-10-17"), var)], None, &alice),
        Verdict::Allow
    );
    // Older or missing versions read `${...}` literally.
    assert_eq!(
        reference::evaluate(&[doc(Some("2008-10-17"), var)], None, &alice),
        Verdict::ImplicitDeny
    );
    assert_eq!(
        reference::evaluate(&[doc(None, var)], None, &alice),
        Verdict::ImplicitDeny
    );
    let literal = Req::new("s3:GetObject", "arn:aws:s3:::b/home/${aws:username}/k");
    assert_eq!(
        reference::evaluate(&[doc(None, var)], None, &literal),
        Verdict::Allow
    );
    // A `*` ending a segment crosses colons; one inside a segment does not.
    let lambda = Req::new("s3:x", "arn:aws:lambda:us-east-1:1:function:f");
    assert_eq!(
        reference::evaluate(&[doc(None, "arn:aws:lambda:*:function:*")], None, &lambda),
        Verdict::Allow
    );
    assert_eq!(
        reference::evaluate(&[doc(None, "arn:aws:lambda:u*1:function:*")], None, &lambda),
        Verdict::ImplicitDeny
    );
    assert_eq!(
        reference::evaluate(
            &[doc(None, "arn:aws:lambda:?s-east-1:1:function:?")],
            None,
            &lambda
        ),
        Verdict::Allow
    );
    // Negated operators match an absent key; positive ones do not; IfExists does.
    let cond = |op: &str| json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {op: {"aws:PrincipalTag/team": "x"}}}});
    let bare = Req::new("s3:GetObject", "arn:aws:s3:::b");
    assert_eq!(
        reference::evaluate(&[cond("StringNotEquals")], None, &bare),
        Verdict::Allow
    );
    assert_eq!(
        reference::evaluate(&[cond("StringEquals")], None, &bare),
        Verdict::ImplicitDeny
    );
    assert_eq!(
        reference::evaluate(&[cond("StringEqualsIfExists")], None, &bare),
        Verdict::Allow
    );
}

/// Dates, numbers and addresses in requests are read as the reference reads them: the engine's
/// one rule (`iam::values`, which `check` holds policy values to) against the reference's own
/// readers, on request values near and past the edges of their formats (a 29 February in a
/// common year, hour 24, a `/33` or `/+8` prefix, a number with spaces or an exponent).
#[test]
fn typed_request_values_are_read_as_the_reference_reads_them() {
    const CLAUSES: &[Clause] = &[
        (
            "DateLessThan",
            "aws:CurrentTime",
            &["2028-02-29T12:00:00.5Z"],
        ),
        ("DateGreaterThanEquals", "aws:CurrentTime", &["1735689600"]),
        ("DateNotEquals", "aws:CurrentTime", &["2027-03-01"]),
        ("NumericLessThan", "aws:MultiFactorAuthAge", &["3600"]),
        ("NumericNotEquals", "aws:MultiFactorAuthAge", &["60", "1e3"]),
        (
            "IpAddress",
            "aws:SourceIp",
            &["10.0.0.0/8", "2001:db8::/32"],
        ),
        ("NotIpAddress", "aws:SourceIp", &["10.1.0.0/16"]),
    ];
    let two = |range: std::ops::RangeInclusive<u32>| range.prop_map(|n| format!("{n:02}"));
    let date = (
        prop_oneof![Just(2027u32), Just(2028), Just(2100), 1999u32..2031],
        two(0..=13),
        two(0..=32),
        prop::option::of((
            two(0..=24),
            two(0..=60),
            two(0..=60),
            prop::option::of(prop_oneof![Just("5"), Just("25"), Just("125"), Just("999")]),
        )),
    )
        .prop_map(|(year, month, day, time)| match time {
            None => format!("{year:04}-{month}-{day}"),
            Some((h, m, s, None)) => format!("{year:04}-{month}-{day}T{h}:{m}:{s}Z"),
            Some((h, m, s, Some(f))) => format!("{year:04}-{month}-{day}T{h}:{m}:{s}.{f}Z"),
        });
    let time = prop_oneof![
        3 => date,
        1 => (1_600_000_000u64..1_900_000_000).prop_map(|s| s.to_string()),
    ];
    let number = prop_oneof![
        (0u32..5000).prop_map(|n| n.to_string()),
        (0u32..5000).prop_map(|n| format!(" {n} ")),
        (0u32..50).prop_map(|n| format!("{n}.5")),
        Just("1e3".to_string()),
        Just("-0".to_string()),
        Just("abc".to_string()),
        Just("inf".to_string()),
    ];
    let octet = prop_oneof![Just(10u8), Just(192), any::<u8>()];
    let address = prop_oneof![
        3 => (octet.clone(), prop_oneof![Just(1u8), any::<u8>()], any::<u8>(), any::<u8>())
            .prop_map(|(a, b, c, d)| format!("{a}.{b}.{c}.{d}")),
        1 => any::<u16>().prop_map(|x| format!("2001:db8::{x:x}")),
        1 => any::<u16>().prop_map(|x| format!("2001:db9::{x:x}")),
    ];
    let ip = (
        address,
        prop_oneof![
            4 => Just(""),
            1 => Just("/32"),
            1 => Just("/33"),
            1 => Just("/+8"),
            1 => Just("/"),
        ],
    )
        .prop_map(|(a, p)| format!("{a}{p}"));
    let case = (0..CLAUSES.len(), time, number, ip);
    let config = Config {
        cases: 2000,
        failure_persistence: None,
        ..Config::default()
    };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed());
    let mut runner = TestRunner::new_with_rng(config, rng);
    let result = runner.run(&case, |(clause, time, number, ip)| {
        let (operator, key, values) = CLAUSES[clause];
        let document = json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "*",
                "Condition": {operator: {key: values}},
            }],
        });
        let mut req = Req::new("s3:GetObject", "arn:aws:s3:::b/k");
        req.set("aws:CurrentTime", vec![time]);
        req.set("aws:MultiFactorAuthAge", vec![number]);
        req.set("aws:SourceIp", vec![ip]);
        let want = reference::evaluate(std::slice::from_ref(&document), None, &req);
        let engine = evaluate(
            &[engine_doc(&document)],
            None::<&[PolicyDocument]>,
            &engine_request(&req),
        );
        prop_assert!(engine.unmodelled.is_empty(), "{:?}", engine.unmodelled);
        let got = match engine.decision {
            Decision::Allow => Verdict::Allow,
            Decision::ImplicitDeny => Verdict::ImplicitDeny,
            Decision::ExplicitDeny => Verdict::ExplicitDeny,
        };
        prop_assert_eq!(want, got, "{} on {:?}", operator, req.context);
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}
