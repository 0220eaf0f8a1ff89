//! Containment: do identity policies stay inside a permissions boundary?
//!
//! In: identity documents, boundary documents, and [`Options`] (an optional list of known action
//! names, used only to pick realistic example actions). Out: a [`Containment`] verdict —
//! `Contained` (proved), `Escapes` (concrete counterexamples, each re-checked with the concrete
//! evaluator, plus any parts that stayed undecided) or `Unknown` (reasons).
//!
//! For each identity `Allow` statement S the request space is split exactly into cells: first by
//! action (which boundary statements and identity denies match the action, via the product
//! automaton over action globs), then, within an action cell, by resource. In each cell the
//! question left is about conditions only and goes to `contexts.rs`: is there a context that S
//! allows, no identity deny in the cell removes, and no boundary allow covers (or a boundary deny
//! catches)? Policy variables in resources are opaque symbols; a boundary resource pattern with a
//! variable that the symbolic word does not pin down counts *against* containment (its allow
//! does not count, its deny counts), and an identity deny only counts when it certainly applies —
//! so every "no" along the way errs towards reporting a possible escape, never towards a false
//! `Contained`. A real value of a variable may equal or overlap another pattern's literals, so a
//! boundary deny the statement's resource could reach for some value counts as possibly applying
//! too (`variable_reach`). Documents without `Version` `2012-10-17` have no variables at all
//! (`version.rs`). Possible escapes then become concrete requests and must really escape under
//! [`evaluate`] (`contain/requests.rs`); the ones that don't become `Unknown`.

use super::automaton;
use super::cells::{cells, elements, literal_services, statement_problem, Element, Member};
use super::contexts::{multivalued_keys, solve_cached, CondOutcome, CondProblem, SolveCache};
use super::domain;
use super::eval::{decide, Decision, PolicySet, StatementRef};
use super::pattern::{compile, is_var_symbol, Glob, LiteralHead, PatternKind, Tok, VarTable, Vars};
use super::request::{Context, Request};
use super::version::{literal_where_unversioned, literal_where_unversioned_each};
use crate::catalog::Catalog;
use crate::iam::policy::{Conditions, Effect, PolicyDocument, Statement};
use foldhash::{HashMap, HashMapExt};
use std::collections::BTreeSet;
use std::fmt;

mod requests;
pub(super) use requests::fits_key;

/// Tuning for [`contained_with`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// Known action names (`service:Name`). Only used to choose readable example actions;
    /// decisions never depend on it.
    pub known_actions: &'a [&'a str],
    /// The request domain: with the AWS catalog, counterexamples are requests AWS could receive,
    /// an action it lists on a resource of a type that action takes. A possible escape that only
    /// an action the catalog does not list could use is a note
    /// ([`Containment::ContainedForListedActions`]); one that no well-typed request confirms is
    /// `Unknown`. Without it, any action and resource text counts (the engine's pure semantics).
    pub catalog: Option<&'a Catalog>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Containment {
    /// Every request the identity policies allow, the boundary allows too.
    Contained,
    /// Every request with an action the catalog lists that the identity policies allow, the
    /// boundary allows too; the notes say which identity statements would let an action AWS
    /// does not list (yet) escape. Only with [`Options::catalog`].
    ContainedForListedActions(Vec<UnknownReason>),
    /// Requests that escape, each verified concretely; `unknown` lists parts left undecided.
    Escapes {
        counterexamples: Vec<Counterexample>,
        unknown: Vec<UnknownReason>,
    },
    /// Nothing escaped, but some parts could not be decided.
    Unknown(Vec<UnknownReason>),
}

/// Why the boundary does not allow a counterexample.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BoundaryFailure {
    /// No boundary `Allow` statement matches.
    NoAllow,
    /// These boundary `Deny` statements match.
    DeniedBy(Vec<StatementRef>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counterexample {
    pub request: Request,
    /// The identity statement that allows the request.
    pub allowed_by: StatementRef,
    pub boundary: BoundaryFailure,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownReason {
    pub statement: StatementRef,
    pub reason: String,
}

impl fmt::Display for Counterexample {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is allowed by {} but ", self.request, self.allowed_by)?;
        match &self.boundary {
            BoundaryFailure::NoAllow => f.write_str("no boundary statement allows it"),
            BoundaryFailure::DeniedBy(refs) => {
                let names: Vec<String> = refs.iter().map(ToString::to_string).collect();
                write!(f, "it is denied by {}", names.join(", "))
            }
        }
    }
}

impl fmt::Display for UnknownReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.statement, self.reason)
    }
}

