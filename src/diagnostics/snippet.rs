//! The source text shown under a rendered diagnostic, bounded whatever the input.
//!
//! In: the [`Sources`] and one diagnostic's labels. Out: the labels as codespan-reporting is to
//! draw them and the files it reads them from ([`Shown`]): the sources themselves (nothing is
//! copied), except for a file where a labelled line is longer than [`LONG_LINE`] bytes. Such a
//! file is shown through an excerpt of the labelled lines, each long one cut to a window of
//! [`WINDOW`] bytes around its labels with `…` where text is left out, while the line numbers
//! and columns printed stay those of the real file. A label spanning more than [`LABEL_LINES`]
//! lines is drawn on its first line only.
//!
//! Why: a minified policy is one line of up to a megabyte, and a statement can span a hundred
//! thousand lines. Drawn whole, each of thousands of diagnostics on it printed the megabyte (a
//! 1 MiB policy with 80,000 warnings took minutes and 20 GB); now each costs at most a few
//! windows, whatever the input.

use crate::source::{SourceFile, Sources};
use codespan_reporting::files::{Error, Files};
use std::collections::BTreeSet;
use std::ops::Range;

/// Lines up to this many bytes are shown whole.
pub const LONG_LINE: usize = 400;
/// How much of a longer line is shown, in bytes.
pub const WINDOW: usize = 120;
/// How much of the window comes before the first label on the line.
const BEFORE: usize = 40;
/// A label spanning more lines than this is drawn on its first line only.
pub const LABEL_LINES: usize = 12;
/// What stands for the text left out of a long line.
const ELLIPSIS: &str = "…";

/// The files one diagnostic is rendered from: the sources, with an excerpt in place of each file
/// that has long labelled lines.
pub struct Shown<'a> {
    sources: &'a Sources,
    excerpts: Vec<(usize, Excerpt)>,
}

/// The labelled lines of one file, long ones cut to a window; see the module documentation.
struct Excerpt {
    text: String,
    lines: Vec<ExcerptLine>,
}

struct ExcerptLine {
    /// The real line's 0-based index (for a gap's empty line, the one before it).
    line: usize,
    /// Whether this is a real line rather than one standing for a gap.
    real: bool,
    /// The real bytes shown.
    shown: Range<usize>,
    /// Where the line starts in the excerpt's text, and where the shown bytes start.
    at: usize,
    text_at: usize,
}

impl ExcerptLine {
    /// Where the real byte `offset` is in the excerpt (clamped to the shown window).
    fn map(&self, offset: usize) -> usize {
        self.text_at + offset.clamp(self.shown.start, self.shown.end) - self.shown.start
    }

    /// The real byte at `index` of the excerpt.
    fn unmap(&self, index: usize) -> usize {
        let shown = self.shown.end - self.shown.start;
        self.shown.start + index.saturating_sub(self.text_at).min(shown)
    }
}

/// `offset`, at most the text's length and moved back to a character boundary.
fn boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A line's bytes without its line break.
fn content(file: &SourceFile, line: usize) -> Range<usize> {
    let range = file.line_range(line).unwrap_or(0..0);
    let text = &file.text[range.clone()];
    let trimmed = text.trim_end_matches(['\n', '\r']);
    range.start..range.start + trimmed.len()
}

