//! Kill `build` at many moments: the output folder always holds a complete build, the previous
//! one or the new one, and never anything half-written.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::*;

/// A small deterministic generator, so a failing run can be repeated.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// The output as far as it says what the kit holds: files that carry the build's version
/// (the version file, each pack's overview, manifest and CHANGES.html) differ between two
/// complete builds; for them only completeness counts (a zip must end in its central directory).
fn content(files: Vec<(String, Vec<u8>)>) -> Vec<(String, Vec<u8>)> {
    files
        .into_iter()
        .map(|(p, b)| {
            let versioned = [
                ".partnerkit-build",
                "CHANGES.html",
                "LEESMIJ.html",
                "README.html",
                "manifest.json",
                // The download page shows each zip's size and checksum.
                "index.html",
            ]
            .iter()
            .any(|v| p.ends_with(v));
            if p.ends_with(".zip") {
                let tail = &b[b.len().saturating_sub(22)..];
                let whole = tail.starts_with(b"PK\x05\x06");
                (
                    p,
                    if whole {
                        b"whole zip".to_vec()
                    } else {
                        b"broken zip".to_vec()
                    },
                )
            } else if versioned {
                (
                    p,
                    if b.is_empty() {
                        b"empty".to_vec()
                    } else {
                        b"versioned".to_vec()
                    },
                )
            } else {
                (p, b)
            }
        })
        .collect()
}

#[test]
fn a_killed_build_leaves_a_complete_output() {
    let tmp = tempfile::tempdir().unwrap();
    let kit = tmp.path().join("kit");
    copy_dir(&reference_kit(), &kit);
    let out = tmp.path().join("out");
    let dir = build(&kit, &out);
    let old = content(files(&dir));

    // A second version of the kit, so "old" and "new" builds differ.
    let title = kit.join("kit.toml");
    let s = std::fs::read_to_string(&title).unwrap();
    std::fs::write(
        &title,
        s.replace(
            "title = \"Gelijke kansen in het mkb\"",
            "title = \"Gelijke kansen in het mkb, editie 2\"",
        ),
    )
    .unwrap();
    // Timed and killed without the cache, so every run takes about as long as the timed one
    // (the cache is only ever replaced by renaming, so a kill cannot leave half an entry).
    let t = Instant::now();
    let o = crate::common::run(&[
        &"build",
        &kit,
        &"--out",
        &tmp.path().join("timing"),
        &"--no-cache",
    ]);
    assert!(o.status.success());
    let full = t.elapsed().as_micros() as u64;

    let mut rng = Lcg(0x5eed);
    let mut new: Option<Vec<(String, Vec<u8>)>> = None;
    let (mut killed, mut finished) = (0, 0);
    // Kill moments spread over the whole build (one in each twelfth of 1.25× its time, at a
    // random point within it), so the last ones let the build finish.
    const RUNS: u64 = 12;
    for run in 0..RUNS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_partnerkit"))
            .args([
                "build".as_ref(),
                kit.as_os_str(),
                "--out".as_ref(),
                out.as_os_str(),
                "--no-cache".as_ref(),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let slot = full * 5 / 4 / RUNS;
        std::thread::sleep(Duration::from_micros(run * slot + rng.next() % slot.max(1)));
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.success() {
            finished += 1;
        } else {
            killed += 1;
        }
        // After a kill on a system without an atomic swap, the next run repairs the folder;
        // `check` does not write, so look before anything else runs.
        let raw = files(&dir);
        let now = content(raw.clone());
        if now == old {
            continue;
        }
        match &new {
            None => {
                assert!(
                    raw.iter().any(|(p, b)| p == "index.html"
                        && String::from_utf8_lossy(b).contains("editie 2")),
                    "a half-written output"
                );
                assert_eq!(now.len(), old.len(), "a half-written output");
                new = Some(now);
            }
            Some(n) => assert!(&now == n, "output is neither the old nor the new build"),
        }
    }
    eprintln!("{killed} builds killed, {finished} finished");
    assert!(killed > 0, "the test killed no build; it proves nothing");
    // No staging folders are left behind that a later build could not clean up.
    let listing = || -> Vec<_> {
        std::fs::read_dir(&out)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .filter(|n| {
                let n = n.to_string_lossy();
                !n.ends_with(".partnerkit-lock") && !n.ends_with(".partnerkit-cache")
            })
            .collect()
    };
    let stray = listing();
    assert!(stray.len() <= 2, "{stray:?}");
    build(&kit, &out);
    let clean = listing();
    assert_eq!(clean.len(), 1, "the next build cleans up: {clean:?}");
}
