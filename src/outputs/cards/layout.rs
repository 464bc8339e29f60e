//! Card design as a display list, in millimetres with the origin at the card's top-left corner.
//!
//! One layout feeds two backends: the tagged PDF (krilla) and the PNG preview (resvg), so the
//! preview shows exactly the card that is printed.

use crate::kit::{Colour, Logo};
pub use crate::typeset::{line_height, Measure, PT_PER_MM};

/// What a shape means to a screen reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Decoration: never read.
    Artifact,
    /// The deck title.
    Title,
    /// The card number, read as its alt text.
    Number,
    /// The question (one shape per line).
    Question,
    /// The COM-B label for the moderator.
    Label,
    /// The partner or campaign logo, read as its alt text.
    Logo,
}

/// One drawing operation. Coordinates in mm from the top-left corner; the field names say it all.
#[allow(missing_docs)]
#[derive(Debug, Clone)]
pub enum Shape {
    /// A filled rectangle.
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        colour: Colour,
    },
    /// A stroked line; width in points.
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width_pt: f32,
        colour: Colour,
    },
    /// One line of text; `y` is the baseline, `size` in points.
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        colour: Colour,
        text: String,
        role: Role,
        alt: Option<String>,
    },
    /// A logo.
    Image {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        logo: Box<Logo>,
        alt: String,
    },
}

impl Shape {
    /// Feeds every field of the shape into a hash (the memo key of a rendered PDF).
    pub fn feed(&self, h: &mut sha2::Sha256) {
        use sha2::Digest;
        let f = |h: &mut sha2::Sha256, v: &[f32]| v.iter().for_each(|x| h.update(x.to_le_bytes()));
        match self {
            Shape::Rect {
                x,
                y,
                w,
                h: hh,
                colour,
            } => {
                h.update(b"R");
                f(h, &[*x, *y, *w, *hh]);
                h.update(colour.0);
            }
            Shape::Line {
                x1,
                y1,
                x2,
                y2,
                width_pt,
                colour,
            } => {
                h.update(b"L");
                f(h, &[*x1, *y1, *x2, *y2, *width_pt]);
                h.update(colour.0);
            }
            Shape::Text {
                x,
                y,
                size,
                bold,
                colour,
                text,
                role,
                alt,
            } => {
                h.update(b"T");
                f(h, &[*x, *y, *size]);
                h.update([u8::from(*bold), *role as u8]);
                h.update(colour.0);
                h.update(text.as_bytes());
                h.update([0]);
                h.update(alt.as_deref().unwrap_or("\u{0}").as_bytes());
                h.update([0]);
            }
            Shape::Image {
                x,
                y,
                w,
                h: hh,
                logo,
                alt,
            } => {
                h.update(b"I");
                f(h, &[*x, *y, *w, *hh]);
                h.update(logo.digest);
                h.update(alt.as_bytes());
                h.update([0]);
            }
        }
    }

    /// The role of the shape.
    pub fn role(&self) -> Role {
        match self {
            Shape::Rect { .. } | Shape::Line { .. } => Role::Artifact,
            Shape::Text { role, .. } => *role,
            Shape::Image { .. } => Role::Logo,
        }
    }

    /// The shape moved by (dx, dy) millimetres.
    pub fn translated(&self, dx: f32, dy: f32) -> Shape {
        let mut s = self.clone();
        match &mut s {
            Shape::Rect { x, y, .. } | Shape::Text { x, y, .. } | Shape::Image { x, y, .. } => {
                *x += dx;
                *y += dy;
            }
            Shape::Line { x1, y1, x2, y2, .. } => {
                *x1 += dx;
                *x2 += dx;
                *y1 += dy;
                *y2 += dy;
            }
        }
        s
    }
}

/// Font sizes and margins per card size.
pub struct Metrics {
    /// Safe margin on every side, in mm: no text or logo outside it.
    pub safe: f32,
    /// Height of the top band, in mm.
    pub band: f32,
    /// Largest question size, in pt.
    pub max: f32,
    /// Smallest readable question size, in pt.
    pub min: f32,
    /// Size of small print (card number, COM-B label), in pt: never below 9.
    pub small: f32,
}

/// The smallest size of any text on a card, in pt.
pub const MIN_TEXT_PT: f32 = 9.0;

