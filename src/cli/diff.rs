//! `iamx diff OLD NEW` and `iamx diff --rev REV [PATH]`: what changed, as text and as access.
//!
//! Each side is a `.iamx` file, a project directory, a build output directory (with
//! `manifest.json`), a directory of plain IAM JSON files, or one plain IAM JSON file. With
//! `--rev`, the old side is PATH as it was at a git revision (extracted with `git archive`,
//! its files named `REV:path` in messages) and the new side is PATH in the working tree.
//! Exit codes: 0 done (with `--exit-code`: no access added and nothing undecided), 1 with
//! `--exit-code` when access was added, 3 with `--exit-code` when none was found added but
//! something is undecided, 2 for usage errors; inputs that do not compile or parse exit 1, as
//! in `iamx check`. Projects
//! with environments are compared environment by environment (all of them, or `--env`), in one
//! report whose names start with the environment (`dev/service-etl`).

use super::output::out;
use super::{files, Exit};
use iamx::compile::lower::Sharing;
use iamx::compile::{Compilation, Measured, Parsed};
use iamx::diff::{self, Body, Labels, Side, SideDocument};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

#[derive(clap::Args)]
pub struct Args {
    /// The old version (or, with --rev, the path to compare; default `.`).
    #[arg(value_name = "OLD")]
    old: Option<PathBuf>,
    /// The new version.
    #[arg(value_name = "NEW")]
    new: Option<PathBuf>,
    /// Compare PATH at this git revision with PATH in the working tree.
    #[arg(long, value_name = "REV", conflicts_with = "new")]
    rev: Option<String>,
    /// Compare projects as built for this environment (an `env` block; repeatable); default:
    /// every environment either side declares.
    #[arg(long, value_name = "NAME")]
    env: Vec<String>,
    /// `text` for people; `json` for tools (same content); `markdown` for a pull-request
    /// comment (summary table, examples with the `.iamx` line, the JSON diff folded).
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
    /// Exit with 1 when access was added, 3 when none was but some could not be decided (a CI
    /// gate).
    #[arg(long)]
    exit_code: bool,
    #[command(flatten)]
    config: super::config::ConfigFlags,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DiffFormat {
    /// Readable text.
    Text,
    /// One JSON value on stdout, for tools.
    Json,
    /// A pull-request comment in GitHub-flavoured Markdown.
    Markdown,
}

/// Where each statement of each document came from (`file:line`), by (kind, name).
type Places = BTreeMap<(String, String), Vec<String>>;

/// A side as loaded, and whether it was a single plain JSON file.
#[derive(Default)]
struct Loaded {
    side: Side,
    single_json: bool,
    /// Statement places, when the side was compiled from `.iamx` sources.
    places: Places,
}

pub fn run(args: Args) -> Exit {
    // `iamx.toml` is found from the new side (or `--rev`'s path): its environments are the
    // default set, and with `--rev` its one path, if it names one, is the default PATH.
    let start: Vec<PathBuf> = args.new.iter().chain(&args.old).take(1).cloned().collect();
    let project = match args.config.load(&start) {
        Ok(project) => project,
        Err(exit) => return exit,
    };
    let environments = match args.env.as_slice() {
        [] => project.config.environments.clone(),
        given => given.to_vec(),
    };
    let (old, new, labels, temp) = match (&args.rev, &args.old, &args.new) {
        (Some(rev), path, None) => {
            let path = match (path, project.config.paths.as_slice()) {
                (Some(path), _) => path.clone(),
                (None, [only]) => project.resolve(only),
                (None, _) => PathBuf::from("."),
            };
            let temp = match extract_revision(rev, &path) {
                Ok(temp) => temp,
                Err(message) => return super::fail(message),
            };
            let old_path = temp.path.clone();
            let labels = Labels {
                old: rev.clone(),
                new: "working-tree".into(),
            };
            (old_path, path, labels, Some(temp))
        }
        (None, Some(old), Some(new)) => (old.clone(), new.clone(), Labels::default(), None),
        _ => {
            return super::fail(
                "give two versions to compare (`iamx diff OLD NEW`) or a revision (`iamx diff --rev REV [PATH]`)",
            )
        }
    };
    // Files of the old side of `--rev` are named `REV:path`, as git names them, not by the
    // temporary directory they were extracted to.
    let old_names = temp.as_ref().map(|temp| Naming {
        root: temp.root.clone(),
        rev: labels.old.clone(),
    });
    let (old_found, new_found) =
        iamx::parallel::join(|| find(&old, old_names.as_ref()), || find(&new, None));
    let (old_found, new_found) = match (old_found, new_found) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(exit), _) | (_, Err(exit)) => return exit,
    };
    // Sources are parsed once per version for all its environments, and the new version takes
    // the old one's tree of every file it has unchanged: most files of most changes.
    let old_ready = old_found.parse(None);
    let new_ready = new_found.parse(old_ready.trees());
    // The old version is resolved and lowered first, and the new one takes from it each role
    // whose file and surroundings are unchanged (`iamx::compile::lower_parsed_sharing`); the
    // old one's documents are measured and linted meanwhile, as both only read it. The old one
    // is checked first, so the new one's checks can skip each document the old version had
    // (`Lowered::checked`).
    let old_lowered = old_ready.lowered(&environments, None);
    let (new_lowered, old_measured) = iamx::parallel::join(
        || new_ready.lowered(&environments, Some(&old_lowered)),
        || old_lowered.measured(None),
    );
    let old_checked = old_lowered.checked(None, old_measured);
    let new_measured = new_lowered.measured(Some(&old_checked));
    let new_checked = new_lowered.checked(Some(&old_checked), new_measured);
    // A version that does not compile is reported as `iamx check` reports it, with its exit
    // code; both are reported, the old one first.
    let old_compiles = old_checked.report_errors(&old, old_names.as_ref());
    let new_compiles = new_checked.report_errors(&new, None);
    if !(old_compiles && new_compiles) {
        return Exit::InputErrors;
    }
    // Statement places (`file:line`) are only shown in Markdown: found only for it.
    let places = args.format == DiffFormat::Markdown;
    let (old_side, new_side) = iamx::parallel::join(
        || old_checked.versions(places),
        || new_checked.versions(places),
    );
    let (mut old_side, new_side) = match pair_environments(old_side, new_side, &environments) {
        Ok(pair) => pair,
        Err(exit) => return exit,
    };
    // Two single JSON files are the same policy in two versions, whatever their names.
    if old_side.single_json && new_side.single_json {
        let new_name = new_side.side.documents[0].name.clone();
        old_side.side.documents[0].name = new_name;
    }
    let report = match diff::diff(&old_side.side, &new_side.side, &labels) {
        Ok(report) => report,
        Err(message) => return super::fail(message),
    };
    match args.format {
        DiffFormat::Text => out!(
            "{}",
            diff::render_text(&report, super::output::colour_stdout())
        ),
        DiffFormat::Json => out!("{}", diff::render_json(&report)),
        DiffFormat::Markdown => {
            let old_places = old_side.places;
            let locate = |kind: &str, name: &str, statement: usize, new: bool| {
                let places = if new { &new_side.places } else { &old_places };
                let key = (kind.to_string(), name.to_string());
                places.get(&key)?.get(statement.checked_sub(1)?).cloned()
            };
            out!("{}", diff::markdown::render_markdown(&report, &locate))
        }
    }
    let exit = match () {
        _ if !args.exit_code => Exit::Success,
        _ if report.widens() => Exit::InputErrors,
        // Nothing found widened, but an undecided part may be: the gate fails closed, with
        // verify's and report's code for "could not decide".
        _ if report.may_widen() => Exit::Unknown,
        _ => Exit::Success,
    };
    super::release_at_exit((old_side.side, new_side.side, report));
    exit
}

