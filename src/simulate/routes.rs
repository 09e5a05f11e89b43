//! The REST routes after `/api/{ver}`: server info, sign-in and sign-out, the site's lists,
//! single items, view images and workbook downloads.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::{CONTENT_DISPOSITION, HeaderValue, LOCATION};
use hyper::{HeaderMap, Method, Request, StatusCode};

use super::catalog::{Catalog, View};
use super::query::{self, Condition, ImageOptions, Page, Query, SortKey, ViewFilters};
use super::render;
use super::server::{Reply, Shared, empty, error_reply, reply, unknown_resource, xml_reply};
use super::session::{self, Refusal};
use super::twb;
use super::xml::{self, ApiError, Doc};

/// The largest request body read, in bytes.
const MAX_BODY: usize = 64 * 1024;
/// The most pixels one image may have.
const MAX_PIXELS: u64 = 25_000_000;
/// The product version reported beside the API version.
const PRODUCT_VERSION: &str = "2026.1.0";

/// A resource that needs a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resource<'a> {
    /// `sessions/current`.
    CurrentSession,
    /// `sites/{site}/projects`.
    Projects,
    /// `sites/{site}/workbooks`.
    Workbooks,
    /// `sites/{site}/workbooks/{id}`.
    Workbook(&'a str),
    /// `sites/{site}/workbooks/{id}/views`.
    WorkbookViews(&'a str),
    /// `sites/{site}/workbooks/{id}/content`.
    WorkbookContent(&'a str),
    /// `sites/{site}/views`.
    Views,
    /// `sites/{site}/views/{id}`.
    View(&'a str),
    /// `sites/{site}/views/{id}/image`.
    ViewImage(&'a str),
}

/// The site LUID in the path (if any) and the resource.
fn resource<'a>(rest: &[&'a str]) -> Option<(Option<&'a str>, Resource<'a>)> {
    Some(match rest {
        ["sessions", "current"] => (None, Resource::CurrentSession),
        ["sites", site, tail @ ..] => (
            Some(*site),
            match tail {
                ["projects"] => Resource::Projects,
                ["workbooks"] => Resource::Workbooks,
                ["workbooks", id] => Resource::Workbook(id),
                ["workbooks", id, "views"] => Resource::WorkbookViews(id),
                ["workbooks", id, "content"] => Resource::WorkbookContent(id),
                ["views"] => Resource::Views,
                ["views", id] => Resource::View(id),
                ["views", id, "image"] => Resource::ViewImage(id),
                _ => return None,
            },
        ),
        _ => return None,
    })
}

/// Answers a request under `/api/{ver}`; `version` is the parsed form of `version_text`.
pub async fn dispatch(
    shared: &Arc<Shared>,
    req: Request<Incoming>,
    version: (u32, u32),
    version_text: &str,
    rest: &[&str],
    redirect: Option<SocketAddr>,
) -> Reply {
    let method = req.method().clone();
    let answer = match rest {
        [info] if info.eq_ignore_ascii_case("serverinfo") => {
            only(&method, Method::GET).map(|()| server_info(shared))
        }
        ["auth", "signin"] => match (only(&method, Method::POST), redirect) {
            (Err(err), _) => Err(err),
            (Ok(()), Some(target)) => Ok(moved(target, version_text)),
            (Ok(()), None) => sign_in(shared, req).await,
        },
        ["auth", "signout"] => {
            only(&method, Method::POST).and_then(|()| sign_out(shared, req.headers()))
        }
        _ => match resource(rest) {
            None => Err(unknown_resource(req.uri().path())),
            Some((site, resource)) => match only(&method, Method::GET) {
                Ok(()) => authorised(shared, &req, site, resource, version).await,
                Err(err) => Err(err),
            },
        },
    };
    answer.unwrap_or_else(|err| error_reply(shared, &err))
}

/// Refuses any method but `allowed`.
fn only(method: &Method, allowed: Method) -> Result<(), ApiError> {
    if *method == allowed {
        return Ok(());
    }
    let detail = format!("The method {method} is not allowed here; use {allowed}.");
    Err(ApiError::new(405, "405000", "Method Not Allowed", &detail))
}

/// The token of a request.
fn token(headers: &HeaderMap) -> Result<&str, ApiError> {
    let value = headers
        .get("x-tableau-auth")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if value.is_empty() {
        return Err(ApiError::unauthorized(
            "No X-Tableau-Auth header was sent; sign in first.",
        ));
    }
    Ok(value)
}

/// Checks the session and the site, then answers the resource.
async fn authorised(
    shared: &Arc<Shared>,
    req: &Request<Incoming>,
    site: Option<&str>,
    resource: Resource<'_>,
    version: (u32, u32),
) -> Result<Reply, ApiError> {
    let token = token(req.headers())?;
    let checked = shared
        .sessions()
        .authenticate(token, shared.config.expire_after);
    match checked {
        Ok(()) => {}
        Err(Refusal::Expired) => {
            return Err(ApiError::unauthorized(
                "The session has expired; sign in again.",
            ));
        }
        Err(Refusal::Unknown) => {
            return Err(ApiError::unauthorized(
                "Invalid authentication credentials were provided.",
            ));
        }
    }
    let catalog = &shared.catalog;
    if let Some(site) = site.filter(|s| !s.eq_ignore_ascii_case(&catalog.site.id)) {
        let detail =
            format!("The site '{site}' could not be found; use the site id returned by sign-in.");
        return Err(ApiError::not_found("404000", "Resource Not Found", &detail));
    }
    let query = Query::parse(req.uri().query());
    match resource {
        Resource::CurrentSession => Ok(current_session(shared)),
        Resource::Projects => projects(shared, &query),
        Resource::Workbooks => workbooks(shared, &query),
        Resource::Workbook(id) => one_workbook(shared, id, false),
        Resource::WorkbookViews(id) => one_workbook(shared, id, true),
        Resource::WorkbookContent(id) => content(shared, id).await,
        Resource::Views => views(shared, &query),
        Resource::View(id) => one_view(shared, id),
        Resource::ViewImage(id) => image(shared, id, &query, version).await,
    }
}

/// `GET /serverinfo`.
fn server_info(shared: &Shared) -> Reply {
    let mut doc = Doc::new(&shared.style);
    doc.start("serverInfo", &[]);
    doc.text(
        "productVersion",
        &[("build", &"20261.26.0101.1200")],
        PRODUCT_VERSION,
    );
    doc.text("restApiVersion", &[], &shared.config.api_version);
    doc.end("serverInfo");
    xml_reply(StatusCode::OK, doc.finish())
}

/// The 301 that sends a sign-in to the second listener.
fn moved(target: SocketAddr, version: &str) -> Reply {
    let mut answer = empty(StatusCode::MOVED_PERMANENTLY);
    let location = format!("http://{target}/api/{version}/auth/signin");
    if let Ok(value) = HeaderValue::from_str(&location) {
        answer.headers_mut().insert(LOCATION, value);
    }
    answer
}

/// Reads a request body up to [`MAX_BODY`] bytes.
async fn body(req: Request<Incoming>) -> Result<Bytes, ApiError> {
    let collected = Limited::new(req.into_body(), MAX_BODY).collect().await;
    collected.map(|c| c.to_bytes()).map_err(|err| {
        let detail =
            format!("The request body could not be read ({err}); the limit is {MAX_BODY} bytes.");
        ApiError::new(413, "413000", "Payload Too Large", &detail)
    })
}

/// `POST /auth/signin`.
async fn sign_in(shared: &Shared, req: Request<Incoming>) -> Result<Reply, ApiError> {
    let credentials = session::parse_signin(&body(req).await?)?;
    let config = &shared.config;
    let catalog = &shared.catalog;
    if credentials.name != config.token_name || credentials.secret != config.token_secret {
        return Err(ApiError::new(
            401,
            "401001",
            "Signin Error",
            "Error signing in to Tableau Server: \
             the personal access token name or secret is wrong.",
        ));
    }
    if !credentials
        .site
        .eq_ignore_ascii_case(&catalog.site.content_url)
    {
        let detail = format!(
            "Error signing in to Tableau Server: the site '{}' does not exist.",
            credentials.site
        );
        return Err(ApiError::new(401, "401001", "Signin Error", &detail));
    }
    let token = shared
        .sessions()
        .sign_in(config.seed, &config.token_name, &catalog.site.id);
    shared.counters.sign_ins.fetch_add(1, Ordering::Relaxed);

    let mut doc = Doc::new(&shared.style);
    doc.start(
        "credentials",
        &[
            ("token", &token),
            ("estimatedTimeToExpiration", &"239:59:59"),
        ],
    );
    doc.empty(
        "site",
        &[
            ("id", &catalog.site.id),
            ("contentUrl", &catalog.site.content_url),
        ],
    );
    doc.empty("user", &[("id", &catalog.owner.id)]);
    doc.end("credentials");
    Ok(xml_reply(StatusCode::OK, doc.finish()))
}

/// `POST /auth/signout`: 204 for a live token, 401002 otherwise.
fn sign_out(shared: &Shared, headers: &HeaderMap) -> Result<Reply, ApiError> {
    let token = token(headers)?;
    if !shared.sessions().sign_out(token) {
        return Err(ApiError::unauthorized(
            "The token is not signed in; it may have expired.",
        ));
    }
    shared.counters.sign_outs.fetch_add(1, Ordering::Relaxed);
    Ok(empty(StatusCode::NO_CONTENT))
}

/// `GET /sessions/current`.
fn current_session(shared: &Shared) -> Reply {
    let catalog = &shared.catalog;
    let mut doc = Doc::new(&shared.style);
    doc.start("session", &[]);
    let site = &catalog.site;
    doc.empty(
        "site",
        &[
            ("id", &site.id),
            ("name", &site.name),
            ("contentUrl", &site.content_url),
        ],
    );
    doc.empty(
        "user",
        &[
            ("id", &catalog.owner.id),
            ("name", &catalog.owner.name),
            ("siteRole", &"Creator"),
        ],
    );
    doc.end("session");
    xml_reply(StatusCode::OK, doc.finish())
}

/// The items whose fields pass every condition, sorted as asked.
fn select<'a, T>(
    items: &'a [T],
    query: &Query,
    field: impl Fn(&T, &str) -> Option<String>,
) -> Result<Vec<&'a T>, ApiError> {
    let conditions: Vec<Condition> = query::conditions(query)?;
    let keys: Vec<SortKey> = query::sort_keys(query)?;
    let unknown = |name: &str| {
        let detail = format!("The field '{name}' cannot be used to filter or sort this list.");
        ApiError::bad_request("400065", "Bad Request", &detail)
    };
    if let Some(first) = items.first() {
        let names = conditions
            .iter()
            .map(|c| &c.field)
            .chain(keys.iter().map(|k| &k.field));
        if let Some(name) = names.into_iter().find(|name| field(first, name).is_none()) {
            return Err(unknown(name));
        }
    }
    let mut chosen: Vec<&T> = items
        .iter()
        .filter(|item| {
            conditions
                .iter()
                .all(|c| field(item, &c.field).is_some_and(|v| c.matches(&v)))
        })
        .collect();
    for key in keys.iter().rev() {
        chosen.sort_by(|a, b| {
            let (a, b) = (
                field(a, &key.field).unwrap_or_default(),
                field(b, &key.field).unwrap_or_default(),
            );
            query::compare(&a, &b, key)
        });
    }
    Ok(chosen)
}

