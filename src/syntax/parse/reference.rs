//! The pest parser of `grammar/iamx.pest`, kept for tests as the reference the hand-written
//! parser is held to (see `differential`): this is the parser iamx shipped before, unchanged
//! but for sharing the span trimming and the error wording helpers with the hand parser.
//!
//! In: one file's text. Out: what the old `parse` returned.

use super::{
    describe_found, expected_word_help, join_or, keep_members_of_the_block, special_syntax_error,
    trim_trailing_trivia, MAX_SOURCE_BYTES,
};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span, Spanned};
use crate::syntax::ast::*;
use pest::iterators::Pair;
use pest::Parser as _;

#[derive(pest_derive::Parser)]
#[grammar = "grammar/iamx.pest"]
struct Grammar;

/// Parses one file. The grammar has no recursive rules, so no input can exhaust the stack; a
/// file over [`MAX_SOURCE_BYTES`] is refused.
// The error is one diagnostic on a cold path; boxing it would only add noise at every caller.
#[allow(clippy::result_large_err)]
pub(super) fn parse(file: FileId, text: &str) -> Result<File, Diagnostic> {
    if text.len() > MAX_SOURCE_BYTES {
        return Err(Diagnostic::new(
            Code::InputLimit,
            format!(
                "the file is {} bytes, over iamx's limit of {} for a source file",
                crate::diagnostics::thousands(text.len()),
                crate::diagnostics::thousands(MAX_SOURCE_BYTES)
            ),
        )
        .at(Span::new(file, 0, 0), "not read")
        .with_help("split it: every `.iamx` file of a directory belongs to one project"));
    }
    let mut pairs =
        Grammar::parse(Rule::file, text).map_err(|error| syntax_error(file, text, error))?;
    let builder = Builder { file };
    let root = pairs.next().expect("the file rule always yields one pair");
    Ok(builder.file(root))
}

struct Builder {
    file: FileId,
}

