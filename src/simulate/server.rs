//! The HTTP side: shared state, accepting connections, graceful shutdown, the top of the
//! request path (stats hook, `/api/{ver}` and its version range, faults) and replies.

use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::catalog::Catalog;
use super::faults::{self, Fault};
use super::routes;
use super::session::Sessions;
use super::xml::{self, ApiError, Style};
use super::{Config, Stats};

/// A response with its whole body in memory.
pub type Reply = Response<Full<Bytes>>;

/// Tells hyper to close the connection without answering: the dropped-connection fault.
#[derive(Debug)]
pub struct Hangup;

impl fmt::Display for Hangup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for Hangup {}

/// Running totals behind [`Stats`].
#[derive(Debug, Default)]
pub struct Counters {
    /// Requests received, the stats hook excepted.
    pub requests: AtomicU64,
    /// Faults injected.
    pub faults: AtomicU64,
    /// Views rendered.
    pub renders: AtomicU64,
    /// Successful sign-ins.
    pub sign_ins: AtomicU64,
    /// Successful sign-outs.
    pub sign_outs: AtomicU64,
    /// GET requests that could have been faults, numbering the fault pattern.
    pub fault_sequence: AtomicU64,
    /// Renders and downloads in progress.
    pub in_flight: AtomicUsize,
    /// The most renders and downloads ever in progress at once.
    pub max_in_flight: AtomicUsize,
}

/// State every listener shares.
#[derive(Debug)]
pub struct Shared {
    /// The configuration started with.
    pub config: Config,
    /// The sample site.
    pub catalog: Catalog,
    /// How response documents are written.
    pub style: Style,
    /// The highest API version served, as (major, minor).
    pub version: (u32, u32),
    /// Live sessions.
    sessions: Mutex<Sessions>,
    /// Totals.
    pub counters: Counters,
}

impl Shared {
    /// State for a configuration whose API version is `version`.
    pub fn new(config: Config, version: (u32, u32)) -> Shared {
        let style = Style {
            prefix: config.xml_prefix.clone(),
            api_version: config.api_version.clone(),
        };
        Shared {
            catalog: Catalog::new(&config.site),
            config,
            style,
            version,
            sessions: Mutex::new(Sessions::default()),
            counters: Counters::default(),
        }
    }

    /// The sessions, even if a panicking request poisoned the lock (the map stays consistent).
    pub fn sessions(&self) -> MutexGuard<'_, Sessions> {
        self.sessions
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A snapshot of the totals.
    pub fn stats(&self) -> Stats {
        let c = &self.counters;
        Stats {
            open_sessions: self.sessions().count(),
            sign_ins: c.sign_ins.load(Ordering::Relaxed),
            sign_outs: c.sign_outs.load(Ordering::Relaxed),
            requests: c.requests.load(Ordering::Relaxed),
            faults: c.faults.load(Ordering::Relaxed),
            renders: c.renders.load(Ordering::Relaxed),
            max_in_flight: c.max_in_flight.load(Ordering::Relaxed),
        }
    }
}

/// Parses `major.minor`.
pub fn parse_version(text: &str) -> Option<(u32, u32)> {
    let (major, minor) = text.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// Waits until shutdown is asked for, or the `Running` handle is gone.
pub async fn shutting_down(rx: &mut watch::Receiver<bool>) {
    loop {
        if *rx.borrow_and_update() {
            return;
        }
        if rx.changed().await.is_err() {
            return;
        }
    }
}

/// Accepts connections until shutdown, then waits for the open ones to finish.
pub async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    redirect: Option<SocketAddr>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let task = connection(stream, shared.clone(), redirect, shutdown.clone());
                    connections.spawn(task);
                }
                Err(err) => tracing::warn!(%err, "accept failed"),
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            () = shutting_down(&mut shutdown) => break,
        }
    }
    drop(listener);
    while connections.join_next().await.is_some() {}
}

/// Serves one connection; on shutdown, finishes the request in progress and closes.
async fn connection(
    stream: TcpStream,
    shared: Arc<Shared>,
    redirect: Option<SocketAddr>,
    mut shutdown: watch::Receiver<bool>,
) {
    let service = service_fn(move |req| {
        let shared = shared.clone();
        async move { handle(&shared, req, redirect).await }
    });
    let conn = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    tokio::select! {
        result = conn.as_mut() => log_end(result),
        () = shutting_down(&mut shutdown) => {
            conn.as_mut().graceful_shutdown();
            log_end(conn.await);
        }
    }
}

