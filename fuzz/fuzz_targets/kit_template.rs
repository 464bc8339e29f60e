//! A kit's own page template as the input (it replaces `overview.html.hbs`): load the kit, then
//! render every pack. Nothing may panic, overflow the stack or grow without bound.
#![no_main]
#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let dir = common::kit_dir();
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(dir.join("templates/overview.html.hbs"), data).unwrap();
    common::load_and_build(common::kit().as_bytes(), common::ITEM.as_bytes());
    let _ = std::fs::remove_file(dir.join("templates/overview.html.hbs"));
});
