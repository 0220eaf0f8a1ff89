//! The escalation graph drawn: Graphviz DOT ([`dot`]), Mermaid ([`mermaid`]), plain text with
//! every path as the API calls that realise it ([`text`]), and one self-contained HTML page
//! ([`html`]: inline CSS, JS and drawing, nothing fetched when it is viewed).
//!
//! In: a [`Graph`]. Out: text, the same bytes for the same graph. Every principal, group and
//! delegation is a node of DOT and Mermaid; edges are labelled with what they do, steps of an
//! escalation are drawn bold, admin-like principals are filled, and a principal's boundary is
//! the second line of its label.

use super::{Escalation, Graph, Kind, State, Step};
use std::collections::BTreeSet;
use std::fmt::Write;

mod html;
pub use html::html;

/// "1 group", "3 groups".
pub fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// The last segment of a policy ARN: `S3Only`.
pub fn short_arn(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// One drawn edge between two drawn nodes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Drawn {
    pub from: End,
    pub to: End,
    pub label: String,
    /// A step of some escalation.
    pub escalation: bool,
    /// `member` and `holds` edges: relations, not escalations.
    pub relation: bool,
}

/// A drawn node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum End {
    Principal(usize),
    Group(usize),
    Delegation(usize),
}

/// Where a state is drawn: a principal's node (a membership state at the group it joined).
fn end_of(state: &State, to: bool) -> End {
    match (state.group, to) {
        (Some(g), true) => End::Group(g),
        _ => End::Principal(state.principal),
    }
}

/// The label of a step's edge: its kind, and the state the caller was in when that is not
/// itself as it is.
fn step_label(graph: &Graph, step: &Step) -> String {
    let mut label = step.kind.label();
    let from = &step.from;
    let mut after = Vec::new();
    if let Some(g) = from.group {
        after.push(format!("in {}", graph.groups[g].name));
    }
    if from.granted {
        after.push("after write policy".to_string());
    }
    if from.unbounded {
        after.push("after lift boundary".to_string());
    }
    if !after.is_empty() {
        label.push_str(&format!(" ({})", after.join(", ")));
    }
    label
}

/// Every drawn edge, sorted and each once.
pub(super) fn drawn(graph: &Graph) -> Vec<Drawn> {
    let on_path: BTreeSet<(State, State, Kind)> = graph
        .escalations
        .iter()
        .flat_map(|e| e.steps.iter().map(|s| (s.from, s.to, s.kind)))
        .collect();
    let mut edges = BTreeSet::new();
    for step in &graph.edges {
        let escalation = on_path.contains(&(step.from, step.to, step.kind));
        edges.insert(Drawn {
            from: end_of(&step.from, false),
            to: end_of(&step.to, true),
            label: step_label(graph, step),
            escalation,
            relation: false,
        });
    }
    for (g, group) in graph.groups.iter().enumerate() {
        for &member in &group.members {
            edges.insert(Drawn {
                from: End::Group(g),
                to: End::Principal(member),
                label: "member".into(),
                escalation: false,
                relation: true,
            });
        }
    }
    for (d, delegation) in graph.delegations.iter().enumerate() {
        for holder in &delegation.holders {
            let end = match holder.kind.as_str() {
                "group" => graph
                    .groups
                    .iter()
                    .position(|g| g.arn == holder.arn)
                    .map(End::Group),
                _ => graph
                    .principals
                    .iter()
                    .position(|p| p.arn.eq_ignore_ascii_case(&holder.arn))
                    .map(End::Principal),
            };
            if let Some(end) = end {
                edges.insert(Drawn {
                    from: End::Delegation(d),
                    to: end,
                    label: "held by".into(),
                    escalation: false,
                    relation: true,
                });
            }
        }
    }
    // An edge drawn both as part of an escalation and not: keep the escalation.
    let mut kept: Vec<Drawn> = Vec::new();
    for edge in edges {
        match kept.last_mut() {
            Some(last)
                if (&last.from, &last.to, &last.label) == (&edge.from, &edge.to, &edge.label) =>
            {
                last.escalation |= edge.escalation;
            }
            _ => kept.push(edge),
        }
    }
    kept
}

