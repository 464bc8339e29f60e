//! The reference kit builds unchanged, and each partner gets exactly what is meant for it.

use std::collections::BTreeSet;
use std::io::Read;

use crate::common::*;

fn built() -> ((), std::path::PathBuf) {
    ((), reference_build().to_path_buf())
}

fn listing(dir: &std::path::Path, partner: &str) -> BTreeSet<String> {
    files(&dir.join(partner))
        .into_iter()
        .map(|(p, _)| p)
        .collect()
}

#[test]
fn check_accepts_the_reference_kit() {
    let o = run(&[&"check", &reference_kit()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout)
        .contains("kit `gelijke-kansen-mkb` is in orde: 6 partners, 5 teksten, 1 kaartset"));
}

#[test]
fn layout_follows_the_contract() {
    let (_tmp, dir) = built();
    assert!(dir.ends_with("gelijke-kansen-mkb"));
    for p in ["awvn", "ser", "vno-ncw", "randstad", "abu", "nbbu"] {
        assert!(
            dir.join(format!("gelijke-kansen-mkb-{p}.zip")).is_file(),
            "{p} zip"
        );
        for f in [
            "LEESMIJ.html",
            "calendar.ics",
            "manifest.json",
            "cards/olifant-in-de-kamer-print.pdf",
            "cards/olifant-in-de-kamer-bleed.pdf",
            "social/aftrap.linkedin.txt",
            "social/aftrap.linkedin.png",
            "blogs/verhaal-bakkerij.md",
            "blogs/verhaal-bakkerij.html",
            "howto/deur-open.md",
            "howto/deur-open.html",
            "howto/promotie-tips.md",
            "howto/promotie-tips.html",
        ] {
            assert!(dir.join(p).join(f).is_file(), "{p}/{f}");
        }
    }
    assert!(dir.join("index.html").is_file());
    assert!(dir.join("report.html").is_file());
}

#[test]
fn each_partner_gets_exactly_its_items_and_platforms() {
    let (_tmp, dir) = built();
    let social = |p: &str| -> Vec<String> {
        listing(&dir, p)
            .into_iter()
            .filter(|f| f.starts_with("social/") && f.ends_with(".txt"))
            .collect()
    };
    assert_eq!(
        social("awvn"),
        ["social/aftrap.linkedin.txt", "social/aftrap.x.txt"]
    );
    assert_eq!(social("vno-ncw"), ["social/aftrap.linkedin.txt"]);
    assert_eq!(social("abu"), ["social/aftrap.linkedin.txt"]);
    assert_eq!(
        social("nbbu"),
        [
            "social/aftrap.linkedin.txt",
            "social/aftrap.mastodon.txt",
            "social/aftrap.x.txt"
        ]
    );
    assert_eq!(
        social("randstad"),
        [
            "social/aftrap.facebook.txt",
            "social/aftrap.instagram.txt",
            "social/aftrap.linkedin.txt",
            "social/aftrap.x.txt"
        ]
    );
    // The uitzendbureau story is only for the staffing partners.
    for (p, has) in [
        ("randstad", true),
        ("abu", true),
        ("nbbu", true),
        ("awvn", false),
        ("ser", false),
        ("vno-ncw", false),
    ] {
        assert_eq!(
            listing(&dir, p).contains("blogs/verhaal-uitzendbureau.md"),
            has,
            "{p}"
        );
    }
}

