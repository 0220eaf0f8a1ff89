//! A small JSON reader that keeps byte positions, for diagnostics that point into JSON files.
//!
//! In: JSON text. Out: a [`Json`] tree whose every value and object key carries its byte range,
//! or the first syntax error with its offset. serde_json gives no positions for values, and
//! IAM policies are small, so a hand-written recursive-descent reader (RFC 8259, duplicate keys
//! kept in order) is simpler than another dependency.
//!
//! Cost: one pass, no backtracking. Strings and numbers borrow their text from the input (only
//! a string with escapes is copied, unescaped), so the tree is one node of 48 bytes per value
//! and key, and nothing else. Nesting is refused beyond [`MAX_DEPTH`] so hostile input cannot
//! exhaust the stack; how large a text may be is the caller's limit (`iam::read`).

use std::borrow::Cow;

/// The deepest nesting of arrays and objects read. A policy needs 6 levels (document, statement
/// list, statement, `Condition`, operator, key with a list of values); 32 leaves room for other
/// JSON while keeping the recursion far from the stack's end.
pub const MAX_DEPTH: usize = 32;

/// The first `\uXXXX` escape in `raw` (JSON string text as written, quotes and all) that is
/// half of a surrogate pair without its other half (`\ud800`): such an escape names no
/// character, and the reader reads it as U+FFFD. Messages name it as written.
pub fn unpaired_surrogate(raw: &str) -> Option<&str> {
    let bytes = raw.as_bytes();
    let escape = |at: usize| {
        (bytes.get(at) == Some(&b'\\') && bytes.get(at + 1) == Some(&b'u'))
            .then(|| raw.get(at + 2..at + 6))
            .flatten()
            .filter(|digits| digits.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|digits| u32::from_str_radix(digits, 16).ok())
    };
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] != b'\\' {
            at += 1;
            continue;
        }
        match escape(at) {
            Some(0xd800..=0xdbff)
                if escape(at + 6).is_some_and(|low| (0xdc00..0xe000).contains(&low)) =>
            {
                at += 12
            }
            Some(0xd800..=0xdfff) => return raw.get(at..at + 6),
            Some(_) => at += 6,
            // `\\`, `\"`, ...: the escaped character is not the start of another escape.
            None => at += 2,
        }
    }
    None
}

/// How many bytes at the start of `text` a string holds as they are: up to the first `"`, `\`
/// or control character (or the end). Eight bytes are tested at a time: a policy's strings
/// are mostly 10-60 bytes, where a SIMD search's set-up costs more than it saves (it was ~190
/// instructions a string, with a second pass for control characters).
fn plain_run(text: &[u8]) -> usize {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    // The high bit of each byte of `word` that is zero, and maybe of bytes after such a byte
    // (a borrow runs on), never before it: the lowest bit set is exact.
    let zero = |word: u64| word.wrapping_sub(ONES) & !word & HIGHS;
    let mut at = 0;
    while let Some(chunk) = text.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let found = zero(word ^ (ONES * u64::from(b'"')))
            | zero(word ^ (ONES * u64::from(b'\\')))
            // Bytes under 0x20: the same borrow test against 0x20 instead of 1.
            | (word.wrapping_sub(ONES * 0x20) & !word & HIGHS);
        if found != 0 {
            return at + found.trailing_zeros() as usize / 8;
        }
        at += 8;
    }
    at + (text[at..].iter())
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .unwrap_or(text.len() - at)
}

/// Why a text is not read: a message, the byte offset it applies to, and whether it is a limit
/// of this reader ([`MAX_DEPTH`]) rather than invalid JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub message: String,
    pub offset: usize,
    pub limit: bool,
}

/// A JSON value with its byte range in the text it borrows from.
#[derive(Debug, Clone, PartialEq)]
pub struct Json<'a> {
    pub kind: JsonKind<'a>,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum JsonKind<'a> {
    Null,
    Bool(bool),
    /// The number as written.
    Number(&'a str),
    /// The string's value: the text between the quotes, or its unescaped copy.
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    Object(Vec<Member<'a>>),
    /// A value that was read and found valid but not kept ([`parse_deferring_statements`]):
    /// [`parse_deferred`] reads it again.
    Deferred,
}

/// One `"key": value` of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member<'a> {
    pub key: Cow<'a, str>,
    pub key_start: usize,
    pub key_end: usize,
    pub value: Json<'a>,
}

impl JsonKind<'_> {
    /// How the value reads in a message.
    pub fn describe(&self) -> &'static str {
        match self {
            JsonKind::Null => "null",
            JsonKind::Bool(_) => "a boolean",
            JsonKind::Number(_) => "a number",
            JsonKind::String(_) => "a string",
            JsonKind::Array(_) => "a list",
            JsonKind::Object(_) => "an object",
            JsonKind::Deferred => "a value",
        }
    }
}