/// The label lines of a drawn node.
pub(super) fn node_lines(graph: &Graph, end: End) -> Vec<String> {
    match end {
        End::Principal(p) => {
            let principal = &graph.principals[p];
            let mut lines = vec![graph.name(p)];
            if let (Some(boundary), false) = (&principal.boundary, principal.created) {
                lines.push(format!("boundary {}", short_arn(boundary)));
            }
            if let Some(power) = principal.power {
                lines.push(power.as_str().to_string());
            }
            lines
        }
        End::Group(g) => vec![format!("group {}", graph.groups[g].name)],
        End::Delegation(d) => {
            let delegation = &graph.delegations[d];
            vec![
                format!("delegation {}", delegation.name),
                format!(
                    "{}{}* in boundary {}",
                    delegation.path,
                    delegation.prefix,
                    short_arn(&delegation.boundary_arn)
                ),
            ]
        }
    }
}

/// Every node: the account's principals, the roles a path creates that an edge reaches, groups
/// and delegations.
fn ends(graph: &Graph, edges: &[Drawn]) -> Vec<End> {
    let touched: BTreeSet<End> = edges.iter().flat_map(|e| [e.from, e.to]).collect();
    (0..graph.principals.len())
        .filter(|&p| !graph.principals[p].created || touched.contains(&End::Principal(p)))
        .map(End::Principal)
        .chain((0..graph.groups.len()).map(End::Group))
        .chain((0..graph.delegations.len()).map(End::Delegation))
        .collect()
}

fn dot_id(graph: &Graph, end: End) -> String {
    let text = match end {
        End::Principal(p) => {
            let principal = &graph.principals[p];
            match principal.created {
                true => principal.name.clone(),
                false => format!("{}/{}", principal.kind.as_str(), principal.name),
            }
        }
        End::Group(g) => format!("group/{}", graph.groups[g].name),
        End::Delegation(d) => format!("delegation/{}", graph.delegations[d].name),
    };
    dot_string(&text)
}

fn dot_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The graph in Graphviz's DOT language (`dot -Tsvg graph.dot > graph.svg`).
pub fn dot(graph: &Graph) -> String {
    let mut out = String::new();
    let title = match &graph.account {
        Some(account) => format!("escalation graph of account {account}"),
        None => "escalation graph".to_string(),
    };
    let _ = writeln!(out, "// {title}, written by iamx report");
    out.push_str("digraph iamx {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n");
    let edges = drawn(graph);
    for end in ends(graph, &edges) {
        let label = node_lines(graph, end).join("\n");
        let style = match end {
            End::Principal(p) => {
                let principal = &graph.principals[p];
                let shape = match principal.kind {
                    crate::verify::account::PrincipalKind::Role => "box",
                    crate::verify::account::PrincipalKind::User => "ellipse",
                };
                match (principal.power, principal.created) {
                    (Some(_), _) => format!("shape={shape}, style=filled, fillcolor=\"#f4b6b6\""),
                    (None, true) => format!("shape={shape}, style=dashed"),
                    (None, false) => format!("shape={shape}"),
                }
            }
            End::Group(_) => "shape=folder".to_string(),
            End::Delegation(_) => "shape=note, style=dashed".to_string(),
        };
        let _ = writeln!(
            out,
            "  {} [label={}, {style}];",
            dot_id(graph, end),
            dot_string(&label)
        );
    }
    for edge in edges {
        let style = if edge.relation {
            ", style=dashed, color=gray".to_string()
        } else if edge.escalation {
            ", color=red, penwidth=2".to_string()
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  {} -> {} [label={}{style}];",
            dot_id(graph, edge.from),
            dot_id(graph, edge.to),
            dot_string(&edge.label)
        );
    }
    out.push_str("}\n");
    out
}

fn mermaid_id(end: End) -> String {
    match end {
        End::Principal(p) => format!("p{p}"),
        End::Group(g) => format!("g{g}"),
        End::Delegation(d) => format!("d{d}"),
    }
}

