//! IAM wildcard patterns compiled to token lists ([`Glob`]), and concrete matching.
//!
//! In: pattern text from `Action`, `Resource`, or a condition value, plus a [`PatternKind`] saying
//! how IAM reads it. Out: a [`Glob`] (tokens over characters) that both the concrete matcher here
//! and the automaton search in `automaton.rs` consume.
//!
//! Semantics implemented (IAM User Guide, "IAM JSON policy elements: Resource", section "Using
//! wildcards in resource ARNs"): `*` is any run of characters and `?` exactly one character,
//! *within one colon-separated ARN segment*; the resource segment (everything after the fifth
//! colon) may itself contain `:` and `/`, which its wildcards then match. "If the `*` wildcard is
//! the last character of a resource ARN segment, it can expand to match beyond the colon
//! boundaries": a `*` directly followed by the pattern's own `:`, or ending the pattern, matches
//! any text, colons included — so `arn:aws:lambda:*:function:*` matches
//! `arn:aws:lambda:us-east-1:123456789012:function:f` (the region `*` takes `us-east-1:123...`),
//! and `arn:aws:s3:*` matches every S3 ARN. A pattern with fewer than six segments ending in `*`
//! is also padded with `:*` segments, which changes nothing for real ARNs (they have at least five
//! colons) and keeps witnesses ARN-shaped. The bare pattern `*` matches every
//! resource. Resource matching is case-sensitive; action matching is case-insensitive (actions
//! are lowercased before compiling) and actions have no segment structure.
//!
//! Policy variables `${key}` / `${key, 'default'}` are replaced by the request's (single) value
//! for `key`; the substituted text is literal. `${*}`, `${?}`, `${$}` are the literal characters.
//! In symbolic mode each distinct variable becomes one private-use character (see [`VarTable`]).

use crate::iam::policy::wildcard_matches;
use std::collections::BTreeMap;

/// The longest pattern or condition value the engine reasons about, in bytes. Longer ones are
/// not compiled: what depends on them is `Unknown` (containment), fails closed (evaluation) or
/// counts as not covered (inclusion). The AWS catalog's longest action name is 71 bytes and its
/// longest ARN format 222 (placeholders included); a search over a longer text would only spend
/// time and memory.
pub const MAX_PATTERN: usize = 2048;

/// Why a statement is not reasoned about, when one of its patterns or condition values is over
/// [`MAX_PATTERN`].
pub fn statement_too_long(statement: &crate::iam::policy::Statement) -> Option<String> {
    let lists = [
        &statement.action,
        &statement.not_action,
        &statement.resource,
        &statement.not_resource,
    ];
    let patterns = lists.into_iter().flatten().flatten();
    let values = statement
        .condition
        .clauses()
        .flat_map(|(_, _, values)| values);
    patterns.chain(values).find_map(|text| too_long(text))
}

/// Why `text` is not reasoned about, when it is over [`MAX_PATTERN`]. Asked of every pattern
/// the inclusion tests and the proofs read, so the test is inlined and the message is not.
#[inline]
pub fn too_long(text: &str) -> Option<String> {
    (text.len() > MAX_PATTERN).then(|| over_the_limit(text.len()))
}

#[cold]
fn over_the_limit(len: usize) -> String {
    format!(
        "a pattern or value of {} bytes is over the engine's limit of {} bytes",
        crate::diagnostics::thousands(len),
        crate::diagnostics::thousands(MAX_PATTERN)
    )
}

/// How a pattern's text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PatternKind {
    /// Action names: wildcards, case-insensitive, no variables, no segments.
    Action,
    /// Resource ARNs: segmented wildcards (a segment-ending `*` may match colons), variables.
    Arn,
    /// `ArnLike`/`ArnEquals` values: each of the six colon-delimited components matched on its
    /// own, so no wildcard of the first five matches `:`; variables.
    ArnCondition,
    /// `StringLike` values: wildcards anywhere, case-sensitive, variables.
    Like,
    /// `StringEquals` values: no wildcards, case-sensitive, variables.
    Exact,
    /// `StringEqualsIgnoreCase` and `Bool` values: no wildcards, case-insensitive, variables.
    ExactIgnoreCase,
}

/// Which characters a wildcard may stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// Anything (in symbolic mode `*` also covers a whole variable value, `?` never does).
    Any,
    /// Anything except `:` — a wildcard inside one of the first five ARN segments.
    NoColon,
    /// Anything except `:` and `/` — what a policy variable whose values are names without
    /// either (IAM user names) can stand for once widened.
    Word,
}

impl Class {
    pub(super) fn admits(self, c: char) -> bool {
        match self {
            Class::Any => true,
            Class::NoColon => c != ':',
            Class::Word => c != ':' && c != '/',
        }
    }

