//! Resolution: ASTs of all project files to one [`ir::Project`].
//!
//! In: parsed files, the chosen environment, and [`Sources`] (to which imported std-lib modules
//! are added). Out: the project with constants and `${...}` interpolated, `use` expanded,
//! references to boundaries and policies bound, settings checked per block kind, plus
//! diagnostics. Resolution keeps going after an error so one run reports as much as it can.
//!
//! The roles, most of a large project, are left to [`Resolved::role`]: the lowering resolves
//! each in the job that lowers it (`compile::lower`), on all cores, against the declarations
//! read here, so a role's IR lives only as long as its lowering. Where the parser left a role's
//! members unparsed (`parse::parse_deferring_roles`), that job parses them too, so its syntax
//! tree is made and dropped there.

use crate::compile::ir::{self, Scalar};
use crate::diagnostics::{did_you_mean, Code, Diagnostic};
use crate::source::{FileId, Sources, Span, Spanned};
use crate::syntax::ast::{self, Item, Member};
use crate::syntax::parse;
use foldhash::{HashMap, HashMapExt};
use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

/// The parsed files for [`resolve`]: the trees this compilation holds alone, out of their
/// `Arc`s, and (`Err(at)`) those another compilation holds too, at `at` of the second list.
pub type Trees = (Vec<(FileId, Result<ast::File, usize>)>, Vec<Arc<ast::File>>);

/// Splits the parsed files into [`Trees`].
pub fn take_trees(files: Vec<(FileId, Arc<ast::File>)>) -> Trees {
    let mut held = Vec::new();
    let taken = (files.into_iter())
        .map(|(file, tree)| match Arc::try_unwrap(tree) {
            Ok(tree) => (file, Ok(tree)),
            Err(tree) => {
                held.push(tree);
                (file, Err(held.len() - 1))
            }
        })
        .collect();
    (taken, held)
}

/// Resolves the parsed project files ([`take_trees`]) but for their roles ([`Resolved`]). The
/// project is not whole when a diagnostic is an error: the caller resolves the roles for their
/// diagnostics alone then.
///
/// Resolving copies what it keeps out of the trees. A tree held only here is taken apart, each
/// block dropped once it is resolved (a role's once it is lowered), so a large project is not
/// held twice at the peak. A tree another compilation holds too (the other version of a `diff`,
/// another environment) is read in place: sharing it instead of copying it was ~4% of a `diff`.
pub fn resolve<'t>(
    taken: Vec<(FileId, Result<ast::File, usize>)>,
    held: &'t [Arc<ast::File>],
    environment: Option<&str>,
    sources: &mut Sources,
) -> (Resolved<'t>, Vec<Diagnostic>) {
    let files = (taken.into_iter())
        .map(|(file, tree)| match tree {
            Ok(tree) => (file, Cow::Owned(tree)),
            Err(at) => (file, Cow::Borrowed(&*held[at])),
        })
        .collect();
    // The project's texts, before std-lib modules join them: roles' members left unparsed
    // (`ast::Block::deferred`) are parsed from them.
    let texts = sources
        .iter()
        .map(|(_, file)| Arc::clone(&file.text))
        .collect();
    let mut resolver = Resolver::new(sources);
    let (project, roles, index) = resolver.project(files, environment);
    let declared = resolver.declared.into_owned();
    let resolved = Resolved {
        project,
        roles,
        declared,
        index,
        texts,
    };
    (resolved, resolver.diagnostics)
}

/// A project resolved but for its roles, which [`Resolved::role`] resolves one at a time.
pub struct Resolved<'t> {
    /// Everything but the roles (`roles` is empty).
    pub project: ir::Project,
    /// The role blocks, in the order of the sources.
    pub roles: Vec<RoleBlock<'t>>,
    declared: Declarations,
    index: NamesIndex,
    /// The text of each file, by [`FileId`].
    texts: Vec<Arc<String>>,
}

/// A role block waiting to be resolved, with its name (declared with the others).
pub struct RoleBlock<'t> {
    block: Cow<'t, Spanned<ast::Block>>,
    name: Spanned<String>,
}

impl RoleBlock<'_> {
    /// The block, from its keyword to its closing brace.
    pub fn span(&self) -> Span {
        self.block.span
    }

    pub fn name(&self) -> &str {
        &self.name.node
    }
}

