//! `partnerkit serve`: build, serve the output on localhost, rebuild when a kit file changes.
//!
//! A small HTTP/1.1 file server on the standard library (no async runtime needed for one
//! local user) and a poller that hashes the kit's files twice a second; hashing rather than
//! modification times, which are unreliable on shared drives. A failed rebuild keeps the last
//! good output and shows the errors in an overlay on every page.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::cli::ServeArgs;

#[derive(Default)]
struct State {
    /// Bumped on every rebuild, successful or not; pages poll it to reload.
    version: u64,
    /// The errors of the last rebuild, if it failed.
    errors: Option<String>,
    /// The campaign folder being served.
    root: Option<PathBuf>,
}

/// Runs `serve`.
pub fn run(args: &ServeArgs) -> ExitCode {
    let state = Arc::new(Mutex::new(State::default()));
    rebuild(args, &state);
    let listener = match TcpListener::bind(("127.0.0.1", args.port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "error: cannot listen on port {} ({e})\n = hint: give another port with --port",
                args.port
            );
            return super::failed();
        }
    };
    println!(
        "serving on http://127.0.0.1:{}/ (Ctrl+C to stop)",
        args.port
    );
    {
        let state = Arc::clone(&state);
        let kit_dir = args.kit_dir.clone();
        let args = ServeArgs {
            kit_dir: args.kit_dir.clone(),
            port: args.port,
            out: args.out.clone(),
        };
        std::thread::spawn(move || {
            let mut last = fingerprint(&kit_dir);
            loop {
                std::thread::sleep(Duration::from_millis(500));
                let now = fingerprint(&kit_dir);
                if now != last {
                    last = now;
                    rebuild(&args, &state);
                }
            }
        });
    }
    for stream in listener.incoming().flatten() {
        let state = Arc::clone(&state);
        std::thread::spawn(move || {
            let _ = handle(stream, &state);
        });
    }
    ExitCode::SUCCESS
}

fn rebuild(args: &ServeArgs, state: &Mutex<State>) {
    let result = super::build::build(&args.kit_dir, &args.out, &[]);
    let mut s = state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    s.version += 1;
    match result {
        Ok((dir, warnings, _)) => {
            super::report(&warnings);
            println!("rebuilt {}", dir.display());
            s.root = Some(dir);
            s.errors = None;
        }
        Err(diags) => {
            super::report(&diags);
            s.errors = Some(
                diags
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
        }
    }
}

/// A hash of every file's path and contents in the kit.
fn fingerprint(dir: &Path) -> String {
    let mut entries = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(p),
                Ok(t) if t.is_file() => entries.push(p),
                _ => {}
            }
        }
    }
    entries.sort();
    let mut all = Vec::new();
    for p in entries {
        all.extend_from_slice(p.to_string_lossy().as_bytes());
        all.extend_from_slice(&std::fs::read(&p).unwrap_or_default());
    }
    crate::util::sha256_hex(&all)
}

const RELOAD: &str = r#"<script>(()=>{let v=null;setInterval(async()=>{try{const r=await fetch('/__partnerkit/version');const t=await r.text();if(v!==null&&t!==v)location.reload();v=t}catch(e){}},700)})();</script>"#;

fn handle(stream: TcpStream, state: &Mutex<State>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
    }
    let path = request
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .split('?')
        .next()
        .unwrap_or("/")
        .to_string();
    let (version, errors, root) = {
        let s = state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        (s.version, s.errors.clone(), s.root.clone())
    };
    let mut stream = stream;
    if path == "/__partnerkit/version" {
        return respond(
            &mut stream,
            "200 OK",
            "text/plain",
            version.to_string().as_bytes(),
        );
    }
    let Some(root) = root else {
        let body = format!(
            "<!DOCTYPE html><html lang=en><title>partnerkit</title><pre>{}</pre>{RELOAD}",
            crate::util::escape_html(&errors.unwrap_or_default())
        );
        return respond(
            &mut stream,
            "200 OK",
            "text/html; charset=utf-8",
            body.as_bytes(),
        );
    };
    let rel = percent_decode(path.trim_start_matches('/'));
    if rel.split('/').any(|p| p == ".." || p.starts_with('.')) || rel.contains('\\') {
        return respond(&mut stream, "404 Not Found", "text/plain", b"not found");
    }
    let mut file = root.join(&rel);
    if file.is_dir() {
        file = file.join("index.html");
    }
    let Ok(mut bytes) = std::fs::read(&file) else {
        return respond(&mut stream, "404 Not Found", "text/plain", b"not found");
    };
    let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
    let mime = match ext {
        "html" => "text/html; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "json" => "application/json",
        "ics" => "text/calendar; charset=utf-8",
        "png" => "image/png",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    };
    if ext == "html" {
        let mut inject = RELOAD.to_string();
        if let Some(errs) = errors {
            inject.push_str(&format!(
                "<pre style=\"position:fixed;inset:auto 0 0 0;max-height:50vh;overflow:auto;margin:0;padding:1rem;background:#fff3f3;color:#700;border-top:4px solid #a00;z-index:9999\">{}</pre>",
                crate::util::escape_html(&errs)
            ));
        }
        let html = String::from_utf8_lossy(&bytes).replace("</body>", &format!("{inject}</body>"));
        bytes = html.into_bytes();
    }
    respond(&mut stream, "200 OK", mime, &bytes)
}

fn respond(stream: &mut TcpStream, status: &str, mime: &str, body: &[u8]) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(body)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
