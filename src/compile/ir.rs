//! The resolved project: every name bound, every string interpolated, every template expanded.
//!
//! In: built by `resolve` from the ASTs of all files. Out: read by `lower`, which turns it into IAM
//! documents. Nodes keep the spans diagnostics need; statements expanded from templates remember
//! each `use` that brought them in.

use crate::source::{Span, Spanned};
use crate::syntax::ast::{CompareOp, PrincipalKind, PrincipalRefKind, Quantifier};
use std::borrow::Cow;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct Project {
    pub account: Spanned<String>,
    pub partition: String,
    /// The environment selected with `--env`, if the sources declare environments.
    pub environment: Option<String>,
    pub boundaries: Vec<ManagedPolicy>,
    pub policies: Vec<ManagedPolicy>,
    pub roles: Vec<Role>,
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    pub delegations: Vec<Delegation>,
}

impl Project {
    /// A project with these settings and no blocks yet.
    pub fn without_blocks(
        account: Spanned<String>,
        partition: String,
        environment: Option<String>,
    ) -> Project {
        Project {
            account,
            partition,
            environment,
            boundaries: Vec::new(),
            policies: Vec::new(),
            roles: Vec::new(),
            users: Vec::new(),
            groups: Vec::new(),
            delegations: Vec::new(),
        }
    }
}

/// Where a node came from: its own span, and the `use` sites it was expanded through
/// (innermost first; empty when written directly in the block).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub span: Span,
    pub expanded_from: Vec<Span>,
}

/// A boundary or customer managed policy.
#[derive(Debug, Clone)]
pub struct ManagedPolicy {
    pub name: Spanned<String>,
    pub path: String,
    pub description: Option<String>,
    pub statements: Vec<Statement>,
    /// `aws_managed`: a copy of an AWS managed policy (see `compile::limits`).
    pub aws_managed: bool,
    pub span: Span,
}

pub use crate::iam::policy::Effect;

#[derive(Debug, Clone)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub not_action: bool,
    /// Fully written actions (`s3:GetObject`, `s3:Get*`, `*`), brace groups and `level(...)`
    /// expanded.
    pub actions: Vec<Spanned<String>>,
    /// Spans of the actions written quoted (`"newsvc:NewAction"`): not checked against the catalog.
    pub unchecked: Vec<Span>,
    pub not_resource: bool,
    pub resources: Vec<Spanned<String>>,
    pub conditions: Vec<Condition>,
    pub origin: Origin,
}

/// One `and`-joined clause of a `when`, values resolved but the IAM operator not yet chosen.
#[derive(Debug, Clone)]
pub struct Condition {
    pub quantifier: Option<Quantifier>,
    pub key: Spanned<String>,
    pub test: Test,
    pub if_exists: bool,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Test {
    Exists {
        negated: bool,
    },
    Compare {
        op: CompareOp,
        values: Vec<Spanned<Scalar>>,
    },
    Like {
        negated: bool,
        values: Vec<Spanned<Scalar>>,
    },
    In {
        negated: bool,
        values: Vec<Spanned<Scalar>>,
    },
    Operator {
        name: Spanned<String>,
        values: Vec<Spanned<Scalar>>,
    },
}

/// A value after constants and interpolations are resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scalar {
    Str(String),
    Star,
    Number(String),
    Bool(bool),
    Date(String),
    Cidr(String),
    DnsName(String),
    /// The value of a list constant; flattened wherever a list of values is accepted.
    List(Vec<Spanned<Scalar>>),
}

impl Scalar {
    pub fn describe(&self) -> &'static str {
        match self {
            Scalar::Str(_) => "a string",
            Scalar::Star => "`*`",
            Scalar::Number(_) => "a number",
            Scalar::Bool(_) => "a boolean",
            Scalar::Date(_) => "a date",
            Scalar::Cidr(_) => "an IP range",
            Scalar::DnsName(_) => "a domain name",
            Scalar::List(_) => "a list",
        }
    }

    /// The value as IAM JSON writes it; borrowed where it is held as text (most values are
    /// pushed into a longer string, not kept).
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Scalar::Str(s)
            | Scalar::Number(s)
            | Scalar::Date(s)
            | Scalar::Cidr(s)
            | Scalar::DnsName(s) => Cow::Borrowed(s),
            Scalar::Star => Cow::Borrowed("*"),
            Scalar::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            Scalar::List(items) => Cow::Owned(
                items
                    .iter()
                    .map(|i| i.node.text())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        }
    }
}

/// A reference to a managed policy: one of the project's, or any ARN.
#[derive(Debug, Clone)]
pub enum PolicyRef {
    /// Index into `Project::boundaries` (for `boundary`) or `Project::policies` (for `attach`).
    Project {
        index: usize,
        span: Span,
    },
    Arn(Spanned<String>),
}

#[derive(Debug, Clone)]
pub struct TrustStatement {
    pub deny: bool,
    pub not_principal: bool,
    pub kind: PrincipalKind,
    pub principals: Vec<Spanned<String>>,
    pub actions: Vec<Spanned<String>>,
    /// Spans of the actions written quoted, as in [`Statement::unchecked`].
    pub unchecked: Vec<Span>,
    pub conditions: Vec<Condition>,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub name: Spanned<String>,
    pub path: String,
    pub description: Option<String>,
    pub boundary: Option<PolicyRef>,
    pub trust: Vec<TrustStatement>,
    pub instance_profile: Option<Spanned<String>>,
    pub max_session_seconds: Option<u32>,
    pub tags: BTreeMap<String, String>,
    pub attached: Vec<PolicyRef>,
    pub statements: Vec<Statement>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct User {
    pub name: Spanned<String>,
    pub path: String,
    pub boundary: Option<PolicyRef>,
    pub groups: Vec<Spanned<String>>,
    pub tags: BTreeMap<String, String>,
    pub attached: Vec<PolicyRef>,
    pub statements: Vec<Statement>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub name: Spanned<String>,
    pub path: String,
    pub attached: Vec<PolicyRef>,
    pub statements: Vec<Statement>,
    pub span: Span,
}

/// A `delegate` block: who may create roles (and users), under which prefix and boundary.
#[derive(Debug, Clone)]
pub struct Delegation {
    pub name: Spanned<String>,
    pub path: String,
    pub description: Option<String>,
    pub to: Vec<(PrincipalRefKind, Spanned<String>)>,
    /// Index into `Project::boundaries`.
    pub boundary: usize,
    pub boundary_span: Span,
    pub prefix: Spanned<String>,
    pub pass_to: Vec<Spanned<String>>,
    /// Where `create_users` was written, when it was.
    pub create_users: Option<Span>,
    /// The tag keys holders may set (`tag_keys`); `None` for the default allowlist.
    pub tag_keys: Option<Vec<String>>,
    /// Whether holders may manage login profiles of the users they create (`login_profiles`).
    pub login_profiles: bool,
    pub span: Span,
}