/// How the old side of `--rev` names its files: `REV:path` for a file below `root`.
struct Naming {
    root: PathBuf,
    rev: String,
}

impl Naming {
    fn name(naming: Option<&Naming>, path: &str) -> String {
        match naming.and_then(|n| Some((n, Path::new(path).strip_prefix(&n.root).ok()?))) {
            // The top of the compared tree is `REV:.`, as clearer than git's own `REV:`.
            Some((naming, relative)) if relative == Path::new("") => format!("{}:.", naming.rev),
            Some((naming, relative)) => format!(
                "{}:{}",
                naming.rev,
                relative.to_string_lossy().replace('\\', "/")
            ),
            None => path.to_string(),
        }
    }
}

/// One version, by environment: `None` alone for a project without environments (or plain
/// JSON), else the environments it declares (or `--env` names), each loaded.
struct Versions {
    by_environment: Vec<(Option<String>, Loaded)>,
    /// The environments the version declares, whether loaded or not.
    declared: Vec<String>,
    /// A project's sources (for reporting a wrong `--env`).
    inputs: Vec<iamx::compile::Input>,
}

impl Versions {
    fn one(loaded: Loaded) -> Versions {
        Versions {
            by_environment: vec![(None, loaded)],
            declared: Vec::new(),
            inputs: Vec::new(),
        }
    }
}

