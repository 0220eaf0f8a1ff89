//! Catalog checks: what a statement names, held against the AWS catalog.
//!
//! In: one statement seen through the neutral [`StatementView`], from the resolved project
//! (`compile::checks`, for `.iamx` sources) or from IAM JSON files (`checks::json`), and
//! where it came from ([`Input`]). Out: diagnostics from [`check_statement`]. The checks:
//! - every action and service exists (with "did you mean"), and every wildcard matches some
//!   action; errors in `.iamx` sources, warnings in JSON (AWS's own managed policies still name
//!   retired actions). Actions written quoted (`"newsvc:NewAction"`) are taken as written;
//! - each action is used with at least one resource of a type it applies to (ARN formats are
//!   matched as patterns, with `*`, `?` and policy variables in the resource);
//! - each condition key exists and applies to at least one of the statement's actions.
//!
//! [`expand_levels`] is the catalog side of `service:level(list, read)`.

use crate::catalog::{split_service, AccessLevel, Action, Catalog, ResourceType};
use crate::diagnostics::{did_you_mean, Code, Diagnostic};
use crate::iam::policy::has_wildcard;
use crate::source::{Span, Spanned};

mod arn_format;

/// Where the statements come from: `.iamx` sources are strict, JSON files get warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Source,
    Json,
}

/// One action of a statement as written.
#[derive(Debug, Clone)]
pub struct ActionRef<'a> {
    pub text: &'a str,
    pub span: Span,
    /// Written quoted: not checked against the catalog.
    pub unchecked: bool,
}

/// The parts of a statement the catalog checks look at.
#[derive(Debug, Clone, Default)]
pub struct StatementView<'a> {
    pub not_action: bool,
    pub actions: Vec<ActionRef<'a>>,
    pub not_resource: bool,
    /// Empty for trust statements (they have no resources). Read only by the checks that warn,
    /// as are the condition keys: a caller without `warnings` may leave both empty.
    pub resources: Vec<(&'a str, Span)>,
    pub condition_keys: Vec<(&'a str, Span)>,
    /// `use` sites the statement was expanded through, shown as secondary labels.
    pub expanded_from: &'a [Span],
}

/// [`check_statement`] for many statements, on all cores, each distinct statement once per run.
///
/// A project's roles write the same statements again and again (a template's `use`, a shared
/// `logs` statement: a third of a generated 10,000-role project). Whether a statement has a
/// finding depends only on its content ([`content_key`]), not on where it stands: a statement
/// whose content is that of a clean one seen before is clean, and is not checked. One pass,
/// each statement read once while it is in the cache; a statement with a finding is checked
/// for its own spans. Repeats are looked for within each thread's run of statements.
/// `warnings`: also run the checks that can only warn (resource types, condition keys).
pub fn check_statements<'a>(
    count: usize,
    input: Input,
    warnings: bool,
    view: impl Fn(usize) -> StatementView<'a> + Sync + Send,
) -> Vec<Diagnostic> {
    let indices: Vec<usize> = (0..count).collect();
    let found = crate::parallel::map_with(&indices, CleanSeen::default, |seen, &i| {
        seen.check(&view(i), input, warnings)
    });
    found.into_iter().flatten().collect()
}

/// The clean statements one run of work has seen, by their content ([`content_key`]): a
/// statement with the content of one of them is clean, and is not checked. Kept by a thread
/// for its run of statements ([`check_statements`]) or of roles (`compile::lower`).
#[derive(Default)]
pub struct CleanSeen {
    keys: foldhash::HashMap<u64, Vec<u8>>,
    hasher: foldhash::fast::RandomState,
    /// The key being looked up, in a buffer kept between statements: most are repeats, whose
    /// key is not kept.
    key: Vec<u8>,
    scratch: Scratch,
}

/// The lists [`check_statement_with`] fills for each statement it checks, kept between
/// statements instead of allocated for each (three or four allocations a statement).
#[derive(Default)]
struct Scratch {
    /// Each action as the catalog has it.
    found: Vec<Option<&'static Action>>,
    /// The actions' spans, sorted.
    spans: Vec<Span>,
    fits: Fits,
}

