//! The behavioural analysis: coverage, lint findings, JSON output and the report.

use std::path::Path;

use crate::common::*;

fn json(kit: &Path, extra: &[&str]) -> (serde_json::Value, i32) {
    let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&"check", &kit, &"--format", &"json"];
    for e in extra {
        args.push(e);
    }
    let o = run(&args);
    (
        serde_json::from_slice(&o.stdout).expect("check --format json prints JSON"),
        o.status.code().unwrap(),
    )
}

fn codes(v: &serde_json::Value) -> Vec<(String, String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["severity"].as_str().unwrap().into(),
                f["code"].as_str().unwrap().into(),
                f["message"].as_str().unwrap().into(),
            )
        })
        .collect()
}

#[test]
fn reference_kit_has_full_coverage_and_its_findings() {
    let (v, code) = json(&reference_kit(), &[]);
    assert_eq!(code, 0);
    let w = |code: &str, m: &str| ("warning".to_string(), code.to_string(), m.to_string());
    // Its statement puts a working title on the share images and describes a photo that is not
    // there; its titles say "je" and "jouw" to partners addressed with "u" (SER, VNO-NCW, …);
    // and one technique is used by nothing.
    assert_eq!(
        codes(&v),
        [
            w("title-headline", "de deelafbeeldingen van `aftrap` tonen de titel als kop: “Gezamenlijk statement: de collectieve aftrap”"),
            w("alt-without-photo", "`image_alt` beschrijft een foto, maar de deelafbeelding heeft er geen: de alt-tekst is de tekst die erop staat"),
            w("voice", "`je` komt hier ook bij partners die met `u` worden aangesproken"),
            w("voice", "`jouw` komt hier ook bij partners die met `u` worden aangesproken"),
            w("voice", "`jou` komt hier ook bij partners die met `u` worden aangesproken"),
            w("unused-technique", "de techniek `gesprek-op-gang` van barrière `olifant-in-de-kamer` wordt door geen tekst of kaartset gebruikt"),
        ]
    );
    let at = |i: usize| {
        let f = &v["findings"][i];
        (
            f["file"].as_str().map(String::from),
            f["line"].as_u64(),
            f["column"].as_u64(),
        )
    };
    assert_eq!(at(0), (Some("content/aftrap.md".into()), Some(3), Some(9)));
    assert_eq!(at(1), (Some("content/aftrap.md".into()), Some(6), Some(13)));
    assert_eq!(
        at(2),
        (Some("content/deur-open.md".into()), Some(3), Some(17))
    );
    assert_eq!(
        at(4),
        (Some("content/promotie-tips.md".into()), Some(3), Some(29))
    );
    assert_eq!(at(5), (Some("kit.toml".into()), Some(51), Some(6)));
    let groups = v["coverage"]["groups"].as_array().unwrap();
    assert_eq!(
        groups
            .iter()
            .map(|g| g["factor"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["capability", "motivation", "environment"]
    );
    assert!(groups
        .iter()
        .flat_map(|g| g["rows"].as_array().unwrap())
        .all(|r| r["covered"] == true));
    assert!(v["coverage"]["partners"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["missing_factors"].as_array().unwrap().is_empty()));
    // --deny-warnings turns the warnings into a failure.
    let (_, code) = json(&reference_kit(), &["--deny-warnings"]);
    assert_eq!(code, 1);
}

#[test]
fn the_terminal_shows_a_coverage_table() {
    let o = run(&[&"check", &reference_kit()]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("  barrière              teksten  awvn ser vno-ncw randstad abu nbbu"),
        "{out}"
    );
    assert!(
        out.contains("  olifant-in-de-kamer         1   x    x     x       x      x   x"),
        "{out}"
    );
}

#[test]
fn gaps_are_found_exactly() {
    let tmp = starter(|d| {
        // Nothing works on `weet-niet-hoe` any more, and the gemeente gets no card deck.
        replace(
            d,
            "content/eerste-stap.md",
            "addresses = [\"weet-niet-hoe\"]",
            "addresses = [\"wat-levert-het-op\"]",
        );
        replace(
            d,
            "kit.toml",
            "addresses = [\"weet-niet-hoe\"]",
            "addresses = [\"wat-levert-het-op\"]",
        );
    });
    let (v, code) = json(&tmp.path().join("kit"), &[]);
    assert_eq!(code, 0, "warnings only");
    let found = codes(&v);
    let expected = [
        (
            "warning",
            "partner-gap",
            "het pakket van `gemeente` dekt niets voor Capaciteit",
        ),
        (
            "warning",
            "partner-gap",
            "het pakket van `werkgeversvereniging` dekt niets voor Capaciteit",
        ),
        (
            "warning",
            "uncovered-barrier",
            "geen tekst of kaart pakt de barrière `weet-niet-hoe` aan",
        ),
    ];
    assert_eq!(found.len(), expected.len(), "{found:?}");
    for e in expected {
        assert!(
            found
                .iter()
                .any(|f| (f.0.as_str(), f.1.as_str(), f.2.as_str()) == e),
            "missing {e:?} in {found:?}"
        );
    }
}

#[test]
fn partner_without_a_factor_is_named() {
    let tmp = starter(|d| {
        replace(
            d,
            "kit.toml",
            "intro = \"Trek een kaart",
            "partners = [\"werkgeversvereniging\"]\nintro = \"Trek een kaart",
        );
        replace(
            d,
            "content/eerste-stap.md",
            "kind = \"howto\"",
            "kind = \"howto\"\npartners = [\"werkgeversvereniging\"]",
        );
    });
    let (v, _) = json(&tmp.path().join("kit"), &[]);
    assert!(
        codes(&v)
            .iter()
            .any(|f| f.2 == "het pakket van `gemeente` dekt niets voor Capaciteit"),
        "{:?}",
        codes(&v)
    );
}

#[test]
fn unknown_bct_code_is_an_error() {
    let tmp = starter(|d| replace(d, "kit.toml", "bct = \"5.1\"", "bct = \"17.2\""));
    let o = run(&[&"check", &tmp.path().join("kit")]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("fout: `17.2` is geen code uit de BCT Taxonomy v1"),
        "{err}"
    );
    assert!(err.contains("--> kit.toml:48:16"), "{err}");
}

#[test]
fn hard_texts_are_named_with_long_sentences_and_words() {
    let tmp = starter(|d| {
        replace(
            d,
            "content/verhaal.md",
            "Sanne heeft een installatiebedrijf met acht mensen. Vorig jaar zette ze de eerste stap.",
            "Sanne, eigenaresse van een middelgroot installatiebedrijf met acht gemotiveerde medewerkers in de regio Zwolle, besloot vorig jaar na uitgebreide overwegingen en verschillende gesprekken met adviseurs van het werkgeversservicepunt om een kandidaat met een arbeidsbeperking aan te nemen.",
        );
    });
    let (v, _) = json(&tmp.path().join("kit"), &[]);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "readability")
        .expect("a readability finding");
    assert_eq!(f["file"], "content/verhaal.md");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("op Flesch–Douma; het doel is 60 (eenvoudige taal, niveau B1)"),
        "{f}"
    );
    let hints = f["hints"].to_string();
    assert!(hints.contains("regel 8: een zin van 37 woorden"), "{hints}");
    assert!(
        hints.contains("“werkgeversservicepunt” (regel 8, 7 lettergrepen)"),
        "{hints}"
    );
    let scores = v["readability"].as_array().unwrap();
    let verhaal = scores
        .iter()
        .find(|s| s["file"] == "content/verhaal.md")
        .unwrap();
    assert!(verhaal["score"].as_f64().unwrap() < 60.0);
}

