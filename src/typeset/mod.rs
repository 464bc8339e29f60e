//! Typesetting shared by every drawn output (card PDFs, card previews, share images): the
//! embedded fonts, measuring text with the shaper that draws it, and colour. Nothing here knows
//! about kits or partners.

pub mod colour;
pub mod fonts;
pub mod measure;

pub use colour::Colour;
pub use measure::{line_height, Measure, PT_PER_MM};
