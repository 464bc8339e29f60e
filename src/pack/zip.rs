//! One reproducible zip per partner: a fixed timestamp (the launch, in local time), UTF-8 names
//! under one top folder, plain file permissions; stored for files that are compressed already
//! (PNG, PDF, JPEG, video: deflating them again costs time and saves nothing), deflate at its
//! fastest level for text (the texts are a small part of a pack, and level 6 took seconds over
//! a hundred packs for a few percent).
//!
//! The stored files come first, in path order, then the texts. The stored files are most of a
//! pack's bytes and rarely change between builds (an edited text changes none of them), so the
//! zip made by the build before begins with exactly the same bytes: a [`Memo`] of that zip
//! (which stored files it began with, how long that part is, the SHA-256 state after it, and
//! where each text is and what it holds) lets the next zip copy that part from it, take each
//! text that did not change from it instead of deflating it again, and hash only the texts.
//! The part is copied by the system where it can (`copy_file_range`), so its bytes never pass
//! through the build. The memo is only used while the earlier zip is the very file it was made
//! of (its length, place and change time).
//!
//! Written by hand, not with the zip crate: a zip is a simple format (a header before each
//! file's data, a directory of them at the end), and the crate can neither go on after a part
//! copied from another zip nor hand out the SHA-256 state a part ends with.

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use sha2::digest::generic_array::GenericArray;
use sha2::Digest;

use crate::kit::Moment;
use crate::pack::Artifact;

/// Written into the memo's key: a change to how zips are laid out makes every memo stale.
const LAYOUT: &str = "partnerkit zip 3";

/// The largest offset or size a zip without zip64 holds. A pack stays far below it (the kit
/// format bounds every input); one that does not is an error, never a broken zip.
const MAX_ZIP: u64 = u32::MAX as u64 - 1;

/// The largest number of files a zip without zip64 holds.
const MAX_ENTRIES: usize = u16::MAX as usize;

/// SHA-256 whose state can be kept and taken up again (sha2's hasher does not show it).
#[derive(Clone)]
pub struct Sha {
    state: [u32; 8],
    /// Bytes waiting for a whole block.
    block: [u8; 64],
    filled: usize,
    /// Bytes hashed so far, those waiting included.
    total: u64,
}

impl Default for Sha {
    fn default() -> Self {
        Sha {
            state: [
                0x6a09_e667,
                0xbb67_ae85,
                0x3c6e_f372,
                0xa54f_f53a,
                0x510e_527f,
                0x9b05_688c,
                0x1f83_d9ab,
                0x5be0_cd19,
            ],
            block: [0; 64],
            filled: 0,
            total: 0,
        }
    }
}

impl Sha {
    /// Hashes `data` on.
    pub fn update(&mut self, mut data: &[u8]) {
        self.total += data.len() as u64;
        if self.filled > 0 {
            let n = (64 - self.filled).min(data.len());
            self.block[self.filled..self.filled + n].copy_from_slice(&data[..n]);
            self.filled += n;
            data = &data[n..];
            if self.filled < 64 {
                return;
            }
            let block = *GenericArray::from_slice(&self.block);
            sha2::compress256(&mut self.state, &[block]);
            self.filled = 0;
        }
        // Whole blocks go to the compression function a batch at a time (the copy into the
        // batch is a small part of the hashing).
        let mut chunks = data.chunks_exact(64);
        let mut batch = [GenericArray::default(); 32];
        loop {
            let mut n = 0;
            for (slot, chunk) in batch.iter_mut().zip(chunks.by_ref()) {
                slot.copy_from_slice(chunk);
                n += 1;
            }
            if n == 0 {
                break;
            }
            sha2::compress256(&mut self.state, &batch[..n]);
        }
        let rest = chunks.remainder();
        self.block[..rest.len()].copy_from_slice(rest);
        self.filled = rest.len();
    }

    /// The digest of everything hashed.
    pub fn finish(mut self) -> [u8; 32] {
        let bits = self.total.wrapping_mul(8);
        let mut pad = vec![0x80u8];
        pad.resize(1 + (119 - self.filled) % 64, 0);
        pad.extend_from_slice(&bits.to_be_bytes());
        self.update(&pad);
        debug_assert_eq!(self.filled, 0);
        let mut out = [0; 32];
        for (o, s) in out.chunks_exact_mut(4).zip(self.state) {
            o.copy_from_slice(&s.to_be_bytes());
        }
        out
    }

