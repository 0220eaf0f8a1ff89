//! Lints over IAM model documents, so they work for compiled `.iamx` and plain JSON alike.
//!
//! In: [`LintDocument`]s, each a [`PolicyDocument`] with a source span per statement (for `.iamx`,
//! the statement that produced it and the `use` sites it came through; for JSON, the statement
//! object) and what is known of its use: its kind and whether roles use it.
//! `compile::checks::measured_lints` builds them from a compiled project. Out: warnings (and
//! size-quota errors), each pointing at a statement. The lints and their codes are listed in
//! `docs/lints.md`.

use crate::diagnostics::{thousands, Code, Diagnostic, Label};
use crate::iam::actions::{ESCALATION, PASS_ROLE_PARTNERS};
use crate::iam::operators::ConditionOperator;
use crate::iam::policy::{opens_variable, Effect, PolicyDocument, Statement};
use crate::iam::quota::QuotaKind;
use crate::reason::{
    eval_clause, literal_service, pattern_includes, substitute_variables, Context, PatternKind,
    PatternList,
};
use crate::source::Span;
use std::cell::OnceCell;

/// What a document is, as far as its size quota goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quota {
    /// Checked against IAM's quota for this kind, reported as an error with `code`. `size` is
    /// the document's [`PolicyDocument::quota_size`], which the caller often has already.
    Limit {
        kind: QuotaKind,
        code: Code,
        size: usize,
    },
    /// Not checked here (a role's inline policies are checked together).
    None,
}

impl Quota {
    /// Whether the document is over its quota ([`size_quota`] reports it).
    pub fn exceeded(&self) -> bool {
        matches!(self, Quota::Limit { kind, size, .. } if *size > kind.limit())
    }
}

/// One document to lint.
#[derive(Debug, Clone)]
pub struct LintDocument<'a> {
    /// How messages name the document: "managed policy `S3Only`", "`policy.json`".
    pub title: Title<'a>,
    pub policy: &'a PolicyDocument,
    /// Span of each statement, index for index.
    pub spans: Vec<Span>,
    /// `use` sites each statement was expanded through.
    pub expanded_from: Vec<&'a [Span]>,
    /// Where size diagnostics point.
    pub span: Span,
    pub quota: Quota,
    /// Roles use this document, so role-session policy variables apply.
    pub used_by_roles: bool,
}

/// How messages name a linted document: its kind in words (empty for a file) and its name.
/// Written only when a message needs it: most documents have none.
#[derive(Debug, Clone, Copy)]
pub struct Title<'a> {
    pub kind: &'static str,
    pub name: &'a str,
}

impl Title<'_> {
    /// An entity has exactly one boundary and one trust policy: these cannot be split.
    fn cannot_be_split(&self) -> bool {
        matches!(self.kind, "boundary" | "trust")
    }
}

impl std::fmt::Display for Title<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            "" => write!(f, "`{}`", self.name),
            kind => write!(f, "{kind} `{}`", self.name),
        }
    }
}

/// How much work the redundant-statement lint (W0405) may do in one document, in the units of
/// [`PatternList::includes`] (about a second): it compares every statement with every other,
/// which a document of many statements with long lists of patterns makes quadratic. When it is
/// spent the lint stops, and says so (W0410). Of the AWS managed policies, the one that needs
/// the most (`SageMakerStudioProjectProvisioningRolePolicy`) uses a tenth of it.
const REDUNDANCY_BUDGET: usize = 50_000_000;

/// Runs every lint over one document.
pub fn lint(doc: &LintDocument<'_>) -> Vec<Diagnostic> {
    lint_within(doc, REDUNDANCY_BUDGET)
}

