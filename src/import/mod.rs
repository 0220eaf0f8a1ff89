//! Import: IAM JSON to idiomatic `.iamx` source, checked by compiling it back.
//!
//! In: named JSON texts, each either one policy document (an identity policy or a role's trust
//! policy) or the output of `aws iam get-account-authorization-details` (GAAD). Out: one `.iamx`
//! source text (built as an AST and printed by [`crate::syntax::format::print`]), or errors that name the
//! document and statement that cannot be expressed.
//!
//! The guarantee: the source compiles, and every compiled document grants exactly the access of
//! the document it came from. [`import`] checks this itself with an [`Equivalence`] oracle
//! ([`CanonicalEquality`]: equal after [`PolicyDocument::canonicalize`]; or
//! [`AccessEquality`]: canonical equality as the fast path, otherwise the reasoning engine must
//! prove that each document allows everything the other does).
//! Nothing is dropped silently: what the language cannot say exactly is an error.

use crate::compile::lower::{Compiled, DocumentKind};
use crate::compile::{compile, Input, Options};
use crate::iam::operators::{Comparison, ConditionOperator, Family, SetQualifier};
use crate::iam::policy::{self, PolicyDocument, Principal};
use crate::source::{FileId, Span, Spanned};
use crate::syntax::ast::*;
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// Decides whether an imported document grants the same access as the original.
pub trait Equivalence {
    /// `Ok` when `imported` is equivalent to `original`; otherwise why not.
    fn check(&self, original: &PolicyDocument, imported: &PolicyDocument) -> Result<(), String>;
}

/// The strictest oracle: the two documents are equal once canonicalized (lists sorted and
/// de-duplicated, statement order kept).
pub struct CanonicalEquality;

impl Equivalence for CanonicalEquality {
    fn check(&self, original: &PolicyDocument, imported: &PolicyDocument) -> Result<(), String> {
        let mut a = original.clone();
        let mut b = imported.clone();
        a.canonicalize();
        b.canonicalize();
        if a == b {
            Ok(())
        } else {
            Err(format!(
                "the documents differ after canonicalization\n--- original\n{}--- compiled from the import\n{}",
                a.to_canonical_json(),
                b.to_canonical_json()
            ))
        }
    }
}

/// Canonical equality first; when that fails, the documents must allow exactly the same
/// requests, proved with the reasoning engine in both directions ([`crate::diff::compare_access`],
/// which also compares principals of trust policies). Anything the engine cannot decide counts
/// as a difference, so this never accepts what it has not proved.
pub struct AccessEquality;

impl Equivalence for AccessEquality {
    fn check(&self, original: &PolicyDocument, imported: &PolicyDocument) -> Result<(), String> {
        let Err(textual) = CanonicalEquality.check(original, imported) else {
            return Ok(());
        };
        if original.version != imported.version {
            return Err(textual);
        }
        let access = crate::diff::compare_access(Some(original), Some(imported));
        if access.is_empty() {
            return Ok(());
        }
        let mut why = Vec::new();
        for (label, entries) in [
            ("only the original allows", &access.removed),
            ("only the import allows", &access.added),
        ] {
            for entry in entries {
                if let Some(example) = &entry.example {
                    why.push(format!("{label} {example}"));
                }
            }
        }
        why.extend(access.undecided.iter().map(|u| format!("undecided: {u}")));
        Err(format!("{}\n{textual}", why.join("\n")))
    }
}

/// A successful import: the source and notes about choices made (merged inline policies, ...).
#[derive(Debug, Clone)]
pub struct Imported {
    pub source: String,
    pub notes: Vec<String>,
    /// How many documents were checked against their originals.
    pub checked: usize,
}

/// What one input document becomes, so the check can find its compiled counterpart.
#[derive(Debug, Clone)]
struct Expectation {
    /// For messages: `file.json`, `role x (trust)`, ...
    what: String,
    kind: DocumentKind,
    /// The policy name, or the owner's name for trust and inline documents.
    name: String,
    original: PolicyDocument,
}

struct Importer {
    items: Vec<Item>,
    expectations: Vec<Expectation>,
    errors: Vec<String>,
    notes: Vec<String>,
    account: Option<String>,
    partition: Option<String>,
}

