//! Card PDFs with krilla: tagged (PDF/UA-1, PDF/A-2a, validated at export), fonts subset and
//! embedded, Trim- and BleedBox set, a fixed date so the bytes repeat.

use krilla::color::rgb;
use krilla::configure::{Accessibility, Archival, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, Node, SpanTag, Tag, TagGroup, TagTree,
};
use krilla::text::Font;
use krilla::{Data, Document, SerializeSettings};

use super::layout::{Role, Shape, PT_PER_MM};
use crate::kit::{Colour, Lang, Moment};

/// Logos are embedded at this many pixels per inch of the size they are printed (or their own
/// size, when smaller): sharp lettering on any press (print shops ask 300 for photos), without
/// the cost and bulk of a logo of a thousand pixels shown 10 mm high.
pub const LOGO_PPI: f32 = 600.0;

/// Most bytes of embedded logos kept for the next PDFs.
const MAX_LOGO_BYTES: usize = 16 * 1024 * 1024;

/// `logo` as a PDF image for printing `h_mm` high, at [`LOGO_PPI`]: an SVG drawn at that size
/// from its file, a raster logo scaled down from its normalised copy (pixels go to the PDF as
/// they are, not through a PNG). Made once per logo and size for every PDF of the process (both
/// files of a deck, and every deck, embed the same image).
fn print_image(logo: &crate::kit::Logo, h_mm: f32) -> Result<Image, String> {
    use std::sync::OnceLock;
    type Images = crate::memo::Bounded<([u8; 32], u32, u32), Image>;
    static IMAGES: OnceLock<Images> = OnceLock::new();
    let scale = (h_mm / 25.4 * LOGO_PPI / logo.height.max(1) as f32).min(1.0);
    let (w, h) = if scale >= 1.0 {
        (logo.width, logo.height)
    } else {
        (
            ((logo.width as f32 * scale).ceil() as u32).max(1),
            ((logo.height as f32 * scale).ceil() as u32).max(1),
        )
    };
    IMAGES
        .get_or_init(|| crate::memo::Bounded::new(MAX_LOGO_BYTES))
        .get_or_make(
            (logo.digest, w, h),
            // Counted as one byte a pixel: about what the compressed image holds.
            |_| (w as usize) * (h as usize),
            || {
                if (w, h) == (logo.width, logo.height) {
                    return Image::from_png(Data::from(logo.pixels()?.png.clone()), false);
                }
                if let Some(drawn) = logo.svg_at(w, h) {
                    return Ok(Image::from_rgba8(drawn?.into_raw(), w, h));
                }
                let pixels = logo.pixels()?;
                let img = image::load_from_memory_with_format(&pixels.png, image::ImageFormat::Png)
                    .map_err(|e| e.to_string())?;
                // Area averaging: the downscale keeps every pixel's share.
                let rgba = img.thumbnail_exact(w, h).to_rgba8();
                Ok(Image::from_rgba8(rgba.into_raw(), w, h))
            },
        )
}

/// Document-wide settings.
#[derive(Clone)]
pub struct DocInfo<'a> {
    /// PDF title.
    pub title: String,
    /// Kit language.
    pub lang: Lang,
    /// The fixed creation date.
    pub date: Moment,
    /// Author (the campaign owner).
    pub author: &'a str,
    /// Every colour as DeviceCMYK (for a print shop); the file is then PDF/UA but not PDF/A,
    /// which would need a CMYK output profile.
    pub cmyk: bool,
}

/// The boxes of a print-shop page, in mm from the top-left corner: (x, y, width, height).
#[derive(Debug, Clone, Copy)]
pub struct Boxes {
    /// The finished card.
    pub trim: (f32, f32, f32, f32),
    /// The card with its bleed.
    pub bleed: (f32, f32, f32, f32),
}

/// One page: its size in mm, its print boxes, its shapes and outline entries.
pub struct PageSpec {
    /// Width and height in mm (the MediaBox).
    pub size: (f32, f32),
    /// TrimBox and BleedBox, for a print shop.
    pub boxes: Option<Boxes>,
    /// The cards on the page: each is a list of shapes already placed on the page. Each card
    /// becomes one section of the tag tree (if it has any content that is read).
    pub cards: Vec<Vec<Shape>>,
    /// Marks drawn last: crop marks and cut lines (artifacts).
    pub marks: Vec<Shape>,
    /// Outline entries: (title, y of the target in mm).
    pub outline: Vec<(String, f32)>,
}

