//! Reading Tableau's XML responses by namespace URI, whatever prefix the server uses.
//!
//! Responses are small (a page of at most 1000 items), so they are read into a tiny tree
//! whose elements know their namespace; lookups match the current namespace
//! `http://tableau.com/api` or the legacy `http://tableausoftware.com/api`.

use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

/// The namespace of current Tableau responses.
pub const NAMESPACE: &str = "http://tableau.com/api";
/// The namespace older servers used.
pub const LEGACY_NAMESPACE: &str = "http://tableausoftware.com/api";

/// How deep a response may nest elements; real ones nest fewer than ten.
const MAX_DEPTH: usize = 256;

/// An element of a response.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element {
    /// Whether the element is in a Tableau namespace.
    pub tableau: bool,
    /// Local name.
    pub name: String,
    /// Attributes by local name, in document order.
    pub attributes: Vec<(String, String)>,
    /// Child elements.
    pub children: Vec<Element>,
    /// Text directly inside the element.
    pub text: String,
}

impl Element {
    /// The value of an attribute.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first Tableau child called `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.tableau && c.name == name)
    }

    /// Every Tableau child called `name`.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children
            .iter()
            .filter(move |c| c.tableau && c.name == name)
    }

    /// The first Tableau element called `name` at any depth below this one.
    pub fn find(&self, name: &str) -> Option<&Element> {
        self.children.iter().find_map(|c| {
            if c.tableau && c.name == name {
                Some(c)
            } else {
                c.find(name)
            }
        })
    }
}

fn is_tableau(ns: &ResolveResult) -> bool {
    matches!(ns, ResolveResult::Bound(uri)
        if uri.as_ref() == NAMESPACE.as_bytes() || uri.as_ref() == LEGACY_NAMESPACE.as_bytes())
}

fn element(reader: &NsReader<&[u8]>, tableau: bool, start: &BytesStart) -> Element {
    let attributes = start
        .attributes()
        .flatten()
        .filter(|a| {
            let key = a.key.as_ref();
            key != b"xmlns" && !key.starts_with(b"xmlns:")
        })
        .map(|a| {
            let (_, local) = reader.resolve_attribute(a.key);
            let value = a
                .unescape_value()
                .map(|v| v.into_owned())
                .unwrap_or_default();
            (String::from_utf8_lossy(local.as_ref()).into_owned(), value)
        })
        .collect();
    let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
    Element {
        tableau,
        name,
        attributes,
        children: Vec::new(),
        text: String::new(),
    }
}

/// Parses a response body; the XML declaration is optional.
pub fn parse(body: &[u8]) -> Result<Element, String> {
    let mut reader = NsReader::from_reader(body);
    let mut buf = Vec::new();
    let mut stack: Vec<Element> = Vec::new();
    let mut root = None;
    loop {
        let (ns, event) = reader
            .read_resolved_event_into(&mut buf)
            .map_err(|e| e.to_string())?;
        let tableau = is_tableau(&ns);
        match event {
            Event::Start(start) => {
                // quick-xml counts namespace scopes in a u16 that overflows past 65535 open
                // elements, and the tree is dropped and searched recursively.
                if stack.len() == MAX_DEPTH {
                    return Err(format!(
                        "the body nests elements more than {MAX_DEPTH} deep"
                    ));
                }
                let open = element(&reader, tableau, &start);
                stack.push(open);
            }
            Event::Empty(start) => {
                let done = element(&reader, tableau, &start);
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => root = Some(done),
                }
            }
            Event::End(_) => {
                let done = stack.pop().ok_or("unbalanced end tag")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => root = Some(done),
                }
            }
            Event::Text(text) => {
                if let Some(open) = stack.last_mut() {
                    let raw = text.decode().map_err(|e| e.to_string())?;
                    let unescaped = quick_xml::escape::unescape(&raw).map_err(|e| e.to_string())?;
                    open.text.push_str(&unescaped);
                }
            }
            Event::CData(data) => {
                if let Some(open) = stack.last_mut() {
                    open.text.push_str(&String::from_utf8_lossy(&data));
                }
            }
            Event::GeneralRef(reference) => {
                if let Some(open) = stack.last_mut() {
                    let raw = format!("&{};", String::from_utf8_lossy(&reference));
                    let resolved = quick_xml::escape::unescape(&raw).map_err(|e| e.to_string())?;
                    open.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !stack.is_empty() {
        return Err("the document ends inside an element".into());
    }
    root.ok_or_else(|| "the body holds no XML element".into())
}

/// Tableau's error details: code, summary and detail.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApiError {
    /// The six-digit code, e.g. `401002`.
    pub code: String,
    /// Short summary.
    pub summary: String,
    /// Free-text detail.
    pub detail: String,
}

/// Reads `<error code><summary/><detail/></error>` from a body, if it holds one.
pub fn api_error(body: &[u8]) -> Option<ApiError> {
    let root = parse(body).ok()?;
    let error = if root.tableau && root.name == "error" {
        &root
    } else {
        root.find("error")?
    };
    Some(ApiError {
        code: error.attr("code").unwrap_or_default().to_string(),
        summary: error
            .child("summary")
            .map(|s| s.text.trim().to_string())
            .unwrap_or_default(),
        detail: error
            .child("detail")
            .map(|d| d.text.trim().to_string())
            .unwrap_or_default(),
    })
}

/// The `<pagination>` numbers of a listing page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pagination {
    /// This page, from 1.
    pub page_number: u32,
    /// Items per page.
    pub page_size: u32,
    /// Items in the whole listing.
    pub total: u64,
}

