//! `partnerkit build`: check the kit, render everything in memory, then write it in one swap.

use std::process::ExitCode;
use std::time::Instant;

use crate::cli::BuildArgs;
use crate::diag::Diagnostic;
use crate::pipeline::{Campaign, Options};

/// Runs `build`.
pub fn run(args: &BuildArgs) -> ExitCode {
    let start = Instant::now();
    match build(args) {
        Ok((dir, warnings, built)) => {
            super::report(&warnings);
            if args.timings {
                if let Some(c) = built.cache {
                    eprintln!(
                        "{}",
                        crate::tr!(
                            "  cache      {hits} images and PDFs reused, {misses} drawn; {zips} zips copied what did not change from the previous zip",
                            "  cache      {hits} afbeeldingen en pdf's hergebruikt, {misses} getekend; {zips} zips namen over wat niet veranderde uit de vorige zip",
                            hits = c.hits,
                            misses = c.misses,
                            zips = c.zips
                        )
                    );
                }
                for (stage, d) in &built.timings {
                    eprintln!("  {stage:<10} {:>8.1} ms", d.as_secs_f64() * 1000.0);
                }
                let cpu = crate::tr!("CPU time, all threads", "processortijd, alle threads");
                for (output, d) in &built.outputs {
                    eprintln!(
                        "    {output:<8} {:>8.1} ms ({cpu})",
                        d.as_secs_f64() * 1000.0
                    );
                }
            }
            for (path, line) in &built.preflight {
                println!("  {path}: {line}");
            }
            let n = built.packs.len();
            let seconds = crate::util::decimal(start.elapsed().as_secs_f64(), 1);
            println!(
                "{}",
                if n == 1 {
                    crate::tr!(
                        "built 1 pack into {dir} in {s} s",
                        "1 pakket gebouwd in {dir} in {s} s",
                        dir = dir.display(),
                        s = seconds
                    )
                } else {
                    crate::tr!(
                        "built {n} packs into {dir} in {s} s",
                        "{n} pakketten gebouwd in {dir} in {s} s",
                        n = n,
                        dir = dir.display(),
                        s = seconds
                    )
                }
            );
            ExitCode::SUCCESS
        }
        Err(diags) => {
            super::report(&diags);
            super::failed()
        }
    }
}

/// A progress bar on a terminal, for builds that take longer than a second; nothing when
/// stderr is not a terminal (indicatif hides itself there).
struct Progress {
    start: Instant,
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn new() -> Progress {
        Progress {
            start: Instant::now(),
            bar: None,
        }
    }

    fn show(&mut self, done: usize, total: usize) {
        if self.bar.is_none() && self.start.elapsed().as_millis() >= 1000 && done < total {
            let bar = indicatif::ProgressBar::new(total as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template(&crate::tr!(
                "{bar:30} {pos}/{len} packs, {eta} to go",
                "{bar:30} {pos}/{len} pakketten, nog {eta}"
            )) {
                bar.set_style(style);
            }
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(done as u64);
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// Loads, builds and writes; returns the campaign folder, the warnings and the build.
fn build(
    args: &BuildArgs,
) -> Result<(std::path::PathBuf, Vec<Diagnostic>, crate::build::Built), Vec<Diagnostic>> {
    let t0 = std::time::Instant::now();
    let beside = (!args.no_cache).then_some(args.out.as_path());
    let campaign = Campaign::load_beside(&args.kit_dir, beside)?;
    let load = t0.elapsed();
    let opts = Options {
        partners: &args.partners,
        link_key: args.link_key.as_deref(),
        cache: !args.no_cache,
    };
    let mut bar = Progress::new();
    let built = campaign.build(&args.out, &opts, &mut |done, total| bar.show(done, total));
    bar.finish();
    let (dir, mut built) = built?;
    built.timings.insert(0, ("load", load));
    Ok((dir, campaign.warnings, built))
}