    /// The state as bytes, for a [`Memo`]: 8 words, the byte count and the waiting bytes.
    fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(32 + 8 + 64);
        for s in self.state {
            out.extend_from_slice(&s.to_le_bytes());
        }
        out.extend_from_slice(&self.total.to_le_bytes());
        out.extend_from_slice(&self.block[..self.filled]);
        out
    }

    fn from_bytes(b: &[u8]) -> Option<Sha> {
        if !(40..104).contains(&b.len()) {
            return None;
        }
        let mut state = [0u32; 8];
        for (s, c) in state.iter_mut().zip(b[..32].chunks_exact(4)) {
            *s = u32::from_le_bytes(c.try_into().ok()?);
        }
        let total = u64::from_le_bytes(b[32..40].try_into().ok()?);
        let rest = &b[40..];
        if total % 64 != rest.len() as u64 {
            return None;
        }
        let mut block = [0; 64];
        block[..rest.len()].copy_from_slice(rest);
        Some(Sha {
            state,
            block,
            filled: rest.len(),
            total,
        })
    }
}

/// Which file a zip was, as the file system shows it: its length, place and times (on a
/// system that has no such numbers, no zip is ever taken for another and nothing is copied).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Identity([u64; 7]);

impl Identity {
    /// The file's length.
    fn len(&self) -> u64 {
        self.0[0]
    }

    #[cfg(unix)]
    fn of(meta: &std::fs::Metadata) -> Option<Identity> {
        use std::os::unix::fs::MetadataExt;
        // The change time cannot be set back by hand: a zip changed after it was written does
        // not pass for the one written.
        Some(Identity([
            meta.len(),
            meta.dev(),
            meta.ino(),
            meta.mtime() as u64,
            meta.mtime_nsec() as u64,
            meta.ctime() as u64,
            meta.ctime_nsec() as u64,
        ]))
    }

    #[cfg(not(unix))]
    fn of(_: &std::fs::Metadata) -> Option<Identity> {
        None
    }
}

/// What the next build needs to copy from a zip written here: which zip it is; its stored
/// part (the key of its files, its length, the SHA-256 state after it and its records in the
/// central directory); and each text entry (its content's SHA-256, where it starts and its
/// record). Kept in the build cache under the zip's name ([`memo_key`]).
pub struct Memo {
    file: Identity,
    part: [u8; 32],
    len: u64,
    count: u16,
    sha: Sha,
    directory: Vec<u8>,
    texts: Vec<Text>,
}

/// A deflated entry of a zip: the SHA-256 of what it holds (hex), where its local header
/// starts and its record in the central directory.
struct Text {
    sha256: [u8; 64],
    offset: u64,
    record: Vec<u8>,
}

impl Text {
    /// The entry's name, from its record.
    fn name(&self) -> &[u8] {
        &self.record[46..]
    }

    /// The length of its local header and data.
    fn span(&self) -> u64 {
        let word = |at: usize| u32::from_le_bytes(self.record[at..at + 4].try_into().unwrap());
        30 + self.name().len() as u64 + u64::from(word(20))
    }
}

/// Reads a memo's fields in order; every read is checked.
struct Fields<'a>(&'a [u8]);

impl<'a> Fields<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    fn number<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    fn u64(&mut self) -> Option<u64> {
        self.number().map(u64::from_le_bytes)
    }
}

impl Memo {
    /// The memo as bytes, for the cache.
    pub fn to_bytes(&self) -> Vec<u8> {
        let sha = self.sha.to_bytes();
        let mut out = Vec::with_capacity(256 + self.directory.len() + 200 * self.texts.len());
        out.extend_from_slice(b"zipmemo2");
        for n in self.file.0 {
            out.extend_from_slice(&n.to_le_bytes());
        }
        out.extend_from_slice(&self.part);
        out.extend_from_slice(&self.len.to_le_bytes());
        out.extend_from_slice(&self.count.to_le_bytes());
        out.push(sha.len() as u8);
        out.extend_from_slice(&sha);
        out.extend_from_slice(&(self.directory.len() as u64).to_le_bytes());
        out.extend_from_slice(&self.directory);
        out.extend_from_slice(&(self.texts.len() as u64).to_le_bytes());
        for t in &self.texts {
            out.extend_from_slice(&t.sha256);
            out.extend_from_slice(&t.offset.to_le_bytes());
            out.extend_from_slice(&(t.record.len() as u16).to_le_bytes());
            out.extend_from_slice(&t.record);
        }
        out
    }

