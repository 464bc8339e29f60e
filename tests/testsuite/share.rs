//! Share images: platform sizes, text and logos really drawn (pixels), contrast, logo formats,
//! and the limits checked before decoding.

use std::io::Cursor;
use std::path::Path;

use crate::common::*;
use image::{ImageFormat, Rgba, RgbaImage};
use partnerkit::kit::Colour;

/// A logo: a pure green square, easy to find in the output.
fn green_logo(format: ImageFormat) -> Vec<u8> {
    let img = RgbaImage::from_pixel(200, 100, Rgba([0, 200, 0, 255]));
    let mut out = Vec::new();
    match format {
        ImageFormat::Jpeg => image::DynamicImage::ImageRgba8(img)
            .to_rgb8()
            .write_to(&mut Cursor::new(&mut out), format)
            .unwrap(),
        _ => img.write_to(&mut Cursor::new(&mut out), format).unwrap(),
    }
    out
}

fn is_green(p: &Rgba<u8>) -> bool {
    p.0[1] > 150 && p.0[0] < 60 && p.0[2] < 60
}

#[test]
fn every_platform_gets_its_size() {
    let dir = reference_build();
    for (path, bytes) in files(dir) {
        if path.contains("/social/") && path.ends_with(".png") {
            let platform = path.trim_end_matches(".png").rsplit('.').next().unwrap();
            let expected = partnerkit::platforms::get(platform).unwrap().image;
            let img = image::load_from_memory(&bytes).unwrap();
            assert_eq!((img.width(), img.height()), expected, "{path}");
        }
    }
}

#[test]
fn text_and_logos_are_drawn_with_enough_contrast() {
    for format in [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::WebP] {
        let tmp = starter(|d| {
            let ext = format.extensions_str()[0];
            std::fs::write(d.join(format!("assets/partner.{ext}")), green_logo(format)).unwrap();
            replace(
                d,
                "kit.toml",
                "colour = \"#7a1f5c\"",
                &format!("colour = \"#7a1f5c\"\nlogo = \"assets/partner.{ext}\""),
            );
        });
        let dir = build(&tmp.path().join("kit"), &tmp.path().join("out"));
        let png =
            std::fs::read(dir.join("werkgeversvereniging/social/aftrap.linkedin.png")).unwrap();
        let img = image::load_from_memory(&png).unwrap().to_rgba8();
        assert_eq!(img.dimensions(), (1200, 627));
        // The partner logo sits in the white bar at the bottom left.
        let green = img
            .enumerate_pixels()
            .filter(|(x, y, p)| *x < 600 && *y > 480 && is_green(p))
            .count();
        assert!(
            green > 2000,
            "{format:?}: logo drawn ({green} green pixels)"
        );
        // The background is the partner colour; the quote is drawn on it in a colour with at
        // least 4.5:1 contrast.
        let bg = *img.get_pixel(5, 5);
        let mut counts = std::collections::HashMap::new();
        for (x, y, p) in img.enumerate_pixels() {
            if y > 100 && y < 400 && x > 80 && *p != bg {
                *counts.entry(p.0).or_insert(0usize) += 1;
            }
        }
        let (text, n) = counts
            .into_iter()
            .max_by_key(|(_, n)| *n)
            .expect("text pixels");
        assert!(n > 3000, "{format:?}: the quote is drawn ({n} pixels)");
        let c = Colour([text[0], text[1], text[2]]).contrast(Colour([bg.0[0], bg.0[1], bg.0[2]]));
        assert!(c >= 4.5, "{format:?}: contrast {c:.2}");
    }
}

#[test]
fn alt_text_travels_with_the_image() {
    // Without a photo the alt text is the text drawn on the image.
    let tmp = starter(|_| {});
    let dir = build(&tmp.path().join("kit"), &tmp.path().join("out"));
    let drawn = "Iedereen verdient een eerlijke kans op werk #samenaandeslag";
    let manifest = text(&dir, "werkgeversvereniging/manifest.json");
    assert!(
        manifest.contains(&format!("\"alt\": \"{drawn}\"")),
        "{manifest}"
    );
    assert!(text(&dir, "werkgeversvereniging/LEESMIJ.html").contains(&format!("alt=\"{drawn}\"")));
    assert!(text(&dir, "index.html").contains(&format!("alt=\"{drawn}\"")));
}

