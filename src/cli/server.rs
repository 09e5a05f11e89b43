//! Reaching a server from the command line: `--server`/`--site` over the spec's `server`,
//! the token from the environment, and a signed-in session for one command.

use std::future::Future;
use std::path::Path;

use clap::Args;

use crate::diag::Diagnostic;
use crate::pipeline::BuildError;
use crate::spec::{self, Builtins};
use crate::tableau::{Connection, RetryPolicy, Secret, Session, TableauError};

/// Where the server is, overriding the spec's `server`.
#[derive(Debug, Args)]
pub struct ServerArgs {
    /// Tableau server URL, instead of the spec's `server.url`.
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// Site contentUrl, instead of the spec's `server.site` ("" is the Default site).
    #[arg(long, value_name = "SITE")]
    pub site: Option<String>,
    /// Seconds one request may take, renders included.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub timeout: u64,
}

/// The `server` section a command without a spec starts from.
fn bare_server() -> spec::Server {
    spec::Server {
        url: String::new(),
        site: String::new(),
        api_version: None,
        token_name_env: "TABLEAU_PAT_NAME".into(),
        token_secret_env: "TABLEAU_PAT_SECRET".into(),
        ca_cert: None,
    }
}

/// Turns a client error into the command's error.
pub fn input_error(err: TableauError) -> BuildError {
    let mut diag = Diagnostic::new(err.message);
    diag.hint = err.hint;
    BuildError {
        bad_input: err.bad_input,
        diagnostics: vec![diag],
    }
}

/// Applies `--server` and `--site` to a spec.
pub fn apply_server_args(spec: &mut spec::Spec, args: &ServerArgs) {
    if args.server.is_none() && args.site.is_none() {
        return;
    }
    let server = spec.server.get_or_insert_with(bare_server);
    if let Some(url) = &args.server {
        server.url = url.trim_end_matches('/').to_string();
    }
    if let Some(site) = &args.site {
        server.site = site.clone();
    }
}

/// The server a command talks to: the spec's `server` if a spec is given, then the flags.
pub fn server_for(spec_path: Option<&Path>, args: &ServerArgs) -> Result<spec::Server, BuildError> {
    let mut server = match spec_path {
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
        None => bare_server(),
    };
    if let Some(url) = &args.server {
        server.url = url.trim_end_matches('/').to_string();
    }
    if let Some(site) = &args.site {
        server.site = site.clone();
    }
    Ok(server)
}

/// How to sign in to `server`: the token comes from the environment variables it names.
pub fn connection(server: &spec::Server, args: &ServerArgs) -> Result<Connection, TableauError> {
    let read = |name: &str| {
        std::env::var(name)
            .ok()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                TableauError::input(format!("the environment variable {name} is not set")).hint(
                    format!(
                        "export {} and {} with a personal access token's name and secret \
                     (Tableau: My Account Settings > Personal Access Tokens)",
                        server.token_name_env, server.token_secret_env
                    ),
                )
            })
    };
    if server.url.is_empty() {
        return Err(
            TableauError::input("no server URL").hint("pass --server URL or add `server.url`")
        );
    }
    crate::tableau::session::check_scheme(&server.url)?;
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

/// Signs in, runs `work` with the session, and signs out whatever happened.
pub fn with_session<T, F, Fut>(connection: &Connection, work: F) -> Result<T, BuildError>
where
    F: FnOnce(std::sync::Arc<Session>) -> Fut,
    Fut: Future<Output = Result<T, TableauError>>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| BuildError {
            bad_input: false,
            diagnostics: vec![Diagnostic::new(format!("cannot start: {e}"))],
        })?;
    runtime
        .block_on(async {
            let session = std::sync::Arc::new(Session::sign_in(connection).await?);
            let outcome = tokio::select! {
                outcome = work(std::sync::Arc::clone(&session)) => outcome,
                _ = tokio::signal::ctrl_c() => Err(TableauError::failure("interrupted")),
            };
            session.sign_out().await;
            outcome
        })
        .map_err(input_error)
}