/// The smallest height of a logo on a card, in mm: below it a logo's lettering is unreadable.
pub const LOGO_MIN_MM: f32 = 10.0;

/// The metrics for a card of `w` × `h` mm.
pub fn metrics(w: f32, h: f32) -> Metrics {
    let short = w.min(h);
    Metrics {
        safe: 6.0,
        band: (h * 0.16).clamp(12.0, 20.0),
        max: if short >= 100.0 { 22.0 } else { 16.0 },
        min: if short >= 100.0 { 11.0 } else { MIN_TEXT_PT },
        small: MIN_TEXT_PT,
    }
}

/// Where a partner logo goes on a card front of `w` mm wide, at [`LOGO_MIN_MM`] high.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoPlace {
    /// In the coloured band, top right.
    Band,
    /// In the footer, bottom right: too wide for the band.
    Footer,
    /// Not on the front: too wide to be shown 10 mm high at all.
    Omitted,
}

/// Where a logo of `width` × `height` pixels goes on a front `w` mm wide.
pub fn logo_place(width: u32, height: u32, w: f32) -> LogoPlace {
    let lw = LOGO_MIN_MM * width as f32 / height.max(1) as f32;
    let inner = w - 2.0 * metrics(w, w).safe - 2.4;
    if lw <= w * 0.45 {
        LogoPlace::Band
    } else if lw <= inner {
        LogoPlace::Footer
    } else {
        LogoPlace::Omitted
    }
}

/// Everything printed on a card front.
pub struct Front<'a> {
    /// Card width and height in mm.
    pub size: (f32, f32),
    /// Deck title.
    pub title: &'a str,
    /// "3 / 7", or the intro label.
    pub number: String,
    /// What a screen reader says for the number.
    pub number_alt: String,
    /// The question.
    pub text: &'a str,
    /// COM-B label for the moderator, printed only when the deck asks for it.
    pub label: Option<String>,
    /// The band colour.
    pub colour: Colour,
    /// Partner logo.
    pub logo: Option<(&'a Logo, String)>,
    /// A white frame of this many mm around the card (office sheets: no colour where an office
    /// printer cannot print); 0 for print-shop cards, whose colour runs into the bleed.
    pub frame: f32,
}

fn ink() -> Colour {
    Colour([0x1a, 0x1a, 0x1a])
}

fn muted() -> Colour {
    Colour([0x4d, 0x4d, 0x4d])
}

/// The margin of text and logos from the card edge: the safe zone, or more inside a frame.
fn inset(mt: &Metrics, frame: f32) -> f32 {
    if frame > 0.0 {
        (frame + 2.5).max(mt.safe)
    } else {
        mt.safe
    }
}

