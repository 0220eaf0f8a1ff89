//! Formatting: `.iamx` text to the one canonical layout, keeping every comment.
//!
//! In: one source file's text. Out: the same program laid out canonically (see the "Formatting"
//! section of the README and `docs/formatting.md`), or why it could not be formatted.
//!
//! The formatter prints the AST, not the text, so it cannot lose a token; comments, which the
//! grammar skips, are recovered from the source text *between* the AST's leaf spans (strings,
//! ARNs, condition keys and actions are leaves, so a `/*` inside `arn:aws:s3:::b/*` is never
//! mistaken for a comment) and re-attached by position: a comment on the same line as the code
//! before it stays at that line's end, any other comment gets a line of its own before the code
//! that follows it.
//!
//! The formatter proves itself before it hands anything back ([`format()`]): the output is parsed
//! again and must give an equal AST (spans ignored) and the same multiset of comments. If either
//! check fails the result is [`FormatError::Unsound`] and callers must not write anything.

use super::lexical::is_ident;
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span, Spanned};
use crate::syntax::ast::*;
use crate::syntax::parse;

mod comments;
mod flat;

pub use comments::comments;
pub use flat::quote;
use flat::*;

/// The widest line the formatter aims for; longer constructs are broken over several lines.
pub const MAX_WIDTH: usize = 100;
const INDENT: usize = 2;

/// Why a file was not formatted.
#[derive(Debug, Clone)]
pub enum FormatError {
    /// The input does not parse; the diagnostic says where.
    Syntax(Box<Diagnostic>),
    /// The formatted text would not mean the same as the input, or would lose a comment. This is
    /// a bug in the formatter; the message says what differed.
    Unsound(String),
    /// An `// iamx:allow` directive covers what follows it by the layout (the next line of code,
    /// its deeper-indented continuations), and the canonical layout would change what it covers:
    /// formatting would suppress a finding, or report one, that the input does not. The
    /// diagnostic (E0601) points at the directive and names the first token that would move.
    MovesSuppression(Box<Diagnostic>),
}

/// One comment in the source: its byte range and its text (`// ...` or `/* ... */`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

impl Comment {
    fn is_line(&self) -> bool {
        self.text.starts_with("//")
    }

    /// The text as the formatter writes it: line comments lose trailing white space.
    fn normalized(&self) -> &str {
        if self.is_line() {
            self.text.trim_end()
        } else {
            &self.text
        }
    }
}

/// Formats one file and checks the result (equal AST, same comments). `file` only labels the
/// diagnostic of a syntax error.
///
/// A comment the layout moves (say, from inside a one-line statement to its end) can change the
/// layout decision on a second run, so the printer runs until its output is stable (at most a
/// few rounds); that makes `format(format(x)) == format(x)` hold by construction. Every round's
/// output passes both checks against the original.
pub fn format(file: FileId, text: &str) -> Result<String, FormatError> {
    let ast = parse::parse(file, text).map_err(|d| FormatError::Syntax(Box::new(d)))?;
    let covered = suppressed_tokens(text, &ast);
    let original_comments = comments(text, &ast);
    unplaced(text, &original_comments, "input")?;
    let mut expected: Vec<String> = original_comments
        .iter()
        .map(|c| c.normalized().to_string())
        .collect();
    expected.sort_unstable();

    let mut current = text.to_string();
    let mut current_ast = ast.clone();
    let mut current_comments = original_comments;
    for _ in 0..4 {
        let output = Printer::new(&current, current_comments).file(&current_ast);
        let reparsed = parse::parse(file, &output).map_err(|d| {
            FormatError::Unsound(format!(
                "the formatted text does not parse: {} (at byte {})",
                d.message,
                d.primary.map_or(0, |l| l.span.start)
            ))
        })?;
        if reparsed != ast {
            return Err(FormatError::Unsound(
                "the formatted text parses to a different program".to_string(),
            ));
        }
        let after_comments = comments(&output, &reparsed);
        unplaced(&output, &after_comments, "formatted text")?;
        let mut after: Vec<String> = after_comments
            .iter()
            .map(|c| c.normalized().to_string())
            .collect();
        after.sort_unstable();
        if after != expected {
            let changed: Vec<&String> = expected.iter().filter(|c| !after.contains(c)).collect();
            return Err(FormatError::Unsound(format!(
                "the formatted text does not keep every comment (lost or changed: {changed:?})"
            )));
        }
        if output == current {
            if let Some(moved) = moved_suppression(file, text, &ast, &covered, &output, &reparsed) {
                return Err(FormatError::MovesSuppression(Box::new(moved)));
            }
            return Ok(output);
        }
        current = output;
        current_ast = reparsed;
        current_comments = after_comments;
    }
    Err(FormatError::Unsound(
        "the layout did not settle after four rounds".to_string(),
    ))
}

