//! Templates: expanding `use NAME(args)` into the members of the template, with parameters
//! bound, remembering every `use` site for diagnostics.
//!
//! In: a `use` member and its scope. Out: the expanded members, each with its scope.

use super::{Expanded, Members, Namespace, Resolver, Scope};
use crate::compile::stdlib;
use crate::diagnostics::{did_you_mean, Code, Diagnostic};
use crate::source::{Span, Spanned};
use crate::syntax::ast::{self, Member};
use foldhash::{HashMap, HashMapExt};
use std::rc::Rc;
use std::sync::Arc;

impl Resolver<'_> {
    /// Expands `use` recursively; `stack` holds the templates being expanded, to catch cycles.
    pub(super) fn expand<'b>(
        &mut self,
        members: Members<'b>,
        scope: &Scope,
        expanded_from: &[Span],
        stack: &mut Vec<(Namespace, String)>,
        out: &mut Vec<Expanded<'b>>,
    ) {
        for (at, member) in members.list().iter().enumerate() {
            let Member::Use(usage) = member else {
                out.push(Expanded {
                    members: members.clone(),
                    at,
                    scope: scope.clone(),
                    expanded_from: expanded_from.to_vec(),
                });
                continue;
            };
            let Some((namespace, template)) = self.find_template(usage, scope.namespace) else {
                continue;
            };
            let key = (namespace, template.name.node.as_str().to_owned());
            if stack.contains(&key) {
                let chain: Vec<&str> = stack
                    .iter()
                    .map(|(_, n)| n.as_str())
                    .chain([key.1.as_str()])
                    .collect();
                self.error(
                    Diagnostic::new(Code::Cycle, format!("template `{}` uses itself", key.1))
                        .at(usage.span, "this use closes the cycle")
                        .with_note(format!("the cycle: {}", chain.join(" → "))),
                );
                continue;
            }
            if usage.arguments.len() != template.params.len() {
                let expected = template.params.len();
                let names: Vec<&str> = template.params.iter().map(|p| p.node.as_str()).collect();
                self.error(
                    Diagnostic::new(
                        Code::ArgumentCount,
                        format!(
                            "template `{}` takes {expected} argument{}, but {} {} given",
                            template.name.node,
                            if expected == 1 { "" } else { "s" },
                            usage.arguments.len(),
                            if usage.arguments.len() == 1 {
                                "was"
                            } else {
                                "were"
                            }
                        ),
                    )
                    .at(usage.span, "wrong number of arguments")
                    .with_label(template.name.span, "defined here")
                    .with_help(format!(
                        "call it as `{}({})`",
                        template.name.node,
                        names.join(", ")
                    )),
                );
                continue;
            }
            let mut params = HashMap::new();
            let mut ok = true;
            for (param, argument) in template.params.iter().zip(&usage.arguments) {
                match self.eval(argument, scope) {
                    Some(value) => {
                        params.insert(param.node.as_str().to_owned(), value);
                    }
                    None => ok = false,
                }
            }
            if !ok {
                continue;
            }
            let inner_scope = Scope {
                namespace,
                params: Rc::new(params),
            };
            let mut inner_from = vec![usage.span];
            inner_from.extend_from_slice(expanded_from);
            stack.push(key);
            self.expand(
                Members::Template(template),
                &inner_scope,
                &inner_from,
                stack,
                out,
            );
            stack.pop();
        }
    }

    pub(super) fn find_template(
        &mut self,
        usage: &Spanned<ast::Use>,
        namespace: Namespace,
    ) -> Option<(Namespace, Arc<Spanned<ast::Template>>)> {
        let (target, candidates_namespace) = match &usage.module {
            None => (namespace, namespace),
            Some(module) => {
                let imported = (self.declared.imports)
                    .get(&module.span.file)
                    .and_then(|imports| imports.get(module.node.as_str()))
                    .map(|(index, _)| *index);
                match imported {
                    Some(index) => (Namespace::Module(index), Namespace::Module(index)),
                    None => {
                        let mut diagnostic = Diagnostic::new(
                            Code::UnknownModule,
                            format!("module `{}` is not imported", module.node),
                        )
                        .at(module.span, "not imported in this file");
                        diagnostic = if stdlib::module(&module.node).is_some() {
                            diagnostic.with_help(format!(
                                "add `import {}` at the top of this file",
                                module.node
                            ))
                        } else {
                            let known = stdlib::MODULES.iter().map(|(m, _)| *m);
                            match did_you_mean(&module.node, known) {
                                Some(close) => {
                                    diagnostic.with_help(format!("did you mean `{close}`?"))
                                }
                                None => diagnostic,
                            }
                        };
                        self.error(diagnostic);
                        return None;
                    }
                }
            }
        };
        if let Some(template) = self
            .defs_to_read(target)
            .templates
            .get(usage.template.node.as_str())
        {
            return Some((target, template.clone()));
        }
        let mut candidates: Vec<String> = self
            .defs_to_read(candidates_namespace)
            .templates
            .keys()
            .cloned()
            .collect();
        candidates.sort();
        let shown = match &usage.module {
            Some(module) => format!("{}.{}", module.node, usage.template.node),
            None => usage.template.node.as_str().to_owned(),
        };
        let mut diagnostic = Diagnostic::new(
            Code::UnknownTemplate,
            format!("no template is named `{shown}`"),
        )
        .at(usage.template.span, "unknown template");
        if let Some(close) =
            did_you_mean(&usage.template.node, candidates.iter().map(String::as_str))
        {
            diagnostic = diagnostic.with_help(format!("did you mean `{close}`?"));
        } else if !candidates.is_empty() && usage.module.is_some() {
            diagnostic =
                diagnostic.with_help(format!("this module has: {}", candidates.join(", ")));
        }
        self.error(diagnostic);
        None
    }
}