/// A version as found: a project's `.iamx` sources, still to parse, or documents loaded.
enum Found {
    Sources(Vec<iamx::compile::Input>),
    Loaded(Versions),
}

impl Found {
    /// The version ready to compare: sources read and parsed (`iamx::compile::parse_inputs`),
    /// taking the trees of `earlier` for the files it has unchanged.
    fn parse(self, earlier: Option<&Parsed>) -> Ready {
        match self {
            Found::Sources(inputs) => {
                let parsed = iamx::compile::parse_inputs(inputs.clone(), earlier, 2);
                Ready::Parsed(inputs, parsed)
            }
            Found::Loaded(versions) => Ready::Loaded(versions),
        }
    }
}

/// A version parsed, or loaded.
enum Ready {
    Parsed(Vec<iamx::compile::Input>, Parsed),
    Loaded(Versions),
}

impl Ready {
    fn trees(&self) -> Option<&Parsed> {
        match self {
            Ready::Parsed(_, parsed) => Some(parsed),
            Ready::Loaded(_) => None,
        }
    }

    /// Each environment the version is compared in (all it declares, or those of `envs` it
    /// declares; one run without environments), resolved and lowered. `earlier`: the other
    /// version, lowered, whose roles of the same environment this one takes where it can; with
    /// none, this one offers its roles.
    fn lowered(
        self,
        envs: &[String],
        earlier: Option<&Stage<iamx::compile::Lowered>>,
    ) -> Stage<iamx::compile::Lowered> {
        let (inputs, parsed) = match self {
            Ready::Parsed(inputs, parsed) => (inputs, parsed),
            Ready::Loaded(versions) => return Stage::Loaded(versions),
        };
        let declared = iamx::compile::declared_environments(&inputs);
        let environments: Vec<Option<String>> = if declared.is_empty() {
            vec![None]
        } else if envs.is_empty() {
            declared.iter().cloned().map(Some).collect()
        } else {
            envs.iter()
                .filter(|e| declared.contains(e))
                .cloned()
                .map(Some)
                .collect()
        };
        let runs = parsed.runs(environments.len());
        let runs = (environments.into_iter().zip(runs))
            .map(|(environment, trees)| {
                let sharing = match earlier {
                    None => Sharing::Offer,
                    Some(earlier) => earlier
                        .run(&environment)
                        .map_or(Sharing::None, |run| run.offered()),
                };
                let options = options(environment.clone());
                let lowered = iamx::compile::lower_parsed_sharing(trees, &options, sharing);
                (environment, lowered)
            })
            .collect();
        Stage::Compiled {
            inputs,
            declared,
            runs,
        }
    }
}

/// How `diff` compiles a version: for errors only, shown when it does not compile. Freed memory
/// is not returned to the system between stages, as `check` does for its peak: `diff` holds two
/// versions, and each page returned is a page fault when the other version's stages use it
/// again (docs/performance.md, item 100).
fn options(environment: Option<String>) -> iamx::compile::Options {
    iamx::compile::Options {
        environment,
        errors_only: true,
        release_memory: None,
        stream_roles: false,
    }
}

