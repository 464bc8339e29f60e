//! Share images for social statements.

use crate::diag::Diagnostic;
use crate::pack::{Artifact, PackContext, RenderedItem};
use crate::platforms::Platform;

/// The share image of one statement on one platform; `None` while images are not rendered.
pub fn render(_cx: &PackContext<'_>, _item: &RenderedItem<'_>, _platform: &Platform) -> Result<Option<Artifact>, Diagnostic> {
    Ok(None)
}
