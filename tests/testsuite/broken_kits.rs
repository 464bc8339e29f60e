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

fn cases() -> Vec<(&'static str, Edit, Vec<&'static str>)> {
    let logo = |to: &'static str| replace("logo = \"assets/logo.svg\"", to);
    vec![
        ("missing key", replace("name = \"Gemeente Voorbeeldstad\"\n", ""), vec!["the key `name` is required here but missing", "--> kit.toml:61:1", "add `name = …`"]),
        ("list expected", replace("channels = [\"instagram\", \"facebook\", \"newsletter\"]", "channels = \"instagram\""), vec!["expected a list in square brackets", "--> kit.toml:65:12"]),
        ("duplicate key", replace("address = \"je\"", "address = \"je\"\naddress = \"u\""), vec!["duplicate key", "--> kit.toml:65:1"]),
        ("unknown table", replace("[behaviour]", "[gedrag]"), vec!["unknown table `gedrag`", "--> kit.toml:20:2"]),
        ("table typo", replace("[campaign]", "[campagne]"), vec!["unknown table `campagne`", "did you mean `campaign`?"]),
        ("id with spaces", replace("id = \"mijn-campagne\"", "id = \"Mijn Campagne\""), vec!["`Mijn Campagne` is not a valid campaign id", "--> kit.toml:7:6", "e.g. \"mijn-campagne\""]),
        ("id with capitals", replace("id = \"weet-niet-hoe\"", "id = \"Weet-Niet-Hoe\""), vec!["`Weet-Niet-Hoe` is not a valid barrier id", "e.g. \"weet-niet-hoe\""]),
        ("id traversal", replace("id = \"gesprekskaarten\"", "id = \"../kaarten\""), vec!["`../kaarten` is not a valid deck id", "--> kit.toml:69:6"]),
        ("unknown technique", replace("techniques = [\"stappenplan\"]", "techniques = [\"stapenplan\"]"), vec!["there is no technique `stapenplan` in kit.toml", "--> kit.toml:31:15", "did you mean `stappenplan`?"]),
        ("unknown partner in content", replace_in("content/verhaal.md", "kind = \"blog\"", "kind = \"blog\"\npartners = [\"gemeent\"]"), vec!["there is no partner `gemeent` in kit.toml", "--> content/verhaal.md:4:13", "did you mean `gemeente`?"]),
        ("unknown platform", replace_in("content/aftrap.md", "kind = \"social\"", "kind = \"social\"\nplatforms = [\"twitter\"]"), vec!["`twitter` is not a social platform", "--> content/aftrap.md:5:14", "valid platforms: `linkedin`, `x`"]),
        ("unknown channel", replace("channels = [\"linkedin\", \"x\", \"website\"]", "channels = [\"LinkedIn\", \"x\", \"website\"]"), vec!["`LinkedIn` is not a channel partnerkit knows", "did you mean `linkedin`?"]),
        ("duplicate channel", replace("channels = [\"linkedin\", \"x\", \"website\"]", "channels = [\"linkedin\", \"x\", \"linkedin\"]"), vec!["channel `linkedin` is named twice"]),
        ("no channels", replace("channels = [\"linkedin\", \"x\", \"website\"]", "channels = []"), vec!["partner `werkgeversvereniging` has no channels"]),
        ("date as text", replace("launch = 2027-03-01T09:00:00+01:00", "launch = \"1 maart\""), vec!["--> kit.toml:18:10", "datetime"]),
        ("date only", replace("launch = 2027-03-01T09:00:00+01:00", "launch = 2027-03-01"), vec!["`launch` needs a date and a time", "--> kit.toml:18:10"]),
        ("bad size", replace("size = \"A6\"", "size = \"A5\""), vec!["`A5` is not a card size", "--> kit.toml:71:8", "\"A6\" (105×148 mm)"]),
        ("bad colour", replace("colour = \"#00689e\"", "colour = \"#00689\""), vec!["`#00689` is not a colour", "--> kit.toml:15:10"]),
        ("absolute path", logo("logo = \"/etc/hosts\""), vec!["cannot use the logo `/etc/hosts`: the path is absolute", "--> kit.toml:14:8"]),
        ("missing logo", logo("logo = \"assets/weg.png\""), vec!["cannot use the logo `assets/weg.png`: no such file in the kit"]),
        ("backslash path", logo("logo = 'assets\\logo.svg'"), vec!["use forward slashes"]),
        ("folder as logo", logo("logo = \"assets\""), vec!["cannot use the logo `assets`: this is a folder, not a file"]),
        ("broken png", both(write("assets/kapot.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00".to_vec()), logo("logo = \"assets/kapot.png\"")), vec!["cannot use the logo `assets/kapot.png`: the image is damaged"]),
        ("gif logo", both(write("assets/anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec()), logo("logo = \"assets/anim.gif\"")), vec!["Gif images are not supported; use PNG, JPEG, WebP or SVG"]),
        ("oversized image file", both(write("assets/groot.png", vec![0u8; 11 * 1024 * 1024]), logo("logo = \"assets/groot.png\"")), vec!["the file is 11.5 MB; the limit for images is 10 MB"]),
        ("broken svg", both(write("assets/kapot.svg", b"<svg".to_vec()), logo("logo = \"assets/kapot.svg\"")), vec!["cannot use the logo `assets/kapot.svg`: the SVG cannot be read"]),
        ("empty content file", write("content/leeg.md", Vec::new()), vec!["`content/leeg.md` is empty"]),
        ("no front matter", write("content/los.md", b"Alleen tekst.\n".to_vec()), vec!["the file does not start with front matter", "--> content/los.md:1:1"]),
        ("content too large", write("content/groot.md", [b"+++\nkind = \"blog\"\n+++\n".to_vec(), vec![b'a'; 1_100_000]].concat()), vec!["`content/groot.md` is 1100022 bytes; the limit is 1 MB"]),
        ("capital file name", write("content/Mijn Verhaal.md", b"+++\n+++\n".to_vec()), vec!["the file name `Mijn Verhaal.md` cannot be an item id", "rename the file to `mijn-verhaal.md`"]),
        ("kit.toml not utf-8", write("kit.toml", b"[campaign]\nid = \"caf\xe9\"\n".to_vec()), vec!["`kit.toml` is not UTF-8 text", "--> kit.toml:2"]),
        ("bad hashtag", replace("hashtags = [\"#samenaandeslag\"]", "hashtags = [\"samen aan de slag\"]"), vec!["`samen aan de slag` is not a hashtag", "e.g. \"#samenaandeslag\""]),
        ("bad url", replace("url = \"https://www.example.nl/samen\"", "url = \"www.example.nl\""), vec!["`www.example.nl` is not a web address", "starting with https://"]),
        ("bad address", replace("address = \"u\"", "address = \"jij\""), vec!["`jij` is not a form of address", "--> kit.toml:56:11"]),
        ("bad factor", replace("factor = \"capaciteit\"", "factor = \"kennis\""), vec!["`kennis` is not a COM-B factor", "valid factors: `capability`"]),
        ("bad language", replace("language = \"nl\"", "language = \"de\""), vec!["`de` is not a language partnerkit has labels for"]),
        ("too many hashtags", replace_in("content/aftrap.md", "Doet {{address \"je\" \"u\"}} mee?", "#een #twee #drie #vier #vijf Doet {{address \"je\" \"u\"}} mee?"), vec!["`aftrap` for partner `gemeente` has 6 hashtags on Instagram; it takes at most 5"]),
        ("alt text on a blog", replace_in("content/verhaal.md", "kind = \"blog\"", "kind = \"blog\"\nimage_alt = \"foto\""), vec!["only social items have a share image", "--> content/verhaal.md:4:13"]),
        ("variant for unknown platform", replace_in("content/aftrap.md", "[variants]", "[variants]\ntwitter = \"kort\""), vec!["`twitter` in [variants] is not a social platform", "--> content/aftrap.md:10:1", "valid platforms"]),
        ("nested too deep", replace_in("content/verhaal.md", "Sanne", "{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}x"), vec!["nested more than 16 deep", "--> content/verhaal.md:8:1"]),
        ("unclosed block", replace_in("content/verhaal.md", "Sanne", "{{#if partner.name}}Sanne"), vec!["this text is not valid Handlebars", "content/verhaal.md:"]),
        ("broken template override", write("templates/overview.html.hbs", b"<p>{{#each social}}</p>\n".to_vec()), vec!["`overview.html.hbs` is not a valid template", "--> templates/overview.html.hbs:"]),
        ("template with unknown value", write("templates/overview.html.hbs", b"<p>\n{{nope}}</p>\n".to_vec()), vec!["cannot render `overview.html.hbs`: `{{nope}}` has no value in this template", "--> templates/overview.html.hbs:2:"]),
        ("unknown template name", both(write("templates/overzicht.html.hbs", b"x".to_vec()), replace("colour = \"#00689e\"", "colour = \"rood\"")), vec!["`templates/overzicht.html.hbs` does not override any built-in template", "did you mean `overview.html.hbs`?"]),
        ("url used but missing", replace("url = \"https://www.example.nl/samen\"", "# no url"), vec!["`{{campaign.url}}` has no value", "add `url` to [campaign] in kit.toml"]),
        ("var missing for a partner", replace_in("content/verhaal.md", "{{partner.name}}", "{{partner.vars.contactpersoon}}"), vec!["`{{partner.vars.contactpersoon}}` has no value (for partner `gemeente`)", "give these partners `contactpersoon` under [partners.vars]"]),
    ]
}

