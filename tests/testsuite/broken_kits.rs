//! A table of broken kits. Each must fail `check` with exit status 1 and a message that names
//! the place (file, and line where there is one) and what would be right; never a panic.

use std::path::Path;

use crate::common::*;

type Edit = Box<dyn Fn(&Path)>;

fn replace(from: &'static str, to: &'static str) -> Edit {
    replace_in("kit.toml", from, to)
}

fn replace_in(file: &'static str, from: &'static str, to: &'static str) -> Edit {
    Box::new(move |d: &Path| {
        let p = d.join(file);
        let s = std::fs::read_to_string(&p).unwrap();
        assert!(s.contains(from), "{file} lacks {from:?}");
        std::fs::write(&p, s.replacen(from, to, 1)).unwrap();
    })
}

fn write(file: &'static str, bytes: Vec<u8>) -> Edit {
    Box::new(move |d: &Path| {
        let p = d.join(file);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, &bytes).unwrap();
    })
}

fn both(a: Edit, b: Edit) -> Edit {
    Box::new(move |d: &Path| {
        a(d);
        b(d);
    })
}

fn cases() -> Vec<(&'static str, Edit)> {
    let logo = |to: &'static str| replace("logo = \"assets/logo.svg\"", to);
    vec![
        ("missing key", replace("name = \"Gemeente Voorbeeldstad\"\n", "")),
        ("list expected", replace("channels = [\"instagram\", \"facebook\", \"newsletter\"]", "channels = \"instagram\"")),
        ("duplicate key", replace("address = \"je\"", "address = \"je\"\naddress = \"u\"")),
        ("unknown table", replace("[behaviour]", "[gedrag]")),
        ("table typo", replace("[campaign]", "[campagne]")),
        ("id with spaces", replace("id = \"mijn-campagne\"", "id = \"Mijn Campagne\"")),
        ("id with capitals", replace("id = \"weet-niet-hoe\"", "id = \"Weet-Niet-Hoe\"")),
        ("id traversal", replace("id = \"gesprekskaarten\"", "id = \"../kaarten\"")),
        ("unknown technique", replace("techniques = [\"stappenplan\"]", "techniques = [\"stapenplan\"]")),
        ("unknown partner in content", replace_in("content/verhaal.md", "kind = \"blog\"", "kind = \"blog\"\npartners = [\"gemeent\"]")),
        ("unknown platform", replace_in("content/aftrap.md", "kind = \"social\"", "kind = \"social\"\nplatforms = [\"twitter\"]")),
        ("unknown channel", replace("channels = [\"linkedin\", \"x\", \"website\"]", "channels = [\"LinkedIn\", \"x\", \"website\"]")),
        ("duplicate channel", replace("channels = [\"linkedin\", \"x\", \"website\"]", "channels = [\"linkedin\", \"x\", \"linkedin\"]")),
        ("no channels", replace("channels = [\"linkedin\", \"x\", \"website\"]", "channels = []")),
        ("date as text", replace("launch = 2027-03-01T09:00:00+01:00", "launch = \"1 maart\"")),
        ("date only", replace("launch = 2027-03-01T09:00:00+01:00", "launch = 2027-03-01")),
        ("bad size", replace("size = \"A6\"", "size = \"A5\"")),
        ("bad colour", replace("colour = \"#00689e\"", "colour = \"#00689\"")),
        ("absolute path", logo("logo = \"/etc/hosts\"")),
        ("missing logo", logo("logo = \"assets/weg.png\"")),
        ("backslash path", logo("logo = 'assets\\logo.svg'")),
        ("folder as logo", logo("logo = \"assets\"")),
        ("broken png", both(write("assets/kapot.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00".to_vec()), logo("logo = \"assets/kapot.png\""))),
        ("gif logo", both(write("assets/anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec()), logo("logo = \"assets/anim.gif\""))),
        ("oversized image file", both(write("assets/groot.png", vec![0u8; 11 * 1024 * 1024]), logo("logo = \"assets/groot.png\""))),
        ("broken svg", both(write("assets/kapot.svg", b"<svg".to_vec()), logo("logo = \"assets/kapot.svg\""))),
        ("empty content file", write("content/leeg.md", Vec::new())),
        ("no front matter", write("content/los.md", b"Alleen tekst.\n".to_vec())),
        ("content too large", write("content/groot.md", [b"+++\nkind = \"blog\"\n+++\n".to_vec(), vec![b'a'; 1_100_000]].concat())),
        ("capital file name", write("content/Mijn Verhaal.md", b"+++\n+++\n".to_vec())),
        ("kit.toml not utf-8", write("kit.toml", b"[campaign]\nid = \"caf\xe9\"\n".to_vec())),
        ("bad hashtag", replace("hashtags = [\"#samenaandeslag\"]", "hashtags = [\"samen aan de slag\"]")),
        ("bad url", replace("url = \"https://www.example.nl/samen\"", "url = \"www.example.nl\"")),
        ("bad address", replace("address = \"u\"", "address = \"jij\"")),
        ("bad factor", replace("factor = \"capaciteit\"", "factor = \"kennis\"")),
        ("bad language", replace("language = \"nl\"", "language = \"de\"")),
        ("too many hashtags", replace_in("content/aftrap.md", "Doet {{address \"je\" \"u\"}} mee?", "#een #twee #drie #vier #vijf Doet {{address \"je\" \"u\"}} mee?")),
        ("alt text on a blog", replace_in("content/verhaal.md", "kind = \"blog\"", "kind = \"blog\"\nimage_alt = \"foto\"")),
        ("variant for unknown platform", replace_in("content/aftrap.md", "[variants]", "[variants]\ntwitter = \"kort\"")),
        ("nested too deep", replace_in("content/verhaal.md", "Sanne", "{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}x")),
        ("unclosed block", replace_in("content/verhaal.md", "Sanne", "{{#if partner.name}}Sanne")),
        ("broken template override", write("templates/overview.html.hbs", b"<p>{{#each social}}</p>\n".to_vec())),
        ("template with unknown value", write("templates/overview.html.hbs", b"<p>\n{{nope}}</p>\n".to_vec())),
        ("unknown template name", both(write("templates/overzicht.html.hbs", b"x".to_vec()), replace("colour = \"#00689e\"", "colour = \"rood\""))),
        ("url used but missing", replace("url = \"https://www.example.nl/samen\"", "# no url")),
        ("var missing for a partner", replace_in("content/verhaal.md", "{{partner.name}}", "{{partner.vars.contactpersoon}}")),
    ]
}

