//! What the grammar says about words: its reserved words, the character classes of its atomic
//! rules and the shapes of its atomic values (names, DNS names, dates, CIDR ranges, numbers).
//!
//! In: bytes of text, or one word. Out: where a shape that starts at a position ends (for the
//! parser), or whether a whole word reads back as that shape (for code that writes `.iamx`
//! text: the formatter and the importer). One place for both, so that what the importer writes
//! bare is what the parser reads. The keyword list is the grammar's `keyword` rule and the ARN
//! punctuation its `arn_char` rule; tests read `grammar/iamx.pest` and fail when they differ.

/// The reserved words: the grammar's `keyword` rule, in its order.
pub const KEYWORDS: [&str; 28] = [
    "account",
    "partition",
    "let",
    "import",
    "env",
    "template",
    "boundary",
    "policy",
    "role",
    "user",
    "group",
    "delegate",
    "allow",
    "deny",
    "except",
    "on",
    "when",
    "and",
    "trust",
    "use",
    "not",
    "like",
    "in",
    "exists",
    "if",
    "any",
    "all",
    "actions",
];

/// The reserved words that start a top-level item (`account` to `delegate`): the grammar lists
/// them first.
pub const ITEM_KEYWORDS: &[&str] = KEYWORDS.split_at(12).0;

/// The words that start a block's settings (`path`, `tag`, `instance_profile`, ...): the
/// grammar's `*_setting` rules of `member`, in its order. Most are not reserved, so after an
/// `on` with nothing else on its line the next line's setting reads as a resource named so;
/// the diagnostics use this list to say what happened.
pub const SETTING_KEYWORDS: [&str; 15] = [
    "path",
    "description",
    "boundary",
    "instance_profile",
    "max_session",
    "tag",
    "attach",
    "groups",
    "to",
    "prefix",
    "pass_to",
    "create_users",
    "aws_managed",
    "tag_keys",
    "login_profiles",
];

/// Whether `text` is a reserved word. The grammar's `keyword` rule matches a keyword followed
/// by a non-identifier character, so a word is refused as a name exactly when it *is* one.
pub fn is_keyword(text: &str) -> bool {
    KEYWORDS.contains(&text)
}

/// Whether all of `text` is one `shape` (one of the `*_end` functions below).
fn whole(text: &str, shape: fn(&[u8], usize) -> Option<usize>) -> bool {
    shape(text.as_bytes(), 0) == Some(text.len())
}

/// Whether `text` reads back as a bare name (the grammar's `ident`, not a keyword).
pub fn is_ident(text: &str) -> bool {
    whole(text, ident_end) && !is_keyword(text)
}

/// Whether `text` reads back as a bare DNS name (the grammar's `dns_name`: two or more `ident`s
/// joined by dots), as service principals are written.
pub fn is_dns_name(text: &str) -> bool {
    whole(text, dns_name_end)
}

/// Whether `text` reads back as a date (the grammar's `date`: `YYYY-MM-DD`, then optionally
/// `T` and a time of digits, `:`, `.`, `Z`, `+`, `-`).
pub fn is_date(text: &str) -> bool {
    whole(text, date_end)
}

/// Whether `text` reads back as an IPv4 address or CIDR range (the grammar's `cidr`).
pub fn is_cidr(text: &str) -> bool {
    whole(text, cidr_end)
}

/// Whether a string value is an IPv6 address or range, which `.iamx` writes quoted (the
/// grammar's `cidr` is IPv4's) and the compiler reads as an IP value: `"2001:db8::/32"`. The
/// importer writes such a value only where the compiler reads it so.
pub fn is_quoted_ipv6(text: &str) -> bool {
    // Most strings have no `:` (prefixes, regions, tags): settled before any parse.
    text.contains(':') && crate::iam::values::parse_cidr(text).is_some_and(|net| net.v6)
}

/// Whether `text` reads back as a number (the grammar's `number`: `-`, digits, `.` digits).
pub fn is_number(text: &str) -> bool {
    whole(text, number_end)
}

/// The ASCII punctuation a bare ARN may hold, besides letters and digits: the grammar's
/// `arn_char` rule, in its order (`$` only where no `{` follows it).
const ARN_PUNCTUATION: &str = "/:-_.*?+=@!~#%&;|'<>^`\\$";

/// Whether `c` reads back as part of a bare ARN (the grammar's `arn_char`): letters, digits,
/// [`ARN_PUNCTUATION`] and every non-ASCII character; never white space, a control character,
/// quotes, commas or brackets. A `$` needs no `{` after it, which the caller checks.
pub fn is_arn_char(c: char) -> bool {
    !c.is_ascii() || c == '$' || is(ARN_CHAR, c as u8)
}

// ---- the character classes of the grammar's atomic rules --------------------------------

