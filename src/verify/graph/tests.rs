use super::*;
use crate::source::Sources;

const FIXTURE: &str = include_str!("../../../tests/data/report/escalation.json");

fn graph_of(text: &str) -> Graph {
    let mut sources = Sources::new();
    let id = sources.add("escalation.json", text);
    let (gaad, diagnostics) = crate::iam::gaad::read(id, &sources.get(id).text);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let gaad = gaad.unwrap();
    let mut account = Account::from_gaad(&gaad, sources);
    for p in 0..account.principals().len() {
        let mut read = |file: &str| Err(format!("{file}: not expected"));
        account.prepare(p, &mut read).unwrap();
    }
    build(&gaad, &account, Vec::new())
}

fn index(graph: &Graph, name: &str) -> usize {
    graph
        .principals
        .iter()
        .position(|p| format!("{} {}", p.kind.as_str(), p.name) == name)
        .unwrap_or_else(|| panic!("no {name}"))
}

fn edge<'g>(graph: &'g Graph, from: &str, to: &str) -> Option<&'g Step> {
    let (from, to) = (index(graph, from), index(graph, to));
    graph
        .edges
        .iter()
        .find(|s| s.from == State::plain(from) && s.to.principal == to)
}

#[test]
fn the_fixture_has_its_edges_and_no_others() {
    let graph = graph_of(FIXTURE);
    let names: Vec<String> = graph
        .edges
        .iter()
        .map(|s| {
            format!(
                "{} -> {}: {}",
                graph.state_name(&s.from),
                graph.state_name(&s.to),
                s.kind.label()
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            "role deployer -> role lambda-admin: pass to lambda",
            "role ci -> role ci (with a written policy): write policy",
            "role readonly -> role ci: assume",
            "user dev -> role deployer: assume",
            "user dev -> role bounded-deployer: assume",
            "user intern -> user ops: access key",
            "user auditor -> user auditor (in group admins): join group",
        ],
        "{names:#?}"
    );
    // The boundary blocks the bounded deployer's pass and the app's own policy write.
    assert!(edge(&graph, "role bounded-deployer", "role lambda-admin").is_none());
    assert!(edge(&graph, "role app", "role app").is_none());
    assert_eq!(graph.undecided, Vec::<String>::new());
}

#[test]
fn escalations_are_shortest_and_spelled_as_calls() {
    let graph = graph_of(FIXTURE);
    let dev = index(&graph, "user dev");
    let escalation = graph.escalations.iter().find(|e| e.from == dev).unwrap();
    let calls: Vec<&str> = escalation
        .steps
        .iter()
        .flat_map(|s| s.calls.iter().map(|c| c.action.as_str()))
        .collect();
    assert_eq!(
        calls,
        [
            "sts:AssumeRole",
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:InvokeFunction"
        ]
    );
    assert_eq!(escalation.power, Power::Full);
    let pass = &escalation.steps[1].calls[0];
    assert_eq!(
        pass.context,
        [(
            "iam:PassedToService".to_string(),
            "lambda.amazonaws.com".to_string()
        )]
    );
    assert_eq!(pass.allowed_by, ["role deployer/inline#1"]);
    // A write on itself: the role controls the role it writes.
    let readonly = index(&graph, "role readonly");
    let escalation = graph
        .escalations
        .iter()
        .find(|e| e.from == readonly)
        .unwrap();
    let kinds: Vec<Kind> = escalation.steps.iter().map(|s| s.kind).collect();
    assert_eq!(kinds, [Kind::AssumeRole, Kind::GrantPolicy]);
    assert!(escalation.to.granted);
    // Who escalates: all but the bounded ones and the admin-like ones.
    let from: Vec<String> = graph
        .escalations
        .iter()
        .map(|e| graph.name(e.from))
        .collect();
    assert_eq!(
        from,
        [
            "role deployer",
            "role ci",
            "role readonly",
            "user dev",
            "user intern",
            "user auditor"
        ]
    );
    let app = index(&graph, "role app");
    assert!(graph.reach[app].is_empty());
}

#[test]
fn a_boundary_that_allows_the_write_still_bounds_the_result() {
    // The app role may write its own policy (the boundary allows iam:PutRolePolicy), but what it
    // writes stays inside the boundary: an edge, and no escalation.
    let fixture = FIXTURE.replace(
        r#""Action": "s3:*",
                "Resource": "*""#,
        r#""Action": ["s3:*", "iam:PutRolePolicy"],
                "Resource": "*""#,
    );
    assert_ne!(fixture, FIXTURE);
    let graph = graph_of(&fixture);
    let app = index(&graph, "role app");
    assert!(edge(&graph, "role app", "role app").is_some());
    assert!(graph.escalations.iter().all(|e| e.from != app));
}

#[test]
fn admin_like_principals_are_found() {
    let graph = graph_of(FIXTURE);
    let admins: Vec<String> = (0..graph.principals.len())
        .filter(|&p| graph.principals[p].power.is_some())
        .map(|p| graph.name(p))
        .collect();
    assert_eq!(admins, ["role lambda-admin", "user ops"]);
}

#[test]
fn every_listed_action_is_known_and_every_launch_action_listed() {
    let catalog = Catalog::get();
    for action in ACTIONS {
        assert!(catalog.action(action).is_some(), "{action}");
    }
    for runner in CODE_RUNNERS {
        for action in runner.launches.iter().flat_map(|l| l.iter()) {
            action_index(action);
        }
    }
}
