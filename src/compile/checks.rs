//! The checks a compiled project gets, built from the compiler's own data: the catalog checks
//! of every resolved statement and trust clause, and the lints of every lowered document.
//!
//! In: the resolved [`ir::Project`] ([`catalog_checks`], and [`role_catalog_checks`] for each
//! role as it is lowered) or the lowered [`Compiled`] project ([`measured_lints`]; a role's
//! own documents as they are lowered, [`role_lints`], when they are streamed).
//! Out: diagnostics. The checks themselves live in `checks/` and run on JSON files too; this
//! file only builds their inputs from `.iamx`.

use crate::checks::document::{
    check as check_document, document_checks, refill_spans_at, sid_at, spans_in, statement_checks,
    DocumentView,
};
use crate::checks::lint::{lint, size_quota, LintDocument, Quota, Title};
use crate::checks::statement::{check_statements, ActionRef, CleanSeen, Input, StatementView};
use crate::compile::ir;
use crate::compile::output::{Compiled, Document, DocumentKind};
use crate::diagnostics::{Code, Diagnostic};
use crate::iam::kind::PolicyKind;
use crate::iam::operators::ConditionOperator;
use crate::iam::policy::PolicyDocument;
use crate::iam::quota::QuotaKind;
use crate::iam::read::StatementSpans;
use crate::source::{Sources, Span, Spanned};

/// Checks every statement of a resolved project but the roles' ([`role_catalog_checks`]).
/// `errors_only`: skip the checks that can only warn (see `compile::Options`).
pub fn catalog_checks(project: &ir::Project, errors_only: bool) -> Vec<Diagnostic> {
    let statements: Vec<&ir::Statement> = project
        .boundaries
        .iter()
        .chain(&project.policies)
        .flat_map(|p| &p.statements)
        .chain(project.users.iter().flat_map(|u| &u.statements))
        .chain(project.groups.iter().flat_map(|g| &g.statements))
        .collect();
    // Views are made where they are checked: held all at once, they cost 16 MB at 10,000 roles.
    let warnings = !errors_only;
    check_statements(statements.len(), Input::Source, warnings, |i| {
        statement_view(statements[i], warnings)
    })
}

/// The catalog checks of one role: its statements and trust clauses. Run by `lower::lower` in
/// the job that lowers the role, while they are in the cache: a pass of their own over every
/// role's statements before lowering read them again cost more in the cache than the checks.
/// A statement with the content of a clean one `seen` in the thread's run of roles (a
/// template's, under every role that uses it) is not checked again.
pub fn role_catalog_checks(
    seen: &mut CleanSeen,
    role: &ir::Role,
    errors_only: bool,
) -> Vec<Diagnostic> {
    let warnings = !errors_only;
    let mut found = Vec::new();
    // One view's vectors for all the role's statements: three allocations a role, not three
    // a statement.
    let mut view = StatementView::default();
    for statement in &role.statements {
        write_statement_view(statement, warnings, &mut view);
        found.extend(seen.check(&view, Input::Source, warnings));
    }
    for trust in &role.trust {
        // A trust clause without actions checks the action it lowers to.
        let default = [Spanned::new(
            crate::compile::lower::default_trust_action(trust).to_string(),
            trust.origin.span,
        )];
        let view = trust_view(trust, &default, warnings);
        found.extend(seen.check(&view, Input::Source, warnings));
    }
    found
}

/// The statement as the catalog checks see it. Resources and condition keys are only read by
/// the checks that warn: without `warnings` they are left out, so statements that differ only
/// there are checked once.
fn statement_view(statement: &ir::Statement, warnings: bool) -> StatementView<'_> {
    let mut view = StatementView::default();
    write_statement_view(statement, warnings, &mut view);
    view
}

/// [`statement_view`] written over `view`, whose vectors a role's statements reuse.
fn write_statement_view<'a>(
    statement: &'a ir::Statement,
    warnings: bool,
    view: &mut StatementView<'a>,
) {
    view.not_action = statement.not_action;
    view.not_resource = statement.not_resource;
    write_action_refs(&statement.actions, &statement.unchecked, &mut view.actions);
    view.resources.clear();
    view.condition_keys.clear();
    if warnings {
        (view.resources).extend(
            statement
                .resources
                .iter()
                .map(|r| (r.node.as_str(), r.span)),
        );
        write_condition_keys(&statement.conditions, &mut view.condition_keys);
    }
    view.expanded_from = &statement.origin.expanded_from;
}

