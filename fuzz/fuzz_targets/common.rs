// Shared by the fuzz targets: one kit folder per process, rewritten for every input.
#![allow(dead_code)]
use std::path::PathBuf;
use std::sync::OnceLock;

/// The starter kit without its logo: rasterising an SVG on every input would slow fuzzing
/// down tenfold without reaching new code.
pub fn kit() -> String {
    include_str!("../../src/starter/kit.toml").replace("logo = \"assets/logo.svg\"", "")
}
pub const ITEM: &str = include_str!("../../src/starter/content/aftrap.md");

pub fn kit_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("partnerkit-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("content")).unwrap();
        std::fs::create_dir_all(dir.join("assets")).unwrap();
        std::fs::write(dir.join("assets/logo.svg"), include_str!("../../src/starter/assets/logo.svg")).unwrap();
        dir
    })
}

/// Loads the kit and, when it loads, renders every pack in memory: nothing may panic.
pub fn load_and_build(kit_toml: &[u8], item: &[u8]) {
    let dir = kit_dir();
    std::fs::write(dir.join("kit.toml"), kit_toml).unwrap();
    std::fs::write(dir.join("content/item.md"), item).unwrap();
    if let Ok(campaign) = partnerkit::pipeline::Campaign::load(dir) {
        let _ = campaign.build_in_memory(&Default::default());
    }
}
