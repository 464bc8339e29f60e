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

/// A map shared between threads that forgets everything once its values hold more than `max`
/// bytes: the memos of drawn things (this module's, card preview layers, logo copies).
pub struct Bounded<K, V> {
    max: usize,
    inner: Mutex<(usize, HashMap<K, V>)>,
}

impl<K: Eq + std::hash::Hash, V: Clone> Bounded<K, V> {
    /// An empty map of at most `max` bytes.
    pub fn new(max: usize) -> Self {
        Bounded {
            max,
            inner: Mutex::new((0, HashMap::new())),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (usize, HashMap<K, V>)> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The value kept for `key`.
    pub fn get(&self, key: &K) -> Option<V> {
        self.lock().1.get(key).cloned()
    }

    /// Keeps `value` (of `size` bytes) for `key`.
    pub fn insert(&self, key: K, value: V, size: usize) {
        let mut m = self.lock();
        if m.0 + size > self.max {
            m.1.clear();
            m.0 = 0;
        }
        m.0 += size;
        m.1.insert(key, value);
    }

    /// The value for `key`, kept or made by `make` (and then kept; `size` tells its bytes).
    pub fn get_or_make<E>(
        &self,
        key: K,
        size: impl FnOnce(&V) -> usize,
        make: impl FnOnce() -> Result<V, E>,
    ) -> Result<V, E> {
        if let Some(v) = self.get(&key) {
            return Ok(v);
        }
        let v = make()?;
        self.insert(key, v.clone(), size(&v));
        Ok(v)
    }
}

/// Off until [`enable`].
static ON: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn store() -> &'static Bounded<[u8; 32], Arc<Vec<u8>>> {
    static S: OnceLock<Bounded<[u8; 32], Arc<Vec<u8>>>> = OnceLock::new();
    S.get_or_init(|| Bounded::new(MAX_BYTES))
}

/// Keeps results from now on (the preview server).
pub fn enable() {
    ON.store(true, std::sync::atomic::Ordering::Relaxed);
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

/// The key of what is made from `inputs` alone (with the drawing engine), hashed through their
/// `Debug` forms: those name every field, so a field added to an input is in the key without
/// anyone remembering to add it. The forms are hashed as they are written, never held whole.
pub fn inputs_key(kind: &str, inputs: &[&dyn std::fmt::Debug]) -> [u8; 32] {
    use std::fmt::Write;
    struct Hashing<'h>(&'h mut Sha256);
    impl Write for Hashing<'_> {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0.update(s.as_bytes());
            Ok(())
        }
    }
    let mut k = key(kind);
    for input in inputs {
        let _ = writeln!(Hashing(&mut k), "{input:?}");
    }
    k.finalize().into()
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
    draw_at(cache, key.finalize().into(), f).map(|d| d.bytes)
}

/// A file of a pack: [`get_or_render`], with the cache file that holds the same bytes (when
/// there is a cache), for the output to link to. From the build cache, the bytes are not read
/// ([`crate::cache::Cache::draw_file`]): the pack takes them as let go. `pixels`: the width
/// and height of the PNG `f` draws (0 × 0 for other files).
pub fn draw<E>(
    cache: Option<&crate::cache::Cache>,
    key: Sha256,
    pixels: (u32, u32),
    f: impl FnOnce() -> Result<Vec<u8>, E>,
) -> Result<crate::cache::Drawn, E> {
    let k = key.finalize().into();
    match cache {
        Some(c) => c.draw_file(k, pixels, f),
        None => draw_at(None, k, f),
    }
}

/// A page of a pack made from inputs `key` is a hash of: [`draw`], not counted among the
/// drawings.
pub fn page<E>(
    cache: Option<&crate::cache::Cache>,
    key: Sha256,
    f: impl FnOnce() -> Result<Vec<u8>, E>,
) -> Result<crate::cache::Drawn, E> {
    let k = key.finalize().into();
    match cache {
        Some(c) => c.page_file(k, f),
        None => draw_at(None, k, f),
    }
}

/// [`draw`] with the key already made.
pub fn draw_at<E>(
    cache: Option<&crate::cache::Cache>,
    k: [u8; 32],
    f: impl FnOnce() -> Result<Vec<u8>, E>,
) -> Result<crate::cache::Drawn, E> {
    use crate::cache::Drawn;
    // A build has the cache (it links its files to the entries, and keeps what it used); the
    // preview server the memo.
    if let Some(c) = cache {
        return c.get_or_render(k, f);
    }
    let drawn = |bytes| Drawn {
        bytes,
        origin: None,
        sha256: None,
        unread: None,
        key: k,
    };
    if !ON.load(std::sync::atomic::Ordering::Relaxed) {
        return f().map(drawn);
    }
    if let Some(hit) = store().get(&k) {
        return Ok(drawn(hit.as_ref().clone()));
    }
    let bytes = f()?;
    store().insert(k, Arc::new(bytes.clone()), bytes.len());
    Ok(drawn(bytes))
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