/// Writes one page of a list: pagination first, then the list element.
fn page<T>(
    shared: &Shared,
    query: &Query,
    items: &[&T],
    list: &str,
    mut each: impl FnMut(&mut Doc, &T),
) -> Result<Reply, ApiError> {
    let page = Page::from_query(query)?;
    let slice = page.slice(items)?;
    let mut doc = Doc::new(&shared.style);
    xml::pagination(&mut doc, page.number, page.size, items.len());
    if slice.is_empty() {
        doc.empty(list, &[]);
    } else {
        doc.start(list, &[]);
        for item in slice {
            each(&mut doc, item);
        }
        doc.end(list);
    }
    Ok(xml_reply(StatusCode::OK, doc.finish()))
}

/// `GET /sites/{site}/projects`.
fn projects(shared: &Shared, query: &Query) -> Result<Reply, ApiError> {
    let catalog = &shared.catalog;
    let chosen = select(&catalog.projects, query, |p, f| catalog.project_field(p, f))?;
    page(shared, query, &chosen, "projects", |doc, p| {
        xml::project(doc, catalog, p)
    })
}

/// `GET /sites/{site}/workbooks`.
fn workbooks(shared: &Shared, query: &Query) -> Result<Reply, ApiError> {
    let catalog = &shared.catalog;
    let chosen = select(&catalog.workbooks, query, |w, f| {
        catalog.workbook_field(w, f)
    })?;
    page(shared, query, &chosen, "workbooks", |doc, w| {
        xml::workbook(doc, catalog, w, false)
    })
}

