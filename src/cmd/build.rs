//! `partnerkit build`: check the kit, render everything in memory, then write it in one swap.

use std::process::ExitCode;
use std::time::Instant;

use crate::cli::BuildArgs;
use crate::diag::Diagnostic;
use crate::kit;
use crate::write::Target;

/// Runs `build`.
pub fn run(args: &BuildArgs) -> ExitCode {
    let start = Instant::now();
    match build(
        &args.kit_dir,
        &args.out,
        &args.partners,
        args.link_key.as_deref(),
    ) {
        Ok((dir, warnings, built)) => {
            super::report(&warnings);
            if args.timings {
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
pub fn build(
    kit_dir: &std::path::Path,
    out: &std::path::Path,
    only: &[String],
    link_key: Option<&std::path::Path>,
) -> Result<(std::path::PathBuf, Vec<Diagnostic>, crate::build::Built), Vec<Diagnostic>> {
    let (kit, mut warnings) = kit::load(kit_dir)?;
    warnings.extend(crate::lint::lint(&kit));
    let partners = crate::build::select(&kit, only)?;
    let key = if kit.distribution.private_links {
        let key = crate::distribution::LinkKey::from_args(link_key).map_err(|d| vec![d])?;
        crate::distribution::require_key(&kit, key.as_ref()).map_err(|d| vec![d])?;
        key
    } else {
        None
    };
    let target = Target::prepare(out, &kit.campaign.id, &kit.root).map_err(|d| vec![d])?;
    let release = crate::changes::Release::after(&target.dir, &kit);
    // Each pack goes to the staging folder as soon as it is done; the folder is swapped in
    // only when every pack and page is there.
    let mut staging = target.begin().map_err(|d| vec![d])?;
    let mut bar = Progress::new();
    let built = crate::build::build_into(
        &kit,
        &partners,
        &warnings,
        crate::build::Mode::Build,
        key.as_ref(),
        Some(&release),
        &mut staging,
        &mut |done, total| bar.show(done, total),
    );
    bar.finish();
    let built = match built {
        Ok(b) => b,
        Err(d) => {
            target.abandon();
            return Err(d);
        }
    };
    if let Err(d) = target.commit() {
        target.abandon();
        return Err(vec![d]);
    }
    crate::diag::sort(&mut warnings);
    Ok((target.dir.clone(), warnings, built))
}
