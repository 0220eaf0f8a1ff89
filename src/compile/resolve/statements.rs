//! Statements: actions (brace groups, access levels, quoted actions), resources, conditions and
//! trust clauses of one block, to IR statements.
//!
//! In: statement ASTs and their scope. Out: IR statements with origins.

use super::{Resolver, Scope};
use crate::compile::ir::{self, Origin, Scalar};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{Span, Spanned};
use crate::syntax::ast::{self, PrincipalKind, ValueKind};

impl Resolver<'_> {
    pub(super) fn statement(
        &mut self,
        statement: &ast::Statement,
        scope: &Scope,
        origin: Origin,
    ) -> Option<ir::Statement> {
        let mut ok = true;
        let sid = statement.sid.as_ref().map(|sid| {
            if sid.node.is_empty() || !sid.node.chars().all(|c| c.is_ascii_alphanumeric()) {
                self.error(
                    Diagnostic::new(
                        Code::InvalidSid,
                        format!("`{}` is not a valid statement ID", sid.node),
                    )
                    .at(sid.span, "IAM allows only letters and digits here")
                    .with_help(format!("try `{}`", sid.node.replace(['-', '_'], ""))),
                );
                ok = false;
            }
            sid.node.as_str().to_owned()
        });
        let actions = self.actions(&statement.actions);
        let mut resources = Vec::with_capacity(statement.resources.len());
        match self.eval_list(&statement.resources, scope) {
            Some(values) => {
                for value in values {
                    match self.resource(value) {
                        Some(resource) => resources.push(resource),
                        None => ok = false,
                    }
                }
            }
            None => ok = false,
        }
        let conditions = self.conditions(&statement.conditions, scope)?;
        let (actions, unchecked) = actions.unzip();
        (ok && actions.is_some()).then(|| ir::Statement {
            sid,
            effect: statement.effect.node,
            not_action: statement.not_action,
            actions: actions.unwrap_or_default(),
            unchecked: unchecked.unwrap_or_default(),
            not_resource: statement.not_resource,
            resources,
            conditions,
            origin,
        })
    }

    /// The actions as IAM writes them, plus the spans of those written quoted (not checked
    /// against the catalog). `level(...)` groups expand here, from the catalog.
    pub(super) fn actions(
        &mut self,
        actions: &[Spanned<ast::Action>],
    ) -> Option<(Vec<Spanned<String>>, Vec<Span>)> {
        // One action per name of a brace group and one per other entry: sized once, not grown
        // (only an access-level group can hold more).
        let names = |action: &Spanned<ast::Action>| match &action.node {
            ast::Action::Named { names, .. } => names.len(),
            _ => 1,
        };
        let mut out = Vec::with_capacity(actions.iter().map(names).sum());
        let mut unchecked = Vec::new();
        let mut ok = true;
        for action in actions {
            let service = match &action.node {
                ast::Action::Any => {
                    out.push(Spanned::new("*".to_string(), action.span));
                    continue;
                }
                ast::Action::Unchecked(text) => {
                    if !crate::checks::statement::is_action_text(text) {
                        self.error(
                            Diagnostic::new(
                                Code::MalformedAction,
                                format!("`{text}` is not an action"),
                            )
                            .at(action.span, "expected `service:Action`")
                            .with_help("write a quoted action as `\"newsvc:NewAction\"`"),
                        );
                        ok = false;
                        continue;
                    }
                    unchecked.push(action.span);
                    out.push(Spanned::new(text.as_str().to_owned(), action.span));
                    continue;
                }
                ast::Action::Named { service, .. } | ast::Action::Levels { service, .. } => service,
            };
            if !service
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-*?".contains(c))
            {
                // IAM compares service prefixes ignoring case, so `SNS:Publish` is fine too.
                self.error(
                    Diagnostic::new(
                        Code::MalformedAction,
                        format!("`{service}` is not a service prefix"),
                    )
                    .at(action.span, "service prefixes use letters, digits and `-`")
                    .with_help("write the service's prefix, like `s3` or `ec2-instance-connect`"),
                );
                ok = false;
                continue;
            }
            match &action.node {
                ast::Action::Levels { service, levels } => {
                    match crate::checks::statement::expand_levels(service, levels, action.span) {
                        Ok(names) => out.extend(
                            names
                                .into_iter()
                                .map(|name| Spanned::new(name, action.span)),
                        ),
                        Err(diagnostic) => {
                            self.error(*diagnostic);
                            ok = false;
                        }
                    }
                }
                ast::Action::Named { service, names } => {
                    for name in names {
                        let span = if names.len() == 1 {
                            action.span
                        } else {
                            name.span
                        };
                        // `concat` sizes the string once; `format!` cost more than the rest
                        // of resolving an action.
                        let full = [service.as_str(), ":", name.node.as_str()].concat();
                        out.push(Spanned::new(full, span));
                    }
                }
                ast::Action::Any | ast::Action::Unchecked(_) => unreachable!("handled above"),
            }
        }
        // An access-level group may have grown it; the vector lives until lowering.
        out.shrink_to_fit();
        ok.then_some((out, unchecked))
    }

    pub(super) fn resource(&mut self, scalar: Spanned<Scalar>) -> Option<Spanned<String>> {
        match &scalar.node {
            Scalar::Star => Some(Spanned::new("*".to_string(), scalar.span)),
            Scalar::Str(text) if text == "*" => Some(Spanned::new(text.clone(), scalar.span)),
            Scalar::Str(text) => {
                let arn = Spanned::new(text.clone(), scalar.span);
                self.check_arn(&arn, "a resource ARN").then_some(arn)
            }
            other => {
                let found = other.describe();
                let text = other.text();
                self.error(
                    Diagnostic::new(
                        Code::MalformedArn,
                        format!("expected a resource ARN or `*`, found {found} `{text}`"),
                    )
                    .at(scalar.span, "not an ARN")
                    .with_help("resources are `*` or ARNs, like `arn:aws:s3:::bucket/*`"),
                );
                None
            }
        }
    }

    pub(super) fn conditions(
        &mut self,
        clauses: &[Spanned<ast::Clause>],
        scope: &Scope,
    ) -> Option<Vec<ir::Condition>> {
        let mut out = Vec::with_capacity(clauses.len());
        let mut ok = true;
        for clause in clauses {
            let Some(key) = self.interpolate(&clause.key.node, scope) else {
                ok = false;
                continue;
            };
            let values =
                |resolver: &mut Self, values: &[ast::Value]| -> Option<Vec<Spanned<Scalar>>> {
                    resolver.eval_list(values, scope)
                };
            let test = match &clause.test {
                ast::Test::Exists { negated } => Some(ir::Test::Exists { negated: *negated }),
                ast::Test::Compare { op, values: v } => {
                    values(self, v).map(|values| ir::Test::Compare { op: *op, values })
                }
                ast::Test::Like { negated, values: v } => {
                    values(self, v).map(|values| ir::Test::Like {
                        negated: *negated,
                        values,
                    })
                }
                ast::Test::In { negated, values: v } => {
                    values(self, v).map(|values| ir::Test::In {
                        negated: *negated,
                        values,
                    })
                }
                ast::Test::Operator { name, values: v } => {
                    values(self, v).map(|values| ir::Test::Operator {
                        name: Spanned::new(name.node.as_str().to_owned(), name.span),
                        values,
                    })
                }
            };
            match test {
                Some(test) => out.push(ir::Condition {
                    quantifier: clause.quantifier,
                    key: Spanned::new(key, clause.key.span),
                    test,
                    if_exists: clause.if_exists,
                    span: clause.span,
                }),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    pub(super) fn trust(
        &mut self,
        trust: &ast::Trust,
        scope: &Scope,
        origin: Origin,
    ) -> Option<ir::TrustStatement> {
        let mut principals = Vec::with_capacity(trust.principals.len());
        let mut ok = true;
        if trust.not_principal {
            // `except` would be `NotPrincipal`, which IAM takes in resource policies only.
            self.error(
                Diagnostic::new(
                    Code::ElementNotAllowed,
                    "a role's trust policy cannot have `NotPrincipal` (`trust ... except`)",
                )
                .at(trust.kind.span, "IAM role trust policies refuse `NotPrincipal`")
                .with_help("deny the others with a condition, like `trust deny anyone when aws:PrincipalAccount != \"123456789012\" if exists`"),
            );
            return None;
        }
        if trust.kind.node == PrincipalKind::Service {
            for value in &trust.principals {
                if let ValueKind::Name(name) = &value.node {
                    if !scope.params.contains_key(name.as_str())
                        && !self.has_let(scope.namespace, name)
                    {
                        self.error(
                            Diagnostic::new(
                                Code::WrongValue,
                                format!("`{name}` is not a service principal"),
                            )
                            .at(value.span, "not a service principal")
                            .with_help(format!(
                                "service principals are domain names, like `{name}.amazonaws.com`"
                            )),
                        );
                        return None;
                    }
                }
            }
        }
        let values = self.eval_list(&trust.principals, scope);
        ok &= values.is_some();
        for scalar in values.unwrap_or_default() {
            let text = match (&scalar.node, trust.kind.node) {
                (Scalar::Star, PrincipalKind::Aws) => "*".to_string(),
                (Scalar::Str(s) | Scalar::DnsName(s), _) => s.clone(),
                (Scalar::Number(n), PrincipalKind::Account | PrincipalKind::Aws) => n.clone(),
                (other, _) => {
                    let found = other.describe();
                    self.error(
                        Diagnostic::new(
                            Code::WrongValue,
                            format!("expected a principal, found {found}"),
                        )
                        .at(scalar.span, "not a principal")
                        .with_help(principal_help(trust.kind.node)),
                    );
                    ok = false;
                    continue;
                }
            };
            if trust.kind.node == PrincipalKind::Account && !crate::iam::names::is_account_id(&text)
            {
                self.error(super::values::invalid_account(&text, scalar.span));
                ok = false;
                continue;
            }
            if let Some(problem) = principal_problem(trust.kind.node, &text) {
                self.error(
                    Diagnostic::new(Code::WrongValue, format!("`{text}` is not {problem}"))
                        .at(scalar.span, "invalid principal")
                        .with_help(principal_help(trust.kind.node)),
                );
                ok = false;
                continue;
            }
            principals.push(Spanned::new(text, scalar.span));
        }
        match (trust.kind.node, trust.principals.is_empty()) {
            (PrincipalKind::Anyone, false) => {
                self.error(
                    Diagnostic::new(Code::WrongValue, "`trust anyone` takes no principals")
                        .at(trust.principals[0].span, "remove this")
                        .with_help("narrow `anyone` with `when` conditions instead"),
                );
                ok = false;
            }
            (PrincipalKind::Anyone, true) => {}
            (_, true) => {
                self.error(
                    Diagnostic::new(Code::WrongValue, "this `trust` names no principals")
                        .at(trust.kind.span, "whom?")
                        .with_help(principal_help(trust.kind.node)),
                );
                ok = false;
            }
            _ => {}
        }
        let actions = self.actions(&trust.actions);
        let conditions = self.conditions(&trust.conditions, scope);
        let (actions, unchecked) = actions.unzip();
        (ok && actions.is_some() && conditions.is_some()).then(|| ir::TrustStatement {
            deny: trust.deny,
            not_principal: trust.not_principal,
            kind: trust.kind.node,
            principals,
            actions: actions.unwrap_or_default(),
            unchecked: unchecked.unwrap_or_default(),
            conditions: conditions.unwrap_or_default(),
            origin,
        })
    }
}

pub(super) fn principal_help(kind: PrincipalKind) -> &'static str {
    match kind {
        PrincipalKind::Service => "name AWS services, like `trust service ec2.amazonaws.com`",
        PrincipalKind::Account => "name account IDs, like `trust account \"123456789012\"`",
        PrincipalKind::Aws => "name IAM principal ARNs or account IDs, like `trust aws arn:aws:iam::123456789012:role/ci`",
        PrincipalKind::Federated => {
            "name an identity provider, like `trust federated arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com`"
        }
        PrincipalKind::Anyone => "`trust anyone` takes no principals; narrow it with `when`",
    }
}

pub(super) fn principal_problem(kind: PrincipalKind, text: &str) -> Option<&'static str> {
    let is_account = crate::iam::names::is_account_id(text);
    match kind {
        PrincipalKind::Service if !text.contains('.') => Some("an AWS service principal"),
        PrincipalKind::Account if !is_account => Some("an AWS account ID"),
        PrincipalKind::Aws if !(is_account || text == "*" || text.starts_with("arn:")) => {
            Some("an IAM principal ARN or account ID")
        }
        _ => None,
    }
}

/// IAM policy variables (`${aws:username}`, `${s3:prefix}`) and the escapes `${*}`, `${?}`, `${$}`
/// pass through to the JSON; everything else in `${...}` is a constant or parameter.
pub(super) fn is_policy_variable(name: &str) -> bool {
    name.contains(':') || matches!(name, "*" | "?" | "$")
}
