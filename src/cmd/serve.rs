//! `partnerkit serve`: build the kit in memory, serve it on localhost, rebuild on every save.
//!
//! * **Safe.** Listens on 127.0.0.1 and ::1 only and answers only requests whose `Host` is this
//!   machine at this port (a web page cannot reach the server through DNS rebinding). GET and
//!   HEAD only. Files come from the build in memory, looked up by their exact name after strict
//!   percent-decoding, so no request can name a file outside the build, whatever its encoding.
//!   hyper bounds the request line and headers; our accept loop bounds the connections and never
//!   ends because of a client.
//! * **Live.** Every page carries the number of the build it was rendered from and listens on a
//!   server-sent-event stream; the server sends the current build number on connect and after
//!   every rebuild, so a page reloads whenever it is behind and no change is ever missed. A
//!   failed rebuild keeps the last good build served and shows the errors over every page.
//! * **Watching what matters.** File-system events (debounced) on the kit folder; editor swap
//!   and backup files are ignored, and a content hash of the kit's inputs decides whether
//!   anything changed (saving without changes, or touching a file, rebuilds nothing).

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{combinators::BoxBody, BodyExt, Full, StreamBody};
use hyper::body::Frame;
use hyper::header::{HeaderValue, ALLOW, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, HOST};
use hyper::{Method, Request, Response, StatusCode};
use tokio::sync::{watch, Semaphore};

use crate::cli::ServeArgs;
use crate::diag::Diagnostic;

/// Most connections open at once (each open page keeps one for its event stream); more wait in
/// the kernel's backlog.
pub const MAX_CONNECTIONS: usize = 256;
/// Largest request head (request line and headers) hyper buffers.
pub const MAX_HEAD_BYTES: usize = 16 * 1024;
/// A client must send its request head within this time. Browsers send it at once; a connection
/// they open ahead and leave idle is closed and simply opened again when needed.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(2);
/// Largest kit file hashed by content to decide whether anything changed (the limit of the text
/// files a build reads); larger files (logos, and anything a build never reads) count by size
/// and modification time, so a big unused file costs nothing on a save.
const MAX_HASHED_BYTES: u64 = 1024 * 1024;
/// Most files looked at in the kit folder.
const MAX_WATCHED_FILES: usize = 10_000;

/// The build being served.
struct Site {
    /// Every file of the campaign folder, by its path relative to it (`abu/LEESMIJ.html`).
    files: HashMap<String, Bytes>,
    /// Partner ids and names, for the picker.
    partners: Vec<(String, String)>,
    /// The language of the kit's labels.
    lang: crate::kit::Lang,
}

/// What the server knows, shared between the watcher and the connections.
struct State {
    /// The last good build.
    site: Option<Arc<Site>>,
    /// The errors of the last build, if it failed.
    errors: Option<String>,
}

