//! Small helpers with no better home: hashing, base64, HTML escaping, sizes.

use sha2::{Digest, Sha256};

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&sha256(bytes))
}

/// The SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// `bytes` in lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Standard base64 with padding (RFC 4648), for `data:` URIs and CSP hashes.
pub fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Escapes text for HTML and XML content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A file size for people: `12.3 kB`, `4.5 MB` (decimal units, as Windows and macOS show).
pub fn human_size(bytes: u64) -> String {
    if bytes < 1000 {
        format!("{bytes} B")
    } else if bytes < 1_000_000 {
        format!("{} kB", decimal(bytes as f64 / 1e3, 1))
    } else {
        format!("{} MB", decimal(bytes as f64 / 1e6, 1))
    }
}

/// `x` with `places` decimals, with a decimal comma in Dutch ("4,2") and a point in English.
pub fn decimal(x: f64, places: usize) -> String {
    let s = format!("{x:.places$}");
    match crate::tr::lang() {
        crate::lang::Lang::Nl => s.replace('.', ","),
        crate::lang::Lang::En => s,
    }
}

/// Maps `f` over `items` on all cores, keeping the order.
pub fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len().max(1));
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<Option<R>> = (0..items.len()).map(|_| None).collect();
    let slots = std::sync::Mutex::new(&mut results);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= items.len() {
                    break;
                }
                let r = f(&items[i]);
                slots
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)[i] = Some(r);
            });
        }
    });
    results
        .into_iter()
        .map(|r| r.expect("every item is mapped"))
        .collect()
}

/// Pixel size of a PNG, read from its header.
pub fn png_size(bytes: &[u8]) -> (u32, u32) {
    if bytes.len() >= 24 && bytes.starts_with(b"\x89PNG") {
        let w = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
        let h = u32::from_be_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]);
        (w, h)
    } else {
        (0, 0)
    }
}

/// Exactly the `len` bytes of the file at `path`; an error when it holds more or fewer (it
/// changed since its length was taken).
pub fn read_exactly(path: &std::path::Path, len: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0).min(1 << 28));
    std::fs::File::open(path)?
        .take(len + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 != len {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            crate::tr!(
                "it changed during the build",
                "het is tijdens de build veranderd"
            ),
        ));
    }
    Ok(bytes)
}

/// Whether the output may link to a file with this metadata: a plain file (not a link), and on
/// Unix ours, with no execute or special bits: a link keeps its mode, and a file written anew
/// would have none of these.
pub fn linkable(m: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        static ME: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = *ME.get_or_init(|| unsafe { libc::geteuid() });
        m.is_file() && m.uid() == me && m.mode() & 0o7111 == 0
    }
    #[cfg(not(unix))]
    {
        m.is_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }

    #[test]
    fn sha256_of_abc() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
