//! The one reader of IAM JSON policy documents: every command that reads a policy reads it here.
//!
//! In: a file's id and text. Out: the [`PolicyDocument`] with the spans of each element
//! ([`read`]), or diagnostics with positions for what keeps a text from being a policy at all:
//! JSON syntax errors, duplicate keys, unknown keys, values of the wrong type, an `Effect` that is
//! neither `Allow` nor `Deny`, conflicting elements, and input over the reading limits
//! ([`MAX_BYTES`], [`MAX_STATEMENTS`], `json::MAX_DEPTH`). [`read_file`] is the way in for a
//! file's bytes (it adds the file to the [`Sources`] first, see [`add_file`]); [`policy_from_str`]
//! is the same reader for text with no file behind it. What is then checked in a read document
//! lives in `checks::json`.

use crate::diagnostics::{Code, Diagnostic};
use crate::iam::json::{self, Json, JsonKind, Member};
use crate::iam::policy::{AnyPrincipal, Conditions, Effect, PolicyDocument, Principal, Statement};
use crate::source::{FileId, Sources, Span};
use std::borrow::Cow;

/// The largest policy file read, in bytes. IAM's largest policy quota is 10,240 characters
/// (without white space) and resource policies go to 32 KiB (KMS key policies); 1 MiB leaves room
/// for any pretty-printing while bounding what hostile input can cost.
pub const MAX_BYTES: usize = 1 << 20;

/// Below this size, [`read`] keeps the statements' trees from the first reading of the text
/// (their peak is at most ~25 times the text: under 6.5 MB). 256 KiB is far above any policy IAM
/// takes, pretty-printed; six of the first 1,000 AWS managed policies are between 64 and 256
/// KiB, a quarter of their bytes, which a limit of 64 KiB read twice (2% of their `check`).
const KEEP_STATEMENTS_BELOW: usize = 256 << 10;

/// The most statements read from one document. The smallest statement is about 45 characters,
/// so no quota of IAM or of a resource policy holds more than about 730.
pub const MAX_STATEMENTS: usize = 1000;

/// Where the parts of one statement are in the file, with the texts the document checks read.
/// The texts borrow from the statement when it outlives the spans (a compiled document's,
/// located by `checks::document::spans_at` for every statement of a build) and are owned when
/// read from JSON (`'static`).
#[derive(Debug, Clone)]
pub struct StatementSpans<'a> {
    pub span: Span,
    /// The keys of the statement's elements (`"Sid"`, `"Resource"`, ...).
    pub elements: Vec<(&'static str, Span)>,
    pub sid: Option<Span>,
    /// `Action` or `NotAction` entries, in order.
    pub actions: Vec<Span>,
    /// `Resource` or `NotResource` entries, in order.
    pub resources: Vec<Span>,
    /// Principal values (`Principal` or `NotPrincipal`): type (`AWS`, `Service`, ..., or `*`),
    /// value, span.
    pub principals: Vec<(&'static str, Cow<'a, str>, Span)>,
    /// Condition operators as written, with their spans.
    pub operators: Vec<(Cow<'a, str>, Span)>,
    pub condition_keys: Vec<(Cow<'a, str>, Span)>,
    /// Each condition value: operator, key, value, span.
    pub condition_values: Vec<ConditionValue<'a>>,
}

/// One value of a condition, with where it is. Its operator and key are written once above all
/// its values, so they are kept by position in [`StatementSpans::operators`] and
/// [`StatementSpans::condition_keys`] (read with [`StatementSpans::operator_of`] and
/// [`StatementSpans::key_of`]), not copied into each value.
#[derive(Debug, Clone)]
pub struct ConditionValue<'a> {
    pub operator: u32,
    pub key: u32,
    pub value: Cow<'a, str>,
    pub span: Span,
}

impl StatementSpans<'_> {
    /// The operator `value` is written under.
    pub fn operator_of(&self, value: &ConditionValue<'_>) -> &str {
        &self.operators[value.operator as usize].0
    }

    /// The condition key `value` is written under.
    pub fn key_of(&self, value: &ConditionValue<'_>) -> &str {
        &self.condition_keys[value.key as usize].0
    }

    /// A statement at `span` whose parts are not located yet.
    pub fn new<'a>(span: Span) -> StatementSpans<'a> {
        StatementSpans {
            span,
            elements: Vec::new(),
            sid: None,
            actions: Vec::new(),
            resources: Vec::new(),
            principals: Vec::new(),
            operators: Vec::new(),
            condition_keys: Vec::new(),
            condition_values: Vec::new(),
        }
    }

    /// The span of the element named `key` (`"Resource"`), if the statement has it.
    pub fn element(&self, key: &str) -> Option<Span> {
        self.elements
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, s)| *s)
    }
}

