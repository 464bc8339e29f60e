//! SVG to PNG with resvg, with the embedded fonts loaded (resvg's font database starts empty,
//! and text then vanishes without an error).

use std::sync::{Arc, Mutex, OnceLock};

use resvg::{tiny_skia, usvg};

fn fontdb() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        crate::typeset::fonts::load_into(&mut db);
        Arc::new(db)
    })
    .clone()
}

/// Most nodes an SVG may have once every `<use>` is expanded.
pub const MAX_SVG_NODES: usize = 20_000;
/// Most groups with a filter.
pub const MAX_SVG_FILTERS: usize = 64;
/// Largest `numOctaves` of a turbulence filter.
pub const MAX_TURBULENCE_OCTAVES: u32 = 8;
/// Largest morphology radius, in pixels as drawn.
pub const MAX_MORPHOLOGY_PX: f32 = 25.0;
/// The estimated time all filters of one SVG may take to draw, in seconds (see [`filter_cost`]).
pub const MAX_FILTER_SECONDS: f32 = 0.6;

/// Options that never reach the file system or the network: every `href` that is not a `data:`
/// URI is refused (and noted in `refused`); a `data:` image must be PNG, JPEG or WebP and pass
/// the same size and pixel limits as a logo file, checked from its header before decoding.
fn safe_options(refused: Arc<Mutex<Vec<String>>>) -> usvg::Options<'static> {
    let on_data = Arc::clone(&refused);
    let on_string = refused;
    let note = |list: &Mutex<Vec<String>>, why: String| {
        list.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(why);
    };
    let resolver = usvg::ImageHrefResolver {
        resolve_data: Box::new(move |_mime: &str, data: Arc<Vec<u8>>, _: &usvg::Options| {
            match crate::kit::check_raster(&data) {
                Ok((image::ImageFormat::Png, ..)) => Some(usvg::ImageKind::PNG(data)),
                Ok((image::ImageFormat::Jpeg, ..)) => Some(usvg::ImageKind::JPEG(data)),
                Ok((image::ImageFormat::WebP, ..)) => Some(usvg::ImageKind::WEBP(data)),
                Ok(_) => None,
                Err(why) => {
                    note(
                        &on_data,
                        crate::tr!(
                            "an embedded image cannot be used: {why}",
                            "een ingebedde afbeelding is niet te gebruiken: {why}",
                            why = why
                        ),
                    );
                    None
                }
            }
        }),
        resolve_string: Box::new(move |href: &str, _: &usvg::Options| {
            let shown: String = href.chars().take(80).collect();
            note(
                &on_string,
                crate::tr!(
                    "it refers to `{shown}` outside the SVG; partnerkit never reads other files or the network, so embed the image as a data: URI (PNG, JPEG or WebP)",
                    "het verwijst naar `{shown}` buiten de SVG; partnerkit leest nooit andere bestanden of het netwerk, dus sluit de afbeelding in als data:-URI (PNG, JPEG of WebP)",
                    shown = shown
                ),
            );
            None
        }),
    };
    usvg::Options {
        fontdb: fontdb(),
        resources_dir: None,
        image_href_resolver: resolver,
        ..usvg::Options::default()
    }
}

/// Parses an SVG from a kit (a logo, or a share image from the kit's own template): no outside
/// references, no compressed SVG, bounded nodes and filters. The error is in plain words.
pub fn parse_untrusted(bytes: &[u8]) -> Result<usvg::Tree, String> {
    parse_untrusted_at(bytes, None)
}

/// [`parse_untrusted`] for drawing at `px_per_unit` pixels per SVG unit (`None`: a logo, drawn
/// with its long side at [`crate::kit::MAX_LOGO_SIDE`] pixels).
pub fn parse_untrusted_at(bytes: &[u8], px_per_unit: Option<f32>) -> Result<usvg::Tree, String> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Err(crate::tr!(
            "compressed SVG (svgz) is not accepted; save it as plain SVG",
            "gecomprimeerde SVG (svgz) wordt niet aangenomen; sla hem op als gewone SVG"
        ));
    }
    let refused = Arc::new(Mutex::new(Vec::new()));
    let opt = safe_options(Arc::clone(&refused));
    let tree = usvg::Tree::from_data(bytes, &opt).map_err(|e| {
        crate::tr!(
            "the SVG cannot be read ({e})",
            "de SVG is niet te lezen ({e})",
            e = e
        )
    })?;
    if let Some(why) = refused
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .first()
    {
        return Err(why.clone());
    }
    let scale = px_per_unit.unwrap_or_else(|| {
        crate::kit::MAX_LOGO_SIDE as f32 / tree.size().width().max(tree.size().height())
    });
    check_cost(&tree, scale)?;
    Ok(tree)
}