/// A role whose members, left unparsed (`ast::Block::deferred`), do not parse: its file has a
/// syntax error, which only a parse of the whole file reports as the user should see it.
#[derive(Debug)]
pub struct Unparsed;

/// What [`Resolved::role`] gives: the role's IR, when it resolved, and its diagnostics.
pub type RoleResolution = Result<(Option<ir::Role>, Vec<Diagnostic>), Unparsed>;

impl Resolved<'_> {
    /// The text of each project file, by [`FileId`] (the std-lib modules not among them).
    pub fn texts(&self) -> &[Arc<String>] {
        &self.texts
    }

    /// Resolves one role against the declarations, with diagnostics of its own: what a role
    /// resolves to and reports depends on the role and the declarations alone, whichever job
    /// resolves it and whatever it resolved before. A constant that fails is so reported by
    /// each role that uses it; [`crate::diagnostics::sort`] keeps one of the copies. Members
    /// left unparsed are parsed here, so the role's tree lives no longer than this call.
    pub fn role(&self, role: &RoleBlock<'_>) -> RoleResolution {
        let whole;
        let block = match role.block.deferred {
            None => &*role.block,
            Some(end) => {
                let file = role.block.span.file;
                let text = &self.texts[file.0 as usize];
                let start = role.block.span.start as usize;
                whole = parse::deferred_block(file, text, start, end).ok_or(Unparsed)?;
                &whole
            }
        };
        let mut resolver = Resolver::lent(&self.declared);
        // `block` adds what it resolves to a project: an empty one, which costs no allocation.
        let nowhere = Span::new(FileId(0), 0, 0);
        let mut one =
            ir::Project::without_blocks(Spanned::new(String::new(), nowhere), String::new(), None);
        resolver.block(block, role.name.clone(), &self.index, &mut one);
        Ok((one.roles.pop(), resolver.diagnostics))
    }
}

/// A namespace: the project (all its files share one), or one std-lib module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Namespace {
    Project,
    Module(usize),
}

#[derive(Default, Clone)]
struct NamespaceDefs {
    lets: HashMap<String, ast::Let>,
    templates: HashMap<String, Arc<Spanned<ast::Template>>>,
}

/// Where a value is evaluated: a namespace plus template parameters bound at a `use`.
#[derive(Clone)]
struct Scope {
    namespace: Namespace,
    params: Rc<HashMap<String, Spanned<Scalar>>>,
}

/// A member after template expansion, with the scope its values are evaluated in. It points
/// into the block or the template that holds it: a copy of every member of every block (a
/// role's own members included) was 3% of a whole `check`.
struct Expanded<'b> {
    members: Members<'b>,
    at: usize,
    scope: Scope,
    expanded_from: Vec<Span>,
}

/// The members being expanded: a block's own, or a template's (held by its `Arc`).
#[derive(Clone)]
enum Members<'b> {
    Block(&'b [Member]),
    Template(Arc<Spanned<ast::Template>>),
}

impl Members<'_> {
    fn list(&self) -> &[Member] {
        match self {
            Members::Block(members) => members,
            Members::Template(template) => &template.members,
        }
    }
}

/// What blocks are resolved against: the namespaces' definitions, what each file imports and
/// the built-in names. Filled while the files' items are read; only read after that.
#[derive(Default, Clone)]
struct Declarations {
    project_defs: NamespaceDefs,
    modules: Vec<(String, NamespaceDefs)>,
    imports: HashMap<FileId, HashMap<String, (usize, Span)>>,
    builtins: HashMap<String, Spanned<Scalar>>,
    /// Names only an environment defines (`account`, or a `let` inside `env` blocks alone),
    /// when no environment could be chosen: E0108 already said why, so a use of one is not
    /// reported again (one root cause, one error).
    undetermined: foldhash::HashSet<String>,
    /// The value of every constant ([`Resolver::evaluate_constants`]); `None` for one that
    /// failed, which was reported at its definition and is not reported again where it is used.
    constants: HashMap<Namespace, HashMap<String, Option<Spanned<Scalar>>>>,
}

