//! Independent validators over real builds: qpdf, poppler, mutool, pdfcpu, the Nu Html Checker,
//! axe-core and pa11y in headless Chromium, icalendar, zip and PNG checks
//! (`scripts/validate-output.sh`). A missing validator is a failure, never a skip:
//! `scripts/test.sh` installs them first and runs this group (`--features validators`).

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

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
    let home =
        std::env::var("VALIDATORS_HOME").unwrap_or_else(|_| "/opt/campaign-validators".into());
    let puppeteer = Path::new(&home).join("node/node_modules/puppeteer-core");
    assert!(
        puppeteer.join("package.json").is_file(),
        "puppeteer-core is missing at {}: run scripts/test.sh",
        puppeteer.display()
    );
    let tmp = tempfile::tempdir().unwrap();
    let kit = tmp.path().join("kit");
    assert!(run(&[&"new", &kit]).status.success());
    let port = std::net::TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_partnerkit"))
        .args([
            "serve".as_ref(),
            kit.as_os_str(),
            "--port".as_ref(),
            port.to_string().as_ref(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed().as_secs() < 60, "serve did not start");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/live-reload.mjs");
    let o = Command::new("node")
        .arg(&script)
        .arg(format!("http://127.0.0.1:{port}/"))
        .arg(&kit)
        .arg(&puppeteer)
        .output()
        .expect("node runs");
    let _ = server.kill();
    let _ = server.wait();
    let out = String::from_utf8_lossy(&o.stdout);
    eprintln!("{out}");
    assert!(
        o.status.success() && out.contains("OK"),
        "{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