/// Imports the inputs (name, JSON text) and checks the result with `oracle`.
pub fn import(
    inputs: &[(String, String)],
    oracle: &dyn Equivalence,
) -> Result<Imported, Vec<String>> {
    let mut importer = Importer {
        items: Vec::new(),
        expectations: Vec::new(),
        errors: Vec::new(),
        notes: Vec::new(),
        account: None,
        partition: None,
    };
    for (name, text) in inputs {
        match serde_json::from_str::<Json>(text) {
            Ok(json) => importer.input(name, &json),
            Err(error) => importer.errors.push(format!("{name}: not JSON: {error}")),
        }
    }
    if !importer.errors.is_empty() {
        return Err(importer.errors);
    }
    let mut items = Vec::new();
    let placeholder = importer.account.is_none();
    items.push(Item::Account(value_str(
        importer.account.as_deref().unwrap_or("000000000000"),
    )));
    if let Some(partition) = &importer.partition {
        if partition != "aws" {
            items.push(Item::Partition(value_str(partition)));
        }
    }
    items.append(&mut importer.items);
    let mut source = crate::syntax::format::print(&File { items });
    if placeholder {
        source = format!(
            "// The input names no account; set yours here (it only shapes the ARNs of what is declared).\n{source}"
        );
    }

    let compilation = compile(
        vec![Input {
            name: "imported.iamx".to_string(),
            bytes: source.clone().into_bytes(),
        }],
        &Options::default(),
    );
    let Some(compiled) = &compilation.compiled else {
        let rendered =
            crate::diagnostics::render(&compilation.diagnostics, &compilation.sources, false);
        return Err(vec![format!(
            "the imported source does not compile:\n{rendered}--- source\n{source}"
        )]);
    };
    let mut errors = Vec::new();
    for expectation in &importer.expectations {
        match find(compiled, expectation) {
            None => errors.push(format!(
                "{}: the imported source has no {} document for `{}`",
                expectation.what,
                expectation.kind.as_str(),
                expectation.name
            )),
            Some(document) => {
                if let Err(reason) = oracle.check(&expectation.original, document) {
                    errors.push(format!("{}: {reason}", expectation.what));
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(Imported {
            source,
            notes: importer.notes,
            checked: importer.expectations.len(),
        })
    } else {
        Err(errors)
    }
}

fn find<'c>(compiled: &'c Compiled, expectation: &Expectation) -> Option<&'c PolicyDocument> {
    compiled
        .documents
        .iter()
        .find(|d| {
            d.kind == expectation.kind
                && match d.kind {
                    DocumentKind::Boundary | DocumentKind::ManagedPolicy => {
                        d.name == expectation.name
                    }
                    _ => d.owner.as_deref() == Some(expectation.name.as_str()),
                }
        })
        .map(|d| &d.policy)
}

// ---- building the AST ---------------------------------------------------------------------

fn span() -> Span {
    Span::new(FileId(0), 0, 0)
}

fn sp<T>(node: T) -> Spanned<T> {
    Spanned::new(node, span())
}

/// A string, with IAM policy variables (`${aws:username}`) kept as pass-through interpolations
/// and every other `${` kept as literal text.
fn str_of(text: &str) -> Str {
    let mut parts = Vec::new();
    let mut rest = text;
    let mut literal = String::new();
    while let Some(open) = rest.find("${") {
        let after = &rest[open + 2..];
        match after.find('}') {
            Some(close)
                if close > 0
                    && !after[..close].contains(['"', '\n'])
                    && (after[..close].contains(':')
                        || matches!(&after[..close], "*" | "?" | "$")) =>
            {
                literal.push_str(&rest[..open]);
                if !literal.is_empty() {
                    parts.push(StrPart::Text(std::mem::take(&mut literal)));
                }
                parts.push(StrPart::Interpolation(sp(after[..close].to_string())));
                rest = &after[close + 1..];
            }
            _ => {
                literal.push_str(&rest[..open + 2]);
                rest = after;
            }
        }
    }
    literal.push_str(rest);
    if !literal.is_empty() || parts.is_empty() {
        parts.push(StrPart::Text(literal));
    }
    Str { parts }
}

fn value_str(text: &str) -> Value {
    sp(ValueKind::Str(str_of(text)))
}

fn name_str(text: &str) -> Spanned<Str> {
    sp(Str::literal(text))
}

/// An IAM name from a file name: letters, digits and `+=,.@_-`, at most `limit` characters.
pub fn sanitize_name(text: &str, limit: usize) -> String {
    let stem = text.rsplit(['/', '\\']).next().unwrap_or(text);
    let stem = stem.strip_suffix(".json").unwrap_or(stem);
    crate::iam::names::sanitize_name(stem, limit)
}

/// Actions grouped per service in order of first appearance: `s3:{GetObject, PutObject}`.
fn actions(list: &[String], what: &str) -> Result<Vec<Spanned<Action>>, String> {
    let mut groups: Vec<(String, Vec<Spanned<String>>)> = Vec::new();
    let mut out_order: Vec<Option<usize>> = Vec::new();
    for action in list {
        if action == "*" {
            out_order.push(None);
            continue;
        }
        let Some((service, name)) = action.split_once(':') else {
            return Err(format!(
                "{what}: `{action}` is not an action (`service:Action`)"
            ));
        };
        // IAM matches actions ignoring case; `.iamx` writes service prefixes in lowercase.
        // The result differs from the original textually, so only an oracle that decides
        // access (not canonical equality) accepts it.
        let service = &service.to_ascii_lowercase();
        let service_ok = !service.is_empty()
            && service
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-*?".contains(c));
        let name_ok = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_*?".contains(c));
        if !service_ok || !name_ok {
            return Err(format!(
                "{what}: cannot be written in .iamx: the action `{action}` (service prefixes are lowercase; names use letters, digits, `-`, `_`, `*` and `?`)"
            ));
        }
        match groups.iter_mut().position(|(s, _)| s == service) {
            Some(i) => groups[i].1.push(sp(name.to_string())),
            None => {
                groups.push((service.to_string(), vec![sp(name.to_string())]));
                out_order.push(Some(groups.len() - 1));
            }
        }
    }
    let mut out = Vec::new();
    for entry in out_order {
        match entry {
            None => out.push(sp(Action::Any)),
            Some(i) => out.push(sp(Action::Named {
                service: groups[i].0.clone(),
                names: groups[i].1.clone(),
            })),
        }
    }
    Ok(out)
}

fn resources(list: &[String]) -> Vec<Value> {
    list.iter()
        .map(|r| {
            if r == "*" {
                sp(ValueKind::Star)
            } else {
                value_str(r)
            }
        })
        .collect()
}

fn is_arn_key(key: &str) -> bool {
    matches!(
        key.to_lowercase().as_str(),
        "aws:principalarn" | "aws:sourcearn" | "iam:policyarn" | "ec2:instanceprofile"
    )
}

fn is_number(text: &str) -> bool {
    let body = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    b.len() >= 10
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && (b.len() == 10
            || b[10] == b'T'
                && b.len() > 11
                && b[11..]
                    .iter()
                    .all(|c| c.is_ascii_digit() || b":.Z+-".contains(c)))
}

fn is_ipv4_cidr(text: &str) -> bool {
    let (address, bits) = match text.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (text, None),
    };
    let octets: Vec<&str> = address.split('.').collect();
    octets.len() == 4
        && octets
            .iter()
            .all(|o| (1..=3).contains(&o.len()) && o.bytes().all(|b| b.is_ascii_digit()))
        && bits.is_none_or(|b| (1..=2).contains(&b.len()) && b.bytes().all(|c| c.is_ascii_digit()))
}

