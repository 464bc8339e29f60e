//! Loading a kit: read every file once, parse, validate, and collect every problem.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;

use super::assets::{load_logo, Logo};
use super::content::{split, SplitError};
use super::files::{FileError, KitFiles};
use super::moment::{Moment, MomentError};
use super::raw::{self, RawKit, S};
use super::*;
use crate::diag::{choices_hint, Diagnostic, Source};
use crate::platforms;

/// Largest text file (kit.toml, content, template) accepted.
pub const MAX_TEXT_BYTES: u64 = 1024 * 1024;
/// Most content files in one kit.
pub const MAX_CONTENT_FILES: usize = 1000;
/// Most card decks in one kit.
pub const MAX_DECKS: usize = 20;
/// Most cards in one deck (printed decks rarely have more than 60).
pub const MAX_CARDS: usize = 200;

/// Loads and validates the kit in `root`.
///
/// On success returns the kit and its warnings; otherwise every error and warning found.
pub fn load(root: &Path) -> Result<(Kit, Vec<Diagnostic>), Vec<Diagnostic>> {
    let files = match KitFiles::new(root) {
        Ok(f) => f,
        Err(why) => {
            return Err(vec![Diagnostic::error(
                "no-kit",
                format!("`{}` cannot be used as a kit: {why}", root.display()),
            )
            .hint(
                "give the folder that holds kit.toml, e.g. `partnerkit check kits/gelijke-kansen`",
            )]);
        }
    };
    let mut cx = Loader {
        root: root.to_path_buf(),
        files,
        diags: Vec::new(),
        sources: BTreeMap::new(),
    };
    let kit = cx.load();
    let Loader { mut diags, .. } = cx;
    crate::diag::sort(&mut diags);
    match kit {
        Some(kit) if !diags.iter().any(Diagnostic::is_error) => Ok((kit, diags)),
        _ => Err(diags),
    }
}

struct Loader {
    root: PathBuf,
    files: KitFiles,
    diags: Vec<Diagnostic>,
    sources: BTreeMap<PathBuf, Source>,
}

/// What content validation needs to know of kit.toml.
struct Known {
    barriers: Vec<String>,
    techniques: Vec<String>,
    partners: Vec<String>,
    launch: Option<Moment>,
}

const BCT_GROUP_SIZES: [u32; 16] = [9, 7, 3, 4, 6, 3, 8, 8, 3, 11, 4, 6, 5, 10, 4, 3];

/// Whether `code` is a technique code of the BCT Taxonomy v1 (1.1 to 16.3).
pub fn is_bct_code(code: &str) -> bool {
    let Some((g, n)) = code.split_once('.') else {
        return false;
    };
    if g.starts_with('0') || n.starts_with('0') {
        return false;
    }
    let (Ok(g), Ok(n)) = (g.parse::<usize>(), n.parse::<u32>()) else {
        return false;
    };
    (1..=16).contains(&g) && (1..=BCT_GROUP_SIZES[g - 1]).contains(&n)
}

impl Loader {
    fn err(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn read_text(&mut self, rel: &Path) -> Option<Source> {
        let name = rel.to_string_lossy().replace('\\', "/");
        let bytes = match self.files.read(&name, MAX_TEXT_BYTES) {
            Ok(b) => b,
            Err(FileError::TooLarge { bytes, .. }) => {
                self.err(
                    Diagnostic::error(
                        "too-large",
                        format!("`{name}` is {bytes} bytes; the limit is 1 MB"),
                    )
                    .in_file(rel)
                    .hint("split the text over several files"),
                );
                return None;
            }
            Err(e) => {
                self.err(Diagnostic::error("read", format!("`{name}` cannot be read: {e}")).in_file(rel).hint(
                    "partnerkit reads only regular files inside the kit folder; replace it with a plain text file",
                ));
                return None;
            }
        };
        let bytes = bytes
            .strip_prefix(b"\xef\xbb\xbf")
            .map(<[u8]>::to_vec)
            .unwrap_or(bytes);
        match String::from_utf8(bytes) {
            Ok(text) => {
                let src = Source::new(rel, text);
                let bad = super::clean::find(&src.text);
                for (span, c) in bad.iter().take(10) {
                    let is_bidi = !c.is_control();
                    self.err(
                        Diagnostic::error("invisible", format!("an invisible character {} stands here", super::clean::name(*c)))
                            .at(&src, span.clone())
                            .hint(if is_bidi {
                                "remove it: it makes text display in another order than it reads, so partners would publish something other than what you see"
                            } else {
                                "remove it: control characters break files and are not shown; retype the text around it if needed"
                            }),
                    );
                }
                if bad.len() > 10 {
                    self.err(
                        Diagnostic::error(
                            "invisible",
                            format!(
                                "… and {} more invisible characters in this file",
                                bad.len() - 10
                            ),
                        )
                        .in_file(rel),
                    );
                }
                if !bad.is_empty() {
                    return None;
                }
                self.sources.insert(rel.to_path_buf(), src.clone());
                Some(src)
            }
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let valid = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
                let line = valid.matches('\n').count() + 1;
                let mut d = Diagnostic::error(
                    "encoding",
                    format!("`{}` is not UTF-8 text", rel.display()),
                )
                .in_file(rel)
                .hint("save the file as UTF-8 (in Word or Notepad: Save as… → Encoding: UTF-8)");
                d.line = Some(line);
                self.err(d);
                None
            }
        }
    }