/// A version on its way to being compared: each environment's compilation at one stage
/// (lowered, then checked), or documents loaded.
enum Stage<T> {
    Compiled {
        inputs: Vec<iamx::compile::Input>,
        /// The environments the version declares, whether compiled or not.
        declared: Vec<String>,
        runs: Vec<(Option<String>, T)>,
    },
    Loaded(Versions),
}

impl<T> Stage<T> {
    /// The compilation of `environment`, if the version was compiled in it.
    fn run(&self, environment: &Option<String>) -> Option<&T> {
        match self {
            Stage::Compiled { runs, .. } => (runs.iter())
                .find(|(e, _)| e == environment)
                .map(|(_, run)| run),
            Stage::Loaded(_) => None,
        }
    }
}

impl Stage<iamx::compile::Lowered> {
    /// Each environment's documents measured and linted ([`iamx::compile::Lowered::measured`]);
    /// `earlier`: the other version, checked, whose documents of the same environment need no
    /// checking again (see `iamx::compile::Lowered::checked`).
    fn measured(&self, earlier: Option<&Stage<Compilation>>) -> Vec<Measured<()>> {
        match self {
            Stage::Compiled { runs, .. } => (runs.iter())
                .map(|(environment, lowered)| {
                    let known = earlier.and_then(|earlier| earlier.compiled(environment));
                    lowered.measured(&options(environment.clone()), known, None)
                })
                .collect(),
            Stage::Loaded(_) => Vec::new(),
        }
    }

    /// Each environment checked, given what [`Stage::measured`] found with the same `earlier`.
    fn checked(
        self,
        earlier: Option<&Stage<Compilation>>,
        measured: Vec<Measured<()>>,
    ) -> Stage<Compilation> {
        match self {
            Stage::Compiled {
                inputs,
                declared,
                runs,
            } => Stage::Compiled {
                inputs,
                declared,
                runs: (runs.into_iter().zip(measured))
                    .map(|((environment, lowered), measured)| {
                        let known = earlier.and_then(|earlier| earlier.compiled(&environment));
                        let options = options(environment.clone());
                        let (checked, _) = lowered.checked_measured(&options, known, measured);
                        (environment, checked)
                    })
                    .collect(),
            },
            Stage::Loaded(versions) => Stage::Loaded(versions),
        }
    }
}

impl Stage<Compilation> {
    /// The documents `environment`'s compilation made, if it compiled.
    fn compiled(&self, environment: &Option<String>) -> Option<&iamx::compile::output::Compiled> {
        self.run(environment)
            .and_then(|compilation| compilation.compiled.as_ref())
    }

    /// Whether every environment of the version compiled; if not, its errors are shown (each
    /// once: every environment usually fails the same way), never its warnings.
    fn report_errors(&self, path: &Path, naming: Option<&Naming>) -> bool {
        let Stage::Compiled { runs, .. } = self else {
            return true;
        };
        let mut failed: Vec<String> = Vec::new();
        for (_, compilation) in runs.iter().filter(|(_, c)| c.compiled.is_none()) {
            let errors: Vec<_> = compilation
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .cloned()
                .collect();
            let text = iamx::diagnostics::render(
                &errors,
                &compilation.sources,
                super::output::colour_stderr(),
            );
            if !failed.contains(&text) {
                super::output::err!("{text}");
                failed.push(text);
            }
        }
        if !failed.is_empty() {
            super::output::errln!(
                "error: `{}` does not compile; nothing was compared",
                Naming::name(naming, &path.display().to_string())
            );
        }
        failed.is_empty()
    }

