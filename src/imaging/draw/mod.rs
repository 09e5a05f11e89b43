//! Drawing on images: raster primitives and text in the bundled font, shared by the
//! simulator's charts and `deckgen preview`.

pub mod raster;
pub mod text;
