//! The validated kit: one campaign with its behavioural analysis, partners, content and decks.
//!
//! [`load`] reads a kit folder, checks it against the format in `kit-format.md` and returns
//! either a [`Kit`] or every problem found. Everything downstream works on these types only.

mod assets;
mod clean;
pub mod content;
pub mod files;
mod load;
mod moment;
pub mod raw;

use std::collections::BTreeMap;
use std::path::PathBuf;

pub mod video;
pub use crate::bcw::Factor;
pub use crate::lang::Lang;
pub use crate::typeset::Colour;
pub use assets::{
    check_raster, logo_error, png_fast, Logo, Photo, MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS,
    MAX_LOGO_SIDE,
};
pub use load::{load, load_beside, LoadCache};
pub use moment::Moment;

use crate::diag::Source;
use crate::platforms::Platform;

/// A loaded, validated kit.
#[derive(Debug)]
pub struct Kit {
    /// The kit folder.
    pub root: PathBuf,
    /// `[campaign]`.
    pub campaign: Campaign,
    /// `[behaviour]`.
    pub behaviour: Behaviour,
    /// The behavioural analysis, in file order.
    pub barriers: Vec<Barrier>,
    /// Techniques by id, in file order.
    pub techniques: Vec<Technique>,
    /// Partners, in file order.
    pub partners: Vec<Partner>,
    /// Card decks, in file order.
    pub decks: Vec<Deck>,
    /// Content items, sorted by id.
    pub items: Vec<Item>,
    /// Template overrides from the kit's `templates/` folder, by built-in name.
    pub template_overrides: BTreeMap<String, Source>,
    /// Lint thresholds.
    pub lint: LintConfig,
    /// How the packs are handed out.
    pub distribution: Distribution,
    /// How card PDFs for a print shop are made.
    pub print: Print,
    /// Named moments after the launch, in time order.
    pub moments: Vec<Step>,
    /// Sessions and meetings, in time order.
    pub events: Vec<Event>,
    /// `kit.toml` and every content file, for placing diagnostics found after loading.
    pub sources: BTreeMap<PathBuf, Source>,
    /// [`Kit::shared_inputs`], made once.
    shared: std::sync::OnceLock<[u8; 32]>,
}

/// `[campaign]`.
#[derive(Debug)]
pub struct Campaign {
    /// Slug naming the output folder.
    pub id: String,
    /// Campaign title.
    pub title: String,
    /// Who runs the campaign.
    pub owner: String,
    /// Language of built-in labels.
    pub language: Lang,
    /// Hashtags, each starting with `#`.
    pub hashtags: Vec<String>,
    /// Campaign web address.
    pub url: Option<String>,
    /// Contact e-mail address.
    pub contact: Option<String>,
    /// Campaign logo.
    pub logo: Option<Logo>,
    /// Campaign colour.
    pub colour: Colour,
    /// The collective kick-off: nothing is published before it.
    pub launch: Moment,
    /// With `track_links`: the campaign site's host, whose links get utm parameters.
    pub track_host: Option<String>,
}

/// The film of a video item: its bytes (shared by every pack), what its header says, its
/// captions, and its poster.
#[derive(Debug, Clone)]
pub struct Film {
    /// The path as written in the kit.
    pub path: String,
    /// The file, shared: every partner's pack holds the same bytes.
    pub bytes: bytes::Bytes,
    /// Container, size and duration.
    pub probe: video::Probe,
    /// The captions.
    pub cues: Vec<video::Cue>,
    /// The poster image file as given (its extension and bytes), if any.
    pub poster: Option<(String, bytes::Bytes)>,
}

/// A `[[moments]]` entry: a named step after the launch (the public call after the press
/// conference, say).
#[derive(Debug, Clone)]
pub struct Step {
    /// Slug; items name it in `publish`.
    pub id: String,
    /// What happens then, in words.
    pub label: String,
    /// When.
    pub at: Moment,
}