fn parse(svg: &str) -> Result<usvg::Tree, String> {
    // Share images and card previews are SVG in pixels, drawn at their own size.
    parse_untrusted_at(svg.as_bytes(), Some(1.0))
}

/// Refuses SVG whose drawing cost has no useful bound: too many nodes (thousands of `<use>`
/// copies), too many filters, or filters that would take too long at the size they are drawn.
fn check_cost(tree: &usvg::Tree, px_per_unit: f32) -> Result<(), String> {
    struct Count {
        nodes: usize,
        filters: usize,
        seconds: f32,
        canvas_px: f32,
        scale: f32,
        problem: Option<String>,
    }
    fn walk(g: &usvg::Group, c: &mut Count) {
        if c.problem.is_some() {
            return;
        }
        if !g.filters().is_empty() {
            c.filters += 1;
            let t = g.abs_transform();
            let det = (t.sx * t.sy - t.kx * t.ky).abs() * c.scale * c.scale;
            let px_scale = det.sqrt();
            for f in g.filters() {
                let region_px = (f.rect().width() * f.rect().height() * det)
                    .min(c.canvas_px)
                    .max(1.0);
                for p in f.primitives() {
                    match filter_cost(p.kind(), px_scale) {
                        Ok(per_mpx) => c.seconds += per_mpx * region_px / 1e6,
                        Err(what) => {
                            c.problem = Some(crate::tr!(
                                "the SVG uses {what}, which would take too long to draw",
                                "de SVG gebruikt {what}; dat kost te veel tijd om te tekenen",
                                what = what
                            ));
                            return;
                        }
                    }
                }
            }
        }
        for n in g.children() {
            c.nodes += 1;
            if let usvg::Node::Group(child) = n {
                walk(child, c);
            }
            n.subroots(|sub| walk(sub, c));
        }
    }
    let size = tree.size();
    let canvas_px = size.width() * size.height() * px_per_unit * px_per_unit * 1.5;
    let mut c = Count {
        nodes: 0,
        filters: 0,
        seconds: 0.0,
        canvas_px,
        scale: px_per_unit,
        problem: None,
    };
    walk(tree.root(), &mut c);
    if let Some(p) = c.problem {
        return Err(p);
    }
    if c.nodes > MAX_SVG_NODES {
        return Err(crate::tr!(
            "the SVG has {n} elements once every <use> is expanded; the limit is {max}; simplify the drawing",
            "de SVG heeft {n} elementen als elke <use> is uitgeschreven; de grens is {max}; maak de tekening eenvoudiger",
            n = c.nodes,
            max = MAX_SVG_NODES
        ));
    }
    if c.filters > MAX_SVG_FILTERS {
        return Err(crate::tr!(
            "the SVG applies filters {n} times; the limit is {max}; simplify the drawing",
            "de SVG past {n} keer een filter toe; de grens is {max}; maak de tekening eenvoudiger",
            n = c.filters,
            max = MAX_SVG_FILTERS
        ));
    }
    if c.seconds > MAX_FILTER_SECONDS {
        return Err(crate::tr!(
            "the SVG's filter effects (blur, shadow, texture; {n} in all) would take about {s} s to draw; the limit is {max} s; use fewer or smaller filter effects, or export the logo as PNG",
            "de filtereffecten van de SVG (vervaging, schaduw, textuur; {n} in totaal) kosten ongeveer {s} s om te tekenen; de grens is {max} s; gebruik minder of kleinere effecten, of exporteer het logo als PNG",
            n = c.filters,
            s = crate::util::decimal(f64::from(c.seconds), 1),
            max = crate::util::decimal(f64::from(MAX_FILTER_SECONDS), 1)
        ));
    }
    Ok(())
}

