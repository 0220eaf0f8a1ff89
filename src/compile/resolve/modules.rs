//! Namespaces: `let` and `template` definitions per namespace (the project, or one std-lib
//! module), `import` of std-lib modules, and loading a module's source.
//!
//! In: the items of parsed files. Out: the definitions the resolver looks names up in.

use super::blocks::duplicate;
use super::item_span;
use super::{Namespace, NamespaceDefs, Resolver};
use crate::compile::stdlib;
use crate::diagnostics::{did_you_mean, Code, Diagnostic};
use crate::source::{FileId, Spanned};
use crate::syntax::ast::{self, Item};
use crate::syntax::parse;
use std::sync::Arc;

impl Resolver<'_> {
    pub(super) fn defs(&mut self, namespace: Namespace) -> &mut NamespaceDefs {
        match namespace {
            Namespace::Project => &mut self.declared.to_mut().project_defs,
            Namespace::Module(index) => &mut self.declared.to_mut().modules[index].1,
        }
    }

    /// [`Resolver::defs`], to read.
    pub(super) fn defs_to_read(&self, namespace: Namespace) -> &NamespaceDefs {
        match namespace {
            Namespace::Project => &self.declared.project_defs,
            Namespace::Module(index) => &self.declared.modules[index].1,
        }
    }

    pub(super) fn define_let(&mut self, namespace: Namespace, binding: &ast::Let) {
        if let Some(diagnostic) = builtin_constant(binding) {
            self.error(diagnostic);
            return;
        }
        let previous = self
            .defs(namespace)
            .lets
            .get(binding.name.node.as_str())
            .map(|b| b.name.span);
        match previous {
            Some(first) => self.error(duplicate(
                "constant",
                &binding.name.node,
                binding.name.span,
                first,
                CONSTANT_HELP,
            )),
            None => {
                self.defs(namespace)
                    .lets
                    .insert(binding.name.node.as_str().to_owned(), binding.clone());
            }
        }
    }

    pub(super) fn define_template(
        &mut self,
        namespace: Namespace,
        template: &Spanned<ast::Template>,
    ) {
        let name = template.name.node.clone();
        let previous = self
            .defs(namespace)
            .templates
            .get(name.as_str())
            .map(|t| t.name.span);
        match previous {
            Some(first) => self.error(duplicate(
                "template",
                &name,
                template.name.span,
                first,
                "a template is defined once: the files of a project (or a std-lib module) share one namespace; rename or remove one (template names are case-sensitive)",
            )),
            None => {
                self.check_parameters(template);
                self.defs(namespace)
                    .templates
                    .insert(name.as_str().to_owned(), Arc::new(template.clone()));
            }
        }
    }

    /// E0101 for a template parameter named twice: a `use` would bind both to one name, the
    /// second argument silently winning.
    fn check_parameters(&mut self, template: &Spanned<ast::Template>) {
        let params = &template.params;
        for (at, param) in params.iter().enumerate() {
            if let Some(first) = params[..at].iter().find(|p| p.node == param.node) {
                self.error(duplicate(
                    "parameter",
                    &param.node,
                    param.span,
                    first.span,
                    "each parameter of a template needs its own name (names are case-sensitive)",
                ));
            }
        }
    }

    /// `import NAME` in `file`: loads the std-lib module once and records the import.
    pub(super) fn import(&mut self, file: FileId, name: &ast::Ident) {
        let module_index =
            match (self.declared.modules.iter()).position(|(module, _)| *module == name.node) {
                Some(index) => Some(index),
                None => self.load_module(name),
            };
        let Some(index) = module_index else { return };
        let previous = (self.declared.to_mut().imports)
            .entry(file)
            .or_default()
            .insert(name.node.as_str().to_owned(), (index, name.span));
        if let Some((_, first)) = previous {
            self.error(duplicate(
                "import",
                &name.node,
                name.span,
                first,
                "a module is imported once per file: remove this `import`",
            ));
        }
    }

    pub(super) fn load_module(&mut self, name: &ast::Ident) -> Option<usize> {
        let Some(text) = stdlib::module(&name.node) else {
            let known = stdlib::MODULES.iter().map(|(module, _)| *module);
            let mut diagnostic = Diagnostic::new(
                Code::UnknownModule,
                format!("the std-lib has no module `{}`", name.node),
            )
            .at(name.span, "unknown module");
            diagnostic = match did_you_mean(&name.node, known) {
                Some(close) => diagnostic.with_help(format!("did you mean `{close}`?")),
                None => diagnostic.with_help(format!(
                    "std-lib modules: {}",
                    stdlib::MODULES
                        .iter()
                        .map(|(m, _)| *m)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            };
            self.error(diagnostic);
            return None;
        };
        // Imports are items, read by the resolver that has the sources; one that has not
        // (a single block's) reaches no `import`.
        let file = self
            .sources
            .as_mut()?
            .add(stdlib::file_name(&name.node), text);
        let declared = self.declared.to_mut();
        let index = declared.modules.len();
        (declared.modules).push((name.node.as_str().to_owned(), NamespaceDefs::default()));
        let namespace = Namespace::Module(index);
        match parse::parse(file, text) {
            Ok(ast) => {
                for item in &ast.items {
                    match item {
                        Item::Let(binding) => self.define_let(namespace, binding),
                        Item::Template(template) => self.define_template(namespace, template),
                        Item::Import(inner) => self.import(file, inner),
                        _ => self.error(
                            Diagnostic::new(
                                Code::MisplacedMember,
                                "a std-lib module may hold only `let`, `import` and `template`",
                            )
                            .at(
                                item_span(item).unwrap_or(name.span),
                                "not allowed in a module",
                            ),
                        ),
                    }
                }
            }
            Err(diagnostic) => self.error(diagnostic),
        }
        Some(index)
    }

    // ---- values --------------------------------------------------------------------------
}

/// The help of E0101 for constants.
pub(super) const CONSTANT_HELP: &str = "a constant is defined once: the files of a project (or a std-lib module) share one namespace; rename or remove one (constant names are case-sensitive)";

/// E0101 for a `let` of `account` or `partition`. `${account}` and `${partition}` are the
/// project's (the std-lib's templates read them too): a `let` of the same name would make one
/// text mean two accounts in one build.
pub(super) fn builtin_constant(binding: &ast::Let) -> Option<Diagnostic> {
    let name = binding.name.node.as_str();
    if name != "account" && name != "partition" {
        return None;
    }
    Some(
        Diagnostic::new(
            Code::DuplicateName,
            format!("constant `{name}` is built in: `${{{name}}}` is the project's {name}"),
        )
        .at(binding.name.span, "defined again here")
        .with_help(format!(
            "set the project's {name} with `{name} \"...\"`, or give this constant another name"
        )),
    )
}