/// The position of the last entry of `list` (just pushed), as [`ConditionValue`] keeps it.
pub(crate) fn position<T>(list: &[T]) -> u32 {
    // A policy is at most a few hundred KiB of JSON, far from 2^32 entries.
    u32::try_from(list.len() - 1).expect("fewer than 2^32 condition clauses")
}

/// A policy read from JSON, with positions.
#[derive(Debug, Clone)]
pub struct ReadPolicy {
    pub policy: PolicyDocument,
    pub statements: Vec<StatementSpans<'static>>,
    pub span: Span,
    /// The `Version` value, when present.
    pub version: Option<Span>,
    /// The `Id` value, when present.
    pub id: Option<Span>,
    /// The `Statement` value.
    pub statement_list: Span,
}

/// Reads a policy document. Errors (bad JSON, unknown keys, wrong shapes) come back as
/// diagnostics; the policy is `None` when any was found.
pub fn read(file: FileId, text: &str) -> (Option<ReadPolicy>, Vec<Diagnostic>) {
    // A large document's statements are read one at a time, each tree dropped before the next
    // is made, so that what reading holds stays a few times the text; a small one's are kept
    // from the first reading, which reading them again cost (a third of reading 1,000 AWS
    // managed policies, 2.8 KB on average; `tests/read_memory.rs` bounds both ways).
    read_keeping(file, text, text.len() < KEEP_STATEMENTS_BELOW)
}

/// [`read`], keeping the statements' trees from the first reading or reading each again.
fn read_keeping(
    file: FileId,
    text: &str,
    keep_statements: bool,
) -> (Option<ReadPolicy>, Vec<Diagnostic>) {
    if text.len() > MAX_BYTES {
        return (None, vec![too_large(file, text.len())]);
    }
    let parsed = if keep_statements {
        json::parse(text)
    } else {
        json::parse_deferring_statements(text)
    };
    let root = match parsed {
        Ok(root) => root,
        Err(error) => {
            return (
                None,
                vec![syntax_error(
                    file,
                    text,
                    error,
                    "a policy document is at most 6 levels deep",
                )],
            )
        }
    };
    read_value(file, text, &root)
}

/// The diagnostic for text that [`json::parse`] refuses: invalid JSON (E0004), or nesting over
/// the reader's limit (`deep_help` says how deep the expected input is).
pub fn syntax_error(file: FileId, text: &str, error: json::Error, deep_help: &str) -> Diagnostic {
    let offset = floor_char_boundary(text, error.offset);
    let end = text[offset..]
        .chars()
        .next()
        .map_or(offset, |c| offset + c.len_utf8());
    if error.limit {
        Diagnostic::new(Code::InputLimit, error.message)
            .at(Span::new(file, offset, end), "too deep")
            .with_help(deep_help.to_string())
    } else {
        Diagnostic::new(
            Code::InvalidJson,
            format!("invalid JSON: {}", error.message),
        )
        .at(Span::new(file, offset, end), "here")
    }
}

/// Reads a policy document from a JSON value already parsed from `text`, the text of `file` (a
/// document embedded in a larger JSON file, such as a GAAD): the same checks as [`read`], with
/// spans in that file.
pub fn read_value(file: FileId, text: &str, root: &Json) -> (Option<ReadPolicy>, Vec<Diagnostic>) {
    let mut reader = PolicyReader {
        file,
        text,
        diagnostics: Vec::new(),
    };
    let policy = reader.document(root);
    let failed = reader.diagnostics.iter().any(Diagnostic::is_error);
    (policy.filter(|_| !failed), reader.diagnostics)
}