/// Logs how a connection ended, when it ended badly.
fn log_end(result: Result<(), hyper::Error>) {
    if let Err(err) = result {
        tracing::debug!(%err, "connection closed");
    }
}

/// Answers one request, or drops the connection.
async fn handle(
    shared: &Arc<Shared>,
    req: Request<Incoming>,
    redirect: Option<SocketAddr>,
) -> Result<Reply, Hangup> {
    if req.uri().path() == "/_simulator/stats" {
        return Ok(stats_reply(shared));
    }
    shared.counters.requests.fetch_add(1, Ordering::Relaxed);
    tracing::debug!(method = %req.method(), uri = %req.uri(), "request");

    let path = req.uri().path().to_string();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (version, rest) = match segments.as_slice() {
        ["api", version, rest @ ..] if !rest.is_empty() => (*version, rest),
        _ => return Ok(error_reply(shared, &unknown_resource(&path))),
    };
    let Some(parsed) = parse_version(version).filter(|v| *v >= (2, 4) && *v <= shared.version)
    else {
        let detail = format!(
            "The API version '{version}' is not supported; this server supports 2.4 to {}.",
            shared.config.api_version
        );
        return Ok(error_reply(
            shared,
            &ApiError::not_found("404003", "Unknown Resource", &detail),
        ));
    };

    let info = rest.len() == 1 && rest[0].eq_ignore_ascii_case("serverinfo");
    if req.method() == Method::GET
        && !info
        && let Some(reply) = fault(shared)?
    {
        return Ok(reply);
    }
    Ok(routes::dispatch(shared, req, parsed, version, rest, redirect).await)
}

/// The fault for this request, if it is one; a hang-up is an error for hyper.
fn fault(shared: &Shared) -> Result<Option<Reply>, Hangup> {
    let counters = &shared.counters;
    let number = counters.fault_sequence.fetch_add(1, Ordering::Relaxed);
    let Some(kind) = faults::pick(shared.config.seed, number, shared.config.fault_rate) else {
        return Ok(None);
    };
    counters.faults.fetch_add(1, Ordering::Relaxed);
    tracing::debug!(?kind, number, "injecting a fault");
    let busy = || {
        ApiError::new(
            429,
            "429000",
            "Too Many Requests",
            "Too many requests; please retry later.",
        )
    };
    Ok(Some(match kind {
        Fault::ServerError => reply(
            StatusCode::INTERNAL_SERVER_ERROR,
            "text/html; charset=utf-8",
            faults::ERROR_PAGE,
        ),
        Fault::Unavailable => empty(StatusCode::SERVICE_UNAVAILABLE),
        Fault::TooManyRetryAfter => {
            let mut answer = error_reply(shared, &busy());
            answer
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static("1"));
            answer
        }
        Fault::TooMany => error_reply(shared, &busy()),
        Fault::Hangup => return Err(Hangup),
    }))
}

/// The error for a path that names nothing.
pub fn unknown_resource(path: &str) -> ApiError {
    ApiError::not_found(
        "404003",
        "Unknown Resource",
        &format!("The resource '{path}' does not exist."),
    )
}

/// A response with a body and its content type.
pub fn reply(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Reply {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A 200 (or other) XML document.
pub fn xml_reply(status: StatusCode, body: String) -> Reply {
    reply(status, "application/xml;charset=utf-8", body)
}

/// A Tableau error document with its status.
pub fn error_reply(shared: &Shared, err: &ApiError) -> Reply {
    let status = StatusCode::from_u16(err.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    xml_reply(status, xml::error(&shared.style, err))
}

/// The stats as JSON.
fn stats_reply(shared: &Shared) -> Reply {
    match serde_json::to_vec(&shared.stats()) {
        Ok(body) => reply(StatusCode::OK, "application/json", body),
        Err(err) => reply(
            StatusCode::INTERNAL_SERVER_ERROR,
            "text/plain",
            err.to_string(),
        ),
    }
}

/// A response with no body.
pub fn empty(status: StatusCode) -> Reply {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = status;
    response
}
