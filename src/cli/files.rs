//! Reading sources from the command line's paths, and writing an output directory atomically.

use iamx::compile::Input;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The name standard input goes by in diagnostics and messages.
pub const STDIN_NAME: &str = "<stdin>";

/// Whether a command-line path is `-`, standard input.
pub fn is_stdin(path: &Path) -> bool {
    path == Path::new("-")
}

/// All of standard input, as one input named [`STDIN_NAME`].
pub fn read_stdin() -> Result<Input, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read standard input: {}", plain(&e)))?;
    Ok(Input {
        name: STDIN_NAME.to_string(),
        bytes,
    })
}

/// Refuses `-` together with other paths: it would be read once, and the output of `fmt -`
/// (stdout) and of `fmt FILE` (in place) cannot be mixed.
pub fn stdin_alone(paths: &[PathBuf]) -> Result<bool, String> {
    match paths.iter().any(|p| is_stdin(p)) {
        true if paths.len() > 1 => {
            Err("`-` (standard input) cannot be combined with other paths".into())
        }
        reads_stdin => Ok(reads_stdin),
    }
}

/// The `.iamx` files named by `paths`: files as given, directories searched recursively (hidden
/// entries skipped), in sorted order so builds are deterministic.
pub fn collect_sources(paths: &[PathBuf]) -> Result<Vec<Input>, String> {
    let mut found = Vec::new();
    for path in paths {
        let metadata = fs::metadata(path)
            .map_err(|e| format!("cannot read `{}`: {}", path.display(), plain(&e)))?;
        if metadata.is_dir() {
            let before = found.len();
            walk(path, &mut found)
                .map_err(|e| format!("cannot read `{}`: {}", path.display(), plain(&e)))?;
            if found.len() == before {
                // A build output given where sources are expected: say which commands read one.
                let hint = match path.join("manifest.json").is_file() {
                    true => "; it is a build output (it has a `manifest.json`), which `iamx explain`, `iamx who-can`, `iamx report` and `iamx diff` read",
                    false => "",
                };
                return Err(format!(
                    "`{}` contains no .iamx files{hint}",
                    path.display()
                ));
            }
        } else {
            found.push(path.clone());
        }
    }
    found.sort();
    found.dedup();
    found
        .into_iter()
        .map(|path| {
            let bytes = read_file(&path)
                .map_err(|e| format!("cannot read `{}`: {}", path.display(), plain(&e)))?;
            Ok(Input {
                name: path.display().to_string(),
                bytes,
            })
        })
        .collect()
}

/// A file's bytes, as `fs::read` gives them, in four system calls (open, the size, one read,
/// close) instead of its five: a read that fills the size a regular file has is taken as its
/// end, where `fs::read` reads once more to see it. `check` of 1,000 policy files makes 1,000
/// of each call (that read and the `statx` `check` no longer asks before a `.json` path cost
/// ~4% of its time together). A directory is an `IsADirectory` error.
/// Every command reads the files its arguments name with it.
pub fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut file = fs::File::open(path)?;
    let metadata = file.metadata()?;
    if metadata.is_dir() {
        // Worded as the system's own error, which `fs::read` gave.
        return Err(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "Is a directory",
        ));
    }
    let size = metadata.len();
    let mut bytes = Vec::new();
    // Fallible, as `fs::read`'s: a huge file is an error to report, not an abort.
    (bytes.try_reserve_exact(usize::try_from(size).unwrap_or(usize::MAX)))
        .map_err(|_| std::io::Error::from(std::io::ErrorKind::OutOfMemory))?;
    if metadata.is_file() && size > 0 {
        // `take` stops at the size without asking the file again: a file written to while it
        // is read is read as long as it was when its size was taken.
        file.take(size).read_to_end(&mut bytes)?;
    } else {
        // A pipe (`<(...)`, `/dev/stdin`) or a file of the kernel's says nothing of its size.
        file.read_to_end(&mut bytes)?;
    }
    Ok(bytes)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if entry.file_type()?.is_dir() {
            walk(&path, found)?;
        } else if path.extension().is_some_and(|ext| ext == "iamx") {
            found.push(path);
        }
    }
    Ok(())
}

