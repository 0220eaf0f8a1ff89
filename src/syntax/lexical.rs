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
    fn words() {
        assert!(is_ident("service-etl"));
        assert!(!is_ident("role"));
        assert!(!is_ident("a.b"));
        assert!(is_dns_name("lambda.amazonaws.com"));
        assert!(!is_dns_name("lambda"));
    }
}
