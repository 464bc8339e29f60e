//! Card PDFs checked with poppler and qpdf: sizes, boxes, pages, fonts, tags and text.

use std::process::Command;

use crate::common::*;

fn tool(cmd: &str, args: &[&str]) -> String {
    let o = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} is needed (scripts/test.sh installs it): {e}"));
    assert!(
        o.status.success(),
        "{cmd} {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn deck() -> ((), std::path::PathBuf) {
    ((), reference_build().join("ser/cards"))
}

fn boxes(info: &str, page: usize, name: &str) -> Vec<f64> {
    let prefix = format!("Page {page:>4} {name}:");
    let line = info
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no {prefix} in\n{info}"));
    line[prefix.len()..]
        .split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect()
}

#[test]
fn print_sheets_are_a4_with_fronts_then_backs() {
    let (_tmp, cards) = deck();
    let pdf = cards.join("olifant-in-de-kamer-print.pdf");
    let info = tool(
        "pdfinfo",
        &["-box", "-f", "1", "-l", "99", pdf.to_str().unwrap()],
    );
    // Intro + 6 cards = 7 fronts, 4 a sheet: 2 sheets of fronts, each followed by its backs.
    assert!(info.contains("Pages:           4"), "{info}");
    for p in 1..=4 {
        let media = boxes(&info, p, "MediaBox");
        assert!(
            (media[2] - 595.28).abs() < 0.1 && (media[3] - 841.89).abs() < 0.1,
            "page {p}: {media:?}"
        );
    }
    let page = |n: &str| {
        tool(
            "pdftotext",
            &["-f", n, "-l", n, "-layout", pdf.to_str().unwrap(), "-"],
        )
    };
    assert!(
        page("1").contains("Zo werkt het"),
        "the intro card comes first"
    );
    assert!(
        page("2").contains("Gelijke kansen in het mkb"),
        "page 2 holds the backs"
    );
    assert!(page("3").contains("6 / 6") || page("3").contains("6/6"));
}

#[test]
fn bleed_pdf_has_trim_and_bleed_boxes() {
    let (_tmp, cards) = deck();
    let pdf = cards.join("olifant-in-de-kamer-bleed.pdf");
    let info = tool(
        "pdfinfo",
        &["-box", "-f", "1", "-l", "99", pdf.to_str().unwrap()],
    );
    assert!(
        info.contains("Pages:           14"),
        "7 cards, front and back: {info}"
    );
    let mm = 72.0 / 25.4;
    for p in [1, 2, 14] {
        let media = boxes(&info, p, "MediaBox");
        let trim = boxes(&info, p, "TrimBox");
        let bleed = boxes(&info, p, "BleedBox");
        assert!(
            (media[2] - 111.0 * mm).abs() < 0.05 && (media[3] - 154.0 * mm).abs() < 0.05,
            "{media:?}"
        );
        assert_eq!(bleed, media);
        for (t, expected) in trim
            .iter()
            .zip([3.0 * mm, 3.0 * mm, 108.0 * mm, 151.0 * mm])
        {
            assert!((t - expected).abs() < 0.05, "page {p} trim {trim:?}");
        }
    }
}

#[test]
fn fonts_are_embedded_and_subset() {
    let (_tmp, cards) = deck();
    let fonts = tool(
        "pdffonts",
        &[cards
            .join("olifant-in-de-kamer-print.pdf")
            .to_str()
            .unwrap()],
    );
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "{fonts}");
    for r in rows {
        assert!(r.contains("NotoSans") && r.contains("yes yes yes"), "{r}");
    }
}

#[test]
fn text_comes_out_with_its_diacritics() {
    let (_tmp, cards) = deck();
    let text = tool(
        "pdftotext",
        &[
            cards
                .join("olifant-in-de-kamer-bleed.pdf")
                .to_str()
                .unwrap(),
            "-",
        ],
    );
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for q in [
        "Heb je weleens iemand níet uitgenodigd om een reden die je liever niet hardop zegt?",
        "Wat levert een team op waarin niet iedereen hetzelfde denkt – en wat kost het als je dat mist?",
        "Welke ondernemer ken jij die het al anders doet? Wat kun je van ‘m lenen?",
    ] {
        assert!(flat.contains(q), "{q:?} not in {flat}");
    }
}

