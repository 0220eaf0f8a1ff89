//! The usual diagnostic's source lines, written a run at a time instead of a character at a time.
//!
//! In: a diagnostic in codespan-reporting's form, the files it is shown from ([`Files`]) and the
//! writer. Out: exactly the bytes codespan-reporting's rich renderer writes for it, coloured or
//! plain, when every label lies on one line of one file and no two share a line (nine in ten
//! of `check`'s findings on AWS's managed policies); otherwise `false`, with nothing written,
//! and codespan-reporting renders it.
//!
//! Why: codespan-reporting writes each character of a source line, and of the caret line under
//! it, through its own `write!`: ~200 instructions a character, a sixth of `check`'s
//! instructions on 1,000 AWS managed policies. Only those two lines are written here, following
//! its renderer's loop (`render_snippet_source`) with the text batched between colour changes,
//! and the snippet's first line (`┌─ name:line:column`, whose method takes a type codespan-
//! reporting does not export); the header, borders, breaks and notes are codespan-reporting's
//! own calls ([`Renderer`]) and the colours its [`WriteStyle`]. The tests render each shape
//! both ways and compare the bytes.

use codespan_reporting::diagnostic::{Diagnostic, Label, LabelStyle, Severity};
use codespan_reporting::files::{Error, Files};
use codespan_reporting::term::{Config, DisplayStyle, Renderer, WriteStyle};
use std::io::Write;
use std::ops::Range;
use unicode_width::UnicodeWidthChar;

/// Renders `diagnostic` as codespan-reporting's rich renderer would, when its labels are each on
/// one line of one file and no two share a line; `Ok(false)`, nothing written, otherwise.
pub fn render<'files, F>(
    writer: &mut dyn WriteStyle,
    config: &Config,
    files: &'files F,
    diagnostic: &Diagnostic<F::FileId>,
) -> Result<bool, Error>
where
    F: Files<'files> + ?Sized,
    F::FileId: Copy + PartialEq,
{
    let Some(first) = diagnostic.labels.first() else {
        return Ok(false);
    };
    let file = first.file_id;
    if !matches!(config.display_style, DisplayStyle::Rich)
        || config.before_label_lines != 0
        || config.after_label_lines != 0
        || diagnostic.labels.iter().any(|label| label.file_id != file)
    {
        return Ok(false);
    }
    let mut lines: Vec<(usize, &Label<F::FileId>)> = Vec::with_capacity(diagnostic.labels.len());
    for label in &diagnostic.labels {
        let line = files.line_index(file, label.range.start)?;
        if files.line_index(file, label.range.end)? != line {
            return Ok(false);
        }
        lines.push((line, label));
    }
    lines.sort_by_key(|&(line, _)| line);
    if lines.windows(2).any(|pair| pair[0].0 == pair[1].0) {
        return Ok(false);
    }

    let mut outer_padding = 0;
    for &(line, _) in &lines {
        outer_padding = outer_padding.max(digits(files.line_number(file, line)?));
    }
    // The location shown is the first primary label's, else the first label's (as
    // codespan-reporting chooses: the lowest style, then the earliest start).
    let mut focus = first;
    for label in &diagnostic.labels[1..] {
        if focus.style > label.style
            || (focus.style == label.style && focus.range.start > label.range.start)
        {
            focus = label;
        }
    }
    let location = files.location(file, focus.range.start)?;
    let name = files.name(file)?;
    let source = files.source(file)?;
    let source = source.as_ref();
    let severity = diagnostic.severity;

    let mut renderer = Renderer::new(writer, config);
    renderer.render_header(
        None,
        severity,
        diagnostic.code.as_deref(),
        &diagnostic.message,
    )?;
    // The snippet's start (`┌─ name:line:column`), as `Renderer::render_snippet_start` writes it.
    write!(renderer, "{:>outer_padding$} ", "")?;
    renderer.set_source_border()?;
    write!(renderer, "{}", config.chars.snippet_start)?;
    renderer.reset()?;
    writeln!(
        renderer,
        " {name}:{}:{}",
        location.line_number, location.column_number
    )?;
    renderer.render_snippet_empty(outer_padding, severity, 0, &[])?;

    let mut lines = lines.into_iter().peekable();
    while let Some((line, label)) = lines.next() {
        let range = files.line_range(file, line)?;
        let start = label.range.start - range.start;
        // At least one caret, even for an empty label.
        let end = (label.range.end - range.start).max(start + 1);
        let shown = Shown {
            outer_padding,
            number: files.line_number(file, line)?,
            source: &source[range],
            severity,
        };
        shown.write(
            &mut renderer,
            config,
            Some((label.style, start..end, &label.message)),
        )?;
        match lines.peek().map(|&(next, _)| next - line) {
            None | Some(1) => {}
            // One line between two labelled ones is shown; more are a break (`·`).
            Some(2) => {
                let between = Shown {
                    outer_padding,
                    number: files.line_number(file, line + 1)?,
                    source: &source[files.line_range(file, line + 1)?],
                    severity,
                };
                between.write(&mut renderer, config, None)?;
            }
            Some(_) => renderer.render_snippet_break(outer_padding, severity, 0, &[])?,
        }
    }
    if !diagnostic.notes.is_empty() {
        renderer.render_snippet_empty(outer_padding, severity, 0, &[])?;
    }
    for note in &diagnostic.notes {
        renderer.render_snippet_note(outer_padding, note)?;
    }
    renderer.render_empty()?;
    Ok(true)
}

