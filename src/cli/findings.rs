//! What `check`, `build` and `verify` share: one analysis of a project, so that `check` is
//! exactly `build` without writing (same diagnostics, same exit code, verification included),
//! and one way of reporting its findings.
//!
//! In: the command's paths and flags and the project file ([`super::config`]). The environments
//! gone through are those `--env` or iamx.toml name, else every one the sources declare; a name
//! the sources do not declare is reported alone (E0108). Out: per environment a [`Run`] (sources, compiled project, verification report, diagnostics after
//! the `// iamx:allow` comments), merged into [`Findings`] after lint levels are applied, and
//! printed as text (stderr), JSON or SARIF (stdout) by `--diagnostics`.

use super::config::{self, Level, Project};
use super::output::{errln, infoln, out};
use super::{files, Exit};
use iamx::compile::output::Compiled;
use iamx::compile::Input;
use iamx::diagnostics::suppress::{self, Suppressed};
use iamx::diagnostics::{Diagnostic, ResolvedDiagnostic, Severity};
use iamx::iam::kind::PolicyKind;
use iamx::source::Sources;
use iamx::verify::Report;
use serde::Deserialize;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// `--diagnostics`: how diagnostics are printed, the same on every command that reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DiagnosticsFormat {
    /// Rendered for people, on stderr.
    #[default]
    Text,
    /// A JSON array on stdout (see README: `severity`, `code`, `message`, `file`, `line`, ...).
    Json,
    /// A SARIF 2.1.0 log on stdout, for code scanning (GitHub, Azure DevOps, editors).
    Sarif,
}

/// The reporting flags of `check`, `build` and `verify`; each overrides `iamx.toml`.
#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// How to print diagnostics: `text` (stderr), `json` or `sarif` (stdout).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub diagnostics: Option<DiagnosticsFormat>,
    /// Treat warnings as errors (exit with 1; `build` writes nothing).
    #[arg(long, overrides_with = "no_deny_warnings")]
    pub deny_warnings: bool,
    /// Do not treat warnings as errors, whatever iamx.toml says.
    #[arg(long, overrides_with = "deny_warnings")]
    pub no_deny_warnings: bool,
    /// Also list the findings `// iamx:allow` comments suppress, with their reasons.
    #[arg(long)]
    pub show_suppressed: bool,
    /// Set a lint level, overriding iamx.toml: `--lint W0405=off`, `--lint W0501=error`.
    #[arg(long = "lint", value_name = "CODE=LEVEL", value_parser = config::parse_lint)]
    pub lints: Vec<(iamx::diagnostics::Code, Level)>,
    #[command(flatten)]
    pub config: config::ConfigFlags,
}

/// The flags of `check` and `build` that choose what runs.
#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    /// Skip verification (boundary containment and delegation safety), which runs by default.
    #[arg(long, overrides_with = "verify")]
    pub no_verify: bool,
    /// Verify even if iamx.toml says `verify = false`.
    #[arg(long, overrides_with = "no_verify")]
    pub verify: bool,
}

/// The settings in force: flags over `iamx.toml` over defaults.
pub struct Settings {
    pub project: Project,
    pub paths: Vec<PathBuf>,
    /// The environments asked for (`--env`, else iamx.toml's `environments`); `None`: every
    /// environment the sources declare.
    pub environments: Option<Vec<String>>,
    pub verify: bool,
    pub diagnostics: DiagnosticsFormat,
    pub deny_warnings: bool,
    pub show_suppressed: bool,
    pub lints: Vec<(iamx::diagnostics::Code, Level)>,
    /// The kind of every JSON policy (`check --kind`); None: from a manifest, or inferred.
    pub json_kind: Option<PolicyKind>,
}

