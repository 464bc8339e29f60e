//! Discussion cards: an A4 sheet PDF for office printers, a bleed PDF for print shops, and a
//! PNG preview of every card front.
//!
//! Sheets: A6 4-up and A7 8-up fill A4 edge to edge, so cut lines run along the card edges;
//! square cards (2-up) leave a margin, which carries classic crop marks. After each sheet of
//! fronts comes its sheet of backs, mirrored left to right so that every back lands behind its
//! own front when printed double-sided with long-edge flip.

pub mod layout;
pub mod pdf;
pub mod preview;
mod record;

use layout::{Front, Measure, Shape};

use super::Output;
use crate::artifact::{Artifact, PackContext};
use crate::diag::Diagnostic;
use crate::kit::{CardSize, Colour, Deck, Kit, Lang};

/// The card output.
pub struct Cards;

const A4: (f32, f32) = (210.0, 297.0);
/// Pixel width of a card preview: the overview shows them 9rem (144 CSS px) wide, so this is
/// sharp on screens of twice the density and more.
const PREVIEW_WIDTH: u32 = 320;
/// The white frame around every card on an office sheet: office printers leave 3–5 mm at the
/// paper's edge unprinted, and A6 and A7 sheets are filled edge to edge.
pub const OFFICE_FRAME: f32 = 5.0;
/// Nothing is drawn closer than this to the paper edge of an office sheet.
pub const PAPER_MARGIN: f32 = 5.0;
/// A page of the LinkedIn carousel: 1080 × 1350 px proportions (4:5), in mm.
pub const CAROUSEL: (f32, f32) = (108.0, 135.0);
/// Crop marks: their distance beyond the bleed and their length, in mm.
const MARK_GAP: f32 = 2.0;
const MARK_LEN: f32 = 5.0;

/// How cards sit on an A4 sheet.
pub struct Sheet {
    /// Columns.
    pub cols: usize,
    /// Rows.
    pub rows: usize,
    /// Left and top offset of the grid, in mm.
    pub origin: (f32, f32),
    /// Card size in mm.
    pub card: (f32, f32),
}

impl Sheet {
    /// The imposition for a card size.
    pub fn for_size(size: CardSize) -> Sheet {
        let card = size.mm();
        let (cols, rows) = match size {
            CardSize::A6 => (2, 2),
            CardSize::A7 => (2, 4),
            CardSize::Square => (1, 2),
        };
        let origin = (
            (A4.0 - cols as f32 * card.0) / 2.0,
            (A4.1 - rows as f32 * card.1) / 2.0,
        );
        Sheet {
            cols,
            rows,
            origin,
            card,
        }
    }

    /// Cards per sheet.
    pub fn per_sheet(&self) -> usize {
        self.cols * self.rows
    }

    /// Top-left corner of slot `i`; on a back page the column is mirrored for long-edge duplex.
    pub fn slot(&self, i: usize, back: bool) -> (f32, f32) {
        let (col, row) = (i % self.cols, i / self.cols);
        let col = if back { self.cols - 1 - col } else { col };
        (
            self.origin.0 + col as f32 * self.card.0,
            self.origin.1 + row as f32 * self.card.1,
        )
    }

