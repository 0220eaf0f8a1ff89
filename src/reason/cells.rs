//! Statement elements (`Action`/`NotAction`, `Resource`/`NotResource`) compiled to globs, and
//! the split of a statement's element into cells by the verdicts of other statements' elements.
//!
//! In: statements (and the shared [`VarTable`]); out: [`Element`]s, and from [`cells`] one entry
//! per realizable combination of element-level verdicts ([`Member`]) with a witness word. Policy
//! variables make a verdict three-valued: a symbolic match holds for every substitution, a miss of
//! the widened pattern (variables as `*`) holds for every substitution, anything else is `Maybe`.

use super::automaton::{explore, heads_clash, Cell, Driver, TooLarge, MAX_STATES};
use super::pattern::{
    compile, is_var_symbol, value_class, Class, Glob, PatternKind, Tok, VarTable, Vars,
};
use crate::iam::policy::Statement;

/// A statement's action or resource element, compiled.
pub struct Element {
    pub globs: Vec<Glob>,
    /// The globs that have variables, widened to `*` (see [`widen`]).
    widened: Vec<Glob>,
    pub negated: bool,
    /// The pattern texts, sorted: identical elements match identical sets in every request.
    source: Vec<String>,
    /// For actions: each pattern's service, when all are plain ([`literal_services`]).
    services: Option<Vec<String>>,
}

/// The service part of each action pattern (`s3` of `s3:Get*`), when every one is ASCII text
/// without wildcards: two such patterns whose services differ, ASCII case aside, share no action.
/// `None` when some pattern's service is not that plain (`s*:Get`, `*`).
pub fn literal_services<S: AsRef<str>>(actions: &[S]) -> Option<Vec<&str>> {
    actions
        .iter()
        .map(|a| literal_service(a.as_ref()))
        .collect()
}

/// The service of one action pattern when it is plain text (see [`literal_services`]).
pub fn literal_service(action: &str) -> Option<&str> {
    let (service, _) = crate::catalog::split_service(action)?;
    // One pass for the usual service, with no byte that could make it other than plain (the
    // lints ask this of every action of a statement: four passes were ~200 instructions).
    let unusual = |b: &u8| matches!(b, b'*' | b'?' | b'$') || !b.is_ascii();
    let plain = !service.as_bytes().iter().any(unusual)
        || service.is_ascii()
            && !crate::iam::policy::has_wildcard(service)
            && !crate::iam::policy::opens_variable(service);
    plain.then_some(service)
}

impl Element {
    pub fn new(list: &[String], negated: bool, kind: PatternKind, table: &mut VarTable) -> Element {
        let globs: Vec<Glob> = list
            .iter()
            .map(|p| {
                compile(p, kind, &mut Vars::Symbolic(table)).expect("symbolic compile never fails")
            })
            .collect();
        let mut source = list.to_vec();
        source.sort();
        let widened = globs
            .iter()
            .filter(|g| g.has_vars)
            .map(|g| widen(g, table))
            .collect();
        let services = (kind == PatternKind::Action)
            .then(|| literal_services(list))
            .flatten()
            .map(|services| services.into_iter().map(str::to_string).collect());
        Element {
            globs,
            widened,
            negated,
            source,
            services,
        }
    }

    /// For an action element, the service of each pattern when all are plain
    /// ([`literal_services`]), made once.
    pub fn services(&self) -> Option<&[String]> {
        self.services.as_deref()
    }

    /// Does some pattern of this element use a policy variable?
    pub fn has_vars(&self) -> bool {
        self.globs.iter().any(|g| g.has_vars)
    }

    /// This element with every variable widened to `*`: it matches whatever the element matches
    /// under any substitution (an over-approximation used to find what a value could reach).
    pub fn widened(&self, table: &VarTable) -> Element {
        Element {
            globs: self.globs.iter().map(|g| widen(g, table)).collect(),
            widened: vec![],
            negated: self.negated,
            source: vec![],
            services: None,
        }
    }

    /// The pattern texts, as written.
    pub fn source(&self) -> &[String] {
        &self.source
    }

    pub fn same_as(&self, other: &Element) -> bool {
        self.negated == other.negated && self.source == other.source
    }