struct Fonts {
    regular: Font,
    bold: Font,
    measure: crate::typeset::Measure,
}

fn colour(c: Colour, cmyk: bool) -> krilla::paint::Paint {
    if cmyk {
        let [cy, m, y, k] = to_cmyk(c);
        krilla::color::cmyk::Color::new(cy, m, y, k).into()
    } else {
        rgb::Color::new(c.0[0], c.0[1], c.0[2]).into()
    }
}

/// sRGB to CMYK as the PDF Reference (1.7, §10.3.4) defines the conversion from DeviceRGB to
/// DeviceCMYK: c = 1 − r, m = 1 − g, y = 1 − b, full black generation (k = min(c, m, y)) and
/// full undercolour removal. Not colour-managed: a print shop that needs a particular profile
/// converts from this, and grey and black come out as pure K.
pub fn to_cmyk(c: Colour) -> [u8; 4] {
    let [r, g, b] = c.0.map(|v| 255 - v);
    let k = r.min(g).min(b);
    [r - k, g - k, b - k, k]
}

fn mm(v: f32) -> f32 {
    v * PT_PER_MM
}

/// Renders the pages into a PDF. Errors are krilla's validation or export errors, in words.
pub fn render(
    info: &DocInfo<'_>,
    pages: &[PageSpec],
    cache: Option<&crate::cache::Cache>,
) -> Result<crate::cache::Drawn, String> {
    use sha2::Digest;
    let mut k = crate::memo::key("cards_pdf");
    k.update(info.title.as_bytes());
    k.update([0, info.lang as u8]);
    k.update(info.date.unix.to_le_bytes());
    k.update(info.date.offset_minutes.to_le_bytes());
    k.update(info.author.as_bytes());
    k.update([u8::from(info.cmyk)]);
    for p in pages {
        k.update(b"page");
        for v in [p.size.0, p.size.1] {
            k.update(v.to_le_bytes());
        }
        if let Some(b) = p.boxes {
            for v in [
                b.trim.0, b.trim.1, b.trim.2, b.trim.3, b.bleed.0, b.bleed.1, b.bleed.2, b.bleed.3,
            ] {
                k.update(v.to_le_bytes());
            }
        }
        for card in &p.cards {
            k.update(b"card");
            for shape in card {
                shape.feed(&mut k);
            }
        }
        k.update(b"marks");
        for shape in &p.marks {
            shape.feed(&mut k);
        }
        for (title, y) in &p.outline {
            k.update(title.as_bytes());
            k.update([0]);
            k.update(y.to_le_bytes());
        }
    }
    crate::memo::draw(cache, k, (0, 0), || render_uncached(info, pages))
}

