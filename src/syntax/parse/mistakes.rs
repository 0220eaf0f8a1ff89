//! The messages for mistakes whose cause is clearer than "expected X": an unterminated string
//! or comment, a block without its `{` or `}`, an action group or a list left open (a `,` or
//! the closing bracket missing), a statement without its `on` or its resources.
//!
//! In: a source's text and where its parse failed. Out: the diagnostic that names the mistake,
//! or `None` for the grammar's own message. Each one tries the repair it suggests, where it
//! can, and speaks only when the parse then gets past the failure. Shared by the hand parser
//! and the pest reference, so the differential test holds both to them.

use super::descent;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// The message for the mistake the parse that failed at `position` most likely hit, when one
/// of this module's is clearer than "expected X" (see the module's list).
pub(super) fn special_syntax_error(
    file: FileId,
    text: &str,
    position: usize,
) -> Option<Diagnostic> {
    let before = &text[..position];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let quotes = before[line_start..].bytes().filter(|b| *b == b'"').count()
        - before[line_start..].matches("\\\"").count();
    if quotes % 2 == 1 && (text[position..].starts_with('\n') || position == text.len()) {
        let open = line_start + before[line_start..].rfind('"').expect("odd quote count");
        return Some(
            Diagnostic::new(Code::Syntax, "unterminated string")
                .at(
                    Span::new(file, open, position),
                    "this string has no closing `\"`",
                )
                .with_help("strings end on the line they start; add the closing `\"`"),
        );
    }
    if let Some(open) = unclosed_block_comment(text) {
        // The parse fails exactly where the comment that never closes begins.
        if open == position {
            return Some(
                Diagnostic::new(Code::Syntax, "unterminated block comment").at(
                    Span::new(file, open, open + 2),
                    "this comment has no closing `*/`",
                ),
            );
        }
    }
    if let Some(diagnostic) = resources_missing(file, text, position) {
        return Some(diagnostic);
    }
    if let Some(diagnostic) = on_missing(file, text, position) {
        return Some(diagnostic);
    }
    if let Some(header) = header_without_brace(file, text, position) {
        let written = &text[header.start as usize..header.end as usize];
        let at = header.end as usize;
        return Some(
            Diagnostic::new(Code::Syntax, format!("expected `{{` after `{written}`"))
                .at(Span::new(file, at, at), "the block's `{` goes here")
                .with_help(format!(
                    "a block's members go between braces: `{written} {{ ... }}`"
                )),
        );
    }
    if let Some(diagnostic) = block_left_open(file, text, position) {
        return Some(diagnostic);
    }
    if let Some(diagnostic) = action_group_left_open(file, text, position) {
        return Some(diagnostic);
    }
    if let Some(diagnostic) = list_left_open(file, text, position) {
        return Some(diagnostic);
    }
    // A file that ends inside a block is missing its `}`, whatever members could still have
    // come: say that, rather than list them.
    if text[position..].trim().is_empty() {
        if let Some((header, words)) = unclosed_block(file, text) {
            return Some(
                Diagnostic::new(
                    Code::Syntax,
                    format!("the file ends inside `{words}`: its closing `}}` is missing"),
                )
                .at(header, "this block is not closed")
                .with_label(
                    Span::new(file, text.len(), text.len()),
                    "the file ends here",
                )
                .with_help("add `}` where the block ends"),
            );
        }
    }
    None
}

/// The header of the block a file ends inside, and how a message names it (`role name`,
/// `template name`, `env name`): the file parses once a `}` is added at its end, and that
/// block is its last item. Parsing again is the grammar's own answer, where counting braces in
/// the text would have to know that `/*` in a bare ARN opens no comment.
fn unclosed_block(file: FileId, text: &str) -> Option<(Span, String)> {
    use crate::syntax::ast::Item;
    let closed = descent::parse_untracked(file, &format!("{text}\n}}"), false)?;
    let header = |start: u32, name: Span| Span::new(file, start as usize, name.end as usize);
    Some(match closed.items.last()? {
        Item::Block(block) => {
            let name = block.node.name.span;
            let written = &text[name.start as usize..name.end as usize];
            let words = format!("{} {written}", block.node.kind.node.keyword());
            (header(block.span.start, name), words)
        }
        Item::Template(template) => {
            let name = &template.node.name;
            let words = format!("template {}", name.node);
            (header(template.span.start, name.span), words)
        }
        Item::Env(env) => (env.name.span, format!("env {}", env.name.node)),
        _ => return None,
    })
}

