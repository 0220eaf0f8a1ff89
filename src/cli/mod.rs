//! The thin shell around the compiler: argument parsing, reading and writing files, rendering
//! diagnostics. Diagnostics go to stderr, data to stdout.

mod build;
mod catalog;
mod check;
mod diff;
mod explain;
mod files;
mod fmt;
mod import;
mod verify;

use clap::{Parser, Subcommand, ValueEnum};
use iamx::diagnostics::{self, Diagnostic};
use iamx::source::Sources;
use std::io::IsTerminal;
use std::process::ExitCode;

/// Exit codes shared by all subcommands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Success = 0,
    /// The input has errors (diagnostics say which).
    InputErrors = 1,
    /// The command line or the file system is wrong: bad flags, missing paths, unwritable output.
    Usage = 2,
    /// `verify`: nothing was violated, but something could not be decided.
    Unknown = 3,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}

#[derive(Parser)]
#[command(
    name = "iamx",
    version,
    about = "A compiler for a concise, boundary-aware AWS IAM policy language"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compile .iamx sources into IAM JSON documents and a manifest.
    Build(build::Args),
    /// Report errors and warnings without writing anything.
    Check(check::Args),
    /// Show what changed between two versions: text diff and access added or removed.
    Diff(diff::Args),
    /// Rewrite .iamx files in the canonical layout, keeping every comment.
    Fmt(fmt::Args),
    /// Turn IAM JSON (policies, trust policies, account authorization details) into .iamx.
    Import(import::Args),
    /// May a role, user or set of policies do ACTION on RESOURCE? Names the deciding statements.
    Explain(explain::Args),
    /// Prove roles stay inside their boundaries and delegations allow no escalation.
    Verify(verify::Args),
    /// List the AWS actions matching a pattern, with access levels, resources and keys.
    Catalog(catalog::Args),
}

/// `--format` of the reporting commands: text for people, JSON for tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Color {
    #[default]
    Auto,
    Always,
    Never,
}

impl Color {
    /// Colour only where a person reads it: a terminal, and NO_COLOR unset.
    pub fn for_stderr(self) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
            }
        }
    }

    /// The same rule for data printed to stdout (coloured diffs).
    pub fn for_stdout(self) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
            }
        }
    }
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let exit = match cli.command {
        Command::Build(args) => build::run(args),
        Command::Check(args) => check::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Import(args) => import::run(args),
        Command::Catalog(args) => catalog::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Explain(args) => explain::run(args),
    };
    exit.into()
}

/// Prints diagnostics to stderr.
pub fn report(diagnostics: &[Diagnostic], sources: &Sources, color: Color) {
    if !diagnostics.is_empty() {
        eprint!(
            "{}",
            diagnostics::render(diagnostics, sources, color.for_stderr())
        );
    }
}

/// "2 errors, 1 warning"
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

/// A problem outside the sources (a missing path, an unwritable directory).
pub fn fail(message: impl std::fmt::Display) -> Exit {
    eprintln!("error: {message}");
    Exit::Usage
}
