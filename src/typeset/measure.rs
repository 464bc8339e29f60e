//! Measuring text with the embedded fonts: widths, wrapping and fitting, in the units the
//! card PDFs and share images are laid out in.

/// Millimetres to PDF points.
pub const PT_PER_MM: f32 = 72.0 / 25.4;

/// Measures text with the shaper krilla draws with (rustybuzz, same version, same settings),
/// so a measured line is exactly as wide as the drawn one.
pub struct Measure {
    regular: rustybuzz::Face<'static>,
    bold: rustybuzz::Face<'static>,
}

impl Default for Measure {
    fn default() -> Self {
        Measure {
            regular: rustybuzz::Face::from_slice(super::fonts::REGULAR, 0)
                .expect("embedded font parses"),
            bold: rustybuzz::Face::from_slice(super::fonts::BOLD, 0).expect("embedded font parses"),
        }
    }
}

/// A shaped glyph run, shared.
type Run = std::sync::Arc<Vec<krilla::text::KrillaGlyph>>;

/// Values by text, regular and bold apart: looked up by `&str`, so a hit allocates nothing
/// (fitting a text asks for the same candidate lines many times).
type Memo<V> = [std::collections::HashMap<String, V>; 2];

/// Most strings whose advance a thread keeps (a few MB); past it the memo starts again.
const MAX_MEMO: usize = 100_000;

thread_local! {
    /// Advances in font units by (bold, text): every partner's cards and images lay out the same
    /// texts, and fitting tries the same candidate lines at every size, so each string is
    /// shaped once per thread.
    static ADVANCES: std::cell::RefCell<Memo<i32>> = std::cell::RefCell::default();
    /// Shaped glyph runs by (bold, text), for the PDFs.
    static GLYPHS: std::cell::RefCell<Memo<Run>> = std::cell::RefCell::default();
    /// What [`Measure::fit`] found, by (bold, text) and then by box and sizes: every partner's
    /// cards fit the same texts into the same boxes.
    static FITS: std::cell::RefCell<Memo<Vec<(Fit, Fitted)>>> = std::cell::RefCell::default();
}

/// A box and the largest and smallest size, as bits: what [`Measure::fit`] asks besides the text.
type Fit = [u32; 4];

/// The size and lines a text fits with, if any.
type Fitted = Option<(f32, Vec<String>)>;

