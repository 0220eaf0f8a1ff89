//! The document checks: what the IAM API refuses in a policy document of a given kind, and what
//! it accepts but can never do what it says. One set of checks for every document, compiled from
//! `.iamx` (`compile::checks`) or read from JSON (`checks::json`).
//!
//! In: a [`DocumentView`]: the document, its [`PolicyKind`] and where its parts are (JSON gives
//! every value's span; a compiled document gives each statement's span for all its parts).
//! Out: diagnostics. Errors: `Version` (E0701), empty lists (E0702), elements the kind requires
//! (E0705) or refuses (E0706), Sids (E0205, E0207), operator names (E0707), values for the
//! operator (E0206), action and ARN shapes (E0202, E0203; `shapes.rs`), and principals IAM
//! refuses (E0201: wildcards in part of one, policy variables in a trust policy's, a `Service`
//! that is no DNS name). Warnings: literal policy variables (W0701), `NotPrincipal` with `Allow`
//! (W0702), operator and key types (W0703), set operators on single-valued keys (W0704), unknown
//! service principals (W0705).
//! `docs/checks.md` lists them with the AWS rule behind each.

use crate::catalog::{Catalog, KeyType};
use crate::diagnostics::{did_you_mean, Code, Diagnostic};
use crate::iam::kind::PolicyKind;
use crate::iam::names::{arn_parts, PARTITIONS};
use crate::iam::operators::{self, ConditionOperator, Family};
use crate::iam::policy::{is_wild, Effect, PolicyDocument, Principal, Statement};
use crate::iam::read::{position, ConditionValue, StatementSpans};
use crate::source::Span;
use foldhash::{HashMap, HashMapExt, HashSet};
use std::borrow::Cow;

/// One document to check.
pub struct DocumentView<'a> {
    pub policy: &'a PolicyDocument,
    pub kind: PolicyKind,
    /// Where the document starts (a JSON object's `{`, a block's first line).
    pub span: Span,
    /// The `Version` value, when written.
    pub version: Option<Span>,
    /// The `Id` value, when written.
    pub id: Option<Span>,
    /// The `Statement` value.
    pub statement_list: Span,
    /// Index for index with `policy.statements`.
    pub statements: &'a [StatementSpans<'a>],
}

/// What [`document_checks`] reads of a statement's spans, its Sid's, at the statement.
pub fn sid_at(span: Span, statement: &Statement) -> StatementSpans<'static> {
    let mut spans = StatementSpans::new(span);
    spans.sid = statement.sid.as_ref().map(|_| span);
    spans
}

/// The spans of a statement whose parts are not located separately (a compiled document): every
/// part points at the statement.
pub fn spans_at(span: Span, statement: &Statement) -> StatementSpans<'_> {
    let mut spans = StatementSpans::new(span);
    refill_spans_at(&mut spans, span, statement);
    spans
}

/// [`spans_at`] into `spans`, keeping its lists' memory: checking the statements of a document
/// one after another, the lists are made once per document rather than once per statement
/// (this runs for every statement of a build).
pub fn refill_spans_at<'a>(spans: &mut StatementSpans<'a>, span: Span, statement: &'a Statement) {
    spans.span = span;
    spans.sid = statement.sid.as_ref().map(|_| span);
    let present = [
        ("Sid", statement.sid.is_some()),
        ("Principal", statement.principal.is_some()),
        ("NotPrincipal", statement.not_principal.is_some()),
        ("Action", statement.action.is_some()),
        ("NotAction", statement.not_action.is_some()),
        ("Resource", statement.resource.is_some()),
        ("NotResource", statement.not_resource.is_some()),
    ];
    spans.elements.clear();
    spans.elements.extend(
        (present.iter())
            .filter(|(_, p)| *p)
            .map(|&(key, _)| (key, span)),
    );
    let count = |a: &Option<Vec<String>>, b: &Option<Vec<String>>| {
        a.iter().chain(b).map(Vec::len).sum::<usize>()
    };
    spans.actions.clear();
    (spans.actions).resize(count(&statement.action, &statement.not_action), span);
    spans.resources.clear();
    (spans.resources).resize(count(&statement.resource, &statement.not_resource), span);
    spans.principals.clear();
    for principal in statement.principal.iter().chain(&statement.not_principal) {
        match &**principal {
            crate::iam::policy::Principal::Any(_) => {
                spans.principals.push(("*", Cow::Borrowed("*"), span))
            }
            crate::iam::policy::Principal::Map(map) => {
                for (kind, values) in map {
                    let Some(kind) = crate::iam::read::principal_type(kind) else {
                        continue;
                    };
                    for value in values {
                        spans.principals.push((kind, Cow::Borrowed(value), span));
                    }
                }
            }
        }
    }
    // The texts borrow from the statement.
    spans.operators.clear();
    spans.condition_keys.clear();
    spans.condition_values.clear();
    for (operator, key, values) in statement.condition.clauses() {
        let operator_at = match spans.operators.iter().position(|(o, _)| o == operator) {
            Some(at) => at as u32,
            None => {
                spans.operators.push((Cow::Borrowed(operator), span));
                position(&spans.operators)
            }
        };
        spans.condition_keys.push((Cow::Borrowed(key), span));
        let key_at = position(&spans.condition_keys);
        for value in values {
            spans.condition_values.push(ConditionValue {
                operator: operator_at,
                key: key_at,
                value: Cow::Borrowed(value),
                span,
            });
        }
    }
}

