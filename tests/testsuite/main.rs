//! The test suite: everything that needs only Rust, one module per area (`cargo test`).
//!
//! The tests that run outside validators (poppler, qpdf, the Nu Html Checker, axe in Chromium)
//! are a separate binary, `tests/validators`, that `scripts/test.sh` runs after installing them.

mod common;

mod broken_kits;
mod crash_safety;
mod distribution;
mod errors;
mod hostile_kits;
mod incremental;
mod lint;
mod properties;
mod readme;
mod reference_kit;
mod serve;
mod share;
mod video_events;
