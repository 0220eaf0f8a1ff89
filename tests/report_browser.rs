//! `report.html` as a browser draws it: headless Chromium loads the page from disk (no network,
//! a throw-away profile), runs its inline script and dumps the DOM, in which every node and edge
//! of the graph must be drawn as SVG.
//!
//! Chromium comes from `IAMX_CHROMIUM`, else `chromium` (Debian's package, which `.ci/run`
//! installs) or `chromium-browser` / `google-chrome` on the PATH. Without one this test says
//! "skipped" and passes, except with `CI=true`, where it fails.

mod common;

use common::{iamx, root};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

fn chromium() -> Option<PathBuf> {
    let wanted: Vec<PathBuf> = match std::env::var_os("IAMX_CHROMIUM") {
        Some(path) => vec![PathBuf::from(path)],
        None => ["chromium", "chromium-browser", "google-chrome"]
            .iter()
            .map(PathBuf::from)
            .collect(),
    };
    wanted.into_iter().find(|binary| {
        Command::new(binary)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// The DOM of `page` after its scripts ran, from headless Chromium (given a minute).
fn dump_dom(browser: &Path, page: &Path, profile: &Path) -> String {
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("chromium did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    let dom = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success() && !dom.is_empty(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    dom
}

/// The value of `attribute` in each element of `dom` whose start tag starts with `start`.
fn attributes(dom: &str, start: &str, attribute: &str) -> Vec<String> {
    dom.match_indices(start)
        .filter_map(|(at, _)| {
            let tag = &dom[at..at + dom[at..].find('>')?];
            let key = format!(" {attribute}=\"");
            let value = &tag[tag.find(&key)? + key.len()..];
            Some(value[..value.find('"')?].to_string())
        })
        .collect()
}

#[test]
fn chromium_draws_every_node_and_edge() {
    let Some(browser) = chromium() else {
        if in_ci() {
            panic!("CI=true but Chromium is missing: install Debian's `chromium` (as .ci/run does) or set IAMX_CHROMIUM");
        }
        eprintln!("report_browser: skipped: no Chromium (install `chromium` or set IAMX_CHROMIUM)");
        return;
    };
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("report");
    iamx()
        .args([
            "report",
            "--gaad",
            "tests/data/report/escalation.json",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    let page = out.join("report.html");
    let html = std::fs::read_to_string(&page).unwrap();
    // What the page carries to draw.
    let data = html
        .split("<script type=\"application/json\" id=\"graph-data\">")
        .nth(1)
        .and_then(|rest| rest.split("</script>").next())
        .expect("the page carries its graph");
    let data: Value = serde_json::from_str(&data.replace("<\\/", "</")).unwrap();
    let nodes: Vec<String> = data["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_string())
        .collect();
    let edges: Vec<(String, String, String)> = data["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let field = |k: &str| e[k].as_str().unwrap().to_string();
            (field("from"), field("to"), field("label"))
        })
        .collect();
    for wanted in [
        "user/dev",
        "role/deployer",
        "role/lambda-admin",
        "role/bounded-deployer",
        "group/admins",
    ] {
        assert!(
            nodes.iter().any(|n| n == wanted),
            "{wanted} not in {nodes:?}"
        );
    }
    // The page as drawn: the script ran and drew each node and edge.
    let profile = dir.path().join("profile");
    let dom = dump_dom(&browser, &page, &profile);
    let rendered = format!("{} nodes, {} edges", nodes.len(), edges.len());
    assert!(
        dom.contains(&format!("data-rendered=\"{rendered}\"")),
        "the script did not draw {rendered}"
    );
    let mut drawn_nodes = attributes(&dom, "<g class=\"node", "data-id");
    drawn_nodes.sort();
    let mut expected_nodes = nodes.clone();
    expected_nodes.sort();
    assert_eq!(drawn_nodes, expected_nodes);
    let froms = attributes(&dom, "<path class=\"edge", "data-from");
    let tos = attributes(&dom, "<path class=\"edge", "data-to");
    let labels = attributes(&dom, "<path class=\"edge", "data-label");
    let mut drawn_edges: Vec<(String, String, String)> = froms
        .into_iter()
        .zip(tos)
        .zip(labels)
        .map(|((f, t), l)| (f, t, l))
        .collect();
    drawn_edges.sort();
    let mut expected_edges = edges.clone();
    expected_edges.sort();
    assert_eq!(drawn_edges, expected_edges);
    // The escalation user dev → role deployer → role lambda-admin is drawn in red, the bounded
    // deployer's pass is not drawn at all.
    let escalation_edges = attributes(&dom, "<path class=\"edge escalation", "data-to");
    assert!(escalation_edges.contains(&"role/lambda-admin".to_string()));
    assert!(escalation_edges.contains(&"role/deployer".to_string()));
    assert!(!edges
        .iter()
        .any(|(from, _, _)| from == "role/bounded-deployer"));
    // Every principal is in the table, labels are drawn text.
    assert!(
        dom.contains(">role lambda-admin</text>"),
        "node labels are drawn"
    );
    assert!(root().join("tests/data/report/escalation.json").is_file());
}
