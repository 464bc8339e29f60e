//! Property tests: random and mutated inputs never make partnerkit panic, and the text
//! transformations keep their promises. Deterministic seeds, so a failure can be repeated.

use partnerkit::kit::Lang;
use partnerkit::render::markdown;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A string from pieces that matter to the parsers: Markdown, Handlebars, TOML, Unicode.
    fn text(&mut self, max: usize) -> String {
        const PIECES: &[&str] = &[
            "a",
            "Zo ",
            "é",
            "ï",
            "“",
            "–",
            "👩‍👩‍👧",
            "日",
            "\n",
            "\n\n",
            "\r\n",
            " ",
            "*",
            "**",
            "_",
            "#",
            "# ",
            "- ",
            "1. ",
            ">",
            "[",
            "]",
            "(",
            ")",
            "[x](https://e.nl)",
            "<b>",
            "</b>",
            "<script>",
            "&",
            "&amp;",
            "{{",
            "}}",
            "{{partner.name}}",
            "{{#if a}}",
            "{{/if}}",
            "+++",
            "+++\n",
            "=",
            "\"",
            "'",
            "\\",
            "`",
            "```",
            "|",
            "https://example.nl/pad",
            " #tag",
            ".",
            "?",
            "!",
            "\t",
            "\u{0}",
        ];
        let n = self.below(max);
        (0..n).map(|_| PIECES[self.below(PIECES.len())]).collect()
    }
}

#[test]
fn text_transformations_never_panic_and_keep_their_promises() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..3000 {
        let s = rng.text(60);
        let html = markdown::to_html(&s);
        assert!(
            !html.contains("<script"),
            "raw HTML passed through: {s:?} -> {html}"
        );
        assert!(!html.contains("<b>"), "raw HTML passed through: {s:?}");
        let plain = markdown::to_plain(&s);
        for p in partnerkit::platforms::PLATFORMS {
            let n = p.count(&plain);
            assert!(n <= plain.chars().count() * 2 + 23 * plain.matches("http").count());
        }
        let _ = partnerkit::platforms::Platform::hashtags(&plain);
        let _ = partnerkit::readability::score(&s, 1, Lang::Nl);
        let _ = partnerkit::readability::score(&s, 1, Lang::En);
        let _ = partnerkit::coverage::strip_templates(&s);
        if let Ok(parts) = partnerkit::kit::content::split(&s) {
            assert!(s.contains(parts.front_matter) && s.ends_with(parts.body));
            assert!(parts.body_line >= 3);
        }
    }
}

#[test]
fn mutated_kits_never_panic() {
    let mut rng = Rng(0xdead_beef_cafe_f00d);
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base");
    assert!(crate::common::run(&[&"new", &base]).status.success());
    let files = [
        "kit.toml",
        "content/aftrap.md",
        "content/eerste-stap.md",
        "content/verhaal.md",
    ];
    let originals: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(base.join(f)).unwrap())
        .collect();
    for round in 0..100 {
        let dir = tmp.path().join(format!("k{round}"));
        crate::common::copy_dir(&base, &dir);
        let which = rng.below(files.len());
        let mut lines: Vec<String> = originals[which].lines().map(String::from).collect();
        for _ in 0..1 + rng.below(3) {
            let i = rng.below(lines.len());
            match rng.below(5) {
                0 => {
                    lines.remove(i);
                }
                1 => {
                    let l = lines[i].clone();
                    lines.insert(i, l);
                }
                2 => lines[i] = rng.text(12),
                3 => {
                    let l = &mut lines[i];
                    let cut = (0..=l.len())
                        .filter(|c| l.is_char_boundary(*c))
                        .nth(rng.below(l.chars().count() + 1))
                        .unwrap_or(0);
                    l.truncate(cut);
                }
                _ => {
                    let extra = rng.text(8);
                    lines[i].push_str(&extra);
                }
            }
            if lines.is_empty() {
                break;
            }
        }
        std::fs::write(dir.join(files[which]), lines.join("\n")).unwrap();
        match partnerkit::pipeline::Campaign::load(&dir) {
            Ok(campaign) => {
                let diags = campaign.check();
                assert!(
                    diags.iter().all(|d| d.file.is_some() || !d.is_error()),
                    "round {round}: a build error without a file: {diags:?}"
                );
            }
            Err(diags) => {
                assert!(!diags.is_empty());
                assert!(diags.iter().any(|d| d.is_error()));
                assert!(
                    diags.iter().all(|d| d.file.is_some()),
                    "round {round}: an error without a file: {diags:?}"
                );
            }
        }
    }
}

