//! A file of questions for `iamx explain --queries`: one request per line.
//!
//! In: the text of the file, added to a [`Sources`](crate::source::Sources) table as `file`.
//! Out: one [`Query`] per well-formed line and a diagnostic for each malformed one; a malformed
//! line never stops the others.
//!
//! Each line is `principal<TAB>action<TAB>resource[<TAB>KEY=VALUE;KEY=VALUE...]`, the shape of
//! IAMSpy's questions: the principal is a role or user name or ARN, the action `service:Name`,
//! the resource an ARN or `*`, and the optional context a `;`-separated list of `KEY=VALUE`
//! entries (a key given several times is multivalued; a value is everything after the first
//! `=`, so it may contain `=` but not `;` or a tab). Empty lines, lines of white space and lines
//! whose first non-blank character is `#` are skipped. A line may end in `\r`.

use crate::diagnostics::{Code, Diagnostic};
use crate::reason::Request;
use crate::source::{FileId, Span, Spanned};

/// One question of the file.
#[derive(Debug, Clone)]
pub struct Query {
    /// 1-based line number in the file.
    pub line: usize,
    pub principal: Spanned<String>,
    pub action: Spanned<String>,
    pub resource: Spanned<String>,
    /// The context column as written (empty when there is none).
    pub context_text: String,
    /// Each key with its values, in the order the keys first appear.
    pub context: Vec<(Spanned<String>, Vec<String>)>,
}

impl Query {
    /// The request the line asks about.
    pub fn request(&self) -> Request {
        let mut request = Request::new(&self.action, &self.resource);
        for (key, values) in &self.context {
            request.context.set(key, values.iter().cloned());
        }
        request
    }
}

const SHAPE: &str = "principal<TAB>action<TAB>resource[<TAB>KEY=VALUE;KEY=VALUE...]";

/// Parses every line of `text`, the contents of `file` (see the module docs).
pub fn parse(file: FileId, text: &str) -> (Vec<Query>, Vec<Diagnostic>) {
    let mut queries = Vec::new();
    let mut diagnostics = Vec::new();
    let mut start = 0;
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let mut line_start = start;
        start += raw.len();
        // A byte order mark (editors on Windows write one) is not part of the first principal.
        let raw = match (index, raw.strip_prefix('\u{feff}')) {
            (0, Some(rest)) => {
                line_start += '\u{feff}'.len_utf8();
                rest
            }
            _ => raw,
        };
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        let line = line.strip_suffix('\r').unwrap_or(line);
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        match parse_line(file, line_start, index + 1, line) {
            Ok(query) => queries.push(query),
            Err(diagnostic) => diagnostics.push(*diagnostic),
        }
    }
    (queries, diagnostics)
}

fn parse_line(
    file: FileId,
    at: usize,
    number: usize,
    line: &str,
) -> Result<Query, Box<Diagnostic>> {
    let span = |from: usize, to: usize| Span::new(file, at + from, at + to);
    // Fields with their byte offsets in the line.
    let mut fields: Vec<(usize, &str)> = Vec::new();
    let mut from = 0;
    for piece in line.split('\t') {
        fields.push((from, piece));
        from += piece.len() + 1;
    }
    if fields.len() < 3 || fields.len() > 4 {
        let (place, label) = if fields.len() > 4 {
            let (offset, _) = fields[4];
            (span(offset, line.len()), "a fifth field")
        } else {
            (span(0, line.len()), "here")
        };
        let mut diagnostic = Diagnostic::new(
            Code::Syntax,
            format!(
                "a question has 3 or 4 tab-separated fields, this line has {}",
                fields.len()
            ),
        )
        .at(place, label)
        .with_note(format!("the shape of a line: {SHAPE}"));
        if fields.len() < 3 && line.contains(' ') {
            diagnostic = diagnostic.with_help("separate the fields with tabs, not spaces");
        }
        return Err(Box::new(diagnostic));
    }
    let names = ["principal", "action", "resource"];
    for (name, &(offset, text)) in names.iter().zip(&fields) {
        if text.trim().is_empty() {
            return Err(
                Diagnostic::new(Code::Syntax, format!("the {name} is empty"))
                    .at(span(offset, offset + text.len()), format!("no {name}"))
                    .with_note(format!("the shape of a line: {SHAPE}"))
                    .into(),
            );
        }
    }
    let spanned = |(offset, text): (usize, &str)| {
        Spanned::new(text.to_string(), span(offset, offset + text.len()))
    };
    let principal = spanned(fields[0]);
    let action = spanned(fields[1]);
    let resource = spanned(fields[2]);
    if !is_action(&action) {
        return Err(Diagnostic::new(
            Code::MalformedAction,
            format!("`{}` is not an action", *action),
        )
        .at(action.span, "expected `service:Action`")
        .with_help("write the action as `service:Action`, for example `s3:GetObject`")
        .into());
    }
    if !is_resource(&resource) {
        return Err(Diagnostic::new(
            Code::MalformedArn,
            format!("`{}` is neither an ARN nor `*`", *resource),
        )
        .at(
            resource.span,
            "expected `arn:partition:service:region:account:resource` or `*`",
        )
        .into());
    }
    let mut context: Vec<(Spanned<String>, Vec<String>)> = Vec::new();
    let mut context_text = String::new();
    if let Some(&(offset, text)) = fields.get(3) {
        context_text = text.to_string();
        let mut entry_start = offset;
        for entry in text.split(';') {
            let here = entry_start;
            entry_start += entry.len() + 1;
            if entry.is_empty() {
                continue;
            }
            let Some((key, value)) = entry.split_once('=') else {
                return Err(Diagnostic::new(
                    Code::Syntax,
                    format!("context entry `{entry}` is not KEY=VALUE"),
                )
                .at(span(here, here + entry.len()), "expected KEY=VALUE")
                .with_help("separate entries with `;`: `aws:SourceIp=10.0.0.1;aws:MultiFactorAuthPresent=true`").into());
            };
            if key.trim().is_empty() || key.contains(char::is_whitespace) {
                return Err(Diagnostic::new(
                    Code::Syntax,
                    format!("context entry `{entry}` has no valid key"),
                )
                .at(
                    span(here, here + key.len().max(1)),
                    "expected a condition key",
                )
                .into());
            }
            match context
                .iter_mut()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
            {
                Some((_, values)) => values.push(value.to_string()),
                None => context.push((
                    Spanned::new(key.to_string(), span(here, here + key.len())),
                    vec![value.to_string()],
                )),
            }
        }
    }
    Ok(Query {
        line: number,
        principal,
        action,
        resource,
        context_text,
        context,
    })
}

