//! Handing packs out: private links per partner from the adviser's key, and the embargo on
//! every page until the launch.

use std::path::Path;
use std::process::Command;

use crate::common::*;

const KEY_A: &str = "WvXo3kq0Qn7Cz1m3yQ6b0Hc2kz8Xq5GJ0yq9b0pQm6E=";
const KEY_B: &str = "p5Y0g6QkS1yJt8m2Zr4Vx7cL9nB3dF0hK2jA6sE8wQ1=";

/// Builds `kit` into `out` with the link key `key` (through the environment variable).
fn build_with_key(kit: &Path, out: &Path, key: &str) -> std::path::PathBuf {
    let o = Command::new(env!("CARGO_BIN_EXE_partnerkit"))
        .args([
            "build".as_ref(),
            kit.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ])
        .env("PARTNERKIT_LINK_KEY", key)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    out.join("gelijke-kansen-mkb")
}

fn private_kit(tmp: &Path) -> std::path::PathBuf {
    let kit = tmp.join("kit");
    copy_dir(&reference_kit(), &kit);
    let mut toml = std::fs::read_to_string(kit.join("kit.toml")).unwrap();
    toml.push_str("\n[distribution]\nprivate_links = true\n");
    std::fs::write(kit.join("kit.toml"), toml).unwrap();
    kit
}

/// (partner id, token) from links.csv.
fn tokens(dir: &Path) -> Vec<(String, String)> {
    let csv = text(dir, "links.csv");
    csv.lines()
        .skip(1)
        .map(|l| {
            let cols: Vec<&str> = l.split(',').map(|c| c.trim_matches('"')).collect();
            let folder = cols[2].split('/').next().unwrap();
            let token = folder.rsplit('-').next().unwrap().to_string();
            (cols[0].to_string(), token)
        })
        .collect()
}

#[test]
fn private_links_are_stable_per_key_and_never_cross_partners() {
    let tmp = tempfile::tempdir().unwrap();
    let kit = private_kit(tmp.path());
    let a1 = build_with_key(&kit, &tmp.path().join("a1"), KEY_A);
    let a2 = build_with_key(&kit, &tmp.path().join("a2"), KEY_A);
    let b = build_with_key(&kit, &tmp.path().join("b"), KEY_B);
    let (ta, tb) = (tokens(&a1), tokens(&b));
    assert_eq!(ta.len(), 6);
    assert_eq!(ta, tokens(&a2), "the same key gives the same links");
    for ((pa, a), (pb, bt)) in ta.iter().zip(&tb) {
        assert_eq!(pa, pb);
        assert_ne!(a, bt, "another key gives other links");
        assert_eq!(a.len(), 26, "128 bits in base32");
        assert!(a1.join(format!("{pa}-{a}")).is_dir());
        assert!(a1
            .join(format!("gelijke-kansen-mkb-{pa}-{a}.zip"))
            .is_file());
        assert!(!a1.join(pa).exists(), "no folder without its token");
    }
    // No file of one partner (its folder or its zip) names another partner's token.
    for (partner, token) in &ta {
        let mut own = files(&a1.join(format!("{partner}-{token}")));
        own.push((
            "zip".into(),
            std::fs::read(a1.join(format!("gelijke-kansen-mkb-{partner}-{token}.zip"))).unwrap(),
        ));
        for (other, other_token) in ta.iter().filter(|(p, _)| p != partner) {
            for (path, bytes) in &own {
                assert!(
                    !bytes
                        .windows(other_token.len())
                        .any(|w| w == other_token.as_bytes()),
                    "{partner}'s {path} names {other}'s token"
                );
            }
        }
    }
    // The download page is the adviser's: not for publication, not for search engines.
    let index = text(&a1, "index.html");
    assert!(index.contains("Niet publiceren: deze pagina is alleen voor de adviseur"));
    assert!(index.contains("<meta name=\"robots\" content=\"noindex, nofollow\">"));
    assert!(text(&a1, "report.html").contains("noindex"));
    // The key is never in the output.
    for (path, bytes) in files(&a1) {
        assert!(
            !bytes.windows(KEY_A.len()).any(|w| w == KEY_A.as_bytes()),
            "{path} holds the key"
        );
    }
}

