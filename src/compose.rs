//! Pictures composed from parts drawn once and shared between partners.
//!
//! A card preview or share image differs between partners only in a colour and a logo. The
//! rest (texts, rules, a photo) is drawn once per process as a [`Layer`] (premultiplied RGBA)
//! or a [`Mask`] (coverage only, for text in one colour), cropped to the pixels it covers and
//! kept in a bounded memo; each partner's colour and logo are laid on with the few integer
//! operations below. Composing a picture this way costs a fraction of drawing it.

use std::sync::{Arc, OnceLock};

use resvg::tiny_skia;

use crate::kit::{Colour, Logo};
use crate::memo::Bounded;

/// Most bytes of layers kept.
pub const MAX_LAYER_BYTES: usize = 48 * 1024 * 1024;

/// Most bytes of masks kept.
pub const MAX_MASK_BYTES: usize = 24 * 1024 * 1024;

/// `v / 255`, rounded, for `v` up to 255 × 255.
fn div255(v: u32) -> u32 {
    let v = v + 128;
    (v + (v >> 8)) >> 8
}

/// `colour` at `a` / 255 over the RGB pixel `d`.
fn mix(d: &mut [u8], colour: Colour, a: u32) {
    for (d, c) in d.iter_mut().zip(colour.0) {
        *d = div255(u32::from(c) * a + u32::from(*d) * (255 - a)) as u8;
    }
}

/// The smallest rectangle (x0, y0, x1, y1; inclusive) holding every pixel of `full` whose
/// alpha is not 0, or `None` when all are transparent.
fn covered(full: &tiny_skia::Pixmap) -> Option<(u32, u32, u32, u32)> {
    let w = full.width() as usize;
    let rows: Vec<&[u8]> = full.data().chunks_exact(w * 4).collect();
    let inked = |row: &[u8]| row.chunks_exact(4).any(|p| p[3] > 0);
    let y0 = rows.iter().position(|r| inked(r))?;
    let y1 = rows.iter().rposition(|r| inked(r))?;
    let (mut x0, mut x1) = (w, 0);
    for row in &rows[y0..=y1] {
        for (x, p) in row.chunks_exact(4).enumerate() {
            if p[3] > 0 {
                x0 = x0.min(x);
                x1 = x1.max(x);
            }
        }
    }
    Some((x0 as u32, y0 as u32, x1 as u32, y1 as u32))
}

/// A drawn layer, cropped to the pixels it covers: its premultiplied colour as RGB, and how
/// much of each pixel it covers as a [`Mask`] (which also says where it goes). Opaque runs are
/// copied onto a canvas as they are; only the rest (edges of text, translucent parts) is
/// blended.
pub struct Layer {
    rgb: Vec<u8>,
    cover: Mask,
}

/// The runs of visible pixels in rows of alpha values: opaque runs (255) and partly
/// transparent ones; transparent pixels are left out.
fn runs<R: Iterator<Item = u8>>(rows: impl Iterator<Item = R>) -> Vec<Span> {
    let mut spans = Vec::new();
    for (row, alpha) in rows.enumerate() {
        // (class of the current run, where it started): 0 transparent, 1 partly, 2 opaque.
        let mut current = (0u8, 0u32);
        let mut end = 0u32;
        for (i, a) in alpha.enumerate() {
            let class = match a {
                0 => 0,
                255 => 2,
                _ => 1,
            };
            if class != current.0 {
                if current.0 > 0 {
                    spans.push(Span {
                        row: row as u32,
                        x0: current.1,
                        x1: i as u32,
                        opaque: current.0 == 2,
                    });
                }
                current = (class, i as u32);
            }
            end = i as u32 + 1;
        }
        if current.0 > 0 {
            spans.push(Span {
                row: row as u32,
                x0: current.1,
                x1: end,
                opaque: current.0 == 2,
            });
        }
    }
    spans
}

/// A run of pixels of one row of a layer: `x0..x1`, all opaque or all partly transparent.
struct Span {
    row: u32,
    x0: u32,
    x1: u32,
    opaque: bool,
}

