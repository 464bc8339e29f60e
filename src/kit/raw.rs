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
}

/// `[behaviour]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBehaviour {
    pub audience: S,
    pub target: S,
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
    pub publish: Option<Spanned<Datetime>>,
    pub image_alt: Option<S>,
    /// The pull quote on share images (an extension; default: the title).
    pub quote: Option<S>,
    #[serde(default)]
    pub variants: BTreeMap<S, S>,
}