/// `GET /sites/{site}/views`.
fn views(shared: &Shared, query: &Query) -> Result<Reply, ApiError> {
    let catalog = &shared.catalog;
    let full = query::full_fields(query);
    let chosen = select(&catalog.views, query, |v, f| catalog.view_field(v, f))?;
    page(shared, query, &chosen, "views", |doc, v| {
        xml::view(doc, catalog, v, full)
    })
}

/// The error for a workbook id that names nothing.
fn no_workbook(id: &str) -> ApiError {
    ApiError::not_found(
        "404006",
        "Resource Not Found",
        &format!("Workbook '{id}' could not be found."),
    )
}

/// `GET /sites/{site}/workbooks/{id}`, or its `/views` (a bare list, no pagination).
fn one_workbook(shared: &Shared, id: &str, only_views: bool) -> Result<Reply, ApiError> {
    let catalog = &shared.catalog;
    let workbook = catalog.workbook(id).ok_or_else(|| no_workbook(id))?;
    let mut doc = Doc::new(&shared.style);
    if only_views {
        doc.start("views", &[]);
        for view in catalog.views_of(workbook) {
            xml::view(&mut doc, catalog, view, false);
        }
        doc.end("views");
    } else {
        xml::workbook(&mut doc, catalog, workbook, true);
    }
    Ok(xml_reply(StatusCode::OK, doc.finish()))
}

