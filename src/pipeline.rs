//! The whole sequence in one place: load → check → plan → render → pack → write.
//!
//! `build`, `check`, `serve`, the benchmarks, the fuzz targets and the tests all go through a
//! [`Campaign`]: [`Campaign::load`] reads and checks the kit, then [`Campaign::check`] renders
//! it only to find problems, [`Campaign::build_in_memory`] and [`Campaign::build_into`] render
//! every pack into memory or any [`Sink`], and [`Campaign::build`] writes them into `--out`, all
//! or nothing.

use std::path::{Path, PathBuf};

use crate::build::{build_in_memory, build_into, Built, Job, Mode, Sink};
use crate::diag::Diagnostic;
use crate::kit::{Kit, Partner};
use crate::write::Target;

/// A loaded kit and what loading and linting it found (warnings only: errors stop the load).
pub struct Campaign {
    /// The validated kit.
    pub kit: Kit,
    /// Warnings of the loader and the linter, in file order.
    pub warnings: Vec<Diagnostic>,
    /// The build cache loading took logos from ([`Campaign::load_beside`]), taken by the
    /// build into the same folder.
    cache: std::sync::Mutex<crate::kit::LoadCache>,
}

/// What to build.
#[derive(Default, Clone, Copy)]
pub struct Options<'a> {
    /// The partners to build, by id; every partner when empty.
    pub partners: &'a [String],
    /// The adviser's link key file, for kits with private links (`--link-key`).
    pub link_key: Option<&'a Path>,
    /// Reuse rendered images and PDFs from the cache beside the output (`build` only).
    pub cache: bool,
}

impl Campaign {
    /// Reads, validates and lints the kit in `dir`.
    pub fn load(dir: &Path) -> Result<Campaign, Vec<Diagnostic>> {
        Self::load_beside(dir, None)
    }

    /// [`Campaign::load`] for a build into `out`: logos that an earlier build normalised come
    /// from its cache.
    pub fn load_beside(dir: &Path, out: Option<&Path>) -> Result<Campaign, Vec<Diagnostic>> {
        let (kit, mut warnings, cache) = crate::kit::load_beside(dir, out)?;
        warnings.extend(crate::lint::lint(&kit));
        crate::diag::sort(&mut warnings);
        Ok(Campaign {
            kit,
            warnings,
            cache: std::sync::Mutex::new(cache),
        })
    }

    /// The partners `opts` names, or every partner.
    pub fn partners(&self, opts: &Options<'_>) -> Result<Vec<&Partner>, Vec<Diagnostic>> {
        crate::build::select(&self.kit, opts.partners)
    }

    /// A job for `partners` in `mode`, without link key, release or cache.
    fn job<'a>(&'a self, partners: &'a [&'a Partner], mode: Mode) -> Job<'a> {
        Job {
            kit: &self.kit,
            partners,
            warnings: &self.warnings,
            mode,
            key: None,
            release: None,
            cache: None,
        }
    }

    /// Renders every pack only to find problems (texts, limits and layouts of every partner;
    /// images and PDFs of the first). Returns every finding: the warnings and any errors.
    pub fn check(&self) -> Vec<Diagnostic> {
        let mut findings = self.warnings.clone();
        let partners: Vec<&Partner> = self.kit.partners.iter().collect();
        if let Err(errors) = build_in_memory(&self.job(&partners, Mode::Check)) {
            findings.extend(errors);
        }
        crate::diag::sort(&mut findings);
        findings
    }

    /// Every file of the campaign folder in memory, sorted by path (the preview, the tests).
    /// Private links get a placeholder token.
    pub fn build_in_memory(&self, opts: &Options<'_>) -> Result<Built, Vec<Diagnostic>> {
        let partners = self.partners(opts)?;
        build_in_memory(&self.job(&partners, Mode::Build))
    }

    /// Every file handed to `sink` as its pack is done; `progress(done, total)` after each
    /// group of packs.
    pub fn build_into(
        &self,
        opts: &Options<'_>,
        sink: &mut dyn Sink,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Built, Vec<Diagnostic>> {
        let partners = self.partners(opts)?;
        build_into(&self.job(&partners, Mode::Build), sink, progress)
    }

    /// Builds into `out/<campaign id>`: every pack goes to a staging folder as soon as it is
    /// done, and the folder is swapped in only when every pack and page is there; on any error
    /// the previous output stays as it was. Returns the campaign folder and the build.
    pub fn build(
        &self,
        out: &Path,
        opts: &Options<'_>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<(PathBuf, Built), Vec<Diagnostic>> {
        let kit = &self.kit;
        let partners = self.partners(opts)?;
        let key = link_key(kit, opts.link_key)?;
        let target = Target::prepare(out, &kit.campaign.id, &kit.root).map_err(|d| vec![d])?;
        let release = crate::changes::Release::after(&target.dir, kit);
        let cache = if opts.cache {
            let loaded = self
                .cache
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take()
                .filter(|c| c.is_at(&target.cache_dir()));
            let cache = loaded.unwrap_or_else(|| crate::cache::Cache::open(&target.cache_dir()));
            // The normalised logos stay in the cache for the next load.
            let logos = kit.partners.iter().filter_map(|p| p.logo.as_ref());
            for logo in logos.chain(kit.campaign.logo.as_ref()) {
                logo.keep_in(&cache);
            }
            Some(cache)
        } else {
            None
        };
        let mut staging = target.begin().map_err(|d| vec![d])?;
        let job = Job {
            key: key.as_ref(),
            release: Some(&release),
            cache: cache.as_ref(),
            ..self.job(&partners, Mode::Build)
        };
        let built = build_into(&job, &mut staging, progress);
        let mut built = match built {
            Ok(b) => b,
            Err(d) => {
                target.abandon();
                return Err(d);
            }
        };
        let t = std::time::Instant::now();
        if let Err(d) = target.commit() {
            target.abandon();
            return Err(vec![d]);
        }
        if let Some(cache) = cache {
            built.cache = Some(cache.stats());
            cache.finish(opts.partners.is_empty());
        }
        built.timings.push(("swap", t.elapsed()));
        Ok((target.dir.clone(), built))
    }
}

/// The adviser's key, when the kit has private links (then it is required).
fn link_key(
    kit: &Kit,
    file: Option<&Path>,
) -> Result<Option<crate::distribution::LinkKey>, Vec<Diagnostic>> {
    if !kit.distribution.private_links {
        return Ok(None);
    }
    let key = crate::distribution::LinkKey::from_args(file).map_err(|d| vec![d])?;
    crate::distribution::require_key(kit, key.as_ref()).map_err(|d| vec![d])?;
    Ok(key)
}