/// [`contained_with`] with default options.
pub fn contained(identity: &[PolicyDocument], boundary: &[PolicyDocument]) -> Containment {
    contained_with(identity, boundary, Options::default())
}

/// Most counterexamples reported per identity statement.
const PER_STATEMENT: usize = 4;

/// Another statement that may cut into an identity allow: boundary allow/deny or identity deny.
struct Other<'a> {
    at: StatementRef,
    effect: Effect,
    actions: &'a Element,
    resources: &'a Element,
    conditions: &'a Conditions,
}

/// A boundary made ready once for checking many identities against it ([`contained_in`]): the
/// documents as the engine reads them (see `version.rs`) and each statement's action and
/// resource patterns compiled, with the variables they name interned in order. Checking an
/// identity against it gives exactly what [`contained_with`] gives for the same documents.
pub struct PreparedBoundary {
    docs: Vec<PolicyDocument>,
    table: VarTable,
    /// Per usable statement: document, statement, and its compiled actions and resources.
    statements: Vec<(usize, usize, Element, Element)>,
    /// What [`PreparedBoundary::covers_outright`] reads of the statements, sorted out once:
    /// whether every `Deny` has plain actions and resources (no `Not...`, no variable), and
    /// which of `statements` are the `Deny`s and which the plain, unconditional `Allow`s.
    shortcut: ShortcutStatements,
    unknown: Vec<UnknownReason>,
}

/// The statements [`PreparedBoundary::covers_outright`] reads (see [`PreparedBoundary::shortcut`]).
struct ShortcutStatements {
    denies_plain: bool,
    denies: Vec<Heads>,
    plain_allows: Vec<Heads>,
}

/// One of `PreparedBoundary::statements` and its globs' literal heads, actions then resources,
/// in the globs' order: what [`Shape::decided`] reads of a boundary glob first.
struct Heads {
    at: usize,
    actions: Vec<LiteralHead>,
    resources: Vec<LiteralHead>,
}

impl Heads {
    fn new(at: usize, actions: &Element, resources: &Element) -> Heads {
        let heads = |e: &Element, kind| e.globs.iter().map(|g| g.literal_head(kind)).collect();
        Heads {
            at,
            actions: heads(actions, PatternKind::Action),
            resources: heads(resources, PatternKind::Arn),
        }
    }
}

impl ShortcutStatements {
    fn new(
        docs: &[PolicyDocument],
        statements: &[(usize, usize, Element, Element)],
    ) -> ShortcutStatements {
        let plain = |e: &Element| !e.negated && !e.has_vars();
        let mut shortcut = ShortcutStatements {
            denies_plain: true,
            denies: Vec::new(),
            plain_allows: Vec::new(),
        };
        for (at, (d, i, actions, resources)) in statements.iter().enumerate() {
            let statement = &docs[*d].statements[*i];
            let plain = plain(actions) && plain(resources);
            match statement.effect {
                Effect::Deny => {
                    shortcut.denies.push(Heads::new(at, actions, resources));
                    shortcut.denies_plain &= plain;
                }
                Effect::Allow if plain && statement.condition.is_empty() => {
                    (shortcut.plain_allows).push(Heads::new(at, actions, resources))
                }
                Effect::Allow => {}
            }
        }
        shortcut
    }
}

impl PreparedBoundary {
    pub fn new(boundary: &[PolicyDocument]) -> PreparedBoundary {
        let docs = literal_where_unversioned(boundary).into_owned();
        let mut table = VarTable::default();
        let mut statements = vec![];
        let mut unknown = vec![];
        for (d, doc) in docs.iter().enumerate() {
            for (i, s) in doc.statements.iter().enumerate() {
                match elements(s, &mut table) {
                    Ok((actions, resources)) => statements.push((d, i, actions, resources)),
                    // A broken boundary allow only shrinks the boundary: counting it as absent is
                    // conservative. Broken denies could hide escapes, so they must be reported,
                    // as must an allow over the engine's limits (IAM takes it: without it, what
                    // it allows would be reported as escaping).
                    Err(reason)
                        if s.effect == Effect::Deny
                            || super::pattern::statement_too_long(s).is_some() =>
                    {
                        unknown.push(UnknownReason {
                            statement: statement_ref(PolicySet::Boundary, d, i, s),
                            reason,
                        })
                    }
                    Err(_) => {}
                }
            }
        }
        let shortcut = ShortcutStatements::new(&docs, &statements);
        PreparedBoundary {
            docs,
            table,
            statements,
            shortcut,
            unknown,
        }
    }
}

