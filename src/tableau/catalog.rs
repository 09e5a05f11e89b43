//! Finding views: listings paged through, view references resolved with server-side filters,
//! and helpful candidates when a name does not match.

use super::TableauError;
use super::session::{Session, query};
use super::xml::{self, Element};
use crate::spec::ViewRef;

/// Items per listing page (Tableau allows 1 to 1000).
const PAGE_SIZE: u32 = 1000;

/// A view of the site.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct View {
    /// LUID.
    pub id: String,
    /// Name, as in the workbook.
    pub name: String,
    /// `Workbook/sheets/View`.
    pub content_url: String,
    /// LUID of its workbook.
    pub workbook_id: String,
    /// Its workbook's name, when the server said.
    pub workbook: Option<String>,
    /// Its project's name, when the server said.
    pub project: Option<String>,
    /// `dashboard`, `worksheet` or `story`, when the server said.
    pub sheet_type: Option<String>,
}

impl View {
    /// "Project/Workbook/View", for messages.
    pub fn path(&self) -> String {
        let mut parts = Vec::new();
        parts.extend(self.project.as_deref());
        parts.push(self.workbook.as_deref().unwrap_or("?"));
        parts.push(&self.name);
        parts.join("/")
    }

    fn from_element(element: &Element) -> Option<View> {
        let workbook = element.child("workbook");
        Some(View {
            id: element.attr("id")?.to_string(),
            name: element.attr("name")?.to_string(),
            content_url: element.attr("contentUrl").unwrap_or_default().to_string(),
            workbook_id: workbook
                .and_then(|w| w.attr("id"))
                .unwrap_or_default()
                .to_string(),
            workbook: workbook.and_then(|w| w.attr("name")).map(str::to_string),
            project: element
                .child("project")
                .and_then(|p| p.attr("name"))
                .map(str::to_string),
            sheet_type: element.attr("sheetType").map(str::to_string),
        })
    }
}

/// A project, workbook or other named item of a listing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Item {
    /// LUID.
    pub id: String,
    /// Name.
    pub name: String,
    /// contentUrl, where the item has one.
    pub content_url: Option<String>,
    /// Name of the project it belongs to, where the server said.
    pub project: Option<String>,
}

impl Item {
    fn from_element(element: &Element) -> Option<Item> {
        Some(Item {
            id: element.attr("id")?.to_string(),
            name: element.attr("name")?.to_string(),
            content_url: element.attr("contentUrl").map(str::to_string),
            project: element
                .child("project")
                .and_then(|p| p.attr("name"))
                .map(str::to_string),
        })
    }
}

/// A `field:eq:value` filter, or `None` when the value has a character filters cannot carry
/// (`,` and `&`); such values are matched on our side instead.
fn eq_filter(field: &str, value: &str) -> Option<String> {
    (!value.contains(',') && !value.contains('&')).then(|| format!("{field}:eq:{value}"))
}

/// Every element called `item` of a paged listing of `resource` under the site.
pub async fn list(
    session: &Session,
    resource: &str,
    item: &str,
    filters: &[String],
    fields: Option<&str>,
) -> Result<Vec<Element>, TableauError> {
    list_in_pages(session, resource, item, filters, fields, PAGE_SIZE).await
}

/// [`list`] with pages of `page_size` items.
pub async fn list_in_pages(
    session: &Session,
    resource: &str,
    item: &str,
    filters: &[String],
    fields: Option<&str>,
    page_size: u32,
) -> Result<Vec<Element>, TableauError> {
    let mut items = Vec::new();
    let mut page = 1u32;
    loop {
        let mut pairs = vec![
            ("pageSize".to_string(), page_size.to_string()),
            ("pageNumber".to_string(), page.to_string()),
        ];
        if !filters.is_empty() {
            pairs.push(("filter".into(), filters.join(",")));
        }
        if let Some(fields) = fields {
            pairs.push(("fields".into(), fields.into()));
        }
        let url = format!("{}?{}", session.site_url(resource), query(&pairs));
        let answer = session.get(&url, &format!("list {resource}")).await?;
        let root = xml::parse(&answer.body).map_err(|e| {
            TableauError::failure(format!(
                "list {resource}: {url} answered unreadable XML: {e}"
            ))
        })?;
        let list = root.child(resource);
        let before = items.len();
        items.extend(
            list.into_iter()
                .flat_map(|l| l.children_named(item))
                .cloned(),
        );
        let received = items.len() - before;
        match xml::pagination(&root) {
            Some(p)
                if received > 0 && u64::from(p.page_number) * u64::from(p.page_size) < p.total =>
            {
                page += 1;
            }
            _ => return Ok(items),
        }
    }
}