    fn driver(&self) -> (Vec<&Glob>, bool) {
        (self.globs.iter().collect(), self.negated)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Member {
    Yes,
    No,
    Maybe,
}

/// The glob with its variables replaced by `*` over the characters their values may contain
/// ([`value_class`]): it matches whatever the glob matches under any substitution, so a word it
/// rejects is rejected for every request.
fn widen(glob: &Glob, table: &VarTable) -> Glob {
    let toks = glob
        .toks
        .iter()
        .map(|&t| match t {
            Tok::Lit(c) if is_var_symbol(c) => {
                Tok::Star(table.lookup(c).map_or(Class::Any, value_class))
            }
            other => other,
        })
        .collect();
    Glob {
        toks,
        has_vars: false,
    }
}

/// Does a cell's word fall in an element? `accepted` holds the verdicts of the element's globs
/// followed by those of their widened forms. A symbolic match holds for every substitution; a
/// widened miss holds for every substitution; anything in between depends on the variables.
fn member(element: &Element, accepted: &[bool]) -> Member {
    let (exact, wide) = accepted.split_at(element.globs.len());
    let surely = exact.iter().any(|&a| a);
    // Globs without variables are their own widening.
    let possibly = wide.iter().any(|&a| a)
        || exact
            .iter()
            .zip(&element.globs)
            .any(|(&a, g)| a && !g.has_vars);
    match (element.negated, surely, possibly) {
        (false, true, _) | (true, false, false) => Member::Yes,
        (false, false, false) | (true, true, _) => Member::No,
        _ => Member::Maybe,
    }
}

/// Why the engine does not reason about a statement, if it does not: a shape IAM refuses, no
/// resource element, or a pattern or value over the engine's limit.
pub fn statement_problem(s: &Statement) -> Option<String> {
    if let Some(problem) = s.shape_error() {
        return Some(problem.to_string());
    }
    if s.resource.is_none() && s.not_resource.is_none() {
        return Some("statement has neither Resource nor NotResource".into());
    }
    super::pattern::statement_too_long(s)
}

/// A statement's action and resource elements, or why the engine does not reason about it
/// ([`statement_problem`]).
pub fn elements(s: &Statement, table: &mut VarTable) -> Result<(Element, Element), String> {
    if let Some(problem) = statement_problem(s) {
        return Err(problem);
    }
    let actions = match (&s.action, &s.not_action) {
        (Some(list), _) => Element::new(list, false, PatternKind::Action, table),
        (_, Some(list)) => Element::new(list, true, PatternKind::Action, table),
        _ => unreachable!("shape checked"),
    };
    let resources = match (&s.resource, &s.not_resource) {
        (Some(list), _) => Element::new(list, false, PatternKind::Arn, table),
        (_, Some(list)) => Element::new(list, true, PatternKind::Arn, table),
        (None, None) => return Err("statement has neither Resource nor NotResource".into()),
    };
    Ok((actions, resources))
}

/// Runs the product search with element-level verdicts for each observed element.
pub fn cells<'e>(
    driver: &'e Element,
    observed: &[&'e Element],
) -> Result<Vec<(Vec<Member>, String)>, TooLarge> {
    let (dglobs, negated) = driver.driver();
    let mut flat: Vec<&Glob> = vec![];
    let mut spans = vec![];
    for element in observed {
        spans.push((flat.len(), element.globs.len() + element.widened.len()));
        flat.extend(element.globs.iter());
        flat.extend(element.widened.iter());
    }
    // Observers whose literal prefix clashes with every driver glob can never match: leave them
    // out of the product (they are most of them in real policies) and record them as rejecting.
    let live: Vec<bool> = flat
        .iter()
        .map(|g| negated || dglobs.iter().any(|d| !heads_clash(d, g)))
        .collect();
    let searched: Vec<&Glob> = flat
        .iter()
        .zip(&live)
        .filter(|(_, &l)| l)
        .map(|(g, _)| *g)
        .collect();
    let drv = if negated {
        Driver::Complement(&dglobs)
    } else {
        Driver::Union(&dglobs)
    };
    let raw: Vec<Cell> = explore(drv, &searched, MAX_STATES)?;
    let mut out: Vec<(Vec<Member>, String)> = vec![];
    for mut cell in raw {
        let mut verdicts_in_search = cell.accepted.into_iter();
        cell.accepted = live
            .iter()
            .map(|&l| {
                l && verdicts_in_search
                    .next()
                    .expect("one verdict per searched glob")
            })
            .collect();
        let verdicts: Vec<Member> = observed
            .iter()
            .zip(&spans)
            .map(|(e, &(start, len))| member(e, &cell.accepted[start..start + len]))
            .collect();
        if !out.iter().any(|(v, _)| *v == verdicts) {
            out.push((verdicts, cell.witness));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::literal_service;

    proptest::proptest! {
        /// The one-pass test gives what the three tests it stands in front of give, on texts
        /// over letters, the wildcards, `$`, braces, a colon and a non-ASCII letter.
        #[test]
        fn literal_service_is_the_three_tests(text in "[aI:*?${}é-]{0,8}") {
            let expected = crate::catalog::split_service(&text).and_then(|(service, _)| {
                let plain = service.is_ascii()
                    && !crate::iam::policy::has_wildcard(service)
                    && !crate::iam::policy::opens_variable(service);
                plain.then_some(service)
            });
            proptest::prop_assert_eq!(literal_service(&text), expected);
        }
    }
}
