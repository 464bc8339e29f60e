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

/// A logo, normalised and checked at load. Its pixels are kept in a bounded memo shared by the
/// whole process, not in the kit: a kit of a thousand partners would otherwise hold a thousand
/// logos for the whole build. Pixels that were forgotten are made again from the file (and
/// must come out the same, or the build stops: the file changed while it ran).
#[derive(Clone)]
pub struct Logo {
    /// The path as written in the kit.
    pub path: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// SHA-256 of the normalised PNG and of the copy for screens ([`digest_of`]), made once:
    /// every render key that draws the logo holds it.
    pub digest: [u8; 32],
    /// The build cache's keys of the normalised PNG and of the copy for screens (a logo read
    /// from a file): a build keeps these entries for the next load.
    pub cache_keys: Option<[[u8; 32]; 2]>,
    /// Where the file is read again; `None` for a logo made in memory.
    files: Option<KitFiles>,
    /// The SHA-256 of the file when it is an SVG: print draws it again at the size it needs.
    svg: Option<[u8; 32]>,
    /// The pixels of a logo made in memory, which has no file to read again.
    own: Option<std::sync::Arc<LogoPixels>>,
    /// [`Logo::data_uri`], once made by [`Logo::kept_data_uri`].
    kept_uri: std::sync::OnceLock<String>,
}

/// What the logo is (its path, size and the digest of its pixels): what it draws, and nothing
/// that changes while it is used (render records are keyed by it).
impl std::fmt::Debug for Logo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Logo")
            .field("path", &self.path)
            .field("width", &self.width)
            .field("height", &self.height)
            .field("digest", &crate::util::hex(&self.digest))
            .finish()
    }
}

/// A logo's pixels: the normalised RGBA PNG (for print) and the copy for screens.
#[derive(Debug)]
pub struct LogoPixels {
    /// The normalised PNG, at most [`MAX_LOGO_SIDE`] on its long side.
    pub png: Vec<u8>,
    /// The copy for screens (at most twice [`SCREEN_LOGO_SIDE`]), as a PNG.
    pub screen: Vec<u8>,
}

/// Most bytes of logo pixels kept (a logo holds some 40 KB): the logos of the packs being made
/// and the campaign's always fit; past that, the least recently used are forgotten and had
/// again from the build cache (or made again from the file), so memory stays flat however
/// many partners a campaign has.
const MAX_KEPT_LOGO_BYTES: usize = 1024 * 1024;

/// Bytes held, and logo pixels by digest, the most recently used last.
type KeptList = (usize, Vec<([u8; 32], std::sync::Arc<LogoPixels>)>);

/// The logo pixels kept by the process.
struct Kept {
    inner: std::sync::Mutex<KeptList>,
}

impl Kept {
    fn lock(&self) -> std::sync::MutexGuard<'_, KeptList> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn get(&self, digest: &[u8; 32]) -> Option<std::sync::Arc<LogoPixels>> {
        let mut k = self.lock();
        let i = k.1.iter().position(|(d, _)| d == digest)?;
        let entry = k.1.remove(i);
        let pixels = entry.1.clone();
        k.1.push(entry);
        Some(pixels)
    }

    /// Keeps `pixels`; with `make_room`, forgets the least recently used to fit them, else
    /// only if they fit as it is.
    fn insert(&self, digest: [u8; 32], pixels: std::sync::Arc<LogoPixels>, make_room: bool) {
        let size = pixels.bytes();
        let mut k = self.lock();
        if k.1.iter().any(|(d, _)| *d == digest) {
            return;
        }
        while make_room && k.0 + size > MAX_KEPT_LOGO_BYTES && !k.1.is_empty() {
            let (_, old) = k.1.remove(0);
            k.0 -= old.bytes();
        }
        if k.0 + size <= MAX_KEPT_LOGO_BYTES || make_room {
            k.0 += size;
            k.1.push((digest, pixels));
        }
    }

    #[cfg(test)]
    fn clear(&self) {
        *self.lock() = (0, Vec::new());
    }
}

