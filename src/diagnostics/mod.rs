//! The one diagnostic type of the compiler, its table of error codes, and its renderers.
//!
//! In: diagnostics built by any stage (parse, resolve, lower, ...). Out: text rendered with
//! codespan-reporting (coloured or plain) or a JSON array for tools. Stages never render; they
//! collect diagnostics and keep going, so one run reports as many problems as it can.
//! [`add_source`] is where read bytes become a source file, or E0001 when they are not UTF-8.

pub mod suggest;

use crate::source::{Sources, Span};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::term;
use serde::Serialize;

mod one_line_labels;
pub mod sarif;
mod snippet;
pub use snippet::invisible;
pub mod suppress;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

/// Stable diagnostic codes. The number ranges group them: E00xx reading and parsing, E01xx names
/// and resolution (including the catalog), E02xx statements and values, E03xx blocks and
/// settings, E04xx/W04xx lints over whole documents; W-codes are warnings.
/// The README lists every code; `code_table_is_documented` keeps the two in step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// The input is not valid UTF-8.
    InvalidUtf8,
    /// The text does not follow the grammar.
    Syntax,
    /// An input file could not be read.
    Unreadable,
    /// Two definitions share a name.
    DuplicateName,
    /// A `${name}` or bare name refers to no constant or parameter.
    UnknownConstant,
    /// `use` names a template that does not exist.
    UnknownTemplate,
    /// `use` passes the wrong number of arguments.
    ArgumentCount,
    /// `import` names a module the std-lib does not have.
    UnknownModule,
    /// A name refers to no boundary, policy, user, group or role of the project.
    UnknownReference,
    /// Templates use each other in a cycle, or constants refer to each other in a cycle.
    Cycle,
    /// `--env` names an environment the sources do not declare, or one is needed.
    UnknownEnvironment,
    /// A value has the wrong kind for its place (a number where a name belongs, ...), or a
    /// principal IAM refuses (a wildcard in part of it, a policy variable in a trust policy's, a
    /// `Service` value that is no `NAME.amazonaws.com`).
    WrongValue,
    /// An action is not written `service:Action` (or has a wildcard in its service).
    MalformedAction,
    /// A resource is neither `*` nor an ARN.
    MalformedArn,
    /// A condition cannot be expressed as written.
    InvalidCondition,
    /// A statement label is not a valid IAM Sid.
    InvalidSid,
    /// Two statements of one policy IAM holds share a non-empty Sid.
    DuplicateSid,
    /// A policy document holds a character IAM refuses in one (beyond U+00FF).
    NotLatin1,
    /// A member is not allowed in this kind of block.
    MisplacedMember,
    /// A setting is given twice.
    DuplicateSetting,
    /// A required setting is missing.
    MissingSetting,
    /// A name breaks IAM's naming rules (length, characters).
    InvalidName,
    /// An account ID is not twelve digits.
    InvalidAccount,
    /// A role has no statements and no attached policies.
    EmptyRole,
    /// A JSON input is not valid JSON.
    InvalidJson,
    /// A JSON policy has an unknown key or a value of the wrong shape.
    InvalidPolicyJson,
    /// An action or service is not in the AWS catalog (write it quoted to allow it anyway).
    UnknownAction,
    /// An action wildcard such as `s3:Gte*` matches no action of the catalog.
    NoMatchingAction,
    /// `level(...)` names an access level that does not exist, or a service without actions.
    UnknownAccessLevel,
    /// A condition value does not fit its key or operator (`aws:SourceIp == "abc"`, `10.0.0.0/33`).
    ConditionValueType,
    /// A document exceeds an IAM size quota.
    SizeQuota,
    /// An action or service in an IAM JSON file is not in the catalog.
    UnknownActionInJson,
    /// An action is used with resources of none of the types it applies to.
    ResourceTypeMismatch,
    /// A condition key is not in the catalog, or applies to none of the statement's actions.
    UnknownConditionKey,
    /// `allow` with `NotAction` (`allow except ...`): grants everything else, present and future.
    AllowNotAction,
    /// The action `*`: every action of every service.
    AnyAction,
    /// `iam:PassRole` on every resource: the holder can hand any role to a service.
    PassRoleOnAny,
    /// An action (or pair of actions) known to allow privilege escalation, granted on `*`.
    PrivilegeEscalation,
    /// A statement covered by another statement of the same document.
    RedundantStatement,
    /// Retired: E0702 and E0705 report a statement without resources, which this only repeated.
    EmptyResources,
    /// A policy variable that has no value where the policy is used (`${aws:username}` for roles).
    UnavailableVariable,
    /// A JSON document may exceed an IAM size quota (its kind is not known).
    SizeQuotaInJson,
    /// A document has too many patterns for the redundant-statement lint (W0405) to compare all its statements: the lint stopped.
    LintLimit,
    /// A tag breaks IAM's rules (key or value length, characters, the `aws:` prefix, at most 50).
    InvalidTag,
    /// One statement is larger than a managed policy may be, so no split can fit it.
    StatementTooLarge,
    /// A policy marked `aws_managed` is kept whole over the customer managed quota: AWS takes it only as an AWS managed policy.
    AwsManagedOverQuota,
    /// A role, user or group would have more managed policies attached than IAM's quota of 10,
    /// or a user would be in more than 10 groups.
    TooManyPolicies,
    /// A role's or user's policies allow a request its permissions boundary does not.
    BoundaryEscape,
    /// A delegation allows an escalation (a role without the boundary, editing the boundary, ...).
    DelegationEscalation,
    /// A delegation's boundary or own policy (or a part of either), or a policy a principal without the boundary has, has a name its holders may manage (under the prefix).
    ProtectedNameUnderPrefix,
    /// Verification could not decide whether a role stays inside its boundary or a delegation is safe.
    VerifyUnknown,
    /// An `Allow` conditions an action on a key that action's requests never have: it never applies.
    NeverMatchingCondition,
    /// A delegation allows an escalation that depends on what exists in the account (an unbounded role under the prefix, ...).
    ConditionalEscalation,
    /// A delegation changes roles outside its prefix that carry the boundary, or its boundary is broader than its holders.
    DelegationWarning,
    /// The account (`verify --gaad`) lacks a role, user or policy the project declares, or holds it differently.
    AccountDrift,
    /// An `// iamx:allow` comment is malformed: no reason, an unknown code, a code it may not name; or `iamx fmt` would change what it covers.
    InvalidSuppression,
    /// An `// iamx:allow` comment that suppresses nothing.
    UnusedSuppression,
    /// The project file `iamx.toml` is not valid (a syntax error, an unknown key, a bad value).
    InvalidProjectFile,
    /// An object of a JSON policy has the same key twice.
    DuplicateKey,
    /// An input is over a reading limit of iamx (file size; for JSON also nesting depth and statements).
    InputLimit,
    /// A policy's `Version` is not one IAM takes for its kind (a managed policy needs `2012-10-17`).
    InvalidVersion,
    /// A policy's `Statement`, or a statement's action, resource or principal list, is empty.
    EmptyElement,
    /// A statement's `Effect` is neither `Allow` nor `Deny`.
    InvalidEffect,
    /// A statement has both `Action` and `NotAction` (or `Resource`/`NotResource`, `Principal`/`NotPrincipal`), or neither action element.
    ConflictingElements,
    /// A statement lacks an element its policy kind requires (`Resource` in an identity policy, `Principal` in a trust or resource policy).
    MissingElement,
    /// A statement has an element its policy kind refuses (`Principal` in an identity policy, `Resource` in a trust policy).
    ElementNotAllowed,
    /// A condition operator is not one IAM knows.
    UnknownOperator,
    /// A policy without `Version` `2012-10-17`: IAM reads its policy variables as literal text.
    LiteralVariables,
    /// `NotPrincipal` with `Allow`: grants every principal but the listed ones, anonymous ones included.
    NotPrincipalAllow,
    /// A condition operator's type does not fit its key's type (`ArnLike` on a string key, `StringEquals` on `aws:SourceIp`).
    OperatorKeyMismatch,
    /// `ForAnyValue:`/`ForAllValues:` on a single-valued key.
    SetOperatorSingleValued,
    /// A service principal is not one of the AWS service principals iamx knows.
    UnknownServicePrincipal,
}