    /// Whether every character `inner` admits, this class admits too.
    pub(super) fn admits_all_of(self, inner: Class) -> bool {
        self == inner || self == Class::Any || (self == Class::NoColon && inner == Class::Word)
    }
}

/// What a variable's values may contain, as a wildcard class: IAM user names are 1–64 characters
/// of `[A-Za-z0-9+=,.@_-]` (IAM API Reference, `CreateUser`), so never `:` or `/`; other keys
/// (tag values may hold `/`, `:` and spaces) may contain anything.
pub fn value_class(var: &VarRef) -> Class {
    if var.key == "aws:username" && var.default.is_none() {
        Class::Word
    } else {
        Class::Any
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tok {
    Lit(char),
    /// Matches any character whose lowercase form is the stored (lowercase) character.
    LitCi(char),
    One(Class),
    Star(Class),
}

/// A compiled pattern: a sequence of tokens. States of its automaton are positions 0..=len.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Glob {
    pub toks: Vec<Tok>,
    /// True when some token came from a policy variable (symbolic mode only).
    pub has_vars: bool,
}

/// A glob's leading literal characters as text, and what follows them ([`Glob::literal_head`]):
/// what [`LiteralHead::matches_word`] and [`LiteralHead::verdict`] read first. Made once for a
/// glob that many patterns are compared with (a prepared boundary's, `contain::Shape`), so
/// that those compare bytes, not tokens one character at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiteralHead {
    /// The glob's `Tok::Lit` characters before its first other token.
    text: String,
    rest: HeadRest,
    /// What [`LiteralHead::prefix_verdict`] reads: the glob's tokens before its trailing `*`.
    before_star: BeforeStar,
}

/// A glob's tokens before a trailing `*` that matches anything, as [`Glob::prefix_verdict`]
/// compares them with a pattern's.
#[derive(Debug, Clone, PartialEq, Eq)]
enum BeforeStar {
    /// The glob does not end with such a `*` (or is read as a kind the reading is not for):
    /// no pattern is shown inside it by a shared start.
    Nothing,
    /// The text whose first tokens, in any pattern that starts with it, are exactly those:
    /// the tokens are then shared exactly when the pattern starts with this text.
    Text(Box<[u8]>),
    /// Tokens no text gives whatever follows it (a variable's symbol, a non-ASCII literal, a
    /// `*` whose class depends on the next character): compared token by token.
    Tokens,
}

/// What follows a glob's leading literals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HeadRest {
    /// Nothing: the glob is one word.
    Nothing,
    /// One `*` that matches anything.
    AnyText,
    /// Anything else.
    More,
}

impl LiteralHead {
    /// Whether `glob`, compiled as `kind` and whose head this is, matches the one word an ASCII
    /// pattern without wildcards or `$` stands for: for actions in any case, as [`compile`]
    /// lowercases them. The same answer as compiling the word and asking
    /// [`crate::reason::automaton::decided`], without making its tokens.
    pub fn matches_word(&self, glob: &Glob, word: &str, kind: PatternKind) -> bool {
        debug_assert!(word.is_ascii());
        // The glob's leading literals settle most words, as `decided`'s rules on heads and on
        // `T*` do: another service or bucket differs within a few characters. The word is
        // ASCII, so a literal that is not is a difference at the same place in bytes as in
        // characters.
        let head = self.text.as_bytes();
        let Some(start) = word.as_bytes().get(..head.len()) else {
            return false;
        };
        if !same_bytes(start, head, kind) {
            return false;
        }
        match self.rest {
            HeadRest::Nothing => word.len() == head.len(),
            HeadRest::AnyText => true,
            HeadRest::More => glob.matches_chars(word.chars().map(|c| match kind {
                PatternKind::Action => c.to_ascii_lowercase(),
                _ => c,
            })),
        }
    }

    /// What the literal head of a pattern tells about it against the glob whose head this is,
    /// as [`crate::reason::automaton::decided`]'s rules on heads do: `pattern_head` is the
    /// pattern's text before its first wildcard (ASCII; for actions in any case).
    /// `Some(false)`: the two clash before either's first wildcard, or the glob is one word
    /// shorter than `pattern_head`, so they share no word. `Some(true)`: the glob is a literal
    /// followed by one `*` that matches anything, and `pattern_head` starts with that literal,
    /// so every word of the pattern is one of the glob's. `None`: the heads do not tell.
    pub fn verdict(&self, pattern_head: &str, kind: PatternKind) -> Option<bool> {
        debug_assert!(pattern_head.is_ascii());
        let (theirs, ours) = (pattern_head.as_bytes(), self.text.as_bytes());
        let common = theirs.len().min(ours.len());
        if !same_bytes(&theirs[..common], &ours[..common], kind) {
            return Some(false);
        }
        if theirs.len() < ours.len() {
            return None;
        }
        match self.rest {
            HeadRest::AnyText => Some(true),
            HeadRest::More => None,
            // The glob is one word, and a proper prefix of every word of the pattern: none is it.
            HeadRest::Nothing => (theirs.len() > ours.len()).then_some(false),
        }
    }