/// The shapes of one statement's actions and resources, as
/// [`PreparedBoundary::covers_outright`] reads them: its lists, kept from one statement to the
/// next so that they are not allocated for each.
#[derive(Default)]
struct ShapeLists<'t> {
    actions: Vec<Shape<'t>>,
    resources: Vec<Shape<'t>>,
}

/// One pattern of an identity statement as [`PreparedBoundary::covers_outright`] reads it.
enum Shape<'t> {
    /// ASCII text without `*`, `?` or `$`: one word (any case, for an action), which is inside
    /// or apart from a boundary glob exactly when that glob matches it, as
    /// [`automaton::decided`] answers for a side that is one word. No tokens are made for it.
    Word(&'t str),
    /// ASCII text with wildcards but no `$`: its literal head settles most boundary globs
    /// ([`LiteralHead::verdict`]); its tokens are made only for the others.
    Wild {
        text: &'t str,
        head: &'t str,
        glob: std::cell::OnceCell<Glob>,
    },
    Glob(Glob),
}

impl Shape<'_> {
    /// What [`automaton::decided`] says of this pattern, read as `kind`, against `outer`, whose
    /// literal head is `outer_head`.
    fn decided(&self, outer: &Glob, outer_head: &LiteralHead, kind: PatternKind) -> Option<bool> {
        match self {
            Shape::Word(word) => Some(outer_head.matches_word(outer, word, kind)),
            Shape::Wild { text, head, glob } => (outer_head.verdict(head, kind))
                .or_else(|| outer_head.prefix_verdict(outer, text, kind))
                .or_else(|| {
                    let glob = glob.get_or_init(|| {
                        compile(text, kind, &mut Vars::Symbolic(&mut VarTable::default()))
                            .expect("text without `$` compiles")
                    });
                    automaton::decided(glob, outer)
                }),
            Shape::Glob(glob) => automaton::decided(glob, outer),
        }
    }

    /// Whether every word of the pattern is a word of some glob of `outer` (whose globs'
    /// literal heads are `heads`).
    fn inside(&self, outer: &Element, heads: &[LiteralHead], kind: PatternKind) -> bool {
        (outer.globs.iter().zip(heads)).any(|(o, head)| self.decided(o, head, kind) == Some(true))
    }

    /// Whether the pattern shares no word with any glob of `outer` (whose globs' literal heads
    /// are `heads`).
    fn apart(&self, outer: &Element, heads: &[LiteralHead], kind: PatternKind) -> bool {
        (outer.globs.iter().zip(heads)).all(|(o, head)| self.decided(o, head, kind) == Some(false))
    }
}

