//! Resolution: ASTs of all project files to one [`ir::Project`].
//!
//! In: parsed files, the chosen environment, and [`Sources`] (to which imported std-lib modules
//! are added). Out: the project with constants and `${...}` interpolated, `use` expanded,
//! references to boundaries and policies bound, settings checked per block kind, plus
//! diagnostics. Resolution keeps going after an error so one run reports as much as it can.

use crate::compile::ir::{self, Origin, PolicyRef, Scalar};
use crate::compile::stdlib;
use crate::diagnostics::{did_you_mean, Code, Diagnostic};
use crate::source::{FileId, Sources, Span, Spanned};
use crate::syntax::ast::{
    self, BlockKind, Item, Member, PrincipalKind, Setting, StrPart, ValueKind,
};
use crate::syntax::parse;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

/// Resolves the parsed project files. Returns `None` for the project when errors made it
/// impossible to build one; the diagnostics say why.
pub fn resolve(
    files: &[(FileId, ast::File)],
    environment: Option<&str>,
    sources: &mut Sources,
) -> (Option<ir::Project>, Vec<Diagnostic>) {
    let mut resolver = Resolver::new(sources);
    let project = resolver.project(files, environment);
    (project, resolver.diagnostics)
}

/// A namespace: the project (all its files share one), or one std-lib module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Namespace {
    Project,
    Module(usize),
}

#[derive(Default)]
struct NamespaceDefs {
    lets: HashMap<String, ast::Let>,
    templates: HashMap<String, Rc<Spanned<ast::Template>>>,
}

/// Where a value is evaluated: a namespace plus template parameters bound at a `use`.
#[derive(Clone)]
struct Scope {
    namespace: Namespace,
    params: Rc<HashMap<String, Spanned<Scalar>>>,
}

/// A member after template expansion, with the scope its values are evaluated in.
struct Expanded {
    member: Member,
    scope: Scope,
    expanded_from: Vec<Span>,
}

struct Resolver<'s> {
    sources: &'s mut Sources,
    diagnostics: Vec<Diagnostic>,
    project_defs: NamespaceDefs,
    modules: Vec<(String, NamespaceDefs)>,
    /// Which file belongs to which namespace, and what each file imports.
    file_namespace: HashMap<FileId, Namespace>,
    imports: HashMap<FileId, HashMap<String, (usize, Span)>>,
    builtins: HashMap<String, Spanned<Scalar>>,
    constant_cache: HashMap<(Namespace, String), Option<Spanned<Scalar>>>,
    constants_in_progress: Vec<(Namespace, String)>,
}

impl<'s> Resolver<'s> {
    fn new(sources: &'s mut Sources) -> Self {
        Resolver {
            sources,
            diagnostics: Vec::new(),
            project_defs: NamespaceDefs::default(),
            modules: Vec::new(),
            file_namespace: HashMap::new(),
            imports: HashMap::new(),
            builtins: HashMap::new(),
            constant_cache: HashMap::new(),
            constants_in_progress: Vec::new(),
        }
    }

