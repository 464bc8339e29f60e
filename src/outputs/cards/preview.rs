//! Card previews (PNG), drawn from the same display list as the PDFs, with the work shared
//! across partners: a card front differs between partners only in its band colour and logo, so
//! the rest (texts, rules, white areas) is drawn once per process as a transparent layer and
//! reused; each partner's band and logo are drawn on directly, in the list's order.
//!
//! A layer is found by a hash of its SVG and pixel size. The layers kept are bounded by
//! [`MAX_LAYER_BYTES`]; past that they are forgotten and drawn again.

use std::sync::{Arc, OnceLock};

use resvg::tiny_skia;
use sha2::{Digest, Sha256};

use super::layout::Shape;
use crate::kit::{Colour, Logo};
use crate::memo::Bounded;

/// Most bytes of layers (and scaled logos) kept.
pub const MAX_LAYER_BYTES: usize = 48 * 1024 * 1024;

/// A drawn layer, cropped to the pixels it covers: `pixmap` goes at (`x`, `y`).
struct Layer {
    x: u32,
    y: u32,
    pixmap: tiny_skia::Pixmap,
}

impl Layer {
    /// `full` cropped to its non-transparent pixels (a layer holds texts and rules, a fraction
    /// of the card).
    fn cropped(full: tiny_skia::Pixmap) -> Layer {
        let (w, h) = (full.width(), full.height());
        let alpha = |x: u32, y: u32| full.data()[((y * w + x) * 4 + 3) as usize];
        let rows: Vec<u32> = (0..h)
            .filter(|&y| (0..w).any(|x| alpha(x, y) > 0))
            .collect();
        let (Some(&y0), Some(&y1)) = (rows.first(), rows.last()) else {
            return Layer {
                x: 0,
                y: 0,
                pixmap: tiny_skia::Pixmap::new(1, 1).expect("1 × 1"),
            };
        };
        let cols: Vec<u32> = (0..w)
            .filter(|&x| (y0..=y1).any(|y| alpha(x, y) > 0))
            .collect();
        let (x0, x1) = (cols[0], cols[cols.len() - 1]);
        let rect = tiny_skia::IntRect::from_xywh(x0 as i32, y0 as i32, x1 - x0 + 1, y1 - y0 + 1)
            .expect("a non-empty rectangle inside the pixmap");
        Layer {
            x: x0,
            y: y0,
            pixmap: full.clone_rect(rect).expect("inside the pixmap"),
        }
    }
}

/// The layer (or scaled logo) for `key`, kept or made by `make`.
fn layer(
    key: [u8; 32],
    make: impl FnOnce() -> Result<Layer, String>,
) -> Result<Arc<Layer>, String> {
    static LAYERS: OnceLock<Bounded<[u8; 32], Arc<Layer>>> = OnceLock::new();
    LAYERS
        .get_or_init(|| Bounded::new(MAX_LAYER_BYTES))
        .get_or_make(key, |l| l.pixmap.data().len(), || make().map(Arc::new))
}

/// Whether a shape is the partner's own: its band (or any area in its colour) or a logo.
fn partners_own(shape: &Shape, band: Colour) -> bool {
    match shape {
        Shape::Rect { colour, .. } => *colour == band,
        Shape::Image { .. } => true,
        _ => false,
    }
}

/// Draws `shapes` (a card of `size` mm) at `px_w` × `px_h` and encodes the PNG. `band` is the
/// partner's band colour.
pub fn render(
    shapes: &[Shape],
    size: (f32, f32),
    px_w: u32,
    px_h: u32,
    band: Colour,
) -> Result<Vec<u8>, String> {
    let mut pixmap = tiny_skia::Pixmap::new(px_w, px_h).ok_or("the preview has no size")?;
    let (sx, sy) = (px_w as f32 / size.0, px_h as f32 / size.1);
    let mut i = 0;
    while i < shapes.len() {
        if partners_own(&shapes[i], band) {
            draw_own(&mut pixmap, &shapes[i], sx, sy)?;
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
            crate::raster::svg_to_pixmap(&svg, px_w, px_h).map(Layer::cropped)
        })?;
        over(&mut pixmap, &shared);
    }
    crate::raster::encode_png(pixmap)
}

