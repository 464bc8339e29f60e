//! The cache's index: for every entry its CRC-32, length and SHA-256, kept on disk and looked up
//! there, so a build's memory does not grow with the number of drawings a campaign has (a
//! thousand partners make some 70,000).
//!
//! The file is a header line and then one fixed-width record per entry, sorted by id:
//! `<id> <CRC-32> <length> <SHA-256>` in lower-case hex (116 bytes with the line end). Opening
//! it reads it once to count the records under each leading group of id bits; a lookup then
//! reads only the few records of its group. What a build writes goes to a log beside it (the
//! same records, in the order they were made); finishing the build merges the two into a new
//! index.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{BufReader, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::util::hex;

/// The index file's name in the cache folder.
pub const FILE: &str = "index";

/// The first line of the index.
const HEADER: &[u8] = b"partnerkit cache 6\n";

/// One record's bytes, its line end included.
const RECORD: usize = 32 + 1 + 8 + 1 + 8 + 1 + 64 + 1;

/// The largest index read (some nine million entries).
const MAX_FILE: u64 = 1 << 30;

/// What names an entry: the first half of its key (a SHA-256).
pub type Id = [u8; 16];

/// An entry as the index knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// CRC-32 of its bytes.
    pub crc: u32,
    /// Their length.
    pub len: u32,
    /// Their SHA-256.
    pub sha: [u8; 32],
}

/// Where a found entry's record is, to mark it used.
#[derive(Debug, Clone, Copy)]
pub enum Slot {
    /// Record `n` of the index the build started with.
    Old(usize),
    /// Written by this build (always kept).
    New,
}

/// The index of one cache folder, open for one build.
pub struct Index {
    dir: PathBuf,
    old: Option<Old>,
    new: Mutex<New>,
}

/// The index the build found.
struct Old {
    file: File,
    /// When the index was written: every entry it vouches for was written before.
    written: Option<std::time::SystemTime>,
    count: usize,
    /// Leading id bits that choose a group.
    bits: u32,
    /// The first record of each group, and the count at the end.
    starts: Vec<u32>,
    /// One bit a record: used by this build.
    used: Vec<AtomicU64>,
}

/// What this build wrote.
#[derive(Default)]
struct New {
    /// Record number in the log, by id.
    records: HashMap<Id, u32>,
    log: Option<BufWriter<File>>,
    /// The log again, for reading records back (a second handle, so no lock is held then).
    reader: Option<Arc<File>>,
    /// Records handed to the log and those known to be in the file.
    written: u32,
    flushed: u32,
    /// The log could not be made or written: nothing more is added.
    broken: bool,
}

pub(super) fn unhex<const N: usize>(s: &[u8]) -> Option<[u8; N]> {
    fn digit(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        }
    }
    if s.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = digit(s[2 * i])? << 4 | digit(s[2 * i + 1])?;
    }
    Some(out)
}

/// The id a record names, when it is well formed.
fn record_id(rec: &[u8]) -> Option<Id> {
    unhex::<16>(rec.get(..32)?)
}

fn parse(rec: &[u8]) -> Option<(Id, Entry)> {
    if rec.len() != RECORD || rec[32] != b' ' || rec[41] != b' ' || rec[50] != b' ' {
        return None;
    }
    if rec[RECORD - 1] != b'\n' {
        return None;
    }
    let id = record_id(rec)?;
    let crc = u32::from_be_bytes(unhex::<4>(&rec[33..41])?);
    let len = u32::from_be_bytes(unhex::<4>(&rec[42..50])?);
    let sha = unhex::<32>(&rec[51..115])?;
    Some((id, Entry { crc, len, sha }))
}

fn record(id: &Id, e: &Entry) -> [u8; RECORD] {
    let line = format!("{} {:08x} {:08x} {}\n", hex(id), e.crc, e.len, hex(&e.sha));
    let mut rec = [0u8; RECORD];
    rec.copy_from_slice(line.as_bytes());
    rec
}

