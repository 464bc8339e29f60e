//! The two Handlebars registries.
//!
//! * [`ContentTemplates`] fills the adviser's texts per partner. No escaping at all: its output
//!   goes to `.md` and `.txt` files (where `Bakker & Zonen` must stay `&`), and to HTML only
//!   through the Markdown renderer, which escapes.
//! * [`PageTemplates`] renders our own pages (built in, overridable per kit) with HTML escaping.
//!
//! Both run in strict mode: a misspelt variable or helper is an error naming the file, line and
//! the name, never an empty hole in a partner's text. Values from the kit are passed as data, so
//! `{{` inside a partner name is printed, never evaluated.

use crate::tr;
use std::path::PathBuf;

use handlebars::{
    Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderError,
    RenderErrorReason, TemplateError,
};
use serde::Serialize;

use super::guard;
use crate::diag::{Diagnostic, Source};
use crate::kit::{Kit, Text};

/// Every built-in template, by the name a kit uses to override it.
pub const BUILTIN_NAMES: &[&str] = &[
    "article.html.hbs",
    "video.html.hbs",
    "overview.html.hbs",
    "index.html.hbs",
    "report.html.hbs",
    "changes.html.hbs",
    "style.css",
    "share.svg.hbs",
];

const BUILTINS: &[(&str, &str)] = &[
    (
        "article.html.hbs",
        include_str!("../../templates/article.html.hbs"),
    ),
    (
        "video.html.hbs",
        include_str!("../../templates/video.html.hbs"),
    ),
    (
        "overview.html.hbs",
        include_str!("../../templates/overview.html.hbs"),
    ),
    (
        "index.html.hbs",
        include_str!("../../templates/index.html.hbs"),
    ),
    (
        "report.html.hbs",
        include_str!("../../templates/report.html.hbs"),
    ),
    (
        "changes.html.hbs",
        include_str!("../../templates/changes.html.hbs"),
    ),
    ("style.css", include_str!("../../templates/style.css")),
    (
        "share.svg.hbs",
        include_str!("../../templates/share.svg.hbs"),
    ),
];

/// The built-in text of a template.
pub fn builtin(name: &str) -> Option<&'static str> {
    BUILTINS.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

/// One partner's text data as a Handlebars context, made once per partner.
pub struct Prepared {
    ctx: Context,
    partner: String,
}

/// The adviser's texts, compiled once, rendered per partner.
pub struct ContentTemplates {
    hb: Handlebars<'static>,
}

/// The data a content text sees.
#[derive(Serialize)]
pub struct ContentContext<'a> {
    /// `partner.name`, `partner.id`, `partner.vars.NAME`.
    pub partner: PartnerView<'a>,
    /// `campaign.title`, `campaign.url`, `campaign.hashtags`, …
    pub campaign: CampaignView<'a>,
}

/// What a text sees of the partner.
#[derive(Serialize)]
pub struct PartnerView<'a> {
    /// Partner id.
    pub id: &'a str,
    /// Partner name.
    pub name: &'a str,
    /// `je` or `u`.
    pub address: &'static str,
    /// Free strings.
    pub vars: &'a std::collections::BTreeMap<String, String>,
}

/// What a text sees of the campaign. Optional values are left out when unset, so that strict
/// mode reports their use.
#[derive(Serialize)]
pub struct CampaignView<'a> {
    /// Campaign id.
    pub id: &'a str,
    /// Title.
    pub title: &'a str,
    /// Owner.
    pub owner: &'a str,
    /// The hashtags joined by single spaces.
    pub hashtags: String,
    /// Web address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<&'a str>,
    /// Contact address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<&'a str>,
    /// Launch moment, readable.
    pub launch: String,
}

impl<'a> ContentContext<'a> {
    /// The context for one partner.
    pub fn new(kit: &'a Kit, partner: &'a crate::kit::Partner) -> Self {
        ContentContext {
            partner: PartnerView {
                id: &partner.id,
                name: &partner.name,
                address: match partner.address {
                    crate::kit::Address::Je => "je",
                    crate::kit::Address::U => "u",
                },
                vars: &partner.vars,
            },
            campaign: CampaignView {
                id: &kit.campaign.id,
                title: &kit.campaign.title,
                owner: &kit.campaign.owner,
                hashtags: kit.campaign.hashtags.join(" "),
                url: kit.campaign.url.as_deref(),
                contact: kit.campaign.contact.as_deref(),
                launch: kit.campaign.launch.human(kit.campaign.language),
            },
        }
    }
}