impl<'a> Shown<'a> {
    /// The files and labels to render `labels` (file index, byte range) with; the labels come
    /// back in the same order, as ranges in what [`Shown`] shows.
    pub fn new(
        sources: &'a Sources,
        labels: &[(usize, Range<usize>)],
    ) -> (Shown<'a>, Vec<Range<usize>>) {
        // Labels on real text: clamped into it, on character boundaries, and cut to their
        // first line when they span too many.
        let labels: Vec<(usize, Range<usize>)> = labels
            .iter()
            .map(|(id, range)| {
                let file = sources.get(crate::source::FileId(*id as u32));
                let start = boundary(&file.text, range.start);
                let mut end = boundary(&file.text, range.end).max(start);
                let first = file.line_index(start);
                if file.line_index(end) - first > LABEL_LINES {
                    end = content(file, first).end.max(start);
                }
                (*id, start..end)
            })
            .collect();
        let mut shown = Shown {
            sources,
            excerpts: Vec::new(),
        };
        let mut ids: Vec<usize> = labels.iter().map(|(id, _)| *id).collect();
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            let file = sources.get(crate::source::FileId(id as u32));
            let ranges: Vec<&Range<usize>> = labels
                .iter()
                .filter(|(i, _)| *i == id)
                .map(|(_, r)| r)
                .collect();
            let mut lines = BTreeSet::new();
            for range in &ranges {
                lines.extend(file.line_index(range.start)..=file.line_index(range.end));
            }
            let long = lines.iter().any(|&l| {
                let c = content(file, l);
                c.end - c.start > LONG_LINE
            });
            // Control and invisible characters are shown through an excerpt too, which replaces
            // them; codespan draws the lines between two labels as well, so those are looked at.
            let (first, last) = (lines.first().copied(), lines.last().copied());
            let control = (first.zip(last)).is_some_and(|(first, last)| {
                let between = content(file, first).start..content(file, last).end;
                !printable_ascii(&file.text[between])
                    && (first..=last).any(|l| file.text[content(file, l)].chars().any(replaced))
            });
            if long || control {
                shown
                    .excerpts
                    .push((id, Excerpt::new(file, &lines, &ranges)));
            }
        }
        let mapped = labels
            .iter()
            .map(|(id, range)| match shown.excerpt(*id) {
                Some(excerpt) => {
                    excerpt.map(shown.file(*id), range.start)
                        ..excerpt.map(shown.file(*id), range.end)
                }
                None => range.clone(),
            })
            .collect();
        (shown, mapped)
    }

    fn file(&self, id: usize) -> &'a SourceFile {
        self.sources.get(crate::source::FileId(id as u32))
    }

    fn excerpt(&self, id: usize) -> Option<&Excerpt> {
        self.excerpts.iter().find(|(i, _)| *i == id).map(|(_, e)| e)
    }
}

impl Excerpt {
    fn new(file: &SourceFile, labelled: &BTreeSet<usize>, ranges: &[&Range<usize>]) -> Excerpt {
        // A line between two labelled ones is drawn too (as codespan-reporting does); a larger
        // gap gets two empty lines, which it draws as a break (`·`).
        let mut wanted: Vec<Option<usize>> = Vec::new();
        let mut previous: Option<usize> = None;
        for &line in labelled {
            match previous {
                Some(p) if line == p + 2 => wanted.push(Some(p + 1)),
                Some(p) if line > p + 2 => wanted.extend([None, None]),
                _ => {}
            }
            wanted.push(Some(line));
            previous = Some(line);
        }
        let mut excerpt = Excerpt {
            text: String::new(),
            lines: Vec::new(),
        };
        let mut last_real = 0;
        for line in wanted {
            let at = excerpt.text.len();
            let Some(line) = line else {
                excerpt.lines.push(ExcerptLine {
                    line: last_real,
                    real: false,
                    shown: 0..0,
                    at,
                    text_at: at,
                });
                excerpt.text.push('\n');
                continue;
            };
            last_real = line;
            let whole = content(file, line);
            let shown = if whole.end - whole.start <= LONG_LINE {
                whole.clone()
            } else {
                window(file, whole.clone(), ranges)
            };
            if shown.start > whole.start {
                excerpt.text.push_str(ELLIPSIS);
            }
            let text_at = excerpt.text.len();
            push_printable(&mut excerpt.text, &file.text[shown.clone()]);
            if shown.end < whole.end {
                excerpt.text.push_str(ELLIPSIS);
            }
            excerpt.text.push('\n');
            excerpt.lines.push(ExcerptLine {
                line,
                real: true,
                shown,
                at,
                text_at,
            });
        }
        excerpt
    }

    /// The excerpt line showing real line `line`.
    fn line_of(&self, line: usize) -> Option<&ExcerptLine> {
        self.lines.iter().find(|l| l.real && l.line == line)
    }

    fn map(&self, file: &SourceFile, offset: usize) -> usize {
        let line = file.line_index(offset);
        self.line_of(line).map_or(0, |l| l.map(offset))
    }

    fn index_of(&self, byte: usize) -> usize {
        self.lines
            .partition_point(|l| l.at <= byte)
            .saturating_sub(1)
    }
}