#[test]
fn every_broken_kit_gets_a_clear_error() {
    let cases = cases();
    assert!(cases.len() >= 40);
    for (name, edit) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("kit");
        assert!(run(&[&"new", &dir]).status.success());
        edit(&dir);
        let o = run(&[&"check", &dir]);
        let err = stderr(&o);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{name}: exit status; stderr:\n{err}"
        );
        assert!(!err.contains("panicked"), "{name}: {err}");
        insta::assert_snapshot!(
            format!("broken_kit__{}", name.replace(' ', "_")),
            normalise(&err, &dir),
            name
        );
    }
}

#[test]
fn a_symlink_out_of_the_kit_is_refused() {
    #[cfg(unix)]
    {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("kit");
        assert!(run(&[&"new", &dir]).status.success());
        std::fs::write(tmp.path().join("geheim.png"), b"x").unwrap();
        std::os::unix::fs::symlink(tmp.path().join("geheim.png"), dir.join("assets/link.png"))
            .unwrap();
        replace("logo = \"assets/logo.svg\"", "logo = \"assets/link.png\"")(&dir);
        let o = run(&[&"check", &dir]);
        assert_eq!(o.status.code(), Some(1));
        insta::assert_snapshot!(normalise(&stderr(&o), &dir));
    }
}

#[test]
fn a_missing_or_empty_kit_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run(&[&"check", &tmp.path().join("bestaat-niet")]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(
        "missing_kit_folder",
        normalise(&stderr(&o), &tmp.path().join("bestaat-niet"))
    );
    let o = run(&[&"check", &tmp.path()]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!("empty_kit_folder", normalise(&stderr(&o), tmp.path()));
}

#[test]
fn pathological_nesting_is_an_error_or_harmless_never_a_crash() {
    // TOML nested 100,000 deep: the parser's recursion limit, reported as an error.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("kit");
    assert!(run(&[&"new", &dir]).status.success());
    std::fs::write(
        dir.join("kit.toml"),
        format!("x = {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
    )
    .unwrap();
    let o = run(&[&"check", &dir]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("max recursion depth"), "{}", stderr(&o));
    assert!(
        stderr(&o).lines().all(|l| l.chars().count() < 200),
        "long lines are clipped"
    );

    // Markdown quotes and lists nested 50,000 deep: parsed without recursion, built fine.
    let tmp = starter(|d| {
        let body = format!(
            "{} diep\n\n{}lijst\n",
            ">".repeat(50_000),
            "- ".repeat(20_000)
        );
        crate::common::replace(
            d,
            "content/verhaal.md",
            "Sanne heeft",
            &format!("{body}\nSanne heeft"),
        );
    });
    let o = run(&[&"check", &tmp.path().join("kit")]);
    assert!(
        matches!(o.status.code(), Some(0 | 1)) && !stderr(&o).contains("panicked"),
        "{}",
        stderr(&o)
    );
}