/// A trust clause as a statement; `default` is the action it lowers to when it names none.
/// `warnings` as for [`statement_view`].
fn trust_view<'a>(
    trust: &'a ir::TrustStatement,
    default: &'a [Spanned<String>; 1],
    warnings: bool,
) -> StatementView<'a> {
    let actions = if trust.actions.is_empty() {
        &default[..]
    } else {
        &trust.actions
    };
    StatementView {
        actions: action_refs(actions, &trust.unchecked),
        condition_keys: if warnings {
            condition_keys(&trust.conditions)
        } else {
            Vec::new()
        },
        expanded_from: &trust.origin.expanded_from,
        ..StatementView::default()
    }
}

fn action_refs<'a>(actions: &'a [Spanned<String>], unchecked: &[Span]) -> Vec<ActionRef<'a>> {
    let mut refs = Vec::new();
    write_action_refs(actions, unchecked, &mut refs);
    refs
}

fn write_action_refs<'a>(
    actions: &'a [Spanned<String>],
    unchecked: &[Span],
    refs: &mut Vec<ActionRef<'a>>,
) {
    refs.clear();
    refs.extend(actions.iter().map(|a| ActionRef {
        text: &a.node,
        span: a.span,
        unchecked: unchecked.contains(&a.span),
    }));
}

/// The keys of clauses that only hold when the key is present: a key that never applies to the
/// statement's actions makes exactly those clauses (and so the statement) dead.
fn condition_keys(conditions: &[ir::Condition]) -> Vec<(&str, Span)> {
    let mut keys = Vec::new();
    write_condition_keys(conditions, &mut keys);
    keys
}

/// [`condition_keys`], added to `keys`.
fn write_condition_keys<'a>(conditions: &'a [ir::Condition], keys: &mut Vec<(&'a str, Span)>) {
    use crate::syntax::ast::{CompareOp, Quantifier};
    let needs_key = |c: &&ir::Condition| {
        let needs_key = match &c.test {
            ir::Test::Exists { negated } => !negated,
            ir::Test::Compare { op, .. } => *op != CompareOp::Ne,
            ir::Test::Like { negated, .. } | ir::Test::In { negated, .. } => !negated,
            ir::Test::Operator { name, .. } => {
                ConditionOperator::parse(&name.node).fails_without_key()
            }
        };
        needs_key && !c.if_exists && c.quantifier != Some(Quantifier::All)
    };
    keys.extend(
        (conditions.iter())
            .filter(needs_key)
            .map(|c| (c.key.node.as_str(), c.key.span)),
    );
}

/// The IAM kind a compiled document is checked as.
fn policy_kind(kind: DocumentKind) -> PolicyKind {
    match kind {
        DocumentKind::Boundary => PolicyKind::Boundary,
        DocumentKind::ManagedPolicy | DocumentKind::Delegation => PolicyKind::ManagedPolicy,
        DocumentKind::Trust => PolicyKind::Trust,
        DocumentKind::RoleInline => PolicyKind::RoleInline,
        DocumentKind::UserInline => PolicyKind::UserInline,
        DocumentKind::GroupInline => PolicyKind::GroupInline,
    }
}

