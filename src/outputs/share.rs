//! Share images: one PNG per social statement and platform, in the platform's size.
//!
//! The layout is an SVG template (`templates/share.svg.hbs`, overridable per kit) filled by
//! Handlebars and rendered with resvg in the embedded font. partnerkit wraps and fits the quote
//! (the item's `quote`, or its title) with the same shaper family as the cards; colours come
//! from the partner colour, darkened where needed so the text reaches WCAG AA (4.5:1).

use serde::Serialize;

use crate::artifact::{Artifact, PackContext, RenderedItem};
use crate::diag::Diagnostic;
use crate::kit::Logo;
use crate::platforms::Platform;
use crate::typeset::Measure;

#[derive(Serialize)]
struct Line {
    x: f32,
    y: f32,
    text: String,
}

#[derive(Serialize)]
struct BoxView {
    x: f32,
    y: f32,
    width: f32,
    height: f32,
}

#[derive(Serialize)]
struct Bar {
    y: f32,
    height: f32,
    /// Only when there is a logo to stand on it: no empty white strip.
    shown: bool,
}

#[derive(Serialize)]
struct Placed {
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    href: String,
}

#[derive(Serialize)]
struct ShareView {
    width: u32,
    height: u32,
    background: String,
    foreground: String,
    bar_text: String,
    quote_box: BoxView,
    /// The decorative quote mark: only for a real quote (the item's `quote`), and not when the
    /// quote brings its own marks.
    quote_mark: bool,
    mark_y: f32,
    mark_size: f32,
    font_size: f32,
    lines: Vec<Line>,
    bar: Bar,
    partner_logo: Option<Placed>,
    campaign_logo: Option<Placed>,
    hashtag: Option<String>,
    hashtag_x: f32,
    hashtag_y: f32,
    hashtag_size: f32,
    /// The item's photo, cropped to `photo_box`, as a `data:` URI.
    photo: Option<String>,
    photo_box: BoxView,
}

/// The logo fitted in `max_w` × `max_h` at (`x`, `y`) (its right edge at `x` when `right`), on
/// whole pixels, with a copy scaled to exactly that size: drawn 1:1, the renderer copies it
/// instead of resampling it for every image.
fn place(
    logo: &Logo,
    (x, y): (f32, f32),
    (max_w, max_h): (f32, f32),
    right: bool,
    draw: bool,
) -> Placed {
    let scale = (max_w / logo.width as f32).min(max_h / logo.height as f32);
    let (w, h) = (
        (logo.width as f32 * scale).round().max(1.0),
        (logo.height as f32 * scale).round().max(1.0),
    );
    let x = if right { x - w } else { x };
    Placed {
        x: x.round(),
        y: (y + (max_h - h) / 2.0).round(),
        w,
        h,
        href: if draw {
            logo_at(logo, w as u32, h as u32)
        } else {
            String::new()
        },
    }
}

/// Most bytes of scaled logo copies kept (as `data:` URIs). Partners are built a few at a time,
/// so only the copies of the partners in flight are needed again.
const MAX_LOGO_COPIES: usize = 4 * 1024 * 1024;

/// `logo` scaled to `w` × `h` pixels as a PNG `data:` URI, made once per logo and size; the
/// logo as it is when scaling fails.
fn logo_at(logo: &Logo, w: u32, h: u32) -> String {
    use std::sync::{Arc, OnceLock};
    /// By (logo digest, width, height).
    type Copies = crate::memo::Bounded<([u8; 32], u32, u32), Arc<str>>;
    static COPIES: OnceLock<Copies> = OnceLock::new();
    let scaled = COPIES
        .get_or_init(|| crate::memo::Bounded::new(MAX_LOGO_COPIES))
        .get_or_make(
            (logo.digest, w, h),
            |uri| uri.len(),
            || {
                let img = image::load_from_memory_with_format(
                    &logo.pixels().map_err(|_| ())?.screen,
                    image::ImageFormat::Png,
                )
                .map_err(|_| ())?
                .thumbnail_exact(w, h);
                let png = crate::kit::png_fast(&img).map_err(|_| ())?;
                let uri = format!("data:image/png;base64,{}", crate::util::base64(&png));
                Ok::<Arc<str>, ()>(uri.into())
            },
        );
    match scaled {
        Ok(uri) => uri.to_string(),
        Err(()) => logo.data_uri().unwrap_or_default(),
    }
}

