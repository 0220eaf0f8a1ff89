//! Rendering a diff [`Report`] as coloured text or JSON.
//!
//! In: a report. Out: the text the CLI prints.

use super::*;

// ---- rendering ----------------------------------------------------------------------------

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

struct Painter(bool);

impl Painter {
    fn paint(&self, style: &str, text: &str) -> String {
        if self.0 && !text.is_empty() {
            format!("{style}{text}{RESET}")
        } else {
            text.to_string()
        }
    }
}

/// The report for people: changed documents with their diffs and access summaries, then role,
/// user and group changes, then a one-line summary. Unchanged documents are left out.
pub fn render_text(report: &Report, color: bool) -> String {
    let p = Painter(color);
    let mut out = String::new();
    for d in &report.documents {
        if d.status == Status::Unchanged {
            continue;
        }
        let file = d.new_file.as_ref().or(d.old_file.as_ref()).expect("a file");
        let renamed = match (&d.old_file, &d.new_file) {
            (Some(a), Some(b)) if a != b => format!(" (was {a})"),
            _ => String::new(),
        };
        out.push_str(&p.paint(
            BOLD,
            &format!(
                "{} {} {} ({file}){renamed}",
                d.status.as_str(),
                d.kind,
                d.name
            ),
        ));
        out.push('\n');
        for line in d.text_diff.lines() {
            let style = if line.starts_with("+++") || line.starts_with("---") {
                BOLD
            } else if line.starts_with("@@") {
                CYAN
            } else if line.starts_with('+') {
                GREEN
            } else if line.starts_with('-') {
                RED
            } else {
                ""
            };
            out.push_str(&if style.is_empty() {
                line.to_string()
            } else {
                p.paint(style, line)
            });
            out.push('\n');
        }
        if let Some(principals) = &d.principals {
            for added in &principals.added {
                out.push_str(&p.paint(GREEN, &format!("principal added: {added}")));
                out.push('\n');
            }
            for removed in &principals.removed {
                out.push_str(&p.paint(RED, &format!("principal removed: {removed}")));
                out.push('\n');
            }
        }
        render_access(&mut out, &d.access, &p);
        out.push('\n');
    }
    for principal in &report.principals {
        out.push_str(&p.paint(
            BOLD,
            &format!(
                "{} {} {}",
                principal.status.as_str(),
                principal.kind,
                principal.name
            ),
        ));
        out.push('\n');
        for line in principal
            .changes
            .iter()
            .filter_map(|c| c.describe(str::to_string, "->"))
        {
            out.push_str(&format!("  {line}\n"));
        }
        if principal.status == Status::Changed {
            render_access(&mut out, &principal.access, &p);
        }
        out.push('\n');
    }
    let count = |status: Status| report.documents_with(status);
    let widened = report
        .documents
        .iter()
        .filter(|d| !d.access.added.is_empty())
        .count()
        + report
            .principals
            .iter()
            .filter(|p| !p.access.added.is_empty())
            .count();
    let undecided = report
        .documents
        .iter()
        .filter(|d| !d.access.undecided.is_empty())
        .count()
        + report
            .principals
            .iter()
            .filter(|p| !p.access.undecided.is_empty())
            .count();
    // Only what happened, in the right number: "4 documents: 1 changed, 3 unchanged".
    let statuses: Vec<String> = [
        (Status::Changed, "changed"),
        (Status::Added, "added"),
        (Status::Removed, "removed"),
        (Status::Unchanged, "unchanged"),
    ]
    .into_iter()
    .filter(|&(status, _)| count(status) > 0)
    .map(|(status, word)| format!("{} {word}", count(status)))
    .collect();
    let documents = report.documents.len();
    let mut summary = format!(
        "{documents} document{}",
        if documents == 1 { "" } else { "s" }
    );
    if !statuses.is_empty() {
        summary.push_str(&format!(": {}", statuses.join(", ")));
    }
    if !report.principals.is_empty() {
        let n = report.principals.len();
        summary.push_str(&format!(
            "; {n} role{s}, user{s} or group{s} changed",
            s = if n == 1 { "" } else { "s" }
        ));
    }
    summary.push_str(&match (widened, undecided) {
        (0, 0) => "; access widened nowhere".to_string(),
        (w, 0) => format!("; access widened in {w}"),
        (w, u) => format!("; access widened in {w}, undecided in {u}"),
    });
    out.push_str(&summary);
    out.push('\n');
    out
}

fn render_access(out: &mut String, access: &Access, p: &Painter) {
    if access.is_empty() {
        out.push_str("no change in access\n");
        return;
    }
    for (title, sign, style, entries) in [
        ("access added:", '+', GREEN, &access.added),
        ("access removed:", '-', RED, &access.removed),
    ] {
        if entries.is_empty() {
            continue;
        }
        out.push_str(title);
        out.push('\n');
        for e in entries.iter() {
            let mut line = format!("  {sign} ");
            if e.example.is_some() || e.statement.is_some() {
                if let Some(principal) = &e.principal {
                    line.push_str(&format!("{principal}: "));
                }
                if e.principal.is_some() && e.resources == "*" {
                    line.push_str(&e.actions);
                } else {
                    line.push_str(&format!("{} on {}", e.actions, e.resources));
                }
                if let Some(condition) = &e.condition {
                    line.push_str(&format!(" when {condition}"));
                }
            } else if let Some(note) = &e.note {
                line.push_str(note);
            }
            out.push_str(&p.paint(style, &line));
            let mut detail = Vec::new();
            if let Some(n) = e.statement {
                let sid = e
                    .sid
                    .as_deref()
                    .map_or(String::new(), |s| format!(" ({s})"));
                detail.push(format!("statement {n}{sid}"));
            }
            if e.example.is_some() || e.statement.is_some() {
                if let Some(note) = &e.note {
                    detail.push(note.clone());
                }
            }
            if !detail.is_empty() {
                out.push_str(&format!("  [{}]", detail.join("; ")));
            }
            out.push('\n');
            if let Some(example) = &e.example {
                out.push_str(&format!("      example: {example}\n"));
            }
        }
    }
    if !access.undecided.is_empty() {
        out.push_str(&p.paint(YELLOW, "access may have changed (undecided):"));
        out.push('\n');
        for reason in &access.undecided {
            out.push_str(&format!("  ? {reason}\n"));
        }
    }
}

/// The report as JSON (pretty, trailing newline); see `docs/diff.md` for the schema.
pub fn render_json(report: &Report) -> String {
    #[derive(Serialize)]
    struct Out<'a> {
        access_widened: bool,
        documents: &'a [DocumentDiff],
        principals: &'a [PrincipalDiff],
    }
    let mut text = serde_json::to_string_pretty(&Out {
        access_widened: report.may_widen(),
        documents: &report.documents,
        principals: &report.principals,
    })
    .expect("the report serializes");
    text.push('\n');
    text
}
