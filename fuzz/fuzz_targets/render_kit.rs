//! A whole kit as the input (kit.toml and one content item, separated by a NUL byte): load,
//! then render every pack in memory, cards and share images included.
#![no_main]
#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let default = common::kit();
    let (kit, item) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (default.as_bytes(), data),
    };
    common::load_and_build(kit, item);
});