/// Reads the pagination element of a listing.
pub fn pagination(root: &Element) -> Option<Pagination> {
    let p = root.child("pagination")?;
    Some(Pagination {
        page_number: p.attr("pageNumber")?.trim().parse().ok()?,
        page_size: p.attr("pageSize")?.trim().parse().ok()?,
        total: p.attr("totalAvailable")?.trim().parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_namespace_prefixes_and_legacy_uri_all_match() {
        let bodies: [&[u8]; 3] = [
            br#"<?xml version='1.0' encoding='UTF-8'?><tsResponse xmlns="http://tableau.com/api"
                xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                xsi:schemaLocation="http://tableau.com/api x.xsd"><credentials token="T">
                <site id="S" contentUrl="safety"/></credentials></tsResponse>"#,
            br#"<ns0:tsResponse xmlns:ns0="http://tableau.com/api"><ns0:credentials token="T">
                <ns0:site id="S" contentUrl="safety"/></ns0:credentials></ns0:tsResponse>"#,
            br#"<tsResponse xmlns="http://tableausoftware.com/api"><credentials token="T">
                <site id="S" contentUrl="safety"/></credentials></tsResponse>"#,
        ];
        for body in bodies {
            let root = parse(body).unwrap();
            let credentials = root.child("credentials").expect("credentials");
            assert_eq!(credentials.attr("token"), Some("T"));
            assert_eq!(root.find("site").and_then(|s| s.attr("id")), Some("S"));
        }
    }

    #[test]
    fn foreign_namespaces_do_not_match() {
        let root = parse(br#"<r xmlns="urn:other"><credentials token="T"/></r>"#).unwrap();
        assert!(root.child("credentials").is_none());
    }

    #[test]
    fn errors_and_pagination_are_read() {
        let body = br#"<tsResponse xmlns="http://tableau.com/api"><error code="401002">
            <summary>Unauthorized Access</summary><detail>Invalid &amp; expired</detail>
            </error></tsResponse>"#;
        let error = api_error(body).unwrap();
        assert_eq!(
            (error.code.as_str(), error.summary.as_str()),
            ("401002", "Unauthorized Access")
        );
        assert_eq!(error.detail, "Invalid & expired");
        assert_eq!(api_error(b"<html><body>Bad gateway</body></html>"), None);

        let page = br#"<tsResponse xmlns="http://tableau.com/api">
            <pagination pageNumber="2" pageSize="100" totalAvailable="137"/><views/></tsResponse>"#;
        let root = parse(page).unwrap();
        let expected = Pagination {
            page_number: 2,
            page_size: 100,
            total: 137,
        };
        assert_eq!(pagination(&root), Some(expected));
        assert_eq!(root.child("views").map(|v| v.children.len()), Some(0));
    }

    #[test]
    fn deep_nesting_is_an_error_before_the_namespace_counter_overflows() {
        let deep = b"<a>".repeat(65_536);
        let err = parse(&deep).unwrap_err();
        assert!(err.contains("more than 256 deep"), "{err}");
        let fine = format!("{}{}", "<a>".repeat(256), "</a>".repeat(256));
        assert!(parse(fine.as_bytes()).is_ok());
    }

    #[test]
    fn broken_bodies_are_errors() {
        assert!(parse(b"").is_err());
        assert!(parse(b"<a><b></a>").is_err());
        assert!(parse(b"<a>").is_err());
    }
}
