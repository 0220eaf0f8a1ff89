//! Roles shared between two versions of a project (`diff`).
//!
//! In: an earlier version's lowering, which kept where each role's documents are
//! ([`RoleSites`], asked for with [`Sharing::Offer`]), and a later version resolved but for its
//! roles. Out: for each role block of the later version, the earlier version's documents and
//! record of the same role, when lowering the block again is sure to make the same ones; the
//! later lowering then copies them instead of resolving and lowering the role (most roles of
//! most changes).
//!
//! Why that is sound: what a role resolves and lowers to is a function of its block (its text
//! and where it is), the project's other items and where they are (the declarations, the
//! boundaries, policies, delegations, users and groups it is resolved and lowered against,
//! the std-lib modules they import, whose file ids follow the project's files), the
//! environment, and the options. A role is taken when, at the same id, its file's text is the
//! earlier one's, and every file's text outside its role blocks is the earlier one's at the
//! same offsets, but for white space and comments between role blocks (a role that grew moves
//! them, and they hold nothing a role reads). Only an earlier lowering with no error is
//! offered, and only to a compilation that reports errors alone: a taken role reports nothing,
//! as the earlier one reported no error. The names are compared too, as a belt to the braces.

use super::LoweredRole;
use crate::compile::output::Compiled;
use crate::compile::resolve::{Resolved, RoleBlock};
use crate::source::Span;
use crate::syntax::parse::trivia_end;
use std::sync::Arc;

/// How a lowering shares its roles with another version's (see the module's comment).
#[derive(Clone, Copy)]
pub enum Sharing<'e> {
    /// Neither offers nor takes.
    None,
    /// Keeps where each role's documents are, for a later version to take ([`RoleSites`]).
    Offer,
    /// Takes each role it can from the earlier version's lowering: where its roles are, and
    /// what it made. Only for a lowering that reports errors alone
    /// (`compile::Options::errors_only`), of the same environment, and with no error.
    Take(&'e RoleSites, &'e Compiled),
}

/// Where an earlier lowering put each role's documents, and what they were lowered from.
pub struct RoleSites {
    /// The project files' texts, by id.
    texts: Vec<Arc<String>>,
    /// The spans of each file's role blocks, in order, by file id.
    role_blocks: Vec<Vec<Span>>,
    /// By the role's block.
    by_block: foldhash::HashMap<Span, Site>,
}

/// One role of an earlier lowering: its name, and its documents and record in its [`Compiled`].
struct Site {
    name: String,
    trust: usize,
    inline: Option<usize>,
    role: usize,
}

impl RoleSites {
    /// An empty record for the roles of `resolved`, which [`RoleSites::add`] fills as they are
    /// lowered.
    pub(super) fn new(resolved: &Resolved<'_>) -> RoleSites {
        RoleSites {
            texts: resolved.texts().to_vec(),
            role_blocks: role_blocks(resolved),
            by_block: foldhash::HashMap::default(),
        }
    }

    /// Records a role lowered from `block`: its documents at `trust` (and `inline`) and its
    /// record at `role` of the lowering's [`Compiled`].
    #[inline(never)]
    pub(super) fn add(
        &mut self,
        block: &RoleBlock<'_>,
        trust: usize,
        inline: Option<usize>,
        role: usize,
    ) {
        let site = Site {
            name: block.name().to_string(),
            trust,
            inline,
            role,
        };
        self.by_block.insert(block.span(), site);
    }
}

/// The spans of each file's role blocks, in order, by file id.
fn role_blocks(resolved: &Resolved<'_>) -> Vec<Vec<Span>> {
    let mut by_file = vec![Vec::new(); resolved.texts().len()];
    for role in &resolved.roles {
        let span = role.span();
        by_file[span.file.0 as usize].push(span);
    }
    by_file.iter_mut().for_each(|spans| spans.sort());
    by_file
}