#[test]
fn texts_follow_variants_vars_and_form_of_address() {
    let (_tmp, dir) = built();
    // X gets its variant, with the partner's name.
    assert_eq!(
        text(&dir, "ser/social/aftrap.x.txt"),
        "Vandaag start SER met #gelijkekansen: iedereen een eerlijke kans in het mkb. Hoe? https://www.example.nl/gelijkekansen\n"
    );
    assert_eq!(
        text(&dir, "nbbu/social/aftrap.mastodon.txt"),
        "Vandaag start NBBU samen met het ministerie en andere partners met #gelijkekansen. Een divers team is sterker. Lees hoe u het aanpakt: https://www.example.nl/gelijkekansen\n"
    );
    // LinkedIn gets the body as plain text: Markdown removed, hashtags joined.
    let ser = text(&dir, "ser/social/aftrap.linkedin.txt");
    assert!(ser.starts_with("Vandaag start SER samen met het ministerie en andere werkgeversorganisaties met de campagne Gelijke kansen in het mkb.\n\n"), "{ser}");
    assert!(ser.contains("Maar hoe breng u dat in de praktijk"), "{ser}");
    assert!(ser.ends_with("Doe u mee? Kijk op https://www.example.nl/gelijkekansen #gelijkekansen #iedereenwelkom\n"), "{ser}");
    let randstad = text(&dir, "randstad/social/aftrap.linkedin.txt");
    assert!(
        randstad.contains("Maar hoe breng je dat in de praktijk"),
        "{randstad}"
    );
    assert!(randstad.contains("Doe je mee?"), "{randstad}");
    // {{address}} in the how-to, and partner.vars with its #if fallback.
    let je = text(&dir, "randstad/howto/deur-open.md");
    assert!(
        je.starts_with("# Zo zet je de deur van jouw bedrijf voor iedereen open\n"),
        "{je}"
    );
    assert!(
        je.contains("Neem contact op met je vaste intercedent."),
        "{je}"
    );
    let u = text(&dir, "ser/howto/deur-open.md");
    assert!(
        u.starts_with("# Zo zet u de deur van uw bedrijf voor iedereen open\n"),
        "{u}"
    );
    assert!(
        u.contains(
            "U hoeft het niet alleen te doen. Neem contact op met het team Diversiteit in Bedrijf."
        ),
        "{u}"
    );
    let awvn = text(&dir, "awvn/howto/deur-open.md");
    assert!(awvn.contains("Neem contact op met AWVN."), "{awvn}");
    let bakkerij = text(&dir, "vno-ncw/blogs/verhaal-bakkerij.md");
    assert!(bakkerij.contains("Kijk wat het u oplevert."), "{bakkerij}");
    assert!(bakkerij.contains(
        "*Dit verhaal is gedeeld door VNO-NCW in de campagne Gelijke kansen in het mkb.*"
    ));
}

#[test]
fn html_articles_are_standalone_and_escaped() {
    let (_tmp, dir) = built();
    let html = text(&dir, "ser/howto/deur-open.html");
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"nl\">"));
    assert!(
        html.contains("<title>Zo zet je de deur van jouw bedrijf voor iedereen open – SER</title>")
    );
    assert!(html.contains("<h1>Zo zet u de deur van uw bedrijf voor iedereen open</h1>"));
    assert!(
        !html.contains("http://") && !html.contains("<link") && !html.contains("<script"),
        "no external assets"
    );
    let leesmij = text(&dir, "ser/LEESMIJ.html");
    assert!(
        leesmij.contains("Niet publiceren vóór maandag 2 maart 2026, 9.00 uur (UTC+01:00)"),
        "not-before line"
    );
    assert!(leesmij.contains("-print.pdf"));
}

#[test]
fn statements_fit_their_platforms() {
    let (_tmp, dir) = built();
    for (path, bytes) in files(&dir) {
        if let Some(platform) = path.strip_suffix(".txt").and_then(|p| p.rsplit('.').next()) {
            let p = partnerkit::platforms::get(platform).unwrap();
            let text = String::from_utf8(bytes).unwrap();
            assert!(p.count(text.trim_end()) <= p.limit, "{path}");
        }
    }
}

#[test]
fn builds_are_byte_for_byte_reproducible() {
    let tmp = tempfile::tempdir().unwrap();
    let first = reference_build();
    let second = build(&reference_kit(), tmp.path());
    let (fa, fb) = (files(first), files(&second));
    assert_eq!(fa.len(), fb.len());
    for ((pa, ba), (pb, bb)) in fa.iter().zip(&fb) {
        assert_eq!(pa, pb);
        assert!(ba == bb, "{pa} differs between two builds");
    }
}

#[test]
fn zips_hold_the_pack_under_one_folder_with_fixed_times() {
    let (_tmp, dir) = built();
    let bytes = std::fs::read(dir.join("gelijke-kansen-mkb-ser.zip")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut names = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        assert!(name.starts_with("gelijke-kansen-mkb-ser/"), "{name}");
        assert!(!name.contains("..") && !name.starts_with('/'), "{name}");
        let t = f.last_modified().unwrap();
        assert_eq!(
            (t.year(), t.month(), t.day(), t.hour(), t.minute()),
            (2026, 3, 2, 9, 0),
            "{name}"
        );
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        let rel = name.trim_start_matches("gelijke-kansen-mkb-ser/");
        assert_eq!(
            data,
            std::fs::read(dir.join("ser").join(rel)).unwrap(),
            "{name}"
        );
        names.push(name);
    }
    // The images and PDFs first (stored as they are), then the texts, each in path order.
    let compressed = |n: &String| n.ends_with(".png") || n.ends_with(".pdf");
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| (!compressed(n), n.clone()));
    assert_eq!(names, sorted, "entries are in order");
    assert!(compressed(&names[0]) && !compressed(names.last().unwrap()));
    assert_eq!(names.len(), files(&dir.join("ser")).len());
}