/// The time a filter primitive takes per million pixels of its region, in seconds, as measured
/// with resvg on one core of the build machine (blur 0.25 s, turbulence 0.2 s an octave, …);
/// `Err` for parameters that are refused outright.
fn filter_cost(kind: &usvg::filter::Kind, px_scale: f32) -> Result<f32, String> {
    use usvg::filter::Kind;
    Ok(match kind {
        Kind::GaussianBlur(_) | Kind::DropShadow(_) => 0.3,
        Kind::Turbulence(t) => {
            if t.num_octaves() > MAX_TURBULENCE_OCTAVES {
                return Err(crate::tr!(
                    "a turbulence filter with numOctaves={n} (at most {max})",
                    "een turbulentiefilter met numOctaves={n} (hoogstens {max})",
                    n = t.num_octaves(),
                    max = MAX_TURBULENCE_OCTAVES
                ));
            }
            0.25 * t.num_octaves().max(1) as f32
        }
        Kind::Morphology(m) => {
            let r = m.radius_x().get().max(m.radius_y().get()) * px_scale;
            if r > MAX_MORPHOLOGY_PX {
                return Err(crate::tr!(
                    "a morphology filter with radius {radius} ({px} pixels as drawn; at most {max})",
                    "een morfologiefilter met straal {radius} ({px} pixels getekend; hoogstens {max})",
                    radius = m.radius_x().get().max(m.radius_y().get()),
                    px = format!("{r:.0}"),
                    max = MAX_MORPHOLOGY_PX
                ));
            }
            0.07 * r.max(1.0)
        }
        Kind::ConvolveMatrix(m) => 0.015 * (m.matrix().columns() * m.matrix().rows()) as f32,
        Kind::DiffuseLighting(_) | Kind::SpecularLighting(_) => 0.05,
        _ => 0.03,
    })
}

/// Renders an SVG document to a PNG of `width` × `height` pixels.
pub fn svg_to_png(
    svg: &str,
    width: u32,
    height: u32,
    cache: Option<&crate::cache::Cache>,
) -> Result<Vec<u8>, String> {
    use sha2::Digest;
    let mut k = crate::memo::key("svg_to_png");
    k.update(svg.as_bytes());
    k.update(width.to_le_bytes());
    k.update(height.to_le_bytes());
    crate::memo::get_or_render(cache, k, || render(&parse(svg)?, width, height))
}

/// Like [`svg_to_png`], but first refuses text that would not be drawn: `Err(Ok(chars))` names
/// the characters, `Err(Err(why))` is any other failure. The SVG is parsed once for both.
pub fn svg_to_png_checked(
    svg: &str,
    width: u32,
    height: u32,
    cache: Option<&crate::cache::Cache>,
) -> Result<crate::cache::Drawn, Result<Vec<char>, String>> {
    use sha2::Digest;
    let mut k = crate::memo::key("svg_to_png_checked");
    k.update(svg.as_bytes());
    k.update(width.to_le_bytes());
    k.update(height.to_le_bytes());
    crate::memo::draw(cache, k, (width, height), || {
        encode_png(svg_to_pixmap_checked(svg, width, height)?).map_err(Err)
    })
}

/// The pixels of [`svg_to_png_checked`], not encoded and not kept: for layers that are
/// composed into pictures.
pub fn svg_to_pixmap_checked(
    svg: &str,
    width: u32,
    height: u32,
) -> Result<tiny_skia::Pixmap, Result<Vec<char>, String>> {
    let tree = parse(svg).map_err(Err)?;
    let undrawable = undrawable_in(&tree);
    if !undrawable.is_empty() {
        return Err(Ok(undrawable));
    }
    draw(&tree, width, height).map_err(Err)
}

/// Draws a trusted SVG (one partnerkit wrote) onto a transparent pixmap of `width` × `height`.
pub fn svg_to_pixmap(svg: &str, width: u32, height: u32) -> Result<tiny_skia::Pixmap, String> {
    draw(&parse(svg)?, width, height)
}

