//! The base package: masters, layouts, theme and properties that generated slides sit on.
//!
//! A deck is a base package plus generated slides. The base comes from a built-in look in
//! `deck-templates/`, rendered for the slide size; slides find their layout by its display
//! name (`p:cSld/@name`) and their boxes from the layout's placeholders, so the same code
//! serves any base that has named layouts.

use handlebars::Handlebars;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use serde_json::json;
use thiserror::Error;

use super::ns::{ct, rel};
use super::relationships::{rels_part_name, resolve_target};
use super::xml;
use crate::layout::{self, Emu, Rect};
use crate::spec::SlideSize;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/templates.rs"));
}

/// One part of a package: its name (no leading slash), content type and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Name inside the zip, e.g. `ppt/theme/theme1.xml`.
    pub name: String,
    /// Content type; `None` when the extension's Default covers it.
    pub content_type: Option<&'static str>,
    /// The bytes.
    pub data: Vec<u8>,
}

/// A placeholder of a layout or master.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// `p:ph/@type`; `obj` when absent.
    pub kind: String,
    /// `p:ph/@idx`; 0 when absent.
    pub idx: u32,
    /// The box, when the part gives one.
    pub rect: Option<Rect>,
}

/// A slide layout of the base package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// Display name, which a spec's `layout:` matches.
    pub name: String,
    /// Part name.
    pub part: String,
    /// Placeholders, with boxes inherited from the master where the layout has none.
    pub placeholders: Vec<Placeholder>,
}

impl Layout {
    /// The placeholder of the first kind in `kinds` that the layout has.
    pub fn placeholder(&self, kinds: &[&str]) -> Option<&Placeholder> {
        kinds
            .iter()
            .find_map(|kind| self.placeholders.iter().find(|p| p.kind == *kind))
    }

    /// The title placeholder.
    pub fn title(&self) -> Option<&Placeholder> {
        self.placeholder(&["title", "ctrTitle"])
    }

    /// The placeholder for a subtitle: `subTitle`, else the first body placeholder.
    pub fn subtitle(&self) -> Option<&Placeholder> {
        self.placeholder(&["subTitle"]).or_else(|| {
            self.placeholders
                .iter()
                .filter(|p| p.kind == "body")
                .min_by_key(|p| p.idx)
        })
    }

    /// Picture areas in placeholder order.
    pub fn picture_areas(&self) -> Vec<Rect> {
        let mut pictures: Vec<&Placeholder> = self
            .placeholders
            .iter()
            .filter(|p| p.kind == "pic" && p.rect.is_some())
            .collect();
        pictures.sort_by_key(|p| p.idx);
        pictures.iter().filter_map(|p| p.rect).collect()
    }
}

/// Why a base package could not be made.
#[derive(Debug, Error)]
pub enum BaseError {
    /// No built-in look of that name.
    #[error("there is no built-in template `{name}`")]
    UnknownTemplate { name: String, known: Vec<String> },
    /// A template file failed to render.
    #[error("the built-in template file {file} does not render: {reason}")]
    Render { file: String, reason: String },
    /// A part is not well-formed XML.
    #[error("the template part {part} is not well-formed XML: {reason}")]
    Xml { part: String, reason: String },
    /// The package has no slide master or no layouts.
    #[error("the template has no slide master with layouts")]
    NoLayouts,
}

/// Masters, layouts, theme and properties, ready to be packaged with slides.
#[derive(Debug, Clone)]
pub struct BasePackage {
    /// Every part of the base, in a fixed order.
    pub parts: Vec<Part>,
    /// Slide master part names, in order.
    pub masters: Vec<String>,
    /// Layouts, in the master's order.
    pub layouts: Vec<Layout>,
    /// The notes master, if the base has one.
    pub notes_master: Option<String>,
    /// Where notes pages show the slide, fitted to the slide's proportions.
    pub notes_slide_image: Option<Rect>,
    /// Presentation-level relationships to keep: (type, part name).
    pub presentation_rels: Vec<(&'static str, String)>,
    /// Slide width and height in EMU.
    pub slide_size: (Emu, Emu),
}

/// Names of the built-in looks.
pub fn builtin_names() -> Vec<String> {
    let mut names: Vec<String> = embedded::FILES
        .iter()
        .map(|(look, _, _)| (*look).to_string())
        .collect();
    names.dedup();
    names
}

fn content_type_of(name: &str) -> Option<&'static str> {
    let folder_types = [
        ("ppt/slideMasters/", ct::SLIDE_MASTER),
        ("ppt/slideLayouts/", ct::SLIDE_LAYOUT),
        ("ppt/notesMasters/", ct::NOTES_MASTER),
        ("ppt/theme/", ct::THEME),
    ];
    if name.ends_with(".rels") {
        return None;
    }
    match name {
        "ppt/presProps.xml" => Some(ct::PRES_PROPS),
        "ppt/viewProps.xml" => Some(ct::VIEW_PROPS),
        "ppt/tableStyles.xml" => Some(ct::TABLE_STYLES),
        _ => folder_types
            .iter()
            .find(|(prefix, _)| name.starts_with(prefix))
            .map(|(_, t)| *t),
    }
}

