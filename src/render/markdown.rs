//! Markdown to HTML (for article pages) and to plain text (for social statements).
//!
//! Raw HTML in a kit's Markdown is shown as text, never passed through: the body is the
//! adviser's prose, and a partner name such as `<b>` must not become markup. Links with a
//! scheme other than http, https or mailto are dropped to their text.

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    match lower.split_once(':') {
        Some((scheme, _))
            if !scheme.contains('/') && !scheme.contains('?') && !scheme.contains('#') =>
        {
            matches!(scheme, "http" | "https" | "mailto")
        }
        _ => true,
    }
}

/// Renders Markdown to an HTML fragment.
pub fn to_html(md: &str) -> String {
    let mut skip_link_end = Vec::new();
    let events = Parser::new_ext(md, options()).filter_map(|ev| match ev {
        Event::Html(s) | Event::InlineHtml(s) => Some(Event::Text(s)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let ok = safe_url(&dest_url);
            skip_link_end.push(!ok);
            ok.then_some(Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }))
        }
        Event::End(TagEnd::Link) => {
            if skip_link_end.pop().unwrap_or(false) {
                None
            } else {
                Some(Event::End(TagEnd::Link))
            }
        }
        Event::Start(Tag::Image { dest_url, .. }) if !safe_url(&dest_url) => None,
        other => Some(other),
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

/// Whether the Markdown starts with a level-1 heading.
pub fn starts_with_h1(md: &str) -> bool {
    matches!(
        Parser::new_ext(md, options()).next(),
        Some(Event::Start(Tag::Heading {
            level: HeadingLevel::H1,
            ..
        }))
    )
}

/// Renders Markdown to the plain text a partner pastes into a social platform: emphasis and
/// headings dropped, links as their address, list items on their own lines, paragraphs
/// separated by one blank line. The author's line breaks are kept.
pub fn to_plain(md: &str) -> String {
    let mut out = String::new();
    let mut list_stack: Vec<Option<u64>> = Vec::new();
    let mut link_stack: Vec<(String, usize, LinkType)> = Vec::new();
    for ev in Parser::new_ext(md, options()) {
        match ev {
            Event::Start(
                Tag::Paragraph | Tag::Heading { .. } | Tag::BlockQuote(_) | Tag::CodeBlock(_),
            ) => {
                block_gap(&mut out, !list_stack.is_empty());
            }
            Event::Start(Tag::List(start)) => {
                block_gap(&mut out, !list_stack.is_empty());
                list_stack.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                list_stack.pop();
            }
            Event::Start(Tag::Item) => {
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                let depth = list_stack.len().saturating_sub(1);
                out.push_str(&"  ".repeat(depth));
                match list_stack.last_mut() {
                    Some(Some(n)) => {
                        out.push_str(&format!("{n}. "));
                        *n += 1;
                    }
                    _ => out.push_str("• "),
                }
            }
            Event::Start(Tag::Link {
                dest_url,
                link_type,
                ..
            }) => {
                link_stack.push((dest_url.to_string(), out.len(), link_type));
            }
            Event::End(TagEnd::Link) => {
                if let Some((url, start, link_type)) = link_stack.pop() {
                    let text = out[start..].to_string();
                    let same = text == url || text == url.trim_start_matches("mailto:");
                    if !same
                        && !matches!(link_type, LinkType::Autolink | LinkType::Email)
                        && safe_url(&url)
                    {
                        out.push_str(&format!(" ({url})"));
                    }
                }
            }
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::Html(t) | Event::InlineHtml(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::Rule => {
                block_gap(&mut out, false);
                out.push_str("———");
            }
            Event::TaskListMarker(done) => out.push_str(if done { "☑ " } else { "☐ " }),
            Event::FootnoteReference(CowStr::Borrowed(s)) => out.push_str(s),
            _ => {}
        }
    }
    let trimmed: Vec<&str> = out.lines().map(str::trim_end).collect();
    trimmed.join("\n").trim().to_string()
}

fn block_gap(out: &mut String, in_list: bool) {
    if out.is_empty() || in_list {
        return;
    }
    while !out.ends_with("\n\n") {
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_drops_markup_and_keeps_ampersands() {
        let md = "Vandaag start **Bakker & Zonen** met *de campagne*.\n\nKijk op [onze site](https://example.nl) of https://example.nl/x\n\n- een\n- twee\n";
        assert_eq!(
            to_plain(md),
            "Vandaag start Bakker & Zonen met de campagne.\n\nKijk op onze site (https://example.nl) of https://example.nl/x\n\n• een\n• twee"
        );
    }

    #[test]
    fn plain_text_numbers_ordered_lists() {
        assert_eq!(
            to_plain("# Kop\n\n1. **Eén.** a\n2. b\n"),
            "Kop\n\n1. Eén. a\n2. b"
        );
    }

    #[test]
    fn html_escapes_raw_html_and_drops_script_links() {
        let html =
            to_html("<script>alert(1)</script>\n\nHallo <b>x</b> & [klik](javascript:alert(1))");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;b&gt;"), "{html}");
        assert!(html.contains("&amp;"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("klik"), "{html}");
    }

    #[test]
    fn detects_leading_h1() {
        assert!(starts_with_h1("# Titel\n\nTekst"));
        assert!(!starts_with_h1("Tekst\n\n# Titel"));
    }
}
