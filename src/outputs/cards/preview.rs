//! Card previews (PNG), drawn from the same display list as the PDFs, with the work shared
//! across partners: a card front differs between partners only in its band colour and logo, so
//! the rest (texts, rules, white areas) is drawn once per process as a transparent layer and
//! reused; each partner's band and logo are drawn on directly, in the list's order.
//!
//! A layer is found by a hash of its SVG and pixel size. The layers kept are bounded by
//! [`crate::compose::MAX_LAYER_BYTES`]; past that they are forgotten and drawn again.

use sha2::{Digest, Sha256};

use super::layout::Shape;
use crate::compose::{layer, Canvas, Layer};
use crate::kit::Colour;

/// Whether a shape is the partner's own: its band (or any area in its colour) or a logo.
fn partners_own(shape: &Shape, band: Colour) -> bool {
    match shape {
        Shape::Rect { colour, .. } => *colour == band,
        Shape::Image { .. } => true,
        _ => false,
    }
}

/// Draws `shapes` (a card of `size` mm) at `px_w` × `px_h` and encodes the PNG. `band` is the
/// partner's band colour. A card is opaque (its first shape is the white paper), so it is
/// composed in RGB, the form its PNG takes.
pub fn render(
    shapes: &[Shape],
    size: (f32, f32),
    px_w: u32,
    px_h: u32,
    band: Colour,
) -> Result<Vec<u8>, String> {
    if px_w == 0 || px_h == 0 {
        return Err("the preview has no size".into());
    }
    let mut canvas = Canvas::new(px_w, px_h, Colour([255, 255, 255]));
    let (sx, sy) = (px_w as f32 / size.0, px_h as f32 / size.1);
    let mut i = 0;
    while i < shapes.len() {
        if partners_own(&shapes[i], band) {
            draw_own(&mut canvas, &shapes[i], sx, sy)?;
            i += 1;
            continue;
        }
        let start = i;
        while i < shapes.len() && !partners_own(&shapes[i], band) {
            i += 1;
        }
        let svg = super::svg(&shapes[start..i], size);
        let mut key = Sha256::new();
        key.update(b"layer\0");
        key.update(svg.as_bytes());
        key.update(px_w.to_le_bytes());
        key.update(px_h.to_le_bytes());
        let shared = layer(key.finalize().into(), || {
            crate::raster::svg_to_pixmap(&svg, px_w, px_h).map(|p| Layer::cropped(&p))
        })?;
        canvas.over(&shared, (0, 0));
    }
    canvas.png()
}

/// Draws one of the partner's own shapes straight onto the canvas: a rectangle anti-aliased as
/// a renderer fills it, a logo scaled once per size and laid on whole pixels.
fn draw_own(canvas: &mut Canvas, shape: &Shape, sx: f32, sy: f32) -> Result<(), String> {
    match shape {
        Shape::Rect { x, y, w, h, colour } => {
            canvas.fill_rect(x * sx, y * sy, w * sx, h * sy, *colour);
        }
        Shape::Image {
            x, y, w, h, logo, ..
        } => {
            let (pw, ph) = (
                ((w * sx).round() as u32).max(1),
                ((h * sy).round() as u32).max(1),
            );
            let scaled = crate::compose::logo(logo, pw, ph)?;
            let at = (
                (x * sx).round().max(0.0) as u32,
                (y * sy).round().max(0.0) as u32,
            );
            canvas.over(&scaled, at);
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outputs::cards::layout::Role;

    fn text(colour: Colour) -> Shape {
        Shape::Text {
            x: 5.0,
            y: 30.0,
            size: 14.0,
            bold: true,
            colour,
            text: "Wat zou jij doen?".into(),
            role: Role::Question,
            alt: None,
        }
    }

    /// The composed preview looks like the whole card drawn at once: per channel, nearly every
    /// pixel within a few levels (edges of the band may round differently).
    #[test]
    fn composed_like_drawn_at_once() {
        let band = Colour([0x00, 0x55, 0x8c]);
        let shapes = vec![
            Shape::Rect {
                x: 0.0,
                y: 0.0,
                w: 74.0,
                h: 105.0,
                colour: Colour([255, 255, 255]),
            },
            Shape::Rect {
                x: 0.0,
                y: 0.0,
                w: 74.0,
                h: 17.3,
                colour: band,
            },
            text(Colour([255, 255, 255])),
            text(Colour([0x1a, 0x1a, 0x1a])),
        ];
        let (w, h) = (320, 454);
        let composed = render(&shapes, (74.0, 105.0), w, h, band).unwrap();
        let whole =
            crate::raster::svg_to_png(&super::super::svg(&shapes, (74.0, 105.0)), w, h, None)
                .unwrap();
        let a = image::load_from_memory(&composed).unwrap().to_rgba8();
        let b = image::load_from_memory(&whole).unwrap().to_rgba8();
        assert_eq!(a.dimensions(), b.dimensions());
        let off = a
            .pixels()
            .zip(b.pixels())
            .filter(|(p, q)| p.0.iter().zip(q.0).any(|(x, y)| x.abs_diff(y) > 3))
            .count();
        assert!(off * 1000 < (w * h) as usize, "{off} pixels differ");
        // The band is the partner's colour, the body white.
        assert_eq!(a.get_pixel(10, 10).0[..3], band.0);
        assert_eq!(a.get_pixel(10, 440).0[..3], [255, 255, 255]);
    }
}