pub(super) const IDENT_CHAR: u8 = 1;
pub(super) const ARN_CHAR: u8 = 2;
pub(super) const KEY_PART: u8 = 4;
pub(super) const SERVICE: u8 = 8;
pub(super) const ACTION_NAME: u8 = 16;

/// The character classes of the grammar's atomic rules, by byte. Every byte of a non-ASCII
/// character is an `arn_char` (the grammar takes any non-ASCII character there).
const CLASSES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let mut class = 0;
        let alnum = c.is_ascii_alphanumeric();
        if alnum || c == b'_' || c == b'-' {
            class |= IDENT_CHAR;
        }
        // `$` is an `arn_char` only where no `{` follows; `arn_chars` checks that.
        let punctuation = ARN_PUNCTUATION.as_bytes();
        let mut i = 0;
        let mut arn = alnum || c >= 0x80;
        while i < punctuation.len() {
            arn |= punctuation[i] == c && c != b'$';
            i += 1;
        }
        if arn {
            class |= ARN_CHAR;
        }
        if alnum || c == b'.' || c == b'-' || c == b'_' {
            class |= KEY_PART;
        }
        if alnum || c == b'-' || c == b'*' || c == b'?' {
            class |= SERVICE;
        }
        if alnum || c == b'-' || c == b'_' || c == b'*' || c == b'?' {
            class |= ACTION_NAME;
        }
        table[b] = class;
        b += 1;
    }
    table
};

pub(super) fn is(class: u8, byte: u8) -> bool {
    CLASSES[byte as usize] & class != 0
}

/// The end of the run of bytes of `class` from `from`.
pub(super) fn run(bytes: &[u8], from: usize, class: u8) -> usize {
    from + bytes[from..]
        .iter()
        .position(|&b| !is(class, b))
        .unwrap_or(bytes.len() - from)
}

/// The end of `arn_char*` from `from`.
pub(super) fn arn_chars(bytes: &[u8], mut i: usize) -> usize {
    while let Some(&b) = bytes.get(i) {
        if is(ARN_CHAR, b) || (b == b'$' && bytes.get(i + 1) != Some(&b'{')) {
            i += 1;
        } else {
            break;
        }
    }
    i
}

// ---- the atomic shapes: each gives the end of its match at `p`, if any ---------------------

pub(super) fn digits(bytes: &[u8], from: usize, max: usize) -> usize {
    let mut i = from;
    while i < bytes.len() && i - from < max && bytes[i].is_ascii_digit() {
        i += 1;
    }
    i
}

pub(super) fn ident_char_at(bytes: &[u8], i: usize) -> bool {
    bytes.get(i).is_some_and(|&b| is(IDENT_CHAR, b))
}

/// The end of an `ident` at `from`, if one starts there.
pub(super) fn ident_end(bytes: &[u8], from: usize) -> Option<usize> {
    match bytes.get(from) {
        Some(b) if b.is_ascii_alphabetic() || *b == b'_' => Some(run(bytes, from + 1, IDENT_CHAR)),
        _ => None,
    }
}

pub(super) fn date_end(b: &[u8], p: usize) -> Option<usize> {
    let fixed = |i: usize, n: usize| digits(b, i, n) == i + n;
    if !(fixed(p, 4)
        && b.get(p + 4) == Some(&b'-')
        && fixed(p + 5, 2)
        && b.get(p + 7) == Some(&b'-')
        && fixed(p + 8, 2))
    {
        return None;
    }
    let mut i = p + 10;
    let time = |c: u8| c.is_ascii_digit() || b":.Z+-".contains(&c);
    if b.get(i) == Some(&b'T') && b.get(i + 1).is_some_and(|&c| time(c)) {
        i += 2;
        while b.get(i).is_some_and(|&c| time(c)) {
            i += 1;
        }
    }
    (!ident_char_at(b, i)).then_some(i)
}

pub(super) fn cidr_end(b: &[u8], p: usize) -> Option<usize> {
    let mut i = digits(b, p, 3);
    if i == p {
        return None;
    }
    for _ in 0..3 {
        if b.get(i) != Some(&b'.') {
            return None;
        }
        let end = digits(b, i + 1, 3);
        if end == i + 1 {
            return None;
        }
        i = end;
    }
    if b.get(i) == Some(&b'/') {
        let end = digits(b, i + 1, 2);
        if end > i + 1 {
            i = end;
        }
    }
    (!ident_char_at(b, i) && b.get(i) != Some(&b'.')).then_some(i)
}

pub(super) fn number_end(b: &[u8], p: usize) -> Option<usize> {
    let start = if b.get(p) == Some(&b'-') { p + 1 } else { p };
    let mut i = digits(b, start, usize::MAX);
    if i == start {
        return None;
    }
    if b.get(i) == Some(&b'.') {
        let end = digits(b, i + 1, usize::MAX);
        if end > i + 1 {
            i = end;
        }
    }
    (!ident_char_at(b, i) && b.get(i) != Some(&b'.')).then_some(i)
}

