//! SVG to PNG with resvg, with the embedded fonts loaded (resvg's font database starts empty,
//! and text then vanishes without an error).

use std::sync::{Arc, Mutex, OnceLock};

use resvg::{tiny_skia, usvg};

fn fontdb() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        crate::fonts::load_into(&mut db);
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
/// Largest morphology radius and blur deviation, in user units.
pub const MAX_FILTER_RADIUS: f32 = 100.0;

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
                    note(&on_data, format!("an embedded image cannot be used: {why}"));
                    None
                }
            }
        }),
        resolve_string: Box::new(move |href: &str, _: &usvg::Options| {
            let shown: String = href.chars().take(80).collect();
            note(
                &on_string,
                format!(
                    "it refers to `{shown}` outside the SVG; partnerkit never reads other files or the network, so embed the image as a data: URI (PNG, JPEG or WebP)"
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
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Err("compressed SVG (svgz) is not accepted; save it as plain SVG".into());
    }
    let refused = Arc::new(Mutex::new(Vec::new()));
    let opt = safe_options(Arc::clone(&refused));
    let tree =
        usvg::Tree::from_data(bytes, &opt).map_err(|e| format!("the SVG cannot be read ({e})"))?;
    if let Some(why) = refused
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .first()
    {
        return Err(why.clone());
    }
    check_cost(&tree)?;
    Ok(tree)
}

fn parse(svg: &str) -> Result<usvg::Tree, String> {
    parse_untrusted(svg.as_bytes())
}

/// Refuses SVG whose drawing cost has no useful bound: too many nodes (thousands of `<use>`
/// copies), too many filters, or filters with huge parameters.
fn check_cost(tree: &usvg::Tree) -> Result<(), String> {
    struct Count {
        nodes: usize,
        filters: usize,
        problem: Option<String>,
    }
    fn walk(g: &usvg::Group, c: &mut Count) {
        if c.problem.is_some() {
            return;
        }
        if !g.filters().is_empty() {
            c.filters += 1;
            for f in g.filters() {
                for p in f.primitives() {
                    use usvg::filter::Kind;
                    let bad = match p.kind() {
                        Kind::Turbulence(t) if t.num_octaves() > MAX_TURBULENCE_OCTAVES => {
                            Some(format!("a turbulence filter with numOctaves={} (at most {MAX_TURBULENCE_OCTAVES})", t.num_octaves()))
                        }
                        Kind::Morphology(m) if m.radius_x().get().max(m.radius_y().get()) > MAX_FILTER_RADIUS => {
                            Some(format!("a morphology filter with radius {} (at most {MAX_FILTER_RADIUS})", m.radius_x().get().max(m.radius_y().get())))
                        }
                        Kind::GaussianBlur(b) if b.std_dev_x().get().max(b.std_dev_y().get()) > MAX_FILTER_RADIUS => {
                            Some(format!("a blur with stdDeviation {} (at most {MAX_FILTER_RADIUS})", b.std_dev_x().get().max(b.std_dev_y().get())))
                        }
                        Kind::DropShadow(b) if b.std_dev_x().get().max(b.std_dev_y().get()) > MAX_FILTER_RADIUS => {
                            Some(format!("a drop shadow with stdDeviation {} (at most {MAX_FILTER_RADIUS})", b.std_dev_x().get().max(b.std_dev_y().get())))
                        }
                        _ => None,
                    };
                    if let Some(what) = bad {
                        c.problem = Some(format!(
                            "the SVG uses {what}, which would take too long to draw"
                        ));
                        return;
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
    let mut c = Count {
        nodes: 0,
        filters: 0,
        problem: None,
    };
    walk(tree.root(), &mut c);
    if let Some(p) = c.problem {
        return Err(p);
    }
    if c.nodes > MAX_SVG_NODES {
        return Err(format!(
            "the SVG has {} elements once every <use> is expanded; the limit is {MAX_SVG_NODES}; simplify the drawing",
            c.nodes
        ));
    }
    if c.filters > MAX_SVG_FILTERS {
        return Err(format!(
            "the SVG applies filters {} times; the limit is {MAX_SVG_FILTERS}; simplify the drawing",
            c.filters
        ));
    }
    Ok(())
}

/// Renders an SVG document to a PNG of `width` × `height` pixels.
pub fn svg_to_png(svg: &str, width: u32, height: u32) -> Result<Vec<u8>, String> {
    render(&parse(svg)?, width, height)
}

/// Like [`svg_to_png`], but first refuses text that would not be drawn: `Err(Ok(chars))` names
/// the characters, `Err(Err(why))` is any other failure. The SVG is parsed once for both.
pub fn svg_to_png_checked(
    svg: &str,
    width: u32,
    height: u32,
) -> Result<Vec<u8>, Result<Vec<char>, String>> {
    let tree = parse(svg).map_err(Err)?;
    let undrawable = undrawable_in(&tree);
    if !undrawable.is_empty() {
        return Err(Ok(undrawable));
    }
    render(&tree, width, height).map_err(Err)
}

fn render(tree: &usvg::Tree, width: u32, height: u32) -> Result<Vec<u8>, String> {
    let mut pixmap = tiny_skia::Pixmap::new(width, height).ok_or("the image has no size")?;
    let size = tree.size();
    let transform = tiny_skia::Transform::from_scale(
        width as f32 / size.width(),
        height as f32 / size.height(),
    );
    resvg::render(tree, transform, &mut pixmap.as_mut());
    pixmap
        .encode_png()
        .map_err(|e| format!("cannot encode the PNG ({e})"))
}

/// The characters of an SVG's text that would not be drawn: text nodes resvg could not lay out
/// at all (no font: they vanish) and characters the embedded font has no glyph for (tofu).
fn undrawable_in(tree: &usvg::Tree) -> Vec<char> {
    let measure = crate::outputs::cards::layout::Measure::default();
    let mut out = Vec::new();
    fn walk(g: &usvg::Group, m: &crate::outputs::cards::layout::Measure, out: &mut Vec<char>) {
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