/// Unsound when `text` has a comment that the recovery did not find (see
/// [`comments::missed_comment`]): the printer could not put it back, and the comparison of
/// comments could not see it gone.
fn unplaced(text: &str, found: &[Comment], which: &str) -> Result<(), FormatError> {
    match comments::missed_comment(text, found) {
        None => Ok(()),
        Some(at) => Err(FormatError::Unsound(format!(
            "the comment at line {} of the {which} is inside what the formatter takes for one token, so it would be lost",
            text[..at].matches('\n').count() + 1
        ))),
    }
}

/// For each `// iamx:allow` directive of `text`, the tokens it covers: indices into the AST's
/// leaves in traversal order, which two equal ASTs share whatever their layout.
fn suppressed_tokens(text: &str, ast: &File) -> Vec<Vec<usize>> {
    let regions = crate::diagnostics::suppress::directive_regions(text);
    if regions.is_empty() {
        return Vec::new();
    }
    let leaves = comments::leaves(ast);
    (regions.iter())
        .map(|region| {
            (leaves.iter().enumerate())
                .filter(|(_, (start, _))| region.contains(start))
                .map(|(index, _)| index)
                .collect()
        })
        .collect()
}

/// The diagnostic for the first directive whose tokens `output` changes, if any.
fn moved_suppression(
    file: FileId,
    text: &str,
    ast: &File,
    covered: &[Vec<usize>],
    output: &str,
    reparsed: &File,
) -> Option<Diagnostic> {
    let after = suppressed_tokens(output, reparsed);
    if after == covered {
        return None;
    }
    let leaves = comments::leaves(ast);
    let directives = crate::diagnostics::suppress::directive_spans(text);
    if after.len() != covered.len() {
        // A comment the layout moves onto a line of its own becomes a directive (or one moved
        // after code stops being one): at the first `iamx:allow` of the input.
        let at = text.find("iamx:allow").unwrap_or(0);
        let end = text[at..].find('\n').map_or(text.len(), |n| at + n);
        return Some(
            Diagnostic::new(
                crate::diagnostics::Code::InvalidSuppression,
                "formatting would change which comments are `// iamx:allow` directives",
            )
            .at(
                Span::new(file, at, end),
                "a directive only on a line of its own",
            )
            .with_help(
                "put each `// iamx:allow` on a line of its own, before what it covers, then format",
            ),
        );
    }
    let (index, (before, now)) = covered
        .iter()
        .zip(&after)
        .enumerate()
        .find(|(_, (b, a))| b != a)?;
    let (lost, leaf) = match before.iter().find(|l| !now.contains(l)) {
        Some(leaf) => (true, *leaf),
        None => (false, *now.iter().find(|l| !before.contains(l))?),
    };
    let (start, end) = leaves[leaf];
    let token = Span::new(file, start, end);
    let shown = &text[start..end];
    let line = text[..start].matches('\n').count() + 1;
    let message = if lost {
        format!(
            "formatting would move `{shown}` (line {line}) out of what this `// iamx:allow` covers"
        )
    } else {
        format!("formatting would bring `{shown}` (line {line}) under this `// iamx:allow`")
    };
    let directive = Span::new(file, directives[index].start, directives[index].end);
    Some(
        Diagnostic::new(crate::diagnostics::Code::InvalidSuppression, message)
            .at(directive, "covers by its layout")
            .with_label(token, if lost { "covered now, not after formatting" } else { "not covered now, covered after formatting" })
            .with_help("a directive covers the next item and its deeper-indented lines: put each item on its own lines after its own directive, then format"),
    )
}