/// Starts the build cache's record of a pack's share images: then, for each image, the hash
/// of its inputs and the key of its drawing (32 bytes each).
const RECORDS: &[u8] = b"partnerkit share records 2\n";

/// What a pack's share images were drawn as: one entry of the build cache per pack, under a
/// hash of what the pack shares (a file per image would be a file more to create per image).
/// A rebuild takes each image whose inputs it lists without laying out its quote.
pub struct Records {
    /// The entry's key; `None` without a cache.
    key: Option<[u8; 32]>,
    /// What the previous build recorded: drawing by inputs.
    before: std::collections::HashMap<[u8; 32], [u8; 32]>,
    /// What this build took or drew, in order.
    now: Vec<([u8; 32], [u8; 32])>,
    /// Whether `now` is what the entry holds.
    same: bool,
}

impl Records {
    /// The pack's records from the build cache (none when there is no cache or no entry, or
    /// the entry is not a whole record).
    pub fn load(cx: &PackContext<'_>) -> Records {
        let key = cx
            .cache
            .filter(|_| cx.draw)
            .map(|_| crate::memo::inputs_key("share_records", &[&cx.inputs()]));
        let before = key
            .and_then(|k| cx.cache?.get(k))
            .and_then(|b| parse_records(&b))
            .unwrap_or_default();
        Records {
            key,
            before,
            now: Vec::new(),
            same: true,
        }
    }

    /// Notes that the image of `inputs` is `drawing`.
    fn note(&mut self, inputs: [u8; 32], drawing: [u8; 32]) {
        self.same &= self.before.get(&inputs) == Some(&drawing);
        self.now.push((inputs, drawing));
    }

    /// Keeps the records in the build cache when they changed (an image more, less or another).
    pub fn keep(self, cx: &PackContext<'_>) {
        let (Some(key), Some(cache)) = (self.key, cx.cache) else {
            return;
        };
        if self.same && self.now.len() == self.before.len() {
            return;
        }
        let mut bytes = RECORDS.to_vec();
        for (inputs, drawing) in &self.now {
            bytes.extend_from_slice(inputs);
            bytes.extend_from_slice(drawing);
        }
        cache.replace(key, &bytes);
    }
}

/// A pack's share records from their bytes; `None` unless they are whole.
fn parse_records(bytes: &[u8]) -> Option<std::collections::HashMap<[u8; 32], [u8; 32]>> {
    let rest = bytes.strip_prefix(RECORDS)?;
    if rest.len() % 64 != 0 {
        return None;
    }
    rest.chunks_exact(64)
        .map(|c| Some((c[..32].try_into().ok()?, c[32..].try_into().ok()?)))
        .collect()
}

