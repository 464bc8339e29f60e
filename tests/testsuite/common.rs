//! Helpers shared by the integration tests: run the binary, find and copy kits.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The reference kit of the format's contract, kept in the repository as a fixture: every
/// build must accept it unchanged.
pub fn reference_kit() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gelijke-kansen")
}

/// The reference kit built once per test binary, into the target folder's scratch space: tests
/// that only read the build share it. Returns the campaign folder.
pub fn reference_build() -> &'static Path {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("reference-build-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        build(&reference_kit(), &out)
    })
}

/// The validator script (scripts/validate-output.sh).
pub fn validate_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/validate-output.sh")
}

/// This repository's example kits.
pub fn example_kits() -> Vec<PathBuf> {
    let mut kits: Vec<PathBuf> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("kits"))
            .expect("kits/ exists")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.join("kit.toml").is_file())
            .collect();
    kits.sort();
    assert!(
        kits.len() >= 2,
        "kits/ should hold at least two example kits"
    );
    kits
}

/// Runs `partnerkit` with `args`.
pub fn run(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_partnerkit"));
    for a in args {
        cmd.arg(a);
    }
    cmd.output().expect("partnerkit runs")
}

/// Output as a snapshot sees it: the kit folder written as `[KIT]`, the temporary folder around
/// it as `[TMP]`, so the snapshot is the same on every machine.
pub fn normalise(text: &str, kit: &Path) -> String {
    let mut s = text.replace(&kit.display().to_string(), "[KIT]");
    if let Some(parent) = kit.parent() {
        s = s.replace(&parent.display().to_string(), "[TMP]");
    }
    s
}

/// Stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Builds `kit` into `out`, asserting success; returns the campaign folder.
pub fn build(kit: &Path, out: &Path) -> PathBuf {
    let o = run(&[&"build", &kit, &"--out", &out]);
    assert!(
        o.status.success(),
        "build of {} failed:\n{}",
        kit.display(),
        stderr(&o)
    );
    // The campaign folder: the one folder in `out` that is not partnerkit's own (hidden) one,
    // and the build names it in what it prints.
    let dirs: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap()
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    assert_eq!(dirs.len(), 1, "one campaign folder in {}", out.display());
    let stdout = String::from_utf8_lossy(&o.stdout);
    let canonical = dirs[0].canonicalize().unwrap();
    assert!(
        stdout.contains(&dirs[0].display().to_string())
            || stdout.contains(&canonical.display().to_string()),
        "the build names its folder: {stdout}"
    );
    dirs[0].clone()
}

/// Copies a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir`, relative, sorted, with its bytes.
pub fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Reads a text file under `dir`.
pub fn text(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A fresh starter kit (`partnerkit new`) in a temp folder at `<tmp>/kit`, changed by `edit`.
pub fn starter(edit: impl FnOnce(&Path)) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("kit");
    let o = run(&[&"new", &dir]);
    assert!(o.status.success(), "{}", stderr(&o));
    edit(&dir);
    tmp
}

/// Replaces the first `from` in a kit file, which must contain it.
pub fn replace(dir: &Path, file: &str, from: &str, to: &str) {
    let p = dir.join(file);
    let s = std::fs::read_to_string(&p).unwrap();
    assert!(s.contains(from), "{file} does not contain {from:?}");
    std::fs::write(&p, s.replacen(from, to, 1)).unwrap();
}

// `partnerkit serve` for the serve and browser tests.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Sends `request` raw and returns the whole response (the server closes after it).
pub fn raw(port: u16, request: &[u8]) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let _ = s.write_all(request);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// A request with this `Host`.
pub fn request(port: u16, method: &str, path: &str, host: &str) -> String {
    raw(
        port,
        format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

/// GET as a browser on this machine would.
pub fn get(port: u16, path: &str) -> String {
    request(port, "GET", path, &format!("127.0.0.1:{port}"))
}

/// Waits until `f` holds, failing after `limit`.
pub fn wait_for(what: &str, limit: Duration, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A running `partnerkit serve` and its port; stopped when dropped.
pub struct Server(pub std::process::Child, pub u16);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A port nobody listens on.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `partnerkit serve KIT` on a free port and waits for its first page.
pub fn serve(kit: &Path) -> Server {
    let port = free_port();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_partnerkit"))
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
    let mut server = Server(child, port);
    wait_for("the first page", Duration::from_secs(60), || {
        assert!(server.0.try_wait().unwrap().is_none(), "serve exited");
        TcpStream::connect(("127.0.0.1", port)).is_ok()
            && get(port, "/").starts_with("HTTP/1.1 200")
    });
    server
}
