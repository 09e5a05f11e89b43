//! Document properties: `docProps/core.xml` (title, author, dates) and `docProps/app.xml`.

use super::xml::XmlWriter;
use crate::spec::civil_date;

/// What the properties parts say about the deck.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocProps {
    /// `dc:title`.
    pub title: Option<String>,
    /// `dc:creator`.
    pub author: Option<String>,
    /// Created and modified time, seconds since the Unix epoch.
    pub timestamp: i64,
    /// Number of slides.
    pub slides: usize,
    /// Number of slides with notes.
    pub notes: usize,
}

/// Formats Unix seconds as W3CDTF in UTC, e.g. `2026-11-01T00:00:00Z`.
pub fn w3cdtf(seconds: i64) -> String {
    let (year, month, day) = civil_date(seconds);
    let time = seconds.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        time / 3600,
        time % 3600 / 60,
        time % 60
    )
}

/// `AppVersion` must look like `XX.YYYY` (ISO/IEC 29500-1 §22.2.2.2); it is made from the
/// crate's version.
fn app_version() -> String {
    let mut numbers = env!("CARGO_PKG_VERSION")
        .split('.')
        .map(|n| n.parse::<u32>().unwrap_or(0));
    let major = numbers.next().unwrap_or(0);
    let minor = numbers.next().unwrap_or(0);
    let patch = numbers.next().unwrap_or(0);
    format!("{major:02}.{:04}", (minor * 100 + patch).min(9999))
}

impl DocProps {
    /// The core properties part.
    pub fn core_xml(&self) -> String {
        let mut w = XmlWriter::new();
        w.start(
            "cp:coreProperties",
            &[
                (
                    "xmlns:cp",
                    &"http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
                ),
                ("xmlns:dc", &"http://purl.org/dc/elements/1.1/"),
                ("xmlns:dcterms", &"http://purl.org/dc/terms/"),
                ("xmlns:dcmitype", &"http://purl.org/dc/dcmitype/"),
                ("xmlns:xsi", &"http://www.w3.org/2001/XMLSchema-instance"),
            ],
        );
        if let Some(title) = &self.title {
            w.text_element("dc:title", &[], title);
        }
        if let Some(author) = &self.author {
            w.text_element("dc:creator", &[], author);
        }
        let stamp = w3cdtf(self.timestamp);
        for element in ["dcterms:created", "dcterms:modified"] {
            w.text_element(element, &[("xsi:type", &"dcterms:W3CDTF")], &stamp);
        }
        w.end("cp:coreProperties");
        w.finish()
    }

    /// The extended properties part.
    pub fn app_xml(&self) -> String {
        let mut w = XmlWriter::new();
        w.start(
            "Properties",
            &[
                (
                    "xmlns",
                    &"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
                ),
                (
                    "xmlns:vt",
                    &"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
                ),
            ],
        );
        w.text_element("Application", &[], "deckgen");
        w.text_element("PresentationFormat", &[], "On-screen Show");
        w.text_element("Slides", &[], &self.slides.to_string());
        w.text_element("Notes", &[], &self.notes.to_string());
        w.text_element("AppVersion", &[], &app_version());
        w.end("Properties");
        w.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn w3cdtf_formats_utc() {
        assert_eq!(w3cdtf(0), "1970-01-01T00:00:00Z");
        assert_eq!(w3cdtf(1_796_083_200 + 3_723), "2026-12-01T01:02:03Z");
    }

    #[test]
    fn app_version_has_the_required_shape() {
        let version = app_version();
        let (major, minor) = version.split_once('.').unwrap();
        assert!(
            major.len() >= 2 && major.chars().all(|c| c.is_ascii_digit()),
            "{version}"
        );
        assert!(
            minor.len() == 4 && minor.chars().all(|c| c.is_ascii_digit()),
            "{version}"
        );
    }

    #[test]
    fn core_properties_escape_text() {
        let props = DocProps {
            title: Some("Q&A <Nov>".into()),
            author: None,
            timestamp: 0,
            slides: 1,
            notes: 0,
        };
        let xml = props.core_xml();
        assert!(
            xml.contains("<dc:title>Q&amp;A &lt;Nov&gt;</dc:title>"),
            "{xml}"
        );
        assert!(!xml.contains("dc:creator"));
        assert!(xml.contains("xsi:type=\"dcterms:W3CDTF\">1970-01-01T00:00:00Z<"));
    }
}