/// The view with a LUID, or the 404011 error.
fn find_view<'a>(catalog: &'a Catalog, id: &str) -> Result<&'a View, ApiError> {
    let detail = format!("View '{id}' could not be found.");
    catalog
        .view(id)
        .ok_or_else(|| ApiError::not_found("404011", "Resource Not Found", &detail))
}

/// `GET /sites/{site}/views/{id}`.
fn one_view(shared: &Shared, id: &str) -> Result<Reply, ApiError> {
    let view = find_view(&shared.catalog, id)?;
    let mut doc = Doc::new(&shared.style);
    xml::view(&mut doc, &shared.catalog, view, true);
    Ok(xml_reply(StatusCode::OK, doc.finish()))
}

/// A render or download in progress; dropping it frees the slot.
#[derive(Debug)]
struct Slot<'a>(&'a Shared);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.counters.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Takes a render slot, or answers 429 when `max_concurrent` are already in progress.
fn slot(shared: &Shared) -> Result<Slot<'_>, ApiError> {
    let counters = &shared.counters;
    let now = counters.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    let slot = Slot(shared);
    if shared.config.max_concurrent.is_some_and(|max| now > max) {
        let detail = "Too many concurrent render requests; please retry later.";
        return Err(ApiError::new(429, "429000", "Too Many Requests", detail));
    }
    counters.max_in_flight.fetch_max(now, Ordering::SeqCst);
    Ok(slot)
}

/// `GET /sites/{site}/views/{id}/image`.
async fn image(
    shared: &Arc<Shared>,
    id: &str,
    query: &Query,
    version: (u32, u32),
) -> Result<Reply, ApiError> {
    let view = find_view(&shared.catalog, id)?;
    let options = ImageOptions::from_query(query, version)?;
    let filters = ViewFilters::from_query(query);
    let (base_w, base_h) = options
        .viz
        .unwrap_or_else(|| render::declared_size(&shared.catalog, view));
    let factor = if options.high { 2 } else { 1 };
    let (width, height) = (base_w * factor, base_h * factor);
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        let detail = format!(
            "A {width} x {height} px image is larger than the {MAX_PIXELS} pixels allowed."
        );
        return Err(ApiError::bad_request("400000", "Bad Request", &detail));
    }

    let _slot = slot(shared)?;
    // A render takes `latency` in all: the simulator's own drawing counts towards it.
    let started = tokio::time::Instant::now();
    let (task_shared, view_id) = (shared.clone(), view.id.clone());
    let png = tokio::task::spawn_blocking(move || {
        let view = task_shared.catalog.view(&view_id).ok_or(None)?;
        render::render(&task_shared.catalog, view, width, height, &filters).map_err(Some)
    })
    .await;
    let png = match png {
        Ok(Ok(png)) => png,
        failed => {
            let why = match failed {
                Ok(Err(Some(err))) => err.to_string(),
                _ => "the render task stopped".to_string(),
            };
            return Err(ApiError::new(
                500,
                "500000",
                "Internal Server Error",
                &format!("Rendering failed: {why}."),
            ));
        }
    };
    tokio::time::sleep_until(started + shared.config.latency).await;
    shared.counters.renders.fetch_add(1, Ordering::Relaxed);
    Ok(reply(StatusCode::OK, "image/png", png))
}

/// `GET /sites/{site}/workbooks/{id}/content`: `.twbx` or `.twb` as an attachment.
async fn content(shared: &Shared, id: &str) -> Result<Reply, ApiError> {
    let workbook = shared.catalog.workbook(id).ok_or_else(|| no_workbook(id))?;
    let _slot = slot(shared)?;
    tokio::time::sleep(shared.config.latency).await;
    let file = twb::workbook_file(&shared.catalog, workbook).map_err(|err| {
        ApiError::new(
            500,
            "500000",
            "Internal Server Error",
            &format!("Packaging failed: {err}."),
        )
    })?;
    let mut answer = reply(StatusCode::OK, "application/octet-stream", file.bytes);
    let disposition = format!("attachment; filename=\"{}\"", file.filename);
    let value =
        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment"));
    answer.headers_mut().insert(CONTENT_DISPOSITION, value);
    Ok(answer)
}
