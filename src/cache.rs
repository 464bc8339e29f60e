//! The build cache: what the expensive renderers made (share images and card previews as PNG,
//! card PDFs), kept on disk beside the output, so a rebuild draws only what changed.
//!
//! Each entry is found by the key its renderer computes ([`crate::memo::key`]): a SHA-256 of
//! everything the renderer reads (the SVG text, with the logo and photo bytes in it; every shape,
//! colour, logo and document field of a PDF) and of the tool itself (its version and a hash of
//! its source, templates and fonts, made at compile time). So an entry is exactly what a fresh
//! render would give, and a changed template, logo or font leads to other keys.
//!
//! The cache is `<out>/.<campaign>.partnerkit-cache/`. An entry that cannot be read, or whose
//! bytes do not match the checksum stored with them, is drawn again; the cache never makes a
//! build fail. After a build of every partner, entries it did not use are removed, so the cache
//! stays about as large as the images and PDFs of one build.

use std::collections::HashSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

/// The first bytes of every entry.
const MAGIC: &[u8; 8] = b"pkcache1";

/// The largest entry read back (a card PDF with its logos is a few MB).
const MAX_ENTRY: u64 = 256 * 1024 * 1024;

/// A cache folder, open for one build.
pub struct Cache {
    dir: PathBuf,
    used: Mutex<HashSet<[u8; 32]>>,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

/// How much a build reused.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Renders taken from the cache.
    pub hits: usize,
    /// Renders drawn (and stored).
    pub misses: usize,
}

fn hex(key: &[u8; 32]) -> String {
    key.iter().map(|b| format!("{b:02x}")).collect()
}

impl Cache {
    /// Opens (and creates when needed) the cache in `dir`. A folder that cannot be created
    /// leaves a cache that stores nothing.
    pub fn open(dir: &Path) -> Cache {
        let _ = fs::create_dir_all(dir);
        Cache {
            dir: dir.to_path_buf(),
            used: Mutex::new(HashSet::new()),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
        }
    }

    fn path(&self, key: &[u8; 32]) -> PathBuf {
        let h = hex(key);
        self.dir.join(&h[..2]).join(&h)
    }

    /// The bytes stored for `key`, if there is an intact entry.
    fn read(&self, key: &[u8; 32]) -> Option<Vec<u8>> {
        let path = self.path(key);
        // Never through a link: the entry must be a file of the cache folder itself.
        let meta = fs::symlink_metadata(&path).ok()?;
        if !meta.is_file() || meta.len() > MAX_ENTRY + 40 {
            return None;
        }
        let mut data = Vec::with_capacity(meta.len() as usize);
        fs::File::open(&path)
            .ok()?
            .take(MAX_ENTRY + 40)
            .read_to_end(&mut data)
            .ok()?;
        let body = data.get(40..)?;
        if &data[..8] != MAGIC || data[8..40] != Sha256::digest(body)[..] {
            return None;
        }
        Some(body.to_vec())
    }

    /// Stores `bytes` for `key`: written beside the entry, then renamed onto it, so a reader
    /// never sees half an entry. Failures are ignored (the next build draws it again).
    fn write(&self, key: &[u8; 32], bytes: &[u8]) {
        let path = self.path(key);
        let Some(parent) = path.parent() else { return };
        if fs::create_dir_all(parent).is_err() {
            return;
        }
        let tmp = parent.join(format!(".{}.{}.tmp", &hex(key)[..16], std::process::id()));
        let mut data = Vec::with_capacity(bytes.len() + 40);
        data.extend_from_slice(MAGIC);
        data.extend_from_slice(&Sha256::digest(bytes));
        data.extend_from_slice(bytes);
        if fs::write(&tmp, &data).is_ok() && fs::rename(&tmp, &path).is_err() {
            let _ = fs::remove_file(&tmp);
        }
    }

