//! Values: constants, interpolation of `${...}`, lists, account IDs and durations.
//!
//! In: AST values and the scope they are evaluated in. Out: scalars with spans, or a
//! diagnostic at the value (constant cycles and unknown names included).

use super::statements::is_policy_variable;
use super::{Namespace, Resolver, Scope};
use crate::compile::ir::Scalar;
use crate::diagnostics::{did_you_mean, Code, Diagnostic};
use crate::source::{Span, Spanned};
use crate::syntax::ast::{self, StrPart, ValueKind};
use std::rc::Rc;

/// How a name was written where it is looked up: as a value of its own, or inside `${...}`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Written {
    Bare,
    Interpolated,
}

impl Resolver<'_> {
    /// Evaluates a value: constants looked up, interpolations filled in.
    pub(super) fn eval(&mut self, value: &ast::Value, scope: &Scope) -> Option<Spanned<Scalar>> {
        let scalar = match &value.node {
            ValueKind::Str(text) => Scalar::Str(self.interpolate(text, scope)?),
            ValueKind::Name(name) => return self.lookup(name, value.span, scope, Written::Bare),
            ValueKind::Star => Scalar::Star,
            ValueKind::Number(n) => Scalar::Number(n.as_str().to_owned()),
            ValueKind::Bool(b) => Scalar::Bool(*b),
            ValueKind::Date(d) => Scalar::Date(d.as_str().to_owned()),
            ValueKind::Cidr(c) => Scalar::Cidr(c.as_str().to_owned()),
            ValueKind::DnsName(d) => Scalar::DnsName(d.as_str().to_owned()),
            ValueKind::List(items) => Scalar::List(self.eval_list(items, scope)?),
        };
        Some(Spanned::new(scalar, value.span))
    }

    /// Evaluates a list of values, replacing list constants by their elements.
    pub(super) fn eval_list(
        &mut self,
        values: &[ast::Value],
        scope: &Scope,
    ) -> Option<Vec<Spanned<Scalar>>> {
        // One value each, unless a value is a list.
        let mut out = Vec::with_capacity(values.len());
        let mut ok = true;
        for value in values {
            match self.eval(value, scope) {
                Some(Spanned {
                    node: Scalar::List(items),
                    span,
                }) => out.extend(items.into_iter().map(|item| Spanned::new(item.node, span))),
                Some(scalar) => out.push(scalar),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    pub(super) fn interpolate(&mut self, text: &ast::Str, scope: &Scope) -> Option<String> {
        // Sized for the literal parts and a short value per interpolation (an account ID, a
        // bucket name), so that most strings are built without growing.
        let capacity = (text.parts.iter())
            .map(|part| match part {
                StrPart::Text(t) => t.len(),
                StrPart::Interpolation(_) => 16,
            })
            .sum();
        let mut out = String::with_capacity(capacity);
        let mut ok = true;
        for part in &text.parts {
            match part {
                StrPart::Text(t) => out.push_str(t),
                StrPart::Interpolation(name) if is_policy_variable(&name.node) => {
                    out.push_str("${");
                    out.push_str(&name.node);
                    out.push('}');
                }
                StrPart::Interpolation(name) => {
                    // A value already at hand is read where it is kept, not copied out first.
                    let at_hand = match self.value_at_hand(&name.node, scope) {
                        Some(Scalar::List(_)) | None => None,
                        Some(other) => Some(other.text()),
                    };
                    if let Some(text) = at_hand {
                        out.push_str(&text);
                        continue;
                    }
                    match self.lookup(&name.node, name.span, scope, Written::Interpolated) {
                        Some(value) => match &value.node {
                            Scalar::Star => out.push('*'),
                            Scalar::List(_) => {
                                self.error(
                                Diagnostic::new(Code::WrongValue, format!("`{}` is a list and cannot be part of a string", name.node))
                                    .at(name.span, "a list")
                                    .with_help("use the list where several values are accepted, like `on NAME` or `in NAME`"),
                            );
                                ok = false;
                            }
                            other => out.push_str(&other.text()),
                        },
                        None => ok = false,
                    }
                }
            }
        }
        ok.then_some(out)
    }

    /// The value of `name` where it is already kept: a parameter, a constant already evaluated,
    /// or a built-in, in the order names are looked up (a parameter hides a constant, a
    /// constant a built-in); `None` otherwise. [`Resolver::lookup`] evaluates and reports the
    /// rest.
    fn value_at_hand<'a>(&'a self, name: &str, scope: &'a Scope) -> Option<&'a Scalar> {
        if let Some(value) = scope.params.get(name) {
            return Some(&value.node);
        }
        if self.has_let(scope.namespace, name) {
            if let Some(value) = self.shared_constant(scope.namespace, name) {
                return value.as_ref().map(|value| &value.node);
            }
            let cached = self.constant_cache.get(&scope.namespace)?.get(name)?;
            return cached.as_ref().map(|value| &value.node);
        }
        self.declared.builtins.get(name).map(|value| &value.node)
    }

    /// A name's value, with the value's span moved to the place of use.
    pub(super) fn lookup(
        &mut self,
        name: &str,
        span: Span,
        scope: &Scope,
        written: Written,
    ) -> Option<Spanned<Scalar>> {
        if let Some(value) = self.value_at_hand(name, scope) {
            return Some(Spanned::new(value.clone(), span));
        }
        if self.has_let(scope.namespace, name) {
            // Not evaluated yet. `None` here means the constant's own value failed, which was
            // reported there.
            return self
                .constant(scope.namespace, name)
                .map(|value| Spanned::new(value.node, span));
        }
        if self.declared.undetermined.contains(name) {
            return None;
        }
        let mut candidates: Vec<String> = scope.params.keys().cloned().collect();
        let namespace = scope.namespace;
        candidates.extend(self.defs_to_read(namespace).lets.keys().cloned());
        candidates.extend(["account".to_string(), "partition".to_string()]);
        candidates.sort();
        let mut diagnostic = Diagnostic::new(
            Code::UnknownConstant,
            format!("no constant or parameter is named `{name}`"),
        )
        .at(span, "unknown name");
        if name == "account" {
            diagnostic = diagnostic.with_help("set the account with `account \"123456789012\"`");
        } else if !crate::syntax::lexical::is_ident(name) {
            // `${!x}` (CloudFormation's own escape) or a keyword: no `let` can define it.
            diagnostic = diagnostic.with_help(format!(
                "`{name}` cannot be a constant's name; to write `${{` as text, escape it: `\\${{{name}}}` (iamx escapes `${{` for CloudFormation and Terraform itself)"
            ));
        } else if let Some(close) = did_you_mean(name, candidates.iter().map(String::as_str)) {
            diagnostic = diagnostic.with_help(format!("did you mean `{close}`?"));
        } else if written == Written::Bare {
            // A bare word is most often text whose quotes were left out (`tag team = platform`).
            diagnostic = diagnostic.with_help(format!(
                "to use the text itself, quote it: `\"{name}\"`; to name a constant, define it with `let {name} = \"...\"`"
            ));
        } else {
            diagnostic = diagnostic.with_help(format!("define it with `let {name} = \"...\"`"));
        }
        self.error(diagnostic);
        None
    }

    pub(super) fn has_let(&self, namespace: Namespace, name: &str) -> bool {
        self.defs_to_read(namespace).lets.contains_key(name)
    }

    /// A constant's value from the declarations, where they have it (`Some(None)`: it failed,
    /// and was reported there).
    fn shared_constant(
        &self,
        namespace: Namespace,
        name: &str,
    ) -> Option<&Option<Spanned<Scalar>>> {
        self.declared.constants.get(&namespace)?.get(name)
    }

    /// The value of a `let`, evaluated once and cached; cycles are reported.
    pub(super) fn constant(&mut self, namespace: Namespace, name: &str) -> Option<Spanned<Scalar>> {
        if let Some(value) = self.shared_constant(namespace, name) {
            return value.clone();
        }
        // Looked up by `&str`: every use of a constant comes here.
        let cached = (self.constant_cache.get(&namespace)).and_then(|values| values.get(name));
        if let Some(cached) = cached {
            return cached.clone();
        }
        let key = (namespace, name.to_string());
        let binding = self.defs_to_read(namespace).lets.get(name).cloned()?;
        if let Some(position) = self.constants_in_progress.iter().position(|k| *k == key) {
            let chain: Vec<&str> = self.constants_in_progress[position..]
                .iter()
                .map(|(_, n)| n.as_str())
                .chain(std::iter::once(name))
                .collect();
            self.error(
                Diagnostic::new(
                    Code::Cycle,
                    format!("constant `{name}` is defined in terms of itself"),
                )
                .at(binding.value.span, "this value refers back to it")
                .with_note(format!("the cycle: {}", chain.join(" → "))),
            );
            self.cache_constant(key, None);
            return None;
        }
        self.constants_in_progress.push(key.clone());
        let scope = Scope {
            namespace,
            params: Rc::default(),
        };
        let value = self.eval(&binding.value, &scope);
        self.constants_in_progress.pop();
        self.cache_constant(key, value.clone());
        value
    }

    fn cache_constant(
        &mut self,
        (namespace, name): (Namespace, String),
        value: Option<Spanned<Scalar>>,
    ) {
        (self.constant_cache.entry(namespace).or_default()).insert(name, value);
    }

    /// A value that must be a string (names, paths, descriptions, ...).
    pub(super) fn string_value(
        &mut self,
        value: &ast::Value,
        scope: &Scope,
        what: &str,
    ) -> Option<Spanned<String>> {
        let scalar = self.eval(value, scope)?;
        self.string_scalar(scalar, what)
    }

    pub(super) fn string_scalar(
        &mut self,
        scalar: Spanned<Scalar>,
        what: &str,
    ) -> Option<Spanned<String>> {
        match &scalar.node {
            Scalar::Str(s) | Scalar::DnsName(s) => Some(Spanned::new(s.clone(), scalar.span)),
            other => {
                let found = other.describe();
                self.error(
                    Diagnostic::new(Code::WrongValue, format!("expected {what}, found {found}"))
                        .at(scalar.span, format!("{found} is not {what}"))
                        .with_help("write it as a quoted string"),
                );
                None
            }
        }
    }

    pub(super) fn account_id(
        &mut self,
        value: &ast::Value,
        scope: &Scope,
    ) -> Option<Spanned<String>> {
        let scalar = self.eval(value, scope)?;
        let text = scalar.node.text().into_owned();
        if crate::iam::names::is_account_id(&text) {
            Some(Spanned::new(text, scalar.span))
        } else {
            self.error(invalid_account(&text, scalar.span));
            None
        }
    }

    // ---- blocks --------------------------------------------------------------------------

    pub(super) fn duration(&mut self, text: &Spanned<ast::Text>) -> Option<u32> {
        let (digits, unit) = match text.node.char_indices().last() {
            Some((i, c)) if c.is_ascii_alphabetic() => (&text.node[..i], c),
            _ => (text.node.as_str(), 's'),
        };
        let multiplier = match unit {
            'h' => 3600,
            'm' => 60,
            _ => 1,
        };
        let seconds = digits.parse::<u64>().ok().map(|n| n * multiplier);
        match seconds {
            Some(seconds) if (3600..=43200).contains(&seconds) => Some(seconds as u32),
            _ => {
                self.error(
                    Diagnostic::new(
                        Code::WrongValue,
                        format!(
                            "a maximum session duration of `{}` is out of range",
                            text.node
                        ),
                    )
                    .at(text.span, "must be between 1 and 12 hours")
                    .with_help("IAM accepts 3600 to 43200 seconds, e.g. `max_session 4h`"),
                );
                None
            }
        }
    }
}

/// E0305, for the `account` setting and `trust account` alike.
pub(super) fn invalid_account(text: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidAccount,
        format!("`{text}` is not an AWS account ID"),
    )
    .at(span, "not twelve digits")
    .with_help("an account ID is twelve digits, like \"123456789012\" (keep leading zeros)")
}
