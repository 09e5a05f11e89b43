//! Writing the `.pptx` package: a base package plus generated slides, as a deterministic zip.
//!
//! One file per package part: [`content_types`], [`relationships`], [`presentation`],
//! [`slide`], [`notes`], [`doc_props`]; [`base`] reads the masters and layouts a deck sits
//! on and [`writer`] owns the zip container.

pub mod base;
pub mod content_types;
pub mod doc_props;
pub mod notes;
pub mod ns;
pub mod presentation;
pub mod relationships;
pub mod slide;
pub mod writer;
pub mod xml;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use base::{BasePackage, Layout, Part};
pub use doc_props::DocProps;
pub use slide::{PlaceholderRef, Shape};
pub use writer::WriteError;

use crate::imaging::Encoded;
use crate::layout::Rect;
use content_types::ContentTypes;
use ns::{ct, rel};
use presentation::Presentation;
use relationships::{Relationships, rels_part_name};
use writer::{Storage, ZipOut};

/// A shape to put on a slide; pictures carry their encoded image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content<'a> {
    /// Text in a layout placeholder.
    Text {
        placeholder: PlaceholderRef,
        text: String,
    },
    /// The slide number in the layout's `sldNum` placeholder.
    SlideNumber {
        placeholder: PlaceholderRef,
        number: usize,
    },
    /// A picture at `rect`, with alt text.
    Picture {
        image: &'a Encoded,
        rect: Rect,
        descr: String,
    },
}

const MAIN: &str = "ppt/presentation.xml";

/// A deck being written: the base package and document parts first, then slide by slide,
/// each slide's media streamed into the archive as it comes.
#[derive(Debug)]
pub struct Package {
    out: ZipOut,
    media: HashMap<[u8; 32], String>,
    slides_written: usize,
    notes_written: usize,
    notes_master: Option<String>,
    notes_slide_image: Option<Rect>,
}

fn slide_name(number: usize) -> String {
    format!("ppt/slides/slide{number}.xml")
}

fn notes_name(number: usize) -> String {
    format!("ppt/notesSlides/notesSlide{number}.xml")
}

/// The target of `part` as written in a relationship from a part in `ppt/<folder>/`.
fn from_sibling_folder(part: &str) -> String {
    format!("../{}", part.strip_prefix("ppt/").unwrap_or(part))
}

impl Package {
    /// Starts a deck at `target` on `base`; `has_notes` says, per slide, whether it has
    /// speaker notes, which the content types and properties must know up front.
    pub fn begin(
        base: &BasePackage,
        target: &Path,
        has_notes: &[bool],
        props: &DocProps,
    ) -> Result<Package, WriteError> {
        let mut out = ZipOut::create(target)?;

        let mut types = ContentTypes::new();
        types.add_override(MAIN, ct::PRESENTATION);
        types.add_override("docProps/core.xml", ct::CORE_PROPERTIES);
        types.add_override("docProps/app.xml", ct::EXTENDED_PROPERTIES);
        for part in &base.parts {
            if let Some(content_type) = part.content_type {
                types.add_override(&part.name, content_type);
            }
        }
        let mut notes_number = 0;
        for (i, notes) in has_notes.iter().enumerate() {
            types.add_override(&slide_name(i + 1), ct::SLIDE);
            if *notes {
                notes_number += 1;
                types.add_override(&notes_name(notes_number), ct::NOTES_SLIDE);
            }
        }
        // Office readers sniff the first two entries, so their order is fixed.
        out.add(
            "[Content_Types].xml",
            types.to_xml().as_bytes(),
            Storage::Deflate,
        )?;

        let mut package_rels = Relationships::new();
        package_rels.add(rel::OFFICE_DOCUMENT, MAIN);
        package_rels.add(rel::CORE_PROPERTIES, "docProps/core.xml");
        package_rels.add(rel::EXTENDED_PROPERTIES, "docProps/app.xml");
        out.add(
            "_rels/.rels",
            package_rels.to_xml().as_bytes(),
            Storage::Deflate,
        )?;
        out.add(
            "docProps/app.xml",
            props.app_xml().as_bytes(),
            Storage::Deflate,
        )?;
        out.add(
            "docProps/core.xml",
            props.core_xml().as_bytes(),
            Storage::Deflate,
        )?;

        let mut main_rels = Relationships::new();
        let masters = base
            .masters
            .iter()
            .map(|m| main_rels.add(rel::SLIDE_MASTER, &relative_to_ppt(m)))
            .collect();
        let slides = (1..=has_notes.len())
            .map(|n| main_rels.add(rel::SLIDE, &relative_to_ppt(&slide_name(n))))
            .collect();
        let notes_master = base
            .notes_master
            .as_ref()
            .map(|n| main_rels.add(rel::NOTES_MASTER, &relative_to_ppt(n)));
        for (rel_type, part) in &base.presentation_rels {
            main_rels.add(rel_type, &relative_to_ppt(part));
        }
        let presentation = Presentation {
            masters,
            notes_master,
            slides,
            size: base.slide_size,
            layouts_per_master: base
                .masters
                .iter()
                .map(|m| {
                    base.layouts
                        .iter()
                        .filter(|l| is_layout_of(base, l, m))
                        .count()
                })
                .collect(),
        };
        out.add(MAIN, presentation.to_xml().as_bytes(), Storage::Deflate)?;
        out.add(
            &rels_part_name(MAIN),
            main_rels.to_xml().as_bytes(),
            Storage::Deflate,
        )?;

        for part in &base.parts {
            out.add(&part.name, &part.data, storage_for(&part.name))?;
        }
        Ok(Package {
            out,
            media: HashMap::new(),
            slides_written: 0,
            notes_written: 0,
            notes_master: base.notes_master.clone(),
            notes_slide_image: base.notes_slide_image,
        })
    }

