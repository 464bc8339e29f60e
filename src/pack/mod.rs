//! One partner's pack: what the partner gets, rendered to files in memory.
//!
//! [`plan`] decides what goes in (the item's and deck's `partners`, platforms ∩ channels),
//! [`render`] fills the texts for the partner and runs every output over them. Nothing here
//! touches the disk; `write` does that for the whole build at once.

use std::collections::BTreeMap;

use serde::Serialize;

pub use crate::artifact::{Artifact, FileMeta, PackContext, Post, RenderedItem, SourceRef};
use crate::diag::Diagnostic;
use crate::kit::{Deck, Item, Kind, Kit, Moment, Partner};
use crate::outputs;
use crate::platforms::Platform;
use crate::render::markdown;
use crate::render::templates::{ContentContext, ContentTemplates, PageTemplates};

/// One statement as a platform will count it, for `check --format json`.
#[derive(Debug, Serialize)]
pub struct Statement {
    /// Content item id.
    pub item: String,
    /// Partner id.
    pub partner: String,
    /// Platform id.
    pub platform: &'static str,
    /// Its length as the platform counts it.
    pub count: usize,
    /// The platform's limit.
    pub limit: usize,
}

/// Every statement of every partner with its count and limit (empty when texts do not render:
/// their errors are reported elsewhere).
pub fn statements(kit: &Kit) -> Vec<Statement> {
    let Ok(content) = ContentTemplates::compile(kit) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for partner in &kit.partners {
        let (items, _) = plan(kit, partner);
        let Ok(rendered) = render_texts(kit, partner, &content, &items) else {
            continue;
        };
        for r in &rendered {
            for post in &r.posts {
                out.push(Statement {
                    item: r.item.id.clone(),
                    partner: partner.id.clone(),
                    platform: post.platform.id,
                    count: post.count,
                    limit: post.platform.limit,
                });
            }
        }
    }
    out
}

/// Whether `partner` gets article items: only partners with a website or newsletter channel.
pub fn takes_articles(partner: &Partner) -> bool {
    !partner.article_channels.is_empty()
}

/// The items and decks `partner` gets.
pub fn plan<'k>(kit: &'k Kit, partner: &Partner) -> (Vec<&'k Item>, Vec<&'k Deck>) {
    let items = kit
        .items
        .iter()
        .filter(|i| i.is_for(partner))
        .filter(|i| match i.kind {
            Kind::Social | Kind::Video => !i.platforms_for(partner).is_empty(),
            Kind::Blog | Kind::Howto => takes_articles(partner),
        })
        .collect();
    let decks = kit.decks.iter().filter(|d| d.is_for(partner)).collect();
    (items, decks)
}