#[test]
fn lint_thresholds_come_from_the_kit() {
    let tmp = starter(|d| {
        let p = d.join("kit.toml");
        let s = std::fs::read_to_string(&p).unwrap() + "\n[lint]\nmin_readability = 95\n";
        std::fs::write(p, s).unwrap();
    });
    let (v, _) = json(&tmp.path().join("kit"), &[]);
    assert!(
        codes(&v).iter().filter(|f| f.1 == "readability").count() >= 2,
        "{:?}",
        codes(&v)
    );
}

#[test]
fn report_shows_matrix_partners_techniques_and_findings() {
    let dir = reference_build();
    let report = text(dir, "report.html");
    for needle in [
        "<h3>Capaciteit</h3>",
        "<h3>Motivatie</h3>",
        "<h3>Omgeving</h3>",
        "Dekking: 6/6 gedekt (Capaciteit 2/2, Motivatie 2/2, Omgeving 2/2)",
        "<td>1.4</td>",
        "Handige hulpmiddelen <span class=\"muted\">(hulpmiddelen)</span></td><td>12.5</td>",
        "Dekking per partner",
        "de techniek ‘gesprek-op-gang’ van barrière ‘olifant-in-de-kamer’ wordt door geen tekst of kaartset gebruikt",
        "<span class=\"muted\">(kit.toml:51)</span>",
    ] {
        assert!(report.contains(needle), "report lacks {needle:?}");
    }
    let index = text(dir, "index.html");
    assert!(
        index.contains("Dekking: 6/6 gedekt"),
        "download page shows the campaign summary"
    );
    assert!(
        index.contains("gesprek-op-gang"),
        "download page shows the findings"
    );
}