impl BasePackage {
    /// Renders the built-in look `name` for slides of `size`.
    pub fn builtin(name: &str, size: SlideSize) -> Result<BasePackage, BaseError> {
        let files: Vec<_> = embedded::FILES
            .iter()
            .filter(|(look, _, _)| *look == name)
            .collect();
        if files.is_empty() {
            return Err(BaseError::UnknownTemplate {
                name: name.into(),
                known: builtin_names(),
            });
        }
        let (width, height) = layout::slide_size(size);
        let data = json!({
            "slide": { "cx": width, "cy": height },
            "notes": { "cx": 6_858_000, "cy": 9_144_000 },
            "box": layout::boxes(width, height),
        });
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(|text| xml::escape(text).into_owned());

        let mut parts = Vec::new();
        for (_, path, bytes) in files {
            let (part_name, rendered) = match path.strip_suffix(".hbs") {
                Some(part_name) => {
                    let template = String::from_utf8_lossy(bytes);
                    let text = registry.render_template(&template, &data).map_err(|err| {
                        BaseError::Render {
                            file: format!("{name}/{path}"),
                            reason: err.to_string(),
                        }
                    })?;
                    (part_name.to_string(), text.into_bytes())
                }
                None => ((*path).to_string(), bytes.to_vec()),
            };
            parts.push(Part {
                content_type: content_type_of(&part_name),
                name: part_name,
                data: rendered,
            });
        }
        BasePackage::from_parts(parts, (width, height))
    }

