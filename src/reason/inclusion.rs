//! Inclusion between two IAM wildcard patterns, decided with the engine's own pattern semantics,
//! for the checks that ask "does this pattern already cover that one" (the redundancy lints and
//! the delegation policy's "already denied" test). There is no second glob matcher.
//!
//! In: two pattern texts and how IAM reads them ([`PatternKind::Action`] or
//! [`PatternKind::Arn`]). Out: whether every string `inner` can match is matched by `outer`.
//! Undecided cases answer `false` ("not covered"), which only ever makes a lint quieter or a
//! generated deny explicit.

use super::automaton::{
    covered_by_alignment, decided, explore_within, first_word, Driver, MAX_STATES, MAX_WORK,
};
use super::pattern::{
    compile, first_special, is_var_symbol, too_long, Class, Glob, PatternKind, Tok, VarTable, Vars,
};
use crate::iam::policy::wildcard_matches;
use foldhash::HashSet;
use std::cell::OnceCell;
use std::hash::{Hash, Hasher};

/// Whether every string `inner` matches is also matched by `outer` (see the module docs).
///
/// Policy variables: a variable in `inner` may take any value, so it is widened to a `*` that
/// may span colons (an over-approximation of `inner`, so inclusion stays true when claimed); a
/// variable in `outer` is only trusted when `outer` and `inner` are the same text.
pub fn pattern_includes(outer: &str, inner: &str, kind: PatternKind) -> bool {
    let mut unlimited = usize::MAX;
    includes(outer, inner, kind, &mut unlimited).unwrap_or(false)
}

/// [`pattern_includes`] within a budget shared with other comparisons, in the units of the
/// automaton's work ([`MAX_WORK`]; deciding on the text costs 1): `None` once it is spent.
fn includes(outer: &str, inner: &str, kind: PatternKind, budget: &mut usize) -> Option<bool> {
    let literal = first_special(outer).unwrap_or(outer.len());
    includes_from(outer, literal, &OnceCell::new(), inner, kind, budget)
}

/// [`includes`] with the length of `outer`'s literal head (up to its first `*`, `?` or `$`)
/// known, and `outer` compiled into `outer_glob` on first need: a [`PatternList`] finds the
/// head once per pattern and compiles it once, not once per comparison.
fn includes_from(
    outer: &str,
    literal: usize,
    outer_glob: &OnceCell<Option<Glob>>,
    inner: &str,
    kind: PatternKind,
    budget: &mut usize,
) -> Option<bool> {
    *budget = budget.checked_sub(1)?;
    if outer == "*" {
        return Some(true);
    }
    let same_text = match kind {
        PatternKind::Action => outer.eq_ignore_ascii_case(inner),
        _ => outer == inner,
    };
    if same_text {
        return Some(true);
    }
    if too_long(outer).or(too_long(inner)).is_some() {
        return Some(false);
    }
    // Fast path: most pairs differ in their literal prefix (another service or bucket).
    let prefix = inner.get(..literal);
    let prefix_matches = prefix.is_some_and(|p| match kind {
        PatternKind::Action => p.eq_ignore_ascii_case(&outer[..literal]),
        _ => p == &outer[..literal],
    });
    if !prefix_matches || prefix.is_some_and(|p| first_special(p).is_some()) {
        return Some(false);
    }
    if literal == outer.len() {
        // `outer` is one concrete string and `inner` is not the same text.
        return Some(false);
    }
    // The word test below, before compiling either pattern, where `inner`'s first word is its
    // text without its `*`s. Most pairs that get this far end here (`...:log-group:g` against
    // `...:log-group:g:*`, each way), at a twentieth of the cost of compiling both.
    if let Some(word) = plain_first_word(inner, kind) {
        if !wildcard_matches(outer, &word, kind == PatternKind::Action) {
            return Some(false);
        }
    }
    let outer_text = outer;
    let compiled = || compile(outer, kind, &mut Vars::Symbolic(&mut VarTable::default()));
    let Some(outer) = outer_glob.get_or_init(compiled) else {
        return Some(false);
    };
    if outer.has_vars {
        return Some(false);
    }
    // `outer` holds no variable, so `inner`'s are numbered from the first, as they would be
    // after `outer` in one table.
    let mut table = VarTable::default();
    let Some(mut inner) = compile(inner, kind, &mut Vars::Symbolic(&mut table)) else {
        return Some(false);
    };
    widen_variables(&mut inner);
    // Most pairs are settled by their tokens (`s3:*` over `s3:GetObject`).
    if let Some(answer) = decided(&inner, outer) {
        return Some(answer);
    }
    // One word of `inner` that `outer` misses settles it without a search (most pairs that
    // get this far, such as `.../x:*` against `.../x`, or `...:subnet/*` against
    // `...:vpc/*`). The plain wildcard walk on `outer`'s text asks first: it reads `outer`'s
    // wildcards as matching anything (no ARN segments, no padding), so a word it misses `outer`
    // misses too; it costs a tenth of the automaton's walk.
    if let Some(word) = first_word(&inner) {
        let ignore_case = kind == PatternKind::Action;
        // The walk reads bytes, so only an ASCII word is its to refuse (`?` is one character).
        let walk_refuses = word.is_ascii() && !wildcard_matches(outer_text, &word, ignore_case);
        if walk_refuses || !outer.matches(&word) {
            return Some(false);
        }
    }
    // Most of the rest are included by one alignment of their tokens (`...:*:*:document/*`
    // over `...:*::document/AWS-*`), found in a pass instead of a search.
    if covered_by_alignment(&inner, outer) {
        return Some(true);
    }
    let given = (*budget).min(MAX_WORK);
    let mut work = given;
    let found = explore_within(Driver::Union(&[&inner]), &[outer], MAX_STATES, &mut work);
    *budget -= given - work;
    match found {
        Ok(cells) => Some(cells.iter().all(|cell| cell.accepted[0])),
        // Out of the shared budget, rather than over the search's own limits.
        Err(_) if work == 0 && given < MAX_WORK => None,
        Err(_) => Some(false),
    }
}

