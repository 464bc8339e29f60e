//! The kit as written: serde types for `kit.toml` and content front matter, unvalidated.
//!
//! Every table rejects unknown keys (serde then lists the valid ones, and we add the nearest).
//! Values that are checked later are wrapped in [`Spanned`] so that a semantic error can still
//! point at the line and column where the value stands.

// The fields mirror the keys of kit-format.md one to one; they are documented there.
#![allow(missing_docs)]

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::value::Datetime;
use toml::Spanned;

/// A spanned string, the most common field type here.
pub type S = Spanned<String>;

/// `kit.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawKit {
    pub campaign: Spanned<RawCampaign>,
    pub behaviour: Option<RawBehaviour>,
    #[serde(default)]
    pub barriers: Vec<Spanned<RawBarrier>>,
    #[serde(default)]
    pub techniques: BTreeMap<S, Spanned<RawTechnique>>,
    #[serde(default)]
    pub partners: Vec<Spanned<RawPartner>>,
    #[serde(default)]
    pub decks: Vec<Spanned<RawDeck>>,
    /// Thresholds for the content lint (an extension of the format).
    pub lint: Option<RawLint>,
    /// How packs are handed out (version 2).
    pub distribution: Option<RawDistribution>,
    /// How card PDFs for a print shop are made (version 2).
    pub print: Option<RawPrint>,
    /// Named moments after the launch (version 2).
    #[serde(default)]
    pub moments: Vec<Spanned<RawMoment>>,
    /// Sessions and meetings (version 2).
    #[serde(default)]
    pub events: Vec<Spanned<RawEvent>>,
}

/// One `[[moments]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMoment {
    pub id: S,
    pub label: S,
    pub at: Spanned<Datetime>,
}

/// One `[[events]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    pub id: S,
    pub title: S,
    pub start: Spanned<Datetime>,
    pub end: Option<Spanned<Datetime>>,
    pub location: Option<S>,
    pub url: Option<S>,
    pub description: Option<S>,
    pub partners: Option<Vec<S>>,
}

/// `[print]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPrint {
    /// Bleed around each card of the print-shop PDF, 0 to 5 mm.
    pub bleed_mm: Option<Spanned<f64>>,
    /// Crop marks outside the bleed.
    #[serde(default)]
    pub crop_marks: bool,
    /// Colours as DeviceCMYK.
    #[serde(default)]
    pub cmyk: bool,
}

/// `[distribution]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDistribution {
    /// Unguessable folder and zip names per partner.
    #[serde(default)]
    pub private_links: bool,
}

/// `[campaign]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCampaign {
    pub id: S,
    pub title: S,
    pub owner: S,
    pub language: S,
    #[serde(default)]
    pub hashtags: Vec<S>,
    pub url: Option<S>,
    pub contact: Option<S>,
    pub logo: Option<S>,
    pub colour: Option<S>,
    pub launch: Spanned<Datetime>,
    /// IANA time zone; datetimes without an offset are local time there (version 2).
    pub timezone: Option<S>,
    /// utm parameters per partner and platform on links to the campaign site (version 2).
    pub track_links: Option<Spanned<bool>>,
}

/// `[behaviour]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBehaviour {
    pub audience: S,
    pub target: S,
    /// The behaviour today (the IAK form, version 2).
    pub current: Option<S>,
    /// Where and when (the IAK form, version 2).
    pub context: Option<S>,
}

/// One `[[barriers]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBarrier {
    pub id: S,
    pub factor: S,
    pub insight: S,
    #[serde(default)]
    pub techniques: Vec<S>,
    /// The COM-B component within the factor (version 2).
    pub component: Option<S>,
}

/// A `[techniques]` value: a plain label or a table with a BCT code.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawTechnique {
    /// `id = "label"`.
    Label(String),
    /// `id = { label = "...", bct = "1.4" }`.
    Full(RawTechniqueTable),
}

/// `id = { label = "...", bct = "1.4" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTechniqueTable {
    pub label: String,
    pub bct: Option<String>,
    /// The Behaviour Change Wheel intervention function (version 2).
    pub function: Option<String>,
}

/// One `[[partners]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPartner {
    pub id: S,
    pub name: S,
    pub logo: Option<S>,
    pub colour: Option<S>,
    pub address: S,
    pub channels: Spanned<Vec<S>>,
    #[serde(default)]
    pub vars: BTreeMap<String, String>,
}

/// One `[[decks]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDeck {
    pub id: S,
    pub title: S,
    pub size: S,
    pub intro: Option<S>,
    pub partners: Option<Vec<S>>,
    /// Technique ids the deck applies (an extension; the report and lint use it).
    #[serde(default)]
    pub techniques: Vec<S>,
    #[serde(default)]
    pub cards: Vec<Spanned<RawCard>>,
    /// Print the COM-B label on card fronts (version 2).
    #[serde(default)]
    pub show_factor: bool,
    /// Also a LinkedIn document post PDF (version 2).
    #[serde(default)]
    pub carousel: bool,
}

/// One `[[decks.cards]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCard {
    pub text: S,
    #[serde(default)]
    pub addresses: Vec<S>,
}

/// `[lint]`: thresholds for the content lint.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLint {
    /// Minimum readability score (Flesch–Douma for Dutch, Flesch Reading Ease for English).
    pub min_readability: Option<f64>,
    /// Longest sentence, in words, before it is named.
    pub max_sentence_words: Option<usize>,
}

