//! partnerkit: one campaign kit in, a ready-made content pack per theme partner out.
//!
//! The pipeline, in the order data flows through it:
//!
//! [`pipeline::Campaign`] owns the sequence; every command, benchmark, fuzz target and test
//! goes through it:
//!
//! 1. load: [`kit::load`] reads `kit.toml` and `content/*.md` into a validated [`kit::Kit`], or
//!    returns every problem as a [`diag::Diagnostic`] with file, line and column;
//! 2. check: [`lint`] adds the warnings;
//! 3. plan and render: [`pack::render`] runs every [`outputs::Output`] for one partner, drawing
//!    with [`typeset`] and reusing what the [`cache`] holds;
//! 4. pack: [`build`] zips each pack and renders the download page and the report ([`site`]),
//!    a few partners at a time;
//! 5. write: [`write::Target`] takes each pack into a staging folder as it is done and swaps
//!    the folder into place at the end.
//!
//! `check` runs steps 1–4 in memory; `build` all five; `serve` repeats 1–4 on every change.

#![warn(missing_docs)]
// A `Diagnostic` is a few hundred bytes; it is returned once per mistake, never on a hot path.
#![allow(clippy::result_large_err)]

pub mod artifact;
pub mod bcw;
pub mod build;
pub mod cache;
pub mod changes;
pub mod cli;
pub mod cmd;
pub mod compose;
pub mod coverage;
pub mod diag;
pub mod distribution;
pub mod i18n;
pub mod kit;
pub mod lang;
pub mod lint;
pub mod memo;
pub mod outputs;
pub mod pack;
pub mod pipeline;
pub mod platforms;
pub mod raster;
pub mod readability;
pub mod render;
pub mod site;
pub mod tr;
pub mod tracking;
pub mod typeset;
pub mod util;
pub mod write;
