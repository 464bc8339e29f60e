//! An SVG logo as the input: parsed with the safe resolver and cost checks, then drawn. Nothing
//! may panic, read a file, or take long.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(tree) = partnerkit::raster::parse_untrusted(data) {
        let _ = tree;
        if let Ok(text) = std::str::from_utf8(data) {
            let _ = partnerkit::raster::svg_to_png(text, 64, 64, None);
        }
    }
});
