//! Response bodies: `tsResponse` documents in the configured namespace style, Tableau error
//! bodies, and the elements for sites, projects, workbooks and views.
//!
//! Real servers answer with the namespace as default and an XML declaration; Tableau Cloud
//! captures also show `<ns0:tsResponse xmlns:ns0="…">` with no declaration, and clients must
//! cope with both, so both can be served.

use std::fmt::{Display, Write as _};

use crate::pptx::xml::{Attr, escape};

use super::catalog::{Catalog, Project, UPDATED_AT, View, Workbook};

/// The REST API namespace.
pub const NAMESPACE: &str = "http://tableau.com/api";

/// A Tableau error answer: HTTP status, error code, summary and detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// Tableau's six-digit code.
    pub code: String,
    /// The short summary.
    pub summary: String,
    /// The explanation.
    pub detail: String,
}

impl ApiError {
    /// An error with every part given.
    pub fn new(status: u16, code: &str, summary: &str, detail: &str) -> ApiError {
        ApiError {
            status,
            code: code.to_string(),
            summary: summary.to_string(),
            detail: detail.to_string(),
        }
    }

    /// A 400 error.
    pub fn bad_request(code: &str, summary: &str, detail: &str) -> ApiError {
        ApiError::new(400, code, summary, detail)
    }

    /// A 401 `401002`: the token is missing, invalid or expired.
    pub fn unauthorized(detail: &str) -> ApiError {
        ApiError::new(401, "401002", "Unauthorized Access", detail)
    }

    /// A 404 error.
    pub fn not_found(code: &str, summary: &str, detail: &str) -> ApiError {
        ApiError::new(404, code, summary, detail)
    }
}

/// How documents spell the namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Style {
    /// `Some("ns0")` for `<ns0:tsResponse xmlns:ns0="…">` without a declaration.
    pub prefix: Option<String>,
    /// The server's REST API version, named in the schema location.
    pub api_version: String,
}

/// A `tsResponse` document being written.
#[derive(Debug)]
pub struct Doc {
    out: String,
    prefix: Option<String>,
}

impl Doc {
    /// Starts a document with its `tsResponse` element open.
    pub fn new(style: &Style) -> Doc {
        let mut doc = Doc {
            out: String::with_capacity(4096),
            prefix: style.prefix.clone(),
        };
        match &style.prefix {
            Some(prefix) => {
                let _ = write!(
                    doc.out,
                    "<{prefix}:tsResponse xmlns:{prefix}=\"{NAMESPACE}\">"
                );
            }
            None => {
                let schema = style.api_version.replace('.', "_");
                let _ = write!(
                    doc.out,
                    "<?xml version='1.0' encoding='UTF-8'?>\
                     <tsResponse xmlns=\"{NAMESPACE}\" \
                     xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
                     xsi:schemaLocation=\"{NAMESPACE} \
                     https://help.tableau.com/samples/en-us/rest_api/ts-api_{schema}.xsd\">"
                );
            }
        }
        doc
    }

    /// Writes `<name` and the attributes, with the prefix.
    fn open(&mut self, name: &str, attrs: &[Attr]) {
        self.out.push('<');
        self.name(name);
        for (key, value) in attrs {
            let _ = write!(self.out, " {key}=\"{}\"", escape(&value.to_string()));
        }
    }

    /// Writes an element name with the prefix.
    fn name(&mut self, name: &str) {
        if let Some(prefix) = &self.prefix {
            self.out.push_str(prefix);
            self.out.push(':');
        }
        self.out.push_str(name);
    }

    /// Writes `<name attrs>`.
    pub fn start(&mut self, name: &str, attrs: &[Attr]) {
        self.open(name, attrs);
        self.out.push('>');
    }

    /// Writes `</name>`.
    pub fn end(&mut self, name: &str) {
        self.out.push_str("</");
        self.name(name);
        self.out.push('>');
    }

    /// Writes `<name attrs/>`.
    pub fn empty(&mut self, name: &str, attrs: &[Attr]) {
        self.open(name, attrs);
        self.out.push_str("/>");
    }

    /// Writes `<name attrs>text</name>`.
    pub fn text(&mut self, name: &str, attrs: &[Attr], text: &str) {
        self.start(name, attrs);
        self.out.push_str(&escape(text));
        self.end(name);
    }

    /// Closes `tsResponse` and returns the document.
    pub fn finish(mut self) -> String {
        self.end("tsResponse");
        self.out
    }
}

/// The body of an error.
pub fn error(style: &Style, err: &ApiError) -> String {
    let mut doc = Doc::new(style);
    doc.start("error", &[("code", &err.code)]);
    doc.text("summary", &[], &err.summary);
    doc.text("detail", &[], &err.detail);
    doc.end("error");
    doc.finish()
}

/// The `<pagination>` element of a list.
pub fn pagination(doc: &mut Doc, number: usize, size: usize, total: usize) {
    doc.empty(
        "pagination",
        &[
            ("pageNumber", &number),
            ("pageSize", &size),
            ("totalAvailable", &total),
        ],
    );
}

/// A project element.
pub fn project(doc: &mut Doc, catalog: &Catalog, project: &Project) {
    let created = "2024-01-02T09:00:00Z";
    doc.start(
        "project",
        &[
            ("id", &project.id),
            ("name", &project.name),
            ("description", &project.description),
            ("createdAt", &created),
            ("updatedAt", &UPDATED_AT),
            ("contentPermissions", &"LockedToProject"),
        ],
    );
    doc.empty("owner", &[("id", &catalog.owner.id)]);
    doc.end("project");
}

