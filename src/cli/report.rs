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
//! input errors (or, with `--exit-code`, escalations), 2 usage.

use super::output::{errln, infoln, out};
use super::{files, report, Exit};
use iamx::diagnostics::did_you_mean;
use iamx::iam::gaad::Account as Gaad;
use iamx::source::Sources;
use iamx::verify::account::Account;
use iamx::verify::graph::{self, render, Delegation};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
    /// The directory to write; replaced as a whole, and only if it is empty or an earlier report.
    #[arg(short, long, value_name = "DIR", conflicts_with = "format")]
    output: Option<PathBuf>,
    /// Print one form to stdout instead of writing the directory.
    #[arg(long, value_enum)]
    format: Option<ReportFormat>,
    /// Exit 1 when some principal can reach an admin-like state.
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
    if args.paths.is_empty() && args.gaad.is_none() {
        return super::fail("give the paths of a project or build output, or --gaad FILE");
    }
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
    if args.exit_code && !graph.escalations.is_empty() {
        return Exit::InputErrors;
    }
    Exit::Success
}

type Loaded = (Gaad, Vec<Delegation>, Sources);

/// A GAAD (`--gaad`), a build output directory (one path holding `manifest.json`, or that
/// manifest), else a project compiled for `--env`.
fn load(args: &Args) -> Result<Loaded, Exit> {
    if let Some(path) = &args.gaad {
        return load_gaad(path);
    }
    if let [path] = &args.paths[..] {
        let dir = if path.file_name().is_some_and(|n| n == "manifest.json") && path.is_file() {
            Some(path.parent().unwrap_or(Path::new(".")).to_path_buf())
        } else if path.join("manifest.json").is_file() {
            Some(path.clone())
        } else {
            None
        };
        if let Some(dir) = dir {
            return load_output(&dir, args.env.as_deref());
        }
    }
    let inputs = files::collect_sources(&args.paths).map_err(super::fail)?;
    let compilation = iamx::compile::compile(
        inputs,
        &iamx::compile::Options {
            environment: args.env.clone(),
        },
    );
    let Some(compiled) = &compilation.compiled else {
        report(&compilation.diagnostics, &compilation.sources);
        errln!("error: the project does not compile");
        return Err(Exit::InputErrors);
    };
    let (gaad, delegations) = graph::from_compiled(compiled);
    Ok((gaad, delegations, compilation.sources))
}

fn load_gaad(path: &Path) -> Result<Loaded, Exit> {
    let bytes = std::fs::read(path).map_err(|e| {
        super::fail(format!(
            "cannot read `{}`: {}",
            path.display(),
            files::plain(&e)
        ))
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        errln!(
            "error: `{}` is not valid UTF-8 (at byte {})",
            path.display(),
            e.utf8_error().valid_up_to()
        );
        Exit::InputErrors
    })?;
    let mut sources = Sources::new();
    let id = sources.add(path.display().to_string(), text);
    let (gaad, diagnostics) = iamx::iam::gaad::read(id, &sources.get(id).text);
    report(&diagnostics, &sources);
    let Some(gaad) = gaad else {
        errln!("error: `{}` is not an account export", path.display());
        return Err(Exit::InputErrors);
    };
    Ok((gaad, Vec::new(), sources))
}

fn read_text(path: &Path) -> Result<String, Exit> {
    std::fs::read_to_string(path).map_err(|e| {
        super::fail(format!(
            "cannot read `{}`: {}",
            path.display(),
            files::plain(&e)
        ))
    })
}

/// One environment's build output: `dir`, or with environments the directory of `env` (which
/// must be given when there are several).
fn load_output(dir: &Path, env: Option<&str>) -> Result<Loaded, Exit> {
    let text = read_text(&dir.join("manifest.json"))?;
    let listed: Option<Vec<(String, String)>> = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| {
            v.get("environments")?
                .as_array()?
                .iter()
                .map(|e| {
                    let name = e.get("name")?.as_str()?.to_string();
                    let directory = e.get("directory")?.as_str().unwrap_or(&name).to_string();
                    Some((name, directory))
                })
                .collect()
        });
    let (dir, text) = match listed {
        None => (dir.to_path_buf(), text),
        Some(listed) => {
            let names = || listed.iter().map(|(n, _)| format!("`{n}`"));
            let chosen = match (env, listed.as_slice()) {
                (None, [one]) => one,
                (None, _) => {
                    return Err(super::fail(format!(
                        "`{}` holds the environments {}: choose one with --env",
                        dir.display(),
                        names().collect::<Vec<_>>().join(", ")
                    )))
                }
                (Some(env), _) => match listed.iter().find(|(n, _)| n == env) {
                    Some(found) => found,
                    None => {
                        let mut message = format!("`{}` has no environment `{env}`", dir.display());
                        let plain = listed.iter().map(|(n, _)| n.as_str());
                        if let Some(close) = did_you_mean(env, plain) {
                            message.push_str(&format!("; did you mean `{close}`?"));
                        }
                        return Err(super::fail(message));
                    }
                },
            };
            let dir = dir.join(&chosen.1);
            let text = read_text(&dir.join("manifest.json"))?;
            (dir, text)
        }
    };
    let manifest = iamx::emit::manifest::read(&text)
        .map_err(|e| super::fail(format!("`{}` is not a build output: {e}", dir.display())))?;
    if let (Some(env), Some(built)) = (env, &manifest.environment) {
        if env != built {
            return Err(super::fail(format!(
                "`{}` was built for environment `{built}`, not `{env}`",
                dir.display()
            )));
        }
    }
    let mut read = |file: &str| {
        let path = dir.join(file);
        let shown = path.display().to_string();
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok((shown, text)),
            Err(e) => Err(format!("cannot read `{shown}`: {}", files::plain(&e))),
        }
    };
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