    /// The bytes for `key`: from the cache, or from `render` (and then stored).
    pub fn get_or_render<E>(
        &self,
        key: [u8; 32],
        render: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<Vec<u8>, E> {
        self.used
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(key);
        if let Some(bytes) = self.read(&key) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(bytes);
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let bytes = render()?;
        self.write(&key, &bytes);
        Ok(bytes)
    }

    /// What this build reused so far.
    pub fn stats(&self) -> Stats {
        Stats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }

    /// Ends the build: with `prune` (a build of every partner), removes the entries it did not
    /// use and any leftover temporary files.
    pub fn finish(self, prune: bool) {
        if !prune {
            return;
        }
        let used = self
            .used
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let keep: HashSet<String> = used.iter().map(hex).collect();
        let Ok(dirs) = fs::read_dir(&self.dir) else {
            return;
        };
        for d in dirs.flatten() {
            let is_dir = d.file_type().is_ok_and(|t| t.is_dir());
            if !is_dir {
                continue;
            }
            let Ok(entries) = fs::read_dir(d.path()) else {
                continue;
            };
            let mut left = 0;
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if keep.contains(&name) {
                    left += 1;
                } else {
                    let _ = fs::remove_file(e.path());
                }
            }
            if left == 0 {
                let _ = fs::remove_dir(d.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> [u8; 32] {
        [n; 32]
    }

    #[test]
    fn a_stored_render_comes_back_and_a_damaged_one_is_drawn_again() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::open(tmp.path());
        let out: Result<_, ()> = cache.get_or_render(key(1), || Ok(b"drawn".to_vec()));
        assert_eq!(out.unwrap(), b"drawn");
        let again: Result<_, ()> = cache.get_or_render(key(1), || panic!("not drawn again"));
        assert_eq!(again.unwrap(), b"drawn");
        assert_eq!(cache.stats(), Stats { hits: 1, misses: 1 });

        // Flip one byte of the stored bytes: the checksum no longer matches.
        let path = cache.path(&key(1));
        let mut data = fs::read(&path).unwrap();
        *data.last_mut().unwrap() ^= 1;
        fs::write(&path, &data).unwrap();
        let redrawn: Result<_, ()> = cache.get_or_render(key(1), || Ok(b"drawn".to_vec()));
        assert_eq!(redrawn.unwrap(), b"drawn");
        // A cut entry, too.
        fs::write(&path, &data[..20]).unwrap();
        let redrawn: Result<_, ()> = cache.get_or_render(key(1), || Ok(b"drawn".to_vec()));
        assert_eq!(redrawn.unwrap(), b"drawn");
        assert_eq!(cache.stats().misses, 3);
    }

    #[test]
    fn an_entry_that_is_a_link_is_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::open(&tmp.path().join("c"));
        let path = cache.path(&key(2));
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let outside = tmp.path().join("secret");
        let mut data = MAGIC.to_vec();
        data.extend_from_slice(&Sha256::digest(b"secret"));
        data.extend_from_slice(b"secret");
        fs::write(&outside, data).unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&outside, &path).unwrap();
            let out: Result<_, ()> = cache.get_or_render(key(2), || Ok(b"drawn".to_vec()));
            assert_eq!(out.unwrap(), b"drawn");
        }
    }

    #[test]
    fn finishing_a_full_build_removes_what_it_did_not_use() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::open(tmp.path());
        for n in [1, 2, 3] {
            let _: Result<_, ()> = cache.get_or_render(key(n), || Ok(vec![n]));
        }
        cache.finish(true);
        let cache = Cache::open(tmp.path());
        let _: Result<_, ()> = cache.get_or_render(key(2), || Ok(vec![2]));
        cache.finish(true);
        assert!(!cache_path(tmp.path(), 1).exists());
        assert!(cache_path(tmp.path(), 2).exists());
        assert!(!cache_path(tmp.path(), 3).exists());
    }

    fn cache_path(dir: &Path, n: u8) -> PathBuf {
        Cache::open(dir).path(&key(n))
    }
}
