//! Parsing: `.iamx` text to the typed AST.
//!
//! In: one source file's text and its [`FileId`]. Out: a [`File`] or one diagnostic saying,
//! in words, what was expected where.
//!
//! The parser is written by hand (`descent`): one function per rule of `grammar/iamx.pest`,
//! which stays the specification. A test parses every `.iamx` of the repository, and mutations
//! of them, with both this parser and the pest one the grammar generates (`reference`, built for
//! tests only) and requires the same tree, spans included, and the same diagnostic. pest cost a
//! quarter of `iamx check`; the hand parser takes a fifth of its time, most of it allocating
//! the tree (`cargo bench --bench pipeline`: 528 -> 100 ms for 6.8 MB).
//!
//! Errors follow pest's model, so messages did not change: the parse fails at the furthest
//! position any alternative reached, and says which rules were expected there (here, this
//! module's `Expected`), named in words by `Expected::describe`. Mistakes whose cause is
//! clearer than that (an unterminated string, a block without its brace, a statement without
//! its `on`) get messages of their own (`mistakes`).

mod descent;
#[cfg(test)]
mod differential;
mod mistakes;
#[cfg(test)]
mod reference;

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span, Spanned};
use crate::syntax::ast::{Block, File};
use mistakes::special_syntax_error;
pub use mistakes::{on_before_setting, resource_missing};

/// The largest `.iamx` file parsed, in bytes. A project may have any number of files; one of
/// 14 MB (20,000 roles) takes 1.9 s CPU and 290 MiB to check, so a larger one is refused
/// (E0007) rather than left to exhaust memory. The 100,000-role benchmark project has files of
/// 0.7 MB.
pub const MAX_SOURCE_BYTES: usize = 16 << 20;

/// Parses one file. The grammar has no recursive rules, so no input can exhaust the stack; a
/// file over [`MAX_SOURCE_BYTES`] is refused.
// The error is one diagnostic on a cold path; boxing it would only add noise at every caller.
#[allow(clippy::result_large_err)]
pub fn parse(file: FileId, text: &str) -> Result<File, Diagnostic> {
    if text.len() > MAX_SOURCE_BYTES {
        return Err(too_large(file, text));
    }
    descent::parse(file, text, false)
        .map_err(|failure| syntax_error(file, text, failure.position, failure.expected))
}

/// [`parse`], but each role's members are left unparsed ([`ast::Block::deferred`]), for
/// [`deferred_block`] to parse when the role is compiled. A file that does not parse that way
/// is parsed whole: its tree, or its diagnostic, is then [`parse`]'s.
///
/// [`ast::Block::deferred`]: crate::syntax::ast::Block::deferred
#[allow(clippy::result_large_err)]
pub fn parse_deferring_roles(file: FileId, text: &str) -> Result<File, Diagnostic> {
    match text.len() <= MAX_SOURCE_BYTES {
        // A file that fails here is parsed whole, which says why: this parse need not.
        true => descent::parse_untracked(file, text, true).map_or_else(|| parse(file, text), Ok),
        false => Err(too_large(file, text)),
    }
}

/// Where the white space and comments at `from` of `text` end: the first position from
/// which the parser would read a token (`text.len()` when none follows).
pub fn trivia_end(text: &str, from: usize) -> usize {
    descent::trivia_end(text, from)
}

/// The members of a block that [`parse_deferring_roles`] left unparsed: the block at `start`
/// of `text` parsed whole, as [`parse`] parses it, when it ends at `end` (its `deferred`).
/// `None` when it does not (the file has a syntax error there, which [`parse`] reports).
pub fn deferred_block(
    file: FileId,
    text: &str,
    start: usize,
    end: usize,
) -> Option<Spanned<Block>> {
    descent::deferred_block(file, text, start, end)
}

fn too_large(file: FileId, text: &str) -> Diagnostic {
    Diagnostic::new(
        Code::InputLimit,
        format!(
            "the file is {} bytes, over iamx's limit of {} for a source file",
            crate::diagnostics::thousands(text.len()),
            crate::diagnostics::thousands(MAX_SOURCE_BYTES)
        ),
    )
    .at(Span::new(file, 0, 0), "not read")
    .with_help("split it: every `.iamx` file of a directory belongs to one project")
}

