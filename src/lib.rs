//! partnerkit: one campaign kit in, a ready-made content pack per theme partner out.
//!
//! The pipeline, in the order data flows through it:
//!
//! 1. [`kit::load`] reads `kit.toml` and `content/*.md` into a validated [`kit::Kit`], or
//!    returns every problem as a [`diag::Diagnostic`] with file, line and column.
//! 2. [`build::build`] renders each partner's pack in memory ([`pack::render`] runs every
//!    [`outputs::Output`]), zips it, and renders the download page and the report ([`site`]).
//! 3. [`write::Target`] writes the result into a staging folder and swaps it into place.
//!
//! `check` runs steps 1 and 2; `build` all three; `serve` repeats them on every change.

#![warn(missing_docs)]
// A `Diagnostic` is a few hundred bytes; it is returned once per mistake, never on a hot path.
#![allow(clippy::result_large_err)]

pub mod artifact;
pub mod bcw;
pub mod build;
pub mod changes;
pub mod cli;
pub mod cmd;
pub mod coverage;
pub mod diag;
pub mod distribution;
pub mod fonts;
pub mod i18n;
pub mod kit;
pub mod lang;
pub mod lint;
pub mod memo;
pub mod outputs;
pub mod pack;
pub mod platforms;
pub mod raster;
pub mod readability;
pub mod render;
pub mod site;
pub mod tr;
pub mod tracking;
pub mod util;
pub mod write;