/// Whether `c` is a format character that draws nothing: a zero-width space or joiner, a soft
/// hyphen, a byte-order mark, a bidirectional override (which would also reorder the line on
/// the terminal, "Trojan Source"), a tag character. Shown as itself, a label on it would get
/// no caret and the line could read differently from its bytes.
pub fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// Whether `text` is printable ASCII, tabs and line feeds only: nothing but its line breaks is
/// [`replaced`] (or escaped by `printable`), and one look at each byte says so.
pub fn printable_ascii(text: &str) -> bool {
    // Every byte tested, no early exit: the compiler makes a vector loop of it.
    let other = |b: u8| !(0x20..0x7f).contains(&b) && b != b'\n' && b != b'\t';
    !text.bytes().fold(false, |any, b| any | other(b))
}

/// Whether `c` is not shown as itself: a control character but a tab, or an [`invisible`] one.
fn replaced(c: char) -> bool {
    (c.is_control() && c != '\t') || invisible(c)
}

/// Pushes `text` with each control character but a tab, and each [`invisible`] one, replaced by
/// a visible one of the same length in UTF-8 (`?` for C0 and DEL, `¿` for two bytes, `�` for
/// three, `🚫` for four), so a policy cannot drive the terminal (clear it, recolour
/// it, reorder it), a label on such a character gets its caret, and the labels' byte offsets
/// still hold.
fn push_printable(out: &mut String, text: &str) {
    if !text.chars().any(replaced) {
        out.push_str(text);
        return;
    }
    out.extend(text.chars().map(|c| match c {
        c if !replaced(c) => c,
        c => match c.len_utf8() {
            1 => '?',
            2 => '\u{bf}',
            3 => '\u{FFFD}',
            _ => '\u{1F6AB}',
        },
    }));
}

/// The part of a long line to show: [`WINDOW`] bytes from a little before the first label
/// boundary on it, moved back when the line ends sooner, on character boundaries.
fn window(file: &SourceFile, whole: Range<usize>, ranges: &[&Range<usize>]) -> Range<usize> {
    let first = ranges
        .iter()
        .flat_map(|r| [r.start, r.end])
        .filter(|o| whole.contains(o))
        .min()
        .unwrap_or(whole.start);
    let end = (first.saturating_sub(BEFORE).max(whole.start) + WINDOW).min(whole.end);
    let start = end.saturating_sub(WINDOW).max(whole.start);
    boundary(&file.text, start)..boundary(&file.text, end)
}