/// The number of decimal digits of a line number (at least 1).
fn digits(number: usize) -> usize {
    number.max(1).ilog10() as usize + 1
}

/// One source line to show, with its number.
struct Shown<'a> {
    outer_padding: usize,
    number: usize,
    source: &'a str,
    severity: Severity,
}

impl Shown<'_> {
    /// Writes the line and, for a label (its style, its bytes in the line, its message), the
    /// carets under it: `Renderer::render_snippet_source` with one single-line label or none.
    /// That loop colours, and puts carets under, the characters overlapping the label's bytes;
    /// those are one run here.
    fn write(
        &self,
        renderer: &mut Renderer<'_, '_>,
        config: &Config,
        label: Option<(LabelStyle, Range<usize>, &str)>,
    ) -> Result<(), Error> {
        let source = self.source.trim_end_matches(['\n', '\r', '\0']);
        let (severity, outer_padding) = (self.severity, self.outer_padding);

        renderer.set_line_number()?;
        write!(renderer, "{: >outer_padding$}", self.number)?;
        renderer.reset()?;
        renderer.write_all(b" ")?;
        renderer.set_source_border()?;
        write!(renderer, "{}", config.chars.source_border_left)?;
        renderer.reset()?;
        renderer.write_all(b" ")?;
        let primary = match &label {
            Some((LabelStyle::Primary, range, _)) => covered(source, range),
            _ => source.len()..source.len(),
        };
        // Printable ASCII is one column a byte and written as it is; other lines have their
        // tabs expanded to the tab stops.
        let printable_ascii =
            !(source.bytes()).fold(false, |any, b| any | !(0x20..0x7f).contains(&b));
        if printable_ascii {
            let bytes = source.as_bytes();
            renderer.write_all(&bytes[..primary.start])?;
            if !primary.is_empty() {
                renderer.set_label(severity, LabelStyle::Primary)?;
                renderer.write_all(&bytes[primary.clone()])?;
                renderer.reset()?;
            }
            renderer.write_all(&bytes[primary.end..])?;
        } else {
            let mut parts = [String::new(), String::new(), String::new()];
            for (at, ch, width) in Widths::new(source, config.tab_width) {
                let part =
                    &mut parts[usize::from(at >= primary.start) + usize::from(at >= primary.end)];
                match ch {
                    '\t' => part.extend(std::iter::repeat_n(' ', width)),
                    _ => part.push(ch),
                }
            }
            renderer.write_all(parts[0].as_bytes())?;
            if !primary.is_empty() {
                renderer.set_label(severity, LabelStyle::Primary)?;
                renderer.write_all(parts[1].as_bytes())?;
                renderer.reset()?;
            }
            renderer.write_all(parts[2].as_bytes())?;
        }
        renderer.write_all(b"\n")?;

        let Some((style, range, message)) = label else {
            return Ok(());
        };
        write!(renderer, "{:>outer_padding$} ", "")?;
        renderer.set_source_border()?;
        write!(renderer, "{}", config.chars.source_border_left)?;
        renderer.reset()?;
        // The columns before the label, and under it; a column past the line's end stands for
        // a label there. The characters the label does not overlap but starts after come first.
        let (mut before, mut under) = (0, 0);
        if printable_ascii {
            // A column a byte: the label covers the columns from its start to its end.
            before = range.start.min(source.len() + 1);
            under = range.end.min(source.len() + 1).saturating_sub(range.start);
        } else {
            let end = [(source.len(), '\0', 1)];
            for (at, ch, width) in Widths::new(source, config.tab_width).chain(end) {
                if range.start.max(at) < range.end.min(at + ch.len_utf8()) {
                    under += width;
                } else if at < range.end {
                    before += width;
                }
            }
        }
        let overlapped = range.start <= source.len();
        let spaces: String = std::iter::repeat_n(' ', before + 1).collect();
        renderer.write_all(spaces.as_bytes())?;
        if overlapped {
            let caret = match style {
                LabelStyle::Primary => config.chars.single_primary_caret,
                LabelStyle::Secondary => config.chars.single_secondary_caret,
            };
            renderer.set_label(severity, style)?;
            let carets: String = std::iter::repeat_n(caret, under).collect();
            renderer.write_all(carets.as_bytes())?;
            renderer.reset()?;
        }
        if !message.is_empty() {
            renderer.write_all(b" ")?;
            renderer.set_label(severity, style)?;
            renderer.write_all(message.as_bytes())?;
            renderer.reset()?;
        }
        renderer.write_all(b"\n")?;
        Ok(())
    }
}

