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
    let built = crate::build::build_with(
        &kit,
        &partners,
        &warnings,
        crate::build::Mode::Build,
        key.as_ref(),
        Some(&release),
    )?;
    if let Err(d) = target.write(&built.files) {
        target.abandon();
        return Err(vec![d]);
    }
    crate::diag::sort(&mut warnings);
    Ok((target.dir.clone(), warnings, built))
}
