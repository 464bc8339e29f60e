//! The build cache: what the expensive renderers made (share images and card previews as PNG,
//! card PDFs), kept on disk beside the output, so a rebuild draws only what changed.
//!
//! Each entry is found by the key its renderer computes ([`crate::memo::key`]): a SHA-256 of
//! everything the renderer reads (the SVG text, with the logo and photo bytes in it; every shape,
//! colour, logo and document field of a PDF) and of the tool itself (its version and a hash of
//! its source, templates and fonts, made at compile time). So an entry is exactly what a fresh
//! render would give, and a changed template, logo or font leads to other keys.
//!
//! The cache is `<out>/.<campaign>.partnerkit-cache/`: each entry a file of exactly the bytes
//! drawn, and an index with each entry's CRC-32, length and SHA-256 (the manifests list the
//! SHA-256 of every file, so an entry read back is not hashed again). An entry the index does not know,
//! or whose bytes do not match it, is drawn again; the cache never makes a build fail. The
//! output links its images and PDFs to the entries (a hard link; a copy where the file system
//! has none), so a build writes each drawing once and a rebuild writes none of them again. An
//! entry is replaced by renaming a new file onto it, never changed in place. After a build of
//! every partner, entries it did not use are removed, so the cache stays about as large as the
//! images and PDFs of one build.

mod index;

use std::collections::HashSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use crate::util::hex;
use index::{Entry, Id, Index, Slot};

/// The largest entry read back (a card PDF with its logos is a few MB).
const MAX_ENTRY: u64 = 256 * 1024 * 1024;

/// An entry's id: the first half of its key (a SHA-256). 128 bits keep apart far more drawings
/// than a cache ever holds, and a large campaign's index has tens of thousands.
fn id(key: &[u8; 32]) -> Id {
    let mut id = [0; 16];
    id.copy_from_slice(&key[..16]);
    id
}

/// A new file at `path` (one left there is removed first), never opened through a link: a
/// link planted in the cache folder cannot make a build write elsewhere. With `log`, also
/// open for reading, and every write goes to its end (reading at a position may move the
/// shared position on some systems).
fn create_fresh(path: &Path, log: bool) -> std::io::Result<fs::File> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut options = fs::OpenOptions::new();
    if log {
        options.read(true).append(true);
    } else {
        options.write(true);
    }
    options.create_new(true).open(path)
}

/// Writes `bytes` over the file at `path` when it is a plain file with no other name (never
/// through a link, symbolic or hard: a file elsewhere is never changed).
#[cfg(unix)]
fn overwrite(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Write;
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    let Ok(mut file) = fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
    else {
        return false;
    };
    file.metadata().is_ok_and(|m| m.is_file() && m.nlink() == 1)
        && file.set_len(0).is_ok()
        && file.write_all(bytes).is_ok()
}

#[cfg(not(unix))]
fn overwrite(_: &Path, _: &[u8]) -> bool {
    false
}

/// The build cache's folder for `campaign` in `out`: `<out>/.<campaign>.partnerkit-cache`.
pub fn folder(out: &Path, campaign: &str) -> PathBuf {
    out.join(format!(".{campaign}.partnerkit-cache"))
}

/// A cache folder, open for one build.
pub struct Cache {
    dir: PathBuf,
    /// What the index said at the start (read from its file as needed: a large campaign has
    /// tens of thousands of entries), and what this build wrote.
    index: Index,
    /// The entry folders (by the key's first byte) made or found so far.
    made: Mutex<HashSet<u8>>,
    hits: AtomicUsize,
    misses: AtomicUsize,
    zips: AtomicUsize,
}

/// How much a build reused.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Renders taken from the cache.
    pub hits: usize,
    /// Renders drawn (and stored).
    pub misses: usize,
    /// Zips that copied what did not change from the previous build's zip.
    pub zips: usize,
}

/// Bytes a renderer made or the cache gave, and the cache file holding exactly these bytes
/// when there is one: the build links that file into the output instead of writing a copy.
pub struct Drawn {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// The cache entry with the same bytes.
    pub origin: Option<Arc<Path>>,
    /// The SHA-256 of the bytes, when the cache knows it.
    pub sha256: Option<[u8; 32]>,
    /// Set when the bytes were not read (they are in `origin`, a file the output may link to:
    /// [`crate::util::linkable`]): their length and a PNG's width and height (0 × 0 for other
    /// files).
    pub unread: Option<(u64, (u32, u32))>,
    /// The key the bytes are kept under (in the cache, or the preview server's memo).
    pub key: [u8; 32],
}

