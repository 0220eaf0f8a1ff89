//! The one reader of IAM JSON policy documents: every command that reads a policy reads it here.
//!
//! In: a file's id and text. Out: the [`PolicyDocument`] with the spans of each statement,
//! action, resource and condition key ([`read`]), or diagnostics with positions: JSON syntax
//! errors, unknown keys, wrong shapes. [`policy_from_str`] is the same reader for text with no
//! file behind it. What is then checked in a read document lives in `checks::json`.

use crate::diagnostics::{Code, Diagnostic};
use crate::iam::json::{self, Json, JsonKind, Member};
use crate::iam::policy::{AnyPrincipal, Conditions, Effect, PolicyDocument, Principal, Statement};
use crate::source::{FileId, Span};
use std::collections::BTreeMap;

/// Where the parts of one statement are in the file.
#[derive(Debug, Clone)]
pub struct StatementSpans {
    pub span: Span,
    /// `Action` or `NotAction` entries, in order.
    pub actions: Vec<Span>,
    /// `Resource` or `NotResource` entries, in order.
    pub resources: Vec<Span>,
    pub condition_keys: Vec<(String, Span)>,
}

/// A policy read from JSON, with positions.
#[derive(Debug, Clone)]
pub struct ReadPolicy {
    pub policy: PolicyDocument,
    pub statements: Vec<StatementSpans>,
    pub span: Span,
}

/// Reads a policy document. Errors (bad JSON, unknown keys, wrong shapes) come back as
/// diagnostics; the policy is `None` when any was found.
pub fn read(file: FileId, text: &str) -> (Option<ReadPolicy>, Vec<Diagnostic>) {
    let mut reader = PolicyReader {
        file,
        diagnostics: Vec::new(),
    };
    let root = match json::parse(text) {
        Ok(root) => root,
        Err((message, offset)) => {
            let end = text[offset.min(text.len())..]
                .chars()
                .next()
                .map_or(offset, |c| offset + c.len_utf8());
            let d = Diagnostic::new(Code::InvalidJson, format!("invalid JSON: {message}"))
                .at(Span::new(file, offset, end), "here");
            return (None, vec![d]);
        }
    };
    let policy = reader.document(&root);
    let failed = reader.diagnostics.iter().any(Diagnostic::is_error);
    (policy.filter(|_| !failed), reader.diagnostics)
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
            let before = &text[..at.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            Err(format!("{} (line {line}, column {column})", first.message))
        }
    }
}

struct PolicyReader {
    file: FileId,
    diagnostics: Vec<Diagnostic>,
}

impl PolicyReader {
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