/// [`spans_at`], narrowed where the source shows the value: `text` is what `span` covers (a
/// compiled statement's `.iamx` source), and each action, resource, principal and condition
/// value written there verbatim (not built from a variable or template) gets its own span, so a
/// diagnostic labels the literal rather than the statement.
pub fn spans_in<'a>(span: Span, text: &str, statement: &'a Statement) -> StatementSpans<'a> {
    let mut spans = spans_at(span, statement);
    // The value's first occurrence as a whole token (not inside a longer word).
    let find = |value: &str| -> Span {
        let boundary =
            |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || "-_:/*?.$".contains(c)));
        let mut from = 0;
        while let Some(at) = text
            .get(from..)
            .and_then(|t| t.find(value))
            .map(|i| i + from)
        {
            let before = text[..at].chars().next_back();
            let after = text[at + value.len()..].chars().next();
            // Quoted values keep their quotes in the label.
            let quoted = before == Some('"') && after == Some('"');
            if quoted || (boundary(before) && boundary(after)) {
                let (start, end) = if quoted {
                    (at - 1, at + value.len() + 1)
                } else {
                    (at, at + value.len())
                };
                return Span::new(
                    span.file,
                    span.start as usize + start,
                    span.start as usize + end,
                );
            }
            from = at + value.len().max(1);
        }
        span
    };
    let actions = statement
        .action
        .iter()
        .chain(&statement.not_action)
        .flatten();
    spans.actions = actions.map(|a| find(a)).collect();
    let resources = statement
        .resource
        .iter()
        .chain(&statement.not_resource)
        .flatten();
    spans.resources = resources.map(|r| find(r)).collect();
    for principal in &mut spans.principals {
        principal.2 = find(&principal.1);
    }
    for value in &mut spans.condition_values {
        value.span = find(&value.value);
    }
    spans
}

/// Runs every document check.
pub fn check(doc: &DocumentView<'_>) -> Vec<Diagnostic> {
    checks(doc, true)
}

/// The checks of the document as a whole, without [`statement_checks`]: its `Version`, an
/// empty statement list, and Sids (their form, and one Sid used twice).
pub fn document_checks(doc: &DocumentView<'_>) -> Vec<Diagnostic> {
    checks(doc, false)
}

fn checks(doc: &DocumentView<'_>, with_statements: bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    version(doc, &mut out);
    // The document's `Id` is text of the document too (statements: `beyond_latin1`).
    if let Some(found) =
        (doc.policy.id.as_deref()).and_then(|id| id.chars().find(|&c| c > '\u{FF}'))
    {
        out.push(
            Diagnostic::new(
                Code::NotLatin1,
                format!("IAM refuses `{found}` (U+{:04X}) in a policy document", u32::from(found)),
            )
            .at(doc.id.unwrap_or(doc.span), "its `Id` has a character beyond U+00FF")
            .with_help("a policy document may hold only characters up to U+00FF (Latin-1): write the `Id` without it"),
        );
    }
    if doc.policy.statements.is_empty() {
        out.push(
            Diagnostic::new(Code::EmptyElement, "the policy has no statements")
                .at(doc.statement_list, "empty")
                .with_help("IAM refuses a policy without statements; add one or drop the policy"),
        );
    }
    let mut sids: HashMap<&str, Span> = HashMap::new();
    for (statement, spans) in doc.policy.statements.iter().zip(doc.statements) {
        if let (Some(sid), Some(at)) = (&statement.sid, spans.sid) {
            sid_checks(doc.kind, sid, at, &mut sids, &mut out);
        }
        if with_statements {
            out.extend(statement_checks(doc.kind, statement, spans));
        }
    }
    out
}

