//! A content file as the input: front matter split, TOML, references, Handlebars compile.
#![no_main]
#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(parts) = partnerkit::kit::content::split(s) {
            assert!(s.ends_with(parts.body));
        }
    }
    let dir = common::kit_dir();
    std::fs::write(dir.join("kit.toml"), common::kit()).unwrap();
    std::fs::write(dir.join("content/item.md"), data).unwrap();
    let _ = partnerkit::pipeline::Campaign::load(dir);
});
