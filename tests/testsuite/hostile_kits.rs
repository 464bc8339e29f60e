//! Kits written by an attacker: each class of attack must end in a clear error (message and place
//! asserted) within seconds, never a hang, a crash, a read outside the kit or a write outside
//! `--out`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

/// Runs `partnerkit args`, killing it after `limit`: a hang fails the test instead of blocking it.
fn run_within(
    args: &[&dyn AsRef<std::ffi::OsStr>],
    limit: Duration,
) -> (Option<i32>, String, String, Duration) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_partnerkit"));
    for a in args {
        cmd.arg(a);
    }
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = std::thread::spawn({
        let mut so = child.stdout.take().unwrap();
        move || {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut so, &mut s).ok();
            s
        }
    });
    let err = std::thread::spawn({
        let mut se = child.stderr.take().unwrap();
        move || {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut se, &mut s).ok();
            s
        }
    });
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return (
                status.code(),
                out.join().unwrap(),
                err.join().unwrap(),
                start.elapsed(),
            );
        }
        if start.elapsed() > limit {
            child.kill().ok();
            child.wait().ok();
            panic!("partnerkit did not finish within {limit:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `check` of the starter kit after `edit` fails within 20 s with every one of `want` in stderr.
fn refused(name: &str, edit: impl FnOnce(&Path), want: &[&str]) {
    let tmp = starter(edit);
    let (code, _, err, took) = run_within(
        &[&"check", &tmp.path().join("kit")],
        Duration::from_secs(20),
    );
    assert_eq!(code, Some(1), "{name}: exit status\n{err}");
    assert!(!err.contains("panicked"), "{name}: panic\n{err}");
    for w in want {
        assert!(err.contains(w), "{name}: expected {w:?} in\n{err}");
    }
    assert!(took < Duration::from_secs(10), "{name}: took {took:?}");
}

fn logo(dir: &Path, file: &str, bytes: &[u8]) {
    std::fs::write(dir.join("assets").join(file), bytes).unwrap();
    replace(
        dir,
        "kit.toml",
        "logo = \"assets/logo.svg\"",
        &format!("logo = \"assets/{file}\""),
    );
}

#[cfg(unix)]
fn mkfifo(p: &Path) {
    let st = Command::new("mkfifo").arg(p).status().unwrap();
    assert!(st.success());
}

#[cfg(unix)]
#[test]
fn only_regular_files_inside_the_kit_are_read() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("geheim.md"),
        "+++\nkind = \"blog\"\ntitle = \"x\"\naddresses = [\"weet-niet-hoe\"]\n+++\ngeheim\n",
    )
    .unwrap();
    std::fs::write(outside.path().join("style.css"), "body{}").unwrap();
    let o = outside.path().to_path_buf();

    refused("content folder links outside", |d| {
        std::fs::remove_dir_all(d.join("content")).unwrap();
        symlink(&o, d.join("content")).unwrap();
    }, &["de map `content` kan niet worden gelezen: het is een symbolische koppeling naar iets buiten de kitmap", "--> content"]);
    refused("templates folder links outside", |d| symlink(&o, d.join("templates")).unwrap(),
        &["de map `templates` kan niet worden gelezen: het is een symbolische koppeling naar iets buiten de kitmap"]);
    refused("assets folder links outside", |d| {
        std::fs::copy(d.join("assets/logo.svg"), o.join("logo.svg")).unwrap();
        std::fs::remove_dir_all(d.join("assets")).unwrap();
        symlink(&o, d.join("assets")).unwrap();
    }, &["het logo `assets/logo.svg` is niet te gebruiken: het staat in een map die naar een plek buiten de kitmap verwijst", "--> kit.toml:14:8"]);
    refused(
        "content file is a named pipe",
        |d| mkfifo(&d.join("content/pijp.md")),
        &["`content/pijp.md` kan niet worden gelezen: het is een named pipe, geen gewoon bestand"],
    );
    refused(
        "kit.toml is a named pipe",
        |d| {
            std::fs::remove_file(d.join("kit.toml")).unwrap();
            mkfifo(&d.join("kit.toml"));
        },
        &["`kit.toml` cannot be read: it is a named pipe, not a regular file"],
    );
    refused(
        "logo is a named pipe",
        |d| {
            mkfifo(&d.join("assets/pijp.png"));
            replace(
                d,
                "kit.toml",
                "logo = \"assets/logo.svg\"",
                "logo = \"assets/pijp.png\"",
            );
        },
        &["het logo `assets/pijp.png` is niet te gebruiken: het is een named pipe, geen gewoon bestand"],
    );
    refused("content file links to /dev/zero", |d| symlink("/dev/zero", d.join("content/nul.md")).unwrap(),
        &["`content/nul.md` kan niet worden gelezen: het is een symbolische koppeling naar iets buiten de kitmap"]);
    refused("content file links to stdin", |d| symlink("/dev/stdin", d.join("content/in.md")).unwrap(),
        &["`content/in.md` kan niet worden gelezen: het is een symbolische koppeling naar iets buiten de kitmap"]);
    refused(
        "template is a folder",
        |d| std::fs::create_dir_all(d.join("templates/style.css")).unwrap(),
        &["`templates/style.css` kan niet worden gelezen: het is een map, geen gewoon bestand"],
    );
    refused(
        "content file is a folder",
        |d| std::fs::create_dir_all(d.join("content/map.md")).unwrap(),
        &["`content/map.md` kan niet worden gelezen: het is een map, geen gewoon bestand"],
    );
    refused(
        "content is a file",
        |d| {
            std::fs::remove_dir_all(d.join("content")).unwrap();
            std::fs::write(d.join("content"), "x").unwrap();
        },
        &["de map `content` kan niet worden gelezen: het is een bestand, geen map"],
    );
    refused("file name not UTF-8", |d| {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
        std::fs::copy(d.join("content/verhaal.md"), d.join("content").join(name)).unwrap();
    }, &["de map `content` kan niet worden gelezen: de naam van `caf\u{fffd}.md` is geen geldige tekst (UTF-8)"]);
    refused("dangling link", |d| symlink(d.join("nergens"), d.join("content/weg.md")).unwrap(),
        &["`content/weg.md` kan niet worden gelezen: het is een symbolische koppeling naar iets dat niet bestaat"]);
}

