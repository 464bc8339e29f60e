//! Video items, events, moments after the launch, and calendars that update: the example kit
//! that uses them all, and broken ones.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("kits/not-the-exception")
}

/// A copy of the example kit, edited.
fn example_copy(edit: impl FnOnce(&Path)) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&example(), &tmp.path().join("kit"));
    edit(&tmp.path().join("kit"));
    tmp
}

/// `build` with the build's clock set to `epoch`.
fn build_at(kit: &Path, out: &Path, epoch: &str) -> PathBuf {
    let o = Command::new(env!("CARGO_BIN_EXE_partnerkit"))
        .args([
            "build".as_ref(),
            kit.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ])
        .env("SOURCE_DATE_EPOCH", epoch)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out.join("not-the-exception")
}

/// The VEVENTs of a calendar, unfolded: UID → its lines.
fn events(ics: &str) -> std::collections::BTreeMap<String, Vec<String>> {
    let unfolded = ics.replace("\r\n ", "");
    let mut out = std::collections::BTreeMap::new();
    for block in unfolded.split("BEGIN:VEVENT\r\n").skip(1) {
        let lines: Vec<String> = block
            .split("\r\n")
            .take_while(|l| *l != "END:VEVENT")
            .map(String::from)
            .collect();
        let uid = lines
            .iter()
            .find_map(|l| l.strip_prefix("UID:"))
            .unwrap()
            .to_string();
        out.insert(uid, lines);
    }
    out
}

fn field<'a>(lines: &'a [String], name: &str) -> &'a str {
    lines
        .iter()
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
        .unwrap_or_else(|| panic!("no {name} in {lines:?}"))
}

#[test]
fn a_video_item_brings_film_captions_page_and_posts() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = build(&example(), tmp.path());
    let pack = dir.join("platform31");
    let film = std::fs::read(pack.join("video/story-sanne.mp4")).unwrap();
    assert_eq!(
        film,
        std::fs::read(example().join("assets/story-sanne.mp4")).unwrap()
    );
    let srt = text(&pack, "video/story-sanne.srt");
    let vtt = text(&pack, "video/story-sanne.vtt");
    assert!(
        srt.starts_with(
            "1\r\n00:00:00,500 --> 00:00:03,400\r\nThey said I would not last a week.\r\n"
        ),
        "{srt}"
    );
    assert!(
        vtt.starts_with(
            "WEBVTT\n\n00:00:00.500 --> 00:00:03.400\nThey said I would not last a week.\n"
        ),
        "{vtt}"
    );
    let page = text(&pack, "video/story-sanne.html");
    for want in [
        "<video class=\"film\" controls preload=\"metadata\" width=\"640\" height=\"360\" poster=\"story-sanne.poster.jpg\">",
        "<source src=\"story-sanne.mp4\" type=\"video/mp4\">",
        "<track kind=\"captions\" src=\"story-sanne.vtt\" srclang=\"en\" label=\"English\" default>",
        "<p>They said I would not last a week. That was three years ago. Now I train the new people. I am not the exception.</p>",
        "0:12 min",
    ] {
        assert!(page.contains(want), "{want} in\n{page}");
    }
    // A post per platform of the partner, within its limit, and a share image from the poster.
    for platform in ["linkedin", "x", "mastodon", "bluesky"] {
        assert!(pack
            .join(format!("social/story-sanne.{platform}.txt"))
            .is_file());
        assert!(pack
            .join(format!("social/story-sanne.{platform}.png"))
            .is_file());
    }
    let overview = text(&pack, "README.html");
    assert!(overview.contains("href=\"video/story-sanne.html\""));
    // Partners without one of its platforms get no film.
    let manifest = text(&dir.join("bakker-en-zonen"), "manifest.json");
    assert!(manifest.contains("video/story-sanne.mp4"), "{manifest}");
}