    /// A memo from the cache's bytes; `None` when they are not one.
    pub fn from_bytes(b: &[u8]) -> Option<Memo> {
        let mut f = Fields(b.strip_prefix(b"zipmemo2")?);
        let mut file = [0; 7];
        for n in &mut file {
            *n = f.u64()?;
        }
        let part = f.number()?;
        let len = f.u64()?;
        let count = u16::from_le_bytes(f.number()?);
        let sha_len = f.number::<1>()?[0];
        let sha = Sha::from_bytes(f.take(usize::from(sha_len))?)?;
        let n = usize::try_from(f.u64()?).ok()?;
        let directory = f.take(n)?.to_vec();
        let n = f.u64()?;
        let mut texts = Vec::new();
        for _ in 0..n {
            let sha256 = f.number()?;
            let offset = f.u64()?;
            let n = usize::from(u16::from_le_bytes(f.number()?));
            let record = f.take(n)?.to_vec();
            if record.len() < 46 || offset > MAX_ZIP {
                return None;
            }
            texts.push(Text {
                sha256,
                offset,
                record,
            });
        }
        (f.0.is_empty() && sha.total == len && len <= MAX_ZIP).then_some(Memo {
            file: Identity(file),
            part,
            len,
            count,
            sha,
            directory,
            texts,
        })
    }
}

/// The cache key of the memo of the zip `name`.
pub fn memo_key(name: &str) -> [u8; 32] {
    let mut key = crate::memo::key("zip-memo");
    key.update(LAYOUT);
    key.update([0]);
    key.update(name);
    key.finalize().into()
}

/// What the stored part of a zip is made of: the time stamp, the top folder and each stored
/// file's path, length and SHA-256.
fn part_key(top: &str, stored: &[&Artifact], stamp: Moment) -> [u8; 32] {
    let mut key = sha2::Sha256::new();
    let (time, date) = dos_time(stamp);
    key.update([time.to_le_bytes(), date.to_le_bytes()].concat());
    key.update((top.len() as u64).to_le_bytes());
    key.update(top);
    for f in stored {
        key.update((f.path.len() as u64).to_le_bytes());
        key.update(&f.path);
        key.update(f.size().to_le_bytes());
        key.update(f.sha256());
    }
    key.finalize().into()
}

/// A zip made: its length and SHA-256, and the memo of its stored part (when the file system
/// can tell this zip from another).
pub struct Zipped {
    /// Its length.
    pub len: u64,
    /// Its SHA-256, hashed as it was written.
    pub sha256: [u8; 32],
    /// What the next build needs to copy from it.
    pub memo: Option<Memo>,
    /// Bytes copied from the earlier zip.
    pub copied: u64,
}

/// Zips `files` under `top/` in memory. Every entry gets `stamp` as its time, clamped to what
/// zip can hold.
pub fn zip(top: &str, files: &[Artifact], stamp: Moment) -> std::io::Result<Vec<u8>> {
    // Room for every file and its headers up front: the images and PDFs are most of a pack,
    // and growing the buffer would copy them again at every doubling.
    let room: usize = files
        .iter()
        .map(|f| f.bytes.len() + 2 * (f.path.len() + top.len()) + 128)
        .sum();
    let mut w = Writer::new(Vec::with_capacity(room), stamp);
    let (stored, texts) = split(files);
    for f in stored {
        w.stored(top, f)?;
    }
    for f in texts {
        w.deflated(&format!("{top}/{}", f.path), f)?;
    }
    Ok(w.finish()?.0)
}