/// The share image of `item` on `platform`: the drawing the pack's `records` name for the same
/// inputs, or laid out and drawn (and then noted in them).
pub fn render(
    cx: &PackContext<'_>,
    item: &RenderedItem<'_>,
    platform: &Platform,
    records: &mut Records,
) -> Result<Option<Artifact>, Diagnostic> {
    let Some(cache) = cx.cache.filter(|_| cx.draw) else {
        return draw(cx, item, platform);
    };
    // Everything the image is made from (the drawing engine is in every key): what the pack
    // shares (the campaign's colour, logo and hashtag, the partner's colour and logo, the kit's
    // own templates, …), the platform's size, the item's id, whether it has a quote of its own
    // and its photo (by the file's digest), and its words as filled in for the partner.
    let key = crate::memo::inputs_key(
        "share_record",
        &[
            &cx.inputs(),
            platform,
            &item.item.id,
            &item.item.quote.is_some(),
            &item.item.image,
            &item.quote,
        ],
    );
    let (w, h) = platform.image;
    let recorded = records
        .before
        .get(&key)
        .and_then(|&drawing| cache.find_file(drawing, (w, h)));
    if let Some(drawn) = recorded {
        cache.reused(1);
        records.note(key, drawn.key);
        return Ok(Some(artifact(cx, item, platform, drawn)));
    }
    let made = draw(cx, item, platform)?;
    if let Some(drawing) = made
        .as_ref()
        .filter(|a| a.meta.origin.is_some())
        .and_then(|a| a.meta.drawing)
    {
        records.note(key, drawing);
    }
    Ok(made)
}

