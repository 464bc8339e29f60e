//! Independent validators over real builds: qpdf, poppler, mutool, pdfcpu, the Nu Html Checker,
//! axe-core and pa11y in headless Chromium, icalendar, zip and PNG checks
//! (`scripts/validate-output.sh`). A missing validator is a failure, never a skip:
//! `scripts/test.sh` installs them first and runs this group (`--features validators`).

use std::path::Path;
use std::process::Command;

use crate::common::*;

fn validate(kit: &Path) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = build(kit, tmp.path());
    let script = validate_script();
    let o = Command::new("bash")
        .arg(&script)
        .arg(&dir)
        .env("QUIET", "1")
        .output()
        .expect("bash runs");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "validate-output.sh failed on {}:\n{out}\n{}",
        kit.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        out.lines().last().is_some_and(|l| l.ends_with(" 0 failed")),
        "{out}"
    );
}

#[test]
fn reference_kit_passes_the_validators() {
    validate(&reference_kit());
}

#[test]
fn example_kits_pass_the_validators() {
    for kit in example_kits() {
        validate(&kit);
    }
}

/// Live reload in a real browser: Debian's Chromium driven by puppeteer-core (installed with
/// the validators, as pa11y's driver). Missing node, Chromium or puppeteer-core is a failure.
#[test]
fn live_reload_in_a_real_browser() {
    let puppeteer = puppeteer();
    let tmp = tempfile::tempdir().unwrap();
    let kit = tmp.path().join("kit");
    assert!(run(&[&"new", &kit]).status.success());
    let server = serve(&kit);
    let port = server.1;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/live-reload.mjs");
    let o = Command::new("node")
        .arg(&script)
        .arg(format!("http://127.0.0.1:{port}/"))
        .arg(&kit)
        .arg(&puppeteer)
        .output()
        .expect("node runs");
    drop(server);
    let out = String::from_utf8_lossy(&o.stdout);
    eprintln!("{out}");
    assert!(
        o.status.success() && out.contains("OK"),
        "{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Builds the reference and example kits and runs `tests/browser/<script>` over them in
/// headless Chromium; its output, after asserting that it ends well.
fn browser_check(script: &str) -> String {
    let puppeteer = puppeteer();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut kits = vec![reference_kit()];
    kits.extend(example_kits());
    for kit in &kits {
        build(kit, &out.join(kit.file_name().unwrap()));
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser")
        .join(script);
    let o = Command::new("node")
        .arg(&script)
        .arg(&out)
        .arg(&puppeteer)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    eprintln!("{stdout}");
    assert!(
        o.status.success() && stdout.contains("OK"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    stdout
}

/// Every page of the reference and example kits reflows at 320 and 390 CSS px (WCAG 1.4.10),
/// measured in headless Chromium (`tests/browser/reflow.mjs`).
#[test]
fn every_page_reflows_on_a_phone() {
    browser_check("reflow.mjs");
}

/// The copy and share buttons of every overview page with statements, in headless Chromium:
/// by keyboard, the clipboard holding exactly the .txt, intents carrying exactly the text, copy
/// and open opening the platform, Mastodon on the reader's own server, and from disk
/// (`tests/browser/copy.mjs`). Every platform occurs in the three kits.
#[test]
fn copy_and_share_buttons_work_in_a_browser() {
    let stdout = browser_check("copy.mjs");
    assert!(
        stdout.contains(
            "platforms tried: Bluesky, Facebook, Instagram, LinkedIn, Mastodon, Threads, X"
        ),
        "{stdout}"
    );
}

/// puppeteer-core in the validators' folder (installed by `scripts/install-validators.sh`); its
/// absence fails the test.
fn puppeteer() -> std::path::PathBuf {
    let home =
        std::env::var("VALIDATORS_HOME").unwrap_or_else(|_| "/opt/campaign-validators".into());
    let puppeteer = Path::new(&home).join("node/node_modules/puppeteer-core");
    assert!(
        puppeteer.join("package.json").is_file(),
        "puppeteer-core is missing at {}: run scripts/test.sh",
        puppeteer.display()
    );
    puppeteer
}