fn kept() -> &'static Kept {
    static KEPT: std::sync::OnceLock<Kept> = std::sync::OnceLock::new();
    KEPT.get_or_init(|| Kept {
        inner: std::sync::Mutex::new((0, Vec::new())),
    })
}

impl LogoPixels {
    fn bytes(&self) -> usize {
        self.png.len() + self.screen.len()
    }
}

/// Keeps a logo's pixels: at load only while there is room (the first partners' logos stay for
/// their packs, none is pushed out to be made again), when drawing in any case.
fn keep(digest: [u8; 32], mut pixels: LogoPixels, at_load: bool) -> std::sync::Arc<LogoPixels> {
    pixels.png.shrink_to_fit();
    pixels.screen.shrink_to_fit();
    let pixels = std::sync::Arc::new(pixels);
    kept().insert(digest, pixels.clone(), !at_load);
    pixels
}

impl Logo {
    /// A logo of `png` (an RGBA PNG), made in memory.
    pub fn from_png(path: &str, png: Vec<u8>) -> Result<Logo, String> {
        let (width, height) = crate::util::png_size(&png);
        let screen = screen_copy(&png, width, height)?;
        let digest = digest_of(&png, &screen);
        Ok(Logo {
            path: path.to_string(),
            width,
            height,
            digest,
            cache_keys: None,
            files: None,
            svg: None,
            own: Some(std::sync::Arc::new(LogoPixels { png, screen })),
            kept_uri: std::sync::OnceLock::new(),
        })
    }

    /// The pixels: kept, or made again from the file.
    pub fn pixels(&self) -> Result<std::sync::Arc<LogoPixels>, String> {
        self.pixels_with(None)
    }

    /// The pixels: kept, or had again from the build `cache` (where the build keeps every
    /// logo's), or made again from the file.
    pub fn pixels_with(
        &self,
        cache: Option<&crate::cache::Cache>,
    ) -> Result<std::sync::Arc<LogoPixels>, String> {
        if let Some(own) = &self.own {
            return Ok(own.clone());
        }
        if let Some(p) = kept().get(&self.digest) {
            return Ok(p);
        }
        if let (Some(cache), Some([png, screen])) = (cache, self.cache_keys) {
            if let (Some(png), Some(screen)) = (cache.get(png), cache.get(screen)) {
                // The cache checked its entries; the digest says they are this logo's.
                if digest_of(&png, &screen) == self.digest {
                    return Ok(keep(self.digest, LogoPixels { png, screen }, false));
                }
            }
        }
        let Some(files) = &self.files else {
            return Err(tr!(
                "its pixels are no longer in memory",
                "de pixels zijn niet meer in het geheugen"
            ));
        };
        let (again, pixels) = normalised(files, &self.path, None)?;
        if again.digest != self.digest {
            return Err(changed());
        }
        Ok(keep(self.digest, pixels, false))
    }

    /// The logo drawn from its SVG file at `w` × `h` pixels (for print: sharper than the
    /// normalised copy scaled down, and without decoding it); `None` when it is not an SVG
    /// file. The file must still be the one loaded.
    pub fn svg_at(&self, w: u32, h: u32) -> Option<Result<image::RgbaImage, String>> {
        let (files, source) = (self.files.as_ref()?, self.svg?);
        Some(read_image(files, &self.path).and_then(|bytes| {
            if crate::util::sha256(&bytes) != source {
                return Err(changed());
            }
            draw_svg(&crate::raster::parse_untrusted(&bytes)?, w, h)
        }))
    }

    /// Keeps the normalised images in the build `cache` for the next load: entries it has
    /// stay, pixels still in memory are added (a logo forgotten in a large kit is normalised
    /// again at the next load, and added then).
    pub fn keep_in(&self, cache: &crate::cache::Cache) {
        let Some([png, screen]) = self.cache_keys else {
            return;
        };
        let kept = kept().get(&self.digest);
        cache.keep(png, || kept.as_ref().map(|p| p.png.clone()));
        cache.keep(screen, || kept.as_ref().map(|p| p.screen.clone()));
    }