/// Lints every document of a compiled project, measuring its quota size
/// ([`crate::iam::policy::PolicyDocument::quota_size`], or its `known_sizes` entry where
/// given) in the same job, while the document is in the cache: one pass over the project
/// instead of two. Gives the sizes, by index, for `limits`, and the lints of the documents as
/// they are, which is what is deployed unless `limits` splits one (then the split documents
/// are linted again, their sizes known). The documents marked `known` (equal to a document of
/// a version that had no errors, which `compile::Lowered::checked` marks only with
/// `errors_only`) are measured but not linted, as their checks can find no error; those whose
/// statements were dropped ([`Document::dropped_size`]) were measured and linted by
/// [`role_lints`], and are skipped. `then`: run on each document right after its lints,
/// in the same job; its results, in the documents' order, come third.
pub fn measured_lints<R: Send>(
    compiled: &Compiled,
    known_sizes: &[Option<usize>],
    known: &[bool],
    sources: &Sources,
    errors_only: bool,
    then: Option<&(dyn Fn(usize) -> Option<R> + Sync + '_)>,
) -> (Vec<usize>, Vec<Diagnostic>, Vec<R>) {
    debug_assert_eq!(known.len(), compiled.documents.len());
    // Skipping a known document skips its warnings too: only a caller without them marks any.
    debug_assert!(errors_only || !known.contains(&true));
    let role_arns = role_arns(compiled);
    let indices: Vec<usize> = (0..compiled.documents.len()).collect();
    let measured = crate::parallel::map_with(&indices, CleanDocuments::default, |clean, &i| {
        let document = &compiled.documents[i];
        if let Some(size) = document.dropped_size {
            return (size, Vec::new(), None);
        }
        let used_by_roles = used_by_roles(document, &role_arns);
        let known_size = known_sizes.get(i).copied().flatten();
        let (size, found, newly_clean) = measure_and_lint(
            clean,
            document,
            used_by_roles,
            known_size,
            known[i],
            sources,
            errors_only,
        );
        if newly_clean {
            clean.add(document, used_by_roles, &*document.policy, size);
        }
        (size, found, then.and_then(|then| then(i)))
    });
    let mut sizes = Vec::with_capacity(measured.len());
    let mut found = Vec::new();
    let mut results = Vec::new();
    for (size, mut lints, result) in measured {
        sizes.push(size);
        found.append(&mut lints);
        results.extend(result);
    }
    (sizes, found, results)
}

/// One document's quota size and lints, unless it is `known` or equal to a clean document of
/// `clean`; and whether it was linted and found clean (the caller keeps it in `clean`).
fn measure_and_lint<P: std::borrow::Borrow<PolicyDocument>>(
    clean: &CleanDocuments<P>,
    document: &Document,
    used_by_roles: bool,
    known_size: Option<usize>,
    known: bool,
    sources: &Sources,
    errors_only: bool,
) -> (usize, Vec<Diagnostic>, bool) {
    // A document equal to a clean one has its size too.
    let clean_twin = clean.size_of(document, used_by_roles);
    let size = known_size
        .or(clean_twin)
        .unwrap_or_else(|| document.policy.quota_size());
    if known || clean_twin.is_some() {
        return (size, Vec::new(), false);
    }
    let found = lint_document(document, size, used_by_roles, sources, errors_only);
    let newly_clean = found.is_empty();
    (size, found, newly_clean)
}

/// Measures and lints a role's trust and inline policies in the job that lowered them
/// (`compile::Options::stream_roles`), as [`measured_lints`] would. Gives each document's
/// lints, and what was measured of it, for [`drop_statements`].
pub fn role_lints(
    clean: &CleanDocuments<PolicyDocument>,
    documents: [Option<&Document>; 2],
    sources: &Sources,
    errors_only: bool,
) -> [Option<(Measured, Vec<Diagnostic>)>; 2] {
    documents.map(|document| {
        let document = document?;
        // A role's own policies: their use by roles needs no attachments.
        let used_by_roles = used_by_roles(document, &Default::default());
        let (size, found, newly_clean) = measure_and_lint(
            clean,
            document,
            used_by_roles,
            None,
            false,
            sources,
            errors_only,
        );
        Some((Measured { size, newly_clean }, found))
    })
}

/// A document's quota size, and whether its lints found it clean and no clean twin was kept.
#[derive(Debug, Clone, Copy)]
pub struct Measured {
    pub size: usize,
    newly_clean: bool,
}

/// Drops the statements of a role's trust or inline policy once checked and proved, leaving
/// its quota size ([`Document::dropped_size`]). Its policy, when newly clean, goes to `clean`,
/// which owns what it keeps.
pub fn drop_statements(
    clean: &mut CleanDocuments<PolicyDocument>,
    document: &mut Document,
    measured: Measured,
) {
    let placeholder = PolicyDocument::placeholder().into();
    let policy = std::mem::replace(&mut document.policy, placeholder).into_owned();
    document.origins = Vec::new();
    document.dropped_size = Some(measured.size);
    if measured.newly_clean {
        let used_by_roles = used_by_roles(document, &Default::default());
        clean.add(document, used_by_roles, policy, measured.size);
    }
}

/// Documents a thread's run found clean, the last few of each kind: a document equal to one of
/// them in kind, `aws_managed`, use by roles and policy is clean too, as the document checks
/// and lints decide on those alone (its name, spans and `use` sites only place and name what
/// they find). Most roles' trust policies are one of a few. The policies are borrowed
/// ([`measured_lints`]) or owned ([`drop_statements`], whose documents lose theirs).
pub struct CleanDocuments<P> {
    /// Each with its kind, `aws_managed` flag, use by roles and quota size.
    recent: Vec<(DocumentKind, bool, bool, P, usize)>,
}

impl<P> Default for CleanDocuments<P> {
    fn default() -> Self {
        CleanDocuments { recent: Vec::new() }
    }
}

/// How many clean documents of each kind [`CleanDocuments`] keeps.
const CLEAN_KEPT: usize = 4;

impl<P: std::borrow::Borrow<PolicyDocument>> CleanDocuments<P> {
    /// The quota size of a clean document equal to `document`, if one is kept.
    fn size_of(&self, document: &Document, used_by_roles: bool) -> Option<usize> {
        let twin = self
            .recent
            .iter()
            .find(|(kind, aws_managed, used, policy, _)| {
                *kind == document.kind
                    && *used == used_by_roles
                    && *aws_managed == document.aws_managed
                    && *policy.borrow() == *document.policy
            });
        twin.map(|&(.., size)| size)
    }

    /// Keeps `policy`, the policy of `document` (which may have dropped it since).
    fn add(&mut self, document: &Document, used_by_roles: bool, policy: P, size: usize) {
        let same_kind = |entry: &(DocumentKind, bool, bool, P, usize)| entry.0 == document.kind;
        if self.recent.iter().filter(|entry| same_kind(entry)).count() == CLEAN_KEPT {
            let oldest = self.recent.iter().position(same_kind);
            self.recent
                .remove(oldest.expect("a document of the kind is kept"));
        }
        let entry = (
            document.kind,
            document.aws_managed,
            used_by_roles,
            policy,
            size,
        );
        self.recent.push(entry);
    }
}

fn used_by_roles(document: &Document, role_arns: &foldhash::HashSet<&str>) -> bool {
    match document.kind {
        DocumentKind::RoleInline => true,
        DocumentKind::Boundary | DocumentKind::ManagedPolicy => {
            role_arns.contains(document.arn.as_str())
        }
        _ => false,
    }
}

/// The policies attached to roles or bounding them, by ARN.
fn role_arns(compiled: &Compiled) -> foldhash::HashSet<&str> {
    (compiled.roles.iter())
        .flat_map(|r| r.attached_policy_arns.iter().chain(&r.boundary_arn))
        .map(String::as_str)
        .collect()
}

/// The document checks and lints of one document whose quota size is `size`.
fn lint_document(
    document: &Document,
    size: usize,
    used_by_roles: bool,
    sources: &Sources,
    errors_only: bool,
) -> Vec<Diagnostic> {
    let quota = match document.kind {
        // Kept whole over the quota by `limits`, which said so (W0409).
        DocumentKind::ManagedPolicy if document.aws_managed => Quota::None,
        DocumentKind::Boundary | DocumentKind::ManagedPolicy | DocumentKind::Delegation => {
            Quota::Limit {
                kind: QuotaKind::ManagedPolicy,
                code: Code::SizeQuota,
                size,
            }
        }
        DocumentKind::Trust => Quota::Limit {
            kind: QuotaKind::TrustPolicy,
            code: Code::SizeQuota,
            size,
        },
        DocumentKind::UserInline => Quota::Limit {
            kind: QuotaKind::UserInline,
            code: Code::SizeQuota,
            size,
        },
        DocumentKind::GroupInline => Quota::Limit {
            kind: QuotaKind::GroupInline,
            code: Code::SizeQuota,
            size,
        },
        // A role's inline policies count together: `limits` holds them to the role's quota.
        DocumentKind::RoleInline => Quota::None,
    };
    // The document checks, the same as a JSON file of this kind gets: every literal that
    // reached the document (dates, ARNs, service principals) is checked before anything is
    // written. Each points at its literal where the source shows it verbatim, otherwise
    // (a value built from a variable or a template) at its statement.
    let kind = policy_kind(document.kind);
    // Finding each literal in the source costs more than the checks themselves, and most
    // documents have no finding: when every statement is clean, only the checks of the whole
    // document run, and only when something is found does it all run again with the
    // literals located. The statements are checked here, document by document, while the
    // document is in the cache; a first pass over every statement of the project to check
    // each distinct one once (item 50) cost more in the cache and in memory than it saved.
    let mut spans = StatementSpans::new(sources.first_line(document.span));
    let all_clean = (document.policy.statements.iter())
        .zip(&document.origins)
        .all(|(statement, origin)| {
            refill_spans_at(&mut spans, sources.trim(origin.span), statement);
            statement_checks(kind, statement, &spans).is_empty()
        });
    let check_with = |locate: bool| {
        let statements: Vec<_> = document
            .policy
            .statements
            .iter()
            .zip(&document.origins)
            .map(|(statement, origin)| {
                let span = sources.trim(origin.span);
                if locate {
                    spans_in(span, sources.slice(span), statement)
                } else {
                    sid_at(span, statement)
                }
            })
            .collect();
        let view = DocumentView {
            policy: &document.policy,
            kind,
            span: sources.first_line(document.span),
            version: None,
            id: None,
            statement_list: sources.first_line(document.span),
            statements: &statements,
        };
        if locate {
            check_document(&view)
        } else {
            document_checks(&view)
        }
    };
    let mut found = if all_clean {
        check_with(false)
    } else {
        Vec::new()
    };
    if !all_clean || !found.is_empty() {
        found = check_with(true);
    }
    for d in &mut found {
        d.message = format!(
            "{} (in {} `{}`)",
            d.message,
            document.kind.words(),
            document.name
        );
    }
    // Without warnings only the quota is checked here: the document is described for the
    // lints only when it is over.
    if errors_only && !quota.exceeded() {
        return found;
    }
    let doc = LintDocument {
        title: Title {
            kind: document.kind.words(),
            name: &document.name,
        },
        policy: &document.policy,
        spans: document
            .origins
            .iter()
            .map(|o| sources.trim(o.span))
            .collect(),
        expanded_from: document
            .origins
            .iter()
            .map(|o| o.expanded_from.as_slice())
            .collect(),
        span: sources.first_line(document.span),
        quota,
        used_by_roles,
    };
    if errors_only {
        found.extend(size_quota(&doc));
    } else {
        found.extend(lint(&doc));
    }
    // A role's inline policies together are held to their quota by `limits`, which splits
    // them into managed policies, or reports why it cannot (E0402, E0101).
    found
}

#[cfg(test)]
mod tests {
    use crate::compile::{compile, Input, Options};
    use crate::diagnostics::Code;

    /// A document equal to one linted clean is not linted again, but only when it is used the
    /// same way: the same policy attached to a role, where `${aws:username}` has no value, is
    /// linted, and each of two such twins gets its own finding.
    #[test]
    fn clean_twins_only_skip_the_lints_they_would_pass() {
        let statement = "allow s3:GetObject on arn:aws:s3:::b/${aws:username}/*";
        let policy = |name: &str| format!("policy {name} {{\n  {statement}\n}}\n");
        let role = "role app {\n  trust service ec2.amazonaws.com\n  attach Held, Kept\n}\n";
        let text = format!(
            "account \"123456789012\"\n{}{}{}{role}",
            policy("Loose"),
            policy("Held"),
            policy("Kept")
        );
        let input = Input {
            name: "main.iamx".into(),
            bytes: text.into_bytes(),
        };
        let compilation = compile(vec![input], &Options::default());
        let lines: Vec<usize> = (compilation.diagnostics.iter())
            .filter(|d| d.code == Code::UnavailableVariable)
            .map(|d| {
                let span = d.primary.as_ref().expect("located").span;
                let file = compilation.sources.get(span.file);
                file.line_column(span.start as usize).0
            })
            .collect();
        // `Loose` (line 3) is used by no role, and linted clean first; `Held` and `Kept` by `app`.
        assert_eq!(lines, [6, 9], "{:?}", compilation.diagnostics);
    }
}