fn looks_like_ipv6_cidr(text: &str) -> bool {
    let address = text.split('/').next().unwrap_or("");
    text.contains(':') && address.parse::<std::net::Ipv6Addr>().is_ok()
}

/// One IAM condition as a clause: the concise form when it lowers to exactly this operator,
/// otherwise the escape hatch `Operator(key, values)`.
fn clause(operator: &str, key: &str, values: &[String], what: &str) -> Result<Clause, String> {
    if values.is_empty() {
        return Err(format!(
            "{what}: the condition `{operator}` on `{key}` has no values, which .iamx cannot write"
        ));
    }
    let parsed = ConditionOperator::parse(operator);
    let quantifier = parsed.set.map(|set| match set {
        SetQualifier::ForAnyValue => Quantifier::Any,
        SetQualifier::ForAllValues => Quantifier::All,
    });
    let strings = || values.iter().map(|v| value_str(v)).collect::<Vec<_>>();
    let text_ok = values.iter().all(|v| !looks_like_ipv6_cidr(v));
    let arn_key = is_arn_key(key);
    let numeric = || values.iter().all(|v| is_number(v));
    let dates = || values.iter().all(|v| is_date(v));
    let numbers = || {
        values
            .iter()
            .map(|v| sp(ValueKind::Number(v.clone())))
            .collect()
    };
    let date_values = || {
        values
            .iter()
            .map(|v| sp(ValueKind::Date(v.clone())))
            .collect()
    };
    let compare = |op| Test::Compare {
        op,
        values: strings(),
    };
    use Comparison as C;
    use Family as F;
    let known = parsed.known().map(|b| (b.family, b.comparison, b.negated));
    let test: Option<Test> = match known {
        Some((F::String, C::Equals, negated)) if !arn_key && text_ok => Some(compare(if negated {
            CompareOp::Ne
        } else {
            CompareOp::Eq
        })),
        // `ArnEquals` matches wildcards like `ArnLike`; `==` on an ARN key writes it back.
        Some((F::Arn, C::Like, negated))
            if arn_key && text_ok && parsed.base.contains("Equals") =>
        {
            Some(compare(if negated {
                CompareOp::Ne
            } else {
                CompareOp::Eq
            }))
        }
        Some((F::String, C::Like, negated)) if !arn_key && text_ok => Some(Test::Like {
            negated,
            values: strings(),
        }),
        Some((F::Arn, C::Like, negated)) if arn_key && text_ok => Some(Test::Like {
            negated,
            values: strings(),
        }),
        Some((F::Bool, _, _)) if values.iter().all(|v| v == "true" || v == "false") => {
            Some(Test::Compare {
                op: CompareOp::Eq,
                values: values
                    .iter()
                    .map(|v| sp(ValueKind::Bool(v == "true")))
                    .collect(),
            })
        }
        Some((F::IpAddress, _, negated))
            if values
                .iter()
                .all(|v| is_ipv4_cidr(v) || looks_like_ipv6_cidr(v)) =>
        {
            Some(Test::In {
                negated,
                values: values
                    .iter()
                    .map(|v| {
                        if is_ipv4_cidr(v) {
                            sp(ValueKind::Cidr(v.clone()))
                        } else {
                            value_str(v)
                        }
                    })
                    .collect(),
            })
        }
        Some((F::Null, _, _))
            if quantifier.is_none()
                && values.len() == 1
                && (values[0] == "true" || values[0] == "false") =>
        {
            Some(Test::Exists {
                negated: values[0] == "true",
            })
        }
        Some((F::Numeric, comparison, negated)) if numeric() => compare_op(comparison, negated)
            .map(|op| Test::Compare {
                op,
                values: numbers(),
            }),
        Some((F::Date, comparison, negated)) if dates() => {
            compare_op(comparison, negated).map(|op| Test::Compare {
                op,
                values: date_values(),
            })
        }
        _ => None,
    };
    Ok(match test {
        Some(test) => Clause {
            quantifier,
            key: sp(str_of(key)),
            test,
            if_exists: parsed.if_exists,
        },
        None => Clause {
            quantifier: None,
            key: sp(str_of(key)),
            test: Test::Operator {
                name: sp(operator.to_string()),
                values: strings(),
            },
            if_exists: false,
        },
    })
}

