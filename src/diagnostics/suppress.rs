//! Suppression comments: findings excused in the source, next to what they excuse.
//!
//! In: the [`Sources`] of a run and its diagnostics. Out: an [`Outcome`]: the diagnostics still
//! reported (plus E0601 for malformed comments and W0601 for comments that suppress nothing) and
//! the suppressed ones with their reasons, which the CLI counts and shows on request.
//!
//! The grammar skips comments, so the directives are read here from the source text:
//!
//! ```text
//! // iamx:allow E0501 "the boundary is the guard for this legacy role"
//! role legacy { ... }                   <- the directive covers this block
//!
//! // iamx:allow W0405, W0201 "kept for readability"
//! allow s3:GetObject on *               <- or this statement, continuation lines included
//!
//! // iamx:allow-file W0501 "service- is our own prefix"   <- before the first line of code:
//!                                                             the whole file
//! ```
//!
//! What a directive covers is found from the text alone, because diagnostics carry spans, not
//! syntax nodes: the first line of code after it, and then the lines up to where its brackets
//! close and while the lines that follow are indented deeper (`on`, `when`, `and`
//! continuations). A finding is covered when its primary span or one of its labels lies there
//! (a finding inside a std-lib template is thus excused at its `use`). A reason in double quotes
//! is required; codes are optional, but a directive without codes (a blanket) never hides a
//! security-critical finding ([`Code::is_security_critical`]) — such a finding gets a note saying
//! to name its code. Only suppressible codes ([`Code::is_suppressible`]) may be named.

use super::{Code, Diagnostic};
use crate::source::{FileId, Sources, Span};
use std::ops::Range;

/// A finding a directive hid, and the directive's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    pub diagnostic: Diagnostic,
    pub reason: String,
}

/// What [`apply`] leaves: the findings still reported and the ones suppressed.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub kept: Vec<Diagnostic>,
    pub suppressed: Vec<Suppressed>,
}

/// One `// iamx:allow` comment.
#[derive(Debug)]
struct Directive {
    file: FileId,
    /// The comment, for diagnostics about the directive.
    span: Span,
    /// Empty for a blanket directive.
    codes: Vec<Code>,
    reason: String,
    /// The bytes covered; `None` for `allow-file`.
    region: Option<Range<usize>>,
    used: bool,
}

impl Directive {
    fn covers(&self, diagnostic: &Diagnostic, places: &[Span]) -> bool {
        let code_ok = if self.codes.is_empty() {
            diagnostic.code.is_suppressible() && !diagnostic.code.is_security_critical()
        } else {
            self.codes.contains(&diagnostic.code)
        };
        code_ok && self.reaches(places)
    }

    /// Whether one of the places lies in the directive's region.
    fn reaches(&self, places: &[Span]) -> bool {
        places.iter().any(|span| {
            span.file == self.file
                && match &self.region {
                    None => true,
                    Some(region) => region.contains(&(span.start as usize)),
                }
        })
    }

    fn size(&self) -> usize {
        self.region.as_ref().map_or(usize::MAX, |r| r.len())
    }
}

/// Applies the suppression comments of every `.iamx` source to `diagnostics`. `complete`: the
/// compilation ran to its end; otherwise the findings a directive excuses may simply not have
/// been made, and calling it unused (W0601) would be a cascade of the error that stopped it.
pub fn apply(sources: &Sources, diagnostics: Vec<Diagnostic>, complete: bool) -> Outcome {
    let mut outcome = Outcome::default();
    let mut directives = Vec::new();
    let mut user_files = Vec::new();
    for (id, file) in sources.iter() {
        // JSON has no comments, and the std-lib's own findings are excused at their `use`.
        let is_iamx = !file.name.starts_with("std-lib/")
            && !file.name.ends_with(".json")
            && !file.text.trim_start().starts_with('{');
        if is_iamx {
            user_files.push(id);
            read_directives(id, &file.text, &mut directives, &mut outcome.kept);
        }
    }
    // The narrowest directive that covers a finding is the one that excuses it.
    directives.sort_by_key(|d| (d.file, d.size()));
    for mut diagnostic in diagnostics {
        let places = places(&diagnostic, &user_files);
        match directives
            .iter_mut()
            .find(|d| d.covers(&diagnostic, &places))
        {
            Some(directive) => {
                directive.used = true;
                outcome.suppressed.push(Suppressed {
                    diagnostic,
                    reason: directive.reason.clone(),
                });
            }
            None => {
                let blanket = directives
                    .iter()
                    .any(|d| d.codes.is_empty() && d.reaches(&places));
                if blanket && diagnostic.code.is_security_critical() {
                    let code = diagnostic.code.as_str();
                    diagnostic.notes.push(format!(
                        "an `iamx:allow` without codes does not cover {code}: it is security-critical, so name it (`// iamx:allow {code} \"why\"`)"
                    ));
                }
                outcome.kept.push(diagnostic);
            }
        }
    }
    for directive in directives.iter().filter(|d| complete && !d.used) {
        outcome.kept.push(
            Diagnostic::new(
                Code::UnusedSuppression,
                "this `iamx:allow` suppresses nothing",
            )
            .at(directive.span, "no finding here matches it")
            .with_help("remove it, or check its codes and where it stands"),
        );
    }
    super::sort(&mut outcome.kept);
    outcome
}

