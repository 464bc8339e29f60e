//! The pack's overview page (`LEESMIJ.html` or `README.html`): what is in the pack, when each
//! part may be published, and how to print the cards.

use serde::Serialize;

use super::PageBase;
use crate::artifact::{Artifact, FileMeta, PackContext};
use crate::diag::Diagnostic;
use crate::i18n::labels;
use crate::kit::Kind;
use crate::util::human_size;

#[derive(Serialize)]
struct OverviewView<'a> {
    #[serde(flatten)]
    base: PageBase<'a>,
    partner: &'a str,
    partner_logo: Option<String>,
    launch: String,
    social: Vec<SocialView>,
    blogs: Vec<ArticleView>,
    howtos: Vec<ArticleView>,
    decks: Vec<DeckView>,
    schedule: Vec<ScheduleView>,
    /// The kit's events this partner gets.
    agenda: Vec<AgendaView>,
    /// Video items: their page and files.
    videos: Vec<VideoView>,
    files: Vec<FileView>,
    /// "Versie 3 · zondag 29 november 2026", when written to `--out`.
    version: Option<String>,
    /// The changes file, when there is one.
    changes: Option<&'static str>,
}

#[derive(Serialize)]
struct ChangesView<'a> {
    #[serde(flatten)]
    base: PageBase<'a>,
    partner: &'a str,
    version_line: String,
    overview: &'static str,
    #[serde(flatten)]
    changes: &'a crate::changes::PackChanges,
}

/// `CHANGES.html`: what changed in this pack since the previous build into the same `--out`.
pub fn changes(
    cx: &PackContext<'_>,
    changes: &crate::changes::PackChanges,
) -> Result<Artifact, Diagnostic> {
    let kit = cx.kit;
    let view = ChangesView {
        base: PageBase::for_partner(kit, cx.pages, cx.partner),
        partner: &cx.partner.name,
        version_line: version_line(cx).unwrap_or_default(),
        overview: file_name(cx),
        changes,
    };
    let html = cx.pages.render(kit, "changes.html.hbs", &view)?;
    Ok(Artifact {
        path: crate::changes::CHANGES_FILE.to_string(),
        bytes: html.into_bytes(),
        meta: FileMeta {
            kind: "changes",
            ..FileMeta::default()
        },
    })
}

fn version_line(cx: &PackContext<'_>) -> Option<String> {
    let r = cx.release?;
    let t = labels(cx.kit.campaign.language);
    Some(format!("{} {} · {}", t.version, r.version, r.date))
}

#[derive(Serialize)]
struct SocialView {
    title: String,
    publish: String,
    posts: Vec<PostView>,
}

#[derive(Serialize)]
struct PostView {
    platform: &'static str,
    text: String,
    txt: String,
    count: usize,
    limit: usize,
    png: Option<String>,
    alt: Option<String>,
    width: u32,
    height: u32,
    /// A web intent with the text filled in.
    share_url: Option<String>,
    /// Where to paste the copied text, for platforms without an intent.
    open_url: Option<&'static str>,
    /// Mastodon: the encoded text, for the server the reader names.
    mastodon: Option<String>,
    /// Posted from the app only.
    app_only: bool,
}

#[derive(Serialize)]
struct ArticleView {
    title: String,
    publish: String,
    md: String,
    html: String,
}

#[derive(Serialize)]
struct DeckView {
    title: String,
    size: &'static str,
    count: usize,
    print: Option<String>,
    bleed: Option<String>,
    previews: Vec<PreviewView>,
    /// How many A4 sheets the office PDF takes.
    sheets: String,
    /// What the print-shop PDF holds: bleed, crop marks, colours.
    shop_how: String,
    /// The LinkedIn carousel PDF.
    carousel: Option<String>,
}

#[derive(Serialize)]
struct PreviewView {
    src: String,
    alt: String,
    width: u32,
    height: u32,
}

#[derive(Serialize)]
struct ScheduleView {
    when: String,
    what: String,
    /// A named step of the launch (`[[moments]]`), shown as a heading row.
    step: bool,
}