/// [`first_word`] of `inner` compiled, read off its text where that is the text without its
/// `*`s (ASCII case aside, which the word test ignores for actions): an ASCII action, or an
/// ASCII ARN with all six parts (no padding), with no `?` and no `$`. `None` for the others.
fn plain_first_word(inner: &str, kind: PatternKind) -> Option<String> {
    let plain = inner.is_ascii() && memchr::memchr2(b'?', b'$', inner.as_bytes()).is_none();
    let shaped = match kind {
        PatternKind::Action => true,
        PatternKind::Arn => memchr::memchr_iter(b':', inner.as_bytes()).nth(4).is_some(),
        _ => false,
    };
    (plain && shaped).then(|| {
        // The runs between `*`s, copied whole rather than a character at a time.
        let mut word = String::with_capacity(inner.len());
        inner.split('*').for_each(|run| word.push_str(run));
        word
    })
}

/// A list of patterns (a statement's `Action` or `Resource`) made ready to be asked many times
/// whether it includes a pattern, as [`pattern_includes`] decides for each of its patterns: the
/// concrete ones (no `*`, `?` or `$`, which include only their own text) are looked up in a set,
/// and only the wildcard ones are compared one by one. Lints compare every statement with every
/// other; pair by pair, two lists of 40,000 actions took 50 seconds.
pub struct PatternList<'a> {
    kind: PatternKind,
    any: bool,
    /// The concrete patterns, compared one by one while they are few (most statements have a
    /// handful: a set per statement cost more than the lint's comparisons)...
    concrete: Vec<&'a str>,
    /// ... and looked up here when there are more than [`SET_FROM`].
    concrete_set: Option<HashSet<Concrete<'a>>>,
    /// The other patterns.
    wildcards: Vec<Wildcard<'a>>,
}

/// A pattern of a [`PatternList`] with a wildcard: its text, the length of its literal head,
/// the head's last bytes (see [`head_end`]), and its glob once a comparison needed it.
struct Wildcard<'a> {
    text: &'a str,
    literal: usize,
    head_end: u64,
    glob: OnceCell<Option<Glob>>,
}

