//! The report as one self-contained HTML page: inline CSS and JS, the graph laid out here
//! (a few lines of layered layout, deterministic) and drawn as SVG by the page's own script
//! from the JSON it carries; the tables work without the script. Nothing is fetched when the
//! page is viewed.

use super::{count, drawn, node_lines, reach_text, short_arn, step_text, End};
use crate::verify::graph::Graph;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// `&`, `<`, `>`, `"` and `'` escaped for HTML text and attributes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0; color: #1d2330; background: #fafbfc; }
header { background: #1d2330; color: #fff; padding: 14px 24px; }
header h1 { font-size: 20px; margin: 0 0 4px; }
main { padding: 8px 24px 40px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #d7dbe2; padding-bottom: 4px; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e6e8ec; vertical-align: top; }
th { background: #eef0f4; font-weight: 600; }
code { font: 12px/1.4 ui-monospace, Menlo, Consolas, monospace; }
.admin { color: #a01818; font-weight: 600; }
.muted { color: #6b7280; }
.escalation { background: #fff; border: 1px solid #e3c4c4; border-left: 4px solid #c33; padding: 8px 12px; margin: 10px 0; }
.escalation ol { margin: 6px 0 0; padding-left: 22px; }
.escalation li { margin: 4px 0; }
.calls { list-style: none; padding-left: 8px; margin: 2px 0; }
#graph-box { background: #fff; border: 1px solid #d7dbe2; overflow: auto; max-height: 80vh; }
svg .node rect { fill: #fff; stroke: #4b5563; stroke-width: 1; rx: 6; }
svg .node.user rect { rx: 16; }
svg .node.group rect { fill: #eef6ff; stroke: #4d7cc7; }
svg .node.created rect { stroke-dasharray: 5 3; }
svg .node.delegation rect { fill: #f7f3e8; stroke: #a58b3c; stroke-dasharray: 4 3; }
svg .node.admin rect { fill: #f4b6b6; stroke: #a33; }
svg .node text { font: 11px Helvetica, Arial, sans-serif; fill: #1d2330; }
svg .node { cursor: pointer; }
svg .edge { fill: none; stroke: #5b6472; stroke-width: 1.2; }
svg .edge.relation { stroke: #a3a9b3; stroke-dasharray: 4 3; }
svg .edge.escalation { stroke: #c00; stroke-width: 2.2; }
svg .edge.dim, svg .label.dim { opacity: 0.12; }
svg .label { font: 10px Helvetica, Arial, sans-serif; fill: #374151; }
svg .label.escalation { fill: #a00; font-weight: 600; }
"#;

/// The page's script: draws the graph from `#graph-data` into `#graph`, then marks the body
/// `data-rendered` with the number of nodes and edges drawn. Clicking a node dims the edges
/// that do not touch it; clicking it again shows all.
const SCRIPT: &str = r#"
(function () {
  var data = JSON.parse(document.getElementById('graph-data').textContent);
  var svg = document.getElementById('graph');
  var NS = 'http://www.w3.org/2000/svg';
  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) { e.setAttribute(k, attrs[k]); }
    parent.appendChild(e);
    return e;
  }
  svg.setAttribute('width', data.width);
  svg.setAttribute('height', data.height);
  svg.setAttribute('viewBox', '0 0 ' + data.width + ' ' + data.height);
  var defs = el('defs', {}, svg);
  [['arrow', '#5b6472'], ['arrow-red', '#c00'], ['arrow-gray', '#a3a9b3']].forEach(function (m) {
    var marker = el('marker', {id: m[0], viewBox: '0 0 10 10', refX: 9, refY: 5, markerUnits: 'userSpaceOnUse', markerWidth: 9, markerHeight: 9, orient: 'auto-start-reverse'}, defs);
    el('path', {d: 'M 0 0 L 10 5 L 0 10 z', fill: m[1]}, marker);
  });
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  var edgeLayer = el('g', {'class': 'edges'}, svg);
  var nodeLayer = el('g', {'class': 'nodes'}, svg);
  var drawn = [];
  var seen = {};
  data.edges.forEach(function (e) {
    var a = byId[e.from], b = byId[e.to];
    if (!a || !b) { return; }
    // The k-th edge between the same two nodes, and edges that skip columns, bend further.
    var pair = e.from + ' ' + e.to;
    var k = seen[pair] = (seen[pair] === undefined ? 0 : seen[pair] + 1);
    var d, lx, ly;
    if (a === b) {
      var x = a.x + a.w, y = a.y + a.h / 2, r = 40 + 16 * k;
      d = 'M ' + x + ' ' + (y - 6) + ' C ' + (x + r) + ' ' + (y - r) + ', ' + (x + r) + ' ' + (y + r) + ', ' + x + ' ' + (y + 6);
      lx = x + r - 6; ly = y - r + 14;
    } else if (b.x <= a.x) {
      var x1 = a.x + a.w / 2, y1 = a.y + a.h, x2 = b.x + b.w / 2, y2 = b.y + b.h;
      var bend = 60 + 18 * k;
      d = 'M ' + x1 + ' ' + y1 + ' C ' + x1 + ' ' + (y1 + bend) + ', ' + x2 + ' ' + (y2 + bend) + ', ' + x2 + ' ' + y2;
      lx = (x1 + x2) / 2; ly = (y1 + y2) / 2 + bend * 0.75;
    } else {
      var x1 = a.x + a.w, y1 = a.y + a.h / 2, x2 = b.x, y2 = b.y + b.h / 2;
      var span = Math.max(1, Math.round((b.x - a.x) / data.column));
      var dy = (span - 1) * 30 + k * 18;
      var bend = Math.max(40, (x2 - x1) / 2);
      d = 'M ' + x1 + ' ' + y1 + ' C ' + (x1 + bend) + ' ' + (y1 + dy) + ', ' + (x2 - bend) + ' ' + (y2 + dy) + ', ' + x2 + ' ' + y2;
      lx = (x1 + x2) / 2; ly = (y1 + y2) / 2 - 4 + dy * 0.75;
    }
    var cls = 'edge' + (e.escalation ? ' escalation' : '') + (e.relation ? ' relation' : '');
    var marker = e.escalation ? 'arrow-red' : (e.relation ? 'arrow-gray' : 'arrow');
    var path = el('path', {'class': cls, d: d, 'data-from': e.from, 'data-to': e.to, 'data-label': e.label, 'marker-end': 'url(#' + marker + ')'}, edgeLayer);
    el('title', {}, path).textContent = e.from + ' → ' + e.to + ': ' + e.label;
    var label = el('text', {'class': 'label' + (e.escalation ? ' escalation' : ''), x: lx, y: ly, 'text-anchor': 'middle'}, edgeLayer);
    label.textContent = e.label;
    drawn.push({e: e, path: path, label: label});
  });
  var selected = null;
  data.nodes.forEach(function (n) {
    var g = el('g', {'class': 'node ' + n.kind + (n.admin ? ' admin' : ''), 'data-id': n.id, transform: 'translate(' + n.x + ',' + n.y + ')'}, nodeLayer);
    el('rect', {width: n.w, height: n.h}, g);
    n.lines.forEach(function (line, i) {
      var t = el('text', {x: 8, y: 16 + i * 14}, g);
      t.textContent = line;
    });
    g.addEventListener('click', function () {
      selected = selected === n.id ? null : n.id;
      drawn.forEach(function (d) {
        var dim = selected !== null && d.e.from !== selected && d.e.to !== selected;
        d.path.classList.toggle('dim', dim);
        d.label.classList.toggle('dim', dim);
      });
    });
  });
  document.body.setAttribute('data-rendered', data.nodes.length + ' nodes, ' + drawn.length + ' edges');
})();
"#;

/// Node width and line height of the drawing.
const WIDTH: usize = 230;
const LINE: usize = 14;
const GAP: usize = 110;

/// The drawing the page's script reads, as JSON: fields in the order of their names (the
/// order the page has always carried). Borrowed, not built as a `serde_json::Value`: a dense
/// account draws a million edges, and a map per edge cost gigabytes.
#[derive(Serialize)]
struct Layout<'a> {
    column: usize,
    edges: Vec<LayoutEdge<'a>>,
    height: usize,
    nodes: Vec<LayoutNode<'a>>,
    width: usize,
}

#[derive(Serialize)]
struct LayoutNode<'a> {
    admin: bool,
    h: usize,
    id: &'a str,
    kind: &'a str,
    lines: Vec<String>,
    w: usize,
    x: usize,
    y: usize,
}

#[derive(Serialize)]
struct LayoutEdge<'a> {
    escalation: bool,
    from: &'a str,
    label: &'a str,
    relation: bool,
    to: &'a str,
}

/// Layered layout: each node one column right of the furthest node with an edge into it
/// (cycles cut at a depth of 12), nodes of a column top to bottom in their order; written as
/// JSON to `out`, each `<` as `\u003c` so that no `</script>` can end the element early.
fn write_layout(graph: &Graph, out: &mut String) {
    let edges = drawn(graph);
    let mut wanted: Vec<End> = Vec::new();
    for edge in &edges {
        wanted.push(edge.from);
        wanted.push(edge.to);
    }
    for (p, principal) in graph.principals.iter().enumerate() {
        if principal.power.is_some() && !principal.created {
            wanted.push(End::Principal(p));
        }
    }
    wanted.sort();
    wanted.dedup();
    // Ends by their index in `wanted`: the layering reads a layer per edge end many times.
    let index = |end: &End| {
        wanted
            .binary_search(end)
            .expect("every drawn end is wanted")
    };
    let ends: Vec<(usize, usize)> = (edges.iter())
        .filter(|edge| edge.from != edge.to)
        .map(|edge| (index(&edge.from), index(&edge.to)))
        .collect();
    let mut layer = vec![0usize; wanted.len()];
    for _ in 0..wanted.len().min(12) {
        let mut changed = false;
        for &(from, to) in &ends {
            let next = (layer[from] + 1).min(12);
            if layer[to] < next {
                layer[to] = next;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut columns: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, &l) in layer.iter().enumerate() {
        columns.entry(l).or_default().push(i);
    }
    let ids: Vec<String> = (wanted.iter())
        .map(|end| match *end {
            End::Principal(p) if graph.principals[p].created => graph.principals[p].name.clone(),
            End::Principal(p) => format!(
                "{}/{}",
                graph.principals[p].kind.as_str(),
                graph.principals[p].name
            ),
            End::Group(g) => format!("group/{}", graph.groups[g].name),
            End::Delegation(d) => format!("delegation/{}", graph.delegations[d].name),
        })
        .collect();
    let mut nodes = Vec::new();
    let (mut width, mut height) = (0, 0);
    for (column, members) in &columns {
        let mut y = 20;
        for &i in members {
            let end = wanted[i];
            let lines = node_lines(graph, end);
            let h = 10 + lines.len() * LINE;
            let x = 20 + column * (WIDTH + GAP);
            let (kind, admin) = match end {
                End::Principal(p) if graph.principals[p].created => ("created", false),
                End::Principal(p) => (
                    graph.principals[p].kind.as_str(),
                    graph.principals[p].power.is_some(),
                ),
                End::Group(_) => ("group", false),
                End::Delegation(_) => ("delegation", false),
            };
            nodes.push(LayoutNode {
                admin,
                h,
                id: &ids[i],
                kind,
                lines,
                w: WIDTH,
                x,
                y,
            });
            width = width.max(x + WIDTH + 60);
            y += h + 34;
            height = height.max(y + 60);
        }
    }
    let layout = Layout {
        column: WIDTH + GAP,
        edges: (edges.iter())
            .map(|e| LayoutEdge {
                escalation: e.escalation,
                from: &ids[index(&e.from)],
                label: &e.label,
                relation: e.relation,
                to: &ids[index(&e.to)],
            })
            .collect(),
        height: height.max(80),
        nodes,
        width: width.max(200),
    };
    serde_json::to_writer(ScriptText(out), &layout).expect("the layout serializes");
}

/// JSON written into a `<script>` element's text: `<` only ever stands inside a JSON string
/// there, where `\u003c` means the same.
struct ScriptText<'a>(&'a mut String);

impl std::io::Write for ScriptText<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        // serde_json writes whole UTF-8 characters (it cuts its strings at escapes, which are
        // ASCII); anything else is an error, never text cut in two.
        let text = std::str::from_utf8(bytes).map_err(std::io::Error::other)?;
        for (i, part) in text.split('<').enumerate() {
            if i > 0 {
                self.0.push_str("\\u003c");
            }
            self.0.push_str(part);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The whole page (see the module docs).
pub fn html(graph: &Graph) -> String {
    let mut out = String::new();
    let title = match &graph.account {
        Some(account) => format!("IAMX report: account {account}"),
        None => "IAMX report".to_string(),
    };
    let admins = graph
        .real()
        .filter(|&p| graph.principals[p].power.is_some())
        .count();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header><h1>{}</h1><div>{} ({} admin-like), {}, {}, {}, <strong>{}</strong></div></header>\n<main>\n",
        escape(&title),
        escape(&title),
        count(graph.real().count(), "principal"),
        admins,
        count(graph.groups.len(), "group"),
        count(graph.delegations.len(), "delegation"),
        count(graph.edges.len(), "edge"),
        count(graph.escalations.len(), "escalation")
    );

    out.push_str("<h2 id=\"graph-title\">Graph</h2>\n<p class=\"muted\">Principals with an edge, admin-like principals, groups and delegations; red edges are steps of an escalation, dashed ones are group membership and delegation. Click a node to show only its edges.</p>\n<div id=\"graph-box\"><svg id=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"graph-title\"></svg></div>\n");
    out.push_str("<script type=\"application/json\" id=\"graph-data\">");
    write_layout(graph, &mut out);
    out.push_str("</script>\n");

    out.push_str("<h2>Escalations</h2>\n");
    if graph.escalations.is_empty() {
        out.push_str("<p>No principal can reach an admin-like state.</p>\n");
    }
    for escalation in &graph.escalations {
        let _ = write!(
            out,
            "<div class=\"escalation\" data-from=\"{}\"><strong>{}</strong> → <span class=\"admin\">{}</span> ({}, {} step{})\n<ol>\n",
            escape(&graph.principals[escalation.from].arn),
            escape(&graph.name(escalation.from)),
            escape(&graph.state_name(&escalation.to)),
            escape(escalation.power.as_str()),
            escalation.steps.len(),
            if escalation.steps.len() == 1 { "" } else { "s" }
        );
        for step in &escalation.steps {
            let _ = write!(out, "<li>{}", escape(&step_text(graph, step)));
            if let Some(trust) = &step.trusted_by {
                let _ = write!(
                    out,
                    " <span class=\"muted\">(trusted by {})</span>",
                    escape(trust)
                );
            }
            out.push_str("<ul class=\"calls\">");
            for call in &step.calls {
                let _ = write!(
                    out,
                    "<li><code>{}</code> <span class=\"muted\">allowed by {}</span></li>",
                    escape(&super::call_text(call)),
                    escape(&call.allowed_by.join(", "))
                );
            }
            out.push_str("</ul></li>\n");
        }
        out.push_str("</ol></div>\n");
    }

    out.push_str("<h2>Principals</h2>\n<table id=\"principals\">\n<tr><th>principal</th><th>boundary</th><th>admin-like</th><th>delegations held</th><th>reaches</th></tr>\n");
    for p in graph.real() {
        let principal = &graph.principals[p];
        let boundary = principal.boundary.as_deref().map_or("—", short_arn);
        let power = principal.power.map_or("", |power| power.as_str());
        let held: Vec<&str> = graph
            .delegations_of(p)
            .iter()
            .map(|d| d.name.as_str())
            .collect();
        let _ = writeln!(
            out,
            "<tr data-arn=\"{}\"><td>{}</td><td>{}</td><td class=\"admin\">{}</td><td>{}</td><td>{}</td></tr>",
            escape(&principal.arn),
            escape(&graph.name(p)),
            escape(boundary),
            escape(power),
            escape(&held.join(", ")),
            escape(&reach_text(graph, p))
        );
    }
    out.push_str("</table>\n");

    if !graph.delegations.is_empty() {
        out.push_str("<h2>Delegations</h2>\n");
        for (d, delegation) in graph.delegations.iter().enumerate() {
            let _ = writeln!(
                out,
                "<h3>{}</h3>\n<p>Roles <code>{}{}*</code> inside boundary <code>{}</code>; held by {}.</p>\n<table>\n<tr><th></th><th>principal</th><th>reaches</th></tr>",
                escape(&delegation.name),
                escape(&delegation.path),
                escape(&delegation.prefix),
                escape(short_arn(&delegation.boundary_arn)),
                escape(&super::holders_text(graph, d))
            );
            for (role, principals) in super::delegated(graph, d) {
                for p in principals {
                    let _ = writeln!(
                        out,
                        "<tr><td>{role}</td><td>{}</td><td>{}</td></tr>",
                        escape(&graph.name(p)),
                        escape(&reach_text(graph, p))
                    );
                }
            }
            out.push_str("</table>\n");
        }
    }

    out.push_str("<h2>Edges</h2>\n<table id=\"edges\">\n<tr><th>from</th><th>to</th><th>how</th><th>calls</th></tr>\n");
    for step in &graph.edges {
        let calls: Vec<String> = step.calls.iter().map(super::call_text).collect();
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
            escape(&graph.state_name(&step.from)),
            escape(&graph.state_name(&step.to)),
            escape(&step.kind.label()),
            escape(&calls.join("; "))
        );
    }
    out.push_str("</table>\n");

    if !graph.undecided.is_empty() {
        out.push_str("<h2>Undecided</h2>\n<p class=\"muted\">Candidate edges the engine could not decide; not drawn.</p>\n<ul>\n");
        for line in &graph.undecided {
            let _ = writeln!(out, "<li>{}</li>", escape(line));
        }
        out.push_str("</ul>\n");
    }
    let _ = write!(
        out,
        "</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    );
    out
}
