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
        assert_eq!(img.width(), 420);
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