impl Code {
    pub const ALL: [Code; 72] = [
        Code::InvalidUtf8,
        Code::Syntax,
        Code::Unreadable,
        Code::DuplicateName,
        Code::UnknownConstant,
        Code::UnknownTemplate,
        Code::ArgumentCount,
        Code::UnknownModule,
        Code::UnknownReference,
        Code::Cycle,
        Code::UnknownEnvironment,
        Code::WrongValue,
        Code::MalformedAction,
        Code::MalformedArn,
        Code::InvalidCondition,
        Code::InvalidSid,
        Code::DuplicateSid,
        Code::NotLatin1,
        Code::MisplacedMember,
        Code::DuplicateSetting,
        Code::MissingSetting,
        Code::InvalidName,
        Code::InvalidAccount,
        Code::EmptyRole,
        Code::InvalidJson,
        Code::InvalidPolicyJson,
        Code::UnknownAction,
        Code::NoMatchingAction,
        Code::UnknownAccessLevel,
        Code::ConditionValueType,
        Code::SizeQuota,
        Code::UnknownActionInJson,
        Code::ResourceTypeMismatch,
        Code::UnknownConditionKey,
        Code::AllowNotAction,
        Code::AnyAction,
        Code::PassRoleOnAny,
        Code::PrivilegeEscalation,
        Code::RedundantStatement,
        Code::EmptyResources,
        Code::UnavailableVariable,
        Code::SizeQuotaInJson,
        Code::AwsManagedOverQuota,
        Code::LintLimit,
        Code::InvalidTag,
        Code::StatementTooLarge,
        Code::TooManyPolicies,
        Code::BoundaryEscape,
        Code::DelegationEscalation,
        Code::ProtectedNameUnderPrefix,
        Code::VerifyUnknown,
        Code::NeverMatchingCondition,
        Code::ConditionalEscalation,
        Code::DelegationWarning,
        Code::AccountDrift,
        Code::InvalidSuppression,
        Code::UnusedSuppression,
        Code::InvalidProjectFile,
        Code::DuplicateKey,
        Code::InputLimit,
        Code::InvalidVersion,
        Code::EmptyElement,
        Code::InvalidEffect,
        Code::ConflictingElements,
        Code::MissingElement,
        Code::ElementNotAllowed,
        Code::UnknownOperator,
        Code::LiteralVariables,
        Code::NotPrincipalAllow,
        Code::OperatorKeyMismatch,
        Code::SetOperatorSingleValued,
        Code::UnknownServicePrincipal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::InvalidUtf8 => "E0001",
            Code::Syntax => "E0002",
            Code::Unreadable => "E0003",
            Code::DuplicateName => "E0101",
            Code::UnknownConstant => "E0102",
            Code::UnknownTemplate => "E0103",
            Code::ArgumentCount => "E0104",
            Code::UnknownModule => "E0105",
            Code::UnknownReference => "E0106",
            Code::Cycle => "E0107",
            Code::UnknownEnvironment => "E0108",
            Code::WrongValue => "E0201",
            Code::MalformedAction => "E0202",
            Code::MalformedArn => "E0203",
            Code::InvalidCondition => "E0204",
            Code::InvalidSid => "E0205",
            Code::DuplicateSid => "E0207",
            Code::NotLatin1 => "E0208",
            Code::MisplacedMember => "E0301",
            Code::DuplicateSetting => "E0302",
            Code::MissingSetting => "E0303",
            Code::InvalidName => "E0304",
            Code::InvalidAccount => "E0305",
            Code::EmptyRole => "W0301",
            Code::InvalidJson => "E0004",
            Code::InvalidPolicyJson => "E0005",
            Code::UnknownAction => "E0109",
            Code::NoMatchingAction => "E0110",
            Code::UnknownAccessLevel => "E0111",
            Code::ConditionValueType => "E0206",
            Code::SizeQuota => "E0401",
            Code::UnknownActionInJson => "W0101",
            Code::ResourceTypeMismatch => "W0201",
            Code::UnknownConditionKey => "W0202",
            Code::AllowNotAction => "W0401",
            Code::AnyAction => "W0402",
            Code::PassRoleOnAny => "W0403",
            Code::PrivilegeEscalation => "W0404",
            Code::RedundantStatement => "W0405",
            Code::EmptyResources => "W0406",
            Code::UnavailableVariable => "W0407",
            Code::SizeQuotaInJson => "W0408",
            Code::AwsManagedOverQuota => "W0409",
            Code::LintLimit => "W0410",
            Code::InvalidTag => "E0306",
            Code::StatementTooLarge => "E0402",
            Code::TooManyPolicies => "E0403",
            Code::BoundaryEscape => "E0501",
            Code::DelegationEscalation => "E0502",
            Code::ProtectedNameUnderPrefix => "E0503",
            Code::VerifyUnknown => "W0502",
            Code::NeverMatchingCondition => "W0503",
            Code::ConditionalEscalation => "W0504",
            Code::DelegationWarning => "W0505",
            Code::AccountDrift => "W0506",
            Code::InvalidSuppression => "E0601",
            Code::UnusedSuppression => "W0601",
            Code::InvalidProjectFile => "E0602",
            Code::DuplicateKey => "E0006",
            Code::InputLimit => "E0007",
            Code::InvalidVersion => "E0701",
            Code::EmptyElement => "E0702",
            Code::InvalidEffect => "E0703",
            Code::ConflictingElements => "E0704",
            Code::MissingElement => "E0705",
            Code::ElementNotAllowed => "E0706",
            Code::UnknownOperator => "E0707",
            Code::LiteralVariables => "W0701",
            Code::NotPrincipalAllow => "W0702",
            Code::OperatorKeyMismatch => "W0703",
            Code::SetOperatorSingleValued => "W0704",
            Code::UnknownServicePrincipal => "W0705",
        }
    }

    pub fn severity(self) -> Severity {
        if self.as_str().starts_with('W') {
            Severity::Warning
        } else {
            Severity::Error
        }
    }

    /// The code written `E0501` (as `as_str` writes it; upper case only, as the docs write codes).
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|code| code.as_str() == text)
    }

    /// The code's name for tools (SARIF `rules[].name`): its variant, `BoundaryEscape`.
    pub fn name(self) -> String {
        format!("{self:?}")
    }

    /// One sentence saying what the code means: the README's code table, the one place these
    /// sentences are written (`code_table_is_documented` keeps every code in it).
    pub fn summary(self) -> &'static str {
        let row = format!("| {} | ", self.as_str());
        README
            .lines()
            .find_map(|line| line.strip_prefix(row.as_str()))
            .and_then(|rest| rest.split_once(" | "))
            .map_or("", |(_severity, meaning)| meaning.trim_end_matches(" |"))
    }

    /// Where the code is explained: its heading in `docs/codes.md` (GitHub's anchor for `## E0501`).
    pub fn docs_path(self) -> String {
        format!("docs/codes.md#{}", self.as_str().to_lowercase())
    }

    /// Findings a blanket `// iamx:allow "..."` may not hide: verification (a role escaping its
    /// boundary, a delegation allowing escalation) and known privilege escalations. They can be
    /// suppressed only by naming the code, so that every such exception is written down by code.
    pub fn is_security_critical(self) -> bool {
        let text = self.as_str();
        text.starts_with("E05") || self == Code::PrivilegeEscalation
    }

    /// Whether a suppression comment or a lint level may act on the code: warnings, and the
    /// verification errors (E05xx), which are findings about a project that compiles. Other
    /// errors stop the compiler, so hiding them could only make `check` pass where `build` fails.
    /// A suppression that suppresses nothing (W0601) cannot itself be suppressed: remove it.
    pub fn is_suppressible(self) -> bool {
        let finding = self.severity() == Severity::Warning || self.as_str().starts_with("E05");
        finding && self != Code::UnusedSuppression
    }
}

