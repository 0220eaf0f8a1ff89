//! SARIF 2.1.0, the format code-scanning services (GitHub code scanning, Azure DevOps, many
//! editors) read static-analysis results in.
//!
//! In: [`ResolvedDiagnostic`] diagnostics (suppressed ones carry their reason). Out: one SARIF log with
//! one run: a rule per code that occurs (id, name, short description, help pointing into
//! `docs/codes.md`, default level), a result per diagnostic with its file, line, column and end,
//! the secondary labels as related locations, and `suppressions` of kind `inSource` for what an
//! `// iamx:allow` comment hides, so a scanning service shows it as dismissed, not as open.
//!
//! Written with `serde_json::json!` rather than the `serde-sarif` crate: we emit a small,
//! fixed subset, and that crate's build script generates its types from the schema with syn and
//! schemafy, a heavy build for two cores. `tests/cli_sarif.rs` validates the output against the
//! official 2.1.0 schema.

use super::{Code, ResolvedDiagnostic, Severity};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// Where the docs are published, when the build was told (`IAMX_DOCS_URL=https://.../ cargo
/// build`): SARIF's `helpUri` must be an absolute URI, and this repository does not know the
/// address it is served at. Without it, each rule's `help` names the docs file and anchor.
const DOCS_URL: Option<&str> = option_env!("IAMX_DOCS_URL");

/// The SARIF log of `located`, pretty-printed, with a final newline.
pub fn to_sarif(located: &[ResolvedDiagnostic]) -> String {
    let codes: BTreeSet<Code> = located.iter().map(|l| l.code).collect();
    let codes: Vec<Code> = codes.into_iter().collect();
    let rules: Vec<Value> = codes.iter().map(|&code| rule(code)).collect();
    let results: Vec<Value> = located
        .iter()
        .map(|l| {
            let index = codes.iter().position(|&c| c == l.code).unwrap_or(0);
            result(l, index)
        })
        .collect();
    let mut driver = Map::new();
    driver.insert("name".into(), json!("iamx"));
    driver.insert("version".into(), json!(env!("CARGO_PKG_VERSION")));
    driver.insert("semanticVersion".into(), json!(env!("CARGO_PKG_VERSION")));
    if let Some(base) = DOCS_URL {
        driver.insert("informationUri".into(), json!(format!("{base}README.md")));
    }
    driver.insert("rules".into(), Value::Array(rules));
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            // Our columns count characters (`SourceFile::line_column`), not UTF-16 units.
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&log).expect("a SARIF log always serializes");
    text.push('\n');
    text
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn rule(code: Code) -> Value {
    let docs = code.docs_path();
    let mut rule = Map::new();
    rule.insert("id".into(), json!(code.as_str()));
    rule.insert("name".into(), json!(code.name()));
    rule.insert("shortDescription".into(), json!({ "text": code.summary() }));
    rule.insert(
        "help".into(),
        json!({
            "text": format!("{} See {docs} in the iamx documentation.", code.summary()),
            "markdown": format!("{} See [{docs}]({}).", code.summary(), help_link(&docs)),
        }),
    );
    if let Some(base) = DOCS_URL {
        rule.insert("helpUri".into(), json!(format!("{base}{docs}")));
    }
    rule.insert(
        "defaultConfiguration".into(),
        json!({ "level": level(code.severity()) }),
    );
    let mut tags = vec!["iam"];
    if code.is_security_critical() {
        tags.push("security");
    }
    rule.insert("properties".into(), json!({ "tags": tags }));
    Value::Object(rule)
}

fn help_link(docs: &str) -> String {
    match DOCS_URL {
        Some(base) => format!("{base}{docs}"),
        None => docs.to_string(),
    }
}

fn result(located: &ResolvedDiagnostic, rule_index: usize) -> Value {
    let mut result = Map::new();
    result.insert("ruleId".into(), json!(located.code.as_str()));
    result.insert("ruleIndex".into(), json!(rule_index));
    result.insert("level".into(), json!(level(located.severity)));
    let mut message = located.message.clone();
    // Code scanning shows the message alone: the label's reason goes with it.
    if let Some(label) = &located.label {
        message.push_str(&format!("\n{label}"));
    }
    if let Some(help) = &located.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    for note in &located.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    result.insert("message".into(), json!({ "text": message }));
    if let (Some(file), Some(line), Some(column)) = (&located.file, located.line, located.column) {
        let mut region = json!({ "startLine": line, "startColumn": column });
        if let (Some(end_line), Some(end_column)) = (located.end_line, located.end_column) {
            region["endLine"] = json!(end_line);
            region["endColumn"] = json!(end_column);
        }
        let mut location = json!({ "physicalLocation": {
            "artifactLocation": { "uri": uri(file) },
            "region": region,
        }});
        if let Some(label) = &located.label {
            location["message"] = json!({ "text": label });
        }
        result.insert("locations".into(), json!([location]));
    }
    if !located.labels.is_empty() {
        let related: Vec<Value> = located
            .labels
            .iter()
            .enumerate()
            .map(|(id, label)| {
                json!({
                    "id": id,
                    "message": { "text": label.message },
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&label.file) },
                        "region": {
                            "startLine": label.line,
                            "startColumn": label.column,
                            "endLine": label.end_line,
                            "endColumn": label.end_column,
                        },
                    },
                })
            })
            .collect();
        result.insert("relatedLocations".into(), Value::Array(related));
    }
    if let Some(reason) = &located.suppressed {
        result.insert(
            "suppressions".into(),
            json!([{ "kind": "inSource", "justification": reason }]),
        );
    }
    Value::Object(result)
}

/// A file name as a URI reference: relative names stay relative (code scanning resolves them
/// against the repository root), absolute ones become `file://` URIs, and anything outside
/// the unreserved characters and `/` is percent-encoded (RFC 3986).
fn uri(name: &str) -> String {
    let name = name.replace('\\', "/");
    let mut out = String::new();
    if name.starts_with('/') {
        out.push_str("file://");
    }
    for byte in name.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn file_names_become_uri_references() {
        assert_eq!(uri("examples/seed/main.iamx"), "examples/seed/main.iamx");
        assert_eq!(uri("/tmp/a b.iamx"), "file:///tmp/a%20b.iamx");
        assert_eq!(uri("<stdin>"), "%3Cstdin%3E");
    }
}