#[test]
fn every_broken_kit_gets_a_clear_error() {
    let mut failures = Vec::new();
    let cases = cases();
    assert!(cases.len() >= 40);
    for (name, edit, expected) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("kit");
        assert!(run(&[&"new", &dir]).status.success());
        edit(&dir);
        let o = run(&[&"check", &dir]);
        let err = stderr(&o);
        if o.status.code() != Some(1) {
            failures.push(format!("{name}: exit status {:?}\n{err}", o.status.code()));
            continue;
        }
        for e in &expected {
            if !err.contains(e) {
                failures.push(format!("{name}: missing {e:?} in\n{err}"));
            }
        }
        if err.contains("panicked") {
            failures.push(format!("{name}: panic\n{err}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
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
        assert!(stderr(&o).contains("cannot use the logo `assets/link.png`: it is a symbolic link to something outside the kit folder"), "{}", stderr(&o));
    }
}

#[test]
fn a_missing_or_empty_kit_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run(&[&"check", &tmp.path().join("bestaat-niet")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("cannot be used as a kit: cannot read the kit folder"),
        "{}",
        stderr(&o)
    );
    let o = run(&[&"check", &tmp.path()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("has no kit.toml"), "{}", stderr(&o));
    assert!(stderr(&o).contains("partnerkit new"), "{}", stderr(&o));
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
