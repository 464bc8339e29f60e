//! `partnerkit check`: load, validate, lint and render everything in memory; write nothing.

use std::process::ExitCode;

use serde::Serialize;

use crate::cli::{CheckArgs, Format};
use crate::coverage::{self, Coverage};
use crate::diag::Diagnostic;
use crate::kit::Kit;
use crate::pipeline::Campaign;

#[derive(Serialize)]
struct JsonReport<'a> {
    ok: bool,
    errors: usize,
    warnings: usize,
    findings: &'a [Diagnostic],
    #[serde(skip_serializing_if = "Option::is_none")]
    coverage: Option<Coverage>,
    readability: Vec<crate::lint::TextScore>,
    statements: Vec<crate::pack::Statement>,
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
                statements: kit
                    .as_ref()
                    .map(crate::pack::statements)
                    .unwrap_or_default(),
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
                    let count = |n: usize, noun: crate::tr::Noun| {
                        format!("{n} {}", if n == 1 { noun.one() } else { noun.many() })
                    };
                    let warned = if warnings > 0 {
                        format!(", {}", count(warnings, WARNING))
                    } else {
                        String::new()
                    };
                    println!(
                        "{}",
                        crate::tr!(
                            "kit `{id}` is fine: {partners}, {items}, {decks}{warned}",
                            "kit `{id}` is in orde: {partners}, {items}, {decks}{warned}",
                            id = kit.campaign.id,
                            partners = count(kit.partners.len(), crate::tr::nouns::PARTNER),
                            items = count(kit.items.len(), crate::tr::nouns::ITEM),
                            decks = count(kit.decks.len(), crate::tr::nouns::DECK),
                            warned = warned
                        )
                    );
                }
            } else if errors == 0 {
                eprintln!(
                    "{}",
                    crate::tr!(
                        "{n} and --deny-warnings is set",
                        "{n} en --deny-warnings staat aan",
                        n = format!(
                            "{warnings} {}",
                            if warnings == 1 {
                                WARNING.one()
                            } else {
                                WARNING.many()
                            }
                        )
                    )
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

const WARNING: crate::tr::Noun = crate::tr::Noun {
    en: "warning",
    en_many: "warnings",
    nl: "waarschuwing",
    nl_many: "waarschuwingen",
};

/// Loads the kit and renders every pack in memory. Returns the kit if it loaded, and every
/// finding.
pub fn check(dir: &std::path::Path) -> (Option<Kit>, Vec<Diagnostic>) {
    match Campaign::load(dir) {
        Err(diags) => (None, diags),
        Ok(campaign) => {
            let findings = campaign.check();
            (Some(campaign.kit), findings)
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
    out.push_str(&crate::tr!(
        "\ncoverage (x = covered, . = gap)\n",
        "\ndekking (x = gedekt, . = gat)\n"
    ));
    let items = crate::tr!("items", "teksten");
    let n_width = items.chars().count().max(5);
    out.push_str(&format!(
        "  {:width$}  {items:>n_width$}  ",
        crate::tr::nouns::BARRIER.one(),
    ));
    for p in &cov.partners {
        out.push_str(&format!("{} ", p.id));
    }
    out.push('\n');
    let mut i = 0;
    for g in &cov.groups {
        out.push_str(&format!("  {}\n", g.label));
        for r in &g.rows {
            let n = r.cells.iter().filter(|c| c.hit).count();
            out.push_str(&format!("  {:width$}  {n:>n_width$}  ", r.id));
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