impl PreparedBoundary {
    /// A sufficient condition read off the patterns, before any search: one unconditional
    /// boundary `Allow` includes every action and every resource pattern of the statement, and
    /// every boundary `Deny` is disjoint from it (another action, another bucket), both as the
    /// tokens tell ([`automaton::decided`]). Then each request the statement allows, whatever
    /// its context, is allowed by that boundary statement and denied by none. Identity denies
    /// only remove requests, so they cannot make it false, and the answer depends on the
    /// statement's `Action` and `Resource` alone. This settles most statements under a
    /// platform boundary at a small part of the product search's cost; anything else
    /// (`Not...`, variables, conditions on the covering allow, an overlapping deny) goes to
    /// [`Checker::search`].
    fn covers_outright<'t>(&self, statement: &'t Statement, lists: &mut ShapeLists<'t>) -> bool {
        let (Some(actions), Some(resources)) = (&statement.action, &statement.resource) else {
            return false;
        };
        // The shortcut reads plain denies only: one with `Not...` or a variable leaves every
        // statement to the search.
        if !self.shortcut.denies_plain {
            return false;
        }
        /// The shapes of `list` in `out`; false (give up) at a pattern with a variable.
        fn shapes<'t>(list: &'t [String], kind: PatternKind, out: &mut Vec<Shape<'t>>) -> bool {
            out.clear();
            for p in list {
                if p.is_ascii() {
                    match super::pattern::first_special(p) {
                        None => {
                            out.push(Shape::Word(p));
                            continue;
                        }
                        Some(at) if memchr::memchr(b'$', &p.as_bytes()[at..]).is_none() => {
                            out.push(Shape::Wild {
                                text: p,
                                head: &p[..at],
                                glob: Default::default(),
                            });
                            continue;
                        }
                        Some(_) => {}
                    }
                }
                // A variable makes the shortcut give up, so its symbol is never looked at: a
                // table of its own keeps the search's table as the search alone would fill it.
                let table = &mut VarTable::default();
                match compile(p, kind, &mut Vars::Symbolic(table)).filter(|g| !g.has_vars) {
                    Some(glob) => out.push(Shape::Glob(glob)),
                    None => return false,
                }
            }
            true
        }
        if !shapes(actions, PatternKind::Action, &mut lists.actions)
            || !shapes(resources, PatternKind::Arn, &mut lists.resources)
        {
            return false;
        }
        let (actions, resources) = (&lists.actions[..], &lists.resources[..]);
        let all_inside = |shapes: &[Shape<'_>], outer: &Element, heads: &[LiteralHead], kind| {
            shapes.iter().all(|s| s.inside(outer, heads, kind))
        };
        let all_apart = |shapes: &[Shape<'_>], outer: &Element, heads: &[LiteralHead], kind| {
            shapes.iter().all(|s| s.apart(outer, heads, kind))
        };
        // A boundary's guard denies name other services than a role's grants (`iam:` against
        // `s3:`): told from the texts' services before comparing pattern by pattern.
        let own_services = statement.action.as_deref().and_then(literal_services);
        let other_services = |deny: &Element| match (&own_services, deny.services()) {
            (Some(own), Some(theirs)) => own
                .iter()
                .all(|o| theirs.iter().all(|t| !o.eq_ignore_ascii_case(t))),
            _ => false,
        };
        let patterns = |heads: &Heads| {
            let (_, _, actions, resources) = &self.statements[heads.at];
            (actions, resources)
        };
        let denies_miss = self.shortcut.denies.iter().all(|deny| {
            let (deny_actions, deny_resources) = patterns(deny);
            other_services(deny_actions)
                || all_apart(actions, deny_actions, &deny.actions, PatternKind::Action)
                || all_apart(resources, deny_resources, &deny.resources, PatternKind::Arn)
        });
        denies_miss
            && self.shortcut.plain_allows.iter().any(|allow| {
                let (allow_actions, allow_resources) = patterns(allow);
                all_inside(actions, allow_actions, &allow.actions, PatternKind::Action)
                    && all_inside(
                        resources,
                        allow_resources,
                        &allow.resources,
                        PatternKind::Arn,
                    )
            })
    }

    /// Another sufficient condition, for a boundary that is an earlier version of the identity
    /// (`diff`): the boundary has this very statement as an `Allow`, and each of its `Deny`
    /// statements is one of the identity's too. A request the statement allows and no identity
    /// deny refuses is then allowed by the boundary's copy (the same text reads a request the
    /// same way; both sides' texts are compared after the `Version` rewriting) and refused by
    /// none of the boundary's denies, since each would refuse it in the identity as well.
    fn restates(&self, statement: &Statement, identity_denies: &[&Statement]) -> bool {
        let boundary = self.docs.iter().flat_map(|doc| &doc.statements);
        boundary
            .clone()
            .any(|b| b.effect == Effect::Allow && b == statement)
            && boundary
                .filter(|b| b.effect == Effect::Deny)
                .all(|b| identity_denies.contains(&b))
    }
}

fn statement_ref(set: PolicySet, doc: usize, stmt: usize, s: &Statement) -> StatementRef {
    StatementRef {
        set,
        doc,
        stmt,
        sid: s.sid.clone(),
    }
}

