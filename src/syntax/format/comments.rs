//! Comments, which the grammar skips: recovered from the text between the AST's leaf spans
//! and kept with their positions, so the printer can put each one back.
//!
//! In: a file's text and its AST. Out: its comments, in order.

use super::*;

// ---- comments -----------------------------------------------------------------------------

/// Every comment of `text`, in order. Comments can only occur between tokens, so only the text
/// outside the AST's leaf spans is scanned.
pub fn comments(text: &str, file: &File) -> Vec<Comment> {
    let mut leaves = leaves(file);
    leaves.sort_unstable();
    let mut comments = Vec::new();
    let mut position = 0;
    for (start, end) in leaves.into_iter().chain([(text.len(), text.len())]) {
        if start > position {
            scan_gap(text, position, start, &mut comments);
        }
        position = position.max(end);
    }
    comments
}

/// Finds the comments in a stretch of text that holds no string, ARN, key or action.
pub(super) fn scan_gap(text: &str, start: usize, end: usize, out: &mut Vec<Comment>) {
    let bytes = text.as_bytes();
    let mut i = start;
    while i + 1 < end {
        if bytes[i] == b'/' && bytes[i + 1] == b'/' {
            let stop = text[i..end].find('\n').map_or(end, |n| i + n);
            out.push(Comment {
                start: i,
                end: stop,
                text: text[i..stop].to_string(),
            });
            i = stop;
        } else if bytes[i] == b'/' && bytes[i + 1] == b'*' {
            let stop = text[i + 2..end].find("*/").map_or(end, |n| i + 2 + n + 2);
            out.push(Comment {
                start: i,
                end: stop,
                text: text[i..stop].to_string(),
            });
            i = stop;
        } else {
            i += 1;
        }
    }
}

/// The byte ranges of the AST's leaf tokens, in the order of a walk of the tree: two equal
/// trees give their tokens in the same order, whatever their layout.
pub(super) fn leaves(file: &File) -> Vec<(usize, usize)> {
    let mut leaves = Vec::new();
    Leaves(&mut leaves).file(file);
    leaves
}

/// Collects the byte ranges of the AST's leaf tokens.
struct Leaves<'a>(&'a mut Vec<(usize, usize)>);

impl Leaves<'_> {
    fn span(&mut self, span: Span) {
        self.0.push((span.start as usize, span.end as usize));
    }

    fn file(&mut self, file: &File) {
        for item in &file.items {
            match item {
                Item::Account(v) | Item::Partition(v) => self.value(v),
                Item::Let(binding) => self.let_binding(binding),
                Item::Import(name) => self.span(name.span),
                Item::Env(env) => {
                    self.span(env.name.span);
                    for setting in &env.settings {
                        match setting {
                            EnvSetting::Account(v) | EnvSetting::Partition(v) => self.value(v),
                            EnvSetting::Let(binding) => self.let_binding(binding),
                        }
                    }
                }
                Item::Template(template) => {
                    self.span(template.name.span);
                    template.params.iter().for_each(|p| self.span(p.span));
                    template.members.iter().for_each(|m| self.member(m));
                }
                Item::Block(block) => {
                    self.span(block.kind.span);
                    self.span(block.name.span);
                    block.members.iter().for_each(|m| self.member(m));
                }
            }
        }
    }

    fn let_binding(&mut self, binding: &Let) {
        self.span(binding.name.span);
        self.value(&binding.value);
    }

    /// A list's brackets and commas may hold comments: its elements are the leaves.
    fn value(&mut self, value: &Value) {
        match &value.node {
            ValueKind::List(items) => self.values(items),
            _ => self.span(value.span),
        }
    }

    fn values(&mut self, values: &[Value]) {
        values.iter().for_each(|v| self.value(v));
    }

    /// A brace group or `level(...)`, even of one name, may hold comments between its words:
    /// the words are the leaves (the service prefix before them holds no `/`).
    fn actions(&mut self, actions: &[Spanned<Action>]) {
        for action in actions {
            match &action.node {
                Action::Named { names: words, .. } | Action::Levels { levels: words, .. } => {
                    words.iter().for_each(|n| self.span(n.span))
                }
                Action::Any | Action::Unchecked(_) => self.span(action.span),
            }
        }
    }

    fn clauses(&mut self, clauses: &[Spanned<Clause>]) {
        for clause in clauses {
            self.span(clause.key.span);
            match &clause.test {
                Test::Exists { .. } => {}
                Test::Compare { values, .. }
                | Test::Like { values, .. }
                | Test::In { values, .. } => self.values(values.as_slice()),
                Test::Operator { name, values } => {
                    self.span(name.span);
                    self.values(values.as_slice());
                }
            }
        }
    }

    fn member(&mut self, member: &Member) {
        match member {
            Member::Statement(s) => {
                if let Some(sid) = &s.sid {
                    self.span(sid.span);
                }
                self.span(s.effect.span);
                self.actions(&s.actions);
                self.values(&s.resources);
                self.clauses(&s.conditions);
            }
            Member::Trust(t) => {
                self.span(t.kind.span);
                self.values(&t.principals);
                self.actions(&t.actions);
                self.clauses(&t.conditions);
            }
            Member::Use(u) => {
                if let Some(module) = &u.module {
                    self.span(module.span);
                }
                self.span(u.template.span);
                self.values(&u.arguments);
            }
            Member::Setting(s) => match &s.node {
                Setting::Path(v)
                | Setting::Description(v)
                | Setting::Boundary(v)
                | Setting::Prefix(v) => self.value(v),
                Setting::InstanceProfile(v) => {
                    if let Some(v) = v {
                        self.value(v)
                    }
                }
                Setting::MaxSession(d) => self.span(d.span),
                Setting::Tag { key, value } => {
                    self.span(key.span);
                    self.value(value);
                }
                Setting::Attach(vs)
                | Setting::Groups(vs)
                | Setting::PassTo(vs)
                | Setting::TagKeys(vs) => self.values(vs),
                Setting::To { kind, names } => {
                    self.span(kind.span);
                    self.values(names);
                }
                Setting::CreateUsers | Setting::LoginProfiles | Setting::AwsManaged => {}
            },
        }
    }
}

