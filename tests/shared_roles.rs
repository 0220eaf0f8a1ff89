//! `diff` lowers the old version first and the new one takes from it each role whose file, and
//! the text outside every file's role blocks, are unchanged (`compile::lower::shared`). What
//! the new version compiles to must be what compiling it alone gives, byte for byte (its
//! documents with every span, its roles' records, its diagnostics), whatever changed; and the
//! roles must be taken where nothing they read changed, or the sharing would save nothing.

use iamx::compile::lower::Sharing;
use iamx::compile::{self, lower_parsed_sharing, parse_inputs, Compilation, Input, Options};

const MAIN: &str = r#"account "123456789012"
import s3
let bucket = "acme-data"
let team = "data"

template reader(prefix) {
  allow s3:GetObject on arn:aws:s3:::${bucket}/${prefix}/*
}

boundary Service {
  allow s3:*, sqs:* on *
  deny iam:* on *
}

delegate Teams {
  to role "developer"
  boundary Service
  prefix "service-"
  pass_to ec2.amazonaws.com
}
"#;

const APPS: &str = r#"// Applications
import s3

role service-a {
  boundary Service
  trust service ec2.amazonaws.com
  use reader("a")
  tag team = team
}

// The second one.
role service-b {
  boundary Service
  trust service ec2.amazonaws.com
  allow sqs:SendMessage on arn:aws:sqs:*:${account}:service-b
  use s3.read_prefix("acme-shared", "b")
}

role service-c {
  boundary Service
  trust service lambda.amazonaws.com
  use reader("c")
}
"#;

const JOBS: &str = r#"role service-job {
  boundary Service
  trust service ec2.amazonaws.com
  allow s3:PutObject on arn:aws:s3:::${bucket}/jobs/*
}

/* between */

role service-cron {
  boundary Service
  trust service ec2.amazonaws.com
  use reader("cron")
}
"#;

fn inputs(files: &[(&str, &str)]) -> Vec<Input> {
    (files.iter())
        .map(|(name, text)| Input {
            name: name.to_string(),
            bytes: text.as_bytes().to_vec(),
        })
        .collect()
}

fn project(main: &str, apps: &str, jobs: &str) -> Vec<Input> {
    inputs(&[
        ("apps.iamx", apps),
        ("jobs.iamx", jobs),
        ("main.iamx", main),
    ])
}

fn errors_only(environment: Option<&str>) -> Options {
    Options {
        errors_only: true,
        environment: environment.map(str::to_string),
        ..Default::default()
    }
}

/// A compilation as a text that holds all of it: diagnostics, documents with their origins'
/// spans, roles' records.
fn text(compilation: &Compilation) -> String {
    format!(
        "{:#?}\n{:#?}",
        compilation.diagnostics, compilation.compiled
    )
}

/// The new version compiled as `diff` does, taking from the old one: its text, and how many
/// roles it took. Old and new are compiled with `old_options` and `new_options`.
fn shared_with(
    old: Vec<Input>,
    new: Vec<Input>,
    old_options: &Options,
    new_options: &Options,
) -> (String, usize) {
    let old_parsed = parse_inputs(old, None, 2);
    let new_parsed = parse_inputs(new, Some(&old_parsed), 2);
    let old_lowered = lower_parsed_sharing(old_parsed, old_options, Sharing::Offer);
    let new_lowered = lower_parsed_sharing(new_parsed, new_options, old_lowered.offered());
    let taken = new_lowered.roles_taken();
    (text(&new_lowered.checked(new_options, None)), taken)
}

/// [`shared_with`] for one environment (or none), with `errors_only` as `diff` has it; checks
/// that the result is the new version compiled alone, and gives the roles taken.
fn taken(old: Vec<Input>, new: Vec<Input>, environment: Option<&str>) -> usize {
    let options = errors_only(environment);
    let alone = text(&compile::compile(new.clone(), &options));
    let (shared, taken) = shared_with(old, new, &options, &options);
    assert_eq!(
        shared, alone,
        "taking roles changed what the version compiles to"
    );
    taken
}

/// The old version's own compilation, to show a change reached the roles that were not taken.
fn alone(files: Vec<Input>) -> String {
    text(&compile::compile(files, &errors_only(None)))
}

#[test]
fn the_same_version_takes_every_role() {
    let same = || project(MAIN, APPS, JOBS);
    assert!(compile::compile(same(), &Options::default())
        .compiled
        .is_some());
    assert_eq!(taken(same(), same(), None), 5);
}

#[test]
fn roles_of_unchanged_files_are_taken_and_the_changed_file_is_lowered() {
    let old = || project(MAIN, APPS, JOBS);
    let jobs = JOBS.replace("s3:PutObject", "s3:{PutObject, DeleteObject}");
    assert_eq!(taken(old(), project(MAIN, APPS, &jobs), None), 3);
    // A role that grew moves the comments and white space after it: they hold nothing.
    let jobs = JOBS.replace("/* between */", "/* between,\n   and longer */\n\n");
    assert_eq!(taken(old(), project(MAIN, APPS, &jobs), None), 3);
    let apps = APPS.replace(
        "use reader(\"c\")",
        "use reader(\"c\")\n  use reader(\"d\")",
    );
    assert_eq!(taken(old(), project(MAIN, &apps, JOBS), None), 2);
    // A role added, one removed.
    let added = format!(
        "{JOBS}\nrole service-new {{\n  boundary Service\n  trust service ec2.amazonaws.com\n}}\n"
    );
    assert_eq!(taken(old(), project(MAIN, APPS, &added), None), 3);
    let removed = &JOBS[..JOBS.find("/* between */").unwrap()];
    assert_eq!(taken(old(), project(MAIN, APPS, removed), None), 3);
}

#[test]
fn nothing_is_taken_when_what_roles_read_changed() {
    let old = || project(MAIN, APPS, JOBS);
    // A constant, a template, a boundary and a delegation the roles read, each changed in a
    // file with no role: every role is lowered again, and the change reaches them.
    for (from, to) in [
        ("let team = \"data\"", "let team = \"analytics\""),
        ("${bucket}/${prefix}/*", "${bucket}/${prefix}/v2/*"),
        ("deny iam:* on *", "deny iam:*, sts:* on *"),
        ("prefix \"service-\"", "prefix \"svc-\""),
        ("account \"123456789012\"", "account \"210987654321\""),
    ] {
        let main = MAIN.replace(from, to);
        assert_ne!(main, MAIN);
        let new = || project(&main, APPS, JOBS);
        assert_eq!(taken(old(), new(), None), 0, "{from} -> {to}");
        assert_ne!(alone(new()), alone(old()), "{from} -> {to} changes nothing");
    }
    // The same items one line lower: the roles' origins in the template move with them.
    let lower = MAIN.replace("template reader", "\ntemplate reader");
    assert_eq!(taken(old(), project(&lower, APPS, JOBS), None), 0);
    assert_ne!(alone(project(&lower, APPS, JOBS)), alone(old()));
    // A `let` moved into the roles' file, out of the file that had it.
    let main = MAIN.replace("let team = \"data\"\n", "");
    let apps = format!("{APPS}let team = \"data\"\n");
    assert_eq!(taken(old(), project(&main, &apps, JOBS), None), 0);
    // Another file: the std-lib modules' file ids follow the project's files.
    let mut more = project(MAIN, APPS, JOBS);
    more.push(inputs(&[("zz.iamx", "// nothing yet\n")]).remove(0));
    assert_eq!(taken(old(), more, None), 0);
}

#[test]
fn an_error_in_either_version_is_reported_as_alone() {
    // The old version does not compile: it offers nothing.
    let broken_jobs = JOBS.replace("s3:PutObject", "s3:PutObjekt");
    let broken = || project(MAIN, APPS, &broken_jobs);
    assert!(compile::compile(broken(), &errors_only(None))
        .compiled
        .is_none());
    assert_eq!(taken(broken(), project(MAIN, APPS, JOBS), None), 0);
    // The new one has an error in a changed file, or a name its changed file takes from a
    // role of an unchanged one: the same errors as alone.
    taken(project(MAIN, APPS, JOBS), broken(), None);
    let twin = JOBS.replace("role service-cron", "role service-a");
    let report = alone(project(MAIN, APPS, &twin));
    assert!(report.contains("service-a"), "{report}");
    taken(project(MAIN, APPS, JOBS), project(MAIN, APPS, &twin), None);
}

#[test]
fn roles_are_taken_only_in_the_same_environment_and_when_only_errors_are_asked() {
    let envs = "env dev { account \"111111111111\" }\nenv prod { account \"222222222222\" }\n";
    let main = MAIN.replace("account \"123456789012\"\n", envs);
    let version = || project(&main, APPS, JOBS);
    assert_eq!(taken(version(), version(), Some("prod")), 5);
    let (dev, prod) = (errors_only(Some("dev")), errors_only(Some("prod")));
    let (shared, taken) = shared_with(version(), version(), &dev, &prod);
    assert_eq!(taken, 0);
    assert_eq!(shared, text(&compile::compile(version(), &prod)));
    // With warnings asked for, a taken role would lose its own.
    let warnings = Options::default();
    let (_, taken) = shared_with(version(), version(), &warnings, &warnings);
    assert_eq!(taken, 0);
}