/// Zips `files` under `top/` into a new file at `path` (the same bytes as [`zip`]), so a pack's
/// zip is never held in memory whole. With `previous`, the memo of this pack's zip of the
/// build before and where that zip is: when it is still that very file, its stored part is
/// copied from there if it holds the same files (instead of being written and hashed again),
/// and each text that did not change is read from there instead of being deflated again.
pub fn zip_file(
    path: &Path,
    top: &str,
    files: &[Artifact],
    stamp: Moment,
    previous: Option<(Memo, &Path)>,
) -> std::io::Result<Zipped> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    let (stored, texts) = split(files);
    let part = part_key(top, &stored, stamp);
    let mut w = Writer::new(std::io::BufWriter::with_capacity(256 * 1024, file), stamp);
    // The earlier zip, when it is still the file the memo was made of.
    let old = previous.and_then(|(memo, path)| {
        let from = File::open(path).ok()?;
        let id = from.metadata().ok().and_then(|m| Identity::of(&m))?;
        (id == memo.file).then_some((memo, from))
    });
    let mut copied = 0;
    match old.as_ref() {
        Some((memo, from))
            if memo.part == part
                && usize::from(memo.count) == stored.len()
                && copy_part(memo, from, w.out.get_mut()) =>
        {
            copied = memo.len;
            w.at = memo.len;
            w.sha = memo.sha.clone();
            w.count = stored.len();
            w.directory = memo.directory.clone();
        }
        _ => {
            for f in stored {
                w.stored(top, f)?;
            }
        }
    }
    // Where the stored part ends, for the next build's memo.
    let (part_len, part_count, part_sha, part_directory) =
        (w.at, w.count, w.sha.clone(), w.directory.clone());
    let earlier: std::collections::HashMap<&[u8], &Text> = old
        .as_ref()
        .map(|(memo, _)| memo.texts.iter().map(|t| (t.name(), t)).collect())
        .unwrap_or_default();
    let mut buf = Vec::new();
    for f in texts {
        let name = format!("{top}/{}", f.path);
        let same = earlier
            .get(name.as_bytes())
            .filter(|t| t.sha256 == f.sha256().as_bytes() && t.record[12..16] == w.stamp());
        if let (Some(t), Some((memo, from))) = (same, old.as_ref()) {
            if read_entry(from, memo.file.len(), t, &mut buf) {
                copied += buf.len() as u64;
                w.copied(t, &buf, f)?;
                continue;
            }
        }
        w.deflated(&name, f)?;
    }
    let written = std::mem::take(&mut w.texts);
    let (out, len, sha256) = w.finish()?;
    let file = out.into_inner().map_err(|e| e.into_error())?;
    let memo = file
        .metadata()
        .ok()
        .and_then(|m| Identity::of(&m))
        .and_then(|id| {
            Some(Memo {
                file: id,
                part,
                len: part_len,
                count: u16::try_from(part_count).ok()?,
                sha: part_sha,
                directory: part_directory,
                texts: written,
            })
        });
    Ok(Zipped {
        len,
        sha256,
        memo,
        copied,
    })
}

/// Copies the stored part `memo` describes from the earlier zip `from` into `to` (empty so
/// far). On any failure `to` is left empty.
fn copy_part(memo: &Memo, from: &File, to: &mut File) -> bool {
    if memo.len == 0 {
        return false;
    }
    // `io::copy` between two files lets the system copy (copy_file_range on Linux).
    let copied = std::io::copy(&mut from.take(memo.len), to);
    if copied.is_ok_and(|n| n == memo.len) {
        return true;
    }
    use std::io::Seek;
    let _ = to.set_len(0).and_then(|()| to.rewind());
    false
}

/// Reads the text entry `t` (local header and data) of the earlier zip `from`, `len` bytes
/// long, into `buf`, when it is there whole with the header its record says. A record that
/// reaches past the zip's end is not read (nothing is held for it).
fn read_entry(from: &File, len: u64, t: &Text, buf: &mut Vec<u8>) -> bool {
    if t.offset.checked_add(t.span()).is_none_or(|end| end > len) {
        return false;
    }
    let Ok(span) = usize::try_from(t.span()) else {
        return false;
    };
    buf.clear();
    buf.resize(span, 0);
    if !read_at(from, buf, t.offset) {
        return false;
    }
    // The signature, then what the record repeats: version, flags, method, time, date, CRC,
    // sizes, name length; then the name.
    buf[..4] == 0x0403_4b50u32.to_le_bytes()
        && buf[4..28] == t.record[6..30]
        && buf[28..30] == [0, 0]
        && &buf[30..][..t.name().len()] == t.name()
}

#[cfg(unix)]
fn read_at(from: &File, buf: &mut [u8], at: u64) -> bool {
    std::os::unix::fs::FileExt::read_exact_at(from, buf, at).is_ok()
}

/// Only where a zip has an [`Identity`], so never called elsewhere.
#[cfg(not(unix))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> bool {
    false
}

/// A pack's files in zip order: the compressed ones (stored as they are) in path order, then
/// the texts (deflated) in path order.
fn split(files: &[Artifact]) -> (Vec<&Artifact>, Vec<&Artifact>) {
    let (mut stored, mut texts): (Vec<&Artifact>, Vec<&Artifact>) =
        files.iter().partition(|f| is_compressed(&f.path));
    stored.sort_by(|a, b| a.path.cmp(&b.path));
    texts.sort_by(|a, b| a.path.cmp(&b.path));
    (stored, texts)
}

/// Whether `path` is a file that is compressed already.
fn is_compressed(path: &str) -> bool {
    [
        ".png", ".pdf", ".jpg", ".jpeg", ".webp", ".mp4", ".webm", ".zip",
    ]
    .iter()
    .any(|e| path.ends_with(e))
}