#[test]
fn manifest_lists_every_file_with_its_hash_and_barriers() {
    let (_tmp, dir) = built();
    let m: serde_json::Value = serde_json::from_str(&text(&dir, "randstad/manifest.json")).unwrap();
    let entries = m["files"].as_array().unwrap();
    let on_disk: Vec<(String, Vec<u8>)> = files(&dir.join("randstad"))
        .into_iter()
        .filter(|(p, _)| p != "manifest.json")
        .collect();
    assert_eq!(entries.len(), on_disk.len());
    for (e, (path, bytes)) in entries.iter().zip(&on_disk) {
        assert_eq!(e["path"], path.as_str());
        assert_eq!(e["sha256"], partnerkit::util::sha256_hex(bytes).as_str());
        assert_eq!(e["size"], bytes.len());
    }
    let aftrap = entries
        .iter()
        .find(|e| e["path"] == "social/aftrap.instagram.png")
        .unwrap();
    assert_eq!(aftrap["source"]["id"], "aftrap");
    assert_eq!(
        aftrap["barriers"],
        serde_json::json!(["wat-levert-het-op", "geen-rolmodellen"])
    );
    assert_eq!(
        aftrap["factors"],
        serde_json::json!(["motivation", "environment"])
    );
    assert_eq!(
        aftrap["alt"], "Gezamenlijk statement: de collectieve aftrap #gelijkekansen",
        "without a photo the alt text is the text drawn on the image"
    );
    let deck = entries
        .iter()
        .find(|e| e["path"] == "cards/olifant-in-de-kamer-print.pdf")
        .unwrap();
    assert_eq!(deck["source"]["type"], "deck");
}

#[test]
fn calendar_starts_with_the_launch() {
    let (_tmp, dir) = built();
    let ics = text(&dir, "awvn/calendar.ics");
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    let first = ics.find("DTSTART:").unwrap();
    assert_eq!(&ics[first..first + 24], "DTSTART:20260302T080000Z");
    // Every item of the reference kit is published at the launch: one event, listing the
    // files of the 4 items awvn gets, not one event per item.
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1, "{ics}");
    let unfolded = ics.replace("\r\n ", "");
    for f in [
        "social/aftrap.linkedin.txt",
        "blogs/verhaal-bakkerij.html",
        "howto/deur-open.md",
        "howto/promotie-tips.md",
    ] {
        assert!(unfolded.contains(f), "{f} in\n{unfolded}");
    }
    assert!(ics.lines().all(|l| l.len() <= 75));
}

#[test]
fn download_page_lists_every_zip_with_size_and_hash() {
    let (_tmp, dir) = built();
    let index = text(&dir, "index.html");
    let (table, rest) = index.split_once("</table>").unwrap();
    let checksums = &rest[rest.find("<details").expect("checksums in a details block")..];
    for p in ["awvn", "ser", "vno-ncw", "randstad", "abu", "nbbu"] {
        let zip = std::fs::read(dir.join(format!("gelijke-kansen-mkb-{p}.zip"))).unwrap();
        let row = &table[table
            .find(&format!("href=\"{p}/"))
            .unwrap_or_else(|| panic!("{p} row"))..];
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(
            row.contains(&format!("href=\"gelijke-kansen-mkb-{p}.zip\"")),
            "{p}"
        );
        assert!(
            row.contains(&partnerkit::util::human_size(zip.len() as u64).replace('.', ",")),
            "{p} size in words: {row}"
        );
        // The examples in a partner's row are its own images.
        let srcs: Vec<&str> = row.split("src=\"").skip(1).collect();
        assert!(!srcs.is_empty(), "{p} has examples");
        assert!(
            srcs.iter().all(|s| s.starts_with(&format!("{p}/"))),
            "{p}: {srcs:?}"
        );
        assert!(!table.contains(&partnerkit::util::sha256_hex(&zip)));
        assert!(
            checksums.contains(&partnerkit::util::sha256_hex(&zip)),
            "{p} hash"
        );
    }
    assert!(index.contains("Niet publiceren vóór maandag 2 maart 2026, 9.00 uur (UTC+01:00)"));
}
