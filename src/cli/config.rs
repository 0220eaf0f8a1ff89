//! The project file `iamx.toml`: defaults for `check`, `build` and `verify`, kept with the
//! project so that CI, a pre-commit hook and a developer run the same thing.
//!
//! In: the paths of a command (the file is found by walking up from the first one, or from the
//! current directory when none is given), or `--config FILE`. Out: a [`Project`]: the settings
//! (all optional; every one has a flag that overrides it) and where the file was. A syntax
//! error, an unknown key or a bad value is diagnostic E0602 with the file, line and column.
//!
//! Parsed with the `toml` crate through serde: TOML is what Rust projects (Cargo.toml) and many
//! CI tools are configured in, and `deny_unknown_fields` plus `toml`'s spans give "unknown key
//! at iamx.toml:3:1" for free, which a hand-written reader would have to redo.

use super::findings::DiagnosticsFormat;
use super::{report, Exit};
use iamx::diagnostics::{Code, Diagnostic};
use iamx::source::{Sources, Span};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The name looked for in the input's directory and its ancestors.
pub const FILE_NAME: &str = "iamx.toml";

/// `--config FILE` and `--no-config`: every command that reads a project takes them.
#[derive(clap::Args, Debug, Default)]
pub struct ConfigFlags {
    /// Read this project file instead of looking for iamx.toml above the first path.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Read no project file.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
}

impl ConfigFlags {
    /// [`load`] with these flags, saying which file was used (`-q` hides it).
    pub fn load(&self, paths: &[PathBuf]) -> Result<Project, Exit> {
        let project = load(self.config.as_deref(), paths, self.no_config)?;
        if let Some(file) = &project.file {
            super::output::infoln!("using project file {}", file.display());
        }
        Ok(project)
    }
}

/// The settings of `iamx.toml`, as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Paths checked and built when the command line names none (relative to the file).
    #[serde(default)]
    pub paths: Vec<PathBuf>,
    /// The environments `build`, `check` and `verify` go through unless `--env` names some;
    /// empty: every environment the sources declare.
    #[serde(default)]
    pub environments: Vec<String>,
    /// Whether `check` and `build` verify (default true).
    pub verify: Option<bool>,
    /// Whether warnings fail the command.
    pub deny_warnings: Option<bool>,
    /// How diagnostics are printed.
    pub diagnostics: Option<DiagnosticsFormat>,
    #[serde(default)]
    pub build: BuildConfig,
    /// `W0405 = "off"`, `W0501 = "error"`.
    #[serde(default)]
    pub lints: BTreeMap<Spanned<String>, Spanned<Level>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildConfig {
    /// The output directory (relative to the file).
    pub output: Option<PathBuf>,
    pub format: Option<super::build::OutputFormat>,
}

/// A lint level: what a warning code is reported as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Dropped, neither shown nor counted.
    Off,
    /// The default for W-codes.
    Warning,
    /// Reported as an error: fails the command.
    Error,
}

/// The settings in force and where they came from.
#[derive(Debug, Default)]
pub struct Project {
    pub config: Config,
    /// The file read, if any.
    pub file: Option<PathBuf>,
    /// Lint levels, checked (codes exist, errors are not turned off).
    pub lints: Vec<(Code, Level)>,
}

impl Project {
    /// The paths given, else the file's `paths`; an error saying which was missing when
    /// neither names any.
    pub fn paths_or_default(&self, given: &[PathBuf], what: &str) -> Result<Vec<PathBuf>, Exit> {
        if !given.is_empty() {
            return Ok(given.to_vec());
        }
        let paths: Vec<PathBuf> = self.config.paths.iter().map(|p| self.resolve(p)).collect();
        if !paths.is_empty() {
            return Ok(paths);
        }
        Err(super::fail(match &self.file {
            Some(file) => format!(
                "no paths given, and `{}` sets no `paths`: give {what}, or add `paths = [\"...\"]` to it",
                file.display()
            ),
            None => format!("no paths given: give {what}, or an iamx.toml with `paths`"),
        }))
    }