/// The 1-based line and column (in characters) of byte `offset` of `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut at = offset.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Adds a JSON policy file, as the bytes that were read, to `sources`: the one way a JSON input
/// becomes a source file, for every command that reads one. Bytes that are not UTF-8 come back
/// with E0001 ([`crate::diagnostics::add_source`]): JSON is UTF-8, and IAM refuses anything
/// else, so such a file is not read further. A file over
/// [`MAX_BYTES`] is added with an empty text, so that rendering its diagnostic does not print
/// its first line (in such a file often all of it), and comes back with the E0007 diagnostic
/// ([`too_large`]): it is not to be read. Bytes given owned become the source's text without a
/// copy.
pub fn add_file<'b>(
    sources: &mut Sources,
    name: impl Into<String>,
    bytes: impl Into<Cow<'b, [u8]>>,
) -> (FileId, Option<Diagnostic>) {
    let bytes = bytes.into();
    if bytes.len() > MAX_BYTES {
        let id = sources.add(name, String::new());
        return (id, Some(too_large(id, bytes.len())));
    }
    crate::diagnostics::add_source(sources, name, bytes.into_owned())
}

/// [`add_file`] and [`read`]: the file's id in `sources`, the policy when it is one, and the
/// diagnostics.
pub fn read_file(
    sources: &mut Sources,
    name: impl Into<String>,
    bytes: &[u8],
) -> (FileId, Option<ReadPolicy>, Vec<Diagnostic>) {
    match add_file(sources, name, bytes) {
        (id, Some(refused)) => (id, None, vec![refused]),
        (id, None) => {
            let (policy, diagnostics) = read(id, &sources.get(id).text);
            (id, policy, diagnostics)
        }
    }
}

/// The diagnostic for a file of `len` bytes, over [`MAX_BYTES`]: refused before parsing, so the
/// cost of such a file is reading it, nothing more. It points at the file's start with an empty
/// span, so that rendering it does not print a line of megabytes.
pub fn too_large(file: FileId, len: usize) -> Diagnostic {
    Diagnostic::new(
        Code::InputLimit,
        format!(
            "the file is {} bytes, over iamx's limit of {} for a policy document",
            crate::diagnostics::thousands(len),
            crate::diagnostics::thousands(MAX_BYTES)
        ),
    )
    .at(Span::new(file, 0, 0), "not read")
    .with_help("IAM's largest policy quota is 10,240 characters; is this a policy document?")
}

/// Reads a policy document from text with no source file behind it (a build's output file, a
/// document embedded in a GAAD): the same reader as [`read`], its first error as a message with
/// the line and column.
pub fn policy_from_str(text: &str) -> Result<PolicyDocument, String> {
    let (policy, diagnostics) = read(FileId(0), text);
    match (policy, diagnostics.iter().find(|d| d.is_error())) {
        (Some(read), None) => Ok(read.policy),
        (_, first) => {
            let Some(first) = first else {
                return Err("not an IAM policy document".to_string());
            };
            let at = first
                .primary
                .as_ref()
                .map_or(0, |label| label.span.start as usize);
            let (line, column) = line_column(text, at);
            Err(format!("{} (line {line}, column {column})", first.message))
        }
    }
}

/// The principal types a `Principal` object may name, as the one static string of each.
pub fn principal_type(name: &str) -> Option<&'static str> {
    ["AWS", "Service", "Federated", "CanonicalUser"]
        .into_iter()
        .find(|known| *known == name)
}

struct PolicyReader<'t> {
    file: FileId,
    /// The text, for the statements `json` deferred.
    text: &'t str,
    diagnostics: Vec<Diagnostic>,
}

/// The items of a list, or the one value that stands for a list of one (IAM takes `"s3:GetObject"`
/// for `["s3:GetObject"]`).
fn one_or_many<'j, 't>(value: &'j Json<'t>) -> &'j [Json<'t>] {
    match &value.kind {
        JsonKind::Array(items) => items,
        _ => std::slice::from_ref(value),
    }
}

