//! Messages in the kit's language: every error, warning and hint is written in English and Dutch
//! side by side where it is made, with the [`tr!`](crate::tr!) macro, and shown in the
//! language of the kit being read.
//!
//! ```ignore
//! tr!("unknown key `{key}`", "onbekende sleutel `{key}`", key = name)
//! ```
//!
//! Placeholders are `{name}` with a name given after the two texts; any other brace (such as
//! `{{partner.name}}` in a hint) is text. Both texts are next to each other in the source, so a
//! message cannot lack its translation; a unit test reads the sources and checks that both
//! texts of every message use the same placeholders.
//!
//! The language is the kit's (`language` in `[campaign]`), set by the loader as soon as it is
//! known, before that read from kit.toml's text, and English when there is no kit at all.

use std::fmt::Display;
use std::sync::atomic::{AtomicU8, Ordering};

use crate::lang::Lang;

static LANG: AtomicU8 = AtomicU8::new(0);

/// Sets the language of the messages made from now on.
pub fn set_lang(lang: Lang) {
    LANG.store(
        match lang {
            Lang::En => 0,
            Lang::Nl => 1,
        },
        Ordering::Relaxed,
    );
}

/// The language messages are made in.
pub fn lang() -> Lang {
    match LANG.load(Ordering::Relaxed) {
        1 => Lang::Nl,
        _ => Lang::En,
    }
}

/// The kit's language as far as it can be read from kit.toml's text before it is parsed: the
/// first `language = "xx"` line.
pub fn sniff(kit_toml: &str) -> Option<Lang> {
    kit_toml.lines().find_map(|l| {
        let rest = l.trim_start().strip_prefix("language")?.trim_start();
        let value = rest.strip_prefix('=')?.trim_start();
        let value = value
            .strip_prefix('"')
            .or_else(|| value.strip_prefix('\''))?;
        match value.get(..2)? {
            "nl" => Some(Lang::Nl),
            "en" => Some(Lang::En),
            _ => None,
        }
    })
}

/// The text for the current language with its placeholders filled in.
pub fn pick(en: &str, nl: &str, args: &[(&str, &dyn Display)]) -> String {
    fill(
        match lang() {
            Lang::En => en,
            Lang::Nl => nl,
        },
        args,
    )
}

