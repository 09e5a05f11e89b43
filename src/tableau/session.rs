//! One signed-in session for a whole run: sign-in with a personal access token, every call
//! with `X-Tableau-Auth`, retries with backoff, one re-sign-in on an expired token, and
//! sign-out at the end.
//!
//! A personal access token holds one session at a time: signing in again ends the previous
//! session. So the session is shared by every worker, and re-signing in is single-flight.

use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::header::{HeaderMap, LOCATION, RETRY_AFTER};
use reqwest::{Client, StatusCode};

use super::error::{Secret, TableauError};
use super::xml::{self, ApiError};
use super::{ApiVersion, Connection, encode};

/// The newest REST API version deckgen is tested against.
pub const NEWEST_SUPPORTED: ApiVersion = ApiVersion {
    major: 3,
    minor: 28,
};
/// Personal access token sign-in needs REST API 3.6 (Tableau Server 2019.4).
pub const OLDEST_SUPPORTED: ApiVersion = ApiVersion { major: 3, minor: 6 };
/// Used when the server does not say its version.
const FALLBACK_VERSION: ApiVersion = ApiVersion {
    major: 3,
    minor: 19,
};

/// How often and how patiently to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// First backoff; each retry doubles it, with full jitter.
    pub base: Duration,
    /// Longest single wait, also for `Retry-After`.
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            attempts: 6,
            base: Duration::from_secs(1),
            cap: Duration::from_secs(60),
        }
    }
}

/// A signed-in session.
#[derive(Debug)]
pub struct Session {
    http: Client,
    /// Scheme and host all calls go to; sign-in may move it (Tableau Cloud pods).
    origin: RwLock<String>,
    version: ApiVersion,
    site_id: String,
    site: String,
    token_name: String,
    token_secret: Secret,
    /// The session token and how many sign-ins produced it.
    token: RwLock<(Secret, u64)>,
    signing_in: tokio::sync::Mutex<()>,
    retry: RetryPolicy,
    jitter: AtomicU64,
    signed_out: std::sync::atomic::AtomicBool,
}

/// A successful answer: its body and headers.
#[derive(Debug)]
pub struct Answer {
    /// The body.
    pub body: Bytes,
    /// The headers.
    pub headers: HeaderMap,
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Checks that `url` is https, or plain http to this machine only.
pub fn check_scheme(url: &str) -> Result<(), TableauError> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| TableauError::input(format!("server url `{url}` is not a URL: {e}")))?;
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if parsed.host_str().is_some_and(is_loopback) => Ok(()),
        "http" => Err(TableauError::input(format!(
            "server url `{url}` uses plain http, which deckgen allows to loopback addresses only"
        ))
        .hint("use https:// so the token travels encrypted")),
        other => Err(
            TableauError::input(format!("server url `{url}` has scheme `{other}`"))
                .hint("use an https:// address"),
        ),
    }
}

fn origin_of(url: &str) -> Option<String> {
    let parsed = reqwest::Url::parse(url).ok()?;
    let mut origin = format!("{}://{}", parsed.scheme(), parsed.host_str()?);
    if let Some(port) = parsed.port() {
        origin.push_str(&format!(":{port}"));
    }
    Some(origin)
}

fn build_client(connection: &Connection) -> Result<Client, TableauError> {
    // The ring provider keeps the build free of C toolchains; install it once per process.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = Client::builder()
        .tls_backend_rustls()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(30))
        .timeout(connection.timeout)
        .user_agent(concat!("deckgen/", env!("CARGO_PKG_VERSION")));
    if let Some(path) = &connection.ca_cert {
        let pem = std::fs::read(path).map_err(|e| {
            TableauError::input(format!("cannot read ca_cert {}: {e}", path.display()))
        })?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            TableauError::input(format!(
                "ca_cert {} holds no PEM certificate: {e}",
                path.display()
            ))
        })?;
        builder = builder.tls_certs_merge(certs);
    }
    builder
        .build()
        .map_err(|e| TableauError::failure(format!("cannot start the HTTP client: {e}")))
}

fn retry_after(headers: &HeaderMap, cap: Duration) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let wait = match value.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => {
            let when = httpdate::parse_http_date(value).ok()?;
            when.duration_since(SystemTime::now()).unwrap_or_default()
        }
    };
    Some(wait.min(cap))
}

/// Whether an HTTP status is worth retrying: throttling and transient server failures.
fn retryable(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}

