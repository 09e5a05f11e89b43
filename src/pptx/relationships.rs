//! Relationship parts (`_rels/*.rels`): how one part refers to others.

use super::ns;
use super::xml::XmlWriter;

/// One relationship of a part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relationship {
    /// `rIdN`, unique within the part.
    pub id: String,
    /// The relationship type URI.
    pub rel_type: String,
    /// The target, relative to the source part's folder.
    pub target: String,
}

/// The relationships of one part, numbered in the order they are added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Relationships {
    items: Vec<Relationship>,
}

impl Relationships {
    /// No relationships yet.
    pub fn new() -> Relationships {
        Relationships::default()
    }

    /// Adds a relationship and returns its id; the same target and type share one id.
    pub fn add(&mut self, rel_type: &str, target: &str) -> String {
        if let Some(existing) = self
            .items
            .iter()
            .find(|r| r.rel_type == rel_type && r.target == target)
        {
            return existing.id.clone();
        }
        let id = format!("rId{}", self.items.len() + 1);
        self.items.push(Relationship {
            id: id.clone(),
            rel_type: rel_type.to_string(),
            target: target.to_string(),
        });
        id
    }

    /// The relationships, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Relationship> {
        self.items.iter()
    }

    /// The part's XML.
    pub fn to_xml(&self) -> String {
        let mut w = XmlWriter::new();
        w.start("Relationships", &[("xmlns", &ns::PACKAGE_RELS)]);
        for rel in &self.items {
            w.empty(
                "Relationship",
                &[
                    ("Id", &rel.id),
                    ("Type", &rel.rel_type),
                    ("Target", &rel.target),
                ],
            );
        }
        w.end("Relationships");
        w.finish()
    }
}

/// The name of the relationship part of `part_name`: `a/b/c.xml` → `a/b/_rels/c.xml.rels`.
pub fn rels_part_name(part_name: &str) -> String {
    match part_name.rsplit_once('/') {
        Some((folder, file)) => format!("{folder}/_rels/{file}.rels"),
        None => format!("_rels/{part_name}.rels"),
    }
}

/// Resolves a relationship target against the folder of its source part.
pub fn resolve_target(source_part: &str, target: &str) -> String {
    if let Some(absolute) = target.strip_prefix('/') {
        return absolute.to_string();
    }
    let mut segments: Vec<&str> = source_part.split('/').collect();
    segments.pop();
    for segment in target.split('/') {
        match segment {
            ".." => {
                segments.pop();
            }
            "." | "" => {}
            other => segments.push(other),
        }
    }
    segments.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_sequential_and_shared_for_the_same_target() {
        let mut rels = Relationships::new();
        let layout = rels.add(ns::rel::SLIDE_LAYOUT, "../slideLayouts/slideLayout3.xml");
        let image = rels.add(ns::rel::IMAGE, "../media/image1.png");
        let again = rels.add(ns::rel::IMAGE, "../media/image1.png");
        assert_eq!(
            (layout.as_str(), image.as_str(), again.as_str()),
            ("rId1", "rId2", "rId2")
        );
        assert_eq!(rels.iter().count(), 2);
    }

    #[test]
    fn rels_part_names_and_targets() {
        assert_eq!(
            rels_part_name("ppt/slides/slide1.xml"),
            "ppt/slides/_rels/slide1.xml.rels"
        );
        assert_eq!(
            rels_part_name("[Content_Types].xml"),
            "_rels/[Content_Types].xml.rels"
        );
        assert_eq!(
            resolve_target("ppt/slides/slide1.xml", "../media/image2.png"),
            "ppt/media/image2.png"
        );
        assert_eq!(
            resolve_target("ppt/presentation.xml", "slides/slide1.xml"),
            "ppt/slides/slide1.xml"
        );
        assert_eq!(
            resolve_target("", "ppt/presentation.xml"),
            "ppt/presentation.xml"
        );
        assert_eq!(
            resolve_target("ppt/slides/slide1.xml", "/ppt/x.xml"),
            "ppt/x.xml"
        );
    }
}