impl Layer {
    /// `pixmap` (premultiplied) at (`x`, `y`).
    pub fn new(x: u32, y: u32, pixmap: &tiny_skia::Pixmap) -> Layer {
        let px = pixmap.data();
        Layer {
            rgb: px
                .chunks_exact(4)
                .flat_map(|p| [p[0], p[1], p[2]])
                .collect(),
            cover: Mask::new(
                x,
                y,
                pixmap.width(),
                px.chunks_exact(4).map(|p| p[3]).collect(),
            ),
        }
    }

    /// `full` cropped to its non-transparent pixels.
    pub fn cropped(full: &tiny_skia::Pixmap) -> Layer {
        let Some((x0, y0, x1, y1)) = covered(full) else {
            return Layer {
                rgb: Vec::new(),
                cover: Mask::new(0, 0, 0, Vec::new()),
            };
        };
        let rect = tiny_skia::IntRect::from_xywh(x0 as i32, y0 as i32, x1 - x0 + 1, y1 - y0 + 1)
            .expect("a non-empty rectangle inside the pixmap");
        Layer::new(x0, y0, &full.clone_rect(rect).expect("inside the pixmap"))
    }

    /// Bytes held.
    fn bytes(&self) -> usize {
        self.rgb.len() + self.cover.bytes()
    }
}

/// The layer for `key`, kept or made by `make`.
pub fn layer(
    key: [u8; 32],
    make: impl FnOnce() -> Result<Layer, String>,
) -> Result<Arc<Layer>, String> {
    static LAYERS: OnceLock<Bounded<[u8; 32], Arc<Layer>>> = OnceLock::new();
    LAYERS
        .get_or_init(|| Bounded::new(MAX_LAYER_BYTES))
        .get_or_make(key, |l| l.bytes(), || make().map(Arc::new))
}

/// Most bytes of scaled logos kept: enough for the partners being drawn at one time. Apart
/// from the layers, which every partner shares: a thousand partners' logos would push them out.
pub const MAX_LOGO_BYTES: usize = 4 * 1024 * 1024;

/// The logo at `w` × `h` pixels, premultiplied, made once per logo and size (from the copy for
/// screens: previews and share images show a logo a few hundred pixels wide at most).
pub fn logo(logo: &Logo, w: u32, h: u32) -> Result<Arc<Layer>, String> {
    /// By (logo digest, width, height).
    type Scaled = Bounded<([u8; 32], u32, u32), Arc<Layer>>;
    static LOGOS: OnceLock<Scaled> = OnceLock::new();
    let made = LOGOS.get_or_init(|| Bounded::new(MAX_LOGO_BYTES));
    made.get_or_make(
        (logo.digest, w, h),
        |l| l.bytes(),
        || {
            let img = image::load_from_memory_with_format(
                &logo.pixels()?.screen,
                image::ImageFormat::Png,
            )
            .map_err(|e| e.to_string())?
            .thumbnail_exact(w, h)
            .to_rgba8();
            let mut p = tiny_skia::Pixmap::new(w, h).ok_or("the logo has no size")?;
            for (dst, src) in p.pixels_mut().iter_mut().zip(img.pixels()) {
                let [r, g, b, a] = src.0;
                *dst = tiny_skia::ColorU8::from_rgba(r, g, b, a).premultiply();
            }
            Ok(Arc::new(Layer::new(0, 0, &p)))
        },
    )
}

/// How much of each pixel something covers (0–255), cropped like a [`Layer`]: text in one
/// colour, whatever that colour is.
pub struct Mask {
    x: u32,
    y: u32,
    w: u32,
    alpha: Vec<u8>,
    /// The covered pixels as runs within rows (see [`Layer`]).
    spans: Vec<Span>,
}

impl Mask {
    /// `alpha`, rows of `w` values, at (`x`, `y`).
    fn new(x: u32, y: u32, w: u32, alpha: Vec<u8>) -> Mask {
        let spans = if w == 0 {
            Vec::new()
        } else {
            runs(alpha.chunks_exact(w as usize).map(|r| r.iter().copied()))
        };
        Mask {
            x,
            y,
            w,
            alpha,
            spans,
        }
    }