/// `{{address "je" "u"}}`: the first word for partners who say "je", the second for "u".
fn address_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    ctx: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let word = |i: usize| -> Result<&str, RenderError> {
        h.param(i).and_then(|p| p.value().as_str()).ok_or_else(|| {
            RenderErrorReason::Other(
                "`address` takes two words in quotes: {{address \"je\" \"u\"}} (informal first, formal second)".into(),
            )
            .into()
        })
    };
    let (je, u) = (word(0)?, word(1)?);
    if h.param(2).is_some() {
        return Err(RenderErrorReason::Other(
            "`address` takes exactly two words: {{address \"je\" \"u\"}}".into(),
        )
        .into());
    }
    let formal = ctx
        .data()
        .pointer("/partner/address")
        .and_then(|v| v.as_str())
        == Some("u");
    out.write(if formal { u } else { je })?;
    Ok(())
}

fn text_name(text: &Text, suffix: &str) -> String {
    format!("{}{suffix}", text.file.display())
}

impl ContentTemplates {
    /// Compiles every text of the kit; template syntax errors come back as diagnostics.
    pub fn compile(kit: &Kit) -> Result<ContentTemplates, Vec<Diagnostic>> {
        let mut hb = Handlebars::new();
        hb.set_strict_mode(true);
        hb.register_escape_fn(handlebars::no_escape);
        hb.register_helper("address", Box::new(address_helper));
        hb.register_helper("each", Box::new(guard::BoundedEach));
        let mut diags = Vec::new();
        for item in &kit.items {
            let mut texts = vec![
                (&item.body, "#body".to_string()),
                (&item.title, "#title".to_string()),
            ];
            if let Some(q) = &item.quote {
                texts.push((q, "#quote".to_string()));
            }
            for (platform, v) in &item.variants {
                texts.push((v, format!("#{platform}")));
            }
            for (text, suffix) in texts {
                if let Some(d) = too_deep(kit, text) {
                    diags.push(d);
                    continue;
                }
                let name = text_name(text, &suffix);
                if let Err(e) = hb.register_template_string(&name, &text.source) {
                    diags.push(template_error(kit, text, &e));
                } else if let Some(t) = hb.get_template(&name) {
                    if let Err(e) = guard::check_parsed(t) {
                        let (line, col) = e.at.map_or((None, None), |(l, c)| (Some(l), Some(c)));
                        diags.push(place(
                            kit,
                            text,
                            line,
                            col,
                            Diagnostic::error("template", e.message).hint(e.hint),
                        ));
                    }
                }
            }
        }
        if diags.is_empty() {
            Ok(ContentTemplates { hb })
        } else {
            Err(diags)
        }
    }

    /// The data of one partner's texts, converted once for all of them.
    pub fn prepare(cx: &ContentContext<'_>) -> Result<Prepared, Diagnostic> {
        let ctx = Context::wraps(cx).map_err(|e| {
            Diagnostic::error(
                "template",
                tr!(
                    "cannot prepare the texts of partner `{partner}` ({e})",
                    "de teksten van partner `{partner}` zijn niet voor te bereiden ({e})",
                    partner = cx.partner.id,
                    e = e
                ),
            )
        })?;
        Ok(Prepared {
            ctx,
            partner: cx.partner.id.to_string(),
        })
    }

    /// Renders one text for one partner.
    pub fn render(
        &self,
        kit: &Kit,
        text: &Text,
        which: &str,
        cx: &Prepared,
    ) -> Result<String, Diagnostic> {
        guard::render_bounded_in(
            &self.hb,
            &text_name(text, &format!("#{which}")),
            &cx.ctx,
            CONTENT_STEPS,
            CONTENT_BYTES,
        )
        .map_err(|e| match e {
            Some(e) => render_error(kit, text, &e, &cx.partner),
            None => place(
                kit,
                text,
                None,
                None,
                Diagnostic::error(
                    "too-large",
                    tr!(
                        "this text becomes larger than {max} for partner `{partner}`",
                        "deze tekst wordt groter dan {max} voor partner `{partner}`",
                        max = crate::util::human_size(CONTENT_BYTES as u64),
                        partner = cx.partner
                    ),
                )
                .hint(tr!(
                    "a text is meant to be read; check {{#each}} blocks that repeat it",
                    "een tekst is om te lezen; kijk naar {{#each}}-blokken die hem herhalen"
                )),
            ),
        })
    }
}

