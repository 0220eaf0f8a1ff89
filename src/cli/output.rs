//! Every byte the CLI prints goes through here, for three reasons:
//! - a closed pipe (`iamx catalog s3 | head -3`) ends the process quietly instead of the panic
//!   `println!` gives ("failed printing to stdout: Broken pipe", exit 101);
//! - `--quiet` silences summaries and notes in one place;
//! - `--color` and the colour environment variables are decided in one place.
//!
//! Use the macros: `out!`/`outln!` for data (stdout), `errln!`/`err!` for errors and diagnostics
//! (stderr, always shown), `infoln!` for summaries and notes (stderr, silenced by `--quiet`).

use super::Exit;
use std::fmt;
use std::io::{self, IsTerminal, Write};
use std::sync::OnceLock;

/// The exit code of a process that wrote to a pipe whose reader had gone: what a shell reports
/// for `ls` in `ls | head` (128 + SIGPIPE), which the kernel's signal would have given us too
/// had Rust not ignored SIGPIPE.
pub const PIPE_CLOSED: i32 = 128 + 13;

/// `--color`: when to colour diagnostics and diffs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Color {
    /// Colour a terminal, unless `NO_COLOR` is set; `CLICOLOR_FORCE` colours a pipe too.
    #[default]
    Auto,
    /// Always colour, whatever the output is and whatever the environment says.
    Always,
    /// Never colour.
    Never,
}

struct Settings {
    color: Color,
    quiet: bool,
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();

/// Records the global flags; called once, before any command runs.
pub fn init(color: Color, quiet: bool) {
    let _ = SETTINGS.set(Settings { color, quiet });
}

fn settings() -> &'static Settings {
    SETTINGS.get_or_init(|| Settings {
        color: Color::Auto,
        quiet: false,
    })
}

/// Whether `--quiet` silences summaries and notes.
pub fn quiet() -> bool {
    settings().quiet
}

/// A variable counts only when set and non-empty: <https://no-color.org> asks exactly this of
/// `NO_COLOR`, and an empty `CLICOLOR_FORCE=` is as good as unset too.
fn env_flag(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|value| !value.is_empty())
}

fn env_is(name: &str, value: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| v == value)
}

/// The `--color` rule for one stream. `NO_COLOR` wins over `CLICOLOR_FORCE` because it is the
/// user's standing wish; an explicit `--color always|never` wins over both.
fn colour(is_terminal: bool) -> bool {
    match settings().color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto if env_flag("NO_COLOR") => false,
        // CLICOLOR_FORCE=0 means "do not force", by the convention that introduced it.
        Color::Auto if env_flag("CLICOLOR_FORCE") && !env_is("CLICOLOR_FORCE", "0") => true,
        Color::Auto => is_terminal,
    }
}

/// Whether diagnostics (stderr) are coloured.
pub fn colour_stderr() -> bool {
    colour(io::stderr().is_terminal())
}

/// Whether data on stdout (a diff) is coloured.
pub fn colour_stdout() -> bool {
    colour(io::stdout().is_terminal())
}

/// Writes to stdout; see [`exit_on_write_error`].
pub fn write_stdout(args: fmt::Arguments<'_>) {
    let mut stdout = io::stdout().lock();
    if let Err(error) = stdout.write_fmt(args) {
        exit_on_write_error(&error, "standard output");
    }
}

/// Writes to stderr; see [`exit_on_write_error`].
pub fn write_stderr(args: fmt::Arguments<'_>) {
    let mut stderr = io::stderr().lock();
    if let Err(error) = stderr.write_fmt(args) {
        exit_on_write_error(&error, "standard error");
    }
}

/// Writes what stdout still buffers (a last line without a newline), so a closed pipe is
/// noticed here rather than ignored at exit.
pub fn flush() {
    if let Err(error) = io::stdout().lock().flush() {
        exit_on_write_error(&error, "standard output");
    }
}

/// A reader that went away is no error of ours: end quietly, as `ls | head` does. Anything
/// else (a full disk) is said on stderr, if stderr still works.
fn exit_on_write_error(error: &io::Error, stream: &str) -> ! {
    if error.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(PIPE_CLOSED);
    }
    let _ = writeln!(
        io::stderr(),
        "error: cannot write to {stream}: {}",
        super::files::plain(error)
    );
    std::process::exit(Exit::Usage as i32);
}

/// Data, to stdout.
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::output::write_stdout(format_args!($($arg)*)) };
}

/// A line of data, to stdout.
macro_rules! outln {
    ($($arg:tt)*) => { $crate::cli::output::write_stdout(format_args!("{}\n", format_args!($($arg)*))) };
}

/// Errors and diagnostics, to stderr; never silenced.
macro_rules! err {
    ($($arg:tt)*) => { $crate::cli::output::write_stderr(format_args!($($arg)*)) };
}

/// A line of error, to stderr; never silenced.
macro_rules! errln {
    ($($arg:tt)*) => { $crate::cli::output::write_stderr(format_args!("{}\n", format_args!($($arg)*))) };
}

/// A summary or a note, to stderr, unless `--quiet`.
macro_rules! infoln {
    ($($arg:tt)*) => {
        if !$crate::cli::output::quiet() {
            $crate::cli::output::write_stderr(format_args!("{}\n", format_args!($($arg)*)))
        }
    };
}

pub(crate) use {err, errln, infoln, out, outln};