/// [`render`], laid out and drawn.
fn draw(
    cx: &PackContext<'_>,
    item: &RenderedItem<'_>,
    platform: &Platform,
) -> Result<Option<Artifact>, Diagnostic> {
    let kit = cx.kit;
    let (w, h) = platform.image;
    let (wf, hf) = (w as f32, h as f32);
    let unit = wf.min(hf);
    let margin = unit * 0.075;
    let bar_h = (hf * 0.17).max(unit * 0.14);
    let background = super::band_colour(cx.partner.colour);
    let foreground = background.text_on();
    let hashtag_size = unit * 0.042;
    // With a photo, the photo takes one side (landscape sizes) or the top half (square and
    // portrait sizes) of the area above the logo bar, and the text the rest.
    let has_bar = cx.partner.logo.is_some() || kit.campaign.logo.is_some();
    let above_bar = if has_bar { hf - bar_h } else { hf };
    let (photo_box, text_area) = match &item.item.image {
        None => (None, (0.0, 0.0, wf, hf - bar_h)),
        Some(_) if wf > hf * 1.3 => {
            let pw = (wf * 0.42).round();
            (
                Some(BoxView {
                    x: 0.0,
                    y: 0.0,
                    width: pw,
                    height: above_bar.round(),
                }),
                (pw, 0.0, wf - pw, hf - bar_h),
            )
        }
        Some(_) => {
            let ph = ((hf - bar_h) * 0.5).round();
            (
                Some(BoxView {
                    x: 0.0,
                    y: 0.0,
                    width: wf,
                    height: ph,
                }),
                (0.0, ph, wf, hf - bar_h - ph),
            )
        }
    };
    let (tx, ty, tw, th) = text_area;
    let lead = unit * 0.09;
    let quote_box = BoxView {
        x: tx + margin,
        y: ty + margin + lead,
        width: tw - 2.0 * margin,
        height: th - 2.0 * margin - lead - hashtag_size * 2.0,
    };
    let m = Measure::default();
    let missing = m.missing(&item.quote);
    if !missing.is_empty() {
        return Err(Diagnostic::error(
            "share",
            crate::tr!(
                "the quote of `{item}` has characters the font lacks: {chars}",
                "het citaat van `{item}` heeft tekens die het lettertype mist: {chars}",
                item = item.item.id,
                chars = format!("{missing:?}")
            ),
        )
        .in_file(&item.item.file));
    }
    // Fit in pixels: Measure works in pt/mm, so measure at 1 pt and scale.
    let em = |text: &str| m.width(text, 1.0, true) * crate::typeset::PT_PER_MM;
    let (max, min) = (unit * 0.11, unit * 0.045);
    let mut size = max;
    let lines = loop {
        let max_lines = (quote_box.height / (size * 1.22)).floor().max(0.0) as usize;
        match wrap_px(&item.quote, size, quote_box.width, max_lines, &em) {
            Some(lines) => break lines,
            None if size > min => size = (size * 0.95).max(min),
            None => {
                let shown: String = item.quote.chars().take(60).collect();
                return Err(Diagnostic::error(
                    "share",
                    crate::tr!(
                        "the text on the share image of `{item}` for {platform} does not fit, even at the smallest type size: \"{shown}\"",
                        "de tekst op de deelafbeelding van `{item}` voor {platform} past niet, ook niet in de kleinste letter: \"{shown}\"",
                        item = item.item.id,
                        platform = platform.name,
                        shown = format!("{shown}{}", if item.quote.chars().count() > 60 { "…" } else { "" })
                    ),
                )
                .in_file(&item.item.file)
                .hint(crate::tr!(
                    "give the item a shorter `quote` (a share image holds a sentence or two), or shorten its title; very long words need a space",
                    "geef de tekst een korter `quote` (een deelafbeelding draagt een zin of twee), of maak de titel korter; heel lange woorden hebben een spatie nodig"
                )));
            }
        }
    };
    let pitch = size * 1.22;
    let block = pitch * lines.len() as f32;
    let top = quote_box.y + (quote_box.height - block) / 2.0 + size * 0.95;
    let lines = lines
        .into_iter()
        .enumerate()
        .map(|(i, text)| Line {
            x: quote_box.x,
            y: top + i as f32 * pitch,
            text,
        })
        .collect();
    let bar_y = hf - bar_h;
    let logo_h = bar_h * 0.62;
    let logo_y = bar_y + (bar_h - logo_h) / 2.0;
    // The built-in template's images are composed (see `composed`): no `data:` URIs needed.
    let own_template = kit.template_overrides.contains_key("share.svg.hbs");
    let hrefs = cx.draw && own_template;
    let partner_logo = cx
        .partner
        .logo
        .as_ref()
        .map(|l| place(l, (margin, logo_y), (wf * 0.3, logo_h), false, hrefs));
    let campaign_logo = kit
        .campaign
        .logo
        .as_ref()
        .map(|l| place(l, (wf - margin, logo_y), (wf * 0.3, logo_h), true, hrefs));
    let view = ShareView {
        width: w,
        height: h,
        background: background.hex(),
        foreground: foreground.hex(),
        bar_text: foreground.hex(),
        quote_mark: item.item.quote.is_some()
            && !item
                .quote
                .trim_start()
                .starts_with(['“', '"', '‘', '\'', '„', '«', '‹', '‚']),
        mark_y: ty + margin + unit * 0.16,
        mark_size: unit * 0.22,
        quote_box,
        font_size: size,
        lines,
        bar: Bar {
            y: bar_y,
            height: bar_h,
            shown: partner_logo.is_some() || campaign_logo.is_some(),
        },
        partner_logo,
        campaign_logo,
        hashtag: kit.campaign.hashtags.first().cloned(),
        hashtag_x: tx + margin,
        hashtag_y: bar_y - margin * 0.7,
        hashtag_size,
        photo: match (&item.item.image, &photo_box) {
            (Some(p), Some(b)) if cx.draw => Some(
                p.crop_uri(b.width as u32, b.height as u32)
                    .map_err(|why| {
                        Diagnostic::error(
                            "image",
                            crate::tr!(
                                "the photo of `{item}` cannot be cropped: {why}",
                                "de foto van `{item}` is niet bij te snijden: {why}",
                                item = item.item.id,
                                why = why
                            ),
                        )
                        .in_file(&item.item.file)
                    })?
                    .to_string(),
            ),
            _ => None,
        },
        photo_box: photo_box.unwrap_or(BoxView {
            x: 0.0,
            y: 0.0,
            width: 0.0,
            height: 0.0,
        }),
    };
    if !cx.draw {
        return Ok(None);
    }
    let png = if own_template {
        let svg = cx.pages.render(kit, "share.svg.hbs", &view)?;
        crate::raster::svg_to_png_checked(&svg, w, h, cx.cache)
    } else {
        composed(cx, view, background, foreground)?
    };
    let png = png.map_err(|e| match e {
        Ok(undrawable) => {
            let list: String = undrawable.iter().take(10).collect();
            Diagnostic::error("share", crate::tr!(
                "the share image template has text the embedded font cannot draw ({list}), so it would vanish from the image",
                "het sjabloon van de deelafbeelding heeft tekst die het ingebouwde lettertype niet kan tekenen ({list}), dus die zou van de afbeelding verdwijnen",
                list = list
            ))
                .in_file("templates/share.svg.hbs")
                .hint(crate::tr!(
                    "use font-family=\"{family}\" and characters of Latin, Greek or Cyrillic script",
                    "gebruik font-family=\"{family}\" en tekens uit het Latijnse, Griekse of Cyrillische schrift",
                    family = crate::typeset::fonts::FAMILY
                ))
        }
        Err(why) => Diagnostic::error(
            "share",
            crate::tr!(
                "cannot draw the share image of `{item}`: {why}",
                "de deelafbeelding van `{item}` is niet te tekenen: {why}",
                item = item.item.id,
                why = why
            ),
        )
        .in_file("templates/share.svg.hbs"),
    })?;
    Ok(Some(artifact(cx, item, platform, png)))
}