    /// [`Glob::prefix_verdict`] of `glob`, whose head this is, made for `kind`: the same answer,
    /// by comparing bytes where the glob's start is text.
    pub fn prefix_verdict(&self, glob: &Glob, text: &str, kind: PatternKind) -> Option<bool> {
        match &self.before_star {
            BeforeStar::Nothing => None,
            BeforeStar::Text(start) => {
                let text = text.as_bytes();
                let shared = (text.get(..start.len())).is_some_and(|t| same_bytes(t, start, kind));
                shared.then_some(true)
            }
            BeforeStar::Tokens => glob.prefix_verdict(text, kind),
        }
    }
}

/// Whether ASCII `text` is `literals` (a glob's, lowercase for actions), read as `kind`: for
/// actions in any case.
fn same_bytes(text: &[u8], literals: &[u8], kind: PatternKind) -> bool {
    match kind {
        PatternKind::Action => {
            (text.iter().zip(literals)).all(|(t, l)| t.to_ascii_lowercase() == *l)
        }
        _ => text == literals,
    }
}

/// A policy variable reference found in a pattern.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VarRef {
    /// Context key, lowercased (keys are case-insensitive).
    pub key: String,
    pub default: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Lit(char),
    Var(VarRef),
    One,
    Star,
}

/// First code point used for variable symbols (Unicode plane 15, private use).
pub const VAR_BASE: u32 = 0xF0000;

/// Interns variable references as private-use characters for symbolic reasoning.
#[derive(Debug, Default, Clone)]
pub struct VarTable {
    vars: Vec<VarRef>,
    index: BTreeMap<VarRef, usize>,
}

impl VarTable {
    pub fn symbol(&mut self, var: &VarRef) -> char {
        let next = self.vars.len();
        let id = *self.index.entry(var.clone()).or_insert(next);
        if id == next {
            self.vars.push(var.clone());
        }
        char::from_u32(VAR_BASE + id as u32).expect("private-use code point")
    }

    pub fn lookup(&self, symbol: char) -> Option<&VarRef> {
        (symbol as u32)
            .checked_sub(VAR_BASE)
            .and_then(|id| self.vars.get(id as usize))
    }
}

/// True for characters standing for a variable in symbolic mode.
pub fn is_var_symbol(c: char) -> bool {
    (c as u32) >= VAR_BASE && (c as u32) < VAR_BASE + 0x10000
}

/// True when the text contains a real policy variable (not just `${*}`-style escapes).
pub fn has_variables(text: &str) -> bool {
    parse(text, true).iter().any(|p| matches!(p, Piece::Var(_)))
}

/// The context keys of the policy variables in `text`, lowercased.
pub fn variable_keys(text: &str) -> impl Iterator<Item = String> {
    parse(text, true).into_iter().filter_map(|p| match p {
        Piece::Var(var) => Some(var.key),
        _ => None,
    })
}

/// `text` with each variable `resolve` gives a value for replaced by that value, as literal
/// text (its `*`, `?` and `$` written `${*}`, `${?}`, `${$}`); `None` when none resolved. The
/// rest keeps its meaning (a variable left as `${key}` or `${key, 'default'}`).
pub fn substitute_variables(
    text: &str,
    resolve: impl Fn(&VarRef) -> Option<String>,
) -> Option<String> {
    let literal = |out: &mut String, c: char| match c {
        '*' | '?' | '$' => out.extend(['$', '{', c, '}']),
        c => out.push(c),
    };
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    for piece in parse(text, true) {
        match piece {
            Piece::Lit(c) => literal(&mut out, c),
            Piece::Star => out.push('*'),
            Piece::One => out.push('?'),
            Piece::Var(var) => match resolve(&var) {
                Some(value) => {
                    value.chars().for_each(|c| literal(&mut out, c));
                    changed = true;
                }
                None => match &var.default {
                    Some(default) => out.push_str(&format!(
                        "${{{}, '{}'}}",
                        var.key,
                        default.replace('\'', "''")
                    )),
                    None => out.push_str(&format!("${{{}}}", var.key)),
                },
            },
        }
    }
    changed.then_some(out)
}

