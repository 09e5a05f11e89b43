//! `[Content_Types].xml`: a content type for every part, by extension or by name.

use std::collections::BTreeMap;

use super::ns::{self, ct};
use super::xml::XmlWriter;

/// The content types of a package, sorted so the part is deterministic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContentTypes {
    defaults: BTreeMap<String, String>,
    overrides: BTreeMap<String, String>,
}

impl ContentTypes {
    /// Content types with the Defaults every deck needs: relationships, XML, PNG and JPEG.
    pub fn new() -> ContentTypes {
        let mut types = ContentTypes::default();
        types.add_default("rels", ct::RELATIONSHIPS);
        types.add_default("xml", ct::XML);
        types.add_default("png", "image/png");
        types.add_default("jpeg", "image/jpeg");
        types
    }

    /// Declares the content type of every part with `extension` (lower-case, no dot).
    pub fn add_default(&mut self, extension: &str, content_type: &str) {
        self.defaults
            .insert(extension.to_string(), content_type.to_string());
    }

    /// Declares the content type of one part, named without a leading slash.
    pub fn add_override(&mut self, part_name: &str, content_type: &str) {
        self.overrides
            .insert(format!("/{part_name}"), content_type.to_string());
    }

    /// The content type a part would get, if any.
    pub fn lookup(&self, part_name: &str) -> Option<&str> {
        if let Some(found) = self.overrides.get(&format!("/{part_name}")) {
            return Some(found);
        }
        let extension = part_name.rsplit_once('.')?.1.to_ascii_lowercase();
        self.defaults.get(&extension).map(String::as_str)
    }

    /// The part's XML.
    pub fn to_xml(&self) -> String {
        let mut w = XmlWriter::new();
        w.start("Types", &[("xmlns", &ns::CONTENT_TYPES)]);
        for (extension, content_type) in &self.defaults {
            w.empty(
                "Default",
                &[("Extension", extension), ("ContentType", content_type)],
            );
        }
        for (part_name, content_type) in &self.overrides {
            w.empty(
                "Override",
                &[("PartName", part_name), ("ContentType", content_type)],
            );
        }
        w.end("Types");
        w.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_prefers_overrides_then_defaults() {
        let mut types = ContentTypes::new();
        types.add_override("ppt/slides/slide1.xml", ct::SLIDE);
        assert_eq!(types.lookup("ppt/slides/slide1.xml"), Some(ct::SLIDE));
        assert_eq!(types.lookup("ppt/media/image1.PNG"), Some("image/png"));
        assert_eq!(types.lookup("ppt/other.xml"), Some(ct::XML));
        assert_eq!(types.lookup("ppt/media/image1.jpg"), None);
    }

    #[test]
    fn xml_is_sorted_with_absolute_part_names() {
        let mut types = ContentTypes::new();
        types.add_override("ppt/slides/slide2.xml", ct::SLIDE);
        types.add_override("ppt/presentation.xml", ct::PRESENTATION);
        let xml = types.to_xml();
        let presentation = xml.find("PartName=\"/ppt/presentation.xml\"").unwrap();
        let slide = xml.find("PartName=\"/ppt/slides/slide2.xml\"").unwrap();
        assert!(presentation < slide);
        assert!(xml.find("Extension=\"jpeg\"").unwrap() < xml.find("Extension=\"png\"").unwrap());
    }
}