/// Whether `insert` put in at byte `at` of `text` mends it up to byte `past`: the text so
/// repaired parses, or fails only after `past` (which moves with the text after `at`). Every
/// message here that suggests a repair says so only when the repair does this.
fn mends(file: FileId, text: &str, at: usize, insert: &str, past: usize) -> bool {
    let repaired = [&text[..at], insert, &text[at..]].concat();
    let past = if past >= at {
        past + insert.len()
    } else {
        past
    };
    descent::parse(file, &repaired, false).map_or_else(|failure| failure.position > past, |_| true)
}

/// A block whose `}` is missing before the next item: the parse failed at an item's keyword
/// that starts its line, the text before that line ends inside a block, and with a `}` put
/// before the line the parse gets past where it failed. Without this the message lists every
/// member the block could have.
fn block_left_open(file: FileId, text: &str, position: usize) -> Option<Diagnostic> {
    let line_start = text[..position].rfind('\n').map_or(0, |i| i + 1);
    let line_end = (text[position..].find('\n')).map_or(text.len(), |i| position + i);
    let line = &text[line_start..line_end];
    let word_start = line_start + (line.len() - line.trim_start().len());
    let word_end = (text[word_start..line_end])
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(line_end, |i| word_start + i);
    let keyword = &text[word_start..word_end];
    // At the keyword, or at the `{` after `boundary name`, which is also a member of roles.
    let at_item = position == word_start || text[position..].starts_with('{');
    // An item's keyword where a member was expected is most often the next item after a
    // block whose `}` was forgotten.
    if !crate::syntax::lexical::ITEM_KEYWORDS.contains(&keyword) || !at_item {
        return None;
    }
    let (header, words) = unclosed_block(file, &text[..line_start])?;
    if !mends(file, text, line_start, "}\n", position) {
        return None;
    }
    Some(
        Diagnostic::new(
            Code::Syntax,
            format!("`{words}` is not closed before the next `{keyword}`"),
        )
        .at(header, "this block is not closed")
        .with_label(
            Span::new(file, word_start, word_end),
            format!("`{keyword}` cannot appear inside `{words}`"),
        )
        .with_help(format!("add `}}` where `{words}` ends")),
    )
}

/// A group of actions (`s3:{GetObject, PutObject}`) without its `}`, or with a comma missing
/// between two names. The group is one token of the grammar, so the parse fails at its `{`
/// and pest's model can only say that a group was expected there; this finds where the `}`
/// or the `,` goes, and says so when putting it there lets the parse get past the line.
fn action_group_left_open(file: FileId, text: &str, position: usize) -> Option<Diagnostic> {
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '*' | '?');
    if !text[position..].starts_with('{') {
        return None;
    }
    let prefix_start = text[..position]
        .strip_suffix(':')?
        .trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '-')
        .len();
    if prefix_start + 1 == position {
        return None;
    }
    // The names of the group as far as they are well formed; `after` is the end of the last.
    let mut at = position + 1;
    let after = loop {
        let name_start = at + (text[at..].len() - text[at..].trim_start().len());
        let name_end = (text[name_start..])
            .find(|c: char| !is_name_char(c))
            .map_or(text.len(), |i| name_start + i);
        if name_end == name_start {
            return None;
        }
        let next = name_end + (text[name_end..].len() - text[name_end..].trim_start().len());
        match text[next..].chars().next() {
            Some(',') => at = next + 1,
            Some('}') => return None,
            _ => break name_end,
        }
    };
    // The repair must carry the parse past the line: a `}` after the first of two names
    // without a comma gets only to the second.
    let line_end = (text[after..].find('\n')).map_or(text.len(), |i| after + i);
    // The group as the help writes it: on one line, whatever lines it was written on.
    let one_line = |group: &str| group.split_whitespace().collect::<Vec<_>>().join(" ");
    let (message, label, help) = if mends(file, text, after, "}", line_end) {
        let group = one_line(&text[prefix_start..after]);
        (
            "this group of actions has no closing `}`",
            "`}` goes here",
            format!("close the group: `{group}}}`"),
        )
    } else if mends(file, text, after, ",", line_end) {
        let close = after + text[after..line_end].find('}')?;
        let group = one_line(&format!(
            "{},{}",
            &text[prefix_start..after],
            &text[after..=close]
        ));
        (
            "the actions of a group are separated by commas",
            "`,` goes here",
            format!("write `{group}`"),
        )
    } else {
        return None;
    };
    Some(
        Diagnostic::new(Code::Syntax, message)
            .at(Span::new(file, after, after), label)
            .with_label(
                Span::new(file, position, position + 1),
                "the group opens here",
            )
            .with_help(help),
    )
}

