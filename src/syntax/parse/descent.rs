//! The hand-written parser: `grammar/iamx.pest`, rule by rule, as recursive descent.
//!
//! In: one file's text. Out: its [`File`], or the furthest position the parse reached and the
//! rules expected there ([`Failure`]), which `super::syntax_error` puts in words.
//!
//! Each function is one grammar rule and does what the code pest generates for it does, so that
//! trees, spans and errors are the same (a test holds it to the pest parser):
//! - between the parts of a sequence or repetition of a non-atomic rule, white space and
//!   comments are skipped ([`Parser::skip`]); a rule ending in an optional or repeated part that
//!   is absent ends after that trivia (its *raw* end), which spans then trim ([`Parser::span`]);
//! - a rule that fails puts the parser back where it started;
//! - failures are tracked as pest tracks them ([`Parser::fail`], [`Parser::miss`]): only at the
//!   furthest position reached, only for rules tried outside atomic rules, and a rule whose parts
//!   failed in several ways at its own start is reported as itself.
//!
//! The grammar has no recursive rule, and neither has this parser: no input can grow the stack.

use super::{trim_trailing_trivia, Expected, Keyword};
use crate::source::{FileId, Span, Spanned};
use crate::syntax::ast::*;
use crate::syntax::lexical::*;
use skim::skim_block_end;

/// Where and why a parse failed.
pub(super) struct Failure {
    pub position: usize,
    pub expected: Vec<Expected>,
}

/// Parses `text`; with `defer_roles`, each role's members are skipped ([`skim_block_end`]) and
/// left to [`deferred_block`].
pub(super) fn parse(file: FileId, text: &str, defer_roles: bool) -> Result<File, Failure> {
    if let Some(file) = parse_untracked(file, text, defer_roles) {
        return Ok(file);
    }
    let mut parser = Parser::new(file, text, 0, text.len(), true);
    parser.defer_roles = defer_roles;
    match parser.file() {
        Some(file) => Ok(file),
        None => Err(Failure {
            position: parser.attempt_pos,
            expected: parser.attempts,
        }),
    }
}

/// The furthest position of `text` where a rule past its start missed the punctuation it
/// needs there (`{`, `(`, `=`, ...), and those bytes; `None` when `text` parses, or no such
/// miss happened. pest's model reports no literal, so a parse that fails there is reported
/// where the rule started: `env a.b {` at `env`, `tag team "x"` at `team`.
pub(super) fn needed_punctuation(file: FileId, text: &str) -> Option<(usize, Vec<u8>)> {
    let mut parser = Parser::new(file, text, 0, text.len(), true);
    if parser.file().is_some() || parser.needed.is_empty() {
        return None;
    }
    Some((parser.needed_at, parser.needed))
}

/// [`parse`] without recording failures, which only the error's message needs and which decide
/// nothing about what parses: the same tree, or `None` where [`parse`] fails (and parses again
/// to record why).
pub(super) fn parse_untracked(file: FileId, text: &str, defer_roles: bool) -> Option<File> {
    let mut parser = Parser::new(file, text, 0, text.len(), false);
    parser.defer_roles = defer_roles;
    parser.file()
}

/// The block at `start..end` of `text`, parsed whole, when it parses and ends exactly at
/// `end`. The rules take nothing from what the parse before `start` did, so it is the block the
/// parse of the whole file makes.
pub(super) fn deferred_block(
    file: FileId,
    text: &str,
    start: usize,
    end: usize,
) -> Option<Spanned<Block>> {
    // A block that does not parse here is parsed again with its file, which reports why: no
    // failures are recorded.
    let mut parser = Parser::new(file, text, start, end, false);
    // A role's block is a few lines: vectors grown to the size of its lists for each role,
    // then dropped, would be most of what the scratch saves.
    parser.scratch = SCRATCH.take();
    let block = parser.block().filter(|_| parser.pos == end);
    SCRATCH.set(std::mem::take(&mut parser.scratch));
    block
}

/// Where the white space and comments starting at `from` end, as the parser skips them; never
/// past the end of `text`.
pub(super) fn trivia_end(text: &str, from: usize) -> usize {
    let mut parser = Parser::new(FileId(0), text, from, text.len(), false);
    parser.skip_trivia();
    parser.pos
}