#[test]
fn tagged_with_language_title_and_cards_read_once() {
    let (_tmp, cards) = deck();
    let pdf = cards.join("olifant-in-de-kamer-print.pdf");
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(info.contains("Tagged:          yes"), "{info}");
    assert!(
        info.contains(
            "Title:           Olifant in de kamer – gesprekskaarten om te printen (A4) – SER"
        ),
        "{info}"
    );
    let tree = tool("pdfinfo", &["-struct-text", pdf.to_str().unwrap()]);
    assert!(tree.contains("Figure"), "logos are figures with alt text");
    assert_eq!(
        tree.matches("Heb je weleens").count(),
        1,
        "each question is read once"
    );
    assert!(
        !tree.contains("Gelijke kansen in het mkb"),
        "backs are artifacts, never read:\n{tree}"
    );
    let raw = std::fs::read(&pdf).unwrap();
    let raw = String::from_utf8_lossy(&raw);
    assert!(raw.contains("/Lang(nl-NL)"), "document language");
    assert!(
        raw.contains("/Alt(Logo van SER)"),
        "the partner logo has alt text"
    );
}

#[test]
fn qpdf_finds_nothing_wrong() {
    let (_tmp, cards) = deck();
    for f in [
        "olifant-in-de-kamer-print.pdf",
        "olifant-in-de-kamer-bleed.pdf",
    ] {
        let out = tool("qpdf", &["--check", cards.join(f).to_str().unwrap()]);
        assert!(
            out.contains("No syntax or stream encoding errors found"),
            "{f}: {out}"
        );
    }
}

#[test]
fn previews_show_each_front() {
    let (_tmp, cards) = deck();
    for n in 0..=6 {
        let png =
            std::fs::read(cards.join(format!("olifant-in-de-kamer-card-{n:02}.png"))).unwrap();
        let img = image::load_from_memory(&png).unwrap().to_rgba8();
        assert_eq!(img.width(), 320);
        let dark = img
            .pixels()
            .filter(|p| p.0[0] < 80 && p.0[1] < 80 && p.0[2] < 80)
            .count();
        assert!(
            dark > 2000,
            "card {n}: the question is drawn ({dark} dark pixels)"
        );
    }
}

/// The starter kit with its deck in `size` and `extra` added to kit.toml, built: its
/// werkgeversvereniging cards folder.
fn starter_cards(
    size: &str,
    extra: &str,
    deck_keys: &str,
) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = starter(|d| {
        replace(
            d,
            "kit.toml",
            "size = \"A6\"",
            &format!("size = \"{size}\"\n{deck_keys}"),
        );
        let p = d.join("kit.toml");
        let mut s = std::fs::read_to_string(&p).unwrap();
        s.push_str(extra);
        std::fs::write(p, s).unwrap();
    });
    let dir = build(&tmp.path().join("kit"), &tmp.path().join("out"));
    (tmp, dir.join("werkgeversvereniging/cards"))
}

/// Every page of `pdf` as a grey image at 72 dpi (1 px = 0.353 mm).
fn pages_at_72dpi(pdf: &std::path::Path) -> Vec<image::GrayImage> {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("p");
    tool(
        "pdftoppm",
        &[
            "-r",
            "72",
            "-gray",
            "-png",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let mut names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| image::open(p).unwrap().to_luma8())
        .collect()
}

const PX_PER_MM: f32 = 72.0 / 25.4;

#[test]
fn office_sheets_leave_5_mm_blank_at_the_paper_edge_on_both_sides() {
    for size in ["A6", "A7", "square"] {
        let (_tmp, cards) = starter_cards(size, "", "");
        let pages = pages_at_72dpi(&cards.join("gesprekskaarten-print.pdf"));
        assert!(pages.len() >= 2, "{size}: fronts and backs");
        let edge = (5.0 * PX_PER_MM).floor() as u32 - 1;
        for (n, page) in pages.iter().enumerate() {
            let (w, h) = page.dimensions();
            let ink = page.pixels().filter(|p| p.0[0] < 200).count();
            assert!(ink > 1000, "{size} page {}: something is printed", n + 1);
            for (x, y, p) in page.enumerate_pixels() {
                let near = x < edge || y < edge || x >= w - edge || y >= h - edge;
                assert!(
                    !near || p.0[0] >= 245,
                    "{size} page {}: ink at ({x}, {y}) px, within 5 mm of the paper edge",
                    n + 1
                );
            }
        }
    }
}

/// The runs of non-white pixels on row `y` of `img`, as (start, end) in pixels.
fn runs(img: &image::GrayImage, y: u32) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut start = None;
    for x in 0..img.width() {
        let ink = img.get_pixel(x, y).0[0] < 200;
        match (ink, start) {
            (true, None) => start = Some(x),
            (false, Some(s)) => {
                out.push((s, x));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, img.width()));
    }
    out
}

