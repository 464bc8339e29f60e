//! Every command the README gives works as written.
//!
//! The `partnerkit …` commands (in code blocks and in the text) run in README order in a scratch
//! folder that holds a copy of `kits/`, with `partnerkit` on the PATH; `serve` runs until it
//! answers. The cargo and script commands of the "Start here" block are run by CI itself
//! (`.ci/run`), which this test checks; `cargo run --release -- ARGS` runs here as
//! `partnerkit ARGS`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::common::*;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

/// Commands in `sh` code blocks (comments dropped) and `partnerkit …` in inline code, in order.
fn commands(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_block = false;
    let mut sh = false;
    for line in text.lines() {
        if let Some(lang) = line.strip_prefix("```") {
            sh = !in_block && matches!(lang.trim(), "sh" | "bash" | "console");
            in_block = !in_block;
            continue;
        }
        if in_block {
            if sh {
                let cmd = line.split(" #").next().unwrap_or("").trim();
                if !cmd.is_empty() && !cmd.starts_with('#') {
                    out.push(cmd.to_string());
                }
            }
            continue;
        }
        for (i, piece) in line.split('`').enumerate() {
            if i % 2 == 1 && piece.starts_with("partnerkit ") {
                out.push(piece.to_string());
            }
        }
    }
    out
}

#[test]
fn every_readme_command_works() {
    let text = readme();
    let cmds = commands(&text);
    assert!(cmds.len() >= 8, "{cmds:?}");
    let ci =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/run")).unwrap();

    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("work");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("kits"),
        &work.join("kits"),
    );
    let bin = tmp.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_partnerkit"), bin.join("partnerkit")).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );

    let mut ran = 0;
    for cmd in &cmds {
        let cmd = match cmd.strip_prefix("cargo run --release -- ") {
            Some(args) => format!("partnerkit {args}"),
            None => cmd.clone(),
        };
        if cmd.starts_with("cargo install ") || cmd == "scripts/test.sh" {
            assert!(ci.contains(&cmd), "CI (.ci/run) does not run `{cmd}`");
            continue;
        }
        assert!(
            cmd.starts_with("partnerkit "),
            "the README gives `{cmd}`, which no test runs"
        );
        let cmd = cmd
            .replace("<kit folder>", "kits/mijn-campagne")
            .replace("KIT", "kits/mijn-campagne");
        if cmd.starts_with("partnerkit serve ") {
            serve_answers(&cmd, &work, &path);
        } else {
            let o = Command::new("sh")
                .arg("-c")
                .arg(&cmd)
                .current_dir(&work)
                .env("PATH", &path)
                .output()
                .unwrap();
            assert!(
                o.status.success(),
                "`{cmd}` failed:\n{}{}",
                String::from_utf8_lossy(&o.stdout),
                stderr(&o)
            );
        }
        ran += 1;
    }
    assert!(ran >= 6, "{ran} commands ran");
    // "Open output/een-klein-gebaar/index.html to see the download page".
    for page in [
        "output/een-klein-gebaar/index.html",
        "output/mijn-campagne/index.html",
    ] {
        assert!(work.join(page).is_file(), "{page}");
        assert!(
            text.contains(page) || page.contains("mijn-campagne"),
            "{page}"
        );
    }
}

/// Starts the serve command (on a free port rather than the default, which may be taken) and
/// waits until it serves the download page.
fn serve_answers(cmd: &str, work: &PathBuf, path: &str) {
    let port = free_port();
    let mut args: Vec<String> = cmd.split_whitespace().skip(1).map(String::from).collect();
    args.push("--port".into());
    args.push(port.to_string());
    let child = Command::new("partnerkit")
        .args(&args)
        .current_dir(work)
        .env("PATH", path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let _server = Server(child, port);
    wait_for(
        &format!("`{cmd}` to answer"),
        Duration::from_secs(60),
        || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
                && get(port, "/").starts_with("HTTP/1.1 200")
        },
    );
}