thread_local! {
    /// The scratch vectors of [`deferred_block`]'s parsers on this thread, kept between blocks.
    static SCRATCH: std::cell::Cell<Scratch> = std::cell::Cell::new(Scratch::default());
}

macro_rules! keywords {
    ($($name:ident = $word:literal $(as $described:literal)?;)*) => {
        $(pub(super) const $name: Keyword = Keyword {
            word: $word,
            described: keywords!(@described $word $(, $described)?),
        };)*
    };
    (@described $word:literal) => { concat!("`", $word, "`") };
    (@described $word:literal, $described:literal) => { $described };
}

keywords! {
    KW_ACCOUNT = "account";
    KW_PARTITION = "partition";
    KW_LET = "let";
    KW_IMPORT = "import";
    KW_ENV = "env";
    KW_TEMPLATE = "template";
    KW_BOUNDARY = "boundary";
    KW_POLICY = "policy";
    KW_ROLE = "role";
    KW_USER = "user";
    KW_GROUP = "group";
    KW_DELEGATE = "delegate";
    KW_ALLOW = "allow";
    KW_DENY = "deny";
    KW_EXCEPT = "except";
    KW_ON = "on" as "`on` and the resources";
    KW_WHEN = "when";
    KW_AND = "and";
    KW_TRUST = "trust";
    KW_SERVICE = "service";
    KW_AWS = "aws";
    KW_FEDERATED = "federated";
    KW_ANYONE = "anyone";
    KW_ACTIONS = "actions";
    KW_USE = "use";
    KW_PATH = "path";
    KW_DESCRIPTION = "description";
    KW_INSTANCE_PROFILE = "instance_profile";
    KW_MAX_SESSION = "max_session";
    KW_TAG = "tag";
    KW_ATTACH = "attach";
    KW_GROUPS = "groups";
    KW_TO = "to";
    KW_PREFIX = "prefix";
    KW_PASS_TO = "pass_to";
    KW_CREATE_USERS = "create_users";
    KW_TAG_KEYS = "tag_keys";
    KW_LOGIN_PROFILES = "login_profiles";
    KW_AWS_MANAGED = "aws_managed";
    KW_NOT = "not";
    KW_LIKE = "like";
    KW_IN = "in";
    KW_EXISTS = "exists";
    KW_IF = "if";
    KW_ANY = "any";
    KW_ALL = "all";
}

/// Where a rule ends: `raw` as pest's pair does (after trivia taken in before an absent
/// trailing part), and `tru` as `true_end` of the pest-based parser computed it (the end of
/// the last child, plus what follows it up to `raw` without trailing white space and `//`
/// comments). Spans use `tru` only when the text ends in a comment.
#[derive(Clone, Copy)]
struct End {
    raw: usize,
    tru: usize,
}

impl End {
    /// A rule without child pairs (an atomic one), which ends where its text does.
    fn leaf(end: usize) -> End {
        End { raw: end, tru: end }
    }
}

/// The scratch vector's elements in a vector of their own, allocated at its size: one copy.
fn take_all<T>(scratch: &mut Vec<T>) -> Vec<T> {
    let mut taken = Vec::with_capacity(scratch.len());
    taken.append(scratch);
    taken
}

/// Where `//` occurs in `text`, overlapping occurrences included. memchr's substring search
/// finds them without stopping at each single `/` (a block has a few in each ARN; stopping at
/// each cost ~1,400 instructions a role) but gives a run of slashes as every other pair: the
/// pair after each found one is added when a third `/` follows.
fn double_slashes(text: &[u8]) -> Vec<usize> {
    static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"//"));
    let mut found = Vec::new();
    for at in FINDER.find_iter(text) {
        found.push(at);
        if text.get(at + 2) == Some(&b'/') {
            found.push(at + 1);
        }
    }
    found
}

