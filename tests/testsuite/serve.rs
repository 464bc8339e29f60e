//! `partnerkit serve`: safe against hostile requests, live on every save, and never brought
//! down by a client.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::common::*;

fn alive(server: &mut Server) {
    assert!(server.0.try_wait().unwrap().is_none(), "the server exited");
    assert!(
        get(server.1, "/").starts_with("HTTP/1.1 200"),
        "the server still answers"
    );
}

#[test]
fn refuses_what_it_must() {
    let tmp = starter(|_| {});
    let mut server = serve(&tmp.path().join("kit"));
    let port = server.1;

    // Only this machine at this port, by name.
    for host in [
        "evil.example",
        "evil.example:80",
        &format!("attacker.test:{port}"),
        "127.0.0.1",
        &format!("localhost.evil:{port}"),
    ] {
        assert!(
            request(port, "GET", "/", host).starts_with("HTTP/1.1 403"),
            "{host}"
        );
    }
    assert!(
        raw(port, b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n").contains(" 403 "),
        "no Host"
    );
    for host in [
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
        format!("127.0.0.1:{port}"),
    ] {
        assert!(
            request(port, "GET", "/", &host).starts_with("HTTP/1.1 200"),
            "{host}"
        );
    }

    // Read-only; HEAD without a body.
    for m in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        let r = request(port, m, "/", &format!("127.0.0.1:{port}"));
        assert!(
            r.starts_with("HTTP/1.1 405") && r.to_ascii_lowercase().contains("allow: get, head"),
            "{m}: {r}"
        );
    }
    let head = request(port, "HEAD", "/", &format!("127.0.0.1:{port}"));
    let (headers, body) = head.split_once("\r\n\r\n").unwrap();
    assert!(
        headers.starts_with("HTTP/1.1 200")
            && headers.to_ascii_lowercase().contains("content-length: "),
        "{headers}"
    );
    assert!(body.is_empty(), "HEAD has no body");

    // No path outside the build, in any encoding.
    for path in [
        "/%2Fetc%2Fpasswd",
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/..%2F..%2F..%2Fetc%2Fpasswd",
        "/..%5c..%5c..%5cetc%5cpasswd",
        "/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
        "/%252e%252e/etc/passwd",
        "//etc/passwd",
        "/mijn-campagne/../../../etc/passwd",
        "/.partnerkit-output",
        "/%00",
        "/%ff%fe",
    ] {
        let r = get(port, path);
        assert!(
            r.starts_with("HTTP/1.1 404") || r.starts_with("HTTP/1.1 400"),
            "{path}: {}",
            r.lines().next().unwrap_or("")
        );
        assert!(!r.contains("root:"), "{path} served /etc/passwd");
    }

    // Bounded request line and headers; the server goes on.
    let long = format!(
        "GET /{} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n",
        "a".repeat(1 << 20)
    );
    let r = raw(port, long.as_bytes());
    assert!(
        r.is_empty() || r.starts_with("HTTP/1.1 4"),
        "{}",
        r.lines().next().unwrap_or("")
    );
    let many = format!(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{}\r\n",
        "X-A: b\r\n".repeat(10_000)
    );
    let r = raw(port, many.as_bytes());
    assert!(
        r.is_empty() || r.starts_with("HTTP/1.1 4"),
        "{}",
        r.lines().next().unwrap_or("")
    );
    let r = raw(port, b"\x00\x01\x02garbage\r\n\r\n");
    assert!(r.is_empty() || r.starts_with("HTTP/1.1 400"), "{r}");
    alive(&mut server);

    // 300 idle connections: they are cut off after the head timeout, and the server answers.
    let idle: Vec<TcpStream> = (0..300)
        .filter_map(|_| TcpStream::connect(("127.0.0.1", port)).ok())
        .collect();
    let start = Instant::now();
    wait_for(
        "an answer despite idle connections",
        Duration::from_secs(40),
        || get(port, "/").starts_with("HTTP/1.1 200"),
    );
    eprintln!(
        "answered with 300 idle connections open after {:?}",
        start.elapsed()
    );
    drop(idle);
    alive(&mut server);
}

