//! Import: IAM JSON to idiomatic `.iamx` source, checked by compiling it back.
//!
//! In: named JSON texts, each either one policy document (an identity policy or a role's trust
//! policy) or the output of `aws iam get-account-authorization-details` (GAAD). Out: one `.iamx`
//! source text (built as an AST, printed by [`crate::syntax::format::print`] and laid out by
//! [`crate::syntax::format::format`] once the account's ARNs are templated), or errors that name
//! the document and statement that cannot be expressed.
//!
//! The guarantee: the source compiles, and every compiled document grants exactly the access of
//! the document it came from. [`import`] checks this itself with an [`Equivalence`] oracle
//! ([`CanonicalEquality`]: equal after [`PolicyDocument::canonicalize`]; or
//! [`AccessEquality`]: canonical equality as the fast path, otherwise the reasoning engine must
//! prove that each document allows everything the other does).
//! Nothing is dropped silently: what the language cannot say exactly is an error. (An empty Sid
//! is dropped, from the original the check compares with too: to IAM it is no Sid.)

use crate::compile::output::{Compiled, DocumentKind};
use crate::compile::{compile, Input, Options};
use crate::diagnostics::Diagnostic;
use crate::iam::json;
use crate::iam::operators::{Comparison, ConditionOperator, Family, SetQualifier};
use crate::iam::policy::{self, PolicyDocument, Principal};
use crate::source::{FileId, Span, Spanned};
use crate::syntax::ast::*;
use std::borrow::Cow;
use std::collections::BTreeMap;

mod carry;
mod documents;
mod exports;
mod inputs;
mod portable;

pub use documents::sanitize_name;
use documents::*;

/// Decides whether an imported document grants the same access as the original.
pub trait Equivalence {
    /// `Ok` when `imported` is equivalent to `original`; otherwise why not.
    fn check(&self, original: &PolicyDocument, imported: &PolicyDocument) -> Result<(), String>;
}

/// The strictest oracle: the two documents are equal once canonicalized (lists sorted and
/// de-duplicated, statement order kept).
pub struct CanonicalEquality;

impl Equivalence for CanonicalEquality {
    fn check(&self, original: &PolicyDocument, imported: &PolicyDocument) -> Result<(), String> {
        let mut a = original.clone();
        let mut b = imported.clone();
        a.canonicalize();
        b.canonicalize();
        if a == b {
            Ok(())
        } else {
            Err(format!(
                "the documents differ after canonicalization\n--- original\n{}--- compiled from the import\n{}",
                a.to_canonical_json(),
                b.to_canonical_json()
            ))
        }
    }
}

/// Canonical equality first; when that fails, the documents must allow exactly the same
/// requests, proved with the reasoning engine in both directions ([`crate::diff::compare_access`],
/// which also compares principals of trust policies). Anything the engine cannot decide counts
/// as a difference, so this never accepts what it has not proved.
pub struct AccessEquality;

impl Equivalence for AccessEquality {
    fn check(&self, original: &PolicyDocument, imported: &PolicyDocument) -> Result<(), String> {
        let Err(textual) = CanonicalEquality.check(original, imported) else {
            return Ok(());
        };
        if original.version != imported.version {
            return Err(textual);
        }
        // IAM matches action names ignoring case (`.iamx` writes service prefixes in lowercase):
        // documents equal once actions are lowercased grant the same access, which is cheaper
        // to see than to prove (and some large documents are beyond the engine's state cap).
        if CanonicalEquality
            .check(&actions_lowercased(original), &actions_lowercased(imported))
            .is_ok()
        {
            return Ok(());
        }
        // A build divides a statement too large for a managed policy into statements over
        // parts of its action (or resource) list; merged back, the two must be equal.
        if CanonicalEquality
            .check(
                &merged(&actions_lowercased(original)),
                &merged(&actions_lowercased(imported)),
            )
            .is_ok()
        {
            return Ok(());
        }
        let access = crate::diff::compare_access(Some(original), Some(imported));
        if access.is_empty() {
            return Ok(());
        }
        let mut why = Vec::new();
        for (label, entries) in [
            ("only the original allows", &access.removed),
            ("only the import allows", &access.added),
        ] {
            for entry in entries {
                if let Some(example) = &entry.example {
                    why.push(format!("{label} {example}"));
                }
            }
        }
        // Never a success: what the engine cannot decide is reported, with the statement and
        // the reason (the diff's "old" side is the original, its "new" side the import).
        why.extend(access.undecided.iter().map(|u| {
            let u = u
                .replacen("old statement", "the original's statement", 1)
                .replacen("new statement", "the import's statement", 1);
            format!("undecided (counted as a difference): {u}")
        }));
        Err(format!("{}\n{textual}", why.join("\n")))
    }
}