impl CleanSeen {
    /// [`check_statement`] with `warnings` as for [`check_statement_with`], unless a statement
    /// with the same content was seen clean.
    pub fn check(
        &mut self,
        view: &StatementView<'_>,
        input: Input,
        warnings: bool,
    ) -> Vec<Diagnostic> {
        use std::hash::BuildHasher;
        let hasher = self.hasher.clone();
        self.check_hashed(view, input, warnings, |key| hasher.hash_one(key))
    }

    /// [`CleanSeen::check`] with the hash of a content key given (a test's colliding one). A
    /// statement counts as a repeat of a clean one only once their keys are seen to be equal:
    /// a collision costs a check, never a finding.
    fn check_hashed(
        &mut self,
        view: &StatementView<'_>,
        input: Input,
        warnings: bool,
        hash: impl Fn(&[u8]) -> u64,
    ) -> Vec<Diagnostic> {
        content_key(view, &mut self.key);
        let hashed = hash(&self.key);
        if self.keys.get(&hashed).is_some_and(|seen| *seen == self.key) {
            return Vec::new();
        }
        let findings = check_statement_with(view, input, warnings, &mut self.scratch);
        if findings.is_empty() {
            self.keys.entry(hashed).or_insert_with(|| self.key.clone());
        }
        findings
    }
}

/// What [`check_statement`]'s findings depend on, spans aside: the flags, each action's text,
/// whether it is checked and which actions share its span (one `level(...)` group), the
/// resources and the condition keys. Each field is tagged and each text prefixed by its length,
/// so no two statements share a key by accident. Written over `key`.
fn content_key(view: &StatementView<'_>, key: &mut Vec<u8>) {
    fn text(tag: u8, text: &str, key: &mut Vec<u8>) {
        key.push(tag);
        key.extend_from_slice(&text.len().to_le_bytes());
        key.extend_from_slice(text.as_bytes());
    }
    key.clear();
    key.extend([u8::from(view.not_action), u8::from(view.not_resource)]);
    // Each action's group: the first action with its span, found by a scan in short lists and
    // through a map in long ones (`level(...)` over a service can name hundreds).
    let mut groups: foldhash::HashMap<Span, usize> = Default::default();
    let long = view.actions.len() > 16;
    for (i, action) in view.actions.iter().enumerate() {
        let group = if long {
            *groups.entry(action.span).or_insert(i)
        } else {
            view.actions[..i]
                .iter()
                .position(|other| other.span == action.span)
                .unwrap_or(i)
        };
        key.push(u8::from(action.unchecked));
        key.extend_from_slice(&group.to_le_bytes());
        text(b'a', action.text, key);
    }
    for (resource, _) in &view.resources {
        text(b'r', resource, key);
    }
    for (condition_key, _) in &view.condition_keys {
        text(b'k', condition_key, key);
    }
}

/// All catalog checks for one statement.
pub fn check_statement(view: &StatementView<'_>, input: Input) -> Vec<Diagnostic> {
    check_statement_with(view, input, true, &mut Scratch::default())
}