    /// The version's documents per environment, once every one compiled
    /// ([`Stage::report_errors`]); `with_places`: find where each statement came from.
    fn versions(self, with_places: bool) -> Versions {
        let (inputs, declared, runs) = match self {
            Stage::Compiled {
                inputs,
                declared,
                runs,
            } => (inputs, declared, runs),
            Stage::Loaded(versions) => return versions,
        };
        let mut by_environment = Vec::with_capacity(runs.len());
        for (environment, compilation) in runs {
            // Every environment compiled (`report_errors`); one that did not has nothing to compare.
            let Some(compiled) = compilation.compiled else {
                continue;
            };
            let mut places = Places::new();
            for document in compiled.documents.iter().filter(|_| with_places) {
                let lines = document
                    .origins
                    .iter()
                    .map(|origin| {
                        let file = compilation.sources.get(origin.span.file);
                        let (line, _) = file.line_column(origin.span.start as usize);
                        format!("{}:{line}", file.name)
                    })
                    .collect();
                places.insert(
                    (document.kind.as_str().to_string(), document.name.clone()),
                    lines,
                );
            }
            by_environment.push((
                environment,
                Loaded {
                    side: Side::from_compiled(compiled),
                    single_json: false,
                    places,
                },
            ));
        }
        Versions {
            by_environment,
            declared,
            inputs,
        }
    }
}

/// Finds what `path` holds: a project's `.iamx` sources, or a build output or JSON policies,
/// which are loaded.
fn find(path: &Path, naming: Option<&Naming>) -> Result<Found, Exit> {
    let shown = Naming::name(naming, &path.display().to_string());
    let metadata = std::fs::metadata(path)
        .map_err(|e| super::fail(format!("cannot read `{shown}`: {}", files::plain(&e))))?;
    if metadata.is_dir() {
        if path.join("manifest.json").is_file() {
            return load_outputs(path).map(Found::Loaded);
        }
        if has_extension_below(path, "iamx") {
            return sources(path, naming).map(Found::Sources);
        }
        if has_extension_below(path, "json") {
            return load_json_dir(path, naming).map(|loaded| Found::Loaded(Versions::one(loaded)));
        }
        return Err(super::fail(format!(
            "`{shown}` has no .iamx files, no manifest.json and no .json policies"
        )));
    }
    if path.file_name().is_some_and(|n| n == "manifest.json") {
        return load_outputs(path.parent().unwrap_or(Path::new("."))).map(Found::Loaded);
    }
    if path.extension().is_some_and(|e| e == "json") {
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let document = read_json_policy(path, &name, naming)?;
        return Ok(Found::Loaded(Versions::one(Loaded {
            side: Side {
                documents: vec![document],
                principals: vec![],
            },
            single_json: true,
            places: Places::new(),
        })));
    }
    sources(path, naming).map(Found::Sources)
}

/// Pairs the environments of the two versions into one pair of sides. Without environments
/// that is the two sides as they are; with them, each environment's documents and principals
/// are named `<environment>/<name>` (files `<environment>/<file>`, as `iamx build` lays them
/// out), so one report covers every account. An environment only one version has is compared
/// with nothing; a version without environments stands for each environment of the other.
fn pair_environments(
    old: Versions,
    new: Versions,
    requested: &[String],
) -> Result<(Loaded, Loaded), Exit> {
    for wanted in requested {
        if !old.declared.contains(wanted) && !new.declared.contains(wanted) {
            let inputs = if new.inputs.is_empty() {
                &old.inputs
            } else {
                &new.inputs
            };
            let (sources, diagnostics) = super::findings::wrong_environment(inputs, wanted);
            super::report(&diagnostics, &sources);
            return Err(Exit::InputErrors);
        }
    }
    let plain = |v: &Versions| matches!(v.by_environment.as_slice(), [(None, _)]);
    if plain(&old) && plain(&new) {
        let take = |v: Versions| {
            v.by_environment
                .into_iter()
                .next()
                .map(|(_, l)| l)
                .unwrap_or_default()
        };
        return Ok((take(old), take(new)));
    }
    let mut names: Vec<String> = Vec::new();
    for (environment, _) in new.by_environment.iter().chain(&old.by_environment) {
        if let Some(environment) = environment {
            if !names.contains(environment) {
                names.push(environment.clone());
            }
        }
    }
    let combine = |version: &Versions| {
        let mut combined = Loaded::default();
        for name in &names {
            let found = version
                .by_environment
                .iter()
                .find(|(e, _)| e.as_deref() == Some(name.as_str()) || e.is_none());
            if let Some((_, loaded)) = found {
                add_environment(&mut combined, name, loaded);
            }
        }
        combined
    };
    Ok((combine(&old), combine(&new)))
}