/// The README, whose code table gives [`Code::summary`] its sentences.
const README: &str = include_str!("../../README.md");

impl std::str::FromStr for Code {
    type Err = String;
    fn from_str(text: &str) -> Result<Code, String> {
        Code::parse(text).ok_or_else(|| format!("`{text}` is not a diagnostic code of iamx"))
    }
}

/// Text attached to a span.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One problem found in the input.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// One lowercase sentence; user input in backticks.
    pub message: String,
    pub primary: Option<Label>,
    pub secondary: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic whose severity follows from its code.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    pub fn at(mut self, span: Span, label: impl Into<String>) -> Self {
        self.primary = Some(Label {
            span,
            message: label.into(),
        });
        self
    }

    pub fn with_label(mut self, span: Span, label: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            message: label.into(),
        });
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Adds a file's bytes to `sources` as its text: the one way read bytes become a source file,
/// for `.iamx` sources and JSON policies alike. Bytes that are not UTF-8 (which neither IAM's
/// JSON nor `.iamx` accepts) come back as E0001 at the first bad byte; the file is then added
/// with U+FFFD in their place, so the label shows the line around it, and is not to be read.
pub fn add_source(
    sources: &mut Sources,
    name: impl Into<String>,
    bytes: Vec<u8>,
) -> (crate::source::FileId, Option<Diagnostic>) {
    match String::from_utf8(bytes) {
        Ok(text) => (sources.add(name, text), None),
        Err(error) => {
            let valid_up_to = error.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            // The lossy text has the same prefix, so the offset still points at the bad byte.
            let id = sources.add(name, text);
            let end = sources.get(id).text[valid_up_to..]
                .chars()
                .next()
                .map_or(valid_up_to, |c| valid_up_to + c.len_utf8());
            let diagnostic = Diagnostic::new(Code::InvalidUtf8, "this file is not UTF-8 text")
                .at(Span::new(id, valid_up_to, end), "invalid byte here")
                .with_help("save the file as UTF-8, the encoding `.iamx` sources and IAM policies are read in");
            (id, Some(diagnostic))
        }
    }
}

