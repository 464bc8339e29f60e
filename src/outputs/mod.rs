//! The outputs of a pack. Each turns a [`PackContext`] into files in memory.

pub mod articles;
pub mod calendar;
pub mod cards;
pub mod manifest;
pub mod overview;
pub mod share;
pub mod social;
pub mod video;

use serde::Serialize;

use crate::artifact::{Artifact, PackContext};
use crate::diag::Diagnostic;
use crate::i18n::{labels, Labels};
use crate::kit::{Colour, Kit};
use crate::render::templates::PageTemplates;

/// One kind of file in a pack.
pub trait Output: Sync {
    /// A short name, for timing and errors.
    fn name(&self) -> &'static str;
    /// Renders this output's files for one partner.
    fn render(&self, cx: &PackContext<'_>) -> Result<Vec<Artifact>, Vec<Diagnostic>>;
}

/// The outputs every pack runs, before the overview page and the manifest (which list them).
pub const PACK_OUTPUTS: &[&dyn Output] = &[
    &articles::Articles,
    &social::Social,
    &video::Video,
    &cards::Cards,
    &calendar::Calendar,
];

/// What every page template sees: language, labels, stylesheet, colours, the campaign and the
/// target behaviour.
#[derive(Debug, Serialize)]
pub struct PageBase<'a> {
    /// BCP 47 language tag.
    pub lang: &'static str,
    /// The built-in labels, `{{t.NAME}}`.
    pub t: &'static Labels,
    /// The stylesheet, inlined.
    pub css: String,
    /// Colours of the page.
    #[serde(flatten)]
    pub colours: PageColours,
    /// The campaign.
    pub campaign: CampaignView<'a>,
    /// The behaviour the campaign wants.
    pub behaviour: BehaviourView<'a>,
    /// partnerkit's copy and share script as a `<script>` element (`{{{copy_script}}}`), the
    /// only script a page's policy allows.
    pub copy_script: &'static str,
}

/// The campaign as pages show it.
#[derive(Debug, Serialize)]
pub struct CampaignView<'a> {
    /// Title.
    pub title: &'a str,
    /// Owner.
    pub owner: &'a str,
    /// Web address.
    pub url: Option<&'a str>,
    /// Contact address.
    pub contact: Option<&'a str>,
    /// Logo as a `data:` URI.
    pub logo: Option<String>,
}

/// The target behaviour as pages show it.
#[derive(Debug, Serialize)]
pub struct BehaviourView<'a> {
    /// The audience.
    pub audience: &'a str,
    /// The target behaviour.
    pub target: &'a str,
}

impl<'a> PageBase<'a> {
    /// The base of one partner's page: its colour, and labels in its form of address.
    pub fn for_partner(kit: &'a Kit, pages: &PageTemplates, partner: &crate::kit::Partner) -> Self {
        PageBase {
            t: crate::i18n::labels_for(kit.campaign.language, partner.address),
            ..Self::new(kit, pages, partner.colour)
        }
    }

    /// The base of a page in `colour` (the partner's or the campaign's).
    pub fn new(kit: &'a Kit, pages: &PageTemplates, colour: Colour) -> Self {
        PageBase {
            lang: kit.campaign.language.tag(),
            t: labels(kit.campaign.language),
            css: pages.raw(kit, "style.css"),
            colours: PageColours::new(colour),
            copy_script: crate::render::copy::element(),
            campaign: CampaignView {
                title: &kit.campaign.title,
                owner: &kit.campaign.owner,
                url: kit.campaign.url.as_deref(),
                contact: kit.campaign.contact.as_deref(),
                logo: kit.campaign.logo.as_ref().and_then(|l| l.kept_data_uri()),
            },
            behaviour: BehaviourView {
                audience: &kit.behaviour.audience,
                target: &kit.behaviour.target,
            },
        }
    }
}

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
        PageColours {
            colour: band.hex(),
            on_colour: band.text_on().hex(),
            link_colour: readable_on_white(c).hex(),
        }
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
                    assert!(
                        readable_on_white(c).contrast(Colour([255, 255, 255])) >= 4.5,
                        "{c:?}"
                    );
                }
            }
        }
    }
}
