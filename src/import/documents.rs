//! Policy documents to `.iamx` members: actions grouped per service, resources, conditions
//! mapped back through the operator table, trust principals; or why a document cannot be
//! written in `.iamx`.
//!
//! In: one IAM policy document and how messages name it. Out: AST members (spans are dummies:
//! the AST is printed by the formatter, never reported on).

use super::*;
use crate::catalog::KeyType;
use crate::syntax::lexical::{is_cidr, is_date, is_number, is_quoted_ipv6};

// ---- building the AST ---------------------------------------------------------------------

pub(super) fn span() -> Span {
    Span::new(FileId(0), 0, 0)
}

pub(super) fn sp<T>(node: T) -> Spanned<T> {
    Spanned::new(node, span())
}

/// A string, with IAM policy variables (`${aws:username}`) kept as pass-through interpolations
/// and every other `${` kept as literal text.
pub(super) fn str_of(text: &str) -> Str {
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
                    parts.push(StrPart::Text(Text::from(std::mem::take(&mut literal))));
                }
                parts.push(StrPart::Interpolation(sp(Text::from(&after[..close]))));
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
        parts.push(StrPart::Text(Text::from(literal)));
    }
    Str { parts }
}

pub(super) fn value_str(text: &str) -> Value {
    sp(ValueKind::Str(str_of(text)))
}

pub(super) fn name_str(text: &str) -> Spanned<Str> {
    sp(Str::literal(text))
}

/// An IAM name from a file name: letters, digits and `+=,.@_-`, at most `limit` characters.
pub fn sanitize_name(text: &str, limit: usize) -> String {
    let stem = text.rsplit(['/', '\\']).next().unwrap_or(text);
    let stem = stem.strip_suffix(".json").unwrap_or(stem);
    crate::iam::names::sanitize_name(stem, limit)
}