fn parse(text: &str, variables: bool) -> Vec<Piece> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    // Once no `}` follows, none follows any later `${` either: searching again for each of
    // them would make a text of many `${` quadratic.
    let mut closes = true;
    while i < chars.len() {
        let c = chars[i];
        if variables && closes && c == '$' && chars.get(i + 1) == Some(&'{') {
            let close = chars[i + 2..].iter().position(|&d| d == '}');
            closes = close.is_some();
            if let Some(close) = close {
                let body: String = chars[i + 2..i + 2 + close].iter().collect();
                out.push(match body.as_str() {
                    "*" => Piece::Lit('*'),
                    "?" => Piece::Lit('?'),
                    "$" => Piece::Lit('$'),
                    _ => Piece::Var(parse_var(&body)),
                });
                i += close + 3;
                continue;
            }
        }
        out.push(match c {
            '*' => Piece::Star,
            '?' => Piece::One,
            _ => Piece::Lit(c),
        });
        i += 1;
    }
    out
}

fn parse_var(body: &str) -> VarRef {
    // `${key, 'default'}`: the default is the quoted text after the first comma.
    match body.split_once(',') {
        Some((key, rest)) => {
            let rest = rest.trim();
            let default = rest
                .strip_prefix('\'')
                .and_then(|r| r.strip_suffix('\''))
                .map(|d| d.replace("''", "'"));
            VarRef {
                key: key.trim().to_lowercase(),
                default: default.or_else(|| Some(rest.to_string())),
            }
        }
        None => VarRef {
            key: body.trim().to_lowercase(),
            default: None,
        },
    }
}

