//! Unit tests of name resolution: scopes, constant cycles and namespaces, on small in-memory
//! projects (the golden diagnostics cover the rendered messages).

use super::resolve;
use crate::compile::ir::Project;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Sources;
use crate::syntax::parse;

fn resolve_text(text: &str) -> (Option<Project>, Vec<Diagnostic>) {
    let mut sources = Sources::new();
    let id = sources.add("main.iamx".to_string(), text.to_string());
    let file = parse::parse(id, &sources.get(id).text).expect("the test source parses");
    resolve(vec![(id, file)], None, &mut sources)
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