/// A grammar rule that can be reported as expected: the rules of `grammar/iamx.pest` that pest
/// tracks (not the silent ones, and not those only ever tried inside an atomic rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expected {
    Eoi,
    File,
    AccountSetting,
    PartitionSetting,
    LetBinding,
    ListValue,
    Import,
    EnvBlock,
    TemplateBlock,
    Params,
    Block,
    BlockKind,
    Name,
    Statement,
    Sid,
    SidName,
    Effect,
    NotAction,
    NotResource,
    NotPrincipal,
    ActionList,
    Action,
    AccessLevels,
    LevelName,
    QuotedAction,
    QuotedText,
    ActionGroup,
    ServicePrefix,
    ActionName,
    AnyAction,
    Trust,
    TrustDeny,
    PrincipalKind,
    TrustActions,
    UseTemplate,
    TemplateRef,
    Arguments,
    PathSetting,
    DescriptionSetting,
    BoundarySetting,
    InstanceProfileSetting,
    MaxSessionSetting,
    TagSetting,
    AttachSetting,
    GroupsSetting,
    ToSetting,
    PrincipalRefKind,
    PrefixSetting,
    PassToSetting,
    CreateUsersSetting,
    TagKeysSetting,
    LoginProfilesSetting,
    AwsManagedSetting,
    Duration,
    Condition,
    Clause,
    Quantifier,
    IfExists,
    ExistsTest,
    CompareTest,
    CompareOp,
    LikeTest,
    InTest,
    OperatorCall,
    OperatorName,
    ConditionKey,
    KeyText,
    Values,
    ValueList,
    Value,
    Star,
    String,
    Text,
    Escape,
    Interpolation,
    InterpolationName,
    BareArn,
    ArnHead,
    ArnText,
    Date,
    Cidr,
    Number,
    Boolean,
    DnsName,
    BarePath,
    ValueName,
    Ident,
    /// One of the `kw_*` rules.
    Keyword(Keyword),
}

/// A `kw_*` rule of the grammar: the word, and how an "expected ..." message names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Keyword {
    pub word: &'static str,
    pub described: &'static str,
}

impl Expected {
    /// The words for each rule in "expected ..." messages (pest's `describe_rule` before).
    pub(crate) fn describe(self) -> &'static str {
        use Expected::*;
        match self {
            Eoi => "end of file",
            File => "a top-level item (`account`, `let`, `import`, `template`, `boundary`, `policy`, `role`, `user`, `group`, `delegate` or `env`)",
            AccountSetting => "`account`",
            PartitionSetting => "`partition`",
            LetBinding => "`let`",
            ListValue => "a `[...]` list of values",
            Import => "`import`",
            EnvBlock => "`env`",
            TemplateBlock => "`template`",
            Params => "parameter names",
            Block | BlockKind => "a block (`boundary`, `policy`, `role`, `user`, `group` or `delegate`)",
            Name => "a name, like `service-etl` or `\"service.etl\"`",
            Statement => "a statement, like `allow s3:GetObject on arn:aws:s3:::bucket/*`",
            Sid | SidName => "a statement label, like `ReadRaw:`",
            Effect => "`allow` or `deny`",
            NotAction | NotResource | NotPrincipal => "`except`",
            ActionList | Action | AnyAction => "an action, like `s3:GetObject`",
            ActionGroup => "a brace group of actions, like `{GetObject, PutObject}`",
            ServicePrefix => "a service prefix, like `s3`",
            ActionName => "an action name, like `GetObject`",
            AccessLevels => "access levels, like `level(list, read)`",
            LevelName => "an access level (`list`, `read`, `write`, `permissions` or `tagging`)",
            QuotedAction | QuotedText => "a quoted action, like `\"newsvc:NewAction\"`",
            Trust => "`trust`",
            TrustDeny => "`deny`",
            PrincipalKind => "a principal kind (`service`, `account`, `aws`, `federated` or `anyone`)",
            TrustActions => "`actions`",
            UseTemplate => "`use`",
            TemplateRef => "a template name, like `s3.read_only`",
            Arguments => "template arguments",
            PathSetting => "`path`",
            DescriptionSetting => "`description`",
            BoundarySetting => "`boundary`",
            InstanceProfileSetting => "`instance_profile`",
            MaxSessionSetting => "`max_session`",
            TagSetting => "`tag`",
            AttachSetting => "`attach`",
            GroupsSetting => "`groups`",
            ToSetting => "`to`",
            PrincipalRefKind => "`user`, `group` or `role`",
            PrefixSetting => "`prefix`",
            PassToSetting => "`pass_to`",
            CreateUsersSetting => "`create_users`",
            TagKeysSetting => "`tag_keys`",
            LoginProfilesSetting => "`login_profiles`",
            AwsManagedSetting => "`aws_managed`",
            Duration => "a duration, like `3600`, `90m` or `12h`",
            Condition => "`when`",
            Clause => "a condition, like `aws:PrincipalTag/team == \"etl\"`",
            Quantifier => "`any` or `all`",
            IfExists => "`if exists`",
            ExistsTest => "`exists`",
            CompareTest | CompareOp => "a comparison (`==`, `!=`, `<`, `<=`, `>` or `>=`)",
            LikeTest => "`like`",
            InTest => "`in`",
            OperatorCall => "an operator call, like `StringEqualsIgnoreCase(key, \"value\")`",
            OperatorName => "an IAM condition operator name",
            ConditionKey | KeyText => "a condition key, like `aws:SourceIp`",
            Values => "a value or a `[...]` list of values",
            ValueList | Value => "a value (a string, an ARN, `*`, a number, a date, an IP range or a name)",
            Star => "`*`",
            String => "a string",
            Text => "string text",
            Escape => "an escape (`\\\"`, `\\\\`, `\\n`, `\\t` or `\\$`)",
            Interpolation => "`${...}`",
            InterpolationName => "a name inside `${...}`",
            BareArn | ArnHead => "an ARN, like `arn:aws:s3:::bucket/*`",
            ArnText => "ARN text",
            Date => "a date, like `2027-01-01T00:00:00Z`",
            Cidr => "an IP range, like `10.0.0.0/8`",
            Number => "a number",
            Boolean => "`true` or `false`",
            DnsName => "a domain name, like `ec2.amazonaws.com`",
            BarePath => "a path",
            Ident | ValueName => "a name",
            Keyword(keyword) => keyword.described,
        }
    }
}