impl Settings {
    /// Reads `iamx.toml` (unless disabled) and combines it with the flags.
    pub fn new(
        paths: &[PathBuf],
        env: &[String],
        report: &ReportArgs,
        verify: Option<&VerifyArgs>,
    ) -> Result<Settings, Exit> {
        let project = report.config.load(paths)?;
        let config = &project.config;
        let paths = project.paths_or_default(paths, "the project's paths")?;
        let mut environments: Option<Vec<String>> = match env {
            [] if config.environments.is_empty() => None,
            [] => Some(config.environments.clone()),
            given => Some(given.to_vec()),
        };
        if let Some(list) = &mut environments {
            // `--env dev --env dev` builds `dev` once.
            let mut seen = std::collections::BTreeSet::new();
            list.retain(|e| seen.insert(e.clone()));
        }
        let verify = match verify {
            Some(args) if args.no_verify => false,
            Some(args) if args.verify => true,
            _ => config.verify.unwrap_or(true),
        };
        let deny_warnings = if report.deny_warnings {
            true
        } else if report.no_deny_warnings {
            false
        } else {
            config.deny_warnings.unwrap_or(false)
        };
        let mut lints = project.lints.clone();
        lints.extend(report.lints.iter().copied());
        Ok(Settings {
            paths,
            environments,
            verify,
            diagnostics: report
                .diagnostics
                .or(config.diagnostics)
                .unwrap_or_default(),
            deny_warnings,
            show_suppressed: report.show_suppressed,
            lints,
            project,
            json_kind: None,
        })
    }

    /// The level in force for a code (the last one given wins: flags come after the file).
    fn level(&self, code: iamx::diagnostics::Code) -> Option<Level> {
        self.lints
            .iter()
            .rev()
            .find(|(c, _)| *c == code)
            .map(|&(_, level)| level)
    }
}

/// One environment's analysis.
pub struct Run {
    pub environment: Option<String>,
    pub sources: Sources,
    /// After suppression comments, before lint levels.
    pub diagnostics: Vec<Diagnostic>,
    pub suppressed: Vec<Suppressed>,
    pub compiled: Option<Compiled>,
    pub verified: Option<Report>,
    /// How many input files were read.
    pub files: usize,
}

/// What the caller reads of each [`Run::compiled`] after [`analyze`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reads {
    /// Every document (`build` writes them, `verify --gaad` compares them with the account's).
    Documents,
    /// The records of the principals and the documents but the roles' trust and inline
    /// policies, which are dropped once checked and proved (`check`, `verify`):
    /// `compile::Options::stream_roles`.
    AllButRolePolicies,
}

/// Reads the inputs and analyses them once per environment. With `json`, `*.json` paths (and a
/// standard input that starts with `{`) are plain IAM policies, checked but not compiled.
pub fn analyze(settings: &Settings, json: bool, reads: Reads) -> Result<Vec<Run>, Exit> {
    let (inputs, json_inputs) = if json {
        read_inputs(&settings.paths).map_err(super::fail)?
    } else {
        (
            files::collect_sources(&settings.paths).map_err(super::fail)?,
            Vec::new(),
        )
    };
    let files = inputs.len() + json_inputs.len();
    // A large project is analysed on a thread of the pool (`parallel::on_pool_if`).
    let bytes: usize = (inputs.iter().map(|i| i.bytes.len()))
        .chain(json_inputs.iter().map(|(i, _)| i.bytes.len()))
        .sum();
    iamx::parallel::on_pool_if(bytes >= ON_POOL_FROM, || {
        analyze_read(settings, inputs, json_inputs, files, reads)
    })
}

/// Input size (bytes) from which [`analyze`] runs on the thread pool: starting it costs ~0.4 ms,
/// what it saves grows with the project (2% of the instructions with two threads at 10,000
/// roles, 4.5 MB).
const ON_POOL_FROM: usize = 1 << 20;

