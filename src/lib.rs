//! deckgen turns Tableau dashboards and local images into PowerPoint decks.
//!
//! The modules follow the pipeline: a [`spec`] is loaded and validated, [`pipeline`] plans
//! the image requests and slides, [`imaging`] crops and encodes pictures, [`layout`] places
//! them in EMU, and [`pptx`] writes the package as a deterministic zip.

pub mod alloc;
pub mod cli;
pub mod diag;
pub mod fetch;
pub mod imaging;
pub mod layout;
pub mod pipeline;
pub mod pptx;
pub mod preview;
pub mod simulate;
pub mod spec;
pub mod tableau;