/// `10240` as `10,240`, as messages write numbers.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Sorts diagnostics by file and position so output is the same on every run, and makes one of
/// each finding: the same finding twice is noise (each role is resolved apart, so a constant
/// that fails is found by every role that uses it). Findings that differ only in their
/// secondary labels are one, with the labels of all (a mistake in a template, found once per
/// `use`, is one error that names every `use`).
/// The label at the `use` that expanded a template a finding is in: a directive there covers
/// the finding ([`suppress`]).
pub const EXPANDED_FROM: &str = "expanded from this `use`";

/// Labels a finding at one of `statements` (a statement's span, with the `use`s it was
/// expanded from) at those `use`s, as the lints and checks label theirs.
pub fn label_expansions(diagnostic: &mut Diagnostic, statements: &[(Span, &[Span])]) {
    let Some(primary) = &diagnostic.primary else {
        return;
    };
    if let Some((_, sites)) = statements.iter().find(|(span, _)| *span == primary.span) {
        for &site in *sites {
            diagnostic.secondary.push(Label {
                span: site,
                message: EXPANDED_FROM.into(),
            });
        }
    }
}

pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| {
        let position = |d: &Diagnostic| d.primary.as_ref().map(|l| (l.span.file, l.span.start));
        (position(a).cmp(&position(b)))
            .then_with(|| a.code.cmp(&b.code))
            .then_with(|| a.message.cmp(&b.message))
    });
    // An unknown name is one mistake wherever it is used: its uses are labels of one error.
    let one_per_name = |code: Code| {
        matches!(
            code,
            Code::UnknownConstant | Code::UnknownTemplate | Code::UnknownModule
        )
    };
    let finding = |d: &Diagnostic| {
        let mut key = d.clone();
        key.secondary.clear();
        if one_per_name(d.code) {
            key.primary = None;
        }
        key
    };
    let mut first: foldhash::HashMap<Diagnostic, usize> =
        foldhash::HashMap::with_capacity_and_hasher(diagnostics.len(), Default::default());
    let mut kept: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
    let mut unshown: std::collections::BTreeMap<usize, usize> = Default::default();
    for diagnostic in diagnostics.drain(..) {
        match first.entry(finding(&diagnostic)) {
            std::collections::hash_map::Entry::Occupied(at) => {
                let index = *at.get();
                // A use inside a template expanded twice is at the same place both times: its
                // uses show as the template's `use`s (the secondary labels), not again here.
                let same_place = kept[index].primary.as_ref().map(|l| l.span);
                let shown = &mut kept[index].secondary;
                let also = (diagnostic.primary)
                    .filter(|p| one_per_name(diagnostic.code) && Some(p.span) != same_place)
                    .map(|primary| Label {
                        span: primary.span,
                        message: "also used here".to_string(),
                    });
                for label in also.into_iter().chain(diagnostic.secondary) {
                    if shown.contains(&label) {
                        continue;
                    }
                    if shown.len() < MERGED_LABELS {
                        shown.push(label);
                    } else {
                        *unshown.entry(index).or_default() += 1;
                    }
                }
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(kept.len());
                kept.push(diagnostic);
            }
        }
    }
    for (index, more) in unshown {
        kept[index].notes.push(format!(
            "and at {} more place{} like these",
            thousands(more),
            if more == 1 { "" } else { "s" }
        ));
    }
    *diagnostics = kept;
}

