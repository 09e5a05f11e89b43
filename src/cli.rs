//! The command line: argument parsing, running a command, and reporting failures.
//!
//! Exit codes: 0 success, 1 build or server failure, 2 bad usage or bad spec.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::diag::Diagnostic;
use crate::pipeline::{self, BuildError};
use crate::spec::{self, Builtins};

/// Exit code for a failed build.
pub const EXIT_FAILURE: u8 = 1;
/// Exit code for bad usage or a bad spec.
pub const EXIT_USAGE: u8 = 2;

/// Turns Tableau dashboards and local images into PowerPoint decks from a YAML spec.
#[derive(Debug, Parser)]
#[command(name = "deckgen", version, about, long_about = None)]
pub struct Cli {
    /// Log what deckgen does to stderr (-vv for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    /// Print nothing but errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the deck a spec describes.
    Build(BuildArgs),
    /// Validate a spec and its local images without building or using the network.
    Check(SpecArgs),
}

#[derive(Debug, Args)]
struct SpecArgs {
    /// The deck spec (YAML).
    spec: PathBuf,
    /// Set a variable, overriding the spec's `vars` (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    vars: Vec<(String, String)>,
}

#[derive(Debug, Args)]
struct BuildArgs {
    #[command(flatten)]
    spec: SpecArgs,
    /// Where to write the deck [default: the spec's `deck.output`, else SPEC-NAME.pptx]
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
}

fn parse_var(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.to_string()))
        }
        _ => Err(format!(
            "`{text}` is not NAME=VALUE (for example --var month=2026-11)"
        )),
    }
}

/// Runs deckgen with the process's arguments and returns its exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    tracing::info!(version = env!("CARGO_PKG_VERSION"), args = ?std::env::args().collect::<Vec<_>>());
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            report(&err.diagnostics);
            let trailer = if err.bad_input {
                "nothing was written"
            } else {
                "the build failed; nothing was written"
            };
            if err.diagnostics.len() > 1 {
                eprintln!("\n{} problems; {trailer}", err.diagnostics.len());
            }
            ExitCode::from(if err.bad_input {
                EXIT_USAGE
            } else {
                EXIT_FAILURE
            })
        }
    }
}

fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => return,
        1 => tracing::Level::INFO,
        _ => tracing::Level::DEBUG,
    };
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false)
        .init();
}

fn report(diagnostics: &[Diagnostic]) {
    let mut stderr = std::io::stderr().lock();
    for (i, diag) in diagnostics.iter().enumerate() {
        if i > 0 {
            let _ = writeln!(stderr);
        }
        let _ = writeln!(stderr, "{diag}");
    }
}

fn load(args: &SpecArgs) -> Result<spec::Spec, BuildError> {
    spec::load(&args.spec, &args.vars, &Builtins::now()).map_err(|errors| BuildError {
        bad_input: true,
        diagnostics: errors.diagnostics,
    })
}

fn run(cli: &Cli) -> Result<(), BuildError> {
    match &cli.command {
        Command::Build(args) => {
            let spec = load(&args.spec)?;
            let output = output_path(args.output.as_deref(), &spec);
            tracing::info!(output = %output.display(), slides = spec.slides.len(), "building");
            let report = pipeline::build(&spec, &output)?;
            if !cli.quiet {
                eprintln!(
                    "wrote {}: {} slides, {} pictures, {} KiB",
                    report.output.display(),
                    report.slides,
                    report.pictures,
                    report.bytes.div_ceil(1024)
                );
            }
            Ok(())
        }
        Command::Check(args) => {
            let spec = load(args)?;
            let plan = pipeline::plan(&spec)?;
            if !cli.quiet {
                println!(
                    "{}: ok, {} slides, {} pictures",
                    args.spec.display(),
                    plan.slides.len(),
                    plan.picture_count()
                );
            }
            Ok(())
        }
    }
}

/// `-o` wins, then the spec's `deck.output`, then the spec's file name with `.pptx`.
fn output_path(flag: Option<&Path>, spec: &spec::Spec) -> PathBuf {
    if let Some(path) = flag {
        return path.to_path_buf();
    }
    if let Some(path) = &spec.deck.output {
        return path.clone();
    }
    let stem = spec
        .path
        .file_stem()
        .map_or("deck".into(), |s| s.to_string_lossy().into_owned());
    PathBuf::from(format!("{stem}.pptx"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn vars_split_at_the_first_equals_sign() {
        assert_eq!(
            parse_var("month=2026-11"),
            Ok(("month".into(), "2026-11".into()))
        );
        assert_eq!(parse_var("q=a=b"), Ok(("q".into(), "a=b".into())));
        assert!(parse_var("month").is_err());
        assert!(parse_var("=x").is_err());
    }
}