/// [`analyze`] once the inputs are read.
fn analyze_read(
    settings: &Settings,
    inputs: Vec<iamx::compile::Input>,
    mut json_inputs: Vec<(iamx::compile::Input, Option<PolicyKind>)>,
    files: usize,
    reads: Reads,
) -> Result<Vec<Run>, Exit> {
    let declared = iamx::compile::declared_environments(&inputs);
    let environments: Vec<Option<String>> = match &settings.environments {
        Some(_) if inputs.is_empty() => {
            return Err(super::fail(
                "`--env` chooses an environment of `.iamx` sources, and none were given",
            ))
        }
        Some(requested) => {
            let unknown: Vec<&String> =
                requested.iter().filter(|e| !declared.contains(e)).collect();
            if !unknown.is_empty() {
                return Err(wrong_environments(settings, &inputs, &unknown, files));
            }
            requested.iter().cloned().map(Some).collect()
        }
        None if declared.is_empty() => vec![None],
        None => declared.into_iter().map(Some).collect(),
    };
    let mut inferred: Vec<(String, PolicyKind)> = Vec::new();
    // The sources are parsed once; the environments share the trees (one run without
    // environments).
    let no_sources = inputs.is_empty();
    let trees =
        iamx::compile::parse_inputs(inputs, None, environments.len()).runs(environments.len());
    let last_run = environments.len().saturating_sub(1);
    let runs = environments
        .iter()
        .zip(trees)
        .enumerate()
        .map(|(run, (environment, trees))| {
            let stream_roles = reads == Reads::AllButRolePolicies;
            let options = iamx::compile::Options {
                environment: environment.clone(),
                release_memory: Some(crate::release_freed_memory),
                stream_roles,
                ..Default::default()
            };
            // The roles' proofs run as the compiler lowers (`stream_roles`) or lints their
            // documents, while they are in the cache; `verify_compiled_with` proves the rest.
            let streamed: Option<&iamx::compile::RoleProofs<_>> =
                (settings.verify && stream_roles).then_some(&iamx::verify::role_prover);
            let proofs: Option<&iamx::compile::AfterLints<_>> =
                (settings.verify && !stream_roles).then_some(&iamx::verify::role_proofs);
            let (mut compilation, proved) = if no_sources {
                let nothing = iamx::compile::Compilation {
                    sources: Default::default(),
                    diagnostics: Vec::new(),
                    compiled: None,
                };
                (nothing, Vec::new())
            } else {
                iamx::compile::lower_parsed_proving(trees, &options, streamed)
                    .checked_then(&options, None, proofs)
            };
            // The last run (the only one, but for environments) takes the bytes read: they
            // become its sources' texts without a copy.
            let json_files: Vec<_> = (json_inputs.iter_mut())
                .map(|(input, manifest_kind)| {
                    let kind = settings.json_kind.or(*manifest_kind);
                    let bytes = match run == last_run {
                        true => Cow::Owned(std::mem::take(&mut input.bytes)),
                        false => Cow::Borrowed(&input.bytes[..]),
                    };
                    (input.name.as_str(), bytes, kind)
                })
                .collect();
            let names: Vec<&str> = json_files.iter().map(|&(name, _, _)| name).collect();
            let checked = iamx::checks::json::check_files(&mut compilation.sources, json_files);
            for (name, mut checked) in names.into_iter().zip(checked) {
                if let (true, Some(kind)) = (checked.inferred, checked.kind) {
                    inferred.push((name.to_string(), kind));
                }
                compilation.diagnostics.append(&mut checked.diagnostics);
            }
            let verified = match (&compilation.compiled, settings.verify) {
                (Some(compiled), true) => {
                    Some(iamx::verify::verify_compiled_with(compiled, proved))
                }
                _ => None,
            };
            let mut diagnostics = compilation.diagnostics;
            if let Some(verified) = &verified {
                diagnostics.extend(verified.diagnostics.iter().cloned());
            }
            let complete = compilation.compiled.is_some();
            let outcome = suppress::apply(&compilation.sources, diagnostics, complete);
            Run {
                environment: environment.clone(),
                sources: compilation.sources,
                diagnostics: outcome.kept,
                suppressed: outcome.suppressed,
                compiled: compilation.compiled,
                verified,
                files,
            }
        })
        .collect::<Vec<Run>>();
    say_inferred(&inferred, runs.len());
    Ok(runs)
}