    fn load(&mut self) -> Option<Kit> {
        if !self.files.exists("kit.toml") {
            self.err(
                Diagnostic::error(
                    "no-kit",
                    format!("`{}` has no kit.toml", self.root.display()),
                )
                .hint("start a new kit with `partnerkit new <folder>`"),
            );
            return None;
        }
        let src = self.read_text(Path::new("kit.toml"))?;
        if src.text.trim().is_empty() {
            self.err(
                Diagnostic::error("empty", "kit.toml is empty")
                    .in_file("kit.toml")
                    .hint("a kit needs at least [campaign] and one [[partners]]; `partnerkit new` writes a complete example"),
            );
            return None;
        }
        let raw: Option<RawKit> = match parse_kit_toml(&src) {
            Ok(raw) => Some(raw),
            Err(diags) => {
                self.diags.extend(diags);
                None
            }
        };
        let known = raw.as_ref().map(|r| Known {
            barriers: r
                .barriers
                .iter()
                .map(|b| b.get_ref().id.get_ref().clone())
                .collect(),
            techniques: r.techniques.keys().map(|k| k.get_ref().clone()).collect(),
            partners: r
                .partners
                .iter()
                .map(|p| p.get_ref().id.get_ref().clone())
                .collect(),
            launch: Moment::from_toml(r.campaign.get_ref().launch.get_ref()).ok(),
        });
        let items = self.load_content(known.as_ref());
        let template_overrides = self.load_templates();
        let raw = raw?;
        // Validate kit.toml even when a content file failed, so one run lists every error.
        let items_ok = items.is_some();
        let kit = self.validate(&src, raw, items.unwrap_or_default(), template_overrides);
        kit.filter(|_| items_ok)
    }