fn render(tree: &usvg::Tree, width: u32, height: u32) -> Result<Vec<u8>, String> {
    encode_png(draw(tree, width, height)?)
}

fn draw(tree: &usvg::Tree, width: u32, height: u32) -> Result<tiny_skia::Pixmap, String> {
    let mut pixmap = tiny_skia::Pixmap::new(width, height).ok_or("the image has no size")?;
    let size = tree.size();
    let transform = tiny_skia::Transform::from_scale(
        width as f32 / size.width(),
        height as f32 / size.height(),
    );
    resvg::render(tree, transform, &mut pixmap.as_mut());
    Ok(pixmap)
}

/// A pixmap as a PNG: RGB when every pixel is opaque (share images and card previews are),
/// with the png crate's fastest setting (see [`encode_rgb`]).
pub fn encode_png(pixmap: tiny_skia::Pixmap) -> Result<Vec<u8>, String> {
    let (w, h) = (pixmap.width(), pixmap.height());
    // Opaque premultiplied pixels are their own straight values: no pass to demultiply. Four
    // pixels at a time, which the compiler turns into vector shuffles.
    let px = pixmap.data();
    let opaque = px.chunks_exact(4).fold(255u8, |all, p| all & p[3]) == 255;
    if !opaque {
        return encode(w, h, &pixmap.take_demultiplied(), png::ColorType::Rgba);
    }
    let mut rgb = vec![0u8; px.len() / 4 * 3];
    let (whole, rest) = px.split_at(px.len() / 16 * 16);
    let (into, into_rest) = rgb.split_at_mut(whole.len() / 16 * 12);
    for (d, s) in into.chunks_exact_mut(12).zip(whole.chunks_exact(16)) {
        let s: &[u8; 16] = s.try_into().expect("16 bytes");
        let d: &mut [u8; 12] = d.try_into().expect("12 bytes");
        *d = [
            s[0], s[1], s[2], s[4], s[5], s[6], s[8], s[9], s[10], s[12], s[13], s[14],
        ];
    }
    for (d, s) in into_rest.chunks_exact_mut(3).zip(rest.chunks_exact(4)) {
        d.copy_from_slice(&s[..3]);
    }
    encode_rgb(w, h, &rgb)
}

/// Opaque RGB pixels as a PNG, with the png crate's fastest setting (fdeflate's ultra-fast
/// mode and the Up filter, which the crate pairs for speed). Deflating was the largest cost of
/// a build; this is several times faster than the default level, for files somewhat larger.
pub fn encode_rgb(w: u32, h: u32, rgb: &[u8]) -> Result<Vec<u8>, String> {
    encode(w, h, rgb, png::ColorType::Rgb)
}

fn encode(w: u32, h: u32, data: &[u8], colour: png::ColorType) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(colour);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fastest);
    let err = |e: png::EncodingError| format!("cannot encode the PNG ({e})");
    let mut writer = enc.write_header().map_err(err)?;
    writer.write_image_data(data).map_err(err)?;
    writer.finish().map_err(err)?;
    Ok(out)
}

/// The characters of an SVG's text that would not be drawn: text nodes resvg could not lay out
/// at all (no font: they vanish) and characters the embedded font has no glyph for (tofu).
fn undrawable_in(tree: &usvg::Tree) -> Vec<char> {
    let measure = crate::typeset::Measure::default();
    let mut out = Vec::new();
    fn walk(g: &usvg::Group, m: &crate::typeset::Measure, out: &mut Vec<char>) {
        for n in g.children() {
            match n {
                usvg::Node::Group(g) => walk(g, m, out),
                usvg::Node::Text(t) => {
                    let text: String = t.chunks().iter().map(|c| c.text()).collect();
                    if t.flattened().children().is_empty() && !text.trim().is_empty() {
                        out.extend(text.chars().filter(|c| !c.is_whitespace()));
                    } else {
                        out.extend(m.missing(&text));
                    }
                }
                _ => {}
            }
        }
    }
    walk(tree.root(), &measure, &mut out);
    out.dedup();
    out
}