/// A JPEG of `w` × `h`: red on the left half, blue on the right; with `exif_orientation`, an
/// EXIF block that says how to turn it upright (6: a quarter turn clockwise).
fn two_colour_photo(w: u32, h: u32, exif_orientation: Option<u16>) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, _| {
        if x < w / 2 {
            image::Rgb([220, 30, 30])
        } else {
            image::Rgb([30, 30, 220])
        }
    });
    let mut jpeg = Vec::new();
    img.write_to(&mut Cursor::new(&mut jpeg), ImageFormat::Jpeg)
        .unwrap();
    if let Some(o) = exif_orientation {
        // APP1 "Exif", a big-endian TIFF header and one IFD entry: Orientation (0x0112), SHORT.
        let mut tiff = b"MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01".to_vec();
        tiff.extend_from_slice(&o.to_be_bytes());
        tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend_from_slice(&tiff);
        let len = (app1.len() + 2) as u16;
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xff, 0xe1]);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&app1);
        out.extend_from_slice(&jpeg[2..]);
        jpeg = out;
    }
    jpeg
}

/// Red and blue pixels in the top-left `w` × `h` of a share image (where the photo is).
fn red_blue(png: &[u8], w: u32, h: u32) -> (usize, usize) {
    let img = image::load_from_memory(png).unwrap().to_rgb8();
    let (mut red, mut blue) = (0, 0);
    for y in 10..h {
        for x in 10..w {
            let p = img.get_pixel(x, y).0;
            if p[0] > 150 && p[2] < 90 {
                red += 1;
            } else if p[2] > 150 && p[0] < 90 {
                blue += 1;
            }
        }
    }
    (red, blue)
}

fn with_photo(photo: Vec<u8>, focus: &str) -> tempfile::TempDir {
    starter(|d| {
        std::fs::write(d.join("assets/foto.jpg"), photo).unwrap();
        replace(
            d,
            "content/aftrap.md",
            "# image = \"assets/foto.jpg\"",
            &format!("image = \"assets/foto.jpg\"\nimage_focus = {focus}\nimage_alt = \"Twee kleuren\"\n#"),
        );
    })
}

#[test]
fn a_photo_is_cropped_around_its_focus_for_every_size() {
    // A wide photo kept in view on its right (blue) half.
    let tmp = with_photo(two_colour_photo(6000, 1000, None), "[0.95, 0.5]");
    let dir = build(&tmp.path().join("kit"), &tmp.path().join("out"));
    let landscape =
        std::fs::read(dir.join("werkgeversvereniging/social/aftrap.linkedin.png")).unwrap();
    let (red, blue) = red_blue(&landscape, 480, 400);
    assert!(
        blue > 100_000 && red == 0,
        "linkedin: red {red}, blue {blue}"
    );
    let portrait = std::fs::read(dir.join("gemeente/social/aftrap.instagram.png")).unwrap();
    let (red, blue) = red_blue(&portrait, 1070, 500);
    assert!(
        blue > 300_000 && red == 0,
        "instagram: red {red}, blue {blue}"
    );
    // The alt text describes the photo and gives the words on it.
    assert!(text(&dir, "werkgeversvereniging/manifest.json").contains(
        "\"alt\": \"Twee kleuren, met de tekst: Iedereen verdient een eerlijke kans op werk #samenaandeslag\""
    ));

    // The same photo stored on its side, with EXIF saying to turn it a quarter clockwise: upright
    // it is tall, red above blue, and a focus at the top keeps the red.
    let tmp = with_photo(two_colour_photo(6000, 1000, Some(6)), "[0.5, 0.05]");
    let dir = build(&tmp.path().join("kit"), &tmp.path().join("out"));
    for (file, w, h) in [
        ("werkgeversvereniging/social/aftrap.linkedin.png", 480, 400),
        ("gemeente/social/aftrap.instagram.png", 1070, 500),
    ] {
        let (red, blue) = red_blue(&std::fs::read(dir.join(file)).unwrap(), w, h);
        assert!(red > 100_000 && blue == 0, "{file}: red {red}, blue {blue}");
    }
}