    /// Cut guides: crop marks in the margin where there is room for them, otherwise thin cut
    /// lines on the card edges.
    pub fn marks(&self) -> Vec<Shape> {
        let grey = Colour([0x80, 0x80, 0x80]);
        let (x0, y0) = self.origin;
        let (w, h) = self.card;
        let xs: Vec<f32> = (0..=self.cols).map(|c| x0 + c as f32 * w).collect();
        let ys: Vec<f32> = (0..=self.rows).map(|r| y0 + r as f32 * h).collect();
        let (x1, y1) = (*xs.last().unwrap_or(&x0), *ys.last().unwrap_or(&y0));
        let mut out = Vec::new();
        if x0.min(y0) >= 8.0 {
            let (gap, len) = (2.0, 5.0);
            for &x in &xs {
                out.push(Shape::Line {
                    x1: x,
                    y1: y0 - gap,
                    x2: x,
                    y2: y0 - gap - len,
                    width_pt: 0.3,
                    colour: Colour([0, 0, 0]),
                });
                out.push(Shape::Line {
                    x1: x,
                    y1: y1 + gap,
                    x2: x,
                    y2: y1 + gap + len,
                    width_pt: 0.3,
                    colour: Colour([0, 0, 0]),
                });
            }
            for &y in &ys {
                out.push(Shape::Line {
                    x1: x0 - gap,
                    y1: y,
                    x2: x0 - gap - len,
                    y2: y,
                    width_pt: 0.3,
                    colour: Colour([0, 0, 0]),
                });
                out.push(Shape::Line {
                    x1: x1 + gap,
                    y1: y,
                    x2: x1 + gap + len,
                    y2: y,
                    width_pt: 0.3,
                    colour: Colour([0, 0, 0]),
                });
            }
        } else {
            // Cards fill the sheet: the outer card edges are the paper's edges, so only the
            // lines between cards are drawn, and not within the margin no printer prints.
            let (top, bottom) = (PAPER_MARGIN.max(y0), (A4.1 - PAPER_MARGIN).min(y1));
            let (left, right) = (PAPER_MARGIN.max(x0), (A4.0 - PAPER_MARGIN).min(x1));
            for &x in &xs[1..xs.len().saturating_sub(1)] {
                out.push(Shape::Line {
                    x1: x,
                    y1: top,
                    x2: x,
                    y2: bottom,
                    width_pt: 0.25,
                    colour: grey,
                });
            }
            for &y in &ys[1..ys.len().saturating_sub(1)] {
                out.push(Shape::Line {
                    x1: left,
                    y1: y,
                    x2: right,
                    y2: y,
                    width_pt: 0.25,
                    colour: grey,
                });
            }
        }
        out
    }
}

struct CardText<'a> {
    text: &'a str,
    number: String,
    number_alt: String,
    label: String,
    outline: String,
    line: usize,
    which: String,
}

fn card_texts<'a>(kit: &Kit, deck: &'a Deck) -> Vec<CardText<'a>> {
    let lang = kit.campaign.language;
    let n = deck.cards.len();
    let mut out = Vec::new();
    if let Some(intro) = &deck.intro {
        let (label, outline) = match lang {
            Lang::Nl => ("Zo werkt het", "Uitleg"),
            Lang::En => ("How it works", "Instructions"),
        };
        out.push(CardText {
            text: intro,
            number: label.to_string(),
            number_alt: label.to_string(),
            label: deck.title.clone(),
            outline: outline.to_string(),
            line: deck.line,
            which: crate::tr!("the intro card", "de introkaart"),
        });
    }
    for (i, card) in deck.cards.iter().enumerate() {
        let factors: Vec<&str> = kit
            .factors_of(&card.addresses)
            .iter()
            .map(|f| f.label(lang))
            .collect();
        let label = if factors.is_empty() {
            String::new()
        } else {
            format!("COM-B: {}", factors.join(" · "))
        };
        let (alt, outline) = match lang {
            Lang::Nl => (
                format!("kaart {} van {n}", i + 1),
                format!("Kaart {}", i + 1),
            ),
            Lang::En => (format!("card {} of {n}", i + 1), format!("Card {}", i + 1)),
        };
        out.push(CardText {
            text: &card.text,
            number: format!("{} / {n}", i + 1),
            number_alt: alt,
            label,
            outline: format!("{outline}: {}", short(&card.text, 60)),
            line: card.line,
            which: crate::tr!("card {i} of {n}", "kaart {i} van {n}", i = i + 1, n = n),
        });
    }
    out
}

fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars()
            .take(n - 1)
            .collect::<String>()
            .trim_end()
            .to_string()
            + "…"
    }
}

/// Moves a card's shapes onto a print-shop page whose trim starts `margin` mm in, running
/// edge-touching backgrounds `bleed` mm into the bleed.
fn with_bleed(shapes: &[Shape], card: (f32, f32), bleed: f32, margin: f32) -> Vec<Shape> {
    shapes
        .iter()
        .map(|s| match s {
            Shape::Rect { x, y, w, h, colour } => {
                let (mut nx, mut ny, mut nw, mut nh) = (*x, *y, *w, *h);
                if nx <= 0.01 {
                    nx -= bleed;
                    nw += bleed;
                }
                if ny <= 0.01 {
                    ny -= bleed;
                    nh += bleed;
                }
                if x + w >= card.0 - 0.01 {
                    nw += bleed;
                }
                if y + h >= card.1 - 0.01 {
                    nh += bleed;
                }
                Shape::Rect {
                    x: nx + margin,
                    y: ny + margin,
                    w: nw,
                    h: nh,
                    colour: *colour,
                }
            }
            other => other.translated(margin, margin),
        })
        .collect()
}