impl Cache {
    /// Opens (and creates when needed) the cache in `dir`. A folder that cannot be created
    /// leaves a cache that stores nothing.
    pub fn open(dir: &Path) -> Cache {
        let _ = fs::create_dir_all(dir);
        Self::at(dir)
    }

    /// The cache in `dir` when an earlier build made it (a folder, not a link), creating
    /// nothing: loading a kit takes its logos from there before the build has its output.
    pub fn existing(dir: &Path) -> Option<Cache> {
        fs::symlink_metadata(dir).ok().filter(|m| m.is_dir())?;
        Some(Self::at(dir))
    }

    /// The bytes stored for `key`, if there are any that match the index (the entry counts as
    /// used by this build); nothing is drawn.
    pub fn get(&self, key: [u8; 32]) -> Option<Vec<u8>> {
        self.read(&key).map(|(bytes, _)| bytes)
    }

    /// Whether this is the cache in `dir` (the same folder, however written).
    pub fn is_at(&self, dir: &Path) -> bool {
        match (self.dir.canonicalize(), dir.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }

    /// Keeps `bytes` as the entry for `key` when the cache has none (counted as drawn: this
    /// build made them), and the entry in any case (it counts as used by this build).
    pub fn keep(&self, key: [u8; 32], bytes: impl FnOnce() -> Option<Vec<u8>>) {
        if self.mark_if_known(&key) {
            return;
        }
        if let Some(b) = bytes() {
            self.misses.fetch_add(1, Ordering::Relaxed);
            self.write(&key, &b);
        }
    }

    /// The memo of a pack's previous zip kept under `key` (the bytes of a
    /// `crate::pack::zip::Memo`), when there is one.
    pub fn zip_memo(&self, key: [u8; 32]) -> Option<Vec<u8>> {
        self.read(&key).map(|(bytes, _)| bytes)
    }

    /// Keeps the memo of the zip just written (it changes with every build: the entry is
    /// replaced); `copied` when that zip copied from the previous one.
    pub fn keep_zip_memo(&self, key: [u8; 32], memo: &[u8], copied: bool) {
        if copied {
            self.zips.fetch_add(1, Ordering::Relaxed);
        }
        self.replace(key, memo);
    }

    /// Keeps `bytes` as the entry for `key`, replacing the one there (an entry that changes
    /// from build to build under the same key: a zip's memo, a pack's share records). Not
    /// counted as a drawing.
    pub fn replace(&self, key: [u8; 32], bytes: &[u8]) {
        // In place: a file created on every build costs more on ext4 than writing a few KB.
        let _ = self.write_entry(&key, bytes, true);
    }

    fn at(dir: &Path) -> Cache {
        Cache {
            dir: dir.to_path_buf(),
            index: Index::open(dir),
            made: Mutex::new(HashSet::new()),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
            zips: AtomicUsize::new(0),
        }
    }

    fn path(&self, key: &[u8; 32]) -> PathBuf {
        let h = hex(&id(key));
        self.dir.join(&h[..2]).join(&h)
    }

    fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
        m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The bytes stored for `key` and their SHA-256, if the index knows the entry and its
    /// bytes match (then the entry counts as used by this build).
    fn read(&self, key: &[u8; 32]) -> Option<(Vec<u8>, [u8; 32])> {
        self.read_found(key, self.index.find(&id(key))?)
    }

    /// [`Cache::read`] of the entry the index found for `key`.
    fn read_found(&self, key: &[u8; 32], found: (Slot, Entry)) -> Option<(Vec<u8>, [u8; 32])> {
        let (slot, Entry { crc: sum, len, sha }) = found;
        let path = self.path(key);
        // Never through a link: the entry must be a file of the cache folder itself.
        let meta = fs::symlink_metadata(&path).ok()?;
        if !meta.is_file() || meta.len() != u64::from(len) || u64::from(len) > MAX_ENTRY {
            return None;
        }
        let mut data = Vec::with_capacity(len as usize);
        fs::File::open(&path)
            .ok()?
            .take(MAX_ENTRY)
            .read_to_end(&mut data)
            .ok()?;
        if crc32fast::hash(&data) != sum {
            return None;
        }
        self.index.mark(slot);
        Some((data, sha))
    }

    /// Stores `bytes` for `key` and returns their SHA-256 when the entry is there. A new entry
    /// is written in place: the index only vouches for it once it is whole (a build killed
    /// half-way leaves a file whose bytes the next build does not accept). An entry that is
    /// already there (one the index did not know or whose bytes did not match) is replaced by
    /// renaming a new file onto it, so an output file linked to it keeps its bytes.
    fn write(&self, key: &[u8; 32], bytes: &[u8]) -> Option<[u8; 32]> {
        self.write_entry(key, bytes, false)
    }

    /// [`Cache::write`]; with `in_place`, an entry that is there is written over in its own
    /// file (no output links to it: a memo), when that file is a plain file with no other name.
    fn write_entry(&self, key: &[u8; 32], bytes: &[u8], in_place: bool) -> Option<[u8; 32]> {
        use std::io::Write;
        if bytes.len() as u64 > MAX_ENTRY {
            return None;
        }
        let path = self.path(key);
        let parent = path.parent()?;
        {
            // Made here, or a folder (not a link) that was there: an entry is never written
            // elsewhere.
            let mut made = Self::lock(&self.made);
            if !made.contains(&key[0]) {
                let _ = fs::create_dir(parent);
                fs::symlink_metadata(parent).ok().filter(|m| m.is_dir())?;
                made.insert(key[0]);
            }
        }
        let fresh = fs::File::create_new(&path).and_then(|mut f| f.write_all(bytes));
        match fresh {
            Ok(()) => {}
            Err(e)
                if e.kind() == std::io::ErrorKind::AlreadyExists
                    && in_place
                    && overwrite(&path, bytes) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let tmp = parent.join(format!(".{}.{}.tmp", &hex(key)[..16], std::process::id()));
                let written = create_fresh(&tmp, false).and_then(|mut f| f.write_all(bytes));
                if written.is_err() || fs::rename(&tmp, &path).is_err() {
                    let _ = fs::remove_file(&tmp);
                    return None;
                }
            }
            Err(_) => {
                let _ = fs::remove_file(&path);
                return None;
            }
        }
        let sha: [u8; 32] = Sha256::digest(bytes).into();
        let entry = Entry {
            crc: crc32fast::hash(bytes),
            len: u32::try_from(bytes.len()).ok()?,
            sha,
        };
        self.index.insert(id(key), &entry);
        Some(sha)
    }

