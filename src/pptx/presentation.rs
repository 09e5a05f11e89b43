//! The main part, `ppt/presentation.xml`: masters, slides and sizes, in schema order.

use super::ns;
use super::xml::XmlWriter;
use crate::layout::Emu;

/// The first slide master id; masters and layouts share one counter above it (ECMA-376
/// `ST_SlideMasterId` and `ST_SlideLayoutId` start at 2147483648).
pub const FIRST_MASTER_ID: u64 = 2_147_483_648;
/// The first slide id (`ST_SlideId` starts at 256).
pub const FIRST_SLIDE_ID: u64 = 256;

/// What presentation.xml lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presentation {
    /// Relationship ids of the slide masters.
    pub masters: Vec<String>,
    /// Relationship id of the notes master.
    pub notes_master: Option<String>,
    /// Relationship ids of the slides, in order.
    pub slides: Vec<String>,
    /// Slide width and height.
    pub size: (Emu, Emu),
    /// The number of layouts in each master, which the master ids must skip over.
    pub layouts_per_master: Vec<usize>,
}

impl Presentation {
    /// The part's XML.
    pub fn to_xml(&self) -> String {
        let mut w = XmlWriter::new();
        w.start(
            "p:presentation",
            &[
                ("xmlns:a", &ns::A),
                ("xmlns:r", &ns::R),
                ("xmlns:p", &ns::P),
                ("saveSubsetFonts", &1),
            ],
        );
        w.start("p:sldMasterIdLst", &[]);
        let mut next_id = FIRST_MASTER_ID;
        for (i, rel_id) in self.masters.iter().enumerate() {
            w.empty("p:sldMasterId", &[("id", &next_id), ("r:id", rel_id)]);
            next_id += 1 + self.layouts_per_master.get(i).copied().unwrap_or(0) as u64;
        }
        w.end("p:sldMasterIdLst");
        if let Some(rel_id) = &self.notes_master {
            w.start("p:notesMasterIdLst", &[]);
            w.empty("p:notesMasterId", &[("r:id", rel_id)]);
            w.end("p:notesMasterIdLst");
        }
        if !self.slides.is_empty() {
            w.start("p:sldIdLst", &[]);
            for (i, rel_id) in self.slides.iter().enumerate() {
                w.empty(
                    "p:sldId",
                    &[("id", &(FIRST_SLIDE_ID + i as u64)), ("r:id", rel_id)],
                );
            }
            w.end("p:sldIdLst");
        }
        let (cx, cy) = self.size;
        if (cx, cy) == (9_144_000, 6_858_000) {
            w.empty(
                "p:sldSz",
                &[("cx", &cx), ("cy", &cy), ("type", &"screen4x3")],
            );
        } else {
            w.empty("p:sldSz", &[("cx", &cx), ("cy", &cy)]);
        }
        w.empty("p:notesSz", &[("cx", &6_858_000), ("cy", &9_144_000)]);
        w.end("p:presentation");
        w.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_come_in_schema_order_with_valid_ids() {
        let presentation = Presentation {
            masters: vec!["rId1".into()],
            notes_master: Some("rId4".into()),
            slides: vec!["rId2".into(), "rId3".into()],
            size: (9_144_000, 6_858_000),
            layouts_per_master: vec![6],
        };
        let xml = presentation.to_xml();
        let order = [
            "sldMasterIdLst",
            "notesMasterIdLst",
            "sldIdLst",
            "sldSz",
            "notesSz",
        ]
        .map(|tag| xml.find(&format!("<p:{tag}")).unwrap());
        assert!(order.windows(2).all(|pair| pair[0] < pair[1]), "{xml}");
        assert!(xml.contains("<p:sldMasterId id=\"2147483648\" r:id=\"rId1\"/>"));
        assert!(xml.contains("<p:sldId id=\"257\" r:id=\"rId3\"/>"));
        assert!(xml.contains("<p:notesMasterId r:id=\"rId4\"/>"));
        assert!(xml.contains("type=\"screen4x3\""));
    }
}
