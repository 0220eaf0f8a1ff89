//! What the grammar says about single words, for code that writes `.iamx` text (the formatter,
//! the importer): which words are reserved, which are plain names, which are DNS names.
//!
//! In: a word. Out: how the grammar would read it. The keyword list is the grammar's `keyword`
//! rule; a test reads `grammar/iamx.pest` and fails when the two differ.

/// The reserved words: the grammar's `keyword` rule, in its order.
pub const KEYWORDS: [&str; 27] = [
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
];

/// Whether `text` is a reserved word. The grammar's `keyword` rule matches a keyword followed
/// by a non-identifier character, so a word is refused as a name exactly when it *is* one.
pub fn is_keyword(text: &str) -> bool {
    KEYWORDS.contains(&text)
}

/// Whether `text` reads back as a bare name (the grammar's `ident`, not a keyword).
pub fn is_ident(text: &str) -> bool {
    let mut chars = text.chars();
    let starts_well = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    starts_well
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !is_keyword(text)
}

/// Whether `text` reads back as a bare DNS name (the grammar's `dns_name`: two or more `ident`s
/// joined by dots), as service principals are written.
pub fn is_dns_name(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() > 1
        && parts.iter().all(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
}

/// The ASCII punctuation a bare ARN may hold, besides letters and digits: the grammar's
/// `arn_char` rule, in its order (`$` only where no `{` follows it).
const ARN_PUNCTUATION: &str = "/:-_.*?+=@!~#%&;|'<>^`\\$";

/// Whether `c` reads back as part of a bare ARN (the grammar's `arn_char`): letters, digits,
/// [`ARN_PUNCTUATION`] and every non-ASCII character; never white space, a control character,
/// quotes, commas or brackets. A `$` needs no `{` after it, which the caller checks.
pub fn is_arn_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || ARN_PUNCTUATION.contains(c) || !c.is_ascii()
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