#[derive(Serialize)]
struct VideoView {
    title: String,
    publish: String,
    html: String,
    files: Vec<String>,
}

#[derive(Serialize)]
struct AgendaView {
    title: String,
    when: String,
    until: String,
    location: Option<String>,
    url: Option<String>,
    description: Option<String>,
}

#[derive(Serialize)]
struct FileView {
    path: String,
    size: String,
}

/// The overview page's file name in the kit's language.
pub fn file_name(cx: &PackContext<'_>) -> &'static str {
    labels(cx.kit.campaign.language).overview_file
}

fn find<'a>(files: &'a [Artifact], path: &str) -> Option<&'a Artifact> {
    files.iter().find(|f| f.path == path)
}

/// What the print-shop PDF is, in words for the person who orders the cards.
fn shop_how(p: crate::kit::Print) -> String {
    let bleed = crate::util::decimal(
        f64::from(p.bleed_mm),
        if p.bleed_mm.fract() == 0.0 { 0 } else { 1 },
    );
    let mut s = crate::tr!(
        "Send the file ending in -bleed.pdf: one card a page, front and back alternating, with {bleed} mm bleed",
        "Stuur het bestand dat eindigt op -bleed.pdf: één kaart per pagina, voorkant en achterkant om en om, met {bleed} mm afloop",
        bleed = bleed
    );
    if p.crop_marks {
        s.push_str(&crate::tr!(" and crop marks", " en snijtekens"));
    }
    s.push_str(&if p.cmyk {
        crate::tr!(
            ", colours in CMYK (the logos in RGB).",
            ", kleuren in CMYK (de logo's in RGB)."
        )
    } else {
        crate::tr!(", colours in RGB.", ", kleuren in RGB.")
    });
    s
}