/// Every input a fuzz target once crashed on, replayed as a content file (`*.md`) or as
/// kit.toml (`*.toml`): each must now give a clean result or a clean error.
#[test]
fn fuzz_regressions_stay_fixed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let input = std::fs::read(entry.path()).unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        let tmp = crate::common::starter(|kit| {
            let target = if name.ends_with(".toml") {
                kit.join("kit.toml")
            } else {
                kit.join("content/regression.md")
            };
            std::fs::write(target, &input).unwrap();
        });
        let o = crate::common::run(&[&"check", &tmp.path().join("kit")]);
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "{name}: {:?}\n{}",
            o.status,
            crate::common::stderr(&o)
        );
        assert!(
            !crate::common::stderr(&o).contains("panicked"),
            "{name}: {}",
            crate::common::stderr(&o)
        );
        n += 1;
    }
    assert!(n > 0);
}

/// The build streams: packs reach the output as they are done, a few at a time, not all at the
/// end; so memory does not grow with the number of partners.
#[test]
fn packs_are_handed_out_as_they_are_done() {
    struct Count(Vec<String>);
    impl partnerkit::build::Sink for Count {
        fn put(&mut self, rel: &str, _: &[u8]) -> Result<(), partnerkit::diag::Diagnostic> {
            self.0.push(rel.to_string());
            Ok(())
        }
    }
    let tmp = crate::common::starter(|d| {
        let p = d.join("kit.toml");
        let mut s = std::fs::read_to_string(&p).unwrap();
        for i in 0..40 {
            s = s.replacen(
                "[[partners]]\nid = \"gemeente\"",
                &format!("[[partners]]\nid = \"extra-{i}\"\nname = \"Extra {i}\"\naddress = \"je\"\nchannels = [\"linkedin\"]\n\n[[partners]]\nid = \"gemeente\""),
                1,
            );
        }
        std::fs::write(p, s).unwrap();
    });
    let campaign = partnerkit::pipeline::Campaign::load(&tmp.path().join("kit")).unwrap();
    assert_eq!(campaign.kit.partners.len(), 42);
    let mut sink = Count(Vec::new());
    // After each pack: (partners done, partners in all, files handed out so far).
    let mut seen = Vec::new();
    let counted = std::cell::Cell::new(0usize);
    {
        let mut progress = |done: usize, total: usize| seen.push((done, total, counted.get()));
        // The sink's count is read after each pack through the shared cell.
        struct Tee<'a>(&'a mut Count, &'a std::cell::Cell<usize>);
        impl partnerkit::build::Sink for Tee<'_> {
            fn put(&mut self, rel: &str, b: &[u8]) -> Result<(), partnerkit::diag::Diagnostic> {
                self.1.set(self.1.get() + 1);
                self.0.put(rel, b)
            }
        }
        campaign
            .build_into(
                &Default::default(),
                &mut Tee(&mut sink, &counted),
                &mut progress,
            )
            .unwrap();
    }
    assert!(seen.len() >= 3, "several hand-outs: {seen:?}");
    let (done, total, files_then) = seen[0];
    assert!(done < total, "{seen:?}");
    assert!(
        files_then > 0,
        "the first packs were handed out before the rest was made"
    );
    assert!(
        files_then < sink.0.len() / 2,
        "{files_then} of {}",
        sink.0.len()
    );
    assert_eq!(seen.last().map(|s| s.0), Some(42));
    assert!(sink.0.iter().any(|f| f == "index.html"));
}
