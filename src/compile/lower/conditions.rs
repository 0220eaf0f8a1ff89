//! Lowering a statement's conditions: the IAM operator each clause becomes (from how it is
//! written, the key's type in the catalog and its values), its qualifiers, and the errors for
//! what IAM cannot express.
//!
//! In: the IR conditions of a statement. Out: the statement's `Condition` block, and
//! diagnostics on the walk's `Lowering` (whose state these methods share, hence a child module).

use super::Lowering;
use crate::catalog::{Catalog, KeyType};
use crate::compile::ir::{self, Scalar};
use crate::diagnostics::{Code, Diagnostic};
use crate::iam::operators::{self, ConditionOperator};
use crate::iam::policy::Conditions;
use crate::source::{Span, Spanned};
use crate::syntax::ast::{CompareOp, Quantifier};
use crate::syntax::lexical::is_quoted_ipv6;

impl Lowering<'_> {
    pub(super) fn conditions(&mut self, conditions: &[ir::Condition]) -> Conditions {
        let mut out = Conditions::default();
        // The clauses so far: operator, key and where. A statement has a few, so a list.
        let mut seen: Vec<(String, &str, Span)> = Vec::new();
        let same_key = |a: &str, b: &str| {
            if a.is_ascii() && b.is_ascii() {
                a.eq_ignore_ascii_case(b)
            } else {
                a.to_lowercase() == b.to_lowercase()
            }
        };
        for condition in conditions {
            let Some((operator, values)) = self.operator(condition) else {
                continue;
            };
            let key = condition.key.node.as_str();
            // Two clauses with the same operator and key would merge into one list, which IAM
            // reads as "any of": the opposite of the `and` the author wrote.
            let first = seen
                .iter()
                .find(|(o, k, _)| *o == operator && same_key(k, key))
                .map(|&(_, k, span)| (k, span));
            // Except for a negated operator: its values read "none of", so `!= a and != b` is
            // one clause with both (not under `ForAnyValue`, where "some value is none of them"
            // is less than both tests).
            let parsed = ConditionOperator::parse(&operator);
            let none_of = parsed.known().is_some_and(|base| base.negated)
                && parsed.set != Some(operators::SetQualifier::ForAnyValue);
            if let (Some((first_key, _)), true) = (first, none_of) {
                out.insert(&operator, first_key, values);
                continue;
            }
            if let Some((_, first)) = first {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::InvalidCondition,
                        format!("two `{operator}` tests on `{key}` in one statement cannot both be required"),
                    )
                    .at(condition.span, "second test of the same kind")
                    .with_label(first, "first test")
                    .with_help("IAM reads several values for one key as \"any of\", and one statement has one clause per operator and key: to allow either, write one test with a `[...]` list"),
                );
                continue;
            }
            out.insert(&operator, key, values);
            seen.push((operator, key, condition.span));
        }
        out
    }

    /// The IAM operator and values for one clause.
    fn operator(&mut self, condition: &ir::Condition) -> Option<(String, Vec<String>)> {
        let (base, values): (String, Vec<String>) = match &condition.test {
            ir::Test::Exists { negated } => {
                if condition.quantifier.is_some() || condition.if_exists {
                    self.error(
                        condition,
                        "`exists` cannot be combined with `any`, `all` or `if exists`",
                        "IAM's `Null` operator takes no qualifiers",
                    );
                    return None;
                }
                return Some(("Null".to_string(), vec![negated.to_string()]));
            }
            ir::Test::Operator { name, values } => {
                let parsed = ConditionOperator::parse(&name.node);
                if operators::base_operator(parsed.base).is_none() {
                    self.diagnostics.push(
                        Diagnostic::new(Code::InvalidCondition, format!("`{}` is not an IAM condition operator", name.node))
                            .at(name.span, "unknown operator")
                            .with_help(match crate::diagnostics::did_you_mean(parsed.base, operators::base_names()) {
                                Some(close) => format!("did you mean `{close}`?"),
                                None => "see the IAM condition operators: StringEquals, StringLike, NumericLessThan, DateGreaterThan, Bool, IpAddress, ArnLike, Null, ...".to_string(),
                            }),
                    );
                    return None;
                }
                let values = values.iter().map(|v| v.node.text().into_owned()).collect();
                return Some((apply_qualifiers(&parsed.name(), condition), values));
            }
            ir::Test::Compare { op, values } => {
                let class = self.value_class(values)?;
                let (class, arn) = self.typed_class(condition, class, values)?;
                let base = match (class, op) {
                    (ValueClass::Bool, CompareOp::Eq) => "Bool",
                    (ValueClass::Bool, _) => {
                        self.error(condition, "booleans can only be compared with `==`", "IAM has no \"not equal\" for booleans: write `== false` (or `== true`)");
                        return None;
                    }
                    (ValueClass::Number, op) => numeric_or_date("Numeric", *op),
                    (ValueClass::Date, op) => numeric_or_date("Date", *op),
                    (ValueClass::Text, CompareOp::Eq) if arn => "ArnEquals",
                    (ValueClass::Text, CompareOp::Ne) if arn => "ArnNotEquals",
                    (ValueClass::Text, CompareOp::Eq) => "StringEquals",
                    (ValueClass::Text, CompareOp::Ne) => "StringNotEquals",
                    (ValueClass::Text, op) => {
                        self.error(condition, &format!("`{}` compares numbers or dates, not strings", op.symbol()), "write the value as a number (`100`) or a date (`2027-01-01T00:00:00Z`)");
                        return None;
                    }
                    (ValueClass::Cidr, _) => {
                        self.error(
                            condition,
                            "IP ranges are tested with `in`",
                            "write `aws:SourceIp in 10.0.0.0/8`",
                        );
                        return None;
                    }
                };
                (
                    base.to_string(),
                    values.iter().map(|v| v.node.text().into_owned()).collect(),
                )
            }
            ir::Test::Like { negated, values } => {
                let class = self.value_class(values)?;
                let (class, arn) = self.typed_class(condition, class, values)?;
                if class != ValueClass::Text {
                    self.error(
                        condition,
                        "`like` matches strings with `*` and `?`",
                        "write the pattern as a quoted string",
                    );
                    return None;
                }
                let base = match (arn, negated) {
                    (true, false) => "ArnLike",
                    (true, true) => "ArnNotLike",
                    (false, false) => "StringLike",
                    (false, true) => "StringNotLike",
                };
                (
                    base.to_string(),
                    values.iter().map(|v| v.node.text().into_owned()).collect(),
                )
            }
            ir::Test::In { negated, values } => {
                let class = self.value_class(values)?;
                let (class, arn) = self.typed_class(condition, class, values)?;
                let base = match (class, negated) {
                    (ValueClass::Cidr, false) => "IpAddress",
                    (ValueClass::Cidr, true) => "NotIpAddress",
                    (ValueClass::Number, false) => "NumericEquals",
                    (ValueClass::Number, true) => "NumericNotEquals",
                    (ValueClass::Date, false) => "DateEquals",
                    (ValueClass::Date, true) => "DateNotEquals",
                    (ValueClass::Text, false) if arn => "ArnEquals",
                    (ValueClass::Text, true) if arn => "ArnNotEquals",
                    (ValueClass::Text, false) => "StringEquals",
                    (ValueClass::Text, true) => "StringNotEquals",
                    (ValueClass::Bool, _) => {
                        self.error(
                            condition,
                            "`in` does not apply to booleans",
                            "write `== true` or `== false`",
                        );
                        return None;
                    }
                };
                (
                    base.to_string(),
                    values.iter().map(|v| v.node.text().into_owned()).collect(),
                )
            }
        };
        Some((apply_qualifiers(&base, condition), values))
    }

    /// The kind of values to compare as, given the key's type in the catalog, and whether the
    /// key holds ARNs. Keys the catalog does not know (an identity provider's `sub`, ...) keep
    /// the kind of their values. A value that cannot be of the key's type is an error.
    fn typed_class(
        &mut self,
        condition: &ir::Condition,
        class: ValueClass,
        values: &[Spanned<Scalar>],
    ) -> Option<(ValueClass, bool)> {
        let Some(key) = Catalog::get().condition_key(&condition.key.node) else {
            return Some((class, false));
        };
        let all_text = |ok: &dyn Fn(&str) -> bool| {
            values.iter().all(|v| match &v.node {
                Scalar::Str(text) => ok(text),
                _ => false,
            })
        };
        let accepts = |t: KeyType| key.accepts(t);
        let typed = match class {
            ValueClass::Bool if accepts(KeyType::Bool) => Some(ValueClass::Bool),
            ValueClass::Number if accepts(KeyType::Numeric) => Some(ValueClass::Number),
            // Dates may be given as epoch seconds.
            ValueClass::Number | ValueClass::Date if accepts(KeyType::Date) => {
                Some(ValueClass::Date)
            }
            ValueClass::Cidr if accepts(KeyType::IpAddress) => Some(ValueClass::Cidr),
            ValueClass::Text
                if accepts(KeyType::Bool)
                    && all_text(&|t| {
                        t.eq_ignore_ascii_case("true") || t.eq_ignore_ascii_case("false")
                    }) =>
            {
                Some(ValueClass::Bool)
            }
            ValueClass::Text
                if accepts(KeyType::Numeric) && all_text(&|t| t.parse::<f64>().is_ok()) =>
            {
                Some(ValueClass::Number)
            }
            ValueClass::Text
                if accepts(KeyType::IpAddress)
                    && all_text(&|t| {
                        t.split('/')
                            .next()
                            .unwrap_or("")
                            .parse::<std::net::IpAddr>()
                            .is_ok()
                    }) =>
            {
                Some(ValueClass::Cidr)
            }
            // A string key compares any value by its text.
            _ if accepts(KeyType::String) || accepts(KeyType::Arn) || accepts(KeyType::Binary) => {
                Some(ValueClass::Text)
            }
            _ => None,
        };
        if let Some(typed) = typed {
            return Some((typed, key.accepts(KeyType::Arn)));
        }
        let wanted = match key.key_type {
            KeyType::Bool => "`true` or `false`",
            KeyType::Numeric => "numbers",
            KeyType::Date => "dates, like `2027-01-01T00:00:00Z`",
            KeyType::IpAddress => "IP addresses or ranges, like `10.0.0.0/8`",
            KeyType::String | KeyType::Arn | KeyType::Binary => "strings",
        };
        let value = values.first().map_or(condition.span, |v| v.span);
        let found = values.first().map_or("a value", |v| v.node.describe());
        self.diagnostics.push(
            Diagnostic::new(
                Code::ConditionValueType,
                format!("`{}` takes {wanted}", condition.key.node),
            )
            .at(value, format!("{found} cannot be compared with this key"))
            .with_label(
                condition.key.span,
                format!("a key of type {}", key.key_type),
            ),
        );
        None
    }

    /// What kind of values a clause compares; all values must be of one kind.
    fn value_class(&mut self, values: &[Spanned<Scalar>]) -> Option<ValueClass> {
        let mut class = None;
        for value in values {
            let this = match &value.node {
                Scalar::Bool(_) => ValueClass::Bool,
                Scalar::Number(_) => ValueClass::Number,
                Scalar::Date(_) => ValueClass::Date,
                Scalar::Cidr(_) => ValueClass::Cidr,
                Scalar::Str(text) if is_quoted_ipv6(text) => ValueClass::Cidr,
                // Lists are flattened by `resolve`; one here could only be nested, and reads as text.
                Scalar::Str(_) | Scalar::DnsName(_) | Scalar::Star | Scalar::List(_) => {
                    ValueClass::Text
                }
            };
            match class {
                None => class = Some(this),
                Some(previous) if previous != this => {
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::InvalidCondition,
                            "the values of one test must all be of one kind",
                        )
                        .at(
                            value.span,
                            format!("{} among other kinds of values", value.node.describe()),
                        )
                        .with_help("split the test, or quote the values so they are all strings"),
                    );
                    return None;
                }
                Some(_) => {}
            }
        }
        class
    }

    fn error(&mut self, condition: &ir::Condition, message: &str, help: &str) {
        self.diagnostics.push(
            Diagnostic::new(Code::InvalidCondition, message)
                .at(condition.span, "in this condition")
                .with_help(help),
        );
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValueClass {
    Bool,
    Number,
    Date,
    Cidr,
    Text,
}

fn numeric_or_date(family: &str, op: CompareOp) -> &'static str {
    match (family, op) {
        ("Numeric", CompareOp::Eq) => "NumericEquals",
        ("Numeric", CompareOp::Ne) => "NumericNotEquals",
        ("Numeric", CompareOp::Lt) => "NumericLessThan",
        ("Numeric", CompareOp::Le) => "NumericLessThanEquals",
        ("Numeric", CompareOp::Gt) => "NumericGreaterThan",
        ("Numeric", CompareOp::Ge) => "NumericGreaterThanEquals",
        (_, CompareOp::Eq) => "DateEquals",
        (_, CompareOp::Ne) => "DateNotEquals",
        (_, CompareOp::Lt) => "DateLessThan",
        (_, CompareOp::Le) => "DateLessThanEquals",
        (_, CompareOp::Gt) => "DateGreaterThan",
        (_, CompareOp::Ge) => "DateGreaterThanEquals",
    }
}