fn render_uncached(info: &DocInfo<'_>, pages: &[PageSpec]) -> Result<Vec<u8>, String> {
    let configuration = if info.cmyk {
        ConfigurationBuilder::new().with_accessibility_validator(Accessibility::UA1)
    } else {
        ConfigurationBuilder::new()
            .with_accessibility_validator(Accessibility::UA1)
            .with_archival_validator(Archival::A2_A)
    }
    .finish()
    .map_err(|e| format!("{e:?}"))?;
    let settings = SerializeSettings {
        enable_tagging: true,
        configuration,
        ..SerializeSettings::default()
    };
    let mut doc = Document::new_with(settings);
    let (y, mo, d, h, mi, s) = info.date.local();
    let off = info.date.offset_minutes;
    let date = DateTime::new(y as u16)
        .month(mo as u8)
        .day(d as u8)
        .hour(h as u8)
        .minute(mi as u8)
        .second(s as u8)
        .utc_offset_hour((off / 60) as i8)
        .utc_offset_minute((off.abs() % 60) as u8);
    doc.set_metadata(
        Metadata::new()
            .title(info.title.clone())
            .language(info.lang.locale().to_string())
            .authors(vec![info.author.to_string()])
            .creator("partnerkit".to_string())
            .producer(format!("partnerkit {}", env!("CARGO_PKG_VERSION")))
            .creation_date(date),
    );
    let fonts = Fonts {
        regular: Font::new(Data::from(crate::typeset::fonts::REGULAR), 0)
            .ok_or("the embedded font cannot be read")?,
        bold: Font::new(Data::from(crate::typeset::fonts::BOLD), 0)
            .ok_or("the embedded font cannot be read")?,
        measure: crate::typeset::Measure::default(),
    };
    let mut tree = TagTree::new().with_lang(Some(info.lang.locale().to_string()));
    let mut outline = Outline::new();
    for (index, spec) in pages.iter().enumerate() {
        let (w, h) = spec.size;
        let mut settings = PageSettings::from_wh(mm(w), mm(h)).ok_or("a page has no size")?;
        if let Some(b) = spec.boxes {
            // Top-left origin, like everything drawn (krilla turns it into PDF's bottom-left).
            let rect = |(x, y, bw, bh): (f32, f32, f32, f32)| {
                Rect::from_xywh(mm(x), mm(y), mm(bw), mm(bh))
            };
            settings = settings
                .with_trim_box(rect(b.trim))
                .with_bleed_box(rect(b.bleed));
        }
        let mut page = doc.start_page_with(settings);
        let mut surface = page.surface();
        for card in &spec.cards {
            if let Some(group) = draw_card(&mut surface, &fonts, card, info.cmyk)? {
                tree.push(group);
            }
        }
        for shape in &spec.marks {
            surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(
                ArtifactType::Page,
            )));
            draw(&mut surface, &fonts, shape, info.cmyk)?;
            surface.end_tagged();
        }
        surface.finish();
        page.finish();
        for (title, y) in &spec.outline {
            outline.push_child(OutlineNode::new(
                title.clone(),
                XyzDestination::new(index, Point::from_xy(0.0, mm(*y))),
            ));
        }
    }
    doc.set_tag_tree(tree);
    doc.set_outline(outline);
    let bytes = doc.finish().map_err(|e| format!("{e:?}"))?;
    Ok(drop_suspects(bytes))
}

/// Blanks out `/Suspects false` in the catalog's `/MarkInfo`.
///
/// krilla writes `/MarkInfo <</Marked true /Suspects false>>`, which is valid PDF, but poppler
/// (22.x, what Debian ships and many print workflows use) reports "Syntax Error: Suspects
/// object is wrong type (boolean)" for every file. `/Suspects` is optional and defaults to
/// false, so the key is replaced by spaces of the same length: every byte offset in the cross-
/// reference table stays correct.
fn drop_suspects(mut bytes: Vec<u8>) -> Vec<u8> {
    const NEEDLE: &[u8] = b"/MarkInfo<</Marked true/Suspects false>>";
    const KEY: &[u8] = b"/Suspects false";
    if let Some(at) = bytes.windows(NEEDLE.len()).position(|w| w == NEEDLE) {
        let start = at + NEEDLE.len() - 2 - KEY.len();
        bytes[start..start + KEY.len()].fill(b' ');
    }
    bytes
}

fn draw_card(
    surface: &mut Surface<'_>,
    fonts: &Fonts,
    shapes: &[Shape],
    cmyk: bool,
) -> Result<Option<TagGroup>, String> {
    let mut title = Vec::new();
    let mut number = Vec::new();
    let mut question = Vec::new();
    let mut label = Vec::new();
    let mut figure: Option<(Identifier, String)> = None;
    for shape in shapes {
        let role = shape.role();
        let id = match (role, shape) {
            (Role::Artifact, _) => {
                surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(
                    ArtifactType::Layout,
                )));
                draw(surface, fonts, shape, cmyk)?;
                surface.end_tagged();
                continue;
            }
            (Role::Logo, Shape::Image { alt, .. }) if alt.is_empty() => {
                surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(
                    ArtifactType::Layout,
                )));
                draw(surface, fonts, shape, cmyk)?;
                surface.end_tagged();
                continue;
            }
            (Role::Logo, Shape::Image { alt, .. }) => {
                let id = surface.start_tagged(ContentTag::Other);
                draw(surface, fonts, shape, cmyk)?;
                surface.end_tagged();
                figure = Some((id, alt.clone()));
                continue;
            }
            (_, Shape::Text { alt, .. }) => {
                let span = SpanTag::empty().with_alt_text(alt.as_deref());
                let id = surface.start_tagged(ContentTag::Span(span));
                draw(surface, fonts, shape, cmyk)?;
                surface.end_tagged();
                id
            }
            _ => continue,
        };
        match role {
            Role::Title => title.push(id),
            Role::Number => number.push(id),
            Role::Question => question.push(id),
            Role::Label => label.push(id),
            Role::Artifact | Role::Logo => {}
        }
    }
    let mut children: Vec<Node> = Vec::new();
    for ids in [title, number, question, label] {
        if !ids.is_empty() {
            children.push(
                TagGroup::with_children(Tag::P, ids.into_iter().map(Node::from).collect()).into(),
            );
        }
    }
    if let Some((id, alt)) = figure {
        children.push(TagGroup::with_children(Tag::Figure(Some(alt)), vec![id.into()]).into());
    }
    if children.is_empty() {
        return Ok(None);
    }
    Ok(Some(TagGroup::with_children(Tag::Section, children)))
}