/// Parses one JSON document.
pub fn parse(text: &str) -> Result<Json<'_>, Error> {
    parse_inner(text, false).map_err(error)
}

/// [`parse`], except that the items of a list that is the `Statement` of the top-level object
/// are checked and then dropped: each is [`JsonKind::Deferred`], to be read with
/// [`parse_deferred`] when its turn comes. Reading a policy then holds the tree of one statement
/// at a time, not of all of them.
pub fn parse_deferring_statements(text: &str) -> Result<Json<'_>, Error> {
    parse_inner(text, true).map_err(error)
}

/// Reads again a value [`parse_deferring_statements`] deferred, from the same text.
pub fn parse_deferred<'a>(text: &'a str, deferred: &Json<'_>) -> Result<Json<'a>, Error> {
    let mut reader = Reader::new(text, false);
    reader.pos = deferred.start;
    // A statement of the list is two levels deep: the document, the list.
    reader.depth = 2;
    reader.value().map_err(error)
}

fn error((message, offset): (String, usize)) -> Error {
    Error {
        limit: message.starts_with(NESTED),
        message,
        offset,
    }
}

const NESTED: &str = "JSON nested more than";

fn parse_inner(text: &str, defer: bool) -> Result<Json<'_>, (String, usize)> {
    let mut reader = Reader::new(text, defer);
    reader.skip_ws();
    let value = reader.value()?;
    reader.skip_ws();
    if reader.pos < text.len() {
        return Err(("unexpected text after the JSON value".into(), reader.pos));
    }
    Ok(value)
}

struct Reader<'a> {
    source: &'a str,
    text: &'a [u8],
    pos: usize,
    depth: usize,
    /// Whether to defer the items of the top-level `Statement` list.
    defer: bool,
    /// The value being read is that list, if an array.
    defer_next: bool,
}

type Parsed<T> = std::result::Result<T, (String, usize)>;