    fn validate(
        &mut self,
        src: &Source,
        raw: RawKit,
        items: Vec<Item>,
        template_overrides: BTreeMap<String, Source>,
    ) -> Option<Kit> {
        let c = raw.campaign.into_inner();
        self.slug(src, &c.id, "campaign id");
        let language = match c.language.get_ref().as_str() {
            "nl" => Lang::Nl,
            "en" => Lang::En,
            other => {
                self.err(
                    Diagnostic::error(
                        "language",
                        format!("`{other}` is not a language partnerkit has labels for"),
                    )
                    .at(src, c.language.span())
                    .hint("write language = \"nl\" (Dutch) or language = \"en\" (English)"),
                );
                Lang::Nl
            }
        };
        for tag in &c.hashtags {
            let t = tag.get_ref();
            if !t.starts_with('#') || t.len() < 2 || t.chars().any(char::is_whitespace) {
                self.err(
                    Diagnostic::error("hashtag", format!("`{t}` is not a hashtag"))
                        .at(src, tag.span())
                        .hint(format!(
                            "write it with # and without spaces, e.g. \"#{}\"",
                            t.trim_start_matches('#').replace(' ', "")
                        )),
                );
            }
        }
        if let Some(url) = &c.url {
            if !(url.get_ref().starts_with("https://") || url.get_ref().starts_with("http://")) {
                self.err(
                    Diagnostic::error("url", format!("`{}` is not a web address", url.get_ref()))
                        .at(src, url.span())
                        .hint("write the full address, starting with https://"),
                );
            }
        }
        if let Some(contact) = &c.contact {
            if !contact.get_ref().contains('@') || contact.get_ref().contains(char::is_whitespace) {
                self.err(
                    Diagnostic::error(
                        "contact",
                        format!("`{}` is not an e-mail address", contact.get_ref()),
                    )
                    .at(src, contact.span())
                    .hint("write an address such as campagne@example.nl"),
                );
            }
        }
        let logo = c.logo.as_ref().and_then(|l| self.logo(src, l));
        let colour = c
            .colour
            .as_ref()
            .and_then(|col| self.colour(src, col))
            .unwrap_or(Colour::DEFAULT);
        let launch = match Moment::from_toml(c.launch.get_ref()) {
            Ok(m) => m,
            Err(e) => {
                self.err(moment_error(src, c.launch.span(), "launch", e));
                Moment {
                    unix: 0,
                    offset_minutes: 0,
                }
            }
        };
        let campaign = Campaign {
            id: c.id.into_inner(),
            title: non_empty(self, src, c.title, "title"),
            owner: non_empty(self, src, c.owner, "owner"),
            language,
            hashtags: c.hashtags.into_iter().map(Spanned::into_inner).collect(),
            url: c.url.map(Spanned::into_inner),
            contact: c.contact.map(Spanned::into_inner),
            logo,
            colour,
            launch,
        };

        let behaviour = match raw.behaviour {
            Some(b) => Behaviour {
                audience: b.audience.into_inner(),
                target: b.target.into_inner(),
            },
            None => {
                self.err(
                    Diagnostic::warning(
                        "behaviour",
                        "kit.toml has no [behaviour]: who is the audience, what should they do?",
                    )
                    .in_file("kit.toml")
                    .hint("add [behaviour] with audience = \"…\" and target = \"…\""),
                );
                Behaviour::default()
            }
        };

        // Techniques.
        let mut techniques = Vec::new();
        for (id, t) in raw.techniques {
            self.slug(src, &id, "technique id");
            let (label, bct) = match t.get_ref() {
                raw::RawTechnique::Label(l) => (l.clone(), None),
                raw::RawTechnique::Full(f) => (f.label.clone(), f.bct.clone()),
            };
            if let Some(code) = &bct {
                if !is_bct_code(code) {
                    self.err(
                        Diagnostic::error(
                            "bct",
                            format!("`{code}` is not a code of the BCT Taxonomy v1"),
                        )
                        .at(src, t.span())
                        .hint("codes run from 1.1 to 16.3, e.g. bct = \"1.4\" (action planning)"),
                    );
                }
            }
            techniques.push(Technique {
                id: id.into_inner(),
                label,
                bct,
            });
        }
        let technique_ids: Vec<&str> = techniques.iter().map(|t| t.id.as_str()).collect();

        // Barriers.
        let mut barriers = Vec::new();
        let mut seen = BTreeSet::new();
        for b in raw.barriers {
            let b = b.into_inner();
            self.slug(src, &b.id, "barrier id");
            self.unique(src, &mut seen, &b.id, "barrier");
            let factor = match Factor::parse(b.factor.get_ref()) {
                Some(f) => f,
                None => {
                    self.err(
                        Diagnostic::error(
                            "factor",
                            format!("`{}` is not a COM-B factor", b.factor.get_ref()),
                        )
                        .at(src, b.factor.span())
                        .hint(choices_hint(
                            b.factor.get_ref(),
                            "factors",
                            &Factor::NAMES,
                        )),
                    );
                    Factor::Capability
                }
            };
            for t in &b.techniques {
                self.reference(src, t, "technique", &technique_ids);
            }
            barriers.push(Barrier {
                id: b.id.into_inner(),
                factor,
                insight: b.insight.into_inner(),
                techniques: b.techniques.into_iter().map(Spanned::into_inner).collect(),
            });
        }
        let barrier_ids: Vec<String> = barriers.iter().map(|b| b.id.clone()).collect();
        let barrier_refs: Vec<&str> = barrier_ids.iter().map(String::as_str).collect();

        // Partners.
        let mut partners = Vec::new();
        let mut seen = BTreeSet::new();
        if raw.partners.is_empty() {
            self.err(
                Diagnostic::error(
                    "no-partners",
                    "kit.toml names no partners, so there is nothing to build",
                )
                .in_file("kit.toml")
                .hint("add a [[partners]] table with id, name, address and channels"),
            );
        }
        let channel_ids = platforms::channel_ids();
        for p in raw.partners {
            let p = p.into_inner();
            self.slug(src, &p.id, "partner id");
            self.unique(src, &mut seen, &p.id, "partner");
            let logo = p.logo.as_ref().and_then(|l| self.logo(src, l));
            let colour = p
                .colour
                .as_ref()
                .and_then(|col| self.colour(src, col))
                .unwrap_or(colour);
            let address = match p.address.get_ref().as_str() {
                "je" => Address::Je,
                "u" => Address::U,
                other => {
                    self.err(
                        Diagnostic::error("address", format!("`{other}` is not a form of address"))
                            .at(src, p.address.span())
                            .hint("write address = \"je\" (informal) or address = \"u\" (formal)"),
                    );
                    Address::Je
                }
            };
            let mut plats = Vec::new();
            let mut article_channels = Vec::new();
            let mut seen_ch = BTreeSet::new();
            if p.channels.get_ref().is_empty() {
                self.err(
                    Diagnostic::error(
                        "channels",
                        format!("partner `{}` has no channels", p.id.get_ref()),
                    )
                    .at(src, p.channels.span())
                    .hint(format!("name at least one of {}", channel_ids.join(", "))),
                );
            }
            for ch in p.channels.into_inner() {
                if !seen_ch.insert(ch.get_ref().clone()) {
                    self.err(
                        Diagnostic::error(
                            "duplicate",
                            format!("channel `{}` is named twice", ch.get_ref()),
                        )
                        .at(src, ch.span()),
                    );
                    continue;
                }
                if let Some(pl) = platforms::get(ch.get_ref()) {
                    plats.push(pl);
                } else if platforms::ARTICLE_CHANNELS.contains(&ch.get_ref().as_str()) {
                    article_channels.push(ch.into_inner());
                } else {
                    self.err(
                        Diagnostic::error(
                            "channel",
                            format!("`{}` is not a channel partnerkit knows", ch.get_ref()),
                        )
                        .at(src, ch.span())
                        .hint(choices_hint(
                            ch.get_ref(),
                            "channels",
                            &channel_ids,
                        )),
                    );
                }
            }
            partners.push(Partner {
                id: p.id.into_inner(),
                name: non_empty(self, src, p.name, "partner name"),
                logo,
                colour,
                address,
                platforms: plats,
                article_channels,
                vars: p.vars,
            });
        }
        let partner_ids: Vec<String> = partners.iter().map(|p| p.id.clone()).collect();
        let partner_refs: Vec<&str> = partner_ids.iter().map(String::as_str).collect();

        // Decks.
        let mut decks = Vec::new();
        let mut seen = BTreeSet::new();
        if let Some(extra) = raw.decks.get(MAX_DECKS) {
            self.err(
                Diagnostic::error("too-many", format!("the kit has {} decks; the limit is {MAX_DECKS}", raw.decks.len()))
                    .at(src, extra.get_ref().id.span())
                    .hint("every partner gets every deck as print files; combine decks, or give decks `partners = [...]` in separate kits"),
            );
        }
        for d in raw.decks.into_iter().take(MAX_DECKS) {
            let line = src.locate(d.span().start).0;
            let d = d.into_inner();
            if let Some(extra) = d.cards.get(MAX_CARDS) {
                self.err(
                    Diagnostic::error(
                        "too-many",
                        format!(
                            "deck `{}` has {} cards; the limit is {MAX_CARDS}",
                            d.id.get_ref(),
                            d.cards.len()
                        ),
                    )
                    .at(src, extra.span().start..extra.span().start + 1)
                    .hint(
                        "split it into several decks; a printed deck rarely has more than 60 cards",
                    ),
                );
            }
            self.slug(src, &d.id, "deck id");
            self.unique(src, &mut seen, &d.id, "deck");
            let size = match d.size.get_ref().to_ascii_lowercase().as_str() {
                "a6" => CardSize::A6,
                "a7" => CardSize::A7,
                "square" => CardSize::Square,
                _ => {
                    self.err(
                        Diagnostic::error("size", format!("`{}` is not a card size", d.size.get_ref()))
                            .at(src, d.size.span())
                            .hint("write size = \"A6\" (105×148 mm), \"A7\" (74×105 mm) or \"square\" (120×120 mm)"),
                    );
                    CardSize::A6
                }
            };
            if let Some(ps) = &d.partners {
                for p in ps {
                    self.reference(src, p, "partner", &partner_refs);
                }
            }
            for t in &d.techniques {
                self.reference(src, t, "technique", &technique_ids);
            }
            if d.cards.is_empty() {
                self.err(
                    Diagnostic::error("no-cards", format!("deck `{}` has no cards", d.id.get_ref()))
                        .at(src, d.id.span())
                        .hint("add [[decks.cards]] tables with text = \"…\" and addresses = [\"…\"] after the deck"),
                );
            }
            let mut cards = Vec::new();
            for card in d.cards {
                let line = src.locate(card.span().start).0;
                let card = card.into_inner();
                if card.text.get_ref().trim().is_empty() {
                    self.err(
                        Diagnostic::error("empty", "this card has no text")
                            .at(src, card.text.span()),
                    );
                }
                if card.addresses.is_empty() {
                    self.err(
                        Diagnostic::warning(
                            "no-barrier",
                            "this card addresses no barrier, so the report cannot place it",
                        )
                        .at(src, card.text.span())
                        .hint(format!(
                            "add addresses = [\"…\"] with one of: {}",
                            barrier_refs.join(", ")
                        )),
                    );
                }
                for a in &card.addresses {
                    self.reference(src, a, "barrier", &barrier_refs);
                }
                cards.push(Card {
                    text: card.text.into_inner(),
                    addresses: card
                        .addresses
                        .into_iter()
                        .map(Spanned::into_inner)
                        .collect(),
                    line,
                });
            }
            decks.push(Deck {
                id: d.id.into_inner(),
                title: d.title.into_inner(),
                size,
                intro: d.intro.map(Spanned::into_inner),
                partners: d
                    .partners
                    .map(|ps| ps.into_iter().map(Spanned::into_inner).collect()),
                techniques: d.techniques.into_iter().map(Spanned::into_inner).collect(),
                cards,
                line,
            });
        }

        let lint = LintConfig {
            min_readability: raw.lint.as_ref().and_then(|l| l.min_readability).unwrap_or(
                match language {
                    Lang::Nl => 60.0,
                    Lang::En => 60.0,
                },
            ),
            max_sentence_words: raw
                .lint
                .as_ref()
                .and_then(|l| l.max_sentence_words)
                .unwrap_or(20),
        };

        // Items that reach no partner at all.
        for item in &items {
            let reaches = partners.iter().any(|p| {
                item.is_for(p) && (item.kind != Kind::Social || !item.platforms_for(p).is_empty())
            });
            if !reaches && !partners.is_empty() {
                self.err(
                    Diagnostic::warning(
                        "unreached",
                        format!("`{}` reaches no partner: none of its partners has one of its platforms among its channels", item.file.display()),
                    )
                    .in_file(&item.file),
                );
            }
        }

        Some(Kit {
            root: self.root.clone(),
            campaign,
            behaviour,
            barriers,
            techniques,
            partners,
            decks,
            items,
            template_overrides,
            lint,
            sources: std::mem::take(&mut self.sources),
        })
    }