/// A workbook element; `views` lists its views inside it, as Get Workbook does.
pub fn workbook(doc: &mut Doc, catalog: &Catalog, workbook: &Workbook, views: bool) {
    let project = &catalog.projects[workbook.project];
    let default_view = catalog
        .views_of(workbook)
        .first()
        .map(|v| v.id.clone())
        .unwrap_or_default();
    let size = if workbook.packaged { 2 } else { 1 };
    doc.start(
        "workbook",
        &[
            ("id", &workbook.id),
            ("name", &workbook.name),
            ("description", &""),
            ("contentUrl", &workbook.content_url),
            ("showTabs", &"true"),
            ("size", &size),
            ("createdAt", &workbook.created_at),
            ("updatedAt", &UPDATED_AT),
            ("encryptExtracts", &"false"),
            ("defaultViewId", &default_view),
        ],
    );
    doc.empty("project", &[("id", &project.id), ("name", &project.name)]);
    doc.empty(
        "location",
        &[
            ("id", &project.id),
            ("type", &"Project"),
            ("name", &project.name),
        ],
    );
    doc.empty(
        "owner",
        &[("id", &catalog.owner.id), ("name", &catalog.owner.name)],
    );
    doc.empty("tags", &[]);
    if views {
        doc.start("views", &[]);
        for view in catalog.views_of(workbook) {
            self::view(doc, catalog, view, false);
        }
        doc.end("views");
    }
    doc.empty(
        "dataAccelerationConfig",
        &[("accelerationEnabled", &"false")],
    );
    doc.end("workbook");
}

/// A view element; `full` adds `sheetType` and the fuller children of `fields=_all_`.
pub fn view(doc: &mut Doc, catalog: &Catalog, view: &View, full: bool) {
    let workbook = &catalog.workbooks[view.workbook];
    let project = &catalog.projects[workbook.project];
    let owner = &catalog.owner;
    let mut attrs: Vec<Attr> = vec![
        ("id", &view.id),
        ("name", &view.name),
        ("contentUrl", &view.content_url),
        ("createdAt", &workbook.created_at),
        ("updatedAt", &UPDATED_AT),
        ("viewUrlName", &view.url_name),
    ];
    let sheet_type = view.sheet_type();
    if full {
        attrs.push(("sheetType", &sheet_type as &dyn Display));
        attrs.push(("favoritesTotal", &0));
    }
    doc.start("view", &attrs);
    if full {
        doc.empty(
            "workbook",
            &[
                ("id", &workbook.id),
                ("name", &workbook.name),
                ("contentUrl", &workbook.content_url),
                ("showTabs", &"true"),
                ("createdAt", &workbook.created_at),
                ("updatedAt", &UPDATED_AT),
            ],
        );
        doc.empty(
            "owner",
            &[
                ("id", &owner.id),
                ("name", &owner.name),
                ("fullName", &owner.full_name),
                ("email", &owner.email),
                ("siteRole", &"Creator"),
            ],
        );
        doc.empty(
            "project",
            &[
                ("id", &project.id),
                ("name", &project.name),
                ("description", &project.description),
            ],
        );
        doc.empty("tags", &[]);
        doc.empty(
            "location",
            &[
                ("id", &project.id),
                ("type", &"Project"),
                ("name", &project.name),
            ],
        );
        doc.empty("usage", &[("totalViewCount", &0)]);
    } else {
        doc.empty("workbook", &[("id", &workbook.id)]);
        doc.empty("owner", &[("id", &owner.id)]);
        doc.empty("project", &[("id", &project.id)]);
        doc.empty("tags", &[]);
    }
    doc.end("view");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style(prefix: Option<&str>) -> Style {
        Style {
            prefix: prefix.map(str::to_string),
            api_version: "3.28".into(),
        }
    }

    #[test]
    fn default_style_declares_and_uses_the_default_namespace() {
        let body = error(
            &style(None),
            &ApiError::unauthorized("Token <expired> & gone"),
        );
        assert!(body.starts_with(
            "<?xml version='1.0' encoding='UTF-8'?><tsResponse xmlns=\"http://tableau.com/api\""
        ));
        assert!(body.contains("ts-api_3_28.xsd"));
        assert!(body.contains("<error code=\"401002\"><summary>Unauthorized Access</summary>"));
        assert!(
            body.contains("<detail>Token &lt;expired&gt; &amp; gone</detail></error></tsResponse>")
        );
    }

    #[test]
    fn prefixed_style_prefixes_every_element_and_has_no_declaration() {
        let body = error(&style(Some("ns0")), &ApiError::unauthorized("x"));
        assert!(body.starts_with("<ns0:tsResponse xmlns:ns0=\"http://tableau.com/api\">"));
        assert!(body.contains("<ns0:error code=\"401002\"><ns0:summary>"));
        assert!(body.ends_with("</ns0:error></ns0:tsResponse>"));
    }

    #[test]
    fn views_carry_sheet_type_only_when_asked() {
        let catalog = Catalog::new("safety");
        let mut doc = Doc::new(&style(None));
        view(&mut doc, &catalog, &catalog.views[0], false);
        let plain = doc.finish();
        assert!(!plain.contains("sheetType") && plain.contains("<workbook id="));
        let mut doc = Doc::new(&style(None));
        view(&mut doc, &catalog, &catalog.views[0], true);
        let full = doc.finish();
        assert!(full.contains("sheetType=\"dashboard\"") && full.contains("siteRole=\"Creator\""));
    }
}