    /// The alpha of `full`, cropped to its non-transparent pixels.
    pub fn of(full: &tiny_skia::Pixmap) -> Mask {
        let Some((x0, y0, x1, y1)) = covered(full) else {
            return Mask::new(0, 0, 0, Vec::new());
        };
        let fw = full.width() as usize;
        let mut alpha = Vec::with_capacity(((x1 - x0 + 1) * (y1 - y0 + 1)) as usize);
        for row in full
            .data()
            .chunks_exact(fw * 4)
            .skip(y0 as usize)
            .take((y1 - y0 + 1) as usize)
        {
            alpha.extend(
                row[x0 as usize * 4..(x1 as usize + 1) * 4]
                    .chunks_exact(4)
                    .map(|p| p[3]),
            );
        }
        Mask::new(x0, y0, x1 - x0 + 1, alpha)
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.alpha.len() + self.spans.len() * std::mem::size_of::<Span>()
    }
}

/// The mask for `key`, kept or made by `make`.
pub fn mask<E>(key: [u8; 32], make: impl FnOnce() -> Result<Mask, E>) -> Result<Arc<Mask>, E> {
    static MASKS: OnceLock<Bounded<[u8; 32], Arc<Mask>>> = OnceLock::new();
    MASKS
        .get_or_init(|| Bounded::new(MAX_MASK_BYTES))
        .get_or_make(key, |m| m.bytes(), || make().map(Arc::new))
}

/// An opaque picture being composed, as RGB: what its PNG holds, without a pass to convert.
pub struct Canvas {
    w: u32,
    h: u32,
    rgb: Vec<u8>,
}

impl Canvas {
    /// `w` × `h` pixels of `colour`.
    pub fn new(w: u32, h: u32, colour: Colour) -> Canvas {
        let rgb = colour.0.repeat(w as usize * h as usize);
        Canvas { w, h, rgb }
    }

    /// The pixel row `y` from column `x` on, `n` pixels (clipped to the canvas).
    fn row(&mut self, x: u32, y: u32, n: u32) -> &mut [u8] {
        if y >= self.h || x >= self.w {
            return &mut [];
        }
        let n = n.min(self.w - x) as usize;
        let start = (y as usize * self.w as usize + x as usize) * 3;
        &mut self.rgb[start..start + n * 3]
    }

    /// Lays a premultiplied layer over the canvas at its place, moved by `at`.
    pub fn over(&mut self, top: &Layer, at: (u32, u32)) {
        let m = &top.cover;
        for s in &m.spans {
            let (start, n) = ((s.row * m.w + s.x0) as usize, (s.x1 - s.x0) as usize);
            let rgb = &top.rgb[start * 3..(start + n) * 3];
            let dst = self.row(m.x + s.x0 + at.0, m.y + s.row + at.1, n as u32);
            if s.opaque {
                let len = dst.len();
                dst.copy_from_slice(&rgb[..len]);
                continue;
            }
            let alpha = &m.alpha[start..start + n];
            for ((d, s), &a) in dst.chunks_exact_mut(3).zip(rgb.chunks_exact(3)).zip(alpha) {
                let keep = 255 - u32::from(a);
                for (d, s) in d.iter_mut().zip(s) {
                    // Never above 255 for premultiplied pixels.
                    *d = s.saturating_add(div255(u32::from(*d) * keep) as u8);
                }
            }
        }
    }

    /// Paints `colour` through `mask`.
    pub fn tint(&mut self, mask: &Mask, colour: Colour) {
        let solid = colour.0.repeat(mask.w as usize);
        for s in &mask.spans {
            let n = s.x1 - s.x0;
            let dst = self.row(mask.x + s.x0, mask.y + s.row, n);
            if s.opaque {
                let len = dst.len();
                dst.copy_from_slice(&solid[..len]);
                continue;
            }
            let start = (s.row * mask.w + s.x0) as usize;
            let cover = &mask.alpha[start..start + n as usize];
            for (d, &a) in dst.chunks_exact_mut(3).zip(cover) {
                mix(d, colour, u32::from(a));
            }
        }
    }

