//! The social platforms and their rules, kept as data in one place.
//!
//! Platforms change their limits; every rule here was checked against the platform's own
//! documentation on [`CHECKED`]. Update the table, the date and the sources together.

use unicode_segmentation::UnicodeSegmentation;

/// When the rules below were last checked against the platforms' documentation.
pub const CHECKED: &str = "2026-11-23";

/// How a platform counts the length of a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counting {
    /// Unicode code points (what most web forms count).
    Chars,
    /// User-perceived characters (extended grapheme clusters).
    Graphemes,
    /// X's weighted count (twitter-text v3, through the `twitter-text` crate): Latin and common
    /// punctuation weigh 1, every other code point and every emoji weighs 2, every URL (with or
    /// without `https://`, as X recognises it) weighs 23. The limit is in these units.
    XWeighted,
}

/// One social platform.
#[derive(Debug)]
pub struct Platform {
    /// The id used in kits: `channels`, `platforms`, `[variants]`.
    pub id: &'static str,
    /// The name shown to people.
    pub name: &'static str,
    /// The maximum length of a post, counted with `counting`.
    pub limit: usize,
    /// How the length is counted.
    pub counting: Counting,
    /// A URL counts as this many characters, whatever its length (the platform shortens it).
    pub url_length: Option<usize>,
    /// The most hashtags a post may carry.
    pub max_hashtags: Option<usize>,
    /// The most UTF-8 bytes a post may have (besides `limit`).
    pub max_bytes: Option<usize>,
    /// The recommended share-image size in pixels (width, height).
    pub image: (u32, u32),
    /// Where the rules come from.
    pub source: &'static str,
    /// How a partner posts a text there from the overview page.
    pub share: Share,
}

/// How a partner posts a text on a platform from the overview page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Share {
    /// A web intent that opens the composer with the text filled in: the address up to the
    /// percent-encoded text.
    Intent(&'static str),
    /// Mastodon: every server has its own `/share?text=`; the page asks which server.
    Mastodon,
    /// No text filled in from the web: copy the text, then open this page to paste it.
    CopyOpen(&'static str),
    /// Posted from the app only (Instagram): copy the text.
    Copy,
}

impl Share {
    /// `text` percent-encoded as a query value (like JavaScript's encodeURIComponent).
    pub fn encode(text: &str) -> String {
        const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
            .remove(b'-')
            .remove(b'_')
            .remove(b'.')
            .remove(b'!')
            .remove(b'~')
            .remove(b'*')
            .remove(b'\'')
            .remove(b'(')
            .remove(b')');
        percent_encoding::utf8_percent_encode(text, SET).to_string()
    }
}

/// Every social platform a kit may name, in the order they are shown.
pub const PLATFORMS: &[Platform] = &[
    Platform {
        id: "linkedin",
        name: "LinkedIn",
        limit: 3000,
        counting: Counting::Chars,
        url_length: None,
        max_hashtags: None,
        max_bytes: None,
        image: (1200, 627),
        source: "linkedin.com/help/linkedin/answer/a528176 (post length); share image 1.91:1",
        share: Share::CopyOpen("https://www.linkedin.com/feed/?shareActive=true"),
    },
    Platform {
        id: "x",
        name: "X",
        limit: 280,
        counting: Counting::XWeighted,
        url_length: Some(23),
        max_hashtags: None,
        max_bytes: None,
        image: (1600, 900),
        source: "docs.x.com counting-characters (twitter-text v3 weights, t.co links = 23)",
        share: Share::Intent("https://x.com/intent/post?text="),
    },
    Platform {
        id: "instagram",
        name: "Instagram",
        limit: 2200,
        counting: Counting::Chars,
        url_length: None,
        max_hashtags: Some(5),
        max_bytes: None,
        image: (1080, 1350),
        source: "help.instagram.com (caption 2,200 characters, at most 5 hashtags since Dec 2025)",
        share: Share::Copy,
    },
    Platform {
        id: "facebook",
        name: "Facebook",
        limit: 63_206,
        counting: Counting::Chars,
        url_length: None,
        max_hashtags: None,
        max_bytes: None,
        image: (1200, 630),
        source: "facebook.com/help (post length 63,206); link image 1200x630",
        share: Share::CopyOpen("https://www.facebook.com/"),
    },
    Platform {
        id: "mastodon",
        name: "Mastodon",
        limit: 500,
        counting: Counting::Chars,
        url_length: Some(23),
        max_hashtags: None,
        max_bytes: None,
        image: (1280, 720),
        source: "docs.joinmastodon.org (500 characters on the default server; every URL counts 23)",
        share: Share::Mastodon,
    },
    Platform {
        id: "bluesky",
        name: "Bluesky",
        limit: 300,
        counting: Counting::Graphemes,
        url_length: None,
        max_hashtags: None,
        max_bytes: Some(3000),
        image: (1200, 675),
        source: "docs.bsky.app app.bsky.feed.post (maxGraphemes 300, maxLength 3000 bytes)",
        share: Share::Intent("https://bsky.app/intent/compose?text="),
    },
    Platform {
        id: "threads",
        name: "Threads",
        limit: 500,
        counting: Counting::Graphemes,
        url_length: None,
        max_hashtags: None,
        max_bytes: None,
        image: (1080, 1350),
        source: "help.instagram.com Threads (500 characters per post)",
        share: Share::Intent("https://www.threads.net/intent/post?text="),
    },
];

/// Channels that are not social platforms: where blogs and how-tos go.
pub const ARTICLE_CHANNELS: &[&str] = &["website", "newsletter"];

/// The platform with this id.
pub fn get(id: &str) -> Option<&'static Platform> {
    PLATFORMS.iter().find(|p| p.id == id)
}