#[test]
fn films_are_read_by_their_header() {
    use partnerkit::kit::video::{probe, Container};
    let mp4 = probe(&std::fs::read(example().join("assets/story-sanne.mp4")).unwrap()).unwrap();
    assert_eq!(
        (mp4.container, mp4.width, mp4.height),
        (Container::Mp4, 640, 360)
    );
    assert!((mp4.seconds - 12.0).abs() < 0.1, "{mp4:?}");
    let webm =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/story.webm"))
            .unwrap();
    let w = probe(&webm).unwrap();
    assert_eq!(
        (w.container, w.width, w.height),
        (Container::WebM, 640, 360)
    );
    assert!((w.seconds - 3.0).abs() < 0.1, "{w:?}");
}

#[test]
fn damaged_films_never_crash_the_reader() {
    use partnerkit::kit::video::probe;
    let mp4 = std::fs::read(example().join("assets/story-sanne.mp4")).unwrap();
    let webm =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/story.webm"))
            .unwrap();
    // Deterministic pseudo-random damage: flipped bytes, cut files, sizes made huge.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for original in [&mp4, &webm] {
        for round in 0..400 {
            let mut b = original.clone();
            match round % 3 {
                0 => {
                    for _ in 0..1 + next() % 8 {
                        let at = (next() as usize) % b.len().min(4096);
                        b[at] = next() as u8;
                    }
                }
                1 => b.truncate((next() as usize) % b.len()),
                _ => {
                    let at = (next() as usize) % b.len().min(512);
                    for x in &mut b[at..(at + 8).min(original.len())] {
                        *x = 0xff;
                    }
                }
            }
            let _ = probe(&b); // an error is fine; a panic or a hang is not
        }
    }
}

