//! Discussion cards: an A4 sheet PDF for office printers, a bleed PDF for print shops, and a
//! PNG preview of every card front.
//!
//! Sheets: A6 4-up and A7 8-up fill A4 edge to edge, so cut lines run along the card edges;
//! square cards (2-up) leave a margin, which carries classic crop marks. After each sheet of
//! fronts comes its sheet of backs, mirrored left to right so that every back lands behind its
//! own front when printed double-sided with long-edge flip.

pub mod layout;
pub mod pdf;

use layout::{Front, Measure, Shape};

use super::Output;
use crate::diag::Diagnostic;
use crate::kit::{CardSize, Colour, Deck, Kit, Lang};
use crate::pack::{Artifact, PackContext};

/// The card output.
pub struct Cards;

const A4: (f32, f32) = (210.0, 297.0);
const BLEED: f32 = 3.0;
const PREVIEW_WIDTH: u32 = 420;

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
            for &x in &xs {
                out.push(Shape::Line {
                    x1: x,
                    y1: y0,
                    x2: x,
                    y2: y1,
                    width_pt: 0.25,
                    colour: grey,
                });
            }
            for &y in &ys {
                out.push(Shape::Line {
                    x1: x0,
                    y1: y,
                    x2: x1,
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

/// Moves a card's shapes onto a bleed page, running edge-touching backgrounds into the bleed.
fn with_bleed(shapes: &[Shape], card: (f32, f32)) -> Vec<Shape> {
    shapes
        .iter()
        .map(|s| match s {
            Shape::Rect { x, y, w, h, colour } => {
                let (mut nx, mut ny, mut nw, mut nh) = (*x, *y, *w, *h);
                if nx <= 0.01 {
                    nx -= BLEED;
                    nw += BLEED;
                }
                if ny <= 0.01 {
                    ny -= BLEED;
                    nh += BLEED;
                }
                if x + w >= card.0 - 0.01 {
                    nw += BLEED;
                }
                if y + h >= card.1 - 0.01 {
                    nh += BLEED;
                }
                Shape::Rect {
                    x: nx + BLEED,
                    y: ny + BLEED,
                    w: nw,
                    h: nh,
                    colour: *colour,
                }
            }
            other => other.translated(BLEED, BLEED),
        })
        .collect()
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

fn render_deck(
    cx: &PackContext<'_>,
    m: &Measure,
    deck: &Deck,
) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
    let kit = cx.kit;
    let lang = kit.campaign.language;
    let size = deck.size.mm();
    let texts = card_texts(kit, deck);
    let logo_alt = format!("{} {}", crate::i18n::labels(lang).logo_of, cx.partner.name);
    let mut fronts = Vec::new();
    let mut diags = Vec::new();
    let src = kit.sources.get(std::path::Path::new("kit.toml"));
    for t in &texts {
        let fail = |why: String| {
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
        let missing = m.missing(t.text);
        if !missing.is_empty() {
            let list: Vec<String> = missing
                .iter()
                .map(|c| format!("`{c}` (U+{:04X})", *c as u32))
                .collect();
            diags.push(
                fail(crate::tr!(
                    "the card font has no glyph for {list}",
                    "het lettertype van de kaarten heeft geen teken voor {list}",
                    list = list.join(", ")
                ))
                .hint(crate::tr!(
                    "replace those characters; the font covers Latin, Greek and Cyrillic scripts",
                    "vervang die tekens; het lettertype dekt het Latijnse, Griekse en Cyrillische schrift"
                )),
            );
            continue;
        }
        let front = Front {
            size,
            title: &deck.title,
            number: t.number.clone(),
            number_alt: t.number_alt.clone(),
            text: t.text,
            label: t.label.clone(),
            colour: cx.partner.colour,
            logo: cx.partner.logo.as_ref().map(|l| (l, logo_alt.clone())),
        };
        match layout::front(m, &front) {
            Ok(shapes) => fronts.push(shapes),
            Err(why) => {
                let chars = t.text.chars().count();
                diags.push(fail(why).hint(crate::tr!(
                    "the text has {chars} characters; cards of this size hold about {max} at the smallest size",
                    "de tekst heeft {chars} tekens; kaarten van dit formaat bevatten er ongeveer {max} in de kleinste letter",
                    chars = chars,
                    max = capacity(deck.size)
                )))
            }
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let back = layout::back(
        m,
        size,
        &kit.campaign.title,
        kit.campaign.colour,
        kit.campaign.logo.as_ref(),
    );
    let info = pdf::DocInfo {
        title: String::new(),
        lang,
        date: kit.campaign.launch,
        author: &kit.campaign.owner,
    };
    let (print_title, bleed_title) = match lang {
        Lang::Nl => (
            format!(
                "{} – gesprekskaarten om te printen (A4) – {}",
                deck.title, cx.partner.name
            ),
            format!(
                "{} – gesprekskaarten voor de drukker – {}",
                deck.title, cx.partner.name
            ),
        ),
        Lang::En => (
            format!(
                "{} – discussion cards to print (A4) – {}",
                deck.title, cx.partner.name
            ),
            format!(
                "{} – discussion cards for the print shop – {}",
                deck.title, cx.partner.name
            ),
        ),
    };

    // The A4 sheets: fronts, then their backs.
    let sheet = Sheet::for_size(deck.size);
    let mut pages = Vec::new();
    for (chunk_i, chunk) in fronts.chunks(sheet.per_sheet()).enumerate() {
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
            bleed: None,
            cards,
            marks: sheet.marks(),
            outline,
        });
        let backs = (0..chunk.len())
            .map(|i| {
                let (x, y) = sheet.slot(i, true);
                back.iter().map(|s| s.translated(x, y)).collect()
            })
            .collect();
        pages.push(pdf::PageSpec {
            size: A4,
            bleed: None,
            cards: backs,
            marks: Vec::new(),
            outline: Vec::new(),
        });
    }
    let print = pdf::render(
        &pdf::DocInfo {
            title: print_title,
            ..info.clone()
        },
        &pages,
    )
    .map_err(|e| {
        vec![Diagnostic::error(
            "pdf",
            crate::tr!(
                "cannot make the card sheets of deck `{deck}`: {e}",
                "de kaartvellen van kaartset `{deck}` zijn niet te maken: {e}",
                deck = deck.id,
                e = e
            ),
        )]
    })?;

    // One card a page with bleed: front, back, front, back…
    let page_size = (size.0 + 2.0 * BLEED, size.1 + 2.0 * BLEED);
    let mut pages = Vec::new();
    for (i, shapes) in fronts.iter().enumerate() {
        pages.push(pdf::PageSpec {
            size: page_size,
            bleed: Some(BLEED),
            cards: vec![with_bleed(shapes, size)],
            marks: Vec::new(),
            outline: vec![(texts[i].outline.clone(), 0.0)],
        });
        pages.push(pdf::PageSpec {
            size: page_size,
            bleed: Some(BLEED),
            cards: vec![with_bleed(&back, size)],
            marks: Vec::new(),
            outline: Vec::new(),
        });
    }
    let bleed = pdf::render(
        &pdf::DocInfo {
            title: bleed_title,
            ..info.clone()
        },
        &pages,
    )
    .map_err(|e| {
        vec![Diagnostic::error(
            "pdf",
            crate::tr!(
                "cannot make the print-shop file of deck `{deck}`: {e}",
                "het drukkerijbestand van kaartset `{deck}` is niet te maken: {e}",
                deck = deck.id,
                e = e
            ),
        )]
    })?;

    let mut files = vec![
        Artifact {
            path: format!("cards/{}-print.pdf", deck.id),
            bytes: print,
            meta: cx.deck_meta("cards-print", deck),
        },
        Artifact {
            path: format!("cards/{}-bleed.pdf", deck.id),
            bytes: bleed,
            meta: cx.deck_meta("cards-bleed", deck),
        },
    ];
    for (i, shapes) in fronts.iter().enumerate() {
        let px_h = (PREVIEW_WIDTH as f32 * size.1 / size.0).round() as u32;
        let svg = svg(shapes, size);
        let png = crate::raster::svg_to_png(&svg, PREVIEW_WIDTH, px_h).map_err(|e| {
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
                crate::fonts::FAMILY,
                size / layout::PT_PER_MM,
                if *bold { 700 } else { 400 },
                colour.hex(),
                esc(text)
            )),
            Shape::Image { x, y, w, h, logo, .. } => s.push_str(&format!(
                r#"<image x="{x}" y="{y}" width="{w}" height="{h}" preserveAspectRatio="none" href="{}"/>"#,
                logo.data_uri()
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