pub use guard::MAX_BLOCK_DEPTH;

/// Loop iterations one content text may take for one partner.
pub const CONTENT_STEPS: u64 = 100_000;
/// Largest rendered content text.
pub const CONTENT_BYTES: usize = 4 * 1024 * 1024;
/// Loop iterations one page may take.
pub const PAGE_STEPS: u64 = 20_000_000;
/// Largest rendered page or image template.
pub const PAGE_BYTES: usize = 64 * 1024 * 1024;

fn too_deep(kit: &Kit, text: &Text) -> Option<Diagnostic> {
    let e = guard::check_source(&text.source).err()?;
    let (line, col) = e.at.map_or((None, None), |(l, c)| (Some(l), Some(c)));
    Some(place(
        kit,
        text,
        line,
        col,
        Diagnostic::error("too-deep", e.message).hint(e.hint),
    ))
}

fn place(
    kit: &Kit,
    text: &Text,
    line: Option<usize>,
    col: Option<usize>,
    d: Diagnostic,
) -> Diagnostic {
    let Some(src) = kit.sources.get(&text.file) else {
        return d.in_file(&text.file);
    };
    match line {
        Some(l) => {
            let file_line = text.first_line + l - 1;
            let file_col = if l == 1 {
                text.first_column + col.unwrap_or(1) - 1
            } else {
                col.unwrap_or(1)
            };
            d.at_line(src, file_line, file_col)
        }
        None => d.at_line(src, text.first_line, text.first_column),
    }
}

fn template_error(kit: &Kit, text: &Text, e: &TemplateError) -> Diagnostic {
    let (line, col) = e.pos().map_or((None, None), |(l, c)| (Some(l), Some(c)));
    let d = Diagnostic::error(
        "template",
        tr!(
            "this text is not valid Handlebars: {why}",
            "deze tekst is geen geldige Handlebars: {why}",
            why = e.reason()
        ),
    )
    .hint(tr!(
        "every {{ needs a matching }}, and every {{#if …}} a {{/if}}",
        "elke {{ heeft een bijpassende }} nodig, en elke {{#if …}} een {{/if}}"
    ));
    place(kit, text, line, col, d)
}

fn render_error(kit: &Kit, text: &Text, e: &RenderError, partner: &str) -> Diagnostic {
    let (message, hint) = match e.reason() {
        RenderErrorReason::MissingVariable(Some(path)) => (
            tr!(
                "`{{{path}}}` has no value (for partner `{partner}`)",
                "`{{{path}}}` heeft geen waarde (voor partner `{partner}`)",
                path = path,
                partner = partner
            ),
            variable_hint(kit, path),
        ),
        RenderErrorReason::MissingVariable(None) => {
            (
                tr!(
                    "a value used here is missing (for partner `{partner}`)",
                    "een waarde die hier gebruikt wordt ontbreekt (voor partner `{partner}`)",
                    partner = partner
                ),
                variable_hint(kit, ""),
            )
        }
        RenderErrorReason::HelperNotFound(name) => (
            tr!("there is no helper `{name}`", "er is geen helper `{name}`", name = name),
            match crate::diag::nearest(name, ["address", "if", "unless", "each", "with"]) {
                Some(n) => tr!(
                    "did you mean `{n}`? Texts can use {{address \"je\" \"u\"}}, {{#if …}} and {{#each …}}",
                    "bedoelt u `{n}`? Teksten kunnen {{address \"je\" \"u\"}}, {{#if …}} en {{#each …}} gebruiken",
                    n = n
                ),
                None => tr!(
                    "texts can use {{address \"je\" \"u\"}}, {{#if …}}…{{/if}} and {{#each …}}…{{/each}}",
                    "teksten kunnen {{address \"je\" \"u\"}}, {{#if …}}…{{/if}} en {{#each …}}…{{/each}} gebruiken"
                ),
            },
        ),
        RenderErrorReason::PartialNotFound(name) => {
            (
                tr!("there is no partial `{name}`", "er is geen partial `{name}`", name = name),
                tr!("texts cannot include other files", "teksten kunnen geen andere bestanden invoegen"),
            )
        }
        other => (
            other.to_string(),
            tr!("see the kit format for what texts may use", "het kitformaat zegt wat teksten mogen gebruiken"),
        ),
    };
    place(
        kit,
        text,
        e.line_no,
        e.column_no,
        Diagnostic::error("template", message).hint(hint),
    )
}

