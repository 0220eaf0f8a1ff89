//! What IAM accepts of a block's names and setting values: entity names, tags, paths, a
//! role's description, ARNs and a delegation's prefix, each checked once, with one error each.
//!
//! In: a name or value as the resolver read it, with its span. Out: a diagnostic when IAM would
//! refuse it (the rules themselves live in `iam::names`).

use super::Resolver;
use crate::diagnostics::{Code, Diagnostic};
use crate::iam::names::{self, NameKind, TagPart};
use crate::source::{Span, Spanned};
use crate::syntax::ast::BlockKind;

impl Resolver<'_> {
    pub(super) fn check_name(&mut self, kind: BlockKind, name: &Spanned<String>) {
        let limit = match kind {
            BlockKind::Role => NameKind::Role,
            BlockKind::User => NameKind::User,
            BlockKind::Group => NameKind::Group,
            BlockKind::Boundary | BlockKind::Policy | BlockKind::Delegate => {
                NameKind::ManagedPolicy
            }
        }
        .limit();
        self.check_name_limit(name, kind.keyword(), limit);
    }

    /// IAM's rules for the name of an entity: `what` is how the message calls it.
    pub(super) fn check_name_limit(&mut self, name: &Spanned<String>, what: &str, limit: usize) {
        if let Some(problem) = names::name_problem(&name.node, limit) {
            self.error(
                Diagnostic::new(
                    Code::InvalidName,
                    format!("`{}` is not a valid IAM {what} name", name.node),
                )
                .at(name.span, problem)
                .with_help(format!(
                    "IAM names use letters, digits and `{}`, at most {limit} characters",
                    names::NAME_PUNCTUATION
                )),
            );
        }
    }

    /// IAM's rules for one tag: a key of 1 to 128 and a value of at most 256 characters, letters,
    /// digits, white space and `_.:/=+-@`, and no key starting with `aws:` (reserved for AWS).
    pub(super) fn check_tag(&mut self, key: &str, key_span: Span, value: &str, value_span: Span) {
        let problem = names::tag_problem(key, value).map(|(part, problem)| match part {
            TagPart::Key => (key_span, problem),
            TagPart::Value => (value_span, problem),
        });
        if let Some((span, problem)) = problem {
            self.error(
                Diagnostic::new(Code::InvalidTag, format!("tag `{key}` is not a valid IAM tag"))
                    .at(span, problem)
                    .with_help("IAM tags use letters, digits, spaces and `_.:/=+-@`: keys 1 to 128 characters (not starting with `aws:`), values up to 256"),
            );
        }
    }

    /// IAM's limit of 50 tags on one role or user.
    pub(super) fn check_tag_count(&mut self, name: &Spanned<String>, tag_spans: &[(String, Span)]) {
        if tag_spans.len() > names::MAX_TAGS {
            self.error(
                Diagnostic::new(
                    Code::InvalidTag,
                    format!(
                        "`{}` has {} tags; IAM allows at most {}",
                        name.node,
                        tag_spans.len(),
                        names::MAX_TAGS
                    ),
                )
                .at(tag_spans[names::MAX_TAGS].1, "the 51st tag")
                .with_label(name.span, "tagged here"),
            );
        }
    }

    pub(super) fn check_path(&mut self, path: &Spanned<String>) {
        let text = &path.node;
        if !names::is_valid_path(text) {
            self.error(
                Diagnostic::new(Code::WrongValue, format!("`{text}` is not a valid IAM path"))
                    .at(path.span, "invalid path")
                    .with_help("a path starts and ends with `/`, like \"/service/\" (at most 512 printable characters)"),
            );
        }
    }

    /// The rules of `kind`'s paths beyond every path's ([`Resolver::check_path`], whose error
    /// stands alone): a managed policy's path is narrower (`CreatePolicy`), and a delegation's
    /// is where its roles and policies are, which a wildcard would widen to every path.
    pub(super) fn check_path_of(&mut self, kind: BlockKind, path: &Spanned<String>) {
        let text = &path.node;
        if !names::is_valid_path(text) {
            return;
        }
        match kind {
            BlockKind::Boundary | BlockKind::Policy if !names::is_valid_policy_path(text) => {
                self.error(
                    Diagnostic::new(
                        Code::WrongValue,
                        format!("`{text}` is not a valid path for a managed policy"),
                    )
                    .at(path.span, "IAM's CreatePolicy refuses it")
                    .with_help("a policy's path holds names of letters, digits and `. , + @ = _ -` between its `/`s, like \"/platform/\""),
                );
            }
            BlockKind::Delegate if text.contains(['*', '?']) => {
                self.error(
                    Diagnostic::new(
                        Code::WrongValue,
                        format!("a delegation's path cannot hold a wildcard: `{text}`"),
                    )
                    .at(path.span, "would reach roles and policies on every path")
                    .with_help(
                        "write the path its roles and policies are created on, like \"/service/\"",
                    ),
                );
            }
            _ => {}
        }
    }

    /// A role's description takes tab, line feed, carriage return, printable ASCII and U+00A1
    /// through U+00FF (`CreateRole`'s `Description` pattern), nothing else.
    pub(super) fn check_role_description(&mut self, description: &Spanned<String>) {
        let refused = |c: char| !matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{A1}'..='\u{FF}');
        if let Some(c) = description.node.chars().find(|&c| refused(c)) {
            self.error(
                Diagnostic::new(
                    Code::WrongValue,
                    format!("IAM refuses `{}` (U+{:04X}) in a role's description", c.escape_debug(), u32::from(c)),
                )
                .at(description.span, "CreateRole refuses this description")
                .with_help("a role's description holds printable ASCII and the Latin-1 letters and signs (U+00A1 to U+00FF)"),
            );
        }
    }

    pub(super) fn check_arn(&mut self, arn: &Spanned<String>, what: &str) -> bool {
        let parts = names::arn_parts(&arn.node);
        if parts.is_some_and(|p| p[0] == "arn" && !p[1].is_empty() && !p[2].is_empty()) {
            return true;
        }
        self.error(
            Diagnostic::new(Code::MalformedArn, format!("`{}` is not {what}", arn.node))
                .at(arn.span, "malformed ARN")
                .with_help("an ARN has six `:`-separated parts: arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE"),
        );
        false
    }
}

/// Why `prefix` cannot start an IAM role, user or policy name, if it cannot: names hold
/// letters, digits and `+=,.@_-` and at most 64 characters. Policy variables (`${aws:username}`)
/// stand for such text and are not counted.
pub(super) fn prefix_problem(prefix: &str) -> Option<String> {
    let mut plain = String::new();
    let mut rest = prefix;
    while let Some(open) = rest.find("${") {
        plain.push_str(&rest[..open]);
        match rest[open..].find('}') {
            Some(close) => rest = &rest[open + close + 1..],
            None => {
                rest = &rest[open..];
                break;
            }
        }
    }
    plain.push_str(rest);
    if let Some(c) = plain
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || "+=,.@_-".contains(c)))
    {
        return Some(format!("cannot hold `{c}`"));
    }
    (plain.chars().count() > 64)
        .then(|| format!("are at most 64 characters, not {}", plain.chars().count()))
}