    fn load_content(&mut self, known: Option<&Known>) -> Option<Vec<Item>> {
        let names = match self.files.list("content", MAX_CONTENT_FILES) {
            Ok(names) => names.unwrap_or_default(),
            Err(FileError::TooLarge { .. }) => {
                self.err(Diagnostic::error(
                    "too-many",
                    format!("content/ holds more than {MAX_CONTENT_FILES} files; the limit is {MAX_CONTENT_FILES}"),
                ).in_file("content"));
                return None;
            }
            Err(e) => {
                self.err(
                    Diagnostic::error("read", format!("the folder `content` cannot be read: {e}"))
                        .in_file("content")
                        .hint("content/ must be a real folder inside the kit folder"),
                );
                return None;
            }
        };
        let mut files = Vec::new();
        for name in names {
            if name.ends_with(".md") {
                files.push(name);
            } else {
                self.err(
                    Diagnostic::warning(
                        "not-content",
                        format!("`content/{name}` is not used: content files end in .md"),
                    )
                    .in_file(format!("content/{name}")),
                );
            }
        }
        let mut items = Vec::new();
        let mut ok = true;
        for name in files {
            match self.load_item(&name, known) {
                Some(item) => items.push(item),
                None => ok = false,
            }
        }
        ok.then_some(items)
    }