/// A kit whose barriers name all six COM-B components, each answered by a technique with a
/// fitting intervention function.
fn every_component_kit() -> tempfile::TempDir {
    starter(|d| {
        replace(
            d,
            "kit.toml",
            "factor = \"capaciteit\"\n",
            "factor = \"capaciteit\"\ncomponent = \"psychologisch\"\n",
        );
        replace(
            d,
            "kit.toml",
            "factor = \"motivatie\"\n",
            "factor = \"motivatie\"\ncomponent = \"reflectief\"\n",
        );
        replace(
            d,
            "kit.toml",
            "factor = \"omgeving\"\n",
            "factor = \"omgeving\"\ncomponent = \"sociaal\"\n",
        );
        replace(
            d,
            "kit.toml",
            "stappenplan = { label = \"Stappenplan\", bct = \"1.4\" }\nwinstframing = { label = \"Winstframing\", bct = \"5.1\" }\nrolmodellen = { label = \"Rolmodellen\", bct = \"6.2\" }\n",
            "stappenplan = { label = \"Stappenplan\", bct = \"1.4\", function = \"mogelijk-maken\" }\nwinstframing = { label = \"Winstframing\", bct = \"5.1\", function = \"persuasion\" }\nrolmodellen = { label = \"Rolmodellen\", bct = \"6.2\", function = \"modelling\" }\noefenen = { label = \"Oefenen\", bct = \"8.1\", function = \"training\" }\ninrichten = { label = \"Werkplek inrichten\", bct = \"12.1\", function = \"environmental-restructuring\" }\ngewoonte = { label = \"Gewoonte maken\", bct = \"8.3\", function = \"training\" }\n",
        );
        replace(
            d,
            "kit.toml",
            "[techniques]",
            "[[barriers]]\nid = \"handen\"\nfactor = \"capability\"\ncomponent = \"physical\"\ninsight = \"Het vraagt handigheid.\"\ntechniques = [\"oefenen\"]\n\n[[barriers]]\nid = \"geen-plek\"\nfactor = \"environment\"\ncomponent = \"physical\"\ninsight = \"Er is geen plek voor.\"\ntechniques = [\"inrichten\"]\n\n[[barriers]]\nid = \"vergeten\"\nfactor = \"motivation\"\ncomponent = \"automatic\"\ninsight = \"Ze vergeten het in de drukte.\"\ntechniques = [\"gewoonte\"]\n\n[techniques]",
        );
        replace(
            d,
            "kit.toml",
            "target = \"Zet deze maand één concrete stap\"\n",
            "target = \"zet deze maand één concrete stap\"\ncurrent = \"het uitstellen tot er tijd is\"\ncontext = \"bij de eerstvolgende vacature\"\n",
        );
    })
}

