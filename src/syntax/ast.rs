//! The typed syntax tree of one `.iamx` file, as written: names are not yet bound, strings still
//! hold their `${...}` interpolations, templates are not expanded.
//!
//! In: built by `parse`. Out: read by `resolve` (and by the formatter). Every node that a
//! diagnostic may point at carries a [`Span`](crate::source::Span); equality ignores spans (see [`Spanned`]).

use crate::source::Spanned;

/// Text in the syntax tree (names, string parts, action names): mostly short, so a string that
/// holds up to 24 bytes inline, without an allocation of its own; longer ones are on the heap.
/// Resolving copies what it keeps into the IR's `String`s, with `as_str().to_owned()`:
/// `to_string()` would go through `Display`.
pub type Text = compact_str::CompactString;

/// One parsed file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub items: Vec<Item>,
}

/// A top-level item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// `account "123456789012"`
    Account(Value),
    /// `partition "aws-cn"`
    Partition(Value),
    /// `let name = value`
    Let(Let),
    /// `import s3`: makes std-lib module `s3` usable as `s3.template(...)`.
    Import(Ident),
    /// `env prod { account "..." let x = "..." }`
    Env(Env),
    /// `template name(params) { members }`
    Template(Spanned<Template>),
    /// `boundary`, `policy`, `role`, `user`, `group` or `delegate` with a body.
    Block(Spanned<Block>),
}

pub type Ident = Spanned<Text>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Let {
    pub name: Ident,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Env {
    pub name: Ident,
    /// The settings in source order, each as written: one given twice is kept twice, so that
    /// `resolve` can report it (E0302, E0101) and the formatter cannot drop a line.
    pub settings: Vec<EnvSetting>,
}

/// One line of an `env` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvSetting {
    Account(Value),
    Partition(Value),
    Let(Let),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub name: Ident,
    pub params: Vec<Ident>,
    pub members: Vec<Member>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BlockKind {
    Boundary,
    Policy,
    Role,
    User,
    Group,
    Delegate,
}

impl BlockKind {
    /// The IAM namespace the block's name lives in, whose names are unique regardless of
    /// case: boundaries, policies and delegation policies are all managed policies.
    pub fn iam_namespace(self) -> &'static str {
        match self {
            BlockKind::Boundary | BlockKind::Policy | BlockKind::Delegate => "managed policy",
            BlockKind::Role => "role",
            BlockKind::User => "user",
            BlockKind::Group => "group",
        }
    }

    pub fn keyword(self) -> &'static str {
        match self {
            BlockKind::Boundary => "boundary",
            BlockKind::Policy => "policy",
            BlockKind::Role => "role",
            BlockKind::User => "user",
            BlockKind::Group => "group",
            BlockKind::Delegate => "delegate",
        }
    }

    /// Whether a block of this kind takes the member introduced by `keyword` (a setting's
    /// [`Setting::keyword`], `trust`, `use`, or `statement` for `allow`/`deny`): the one rule
    /// the resolver places members by and parse errors list them by.
    pub fn accepts(self, keyword: &str) -> bool {
        use BlockKind::*;
        match keyword {
            "statement" => matches!(self, Boundary | Policy | Role | User | Group),
            "trust" | "instance_profile" | "max_session" => self == Role,
            "use" | "path" => true,
            "description" => matches!(self, Boundary | Policy | Role | Delegate),
            "boundary" => matches!(self, Role | User | Delegate),
            "tag" => matches!(self, Role | User),
            "attach" => matches!(self, Role | User | Group),
            "groups" => self == User,
            "aws_managed" => self == Policy,
            "to" | "prefix" | "pass_to" | "create_users" | "tag_keys" | "login_profiles" => {
                self == Delegate
            }
            _ => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: Spanned<BlockKind>,
    pub name: Spanned<Str>,
    pub members: Vec<Member>,
    /// `Some(end)` when the members are not parsed yet (a role's, in a tree from
    /// `parse::parse_deferring_roles`): `members` is empty and the block's text ends at `end`,
    /// where `parse::deferred_block` parses it whole. The compiler does that in the job that
    /// resolves and lowers the role, so that no role's tree outlives its lowering.
    pub deferred: Option<usize>,
}

/// Anything that can stand in a block or template body. Which members a block kind accepts is
/// decided by `resolve`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Member {
    Statement(Spanned<Statement>),
    Trust(Spanned<Trust>),
    Use(Spanned<Use>),
    Setting(Spanned<Setting>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    Path(Value),
    Description(Value),
    Boundary(Value),
    /// `instance_profile` with an optional name (defaults to the role's name).
    InstanceProfile(Option<Value>),
    /// `max_session 12h`: the text as written.
    MaxSession(Spanned<Text>),
    Tag {
        key: Spanned<Str>,
        value: Value,
    },
    Attach(Vec<Value>),
    Groups(Vec<Value>),
    To {
        kind: Spanned<PrincipalRefKind>,
        names: Vec<Value>,
    },
    Prefix(Value),
    PassTo(Vec<Value>),
    CreateUsers,
    /// `tag_keys "team", "cost-center"`: the tag keys a delegation's holders may set.
    TagKeys(Vec<Value>),
    /// `login_profiles`: holders of a `create_users` delegation may give console passwords.
    LoginProfiles,
    /// `aws_managed`: the policy is a copy of an AWS managed policy, which the customer managed
    /// quota does not bind; a statement too large for any part is kept whole with a warning.
    AwsManaged,
}

impl Setting {
    /// The keyword that introduces the setting, for messages.
    pub fn keyword(&self) -> &'static str {
        match self {
            Setting::Path(_) => "path",
            Setting::Description(_) => "description",
            Setting::Boundary(_) => "boundary",
            Setting::InstanceProfile(_) => "instance_profile",
            Setting::MaxSession(_) => "max_session",
            Setting::Tag { .. } => "tag",
            Setting::Attach(_) => "attach",
            Setting::Groups(_) => "groups",
            Setting::To { .. } => "to",
            Setting::Prefix(_) => "prefix",
            Setting::PassTo(_) => "pass_to",
            Setting::CreateUsers => "create_users",
            Setting::TagKeys(_) => "tag_keys",
            Setting::LoginProfiles => "login_profiles",
            Setting::AwsManaged => "aws_managed",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrincipalRefKind {
    User,
    Group,
    Role,
}

/// `allow` or `deny`: the IAM model's own effect, so no stage converts between copies.
pub use crate::iam::policy::Effect;

/// `[Sid:] allow|deny [except] actions on [except] resources [when ...]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sid: Option<Box<Ident>>,
    pub effect: Spanned<Effect>,
    /// `except` before the actions: the statement uses `NotAction`.
    pub not_action: bool,
    pub actions: Vec<Spanned<Action>>,
    /// `except` before the resources: the statement uses `NotResource`.
    pub not_resource: bool,
    pub resources: Vec<Value>,
    pub conditions: Vec<Spanned<Clause>>,
}

/// An action as written: `*`, `s3:GetObject`, `s3:Get*`, `s3:{GetObject, PutObject}`,
/// `s3:level(list, read)` or `"newsvc:NewAction"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Any,
    Named {
        service: Text,
        names: Vec<Spanned<Text>>,
    },
    /// `service:level(list, read)`: the service's actions at these access levels.
    Levels {
        service: Text,
        levels: Vec<Spanned<Text>>,
    },
    /// `"service:Action"`: taken as written, not checked against the catalog.
    Unchecked(Text),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    Service,
    Account,
    Aws,
    Federated,
    Anyone,
}

/// `trust [deny] [except] service|account|aws|federated|anyone values [actions ...] [when ...]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trust {
    pub deny: bool,
    pub not_principal: bool,
    pub kind: Spanned<PrincipalKind>,
    pub principals: Vec<Value>,
    pub actions: Vec<Spanned<Action>>,
    pub conditions: Vec<Spanned<Clause>>,
}

