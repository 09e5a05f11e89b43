//! Notes slides (`ppt/notesSlides/notesSlideN.xml`): the speaker notes of one slide.

use super::ns;
use super::slide::{PlaceholderRef, close_shape_tree, open_shape_tree, placeholder_text};
use super::xml::XmlWriter;

/// The XML of a notes slide holding `text` in its body placeholder.
pub fn notes_xml(text: &str) -> String {
    let mut w = XmlWriter::new();
    w.start(
        "p:notes",
        &[
            ("xmlns:a", &ns::A),
            ("xmlns:r", &ns::R),
            ("xmlns:p", &ns::P),
        ],
    );
    open_shape_tree(&mut w);

    w.start("p:sp", &[]);
    w.start("p:nvSpPr", &[]);
    w.empty(
        "p:cNvPr",
        &[("id", &2), ("name", &"Slide Image Placeholder 1")],
    );
    w.start("p:cNvSpPr", &[]);
    w.empty(
        "a:spLocks",
        &[("noGrp", &1), ("noRot", &1), ("noChangeAspect", &1)],
    );
    w.end("p:cNvSpPr");
    w.start("p:nvPr", &[]);
    w.empty("p:ph", &[("type", &"sldImg")]);
    w.end("p:nvPr");
    w.end("p:nvSpPr");
    w.empty("p:spPr", &[]);
    w.end("p:sp");

    // PowerPoint's own notes slides use body idx 1, whatever the notes master numbers it.
    let body = PlaceholderRef {
        kind: "body".into(),
        idx: 1,
    };
    placeholder_text(&mut w, 3, "Notes Placeholder 2", &body, text);

    close_shape_tree(&mut w);
    w.end("p:notes");
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_hold_each_line_as_a_paragraph() {
        let xml = notes_xml("Source: Safety & Ops\nRefreshed monthly");
        assert!(xml.contains("<a:t>Source: Safety &amp; Ops</a:t>"), "{xml}");
        assert!(xml.contains("<a:t>Refreshed monthly</a:t>"), "{xml}");
        assert!(xml.contains("<p:ph type=\"body\" idx=\"1\"/>"), "{xml}");
        assert!(xml.contains("<p:ph type=\"sldImg\"/>"), "{xml}");
    }
}
