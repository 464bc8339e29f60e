//! The campaign-level pages: `index.html` (the download page) and `report.html` (the
//! behavioural analysis and its coverage).

use serde::Serialize;

use crate::coverage::{self, Coverage};
use crate::diag::{Diagnostic, Severity};
use crate::i18n::labels;
use crate::kit::Kit;
use crate::outputs::PageBase;
use crate::render::templates::PageTemplates;
use crate::util::human_size;

/// A built partner pack, as the download page lists it.
pub struct PackSummary {
    /// Partner id.
    pub id: String,
    /// The pack folder: the partner id, with private links followed by its token.
    pub folder: String,
    /// Partner name.
    pub name: String,
    /// Zip file name.
    pub zip: String,
    /// Zip size in bytes.
    pub bytes: u64,
    /// SHA-256 of the zip.
    pub sha256: String,
    /// What is in it, in words.
    pub summary: String,
    /// This partner's own first share image and card preview, for the download page.
    pub examples: Vec<Picture>,
}

/// A card preview or share image shown on the download page.
#[derive(Serialize, Clone)]
pub struct Picture {
    /// Path relative to the campaign folder.
    pub src: String,
    /// Alt text.
    pub alt: String,
    /// Caption.
    pub title: String,
    /// Pixel width.
    pub width: u32,
    /// Pixel height.
    pub height: u32,
}

#[derive(Serialize)]
struct PartnerRow<'a> {
    id: &'a str,
    folder: &'a str,
    name: &'a str,
    zip: &'a str,
    size: String,
    bytes: u64,
    sha256: &'a str,
    summary: &'a str,
    examples: &'a [Picture],
}

#[derive(Serialize)]
struct Finding {
    severity: &'static str,
    label: &'static str,
    message: String,
    place: Option<String>,
}

#[derive(Serialize)]
struct IndexView<'a> {
    #[serde(flatten)]
    base: PageBase<'a>,
    launch: String,
    partners: Vec<PartnerRow<'a>>,
    previews: Vec<Picture>,
    shares: Vec<Picture>,
    findings: Vec<Finding>,
    summary: String,
    adviser_only: bool,
}

#[derive(Serialize)]
struct ReportView<'a> {
    #[serde(flatten)]
    base: PageBase<'a>,
    coverage: &'a Coverage,
    span: usize,
    barrier_ids: Vec<String>,
    function_names: Vec<&'static str>,
    findings: Vec<Finding>,
    summary: String,
}

fn findings(kit: &Kit, diags: &[Diagnostic]) -> Vec<Finding> {
    let t = labels(kit.campaign.language);
    diags
        .iter()
        .map(|d| Finding {
            severity: match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            label: match d.severity {
                Severity::Error => t.severity_error,
                Severity::Warning => t.severity_warning,
            },
            message: quote_code(&d.message),
            place: d.file.as_ref().map(|f| match d.line {
                Some(l) => format!("{}:{l}", f.display()),
                None => f.display().to_string(),
            }),
        })
        .collect()
}

/// Shows `code` spans of a message as ‘code’ on a page, and keeps `{{` from reading as a
/// template left unfilled.
fn quote_code(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut open = true;
    for c in message.chars() {
        if c == '`' {
            out.push(if open { '‘' } else { '’' });
            open = !open;
        } else {
            out.push(c);
        }
    }
    out.replace("{{", "{ {").replace("}}", "} }")
}

/// A one-line summary of the coverage: how many barriers are covered, per factor.
pub fn coverage_summary(kit: &Kit, cov: &Coverage) -> String {
    let total: usize = cov.groups.iter().map(|g| g.rows.len()).sum();
    let covered: usize = cov
        .groups
        .iter()
        .flat_map(|g| &g.rows)
        .filter(|r| r.covered)
        .count();
    let t = labels(kit.campaign.language);
    let per: Vec<String> = cov
        .groups
        .iter()
        .map(|g| {
            format!(
                "{} {}/{}",
                g.label,
                g.rows.iter().filter(|r| r.covered).count(),
                g.rows.len()
            )
        })
        .collect();
    format!(
        "{}: {covered}/{total} {} ({})",
        t.coverage,
        t.covered,
        per.join(", ")
    )
}

/// Renders `index.html`.
pub fn index(
    kit: &Kit,
    pages: &PageTemplates,
    packs: &[PackSummary],
    previews: Vec<Picture>,
    shares: Vec<Picture>,
    diags: &[Diagnostic],
) -> Result<String, Diagnostic> {
    let cov = coverage::compute(kit);
    let view = IndexView {
        base: PageBase::new(kit, pages, kit.campaign.colour),
        launch: kit.campaign.launch.human(kit.campaign.language),
        partners: packs
            .iter()
            .map(|p| PartnerRow {
                id: &p.id,
                folder: &p.folder,
                name: &p.name,
                zip: &p.zip,
                size: human_size(p.bytes),
                bytes: p.bytes,
                sha256: &p.sha256,
                summary: &p.summary,
                examples: &p.examples,
            })
            .collect(),
        previews,
        shares,
        findings: findings(kit, diags),
        summary: coverage_summary(kit, &cov),
        adviser_only: kit.distribution.private_links,
    };
    let html = pages.render(kit, "index.html.hbs", &view)?;
    Ok(crate::distribution::mark_page(
        html,
        kit,
        kit.distribution.private_links,
    ))
}

/// Renders `report.html`.
pub fn report(
    kit: &Kit,
    pages: &PageTemplates,
    diags: &[Diagnostic],
) -> Result<String, Diagnostic> {
    let cov = coverage::compute(kit);
    let view = ReportView {
        base: PageBase::new(kit, pages, kit.campaign.colour),
        span: cov.columns.len() + 1,
        barrier_ids: cov
            .groups
            .iter()
            .flat_map(|g| g.rows.iter().map(|r| r.id.clone()))
            .collect(),
        summary: coverage_summary(kit, &cov),
        coverage: &cov,
        function_names: crate::bcw::Function::ALL
            .iter()
            .map(|f| f.label(kit.campaign.language))
            .collect(),
        findings: findings(kit, diags),
    };
    let html = pages.render(kit, "report.html.hbs", &view)?;
    Ok(crate::distribution::mark_page(
        html,
        kit,
        kit.distribution.private_links,
    ))
}