    fn object<'j>(&mut self, value: &'j Json, what: &str) -> Option<&'j [Member]> {
        match &value.kind {
            JsonKind::Object(members) => Some(members),
            _ => {
                self.wrong(value, what);
                None
            }
        }
    }

    fn unknown_key(&mut self, member: &Member, known: &[&str]) {
        let span = self.key_span(member);
        let mut d = Diagnostic::new(
            Code::InvalidPolicyJson,
            format!("unknown key `{}`", member.key),
        )
        .at(span, "IAM rejects policies with unknown keys");
        d = match crate::diagnostics::did_you_mean(&member.key, known.iter().copied()) {
            Some(close) => d.with_help(format!("did you mean `{close}`?")),
            None => d.with_help(format!("the keys here are {}", known.join(", "))),
        };
        self.diagnostics.push(d);
    }

    fn document(&mut self, root: &Json) -> Option<ReadPolicy> {
        let members = self.object(root, "a policy document (a JSON object)")?;
        let mut policy = PolicyDocument::new(Vec::new());
        let mut version = None;
        let mut statements = None;
        for member in members {
            match member.key.as_str() {
                "Version" => version = self.string(&member.value),
                "Id" => policy.id = self.string(&member.value),
                "Statement" => statements = Some(&member.value),
                _ => self.unknown_key(member, &["Version", "Id", "Statement"]),
            }
        }
        // An omitted Version stays omitted: IAM reads the document with the 2008-10-17 rules,
        // where `${aws:username}` is literal text (IAM User Guide, "IAM JSON policy elements:
        // Version"); `PolicyDocument::substitutes_variables` says so to the engine.
        policy.version = version;
        let Some(statements) = statements else {
            let span = Span::new(self.file, root.start, root.start + 1);
            self.error(
                span,
                "the policy has no `Statement`".into(),
                "in this document",
            );
            return None;
        };
        let items: Vec<&Json> = match &statements.kind {
            JsonKind::Array(items) => items.iter().collect(),
            JsonKind::Object(_) => vec![statements],
            _ => {
                self.wrong(statements, "a statement or a list of statements");
                return None;
            }
        };
        let mut spans = Vec::new();
        for item in items {
            if let Some((statement, statement_spans)) = self.statement(item) {
                policy.statements.push(statement);
                spans.push(statement_spans);
            }
        }
        Some(ReadPolicy {
            policy,
            statements: spans,
            span: Span::new(self.file, root.start, root.start + 1),
        })
    }

    fn string(&mut self, value: &Json) -> Option<String> {
        match &value.kind {
            JsonKind::String(text) => Some(text.clone()),
            _ => {
                self.wrong(value, "a string");
                None
            }
        }
    }

    /// A string or a list of strings, with the span of each.
    fn strings(&mut self, value: &Json) -> Option<(Vec<String>, Vec<Span>)> {
        let items: Vec<&Json> = match &value.kind {
            JsonKind::Array(items) => items.iter().collect(),
            _ => vec![value],
        };
        let mut texts = Vec::new();
        let mut spans = Vec::new();
        for item in items {
            texts.push(self.string(item)?);
            spans.push(self.span(item));
        }
        Some((texts, spans))
    }

    /// A condition or principal value: a string, boolean or number, or a list of them.
    fn scalars(&mut self, value: &Json) -> Option<Vec<String>> {
        let items: Vec<&Json> = match &value.kind {
            JsonKind::Array(items) => items.iter().collect(),
            _ => vec![value],
        };
        let mut out = Vec::new();
        for item in items {
            match &item.kind {
                JsonKind::String(text) | JsonKind::Number(text) => out.push(text.clone()),
                JsonKind::Bool(b) => out.push(b.to_string()),
                _ => {
                    self.wrong(item, "a string, number or boolean");
                    return None;
                }
            }
        }
        Some(out)
    }

    fn principal(&mut self, value: &Json) -> Option<Principal> {
        if let JsonKind::String(text) = &value.kind {
            if text == "*" {
                return Some(Principal::Any(AnyPrincipal));
            }
        }
        let members = self.object(value, "`\"*\"` or an object like `{\"AWS\": ...}`")?;
        let mut map = BTreeMap::new();
        for member in members {
            match member.key.as_str() {
                "AWS" | "Service" | "Federated" | "CanonicalUser" => {
                    map.insert(member.key.clone(), self.scalars(&member.value)?);
                }
                _ => self.unknown_key(member, &["AWS", "Service", "Federated", "CanonicalUser"]),
            }
        }
        Some(Principal::Map(map))
    }

    fn conditions(&mut self, value: &Json, keys: &mut Vec<(String, Span)>) -> Option<Conditions> {
        let mut out = Conditions::default();
        for operator in self.object(value, "an object of condition operators")? {
            for key in self.object(&operator.value, "an object of condition keys")? {
                let values = self.scalars(&key.value)?;
                keys.push((key.key.clone(), self.key_span(key)));
                out.insert(&operator.key, &key.key, values);
            }
        }
        Some(out)
    }

    fn statement(&mut self, value: &Json) -> Option<(Statement, StatementSpans)> {
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
        let mut spans = StatementSpans {
            span,
            actions: Vec::new(),
            resources: Vec::new(),
            condition_keys: Vec::new(),
        };
        let mut effect = None;
        let mut ok = true;
        for member in members {
            let v = &member.value;
            match member.key.as_str() {
                "Sid" => statement.sid = self.string(v),
                "Effect" => match &v.kind {
                    JsonKind::String(e) if e == "Allow" => effect = Some(Effect::Allow),
                    JsonKind::String(e) if e == "Deny" => effect = Some(Effect::Deny),
                    _ => {
                        self.wrong(v, "`\"Allow\"` or `\"Deny\"`");
                        ok = false;
                    }
                },
                "Principal" => statement.principal = self.principal(v),
                "NotPrincipal" => statement.not_principal = self.principal(v),
                "Action" | "NotAction" => {
                    let Some((list, list_spans)) = self.strings(v) else {
                        ok = false;
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
                "Condition" => match self.conditions(v, &mut spans.condition_keys) {
                    Some(conditions) => statement.condition = conditions,
                    None => ok = false,
                },
                _ => self.unknown_key(member, &KEYS),
            }
        }
        match effect {
            Some(effect) => statement.effect = effect,
            None if ok => {
                self.error(span, "this statement has no `Effect`".into(), "statement");
                return None;
            }
            None => return None,
        }
        if let Some(problem) = statement.shape_error() {
            self.error(span, problem.to_string(), "statement");
            return None;
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

    #[test]
    fn shape_errors_and_unknown_keys_are_errors() {
        let both = r#"{"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "s3:*", "Resource": "*"}]}"#;
        let (policy, diagnostics) = read(FileId(0), both);
        assert!(policy.is_none());
        assert_eq!(diagnostics[0].code, Code::InvalidPolicyJson);
        let effect = r#"{"Statement": [{"Effect": "allow", "Action": "*", "Resource": "*"}]}"#;
        assert_eq!(read_codes(effect), [Code::InvalidPolicyJson]);
        let unknown = r#"{"Statement": [], "Versoin": "2012-10-17"}"#;
        let (_, diagnostics) = read(FileId(0), unknown);
        assert_eq!(
            diagnostics[0].help.as_deref(),
            Some("did you mean `Version`?")
        );
    }

    fn read_codes(text: &str) -> Vec<Code> {
        read(FileId(0), text).1.iter().map(|d| d.code).collect()
    }
}