    /// [`Logo::data_uri`], made once and kept: for the campaign's logo, which every page of
    /// every pack shows (a partner's logo is kept per pack instead, so that a campaign of a
    /// thousand partners does not hold a thousand of them).
    pub fn kept_data_uri(&self) -> Option<String> {
        if let Some(uri) = self.kept_uri.get() {
            return Some(uri.clone());
        }
        let uri = self.data_uri()?;
        Some(self.kept_uri.get_or_init(|| uri).clone())
    }

    /// A `data:` URI of the copy for screens, for self-contained HTML and SVG; `None` when the
    /// pixels cannot be had (a pack checks [`Logo::pixels`] first, so that is an error there).
    pub fn data_uri(&self) -> Option<String> {
        // Made when asked (once per pack), not kept.
        let p = self.pixels().ok()?;
        Some(format!(
            "data:image/png;base64,{}",
            crate::util::base64(&p.screen)
        ))
    }
}

/// The digest of a logo: both its images (the copy for screens of an SVG is drawn from the SVG,
/// not from the normalised PNG, so the PNG alone does not say what screens show).
fn digest_of(png: &[u8], screen: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update((png.len() as u64).to_le_bytes());
    h.update(png);
    h.update(screen);
    h.finalize().into()
}

/// The error for the logo at `path` that cannot be used, and `why`.
pub fn logo_error(path: &str, why: &str) -> crate::diag::Diagnostic {
    crate::diag::Diagnostic::error(
        "logo",
        tr!(
            "cannot use the logo `{path}`: {why}",
            "het logo `{path}` is niet te gebruiken: {why}",
            path = path,
            why = why
        ),
    )
}

/// An image file of the kit, bounded by [`MAX_IMAGE_BYTES`]; the error in plain words.
fn read_image(files: &KitFiles, rel: &str) -> Result<Vec<u8>, String> {
    files.read(rel, MAX_IMAGE_BYTES).map_err(|e| match e {
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
    })
}

/// A reader for `bytes` that may allocate no more than the header's size allows, checked
/// with [`check_raster`] before anything is decoded.
fn bounded_reader(bytes: &[u8]) -> Result<ImageReader<Cursor<&[u8]>>, String> {
    let (_, w, h) = check_raster(bytes)?;
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(w);
    limits.max_image_height = Some(h);
    limits.max_alloc = Some(MAX_IMAGE_PIXELS * 4 + 1024 * 1024);
    reader.limits(limits);
    Ok(reader)
}

/// Reads and normalises a logo file, or takes the normalised images from the build `cache`
/// when an earlier build made them from the same bytes. The error says what is wrong in plain
/// words.
pub fn load_logo(
    files: &KitFiles,
    rel: &str,
    cache: Option<&crate::cache::Cache>,
) -> Result<Logo, String> {
    let (logo, pixels) = normalised(files, rel, cache)?;
    keep(logo.digest, pixels, true);
    Ok(logo)
}

/// A logo file read and normalised, with its pixels.
fn normalised(
    files: &KitFiles,
    rel: &str,
    cache: Option<&crate::cache::Cache>,
) -> Result<(Logo, LogoPixels), String> {
    let bytes = read_image(files, rel)?;
    let is_svg = rel.to_ascii_lowercase().ends_with(".svg");
    let mut key = crate::memo::key("logo");
    {
        use sha2::Digest;
        key.update([u8::from(is_svg)]);
        key.update(&bytes);
    }
    let key: [u8; 32] = sha2::Digest::finalize(key).into();
    let png = crate::memo::draw_at(cache, key, || normalise(&bytes, is_svg))?.bytes;
    let (width, height) = crate::util::png_size(&png);
    // Screens show a logo at most a few hundred pixels wide: pages and share images embed a
    // smaller copy (smaller pages, and resvg no longer decodes and scales 1024 pixels for every
    // image); PDFs get the full one. An SVG is drawn at that size (sharper, and no decoding and
    // scaling down of the large copy); a raster logo is scaled down.
    let mut small_key = crate::memo::key(if is_svg {
        "logo-screen-svg"
    } else {
        "logo-screen"
    });
    {
        use sha2::Digest;
        small_key.update(if is_svg { &bytes } else { &png });
    }
    let small_key: [u8; 32] = sha2::Digest::finalize(small_key).into();
    let screen = crate::memo::draw_at(cache, small_key, || {
        if is_svg {
            let rgba = rasterise_svg(&bytes, SCREEN_LOGO_SIDE)?;
            png_fast(&image::DynamicImage::ImageRgba8(rgba)).map_err(|e| e.to_string())
        } else {
            screen_copy(&png, width, height)
        }
    })?
    .bytes;
    let logo = Logo {
        path: rel.to_string(),
        digest: digest_of(&png, &screen),
        width,
        height,
        cache_keys: Some([key, small_key]),
        files: Some(files.clone()),
        svg: is_svg.then(|| crate::util::sha256(&bytes)),
        own: None,
        kept_uri: std::sync::OnceLock::new(),
    };
    Ok((logo, LogoPixels { png, screen }))
}

