//! Tests of the containment shortcut ([`PreparedBoundary::covers_outright`] and
//! [`PreparedBoundary::restates`]) against the search it skips: whenever it settles a
//! statement, the search finds no escape for it either; and of its readings of a pattern
//! without tokens against the automaton's answer on the compiled pattern.

use super::*;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::cell::Cell;

thread_local! {
    /// Statements the shortcut settled on this thread.
    pub(super) static SETTLED: Cell<usize> = const { Cell::new(0) };
}

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:Get*",
    "s3:*",
    "S3:getobject",
    "sqs:SendMessage",
    "*",
    "s3:?etObject",
];
const RESOURCES: &[&str] = &[
    "arn:aws:s3:::b",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/app/*",
    "arn:aws:s3:::b*",
    "arn:aws:s3:::c/*",
    "arn:aws:s3:::b/${aws:username}/*",
    "arn:aws:sqs:*:1:q-*",
    "arn:aws:sqs:us-east-1:1:q-a",
    "*",
];

fn statement(effect: &'static str) -> impl Strategy<Value = serde_json::Value> {
    (
        prop::sample::subsequence(ACTIONS, 1..=3),
        prop::sample::subsequence(RESOURCES, 1..=3),
        prop_oneof![3 => Just(false), 1 => Just(true)],
        prop_oneof![3 => Just(false), 1 => Just(true)],
    )
        .prop_map(move |(actions, resources, negated, conditional)| {
            let mut s = serde_json::json!({"Effect": effect});
            let key = if negated { "NotAction" } else { "Action" };
            s[key] = serde_json::json!(actions);
            s["Resource"] = serde_json::json!(resources);
            if conditional {
                s["Condition"] =
                    serde_json::json!({"StringEquals": {"aws:PrincipalTag/team": "a"}});
            }
            s
        })
}

fn document(deny_weight: u32) -> impl Strategy<Value = PolicyDocument> {
    let any = prop_oneof![3 => statement("Allow"), deny_weight => statement("Deny")];
    prop::collection::vec(any, 1..=4).prop_map(|statements| {
        let doc = serde_json::json!({"Version": "2012-10-17", "Statement": statements});
        crate::iam::read::policy_from_str(&doc.to_string()).expect("a valid document")
    })
}

/// A runner with a fixed seed: the tests below count what they settle, so they must see
/// the same cases every time.
fn runner(seed: u8) -> TestRunner {
    TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]),
    )
}

/// Checks `identity` against the prepared `boundary` with the shortcut and without it, and
/// says whether it was proved. The other statements are searched alike, so the escapes
/// must be the same: none of a statement the shortcut settled. (It may turn the search's
/// unknowns into proofs.)
fn shortcut_agrees(
    identity: &PolicyDocument,
    boundary: &PolicyDocument,
    prepared: &PreparedBoundary,
) -> bool {
    let counterexamples = |verdict: &Containment| match verdict {
        Containment::Escapes {
            counterexamples, ..
        } => counterexamples.clone(),
        _ => vec![],
    };
    let options = Options::default();
    let ids = &[identity][..];
    let fast = check(ids, prepared, options, Shortcut::Take);
    let exact = check(ids, prepared, options, Shortcut::Skip);
    assert_eq!(
        counterexamples(&fast),
        counterexamples(&exact),
        "identity {identity:?}, boundary {boundary:?}"
    );
    fast == Containment::Contained
}

#[test]
fn the_shortcut_proves_only_what_the_search_cannot_refute() {
    let mut runner = runner(7);
    let mut proved = 0;
    for _ in 0..3000 {
        let identity = document(1).new_tree(&mut runner).unwrap().current();
        let boundary = document(1).new_tree(&mut runner).unwrap().current();
        let prepared = PreparedBoundary::new(std::slice::from_ref(&boundary));
        proved += usize::from(shortcut_agrees(&identity, &boundary, &prepared));
    }
    // Not vacuous: the shortcut settled many statements, of cases both proved and not.
    let settled = SETTLED.with(Cell::get);
    assert!(
        settled > 200 && proved > 400,
        "{settled} statements, {proved} proofs"
    );
}

/// The same for a boundary that restates the identity ([`PreparedBoundary::restates`], as
/// `diff` asks of two versions of a document): the identity's denies, some of its allows,
/// other allows, and now and then a deny of its own, which the rule must not overlook.
#[test]
fn a_restated_statement_is_proved_only_when_the_search_proves_it() {
    let mut runner = runner(11);
    let (mut restated, mut proved) = (0, 0);
    for _ in 0..2000 {
        let identity = document(2).new_tree(&mut runner).unwrap().current();
        let others = document(1).new_tree(&mut runner).unwrap().current();
        let keep = prop::collection::vec(any::<bool>(), identity.statements.len())
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let own_deny = prop_oneof![4 => Just(false), 1 => Just(true)]
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let mut statements: Vec<Statement> = (identity.statements.iter().zip(&keep))
            .filter(|(s, &kept)| s.effect == Effect::Deny || kept)
            .map(|(s, _)| s.clone())
            .collect();
        statements.extend(
            (others.statements.iter())
                .filter(|s| s.effect == Effect::Allow || own_deny)
                .cloned(),
        );
        let boundary = PolicyDocument::new(statements);
        let prepared = PreparedBoundary::new(std::slice::from_ref(&boundary));
        let denies: Vec<&Statement> = (identity.statements.iter())
            .filter(|s| s.effect == Effect::Deny)
            .collect();
        restated += (identity.statements.iter())
            .filter(|s| s.effect == Effect::Allow && prepared.restates(s, &denies))
            .count();
        proved += usize::from(shortcut_agrees(&identity, &boundary, &prepared));
    }
    // Not vacuous: many statements were settled as restated, in cases proved and not.
    assert!(
        restated > 500 && proved > 300,
        "{restated} restated, {proved} proofs"
    );
}

/// The shortcut's readings of a pattern without tokens agree with [`automaton::decided`]
/// on its compiled glob: a word ([`Shape::Word`]) by matching it, a pattern with wildcards
/// ([`Shape::Wild`]) by its literal head or by a shared start, whenever they tell.
#[test]
fn shapes_are_decided_as_their_globs_are() {
    let mut patterns: Vec<&str> = ACTIONS.iter().chain(RESOURCES).copied().collect();
    patterns.extend([
        "arn:aws:s3:::b/app/x",
        "arn:aws:s3:::b/app/*/x",
        "arn:aws:s3:::b?",
        "s3:Get*",
        "s3:GetObject*",
        "arn:aws:sqs:*:1:q-a",
        "arn:aws:sqs:*:1:q-a*",
        "arn:aws:sqs:*:1:q-*",
        "arn:aws:sqs:*:1:q-*:x",
        "arn:aws:sqs:*:*:q-a",
        "arn:aws:sqs*",
        "arn:aws:dynamodb:*:1:table/t-*",
        "arn:aws:dynamodb:*:1:table/t-a/index/*",
        "s3:Get*Object",
        "s3:Get*",
        "arn:aws:s3:::b/*/x*",
        "arn:aws:s3:::b/*/x/y*",
    ]);
    let plain = |p: &str| p.is_ascii() && !p.contains('$');
    let (mut words, mut heads, mut starts) = (0, 0, 0);
    for kind in [PatternKind::Action, PatternKind::Arn] {
        for &pattern in patterns.iter().filter(|p| plain(p)) {
            let glob = compile(pattern, kind, &mut Vars::Symbolic(&mut VarTable::default()))
                .expect("compiles");
            for &other in &patterns {
                let mut table = VarTable::default();
                let other =
                    compile(other, kind, &mut Vars::Symbolic(&mut table)).expect("compiles");
                if other.has_vars {
                    continue;
                }
                let decided = automaton::decided(&glob, &other);
                match crate::reason::pattern::first_special(pattern) {
                    None => {
                        assert_eq!(
                            decided,
                            Some(other.literal_head(kind).matches_word(&other, pattern, kind))
                        );
                        words += 1;
                    }
                    Some(at) => {
                        if let Some(verdict) =
                            other.literal_head(kind).verdict(&pattern[..at], kind)
                        {
                            assert_eq!(decided, Some(verdict), "{pattern} against {other:?}");
                            heads += 1;
                        }
                        let start = other.prefix_verdict(pattern, kind);
                        if let Some(verdict) = start {
                            assert_eq!(decided, Some(verdict), "{pattern} within {other:?}");
                            starts += 1;
                        }
                        // Read off the text exactly where the compiled tokens share a start.
                        let shared = match other.toks.split_last() {
                            Some((Tok::Star(crate::reason::pattern::Class::Any), start)) => {
                                start.len() <= pattern.len() && glob.toks.starts_with(start)
                            }
                            _ => false,
                        };
                        assert_eq!(start == Some(true), shared, "{pattern} within {other:?}");
                    }
                }
            }
        }
    }
    assert!(
        words > 100 && heads > 50 && starts > 10,
        "{words} words, {heads} heads, {starts} shared starts"
    );
}