fn sign_in_body(name: &str, secret: &Secret, site: &str) -> String {
    use crate::pptx::xml::escape;
    format!(
        "<tsRequest><credentials personalAccessTokenName=\"{}\" \
         personalAccessTokenSecret=\"{}\"><site contentUrl=\"{}\"/></credentials></tsRequest>",
        escape(name),
        escape(secret.expose()),
        escape(site)
    )
}

impl Session {
    /// Negotiates the API version and signs in.
    pub async fn sign_in(connection: &Connection) -> Result<Session, TableauError> {
        check_scheme(&connection.url)?;
        let http = build_client(connection)?;
        let version = match connection.api_version {
            Some(version) => version,
            None => negotiate(&http, &connection.url).await,
        };
        if version < OLDEST_SUPPORTED {
            return Err(TableauError::input(format!(
                "{} speaks REST API {version}; signing in with a personal access token needs 3.6 \
                 (Tableau Server 2019.4) or newer",
                connection.url
            )));
        }
        tracing::info!(url = %connection.url, %version, site = %connection.site, "signing in");
        let seed = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64);
        let session = Session {
            http,
            origin: RwLock::new(
                origin_of(&connection.url).unwrap_or_else(|| connection.url.clone()),
            ),
            version,
            site_id: String::new(),
            site: connection.site.clone(),
            token_name: connection.token_name.clone(),
            token_secret: connection.token_secret.clone(),
            token: RwLock::new((Secret::new(""), 0)),
            signing_in: tokio::sync::Mutex::new(()),
            retry: connection.retry,
            jitter: AtomicU64::new(seed | 1),
            signed_out: std::sync::atomic::AtomicBool::new(false),
        };
        let (token, site_id) = session.post_sign_in().await?;
        Ok(Session {
            site_id,
            token: RwLock::new((token, 1)),
            ..session
        })
    }

    /// The REST API version in use.
    pub fn version(&self) -> ApiVersion {
        self.version
    }

    /// The site's LUID.
    pub fn site_id(&self) -> &str {
        &self.site_id
    }

    fn origin(&self) -> String {
        self.origin.read().map(|o| o.clone()).unwrap_or_default()
    }

    /// `{origin}/api/{version}/` followed by `path`.
    pub fn api_url(&self, path: &str) -> String {
        format!("{}/api/{}/{path}", self.origin(), self.version)
    }

    /// A URL under the signed-in site.
    pub fn site_url(&self, path: &str) -> String {
        self.api_url(&format!("sites/{}/{path}", self.site_id))
    }

    async fn post_sign_in(&self) -> Result<(Secret, String), TableauError> {
        let body = sign_in_body(&self.token_name, &self.token_secret, &self.site);
        let mut url = self.api_url("auth/signin");
        for attempt in 1..=self.retry.attempts {
            let sent = self
                .http
                .post(&url)
                .header("Content-Type", "application/xml")
                .body(body.clone())
                .send()
                .await;
            let response = match sent {
                Ok(response) => response,
                Err(err) if attempt < self.retry.attempts && transient(&err) => {
                    self.pause(attempt, None).await;
                    continue;
                }
                Err(err) => return Err(network_error("sign in", &url, &err)),
            };
            let status = response.status();
            if status.is_redirection() {
                // Tableau Cloud answers sign-in with a 301 to the site's pod: the same POST
                // goes there, and so does every later call.
                let location = response
                    .headers()
                    .get(LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .map(str::to_string)
                    .ok_or_else(|| {
                        TableauError::failure(format!(
                            "sign in: {url} redirected without a Location"
                        ))
                    })?;
                check_scheme(&location)?;
                tracing::info!(from = %url, to = %location, "sign-in redirected");
                if let Some(origin) = origin_of(&location) {
                    *self.origin.write().expect("origin lock") = origin;
                }
                url = location;
                continue;
            }
            let headers = response.headers().clone();
            let bytes = response.bytes().await.unwrap_or_default();
            if status.is_success() {
                let root = xml::parse(&bytes).map_err(|e| {
                    TableauError::failure(format!("sign in: {url} answered unreadable XML: {e}"))
                })?;
                let credentials = root.child("credentials");
                let token = credentials.and_then(|c| c.attr("token"));
                let site_id = credentials
                    .and_then(|c| c.child("site"))
                    .and_then(|s| s.attr("id"));
                return match (token, site_id) {
                    (Some(token), Some(site_id)) => Ok((Secret::new(token), site_id.to_string())),
                    _ => Err(TableauError::failure(format!(
                        "sign in: {url} answered without a token or site id"
                    ))),
                };
            }
            if retryable(status) && attempt < self.retry.attempts {
                self.pause(attempt, retry_after(&headers, self.retry.cap))
                    .await;
                continue;
            }
            let api = xml::api_error(&bytes);
            let err = TableauError::status("sign in", &url, status.as_u16(), api.as_ref());
            return Err(if status == StatusCode::UNAUTHORIZED {
                TableauError {
                    bad_input: true,
                    ..err
                }
                .hint(format!(
                    "check the personal access token (name `{}`) and the site `{}`; a token \
                     unused for 15 days expires",
                    self.token_name, self.site
                ))
            } else {
                err
            });
        }
        Err(TableauError::failure(format!(
            "sign in: {url} kept redirecting or failing"
        )))
    }

    /// Signs in again after the token expired, unless another worker already did.
    async fn refresh(&self, seen: u64) -> Result<(), TableauError> {
        let _guard = self.signing_in.lock().await;
        let current = self.token.read().expect("token lock").1;
        if current != seen {
            return Ok(());
        }
        tracing::info!("session expired; signing in again");
        let (token, _) = self.post_sign_in().await?;
        *self.token.write().expect("token lock") = (token, current + 1);
        Ok(())
    }

    fn next_jitter(&self) -> f64 {
        // xorshift64: enough randomness to spread retries, no dependency for it.
        let mut x = self.jitter.load(Ordering::Relaxed);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.jitter.store(x, Ordering::Relaxed);
        (x >> 11) as f64 / (1u64 << 53) as f64
    }

    async fn pause(&self, attempt: u32, retry_after: Option<Duration>) {
        let wait = retry_after.unwrap_or_else(|| {
            let ceiling = self
                .retry
                .base
                .saturating_mul(1 << (attempt - 1).min(16))
                .min(self.retry.cap);
            ceiling.mul_f64(self.next_jitter())
        });
        tracing::debug!(attempt, wait_ms = wait.as_millis() as u64, "retrying");
        tokio::time::sleep(wait).await;
    }

    /// GETs `url` with the session token, retrying what is worth retrying.
    pub async fn get(&self, url: &str, what: &str) -> Result<Answer, TableauError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let (token, generation) = {
                let guard = self.token.read().expect("token lock");
                (guard.0.clone(), guard.1)
            };
            tracing::debug!(%url, attempt, "GET");
            let sent = self
                .http
                .get(url)
                .header("X-Tableau-Auth", token.expose())
                .send()
                .await;
            let response = match sent {
                Ok(response) => response,
                Err(err) if attempt < self.retry.attempts && transient(&err) => {
                    tracing::debug!(%url, error = %err, "request failed");
                    self.pause(attempt, None).await;
                    continue;
                }
                Err(err) => return Err(network_error(what, url, &err)),
            };
            let status = response.status();
            let headers = response.headers().clone();
            let body = match response.bytes().await {
                Ok(body) => body,
                Err(err) if attempt < self.retry.attempts => {
                    tracing::debug!(%url, error = %err, "body broken off");
                    self.pause(attempt, None).await;
                    continue;
                }
                Err(err) => return Err(network_error(what, url, &err)),
            };
            if status.is_success() {
                return Ok(Answer { body, headers });
            }
            let api = xml::api_error(&body);
            // An expired token is replaced once per expiry, single-flight; a request may
            // meet several expiries when other workers use up the new token first.
            if status == StatusCode::UNAUTHORIZED
                && attempt < self.retry.attempts
                && api
                    .as_ref()
                    .is_none_or(|a| a.code == "401002" || a.code == "401000")
            {
                self.refresh(generation).await?;
                continue;
            }
            if retryable(status) && attempt < self.retry.attempts {
                tracing::debug!(%url, status = status.as_u16(), "server asked to retry");
                self.pause(attempt, retry_after(&headers, self.retry.cap))
                    .await;
                continue;
            }
            return Err(status_error(what, url, status, api.as_ref()));
        }
    }

    /// Ends the session; failures are logged, not raised, since the run's result stands.
    pub async fn sign_out(&self) {
        if self.signed_out.swap(true, Ordering::SeqCst) {
            return;
        }
        let url = self.api_url("auth/signout");
        let token = self.token.read().expect("token lock").0.clone();
        match self
            .http
            .post(&url)
            .header("X-Tableau-Auth", token.expose())
            .send()
            .await
        {
            Ok(response) if response.status().is_success() => tracing::info!("signed out"),
            Ok(response) => tracing::warn!(status = response.status().as_u16(), "sign-out refused"),
            Err(err) => tracing::warn!(error = %err, "sign-out failed"),
        }
    }
}