/// Where a finding is, for matching directives: its primary span; or, when that lies outside
/// the user's files (inside a std-lib template), the `use`s that expanded the template (its
/// [`super::EXPANDED_FROM`] labels). Other labels are not used: they point at what a finding
/// merely refers to (the boundary a role escapes), which a directive there must not hide.
fn places(diagnostic: &Diagnostic, user_files: &[FileId]) -> Vec<Span> {
    match &diagnostic.primary {
        Some(primary) if user_files.contains(&primary.span.file) => vec![primary.span],
        _ => (diagnostic.secondary.iter())
            .filter(|l| l.message == super::EXPANDED_FROM)
            .map(|l| l.span)
            .collect(),
    }
}

/// Reads the directives of one file; malformed ones become E0601 diagnostics.
fn read_directives(
    file: FileId,
    text: &str,
    directives: &mut Vec<Directive>,
    problems: &mut Vec<Diagnostic>,
) {
    // A directive needs `iamx:`; most files have none, and splitting every file into lines
    // only to find that out cost more than the vector search.
    if memchr::memmem::find(text.as_bytes(), b"iamx:").is_none() {
        return;
    }
    let lines = lines(text);
    let mut seen_code = false;
    for (index, &(start, line)) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let Some(comment) = trimmed.strip_prefix("//") else {
            if !trimmed.is_empty() && !trimmed.starts_with("/*") && !trimmed.starts_with('*') {
                seen_code = true;
            }
            continue;
        };
        let Some(body) = comment.trim_start().strip_prefix("iamx:") else {
            continue;
        };
        let comment_start = start + (line.len() - trimmed.len());
        let span = Span::new(file, comment_start, start + line.trim_end().len());
        let error = |message: String, label: &str| {
            Diagnostic::new(Code::InvalidSuppression, message).at(span, label.to_string())
        };
        let (kind, rest) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
        let whole_file = match kind {
            "allow" => false,
            "allow-file" => true,
            _ => {
                problems.push(
                    error(
                        format!("`iamx:{kind}` is not a directive"),
                        "unknown directive",
                    )
                    .with_help("write `// iamx:allow CODE \"reason\"` or `// iamx:allow-file CODE \"reason\"`"),
                );
                continue;
            }
        };
        let Some((codes_text, reason)) = split_reason(rest) else {
            problems.push(
                error(
                    format!("`iamx:{kind}` needs a reason in double quotes"),
                    "no reason given",
                )
                .with_help("say why the finding is acceptable: `// iamx:allow W0405 \"why\"`"),
            );
            continue;
        };
        let mut codes = Vec::new();
        let mut valid = true;
        for word in codes_text
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|w| !w.is_empty())
        {
            match Code::parse(word) {
                Some(code) if code.is_suppressible() => codes.push(code),
                Some(code) => {
                    valid = false;
                    problems.push(error(
                        format!("{} cannot be suppressed", code.as_str()),
                        "not suppressible",
                    ).with_note("only warnings and verification errors (E05xx) can be suppressed: other errors stop the compiler"));
                }
                None => {
                    valid = false;
                    problems.push(error(
                        format!("`{word}` is not a diagnostic code"),
                        "unknown code",
                    ));
                }
            }
        }
        if !valid {
            continue;
        }
        let region = if whole_file {
            if seen_code {
                problems.push(error(
                    "`iamx:allow-file` must come before the first line of code".into(),
                    "after code",
                ));
                continue;
            }
            None
        } else {
            Some(item_region(&lines, index).unwrap_or(span.range()))
        };
        directives.push(Directive {
            file,
            span,
            codes,
            reason,
            region,
            used: false,
        });
    }
}

/// The region of each `// iamx:allow` comment of `text` (not `allow-file`), in order: what
/// [`apply`] lets it cover, however the comment is written. `iamx fmt` compares them before and
/// after formatting, since the region follows the layout.
pub fn directive_regions(text: &str) -> Vec<Range<usize>> {
    directives_of(text)
        .into_iter()
        .map(|(_, region)| region)
        .collect()
}

/// The byte range of each `// iamx:allow` comment of `text`, in the order of
/// [`directive_regions`].
pub fn directive_spans(text: &str) -> Vec<Range<usize>> {
    directives_of(text)
        .into_iter()
        .map(|(comment, _)| comment)
        .collect()
}