struct Resolver<'s> {
    /// Owned while the items are read; borrowed by the resolvers of single blocks.
    declared: Cow<'s, Declarations>,
    /// Where a std-lib module's source is added when an `import` loads it; only the
    /// resolver that reads the items has it (imports are items).
    sources: Option<&'s mut Sources>,
    diagnostics: Vec<Diagnostic>,
    constant_cache: HashMap<Namespace, HashMap<String, Option<Spanned<Scalar>>>>,
    constants_in_progress: Vec<(Namespace, String)>,
}

use blocks::{duplicate, NamesIndex};

mod blocks;
mod iam_values;
mod modules;
mod statements;
mod templates;
mod values;

impl<'s> Resolver<'s> {
    /// The resolver that reads the files' items, declaring as it goes.
    fn new(sources: &'s mut Sources) -> Self {
        Resolver {
            declared: Cow::Owned(Declarations::default()),
            sources: Some(sources),
            diagnostics: Vec::new(),
            constant_cache: HashMap::new(),
            constants_in_progress: Vec::new(),
        }
    }

    /// A resolver of blocks against declarations read before, with a state of its own.
    fn lent(declared: &'s Declarations) -> Self {
        Resolver {
            declared: Cow::Borrowed(declared),
            sources: None,
            diagnostics: Vec::new(),
            constant_cache: HashMap::new(),
            constants_in_progress: Vec::new(),
        }
    }