/// `service:Name`: a service prefix and a name, no white space.
fn is_action(action: &str) -> bool {
    match action.split_once(':') {
        Some((service, name)) => {
            !service.is_empty()
                && !name.is_empty()
                && !name.contains(':')
                && !action.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// `*`, or an ARN with its six parts (the last may contain colons), no white space.
fn is_resource(resource: &str) -> bool {
    resource == "*"
        || (resource.starts_with("arn:")
            && crate::iam::names::arn_parts(resource).is_some()
            && !resource.contains(char::is_whitespace))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Sources;

    fn parsed(text: &str) -> (Vec<Query>, Vec<(String, usize, usize)>) {
        let mut sources = Sources::new();
        let file = sources.add("q.tsv", text);
        let (queries, diagnostics) = parse(file, text);
        let errors = diagnostics
            .iter()
            .map(|d| {
                let span = d.primary.as_ref().unwrap().span;
                let (line, column) = sources.get(file).line_column(span.start as usize);
                (d.message.clone(), line, column)
            })
            .collect();
        (queries, errors)
    }

    #[test]
    fn lines_comments_and_context() {
        let (queries, errors) = parsed(
            "# who may read\n\nservice-etl\ts3:GetObject\tarn:aws:s3:::b/k\r\n  # indented comment\n\
             arn:aws:iam::123456789012:role/x\tec2:RunInstances\t*\taws:SourceIp=10.0.0.1;aws:TagKeys=a;aws:TagKeys=b=c;\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(queries.len(), 2);
        assert_eq!(queries[0].line, 3);
        assert_eq!(*queries[0].resource, "arn:aws:s3:::b/k");
        let request = queries[1].request();
        assert_eq!(request.context.get("aws:sourceip").unwrap(), ["10.0.0.1"]);
        assert_eq!(request.context.get("aws:TagKeys").unwrap(), ["a", "b=c"]);
        assert_eq!(
            queries[1].context_text,
            "aws:SourceIp=10.0.0.1;aws:TagKeys=a;aws:TagKeys=b=c;"
        );
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_principal() {
        let (queries, errors) = parsed("\u{feff}boss\ts3:GetObject\t*\nboss\ts3\t*\n");
        assert_eq!(*queries[0].principal, "boss");
        // Positions still count from the file's first byte.
        assert_eq!(
            errors,
            vec![("`s3` is not an action".to_string(), 2, 6)],
            "{errors:?}"
        );
    }

    #[test]
    fn malformed_lines_are_located_and_do_not_stop_the_others() {
        let text = "a s3:GetObject *\n\
                    a\ts3\t*\n\
                    a\ts3:GetObject\tbucket\n\
                    a\ts3:GetObject\t*\tnokey\n\
                    a\ts3:GetObject\t*\tk=v\textra\n\
                    \ts3:GetObject\t*\n\
                    é\ts3:GetObject\t*\tk=v;=x\n\
                    ok\ts3:GetObject\t*\n";
        let (queries, errors) = parsed(text);
        assert_eq!(queries.len(), 1);
        assert_eq!(queries[0].line, 8);
        let at: Vec<(usize, usize)> = errors.iter().map(|(_, l, c)| (*l, *c)).collect();
        assert_eq!(
            at,
            [(1, 1), (2, 3), (3, 16), (4, 18), (5, 22), (6, 1), (7, 22)]
        );
        assert!(errors[0].0.contains("this line has 1"));
        assert!(errors[1].0.contains("`s3` is not an action"));
        assert!(errors[2].0.contains("`bucket` is neither an ARN nor `*`"));
        assert!(errors[3].0.contains("`nokey` is not KEY=VALUE"));
        assert!(errors[4].0.contains("this line has 5"));
        assert!(errors[5].0.contains("the principal is empty"));
        assert!(errors[6].0.contains("has no valid key"));
    }
}