/// Prints an AST that has no source text (built by a tool such as `iamx import`), in the
/// canonical layout, with a blank line between blocks.
pub fn print(file: &File) -> String {
    Printer::new("", Vec::new()).file(file)
}

// ---- the printer --------------------------------------------------------------------------

/// Where a list's elements go when it is broken over lines.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Separator {
    /// `a,` on every line but the last (lists the grammar gives no trailing comma).
    Between,
    /// `a,` on every line (brace groups, `[...]`, arguments).
    Trailing,
}

struct Printer<'a> {
    src: &'a str,
    comments: Vec<Comment>,
    next: usize,
    out: String,
    /// The source position just after the last thing written.
    last: usize,
    at_line_start: bool,
    /// The current line ends in a `//` comment: nothing more may go on it.
    line_closed: bool,
}

impl<'a> Printer<'a> {
    fn new(src: &'a str, comments: Vec<Comment>) -> Self {
        Printer {
            src,
            comments,
            next: 0,
            out: String::new(),
            last: 0,
            at_line_start: true,
            line_closed: false,
        }
    }

    fn has_source(&self) -> bool {
        !self.src.is_empty()
    }

    // -- source positions --

    /// The first position at or after `pos` that is not white space or a comment.
    fn skip_trivia(&self, mut pos: usize) -> usize {
        let bytes = self.src.as_bytes();
        loop {
            while pos < bytes.len() && (bytes[pos] as char).is_ascii_whitespace()
                || self.src[pos..].starts_with('\u{FEFF}')
            {
                pos += if bytes[pos] < 0x80 { 1 } else { 3 };
            }
            match self.comments.iter().find(|c| c.start == pos) {
                Some(c) => pos = c.end,
                None => return pos,
            }
        }
    }

    /// A node's end without the white space and comments pest lets trailing optional parts
    /// swallow.
    fn tight_end(&self, start: usize, mut end: usize) -> usize {
        loop {
            while end > start && (self.src.as_bytes()[end - 1] as char).is_ascii_whitespace() {
                end -= 1;
            }
            match self
                .comments
                .iter()
                .find(|c| c.end == end && c.start >= start)
            {
                Some(c) => end = c.start,
                None => return end,
            }
        }
    }

    fn tight(&self, span: Span) -> (usize, usize) {
        let start = span.start as usize;
        if !self.has_source() {
            return (start, start);
        }
        (start, self.tight_end(start, span.end as usize))
    }

    fn newlines_between(&self, from: usize, to: usize) -> usize {
        if from >= to {
            return 0;
        }
        self.src[from..to].matches('\n').count()
    }

    fn comment_within(&self, start: usize, end: usize) -> bool {
        self.comments[self.next..]
            .iter()
            .any(|c| c.start >= start && c.start < end)
    }

    // -- writing --

    fn write(&mut self, text: &str) {
        debug_assert!(!self.line_closed, "text after a line comment");
        self.out.push_str(text);
        self.at_line_start = false;
    }

    fn line_break(&mut self) {
        if !self.at_line_start {
            self.out.push('\n');
            self.at_line_start = true;
            self.line_closed = false;
        }
    }

    fn begin_line(&mut self, indent: usize) {
        self.line_break();
        self.out.push_str(&" ".repeat(indent));
    }

    /// Writes every pending comment that starts before `pos`: at the end of the current line
    /// when the source had it on the line of the code before it, else on a line of its own at
    /// `indent`. `blank_lines` keeps (at most one) blank line the source had before a comment.
    fn comments_before(&mut self, pos: usize, indent: usize, blank_lines: &mut bool) {
        while self.next < self.comments.len() && self.comments[self.next].start < pos {
            let comment = self.comments[self.next].clone();
            self.next += 1;
            let newlines = self.newlines_between(self.last, comment.start);
            if !self.at_line_start && !self.line_closed && newlines == 0 {
                self.write(" ");
            } else {
                self.line_break();
                if *blank_lines && newlines >= 2 {
                    self.out.push('\n');
                }
                self.begin_line(indent);
            }
            self.write(comment.normalized());
            self.line_closed = comment.is_line();
            self.last = comment.end;
            *blank_lines = true;
        }
    }

