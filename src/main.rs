//! The `deckgen` command line.

use std::process::ExitCode;

fn main() -> ExitCode {
    deckgen::cli::main()
}