/// Mermaid's escapes for text inside `"..."`.
fn mermaid_text(text: &str) -> String {
    text.replace('&', "#amp;")
        .replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

/// The graph as a Mermaid flowchart (GitHub and GitLab draw it in Markdown).
pub fn mermaid(graph: &Graph) -> String {
    let mut out = String::from("flowchart LR\n");
    let edges = drawn(graph);
    for end in ends(graph, &edges) {
        let label = node_lines(graph, end)
            .iter()
            .map(|l| mermaid_text(l))
            .collect::<Vec<_>>()
            .join("<br/>");
        let (open, close) = match end {
            End::Principal(p) => match graph.principals[p].kind {
                crate::verify::account::PrincipalKind::Role => ("[", "]"),
                crate::verify::account::PrincipalKind::User => ("(", ")"),
            },
            End::Group(_) => ("[/", "/]"),
            End::Delegation(_) => ("{{", "}}"),
        };
        let _ = writeln!(out, "  {}{open}\"{label}\"{close}", mermaid_id(end));
    }
    let mut escalation_links = Vec::new();
    for (index, edge) in edges.iter().enumerate() {
        let arrow = if edge.relation { "-.->" } else { "-->" };
        let _ = writeln!(
            out,
            "  {} {arrow}|\"{}\"| {}",
            mermaid_id(edge.from),
            mermaid_text(&edge.label),
            mermaid_id(edge.to)
        );
        if edge.escalation {
            escalation_links.push(index.to_string());
        }
    }
    let admins: Vec<String> = (0..graph.principals.len())
        .filter(|&p| graph.principals[p].power.is_some())
        .map(|p| mermaid_id(End::Principal(p)))
        .collect();
    out.push_str("  classDef admin fill:#f4b6b6,stroke:#a33\n");
    if !admins.is_empty() {
        let _ = writeln!(out, "  class {} admin", admins.join(","));
    }
    if !escalation_links.is_empty() {
        let _ = writeln!(
            out,
            "  linkStyle {} stroke:#c00,stroke-width:2px",
            escalation_links.join(",")
        );
    }
    out
}

/// One call as text: `iam:PassRole on ARN with iam:PassedToService=lambda.amazonaws.com`.
pub fn call_text(call: &super::Call) -> String {
    let mut text = format!("{} on {}", call.action, call.resource);
    for (i, (key, value)) in call.context.iter().enumerate() {
        text.push_str(if i == 0 { " with " } else { ", " });
        text.push_str(&format!("{key}={value}"));
    }
    text
}

/// What a step does, as a sentence: `role deployer passes role lambda-admin to lambda`.
pub fn step_text(graph: &Graph, step: &Step) -> String {
    let who = graph.state_name(&step.from);
    let target = graph.name(step.to.principal);
    match step.kind {
        Kind::AssumeRole => format!("{who} assumes {target}"),
        Kind::PassRole(service) => {
            format!("{who} passes {target} to {service}, which runs code as it")
        }
        Kind::UpdateTrust => format!("{who} rewrites the trust of {target}, then assumes it"),
        Kind::AccessKey => format!("{who} creates an access key for {target}"),
        Kind::LoginProfile => format!("{who} sets the console password of {target}"),
        Kind::JoinGroup => format!(
            "{who} adds itself to group {}",
            step.to.group.map_or("?", |g| graph.groups[g].name.as_str())
        ),
        Kind::GrantPolicy => format!("{who} gives {target} a policy that allows * on *"),
        Kind::LiftBoundary => format!("{who} lifts the permissions boundary of {target}"),
        Kind::CreateRole => {
            let how = match step.calls.iter().any(|c| c.action == "sts:AssumeRole") {
                true => "assumes it",
                false => "passes it to a service that runs code as it",
            };
            format!("{who} creates a role with a policy that allows * on * ({target}) and {how}")
        }
    }
}

fn escalation_text(graph: &Graph, escalation: &Escalation, out: &mut String) {
    let steps = escalation.steps.len();
    let _ = writeln!(
        out,
        "{} -> {}: {}, {} step{}",
        graph.name(escalation.from),
        graph.state_name(&escalation.to),
        escalation.power.as_str(),
        steps,
        if steps == 1 { "" } else { "s" }
    );
    for (i, step) in escalation.steps.iter().enumerate() {
        let _ = write!(out, "  {}. {}", i + 1, step_text(graph, step));
        match &step.trusted_by {
            Some(trust) => {
                let _ = writeln!(out, " (trusted by {trust})");
            }
            None => out.push('\n'),
        }
        for call in &step.calls {
            let _ = writeln!(
                out,
                "     {}  [allowed by {}]",
                call_text(call),
                call.allowed_by.join(", ")
            );
        }
    }
}

/// The report as text: escalations with their API calls, every edge, each delegation's holders
/// and delegated principals with what they reach, and what could not be decided.
pub fn text(graph: &Graph) -> String {
    let mut out = String::new();
    let admins = graph
        .real()
        .filter(|&p| graph.principals[p].power.is_some())
        .count();
    let _ = writeln!(
        out,
        "{} ({} admin-like), {}, {}, {}",
        count(graph.real().count(), "principal"),
        admins,
        count(graph.groups.len(), "group"),
        count(graph.edges.len(), "edge"),
        count(graph.escalations.len(), "escalation")
    );
    out.push_str("\n# Escalations\n");
    if graph.escalations.is_empty() {
        out.push_str("none\n");
    }
    for escalation in &graph.escalations {
        out.push('\n');
        escalation_text(graph, escalation, &mut out);
    }
    out.push_str("\n# Edges\n");
    // Every edge is a line: written in place, each line ~50 bytes.
    out.reserve(graph.edges.len() * 56);
    for step in &graph.edges {
        graph.write_state_name(&mut out, &step.from);
        out.push_str(" -> ");
        graph.write_state_name(&mut out, &step.to);
        out.push_str(": ");
        step.kind.write_label(&mut out);
        out.push('\n');
    }
    if !graph.delegations.is_empty() {
        out.push_str("\n# Delegations\n");
        for d in 0..graph.delegations.len() {
            let _ = writeln!(
                out,
                "\n{}",
                node_lines(graph, End::Delegation(d)).join(": ")
            );
            let _ = writeln!(out, "  held by {}", holders_text(graph, d));
            for (role, principals) in delegated(graph, d) {
                if principals.is_empty() {
                    let _ = writeln!(out, "  no {role} principal");
                }
                for p in principals {
                    let _ = writeln!(out, "  {role} {}: {}", graph.name(p), reach_text(graph, p));
                }
            }
        }
    }
    if !graph.undecided.is_empty() {
        out.push_str("\n# Undecided (not drawn)\n");
        for line in &graph.undecided {
            let _ = writeln!(out, "{line}");
        }
    }
    out
}

/// The principals of delegation `d`: its holders (the members of a holder group included),
/// then the principals inside it (named under its path and prefix, with its boundary).
pub fn delegated(graph: &Graph, d: usize) -> Vec<(&'static str, Vec<usize>)> {
    let delegation = &graph.delegations[d];
    let holders: Vec<usize> = graph
        .real()
        .filter(|&p| {
            graph
                .delegations_of(p)
                .iter()
                .any(|h| h.arn == delegation.arn)
        })
        .collect();
    let inside: Vec<usize> = graph
        .real()
        .filter(|&p| {
            let principal = &graph.principals[p];
            let name = principal.arn.rsplit(':').next().unwrap_or("");
            let path_name = name.split_once('/').map_or("", |(_, rest)| rest);
            let wanted = format!(
                "{}{}",
                delegation.path.trim_start_matches('/'),
                delegation.prefix
            );
            path_name.to_lowercase().starts_with(&wanted.to_lowercase())
                && principal.boundary.as_deref() == Some(delegation.boundary_arn.as_str())
        })
        .collect();
    vec![("holder", holders), ("delegated", inside)]
}

/// `group platform (members: user alice), user ops`: who holds delegation `d`.
pub fn holders_text(graph: &Graph, d: usize) -> String {
    let list: Vec<String> = graph.delegations[d]
        .holders
        .iter()
        .map(|h| {
            let members = graph
                .groups
                .iter()
                .find(|g| h.kind == "group" && g.arn == h.arn)
                .map(|g| {
                    let names: Vec<String> = g.members.iter().map(|&m| graph.name(m)).collect();
                    match names.is_empty() {
                        true => " (no members)".to_string(),
                        false => format!(" (members: {})", names.join(", ")),
                    }
                });
            format!("{} {}{}", h.kind, h.name, members.unwrap_or_default())
        })
        .collect();
    list.join(", ")
}

/// `reaches role a (1 step), role b (2 steps)`, or what an admin-like principal is.
pub fn reach_text(graph: &Graph, p: usize) -> String {
    if let Some(power) = graph.principals[p].power {
        return format!("admin-like ({})", power.as_str());
    }
    let reached = &graph.reach[p];
    if reached.is_empty() {
        return "reaches no other principal".to_string();
    }
    let list: Vec<String> = reached
        .iter()
        .map(|r| {
            let admin = match graph.principals[r.principal].power {
                Some(_) => ", admin-like",
                None => "",
            };
            format!(
                "{} ({} step{}{admin})",
                graph.name(r.principal),
                r.hops,
                if r.hops == 1 { "" } else { "s" }
            )
        })
        .collect();
    format!("reaches {}", list.join(", "))
}