/// An image as a PNG with the image crate's fast setting (logos: the PDFs compress them again).
pub fn png_fast(img: &image::DynamicImage) -> image::ImageResult<Vec<u8>> {
    let mut png = Vec::new();
    img.write_with_encoder(image::codecs::png::PngEncoder::new_with_quality(
        &mut png,
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::Adaptive,
    ))?;
    Ok(png)
}

/// Long side of the copy of a logo that pages and share images embed.
pub const SCREEN_LOGO_SIDE: u32 = 384;

/// `png` scaled down to [`SCREEN_LOGO_SIDE`], or as it is up to twice that (scaling a logo a
/// little saves little and costs a resampling per partner on every load).
fn screen_copy(png: &[u8], width: u32, height: u32) -> Result<Vec<u8>, String> {
    if width.max(height) <= 2 * SCREEN_LOGO_SIDE {
        return Ok(png.to_vec());
    }
    let img =
        image::load_from_memory_with_format(png, ImageFormat::Png).map_err(|e| e.to_string())?;
    // A box filter: the fast way to make a logo smaller, and sharp enough for a downscale.
    let small = img.thumbnail(SCREEN_LOGO_SIDE, SCREEN_LOGO_SIDE);
    png_fast(&small).map_err(|e| e.to_string())
}

