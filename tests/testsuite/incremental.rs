//! The build cache beside the output: a rebuild draws only what changed, and what it writes is
//! byte for byte what a build without the cache writes after the same edits.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::{files, replace, starter, stderr};

/// `partnerkit build KIT --out OUT --timings [extra]` at a fixed build date.
fn build(kit: &Path, out: &Path, extra: &[&str]) -> Output {
    let o = Command::new(env!("CARGO_BIN_EXE_partnerkit"))
        .arg("build")
        .arg(kit)
        .arg("--out")
        .arg(out)
        .arg("--timings")
        .args(extra)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .output()
        .expect("partnerkit runs");
    assert!(o.status.success(), "{}", stderr(&o));
    o
}

/// (reused, drawn) as `--timings` reports them.
fn cache_counts(o: &Output) -> (usize, usize) {
    let n = cache_numbers(o);
    (n[0], n[1])
}

/// The numbers of the cache line: reused, drawn, zips that copied their first part.
fn cache_numbers(o: &Output) -> Vec<usize> {
    let err = stderr(o);
    let line = err
        .lines()
        .find(|l| l.trim_start().starts_with("cache "))
        .unwrap_or_else(|| panic!("no cache line in:\n{err}"));
    let numbers: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|s| s.parse().ok())
        .collect();
    assert_eq!(numbers.len(), 3, "{line}");
    numbers
}

/// The campaign folder's files: the cached build's and the uncached build's must be equal.
fn campaign(out: &Path) -> Vec<(String, Vec<u8>)> {
    files(&out.join("mijn-campagne"))
}