/// [`lint`] with a given budget for the redundancy lint.
fn lint_within(doc: &LintDocument<'_>, mut budget: usize) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let statements = &doc.policy.statements;
    let lists = Lists::new(statements);
    let mut stopped = None;
    // The first statement passing any role, for the PassRole combination lint.
    let pass_role = (0..statements.len())
        .position(|i| passes_any_role(&statements[i]) && grants(&lists, i)("iam:PassRole"));
    for (i, statement) in statements.iter().enumerate() {
        let at = |d: Diagnostic, label: &str| locate(doc, i, d, label);
        let allow = statement.effect == Effect::Allow;
        let identity = statement.principal.is_none() && statement.not_principal.is_none();
        if allow && statement.not_action.is_some() {
            out.push(at(
                Diagnostic::new(Code::AllowNotAction, "`allow except` (`NotAction`) grants every other action, including actions AWS adds later")
                    .with_help("list the actions to allow, or use `deny except` to limit another grant"),
                "allows everything but the listed actions",
            ));
        }
        let actions = statement.action.as_deref().unwrap_or_default();
        // `*`, or `*:*`: every action of every service either way.
        // Most actions start with a letter: the split is looked at only for one that does not
        // (asked of every action of every allow, it cost 1% of `check`).
        let every = |a: &String| {
            a == "*"
                || a.starts_with('*')
                    && a.split_once(':').is_some_and(|(service, name)| {
                        [service, name]
                            .iter()
                            .all(|part| !part.is_empty() && part.chars().all(|c| c == '*'))
                    })
        };
        if allow && actions.iter().any(every) {
            out.push(at(
                Diagnostic::new(Code::AnyAction, "this statement allows every action (`*`)")
                    .with_help(
                    "name the actions, or a service's access levels like `s3:level(list, read)`",
                ),
                "every action of every service",
            ));
        }
        let on_any = statement.not_resource.is_some()
            || statement
                .resource
                .as_deref()
                .is_some_and(|r| r.iter().any(|r| r == "*"));
        // Every action these two lints ask of a statement is IAM's (a test holds the lists to
        // it): a statement none of whose patterns can name one is passed over.
        if allow && identity && on_any && may_name_service(statement, "iam") {
            let grants = grants(&lists, i);
            let passed_to = statement
                .condition
                .clauses()
                .any(|(_, key, _)| key.eq_ignore_ascii_case("iam:PassedToService"));
            if grants("iam:PassRole") && !passed_to {
                out.push(at(
                    Diagnostic::new(Code::PassRoleOnAny, "`iam:PassRole` on `*` lets the holder pass any role, however powerful, to a service")
                        .with_help("limit the resource to the roles it should pass, like `arn:aws:iam::123456789012:role/service-*`, and add `iam:PassedToService`"),
                    "passes every role",
                ));
            }
            let found: Vec<&str> = ESCALATION.iter().copied().filter(|a| grants(a)).collect();
            if !found.is_empty() {
                out.push(at(
                    Diagnostic::new(
                        Code::PrivilegeEscalation,
                        format!(
                            "{} on `*` can be used to escalate privileges",
                            list(&found)
                        ),
                    )
                    .with_help("limit these actions to specific resources, or move them to a role that needs them"),
                    "grants escalation actions on every resource",
                ));
            }
        }
        if allow && identity {
            if let Some(d) = pass_role_combination(doc, &lists, i, pass_role) {
                out.push(d);
            }
        }
        let covering = match stopped {
            None => covering_statement(statements, &lists, i, &mut budget),
            Some(_) => Ok(None),
        };
        if covering.is_err() {
            stopped = Some(i);
        }
        if let Ok(Some(j)) = covering {
            let mut d = at(
                Diagnostic::new(
                    Code::RedundantStatement,
                    "this statement is redundant: another statement covers its actions and resources",
                )
                .with_help("remove it, or narrow the other statement"),
                "redundant",
            );
            d.secondary.push(Label {
                span: statement_span(doc, j),
                message: "covered by this statement".into(),
            });
            out.push(d);
        }
        if doc.used_by_roles {
            if let Some(d) = username_variable(doc.policy, statement) {
                out.push(at(d, "used in a role's policy"));
            }
        }
    }
    if let Some(i) = stopped {
        out.push(
            Diagnostic::new(
                Code::LintLimit,
                format!(
                    "{} has too many patterns for the redundant-statement lint (W0405) to compare every statement with every other; it stopped at statement {}",
                    doc.title,
                    i + 1
                ),
            )
            .at(statement_span(doc, i), "not compared from here on")
            .with_help("redundant statements from here on are not reported; splitting the document lets the lint finish"),
        );
    }
    out.extend(size_quota(doc));
    out
}

