//! `iamx report PATH... | --gaad FILE [-o DIR] [--format html|dot|mermaid|text]`: the escalation
//! graph of an account (`iamx::verify::graph`): who can become or make itself whom, through
//! which API calls, each step decided with the caller's policies and boundary.
//!
//! PATH is a project (compiled for `--env`) or one build output directory, read as the account
//! they deploy; `--gaad FILE` is an account export. Without `--format`, writes `DIR` (default
//! `report`): `report.html` (one self-contained page), `graph.dot`, `graph.mmd` and
//! `paths.txt`, all or nothing (a temporary sibling directory swapped in, as `build` does; only
//! an empty directory or an earlier report is replaced). With `--format`, prints that one to
//! stdout instead.
//!
//! Exit codes: 0 the report was made (with `--exit-code`: and no principal can escalate), 1
//! input errors (or, with `--exit-code`, escalations), 2 usage, 3 (with `--exit-code`) no
//! escalation found but something undecided: a gate fails closed, as `verify`'s does.

use super::inputs::{self, Source};
use super::output::{errln, infoln, out};
use super::{files, report, Exit};
use iamx::iam::gaad::Account as Gaad;
use iamx::source::Sources;
use iamx::verify::account::Account;
use iamx::verify::graph::{self, render, Delegation};
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// A project's .iamx files or directories, or one build output directory.
    paths: Vec<PathBuf>,
    /// An account export (`aws iam get-account-authorization-details`) instead of paths.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["paths", "env"])]
    gaad: Option<PathBuf>,
    /// The environment to report on (an `env` block of the project, a directory of the output).
    #[arg(long)]
    env: Option<String>,
    #[command(flatten)]
    config: super::config::ConfigFlags,
    /// The directory to write; replaced as a whole, and only if it is empty or an earlier report.
    #[arg(short, long, value_name = "DIR", conflicts_with = "format")]
    output: Option<PathBuf>,
    /// Print one form to stdout instead of writing the directory.
    #[arg(long, value_enum)]
    format: Option<ReportFormat>,
    /// Exit 1 when some principal can reach an admin-like state, 3 when none was found but
    /// something could not be decided.
    #[arg(long)]
    exit_code: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// The self-contained HTML page.
    Html,
    /// Graphviz DOT.
    Dot,
    /// A Mermaid flowchart.
    Mermaid,
    /// The escalations as API calls, the edges and what each delegated principal reaches.
    Text,
}

pub fn run(args: Args) -> Exit {
    let (gaad, delegations, sources) = match load(&args) {
        Ok(loaded) => loaded,
        Err(exit) => return exit,
    };
    let mut account = Account::from_gaad(&gaad, sources);
    for index in 0..account.principals().len() {
        let mut read = |file: &str| Err(format!("`{file}` is not part of the account"));
        if let Err(error) = account.prepare(index, &mut read) {
            report(&error.diagnostics, account.sources());
            errln!("error: {}", error.message);
            return Exit::InputErrors;
        }
    }
    let graph = graph::build(&gaad, &account, delegations);
    match args.format {
        Some(format) => {
            let text = match format {
                ReportFormat::Html => render::html(&graph),
                ReportFormat::Dot => render::dot(&graph),
                ReportFormat::Mermaid => render::mermaid(&graph),
                ReportFormat::Text => render::text(&graph),
            };
            out!("{text}");
        }
        None => {
            let dir = args
                .output
                .clone()
                .unwrap_or_else(|| PathBuf::from("report"));
            let files: BTreeMap<String, String> = [
                ("report.html", render::html(&graph)),
                ("graph.dot", render::dot(&graph)),
                ("graph.mmd", render::mermaid(&graph)),
                ("paths.txt", render::text(&graph)),
            ]
            .into_iter()
            .map(|(name, text)| (name.to_string(), text))
            .collect();
            if let Err(message) =
                files::write_marked(&dir, &files, "report.html", "an iamx report directory")
            {
                return super::fail(message);
            }
            infoln!(
                "wrote report.html, graph.dot, graph.mmd and paths.txt to {}",
                dir.display()
            );
        }
    }
    infoln!(
        "{}, {}, {}",
        super::count(graph.real().count(), "principal"),
        super::count(graph.edges.len(), "edge"),
        super::count(graph.escalations.len(), "escalation")
    );
    if !graph.undecided.is_empty() {
        infoln!(
            "note: {} could not be decided and {} not drawn (listed in the report)",
            super::count(graph.undecided.len(), "candidate"),
            if graph.undecided.len() == 1 {
                "is"
            } else {
                "are"
            }
        );
    }
    match () {
        _ if !args.exit_code => Exit::Success,
        _ if !graph.escalations.is_empty() => Exit::InputErrors,
        // No escalation among what was decided says nothing of what was not.
        _ if !graph.undecided.is_empty() => Exit::Unknown,
        _ => Exit::Success,
    }
}

type Loaded = (Gaad, Vec<Delegation>, Sources);

/// The account a project, a build output or an export describes ([`inputs::read`]), with the
/// project's delegations.
fn load(args: &Args) -> Result<Loaded, Exit> {
    let (paths, env, gaad) = (&args.paths, args.env.as_deref(), args.gaad.as_deref());
    match inputs::read(paths, env, gaad, &args.config)? {
        Source::Gaad(gaad, sources) => Ok((*gaad, Vec::new(), sources)),
        Source::Project(compiled, sources) => {
            let (gaad, delegations) = graph::from_compiled(&compiled);
            Ok((gaad, delegations, sources))
        }
        Source::Output(dir, manifest) => {
            let mut read = inputs::file_reader(dir);
            let mut sources = Sources::new();
            match graph::from_manifest(&manifest, &mut read, &mut sources) {
                Ok((gaad, delegations)) => Ok((gaad, delegations, sources)),
                Err(error) => {
                    report(&error.diagnostics, &sources);
                    errln!("error: {}", error.message);
                    Err(Exit::InputErrors)
                }
            }
        }
    }
}
