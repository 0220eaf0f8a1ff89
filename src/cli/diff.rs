//! `iamx diff OLD NEW` and `iamx diff --rev REV [PATH]`: what changed, as text and as access.
//!
//! Each side is a `.iamx` file, a project directory, a build output directory (with
//! `manifest.json`), a directory of plain IAM JSON files, or one plain IAM JSON file. With
//! `--rev`, the old side is PATH as it was at a git revision (extracted with `git archive`)
//! and the new side is PATH in the working tree. Exit codes: 0 done (with `--exit-code`: no
//! access added and nothing undecided), 1 with `--exit-code` when access may have widened, 2
//! for usage errors and inputs that do not compile or parse.

use super::output::out;
use super::{files, Exit};
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
    /// Build projects for this environment (an `env` block).
    #[arg(long)]
    env: Option<String>,
    /// `text` for people; `json` for tools (same content); `markdown` for a pull-request
    /// comment (summary table, examples with the `.iamx` line, the JSON diff folded).
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
    /// Exit with 1 when access was added or could not be decided (a CI gate).
    #[arg(long)]
    exit_code: bool,
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
struct Loaded {
    side: Side,
    single_json: bool,
    /// Statement places, when the side was compiled from `.iamx` sources.
    places: Places,
}

pub fn run(args: Args) -> Exit {
    let (old, new, labels, _temp) = match (&args.rev, &args.old, &args.new) {
        (Some(rev), path, None) => {
            let path = path.clone().unwrap_or_else(|| PathBuf::from("."));
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
    // The two sides are independent: load (and compile) them at the same time.
    let env = args.env.as_deref();
    let (old_side, new_side) = iamx::parallel::join(|| load(&old, env), || load(&new, env));
    let (mut old_side, new_side) = match (old_side, new_side) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(exit), _) | (_, Err(exit)) => return exit,
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
            // With --rev the old side lives in a temporary directory: its file names would
            // mean nothing to a reviewer.
            let old_places = if args.rev.is_some() {
                Places::new()
            } else {
                old_side.places
            };
            let locate = |kind: &str, name: &str, statement: usize, new: bool| {
                let places = if new { &new_side.places } else { &old_places };
                let key = (kind.to_string(), name.to_string());
                places.get(&key)?.get(statement.checked_sub(1)?).cloned()
            };
            out!("{}", diff::markdown::render_markdown(&report, &locate))
        }
    }
    if args.exit_code && report.may_widen() {
        Exit::InputErrors
    } else {
        Exit::Success
    }
}

fn load(path: &Path, env: Option<&str>) -> Result<Loaded, Exit> {
    let metadata = std::fs::metadata(path).map_err(|e| {
        super::fail(format!(
            "cannot read `{}`: {}",
            path.display(),
            files::plain(&e)
        ))
    })?;
    if metadata.is_dir() {
        if path.join("manifest.json").is_file() {
            return load_output(path);
        }
        if has_extension_below(path, "iamx") {
            return compile(path, env);
        }
        if has_extension_below(path, "json") {
            return load_json_dir(path);
        }
        return Err(super::fail(format!(
            "`{}` has no .iamx files, no manifest.json and no .json policies",
            path.display()
        )));
    }
    if path.file_name().is_some_and(|n| n == "manifest.json") {
        return load_output(path.parent().unwrap_or(Path::new(".")));
    }
    if path.extension().is_some_and(|e| e == "json") {
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let document = read_json_policy(path, &name)?;
        return Ok(Loaded {
            side: Side {
                documents: vec![document],
                principals: vec![],
            },
            single_json: true,
            places: Places::new(),
        });
    }
    compile(path, env)
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

fn compile(path: &Path, env: Option<&str>) -> Result<Loaded, Exit> {
    let inputs = files::collect_sources(&[path.to_path_buf()]).map_err(super::fail)?;
    let options = iamx::compile::Options {
        environment: env.map(str::to_string),
    };
    let compilation = iamx::compile::compile(inputs, &options);
    let Some(compiled) = &compilation.compiled else {
        super::report(&compilation.diagnostics, &compilation.sources);
        return Err(super::fail(format!(
            "`{}` does not compile ({})",
            path.display(),
            super::summary(&compilation.diagnostics)
        )));
    };
    let mut places = Places::new();
    for document in &compiled.documents {
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
    Ok(Loaded {
        side: Side::from_compiled(compiled),
        single_json: false,
        places,
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

fn load_json_dir(dir: &Path) -> Result<Loaded, Exit> {
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
        documents.push(read_json_policy(&path, &relative)?);
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

/// One plain IAM policy file; parse errors are rendered with their positions.
fn read_json_policy(path: &Path, name: &str) -> Result<SideDocument, Exit> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        super::fail(format!(
            "cannot read `{}`: {}",
            path.display(),
            files::plain(&e)
        ))
    })?;
    let mut sources = iamx::source::Sources::new();
    let id = sources.add(path.display().to_string(), text);
    let (read, diagnostics) = iamx::iam::read::read(id, &sources.get(id).text);
    let Some(read) = read else {
        super::report(&diagnostics, &sources);
        return Err(super::fail(format!(
            "`{}` is not an IAM policy document",
            path.display()
        )));
    };
    Ok(SideDocument {
        kind: "policy".into(),
        name: name.to_string(),
        file: name.to_string(),
        arn: None,
        body: Body::Policy(read.policy),
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