/// The bytes of the campaign's file `rel` in the output `out`.
fn campaign_file(out: &Path, rel: &str) -> Vec<u8> {
    let path = out.join("mijn-campagne").join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn assert_same(cached: &Path, clean: &Path) {
    let (a, b) = (campaign(cached), campaign(clean));
    assert!(!a.is_empty());
    assert_eq!(
        a.iter().map(|f| &f.0).collect::<Vec<_>>(),
        b.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for ((path, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{path} differs from the build without cache");
    }
}

/// Builds `kit` with the cache into `cached` and without into `clean` (so both have the same
/// history of builds), checks the two are equal and returns the cached build's output.
fn both(kit: &Path, cached: &Path, clean: &Path) -> Output {
    let o = build(kit, cached, &[]);
    build(kit, clean, &["--no-cache"]);
    assert_same(cached, clean);
    o
}

/// The starter kit in a scratch folder, with the folders for a cached and a clean build:
/// (scratch, kit, cached, clean).
fn starter_and_outputs() -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf) {
    let tmp = starter(|_| {});
    let kit = tmp.path().join("kit");
    let (cached, clean) = (tmp.path().join("cached"), tmp.path().join("clean"));
    (tmp, kit, cached, clean)
}

fn campaign_id(kit: &Path) -> String {
    let toml = std::fs::read_to_string(kit.join("kit.toml")).unwrap();
    toml.lines()
        .find_map(|l| l.strip_prefix("id = \""))
        .and_then(|l| l.split('"').next())
        .unwrap()
        .to_string()
}

#[test]
fn editing_an_article_draws_nothing_again_and_gives_the_clean_build() {
    let tmp = starter(|_| {});
    let kit = tmp.path().join("kit");
    assert_eq!(campaign_id(&kit), "mijn-campagne");
    let (cached, clean) = (tmp.path().join("cached"), tmp.path().join("clean"));

    let first = both(&kit, &cached, &clean);
    let (hits, drawn) = cache_counts(&first);
    assert_eq!(hits, 0, "an empty cache gives nothing");
    assert!(drawn > 10, "{drawn}");

    // The same kit again: everything from the cache.
    let again = both(&kit, &cached, &clean);
    assert_eq!(cache_counts(&again), (drawn, 0));

    // One article's text: the articles change, no image or PDF does.
    replace(
        &kit,
        "content/verhaal.md",
        "Het viel mee,",
        "Het viel reuze mee,",
    );
    let edited = both(&kit, &cached, &clean);
    assert_eq!(cache_counts(&edited), (drawn, 0));
    // Every pack's zip copied its images and PDFs from the previous zip (on Unix: elsewhere a
    // zip has no identity to be known by), and (`both`) is the zip of the clean build.
    let packs = std::fs::read_dir(cached.join("mijn-campagne"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "zip")
        })
        .count();
    assert!(packs >= 2, "{packs}");
    let copied = if cfg!(unix) { packs } else { 0 };
    assert_eq!(cache_numbers(&edited)[2], copied);
    let article = campaign(&cached)
        .into_iter()
        .find(|(p, _)| p.ends_with("verhaal.html"))
        .expect("the story's page");
    assert!(String::from_utf8_lossy(&article.1).contains("reuze"));
}

#[test]
fn a_changed_template_or_logo_draws_what_it_touches_again() {
    let (_tmp, kit, cached, clean) = starter_and_outputs();
    let (_, drawn) = cache_counts(&both(&kit, &cached, &clean));

    // The kit's own share-image template: every share image is drawn again, the cards are not.
    std::fs::create_dir_all(kit.join("templates")).unwrap();
    let builtin = include_str!("../../templates/share.svg.hbs");
    let own = builtin.replacen("<svg", "<svg data-version=\"2\"", 1);
    assert_ne!(own, builtin);
    std::fs::write(kit.join("templates/share.svg.hbs"), own).unwrap();
    let o = both(&kit, &cached, &clean);
    let (hits, again) = cache_counts(&o);
    let shares = campaign(&cached)
        .iter()
        .filter(|(p, _)| p.contains("/social/") && p.ends_with(".png"))
        .count();
    assert!(shares > 0);
    assert!(again >= shares, "{again} drawn, {shares} share images");
    assert!(hits > 0, "the cards come from the cache");
    assert_eq!(hits + again, drawn);

    // The campaign logo is on every card back: every PDF is drawn again. (An edit that leaves
    // the drawn logo as it was, such as an attribute, draws only the logo again: its large
    // copy and its copy for screens, both drawn from the SVG.)
    let logo = kit.join("assets/logo.svg");
    let svg = std::fs::read_to_string(&logo).unwrap();
    std::fs::write(&logo, svg.replacen("<svg", "<svg data-edit=\"1\"", 1)).unwrap();
    assert_eq!(cache_counts(&both(&kit, &cached, &clean)), (drawn - 2, 2));
    std::fs::write(&logo, svg.replace("#00689e", "#8a2be2")).unwrap();
    let o = both(&kit, &cached, &clean);
    let (_, redrawn) = cache_counts(&o);
    let pdfs = campaign(&cached)
        .iter()
        .filter(|(p, _)| p.ends_with(".pdf"))
        .count();
    assert!(redrawn >= pdfs, "{redrawn} drawn, {pdfs} PDFs");
}

/// The output's images, PDFs and article pages are links to the cache's files, not copies: a
/// build writes each once.
#[cfg(unix)]
#[test]
fn images_pdfs_and_article_pages_are_linked_not_copied() {
    use std::os::unix::fs::MetadataExt;
    let tmp = starter(|_| {});
    let kit = tmp.path().join("kit");
    let out = tmp.path().join("out");
    build(&kit, &out, &[]);
    let dir = out.join("mijn-campagne");
    let mut linked = 0;
    for (rel, _) in files(&dir) {
        let links = std::fs::metadata(dir.join(&rel)).unwrap().nlink();
        let article =
            rel.ends_with(".html") && (rel.contains("/blogs/") || rel.contains("/howto/"));
        if rel.ends_with(".pdf") || (rel.ends_with(".png") && rel.contains('/')) || article {
            linked += usize::from(links == 2);
        } else {
            assert_eq!(links, 1, "{rel}");
        }
    }
    assert!(linked > 10, "{linked}");
    // Without the cache, nothing is linked.
    let out = tmp.path().join("uncached");
    let dir = out.join("mijn-campagne");
    build(&kit, &out, &["--no-cache"]);
    for (rel, _) in files(&dir) {
        assert_eq!(
            std::fs::metadata(dir.join(&rel)).unwrap().nlink(),
            1,
            "{rel}"
        );
    }
}

/// A text two packs hold at the same place with the same bytes (here: a second partner with
/// the same name, address form and channels) is one file with a name in each pack; a text that
/// differs is a file of its own. Both outputs equal the build without cache, and editing one of
/// the linked texts by hand in the output is undone by the next build in every pack.
#[cfg(unix)]
#[test]
fn a_text_packs_share_is_one_file() {
    use std::os::unix::fs::MetadataExt;
    let tmp = starter(|kit| {
        let toml = kit.join("kit.toml");
        let text = std::fs::read_to_string(&toml).unwrap();
        let twin = "[[partners]]\nid = \"buurgemeente\"\nname = \"Gemeente Voorbeeldstad\"\n\
                    address = \"je\"\nchannels = [\"instagram\", \"facebook\", \"newsletter\"]\n\n\
                    [[decks]]";
        std::fs::write(&toml, text.replacen("[[decks]]", twin, 1)).unwrap();
    });
    let kit = tmp.path().join("kit");
    let (cached, clean) = (tmp.path().join("cached"), tmp.path().join("clean"));
    both(&kit, &cached, &clean);
    let dir = cached.join("mijn-campagne");
    let (mut shared, mut own) = (0, 0);
    for (rel, bytes) in files(&dir.join("gemeente")) {
        if rel.ends_with(".png") || rel.ends_with(".pdf") || rel.ends_with(".html") {
            continue;
        }
        let twin = dir.join("buurgemeente").join(&rel);
        let (a, b) = (
            std::fs::metadata(dir.join("gemeente").join(&rel)).unwrap(),
            std::fs::metadata(&twin).unwrap(),
        );
        if std::fs::read(&twin).unwrap() == bytes {
            assert_eq!(a.ino(), b.ino(), "{rel} is written twice");
            shared += 1;
        } else {
            assert_ne!(a.ino(), b.ino(), "{rel}");
            own += 1;
        }
    }
    assert!(shared >= 3, "{shared} texts shared");
    assert!(own >= 1, "{own} texts of their own");
    // Edited by hand in the output (in place, so in both packs): the next build writes it again.
    let md = dir.join("gemeente/howto/eerste-stap.md");
    let before = std::fs::read(&md).unwrap();
    let mut changed = before.clone();
    changed.extend_from_slice(b"\nnog iets\n");
    std::fs::write(&md, &changed).unwrap();
    std::fs::write(
        clean.join("mijn-campagne/gemeente/howto/eerste-stap.md"),
        &changed,
    )
    .unwrap();
    std::fs::write(
        clean.join("mijn-campagne/buurgemeente/howto/eerste-stap.md"),
        &changed,
    )
    .unwrap();
    both(&kit, &cached, &clean);
    for pack in ["gemeente", "buurgemeente"] {
        let md = dir.join(pack).join("howto/eerste-stap.md");
        assert_eq!(std::fs::read(md).unwrap(), before, "{pack}");
    }
}

/// The cache folder beside the output `cached`, and its entries (every file but the index).
fn cache_entries(cached: &Path) -> (PathBuf, Vec<(String, Vec<u8>)>) {
    let cache = cached.join(".mijn-campagne.partnerkit-cache");
    let mut entries = files(&cache);
    // Not the index, nor the memos of the zips (what the next zip may copy), nor the records of
    // what each deck and share image made (which name drawings), nor the articles' pages: no
    // drawing.
    entries.retain(|(rel, bytes)| {
        rel != "index"
            && !bytes.starts_with(b"zipmemo")
            && !bytes.starts_with(b"partnerkit deck record")
            && !bytes.starts_with(b"partnerkit share record")
            && !bytes.starts_with(b"<!DOCTYPE html>")
    });
    (cache, entries)
}

#[test]
fn a_damaged_cache_is_drawn_again_never_used() {
    let (_tmp, kit, cached, clean) = starter_and_outputs();
    let (_, drawn) = cache_counts(&both(&kit, &cached, &clean));
    let (cache, entries) = cache_entries(&cached);
    // Every entry replaced by a damaged copy (a new file: the output, linked to the old one,
    // keeps its bytes, so both sides compare against the same previous build).
    let mut damaged = 0;
    for (rel, mut bytes) in entries {
        let last = bytes.len() - 1;
        bytes[last] ^= 0x55;
        std::fs::remove_file(cache.join(&rel)).unwrap();
        std::fs::write(cache.join(rel), bytes).unwrap();
        damaged += 1;
    }
    assert_eq!(damaged, drawn);
    let o = both(&kit, &cached, &clean);
    assert_eq!(cache_counts(&o), (0, drawn));
}

/// An image of the output changed in place (it is the cache's file too: they are linked) is
/// not taken for the drawing, though the cache no longer reads what it vouches for: the
/// rebuild draws it again and gives the clean build.
#[test]
fn an_output_image_changed_in_place_is_drawn_again() {
    use std::io::{Seek, Write};
    let (_tmp, kit, cached, clean) = starter_and_outputs();
    let (_, drawn) = cache_counts(&both(&kit, &cached, &clean));
    let (png, bytes) = campaign(&cached)
        .into_iter()
        .find(|(p, _)| p.ends_with(".png"))
        .expect("an image");
    // One byte other, the length the same, written into the file itself.
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .open(cached.join("mijn-campagne").join(&png))
        .unwrap();
    f.seek(std::io::SeekFrom::Start(100)).unwrap();
    f.write_all(&[bytes[100] ^ 0x55]).unwrap();
    drop(f);
    let o = both(&kit, &cached, &clean);
    assert_eq!(cache_counts(&o), (drawn - 1, 1), "{png}");
}

/// The file `rel` of the campaign folder: its inode.
fn inode(out: &Path, rel: &str) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(out.join("mijn-campagne").join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
        .ino()
}

#[test]
fn a_rebuild_keeps_unchanged_files_and_writes_changed_ones() {
    let (_tmp, kit, cached, clean) = starter_and_outputs();
    both(&kit, &cached, &clean);
    let calendar = inode(&cached, "gemeente/calendar.ics");
    let story = inode(&cached, "gemeente/blogs/verhaal.md");
    replace(
        &kit,
        "content/verhaal.md",
        "Het viel mee,",
        "Het viel reuze mee,",
    );
    both(&kit, &cached, &clean);
    // The same bytes: the previous file, moved into the new output.
    assert_eq!(inode(&cached, "gemeente/calendar.ics"), calendar);
    // Other bytes: a new file.
    assert_ne!(inode(&cached, "gemeente/blogs/verhaal.md"), story);
    let md = std::fs::read_to_string(cached.join("mijn-campagne/gemeente/blogs/verhaal.md"));
    assert!(md.unwrap().contains("reuze"));

    // A file changed by hand in the output (in both, so their change pages agree) is written
    // again, not kept.
    let bytes = std::fs::read(cached.join("mijn-campagne/gemeente/calendar.ics")).unwrap();
    for out in [&cached, &clean] {
        let mut changed = bytes.clone();
        changed[0] ^= 0x20;
        std::fs::write(out.join("mijn-campagne/gemeente/calendar.ics"), &changed).unwrap();
    }
    both(&kit, &cached, &clean);
    let ics = cached.join("mijn-campagne/gemeente/calendar.ics");
    assert_eq!(std::fs::read(ics).unwrap(), bytes);
}

#[test]
fn a_rebuild_never_links_through_a_folder_link_in_the_previous_output() {
    use std::os::unix::fs::MetadataExt;
    let (tmp, kit, cached, clean) = starter_and_outputs();
    both(&kit, &cached, &clean);
    // The pack's blogs folder replaced by a link to a folder outside with the same files (in
    // both outputs, so their change pages agree).
    let blogs = cached.join("mijn-campagne/gemeente/blogs");
    let outside = tmp.path().join("outside");
    for (out, away) in [(&cached, &outside), (&clean, &tmp.path().join("outside-2"))] {
        let blogs = out.join("mijn-campagne/gemeente/blogs");
        std::fs::create_dir(away).unwrap();
        for e in std::fs::read_dir(&blogs).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), away.join(e.file_name())).unwrap();
        }
        std::fs::remove_dir_all(&blogs).unwrap();
        std::os::unix::fs::symlink(away, &blogs).unwrap();
    }
    both(&kit, &cached, &clean);
    assert!(!std::fs::symlink_metadata(&blogs)
        .unwrap()
        .file_type()
        .is_symlink());
    for e in std::fs::read_dir(&outside).unwrap() {
        let e = e.unwrap();
        assert_eq!(
            e.metadata().unwrap().nlink(),
            1,
            "{:?} was linked",
            e.path()
        );
        assert_ne!(
            e.metadata().unwrap().ino(),
            std::fs::metadata(blogs.join(e.file_name())).unwrap().ino()
        );
    }
}