/// The share image of `item` on `platform` as a file of the pack, with its alt text.
fn artifact(
    cx: &PackContext<'_>,
    item: &RenderedItem<'_>,
    platform: &Platform,
    png: crate::cache::Drawn,
) -> Artifact {
    let kit = cx.kit;
    let mut meta = cx.item_meta("share-image", item.item);
    meta.platform = Some(platform.id);
    // The alt text says what a person sees: the photo (described by the kit) and the words drawn.
    let mut drawn = item.quote.clone();
    if let Some(tag) = kit.campaign.hashtags.first() {
        drawn.push(' ');
        drawn.push_str(tag);
    }
    meta.alt = Some(match &item.item.image_alt {
        Some(photo) => crate::tr!(
            "{photo}, with the words: {text}",
            "{photo}, met de tekst: {text}",
            photo = photo.trim_end_matches(['.', ' ']),
            text = drawn
        ),
        None => drawn,
    });
    let bytes = meta.take_drawn(png);
    Artifact {
        path: format!("social/{}.{}.png", item.item.id, platform.id),
        bytes,
        meta,
    }
}

/// The share image of the built-in template, composed from parts shared between partners:
/// the partner's colour, the texts (drawn once per text and size as a mask, painted in the
/// text colour), the item's photo (drawn once per size), the white bar and the logos (scaled
/// once per size). The texts and photo come from the template itself, drawn without the
/// partner's parts, so they are what the template draws; a test compares the result with the
/// whole template drawn at once.
fn composed(
    cx: &PackContext<'_>,
    mut view: ShareView,
    background: crate::typeset::Colour,
    foreground: crate::typeset::Colour,
) -> Result<Result<crate::cache::Drawn, Result<Vec<char>, String>>, Diagnostic> {
    use crate::compose::{Canvas, Layer, Mask};
    use sha2::{Digest, Sha256};
    let (w, h) = (view.width, view.height);
    let bar = (view.bar.y, view.bar.height, view.bar.shown);
    let logos: Vec<(&Logo, Placed)> = [
        (cx.partner.logo.as_ref(), view.partner_logo.take()),
        (cx.kit.campaign.logo.as_ref(), view.campaign_logo.take()),
    ]
    .into_iter()
    .filter_map(|(logo, placed)| Some((logo?, placed?)))
    .collect();
    let photo = view.photo.take();
    view.background = "none".into();
    view.foreground = "#000000".into();
    view.bar_text = "#000000".into();
    view.bar.shown = false;
    let texts = cx.pages.render(cx.kit, "share.svg.hbs", &view)?;
    let photo = match photo {
        Some(uri) => {
            view.lines.clear();
            view.quote_mark = false;
            view.hashtag = None;
            view.photo = Some(uri);
            Some(cx.pages.render(cx.kit, "share.svg.hbs", &view)?)
        }
        None => None,
    };
    let part_key = |kind: &[u8], svg: &str| -> [u8; 32] {
        let mut k = Sha256::new();
        k.update(kind);
        k.update(svg.as_bytes());
        k.update(w.to_le_bytes());
        k.update(h.to_le_bytes());
        k.finalize().into()
    };
    let mut key = crate::memo::key("share-composed");
    key.update(part_key(b"texts\0", &texts));
    key.update(
        photo
            .as_deref()
            .map(|p| part_key(b"photo\0", p))
            .unwrap_or_default(),
    );
    key.update(background.0);
    key.update(foreground.0);
    key.update(bar.0.to_le_bytes());
    key.update(bar.1.to_le_bytes());
    key.update([u8::from(bar.2)]);
    for (logo, at) in &logos {
        key.update(logo.digest);
        for v in [at.x, at.y, at.w, at.h] {
            key.update(v.to_le_bytes());
        }
    }
    Ok(crate::memo::draw(cx.cache, key, (w, h), || {
        let mut canvas = Canvas::new(w, h, background);
        if let Some(svg) = &photo {
            let layer = crate::compose::layer(part_key(b"photo\0", svg), || {
                crate::raster::svg_to_pixmap(svg, w, h).map(|p| Layer::cropped(&p))
            })
            .map_err(Err)?;
            canvas.over(&layer, (0, 0));
        }
        let mask = crate::compose::mask(part_key(b"texts\0", &texts), || {
            crate::raster::svg_to_pixmap_checked(&texts, w, h).map(|p| Mask::of(&p))
        })?;
        canvas.tint(&mask, foreground);
        if bar.2 {
            canvas.fill_rect(
                0.0,
                bar.0,
                w as f32,
                bar.1,
                crate::typeset::Colour([255; 3]),
            );
        }
        for (logo, at) in &logos {
            let pixels = crate::compose::logo(logo, at.w as u32, at.h as u32).map_err(Err)?;
            canvas.over(&pixels, (at.x as u32, at.y as u32));
        }
        canvas.png().map_err(Err)
    }))
}

