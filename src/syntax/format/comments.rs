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
                Item::Account(v) | Item::Partition(v) => self.span(v.span),
                Item::Let(binding) => self.let_binding(binding),
                Item::Import(name) => self.span(name.span),
                Item::Env(env) => {
                    self.span(env.name.span);
                    for v in env.account.iter().chain(&env.partition) {
                        self.span(v.span);
                    }
                    env.lets.iter().for_each(|l| self.let_binding(l));
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
        self.span(binding.value.span);
    }

    fn values(&mut self, values: &[Value]) {
        values.iter().for_each(|v| self.span(v.span));
    }

    fn actions(&mut self, actions: &[Spanned<Action>]) {
        for action in actions {
            match &action.node {
                Action::Named { names, .. } if names.len() > 1 => {
                    names.iter().for_each(|n| self.span(n.span))
                }
                _ => self.span(action.span),
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
                | Setting::Prefix(v) => self.span(v.span),
                Setting::InstanceProfile(v) => {
                    if let Some(v) = v {
                        self.span(v.span)
                    }
                }
                Setting::MaxSession(d) => self.span(d.span),
                Setting::Tag { key, value } => {
                    self.span(key.span);
                    self.span(value.span);
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