fn variable_hint(kit: &Kit, path: &str) -> String {
    let mut valid: Vec<String> = [
        "partner.name",
        "partner.id",
        "campaign.title",
        "campaign.owner",
        "campaign.hashtags",
        "campaign.launch",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if kit.campaign.url.is_some() {
        valid.push("campaign.url".into());
    }
    if kit.campaign.contact.is_some() {
        valid.push("campaign.contact".into());
    }
    let mut vars: Vec<&String> = kit.partners.iter().flat_map(|p| p.vars.keys()).collect();
    vars.sort();
    vars.dedup();
    valid.extend(vars.iter().map(|v| format!("partner.vars.{v}")));
    if let Some(var) = path.strip_prefix("partner.vars.") {
        let missing: Vec<&str> = kit
            .partners
            .iter()
            .filter(|p| !p.vars.contains_key(var))
            .map(|p| p.id.as_str())
            .collect();
        if missing.len() < kit.partners.len() {
            return tr!(
                "give these partners `{var}` under [partners.vars], or write {{#if partner.vars.{var}}}…{{else}}…{{/if}}: {list}",
                "geef deze partners `{var}` onder [partners.vars], of schrijf {{#if partner.vars.{var}}}…{{else}}…{{/if}}: {list}",
                var = var,
                list = missing.join(", ")
            );
        }
    }
    if path == "campaign.url" || path == "campaign.contact" {
        return tr!(
            "add `{key}` to [campaign] in kit.toml",
            "voeg `{key}` toe aan [campaign] in kit.toml",
            key = path.trim_start_matches("campaign.")
        );
    }
    let refs: Vec<&str> = valid.iter().map(String::as_str).collect();
    crate::diag::choices_hint(path, &tr!("names", "namen"), &refs)
}

/// Our own pages and images: built-in templates, or the kit's overrides of them.
pub struct PageTemplates {
    hb: Handlebars<'static>,
    origin: std::collections::BTreeMap<String, PathBuf>,
}

impl PageTemplates {
    /// Registers every built-in template, replaced by the kit's override where there is one.
    pub fn new(kit: &Kit) -> Result<PageTemplates, Vec<Diagnostic>> {
        let mut hb = Handlebars::new();
        hb.set_strict_mode(true);
        hb.register_helper("each", Box::new(guard::BoundedEach));
        let mut origin = std::collections::BTreeMap::new();
        let mut diags = Vec::new();
        for (name, builtin) in BUILTINS {
            let (text, from) = match kit.template_overrides.get(*name) {
                Some(src) => (src.text.as_str(), src.path.clone()),
                None => (
                    *builtin,
                    PathBuf::from(format!("(built-in) templates/{name}")),
                ),
            };
            if *name == "style.css" {
                if let (Some(src), Some(at)) =
                    (kit.template_overrides.get(*name), find_ci(text, "</style"))
                {
                    diags.push(
                        Diagnostic::error("template", tr!("the stylesheet contains `</style`, which would end the page's style element", "het stylesheet bevat `</style`, dat het style-element van de pagina zou afsluiten"))
                            .at(src, at..at + 7)
                            .hint(tr!("remove it; a stylesheet holds only CSS rules", "haal het weg; een stylesheet bevat alleen CSS-regels")),
                    );
                }
                origin.insert(name.to_string(), from);
                continue;
            }
            // A problem at a place in the kit's own template, or in the built-in one.
            let placed = |d: Diagnostic, at: Option<(usize, usize)>| match (
                kit.template_overrides.get(*name),
                at,
            ) {
                (Some(src), Some((l, c))) => d.at_line(src, l, c),
                _ => d.in_file(&from),
            };
            if let Err(e) = guard::check_source(text) {
                let d =
                    Diagnostic::error("too-deep", format!("`{name}`: {}", e.message)).hint(e.hint);
                diags.push(placed(d, e.at));
            } else {
                match hb.register_template_string(name, text) {
                    Ok(()) => {
                        if let Err(e) =
                            guard::check_parsed(hb.get_template(name).expect("just registered"))
                        {
                            let d =
                                Diagnostic::error("template", format!("`{name}`: {}", e.message))
                                    .hint(e.hint);
                            diags.push(placed(d, e.at));
                        }
                    }
                    Err(e) => {
                        let d = Diagnostic::error(
                            "template",
                            tr!(
                                "`{name}` is not a valid template: {why}",
                                "`{name}` is geen geldig sjabloon: {why}",
                                name = name,
                                why = e.reason()
                            ),
                        );
                        diags.push(placed(d, e.pos()));
                    }
                }
            }
            origin.insert(name.to_string(), from);
        }
        if diags.is_empty() {
            Ok(PageTemplates { hb, origin })
        } else {
            Err(diags)
        }
    }

    /// Renders template `name` with `data`. An HTML page gets partnerkit's Content-Security-Policy
    /// as the first thing in its `<head>`, whatever the template says.
    pub fn render<T: Serialize>(
        &self,
        kit: &Kit,
        name: &str,
        data: &T,
    ) -> Result<String, Diagnostic> {
        let out = self.render_raw(kit, name, data)?;
        if !name.ends_with(".html.hbs") {
            return Ok(out);
        }
        let out = super::csp::insert(out, super::copy::PAGE_SCRIPTS).map_err(|why| {
            Diagnostic::error("template", tr!("`{name}` cannot be used: {why}", "`{name}` is niet te gebruiken: {why}", name = name, why = why))
                .in_file(self.origin.get(name).cloned().unwrap_or_default())
                .hint(tr!("a page template starts with <!DOCTYPE html>, <html lang=…> and <head>, like the built-in one", "een paginasjabloon begint met <!DOCTYPE html>, <html lang=…> en <head>, zoals het ingebouwde"))
        })?;
        Ok(crate::distribution::mark_page(out, kit, false))
    }

    fn render_raw<T: Serialize>(
        &self,
        kit: &Kit,
        name: &str,
        data: &T,
    ) -> Result<String, Diagnostic> {
        guard::render_bounded(&self.hb, name, data, PAGE_STEPS, PAGE_BYTES).map_err(|e| {
            let Some(e) = e else {
                return Diagnostic::error(
                    "too-large",
                    tr!("`{name}` becomes larger than {max}", "`{name}` wordt groter dan {max}", name = name, max = crate::util::human_size(PAGE_BYTES as u64)),
                )
                .in_file(self.origin.get(name).cloned().unwrap_or_default())
                .hint(tr!("check {{#each}} blocks that repeat the page", "kijk naar {{#each}}-blokken die de pagina herhalen"));
            };
            let what = match e.reason() {
                RenderErrorReason::MissingVariable(Some(p)) => tr!("`{{{p}}}` has no value in this template", "`{{{p}}}` heeft geen waarde in dit sjabloon", p = p),
                RenderErrorReason::HelperNotFound(h) => tr!("there is no helper `{h}`", "er is geen helper `{h}`", h = h),
                other => other.to_string(),
            };
            let mut d = Diagnostic::error("template", tr!("cannot render `{name}`: {what}", "`{name}` is niet te maken: {what}", name = name, what = what));
            match (kit.template_overrides.get(name), e.line_no) {
                (Some(src), Some(l)) => d = d.at_line(src, l, e.column_no.unwrap_or(1)),
                _ => d = d.in_file(self.origin.get(name).cloned().unwrap_or_default()),
            }
            d.hint(tr!("compare the override with the built-in template of the same name (`partnerkit new --templates`)", "vergelijk uw versie met het ingebouwde sjabloon met dezelfde naam (`partnerkit new --templates`)"))
        })
    }

    /// The raw text of a non-template file such as `style.css`.
    pub fn raw(&self, kit: &Kit, name: &str) -> String {
        kit.template_overrides.get(name).map_or_else(
            || builtin(name).unwrap_or_default().to_string(),
            |s| s.text.clone(),
        )
    }
}

/// Byte offset of `needle` (ASCII) in `hay`, ignoring ASCII case.
fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.len();
    hay.as_bytes()
        .windows(n)
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// For error messages about a template source.
pub fn source_of(kit: &Kit, name: &str) -> Option<Source> {
    kit.template_overrides.get(name).cloned()
}