/// The `.iamx` comparison for a numeric or date operator.
fn compare_op(comparison: Comparison, negated: bool) -> Option<CompareOp> {
    Some(match (comparison, negated) {
        (Comparison::Equals, false) => CompareOp::Eq,
        (Comparison::Equals, true) => CompareOp::Ne,
        (Comparison::LessThan, false) => CompareOp::Lt,
        (Comparison::LessThanEquals, false) => CompareOp::Le,
        (Comparison::GreaterThan, false) => CompareOp::Gt,
        (Comparison::GreaterThanEquals, false) => CompareOp::Ge,
        _ => return None,
    })
}

fn conditions(statement: &policy::Statement, what: &str) -> Result<Vec<Spanned<Clause>>, String> {
    let mut out = Vec::new();
    for (operator, key, values) in statement.condition.clauses() {
        if !operator
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_uppercase())
            || !operator
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ':')
        {
            return Err(format!(
                "{what}: `{operator}` is not a condition operator .iamx can write"
            ));
        }
        out.push(sp(clause(operator, key, values, what)?));
    }
    Ok(out)
}

fn check_document(document: &PolicyDocument, what: &str) -> Result<(), String> {
    if !document.substitutes_variables() {
        let version = match &document.version {
            Some(version) => format!("policy language version `{version}`"),
            None => "a document without `Version`".to_string(),
        };
        return Err(format!(
            "{what}: {version} cannot be expressed (.iamx always emits {})",
            policy::POLICY_VERSION
        ));
    }
    if document.id.is_some() {
        return Err(format!(
            "{what}: the document `Id` cannot be expressed in .iamx"
        ));
    }
    Ok(())
}

fn statement_label(what: &str, index: usize, statement: &policy::Statement) -> String {
    match &statement.sid {
        Some(sid) => format!("{what}, statement {} (Sid `{sid}`)", index + 1),
        None => format!("{what}, statement {}", index + 1),
    }
}