fn fill(c: Colour, cmyk: bool) -> Fill {
    Fill {
        paint: colour(c, cmyk),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

fn draw(surface: &mut Surface<'_>, fonts: &Fonts, shape: &Shape, cmyk: bool) -> Result<(), String> {
    match shape {
        Shape::Rect {
            x,
            y,
            w,
            h,
            colour: c,
        } => {
            let mut pb = PathBuilder::new();
            if let Some(r) = Rect::from_xywh(mm(*x), mm(*y), mm(*w), mm(*h)) {
                pb.push_rect(r);
            }
            if let Some(path) = pb.finish() {
                surface.set_fill(Some(fill(*c, cmyk)));
                surface.set_stroke(None);
                surface.draw_path(&path);
            }
        }
        Shape::Line {
            x1,
            y1,
            x2,
            y2,
            width_pt,
            colour: c,
        } => {
            let mut pb = PathBuilder::new();
            pb.move_to(mm(*x1), mm(*y1));
            pb.line_to(mm(*x2), mm(*y2));
            if let Some(path) = pb.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    paint: colour(*c, cmyk),
                    width: *width_pt,
                    ..Stroke::default()
                }));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
        Shape::Text {
            x,
            y,
            size,
            bold,
            colour: c,
            text,
            ..
        } => {
            surface.set_fill(Some(fill(*c, cmyk)));
            surface.set_stroke(None);
            let font = if *bold {
                fonts.bold.clone()
            } else {
                fonts.regular.clone()
            };
            // Shaped once per text (krilla's draw_text shapes every call, and every partner's
            // deck holds the same texts).
            let glyphs = fonts.measure.glyphs(text, *bold);
            surface.draw_glyphs(
                Point::from_xy(mm(*x), mm(*y)),
                glyphs.as_slice(),
                font,
                text,
                *size,
                false,
            );
        }
        Shape::Image {
            x, y, w, h, logo, ..
        } => {
            let image = print_image(logo, *h).map_err(|e| {
                crate::tr!(
                    "the logo `{path}` cannot be embedded ({e})",
                    "het logo `{path}` is niet in te sluiten ({e})",
                    path = logo.path,
                    e = e
                )
            })?;
            surface.push_transform(&Transform::from_translate(mm(*x), mm(*y)));
            if let Some(size) = Size::from_wh(mm(*w), mm(*h)) {
                surface.draw_image(image, size);
            }
            surface.pop();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logo(w: u32, h: u32) -> crate::kit::Logo {
        let img = image::DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
            w,
            h,
            image::Rgba([0, 85, 140, 255]),
        ));
        crate::kit::Logo::from_png("logo.png", crate::kit::png_fast(&img).unwrap()).unwrap()
    }

    /// A large logo printed 10 mm high is embedded at 600 ppi (237 px high), keeping its shape;
    /// a small one as it is; the same logo and size is one image for every PDF.
    #[test]
    fn logos_are_embedded_at_print_resolution() {
        let big = logo(1000, 400);
        let img = print_image(&big, 10.0).unwrap();
        assert_eq!(img.size(), (591, 237));
        let again = print_image(&big, 10.0).unwrap();
        assert_eq!(img, again);
        let small = logo(200, 80);
        assert_eq!(print_image(&small, 10.0).unwrap().size(), (200, 80));
    }
}