#[test]
fn svg_never_reaches_the_file_system() {
    let outside = tempfile::tempdir().unwrap();
    let png = outside.path().join("geheim.png");
    image::RgbaImage::from_pixel(4, 4, image::Rgba([255, 0, 0, 255]))
        .save(&png)
        .unwrap();
    for (name, href) in [
        ("absolute", png.display().to_string()),
        ("file url", format!("file://{}", png.display())),
        ("relative", "../../geheim.png".to_string()),
        ("beside", "logo.svg".to_string()),
        ("http", "http://127.0.0.1:9/x.png".to_string()),
    ] {
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="{href}" width="10" height="10"/></svg>"#
        );
        refused(
            name,
            |d| logo(d, "uit.svg", svg.as_bytes()),
            &[
                "het logo `assets/uit.svg` is niet te gebruiken: het verwijst naar `",
                "buiten de SVG; partnerkit leest nooit andere bestanden of het netwerk",
            ],
        );
    }
    // The kit's own share-image template is held to the same rules.
    let template = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{{{{width}}}}" height="{{{{height}}}}"><image href="{}" width="10" height="10"/></svg>"#,
        png.display()
    );
    let tmp = starter(|d| {
        std::fs::create_dir_all(d.join("templates")).unwrap();
        std::fs::write(d.join("templates/share.svg.hbs"), &template).unwrap();
    });
    let o = run(&[&"check", &tmp.path().join("kit")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("buiten de SVG; partnerkit leest nooit andere bestanden"),
        "{}",
        stderr(&o)
    );
}

