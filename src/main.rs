//! The `iamx` command line. Each subcommand lives in its own file under `cli/`.

mod cli;

/// mimalloc instead of the system allocator: a quarter of `check`'s time went to glibc's
/// malloc/free (many small strings and vectors per statement), and its arenas held freed memory.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
