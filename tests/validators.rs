//! Independent validators over real builds: qpdf, poppler, mutool, pdfcpu, the Nu Html Checker,
//! axe-core and pa11y in headless Chromium, icalendar, zip and PNG checks
//! (`../shared/validators/validate-output.sh`). A missing validator is a failure, never a skip:
//! `scripts/test.sh` installs them first.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

fn validate(kit: &Path) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = build(kit, tmp.path());
    let script = shared().join("validators/validate-output.sh");
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