impl<'a> Files<'a> for Shown<'a> {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, Error> {
        Ok(&self.file(id).name)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, Error> {
        Ok(match self.excerpt(id) {
            Some(excerpt) => &excerpt.text,
            None => &self.file(id).text,
        })
    }

    fn line_index(&'a self, id: usize, byte: usize) -> Result<usize, Error> {
        Ok(match self.excerpt(id) {
            Some(excerpt) => excerpt.index_of(byte),
            None => self.file(id).line_index(byte),
        })
    }

    fn line_number(&'a self, id: usize, line: usize) -> Result<usize, Error> {
        Ok(match self.excerpt(id) {
            Some(excerpt) => excerpt.lines.get(line).map_or(line, |l| l.line) + 1,
            None => line + 1,
        })
    }

    fn column_number(&'a self, id: usize, _line: usize, byte: usize) -> Result<usize, Error> {
        let file = self.file(id);
        let offset = match self.excerpt(id) {
            Some(excerpt) => excerpt.lines[excerpt.index_of(byte)].unmap(byte),
            None => byte,
        };
        Ok(file.line_column(offset).1)
    }

    fn line_range(&'a self, id: usize, line: usize) -> Result<Range<usize>, Error> {
        let range = match self.excerpt(id) {
            Some(excerpt) => excerpt.lines.get(line).map(|l| {
                let end = excerpt
                    .lines
                    .get(line + 1)
                    .map_or(excerpt.text.len(), |n| n.at);
                l.at..end
            }),
            None => self.file(id).line_range(line),
        };
        range.ok_or(Error::LineTooLarge {
            given: line,
            max: self.file(id).line_count().saturating_sub(1),
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::{render, Code, Diagnostic};
    use crate::source::{Sources, Span};

    fn one(text: &str, label: std::ops::Range<usize>) -> String {
        let mut sources = Sources::new();
        let id = sources.add("p.json", text.to_string());
        let d = Diagnostic::new(Code::InvalidJson, "m")
            .at(Span::new(id, label.start, label.end), "here");
        render(&[d], &sources, false)
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        // ESC (C0) and CSI (C1) in the source and in the message: shown, not obeyed.
        let text = "{\"R\": \"\u{1b}[2J\u{9b}31mX\"}\n";
        let mut sources = Sources::new();
        let id = sources.add("p.json", text.to_string());
        let d = Diagnostic::new(Code::InvalidJson, "`\u{1b}[2J` is not valid")
            .at(Span::new(id, 7, 17), "label \u{1b}[0m")
            .with_help("help \u{7}");
        let shown = render(&[d], &sources, false);
        assert!(
            !shown.chars().any(|c| c.is_control() && c != '\n'),
            "{shown:?}"
        );
        assert!(shown.contains("`\\u{1b}[2J` is not valid"), "{shown}");
        // The source keeps its length, so the carets still stand under the label.
        assert!(shown.contains("\"?[2J¿31mX\""), "{shown}");
        assert!(shown.contains("^^^^^^^^^"), "{shown}");
    }

    #[test]
    fn an_invisible_character_is_shown_and_gets_its_caret() {
        // A zero-width space drew no caret; a right-to-left override reordered the line.
        let shown = one("{\"R\": \"a\u{200B}b\u{202E}c\"}\n", 8..11);
        assert!(
            !shown.contains('\u{200B}') && !shown.contains('\u{202E}'),
            "{shown}"
        );
        assert!(shown.contains("\"a\u{FFFD}b\u{FFFD}c\""), "{shown}");
        assert!(shown.contains(" ^ here"), "{shown}");
        assert!(shown.contains("p.json:1:9"), "{shown}");
    }

    #[test]
    fn a_long_line_is_shown_as_a_window_with_its_real_column() {
        let line = format!("{}needle{}", "a".repeat(100_000), "b".repeat(100_000));
        let at = line.find("needle").unwrap();
        // The line starts after `{\n`: the label is on `needle`.
        let text = one(&format!("{{\n{line}\n}}\n"), at + 2..at + 8);
        assert!(text.contains("p.json:2:100001"), "{text}");
        assert!(text.contains("…aaaa") && text.contains("needlebbb") && text.contains("bbb…"));
        assert!(text.len() < 1_000, "{} bytes", text.len());
        // The carets stand under the label (in characters: `…` is one).
        let column = |line: &str, what: &str| line[..line.find(what).unwrap()].chars().count();
        let carets = text.lines().find(|l| l.contains("^^^^^^")).unwrap();
        let source = text.lines().find(|l| l.contains("needle")).unwrap();
        assert_eq!(column(carets, "^^^^^^ here"), column(source, "needle"));
    }

    #[test]
    fn short_lines_are_shown_whole() {
        let text = one("{\"a\": 1}\n", 1..4);
        assert!(text.contains("1 │ {\"a\": 1}"), "{text}");
        assert!(!text.contains('…'));
    }

    #[test]
    fn a_label_over_many_lines_is_drawn_on_its_first() {
        let body: String = (0..10_000).map(|i| format!("  \"s3:A{i}\",\n")).collect();
        let source = format!("[\n{body}]\n");
        let text = one(&source, 0..source.len());
        assert!(text.len() < 1_000, "{} bytes", text.len());
        assert!(text.contains("1 │ ["), "{text}");
    }

    #[test]
    fn labels_on_two_long_lines_far_apart_show_both_windows_and_a_break() {
        let long = "x".repeat(1_000);
        let source = format!("{long}\nshort\n\n\n{long}y\n");
        let mut sources = Sources::new();
        let id = sources.add("p.json", source.clone());
        let y = source.rfind('y').unwrap();
        let d = Diagnostic::new(Code::InvalidJson, "m")
            .at(Span::new(id, 500, 501), "first")
            .with_label(Span::new(id, y, y + 1), "second");
        let text = render(&[d], &sources, false);
        assert!(text.contains("p.json:1:501"), "{text}");
        assert!(text.contains("5 │ …") && text.contains("xy"), "{text}");
        assert!(text.contains('·'), "{text}");
        assert!(text.len() < 2_000, "{} bytes", text.len());
    }

    #[test]
    fn labels_out_of_the_text_are_clamped() {
        let text = one("{}", 5..9);
        assert!(text.contains("p.json:1:3"), "{text}");
        let text = one("é", 1..2);
        assert!(text.contains("p.json:1:1"), "{text}");
    }
}
