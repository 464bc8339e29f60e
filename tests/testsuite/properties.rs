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
        match partnerkit::kit::load(&dir) {
            Ok((kit, _)) => {
                let partners: Vec<_> = kit.partners.iter().collect();
                if let Err(diags) = partnerkit::build::build_in(
                    &kit,
                    &partners,
                    &[],
                    partnerkit::build::Mode::Check,
                ) {
                    assert!(
                        diags.iter().all(|d| d.file.is_some()),
                        "round {round}: a build error without a file: {diags:?}"
                    );
                }
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
