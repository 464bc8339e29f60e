//! Discussion cards: an A4 sheet PDF for office printers and a bleed PDF for print shops.

use super::Output;
use crate::diag::Diagnostic;
use crate::pack::{Artifact, PackContext};

/// The card output.
pub struct Cards;

impl Output for Cards {
    fn name(&self) -> &'static str {
        "cards"
    }

    fn render(&self, _cx: &PackContext<'_>) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
        Ok(Vec::new())
    }
}
