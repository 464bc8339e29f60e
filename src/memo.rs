//! Results of the expensive renderers (SVG to PNG, card PDFs), kept by a hash of their complete
//! input: in memory for the preview server ([`enable`]; off otherwise, so `build` and `check`
//! hold nothing extra), and on disk beside the output for `build` ([`crate::cache`]). After an
//! edit, only what the edit touched is drawn again.
//!
//! The key is a SHA-256 of everything the renderer reads (the SVG text; every shape, colour,
//! logo and document field of a PDF) and the drawing engine (version, source fingerprint,
//! fonts), so a hit is the same bytes a fresh render would give. The memo forgets everything once it holds more than [`MAX_BYTES`].

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

/// What identifies the drawing engine: the tool's version, the fingerprint of its source and
/// built-in templates (made at compile time), and the bytes of the fonts it draws with.
fn engine(fonts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update([0]);
    h.update(env!("PARTNERKIT_SOURCE_HASH").as_bytes());
    for f in fonts {
        h.update((f.len() as u64).to_le_bytes());
        h.update(f);
    }
    h.finalize().into()
}

/// A key hasher, seeded with the drawing engine and what is rendered.
pub fn key(kind: &str) -> Sha256 {
    static ENGINE: OnceLock<[u8; 32]> = OnceLock::new();
    let engine = ENGINE
        .get_or_init(|| engine(&[crate::typeset::fonts::REGULAR, crate::typeset::fonts::BOLD]));
    let mut h = Sha256::new();
    h.update(engine);
    h.update(kind.as_bytes());
    h.update([0]);
    h
}

/// The result for `key`: from the memo (the preview server), from the build cache beside the
/// output (`build`), or from `f`.
pub fn get_or_render<E>(
    cache: Option<&crate::cache::Cache>,
    key: Sha256,
    f: impl FnOnce() -> Result<Vec<u8>, E>,
) -> Result<Vec<u8>, E> {
    draw(cache, key, f).map(|d| d.bytes)
}

/// [`get_or_render`], with the cache file that holds the same bytes (when there is a cache),
/// for the output to link to.
pub fn draw<E>(
    cache: Option<&crate::cache::Cache>,
    key: Sha256,
    f: impl FnOnce() -> Result<Vec<u8>, E>,
) -> Result<crate::cache::Drawn, E> {
    use crate::cache::Drawn;
    let f = move |k: [u8; 32]| match cache {
        Some(c) => c.get_or_render(k, f),
        None => f().map(|bytes| Drawn {
            bytes,
            origin: None,
        }),
    };
    let on = store()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .on;
    let k: [u8; 32] = key.finalize().into();
    if !on {
        return f(k);
    }
    if let Some(hit) = store()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .map
        .get(&k)
    {
        return Ok(Drawn {
            bytes: hit.as_ref().clone(),
            origin: None,
        });
    }
    let drawn = f(k)?;
    let bytes = drawn.bytes;
    let mut s = store()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if s.bytes + bytes.len() > MAX_BYTES {
        s.map.clear();
        s.bytes = 0;
    }
    s.bytes += bytes.len();
    s.map.insert(k, Arc::new(bytes.clone()));
    Ok(Drawn {
        bytes,
        origin: drawn.origin,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_font_is_another_engine() {
        use crate::typeset::fonts::{BOLD, REGULAR};
        let mut changed = REGULAR.to_vec();
        changed[1000] ^= 1;
        assert_ne!(engine(&[REGULAR, BOLD]), engine(&[&changed, BOLD]));
        assert_ne!(engine(&[REGULAR, BOLD]), engine(&[BOLD, REGULAR]));
        assert_eq!(engine(&[REGULAR, BOLD]), engine(&[REGULAR, BOLD]));
    }

    #[test]
    fn a_second_render_is_a_hit() {
        enable();
        let mut calls = 0;
        for _ in 0..2 {
            let mut k = key("test");
            k.update(b"same input");
            let out: Result<Vec<u8>, ()> = get_or_render(None, k, || {
                calls += 1;
                Ok(vec![1, 2, 3])
            });
            assert_eq!(out.unwrap(), vec![1, 2, 3]);
        }
        assert_eq!(calls, 1);
    }
}
