//! The command line: argument parsing, running a command, and reporting failures.
//!
//! Exit codes: 0 success, 1 build or server failure, 2 bad usage or bad spec.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::diag::Diagnostic;
use crate::fetch::FetchOptions;
use crate::pipeline::{self, BuildError};
use crate::spec::{self, Builtins};
use crate::tableau::cache::{self, Cache};

mod demo;
mod server;
mod views;
mod zones;

use server::{ServerArgs, apply_server_args, connection, input_error};

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
    /// Draw each source image with a pixel grid, the spec's crops and the dashboard's zones.
    Preview(PreviewArgs),
    /// List the projects, workbooks and views of a site, for writing specs.
    Views(views::ViewsArgs),
    /// Print the worksheet zones of a workbook's dashboards as pixel rectangles.
    Zones(zones::ZonesArgs),
    /// Run a local Tableau REST simulator with sample dashboards.
    Simulate(crate::simulate::SimulateArgs),
    /// Build the demo deck against the simulator, in-process: no server, no token.
    Demo(demo::DemoArgs),
}

/// How listings print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns.
    Table,
    /// JSON.
    Json,
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
    #[command(flatten)]
    fetch: FetchArgs,
}

#[derive(Debug, Args)]
struct PreviewArgs {
    #[command(flatten)]
    spec: SpecArgs,
    /// Folder for the annotated images (created if missing).
    #[arg(long, value_name = "DIR", default_value = "preview")]
    out: PathBuf,
    #[command(flatten)]
    fetch: FetchArgs,
}

/// How renders are fetched: the server, the cache and concurrency.
#[derive(Debug, Args)]
struct FetchArgs {
    #[command(flatten)]
    server: ServerArgs,
    /// Folder of cached renders [default: the user's cache folder, e.g. ~/.cache/deckgen]
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// Build from cached renders only; list what is missing.
    #[arg(long)]
    offline: bool,
    /// Requests to Tableau in flight at once.
    #[arg(short, long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    jobs: u16,
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
    let args: Vec<String> = std::env::args().collect();
    tracing::info!(version = env!("CARGO_PKG_VERSION"), ?args);
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
            let mut spec = load(&args.spec)?;
            let options = fetch_options(&mut spec, &args.fetch, !cli.quiet)?;
            let output = output_path(args.output.as_deref(), &spec);
            tracing::info!(output = %output.display(), slides = spec.slides.len(), "building");
            let report = pipeline::build(&spec, &output, &options)?;
            if !cli.quiet {
                print_report(&report);
            }
            Ok(())
        }
        Command::Preview(args) => {
            let mut spec = load(&args.spec)?;
            let options = fetch_options(&mut spec, &args.fetch, !cli.quiet)?;
            let written = crate::preview::preview(&spec, &options, &args.out)?;
            let mut out = std::io::stdout().lock();
            for file in written {
                let _ = writeln!(
                    out,
                    "{}: {} crops, {} zones",
                    file.path.display(),
                    file.crops,
                    file.zones
                );
            }
            Ok(())
        }
        Command::Views(args) => views::views(args),
        Command::Zones(args) => zones::zones(args),
        Command::Simulate(args) => crate::simulate::run(args).map_err(|message| BuildError {
            bad_input: false,
            diagnostics: vec![Diagnostic::new(message)],
        }),
        Command::Demo(args) => {
            let report = demo::demo(args, !cli.quiet)?;
            if !cli.quiet {
                print_report(&report);
                eprintln!(
                    "\nthe pictures were rendered by deckgen's built-in Tableau simulator; \
                     specs/demo.yaml shows the spec behind them"
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

/// Applies the server flags to `spec` and says how to fetch its views; the token is read
/// only when a view will really be fetched.
fn fetch_options(
    spec: &mut spec::Spec,
    args: &FetchArgs,
    progress: bool,
) -> Result<FetchOptions, BuildError> {
    apply_server_args(spec, &args.server);
    let uses_views = spec
        .slides
        .iter()
        .flat_map(|s| &s.images)
        .any(|p| matches!(p.source, spec::Source::View(_)));
    let connection = match &spec.server {
        Some(server) if uses_views && !args.offline => {
            Some(connection(server, &args.server).map_err(input_error)?)
        }
        _ => None,
    };
    Ok(FetchOptions {
        cache: Cache::new(args.cache.clone().unwrap_or_else(cache::default_dir)),
        offline: args.offline,
        jobs: usize::from(args.jobs),
        progress,
        connection,
    })
}

fn print_report(report: &pipeline::BuildReport) {
    eprintln!(
        "wrote {}: {} slides, {} pictures, {} KiB",
        report.output.display(),
        report.slides,
        report.pictures,
        report.bytes.div_ceil(1024)
    );
}

/// Prints rows under a header in aligned columns.
pub fn print_table(out: &mut impl Write, header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    for row in std::iter::once(&header).chain(rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
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