/// Lays out a card front. Errors say why the text does not fit.
pub fn front(m: &Measure, f: &Front<'_>) -> Result<Vec<Shape>, String> {
    let (w, h) = f.size;
    let mt = metrics(w, h);
    let inset = inset(&mt, f.frame);
    let band = crate::outputs::band_colour(f.colour);
    let on_band = band.text_on();
    let mut shapes = vec![Shape::Rect {
        x: 0.0,
        y: 0.0,
        w,
        h,
        colour: Colour([255, 255, 255]),
    }];
    // The band runs to the card's top edge and sides (or to the frame); its text stays inside
    // the safe margin: the deck title, and below it the card number.
    let title_size = mt.small + 1.5;
    let title_y = inset + title_size * 0.75 / PT_PER_MM;
    let number_y = title_y + mt.small * 1.4 / PT_PER_MM;
    let pad = 1.2;
    let place = f
        .logo
        .as_ref()
        .map(|(logo, _)| logo_place(logo.width, logo.height, w));
    let logo_size = |logo: &Logo| {
        let lw = LOGO_MIN_MM * logo.width as f32 / logo.height.max(1) as f32;
        (lw, LOGO_MIN_MM)
    };
    let mut band_bottom = (number_y + 2.5).max(mt.safe + mt.band - 4.0);
    if place == Some(LogoPlace::Band) {
        band_bottom = band_bottom.max(inset + LOGO_MIN_MM + 2.0 * pad + 1.0);
    }
    shapes.push(Shape::Rect {
        x: f.frame,
        y: f.frame,
        w: w - 2.0 * f.frame,
        h: band_bottom - f.frame,
        colour: band,
    });
    let mut title_right = w - inset;
    let mut footer_logo_w = 0.0;
    if let (Some((logo, alt)), Some(place)) = (&f.logo, place) {
        let (lw, lh) = logo_size(logo);
        let (x, y) = match place {
            LogoPlace::Band => (w - inset - pad - lw, inset + pad),
            LogoPlace::Footer => (w - inset - pad - lw, h - inset - pad - lh),
            LogoPlace::Omitted => (0.0, 0.0),
        };
        if place != LogoPlace::Omitted {
            shapes.push(Shape::Rect {
                x: x - pad,
                y: y - pad,
                w: lw + 2.0 * pad,
                h: lh + 2.0 * pad,
                colour: Colour([255, 255, 255]),
            });
            shapes.push(Shape::Image {
                x,
                y,
                w: lw,
                h: lh,
                logo: Box::new((*logo).clone()),
                alt: alt.clone(),
            });
        }
        match place {
            LogoPlace::Band => title_right = x - pad - 3.0,
            LogoPlace::Footer => footer_logo_w = lw + 2.0 * pad + 3.0,
            LogoPlace::Omitted => {}
        }
    }
    let title = ellipsize(m, f.title, title_size, true, title_right - inset);
    shapes.push(Shape::Text {
        x: inset,
        y: title_y,
        size: title_size,
        bold: true,
        colour: on_band,
        text: title,
        role: Role::Title,
        alt: None,
    });
    shapes.push(Shape::Text {
        x: inset,
        y: number_y,
        size: mt.small,
        bold: false,
        colour: on_band,
        text: f.number.clone(),
        role: Role::Number,
        alt: Some(f.number_alt.clone()),
    });
    // Footer: the COM-B label bottom left (when asked for) and a wide logo bottom right.
    let footer_y = h - inset;
    let label = f.label.as_deref().filter(|l| !l.is_empty());
    let mut footer_h: f32 = 0.0;
    if footer_logo_w > 0.0 {
        footer_h = LOGO_MIN_MM + 2.0 * pad;
    }
    if let Some(label) = label {
        footer_h = footer_h.max(mt.small / PT_PER_MM + 2.0);
        let text = ellipsize(m, label, mt.small, false, w - 2.0 * inset - footer_logo_w);
        shapes.push(Shape::Line {
            x1: inset,
            y1: footer_y - footer_h,
            x2: w - inset - footer_logo_w,
            y2: footer_y - footer_h,
            width_pt: 0.5,
            colour: Colour([0xc8, 0xc8, 0xc8]),
        });
        shapes.push(Shape::Text {
            x: inset,
            y: footer_y - 0.5,
            size: mt.small,
            bold: false,
            colour: muted(),
            text,
            role: Role::Label,
            alt: None,
        });
    }
    // The question, as large as fits, centred in the body.
    let body_top = band_bottom + 4.0;
    let body_bottom = if footer_h > 0.0 {
        footer_y - footer_h - 3.0
    } else {
        footer_y - 2.0
    };
    let body_w = w - 2.0 * inset - 2.0;
    let body_h = body_bottom - body_top;
    let Some((size, lines)) = m.fit(f.text, true, body_w, body_h, mt.max, mt.min) else {
        return Err(crate::tr!(
            "the text does not fit on the card, even at {pt} pt (the smallest readable size); shorten it",
            "de tekst past niet op de kaart, ook niet in {pt} pt (de kleinste leesbare letter); maak hem korter",
            pt = crate::util::decimal(f64::from(mt.min), 1)
        ));
    };
    let lh = line_height(size);
    let block = lh * lines.len() as f32;
    let ascent = size * 0.76 / PT_PER_MM;
    let y = body_top + (body_h - block) / 2.0 + ascent + (lh - size / PT_PER_MM) / 2.0;
    shapes.extend(centred_lines(m, lines, size, w, y, ink(), Role::Question));
    Ok(shapes)
}

/// Bold lines centred on a card `w` mm wide, the first baseline at `y`.
fn centred_lines(
    m: &Measure,
    lines: Vec<String>,
    size: f32,
    w: f32,
    y: f32,
    colour: Colour,
    role: Role,
) -> Vec<Shape> {
    let lh = line_height(size);
    lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| Shape::Text {
            x: (w - m.width(&line, size, true)) / 2.0,
            y: y + i as f32 * lh,
            size,
            bold: true,
            colour,
            text: line,
            role,
            alt: None,
        })
        .collect()
}

