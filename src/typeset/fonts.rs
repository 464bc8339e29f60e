//! The embedded typeface: Noto Sans (SIL Open Font License 1.1, see `fonts/LICENSE-OFL.txt`).
//!
//! Compiled into the binary so that cards and share images look the same on every machine and
//! no system font is ever picked by accident.

/// Noto Sans Regular.
pub const REGULAR: &[u8] = include_bytes!("../../fonts/NotoSans-Regular.ttf");
/// Noto Sans Bold.
pub const BOLD: &[u8] = include_bytes!("../../fonts/NotoSans-Bold.ttf");
/// The family name to use in SVG templates.
pub const FAMILY: &str = "Noto Sans";

/// Loads both faces into a resvg font database, which starts empty: without this every text
/// in an SVG would silently vanish.
pub fn load_into(db: &mut resvg::usvg::fontdb::Database) {
    db.load_font_data(REGULAR.to_vec());
    db.load_font_data(BOLD.to_vec());
    db.set_sans_serif_family(FAMILY);
}