/// The checks of one statement of a document of `kind`. What they find depends on the kind and
/// the statement's content alone; `spans` only place it.
pub fn statement_checks(
    kind: PolicyKind,
    statement: &Statement,
    spans: &StatementSpans,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    elements(kind, statement, spans, &mut out);
    out.extend(beyond_latin1(statement, spans));
    for (text, &span) in statement
        .action
        .iter()
        .chain(&statement.not_action)
        .flatten()
        .zip(&spans.actions)
    {
        if let Some(problem) = action_problem(text) {
            let help = if problem == shapes::VENDOR_WILDCARD {
                // IAM's answer: "Action vendors (e.g., aws, ec2, etc.) must not contain wildcards".
                "IAM refuses a wildcard in the service (\"Action vendors must not contain wildcards\"): name each service, like `ec2:Describe*`, or write `*` for every action"
            } else {
                "actions are written `service:Action`, like `s3:GetObject`"
            };
            out.push(
                Diagnostic::new(Code::MalformedAction, format!("`{text}` is not an action"))
                    .at(span, problem)
                    .with_help(help),
            );
        }
    }
    if !kind.refuses_resource() {
        for (text, &span) in statement
            .resource
            .iter()
            .chain(&statement.not_resource)
            .flatten()
            .zip(&spans.resources)
        {
            if let Some((problem, help)) = arn_problem(text) {
                out.push(
                    Diagnostic::new(
                        Code::MalformedArn,
                        format!("`{text}` is not a valid resource"),
                    )
                    .at(span, problem)
                    .with_help(help),
                );
            }
        }
    }
    conditions(spans, &mut out);
    for (principal_kind, value, span) in &spans.principals {
        if let Some(d) = principal_problem(kind, principal_kind, value, *span) {
            out.push(d);
        } else if *principal_kind == "Service" {
            out.extend(service_principal(value, *span));
        }
    }
    // `iam:PassedToService` names service principals too (a delegation's `pass_to`).
    for value in &spans.condition_values {
        if spans
            .key_of(value)
            .eq_ignore_ascii_case("iam:PassedToService")
        {
            out.extend(service_principal(&value.value, value.span));
        }
    }
    out
}

/// The first character of a statement's texts that IAM refuses in a policy document: the
/// `PolicyDocument` of `CreatePolicy` and `Put...Policy` takes tab, line feed, carriage return
/// and space through U+00FF, nothing else (IAM API reference). One error for the statement, at
/// the text that has it: every other text with one has the same fix.
///
/// What the pattern is read on. The IAM API Reference gives `[\u0009\u000A\u000D\u0020-\u00FF]+`
/// as "the regex pattern used to validate this parameter" (`CreatePolicy`, `PutRolePolicy`,
/// `CreateRole`'s `AssumeRolePolicyDocument`, ...), and the parameter is the policy as a string,
/// "the complete, valid JSON text" (`SimulatePrincipalPolicy`): IAM holds the pattern to the
/// request's raw text, before any JSON is read ("Member must satisfy regular expression
/// pattern" is the API's parameter validation; the IAM User Guide's "IAM and AWS STS quotas"
/// says the same of policy documents' characters). So a JSON escape is six ASCII characters
/// there, and what decides is how a character of a value reaches that text:
/// - U+0000 to U+001F (but tab, line feed and carriage return between tokens) never reach it
///   raw from valid JSON: RFC 8259 requires them escaped inside strings, and a raw one anywhere
///   is not JSON (E0004). Every writer between a file and IAM (the AWS CLI sends the file as it
///   is; CloudFormation, Terraform and iamx's own output write JSON again) escapes them, so IAM's
///   pattern never sees one: `"\u0001"` is not refused.
/// - U+007F to U+00FF are inside the pattern, raw or escaped: not refused.
/// - Past U+00FF a writer may write the character raw (RFC 8259 leaves it to the writer;
///   serde_json, which writes iamx's output, Terraform's and CloudFormation's do), and then IAM
///   refuses it: refused whether the file writes it raw or as `\uXXXX`, as the document is
///   refused once any of them writes it again.
fn beyond_latin1(statement: &Statement, spans: &StatementSpans) -> Option<Diagnostic> {
    // In UTF-8 a character past U+00FF starts with a byte of 0xC4 or more. Every statement
    // comes here and almost none has one: most texts are ASCII, which the standard library
    // tells a word at a time, and the text and its span are looked for only when one has.
    let has = |text: &str| !text.is_ascii() && text.bytes().any(|b| b >= 0xC4);
    let texts = [
        &statement.action,
        &statement.not_action,
        &statement.resource,
        &statement.not_resource,
    ];
    let any = statement.sid.as_deref().is_some_and(has)
        || texts
            .iter()
            .any(|list| list.iter().flatten().any(|t| has(t)))
        || spans.principals.iter().any(|(_, value, _)| has(value))
        || spans.condition_keys.iter().any(|(key, _)| has(key))
        || spans.condition_values.iter().any(|value| has(&value.value));
    if !any {
        return None;
    }
    let refused = |text: &str| text.chars().find(|&c| c > '\u{FF}');
    let lists = [
        (&statement.action, &spans.actions),
        (&statement.not_action, &spans.actions),
        (&statement.resource, &spans.resources),
        (&statement.not_resource, &spans.resources),
    ];
    let listed = lists.into_iter().flat_map(|(texts, at)| {
        texts
            .iter()
            .flatten()
            .zip(at.iter().chain(std::iter::repeat(&spans.span)))
            .map(|(text, &span)| (text.as_str(), span))
    });
    let sid = (statement.sid.as_deref()).map(|sid| (sid, spans.sid.unwrap_or(spans.span)));
    let principals = (spans.principals.iter()).map(|(_, value, span)| (value.as_ref(), *span));
    let keys = (spans.condition_keys.iter()).map(|(key, span)| (key.as_ref(), *span));
    let values = (spans.condition_values.iter()).map(|v| (v.value.as_ref(), v.span));
    let (found, span) = sid
        .into_iter()
        .chain(listed)
        .chain(principals)
        .chain(keys)
        .chain(values)
        .find_map(|(text, span)| refused(text).map(|c| (c, span)))?;
    Some(
        Diagnostic::new(
            Code::NotLatin1,
            format!(
                "IAM refuses `{found}` (U+{:04X}) in a policy document",
                u32::from(found)
            ),
        )
        .at(span, "a character beyond U+00FF")
        .with_help("a policy document may hold only characters up to U+00FF (Latin-1); write the text without it, or match it with `*` or `?`"),
    )
}