#[test]
fn caption_problems_are_named_at_their_line() {
    let tmp = example_copy(|d| {
        std::fs::write(
            d.join("assets/story-sanne.srt"),
            "1\n00:00:00,500 --> 00:00:03,400\nThey said I would not last a week, and they said it loudly to everyone.\n\n2\n00:00:03,000 --> 00:00:06,400\nThat was\nthree years\nago.\n\n3\n00:00:07,000 --> 00:00:07,500\nNow I train the new people.\n",
        )
        .unwrap();
    });
    let kit = tmp.path().join("kit");
    let o = run(&[&"check", &kit]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(normalise(&stderr(&o), &kit));
}

#[test]
fn a_video_item_needs_a_film_and_captions_that_are_what_they_say() {
    let tmp = example_copy(|d| {
        std::fs::write(d.join("assets/fake.mp4"), "not a film at all").unwrap();
        replace(
            d,
            "content/story-sanne.md",
            "video = \"assets/story-sanne.mp4\"",
            "video = \"assets/fake.mp4\"",
        );
        replace(
            d,
            "content/story-sanne.md",
            "captions = \"assets/story-sanne.srt\"\n",
            "",
        );
        replace(
            d,
            "content/launch.md",
            "kind = \"social\"",
            "kind = \"social\"\ncaptions = \"assets/story-sanne.srt\"",
        );
    });
    let kit = tmp.path().join("kit");
    let o = run(&[&"check", &kit]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(normalise(&stderr(&o), &kit));
}

#[test]
fn moments_and_events_are_checked() {
    let tmp = example_copy(|d| {
        replace(
            d,
            "content/story-sanne.md",
            "publish = \"march-story\"",
            "publish = \"march-stroy\"",
        );
        replace(
            d,
            "kit.toml",
            "at = 2027-03-15T10:00:00+01:00",
            "at = 2027-01-15T10:00:00+01:00",
        );
        replace(
            d,
            "kit.toml",
            "end = 2027-02-22T16:30:00+01:00",
            "end = 2027-02-22T14:30:00+01:00",
        );
        replace(
            d,
            "kit.toml",
            "partners = [\"platform31\", \"wsp-zwolle\"]\n\n[[events]]",
            "partners = [\"platform31\", \"wsp-zwole\"]\n\n[[events]]",
        );
    });
    let kit = tmp.path().join("kit");
    let o = run(&[&"check", &kit]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(normalise(&stderr(&o), &kit));
}

#[test]
fn steps_and_events_reach_the_overview_and_calendar_per_partner() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = build(&example(), tmp.path());
    let wsp = events(&text(&dir.join("wsp-zwolle"), "calendar.ics"));
    let bakker = events(&text(&dir.join("bakker-en-zonen"), "calendar.ics"));
    let domain = "wsp-zwolle.not-the-exception.partnerkit";
    let movie = &wsp[&format!("event-make-your-movie@{domain}")];
    assert_eq!(field(movie, "DTSTART"), "20270222T140000Z");
    assert_eq!(field(movie, "DTEND"), "20270222T153000Z");
    assert_eq!(field(movie, "LOCATION"), "Online");
    assert_eq!(
        field(movie, "URL"),
        "https://www.example.org/not-the-exception/workshop"
    );
    assert!(field(movie, "DESCRIPTION").starts_with("A script outline"));
    assert!(
        !bakker
            .keys()
            .any(|u| u.starts_with("event-make-your-movie")),
        "not for bakker"
    );
    assert!(bakker
        .keys()
        .any(|u| u.starts_with("event-stories-evening")));
    // One event per publish moment, listing its files: the March story step carries the film.
    let step = &wsp[&format!("moment-march-story@{domain}")];
    assert_eq!(field(step, "SUMMARY"), "The March story: Sanne");
    assert!(field(step, "DESCRIPTION").contains("video/story-sanne.mp4"));
    assert_eq!(
        wsp.keys().filter(|u| u.starts_with("publish-")).count(),
        1,
        "{:?}",
        wsp.keys()
    );
    // The overview: the step in its place in the schedule, the events as an agenda.
    let overview = text(&dir.join("wsp-zwolle"), "README.html");
    let launch = overview
        .find("<td><b>Collective kick-off</b></td>")
        .unwrap();
    let march = overview.find("<b>The March story: Sanne</b>").unwrap();
    let sanne = overview
        .rfind("Sanne: “They said I would not last a week”</td>")
        .unwrap();
    assert!(launch < march && march < sanne, "steps in order");
    assert!(overview.contains("<h2 id=\"agenda\">Events</h2>"));
    assert!(
        overview.contains("Monday 22 February 2027, 15:00 (UTC+01:00) – 16:30 (UTC+01:00)"),
        "{overview}"
    );
}

#[test]
fn a_calendar_imported_again_moves_what_changed_and_only_that() {
    let tmp = example_copy(|_| {});
    let kit = tmp.path().join("kit");
    let out = tmp.path().join("out");
    let first = events(&text(
        &build_at(&kit, &out, "1800000000").join("platform31"),
        "calendar.ics",
    ));
    let second = events(&text(
        &build_at(&kit, &out, "1800100000").join("platform31"),
        "calendar.ics",
    ));
    assert_eq!(
        first, second,
        "nothing changed: same UIDs, SEQUENCE and DTSTAMP"
    );
    assert!(first.values().all(|e| field(e, "SEQUENCE") == "0"));
    replace(
        &kit,
        "kit.toml",
        "title = \"Make your own one-minute movie\"",
        "title = \"Make your own one-minute film\"",
    );
    let third = events(&text(
        &build_at(&kit, &out, "1800200000").join("platform31"),
        "calendar.ics",
    ));
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        third.keys().collect::<Vec<_>>(),
        "stable UIDs"
    );
    for (uid, e) in &third {
        if uid.starts_with("event-make-your-movie@") {
            assert_eq!(field(e, "SEQUENCE"), "1");
            assert_eq!(
                field(e, "DTSTAMP"),
                "20270117T153320Z",
                "stamped with the build that changed it"
            );
            assert_eq!(field(e, "SUMMARY"), "Make your own one-minute film");
        } else {
            assert_eq!(e, &first[uid], "{uid} unchanged");
        }
    }
}
