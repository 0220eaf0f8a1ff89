//! `iamx who-can ACTION RESOURCE` and `iamx can-i PRINCIPAL ACTION RESOURCE`, over a project,
//! a build output directory or an account export (`--gaad FILE`).
//!
//! `who-can` asks every role and user of the source and lists those that may make the request,
//! with the statements that decided (boundaries applied, explicit denies honoured). `can-i` is
//! `explain` for one principal named by name or ARN. The principals and their policies come
//! from `iamx::verify::account`; this file reads arguments and prints.
//!
//! Exit codes: 0 an answer was given, 1 input errors, 2 usage. With `--exit-code`: `who-can`
//! exits 1 when nobody may, `can-i` when the principal may not, and both 3 when that is not
//! known (the answer turns on a policy the source does not hold, such as an unread boundary).

use super::explain::{answer, load, request_of, ContextValues, Loaded};
use super::output::{errln, outln};
use super::{report, Exit, Format};
use iamx::reason::{Decision, Request, StatementRef};
use iamx::verify::account::{NotFound, StatementInfo};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The request and where its principals come from, the same for both commands.
#[derive(clap::Args)]
pub struct Question {
    /// The action, `service:Name`.
    action: String,
    /// The resource ARN (or `*`).
    resource: String,
    /// A project's .iamx files or directories, or one build output directory.
    paths: Vec<PathBuf>,
    /// The roles and users of an account export (`aws iam get-account-authorization-details`),
    /// instead of project paths.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["paths", "env"])]
    gaad: Option<PathBuf>,
    /// The environment to ask about (an `env` block of the project, a directory of the output).
    #[arg(long)]
    env: Option<String>,
    #[command(flatten)]
    config: super::config::ConfigFlags,
    /// A request context value, `KEY=VALUE`; repeat a key for a multivalued key.
    #[arg(long, value_name = "KEY=VALUE")]
    context: Vec<String>,
}