/// The diagnostic for a parse that failed at `position` with these rules expected there.
fn syntax_error(
    file: FileId,
    text: &str,
    position: usize,
    mut expected: Vec<Expected>,
) -> Diagnostic {
    if let Some(diagnostic) = special_syntax_error(file, text, position) {
        return diagnostic;
    }
    let found = describe_found(text, position);
    let end =
        (position + text[position..].chars().next().map_or(0, char::len_utf8)).min(text.len());
    let span = Span::new(file, position, end);
    // A value can take many shapes; listing each one would bury the message.
    if expected.contains(&Expected::String) && expected.contains(&Expected::ValueName) {
        expected.retain(|rule| !VALUE_SHAPES.contains(rule));
        expected.push(Expected::Value);
    }
    let mut names: Vec<&str> = expected.iter().map(|rule| rule.describe()).collect();
    names.sort_unstable();
    names.dedup();
    keep_members_of_the_block(file, text, position, &mut names);
    // pest's "unexpected ..." list (negative attempts) is always empty here: every `!rule` of
    // the grammar sits inside an atomic rule, where pest tracks nothing.
    let message = if names.is_empty() {
        format!("unexpected {found}")
    } else {
        format!("expected {}, found {found}", join_or(&names))
    };
    let mut diagnostic = Diagnostic::new(Code::Syntax, message).at(span, "here");
    if expected.contains(&Expected::Keyword(descent::KW_ON)) {
        diagnostic = diagnostic.with_help(
            "every statement names its resources: `allow s3:GetObject on arn:aws:s3:::bucket/*`",
        );
    }
    if let Some(help) = expected_word_help(text, position, &names) {
        diagnostic = diagnostic.with_help(help);
    }
    diagnostic
}

