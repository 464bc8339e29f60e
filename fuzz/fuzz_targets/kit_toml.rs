//! kit.toml as the input: the loader and validator must never panic.
#![no_main]
#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let dir = common::kit_dir();
    std::fs::write(dir.join("kit.toml"), data).unwrap();
    std::fs::write(dir.join("content/item.md"), common::ITEM).unwrap();
    let _ = partnerkit::pipeline::Campaign::load(dir);
});