/// The last eight bytes of `text` before `end` (all of them when `end` is under eight, the
/// rest of the word zero) as a little-endian word, in ASCII lower case for a kind that ignores
/// case (the catalog's [`crate::catalog::lower_ascii`]); `None` when `text` is shorter than
/// `end`. A pattern includes only texts that start with its literal head ([`includes_from`]
/// says no to the others), so a text whose bytes before the head's end differ from the head's
/// is settled by comparing two words: the end of a head tells most patterns apart
/// (`...:Describe*`, `...:bucket/logs/*`), where its start is the same for every ARN.
fn head_end(text: &str, end: usize, kind: PatternKind) -> Option<u64> {
    let bytes = text.as_bytes();
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"));
    let found = match (end, bytes.len()) {
        (_, len) if len < end => return None,
        (8.., _) => word(end - 8),
        (_, 8..) => word(0) & u64::MAX.checked_shr(64 - 8 * end as u32).unwrap_or(0),
        _ => {
            let mut padded = [0u8; 8];
            padded[..end].copy_from_slice(&bytes[..end]);
            u64::from_le_bytes(padded)
        }
    };
    // Lower-casing leaves the zero bytes past a short head as they are.
    Some(match kind {
        PatternKind::Action => crate::catalog::lower_ascii(found),
        _ => found,
    })
}

/// A concrete pattern as a [`PatternList`]'s set holds it: compared and hashed as
/// `pattern_includes` compares concrete texts (ASCII case ignored for actions), without a
/// lower-cased copy.
#[derive(Clone, Copy)]
struct Concrete<'a> {
    text: &'a str,
    ignore_case: bool,
}

impl PartialEq for Concrete<'_> {
    fn eq(&self, other: &Self) -> bool {
        match self.ignore_case {
            true => self.text.eq_ignore_ascii_case(other.text),
            false => self.text == other.text,
        }
    }
}

impl Eq for Concrete<'_> {}

impl Hash for Concrete<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        if !self.ignore_case {
            return self.text.hash(state);
        }
        // The lower-cased text, a chunk at a time: equal texts give equal chunks.
        let mut chunk = [0u8; 64];
        for part in self.text.as_bytes().chunks(chunk.len()) {
            let lower = &mut chunk[..part.len()];
            lower.copy_from_slice(part);
            lower.make_ascii_lowercase();
            state.write(lower);
        }
        state.write_u8(0xff);
    }
}

/// How many concrete patterns a [`PatternList`] compares one by one before it makes a set.
const SET_FROM: usize = 16;

impl<'a> PatternList<'a> {
    pub fn new(list: &'a [String], kind: PatternKind) -> PatternList<'a> {
        let mut out = PatternList {
            kind,
            any: false,
            // Most patterns of a list are concrete: made at the list's size, not by doubling.
            concrete: Vec::with_capacity(list.len()),
            concrete_set: None,
            wildcards: Vec::new(),
        };
        for pattern in list {
            if pattern == "*" {
                out.any = true;
            } else if let Some(literal) = first_special(pattern) {
                out.wildcards.push(Wildcard {
                    text: pattern,
                    literal,
                    head_end: head_end(pattern, literal, kind).expect("the head is in the text"),
                    glob: OnceCell::new(),
                });
            } else {
                out.concrete.push(pattern);
            }
        }
        if out.concrete.len() > SET_FROM {
            let set = out.concrete.iter().map(|&c| out.key(c)).collect();
            out.concrete_set = Some(set);
        }
        out
    }

    /// Whether `inner` is one of the concrete patterns, compared as [`PatternList::key`] makes
    /// them (ASCII case ignored for actions).
    fn is_concrete(&self, inner: &str) -> bool {
        match &self.concrete_set {
            Some(set) => set.contains(&self.key(inner)),
            None => self.concrete.iter().any(|&c| match self.kind {
                PatternKind::Action => c.eq_ignore_ascii_case(inner),
                _ => c == inner,
            }),
        }
    }

    /// How `pattern_includes` compares concrete texts: actions ignore ASCII case.
    fn key<'t>(&self, text: &'t str) -> Concrete<'t> {
        Concrete {
            text,
            ignore_case: self.kind == PatternKind::Action,
        }
    }

    /// Whether some pattern of the list includes `inner`; `None` once `budget` is spent. A
    /// lookup or a comparison decided on the patterns' text costs 1, a comparison that needs an
    /// automaton search the search's work (a word of state read or written costs 1).
    pub fn includes(&self, inner: &str, budget: &mut usize) -> Option<bool> {
        *budget = budget.checked_sub(1)?;
        if self.any || self.is_concrete(inner) {
            return Some(true);
        }
        for outer in &self.wildcards {
            if head_end(inner, outer.literal, self.kind) != Some(outer.head_end) {
                // What `includes_from` charges for its answer (no), so the budget runs out
                // where it would without this test.
                *budget = budget.checked_sub(1)?;
                continue;
            }
            let (text, literal, glob) = (outer.text, outer.literal, &outer.glob);
            if includes_from(text, literal, glob, inner, self.kind, budget)? {
                return Some(true);
            }
        }
        Some(false)
    }

    /// Whether every pattern of `inner` is included in the list; `None` once `budget` is spent.
    pub fn includes_all(&self, inner: &[String], budget: &mut usize) -> Option<bool> {
        for pattern in inner {
            if !self.includes(pattern, budget)? {
                return Some(false);
            }
        }
        Some(true)
    }
}