/// How variables are treated while compiling.
pub enum Vars<'a> {
    /// Substitute from a concrete context; `None` from the resolver makes the pattern match nothing.
    Concrete(&'a dyn Fn(&VarRef) -> Option<String>),
    /// Replace each variable by its symbol.
    Symbolic(&'a mut VarTable),
}

/// Where the engine's literal reading of a pattern stops: the first `*`, `?` or `$` (which may
/// open a variable; the engine takes any `$` as one, on the safe side). Every pattern of every
/// statement the proofs and lints read comes here: a plain loop for action names and other
/// short text, where memchr's set-up costs more than it saves, its vector search for ARNs.
pub fn first_special(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    if bytes.len() < 32 {
        return bytes.iter().position(|b| matches!(b, b'*' | b'?' | b'$'));
    }
    memchr::memchr3(b'*', b'?', b'$', bytes)
}

/// Compiles `text`. Returns `None` when a variable cannot be resolved (the pattern matches nothing).
pub fn compile(text: &str, kind: PatternKind, vars: &mut Vars<'_>) -> Option<Glob> {
    // Most texts are ASCII without `${`: read them character by character, without building
    // the intermediate lists `parse` makes (every statement's patterns come through here).
    if text.is_ascii() && !crate::iam::policy::opens_variable(text) {
        return Some(compile_plain(text, kind));
    }
    compile_parsed(text, kind, vars)
}

/// [`compile`] of any text, through `parse`.
fn compile_parsed(text: &str, kind: PatternKind, vars: &mut Vars<'_>) -> Option<Glob> {
    if kind == PatternKind::Action {
        let toks = parse(&text.to_lowercase(), false)
            .into_iter()
            .map(|p| match p {
                Piece::Lit(c) => Tok::Lit(c),
                Piece::One => Tok::One(Class::Any),
                Piece::Star => Tok::Star(Class::Any),
                Piece::Var(_) => unreachable!("actions are parsed without variables"),
            })
            .collect();
        return Some(Glob {
            toks,
            has_vars: false,
        });
    }
    let wildcards = matches!(
        kind,
        PatternKind::Arn | PatternKind::ArnCondition | PatternKind::Like
    );
    let ignore_case = kind == PatternKind::ExactIgnoreCase;
    let lit = |c: char| {
        if ignore_case {
            Tok::LitCi(lower(c))
        } else {
            Tok::Lit(c)
        }
    };
    // (token, came from the pattern's own text) — only the pattern's own colons delimit segments.
    let mut toks: Vec<(Tok, bool)> = Vec::new();
    let mut has_vars = false;
    for piece in parse(text, true) {
        match piece {
            Piece::Lit(c) => toks.push((lit(c), true)),
            Piece::Star if wildcards => toks.push((Tok::Star(Class::Any), true)),
            Piece::One if wildcards => toks.push((Tok::One(Class::Any), true)),
            Piece::Star => toks.push((lit('*'), true)),
            Piece::One => toks.push((lit('?'), true)),
            Piece::Var(var) => match vars {
                Vars::Concrete(resolve) => {
                    let value = resolve(&var).or(var.default.clone())?;
                    toks.extend(value.chars().map(|c| (lit(c), false)));
                }
                Vars::Symbolic(table) => {
                    has_vars = true;
                    toks.push((Tok::Lit(table.symbol(&var)), false));
                }
            },
        }
    }
    if let Some(strict) = arn_strictness(kind) {
        let own: Vec<bool> = toks.iter().map(|&(_, own)| own).collect();
        return Some(Glob {
            toks: segment_arn(
                toks.into_iter().map(|(t, _)| t).collect(),
                |i| own[i],
                strict,
            ),
            has_vars,
        });
    }
    Some(Glob {
        toks: toks.into_iter().map(|(t, _)| t).collect(),
        has_vars,
    })
}

/// [`compile`] of an ASCII text with no `${`: the same tokens, made directly.
fn compile_plain(text: &str, kind: PatternKind) -> Glob {
    let toks = match arn_strictness(kind) {
        // Every token is the pattern's own text; room for the padding `segment_arn` may add.
        Some(strict) => {
            let mut toks = Vec::with_capacity(text.len() + 10);
            toks.extend(text.bytes().map(|b| plain_tok(b, kind)));
            segment_arn(toks, |_| true, strict)
        }
        None => text.bytes().map(|b| plain_tok(b, kind)).collect(),
    };
    Glob {
        toks,
        has_vars: false,
    }
}

/// The tokens [`compile`] reads off an ASCII text without `${`, one per byte: for an ARN, the
/// segment rule applied but not its padding.
fn text_tokens(text: &[u8], kind: PatternKind) -> Vec<Tok> {
    let toks = text.iter().map(|&b| plain_tok(b, kind)).collect();
    match arn_strictness(kind) {
        Some(strict) => in_segments(toks, |_| true, strict).0,
        None => toks,
    }
}

/// The token of one byte of an ASCII text without `${`, before the ARN segment rule.
fn plain_tok(b: u8, kind: PatternKind) -> Tok {
    let wildcards = matches!(
        kind,
        PatternKind::Arn | PatternKind::ArnCondition | PatternKind::Like | PatternKind::Action
    );
    match b {
        b'*' if wildcards => Tok::Star(Class::Any),
        b'?' if wildcards => Tok::One(Class::Any),
        _ => match kind {
            PatternKind::Action => Tok::Lit(b.to_ascii_lowercase() as char),
            PatternKind::ExactIgnoreCase => Tok::LitCi(b.to_ascii_lowercase() as char),
            _ => Tok::Lit(b as char),
        },
    }
}

/// Applies the ARN segment rule to a token list (see the module docs; [`in_segments`]), then
/// pads a trailing `*` with segments. `own(i)`: token `i` came from the pattern's own text (only
/// its own colons delimit segments).
fn segment_arn(out: Vec<Tok>, own: impl Fn(usize) -> bool, strict: bool) -> Vec<Tok> {
    if out.len() == 1 && out[0] == Tok::Star(Class::Any) {
        return out;
    }
    let (mut out, mut colons) = in_segments(out, own, strict);
    if colons < 5 && matches!(out.last(), Some(Tok::Star(_))) {
        // The trailing `*` already matches across colons; padding with `:*` segments keeps the
        // words the automaton finds shaped like ARNs (at least five colons, as every real
        // resource ARN has) so they make readable counterexamples.
        while colons < 5 {
            out.push(Tok::Lit(':'));
            colons += 1;
            out.push(Tok::Star(Class::Any));
        }
    }
    out
}

/// Whether an ARN kind's segments are strict (`Some(true)`: a condition value, whose wildcards
/// in the first five components never match `:`), follow the `Resource` element's rule
/// (`Some(false)`: a segment-ending `*` may), or the kind is not an ARN (`None`).
fn arn_strictness(kind: PatternKind) -> Option<bool> {
    match kind {
        PatternKind::Arn => Some(false),
        PatternKind::ArnCondition => Some(true),
        _ => None,
    }
}

/// The segment rule of [`segment_arn`] on each wildcard of `out`, and how many of the pattern's
/// own colons there are. `strict`: no segment-ending `*` matches across colons either.
fn in_segments(mut out: Vec<Tok>, own: impl Fn(usize) -> bool, strict: bool) -> (Vec<Tok>, usize) {
    let mut colons = 0;
    for i in 0..out.len() {
        // "If the `*` wildcard is the last character of a resource ARN segment, it can expand to
        // match beyond the colon boundaries": a star followed by the pattern's own `:` (or ending
        // the pattern) may match colons, any other wildcard stays inside its segment. (Only
        // wildcards are rewritten, so the next token is still as it came.)
        let ends_segment =
            !strict && (i + 1 == out.len() || (out[i + 1] == Tok::Lit(':') && own(i + 1)));
        out[i] = in_segment(out[i], colons, ends_segment);
        if own(i) && out[i] == Tok::Lit(':') {
            colons += 1;
        }
    }
    (out, colons)
}

/// A token of an ARN pattern under the segment rule, after `colons` of the pattern's own colons:
/// a wildcard within the first five segments stays inside its segment, but a `*` that ends its
/// segment (`ends_segment`: the pattern's own `:` or its end follows) may match colons.
fn in_segment(tok: Tok, colons: usize, ends_segment: bool) -> Tok {
    match tok {
        Tok::Star(_) if colons < 5 && !ends_segment => Tok::Star(Class::NoColon),
        Tok::Star(_) => Tok::Star(Class::Any),
        Tok::One(_) if colons < 5 => Tok::One(Class::NoColon),
        other => other,
    }
}

/// How the case-insensitive tests read a character (`...IgnoreCase` values, `LitCi` tokens):
/// the first character of its lowercase.
pub fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// Every character whose [`lower`] is `c`, besides `c` and `c`'s own uppercase: the Kelvin sign
/// for `k`, `ẞ` for `ß`, `İ` for `i`, the title-case digraphs, ... A search that tried only
/// the two cases of an `...IgnoreCase` value missed requests IAM could receive (a boundary
/// allowing `k` and `K` does not contain a policy allowing `k` in any case).
pub fn other_cases(c: char) -> impl Iterator<Item = char> {
    let from = OTHER_CASES.partition_point(|&(lower, _)| lower < c);
    OTHER_CASES[from..]
        .iter()
        .take_while(move |&&(lower, _)| lower == c)
        .map(|&(_, other)| other)
}

/// `(lower(x), x)` for each character `x` that is neither its lowercase nor the one character of
/// its lowercase's uppercase, sorted: the Unicode tables the standard library has (a test scans
/// every character to hold the table to them).
const OTHER_CASES: &[(char, char)] = &[
    ('\u{0069}', '\u{0130}'),
    ('\u{006B}', '\u{212A}'),
    ('\u{00DF}', '\u{1E9E}'),
    ('\u{00E5}', '\u{212B}'),
    ('\u{01C6}', '\u{01C5}'),
    ('\u{01C9}', '\u{01C8}'),
    ('\u{01CC}', '\u{01CB}'),
    ('\u{01F3}', '\u{01F2}'),
    ('\u{03B8}', '\u{03F4}'),
    ('\u{03C9}', '\u{2126}'),
    ('\u{1F80}', '\u{1F88}'),
    ('\u{1F81}', '\u{1F89}'),
    ('\u{1F82}', '\u{1F8A}'),
    ('\u{1F83}', '\u{1F8B}'),
    ('\u{1F84}', '\u{1F8C}'),
    ('\u{1F85}', '\u{1F8D}'),
    ('\u{1F86}', '\u{1F8E}'),
    ('\u{1F87}', '\u{1F8F}'),
    ('\u{1F90}', '\u{1F98}'),
    ('\u{1F91}', '\u{1F99}'),
    ('\u{1F92}', '\u{1F9A}'),
    ('\u{1F93}', '\u{1F9B}'),
    ('\u{1F94}', '\u{1F9C}'),
    ('\u{1F95}', '\u{1F9D}'),
    ('\u{1F96}', '\u{1F9E}'),
    ('\u{1F97}', '\u{1F9F}'),
    ('\u{1FA0}', '\u{1FA8}'),
    ('\u{1FA1}', '\u{1FA9}'),
    ('\u{1FA2}', '\u{1FAA}'),
    ('\u{1FA3}', '\u{1FAB}'),
    ('\u{1FA4}', '\u{1FAC}'),
    ('\u{1FA5}', '\u{1FAD}'),
    ('\u{1FA6}', '\u{1FAE}'),
    ('\u{1FA7}', '\u{1FAF}'),
    ('\u{1FB3}', '\u{1FBC}'),
    ('\u{1FC3}', '\u{1FCC}'),
    ('\u{1FF3}', '\u{1FFC}'),
];

impl Glob {
    pub fn states(&self) -> usize {
        self.toks.len() + 1
    }

    /// Does token `i` consume `c`? `driver` globs never let a wildcard stand for a variable.
    pub fn step_tok(&self, i: usize, c: char, driver: bool) -> Option<usize> {
        let var = is_var_symbol(c);
        match self.toks[i] {
            Tok::Lit(x) => (x == c).then_some(i + 1),
            Tok::LitCi(x) => (!var && lower(c) == x).then_some(i + 1),
            Tok::One(class) => (!var && class.admits(c)).then_some(i + 1),
            // `*` may cover a whole variable value only on the containing side, and only when it
            // may cover any text (a value could contain `:`).
            Tok::Star(class) => {
                let ok = if var {
                    !driver && class == Class::Any
                } else {
                    class.admits(c)
                };
                ok.then_some(i)
            }
        }
    }

    /// Adds positions reachable by letting stars match nothing.
    pub fn close(&self, set: &mut [bool]) {
        for i in 0..self.toks.len() {
            if set[i] && matches!(self.toks[i], Tok::Star(_)) {
                set[i + 1] = true;
            }
        }
    }

    /// Concrete membership of `text` (already lowercased for actions).
    pub fn matches(&self, text: &str) -> bool {
        self.matches_chars(text.chars())
    }

    /// The glob's leading literal characters and what follows them, for
    /// [`LiteralHead::matches_word`], [`LiteralHead::verdict`] and, for patterns read as `kind`,
    /// [`LiteralHead::prefix_verdict`].
    pub fn literal_head(&self, kind: PatternKind) -> LiteralHead {
        let literals = self.toks.iter().take_while(|t| matches!(t, Tok::Lit(_)));
        let text: String = literals
            .clone()
            .filter_map(|t| match t {
                Tok::Lit(c) => Some(*c),
                _ => None,
            })
            .collect();
        let rest = match &self.toks[literals.count()..] {
            [] => HeadRest::Nothing,
            [Tok::Star(Class::Any)] => HeadRest::AnyText,
            _ => HeadRest::More,
        };
        LiteralHead {
            text,
            rest,
            before_star: self.before_star(kind),
        }
    }

    /// What [`Glob::prefix_verdict`] compares of this glob, for patterns read as `kind`.
    fn before_star(&self, kind: PatternKind) -> BeforeStar {
        if !matches!(kind, PatternKind::Action | PatternKind::Arn) {
            return BeforeStar::Nothing;
        }
        let Some((Tok::Star(Class::Any), start)) = self.toks.split_last() else {
            return BeforeStar::Nothing;
        };
        let text: Option<Vec<u8>> = (start.iter())
            .map(|tok| match *tok {
                Tok::Lit(c) if c.is_ascii() => Some(c as u8),
                Tok::Star(_) => Some(b'*'),
                Tok::One(_) => Some(b'?'),
                _ => None,
            })
            .collect();
        let Some(text) = text else {
            return BeforeStar::Tokens;
        };
        // A pattern starting with the text reads it as these tokens whatever comes next (a
        // segment's end, `:`, or another character): then comparing the bytes is comparing
        // the tokens.
        let same_tokens = [b':', b'a'].iter().all(|&next| {
            let followed = [&text[..], &[next]].concat();
            text_tokens(&followed, kind).get(..start.len()) == Some(start)
        });
        match same_tokens {
            true => BeforeStar::Text(text.into()),
            false => BeforeStar::Tokens,
        }
    }

    /// What a pattern tells by a shared start, as [`crate::reason::automaton::decided`] would
    /// answer: `text` is the pattern (an action or ARN, ASCII without `$`), read token by token
    /// as [`compile`] reads it, without making its glob. `Some(true)` when this glob is the
    /// pattern's first tokens, exactly, then one `*` that matches anything: every word of the
    /// pattern is then one of this glob's, its start matched token for token and the rest by
    /// the `*`. `None` otherwise (also for other kinds).
    pub fn prefix_verdict(&self, text: &str, kind: PatternKind) -> Option<bool> {
        if !matches!(kind, PatternKind::Action | PatternKind::Arn) {
            return None;
        }
        // The same tokens, as far as this glob goes before its `*`: the pattern's padding is not
        // read here.
        let Some((Tok::Star(Class::Any), start)) = self.toks.split_last() else {
            return None;
        };
        let shared = text.len() >= start.len()
            && text_tokens(text.as_bytes(), kind).get(..start.len()) == Some(start);
        shared.then_some(true)
    }

    fn matches_chars(&self, text: impl Iterator<Item = char>) -> bool {
        if self.states() <= 128 {
            return self.matches_in_bits(text);
        }
        self.matches_in_vectors(text)
    }

    /// [`Glob::matches`] with the set of positions in one `u128`: most patterns are short, and
    /// this is asked for every word the automaton's shortcuts meet.
    fn matches_in_bits(&self, text: impl Iterator<Item = char>) -> bool {
        let stars = self
            .toks
            .iter()
            .enumerate()
            .filter(|(_, t)| matches!(t, Tok::Star(_)))
            .fold(0u128, |set, (i, _)| set | 1 << i);
        // A live star also enables the next position (it may match nothing).
        let close = |mut set: u128| loop {
            let more = set | (set & stars) << 1;
            if more == set {
                return set;
            }
            set = more;
        };
        let mut cur = close(1);
        let live_toks = if self.toks.len() == 128 {
            u128::MAX
        } else {
            (1u128 << self.toks.len()) - 1
        };
        for c in text {
            let mut next = 0u128;
            let mut live = cur & live_toks;
            while live != 0 {
                let i = live.trailing_zeros() as usize;
                live &= live - 1;
                if let Some(j) = self.step_tok(i, c, false) {
                    next |= 1 << j;
                }
            }
            if next == 0 {
                return false;
            }
            cur = close(next);
        }
        cur >> self.toks.len() & 1 == 1
    }

    fn matches_in_vectors(&self, text: impl Iterator<Item = char>) -> bool {
        let n = self.states();
        let mut cur = vec![false; n];
        cur[0] = true;
        self.close(&mut cur);
        let mut next = vec![false; n];
        for c in text {
            next.iter_mut().for_each(|b| *b = false);
            let mut any = false;
            for (i, _) in cur[..self.toks.len()]
                .iter()
                .enumerate()
                .filter(|(_, &live)| live)
            {
                if let Some(j) = self.step_tok(i, c, false) {
                    next[j] = true;
                    any = true;
                }
            }
            if !any {
                return false;
            }
            self.close(&mut next);
            std::mem::swap(&mut cur, &mut next);
        }
        cur[n - 1]
    }
}

/// Concrete match of a pattern against a value, substituting variables from `resolve`.
pub fn matches_concrete(
    pattern: &str,
    kind: PatternKind,
    value: &str,
    resolve: &dyn Fn(&VarRef) -> Option<String>,
) -> bool {
    // Fast paths for the common shapes; `$` may start a variable, so it takes the general road.
    if !pattern.contains('$') {
        match kind {
            PatternKind::Exact => return pattern == value,
            PatternKind::ExactIgnoreCase => {
                return pattern.chars().map(lower).eq(value.chars().map(lower));
            }
            _ if pattern == "*" => return true,
            PatternKind::Action => return glob_eq(pattern, value, true),
            PatternKind::Like => return glob_eq(pattern, value, false),
            PatternKind::Arn => return arn_eq(pattern, value),
            PatternKind::ArnCondition => return arn_condition_eq(pattern, value),
        }
    }
    match compile(pattern, kind, &mut Vars::Concrete(resolve)) {
        Some(glob) if kind == PatternKind::Action => glob.matches(&value.to_lowercase()),
        Some(glob) => glob.matches(value),
        None => false,
    }
}

/// Wildcard match of plain text: `*` any run, `?` one character. ASCII texts go to IAM's one
/// plain matcher ([`wildcard_matches`]); others through the compiler, which works on chars.
fn glob_eq(pattern: &str, value: &str, ignore_case: bool) -> bool {
    if pattern.is_ascii() && value.is_ascii() {
        return wildcard_matches(pattern, value, ignore_case);
    }
    let kind = if ignore_case {
        PatternKind::Action
    } else {
        PatternKind::Like
    };
    let value = if ignore_case {
        value.to_lowercase()
    } else {
        value.to_string()
    };
    compile(pattern, kind, &mut Vars::Concrete(&|_| None)).is_some_and(|g| g.matches(&value))
}

/// An `ArnLike` value against a request's value: "each of the six colon-delimited components
/// of the ARN is checked separately" (IAM User Guide, condition operators), a pattern of fewer
/// components ending in `*` read with the missing ones as `*`.
fn arn_condition_eq(pattern: &str, value: &str) -> bool {
    compile(
        pattern,
        PatternKind::ArnCondition,
        &mut Vars::Concrete(&|_| None),
    )
    .is_some_and(|g| g.matches(value))
}

/// The ARN segment rule (see the module docs) applied segment by segment.
fn arn_eq(pattern: &str, value: &str) -> bool {
    let pats: Vec<&str> = pattern.splitn(6, ':').collect();
    if pats.iter().take(5).any(|p| p.ends_with('*')) {
        // A segment-ending `*` may match across colons, so segments don't line up one to one.
        return compile(pattern, PatternKind::Arn, &mut Vars::Concrete(&|_| None))
            .is_some_and(|g| g.matches(value));
    }
    let vals: Vec<&str> = value.splitn(6, ':').collect();
    pats.len() == vals.len() && pats.iter().zip(&vals).all(|(p, v)| glob_eq(p, v, false))
}

#[cfg(test)]
mod tests;