#[test]
fn template_text_the_font_cannot_draw_is_an_error_not_an_empty_image() {
    let tmp = starter(|d| {
        std::fs::create_dir_all(d.join("templates")).unwrap();
        let builtin = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/share.svg.hbs"),
        )
        .unwrap();
        std::fs::write(d.join("templates/share.svg.hbs"), builtin.replace("</svg>", "<text x=\"10\" y=\"40\" font-family=\"Noto Sans\" font-size=\"30\">日本語</text></svg>")).unwrap();
    });
    let o = run(&[
        &"build",
        &tmp.path().join("kit"),
        &"--out",
        &tmp.path().join("out"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("het sjabloon van de deelafbeelding heeft tekst die het ingebouwde lettertype niet kan tekenen"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_overridden_template_is_used() {
    let tmp = starter(|d| {
        std::fs::create_dir_all(d.join("templates")).unwrap();
        let builtin = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/share.svg.hbs"),
        )
        .unwrap();
        std::fs::write(
            d.join("templates/share.svg.hbs"),
            builtin.replace("fill=\"{{background}}\"", "fill=\"#00c800\""),
        )
        .unwrap();
    });
    let dir = build(&tmp.path().join("kit"), &tmp.path().join("out"));
    let img = image::load_from_memory(
        &std::fs::read(dir.join("gemeente/social/aftrap.instagram.png")).unwrap(),
    )
    .unwrap()
    .to_rgba8();
    assert!(is_green(img.get_pixel(3, 3)));
}

/// A PNG whose header claims `w` × `h` pixels, with no image data behind it.
fn png_header(w: u32, h: u32) -> Vec<u8> {
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut crc = flate2::Crc::new();
    crc.update(&ihdr);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend_from_slice(&13u32.to_be_bytes());
    out.extend_from_slice(&ihdr);
    out.extend_from_slice(&crc.sum().to_be_bytes());
    for (kind, data) in [
        (&b"IDAT"[..], &b"\x78\x9c\x03\x00\x00\x00\x00\x01"[..]),
        (&b"IEND"[..], &b""[..]),
    ] {
        let mut chunk = kind.to_vec();
        chunk.extend_from_slice(data);
        let mut crc = flate2::Crc::new();
        crc.update(&chunk);
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(&chunk);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    }
    out
}

#[test]
fn a_decompression_bomb_is_refused_before_decoding() {
    let tmp = starter(|d| {
        std::fs::write(d.join("assets/bom.png"), png_header(100_000, 100_000)).unwrap();
        replace(
            d,
            "kit.toml",
            "logo = \"assets/logo.svg\"",
            "logo = \"assets/bom.png\"",
        );
    });
    let o = run(&[&"check", &tmp.path().join("kit")]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("het logo `assets/bom.png` is niet te gebruiken: de afbeelding is 100000×100000 pixels; de grens is 40 megapixel"), "{err}");
    assert!(err.contains("--> kit.toml:14:8"), "{err}");
}

/// Builds `src` (edited by `edit`) as it is and with the built-in share template copied in as
/// the kit's own, and compares every share image: per channel, every pixel within 2 levels.
/// Returns the paths compared and the composed build's folder.
fn composed_and_whole(
    src: &Path,
    tmp: &Path,
    edit: impl Fn(&Path),
) -> (Vec<String>, std::path::PathBuf) {
    let (kit, own) = (tmp.join("kit"), tmp.join("own"));
    for k in [&kit, &own] {
        copy_dir(src, k);
        edit(k);
    }
    std::fs::create_dir_all(own.join("templates")).unwrap();
    std::fs::write(
        own.join("templates/share.svg.hbs"),
        partnerkit::render::templates::builtin("share.svg.hbs").unwrap(),
    )
    .unwrap();
    let composed = build(&kit, &tmp.join("out"));
    let whole = build(&own, &tmp.join("out-own"));
    let mut compared = Vec::new();
    for (path, bytes) in files(&composed) {
        if !(path.contains("/social/") && path.ends_with(".png")) {
            continue;
        }
        let a = image::load_from_memory(&bytes).unwrap().to_rgb8();
        let b = image::open(whole.join(&path)).unwrap().to_rgb8();
        assert_eq!(a.dimensions(), b.dimensions(), "{path}");
        let worst = a
            .pixels()
            .zip(b.pixels())
            .map(|(p, q)| {
                p.0.iter()
                    .zip(q.0)
                    .map(|(x, y)| x.abs_diff(y))
                    .max()
                    .unwrap()
            })
            .max()
            .unwrap();
        assert!(worst <= 2, "{path}: a pixel differs by {worst} levels");
        compared.push(path);
    }
    (compared, composed)
}

/// The built-in template's images are composed from parts shared between partners; they look
/// like the template drawn whole (which is how a kit's own template is drawn), for every
/// partner (colours, logos, dark and light text) and item of the reference kit, and for an
/// item with a photo.
#[test]
fn composed_images_look_like_the_template_drawn_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let (compared, composed) = composed_and_whole(&reference_kit(), tmp.path(), |k| {
        // A light colour: dark text on it.
        replace(
            k,
            "kit.toml",
            "colour = \"#00558c\"",
            "colour = \"#ffd24a\"",
        );
    });
    assert!(compared.len() > 10, "{compared:?}");
    let light =
        image::open(composed.join(compared.iter().find(|p| p.starts_with("awvn/")).unwrap()))
            .unwrap()
            .to_rgb8();
    assert!(
        light.pixels().any(|p| p.0 == [0x1a; 3]),
        "dark text on the light colour"
    );
    // An item with a photo: the example kit's call to action.
    let tmp = tempfile::tempdir().unwrap();
    let kit = example_kits()
        .into_iter()
        .find(|k| k.ends_with("een-klein-gebaar"))
        .unwrap();
    let (compared, _) = composed_and_whole(&kit, tmp.path(), |_| {});
    assert!(
        compared.iter().any(|p| p.contains("/oproep.")),
        "{compared:?}"
    );
}