/// The size-quota error of a document, the one finding of the lints that is an error (a
/// document over its quota is refused by IAM): checked even when warnings are not wanted.
pub fn size_quota(doc: &LintDocument<'_>) -> Option<Diagnostic> {
    let Quota::Limit { kind, code, size } = doc.quota else {
        return None;
    };
    let (name, limit) = (kind.name(), kind.limit());
    if doc.quota.exceeded() {
        return Some(
            Diagnostic::new(
                code,
                format!(
                    "{} is {} characters, over {} {name} quota of {}",
                    doc.title,
                    thousands(size),
                    if kind == QuotaKind::Scp { "AWS Organizations'" } else { "IAM's" },
                    thousands(limit)
                ),
            )
            .at(doc.span, "too large")
            .with_note(match kind {
                QuotaKind::Scp => "Organizations counts the white space of a policy sent through its API or CLI (its console removes it)",
                _ => "IAM counts characters without white space",
            })
            .with_help(if kind == QuotaKind::Scp {
                "send it without white space (`jq -c`), or split the statements into several policies"
            } else if doc.title.cannot_be_split() {
                "this document cannot be split: merge statements, use wildcards or shorter ARNs"
            } else {
                "split the statements into several documents"
            }),
        );
    }
    None
}

/// The statement's span; the document's when statements have no spans of their own.
fn statement_span(doc: &LintDocument<'_>, index: usize) -> Span {
    doc.spans.get(index).copied().unwrap_or(doc.span)
}

fn locate(doc: &LintDocument<'_>, index: usize, d: Diagnostic, label: &str) -> Diagnostic {
    let mut d = d.at(statement_span(doc, index), label);
    if let Some(sites) = doc.expanded_from.get(index) {
        for &site in *sites {
            d.secondary.push(Label {
                span: site,
                message: crate::diagnostics::EXPANDED_FROM.into(),
            });
        }
    }
    d
}

/// Whether statement `index` allows an action to identities (on whatever resources), by its
/// patterns other than `*` (which W0402 reports on its own). The list made for the redundancy
/// lint answers by lookup when it holds no `*`: the PassRole lints ask a dozen actions of every
/// statement, and a statement may list hundreds.
fn grants<'l>(lists: &'l Lists<'_>, index: usize) -> impl Fn(&str) -> bool + 'l {
    let s = &lists.statements[index];
    let actions = s.action.as_deref().unwrap_or_default();
    let identity_allow = s.effect == Effect::Allow && s.principal.is_none();
    let prepared = (identity_allow && !actions.iter().any(|a| a == "*"))
        .then(|| lists.actions(index))
        .flatten();
    move |action| {
        identity_allow
            && match prepared {
                Some(list) => {
                    let mut unlimited = usize::MAX;
                    list.includes(action, &mut unlimited) == Some(true)
                }
                None => actions
                    .iter()
                    .any(|a| a != "*" && pattern_includes(a, action, PatternKind::Action)),
            }
    }
}

/// Whether an action pattern of `s` can name an action of `service` (`iam`): some pattern's
/// service is not plain text ([`literal_service`]: `*`, `i*:Put*`) or is `service`, ASCII case
/// aside. Patterns of other services share no action with it.
fn may_name_service(s: &Statement, service: &str) -> bool {
    // One pattern at a time, stopping at the first that may: a read-only statement of AWS's
    // lists thousands of actions.
    let actions = s.action.as_deref().unwrap_or_default();
    (actions.iter()).any(|a| literal_service(a).is_none_or(|n| n.eq_ignore_ascii_case(service)))
}

/// Whether `s` names every role, or one unscoped enough to count as any: PassRole scoped to some
/// roles is the recommended fix, so only an unscoped one is flagged.
fn passes_any_role(s: &Statement) -> bool {
    s.resource
        .as_deref()
        .unwrap_or_default()
        .iter()
        .any(|r| r == "*" || r.ends_with(":role/*") || r.ends_with(":*") || r.ends_with(":role*"))
        || s.not_resource.is_some()
}

/// `iam:PassRole` in one statement (`pass_role`, the document's first passing any role) and an
/// action that runs code as a role in statement `index`.
fn pass_role_combination(
    doc: &LintDocument<'_>,
    lists: &Lists<'_>,
    index: usize,
    pass_role: Option<usize>,
) -> Option<Diagnostic> {
    // Without a statement passing any role there is nothing to combine with (most documents).
    let pass = pass_role?;
    let grants = grants(lists, index);
    let partners: Vec<&str> = PASS_ROLE_PARTNERS
        .iter()
        .copied()
        .filter(|p| grants(p))
        .collect();
    if partners.is_empty() {
        return None;
    }
    let mut d = locate(
        doc,
        index,
        Diagnostic::new(
            Code::PrivilegeEscalation,
            format!(
                "{} together with `iam:PassRole` can be used to escalate privileges",
                list(&partners)
            ),
        )
        .with_note("code run with a passed role gets all of that role's permissions")
        .with_help("limit `iam:PassRole` to the roles these services need"),
        "runs code as a role",
    );
    if pass != index {
        d.secondary.push(Label {
            span: statement_span(doc, pass),
            message: "`iam:PassRole` granted here".into(),
        });
    }
    Some(d)
}