/// The print-shop pages: front, back, front, back…, each card with `print.bleed_mm` of bleed
/// and, with crop marks, a slug area around it that carries them.
fn shop_pages(
    fronts: &[Vec<Shape>],
    back: &[Shape],
    card: (f32, f32),
    print: crate::kit::Print,
    texts: &[CardText<'_>],
) -> Vec<pdf::PageSpec> {
    let bleed = print.bleed_mm;
    let margin = if print.crop_marks {
        bleed + MARK_GAP + MARK_LEN + 3.0
    } else {
        bleed
    };
    let size = (card.0 + 2.0 * margin, card.1 + 2.0 * margin);
    let boxes = pdf::Boxes {
        trim: (margin, margin, card.0, card.1),
        bleed: (
            margin - bleed,
            margin - bleed,
            card.0 + 2.0 * bleed,
            card.1 + 2.0 * bleed,
        ),
    };
    let marks = if print.crop_marks {
        crop_marks(card, bleed, margin)
    } else {
        Vec::new()
    };
    let mut pages = Vec::new();
    for (i, shapes) in fronts.iter().enumerate() {
        for (cards, outline) in [
            (
                with_bleed(shapes, card, bleed, margin),
                vec![(texts[i].outline.clone(), 0.0)],
            ),
            (with_bleed(back, card, bleed, margin), Vec::new()),
        ] {
            pages.push(pdf::PageSpec {
                size,
                boxes: Some(boxes),
                cards: vec![cards],
                marks: marks.clone(),
                outline,
            });
        }
    }
    pages
}

/// Crop marks at the four corners of the trim, starting [`MARK_GAP`] mm outside the bleed.
fn crop_marks(card: (f32, f32), bleed: f32, margin: f32) -> Vec<Shape> {
    let black = Colour([0, 0, 0]);
    let (x0, y0, x1, y1) = (margin, margin, margin + card.0, margin + card.1);
    let near = bleed + MARK_GAP;
    let far = near + MARK_LEN;
    let mut out = Vec::new();
    for &x in &[x0, x1] {
        for (from, to) in [(y0 - near, y0 - far), (y1 + near, y1 + far)] {
            out.push(Shape::Line {
                x1: x,
                y1: from,
                x2: x,
                y2: to,
                width_pt: 0.25,
                colour: black,
            });
        }
    }
    for &y in &[y0, y1] {
        for (from, to) in [(x0 - near, x0 - far), (x1 + near, x1 + far)] {
            out.push(Shape::Line {
                x1: from,
                y1: y,
                x2: to,
                y2: y,
                width_pt: 0.25,
                colour: black,
            });
        }
    }
    out
}

/// One line about a card PDF for the build output: page size and boxes, colour space, fonts,
/// smallest text; for office sheets how many and how to print them.
fn preflight(pages: &[pdf::PageSpec], cmyk: bool, sheets: Option<usize>) -> String {
    let mm =
        |v: f32| crate::util::decimal(f64::from(v), if v.fract().abs() < 0.05 { 0 } else { 1 });
    let Some(first) = pages.first() else {
        return String::new();
    };
    let smallest = pages
        .iter()
        .flat_map(|p| p.cards.iter().flatten().chain(&p.marks))
        .filter_map(|s| match s {
            Shape::Text { size, .. } => Some(*size),
            _ => None,
        })
        .fold(f32::INFINITY, f32::min);
    let (w, h) = first.size;
    let size = match (sheets, first.boxes) {
        (Some(1), _) => crate::tr!(
            "A4, 1 sheet double-sided (flip on the long edge), cards in a {frame} mm white frame, nothing within {margin} mm of the paper edge",
            "A4, 1 vel dubbelzijdig (spiegelen langs de lange kant), kaarten in een witte rand van {frame} mm, niets binnen {margin} mm van de papierrand",
            frame = mm(OFFICE_FRAME),
            margin = mm(PAPER_MARGIN)
        ),
        (Some(n), _) => crate::tr!(
            "A4, {n} sheets double-sided (flip on the long edge), cards in a {frame} mm white frame, nothing within {margin} mm of the paper edge",
            "A4, {n} vellen dubbelzijdig (spiegelen langs de lange kant), kaarten in een witte rand van {frame} mm, niets binnen {margin} mm van de papierrand",
            n = n,
            frame = mm(OFFICE_FRAME),
            margin = mm(PAPER_MARGIN)
        ),
        (None, Some(b)) => {
            let bleed = b.trim.0 - b.bleed.0;
            let marks = !first.marks.is_empty();
            crate::tr!(
                "page {w} × {h} mm: trim {tw} × {th} mm, bleed {bleed} mm{marks}",
                "pagina {w} × {h} mm: snijmaat {tw} × {th} mm, afloop {bleed} mm{marks}",
                w = mm(w),
                h = mm(h),
                tw = mm(b.trim.2),
                th = mm(b.trim.3),
                bleed = mm(bleed),
                marks = if marks { crate::tr!(", crop marks", ", snijtekens") } else { String::new() }
            )
        }
        (None, None) => crate::tr!("page {w} × {h} mm", "pagina {w} × {h} mm", w = mm(w), h = mm(h)),
    };
    let colour = if cmyk {
        crate::tr!(
            "DeviceCMYK (logos stay RGB)",
            "DeviceCMYK (logo's blijven RGB)"
        )
    } else {
        crate::tr!("sRGB (PDF/A-2a)", "sRGB (PDF/A-2a)")
    };
    crate::tr!(
        "{pages} pages, {size}; {colour}; fonts embedded (subset); smallest text {pt} pt",
        "{pages} pagina's, {size}; {colour}; lettertypen ingesloten (subset); kleinste tekst {pt} pt",
        pages = pages.len(),
        size = size,
        colour = colour,
        pt = mm(smallest)
    )
}

impl Output for Cards {
    fn name(&self) -> &'static str {
        "cards"
    }

    fn render(&self, cx: &PackContext<'_>) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
        let m = Measure::default();
        let mut out = Vec::new();
        let mut diags = Vec::new();
        if !cx.draw {
            return Ok(out);
        }
        for deck in &cx.decks {
            match render_deck(cx, &m, deck) {
                Ok(files) => out.extend(files),
                Err(d) => diags.extend(d),
            }
        }
        if diags.is_empty() {
            Ok(out)
        } else {
            Err(diags)
        }
    }
}