fn apply_qualifiers(base: &str, condition: &ir::Condition) -> String {
    let prefix = match condition.quantifier {
        Some(Quantifier::Any) => "ForAnyValue:",
        Some(Quantifier::All) => "ForAllValues:",
        None => "",
    };
    let suffix = if condition.if_exists && !base.ends_with("IfExists") {
        "IfExists"
    } else {
        ""
    };
    [prefix, base, suffix].concat()
}

#[cfg(test)]
mod tests {
    use crate::compile::{compile, Input, Options};
    use crate::diagnostics::Code;

    /// The condition operators of the first statement of policy `p`, or the error codes.
    fn operators(conditions: &str) -> Result<Vec<String>, Vec<Code>> {
        let text = format!(
            "account \"123456789012\"\npolicy p {{ allow s3:ListBucket on arn:aws:s3:::b when {conditions} }}\n"
        );
        let input = Input {
            name: "t.iamx".into(),
            bytes: text.into_bytes(),
        };
        let compilation = compile(vec![input], &Options::default());
        match compilation.compiled {
            Some(compiled) => Ok(compiled.documents[0].policy.statements[0]
                .condition
                .0
                .keys()
                .cloned()
                .collect()),
            None => Err(compilation.diagnostics.iter().map(|d| d.code).collect()),
        }
    }

