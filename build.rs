//! Fingerprints what decides how the renderers draw: the source, the built-in templates and
//! the fonts. The build cache keys every entry with it (see `src/cache/mod.rs`), so a binary built
//! from other code never reuses what an earlier one drew, even at the same version number.

use std::hash::{DefaultHasher, Hasher};
use std::path::Path;

fn feed(dir: &Path, h: &mut DefaultHasher) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            feed(&p, h);
        } else if let Ok(bytes) = std::fs::read(&p) {
            h.write(p.to_string_lossy().as_bytes());
            h.write(&bytes);
        }
    }
}

fn main() {
    let mut h = DefaultHasher::new();
    for part in ["src", "templates", "fonts", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={part}");
        let p = Path::new(part);
        if p.is_dir() {
            feed(p, &mut h);
        } else if let Ok(bytes) = std::fs::read(p) {
            h.write(&bytes);
        }
    }
    println!("cargo:rustc-env=PARTNERKIT_SOURCE_HASH={:016x}", h.finish());
}