/// Adds one environment's side to a combined one, its names prefixed with the environment.
fn add_environment(combined: &mut Loaded, environment: &str, loaded: &Loaded) {
    for document in &loaded.side.documents {
        let mut document = document.clone();
        document.name = format!("{environment}/{}", document.name);
        document.file = format!("{environment}/{}", document.file);
        combined.side.documents.push(document);
    }
    for principal in &loaded.side.principals {
        let mut principal = principal.clone();
        principal.name = format!("{environment}/{}", principal.name);
        combined.side.principals.push(principal);
    }
    for ((kind, name), lines) in &loaded.places {
        combined.places.insert(
            (kind.clone(), format!("{environment}/{name}")),
            lines.clone(),
        );
    }
}

fn has_extension_below(dir: &Path, extension: &str) -> bool {
    json_files(dir, extension)
        .map(|f| !f.is_empty())
        .unwrap_or(false)
}

/// Files with the extension below `dir` (hidden entries skipped), sorted.
fn json_files(dir: &Path, extension: &str) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == extension) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A project's `.iamx` sources, named as messages show them.
fn sources(path: &Path, naming: Option<&Naming>) -> Result<Vec<iamx::compile::Input>, Exit> {
    let mut inputs = files::collect_sources(&[path.to_path_buf()]).map_err(super::fail)?;
    for input in &mut inputs {
        input.name = Naming::name(naming, &input.name);
    }
    Ok(inputs)
}

/// A build output: one directory with its manifest, or a build with environments (a top-level
/// `manifest.json` listing each environment's directory).
fn load_outputs(dir: &Path) -> Result<Versions, Exit> {
    let manifest_path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&manifest_path).map_err(|e| {
        super::fail(format!(
            "cannot read `{}`: {}",
            manifest_path.display(),
            files::plain(&e)
        ))
    })?;
    let listed: Option<Vec<String>> = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| {
            v.get("environments")?
                .as_array()?
                .iter()
                .map(|e| e.get("name")?.as_str().map(str::to_string))
                .collect()
        });
    let Some(listed) = listed else {
        return load_output(dir).map(Versions::one);
    };
    let mut by_environment = Vec::new();
    for environment in &listed {
        by_environment.push((
            Some(environment.clone()),
            load_output(&dir.join(environment))?,
        ));
    }
    Ok(Versions {
        by_environment,
        declared: listed,
        inputs: Vec::new(),
    })
}

fn load_output(dir: &Path) -> Result<Loaded, Exit> {
    let manifest_path = dir.join("manifest.json");
    let manifest = std::fs::read_to_string(&manifest_path).map_err(|e| {
        super::fail(format!(
            "cannot read `{}`: {}",
            manifest_path.display(),
            files::plain(&e)
        ))
    })?;
    let mut read = |file: &str| {
        std::fs::read_to_string(dir.join(file)).map_err(|e| {
            format!(
                "cannot read `{}`: {}",
                dir.join(file).display(),
                files::plain(&e)
            )
        })
    };
    let side = Side::from_manifest(&manifest, &mut read)
        .map_err(|message| super::fail(format!("{}: {message}", dir.display())))?;
    Ok(Loaded {
        side,
        single_json: false,
        places: Places::new(),
    })
}

fn load_json_dir(dir: &Path, naming: Option<&Naming>) -> Result<Loaded, Exit> {
    let found = json_files(dir, "json").map_err(|e| {
        super::fail(format!(
            "cannot read `{}`: {}",
            dir.display(),
            files::plain(&e)
        ))
    })?;
    let mut documents = Vec::new();
    for path in found {
        let relative = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        documents.push(read_json_policy(&path, &relative, naming)?);
    }
    Ok(Loaded {
        side: Side {
            documents,
            principals: vec![],
        },
        single_json: false,
        places: Places::new(),
    })
}

