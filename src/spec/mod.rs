//! The deck spec: what goes on which slide, loaded from YAML and validated.
//!
//! [`load`] reads a spec file, renders every string as a template over its variables, and
//! returns either a [`Spec`] or every problem it found, each with its line and column.

mod load;
mod vars;
pub mod yaml;

use std::collections::BTreeMap;
use std::path::PathBuf;

pub use load::{SpecErrors, load, load_str};
pub use vars::{Builtins, civil_date};

/// A validated deck spec with every template rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// The spec file.
    pub path: PathBuf,
    /// The folder relative paths in the spec resolve against.
    pub base_dir: PathBuf,
    /// The `deck:` section.
    pub deck: Deck,
    /// The variables after `--var` overrides, built-ins included.
    pub vars: BTreeMap<String, String>,
    /// The Tableau server, needed only when a slide uses a view.
    pub server: Option<Server>,
    /// Defaults for every view image.
    pub defaults: ViewOptions,
    /// The slides, in order.
    pub slides: Vec<Slide>,
}

/// Document-wide settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Deck {
    /// Document title for the core properties.
    pub title: Option<String>,
    /// Where to write the deck, already resolved against the spec's folder.
    pub output: Option<PathBuf>,
    /// The base package: a built-in look by name.
    pub template: String,
    /// Slide proportions.
    pub size: SlideSize,
    /// Document author for the core properties.
    pub author: Option<String>,
    /// Footer text on content slides.
    pub footer: Option<String>,
}

/// Slide proportions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlideSize {
    /// Widescreen, 13.333 × 7.5 in.
    Wide,
    /// Standard, 10 × 7.5 in.
    Standard,
}

/// Where the Tableau server is and how to sign in.
#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    /// Base URL, without a trailing slash.
    pub url: String,
    /// Site contentUrl; empty for the Default site.
    pub site: String,
    /// REST API version to use instead of negotiating one.
    pub api_version: Option<String>,
    /// Environment variable holding the token name.
    pub token_name_env: String,
    /// Environment variable holding the token secret.
    pub token_secret_env: String,
    /// Extra root certificates (PEM) for a corporate CA, resolved against the spec's folder.
    pub ca_cert: Option<PathBuf>,
}

/// Render options for view images; unset fields fall back to `defaults:`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ViewOptions {
    /// Render resolution.
    pub resolution: Option<Resolution>,
    /// Minutes a cached render may be reused.
    pub max_age: Option<u32>,
    /// `vf_<field>=value` filters.
    pub filters: BTreeMap<String, String>,
    /// `vf_Parameters.<name>=value` parameters.
    pub parameters: BTreeMap<String, String>,
    /// Requested render size (`viz_width`, `viz_height`) in pixels.
    pub viz_size: Option<(u32, u32)>,
}

/// Tableau render resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Resolution {
    /// `resolution=high`: twice the dashboard's size.
    High,
    /// The server's standard size.
    Standard,
}

/// One slide.
#[derive(Debug, Clone, PartialEq)]
pub struct Slide {
    /// 1-based position in the deck.
    pub number: usize,
    /// Line of the slide's entry in the spec.
    pub line: usize,
    /// Layout name, matched against the template's layout names.
    pub layout: Option<String>,
    /// Title text.
    pub title: Option<String>,
    /// Subtitle text (title and section layouts).
    pub subtitle: Option<String>,
    /// Speaker notes.
    pub notes: Option<String>,
    /// Pictures, in reading order.
    pub images: Vec<Picture>,
}

impl Slide {
    /// "slide 3 (Incidents by fleet)", for messages.
    pub fn describe(&self) -> String {
        match &self.title {
            Some(title) if !title.is_empty() => format!("slide {} ({title})", self.number),
            _ => format!("slide {}", self.number),
        }
    }
}

/// One picture of a slide and where its pixels come from.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    /// The image source.
    pub source: Source,
    /// Which part of the image to keep.
    pub crop: Option<Crop>,
    /// Remove a uniform background margin after cropping.
    pub trim: bool,
    /// Alt text; defaults to the view or file name.
    pub alt: Option<String>,
    /// Render options when the source is a view.
    pub view_options: ViewOptions,
    /// Line of the picture's entry in the spec.
    pub line: usize,
}

/// Where a picture's pixels come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A local PNG or JPEG, resolved against the spec's folder.
    File(PathBuf),
    /// A Tableau view.
    View(ViewRef),
}

/// A reference to a Tableau view.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ViewRef {
    /// "Workbook/View" by name, optionally narrowed to a project.
    Name {
        workbook: String,
        view: String,
        project: Option<String>,
    },
    /// "Workbook/sheets/View" content URL.
    ContentUrl(String),
    /// The view's LUID.
    Id(String),
}

impl ViewRef {
    /// How the spec wrote it, for messages and alt text.
    pub fn describe(&self) -> String {
        match self {
            ViewRef::Name { workbook, view, .. } => format!("{workbook}/{view}"),
            ViewRef::ContentUrl(url) => url.clone(),
            ViewRef::Id(id) => format!("view {id}"),
        }
    }
}

/// Which part of a rendered image to keep.
#[derive(Debug, Clone, PartialEq)]
pub enum Crop {
    /// A box in pixels of the image.
    Pixels {
        x: u32,
        y: u32,
        width: u32,
        height: u32,
    },
    /// Edges as fractions of the image's width and height.
    Fraction {
        left: f64,
        top: f64,
        right: f64,
        bottom: f64,
    },
    /// The named worksheet zone of a dashboard, grown or shrunk by `pad` pixels.
    Sheet { name: String, pad: i32 },
}