/// Checks that every identity `Allow` stays inside the boundary (see the module docs).
pub fn contained_with(
    identity: &[PolicyDocument],
    boundary: &[PolicyDocument],
    options: Options<'_>,
) -> Containment {
    // Each document's own Version decides whether `${...}` is a variable (see `version.rs`).
    let identity: Vec<&PolicyDocument> = identity.iter().collect();
    contained_in(&identity, &PreparedBoundary::new(boundary), options)
}

/// [`contained_with`] against a boundary prepared once, for checking many identities against one
/// boundary. The identity documents are borrowed: verifying a project reads its compiled
/// documents where they are.
pub fn contained_in(
    identity: &[&PolicyDocument],
    boundary: &PreparedBoundary,
    options: Options<'_>,
) -> Containment {
    // Each document's own Version decides whether `${...}` is a variable (see `version.rs`).
    let rewritten = literal_where_unversioned_each(identity);
    let identity: Vec<&PolicyDocument> = rewritten.iter().map(|d| &**d).collect();
    check(&identity, boundary, options, Shortcut::Take)
}

/// Whether [`PreparedBoundary::covers_outright`] may settle a statement before the search
/// (always, but in the test that holds it to the search).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shortcut {
    Take,
    #[cfg(test)]
    Skip,
}

fn check(
    identity: &[&PolicyDocument],
    prepared: &PreparedBoundary,
    options: Options<'_>,
    shortcut: Shortcut,
) -> Containment {
    let boundary = &prepared.docs[..];
    // The boundary's variables were interned first; the identity's continue the same table.
    let mut table = prepared.table.clone();
    let mut unknown: Vec<UnknownReason> = prepared.unknown.clone();
    let mut identity_denies: Vec<(StatementRef, &Statement, Element, Element)> = vec![];
    for (d, doc) in identity.iter().enumerate() {
        for (i, s) in doc.statements.iter().enumerate() {
            if s.effect == Effect::Allow {
                continue;
            }
            let at = statement_ref(PolicySet::Identity, d, i, s);
            match elements(s, &mut table) {
                Ok((actions, resources)) => identity_denies.push((at, s, actions, resources)),
                // Broken denies could hide escapes, so they must be reported.
                Err(reason) => unknown.push(UnknownReason {
                    statement: at,
                    reason,
                }),
            }
        }
    }
    let identity_deny_texts: Vec<&Statement> = identity
        .iter()
        .flat_map(|doc| &doc.statements)
        .filter(|s| s.effect == Effect::Deny)
        .collect();
    // Statements the shortcut settles need none of the search's set-up below.
    let mut shape_lists = ShapeLists::default();
    let open: Vec<(usize, usize, &Statement)> = identity
        .iter()
        .enumerate()
        .flat_map(|(d, doc)| {
            doc.statements
                .iter()
                .enumerate()
                .map(move |(i, s)| (d, i, s))
        })
        .filter(|(_, _, s)| s.effect == Effect::Allow)
        .filter(|(_, _, s)| {
            let settled = shortcut == Shortcut::Take
                && statement_problem(s).is_none()
                && (prepared.covers_outright(s, &mut shape_lists)
                    || prepared.restates(s, &identity_deny_texts));
            #[cfg(test)]
            if settled {
                shortcut::SETTLED.with(|n| n.set(n.get() + 1));
            }
            !settled
        })
        .collect();
    let mut counterexamples = vec![];
    let mut notes: Vec<UnknownReason> = vec![];
    if !open.is_empty() {
        let boundary_others = prepared
            .statements
            .iter()
            .map(|(d, i, actions, resources)| {
                let s = &boundary[*d].statements[*i];
                Other {
                    at: statement_ref(PolicySet::Boundary, *d, *i, s),
                    effect: s.effect,
                    actions,
                    resources,
                    conditions: &s.condition,
                }
            });
        let identity_others = identity_denies
            .iter()
            .map(|(at, s, actions, resources)| Other {
                at: at.clone(),
                effect: s.effect,
                actions,
                resources,
                conditions: &s.condition,
            });
        let others: Vec<Other<'_>> = boundary_others.chain(identity_others).collect();
        let mut cache = SolveCache::default();
        let all_statements = identity
            .iter()
            .copied()
            .chain(boundary)
            .flat_map(|d| &d.statements);
        let multivalued = multivalued_keys(all_statements.map(|s| &s.condition));
        for (d, i, s) in open {
            let at = statement_ref(PolicySet::Identity, d, i, s);
            let mut checker = Checker {
                identity,
                boundary,
                options,
                others: &others,
                at: at.clone(),
                statement: s,
                table: &mut table,
                found: vec![],
                unknown: vec![],
                unlisted: vec![],
                cache: &mut cache,
                multivalued: &multivalued,
                var_sensitive: vec![],
            };
            if let Err(reason) = checker.run() {
                checker.unknown.push(reason);
            }
            counterexamples.append(&mut checker.found);
            notes.extend(checker.unlisted.into_iter().map(|reason| UnknownReason {
                statement: at.clone(),
                reason,
            }));
            unknown.extend(checker.unknown.into_iter().map(|reason| UnknownReason {
                statement: at.clone(),
                reason,
            }));
        }
    }
    unknown.dedup();
    notes.dedup();
    match (counterexamples.is_empty(), unknown.is_empty()) {
        (true, true) if notes.is_empty() => Containment::Contained,
        (true, true) => Containment::ContainedForListedActions(notes),
        (true, false) => Containment::Unknown(unknown),
        (false, _) => Containment::Escapes {
            counterexamples,
            unknown,
        },
    }
}