impl Measure {
    /// Width of `text` in millimetres at `size` points.
    pub fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = if bold { &self.bold } else { &self.regular };
        let units = ADVANCES.with(|memo| {
            if let Some(u) = memo.borrow()[usize::from(bold)].get(text) {
                return *u;
            }
            let u = self.advance(text, bold);
            let memo = &mut memo.borrow_mut()[usize::from(bold)];
            if memo.len() >= MAX_MEMO {
                memo.clear();
            }
            memo.insert(text.to_string(), u);
            u
        });
        units as f32 / f32::from(face.units_per_em() as u16) * size / PT_PER_MM
    }

    /// `text` shaped, as krilla draws it: glyph ids, advances and offsets in em, and the byte
    /// range of the text each glyph stands for. Shaped once per thread and string.
    pub fn glyphs(&self, text: &str, bold: bool) -> Run {
        GLYPHS.with(|memo| {
            if let Some(g) = memo.borrow()[usize::from(bold)].get(text) {
                return std::sync::Arc::clone(g);
            }
            let g = std::sync::Arc::new(self.shape(text, bold));
            let memo = &mut memo.borrow_mut()[usize::from(bold)];
            if memo.len() >= MAX_MEMO / 10 {
                memo.clear();
            }
            memo.insert(text.to_string(), std::sync::Arc::clone(&g));
            g
        })
    }

    fn shape(&self, text: &str, bold: bool) -> Vec<krilla::text::KrillaGlyph> {
        let face = if bold { &self.bold } else { &self.regular };
        let em = f32::from(face.units_per_em() as u16);
        let mut buf = rustybuzz::UnicodeBuffer::new();
        buf.push_str(text);
        buf.guess_segment_properties();
        let out = rustybuzz::shape(face, &[], buf);
        // Each glyph stands for its cluster: from the cluster's first byte to the next cluster
        // that starts after it (in either direction of writing), or the end of the text.
        let mut starts: Vec<usize> = out
            .glyph_infos()
            .iter()
            .map(|i| i.cluster as usize)
            .collect();
        starts.sort_unstable();
        starts.dedup();
        out.glyph_infos()
            .iter()
            .zip(out.glyph_positions())
            .map(|(info, pos)| {
                let start = info.cluster as usize;
                let end = starts
                    .get(starts.partition_point(|s| *s <= start))
                    .copied()
                    .unwrap_or(text.len());
                krilla::text::KrillaGlyph::new(
                    krilla::text::GlyphId::new(info.glyph_id),
                    pos.x_advance as f32 / em,
                    pos.x_offset as f32 / em,
                    pos.y_offset as f32 / em,
                    pos.y_advance as f32 / em,
                    start..end,
                    None,
                )
            })
            .collect()
    }

    /// The advance of `text` in font units, shaped.
    fn advance(&self, text: &str, bold: bool) -> i32 {
        let face = if bold { &self.bold } else { &self.regular };
        let mut buf = rustybuzz::UnicodeBuffer::new();
        buf.push_str(text);
        buf.guess_segment_properties();
        let out = rustybuzz::shape(face, &[], buf);
        out.glyph_positions().iter().map(|p| p.x_advance).sum()
    }

    /// The characters of `text` that the font has no glyph for.
    pub fn missing(&self, text: &str) -> Vec<char> {
        let mut out: Vec<char> = text
            .chars()
            .filter(|c| !c.is_whitespace() && self.bold.glyph_index(*c).is_none())
            .collect();
        out.dedup();
        out
    }

    /// Greedy word wrap of `text` into lines no wider than `width` mm; `None` if a single word
    /// is wider than that.
    pub fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Option<Vec<String>> {
        let mut lines = Vec::new();
        for para in text.split('\n') {
            let mut line = String::new();
            for word in para.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.width(&candidate, size, bold) <= width {
                    line = candidate;
                } else {
                    if self.width(word, size, bold) > width {
                        return None;
                    }
                    if !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                    }
                    line = word.to_string();
                }
            }
            if !line.is_empty() {
                lines.push(line);
            }
        }
        Some(lines)
    }

    /// The largest size from `max` down to `min` (in 0.5 pt steps) at which `text` fits in
    /// `w` × `h` mm, with its lines.
    pub fn fit(&self, text: &str, bold: bool, w: f32, h: f32, max: f32, min: f32) -> Fitted {
        let asked: Fit = [w.to_bits(), h.to_bits(), max.to_bits(), min.to_bits()];
        let known = FITS.with(|memo| {
            let memo = memo.borrow();
            let found = memo[usize::from(bold)].get(text)?;
            found
                .iter()
                .find(|(a, _)| *a == asked)
                .map(|(_, f)| f.clone())
        });
        if let Some(fitted) = known {
            return fitted;
        }
        let fitted = self.fit_now(text, bold, w, h, max, min);
        FITS.with(|memo| {
            let memo = &mut memo.borrow_mut()[usize::from(bold)];
            if memo.len() >= MAX_MEMO / 10 {
                memo.clear();
            }
            let boxes = memo.entry(text.to_string()).or_default();
            if boxes.len() >= 16 {
                boxes.clear();
            }
            boxes.push((asked, fitted.clone()));
        });
        fitted
    }

    fn fit_now(&self, text: &str, bold: bool, w: f32, h: f32, max: f32, min: f32) -> Fitted {
        let mut size = max;
        while size >= min - 1e-3 {
            if let Some(lines) = self.wrap(text, size, bold, w) {
                let height = line_height(size) * lines.len() as f32;
                if height <= h {
                    return Some((size, lines));
                }
            }
            size -= 0.5;
        }
        None
    }
}

/// Line pitch in mm for a size in points.
pub fn line_height(size: f32) -> f32 {
    size * 1.28 / PT_PER_MM
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fit_remembered_is_the_fit_made_for_every_box() {
        let m = Measure::default();
        let text = "Wie krijgt bij jullie de leukste klussen, en wie vraagt erom?";
        for bold in [false, true] {
            for (w, h, max, min) in [
                (80.0, 60.0, 22.0, 11.0),
                (40.0, 20.0, 22.0, 11.0),
                (20.0, 8.0, 14.0, 11.0),
                (80.0, 60.0, 12.0, 9.0),
            ] {
                let fresh = m.fit_now(text, bold, w, h, max, min);
                assert_eq!(m.fit(text, bold, w, h, max, min), fresh);
                assert_eq!(m.fit(text, bold, w, h, max, min), fresh, "remembered");
            }
        }
        // Another box, the same text: not the fit of the first box.
        let wide = m.fit(text, true, 200.0, 60.0, 22.0, 11.0).unwrap();
        let narrow = m.fit(text, true, 30.0, 60.0, 22.0, 11.0).unwrap();
        assert!(narrow.1.len() > wide.1.len());
    }
}