/// A list of values (`["a", "b"]`, `[10.0.0.0/8, 10.1.0.0/16]`) without its `]`, or with a
/// comma missing between two values. The parse fails inside the list, at its first value
/// (pest's model names only the rules it tried, not the `,` or `]` it looked for after a value);
/// this finds where the `]` or the `,` goes, and says so when putting it there lets the parse
/// get past the line.
fn list_left_open(file: FileId, text: &str, position: usize) -> Option<Diagnostic> {
    let line_start = text[..position].rfind('\n').map_or(0, |i| i + 1);
    let line_end = (text[position..].find('\n')).map_or(text.len(), |i| position + i);
    let open = line_start + text[line_start..position].rfind('[')?;
    if text[open..position].contains(']') {
        return None;
    }
    let content_end = line_start + text[line_start..line_end].trim_end().len();
    let close = text[open..content_end].find(']').map(|i| open + i);
    let (message, at, label, help) = match close {
        None if mends(file, text, content_end, "]", line_end) => (
            "this list has no closing `]`",
            content_end,
            "`]` goes here",
            format!("close the list: `{}]`", &text[open..content_end]),
        ),
        _ => {
            let end = close.unwrap_or(content_end);
            let bytes = text.as_bytes();
            // A gap of white space between two values, where neither a `,` nor the list's
            // bounds are next to it.
            let gap = (open + 2..end).find(|&i| {
                bytes[i].is_ascii_whitespace()
                    && !bytes[i - 1].is_ascii_whitespace()
                    && !matches!(bytes[i - 1], b',' | b'[')
                    && text[i..end]
                        .trim_start()
                        .chars()
                        .next()
                        .is_some_and(|c| c != ',')
                    && mends(file, text, i, ",", line_end)
            })?;
            let list_end = close.map_or(content_end, |close| close + 1);
            (
                "the values of a list are separated by commas",
                gap,
                "`,` goes here",
                format!(
                    "write `{}`",
                    [&text[open..gap], ",", &text[gap..list_end]].concat()
                ),
            )
        }
    };
    Some(
        Diagnostic::new(Code::Syntax, message)
            .at(Span::new(file, at, at), label)
            .with_label(Span::new(file, open, open + 1), "the list opens here")
            .with_help(help),
    )
}

/// A statement with nothing after its `on`: the parse failed right after the keyword, where
/// it looked for a resource, or right after a setting's word (`tag` of `tag team = "x"`) that
/// starts the next line and so read as the resource. Said at the `on`, not as "expected a
/// value" at whatever comes next (`when`, `}`, or on the next line `boundary`, which then read
/// as a block without its `{`).
fn resources_missing(file: FileId, text: &str, position: usize) -> Option<Diagnostic> {
    let before = text[..position].trim_end();
    let on = on_ending(before).or_else(|| on_before_setting(text, before.len()))?;
    // A resource is what is missing when putting one in gets the parse past the failure: an
    // `on` that ends a comment's line is not the keyword.
    if !mends(file, text, on.end, " *", position) {
        return None;
    }
    Some(resource_missing(Span::new(file, on.start, on.end)))
}

/// A statement without its `on` (`allow s3:GetObject` and then the next line): said where the
/// `on` goes, at the end of the actions, rather than at whatever comes next. Only when an
/// ` on *` put in there gets the parse past where it failed.
fn on_missing(file: FileId, text: &str, position: usize) -> Option<Diagnostic> {
    let end = text[..position].trim_end().len();
    // What comes next ends the statement: a new line, its block's `}` or its condition. A word
    // on the same line may be the `on` mistyped (`os`), which the grammar's message names.
    let next = &text[position..];
    let ends_statement = text[end..position].contains('\n')
        || next.starts_with('}')
        || (next.starts_with("when")
            && !crate::syntax::lexical::ident_char_at(text.as_bytes(), position + 4));
    if end == 0 || !ends_statement {
        return None;
    }
    if !mends(file, text, end, " on *", position) {
        return None;
    }
    Some(
        Diagnostic::new(
            Code::Syntax,
            "expected `on` and the resources after the actions",
        )
        .at(Span::new(file, end, end), "`on` and the resources go here")
        .with_help(
            "every statement names its resources: `allow s3:GetObject on arn:aws:s3:::bucket/*`",
        ),
    )
}