async fn views_where(session: &Session, filters: &[String]) -> Result<Vec<View>, TableauError> {
    let elements = list(session, "views", "view", filters, Some("_all_")).await?;
    Ok(elements.iter().filter_map(View::from_element).collect())
}

/// Up to five names from `candidates`, closest to `wanted` first.
fn closest(wanted: &str, candidates: impl IntoIterator<Item = String>) -> Vec<String> {
    let wanted = wanted.to_lowercase();
    let mut scored: Vec<(f64, String)> = candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&wanted, &c.to_lowercase()), c))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(5).map(|(_, name)| name).collect()
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Finds the one view a spec's reference names.
pub async fn resolve(session: &Session, reference: &ViewRef) -> Result<View, TableauError> {
    let found = match reference {
        ViewRef::Id(id) => {
            let url = session.site_url(&format!("views/{}?fields=_all_", super::encode(id)));
            let answer = session.get(&url, &format!("look up view {id}")).await?;
            let root = xml::parse(&answer.body)
                .map_err(|e| TableauError::failure(format!("look up view: {url}: {e}")))?;
            return root
                .child("view")
                .and_then(View::from_element)
                .ok_or_else(|| {
                    TableauError::failure(format!("look up view: {url} answered no view"))
                });
        }
        ViewRef::ContentUrl(content_url) => {
            let filters: Vec<String> = eq_filter("contentUrl", content_url).into_iter().collect();
            let views = views_where(session, &filters).await?;
            views
                .into_iter()
                .filter(|v| &v.content_url == content_url)
                .collect::<Vec<_>>()
        }
        ViewRef::Name {
            workbook,
            view,
            project,
        } => {
            let mut filters: Vec<String> = Vec::new();
            filters.extend(eq_filter("name", view));
            filters.extend(eq_filter("workbookName", workbook));
            if let Some(project) = project {
                filters.extend(eq_filter("projectName", project));
            }
            let views = views_where(session, &filters).await?;
            views
                .into_iter()
                .filter(|v| &v.name == view && v.workbook.as_deref().is_none_or(|w| w == workbook))
                .filter(|v| project.is_none() || v.project.is_none() || v.project == *project)
                .collect()
        }
    };
    match found.len() {
        1 => Ok(found.into_iter().next().expect("one view")),
        0 => Err(not_found(session, reference).await),
        _ => {
            let paths: Vec<String> = found.iter().map(View::path).collect();
            Err(TableauError::input(format!(
                "`{}` matches {} views: {}",
                reference.describe(),
                found.len(),
                quoted(&paths)
            ))
            .hint("add `project:` to the picture, or name the view by { id: LUID }"))
        }
    }
}

/// The error for a reference that matched nothing, with the closest names the site has.
async fn not_found(session: &Session, reference: &ViewRef) -> TableauError {
    let what = reference.describe();
    let message = format!("no view `{what}` on the site");
    let candidates = match reference {
        ViewRef::Name { workbook, view, .. } => {
            let filters: Vec<String> = eq_filter("workbookName", workbook).into_iter().collect();
            match views_where(session, &filters).await {
                Ok(views) if !views.is_empty() => {
                    let names = closest(view, views.into_iter().map(|v| v.name));
                    Some(format!(
                        "workbook \"{workbook}\" has the views {}",
                        quoted(&names)
                    ))
                }
                Ok(_) => list(session, "workbooks", "workbook", &[], None)
                    .await
                    .ok()
                    .map(|all| {
                        let names = all
                            .iter()
                            .filter_map(|w| w.attr("name").map(str::to_string));
                        format!(
                            "there is no workbook \"{workbook}\"; closest: {}",
                            quoted(&closest(workbook, names))
                        )
                    }),
                Err(_) => None,
            }
        }
        ViewRef::ContentUrl(content_url) => views_where(session, &[]).await.ok().map(|views| {
            let urls = closest(content_url, views.into_iter().map(|v| v.content_url));
            format!("closest content URLs: {}", quoted(&urls))
        }),
        ViewRef::Id(_) => None,
    };
    let hint = candidates.unwrap_or_else(|| "`deckgen views` lists the site's views".to_string());
    TableauError::input(message).hint(hint)
}