/// The document with its Sids dropped and statements that differ only in their `Action` list
/// (then only in their `Resource` list) merged into one: the same access, since a statement over
/// `A ∪ B` allows or denies exactly what one over `A` and one over `B` do.
fn merged(document: &PolicyDocument) -> PolicyDocument {
    let mut statements: Vec<policy::Statement> = document
        .statements
        .iter()
        .cloned()
        .map(|mut s| {
            s.sid = None;
            s
        })
        .collect();
    for by_actions in [true, false] {
        let mut out: Vec<policy::Statement> = Vec::new();
        for statement in statements {
            let list = |s: &policy::Statement| {
                if by_actions {
                    s.action.clone()
                } else {
                    s.resource.clone()
                }
            };
            let rest = |s: &policy::Statement| {
                let mut s = s.clone();
                if by_actions {
                    s.action = None;
                } else {
                    s.resource = None;
                }
                s
            };
            let mergeable = list(&statement).is_some();
            match out
                .iter_mut()
                .find(|o| mergeable && list(o).is_some() && rest(o) == rest(&statement))
            {
                Some(existing) => {
                    let extra = list(&statement).unwrap_or_default();
                    let target = if by_actions {
                        &mut existing.action
                    } else {
                        &mut existing.resource
                    };
                    target.get_or_insert_with(Vec::new).extend(extra);
                }
                None => out.push(statement),
            }
        }
        statements = out;
    }
    PolicyDocument {
        statements,
        ..document.clone()
    }
}

/// A role or user whose policies exceed its boundary is a normal AWS pattern (a broad inline
/// policy narrowed by the boundary), and the account runs that way today: the import keeps it
/// as it is and says so next to the block, with a suppression `build` and `check` honour
/// (E0501, named explicitly as security findings require), instead of a first build that fails.
fn excuse_boundary_escapes(source: String, compiled: &Compiled, notes: &mut Vec<String>) -> String {
    let report = crate::verify::verify_compiled(compiled);
    let escaping: Vec<(String, String)> = report
        .subjects
        .iter()
        .filter(|s| s.verdict == crate::verify::Verdict::Violated)
        .filter(|s| s.kind == "role" || s.kind == "user")
        .map(|s| (s.kind.clone(), s.name.clone()))
        .collect();
    if escaping.is_empty() {
        return source;
    }
    let mut out = String::with_capacity(source.len() + 200 * escaping.len());
    for line in source.split_inclusive('\n') {
        let head = line.trim_end();
        if let Some((kind, name)) = escaping.iter().find(|(kind, name)| {
            head == format!("{kind} {name} {{") || head == format!("{kind} \"{name}\" {{")
        }) {
            out.push_str(&format!(
                "// iamx:allow E0501 \"imported as the account has it: this {kind}'s policies allow more than its boundary, which is what limits it\"\n"
            ));
            notes.push(format!(
                "{kind} `{name}`: its policies allow more than its boundary in the original account; the import keeps them and excuses E0501 with `// iamx:allow` (narrow them to remove it)"
            ));
        }
        out.push_str(line);
    }
    out
}

