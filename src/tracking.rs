//! `track_links`: every link to the campaign's site in a partner's texts gets utm parameters
//! (`utm_source` = the partner, `utm_medium` = the platform or channel, `utm_campaign` = the
//! campaign), so the campaign's web statistics show which partner and which channel brought
//! each visitor.
//!
//! Links are found with `linkify` (with or without a scheme; it knows where a link ends in
//! running text and in Markdown). A link is changed only by adding to its query, before any
//! `#fragment`; what the adviser wrote stays as written. A link that already has a `utm_source`
//! is left alone. The text is changed before it is counted, so the limits are checked on what
//! partners post.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// What a query value may keep unencoded: the unreserved characters of RFC 3986.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Who and where a text goes.
pub struct Tag<'a> {
    /// The campaign site's host, lower case, without `www.`.
    pub host: &'a str,
    /// `utm_source`: the partner id.
    pub source: &'a str,
    /// `utm_medium`: the platform or channel.
    pub medium: &'a str,
    /// `utm_campaign`: the campaign id.
    pub campaign: &'a str,
}

/// The host of a campaign URL as [`Tag::host`] wants it: lower case, without `www.`.
pub fn site_host(url: &str) -> Option<String> {
    let rest = strip_scheme(url).unwrap_or(url);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?;
    let host = host.split(':').next()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (!host.is_empty()).then_some(host)
}

fn strip_scheme(url: &str) -> Option<&str> {
    let lower = url.get(..8)?.to_ascii_lowercase();
    if lower.starts_with("https://") {
        Some(&url[8..])
    } else if lower.starts_with("http://") {
        Some(&url[7..])
    } else {
        None
    }
}

/// `text` with the utm parameters of `tag` on every link to its host.
pub fn track(text: &str, tag: &Tag<'_>) -> String {
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    finder.url_must_have_scheme(false);
    let mut out = String::with_capacity(text.len() + 128);
    let mut last = 0;
    for link in finder.links(text) {
        let s = link.as_str();
        let has_scheme = strip_scheme(s).is_some();
        if !has_scheme && s.contains("://") {
            continue; // another scheme (ftp://, mailto: is not a URL here)
        }
        if site_host(s).as_deref() != Some(tag.host) || s.contains("utm_source=") {
            continue;
        }
        out.push_str(&text[last..link.start()]);
        out.push_str(&tagged(s, tag));
        last = link.end();
    }
    out.push_str(&text[last..]);
    out
}

fn tagged(link: &str, tag: &Tag<'_>) -> String {
    let (base, fragment) = match link.find('#') {
        Some(i) => link.split_at(i),
        None => (link, ""),
    };
    let enc = |v: &str| utf8_percent_encode(v, QUERY_VALUE).to_string();
    let join = if base.contains('?') {
        if base.ends_with('?') || base.ends_with('&') {
            ""
        } else {
            "&"
        }
    } else {
        "?"
    };
    format!(
        "{base}{join}utm_source={}&utm_medium={}&utm_campaign={}{fragment}",
        enc(tag.source),
        enc(tag.medium),
        enc(tag.campaign)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag() -> Tag<'static> {
        Tag {
            host: "example.nl",
            source: "nov",
            medium: "x",
            campaign: "een-klein-gebaar",
        }
    }

    const Q: &str = "utm_source=nov&utm_medium=x&utm_campaign=een-klein-gebaar";

    #[test]
    fn links_to_the_site_get_the_parameters_and_nothing_else_changes() {
        let t = tag();
        for (input, want) in [
            (
                "Kijk op https://www.example.nl/gebaar.",
                format!("Kijk op https://www.example.nl/gebaar?{Q}."),
            ),
            (
                "Kijk op example.nl/gebaar, nu",
                format!("Kijk op example.nl/gebaar?{Q}, nu"),
            ),
            ("(https://example.nl)", format!("(https://example.nl?{Q})")),
            (
                "[lees](https://example.nl/a?b=1#c)",
                format!("[lees](https://example.nl/a?b=1&{Q}#c)"),
            ),
            ("HTTPS://EXAMPLE.NL/x", format!("HTTPS://EXAMPLE.NL/x?{Q}")),
            (
                "https://example.nl/?utm_source=eigen",
                "https://example.nl/?utm_source=eigen".to_string(),
            ),
            (
                "https://ander.nl/x en example.nl.evil.com/x",
                "https://ander.nl/x en example.nl.evil.com/x".to_string(),
            ),
            ("mail info@example.nl", "mail info@example.nl".to_string()),
            ("geen link", "geen link".to_string()),
        ] {
            assert_eq!(track(input, &t), want, "{input}");
        }
    }

    #[test]
    fn the_host_of_the_campaign_url() {
        assert_eq!(
            site_host("https://www.Example.nl/x").as_deref(),
            Some("example.nl")
        );
        assert_eq!(
            site_host("http://example.nl:8080").as_deref(),
            Some("example.nl")
        );
        assert_eq!(site_host("example.nl/x").as_deref(), Some("example.nl"));
        assert_eq!(site_host("https://").as_deref(), None);
    }

    #[test]
    fn values_are_encoded() {
        let t = Tag {
            medium: "a b&c",
            ..tag()
        };
        assert!(track("https://example.nl", &t).contains("utm_medium=a%20b%26c"));
    }
}