/// Replaces each `{name}` whose name is in `args`; leaves every other brace as it is.
pub fn fill(template: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let arg = (name_len > 0 && after[name_len..].starts_with('}'))
            .then(|| args.iter().find(|(n, _)| *n == &after[..name_len]))
            .flatten();
        match arg {
            Some((_, value)) => {
                out.push_str(&value.to_string());
                rest = &after[name_len + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A thing the kit names, in both languages, one and many: "barrier", "barriers".
#[derive(Debug, Clone, Copy)]
pub struct Noun {
    /// English, one.
    pub en: &'static str,
    /// English, many.
    pub en_many: &'static str,
    /// Dutch, one.
    pub nl: &'static str,
    /// Dutch, many.
    pub nl_many: &'static str,
}

impl Noun {
    /// One, in the current language.
    pub fn one(&self) -> &'static str {
        match lang() {
            Lang::En => self.en,
            Lang::Nl => self.nl,
        }
    }

    /// Many, in the current language.
    pub fn many(&self) -> &'static str {
        match lang() {
            Lang::En => self.en_many,
            Lang::Nl => self.nl_many,
        }
    }
}

/// The nouns messages use.
#[allow(missing_docs)]
pub mod nouns {
    use super::Noun;

    const fn n(
        en: &'static str,
        en_many: &'static str,
        nl: &'static str,
        nl_many: &'static str,
    ) -> Noun {
        Noun {
            en,
            en_many,
            nl,
            nl_many,
        }
    }
    pub const CAMPAIGN_ID: Noun = n("campaign id", "campaign ids", "campagne-id", "campagne-ids");
    pub const BARRIER_ID: Noun = n("barrier id", "barrier ids", "barrière-id", "barrière-ids");
    pub const TECHNIQUE_ID: Noun = n(
        "technique id",
        "technique ids",
        "techniek-id",
        "techniek-ids",
    );
    pub const PARTNER_ID: Noun = n("partner id", "partner ids", "partner-id", "partner-ids");
    pub const DECK_ID: Noun = n("deck id", "deck ids", "kaartset-id", "kaartset-ids");
    pub const ITEM_ID: Noun = n("item id", "item ids", "item-id", "item-ids");
    pub const MOMENT_ID: Noun = n("moment id", "moment ids", "moment-id", "moment-ids");
    pub const EVENT_ID: Noun = n("event id", "event ids", "bijeenkomst-id", "bijeenkomst-ids");
    pub const MOMENT: Noun = n("moment", "moments", "moment", "momenten");
    pub const EVENT: Noun = n("event", "events", "bijeenkomst", "bijeenkomsten");
    pub const LABEL: Noun = n("label", "labels", "omschrijving", "omschrijvingen");
    pub const BARRIER: Noun = n("barrier", "barriers", "barrière", "barrières");
    pub const TECHNIQUE: Noun = n("technique", "techniques", "techniek", "technieken");
    pub const PARTNER: Noun = n("partner", "partners", "partner", "partners");
    pub const DECK: Noun = n("deck", "decks", "kaartset", "kaartsets");
    pub const ITEM: Noun = n("content item", "content items", "tekst", "teksten");
    pub const PLATFORM: Noun = n("platform", "platforms", "platform", "platforms");
    pub const CHANNEL: Noun = n("channel", "channels", "kanaal", "kanalen");
    pub const TITLE: Noun = n("title", "titles", "titel", "titels");
    pub const OWNER: Noun = n("owner", "owners", "opdrachtgever", "opdrachtgevers");
    pub const PARTNER_NAME: Noun = n(
        "partner name",
        "partner names",
        "partnernaam",
        "partnernamen",
    );
}

/// A message in English and Dutch, shown in the kit's language: `tr!(en, nl, name = value, …)`.
#[macro_export]
macro_rules! tr {
    ($en:literal, $nl:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::tr::pick($en, $nl, &[$((stringify!($name), &$value as &dyn ::std::fmt::Display)),*])
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_named_placeholders_only() {
        let n = 3;
        assert_eq!(
            fill(
                "`{{partner.name}}` {n} x{n}y {m} {",
                &[("n", &n as &dyn Display)]
            ),
            "`{{partner.name}}` 3 x3y {m} {"
        );
    }

    #[test]
    fn sniffs_the_language() {
        assert_eq!(sniff("[campaign]\nlanguage = \"nl\"\n"), Some(Lang::Nl));
        assert_eq!(sniff("  language='en'"), Some(Lang::En));
        assert_eq!(sniff("languages = 1"), None);
    }

    /// Both texts of every `tr!` in the sources use the same placeholders, each given once.
    #[test]
    fn every_message_has_both_texts_with_the_same_placeholders() {
        fn placeholders(s: &str) -> std::collections::BTreeSet<String> {
            let mut out = std::collections::BTreeSet::new();
            let mut rest = s;
            while let Some(i) = rest.find('{') {
                let after = &rest[i + 1..];
                let len = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                if len > 0 && after[len..].starts_with('}') && !rest[..i].ends_with('{') {
                    out.insert(after[..len].to_string());
                }
                rest = after;
            }
            out
        }
        fn literals(call: &str) -> Vec<String> {
            // The string literals at the start of a tr! call.
            let mut out = Vec::new();
            let mut chars = call.char_indices().peekable();
            while let Some((_, c)) = chars.next() {
                if c == '"' {
                    let mut s = String::new();
                    let mut esc = false;
                    for (_, c) in chars.by_ref() {
                        if esc {
                            s.push(c);
                            esc = false;
                        } else if c == '\\' {
                            esc = true;
                        } else if c == '"' {
                            break;
                        } else {
                            s.push(c);
                        }
                    }
                    out.push(s);
                    if out.len() == 2 {
                        break;
                    }
                } else if !(c.is_whitespace() || c == ',' || c == '(') {
                    break;
                }
            }
            out
        }
        let mut seen = 0;
        let mut stack = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") && !p.ends_with("tr.rs") {
                    let src = std::fs::read_to_string(&p).unwrap();
                    for (i, _) in src.match_indices("tr!(") {
                        let before = src[..i].chars().next_back().unwrap_or(' ');
                        if before.is_alphanumeric() || before == '_' {
                            continue; // include_str!( and the like
                        }
                        let lits = literals(&src[i + 4..]);
                        assert_eq!(lits.len(), 2, "{}: a tr! without two texts", p.display());
                        assert_eq!(
                            placeholders(&lits[0]),
                            placeholders(&lits[1]),
                            "{}: {:?} and {:?} use other placeholders",
                            p.display(),
                            lits[0],
                            lits[1]
                        );
                        seen += 1;
                    }
                }
            }
        }
        assert!(seen > 0);
    }
}