    /// Writes the next slide on `layout`, with its media and optional notes.
    pub fn add_slide(
        &mut self,
        layout: &Layout,
        contents: &[Content],
        notes: Option<&str>,
    ) -> Result<(), WriteError> {
        self.slides_written += 1;
        let name = slide_name(self.slides_written);
        let mut rels = Relationships::new();
        rels.add(rel::SLIDE_LAYOUT, &from_sibling_folder(&layout.part));

        let mut shapes = Vec::with_capacity(contents.len());
        for content in contents {
            shapes.push(match content {
                Content::Text { placeholder, text } => Shape::Text {
                    placeholder: placeholder.clone(),
                    text: text.clone(),
                },
                Content::SlideNumber {
                    placeholder,
                    number,
                } => Shape::SlideNumber {
                    placeholder: placeholder.clone(),
                    number: *number,
                },
                Content::Picture { image, rect, descr } => {
                    let media = self.add_media(image)?;
                    let rel_id = rels.add(rel::IMAGE, &from_sibling_folder(&media));
                    Shape::Picture {
                        rel_id,
                        rect: *rect,
                        descr: descr.clone(),
                    }
                }
            });
        }

        let notes = notes.zip(self.notes_master.clone());
        let notes_part = notes.as_ref().map(|_| {
            self.notes_written += 1;
            let part = notes_name(self.notes_written);
            rels.add(rel::NOTES_SLIDE, &from_sibling_folder(&part));
            part
        });
        let slide_xml = slide::slide_xml(&shapes);
        self.out
            .add(&name, slide_xml.as_bytes(), Storage::Deflate)?;
        self.out.add(
            &rels_part_name(&name),
            rels.to_xml().as_bytes(),
            Storage::Deflate,
        )?;

        if let (Some((text, master)), Some(part)) = (notes, notes_part) {
            let mut notes_rels = Relationships::new();
            notes_rels.add(rel::NOTES_MASTER, &from_sibling_folder(&master));
            notes_rels.add(rel::SLIDE, &from_sibling_folder(&name));
            let xml = notes::notes_xml(text, self.notes_slide_image);
            self.out.add(&part, xml.as_bytes(), Storage::Deflate)?;
            let rels_xml = notes_rels.to_xml();
            self.out.add(
                &rels_part_name(&part),
                rels_xml.as_bytes(),
                Storage::Deflate,
            )?;
        }
        Ok(())
    }

    /// Stores an image once per distinct content and returns its part name.
    fn add_media(&mut self, image: &Encoded) -> Result<String, WriteError> {
        let hash: [u8; 32] = Sha256::digest(&image.bytes).into();
        if let Some(existing) = self.media.get(&hash) {
            return Ok(existing.clone());
        }
        let name = format!(
            "ppt/media/image{}.{}",
            self.media.len() + 1,
            image.format.extension()
        );
        // PNG and JPEG are compressed already; deflating them again only costs time.
        self.out.add(&name, &image.bytes, Storage::Store)?;
        self.media.insert(hash, name.clone());
        Ok(name)
    }

    /// Completes the archive and moves it into place.
    pub fn finish(self) -> Result<PathBuf, WriteError> {
        self.out.finish()
    }
}

fn relative_to_ppt(part: &str) -> String {
    part.strip_prefix("ppt/").unwrap_or(part).to_string()
}

fn is_layout_of(base: &BasePackage, layout: &Layout, master: &str) -> bool {
    let rels_name = rels_part_name(master);
    base.parts
        .iter()
        .find(|p| p.name == rels_name)
        .and_then(|p| base::relationships(&p.name, &p.data).ok())
        .is_some_and(|rels| {
            rels.iter()
                .any(|(_, target)| relationships::resolve_target(master, target) == layout.part)
        })
}

fn storage_for(name: &str) -> Storage {
    let lower = name.to_ascii_lowercase();
    let compressed = [".png", ".jpeg", ".jpg", ".gif", ".emf", ".wmf"];
    if compressed.iter().any(|ext| lower.ends_with(ext)) {
        Storage::Store
    } else {
        Storage::Deflate
    }
}
