//! Logos: found inside the kit, bounded before decoding, normalised to one PNG.
//!
//! Every logo, whatever its format (PNG, JPEG, WebP or SVG), is turned into an RGBA PNG of at
//! most [`MAX_LOGO_SIDE`] pixels on its long side, once, at load time. Cards, share images and
//! pages all use that one normalised image.

use std::io::Cursor;

use crate::tr;

use super::files::{FileError, KitFiles};

use image::{ImageFormat, ImageReader, Limits};

/// Largest image file accepted.
pub const MAX_IMAGE_BYTES: u64 = 10 * 1024 * 1024;
/// Largest image accepted, in pixels (width × height), checked before decoding.
pub const MAX_IMAGE_PIXELS: u64 = 40_000_000;
/// Long side of the normalised logo.
pub const MAX_LOGO_SIDE: u32 = 1024;

/// A logo, normalised.
#[derive(Debug, Clone)]
pub struct Logo {
    /// The path as written in the kit.
    pub path: String,
    /// An RGBA PNG.
    pub png: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The PNG as a `data:` URI, made once: every page and image of every partner embeds it.
    uri: std::sync::Arc<str>,
}

impl Logo {
    /// A `data:` URI of the PNG, for self-contained HTML and SVG.
    pub fn data_uri(&self) -> String {
        self.uri.to_string()
    }
}

/// Reads and normalises a logo file. The error says what is wrong in plain words.
pub fn load_logo(files: &KitFiles, rel: &str) -> Result<Logo, String> {
    let bytes = files.read(rel, MAX_IMAGE_BYTES).map_err(|e| match e {
        FileError::TooLarge { bytes, .. } => tr!(
            "the file is {size} MB; the limit for images is {max} MB",
            "het bestand is {size} MB; de grens voor afbeeldingen is {max} MB",
            size = crate::util::decimal(bytes as f64 / 1e6, 1),
            max = MAX_IMAGE_BYTES / 1024 / 1024
        ),
        FileError::Refused(why) if why.contains("folder, not") || why.contains("map, geen") => {
            tr!(
                "this is a folder, not a file",
                "dit is een map, geen bestand"
            )
        }
        e => e.to_string(),
    })?;
    let is_svg = rel.to_ascii_lowercase().ends_with(".svg");
    let mut key = crate::memo::key("logo");
    {
        use sha2::Digest;
        key.update([u8::from(is_svg)]);
        key.update(&bytes);
    }
    let png = crate::memo::get_or_render(key, || normalise(&bytes, is_svg))?;
    let (width, height) = crate::outputs::overview::png_size(&png);
    let uri = format!("data:image/png;base64,{}", crate::util::base64(&png)).into();
    Ok(Logo {
        path: rel.to_string(),
        png,
        width,
        height,
        uri,
    })
}

/// Decodes (or draws) a logo and re-encodes it as an RGBA PNG of at most [`MAX_LOGO_SIDE`].
fn normalise(bytes: &[u8], is_svg: bool) -> Result<Vec<u8>, String> {
    let rgba = if is_svg {
        rasterise_svg(bytes)?
    } else {
        decode_raster(bytes)?
    };
    let (w, h) = rgba.dimensions();
    let rgba = if w.max(h) > MAX_LOGO_SIDE {
        let scale = f64::from(MAX_LOGO_SIDE) / f64::from(w.max(h));
        let (nw, nh) = (
            ((f64::from(w) * scale).round() as u32).max(1),
            ((f64::from(h) * scale).round() as u32).max(1),
        );
        image::imageops::resize(&rgba, nw, nh, image::imageops::FilterType::Lanczos3)
    } else {
        rgba
    };
    let mut png = Vec::new();
    rgba.write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .map_err(|e| {
            tr!(
                "cannot re-encode it ({e})",
                "het is niet opnieuw te coderen ({e})",
                e = e
            )
        })?;
    Ok(png)
}

/// Checks an embedded or stand-alone raster image from its header, before anything is decoded:
/// PNG, JPEG or WebP, within [`MAX_IMAGE_BYTES`] and [`MAX_IMAGE_PIXELS`]. Returns its format
/// and size.
pub fn check_raster(bytes: &[u8]) -> Result<(ImageFormat, u32, u32), String> {
    if bytes.len() as u64 > MAX_IMAGE_BYTES {
        return Err(tr!(
            "the image is {size} MB; the limit for images is {max} MB",
            "de afbeelding is {size} MB; de grens voor afbeeldingen is {max} MB",
            size = crate::util::decimal(bytes.len() as f64 / 1e6, 1),
            max = MAX_IMAGE_BYTES / 1024 / 1024
        ));
    }
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let Some(format) = reader.format() else {
        return Err(tr!(
            "this is not an image partnerkit can read; use PNG, JPEG, WebP or SVG",
            "dit is geen afbeelding die partnerkit kan lezen; gebruik PNG, JPEG, WebP of SVG"
        ));
    };
    if !matches!(
        format,
        ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP
    ) {
        return Err(tr!(
            "{format} images are not supported; use PNG, JPEG, WebP or SVG",
            "{format}-afbeeldingen worden niet ondersteund; gebruik PNG, JPEG, WebP of SVG",
            format = format!("{format:?}")
        ));
    }
    let (w, h) = reader.into_dimensions().map_err(|e| {
        tr!(
            "the image is damaged ({e})",
            "de afbeelding is beschadigd ({e})",
            e = e
        )
    })?;
    if u64::from(w) * u64::from(h) > MAX_IMAGE_PIXELS || w == 0 || h == 0 {
        return Err(tr!(
            "the image is {w}×{h} pixels; the limit is {max} megapixels (a logo needs far less)",
            "de afbeelding is {w}×{h} pixels; de grens is {max} megapixel (een logo heeft veel minder nodig)",
            w = w,
            h = h,
            max = MAX_IMAGE_PIXELS / 1_000_000
        ));
    }
    Ok((format, w, h))
}

fn decode_raster(bytes: &[u8]) -> Result<image::RgbaImage, String> {
    let (_, w, h) = check_raster(bytes)?;
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(w);
    limits.max_image_height = Some(h);
    limits.max_alloc = Some(MAX_IMAGE_PIXELS * 4 + 1024 * 1024);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| {
        tr!(
            "the image is damaged ({e})",
            "de afbeelding is beschadigd ({e})",
            e = e
        )
    })?;
    Ok(img.to_rgba8())
}

fn rasterise_svg(bytes: &[u8]) -> Result<image::RgbaImage, String> {
    use resvg::tiny_skia;
    let tree = crate::raster::parse_untrusted(bytes)?;
    let size = tree.size();
    let scale = f64::from(MAX_LOGO_SIDE) / f64::from(size.width().max(size.height()));
    let (w, h) = (
        ((f64::from(size.width()) * scale).round() as u32).max(1),
        ((f64::from(size.height()) * scale).round() as u32).max(1),
    );
    let mut pixmap = tiny_skia::Pixmap::new(w, h)
        .ok_or_else(|| tr!("the SVG has no size", "de SVG heeft geen afmetingen"))?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale as f32, scale as f32),
        &mut pixmap.as_mut(),
    );
    // tiny-skia keeps premultiplied alpha; image wants straight alpha.
    let mut data = Vec::with_capacity((w * h * 4) as usize);
    for px in pixmap.pixels() {
        let c = px.demultiply();
        data.extend_from_slice(&[c.red(), c.green(), c.blue(), c.alpha()]);
    }
    image::RgbaImage::from_raw(w, h, data).ok_or_else(|| {
        tr!(
            "the SVG could not be drawn",
            "de SVG kon niet worden getekend"
        )
    })
}