/// Wraps `text` into lines at most `width` wide at `size`; `None` when that takes more than
/// `max_lines` lines or a single word is wider than the line. Stops as soon as it knows, so a
/// huge text costs no more than the lines that fit.
fn wrap_px(
    text: &str,
    size: f32,
    width: f32,
    max_lines: usize,
    em: &dyn Fn(&str) -> f32,
) -> Option<Vec<String>> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if word.len() > 400 {
            return None;
        }
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if em(&candidate) * size <= width {
            line = candidate;
        } else {
            if em(word) * size > width {
                return None;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                if lines.len() >= max_lines {
                    return None;
                }
            }
            line = word.to_string();
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    (lines.len() <= max_lines).then_some(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pack's records read back as written; a cut, a byte more or another tag is no record.
    #[test]
    fn share_records_read_back_whole_or_not_at_all() {
        let mut bytes = RECORDS.to_vec();
        for n in 0..3u8 {
            bytes.extend_from_slice(&[n; 32]);
            bytes.extend_from_slice(&[n + 100; 32]);
        }
        let read = parse_records(&bytes).unwrap();
        assert_eq!(read.len(), 3);
        assert_eq!(read[&[1; 32]], [101; 32]);
        assert_eq!(parse_records(RECORDS).unwrap().len(), 0);
        for cut in 0..bytes.len() {
            let whole = cut >= RECORDS.len() && (cut - RECORDS.len()).is_multiple_of(64);
            assert_eq!(
                parse_records(&bytes[..cut]).is_some(),
                whole,
                "cut at {cut}"
            );
        }
        let mut more = bytes.clone();
        more.push(0);
        assert!(parse_records(&more).is_none());
        let mut other = bytes.clone();
        other[0] ^= 1;
        assert!(parse_records(&other).is_none());
    }
}
