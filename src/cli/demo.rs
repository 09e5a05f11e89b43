//! `deckgen demo`: the bundled demo deck, built against the simulator started in-process,
//! with no server and no token.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::diag::Diagnostic;
use crate::fetch::FetchOptions;
use crate::pipeline::{self, BuildError, BuildReport};
use crate::simulate;
use crate::spec::{self, Builtins};
use crate::tableau::cache::Cache;
use crate::tableau::{Connection, RetryPolicy, Secret};

/// The demo spec, built into the binary so the demo runs from any folder.
const DEMO_SPEC: &str = include_str!("../../specs/demo.yaml");

/// Arguments of `deckgen demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to write the deck.
    #[arg(short, long, value_name = "OUT", default_value = "demo.pptx")]
    output: PathBuf,
    /// Requests in flight at once.
    #[arg(short, long, value_name = "N", default_value_t = 4)]
    jobs: usize,
}

fn failure(message: String) -> BuildError {
    BuildError {
        bad_input: false,
        diagnostics: vec![Diagnostic::new(message)],
    }
}

/// Starts the simulator, builds the demo spec against it, and stops the simulator.
pub fn demo(args: &DemoArgs, progress: bool) -> Result<BuildReport, BuildError> {
    let mut spec = spec::load_str(
        DEMO_SPEC,
        Path::new("specs/demo.yaml"),
        &[],
        &Builtins::now(),
    )
    .map_err(|errors| BuildError {
        bad_input: true,
        diagnostics: errors.diagnostics,
    })?;
    spec.base_dir = PathBuf::from(".");

    // The simulator runs on its own runtime's threads while the build drives its own.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| failure(format!("cannot start: {e}")))?;
    let config = simulate::Config::default();
    let listen = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let running = runtime
        .block_on(simulate::start(listen, config.clone()))
        .map_err(|e| failure(format!("cannot start the simulator on 127.0.0.1: {e}")))?;
    tracing::info!(url = %running.url(), "simulator started");

    let cache_dir =
        tempfile::tempdir().map_err(|e| failure(format!("cannot make a cache: {e}")))?;
    let options = FetchOptions {
        cache: Cache::new(cache_dir.path()),
        offline: false,
        jobs: args.jobs.max(1),
        progress,
        connection: Some(Connection {
            url: running.url(),
            site: config.site.clone(),
            api_version: None,
            token_name: config.token_name.clone(),
            token_secret: Secret::new(config.token_secret.clone()),
            ca_cert: None,
            timeout: std::time::Duration::from_secs(60),
            retry: RetryPolicy::default(),
        }),
    };
    if let Some(server) = spec.server.as_mut() {
        server.url = running.url();
    }
    let built = pipeline::build(&spec, &args.output, &options);
    runtime.block_on(running.stop());
    built
}