/// A previous file with an execute bit (or any mode a fresh file would not have) is written
/// anew, not linked: a link would keep that mode in the new output.
#[cfg(unix)]
#[test]
fn a_rebuild_never_keeps_a_mode_the_build_would_not_give() {
    use std::os::unix::fs::PermissionsExt;
    let (_tmp, kit, cached, clean) = starter_and_outputs();
    both(&kit, &cached, &clean);
    let calendar = inode(&cached, "gemeente/calendar.ics");
    let ics = cached.join("mijn-campagne/gemeente/calendar.ics");
    std::fs::set_permissions(&ics, std::fs::Permissions::from_mode(0o755)).unwrap();
    both(&kit, &cached, &clean);
    assert_ne!(inode(&cached, "gemeente/calendar.ics"), calendar);
    let mode = std::fs::metadata(&ics).unwrap().permissions().mode();
    assert_eq!(mode & 0o111, 0, "{mode:o}");
}

/// A cache entry the output may not link to (here: one with an execute bit) is copied into
/// the output: the pack let go of its bytes once zipped, so they are read back from the entry.
#[cfg(unix)]
#[test]
fn a_cache_entry_the_output_may_not_link_to_is_copied() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let (_tmp, kit, cached, clean) = starter_and_outputs();
    let (_, drawn) = cache_counts(&both(&kit, &cached, &clean));
    let (cache, found) = cache_entries(&cached);
    let mut entries = 0;
    for (rel, _) in found {
        let perms = std::fs::Permissions::from_mode(0o755);
        std::fs::set_permissions(cache.join(rel), perms).unwrap();
        entries += 1;
    }
    assert_eq!(entries, drawn);
    replace(
        &kit,
        "content/verhaal.md",
        "Het viel mee,",
        "Het viel reuze mee,",
    );
    let o = both(&kit, &cached, &clean);
    assert_eq!(cache_counts(&o), (drawn, 0));
    let mut images = 0;
    for (rel, _) in campaign(&cached) {
        if rel.ends_with(".png") || rel.ends_with(".pdf") {
            let meta = std::fs::metadata(cached.join("mijn-campagne").join(&rel)).unwrap();
            assert_eq!(meta.mode() & 0o111, 0, "{rel}");
            assert_eq!(meta.nlink(), 1, "{rel} is linked");
            images += 1;
        }
    }
    assert!(images > 0);
}