/// Runs `serve`.
pub fn run(args: &ServeArgs) -> ExitCode {
    // Messages in the kit's language from the start.
    if let Some(lang) = std::fs::read(args.kit_dir.join("kit.toml"))
        .ok()
        .and_then(|b| crate::tr::sniff(&String::from_utf8_lossy(&b)))
    {
        crate::tr::set_lang(lang);
    }
    // The port first: a busy port is known before the first build is spent.
    let listeners = match bind(args.port) {
        Ok(l) => l,
        Err(e) => {
            let d = Diagnostic::error(
                "port",
                crate::tr!(
                    "cannot listen on port {port} ({e})",
                    "poort {port} is niet te gebruiken ({e})",
                    port = args.port,
                    e = e
                ),
            )
            .hint(crate::tr!(
                "another program uses it; give another port with --port, e.g. --port {other}",
                "een ander programma gebruikt hem; geef een andere poort met --port, bijvoorbeeld --port {other}",
                other = args.port.wrapping_add(1).max(1024)
            ));
            eprintln!("{d}");
            return super::failed();
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!(
                "{}",
                Diagnostic::error(
                    "serve",
                    crate::tr!(
                        "cannot start the server ({e})",
                        "de server start niet ({e})",
                        e = e
                    )
                )
            );
            return super::failed();
        }
    };
    // Rebuilds draw again only the images and PDFs an edit touched.
    crate::memo::enable();
    let state = Arc::new(Mutex::new(State {
        site: None,
        errors: None,
    }));
    let (version_tx, version_rx) = watch::channel(0u64);
    let kit_dir = args.kit_dir.clone();
    // Taken before the first build, so that a save during it is seen as a change.
    let built_from = fingerprint(&kit_dir);
    rebuild(&kit_dir, &state, &version_tx);
    let url = format!("http://127.0.0.1:{}/", args.port);
    println!(
        "{}",
        crate::tr!(
            "serving {kit} on {url} (Ctrl+C to stop)",
            "{kit} staat klaar op {url} (Ctrl+C om te stoppen)",
            kit = kit_dir.display(),
            url = url
        )
    );
    let _watcher = match watch_kit(&kit_dir, built_from, Arc::clone(&state), version_tx) {
        Ok(w) => Some(w),
        Err(e) => {
            eprintln!(
                "{}",
                Diagnostic::warning(
                    "watch",
                    crate::tr!(
                        "cannot watch `{kit}` for changes ({e}); reload by hand after saving",
                        "`{kit}` is niet op wijzigingen te volgen ({e}); laad na het opslaan zelf opnieuw",
                        kit = kit_dir.display(),
                        e = e
                    )
                )
            );
            None
        }
    };
    if args.open {
        open_browser(&url);
    }
    let port = args.port;
    runtime.block_on(async move {
        let limit = Arc::new(Semaphore::new(MAX_CONNECTIONS));
        let mut tasks = Vec::new();
        for listener in listeners {
            let listener = match tokio::net::TcpListener::from_std(listener) {
                Ok(l) => l,
                Err(e) => {
                    eprintln!(
                        "{}",
                        Diagnostic::error(
                            "serve",
                            crate::tr!("cannot serve ({e})", "serveren lukt niet ({e})", e = e)
                        )
                    );
                    continue;
                }
            };
            tasks.push(tokio::spawn(accept_loop(
                listener,
                Arc::clone(&limit),
                Arc::clone(&state),
                version_rx.clone(),
                port,
            )));
        }
        for t in tasks {
            let _ = t.await;
        }
    });
    ExitCode::SUCCESS
}

/// 127.0.0.1 (required) and ::1 (where the machine has IPv6), non-blocking for tokio.
fn bind(port: u16) -> std::io::Result<Vec<std::net::TcpListener>> {
    let v4 = std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))?;
    v4.set_nonblocking(true)?;
    let mut out = vec![v4];
    if let Ok(v6) =
        std::net::TcpListener::bind(SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, port)))
    {
        v6.set_nonblocking(true)?;
        out.push(v6);
    }
    Ok(out)
}

async fn accept_loop(
    listener: tokio::net::TcpListener,
    limit: Arc<Semaphore>,
    state: Arc<Mutex<State>>,
    versions: watch::Receiver<u64>,
    port: u16,
) {
    loop {
        let Ok(permit) = Arc::clone(&limit).acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((s, _)) => s,
            Err(_) => {
                // Out of file descriptors or a connection reset before accept: wait, go on.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let state = Arc::clone(&state);
        let versions = versions.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let state = Arc::clone(&state);
                let versions = versions.clone();
                async move { Ok::<_, Infallible>(handle(req, &state, versions, port)) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEAD_TIMEOUT)
                .max_buf_size(MAX_HEAD_BYTES)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
            drop(permit);
        });
    }
}

type Body = BoxBody<Bytes, Infallible>;

fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into()).boxed()
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut r = Response::new(full(text));
    *r.status_mut() = status;
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

/// Whether `host` names this machine at `port`.
pub fn host_allowed(host: &str, port: u16) -> bool {
    let p = port.to_string();
    host.strip_prefix("127.0.0.1:")
        .or_else(|| host.strip_prefix("localhost:"))
        .or_else(|| host.strip_prefix("[::1]:"))
        == Some(p.as_str())
}

/// The build file a request path names: strictly percent-decoded UTF-8, no empty, `.` or `..`
/// segments beyond a trailing slash, no backslash or NUL, nothing hidden; `index.html` for a
/// folder. `None` for anything else.
pub fn file_for(path: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    let rel = decoded.strip_prefix('/')?;
    if rel.contains(['\\', '\0']) {
        return None;
    }
    let (dir, index) = match rel.strip_suffix('/') {
        Some(d) => (d, true),
        None => (rel, rel.is_empty()),
    };
    if !dir.is_empty()
        && dir
            .split('/')
            .any(|seg| seg.is_empty() || seg.starts_with('.'))
    {
        return None;
    }
    Some(match (dir.is_empty(), index) {
        (true, _) => "index.html".to_string(),
        (false, true) => format!("{dir}/index.html"),
        (false, false) => dir.to_string(),
    })
}

