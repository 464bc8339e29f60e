//! Broken kits: each gets exit status 1 and a message with the file, the line and what would
//! be right; a failed build leaves the previous output untouched.

use std::path::Path;

use crate::common::*;

/// Runs `check` on the changed kit, asserts it fails without a panic, and compares the whole
/// message with the snapshot `name` (tests/testsuite/snapshots/).
fn fails(name: &str, edit: impl FnOnce(&Path)) {
    let tmp = starter(edit);
    let kit = tmp.path().join("kit");
    let o = run(&[&"check", &kit]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "exit status; stderr:\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    insta::assert_snapshot!(name.to_string(), normalise(&err, &kit));
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
    fails("unknown_key_names_the_nearest", |d| {
        replace(d, "kit.toml", "colour = \"#00689e\"", "colur = \"#00689e\"")
    });
}

#[test]
fn toml_syntax_error_has_line_and_column() {
    fails("toml_syntax_error_has_line_and_column", |d| {
        replace(
            d,
            "kit.toml",
            "title = \"Samen aan de slag\"",
            "title = \"Samen aan de slag",
        )
    });
}

#[test]
fn unknown_barrier_lists_the_valid_ones() {
    fails("unknown_barrier_lists_the_valid_ones", |d| {
        replace(
            d,
            "content/verhaal.md",
            "addresses = [\"niemand-doet-het\"",
            "addresses = [\"niemand-doet-hat\"",
        )
    });
}

#[test]
fn bad_colour_shows_the_right_form() {
    fails("bad_colour_shows_the_right_form", |d| {
        replace(d, "kit.toml", "colour = \"#7a1f5c\"", "colour = \"paars\"")
    });
}

#[test]
fn launch_needs_a_time_zone() {
    fails("launch_needs_a_time_zone", |d| {
        replace(
            d,
            "kit.toml",
            "launch = 2027-03-01T09:00:00+01:00",
            "launch = 2027-03-01T09:00:00",
        )
    });
}

#[test]
fn publish_before_launch_is_refused() {
    fails("publish_before_launch_is_refused", |d| {
        replace(
            d,
            "content/eerste-stap.md",
            "publish = 2027-03-08T09:00:00+01:00",
            "publish = 2027-02-01T09:00:00+01:00",
        )
    });
}

#[test]
fn unterminated_front_matter() {
    fails("unterminated_front_matter", |d| {
        replace(
            d,
            "content/verhaal.md",
            "techniques = [\"rolmodellen\", \"winstframing\"]\n+++",
            "techniques = []",
        )
    });
}

#[test]
fn misspelt_variable_names_file_line_and_name() {
    fails("misspelt_variable_names_file_line_and_name", |d| {
        replace(
            d,
            "content/verhaal.md",
            "Dit verhaal deelt {{partner.name}}",
            "Dit verhaal deelt {{partner.nam}}",
        )
    });
}

#[test]
fn misspelt_helper_is_named() {
    fails("misspelt_helper_is_named", |d| {
        replace(
            d,
            "content/aftrap.md",
            "Doet {{address \"je\" \"u\"}} mee?",
            "Doet {{adress \"je\" \"u\"}} mee?",
        )
    });
}

#[test]
fn statement_over_the_limit_names_item_partner_platform_and_count() {
    let long = "Heel lang. ".repeat(40);
    fails(
        "statement_over_the_limit_names_item_partner_platform_and_count",
        move |d| {
            replace(d, "content/aftrap.md", "x = \"Vandaag start {{partner.name}} met {{campaign.title}}. Doe mee: {{campaign.url}} {{campaign.hashtags}}\"", &format!("x = \"{long}\""))
        },
    );
}

#[test]
fn unsafe_ids_are_refused() {
    fails("unsafe_ids_are_refused", |d| {
        replace(d, "kit.toml", "id = \"gemeente\"", "id = \"../Gemeente X\"")
    });
}

#[test]
fn logo_outside_the_kit_is_refused() {
    fails("logo_outside_the_kit_is_refused", |d| {
        replace(
            d,
            "kit.toml",
            "logo = \"assets/logo.svg\"",
            "logo = \"../../etc/passwd\"",
        )
    });
}

#[test]
fn non_image_logo_is_refused() {
    fails("non_image_logo_is_refused", |d| {
        std::fs::write(d.join("assets/nep.png"), b"dit is geen plaatje").unwrap();
        replace(
            d,
            "kit.toml",
            "logo = \"assets/logo.svg\"",
            "logo = \"assets/nep.png\"",
        );
    });
}

#[test]
fn duplicate_ids_are_refused() {
    fails("duplicate_ids_are_refused", |d| {
        replace(
            d,
            "kit.toml",
            "id = \"gemeente\"",
            "id = \"werkgeversvereniging\"",
        )
    });
}

#[test]
fn non_utf8_content_is_refused() {
    fails("non_utf8_content_is_refused", |d| {
        std::fs::write(
            d.join("content/latin1.md"),
            b"+++\nkind = \"blog\"\ntitle = \"Caf\xe9\"\n+++\n",
        )
        .unwrap()
    });
}

#[test]
fn a_card_that_does_not_fit_is_named() {
    let long = "Waarom ".repeat(120);
    fails("a_card_that_does_not_fit_is_named", move |d| {
        replace(
            d,
            "kit.toml",
            "text = \"Wat zou de eerste stap zijn die jij deze maand kunt zetten?\"",
            &format!("text = \"{long}\""),
        )
    });
}

#[test]
fn a_character_the_font_lacks_is_named() {
    fails("a_character_the_font_lacks_is_named", |d| {
        replace(
            d,
            "kit.toml",
            "Wie ken jij die het al doet?",
            "Wie ken jij die het al doet? 日本",
        )
    });
}

#[test]
fn empty_kit_toml() {
    fails("empty_kit_toml", |d| {
        std::fs::write(d.join("kit.toml"), "").unwrap()
    });
}

#[test]
fn every_error_of_a_kit_in_one_run() {
    fails("every_error_of_a_kit_in_one_run", |d| {
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
    });
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
    insta::assert_snapshot!(normalise(&stderr(&o), &tmp.path().join("kit")));
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
    assert!(stderr(&o).contains("de vorige uitvoer is ongewijzigd"));
    assert_eq!(files(&dir), before);
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| {
            let n = n.to_string_lossy();
            !n.ends_with(".partnerkit-lock") && !n.ends_with(".partnerkit-cache")
        })
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
    insta::assert_snapshot!(normalise(&stderr(&o), &tmp.path().join("kit")));
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
    insta::assert_snapshot!(normalise(&stderr(&o), &k));
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
    fails("every_broken_table_of_kit_toml_in_one_run", |d| {
        replace(d, "kit.toml", "colour = \"#00689e\"", "colur = \"#00689e\"");
        replace(d, "kit.toml", "address = \"u\"", "adress = \"u\"");
        replace(d, "kit.toml", "size = \"A6\"", "size = 6");
    });
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
        out.contains("templates/overview.html.hbs toegevoegd")
            && out.contains("uw templates/style.css gehouden"),
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
    fails("every_error_of_a_front_matter_in_one_run", |d| {
        replace(
            d,
            "content/aftrap.md",
            "title = \"Vandaag",
            "titel = \"Vandaag",
        );
        replace(
            d,
            "content/aftrap.md",
            "quote = \"Iedereen",
            "image_alt = 2\nimagealt = \"Twee\"\nquote = \"Iedereen",
        );
    });
}

#[test]
fn bluesky_counts_bytes_too() {
    fails("bluesky_counts_bytes_too", |d| {
        replace(
            d,
            "kit.toml",
            "channels = [\"linkedin\", \"x\", \"website\"]",
            "channels = [\"linkedin\", \"x\", \"bluesky\", \"website\"]",
        );
        // 130 graphemes (within 300), each a family emoji of 25 bytes: 3,250 bytes.
        let family = "👩\u{200d}👩\u{200d}👧\u{200d}👦".repeat(130);
        replace(
            d,
            "content/aftrap.md",
            "[variants]",
            &format!("[variants]\nbluesky = \"{family}\""),
        );
    });
}

#[test]
fn photo_keys_are_checked() {
    fails("photo_keys_are_checked", |d| {
        replace(
            d,
            "content/aftrap.md",
            "# image = \"assets/foto.jpg\"",
            "image = \"assets/foto.jpg\"\nimage_focus = [1.5, 0.3]\n#",
        );
        replace(
            d,
            "content/verhaal.md",
            "kind = \"blog\"",
            "kind = \"blog\"\nimage = \"assets/foto.jpg\"",
        );
    });
}