    /// Reads masters, layouts and their placeholders from the parts of a base.
    pub fn from_parts(parts: Vec<Part>, slide_size: (Emu, Emu)) -> Result<BasePackage, BaseError> {
        let part = |name: &str| parts.iter().find(|p| p.name == name);
        let mut masters: Vec<String> = parts
            .iter()
            .filter(|p| p.content_type == Some(ct::SLIDE_MASTER))
            .map(|p| p.name.clone())
            .collect();
        masters.sort_by_key(|name| natural_key(name));

        let mut layouts = Vec::new();
        for master in &masters {
            let master_part = part(master).ok_or(BaseError::NoLayouts)?;
            let master_placeholders = placeholders(master, &master_part.data)?.1;
            let Some(rels) = part(&rels_part_name(master)) else {
                continue;
            };
            for (rel_type, target) in relationships(&rels.name, &rels.data)? {
                if rel_type != rel::SLIDE_LAYOUT {
                    continue;
                }
                let layout_name = resolve_target(master, &target);
                let Some(layout_part) = part(&layout_name) else {
                    continue;
                };
                let (name, mut own) = placeholders(&layout_name, &layout_part.data)?;
                for placeholder in &mut own {
                    if placeholder.rect.is_none() {
                        placeholder.rect = inherited_rect(placeholder, &master_placeholders);
                    }
                }
                layouts.push(Layout {
                    name,
                    part: layout_name,
                    placeholders: own,
                });
            }
        }
        if layouts.is_empty() {
            return Err(BaseError::NoLayouts);
        }

        let notes_master = parts
            .iter()
            .find(|p| p.content_type == Some(ct::NOTES_MASTER))
            .map(|p| p.name.clone());
        // The notes master's slide box has one proportion; a slide of another is letterboxed
        // inside it, so each notes page gets the box fitted to the slide.
        let notes_slide_image = match notes_master.as_deref().and_then(part) {
            Some(notes) => placeholders(&notes.name, &notes.data)?
                .1
                .iter()
                .find(|p| p.kind == "sldImg")
                .and_then(|p| p.rect)
                .map(|area| layout::contain(slide_size.0 as u32, slide_size.1 as u32, area)),
            None => None,
        };
        let mut presentation_rels: Vec<(&'static str, String)> = Vec::new();
        let kept = [
            (ct::THEME, rel::THEME),
            (ct::PRES_PROPS, rel::PRES_PROPS),
            (ct::VIEW_PROPS, rel::VIEW_PROPS),
            (ct::TABLE_STYLES, rel::TABLE_STYLES),
        ];
        for (content_type, rel_type) in kept {
            // The presentation refers to the deck theme only, not the notes master's.
            let used_by_notes = |name: &str| {
                notes_master.as_ref().is_some_and(|notes| {
                    part(&rels_part_name(notes))
                        .and_then(|r| relationships(&r.name, &r.data).ok())
                        .is_some_and(|rels| {
                            rels.iter().any(|(_, t)| resolve_target(notes, t) == name)
                        })
                })
            };
            if let Some(found) = parts
                .iter()
                .filter(|p| p.content_type == Some(content_type))
                .find(|p| !used_by_notes(&p.name))
            {
                presentation_rels.push((rel_type, found.name.clone()));
            }
        }
        Ok(BasePackage {
            parts,
            masters,
            layouts,
            notes_master,
            notes_slide_image,
            presentation_rels,
            slide_size,
        })
    }

    /// The layout whose display name is `name`.
    pub fn layout(&self, name: &str) -> Option<&Layout> {
        self.layouts.iter().find(|l| l.name == name)
    }

    /// The display names of all layouts.
    pub fn layout_names(&self) -> Vec<&str> {
        self.layouts.iter().map(|l| l.name.as_str()).collect()
    }
}

/// Sorts `slideLayout10.xml` after `slideLayout9.xml`.
fn natural_key(name: &str) -> (String, u64) {
    let stem = name.trim_end_matches(".xml");
    let digits = stem.len() - stem.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (prefix, number) = stem.split_at(stem.len() - digits);
    (prefix.to_string(), number.parse().unwrap_or(0))
}

fn inherited_rect(placeholder: &Placeholder, master: &[Placeholder]) -> Option<Rect> {
    // A layout placeholder inherits from the master placeholder of the same type, with
    // ctrTitle mapping to title and the content kinds to body (ECMA-376 §19.3.1.36).
    let kind = match placeholder.kind.as_str() {
        "ctrTitle" | "title" => "title",
        "subTitle" | "obj" | "pic" | "body" | "chart" | "tbl" | "media" => "body",
        other => other,
    };
    master.iter().find(|p| p.kind == kind).and_then(|p| p.rect)
}

fn attribute(element: &BytesStart, key: &str) -> Option<String> {
    element
        .attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key.as_bytes())
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

fn number(element: &BytesStart, key: &str) -> Option<Emu> {
    attribute(element, key).and_then(|v| v.parse().ok())
}

/// A `p:sp` being read: its placeholder so far and whether we are inside its `p:spPr`.
struct OpenShape {
    placeholder: Option<Placeholder>,
    rect: Option<Rect>,
    in_properties: bool,
    offset: Option<(Emu, Emu)>,
}

/// The `cSld/@name` and the placeholders of a master or layout part.
fn placeholders(part: &str, data: &[u8]) -> Result<(String, Vec<Placeholder>), BaseError> {
    let mut reader = Reader::from_reader(data);
    let mut buf = Vec::new();
    let mut name = String::new();
    let mut found = Vec::new();
    let mut shape: Option<OpenShape> = None;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|err| BaseError::Xml {
                part: part.to_string(),
                reason: err.to_string(),
            })?;
        match &event {
            Event::Start(e) | Event::Empty(e) => match (e.local_name().as_ref(), shape.as_mut()) {
                (b"cSld", _) => name = attribute(e, "name").unwrap_or_default(),
                (b"sp", None) if matches!(event, Event::Start(_)) => {
                    let open = OpenShape {
                        placeholder: None,
                        rect: None,
                        in_properties: false,
                        offset: None,
                    };
                    shape = Some(open);
                }
                (b"ph", Some(open)) => {
                    open.placeholder = Some(Placeholder {
                        kind: attribute(e, "type").unwrap_or_else(|| "obj".into()),
                        idx: attribute(e, "idx")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(0),
                        rect: None,
                    });
                }
                (b"spPr", Some(open)) => open.in_properties = matches!(event, Event::Start(_)),
                (b"off", Some(open)) if open.in_properties => {
                    open.offset = number(e, "x").zip(number(e, "y"));
                }
                (b"ext", Some(open)) if open.in_properties && open.rect.is_none() => {
                    if let (Some((x, y)), Some(cx), Some(cy)) =
                        (open.offset, number(e, "cx"), number(e, "cy"))
                    {
                        open.rect = Some(Rect::new(x, y, cx, cy));
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"spPr" => {
                    if let Some(open) = shape.as_mut() {
                        open.in_properties = false;
                    }
                }
                b"sp" => {
                    if let Some(OpenShape {
                        placeholder: Some(mut p),
                        rect,
                        ..
                    }) = shape.take()
                    {
                        p.rect = rect;
                        found.push(p);
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok((name, found))
}

/// The (type, target) pairs of a relationship part.
pub fn relationships(part: &str, data: &[u8]) -> Result<Vec<(String, String)>, BaseError> {
    let mut reader = Reader::from_reader(data);
    let mut buf = Vec::new();
    let mut rels = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Empty(e) | Event::Start(e)) if e.local_name().as_ref() == b"Relationship" => {
                if let (Some(t), Some(target)) = (attribute(&e, "Type"), attribute(&e, "Target")) {
                    rels.push((t, target));
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(err) => {
                return Err(BaseError::Xml {
                    part: part.to_string(),
                    reason: err.to_string(),
                });
            }
        }
        buf.clear();
    }
    Ok(rels)
}