fn handle(
    req: Request<hyper::body::Incoming>,
    state: &Mutex<State>,
    versions: watch::Receiver<u64>,
    port: u16,
) -> Response<Body> {
    let host = req
        .headers()
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !host_allowed(host, port) {
        return plain(StatusCode::FORBIDDEN, "forbidden: partnerkit's preview answers only http://127.0.0.1, localhost or [::1] at its own port\n");
    }
    let head = req.method() == Method::HEAD;
    if req.method() != Method::GET && !head {
        let mut r = plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "method not allowed: the preview is read-only\n",
        );
        r.headers_mut()
            .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let path = req.uri().path();
    let mut response = if path == "/__partnerkit/events" {
        events(versions)
    } else {
        let (site, errors) = {
            let s = state
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            (s.site.clone(), s.errors.clone())
        };
        let version = *versions.borrow();
        page(path, site.as_deref(), errors.as_deref(), version)
    };
    let h = response.headers_mut();
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    if head {
        use hyper::body::Body as _;
        let len = response.body().size_hint().exact();
        let (mut parts, _) = response.into_parts();
        if let Some(len) = len {
            parts.headers.insert(CONTENT_LENGTH, HeaderValue::from(len));
        }
        return Response::from_parts(parts, full(Bytes::new()));
    }
    response
}

/// The stream of build numbers: the current one at once, then one per rebuild.
fn events(versions: watch::Receiver<u64>) -> Response<Body> {
    use tokio_stream::StreamExt;
    let stream = tokio_stream::wrappers::WatchStream::new(versions).map(|v| {
        Ok::<_, Infallible>(Frame::data(Bytes::from(format!(
            "event: version\ndata: {v}\n\n"
        ))))
    });
    let mut r = Response::new(StreamBody::new(stream).boxed());
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    r
}

fn mime(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "txt" | "md" | "srt" => "text/plain; charset=utf-8",
        "vtt" => "text/vtt; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "ics" => "text/calendar; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        _ => "application/octet-stream",
    }
}

fn page(path: &str, site: Option<&Site>, errors: Option<&str>, version: u64) -> Response<Body> {
    let Some(name) = file_for(path) else {
        return plain(StatusCode::NOT_FOUND, "not found\n");
    };
    let Some(site) = site else {
        // No good build yet: every page is the error overlay.
        let html = format!(
            "<!DOCTYPE html><html lang=\"en\"><head>{}<meta charset=\"utf-8\"><title>partnerkit preview</title></head><body><h1>partnerkit preview</h1><p>The kit has errors; fix them and this page updates by itself.</p></body></html>",
            crate::render::csp::meta(crate::render::copy::PAGE_SCRIPTS)
        );
        return html_response(StatusCode::OK, &inject(&html, errors, version, None, None));
    };
    let Some(bytes) = site.files.get(&name) else {
        return plain(StatusCode::NOT_FOUND, "not found\n");
    };
    if name.ends_with(".html") {
        let html = String::from_utf8_lossy(bytes);
        let picker = (name == "index.html").then_some(site);
        return html_response(
            StatusCode::OK,
            &inject(&html, errors, version, picker, Some(site.lang)),
        );
    }
    let mut r = Response::new(full(bytes.clone()));
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(mime(&name)));
    r
}

