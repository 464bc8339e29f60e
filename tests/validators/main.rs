//! The tests that run outside validators over real builds: poppler, qpdf, mutool, pdfcpu, the
//! Nu Html Checker, axe-core and pa11y in headless Chromium, icalendar, and a real browser for
//! the preview server. A missing validator is a failure, never a skip: `scripts/test.sh`
//! installs them first and runs this group (`--features validators`).

#[path = "../testsuite/common.rs"]
mod common;

mod cards;
mod tools;