/// Says, above each statement that names actions the catalog snapshot does not know, which
/// they are and why they are quoted: a quoted action is taken as written, unchecked, so a reader
/// should know it was not a typo the import let through. The source is the printed import,
/// parsed again to find the statements (each starts a line of its own).
fn annotate_unchecked(source: String) -> String {
    let Ok(file) = crate::syntax::parse::parse(FileId(0), &source) else {
        return source;
    };
    let catalog = crate::catalog::Catalog::get();
    let mut inserts: Vec<(usize, String)> = Vec::new();
    for item in &file.items {
        let Item::Block(block) = item else { continue };
        for member in &block.node.members {
            let (actions, span) = match member {
                Member::Statement(s) => (&s.node.actions, s.span),
                Member::Trust(t) => (&t.node.actions, t.span),
                _ => continue,
            };
            let mut services: Vec<(String, Vec<&str>)> = Vec::new();
            let mut unknown_actions: Vec<&str> = Vec::new();
            for action in actions {
                let Action::Unchecked(text) = &action.node else {
                    continue;
                };
                // Quoted only because the grammar cannot write it bare (`"*:Get*"`).
                if catalog.matches_any_action(text) {
                    continue;
                }
                let service = crate::catalog::split_service(text)
                    .map_or(text.as_str(), |(service, _)| service);
                let service = service.to_lowercase();
                if catalog.service(&service).is_some() {
                    unknown_actions.push(text);
                } else {
                    match services.iter_mut().find(|(s, _)| *s == service) {
                        Some((_, list)) => list.push(text),
                        None => services.push((service, vec![text])),
                    }
                }
            }
            if services.is_empty() && unknown_actions.is_empty() {
                continue;
            }
            let quoted = |list: &[&str]| {
                list.iter()
                    .map(|a| format!("\"{a}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut parts: Vec<String> = services
                .iter()
                .map(|(service, list)| format!("unknown service `{service}` ({})", quoted(list)))
                .collect();
            if !unknown_actions.is_empty() {
                let word = if unknown_actions.len() == 1 {
                    "action"
                } else {
                    "actions"
                };
                parts.push(format!("unknown {word} {}", quoted(&unknown_actions)));
            }
            let start = span.start as usize;
            let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
            let indent: String = source[line_start..start]
                .chars()
                .take_while(|c| c.is_whitespace())
                .collect();
            inserts.push((
                line_start,
                format!(
                    "{indent}// not in iamx's AWS catalog snapshot (retired, or newer than it), so quoted and kept as written: {}\n",
                    parts.join("; ")
                ),
            ));
        }
    }
    let mut out = source;
    for (at, comment) in inserts.into_iter().rev() {
        out.insert_str(at, &comment);
    }
    out
}

fn actions_lowercased(document: &PolicyDocument) -> PolicyDocument {
    let mut document = document.clone();
    for statement in &mut document.statements {
        for list in [&mut statement.action, &mut statement.not_action]
            .into_iter()
            .flatten()
        {
            for action in list.iter_mut() {
                *action = action.to_lowercase();
            }
        }
    }
    document
}

/// A successful import: the source and notes about choices made (merged inline policies, ...).
#[derive(Debug, Clone)]
pub struct Imported {
    pub source: String,
    pub notes: Vec<String>,
    /// How many documents were checked against their originals.
    pub checked: usize,
}

/// What one input document becomes, so the check can find its compiled counterpart.
#[derive(Debug, Clone)]
struct Expectation {
    /// For messages: `file.json`, `role x (trust)`, ...
    what: String,
    kind: DocumentKind,
    /// The policy name, or the owner's name for trust and inline documents.
    name: String,
    original: PolicyDocument,
}

struct Importer {
    items: Vec<Item>,
    expectations: Vec<Expectation>,
    errors: Vec<String>,
    notes: Vec<String>,
    account: Option<String>,
    partition: Option<String>,
    /// The blocks so far by IAM namespace and lowercased name: the input each came from, its
    /// kind and its name as written.
    declared: BTreeMap<(&'static str, String), (String, &'static str, String)>,
    /// The documents written as 2012-10-17 that had no `Version` or `2008-10-17`, for one
    /// note.
    versions: Vec<String>,
}

/// Imports the inputs (name, JSON text) and checks the result with `oracle`.
pub fn import(
    inputs: &[(String, String)],
    oracle: &dyn Equivalence,
) -> Result<Imported, Vec<String>> {
    let mut importer = Importer {
        items: Vec::new(),
        expectations: Vec::new(),
        errors: Vec::new(),
        notes: Vec::new(),
        account: None,
        partition: None,
        declared: BTreeMap::new(),
        versions: Vec::new(),
    };
    let mut accounts = BTreeMap::new();
    // Read in two passes: the pages of an account export are one account, whose attachments
    // and boundaries name policies on other pages, so every export is read before any entity
    // becomes a block; blocks keep the order of the inputs.
    let mut read: Vec<(usize, json::Json<'_>)> = Vec::new();
    let mut exports: Vec<exports::Export> = Vec::new();
    let mut export_inputs: Vec<usize> = Vec::new();
    for (index, (name, text)) in inputs.iter().enumerate() {
        let file = FileId(index as u32);
        if inputs[..index].iter().any(|(earlier, _)| earlier == name) {
            importer.errors.push(format!("{name}: given twice"));
            continue;
        }
        if text.len() > crate::iam::gaad::MAX_BYTES {
            importer.errors.push(format!(
                "{name}: {} bytes, over iamx's limit of {} for an input",
                crate::diagnostics::thousands(text.len()),
                crate::diagnostics::thousands(crate::iam::gaad::MAX_BYTES)
            ));
            continue;
        }
        match json::parse(text) {
            Ok(root) => {
                portable::count_accounts(&root, &mut accounts);
                if crate::iam::gaad::is_gaad(&root) {
                    let (account, diagnostics) = crate::iam::gaad::from_json(file, text, &root);
                    importer.diagnostics(name, text, &diagnostics);
                    if let Some(account) = account {
                        exports.push(exports::Export::new(name, account, &root));
                        export_inputs.push(index);
                    }
                } else {
                    read.push((index, root));
                }
            }
            Err(error) => {
                let d = crate::iam::read::syntax_error(file, text, error, "nested too deep");
                importer.errors.push(diagnostic_text(name, text, &d));
            }
        }
    }
    if let Some(problem) = exports::problem(&exports) {
        return Err(vec![problem]);
    }
    let own = exports::own_policies(&exports);
    let several_pages = exports.len() > 1;
    let mut documents = read.into_iter().peekable();
    for (index, (name, text)) in inputs.iter().enumerate() {
        if let Some(at) = export_inputs.iter().position(|&i| i == index) {
            let export = &exports[at];
            importer.notes.extend(exports::notes(export, several_pages));
            importer.gaad(export, &own);
        } else if let Some((_, root)) = documents.next_if(|(at, _)| *at == index) {
            importer.input(name, FileId(index as u32), text, &root);
        }
    }
    importer.note_carried_versions();
    if !importer.errors.is_empty() {
        return Err(importer.errors);
    }
    // The account the entities were exported from (a GAAD names it), else the one the ARNs
    // name most often: it becomes `${account}` in every ARN, so the import is portable.
    let found = portable::choose_account(&accounts, importer.account.as_deref());
    if importer.account.is_none() {
        if let Some((account, partition, _)) = &found {
            importer.account = Some(account.clone());
            importer.partition = Some(partition.clone());
        }
    }
    if let Some((_, _, Some(note))) = &found {
        importer.notes.push(note.clone());
    }
    let mut items = Vec::new();
    let placeholder = importer.account.is_none();
    items.push(Item::Account(value_str(
        importer.account.as_deref().unwrap_or("000000000000"),
    )));
    if let Some(partition) = &importer.partition {
        if partition != "aws" {
            items.push(Item::Partition(value_str(partition)));
        }
    }
    items.append(&mut importer.items);
    let mut source = crate::syntax::format::print(&File { items });
    if let (Some(account), Some(partition)) = (&importer.account, &importer.partition) {
        source = portable::template_account(&source, account, partition);
    }
    if placeholder {
        source = format!(
            "// The input names no account; set yours here (it only shapes the ARNs of what is declared).\n{source}"
        );
    }
    // The layout is `fmt`'s, decided on the final text: `${account}` is longer than the account
    // it replaces, so a line printed whole may now be too long. A source the formatter refuses
    // is kept as printed; compiling it below says what is wrong.
    if let Ok(formatted) = crate::syntax::format::format(FileId(0), &source) {
        source = formatted;
    }

    let compilation = compile(
        vec![Input {
            name: "imported.iamx".to_string(),
            bytes: source.clone().into_bytes(),
        }],
        &Options::default(),
    );
    let Some(compiled) = &compilation.compiled else {
        return Err(compile_errors(
            &compilation.diagnostics,
            &compilation.sources,
            &importer.declared,
        ));
    };
    let mut errors = Vec::new();
    for expectation in &importer.expectations {
        match find(compiled, expectation) {
            None => errors.push(format!(
                "{}: the imported source has no {} document for `{}`",
                expectation.what,
                expectation.kind.as_str(),
                expectation.name
            )),
            Some(document) => {
                if let Err(reason) = oracle.check(&expectation.original, &document) {
                    errors.push(format!("{}: {reason}", expectation.what));
                }
            }
        }
    }
    if errors.is_empty() {
        let source = annotate_unchecked(source);
        let source = excuse_boundary_escapes(source, compiled, &mut importer.notes);
        Ok(Imported {
            source,
            notes: importer.notes,
            checked: importer.expectations.len(),
        })
    } else {
        Err(errors)
    }
}

/// The errors of a build of the generated source, each as a message about the entity whose
/// block has it: `FILE: role `name`: message, in `line``, with its help. The entities' reading
/// refuses what it knows a build refuses; this names whatever else the build refuses just as
/// directly, without the warnings of a source that is not written anyway.
fn compile_errors(
    diagnostics: &[Diagnostic],
    sources: &crate::source::Sources,
    declared: &BTreeMap<(&'static str, String), (String, &'static str, String)>,
) -> Vec<String> {
    let mut out = Vec::new();
    for d in diagnostics.iter().filter(|d| d.is_error()) {
        let mut text = match &d.primary {
            Some(label) => {
                let file = sources.get(label.span.file);
                let at = label.span.start as usize;
                let line_start = file.text[..at].rfind('\n').map_or(0, |i| i + 1);
                let line_end = file.text[at..]
                    .find('\n')
                    .map_or(file.text.len(), |i| at + i);
                let line = file.text[line_start..line_end].trim();
                // The block: the last line before it that opens one at the left margin.
                let header = file.text[..line_end]
                    .lines()
                    .rev()
                    .find(|l| !l.starts_with([' ', '/', '}']) && l.trim_end().ends_with('{'));
                let entity = header.and_then(|header| {
                    let (kind, rest) = header.split_once(' ')?;
                    let name = rest.trim_end().strip_suffix('{')?.trim().trim_matches('"');
                    declared
                        .values()
                        .find(|(_, k, n)| *k == kind && n == name)
                        .map(|(from, kind, name)| format!("{from}: {kind} `{name}`"))
                });
                let what = entity.unwrap_or_else(|| "the imported source".to_string());
                format!("{what}: {}, in `{line}`", d.message)
            }
            None => format!("the imported source: {}", d.message),
        };
        if let Some(help) = &d.help {
            text.push_str(&format!("\n  = help: {help}"));
        }
        out.push(text);
    }
    if out.is_empty() {
        out.push("the imported source does not compile".to_string());
    }
    out
}

/// The compiled document an expectation is about; for a document the build split over its
/// quota, the union of its parts (the parts together grant what the original did).
fn find<'c>(compiled: &'c Compiled, expectation: &Expectation) -> Option<Cow<'c, PolicyDocument>> {
    let by_name = matches!(
        expectation.kind,
        DocumentKind::Boundary | DocumentKind::ManagedPolicy
    );
    let whole = compiled.documents.iter().find(|d| {
        d.kind == expectation.kind
            && if by_name {
                d.name == expectation.name
            } else {
                d.owner.as_deref() == Some(expectation.name.as_str())
            }
    });
    if let Some(document) = whole {
        return Some(Cow::Borrowed(&document.policy));
    }
    let split = compiled.splits.iter().find(|split| {
        split.kind == expectation.kind
            && if by_name {
                split.name == expectation.name
            } else {
                split.owner.as_deref() == Some(expectation.name.as_str())
            }
    })?;
    let statements = split
        .parts
        .iter()
        .map(|part| compiled.documents.iter().find(|d| &d.name == part))
        .collect::<Option<Vec<_>>>()?
        .into_iter()
        .flat_map(|d| d.policy.statements.iter().cloned())
        .collect();
    Some(Cow::Owned(PolicyDocument::new(statements)))
}

/// A diagnostic about input `name` (whose text is `text`) as one message:
/// `NAME:LINE:COLUMN: message`, then its notes and help.
fn diagnostic_text(name: &str, text: &str, diagnostic: &Diagnostic) -> String {
    let mut out = match &diagnostic.primary {
        Some(label) => {
            let (line, column) = crate::iam::read::line_column(text, label.span.start as usize);
            format!("{name}:{line}:{column}: {}", diagnostic.message)
        }
        None => format!("{name}: {}", diagnostic.message),
    };
    for note in &diagnostic.notes {
        out.push_str(&format!("\n  = note: {note}"));
    }
    if let Some(help) = &diagnostic.help {
        out.push_str(&format!("\n  = help: {help}"));
    }
    out
}
