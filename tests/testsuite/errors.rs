//! Broken kits: each gets exit status 1 and a message with the file, the line and what would
//! be right; a failed build leaves the previous output untouched.

use std::path::Path;

use crate::common::*;

/// Runs `check` on the changed kit and asserts it fails with every expected piece of text.
fn fails(edit: impl FnOnce(&Path), expected: &[&str]) {
    let tmp = starter(edit);
    let o = run(&[&"check", &tmp.path().join("kit")]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "exit status; stderr:\n{err}");
    for e in expected {
        assert!(err.contains(e), "missing {e:?} in:\n{err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn the_starter_kit_checks_and_builds() {
    let tmp = starter(|_| {});
    let o = run(&[&"check", &tmp.path().join("kit")]);
    assert!(o.status.success(), "{}", stderr(&o));
    build(&tmp.path().join("kit"), &tmp.path().join("out"));
}

#[test]
fn unknown_key_names_the_nearest() {
    fails(
        |d| replace(d, "kit.toml", "colour = \"#00689e\"", "colur = \"#00689e\""),
        &[
            "error: unknown key `colur`",
            "--> kit.toml:15:1",
            "did you mean `colour`?",
        ],
    );
}

#[test]
fn toml_syntax_error_has_line_and_column() {
    fails(
        |d| {
            replace(
                d,
                "kit.toml",
                "title = \"Samen aan de slag\"",
                "title = \"Samen aan de slag",
            )
        },
        &["--> kit.toml:8:86"],
    );
}

#[test]
fn unknown_barrier_lists_the_valid_ones() {
    fails(
        |d| {
            replace(
                d,
                "content/verhaal.md",
                "addresses = [\"niemand-doet-het\"",
                "addresses = [\"niemand-doet-hat\"",
            )
        },
        &[
            "there is no barrier `niemand-doet-hat` in kit.toml",
            "--> content/verhaal.md:5:14",
            "did you mean `niemand-doet-het`?",
        ],
    );
}

#[test]
fn bad_colour_shows_the_right_form() {
    fails(
        |d| replace(d, "kit.toml", "colour = \"#7a1f5c\"", "colour = \"paars\""),
        &["`paars` is not a colour", "e.g. colour = \"#e17000\""],
    );
}

#[test]
fn launch_needs_a_time_zone() {
    fails(
        |d| {
            replace(
                d,
                "kit.toml",
                "launch = 2027-03-01T09:00:00+01:00",
                "launch = 2027-03-01T09:00:00",
            )
        },
        &[
            "`launch` has no time zone",
            "--> kit.toml:18:10",
            "+01:00 is Dutch winter time",
        ],
    );
}

#[test]
fn publish_before_launch_is_refused() {
    fails(
        |d| {
            replace(
                d,
                "content/eerste-stap.md",
                "publish = 2027-03-08T09:00:00+01:00",
                "publish = 2027-02-01T09:00:00+01:00",
            )
        },
        &[
            "`publish` is before the launch (2027-03-01T09:00:00+01:00)",
            "content/eerste-stap.md:7:",
        ],
    );
}

#[test]
fn unterminated_front_matter() {
    fails(
        |d| {
            replace(
                d,
                "content/verhaal.md",
                "techniques = [\"rolmodellen\", \"winstframing\"]\n+++",
                "techniques = []",
            )
        },
        &["the front matter is never closed", "content/verhaal.md:1:1"],
    );
}

#[test]
fn misspelt_variable_names_file_line_and_name() {
    fails(
        |d| {
            replace(
                d,
                "content/verhaal.md",
                "Dit verhaal deelt {{partner.name}}",
                "Dit verhaal deelt {{partner.nam}}",
            )
        },
        &[
            "`{{partner.nam}}` has no value",
            "--> content/verhaal.md:12:",
            "did you mean `partner.name`?",
        ],
    );
}

#[test]
fn misspelt_helper_is_named() {
    fails(
        |d| {
            replace(
                d,
                "content/aftrap.md",
                "Doet {{address \"je\" \"u\"}} mee?",
                "Doet {{adress \"je\" \"u\"}} mee?",
            )
        },
        &[
            "there is no helper `adress`",
            "content/aftrap.md:16:",
            "did you mean `address`?",
        ],
    );
}

#[test]
fn statement_over_the_limit_names_item_partner_platform_and_count() {
    let long = "Heel lang. ".repeat(40);
    fails(
        move |d| replace(d, "content/aftrap.md", "x = \"Vandaag start {{partner.name}} met {{campaign.title}}. Doe mee: {{campaign.url}} {{campaign.hashtags}}\"", &format!("x = \"{long}\"")),
        &["`aftrap` for partner `werkgeversvereniging` is 439 characters on X; the limit there is 280", "shorten the text by 159 characters"],
    );
}

#[test]
fn unsafe_ids_are_refused() {
    fails(
        |d| replace(d, "kit.toml", "id = \"gemeente\"", "id = \"../Gemeente X\""),
        &[
            "`../Gemeente X` is not a valid partner id",
            "e.g. \"gemeente-x\"",
        ],
    );
}

#[test]
fn logo_outside_the_kit_is_refused() {
    fails(
        |d| {
            replace(
                d,
                "kit.toml",
                "logo = \"assets/logo.svg\"",
                "logo = \"../../etc/passwd\"",
            )
        },
        &["cannot use the logo `../../etc/passwd`: the path leaves the kit folder"],
    );
}

#[test]
fn non_image_logo_is_refused() {
    fails(
        |d| {
            std::fs::write(d.join("assets/nep.png"), b"dit is geen plaatje").unwrap();
            replace(
                d,
                "kit.toml",
                "logo = \"assets/logo.svg\"",
                "logo = \"assets/nep.png\"",
            );
        },
        &["cannot use the logo `assets/nep.png`: this is not an image partnerkit can read"],
    );
}

#[test]
fn duplicate_ids_are_refused() {
    fails(
        |d| {
            replace(
                d,
                "kit.toml",
                "id = \"gemeente\"",
                "id = \"werkgeversvereniging\"",
            )
        },
        &["there are two partners with id `werkgeversvereniging`"],
    );
}

#[test]
fn non_utf8_content_is_refused() {
    fails(
        |d| {
            std::fs::write(
                d.join("content/latin1.md"),
                b"+++\nkind = \"blog\"\ntitle = \"Caf\xe9\"\n+++\n",
            )
            .unwrap()
        },
        &[
            "`content/latin1.md` is not UTF-8 text",
            "content/latin1.md:3",
        ],
    );
}

#[test]
fn a_card_that_does_not_fit_is_named() {
    let long = "Waarom ".repeat(120);
    fails(
        move |d| replace(d, "kit.toml", "text = \"Wat zou de eerste stap zijn die jij deze maand kunt zetten?\"", &format!("text = \"{long}\"")),
        &["card 1 of 2 of deck `gesprekskaarten`: the text does not fit on the card, even at 11 pt"],
    );
}

#[test]
fn a_character_the_font_lacks_is_named() {
    fails(
        |d| {
            replace(
                d,
                "kit.toml",
                "Wie ken jij die het al doet?",
                "Wie ken jij die het al doet? 日本",
            )
        },
        &["card 2 of 2 of deck `gesprekskaarten`: the card font has no glyph for `日` (U+65E5)"],
    );
}

#[test]
fn empty_kit_toml() {
    fails(
        |d| std::fs::write(d.join("kit.toml"), "").unwrap(),
        &["kit.toml is empty"],
    );
}

#[test]
fn every_error_of_a_kit_in_one_run() {
    fails(
        |d| {
            replace(d, "kit.toml", "colour = \"#7a1f5c\"", "colour = \"paars\"");
            replace(
                d,
                "content/verhaal.md",
                "addresses = [\"niemand-doet-het\"",
                "addresses = [\"onbekend\"",
            );
            replace(
                d,
                "content/aftrap.md",
                "kind = \"social\"",
                "kind = \"sociaal\"",
            );
        },
        &[
            "`paars` is not a colour",
            "there is no barrier `onbekend`",
            "`sociaal` is not a kind of content",
            "3 errors",
        ],
    );
}

#[test]
fn unknown_partner_on_the_command_line() {
    let tmp = starter(|_| {});
    let o = run(&[
        &"build",
        &tmp.path().join("kit"),
        &"--out",
        &tmp.path().join("out"),
        &"--partner",
        &"gemeent",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("there is no partner `gemeent`"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("did you mean `gemeente`?"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_failed_build_keeps_the_previous_output() {
    let tmp = starter(|_| {});
    let k = tmp.path().join("kit");
    let out = tmp.path().join("out");
    let dir = build(&k, &out);
    let before = files(&dir);
    replace(
        &k,
        "content/verhaal.md",
        "{{partner.name}}",
        "{{partner.naam}}",
    );
    let o = run(&[&"build", &k, &"--out", &out]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("the previous output is unchanged"));
    assert_eq!(files(&dir), before);
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| !n.to_string_lossy().ends_with(".partnerkit-lock"))
        .collect();
    assert_eq!(leftovers.len(), 1, "no staging folder left: {leftovers:?}");
}

#[test]
fn a_folder_partnerkit_did_not_write_is_never_replaced() {
    let tmp = starter(|_| {});
    let out = tmp.path().join("out");
    std::fs::create_dir_all(out.join("mijn-campagne")).unwrap();
    std::fs::write(out.join("mijn-campagne/belangrijk.docx"), b"eigen werk").unwrap();
    let o = run(&[&"build", &tmp.path().join("kit"), &"--out", &out]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("exists but was not written by partnerkit, so it is left alone"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read(out.join("mijn-campagne/belangrijk.docx")).unwrap(),
        b"eigen werk"
    );
}

#[test]
fn output_inside_the_kit_is_refused() {
    let tmp = starter(|_| {});
    let k = tmp.path().join("kit");
    let o = run(&[&"build", &k, &"--out", &k.join("output")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("is inside the kit"), "{}", stderr(&o));
}

#[test]
fn values_are_data_never_templates_and_html_escapes_them() {
    let tmp = starter(|d| {
        replace(
            d,
            "kit.toml",
            "name = \"Gemeente Voorbeeldstad\"",
            "name = \"Bakker & Zonen <b>{{campaign.title}}</b>\"",
        );
    });
    let dir = build(&tmp.path().join("kit"), &tmp.path().join("out"));
    let txt = text(&dir, "gemeente/social/aftrap.facebook.txt");
    assert!(
        txt.contains("Vandaag start Bakker & Zonen <b>{{campaign.title}}</b> met de campagne"),
        "{txt}"
    );
    let md = text(&dir, "gemeente/blogs/verhaal.md");
    assert!(
        md.contains("Bakker & Zonen <b>{{campaign.title}}</b>"),
        "{md}"
    );
    let html = text(&dir, "gemeente/blogs/verhaal.html");
    assert!(
        html.contains("Bakker &amp; Zonen &lt;b&gt;{{campaign.title}}&lt;/b&gt;"),
        "{html}"
    );
    assert!(!html.contains("<b>{{"), "{html}");
}

#[test]
fn every_broken_table_of_kit_toml_in_one_run() {
    fails(
        |d| {
            replace(d, "kit.toml", "colour = \"#00689e\"", "colur = \"#00689e\"");
            replace(d, "kit.toml", "address = \"u\"", "adress = \"u\"");
            replace(d, "kit.toml", "size = \"A6\"", "size = 6");
        },
        &[
            "unknown key `colur`",
            "--> kit.toml:15:1",
            "unknown key `adress`",
            "did you mean `address`?",
            "--> kit.toml:56:1",
            "expected text in double quotes here, not integer `6`",
            "--> kit.toml:71:8",
            "3 errors",
        ],
    );
}

#[test]
fn new_templates_adds_to_an_existing_kit_without_overwriting() {
    let tmp = starter(|_| {});
    let kit = tmp.path().join("kit");
    std::fs::create_dir_all(kit.join("templates")).unwrap();
    std::fs::write(kit.join("templates/style.css"), "body { color: #123456 }\n").unwrap();
    let o = run(&[&"new", &"--templates", &kit]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("added templates/overview.html.hbs")
            && out.contains("kept your templates/style.css"),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(kit.join("templates/style.css")).unwrap(),
        "body { color: #123456 }\n"
    );
    assert!(kit.join("templates/share.svg.hbs").is_file());
    assert!(run(&[&"check", &kit]).status.success());
}

#[test]
fn every_error_of_a_front_matter_in_one_run() {
    fails(
        |d| {
            replace(
                d,
                "content/aftrap.md",
                "title = \"Vandaag",
                "titel = \"Vandaag",
            );
            replace(
                d,
                "content/aftrap.md",
                "image_alt = \"Twee",
                "image_alt = 2\nimagealt = \"Twee",
            );
        },
        &[
            "unknown key `titel`",
            "did you mean `title`?",
            "--> content/aftrap.md:5:1",
            "expected text in double quotes here, not integer `2`",
            "--> content/aftrap.md:8:13",
            "unknown key `imagealt`",
            "3 errors",
        ],
    );
}
