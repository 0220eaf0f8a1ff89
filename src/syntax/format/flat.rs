//! Flat renderings: every AST node as one line of canonical text (quoting, bare ARNs, names,
//! condition clauses), which the printer lays out or breaks across lines.
//!
//! In: AST nodes. Out: their text.

use super::*;

// ---- flat renderings ----------------------------------------------------------------------

/// A string literal with quotes, escaping what the grammar requires.
pub fn quote(s: &Str) -> String {
    let mut out = String::from("\"");
    for part in &s.parts {
        match part {
            StrPart::Text(text) => {
                let mut chars = text.chars().peekable();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        '\n' => out.push_str("\\n"),
                        '\t' => out.push_str("\\t"),
                        '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
                        c => out.push(c),
                    }
                }
            }
            StrPart::Interpolation(name) => {
                out.push_str("${");
                out.push_str(&name.node);
                out.push('}');
            }
        }
    }
    out.push('"');
    out
}

/// A string written as a bare ARN when the grammar reads it back as the same string.
pub(super) fn bare_arn(s: &Str) -> Option<String> {
    let Some(StrPart::Text(first)) = s.parts.first() else {
        return None;
    };
    if !first.starts_with("arn:") {
        return None;
    }
    let mut out = String::new();
    for part in &s.parts {
        match part {
            StrPart::Text(text) => {
                let bare = text.chars().all(crate::syntax::lexical::is_arn_char);
                if text.is_empty() || !bare || text.contains("${") {
                    return None;
                }
                // A text ending in `$` before an interpolation would read as `$${`, which is fine,
                // but one ending in `$` at the very end is fine too; only `${` inside matters.
                out.push_str(text);
            }
            StrPart::Interpolation(name) => {
                out.push_str("${");
                out.push_str(&name.node);
                out.push('}');
            }
        }
    }
    Some(out)
}

pub(super) fn name(s: &Str) -> String {
    match s.as_literal() {
        Some(text) if is_ident(&text) => text,
        _ => quote(s),
    }
}

pub(super) fn condition_key(s: &Str) -> String {
    let is_key = |text: &str| {
        let Some((head, tail)) = text.split_once(':') else {
            return false;
        };
        let part = |c: char| c.is_ascii_alphanumeric() || ".-_".contains(c);
        !head.is_empty()
            && head.chars().all(part)
            && !tail.is_empty()
            && tail.chars().all(|c| part(c) || c == '/' || c == ':')
    };
    match s.as_literal() {
        Some(text) if is_key(&text) => text,
        _ => quote(s),
    }
}

pub(super) fn value(v: &Value) -> String {
    match &v.node {
        ValueKind::Str(s) => bare_arn(s).unwrap_or_else(|| quote(s)),
        ValueKind::Name(n) => n.as_str().to_owned(),
        ValueKind::Star => "*".to_string(),
        ValueKind::Number(t) | ValueKind::Date(t) | ValueKind::Cidr(t) | ValueKind::DnsName(t) => {
            t.as_str().to_owned()
        }
        ValueKind::Bool(b) => b.to_string(),
        ValueKind::List(items) => format!("[{}]", join(items, value)),
    }
}

pub(super) fn quoted_value(v: &Value) -> String {
    match &v.node {
        ValueKind::Str(s) => quote(s),
        _ => value(v),
    }
}

pub(super) fn join<T>(items: &[T], render: impl Fn(&T) -> String) -> String {
    items.iter().map(render).collect::<Vec<_>>().join(", ")
}

pub(super) fn action(a: &Action) -> String {
    match a {
        Action::Any => "*".to_string(),
        Action::Named { service, names } if names.len() == 1 => {
            format!("{service}:{}", names[0].node)
        }
        Action::Named { service, names } => {
            format!(
                "{service}:{{{}}}",
                join(names, |n| n.node.as_str().to_owned())
            )
        }
        Action::Levels { service, levels } => {
            format!(
                "{service}:level({})",
                join(levels, |l| l.node.as_str().to_owned())
            )
        }
        Action::Unchecked(name) => {
            format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
        }
    }
}

pub(super) fn clause_values(values: &[Value]) -> String {
    match values {
        [one] => value(one),
        many => format!("[{}]", join(many, value)),
    }
}

/// A clause up to (not including) its values, and what follows them.
pub(super) fn clause_parts(c: &Clause) -> (String, Option<&[Value]>, String) {
    let mut head = String::new();
    let mut tail = String::new();
    if let Test::Operator { name, .. } = &c.test {
        head = format!("{}({}, ", name.node, condition_key(&c.key));
        tail.push(')');
    } else {
        match c.quantifier {
            Some(Quantifier::Any) => head.push_str("any "),
            Some(Quantifier::All) => head.push_str("all "),
            None => {}
        }
        head.push_str(&condition_key(&c.key));
        let not = |negated: bool| if negated { "not " } else { "" };
        match &c.test {
            Test::Exists { negated } => head.push_str(&format!(" {}exists", not(*negated))),
            Test::Compare { op, .. } => head.push_str(&format!(" {} ", op.symbol())),
            Test::Like { negated, .. } => head.push_str(&format!(" {}like ", not(*negated))),
            Test::In { negated, .. } => head.push_str(&format!(" {}in ", not(*negated))),
            Test::Operator { .. } => unreachable!("handled above"),
        }
    }
    if c.if_exists {
        tail.push_str(" if exists");
    }
    let values = match &c.test {
        Test::Exists { .. } => None,
        Test::Compare { values, .. }
        | Test::Like { values, .. }
        | Test::In { values, .. }
        | Test::Operator { values, .. } => Some(values.as_slice()),
    };
    (head, values, tail)
}