/// An identity policy's statements as members.
fn identity_members(document: &PolicyDocument, what: &str) -> Result<Vec<Member>, String> {
    check_document(document, what)?;
    let mut members = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        let label = statement_label(what, index, statement);
        if let Some(problem) = statement.shape_error() {
            return Err(format!("{label}: {problem}"));
        }
        if statement.principal.is_some() || statement.not_principal.is_some() {
            return Err(format!(
                "{label}: a `Principal` belongs in trust or resource policies; this identity policy cannot carry it"
            ));
        }
        let sid = match &statement.sid {
            None => None,
            Some(sid)
                if !sid.is_empty() && sid.chars().all(|c| c.is_ascii_alphanumeric()) =>
            {
                Some(sp(sid.clone()))
            }
            Some(sid) => {
                return Err(format!(
                    "{label}: cannot be written in .iamx: the Sid `{sid}` is not valid in IAM (letters and digits only)"
                ))
            }
        };
        let (not_action, action_list) = match (&statement.action, &statement.not_action) {
            (Some(list), None) => (false, list),
            (None, Some(list)) => (true, list),
            _ => unreachable!("shape checked"),
        };
        let (not_resource, resource_list) = match (&statement.resource, &statement.not_resource) {
            (Some(list), None) => (false, list),
            (None, Some(list)) => (true, list),
            _ => {
                return Err(format!(
                    "{label}: the statement names no `Resource`, which .iamx statements always do"
                ))
            }
        };
        if action_list.is_empty() || resource_list.is_empty() {
            return Err(format!(
                "{label}: an empty action or resource list cannot be written"
            ));
        }
        members.push(Member::Statement(sp(Statement {
            sid,
            effect: sp(statement.effect),
            not_action,
            actions: actions(action_list, &label)?,
            not_resource,
            resources: resources(resource_list),
            conditions: conditions(statement, &label)?,
        })));
    }
    Ok(members)
}

/// A trust policy's statements as `trust` members.
fn trust_members(document: &PolicyDocument, what: &str) -> Result<Vec<Member>, String> {
    check_document(document, what)?;
    let mut members = Vec::new();
    for (index, statement) in document.statements.iter().enumerate() {
        let label = statement_label(what, index, statement);
        if statement.sid.is_some() {
            return Err(format!("{label}: `trust` lines have no Sid; remove it from the JSON or keep this role in JSON"));
        }
        if statement.resource.is_some() || statement.not_resource.is_some() {
            return Err(format!(
                "{label}: a trust statement with `Resource` cannot be expressed"
            ));
        }
        if statement.not_action.is_some() {
            return Err(format!(
                "{label}: a trust statement with `NotAction` cannot be expressed"
            ));
        }
        let (not_principal, principal) = match (&statement.principal, &statement.not_principal) {
            (Some(p), None) => (false, p),
            (None, Some(p)) => (true, p),
            _ => {
                return Err(format!(
                "{label}: a trust statement needs exactly one of `Principal` and `NotPrincipal`"
            ))
            }
        };
        let (kind, principals) = match principal {
            Principal::Any(_) => (PrincipalKind::Anyone, Vec::new()),
            Principal::Map(map) => {
                if map.len() != 1 {
                    return Err(format!(
                        "{label}: the principal mixes kinds ({}); write one statement per kind",
                        map.keys().cloned().collect::<Vec<_>>().join(", ")
                    ));
                }
                let (key, values) = map.iter().next().expect("one entry");
                let kind = match key.as_str() {
                    "Service" => PrincipalKind::Service,
                    "AWS" => PrincipalKind::Aws,
                    "Federated" => PrincipalKind::Federated,
                    other => {
                        return Err(format!("{label}: `{other}` principals cannot be expressed"))
                    }
                };
                let values = values
                    .iter()
                    .map(|v| match kind {
                        PrincipalKind::Service if crate::syntax::lexical::is_dns_name(v) => {
                            sp(ValueKind::DnsName(v.clone()))
                        }
                        PrincipalKind::Aws if v == "*" => sp(ValueKind::Star),
                        _ => value_str(v),
                    })
                    .collect();
                (kind, values)
            }
        };
        let action_list = statement.action.clone().unwrap_or_default();
        let default = match kind {
            PrincipalKind::Federated
                if principals.iter().any(|p| match &p.node {
                    ValueKind::Str(s) => s
                        .as_literal()
                        .is_some_and(|t| t.contains(":saml-provider/")),
                    _ => false,
                }) =>
            {
                "sts:AssumeRoleWithSAML"
            }
            PrincipalKind::Federated => "sts:AssumeRoleWithWebIdentity",
            _ => "sts:AssumeRole",
        };
        let trust_actions = if action_list.len() == 1 && action_list[0] == default {
            Vec::new()
        } else {
            actions(&action_list, &label)?
        };
        members.push(Member::Trust(sp(Trust {
            deny: statement.effect == policy::Effect::Deny,
            not_principal,
            kind: sp(kind),
            principals,
            actions: trust_actions,
            conditions: conditions(statement, &label)?,
        })));
    }
    Ok(members)
}