/// Renders the overview page from the pack's other files.
pub fn render(cx: &PackContext<'_>, files: &[Artifact]) -> Result<Artifact, Diagnostic> {
    let kit = cx.kit;
    let lang = kit.campaign.language;
    let mut social = Vec::new();
    let mut blogs = Vec::new();
    let mut howtos = Vec::new();
    let mut schedule = Vec::new();
    let mut videos = Vec::new();
    for r in &cx.items {
        let publish = r.item.publish.human(lang);
        match r.item.kind {
            Kind::Social | Kind::Video => {
                if let (Kind::Video, Some(film)) = (r.item.kind, &r.item.video) {
                    videos.push(VideoView {
                        title: r.title.clone(),
                        publish: publish.clone(),
                        html: format!("video/{}.html", r.item.id),
                        files: super::video::files(&r.item.id, film),
                    });
                }
                let posts = r
                    .posts
                    .iter()
                    .map(|p| {
                        let png_path = format!("social/{}.{}.png", r.item.id, p.platform.id);
                        let png = find(files, &png_path);
                        let (width, height) = png.map_or((0, 0), Artifact::pixels);
                        use crate::platforms::Share;
                        let share = p.platform.share;
                        PostView {
                            share_url: match share {
                                Share::Intent(base) => {
                                    Some(format!("{base}{}", Share::encode(&p.text)))
                                }
                                _ => None,
                            },
                            open_url: match share {
                                Share::CopyOpen(url) => Some(url),
                                _ => None,
                            },
                            mastodon: (share == Share::Mastodon).then(|| Share::encode(&p.text)),
                            app_only: share == Share::Copy,
                            platform: p.platform.name,
                            text: p.text.clone(),
                            txt: format!("social/{}.{}.txt", r.item.id, p.platform.id),
                            count: p.count,
                            limit: p.platform.limit,
                            alt: png.and_then(|a| a.meta.alt.clone()),
                            png: png.map(|_| png_path),
                            width,
                            height,
                        }
                    })
                    .collect();
                social.push(SocialView {
                    title: r.title.clone(),
                    publish: publish.clone(),
                    posts,
                });
            }
            Kind::Blog | Kind::Howto => {
                let folder = r.item.kind.folder();
                let view = ArticleView {
                    title: r.title.clone(),
                    publish: publish.clone(),
                    md: format!("{folder}/{}.md", r.item.id),
                    html: format!("{folder}/{}.html", r.item.id),
                };
                if r.item.kind == Kind::Blog {
                    blogs.push(view);
                } else {
                    howtos.push(view);
                }
            }
        }
        schedule.push((
            (r.item.publish, 1),
            ScheduleView {
                when: publish,
                what: r.title.clone(),
                step: false,
            },
        ));
    }
    for step in &kit.moments {
        schedule.push((
            (step.at, 0),
            ScheduleView {
                when: step.at.human(lang),
                what: step.label.clone(),
                step: true,
            },
        ));
    }
    schedule.sort_by_key(|s| s.0);
    let agenda = kit
        .events
        .iter()
        .filter(|e| e.is_for(cx.partner))
        .map(|e| AgendaView {
            title: e.title.clone(),
            when: e.start.human(lang),
            until: {
                let end = e.end.human(lang);
                // The same day: only the time.
                match (e.start.local(), e.end.local()) {
                    (a, b) if (a.0, a.1, a.2) == (b.0, b.1, b.2) => {
                        end.split(", ").nth(1).unwrap_or(&end).to_string()
                    }
                    _ => end,
                }
            },
            location: e.location.clone(),
            url: e.url.clone(),
            description: e.description.clone(),
        })
        .collect();
    let decks = cx
        .decks
        .iter()
        .map(|d| {
            let print = format!("cards/{}-print.pdf", d.id);
            let bleed = format!("cards/{}-bleed.pdf", d.id);
            let prefix = format!("cards/{}-card-", d.id);
            let previews = files
                .iter()
                .filter(|f| f.path.starts_with(&prefix) && f.path.ends_with(".png"))
                .map(|f| {
                    let (width, height) = f.pixels();
                    PreviewView {
                        src: f.path.clone(),
                        alt: f.meta.alt.clone().unwrap_or_default(),
                        width,
                        height,
                    }
                })
                .collect();
            DeckView {
                title: d.title.clone(),
                size: if d.size == crate::kit::CardSize::Square {
                    "120 × 120 mm"
                } else {
                    d.size.id()
                },
                count: d.cards.len(),
                print: find(files, &print).map(|_| print),
                bleed: find(files, &bleed).map(|_| bleed),
                previews,
                sheets: {
                    let per = super::cards::Sheet::for_size(d.size).per_sheet();
                    let n = (d.cards.len() + usize::from(d.intro.is_some())).div_ceil(per);
                    if n == 1 {
                        crate::tr!("1 A4 sheet", "1 vel A4")
                    } else {
                        crate::tr!("{n} A4 sheets", "{n} vellen A4", n = n)
                    }
                },
                shop_how: shop_how(kit.print),
                carousel: {
                    let path = format!("cards/{}-carousel.pdf", d.id);
                    find(files, &path).map(|_| path)
                },
            }
        })
        .collect();
    let name = file_name(cx);
    let mut listed: Vec<FileView> = files
        .iter()
        .map(|f| FileView {
            path: f.path.clone(),
            size: human_size(f.size()),
        })
        .collect();
    listed.push(FileView {
        path: "manifest.json".into(),
        size: "–".into(),
    });
    listed.sort_by(|a, b| a.path.cmp(&b.path));
    let view = OverviewView {
        base: PageBase::for_partner(kit, cx.pages, cx.partner),
        partner: &cx.partner.name,
        partner_logo: cx.partner_logo_uri(),
        launch: kit.campaign.launch.human(lang),
        social,
        blogs,
        howtos,
        decks,
        schedule: schedule.into_iter().map(|(_, s)| s).collect(),
        agenda,
        videos,
        files: listed,
        version: version_line(cx),
        changes: cx.release.map(|_| crate::changes::CHANGES_FILE),
    };
    let html = cx.pages.render(kit, "overview.html.hbs", &view)?;
    Ok(Artifact {
        path: name.to_string(),
        bytes: html.into_bytes(),
        meta: FileMeta {
            kind: "overview",
            publish: Some(kit.campaign.launch.rfc3339()),
            ..FileMeta::default()
        },
    })
}