fn transient(err: &reqwest::Error) -> bool {
    err.is_timeout() || err.is_connect() || err.is_request() || err.is_body()
}

fn network_error(what: &str, url: &str, err: &reqwest::Error) -> TableauError {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else {
        "failed"
    };
    let mut message = format!("{what}: {url} {kind}");
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    TableauError::failure(message)
        .hint("check the server address and the network; -v shows each request")
}

fn status_error(what: &str, url: &str, status: StatusCode, api: Option<&ApiError>) -> TableauError {
    let err = TableauError::status(what, url, status.as_u16(), api);
    match status.as_u16() {
        401 => {
            err.hint("the session was refused even after signing in again; check the token's site")
        }
        403 => err
            .hint("the token's user lacks permission, or the feature is turned off on the server"),
        404 => TableauError {
            bad_input: true,
            ..err
        },
        429 => err.hint("the server kept throttling; lower --jobs or try again later"),
        _ => err,
    }
}

/// Asks the server for its version without signing in; falls back when it will not say.
async fn negotiate(http: &Client, base: &str) -> ApiVersion {
    let url = format!("{base}/api/2.4/serverinfo");
    let answer = match http.get(&url).send().await {
        Ok(response) if response.status().is_success() => response.bytes().await.ok(),
        _ => None,
    };
    let server = answer
        .and_then(|body| xml::parse(&body).ok())
        .and_then(|root| {
            root.find("restApiVersion")
                .map(|v| v.text.trim().to_string())
        })
        .and_then(|text| text.parse::<ApiVersion>().ok());
    match server {
        Some(version) => version.min(NEWEST_SUPPORTED),
        None => {
            let fallback = FALLBACK_VERSION;
            tracing::warn!(%url, %fallback, "server did not tell its REST API version");
            FALLBACK_VERSION
        }
    }
}