    /// The bytes for `key`: from the cache, or from `render` (and then stored).
    pub fn get_or_render<E>(
        &self,
        key: [u8; 32],
        render: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<Drawn, E> {
        self.render_found(key, self.index.find(&id(&key)), render, true)
    }

    /// [`Cache::get_or_render`] with what the index found for `key`.
    fn render_found<E>(
        &self,
        key: [u8; 32],
        found: Option<(Slot, Entry)>,
        render: impl FnOnce() -> Result<Vec<u8>, E>,
        counted: bool,
    ) -> Result<Drawn, E> {
        if let Some(drawn) = found.and_then(|f| self.read_drawn(key, f)) {
            self.count(true, counted);
            return Ok(drawn);
        }
        self.count(false, counted);
        let bytes = render()?;
        let sha = self.write(&key, &bytes);
        Ok(Drawn {
            bytes,
            origin: sha.map(|_| self.path(&key).into()),
            sha256: sha,
            unread: None,
            key,
        })
    }

    /// [`Cache::get_or_render`] for a file of a pack, which the output links to the entry and
    /// the zip copies from the previous zip: an entry the index found at the start vouches for
    /// is not read at all, when it is a file the output may link to, of the length the index
    /// says, not changed since the index was written. Anything else is read and checked whole,
    /// or drawn. `pixels`: the width and height of the PNG `render` draws (0 × 0 for other
    /// files), which an entry not read is taken to have.
    pub fn draw_file<E>(
        &self,
        key: [u8; 32],
        pixels: (u32, u32),
        render: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<Drawn, E> {
        self.file(key, pixels, render, true)
    }

    /// [`Cache::draw_file`] for a page of a pack (HTML, made from inputs `key` is a hash of):
    /// not counted among the drawings.
    pub fn page_file<E>(
        &self,
        key: [u8; 32],
        render: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<Drawn, E> {
        self.file(key, (0, 0), render, false)
    }

    fn file<E>(
        &self,
        key: [u8; 32],
        pixels: (u32, u32),
        render: impl FnOnce() -> Result<Vec<u8>, E>,
        counted: bool,
    ) -> Result<Drawn, E> {
        let found = self.index.find(&id(&key));
        if let Some(drawn) = found.and_then(|f| self.unread(&key, f, pixels)) {
            self.count(true, counted);
            return Ok(drawn);
        }
        let drawn = self.render_found(key, found, render, counted)?;
        debug_assert_eq!(crate::util::png_size(&drawn.bytes), pixels);
        Ok(drawn)
    }

    /// [`Cache::draw_file`] of a drawing this build does not make again: the entry for `key`
    /// (not read when it can be linked as it is), or `None` when the cache does not have it.
    /// Not counted: the caller says how many it [`Cache::reused`] once it has all it needs.
    pub fn find_file(&self, key: [u8; 32], pixels: (u32, u32)) -> Option<Drawn> {
        let found = self.index.find(&id(&key))?;
        self.unread(&key, found, pixels)
            .or_else(|| self.read_drawn(key, found))
    }

    /// The entry the index found for `key`, read and checked whole.
    fn read_drawn(&self, key: [u8; 32], found: (Slot, Entry)) -> Option<Drawn> {
        let (bytes, sha) = self.read_found(&key, found)?;
        Some(Drawn {
            bytes,
            origin: Some(self.path(&key).into()),
            sha256: Some(sha),
            unread: None,
            key,
        })
    }

    /// Counts a drawing taken from the cache (`hit`) or drawn, when it is `counted` (a page
    /// is not).
    fn count(&self, hit: bool, counted: bool) {
        if counted {
            let n = if hit { &self.hits } else { &self.misses };
            n.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Counts `n` drawings taken with [`Cache::find_file`] as reused.
    pub fn reused(&self, n: usize) {
        self.hits.fetch_add(n, Ordering::Relaxed);
    }

    /// Keeps `bytes` for `key` (the record of what an output made from the inputs `key` is a
    /// hash of: for the same key, always the same bytes) when the cache has no such entry, and
    /// the entry in any case. Not counted as a drawing.
    pub fn keep_record(&self, key: [u8; 32], bytes: &[u8]) {
        if !self.mark_if_known(&key) {
            self.write(&key, bytes);
        }
    }

    /// Whether the index knows an entry for `key` (which then counts as used by this build).
    fn mark_if_known(&self, key: &[u8; 32]) -> bool {
        let found = self.index.find(&id(key));
        if let Some((slot, _)) = found {
            self.index.mark(slot);
        }
        found.is_some()
    }

    /// The entry the index found for `key`, without its bytes, when it is one of the index the
    /// build found and its file is as it was then.
    fn unread(&self, key: &[u8; 32], found: (Slot, Entry), pixels: (u32, u32)) -> Option<Drawn> {
        let (slot, Entry { len, sha, .. }) = found;
        let written = self.index.written()?;
        if !matches!(slot, Slot::Old(_)) {
            return None;
        }
        let path = self.path(key);
        let meta = fs::symlink_metadata(&path).ok()?;
        // Changed in place since the index was written (a file of the output edited: it is
        // the same file; the same clock tick counts as since), or of another length: read and
        // checked whole.
        if !crate::util::linkable(&meta)
            || meta.len() != u64::from(len)
            || meta.modified().ok()? >= written
        {
            return None;
        }
        self.index.mark(slot);
        Some(Drawn {
            bytes: Vec::new(),
            origin: Some(path.into()),
            sha256: Some(sha),
            unread: Some((u64::from(len), pixels)),
            key: *key,
        })
    }

    /// What this build reused so far.
    pub fn stats(&self) -> Stats {
        Stats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            zips: self.zips.load(Ordering::Relaxed),
        }
    }

    /// Ends the build: writes the index; with `prune` (a build of every partner), keeps only
    /// the entries this build used and removes the other files.
    pub fn finish(self, prune: bool) {
        let dir = self.dir;
        let kept = self.index.finish(prune);
        Index::remove_stale_logs(&dir);
        // Without the new index written, what it holds is not known: nothing is removed.
        let Some(kept) = kept else {
            return;
        };
        let Ok(dirs) = fs::read_dir(&dir) else {
            return;
        };
        for d in dirs.flatten() {
            if !d.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            let Ok(entries) = fs::read_dir(d.path()) else {
                continue;
            };
            let mut left = 0;
            for e in entries.flatten() {
                let known = e
                    .file_name()
                    .to_str()
                    .and_then(|n| index::unhex::<16>(n.as_bytes()))
                    .is_some_and(|k| kept.binary_search(&k).is_ok());
                if known {
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
        let out = out.unwrap();
        assert_eq!(out.bytes, b"drawn");
        assert_eq!(fs::read(out.origin.unwrap()).unwrap(), b"drawn");
        let sha: [u8; 32] = Sha256::digest(b"drawn").into();
        assert_eq!(out.sha256, Some(sha));
        let again: Result<_, ()> = cache.get_or_render(key(1), || panic!("not drawn again"));
        let again = again.unwrap();
        assert_eq!(
            (again.bytes.as_slice(), again.sha256),
            (&b"drawn"[..], Some(sha))
        );
        assert_eq!(
            cache.stats(),
            Stats {
                hits: 1,
                misses: 1,
                zips: 0
            }
        );
        // The index keeps the SHA-256 for the next build.
        cache.finish(false);
        let cache = Cache::open(tmp.path());
        let next: Result<_, ()> = cache.get_or_render(key(1), || panic!("not drawn again"));
        assert_eq!(next.unwrap().sha256, Some(sha));

        // Flip one byte of the stored bytes: the checksum no longer matches.
        let path = cache.path(&key(1));
        let mut data = fs::read(&path).unwrap();
        *data.last_mut().unwrap() ^= 1;
        fs::write(&path, &data).unwrap();
        let redrawn: Result<_, ()> = cache.get_or_render(key(1), || Ok(b"drawn".to_vec()));
        assert_eq!(redrawn.unwrap().bytes, b"drawn");
        // A cut entry, too.
        fs::write(&path, &data[..2]).unwrap();
        let redrawn: Result<_, ()> = cache.get_or_render(key(1), || Ok(b"drawn".to_vec()));
        assert_eq!(redrawn.unwrap().bytes, b"drawn");
        assert_eq!(cache.stats().misses, 2);
    }

    #[test]
    fn an_entry_that_is_a_link_is_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::open(&tmp.path().join("c"));
        let path = cache.path(&key(2));
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let outside = tmp.path().join("secret");
        fs::write(&outside, b"secret").unwrap();
        // The index vouches for the bytes; the entry is a link to a file elsewhere.
        cache.index.insert(
            id(&key(2)),
            &Entry {
                crc: crc32fast::hash(b"secret"),
                len: 6,
                sha: Sha256::digest(b"secret").into(),
            },
        );
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&outside, &path).unwrap();
            let out: Result<_, ()> = cache.get_or_render(key(2), || Ok(b"drawn".to_vec()));
            assert_eq!(out.unwrap().bytes, b"drawn");
        }
    }

    /// A memo is written over in its own file, never through a link to a file elsewhere.
    #[cfg(unix)]
    #[test]
    fn a_memo_is_written_in_place_only_into_a_file_of_its_own() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::open(&tmp.path().join("c"));
        let k = key(7);
        let path = cache.path(&k);
        cache.write_entry(&k, b"one", true).unwrap();
        let ino = fs::metadata(&path).unwrap().ino();
        cache.write_entry(&k, b"two", true).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(fs::metadata(&path).unwrap().ino(), ino, "written in place");

        // A second name (a hard link planted to a file elsewhere): that file keeps its bytes.
        let elsewhere = tmp.path().join("elsewhere");
        fs::hard_link(&path, &elsewhere).unwrap();
        cache.write_entry(&k, b"three", true).unwrap();
        assert_eq!(fs::read(&elsewhere).unwrap(), b"two");
        assert_eq!(fs::read(&path).unwrap(), b"three");

        // A symbolic link: not followed.
        let target = tmp.path().join("target");
        fs::write(&target, b"mine").unwrap();
        fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink(&target, &path).unwrap();
        cache.write_entry(&k, b"four", true).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"mine");
        assert!(fs::symlink_metadata(&path).unwrap().is_file());
        assert_eq!(fs::read(&path).unwrap(), b"four");
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
        let _: Result<_, ()> = cache.get_or_render(key(2), || panic!("kept"));
        cache.finish(true);
        assert!(!cache_path(tmp.path(), 1).exists());
        assert!(cache_path(tmp.path(), 2).exists());
        assert!(!cache_path(tmp.path(), 3).exists());
    }

    fn cache_path(dir: &Path, n: u8) -> PathBuf {
        Cache::open(dir).path(&key(n))
    }
}