/// `stamp` as MS-DOS time and date (local time, whole two seconds), clamped to 1980–2107; a
/// date zip cannot hold becomes 1 January 1980.
fn dos_time(stamp: Moment) -> (u16, u16) {
    let (y, mo, d, h, mi, s) = stamp.local();
    let y = y.clamp(1980, 2107) as u32;
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return (0, 0x21);
    }
    let time = (h << 11) | (mi << 5) | (s.min(59) / 2);
    let date = ((y - 1980) << 9) | (mo << 5) | d;
    (time as u16, date as u16)
}

/// `bytes` deflated (raw, at the fastest level). Each thread keeps its compressor and resets
/// it for the next text: making one allocates and clears its tables, which took longer than
/// deflating most texts of a pack.
fn deflate(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    use flate2::{Compress, Compression, FlushCompress, Status};
    thread_local! {
        static COMPRESS: std::cell::RefCell<Option<Compress>> = const { std::cell::RefCell::new(None) };
    }
    COMPRESS.with(|slot| {
        let mut slot = slot.borrow_mut();
        let c = slot.get_or_insert_with(|| Compress::new(Compression::fast(), false));
        c.reset();
        let mut out = Vec::with_capacity(bytes.len() / 2 + 64);
        loop {
            let done = usize::try_from(c.total_in()).unwrap_or(usize::MAX);
            let rest = bytes.get(done..).unwrap_or_default();
            match c.compress_vec(rest, &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) => return Ok(out),
                Ok(_) => out.reserve(out.capacity().max(4096)),
                Err(e) => return Err(std::io::Error::other(e)),
            }
        }
    })
}

/// The bytes of `f` from the build cache's file, when the pack does not hold them.
fn read_if_let_go(f: &Artifact) -> std::io::Result<Option<Vec<u8>>> {
    match (&f.meta.let_go, &f.meta.origin) {
        (Some(gone), Some(origin)) if f.bytes.is_empty() => {
            crate::util::read_exactly(origin, gone.len).map(Some)
        }
        _ => Ok(None),
    }
}

/// Writes a zip entry by entry, hashing what it writes.
struct Writer<W: Write> {
    out: W,
    sha: Sha,
    /// Bytes written so far.
    at: u64,
    /// The central directory so far.
    directory: Vec<u8>,
    count: usize,
    /// The deflated entries so far.
    texts: Vec<Text>,
    time: u16,
    date: u16,
}

/// Version 2.0 of the format: deflate, folders.
const VERSION: u16 = 20;
/// Names are UTF-8.
const UTF8: u16 = 1 << 11;

fn too_large() -> std::io::Error {
    std::io::Error::other(crate::tr!(
        "the pack is larger than a zip can hold (4 GB, 65,535 files)",
        "het pakket is groter dan een zip kan bevatten (4 GB, 65.535 bestanden)"
    ))
}

fn small<T: TryFrom<u64>>(n: u64) -> std::io::Result<T> {
    if n > MAX_ZIP {
        return Err(too_large());
    }
    T::try_from(n).map_err(|_| too_large())
}

impl<W: Write> Writer<W> {
    fn new(out: W, stamp: Moment) -> Self {
        let (time, date) = dos_time(stamp);
        Writer {
            out,
            sha: Sha::default(),
            at: 0,
            directory: Vec::new(),
            count: 0,
            texts: Vec::new(),
            time,
            date,
        }
    }

    fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.out.write_all(bytes)?;
        self.sha.update(bytes);
        self.at += bytes.len() as u64;
        Ok(())
    }

    /// The local header of one entry, its central directory record noted.
    fn header(
        &mut self,
        name: &str,
        method: u16,
        crc: u32,
        packed: u64,
        size: u64,
    ) -> std::io::Result<()> {
        if self.count >= MAX_ENTRIES || self.at + 30 + name.len() as u64 + packed > MAX_ZIP {
            return Err(too_large());
        }
        let offset: u32 = small(self.at)?;
        let (packed, size): (u32, u32) = (small(packed)?, small(size)?);
        let name_len: u16 = u16::try_from(name.len()).map_err(|_| too_large())?;
        let mut local = Vec::with_capacity(30 + name.len());
        local.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        for n in [VERSION, UTF8, method, self.time, self.date] {
            local.extend_from_slice(&n.to_le_bytes());
        }
        for n in [crc, packed, size] {
            local.extend_from_slice(&n.to_le_bytes());
        }
        local.extend_from_slice(&name_len.to_le_bytes());
        local.extend_from_slice(&0u16.to_le_bytes());
        local.extend_from_slice(name.as_bytes());

        let d = &mut self.directory;
        d.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        // Made by: Unix (3), so the permissions below are read.
        for n in [
            (3 << 8) | VERSION,
            VERSION,
            UTF8,
            method,
            self.time,
            self.date,
        ] {
            d.extend_from_slice(&n.to_le_bytes());
        }
        for n in [crc, packed, size] {
            d.extend_from_slice(&n.to_le_bytes());
        }
        // Name length; no extra field, comment, disk number or internal attributes.
        for n in [name_len, 0, 0, 0, 0] {
            d.extend_from_slice(&n.to_le_bytes());
        }
        // A plain file, rw-r--r--.
        d.extend_from_slice(&(0o100_644u32 << 16).to_le_bytes());
        d.extend_from_slice(&offset.to_le_bytes());
        d.extend_from_slice(name.as_bytes());
        self.count += 1;
        self.put(&local)
    }

    /// One entry stored as it is (read from the build cache when the pack let go of it).
    fn stored(&mut self, top: &str, f: &Artifact) -> std::io::Result<()> {
        let read = read_if_let_go(f)?;
        let bytes = read.as_deref().unwrap_or(&f.bytes);
        let len = bytes.len() as u64;
        self.header(
            &format!("{top}/{}", f.path),
            0,
            crc32fast::hash(bytes),
            len,
            len,
        )?;
        self.put(bytes)
    }

    /// The time and date every entry has, as a record holds them.
    fn stamp(&self) -> [u8; 4] {
        let [a, b] = self.time.to_le_bytes();
        let [c, d] = self.date.to_le_bytes();
        [a, b, c, d]
    }

    /// One entry deflated, named `name`.
    fn deflated(&mut self, name: &str, f: &Artifact) -> std::io::Result<()> {
        let bytes = read_if_let_go(f)?;
        let bytes = bytes.as_deref().unwrap_or(&f.bytes);
        let packed = deflate(bytes)?;
        let (offset, start) = (self.at, self.directory.len());
        self.header(
            name,
            8,
            crc32fast::hash(bytes),
            packed.len() as u64,
            bytes.len() as u64,
        )?;
        self.note_text(f, offset, start);
        self.put(&packed)
    }

    /// One entry copied whole (local header and data) from an earlier zip, where `t` was its
    /// record; it holds `f`.
    fn copied(&mut self, t: &Text, entry: &[u8], f: &Artifact) -> std::io::Result<()> {
        if self.count >= MAX_ENTRIES || self.at + entry.len() as u64 > MAX_ZIP {
            return Err(too_large());
        }
        let (offset, start) = (self.at, self.directory.len());
        let at: u32 = small(offset)?;
        self.directory.extend_from_slice(&t.record);
        self.directory[start + 42..start + 46].copy_from_slice(&at.to_le_bytes());
        self.count += 1;
        self.note_text(f, offset, start);
        self.put(entry)
    }

    /// Notes the text entry whose local header is at `offset` and whose record starts at
    /// `start` of the directory, for the memo.
    fn note_text(&mut self, f: &Artifact, offset: u64, start: usize) {
        if let Ok(sha256) = <[u8; 64]>::try_from(f.sha256().as_bytes()) {
            self.texts.push(Text {
                sha256,
                offset,
                record: self.directory[start..].to_vec(),
            });
        }
    }

    /// Writes the central directory and its end; returns the output, the zip's length and its
    /// SHA-256.
    fn finish(mut self) -> std::io::Result<(W, u64, [u8; 32])> {
        let start: u32 = small(self.at)?;
        let size: u32 = small(self.directory.len() as u64)?;
        let count: u16 = u16::try_from(self.count).map_err(|_| too_large())?;
        let directory = std::mem::take(&mut self.directory);
        self.put(&directory)?;
        let mut end = Vec::with_capacity(22);
        end.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        for n in [0, 0, count, count] {
            end.extend_from_slice(&n.to_le_bytes());
        }
        end.extend_from_slice(&size.to_le_bytes());
        end.extend_from_slice(&start.to_le_bytes());
        end.extend_from_slice(&0u16.to_le_bytes());
        self.put(&end)?;
        self.out.flush()?;
        let len = self.at;
        Ok((self.out, len, self.sha.finish()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::artifact::FileMeta;
    use std::io::{Cursor, Read};

    fn file(path: &str, bytes: &[u8]) -> Artifact {
        Artifact {
            path: path.to_string(),
            bytes: bytes.to_vec(),
            meta: FileMeta::default(),
        }
    }

    fn stamp() -> Moment {
        Moment {
            unix: 1_780_000_000,
            offset_minutes: 120,
            zone: None,
        }
    }

    fn pack(text: &str) -> Vec<Artifact> {
        let big: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
        vec![
            file("social/a.x.txt", text.as_bytes()),
            file("cards/deck-print.pdf", &big),
            file("blogs/b.md", &big[..5000]),
            file("social/a.x.png", &big[1000..90_001]),
        ]
    }

    /// Every entry of `zip`, read back with the zip crate.
    fn entries(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
        let mut read = ::zip::ZipArchive::new(Cursor::new(zip)).unwrap();
        (0..read.len())
            .map(|i| {
                let mut f = read.by_index(i).unwrap();
                let mut bytes = Vec::new();
                f.read_to_end(&mut bytes).unwrap();
                assert_eq!(f.unix_mode(), Some(0o100_644));
                (f.name().unwrap().to_string(), bytes)
            })
            .collect()
    }

    #[test]
    fn the_sha_256_state_kept_and_taken_up_again_gives_sha2s_digest() {
        let data: Vec<u8> = (0..5000u32).map(|i| (i * 31 % 257) as u8).collect();
        for cut in [0, 1, 55, 56, 63, 64, 65, 127, 128, 2049, 4999, 5000] {
            let mut sha = Sha::default();
            sha.update(&data[..cut]);
            let kept = Sha::from_bytes(&sha.to_bytes()).unwrap();
            let mut again = kept;
            for piece in data[cut..].chunks(77) {
                again.update(piece);
            }
            let want: [u8; 32] = sha2::Sha256::digest(&data).into();
            assert_eq!(again.finish(), want, "cut at {cut}");
            let mut short = Sha::default();
            short.update(&data[..cut]);
            let want: [u8; 32] = sha2::Sha256::digest(&data[..cut]).into();
            assert_eq!(short.finish(), want, "{cut} bytes");
        }
        assert!(Sha::from_bytes(&[0; 39]).is_none());
        assert!(
            Sha::from_bytes(&[0; 41]).is_none(),
            "8 words, a count of 0, 1 waiting byte"
        );
    }

    /// A memo whose text record reaches past the earlier zip's end (a damaged or planted
    /// memo) has nothing read or held for that text: it is deflated again.
    #[cfg(unix)]
    #[test]
    fn a_text_record_past_the_end_of_the_earlier_zip_is_not_read() {
        let tmp = tempfile::tempdir().unwrap();
        let files = pack("De tekst");
        let first = tmp.path().join("1.zip");
        let mut memo = zip_file(&first, "kit-p", &files, stamp(), None)
            .unwrap()
            .memo
            .unwrap();
        let stored_part = memo.len;
        for t in &mut memo.texts {
            t.record[20..24].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
        }
        // Nothing is held for it either (not 4 GB of room).
        let mut buf = Vec::new();
        let old = File::open(&first).unwrap();
        assert!(!read_entry(&old, memo.file.len(), &memo.texts[0], &mut buf));
        assert!(buf.capacity() < 1 << 20, "{}", buf.capacity());
        let second = tmp.path().join("2.zip");
        let made = zip_file(&second, "kit-p", &files, stamp(), Some((memo, &first))).unwrap();
        assert_eq!(made.copied, stored_part, "only the stored part");
        assert_eq!(
            std::fs::read(&second).unwrap(),
            zip("kit-p", &files, stamp()).unwrap()
        );
    }

    #[test]
    fn the_kept_compressor_deflates_one_text_after_another() {
        let mut noise = Vec::new();
        let mut x = 1u32;
        for _ in 0..300_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            noise.push(x as u8);
        }
        let texts: [&[u8]; 4] = [b"", b"een korte tekst", &noise, b"een korte tekst"];
        let mut packed = Vec::new();
        for t in texts {
            packed.push(deflate(t).unwrap());
            let mut back = Vec::new();
            flate2::read::DeflateDecoder::new(packed.last().unwrap().as_slice())
                .read_to_end(&mut back)
                .unwrap();
            assert_eq!(back, t);
        }
        // The same text, the same bytes: nothing of the text before is left in the compressor.
        assert_eq!(packed[1], packed[3]);
    }

    #[test]
    fn a_zip_holds_every_file_stored_ones_first_and_is_the_same_on_disk() {
        let files = pack("Een tekst met een link https://example.org");
        let held = zip("kit-partner", &files, stamp()).unwrap();
        let read = entries(&held);
        let names: Vec<&str> = read.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "kit-partner/cards/deck-print.pdf",
                "kit-partner/social/a.x.png",
                "kit-partner/blogs/b.md",
                "kit-partner/social/a.x.txt",
            ]
        );
        for (name, bytes) in &read {
            let f = files.iter().find(|f| name.ends_with(&f.path)).unwrap();
            assert_eq!(bytes, &f.bytes, "{name}");
        }
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("pack.zip");
        let made = zip_file(&path, "kit-partner", &files, stamp(), None).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), held);
        assert_eq!(made.len, held.len() as u64);
        assert_eq!(made.sha256, <[u8; 32]>::from(sha2::Sha256::digest(&held)));
        // Never over a file that is there.
        assert!(zip_file(&path, "kit-partner", &files, stamp(), None).is_err());
    }

    /// (Unix only: elsewhere a zip has no identity, so nothing is ever copied.)
    #[cfg(unix)]
    #[test]
    fn the_next_zip_copies_what_did_not_change_from_the_one_before_only_while_it_is_that_file() {
        let tmp = tempfile::tempdir().unwrap();
        let path = |n: &str| tmp.path().join(n);
        let before = pack("De eerste tekst");
        let made = zip_file(&path("1.zip"), "kit-p", &before, stamp(), None).unwrap();
        assert_eq!(made.copied, 0);
        let memo = made.memo.unwrap();
        let stored_part = memo.len;
        let memo = Memo::from_bytes(&memo.to_bytes()).unwrap();
        let unchanged_text = (30 + "kit-p/blogs/b.md".len()) as u64;

        // A text changed: the stored part and the other text are copied, and the zip is the
        // one made from scratch.
        let after = pack("Een andere, langere tekst");
        let old = path("1.zip");
        let made = zip_file(&path("2.zip"), "kit-p", &after, stamp(), Some((memo, &old))).unwrap();
        let fresh = zip("kit-p", &after, stamp()).unwrap();
        assert_eq!(std::fs::read(path("2.zip")).unwrap(), fresh);
        assert_eq!(made.sha256, <[u8; 32]>::from(sha2::Sha256::digest(&fresh)));
        assert!(stored_part > 389_001, "{stored_part}");
        assert!(
            made.copied > stored_part + unchanged_text,
            "{}",
            made.copied
        );
        // Not the changed text, nor the directory (four records) and its end.
        assert!(made.copied + 300 < fresh.len() as u64, "{}", made.copied);

        // A drawing changed: only the texts are copied.
        let memo = made.memo.unwrap();
        let mut redrawn = pack("Een andere, langere tekst");
        redrawn[3].bytes[0] ^= 1;
        let old = path("2.zip");
        let made = zip_file(
            &path("3.zip"),
            "kit-p",
            &redrawn,
            stamp(),
            Some((memo, &old)),
        )
        .unwrap();
        let fresh = zip("kit-p", &redrawn, stamp()).unwrap();
        assert_eq!(std::fs::read(path("3.zip")).unwrap(), fresh);
        assert!(
            made.copied > unchanged_text && made.copied < 10_000,
            "{}",
            made.copied
        );

        // The earlier zip replaced by another file of the same name: nothing is copied from it.
        let memo = made.memo.unwrap();
        std::fs::remove_file(path("3.zip")).unwrap();
        std::fs::write(path("3.zip"), &fresh).unwrap();
        let old = path("3.zip");
        let made = zip_file(
            &path("4.zip"),
            "kit-p",
            &redrawn,
            stamp(),
            Some((memo, &old)),
        )
        .unwrap();
        assert_eq!(made.copied, 0);
        assert_eq!(std::fs::read(path("4.zip")).unwrap(), fresh);

        // Another time stamp: nothing is copied either (every header holds it).
        let memo = made.memo.unwrap();
        let later = Moment {
            unix: stamp().unix + 3600,
            ..stamp()
        };
        let old = path("4.zip");
        let made = zip_file(&path("5.zip"), "kit-p", &redrawn, later, Some((memo, &old))).unwrap();
        assert_eq!(made.copied, 0);
        assert_eq!(
            std::fs::read(path("5.zip")).unwrap(),
            zip("kit-p", &redrawn, later).unwrap()
        );
        assert!(Memo::from_bytes(b"zipmemo2 cut").is_none());
        let whole = made.memo.unwrap().to_bytes();
        for cut in [0, 8, 70, whole.len() / 2, whole.len() - 1] {
            assert!(Memo::from_bytes(&whole[..cut]).is_none(), "cut at {cut}");
        }
    }
}
