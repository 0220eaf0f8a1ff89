//! The thin shell around the compiler: argument parsing, reading and writing files, rendering
//! diagnostics. Diagnostics go to stderr, data to stdout, both through [`output`].

mod build;
mod catalog;
mod check;
mod config;
mod diff;
mod explain;
mod files;
mod findings;
mod fmt;
mod import;
mod inputs;
pub mod output;
mod report;
mod verify;
mod who_can;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use iamx::diagnostics::{self, Diagnostic};
use iamx::source::Sources;
pub use output::Color;
use output::{err, errln};
use std::process::ExitCode;

/// Exit codes shared by all subcommands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Success = 0,
    /// The input has errors (diagnostics say which).
    InputErrors = 1,
    /// The command line or the file system is wrong: bad flags, missing paths, unwritable output.
    Usage = 2,
    /// `verify`, `report --exit-code`: nothing was violated, but something could not be decided.
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
    /// When to colour diagnostics and diffs. `auto` colours a terminal unless NO_COLOR is set
    /// (non-empty); CLICOLOR_FORCE (non-empty, not 0) colours a pipe too.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Print no summaries or notes; data, diagnostics and errors are still printed.
    #[arg(short, long, global = true)]
    quiet: bool,
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
    /// Which roles and users may do ACTION on RESOURCE (boundaries and denies applied)?
    WhoCan(who_can::WhoCanArgs),
    /// May this role or user do ACTION on RESOURCE? `explain` for a principal of a project,
    /// build output or account export, named by name or ARN.
    CanI(who_can::CanIArgs),
    /// Prove roles stay inside their boundaries and delegations allow no escalation.
    Verify(verify::Args),
    /// Draw who can escalate to whom (HTML page, DOT, Mermaid), each path as its API calls.
    Report(report::Args),
    /// List the AWS actions matching a pattern, with access levels, resources and keys.
    Catalog(catalog::Args),
    /// Print a shell completion script (`iamx completions bash > /etc/bash_completion.d/iamx`).
    Completions(CompletionsArgs),
}

#[derive(clap::Args)]
struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// `--format` of the reporting commands: text for people, JSON for tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text.
    Text,
    /// One JSON value on stdout, for tools.
    Json,
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    output::init(cli.color, cli.quiet);
    let exit = match cli.command {
        Command::Build(args) => build::run(args),
        Command::Check(args) => check::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Import(args) => import::run(args),
        Command::Catalog(args) => catalog::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Explain(args) => explain::run(args),
        Command::WhoCan(args) => who_can::who_can(args),
        Command::CanI(args) => who_can::can_i(args),
        Command::Report(args) => report::run(args),
        Command::Completions(args) => completions(args.shell),
    };
    output::flush();
    exit.into()
}

/// Writes the completion script for `shell` to stdout.
fn completions(shell: clap_complete::Shell) -> Exit {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "iamx", &mut script);
    output::out!("{}", String::from_utf8_lossy(&script));
    Exit::Success
}

/// Prints diagnostics to stderr.
pub fn report(diagnostics: &[Diagnostic], sources: &Sources) {
    if !diagnostics.is_empty() {
        err!(
            "{}",
            diagnostics::render(diagnostics, sources, output::colour_stderr())
        );
    }
}

/// Leaves a command's results (every compiled document and report) to the operating system, which
/// takes the whole heap back when the process ends right after, instead of freeing them
/// allocation by allocation: at 10,000 roles that was 3% of `iamx check`.
pub fn release_at_exit<T>(results: T) {
    std::mem::forget(results);
}

/// "1 file", "3 files": a count with its noun in the right number (nouns of the CLI's
/// summaries all take an `s`).
pub fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// A problem outside the sources (a missing path, an unwritable directory).
pub fn fail(message: impl std::fmt::Display) -> Exit {
    errln!("error: {message}");
    Exit::Usage
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// Names of the arguments and subcommands below `command` that `--help` would show bare.
    fn without_help(command: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for arg in command.get_arguments() {
            let generated = matches!(arg.get_id().as_str(), "help" | "version");
            if arg.get_help().is_none() && !arg.is_hide_set() && !generated {
                missing.push(format!("{path} {}", arg.get_id()));
            }
        }
        for sub in command.get_subcommands() {
            let sub_path = format!("{path} {}", sub.get_name());
            if sub.get_about().is_none() && sub.get_name() != "help" {
                missing.push(sub_path.clone());
            }
            without_help(sub, &sub_path, missing);
        }
    }

    #[test]
    fn every_flag_and_subcommand_has_help_text() {
        let command = Cli::command();
        command.clone().debug_assert();
        let mut missing = Vec::new();
        without_help(&command, "iamx", &mut missing);
        assert!(missing.is_empty(), "no help text: {missing:?}");
    }
}