/// Fills in every text `partner` gets; checks each statement against its platform's rules.
pub fn render_texts<'k>(
    kit: &'k Kit,
    partner: &'k Partner,
    content: &ContentTemplates,
    items: &[&'k Item],
) -> Result<Vec<RenderedItem<'k>>, Vec<Diagnostic>> {
    let cx = ContentTemplates::prepare(&ContentContext::new(kit, partner)).map_err(|d| vec![d])?;
    let mut diags = Vec::new();
    let mut render_errors = Vec::new();
    let mut out = Vec::new();
    for item in items {
        let mut render = |text, which| match content.render(kit, text, which, &cx) {
            Ok(s) => s,
            Err(d) => {
                render_errors.push(d);
                String::new()
            }
        };
        let title = render(&item.title, "title");
        let body_md = render(&item.body, "body");
        let quote = match &item.quote {
            Some(q) => render(q, "quote"),
            None => title.clone(),
        };
        let mut posts = Vec::new();
        for platform in item.platforms_for(partner) {
            let md = match item.variants.get(platform.id) {
                Some(v) => render(v, platform.id),
                None => body_md.clone(),
            };
            let md = track(kit, partner, md, platform.id);
            let text = markdown::to_plain(&md);
            let count = platform.count(&text);
            let src_text = item.variants.get(platform.id).unwrap_or(&item.body);
            if count > platform.limit {
                diags.push(place(
                    kit,
                    src_text,
                    Diagnostic::error(
                        "too-long",
                        crate::tr!(
                            "`{item}` for partner `{partner}` is {count} characters on {platform}; the limit there is {limit}",
                            "`{item}` voor partner `{partner}` is {count} tekens op {platform}; de grens daar is {limit}",
                            item = item.id,
                            partner = partner.id,
                            count = count,
                            platform = platform.name,
                            limit = platform.limit
                        ),
                    )
                    .hint(crate::tr!(
                        "shorten the text by {n} characters, or add a shorter version under [variants]: {platform} = \"…\"",
                        "maak de tekst {n} tekens korter, of voeg onder [variants] een kortere versie toe: {platform} = \"…\"",
                        n = count - platform.limit,
                        platform = platform.id
                    )),
                ));
            }
            let bytes = Platform::bytes(&text);
            if let Some(max_bytes) = platform.max_bytes.filter(|m| bytes > *m) {
                diags.push(place(
                    kit,
                    src_text,
                    Diagnostic::error(
                        "too-long",
                        crate::tr!(
                            "`{item}` for partner `{partner}` is {bytes} bytes on {platform}; the limit there is {max} bytes",
                            "`{item}` voor partner `{partner}` is {bytes} bytes op {platform}; de grens daar is {max} bytes",
                            item = item.id,
                            partner = partner.id,
                            bytes = bytes,
                            platform = platform.name,
                            max = max_bytes
                        ),
                    )
                    .hint(crate::tr!(
                        "characters outside Latin script take 2 to 4 bytes each; shorten the text or add a shorter version under [variants]: {platform} = \"…\"",
                        "tekens buiten het Latijnse schrift kosten 2 tot 4 bytes; maak de tekst korter of voeg onder [variants] een kortere versie toe: {platform} = \"…\"",
                        platform = platform.id
                    )),
                ));
            }
            if let Some(max) = platform.max_hashtags {
                let tags = Platform::hashtags(&text);
                if tags.len() > max {
                    diags.push(place(
                        kit,
                        src_text,
                        Diagnostic::error(
                            "hashtags",
                            crate::tr!(
                                "`{item}` for partner `{partner}` has {n} hashtags on {platform}; it takes at most {max}",
                                "`{item}` voor partner `{partner}` heeft {n} hashtags op {platform}; daar kunnen er hoogstens {max}",
                                item = item.id,
                                partner = partner.id,
                                n = tags.len(),
                                platform = platform.name,
                                max = max
                            ),
                        )
                        .hint(crate::tr!(
                            "keep at most {max} of {tags}, or add a version under [variants]: {platform} = \"…\"",
                            "houd er hoogstens {max} over van {tags}, of voeg onder [variants] een versie toe: {platform} = \"…\"",
                            max = max,
                            tags = tags.join(" "),
                            platform = platform.id
                        )),
                    ));
                }
            }
            posts.push(Post {
                platform,
                text,
                count,
            });
        }
        let body = track(kit, partner, body_md, article_channel(partner));
        out.push(RenderedItem {
            item,
            title,
            body,
            quote,
            posts,
        });
    }
    diags.extend(render_errors);
    if diags.is_empty() {
        Ok(out)
    } else {
        Err(diags)
    }
}

/// The channel an article reaches a partner's public through, for `utm_medium`.
fn article_channel(partner: &Partner) -> &str {
    partner
        .article_channels
        .first()
        .map_or("website", String::as_str)
}

/// `text` with utm parameters on the links to the campaign site, when the kit asks for it.
fn track(kit: &Kit, partner: &Partner, text: String, medium: &str) -> String {
    match &kit.campaign.track_host {
        Some(host) => crate::tracking::track(
            &text,
            &crate::tracking::Tag {
                host,
                source: &partner.id,
                medium,
                campaign: &kit.campaign.id,
            },
        ),
        None => text,
    }
}

fn place(kit: &Kit, text: &crate::kit::Text, d: Diagnostic) -> Diagnostic {
    match kit.sources.get(&text.file) {
        Some(src) => d.at_line(src, text.first_line, text.first_column),
        None => d.in_file(&text.file),
    }
}

