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
            let view = ArticleView {
                base: PageBase::for_partner(kit, cx.pages, cx.partner),
                title: &r.title,
                partner: &cx.partner.name,
                logo: cx.partner_logo_uri(),
                has_h1,
                body: markdown::to_html(&r.body),
                publish: r.item.publish.human(kit.campaign.language),
            };
            let html = cx
                .pages
                .render(kit, "article.html.hbs", &view)
                .map_err(|d| vec![d])?;
            out.push(Artifact {
                path: format!("{folder}/{}.md", r.item.id),
                bytes: md.into_bytes(),
                meta: cx.item_meta("article-markdown", r.item),
            });
            out.push(Artifact {
                path: format!("{folder}/{}.html", r.item.id),
                bytes: html.into_bytes(),
                meta: cx.item_meta("article-html", r.item),
            });
        }
        Ok(out)
    }
}
