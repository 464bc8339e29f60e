//! A kit's own page template as the input (it replaces `overview.html.hbs`): load the kit, then
//! check every pack (texts and pages rendered, images and PDFs for one partner). Nothing may
//! panic, overflow the stack or grow without bound.
#![no_main]
#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let dir = common::kit_dir();
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(dir.join("kit.toml"), common::kit()).unwrap();
    std::fs::write(dir.join("content/item.md"), common::ITEM).unwrap();
    std::fs::write(dir.join("templates/overview.html.hbs"), data).unwrap();
    if let Ok(campaign) = partnerkit::pipeline::Campaign::load(dir) {
        let _ = campaign.check();
    }
    let _ = std::fs::remove_file(dir.join("templates/overview.html.hbs"));
});
