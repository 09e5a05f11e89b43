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
use crate::tableau::{Connection, RetryPolicy, Secret, Session, TableauError, catalog};

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
    /// List the projects, workbooks and views of a site, for writing specs.
    Views(ViewsArgs),
}

/// Where the server is, overriding the spec's `server`.
#[derive(Debug, Args)]
struct ServerArgs {
    /// Tableau server URL, instead of the spec's `server.url`.
    #[arg(long, value_name = "URL")]
    server: Option<String>,
    /// Site contentUrl, instead of the spec's `server.site` ("" is the Default site).
    #[arg(long, value_name = "SITE")]
    site: Option<String>,
    /// Seconds one request may take, renders included.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    timeout: u64,
}

#[derive(Debug, Args)]
struct ViewsArgs {
    /// A spec whose `server` section says where to sign in.
    spec: Option<PathBuf>,
    #[command(flatten)]
    server: ServerArgs,
    /// Only views of this project.
    #[arg(long)]
    project: Option<String>,
    /// Only views of this workbook.
    #[arg(long)]
    workbook: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// How `views` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Aligned columns.
    Table,
    /// A JSON array.
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
            let mut spec = load(&args.spec)?;
            apply_server_args(&mut spec, &args.server);
            let output = output_path(args.output.as_deref(), &spec);
            tracing::info!(output = %output.display(), slides = spec.slides.len(), "building");
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
            let options = FetchOptions {
                cache: Cache::new(args.cache.clone().unwrap_or_else(cache::default_dir)),
                offline: args.offline,
                jobs: usize::from(args.jobs),
                progress: !cli.quiet,
                connection,
            };
            let report = pipeline::build(&spec, &output, &options)?;
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
        Command::Views(args) => views(args),
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

fn input_error(err: TableauError) -> BuildError {
    let mut diag = Diagnostic::new(err.message);
    diag.hint = err.hint;
    BuildError {
        bad_input: err.bad_input,
        diagnostics: vec![diag],
    }
}

fn apply_server_args(spec: &mut spec::Spec, args: &ServerArgs) {
    if args.server.is_none() && args.site.is_none() {
        return;
    }
    let server = spec.server.get_or_insert_with(|| spec::Server {
        url: String::new(),
        site: String::new(),
        api_version: None,
        token_name_env: "TABLEAU_PAT_NAME".into(),
        token_secret_env: "TABLEAU_PAT_SECRET".into(),
        ca_cert: None,
    });
    if let Some(url) = &args.server {
        server.url = url.trim_end_matches('/').to_string();
    }
    if let Some(site) = &args.site {
        server.site = site.clone();
    }
}

/// How to sign in to `server`: the token comes from the environment variables it names.
fn connection(server: &spec::Server, args: &ServerArgs) -> Result<Connection, TableauError> {
    let read = |name: &str| {
        std::env::var(name).ok().filter(|v| !v.is_empty()).ok_or_else(|| {
            TableauError::input(format!("the environment variable {name} is not set"))
                .hint(format!(
                    "export {} and {} with a personal access token's name and secret                      (Tableau: My Account Settings > Personal Access Tokens)",
                    server.token_name_env, server.token_secret_env
                ))
        })
    };
    if server.url.is_empty() {
        return Err(
            TableauError::input("no server URL").hint("pass --server URL or add `server.url`")
        );
    }
    let api_version = match &server.api_version {
        Some(text) => Some(text.parse().map_err(TableauError::input)?),
        None => None,
    };
    Ok(Connection {
        url: server.url.clone(),
        site: server.site.clone(),
        api_version,
        token_name: read(&server.token_name_env)?,
        token_secret: Secret::new(read(&server.token_secret_env)?),
        ca_cert: server.ca_cert.clone(),
        timeout: std::time::Duration::from_secs(args.timeout),
        retry: RetryPolicy::default(),
    })
}

fn views(args: &ViewsArgs) -> Result<(), BuildError> {
    let mut server = match &args.spec {
        Some(path) => {
            let spec = spec::load(path, &[], &Builtins::now()).map_err(|errors| BuildError {
                bad_input: true,
                diagnostics: errors.diagnostics,
            })?;
            spec.server.ok_or_else(|| BuildError {
                bad_input: true,
                diagnostics: vec![
                    Diagnostic::new(format!("{} has no `server` section", path.display()))
                        .hint("add one, or pass --server URL --site SITE"),
                ],
            })?
        }
        None => spec::Server {
            url: String::new(),
            site: String::new(),
            api_version: None,
            token_name_env: "TABLEAU_PAT_NAME".into(),
            token_secret_env: "TABLEAU_PAT_SECRET".into(),
            ca_cert: None,
        },
    };
    if let Some(url) = &args.server.server {
        server.url = url.trim_end_matches('/').to_string();
    }
    if let Some(site) = &args.server.site {
        server.site = site.clone();
    }
    let connection = connection(&server, &args.server).map_err(input_error)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| BuildError {
            bad_input: false,
            diagnostics: vec![Diagnostic::new(e.to_string())],
        })?;
    let listed = runtime.block_on(async {
        let session = Session::sign_in(&connection).await?;
        let views =
            catalog::all_views(&session, args.project.as_deref(), args.workbook.as_deref()).await;
        session.sign_out().await;
        views
    });
    let mut views = listed.map_err(input_error)?;
    views.sort_by(|a, b| {
        (&a.project, &a.workbook, &a.name).cmp(&(&b.project, &b.workbook, &b.name))
    });
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            let text = serde_json::to_string_pretty(&views).unwrap_or_else(|_| "[]".into());
            let _ = writeln!(out, "{text}");
        }
        Format::Table => {
            let rows: Vec<[String; 5]> = views
                .iter()
                .map(|v| {
                    [
                        v.project.clone().unwrap_or_default(),
                        v.workbook.clone().unwrap_or_default(),
                        v.name.clone(),
                        v.sheet_type.clone().unwrap_or_default(),
                        v.content_url.clone(),
                    ]
                })
                .collect();
            let header = ["PROJECT", "WORKBOOK", "VIEW", "TYPE", "CONTENT URL"].map(String::from);
            let mut widths = header.clone().map(|h| h.chars().count());
            for row in &rows {
                for (width, cell) in widths.iter_mut().zip(row) {
                    *width = (*width).max(cell.chars().count());
                }
            }
            for row in std::iter::once(&header).chain(&rows) {
                let cells: Vec<String> = row
                    .iter()
                    .zip(widths)
                    .map(|(cell, width)| format!("{cell:<width$}"))
                    .collect();
                let _ = writeln!(out, "{}", cells.join("  ").trim_end());
            }
        }
    }
    Ok(())
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