/// Where a comment starts that `found` (the comments recovered between leaves) lacks, if any.
///
/// The recovery trusts each leaf to be one token; a node taken for a leaf that holds trivia
/// (a list, a brace group) would hide its comments from the original and the output alike, so
/// comparing the two could not see them dropped. This scan knows nothing of the tree: outside
/// quoted strings and interpolations, a `//` or `/*` at the start of the text, after white
/// space or after `,`, `[`, `]`, `(` or `)` is a comment (no token starts so, and none holds
/// those characters). It misses comments glued to a word, so it finds a subset of the
/// comments (those it does not see it skips when `found` has them); every one of them must be
/// among `found`.
pub(super) fn missed_comment(text: &str, found: &[Comment]) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                // A string ends at its closing quote or, unterminated, at the line's end.
                i += 1;
                while i < bytes.len() && !matches!(bytes[i], b'"' | b'\n') {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                // An interpolation of a bare ARN: its name may hold anything but `}`.
                i += 2;
                while i < bytes.len() && !matches!(bytes[i], b'}' | b'"' | b'\n') {
                    i += 1;
                }
            }
            b'/' if matches!(bytes.get(i + 1), Some(b'/' | b'*')) => {
                match found.iter().find(|c| c.start == i) {
                    // Skipped whole, glued or not: a quote inside must not open a string.
                    Some(comment) => i = comment.end,
                    None if i == 0 || b" \t\r\n,[]()".contains(&bytes[i - 1]) => return Some(i),
                    // Part of a word (`arn:aws:s3:::b/*`).
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn missed(text: &str) -> Option<usize> {
        let ast = crate::syntax::parse::parse(FileId(0), text).expect("parses");
        missed_comment(text, &comments(text, &ast))
    }

    #[test]
    fn a_comment_the_recovery_lacks_is_found() {
        // As when a whole `let` list was taken for one leaf: nothing between leaves found.
        let text = "let x = [a, /* c */ b]";
        assert_eq!(missed_comment(text, &[]), Some(12));
        assert_eq!(missed(text), None);
    }

    #[test]
    fn tokens_that_look_like_comments_are_not_comments() {
        for text in [
            "let x = \"// not /* a comment\"",
            "let x = arn:aws:s3:::b/*",
            "let x = arn:aws:s3:::x//y/${ /* name */ }",
            "role r { allow s3:GetObject/* glued \" */ on \"a // b\" }",
            "role r { allow s3:GetObject on * when aws:x//y == \"1\" // end\n}",
        ] {
            assert_eq!(missed(text), None, "{text}");
        }
    }
}
