//! `partnerkit serve`: serves the build on localhost and rebuilds when a kit file changes.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::*;

fn get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

struct Kill(std::process::Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serves_and_rebuilds_on_save() {
    let tmp = tempfile::tempdir().unwrap();
    let kit = tmp.path().join("kit");
    assert!(run(&[&"new", &kit]).status.success());
    let port = 20000 + (std::process::id() % 20000) as u16;
    let _server = Kill(
        std::process::Command::new(env!("CARGO_BIN_EXE_partnerkit"))
            .args([
                "serve".as_ref(),
                kit.as_os_str(),
                "--port".as_ref(),
                port.to_string().as_ref(),
                "--out".as_ref(),
                tmp.path().join("out").as_os_str(),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for("the first page", || {
        get(port, "/").is_some_and(|r| r.starts_with("HTTP/1.1 200"))
    });
    let page = get(port, "/").unwrap();
    assert!(page.contains("Samen aan de slag"), "{page}");
    assert!(
        page.contains("/__partnerkit/version"),
        "the page reloads itself"
    );
    assert!(
        get(port, "/../kit/kit.toml")
            .unwrap()
            .starts_with("HTTP/1.1 404"),
        "nothing outside the output"
    );
    assert!(get(port, "/.partnerkit-output")
        .unwrap()
        .starts_with("HTTP/1.1 404"));
    let version = |r: String| r.rsplit("\r\n\r\n").next().unwrap().to_string();
    let before = version(get(port, "/__partnerkit/version").unwrap());

    let toml = kit.join("kit.toml");
    let s = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        s.replace("title = \"Samen aan de slag\"", "title = \"Samen verder\""),
    )
    .unwrap();
    wait_for("the rebuild", || {
        get(port, "/").is_some_and(|r| r.contains("Samen verder"))
    });
    assert_ne!(version(get(port, "/__partnerkit/version").unwrap()), before);

    // A mistake keeps the last good output and shows the error on the page.
    std::fs::write(
        &toml,
        s.replace("title = \"Samen aan de slag\"", "titel = \"Samen verder\""),
    )
    .unwrap();
    wait_for("the error overlay", || {
        get(port, "/").is_some_and(|r| r.contains("unknown key `titel`"))
    });
    assert!(
        get(port, "/").unwrap().contains("Samen verder"),
        "the last good build is still served"
    );
}