fn version(doc: &DocumentView<'_>, out: &mut Vec<Diagnostic>) {
    let at = doc.version.unwrap_or(doc.span);
    match doc.policy.version.as_deref() {
        Some(crate::iam::policy::POLICY_VERSION) => return,
        Some(other) if other != "2008-10-17" => {
            out.push(
                Diagnostic::new(
                    Code::InvalidVersion,
                    format!("`{other}` is not a policy language version"),
                )
                .at(at, "IAM takes `2012-10-17` or `2008-10-17`")
                .with_help("write `\"Version\": \"2012-10-17\"`"),
            );
            return;
        }
        _ => {}
    }
    let written = match &doc.policy.version {
        Some(v) => format!("Version `{v}`"),
        None => "no `Version`".to_string(),
    };
    if doc.kind.requires_current_version() {
        out.push(
            Diagnostic::new(
                Code::InvalidVersion,
                format!("{} with {written}", doc.kind.with_article()),
            )
            .at(at, "CreatePolicy refuses it")
            .with_help("write `\"Version\": \"2012-10-17\"`"),
        );
        return;
    }
    // Elsewhere an old version is accepted; it only matters when the policy has variables.
    let text = serde_json::to_string(doc.policy).unwrap_or_default();
    if let Some(start) = text.find("${") {
        let end = text[start..]
            .find('}')
            .map_or(text.len(), |e| start + e + 1);
        out.push(
            Diagnostic::new(
                Code::LiteralVariables,
                format!(
                    "with {written}, IAM reads `{}` as literal text",
                    &text[start..end]
                ),
            )
            .at(at, "policy variables need Version `2012-10-17`")
            .with_help("write `\"Version\": \"2012-10-17\"`"),
        );
    }
}

fn sid_checks<'a>(
    kind: PolicyKind,
    sid: &'a str,
    at: Span,
    seen: &mut HashMap<&'a str, Span>,
    out: &mut Vec<Diagnostic>,
) {
    if kind.alphanumeric_sids() && !sid.chars().all(|c| c.is_ascii_alphanumeric()) {
        out.push(
            Diagnostic::new(Code::InvalidSid, format!("`{sid}` is not a valid Sid"))
                .at(
                    at,
                    format!("{} takes letters and digits only", kind.with_article()),
                )
                .with_help("remove spaces, dashes and other characters"),
        );
    }
    // Empty Sids are no Sids: IAM takes any number of `"Sid": ""` (Terraform's
    // `aws_iam_policy_document` wrote them; getmoto/moto#2415 fixed moto's check to match).
    if sid.is_empty() || !kind.unique_sids() {
        return;
    }
    if let Some(first) = seen.get(sid) {
        out.push(
            Diagnostic::new(
                Code::DuplicateSid,
                format!("two statements have the Sid `{sid}`"),
            )
            .at(at, "used again here")
            .with_label(*first, "first used here")
            .with_help("Sids must be unique within a policy"),
        );
    } else {
        seen.insert(sid, at);
    }
}