/// [`check_statement`], without the checks that can only warn unless `warnings`.
fn check_statement_with(
    view: &StatementView<'_>,
    input: Input,
    warnings: bool,
    scratch: &mut Scratch,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Each action as the catalog has it, looked up once for the checks below.
    let catalog = Catalog::get();
    let Scratch { found, spans, fits } = scratch;
    found.clear();
    let plain = |a: &ActionRef<'_>| !a.unchecked && !has_wildcard(a.text);
    catalog.actions(
        view.actions.iter().map(|a| plain(a).then_some(a.text)),
        found,
    );
    for (action, found) in view.actions.iter().zip(found.iter()) {
        // A malformed action is the document checks' error (E0202), not also an unknown one
        // (asked last: an action the catalog has is well formed).
        let reported =
            || input == Input::Json && super::document::action_problem(action.text).is_some();
        if !action.unchecked && found.is_none() && !reported() {
            out.extend(check_action(action.text, action.span, input));
        }
    }
    let resources_checkable = warnings
        && !view.not_action
        && !view.not_resource
        && !view.resources.is_empty()
        && !view.resources.iter().any(|(r, _)| *r == "*");
    if resources_checkable {
        let mismatches_from = out.len();
        // Actions sharing a span come from one `level(...)` group: not checked one by one.
        spans.clear();
        spans.extend(view.actions.iter().map(|a| a.span));
        spans.sort_unstable();
        let shares_span = |action: &ActionRef<'_>| {
            let first = spans.partition_point(|s| *s < action.span);
            spans.get(first + 1) == Some(&action.span)
        };
        // The statement's actions mostly share resource types: each (resource, resource type)
        // pair is decided once.
        fits.clear();
        let written: Vec<_> = (view.resources.iter())
            .map(|(r, _)| arn_format::WrittenArn::new(r))
            .collect();
        for (action, found) in view.actions.iter().zip(found.iter()) {
            if shares_span(action) {
                continue;
            }
            let Some(found) = found else {
                continue;
            };
            if let Some(d) = check_resources(action, found, &view.resources, &written, fits) {
                out.push(d);
            }
        }
        // A malformed ARN has its own diagnostic (the document checks); a type mismatch on top
        // of it would be a second error for one root cause. Asked only of statements with a
        // mismatch: the document checks read every ARN again anyway.
        if out.len() > mismatches_from
            && (view.resources.iter()).any(|(r, _)| super::document::arn_problem(r).is_some())
        {
            out.truncate(mismatches_from);
        }
    }
    // Each key's finding, found once however often the key is written.
    let found = &found[..];
    let mut findings: foldhash::HashMap<&str, Option<Diagnostic>> = Default::default();
    let keys = if warnings {
        &view.condition_keys[..]
    } else {
        &[]
    };
    for &(key, span) in keys {
        let finding = findings
            .entry(key)
            .or_insert_with(|| check_condition_key(view, found, key, span));
        out.extend(finding.clone().map(|mut d| {
            if let Some(primary) = &mut d.primary {
                primary.span = span;
            }
            d
        }));
    }
    for d in &mut out {
        for &site in view.expanded_from {
            d.secondary.push(crate::diagnostics::Label {
                span: site,
                message: crate::diagnostics::EXPANDED_FROM.to_string(),
            });
        }
    }
    out
}

/// Whether quoted action text has the `service:Action` shape.
pub fn is_action_text(text: &str) -> bool {
    match split_service(text) {
        Some((service, name)) => {
            !service.is_empty()
                && !name.is_empty()
                && !name.contains(':')
                && text.chars().all(|c| c.is_ascii_graphic())
        }
        None => false,
    }
}

/// Unknown service or action, or a wildcard that matches nothing.
pub fn check_action(text: &str, span: Span, input: Input) -> Option<Diagnostic> {
    let catalog = Catalog::get();
    if text == "*" {
        return None;
    }
    let code = match input {
        Input::Source => Code::UnknownAction,
        Input::Json => Code::UnknownActionInJson,
    };
    // Written only for a finding: every action of every distinct statement comes here.
    let quoted_help = || match input {
        Input::Source => {
            format!("if AWS added it after the catalog snapshot, write it quoted: `\"{text}\"`")
        }
        Input::Json => "the action may be retired, or newer than the catalog snapshot".to_string(),
    };
    let Some((service, name)) = split_service(text) else {
        return Some(
            Diagnostic::new(code, format!("`{text}` is not an action"))
                .at(span, "expected `service:Action`"),
        );
    };
    if !has_wildcard(service) && catalog.service(service).is_none() {
        let mut d = Diagnostic::new(code, format!("unknown service `{service}` in `{text}`"))
            .at(span, "not in the AWS catalog");
        d = match catalog.suggest_service(service) {
            Some(close) => d.with_help(format!("did you mean `{close}:{name}`?")),
            None => d.with_help(quoted_help()),
        };
        return Some(d);
    }
    if has_wildcard(text) {
        if catalog.matches_any_action(text) {
            return None;
        }
        let code = match input {
            Input::Source => Code::NoMatchingAction,
            Input::Json => Code::UnknownActionInJson,
        };
        return Some(
            Diagnostic::new(code, format!("`{text}` matches no action"))
                .at(span, "no action of the catalog matches this pattern")
                .with_help(
                    "check the spelling; `iamx catalog PATTERN` lists the actions a pattern matches",
                ),
        );
    }
    if catalog.action(text).is_some() {
        return None;
    }
    let d = Diagnostic::new(code, format!("unknown action `{text}`"))
        .at(span, "not in the AWS catalog");
    Some(match catalog.suggest_action(text) {
        Some(close) => d.with_help(format!("did you mean `{close}`?")),
        None => d.with_help(quoted_help()),
    })
}

