//! One reproducible zip per partner: sorted entries under one top folder, a fixed timestamp
//! (the launch, in local time), deflate for text at its fastest level (the texts are a small
//! part of a pack, and level 6 took seconds over a hundred packs for a few percent), stored for
//! files that are compressed already (PNG, PDF, JPEG, video: deflating them again costs time
//! and saves nothing), UTF-8 names, plain file permissions.

use std::io::{Cursor, Seek, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::kit::Moment;
use crate::pack::Artifact;

/// Zips `files` under `top/` in memory. Every entry gets `stamp` as its time, clamped to what
/// zip can hold.
pub fn zip(top: &str, files: &[Artifact], stamp: Moment) -> std::io::Result<Vec<u8>> {
    // Room for every file and its headers up front: the images and PDFs are most of a pack,
    // and growing the buffer would copy them again at every doubling.
    let room: usize = files
        .iter()
        .map(|f| f.bytes.len() + 2 * (f.path.len() + top.len()) + 128)
        .sum();
    let w = zip_into(Cursor::new(Vec::with_capacity(room)), top, files, stamp)?;
    Ok(w.into_inner())
}

/// Zips `files` under `top/` into a new file at `path` (the same bytes as [`zip`]), so a pack's
/// zip is never held in memory whole, and returns its length and SHA-256 (read back: the zip
/// writer goes back to each entry's header once its data is written).
pub fn zip_file(
    path: &Path,
    top: &str,
    files: &[Artifact],
    stamp: Moment,
) -> std::io::Result<(u64, [u8; 32])> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(path)?;
    let w = zip_into(
        std::io::BufWriter::with_capacity(256 * 1024, file),
        top,
        files,
        stamp,
    )?;
    let mut file = w.into_inner().map_err(|e| e.into_error())?;
    file.rewind()?;
    let mut sha = Sha256::new();
    let len = std::io::copy(&mut file, &mut sha)?;
    Ok((len, sha.finalize().into()))
}

fn zip_into<W: Write + Seek>(
    out: W,
    top: &str,
    files: &[Artifact],
    stamp: Moment,
) -> std::io::Result<W> {
    let (y, mo, d, h, mi, s) = stamp.local();
    let time = DateTime::from_date_and_time(
        y.clamp(1980, 2107) as u16,
        mo as u8,
        d as u8,
        h as u8,
        mi as u8,
        s as u8,
    )
    .unwrap_or_default();
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(1))
        .last_modified_time(time)
        .unix_permissions(0o644);
    let mut sorted: Vec<&Artifact> = files.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let mut w = ZipWriter::new(out);
    for f in sorted {
        debug_assert!(
            !f.path.starts_with('/') && !f.path.split('/').any(|p| p == ".." || p.is_empty())
        );
        let compressed = [
            ".png", ".pdf", ".jpg", ".jpeg", ".webp", ".mp4", ".webm", ".zip",
        ]
        .iter()
        .any(|e| f.path.ends_with(e));
        let options = if compressed {
            options
                .compression_method(CompressionMethod::Stored)
                .compression_level(None)
        } else {
            options
        };
        w.start_file(format!("{top}/{}", f.path), options)
            .map_err(std::io::Error::other)?;
        w.write_all(&f.bytes)?;
    }
    w.finish().map_err(std::io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::artifact::FileMeta;
    use std::io::Read;

    fn file(path: &str, bytes: &[u8]) -> Artifact {
        Artifact {
            path: path.to_string(),
            bytes: bytes.to_vec(),
            meta: FileMeta::default(),
        }
    }

    #[test]
    fn a_zip_written_to_a_file_is_the_zip_made_in_memory() {
        let stamp = Moment {
            unix: 1_780_000_000,
            offset_minutes: 120,
            zone: None,
        };
        let big: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let files = [
            file(
                "social/a.x.txt",
                "Een tekst met een link https://example.org".as_bytes(),
            ),
            file("cards/deck-print.pdf", &big),
            file("blogs/b.md", &big[..5000]),
            file("social/a.x.png", &big[1000..90_000]),
        ];
        let held = zip("kit-partner", &files, stamp).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("pack.zip");
        let (len, sha) = zip_file(&path, "kit-partner", &files, stamp).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), held);
        assert_eq!(len, held.len() as u64);
        assert_eq!(sha, <[u8; 32]>::from(Sha256::digest(&held)));
        // Never over a file that is there.
        assert!(zip_file(&path, "kit-partner", &files, stamp).is_err());
        let mut read = ::zip::ZipArchive::new(Cursor::new(held)).unwrap();
        assert_eq!(read.len(), 4);
        let mut pdf = Vec::new();
        read.by_name("kit-partner/cards/deck-print.pdf")
            .unwrap()
            .read_to_end(&mut pdf)
            .unwrap();
        assert_eq!(pdf, big);
    }
}