    #[test]
    fn operators_follow_the_key_type_in_the_catalog() {
        let ok = |c: &str, op: &str| assert_eq!(operators(c), Ok(vec![op.to_string()]), "{c}");
        ok("aws:SourceIp in 10.0.0.0/8", "IpAddress");
        ok("aws:SourceIp not in \"2001:db8::/32\"", "NotIpAddress");
        ok("aws:MultiFactorAuthPresent == true", "Bool");
        ok("aws:SecureTransport == \"false\"", "Bool");
        ok("aws:CurrentTime < 2027-01-01T00:00:00Z", "DateLessThan");
        ok("aws:EpochTime >= 1700000000", "NumericGreaterThanEquals");
        ok("s3:max-keys <= 100", "NumericLessThanEquals");
        ok("s3:max-keys == \"100\"", "NumericEquals");
        ok("aws:PrincipalArn == \"arn:aws:iam::1:role/x\"", "ArnEquals");
        ok("aws:SourceArn like \"arn:aws:sns:*:*:x\"", "ArnLike");
        ok("s3:prefix like \"raw/*\"", "StringLike");
        ok("aws:PrincipalTag/team == \"etl\"", "StringEquals");
        // Keys the catalog does not know keep the value-based choice.
        ok(
            "token.actions.githubusercontent.com:sub like \"repo:*\"",
            "StringLike",
        );
        ok("idp.example.com:level == 12", "NumericEquals");
    }

    #[test]
    fn values_of_the_wrong_type_are_errors() {
        let bad = |c: &str| assert_eq!(operators(c), Err(vec![Code::ConditionValueType]), "{c}");
        bad("aws:SourceIp == \"abc\"");
        bad("aws:MultiFactorAuthPresent == \"yes\"");
        bad("s3:max-keys < \"many\"");
        bad("aws:CurrentTime < \"tomorrow\"");
    }
}