/// Time spent per output kind (and on the texts, the changes, the overview and manifest, and
/// the zips), summed over partners and threads, for `build --timings`.
static SPENT: std::sync::Mutex<BTreeMap<&'static str, std::time::Duration>> =
    std::sync::Mutex::new(BTreeMap::new());

/// Runs `f`, counting its time under `what` for `build --timings`.
pub(crate) fn timed<T>(what: &'static str, f: impl FnOnce() -> T) -> T {
    let t = std::time::Instant::now();
    let out = f();
    *SPENT
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .entry(what)
        .or_default() += t.elapsed();
    out
}

/// The time spent per output kind since the last call (CPU time over all threads), and resets.
pub fn take_output_timings() -> Vec<(&'static str, std::time::Duration)> {
    std::mem::take(
        &mut *SPENT
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    )
    .into_iter()
    .collect()
}

/// Renders one partner's whole pack: every output, then the overview, then the manifest.
pub fn render<'k>(
    kit: &'k Kit,
    partner: &'k Partner,
    content: &ContentTemplates,
    pages: &'k PageTemplates,
    draw: bool,
    release: Option<&'k crate::changes::Release>,
    cache: Option<&'k crate::cache::Cache>,
) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
    // The logos' pixels, had again if they were forgotten (a campaign of many partners): a
    // failure is an error here, not a logo missing from a page. Only checking, nothing is drawn
    // and pages leave the partner's logo out.
    for logo in [partner.logo.as_ref(), kit.campaign.logo.as_ref()]
        .into_iter()
        .flatten()
        .filter(|_| draw)
    {
        logo.pixels_with(cache)
            .map_err(|why| vec![crate::kit::logo_error(&logo.path, &why).in_file(&logo.path)])?;
    }
    let (items, decks) = timed("texts", || {
        let (items, decks) = plan(kit, partner);
        render_texts(kit, partner, content, &items).map(|items| (items, decks))
    })?;
    let previous = timed("changes", || {
        release.and_then(|r| r.previous_pack(&partner.id))
    });
    let cx = PackContext {
        kit,
        partner,
        items,
        decks,
        pages,
        folder: format!("{}-{}", kit.campaign.id, partner.id),
        draw,
        release,
        previous,
        cache,
        partner_logo: Default::default(),
        inputs: Default::default(),
    };
    let mut files = Vec::new();
    let mut diags = Vec::new();
    for output in outputs::PACK_OUTPUTS {
        match timed(output.name(), || output.render(&cx)) {
            Ok(f) => files.extend(f),
            Err(d) => diags.extend(d),
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    if let Some(previous) = &cx.previous {
        for f in files.iter_mut().filter(|f| f.meta.origin.is_none()) {
            let same = previous.get(&f.path).is_some_and(|p| p.lists(f.sha256()));
            f.meta.as_before = same;
        }
    }
    if let Some(release) = release {
        let page = timed("changes", || {
            let overview = outputs::overview::file_name(&cx);
            let listed: Vec<(&str, &[u8], &str)> = files
                .iter()
                .map(|f| (f.path.as_str(), f.bytes.as_slice(), f.sha256()))
                .collect();
            let changes = crate::changes::compare(release, cx.previous.as_ref(), &listed, overview);
            outputs::overview::changes(&cx, &changes)
        });
        files.push(page.map_err(|d| vec![d])?);
        files.sort_by(|a, b| a.path.cmp(&b.path));
    }
    timed("overview", || {
        files.push(outputs::overview::render(&cx, &files).map_err(|d| vec![d])?);
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files.push(outputs::manifest::render(&cx, &files));
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok::<_, Vec<Diagnostic>>(())
    })?;
    Ok(files)
}

/// Groups a pack's files by the item or deck they come from, in path order.
pub fn by_source(files: &[Artifact]) -> BTreeMap<String, Vec<&Artifact>> {
    let mut map: BTreeMap<String, Vec<&Artifact>> = BTreeMap::new();
    for f in files {
        if let Some(s) = &f.meta.source {
            map.entry(s.id.clone()).or_default().push(f);
        }
    }
    map
}

/// The publish moment of an item, shown in local time.
pub fn when(kit: &Kit, m: Moment) -> String {
    m.human(kit.campaign.language)
}
pub mod zip;