/// All views of the site, optionally of one project or workbook, for `deckgen views`.
pub async fn all_views(
    session: &Session,
    project: Option<&str>,
    workbook: Option<&str>,
) -> Result<Vec<View>, TableauError> {
    let mut filters = Vec::new();
    if let Some(project) = project {
        filters.extend(eq_filter("projectName", project));
    }
    if let Some(workbook) = workbook {
        filters.extend(eq_filter("workbookName", workbook));
    }
    let views = views_where(session, &filters).await?;
    Ok(views
        .into_iter()
        .filter(|v| project.is_none() || v.project.as_deref() == project)
        .filter(|v| workbook.is_none() || v.workbook.as_deref() == workbook)
        .collect())
}

/// All items of a listing (`projects`/`project`, `workbooks`/`workbook`).
pub async fn all_items(
    session: &Session,
    resource: &str,
    item: &str,
) -> Result<Vec<Item>, TableauError> {
    let elements = list(session, resource, item, &[], None).await?;
    Ok(elements.iter().filter_map(Item::from_element).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_are_read_from_all_fields_listings() {
        let body = br#"<tsResponse xmlns="http://tableau.com/api">
          <pagination pageNumber="1" pageSize="100" totalAvailable="1"/>
          <views><view id="V1" name="Incidents" contentUrl="SafetyOverview/sheets/Incidents"
              sheetType="dashboard"><workbook id="W1" name="Safety Overview"/>
              <owner id="U"/><project id="P" name="Safety"/><tags/></view></views>
          </tsResponse>"#;
        let root = xml::parse(body).unwrap();
        let views: Vec<View> = root
            .child("views")
            .unwrap()
            .children_named("view")
            .filter_map(View::from_element)
            .collect();
        assert_eq!(views.len(), 1);
        assert_eq!(views[0].path(), "Safety/Safety Overview/Incidents");
        assert_eq!(views[0].sheet_type.as_deref(), Some("dashboard"));
        assert_eq!(views[0].workbook_id, "W1");
    }

    #[test]
    fn filters_skip_values_tableau_cannot_carry() {
        assert_eq!(
            eq_filter("name", "Incidents"),
            Some("name:eq:Incidents".into())
        );
        assert_eq!(eq_filter("name", "A, B"), None);
        assert_eq!(eq_filter("name", "R&D"), None);
    }

    #[test]
    fn listings_page_through_to_the_last_item() {
        use crate::simulate::{self, Config};
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let config = Config::default();
            let listen = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
            let server = simulate::start(listen, config.clone()).await.unwrap();
            let connection = crate::tableau::Connection {
                url: server.url(),
                site: config.site.clone(),
                api_version: None,
                token_name: config.token_name.clone(),
                token_secret: crate::tableau::Secret::new(config.token_secret.clone()),
                ca_cert: None,
                timeout: std::time::Duration::from_secs(30),
                retry: crate::tableau::RetryPolicy::default(),
            };
            let session = Session::sign_in(&connection).await.unwrap();
            let before = server.stats().requests;
            let views = list_in_pages(&session, "views", "view", &[], None, 25)
                .await
                .unwrap();
            let pages = server.stats().requests - before;
            let mut ids: Vec<&str> = views.iter().filter_map(|v| v.attr("id")).collect();
            ids.sort();
            ids.dedup();
            assert_eq!((views.len(), ids.len(), pages), (113, 113, 5));
            let empty = vec!["name:eq:No such view".to_string()];
            assert!(
                list_in_pages(&session, "views", "view", &empty, None, 25)
                    .await
                    .unwrap()
                    .is_empty()
            );
            session.sign_out().await;
            server.stop().await;
        });
    }

    #[test]
    fn closest_names_come_first() {
        let names = [
            "Incidents",
            "Top Hazards",
            "Incidents by Fleet",
            "Fleet Mix",
        ]
        .map(String::from);
        assert_eq!(closest("Incident", names)[0], "Incidents");
    }
}
