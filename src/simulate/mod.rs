//! A local Tableau REST simulator: PAT sign-in, paged lists, view images rendered like real
//! dashboards, workbook downloads whose zones match the images, and fault injection.
//!
//! `deckgen simulate` and `deckgen demo` run it, the tests talk to it, and so does Tableau's own
//! Python client. Everything it serves is deterministic: the same request gives the same bytes.

mod catalog;
mod charts;
mod data;
mod faults;
mod frame;
#[cfg(test)]
mod http_tests;
mod layout;
mod query;
mod render;
mod routes;
mod server;
mod session;
mod tables;
mod twb;
mod xml;
#[cfg(test)]
mod zone_tests;

use std::io::{self, Write as _};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use server::Shared;

/// The default personal access token name.
pub const DEFAULT_TOKEN_NAME: &str = "deckgen-demo";
/// The default personal access token secret; it only opens the simulator.
pub const DEFAULT_TOKEN_SECRET: &str = "demo-7Qm2-secret-Lk94-simulator";
/// The default site content URL.
pub const DEFAULT_SITE: &str = "safety";
/// The default REST API version the server reports.
pub const DEFAULT_API_VERSION: &str = "3.28";

/// How the simulator behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// The personal access token name that signs in.
    pub token_name: String,
    /// Its secret.
    pub token_secret: String,
    /// The site content URL.
    pub site: String,
    /// The server's REST API version (`restApiVersion`); higher URL versions are refused.
    pub api_version: String,
    /// How long a view image (its drawing included) or a workbook download takes at least.
    pub latency: Duration,
    /// Share (0 to 1) of GET requests under `/api` answered with a fault.
    pub fault_rate: f64,
    /// A session dies after this many authenticated requests (then 401 with 401002).
    pub expire_after: Option<u64>,
    /// More renders in flight than this get 429 with 429000 and no `Retry-After`.
    pub max_concurrent: Option<usize>,
    /// Sign-in is answered with a 301 to a second listener.
    pub redirect_signin: bool,
    /// A namespace prefix such as `ns0`: `<ns0:tsResponse xmlns:ns0="…">`, no declaration.
    pub xml_prefix: Option<String>,
    /// Seeds the fault pattern and the session tokens.
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            token_name: DEFAULT_TOKEN_NAME.into(),
            token_secret: DEFAULT_TOKEN_SECRET.into(),
            site: DEFAULT_SITE.into(),
            api_version: DEFAULT_API_VERSION.into(),
            latency: Duration::ZERO,
            fault_rate: 0.0,
            expire_after: None,
            max_concurrent: None,
            redirect_signin: false,
            xml_prefix: None,
            seed: 1,
        }
    }
}

/// Totals since start, also served as JSON at `/_simulator/stats`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// Sessions signed in and not yet ended.
    pub open_sessions: usize,
    /// Successful sign-ins.
    pub sign_ins: u64,
    /// Successful sign-outs.
    pub sign_outs: u64,
    /// Requests received (the stats hook excepted).
    pub requests: u64,
    /// Faults injected.
    pub faults: u64,
    /// View images rendered.
    pub renders: u64,
    /// The most renders and workbook downloads in progress at once.
    pub max_in_flight: usize,
}

/// A running simulator.
#[derive(Debug)]
pub struct Running {
    addr: SocketAddr,
    signin_addr: Option<SocketAddr>,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Running {
    /// The address of the main listener.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL of the main listener, such as `http://127.0.0.1:8099`.
    pub fn url(&self) -> String {
        format!("http://{}", loopback_if_unspecified(self.addr))
    }

    /// The second listener that sign-ins are redirected to, when `redirect_signin` is set.
    pub fn signin_addr(&self) -> Option<SocketAddr> {
        self.signin_addr
    }

    /// The totals so far.
    pub fn stats(&self) -> Stats {
        self.shared.stats()
    }

    /// Stops accepting connections, lets requests in progress finish, then returns.
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        for task in self.tasks {
            if let Err(err) = task.await {
                tracing::warn!(%err, "a listener task failed");
            }
        }
    }
}

/// The address a client should use: a wildcard bind is reached over loopback.
fn loopback_if_unspecified(addr: SocketAddr) -> SocketAddr {
    if addr.ip().is_unspecified() {
        let ip = if addr.is_ipv4() {
            Ipv4Addr::LOCALHOST.into()
        } else {
            std::net::Ipv6Addr::LOCALHOST.into()
        };
        SocketAddr::new(ip, addr.port())
    } else {
        addr
    }
}

/// Checks a configuration before anything is bound.
fn validate(config: &Config) -> io::Result<(u32, u32)> {
    let invalid = |message: String| io::Error::new(io::ErrorKind::InvalidInput, message);
    if !(0.0..=1.0).contains(&config.fault_rate) {
        return Err(invalid(format!(
            "the fault rate {} is not between 0 and 1",
            config.fault_rate
        )));
    }
    let version = server::parse_version(&config.api_version)
        .filter(|v| *v >= (2, 4))
        .ok_or_else(|| {
            invalid(format!(
                "the API version `{}` is not MAJOR.MINOR from 2.4 on",
                config.api_version
            ))
        })?;
    if let Some(prefix) = &config.xml_prefix {
        let mut chars = prefix.chars();
        let first_ok = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
        let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !first_ok || !rest_ok || prefix.to_ascii_lowercase().starts_with("xml") {
            return Err(invalid(format!(
                "`{prefix}` is not a usable XML namespace prefix"
            )));
        }
    }
    if config.max_concurrent == Some(0) {
        return Err(invalid(
            "the limit of concurrent renders must be at least 1".into(),
        ));
    }
    Ok(version)
}