/// Builds a query string, percent-encoding keys and values (`%20` for a space).
pub fn query(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http_is_allowed() {
        assert!(check_scheme("https://tableau.example.com").is_ok());
        assert!(check_scheme("http://127.0.0.1:8099").is_ok());
        assert!(check_scheme("http://localhost:8099").is_ok());
        assert!(check_scheme("http://[::1]:8099").is_ok());
        let err = check_scheme("http://tableau.example.com").unwrap_err();
        assert!(err.bad_input && err.message.contains("loopback"), "{err:?}");
        assert!(check_scheme("ftp://x").is_err());
    }

    #[test]
    fn retry_after_reads_seconds_and_dates_and_is_capped() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "3".parse().unwrap());
        assert_eq!(
            retry_after(&headers, Duration::from_secs(60)),
            Some(Duration::from_secs(3))
        );
        headers.insert(RETRY_AFTER, "3600".parse().unwrap());
        assert_eq!(
            retry_after(&headers, Duration::from_secs(60)),
            Some(Duration::from_secs(60))
        );
        let soon = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        headers.insert(RETRY_AFTER, soon.parse().unwrap());
        let wait = retry_after(&headers, Duration::from_secs(60)).unwrap();
        assert!(
            wait <= Duration::from_secs(30) && wait >= Duration::from_secs(28),
            "{wait:?}"
        );
        assert_eq!(
            retry_after(&HeaderMap::new(), Duration::from_secs(60)),
            None
        );
    }

    #[test]
    fn sign_in_body_escapes_values() {
        let body = sign_in_body("ci \"bot\"", &Secret::new("a&b<c"), "");
        assert!(
            body.contains("personalAccessTokenName=\"ci &quot;bot&quot;\""),
            "{body}"
        );
        assert!(
            body.contains("personalAccessTokenSecret=\"a&amp;b&lt;c\""),
            "{body}"
        );
        assert!(body.contains("<site contentUrl=\"\"/>"), "{body}");
    }

    #[test]
    fn queries_percent_encode_spaces_commas_ampersands_and_unicode() {
        let pairs = vec![
            (
                "vf_Region Name".to_string(),
                "North, East & Süd".to_string(),
            ),
            ("filter".to_string(), "name:eq:a+b".to_string()),
        ];
        assert_eq!(
            query(&pairs),
            "vf_Region%20Name=North%2C%20East%20%26%20S%C3%BCd&filter=name%3Aeq%3Aa%2Bb"
        );
    }
}
