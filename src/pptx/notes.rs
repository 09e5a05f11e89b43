//! Notes slides (`ppt/notesSlides/notesSlideN.xml`): the speaker notes of one slide.

use super::ns;
use super::slide::{PlaceholderRef, close_shape_tree, open_shape_tree, placeholder_text};
use super::xml::XmlWriter;
use crate::layout::Rect;

/// The XML of a notes slide holding `text` in its body placeholder; `slide_image` places
/// the picture of the slide (else the notes master's box is used as it is).
pub fn notes_xml(text: &str, slide_image: Option<Rect>) -> String {
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
    match slide_image {
        Some(rect) => {
            w.start("p:spPr", &[]);
            w.start("a:xfrm", &[]);
            w.empty("a:off", &[("x", &rect.x), ("y", &rect.y)]);
            w.empty("a:ext", &[("cx", &rect.cx), ("cy", &rect.cy)]);
            w.end("a:xfrm");
            w.end("p:spPr");
        }
        None => w.empty("p:spPr", &[]),
    }
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
        let xml = notes_xml("Source: Safety & Ops\nRefreshed monthly", None);
        assert!(xml.contains("<a:t>Source: Safety &amp; Ops</a:t>"), "{xml}");
        assert!(xml.contains("<a:t>Refreshed monthly</a:t>"), "{xml}");
        assert!(xml.contains("<p:ph type=\"body\" idx=\"1\"/>"), "{xml}");
        assert!(xml.contains("<p:ph type=\"sldImg\"/>"), "{xml}");
        assert!(xml.contains("<p:spPr/>"), "{xml}");
        let block = notes_xml("ends with a newline\n", None);
        assert_eq!(block.matches("<a:p>").count(), 1, "{block}");
    }

    #[test]
    fn the_slide_picture_can_be_placed() {
        let xml = notes_xml(
            "n",
            Some(Rect::new(1_371_600, 1_143_000, 4_114_800, 3_086_100)),
        );
        assert!(
            xml.contains("<a:off x=\"1371600\" y=\"1143000\"/>"),
            "{xml}"
        );
    }
}
