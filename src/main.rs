//! The `deckgen` command line.

use std::process::ExitCode;

fn main() -> ExitCode {
    deckgen::alloc::tune();
    deckgen::cli::main()
}
