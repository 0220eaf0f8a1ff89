//! What `iamx` prints does not depend on how many threads it runs on: the roles are resolved,
//! lowered and checked in parallel runs (`compile::lower`), each role apart, and the
//! diagnostics of all of them sorted and kept once. A project large enough for several runs,
//! with errors and warnings in many roles, is checked, verified and built with one thread and
//! with three, and every output compared byte for byte.

mod common;

use common::{iamx, read_tree, write_file};
use tempfile::TempDir;

/// A project of `roles` roles over two boundaries: clean, or with errors spread through it (a
/// failing constant used by every fifth role, unknown boundaries and templates, a template
/// whose body fails in each role that uses it).
fn project(dir: &std::path::Path, roles: usize, broken: bool) -> String {
    let mut main = String::from(
        "account \"123456789012\"\n\
         let bucket = \"acme-data\"\n\
         boundary Data { allow s3:*, sqs:* on * }\n\
         boundary Queues {\n  allow s3:*, sqs:* on *\n  deny iam:* on *\n}\n\
         template reader(prefix) {\n  allow s3:GetObject on arn:aws:s3:::${bucket}/${prefix}/*\n}\n",
    );
    if broken {
        main.push_str("let broken = \"${missing}\"\n");
        main.push_str(
            "template bad(prefix) {\n  allow s3:GetObject on arn:aws:s3:::${nope}/${prefix}\n}\n",
        );
    }
    write_file(dir, "main.iamx", &main);
    let mut roles_text = String::new();
    for i in 0..roles {
        let boundary = if i % 2 == 0 { "Data" } else { "Queues" };
        roles_text.push_str(&format!(
            "role service-{i} {{\n  boundary {boundary}\n  trust service ec2.amazonaws.com\n  use reader(\"app-{i}\")\n  allow sqs:SendMessage on arn:aws:sqs:eu-west-1:123456789012:q-{i}\n"
        ));
        if broken {
            match i % 5 {
                0 => roles_text.push_str("  allow s3:PutObject on arn:aws:s3:::${broken}/x\n"),
                1 if i % 3 == 0 => roles_text.push_str("  boundary Nowhere\n"),
                2 => roles_text.push_str("  use bad(\"y\")\n"),
                3 if i % 7 == 0 => roles_text.push_str("  use missing_template()\n"),
                _ => roles_text.push_str("  allow s3:GetObjekt on *\n"),
            }
        }
        roles_text.push_str("}\n");
    }
    write_file(dir, "roles.iamx", &roles_text);
    dir.to_string_lossy().into_owned()
}

/// stdout, stderr and the exit code of `iamx ARGS` on `threads` threads.
fn run(threads: usize, args: &[&str]) -> (Vec<u8>, Vec<u8>, Option<i32>) {
    let output = iamx()
        .env("RAYON_NUM_THREADS", threads.to_string())
        .args(args)
        .output()
        .unwrap();
    (output.stdout, output.stderr, output.status.code())
}

#[test]
fn errors_are_reported_alike_on_one_thread_and_on_several() {
    let temp = TempDir::new().unwrap();
    let dir = project(temp.path(), 700, true);
    for args in [
        vec!["check", &dir, "--color", "never"],
        vec!["check", &dir, "--format", "json"],
        vec!["verify", &dir, "--format", "json"],
    ] {
        let one = run(1, &args);
        assert_eq!(one.2, Some(1), "{args:?} finds the errors");
        let text = String::from_utf8_lossy(&one.0).into_owned() + &String::from_utf8_lossy(&one.1);
        // The failing constant: once, not once per role that uses it.
        assert_eq!(text.matches("`missing`").count(), 1, "{args:?}: {text}");
        assert_eq!(run(3, &args), one, "{args:?}");
    }
}

#[test]
fn builds_are_alike_on_one_thread_and_on_several() {
    let temp = TempDir::new().unwrap();
    let dir = project(&temp.path().join("src"), 700, false);
    let one = temp.path().join("one");
    let three = temp.path().join("three");
    for (threads, out) in [(1, &one), (3, &three)] {
        let out = out.to_string_lossy().into_owned();
        let (_, stderr, code) = run(threads, &["build", &dir, "-o", &out]);
        assert_eq!(code, Some(0), "{}", String::from_utf8_lossy(&stderr));
    }
    assert_eq!(read_tree(&one), read_tree(&three));
}

/// Many JSON policy files are checked on all cores (`checks::json::check_files`), and reported
/// in the order given: with one thread and with three, and as each file checked on its own.
#[test]
fn json_files_are_reported_in_order_on_one_thread_and_on_several() {
    let temp = TempDir::new().unwrap();
    let mut paths = Vec::new();
    for i in 0..150 {
        let text = match i % 6 {
            // Clean.
            0 => format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b-{i}/*"}}]}}"#
            ),
            // An unknown service, named twice: the suggestion is remembered.
            1 => format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["s4:GetObject","s4:PutObject"],"Resource":"arn:aws:s3:::b-{i}/*"}}]}}"#
            ),
            // Not JSON.
            2 => format!("{{\"Version\": \"2012-10-17\", \"Statement\": [ {i}"),
            // A misspelt action and a resource of the wrong type.
            3 => format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObjekt","Resource":"arn:aws:s3:::b-{i}"}}]}}"#
            ),
            // Every action on everything.
            4 => r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#.to_string(),
            // Not UTF-8: refused before reading.
            _ => String::new(),
        };
        let name = format!("policy-{i:03}.json");
        let path = temp.path().join(&name);
        if i % 6 == 5 {
            std::fs::write(&path, b"{\"Version\": \"\xff\"}").unwrap();
        } else {
            write_file(temp.path(), &name, &text);
        }
        paths.push(path.to_string_lossy().into_owned());
    }
    let mut args = vec!["check", "--color", "never", "--kind", "identity"];
    args.extend(paths.iter().map(String::as_str));
    let one = run(1, &args);
    assert_eq!(one.2, Some(1), "the broken files are errors");
    assert_eq!(run(3, &args), one);
    // Each file on its own gives the same diagnostics, in the same order: the output of all of
    // them is each one's, less its summary line, one after another.
    let mut each = String::new();
    for path in &paths {
        let (_, stderr, _) = run(
            1,
            &["check", "--color", "never", "--kind", "identity", path],
        );
        let stderr = String::from_utf8(stderr).unwrap();
        let body = stderr
            .trim_end()
            .rsplit_once('\n')
            .map_or("", |(body, _)| body);
        if !body.is_empty() {
            each.push_str(body);
            each.push('\n');
        }
    }
    let all = String::from_utf8(one.1).unwrap();
    let (all_body, summary) = all.trim_end().rsplit_once('\n').unwrap();
    let all_body = format!("{all_body}\n");
    let differs = (all_body.lines().zip(each.lines())).position(|(a, b)| a != b);
    assert!(
        all_body == each,
        "line {differs:?} differs; {} lines against {}",
        all_body.lines().count(),
        each.lines().count()
    );
    assert!(summary.starts_with("checked 150 files"), "{summary}");
}