/// What [`check_resources`] decided in one statement: whether the resource at an index can be
/// of a resource type (told by address: the catalog's types live as long as the program).
type Fits = Vec<((usize, *const ResourceType), bool)>;

/// A warning when none of the statement's resources is of a type the action applies to.
/// Whether `action` (`found` in the catalog) applies to some resource of the statement (all
/// well-formed ARNs), or the finding that it applies to none. `fits` remembers what was decided
/// for the statement's earlier actions.
fn check_resources(
    action: &ActionRef<'_>,
    found: &Action,
    resources: &[(&str, Span)],
    written: &[arn_format::WrittenArn<'_>],
    fits: &mut Fits,
) -> Option<Diagnostic> {
    let catalog = Catalog::get();
    let types = catalog.action_resource_types(found);
    let pairs = || (0..resources.len()).flat_map(|r| types.clone().map(move |(_, rt)| (r, rt)));
    let known = |fits: &Fits, key| fits.iter().find(|(k, _)| *k == key).map(|&(_, f)| f);
    // One fitting pair is enough: pairs answered without the pair search go first (`Some(true)`
    // from `overlaps_directly`), and only a final answer is remembered.
    for (r, rt) in pairs() {
        let key = (r, rt as *const ResourceType);
        let fit = known(fits, key).unwrap_or_else(|| {
            let direct = (rt.arn_formats().iter())
                .any(|f| arn_format::overlaps_directly(&written[r], f) == Some(true));
            if direct {
                fits.push((key, true));
            }
            direct
        });
        if fit {
            return None;
        }
    }
    for (r, rt) in pairs() {
        let key = (r, rt as *const ResourceType);
        let fit = known(fits, key).unwrap_or_else(|| {
            let fit = (rt.arn_formats().iter()).any(|f| written[r].overlaps(f));
            fits.push((key, fit));
            fit
        });
        if fit {
            return None;
        }
    }
    let mut d = Diagnostic::new(
        Code::ResourceTypeMismatch,
        format!(
            "`{}` does not apply to {}",
            action.text,
            if resources.len() == 1 {
                format!("`{}`", resources[0].0)
            } else {
                "any of these resources".to_string()
            }
        ),
    )
    .at(action.span, "this action");
    for (resource, span) in resources {
        if *span != action.span {
            d = d.with_label(*span, format!("`{resource}`"));
        }
    }
    if types.clone().next().is_none() {
        return Some(d.with_note(format!(
            "`{}` takes no resource type; it needs `*`",
            action.text
        )));
    }
    for (_, rt) in types {
        d = d.with_note(format!(
            "`{}` applies to {} ARNs {}",
            action.text,
            rt.name(),
            rt.arn_formats().join(", ")
        ));
    }
    Some(d)
}

/// The known key closest to `key`: a key with a tag or other name after `/`
/// (`aws:PrincipleTag/team`) is compared by what comes before it (`aws:PrincipalTag/${TagKey}`)
/// and suggested with its own name kept (`aws:PrincipalTag/team`).
fn closest_key(key: &str, candidates: &[&str]) -> Option<String> {
    if let Some((head, tail)) = key.split_once('/') {
        let heads = (candidates.iter()).filter_map(|c| c.split_once('/').map(|(h, _)| h));
        if let Some(close) = did_you_mean(head, heads).filter(|c| !c.eq_ignore_ascii_case(head)) {
            return Some(format!("{close}/{tail}"));
        }
    }
    did_you_mean(key, candidates.iter().copied()).map(|close| close.to_string())
}

/// A warning for a condition key the catalog does not have, or that applies to none of the
/// statement's actions (an `Allow` with such a key silently never matches).
fn check_condition_key(
    view: &StatementView<'_>,
    found: &[Option<&'static Action>],
    key: &str,
    span: Span,
) -> Option<Diagnostic> {
    let catalog = Catalog::get();
    let prefix = crate::catalog::key_prefix(key);
    if catalog.condition_key(key).is_none() {
        if !catalog.knows_key_prefix(prefix) {
            return None;
        }
        let mut candidates: Vec<&str> = catalog
            .global_condition_keys()
            .iter()
            .map(|k| k.name())
            .collect();
        if let Some(service) = catalog.service(prefix) {
            candidates.extend(service.condition_keys().iter().map(|k| k.name()));
        }
        let d = Diagnostic::new(
            Code::UnknownConditionKey,
            format!("unknown condition key `{key}`"),
        )
        .at(span, "not in the AWS catalog");
        return Some(match closest_key(key, &candidates) {
            Some(close) => d.with_help(format!("did you mean `{close}`?")),
            None => d.with_help(
                "no request carries such a key: a condition on it is false whatever the request (true for a negated operator or `...IfExists`)",
            ),
        });
    }
    if some_action_takes(view, found, key) != Some(false) {
        return None;
    }
    let names: Vec<String> = view
        .actions
        .iter()
        .take(3)
        .map(|a| format!("`{}`", a.text))
        .collect();
    let more = view.actions.len().saturating_sub(3);
    Some(
        Diagnostic::new(
            Code::UnknownConditionKey,
            format!(
                "condition key `{key}` does not apply to {}{}",
                names.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ),
        )
        .at(span, "not a key of these actions")
        .with_note(
            "the request never carries this key, so the condition never holds (unless `if exists`)",
        )
        .with_help("`iamx catalog ACTION` lists the condition keys an action takes"),
    )
}

/// Whether some catalog action the statement names takes `key`: `Some(false)` when it names
/// some and none does; `None` when they cannot be known (`NotAction`, `*`, an action taken as
/// written) or it names none. `found` is each action of the statement as the catalog has it
/// (looked up once, in [`check_statement_with`]). The actions a wildcard matches are asked as
/// they are found, and the search stops at the first that takes the key: most keys are taken
/// (listing and deduplicating every action of `ec2:Describe*` for each statement with
/// conditions was 3% of `check` of 1,000 AWS managed policies).
fn some_action_takes(
    view: &StatementView<'_>,
    found: &[Option<&'static Action>],
    key: &str,
) -> Option<bool> {
    if view.not_action || (view.actions.iter()).any(|a| a.unchecked || a.text == "*") {
        return None;
    }
    let catalog = Catalog::get();
    let mut named = false;
    let mut takes = |action: &Action| {
        named = true;
        catalog.supports_key(action, key)
    };
    for (action, found) in view.actions.iter().zip(found) {
        let some_takes = match has_wildcard(action.text) {
            true => catalog.matching_actions(action.text).any(&mut takes),
            false => found.is_some_and(&mut takes),
        };
        if some_takes {
            return Some(true);
        }
    }
    named.then_some(false)
}

/// `service:level(list, read)`: the service's actions at these levels, as `service:Name`,
/// sorted by name. Errors for an unknown service or level.
pub fn expand_levels<L: AsRef<str>>(
    service: &str,
    levels: &[Spanned<L>],
    span: Span,
) -> Result<Vec<String>, Box<Diagnostic>> {
    let catalog = Catalog::get();
    let Some(found) = catalog.service(service) else {
        let d = Diagnostic::new(Code::UnknownAction, format!("unknown service `{service}`"))
            .at(span, "not in the AWS catalog");
        return Err(Box::new(match catalog.suggest_service(service) {
            Some(close) => d.with_help(format!("did you mean `{close}`?")),
            None => d,
        }));
    };
    let mut wanted = Vec::new();
    for level in levels {
        let level_text = level.node.as_ref();
        match access_level(level_text) {
            Some(l) => wanted.push(l),
            None => {
                let d = Diagnostic::new(
                    Code::UnknownAccessLevel,
                    format!("`{level_text}` is not an access level"),
                )
                .at(level.span, "unknown access level")
                .with_help(match did_you_mean(level_text, LEVEL_NAMES) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => {
                        "the access levels are `list`, `read`, `write`, `permissions` and `tagging`"
                            .to_string()
                    }
                });
                return Err(Box::new(d));
            }
        }
    }
    let actions = catalog.actions_with_level(found.prefix(), &wanted);
    if actions.is_empty() {
        return Err(Box::new(
            Diagnostic::new(
                Code::UnknownAccessLevel,
                format!("`{service}` has no actions at these access levels"),
            )
            .at(span, "this grants nothing"),
        ));
    }
    Ok(actions.iter().map(|a| a.full_name()).collect())
}

const LEVEL_NAMES: [&str; 5] = ["list", "read", "write", "permissions", "tagging"];

/// The access level named in `level(...)`.
pub fn access_level(name: &str) -> Option<AccessLevel> {
    Some(match name.to_ascii_lowercase().as_str() {
        "list" => AccessLevel::List,
        "read" => AccessLevel::Read,
        "write" => AccessLevel::Write,
        "permissions" | "permissions_management" => AccessLevel::PermissionsManagement,
        "tagging" => AccessLevel::Tagging,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn span() -> Span {
        Span::new(FileId(0), 0, 1)
    }

    #[test]
    fn repeated_statements_keep_each_finding_at_its_own_place() {
        let at = |start: usize| Span::new(FileId(0), start, start + 1);
        let view = |action: &'static str, start: usize| StatementView {
            actions: vec![ActionRef {
                text: action,
                span: at(start),
                unchecked: false,
            }],
            resources: vec![("arn:aws:s3:::b/*", at(start + 1))],
            ..StatementView::default()
        };
        // The same statement three times with a finding, and twice without one.
        let views = [
            view("s3:GetObjet", 10),
            view("s3:GetObject", 20),
            view("s3:GetObjet", 30),
            view("s3:GetObject", 40),
            view("s3:GetObjet", 50),
        ];
        let found = check_statements(views.len(), Input::Source, true, |i| views[i].clone());
        let each: Vec<Vec<Diagnostic>> = views
            .iter()
            .map(|v| check_statement(v, Input::Source))
            .collect();
        assert_eq!(found, each.concat());
        let places: Vec<u32> = found
            .iter()
            .map(|d| d.primary.as_ref().unwrap().span.start)
            .collect();
        assert_eq!(places, [10, 30, 50]);
        // Every hash colliding: statements are told apart by their keys, nothing is lost.
        let mut seen = CleanSeen::default();
        let collided: Vec<Diagnostic> = (views.iter())
            .flat_map(|view| seen.check_hashed(view, Input::Source, true, |_| 7))
            .collect();
        assert_eq!(collided, found);
    }

    #[test]
    fn the_content_key_tells_apart_what_the_checks_read() {
        let at = |start: usize| Span::new(FileId(0), start, start + 1);
        let action = |text: &'static str, start: usize| ActionRef {
            text,
            span: at(start),
            unchecked: false,
        };
        let base = StatementView {
            actions: vec![action("s3:GetObject", 1), action("s3:PutObject", 2)],
            resources: vec![("arn:aws:s3:::b", at(3))],
            ..StatementView::default()
        };
        // Other spans, same content: one key.
        let moved = StatementView {
            actions: vec![action("s3:GetObject", 11), action("s3:PutObject", 12)],
            resources: vec![("arn:aws:s3:::b", at(13))],
            ..StatementView::default()
        };
        assert_eq!(key_of(&base), key_of(&moved));
        // One `level(...)` group (a shared span) is not checked action by action.
        let grouped = StatementView {
            actions: vec![action("s3:GetObject", 1), action("s3:PutObject", 1)],
            ..base.clone()
        };
        let unchecked = StatementView {
            actions: vec![
                action("s3:GetObject", 1),
                ActionRef {
                    unchecked: true,
                    ..action("s3:PutObject", 2)
                },
            ],
            ..base.clone()
        };
        let negated = StatementView {
            not_resource: true,
            ..base.clone()
        };
        // A text that would read as the next field without the length prefixes.
        let joined = StatementView {
            actions: vec![action("s3:GetObject", 1)],
            resources: vec![("arn:aws:s3:::b", at(3))],
            condition_keys: vec![("s3:prefix", at(4))],
            ..StatementView::default()
        };
        let views = [&base, &grouped, &unchecked, &negated, &joined];
        let keys = views.map(key_of);
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
        // A key written over another one's buffer is the same as written afresh.
        let mut buffer = Vec::new();
        for (view, key) in views.iter().rev().zip(keys.iter().rev()) {
            content_key(view, &mut buffer);
            assert_eq!(&buffer, key);
        }
    }

    fn key_of(view: &StatementView<'_>) -> Vec<u8> {
        let mut key = Vec::new();
        content_key(view, &mut key);
        key
    }

    #[test]
    fn unknown_actions_and_empty_wildcards() {
        assert!(check_action("s3:GetObject", span(), Input::Source).is_none());
        assert!(check_action("S3:getobject", span(), Input::Source).is_none());
        let d = check_action("s3:GetObjet", span(), Input::Source).unwrap();
        assert_eq!(d.code, Code::UnknownAction);
        assert_eq!(d.help.as_deref(), Some("did you mean `s3:GetObject`?"));
        let d = check_action("s4:GetObject", span(), Input::Json).unwrap();
        assert_eq!(d.code, Code::UnknownActionInJson);
        assert!(d.message.contains("unknown service `s4`"));
        assert!(check_action("s3:Get*", span(), Input::Source).is_none());
        assert!(check_action("s3:*Object*", span(), Input::Source).is_none());
        let d = check_action("s3:Gte*", span(), Input::Source).unwrap();
        assert_eq!(d.code, Code::NoMatchingAction);
    }

    #[test]
    fn levels_expand_to_sorted_actions() {
        let levels = vec![Spanned::new("list".to_string(), span())];
        let actions = expand_levels("s3", &levels, span()).unwrap();
        assert!(actions.contains(&"s3:ListBucket".to_string()));
        assert!(!actions.contains(&"s3:GetObject".to_string()));
        let mut sorted = actions.clone();
        sorted.sort_by_key(|a| a.to_lowercase());
        assert_eq!(actions, sorted);
        let bad = vec![Spanned::new("reed".to_string(), span())];
        let d = expand_levels("s3", &bad, span()).unwrap_err();
        assert_eq!(d.code, Code::UnknownAccessLevel);
        assert_eq!(d.help.as_deref(), Some("did you mean `read`?"));
    }

    #[test]
    fn resource_types_and_condition_keys() {
        let action = |text| ActionRef {
            text,
            span: span(),
            unchecked: false,
        };
        let view = StatementView {
            actions: vec![action("s3:GetObject")],
            resources: vec![("arn:aws:s3:::bucket", Span::new(FileId(0), 2, 3))],
            condition_keys: vec![("s3:prefix", span()), ("aws:SourceIp", span())],
            ..StatementView::default()
        };
        let diagnostics = check_statement(&view, Input::Source);
        let codes: Vec<_> = diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            [Code::ResourceTypeMismatch, Code::UnknownConditionKey],
            "{diagnostics:#?}"
        );
        assert!(diagnostics[0].notes.iter().any(|n| n
            .contains("applies to object ARNs arn:${Partition}:s3:::${BucketName}/${ObjectName}")));
        let view = StatementView {
            actions: vec![action("s3:ListBucket")],
            resources: vec![("arn:aws:s3:::bucket", span())],
            condition_keys: vec![
                ("s3:prefix", span()),
                ("token.actions.githubusercontent.com:sub", span()),
            ],
            ..StatementView::default()
        };
        assert!(check_statement(&view, Input::Source).is_empty());
    }

    /// Asking a statement's actions as they are found, and stopping at the first that takes the
    /// key, answers as listing every action it names (each wildcard expanded) and asking them
    /// all: for statements of one and two patterns (wildcards that match many actions, few,
    /// none; concrete actions known and unknown) and keys of services, global keys and keys
    /// of no action here.
    #[test]
    fn some_action_takes_answers_as_every_action_asked() {
        let catalog = Catalog::get();
        let patterns = [
            "s3:Get*",
            "s3:List*",
            "s3:GetObject",
            "ec2:Describe*",
            "ec2:RunInstances",
            "iam:*",
            "i?m:Pass*",
            "s3:NoSuch*",
            "nosuch:Get",
        ];
        let keys = [
            "s3:prefix",
            "s3:max-keys",
            "s3:ExistingObjectTag/team",
            "ec2:ResourceTag/team",
            "ec2:InstanceType",
            "iam:PassedToService",
            "aws:SourceIp",
            "aws:TagKeys",
        ];
        let (mut some, mut none) = (0, 0);
        for (i, first) in patterns.iter().enumerate() {
            for second in [None].into_iter().chain(patterns[i..].iter().map(Some)) {
                let texts: Vec<&str> = [Some(*first), second.copied()]
                    .into_iter()
                    .flatten()
                    .collect();
                let view = StatementView {
                    actions: (texts.iter())
                        .map(|&text| ActionRef {
                            text,
                            span: span(),
                            unchecked: false,
                        })
                        .collect(),
                    ..StatementView::default()
                };
                let found: Vec<_> = texts.iter().map(|t| catalog.action(t)).collect();
                let named: Vec<&Action> = (texts.iter())
                    .flat_map(|t| match has_wildcard(t) {
                        true => catalog.expand_actions(t),
                        false => catalog.action(t).into_iter().collect(),
                    })
                    .collect();
                for key in keys {
                    let expected = (!named.is_empty())
                        .then(|| named.iter().any(|a| catalog.supports_key(a, key)));
                    let answer = some_action_takes(&view, &found, key);
                    assert_eq!(answer, expected, "{texts:?} {key}");
                    some += usize::from(answer == Some(true));
                    none += usize::from(answer == Some(false));
                }
            }
        }
        assert!(some > 50 && none > 50, "{some} {none}");
        // `NotAction`, `*` and an action taken as written leave the actions unknown.
        let unknown = |not_action: bool, text: &'static str, unchecked: bool| {
            let view = StatementView {
                not_action,
                actions: vec![ActionRef {
                    text,
                    span: span(),
                    unchecked,
                }],
                ..StatementView::default()
            };
            some_action_takes(&view, &[catalog.action(text)], "s3:prefix")
        };
        assert_eq!(unknown(false, "s3:ListBucket", false), Some(true));
        assert_eq!(unknown(true, "s3:ListBucket", false), None);
        assert_eq!(unknown(false, "*", false), None);
        assert_eq!(unknown(false, "s3:ListBucket", true), None);
    }

    /// A resource that is no ARN of its service (a region where S3 has none) is the document
    /// checks' error; the resource-type check says nothing more about the statement. A
    /// well-formed ARN of another service is a mismatch.
    #[test]
    fn a_malformed_arn_gets_no_resource_type_finding() {
        let codes = |resource: &'static str| -> Vec<Code> {
            let view = StatementView {
                actions: vec![ActionRef {
                    text: "s3:GetObject",
                    span: span(),
                    unchecked: false,
                }],
                resources: vec![(resource, span())],
                ..StatementView::default()
            };
            (check_statement(&view, Input::Source).into_iter())
                .map(|d| d.code)
                .collect()
        };
        assert!(super::super::document::arn_problem("arn:aws:s3:eu-west-1::b/*").is_some());
        assert_eq!(codes("arn:aws:s3:eu-west-1::b/*"), []);
        assert_eq!(
            codes("arn:aws:dynamodb:*:123456789012:table/t"),
            [Code::ResourceTypeMismatch]
        );
    }
}