/// Whether a directory holds `.iamx` files (below it, hidden entries skipped).
pub fn has_iamx(dir: &Path) -> bool {
    let mut found = Vec::new();
    walk(dir, &mut found).is_ok() && !found.is_empty()
}

/// The JSON policy files below `dir`, sorted, each with its kind when known. A build output
/// directory (with `manifest.json`) gives its documents with the manifest's kinds; any other
/// directory is searched recursively, skipping hidden entries, `manifest.json`, CloudFormation
/// templates and Terraform files, which are JSON but not policies.
pub fn json_policies(dir: &Path) -> Result<Vec<(PathBuf, Option<String>)>, String> {
    let cannot = |e: &dyn std::fmt::Display| format!("cannot read `{}`: {e}", dir.display());
    let manifest = dir.join(MARKER);
    if manifest.is_file() {
        let text = fs::read_to_string(&manifest).map_err(|e| cannot(&plain(&e)))?;
        let value: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| format!("`{}` is not a build manifest: {e}", manifest.display()))?;
        let documents = value["documents"].as_array().cloned().unwrap_or_default();
        let mut found: Vec<(PathBuf, Option<String>)> = documents
            .iter()
            .filter_map(|d| {
                let file = d["file"].as_str()?;
                Some((dir.join(file), d["kind"].as_str().map(str::to_string)))
            })
            .collect();
        found.sort();
        return Ok(found);
    }
    let mut found = Vec::new();
    walk_json(dir, &mut found).map_err(|e| cannot(&plain(&e)))?;
    if found.is_empty() {
        return Err(format!(
            "`{}` contains no .iamx files and no JSON policies",
            dir.display()
        ));
    }
    found.sort();
    Ok(found.into_iter().map(|p| (p, None)).collect())
}

fn walk_json(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if entry.file_type()?.is_dir() {
            walk_json(&path, found)?;
            continue;
        }
        let tool_output = name == MARKER || name == "template.json" || name.ends_with(".tf.json");
        if name.ends_with(".json") && !tool_output && !is_cloudformation(&path) {
            found.push(path);
        }
    }
    Ok(())
}

/// A CloudFormation template under another name: its first bytes name the template format or
/// its `Resources`, which no policy has.
fn is_cloudformation(path: &Path) -> bool {
    let mut head = [0u8; 512];
    let read = fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    let head = String::from_utf8_lossy(&head[..read]);
    head.contains("\"AWSTemplateFormatVersion\"") || head.contains("\"Resources\"")
}