pub(super) fn boolean_end(b: &[u8], p: usize) -> Option<usize> {
    let i = if b[p..].starts_with(b"true") {
        p + 4
    } else if b[p..].starts_with(b"false") {
        p + 5
    } else {
        return None;
    };
    (!ident_char_at(b, i)).then_some(i)
}

pub(super) fn bare_path_end(b: &[u8], p: usize) -> Option<usize> {
    let i = run(b, p, KEY_PART);
    (i > p && b.get(i) == Some(&b'/')).then(|| arn_chars(b, i + 1))
}

pub(super) fn dns_name_end(b: &[u8], p: usize) -> Option<usize> {
    let mut i = ident_end(b, p)?;
    let mut parts = 1;
    while b.get(i) == Some(&b'.') {
        match ident_end(b, i + 1) {
            Some(end) => i = end,
            None => break,
        }
        parts += 1;
    }
    (parts > 1).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_ipv6_values() {
        for (text, ipv6) in [
            ("2001:db8::/32", true),
            ("2001:db8::", true),
            ("::1", true),
            ("fe80::1/64", true),
            ("10.0.0.0/8", false),
            ("arn:aws:s3:::b", false),
            ("app-300/*", false),
            ("a:b", false),
            ("", false),
        ] {
            assert_eq!(is_quoted_ipv6(text), ipv6, "{text}");
        }
    }

    #[test]
    fn keywords_are_the_grammars() {
        let grammar = include_str!("../../grammar/iamx.pest");
        let start = grammar
            .find("\nkeyword = @{")
            .expect("the grammar has a keyword rule");
        let rule = &grammar[start..];
        let rule = &rule[..rule
            .find("~ !ident_char")
            .expect("the rule ends as expected")];
        let words: Vec<&str> = rule.split('"').skip(1).step_by(2).collect();
        assert_eq!(words, KEYWORDS);
    }

    #[test]
    fn setting_keywords_are_the_grammars() {
        let grammar = include_str!("../../grammar/iamx.pest");
        let rule = |name: &str| {
            let start = grammar
                .find(&format!("\n{name} "))
                .unwrap_or_else(|| panic!("the grammar has {name}"));
            let rule = &grammar[start + 1..];
            &rule[..rule.find('\n').expect("one line")]
        };
        let member = &grammar[grammar.find("\nmember = _{").expect("a member rule")..];
        let member = &member[..member.find("\n}").expect("the rule ends")];
        let words: Vec<&str> = (member.split(|c: char| !(c.is_alphanumeric() || c == '_')))
            .filter(|word| word.ends_with("_setting"))
            .map(|setting| {
                let keyword = rule(setting)
                    .split_whitespace()
                    .nth(3)
                    .expect("`{ kw_x ~ ...`");
                rule(keyword).split('"').nth(1).expect("the keyword's text")
            })
            .collect();
        assert_eq!(words, SETTING_KEYWORDS);
    }

    #[test]
    fn arn_characters_are_the_grammars() {
        let grammar = include_str!("../../grammar/iamx.pest");
        let start = grammar
            .find("\narn_char   = _{")
            .expect("the grammar has arn_char");
        let rule = &grammar[start..];
        // Without the lookahead of `"$" ~ !"{"`: `{` is what may not follow, not a character.
        let rule = rule[..rule.find("\n}").expect("the rule ends")].replace("!\"{\"", "");
        let quoted: String = rule
            .split('"')
            .skip(1)
            .step_by(2)
            .map(|s| s.replace("\\\\", "\\"))
            .filter(|s| s.chars().count() == 1)
            .collect();
        assert_eq!(quoted, ARN_PUNCTUATION);
        assert!(is_arn_char('é') && is_arn_char('a') && is_arn_char('$'));
        for c in [
            '\0', '\u{8}', ' ', '\t', '"', ',', '{', '}', '(', ')', '[', ']', '\u{7f}',
        ] {
            assert!(!is_arn_char(c), "{c:?}");
        }
    }

    #[test]
    fn words() {
        assert!(is_ident("service-etl"));
        assert!(!is_ident("role"));
        assert!(!is_ident("a.b"));
        assert!(is_dns_name("lambda.amazonaws.com"));
        assert!(!is_dns_name("lambda"));
        assert!(!is_dns_name("a..b"));
        assert!(is_date("2027-01-01") && is_date("2027-01-01T00:00:00Z"));
        assert!(!is_date("2027-01-01T") && !is_date("2027-1-01") && !is_date("2027-01-01x"));
        assert!(is_cidr("10.0.0.0/8") && is_cidr("10.1.2.3"));
        assert!(!is_cidr("10.0.0/8") && !is_cidr("10.0.0.0/") && !is_cidr("1234.0.0.0"));
        assert!(is_number("-1.5") && is_number("42"));
        assert!(!is_number("1.") && !is_number("1.2.3") && !is_number("-") && !is_number("1e3"));
    }
}
