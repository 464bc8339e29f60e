//! Social statements: one plain-text file per item and platform, with its share image.

use super::{share, Output};
use crate::artifact::{Artifact, PackContext};
use crate::diag::Diagnostic;

/// The social output.
pub struct Social;

impl Output for Social {
    fn name(&self) -> &'static str {
        "social"
    }

    fn render(&self, cx: &PackContext<'_>) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
        let mut out = Vec::new();
        let mut diags = Vec::new();
        let mut records = share::Records::load(cx);
        for r in &cx.items {
            for post in &r.posts {
                let mut meta = cx.item_meta("social-text", r.item);
                meta.platform = Some(post.platform.id);
                out.push(Artifact {
                    path: format!("social/{}.{}.txt", r.item.id, post.platform.id),
                    bytes: format!("{}\n", post.text).into_bytes(),
                    meta,
                });
                match share::render(cx, r, post.platform, &mut records) {
                    Ok(Some(a)) => out.push(a),
                    Ok(None) => {}
                    Err(d) => diags.push(d),
                }
            }
        }
        records.keep(cx);
        if diags.is_empty() {
            Ok(out)
        } else {
            Err(diags)
        }
    }
}