    fn error(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn project(
        &mut self,
        files: &[(FileId, ast::File)],
        environment: Option<&str>,
    ) -> Option<ir::Project> {
        let project_scope = Scope {
            namespace: Namespace::Project,
            params: Rc::default(),
        };
        let mut account: Option<ast::Value> = None;
        let mut partition: Option<ast::Value> = None;
        let mut envs: Vec<&ast::Env> = Vec::new();
        let mut blocks: Vec<&Spanned<ast::Block>> = Vec::new();

        for (file, ast) in files {
            self.file_namespace.insert(*file, Namespace::Project);
            for item in &ast.items {
                match item {
                    Item::Account(value) => self.set_once(&mut account, value, "account"),
                    Item::Partition(value) => self.set_once(&mut partition, value, "partition"),
                    Item::Let(binding) => self.define_let(Namespace::Project, binding),
                    Item::Import(name) => self.import(*file, name),
                    Item::Env(env) => {
                        if let Some(first) = envs.iter().find(|e| e.name.node == env.name.node) {
                            let first_span = first.name.span;
                            self.error(duplicate(
                                "environment",
                                &env.name.node,
                                env.name.span,
                                first_span,
                            ));
                        } else {
                            envs.push(env);
                        }
                    }
                    Item::Template(template) => self.define_template(Namespace::Project, template),
                    Item::Block(block) => blocks.push(block),
                }
            }
        }

        let selected = self.select_environment(&envs, environment, files);
        if let Some(env) = selected {
            if let Some(value) = &env.account {
                account = Some(value.clone());
            }
            if let Some(value) = &env.partition {
                partition = Some(value.clone());
            }
            for binding in &env.lets {
                // An environment's constants replace the project-wide ones of the same name.
                self.project_defs
                    .lets
                    .insert(binding.name.node.clone(), binding.clone());
            }
        }

        let partition_value = match &partition {
            Some(value) => self
                .string_value(value, &project_scope, "a partition")
                .map(|s| s.node)
                .unwrap_or_else(|| "aws".to_string()),
            None => "aws".to_string(),
        };
        let partition_span = partition.as_ref().map(|v| v.span);
        self.builtins.insert(
            "partition".into(),
            Spanned::new(
                Scalar::Str(partition_value.clone()),
                partition_span.unwrap_or(Span::new(FileId(0), 0, 0)),
            ),
        );
        let account_value = match &account {
            Some(value) => self.account_id(value, &project_scope),
            None => {
                let environment_failed = self
                    .diagnostics
                    .iter()
                    .any(|d| d.code == Code::UnknownEnvironment);
                if !blocks.is_empty() && !environment_failed {
                    let first = blocks[0].span;
                    self.error(
                        Diagnostic::new(Code::MissingSetting, "no `account` is set")
                            .at(Span::new(first.file, first.start as usize, first.start as usize), "ARNs here need an account ID")
                            .with_help("add `account \"123456789012\"` at the top of a file, or in each `env` block"),
                    );
                }
                None
            }
        };
        if let Some(account) = &account_value {
            self.builtins.insert(
                "account".into(),
                Spanned::new(Scalar::Str(account.node.clone()), account.span),
            );
        }

        let mut project = ir::Project {
            account: account_value
                .unwrap_or_else(|| Spanned::new(String::new(), Span::new(FileId(0), 0, 0))),
            partition: partition_value,
            environment: selected.map(|env| env.name.node.clone()),
            boundaries: Vec::new(),
            policies: Vec::new(),
            roles: Vec::new(),
            users: Vec::new(),
            groups: Vec::new(),
            delegations: Vec::new(),
        };
        let names = self.declare_blocks(&blocks, &project_scope);
        let index = NamesIndex::new(&blocks, &names);
        for (block, name) in blocks.iter().zip(names) {
            if let Some(name) = name {
                self.block(block, name, &index, &mut project);
            }
        }
        let errors = self.diagnostics.iter().any(Diagnostic::is_error);
        (!errors).then_some(project)
    }

    fn set_once(&mut self, slot: &mut Option<ast::Value>, value: &ast::Value, what: &str) {
        match slot {
            Some(first) => {
                let first_span = first.span;
                self.error(
                    Diagnostic::new(Code::DuplicateSetting, format!("`{what}` is set twice"))
                        .at(value.span, "set again here")
                        .with_label(first_span, "first set here")
                        .with_help(format!(
                            "set `{what}` once; to build for several accounts use `env` blocks"
                        )),
                );
            }
            None => *slot = Some(value.clone()),
        }
    }

    fn select_environment<'a>(
        &mut self,
        envs: &[&'a ast::Env],
        wanted: Option<&str>,
        files: &[(FileId, ast::File)],
    ) -> Option<&'a ast::Env> {
        let names: Vec<&str> = envs.iter().map(|env| env.name.node.as_str()).collect();
        let at_start = files
            .first()
            .map(|(file, _)| Span::new(*file, 0, 0))
            .unwrap_or(Span::new(FileId(0), 0, 0));
        match wanted {
            None if envs.is_empty() => None,
            None => {
                let first = envs[0].name.span;
                self.error(
                    Diagnostic::new(
                        Code::UnknownEnvironment,
                        "this project declares environments; choose one",
                    )
                    .at(first, "declared here")
                    .with_help(format!(
                        "build with `--env {}` (one of: {})",
                        names[0],
                        names.join(", ")
                    )),
                );
                None
            }
            Some(wanted) => match envs.iter().find(|env| env.name.node == wanted) {
                Some(env) => Some(env),
                None => {
                    let mut diagnostic = Diagnostic::new(
                        Code::UnknownEnvironment,
                        format!("no environment is named `{wanted}`"),
                    );
                    diagnostic = match envs.first() {
                        Some(first) => {
                            diagnostic.at(first.name.span, "environments are declared here")
                        }
                        None => diagnostic.at(at_start, "this project declares no `env` blocks"),
                    };
                    diagnostic = match did_you_mean(wanted, names.iter().copied()) {
                        Some(close) => diagnostic.with_help(format!("did you mean `{close}`?")),
                        None if names.is_empty() => diagnostic
                            .with_help("drop `--env`, or declare `env NAME { account \"...\" }`"),
                        None => diagnostic
                            .with_help(format!("declared environments: {}", names.join(", "))),
                    };
                    self.error(diagnostic);
                    None
                }
            },
        }
    }

    fn defs(&mut self, namespace: Namespace) -> &mut NamespaceDefs {
        match namespace {
            Namespace::Project => &mut self.project_defs,
            Namespace::Module(index) => &mut self.modules[index].1,
        }
    }

    fn define_let(&mut self, namespace: Namespace, binding: &ast::Let) {
        let previous = self
            .defs(namespace)
            .lets
            .get(&binding.name.node)
            .map(|b| b.name.span);
        match previous {
            Some(first) => self.error(duplicate(
                "constant",
                &binding.name.node,
                binding.name.span,
                first,
            )),
            None => {
                self.defs(namespace)
                    .lets
                    .insert(binding.name.node.clone(), binding.clone());
            }
        }
    }

    fn define_template(&mut self, namespace: Namespace, template: &Spanned<ast::Template>) {
        let name = template.name.node.clone();
        let previous = self
            .defs(namespace)
            .templates
            .get(&name)
            .map(|t| t.name.span);
        match previous {
            Some(first) => self.error(duplicate("template", &name, template.name.span, first)),
            None => {
                self.defs(namespace)
                    .templates
                    .insert(name, Rc::new(template.clone()));
            }
        }
    }

    /// `import NAME` in `file`: loads the std-lib module once and records the import.
    fn import(&mut self, file: FileId, name: &ast::Ident) {
        let module_index = match self
            .modules
            .iter()
            .position(|(module, _)| *module == name.node)
        {
            Some(index) => Some(index),
            None => self.load_module(name),
        };
        let Some(index) = module_index else { return };
        let previous = self
            .imports
            .entry(file)
            .or_default()
            .insert(name.node.clone(), (index, name.span));
        if let Some((_, first)) = previous {
            self.error(duplicate("import", &name.node, name.span, first));
        }
    }