/// Which elements a statement has, against what its kind requires and refuses, and empty lists.
fn elements(
    kind: PolicyKind,
    statement: &Statement,
    spans: &StatementSpans,
    out: &mut Vec<Diagnostic>,
) {
    let element = |key: &str| spans.element(key).unwrap_or(spans.span);
    let lists = [
        ("Action", statement.action.as_ref()),
        ("NotAction", statement.not_action.as_ref()),
        ("Resource", statement.resource.as_ref()),
        ("NotResource", statement.not_resource.as_ref()),
    ];
    for (key, list) in lists {
        if list.is_some_and(Vec::is_empty) {
            out.push(
                Diagnostic::new(Code::EmptyElement, format!("`{key}` is an empty list"))
                    .at(element(key), "IAM refuses empty lists")
                    .with_help(format!("name at least one, or remove `{key}`")),
            );
        }
    }
    for (key, principal) in [
        ("Principal", &statement.principal),
        ("NotPrincipal", &statement.not_principal),
    ] {
        let empty = match principal.as_deref() {
            Some(Principal::Map(map)) => map.is_empty() || map.values().any(Vec::is_empty),
            _ => false,
        };
        if empty {
            out.push(
                Diagnostic::new(Code::EmptyElement, format!("`{key}` names no principal"))
                    .at(element(key), "IAM refuses empty lists")
                    .with_help("name at least one principal, like `{\"AWS\": \"arn:aws:iam::123456789012:root\"}`"),
            );
        }
    }
    let has_principal = statement.principal.is_some() || statement.not_principal.is_some();
    let has_resource = statement.resource.is_some() || statement.not_resource.is_some();
    if kind.refuses_principal() && has_principal {
        let key = if statement.principal.is_some() {
            "Principal"
        } else {
            "NotPrincipal"
        };
        out.push(
            Diagnostic::new(Code::ElementNotAllowed, format!("{} cannot have `{key}`", kind.with_article()))
                .at(element(key), "not allowed here")
                .with_help("the principal is whoever the policy is attached to; to grant another account, use a resource or trust policy"),
        );
    }
    if kind == PolicyKind::Trust && statement.not_principal.is_some() {
        out.push(
            Diagnostic::new(
                Code::ElementNotAllowed,
                "a trust policy cannot have `NotPrincipal`",
            )
            .at(element("NotPrincipal"), "IAM role trust policies refuse it")
            .with_help("deny with `\"Principal\": \"*\"` and a condition such as `\"StringNotEqualsIfExists\": {\"aws:PrincipalAccount\": ...}` instead"),
        );
    }
    if kind.requires_principal() && !has_principal {
        out.push(
            Diagnostic::new(Code::MissingElement, format!("a statement of a {} needs `Principal`", kind.describe()))
                .at(spans.span, "no `Principal`")
                .with_help("name who the statement applies to, like `\"Principal\": {\"AWS\": \"arn:aws:iam::123456789012:root\"}`"),
        );
    }
    if kind.requires_resource() && !has_resource {
        out.push(
            Diagnostic::new(
                Code::MissingElement,
                format!("a statement of {} needs `Resource`", kind.with_article()),
            )
            .at(spans.span, "no `Resource`")
            .with_help("add `\"Resource\": \"*\"` or the ARNs it applies to"),
        );
    }
    if kind == PolicyKind::Trust {
        // IAM: "Trust Policy statement actions can only be sts:AssumeRole, ..."; which `sts:`
        // actions it takes is not documented whole (`sts:TagSession` is), other services' never.
        let foreign = (statement.action.iter().chain(&statement.not_action))
            .flatten()
            .find(|a| {
                let service = a.split_once(':').map_or("", |(s, _)| s);
                !service.eq_ignore_ascii_case("sts") && !is_wild(service) && *a != "*"
            });
        if let Some(action) = foreign {
            let key = if statement.action.is_some() {
                "Action"
            } else {
                "NotAction"
            };
            out.push(
                Diagnostic::new(
                    Code::ElementNotAllowed,
                    format!("a trust policy cannot name `{action}`"),
                )
                .at(element(key), "IAM takes only `sts:` actions here")
                .with_help("a trust policy says who may assume the role (`sts:AssumeRole`, `sts:AssumeRoleWithWebIdentity`, `sts:TagSession`, ...); grant other actions in the role's policies"),
            );
        }
    }
    if kind.refuses_resource() && has_resource {
        let key = if statement.resource.is_some() {
            "Resource"
        } else {
            "NotResource"
        };
        out.push(
            Diagnostic::new(
                Code::ElementNotAllowed,
                format!("a trust policy cannot have `{key}`"),
            )
            .at(element(key), "not allowed here")
            .with_help(format!(
                "remove `{key}`: a trust policy's resource is its role"
            )),
        );
    }
    if statement.effect == Effect::Allow
        && statement.not_principal.is_some()
        && kind == PolicyKind::Resource
    {
        out.push(
            Diagnostic::new(
                Code::NotPrincipalAllow,
                "`NotPrincipal` with `Allow` grants every principal but the listed ones",
            )
            .at(element("NotPrincipal"), "including anonymous users")
            .with_help("use `Principal` with the principals to allow"),
        );
    }
}