/// What lies outside a file's role blocks, but for white space and comments: each stretch
/// from the first token after a block (or the file's start) to the next block (or its end),
/// with its offset.
fn outside_roles<'t>(text: &'t str, role_blocks: &[Span]) -> Vec<(usize, &'t str)> {
    let ends = role_blocks.iter().map(|span| span.start as usize);
    let starts = std::iter::once(0).chain(role_blocks.iter().map(|span| span.end as usize));
    (starts.zip(ends.chain([text.len()])))
        .filter_map(|(from, to)| {
            let start = trivia_end(&text[..to], from);
            (start < to).then(|| (start, &text[start..to]))
        })
        .collect()
}

/// The roles a later lowering takes from an earlier one ([`Sharing::Take`]).
pub(super) struct Taker<'e> {
    sites: &'e RoleSites,
    earlier: &'e Compiled,
    /// Per file id: whether the file's text is the earlier one's.
    unchanged: Vec<bool>,
}

impl<'e> Taker<'e> {
    /// What `resolved` can take from `sites`, if anything: only in the same environment, and
    /// when the text outside every file's role blocks is the earlier version's, in as many
    /// files.
    pub(super) fn new(
        sites: &'e RoleSites,
        earlier: &'e Compiled,
        resolved: &Resolved<'_>,
    ) -> Option<Taker<'e>> {
        let texts = resolved.texts();
        if texts.len() != sites.texts.len() || resolved.project.environment != earlier.environment {
            return None;
        }
        let later_blocks = role_blocks(resolved);
        let mut unchanged = Vec::with_capacity(texts.len());
        for (file, (text, earlier_text)) in texts.iter().zip(&sites.texts).enumerate() {
            let same = Arc::ptr_eq(text, earlier_text) || text == earlier_text;
            // The same text has its blocks where they were; else the text between them is read.
            let same_outside = (same && later_blocks[file] == sites.role_blocks[file])
                || outside_roles(text, &later_blocks[file])
                    == outside_roles(earlier_text, &sites.role_blocks[file]);
            if !same_outside {
                return None;
            }
            unchanged.push(same);
        }
        Some(Taker {
            sites,
            earlier,
            unchanged,
        })
    }

    /// The earlier version's documents and record of the role of `block`, if it had it. Not
    /// inlined: the job that lowers a role is `check`'s hottest loop, which never takes.
    #[inline(never)]
    pub(super) fn take(&self, block: &RoleBlock<'_>) -> Option<LoweredRole> {
        let span = block.span();
        if !self.unchanged[span.file.0 as usize] {
            return None;
        }
        let site = self.sites.by_block.get(&span)?;
        if site.name != block.name() {
            return None;
        }
        Some(LoweredRole {
            trust: self.earlier.documents[site.trust].clone(),
            inline: site.inline.map(|at| self.earlier.documents[at].clone()),
            info: self.earlier.roles[site.role].clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::outside_roles;
    use crate::source::{FileId, Span};

    #[test]
    fn only_tokens_outside_role_blocks_count_with_where_they_are() {
        let span = |start: usize, end: usize| Span::new(FileId(0), start, end);
        let text = "let a = 1\n// one\nrole r { }\n\n/* two */ role s { }\nlet b = 2 // end\n";
        let r = text.find("role r").unwrap();
        let s = text.find("role s").unwrap();
        let blocks = [span(r, r + 10), span(s, s + 10)];
        assert_eq!(
            outside_roles(text, &blocks),
            [(0, "let a = 1\n// one\n"), (s + 11, "let b = 2 // end\n")]
        );
        // Between two blocks, only white space and comments: nothing.
        let only = "role r { }\n// c\n\nrole s { }";
        let s = only.find("role s").unwrap();
        let blocks = [span(0, 10), span(s, s + 10)];
        assert!(outside_roles(only, &blocks).is_empty());
        assert!(outside_roles("", &[]).is_empty());
        assert_eq!(outside_roles(" x", &[]), [(1, "x")]);
    }
}