    /// Fills the rectangle (`x`, `y`, `w`, `h`) with `colour`; a pixel on an edge gets the
    /// colour in the share of it the rectangle covers (anti-aliased, as a renderer fills it:
    /// edges on quarter pixels, like tiny-skia's four sub-scanlines).
    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, colour: Colour) {
        let quarter = |v: f32| (v * 4.0).round() / 4.0;
        let (x1, y1) = (
            quarter(x + w).min(self.w as f32),
            quarter(y + h).min(self.h as f32),
        );
        let (x, y) = (quarter(x).max(0.0), quarter(y).max(0.0));
        if x1 <= x || y1 <= y {
            return;
        }
        let overlap = |a: f32, b: f32, i: u32| (b.min(i as f32 + 1.0) - a.max(i as f32)).max(0.0);
        let (cx0, cx1) = (x.floor() as u32, (x1.ceil() as u32).min(self.w));
        let cols: Vec<f32> = (cx0..cx1).map(|i| overlap(x, x1, i)).collect();
        // The wholly covered columns are a run between the (at most two) partly covered ones.
        let whole = cols.iter().position(|&c| c >= 1.0).map(|a| {
            let b = cols.iter().rposition(|&c| c >= 1.0).unwrap_or(a);
            a..b + 1
        });
        let solid = colour.0.repeat(cols.len());
        let blend = |d: &mut [u8], cover: f32| {
            let a = (cover * 255.0).round() as u32;
            if a > 0 {
                mix(d, colour, a.min(255));
            }
        };
        for row in y.floor() as u32..(y1.ceil() as u32).min(self.h) {
            let cy = overlap(y, y1, row);
            let dst = self.row(cx0, row, cx1 - cx0);
            match &whole {
                Some(run) if cy >= 1.0 => {
                    dst[run.start * 3..run.end * 3]
                        .copy_from_slice(&solid[run.start * 3..run.end * 3]);
                    for i in (0..run.start).chain(run.end..cols.len()) {
                        blend(&mut dst[i * 3..i * 3 + 3], cols[i]);
                    }
                }
                _ => {
                    for (d, cx) in dst.chunks_exact_mut(3).zip(&cols) {
                        blend(d, cx * cy);
                    }
                }
            }
        }
    }

    /// The picture as a PNG.
    pub fn png(&self) -> Result<Vec<u8>, String> {
        crate::raster::encode_rgb(self.w, self.h, &self.rgb)
    }

    /// The pixel at (`x`, `y`), for tests.
    #[cfg(test)]
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
        let i = (y as usize * self.w as usize + x as usize) * 3;
        [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn division_by_255_rounds() {
        for v in 0..=255 * 255 {
            assert_eq!(div255(v), (v as f64 / 255.0).round() as u32, "{v}");
        }
    }

    #[test]
    fn a_rectangle_covers_edge_pixels_in_part() {
        let mut c = Canvas::new(4, 4, Colour([0, 0, 0]));
        c.fill_rect(0.0, 1.45, 4.0, 10.0, Colour([255, 255, 255]));
        assert_eq!(c.pixel(0, 0), [0, 0, 0]);
        assert_eq!(c.pixel(0, 1), [128, 128, 128]);
        assert_eq!(c.pixel(3, 3), [255, 255, 255]);
    }

    #[test]
    fn tint_and_over_blend_like_source_over() {
        let mut full = tiny_skia::Pixmap::new(3, 1).unwrap();
        full.pixels_mut()[1] = tiny_skia::ColorU8::from_rgba(0, 0, 0, 51).premultiply();
        let m = Mask::of(&full);
        assert_eq!((m.x, m.y, m.w), (1, 0, 1));
        let mut c = Canvas::new(3, 1, Colour([0, 0, 200]));
        c.tint(&m, Colour([255, 0, 0]));
        // 20 % red over blue.
        assert_eq!(c.pixel(1, 0), [51, 0, 160]);
        assert_eq!(c.pixel(0, 0), [0, 0, 200]);
        let top = Layer::cropped(&full);
        let mut d = Canvas::new(3, 1, Colour([255, 255, 255]));
        d.over(&top, (0, 0));
        assert_eq!(d.pixel(1, 0), [204, 204, 204]);
    }
}