impl<'a> Reader<'a> {
    fn new(text: &'a str, defer: bool) -> Reader<'a> {
        Reader {
            source: text,
            text: text.as_bytes(),
            pos: 0,
            depth: 0,
            defer,
            defer_next: false,
        }
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn fail<T>(&self, message: &str) -> Parsed<T> {
        // The reader stops outside strings only after ASCII, so `pos` starts a character.
        let found = match self.source.get(self.pos..).and_then(|rest| rest.chars().next()) {
            None => "the end of the file".to_string(),
            Some(c) if c.is_ascii_graphic() => format!("`{c}`"),
            Some('\u{feff}') => {
                "a byte order mark (U+FEFF), which IAM does not take: save the file as UTF-8 without one"
                    .to_string()
            }
            Some(c) if c.is_control() => format!("a control character (U+{:04X})", c as u32),
            Some(c) => format!("`{c}` (U+{:04X})", c as u32),
        };
        Err((format!("expected {message}, found {found}"), self.pos))
    }

    fn value(&mut self) -> Parsed<Json<'a>> {
        let start = self.pos;
        let kind = match self.peek() {
            Some(b'{') => self.object()?,
            Some(b'[') => self.array()?,
            Some(b'"') => JsonKind::String(self.string()?),
            Some(b't') => self.word("true", JsonKind::Bool(true))?,
            Some(b'f') => self.word("false", JsonKind::Bool(false))?,
            Some(b'n') => self.word("null", JsonKind::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            _ => return self.fail("a JSON value"),
        };
        Ok(Json {
            kind,
            start,
            end: self.pos,
        })
    }

    fn word(&mut self, word: &str, kind: JsonKind<'a>) -> Parsed<JsonKind<'a>> {
        if self.text[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(kind)
        } else {
            self.fail("a JSON value")
        }
    }

    fn number(&mut self) -> Parsed<JsonKind<'a>> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let digits = |r: &mut Self| {
            let from = r.pos;
            while matches!(r.peek(), Some(b'0'..=b'9')) {
                r.pos += 1;
            }
            r.pos > from
        };
        if !digits(self) {
            return self.fail("a digit");
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !digits(self) {
                return self.fail("a digit");
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !digits(self) {
                return self.fail("a digit");
            }
        }
        // Signs, digits, `.` and exponents: ASCII, so on character boundaries.
        Ok(JsonKind::Number(&self.source[start..self.pos]))
    }

    fn string(&mut self) -> Parsed<Cow<'a, str>> {
        self.pos += 1; // opening quote

        // Most strings have no escape: their value is their text, borrowed, when the first
        // byte that is not plain is the closing quote; anything else is read byte by byte below.
        let rest = &self.text[self.pos..];
        let len = plain_run(rest);
        if rest.get(len) == Some(&b'"') {
            let value = &self.source[self.pos..self.pos + len];
            self.pos += len + 1;
            return Ok(Cow::Borrowed(value));
        }
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(("this string is not closed".into(), self.pos));
            };
            match c {
                b'"' => {
                    self.pos += 1;
                    return Ok(Cow::Owned(out));
                }
                b'\\' => {
                    self.pos += 1;
                    let escaped = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let c = self.unicode_escape()?;
                            out.push(c);
                            continue;
                        }
                        _ => return self.fail("an escape like `\\n` or `\\u0041`"),
                    };
                    self.pos += 1;
                    out.push(escaped);
                }
                0..=0x1f => return self.fail("a closing `\"`"),
                _ => {
                    // Copy one UTF-8 character.
                    let len = match c {
                        0xf0.. => 4,
                        0xe0.. => 3,
                        0xc0.. => 2,
                        _ => 1,
                    };
                    let end = (self.pos + len).min(self.text.len());
                    out.push_str(
                        std::str::from_utf8(&self.text[self.pos..end]).unwrap_or("\u{fffd}"),
                    );
                    self.pos = end;
                }
            }
        }
    }

    fn hex4(&mut self) -> Parsed<u32> {
        let digits = self.text.get(self.pos..self.pos + 4);
        let value = digits
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| u32::from_str_radix(d, 16).ok());
        match value {
            Some(v) => {
                self.pos += 4;
                Ok(v)
            }
            None => self.fail("four hex digits"),
        }
    }

    /// The character of a `\uXXXX` escape (and of the low surrogate's escape after a high
    /// one). A surrogate without its other half names no character: it is read as U+FFFD, and
    /// an escape after a high surrogate that is not a low one is read on its own.
    /// [`unpaired_surrogate`] finds it again in the text, for messages.
    fn unicode_escape(&mut self) -> Parsed<char> {
        let high = self.hex4()?;
        if (0xd800..0xdc00).contains(&high) && self.text[self.pos..].starts_with(b"\\u") {
            let after_high = self.pos;
            self.pos += 2;
            let low = self.hex4()?;
            if (0xdc00..0xe000).contains(&low) {
                let code = 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00);
                return Ok(char::from_u32(code).unwrap_or('\u{fffd}'));
            }
            self.pos = after_high;
        }
        Ok(char::from_u32(high).unwrap_or('\u{fffd}'))
    }

    fn nest(&mut self) -> Parsed<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err((format!("{NESTED} {MAX_DEPTH} levels deep"), self.pos));
        }
        Ok(())
    }

    fn array(&mut self) -> Parsed<JsonKind<'a>> {
        let defer = std::mem::take(&mut self.defer_next);
        self.nest()?;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(JsonKind::Array(items));
        }
        loop {
            self.skip_ws();
            let item = self.value()?;
            items.push(match defer {
                true => Json {
                    kind: JsonKind::Deferred,
                    start: item.start,
                    end: item.end,
                },
                false => item,
            });
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(JsonKind::Array(items));
                }
                _ => return self.fail("`,` or `]`"),
            }
        }
    }

    fn object(&mut self) -> Parsed<JsonKind<'a>> {
        self.defer_next = false;
        self.nest()?;
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(JsonKind::Object(members));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return self.fail("a key in double quotes");
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_end = self.pos;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return self.fail("`:`");
            }
            self.pos += 1;
            self.skip_ws();
            self.defer_next = self.defer && self.depth == 1 && key == "Statement";
            let value = self.value()?;
            members.push(Member {
                key,
                key_start,
                key_end,
                value,
            });
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(JsonKind::Object(members));
                }
                _ => return self.fail("`,` or `}`"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The eight-bytes-at-a-time search stops where a byte-by-byte one does, whatever the
        /// bytes and wherever the special one sits in a word.
        #[test]
        fn plain_run_stops_at_the_first_quote_backslash_or_control(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just(b'"'),
                    proptest::strategy::Just(b'\\'),
                    0u8..0x20,
                    0x20u8..=0xff,
                    0x20u8..=0xff,
                    0x20u8..=0xff,
                ],
                0..40,
            )
        ) {
            let expected = (bytes.iter())
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                .unwrap_or(bytes.len());
            proptest::prop_assert_eq!(plain_run(&bytes), expected);
        }
    }

    #[test]
    fn unpaired_surrogates_are_read_as_u_fffd_and_found_as_written() {
        let string = |text: &str| match parse(text).unwrap().kind {
            JsonKind::String(s) => s.into_owned(),
            other => panic!("{other:?}"),
        };
        assert_eq!(string(r#""\ud83d\ude00""#), "\u{1F600}");
        assert_eq!(string(r#""a\ud800b""#), "a\u{fffd}b");
        assert_eq!(string(r#""\udc00""#), "\u{fffd}");
        // A high surrogate before an escape that is not a low one: both read, nothing eaten.
        assert_eq!(string(r#""\ud800\u0041""#), "\u{fffd}A");
        for (raw, found) in [
            (r#""b/\ud800""#, Some(r"\ud800")),
            (r#""\uDC00x""#, Some(r"\uDC00")),
            (r#""\ud800\u0041""#, Some(r"\ud800")),
            (r#""\ud83d\ude00 \udfff""#, Some(r"\udfff")),
            (r#""\ud83d\ude00""#, None),
            (r#""\\ud800""#, None),
            (r#""\u00e9\u20ac""#, None),
        ] {
            assert_eq!(unpaired_surrogate(raw), found, "{raw}");
        }
    }

    #[test]
    fn values_keep_their_positions() {
        let text = r#" {"a": [1, "x\u00e9", true, null], "b": {"c": -2.5e3}} "#;
        let value = parse(text).unwrap();
        let JsonKind::Object(members) = &value.kind else {
            panic!()
        };
        assert_eq!(&text[members[0].key_start..members[0].key_end], "\"a\"");
        let JsonKind::Array(items) = &members[0].value.kind else {
            panic!()
        };
        assert_eq!(items[1].kind, JsonKind::String("xé".into()));
        assert_eq!(&text[items[1].start..items[1].end], "\"x\\u00e9\"");
        assert_eq!(value.start, 1);
    }

    #[test]
    fn errors_have_offsets() {
        assert_eq!(parse("{\"a\" 1}").unwrap_err().offset, 5);
        assert_eq!(parse("[1,]").unwrap_err().offset, 3);
        assert!(parse("{\"a\": \"b")
            .unwrap_err()
            .message
            .contains("not closed"));
        assert!(parse("{} x").is_err());
        assert!(!parse("[1,]").unwrap_err().limit);
    }

    #[test]
    fn errors_name_what_was_found() {
        let found = |text: &str| parse(text).unwrap_err().message;
        assert_eq!(
            found("\u{feff}{}"),
            "expected a JSON value, found a byte order mark (U+FEFF), which IAM does not take: save the file as UTF-8 without one"
        );
        assert_eq!(
            found("{\"a\": \u{1}}"),
            "expected a JSON value, found a control character (U+0001)"
        );
        assert_eq!(
            found("{\"a\": é}"),
            "expected a JSON value, found `é` (U+00E9)"
        );
        assert_eq!(found("{\"a\": x}"), "expected a JSON value, found `x`");
        assert_eq!(
            found("{\"a\": "),
            "expected a JSON value, found the end of the file"
        );
    }

    #[test]
    fn statements_can_be_read_one_at_a_time() {
        let text = r#"{"Statement": [{"a": [1]}, 2], "Other": [{"b": 1}]}"#;
        let root = parse_deferring_statements(text).unwrap();
        let JsonKind::Object(members) = &root.kind else {
            panic!()
        };
        let JsonKind::Array(items) = &members[0].value.kind else {
            panic!()
        };
        assert_eq!(items[0].kind, JsonKind::Deferred);
        assert_eq!(&text[items[0].start..items[0].end], r#"{"a": [1]}"#);
        let again = parse_deferred(text, &items[0]).unwrap();
        assert_eq!(
            again,
            parse(text)
                .map(|r| match r.kind {
                    JsonKind::Object(m) => match &m[0].value.kind {
                        JsonKind::Array(i) => i[0].clone(),
                        _ => panic!(),
                    },
                    _ => panic!(),
                })
                .unwrap()
        );
        // Only the top level's `Statement` is deferred.
        let JsonKind::Array(other) = &members[1].value.kind else {
            panic!()
        };
        assert!(matches!(other[0].kind, JsonKind::Object(_)));
        // Deferred items are checked all the same.
        assert!(parse_deferring_statements(r#"{"Statement": [{"a": }]}"#).is_err());
        let deep = format!(r#"{{"Statement": [{}]}}"#, "[".repeat(40));
        assert!(parse_deferring_statements(&deep).unwrap_err().limit);
    }

    #[test]
    fn deep_nesting_is_a_limit_not_a_crash() {
        let deep = "[".repeat(100_000);
        let error = parse(&deep).unwrap_err();
        assert!(error.limit);
        assert_eq!(error.offset, MAX_DEPTH);
        let fits = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&fits).is_ok());
    }
}