/// One plain IAM policy file; parse errors are rendered with their positions, and are input
/// errors (exit 1) as in `iamx check`.
fn read_json_policy(
    path: &Path,
    name: &str,
    naming: Option<&Naming>,
) -> Result<SideDocument, Exit> {
    let shown = Naming::name(naming, &path.display().to_string());
    let bytes = files::read_file(path)
        .map_err(|e| super::fail(format!("cannot read `{shown}`: {}", files::plain(&e))))?;
    let mut sources = iamx::source::Sources::new();
    let (_, read, diagnostics) = iamx::iam::read::read_file(&mut sources, shown.clone(), &bytes);
    let Some(read) = read else {
        super::report(&diagnostics, &sources);
        super::output::errln!(
            "error: `{shown}` is not an IAM policy document; nothing was compared"
        );
        return Err(Exit::InputErrors);
    };
    Ok(SideDocument {
        kind: "policy".into(),
        name: name.to_string(),
        file: name.to_string(),
        arn: None,
        owner: None,
        body: Body::Policy(std::sync::Arc::new(read.policy)),
    })
}

/// A temporary directory removed on drop.
struct TempDir {
    root: PathBuf,
    /// The compared path inside it.
    path: PathBuf,
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {}", files::plain(&e)))?;
    if !output.status.success() {
        return Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .trim_end()
        .to_string())
}

/// Extracts `path` as it was at `rev` into a temporary directory (`git archive | tar -x`).
fn extract_revision(rev: &str, path: &Path) -> Result<TempDir, String> {
    let absolute = std::fs::canonicalize(path)
        .map_err(|e| format!("cannot read `{}`: {}", path.display(), files::plain(&e)))?;
    let dir = if absolute.is_dir() {
        absolute.clone()
    } else {
        absolute.parent().unwrap_or(Path::new("/")).to_path_buf()
    };
    let top = PathBuf::from(git(&dir, &["rev-parse", "--show-toplevel"])?);
    let top = std::fs::canonicalize(&top).unwrap_or(top);
    let commit = git(
        &dir,
        &["rev-parse", "--verify", &format!("{rev}^{{commit}}")],
    )?;
    let relative = absolute
        .strip_prefix(&top)
        .map_err(|_| format!("`{}` is not inside the git repository", path.display()))?
        .to_string_lossy()
        .replace('\\', "/");
    let root = std::env::temp_dir().join(format!(
        "iamx-diff-{}-{}",
        std::process::id(),
        &commit[..commit.len().min(12)]
    ));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root)
        .map_err(|e| format!("cannot create `{}`: {}", root.display(), files::plain(&e)))?;
    let temp = TempDir {
        path: if relative.is_empty() {
            root.clone()
        } else {
            root.join(&relative)
        },
        root,
    };
    let mut archive = Command::new("git");
    archive
        .arg("-C")
        .arg(&top)
        .args(["archive", "--format=tar", &commit]);
    if !relative.is_empty() {
        archive.args(["--", &relative]);
    }
    let mut archive = archive
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git: {}", files::plain(&e)))?;
    let stdout = archive.stdout.take().expect("piped");
    let untar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(&temp.root)
        .stdin(stdout)
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run tar: {}", files::plain(&e)))?;
    let archived = archive
        .wait_with_output()
        .map_err(|e| format!("git archive: {}", files::plain(&e)))?;
    if !archived.status.success() {
        return Err(format!(
            "`{}` is not in revision `{rev}`: {}",
            path.display(),
            String::from_utf8_lossy(&archived.stderr).trim()
        ));
    }
    if !untar.status.success() {
        return Err(format!(
            "tar: {}",
            String::from_utf8_lossy(&untar.stderr).trim()
        ));
    }
    if !temp.path.exists() {
        return Err(format!("`{}` is not in revision `{rev}`", path.display()));
    }
    Ok(temp)
}
