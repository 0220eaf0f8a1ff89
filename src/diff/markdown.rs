//! `iamx diff --format markdown`: the diff as a pull-request comment.
//!
//! In: a [`Report`] and a way to find the `.iamx` place of a statement ([`Locate`], given by
//! the CLI when a side was compiled from sources). Out: GitHub-flavoured Markdown: a summary
//! table (documents changed, added, removed; access widened and narrowed per principal or
//! policy), then per document each access change with its example request and the
//! `file:line` of the statement that caused it, and the canonical JSON diff folded in a
//! `<details>` block so that the comment stays short.

use super::{Access, AccessEntry, Report, Status};
use std::collections::BTreeMap;

/// Finds where a statement came from: `(kind, name, 1-based statement number, new side?)` to
/// `main.iamx:12`.
pub type Locate<'a> = dyn Fn(&str, &str, usize, bool) -> Option<String> + 'a;

/// The Markdown comment for `report`.
pub fn render_markdown(report: &Report, locate: &Locate<'_>) -> String {
    let mut out = String::from("## IAM changes (iamx diff)\n\n");
    out.push_str("| documents | count |\n|---|---:|\n");
    for (label, status) in [
        ("changed", Status::Changed),
        ("added", Status::Added),
        ("removed", Status::Removed),
    ] {
        out.push_str(&format!(
            "| {label} | {} |\n",
            report.documents_with(status)
        ));
    }
    out.push('\n');
    // Per principal (or policy): how many access changes widen, narrow, or are undecided.
    let mut rows: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for d in &report.documents {
        let row = rows.entry(owner(&d.kind, &d.name)).or_default();
        add_counts(row, &d.access);
    }
    for p in &report.principals {
        let row = rows
            .entry(format!("{} {}", p.kind, code(&p.name)))
            .or_default();
        add_counts(row, &p.access);
    }
    rows.retain(|_, (w, n, u)| *w + *n + *u > 0);
    if rows.is_empty() {
        out.push_str("**No change in access.**\n");
    } else {
        let widened = rows.values().any(|(w, _, u)| w + u > 0);
        out.push_str(if widened {
            "**Access widened** (or could not be decided) for at least one principal.\n\n"
        } else {
            "Access only narrowed.\n\n"
        });
        out.push_str(
            "| principal or policy | widened | narrowed | undecided |\n|---|---:|---:|---:|\n",
        );
        for (name, (w, n, u)) in &rows {
            out.push_str(&format!("| {} | {w} | {n} | {u} |\n", cell(name)));
        }
    }
    for d in &report.documents {
        if d.status == Status::Unchanged {
            continue;
        }
        let file = d.new_file.as_ref().or(d.old_file.as_ref());
        let file = file.map_or(String::new(), |f| format!(" ({})", code(f)));
        out.push_str(&format!(
            "\n### {} {} {}{file}\n\n",
            d.status.as_str(),
            d.kind,
            code(&d.name)
        ));
        if let Some(principals) = &d.principals {
            for added in &principals.added {
                out.push_str(&format!("- principal added: {}\n", code(added)));
            }
            for removed in &principals.removed {
                out.push_str(&format!("- principal removed: {}\n", code(removed)));
            }
            if !principals.added.is_empty() || !principals.removed.is_empty() {
                out.push('\n');
            }
        }
        render_access(&mut out, &d.access, &|n, new| {
            locate(&d.kind, &d.name, n, new)
        });
        if !d.text_diff.is_empty() {
            out.push_str("<details><summary>JSON diff</summary>\n\n```diff\n");
            out.push_str(&d.text_diff);
            if !d.text_diff.ends_with('\n') {
                out.push('\n');
            }
            out.push_str("```\n\n</details>\n");
        }
    }
    for p in &report.principals {
        out.push_str(&format!(
            "\n### {} {} {}\n\n",
            p.status.as_str(),
            p.kind,
            code(&p.name)
        ));
        for line in p.changes.iter().filter_map(|c| c.describe(code, "→")) {
            out.push_str(&format!("- {line}\n"));
        }
        if p.status == Status::Changed {
            render_access(&mut out, &p.access, &|_, _| None);
        }
    }
    out
}

/// `text` as a Markdown code span: fenced with more backticks than any run in it (and padded
/// when it starts or ends with one), as CommonMark reads code spans. S3 keys and tag values
/// may hold backticks.
fn code(text: &str) -> String {
    let longest = (text.split(|c| c != '`')).map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A table cell: GitHub splits a row at every `|`, in a code span too, unless escaped.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// Who a document's access belongs to, as the summary table names it.
fn owner(kind: &str, name: &str) -> String {
    let who = match kind {
        "role-inline" | "trust" => "role",
        "user-inline" => "user",
        "group-inline" => "group",
        "managed-policy" => "policy",
        other => other,
    };
    format!("{who} {}", code(name))
}

fn add_counts(row: &mut (usize, usize, usize), access: &Access) {
    row.0 += access.added.len();
    row.1 += access.removed.len();
    row.2 += access.undecided.len();
}

fn render_access(
    out: &mut String,
    access: &Access,
    locate: &dyn Fn(usize, bool) -> Option<String>,
) {
    if access.is_empty() {
        out.push_str("No change in access.\n\n");
        return;
    }
    for (title, entries, new) in [
        ("Access widened", &access.added, true),
        ("Access narrowed", &access.removed, false),
    ] {
        if entries.is_empty() {
            continue;
        }
        out.push_str(&format!("**{title}**\n\n"));
        for entry in entries {
            out.push_str(&format!("- {}\n", describe(entry, locate, new)));
        }
        out.push('\n');
    }
    if !access.undecided.is_empty() {
        out.push_str("**Undecided** (treated as possibly widened)\n\n");
        for reason in &access.undecided {
            out.push_str(&format!("- {reason}\n"));
        }
        out.push('\n');
    }
}

/// One entry: the pattern, its example request and where its statement is.
fn describe(e: &AccessEntry, locate: &dyn Fn(usize, bool) -> Option<String>, new: bool) -> String {
    let mut line = String::new();
    if let Some(principal) = &e.principal {
        line.push_str(&format!("{}: ", code(principal)));
    }
    if e.example.is_none() && e.statement.is_none() {
        line.push_str(e.note.as_deref().unwrap_or(""));
        return line;
    }
    line.push_str(&format!("{} on {}", code(&e.actions), code(&e.resources)));
    if let Some(condition) = &e.condition {
        line.push_str(&format!(" when {}", code(condition)));
    }
    if let Some(example) = &e.example {
        line.push_str(&format!(
            "; example: {} on {}",
            code(&example.action),
            code(&example.resource)
        ));
        if let Some(principal) = &example.principal {
            line.push_str(&format!(" by {}", code(principal)));
        }
    }
    if let Some(n) = e.statement {
        let sid = e
            .sid
            .as_deref()
            .map_or(String::new(), |s| format!(" {}", code(s)));
        let place = locate(n, new).map_or(String::new(), |p| format!(" at {}", code(&p)));
        line.push_str(&format!(" (statement {n}{sid}{place})"));
    }
    if let Some(note) = &e.note {
        line.push_str(&format!(": {note}"));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_and_cells_hold_backticks_and_bars() {
        assert_eq!(code("s3:GetObject"), "`s3:GetObject`");
        // A fence longer than any run inside, padded when the text starts or ends with one.
        assert_eq!(code("b/`a`|*"), "``b/`a`|*``");
        assert_eq!(code("`a"), "`` `a ``");
        assert_eq!(code("x``y"), "```x``y```");
        assert_eq!(cell("policy `p|q.json`"), "policy `p\\|q.json`");
    }
}