    fn load_item(&mut self, name: &str, known: Option<&Known>) -> Option<Item> {
        let rel = PathBuf::from("content").join(name);
        let id = name.trim_end_matches(".md").to_string();
        let src = self.read_text(&rel)?;
        if is_windows_reserved(&id) {
            self.err(
                Diagnostic::error("id", format!("the file name `{name}` cannot be an item id: Windows cannot use `{id}` as a file name"))
                    .in_file(&rel)
                    .hint(format!("rename the file, e.g. to `{id}-1.md`")),
            );
        } else if !is_slug(&id) {
            self.err(
                Diagnostic::error("id", format!("the file name `{name}` cannot be an item id"))
                    .in_file(&rel)
                    .hint(format!(
                        "ids use only a-z, 0-9 and -, at most 64 characters; rename the file to `{}.md`",
                        slugify(&id)
                    )),
            );
        }
        if src.text.trim().is_empty() {
            self.err(
                Diagnostic::error("empty", format!("`{}` is empty", rel.display()))
                    .in_file(&rel)
                    .hint(
                        "start it with front matter between +++ lines: kind, title and addresses",
                    ),
            );
            return None;
        }
        let parts = match split(&src.text) {
            Ok(p) => p,
            Err(SplitError::NoOpening) => {
                self.err(
                    Diagnostic::error("front-matter", "the file does not start with front matter")
                        .at_line(&src, 1, 1)
                        .hint("the first line must be +++, then kind, title and addresses, then another +++ line"),
                );
                return None;
            }
            Err(SplitError::Unterminated) => {
                self.err(
                    Diagnostic::error("front-matter", "the front matter is never closed")
                        .at_line(&src, 1, 1)
                        .hint("end the front matter with a line that holds only +++"),
                );
                return None;
            }
        };
        let off = parts.front_matter_offset;
        let shift = |r: Range<usize>| r.start + off..r.end + off;
        let parsed = toml::de::DeTable::parse(parts.front_matter)
            .map_err(|e| vec![e])
            .and_then(|t| {
                let span = t.span();
                raw::deserialize_all::<raw::RawFrontMatter>(Spanned::new(
                    span,
                    toml::de::DeValue::Table(t.into_inner()),
                ))
            });
        let fm = match parsed {
            Ok(fm) => fm,
            Err(errors) => {
                let fm_src = Source::new(&rel, parts.front_matter.to_string());
                for e in &errors {
                    let mut d = toml_error(&fm_src, e);
                    if let Some(span) = e.span() {
                        d = Diagnostic { excerpt: None, ..d }.at(&src, shift(span));
                    } else {
                        d = d.in_file(&rel);
                    }
                    self.err(d);
                }
                return None;
            }
        };
        let kind = match fm.kind.get_ref().as_str() {
            "social" => Kind::Social,
            "blog" => Kind::Blog,
            "howto" => Kind::Howto,
            other => {
                self.err(
                    Diagnostic::error("kind", format!("`{other}` is not a kind of content"))
                        .at(&src, shift(fm.kind.span()))
                        .hint(choices_hint(other, "kinds", &["social", "blog", "howto"])),
                );
                return None;
            }
        };
        let barrier_refs: Vec<&str> = known
            .map(|k| k.barriers.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let technique_refs: Vec<&str> = known
            .map(|k| k.techniques.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let partner_refs: Vec<&str> = known
            .map(|k| k.partners.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let addresses = match &fm.addresses {
            Some(a) if !a.get_ref().is_empty() => a.get_ref().clone(),
            Some(a) => {
                self.err(
                    Diagnostic::error(
                        "no-barrier",
                        "`addresses` is empty: every item must work on at least one barrier",
                    )
                    .at(&src, shift(a.span()))
                    .hint(format!("name one or more of: {}", barrier_refs.join(", "))),
                );
                Vec::new()
            }
            None => {
                self.err(
                    Diagnostic::error("no-barrier", "the front matter has no `addresses`: every item must work on at least one barrier")
                        .at_line(&src, 1, 1)
                        .hint(format!("add addresses = [\"…\"] with one or more of: {}", barrier_refs.join(", "))),
                );
                Vec::new()
            }
        };
        if known.is_some() {
            for a in &addresses {
                self.reference_shifted(&src, a, off, "barrier", &barrier_refs);
            }
            for t in &fm.techniques {
                self.reference_shifted(&src, t, off, "technique", &technique_refs);
            }
            for p in fm.partners.iter().flatten() {
                self.reference_shifted(&src, p, off, "partner", &partner_refs);
            }
        }
        let mut plats = None;
        if let Some(list) = &fm.platforms {
            if kind != Kind::Social {
                self.err(
                    Diagnostic::error("platforms", "only social items have `platforms`")
                        .at(&src, shift(list.first().map_or(0..0, |p| p.span())))
                        .hint("articles go to every partner with a website or newsletter channel; remove the line"),
                );
            }
            let mut v = Vec::new();
            for p in list {
                match platforms::get(p.get_ref()) {
                    Some(pl) => v.push(pl),
                    None => self.err(
                        Diagnostic::error(
                            "platform",
                            format!("`{}` is not a social platform", p.get_ref()),
                        )
                        .at(&src, shift(p.span()))
                        .hint(choices_hint(
                            p.get_ref(),
                            "platforms",
                            &platforms::platform_ids(),
                        )),
                    ),
                }
            }
            plats = Some(v);
        }
        let publish = match &fm.publish {
            Some(p) => match Moment::from_toml(p.get_ref()) {
                Ok(m) => {
                    if let Some(launch) = known.and_then(|k| k.launch) {
                        if m < launch {
                            self.err(
                                Diagnostic::error("before-launch", format!("`publish` is before the launch ({launch})"))
                                    .at(&src, shift(p.span()))
                                    .hint("nothing is published before the collective kick-off; give a later moment or remove the line"),
                            );
                        }
                    }
                    m
                }
                Err(e) => {
                    self.err(moment_error(&src, shift(p.span()), "publish", e));
                    Moment {
                        unix: 0,
                        offset_minutes: 0,
                    }
                }
            },
            None => known.and_then(|k| k.launch).unwrap_or(Moment {
                unix: 0,
                offset_minutes: 0,
            }),
        };
        if kind != Kind::Social {
            if let Some(alt) = &fm.image_alt {
                self.err(
                    Diagnostic::error(
                        "image-alt",
                        "only social items have a share image, so `image_alt` has no use here",
                    )
                    .at(&src, shift(alt.span()))
                    .hint("remove the line"),
                );
            }
            if let Some((k, _)) = fm.variants.iter().next() {
                self.err(
                    Diagnostic::error("variants", "only social items have `[variants]`")
                        .at(&src, shift(k.span()))
                        .hint("remove the [variants] table"),
                );
            }
        } else if fm.image_alt.is_none() {
            self.err(
                Diagnostic::warning("no-alt", "this social item has no `image_alt`; the share image's alt text falls back to its quote")
                    .at_line(&src, 1, 1)
                    .hint("add image_alt = \"…\" describing the picture for people who cannot see it"),
            );
        }
        let mut variants = BTreeMap::new();
        for (k, v) in &fm.variants {
            if platforms::get(k.get_ref()).is_none() {
                self.err(
                    Diagnostic::error(
                        "platform",
                        format!("`{}` in [variants] is not a social platform", k.get_ref()),
                    )
                    .at(&src, shift(k.span()))
                    .hint(choices_hint(
                        k.get_ref(),
                        "platforms",
                        &platforms::platform_ids(),
                    )),
                );
                continue;
            }
            variants.insert(
                k.get_ref().clone(),
                text_at(&src, shift(v.span()), v.get_ref()),
            );
        }
        if parts.body.trim().is_empty() {
            self.err(
                Diagnostic::error("empty", "the item has no body text after the front matter")
                    .at_line(&src, parts.body_line.saturating_sub(1), 1)
                    .hint("write the text in Markdown after the closing +++ line"),
            );
        }
        if fm.title.get_ref().trim().is_empty() {
            self.err(
                Diagnostic::error("empty", "the title is empty").at(&src, shift(fm.title.span())),
            );
        }
        let title = text_at(&src, shift(fm.title.span()), fm.title.get_ref());
        let quote = fm
            .quote
            .as_ref()
            .map(|q| text_at(&src, shift(q.span()), q.get_ref()));
        Some(Item {
            id,
            file: rel.clone(),
            kind,
            title,
            addresses: addresses.into_iter().map(Spanned::into_inner).collect(),
            techniques: fm.techniques.into_iter().map(Spanned::into_inner).collect(),
            partners: fm
                .partners
                .map(|ps| ps.into_iter().map(Spanned::into_inner).collect()),
            platforms: plats,
            publish,
            image_alt: fm.image_alt.map(Spanned::into_inner),
            quote,
            variants,
            body: Text {
                source: parts.body.to_string(),
                file: rel,
                first_line: parts.body_line,
                first_column: 1,
            },
        })
    }

    fn load_templates(&mut self) -> BTreeMap<String, Source> {
        let mut out = BTreeMap::new();
        let names = match self.files.list("templates", 100) {
            Ok(names) => names.unwrap_or_default(),
            Err(e) => {
                let why = match e {
                    FileError::TooLarge { .. } => "it holds more than 100 files".to_string(),
                    e => e.to_string(),
                };
                self.err(
                    Diagnostic::error("read", format!("the folder `templates` cannot be read: {why}"))
                        .in_file("templates")
                        .hint("templates/ must be a real folder inside the kit folder, holding only your versions of the built-in templates"),
                );
                return out;
            }
        };
        let builtins = crate::render::templates::BUILTIN_NAMES;
        for name in names {
            if name.starts_with('.') {
                continue;
            }
            let rel = PathBuf::from("templates").join(&name);
            if !builtins.contains(&name.as_str()) {
                self.err(
                    Diagnostic::warning(
                        "template-name",
                        format!(
                            "`{}` does not override any built-in template",
                            rel.display()
                        ),
                    )
                    .in_file(&rel)
                    .hint(choices_hint(&name, "template names", builtins)),
                );
                continue;
            }
            if let Some(src) = self.read_text(&rel) {
                out.insert(name, src);
            }
        }
        out
    }

    fn slug(&mut self, src: &Source, id: &S, what: &str) {
        if is_windows_reserved(id.get_ref()) {
            self.err(
                Diagnostic::error(
                    "id",
                    format!(
                        "`{}` cannot be a {what}: Windows cannot use it as a file name",
                        id.get_ref()
                    ),
                )
                .at(src, id.span())
                .hint(format!("choose another id, e.g. \"{}-1\"", id.get_ref())),
            );
        } else if !is_slug(id.get_ref()) {
            self.err(
                Diagnostic::error("id", format!("`{}` is not a valid {what}", id.get_ref()))
                    .at(src, id.span())
                    .hint(format!(
                        "ids use only a-z, 0-9 and -, 1 to 64 characters (they become file names); e.g. \"{}\"",
                        slugify(id.get_ref())
                    )),
            );
        }
    }

    fn unique(&mut self, src: &Source, seen: &mut BTreeSet<String>, id: &S, what: &str) {
        if !seen.insert(id.get_ref().clone()) {
            self.err(
                Diagnostic::error(
                    "duplicate",
                    format!("there are two {what}s with id `{}`", id.get_ref()),
                )
                .at(src, id.span())
                .hint(format!("every {what} needs its own id")),
            );
        }
    }

    fn reference(&mut self, src: &Source, r: &S, what: &str, valid: &[&str]) {
        self.reference_shifted(src, r, 0, what, valid);
    }

    fn reference_shifted(&mut self, src: &Source, r: &S, off: usize, what: &str, valid: &[&str]) {
        if !valid.contains(&r.get_ref().as_str()) {
            let span = r.span();
            self.err(
                Diagnostic::error(
                    "unknown-id",
                    format!("there is no {what} `{}` in kit.toml", r.get_ref()),
                )
                .at(src, span.start + off..span.end + off)
                .hint(choices_hint(r.get_ref(), &format!("{what}s"), valid)),
            );
        }
    }

    fn colour(&mut self, src: &Source, c: &S) -> Option<Colour> {
        let parsed = Colour::parse(c.get_ref());
        if parsed.is_none() {
            self.err(
                Diagnostic::error("colour", format!("`{}` is not a colour", c.get_ref()))
                    .at(src, c.span())
                    .hint("write it as # and six hex digits, e.g. colour = \"#e17000\""),
            );
        }
        parsed
    }

    fn logo(&mut self, src: &Source, path: &S) -> Option<Logo> {
        match load_logo(&self.files, path.get_ref()) {
            Ok(l) => Some(l),
            Err(why) => {
                self.err(
                    Diagnostic::error("logo", format!("cannot use the logo `{}`: {why}", path.get_ref()))
                        .at(src, path.span())
                        .hint("give a PNG, JPEG, WebP or SVG file inside the kit folder, e.g. \"assets/logo.png\""),
                );
                None
            }
        }
    }
}

fn non_empty(l: &mut Loader, src: &Source, s: S, what: &str) -> String {
    if s.get_ref().trim().is_empty() {
        l.err(Diagnostic::error("empty", format!("the {what} is empty")).at(src, s.span()));
    }
    s.into_inner()
}

/// A text value inside a TOML file, remembering where it starts (just after its opening quote).
fn text_at(src: &Source, span: Range<usize>, value: &str) -> Text {
    let quote_len = if src.text[span.start..].starts_with("'''")
        || src.text[span.start..].starts_with("\"\"\"")
    {
        3
    } else {
        1
    };
    let (line, column, _) = src.locate(span.start + quote_len);
    Text {
        source: value.to_string(),
        file: src.path.clone(),
        first_line: line,
        first_column: column,
    }
}

fn moment_error(src: &Source, span: Range<usize>, key: &str, e: MomentError) -> Diagnostic {
    let msg = match e {
        MomentError::Incomplete => format!("`{key}` needs a date and a time"),
        MomentError::NoOffset => {
            format!("`{key}` has no time zone, so partners could read it differently")
        }
        MomentError::OutOfRange => {
            return Diagnostic::error("moment", format!("`{key}` is outside the dates partnerkit can put in calendars and zip files"))
                .at(src, span)
                .hint(format!(
                    "give a date from {} to {} with a time zone between -14:00 and +14:00, e.g. {key} = 2026-03-02T09:00:00+01:00",
                    super::moment::YEARS.start(),
                    super::moment::YEARS.end()
                ));
        }
    };
    Diagnostic::error("moment", msg)
        .at(src, span)
        .hint(format!("write it like {key} = 2026-03-02T09:00:00+01:00 (+01:00 is Dutch winter time, +02:00 summer time)"))
}

/// Parses kit.toml, reporting every syntax error, and on type or key errors every one of them
/// (see [`raw::deserialize_all`]).
fn parse_kit_toml(src: &Source) -> Result<RawKit, Vec<Diagnostic>> {
    use toml::de::{DeTable, DeValue};
    const TABLES: [&str; 7] = [
        "campaign",
        "behaviour",
        "barriers",
        "techniques",
        "partners",
        "decks",
        "lint",
    ];

    let (root, syntax) = DeTable::parse_recoverable(&src.text);
    if !syntax.is_empty() {
        return Err(syntax.iter().map(|e| toml_error(src, e)).collect());
    }
    let span = root.span();
    let mut table = root.into_inner();
    let mut diags = Vec::new();
    for (key, _) in table.iter() {
        let name = key.get_ref().as_ref();
        if !TABLES.contains(&name) {
            diags.push(
                Diagnostic::error("toml", format!("unknown table `{name}`"))
                    .at(src, key.span())
                    .hint(choices_hint(name, "tables", &TABLES)),
            );
        }
    }
    let unknown: Vec<String> = table
        .iter()
        .map(|(k, _)| k.get_ref().to_string())
        .filter(|k| !TABLES.contains(&k.as_str()))
        .collect();
    for k in &unknown {
        table.remove(k.as_str());
    }
    match raw::deserialize_all::<RawKit>(Spanned::new(span, DeValue::Table(table))) {
        Ok(kit) if diags.is_empty() => Ok(kit),
        Ok(_) => Err(diags),
        Err(errors) => {
            diags.extend(errors.iter().map(|e| toml_error(src, e)));
            Err(diags)
        }
    }
}

/// Turns a TOML parse or type error into a diagnostic with the nearest valid key.
fn toml_error(src: &Source, e: &toml::de::Error) -> Diagnostic {
    let message = e.message().trim().to_string();
    let mut d = Diagnostic::error("toml", plain_toml_message(&message));
    d = match e.span() {
        Some(span) => d.at(src, span),
        None => d.in_file(&src.path),
    };
    if let Some(rest) = message.strip_prefix("unknown field `") {
        if let Some((field, expected)) = rest.split_once('`') {
            let valid: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
            d = d.hint(choices_hint(field, "keys here", &valid));
        }
    } else if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or_default();
        d = d.hint(format!(
            "add `{field} = …` to this table (see the kit format for what it holds)"
        ));
    } else if message.contains("data did not match any variant") {
        d = d.hint(
            "write a technique as id = \"Label\" or id = { label = \"Label\", bct = \"1.4\" }",
        );
    }
    d
}

fn plain_toml_message(m: &str) -> String {
    if let Some(rest) = m.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or_default();
        return format!("unknown key `{field}`");
    }
    if let Some(rest) = m.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or_default();
        return format!("the key `{field}` is required here but missing");
    }
    if let Some(rest) = m.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            let want = match expected {
                "a string" => "text in double quotes",
                "a sequence" => "a list in square brackets, like [\"a\", \"b\"]",
                "a boolean" => "true or false",
                e => e,
            };
            return format!("expected {want} here, not {found}");
        }
    }
    if m.starts_with("duplicate key") {
        return format!("{m}: each key may appear only once in a table");
    }
    m.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_bct_taxonomy_codes() {
        for ok in ["1.1", "1.9", "4.1", "10.11", "16.3", "12.5"] {
            assert!(is_bct_code(ok), "{ok}");
        }
        for bad in [
            "0.1", "1.10", "16.4", "17.1", "1", "1.04", "01.4", "a.b", "",
        ] {
            assert!(!is_bct_code(bad), "{bad}");
        }
    }
}