fn value_name_end(b: &[u8], p: usize) -> Option<usize> {
    let end = ident_end(b, p)?;
    // `!keyword`: the grammar's keyword rule matches exactly a keyword followed by a
    // non-identifier character, that is, a whole word that is a keyword.
    let word = std::str::from_utf8(&b[p..end]).expect("ASCII");
    (!is_keyword(word)).then_some(end)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    file: FileId,
    /// The furthest position a rule failed at, and the rules that failed there.
    attempt_pos: usize,
    attempts: Vec<Expected>,
    scratch: Scratch,
    /// Where `//` occurs (overlapping occurrences too), in order, for [`Parser::span`].
    slashes: Vec<usize>,
    /// The answer of the last look-up in `slashes`: spans come mostly in the order of the text,
    /// so the next answer is the same or close.
    slash_hint: std::cell::Cell<usize>,
    /// Where a `*/` was looked for and not found: none follows there either, so a `/*` there
    /// or later opens no comment, found without searching to the end of the text again.
    unclosed_from: usize,
    /// The last word looked at by [`Parser::kw`]: where it starts and ends. The alternatives
    /// of an item or a member try keyword after keyword at one position.
    word: (usize, usize),
    /// Whether roles' members are skipped, left to [`deferred_block`].
    defer_roles: bool,
    /// Whether failures are recorded (`attempt_pos`, `attempts`); only what a parse's error
    /// reports needs them, and they decide nothing about what parses.
    tracking: bool,
    /// The furthest position where a rule that had got past its start found another byte than
    /// the punctuation it needs there ([`Parser::need`]), and the bytes needed there. pest
    /// tracks no literals, so its failures stop short of them (`env a.b {` fails at `env`);
    /// only the diagnostics of `mistakes` read this, through [`needed_punctuation`].
    needed_at: usize,
    needed: Vec<u8>,
    /// Where the last list's optional trailing `,` was looked for and not found.
    comma_missing_at: usize,
}

/// Vectors reused while a list is read, so that each list of the tree is allocated once, at its
/// size, instead of growing. Lists of one kind never nest (the grammar has no recursion), so
/// each starts by clearing what a failed attempt may have left.
#[derive(Default)]
struct Scratch {
    values: Vec<Value>,
    members: Vec<Member>,
    actions: Vec<Spanned<Action>>,
    words: Vec<Spanned<Text>>,
    clauses: Vec<Spanned<Clause>>,
    parts: Vec<StrPart>,
}