struct Checker<'a, 'b> {
    identity: &'a [&'a PolicyDocument],
    boundary: &'a [PolicyDocument],
    options: Options<'a>,
    others: &'b [Other<'a>],
    at: StatementRef,
    statement: &'a Statement,
    table: &'b mut VarTable,
    found: Vec<Counterexample>,
    unknown: Vec<String>,
    /// Possible escapes that only actions the catalog does not list could use.
    unlisted: Vec<String>,
    cache: &'b mut SolveCache,
    multivalued: &'b BTreeSet<String>,
    /// Per other statement: when a variable's value might overturn its resource verdict (see
    /// `variable_reach`), the resource patterns it might reach.
    var_sensitive: Vec<Option<Vec<String>>>,
}

const TOO_LARGE: &str = "the patterns are too complex for the automaton search (over its limit of 50,000 states, 32 MiB of states or about a second of work)";

impl Checker<'_, '_> {
    fn run(&mut self) -> Result<(), String> {
        if let Some(problem) = statement_problem(self.statement) {
            return Err(problem);
        }
        let (actions, resources) = elements(self.statement, self.table)?;
        self.search(&actions, &resources)
    }

    /// The exact check: the statement's request space split into cells by the other
    /// statements' verdicts (see the module docs).
    fn search(&mut self, actions: &Element, resources: &Element) -> Result<(), String> {
        let action_elems: Vec<&Element> = self.others.iter().map(|o| o.actions).collect();
        let action_cells = cells(actions, &action_elems).map_err(|_| TOO_LARGE.to_string())?;
        // A cell's witness word stands for every word of the cell, but with policy variables two
        // patterns of one `Resource` list can need different keys (`home/${aws:username}/*` needs
        // a user name, `home/${aws:username, 'anon'}/*` does not): one witness would impose its
        // key requirements on the other pattern's words. Checking each pattern on its own keeps
        // the union exact.
        let parts: Vec<Element> = if !resources.negated && resources.has_vars() {
            resources
                .source()
                .iter()
                .map(|p| Element::new(std::slice::from_ref(p), false, PatternKind::Arn, self.table))
                .collect()
        } else {
            vec![]
        };
        if parts.is_empty() {
            return self.run_part(actions, &action_cells, resources, resources);
        }
        for part in &parts {
            self.run_part(actions, &action_cells, part, resources)?;
        }
        Ok(())
    }