/// A deck's files are taken from the cache by a record of their inputs (no card laid out); an
/// edit of any input the cards show makes them again, as a build without the cache does. Each
/// edit below changes the card files; a record that missed it would give the previous ones.
#[test]
fn every_input_of_the_cards_makes_them_again() {
    let (_tmp, kit, cached, clean) = starter_and_outputs();
    let cards = |out: &Path| -> Vec<(String, Vec<u8>)> {
        campaign(out)
            .into_iter()
            .filter(|(p, _)| p.contains("/cards/"))
            .collect()
    };
    both(&kit, &cached, &clean);
    let mut before = cards(&cached);
    assert!(before.len() > 4, "{}", before.len());
    for (from, to) in [
        // The partner: its name (PDF titles, the logo's alt text) and colour.
        (
            "name = \"Werkgeversvereniging Voorbeeld\"",
            "name = \"Werkgeversvereniging Elders\"",
        ),
        ("colour = \"#7a1f5c\"", "colour = \"#1f5c7a\""),
        // The deck: a card's text, the deck's title.
        (
            "Wie ken jij die het al doet?",
            "Wie kent u die het al doet?",
        ),
        ("title = \"Waar begin jij?\"", "title = \"Waar begint u?\""),
        // The campaign: its owner (the PDFs' author).
        (
            "owner = \"Ministerie van Voorbeeldzaken\"",
            "owner = \"Ministerie van Andere Zaken\"",
        ),
    ] {
        replace(&kit, "kit.toml", from, to);
        let o = both(&kit, &cached, &clean);
        let after = cards(&cached);
        assert!(after != before, "after `{to}` the cards changed");
        let (_, drawn) = cache_counts(&o);
        assert!(drawn > 0, "after `{to}` something is drawn again");
        before = after;
    }
}