/// Each `// iamx:allow` comment (not `allow-file`) and its region.
fn directives_of(text: &str) -> Vec<(Range<usize>, Range<usize>)> {
    if memchr::memmem::find(text.as_bytes(), b"iamx:").is_none() {
        return Vec::new();
    }
    let lines = lines(text);
    let mut regions = Vec::new();
    for (index, &(start, line)) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let Some(body) = trimmed
            .strip_prefix("//")
            .and_then(|comment| comment.trim_start().strip_prefix("iamx:allow"))
        else {
            continue;
        };
        if body.starts_with(|c: char| !c.is_whitespace()) {
            continue; // `allow-file`, or no directive at all
        }
        let comment_start = start + (line.len() - trimmed.len());
        let comment = comment_start..start + line.trim_end().len();
        let region = item_region(&lines, index).unwrap_or(comment.clone());
        regions.push((comment, region));
    }
    regions
}

/// Splits `W0405, W0201 "reason"` into the codes and the non-empty reason.
fn split_reason(rest: &str) -> Option<(&str, String)> {
    let open = rest.find('"')?;
    let close = rest.rfind('"')?;
    let reason = rest.get(open + 1..close)?.trim();
    if close <= open || reason.is_empty() || !rest[close + 1..].trim().is_empty() {
        return None;
    }
    Some((&rest[..open], reason.to_string()))
}

/// Each line with its byte offset (without the newline).
fn lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split('\n') {
        out.push((start, line));
        start += line.len() + 1;
    }
    out
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The bytes of the statement or block after the directive on line `directive`: see the
/// module documentation. `None` when no code follows.
fn item_region(lines: &[(usize, &str)], directive: usize) -> Option<Range<usize>> {
    let first = (directive + 1..lines.len()).find(|&i| {
        let trimmed = lines[i].1.trim_start();
        !trimmed.is_empty() && !trimmed.starts_with("//")
    })?;
    let base = indent(lines[first].1);
    let mut scanner = Scanner::default();
    let mut last = first;
    for (i, &(_, line)) in lines.iter().enumerate().skip(first) {
        scanner.line(line);
        last = i;
        if scanner.depth > 0 {
            continue;
        }
        let continues = lines.get(i + 1).is_some_and(|&(_, next)| {
            !next.trim().is_empty() && indent(next) > base && !next.trim_start().starts_with('}')
        });
        if !continues {
            break;
        }
    }
    let (start, _) = lines[first];
    let (last_start, last_line) = lines[last];
    Some(start..last_start + last_line.len())
}

/// Bracket depth over lines, outside strings and comments.
#[derive(Default)]
struct Scanner {
    depth: i64,
    in_block_comment: bool,
}

impl Scanner {
    fn line(&mut self, line: &str) {
        let mut chars = line.chars().peekable();
        let mut in_string = false;
        // A comment starts only after white space or punctuation: bare ARNs end in `/*`
        // (`arn:aws:s3:::bucket/*`), which is no comment.
        let mut after_word = false;
        while let Some(c) = chars.next() {
            if self.in_block_comment {
                if c == '*' && chars.peek() == Some(&'/') {
                    chars.next();
                    self.in_block_comment = false;
                }
            } else if in_string {
                match c {
                    '\\' => {
                        chars.next();
                    }
                    '"' => in_string = false,
                    _ => {}
                }
            } else {
                match c {
                    '"' => in_string = true,
                    '/' if !after_word && chars.peek() == Some(&'/') => return,
                    '/' if !after_word && chars.peek() == Some(&'*') => {
                        chars.next();
                        self.in_block_comment = true;
                    }
                    '{' | '[' | '(' => self.depth += 1,
                    '}' | ']' | ')' => self.depth -= 1,
                    _ => {}
                }
            }
            after_word = !(c.is_whitespace() || "{}[](),".contains(c));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region_text(text: &str, directive_line: usize) -> String {
        let lines = lines(text);
        let region = item_region(&lines, directive_line).unwrap();
        text[region].to_string()
    }

    #[test]
    fn a_directive_covers_the_next_statement_with_its_continuations() {
        let text =
            "role r {\n  // iamx:allow W0402 \"x\"\n  allow *\n    on *\n  allow s3:Get* on *\n}\n";
        assert_eq!(region_text(text, 1), "  allow *\n    on *");
    }

    #[test]
    fn a_directive_covers_the_next_block_to_its_closing_brace() {
        let text = "// iamx:allow \"x\"\nrole r {\n  allow * on \"}\" // }\n  allow s3:* on arn:aws:s3:::b/* /* { */\n}\nrole s {\n}\n";
        assert_eq!(
            region_text(text, 0),
            "role r {\n  allow * on \"}\" // }\n  allow s3:* on arn:aws:s3:::b/* /* { */\n}"
        );
    }

    #[test]
    fn a_reason_is_required_and_must_close() {
        assert_eq!(
            split_reason(" W0405 \"kept\""),
            Some((" W0405 ", "kept".to_string()))
        );
        assert_eq!(split_reason(" W0405"), None);
        assert_eq!(split_reason(" W0405 \"\""), None);
        assert_eq!(split_reason(" W0405 \"a\" trailing"), None);
    }
}