/// Reads `buf.len()` bytes at `offset` of `file` without moving a shared position, so threads
/// can read one handle at once.
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
    }
    #[cfg(windows)]
    {
        let mut done = 0;
        while done < buf.len() {
            let at = offset + done as u64;
            match std::os::windows::fs::FileExt::seek_read(file, &mut buf[done..], at)? {
                0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                n => done += n,
            }
        }
        Ok(())
    }
}

/// The group of `id` among `1 << bits`.
fn group(id: &Id, bits: u32) -> usize {
    (u32::from_be_bytes([id[0], id[1], id[2], id[3]]) >> (32 - bits)) as usize
}

impl Old {
    /// Reads the index in `dir` once, checking that its records are sorted, and counts them by
    /// group. Anything unexpected (no file, another format, records out of order) leaves no
    /// index: the cache then draws everything again, never fails the build.
    fn open(dir: &Path) -> Option<Old> {
        let path = dir.join(FILE);
        let meta = fs::symlink_metadata(&path).ok()?;
        if !meta.is_file() || meta.len() > MAX_FILE {
            return None;
        }
        let body = meta.len().checked_sub(HEADER.len() as u64)?;
        if body % RECORD as u64 != 0 {
            return None;
        }
        let count = usize::try_from(body / RECORD as u64).ok()?;
        let file = File::open(&path).ok()?;
        let written = meta.modified().ok();
        let mut reader = BufReader::with_capacity(64 * 1024, (&file).take(meta.len()));
        let mut header = [0u8; HEADER.len()];
        reader.read_exact(&mut header).ok()?;
        if header != HEADER {
            return None;
        }
        // About four records a group: a lookup reads half a kilobyte.
        let bits = (usize::BITS - (count / 4).leading_zeros()).clamp(1, 16);
        let mut starts = vec![0u32; (1 << bits) + 1];
        let mut rec = [0u8; RECORD];
        let mut last: Option<Id> = None;
        for _ in 0..count {
            reader.read_exact(&mut rec).ok()?;
            let id = record_id(&rec)?;
            if last.is_some_and(|l| l >= id) {
                return None;
            }
            last = Some(id);
            starts[group(&id, bits) + 1] += 1;
        }
        for g in 1..starts.len() {
            starts[g] += starts[g - 1];
        }
        let used = (0..count.div_ceil(64)).map(|_| AtomicU64::new(0)).collect();
        Some(Old {
            file,
            written,
            count,
            bits,
            starts,
            used,
        })
    }

    fn find(&self, id: &Id) -> Option<(usize, Entry)> {
        /// A group of more records than this (an index that is not what a build writes) is
        /// searched record by record, so no lookup reads much.
        const WHOLE_GROUP: usize = 64;
        let g = group(id, self.bits);
        let (mut lo, mut hi) = (self.starts[g] as usize, self.starts[g + 1] as usize);
        let want = hex(id);
        let at = |n: usize| HEADER.len() as u64 + (n * RECORD) as u64;
        while hi - lo > WHOLE_GROUP {
            let mid = lo + (hi - lo) / 2;
            let mut rec = [0u8; RECORD];
            read_at(&self.file, &mut rec, at(mid)).ok()?;
            match rec[..32].cmp(want.as_bytes()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return parse(&rec).map(|(_, e)| (mid, e)),
            }
        }
        if lo == hi {
            return None;
        }
        let mut buf = vec![0u8; (hi - lo) * RECORD];
        read_at(&self.file, &mut buf, at(lo)).ok()?;
        let recs: Vec<&[u8]> = buf.chunks_exact(RECORD).collect();
        let i = recs
            .binary_search_by(|r| r[..32].cmp(want.as_bytes()))
            .ok()?;
        let (_, entry) = parse(recs[i])?;
        Some((lo + i, entry))
    }

    fn mark(&self, n: usize) {
        if n < self.count {
            self.used[n / 64].fetch_or(1 << (n % 64), Ordering::Relaxed);
        }
    }

    fn is_used(&self, n: usize) -> bool {
        self.used[n / 64].load(Ordering::Relaxed) & (1 << (n % 64)) != 0
    }
}