fn widen_variables(glob: &mut Glob) {
    for tok in &mut glob.toks {
        if matches!(tok, Tok::Lit(c) if is_var_symbol(*c)) {
            *tok = Tok::Star(Class::Any);
        }
    }
    glob.has_vars = false;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(outer: &str, inner: &str) -> bool {
        pattern_includes(outer, inner, PatternKind::Action)
    }
    fn arn(outer: &str, inner: &str) -> bool {
        pattern_includes(outer, inner, PatternKind::Arn)
    }

    #[test]
    fn actions_ignore_case() {
        assert!(action("s3:*", "s3:Get*"));
        assert!(action("s3:Get*", "S3:GETOBJECT"));
        assert!(!action("s3:Get?", "s3:Get*"));
        assert!(!action("s3:Get*", "s3:*"));
    }

    #[test]
    fn arns_follow_the_segment_rule() {
        assert!(arn("arn:aws:s3:::b/*", "arn:aws:s3:::b/x/*"));
        assert!(!arn("arn:aws:s3:::b/*", "arn:aws:s3:::B/x"));
        assert!(arn("*", "arn:aws:s3:::b:x"));
        // The resource segment may contain `:`, and its wildcards match it: IAM's rule, which
        // the lint's own matcher used to get wrong.
        assert!(arn(
            "arn:aws:logs:*:*:log-group:*",
            "arn:aws:logs:us-east-1:111122223333:log-group:x:log-stream:y"
        ));
        assert!(!arn(
            "arn:aws:logs:us-east-1:*:log-group:*",
            "arn:aws:logs:*:111122223333:log-group:x"
        ));
        // Refuted by one word of the inner pattern, without a search.
        assert!(!arn(
            "arn:aws:logs:*:1:log-group:/x:*",
            "arn:aws:logs:*:1:log-group:/x"
        ));
        assert!(arn(
            "arn:aws:logs:*:1:log-group:/x*",
            "arn:aws:logs:*:1:log-group:/x:*"
        ));
    }

    #[test]
    fn pattern_lists_decide_as_pattern_includes_does() {
        let outer: Vec<String> = ["S3:GetObject", "s3:List*", "ec2:Describe?", "iam:PassRole"]
            .map(String::from)
            .to_vec();
        let list = PatternList::new(&outer, PatternKind::Action);
        let inners = [
            "s3:getobject",
            "s3:ListBucket",
            "s3:List*",
            "ec2:DescribeX",
            "ec2:Describe*",
            "iam:passrole",
            "iam:Pass*",
            "s3:GetObjectAcl",
            "S3:LISTBUCKET",
            "EC2:describeX",
        ];
        for inner in inners {
            let mut budget = 1_000_000;
            let each = outer.iter().any(|o| action(o, inner));
            assert_eq!(list.includes(inner, &mut budget), Some(each), "{inner}");
        }
        let mut budget = 1_000_000;
        let all: Vec<String> = ["s3:ListBucket", "iam:passrole"].map(String::from).to_vec();
        assert_eq!(list.includes_all(&all, &mut budget), Some(true));
        let any = PatternList::new(&outer[..0], PatternKind::Arn);
        assert_eq!(any.includes("arn:aws:s3:::b", &mut budget), Some(false));
        // A spent budget says so instead of answering.
        let mut budget = 2;
        assert_eq!(list.includes("ec2:DescribeX", &mut budget), None);
        assert_eq!(budget, 0);
    }

    /// Lists of few concrete patterns compare them one by one, longer ones look them up in a
    /// set: both answer as `pattern_includes` does, in either case and kind.
    #[test]
    fn short_and_long_pattern_lists_agree() {
        for kind in [PatternKind::Action, PatternKind::Arn] {
            for size in [3, SET_FROM + 5] {
                let outer: Vec<String> = (0..size)
                    .map(|i| match kind {
                        // Half of them longer than a hashed chunk.
                        PatternKind::Action => {
                            format!("s3:Get{i}Object{}", "Long".repeat(i % 2 * 20))
                        }
                        _ => format!("arn:aws:s3:::Bucket{i}"),
                    })
                    .collect();
                let list = PatternList::new(&outer, kind);
                assert_eq!(list.concrete_set.is_some(), size > SET_FROM);
                let mut inners: Vec<String> = outer.clone();
                inners.extend(outer.iter().map(|o| o.to_lowercase()));
                inners.extend(outer.iter().map(|o| format!("{o}x")));
                for inner in &inners {
                    let mut budget = 1_000_000;
                    let each = outer.iter().any(|o| pattern_includes(o, inner, kind));
                    assert_eq!(list.includes(inner, &mut budget), Some(each), "{inner}");
                }
            }
        }
    }

    mod shortcut {
        use super::super::*;
        use crate::reason::automaton::explore;
        use proptest::prelude::*;

        /// Pattern texts of both kinds, with ARNs of every number of segments (so that the
        /// padding of a trailing `*` is met), both cases, `?`, variables and a character
        /// outside ASCII.
        fn pattern() -> impl Strategy<Value = String> {
            prop::collection::vec(prop::sample::select(PARTS), 1..8).prop_map(|p| p.concat())
        }

        const PARTS: &[&str] = &[
            "arn:aws:ec2:",
            "arn:",
            "s3:",
            "Get",
            "get",
            "*",
            "?",
            ":",
            "::",
            "subnet/",
            "vpc/",
            "x",
            "${aws:username}",
            "/",
            "é",
        ];

        /// Two patterns that differ in a few of their parts, so that many align and some
        /// align but for one token (a `?` against a `*`, `:` against `/`).
        fn near_patterns() -> impl Strategy<Value = (String, String)> {
            let parts = prop::collection::vec(prop::sample::select(PARTS), 1..8);
            let changes = prop::collection::vec(
                (any::<prop::sample::Index>(), prop::sample::select(PARTS)),
                0..3,
            );
            (parts, changes).prop_map(|(outer, changes)| {
                let mut inner = outer.clone();
                for (at, part) in changes {
                    *at.get_mut(&mut inner) = part;
                }
                (outer.concat(), inner.concat())
            })
        }

        /// Both patterns compiled as actions or ARNs with one variable table, `inner`'s
        /// variables widened, as `includes_from` has them before its shortcuts.
        fn compiled_pair(outer: &str, inner: &str, action: bool) -> Option<(Glob, Glob)> {
            let kind = if action {
                PatternKind::Action
            } else {
                PatternKind::Arn
            };
            let mut table = VarTable::default();
            let outer = compile(outer, kind, &mut Vars::Symbolic(&mut table))?;
            let mut inner = compile(inner, kind, &mut Vars::Symbolic(&mut table))?;
            widen_variables(&mut inner);
            Some((outer, inner))
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]
            /// An inclusion the alignment test claims is one the search finds: it is only
            /// ever a shorter way to the same answer.
            #[test]
            fn alignments_claim_only_what_the_search_proves(
                (outer, inner) in near_patterns(),
                action in any::<bool>(),
            ) {
                if let Some((outer_glob, inner_glob)) = compiled_pair(&outer, &inner, action) {
                    if !outer_glob.has_vars && covered_by_alignment(&inner_glob, &outer_glob) {
                        let cells = explore(Driver::Union(&[&inner_glob]), &[&outer_glob], MAX_STATES)
                            .expect("small patterns stay within the search's limits");
                        prop_assert!(
                            cells.iter().all(|cell| cell.accepted[0]),
                            "`{outer}` aligned over `{inner}`, but the search finds a word outside"
                        );
                    }
                }
            }

            /// A list answers as its patterns do one by one, and spends the same budget to
            /// the unit: its test of the last bytes of a wildcard's head against the text's
            /// only ever answers sooner. Heads shorter and longer than eight bytes, both cases and
            /// a character outside ASCII are met, and the text is often the list's first
            /// pattern changed in a part or two.
            #[test]
            fn lists_answer_and_spend_as_their_patterns_do(
                (first, inner) in near_patterns(),
                others in prop::collection::vec(pattern(), 0..4),
                action in any::<bool>(),
                upper in any::<bool>(),
                budget in 0usize..40,
            ) {
                let kind = if action { PatternKind::Action } else { PatternKind::Arn };
                // Actions ignore ASCII case: the text in capitals is as often included.
                let inner = if upper { inner.to_ascii_uppercase() } else { inner };
                let outer: Vec<String> = std::iter::once(first).chain(others).collect();
                let one_by_one = |budget: &mut usize| -> Option<bool> {
                    *budget = budget.checked_sub(1)?;
                    let same = |o: &String| match kind {
                        PatternKind::Action => o.eq_ignore_ascii_case(&inner),
                        _ => *o == inner,
                    };
                    let concrete = |o: &&String| first_special(o).is_none();
                    if outer.iter().any(|o| o == "*") || outer.iter().filter(concrete).any(same) {
                        return Some(true);
                    }
                    for o in outer.iter().filter(|o| *o != "*" && first_special(o).is_some()) {
                        if includes(o, &inner, kind, budget)? {
                            return Some(true);
                        }
                    }
                    Some(false)
                };
                let list = PatternList::new(&outer, kind);
                for start in [budget, 1_000_000] {
                    let (mut theirs, mut ours) = (start, start);
                    prop_assert_eq!(list.includes(&inner, &mut ours), one_by_one(&mut theirs));
                    prop_assert_eq!(ours, theirs, "budget left of {}", start);
                }
            }

            /// The plain wildcard walk `includes_from` asks before the automaton's never
            /// refuses a word the automaton's walk accepts: it reads `outer`'s wildcards as
            /// matching anything, so it only ever answers sooner, never otherwise.
            #[test]
            fn the_plain_walk_never_refuses_what_the_glob_accepts(
                outer in pattern(),
                inner in pattern(),
                action in any::<bool>(),
            ) {
                if let Some((outer_glob, inner)) = compiled_pair(&outer, &inner, action) {
                    // The walk is asked only for ASCII words (it reads bytes).
                    if let Some(word) = first_word(&inner).filter(|w| w.is_ascii()) {
                        if outer_glob.matches(&word) {
                            prop_assert!(
                                wildcard_matches(&outer, &word, action),
                                "`{outer}` matches `{word}` but its plain walk refuses it"
                            );
                        }
                    }
                }
            }

            /// The word read off `inner`'s text, for the word test before compiling, is the
            /// word `first_word` finds in `inner` compiled (actions' case aside, which the walk
            /// ignores for them): the early test is the later one, asked sooner.
            #[test]
            fn the_word_read_off_the_text_is_the_compiled_patterns_first(
                inner in pattern(),
                action in any::<bool>(),
            ) {
                let kind = if action { PatternKind::Action } else { PatternKind::Arn };
                if let Some(word) = plain_first_word(&inner, kind) {
                    let glob = compile(&inner, kind, &mut Vars::Symbolic(&mut VarTable::default()))
                        .expect("a text without variables compiles");
                    let compiled = first_word(&glob).expect("no `?` and no variable");
                    if action {
                        prop_assert!(word.eq_ignore_ascii_case(&compiled), "`{inner}`: `{word}`, `{compiled}`");
                    } else {
                        prop_assert_eq!(&word, &compiled, "`{}`", inner);
                    }
                }
            }
        }
    }

    /// A `?` stands for one character, not one byte: a word of characters outside ASCII is
    /// not refused by the plain walk, which reads bytes.
    #[test]
    fn one_character_wildcards_read_characters() {
        assert!(arn("arn:aws:s3:::b/?x*", "arn:aws:s3:::b/éx*"));
        assert!(!arn("arn:aws:s3:::b/?x*", "arn:aws:s3:::b/éy*"));
    }

    #[test]
    fn variables_range_over_every_value() {
        assert!(arn("arn:aws:s3:::b/*", "arn:aws:s3:::b/${aws:username}"));
        assert!(!arn("arn:aws:s3:::b/*/x", "arn:aws:s3:::b/${aws:username}"));
        assert!(arn(
            "arn:aws:s3:::b/${aws:username}/*",
            "arn:aws:s3:::b/${aws:username}/*"
        ));
        assert!(!arn(
            "arn:aws:s3:::b/${aws:username}/*",
            "arn:aws:s3:::b/root/*"
        ));
    }
}