/// Every id a `channels` list may hold.
pub fn channel_ids() -> Vec<&'static str> {
    PLATFORMS
        .iter()
        .map(|p| p.id)
        .chain(ARTICLE_CHANNELS.iter().copied())
        .collect()
}

/// Every social platform id.
pub fn platform_ids() -> Vec<&'static str> {
    PLATFORMS.iter().map(|p| p.id).collect()
}

impl Platform {
    /// The length of `text` as this platform counts it (after NFC normalisation, as every one
    /// of them stores the text).
    pub fn count(&self, text: &str) -> usize {
        let text = stored(text);
        if self.counting == Counting::XWeighted {
            return x_weighted(text);
        }
        let mut total = 0;
        for (is_url, piece) in split_urls(&text) {
            total += match (is_url, self.url_length) {
                (true, Some(n)) => n,
                _ => match self.counting {
                    Counting::Chars => piece.chars().count(),
                    Counting::Graphemes => piece.graphemes(true).count(),
                    Counting::XWeighted => unreachable!("counted by twitter-text above"),
                },
            };
        }
        total
    }

    /// The size of `text` in UTF-8 bytes as the platform stores it (NFC), for `max_bytes`.
    pub fn bytes(text: &str) -> usize {
        stored(text).len()
    }

    /// The hashtags in `text`, in order.
    pub fn hashtags(text: &str) -> Vec<&str> {
        let mut tags = Vec::new();
        let mut prev: Option<char> = None;
        for (i, c) in text.char_indices() {
            if c == '#' && !prev.is_some_and(|p| p.is_alphanumeric() || p == '&' || p == '/') {
                let rest = &text[i + 1..];
                let len = rest
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                if len > 0 && rest[..len].chars().any(|c| !c.is_numeric()) {
                    tags.push(&text[i..=i + len]);
                }
            }
            prev = Some(c);
        }
        tags
    }
}

/// The text as the platforms store it: NFC-normalised (a decomposed accent is one character).
/// X's weighted length of `text` (NFC), by twitter-text. Its parser takes about a millisecond
/// for a post, and partners of a campaign mostly get the same posts: counts are kept per text
/// (in a bounded memo).
fn x_weighted(text: String) -> usize {
    use std::sync::OnceLock;
    static COUNTED: OnceLock<crate::memo::Bounded<String, usize>> = OnceLock::new();
    let counted = COUNTED.get_or_init(|| crate::memo::Bounded::new(4 * 1024 * 1024));
    if let Some(n) = counted.get(&text) {
        return n;
    }
    let parsed = twitter_text::parse(&text, twitter_text_config::config_v3(), true);
    let n = usize::try_from(parsed.weighted_length).unwrap_or(0);
    let size = text.len() + 64;
    counted.insert(text, n, size);
    n
}

fn stored(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfc().collect()
}

/// Splits text into URL and non-URL pieces. A URL starts with `http://` or `https://` and runs
/// to the next white space, minus trailing punctuation.
fn split_urls(text: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest
        .find("http://")
        .into_iter()
        .chain(rest.find("https://"))
        .min()
    {
        let end = rest[start..]
            .find(char::is_whitespace)
            .map_or(rest.len(), |e| start + e);
        let url = rest[start..end]
            .trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '"', '\'', '”', '’']);
        let end = start + url.len();
        if !rest[..start].is_empty() {
            out.push((false, &rest[..start]));
        }
        out.push((true, url));
        rest = &rest[end..];
    }
    if !rest.is_empty() {
        out.push((false, rest));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x_counts_links_as_23_and_emoji_as_2() {
        let x = get("x").unwrap();
        assert_eq!(
            x.count("Kijk op https://www.example.nl/een/heel/lang/pad/naar/de/campagne"),
            8 + 23
        );
        assert_eq!(x.count("Doe mee 👍🏽"), 8 + 2);
        assert_eq!(x.count("naïef – “écht”"), 14);
        assert_eq!(x.count("日本"), 4);
    }

    #[test]
    fn bluesky_counts_graphemes() {
        let b = get("bluesky").unwrap();
        assert_eq!(b.count("e\u{301}👩‍👩‍👧"), 2);
        // A decomposed accent counts once: every platform stores the NFC form.
        assert_eq!(get("linkedin").unwrap().count("e\u{301}"), 1);
        assert_eq!(get("x").unwrap().count("cafe\u{301}"), 4);
    }

    #[test]
    fn x_counts_a_site_without_scheme_as_a_link() {
        let x = get("x").unwrap();
        assert_eq!(x.count("Kijk op nov.nl #doemee"), 8 + 23 + 8);
        assert_eq!(x.count("Kijk op www.nov.nl/doe-mee"), 8 + 23);
        // Not a domain: no top-level domain after the dot.
        assert_eq!(x.count("1.5 miljoen, klaar.zoq"), 22);
    }

    #[test]
    fn mastodon_counts_urls_as_23_and_trims_punctuation() {
        let m = get("mastodon").unwrap();
        assert_eq!(
            m.count("Lees: https://example.nl/abcdefghijklmnopqrstuvwxyz."),
            6 + 23 + 1
        );
    }

    #[test]
    fn finds_hashtags() {
        assert_eq!(
            Platform::hashtags("#een en #twee, niet a#b of #1 maar #gelijke_kansen"),
            vec!["#een", "#twee", "#gelijke_kansen"]
        );
    }
}