/// How many secondary labels one finding reached many ways shows ([`sort`]); a template used by
/// every role would otherwise draw thousands.
const MERGED_LABELS: usize = 5;

/// Renders diagnostics as codespan-reporting text. `color` chooses ANSI colours. The source
/// shown is read from `sources` in place, long lines cut to a window around the labels and
/// labels over many lines drawn on their first (`snippet`), so each diagnostic costs a few
/// lines of output whatever the input.
pub fn render(diagnostics: &[Diagnostic], sources: &Sources, color: bool) -> String {
    let config = term::Config::default();
    let mut buffer = if color {
        term::termcolor::Buffer::ansi()
    } else {
        term::termcolor::Buffer::no_color()
    };
    // codespan-reporting's own colours, made once (its `WriteColor` writer makes them anew for
    // each colour change).
    let styles = term::Styles::default();
    let mut writer = term::StylesWriter::new(&mut buffer, &styles);
    for diagnostic in diagnostics {
        let labels: Vec<(usize, std::ops::Range<usize>)> = diagnostic
            .primary
            .iter()
            .chain(&diagnostic.secondary)
            .map(|label| (label.span.file.0 as usize, label.span.range()))
            .collect();
        let (files, ranges) = snippet::Shown::new(sources, &labels);
        let shown = to_codespan(diagnostic, &ranges);
        // The usual shape is written by `one_line_labels`; any other by codespan-reporting.
        let rendered = match one_line_labels::render(&mut writer, &config, &files, &shown) {
            Ok(false) => term::emit_to_write_style(&mut writer, &config, &files, &shown),
            done => done.map(|_| ()),
        };
        rendered.expect("rendering to memory cannot fail");
    }
    // The text is the sources' own (UTF-8) and codespan's: checked, not copied.
    String::from_utf8(buffer.into_inner())
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

/// The codespan-reporting form of `diagnostic`, its labels (primary first) at `ranges`.
fn to_codespan(
    diagnostic: &Diagnostic,
    ranges: &[std::ops::Range<usize>],
) -> cs::Diagnostic<usize> {
    let severity = match diagnostic.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
        Severity::Note => cs::Severity::Note,
    };
    let mut ranges = ranges.iter().cloned();
    let mut labels = Vec::new();
    if let Some(primary) = &diagnostic.primary {
        let range = ranges.next().unwrap_or_default();
        labels.push(
            cs::Label::primary(primary.span.file.0 as usize, range)
                .with_message(printable(&primary.message)),
        );
    }
    for label in &diagnostic.secondary {
        let range = ranges.next().unwrap_or_default();
        labels.push(
            cs::Label::secondary(label.span.file.0 as usize, range)
                .with_message(printable(&label.message)),
        );
    }
    let mut notes: Vec<String> = (diagnostic.notes.iter())
        .map(|note| printable(note).into_owned())
        .collect();
    if let Some(help) = &diagnostic.help {
        notes.push(format!("help: {}", printable(help)));
    }
    cs::Diagnostic::new(severity)
        .with_code(diagnostic.code.as_str())
        .with_message(printable(&diagnostic.message))
        .with_labels(labels)
        .with_notes(notes)
}