fn html_response(status: StatusCode, html: &str) -> Response<Body> {
    let mut r = Response::new(full(html.to_string()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

/// The live-reload script for a page of build `version`.
pub fn live_script(version: u64) -> String {
    format!(
        "(()=>{{const v={version};const s=new EventSource('/__partnerkit/events');s.addEventListener('version',e=>{{if(Number(e.data)!==v){{s.close();location.reload();}}}});}})();"
    )
}

/// Adds the live-reload script (allowed by its hash in the page's policy), the error overlay and,
/// on the download page, the partner picker.
fn inject(
    html: &str,
    errors: Option<&str>,
    version: u64,
    picker: Option<&Site>,
    lang: Option<crate::kit::Lang>,
) -> String {
    let script = live_script(version);
    let mut scripts = crate::render::copy::PAGE_SCRIPTS.to_vec();
    scripts.push(&script);
    let html = html.replacen(
        &crate::render::csp::meta(crate::render::copy::PAGE_SCRIPTS),
        &crate::render::csp::meta_live(&scripts),
        1,
    );
    let mut add = format!("<script>{script}</script>");
    if let Some(site) = picker {
        let label = match site.lang {
            crate::kit::Lang::Nl => "Voorbeeld van het pakket van",
            crate::kit::Lang::En => "Preview the pack of",
        };
        add.push_str(&format!(
            "<nav id=\"partnerkit-picker\" aria-label=\"{label}\" style=\"position:fixed;top:.5rem;right:.5rem;background:#fff;border:2px solid #333;padding:.5rem;z-index:9998;max-width:90vw\"><strong>{label}</strong> "
        ));
        for (id, name) in &site.partners {
            let overview = site
                .files
                .keys()
                .find(|k| {
                    k.starts_with(&format!("{id}/"))
                        && !k[id.len() + 1..].contains('/')
                        && k.ends_with(".html")
                })
                .cloned()
                .unwrap_or_else(|| format!("{id}/"));
            add.push_str(&format!(
                " <a href=\"/{}\">{}</a>",
                crate::util::escape_html(&overview),
                crate::util::escape_html(name)
            ));
        }
        add.push_str("</nav>");
    }
    if let Some(errs) = errors {
        add.push_str(&format!(
            "<div id=\"partnerkit-errors\" role=\"alert\" style=\"position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;margin:0;padding:1rem;background:#fff3f3;color:#700;border-top:4px solid #a00;z-index:9999\"><p style=\"margin:0 0 .5rem;font-weight:bold\">{}</p><pre style=\"white-space:pre-wrap;margin:0;font-size:14px\">{}</pre></div>",
            match lang {
                Some(crate::kit::Lang::Nl) => "De kit heeft fouten; u ziet de laatste goede versie. Deze pagina werkt zichzelf bij zodra de fouten zijn opgelost.",
                _ => "The kit has errors; you see the last good version. This page updates by itself once they are fixed.",
            },
            crate::util::escape_html(errs)
        ));
    }
    match html.rfind("</body>") {
        Some(i) => format!("{}{add}{}", &html[..i], &html[i..]),
        None => format!("{html}{add}"),
    }
}

/// Loads and builds the kit in memory, then swaps the result in (or records the errors).
fn rebuild(kit_dir: &Path, state: &Mutex<State>, versions: &watch::Sender<u64>) {
    let start = Instant::now();
    let result = build_in_memory(kit_dir);
    {
        let mut s = state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match result {
            Ok((site, warnings)) => {
                super::report(&warnings);
                println!(
                    "{}",
                    crate::tr!(
                        "rebuilt in {ms} ms",
                        "opnieuw gebouwd in {ms} ms",
                        ms = start.elapsed().as_millis()
                    )
                );
                s.site = Some(Arc::new(site));
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
    versions.send_modify(|v| *v += 1);
}

fn build_in_memory(kit_dir: &Path) -> Result<(Site, Vec<Diagnostic>), Vec<Diagnostic>> {
    let campaign = crate::pipeline::Campaign::load(kit_dir)?;
    let built = campaign.build_in_memory(&Default::default())?;
    let (kit, warnings) = (campaign.kit, campaign.warnings);
    // The picker links each partner's pack folder (with private links: id and token).
    let partners = built
        .packs
        .iter()
        .map(|p| (p.folder.clone(), p.name.clone()))
        .collect();
    let files = built
        .files
        .into_iter()
        .map(|(p, b)| (p, Bytes::from(b)))
        .collect();
    Ok((
        Site {
            files,
            partners,
            lang: kit.campaign.language,
        },
        warnings,
    ))
}

/// Whether a changed path is worth a look: not an editor's swap, backup or lock file.
pub fn relevant(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    !(name.starts_with(".#")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || name.ends_with(".crdownload")
        || name == "4913"
        || name.starts_with("~$")
        || name == ".DS_Store")
}

/// A hash of what a build reads: every file in the kit folder (not hidden), by content up to
/// [`MAX_HASHED_BYTES`], larger ones by size and modification time.
pub fn fingerprint(kit_dir: &Path) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let mut stack = vec![(kit_dir.to_path_buf(), 0usize)];
    let mut files = Vec::new();
    while let Some((d, depth)) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            if files.len() >= MAX_WATCHED_FILES {
                break;
            }
            let name = e.file_name();
            if name.to_string_lossy().starts_with('.') || !relevant(&e.path()) {
                continue;
            }
            match e.file_type() {
                Ok(t) if t.is_dir() && depth < 4 => stack.push((e.path(), depth + 1)),
                Ok(t) if t.is_file() || t.is_symlink() => files.push(e.path()),
                _ => {}
            }
        }
    }
    files.sort();
    for p in files {
        h.update(p.to_string_lossy().as_bytes());
        let meta = std::fs::metadata(&p).ok();
        match meta {
            Some(m) if m.is_file() && m.len() <= MAX_HASHED_BYTES => {
                h.update(std::fs::read(&p).unwrap_or_default());
            }
            Some(m) => {
                h.update(m.len().to_le_bytes());
                if let Ok(t) = m.modified() {
                    h.update(format!("{t:?}").as_bytes());
                }
            }
            None => h.update(b"-"),
        }
    }
    crate::util::sha256_hex(&h.finalize())
}

type Watcher = notify_debouncer_full::Debouncer<
    notify_debouncer_full::notify::RecommendedWatcher,
    notify_debouncer_full::RecommendedCache,
>;

fn watch_kit(
    kit_dir: &Path,
    built_from: String,
    state: Arc<Mutex<State>>,
    versions: watch::Sender<u64>,
) -> Result<Watcher, String> {
    use notify_debouncer_full::notify::RecursiveMode;
    let (tx, rx) = std::sync::mpsc::channel();
    let mut debouncer = notify_debouncer_full::new_debouncer(
        Duration::from_millis(30),
        Some(Duration::from_millis(10)),
        tx,
    )
    .map_err(|e| e.to_string())?;
    debouncer
        .watch(kit_dir, RecursiveMode::Recursive)
        .map_err(|e| e.to_string())?;
    let kit_dir: PathBuf = kit_dir.to_path_buf();
    std::thread::spawn(move || {
        let mut last = built_from;
        // Saves between the first build and the watcher's start.
        let now = fingerprint(&kit_dir);
        if now != last {
            last = now;
            rebuild(&kit_dir, &state, &versions);
        }
        for result in rx {
            let Ok(events) = result else { continue };
            let worth = events.iter().flat_map(|e| e.paths.iter()).any(|p| {
                relevant(p)
                    && !p.strip_prefix(&kit_dir).is_ok_and(|r| {
                        r.components()
                            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
                    })
            });
            if !worth {
                continue;
            }
            let now = fingerprint(&kit_dir);
            if now != last {
                last = now;
                rebuild(&kit_dir, &state, &versions);
            }
        }
    });
    Ok(debouncer)
}

fn open_browser(url: &str) {
    let result = if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(url).spawn()
    } else if cfg!(windows) {
        std::process::Command::new("cmd")
            .args(["/C", "start", "", url])
            .spawn()
    } else {
        std::process::Command::new("xdg-open").arg(url).spawn()
    };
    if let Err(e) = result {
        eprintln!(
            "{}",
            Diagnostic::warning(
                "open",
                crate::tr!(
                    "cannot open a browser ({e}); open {url} yourself",
                    "er gaat geen browser open ({e}); open {url} zelf",
                    e = e,
                    url = url
                )
            )
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        for ok in ["127.0.0.1:4173", "localhost:4173", "[::1]:4173"] {
            assert!(host_allowed(ok, 4173), "{ok}");
        }
        for bad in [
            "",
            "evil.example:4173",
            "127.0.0.1",
            "127.0.0.1:80",
            "localhost.evil:4173",
            "127.0.0.1:41730",
            "attacker.com",
        ] {
            assert!(!host_allowed(bad, 4173), "{bad}");
        }
    }

    #[test]
    fn paths() {
        assert_eq!(file_for("/").as_deref(), Some("index.html"));
        assert_eq!(
            file_for("/abu/LEESMIJ.html").as_deref(),
            Some("abu/LEESMIJ.html")
        );
        assert_eq!(file_for("/abu/").as_deref(), Some("abu/index.html"));
        assert_eq!(
            file_for("/social/a%20b.txt").as_deref(),
            Some("social/a b.txt")
        );
        for bad in [
            "/%2Fetc%2Fpasswd",
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/a/%2E%2E/b",
            "/a/./b",
            "/a//b",
            "/..%5c..%5cwin.ini",
            "/a\\b",
            "/%c0%ae%c0%ae/etc",
            "/%00",
            "/.partnerkit-output",
            "etc/passwd",
            "/%ff",
        ] {
            let f = file_for(bad);
            assert!(
                f.is_none() || !f.as_deref().unwrap().contains(".."),
                "{bad} -> {f:?}"
            );
            assert!(
                f.is_none() || !f.as_deref().unwrap().starts_with('/'),
                "{bad} -> {f:?}"
            );
        }
        assert_eq!(file_for("/%2Fetc%2Fpasswd"), None);
        assert_eq!(file_for("/%c0%ae%c0%ae/etc"), None);
    }

    #[test]
    fn swap_files_are_not_worth_a_rebuild() {
        for p in [
            ".#kit.toml",
            "kit.toml~",
            ".kit.toml.swp",
            "4913",
            "~$doc.md",
        ] {
            assert!(!relevant(Path::new(p)), "{p}");
        }
        assert!(relevant(Path::new("content/verhaal.md")));
    }
}