/// Where members of a block were expected, only those its kind accepts: a role's error does
/// not list `pass_to`. The grammar gives every block one body (the resolver places members,
/// with clearer messages than a parse error's), so the kind is found here, by the block that
/// encloses `position`: the text up to there parses once closed by a `}`, its last item that
/// block. Works on the words of `names`, as both parsers describe the rules alike.
fn keep_members_of_the_block(file: FileId, text: &str, position: usize, names: &mut Vec<&str>) {
    use crate::syntax::ast::{BlockKind, Item};
    use BlockKind::*;
    // The member a description names, by its backticked keyword; `None` for what is not one.
    fn member(name: &str) -> Option<&str> {
        if name == Expected::Statement.describe() {
            return Some("statement");
        }
        let keyword = name.strip_prefix('`')?.strip_suffix('`')?;
        let any_block = [Boundary, Policy, Role, User, Group, Delegate];
        any_block
            .iter()
            .any(|k| k.accepts(keyword))
            .then_some(keyword)
    }
    if !names.iter().any(|name| member(name).is_some()) {
        return;
    }
    let closed = descent::parse_untracked(file, &format!("{}\n}}", &text[..position]), false);
    let Some(Item::Block(block)) = closed.as_ref().and_then(|file| file.items.last()) else {
        return;
    };
    let kind = block.node.kind.node;
    // The block must hold `position`: its `}` is the one added.
    if block.span.end as usize <= position {
        return;
    }
    names.retain(|name| member(name).is_none_or(|keyword| kind.accepts(keyword)));
}

/// A help line for what was written where the rules described by `names` were expected: a
/// keyword misspelled (`alow` for `allow`: the candidates are the words the descriptions put
/// in backticks, and `allow`/`deny` where a statement could start), or `=` for `==`. Shared
/// by the hand parser and the pest reference, which describe the same rules alike.
fn expected_word_help(text: &str, position: usize, names: &[&str]) -> Option<std::string::String> {
    let rest = &text[position..];
    if rest.starts_with('=') && !rest.starts_with("==") {
        let comparison = names.iter().any(|name| name.starts_with("a comparison"));
        return comparison.then(|| "a comparison for equality is written `==`".to_string());
    }
    let word_end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let word = &rest[..word_end];
    // Keywords are lowercase; a capitalised word is a name written out of place.
    let lowercase = word.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    if word.is_empty() || !lowercase {
        return None;
    }
    let mut candidates: Vec<&str> = Vec::new();
    for name in names {
        let quoted = name.split('`').skip(1).step_by(2);
        candidates.extend(quoted.filter(|piece| {
            !piece.is_empty() && piece.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
        }));
        if name.starts_with("a statement") {
            candidates.extend(["allow", "deny"]);
        }
    }
    // A keyword written in full was expected elsewhere, or is out of place: no guess.
    if candidates.contains(&word) {
        return None;
    }
    let close = crate::diagnostics::did_you_mean(word, candidates)?;
    Some(format!("did you mean `{close}`?"))
}

const VALUE_SHAPES: [Expected; 10] = [
    Expected::String,
    Expected::BareArn,
    Expected::Star,
    Expected::Date,
    Expected::Cidr,
    Expected::Number,
    Expected::Boolean,
    Expected::DnsName,
    Expected::ValueName,
    Expected::BarePath,
];

fn describe_found(text: &str, position: usize) -> String {
    let rest = &text[position..];
    let Some(first) = rest.chars().next() else {
        return "end of file".to_string();
    };
    if first == '\n' || first == '\r' {
        return "end of line".to_string();
    }
    let token: std::string::String = if first.is_alphanumeric() || first == '_' {
        rest.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
            .take(40)
            .collect()
    } else {
        first.to_string()
    };
    if first.is_control() {
        format!("the control character U+{:04X}", first as u32)
    } else {
        format!("`{token}`")
    }
}