#[test]
fn backs_land_behind_their_fronts_with_long_edge_duplex() {
    use partnerkit::kit::CardSize;
    for (size, card) in [
        ("A6", CardSize::A6),
        ("A7", CardSize::A7),
        ("square", CardSize::Square),
    ] {
        let (_tmp, cards) = starter_cards(size, "", "");
        let pages = pages_at_72dpi(&cards.join("gesprekskaarten-print.pdf"));
        let sheet = partnerkit::outputs::cards::Sheet::for_size(card);
        // 1.2 mm inside the coloured band of the first row: only the band colour, front and back.
        let y = ((sheet.origin.1 + 6.2) * PX_PER_MM).round() as u32;
        // (Runs of a few pixels are the cut lines between cards.)
        let wide = |r: &(u32, u32)| r.1 - r.0 > 5;
        let front: Vec<(u32, u32)> = runs(&pages[0], y).into_iter().filter(wide).collect();
        let width = pages[1].width();
        let mut back: Vec<(u32, u32)> = runs(&pages[1], y)
            .into_iter()
            .filter(wide)
            .map(|(a, b)| (width - b, width - a))
            .collect();
        back.sort();
        assert_eq!(
            front.len(),
            sheet.cols,
            "{size}: one band per card: {front:?}"
        );
        assert_eq!(
            back.len(),
            front.len(),
            "{size}: {back:?} against {front:?}"
        );
        for (f, b) in front.iter().zip(&back) {
            assert!(
                f.0.abs_diff(b.0) <= 2 && f.1.abs_diff(b.1) <= 2,
                "{size}: a back, turned over the long edge, sits at {b:?} px, its front at {f:?}"
            );
        }
    }
}