impl Builder {
    /// The pair's span without the white space and comments pest includes after a trailing
    /// optional part, so labels end where the construct does.
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let start = pair.as_span().start();
        // No token ends in white space, so trimming it is always right; only when the text may
        // end in a comment is the exact (slower) walk over the last children needed.
        let trimmed = pair.as_str().trim_end();
        let last_line = &trimmed[trimmed.rfind('\n').map_or(0, |i| i + 1)..];
        if !trimmed.ends_with("*/") && !last_line.contains("//") {
            return Span::new(self.file, start, start + trimmed.len());
        }
        Span::new(self.file, start, true_end(pair))
    }

    fn ident(&self, pair: Pair<'_, Rule>) -> Ident {
        Spanned::new(Text::from(pair.as_str()), self.span(&pair))
    }

    fn file(&self, root: Pair<'_, Rule>) -> File {
        let items = root
            .into_inner()
            .filter(|pair| pair.as_rule() != Rule::EOI)
            .map(|pair| self.item(pair))
            .collect();
        File { items }
    }

    fn item(&self, pair: Pair<'_, Rule>) -> Item {
        match pair.as_rule() {
            Rule::account_setting => Item::Account(self.last_value(pair)),
            Rule::partition_setting => Item::Partition(self.last_value(pair)),
            Rule::let_binding => Item::Let(self.let_binding(pair)),
            Rule::import => {
                Item::Import(self.ident(pair.into_inner().nth(1).expect("import name")))
            }
            Rule::env_block => {
                let mut inner = pair.into_inner().skip(1);
                let name = self.ident(inner.next().expect("env name"));
                let mut env = Env {
                    name,
                    settings: Vec::new(),
                };
                for pair in inner {
                    env.settings.push(match pair.as_rule() {
                        Rule::account_setting => EnvSetting::Account(self.last_value(pair)),
                        Rule::partition_setting => EnvSetting::Partition(self.last_value(pair)),
                        Rule::let_binding => EnvSetting::Let(self.let_binding(pair)),
                        rule => unreachable!("env member {rule:?}"),
                    });
                }
                Item::Env(env)
            }
            Rule::template_block => {
                let span = self.span(&pair);
                let mut inner = pair.into_inner().skip(1).peekable();
                let name = self.ident(inner.next().expect("template name"));
                let params = match inner.peek().map(|p| p.as_rule()) {
                    Some(Rule::params) => inner
                        .next()
                        .expect("peeked")
                        .into_inner()
                        .map(|p| self.ident(p))
                        .collect(),
                    _ => Vec::new(),
                };
                let members = inner.map(|p| self.member(p)).collect();
                Item::Template(Spanned::new(
                    Template {
                        name,
                        params,
                        members,
                    },
                    span,
                ))
            }
            Rule::block => {
                let span = self.span(&pair);
                let mut inner = pair.into_inner();
                let kind_pair = inner.next().expect("block kind");
                let kind_span = self.span(&kind_pair);
                let kind = match kind_pair
                    .into_inner()
                    .next()
                    .expect("kind keyword")
                    .as_rule()
                {
                    Rule::kw_boundary => BlockKind::Boundary,
                    Rule::kw_policy => BlockKind::Policy,
                    Rule::kw_role => BlockKind::Role,
                    Rule::kw_user => BlockKind::User,
                    Rule::kw_group => BlockKind::Group,
                    Rule::kw_delegate => BlockKind::Delegate,
                    rule => unreachable!("block kind {rule:?}"),
                };
                let name = self.name(inner.next().expect("block name"));
                let members = inner.map(|p| self.member(p)).collect();
                Item::Block(Spanned::new(
                    Block {
                        kind: Spanned::new(kind, kind_span),
                        name,
                        members,
                        deferred: None,
                    },
                    span,
                ))
            }
            rule => unreachable!("top-level item {rule:?}"),
        }
    }

    fn let_binding(&self, pair: Pair<'_, Rule>) -> Let {
        let mut inner = pair.into_inner().skip(1);
        let name = self.ident(inner.next().expect("let name"));
        let pair = inner.next().expect("let value");
        let value = match pair.as_rule() {
            Rule::list_value => {
                let span = self.span(&pair);
                Spanned::new(
                    ValueKind::List(pair.into_inner().map(|v| self.value(v)).collect()),
                    span,
                )
            }
            _ => self.value(pair),
        };
        Let { name, value }
    }

    /// The value of a `keyword value` rule.
    fn last_value(&self, pair: Pair<'_, Rule>) -> Value {
        self.value(pair.into_inner().last().expect("setting value"))
    }

    fn name(&self, pair: Pair<'_, Rule>) -> Spanned<Str> {
        let span = self.span(&pair);
        let inner = pair.into_inner().next().expect("name body");
        match inner.as_rule() {
            Rule::string => Spanned::new(self.string(inner), span),
            Rule::ident => Spanned::new(Str::literal(inner.as_str()), span),
            rule => unreachable!("name {rule:?}"),
        }
    }

    fn member(&self, pair: Pair<'_, Rule>) -> Member {
        let span = self.span(&pair);
        let setting = |setting| Member::Setting(Spanned::new(setting, span));
        match pair.as_rule() {
            Rule::statement => Member::Statement(Spanned::new(self.statement(pair), span)),
            Rule::trust => Member::Trust(Spanned::new(self.trust(pair), span)),
            Rule::use_template => Member::Use(Spanned::new(self.use_template(pair), span)),
            Rule::path_setting => setting(Setting::Path(self.last_value(pair))),
            Rule::description_setting => setting(Setting::Description(self.last_value(pair))),
            Rule::boundary_setting => setting(Setting::Boundary(self.last_value(pair))),
            Rule::instance_profile_setting => {
                let value = pair
                    .into_inner()
                    .nth(1)
                    .map(|p| Spanned::new(ValueKind::Str(self.string(p.clone())), self.span(&p)));
                setting(Setting::InstanceProfile(value))
            }
            Rule::max_session_setting => {
                let duration = pair.into_inner().nth(1).expect("duration");
                setting(Setting::MaxSession(self.ident(duration)))
            }
            Rule::tag_setting => {
                let mut inner = pair.into_inner().skip(1);
                let key = self.name(inner.next().expect("tag key"));
                let value = self.value(inner.next().expect("tag value"));
                setting(Setting::Tag { key, value })
            }
            Rule::attach_setting => {
                setting(Setting::Attach(self.value_list(pair.into_inner().nth(1))))
            }
            Rule::groups_setting => {
                setting(Setting::Groups(self.value_list(pair.into_inner().nth(1))))
            }
            Rule::to_setting => {
                let mut inner = pair.into_inner().skip(1);
                let kind_pair = inner.next().expect("principal kind");
                let kind_span = self.span(&kind_pair);
                let kind = match kind_pair
                    .into_inner()
                    .next()
                    .expect("kind keyword")
                    .as_rule()
                {
                    Rule::kw_user => PrincipalRefKind::User,
                    Rule::kw_group => PrincipalRefKind::Group,
                    Rule::kw_role => PrincipalRefKind::Role,
                    rule => unreachable!("principal kind {rule:?}"),
                };
                let names = self.value_list(inner.next());
                setting(Setting::To {
                    kind: Spanned::new(kind, kind_span),
                    names,
                })
            }
            Rule::prefix_setting => setting(Setting::Prefix(self.last_value(pair))),
            Rule::pass_to_setting => {
                setting(Setting::PassTo(self.value_list(pair.into_inner().nth(1))))
            }
            Rule::create_users_setting => setting(Setting::CreateUsers),
            Rule::tag_keys_setting => {
                setting(Setting::TagKeys(self.value_list(pair.into_inner().nth(1))))
            }
            Rule::login_profiles_setting => setting(Setting::LoginProfiles),
            Rule::aws_managed_setting => setting(Setting::AwsManaged),
            rule => unreachable!("member {rule:?}"),
        }
    }

    fn statement(&self, pair: Pair<'_, Rule>) -> Statement {
        let span = self.span(&pair);
        let mut statement = Statement {
            sid: None,
            effect: Spanned::new(Effect::Allow, span),
            not_action: false,
            actions: Vec::new(),
            not_resource: false,
            resources: Vec::new(),
            conditions: Vec::new(),
        };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::sid => {
                    statement.sid = Some(Box::new(
                        self.ident(part.into_inner().next().expect("sid name")),
                    ))
                }
                Rule::effect => {
                    let effect = match part.clone().into_inner().next().expect("effect").as_rule() {
                        Rule::kw_allow => Effect::Allow,
                        _ => Effect::Deny,
                    };
                    statement.effect = Spanned::new(effect, self.span(&part));
                }
                Rule::not_action => statement.not_action = true,
                Rule::action_list => statement.actions = self.action_list(part),
                Rule::kw_on => {}
                Rule::not_resource => statement.not_resource = true,
                Rule::value_list => statement.resources = self.value_list(Some(part)),
                Rule::condition => statement.conditions = self.condition(part),
                rule => unreachable!("statement part {rule:?}"),
            }
        }
        statement
    }

    fn trust(&self, pair: Pair<'_, Rule>) -> Trust {
        let span = self.span(&pair);
        let mut trust = Trust {
            deny: false,
            not_principal: false,
            kind: Spanned::new(PrincipalKind::Anyone, span),
            principals: Vec::new(),
            actions: Vec::new(),
            conditions: Vec::new(),
        };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::kw_trust => {}
                Rule::trust_deny => trust.deny = true,
                Rule::not_principal => trust.not_principal = true,
                Rule::principal_kind => {
                    let kind = match part.clone().into_inner().next().expect("kind").as_rule() {
                        Rule::kw_service => PrincipalKind::Service,
                        Rule::kw_account => PrincipalKind::Account,
                        Rule::kw_aws => PrincipalKind::Aws,
                        Rule::kw_federated => PrincipalKind::Federated,
                        Rule::kw_anyone => PrincipalKind::Anyone,
                        rule => unreachable!("principal kind {rule:?}"),
                    };
                    trust.kind = Spanned::new(kind, self.span(&part));
                }
                Rule::value_list => trust.principals = self.value_list(Some(part)),
                Rule::trust_actions => {
                    trust.actions =
                        self.action_list(part.into_inner().nth(1).expect("trust actions"))
                }
                Rule::condition => trust.conditions = self.condition(part),
                rule => unreachable!("trust part {rule:?}"),
            }
        }
        trust
    }

    fn use_template(&self, pair: Pair<'_, Rule>) -> Use {
        let mut inner = pair.into_inner().skip(1);
        let reference = inner.next().expect("template reference");
        let mut names: Vec<Ident> = reference.into_inner().map(|p| self.ident(p)).collect();
        let template = names.pop().expect("template name");
        let module = names.pop();
        let arguments = inner
            .next()
            .map(|args| args.into_inner().map(|p| self.value(p)).collect())
            .unwrap_or_default();
        Use {
            module: module.map(Box::new),
            template,
            arguments,
        }
    }

    fn action_list(&self, pair: Pair<'_, Rule>) -> Vec<Spanned<Action>> {
        pair.into_inner()
            .map(|action| {
                let span = self.span(&action);
                let mut inner = action.into_inner();
                let first = inner.next().expect("action body");
                let node = match first.as_rule() {
                    Rule::any_action => Action::Any,
                    Rule::quoted_action => Action::Unchecked(Text::from(
                        first.into_inner().next().expect("quoted text").as_str(),
                    )),
                    Rule::service_prefix => {
                        let service = first.as_str().to_string();
                        let names_pair = inner.next().expect("action name");
                        if names_pair.as_rule() == Rule::access_levels {
                            let levels = names_pair.into_inner().map(|p| self.ident(p)).collect();
                            return Spanned::new(
                                Action::Levels {
                                    service: service.into(),
                                    levels,
                                },
                                span,
                            );
                        }
                        let names = match names_pair.as_rule() {
                            Rule::action_group => {
                                names_pair.into_inner().map(|p| self.ident(p)).collect()
                            }
                            _ => vec![self.ident(names_pair)],
                        };
                        Action::Named {
                            service: service.into(),
                            names,
                        }
                    }
                    rule => unreachable!("action {rule:?}"),
                };
                Spanned::new(node, span)
            })
            .collect()
    }

    fn condition(&self, pair: Pair<'_, Rule>) -> Vec<Spanned<Clause>> {
        pair.into_inner()
            .filter(|p| p.as_rule() == Rule::clause)
            .map(|clause| Spanned::new(self.clause(clause.clone()), self.span(&clause)))
            .collect()
    }

    fn clause(&self, pair: Pair<'_, Rule>) -> Clause {
        let mut quantifier = None;
        let mut key = None;
        let mut test = None;
        let mut if_exists = false;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::quantifier => {
                    quantifier = Some(
                        match part.into_inner().next().expect("quantifier").as_rule() {
                            Rule::kw_any => Quantifier::Any,
                            _ => Quantifier::All,
                        },
                    )
                }
                Rule::condition_key => key = Some(self.condition_key(part)),
                Rule::if_exists => if_exists = true,
                Rule::operator_call => {
                    let mut inner = part.into_inner();
                    let name = self.ident(inner.next().expect("operator name"));
                    key = Some(self.condition_key(inner.next().expect("operator key")));
                    let values = self.values(inner.next().expect("operator values"));
                    test = Some(Test::Operator { name, values });
                }
                Rule::exists_test => {
                    let negated = part.into_inner().any(|p| p.as_rule() == Rule::kw_not);
                    test = Some(Test::Exists { negated });
                }
                Rule::compare_test => {
                    let mut inner = part.into_inner();
                    let op = match inner.next().expect("comparison").as_str() {
                        "==" => CompareOp::Eq,
                        "!=" => CompareOp::Ne,
                        "<=" => CompareOp::Le,
                        ">=" => CompareOp::Ge,
                        "<" => CompareOp::Lt,
                        _ => CompareOp::Gt,
                    };
                    let values = self.values(inner.next().expect("comparison values"));
                    test = Some(Test::Compare { op, values });
                }
                Rule::like_test | Rule::in_test => {
                    let is_like = part.as_rule() == Rule::like_test;
                    let mut negated = false;
                    let mut values = Vec::new();
                    for p in part.into_inner() {
                        match p.as_rule() {
                            Rule::kw_not => negated = true,
                            Rule::values => values = self.values(p),
                            _ => {}
                        }
                    }
                    test = Some(if is_like {
                        Test::Like { negated, values }
                    } else {
                        Test::In { negated, values }
                    });
                }
                rule => unreachable!("clause part {rule:?}"),
            }
        }
        Clause {
            quantifier,
            key: key.expect("every clause has a key"),
            test: test.expect("every clause has a test"),
            if_exists,
        }
    }

    fn condition_key(&self, pair: Pair<'_, Rule>) -> Spanned<Str> {
        let span = self.span(&pair);
        let inner = pair.into_inner().next().expect("key body");
        match inner.as_rule() {
            Rule::string => Spanned::new(self.string(inner), span),
            _ => Spanned::new(Str::literal(inner.as_str()), span),
        }
    }

    fn values(&self, pair: Pair<'_, Rule>) -> Vec<Value> {
        pair.into_inner().map(|p| self.value(p)).collect()
    }

    fn value_list(&self, pair: Option<Pair<'_, Rule>>) -> Vec<Value> {
        pair.map(|p| p.into_inner().map(|v| self.value(v)).collect())
            .unwrap_or_default()
    }

    fn value(&self, pair: Pair<'_, Rule>) -> Value {
        let span = self.span(&pair);
        let inner = pair.into_inner().next().expect("value body");
        let text = inner.as_str().to_string();
        let kind = match inner.as_rule() {
            Rule::string | Rule::bare_arn => ValueKind::Str(self.string(inner)),
            Rule::bare_path => ValueKind::Str(Str::literal(text)),
            Rule::star => ValueKind::Star,
            Rule::date => ValueKind::Date(text.into()),
            Rule::cidr => ValueKind::Cidr(text.into()),
            Rule::number => ValueKind::Number(text.into()),
            Rule::boolean => ValueKind::Bool(text == "true"),
            Rule::dns_name => ValueKind::DnsName(text.into()),
            Rule::value_name => ValueKind::Name(text.into()),
            rule => unreachable!("value {rule:?}"),
        };
        Spanned::new(kind, span)
    }

    /// A quoted string or bare ARN with its interpolations.
    fn string(&self, pair: Pair<'_, Rule>) -> Str {
        let mut parts: Vec<StrPart> = Vec::new();
        let push_text = |parts: &mut Vec<StrPart>, text: &str| match parts.last_mut() {
            Some(StrPart::Text(previous)) => previous.push_str(text),
            _ => parts.push(StrPart::Text(Text::from(text))),
        };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::text | Rule::arn_head | Rule::arn_text => {
                    push_text(&mut parts, part.as_str())
                }
                Rule::escape => {
                    let unescaped = match &part.as_str()[1..] {
                        "n" => "\n",
                        "t" => "\t",
                        other => other,
                    };
                    push_text(&mut parts, unescaped)
                }
                Rule::interpolation => {
                    let name = part.into_inner().next().expect("interpolation name");
                    parts.push(StrPart::Interpolation(self.ident(name)));
                }
                rule => unreachable!("string part {rule:?}"),
            }
        }
        Str { parts }
    }
}

