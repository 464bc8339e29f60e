//! Results of the expensive renderers (SVG to PNG, card PDFs), kept in memory by a hash of their
//! complete input, for the preview server: after an edit, only what the edit touched is drawn
//! again. Off unless [`enable`] is called, so `build` and `check` hold nothing extra.
//!
//! The key is a SHA-256 of everything the renderer reads (the SVG text; every shape, colour,
//! logo and document field of a PDF) and the tool version, so a hit is the same bytes a fresh
//! render would give. The memo forgets everything once it holds more than [`MAX_BYTES`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use sha2::{Digest, Sha256};

/// Most bytes kept.
pub const MAX_BYTES: usize = 512 * 1024 * 1024;

struct Store {
    on: bool,
    bytes: usize,
    map: HashMap<[u8; 32], Arc<Vec<u8>>>,
}

fn store() -> &'static Mutex<Store> {
    static S: OnceLock<Mutex<Store>> = OnceLock::new();
    S.get_or_init(|| {
        Mutex::new(Store {
            on: false,
            bytes: 0,
            map: HashMap::new(),
        })
    })
}

/// Keeps results from now on (the preview server).
pub fn enable() {
    store()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .on = true;
}

/// A key hasher, seeded with the tool version and what is rendered.
pub fn key(kind: &str) -> Sha256 {
    let mut h = Sha256::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update([0]);
    h.update(kind.as_bytes());
    h.update([0]);
    h
}

/// The result for `key`, from the memo or from `f`.
pub fn get_or_render<E>(key: Sha256, f: impl FnOnce() -> Result<Vec<u8>, E>) -> Result<Vec<u8>, E> {
    let on = store()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .on;
    if !on {
        return f();
    }
    let k: [u8; 32] = key.finalize().into();
    if let Some(hit) = store()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .map
        .get(&k)
    {
        return Ok(hit.as_ref().clone());
    }
    let bytes = f()?;
    let mut s = store()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if s.bytes + bytes.len() > MAX_BYTES {
        s.map.clear();
        s.bytes = 0;
    }
    s.bytes += bytes.len();
    s.map.insert(k, Arc::new(bytes.clone()));
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_render_is_a_hit() {
        enable();
        let mut calls = 0;
        for _ in 0..2 {
            let mut k = key("test");
            k.update(b"same input");
            let out: Result<Vec<u8>, ()> = get_or_render(k, || {
                calls += 1;
                Ok(vec![1, 2, 3])
            });
            assert_eq!(out.unwrap(), vec![1, 2, 3]);
        }
        assert_eq!(calls, 1);
    }
}
