//! Unit tests of name resolution: scopes, constant cycles and namespaces, on small in-memory
//! projects (the golden diagnostics cover the rendered messages).

use crate::compile::ir::Project;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Sources};
use crate::syntax::{ast, parse};
use std::sync::Arc;

/// The whole project, roles resolved as the lowering resolves them, in order; `None` when a
/// diagnostic is an error.
fn resolve(
    files: Vec<(FileId, Arc<ast::File>)>,
    environment: Option<&str>,
    sources: &mut Sources,
) -> (Option<Project>, Vec<Diagnostic>) {
    let (taken, held) = super::take_trees(files);
    let (resolved, mut diagnostics) = super::resolve(taken, &held, environment, sources);
    let roles: Vec<_> = (resolved.roles.iter())
        .map(|r| resolved.role(r).expect("members parsed"))
        .collect();
    let mut project = resolved.project;
    for (role, mut found) in roles {
        diagnostics.append(&mut found);
        project.roles.extend(role);
    }
    crate::diagnostics::sort(&mut diagnostics);
    let errors = diagnostics.iter().any(Diagnostic::is_error);
    ((!errors).then_some(project), diagnostics)
}

fn resolve_text(text: &str) -> (Option<Project>, Vec<Diagnostic>) {
    let mut sources = Sources::new();
    let id = sources.add("main.iamx".to_string(), text.to_string());
    let file = parse::parse(id, &sources.get(id).text).expect("the test source parses");
    resolve(vec![(id, Arc::new(file))], None, &mut sources)
}

fn codes(diagnostics: &[Diagnostic]) -> Vec<Code> {
    diagnostics.iter().map(|d| d.code).collect()
}

fn resources(project: &Project, role: usize) -> Vec<String> {
    project.roles[role].statements[0]
        .resources
        .iter()
        .map(|r| r.node.clone())
        .collect()
}