impl<'a> Parser<'a> {
    /// A parser at `start` of `text`, which will read no further than `end`; with `tracking`,
    /// it records failures for an error message.
    fn new(file: FileId, text: &'a str, start: usize, end: usize, tracking: bool) -> Parser<'a> {
        let bytes = text.as_bytes();
        let mut slashes = double_slashes(&bytes[start..end]);
        slashes.iter_mut().for_each(|at| *at += start);
        Parser {
            text,
            bytes,
            pos: start,
            file,
            attempt_pos: start,
            attempts: match tracking {
                true => Vec::with_capacity(32),
                false => Vec::new(),
            },
            scratch: Scratch::default(),
            slashes,
            slash_hint: std::cell::Cell::new(0),
            unclosed_from: usize::MAX,
            word: (usize::MAX, 0),
            defer_roles: false,
            tracking,
            needed_at: 0,
            needed: Vec::new(),
            comma_missing_at: usize::MAX,
        }
    }

    // ---- pest's bookkeeping ----------------------------------------------------------------

    /// How many failures are on record at `pos`, taken when a rule starts there.
    fn mark(&self, pos: usize) -> usize {
        if self.tracking && pos == self.attempt_pos {
            self.attempts.len()
        } else {
            0
        }
    }

    /// A rule that started at `start` failed: back to `start`, and the failure recorded as pest
    /// records it. If its parts added exactly one failure at `start`, that one is more precise
    /// and stays; if they added several, they give way to the rule itself.
    fn fail<T>(&mut self, rule: Expected, start: usize, mark: usize) -> Option<T> {
        self.pos = start;
        if !self.tracking {
            return None;
        }
        let now = self.mark(start);
        if now > mark && now - mark == 1 {
            return None;
        }
        if start < self.attempt_pos {
            return None;
        }
        if start > self.attempt_pos {
            self.attempts.clear();
            self.attempt_pos = start;
        } else {
            self.attempts.truncate(mark);
        }
        self.attempts.push(rule);
        None
    }

    /// An atomic rule (with no tracked parts) failed at `at`.
    fn miss(&mut self, rule: Expected, at: usize) {
        if !self.tracking || at < self.attempt_pos {
            return;
        }
        if at > self.attempt_pos {
            self.attempts.clear();
            self.attempt_pos = at;
        }
        self.attempts.push(rule);
    }

    /// White space and comments (the grammar's implicit `WHITESPACE` and `COMMENT`). A block
    /// comment that never closes is not trivia: the parse fails where it opens.
    ///
    /// Called between every two parts of a rule, mostly where no trivia is: that answer is
    /// given inline, from the next byte.
    #[inline]
    fn skip(&mut self) {
        let starts_trivia =
            |byte: Option<&u8>| matches!(byte, Some(b' ' | b'\t' | b'\r' | b'\n' | b'/' | 0xEF));
        let next = self.bytes.get(self.pos);
        if !starts_trivia(next) {
            return;
        }
        // Most trivia between two tokens of a line is one space.
        if next == Some(&b' ') && !starts_trivia(self.bytes.get(self.pos + 1)) {
            self.pos += 1;
            return;
        }
        self.skip_trivia();
    }

    /// [`Parser::skip`] where trivia may start.
    #[inline(never)]
    fn skip_trivia(&mut self) {
        let b = self.bytes;
        let mut i = self.pos;
        loop {
            match b.get(i) {
                Some(b' ' | b'\t' | b'\r' | b'\n') => i += 1,
                Some(0xEF) if b[i..].starts_with("\u{FEFF}".as_bytes()) => i += 3,
                Some(b'/') => match b.get(i + 1) {
                    Some(b'/') => {
                        i += 2 + b[i + 2..]
                            .iter()
                            .position(|&c| c == b'\n')
                            .unwrap_or(b.len() - i - 2)
                    }
                    Some(b'*') if i + 2 >= self.unclosed_from => break,
                    Some(b'*') => match self.text[i + 2..].find("*/") {
                        Some(close) => i += close + 4,
                        None => {
                            self.unclosed_from = i + 2;
                            break;
                        }
                    },
                    _ => break,
                },
                _ => break,
            }
        }
        self.pos = i;
    }

    fn lit(&mut self, byte: u8) -> bool {
        let found = self.bytes.get(self.pos) == Some(&byte);
        self.pos += usize::from(found);
        found
    }

    /// [`Parser::lit`] for punctuation a rule needs once past its start (the `{` of a block,
    /// the `=` of a tag): when tracking, a miss is recorded for [`needed_punctuation`]. It
    /// changes nothing pest's model reports.
    #[inline]
    fn need(&mut self, byte: u8) -> bool {
        if self.lit(byte) {
            return true;
        }
        if self.comma_missing_at == self.pos {
            self.want(b',');
        }
        self.want(byte);
        false
    }

    /// The optional `,` after the items of a list. Where it is missing and the list's closing
    /// bracket, needed next, is missing too, a `,` would have been taken there as well.
    fn trailing_comma(&mut self) {
        if !self.lit(b',') && self.tracking {
            self.comma_missing_at = self.pos;
        }
    }

    /// Records that `byte` would have been taken here, for [`needed_punctuation`].
    #[cold]
    fn want(&mut self, byte: u8) {
        if self.tracking && self.pos >= self.needed_at {
            if self.pos > self.needed_at {
                self.needed.clear();
                self.needed_at = self.pos;
            }
            if !self.needed.contains(&byte) {
                self.needed.push(byte);
            }
        }
    }

    /// A `kw_*` rule: the word, not followed by an identifier character. Inline: the
    /// alternatives of an item or a member try keyword after keyword at one position, ~120
    /// tries a role, most turned away by the word's length.
    #[inline]
    fn kw(&mut self, keyword: Keyword) -> bool {
        let p = self.pos;
        let word = keyword.word.as_bytes();
        // The keyword matches exactly when the whole word at `p` (the identifier characters
        // there) is the keyword: its length alone turns most words away.
        if self.word.0 != p {
            self.read_word();
        }
        let end = self.word.1;
        if end - p == word.len() && &self.bytes[p..end] == word {
            self.pos = end;
            true
        } else {
            if self.tracking {
                self.miss(Expected::Keyword(keyword), p);
            }
            false
        }
    }

    /// The word at the position, for [`Parser::kw`].
    #[inline(never)]
    fn read_word(&mut self) {
        self.word = (self.pos, run(self.bytes, self.pos, IDENT_CHAR));
    }

    /// An atomic rule given by the end of its match.
    fn atom(&mut self, rule: Expected, end: fn(&[u8], usize) -> Option<usize>) -> Option<usize> {
        let p = self.pos;
        match end(self.bytes, p) {
            Some(end) => {
                self.pos = end;
                Some(p)
            }
            None => {
                self.miss(rule, p);
                None
            }
        }
    }

    /// `tru` for a rule whose last child ends (truly) at `child` and which ends at `raw`.
    #[inline]
    fn close(&self, child: usize, raw: usize) -> usize {
        // Mostly the tail is empty or plain white space, which needs no closer look.
        let tail = self.bytes.get(child..raw).unwrap_or_default();
        if tail
            .iter()
            .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        {
            return child.min(raw);
        }
        self.close_over(child, raw)
    }

    /// [`Parser::close`] where the tail after the last child holds a comment.
    #[inline(never)]
    fn close_over(&self, child: usize, raw: usize) -> usize {
        child + trim_trailing_trivia(&self.text[child..raw]).len()
    }

    /// Whether the last line of `text[start..end]` holds a `//`: the last `//` before `end`
    /// is in the range and no line ends after it. (Scanning each construct's text for it cost
    /// more than the rest of the parse.)
    fn last_line_has_slashes(&self, start: usize, end: usize) -> bool {
        // How many `//` end by `end`.
        let fits = |i: usize| self.slashes.get(i).is_some_and(|&at| at + 2 <= end);
        let mut before = self.slash_hint.get().min(self.slashes.len());
        if before > 0 && !fits(before - 1) || fits(before) {
            before = self.slashes.partition_point(|&at| at + 2 <= end);
            self.slash_hint.set(before);
        }
        let Some(&at) = before.checked_sub(1).and_then(|i| self.slashes.get(i)) else {
            return false;
        };
        at >= start && !self.bytes[at..end].contains(&b'\n')
    }

    /// A rule's span: its text without trailing white space; if that ends in a comment, up to
    /// where its last child truly ends.
    #[inline]
    fn span(&self, start: usize, end: End) -> Span {
        // Mostly the text ends in a character that is neither white space nor part of a
        // comment's end, maybe followed by ASCII white space, and the block has no `//`: the
        // span is the text without that white space (what `trim_end` leaves).
        let text = self.bytes.get(start..end.raw).unwrap_or_default();
        let trimmed = text.trim_ascii_end();
        if let Some(&byte) = trimmed.last() {
            let plain = byte.is_ascii() && byte != 0x0B && byte != b'/';
            if plain && self.slashes.is_empty() {
                return Span::new(self.file, start, start + trimmed.len());
            }
        }
        self.span_trimmed(start, end)
    }

    /// [`Parser::span`] where the text may end in white space or a comment.
    #[inline(never)]
    fn span_trimmed(&self, start: usize, end: End) -> Span {
        let trimmed = self.text[start..end.raw].trim_end().as_bytes();
        let trimmed_end = start + trimmed.len();
        if !trimmed.ends_with(b"*/") && !self.last_line_has_slashes(start, trimmed_end) {
            return Span::new(self.file, start, trimmed_end);
        }
        Span::new(self.file, start, end.tru)
    }

    fn owned(&self, start: usize, end: usize) -> Text {
        Text::from(&self.text[start..end])
    }

    /// `ident`, tracked (it is called from non-atomic and compound-atomic rules).
    fn ident(&mut self) -> Option<Ident> {
        let p = self.pos;
        let start = self.atom(Expected::Ident, ident_end)?;
        debug_assert_eq!(start, p);
        Some(Spanned::new(
            self.owned(p, self.pos),
            Span::new(self.file, p, self.pos),
        ))
    }

    // ---- top level --------------------------------------------------------------------------

    /// `file = { SOI ~ item* ~ EOI }`
    fn file(&mut self) -> Option<File> {
        let mark = self.mark(0);
        let mut items = Vec::new();
        self.skip();
        if let Some(item) = self.item() {
            items.push(item);
            loop {
                let save = self.pos;
                self.skip();
                match self.item() {
                    Some(item) => items.push(item),
                    None => {
                        self.pos = save;
                        break;
                    }
                }
            }
        }
        self.skip();
        if self.pos == self.bytes.len() {
            return Some(File { items });
        }
        self.miss(Expected::Eoi, self.pos);
        self.fail(Expected::File, 0, mark)
    }

    /// `item = _{ account_setting | partition_setting | let_binding | import | env_block
    /// | template_block | block }`
    fn item(&mut self) -> Option<Item> {
        if let Some(value) = self.kw_value(KW_ACCOUNT, Expected::AccountSetting) {
            return Some(Item::Account(value));
        }
        if let Some(value) = self.kw_value(KW_PARTITION, Expected::PartitionSetting) {
            return Some(Item::Partition(value));
        }
        if let Some(binding) = self.let_binding() {
            return Some(Item::Let(binding));
        }
        if let Some(name) = self.import() {
            return Some(Item::Import(name));
        }
        if let Some(env) = self.env_block() {
            return Some(Item::Env(env));
        }
        if let Some(template) = self.template_block() {
            return Some(Item::Template(template));
        }
        self.block().map(Item::Block)
    }

    /// `account_setting`, `partition_setting` and the one-value settings: `{ kw ~ value }`.
    fn kw_value(&mut self, keyword: Keyword, rule: Expected) -> Option<Value> {
        let start = self.pos;
        let mark = self.mark(start);
        if !self.kw(keyword) {
            return self.fail(rule, start, mark);
        }
        self.skip();
        match self.value() {
            Some(value) => Some(value),
            None => self.fail(rule, start, mark),
        }
    }

    /// `let_binding = { kw_let ~ ident ~ "=" ~ (list_value | value) }`
    fn let_binding(&mut self) -> Option<Let> {
        let start = self.pos;
        let mark = self.mark(start);
        if !self.kw(KW_LET) {
            return self.fail(Expected::LetBinding, start, mark);
        }
        self.skip();
        let Some(name) = self.ident() else {
            return self.fail(Expected::LetBinding, start, mark);
        };
        self.skip();
        if !self.need(b'=') {
            return self.fail(Expected::LetBinding, start, mark);
        }
        self.skip();
        let value = match self.list_value() {
            Some(list) => list,
            None => match self.value() {
                Some(value) => value,
                None => return self.fail(Expected::LetBinding, start, mark),
            },
        };
        Some(Let { name, value })
    }

    /// `list_value = { "[" ~ (value ~ ("," ~ value)* ~ ","?)? ~ "]" }`
    fn list_value(&mut self) -> Option<Value> {
        let start = self.pos;
        let mark = self.mark(start);
        if !self.lit(b'[') {
            return self.fail(Expected::ListValue, start, mark);
        }
        self.skip();
        self.scratch.values.clear();
        let mut last = None;
        if let Some(first) = self.value() {
            self.scratch.values.push(first);
            let mut end = self.pos;
            self.skip();
            self.repeat_values(&mut end);
            last = Some(end);
            self.skip();
            self.trailing_comma();
        }
        self.skip();
        if !self.need(b']') {
            return self.fail(Expected::ListValue, start, mark);
        }
        let raw = self.pos;
        let tru = last.map_or(raw, |last| self.close(last, raw));
        let span = self.span(start, End { raw, tru });
        let values = take_all(&mut self.scratch.values);
        Some(Spanned::new(ValueKind::List(values), span))
    }

    /// One round of pest's `x*` after trivia already skipped: every round after the first
    /// skips trivia first, and a round whose `body` fails gives back everything it read.
    fn round<T>(
        &mut self,
        first: &mut bool,
        body: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<T> {
        let save = self.pos;
        if !std::mem::take(first) {
            self.skip();
        }
        let found = body(self);
        if found.is_none() {
            self.pos = save;
        }
        found
    }

    /// One round of `(separator ~ item)*` (see [`Parser::round`]).
    fn separated_round<T>(
        &mut self,
        first: &mut bool,
        separator: impl FnOnce(&mut Self) -> bool,
        item: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<T> {
        self.round(first, |parser| {
            if !separator(parser) {
                return None;
            }
            parser.skip();
            item(parser)
        })
    }

    /// `("," ~ value)*` after a value and the trivia after it, into `scratch.values`. `last`
    /// becomes the end of the last value.
    fn repeat_values(&mut self, last: &mut usize) {
        let mut first = true;
        while let Some(value) = self.separated_round(&mut first, |p| p.lit(b','), Self::value) {
            self.scratch.values.push(value);
            *last = self.pos;
        }
    }

    /// `import = { kw_import ~ ident }`
    fn import(&mut self) -> Option<Ident> {
        let start = self.pos;
        let mark = self.mark(start);
        if !self.kw(KW_IMPORT) {
            return self.fail(Expected::Import, start, mark);
        }
        self.skip();
        match self.ident() {
            Some(name) => Some(name),
            None => self.fail(Expected::Import, start, mark),
        }
    }

    /// `env_block = { kw_env ~ ident ~ "{" ~ (account_setting | partition_setting
    /// | let_binding)* ~ "}" }`
    fn env_block(&mut self) -> Option<Env> {
        let start = self.pos;
        let mark = self.mark(start);
        if !self.kw(KW_ENV) {
            return self.fail(Expected::EnvBlock, start, mark);
        }
        self.skip();
        let Some(name) = self.ident() else {
            return self.fail(Expected::EnvBlock, start, mark);
        };
        self.skip();
        if !self.need(b'{') {
            return self.fail(Expected::EnvBlock, start, mark);
        }
        self.skip();
        let mut env = Env {
            name,
            settings: Vec::new(),
        };
        let mut first = true;
        while self
            .round(&mut first, |parser| {
                let setting =
                    if let Some(value) = parser.kw_value(KW_ACCOUNT, Expected::AccountSetting) {
                        EnvSetting::Account(value)
                    } else if let Some(value) =
                        parser.kw_value(KW_PARTITION, Expected::PartitionSetting)
                    {
                        EnvSetting::Partition(value)
                    } else {
                        EnvSetting::Let(parser.let_binding()?)
                    };
                env.settings.push(setting);
                Some(())
            })
            .is_some()
        {}
        self.skip();
        if !self.need(b'}') {
            return self.fail(Expected::EnvBlock, start, mark);
        }
        Some(env)
    }

    /// `template_block = { kw_template ~ ident ~ "(" ~ params? ~ ")" ~ "{" ~ member* ~ "}" }`
    fn template_block(&mut self) -> Option<Spanned<Template>> {
        let start = self.pos;
        let mark = self.mark(start);
        if !self.kw(KW_TEMPLATE) {
            return self.fail(Expected::TemplateBlock, start, mark);
        }
        self.skip();
        let Some(name) = self.ident() else {
            return self.fail(Expected::TemplateBlock, start, mark);
        };
        let mut last = self.pos;
        self.skip();
        if !self.need(b'(') {
            return self.fail(Expected::TemplateBlock, start, mark);
        }
        self.skip();
        let mut params = Vec::new();
        if let Some(end) = self.params(&mut params) {
            last = end.tru;
        }
        self.skip();
        if !self.need(b')') {
            return self.fail(Expected::TemplateBlock, start, mark);
        }
        self.skip();
        if !self.need(b'{') {
            return self.fail(Expected::TemplateBlock, start, mark);
        }
        self.skip();
        let members = self.members(&mut last);
        self.skip();
        if !self.need(b'}') {
            return self.fail(Expected::TemplateBlock, start, mark);
        }
        let raw = self.pos;
        let span = self.span(
            start,
            End {
                raw,
                tru: self.close(last, raw),
            },
        );
        Some(Spanned::new(
            Template {
                name,
                params,
                members,
            },
            span,
        ))
    }

    /// `params = { ident ~ ("," ~ ident)* ~ ","? }`
    fn params(&mut self, params: &mut Vec<Ident>) -> Option<End> {
        let start = self.pos;
        let mark = self.mark(start);
        let Some(first) = self.ident() else {
            return self.fail(Expected::Params, start, mark);
        };
        params.push(first);
        let mut last = self.pos;
        self.skip();
        let mut first = true;
        while let Some(param) = self.separated_round(&mut first, |p| p.lit(b','), Self::ident) {
            params.push(param);
            last = self.pos;
        }
        self.skip();
        self.trailing_comma();
        let raw = self.pos;
        Some(End {
            raw,
            tru: self.close(last, raw),
        })
    }

    /// `block = { block_kind ~ name ~ "{" ~ member* ~ "}" }`
    fn block(&mut self) -> Option<Spanned<Block>> {
        let start = self.pos;
        let mark = self.mark(start);
        let Some(kind) = self.block_kind() else {
            return self.fail(Expected::Block, start, mark);
        };
        let kind = Spanned::new(kind, self.span(start, End::leaf(self.pos)));
        self.skip();
        let Some(name) = self.name() else {
            return self.fail(Expected::Block, start, mark);
        };
        let mut last = self.pos;
        self.skip();
        if !self.need(b'{') {
            return self.fail(Expected::Block, start, mark);
        }
        if self.defer_roles && kind.node == BlockKind::Role {
            let Some(end) = skim_block_end(self.bytes, self.pos) else {
                return self.fail(Expected::Block, start, mark);
            };
            self.pos = end;
            let block = Block {
                kind,
                name,
                members: Vec::new(),
                deferred: Some(end),
            };
            return Some(Spanned::new(block, Span::new(self.file, start, end)));
        }
        self.skip();
        let members = self.members(&mut last);
        self.skip();
        if !self.need(b'}') {
            return self.fail(Expected::Block, start, mark);
        }
        let raw = self.pos;
        let span = self.span(
            start,
            End {
                raw,
                tru: self.close(last, raw),
            },
        );
        Some(Spanned::new(
            Block {
                kind,
                name,
                members,
                deferred: None,
            },
            span,
        ))
    }

    /// `block_kind = { kw_boundary | kw_policy | kw_role | kw_user | kw_group | kw_delegate }`
    fn block_kind(&mut self) -> Option<BlockKind> {
        let start = self.pos;
        let mark = self.mark(start);
        let kinds = [
            (KW_BOUNDARY, BlockKind::Boundary),
            (KW_POLICY, BlockKind::Policy),
            (KW_ROLE, BlockKind::Role),
            (KW_USER, BlockKind::User),
            (KW_GROUP, BlockKind::Group),
            (KW_DELEGATE, BlockKind::Delegate),
        ];
        for (keyword, kind) in kinds {
            if self.kw(keyword) {
                return Some(kind);
            }
        }
        self.fail(Expected::BlockKind, start, mark)
    }

    /// `name = { string | ident }`
    fn name(&mut self) -> Option<Spanned<Str>> {
        let start = self.pos;
        let mark = self.mark(start);
        let node = match self.string() {
            Some(string) => string,
            None => match self.ident() {
                Some(ident) => Str::literal(ident.node),
                None => return self.fail(Expected::Name, start, mark),
            },
        };
        Some(Spanned::new(node, self.span(start, End::leaf(self.pos))))
    }

    /// `member*` of a block or template; `last` becomes the true end of the last member.
    fn members(&mut self, last: &mut usize) -> Vec<Member> {
        self.scratch.members.clear();
        let mut first = true;
        while let Some((member, end)) = self.round(&mut first, Self::member) {
            self.scratch.members.push(member);
            *last = end.tru;
        }
        take_all(&mut self.scratch.members)
    }
}

mod conditions;
mod members;
mod skim;
mod values;

#[cfg(test)]
mod tests {

    #[test]
    fn double_slashes_are_all_found() {
        let texts = [
            "",
            "/",
            "//",
            "///",
            "a//b",
            "1234567//",
            "12345678//",
            "1234567/ /",
            "//x//",
            "////",
            "/////",
            "//////",
            "a///b////c/////",
        ];
        for text in texts {
            let naive: Vec<usize> = (0..text.len().saturating_sub(1))
                .filter(|&i| &text[i..i + 2] == "//")
                .collect();
            assert_eq!(super::double_slashes(text.as_bytes()), naive, "{text:?}");
        }
        let long = "arn:aws:s3:::b/x//y///z/".repeat(7);
        let naive: Vec<usize> = (0..long.len() - 1)
            .filter(|&i| &long[i..i + 2] == "//")
            .collect();
        assert_eq!(super::double_slashes(long.as_bytes()), naive);
    }
}