/// The bytes of the characters of `line` that overlap `range`: from the start of the character
/// holding its start to the end of the one holding its last byte; empty when it starts past
/// the line.
fn covered(line: &str, range: &Range<usize>) -> Range<usize> {
    let mut start = range.start.min(line.len());
    while !line.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = range.end.min(line.len()).max(start);
    while !line.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// A line's characters with their byte offsets and the columns each takes: a tab up to the
/// next tab stop, any other character its Unicode width (codespan-reporting's `char_metrics`).
struct Widths<'a> {
    chars: std::str::CharIndices<'a>,
    tab_width: usize,
    column: usize,
}

impl<'a> Widths<'a> {
    fn new(line: &'a str, tab_width: usize) -> Widths<'a> {
        Widths {
            chars: line.char_indices(),
            tab_width,
            column: 0,
        }
    }
}

impl Iterator for Widths<'_> {
    type Item = (usize, char, usize);

    fn next(&mut self) -> Option<(usize, char, usize)> {
        let (at, ch) = self.chars.next()?;
        let width = match (ch, self.tab_width) {
            ('\t', 0) => 0,
            ('\t', tab) => tab - self.column % tab,
            (ch, _) => ch.width().unwrap_or(0),
        };
        self.column += width;
        Some((at, ch, width))
    }
}

#[cfg(test)]
mod tests {
    use super::render;
    use codespan_reporting::diagnostic::{Diagnostic, Label, Severity};
    use codespan_reporting::files::SimpleFiles;
    use codespan_reporting::term::{self, termcolor::Buffer, Config, Styles, StylesWriter};
    use proptest::prelude::*;

    /// The diagnostic rendered here (`None` when it is not a shape this module renders) and by
    /// codespan-reporting, coloured or not.
    fn both(
        files: &SimpleFiles<&str, String>,
        diagnostic: &Diagnostic<usize>,
        color: bool,
    ) -> (Option<String>, String) {
        let config = Config::default();
        let styles = Styles::default();
        let buffer = || match color {
            true => Buffer::ansi(),
            false => Buffer::no_color(),
        };
        let mut ours = buffer();
        let rendered = render(
            &mut StylesWriter::new(&mut ours, &styles),
            &config,
            files,
            diagnostic,
        )
        .unwrap();
        let mut theirs = buffer();
        term::emit_to_write_style(&mut theirs, &config, files, diagnostic).unwrap();
        let text = |b: Buffer| String::from_utf8(b.into_inner()).unwrap();
        (rendered.then(|| text(ours)), text(theirs))
    }

    fn same(files: &SimpleFiles<&str, String>, diagnostic: &Diagnostic<usize>) {
        for color in [false, true] {
            let (ours, theirs) = both(files, diagnostic, color);
            let ours = ours.expect("a shape this module renders");
            assert_eq!(ours, theirs, "colour {color}");
        }
    }

    fn files(text: &str) -> (SimpleFiles<&'static str, String>, usize) {
        let mut files = SimpleFiles::new();
        let id = files.add("p.json", text.to_string());
        (files, id)
    }

    #[test]
    fn one_label_with_a_help_note() {
        let (files, id) = files("{\n  \"Action\": \"evidently:Get\",\n}\n");
        let d = Diagnostic::warning()
            .with_code("W0101")
            .with_message("unknown service `evidently`")
            .with_labels(vec![
                Label::primary(id, 14..29).with_message("not in the catalog")
            ])
            .with_notes(vec!["help: the action may be retired".into()]);
        same(&files, &d);
        let (ours, _) = both(&files, &d, false);
        assert!(ours.unwrap().contains("2 │   \"Action\": \"evidently:Get\",\n  │             ^^^^^^^^^^^^^^^ not in the catalog\n"));
    }

