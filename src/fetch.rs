//! Fetching what a plan needs from Tableau: one session, view look-ups and renders with
//! bounded concurrency, identical requests fetched once, everything kept in the disk cache.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::Sender;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::diag::{Diagnostic, Location};
use crate::spec::{Picture, Resolution, Spec, ViewRef};
use crate::tableau::cache::Cache;
use crate::tableau::{Connection, ImageRequest, Session, TableauError, View, catalog, image};

/// How to fetch.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Where renders are kept.
    pub cache: Cache,
    /// Build from the cache alone.
    pub offline: bool,
    /// Requests in flight at once.
    pub jobs: usize,
    /// Show a progress bar (only ever drawn on a terminal).
    pub progress: bool,
    /// How to reach the server; `None` when the spec names no server.
    pub connection: Option<Connection>,
}

/// A slide that uses a request: its description and the spec line of the picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// "slide 3 (Incidents by fleet)".
    pub slide: String,
    /// Line of the picture in the spec.
    pub line: usize,
}

/// One thing the fetch has ready.
#[derive(Debug, Clone)]
pub enum Arrival {
    /// A view reference looked up.
    View(ViewRef, View),
    /// A render on disk.
    Render(ImageRequest, PathBuf),
    /// A workbook file on disk, by workbook LUID.
    Workbook(String, PathBuf),
}

/// What the fetch produced: each render's file and each view's look-up.
#[derive(Debug, Default)]
pub struct Fetched {
    /// Render files by request.
    pub renders: HashMap<ImageRequest, PathBuf>,
    /// Views by reference.
    pub views: HashMap<ViewRef, View>,
    /// Workbook files (for dashboard layouts) by workbook LUID.
    pub workbooks: HashMap<String, PathBuf>,
    /// Where each arrival is also announced, so slides can be written as theirs come in.
    notify: Option<Sender<Arrival>>,
}

impl Fetched {
    /// The same results, no longer announced anywhere (which ends the announcements).
    pub fn quiet(mut self) -> Fetched {
        self.notify = None;
        self
    }

    /// Records an arrival (and announces it).
    pub fn accept(&mut self, arrival: Arrival) {
        if let Some(notify) = &self.notify {
            // The receiver may have stopped writing after an error; the fetch goes on.
            let _ = notify.send(arrival.clone());
        }
        match arrival {
            Arrival::View(reference, view) => {
                self.views.insert(reference, view);
            }
            Arrival::Render(request, path) => {
                self.renders.insert(request, path);
            }
            Arrival::Workbook(id, path) => {
                self.workbooks.insert(id, path);
            }
        }
    }
}

fn workbook_key(server: &str, site: &str, workbook_id: &str) -> String {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    for part in [server, site, workbook_id] {
        hasher.update(part.as_bytes());
        hasher.update([0xff]);
    }
    format!("{:x}", hasher.finalize())
}

/// The render a picture asks for, with `defaults:` filled in.
pub fn image_request(spec: &Spec, picture: &Picture, view: &ViewRef) -> ImageRequest {
    let own = &picture.view_options;
    let defaults = &spec.defaults;
    let mut filters = defaults.filters.clone();
    filters.extend(own.filters.clone());
    let mut parameters = defaults.parameters.clone();
    parameters.extend(own.parameters.clone());
    ImageRequest {
        view: view.clone(),
        resolution: own
            .resolution
            .or(defaults.resolution)
            .unwrap_or(Resolution::Standard),
        max_age: own.max_age.or(defaults.max_age),
        filters,
        parameters,
        viz_size: own.viz_size.or(defaults.viz_size),
    }
}

fn diagnostic(spec: &Spec, users: &[User], err: &TableauError) -> Diagnostic {
    let first = &users[0];
    let mut message = format!("{}: {}", first.slide, err.message);
    let mut others: Vec<&str> = users[1..].iter().map(|u| u.slide.as_str()).collect();
    others.retain(|slide| *slide != first.slide);
    others.dedup();
    if !others.is_empty() {
        message.push_str(&format!(" (also used by {})", others.join(", ")));
    }
    let mut diag = Diagnostic::new(message).at(Location::new(&spec.path, first.line, 1));
    diag.hint = err.hint.clone();
    diag
}

/// A failed fetch: the problems, and whether the spec or configuration is at fault.
#[derive(Debug)]
pub struct FetchError {
    /// True when the input is at fault (exit 2).
    pub bad_input: bool,
    /// The problems.
    pub diagnostics: Vec<Diagnostic>,
}