/// Decodes (or draws) a logo and re-encodes it as an RGBA PNG of at most [`MAX_LOGO_SIDE`].
fn normalise(bytes: &[u8], is_svg: bool) -> Result<Vec<u8>, String> {
    let rgba = if is_svg {
        rasterise_svg(bytes, MAX_LOGO_SIDE)?
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
    // Fast compression: the PDFs compress the logo again, and pages embed the screen copy.
    png_fast(&image::DynamicImage::ImageRgba8(rgba)).map_err(|e| {
        tr!(
            "cannot re-encode it ({e})",
            "het is niet opnieuw te coderen ({e})",
            e = e
        )
    })
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
    let reader = bounded_reader(bytes)?;
    let img = reader.decode().map_err(|e| {
        tr!(
            "the image is damaged ({e})",
            "de afbeelding is beschadigd ({e})",
            e = e
        )
    })?;
    Ok(img.to_rgba8())
}

fn rasterise_svg(bytes: &[u8], side: u32) -> Result<image::RgbaImage, String> {
    let tree = crate::raster::parse_untrusted(bytes)?;
    let size = tree.size();
    let scale = f64::from(side) / f64::from(size.width().max(size.height()));
    let (w, h) = (
        ((f64::from(size.width()) * scale).round() as u32).max(1),
        ((f64::from(size.height()) * scale).round() as u32).max(1),
    );
    draw_svg(&tree, w, h)
}

/// What a logo file changed during the build is told.
fn changed() -> String {
    tr!(
        "the file changed while partnerkit was building; build again",
        "het bestand is veranderd terwijl partnerkit bouwde; bouw opnieuw"
    )
}

/// `tree` drawn to fill `w` × `h` pixels.
fn draw_svg(tree: &resvg::usvg::Tree, w: u32, h: u32) -> Result<image::RgbaImage, String> {
    use resvg::tiny_skia;
    let size = tree.size();
    let mut pixmap = tiny_skia::Pixmap::new(w, h)
        .ok_or_else(|| tr!("the SVG has no size", "de SVG heeft geen afmetingen"))?;
    resvg::render(
        tree,
        tiny_skia::Transform::from_scale(
            w as f32 / size.width().max(f32::MIN_POSITIVE),
            h as f32 / size.height().max(f32::MIN_POSITIVE),
        ),
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

/// Long side of a photo as kept after loading: twice the largest share image side, so every
/// crop is drawn from enough pixels.
pub const MAX_PHOTO_SIDE: u32 = 2400;

/// Crops of a photo already made, by pixel size, as `data:` URIs.
type Crops = std::collections::HashMap<(u32, u32), std::sync::Arc<str>>;

/// A photo for share images (`image` in an item's front matter): decoded once at load time,
/// turned upright from its EXIF orientation and scaled down to [`MAX_PHOTO_SIDE`].
#[derive(Clone)]
pub struct Photo {
    /// The path as written in the kit.
    pub path: String,
    /// SHA-256 of the file: what the photo is, for keys of what is made from it.
    pub digest: [u8; 32],
    /// The pixels.
    pub image: std::sync::Arc<image::DynamicImage>,
    /// The point to keep in view when cropping, as fractions of width and height.
    pub focus: (f32, f32),
    /// Crops already made, by pixel size: every partner's image of one platform uses the same.
    crops: std::sync::Arc<std::sync::Mutex<Crops>>,
}

/// What the photo is (its path, file digest and focus), not its pixels or the crops made so far.
impl std::fmt::Debug for Photo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Photo")
            .field("path", &self.path)
            .field("digest", &crate::util::hex(&self.digest))
            .field("focus", &self.focus)
            .finish()
    }
}

impl Photo {
    /// The photo cropped around its focus to `width` × `height` pixels, as a JPEG `data:` URI.
    pub fn crop_uri(&self, width: u32, height: u32) -> Result<std::sync::Arc<str>, String> {
        let (width, height) = (width.max(1), height.max(1));
        let mut crops = self
            .crops
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(uri) = crops.get(&(width, height)) {
            return Ok(uri.clone());
        }
        let (x, y, w, h) = crop_rect(
            (self.image.width(), self.image.height()),
            (width, height),
            self.focus,
        );
        // DynamicImage's methods, not the generic imageops: they are compiled (optimised) in
        // the image crate itself.
        let scaled = self.image.crop_imm(x, y, w, h).resize_exact(
            width,
            height,
            image::imageops::FilterType::Triangle,
        );
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 88)
            .encode_image(&scaled)
            .map_err(|e| e.to_string())?;
        let uri: std::sync::Arc<str> =
            format!("data:image/jpeg;base64,{}", crate::util::base64(&jpeg)).into();
        crops.insert((width, height), uri.clone());
        Ok(uri)
    }
}

/// The part of an image of `size` with the proportions of `target` that keeps `focus` as near
/// its middle as the edges allow: (x, y, width, height).
pub fn crop_rect(size: (u32, u32), target: (u32, u32), focus: (f32, f32)) -> (u32, u32, u32, u32) {
    let (sw, sh) = (f64::from(size.0), f64::from(size.1));
    let ratio = f64::from(target.0) / f64::from(target.1);
    let (cw, ch) = if sw / sh > ratio {
        (sh * ratio, sh)
    } else {
        (sw, sw / ratio)
    };
    let place = |centre: f64, span: f64, whole: f64| (centre - span / 2.0).clamp(0.0, whole - span);
    let x = place(f64::from(focus.0) * sw, cw, sw);
    let y = place(f64::from(focus.1) * sh, ch, sh);
    let (w, h) = (
        (cw.round() as u32).clamp(1, size.0),
        (ch.round() as u32).clamp(1, size.1),
    );
    (
        (x.round() as u32).min(size.0 - w),
        (y.round() as u32).min(size.1 - h),
        w,
        h,
    )
}