/// The front matter of a content item.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFrontMatter {
    pub kind: S,
    pub title: S,
    pub addresses: Option<Spanned<Vec<S>>>,
    #[serde(default)]
    pub techniques: Vec<S>,
    pub partners: Option<Vec<S>>,
    pub platforms: Option<Vec<S>>,
    /// A datetime, or the id of a `[[moments]]` entry.
    pub publish: Option<Spanned<toml::Value>>,
    pub image_alt: Option<S>,
    /// A photo on the share image (social and video items).
    pub image: Option<S>,
    /// Video items: the film (MP4 or WebM).
    pub video: Option<S>,
    /// Video items: its captions (SRT or WebVTT).
    pub captions: Option<S>,
    /// Video items: a still shown before it plays.
    pub poster: Option<S>,
    /// The point of the photo to keep in view when cropping: [x, y], each 0 to 1.
    pub image_focus: Option<Spanned<Vec<f64>>>,
    /// The pull quote on share images (an extension; default: the title).
    pub quote: Option<S>,
    #[serde(default)]
    pub variants: BTreeMap<S, S>,
}

/// Deserializes `value` as a `T` and reports every type and key error in it, not only the first.
///
/// serde stops at the first error. So after each error the innermost key or list entry it points
/// at is taken out and the value is read again, until it reads or nothing more can be taken out.
/// A "missing key" error about a key that was taken out this way is not reported: the key is
/// there, with the error already reported; nor is one about a key that is misspelt in the same
/// table. At most [`MAX_ERRORS`] errors are collected.
pub fn deserialize_all<'a, T: Deserialize<'a>>(
    mut value: Spanned<toml::de::DeValue<'a>>,
) -> Result<T, Vec<toml::de::Error>> {
    let mut errors = Vec::new();
    // (key, span of the table it was taken out of)
    let mut removed: Vec<(String, std::ops::Range<usize>)> = Vec::new();
    while errors.len() < MAX_ERRORS {
        let e = match T::deserialize(toml::de::ValueDeserializer::from(value.clone())) {
            Ok(t) if errors.is_empty() => return Ok(t),
            Ok(_) => break,
            Err(e) => e,
        };
        // Missing because it was taken out, or because it is misspelt in the same table (the
        // "unknown key" error already says "did you mean …").
        let caused_by_removal = e
            .message()
            .strip_prefix("missing field `")
            .and_then(|r| r.split('`').next())
            .is_some_and(|f| {
                let at = e.span();
                removed.iter().any(|(k, t)| {
                    at.as_ref() == Some(t) && (k == f || crate::diag::nearest(k, [f]).is_some())
                })
            });
        let span = e.span();
        if !caused_by_removal {
            errors.push(e);
        }
        match span.and_then(|s| take_out(&mut value, &s)) {
            Some(taken) => removed.push(taken),
            None => break,
        }
    }
    Err(errors)
}

/// The most errors [`deserialize_all`] collects from one file.
pub const MAX_ERRORS: usize = 50;

/// Takes out of `node` the innermost key or list entry whose key or value contains `span`, and
/// returns its key (empty for a list entry) and the span of the table or list it was in; `None`
/// when nothing in `node` contains it.
///
/// Every child is searched, not only those whose span contains `span`: the span of a table
/// written with a `[header]` covers the header only, not the keys below it.
fn take_out(
    node: &mut Spanned<toml::de::DeValue<'_>>,
    span: &std::ops::Range<usize>,
) -> Option<(String, std::ops::Range<usize>)> {
    use toml::de::{DeArray, DeValue};
    let parent = node.span();
    let contains = |r: std::ops::Range<usize>| r.start <= span.start && span.end <= r.end;
    match node.get_mut() {
        DeValue::Table(table) => {
            let keys: Vec<String> = table.iter().map(|(k, _)| k.get_ref().to_string()).collect();
            for key in keys {
                let (key_span, child) = match table.get_key_value(key.as_str()) {
                    Some((k, v)) => (k.span(), v.span()),
                    None => continue,
                };
                if let Some(v) = table.get_mut(key.as_str()) {
                    if let Some(inner) = take_out(v, span) {
                        return Some(inner);
                    }
                }
                if contains(key_span) || contains(child) {
                    table.remove(key.as_str());
                    return Some((key, parent));
                }
            }
            None
        }
        DeValue::Array(items) => {
            for at in 0..items.len() {
                let child = items[at].span();
                if let Some(inner) = take_out(&mut (**items)[at], span) {
                    return Some(inner);
                }
                if contains(child) {
                    let mut kept = DeArray::new();
                    for (i, v) in items.iter().enumerate() {
                        if i != at {
                            kept.push(v.clone());
                        }
                    }
                    *items = kept;
                    return Some((String::new(), parent));
                }
            }
            None
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        a: Spanned<Inner>,
        #[serde(default)]
        list: Vec<Inner>,
    }
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        x: String,
        y: Option<u32>,
    }

    fn errors(src: &str) -> Vec<String> {
        let t = toml::de::DeTable::parse(src).unwrap();
        let span = t.span();
        match deserialize_all::<T>(Spanned::new(span, toml::de::DeValue::Table(t.into_inner()))) {
            Ok(_) => vec![],
            Err(es) => es
                .iter()
                .map(|e| format!("{:?} {}", e.span(), e.message()))
                .collect(),
        }
    }

    #[test]
    fn every_error_of_a_table_and_its_lists() {
        let src = "[a]\nx = 1\ny = \"no\"\nz = 3\n\n[[list]]\nx = 2\n\n[[list]]\ny = 1\n\n[[list]]\nx = \"ok\"\nw = 1\n";
        assert_eq!(
            errors(src),
            [
                "Some(8..9) invalid type: integer `1`, expected a string",
                "Some(14..18) invalid type: string \"no\", expected u32",
                "Some(19..20) unknown field `z`, expected `x` or `y`",
                "Some(39..40) invalid type: integer `2`, expected a string",
                "Some(42..50) missing field `x`",
                "Some(76..77) unknown field `w`, expected `x` or `y`",
            ]
        );
    }
}