/// E0002 for a statement whose `on` (at `on`) has no resource after it.
pub fn resource_missing(on: Span) -> Diagnostic {
    Diagnostic::new(Code::Syntax, "expected a resource after `on`")
        .at(on, "no resource follows")
        .with_help("write the resources after `on`, like `on arn:aws:s3:::bucket/*`, or `on *` for every resource")
}

/// Where the `on` is that `text` ends with, as a word of its own.
fn on_ending(text: &str) -> Option<std::ops::Range<usize>> {
    // Ending in the ASCII `on`, the text before it ends on a character boundary.
    let start = text.strip_suffix("on")?.len();
    let word_before = text[..start].chars().next_back();
    word_before
        .is_some_and(char::is_whitespace)
        .then_some(start..text.len())
}

/// When the word of `text` that ends at `end` is a setting's (`instance_profile`, `tag`, ...)
/// and starts its line, and the line before it ends with `on`: where that `on` is. The setting
/// was then read as the statement's resource, a name, which is not what its author meant.
pub fn on_before_setting(text: &str, end: usize) -> Option<std::ops::Range<usize>> {
    // Counted in ASCII bytes, so `start` is a character boundary.
    let word = (text.as_bytes()[..end].iter().rev())
        .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_')
        .count();
    let start = end - word;
    if !crate::syntax::lexical::SETTING_KEYWORDS.contains(&&text[start..end]) {
        return None;
    }
    let line_before = text[..start].trim_end();
    let starts_line = text[line_before.len()..start].contains('\n');
    starts_line.then(|| on_ending(line_before)).flatten()
}

/// The header (`role name`, `env name`, `template name(params)`) that the line of a failed
/// parse starts with, when no `{` follows it: the longest start of the line, cut at white
/// space, that parses as one block once ` {}` is added. The messages pest's model gives there
/// name the wrong thing (`expected a string` at a bare name, or the item's own keyword as
/// unexpected). Only the line's first 256 bytes are tried, so a long line costs a few parses
/// of short texts, not one parse per word.
fn header_without_brace(file: FileId, text: &str, position: usize) -> Option<Span> {
    use crate::syntax::ast::Item;
    const LONGEST_HEADER: usize = 256;
    let line_start = text[..position].rfind('\n').map_or(0, |i| i + 1);
    let line_end = (text[position..].find('\n')).map_or(text.len(), |i| position + i);
    let line = &text[line_start..line_end];
    let start = line_start + (line.len() - line.trim_start().len());
    let mut cuts: Vec<usize> = (text[start..line_end].char_indices())
        .filter(|&(_, c)| c.is_whitespace())
        .map(|(i, _)| start + i)
        .chain([line_end])
        .take_while(|&cut| cut - start <= LONGEST_HEADER)
        .collect();
    cuts.dedup();
    for &end in cuts.iter().rev() {
        let header = text[start..end].trim_end();
        let Some(tree) = descent::parse_untracked(file, &format!("{header} {{}}"), false) else {
            continue;
        };
        let header_end = start + header.len();
        let next = text[header_end..].trim_start().chars().next();
        let one_block = matches!(
            &tree.items[..],
            [Item::Block(_) | Item::Env(_) | Item::Template(_)]
        );
        if !one_block || next == Some('{') {
            return None;
        }
        // The `{` must be what is missing: with it put in, the parse gets past where it
        // failed. Inside a block, `boundary B1` on the line after an `on` with no resources
        // is a member, and the `{` changes nothing there.
        let mended = mends(file, text, header_end, " {", position);
        return mended.then(|| Span::new(file, start, header_end));
    }
    None
}

/// Where a `/*` opens that is never closed, ignoring `/*` inside strings and line comments.
fn unclosed_block_comment(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'\n' => in_string = false,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'*') => match text[i + 2..].find("*/")
            {
                Some(close) => i += close + 3,
                None => return Some(i),
            },
            _ => {}
        }
        i += 1;
    }
    None
}
