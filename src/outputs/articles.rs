//! Blogs and how-tos: a `.md` to paste into a CMS and a standalone, styled `.html` page.

use serde::Serialize;

use super::{Output, PageBase};
use crate::artifact::{Artifact, PackContext};
use crate::diag::Diagnostic;
use crate::kit::Kind;
use crate::render::markdown;

/// The article output.
pub struct Articles;

#[derive(Serialize)]
struct ArticleView<'a> {
    #[serde(flatten)]
    base: PageBase<'a>,
    title: &'a str,
    partner: &'a str,
    logo: Option<String>,
    has_h1: bool,
    body: String,
    publish: String,
}

impl Output for Articles {
    fn name(&self) -> &'static str {
        "articles"
    }

    fn render(&self, cx: &PackContext<'_>) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
        let kit = cx.kit;
        let mut out = Vec::new();
        // What every page of the pack is made from besides its own text, hashed once.
        let base = cx.inputs();
        for r in cx
            .items
            .iter()
            .filter(|r| matches!(r.item.kind, Kind::Blog | Kind::Howto))
        {
            let folder = r.item.kind.folder();
            let has_h1 = markdown::starts_with_h1(&r.body);
            let mut md = if has_h1 {
                r.body.trim().to_string()
            } else {
                format!("# {}\n\n{}", r.title, r.body.trim())
            };
            md.push('\n');
            let publish = r.item.publish.human(kit.campaign.language);
            let mut key = crate::memo::key("article_page");
            {
                use sha2::Digest;
                key.update(base);
                for s in [r.title.as_str(), r.body.as_str(), publish.as_str()] {
                    key.update((s.len() as u64).to_le_bytes());
                    key.update(s.as_bytes());
                }
            }
            let path = format!("{folder}/{}.html", r.item.id);
            let page = crate::memo::page(cx.cache, key, || {
                let view = ArticleView {
                    base: PageBase::for_partner(kit, cx.pages, cx.partner),
                    title: &r.title,
                    partner: &cx.partner.name,
                    logo: cx.partner_logo_uri(),
                    has_h1,
                    body: markdown::to_html(&r.body),
                    publish: publish.clone(),
                };
                cx.pages
                    .render(kit, "article.html.hbs", &view)
                    .map(String::into_bytes)
            })
            .map_err(|d| vec![d])?;
            let mut meta = cx.item_meta("article-html", r.item);
            let bytes = meta.take_drawn(page);
            let bytes = cx
                .text_at_hand(&path, &mut meta, bytes)
                .map_err(|d| vec![d])?;
            out.push(Artifact {
                path: format!("{folder}/{}.md", r.item.id),
                bytes: md.into_bytes(),
                meta: cx.item_meta("article-markdown", r.item),
            });
            out.push(Artifact { path, bytes, meta });
        }
        Ok(out)
    }
}