/// Lays `top` over `dst` (both premultiplied): source-over, in integers. A layer is mostly
/// empty (only its texts and rules are drawn), so most pixels are skipped.
fn over(dst: &mut tiny_skia::Pixmap, top: &Layer) {
    let dw = dst.width() as usize;
    let tw = top.pixmap.width() as usize;
    let (x0, y0) = (top.x as usize, top.y as usize);
    let data = dst.data_mut();
    for (row, src) in top.pixmap.data().chunks_exact(tw * 4).enumerate() {
        let start = ((y0 + row) * dw + x0) * 4;
        let Some(dst_row) = data.get_mut(start..start + tw * 4) else {
            break;
        };
        blend_row(dst_row, src);
    }
}

fn blend_row(dst: &mut [u8], src: &[u8]) {
    for (d, s) in dst.chunks_exact_mut(4).zip(src.chunks_exact(4)) {
        match s[3] {
            0 => {}
            255 => d.copy_from_slice(s),
            a => {
                let keep = 255 - u16::from(a);
                for c in 0..4 {
                    // s + d × (255 − a) / 255, rounded; never above 255 for premultiplied pixels.
                    let v = u16::from(d[c]) * keep + 127;
                    d[c] = s[c].saturating_add(((v + (v >> 8)) >> 8) as u8);
                }
            }
        }
    }
}

/// Draws one of the partner's own shapes straight onto the pixmap.
fn draw_own(pixmap: &mut tiny_skia::Pixmap, shape: &Shape, sx: f32, sy: f32) -> Result<(), String> {
    match shape {
        Shape::Rect { x, y, w, h, colour } => {
            // As a path, anti-aliased, as resvg fills an SVG rect.
            if let Some(rect) = tiny_skia::Rect::from_xywh(x * sx, y * sy, w * sx, h * sy) {
                let mut paint = tiny_skia::Paint::default();
                paint.set_color_rgba8(colour.0[0], colour.0[1], colour.0[2], 255);
                paint.anti_alias = true;
                pixmap.fill_path(
                    &tiny_skia::PathBuilder::from_rect(rect),
                    &paint,
                    tiny_skia::FillRule::Winding,
                    tiny_skia::Transform::identity(),
                    None,
                );
            }
        }
        Shape::Image {
            x, y, w, h, logo, ..
        } => {
            let (pw, ph) = (
                ((w * sx).round() as u32).max(1),
                ((h * sy).round() as u32).max(1),
            );
            let scaled = scaled_logo(logo, pw, ph)?;
            pixmap.draw_pixmap(
                0,
                0,
                scaled.pixmap.as_ref(),
                &tiny_skia::PixmapPaint {
                    quality: tiny_skia::FilterQuality::Bilinear,
                    ..Default::default()
                },
                tiny_skia::Transform::from_translate(x * sx, y * sy),
                None,
            );
        }
        _ => {}
    }
    Ok(())
}

/// The logo at `w` × `h` pixels, premultiplied, made once per logo and size.
fn scaled_logo(logo: &Logo, w: u32, h: u32) -> Result<Arc<Layer>, String> {
    let mut key = Sha256::new();
    key.update(b"logo\0");
    key.update(logo.digest);
    key.update(w.to_le_bytes());
    key.update(h.to_le_bytes());
    layer(key.finalize().into(), || {
        let img = image::load_from_memory_with_format(&logo.screen, image::ImageFormat::Png)
            .map_err(|e| e.to_string())?
            .thumbnail_exact(w, h)
            .to_rgba8();
        let mut p = tiny_skia::Pixmap::new(w, h).ok_or("the logo has no size")?;
        for (dst, src) in p.pixels_mut().iter_mut().zip(img.pixels()) {
            let [r, g, b, a] = src.0;
            *dst = tiny_skia::ColorU8::from_rgba(r, g, b, a).premultiply();
        }
        Ok(Layer {
            x: 0,
            y: 0,
            pixmap: p,
        })
    })
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