/// Where a pair really ends: only the text after its last child can be trivia (or closing
/// punctuation such as `}`), and tokens without children are atomic, so they end exactly.
fn true_end(pair: &Pair<'_, Rule>) -> usize {
    let span = pair.as_span();
    match pair.clone().into_inner().last() {
        None => span.end(),
        Some(last_child) => {
            let child_end = true_end(&last_child);
            let tail = &pair.get_input()[child_end..span.end()];
            child_end + trim_trailing_trivia(tail).len()
        }
    }
}

fn syntax_error(file: FileId, text: &str, error: pest::error::Error<Rule>) -> Diagnostic {
    use pest::error::{ErrorVariant, InputLocation};
    let position = match error.location {
        InputLocation::Pos(pos) => pos,
        InputLocation::Span((start, _)) => start,
    };
    let (expected, unexpected) = match &error.variant {
        ErrorVariant::ParsingError {
            positives,
            negatives,
        } => (positives.clone(), negatives.clone()),
        ErrorVariant::CustomError { .. } => (Vec::new(), Vec::new()),
    };
    let found = describe_found(text, position);
    let end =
        (position + text[position..].chars().next().map_or(0, char::len_utf8)).min(text.len());
    let span = Span::new(file, position, end);

    if let Some(diagnostic) = special_syntax_error(file, text, position) {
        return diagnostic;
    }
    let mut expected = expected;
    // A value can take many shapes; listing each one would bury the message.
    if expected.contains(&Rule::string) && expected.contains(&Rule::value_name) {
        expected.retain(|rule| !VALUE_SHAPES.contains(rule));
        expected.push(Rule::value);
    }
    let mut names: Vec<&str> = expected.iter().map(|rule| describe_rule(*rule)).collect();
    names.sort_unstable();
    names.dedup();
    keep_members_of_the_block(file, text, position, &mut names);
    let message = if !names.is_empty() {
        format!("expected {}, found {found}", join_or(&names))
    } else if !unexpected.is_empty() {
        let mut names: Vec<&str> = unexpected.iter().map(|rule| describe_rule(*rule)).collect();
        names.dedup();
        format!("unexpected {}", join_or(&names))
    } else {
        format!("unexpected {found}")
    };
    let mut diagnostic = Diagnostic::new(Code::Syntax, message).at(span, "here");
    if expected.contains(&Rule::kw_on) {
        diagnostic = diagnostic.with_help(
            "every statement names its resources: `allow s3:GetObject on arn:aws:s3:::bucket/*`",
        );
    }
    if let Some(help) = expected_word_help(text, position, &names) {
        diagnostic = diagnostic.with_help(help);
    }
    diagnostic
}