/// Says which kinds were inferred for JSON files given without `--kind`: per file for a few,
/// counted per kind for many (a directory of AWS managed policies).
fn say_inferred(inferred: &[(String, PolicyKind)], runs: usize) {
    // Every environment reads the same files; say it once.
    let inferred = &inferred[..inferred.len() / runs.max(1)];
    if inferred.len() <= 5 {
        for (name, kind) in inferred {
            infoln!(
                "note: checked `{name}` as {} {} (inferred; `--kind` KIND to say otherwise)",
                article(kind.describe()),
                kind.describe()
            );
        }
        return;
    }
    let mut counts: Vec<(PolicyKind, usize)> = Vec::new();
    for (_, kind) in inferred {
        match counts.iter_mut().find(|(k, _)| k == kind) {
            Some((_, n)) => *n += 1,
            None => counts.push((*kind, 1)),
        }
    }
    let list: Vec<String> = counts
        .iter()
        .map(|(kind, n)| format!("{n} as {}", kind.as_str()))
        .collect();
    infoln!(
        "note: kinds inferred for {} JSON files: {} (`--kind` KIND to say otherwise)",
        inferred.len(),
        list.join(", ")
    );
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// Reports environments asked for that the sources do not declare: E0108 with "did you mean"
/// for each, and nothing else, since whatever else a build for a wrong environment reports
/// follows from the typo. A source that does not parse may be where the environment is
/// declared, so then its syntax error is reported instead.
fn wrong_environments(
    settings: &Settings,
    inputs: &[Input],
    unknown: &[&String],
    files: usize,
) -> Exit {
    let runs: Vec<Run> = unknown
        .iter()
        .map(|environment| {
            let (sources, diagnostics) = wrong_environment(inputs, environment);
            Run {
                environment: None,
                sources,
                diagnostics,
                suppressed: Vec::new(),
                compiled: None,
                verified: None,
                files,
            }
        })
        .collect();
    Findings::new(&runs, settings).print(&runs, settings);
    Exit::InputErrors
}

/// What a build for an environment the sources do not declare reports: E0108 alone (or the
/// syntax errors that kept the declaration from being read).
pub fn wrong_environment(inputs: &[Input], environment: &str) -> (Sources, Vec<Diagnostic>) {
    let options = iamx::compile::Options {
        environment: Some(environment.to_string()),
        ..Default::default()
    };
    let compilation = iamx::compile::compile(inputs.to_vec(), &options);
    let wrong: Vec<Diagnostic> = compilation
        .diagnostics
        .iter()
        .filter(|d| d.code == iamx::diagnostics::Code::UnknownEnvironment)
        .cloned()
        .collect();
    let diagnostics = if wrong.is_empty() {
        compilation.diagnostics
    } else {
        wrong
    };
    (compilation.sources, diagnostics)
}

/// A JSON policy to check, with its kind when a build manifest says it.
type JsonInput = (Input, Option<PolicyKind>);

/// The `.iamx` inputs and the JSON policy inputs the paths name: `.json` files as given;
/// directories with `.iamx` files as projects; other directories for their JSON policies (a
/// build output directory with the kinds its `manifest.json` gives).
fn read_inputs(paths: &[PathBuf]) -> Result<(Vec<Input>, Vec<JsonInput>), String> {
    if files::stdin_alone(paths)? {
        let input = files::read_stdin()?;
        // No file name says what standard input is; a JSON policy is an object, and `.iamx`
        // source never starts with `{`.
        let is_json = input.bytes.trim_ascii_start().starts_with(b"{");
        return Ok(if is_json {
            (Vec::new(), vec![(input, None)])
        } else {
            (vec![input], Vec::new())
        });
    }
    let cannot_read = |path: &Path, e: &std::io::Error| {
        format!("cannot read `{}`: {}", path.display(), files::plain(e))
    };
    let mut iamx_paths = Vec::new();
    // Each JSON policy read as it is found (a `.json` path is read without asking first
    // whether it is a directory: one `statx` a file less), its error kept until the `.iamx`
    // sources have been read, whose errors come first.
    let mut json: Vec<(PathBuf, std::io::Result<Vec<u8>>, Option<String>)> = Vec::new();
    for path in paths {
        if path.extension().is_some_and(|e| e == "json") {
            match files::read_file(path) {
                Err(e) if e.kind() == std::io::ErrorKind::IsADirectory => {}
                read => {
                    json.push((path.clone(), read, None));
                    continue;
                }
            }
        }
        // Asked once per path: a directory of 1,000 policies made 3,000 `statx` calls.
        if path.is_dir() && !files::has_iamx(path) {
            for (path, kind) in files::json_policies(path)? {
                let read = files::read_file(&path);
                json.push((path, read, kind));
            }
        } else {
            iamx_paths.push(path.clone());
        }
    }
    let inputs = if iamx_paths.is_empty() {
        Vec::new()
    } else {
        files::collect_sources(&iamx_paths)?
    };
    let mut json_inputs = Vec::with_capacity(json.len());
    for (path, read, kind) in json {
        let input = Input {
            name: path.display().to_string(),
            bytes: read.map_err(|e| cannot_read(&path, &e))?,
        };
        json_inputs.push((input, kind.as_deref().and_then(PolicyKind::parse)));
    }
    Ok((inputs, json_inputs))
}

/// The findings of all runs, lint levels applied, merged: a finding every environment has is
/// reported once, as it is; one that only some environments have says which, in a note. In the
/// order of the first run that has them.
pub struct Findings {
    /// Per run, the diagnostics still reported: what text output renders with that run's sources.
    pub per_run: Vec<Vec<Diagnostic>>,
    pub kept: Vec<ResolvedDiagnostic>,
    pub suppressed: Vec<ResolvedDiagnostic>,
}

/// One finding and the environments that have it.
struct Entry {
    run: usize,
    diagnostic: Diagnostic,
    environments: Vec<String>,
}

impl Findings {
    pub fn new(runs: &[Run], settings: &Settings) -> Findings {
        // Made at their size: grown by doubling, these lists were copied into fresh pages.
        let total: usize = runs.iter().map(|run| run.diagnostics.len()).sum();
        let mut entries: Vec<Entry> = Vec::with_capacity(total);
        // ResolvedDiagnostic → its entry: projects with thousands of findings merge in linear time.
        let mut index: std::collections::BTreeMap<ResolvedDiagnostic, usize> = Default::default();
        for (run_index, run) in runs.iter().enumerate() {
            for mut diagnostic in run.diagnostics.iter().cloned() {
                match settings.level(diagnostic.code) {
                    Some(Level::Off) => continue,
                    Some(Level::Error) => diagnostic.severity = Severity::Error,
                    Some(Level::Warning) | None => {}
                }
                let located = ResolvedDiagnostic::new(&diagnostic, &run.sources);
                match index.get(&located) {
                    Some(&i) => entries[i].environments.extend(run.environment.clone()),
                    None => {
                        index.insert(located, entries.len());
                        entries.push(Entry {
                            run: run_index,
                            diagnostic,
                            environments: run.environment.iter().cloned().collect(),
                        });
                    }
                }
            }
        }
        // Each entry's located form, as the index holds it: made again only for an entry that
        // gains a note below.
        let mut located: Vec<Option<ResolvedDiagnostic>> = vec![None; entries.len()];
        for (diagnostic, i) in index {
            located[i] = Some(diagnostic);
        }
        let mut per_run: Vec<Vec<Diagnostic>> = (runs.iter())
            .map(|run| Vec::with_capacity(run.diagnostics.len()))
            .collect();
        let mut kept = Vec::with_capacity(entries.len());
        for (mut entry, located) in entries.into_iter().zip(located) {
            let noted = !entry.environments.is_empty() && entry.environments.len() < runs.len();
            let located = match located {
                Some(located) if !noted => located,
                _ => {
                    if noted {
                        entry.diagnostic = entry
                            .diagnostic
                            .with_note(environments_note(&entry.environments));
                    }
                    ResolvedDiagnostic::new(&entry.diagnostic, &runs[entry.run].sources)
                }
            };
            kept.push(located);
            per_run[entry.run].push(entry.diagnostic);
        }
        let mut suppressed: Vec<ResolvedDiagnostic> = Vec::new();
        for run in runs {
            for s in &run.suppressed {
                let mut located = ResolvedDiagnostic::new(&s.diagnostic, &run.sources);
                located.suppressed = Some(s.reason.clone());
                if !suppressed.contains(&located) {
                    suppressed.push(located);
                }
            }
        }
        Findings {
            per_run,
            kept,
            suppressed,
        }
    }

    /// Whether the findings fail the command: any error, or with deny_warnings any warning.
    pub fn fail(&self, settings: &Settings) -> bool {
        self.kept
            .iter()
            .any(|d| d.is_error() || settings.deny_warnings)
    }

    pub fn has_errors(&self) -> bool {
        self.kept.iter().any(ResolvedDiagnostic::is_error)
    }

    /// "1 error, 2 warnings, 3 suppressed".
    pub fn summary(&self) -> String {
        let errors = self.kept.iter().filter(|d| d.is_error()).count();
        let warnings = self.kept.len() - errors;
        let mut parts: Vec<String> = [(errors, "error"), (warnings, "warning")]
            .into_iter()
            .filter(|&(n, _)| n > 0)
            .map(|(n, noun)| super::count(n, noun))
            .collect();
        if parts.is_empty() {
            parts.push("no errors or warnings".into());
        }
        if !self.suppressed.is_empty() {
            parts.push(format!("{} suppressed", self.suppressed.len()));
        }
        parts.join(", ")
    }

    /// Prints the findings in the chosen format (text on stderr; JSON and SARIF on stdout).
    pub fn print(&self, runs: &[Run], settings: &Settings) {
        match settings.diagnostics {
            DiagnosticsFormat::Text => {
                // A finding every environment has is printed once (a set: a file can have
                // tens of thousands of findings; foldhash, as SipHash spent 7 M instructions
                // on the ~570 texts of 1,000 AWS managed policies).
                let mut seen = foldhash::HashSet::default();
                let colour = super::output::colour_stderr();
                for (run, diagnostics) in runs.iter().zip(&self.per_run) {
                    // Rendered on all cores, a slice at a time so that the output starts early
                    // and the texts held stay few; printed in order. A directory of AWS managed
                    // policies has ~1,000 findings, each rendered with its source lines.
                    for slice in diagnostics.chunks(RENDERED_AT_ONCE) {
                        let texts = iamx::parallel::map(slice, |diagnostic| {
                            iamx::diagnostics::render(
                                std::slice::from_ref(diagnostic),
                                &run.sources,
                                colour,
                            )
                        });
                        // One write per slice: stderr is unbuffered, and a write per
                        // finding was ~570 system calls for 1,000 managed policies.
                        let mut new_texts =
                            String::with_capacity(texts.iter().map(String::len).sum());
                        for text in texts {
                            if !seen.contains(&text) {
                                new_texts.push_str(&text);
                                seen.insert(text);
                            }
                        }
                        if !new_texts.is_empty() {
                            super::output::err!("{new_texts}");
                        }
                    }
                }
                if settings.show_suppressed {
                    for s in &self.suppressed {
                        let place = match (&s.file, s.line, s.column) {
                            (Some(file), Some(line), Some(column)) => {
                                format!("{file}:{line}:{column}: ")
                            }
                            _ => String::new(),
                        };
                        errln!(
                            "suppressed[{}]: {place}{} (reason: {})",
                            s.code.as_str(),
                            s.message,
                            s.suppressed.as_deref().unwrap_or("")
                        );
                    }
                }
            }
            DiagnosticsFormat::Json => {
                let mut all = self.kept.clone();
                if settings.show_suppressed {
                    all.extend(self.suppressed.iter().cloned());
                }
                out!("{}", iamx::diagnostics::located_to_json(&all))
            }
            // SARIF has a place for suppressions: code scanning shows them as dismissed, with
            // the reason, so they are always included.
            DiagnosticsFormat::Sarif => {
                let mut all = self.kept.clone();
                all.extend(self.suppressed.iter().cloned());
                out!("{}", iamx::diagnostics::sarif::to_sarif(&all))
            }
        }
    }
}

/// How many diagnostics [`Findings::print`] renders before printing them.
const RENDERED_AT_ONCE: usize = 512;

/// "in environment `dev`", "in environments `dev`, `staging`": which builds a finding is from.
pub fn environments_note(environments: &[String]) -> String {
    let names: Vec<String> = environments.iter().map(|e| format!("`{e}`")).collect();
    match names.as_slice() {
        [one] => format!("in environment {one}"),
        several => format!("in environments {}", several.join(", ")),
    }
}

/// What a line about one run starts with when there are several: "dev: ".
pub fn run_prefix(runs: &[Run], run: &Run) -> String {
    match &run.environment {
        Some(environment) if runs.len() > 1 => format!("{environment}: "),
        _ => String::new(),
    }
}