/// Actions grouped per service in order of first appearance: `s3:{GetObject, PutObject}`.
pub(super) fn actions(list: &[String], what: &str) -> Result<Vec<Spanned<Action>>, String> {
    let catalog = crate::catalog::Catalog::get();
    /// An entry of the output, in order of first appearance.
    enum Entry {
        /// A service's names: `groups[i]`.
        Group(usize),
        Alone(Action),
    }
    let mut groups: Vec<(Text, Vec<Spanned<Text>>)> = Vec::new();
    let mut out_order: Vec<Entry> = Vec::new();
    let mut unchecked = Vec::new();
    for action in list {
        if action == "*" {
            out_order.push(Entry::Alone(Action::Any));
            continue;
        }
        // Actions the catalog snapshot does not know (retired, or newer than the snapshot:
        // AWS's own managed policies name both) are kept in the quoted form, which the compiler
        // takes as written instead of refusing.
        if !catalog.matches_any_action(action) {
            if action.contains(['"', '\\']) {
                return Err(format!(
                    "{what}: cannot be written in .iamx: the action `{action}`"
                ));
            }
            unchecked.push(sp(Action::Unchecked(Text::from(action.as_str()))));
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
        // The grammar reads a leading `*` as "every action": a wildcard service (`*:Get*`) is
        // written quoted, which the compiler takes as written.
        if service.starts_with('*') {
            out_order.push(Entry::Alone(Action::Unchecked(Text::from(action.as_str()))));
            continue;
        }
        match groups.iter_mut().position(|(s, _)| s == service) {
            Some(i) => groups[i].1.push(sp(Text::from(name))),
            None => {
                groups.push((Text::from(service.as_str()), vec![sp(Text::from(name))]));
                out_order.push(Entry::Group(groups.len() - 1));
            }
        }
    }
    let mut out = Vec::new();
    for entry in out_order {
        match entry {
            Entry::Alone(action) => out.push(sp(action)),
            Entry::Group(i) => out.push(sp(Action::Named {
                service: groups[i].0.clone(),
                names: groups[i].1.clone(),
            })),
        }
    }
    out.extend(unchecked);
    Ok(out)
}

pub(super) fn resources(list: &[String]) -> Vec<Value> {
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

pub(super) fn is_arn_key(key: &str) -> bool {
    matches!(
        key.to_lowercase().as_str(),
        "aws:principalarn" | "aws:sourcearn" | "iam:policyarn" | "ec2:instanceprofile"
    )
}

/// One IAM condition as a clause: the concise form when it lowers to exactly this operator,
/// otherwise the escape hatch `Operator(key, values)`.
pub(super) fn clause(
    operator: &str,
    key: &str,
    values: &[String],
    what: &str,
) -> Result<Clause, String> {
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
    let text_ok = values.iter().all(|v| !is_quoted_ipv6(v));
    let arn_key = is_arn_key(key);
    let numeric = || values.iter().all(|v| is_number(v));
    let dates = || values.iter().all(|v| is_date(v));
    let numbers = || {
        values
            .iter()
            .map(|v| sp(ValueKind::Number(Text::from(v.as_str()))))
            .collect()
    };
    let date_values = || {
        values
            .iter()
            .map(|v| sp(ValueKind::Date(Text::from(v.as_str()))))
            .collect()
    };
    let compare = |op| Test::Compare {
        op,
        values: strings(),
    };
    use Comparison as C;
    use Family as F;
    // The `.iamx` comparison forms pick their operator from the key's catalog type, so they
    // are only written where that type agrees with the original operator's family; anything
    // else (AWS's own policies compare Bool keys with strings) keeps its operator, written out.
    let key_type = crate::catalog::Catalog::get()
        .condition_key(key)
        .map(|k| (k.key_type, k.also_type));
    let fits = |family: Family| {
        let Some((key_type, also)) = key_type else {
            return true;
        };
        let wanted = match family {
            Family::String => KeyType::String,
            Family::Arn => KeyType::Arn,
            Family::Numeric => KeyType::Numeric,
            Family::Date => KeyType::Date,
            Family::Bool => KeyType::Bool,
            Family::IpAddress => KeyType::IpAddress,
            Family::Binary => KeyType::Binary,
            Family::Null => return true,
        };
        key_type == wanted || also == Some(wanted)
    };
    let known = parsed
        .known()
        .filter(|b| fits(b.family))
        .map(|b| (b.family, b.comparison, b.negated));
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
            if values.iter().all(|v| is_cidr(v) || is_quoted_ipv6(v)) =>
        {
            Some(Test::In {
                negated,
                values: values
                    .iter()
                    .map(|v| {
                        if is_cidr(v) {
                            sp(ValueKind::Cidr(Text::from(v.as_str())))
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
                name: sp(Text::from(operator)),
                values: strings(),
            },
            if_exists: false,
        },
    })
}

/// The `.iamx` comparison for a numeric or date operator.
pub(super) fn compare_op(comparison: Comparison, negated: bool) -> Option<CompareOp> {
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

pub(super) fn conditions(
    statement: &policy::Statement,
    what: &str,
) -> Result<Vec<Spanned<Clause>>, String> {
    let mut out = Vec::new();
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for (operator, key, values) in statement.condition.clauses() {
        // Condition keys ignore case: two spellings of one key under one operator are one
        // key twice, which `.iamx` (one test per key and operator) cannot write.
        if let Some((_, first)) = seen
            .iter()
            .find(|(o, k)| *o == operator && k.eq_ignore_ascii_case(key))
        {
            return Err(format!(
                "{what}: the `Condition` operator `{operator}` has the keys `{first}` and `{key}`, one key to IAM (condition keys ignore case), which .iamx cannot write twice in one statement"
            ));
        }
        seen.push((operator, key));
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

/// `document` without its empty Sids. IAM takes `"Sid": ""` (the console's role wizard writes
/// it into trust policies) as no Sid: it names nothing and changes no access, and `.iamx` has
/// no way to write it. Every document is read through here before it becomes members or the
/// original its import is checked against.
pub(super) fn without_empty_sids(mut document: PolicyDocument) -> PolicyDocument {
    for statement in &mut document.statements {
        if statement.sid.as_deref() == Some("") {
            statement.sid = None;
        }
    }
    document
}

pub(super) fn check_document(document: &PolicyDocument, what: &str) -> Result<(), String> {
    if !document.substitutes_variables() {
        // A document without `${` was written as 2012-10-17 already (`Importer::carried`).
        let version = match &document.version {
            Some(version) if version == "2008-10-17" => {
                format!("policy language version `{version}` with `${{` in it")
            }
            Some(version) => format!("policy language version `{version}`"),
            None => "a document without `Version` and with `${` in it".to_string(),
        };
        return Err(format!(
            "{what}: {version} cannot be expressed (.iamx always emits {}, where `${{...}}` is a policy variable, not text)",
            policy::POLICY_VERSION
        ));
    }
    if document.id.is_some() {
        return Err(format!(
            "{what}: the document `Id` cannot be expressed in .iamx"
        ));
    }
    for (index, statement) in document.statements.iter().enumerate() {
        let lists = [
            ("Action", &statement.action),
            ("NotAction", &statement.not_action),
            ("Resource", &statement.resource),
            ("NotResource", &statement.not_resource),
        ];
        let listed = lists
            .into_iter()
            .flat_map(|(field, list)| list.iter().flatten().map(move |t| (field, t.as_str())));
        let principals = [
            ("Principal", &statement.principal),
            ("NotPrincipal", &statement.not_principal),
        ];
        let principals = principals.into_iter().flat_map(|(field, principal)| {
            let values = match principal.as_deref() {
                Some(policy::Principal::Map(map)) => Some(map.iter()),
                _ => None,
            };
            (values.into_iter().flatten()).flat_map(move |(kind, values)| {
                std::iter::once(kind)
                    .chain(values)
                    .map(move |t| (field, t.as_str()))
            })
        });
        let conditions = statement.condition.clauses().flat_map(|(_, key, values)| {
            std::iter::once(key)
                .chain(values.iter().map(String::as_str))
                .map(|t| ("Condition", t))
        });
        let sid = statement.sid.as_deref().map(|sid| ("Sid", sid));
        let found = (sid
            .into_iter()
            .chain(listed)
            .chain(principals)
            .chain(conditions))
        .find_map(|(field, text)| unwritable(text).map(|c| (field, c)));
        if let Some((field, c)) = found {
            let label = statement_label(what, index, statement);
            return Err(unwritable_message(&label, &format!("its `{field}`"), c));
        }
    }
    Ok(())
}

/// The first character of `text` that a `.iamx` string cannot hold but raw and unseen: a control
/// character (U+0000 to U+001F, U+007F to U+009F) other than line feed and tab, which the
/// language writes `\n` and `\t` and has no other escape for. IAM takes them in a document
/// (see `checks::document`'s `beyond_latin1`: written in JSON they reach IAM escaped) and in a
/// role's description (carriage return), but the source would hold them invisibly, so the
/// import refuses the entity, as it refuses what `.iamx` cannot express.
pub(super) fn unwritable(text: &str) -> Option<char> {
    text.chars()
        .find(|&c| c.is_control() && c != '\n' && c != '\t')
}

/// The error for an [`unwritable`] character `c` in `field` of what `label` names.
pub(super) fn unwritable_message(label: &str, field: &str, c: char) -> String {
    format!(
        "{label}: {field} holds the control character U+{:04X}, which .iamx cannot write (its strings escape only line feed and tab, `\\n` and `\\t`); remove it from the JSON or keep this entity in JSON",
        u32::from(c)
    )
}

/// The first statement a build could not fit into any customer managed policy, even divided
/// (a `NotAction` or `NotResource` list cannot be: its parts are not the whole), with its size:
/// such a document exists only as an AWS managed policy, which the customer quota does not bind.
pub(super) fn undividable_statement(document: &PolicyDocument) -> Option<(usize, usize)> {
    let quota = crate::iam::quota::QuotaKind::ManagedPolicy.limit();
    document
        .statements
        .iter()
        .enumerate()
        .find_map(|(index, statement)| {
            let parts = crate::compile::limits::divide_statement(statement, quota, &[]);
            let alone = PolicyDocument::new(vec![statement.clone()]).quota_size();
            (parts.len() == 1 && alone > quota).then_some((index, alone))
        })
}

pub(super) fn statement_label(what: &str, index: usize, statement: &policy::Statement) -> String {
    match &statement.sid {
        Some(sid) => format!("{what}, statement {} (Sid `{sid}`)", index + 1),
        None => format!("{what}, statement {}", index + 1),
    }
}

/// An identity policy's statements as members.
pub(super) fn identity_members(
    document: &PolicyDocument,
    what: &str,
) -> Result<Vec<Member>, String> {
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
            Some(sid) if sid.chars().all(|c| c.is_ascii_alphanumeric()) => {
                Some(sp(Text::from(sid.as_str())))
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
            sid: sid.map(Box::new),
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
pub(super) fn trust_members(document: &PolicyDocument, what: &str) -> Result<Vec<Member>, String> {
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
        let (kind, principals) = match &**principal {
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
                            sp(ValueKind::DnsName(Text::from(v.as_str())))
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
        // IAM matches actions ignoring case: `sts:assumerole` is the default too.
        let trust_actions =
            if action_list.len() == 1 && action_list[0].eq_ignore_ascii_case(default) {
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

pub(super) fn setting(s: Setting) -> Member {
    Member::Setting(sp(s))
}

/// A reference to one of the project's policies: a bare name when it is an identifier.
pub(super) fn reference(name: &str) -> Value {
    if crate::syntax::lexical::is_ident(name) && parse_as_name(name) {
        sp(ValueKind::Name(Text::from(name)))
    } else {
        sp(ValueKind::Str(Str::literal(name)))
    }
}

/// Whether `name` reads back as a bare name (not a keyword or another kind of value).
pub(super) fn parse_as_name(name: &str) -> bool {
    let text = format!("let x = {name}");
    matches!(
        crate::syntax::parse::parse(FileId(0), &text).map(|f| f.items),
        Ok(items) if matches!(items.as_slice(), [Item::Let(Let { value, .. })] if value.node == ValueKind::Name(Text::from(name)))
    )
}