fn is_trust_policy(document: &PolicyDocument) -> bool {
    !document.statements.is_empty()
        && document.statements.iter().all(|s| {
            (s.principal.is_some() || s.not_principal.is_some())
                && s.action.as_ref().is_some_and(|actions| {
                    actions.iter().any(|a| a.starts_with("sts:AssumeRole"))
                        && actions.iter().all(|a| a.starts_with("sts:"))
                })
        })
}

/// Reads a policy document given as JSON or as URL-encoded JSON text (as the IAM API returns it).
fn document_of(json: &Json, what: &str) -> Result<PolicyDocument, String> {
    let text = match json {
        Json::String(text) => percent_decode(text),
        other => other.to_string(),
    };
    crate::iam::read::policy_from_str(&text)
        .map_err(|e| format!("{what}: not an IAM policy document: {e}"))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn string_field<'a>(json: &'a Json, field: &str) -> Option<&'a str> {
    json.get(field).and_then(Json::as_str)
}

fn array<'a>(json: &'a Json, field: &str) -> &'a [Json] {
    json.get(field)
        .and_then(Json::as_array)
        .map_or(&[], Vec::as_slice)
}

impl Importer {
    fn input(&mut self, name: &str, json: &Json) {
        let is_gaad = [
            "RoleDetailList",
            "UserDetailList",
            "GroupDetailList",
            "Policies",
        ]
        .iter()
        .any(|key| json.get(key).is_some());
        if is_gaad {
            self.gaad(name, json);
            return;
        }
        let document = match document_of(json, name) {
            Ok(document) => document,
            Err(e) => return self.errors.push(e),
        };
        if is_trust_policy(&document) {
            let role = sanitize_name(name, 64);
            match trust_members(&document, name) {
                Ok(members) => {
                    self.expect(name, DocumentKind::Trust, &role, document);
                    self.block(BlockKind::Role, &role, members);
                }
                Err(e) => self.errors.push(e),
            }
        } else {
            let policy = sanitize_name(name, 128);
            match identity_members(&document, name) {
                Ok(members) => {
                    self.expect(name, DocumentKind::ManagedPolicy, &policy, document);
                    self.block(BlockKind::Policy, &policy, members);
                }
                Err(e) => self.errors.push(e),
            }
        }
    }

    fn expect(&mut self, what: &str, kind: DocumentKind, name: &str, original: PolicyDocument) {
        self.expectations.push(Expectation {
            what: what.to_string(),
            kind,
            name: name.to_string(),
            original,
        });
    }

    fn block(&mut self, kind: BlockKind, name: &str, members: Vec<Member>) {
        self.items.push(Item::Block(sp(Block {
            kind: sp(kind),
            name: name_str(name),
            members,
        })));
    }

    /// Account and partition from an ARN of the account.
    fn learn_account(&mut self, arn: Option<&str>) {
        let Some(arn) = arn else { return };
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        if parts.len() == 6 && self.account.is_none() && !parts[4].is_empty() {
            self.account = Some(parts[4].to_string());
            self.partition = Some(parts[1].to_string());
        }
    }

