//! Namespace URIs and relationship and content types (ECMA-376 Transitional).

/// PresentationML.
pub const P: &str = "http://schemas.openxmlformats.org/presentationml/2006/main";
/// DrawingML.
pub const A: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
/// Relationship references inside parts.
pub const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
/// Package relationships.
pub const PACKAGE_RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
/// Content types.
pub const CONTENT_TYPES: &str = "http://schemas.openxmlformats.org/package/2006/content-types";

/// Relationship type URIs.
pub mod rel {
    const BASE: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";

    /// Builds a relationship type from its last segment at compile time.
    macro_rules! office {
        ($name:literal) => {
            concat!(
                "http://schemas.openxmlformats.org/officeDocument/2006/relationships/",
                $name
            )
        };
    }

    /// Package → main part.
    pub const OFFICE_DOCUMENT: &str = office!("officeDocument");
    /// Package → extended properties.
    pub const EXTENDED_PROPERTIES: &str = office!("extended-properties");
    /// Package → core properties (an OPC type, not an officeDocument one).
    pub const CORE_PROPERTIES: &str =
        "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties";
    /// → slide master.
    pub const SLIDE_MASTER: &str = office!("slideMaster");
    /// → slide layout.
    pub const SLIDE_LAYOUT: &str = office!("slideLayout");
    /// → slide.
    pub const SLIDE: &str = office!("slide");
    /// → notes master.
    pub const NOTES_MASTER: &str = office!("notesMaster");
    /// → notes slide.
    pub const NOTES_SLIDE: &str = office!("notesSlide");
    /// → theme.
    pub const THEME: &str = office!("theme");
    /// → presentation properties.
    pub const PRES_PROPS: &str = office!("presProps");
    /// → view properties.
    pub const VIEW_PROPS: &str = office!("viewProps");
    /// → table styles.
    pub const TABLE_STYLES: &str = office!("tableStyles");
    /// → image.
    pub const IMAGE: &str = office!("image");

    /// The last segment of a relationship type, e.g. `slideLayout`.
    pub fn short(rel_type: &str) -> &str {
        rel_type.strip_prefix(BASE).unwrap_or(rel_type)
    }
}

/// Content types of the parts deckgen writes.
pub mod ct {
    /// Builds a PresentationML content type from its middle segment at compile time.
    macro_rules! pml {
        ($name:literal) => {
            concat!(
                "application/vnd.openxmlformats-officedocument.presentationml.",
                $name,
                "+xml"
            )
        };
    }

    /// Main part of a .pptx.
    pub const PRESENTATION: &str = pml!("presentation.main");
    /// Slide master.
    pub const SLIDE_MASTER: &str = pml!("slideMaster");
    /// Slide layout.
    pub const SLIDE_LAYOUT: &str = pml!("slideLayout");
    /// Slide.
    pub const SLIDE: &str = pml!("slide");
    /// Notes master.
    pub const NOTES_MASTER: &str = pml!("notesMaster");
    /// Notes slide.
    pub const NOTES_SLIDE: &str = pml!("notesSlide");
    /// Presentation properties.
    pub const PRES_PROPS: &str = pml!("presProps");
    /// View properties.
    pub const VIEW_PROPS: &str = pml!("viewProps");
    /// Table styles.
    pub const TABLE_STYLES: &str = pml!("tableStyles");
    /// Theme.
    pub const THEME: &str = "application/vnd.openxmlformats-officedocument.theme+xml";
    /// Core properties.
    pub const CORE_PROPERTIES: &str = "application/vnd.openxmlformats-package.core-properties+xml";
    /// Extended (application) properties.
    pub const EXTENDED_PROPERTIES: &str =
        "application/vnd.openxmlformats-officedocument.extended-properties+xml";
    /// Relationship parts.
    pub const RELATIONSHIPS: &str = "application/vnd.openxmlformats-package.relationships+xml";
    /// Generic XML.
    pub const XML: &str = "application/xml";
}