impl PolicyReader<'_> {
    fn span(&self, value: &Json) -> Span {
        Span::new(self.file, value.start, value.end)
    }

    fn key_span(&self, member: &Member) -> Span {
        Span::new(self.file, member.key_start, member.key_end)
    }

    fn error(&mut self, span: Span, message: String, label: &str) {
        self.diagnostics
            .push(Diagnostic::new(Code::InvalidPolicyJson, message).at(span, label));
    }

    fn wrong(&mut self, value: &Json, expected: &str) {
        let span = self.span(value);
        self.error(
            span,
            format!("expected {expected}, found {}", value.kind.describe()),
            "wrong kind of value",
        );
    }

    /// How many keys an object may have for [`PolicyReader::object`] to find repeats pair by
    /// pair (at most 120 comparisons), not with a set.
    const FEW_KEYS: usize = 16;

    /// The members of an object; a key written twice is an error (IAM refuses the document,
    /// and other readers would silently keep one of the two values). Each repeat is reported
    /// against the key's first writing.
    fn object<'j, 't>(&mut self, value: &'j Json<'t>, what: &str) -> Option<&'j [Member<'t>]> {
        match &value.kind {
            JsonKind::Object(members) => {
                // A policy's objects have a few keys each, compared pair by pair; a set (one
                // allocation and a hash per key) only for a large one.
                let mut seen: foldhash::HashMap<&str, &Member> = Default::default();
                let large = members.len() > Self::FEW_KEYS;
                for (i, member) in members.iter().enumerate() {
                    let first = if large {
                        seen.get(&*member.key).copied()
                    } else {
                        members[..i].iter().find(|m| m.key == member.key)
                    };
                    if let Some(first) = first {
                        let d = Diagnostic::new(
                            Code::DuplicateKey,
                            format!("the key `{}` appears twice in one object", member.key),
                        )
                        .at(self.key_span(member), "written again here")
                        .with_label(self.key_span(first), "first written here")
                        .with_help("merge the two into one key");
                        self.diagnostics.push(d);
                    } else if large {
                        seen.insert(&*member.key, member);
                    }
                }
                Some(members)
            }
            _ => {
                self.wrong(value, what);
                None
            }
        }
    }

    /// Reports an unknown key; returns the known key it looks like a misspelling of, whose
    /// absence is then not a second error.
    fn unknown_key<'k>(&mut self, member: &Member, known: &[&'k str]) -> Option<&'k str> {
        let span = self.key_span(member);
        let mut d = Diagnostic::new(
            Code::InvalidPolicyJson,
            format!("unknown key `{}`", member.key),
        )
        .at(span, "IAM rejects policies with unknown keys");
        let close = crate::diagnostics::did_you_mean(&member.key, known.iter().copied());
        d = match close {
            Some(close) => d.with_help(format!("did you mean `{close}`?")),
            None => d.with_help(format!("the keys here are {}", known.join(", "))),
        };
        self.diagnostics.push(d);
        close
    }

    fn document(&mut self, root: &Json) -> Option<ReadPolicy> {
        let members = self.object(root, "a policy document (a JSON object)")?;
        // An account export given where a policy is read: one error that says what it is.
        if let Some(member) = (members.iter()).find(|m| super::gaad::KEYS.contains(&&*m.key)) {
            if !members.iter().any(|m| m.key == "Statement") {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::InvalidPolicyJson,
                        "this is an account authorization details export, not a policy",
                    )
                    .at(self.key_span(member), "`get-account-authorization-details` output")
                    .with_help("read an export with `iamx verify --gaad`, `iamx report`, `iamx explain` or `iamx import`"),
                );
                return None;
            }
        }
        let mut policy = PolicyDocument::new(Vec::new());
        let mut version = None;
        let mut version_span = None;
        let mut id_span = None;
        let mut statements = None;
        let mut misspelt_statement = false;
        for member in members {
            match &*member.key {
                "Version" => {
                    version = self.string(&member.value);
                    version_span = Some(self.span(&member.value));
                }
                "Id" => {
                    policy.id = self.string(&member.value);
                    id_span = Some(self.span(&member.value));
                }
                "Statement" => statements = Some(&member.value),
                _ => {
                    misspelt_statement |= self.unknown_key(member, &["Version", "Id", "Statement"])
                        == Some("Statement")
                }
            }
        }
        // An omitted Version stays omitted: IAM reads the document with the 2008-10-17 rules,
        // where `${aws:username}` is literal text (IAM User Guide, "IAM JSON policy elements:
        // Version"); `PolicyDocument::substitutes_variables` says so to the engine.
        policy.version = version;
        let Some(statements) = statements else {
            if misspelt_statement {
                return None;
            }
            let span = Span::new(self.file, root.start, root.start + 1);
            self.diagnostics.push(
                Diagnostic::new(Code::MissingElement, "the policy has no `Statement`")
                    .at(span, "in this document")
                    .with_help("add `\"Statement\": [...]` with at least one statement"),
            );
            return None;
        };
        let items: &[Json] = match &statements.kind {
            JsonKind::Array(items) => items,
            JsonKind::Object(_) => std::slice::from_ref(statements),
            _ => {
                self.wrong(statements, "a statement or a list of statements");
                return None;
            }
        };
        if items.len() > MAX_STATEMENTS {
            let span = self.span(&items[MAX_STATEMENTS]);
            self.diagnostics.push(
                Diagnostic::new(
                    Code::InputLimit,
                    format!(
                        "the policy has {} statements, over iamx's limit of {}",
                        crate::diagnostics::thousands(items.len()),
                        crate::diagnostics::thousands(MAX_STATEMENTS)
                    ),
                )
                .at(span, "statements from here on are not read")
                .with_help("no IAM quota holds this many statements; split the policy"),
            );
            return None;
        }
        policy.statements.reserve_exact(items.len());
        let mut spans = Vec::with_capacity(items.len());
        for item in items {
            // Each statement's tree lives while it is read, then goes.
            let parsed;
            let item = match item.kind {
                JsonKind::Deferred => match json::parse_deferred(self.text, item) {
                    Ok(again) => {
                        parsed = again;
                        &parsed
                    }
                    // Cannot happen: the same text was read without error before.
                    Err(_) => continue,
                },
                _ => item,
            };
            if let Some((statement, statement_spans)) = self.statement(item) {
                policy.statements.push(statement);
                spans.push(statement_spans);
            }
        }
        Some(ReadPolicy {
            policy,
            statements: spans,
            span: Span::new(self.file, root.start, root.start + 1),
            version: version_span,
            id: id_span,
            statement_list: self.span(statements),
        })
    }

    fn string(&mut self, value: &Json) -> Option<String> {
        match &value.kind {
            JsonKind::String(text) => Some(text.to_string()),
            _ => {
                self.wrong(value, "a string");
                None
            }
        }
    }

    /// A string or a list of strings, with the span of each.
    fn strings(&mut self, value: &Json) -> Option<(Vec<String>, Vec<Span>)> {
        let items = one_or_many(value);
        let mut texts = Vec::with_capacity(items.len());
        let mut spans = Vec::with_capacity(items.len());
        for item in items {
            texts.push(self.string(item)?);
            spans.push(self.span(item));
        }
        Some((texts, spans))
    }

    /// A condition or principal value: a string, boolean or number, or a list of them.
    fn scalars(&mut self, value: &Json) -> Option<Vec<(String, Span)>> {
        let items = one_or_many(value);
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match &item.kind {
                JsonKind::String(text) => out.push((text.to_string(), self.span(item))),
                JsonKind::Number(text) => out.push((text.to_string(), self.span(item))),
                JsonKind::Bool(b) => out.push((b.to_string(), self.span(item))),
                _ => {
                    self.wrong(item, "a string, number or boolean");
                    return None;
                }
            }
        }
        Some(out)
    }

    fn principal(
        &mut self,
        value: &Json,
        spans: &mut Vec<(&'static str, Cow<'static, str>, Span)>,
    ) -> Option<Principal> {
        if let JsonKind::String(text) = &value.kind {
            if text == "*" {
                spans.push(("*", Cow::Borrowed("*"), self.span(value)));
                return Some(Principal::Any(AnyPrincipal));
            }
        }
        let members = self.object(value, "`\"*\"` or an object like `{\"AWS\": ...}`")?;
        let mut map = litemap::LiteMap::new();
        for member in members {
            let kind = match principal_type(&member.key) {
                Some(kind) => kind,
                None => {
                    self.unknown_key(member, &["AWS", "Service", "Federated", "CanonicalUser"]);
                    continue;
                }
            };
            let values = self.scalars(&member.value)?;
            for (text, span) in &values {
                spans.push((kind, Cow::Owned(text.clone()), *span));
            }
            map.insert(
                kind.to_string(),
                values.into_iter().map(|(t, _)| t).collect(),
            );
        }
        Some(Principal::Map(map))
    }

    fn conditions(
        &mut self,
        value: &Json,
        spans: &mut StatementSpans<'static>,
    ) -> Option<Conditions> {
        let mut out = Conditions::default();
        for operator in self.object(value, "an object of condition operators")? {
            spans.operators.push((
                Cow::Owned(operator.key.to_string()),
                self.key_span(operator),
            ));
            let operator_at = position(&spans.operators);
            for key in self.object(&operator.value, "an object of condition keys")? {
                let values = self.scalars(&key.value)?;
                spans
                    .condition_keys
                    .push((Cow::Owned(key.key.to_string()), self.key_span(key)));
                let key_at = position(&spans.condition_keys);
                for (value, span) in &values {
                    spans.condition_values.push(ConditionValue {
                        operator: operator_at,
                        key: key_at,
                        value: Cow::Owned(value.clone()),
                        span: *span,
                    });
                }
                let values = values.into_iter().map(|(t, _)| t).collect();
                out.insert(&operator.key, &key.key, values);
            }
        }
        Some(out)
    }

    fn statement(&mut self, value: &Json) -> Option<(Statement, StatementSpans<'static>)> {
        const KEYS: [&str; 9] = [
            "Sid",
            "Effect",
            "Principal",
            "NotPrincipal",
            "Action",
            "NotAction",
            "Resource",
            "NotResource",
            "Condition",
        ];
        let members = self.object(value, "a statement (a JSON object)")?;
        let span = self.span(value);
        let mut statement = Statement::new(Effect::Allow);
        let mut spans = StatementSpans::new(span);
        let mut effect = None;
        let mut ok = true;
        // An element misspelt or of the wrong type was reported once: its absence is not a
        // second error.
        let mut unknown = false;
        let mut misspelt_effect = false;
        let mut unreadable_action = false;
        for member in members {
            let v = &member.value;
            if let Some(key) = KEYS.iter().find(|k| **k == member.key) {
                spans.elements.push((key, self.key_span(member)));
            }
            match &*member.key {
                "Sid" => {
                    statement.sid = self.string(v);
                    spans.sid = Some(self.span(v));
                }
                "Effect" => match &v.kind {
                    JsonKind::String(e) if e == "Allow" => effect = Some(Effect::Allow),
                    JsonKind::String(e) if e == "Deny" => effect = Some(Effect::Deny),
                    JsonKind::String(e) => {
                        let mut d =
                            Diagnostic::new(Code::InvalidEffect, format!("`{e}` is not an effect"))
                                .at(self.span(v), "IAM takes `Allow` or `Deny`, in that case");
                        if let Some(close) = crate::diagnostics::did_you_mean(e, ["Allow", "Deny"])
                        {
                            d = d.with_help(format!("did you mean `{close}`?"));
                        }
                        self.diagnostics.push(d);
                        ok = false;
                    }
                    _ => {
                        self.wrong(v, "`\"Allow\"` or `\"Deny\"`");
                        ok = false;
                    }
                },
                "Principal" => {
                    statement.principal = self.principal(v, &mut spans.principals).map(Box::new);
                    ok &= statement.principal.is_some();
                }
                "NotPrincipal" => {
                    statement.not_principal =
                        self.principal(v, &mut spans.principals).map(Box::new);
                    ok &= statement.not_principal.is_some();
                }
                "Action" | "NotAction" => {
                    let Some((list, list_spans)) = self.strings(v) else {
                        ok = false;
                        unreadable_action = true;
                        continue;
                    };
                    spans.actions = list_spans;
                    if member.key == "Action" {
                        statement.action = Some(list);
                    } else {
                        statement.not_action = Some(list);
                    }
                }
                "Resource" | "NotResource" => {
                    let Some((list, list_spans)) = self.strings(v) else {
                        ok = false;
                        continue;
                    };
                    spans.resources = list_spans;
                    if member.key == "Resource" {
                        statement.resource = Some(list);
                    } else {
                        statement.not_resource = Some(list);
                    }
                }
                "Condition" => match self.conditions(v, &mut spans) {
                    Some(conditions) => statement.condition = conditions,
                    None => ok = false,
                },
                _ => {
                    // An unknown key is often a misspelt one (`Actions`): it is the one error,
                    // not also the element it stood for going missing.
                    unknown = true;
                    misspelt_effect |= self.unknown_key(member, &KEYS) == Some("Effect");
                }
            }
        }
        match effect {
            Some(effect) => statement.effect = effect,
            None if ok && !misspelt_effect => {
                self.diagnostics.push(
                    Diagnostic::new(Code::MissingElement, "this statement has no `Effect`")
                        .at(span, "statement")
                        .with_help("add `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`"),
                );
                return None;
            }
            None => return None,
        }
        if let Some(problem) = statement.shape_error() {
            let missing = statement.action.is_none() && statement.not_action.is_none();
            if missing && (unknown || unreadable_action) {
                return None;
            }
            // Point at the second of the two conflicting elements, or the statement when the
            // action element is missing.
            let second = ["NotAction", "NotResource", "NotPrincipal"]
                .iter()
                .find_map(|k| problem.contains(k).then(|| spans.element(k)).flatten());
            let help = if missing {
                "add `\"Action\"` with the actions the statement is about (or `\"NotAction\"`)"
            } else {
                "keep one of the two; a statement names its actions once"
            };
            self.diagnostics.push(
                Diagnostic::new(Code::ConflictingElements, problem.to_string())
                    .at(second.unwrap_or(span), "statement")
                    .with_help(help),
            );
            return None;
        }
        // Lists grow by doubling; a document keeps them all, so without the slack.
        spans.actions.shrink_to_fit();
        spans.resources.shrink_to_fit();
        spans.principals.shrink_to_fit();
        spans.condition_keys.shrink_to_fit();
        spans.condition_values.shrink_to_fit();
        for list in [
            &mut statement.action,
            &mut statement.not_action,
            &mut statement.resource,
            &mut statement.not_resource,
        ]
        .into_iter()
        .flatten()
        {
            list.shrink_to_fit();
        }
        ok.then_some((statement, spans))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_actions_and_keys_keep_their_spans() {
        let text = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": ["s3:GetObject", "s3:PutObject"], "NotResource": "arn:aws:s3:::b/*", "Condition": {"Bool": {"aws:SecureTransport": false}}}}"#;
        let (policy, diagnostics) = read(FileId(0), text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let read = policy.unwrap();
        let statement = &read.policy.statements[0];
        assert_eq!(statement.effect, Effect::Deny);
        assert_eq!(
            statement.not_resource.as_deref().unwrap(),
            ["arn:aws:s3:::b/*"]
        );
        let spans = &read.statements[0];
        assert_eq!(&text[spans.actions[1].range()], "\"s3:PutObject\"");
        assert_eq!(&text[spans.resources[0].range()], "\"arn:aws:s3:::b/*\"");
        assert_eq!(spans.condition_keys[0].0, "aws:SecureTransport");
        assert_eq!(
            statement.condition.clauses().next().unwrap().2,
            ["false".to_string()]
        );
    }

    /// Statements kept from the first reading (small documents) and read again (large ones)
    /// give the same policy, spans and diagnostics, for valid and invalid documents.
    #[test]
    fn kept_and_deferred_statements_read_alike() {
        let texts = [
            r#"{"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Allow", "Action": ["s3:GetObject", "s3:Put\u004fbject"], "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/t": ["a", "b"]}}}, {"Effect": "Deny", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::b/*"}]}"#,
            r#"{"Statement": {"Effect": "Allow", "Action": "*", "NotAction": "s3:*", "Resource": "*"}}"#,
            r#"{"Statement": [{"Effect": "Allow", "Bogus": 1, "Action": "s3:*", "Resource": "*"}, 3]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}, {"Effect": }]}"#,
        ];
        for text in texts {
            let kept = read_keeping(FileId(0), text, true);
            let deferred = read_keeping(FileId(0), text, false);
            assert_eq!(format!("{kept:?}"), format!("{deferred:?}"), "{text}");
        }
    }

    #[test]
    fn shape_errors_and_unknown_keys_are_errors() {
        let both = r#"{"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "s3:*", "Resource": "*"}]}"#;
        let (policy, diagnostics) = read(FileId(0), both);
        assert!(policy.is_none());
        assert_eq!(diagnostics[0].code, Code::ConflictingElements);
        let effect = r#"{"Statement": [{"Effect": "allow", "Action": "*", "Resource": "*"}]}"#;
        assert_eq!(read_codes(effect), [Code::InvalidEffect]);
        let twice = r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Action": "s3:*"}]}"#;
        assert_eq!(read_codes(twice), [Code::DuplicateKey]);
        let unknown = r#"{"Statement": [], "Versoin": "2012-10-17"}"#;
        let (_, diagnostics) = read(FileId(0), unknown);
        assert_eq!(
            diagnostics[0].help.as_deref(),
            Some("did you mean `Version`?")
        );
    }

    /// Repeated keys are found alike in small objects (pair by pair) and large ones (a set),
    /// each repeat pointing at the key's first writing.
    #[test]
    fn repeated_keys_point_at_their_first_writing() {
        for keys in [3, PolicyReader::FEW_KEYS, PolicyReader::FEW_KEYS + 1, 40] {
            let mut condition: Vec<String> = (0..keys)
                .map(|i| format!("\"aws:PrincipalTag/k{i}\": \"v\""))
                .collect();
            // The first key twice more, and the last once more.
            condition.push("\"aws:PrincipalTag/k0\": \"again\"".into());
            condition.push(format!("\"aws:PrincipalTag/k{}\": \"again\"", keys - 1));
            condition.push("\"aws:PrincipalTag/k0\": \"thrice\"".into());
            let text = format!(
                r#"{{"Statement": [{{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {{"StringEquals": {{{}}}}}}}]}}"#,
                condition.join(", ")
            );
            let (_, diagnostics) = read(FileId(0), &text);
            let repeats: Vec<(String, String)> = (diagnostics.iter())
                .filter(|d| d.code == Code::DuplicateKey)
                .map(|d| {
                    let again = d.primary.as_ref().unwrap().span;
                    let first = d.secondary[0].span;
                    (
                        text[again.range()].to_string(),
                        text[first.range()].to_string(),
                    )
                })
                .collect();
            let key = |i: usize| format!("\"aws:PrincipalTag/k{i}\"");
            assert_eq!(
                repeats,
                [
                    (key(0), key(0)),
                    (key(keys - 1), key(keys - 1)),
                    (key(0), key(0))
                ],
                "{keys} keys"
            );
            let first = |d: &Diagnostic| d.secondary[0].span.start as usize;
            let firsts: Vec<usize> = (diagnostics.iter())
                .filter(|d| d.code == Code::DuplicateKey)
                .map(first)
                .collect();
            let k0 = text.find(&key(0)).unwrap();
            assert_eq!(firsts[0], k0, "{keys} keys");
            assert_eq!(
                firsts[2], k0,
                "{keys} keys: the third k0 points at the first"
            );
        }
    }

    #[test]
    fn limits_are_diagnostics() {
        let big = format!(
            "{{\"Statement\": [], \"Id\": \"{}\"}}",
            "x".repeat(MAX_BYTES)
        );
        assert_eq!(read_codes(&big), [Code::InputLimit]);
        let deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
        assert_eq!(read_codes(&deep), [Code::InputLimit]);
        let statement = r#"{"Effect": "Allow", "Action": "*", "Resource": "*"}"#;
        let many = format!(
            "{{\"Statement\": [{}]}}",
            vec![statement; MAX_STATEMENTS + 1].join(",")
        );
        assert_eq!(read_codes(&many), [Code::InputLimit]);
    }

    fn read_codes(text: &str) -> Vec<Code> {
        read(FileId(0), text).1.iter().map(|d| d.code).collect()
    }
}