/// Operator names, values for the operator, and operator against the key's type.
fn conditions(spans: &StatementSpans, out: &mut Vec<Diagnostic>) {
    let catalog = Catalog::get();
    // Each operator is read once; its values point at it.
    let parsed: Vec<ConditionOperator> = (spans.operators.iter())
        .map(|(name, _)| ConditionOperator::parse(name))
        .collect();
    for ((name, span), operator) in spans.operators.iter().zip(&parsed) {
        if operator.known().is_none() {
            let mut d = Diagnostic::new(
                Code::UnknownOperator,
                format!("unknown condition operator `{name}`"),
            )
            .at(*span, "IAM refuses it");
            let (qualifier, base) = match operator.base.split_once(':') {
                Some((q, b)) => (did_you_mean(q, ["ForAnyValue", "ForAllValues"]), b),
                None => (None, operator.base),
            };
            let close = did_you_mean(base, operators::base_names());
            d = if operators::base_operator(base).is_some_and(|b| b.family == Family::Null) {
                d.with_help("`Null` takes neither `IfExists` nor `ForAnyValue:`/`ForAllValues:`")
            } else if let Some(close) = close {
                let set = match qualifier {
                    Some("ForAnyValue") => Some(operators::SetQualifier::ForAnyValue),
                    Some(_) => Some(operators::SetQualifier::ForAllValues),
                    None => operator.set,
                };
                let fixed = ConditionOperator {
                    set,
                    base: close,
                    if_exists: operator.if_exists,
                };
                d.with_help(format!("did you mean `{fixed}`?"))
            } else {
                d.with_help("operators are like `StringEquals`, `ForAnyValue:StringLike`, `DateLessThanIfExists`")
            };
            out.push(d);
        }
    }
    // Not plain lists: a statement may have tens of thousands of keys and values. The map
    // (each key's first span, for labels) is made when a finding first needs it; the pairs
    // seen are a list while they are few (`FirstTimes`).
    let mut key_spans: Option<HashMap<&str, Span>> = None;
    let mut keys_seen = FirstTimes::default();
    let mut previous_clause = None;
    for value in &spans.condition_values {
        let operator = &parsed[value.operator as usize];
        // Values of an unknown operator were reported with it.
        let Some(base) = operator.known() else {
            continue;
        };
        let (operator_text, key_text) = (spans.operator_of(value), spans.key_of(value));
        if let Some(wanted) = operators::value_problem(base.family, &value.value) {
            let mut d = Diagnostic::new(
                Code::ConditionValueType,
                format!(
                    "`{}` is not a valid value for `{}`",
                    value.value, operator_text
                ),
            )
            .at(value.span, format!("expected {wanted}"));
            if crate::iam::policy::opens_variable(&value.value) {
                d = d.with_help(format!(
                    "policy variables are not supported with `{operator_text}`: write the value itself"
                ));
            }
            out.push(d);
        }
        // The key checks once per operator and key, however many values: a clause's values
        // come one after another, and the set catches a clause written twice.
        let clause = (value.operator, value.key);
        if previous_clause.replace(clause) == Some(clause)
            || !keys_seen.first((operator_text, key_text))
        {
            continue;
        }
        let mut key_span = || {
            let first = key_spans.get_or_insert_with(|| {
                let mut first = HashMap::new();
                for (key, span) in &spans.condition_keys {
                    first.entry(&**key).or_insert(*span);
                }
                first
            });
            first.get(key_text).copied().unwrap_or(value.span)
        };
        // A key known only through a template (`kms:EncryptionContext:${Key}`) has the type of
        // the template, not necessarily of the instance: not held to it.
        let Some(key) = catalog.condition_key(key_text).filter(|k| !k.is_template()) else {
            continue;
        };
        if !family_fits(base.family, key.key_type, key.also_type) {
            out.push(
                Diagnostic::new(
                    Code::OperatorKeyMismatch,
                    format!(
                        "`{}` compares {} values, but `{}` is of type {}",
                        operator_text,
                        family_name(base.family),
                        key_text,
                        key.key_type
                    ),
                )
                .at(key_span(), "this condition never matches as intended")
                .with_help(format!("use an operator for {} values", key.key_type)),
            );
        }
        if operator.set.is_some() && !key.multivalued && base.family != Family::Null {
            out.push(
                Diagnostic::new(
                    Code::SetOperatorSingleValued,
                    format!(
                        "`{}` is a set operator, but `{}` has one value",
                        operator_text, key_text
                    ),
                )
                .at(key_span(), "single-valued key")
                .with_help(format!(
                    "use `{}` without `ForAnyValue:`/`ForAllValues:`",
                    base.name
                )),
            );
        }
    }
}