impl Index {
    /// The index of the cache in `dir` (empty when there is none yet).
    pub fn open(dir: &Path) -> Index {
        Index {
            dir: dir.to_path_buf(),
            old: Old::open(dir),
            new: Mutex::new(New::default()),
        }
    }

    /// When the index the build found was written (entries it vouches for are older).
    pub fn written(&self) -> Option<std::time::SystemTime> {
        self.old.as_ref()?.written
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, New> {
        self.new
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn log_path(&self) -> PathBuf {
        self.dir.join(format!(".{FILE}.{}.log", std::process::id()))
    }

    /// The entry for `id`: one this build wrote, or else one the index had.
    pub fn find(&self, id: &Id) -> Option<(Slot, Entry)> {
        let written = {
            let mut new = self.lock();
            match new.records.get(id).copied() {
                Some(n) => {
                    if n >= new.flushed {
                        let flushed = new.log.as_mut().is_some_and(|l| l.flush().is_ok());
                        if !flushed {
                            return None;
                        }
                        new.flushed = new.written;
                    }
                    Some((n, new.reader.clone()?))
                }
                None => None,
            }
        };
        if let Some((n, reader)) = written {
            let mut rec = [0u8; RECORD];
            read_at(&reader, &mut rec, u64::from(n) * RECORD as u64).ok()?;
            return match parse(&rec) {
                Some((got, entry)) if got == *id => Some((Slot::New, entry)),
                _ => None,
            };
        }
        let (n, entry) = self.old.as_ref()?.find(id)?;
        Some((Slot::Old(n), entry))
    }

    /// Counts the entry as used by this build (a build of every partner keeps only those).
    pub fn mark(&self, slot: Slot) {
        if let (Slot::Old(n), Some(old)) = (slot, &self.old) {
            old.mark(n);
        }
    }

    /// Records an entry this build wrote (its file is whole). An entry that cannot be recorded
    /// is simply not vouched for: the next build draws it again.
    pub fn insert(&self, id: Id, entry: &Entry) {
        let mut guard = self.lock();
        let new = &mut *guard;
        if new.broken {
            return;
        }
        if new.log.is_none() {
            let path = self.log_path();
            // A log left by an earlier process with this id is started afresh.
            let opened = super::create_fresh(&path, true).and_then(|f| Ok((f.try_clone()?, f)));
            match opened {
                Ok((w, r)) => {
                    new.log = Some(BufWriter::with_capacity(64 * 1024, w));
                    new.reader = Some(Arc::new(r));
                }
                Err(_) => {
                    new.broken = true;
                    return;
                }
            }
        }
        let Some(log) = new.log.as_mut() else {
            return;
        };
        if log.write_all(&record(&id, entry)).is_err() {
            new.broken = true;
            return;
        }
        new.records.insert(id, new.written);
        new.written += 1;
    }

    /// Writes the new index: the records the build started with (with `prune`, only those it
    /// used) and those it wrote, which win over an older record of the same id. Returns the
    /// ids kept, sorted, with `prune`.
    pub fn finish(self, prune: bool) -> Option<Vec<Id>> {
        let log_path = self.log_path();
        let Index { dir, old, new } = self;
        let mut new = new
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut written: Vec<(Id, u32)> = Vec::new();
        let mut log_bytes = Vec::new();
        if let Some(mut log) = new.log.take() {
            let read = log.flush().is_ok()
                && new.reader.as_ref().is_some_and(|r| {
                    log_bytes = vec![0u8; new.written as usize * RECORD];
                    read_at(r, &mut log_bytes, 0).is_ok()
                });
            if read {
                written = new.records.drain().collect();
                written.sort_unstable();
            }
        }
        drop(new);
        let _ = fs::remove_file(&log_path);

        let mut kept = prune.then(Vec::new);
        let tmp = dir.join(format!(".{FILE}.{}.tmp", std::process::id()));
        let result = (|| -> std::io::Result<()> {
            let mut out = BufWriter::with_capacity(64 * 1024, super::create_fresh(&tmp, false)?);
            out.write_all(HEADER)?;
            let mut fresh = written.iter().peekable();
            let logged = |r: u32| &log_bytes[r as usize * RECORD..(r as usize + 1) * RECORD];
            let mut emit = |out: &mut BufWriter<File>, id: Id, rec: &[u8]| {
                if let Some(k) = kept.as_mut() {
                    k.push(id);
                }
                out.write_all(rec)
            };
            if let Some(old) = &old {
                let mut file = &old.file;
                file.seek(std::io::SeekFrom::Start(HEADER.len() as u64))?;
                let mut reader = BufReader::with_capacity(64 * 1024, file);
                let mut rec = [0u8; RECORD];
                for n in 0..old.count {
                    reader.read_exact(&mut rec)?;
                    let Some(id) = record_id(&rec) else { continue };
                    // What this build wrote comes in order; a record of the same id wins.
                    let mut replaced = false;
                    while let Some(&&(fid, r)) = fresh.peek() {
                        if fid > id {
                            break;
                        }
                        replaced |= fid == id;
                        emit(&mut out, fid, logged(r))?;
                        fresh.next();
                    }
                    if !replaced && (!prune || old.is_used(n)) {
                        emit(&mut out, id, &rec)?;
                    }
                }
            }
            for &(fid, r) in fresh {
                emit(&mut out, fid, logged(r))?;
            }
            out.flush()
        })();
        // Closed first: Windows does not replace a file that is open.
        drop(old);
        if result.is_err() || fs::rename(&tmp, dir.join(FILE)).is_err() {
            let _ = fs::remove_file(&tmp);
            return None;
        }
        kept
    }

    /// Logs that earlier builds left (a build that was stopped), removed.
    pub fn remove_stale_logs(dir: &Path) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(&format!(".{FILE}.")) && name.ends_with(".log") {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

/// Reads an index line by line: for the tests.
#[cfg(test)]
pub fn records(dir: &Path) -> Vec<(Id, Entry)> {
    use std::io::BufRead;
    let Ok(file) = File::open(dir.join(FILE)) else {
        return Vec::new();
    };
    let mut r = BufReader::new(file);
    let mut header = Vec::new();
    let _ = r.read_until(b'\n', &mut header);
    assert_eq!(header, HEADER);
    let mut out = Vec::new();
    let mut rec = [0u8; RECORD];
    while r.read_exact(&mut rec).is_ok() {
        out.push(parse(&rec).expect("a well-formed record"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: u8) -> Entry {
        Entry {
            crc: u32::from(n) * 0x0101_0101,
            len: u32::from(n) * 1000,
            sha: [n; 32],
        }
    }

    fn id(n: u32) -> Id {
        let mut id = [0u8; 16];
        id[..4].copy_from_slice(&n.wrapping_mul(2_654_435_761).to_be_bytes());
        id[15] = n as u8;
        id
    }

    #[test]
    fn records_round_trip_and_are_found_on_disk_after_a_build() {
        let tmp = tempfile::tempdir().unwrap();
        let index = Index::open(tmp.path());
        for n in 0..500u32 {
            index.insert(id(n), &entry(n as u8));
        }
        // Found while the build writes (from the log), before and after its buffer is flushed.
        assert_eq!(index.find(&id(7)).map(|(_, e)| e), Some(entry(7)));
        index.insert(id(9999), &entry(3));
        assert_eq!(index.find(&id(9999)).map(|(_, e)| e), Some(entry(3)));
        assert!(index.find(&id(5000)).is_none());
        assert!(index.finish(false).is_none());
        let on_disk = records(tmp.path());
        assert_eq!(on_disk.len(), 501);
        assert!(on_disk.windows(2).all(|w| w[0].0 < w[1].0));

        let index = Index::open(tmp.path());
        for n in 0..500u32 {
            let (slot, e) = index.find(&id(n)).expect("found in the index file");
            assert!(matches!(slot, Slot::Old(_)));
            assert_eq!(e, entry(n as u8));
        }
        assert!(index.find(&id(5000)).is_none());
    }

    #[test]
    fn a_full_build_keeps_what_it_used_and_wrote_and_a_rewrite_wins() {
        let tmp = tempfile::tempdir().unwrap();
        let index = Index::open(tmp.path());
        for n in 0..100u32 {
            index.insert(id(n), &entry(1));
        }
        index.finish(false);
        let index = Index::open(tmp.path());
        for n in 0..10u32 {
            let (slot, _) = index.find(&id(n)).unwrap();
            index.mark(slot);
        }
        // Entry 3 was drawn again (its file did not match): the new record replaces the old.
        index.insert(id(3), &entry(2));
        index.insert(id(1000), &entry(3));
        let kept = index.finish(true).unwrap();
        assert_eq!(kept.len(), 11);
        assert!(kept.windows(2).all(|w| w[0] < w[1]));
        let on_disk = records(tmp.path());
        assert_eq!(on_disk.iter().map(|(i, _)| *i).collect::<Vec<_>>(), kept);
        let three = on_disk.iter().find(|(i, _)| *i == id(3)).unwrap();
        assert_eq!(three.1, entry(2));
        // No log is left behind.
        let left: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from(FILE)]);
    }

    #[test]
    fn a_lookup_reads_little_even_when_every_record_is_in_one_group() {
        let tmp = tempfile::tempdir().unwrap();
        // Ids that share their first bytes: one group holds them all.
        let same = |n: u32| {
            let mut id = [0u8; 16];
            id[12..].copy_from_slice(&n.to_be_bytes());
            id
        };
        let mut body = HEADER.to_vec();
        for n in 0..5000u32 {
            body.extend(record(&same(n), &entry(n as u8)));
        }
        fs::write(tmp.path().join(FILE), &body).unwrap();
        let index = Index::open(tmp.path());
        for n in [0u32, 1, 2499, 4998, 4999] {
            let (slot, e) = index.find(&same(n)).expect("found");
            assert!(matches!(slot, Slot::Old(i) if i == n as usize));
            assert_eq!(e, entry(n as u8));
        }
        assert!(index.find(&same(5000)).is_none());
        assert!(index.find(&[0xff; 16]).is_none());
    }

    /// Links planted where the build writes its log and its new index are replaced, never
    /// written through.
    #[cfg(unix)]
    #[test]
    fn links_planted_in_the_cache_folder_are_not_written_through() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("cache");
        fs::create_dir(&dir).unwrap();
        let outside = tmp.path().join("outside");
        fs::write(&outside, b"keep me").unwrap();
        let pid = std::process::id();
        for name in [format!(".{FILE}.{pid}.log"), format!(".{FILE}.{pid}.tmp")] {
            std::os::unix::fs::symlink(&outside, dir.join(name)).unwrap();
        }
        let index = Index::open(&dir);
        index.insert(id(1), &entry(1));
        assert_eq!(index.find(&id(1)).map(|(_, e)| e), Some(entry(1)));
        index.finish(true).unwrap();
        assert_eq!(fs::read(&outside).unwrap(), b"keep me");
        assert_eq!(records(&dir).len(), 1);
    }

    #[test]
    fn an_index_out_of_order_or_of_another_format_is_ignored() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = ([2u8; 16], [1u8; 16]);
        let mut body = HEADER.to_vec();
        body.extend(record(&b, &entry(1)));
        body.extend(record(&a, &entry(1)));
        fs::write(tmp.path().join(FILE), &body).unwrap();
        assert!(Index::open(tmp.path()).find(&a).is_some());
        // The same records out of order.
        let mut body = HEADER.to_vec();
        body.extend(record(&a, &entry(1)));
        body.extend(record(&b, &entry(1)));
        fs::write(tmp.path().join(FILE), &body).unwrap();
        let index = Index::open(tmp.path());
        assert!(index.find(&a).is_none() && index.find(&b).is_none());
        fs::write(tmp.path().join(FILE), b"partnerkit cache 5\nsomething\n").unwrap();
        assert!(Index::open(tmp.path()).find(&a).is_none());
        // Cut in the middle of a record.
        fs::write(tmp.path().join(FILE), &body[..body.len() - 3]).unwrap();
        assert!(Index::open(tmp.path()).find(&a).is_none());
    }
}