    fn gaad(&mut self, file: &str, json: &Json) {
        // Customer managed policies, and which of them serve as permissions boundaries.
        let mut boundary_arns: Vec<String> = Vec::new();
        for principal in array(json, "RoleDetailList")
            .iter()
            .chain(array(json, "UserDetailList"))
        {
            if let Some(arn) = principal
                .get("PermissionsBoundary")
                .and_then(|b| string_field(b, "PermissionsBoundaryArn"))
            {
                boundary_arns.push(arn.to_string());
            }
        }
        // ARN → (kind, name) of the project's own policies.
        let mut own: BTreeMap<String, (BlockKind, String)> = BTreeMap::new();
        for policy in array(json, "Policies") {
            let name = string_field(policy, "PolicyName")
                .unwrap_or_default()
                .to_string();
            let arn = string_field(policy, "Arn").unwrap_or_default().to_string();
            let what = format!("{file}: policy `{name}`");
            self.learn_account(Some(&arn));
            let Some(version) = array(policy, "PolicyVersionList")
                .iter()
                .find(|v| v.get("IsDefaultVersion").and_then(Json::as_bool) == Some(true))
            else {
                self.errors
                    .push(format!("{what}: no default version in PolicyVersionList"));
                continue;
            };
            let document = match version
                .get("Document")
                .ok_or_else(|| format!("{what}: the default version has no Document"))
                .and_then(|d| document_of(d, &what))
            {
                Ok(d) => d,
                Err(e) => {
                    self.errors.push(e);
                    continue;
                }
            };
            let is_boundary = boundary_arns.contains(&arn);
            let kind = if is_boundary {
                BlockKind::Boundary
            } else {
                BlockKind::Policy
            };
            let mut members = Vec::new();
            if let Some(path) = string_field(policy, "Path").filter(|p| *p != "/") {
                members.push(setting(Setting::Path(value_str(path))));
            }
            if let Some(description) = string_field(policy, "Description") {
                members.push(setting(Setting::Description(value_str(description))));
            }
            match identity_members(&document, &what) {
                Ok(mut statements) => members.append(&mut statements),
                Err(e) => {
                    self.errors.push(e);
                    continue;
                }
            }
            let doc_kind = if is_boundary {
                DocumentKind::Boundary
            } else {
                DocumentKind::ManagedPolicy
            };
            self.expect(&what, doc_kind, &name, document);
            self.block(kind, &name, members);
            own.insert(arn, (kind, name));
        }

        for group in array(json, "GroupDetailList") {
            let name = string_field(group, "GroupName")
                .unwrap_or_default()
                .to_string();
            let what = format!("{file}: group `{name}`");
            self.learn_account(string_field(group, "Arn"));
            let mut members = self.principal_common(group, &what, &own);
            match self.inline(group, "GroupPolicyList", &what) {
                Ok(Some((document, mut statements))) => {
                    members.append(&mut statements);
                    self.expect(&what, DocumentKind::GroupInline, &name, document);
                }
                Ok(None) => {}
                Err(e) => self.errors.push(e),
            }
            self.block(BlockKind::Group, &name, members);
        }

        for user in array(json, "UserDetailList") {
            let name = string_field(user, "UserName")
                .unwrap_or_default()
                .to_string();
            let what = format!("{file}: user `{name}`");
            self.learn_account(string_field(user, "Arn"));
            let mut members = self.principal_common(user, &what, &own);
            let groups: Vec<Value> = array(user, "GroupList")
                .iter()
                .filter_map(Json::as_str)
                .map(value_str)
                .collect();
            if !groups.is_empty() {
                members.push(setting(Setting::Groups(groups)));
            }
            match self.inline(user, "UserPolicyList", &what) {
                Ok(Some((document, mut statements))) => {
                    members.append(&mut statements);
                    self.expect(&what, DocumentKind::UserInline, &name, document);
                }
                Ok(None) => {}
                Err(e) => self.errors.push(e),
            }
            self.block(BlockKind::User, &name, members);
        }

        for role in array(json, "RoleDetailList") {
            let name = string_field(role, "RoleName")
                .unwrap_or_default()
                .to_string();
            let what = format!("{file}: role `{name}`");
            self.learn_account(string_field(role, "Arn"));
            let mut members = self.principal_common(role, &what, &own);
            if let Some(description) = string_field(role, "Description") {
                members.push(setting(Setting::Description(value_str(description))));
            }
            if let Some(seconds) = role.get("MaxSessionDuration").and_then(Json::as_u64) {
                if seconds != 3600 {
                    members.push(setting(Setting::MaxSession(sp(seconds.to_string()))));
                }
            }
            let profiles = array(role, "InstanceProfileList");
            match profiles {
                [] => {}
                [profile] => {
                    let profile_name =
                        string_field(profile, "InstanceProfileName").unwrap_or(&name);
                    let role_path = string_field(role, "Path").unwrap_or("/");
                    if string_field(profile, "Path").unwrap_or("/") != role_path {
                        self.errors.push(format!(
                            "{what}: the instance profile `{profile_name}` has a path other than the role's, which .iamx cannot express"
                        ));
                    }
                    members.push(setting(Setting::InstanceProfile(Some(value_str(
                        profile_name,
                    )))));
                }
                _ => self.errors.push(format!(
                    "{what}: the role is in {} instance profiles; .iamx gives a role at most one",
                    profiles.len()
                )),
            }
            match role
                .get("AssumeRolePolicyDocument")
                .ok_or_else(|| format!("{what}: no AssumeRolePolicyDocument"))
                .and_then(|d| document_of(d, &format!("{what} (trust policy)")))
                .and_then(|d| trust_members(&d, &format!("{what} (trust policy)")).map(|m| (d, m)))
            {
                Ok((document, mut trust)) => {
                    members.append(&mut trust);
                    self.expect(
                        &format!("{what} (trust policy)"),
                        DocumentKind::Trust,
                        &name,
                        document,
                    );
                }
                Err(e) => self.errors.push(e),
            }
            match self.inline(role, "RolePolicyList", &what) {
                Ok(Some((document, mut statements))) => {
                    members.append(&mut statements);
                    self.expect(
                        &format!("{what} (inline policies)"),
                        DocumentKind::RoleInline,
                        &name,
                        document,
                    );
                }
                Ok(None) => {}
                Err(e) => self.errors.push(e),
            }
            self.block(BlockKind::Role, &name, members);
        }
    }