/// Each statement's actions and resources made ready for the inclusion tests, each list on first
/// use: a statement with conditions covers no other, so most are never asked for, and most
/// comparisons end at the resources, so most action lists are not either.
struct Lists<'a> {
    statements: &'a [Statement],
    actions: Vec<OnceCell<Option<PatternList<'a>>>>,
    resources: Vec<OnceCell<Option<PatternList<'a>>>>,
}

impl<'a> Lists<'a> {
    fn new(statements: &'a [Statement]) -> Lists<'a> {
        Lists {
            statements,
            actions: statements.iter().map(|_| OnceCell::new()).collect(),
            resources: statements.iter().map(|_| OnceCell::new()).collect(),
        }
    }

    fn actions(&self, index: usize) -> Option<&PatternList<'a>> {
        let statement = &self.statements[index];
        Self::made(
            &self.actions[index],
            statement.action.as_deref(),
            PatternKind::Action,
        )
    }

    fn resources(&self, index: usize) -> Option<&PatternList<'a>> {
        let statement = &self.statements[index];
        Self::made(
            &self.resources[index],
            statement.resource.as_deref(),
            PatternKind::Arn,
        )
    }

    fn made<'c>(
        cell: &'c OnceCell<Option<PatternList<'a>>>,
        list: Option<&'a [String]>,
        kind: PatternKind,
    ) -> Option<&'c PatternList<'a>> {
        cell.get_or_init(|| Some(PatternList::new(list?, kind)))
            .as_ref()
    }
}

/// A statement that makes statement `index` redundant: same effect and principal, no
/// conditions, and every action and resource of `index` included in its own. `Err` once
/// `budget` is spent (see [`REDUNDANCY_BUDGET`]).
fn covering_statement(
    statements: &[Statement],
    lists: &Lists<'_>,
    index: usize,
    budget: &mut usize,
) -> Result<Option<usize>, ()> {
    let inner = &statements[index];
    let (Some(actions), Some(resources)) = (&inner.action, &inner.resource) else {
        return Ok(None);
    };
    if actions.is_empty() || resources.is_empty() {
        return Ok(None);
    }
    for (j, outer) in statements.iter().enumerate() {
        if j == index
            || outer.effect != inner.effect
            || !outer.condition.is_empty()
            || outer.principal != inner.principal
            || outer.not_principal != inner.not_principal
        {
            continue;
        }
        let (Some(outer_actions), Some(outer_resources), Some(outer_resource_list)) =
            (&outer.action, &outer.resource, lists.resources(j))
        else {
            continue;
        };
        // Resources first: statements of one document mostly differ there.
        if !outer_resource_list
            .includes_all(resources, budget)
            .ok_or(())?
        {
            continue;
        }
        let Some(outer_action_list) = lists.actions(j) else {
            continue;
        };
        if !outer_action_list.includes_all(actions, budget).ok_or(())? {
            continue;
        }
        let inner_lists = (lists.actions(index))
            .zip(lists.resources(index))
            .filter(|_| inner.condition.is_empty());
        let same = match inner_lists {
            Some((inner_actions, inner_resources)) => {
                inner_actions
                    .includes_all(outer_actions, budget)
                    .ok_or(())?
                    && inner_resources
                        .includes_all(outer_resources, budget)
                        .ok_or(())?
            }
            None => false,
        };
        // Of two identical statements, report only the later one.
        if !same || j < index {
            return Ok(Some(j));
        }
    }
    Ok(None)
}