    /// Checks the words of `part` (the statement's whole resource element, or one pattern of it).
    fn run_part(
        &mut self,
        actions: &Element,
        action_cells: &[(Vec<Member>, String)],
        part: &Element,
        resources: &Element,
    ) -> Result<(), String> {
        self.var_sensitive = self.variable_reach(part)?;
        // Resource cells depend only on which statements are in play, so share them.
        let mut memo: HashMap<Vec<bool>, Vec<(Vec<Member>, String)>> = HashMap::new();
        for (action_verdicts, action_word) in action_cells {
            let in_play: Vec<bool> = action_verdicts.iter().map(|m| *m == Member::Yes).collect();
            let players: Vec<usize> = (0..self.others.len()).filter(|&o| in_play[o]).collect();
            if !memo.contains_key(&in_play) {
                let observed: Vec<&Element> =
                    players.iter().map(|&o| self.others[o].resources).collect();
                let found = cells(part, &observed).map_err(|_| TOO_LARGE.to_string())?;
                memo.insert(in_play.clone(), found);
            }
            for (mut resource_verdicts, resource_word) in memo[&in_play].clone() {
                if self.found.len() >= PER_STATEMENT {
                    return Ok(());
                }
                // The symbolic search can't see through a variable under `NotResource`, but a
                // textually identical element certainly matches whatever this statement matches.
                for (verdict, &o) in resource_verdicts.iter_mut().zip(&players) {
                    if self.others[o].resources.same_as(resources) {
                        *verdict = Member::Yes;
                    }
                }
                self.check_cell(
                    actions,
                    &players,
                    &resource_verdicts,
                    action_word,
                    &resource_word,
                );
            }
        }
        Ok(())
    }

    /// Which other statements' resource verdicts a policy variable of this statement's resource
    /// could overturn.
    ///
    /// The symbolic search treats a variable as one opaque value that no literal matches, which
    /// is exact only for values unrelated to the other patterns. A real value ranges over user
    /// names or tag values and can equal or overlap a literal — `${aws:username}` may be `root`
    /// and so fall under a pattern `home/root/*`. A symbolic match holds for every value; a
    /// symbolic miss may not. Where a wrong miss makes a statement count *less* (a boundary allow
    /// or identity deny with `Resource`) it only adds possible escapes, which are checked
    /// concretely. The unsafe cases are a boundary deny with `Resource` (a miss means "does not
    /// deny") and a boundary allow or identity deny with `NotResource` (a miss means "applies").
    /// For those, each pattern that meets the statement's resources with the variables widened
    /// ([`Element::widened`]) is recorded, and `check_cell` treats the verdict as `Maybe`.
    ///
    /// Returns, per other statement, the reaching resource patterns, or `None`.
    fn variable_reach(&mut self, resources: &Element) -> Result<Vec<Option<Vec<String>>>, String> {
        let mut out = vec![None; self.others.len()];
        if !resources.has_vars() || resources.negated {
            // A negated driver's words are concrete already (variables only shrink its exclusions).
            return Ok(out);
        }
        let wide = resources.widened(self.table);
        for (o, other) in self.others.iter().enumerate() {
            let unsafe_miss = match (other.at.set, other.effect) {
                (PolicySet::Boundary, Effect::Deny) => !other.resources.negated,
                (PolicySet::Boundary, Effect::Allow) | (PolicySet::Identity, Effect::Deny) => {
                    other.resources.negated
                }
                _ => false,
            };
            if !unsafe_miss {
                continue;
            }
            let mut reaching = vec![];
            for pattern in other.resources.source() {
                let single = Element::new(
                    std::slice::from_ref(pattern),
                    false,
                    PatternKind::Arn,
                    self.table,
                );
                let found = cells(&wide, &[&single]).map_err(|_| TOO_LARGE.to_string())?;
                if found.iter().any(|(v, _)| v[0] != Member::No) {
                    reaching.push(pattern.clone());
                }
            }
            if !reaching.is_empty() {
                out[o] = Some(reaching);
            }
        }
        Ok(out)
    }

    /// Is the uncertain verdict of boundary statement `o` harmless because an unconditional
    /// identity deny in play lists every one of its resource patterns that the statement's
    /// resource can reach? Whenever such a pattern matches a request of this cell — making a
    /// `Resource` deny apply or a `NotResource` allow not apply — that identity deny applies too
    /// (same text, same variable values), so the request is no escape.
    /// (Delegations repeat the envelope's deeper-path denies this way.)
    fn shadowed_by_identity_deny(&self, o: usize, players: &[usize]) -> bool {
        let Some(reaching) = &self.var_sensitive[o] else {
            return true;
        };
        players.iter().any(|&p| {
            let other = &self.others[p];
            other.at.set == PolicySet::Identity
                && other.effect == Effect::Deny
                && other.conditions.is_empty()
                && !other.resources.negated
                && reaching
                    .iter()
                    .all(|r| other.resources.source().contains(r))
        })
    }