/// Lays out a card back: campaign colour, logo and title. All decoration for screen readers,
/// since the backs repeat.
pub fn back(
    m: &Measure,
    size: (f32, f32),
    title: &str,
    colour: Colour,
    logo: Option<&Logo>,
    frame: f32,
) -> Vec<Shape> {
    let (w, h) = size;
    let mt = metrics(w, h);
    let band = crate::outputs::band_colour(colour);
    let mut shapes = Vec::new();
    if frame > 0.0 {
        shapes.push(Shape::Rect {
            x: 0.0,
            y: 0.0,
            w,
            h,
            colour: Colour([255, 255, 255]),
        });
    }
    shapes.push(Shape::Rect {
        x: frame,
        y: frame,
        w: w - 2.0 * frame,
        h: h - 2.0 * frame,
        colour: band,
    });
    let mut y = h / 2.0;
    if let Some(logo) = logo {
        let max_w = w * 0.6;
        let max_h = h * 0.3;
        let scale = (max_w / logo.width as f32).min(max_h / logo.height as f32);
        let (lw, lh) = (logo.width as f32 * scale, logo.height as f32 * scale);
        let pad = 2.5;
        let ly = h / 2.0 - lh - 4.0;
        shapes.push(Shape::Rect {
            x: (w - lw) / 2.0 - pad,
            y: ly - pad,
            w: lw + 2.0 * pad,
            h: lh + 2.0 * pad,
            colour: Colour([255, 255, 255]),
        });
        shapes.push(Shape::Image {
            x: (w - lw) / 2.0,
            y: ly,
            w: lw,
            h: lh,
            logo: Box::new(logo.clone()),
            alt: String::new(),
        });
        y = h / 2.0 + 6.0;
    }
    let tsize = mt.max * 0.8;
    if let Some((size, lines)) = m.fit(
        title,
        true,
        w - 2.0 * inset(&mt, frame) - 4.0,
        h / 2.0 - inset(&mt, frame) - 8.0,
        tsize,
        MIN_TEXT_PT,
    ) {
        shapes.extend(centred_lines(
            m,
            lines,
            size,
            w,
            y + size / PT_PER_MM,
            band.text_on(),
            Role::Artifact,
        ));
    }
    shapes
}

/// `text`, cut with an ellipsis to fit `width` mm.
fn ellipsize(m: &Measure, text: &str, size: f32, bold: bool, width: f32) -> String {
    if m.width(text, size, bold) <= width {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    for n in (1..chars.len()).rev() {
        let s: String = chars[..n].iter().collect::<String>().trim_end().to_string() + "…";
        if m.width(&s, size, bold) <= width {
            return s;
        }
    }
    "…".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_word_boundaries_within_the_width() {
        let m = Measure::default();
        let lines = m
            .wrap(
                "Een sollicitant heeft een accent. Telt dat mee in je oordeel?",
                14.0,
                true,
                60.0,
            )
            .unwrap();
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(m.width(l, 14.0, true) <= 60.0, "{l}");
        }
        assert_eq!(
            lines.join(" "),
            "Een sollicitant heeft een accent. Telt dat mee in je oordeel?"
        );
    }

    #[test]
    fn shrinks_long_text_and_gives_up_below_the_minimum() {
        let m = Measure::default();
        let (big, _) = m.fit("Kort?", true, 80.0, 60.0, 22.0, 11.0).unwrap();
        let (small, _) = m
            .fit(
                &"Een veel langere vraag over gelijke kansen. ".repeat(4),
                true,
                80.0,
                60.0,
                22.0,
                11.0,
            )
            .unwrap();
        assert_eq!(big, 22.0);
        assert!(small < big);
        assert!(m
            .fit(&"woord ".repeat(400), true, 80.0, 60.0, 22.0, 11.0)
            .is_none());
    }

    #[test]
    fn knows_which_characters_the_font_lacks() {
        let m = Measure::default();
        assert!(m.missing("é ë ï ü ‘ ’ “ ” – ½").is_empty());
        assert_eq!(m.missing("日"), vec!['日']);
    }
}