/// An `[[events]]` entry: a session or meeting partners put in their calendar.
#[derive(Debug, Clone)]
pub struct Event {
    /// Slug; part of the calendar UID.
    pub id: String,
    /// Title.
    pub title: String,
    /// Start.
    pub start: Moment,
    /// End (an hour after the start when the kit gives none).
    pub end: Moment,
    /// An address, or "Online".
    pub location: Option<String>,
    /// Where to sign up or join.
    pub url: Option<String>,
    /// What it is about.
    pub description: Option<String>,
    /// Partners it is for; `None` means all.
    pub partners: Option<Vec<String>>,
}

impl Event {
    /// Whether `partner` gets this event.
    pub fn is_for(&self, partner: &Partner) -> bool {
        self.partners
            .as_ref()
            .is_none_or(|ps| ps.contains(&partner.id))
    }
}

/// `[print]`: the print-shop PDF of every deck.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Print {
    /// Bleed around each card, in mm (0 to 5).
    pub bleed_mm: f32,
    /// Crop marks outside the bleed, in a slug area.
    pub crop_marks: bool,
    /// Every colour as DeviceCMYK.
    pub cmyk: bool,
}

impl Default for Print {
    fn default() -> Self {
        Print {
            bleed_mm: 3.0,
            crop_marks: false,
            cmyk: false,
        }
    }
}

/// `[distribution]`.
#[derive(Debug, Default, Clone)]
pub struct Distribution {
    /// Each partner's folder and zip get an unguessable token in their names.
    pub private_links: bool,
}

/// `[behaviour]`.
#[derive(Debug, Default)]
pub struct Behaviour {
    /// The target group.
    pub audience: String,
    /// The behaviour the campaign wants.
    pub target: String,
    /// What the audience does today instead (the IAK form).
    pub current: Option<String>,
    /// Where and when (the IAK form).
    pub context: Option<String>,
}

/// One barrier (or enabler) of the behavioural analysis.
#[derive(Debug)]
pub struct Barrier {
    /// Slug.
    pub id: String,
    /// Its COM-B factor.
    pub factor: Factor,
    /// The insight in plain words.
    pub insight: String,
    /// Technique ids that answer it.
    pub techniques: Vec<String>,
    /// Its COM-B component, when the kit names one.
    pub component: Option<crate::bcw::Component>,
    /// Where `id = "…"` stands in kit.toml (line, column), for findings about the barrier.
    pub at: (usize, usize),
}

/// A behaviour-change technique.
#[derive(Debug)]
pub struct Technique {
    /// Id as used in the kit.
    pub id: String,
    /// Label shown to people.
    pub label: String,
    /// BCT Taxonomy v1 code, e.g. `1.4`.
    pub bct: Option<String>,
    /// Its intervention function, when the kit names one.
    pub function: Option<crate::bcw::Function>,
}

/// Informal or formal address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Address {
    /// "je": informal.
    Je,
    /// "u": formal.
    U,
}

/// A theme partner.
#[derive(Debug)]
pub struct Partner {
    /// Slug.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Partner logo.
    pub logo: Option<Logo>,
    /// Own colour, or the campaign's.
    pub colour: Colour,
    /// Form of address in texts.
    pub address: Address,
    /// Social platforms the partner posts on, in kit order.
    pub platforms: Vec<&'static Platform>,
    /// Channels where articles go (`website`, `newsletter`).
    pub article_channels: Vec<String>,
    /// Free strings for `{{partner.vars.NAME}}`.
    pub vars: BTreeMap<String, String>,
}

/// A card size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardSize {
    /// 105 × 148 mm.
    A6,
    /// 74 × 105 mm, laid out landscape (105 × 74) so that eight fit on A4.
    A7,
    /// 120 × 120 mm.
    Square,
}

impl CardSize {
    /// Width and height of the card as printed, in millimetres.
    pub fn mm(self) -> (f32, f32) {
        match self {
            CardSize::A6 => (105.0, 148.0),
            CardSize::A7 => (105.0, 74.0),
            CardSize::Square => (120.0, 120.0),
        }
    }

    /// The id as written in kits.
    pub fn id(self) -> &'static str {
        match self {
            CardSize::A6 => "A6",
            CardSize::A7 => "A7",
            CardSize::Square => "square",
        }
    }
}

