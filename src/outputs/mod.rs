//! The outputs of a pack. Each turns a [`PackContext`] into files in memory.

pub mod articles;
pub mod calendar;
pub mod cards;
pub mod manifest;
pub mod overview;
pub mod share;
pub mod social;

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::kit::Colour;
use crate::pack::{Artifact, PackContext};

/// One kind of file in a pack.
pub trait Output: Sync {
    /// A short name, for timing and errors.
    fn name(&self) -> &'static str;
    /// Renders this output's files for one partner.
    fn render(&self, cx: &PackContext<'_>) -> Result<Vec<Artifact>, Vec<Diagnostic>>;
}

/// The outputs every pack runs, before the overview page and the manifest (which list them).
pub const PACK_OUTPUTS: &[&dyn Output] =
    &[&articles::Articles, &social::Social, &cards::Cards, &calendar::Calendar];

/// Page colours derived from a brand colour, each meeting WCAG AA contrast.
#[derive(Debug, Serialize)]
pub struct PageColours {
    /// The brand colour, for bands.
    pub colour: String,
    /// Text on the brand colour.
    pub on_colour: String,
    /// Links on white: the brand colour, darkened until it reads at 4.5:1.
    pub link_colour: String,
}

impl PageColours {
    /// Colours for `c`. Where neither black nor white text reads well on the brand colour,
    /// the band is darkened until white text does.
    pub fn new(c: Colour) -> Self {
        let band = band_colour(c);
        PageColours { colour: band.hex(), on_colour: band.text_on().hex(), link_colour: readable_on_white(c).hex() }
    }
}

/// `c`, or `c` darkened until black or white text on it reaches a contrast of 4.5:1.
pub fn band_colour(c: Colour) -> Colour {
    if c.contrast(c.text_on()) >= 4.6 {
        return c;
    }
    let mut rgb = c.0.map(f64::from);
    for _ in 0..40 {
        rgb = rgb.map(|v| v * 0.92);
        let cur = Colour(rgb.map(|v| v.round() as u8));
        if cur.contrast(Colour([255, 255, 255])) >= 4.6 {
            return cur;
        }
    }
    Colour([0x1a, 0x1a, 0x1a])
}

/// `c`, darkened until it has a contrast of at least 4.5:1 against white.
pub fn readable_on_white(c: Colour) -> Colour {
    let white = Colour([255, 255, 255]);
    let mut rgb = c.0.map(f64::from);
    for _ in 0..40 {
        let cur = Colour(rgb.map(|v| v.round() as u8));
        if cur.contrast(white) >= 4.6 {
            return cur;
        }
        rgb = rgb.map(|v| v * 0.9);
    }
    Colour([0x1a, 0x1a, 0x1a])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_colours_always_meet_wcag_aa() {
        for r in (0..=255).step_by(17) {
            for g in (0..=255).step_by(17) {
                for b in (0..=255).step_by(17) {
                    let c = Colour([r as u8, g as u8, b as u8]);
                    let band = band_colour(c);
                    assert!(band.contrast(band.text_on()) >= 4.5, "{c:?}");
                    assert!(readable_on_white(c).contrast(Colour([255, 255, 255])) >= 4.5, "{c:?}");
                }
            }
        }
    }
}