/// Which pairs were seen: a list while it is short (most statements have one to three
/// clauses, and a set's table is an allocation each), a set once it is long.
#[derive(Default)]
struct FirstTimes<'a> {
    few: Vec<(&'a str, &'a str)>,
    many: HashSet<(&'a str, &'a str)>,
}

impl<'a> FirstTimes<'a> {
    /// How long the list grows before its pairs move to the set.
    const FEW: usize = 16;

    /// Whether `pair` is seen for the first time; it is seen from now on.
    fn first(&mut self, pair: (&'a str, &'a str)) -> bool {
        if self.few.contains(&pair) {
            return false;
        }
        if self.few.len() < Self::FEW {
            self.few.push(pair);
            return true;
        }
        self.many.insert(pair)
    }
}

fn family_name(family: Family) -> &'static str {
    match family {
        Family::String => "string",
        Family::Numeric => "numeric",
        Family::Date => "date",
        Family::Bool => "boolean",
        Family::Binary => "binary",
        Family::IpAddress => "IP address",
        Family::Arn => "ARN",
        Family::Null => "null",
    }
}

/// Whether an operator family compares values of a key's type: string operators take ARN keys
/// too (IAM documents both), `Null` takes any key.
fn family_fits(family: Family, key: KeyType, also: Option<KeyType>) -> bool {
    let fits = |t: KeyType| match family {
        Family::Null => true,
        Family::String => matches!(t, KeyType::String | KeyType::Arn),
        Family::Arn => t == KeyType::Arn,
        Family::Numeric => t == KeyType::Numeric,
        Family::Date => t == KeyType::Date,
        Family::Bool => t == KeyType::Bool,
        Family::IpAddress => t == KeyType::IpAddress,
        Family::Binary => t == KeyType::Binary,
    };
    fits(key) || also.is_some_and(fits)
}

/// What IAM refuses in a principal value (E0201), one error per value:
/// - in a trust policy, a policy variable: "Invalid principal in policy" (IAM User Guide,
///   "IAM policy elements: Variables and tags": variables go in `Resource` and in condition
///   values only). Resource policies are other services' to refuse and are not held to it;
/// - a wildcard in part of a principal: "You cannot use a wildcard to match part of a principal
///   name or ARN" (IAM User Guide, "AWS JSON policy elements: Principal"), for every type;
///   `*` alone stays, as AWS documents it for `AWS` (for `Service`, `Federated` and
///   `CanonicalUser` AWS says nothing of a lone `*`, so it is not refused);
/// - an `AWS` value that is no principal ([`aws_principal_problem`]); a `Service` value that
///   is no DNS name under a domain (`iam::names::service_principal_problem`).
fn principal_problem(
    kind: PolicyKind,
    principal_kind: &str,
    value: &str,
    span: Span,
) -> Option<Diagnostic> {
    if kind == PolicyKind::Trust && crate::iam::policy::opens_variable(value) {
        return Some(
            Diagnostic::new(
                Code::WrongValue,
                format!("the principal `{value}` holds a policy variable, which IAM refuses in a trust policy's `Principal`"),
            )
            .at(span, "IAM answers \"Invalid principal in policy\"")
            .with_help("policy variables work in `Resource` and in condition values only: name the principal, and test the variable in a condition (`aws:PrincipalArn`, `aws:username`, ...)"),
        );
    }
    if principal_kind == "AWS" {
        let (problem, help) = aws_principal_problem(value)?;
        return Some(
            Diagnostic::new(
                Code::WrongValue,
                format!("`{value}` is not a principal IAM accepts"),
            )
            .at(span, problem)
            .with_help(help),
        );
    }
    if value != "*" && crate::iam::policy::has_wildcard(value) {
        let (what, help) = match principal_kind {
            "Service" => ("service principal", "name each service (`ec2.amazonaws.com`); to match services by pattern, test `aws:PrincipalServiceName` in a condition"),
            "Federated" => ("federated principal", "name the identity provider: its ARN (`arn:aws:iam::123456789012:saml-provider/NAME`, `...:oidc-provider/HOST`) or a web identity provider (`accounts.google.com`, `cognito-identity.amazonaws.com`); to tell its users apart, test the provider's keys in a condition"),
            _ => ("canonical user", "name the canonical user ID (64 hexadecimal characters); to match principals by pattern, use `\"AWS\": \"*\"` with a condition"),
        };
        return Some(
            Diagnostic::new(
                Code::WrongValue,
                format!("the {what} `{value}` holds a wildcard, which IAM refuses in a principal"),
            )
            .at(span, "a wildcard in part of a principal")
            .with_help(help),
        );
    }
    if principal_kind == "Service" && value != "*" {
        let problem = crate::iam::names::service_principal_problem(value)?;
        return Some(
            Diagnostic::new(
                Code::WrongValue,
                format!("`{value}` cannot be a service principal"),
            )
            .at(span, format!("{problem}: IAM answers \"Invalid principal in policy\""))
            .with_help("service principals are `NAME.amazonaws.com`, like `lambda.amazonaws.com` (`NAME.amazonaws.com.cn` in China)"),
        );
    }
    None
}