const VALUE_SHAPES: [Rule; 10] = [
    Rule::string,
    Rule::bare_arn,
    Rule::star,
    Rule::date,
    Rule::cidr,
    Rule::number,
    Rule::boolean,
    Rule::dns_name,
    Rule::value_name,
    Rule::bare_path,
];

/// The words for each grammar rule in "expected ..." messages. No catch-all arm: a new rule
/// cannot ship without a name.
fn describe_rule(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "end of file",
        Rule::WHITESPACE => "white space",
        Rule::COMMENT | Rule::line_comment | Rule::block_comment => "a comment",
        Rule::file | Rule::item => "a top-level item (`account`, `let`, `import`, `template`, `boundary`, `policy`, `role`, `user`, `group`, `delegate` or `env`)",
        Rule::account_setting => "`account`",
        Rule::partition_setting => "`partition`",
        Rule::let_binding => "`let`",
        Rule::list_value => "a `[...]` list of values",
        Rule::import => "`import`",
        Rule::env_block => "`env`",
        Rule::template_block => "`template`",
        Rule::params => "parameter names",
        Rule::block => "a block (`boundary`, `policy`, `role`, `user`, `group` or `delegate`)",
        Rule::block_kind => "a block (`boundary`, `policy`, `role`, `user`, `group` or `delegate`)",
        Rule::name => "a name, like `service-etl` or `\"service.etl\"`",
        Rule::member => "a statement (`allow`/`deny`), `trust`, `use` or a setting",
        Rule::statement => "a statement, like `allow s3:GetObject on arn:aws:s3:::bucket/*`",
        Rule::sid | Rule::sid_name => "a statement label, like `ReadRaw:`",
        Rule::effect => "`allow` or `deny`",
        Rule::not_action | Rule::not_resource | Rule::not_principal => "`except`",
        Rule::action_list | Rule::action => "an action, like `s3:GetObject`",
        Rule::action_group => "a brace group of actions, like `{GetObject, PutObject}`",
        Rule::service_prefix => "a service prefix, like `s3`",
        Rule::action_name => "an action name, like `GetObject`",
        Rule::access_levels => "access levels, like `level(list, read)`",
        Rule::level_name => "an access level (`list`, `read`, `write`, `permissions` or `tagging`)",
        Rule::quoted_action | Rule::quoted_text => "a quoted action, like `\"newsvc:NewAction\"`",
        Rule::trust => "`trust`",
        Rule::trust_deny => "`deny`",
        Rule::principal_kind => "a principal kind (`service`, `account`, `aws`, `federated` or `anyone`)",
        Rule::trust_actions => "`actions`",
        Rule::use_template => "`use`",
        Rule::template_ref => "a template name, like `s3.read_only`",
        Rule::arguments => "template arguments",
        Rule::path_setting => "`path`",
        Rule::description_setting => "`description`",
        Rule::boundary_setting => "`boundary`",
        Rule::instance_profile_setting => "`instance_profile`",
        Rule::max_session_setting => "`max_session`",
        Rule::tag_setting => "`tag`",
        Rule::attach_setting => "`attach`",
        Rule::groups_setting => "`groups`",
        Rule::to_setting => "`to`",
        Rule::principal_ref_kind => "`user`, `group` or `role`",
        Rule::prefix_setting => "`prefix`",
        Rule::pass_to_setting => "`pass_to`",
        Rule::create_users_setting => "`create_users`",
        Rule::tag_keys_setting => "`tag_keys`",
        Rule::login_profiles_setting => "`login_profiles`",
        Rule::aws_managed_setting => "`aws_managed`",
        Rule::duration => "a duration, like `3600`, `90m` or `12h`",
        Rule::condition => "`when`",
        Rule::clause => "a condition, like `aws:PrincipalTag/team == \"etl\"`",
        Rule::quantifier => "`any` or `all`",
        Rule::if_exists => "`if exists`",
        Rule::exists_test => "`exists`",
        Rule::compare_test | Rule::compare_op => "a comparison (`==`, `!=`, `<`, `<=`, `>` or `>=`)",
        Rule::like_test => "`like`",
        Rule::in_test => "`in`",
        Rule::operator_call => "an operator call, like `StringEqualsIgnoreCase(key, \"value\")`",
        Rule::operator_name => "an IAM condition operator name",
        Rule::condition_key | Rule::key_text | Rule::key_part | Rule::key_tail => {
            "a condition key, like `aws:SourceIp`"
        }
        Rule::values => "a value or a `[...]` list of values",
        Rule::value_list | Rule::value => "a value (a string, an ARN, `*`, a number, a date, an IP range or a name)",
        Rule::star => "`*`",
        Rule::any_action => "an action, like `s3:GetObject`",
        Rule::string => "a string",
        Rule::text => "string text",
        Rule::escape => "an escape (`\\\"`, `\\\\`, `\\n`, `\\t` or `\\$`)",
        Rule::interpolation => "`${...}`",
        Rule::interpolation_name => "a name inside `${...}`",
        Rule::bare_arn | Rule::arn_head => "an ARN, like `arn:aws:s3:::bucket/*`",
        Rule::arn_text | Rule::arn_char => "ARN text",
        Rule::test => "a test (`==`, `like`, `in`, `exists`, ...)",
        Rule::date => "a date, like `2027-01-01T00:00:00Z`",
        Rule::cidr => "an IP range, like `10.0.0.0/8`",
        Rule::number => "a number",
        Rule::boolean => "`true` or `false`",
        Rule::dns_name => "a domain name, like `ec2.amazonaws.com`",
        Rule::bare_path => "a path",
        Rule::ident | Rule::ident_char | Rule::value_name => "a name",
        Rule::keyword => "a keyword",
        Rule::kw_account => "`account`",
        Rule::kw_partition => "`partition`",
        Rule::kw_let => "`let`",
        Rule::kw_import => "`import`",
        Rule::kw_env => "`env`",
        Rule::kw_template => "`template`",
        Rule::kw_boundary => "`boundary`",
        Rule::kw_policy => "`policy`",
        Rule::kw_role => "`role`",
        Rule::kw_user => "`user`",
        Rule::kw_group => "`group`",
        Rule::kw_delegate => "`delegate`",
        Rule::kw_allow => "`allow`",
        Rule::kw_deny => "`deny`",
        Rule::kw_except => "`except`",
        Rule::kw_on => "`on` and the resources",
        Rule::kw_when => "`when`",
        Rule::kw_and => "`and`",
        Rule::kw_trust => "`trust`",
        Rule::kw_service => "`service`",
        Rule::kw_aws => "`aws`",
        Rule::kw_federated => "`federated`",
        Rule::kw_anyone => "`anyone`",
        Rule::kw_actions => "`actions`",
        Rule::kw_use => "`use`",
        Rule::kw_path => "`path`",
        Rule::kw_description => "`description`",
        Rule::kw_instance_profile => "`instance_profile`",
        Rule::kw_max_session => "`max_session`",
        Rule::kw_tag => "`tag`",
        Rule::kw_attach => "`attach`",
        Rule::kw_groups => "`groups`",
        Rule::kw_to => "`to`",
        Rule::kw_prefix => "`prefix`",
        Rule::kw_pass_to => "`pass_to`",
        Rule::kw_create_users => "`create_users`",
        Rule::kw_tag_keys => "`tag_keys`",
        Rule::kw_login_profiles => "`login_profiles`",
        Rule::kw_aws_managed => "`aws_managed`",
        Rule::kw_not => "`not`",
        Rule::kw_like => "`like`",
        Rule::kw_in => "`in`",
        Rule::kw_exists => "`exists`",
        Rule::kw_if => "`if`",
        Rule::kw_any => "`any`",
        Rule::kw_all => "`all`",
    }
}