    /// Ends the current line after flushing comments that belong before `pos`.
    fn break_before(&mut self, pos: usize, indent: usize) {
        let mut no_blank = false;
        self.comments_before(pos, indent, &mut no_blank);
        self.begin_line(indent);
    }

    // -- containers --

    /// Writes the elements of a body (the file, or a block between its braces), each starting on
    /// its own line, keeping one blank line where the source had any, with comments in place.
    /// `close` is where the body ends in the source (its `}` or the end of the file).
    fn body<T>(
        &mut self,
        elements: &[T],
        indent: usize,
        close: usize,
        extent: impl Fn(&Self, &T) -> (usize, usize),
        blank_by_default: impl Fn(Option<&T>, &T) -> bool,
        print: impl Fn(&mut Self, &T, usize),
    ) {
        let mut blank_lines = false;
        let mut previous: Option<&T> = None;
        for element in elements {
            let (start, end) = extent(self, element);
            self.comments_before(start, indent, &mut blank_lines);
            let wants_blank = if self.has_source() {
                blank_lines && self.newlines_between(self.last, start) >= 2
            } else {
                blank_by_default(previous, element)
            };
            self.line_break();
            if wants_blank {
                self.out.push('\n');
            }
            self.begin_line(indent);
            self.last = self.last.max(start);
            print(self, element, indent);
            // Comments inside the element that the layout found no place for.
            let mut inner_blank = false;
            self.comments_before(end, indent, &mut inner_blank);
            self.last = self.last.max(end);
            blank_lines = true;
            previous = Some(element);
        }
        self.comments_before(close, indent, &mut blank_lines);
        self.line_break();
    }

    fn file(mut self, file: &File) -> String {
        let len = self.src.len();
        let extents = self.item_extents(file);
        let items: Vec<(&Item, (usize, usize))> = file.items.iter().zip(extents).collect();
        self.body(
            &items,
            0,
            len,
            |_, (_, extent)| *extent,
            |previous, (item, _)| match previous {
                None => false,
                Some((previous, _)) => !(is_simple(previous) && is_simple(item)),
            },
            |printer, (item, _), indent| printer.item(item, indent),
        );
        // Comments after the last item were written by `body`; a file ends in one newline.
        let trimmed = self.out.trim_end_matches('\n').len();
        self.out.truncate(trimmed);
        if !self.out.is_empty() {
            self.out.push('\n');
        }
        self.out
    }

