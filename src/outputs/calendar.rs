//! `calendar.ics` (RFC 5545): the launch, every publish moment (named steps and the items'
//! own times, one event each, listing the files to publish then) and the kit's events.
//!
//! Times are written in UTC (`…Z`), which every calendar converts to local time. UIDs are
//! stable (campaign, partner, moment or event), so a re-imported calendar updates its events
//! instead of adding copies: an event whose content changed since the previous build into the
//! same `--out` gets the next SEQUENCE and a new DTSTAMP (the build's time); an unchanged one
//! keeps both. A first build stamps every event with the launch, so its bytes repeat.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::Output;
use crate::artifact::{Artifact, FileMeta, PackContext, RenderedItem};
use crate::diag::Diagnostic;
use crate::i18n::labels_for;
use crate::kit::{Kind, Moment};

/// The calendar output.
pub struct Calendar;

/// One VEVENT before it is stamped: its UID, its start (for ordering) and its content lines.
struct Vevent {
    uid: String,
    start: i64,
    lines: Vec<String>,
}

/// The files an item puts in a pack, as the calendar and overview list them.
pub fn item_files(r: &RenderedItem<'_>) -> Vec<String> {
    let id = &r.item.id;
    match r.item.kind {
        Kind::Social => post_files(r),
        Kind::Blog | Kind::Howto => {
            let folder = r.item.kind.folder();
            vec![format!("{folder}/{id}.md"), format!("{folder}/{id}.html")]
        }
        Kind::Video => {
            let mut files = r
                .item
                .video
                .as_ref()
                .map(|f| super::video::files(id, f))
                .unwrap_or_default();
            files.extend(r.posts.iter().flat_map(|p| {
                [
                    format!("social/{id}.{}.txt", p.platform.id),
                    format!("social/{id}.{}.png", p.platform.id),
                ]
            }));
            files
        }
    }
}

/// A post's text and share image per platform.
fn post_files(r: &RenderedItem<'_>) -> Vec<String> {
    let id = &r.item.id;
    r.posts
        .iter()
        .flat_map(|p| {
            [
                format!("social/{id}.{}.txt", p.platform.id),
                format!("social/{id}.{}.png", p.platform.id),
            ]
        })
        .collect()
}