    fn load_module(&mut self, name: &ast::Ident) -> Option<usize> {
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
        let file = self.sources.add(stdlib::file_name(&name.node), text);
        let index = self.modules.len();
        self.modules
            .push((name.node.clone(), NamespaceDefs::default()));
        let namespace = Namespace::Module(index);
        self.file_namespace.insert(file, namespace);
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

    /// Evaluates a value: constants looked up, interpolations filled in.
    fn eval(&mut self, value: &ast::Value, scope: &Scope) -> Option<Spanned<Scalar>> {
        let scalar = match &value.node {
            ValueKind::Str(text) => Scalar::Str(self.interpolate(text, scope)?),
            ValueKind::Name(name) => return self.lookup(name, value.span, scope),
            ValueKind::Star => Scalar::Star,
            ValueKind::Number(n) => Scalar::Number(n.clone()),
            ValueKind::Bool(b) => Scalar::Bool(*b),
            ValueKind::Date(d) => Scalar::Date(d.clone()),
            ValueKind::Cidr(c) => Scalar::Cidr(c.clone()),
            ValueKind::DnsName(d) => Scalar::DnsName(d.clone()),
            ValueKind::List(items) => Scalar::List(self.eval_list(items, scope)?),
        };
        Some(Spanned::new(scalar, value.span))
    }

    /// Evaluates a list of values, replacing list constants by their elements.
    fn eval_list(&mut self, values: &[ast::Value], scope: &Scope) -> Option<Vec<Spanned<Scalar>>> {
        let mut out = Vec::new();
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

    fn interpolate(&mut self, text: &ast::Str, scope: &Scope) -> Option<String> {
        let mut out = String::new();
        let mut ok = true;
        for part in &text.parts {
            match part {
                StrPart::Text(t) => out.push_str(t),
                StrPart::Interpolation(name) if is_policy_variable(&name.node) => {
                    out.push_str("${");
                    out.push_str(&name.node);
                    out.push('}');
                }
                StrPart::Interpolation(name) => match self.lookup(&name.node, name.span, scope) {
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
                },
            }
        }
        ok.then_some(out)
    }

    /// A name's value, with the value's span moved to the place of use.
    fn lookup(&mut self, name: &str, span: Span, scope: &Scope) -> Option<Spanned<Scalar>> {
        if let Some(value) = scope.params.get(name) {
            return Some(Spanned::new(value.node.clone(), span));
        }
        if self.has_let(scope.namespace, name) {
            // `None` here means the constant's own value failed, which was reported there.
            return self
                .constant(scope.namespace, name)
                .map(|value| Spanned::new(value.node, span));
        }
        if let Some(value) = self.builtins.get(name) {
            return Some(Spanned::new(value.node.clone(), span));
        }
        let mut candidates: Vec<String> = scope.params.keys().cloned().collect();
        let namespace = scope.namespace;
        candidates.extend(self.defs(namespace).lets.keys().cloned());
        candidates.extend(["account".to_string(), "partition".to_string()]);
        candidates.sort();
        let mut diagnostic = Diagnostic::new(
            Code::UnknownConstant,
            format!("no constant or parameter is named `{name}`"),
        )
        .at(span, "unknown name");
        if name == "account" {
            diagnostic = diagnostic.with_help("set the account with `account \"123456789012\"`");
        } else if let Some(close) = did_you_mean(name, candidates.iter().map(String::as_str)) {
            diagnostic = diagnostic.with_help(format!("did you mean `{close}`?"));
        } else {
            diagnostic = diagnostic.with_help(format!("define it with `let {name} = \"...\"`"));
        }
        self.error(diagnostic);
        None
    }

    fn has_let(&mut self, namespace: Namespace, name: &str) -> bool {
        self.defs(namespace).lets.contains_key(name)
    }

    /// The value of a `let`, evaluated once and cached; cycles are reported.
    fn constant(&mut self, namespace: Namespace, name: &str) -> Option<Spanned<Scalar>> {
        let key = (namespace, name.to_string());
        if let Some(cached) = self.constant_cache.get(&key) {
            return cached.clone();
        }
        let binding = self.defs(namespace).lets.get(name).cloned()?;
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
            self.constant_cache.insert(key, None);
            return None;
        }
        self.constants_in_progress.push(key.clone());
        let scope = Scope {
            namespace,
            params: Rc::default(),
        };
        let value = self.eval(&binding.value, &scope);
        self.constants_in_progress.pop();
        self.constant_cache.insert(key, value.clone());
        value
    }

    /// A value that must be a string (names, paths, descriptions, ...).
    fn string_value(
        &mut self,
        value: &ast::Value,
        scope: &Scope,
        what: &str,
    ) -> Option<Spanned<String>> {
        let scalar = self.eval(value, scope)?;
        self.string_scalar(scalar, what)
    }

    fn string_scalar(&mut self, scalar: Spanned<Scalar>, what: &str) -> Option<Spanned<String>> {
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

    fn account_id(&mut self, value: &ast::Value, scope: &Scope) -> Option<Spanned<String>> {
        let scalar = self.eval(value, scope)?;
        let text = match &scalar.node {
            Scalar::Str(s) | Scalar::Number(s) => s.clone(),
            other => other.text(),
        };
        if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) {
            Some(Spanned::new(text, scalar.span))
        } else {
            self.error(
                Diagnostic::new(
                    Code::InvalidAccount,
                    format!("`{text}` is not an AWS account ID"),
                )
                .at(scalar.span, "not twelve digits")
                .with_help(
                    "an account ID is twelve digits, like \"123456789012\" (keep leading zeros)",
                ),
            );
            None
        }
    }

    // ---- blocks --------------------------------------------------------------------------

    /// First pass: every block's name, checked for duplicates within its namespace.
    fn declare_blocks(
        &mut self,
        blocks: &[&Spanned<ast::Block>],
        scope: &Scope,
    ) -> Vec<Option<Spanned<String>>> {
        // Boundaries, policies and delegation policies are all managed policies: one namespace.
        let mut seen: HashMap<(u8, String), Span> = HashMap::new();
        let mut names = Vec::new();
        for block in blocks {
            let name = self
                .interpolate(&block.name.node, scope)
                .map(|name| Spanned::new(name, block.name.span));
            if let Some(name) = &name {
                let namespace = match block.kind.node {
                    BlockKind::Boundary | BlockKind::Policy | BlockKind::Delegate => 0,
                    BlockKind::Role => 1,
                    BlockKind::User => 2,
                    BlockKind::Group => 3,
                };
                // IAM names are unique regardless of case.
                match seen.get(&(namespace, name.node.to_lowercase())) {
                    Some(first) => {
                        let kind = block.kind.node.keyword();
                        self.error(duplicate(kind, &name.node, name.span, *first));
                        names.push(None);
                        continue;
                    }
                    None => {
                        seen.insert((namespace, name.node.to_lowercase()), name.span);
                    }
                }
                self.check_name(block.kind.node, name);
            }
            names.push(name);
        }
        names
    }

    fn check_name(&mut self, kind: BlockKind, name: &Spanned<String>) {
        let limit = match kind {
            BlockKind::Role | BlockKind::User => 64,
            BlockKind::Boundary | BlockKind::Policy | BlockKind::Delegate | BlockKind::Group => 128,
        };
        self.check_name_limit(name, kind.keyword(), limit);
    }

    /// IAM's rules for the name of an entity: `what` is how the message calls it.
    fn check_name_limit(&mut self, name: &Spanned<String>, what: &str, limit: usize) {
        let bad = name
            .node
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || "+=,.@_-".contains(*c)));
        let problem = if name.node.is_empty() {
            Some("it is empty".to_string())
        } else if name.node.chars().count() > limit {
            Some(format!(
                "it has {} characters; the limit is {limit}",
                name.node.chars().count()
            ))
        } else {
            bad.map(|c| format!("`{c}` is not allowed"))
        };
        if let Some(problem) = problem {
            self.error(
                Diagnostic::new(
                    Code::InvalidName,
                    format!("`{}` is not a valid IAM {what} name", name.node),
                )
                .at(name.span, problem)
                .with_help(format!(
                    "IAM names use letters, digits and `+=,.@_-`, at most {limit} characters"
                )),
            );
        }
    }

    fn block(
        &mut self,
        block: &Spanned<ast::Block>,
        name: Spanned<String>,
        index: &NamesIndex,
        project: &mut ir::Project,
    ) {
        let scope = Scope {
            namespace: Namespace::Project,
            params: Rc::default(),
        };
        let mut expanded = Vec::new();
        self.expand(&block.members, &scope, &[], &mut Vec::new(), &mut expanded);
        let kind = block.kind.node;
        let mut body = Body::default();
        for item in expanded {
            self.member(kind, &name, item, index, &mut body);
        }
        self.check_unique_sids(&body.statements);
        let path = body.path.map(|p| p.node).unwrap_or_else(|| "/".to_string());
        let description = body.description.map(|d| d.node);
        match kind {
            BlockKind::Boundary | BlockKind::Policy => {
                if !body.seen.contains("statement") {
                    self.error(
                        Diagnostic::new(
                            Code::MissingSetting,
                            format!("{} `{}` has no statements", kind.keyword(), name.node),
                        )
                        .at(name.span, "IAM rejects a policy without statements")
                        .with_help(
                            "add a statement, like `allow s3:GetObject on arn:aws:s3:::bucket/*`",
                        ),
                    );
                }
                let policy = ir::ManagedPolicy {
                    name,
                    path,
                    description,
                    statements: body.statements,
                    span: block.span,
                };
                if kind == BlockKind::Boundary {
                    project.boundaries.push(policy);
                } else {
                    project.policies.push(policy);
                }
            }
            BlockKind::Role => {
                if !body.seen.contains("trust") {
                    self.error(
                        Diagnostic::new(
                            Code::MissingSetting,
                            format!("role `{}` has no `trust`", name.node),
                        )
                        .at(name.span, "nobody can assume this role")
                        .with_help("say who may assume it, e.g. `trust service ec2.amazonaws.com`"),
                    );
                }
                if !body.seen.contains("statement") && !body.seen.contains("attach") {
                    self.error(
                        Diagnostic::new(
                            Code::EmptyRole,
                            format!("role `{}` grants nothing", name.node),
                        )
                        .at(name.span, "no statements and no attached policies"),
                    );
                }
                let instance_profile = body.instance_profile.map(|profile| match profile.node {
                    Some(profile_name) => Spanned::new(profile_name, profile.span),
                    None => Spanned::new(name.node.clone(), profile.span),
                });
                self.check_tag_count(&name, &body.tag_spans);
                project.roles.push(ir::Role {
                    name,
                    path,
                    description,
                    boundary: body.boundary,
                    trust: body.trust,
                    instance_profile,
                    max_session_seconds: body.max_session.map(|m| m.node),
                    tags: body.tags,
                    attached: body.attach,
                    statements: body.statements,
                    span: block.span,
                });
            }
            BlockKind::User => {
                self.check_tag_count(&name, &body.tag_spans);
                project.users.push(ir::User {
                    name,
                    path,
                    boundary: body.boundary,
                    groups: body.groups,
                    tags: body.tags,
                    attached: body.attach,
                    statements: body.statements,
                    span: block.span,
                })
            }
            BlockKind::Group => project.groups.push(ir::Group {
                name,
                path,
                attached: body.attach,
                statements: body.statements,
                span: block.span,
            }),
            BlockKind::Delegate => {
                let boundary = match body.boundary {
                    Some(PolicyRef::Project { index, span }) => Some((index, span)),
                    Some(PolicyRef::Arn(arn)) => {
                        self.error(
                            Diagnostic::new(Code::WrongValue, "a delegation's boundary must be a `boundary` of this project")
                                .at(arn.span, "an external ARN")
                                .with_help("declare the boundary with `boundary NAME { ... }` so iamx can verify it"),
                        );
                        None
                    }
                    None => {
                        if !body.seen.contains("boundary") {
                            self.error(missing_setting(
                                &name,
                                "delegate",
                                "boundary",
                                "boundary DataBoundary",
                            ));
                        }
                        None
                    }
                };
                if !body.seen.contains("prefix") {
                    self.error(missing_setting(
                        &name,
                        "delegate",
                        "prefix",
                        "prefix \"service-\"",
                    ));
                }
                if !body.seen.contains("to") {
                    self.error(missing_setting(
                        &name,
                        "delegate",
                        "to",
                        "to group \"platform-engineers\"",
                    ));
                }
                if let (Some((boundary, boundary_span)), Some(prefix)) = (boundary, body.prefix) {
                    project.delegations.push(ir::Delegation {
                        name,
                        path,
                        description,
                        to: body.to,
                        boundary,
                        boundary_span,
                        prefix,
                        pass_to: body.pass_to,
                        create_users: body.create_users,
                        span: block.span,
                    });
                }
            }
        }
    }

    /// IAM requires the Sids of one policy to differ; a template with a Sid used twice in one
    /// block is the usual way to break that.
    fn check_unique_sids(&mut self, statements: &[ir::Statement]) {
        let mut first: HashMap<&str, &Origin> = HashMap::new();
        for statement in statements {
            let Some(sid) = statement.sid.as_deref() else {
                continue;
            };
            match first.get(sid) {
                None => {
                    first.insert(sid, &statement.origin);
                }
                Some(earlier) => {
                    let mut diagnostic = Diagnostic::new(
                        Code::DuplicateSid,
                        format!("two statements of one policy have the Sid `{sid}`"),
                    )
                    .at(statement.origin.span, "second statement with this Sid")
                    .with_help("Sids must differ within a policy; rename one, or drop it");
                    // Point at the `use` sites when both come from one template.
                    diagnostic = match earlier.expanded_from.first() {
                        Some(site) => {
                            diagnostic.with_label(*site, "first expanded from this `use`")
                        }
                        None => {
                            diagnostic.with_label(earlier.span, "first statement with this Sid")
                        }
                    };
                    if let Some(site) = statement.origin.expanded_from.first() {
                        diagnostic = diagnostic.with_label(*site, "then from this `use`");
                    }
                    self.error(diagnostic);
                }
            }
        }
    }

    /// Expands `use` recursively; `stack` holds the templates being expanded, to catch cycles.
    fn expand(
        &mut self,
        members: &[Member],
        scope: &Scope,
        expanded_from: &[Span],
        stack: &mut Vec<(Namespace, String)>,
        out: &mut Vec<Expanded>,
    ) {
        for member in members {
            let Member::Use(usage) = member else {
                out.push(Expanded {
                    member: member.clone(),
                    scope: scope.clone(),
                    expanded_from: expanded_from.to_vec(),
                });
                continue;
            };
            let Some((namespace, template)) = self.find_template(usage, scope.namespace) else {
                continue;
            };
            let key = (namespace, template.name.node.clone());
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
                        params.insert(param.node.clone(), value);
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
            self.expand(&template.members, &inner_scope, &inner_from, stack, out);
            stack.pop();
        }
    }

    fn find_template(
        &mut self,
        usage: &Spanned<ast::Use>,
        namespace: Namespace,
    ) -> Option<(Namespace, Rc<Spanned<ast::Template>>)> {
        let (target, candidates_namespace) = match &usage.module {
            None => (namespace, namespace),
            Some(module) => {
                let imported = self
                    .imports
                    .get(&module.span.file)
                    .and_then(|imports| imports.get(&module.node))
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
        if let Some(template) = self.defs(target).templates.get(&usage.template.node) {
            return Some((target, template.clone()));
        }
        let mut candidates: Vec<String> = self
            .defs(candidates_namespace)
            .templates
            .keys()
            .cloned()
            .collect();
        candidates.sort();
        let shown = match &usage.module {
            Some(module) => format!("{}.{}", module.node, usage.template.node),
            None => usage.template.node.clone(),
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

    /// Resolves one member into the block's body, checking that the block kind allows it.
    fn member(
        &mut self,
        kind: BlockKind,
        block_name: &Spanned<String>,
        item: Expanded,
        index: &NamesIndex,
        body: &mut Body,
    ) {
        let Expanded {
            member,
            scope,
            expanded_from,
        } = item;
        let (what, span) = match &member {
            Member::Statement(s) => ("a statement", s.span),
            Member::Trust(t) => ("`trust`", t.span),
            Member::Use(u) => ("`use`", u.span),
            Member::Setting(s) => (s.node.keyword(), s.span),
        };
        if !allowed(kind, &member) {
            let what = if what.starts_with('`') || what.starts_with('a') {
                what.to_string()
            } else {
                format!("`{what}`")
            };
            let mut diagnostic = Diagnostic::new(
                Code::MisplacedMember,
                format!("{what} is not allowed in a `{}` block", kind.keyword()),
            )
            .at(
                span,
                format!("not allowed in {} `{}`", kind.keyword(), block_name.node),
            );
            if let Some(use_site) = expanded_from.first() {
                diagnostic = diagnostic.with_label(*use_site, "expanded from this template use");
            }
            if let Some(hint) = placement_hint(&member) {
                diagnostic = diagnostic.with_help(hint);
            }
            self.error(diagnostic);
            return;
        }
        let origin = Origin {
            span,
            expanded_from,
        };
        match member {
            Member::Statement(statement) => {
                body.seen.insert("statement");
                if let Some(statement) = self.statement(&statement, &scope, origin) {
                    body.statements.push(statement);
                }
            }
            Member::Trust(trust) => {
                body.seen.insert("trust");
                if let Some(trust) = self.trust(&trust, &scope, origin) {
                    body.trust.push(trust);
                }
            }
            Member::Use(_) => unreachable!("uses are expanded before members are resolved"),
            Member::Setting(setting) => self.setting(&setting, &scope, index, body),
        }
    }

    fn setting(
        &mut self,
        setting: &Spanned<Setting>,
        scope: &Scope,
        index: &NamesIndex,
        body: &mut Body,
    ) {
        let span = setting.span;
        body.seen.insert(setting.node.keyword());
        match &setting.node {
            Setting::Path(value) => {
                if let Some(path) = self.string_value(value, scope, "a path") {
                    self.check_path(&path);
                    once(self, &mut body.path, path, "path", span);
                }
            }
            Setting::Description(value) => {
                if let Some(text) = self.string_value(value, scope, "a description") {
                    if text.node.chars().count() > 1000 {
                        self.error(
                            Diagnostic::new(
                                Code::WrongValue,
                                format!(
                                    "a description of {} characters is too long for IAM",
                                    text.node.chars().count()
                                ),
                            )
                            .at(text.span, "more than 1000 characters")
                            .with_help("IAM keeps at most 1000 characters of a role's or policy's description"),
                        );
                    }
                    once(self, &mut body.description, text, "description", span);
                }
            }
            Setting::Boundary(value) => {
                if let Some(reference) = self.policy_ref(value, scope, index, RefKind::Boundary) {
                    if body.boundary.is_some() {
                        self.error(
                            Diagnostic::new(Code::DuplicateSetting, "`boundary` is set twice")
                                .at(span, "set again here"),
                        );
                    } else {
                        body.boundary = Some(reference);
                    }
                }
            }
            Setting::InstanceProfile(value) => {
                let name = match value {
                    Some(value) => {
                        match self.string_value(value, scope, "an instance profile name") {
                            Some(name) => {
                                self.check_name_limit(&name, "instance profile", 128);
                                Some(name.node)
                            }
                            None => return,
                        }
                    }
                    None => None,
                };
                once(
                    self,
                    &mut body.instance_profile,
                    Spanned::new(name, span),
                    "instance_profile",
                    span,
                );
            }
            Setting::MaxSession(text) => {
                if let Some(seconds) = self.duration(text) {
                    once(
                        self,
                        &mut body.max_session,
                        Spanned::new(seconds, span),
                        "max_session",
                        span,
                    );
                }
            }
            Setting::Tag { key, value } => {
                let Some(key_text) = self.interpolate(&key.node, scope) else {
                    return;
                };
                let Some(value) = self.eval(value, scope) else {
                    return;
                };
                let value_text = value.node.text();
                self.check_tag(&key_text, key.span, &value_text, value.span);
                body.tag_spans.push(key.span);
                if body.tags.insert(key_text.clone(), value_text).is_some() {
                    self.error(
                        Diagnostic::new(
                            Code::DuplicateSetting,
                            format!("tag `{key_text}` is set twice"),
                        )
                        .at(key.span, "set again here"),
                    );
                }
            }
            Setting::Attach(values) => {
                for value in values {
                    if let Some(reference) = self.policy_ref(value, scope, index, RefKind::Policy) {
                        body.attach.push(reference);
                    }
                }
            }
            Setting::Groups(values) => {
                let names = self.entity_names(values, scope, "a group name");
                body.groups.extend(names);
            }
            Setting::To {
                kind: principal_kind,
                names,
            } => {
                for name in self.entity_names(names, scope, "a name") {
                    body.to.push((principal_kind.node, name));
                }
            }
            Setting::Prefix(value) => {
                if let Some(prefix) = self.string_value(value, scope, "a name prefix") {
                    if prefix.node.is_empty()
                        || prefix.node.contains('*')
                        || prefix.node.contains('?')
                    {
                        self.error(
                            Diagnostic::new(Code::WrongValue, "a delegation prefix must be a plain, non-empty name start")
                                .at(prefix.span, "empty or contains a wildcard")
                                .with_help("write the start of the names, like \"service-\"; iamx adds the `*`"),
                        );
                    }
                    once(self, &mut body.prefix, prefix, "prefix", span);
                }
            }
            Setting::PassTo(values) => {
                for value in self.eval_list(values, scope).unwrap_or_default() {
                    if let Some(service) = self.string_scalar(value, "a service principal") {
                        body.pass_to.push(service);
                    }
                }
            }
            Setting::CreateUsers => body.create_users = true,
        }
    }

    /// Names of users, groups or roles: a bare name is the entity's own name (not a constant),
    /// anything else is evaluated as a value.
    fn entity_names(
        &mut self,
        values: &[ast::Value],
        scope: &Scope,
        what: &str,
    ) -> Vec<Spanned<String>> {
        let mut names = Vec::new();
        for value in values {
            if let ValueKind::Name(name) = &value.node {
                names.push(Spanned::new(name.clone(), value.span));
                continue;
            }
            for scalar in self
                .eval_list(std::slice::from_ref(value), scope)
                .unwrap_or_default()
            {
                names.extend(self.string_scalar(scalar, what));
            }
        }
        names
    }

    /// IAM's rules for one tag: a key of 1 to 128 and a value of at most 256 characters, letters,
    /// digits, white space and `_.:/=+-@`, and no key starting with `aws:` (reserved for AWS).
    fn check_tag(&mut self, key: &str, key_span: Span, value: &str, value_span: Span) {
        let allowed = |c: char| c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c);
        let key_len = key.chars().count();
        let problem = if key.is_empty() {
            Some((key_span, "the key is empty".to_string()))
        } else if key_len > 128 {
            Some((
                key_span,
                format!("the key has {key_len} characters; the limit is 128"),
            ))
        } else if key.len() >= 4 && key[..4].eq_ignore_ascii_case("aws:") {
            Some((
                key_span,
                "keys starting with `aws:` are reserved for AWS".to_string(),
            ))
        } else if let Some(c) = key.chars().find(|c| !allowed(*c)) {
            Some((key_span, format!("`{c}` is not allowed in a tag key")))
        } else if value.chars().count() > 256 {
            Some((
                value_span,
                format!(
                    "the value has {} characters; the limit is 256",
                    value.chars().count()
                ),
            ))
        } else {
            value
                .chars()
                .find(|c| !allowed(*c))
                .map(|c| (value_span, format!("`{c}` is not allowed in a tag value")))
        };
        if let Some((span, problem)) = problem {
            self.error(
                Diagnostic::new(Code::InvalidTag, format!("tag `{key}` is not a valid IAM tag"))
                    .at(span, problem)
                    .with_help("IAM tags use letters, digits, spaces and `_.:/=+-@`: keys 1 to 128 characters (not starting with `aws:`), values up to 256"),
            );
        }
    }

    /// IAM's limit of 50 tags on one role or user.
    fn check_tag_count(&mut self, name: &Spanned<String>, tag_spans: &[Span]) {
        if tag_spans.len() > 50 {
            self.error(
                Diagnostic::new(
                    Code::InvalidTag,
                    format!(
                        "`{}` has {} tags; IAM allows at most 50",
                        name.node,
                        tag_spans.len()
                    ),
                )
                .at(tag_spans[50], "the 51st tag")
                .with_label(name.span, "tagged here"),
            );
        }
    }

    fn check_path(&mut self, path: &Spanned<String>) {
        let text = &path.node;
        let valid = text.starts_with('/')
            && text.ends_with('/')
            && text.len() <= 512
            && !text.contains("//")
            && text.chars().all(|c| ('\u{21}'..='\u{7e}').contains(&c));
        if !valid {
            self.error(
                Diagnostic::new(Code::WrongValue, format!("`{text}` is not a valid IAM path"))
                    .at(path.span, "invalid path")
                    .with_help("a path starts and ends with `/`, like \"/service/\" (at most 512 printable characters)"),
            );
        }
    }

    fn duration(&mut self, text: &Spanned<String>) -> Option<u32> {
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

    /// `boundary X` / `attach X`: a block of this project by name, or an ARN.
    fn policy_ref(
        &mut self,
        value: &ast::Value,
        scope: &Scope,
        index: &NamesIndex,
        kind: RefKind,
    ) -> Option<PolicyRef> {
        if let ValueKind::Name(name) = &value.node {
            return self.project_policy(name, value.span, index, kind);
        }
        let text = self.string_value(value, scope, "a policy name or ARN")?;
        if text.node.starts_with("arn:") {
            self.check_arn(&text, "a policy ARN");
            return Some(PolicyRef::Arn(text));
        }
        self.project_policy(&text.node, text.span, index, kind)
    }

    fn project_policy(
        &mut self,
        name: &str,
        span: Span,
        index: &NamesIndex,
        kind: RefKind,
    ) -> Option<PolicyRef> {
        let (wanted, other, keyword) = match kind {
            RefKind::Boundary => (&index.boundaries, &index.policies, "boundary"),
            RefKind::Policy => (&index.policies, &index.boundaries, "policy"),
        };
        if let Some(position) = wanted.iter().position(|n| n == name) {
            return Some(PolicyRef::Project {
                index: position,
                span,
            });
        }
        let mut diagnostic = if other.iter().any(|n| n == name) {
            let (is, should) = match kind {
                RefKind::Boundary => ("a `policy`", "declare it as `boundary`"),
                RefKind::Policy => ("a `boundary`", "attach a `policy`; boundaries only limit"),
            };
            Diagnostic::new(
                Code::UnknownReference,
                format!("`{name}` is {is}, not a {keyword}"),
            )
            .at(span, format!("not a {keyword}"))
            .with_help(should)
        } else {
            let mut diagnostic = Diagnostic::new(
                Code::UnknownReference,
                format!("no {keyword} is named `{name}`"),
            )
            .at(span, format!("unknown {keyword}"));
            diagnostic = match did_you_mean(name, wanted.iter().map(String::as_str)) {
                Some(close) => diagnostic.with_help(format!("did you mean `{close}`?")),
                None => diagnostic.with_help(format!(
                    "declare it with `{keyword} {name} {{ ... }}`, or give an ARN to use an existing one"
                )),
            };
            diagnostic
        };
        if index.boundaries.is_empty() && index.policies.is_empty() {
            diagnostic
                .notes
                .push("this project declares no boundaries or policies".into());
        }
        self.error(diagnostic);
        None
    }

    fn check_arn(&mut self, arn: &Spanned<String>, what: &str) -> bool {
        let parts: Vec<&str> = arn.node.splitn(6, ':').collect();
        if parts.len() == 6 && parts[0] == "arn" && !parts[1].is_empty() && !parts[2].is_empty() {
            return true;
        }
        self.error(
            Diagnostic::new(Code::MalformedArn, format!("`{}` is not {what}", arn.node))
                .at(arn.span, "malformed ARN")
                .with_help("an ARN has six `:`-separated parts: arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE"),
        );
        false
    }

    // ---- statements ----------------------------------------------------------------------

    fn statement(
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
            sid.node.clone()
        });
        let actions = self.actions(&statement.actions);
        let mut resources = Vec::new();
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
            effect: match statement.effect.node {
                ast::Effect::Allow => ir::Effect::Allow,
                ast::Effect::Deny => ir::Effect::Deny,
            },
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
    fn actions(
        &mut self,
        actions: &[Spanned<ast::Action>],
    ) -> Option<(Vec<Spanned<String>>, Vec<Span>)> {
        let mut out = Vec::new();
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
                    out.push(Spanned::new(text.clone(), action.span));
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
                        out.push(Spanned::new(format!("{service}:{}", name.node), span));
                    }
                }
                ast::Action::Any | ast::Action::Unchecked(_) => unreachable!("handled above"),
            }
        }
        ok.then_some((out, unchecked))
    }

    fn resource(&mut self, scalar: Spanned<Scalar>) -> Option<Spanned<String>> {
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

    fn conditions(
        &mut self,
        clauses: &[Spanned<ast::Clause>],
        scope: &Scope,
    ) -> Option<Vec<ir::Condition>> {
        let mut out = Vec::new();
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
                        name: name.clone(),
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

    fn trust(
        &mut self,
        trust: &ast::Trust,
        scope: &Scope,
        origin: Origin,
    ) -> Option<ir::TrustStatement> {
        let mut principals = Vec::new();
        let mut ok = true;
        if trust.kind.node == PrincipalKind::Service {
            for value in &trust.principals {
                if let ValueKind::Name(name) = &value.node {
                    if !scope.params.contains_key(name) && !self.has_let(scope.namespace, name) {
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

/// Names of the project's managed policies, for binding `boundary` and `attach`.
struct NamesIndex {
    boundaries: Vec<String>,
    policies: Vec<String>,
}

impl NamesIndex {
    /// In declaration order, which is also the order blocks are pushed into the project.
    fn new(blocks: &[&Spanned<ast::Block>], names: &[Option<Spanned<String>>]) -> NamesIndex {
        let of_kind = |kind: BlockKind| {
            blocks
                .iter()
                .zip(names)
                .filter(|(block, _)| block.kind.node == kind)
                .filter_map(|(_, name)| name.as_ref().map(|n| n.node.clone()))
                .collect()
        };
        NamesIndex {
            boundaries: of_kind(BlockKind::Boundary),
            policies: of_kind(BlockKind::Policy),
        }
    }
}

#[derive(Clone, Copy)]
enum RefKind {
    Boundary,
    Policy,
}

/// What a block's members add up to, before it becomes an IR node.
#[derive(Default)]
struct Body {
    /// Keywords of the settings present, even those whose values had errors, so a bad value
    /// is not reported a second time as a missing setting.
    seen: std::collections::HashSet<&'static str>,
    statements: Vec<ir::Statement>,
    trust: Vec<ir::TrustStatement>,
    path: Option<Spanned<String>>,
    description: Option<Spanned<String>>,
    boundary: Option<PolicyRef>,
    instance_profile: Option<Spanned<Option<String>>>,
    max_session: Option<Spanned<u32>>,
    tags: BTreeMap<String, String>,
    /// Where each `tag` setting's key was written, in order.
    tag_spans: Vec<Span>,
    attach: Vec<PolicyRef>,
    groups: Vec<Spanned<String>>,
    to: Vec<(ast::PrincipalRefKind, Spanned<String>)>,
    prefix: Option<Spanned<String>>,
    pass_to: Vec<Spanned<String>>,
    create_users: bool,
}

fn once<T>(
    resolver: &mut Resolver<'_>,
    slot: &mut Option<Spanned<T>>,
    value: Spanned<T>,
    what: &str,
    span: Span,
) {
    match slot {
        Some(first) => {
            let first_span = first.span;
            resolver.error(
                Diagnostic::new(Code::DuplicateSetting, format!("`{what}` is set twice"))
                    .at(span, "set again here")
                    .with_label(first_span, "first set here"),
            );
        }
        None => *slot = Some(value),
    }
}

/// Which members each block kind accepts.
fn allowed(kind: BlockKind, member: &Member) -> bool {
    use BlockKind::*;
    match member {
        Member::Statement(_) => matches!(kind, Boundary | Policy | Role | User | Group),
        Member::Trust(_) => kind == Role,
        Member::Use(_) => true,
        Member::Setting(setting) => match &setting.node {
            Setting::Path(_) => true,
            Setting::Description(_) => matches!(kind, Boundary | Policy | Role | Delegate),
            Setting::Boundary(_) => matches!(kind, Role | User | Delegate),
            Setting::InstanceProfile(_) | Setting::MaxSession(_) => kind == Role,
            Setting::Tag { .. } => matches!(kind, Role | User),
            Setting::Attach(_) => matches!(kind, Role | User | Group),
            Setting::Groups(_) => kind == User,
            Setting::To { .. } | Setting::Prefix(_) | Setting::PassTo(_) | Setting::CreateUsers => {
                kind == Delegate
            }
        },
    }
}

fn placement_hint(member: &Member) -> Option<&'static str> {
    match member {
        Member::Statement(_) => Some("a delegation's policy is generated; put statements in a `boundary`, `policy` or `role`"),
        Member::Trust(_) => Some("`trust` belongs in a `role`"),
        Member::Setting(setting) => match setting.node {
            Setting::InstanceProfile(_) | Setting::MaxSession(_) => Some("this setting belongs in a `role`"),
            Setting::To { .. } | Setting::Prefix(_) | Setting::PassTo(_) | Setting::CreateUsers => {
                Some("this setting belongs in a `delegate` block")
            }
            Setting::Groups(_) => Some("`groups` belongs in a `user`"),
            Setting::Boundary(_) => Some("`boundary` belongs in a `role`, `user` or `delegate`"),
            _ => None,
        },
        Member::Use(_) => None,
    }
}

fn principal_help(kind: PrincipalKind) -> &'static str {
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

fn principal_problem(kind: PrincipalKind, text: &str) -> Option<&'static str> {
    let is_account = text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit());
    match kind {
        PrincipalKind::Service if !text.contains('.') => Some("an AWS service principal"),
        PrincipalKind::Account if !is_account => Some("an AWS account ID"),
        PrincipalKind::Aws if !(is_account || text == "*" || text.starts_with("arn:")) => {
            Some("an IAM principal ARN or account ID")
        }
        _ => None,
    }
}

fn missing_setting(name: &Spanned<String>, kind: &str, setting: &str, example: &str) -> Diagnostic {
    Diagnostic::new(
        Code::MissingSetting,
        format!("{kind} `{}` has no `{setting}`", name.node),
    )
    .at(name.span, format!("`{setting}` is required here"))
    .with_help(format!("add `{example}`"))
}

fn duplicate(kind: &str, name: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateName,
        format!("{kind} `{name}` is defined twice"),
    )
    .at(span, "defined again here")
    .with_label(first, "first defined here")
    .with_help("names must be unique (IAM ignores case when comparing names)")
}

/// IAM policy variables (`${aws:username}`, `${s3:prefix}`) and the escapes `${*}`, `${?}`, `${$}`
/// pass through to the JSON; everything else in `${...}` is a constant or parameter.
fn is_policy_variable(name: &str) -> bool {
    name.contains(':') || matches!(name, "*" | "?" | "$")
}

fn item_span(item: &Item) -> Option<Span> {
    match item {
        Item::Account(v) | Item::Partition(v) => Some(v.span),
        Item::Let(binding) => Some(binding.name.span),
        Item::Import(name) => Some(name.span),
        Item::Env(env) => Some(env.name.span),
        Item::Template(template) => Some(template.span),
        Item::Block(block) => Some(block.span),
    }
}