    /// Where each top-level item starts and ends in the source.
    fn item_extents(&self, file: &File) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut previous_end = 0;
        for item in &file.items {
            if !self.has_source() {
                out.push((0, 0));
                continue;
            }
            let start = self.skip_trivia(previous_end);
            let end = match item {
                Item::Account(v) | Item::Partition(v) => v.span.end as usize,
                Item::Let(binding) => binding.value.span.end as usize,
                Item::Import(name) => name.span.end as usize,
                Item::Env(env) => {
                    let last = (env.settings.last())
                        .map_or(env.name.span.end as usize, |s| env_setting_extent(s).1);
                    let mut p = self.skip_trivia(last);
                    if self.src.as_bytes().get(p) == Some(&b'{') {
                        p = self.skip_trivia(p + 1);
                    }
                    p + 1
                }
                Item::Template(t) => t.span.end as usize,
                Item::Block(b) => b.span.end as usize,
            };
            out.push((start, end));
            previous_end = end;
        }
        out
    }

    /// The position of the `{` that opens a body, searching from `from`.
    fn open_brace(&self, from: usize) -> usize {
        let mut p = self.skip_trivia(from);
        while let Some(b',' | b'(' | b')') = self.src.as_bytes().get(p) {
            p = self.skip_trivia(p + 1);
        }
        p
    }

    fn item(&mut self, item: &Item, indent: usize) {
        match item {
            Item::Account(v) => self.write(&format!("account {}", value(v))),
            Item::Partition(v) => self.write(&format!("partition {}", value(v))),
            Item::Let(binding) => self.let_binding(binding, indent),
            Item::Import(name) => self.write(&format!("import {}", name.node)),
            Item::Env(env) => {
                self.write(&format!("env {} {{", env.name.node));
                let brace = self.open_brace(env.name.span.end as usize);
                self.open_body(env.name.span.end as usize, brace, indent + INDENT);
                let close = (env.settings.last()).map_or(brace + 1, |s| env_setting_extent(s).1);
                let close = if self.has_source() {
                    self.skip_trivia(close)
                } else {
                    0
                };
                self.body(
                    &env.settings,
                    indent + INDENT,
                    close,
                    |_, setting| env_setting_extent(setting),
                    |_, _| false,
                    |printer, setting, indent| match setting {
                        EnvSetting::Account(v) => printer.write(&format!("account {}", value(v))),
                        EnvSetting::Partition(v) => {
                            printer.write(&format!("partition {}", value(v)))
                        }
                        EnvSetting::Let(binding) => printer.let_binding(binding, indent),
                    },
                );
                self.close_brace(indent);
            }
            Item::Template(t) => {
                let params = join(&t.params, |p| p.node.as_str().to_owned());
                let head = format!("template {}(", t.name.node);
                let header_end = t
                    .params
                    .last()
                    .map_or(t.name.span.end as usize, |p| p.span.end as usize);
                if indent + head.len() + params.len() + 3 <= MAX_WIDTH {
                    self.write(&format!("{head}{params}) {{"));
                } else {
                    self.write(&head);
                    for param in &t.params {
                        self.break_before(param.span.start as usize, indent + INDENT);
                        self.write(&format!("{},", param.node));
                    }
                    let close = self.closer(header_end);
                    self.break_before(close, indent);
                    self.write(") {");
                }
                let brace = self.open_brace(header_end);
                self.open_body(header_end, brace, indent + INDENT);
                self.members(&t.members, indent + INDENT, t.span);
                self.close_brace(indent);
            }
            Item::Block(b) => {
                self.write(&format!("{} {} {{", b.kind.node.keyword(), name(&b.name)));
                let header_end = b.name.span.end as usize;
                let brace = self.open_brace(header_end);
                self.open_body(header_end, brace, indent + INDENT);
                self.members(&b.members, indent + INDENT, b.span);
                self.close_brace(indent);
            }
        }
    }

    /// `let name = value`; a list with a comment inside is broken, one element per line, so
    /// that each comment stays next to the element it followed (as in a `when`'s `[...]`).
    fn let_binding(&mut self, binding: &Let, indent: usize) {
        let ValueKind::List(items) = &binding.value.node else {
            self.write(&let_line(binding));
            return;
        };
        let (start, end) = self.tight(binding.value.span);
        if items.is_empty() || !self.comment_in((start, end)) {
            self.write(&let_line(binding));
            return;
        }
        self.write(&format!("let {} = [", binding.name.node));
        self.broken_list(
            items,
            indent + INDENT,
            Separator::Trailing,
            |v| v.span,
            |_, v| value(v),
        );
        let close = self.closer(items.last().map_or(start, |v| v.span.end as usize));
        self.break_before(close, indent);
        self.write("]");
        self.last = self.last.max(end);
    }

    /// `}` on its own line, or right after `{` when the body is empty.
    fn close_brace(&mut self, indent: usize) {
        if self.out.ends_with("{\n") {
            self.out.pop();
            self.at_line_start = false;
            self.write("}");
        } else {
            self.begin_line(indent);
            self.write("}");
        }
    }

    /// The position of the bracket that closes a list whose last element ends at `after`.
    fn closer(&self, after: usize) -> usize {
        if !self.has_source() {
            return 0;
        }
        let p = self.skip_trivia(after);
        if self.src.as_bytes().get(p) == Some(&b',') {
            self.skip_trivia(p + 1)
        } else {
            p
        }
    }

    /// After a `{` has been written: comments between the header and the brace.
    fn open_body(&mut self, header_end: usize, brace: usize, indent: usize) {
        if !self.has_source() {
            return;
        }
        self.last = header_end;
        let mut no_blank = false;
        self.comments_before(brace, indent, &mut no_blank);
        self.last = self.last.max(brace + 1);
    }

    fn members(&mut self, members: &[Member], indent: usize, block: Span) {
        let close = (block.end as usize).saturating_sub(1);
        self.body(
            members,
            indent,
            close,
            |printer, m| printer.tight(member_span(m)),
            |_, _| false,
            |printer, m, indent| printer.member(m, indent),
        );
    }

    // -- members --

    fn member(&mut self, m: &Member, indent: usize) {
        let (start, end) = self.tight(member_span(m));
        let flat = member_flat(m);
        let has_comments = self.has_source() && self.comment_within(start, end);
        if !has_comments && indent + flat.chars().count() <= MAX_WIDTH {
            self.write(&flat);
            self.last = end;
            return;
        }
        match m {
            Member::Statement(s) => {
                let head = statement_head(s);
                self.write(&head);
                self.write(" ");
                self.action_list(&s.actions, indent, head.len() + 1);
                let first = s.resources.first().map_or(end, |v| v.span.start as usize);
                self.break_before(first, indent + INDENT);
                let on = on_head(s);
                self.write(on);
                self.write(" ");
                self.value_list_at(
                    &s.resources,
                    indent + INDENT,
                    indent + 2 * INDENT,
                    on.len() + 1,
                );
                self.when(&s.conditions, indent);
            }
            Member::Trust(t) => {
                let head = trust_head(t);
                self.write(&head);
                if !t.principals.is_empty() {
                    self.write(" ");
                    self.value_list_at(&t.principals, indent, indent + 2 * INDENT, head.len() + 1);
                }
                if let Some(first) = t.actions.first() {
                    self.break_before(first.span.start as usize, indent + INDENT);
                    self.write("actions ");
                    self.action_list(&t.actions, indent + INDENT, "actions ".len());
                }
                self.when(&t.conditions, indent);
            }
            Member::Use(u) => {
                self.write(&use_head(u));
                self.write("(");
                self.broken_list(
                    &u.arguments,
                    indent + INDENT,
                    Separator::Trailing,
                    |v| v.span,
                    |_, v| value(v),
                );
                let close = end.saturating_sub(1);
                self.break_before(close, indent);
                self.write(")");
            }
            Member::Setting(s) => match setting_parts(s) {
                (head, Some(list)) => {
                    self.write(&head);
                    self.write(" ");
                    self.value_list_at(list, indent, indent + INDENT, head.len() + 1);
                }
                (head, None) => self.write(&head),
            },
        }
        self.last = self.last.max(end);
    }

    /// `when` and `and` clauses, each on a continuation line.
    fn when(&mut self, clauses: &[Spanned<Clause>], indent: usize) {
        let continuation = indent + INDENT;
        for (i, c) in clauses.iter().enumerate() {
            let (start, end) = self.tight(c.span);
            self.break_before(start, continuation);
            let keyword = if i == 0 { "when " } else { "and " };
            self.write(keyword);
            let flat = clause(c);
            let fits = continuation + keyword.len() + flat.chars().count() <= MAX_WIDTH;
            let (head, values, tail) = clause_parts(c);
            match values {
                Some(values)
                    if values.len() > 1
                        && (!fits || self.has_source() && self.comment_within(start, end)) =>
                {
                    self.write(&head);
                    self.write("[");
                    self.broken_list(
                        values,
                        continuation + INDENT,
                        Separator::Trailing,
                        |v| v.span,
                        |_, v| value(v),
                    );
                    let close = self.closer(values.last().map_or(0, |v| v.span.end as usize));
                    self.break_before(close, continuation);
                    self.write(&format!("]{tail}"));
                }
                _ => self.write(&flat),
            }
            self.last = self.last.max(end);
        }
    }

    /// Actions after a keyword already on the line (`used` columns past `indent`).
    fn action_list(&mut self, actions: &[Spanned<Action>], indent: usize, used: usize) {
        let flat = join(actions, |a| action(a));
        let range = list_range(actions.iter().map(|a| a.span));
        if indent + used + flat.chars().count() <= MAX_WIDTH && !self.comment_in(range) {
            self.write(&flat);
            self.last = self.last.max(range.1);
            return;
        }
        let trimmed = self.out.trim_end_matches(' ').len();
        self.out.truncate(trimmed);
        let inner = indent + 2 * INDENT;
        for (i, a) in actions.iter().enumerate() {
            self.break_before(a.span.start as usize, inner);
            let comma = if i + 1 < actions.len() { "," } else { "" };
            let text = action(a);
            match &a.node {
                Action::Named { service, names }
                    if names.len() > 1
                        && (inner + text.len() + 1 > MAX_WIDTH
                            || self.comment_in((a.span.start as usize, a.span.end as usize))) =>
                {
                    self.write(&format!("{service}:{{"));
                    self.broken_list(
                        names,
                        inner + INDENT,
                        Separator::Trailing,
                        |n| n.span,
                        |_, n| n.node.as_str().to_owned(),
                    );
                    self.break_before((a.span.end as usize).saturating_sub(1), inner);
                    self.write(&format!("}}{comma}"));
                }
                _ => self.write(&format!("{text}{comma}")),
            }
            self.last = self.last.max(a.span.end as usize);
        }
    }

    /// Values after a keyword on a line that starts at `line_indent`; broken lists put one value
    /// per line at `inner`.
    fn value_list_at(&mut self, values: &[Value], line_indent: usize, inner: usize, used: usize) {
        let flat = join(values, value);
        let range = list_range(values.iter().map(|v| v.span));
        if line_indent + used + flat.chars().count() <= MAX_WIDTH && !self.comment_in(range) {
            self.write(&flat);
            self.last = self.last.max(range.1);
            return;
        }
        // The keyword stays alone on its line.
        let trimmed = self.out.trim_end_matches(' ').len();
        self.out.truncate(trimmed);
        self.broken_list(
            values,
            inner,
            Separator::Between,
            |v| v.span,
            |_, v| value(v),
        );
    }

    fn comment_in(&self, (start, end): (usize, usize)) -> bool {
        self.has_source() && self.comment_within(start, end)
    }

    /// One element per line at `indent`, comments kept before or after their element.
    fn broken_list<T>(
        &mut self,
        items: &[T],
        indent: usize,
        separator: Separator,
        span: impl Fn(&T) -> Span,
        render: impl Fn(&Self, &T) -> String,
    ) {
        for (i, item) in items.iter().enumerate() {
            let s = span(item);
            self.break_before(s.start as usize, indent);
            let comma = separator == Separator::Trailing || i + 1 < items.len();
            let text = render(self, item);
            self.write(&text);
            if comma {
                self.write(",");
            }
            self.last = self.last.max(s.end as usize);
        }
    }
}

fn list_range(spans: impl Iterator<Item = Span>) -> (usize, usize) {
    let mut range: Option<(usize, usize)> = None;
    for s in spans {
        range = Some(match range {
            None => (s.start as usize, s.end as usize),
            Some((a, b)) => (a.min(s.start as usize), b.max(s.end as usize)),
        });
    }
    range.unwrap_or((0, 0))
}

fn let_line(binding: &Let) -> String {
    format!("let {} = {}", binding.name.node, value(&binding.value))
}

fn is_simple(item: &Item) -> bool {
    matches!(
        item,
        Item::Account(_) | Item::Partition(_) | Item::Let(_) | Item::Import(_)
    )
}

/// Where an `env` block's setting starts and ends in the source.
fn env_setting_extent(setting: &EnvSetting) -> (usize, usize) {
    match setting {
        EnvSetting::Account(v) | EnvSetting::Partition(v) => {
            (v.span.start as usize, v.span.end as usize)
        }
        EnvSetting::Let(binding) => (
            binding.name.span.start as usize,
            binding.value.span.end as usize,
        ),
    }
}