/// A deck's files: as the build cache's record of the same inputs says, or drawn.
fn render_deck(
    cx: &PackContext<'_>,
    m: &Measure,
    deck: &Deck,
) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
    let Some(cache) = cx.cache else {
        return draw_deck(cx, m, deck);
    };
    let key = record::key(cx, deck);
    if let Some(files) = record::take(cx, cache, deck, key) {
        return Ok(files);
    }
    let files = draw_deck(cx, m, deck)?;
    record::keep(cache, key, &files);
    Ok(files)
}

/// A deck's files, laid out and drawn (each drawing from the build cache when it has it).
fn draw_deck(
    cx: &PackContext<'_>,
    m: &Measure,
    deck: &Deck,
) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
    let kit = cx.kit;
    let lang = kit.campaign.language;
    let size = deck.size.mm();
    let texts = card_texts(kit, deck);
    let logo_alt = format!("{} {}", crate::i18n::labels(lang).logo_of, cx.partner.name);
    let src = kit.sources.get(std::path::Path::new("kit.toml"));
    let fail = |t: &CardText<'_>, why: String| {
        let d = Diagnostic::error(
            "card",
            crate::tr!(
                "{which} of deck `{deck}`: {why}",
                "{which} van kaartset `{deck}`: {why}",
                which = t.which,
                deck = deck.id,
                why = why
            ),
        );
        match src {
            Some(src) => d.at_line(src, t.line, 1),
            None => d.in_file("kit.toml"),
        }
    };
    let mut diags = Vec::new();
    for t in &texts {
        let missing = m.missing(t.text);
        if !missing.is_empty() {
            let list: Vec<String> = missing
                .iter()
                .map(|c| format!("`{c}` (U+{:04X})", *c as u32))
                .collect();
            diags.push(
                fail(
                    t,
                    crate::tr!(
                        "the card font has no glyph for {list}",
                        "het lettertype van de kaarten heeft geen teken voor {list}",
                        list = list.join(", ")
                    ),
                )
                .hint(crate::tr!(
                    "replace those characters; the font covers Latin, Greek and Cyrillic scripts",
                    "vervang die tekens; het lettertype dekt het Latijnse, Griekse en Cyrillische schrift"
                )),
            );
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    // Every front laid out for one variant: a card size and a white frame.
    let lay = |card: (f32, f32), frame: f32| -> Result<Vec<Vec<Shape>>, Vec<Diagnostic>> {
        let mut fronts = Vec::new();
        let mut diags = Vec::new();
        for t in &texts {
            let front = Front {
                size: card,
                title: &deck.title,
                number: t.number.clone(),
                number_alt: t.number_alt.clone(),
                text: t.text,
                label: deck.show_factor.then(|| t.label.clone()),
                colour: cx.partner.colour,
                logo: cx.partner.logo.as_ref().map(|l| (l, logo_alt.clone())),
                frame,
            };
            match layout::front(m, &front) {
                Ok(shapes) => fronts.push(shapes),
                Err(why) => {
                    let chars = t.text.chars().count();
                    diags.push(fail(t, why).hint(crate::tr!(
                        "the text has {chars} characters; cards of this size hold about {max} at the smallest size",
                        "de tekst heeft {chars} tekens; kaarten van dit formaat bevatten er ongeveer {max} in de kleinste letter",
                        chars = chars,
                        max = capacity(deck.size)
                    )))
                }
            }
        }
        if diags.is_empty() {
            Ok(fronts)
        } else {
            Err(diags)
        }
    };
    let fronts = lay(size, 0.0)?;
    let office_fronts = lay(size, OFFICE_FRAME)?;
    let back_of = |card: (f32, f32), frame: f32| {
        layout::back(
            m,
            card,
            &kit.campaign.title,
            kit.campaign.colour,
            kit.campaign.logo.as_ref(),
            frame,
        )
    };
    let back = back_of(size, 0.0);
    let office_back = back_of(size, OFFICE_FRAME);
    let info = pdf::DocInfo {
        title: String::new(),
        lang,
        date: kit.campaign.launch,
        author: &kit.campaign.owner,
        cmyk: false,
    };
    let pdf_error = |e: String| {
        vec![Diagnostic::error(
            "pdf",
            crate::tr!(
                "cannot make the card PDFs of deck `{deck}`: {e}",
                "de kaart-pdf's van kaartset `{deck}` zijn niet te maken: {e}",
                deck = deck.id,
                e = e
            ),
        )]
    };
    let title = |nl: &str, en: &str| match lang {
        Lang::Nl => format!("{} – {nl} – {}", deck.title, cx.partner.name),
        Lang::En => format!("{} – {en} – {}", deck.title, cx.partner.name),
    };

    // The A4 sheets: fronts, then their backs, every card in a white frame.
    let sheet = Sheet::for_size(deck.size);
    let mut pages = Vec::new();
    for (chunk_i, chunk) in office_fronts.chunks(sheet.per_sheet()).enumerate() {
        let base = chunk_i * sheet.per_sheet();
        let mut cards = Vec::new();
        let mut outline = Vec::new();
        for (i, shapes) in chunk.iter().enumerate() {
            let (x, y) = sheet.slot(i, false);
            cards.push(shapes.iter().map(|s| s.translated(x, y)).collect());
            outline.push((texts[base + i].outline.clone(), y));
        }
        pages.push(pdf::PageSpec {
            size: A4,
            boxes: None,
            cards,
            marks: sheet.marks(),
            outline,
        });
        let backs = (0..chunk.len())
            .map(|i| {
                let (x, y) = sheet.slot(i, true);
                office_back.iter().map(|s| s.translated(x, y)).collect()
            })
            .collect();
        pages.push(pdf::PageSpec {
            size: A4,
            boxes: None,
            cards: backs,
            marks: Vec::new(),
            outline: Vec::new(),
        });
    }
    let sheets = pages.len() / 2;
    let print_info = pdf::DocInfo {
        title: title(
            "gesprekskaarten om te printen (A4)",
            "discussion cards to print (A4)",
        ),
        ..info.clone()
    };
    let print = pdf::render(&print_info, &pages, cx.cache).map_err(pdf_error)?;
    let print_preflight = preflight(&pages, false, Some(sheets));

    // One card a page for a print shop: front, back, front, back… with the kit's bleed, crop
    // marks and colour space.
    let pk = kit.print;
    let pages = shop_pages(&fronts, &back, size, pk, &texts);
    let bleed_info = pdf::DocInfo {
        title: title(
            "gesprekskaarten voor de drukker",
            "discussion cards for the print shop",
        ),
        cmyk: pk.cmyk,
        ..info.clone()
    };
    let bleed = pdf::render(&bleed_info, &pages, cx.cache).map_err(pdf_error)?;
    let bleed_preflight = preflight(&pages, pk.cmyk, None);

    let mut print_meta = cx.deck_meta("cards-print", deck);
    print_meta.preflight = Some(print_preflight);
    let print = print_meta.take_drawn(print);
    let mut bleed_meta = cx.deck_meta("cards-bleed", deck);
    bleed_meta.preflight = Some(bleed_preflight);
    let bleed = bleed_meta.take_drawn(bleed);
    let mut files = vec![
        Artifact {
            path: format!("cards/{}-print.pdf", deck.id),
            bytes: print,
            meta: print_meta,
        },
        Artifact {
            path: format!("cards/{}-bleed.pdf", deck.id),
            bytes: bleed,
            meta: bleed_meta,
        },
    ];

    // A LinkedIn document post: one card a page in 4:5 (1080 × 1350 px), the partner's colour
    // and logo, the campaign's back last. The page is exactly 4:5; its TrimBox sits 3 mm in,
    // like every card PDF that is not an A4 sheet, and the content 6 mm in.
    let carousel_boxes = pdf::Boxes {
        trim: (3.0, 3.0, CAROUSEL.0 - 6.0, CAROUSEL.1 - 6.0),
        bleed: (0.0, 0.0, CAROUSEL.0, CAROUSEL.1),
    };
    if deck.carousel {
        let fronts = lay(CAROUSEL, 0.0)?;
        let mut pages: Vec<pdf::PageSpec> = fronts
            .into_iter()
            .enumerate()
            .map(|(i, shapes)| pdf::PageSpec {
                size: CAROUSEL,
                boxes: Some(carousel_boxes),
                cards: vec![shapes],
                marks: Vec::new(),
                outline: vec![(texts[i].outline.clone(), 0.0)],
            })
            .collect();
        pages.push(pdf::PageSpec {
            size: CAROUSEL,
            boxes: Some(carousel_boxes),
            cards: vec![back_of(CAROUSEL, 0.0)],
            marks: Vec::new(),
            outline: Vec::new(),
        });
        let info = pdf::DocInfo {
            title: title("gesprekskaarten om te delen", "discussion cards to share"),
            ..info.clone()
        };
        let drawn = pdf::render(&info, &pages, cx.cache).map_err(pdf_error)?;
        let mut meta = cx.deck_meta("cards-carousel", deck);
        meta.preflight = Some(preflight(&pages, false, None));
        let bytes = meta.take_drawn(drawn);
        files.push(Artifact {
            path: format!("cards/{}-carousel.pdf", deck.id),
            bytes,
            meta,
        });
    }
    for (i, shapes) in fronts.iter().enumerate() {
        let px_h = (PREVIEW_WIDTH as f32 * size.1 / size.0).round() as u32;
        // The key: every shape (the logo by its digest) and the pixel size.
        let mut key = crate::memo::key("card_preview");
        {
            use sha2::Digest;
            for s in shapes {
                s.feed(&mut key);
            }
            key.update(PREVIEW_WIDTH.to_le_bytes());
            key.update(px_h.to_le_bytes());
        }
        let band = crate::outputs::band_colour(cx.partner.colour);
        let png = crate::memo::draw(cx.cache, key, (PREVIEW_WIDTH, px_h), || {
            preview::render(shapes, size, PREVIEW_WIDTH, px_h, band)
        })
        .map_err(|e| {
            vec![Diagnostic::error(
                "preview",
                crate::tr!(
                    "cannot draw the preview of deck `{deck}`: {e}",
                    "het voorbeeld van kaartset `{deck}` is niet te tekenen: {e}",
                    deck = deck.id,
                    e = e
                ),
            )]
        })?;
        let n = if deck.intro.is_some() { i } else { i + 1 };
        let mut meta = cx.deck_meta("card-preview", deck);
        let png = meta.take_drawn(png);
        meta.alt = Some(format!(
            "{}, {}: {}",
            deck.title, texts[i].number_alt, texts[i].text
        ));
        files.push(Artifact {
            path: format!("cards/{}-card-{n:02}.png", deck.id),
            bytes: png,
            meta,
        });
    }
    Ok(files)
}

fn capacity(size: CardSize) -> usize {
    match size {
        CardSize::A6 => 320,
        CardSize::A7 => 150,
        CardSize::Square => 360,
    }
}

/// The card as SVG, for the preview.
fn svg(shapes: &[Shape], size: (f32, f32)) -> String {
    use crate::util::escape_html as esc;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}mm" height="{}mm">"#,
        size.0, size.1, size.0, size.1
    );
    for shape in shapes {
        match shape {
            Shape::Rect { x, y, w, h, colour } => {
                s.push_str(&format!(r#"<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{}"/>"#, colour.hex()));
            }
            Shape::Line { x1, y1, x2, y2, width_pt, colour } => s.push_str(&format!(
                r#"<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{}" stroke-width="{}"/>"#,
                colour.hex(),
                width_pt / layout::PT_PER_MM
            )),
            Shape::Text { x, y, size, bold, colour, text, .. } => s.push_str(&format!(
                r#"<text x="{x}" y="{y}" font-family="{}" font-size="{}" font-weight="{}" fill="{}">{}</text>"#,
                crate::typeset::fonts::FAMILY,
                size / layout::PT_PER_MM,
                if *bold { 700 } else { 400 },
                colour.hex(),
                esc(text)
            )),
            Shape::Image { x, y, w, h, logo, .. } => s.push_str(&format!(
                r#"<image x="{x}" y="{y}" width="{w}" height="{h}" preserveAspectRatio="none" href="{}"/>"#,
                logo.data_uri().unwrap_or_default()
            )),
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheets_fit_a4_and_backs_mirror_for_long_edge_duplex() {
        for (size, per) in [(CardSize::A6, 4), (CardSize::A7, 8), (CardSize::Square, 2)] {
            let s = Sheet::for_size(size);
            assert_eq!(s.per_sheet(), per);
            for i in 0..per {
                let (fx, fy) = s.slot(i, false);
                let (bx, by) = s.slot(i, true);
                // Flipping the sheet on its long (vertical) edge maps x to 210 − x.
                assert!(
                    (bx - (A4.0 - fx - s.card.0)).abs() < 1e-3,
                    "{size:?} slot {i}"
                );
                assert_eq!(fy, by);
                assert!(
                    fx >= 0.0
                        && fy >= 0.0
                        && fx + s.card.0 <= A4.0 + 1e-3
                        && fy + s.card.1 <= A4.1 + 1e-3
                );
            }
        }
    }

    #[test]
    fn crop_marks_only_where_there_is_a_margin() {
        let marks = |size| Sheet::for_size(size).marks();
        // Square cards leave a margin: short marks outside the cards.
        assert!(marks(CardSize::Square).iter().all(|m| matches!(m, Shape::Line { x1, x2, y1, y2, .. } if (x1 - x2).abs() <= 5.0 + 1e-3 && (y1 - y2).abs() <= 5.0 + 1e-3)));
        // A6 fills the sheet: cut lines along the card edges.
        assert!(marks(CardSize::A6)
            .iter()
            .any(|m| matches!(m, Shape::Line { y1, y2, .. } if (y2 - y1).abs() > 200.0)));
    }
}