#[test]
fn template_parameters_shadow_project_constants() {
    let (project, diagnostics) = resolve_text(
        r#"account "123456789012"
let bucket = "outer"
template read(bucket) { allow s3:GetObject on arn:aws:s3:::${bucket}/* }
role r {
  trust service ec2.amazonaws.com
  use read("inner")
}
role s {
  trust service ec2.amazonaws.com
  allow s3:GetObject on arn:aws:s3:::${bucket}/*
}
"#,
    );
    assert_eq!(codes(&diagnostics), []);
    let project = project.unwrap();
    assert_eq!(resources(&project, 0), ["arn:aws:s3:::inner/*"]);
    assert_eq!(resources(&project, 1), ["arn:aws:s3:::outer/*"]);
}

/// The order names are looked up in: a parameter hides a constant and a built-in (`partition`
/// here), whether the value is read where it is kept or evaluated; no constant may be named
/// after a built-in.
#[test]
fn parameters_and_constants_hide_built_ins() {
    let (project, diagnostics) = resolve_text(
        r#"account "123456789012"
template read(partition) { allow s3:GetObject on arn:aws:s3:::${partition}/* }
role r {
  trust service ec2.amazonaws.com
  use read("from-parameter")
}
role s {
  trust service ec2.amazonaws.com
  allow s3:GetObject on arn:aws:s3:::${partition}/*
}
role t {
  trust service ec2.amazonaws.com
  allow s3:GetObject on arn:aws:s3:::${account}/*
}
"#,
    );
    assert_eq!(codes(&diagnostics), []);
    let project = project.unwrap();
    assert_eq!(resources(&project, 0), ["arn:aws:s3:::from-parameter/*"]);
    assert_eq!(resources(&project, 1), ["arn:aws:s3:::aws/*"]);
    assert_eq!(resources(&project, 2), ["arn:aws:s3:::123456789012/*"]);
    let (_, diagnostics) = resolve_text(
        r#"account "123456789012"
let partition = "from-constant"
role s {
  trust service ec2.amazonaws.com
  allow s3:GetObject on arn:aws:s3:::${partition}/*
}
"#,
    );
    // A constant may not take a built-in's name: `${partition}` would mean two partitions in
    // one build (the std-lib's templates read the built-in). The built-in stays.
    assert_eq!(codes(&diagnostics), [Code::DuplicateName]);
}

#[test]
fn constants_see_each_other_in_any_order() {
    let (project, diagnostics) = resolve_text(
        r#"account "123456789012"
let arn = "arn:aws:s3:::${bucket}/*"
let bucket = "b"
role r {
  trust service ec2.amazonaws.com
  allow s3:GetObject on "${arn}"
}
"#,
    );
    assert_eq!(codes(&diagnostics), []);
    assert_eq!(resources(&project.unwrap(), 0), ["arn:aws:s3:::b/*"]);
}

#[test]
fn a_constant_cycle_is_one_error() {
    let (_, diagnostics) = resolve_text(
        r#"account "123456789012"
let a = "${b}"
let b = "${a}"
role r {
  trust service ec2.amazonaws.com
  allow s3:GetObject on arn:aws:s3:::${a}/*
}
"#,
    );
    assert_eq!(codes(&diagnostics), [Code::Cycle], "{diagnostics:#?}");
}

#[test]
fn std_lib_modules_have_their_own_namespace() {
    // Without `import`, a module's templates are not visible.
    let (_, diagnostics) = resolve_text(
        r#"account "123456789012"
role r {
  use ec2.service_trust()
}
"#,
    );
    assert_eq!(
        codes(&diagnostics),
        [Code::UnknownModule],
        "{diagnostics:#?}"
    );
    // With it, they are, and the project's constants do not leak into the module.
    let (project, diagnostics) = resolve_text(
        r#"account "123456789012"
import ec2
role r {
  use ec2.service_trust()
  allow s3:GetObject on *
}
"#,
    );
    assert_eq!(codes(&diagnostics), []);
    assert_eq!(project.unwrap().roles[0].trust.len(), 1);
}

#[test]
fn builtins_are_always_defined() {
    let (project, diagnostics) = resolve_text(
        r#"account "123456789012"
role r {
  trust service ec2.amazonaws.com
  allow s3:GetObject on arn:${partition}:s3:::${account}/*
}
"#,
    );
    assert_eq!(codes(&diagnostics), []);
    assert_eq!(
        resources(&project.unwrap(), 0),
        ["arn:aws:s3:::123456789012/*"]
    );
}

/// A tree shared with another compilation is read in place and one held only here is taken
/// apart; either way the project and the diagnostics are the same, in the same order.
#[test]
fn shared_trees_resolve_as_owned_ones_do() {
    let project = [
        "env dev {\n  account \"123456789012\"\n}\nlet bucket = \"b\"\n",
        "template read(bucket) { allow s3:GetObject on arn:aws:s3:::${bucket}/* }\nboundary B { allow s3:* on * }\n",
        "import s3\nrole r {\n  trust service ec2.amazonaws.com\n  boundary B\n  use read(\"x\")\n}\nrole r2 {\n  trust service lambda.amazonaws.com\n  use s3.read_only(bucket)\n}\n",
    ];
    let run = |texts: &[&str], shared: [bool; 3]| {
        let mut sources = Sources::new();
        let mut files = Vec::new();
        let mut held = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            let id = sources.add(format!("f{i}.iamx"), text.to_string());
            let tree = Arc::new(parse::parse(id, &sources.get(id).text).expect("parses"));
            if shared[i] {
                held.push(Arc::clone(&tree));
            }
            files.push((id, tree));
        }
        let (project, diagnostics) = resolve(files, Some("dev"), &mut sources);
        // The shared trees are untouched.
        assert!(held.iter().all(|tree| !tree.items.is_empty()));
        (project.map(|p| format!("{p:?}")), diagnostics)
    };
    let (owned, diagnostics) = run(&project, [false; 3]);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert!(owned.as_ref().is_some_and(|p| p.contains("r2")));
    // A second `env dev` and a role named twice: errors, in an order that must not change.
    let first = format!("{}env dev {{\n  account \"1\"\n}}\n", project[0]);
    let last = format!(
        "{}role r {{\n  trust service ec2.amazonaws.com\n}}\n",
        project[2]
    );
    let broken = [first.as_str(), project[1], last.as_str()];
    let (none, errors) = run(&broken, [false; 3]);
    assert!(none.is_none());
    assert_eq!(codes(&errors).len(), 2, "{errors:?}");
    for shared in [[true; 3], [false, true, false], [true, false, true]] {
        assert_eq!(run(&project, shared).0, owned, "{shared:?}");
        let (_, shared_errors) = run(&broken, shared);
        assert_eq!(
            format!("{shared_errors:?}"),
            format!("{errors:?}"),
            "{shared:?}"
        );
    }
}

/// Each role is resolved apart, on all cores: a constant that fails is reported once, at its
/// definition, the same on every run, however many roles use it; one that no block uses is
/// reported too (a mistake in a declaration is one whether or not anything reads it).
#[test]
fn a_failing_constant_is_reported_once_however_many_roles_use_it() {
    use crate::compile::pipeline::{compile, Input, Options};
    let mut text = String::from(
        "account \"123456789012\"\nlet bucket = \"${nope}\"\nlet unused = \"${nothing}\"\n",
    );
    for i in 0..300 {
        text.push_str(&format!(
            "role service-{i} {{\n  trust service ec2.amazonaws.com\n  allow s3:GetObject on arn:aws:s3:::${{bucket}}/{i}\n}}\n"
        ));
    }
    let run = || {
        let input = Input {
            name: "main.iamx".into(),
            bytes: text.clone().into_bytes(),
        };
        compile(vec![input], &Options::default()).diagnostics
    };
    let diagnostics = run();
    assert_eq!(diagnostics.len(), 2, "{diagnostics:?}");
    assert!(diagnostics.iter().all(|d| d.code == Code::UnknownConstant));
    assert!(diagnostics[0].message.contains("`nope`"));
    assert!(diagnostics[1].message.contains("`nothing`"));
    for _ in 0..3 {
        assert_eq!(run(), diagnostics);
    }
}

/// An unknown bare word is most often text without its quotes, so its help offers quoting;
/// inside `${...}` it can only be a name.
#[test]
fn an_unknown_bare_word_is_offered_its_quotes() {
    let help = |value: &str| {
        let text = format!(
            "account \"123456789012\"\nrole r {{\n  trust service ec2.amazonaws.com\n  allow s3:* on *\n  tag team = {value}\n}}\n"
        );
        let (_, diagnostics) = resolve_text(&text);
        assert_eq!(codes(&diagnostics), [Code::UnknownConstant], "{value}");
        diagnostics[0].help.clone().unwrap_or_default()
    };
    assert!(help("platform").contains("quote it: `\"platform\"`"));
    let interpolated = help("\"${platform}\"");
    assert!(!interpolated.contains("quote"), "{interpolated}");
    assert!(interpolated.contains("let platform"), "{interpolated}");
}
