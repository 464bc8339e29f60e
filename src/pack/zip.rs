//! One reproducible zip per partner: sorted entries under one top folder, a fixed timestamp
//! (the launch, in local time), deflate for text at its fastest level (the texts are a small
//! part of a pack, and level 6 took seconds over a hundred packs for a few percent), stored for
//! files that are compressed already (PNG, PDF, JPEG, video: deflating them again costs time
//! and saves nothing), UTF-8 names, plain file permissions.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::kit::Moment;
use crate::pack::Artifact;

/// Zips `files` under `top/`. Every entry gets `stamp` as its time, clamped to what zip can hold.
pub fn zip(top: &str, files: &[Artifact], stamp: Moment) -> std::io::Result<Vec<u8>> {
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
    // Room for every file and its headers up front: the images and PDFs are most of a pack,
    // and growing the buffer would copy them again at every doubling.
    let room: usize = sorted
        .iter()
        .map(|f| f.bytes.len() + 2 * (f.path.len() + top.len()) + 128)
        .sum();
    let mut w = ZipWriter::new(Cursor::new(Vec::with_capacity(room)));
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
    Ok(w.finish().map_err(std::io::Error::other)?.into_inner())
}