/// W0407: what `${aws:username}`, which has no value in a role session, makes of a statement a
/// role's policies hold, said for where the variable is.
///
/// AWS, IAM User Guide, "IAM policy elements: Variables and tags", section "Policy variables
/// with no value" (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-no-value>):
/// "If a variable that has no value in the authorization context is used as part of the
/// `Resource` or `NotResource` element of a policy, the resource that includes a policy variable
/// with no value will not match any resource"; in a condition "operators like `StringEquals` or
/// `StringLike` do not match", while "inverted condition operators like `StringNotEquals` or
/// `StringNotLike` do match against a null value". The section's "Principal key values" table
/// gives `aws:username` no value in any role session.
///
/// The engine reads policies so (a pattern or value whose variable has no value matches
/// nothing: `reason::eval`, `reason::condition`), and the lint asks it instead of reading the
/// text on its own: which texts hold the variable is the engine's reading of variables
/// ([`substitute_variables`]: `${AWS:UserName}` counts, `${aws:username, 'x'}`, which has a
/// value, does not), and what a condition all of whose values hold it does in a role session is
/// the engine's answer for that clause ([`eval_clause`]). So a `Resource` entry matches nothing,
/// a `NotResource` entry excludes nothing (the statement then reaches what it was to exclude), a
/// value of a positive operator matches nothing and one of a negated operator excludes nothing.
/// One finding per statement, for its strongest effect: never applying, then reaching more than
/// written, then less.
fn username_variable(policy: &PolicyDocument, statement: &Statement) -> Option<Diagnostic> {
    if !policy.substitutes_variables() {
        return None; // the variable is literal text there (W0701 says so)
    }
    let no_value = |text: &String| {
        opens_variable(text)
            && substitute_variables(text, |v| {
                (v.key == "aws:username" && v.default.is_none()).then(String::new)
            })
            .is_some()
    };
    let verb = match statement.effect {
        Effect::Allow => "allows",
        Effect::Deny => "denies",
    };
    const NEVER: u8 = 3;
    const ONLY_WITHOUT_KEY: u8 = 2;
    const MORE: u8 = 1;
    const LESS: u8 = 0;
    let mut found: Option<(u8, String)> = None;
    let mut keep = |rank: u8, consequence: String| {
        if found.as_ref().is_none_or(|(r, _)| rank > *r) {
            found = Some((rank, consequence));
        }
    };
    if let Some(list) = &statement.resource {
        if let Some(dead) = list.iter().find(|r| no_value(r)) {
            if list.iter().all(no_value) {
                keep(NEVER, format!("no resource of this statement matches for a role, and it {verb} a role nothing"));
            } else {
                keep(LESS, format!("`{dead}` matches no resource for a role, and this statement {verb} a role only its other resources"));
            }
        }
    }
    if let Some(list) = &statement.not_resource {
        if let Some(dead) = list.iter().find(|r| no_value(r)) {
            let reach = if list.iter().all(no_value) {
                "every resource".to_string()
            } else {
                format!("what `{dead}` excludes for a user")
            };
            keep(MORE, format!("`{dead}` in `NotResource` (`except`) excludes nothing for a role, and this statement {verb} a role {reach}"));
        }
    }
    for (operator, key, values) in statement.condition.clauses() {
        let Some(dead) = values.iter().find(|v| no_value(v)) else {
            continue;
        };
        let Some(base) = ConditionOperator::parse(operator).known() else {
            continue;
        };
        if values.iter().all(no_value) {
            // The engine's answer for the clause in a role session, the key in the request (any
            // value: the clause has none to compare it with) and not.
            let holds = |context: &Context| eval_clause(operator, key, values, context) == Ok(true);
            let with_key =
                !key.eq_ignore_ascii_case("aws:username") && holds(&Context::new().with(key, "x"));
            match (with_key, holds(&Context::new())) {
                (false, false) => keep(NEVER, format!("`{operator}` on `{key}` never holds for a role, and this statement {verb} a role nothing")),
                (false, true) => keep(ONLY_WITHOUT_KEY, format!("`{operator}` on `{key}` holds for a role only when the request has no `{key}`, and this statement {verb} a role only such requests")),
                (true, _) => keep(MORE, format!("`{operator}` on `{key}` excludes nothing for a role, and this statement {verb} a role whatever the request's `{key}`")),
            }
        } else if base.negated {
            keep(MORE, format!("the `{operator}` value `{dead}` of `{key}` excludes nothing for a role, and this statement {verb} a role what it excludes for a user"));
        } else {
            keep(LESS, format!("the `{operator}` value `{dead}` of `{key}` matches nothing for a role, and this statement {verb} a role only what its other values match"));
        }
    }
    let (_, consequence) = found?;
    Some(
        Diagnostic::new(
            Code::UnavailableVariable,
            format!("`${{aws:username}}` has no value in a role session, so {consequence}"),
        )
        .with_note("a resource or condition value holding a policy variable with no value matches nothing, and one that excludes (`NotResource`, negated operators) excludes nothing (IAM User Guide, \"Policy variables with no value\")")
        .with_help("use `${aws:userid}` (role ID and session name) or a tag like `${aws:PrincipalTag/team}`"),
    )
}