/// What IAM refuses in an `AWS` principal, with a help: "Invalid principal in policy" for
/// anything but `*`, an account (`123456789012` or `arn:PARTITION:iam::ACCOUNT:root`), an IAM
/// user or role ARN, an `sts` assumed-role or federated-user session ARN, or a unique ID IAM
/// writes for a deleted one (`AROA...`); and "You cannot use a wildcard to match part of a
/// principal name or ARN" (IAM User Guide, "AWS JSON policy elements: Principal").
fn aws_principal_problem(value: &str) -> Option<(&'static str, String)> {
    let unique_id = value.len() >= 16
        && value.starts_with('A')
        && value
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if value == "*" || crate::iam::names::is_account_id(value) || unique_id {
        return None;
    }
    let kinds =
        "an account ID, `arn:aws:iam::ACCOUNT:root`, a role or user ARN, or an `sts` session ARN";
    if value.contains(['*', '?']) {
        return Some((
            "a wildcard in part of a principal",
            format!("name {kinds}, or `*`; to match principals by pattern, test `aws:PrincipalArn` in a condition"),
        ));
    }
    let Some([_, partition, service, region, account, resource]) = arn_parts(value) else {
        return Some(("not an account ID or an ARN", format!("name {kinds}")));
    };
    let account_ok = crate::iam::names::is_account_id(account)
        // CloudFront's origin access identities: `arn:aws:iam::cloudfront:user/...`.
        || (account == "cloudfront" && resource.starts_with("user/"));
    let named = |prefix: &str, parts: usize| {
        resource.strip_prefix(prefix).is_some_and(|rest| {
            let pieces: Vec<&str> = rest.split('/').collect();
            pieces.len() >= parts && pieces.iter().all(|p| !p.is_empty())
        })
    };
    let resource_ok = match service {
        "iam" => resource == "root" || named("user/", 1) || named("role/", 1),
        "sts" => named("assumed-role/", 2) || named("federated-user/", 1),
        _ => false,
    };
    if !PARTITIONS.contains(&partition) || !region.is_empty() || !account_ok || !resource_ok {
        return Some((
            "not a principal: IAM answers \"Invalid principal in policy\"",
            format!("name {kinds} (groups and other resources cannot be principals)"),
        ));
    }
    None
}

/// An unknown service principal: a warning with the closest known one.
pub fn service_principal(name: &str, span: Span) -> Option<Diagnostic> {
    let catalog = Catalog::get();
    if is_wild(name) || catalog.is_service_principal(name) {
        return None;
    }
    let mut d = Diagnostic::new(
        Code::UnknownServicePrincipal,
        format!("unknown service principal `{name}`"),
    )
    .at(span, "not an AWS service principal iamx knows")
    .with_note("a trust to a principal that does not exist never applies");
    if let Some(close) = catalog.suggest_service_principal(name) {
        d = d.with_help(format!("did you mean `{close}`?"));
    }
    Some(d)
}

mod shapes;
pub use shapes::{action_problem, arn_problem};

#[cfg(test)]
mod tests;