#[test]
fn a_busy_port_is_an_error_before_building() {
    let taken = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = taken.local_addr().unwrap().port();
    let tmp = starter(|_| {});
    let start = Instant::now();
    let o = run(&[
        &"serve",
        &tmp.path().join("kit"),
        &"--port",
        &port.to_string(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(&format!("poort {port} is niet te gebruiken")),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("geef een andere poort met --port"));
    assert!(start.elapsed() < Duration::from_secs(5));
}

/// Reads server-sent events until one with a build number other than `not` arrives.
fn next_version(port: u16, not: Option<u64>, limit: Duration) -> u64 {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    write!(
        s,
        "GET /__partnerkit/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
    )
    .unwrap();
    let start = Instant::now();
    let mut buf = String::new();
    let mut chunk = [0u8; 4096];
    loop {
        assert!(
            start.elapsed() < limit,
            "no new build within {limit:?}: {buf}"
        );
        if let Ok(n) = s.read(&mut chunk) {
            buf.push_str(&String::from_utf8_lossy(&chunk[..n]));
        }
        let versions: Vec<u64> = buf
            .lines()
            .filter_map(|l| l.strip_prefix("data: "))
            .filter_map(|v| v.trim().parse().ok())
            .collect();
        if let Some(v) = versions.into_iter().rev().find(|v| Some(*v) != not) {
            return v;
        }
    }
}

#[test]
fn live_on_every_save() {
    let tmp = starter(|_| {});
    let kit = tmp.path().join("kit");
    let server = serve(&kit);
    let port = server.1;
    let page = get(port, "/");
    assert!(page.contains("Samen aan de slag"), "{page}");
    assert!(
        page.contains("new EventSource('/__partnerkit/events')"),
        "the page listens for rebuilds"
    );
    assert!(
        page.contains("connect-src 'self'") && page.contains("script-src 'sha256-"),
        "the live script is allowed by hash"
    );
    assert!(
        page.contains("id=\"partnerkit-picker\""),
        "the download page has a partner picker"
    );

    // The page knows its build; the stream says the current one at once.
    let v1 = next_version(port, None, Duration::from_secs(5));
    assert!(
        page.contains(&format!("const v={v1};")),
        "page of build {v1}"
    );

    // Saving without a change, or an editor's swap file, rebuilds nothing.
    let story = kit.join("content/verhaal.md");
    let text = std::fs::read_to_string(&story).unwrap();
    std::fs::write(&story, &text).unwrap();
    std::fs::write(kit.join("content/.verhaal.md.swp"), "x").unwrap();
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(
        next_version(port, None, Duration::from_secs(5)),
        v1,
        "nothing changed"
    );

    // 20 edits in a row: each one is served.
    let mut last = v1;
    for i in 0..20 {
        let start = Instant::now();
        std::fs::write(
            &story,
            text.replace("Sanne heeft", &format!("Sanne (versie {i}) heeft")),
        )
        .unwrap();
        // A save is two steps (truncate, write): the page may first show the errors of the
        // empty file, then the text; what counts is that the text arrives.
        let want = format!("Sanne (versie {i}) heeft");
        wait_for(&format!("edit {i}"), Duration::from_secs(30), || {
            get(port, "/werkgeversvereniging/blogs/verhaal.html").contains(&want)
        });
        let v = next_version(port, Some(last), Duration::from_secs(5));
        assert!(v > last);
        last = v;
        eprintln!("edit {i}: served after {:?}", start.elapsed());
    }

    // A broken kit: the errors over every page, the last good build still served.
    // (A write truncates first: a build may see the empty file and show that error for a
    // moment; wait for the edit's own.)
    std::fs::write(&story, text.replace("{{partner.name}}", "{{partner.naam}}")).unwrap();
    wait_for(
        "the overlay of the broken edit",
        Duration::from_secs(30),
        || get(port, "/").contains("partner.naam"),
    );
    let page = get(port, "/");
    assert!(page.contains("id=\"partnerkit-errors\""), "overlay");
    assert!(
        page.contains("partner.naam") && page.contains("content/verhaal.md:"),
        "the overlay names file and line"
    );
    assert!(
        page.contains("Samen aan de slag"),
        "the last good build is still served"
    );
    // The fix removes it.
    std::fs::write(&story, &text).unwrap();
    wait_for(
        "the fix to clear the overlay",
        Duration::from_secs(30),
        || !get(port, "/").contains("id=\"partnerkit-errors\""),
    );
    assert!(next_version(port, None, Duration::from_secs(5)) > last);
}