/// A deck of discussion cards.
#[derive(Debug)]
pub struct Deck {
    /// Slug.
    pub id: String,
    /// Title printed on every card.
    pub title: String,
    /// Card size.
    pub size: CardSize,
    /// Instruction card text.
    pub intro: Option<String>,
    /// Partners that get the deck; `None` means all.
    pub partners: Option<Vec<String>>,
    /// Technique ids the deck applies.
    pub techniques: Vec<String>,
    /// The cards, in order.
    pub cards: Vec<Card>,
    /// Line of the `[[decks]]` header in kit.toml, for diagnostics.
    pub line: usize,
    /// Print the COM-B label on card fronts.
    pub show_factor: bool,
    /// Also `cards/<deck>-carousel.pdf` for a LinkedIn document post.
    pub carousel: bool,
}

/// One discussion card.
#[derive(Debug)]
pub struct Card {
    /// The question or statement.
    pub text: String,
    /// Barrier ids it works on.
    pub addresses: Vec<String>,
    /// Line in kit.toml, for diagnostics.
    pub line: usize,
}

/// The kind of a content item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A social statement.
    Social,
    /// A blog draft.
    Blog,
    /// A practical how-to article.
    Howto,
    /// A film with captions and a post per platform.
    Video,
}

impl Kind {
    /// Whether items of this kind are posted on social platforms (`platforms`, `[variants]`,
    /// share images): social statements and videos.
    pub fn is_post(self) -> bool {
        matches!(self, Kind::Social | Kind::Video)
    }

    /// The id as written in front matter.
    pub fn id(self) -> &'static str {
        match self {
            Kind::Social => "social",
            Kind::Blog => "blog",
            Kind::Howto => "howto",
            Kind::Video => "video",
        }
    }

    /// The pack folder the item's files go in.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Social => "social",
            Kind::Blog => "blogs",
            Kind::Howto => "howto",
            Kind::Video => "video",
        }
    }
}

/// A Handlebars text from the kit, with where it starts for error messages.
#[derive(Debug, Clone)]
pub struct Text {
    /// The template source.
    pub source: String,
    /// The file it is in, relative to the kit.
    pub file: PathBuf,
    /// The 1-based line of the file on which the text starts.
    pub first_line: usize,
    /// The 1-based column on that first line (for values inside a TOML line).
    pub first_column: usize,
}

/// A content item from `content/*.md`.
#[derive(Debug)]
pub struct Item {
    /// The file name without `.md`.
    pub id: String,
    /// The file, relative to the kit.
    pub file: PathBuf,
    /// Social, blog or how-to.
    pub kind: Kind,
    /// Title (may hold Handlebars).
    pub title: Text,
    /// Barrier ids.
    pub addresses: Vec<String>,
    /// Technique ids.
    pub techniques: Vec<String>,
    /// Partners that get it; `None` means all.
    pub partners: Option<Vec<String>>,
    /// Social only: the platforms it is for; `None` means every social channel of the partner.
    pub platforms: Option<Vec<&'static Platform>>,
    /// When it may be published.
    pub publish: Moment,
    /// The `[[moments]]` entry it is published at, when `publish` names one.
    pub step: Option<String>,
    /// Social only: alt text of the share image.
    pub image_alt: Option<String>,
    /// The photo on its share images (social and video items; for a video its `poster` when
    /// there is no `image`).
    pub image: Option<Photo>,
    /// The film, for a video item.
    pub video: Option<Film>,
    /// Social only: the pull quote on the share image.
    pub quote: Option<Text>,
    /// Social only: shorter bodies per platform id.
    pub variants: BTreeMap<String, Text>,
    /// The Markdown body (may hold Handlebars).
    pub body: Text,
}

/// Thresholds for the content lint.
#[derive(Debug, Clone)]
pub struct LintConfig {
    /// Minimum readability score.
    pub min_readability: f64,
    /// Longest sentence, in words.
    pub max_sentence_words: usize,
}