fn list(actions: &[&str]) -> String {
    let mut names: Vec<String> = actions.iter().take(4).map(|a| format!("`{a}`")).collect();
    if actions.len() > 4 {
        names.push(format!("{} more", actions.len() - 4));
    }
    match names.len() {
        1 => names.remove(0),
        _ => {
            let last = names.pop().unwrap_or_default();
            format!("{} and {last}", names.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    /// A statement without a pattern that [`may_name_service`] lets through includes none of
    /// the actions the escalation lints ask, whatever its patterns: random patterns over the
    /// letters of `iam:` (both cases), other letters and the wildcards.
    #[test]
    fn statements_that_cannot_name_iam_grant_no_escalation() {
        use proptest::prelude::*;
        use proptest::strategy::ValueTree;
        let asked: Vec<&str> = ESCALATION.iter().copied().chain(["iam:PassRole"]).collect();
        assert!(asked.iter().all(|a| a.starts_with("iam:")));
        let json = r#"{"Statement":[{"Effect":"Allow","Action":"x:y","Resource":"*"}]}"#;
        let plain = crate::iam::read::policy_from_str(json).unwrap().statements[0].clone();
        let with_action = |text: &str| Statement {
            action: Some(vec![text.to_string()]),
            ..plain.clone()
        };
        // Mostly `service:name` shapes, as actions are written, and some texts without a colon.
        let letters = || {
            proptest::collection::vec(0usize..12, 0..5).prop_map(|picks| {
                picks
                    .iter()
                    .map(|&k| char::from(b"iamIAM:*?Pxs"[k]))
                    .collect::<String>()
            })
        };
        let pattern = (letters(), letters(), 0..4).prop_map(|(service, name, shape)| match shape {
            0 => format!("{service}{name}"),
            _ => format!("{service}:{name}"),
        });
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let mut passed_over = 0;
        for _ in 0..20_000 {
            let text = pattern.new_tree(&mut runner).unwrap().current();
            if !may_name_service(&with_action(&text), "iam") {
                passed_over += 1;
                for action in &asked {
                    let included = pattern_includes(&text, action, PatternKind::Action);
                    assert!(!included, "{text} includes {action}");
                }
            }
        }
        assert!(passed_over > 5_000, "{passed_over}");
        let cases = [
            ("logs:*", false),
            ("IAM:Put*", true),
            ("i*", true),
            ("iamx:*", false),
            ("*", true),
        ];
        for (text, may) in cases {
            assert_eq!(may_name_service(&with_action(text), "iam"), may, "{text}");
        }
    }

    fn lint_json(json: &str, used_by_roles: bool) -> Vec<Code> {
        lint_json_within(json, used_by_roles, REDUNDANCY_BUDGET)
    }

    fn lint_json_within(json: &str, used_by_roles: bool, budget: usize) -> Vec<Code> {
        let policy = crate::iam::read::policy_from_str(json).unwrap();
        let n = policy.statements.len();
        let doc = LintDocument {
            title: Title {
                kind: "",
                name: "p.json",
            },
            policy: &policy,
            spans: (0..n).map(|i| Span::new(FileId(0), i, i + 1)).collect(),
            expanded_from: vec![&[]; n],
            span: Span::new(FileId(0), 0, 1),
            quota: Quota::Limit {
                kind: QuotaKind::ManagedPolicy,
                code: Code::SizeQuota,
                size: policy.quota_size(),
            },
            used_by_roles,
        };
        lint_within(&doc, budget)
            .into_iter()
            .map(|d| d.code)
            .collect()
    }

    fn doc(statements: &str) -> String {
        format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)
    }

    /// W0407's message for a statement used by roles, or `None` when it is not reported.
    fn username_message(statement: &str) -> Option<String> {
        let policy = crate::iam::read::policy_from_str(&doc(statement)).unwrap();
        username_variable(&policy, &policy.statements[0]).map(|d| d.message)
    }

    /// W0407 says what AWS does with `${aws:username}` in a role session where the variable is
    /// ("Policy variables with no value": the resource or value matches nothing, an inverted
    /// operator matches), and agrees with the engine's evaluation of the statement for a role.
    #[test]
    fn username_variable_says_what_each_position_does_for_a_role() {
        let cases = [
            // Every resource: never applies.
            (r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}"#,
             "no resource of this statement matches for a role, and it allows a role nothing"),
            (r#"{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}"#,
             "no resource of this statement matches for a role, and it denies a role nothing"),
            // One resource of two: the other still applies.
            (r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/${aws:username}/*","arn:aws:s3:::b/shared/*"]}"#,
             "`arn:aws:s3:::b/${aws:username}/*` matches no resource for a role, and this statement allows a role only its other resources"),
            // NotResource: excludes nothing, so the statement reaches more.
            (r#"{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::b/${aws:username}*"}"#,
             "`arn:aws:s3:::b/${aws:username}*` in `NotResource` (`except`) excludes nothing for a role, and this statement allows a role every resource"),
            (r#"{"Effect":"Deny","Action":"s3:GetObject","NotResource":["arn:aws:s3:::b/${aws:username}/*","arn:aws:s3:::b/shared/*"]}"#,
             "`arn:aws:s3:::b/${aws:username}/*` in `NotResource` (`except`) excludes nothing for a role, and this statement denies a role what `arn:aws:s3:::b/${aws:username}/*` excludes for a user"),
            // Condition values: a positive operator never holds, an IfExists one only without the key.
            (r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringLike":{"s3:prefix":"${AWS:UserName}/*"}}}"#,
             "`StringLike` on `s3:prefix` never holds for a role, and this statement allows a role nothing"),
            (r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringLikeIfExists":{"s3:prefix":"${aws:username}/*"}}}"#,
             "`StringLikeIfExists` on `s3:prefix` holds for a role only when the request has no `s3:prefix`, and this statement allows a role only such requests"),
            (r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringLike":{"s3:prefix":["${aws:username}/*","shared/*"]}}}"#,
             "the `StringLike` value `${aws:username}/*` of `s3:prefix` matches nothing for a role, and this statement allows a role only what its other values match"),
            // A negated operator matches: the statement reaches more.
            (r#"{"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{"StringNotEquals":{"s3:ExistingObjectTag/owner":"${aws:username}"}}}"#,
             "`StringNotEquals` on `s3:ExistingObjectTag/owner` excludes nothing for a role, and this statement denies a role whatever the request's `s3:ExistingObjectTag/owner`"),
            (r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringNotLike":{"s3:prefix":["${aws:username}/*","private/*"]}}}"#,
             "the `StringNotLike` value `${aws:username}/*` of `s3:prefix` excludes nothing for a role, and this statement allows a role what it excludes for a user"),
            // The strongest effect of several is said: never applying wins.
            (r#"{"Effect":"Allow","Action":"s3:ListBucket","NotResource":"arn:aws:s3:::${aws:username}","Condition":{"StringEquals":{"s3:prefix":"${aws:username}"}}}"#,
             "`StringEquals` on `s3:prefix` never holds for a role, and this statement allows a role nothing"),
        ];
        for (statement, consequence) in cases {
            let expected =
                format!("`${{aws:username}}` has no value in a role session, so {consequence}");
            assert_eq!(
                username_message(statement).as_deref(),
                Some(expected.as_str()),
                "{statement}"
            );
        }
        // A default gives the variable a value; other variables have one; `${$}` is text.
        for statement in [
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username, 'x'}/*"}"#,
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:userid}/*"}"#,
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${$}{aws:username}/*"}"#,
        ] {
            assert_eq!(username_message(statement), None, "{statement}");
        }
        // Under 2008-10-17 the variable is literal text, which matches as written.
        let literal = crate::iam::read::policy_from_str(
            r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}]}"#,
        )
        .unwrap();
        assert!(username_variable(&literal, &literal.statements[0]).is_none());
    }

    /// The QA case: the engine allows a role through `NotResource` with `${aws:username}`, and
    /// the lint says so instead of "never matches".
    #[test]
    fn username_in_not_resource_agrees_with_the_engine() {
        use crate::reason::{evaluate, Decision, Request};
        let policy = crate::iam::read::policy_from_str(&doc(
            r#"{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::b/${aws:username}*"}"#,
        ))
        .unwrap();
        let role = Request {
            action: "s3:GetObject".into(),
            resource: "arn:aws:s3:::b/alice/x".into(),
            context: Context::new().with("aws:PrincipalType", "AssumedRole"),
        };
        assert_eq!(
            evaluate(std::slice::from_ref(&policy), None, &role).decision,
            Decision::Allow
        );
        let message = username_variable(&policy, &policy.statements[0])
            .unwrap()
            .message;
        assert!(
            message.contains("allows a role every resource"),
            "{message}"
        );
        assert!(!message.contains("never"), "{message}");
    }

    #[test]
    fn each_lint_passes_and_fails() {
        let clean =
            doc(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#);
        assert_eq!(lint_json(&clean, true), []);
        let cases = [
            (
                r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#,
                Code::AllowNotAction,
            ),
            (
                r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#,
                Code::AnyAction,
            ),
            (
                r#"{"Effect":"Allow","Action":"*:*","Resource":"arn:aws:s3:::b"}"#,
                Code::AnyAction,
            ),
            (
                r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}"#,
                Code::PassRoleOnAny,
            ),
            (
                r#"{"Effect":"Allow","Action":"iam:AttachRolePolicy","Resource":"*"}"#,
                Code::PrivilegeEscalation,
            ),
            (
                r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}"#,
                Code::UnavailableVariable,
            ),
        ];
        for (statement, code) in cases {
            assert_eq!(lint_json(&doc(statement), true), [code], "{statement}");
        }
        // The passing twins.
        let fine = [
            r#"{"Effect":"Deny","NotAction":"iam:*","Resource":"*"}"#,
            r#"{"Effect":"Deny","Action":"*","Resource":"*"}"#,
            r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::1:role/x","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}"#,
            r#"{"Effect":"Allow","Action":"iam:AttachRolePolicy","Resource":"arn:aws:iam::1:role/x"}"#,
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b"]}"#,
        ];
        for statement in fine {
            assert_eq!(lint_json(&doc(statement), true), [], "{statement}");
        }
        let variable = doc(
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}"#,
        );
        assert_eq!(lint_json(&variable, false), []);
        // In any case, in a condition's values too; another variable or a `$` alone is fine.
        let in_condition = doc(
            r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringLike":{"s3:prefix":["x/${AWS:UserName}/*"]}}}"#,
        );
        assert_eq!(lint_json(&in_condition, true), [Code::UnavailableVariable]);
        let others = doc(
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/${aws:userid}/*","arn:aws:s3:::b/$/${aws:username"]}"#,
        );
        assert_eq!(lint_json(&others, true), []);
    }

    #[test]
    fn redundancy_and_combinations() {
        let redundant = doc(
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"},
               {"Effect":"Allow","Action":["s3:getobject"],"Resource":"arn:aws:s3:::b/raw/*"}"#,
        );
        assert_eq!(lint_json(&redundant, false), [Code::RedundantStatement]);
        let twins = doc(
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
               {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
        );
        assert_eq!(lint_json(&twins, false), [Code::RedundantStatement]);
        let conditional = doc(
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}},
               {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
        );
        assert_eq!(lint_json(&conditional, false), []);
        let combination = doc(
            r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::1:role/*"},
               {"Effect":"Allow","Action":"lambda:UpdateFunctionCode","Resource":"*"}"#,
        );
        assert_eq!(lint_json(&combination, false), [Code::PrivilegeEscalation]);
        let scoped = doc(
            r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::1:role/x"},
               {"Effect":"Allow","Action":"lambda:UpdateFunctionCode","Resource":"*"}"#,
        );
        assert_eq!(lint_json(&scoped, false), []);
    }

    #[test]
    fn the_redundancy_lint_stops_when_its_budget_is_spent() {
        let statements: Vec<String> = (0..20)
            .map(|i| {
                let actions: Vec<String> = (0..20).map(|a| format!("\"s3:A{a}\"")).collect();
                format!(
                    r#"{{"Effect":"Allow","Action":[{}],"Resource":"arn:aws:s3:::b{i}/*"}}"#,
                    actions.join(",")
                )
            })
            .collect();
        let text = doc(&statements.join(","));
        assert_eq!(lint_json_within(&text, false, 10_000), []);
        assert_eq!(lint_json_within(&text, false, 100), [Code::LintLimit]);
        // Many patterns, each compared with a whole list at once: fast, budget or not.
        let wide: Vec<String> = (0..20_000).map(|a| format!("\"s3:A{a}\"")).collect();
        let mut last = wide.clone();
        last[19_999] = "\"s3:Other\"".into();
        let text = doc(&format!(
            r#"{{"Effect":"Allow","Action":[{}],"Resource":"*"}},{{"Effect":"Allow","Action":[{}],"Resource":"*"}}"#,
            wide.join(","),
            last.join(",")
        ));
        let started = std::time::Instant::now();
        assert_eq!(lint_json(&text, false), [Code::SizeQuota]);
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    }

    #[test]
    fn size_quota() {
        let big: Vec<String> = (0..400)
            .map(|i| format!(r#""arn:aws:s3:::bucket-number-{i}/*""#))
            .collect();
        let statement = format!(
            r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":[{}]}}"#,
            big.join(",")
        );
        assert_eq!(lint_json(&doc(&statement), false), [Code::SizeQuota]);
    }
}