impl FetchError {
    /// Errors met talking to the server: a build failure (exit 1), even when the spec names
    /// something the server does not have.
    fn from_errors(spec: &Spec, errors: Vec<(Vec<User>, TableauError)>) -> FetchError {
        FetchError {
            bad_input: false,
            diagnostics: errors
                .iter()
                .map(|(users, err)| diagnostic(spec, users, err))
                .collect(),
        }
    }
}

fn progress_bar(options: &FetchOptions, length: usize) -> ProgressBar {
    if !options.progress || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(length as u64), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template("{spinner} rendering views {pos}/{len} {wide_msg}")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Fetches every request, each once; `requests` maps a request to the slides using it, and
/// `layouts` names the views whose dashboard layout is needed (for crops by sheet).
pub async fn fetch(
    spec: &Spec,
    requests: BTreeMap<ImageRequest, Vec<User>>,
    layouts: &BTreeSet<ViewRef>,
    options: &FetchOptions,
    notify: Option<Sender<Arrival>>,
) -> Result<Fetched, FetchError> {
    let (server, site) = match &options.connection {
        Some(c) => (c.url.clone(), c.site.clone()),
        None => spec
            .server
            .as_ref()
            .map(|s| (s.url.clone(), s.site.clone()))
            .unwrap_or_default(),
    };
    let key = |request: &ImageRequest| request.key(&server, &site);
    let mut fetched = Fetched {
        notify,
        ..Fetched::default()
    };

    let mut missing: BTreeMap<ImageRequest, Vec<User>> = BTreeMap::new();
    for (request, users) in requests {
        let fresh = request
            .max_age
            .map(|m| Duration::from_secs(u64::from(m) * 60));
        let cached = if options.offline {
            options.cache.image(&key(&request), None)
        } else {
            fresh.and_then(|age| options.cache.image(&key(&request), Some(age)))
        };
        let view = options.cache.view(&view_key(&server, &site, &request.view));
        let layout_ok = |view: &View| {
            !layouts.contains(&request.view)
                || options.offline
                    && options
                        .cache
                        .workbook(&workbook_key(&server, &site, &view.workbook_id))
                        .is_some()
        };
        match (cached, view) {
            (Some(path), Some(view)) if layout_ok(&view) => {
                if let Some(file) =
                    options
                        .cache
                        .workbook(&workbook_key(&server, &site, &view.workbook_id))
                {
                    fetched.accept(Arrival::Workbook(view.workbook_id.clone(), file));
                }
                tracing::info!(view = %request.describe(), "render taken from the cache");
                fetched.accept(Arrival::View(request.view.clone(), view));
                fetched.accept(Arrival::Render(request, path));
            }
            _ => {
                missing.insert(request, users);
            }
        }
    }
    if missing.is_empty() {
        return Ok(fetched);
    }
    if options.offline {
        let diagnostics = missing
            .iter()
            .map(|(request, users)| {
                let err = TableauError::input(format!(
                    "`{}` is not in the cache {}",
                    request.describe(),
                    options.cache.dir().display()
                ))
                .hint("build once without --offline, or point --cache at the folder that has it");
                diagnostic(spec, users, &err)
            })
            .collect();
        return Err(FetchError {
            bad_input: false,
            diagnostics,
        });
    }
    let Some(connection) = &options.connection else {
        let users: Vec<User> = missing.into_values().flatten().collect();
        let err = TableauError::input("the spec uses Tableau views but has no `server`");
        return Err(FetchError::from_errors(spec, vec![(users, err)]));
    };

    let session = Session::sign_in(connection).await.map_err(|err| {
        let users: Vec<User> = missing.values().flatten().take(1).cloned().collect();
        FetchError::from_errors(spec, vec![(users, err)])
    })?;
    let session = Arc::new(session);
    let work = fetch_with(
        spec,
        &session,
        missing,
        layouts,
        options,
        &server,
        &site,
        &mut fetched,
    );
    let outcome = tokio::select! {
        outcome = work => outcome,
        _ = tokio::signal::ctrl_c() => Err(FetchError {
            bad_input: false,
            diagnostics: vec![Diagnostic::new("interrupted; signed out, nothing was written")],
        }),
    };
    session.sign_out().await;
    outcome.map(|()| fetched)
}

/// The result of writing to the cache, as a fetch error.
fn keep(cache: &Cache, written: std::io::Result<PathBuf>) -> Result<PathBuf, TableauError> {
    written.map_err(|e| {
        TableauError::failure(format!(
            "cannot write the cache {}: {e}",
            cache.dir().display()
        ))
    })
}

fn view_key(server: &str, site: &str, view: &ViewRef) -> String {
    let request = ImageRequest {
        view: view.clone(),
        resolution: Resolution::Standard,
        max_age: None,
        filters: BTreeMap::new(),
        parameters: BTreeMap::new(),
        viz_size: None,
    };
    format!("view-{}", request.key(server, site))
}

#[allow(clippy::too_many_arguments)]
async fn fetch_with(
    spec: &Spec,
    session: &Arc<Session>,
    missing: BTreeMap<ImageRequest, Vec<User>>,
    layouts: &BTreeSet<ViewRef>,
    options: &FetchOptions,
    server: &str,
    site: &str,
    fetched: &mut Fetched,
) -> Result<(), FetchError> {
    let limit = Arc::new(Semaphore::new(options.jobs.max(1)));

    // Look each referenced view up once.
    let mut by_view: BTreeMap<ViewRef, Vec<User>> = BTreeMap::new();
    for (request, users) in &missing {
        by_view
            .entry(request.view.clone())
            .or_default()
            .extend(users.iter().cloned());
    }
    let mut lookups = JoinSet::new();
    for (reference, users) in by_view {
        let (session, limit) = (Arc::clone(session), Arc::clone(&limit));
        lookups.spawn(async move {
            let _permit = limit.acquire_owned().await.expect("semaphore open");
            (
                catalog::resolve(&session, &reference).await,
                reference,
                users,
            )
        });
    }
    let mut errors = Vec::new();
    while let Some(joined) = lookups.join_next().await {
        let (result, reference, users) = joined.expect("look-up task");
        match result {
            Ok(view) => {
                let _ = options
                    .cache
                    .put_view(&view_key(server, site, &reference), &view);
                fetched.accept(Arrival::View(reference, view));
            }
            Err(err) => errors.push((users, err)),
        }
    }
    if !errors.is_empty() {
        return Err(FetchError::from_errors(spec, errors));
    }

    // Download each workbook whose layout a crop needs, once per run, alongside the renders:
    // a download takes a render's slot, not a round of its own.
    let mut needed: BTreeMap<String, Vec<User>> = BTreeMap::new();
    for (request, users) in &missing {
        if layouts.contains(&request.view) {
            let id = fetched.views[&request.view].workbook_id.clone();
            needed.entry(id).or_default().extend(users.iter().cloned());
        }
    }
    // Downloads and renders share one set of tasks, so each is recorded as soon as it is
    // done; renders go out in slide order, so the first slides can be written first.
    let mut tasks: JoinSet<(Result<Arrival, TableauError>, Vec<User>)> = JoinSet::new();
    for (workbook_id, users) in needed {
        let (session, limit) = (Arc::clone(session), Arc::clone(&limit));
        let (cache, key) = (
            options.cache.clone(),
            workbook_key(server, site, &workbook_id),
        );
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await.expect("semaphore open");
            let path = format!(
                "workbooks/{}/content?includeExtract=False",
                crate::tableau::encode(&workbook_id)
            );
            let url = session.site_url(&path);
            let result = session
                .get(&url, "download the workbook layout")
                .await
                .and_then(|answer| keep(&cache, cache.put_workbook(&key, &answer.body)))
                .map(|path| Arrival::Workbook(workbook_id, path));
            (result, users)
        });
    }
    let bar = progress_bar(options, missing.len());
    let mut ordered: Vec<(ImageRequest, Vec<User>)> = missing.into_iter().collect();
    ordered.sort_by_key(|(_, users)| users.iter().map(|u| u.line).min());
    for (request, users) in ordered {
        let view_id = fetched.views[&request.view].id.clone();
        let (session, limit, bar) = (Arc::clone(session), Arc::clone(&limit), bar.clone());
        let (cache, key) = (options.cache.clone(), request.key(server, site));
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await.expect("semaphore open");
            bar.set_message(request.describe());
            let result = image::fetch(&session, &view_id, &request)
                .await
                .and_then(|png| keep(&cache, cache.put_image(&key, &png)));
            bar.inc(1);
            tracing::info!(view = %request.describe(), ok = result.is_ok(), "rendered");
            (result.map(|path| Arrival::Render(request, path)), users)
        });
    }
    while let Some(joined) = tasks.join_next().await {
        match joined.expect("fetch task") {
            (Ok(arrival), _) => fetched.accept(arrival),
            (Err(err), users) => errors.push((users, err)),
        }
    }
    bar.finish_and_clear();

    if errors.is_empty() {
        Ok(())
    } else {
        Err(FetchError::from_errors(spec, errors))
    }
}