    /// A path of the file, taken relative to the file's directory, and then written relative
    /// to the current directory when it is below it, so that diagnostics (and SARIF, whose
    /// readers resolve against the repository root) name files as a user would.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        let joined = match self.file.as_deref().and_then(Path::parent) {
            Some(dir) if path.is_relative() => dir.join(path),
            _ => return path.to_path_buf(),
        };
        let cwd = std::env::current_dir().ok();
        match cwd.as_deref().and_then(|cwd| joined.strip_prefix(cwd).ok()) {
            Some(relative) if relative == Path::new("") => PathBuf::from("."),
            Some(relative) => relative.to_path_buf(),
            None => joined,
        }
    }
}

/// Finds and reads `iamx.toml`: `explicit` (`--config`), else the first one in the directory
/// of `paths[0]` (or the current directory) and its ancestors; none with `--no-config`.
pub fn load(explicit: Option<&Path>, paths: &[PathBuf], disabled: bool) -> Result<Project, Exit> {
    if disabled {
        return Ok(Project::default());
    }
    let file = match explicit {
        Some(file) => Some(file.to_path_buf()),
        None => find(paths),
    };
    let Some(file) = file else {
        return Ok(Project::default());
    };
    let text = std::fs::read_to_string(&file).map_err(|e| {
        super::fail(format!(
            "cannot read `{}`: {}",
            file.display(),
            super::files::plain(&e)
        ))
    })?;
    let mut sources = Sources::new();
    let id = sources.add(file.display().to_string(), text);
    let text = &sources.get(id).text;
    let config: Config = match toml::from_str(text) {
        Ok(config) => config,
        Err(error) => {
            let mut diagnostic = Diagnostic::new(
                Code::InvalidProjectFile,
                format!("`{}` is not a valid project file", file.display()),
            );
            let message = error.message().to_string();
            diagnostic = match error.span() {
                Some(range) => diagnostic.at(Span::new(id, range.start, range.end), message),
                None => diagnostic.with_note(message),
            };
            let diagnostic = diagnostic.with_help(
                "keys: paths, environments, verify, deny_warnings, diagnostics, [build] output and format, [lints]; see docs/ci.md",
            );
            report(&[diagnostic], &sources);
            return Err(Exit::Usage);
        }
    };
    let mut problems = Vec::new();
    let mut lints = Vec::new();
    for (code, level) in &config.lints {
        let at = Span::new(id, code.span().start, code.span().end);
        match check_lint(code.get_ref(), *level.get_ref()) {
            Ok(code) => lints.push((code, *level.get_ref())),
            Err(message) => problems.push(
                Diagnostic::new(Code::InvalidProjectFile, message).at(at, "in this lint level"),
            ),
        }
    }
    if !problems.is_empty() {
        report(&problems, &sources);
        return Err(Exit::Usage);
    }
    Ok(Project {
        config,
        file: Some(file),
        lints,
    })
}

/// Checks one lint level (from the file or `--lint`).
pub fn check_lint(code: &str, level: Level) -> Result<Code, String> {
    let parsed = Code::parse(code).ok_or_else(|| format!("`{code}` is not a diagnostic code"))?;
    if parsed.severity() == iamx::diagnostics::Severity::Error && level != Level::Error {
        return Err(format!(
            "{code} is an error: errors cannot be turned off or down"
        ));
    }
    Ok(parsed)
}

/// Parses `--lint W0501=error`.
pub fn parse_lint(text: &str) -> Result<(Code, Level), String> {
    let (code, level) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}`: write CODE=LEVEL, e.g. W0405=off"))?;
    let level = match level {
        "off" => Level::Off,
        "warning" => Level::Warning,
        "error" => Level::Error,
        _ => return Err(format!("`{level}`: a level is off, warning or error")),
    };
    Ok((check_lint(code, level)?, level))
}

/// The nearest `iamx.toml` at or above the first path (or the current directory).
fn find(paths: &[PathBuf]) -> Option<PathBuf> {
    let start = match paths.first() {
        Some(path) if !super::files::is_stdin(path) => path.clone(),
        _ => PathBuf::from("."),
    };
    let start = std::fs::canonicalize(&start).ok()?;
    let dir = if start.is_dir() {
        start
    } else {
        start.parent()?.to_path_buf()
    };
    dir.ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}