#[test]
fn every_component_is_grouped_named_and_matched_with_its_functions() {
    let tmp = every_component_kit();
    let kit = tmp.path().join("kit");
    let (v, _) = json(&kit, &[]);
    // No function mismatch: every component has a technique whose function serves it.
    assert!(
        !codes(&v).iter().any(|c| c.1 == "function-mismatch"),
        "{:?}",
        codes(&v)
    );
    let components: Vec<&str> = v["coverage"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["rows"].as_array().unwrap())
        .map(|r| r["component"].as_str().unwrap())
        .collect();
    assert_eq!(components, ["C-ph", "C-ps", "M-r", "M-a", "O-ph", "O-so"]);
    let functions = v["coverage"]["functions"].as_array().unwrap();
    assert_eq!(functions.len(), 6);
    let row = |code: &str| {
        functions.iter().find(|r| r["component"] == code).unwrap()["cells"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["function"].as_str().unwrap().to_string(),
                    c["serves"].as_bool().unwrap(),
                    c["used"].as_bool().unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    // Physical capability: only training serves it, and the kit uses training there.
    let cph = row("C-ph");
    assert_eq!(
        cph.iter()
            .filter(|c| c.1)
            .map(|c| c.0.as_str())
            .collect::<Vec<_>>(),
        ["training"]
    );
    assert!(cph.iter().any(|c| c.0 == "training" && c.2));
    assert_eq!(
        v["coverage"]["goal"],
        "Werkgevers in het mkb die willen beginnen, maar niet weten hoe: voortaan zet deze maand één concrete stap in plaats van het uitstellen tot er tijd is, bij de eerstvolgende vacature."
    );
    let tech = v["coverage"]["techniques"].as_array().unwrap();
    let oefenen = tech.iter().find(|t| t["id"] == "oefenen").unwrap();
    assert_eq!(oefenen["bct_label"], "Behavioral practice/rehearsal");
    assert_eq!(oefenen["bct_group"], "Repetition and substitution");
    assert_eq!(oefenen["function"], "training");

    let out = tmp.path().join("out");
    let dir = build(&kit, &out);
    let report = text(&dir, "report.html");
    for s in [
        "Gedragsdoel",
        "C-ph · Fysieke capaciteit",
        "O-so · Sociale omgeving",
        "COM-B-componenten en interventiefuncties",
        "Behavioral practice/rehearsal",
        "Mogelijk maken",
        "Dekt",
    ] {
        assert!(report.contains(s), "report lacks {s:?}");
    }
}

#[test]
fn a_function_that_does_not_serve_the_component_is_named() {
    let tmp = starter(|d| {
        replace(
            d,
            "kit.toml",
            "factor = \"omgeving\"\n",
            "factor = \"omgeving\"\ncomponent = \"sociaal\"\n",
        );
        replace(
            d,
            "kit.toml",
            "rolmodellen = { label = \"Rolmodellen\", bct = \"6.2\" }",
            "rolmodellen = { label = \"Rolmodellen\", bct = \"6.2\", function = \"educatie\" }",
        );
    });
    let o = run(&[&"check", &tmp.path().join("kit")]);
    assert_eq!(o.status.code(), Some(0), "a warning, not an error");
    let err = stderr(&o);
    let at = err
        .find("waarschuwing: de barrière `niemand-doet-het`")
        .expect(&err);
    insta::assert_snapshot!(err[at..].split("\n\n").next().unwrap());
}

#[test]
fn a_component_of_another_factor_and_half_a_goal_are_named() {
    let tmp = starter(|d| {
        replace(
            d,
            "kit.toml",
            "factor = \"capaciteit\"\n",
            "factor = \"capaciteit\"\ncomponent = \"sociaal\"\n",
        );
        replace(
            d,
            "kit.toml",
            "target = \"Zet deze maand één concrete stap\"\n",
            "target = \"Zet deze maand één concrete stap\"\ncurrent = \"uitstellen\"\n",
        );
    });
    let o = run(&[&"check", &tmp.path().join("kit")]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(normalise(&stderr(&o), &tmp.path().join("kit")));
}

#[test]
fn the_example_kit_states_its_goal_components_and_functions() {
    let kit = Path::new(env!("CARGO_MANIFEST_DIR")).join("kits/een-klein-gebaar");
    let (v, code) = json(&kit, &["--deny-warnings"]);
    assert_eq!(code, 0, "{:?}", codes(&v));
    assert!(v["coverage"]["goal"]
        .as_str()
        .unwrap()
        .contains("in plaats van aan iemand denken en het daarbij laten"));
    let components: Vec<&str> = v["coverage"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["rows"].as_array().unwrap())
        .map(|r| r["component"].as_str().unwrap())
        .collect();
    assert_eq!(components, ["C-ps", "M-r", "M-a", "O-so"]);
    // Every component row uses at least one function that serves it.
    for row in v["coverage"]["functions"].as_array().unwrap() {
        assert!(
            row["cells"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["serves"] == true && c["used"] == true),
            "{row}"
        );
    }
}

#[test]
fn json_lists_every_statement_with_its_count_and_limit() {
    let (v, _) = json(&reference_kit(), &[]);
    let statements = v["statements"].as_array().unwrap();
    assert_eq!(statements.len(), 13);
    let x = statements
        .iter()
        .find(|s| s["item"] == "aftrap" && s["partner"] == "awvn" && s["platform"] == "x")
        .unwrap();
    assert_eq!(x["limit"], 280);
    assert!(x["count"].as_u64().unwrap() <= 280);
}

#[test]
fn the_wrong_form_of_address_is_named_and_labels_follow_the_partner() {
    let tmp = starter(|d| {
        replace(d, "content/verhaal.md", "Sanne heeft", "Kijk of uw team meedoet. Zo doet jouw bedrijf mee: https://example.nl/u/jij. Sanne heeft");
    });
    let kit = tmp.path().join("kit");
    let (v, _) = json(&kit, &[]);
    let voice: Vec<String> = codes(&v)
        .into_iter()
        .filter(|c| c.1 == "voice")
        .map(|c| c.2)
        .collect();
    // "uw" reaches the je-partner, "jouw" the u-partner; words in a web address do not count.
    assert_eq!(
        voice,
        [
            "`uw` komt hier ook bij partners die met `je` worden aangesproken",
            "`jouw` komt hier ook bij partners die met `u` worden aangesproken",
        ]
    );
    let dir = build(&kit, &tmp.path().join("out"));
    // The u-partner's pages speak to it with "u", the je-partner's with "je".
    assert!(text(&dir.join("werkgeversvereniging"), "LEESMIJ.html").contains("in uw agenda"));
    assert!(text(&dir.join("gemeente"), "LEESMIJ.html").contains("in je agenda"));
}

/// The count of `item` for `partner` on `platform` in `check --format json`.
fn count_of(v: &serde_json::Value, partner: &str, platform: &str) -> u64 {
    v["statements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["partner"] == partner && s["platform"] == platform && s["item"] == "aftrap")
        .unwrap_or_else(|| panic!("{partner} {platform}"))["count"]
        .as_u64()
        .unwrap()
}

#[test]
fn tracked_links_carry_partner_platform_and_campaign_and_are_counted() {
    let link = |d: &Path| {
        let p = d.join("content/verhaal.md");
        let mut s = std::fs::read_to_string(&p).unwrap();
        s.push_str("\nMeer verhalen op www.example.nl/samen/verhalen. En elders: https://ander.example.org/samen\n");
        std::fs::write(p, s).unwrap();
    };
    let plain = starter(link);
    let tracked = starter(|d| {
        link(d);
        replace(
            d,
            "kit.toml",
            "url = \"https://www.example.nl/samen\"",
            "url = \"https://www.example.nl/samen\"\ntrack_links = true",
        );
    });
    let dir = build(&tracked.path().join("kit"), &tracked.path().join("out"));
    let q = |partner: &str, medium: &str| {
        format!("utm_source={partner}&utm_medium={medium}&utm_campaign=mijn-campagne")
    };
    let x = text(&dir, "werkgeversvereniging/social/aftrap.x.txt");
    assert!(
        x.contains(&format!(
            "https://www.example.nl/samen?{} ",
            q("werkgeversvereniging", "x")
        )),
        "{x}"
    );
    let insta = text(&dir, "gemeente/social/aftrap.instagram.txt");
    assert!(insta.contains(&q("gemeente", "instagram")), "{insta}");
    // Articles: the partner's channel; links elsewhere stay as written.
    let md = text(&dir, "werkgeversvereniging/blogs/verhaal.md");
    assert!(
        md.contains(&format!(
            "www.example.nl/samen/verhalen?{}.",
            q("werkgeversvereniging", "website")
        )),
        "{md}"
    );
    assert!(md.contains("https://ander.example.org/samen\n"), "{md}");
    assert!(text(&dir, "gemeente/blogs/verhaal.md").contains(&q("gemeente", "newsletter")));
    assert!(text(&dir, "werkgeversvereniging/blogs/verhaal.html").contains("utm_medium=website"));

    // Counted as each platform counts: X counts any link as 23, LinkedIn every character.
    let (before, _) = json(&plain.path().join("kit"), &[]);
    let (after, _) = json(&tracked.path().join("kit"), &[]);
    assert_eq!(
        count_of(&before, "werkgeversvereniging", "x"),
        count_of(&after, "werkgeversvereniging", "x")
    );
    assert_eq!(
        count_of(&after, "werkgeversvereniging", "linkedin"),
        count_of(&before, "werkgeversvereniging", "linkedin")
            + 1
            + q("werkgeversvereniging", "linkedin").len() as u64
    );
}

#[test]
fn tracked_links_need_the_campaign_url() {
    let tmp = starter(|d| {
        replace(
            d,
            "kit.toml",
            "url = \"https://www.example.nl/samen\"      # {{campaign.url}}",
            "track_links = true",
        );
        let p = d.join("content/aftrap.md");
        let s = std::fs::read_to_string(&p)
            .unwrap()
            .replace("{{campaign.url}}", "");
        std::fs::write(p, s).unwrap();
    });
    let kit = tmp.path().join("kit");
    let o = run(&[&"check", &kit]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(normalise(&stderr(&o), &kit));
}