#[test]
fn print_shop_pdf_to_order_with_bleed_crop_marks_and_cmyk() {
    let (_tmp, cards) = starter_cards(
        "A7",
        "\n[print]\nbleed_mm = 2\ncrop_marks = true\ncmyk = true\n",
        "show_factor = true\ncarousel = true",
    );
    let pdf = cards.join("gesprekskaarten-bleed.pdf");
    let info = tool(
        "pdfinfo",
        &["-box", "-f", "1", "-l", "99", pdf.to_str().unwrap()],
    );
    let mm = 72.0 / 25.4;
    // Trim 105 × 74, 2 mm bleed, marks 2 mm beyond the bleed, 5 mm long, 3 mm to spare.
    let margin = 2.0 + 2.0 + 5.0 + 3.0;
    for p in [1, 2] {
        let close = |got: &[f64], want: [f64; 4]| {
            got.iter().zip(want).all(|(g, w)| (g - w * mm).abs() < 0.05)
        };
        let media = boxes(&info, p, "MediaBox");
        let trim = boxes(&info, p, "TrimBox");
        let bleed = boxes(&info, p, "BleedBox");
        assert!(
            close(
                &media,
                [0.0, 0.0, 105.0 + 2.0 * margin, 74.0 + 2.0 * margin]
            ),
            "{media:?}"
        );
        assert!(
            close(&trim, [margin, margin, margin + 105.0, margin + 74.0]),
            "{trim:?}"
        );
        assert!(
            close(
                &bleed,
                [margin - 2.0, margin - 2.0, margin + 107.0, margin + 76.0]
            ),
            "{bleed:?}"
        );
    }
    // Every colour operator is CMYK: k/K, never rg/RG or a colour space set by name.
    let tmp = tempfile::tempdir().unwrap();
    let qdf = tmp.path().join("qdf.pdf");
    let _ = Command::new("qpdf")
        .args([
            "--qdf",
            "--object-streams=disable",
            pdf.to_str().unwrap(),
            qdf.to_str().unwrap(),
        ])
        .status()
        .expect("qpdf");
    let raw = String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).into_owned();
    // The page content streams (qpdf --qdf labels them), as operator tokens.
    let content: Vec<&str> = raw
        .split("%% Contents for page")
        .skip(1)
        .filter_map(|part| {
            let start = part.find("stream\n")? + "stream\n".len();
            let end = part.find("endstream")?;
            Some(&part[start..end])
        })
        .flat_map(|s| s.split_whitespace())
        .collect();
    assert!(content.len() > 100, "content streams found");
    let ops = |op: &str| content.iter().filter(|t| **t == op).count();
    assert!(ops("k") > 0 && ops("K") > 0, "CMYK fill and stroke");
    for op in ["rg", "RG", "cs", "CS", "sc", "SC", "scn", "SCN"] {
        assert_eq!(ops(op), 0, "no `{op}`: every colour is DeviceCMYK");
    }
    // Text stays 4 mm inside the trim.
    let bbox = tool("pdftotext", &["-bbox", pdf.to_str().unwrap(), "-"]);
    let attr = |l: &str, a: &str| -> f64 {
        let at = l.find(&format!("{a}=\"")).unwrap() + a.len() + 2;
        l[at..].split('"').next().unwrap().parse().unwrap()
    };
    let words: Vec<&str> = bbox
        .lines()
        .filter(|l| l.trim_start().starts_with("<word"))
        .collect();
    assert!(words.len() > 20);
    for l in words {
        assert!(
            attr(l, "xMin") >= (margin + 4.0) * mm - 0.5
                && attr(l, "yMin") >= (margin + 4.0) * mm - 0.5
                && attr(l, "xMax") <= (margin + 105.0 - 4.0) * mm + 0.5
                && attr(l, "yMax") <= (margin + 74.0 - 4.0) * mm + 0.5,
            "outside the 4 mm safe zone: {l}"
        );
    }
    // show_factor prints the COM-B label; no text anywhere below 9 pt.
    assert!(tool("pdftotext", &[pdf.to_str().unwrap(), "-"]).contains("COM-B"));
    for name in ["bleed", "print", "carousel"] {
        let pdf = cards.join(format!("gesprekskaarten-{name}.pdf"));
        let stext = tool(
            "mutool",
            &["draw", "-F", "stext", "-o", "-", pdf.to_str().unwrap()],
        );
        let sizes: Vec<f32> = stext
            .split("size=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap().parse().unwrap())
            .collect();
        assert!(!sizes.is_empty());
        assert!(sizes.iter().all(|s| *s >= 9.0), "{name}: {sizes:?}");
    }
    // The LinkedIn carousel: 4:5 pages, one per card, the campaign's back last.
    let carousel = cards.join("gesprekskaarten-carousel.pdf");
    let info = tool(
        "pdfinfo",
        &["-box", "-f", "1", "-l", "99", carousel.to_str().unwrap()],
    );
    let media = boxes(&info, 1, "MediaBox");
    assert!(((media[2] / media[3]) - 0.8).abs() < 0.001, "{media:?}");
    let fronts = tool("pdfinfo", &[pdf.to_str().unwrap()])
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse::<usize>()
        .unwrap()
        / 2;
    assert!(
        info.contains(&format!("Pages:           {}", fronts + 1)),
        "{info}"
    );
    assert!(std::fs::metadata(&carousel).unwrap().len() < 100 * 1024 * 1024);
}

#[test]
fn logos_print_at_least_10_mm_high_and_the_label_only_on_request() {
    let (_tmp, cards) = deck();
    for name in ["print", "bleed"] {
        let pdf = cards.join(format!("olifant-in-de-kamer-{name}.pdf"));
        let list = tool("pdfimages", &["-list", pdf.to_str().unwrap()]);
        let heights: Vec<f64> = list
            .lines()
            .skip(2)
            .map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                // height (px) / y-ppi × 25.4
                f[4].parse::<f64>().unwrap() / f[13].parse::<f64>().unwrap() * 25.4
            })
            .collect();
        assert!(!heights.is_empty());
        assert!(
            heights.iter().all(|h| *h >= 9.9),
            "{name}: logo heights {heights:?} mm"
        );
        // Embedded at no more than 600 ppi of their printed size: a logo of a thousand pixels
        // shown 10 mm high is scaled down, not embedded whole in every PDF.
        for l in list.lines().skip(2) {
            let f: Vec<&str> = l.split_whitespace().collect();
            let ppi: f64 = f[13].parse().unwrap();
            assert!(ppi <= 610.0, "{name}: a logo at {ppi} ppi: {l}");
        }
        assert!(
            !tool("pdftotext", &[pdf.to_str().unwrap(), "-"]).contains("COM-B"),
            "{name}: no COM-B label unless show_factor"
        );
    }
}
