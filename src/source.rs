//! Source files and spans.
//!
//! In: named texts handed over by the CLI (or a test), plus the std-lib modules the compiler embeds.
//! Out: a [`Sources`] table that every later stage refers to through [`FileId`] and [`Span`].
//! The compiler itself never touches the file system: the CLI reads files and passes bytes in.

use std::fmt;
use std::sync::{Arc, OnceLock};

/// Index of a file in [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A byte range in one source file. Spans never take part in AST equality (see [`Spanned`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }

    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The smallest span covering both (same file assumed).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A value with the place it came from. Equality and hashing look at the value only, so two ASTs
/// parsed from differently formatted text compare equal.
#[derive(Clone)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(node: T, span: Span) -> Self {
        Spanned { node, span }
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.node
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

impl<T: Eq> Eq for Spanned<T> {}

impl<T: fmt::Debug> fmt::Debug for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        #[cfg(test)]
        if SPANS_IN_DEBUG.with(std::cell::Cell::get) {
            write!(f, "@{}..{} ", self.span.start, self.span.end)?;
        }
        self.node.fmt(f)
    }
}

#[cfg(test)]
thread_local! {
    static SPANS_IN_DEBUG: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with every [`Spanned`] printing its span in `Debug`, so that a test comparing two
/// trees by their `Debug` text compares their spans too (equality ignores them).
#[cfg(test)]
pub(crate) fn with_spans_in_debug<R>(f: impl FnOnce() -> R) -> R {
    SPANS_IN_DEBUG.with(|on| on.set(true));
    let result = f();
    SPANS_IN_DEBUG.with(|on| on.set(false));
    result
}

/// One loaded file: its display name (as the user gave it, or `std-lib/NAME.iamx`) and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    /// Shared, so that work on the roles' texts after resolving (`resolve::Resolved::role`
    /// parses each role's members there) can hold it without a copy.
    pub text: Arc<String>,
    /// Made when first asked for: only diagnostics need lines and columns, and a clean run of
    /// a large project would otherwise index every line of its sources for none.
    index: OnceLock<LineIndex>,
}

/// Where a [`SourceFile`]'s lines start, and how to count characters quickly.
#[derive(Debug, Clone)]
struct LineIndex {
    /// Byte offsets, 32-bit as [`Span`]'s are: half the memory of `usize`s, and this index is
    /// made for every file with a finding (a third of the text's size for pretty JSON).
    line_starts: Vec<u32>,
    /// For text that is not all ASCII: the number of characters before every
    /// [`CHARS_EVERY`]-th byte (rounded down to a character boundary), so that a column is
    /// found without counting a whole line: a minified policy is one line of up to a megabyte,
    /// and every diagnostic in it asks for its column.
    char_marks: Vec<(usize, usize)>,
}

/// How far apart the character counts of [`SourceFile`] are kept, in bytes.
const CHARS_EVERY: usize = 4096;

impl SourceFile {
    fn new(name: String, text: String) -> SourceFile {
        SourceFile {
            name,
            text: Arc::new(text),
            index: OnceLock::new(),
        }
    }

    fn index(&self) -> &LineIndex {
        self.index.get_or_init(|| LineIndex::new(&self.text))
    }

    fn line_starts(&self) -> &[u32] {
        &self.index().line_starts
    }