/// Starts the simulator on `listen` (port 0 picks a free port) inside the current Tokio
/// runtime, and returns once it accepts connections.
pub async fn start(listen: SocketAddr, config: Config) -> io::Result<Running> {
    let version = validate(&config)?;
    let main = TcpListener::bind(listen).await?;
    let addr = main.local_addr()?;
    let second = if config.redirect_signin {
        Some(TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?)
    } else {
        None
    };
    let signin_addr = second.as_ref().map(TcpListener::local_addr).transpose()?;

    let shared = Arc::new(Shared::new(config, version));
    let (shutdown, watch_rx) = watch::channel(false);
    let mut tasks = vec![tokio::spawn(server::serve(
        main,
        shared.clone(),
        signin_addr,
        watch_rx.clone(),
    ))];
    if let Some(listener) = second {
        tasks.push(tokio::spawn(server::serve(
            listener,
            shared.clone(),
            None,
            watch_rx,
        )));
    }
    tracing::info!(%addr, ?signin_addr, "simulator listening");
    Ok(Running {
        addr,
        signin_addr,
        shared,
        shutdown,
        tasks,
    })
}

/// Options of `deckgen simulate`.
#[derive(Debug, Clone, clap::Args)]
pub struct SimulateArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8099")]
    pub listen: SocketAddr,
    /// The personal access token name that signs in.
    #[arg(long, value_name = "NAME", default_value = DEFAULT_TOKEN_NAME)]
    pub token_name: String,
    /// The personal access token secret that signs in.
    #[arg(long, value_name = "SECRET", default_value = DEFAULT_TOKEN_SECRET)]
    pub token_secret: String,
    /// The site content URL.
    #[arg(long, value_name = "SITE", default_value = DEFAULT_SITE)]
    pub site: String,
    /// The REST API version the server reports.
    #[arg(long, value_name = "VERSION", default_value = DEFAULT_API_VERSION)]
    pub api_version: String,
    /// Milliseconds a view image (drawing included) or a workbook download takes at least.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency_ms: u64,
    /// Share of GET requests answered with a fault (500, 503, 429 or a dropped connection).
    #[arg(long, value_name = "RATE", default_value_t = 0.0, value_parser = parse_rate)]
    pub fault_rate: f64,
    /// End each session after this many authenticated requests (then 401 with 401002).
    #[arg(long, value_name = "N")]
    pub expire_after: Option<u64>,
    /// Answer 429 when more renders than this are in progress.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_concurrent: Option<u64>,
    /// Answer sign-in with a 301 to a second listener.
    #[arg(long)]
    pub redirect_signin: bool,
    /// Write responses with this namespace prefix (such as ns0) and no XML declaration.
    #[arg(long, value_name = "PREFIX")]
    pub xml_prefix: Option<String>,
    /// Seed of the fault pattern and the session tokens.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
}

/// Parses a share from 0 to 1.
fn parse_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(format!("`{text}` is not a number from 0 to 1")),
    }
}

impl SimulateArgs {
    /// The configuration these options describe.
    pub fn config(&self) -> Config {
        Config {
            token_name: self.token_name.clone(),
            token_secret: self.token_secret.clone(),
            site: self.site.clone(),
            api_version: self.api_version.clone(),
            latency: Duration::from_millis(self.latency_ms),
            fault_rate: self.fault_rate,
            expire_after: self.expire_after,
            max_concurrent: self
                .max_concurrent
                .map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
            redirect_signin: self.redirect_signin,
            xml_prefix: self.xml_prefix.clone(),
            seed: self.seed,
        }
    }
}

/// Runs the simulator until Ctrl-C; prints to stdout: "listening on http://ADDR", then the site,
/// token name and token secret (it's a demo secret, printing it is the point), one per line.
pub fn run(args: &SimulateArgs) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|err| format!("cannot start the async runtime: {err}"))?;
    runtime.block_on(async {
        let config = args.config();
        let running = start(args.listen, config.clone()).await.map_err(|err| {
            if err.kind() == io::ErrorKind::InvalidInput {
                err.to_string()
            } else {
                format!("cannot listen on {}: {err}", args.listen)
            }
        })?;
        let mut out = io::stdout().lock();
        let printed = writeln!(out, "listening on {}", running.url())
            .and_then(|()| writeln!(out, "site: {}", config.site))
            .and_then(|()| writeln!(out, "token name: {}", config.token_name))
            .and_then(|()| writeln!(out, "token secret: {}", config.token_secret))
            .and_then(|()| out.flush());
        drop(out);
        if let Err(err) = printed {
            tracing::warn!(%err, "cannot write to stdout");
        }
        let waited = interrupted().await;
        running.stop().await;
        waited
    })
}

/// Waits for Ctrl-C, or SIGTERM on Unix.
async fn interrupted() -> Result<(), String> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate())
            .map_err(|err| format!("cannot watch SIGTERM: {err}"))?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => {
                result.map_err(|err| format!("cannot watch Ctrl-C: {err}"))
            }
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c()
            .await
            .map_err(|err| format!("cannot watch Ctrl-C: {err}"))
    }
}