impl Output for Calendar {
    fn name(&self) -> &'static str {
        "calendar"
    }

    fn render(&self, cx: &PackContext<'_>) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
        let kit = cx.kit;
        let lang = kit.campaign.language;
        let t = labels_for(lang, cx.partner.address);
        let launch = kit.campaign.launch;
        let domain = format!("{}.{}.partnerkit", cx.partner.id, kit.campaign.id);

        // Publish moments: the launch, every named step, and every other time an item gives.
        #[derive(PartialEq, Eq, PartialOrd, Ord)]
        enum When<'a> {
            Launch,
            Step(&'a str),
            At(i64),
        }
        let mut groups: BTreeMap<(i64, When<'_>), Vec<&RenderedItem<'_>>> = BTreeMap::new();
        groups.insert((launch.unix, When::Launch), Vec::new());
        for s in &kit.moments {
            groups.insert((s.at.unix, When::Step(&s.id)), Vec::new());
        }
        for r in &cx.items {
            let key = match &r.item.step {
                Some(id) => (r.item.publish.unix, When::Step(id.as_str())),
                None if r.item.publish.unix == launch.unix => (launch.unix, When::Launch),
                None => (r.item.publish.unix, When::At(r.item.publish.unix)),
            };
            groups.entry(key).or_default().push(r);
        }
        let mut events = Vec::new();
        for ((_, when), items) in &groups {
            let at: Moment = match when {
                When::Launch => launch,
                When::Step(id) => kit
                    .moments
                    .iter()
                    .find(|s| s.id == *id)
                    .map_or(launch, |s| s.at),
                When::At(_) => items.first().map_or(launch, |r| r.item.publish),
            };
            let titles: Vec<&str> = items.iter().map(|r| r.title.as_str()).collect();
            let (uid, summary) = match when {
                When::Launch => (
                    format!("launch@{domain}"),
                    format!("{}: {}", t.launch, kit.campaign.title),
                ),
                When::Step(id) => (
                    format!("moment-{id}@{domain}"),
                    kit.moments
                        .iter()
                        .find(|s| s.id == *id)
                        .map_or_else(String::new, |s| s.label.clone()),
                ),
                When::At(_) => (
                    format!("publish-{}@{domain}", at.ical_utc()),
                    format!("{}: {}", t.publish_from, titles.join(" · ")),
                ),
            };
            let mut desc = format!(
                "{} {}. {}",
                t.not_before,
                at.human(lang),
                if *when == When::Launch {
                    t.not_before_explained
                } else {
                    ""
                }
            )
            .trim_end()
            .to_string();
            for r in items {
                let _ = write!(desc, "\n\n{}: {}", r.title, item_files(r).join(", "));
            }
            events.push(Vevent {
                uid,
                start: at.unix,
                lines: vec![
                    format!("DTSTART:{}", at.ical_utc()),
                    "DURATION:PT30M".to_string(),
                    format!("SUMMARY:{}", escape(&summary)),
                    format!("DESCRIPTION:{}", escape(&desc)),
                    "TRANSP:TRANSPARENT".to_string(),
                ],
            });
        }
        // The kit's events: sessions and meetings, busy time.
        for e in kit.events.iter().filter(|e| e.is_for(cx.partner)) {
            let mut lines = vec![
                format!("DTSTART:{}", e.start.ical_utc()),
                format!("DTEND:{}", e.end.ical_utc()),
                format!("SUMMARY:{}", escape(&e.title)),
            ];
            if let Some(l) = &e.location {
                lines.push(format!("LOCATION:{}", escape(l)));
            }
            if let Some(u) = &e.url {
                lines.push(format!("URL:{}", u.replace(['\r', '\n'], "")));
            }
            let mut desc = e.description.clone().unwrap_or_default();
            if let Some(u) = &e.url {
                if !desc.is_empty() {
                    desc.push_str("\n\n");
                }
                desc.push_str(u);
            }
            if !desc.is_empty() {
                lines.push(format!("DESCRIPTION:{}", escape(&desc)));
            }
            events.push(Vevent {
                uid: format!("event-{}@{domain}", e.id),
                start: e.start.unix,
                lines,
            });
        }
        events.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.uid.cmp(&b.uid)));

        // What the previous build into this --out said, by UID: (SEQUENCE, DTSTAMP, content).
        let previous = cx
            .previous
            .as_ref()
            .and_then(|files| files.get("calendar.ics"))
            .and_then(crate::changes::Seen::text)
            .map(|text| previous_events(&text));
        let now = Moment {
            unix: crate::distribution::now_unix(),
            offset_minutes: 0,
            zone: None,
        }
        .ical_utc();

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
        for e in &events {
            let content = e.lines.join("\n");
            let (sequence, stamp) = match previous.as_ref().map(|p| p.get(&e.uid)) {
                // First build into this --out: every event as it is, stamped with the launch.
                None => (0, launch.ical_utc()),
                // New since the previous build.
                Some(None) => (0, now.clone()),
                Some(Some((seq, stamp, old))) if *old == content => (*seq, stamp.clone()),
                Some(Some((seq, _, _))) => (seq + 1, now.clone()),
            };
            line(&mut ics, "BEGIN:VEVENT");
            line(&mut ics, &format!("UID:{}", e.uid));
            line(&mut ics, &format!("DTSTAMP:{stamp}"));
            line(&mut ics, &format!("SEQUENCE:{sequence}"));
            for l in &e.lines {
                line(&mut ics, l);
            }
            line(&mut ics, "END:VEVENT");
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

/// The events of a previous calendar.ics by UID: SEQUENCE, DTSTAMP and the other content lines
/// (unfolded, joined with newlines), to tell whether an event changed.
fn previous_events(text: &str) -> BTreeMap<String, (u32, String, String)> {
    let mut unfolded: Vec<String> = Vec::new();
    for l in text.split("\r\n") {
        match l.strip_prefix(' ') {
            Some(rest) if !unfolded.is_empty() => {
                if let Some(last) = unfolded.last_mut() {
                    last.push_str(rest);
                }
            }
            _ => unfolded.push(l.to_string()),
        }
    }
    let mut out = BTreeMap::new();
    let mut current: Option<(String, u32, String, Vec<String>)> = None;
    for l in unfolded {
        if l == "BEGIN:VEVENT" {
            current = Some((String::new(), 0, String::new(), Vec::new()));
        } else if l == "END:VEVENT" {
            if let Some((uid, seq, stamp, lines)) = current.take() {
                if !uid.is_empty() && out.len() < 10_000 {
                    out.insert(uid, (seq, stamp, lines.join("\n")));
                }
            }
        } else if let Some(c) = current.as_mut() {
            if let Some(v) = l.strip_prefix("UID:") {
                c.0 = v.to_string();
            } else if let Some(v) = l.strip_prefix("SEQUENCE:") {
                c.1 = v.trim().parse().unwrap_or(0);
            } else if let Some(v) = l.strip_prefix("DTSTAMP:") {
                c.2 = v.to_string();
            } else {
                c.3.push(l);
            }
        }
    }
    out
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
