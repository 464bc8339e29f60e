//! `partnerkit check`: load, validate, lint and render everything in memory; write nothing.

use std::process::ExitCode;

use serde::Serialize;

use crate::cli::{CheckArgs, Format};
use crate::coverage::{self, Coverage};
use crate::diag::Diagnostic;
use crate::kit::{self, Kit};

#[derive(Serialize)]
struct JsonReport<'a> {
    ok: bool,
    errors: usize,
    warnings: usize,
    findings: &'a [Diagnostic],
    #[serde(skip_serializing_if = "Option::is_none")]
    coverage: Option<Coverage>,
    readability: Vec<crate::lint::TextScore>,
}

/// Runs `check`.
pub fn run(args: &CheckArgs) -> ExitCode {
    let (kit, mut diags) = check(&args.kit_dir);
    crate::diag::sort(&mut diags);
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    let ok = errors == 0 && !(args.deny_warnings && warnings > 0);
    match args.format {
        Format::Json => {
            let readability = kit
                .as_ref()
                .map(|k| {
                    crate::lint::readability(k)
                        .into_iter()
                        .map(|(s, _, _)| s)
                        .collect()
                })
                .unwrap_or_default();
            let report = JsonReport {
                ok,
                errors,
                warnings,
                findings: &diags,
                coverage: kit.as_ref().map(coverage::compute),
                readability,
            };
            println!(
                "{}",
                serde_json::to_string_pretty(&report).expect("plain data")
            );
        }
        Format::Text => {
            super::report(&diags);
            if let Some(kit) = &kit {
                print!("{}", coverage_table(kit));
            }
            if ok {
                if let Some(kit) = &kit {
                    println!(
                        "kit `{}` is fine: {} partner{}, {} content item{}, {} deck{}{}",
                        kit.campaign.id,
                        kit.partners.len(),
                        plural(kit.partners.len()),
                        kit.items.len(),
                        plural(kit.items.len()),
                        kit.decks.len(),
                        plural(kit.decks.len()),
                        if warnings > 0 {
                            format!(", {warnings} warning{}", plural(warnings))
                        } else {
                            String::new()
                        }
                    );
                }
            } else if errors == 0 {
                eprintln!(
                    "{warnings} warning{} and --deny-warnings is set",
                    plural(warnings)
                );
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        super::failed()
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Loads the kit and renders every pack in memory. Returns the kit if it loaded, and every
/// finding.
pub fn check(dir: &std::path::Path) -> (Option<Kit>, Vec<Diagnostic>) {
    match kit::load(dir) {
        Err(diags) => (None, diags),
        Ok((kit, mut diags)) => {
            diags.extend(crate::lint::lint(&kit));
            let partners: Vec<_> = kit.partners.iter().collect();
            if let Err(errs) =
                crate::build::build_in(&kit, &partners, &diags, crate::build::Mode::Check)
            {
                diags.extend(errs);
            }
            (Some(kit), diags)
        }
    }
}

/// A compact barrier × partner table for the terminal.
pub fn coverage_table(kit: &Kit) -> String {
    let cov = coverage::compute(kit);
    let width = cov
        .groups
        .iter()
        .flat_map(|g| &g.rows)
        .map(|r| r.id.chars().count())
        .max()
        .unwrap_or(8)
        .max(8);
    let mut out = String::new();
    out.push_str(&format!("\ncoverage ({} = covered, . = gap)\n", "x"));
    out.push_str(&format!("  {:width$}  items  ", "barrier"));
    for p in &cov.partners {
        out.push_str(&format!("{} ", p.id));
    }
    out.push('\n');
    let mut i = 0;
    for g in &cov.groups {
        out.push_str(&format!("  {}\n", g.label));
        for r in &g.rows {
            let n = r.cells.iter().filter(|c| c.hit).count();
            out.push_str(&format!("  {:width$}  {:>5}  ", r.id, n));
            for p in &cov.partners {
                let mark = if p.barriers[i] { "x" } else { "." };
                out.push_str(&format!("{:^w$} ", mark, w = p.id.chars().count()));
            }
            out.push('\n');
            i += 1;
        }
    }
    out.push('\n');
    out
}