/// `use module.template(args)` or `use template(args)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Use {
    pub module: Option<Box<Ident>>,
    pub template: Ident,
    pub arguments: Vec<Value>,
}

/// One `and`-joined part of a `when`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    pub quantifier: Option<Quantifier>,
    pub key: Spanned<Str>,
    pub test: Test,
    pub if_exists: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    /// `any`: ForAnyValue
    Any,
    /// `all`: ForAllValues
    All,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Test {
    /// `exists` / `not exists` (IAM `Null`).
    Exists {
        negated: bool,
    },
    Compare {
        op: CompareOp,
        values: Vec<Value>,
    },
    Like {
        negated: bool,
        values: Vec<Value>,
    },
    In {
        negated: bool,
        values: Vec<Value>,
    },
    /// `OperatorName(key, values)`: any IAM operator by name.
    Operator {
        name: Spanned<Text>,
        values: Vec<Value>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CompareOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        }
    }
}

/// A value as written.
pub type Value = Spanned<ValueKind>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueKind {
    /// A quoted string or bare ARN, possibly with interpolations.
    Str(Str),
    /// A bare name: a constant or template parameter.
    Name(Text),
    Star,
    Number(Text),
    Bool(bool),
    Date(Text),
    Cidr(Text),
    DnsName(Text),
    /// `[a, b]`, only as the value of a `let`; it stands for its elements wherever a list of
    /// values is accepted.
    List(Vec<Value>),
}

impl ValueKind {
    /// How the value reads in a message.
    pub fn describe(&self) -> &'static str {
        match self {
            ValueKind::Str(_) => "a string",
            ValueKind::Name(_) => "a name",
            ValueKind::Star => "`*`",
            ValueKind::Number(_) => "a number",
            ValueKind::Bool(_) => "a boolean",
            ValueKind::Date(_) => "a date",
            ValueKind::Cidr(_) => "an IP range",
            ValueKind::DnsName(_) => "a domain name",
            ValueKind::List(_) => "a list",
        }
    }
}

/// A string with interpolations: `"arn:aws:s3:::${bucket}/*"`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Str {
    pub parts: Vec<StrPart>,
}

impl Str {
    pub fn literal(text: impl Into<Text>) -> Str {
        Str {
            parts: vec![StrPart::Text(text.into())],
        }
    }

    /// The text when the string has no interpolations.
    pub fn as_literal(&self) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                StrPart::Text(text) => out.push_str(text),
                StrPart::Interpolation(_) => return None,
            }
        }
        Some(out)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StrPart {
    Text(Text),
    /// `${name}`: a constant or parameter, or an IAM policy variable such as `${aws:username}`
    /// (anything with a `:`, and `${*}`, `${?}`, `${$}`), which passes through untouched.
    Interpolation(Spanned<Text>),
}
