//! Slide parts (`ppt/slides/slideN.xml`): placeholder text, slide numbers and pictures.

use super::ns;
use super::xml::XmlWriter;
use crate::layout::Rect;

/// Which layout placeholder a slide shape fills: its `p:ph` type and index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceholderRef {
    /// `p:ph/@type` (`obj` is written by leaving the attribute out).
    pub kind: String,
    /// `p:ph/@idx` (0 is written by leaving the attribute out).
    pub idx: u32,
}

/// A shape on a slide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// Text in a placeholder; its box and style come from the layout.
    Text {
        placeholder: PlaceholderRef,
        text: String,
    },
    /// The slide number in the layout's `sldNum` placeholder.
    SlideNumber {
        placeholder: PlaceholderRef,
        number: usize,
    },
    /// A picture at an explicit position.
    Picture {
        rel_id: String,
        rect: Rect,
        descr: String,
    },
}

/// The `a:fld/@id` of slide-number fields; any fixed GUID will do, and one keeps output stable.
const SLIDE_NUMBER_FIELD: &str = "{5E2B4C1A-7D3F-4A8B-9C61-2F0D8E4B7A13}";

fn shape_name(shape: &Shape, id: usize) -> String {
    let kind = match shape {
        Shape::Text { placeholder, .. } => match placeholder.kind.as_str() {
            "title" | "ctrTitle" => "Title",
            "subTitle" => "Subtitle",
            "ftr" => "Footer Placeholder",
            _ => "Text Placeholder",
        },
        Shape::SlideNumber { .. } => "Slide Number Placeholder",
        Shape::Picture { .. } => "Picture",
    };
    format!("{kind} {}", id - 1)
}

fn placeholder_properties(w: &mut XmlWriter, id: usize, name: &str, placeholder: &PlaceholderRef) {
    w.start("p:nvSpPr", &[]);
    w.empty("p:cNvPr", &[("id", &id), ("name", &name)]);
    w.start("p:cNvSpPr", &[]);
    w.empty("a:spLocks", &[("noGrp", &1)]);
    w.end("p:cNvSpPr");
    w.start("p:nvPr", &[]);
    match (placeholder.kind.as_str(), placeholder.idx) {
        ("obj", 0) => w.empty("p:ph", &[]),
        ("obj", idx) => w.empty("p:ph", &[("idx", &idx)]),
        (kind, 0) => w.empty("p:ph", &[("type", &kind)]),
        (kind, idx) => w.empty("p:ph", &[("type", &kind), ("idx", &idx)]),
    }
    w.end("p:nvPr");
    w.end("p:nvSpPr");
    w.empty("p:spPr", &[]);
}

/// Writes text as paragraphs, one per line; an empty line keeps its place, but the line
/// breaks a YAML block scalar ends with do not make empty paragraphs.
pub fn paragraphs(w: &mut XmlWriter, text: &str) {
    for line in text.trim_end_matches(['\n', '\r']).split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        w.start("a:p", &[]);
        // An explicit (empty) pPr makes LibreOffice take the paragraph style from the
        // layout; without it, a lone run falls back to its own default font and size.
        w.empty("a:pPr", &[]);
        if line.is_empty() {
            w.empty("a:endParaRPr", &[("lang", &"en-US")]);
        } else {
            w.start("a:r", &[]);
            w.empty("a:rPr", &[("lang", &"en-US"), ("dirty", &0)]);
            w.text_element("a:t", &[], line);
            w.end("a:r");
        }
        w.end("a:p");
    }
}

fn picture(w: &mut XmlWriter, id: usize, name: &str, rel_id: &str, rect: &Rect, descr: &str) {
    w.start("p:pic", &[]);
    w.start("p:nvPicPr", &[]);
    w.empty(
        "p:cNvPr",
        &[("id", &id), ("name", &name), ("descr", &descr)],
    );
    w.start("p:cNvPicPr", &[]);
    w.empty("a:picLocks", &[("noGrp", &1), ("noChangeAspect", &1)]);
    w.end("p:cNvPicPr");
    w.empty("p:nvPr", &[]);
    w.end("p:nvPicPr");
    w.start("p:blipFill", &[]);
    w.empty("a:blip", &[("r:embed", &rel_id)]);
    w.start("a:stretch", &[]);
    w.empty("a:fillRect", &[]);
    w.end("a:stretch");
    w.end("p:blipFill");
    w.start("p:spPr", &[]);
    w.start("a:xfrm", &[]);
    w.empty("a:off", &[("x", &rect.x), ("y", &rect.y)]);
    w.empty("a:ext", &[("cx", &rect.cx), ("cy", &rect.cy)]);
    w.end("a:xfrm");
    w.start("a:prstGeom", &[("prst", &"rect")]);
    w.empty("a:avLst", &[]);
    w.end("a:prstGeom");
    w.end("p:spPr");
    w.end("p:pic");
}