/// An article's page is taken from the cache by a hash of its inputs; an edit of any of them
/// (its text, the partner, the campaign, the kit's own template) makes it again, as a build
/// without the cache does (`both` compares every file).
#[test]
fn every_input_of_an_article_page_makes_it_again() {
    let (_tmp, kit, cached, clean) = starter_and_outputs();
    // The story's page for the partner renamed below.
    let page = |out: &Path| campaign_file(out, "werkgeversvereniging/blogs/verhaal.html");
    both(&kit, &cached, &clean);
    let mut before = page(&cached);
    let builtin = include_str!("../../templates/article.html.hbs");
    std::fs::create_dir_all(kit.join("templates")).unwrap();
    let edits: [(&str, &str, &str); 4] = [
        ("content/verhaal.md", "Het viel mee,", "Het viel reuze mee,"),
        (
            "kit.toml",
            "name = \"Werkgeversvereniging Voorbeeld\"",
            "name = \"Werkgeversvereniging Elders\"",
        ),
        (
            "kit.toml",
            "title = \"Samen aan de slag\"",
            "title = \"Samen verder\"",
        ),
        ("templates/article.html.hbs", "", ""),
    ];
    for (file, from, to) in edits {
        if from.is_empty() {
            let own = builtin.replacen("</body>", "<p>Eigen sjabloon</p></body>", 1);
            assert_ne!(own, builtin);
            std::fs::write(kit.join(file), own).unwrap();
        } else {
            replace(&kit, file, from, to);
        }
        both(&kit, &cached, &clean);
        let after = page(&cached);
        assert!(after != before, "after editing {file} the page changed");
        before = after;
    }
}