    /// How many characters come before the byte `offset` (a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let char_marks = &self.index().char_marks;
        if char_marks.is_empty() {
            return offset;
        }
        let mark = char_marks.partition_point(|&(at, _)| at <= offset) - 1;
        let (at, chars) = char_marks[mark];
        chars + self.text[at..offset].chars().count()
    }

    /// The 0-based line that the byte `offset` is on (offsets past the end are on the last).
    pub fn line_index(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.line_starts()
            .partition_point(|&start| start as usize <= offset)
            - 1
    }

    /// How many lines the text has (a final newline starts an empty last line).
    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }

    /// The bytes of 0-based line `line`, its newline included; `None` past the last line.
    pub fn line_range(&self, line: usize) -> Option<std::ops::Range<usize>> {
        let line_starts = self.line_starts();
        let start = *line_starts.get(line)? as usize;
        let end = line_starts
            .get(line + 1)
            .map_or(self.text.len(), |&end| end as usize);
        Some(start..end)
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_index(offset);
        let line_start = self.line_starts()[line] as usize;
        let column = self.chars_before(offset) - self.chars_before(line_start) + 1;
        (line + 1, column)
    }
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        // Counted first, so that the list is made at its size instead of by doubling.
        let newlines = || memchr::memchr_iter(b'\n', text.as_bytes());
        let mut line_starts = Vec::with_capacity(newlines().count() + 1);
        line_starts.push(0);
        line_starts.extend(newlines().map(|i| (i + 1) as u32));
        let mut char_marks = Vec::new();
        if !text.is_ascii() {
            let (mut at, mut chars) = (0, 0);
            while at < text.len() {
                char_marks.push((at, chars));
                let mut next = (at + CHARS_EVERY).min(text.len());
                while !text.is_char_boundary(next) {
                    next -= 1;
                }
                chars += text[at..next].chars().count();
                at = next;
            }
        }
        LineIndex {
            line_starts,
            char_marks,
        }
    }
}

/// Every file the compiler has seen, in load order.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.files.push(SourceFile::new(name.into(), text.into()));
        FileId((self.files.len() - 1) as u32)
    }

    /// How many files there are.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Forgets the files after the first `len`.
    pub fn truncate(&mut self, len: usize) {
        self.files.truncate(len);
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, file)| (FileId(i as u32), file))
    }

    pub fn find(&self, name: &str) -> Option<FileId> {
        self.iter()
            .find(|(_, file)| file.name == name)
            .map(|(id, _)| id)
    }

    /// The source text a span covers.
    pub fn slice(&self, span: Span) -> &str {
        let text = &self.get(span.file).text;
        text.get(span.range()).unwrap_or("")
    }

    /// The span without trailing white space (the parser's spans can end after it).
    pub fn trim(&self, span: Span) -> Span {
        let text = self.slice(span);
        Span::new(
            span.file,
            span.start as usize,
            span.start as usize + text.trim_end().len(),
        )
    }

    /// The span's first line: where a diagnostic about a whole block points.
    pub fn first_line(&self, span: Span) -> Span {
        let text = self.slice(span);
        let end = memchr::memchr(b'\n', text.as_bytes()).unwrap_or(text.len());
        Span::new(span.file, span.start as usize, span.start as usize + end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let mut sources = Sources::new();
        let id = sources.add("a.iamx", "ab\nçd\n");
        let file = sources.get(id);
        assert_eq!(file.line_column(0), (1, 1));
        assert_eq!(file.line_column(3), (2, 1));
        assert_eq!(file.line_column(5), (2, 2));
        assert_eq!(file.line_column(100), (3, 1));
        assert_eq!(file.line_range(1), Some(3..7));
        assert_eq!(file.line_range(3), None);
        assert_eq!((file.line_index(4), file.line_count()), (1, 3));
    }

    #[test]
    fn columns_on_long_lines_count_characters() {
        let mut sources = Sources::new();
        let line = "é".repeat(10_000) + "x" + &"a".repeat(10_000);
        let text = format!("ab\n{line}\n");
        let id = sources.add("long.json", text.clone());
        let file = sources.get(id);
        let x = text.find('x').unwrap();
        assert_eq!(file.line_column(x), (2, 10_001));
        assert_eq!(file.line_column(x + 5_000), (2, 15_001));
        assert_eq!(file.line_column(text.len() - 1), (2, 20_002));
        // Inside a character: the column of the character.
        assert_eq!(file.line_column(4), (2, 1));
    }
}
