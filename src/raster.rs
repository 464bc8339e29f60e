//! SVG to PNG with resvg, with the embedded fonts loaded (resvg's font database starts empty,
//! and text then vanishes without an error).

use std::sync::{Arc, OnceLock};

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

fn parse(svg: &str) -> Result<usvg::Tree, String> {
    let opt = usvg::Options { fontdb: fontdb(), ..usvg::Options::default() };
    usvg::Tree::from_str(svg, &opt).map_err(|e| format!("the SVG cannot be read ({e})"))
}

/// Renders an SVG document to a PNG of `width` × `height` pixels.
pub fn svg_to_png(svg: &str, width: u32, height: u32) -> Result<Vec<u8>, String> {
    render(&parse(svg)?, width, height)
}

/// Like [`svg_to_png`], but first refuses text that would not be drawn: `Err(Ok(chars))` names
/// the characters, `Err(Err(why))` is any other failure. The SVG is parsed once for both.
pub fn svg_to_png_checked(svg: &str, width: u32, height: u32) -> Result<Vec<u8>, Result<Vec<char>, String>> {
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
    let transform = tiny_skia::Transform::from_scale(width as f32 / size.width(), height as f32 / size.height());
    resvg::render(tree, transform, &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| format!("cannot encode the PNG ({e})"))
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