    /// Path, permissions boundary, attached policies and tags of a role, user or group.
    fn principal_common(
        &mut self,
        json: &Json,
        what: &str,
        own: &BTreeMap<String, (BlockKind, String)>,
    ) -> Vec<Member> {
        let mut members = Vec::new();
        if let Some(path) = string_field(json, "Path").filter(|p| *p != "/") {
            members.push(setting(Setting::Path(value_str(path))));
        }
        if let Some(arn) = json
            .get("PermissionsBoundary")
            .and_then(|b| string_field(b, "PermissionsBoundaryArn"))
        {
            let reference = match own.get(arn) {
                Some((BlockKind::Boundary, name)) => reference(name),
                _ => value_str(arn),
            };
            members.push(setting(Setting::Boundary(reference)));
        }
        let attached: Vec<Value> = array(json, "AttachedManagedPolicies")
            .iter()
            .filter_map(|p| string_field(p, "PolicyArn"))
            .map(|arn| match own.get(arn) {
                Some((BlockKind::Policy, name)) => reference(name),
                _ => value_str(arn),
            })
            .collect();
        if !attached.is_empty() {
            members.push(setting(Setting::Attach(attached)));
        }
        for tag in array(json, "Tags") {
            let (Some(key), Some(value)) = (string_field(tag, "Key"), string_field(tag, "Value"))
            else {
                continue;
            };
            members.push(setting(Setting::Tag {
                key: sp(str_of(key)),
                value: value_str(value),
            }));
        }
        let _ = what;
        members
    }

    /// A principal's inline policies as one document (IAM evaluates them together, so their
    /// statements concatenated grant exactly the same access).
    fn inline(
        &mut self,
        json: &Json,
        field: &str,
        what: &str,
    ) -> Result<Option<(PolicyDocument, Vec<Member>)>, String> {
        let policies = array(json, field);
        if policies.is_empty() {
            return Ok(None);
        }
        let mut statements = Vec::new();
        let mut names = Vec::new();
        for policy in policies {
            let name = string_field(policy, "PolicyName").unwrap_or_default();
            let label = format!("{what}: inline policy `{name}`");
            let document =
                document_of(policy.get("PolicyDocument").unwrap_or(&Json::Null), &label)?;
            check_document(&document, &label)?;
            statements.extend(document.statements);
            names.push(name.to_string());
        }
        let mut sids: Vec<&String> = statements.iter().filter_map(|s| s.sid.as_ref()).collect();
        sids.sort();
        if let Some(pair) = sids.windows(2).find(|w| w[0] == w[1]) {
            return Err(format!(
                "{what}: the inline policies {} share the Sid `{}`, so they cannot become one document",
                names.join(", "),
                pair[0]
            ));
        }
        if names.len() > 1 {
            self.notes.push(format!(
                "{what}: inline policies {} are merged into one inline document",
                names.join(", ")
            ));
        } else {
            self.notes.push(format!(
                "{what}: inline policy `{}` becomes the block's inline document",
                names[0]
            ));
        }
        let document = PolicyDocument::new(statements);
        let members = identity_members(&document, what)?;
        Ok(Some((document, members)))
    }
}

fn setting(s: Setting) -> Member {
    Member::Setting(sp(s))
}

/// A reference to one of the project's policies: a bare name when it is an identifier.
fn reference(name: &str) -> Value {
    if crate::syntax::lexical::is_ident(name) && parse_as_name(name) {
        sp(ValueKind::Name(name.to_string()))
    } else {
        sp(ValueKind::Str(Str::literal(name)))
    }
}

/// Whether `name` reads back as a bare name (not a keyword or another kind of value).
fn parse_as_name(name: &str) -> bool {
    let text = format!("let x = {name}");
    matches!(
        crate::syntax::parse::parse(FileId(0), &text).map(|f| f.items),
        Ok(items) if matches!(items.as_slice(), [Item::Let(Let { value, .. })] if value.node == ValueKind::Name(name.to_string()))
    )
}