    fn error(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// The project but for its roles, the roles' blocks, and the index of policy names.
    fn project<'t>(
        &mut self,
        files: Vec<(FileId, Cow<'t, ast::File>)>,
        environment: Option<&str>,
    ) -> (ir::Project, Vec<RoleBlock<'t>>, NamesIndex) {
        let project_scope = Scope {
            namespace: Namespace::Project,
            params: Rc::default(),
        };
        let mut account: Option<ast::Value> = None;
        let mut partition: Option<ast::Value> = None;
        let mut envs: Vec<ast::Env> = Vec::new();
        let first_file = files.first().map(|(file, _)| *file);
        for (file, tree) in &files {
            for item in &tree.items {
                match item {
                    Item::Account(value) => self.set_once(&mut account, value, "account"),
                    Item::Partition(value) => self.set_once(&mut partition, value, "partition"),
                    Item::Let(binding) => self.define_let(Namespace::Project, binding),
                    Item::Import(name) => self.import(*file, name),
                    Item::Env(env) => {
                        self.check_env_settings(env);
                        let name = &env.name;
                        if let Some(first) = envs.iter().find(|e| e.name.node == name.node) {
                            let first_span = first.name.span;
                            self.error(duplicate(
                                "environment",
                                &name.node,
                                name.span,
                                first_span,
                                "environment names must be unique: rename or remove one",
                            ));
                            continue;
                        }
                        let same = |e: &&ast::Env| e.name.node.eq_ignore_ascii_case(&name.node);
                        if let Some(first) = envs.iter().find(same) {
                            self.error(env_case_clash(name, &first.name));
                        }
                        // Kept even so: `--env` still finds it, and says nothing more.
                        envs.push(env.clone());
                    }
                    Item::Template(template) => self.define_template(Namespace::Project, template),
                    // Resolved below, once every name is declared.
                    Item::Block(_) => {}
                }
            }
        }
        // Sized once: at 10,000 roles the list is over a megabyte, and each doubling of a list
        // that large is a fresh mapping whose pages fault in again.
        let block_count = (files.iter())
            .map(|(_, tree)| {
                tree.items
                    .iter()
                    .filter(|item| matches!(item, Item::Block(_)))
                    .count()
            })
            .sum();
        let mut blocks: Vec<Cow<'t, Spanned<ast::Block>>> = Vec::with_capacity(block_count);
        for (_, tree) in files {
            match tree {
                Cow::Owned(tree) => {
                    blocks.extend(tree.items.into_iter().filter_map(|item| match item {
                        Item::Block(block) => Some(Cow::Owned(block)),
                        _ => None,
                    }))
                }
                Cow::Borrowed(tree) => {
                    blocks.extend(tree.items.iter().filter_map(|item| match item {
                        Item::Block(block) => Some(Cow::Borrowed(block)),
                        _ => None,
                    }))
                }
            }
        }

        let selected = self.select_environment(&envs, environment, first_file);
        if selected.is_none() && !envs.is_empty() {
            // Whatever an environment would have set is unknown now; the top-level values, if
            // any, still stand (`partition` always has one: `aws`).
            for env in &envs {
                let declared = self.declared.to_mut();
                for setting in &env.settings {
                    match setting {
                        ast::EnvSetting::Account(_) if account.is_none() => {
                            declared.undetermined.insert("account".into());
                        }
                        ast::EnvSetting::Let(binding) => {
                            let name = binding.name.node.as_str();
                            if !declared.project_defs.lets.contains_key(name) {
                                declared.undetermined.insert(name.to_owned());
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        if let Some(env) = selected {
            // The first of each: a second is E0302 or E0101 (`check_env_settings`).
            let mut set = std::collections::HashSet::new();
            for setting in &env.settings {
                match setting {
                    ast::EnvSetting::Account(value) if set.insert("account") => {
                        account = Some(value.clone());
                    }
                    ast::EnvSetting::Partition(value) if set.insert("partition") => {
                        partition = Some(value.clone());
                    }
                    ast::EnvSetting::Let(binding)
                        if modules::builtin_constant(binding).is_none()
                            && set.insert(binding.name.node.as_str()) =>
                    {
                        // An environment's constants replace the project-wide ones of the same
                        // name.
                        (self.declared.to_mut().project_defs.lets)
                            .insert(binding.name.node.as_str().to_owned(), binding.clone());
                    }
                    _ => {}
                }
            }
        }

        let partition_value = match &partition {
            Some(value) => self
                .string_value(value, &project_scope, "a partition")
                .map(|s| s.node)
                .filter(|name| self.is_partition(name, value.span))
                // Reported once here: the ARNs made with it would each fail the ARN checks.
                .unwrap_or_else(|| "aws".to_string()),
            None => "aws".to_string(),
        };
        let partition_span = partition.as_ref().map(|v| v.span);
        self.declared.to_mut().builtins.insert(
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
            self.declared.to_mut().builtins.insert(
                "account".into(),
                Spanned::new(Scalar::Str(account.node.clone()), account.span),
            );
        }

        let mut project = ir::Project::without_blocks(
            account_value
                .unwrap_or_else(|| Spanned::new(String::new(), Span::new(FileId(0), 0, 0))),
            partition_value,
            selected.map(|env| env.name.node.as_str().to_owned()),
        );
        self.evaluate_constants();
        let block_refs: Vec<&Spanned<ast::Block>> = blocks.iter().map(|block| &**block).collect();
        let names = self.declare_blocks(&block_refs, &project_scope);
        let index = NamesIndex::new(&block_refs, &names);
        drop(block_refs);
        let role_count = (blocks.iter())
            .filter(|block| block.kind.node == ast::BlockKind::Role)
            .count();
        let mut roles = Vec::with_capacity(role_count);
        for (block, name) in blocks.into_iter().zip(names) {
            match name {
                Some(name) if block.kind.node == ast::BlockKind::Role => {
                    roles.push(RoleBlock { block, name })
                }
                Some(name) => self.block(&block, name, &index, &mut project),
                None => {}
            }
        }
        (project, roles, index)
    }

    /// Evaluates every constant of every namespace once, for the resolvers of single roles to
    /// share ([`Declarations::constants`]), and reports what fails there, used or not: a
    /// mistake in a declaration is one whether or not anything reads it, and reporting it here,
    /// once, spares each use a copy (a cycle's message would even depend on where it was
    /// entered). Names are taken in order so that the same cycle is always reported the same.
    fn evaluate_constants(&mut self) {
        let mut scratch = Resolver::lent(&self.declared);
        let namespaces = (0..scratch.declared.modules.len())
            .map(Namespace::Module)
            .chain([Namespace::Project]);
        let mut constants = HashMap::new();
        for namespace in namespaces {
            let mut names: Vec<String> = (scratch.defs_to_read(namespace).lets.keys())
                .cloned()
                .collect();
            names.sort_unstable();
            for name in names {
                let value = scratch.constant(namespace, &name);
                (constants.entry(namespace))
                    .or_insert_with(HashMap::new)
                    .insert(name, value);
            }
        }
        let diagnostics = scratch.diagnostics;
        self.diagnostics.extend(diagnostics);
        self.declared.to_mut().constants = constants;
    }

    fn set_once(&mut self, slot: &mut Option<ast::Value>, value: &ast::Value, what: &str) {
        match slot {
            Some(first) => {
                let first_span = first.span;
                self.error(set_twice(what, value.span, first_span).with_help(format!(
                    "set `{what}` once; to build for several accounts use `env` blocks"
                )));
            }
            None => *slot = Some(value.clone()),
        }
    }

    /// Within one `env` block: `account` or `partition` set twice (E0302), a constant defined
    /// twice or named `account`/`partition` (E0101), as at the top level. Checked for every
    /// block, chosen or not: each is a mistake in the source whatever is built.
    fn check_env_settings(&mut self, env: &ast::Env) {
        let mut account: Option<Span> = None;
        let mut partition: Option<Span> = None;
        let mut lets: HashMap<&str, Span> = HashMap::new();
        for setting in &env.settings {
            let (slot, what, value) = match setting {
                ast::EnvSetting::Account(value) => (&mut account, "account", value),
                ast::EnvSetting::Partition(value) => (&mut partition, "partition", value),
                ast::EnvSetting::Let(binding) => {
                    if let Some(diagnostic) = modules::builtin_constant(binding) {
                        self.error(diagnostic);
                        continue;
                    }
                    let name = binding.name.node.as_str();
                    match lets.get(name) {
                        Some(first) => self.error(duplicate(
                            "constant",
                            name,
                            binding.name.span,
                            *first,
                            format!(
                                "an `env` block defines each constant once: remove one (environment `{}`)",
                                env.name.node
                            ),
                        )),
                        None => {
                            lets.insert(name, binding.name.span);
                        }
                    }
                    continue;
                }
            };
            match slot {
                Some(first) => self.error(set_twice(what, value.span, *first).with_help(format!(
                    "set `{what}` once in each `env` block (environment `{}`)",
                    env.name.node
                ))),
                None => *slot = Some(value.span),
            }
        }
    }

    fn select_environment<'a>(
        &mut self,
        envs: &'a [ast::Env],
        wanted: Option<&str>,
        first_file: Option<FileId>,
    ) -> Option<&'a ast::Env> {
        let names: Vec<&str> = envs.iter().map(|env| env.name.node.as_str()).collect();
        let at_start = Span::new(first_file.unwrap_or(FileId(0)), 0, 0);
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
                        "choose it with `--env {}` (one of: {})",
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
}

/// E0302 without its help, which depends on where the setting is.
fn set_twice(what: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::new(Code::DuplicateSetting, format!("`{what}` is set twice"))
        .at(span, "set again here")
        .with_label(first, "first set here")
}

/// E0101 for environments whose names differ only in case: `build` writes each to
/// `out/<name>/`, and those two directories are one on the case-insensitive file systems of
/// macOS and Windows.
fn env_case_clash(name: &ast::Ident, first: &ast::Ident) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateName,
        format!(
            "environment `{}` differs from environment `{}` only in case",
            name.node, first.node
        ),
    )
    .at(name.span, "defined again here, in other case")
    .with_label(first.span, "first defined here")
    .with_help(format!(
        "rename one: `iamx build` writes each environment to `<out>/<name>/`, and `{}` and `{}` are one directory on macOS and Windows",
        first.node, name.node
    ))
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

impl Resolver<'_> {
    /// Whether `name` is one of AWS's partitions; an error at `span` when it is not (IAM
    /// refuses ARNs, principals and boundaries of another).
    fn is_partition(&mut self, name: &str, span: Span) -> bool {
        use crate::iam::names::PARTITIONS;
        if PARTITIONS.contains(&name) {
            return true;
        }
        let help = match did_you_mean(name, PARTITIONS) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("the partitions are {}", PARTITIONS.join(", ")),
        };
        self.error(
            Diagnostic::new(
                Code::WrongValue,
                format!("`{name}` is not an AWS partition"),
            )
            .at(span, "not a partition")
            .with_help(help),
        );
        false
    }
}

#[cfg(test)]
mod tests;
