//! Content lint: findings about the behavioural analysis that do not stop a build.

use crate::coverage;
use crate::diag::Diagnostic;
use crate::kit::Kit;

/// Every lint finding for `kit`.
pub fn lint(kit: &Kit) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let src = kit.sources.get(std::path::Path::new("kit.toml"));
    let at_barrier = |d: Diagnostic, id: &str| match src {
        Some(src) => match src.text.find(&format!("\"{id}\"")) {
            Some(pos) => d.at(src, pos..pos + id.len() + 2),
            None => d.in_file("kit.toml"),
        },
        None => d.in_file("kit.toml"),
    };
    let cov = coverage::compute(kit);
    for row in cov.groups.iter().flat_map(|g| &g.rows) {
        if !row.covered {
            out.push(at_barrier(
                Diagnostic::warning("uncovered-barrier", format!("no content item or card addresses the barrier `{}`", row.id))
                    .hint(format!("add addresses = [\"{}\"] to an item or card that works on it", row.id)),
                &row.id,
            ));
        }
    }
    for p in &cov.partners {
        if !p.missing_factors.is_empty() {
            out.push(
                Diagnostic::warning(
                    "partner-gap",
                    format!("the pack of `{}` covers nothing for {}", p.id, p.missing_factors.join(", ")),
                )
                .in_file("kit.toml")
                .hint("give this partner an item or deck for those barriers (check the item's partners and platforms)"),
            );
        }
    }
    for b in &kit.barriers {
        for t in &b.techniques {
            let used = kit.items.iter().any(|i| i.techniques.contains(t)) || kit.decks.iter().any(|d| d.techniques.contains(t));
            if !used {
                out.push(at_barrier(
                    Diagnostic::warning(
                        "unused-technique",
                        format!("the technique `{t}` of barrier `{}` is used by no content item or deck", b.id),
                    )
                    .hint(format!("add techniques = [\"{t}\"] to an item that applies it, or drop it from the barrier")),
                    &b.id,
                ));
            }
        }
    }
    out
}