impl Kit {
    /// A hash of what every pack's drawings and pages may be made from besides its partner and
    /// its own items and decks: the campaign, the target behaviour, how packs are handed out,
    /// the print settings, the analysis and the kit's own templates (through their `Debug`
    /// forms, [`crate::memo::inputs_key`]). Made once per build: templates of a megabyte are not
    /// hashed again for every image.
    pub fn shared_inputs(&self) -> [u8; 32] {
        *self.shared.get_or_init(|| {
            crate::memo::inputs_key(
                "kit_inputs",
                &[
                    &self.campaign,
                    &self.behaviour,
                    &self.distribution,
                    &self.print,
                    &self.barriers,
                    &self.techniques,
                    &self.template_overrides,
                ],
            )
        })
    }

    /// The partner with this id.
    pub fn partner(&self, id: &str) -> Option<&Partner> {
        self.partners.iter().find(|p| p.id == id)
    }

    /// The barrier with this id.
    pub fn barrier(&self, id: &str) -> Option<&Barrier> {
        self.barriers.iter().find(|b| b.id == id)
    }

    /// The technique with this id.
    pub fn technique(&self, id: &str) -> Option<&Technique> {
        self.techniques.iter().find(|t| t.id == id)
    }

    /// The COM-B factors of a list of barrier ids, in COM-B order, without repeats.
    pub fn factors_of(&self, barrier_ids: &[String]) -> Vec<Factor> {
        let mut fs: Vec<Factor> = barrier_ids
            .iter()
            .filter_map(|b| self.barrier(b))
            .map(|b| b.factor)
            .collect();
        fs.sort();
        fs.dedup();
        fs
    }
}

impl Item {
    /// Whether `partner` gets this item.
    pub fn is_for(&self, partner: &Partner) -> bool {
        self.partners
            .as_ref()
            .is_none_or(|ps| ps.contains(&partner.id))
    }

    /// The platforms this social item goes to for `partner`: the item's platforms among the
    /// partner's channels, in the partner's order. Empty for articles.
    pub fn platforms_for(&self, partner: &Partner) -> Vec<&'static Platform> {
        if !self.kind.is_post() {
            return Vec::new();
        }
        partner
            .platforms
            .iter()
            .copied()
            .filter(|p| {
                self.platforms
                    .as_ref()
                    .is_none_or(|ps| ps.iter().any(|q| q.id == p.id))
            })
            .collect()
    }
}

impl Deck {
    /// Whether `partner` gets this deck.
    pub fn is_for(&self, partner: &Partner) -> bool {
        self.partners
            .as_ref()
            .is_none_or(|ps| ps.contains(&partner.id))
    }

    /// All barrier ids the deck's cards address, without repeats, in first-seen order.
    pub fn addresses(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for id in self.cards.iter().flat_map(|c| &c.addresses) {
            if !out.contains(id) {
                out.push(id.clone());
            }
        }
        out
    }
}

/// Whether `s` is a slug: `[a-z0-9-]`, 1 to 64 characters.
pub fn is_slug(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !is_windows_reserved(s)
}

/// Names Windows reserves for devices (`con`, `nul`, `com1`, …): no file may be called so,
/// whatever its extension.
pub fn is_windows_reserved(s: &str) -> bool {
    let s = s.to_ascii_lowercase();
    matches!(
        s.as_str(),
        "con" | "prn" | "aux" | "nul" | "conin$" | "conout$"
    ) || ((s.starts_with("com") || s.starts_with("lpt"))
        && s.len() == 4
        && s.as_bytes()[3].is_ascii_digit())
}

/// A slug suggestion for an invalid id: lowercase, accents dropped, other characters as `-`.
pub fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let c = match c {
            'á' | 'à' | 'ä' | 'â' | 'Á' | 'À' | 'Ä' | 'Â' => 'a',
            'é' | 'è' | 'ë' | 'ê' | 'É' | 'È' | 'Ë' | 'Ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' | 'Í' | 'Ï' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' | 'Ó' | 'Ö' => 'o',
            'ú' | 'ù' | 'ü' | 'û' | 'Ú' | 'Ü' => 'u',
            c => c.to_ascii_lowercase(),
        };
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-');
    let out = if out.len() > 64 {
        out[..64].trim_end_matches('-')
    } else {
        out
    };
    if out.is_empty() {
        "item".to_string()
    } else {
        out.to_string()
    }
}