pub(super) fn clause(c: &Clause) -> String {
    let (head, values, tail) = clause_parts(c);
    format!(
        "{head}{}{tail}",
        values.map(clause_values).unwrap_or_default()
    )
}

pub(super) fn statement_head(s: &Statement) -> String {
    let mut out = String::new();
    if let Some(sid) = &s.sid {
        out.push_str(&format!("{}: ", sid.node));
    }
    out.push_str(match s.effect.node {
        Effect::Allow => "allow",
        Effect::Deny => "deny",
    });
    if s.not_action {
        out.push_str(" except");
    }
    out
}

pub(super) fn on_head(s: &Statement) -> &'static str {
    if s.not_resource {
        "on except"
    } else {
        "on"
    }
}

pub(super) fn trust_head(t: &Trust) -> String {
    let mut out = String::from("trust");
    if t.deny {
        out.push_str(" deny");
    }
    if t.not_principal {
        out.push_str(" except");
    }
    out.push_str(match t.kind.node {
        PrincipalKind::Service => " service",
        PrincipalKind::Account => " account",
        PrincipalKind::Aws => " aws",
        PrincipalKind::Federated => " federated",
        PrincipalKind::Anyone => " anyone",
    });
    out
}

pub(super) fn conditions(clauses: &[Spanned<Clause>]) -> String {
    if clauses.is_empty() {
        return String::new();
    }
    format!(" when {}", {
        let parts: Vec<String> = clauses.iter().map(|c| clause(c)).collect();
        parts.join(" and ")
    })
}

pub(super) fn use_head(u: &Use) -> String {
    match &u.module {
        Some(module) => format!("use {}.{}", module.node, u.template.node),
        None => format!("use {}", u.template.node),
    }
}

/// A setting's keyword part and, for list settings, its list.
pub(super) fn setting_parts(s: &Setting) -> (String, Option<&[Value]>) {
    match s {
        Setting::Path(v) => (format!("path {}", value(v)), None),
        Setting::Description(v) => (format!("description {}", value(v)), None),
        Setting::Boundary(v) => (format!("boundary {}", value(v)), None),
        Setting::InstanceProfile(None) => ("instance_profile".to_string(), None),
        // The grammar takes only a quoted string here (a bare word would read as the next member).
        Setting::InstanceProfile(Some(v)) => {
            (format!("instance_profile {}", quoted_value(v)), None)
        }
        Setting::MaxSession(d) => (format!("max_session {}", d.node), None),
        Setting::Tag { key, value: v } => (format!("tag {} = {}", name(key), value(v)), None),
        Setting::Attach(vs) => ("attach".to_string(), Some(vs)),
        Setting::Groups(vs) => ("groups".to_string(), Some(vs)),
        Setting::To { kind, names } => (
            format!(
                "to {}",
                match kind.node {
                    PrincipalRefKind::User => "user",
                    PrincipalRefKind::Group => "group",
                    PrincipalRefKind::Role => "role",
                }
            ),
            Some(names),
        ),
        Setting::Prefix(v) => (format!("prefix {}", value(v)), None),
        Setting::PassTo(vs) => ("pass_to".to_string(), Some(vs)),
        Setting::CreateUsers => ("create_users".to_string(), None),
        Setting::TagKeys(vs) => ("tag_keys".to_string(), Some(vs)),
        Setting::LoginProfiles => ("login_profiles".to_string(), None),
        Setting::AwsManaged => ("aws_managed".to_string(), None),
    }
}

pub(super) fn member_flat(m: &Member) -> String {
    match m {
        Member::Statement(s) => format!(
            "{} {} {} {}{}",
            statement_head(s),
            join(&s.actions, |a| action(a)),
            on_head(s),
            join(&s.resources, value),
            conditions(&s.conditions)
        ),
        Member::Trust(t) => {
            let mut out = trust_head(t);
            if !t.principals.is_empty() {
                out.push(' ');
                out.push_str(&join(&t.principals, value));
            }
            if !t.actions.is_empty() {
                out.push_str(" actions ");
                out.push_str(&join(&t.actions, |a| action(a)));
            }
            out.push_str(&conditions(&t.conditions));
            out
        }
        Member::Use(u) => format!("{}({})", use_head(u), join(&u.arguments, value)),
        Member::Setting(s) => match setting_parts(s) {
            (head, Some(list)) => format!("{head} {}", join(list, value)),
            (head, None) => head,
        },
    }
}

pub(super) fn member_span(m: &Member) -> Span {
    match m {
        Member::Statement(s) => s.span,
        Member::Trust(t) => t.span,
        Member::Use(u) => u.span,
        Member::Setting(s) => s.span,
    }
}