fn join_or(names: &[&str]) -> std::string::String {
    match names {
        [] => std::string::String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// `text` without the white space and `//` comments at its end. Spans end where a construct
/// does, not after the trivia pest's rules take in after a trailing optional part; block
/// comments are kept, as the pest-based parser kept them (the formatter is built on that).
fn trim_trailing_trivia(mut text: &str) -> &str {
    loop {
        let trimmed = text.trim_end();
        let last_line_start = trimmed.rfind('\n').map_or(0, |i| i + 1);
        match line_comment_start(&trimmed[last_line_start..]) {
            Some(start) => text = &trimmed[..last_line_start + start],
            None => return trimmed,
        }
    }
}

/// Where a `//` comment starts in one line, ignoring `//` inside strings.
fn line_comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::*;

    fn parse_ok(text: &str) -> File {
        parse(FileId(0), text).unwrap_or_else(|d| panic!("{}", d.message))
    }

    #[test]
    fn a_file_over_the_size_limit_is_refused_unread() {
        let text = format!("// {}\n", "x".repeat(MAX_SOURCE_BYTES));
        let error = parse(FileId(0), &text).err().unwrap();
        assert_eq!(error.code, Code::InputLimit);
        assert!(parse(FileId(0), &text[..MAX_SOURCE_BYTES]).is_ok());
    }

    #[test]
    fn parses_a_role_with_statements_and_conditions() {
        let file = parse_ok(
            r#"role service-etl {
                 trust service ec2.amazonaws.com
                 allow s3:{GetObject, PutObject} on arn:aws:s3:::${bucket}/raw/*
                 deny except iam:* on except "arn:aws:iam::*:role/x" when aws:SourceIp in 10.0.0.0/8 and aws:MultiFactorAuthPresent == true
               }"#,
        );
        let Item::Block(block) = &file.items[0] else {
            panic!()
        };
        assert_eq!(block.kind.node, BlockKind::Role);
        assert_eq!(block.members.len(), 3);
        let Member::Statement(deny) = &block.members[2] else {
            panic!()
        };
        assert!(deny.not_action && deny.not_resource);
        assert_eq!(deny.conditions.len(), 2);
        let Member::Statement(allow) = &block.members[1] else {
            panic!()
        };
        let ValueKind::Str(arn) = &allow.resources[0].node else {
            panic!()
        };
        assert_eq!(arn.parts.len(), 3);
    }

    #[test]
    fn spans_do_not_take_part_in_equality() {
        let a = parse_ok("let x = \"a\"\nrole r { allow s3:GetObject on * }");
        let b = parse_ok("let   x=\"a\" role r {\n\n allow s3:GetObject   on * }");
        assert_eq!(a, b);
    }

    #[test]
    fn errors_say_what_was_expected_in_words() {
        let error = parse(FileId(0), "role r { allow s3:GetObject }").unwrap_err();
        assert!(
            error.message.contains("`on` and the resources"),
            "{}",
            error.message
        );
        let error = parse(FileId(0), "role r { allow on * }").unwrap_err();
        assert!(
            error.message.contains("an action, like `s3:GetObject`"),
            "{}",
            error.message
        );
    }

    #[test]
    fn unterminated_strings_and_comments_are_named() {
        let error = parse(FileId(0), "let x = \"abc\nrole r {}").unwrap_err();
        assert_eq!(error.message, "unterminated string");
        let error = parse(FileId(0), "let x = \"abc\" /* no end").unwrap_err();
        assert_eq!(error.message, "unterminated block comment");
    }

    /// The message of the error `text` gives, and its primary label's byte range.
    fn message_and_range(text: &str) -> (String, std::ops::Range<usize>) {
        let error = parse(FileId(0), text).unwrap_err();
        let span = error.primary.expect("a primary label").span;
        (error.message, span.start as usize..span.end as usize)
    }

    #[test]
    fn a_file_that_ends_inside_a_block_names_the_block() {
        let cases = [
            // A bare ARN's `/*` opens no comment.
            (
                "role r {\n  allow s3:GetObject on arn:aws:s3:::b/*\n",
                "role r",
                0..6,
            ),
            (
                "let b = \"x\"\nrole \"svc-${b}\" {\n",
                "role \"svc-${b}\"",
                12..27,
            ),
            (
                "template t(a) {\n  allow s3:* on *\n// done\n",
                "template t",
                0..10,
            ),
            ("env prod {\n  account \"123456789012\"", "env prod", 4..8),
        ];
        for (text, words, header) in cases {
            let message = format!("the file ends inside `{words}`: its closing `}}` is missing");
            assert_eq!(message_and_range(text), (message, header), "{text}");
        }
        // Not when more than a `}` is missing, nor when the file ends elsewhere.
        // (`role r` alone is a header without its `{`, below.)
        for text in ["role r {\n  allow s3:GetObject on", "role r {}\nlet"] {
            let (message, _) = message_and_range(text);
            assert!(!message.contains("closing `}`"), "{text}: {message}");
        }
    }

    #[test]
    fn a_block_left_open_before_the_next_item_is_named() {
        let cases = [
            (
                "role a {\n  allow s3:* on *\nrole b {}\n",
                "`role a`",
                "role",
                0..6,
            ),
            (
                "let x = \"1\"\nrole a {\n  allow s3:* on *\n\n  let y = \"2\"\n",
                "`role a`",
                "let",
                12..18,
            ),
            // What follows may be wrong too: the first error is the open block.
            (
                "template t(a) {\n  allow s3:* on *\nboundary b { allow bad }",
                "`template t`",
                "boundary",
                0..10,
            ),
        ];
        for (text, words, keyword, header) in cases {
            let message = format!("{words} is not closed before the next `{keyword}`");
            assert_eq!(message_and_range(text), (message, header), "{text}");
        }
        // Not when a `}` there would not get the parse further, nor outside a block.
        for text in [
            "role a {\n  boundary {\n}",
            "role a {}\nrole b { allow bad }",
            "role a {\n  allow s3:* on role\n}",
        ] {
            let (message, _) = message_and_range(text);
            assert!(!message.contains("is not closed"), "{text}: {message}");
        }
    }

    #[test]
    fn an_action_group_left_open_says_where_its_brace_goes() {
        let open = "this group of actions has no closing `}`";
        let comma = "the actions of a group are separated by commas";
        let cases = [
            ("role r { allow s3:{GetObject on * }", open, 28),
            (
                "role r { allow s3:{Get*, PutObject,\n List* on * }",
                open,
                42,
            ),
            ("role r { allow s3:{GetObject PutObject} on * }", comma, 28),
        ];
        for (text, message, at) in cases {
            assert_eq!(
                message_and_range(text),
                (message.to_string(), at..at),
                "{text}"
            );
        }
        // An empty group, a group cut off by the end of the file, a name no comma or `}` mends.
        for text in [
            "role r { allow s3:{} on * }",
            "role r { allow s3:{GetObject,",
            "role r { allow s3:{GetObject % on * }",
        ] {
            let (message, _) = message_and_range(text);
            assert!(message != open && message != comma, "{text}: {message}");
        }
    }

    /// The keywords a top-level item starts with are those the parser takes at the start of a
    /// file (it fails after them, not at them, when nothing follows).
    #[test]
    fn item_keywords_are_the_words_that_start_an_item() {
        use crate::syntax::lexical::{ITEM_KEYWORDS, KEYWORDS};
        let starting: Vec<&str> = (KEYWORDS.iter().copied())
            .filter(|word| descent::parse(FileId(0), word, false).is_err_and(|f| f.position > 0))
            .collect();
        assert_eq!(starting, ITEM_KEYWORDS);
    }

    #[test]
    fn a_misspelled_keyword_gets_a_guess() {
        let help = |text: &str| parse(FileId(0), text).unwrap_err().help;
        let cases = [
            ("role r {\n  alow s3:* on *\n}", "allow"),
            ("role r {\n  trsut service ec2.amazonaws.com\n}", "trust"),
            ("role r {\n  trust servce ec2.amazonaws.com\n}", "service"),
            ("role r {\n  allow s3:* onn *\n}", "on"),
            ("acount \"1\"", "account"),
            (
                "role r {\n  allow s3:* on * wen aws:SecureTransport == true\n}",
                "when",
            ),
        ];
        for (text, word) in cases {
            assert_eq!(
                help(text),
                Some(format!("did you mean `{word}`?")),
                "{text}"
            );
        }
        let equals = help("role r {\n  allow s3:* on * when aws:SourceIp = 10.0.0.0/8\n}");
        assert_eq!(
            equals.as_deref(),
            Some("a comparison for equality is written `==`")
        );
        // No guess for a word far from every keyword, a keyword out of place, or a name.
        for text in [
            "role r {\n  frobnicate\n}",
            "role r {\n  allow s3:* on * allow\n}",
            "Boundary0",
        ] {
            let help = help(text).unwrap_or_default();
            assert!(!help.starts_with("did you mean"), "{text}: {help}");
        }
    }

    #[test]
    fn a_header_without_its_brace_is_named() {
        let cases = [
            ("role r", "role r", 6),
            (
                "role service-x\n  allow s3:GetObject on *\n}\n",
                "role service-x",
                14,
            ),
            (
                "account \"1\"\nrole \"x\" allow s3:* on *",
                "role \"x\"",
                20,
            ),
            ("env prod\n  account \"123456789012\"\n}", "env prod", 8),
            (
                "template t(a, b)\n  allow s3:* on *\n}",
                "template t(a, b)",
                16,
            ),
            ("  delegate d\n", "delegate d", 12),
        ];
        for (text, header, at) in cases {
            let message = format!("expected `{{` after `{header}`");
            assert_eq!(message_and_range(text), (message, at..at), "{text}");
        }
        // A header with its `{` (on the next line too) fails elsewhere for other reasons.
        for text in [
            "role r { allow bad }",
            "role r\n{ allow bad }",
            "role r {\n  rol x\n}",
        ] {
            let (message, _) = message_and_range(text);
            assert!(!message.contains("after `role r`"), "{text}: {message}");
        }
    }

    #[test]
    fn a_statement_without_its_on_is_named_where_the_on_goes() {
        let message = "expected `on` and the resources after the actions".to_string();
        for (text, after) in [
            ("role r {\n  allow s3:GetObject\n}", "s3:GetObject"),
            (
                "role r {\n  allow s3:GetObject when aws:x == 1\n}",
                "s3:GetObject",
            ),
            ("role r {\n  allow s3:A, s3:B\n  allow s3:C on *\n}", "s3:B"),
            ("role r {\n  deny s3:{Get*, Put*}\n}", "Put*}"),
        ] {
            let at = text.find(after).unwrap() + after.len();
            assert_eq!(message_and_range(text), (message.clone(), at..at), "{text}");
        }
        // Where an `on` would not mend it, or the word after the actions may be the `on`
        // mistyped, the grammar's own message stands.
        never_said(
            &message,
            &[
                "role r {\n  allow s3:GetObject os arn:aws:s3:::b/*\n}",
                "role r {\n  instance_profile\n  x\n}",
                "role r {\n  allow s3:GetObject on a b\n}",
                "role r {\n  allow s3:{GetObject\n}",
                "role r {\n  allow s3:GetObject",
            ],
        );
    }

    #[test]
    fn punctuation_missing_after_an_items_head_is_named_where_it_goes() {
        let cases = [
            ("env a.b {\n}", "expected `{` after `env a`, found `.`", 5),
            ("env a b {\n}", "expected `{` after `env a`, found `b`", 6),
            (
                "role r {\n  use s3.read_only \"q\"\n}",
                "expected `(` after `use s3.read_only`, found `\"`",
                28,
            ),
            (
                "role r {\n  use s3 .read_only(\"q\")\n}",
                "expected `(` after `use s3`, found `.`",
                18,
            ),
            (
                "role r {\n  tag team \"x\"\n}",
                "expected `=` after `tag team`, found `\"`",
                20,
            ),
            (
                "role r {\n  tag aws:foo = \"x\"\n}",
                "expected `=` after `tag aws`, found `:`",
                18,
            ),
            ("template t(a b) {}", "expected `,` or `)`, found `b`", 13),
        ];
        for (text, message, at) in cases {
            let (found, range) = message_and_range(text);
            assert_eq!((found.as_str(), range.start), (message, at), "{text}");
        }
    }

    #[test]
    fn a_character_outside_ascii_is_named_where_it_is() {
        let cases = [
            ("role fo\u{200B}o {}", "U+200B ZERO WIDTH SPACE", 7),
            ("\u{200B}role r {}", "U+200B ZERO WIDTH SPACE", 0),
            ("role foo\u{1F600} {}", "`\u{1F600}` (U+1F600)", 8),
            (
                "role r {\n  allow\u{A0}s3:* on *\n}",
                "U+00A0 NO-BREAK SPACE",
                16,
            ),
        ];
        for (text, named, at) in cases {
            let c = text[at..].chars().next().unwrap();
            let message = format!("unexpected character {named}");
            assert_eq!(
                message_and_range(text),
                (message, at..at + c.len_utf8()),
                "{text}"
            );
        }
        // In strings, ARNs and comments, any character is text.
        for text in [
            "let x = \"a\u{200B}b\"",
            "// \u{1F600}\nlet x = arn:aws:s3:::b\u{200B}",
        ] {
            assert!(parse(FileId(0), text).is_ok(), "{text}");
        }
    }

    #[test]
    fn what_the_help_calls_invisible_the_renderer_shows() {
        // The parse error says "invisible: delete it"; the snippet under it must show the
        // character and a caret on it (`diagnostics::invisible` replaces it there).
        for c in (0x80..0x3100u32).filter_map(char::from_u32) {
            if let Some((name, mistakes::Look::Invisible)) = mistakes::character_name(c) {
                assert!(
                    crate::diagnostics::invisible(c),
                    "U+{:04X} {name}",
                    c as u32
                );
            }
        }
    }

    #[test]
    fn interpolations_empty_or_unclosed_are_named() {
        let empty = "role r {\n  allow s3:GetObject on \"arn:aws:s3:::${}/*\"\n}";
        let at = empty.find("${").unwrap();
        assert_eq!(
            message_and_range(empty),
            ("this `${}` is empty".to_string(), at..at + 3)
        );
        let bare = "role r {\n  allow s3:GetObject on arn:aws:s3:::${}/*\n}";
        assert_eq!(message_and_range(bare).0, "this `${}` is empty");
        for text in [
            "role r {\n  allow s3:GetObject on \"arn:aws:s3:::${b/*\"\n}",
            "role r {\n  allow s3:GetObject on arn:aws:s3:::${b/*\n}",
        ] {
            let at = text.find("${").unwrap();
            assert_eq!(
                message_and_range(text),
                ("this `${` has no closing `}`".to_string(), at..at + 2),
                "{text}"
            );
        }
    }

    #[test]
    fn a_statement_label_spaced_from_its_colon_is_named() {
        let text = "role r {\n  Sid1 : allow s3:GetObject on *\n}";
        let at = text.find(" :").unwrap();
        assert_eq!(
            message_and_range(text),
            (
                "a statement label takes no space before its `:`".to_string(),
                at..at + 1
            )
        );
    }

    #[test]
    fn members_expected_are_those_the_block_accepts() {
        let message = |text: &str| message_and_range(text).0;
        let role = message("role r {\n  frob\n}");
        assert!(
            role.contains("`trust`") && role.contains("`max_session`"),
            "{role}"
        );
        for delegate_only in [
            "`pass_to`",
            "`prefix`",
            "`to`",
            "`tag_keys`",
            "`create_users`",
        ] {
            assert!(!role.contains(delegate_only), "{role}");
        }
        let delegate = message("delegate d {\n  frob\n}");
        assert!(
            delegate.contains("`pass_to`") && !delegate.contains("a statement"),
            "{delegate}"
        );
        // A template's members may go into any block.
        let template = message("template t() {\n  frob\n}");
        assert!(
            template.contains("`pass_to`") && template.contains("`trust`"),
            "{template}"
        );
    }

    /// Each text fails to parse with another message than `message`.
    fn never_said(message: &str, texts: &[&str]) {
        for text in texts {
            let (found, _) = message_and_range(text);
            assert_ne!(found, message, "{text}");
        }
    }

    #[test]
    fn a_statement_without_resources_is_named_at_its_on() {
        let message = "expected a resource after `on`".to_string();
        for text in [
            // The next line's member would otherwise read as a block without its `{`.
            "role r {\n  allow s3:GetObject on\n  boundary B\n}",
            "role r {\n  allow s3:GetObject on\n}",
            "role r {\n  allow s3:GetObject on when aws:SecureTransport == true\n}",
            "role r {\n  allow s3:GetObject on\n  allow s3:PutObject on *\n}",
            // `tag` reads as the resource, and `team` is where the parse fails.
            "role r {\n  allow s3:GetObject on\n  tag team = \"x\"\n}",
        ] {
            let on = text.find(" on").unwrap() + 1;
            assert_eq!(
                message_and_range(text),
                (message.clone(), on..on + 2),
                "{text}"
            );
        }
        // An `on` that ends a comment, or a resource that is there but wrong, is not it.
        never_said(
            &message,
            &[
                "role r {\n  // turn on\n  @bad\n}",
                "role r {\n  allow s3:GetObject on @\n}",
                "role r {\n  allow s3:GetObject on except\n}",
                // A setting's word after an `on` on the same line.
                "role r {\n  allow s3:GetObject on tag team\n}",
                // Text that ends in a character of several bytes before the failure.
                "\u{feff}on",
                "\u{feff}\ntag x",
            ],
        );
    }
}