    #[test]
    fn labels_one_line_apart_and_far_apart_and_without_notes() {
        let text: String = (1..=120).map(|i| format!("line\t{i} é 漢字\n")).collect();
        let (files, id) = files(&text);
        let at = |line: usize| {
            text.match_indices('\n')
                .nth(line - 2)
                .map_or(0, |(i, _)| i + 1)
        };
        let d = Diagnostic::error()
            .with_code("E0201")
            .with_message("m")
            .with_labels(vec![
                Label::secondary(id, at(99) + 5..at(99) + 7).with_message("second"),
                Label::primary(id, at(97)..at(97) + 4).with_message("first"),
                Label::secondary(id, at(110) + 9..at(110) + 12),
            ]);
        same(&files, &d);
    }

    #[test]
    fn empty_labels_and_labels_at_and_past_the_line_end() {
        let (files, id) = files("ab\ncd\r\nef");
        for range in [0..0, 2..2, 1..2, 5..6, 7..7, 9..9, 8..9] {
            let d = Diagnostic::note()
                .with_message("m")
                .with_labels(vec![Label::primary(id, range.clone()).with_message("here")])
                .with_notes(vec!["two\nlines".into(), String::new()]);
            same(&files, &d);
        }
    }

    #[test]
    fn other_shapes_are_left_to_codespan() {
        let (files, id) = files("one\ntwo\nthree\n");
        let two_on_a_line = Diagnostic::error()
            .with_labels(vec![Label::primary(id, 0..1), Label::secondary(id, 2..3)]);
        let over_lines = Diagnostic::error().with_labels(vec![Label::primary(id, 0..6)]);
        let none = Diagnostic::error().with_message("m");
        for d in [two_on_a_line, over_lines, none] {
            assert_eq!(both(&files, &d, false).0, None);
        }
    }

    /// A line of printable ASCII, or one with tabs, wide and zero-width characters too.
    fn line() -> impl Strategy<Value = String> {
        let ascii = prop_oneof![Just('a'), Just(' '), Just('"')];
        let any = prop_oneof![
            Just('a'),
            Just(' '),
            Just('\t'),
            Just('é'),
            Just('漢'),
            Just('\u{301}'),
            Just('"'),
            Just('\r'),
        ];
        prop_oneof![
            proptest::collection::vec(ascii, 0..30),
            proptest::collection::vec(any, 0..30)
        ]
        .prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        /// Any text, any labels on distinct lines (any byte offsets within them, empty ones
        /// included), any notes: the same bytes as codespan-reporting, coloured and plain.
        #[test]
        fn same_bytes_as_codespan(
            lines in proptest::collection::vec(line(), 1..40),
            picks in proptest::collection::vec((any::<prop::sample::Index>(), 0usize..40, 0usize..8, any::<bool>(), "[a-z ]{0,6}"), 1..5),
            notes in proptest::collection::vec("[a-z\n]{0,8}", 0..3),
            severity in prop_oneof![Just(Severity::Error), Just(Severity::Warning), Just(Severity::Note)],
        ) {
            let text = lines.join("\n");
            let (files, id) = files(&text);
            let starts: Vec<usize> = std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect();
            let mut used = std::collections::BTreeSet::new();
            let mut labels = Vec::new();
            for (line, offset, length, primary, message) in picks {
                let line = line.index(starts.len());
                if !used.insert(line) {
                    continue;
                }
                let end_of_line = starts.get(line + 1).map_or(text.len(), |n| n - 1);
                let floor = |mut at: usize| {
                    at = at.min(end_of_line);
                    while !text.is_char_boundary(at) { at -= 1; }
                    at
                };
                let start = floor(starts[line] + offset);
                let end = floor(start + length).max(start);
                let label = match primary {
                    true => Label::primary(id, start..end),
                    false => Label::secondary(id, start..end),
                };
                labels.push(label.with_message(message));
            }
            let d = Diagnostic::new(severity)
                .with_code("X1")
                .with_message("message")
                .with_labels(labels)
                .with_notes(notes);
            for color in [false, true] {
                let (ours, theirs) = both(&files, &d, color);
                prop_assert_eq!(ours.expect("labels on distinct lines"), theirs);
            }
        }
    }
}