#[test]
fn a_missing_or_short_key_is_explained() {
    let tmp = tempfile::tempdir().unwrap();
    let kit = private_kit(tmp.path());
    let o = Command::new(env!("CARGO_BIN_EXE_partnerkit"))
        .args([
            "build".as_ref(),
            kit.as_os_str(),
            "--out".as_ref(),
            tmp.path().join("o").as_os_str(),
        ])
        .env_remove("PARTNERKIT_LINK_KEY")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!("missing_key", stderr(&o));
    std::fs::write(tmp.path().join("kort.key"), "kort\n").unwrap();
    let o = run(&[
        &"build",
        &kit,
        &"--out",
        &tmp.path().join("o"),
        &"--link-key",
        &tmp.path().join("kort.key"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!("short_key", stderr(&o));
    // check needs no key: the links are not written.
    assert!(run(&[&"check", &kit]).status.success());
}

#[test]
fn before_the_launch_every_page_says_embargo_and_keeps_search_engines_out() {
    let tmp = starter(|_| {});
    let kit = tmp.path().join("kit");
    let dir = build(&kit, &tmp.path().join("out"));
    let pages: Vec<(String, Vec<u8>)> = files(&dir)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .collect();
    assert!(pages.len() >= 8, "{}", pages.len());
    for (path, bytes) in &pages {
        let html = String::from_utf8_lossy(bytes);
        assert!(
            html.contains("<meta name=\"robots\" content=\"noindex, nofollow\">"),
            "{path} lacks noindex"
        );
        assert!(
            html.contains("Embargo tot") || html.contains("Niet publiceren vóór"),
            "{path} does not say the embargo"
        );
    }
    // After the launch (the build's "now" from SOURCE_DATE_EPOCH): no more noindex.
    let o = Command::new(env!("CARGO_BIN_EXE_partnerkit"))
        .args([
            "build".as_ref(),
            kit.as_os_str(),
            "--out".as_ref(),
            tmp.path().join("later").as_os_str(),
        ])
        .env("SOURCE_DATE_EPOCH", "1900000000")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    for (path, bytes) in files(&tmp.path().join("later/mijn-campagne")) {
        if path.ends_with(".html") {
            assert!(
                !String::from_utf8_lossy(&bytes).contains("noindex"),
                "{path} keeps noindex after the launch"
            );
        }
    }
}

#[test]
fn each_build_numbers_itself_and_says_what_changed() {
    let tmp = starter(|_| {});
    let kit = tmp.path().join("kit");
    let out = tmp.path().join("out");
    let dir = build(&kit, &out);
    let pack = dir.join("werkgeversvereniging");
    assert!(text(&pack, "LEESMIJ.html").contains("Versie 1 · "));
    assert!(text(&pack, "CHANGES.html").contains("Dit is de eerste versie van dit pakket."));
    assert_eq!(text(&dir, ".partnerkit-build"), "version 1\n");

    // An edit: the changed statement is listed with the changed word marked.
    replace(
        &kit,
        "content/aftrap.md",
        "Doet {{address \"je\" \"u\"}} mee?",
        "Doet {{address \"je\" \"u\"}} ook mee?",
    );
    build(&kit, &out);
    assert!(text(&pack, "LEESMIJ.html").contains("Versie 2 · "));
    assert!(text(&pack, "LEESMIJ.html").contains("href=\"CHANGES.html\""));
    let changes = text(&pack, "CHANGES.html");
    assert!(changes.contains("Veranderd sinds versie 1."), "{changes}");
    assert!(
        changes.contains("<code>social/aftrap.linkedin.txt</code>"),
        "{changes}"
    );
    assert!(
        changes.contains("<mark>ook </mark>") || changes.contains("<mark>ook</mark>"),
        "{changes}"
    );
    assert!(
        !changes.contains("<code>manifest.json</code>"),
        "versioned files are not listed"
    );

    // A build without changes says so.
    build(&kit, &out);
    assert!(text(&pack, "CHANGES.html").contains("Niets veranderd sinds versie 2."));
    assert_eq!(text(&dir, ".partnerkit-build"), "version 3\n");

    // A partner's colour: its images and PDFs changed (compared by the SHA-256 the previous
    // manifest lists), the other partner's not.
    replace(
        &kit,
        "kit.toml",
        "colour = \"#7a1f5c\"",
        "colour = \"#1f5c7a\"",
    );
    build(&kit, &out);
    let changes = text(&pack, "CHANGES.html");
    assert!(changes.contains(".pdf</code>"), "{changes}");
    assert!(changes.contains(".png</code>"), "{changes}");
    let other = dir.join("gemeente");
    assert!(
        text(&other, "CHANGES.html").contains("Niets veranderd sinds versie 3."),
        "{}",
        text(&other, "CHANGES.html")
    );
    build(&kit, &out);
    assert!(text(&pack, "CHANGES.html").contains("Niets veranderd sinds versie 4."));

    // A fresh --out starts again at version 1, byte for byte the same as any first build.
    let fresh = build(&kit, &tmp.path().join("fresh"));
    let again = build(&kit, &tmp.path().join("again"));
    assert_eq!(files(&fresh), files(&again));
    assert!(text(&fresh.join("werkgeversvereniging"), "LEESMIJ.html").contains("Versie 1 · "));
}

#[test]
fn local_times_in_the_kits_time_zone() {
    let tmp = starter(|d| {
        replace(
            d,
            "kit.toml",
            "launch = 2027-03-01T09:00:00+01:00",
            "launch = 2027-03-01T09:00:00\ntimezone = \"Europe/Amsterdam\"",
        );
    });
    let kit = tmp.path().join("kit");
    let dir = build(&kit, &tmp.path().join("out"));
    let overview = text(&dir.join("gemeente"), "LEESMIJ.html");
    assert!(
        overview.contains("maandag 1 maart 2027, 9.00 uur (Nederlandse tijd)"),
        "the overview says local time in words"
    );
    // The calendar holds the same instant in UTC: 9.00 in Dutch winter time is 8.00 UTC.
    assert!(text(&dir.join("gemeente"), "calendar.ics").contains("DTSTART:20270301T080000Z"));

    // A misspelt zone is named, with the nearest one.
    let tmp = starter(|d| {
        replace(
            d,
            "kit.toml",
            "launch = 2027-03-01T09:00:00+01:00",
            "launch = 2027-03-01T09:00:00+01:00\ntimezone = \"Europe/Amsterdm\"",
        );
    });
    let o = run(&[&"check", &tmp.path().join("kit")]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!("misspelt_time_zone", stderr(&o));
}