/// Reads a photo: bounded like every image, decoded once, upright, at most [`MAX_PHOTO_SIDE`].
pub fn load_photo(files: &KitFiles, rel: &str, focus: (f32, f32)) -> Result<Photo, String> {
    let bytes = read_image(files, rel)?;
    if rel.to_ascii_lowercase().ends_with(".svg") {
        return Err(tr!(
            "a photo must be PNG, JPEG or WebP, not SVG",
            "een foto moet PNG, JPEG of WebP zijn, geen SVG"
        ));
    }
    let mut key = crate::memo::key("photo");
    {
        use sha2::Digest;
        key.update(&bytes);
    }
    // Kept as width, height (4 bytes each, little-endian) and the RGB pixels.
    let packed = crate::memo::get_or_render(None, key, || {
        let rgb = decode_photo(&bytes)?;
        let mut out = Vec::with_capacity(8 + rgb.as_raw().len());
        out.extend_from_slice(&rgb.width().to_le_bytes());
        out.extend_from_slice(&rgb.height().to_le_bytes());
        out.extend_from_slice(rgb.as_raw());
        Ok::<_, String>(out)
    })?;
    let w = u32::from_le_bytes(packed[0..4].try_into().unwrap_or_default());
    let h = u32::from_le_bytes(packed[4..8].try_into().unwrap_or_default());
    let image = image::RgbImage::from_raw(w, h, packed[8..].to_vec())
        .ok_or_else(|| tr!("the image is damaged", "de afbeelding is beschadigd"))?;
    Ok(Photo {
        path: rel.to_string(),
        digest: crate::util::sha256(&bytes),
        image: std::sync::Arc::new(image::DynamicImage::ImageRgb8(image)),
        focus,
        crops: Default::default(),
    })
}

