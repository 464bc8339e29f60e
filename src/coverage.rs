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
    /// Every technique of the kit with its BCT Taxonomy v1 label and intervention function.
    pub techniques: Vec<TechniqueInfo>,
    /// The behaviour goal in one sentence, when the kit has `[behaviour]`.
    pub goal: Option<String>,
    /// The COM-B components against the intervention functions: which functions serve each
    /// component, and which the kit's techniques for its barriers use.
    pub functions: Vec<FunctionRow>,
}

/// A technique as the report and the JSON show it.
#[derive(Debug, Serialize)]
pub struct TechniqueInfo {
    /// Id in the kit.
    pub id: String,
    /// The kit's own label.
    pub label: String,
    /// BCT Taxonomy v1 code.
    pub bct: Option<String>,
    /// The official label of that code.
    pub bct_label: Option<&'static str>,
    /// The taxonomy group of that code.
    pub bct_group: Option<&'static str>,
    /// Intervention function id.
    pub function: Option<&'static str>,
    /// Intervention function in the kit's language.
    pub function_label: Option<&'static str>,
    /// Items and decks that apply it.
    pub used_by: Vec<String>,
}

/// One COM-B component of the kit's barriers against the nine intervention functions.
#[derive(Debug, Serialize)]
pub struct FunctionRow {
    /// C-ph, C-ps, O-ph, O-so, M-r or M-a.
    pub component: &'static str,
    /// In the kit's language.
    pub label: &'static str,
    /// One cell per function, in wheel order.
    pub cells: Vec<FunctionCell>,
}

/// Whether a function serves a component, and whether the kit uses it there.
#[derive(Debug, Serialize)]
pub struct FunctionCell {
    /// Function id.
    pub function: &'static str,
    /// The function can change the component (Michie, van Stralen & West 2011).
    pub serves: bool,
    /// A technique that answers a barrier of this component has this function.
    pub used: bool,
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
    /// Its COM-B component (C-ph, C-ps, O-ph, O-so, M-r, M-a), when the kit names one.
    pub component: Option<&'static str>,
    /// The component in the kit's language.
    pub component_label: Option<&'static str>,
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
    /// Ids of the barriers the pack works on.
    pub covers: Vec<String>,
    /// Ids of the barriers the pack leaves alone.
    pub misses: Vec<String>,
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
        // Within a factor, barriers by component (those without one last), else in kit order.
        let mut of_factor: Vec<&crate::kit::Barrier> =
            kit.barriers.iter().filter(|b| b.factor == factor).collect();
        of_factor.sort_by_key(|b| b.component.map_or(6, |c| c as usize));
        let rows: Vec<Row> = of_factor
            .into_iter()
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
                    component: b.component.map(|c| c.code()),
                    component_label: b.component.map(|c| c.label(lang)),
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
            let pick = |want: bool| -> Vec<String> {
                barrier_order
                    .iter()
                    .zip(&barriers)
                    .filter(|(_, hit)| **hit == want)
                    .map(|(id, _)| id.clone())
                    .collect()
            };
            let (covers, misses) = (pick(true), pick(false));
            PartnerCoverage {
                id: p.id.clone(),
                name: p.name.clone(),
                barriers,
                missing_factors,
                covers,
                misses,
            }
        })
        .collect();
    Coverage {
        columns,
        groups,
        partners,
        techniques: technique_infos(kit),
        goal: goal_sentence(kit),
        functions: function_rows(kit),
    }
}

fn technique_infos(kit: &Kit) -> Vec<TechniqueInfo> {
    let lang = kit.campaign.language;
    kit.techniques
        .iter()
        .map(|t| {
            let official = t.bct.as_deref().and_then(crate::bcw::bct);
            TechniqueInfo {
                id: t.id.clone(),
                label: t.label.clone(),
                bct: t.bct.clone(),
                bct_label: official.map(|b| b.label),
                bct_group: official.map(|b| crate::bcw::GROUPS[usize::from(b.group) - 1]),
                function: t.function.map(|f| f.id()),
                function_label: t.function.map(|f| f.label(lang)),
                used_by: kit
                    .items
                    .iter()
                    .filter(|i| i.techniques.contains(&t.id))
                    .map(|i| i.id.clone())
                    .chain(
                        kit.decks
                            .iter()
                            .filter(|d| d.techniques.contains(&t.id))
                            .map(|d| d.id.clone()),
                    )
                    .collect(),
            }
        })
        .collect()
}

/// The behaviour goal in one sentence (the IAK form when the kit gives all of it).
fn goal_sentence(kit: &Kit) -> Option<String> {
    let b = &kit.behaviour;
    if b.audience.trim().is_empty() && b.target.trim().is_empty() {
        return None;
    }
    let (audience, target) = (b.audience.trim(), b.target.trim().trim_end_matches('.'));
    Some(match (&b.current, &b.context) {
        (Some(current), Some(context)) => crate::tr!(
            "{audience}: from now on {target} instead of {current}, {context}.",
            "{audience}: voortaan {target} in plaats van {current}, {context}.",
            audience = audience,
            target = target,
            current = current.trim().trim_end_matches('.'),
            context = context.trim().trim_end_matches('.')
        ),
        _ => format!("{audience}: {target}."),
    })
}

/// The components the kit's barriers name, against the nine intervention functions.
fn function_rows(kit: &Kit) -> Vec<FunctionRow> {
    use crate::bcw::{Component, Function};
    let lang = kit.campaign.language;
    Component::ALL
        .into_iter()
        .filter(|c| kit.barriers.iter().any(|b| b.component == Some(*c)))
        .map(|c| {
            let used: Vec<Function> = kit
                .barriers
                .iter()
                .filter(|b| b.component == Some(c))
                .flat_map(|b| answering_techniques(kit, b))
                .filter_map(|t| t.function)
                .collect();
            FunctionRow {
                component: c.code(),
                label: c.label(lang),
                cells: Function::ALL
                    .into_iter()
                    .map(|f| FunctionCell {
                        function: f.id(),
                        serves: c.functions().contains(&f),
                        used: used.contains(&f),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The techniques that answer a barrier: its own, and those of the items and decks that
/// address it.
pub fn answering_techniques<'k>(
    kit: &'k Kit,
    barrier: &crate::kit::Barrier,
) -> Vec<&'k crate::kit::Technique> {
    let mut ids: Vec<&str> = barrier.techniques.iter().map(String::as_str).collect();
    for item in kit
        .items
        .iter()
        .filter(|i| i.addresses.contains(&barrier.id))
    {
        ids.extend(item.techniques.iter().map(String::as_str));
    }
    for deck in &kit.decks {
        if deck.cards.iter().any(|c| c.addresses.contains(&barrier.id)) {
            ids.extend(deck.techniques.iter().map(String::as_str));
        }
    }
    let mut out: Vec<&crate::kit::Technique> = kit
        .techniques
        .iter()
        .filter(|t| ids.contains(&t.id.as_str()))
        .collect();
    out.dedup_by(|a, b| a.id == b.id);
    out
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
