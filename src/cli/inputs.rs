//! What the account commands (`explain`, `who-can`, `can-i`, `report`) read: a project compiled
//! for an environment, one `iamx build` output directory (one environment of it), or an account
//! export (a GAAD). One place decides which a path is and reads it, with the same messages.
//!
//! In: the command's paths, `--env` and `--gaad`. Out: a [`Source`], or the exit after the
//! diagnostics were printed.

use super::config::ConfigFlags;
use super::output::errln;
use super::{files, report, Exit};
use iamx::compile::output::Compiled;
use iamx::diagnostics::did_you_mean;
use iamx::emit::manifest::Manifest;
use iamx::iam::gaad::Account as Gaad;
use iamx::source::Sources;
use std::path::{Path, PathBuf};

/// Where the principals come from.
pub(super) enum Source {
    /// A compiled project, with its sources.
    Project(Box<Compiled>, Sources),
    /// One environment's build output: its directory and manifest.
    Output(PathBuf, Manifest),
    /// An account export, read into `Sources` (positions for diagnostics).
    Gaad(Box<Gaad>, Sources),
}

/// `gaad` when given, else a build output directory (one path, holding `manifest.json`, or that
/// manifest itself), else a project compiled for `env`. Without `gaad`, `iamx.toml` is read as
/// `check` reads it: its `paths` when none are given, and its environment when it lists one
/// and `--env` names none.
pub(super) fn read(
    paths: &[PathBuf],
    env: Option<&str>,
    gaad: Option<&Path>,
    config: &ConfigFlags,
) -> Result<Source, Exit> {
    if let Some(gaad) = gaad {
        let (account, sources) = read_gaad(gaad)?;
        return Ok(Source::Gaad(Box::new(account), sources));
    }
    let project = config.load(paths)?;
    let what = "the paths of a project or build output, or --gaad FILE";
    let paths = project.paths_or_default(paths, what)?;
    let paths = paths.as_slice();
    let env = match (env, project.config.environments.as_slice()) {
        (Some(env), _) => Some(env),
        (None, [only]) => Some(only.as_str()),
        (None, _) => None,
    };
    if let [path] = paths {
        let dir = if path.file_name().is_some_and(|n| n == "manifest.json") && path.is_file() {
            Some(path.parent().unwrap_or(Path::new(".")).to_path_buf())
        } else if path.join("manifest.json").is_file() {
            Some(path.clone())
        } else {
            None
        };
        if let Some(dir) = dir {
            let (dir, manifest) = read_output(&dir, env)?;
            return Ok(Source::Output(dir, manifest));
        }
    }
    let inputs = files::collect_sources(paths).map_err(super::fail)?;
    let compilation = iamx::compile::compile(
        inputs,
        &iamx::compile::Options {
            environment: env.map(str::to_string),
            release_memory: Some(crate::release_freed_memory),
            ..Default::default()
        },
    );
    match compilation.compiled {
        Some(compiled) => Ok(Source::Project(Box::new(compiled), compilation.sources)),
        None => {
            report(&compilation.diagnostics, &compilation.sources);
            errln!("error: the project does not compile");
            Err(Exit::InputErrors)
        }
    }
}

/// An account export, read whole; its diagnostics are printed.
pub(super) fn read_gaad(path: &Path) -> Result<(Gaad, Sources), Exit> {
    let bytes = files::read_file(path).map_err(|e| {
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
    match gaad {
        Some(gaad) => Ok((gaad, sources)),
        None => {
            errln!("error: `{}` is not an account export", path.display());
            Err(Exit::InputErrors)
        }
    }
}

/// How a build output's files are read, given a file name of its manifest: the name to show
/// and the text.
pub(super) fn file_reader(dir: PathBuf) -> impl FnMut(&str) -> Result<(String, String), String> {
    move |file: &str| {
        let path = dir.join(file);
        let shown = path.display().to_string();
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok((shown, text)),
            Err(e) => Err(format!("cannot read `{shown}`: {}", files::plain(&e))),
        }
    }
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

/// One environment's build output: `dir` itself, or with environments (a top-level manifest
/// listing them) the directory of `env` (needed when there are several).
fn read_output(dir: &Path, env: Option<&str>) -> Result<(PathBuf, Manifest), Exit> {
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
            let names = || listed.iter().map(|(n, _)| n.as_str());
            let chosen = match (env, listed.as_slice()) {
                (None, [one]) => one,
                (None, _) => {
                    return Err(super::fail(format!(
                        "`{}` holds the environments {}: choose one with --env",
                        dir.display(),
                        names()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )))
                }
                (Some(env), _) => match listed.iter().find(|(n, _)| n == env) {
                    Some(found) => found,
                    None => {
                        let mut message = format!("`{}` has no environment `{env}`", dir.display());
                        if let Some(close) = did_you_mean(env, names()) {
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
    Ok((dir, manifest))
}
