//! Blocks: declaring the project's blocks, checking their names, members and settings (what IAM
//! accepts of each name and value is in `iam_values.rs`), and binding `boundary` and `attach`
//! references, into IR roles, users, groups and policies.
//!
//! In: the project's block ASTs. Out: IR blocks, with one diagnostic per root cause (a bad
//! setting value is not reported again as a missing setting).

use super::iam_values::prefix_problem;
use super::{Expanded, Members, Namespace, Resolver, Scope};
use crate::compile::ir::{self, Origin, PolicyRef};
use crate::diagnostics::{did_you_mean, Code, Diagnostic};
use crate::source::{Span, Spanned};
use crate::syntax::ast::{self, BlockKind, Member, Setting, ValueKind};
use foldhash::{HashMap, HashMapExt};
use std::collections::BTreeMap;
use std::rc::Rc;

impl Resolver<'_> {
    /// First pass: every block's name, checked for duplicates within its namespace.
    pub(super) fn declare_blocks(
        &mut self,
        blocks: &[&Spanned<ast::Block>],
        scope: &Scope,
    ) -> Vec<Option<Spanned<String>>> {
        // Boundaries, policies and delegation policies are all managed policies: one namespace.
        let mut seen: HashMap<(&str, String), Span> = HashMap::new();
        let mut names = Vec::new();
        for block in blocks {
            let name = self
                .interpolate(&block.name.node, scope)
                .map(|name| Spanned::new(name, block.name.span));
            if let Some(name) = &name {
                let namespace = block.kind.node.iam_namespace();
                // IAM names are unique regardless of case.
                match seen.get(&(namespace, name.node.to_lowercase())) {
                    Some(first) => {
                        let kind = block.kind.node.keyword();
                        self.error(duplicate(
                            kind,
                            &name.node,
                            name.span,
                            *first,
                            IAM_NAME_HELP,
                        ));
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

    pub(super) fn block(
        &mut self,
        block: &Spanned<ast::Block>,
        name: Spanned<String>,
        index: &NamesIndex,
        project: &mut ir::Project,
    ) {
        debug_assert!(block.deferred.is_none(), "members not parsed");
        let scope = Scope {
            namespace: Namespace::Project,
            params: Rc::default(),
        };
        // Sized for the block's own members (a `use` may bring more): growing it one member
        // at a time copied every block's list several times.
        let mut expanded = Vec::with_capacity(block.members.len());
        let errors_before = self.diagnostics.len();
        self.expand(
            Members::Block(&block.members),
            &scope,
            &[],
            &mut Vec::new(),
            &mut expanded,
        );
        let kind = block.kind.node;
        let statements = (expanded.iter())
            .filter(|item| matches!(item.members.list()[item.at], Member::Statement(_)))
            .count();
        let mut body = Body {
            // A `use` that failed may have brought any member: what looks missing is not
            // reported, so the failed `use` is the one error.
            incomplete: self.diagnostics.len() > errors_before,
            statements: Vec::with_capacity(statements),
            ..Body::default()
        };
        for item in expanded {
            self.member(kind, &name, item, index, &mut body);
        }
        self.check_unique_sids(&body.statements);
        if let Some(path) = &body.path {
            self.check_path_of(kind, path);
        }
        if let (BlockKind::Role, Some(description)) = (kind, &body.description) {
            self.check_role_description(description);
        }
        let present = body.presence();
        let path = body
            .path
            .take()
            .map(|p| p.node)
            .unwrap_or_else(|| "/".to_string());
        let description = body.description.take().map(|d| d.node);
        match kind {
            BlockKind::Boundary | BlockKind::Policy => {
                if !present("statement") {
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
                    aws_managed: body.aws_managed,
                    span: block.span,
                };
                if kind == BlockKind::Boundary {
                    project.boundaries.push(policy);
                } else {
                    project.policies.push(policy);
                }
            }
            BlockKind::Role => {
                if !present("trust") {
                    self.error(
                        Diagnostic::new(
                            Code::MissingSetting,
                            format!("role `{}` has no `trust`", name.node),
                        )
                        .at(name.span, "nobody can assume this role")
                        .with_help("say who may assume it, e.g. `trust service ec2.amazonaws.com`"),
                    );
                }
                if !present("statement") && !present("attach") {
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
                // Pushed one by one; every role's IR is held until lowering, so without spare room.
                body.statements.shrink_to_fit();
                body.trust.shrink_to_fit();
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
                        if !present("boundary") {
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
                if !present("prefix") {
                    self.error(missing_setting(
                        &name,
                        "delegate",
                        "prefix",
                        "prefix \"service-\"",
                    ));
                }
                if !present("to") {
                    self.error(missing_setting(
                        &name,
                        "delegate",
                        "to",
                        "to group \"platform-engineers\"",
                    ));
                }
                if let (Some(profiles), false) = (&body.login_profiles, body.create_users.is_some())
                {
                    self.error(
                        Diagnostic::new(
                            Code::WrongValue,
                            "`login_profiles` lets holders give console passwords to the users they create, but this delegation creates none",
                        )
                        .at(profiles.span, "needs `create_users`")
                        .with_help("add `create_users`, or remove `login_profiles`"),
                    );
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
                        tag_keys: body
                            .tag_keys
                            .map(|keys| keys.node.into_iter().map(|k| k.node).collect()),
                        login_profiles: body.login_profiles.is_some(),
                        span: block.span,
                    });
                }
            }
        }
    }

    /// IAM requires the Sids of one policy to differ; a template with a Sid used twice in one
    /// block is the usual way to break that.
    pub(super) fn check_unique_sids(&mut self, statements: &[ir::Statement]) {
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

    /// Resolves one member into the block's body, checking that the block kind allows it.
    pub(super) fn member(
        &mut self,
        kind: BlockKind,
        block_name: &Spanned<String>,
        item: Expanded<'_>,
        index: &NamesIndex,
        body: &mut Body,
    ) {
        let Expanded {
            members,
            at,
            scope,
            expanded_from,
        } = item;
        let member = &members.list()[at];
        let (what, span) = match &member {
            Member::Statement(s) => ("a statement", s.span),
            Member::Trust(t) => ("`trust`", t.span),
            Member::Use(u) => ("`use`", u.span),
            Member::Setting(s) => (s.node.keyword(), s.span),
        };
        if !allowed(kind, member) {
            let what = if what.starts_with('`') || what == "a statement" {
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
            if let Some(hint) = placement_hint(member) {
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
                body.saw("statement");
                if let Some(statement) = self.statement(statement, &scope, origin) {
                    body.statements.push(statement);
                }
            }
            Member::Trust(trust) => {
                body.saw("trust");
                if let Some(trust) = self.trust(trust, &scope, origin) {
                    body.trust.push(trust);
                }
            }
            Member::Use(_) => unreachable!("uses are expanded before members are resolved"),
            Member::Setting(setting) => self.setting(setting, &scope, index, body),
        }
    }

    pub(super) fn setting(
        &mut self,
        setting: &Spanned<Setting>,
        scope: &Scope,
        index: &NamesIndex,
        body: &mut Body,
    ) {
        let span = setting.span;
        body.saw(setting.node.keyword());
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
                let value_text = value.node.text().into_owned();
                self.check_tag(&key_text, key.span, &value_text, value.span);
                // Role and user tag keys are one key ignoring case (IAM User Guide, "Rules
                // for tagging": `Team` and `team` name the same tag).
                let first = (body.tag_spans.iter())
                    .find(|(seen, _)| seen.eq_ignore_ascii_case(&key_text))
                    .map(|&(_, span)| span);
                body.tag_spans.push((key_text.clone(), key.span));
                if let Some(first) = first {
                    self.error(
                        Diagnostic::new(
                            Code::DuplicateSetting,
                            format!("tag `{key_text}` is set twice"),
                        )
                        .at(key.span, "set again here")
                        .with_label(first, "first set here")
                        .with_help("IAM tag keys of roles and users are unique ignoring case"),
                    );
                } else {
                    body.tags.insert(key_text, value_text);
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
                    } else if let Some(problem) = prefix_problem(&prefix.node) {
                        // The prefix starts role, user and policy names: it may hold only what
                        // they hold. A `/` would reach paths (`service-role/` is AWS's own).
                        self.error(
                            Diagnostic::new(Code::WrongValue, format!("a delegation prefix starts IAM names, which {problem}"))
                                .at(prefix.span, "not the start of an IAM name")
                                .with_help("names hold letters, digits and `+ = , . @ _ -`, at most 64 of them; give a path with `path \"/team/\"`"),
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
            Setting::CreateUsers => body.create_users = Some(span),
            Setting::TagKeys(values) => {
                let mut keys: Vec<Spanned<String>> = Vec::new();
                for value in self.eval_list(values, scope).unwrap_or_default() {
                    let Some(key) = self.string_scalar(value, "a tag key") else {
                        continue;
                    };
                    self.check_tag(&key.node, key.span, "", key.span);
                    // IAM tag keys are unique ignoring case (`Team` and `team` are one key).
                    if let Some(first) =
                        keys.iter().find(|k| k.node.eq_ignore_ascii_case(&key.node))
                    {
                        self.error(
                            Diagnostic::new(
                                Code::DuplicateSetting,
                                format!("tag key `{}` is listed twice", key.node),
                            )
                            .at(key.span, "listed again here")
                            .with_label(first.span, "first listed here")
                            .with_help("IAM tag keys are unique ignoring case"),
                        );
                        continue;
                    }
                    keys.push(key);
                }
                once(
                    self,
                    &mut body.tag_keys,
                    Spanned::new(keys, span),
                    "tag_keys",
                    span,
                );
            }
            Setting::LoginProfiles => once(
                self,
                &mut body.login_profiles,
                Spanned::new((), span),
                "login_profiles",
                span,
            ),
            Setting::AwsManaged => body.aws_managed = true,
        }
    }

    /// Names of users, groups or roles: a bare name is the entity's own name (not a constant),
    /// anything else is evaluated as a value.
    pub(super) fn entity_names(
        &mut self,
        values: &[ast::Value],
        scope: &Scope,
        what: &str,
    ) -> Vec<Spanned<String>> {
        let mut names = Vec::new();
        for value in values {
            if let ValueKind::Name(name) = &value.node {
                names.push(Spanned::new(name.as_str().to_owned(), value.span));
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

    /// `boundary X` / `attach X`: a block of this project by name, or an ARN.
    pub(super) fn policy_ref(
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

    pub(super) fn project_policy(
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

    // ---- statements ----------------------------------------------------------------------
}

/// Names of the project's managed policies, for binding `boundary` and `attach`.
pub(super) struct NamesIndex {
    boundaries: Vec<String>,
    policies: Vec<String>,
}

impl NamesIndex {
    /// In declaration order, which is also the order blocks are pushed into the project.
    pub(super) fn new(
        blocks: &[&Spanned<ast::Block>],
        names: &[Option<Spanned<String>>],
    ) -> NamesIndex {
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
pub(super) enum RefKind {
    Boundary,
    Policy,
}

/// What a block's members add up to, before it becomes an IR node.
#[derive(Default)]
pub(super) struct Body {
    /// Keywords of the settings present, even those whose values had errors, so a bad value
    /// is not reported a second time as a missing setting. Each once; a block has a few of
    /// the grammar's ~20 keywords, so a list costs less than a set.
    seen: Vec<&'static str>,
    /// Some `use` of the block could not be expanded.
    incomplete: bool,
    statements: Vec<ir::Statement>,
    trust: Vec<ir::TrustStatement>,
    path: Option<Spanned<String>>,
    description: Option<Spanned<String>>,
    boundary: Option<PolicyRef>,
    instance_profile: Option<Spanned<Option<String>>>,
    max_session: Option<Spanned<u32>>,
    tags: BTreeMap<String, String>,
    /// Each `tag`'s key and where it was written, in source order.
    tag_spans: Vec<(String, Span)>,
    attach: Vec<PolicyRef>,
    groups: Vec<Spanned<String>>,
    to: Vec<(ast::PrincipalRefKind, Spanned<String>)>,
    prefix: Option<Spanned<String>>,
    pass_to: Vec<Spanned<String>>,
    create_users: Option<Span>,
    tag_keys: Option<Spanned<Vec<Spanned<String>>>>,
    login_profiles: Option<Spanned<()>>,
    aws_managed: bool,
}

impl Body {
    fn saw(&mut self, keyword: &'static str) {
        if !self.seen.contains(&keyword) {
            self.seen.push(keyword);
        }
    }

    /// Whether the block has a member or setting, or may have had it (see `incomplete`).
    fn presence(&self) -> impl Fn(&str) -> bool {
        let (seen, incomplete) = (self.seen.clone(), self.incomplete);
        move |keyword| incomplete || seen.contains(&keyword)
    }
}

pub(super) fn once<T>(
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
pub(super) fn allowed(kind: BlockKind, member: &Member) -> bool {
    kind.accepts(match member {
        Member::Statement(_) => "statement",
        Member::Trust(_) => "trust",
        Member::Use(_) => "use",
        Member::Setting(setting) => setting.node.keyword(),
    })
}

pub(super) fn placement_hint(member: &Member) -> Option<&'static str> {
    match member {
        Member::Statement(_) => Some("a delegation's policy is generated; put statements in a `boundary`, `policy` or `role`"),
        Member::Trust(_) => Some("`trust` belongs in a `role`"),
        Member::Setting(setting) => match setting.node {
            Setting::InstanceProfile(_) | Setting::MaxSession(_) => Some("this setting belongs in a `role`"),
            Setting::To { .. }
            | Setting::Prefix(_)
            | Setting::PassTo(_)
            | Setting::CreateUsers
            | Setting::TagKeys(_)
            | Setting::LoginProfiles => Some("this setting belongs in a `delegate` block"),
            Setting::Groups(_) => Some("`groups` belongs in a `user`"),
            Setting::AwsManaged => Some("`aws_managed` belongs in a `policy`"),
            Setting::Boundary(_) => Some("`boundary` belongs in a `role`, `user` or `delegate`"),
            _ => None,
        },
        Member::Use(_) => None,
    }
}

pub(super) fn missing_setting(
    name: &Spanned<String>,
    kind: &str,
    setting: &str,
    example: &str,
) -> Diagnostic {
    Diagnostic::new(
        Code::MissingSetting,
        format!("{kind} `{}` has no `{setting}`", name.node),
    )
    .at(name.span, format!("`{setting}` is required here"))
    .with_help(format!("add `{example}`"))
}

/// E0101: `name` defined again at `span`. `help` says why the names must differ, which is not
/// the same for IAM's names (unique ignoring case) and the language's own (case-sensitive).
pub(super) fn duplicate(
    kind: &str,
    name: &str,
    span: Span,
    first: Span,
    help: impl Into<String>,
) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateName,
        format!("{kind} `{name}` is defined twice"),
    )
    .at(span, "defined again here")
    .with_label(first, "first defined here")
    .with_help(help)
}

/// The help of E0101 for blocks, whose names are IAM names.
pub(super) const IAM_NAME_HELP: &str =
    "names must be unique (IAM ignores case when comparing names)";