/// The error text without Rust's "(os error 2)" suffix.
pub fn plain(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// The marker that says a directory was written by `iamx build` and may be replaced.
const MARKER: &str = "manifest.json";

/// Replaces `dir` with exactly `files` and the user's files ([`keep_users_files`]), and leaves
/// the subdirectories `kept` (environments this build does not write) as they are. Everything
/// is written to a sibling temporary directory first and swapped in with renames, so on any
/// failure `dir` is left as it was.
pub fn write_build(
    dir: &Path,
    files: &std::collections::BTreeMap<String, String>,
    kept: &[String],
) -> Result<(), String> {
    write_keeping(dir, files, kept, MARKER, "an iamx output directory")
}

/// [`write_build`] for a directory whose earlier versions hold `marker` (`report.html` for
/// `iamx report`): only such a directory, or an empty one, is replaced. `what` names it in the
/// refusal: `an iamx report directory`.
pub fn write_marked(
    dir: &Path,
    files: &std::collections::BTreeMap<String, String>,
    marker: &str,
    what: &str,
) -> Result<(), String> {
    write_keeping(dir, files, &[], marker, what)
}

fn write_keeping(
    dir: &Path,
    files: &std::collections::BTreeMap<String, String>,
    kept: &[String],
    marker: &str,
    what: &str,
) -> Result<(), String> {
    if dir.exists() {
        let is_ours = dir.join(marker).is_file();
        let is_empty = fs::read_dir(dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !dir.is_dir() || !(is_ours || is_empty) {
            return Err(format!(
                "`{}` exists and is not {what} (it has no {marker}); refusing to replace it",
                dir.display()
            ));
        }
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)
        .map_err(|e| format!("cannot create `{}`: {}", parent.display(), plain(&e)))?;
    let base = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".to_string());
    let staging = parent.join(format!(".{base}.iamx-new-{}", std::process::id()));
    let retired = parent.join(format!(".{base}.iamx-old-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    // What was moved from the old output into the new one, to move back on a failure: the
    // staging directory is then deleted, and the user's files must not go with it.
    let mut moved = Vec::new();
    let result = write_tree(&staging, files)
        .and_then(|()| keep_directories(dir, &staging, files, kept, &mut moved))
        .and_then(|()| keep_users_files(dir, &staging, files, kept, &mut moved))
        .and_then(|()| swap_in(dir, &staging, &retired));
    if result.is_err() {
        for (old, new) in moved.iter().rev() {
            let _ = fs::rename(new, old);
        }
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn write_tree(
    root: &Path,
    files: &std::collections::BTreeMap<String, String>,
) -> Result<(), String> {
    // Each directory is created once, then the files are written on all cores: a large project
    // has tens of thousands of small files, and the system calls are most of a build's time.
    let directories: std::collections::BTreeSet<PathBuf> = files
        .keys()
        .filter_map(|relative| root.join(relative).parent().map(Path::to_path_buf))
        .collect();
    for directory in &directories {
        fs::create_dir_all(directory)
            .map_err(|e| format!("cannot create `{}`: {}", directory.display(), plain(&e)))?;
    }
    let entries: Vec<(&String, &String)> = files.iter().collect();
    let errors = iamx::parallel::flat_map(&entries, |(relative, contents)| {
        let path = root.join(relative);
        match fs::write(&path, contents) {
            Ok(()) => Vec::new(),
            Err(e) => vec![format!("cannot write `{}`: {}", path.display(), plain(&e))],
        }
    });
    match errors.into_iter().next() {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// Files that tools keep in the output directory and that a re-build must not delete:
/// `terraform init`/`apply` run in the directory of `main.tf.json` and keep their state there.
const WORKING_FILES: [&str; 5] = [
    ".terraform",
    ".terraform.lock.hcl",
    "terraform.tfstate",
    "terraform.tfstate.backup",
    "terraform.tfstate.d",
];

/// Terraform files a user adds beside `main.tf.json` (a `backend.tf` for remote state, a
/// provider block, overrides, variables). iamx writes none of these names but its own
/// `main.tf.json`, so a file of the old output so named is the user's and is kept; an old
/// `main.tf.json` is iamx's, and must not outlive a build in another format or layout.
fn is_users_terraform_file(name: &str) -> bool {
    name != iamx::emit::terraform::FILE
        && [".tf", ".tf.json", ".tfvars", ".tfvars.json"]
            .iter()
            .any(|suffix| name.ends_with(suffix))
}

/// Moves the directories `kept` of the old output into the new one whole: they are outputs of
/// environments this build does not write, deployment state included.
fn keep_directories(
    dir: &Path,
    staging: &Path,
    files: &std::collections::BTreeMap<String, String>,
    kept: &[String],
    moved: &mut Vec<(PathBuf, PathBuf)>,
) -> Result<(), String> {
    for name in kept {
        // Only a plain name: a kept directory must be one of `dir`'s own, and not one the new
        // output writes into.
        let simple = !name.is_empty() && !name.starts_with('.') && !name.contains(['/', '\\']);
        let written = files.keys().any(|f| f.starts_with(&format!("{name}/")));
        let old = dir.join(name);
        if !simple || written || !old.is_dir() {
            continue;
        }
        let new = staging.join(name);
        fs::rename(&old, &new)
            .map_err(|e| format!("cannot keep `{}`: {}", old.display(), plain(&e)))?;
        moved.push((old, new));
    }
    Ok(())
}

/// Moves the user's files of the old output into the new one before the swap: the tools'
/// working files ([`WORKING_FILES`]) and the user's Terraform files, wherever an output was
/// (a directory with a manifest) in the old output or is in the new one. An old environment's
/// directory the new output has no use for keeps only these files: a flat build after one with
/// environments, or an environment the sources no longer declare, must not lose its Terraform
/// state.
fn keep_users_files(
    dir: &Path,
    staging: &Path,
    files: &std::collections::BTreeMap<String, String>,
    kept: &[String],
    moved: &mut Vec<(PathBuf, PathBuf)>,
) -> Result<(), String> {
    let mut roots: std::collections::BTreeSet<String> = files
        .keys()
        .filter_map(|f| f.strip_suffix(MARKER))
        .filter(|prefix| prefix.is_empty() || prefix.ends_with('/'))
        .map(str::to_string)
        .collect();
    if dir.join(MARKER).is_file() {
        roots.insert(String::new());
        // The old output's environments (its subdirectories with a manifest), and what is left
        // of those an earlier build dropped: a directory the new output does not write into
        // that holds nothing but the user's files.
        for entry in fs::read_dir(dir)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
        {
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            if !entry.file_type().is_ok_and(|t| t.is_dir()) || kept.contains(&name) {
                continue;
            }
            let path = entry.path();
            let written = files.keys().any(|f| f.starts_with(&format!("{name}/")));
            if path.join(MARKER).is_file() || (!written && only_users_files(&path)) {
                roots.insert(format!("{name}/"));
            }
        }
    }
    for root in &roots {
        let users: Vec<String> = match fs::read_dir(dir.join(root)) {
            Ok(entries) => entries
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|name| {
                    is_users_terraform_file(name) && !files.contains_key(&format!("{root}{name}"))
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        let kept = WORKING_FILES
            .iter()
            .copied()
            .chain(users.iter().map(String::as_str));
        for name in kept {
            let old = dir.join(root).join(name);
            if old.exists() {
                let folder = staging.join(root);
                fs::create_dir_all(&folder)
                    .map_err(|e| format!("cannot create `{}`: {}", folder.display(), plain(&e)))?;
                let new = folder.join(name);
                fs::rename(&old, &new)
                    .map_err(|e| format!("cannot keep `{}`: {}", old.display(), plain(&e)))?;
                moved.push((old, new));
            }
        }
    }
    Ok(())
}

/// Whether `dir` holds something, and only the tools' working files and the user's Terraform
/// files.
fn only_users_files(dir: &Path) -> bool {
    let Ok(entries) = fs::read_dir(dir) else {
        return false;
    };
    let mut any = false;
    for entry in entries {
        let Ok(entry) = entry else {
            return false;
        };
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if !(WORKING_FILES.contains(&name.as_str()) || (is_file && is_users_terraform_file(&name)))
        {
            return false;
        }
        any = true;
    }
    any
}

fn swap_in(dir: &Path, staging: &Path, retired: &Path) -> Result<(), String> {
    let had_old = dir.exists();
    if had_old {
        fs::rename(dir, retired)
            .map_err(|e| format!("cannot replace `{}`: {}", dir.display(), plain(&e)))?;
    }
    if let Err(e) = fs::rename(staging, dir) {
        if had_old {
            let _ = fs::rename(retired, dir);
        }
        return Err(format!("cannot write `{}`: {}", dir.display(), plain(&e)));
    }
    if had_old {
        let _ = fs::remove_dir_all(retired);
    }
    Ok(())
}