/// `text` with control characters (but line breaks and tabs) and invisible ones escaped as
/// `\u{1b}`: messages quote policy text, which must not drive the terminal, and a zero-width
/// space inside a quoted name must show.
fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let control = |c: char| (c.is_control() && c != '\n' && c != '\t') || snippet::invisible(c);
    if snippet::printable_ascii(text) || !text.chars().any(control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if control(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A diagnostic with its positions resolved to file names and 1-based lines and columns: what
/// the JSON and SARIF renderers print, and the form in which the diagnostics of several
/// compilations (one per environment, each with its own [`Sources`]) are merged.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ResolvedDiagnostic {
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub end_line: Option<usize>,
    pub end_column: Option<usize>,
    /// What the primary label says at `line:column` (often the only reason given).
    pub label: Option<String>,
    pub labels: Vec<ResolvedLabel>,
    pub notes: Vec<String>,
    pub help: Option<String>,
    /// For a suppressed finding, the reason its `// iamx:allow` comment gives.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ResolvedLabel {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub message: String,
}

impl ResolvedDiagnostic {
    /// Resolves `diagnostic`'s spans in `sources`.
    pub fn new(diagnostic: &Diagnostic, sources: &Sources) -> ResolvedDiagnostic {
        let position = diagnostic.primary.as_ref().map(|label| {
            let file = sources.get(label.span.file);
            let (line, column) = file.line_column(label.span.start as usize);
            let (end_line, end_column) = file.line_column(label.span.end as usize);
            (file.name.clone(), line, column, end_line, end_column)
        });
        ResolvedDiagnostic {
            severity: diagnostic.severity,
            code: diagnostic.code,
            message: diagnostic.message.clone(),
            file: position.as_ref().map(|p| p.0.clone()),
            line: position.as_ref().map(|p| p.1),
            column: position.as_ref().map(|p| p.2),
            end_line: position.as_ref().map(|p| p.3),
            end_column: position.as_ref().map(|p| p.4),
            label: (diagnostic.primary.as_ref())
                .map(|label| label.message.clone())
                .filter(|message| !message.is_empty()),
            labels: diagnostic
                .secondary
                .iter()
                .map(|label| {
                    let file = sources.get(label.span.file);
                    let (line, column) = file.line_column(label.span.start as usize);
                    let (end_line, end_column) = file.line_column(label.span.end as usize);
                    ResolvedLabel {
                        file: file.name.clone(),
                        line,
                        column,
                        end_line,
                        end_column,
                        message: label.message.clone(),
                    }
                })
                .collect(),
            notes: diagnostic.notes.clone(),
            help: diagnostic.help.clone(),
            suppressed: None,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Renders diagnostics as a JSON array (one object per diagnostic, positions 1-based).
pub fn to_json(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    let located: Vec<ResolvedDiagnostic> = diagnostics
        .iter()
        .map(|d| ResolvedDiagnostic::new(d, sources))
        .collect();
    located_to_json(&located)
}

/// Renders located diagnostics as a JSON array, as [`to_json`] does.
pub fn located_to_json(located: &[ResolvedDiagnostic]) -> String {
    let mut text = serde_json::to_string_pretty(located).expect("diagnostics always serialize");
    text.push('\n');
    text
}

/// The closest candidate, for "did you mean" hints; see [`suggest::closest`].
pub use suggest::closest as did_you_mean;

#[cfg(test)]
mod tests {
    use super::*;

    /// One finding reached many ways is one diagnostic: the same error at one place through
    /// several `use`s names each `use` (up to `MERGED_LABELS`, then a count); an unknown name
    /// is one error at its first use, with its other uses labelled. Other findings at other
    /// places stay apart.
    #[test]
    fn one_finding_reached_many_ways_is_one_diagnostic() {
        let file = crate::source::FileId(0);
        let at = |start: usize| Span::new(file, start, start + 1);
        let from = |start: usize| {
            Diagnostic::new(Code::UnknownAction, "unknown action `s3:X`")
                .at(at(1), "not in the AWS catalog")
                .with_label(at(start), "expanded from this `use`")
        };
        let mut found: Vec<Diagnostic> = (10..18).map(from).collect();
        found.push(Diagnostic::new(Code::UnknownAction, "unknown action `s3:X`").at(at(2), "x"));
        let unknown = |start: usize| {
            Diagnostic::new(
                Code::UnknownConstant,
                "no constant or parameter is named `b`",
            )
            .at(at(start), "unknown name")
        };
        found.extend([unknown(40), unknown(30), unknown(50)]);
        sort(&mut found);
        assert_eq!(found.len(), 3, "{found:#?}");
        assert_eq!(found[0].secondary.len(), MERGED_LABELS);
        assert_eq!(found[0].notes, ["and at 3 more places like these"]);
        assert_eq!(found[1].primary.as_ref().unwrap().span, at(2));
        let name = &found[2];
        assert_eq!(name.primary.as_ref().unwrap().span, at(30));
        let also: Vec<Span> = name.secondary.iter().map(|l| l.span).collect();
        assert_eq!(also, [at(40), at(50)]);
    }

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "duplicate code {text}");
            assert!(text.len() == 5 && (text.starts_with('E') || text.starts_with('W')));
        }
    }

    #[test]
    fn code_table_is_documented() {
        let readme = include_str!("../../README.md");
        for code in Code::ALL {
            let row = format!("| {} |", code.as_str());
            assert!(
                readme.contains(&row),
                "README.md does not list {}",
                code.as_str()
            );
        }
    }

    #[test]
    fn every_code_has_a_summary_and_a_docs_section() {
        let docs = include_str!("../../docs/codes.md");
        for code in Code::ALL {
            assert!(
                !code.summary().is_empty(),
                "{} has no summary",
                code.as_str()
            );
            let heading = format!("\n## {}\n", code.as_str());
            assert!(docs.contains(&heading), "docs/codes.md has no {heading:?}");
        }
        assert_eq!(
            Code::BoundaryEscape.summary(),
            "A role's or user's policies allow a request its permissions boundary does not."
        );
    }
}
