//! The messages for mistakes whose cause is clearer than "expected X": an unterminated string
//! or comment, a character outside ASCII where none is allowed, an empty or unclosed `${`, a
//! statement label spaced from its `:`, a block without its `{` or `}`, an action group or a
//! list left open (a `,` or the closing bracket missing), a statement without its `on` or its
//! resources, and punctuation (`{`, `(`, `=`, ...) missing further on than pest's model sees.
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
    let needed = descent::needed_punctuation(file, text);
    if let Some(diagnostic) = stray_character(file, text, position, needed.as_ref()) {
        return Some(diagnostic);
    }
    if let Some(diagnostic) = interpolation_mistake(file, text, position) {
        return Some(diagnostic);
    }
    if let Some(diagnostic) = sid_spaced(file, text, position) {
        return Some(diagnostic);
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
    punctuation_missing(file, text, position, needed)
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
    // Inside a string, a `}` closes an interpolation, not the block.
    if end == 0 || !ends_statement || inside_string(text, position) {
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
        // A `{` later on the line is there: what stands before it is the mistake, which
        // `punctuation_missing` points at.
        let brace_later = text[header_end..line_end].contains('{');
        if !one_block || next == Some('{') || brace_later {
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

/// The character a parse failed at, when it is not ASCII: outside strings, bare ARNs and
/// comments the grammar takes none, so the character is the mistake, whatever was expected
/// there. Often it cannot be seen (a zero-width space pasted in) or looks like ASCII (a
/// no-break space, a curly quote), and "found `fo`" would blame the word before it: it is
/// named by its code point, at the furthest place the parse reached (see
/// [`descent::needed_punctuation`]).
fn stray_character(
    file: FileId,
    text: &str,
    position: usize,
    needed: Option<&(usize, Vec<u8>)>,
) -> Option<Diagnostic> {
    let at = needed.map_or(position, |&(needed_at, _)| needed_at.max(position));
    let c = text[at..].chars().next().filter(|c| !c.is_ascii())?;
    let (named, help) = match character_name(c) {
        Some((name, Look::Invisible)) => (
            format!("U+{:04X} {name}", c as u32),
            "it is invisible in most editors: delete it".to_string(),
        ),
        Some((name, Look::Space)) => (
            format!("U+{:04X} {name}", c as u32),
            "write an ASCII space instead".to_string(),
        ),
        Some((name, Look::Like(ascii))) => (
            format!("`{c}` (U+{:04X} {name})", c as u32),
            format!("write the ASCII `{ascii}` instead"),
        ),
        None => (
            format!("`{c}` (U+{:04X})", c as u32),
            "outside strings, bare ARNs and comments, `.iamx` text is ASCII".to_string(),
        ),
    };
    Some(
        Diagnostic::new(Code::Syntax, format!("unexpected character {named}"))
            .at(
                Span::new(file, at, at + c.len_utf8()),
                "this character is not allowed here",
            )
            .with_help(help),
    )
}

/// How a character that is not ASCII looks, for [`stray_character`]'s help.
pub(super) enum Look {
    Invisible,
    Space,
    /// Like this ASCII text.
    Like(&'static str),
}

/// The Unicode name of the characters most often pasted into code by mistake.
pub(super) fn character_name(c: char) -> Option<(&'static str, Look)> {
    use Look::*;
    Some(match c {
        '\u{00A0}' => ("NO-BREAK SPACE", Space),
        '\u{00AD}' => ("SOFT HYPHEN", Invisible),
        '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => match c {
            '\u{2002}' => ("EN SPACE", Space),
            '\u{2003}' => ("EM SPACE", Space),
            '\u{2009}' => ("THIN SPACE", Space),
            '\u{202F}' => ("NARROW NO-BREAK SPACE", Space),
            '\u{3000}' => ("IDEOGRAPHIC SPACE", Space),
            _ => ("SPACE", Space),
        },
        '\u{200B}' => ("ZERO WIDTH SPACE", Invisible),
        '\u{200C}' => ("ZERO WIDTH NON-JOINER", Invisible),
        '\u{200D}' => ("ZERO WIDTH JOINER", Invisible),
        '\u{200E}' => ("LEFT-TO-RIGHT MARK", Invisible),
        '\u{200F}' => ("RIGHT-TO-LEFT MARK", Invisible),
        '\u{2028}' => ("LINE SEPARATOR", Space),
        '\u{2029}' => ("PARAGRAPH SEPARATOR", Space),
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {
            ("BIDIRECTIONAL FORMATTING CHARACTER", Invisible)
        }
        '\u{2060}' => ("WORD JOINER", Invisible),
        '\u{2010}' => ("HYPHEN", Like("-")),
        '\u{2011}' => ("NON-BREAKING HYPHEN", Like("-")),
        '\u{2012}' => ("FIGURE DASH", Like("-")),
        '\u{2013}' => ("EN DASH", Like("-")),
        '\u{2014}' => ("EM DASH", Like("-")),
        '\u{2212}' => ("MINUS SIGN", Like("-")),
        '\u{2018}' => ("LEFT SINGLE QUOTATION MARK", Like("'")),
        '\u{2019}' => ("RIGHT SINGLE QUOTATION MARK", Like("'")),
        '\u{201C}' => ("LEFT DOUBLE QUOTATION MARK", Like("\"")),
        '\u{201D}' => ("RIGHT DOUBLE QUOTATION MARK", Like("\"")),
        '\u{201E}' => ("DOUBLE LOW-9 QUOTATION MARK", Like("\"")),
        '\u{00AB}' => ("LEFT-POINTING DOUBLE ANGLE QUOTATION MARK", Like("\"")),
        '\u{00BB}' => ("RIGHT-POINTING DOUBLE ANGLE QUOTATION MARK", Like("\"")),
        '\u{FF1A}' => ("FULLWIDTH COLON", Like(":")),
        '\u{FF1D}' => ("FULLWIDTH EQUALS SIGN", Like("=")),
        '\u{2026}' => ("HORIZONTAL ELLIPSIS", Like("...")),
        _ => return None,
    })
}

/// A `${...}` that is empty, or that has no closing `}` on its line: pest's model names the
/// name or the `}` it wanted only as "`${...}`" at the `$`, and after `${}` a `}` that could
/// read as the block's end made the statement seem to lack its `on`.
fn interpolation_mistake(file: FileId, text: &str, position: usize) -> Option<Diagnostic> {
    let in_string = inside_string(text, position);
    let literal = if in_string {
        "; in a string, `\\${` writes a literal `${`"
    } else {
        ""
    };
    if text[..position].ends_with("${") && text[position..].starts_with('}') {
        return Some(
            Diagnostic::new(Code::Syntax, "this `${}` is empty")
                .at(
                    Span::new(file, position - 2, position + 1),
                    "a name goes between the braces",
                )
                .with_help(format!(
                    "write a constant's name, like `${{bucket}}`, or an IAM policy variable, \
                     like `${{aws:username}}`{literal}"
                )),
        );
    }
    if !text[position..].starts_with("${") {
        return None;
    }
    let from = position + 2;
    let stop = text[from..]
        .find(['}', '"', '\n'])
        .map_or(text.len(), |i| from + i);
    if text[stop..].starts_with('}') || stop == from {
        return None;
    }
    // The name as far as a constant's or a policy variable's name goes: where the `}` most
    // likely belongs.
    let bytes = text.as_bytes();
    let key_end = |from: usize| {
        let part = crate::syntax::lexical::run(bytes, from, crate::syntax::lexical::KEY_PART);
        match bytes.get(part) {
            Some(b':') if part > from => Some(
                part + 1
                    + text[part + 1..stop]
                        .find(|c: char| !(c.is_ascii_alphanumeric() || "._-/:".contains(c)))
                        .unwrap_or(stop - part - 1),
            ),
            _ => None,
        }
    };
    let name_end = key_end(from)
        .or_else(|| crate::syntax::lexical::ident_end(bytes, from))
        .filter(|&end| end <= stop);
    let mut diagnostic = Diagnostic::new(Code::Syntax, "this `${` has no closing `}`").at(
        Span::new(file, position, from),
        "the interpolation opens here",
    );
    diagnostic = match name_end {
        Some(end) => diagnostic.with_help(format!(
            "close it after the name: `${{{}}}`{literal}",
            &text[from..end]
        )),
        None => diagnostic.with_help(format!(
            "close it after the name, like `${{bucket}}`{literal}"
        )),
    };
    Some(diagnostic)
}

/// Whether `position` is inside a string that opens on its line (an odd number of unescaped
/// `"` before it).
fn inside_string(text: &str, position: usize) -> bool {
    let line_start = text[..position].rfind('\n').map_or(0, |i| i + 1);
    let bytes = &text.as_bytes()[line_start..position];
    let mut quotes = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'"' => quotes += 1,
            _ => {}
        }
        i += 1;
    }
    quotes % 2 == 1
}

/// A statement label with white space before its `:` (`Sid1 : allow ...`): a label is one
/// token, so the parse fails at the label and pest's model lists every member there. Said
/// when taking the space out gets the parse past the line.
fn sid_spaced(file: FileId, text: &str, position: usize) -> Option<Diagnostic> {
    let bytes = text.as_bytes();
    let word_end = crate::syntax::lexical::run(bytes, position, crate::syntax::lexical::IDENT_CHAR);
    let colon =
        word_end + text[word_end..].len() - text[word_end..].trim_start_matches([' ', '\t']).len();
    if word_end == position || colon == word_end || bytes.get(colon) != Some(&b':') {
        return None;
    }
    let line_end = (text[colon..].find('\n')).map_or(text.len(), |i| colon + i);
    let repaired = [&text[..word_end], &text[colon..]].concat();
    let past = line_end - (colon - word_end);
    let mended =
        descent::parse(file, &repaired, false).map_or_else(|f| f.position > past, |_| true);
    if !mended {
        return None;
    }
    let word = &text[position..word_end];
    Some(
        Diagnostic::new(
            Code::Syntax,
            "a statement label takes no space before its `:`",
        )
        .at(Span::new(file, word_end, colon), "remove this space")
        .with_help(format!("write the `:` right after the label: `{word}:`")),
    )
}

/// Punctuation a construct needs and does not have, where the parse got further than pest's
/// model says: `env a.b {` fails at `env`, `tag team "x"` at `team`, because the `{` and the
/// `=` after them are no rule pest tracks; its message then named the item's own keyword as
/// what was expected (and found). Said at the place the punctuation is missing, with what
/// comes before it when that is one line of the item's head (`after `env a``).
fn punctuation_missing(
    file: FileId,
    text: &str,
    position: usize,
    needed: Option<(usize, Vec<u8>)>,
) -> Option<Diagnostic> {
    let (at, needed) = needed?;
    if at <= position {
        return None;
    }
    let found = super::describe_found(text, at);
    let wanted: Vec<String> = needed.iter().map(|&b| format!("`{}`", b as char)).collect();
    let wanted = super::join_or(&wanted.iter().map(String::as_str).collect::<Vec<_>>());
    // The head of the construct: from the first word of the line that holds the failure, or
    // of the line before when it fails at the start of its line.
    let end = text[..at].trim_end().len();
    let line_start = text[..end].rfind('\n').map_or(0, |i| i + 1);
    let start =
        line_start + (text[line_start..end].len() - text[line_start..end].trim_start().len());
    // After the `{` or `}` of a block written on the same line.
    let head = text[start..end]
        .rsplit(['{', '}'])
        .next()
        .unwrap_or_default()
        .trim_start();
    let next_end = at
        + text[at..]
            .find(|c: char| c.is_whitespace())
            .unwrap_or(text.len() - at);
    let next = &text[at..next_end];
    let single = needed.len() == 1;
    let after_head = single
        && matches!(needed[0], b'{' | b'(' | b'=')
        && !head.is_empty()
        && head.len() <= 60
        && head.contains(' ');
    let message = match after_head {
        true => format!("expected {wanted} after `{head}`, found {found}"),
        false => format!("expected {wanted}, found {found}"),
    };
    let help = punctuation_help(&needed, head, next, at == end);
    let label = format!("expected {wanted} here");
    let end_of_found = at + text[at..].chars().next().map_or(0, char::len_utf8);
    let mut diagnostic =
        Diagnostic::new(Code::Syntax, message).at(Span::new(file, at, end_of_found), label);
    if let Some(help) = help {
        diagnostic = diagnostic.with_help(help);
    }
    Some(diagnostic)
}

/// The help of [`punctuation_missing`]: what the construct that `head` starts looks like,
/// when `needed` (the punctuation missing before `next`) says which part went wrong.
/// `attached` when `next` follows the head with no space between.
fn punctuation_help(needed: &[u8], head: &str, next: &str, attached: bool) -> Option<String> {
    const OTHER: &str = "other characters than letters, digits, `_` and `-`";
    let keyword = (head.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')))
        .next()
        .unwrap_or("");
    let block = crate::syntax::lexical::ITEM_KEYWORDS[6..].contains(&keyword);
    // The word the head ends with and what follows it up to white space, as one name.
    let last_word = head.rsplit(' ').next().unwrap_or("");
    let joined = format!("{last_word}{next}");
    let joined = joined.trim_end_matches('{');
    let iam_name = joined
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    Some(match (needed, keyword) {
        (b"{", "env") => {
            "an environment's name is one word of letters, digits, `_` and `-`".to_string()
        }
        (b"{", _) if block && attached && iam_name => {
            format!("quote a name with {OTHER}: `{keyword} \"{joined}\"`")
        }
        (b"{", _) if block => {
            format!("a block's name is one word, followed by its `{{`: `{head} {{ ... }}`")
        }
        (b"(", "template") => {
            "a template's parameters go in parentheses: `template name(a, b) { ... }`".to_string()
        }
        (b"(", "use") if next.starts_with('.') => {
            let rest = next.split('(').next().unwrap_or("");
            format!("a template's name has no spaces: `use {last_word}{rest}(...)`")
        }
        (b"(", "use") => format!("a template's arguments go in parentheses: `{head}(...)`"),
        (b"=", "tag") if attached && !next.starts_with(['"', '=']) => {
            let key = joined.split('=').next().unwrap_or("");
            format!("quote a tag key with {OTHER}: `tag \"{key}\" = ...`")
        }
        (b"=", "tag") => "a tag is written `tag key = \"value\"`".to_string(),
        (b"=", "let") => "a constant is written `let name = \"value\"`".to_string(),
        _ => return None,
    })
}