fn decode_photo(bytes: &[u8]) -> Result<image::RgbImage, String> {
    use image::ImageDecoder;
    let reader = bounded_reader(bytes)?;
    let damaged = |e: image::ImageError| {
        tr!(
            "the image is damaged ({e})",
            "de afbeelding is beschadigd ({e})",
            e = e
        )
    };
    let mut decoder = reader.into_decoder().map_err(damaged)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = image::DynamicImage::from_decoder(decoder).map_err(damaged)?;
    img.apply_orientation(orientation);
    let (w, h) = (img.width(), img.height());
    if w.max(h) > MAX_PHOTO_SIDE {
        let scale = f64::from(MAX_PHOTO_SIDE) / f64::from(w.max(h));
        img = img.resize_exact(
            ((f64::from(w) * scale).round() as u32).max(1),
            ((f64::from(h) * scale).round() as u32).max(1),
            image::imageops::FilterType::Triangle,
        );
    }
    Ok(img.to_rgb8())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A logo whose pixels were forgotten is read again from its file; if the file changed in
    /// the meantime, that is an error, never another logo.
    #[test]
    fn forgotten_pixels_are_read_again_and_must_match() {
        let dir = tempfile::tempdir().unwrap();
        let png = |colour: [u8; 4]| {
            let img = image::DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
                40,
                20,
                image::Rgba(colour),
            ));
            png_fast(&img).unwrap()
        };
        std::fs::write(dir.path().join("logo.png"), png([9, 99, 199, 255])).unwrap();
        let files = KitFiles::new(dir.path()).unwrap();
        let logo = load_logo(&files, "logo.png", None).unwrap();
        let first = logo.pixels().unwrap().png.clone();
        kept().clear();
        assert_eq!(logo.pixels().unwrap().png, first);
        std::fs::write(dir.path().join("logo.png"), png([200, 0, 0, 255])).unwrap();
        kept().clear();
        let err = logo.pixels().unwrap_err();
        assert!(
            err.contains("changed") || err.contains("veranderd"),
            "{err}"
        );
        assert!(logo.data_uri().is_none());
    }

    /// A build keeps the normalised logo in its cache; the next load takes it from there, the
    /// same logo; another file is normalised anew.
    #[test]
    fn a_normalised_logo_comes_from_the_cache_at_the_next_load() {
        let dir = tempfile::tempdir().unwrap();
        let svg = |fill: &str| {
            format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="2000" height="1000"><rect width="2000" height="1000" fill="{fill}"/></svg>"#
            )
        };
        std::fs::write(dir.path().join("logo.svg"), svg("#123456")).unwrap();
        let files = KitFiles::new(dir.path()).unwrap();
        let cache_dir = dir.path().join("cache");
        let first = {
            let cache = crate::cache::Cache::open(&cache_dir);
            let logo = load_logo(&files, "logo.svg", Some(&cache)).unwrap();
            assert_eq!(
                cache.stats(),
                crate::cache::Stats {
                    hits: 0,
                    misses: 2,
                    zips: 0
                }
            );
            logo.keep_in(&cache);
            cache.finish(true);
            logo
        };
        let cache = crate::cache::Cache::existing(&cache_dir).unwrap();
        let again = load_logo(&files, "logo.svg", Some(&cache)).unwrap();
        assert_eq!(
            cache.stats(),
            crate::cache::Stats {
                hits: 2,
                misses: 0,
                zips: 0
            }
        );
        assert_eq!(
            (again.digest, again.width, again.height, again.cache_keys),
            (first.digest, first.width, first.height, first.cache_keys)
        );
        let png = first.pixels().unwrap().png.clone();
        assert_eq!(again.pixels().unwrap().png, png);
        std::fs::write(dir.path().join("logo.svg"), svg("#654321")).unwrap();
        // Forgotten pixels come back from the cache (the file, changed now, is not read).
        kept().clear();
        assert_eq!(again.pixels_with(Some(&cache)).unwrap().png, png);
        kept().clear();
        assert!(again.pixels().is_err(), "made again from the changed file");
        let other = load_logo(&files, "logo.svg", Some(&cache)).unwrap();
        assert_ne!(other.digest, first.digest);
        assert_eq!(cache.stats().misses, 2);
    }

    /// Print draws an SVG logo from its file at the size it needs (every pixel of that size
    /// drawn, not a scaled copy), only while the file is the one loaded; a raster logo has no
    /// drawing of its own.
    #[test]
    fn an_svg_logo_is_drawn_again_at_the_print_size_from_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        let svg = |fill: &str| {
            format!(
                r##"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="160"><rect width="400" height="160" fill="{fill}"/><circle cx="80" cy="80" r="40" fill="#ffffff"/></svg>"##
            )
        };
        std::fs::write(dir.path().join("logo.svg"), svg("#123456")).unwrap();
        let files = KitFiles::new(dir.path()).unwrap();
        let logo = load_logo(&files, "logo.svg", None).unwrap();
        assert_eq!((logo.width, logo.height), (MAX_LOGO_SIDE, 410));
        let drawn = logo.svg_at(590, 237).unwrap().unwrap();
        assert_eq!(drawn.dimensions(), (590, 237));
        // The background to the corners, the circle's middle white.
        assert_eq!(drawn.get_pixel(0, 0).0, [0x12, 0x34, 0x56, 255]);
        assert_eq!(drawn.get_pixel(589, 236).0, [0x12, 0x34, 0x56, 255]);
        assert_eq!(drawn.get_pixel(118, 118).0, [255, 255, 255, 255]);
        std::fs::write(dir.path().join("logo.svg"), svg("#654321")).unwrap();
        let err = logo.svg_at(590, 237).unwrap().unwrap_err();
        assert!(
            err.contains("changed") || err.contains("veranderd"),
            "{err}"
        );
        let img = image::DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
            40,
            20,
            image::Rgba([9, 99, 199, 255]),
        ));
        std::fs::write(dir.path().join("logo.png"), png_fast(&img).unwrap()).unwrap();
        assert!(load_logo(&files, "logo.png", None)
            .unwrap()
            .svg_at(20, 10)
            .is_none());
    }
}