    fn check_cell(
        &mut self,
        actions: &Element,
        players: &[usize],
        verdicts: &[Member],
        action_word: &str,
        resource_word: &str,
    ) {
        let mut must_not = vec![];
        let mut allows = vec![];
        let mut denies = vec![];
        let mut maybe = false;
        for (&o, &verdict) in players.iter().zip(verdicts) {
            let other = &self.others[o];
            // A verdict some value of a variable might overturn (see `variable_reach`).
            let verdict = match (verdict, other.resources.negated) {
                (Member::No, false)
                    if self.var_sensitive[o].is_some()
                        && !self.shadowed_by_identity_deny(o, players) =>
                {
                    Member::Maybe
                }
                (Member::Yes, true)
                    if self.var_sensitive[o].is_some()
                        && !(other.at.set == PolicySet::Boundary
                            && self.shadowed_by_identity_deny(o, players)) =>
                {
                    Member::Maybe
                }
                _ => verdict,
            };
            maybe |= verdict == Member::Maybe;
            match (other.at.set, other.effect, verdict) {
                (PolicySet::Identity, Effect::Deny, Member::Yes) => must_not.push(other.conditions),
                (PolicySet::Boundary, Effect::Allow, Member::Yes) => allows.push(other.conditions),
                (PolicySet::Boundary, Effect::Deny, Member::Yes | Member::Maybe) => {
                    denies.push(other.conditions)
                }
                _ => {}
            }
        }
        // Plain variables in the resource need their key present (defaults always resolve).
        let present: Vec<String> = resource_word
            .chars()
            .filter(|&c| is_var_symbol(c))
            .filter_map(|c| self.table.lookup(c))
            .filter(|v| v.default.is_none())
            .map(|v| v.key.clone())
            .collect();
        let problem = CondProblem {
            must: &self.statement.condition,
            must_not,
            allows,
            denies,
            present,
            multivalued: self.multivalued,
        };
        let contexts = match solve_cached(&problem, self.cache) {
            CondOutcome::Proved => return,
            CondOutcome::Unknown(reason) => {
                self.unknown.push(reason);
                return;
            }
            CondOutcome::Found(found) => found,
        };
        let action_candidates = self.action_candidates(actions, players, action_word);
        if action_candidates.is_empty() {
            // Only names AWS does not list fall in this cell (`s3:GetObjec?` past `GetObject`).
            self.unlisted.push(format!(
                "only actions the catalog does not list, such as `{action_word}`, could escape; an action AWS adds later might"
            ));
            return;
        }
        for found in &contexts {
            let resource_candidates = self.resource_candidates(resource_word, &found.context);
            for action in &action_candidates {
                for resource in self.typed(action, &resource_candidates) {
                    let request = Request {
                        action: action.clone(),
                        resource: resource.clone(),
                        context: found.context.clone(),
                    };
                    if let Some(counterexample) = self.verify(request) {
                        self.found.push(counterexample);
                        return;
                    }
                }
            }
        }
        if maybe
            && self.try_variable_values(
                players,
                &action_candidates,
                resource_word,
                &contexts[0].context,
            )
        {
            return;
        }
        let mut why = vec![];
        if maybe {
            why.push(
                // The variable may be the identity's or the other statement's.
                "a policy variable in the resources could not be pinned down to a value that shows it"
                    .to_string(),
            );
        }
        for found in &contexts {
            why.extend(found.assumed.iter().map(|a| format!("assumed {a}")));
        }
        why.dedup();
        // The words are the engine's (lowercased, a resource cell's shortest member): shown as
        // the catalog spells the action, and an empty resource as what it stands for.
        let action = (Catalog::get().action(action_word))
            .map_or_else(|| action_word.to_string(), |a| a.full_name());
        let resource = match self.render_word(resource_word, &contexts[0].context) {
            empty if empty.is_empty() => "any resource".to_string(),
            resource => format!("`{resource}`"),
        };
        self.unknown.push(format!(
            "possible escape for `{action}` on {resource} could not be confirmed by a concrete request{}",
            if why.is_empty() {
                String::new()
            } else {
                format!(" ({})", why.join("; "))
            }
        ));
    }
}

#[cfg(test)]
mod shortcut;
