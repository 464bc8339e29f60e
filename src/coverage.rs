//! The behavioural analysis as data: which content works on which barrier, for whom.

use serde::Serialize;

use crate::kit::{Factor, Kit};

/// The coverage matrix of a kit.
#[derive(Debug, Serialize)]
pub struct Coverage {
    /// Columns: content items, then decks.
    pub columns: Vec<Column>,
    /// Barriers grouped by factor, each with its cells.
    pub groups: Vec<Group>,
    /// Per partner: which barriers and factors its pack covers.
    pub partners: Vec<PartnerCoverage>,
}

/// A content item or deck.
#[derive(Debug, Serialize)]
pub struct Column {
    /// Item or deck id.
    pub id: String,
    /// `social`, `blog`, `howto` or `cards`.
    pub kind: &'static str,
    /// Title, with any template expressions shown as `…`.
    pub title: String,
}

/// The barriers of one COM-B factor.
#[derive(Debug, Serialize)]
pub struct Group {
    /// Factor id.
    pub factor: &'static str,
    /// Factor label in the kit's language.
    pub label: &'static str,
    /// Barriers.
    pub rows: Vec<Row>,
}

/// One barrier against every column.
#[derive(Debug, Serialize)]
pub struct Row {
    /// Barrier id.
    pub id: String,
    /// The insight.
    pub insight: String,
    /// Whether anything addresses it.
    pub covered: bool,
    /// One cell per column.
    pub cells: Vec<Cell>,
}

/// Whether a column addresses a barrier, and with which techniques.
#[derive(Debug, Serialize)]
pub struct Cell {
    /// The column addresses the barrier.
    pub hit: bool,
    /// Labels of the techniques the item uses (those of the barrier first).
    pub techniques: Vec<String>,
    /// Intensity 0 to 3 for the heat map.
    pub level: usize,
}

/// What one partner's pack covers.
#[derive(Debug, Serialize)]
pub struct PartnerCoverage {
    /// Partner id.
    pub id: String,
    /// Partner name.
    pub name: String,
    /// One entry per barrier, in the order of the groups.
    pub barriers: Vec<bool>,
    /// COM-B factors of the analysis that the pack leaves uncovered.
    pub missing_factors: Vec<&'static str>,
}

/// Replaces `{{…}}` expressions with `…`, for titles shown outside a partner's pack.
pub fn strip_templates(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        match rest[start..].find("}}") {
            Some(end) => {
                out.push('…');
                rest = &rest[start + end + 2..];
                while rest.starts_with('}') {
                    rest = &rest[1..];
                }
            }
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Computes the coverage of `kit`.
pub fn compute(kit: &Kit) -> Coverage {
    struct Src<'a> {
        addresses: Vec<String>,
        techniques: &'a [String],
        for_partner: Box<dyn Fn(&crate::kit::Partner) -> bool + 'a>,
    }
    let mut columns = Vec::new();
    let mut sources: Vec<Src<'_>> = Vec::new();
    for item in &kit.items {
        columns.push(Column {
            id: item.id.clone(),
            kind: item.kind.id(),
            title: strip_templates(&item.title.source),
        });
        sources.push(Src {
            addresses: item.addresses.clone(),
            techniques: &item.techniques,
            for_partner: Box::new(move |p| {
                let (items, _) = crate::pack::plan(kit, p);
                items.iter().any(|i| i.id == item.id)
            }),
        });
    }
    for deck in &kit.decks {
        columns.push(Column {
            id: deck.id.clone(),
            kind: "cards",
            title: deck.title.clone(),
        });
        sources.push(Src {
            addresses: deck.addresses(),
            techniques: &deck.techniques,
            for_partner: Box::new(move |p| deck.is_for(p)),
        });
    }
    let lang = kit.campaign.language;
    let mut groups = Vec::new();
    let mut barrier_order = Vec::new();
    for factor in Factor::ALL {
        let rows: Vec<Row> = kit
            .barriers
            .iter()
            .filter(|b| b.factor == factor)
            .map(|b| {
                barrier_order.push(b.id.clone());
                let cells: Vec<Cell> = sources
                    .iter()
                    .map(|s| {
                        let hit = s.addresses.contains(&b.id);
                        if !hit {
                            return Cell {
                                hit,
                                techniques: Vec::new(),
                                level: 0,
                            };
                        }
                        let mut own: Vec<&String> = s
                            .techniques
                            .iter()
                            .filter(|t| b.techniques.contains(t))
                            .collect();
                        own.extend(s.techniques.iter().filter(|t| !b.techniques.contains(t)));
                        let matching = s
                            .techniques
                            .iter()
                            .filter(|t| b.techniques.contains(t))
                            .count();
                        let techniques = own
                            .into_iter()
                            .map(|t| {
                                kit.technique(t)
                                    .map_or_else(|| t.clone(), |t| t.label.clone())
                            })
                            .collect();
                        Cell {
                            hit,
                            techniques,
                            level: (1 + matching).min(3),
                        }
                    })
                    .collect();
                Row {
                    id: b.id.clone(),
                    insight: b.insight.clone(),
                    covered: cells.iter().any(|c| c.hit),
                    cells,
                }
            })
            .collect();
        if !rows.is_empty() {
            groups.push(Group {
                factor: factor.id(),
                label: factor.label(lang),
                rows,
            });
        }
    }
    let analysis_factors: Vec<Factor> = Factor::ALL
        .into_iter()
        .filter(|f| kit.barriers.iter().any(|b| b.factor == *f))
        .collect();
    let partners = kit
        .partners
        .iter()
        .map(|p| {
            let gets: Vec<&Src<'_>> = sources.iter().filter(|s| (s.for_partner)(p)).collect();
            let barriers: Vec<bool> = barrier_order
                .iter()
                .map(|b| gets.iter().any(|s| s.addresses.contains(b)))
                .collect();
            let covered: Vec<Factor> = gets
                .iter()
                .flat_map(|s| kit.factors_of(&s.addresses))
                .collect();
            let missing_factors = analysis_factors
                .iter()
                .filter(|f| !covered.contains(f))
                .map(|f| f.label(lang))
                .collect();
            PartnerCoverage {
                id: p.id.clone(),
                name: p.name.clone(),
                barriers,
                missing_factors,
            }
        })
        .collect();
    Coverage {
        columns,
        groups,
        partners,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_template_expressions() {
        assert_eq!(
            strip_templates("Zo doet {{partner.name}} het"),
            "Zo doet … het"
        );
        assert_eq!(strip_templates("{{{x}}} en {{#if a}}b{{/if}}"), "… en …b…");
        assert_eq!(strip_templates("open {{ zonder eind"), "open ");
    }
}