/// A PNG header claiming `w` × `h` pixels (the rest is not needed to read the size).
fn png_header(w: u32, h: u32) -> Vec<u8> {
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [
        (b"IHDR", ihdr),
        (
            b"IDAT",
            vec![0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
        ),
        (b"IEND", Vec::new()),
    ] {
        b.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut chunk = kind.to_vec();
        chunk.extend_from_slice(&data);
        b.extend_from_slice(&chunk);
        b.extend_from_slice(&crc32(&chunk).to_be_bytes());
    }
    b
}

fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xffff_ffffu32;
    for &byte in data {
        c ^= u32::from(byte);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

#[test]
fn svg_cost_is_bounded() {
    use base64_helper::encode;
    let bomb = encode(&png_header(100_000, 100_000));
    let cases: Vec<(&str, String, &str)> = vec![
        ("embedded bomb", format!(r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="data:image/png;base64,{bomb}" width="10" height="10"/></svg>"#), "een ingebedde afbeelding is niet te gebruiken: de afbeelding is 100000×100000 pixels"),
        ("embedded svg", format!(r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="data:image/svg+xml;base64,{}" width="10" height="10"/></svg>"#, encode(b"<svg xmlns='http://www.w3.org/2000/svg'/>")), "een ingebedde afbeelding is niet te gebruiken"),
        ("turbulence", r#"<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="1000"><filter id="f"><feTurbulence baseFrequency="0.5" numOctaves="100000"/></filter><rect width="1000" height="1000" filter="url(#f)"/></svg>"#.into(), "een turbulentiefilter met numOctaves=100000"),
        ("morphology", r#"<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="1000"><filter id="f"><feMorphology radius="100000"/></filter><rect width="1000" height="1000" filter="url(#f)"/></svg>"#.into(), "een morfologiefilter met straal"),
        ("blur on many copies", {
            let mut s = String::from(r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="1000" height="1000"><filter id="f"><feGaussianBlur stdDeviation="30"/></filter><g id="a"><rect width="1000" height="1000" filter="url(#f)"/></g>"#);
            for _ in 0..200 { s.push_str(r##"<use xlink:href="#a"/>"##); }
            s.push_str("</svg>");
            s
        }, "de SVG past"),
        ("use explosion", {
            let mut s = String::from(r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10"><rect id="l0" width="1" height="1"/>"#);
            for i in 1..6 { s.push_str(&format!(r##"<g id="l{i}">{}</g>"##, format!(r##"<use xlink:href="#l{}"/>"##, i - 1).repeat(8))); }
            s.push_str("</svg>");
            s
        }, "elementen als elke <use> is uitgeschreven"),
    ];
    for (name, svg, want) in cases {
        let start = Instant::now();
        refused(name, |d| logo(d, "duur.svg", svg.as_bytes()), &[want]);
        eprintln!("{name}: refused in {:?}", start.elapsed());
    }
    refused(
        "compressed",
        |d| logo(d, "duur.svg", &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0]),
        &["gecomprimeerde SVG (svgz) wordt niet aangenomen"],
    );
}

mod base64_helper {
    pub fn encode(b: &[u8]) -> String {
        const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for c in b.chunks(3) {
            let n = (u32::from(c[0]) << 16)
                | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                | u32::from(*c.get(2).unwrap_or(&0));
            for i in 0..4 {
                out.push(if i <= c.len() {
                    A[(n >> (18 - 6 * i) & 63) as usize] as char
                } else {
                    '='
                });
            }
        }
        out
    }
}

#[test]
fn templates_are_bounded() {
    refused(
        "partial in a text",
        |d| {
            replace(
                d,
                "content/verhaal.md",
                "Sanne heeft",
                "{{> verhaal}} Sanne heeft",
            )
        },
        &[
            "partials zoals {{> name}} worden niet ondersteund",
            "--> content/verhaal.md:8:1",
        ],
    );
    refused(
        "inline partial",
        |d| {
            replace(
                d,
                "content/verhaal.md",
                "Sanne heeft",
                "{{#*inline \"x\"}}y{{/inline}} Sanne heeft",
            )
        },
        &["decorators zoals {{#* inline}} worden niet ondersteund"],
    );
    let vars: String = (0..60).map(|i| format!("v{i} = \"x\"\n")).collect();
    let vars_for_loop = vars.clone();
    refused(
        "each nest over vars",
        move |d| {
            replace(
                d,
                "kit.toml",
                "contactpersoon = \"onze adviseurs\"",
                &format!("contactpersoon = \"onze adviseurs\"\n{vars_for_loop}"),
            );
            replace(
                d,
                "content/verhaal.md",
                "Sanne heeft",
                &format!(
                    "{}{}Sanne heeft",
                    "{{#each @root.partner.vars}}".repeat(8),
                    "{{/each}}".repeat(8)
                ),
            );
        },
        &["het sjabloon herhaalt te vaak", "--> content/verhaal.md:8"],
    );
    refused(
        "each making gigabytes",
        move |d| {
            replace(
                d,
                "kit.toml",
                "contactpersoon = \"onze adviseurs\"",
                &format!("contactpersoon = \"onze adviseurs\"\n{vars}"),
            );
            let body = format!(
                "{}{}{}",
                "{{#each @root.partner.vars}}".repeat(3),
                "x".repeat(5000),
                "{{/each}}".repeat(3)
            );
            replace(
                d,
                "content/verhaal.md",
                "Sanne heeft",
                &format!("{body}Sanne heeft"),
            );
        },
        &["deze tekst wordt groter dan 4,2 MB voor partner `werkgeversvereniging`"],
    );
    refused(
        "deep page template",
        |d| {
            std::fs::create_dir_all(d.join("templates")).unwrap();
            let t = format!(
                "<!DOCTYPE html><html><head></head><body>{}{}</body></html>",
                "{{#if title}}".repeat(40),
                "{{/if}}".repeat(40)
            );
            std::fs::write(d.join("templates/article.html.hbs"), t).unwrap();
        },
        &[
            "`article.html.hbs`: blokken zoals {{#if}} zijn hier meer dan 16 diep genest",
            "--> templates/article.html.hbs:1:",
        ],
    );
    refused(
        "partial in a page template",
        |d| {
            std::fs::create_dir_all(d.join("templates")).unwrap();
            std::fs::write(
                d.join("templates/index.html.hbs"),
                "<!DOCTYPE html><html><head></head><body>{{> index.html.hbs}}</body></html>",
            )
            .unwrap();
        },
        &["`index.html.hbs`: partials zoals {{> name}} worden niet ondersteund"],
    );
    refused(
        "deep sub-expressions",
        |d| {
            replace(
                d,
                "content/verhaal.md",
                "Sanne heeft",
                &format!(
                    "{{{{address {}\"je\"{} \"u\"}}}} Sanne heeft",
                    "(address ".repeat(5000),
                    " \"u\")".repeat(5000)
                ),
            )
        },
        &["deeluitdrukkingen `( … )` zijn hier meer dan 16 diep genest"],
    );
}

#[test]
fn pages_cannot_be_hijacked() {
    refused(
        "style closes the element",
        |d| {
            std::fs::create_dir_all(d.join("templates")).unwrap();
            std::fs::write(
                d.join("templates/style.css"),
                "body { color: red }\n</STYLE><script>alert(1)</script>\n",
            )
            .unwrap();
        },
        &[
            "het stylesheet bevat `</style`",
            "--> templates/style.css:2:1",
        ],
    );
    refused(
        "script before the head",
        |d| {
            std::fs::create_dir_all(d.join("templates")).unwrap();
            let builtin = std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/article.html.hbs"),
            )
            .unwrap();
            std::fs::write(
                d.join("templates/article.html.hbs"),
                format!("<script>alert(1)</script>{builtin}"),
            )
            .unwrap();
        },
        &["`article.html.hbs` is niet te gebruiken: de pagina heeft geen <head> vlak bij het begin"],
    );

    // A kit template with a script and an inline handler: built, but the policy forbids both.
    let tmp = starter(|d| {
        std::fs::create_dir_all(d.join("templates")).unwrap();
        let builtin = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/article.html.hbs"),
        )
        .unwrap();
        std::fs::write(
            d.join("templates/article.html.hbs"),
            builtin.replace(
                "</body>",
                "<script>alert(1)</script><img src=x onerror=alert(1)></body>",
            ),
        )
        .unwrap();
    });
    let out = tmp.path().join("out");
    let dir = build(&tmp.path().join("kit"), &out);
    let pages: Vec<_> = files(&dir)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .collect();
    assert!(pages.len() > 5);
    for (path, bytes) in pages {
        let html = String::from_utf8(bytes).unwrap();
        let head = html
            .find("<head>")
            .unwrap_or_else(|| panic!("{path} has a head"));
        // Only partnerkit's own copy script may run, by its hash; not the kit's.
        let policy = partnerkit::render::csp::meta(partnerkit::render::copy::PAGE_SCRIPTS);
        let script_src = policy
            .split("script-src")
            .nth(1)
            .unwrap()
            .split(';')
            .next()
            .unwrap();
        assert!(script_src.starts_with(" 'sha256-") && !script_src.contains("unsafe"));
        assert!(!policy.contains(&partnerkit::render::csp::hash("alert(1)")));
        let csp = html
            .find(&policy)
            .unwrap_or_else(|| panic!("{path} carries the policy"));
        assert_eq!(
            csp,
            head + "<head>".len(),
            "{path}: the policy is the first thing in the head"
        );
    }
}

#[test]
fn invisible_characters_are_refused_where_they_stand() {
    refused(
        "bidi override in a name",
        |d| {
            replace(
                d,
                "kit.toml",
                "name = \"Gemeente Voorbeeldstad\"",
                "name = \"Gemeente \u{202e}dtsdlee\"",
            )
        },
        &[
            "hier staat een onzichtbaar teken U+202E (right-to-left override)",
            "--> kit.toml:63:18",
            "in een andere volgorde dan hij gelezen wordt",
        ],
    );
    refused(
        "escaped override in TOML",
        |d| {
            replace(
                d,
                "kit.toml",
                "name = \"Gemeente Voorbeeldstad\"",
                "name = \"Gemeente \\u202Edtsdlee\"",
            )
        },
        &["U+202E (right-to-left override)", "--> kit.toml:63:18"],
    );
    refused(
        "NUL in a body",
        |d| replace(d, "content/verhaal.md", "Sanne heeft", "Sanne\0 heeft"),
        &[
            "hier staat een onzichtbaar teken U+0000 (NUL)",
            "--> content/verhaal.md:8:6",
        ],
    );
    refused(
        "isolate as HTML reference",
        |d| {
            replace(
                d,
                "content/verhaal.md",
                "Sanne heeft",
                "Sanne &#x2067;heeft",
            )
        },
        &[
            "U+2067 (right-to-left isolate)",
            "--> content/verhaal.md:8:7",
        ],
    );
    refused(
        "escape in a var",
        |d| {
            replace(
                d,
                "kit.toml",
                "contactpersoon = \"onze adviseurs\"",
                "contactpersoon = \"onze \\u001b[31madviseurs\"",
            )
        },
        &["U+001B (escape)"],
    );
    refused(
        "Windows device name as partner id",
        |d| replace(d, "kit.toml", "id = \"gemeente\"", "id = \"con\""),
        &[
            "`con` kan geen partner-id zijn: Windows kan het niet als bestandsnaam gebruiken",
            "--> kit.toml:62:6",
        ],
    );
    refused("Windows device name as file", |d| std::fs::copy(d.join("content/verhaal.md"), d.join("content/lpt1.md")).map(|_| ()).unwrap(),
        &["de bestandsnaam `lpt1.md` kan geen item-id zijn: Windows kan `lpt1` niet als bestandsnaam gebruiken"]);
    refused(
        "launch the calendar cannot hold",
        |d| {
            replace(
                d,
                "kit.toml",
                "launch = 2027-03-01T09:00:00+01:00",
                "launch = 1970-01-01T00:00:00Z",
            )
        },
        &[
            "`launch` valt buiten de datums die partnerkit in agenda's en zipbestanden kan zetten",
            "--> kit.toml:18:10",
            "van 1980 tot 2107",
        ],
    );
    refused(
        "share text that cannot fit",
        |d| {
            replace(
                d,
                "content/aftrap.md",
                "quote = \"Iedereen verdient een eerlijke kans op werk\"",
                &format!("quote = \"{}\"", "lang ".repeat(400)),
            )
        },
        &[
            "de tekst op de deelafbeelding van `aftrap` voor",
            "past niet, ook niet in de kleinste letter",
        ],
    );
}

#[test]
fn one_writer_per_output_folder() {
    let tmp = starter(|_| {});
    let kit = tmp.path().join("kit");
    let out = tmp.path().join("out");
    build(&kit, &out);
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .open(out.join(".mijn-campagne.partnerkit-lock"))
        .unwrap();
    lock.lock().unwrap();
    let o = run(&[&"build", &kit, &"--out", &out]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("een andere partnerkit (een build of serve) schrijft nu"),
        "{}",
        stderr(&o)
    );
    lock.unlock().unwrap();
    build(&kit, &out);

    // A refused --out creates nothing.
    let inside = kit.join("nieuw/diep");
    let o = run(&[&"build", &kit, &"--out", &inside]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        !kit.join("nieuw").exists(),
        "a refused --out created folders"
    );
}

#[test]
fn scale_is_not_an_attack() {
    // 5,000 partners, texts only: check stays linear (10,000 take twice as long; measured in release in the notes).
    let tmp = starter(|d| {
        let mut toml = std::fs::read_to_string(d.join("kit.toml")).unwrap();
        let decks = toml.find("[[decks]]").unwrap();
        toml.truncate(decks);
        for i in 0..5_000 {
            toml.push_str(&format!("[[partners]]\nid = \"p{i}\"\nname = \"Partner {i}\"\naddress = \"je\"\nchannels = [\"linkedin\", \"website\"]\n\n"));
        }
        std::fs::write(d.join("kit.toml"), toml).unwrap();
    });
    let (code, _, err, took) = run_within(
        &[&"check", &tmp.path().join("kit")],
        Duration::from_secs(120),
    );
    assert!(code.is_some() && !err.contains("panicked"), "{err}");
    eprintln!("check of 5,000 partners: {took:?}");

    // A deck of 201 cards, and 21 decks: refused, not drawn for every partner.
    refused(
        "huge deck",
        |d| {
            let cards: String = (0..201).map(|i| format!("[[decks.cards]]\ntext = \"Vraag {i}?\"\naddresses = [\"weet-niet-hoe\"]\n\n")).collect();
            let mut toml = std::fs::read_to_string(d.join("kit.toml")).unwrap();
            toml.push_str(&format!(
                "\n[[decks]]\nid = \"groot\"\ntitle = \"Groot\"\nsize = \"A7\"\n\n{cards}"
            ));
            std::fs::write(d.join("kit.toml"), toml).unwrap();
        },
        &["kaartset `groot` heeft 201 kaarten; de grens is 200"],
    );
    refused(
        "many decks",
        |d| {
            let mut toml = std::fs::read_to_string(d.join("kit.toml")).unwrap();
            for i in 0..21 {
                toml.push_str(&format!("\n[[decks]]\nid = \"d{i}\"\ntitle = \"D\"\nsize = \"A7\"\n\n[[decks.cards]]\ntext = \"Vraag?\"\naddresses = [\"weet-niet-hoe\"]\n"));
            }
            std::fs::write(d.join("kit.toml"), toml).unwrap();
        },
        &["de kit heeft 22 kaartsets; de grens is 20"],
    );

    // 20,000 partner vars and 300 texts: the partner's data is converted once, not per text.
    let tmp = starter(|d| {
        let vars: String = (0..20_000)
            .map(|i| format!("v{i} = \"waarde {i}\"\n"))
            .collect();
        replace(
            d,
            "kit.toml",
            "contactpersoon = \"onze adviseurs\"\n",
            &format!("contactpersoon = \"onze adviseurs\"\n{vars}"),
        );
        for i in 0..300 {
            std::fs::copy(
                d.join("content/verhaal.md"),
                d.join(format!("content/v{i}.md")),
            )
            .unwrap();
        }
    });
    let (code, _, err, took) = run_within(
        &[&"check", &tmp.path().join("kit")],
        Duration::from_secs(60),
    );
    assert_eq!(code, Some(0), "{err}");
    eprintln!("check with 20,000 vars and 300 texts: {took:?}");

    // A 300,000-character title on an article and on a statement: handled (built, or refused
    // where it cannot fit), never a hang.
    for file in ["content/verhaal.md", "content/aftrap.md"] {
        let tmp = starter(|d| {
            let p = d.join(file);
            let text = std::fs::read_to_string(&p).unwrap();
            let start = text.find("title = ").unwrap();
            let end = start + text[start..].find('\n').unwrap();
            let text = format!(
                "{}title = \"{}\"{}",
                &text[..start],
                "woord ".repeat(50_000),
                &text[end..]
            );
            std::fs::write(&p, text).unwrap();
        });
        let (code, _, err, took) = run_within(
            &[&"check", &tmp.path().join("kit")],
            Duration::from_secs(60),
        );
        assert!(
            matches!(code, Some(0 | 1)) && !err.contains("panicked"),
            "{err}"
        );
        eprintln!("check with a 300,000-character title in {file}: {took:?}");
    }
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let tmp = starter(|_| {});
    let kit = tmp.path().join("kit");
    for args in [vec!["check"], vec!["check", "--format", "json"]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_partnerkit"))
            .args(&args)
            .arg(&kit)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn costly_filters_are_refused_cheap_ones_kept() {
    let svg = |prim: &str, n: usize| {
        let mut s = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="1000"><filter id="f">{prim}</filter>"#
        );
        for _ in 0..n {
            s.push_str(r#"<rect width="1000" height="1000" filter="url(#f)" fill="red"/>"#);
        }
        s + "</svg>"
    };
    for (name, prim, n) in [
        ("many blurs", r#"<feGaussianBlur stdDeviation="100"/>"#, 8),
        (
            "turbulence",
            r#"<feTurbulence baseFrequency="0.05" numOctaves="8"/>"#,
            1,
        ),
        (
            "lighting",
            "<feDiffuseLighting><feDistantLight/></feDiffuseLighting>",
            30,
        ),
    ] {
        refused(
            name,
            |d| logo(d, "f.svg", svg(prim, n).as_bytes()),
            &["filtereffecten", "kosten ongeveer"],
        );
    }
    refused(
        "morphology",
        |d| {
            logo(
                d,
                "f.svg",
                svg(r#"<feMorphology radius="100"/>"#, 1).as_bytes(),
            )
        },
        &["een morfologiefilter met straal 100"],
    );
    // One soft shadow over the whole logo is ordinary and accepted.
    let tmp = starter(|d| {
        logo(
            d,
            "f.svg",
            svg(r#"<feGaussianBlur stdDeviation="4"/>"#, 1).as_bytes(),
        )
    });
    let o = run(&[&"check", &tmp.path().join("kit")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Every event goes into every partner's calendar: thousands of them (or of moments) are
/// refused at once, not turned into millions of calendar entries.
#[test]
fn thousands_of_events_and_moments_are_refused() {
    refused(
        "5,000 events and 5,000 moments",
        |d| {
            let p = d.join("kit.toml");
            let mut s = std::fs::read_to_string(&p).unwrap();
            for i in 0..5000 {
                s.push_str(&format!(
                    "\n[[events]]\nid = \"e{i}\"\ntitle = \"x\"\nstart = 2030-01-01T10:00:00Z\n\n[[moments]]\nid = \"m{i}\"\nlabel = \"x\"\nat = 2030-01-01T10:00:00Z\n"
                ));
            }
            std::fs::write(p, s).unwrap();
        },
        &[
            "de kit heeft 5000 [[events]]; de grens is 200",
            "de kit heeft 5000 [[moments]]; de grens is 50",
        ],
    );
}