#[derive(clap::Args)]
pub struct WhoCanArgs {
    #[command(flatten)]
    question: Question,
    /// Exit 1 when no principal may make the request, 3 when some answers are not known.
    #[arg(long)]
    exit_code: bool,
    /// `text`: one block per principal that may; `json`: one object.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(clap::Args)]
pub struct CanIArgs {
    /// The role or user: a name, an ARN, or an assumed-role session ARN.
    principal: String,
    #[command(flatten)]
    question: Question,
    /// Make the decision the exit code: 0 when allowed, 1 when denied, 3 when not known.
    #[arg(long)]
    exit_code: bool,
    /// `text`: the decision and the deciding statements; `json`: the same as one object.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// The request of a question, and the account it is asked of.
fn ask(question: &Question) -> Result<(Request, ContextValues, Loaded), Exit> {
    let (request, values) = request_of(&question.action, &question.resource, &question.context)?;
    let loaded = load(
        &question.paths,
        question.env.as_deref(),
        question.gaad.as_deref(),
        &question.config,
    )?;
    Ok((request, values, loaded))
}

#[derive(Serialize)]
struct Allowed {
    kind: &'static str,
    name: String,
    arn: String,
    deciding: Vec<StatementInfo>,
    notes: Vec<String>,
}

pub fn who_can(args: WhoCanArgs) -> Exit {
    let (request, values, mut loaded) = match ask(&args.question) {
        Ok(asked) => asked,
        Err(exit) => return exit,
    };
    let answers = loaded.account.answer_all(&request, &mut loaded.read);
    let account = &loaded.account;
    let sources = account.sources();
    let mut allowed = Vec::new();
    let mut failed = false;
    for (index, answer) in &answers {
        let evaluation = match answer {
            Ok(evaluation) => evaluation,
            Err(error) => {
                report(&error.diagnostics, sources);
                errln!("error: {}", error.message);
                failed = true;
                continue;
            }
        };
        let prepared = account.prepared(*index).expect("answered");
        if prepared.known(evaluation) != Some(Decision::Allow) {
            continue;
        }
        let principal = account.principal(*index);
        let describe = |at: &StatementRef| prepared.describe(at, sources);
        let notes = (prepared.external().iter())
            .map(|arn| {
                format!(
                    "{arn} is not in {} and was not evaluated; a Deny in it would change this",
                    account.origin
                )
            })
            .chain(iamx::verify::account::trust_not_evaluated(&request.action))
            .collect();
        allowed.push(Allowed {
            kind: principal.kind.as_str(),
            name: principal.name.clone(),
            arn: principal.arn.clone(),
            deciding: evaluation.deciding.iter().map(describe).collect(),
            notes,
        });
    }
    // Principals whose answer turns on policies the source does not hold (an attached policy
    // that may allow, or a boundary that must allow too), or on a key the question leaves open.
    let incomplete: Vec<String> = answers
        .iter()
        .filter(|(index, answer)| {
            let (Ok(evaluation), Some(prepared)) = (answer, account.prepared(*index)) else {
                return false;
            };
            prepared.known(evaluation).is_none()
        })
        .map(|(index, _)| account.principal(*index).arn.clone())
        .collect();
    match args.format {
        Format::Json => {
            let value = serde_json::json!({
                "request": {
                    "action": request.action,
                    "resource": request.resource,
                    "context": values.iter().cloned().collect::<BTreeMap<_, _>>(),
                },
                "principals": answers.len(),
                "allowed": allowed,
                "not_fully_known": incomplete,
            });
            outln!(
                "{}",
                serde_json::to_string_pretty(&value).expect("the answer serializes")
            );
        }
        Format::Text => {
            for principal in &allowed {
                outln!("{} {} ({})", principal.kind, principal.name, principal.arn);
                for s in &principal.deciding {
                    let name = match &s.sid {
                        Some(sid) => format!("statement {} ({sid})", s.statement),
                        None => format!("statement {}", s.statement),
                    };
                    outln!(
                        "  allowed by {} {name} at {}:{}:{}",
                        s.policy,
                        s.file,
                        s.line,
                        s.column
                    );
                }
                for note in &principal.notes {
                    outln!("  note: {note}");
                }
            }
            outln!(
                "{} of {} principals may do {}",
                allowed.len(),
                answers.len(),
                iamx::verify::show(&request)
            );
            if !incomplete.is_empty() {
                outln!(
                    "  note: not known for {} more, whose answer turns on policies {} does not hold, or on context keys the question does not give (`--context`): {}",
                    incomplete.len(),
                    account.origin,
                    incomplete.join(", ")
                );
            }
        }
    }
    match (
        failed,
        args.exit_code,
        allowed.is_empty(),
        incomplete.is_empty(),
    ) {
        (true, ..) => Exit::InputErrors,
        // No one is allowed as far as the source shows, but some answers are not known.
        (false, true, true, false) => Exit::Unknown,
        (false, true, true, true) => Exit::InputErrors,
        _ => Exit::Success,
    }
}

pub fn can_i(args: CanIArgs) -> Exit {
    let (request, values, mut loaded) = match ask(&args.question) {
        Ok(asked) => asked,
        Err(exit) => return exit,
    };
    let index = match loaded.account.find(&args.principal) {
        Ok(index) => index,
        Err(NotFound::Unknown { suggestion }) => {
            errln!(
                "error: {} has no role or user `{}`",
                loaded.account.origin,
                args.principal
            );
            if let Some(close) = suggestion {
                errln!("  help: did you mean `{close}`?");
            }
            return Exit::Usage;
        }
        Err(NotFound::Ambiguous(arns)) => {
            errln!(
                "error: `{}` is the name of both a role and a user",
                args.principal
            );
            errln!("  help: write the ARN instead: {}", arns.join(" or "));
            return Exit::Usage;
        }
    };
    if let Err(error) = loaded.account.prepare(index, &mut loaded.read) {
        report(&error.diagnostics, loaded.account.sources());
        errln!("error: {}", error.message);
        return Exit::InputErrors;
    }
    let account = &loaded.account;
    answer(
        &request,
        &values,
        account.sources(),
        account.prepared(index).expect("prepared"),
        &account.origin,
        args.format,
        args.exit_code,
    )
}