/// Opens a `p:cSld` with its shape tree header (shape id 1 is the tree itself).
pub fn open_shape_tree(w: &mut XmlWriter) {
    w.start("p:cSld", &[]);
    w.start("p:spTree", &[]);
    w.start("p:nvGrpSpPr", &[]);
    w.empty("p:cNvPr", &[("id", &1), ("name", &"")]);
    w.empty("p:cNvGrpSpPr", &[]);
    w.empty("p:nvPr", &[]);
    w.end("p:nvGrpSpPr");
    w.start("p:grpSpPr", &[]);
    w.start("a:xfrm", &[]);
    w.empty("a:off", &[("x", &0), ("y", &0)]);
    w.empty("a:ext", &[("cx", &0), ("cy", &0)]);
    w.empty("a:chOff", &[("x", &0), ("y", &0)]);
    w.empty("a:chExt", &[("cx", &0), ("cy", &0)]);
    w.end("a:xfrm");
    w.end("p:grpSpPr");
}

/// Closes what `open_shape_tree` opened and maps colours to the master's.
pub fn close_shape_tree(w: &mut XmlWriter) {
    w.end("p:spTree");
    w.end("p:cSld");
    w.start("p:clrMapOvr", &[]);
    w.empty("a:masterClrMapping", &[]);
    w.end("p:clrMapOvr");
}

/// Placeholder text: `p:sp` with a `p:ph` and the text as paragraphs.
pub fn placeholder_text(w: &mut XmlWriter, id: usize, name: &str, ph: &PlaceholderRef, text: &str) {
    w.start("p:sp", &[]);
    placeholder_properties(w, id, name, ph);
    w.start("p:txBody", &[]);
    if matches!(ph.kind.as_str(), "title" | "ctrTitle") {
        // LibreOffice shrinks long titles only when the slide itself asks for autofit.
        w.start("a:bodyPr", &[]);
        w.empty("a:normAutofit", &[]);
        w.end("a:bodyPr");
    } else {
        w.empty("a:bodyPr", &[]);
    }
    w.empty("a:lstStyle", &[]);
    paragraphs(w, text);
    w.end("p:txBody");
    w.end("p:sp");
}

/// The XML of a slide holding `shapes`, in order; shape ids run from 2.
pub fn slide_xml(shapes: &[Shape]) -> String {
    let mut w = XmlWriter::new();
    w.start(
        "p:sld",
        &[
            ("xmlns:a", &ns::A),
            ("xmlns:r", &ns::R),
            ("xmlns:p", &ns::P),
        ],
    );
    open_shape_tree(&mut w);
    for (i, shape) in shapes.iter().enumerate() {
        let id = i + 2;
        let name = shape_name(shape, id);
        match shape {
            Shape::Text { placeholder, text } => {
                placeholder_text(&mut w, id, &name, placeholder, text);
            }
            Shape::SlideNumber {
                placeholder,
                number,
            } => {
                w.start("p:sp", &[]);
                placeholder_properties(&mut w, id, &name, placeholder);
                w.start("p:txBody", &[]);
                w.empty("a:bodyPr", &[]);
                w.empty("a:lstStyle", &[]);
                w.start("a:p", &[]);
                w.start(
                    "a:fld",
                    &[("id", &SLIDE_NUMBER_FIELD), ("type", &"slidenum")],
                );
                w.empty("a:rPr", &[("lang", &"en-US")]);
                w.text_element("a:t", &[], &number.to_string());
                w.end("a:fld");
                w.end("a:p");
                w.end("p:txBody");
                w.end("p:sp");
            }
            Shape::Picture {
                rel_id,
                rect,
                descr,
            } => {
                picture(&mut w, id, &name, rel_id, rect, descr);
            }
        }
    }
    close_shape_tree(&mut w);
    w.end("p:sld");
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_get_unique_ids_and_escaped_text() {
        let title = PlaceholderRef {
            kind: "title".into(),
            idx: 0,
        };
        let shapes = vec![
            Shape::Text {
                placeholder: title,
                text: "R&D <2026>\nsecond".into(),
            },
            Shape::Picture {
                rel_id: "rId2".into(),
                rect: Rect::new(1, 2, 3, 4),
                descr: "chart \"A\"".into(),
            },
        ];
        let xml = slide_xml(&shapes);
        assert!(
            xml.contains("<p:cNvPr id=\"2\" name=\"Title 1\"/>"),
            "{xml}"
        );
        assert!(xml.contains("<a:t>R&amp;D &lt;2026&gt;</a:t>"), "{xml}");
        assert!(xml.contains("<a:t>second</a:t>"), "{xml}");
        assert!(
            xml.contains("id=\"3\" name=\"Picture 2\" descr=\"chart &quot;A&quot;\""),
            "{xml}"
        );
        assert!(xml.contains("<p:ph type=\"title\"/>"), "{xml}");
    }

    #[test]
    fn picture_children_follow_schema_order() {
        let shapes = vec![Shape::Picture {
            rel_id: "rId2".into(),
            rect: Rect::new(1, 2, 3, 4),
            descr: String::new(),
        }];
        let xml = slide_xml(&shapes);
        let order = ["<p:nvPicPr>", "<p:blipFill>", "<p:spPr>"].map(|tag| xml.find(tag).unwrap());
        assert!(order[0] < order[1] && order[1] < order[2], "{xml}");
    }
}
