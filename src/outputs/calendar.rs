//! `calendar.ics` (RFC 5545): the launch first, then every item's publish moment.
//!
//! Times are written in UTC (`…Z`), which every calendar converts to local time; DTSTAMP is the
//! launch moment rather than "now", so the file is the same on every build.

use std::fmt::Write as _;

use super::Output;
use crate::diag::Diagnostic;
use crate::i18n::labels;
use crate::pack::{Artifact, FileMeta, PackContext};

/// The calendar output.
pub struct Calendar;

impl Output for Calendar {
    fn name(&self) -> &'static str {
        "calendar"
    }

    fn render(&self, cx: &PackContext<'_>) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
        let kit = cx.kit;
        let t = labels(kit.campaign.language);
        let launch = kit.campaign.launch;
        let stamp = launch.ical_utc();
        let domain = format!("{}.{}.partnerkit", cx.partner.id, kit.campaign.id);
        let mut ics = String::new();
        line(&mut ics, "BEGIN:VCALENDAR");
        line(&mut ics, "VERSION:2.0");
        line(
            &mut ics,
            &format!(
                "PRODID:-//partnerkit//partnerkit {}//{}",
                env!("CARGO_PKG_VERSION"),
                kit.campaign.language.tag().to_uppercase()
            ),
        );
        line(&mut ics, "CALSCALE:GREGORIAN");
        line(&mut ics, "METHOD:PUBLISH");
        line(
            &mut ics,
            &format!(
                "X-WR-CALNAME:{}",
                escape(&format!("{} – {}", kit.campaign.title, cx.partner.name))
            ),
        );
        let launch_desc = format!(
            "{} {}. {}",
            t.not_before,
            launch.human(kit.campaign.language),
            t.not_before_explained
        );
        event(
            &mut ics,
            &format!("launch@{domain}"),
            &stamp,
            &launch.ical_utc(),
            &format!("{}: {}", t.launch, kit.campaign.title),
            &launch_desc,
        );
        let mut items: Vec<_> = cx.items.iter().collect();
        items.sort_by(|a, b| {
            a.item
                .publish
                .cmp(&b.item.publish)
                .then_with(|| a.item.id.cmp(&b.item.id))
        });
        for r in items {
            let what = match r.item.kind {
                crate::kit::Kind::Social => {
                    let plats: Vec<&str> = r.posts.iter().map(|p| p.platform.name).collect();
                    format!("{} ({})", t.social, plats.join(", "))
                }
                crate::kit::Kind::Blog => t.blogs.to_string(),
                crate::kit::Kind::Howto => t.howtos.to_string(),
            };
            let desc = format!(
                "{what}. {}: {}. {} {}.",
                t.publish_from,
                r.item.publish.human(kit.campaign.language),
                t.files,
                r.item.id
            );
            event(
                &mut ics,
                &format!("{}@{domain}", r.item.id),
                &stamp,
                &r.item.publish.ical_utc(),
                &r.title,
                &desc,
            );
        }
        line(&mut ics, "END:VCALENDAR");
        Ok(vec![Artifact {
            path: "calendar.ics".into(),
            bytes: ics.into_bytes(),
            meta: FileMeta {
                kind: "calendar",
                publish: Some(launch.rfc3339()),
                ..FileMeta::default()
            },
        }])
    }
}

fn event(ics: &mut String, uid: &str, stamp: &str, start: &str, summary: &str, description: &str) {
    line(ics, "BEGIN:VEVENT");
    line(ics, &format!("UID:{uid}"));
    line(ics, &format!("DTSTAMP:{stamp}"));
    line(ics, &format!("DTSTART:{start}"));
    line(ics, "DURATION:PT30M");
    line(ics, &format!("SUMMARY:{}", escape(summary)));
    line(ics, &format!("DESCRIPTION:{}", escape(description)));
    line(ics, "TRANSP:TRANSPARENT");
    line(ics, "END:VEVENT");
}

/// TEXT escaping of RFC 5545 §3.3.11.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line, folded at 75 octets without splitting a UTF-8 sequence, with CRLF.
fn line(ics: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            ics.push_str("\r\n ");
            width = 1;
        }
        ics.push(c);
        width += len;
    }
    let _ = write!(ics, "\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_long_lines_on_character_boundaries() {
        let mut s = String::new();
        line(&mut s, &format!("SUMMARY:{}", "é".repeat(60)));
        for l in s.split("\r\n") {
            assert!(l.len() <= 75, "{l}");
        }
        assert_eq!(
            s.replace("\r\n ", ""),
            format!("SUMMARY:{}\r\n", "é".repeat(60))
        );
    }

    #[test]
    fn escapes_text() {
        assert_eq!(escape("a, b; c\\d\ne"), "a\\, b\\; c\\\\d\\ne");
    }
}