/// A share image is taken from the cache by a record of its inputs (nothing laid out); an edit
/// of any of them makes it again, as a build without the cache does (`both` compares every
/// file): its words, the campaign's hashtag, the partner's colour, a photo added, and the
/// photo's file changed under the same name.
#[test]
fn every_input_of_a_share_image_makes_it_again() {
    let (_tmp, kit, cached, clean) = starter_and_outputs();
    let image = |out: &Path| campaign_file(out, "werkgeversvereniging/social/aftrap.linkedin.png");
    let photo = |shade: u8| {
        let img = image::RgbImage::from_fn(64, 48, |x, y| {
            image::Rgb([shade, (x * 4) as u8, (y * 5) as u8])
        });
        img.save(kit.join("assets/foto.png")).unwrap();
    };
    both(&kit, &cached, &clean);
    let mut before = image(&cached);
    let edits: [(&str, &str, &str); 4] = [
        (
            "content/aftrap.md",
            "Iedereen verdient een eerlijke kans op werk",
            "Iedereen verdient een eerlijke kans",
        ),
        ("kit.toml", "\"#samenaandeslag\"", "\"#samenverder\""),
        ("kit.toml", "colour = \"#7a1f5c\"", "colour = \"#1f5c7a\""),
        (
            "content/aftrap.md",
            "# image = \"assets/foto.jpg\"",
            "image = \"assets/foto.png\"\nimage_alt = \"Twee collega's aan een bureau\"\n#",
        ),
    ];
    photo(40);
    for (file, from, to) in edits {
        replace(&kit, file, from, to);
        both(&kit, &cached, &clean);
        let after = image(&cached);
        assert!(after != before, "after `{to}` the share image changed");
        before = after;
    }
    // The same file name, other pixels.
    photo(200);
    both(&kit, &cached, &clean);
    assert!(
        image(&cached) != before,
        "after a new photo under the same name"
    );
}
