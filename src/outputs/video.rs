//! Video items: the film, its captions in SRT and WebVTT, and a page with the film, its
//! captions as a `<track>` and the transcript made from them. The post texts and share images
//! come from the social output, as for any post.

use serde::Serialize;

use super::{Output, PageBase};
use crate::artifact::{Artifact, PackContext};
use crate::diag::Diagnostic;
use crate::kit::{video, Kind};

/// The video output.
pub struct Video;

#[derive(Serialize)]
struct VideoView<'a> {
    #[serde(flatten)]
    base: PageBase<'a>,
    title: &'a str,
    partner: &'a str,
    logo: Option<String>,
    src: String,
    mime: &'static str,
    vtt: String,
    srt: String,
    poster: Option<String>,
    width: u32,
    height: u32,
    duration: String,
    transcript: Vec<String>,
    publish: String,
}

/// The files a video item adds to a pack, besides its posts.
pub fn files(id: &str, film: &crate::kit::Film) -> Vec<String> {
    let mut out = vec![
        format!("video/{id}.{}", film.probe.container.ext()),
        format!("video/{id}.srt"),
        format!("video/{id}.vtt"),
        format!("video/{id}.html"),
    ];
    if let Some((ext, _)) = &film.poster {
        out.push(format!("video/{id}.poster.{ext}"));
    }
    out
}

impl Output for Video {
    fn name(&self) -> &'static str {
        "video"
    }

    fn render(&self, cx: &PackContext<'_>) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
        let kit = cx.kit;
        let lang = kit.campaign.language;
        let mut out = Vec::new();
        for r in cx.items.iter().filter(|r| r.item.kind == Kind::Video) {
            let Some(film) = &r.item.video else { continue };
            let id = &r.item.id;
            let ext = film.probe.container.ext();
            let t = crate::i18n::labels_for(lang, cx.partner.address);
            let seconds = film.probe.seconds.round() as u64;
            let view = VideoView {
                base: PageBase::for_partner(kit, cx.pages, cx.partner),
                title: &r.title,
                partner: &cx.partner.name,
                logo: cx.partner_logo_uri(),
                src: format!("{id}.{ext}"),
                mime: film.probe.container.mime(),
                vtt: format!("{id}.vtt"),
                srt: format!("{id}.srt"),
                poster: film
                    .poster
                    .as_ref()
                    .map(|(e, _)| format!("{id}.poster.{e}")),
                width: film.probe.width.clamp(1, 1280),
                height: if film.probe.width > 1280 {
                    (u64::from(film.probe.height) * 1280 / u64::from(film.probe.width)) as u32
                } else {
                    film.probe.height.max(1)
                },
                duration: format!("{}:{:02} {}", seconds / 60, seconds % 60, t.minutes),
                transcript: video::transcript(&film.cues),
                publish: r.item.publish.human(lang),
            };
            let html = cx
                .pages
                .render(kit, "video.html.hbs", &view)
                .map_err(|d| vec![d])?;
            let mut push = |path: String, bytes: Vec<u8>, kind: &'static str| {
                out.push(Artifact {
                    path,
                    bytes,
                    meta: cx.item_meta(kind, r.item),
                });
            };
            // Only checking: the film's bytes are not needed (and not copied).
            let film_bytes = if cx.draw {
                film.bytes.to_vec()
            } else {
                Vec::new()
            };
            push(format!("video/{id}.{ext}"), film_bytes, "video");
            push(
                format!("video/{id}.srt"),
                video::to_srt(&film.cues).into_bytes(),
                "captions",
            );
            push(
                format!("video/{id}.vtt"),
                video::to_vtt(&film.cues).into_bytes(),
                "captions",
            );
            push(format!("video/{id}.html"), html.into_bytes(), "video-page");
            if let Some((e, bytes)) = &film.poster {
                push(
                    format!("video/{id}.poster.{e}"),
                    bytes.to_vec(),
                    "video-poster",
                );
            }
        }
        Ok(out)
    }
}
