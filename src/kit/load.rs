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
use crate::tr;
use crate::tr::{nouns, Noun};

/// Largest text file (kit.toml, content, template) accepted.
pub const MAX_TEXT_BYTES: u64 = 1024 * 1024;
/// Most content files in one kit.
pub const MAX_CONTENT_FILES: usize = 1000;
/// Most bytes of film all packs together may hold (each pack holds its own copy).
pub const MAX_FILM_COPIES_BYTES: u64 = 512 * 1000 * 1000;
/// Most `[[moments]]` in one kit: steps of a launch, not a schedule of every post.
pub const MAX_MOMENTS: usize = 50;
/// Most `[[events]]` in one kit (each goes into every partner's calendar).
pub const MAX_EVENTS: usize = 200;
/// Most card decks in one kit.
pub const MAX_DECKS: usize = 20;
/// Most cards in one deck (printed decks rarely have more than 60).
pub const MAX_CARDS: usize = 200;

/// Loads and validates the kit in `root`.
///
/// On success returns the kit and its warnings; otherwise every error and warning found.
pub fn load(root: &Path) -> Result<(Kit, Vec<Diagnostic>), Vec<Diagnostic>> {
    load_beside(root, None).map(|(kit, diags, _)| (kit, diags))
}

/// The build cache a load took logos from: the build goes on with it.
pub type LoadCache = Option<crate::cache::Cache>;

/// [`load`] for a build into `out`: logos an earlier build normalised are taken from the cache
/// beside its output (an existing folder, not a link; no folder is created), and logos it did
/// not have are added to it. Returns that cache too, for the build to go on with.
pub fn load_beside(
    root: &Path,
    beside: Option<&Path>,
) -> Result<(Kit, Vec<Diagnostic>, LoadCache), Vec<Diagnostic>> {
    // Only a real folder apart from the kit (the build refuses an --out inside the kit, or
    // holding it, before touching anything; so does loading).
    let beside = beside.filter(|out| {
        fs_is_dir(out)
            && match (out.canonicalize(), root.canonicalize()) {
                (Ok(out), Ok(root)) => !out.starts_with(&root) && !root.starts_with(&out),
                _ => false,
            }
    });
    let files = match KitFiles::new(root) {
        Ok(f) => f,
        Err(why) => {
            return Err(vec![Diagnostic::error(
                "no-kit",
                tr!(
                    "`{folder}` cannot be used as a kit: {why}",
                    "`{folder}` is niet als kit te gebruiken: {why}",
                    folder = root.display(),
                    why = why
                ),
            )
            .hint(tr!(
                "give the folder that holds kit.toml, e.g. `partnerkit check kits/gelijke-kansen`",
                "geef de map met kit.toml, bijvoorbeeld `partnerkit check kits/gelijke-kansen`"
            ))]);
        }
    };
    // Messages in the kit's language from the first one on (kit.toml is read again, bounded,
    // by the loader proper).
    if let Ok(bytes) = files.read("kit.toml", MAX_TEXT_BYTES) {
        if let Some(lang) = crate::tr::sniff(&String::from_utf8_lossy(&bytes)) {
            crate::tr::set_lang(lang);
        }
    }
    let mut cx = Loader {
        root: root.to_path_buf(),
        files,
        diags: Vec::new(),
        sources: BTreeMap::new(),
        logos: std::collections::HashMap::new(),
        beside: beside.map(Path::to_path_buf),
        cache: None,
    };
    let kit = cx.load();
    let Loader {
        mut diags, cache, ..
    } = cx;
    crate::diag::sort(&mut diags);
    match kit {
        Some(kit) if !diags.iter().any(Diagnostic::is_error) => Ok((kit, diags, cache)),
        _ => Err(diags),
    }
}

struct Loader {
    root: PathBuf,
    files: KitFiles,
    diags: Vec<Diagnostic>,
    sources: BTreeMap<PathBuf, Source>,
    /// Every logo kit.toml names, read and normalised up front on all cores (a national kit
    /// has a hundred partners, each with its own logo to decode, draw and scale).
    logos: std::collections::HashMap<String, Result<Logo, String>>,
    /// The `--out` folder of a build, whose cache may hold the normalised logos.
    beside: Option<PathBuf>,
    /// That cache, when there is one.
    cache: LoadCache,
}

/// What content validation needs to know of kit.toml.
struct Known {
    zone: Option<super::moment::Zone>,
    barriers: Vec<String>,
    techniques: Vec<String>,
    partners: Vec<String>,
    launch: Option<Moment>,
    /// `[[moments]]` that read: id and moment.
    moments: Vec<(String, Moment)>,
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
                        tr!(
                            "`{name}` is {bytes} bytes; the limit is 1 MB",
                            "`{name}` is {bytes} bytes; de grens is 1 MB",
                            name = name,
                            bytes = bytes
                        ),
                    )
                    .in_file(rel)
                    .hint(tr!(
                        "split the text over several files",
                        "verdeel de tekst over meer bestanden"
                    )),
                );
                return None;
            }
            Err(e) => {
                self.err(Diagnostic::error("read", tr!("`{name}` cannot be read: {e}", "`{name}` kan niet worden gelezen: {e}", name = name, e = e)).in_file(rel).hint(
                    tr!("partnerkit reads only regular files inside the kit folder; replace it with a plain text file", "partnerkit leest alleen gewone bestanden in de kitmap; vervang het door een gewoon tekstbestand"),
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
                        Diagnostic::error("invisible", tr!("an invisible character {name} stands here", "hier staat een onzichtbaar teken {name}", name = super::clean::name(*c)))
                            .at(&src, span.clone())
                            .hint(if is_bidi {
                                tr!("remove it: it makes text display in another order than it reads, so partners would publish something other than what you see", "haal het weg: het toont tekst in een andere volgorde dan hij gelezen wordt, zodat partners iets anders publiceren dan u ziet")
                            } else {
                                tr!("remove it: control characters break files and are not shown; retype the text around it if needed", "haal het weg: stuurtekens maken bestanden kapot en zijn niet te zien; typ zo nodig de tekst eromheen opnieuw")
                            }),
                    );
                }
                if bad.len() > 10 {
                    self.err(
                        Diagnostic::error(
                            "invisible",
                            tr!(
                                "… and {n} more invisible characters in this file",
                                "… en nog {n} onzichtbare tekens in dit bestand",
                                n = bad.len() - 10
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
                    tr!("`{file}` is not UTF-8 text", "`{file}` is geen UTF-8-tekst", file = rel.display()),
                )
                .in_file(rel)
                .hint(tr!("save the file as UTF-8 (in Word or Notepad: Save as… → Encoding: UTF-8)", "sla het bestand op als UTF-8 (in Word of Kladblok: Opslaan als… → Codering: UTF-8)"));
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
                    tr!(
                        "`{folder}` has no kit.toml",
                        "`{folder}` heeft geen kit.toml",
                        folder = self.root.display()
                    ),
                )
                .hint(tr!(
                    "start a new kit with `partnerkit new <folder>`",
                    "begin een nieuwe kit met `partnerkit new <map>`"
                )),
            );
            return None;
        }
        let src = self.read_text(Path::new("kit.toml"))?;
        if src.text.trim().is_empty() {
            self.err(
                Diagnostic::error("empty", tr!("kit.toml is empty", "kit.toml is leeg"))
                    .in_file("kit.toml")
                    .hint(tr!("a kit needs at least [campaign] and one [[partners]]; `partnerkit new` writes a complete example", "een kit heeft minstens [campaign] en één [[partners]] nodig; `partnerkit new` schrijft een volledig voorbeeld")),
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
        let known = raw.as_ref().map(|r| {
            let zone = r
                .campaign
                .get_ref()
                .timezone
                .as_ref()
                .and_then(|t| super::moment::Zone::get(t.get_ref()));
            Known {
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
                launch: Moment::from_toml_in(r.campaign.get_ref().launch.get_ref(), zone.as_ref())
                    .ok(),
                moments: r
                    .moments
                    .iter()
                    .filter_map(|m| {
                        let m = m.get_ref();
                        Moment::from_toml_in(m.at.get_ref(), zone.as_ref())
                            .ok()
                            .map(|at| (m.id.get_ref().clone(), at))
                    })
                    .collect(),
                zone,
            }
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
        let mut paths: Vec<String> = raw
            .partners
            .iter()
            .filter_map(|p| p.get_ref().logo.as_ref().map(|l| l.get_ref().clone()))
            .chain(
                raw.campaign
                    .get_ref()
                    .logo
                    .as_ref()
                    .map(|l| l.get_ref().clone()),
            )
            .collect();
        paths.sort();
        paths.dedup();
        // Normalised by an earlier build into the cache beside the output: taken from there.
        let id = raw.campaign.get_ref().id.get_ref();
        self.cache = self
            .beside
            .as_deref()
            .filter(|_| super::is_slug(id))
            .and_then(|out| crate::cache::Cache::existing(&crate::cache::folder(out, id)));
        let cache = self.cache.as_ref();
        let loaded = crate::util::parallel_map(&paths, |p| load_logo(&self.files, p, cache));
        self.logos = paths.into_iter().zip(loaded).collect();
        let c = raw.campaign.into_inner();
        self.slug(src, &c.id, nouns::CAMPAIGN_ID);
        let language = match c.language.get_ref().as_str() {
            "nl" => Lang::Nl,
            "en" => Lang::En,
            other => {
                self.err(
                    Diagnostic::error(
                        "language",
                        tr!(
                            "`{other}` is not a language partnerkit has labels for",
                            "`{other}` is geen taal waarvoor partnerkit teksten heeft",
                            other = other
                        ),
                    )
                    .at(src, c.language.span())
                    .hint(tr!(
                        "write language = \"nl\" (Dutch) or language = \"en\" (English)",
                        "schrijf language = \"nl\" (Nederlands) of language = \"en\" (Engels)"
                    )),
                );
                Lang::Nl
            }
        };
        if matches!(c.language.get_ref().as_str(), "nl" | "en") {
            crate::tr::set_lang(language);
        }
        for tag in &c.hashtags {
            let t = tag.get_ref();
            if !t.starts_with('#') || t.len() < 2 || t.chars().any(char::is_whitespace) {
                self.err(
                    Diagnostic::error(
                        "hashtag",
                        tr!("`{t}` is not a hashtag", "`{t}` is geen hashtag", t = t),
                    )
                    .at(src, tag.span())
                    .hint(tr!(
                        "write it with # and without spaces, e.g. \"#{tag}\"",
                        "schrijf hem met # en zonder spaties, bijvoorbeeld \"#{tag}\"",
                        tag = t.trim_start_matches('#').replace(' ', "")
                    )),
                );
            }
        }
        if let Some(url) = &c.url {
            if !(url.get_ref().starts_with("https://") || url.get_ref().starts_with("http://")) {
                self.err(
                    Diagnostic::error(
                        "url",
                        tr!(
                            "`{url}` is not a web address",
                            "`{url}` is geen webadres",
                            url = url.get_ref()
                        ),
                    )
                    .at(src, url.span())
                    .hint(tr!(
                        "write the full address, starting with https://",
                        "schrijf het volledige adres, beginnend met https://"
                    )),
                );
            }
        }
        if let Some(contact) = &c.contact {
            if !contact.get_ref().contains('@') || contact.get_ref().contains(char::is_whitespace) {
                self.err(
                    Diagnostic::error(
                        "contact",
                        tr!(
                            "`{a}` is not an e-mail address",
                            "`{a}` is geen e-mailadres",
                            a = contact.get_ref()
                        ),
                    )
                    .at(src, contact.span())
                    .hint(tr!(
                        "write an address such as campagne@example.nl",
                        "schrijf een adres zoals campagne@example.nl"
                    )),
                );
            }
        }
        let logo = c.logo.as_ref().and_then(|l| self.logo(src, l));
        let colour = c
            .colour
            .as_ref()
            .and_then(|col| self.colour(src, col))
            .unwrap_or(Colour::DEFAULT);
        let zone = c.timezone.as_ref().and_then(|t| {
            let z = super::moment::Zone::get(t.get_ref());
            if z.is_none() {
                let names: Vec<String> = jiff::tz::db().available().map(|n| n.to_string()).collect();
                let nearest = crate::diag::nearest(t.get_ref(), names.iter().map(String::as_str))
                    .map(str::to_string);
                self.err(
                    Diagnostic::error(
                        "timezone",
                        tr!("`{tz}` is not a time zone", "`{tz}` is geen tijdzone", tz = t.get_ref()),
                    )
                    .at(src, t.span())
                    .hint(match nearest {
                        Some(n) => tr!(
                            "did you mean `{n}`? Time zones are IANA names, like \"Europe/Amsterdam\"",
                            "bedoelt u `{n}`? Tijdzones zijn IANA-namen, zoals \"Europe/Amsterdam\"",
                            n = n
                        ),
                        None => tr!(
                            "time zones are IANA names, like \"Europe/Amsterdam\"",
                            "tijdzones zijn IANA-namen, zoals \"Europe/Amsterdam\""
                        ),
                    }),
                );
            }
            z
        });
        let launch = match Moment::from_toml_in(c.launch.get_ref(), zone.as_ref()) {
            Ok(m) => m,
            Err(e) => {
                self.err(moment_error(src, c.launch.span(), "launch", e));
                Moment {
                    unix: 0,
                    offset_minutes: 0,
                    zone: None,
                }
            }
        };
        let track_host = match &c.track_links {
            Some(t) if *t.get_ref() => {
                let host = c
                    .url
                    .as_ref()
                    .and_then(|u| crate::tracking::site_host(u.get_ref()));
                if host.is_none() {
                    self.err(
                        Diagnostic::error(
                            "track-links",
                            tr!(
                                "`track_links` tags the links to the campaign's site, but [campaign] has no `url` to say which site that is",
                                "`track_links` markeert de links naar de site van de campagne, maar [campaign] heeft geen `url` die zegt welke site dat is"
                            ),
                        )
                        .at(src, t.span())
                        .hint(tr!(
                            "add url = \"https://…\" to [campaign], or remove track_links",
                            "voeg url = \"https://…\" toe aan [campaign], of haal track_links weg"
                        )),
                    );
                }
                host
            }
            _ => None,
        };
        let campaign = Campaign {
            track_host,
            id: c.id.into_inner(),
            title: non_empty(self, src, c.title, nouns::TITLE),
            owner: non_empty(self, src, c.owner, nouns::OWNER),
            language,
            hashtags: c.hashtags.into_iter().map(Spanned::into_inner).collect(),
            url: c.url.map(Spanned::into_inner),
            contact: c.contact.map(Spanned::into_inner),
            logo,
            colour,
            launch,
        };

        let behaviour = match raw.behaviour {
            Some(b) => {
                // The IAK form is all or nothing: half of it is a goal nobody can check.
                if b.current.is_some() != b.context.is_some() {
                    let (missing, span) = match (&b.current, &b.context) {
                        (Some(c), None) => ("context", c.span()),
                        (None, Some(c)) => ("current", c.span()),
                        _ => unreachable!(),
                    };
                    self.err(
                        Diagnostic::warning(
                            "goal",
                            tr!(
                                "the behaviour goal is incomplete: `{missing}` is missing",
                                "het gedragsdoel is niet compleet: `{missing}` ontbreekt",
                                missing = missing
                            ),
                        )
                        .at(src, span)
                        .hint(tr!(
                            "the goal says who (audience) does what (target) instead of what (current), where and when (context); add `{missing} = \"…\"` to [behaviour]",
                            "het doel zegt wie (audience) wat doet (target) in plaats van wat (current), waar en wanneer (context); voeg `{missing} = \"…\"` toe aan [behaviour]",
                            missing = missing
                        )),
                    );
                }
                for (key, v) in [("current", &b.current), ("context", &b.context)] {
                    if let Some(v) = v.as_ref().filter(|v| v.get_ref().trim().is_empty()) {
                        self.err(
                            Diagnostic::warning(
                                "goal",
                                tr!("`{key}` is empty", "`{key}` is leeg", key = key),
                            )
                            .at(src, v.span()),
                        );
                    }
                }
                Behaviour {
                    audience: b.audience.into_inner(),
                    target: b.target.into_inner(),
                    current: b.current.map(Spanned::into_inner),
                    context: b.context.map(Spanned::into_inner),
                }
            }
            None => {
                self.err(
                    Diagnostic::warning(
                        "behaviour",
                        tr!("kit.toml has no [behaviour]: who is the audience, what should they do?", "kit.toml heeft geen [behaviour]: wie is de doelgroep, wat moeten zij doen?"),
                    )
                    .in_file("kit.toml")
                    .hint(tr!("add [behaviour] with audience = \"…\" and target = \"…\"", "voeg [behaviour] toe met audience = \"…\" en target = \"…\"")),
                );
                Behaviour::default()
            }
        };

        // Techniques.
        let mut techniques = Vec::new();
        for (id, t) in raw.techniques {
            self.slug(src, &id, nouns::TECHNIQUE_ID);
            let (label, bct, function) = match t.get_ref() {
                raw::RawTechnique::Label(l) => (l.clone(), None, None),
                raw::RawTechnique::Full(f) => (f.label.clone(), f.bct.clone(), f.function.clone()),
            };
            if let Some(code) = &bct {
                if crate::bcw::bct(code).is_none() {
                    let mut d = Diagnostic::error(
                        "bct",
                        tr!(
                            "`{code}` is not a code of the BCT Taxonomy v1",
                            "`{code}` is geen code uit de BCT Taxonomy v1",
                            code = code
                        ),
                    )
                    .at(src, t.span());
                    if let Some(n) = crate::bcw::nearest_code(code) {
                        d = d.hint(tr!(
                            "did you mean {code} ({label})? The 93 codes run from 1.1 to 16.3",
                            "bedoelt u {code} ({label})? De 93 codes lopen van 1.1 tot 16.3",
                            code = n.code,
                            label = n.label
                        ));
                    }
                    self.err(d);
                }
            }
            let function = function.and_then(|f| match crate::bcw::Function::parse(&f) {
                Some(f) => Some(f),
                None => {
                    self.err(
                        Diagnostic::error(
                            "function",
                            tr!(
                                "`{f}` is not an intervention function of the Behaviour Change Wheel",
                                "`{f}` is geen interventiefunctie van het Behaviour Change Wheel",
                                f = f
                            ),
                        )
                        .at(src, t.span())
                        .hint(choices_hint(&f, &tr!("functions", "functies"), &{
                            let lang = tr::lang();
                            crate::bcw::Function::ALL.map(|f| f.kit_name(lang))
                        })),
                    );
                    None
                }
            });
            techniques.push(Technique {
                id: id.into_inner(),
                label,
                bct,
                function,
            });
        }
        let technique_ids: Vec<&str> = techniques.iter().map(|t| t.id.as_str()).collect();

        // Barriers.
        let mut barriers = Vec::new();
        let mut seen = BTreeSet::new();
        for b in raw.barriers {
            let b = b.into_inner();
            self.slug(src, &b.id, nouns::BARRIER_ID);
            self.unique(src, &mut seen, &b.id, nouns::BARRIER);
            let factor = match Factor::parse(b.factor.get_ref()) {
                Some(f) => f,
                None => {
                    self.err(
                        Diagnostic::error(
                            "factor",
                            tr!(
                                "`{f}` is not a COM-B factor",
                                "`{f}` is geen COM-B-factor",
                                f = b.factor.get_ref()
                            ),
                        )
                        .at(src, b.factor.span())
                        .hint(choices_hint(
                            b.factor.get_ref(),
                            &tr!("factors", "factoren"),
                            &Factor::NAMES,
                        )),
                    );
                    Factor::Capability
                }
            };
            for t in &b.techniques {
                self.reference(src, t, nouns::TECHNIQUE, &technique_ids);
            }
            let component = b.component.as_ref().and_then(|c| {
                match crate::bcw::Component::parse(factor, c.get_ref()) {
                    Ok(comp) => Some(comp),
                    Err(valid) => {
                        self.err(
                            Diagnostic::error(
                                "component",
                                tr!(
                                    "`{c}` is not a COM-B component of {factor}",
                                    "`{c}` is geen COM-B-component van {factor}",
                                    c = c.get_ref(),
                                    factor = factor.label(tr::lang())
                                ),
                            )
                            .at(src, c.span())
                            .hint(choices_hint(
                                c.get_ref(),
                                &tr!("components here", "componenten hier"),
                                valid,
                            )),
                        );
                        None
                    }
                }
            });
            let (line, column, _) = src.locate(b.id.span().start);
            barriers.push(Barrier {
                id: b.id.into_inner(),
                factor,
                insight: b.insight.into_inner(),
                techniques: b.techniques.into_iter().map(Spanned::into_inner).collect(),
                component,
                at: (line, column),
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
                    tr!(
                        "kit.toml names no partners, so there is nothing to build",
                        "kit.toml noemt geen partners, dus er valt niets te bouwen"
                    ),
                )
                .in_file("kit.toml")
                .hint(tr!(
                    "add a [[partners]] table with id, name, address and channels",
                    "voeg een tabel [[partners]] toe met id, name, address en channels"
                )),
            );
        }
        let channel_ids = platforms::channel_ids();
        for p in raw.partners {
            let p = p.into_inner();
            self.slug(src, &p.id, nouns::PARTNER_ID);
            self.unique(src, &mut seen, &p.id, nouns::PARTNER);
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
                        Diagnostic::error(
                            "address",
                            tr!(
                                "`{other}` is not a form of address",
                                "`{other}` is geen aanspreekvorm",
                                other = other
                            ),
                        )
                        .at(src, p.address.span())
                        .hint(tr!(
                            "write address = \"je\" (informal) or address = \"u\" (formal)",
                            "schrijf address = \"je\" (informeel) of address = \"u\" (formeel)"
                        )),
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
                        tr!(
                            "partner `{id}` has no channels",
                            "partner `{id}` heeft geen kanalen",
                            id = p.id.get_ref()
                        ),
                    )
                    .at(src, p.channels.span())
                    .hint(tr!(
                        "name at least one of {list}",
                        "noem er minstens één van {list}",
                        list = channel_ids.join(", ")
                    )),
                );
            }
            for ch in p.channels.into_inner() {
                if !seen_ch.insert(ch.get_ref().clone()) {
                    self.err(
                        Diagnostic::error(
                            "duplicate",
                            tr!(
                                "channel `{ch}` is named twice",
                                "kanaal `{ch}` staat er twee keer",
                                ch = ch.get_ref()
                            ),
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
                            tr!(
                                "`{ch}` is not a channel partnerkit knows",
                                "`{ch}` is geen kanaal dat partnerkit kent",
                                ch = ch.get_ref()
                            ),
                        )
                        .at(src, ch.span())
                        .hint(choices_hint(
                            ch.get_ref(),
                            nouns::CHANNEL.many(),
                            &channel_ids,
                        )),
                    );
                }
            }
            partners.push(Partner {
                id: p.id.into_inner(),
                name: non_empty(self, src, p.name, nouns::PARTNER_NAME),
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
                Diagnostic::error("too-many", tr!("the kit has {n} decks; the limit is {max}", "de kit heeft {n} kaartsets; de grens is {max}", n = raw.decks.len(), max = MAX_DECKS))
                    .at(src, extra.get_ref().id.span())
                    .hint(tr!("every partner gets every deck as print files; combine decks, or give decks `partners = [...]` in separate kits", "elke partner krijgt elke kaartset als drukbestanden; voeg kaartsets samen, of geef kaartsets `partners = [...]` in aparte kits")),
            );
        }
        for d in raw.decks.into_iter().take(MAX_DECKS) {
            let line = src.locate(d.span().start).0;
            let d = d.into_inner();
            if let Some(extra) = d.cards.get(MAX_CARDS) {
                self.err(
                    Diagnostic::error(
                        "too-many",
                        tr!(
                            "deck `{id}` has {n} cards; the limit is {max}",
                            "kaartset `{id}` heeft {n} kaarten; de grens is {max}",
                            id = d.id.get_ref(),
                            n = d.cards.len(),
                            max = MAX_CARDS
                        ),
                    )
                    .at(src, extra.span().start..extra.span().start + 1)
                    .hint(tr!(
                        "split it into several decks; a printed deck rarely has more than 60 cards",
                        "verdeel hem over meer kaartsets; een gedrukte set heeft zelden meer dan 60 kaarten"
                    )),
                );
            }
            self.slug(src, &d.id, nouns::DECK_ID);
            self.unique(src, &mut seen, &d.id, nouns::DECK);
            let size = match d.size.get_ref().to_ascii_lowercase().as_str() {
                "a6" => CardSize::A6,
                "a7" => CardSize::A7,
                "square" => CardSize::Square,
                _ => {
                    self.err(
                        Diagnostic::error("size", tr!("`{size}` is not a card size", "`{size}` is geen kaartformaat", size = d.size.get_ref()))
                            .at(src, d.size.span())
                            .hint(tr!("write size = \"A6\" (105×148 mm), \"A7\" (74×105 mm) or \"square\" (120×120 mm)", "schrijf size = \"A6\" (105×148 mm), \"A7\" (74×105 mm) of \"square\" (120×120 mm)")),
                    );
                    CardSize::A6
                }
            };
            if let Some(ps) = &d.partners {
                for p in ps {
                    self.reference(src, p, nouns::PARTNER, &partner_refs);
                }
            }
            for t in &d.techniques {
                self.reference(src, t, nouns::TECHNIQUE, &technique_ids);
            }
            if d.cards.is_empty() {
                self.err(
                    Diagnostic::error("no-cards", tr!("deck `{id}` has no cards", "kaartset `{id}` heeft geen kaarten", id = d.id.get_ref()))
                        .at(src, d.id.span())
                        .hint(tr!("add [[decks.cards]] tables with text = \"…\" and addresses = [\"…\"] after the deck", "voeg na de kaartset tabellen [[decks.cards]] toe met text = \"…\" en addresses = [\"…\"]")),
                );
            }
            let mut cards = Vec::new();
            for card in d.cards {
                let line = src.locate(card.span().start).0;
                let card = card.into_inner();
                if card.text.get_ref().trim().is_empty() {
                    self.err(
                        Diagnostic::error(
                            "empty",
                            tr!("this card has no text", "deze kaart heeft geen tekst"),
                        )
                        .at(src, card.text.span()),
                    );
                }
                if card.addresses.is_empty() {
                    self.err(
                        Diagnostic::warning(
                            "no-barrier",
                            tr!("this card addresses no barrier, so the report cannot place it", "deze kaart pakt geen barrière aan, dus het rapport kan haar nergens plaatsen"),
                        )
                        .at(src, card.text.span())
                        .hint(tr!(
                            "add addresses = [\"…\"] with one of: {list}",
                            "voeg addresses = [\"…\"] toe met een van: {list}",
                            list = barrier_refs.join(", ")
                        )),
                    );
                }
                for a in &card.addresses {
                    self.reference(src, a, nouns::BARRIER, &barrier_refs);
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
                show_factor: d.show_factor,
                carousel: d.carousel,
            });
        }

        // Moments: named steps after the launch.
        let mut moments = Vec::new();
        let mut seen = BTreeSet::new();
        for (table, n, max, hint) in [
            ("moments", raw.moments.len(), MAX_MOMENTS, tr!("moments are the steps of a launch; give items their own `publish` time instead", "momenten zijn de stappen van een lancering; geef teksten liever een eigen `publish`-tijd")),
            ("events", raw.events.len(), MAX_EVENTS, tr!("every event goes into every partner's calendar; split the kit or list the sessions on one event's page", "elke bijeenkomst komt in de agenda van elke partner; splits de kit of zet de sessies op de pagina van één bijeenkomst")),
        ] {
            if n > max {
                self.err(
                    Diagnostic::error(
                        "too-many",
                        tr!(
                            "the kit has {n} [[{table}]]; the limit is {max}",
                            "de kit heeft {n} [[{table}]]; de grens is {max}",
                            n = n,
                            table = table,
                            max = max
                        ),
                    )
                    .in_file("kit.toml")
                    .hint(hint),
                );
            }
        }
        for m in raw.moments.iter().take(MAX_MOMENTS) {
            let m = m.get_ref();
            self.slug(src, &m.id, nouns::MOMENT_ID);
            self.unique(src, &mut seen, &m.id, nouns::MOMENT);
            let label = non_empty(self, src, m.label.clone(), nouns::LABEL);
            let at = match Moment::from_toml_in(m.at.get_ref(), zone.as_ref()) {
                Ok(at) => at,
                Err(e) => {
                    self.err(moment_error(src, m.at.span(), "at", e));
                    continue;
                }
            };
            if at < launch {
                self.err(
                    Diagnostic::error(
                        "before-launch",
                        tr!(
                            "the moment `{id}` is before the launch ({launch})",
                            "het moment `{id}` ligt vóór de start ({launch})",
                            id = m.id.get_ref(),
                            launch = launch
                        ),
                    )
                    .at(src, m.at.span())
                    .hint(tr!(
                        "moments are steps after the collective kick-off; give a later time",
                        "momenten zijn stappen na de gezamenlijke start; geef een later tijdstip"
                    )),
                );
            }
            moments.push(Step {
                id: m.id.get_ref().clone(),
                label,
                at,
            });
        }
        moments.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id)));

        // Events: sessions and meetings.
        let mut events = Vec::new();
        let mut seen = BTreeSet::new();
        for e in raw.events.iter().take(MAX_EVENTS) {
            let e = e.get_ref();
            self.slug(src, &e.id, nouns::EVENT_ID);
            self.unique(src, &mut seen, &e.id, nouns::EVENT);
            let title = non_empty(self, src, e.title.clone(), nouns::TITLE);
            for p in e.partners.iter().flatten() {
                self.reference(src, p, nouns::PARTNER, &partner_refs);
            }
            if let Some(url) = &e.url {
                let u = url.get_ref();
                if !(u.starts_with("https://") || u.starts_with("http://"))
                    || u.chars().any(char::is_whitespace)
                {
                    self.err(
                        Diagnostic::error(
                            "url",
                            tr!(
                                "`{url}` is not a web address",
                                "`{url}` is geen webadres",
                                url = u
                            ),
                        )
                        .at(src, url.span())
                        .hint(tr!(
                            "write the whole address, starting with https://",
                            "schrijf het hele adres, beginnend met https://"
                        )),
                    );
                }
            }
            let start = match Moment::from_toml_in(e.start.get_ref(), zone.as_ref()) {
                Ok(m) => m,
                Err(err) => {
                    self.err(moment_error(src, e.start.span(), "start", err));
                    continue;
                }
            };
            let end = match &e.end {
                Some(end) => match Moment::from_toml_in(end.get_ref(), zone.as_ref()) {
                    Ok(m) if m.unix > start.unix => m,
                    Ok(_) => {
                        self.err(
                            Diagnostic::error(
                                "event-end",
                                tr!(
                                    "the event `{id}` ends before it starts",
                                    "de bijeenkomst `{id}` eindigt voordat ze begint",
                                    id = e.id.get_ref()
                                ),
                            )
                            .at(src, end.span())
                            .hint(tr!(
                                "give an end after the start, or leave it out for an hour",
                                "geef een einde na het begin, of laat het weg voor een uur"
                            )),
                        );
                        continue;
                    }
                    Err(err) => {
                        self.err(moment_error(src, end.span(), "end", err));
                        continue;
                    }
                },
                None => Moment {
                    unix: start.unix + 3600,
                    ..start
                },
            };
            events.push(Event {
                id: e.id.get_ref().clone(),
                title,
                start,
                end,
                location: e.location.as_ref().map(|l| l.get_ref().clone()),
                url: e.url.as_ref().map(|u| u.get_ref().clone()),
                description: e.description.as_ref().map(|d| d.get_ref().clone()),
                partners: e
                    .partners
                    .as_ref()
                    .map(|ps| ps.iter().map(|p| p.get_ref().clone()).collect()),
            });
        }
        events.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.id.cmp(&b.id)));

        let print = match &raw.print {
            Some(p) => {
                let bleed = match &p.bleed_mm {
                    Some(b) if !(0.0..=5.0).contains(b.get_ref()) => {
                        self.err(
                            Diagnostic::error(
                                "bleed",
                                tr!(
                                    "a bleed of {mm} mm is outside what print shops use",
                                    "een afloop van {mm} mm valt buiten wat drukkerijen gebruiken",
                                    mm = b.get_ref()
                                ),
                            )
                            .at(src, b.span())
                            .hint(tr!(
                                "give bleed_mm from 0 to 5; Dutch print shops usually ask for 2 or 3",
                                "geef bleed_mm van 0 tot 5; Nederlandse drukkerijen vragen meestal 2 of 3"
                            )),
                        );
                        3.0
                    }
                    Some(b) => *b.get_ref() as f32,
                    None => 3.0,
                };
                Print {
                    bleed_mm: bleed,
                    crop_marks: p.crop_marks,
                    cmyk: p.cmyk,
                }
            }
            None => Print::default(),
        };

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
                item.is_for(p) && (!item.kind.is_post() || !item.platforms_for(p).is_empty())
            });
            if !reaches && !partners.is_empty() {
                self.err(
                    Diagnostic::warning(
                        "unreached",
                        tr!("`{file}` reaches no partner: none of its partners has one of its platforms among its channels", "`{file}` bereikt geen partner: geen van zijn partners heeft een van zijn platforms als kanaal", file = item.file.display()),
                    )
                    .in_file(&item.file),
                );
            }
        }

        // Every pack holds its own copy of each film until packs are written one by one: bound
        // what the copies add up to, and say so, rather than run out of memory.
        let film_copies: u64 = items
            .iter()
            .filter_map(|i| i.video.as_ref().map(|f| (i, f)))
            .map(|(i, f)| {
                let n = partners
                    .iter()
                    .filter(|p| i.is_for(p) && !i.platforms_for(p).is_empty())
                    .count() as u64;
                f.bytes.len() as u64 * n
            })
            .sum();
        if film_copies > MAX_FILM_COPIES_BYTES {
            let first = items.iter().find(|i| i.video.is_some());
            let mut d = Diagnostic::error(
                "video-size",
                tr!(
                    "the films go into every partner's pack: {size} MB in all, more than the {max} MB partnerkit holds at once",
                    "de films gaan in het pakket van iedere partner: samen {size} MB, meer dan de {max} MB die partnerkit tegelijk vasthoudt",
                    size = film_copies / 1_000_000,
                    max = MAX_FILM_COPIES_BYTES / 1_000_000
                ),
            )
            .hint(tr!(
                "make the film smaller (a one-minute film at 1080p is 10 to 30 MB as H.264), or give it to fewer partners with partners = [\"…\"]",
                "maak de film kleiner (een film van een minuut in 1080p is als H.264 10 tot 30 MB), of geef hem aan minder partners met partners = [\"…\"]"
            ));
            if let Some(i) = first {
                d = d.in_file(&i.file);
            }
            self.err(d);
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
            distribution: super::Distribution {
                private_links: raw.distribution.is_some_and(|d| d.private_links),
            },
            print,
            moments,
            events,
            sources: std::mem::take(&mut self.sources),
            shared: Default::default(),
        })
    }

    fn load_content(&mut self, known: Option<&Known>) -> Option<Vec<Item>> {
        let names = match self.files.list("content", MAX_CONTENT_FILES) {
            Ok(names) => names.unwrap_or_default(),
            Err(FileError::TooLarge { .. }) => {
                self.err(
                    Diagnostic::error(
                        "too-many",
                        tr!(
                            "content/ holds more than {max} files; the limit is {max}",
                            "content/ heeft meer dan {max} bestanden; de grens is {max}",
                            max = MAX_CONTENT_FILES
                        ),
                    )
                    .in_file("content"),
                );
                return None;
            }
            Err(e) => {
                self.err(
                    Diagnostic::error(
                        "read",
                        tr!(
                            "the folder `content` cannot be read: {e}",
                            "de map `content` kan niet worden gelezen: {e}",
                            e = e
                        ),
                    )
                    .in_file("content")
                    .hint(tr!(
                        "content/ must be a real folder inside the kit folder",
                        "content/ moet een echte map in de kitmap zijn"
                    )),
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
                        tr!(
                            "`content/{name}` is not used: content files end in .md",
                            "`content/{name}` wordt niet gebruikt: tekstbestanden eindigen op .md",
                            name = name
                        ),
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
                Diagnostic::error("id", tr!("the file name `{name}` cannot be an item id: Windows cannot use `{id}` as a file name", "de bestandsnaam `{name}` kan geen item-id zijn: Windows kan `{id}` niet als bestandsnaam gebruiken", name = name, id = id))
                    .in_file(&rel)
                    .hint(tr!("rename the file, e.g. to `{id}-1.md`", "geef het bestand een andere naam, bijvoorbeeld `{id}-1.md`", id = id)),
            );
        } else if !is_slug(&id) {
            self.err(
                Diagnostic::error("id", tr!("the file name `{name}` cannot be an item id", "de bestandsnaam `{name}` kan geen item-id zijn", name = name))
                    .in_file(&rel)
                    .hint(tr!(
                        "ids use only a-z, 0-9 and -, at most 64 characters; rename the file to `{id}.md`",
                        "een id heeft alleen a-z, 0-9 en -, hoogstens 64 tekens; noem het bestand `{id}.md`",
                        id = slugify(&id)
                    )),
            );
        }
        if src.text.trim().is_empty() {
            self.err(
                Diagnostic::error(
                    "empty",
                    tr!(
                        "`{file}` is empty",
                        "`{file}` is leeg",
                        file = rel.display()
                    ),
                )
                .in_file(&rel)
                .hint(tr!(
                    "start it with front matter between +++ lines: kind, title and addresses",
                    "begin met front matter tussen regels met +++: kind, title en addresses"
                )),
            );
            return None;
        }
        let parts = match split(&src.text) {
            Ok(p) => p,
            Err(SplitError::NoOpening) => {
                self.err(
                    Diagnostic::error("front-matter", tr!("the file does not start with front matter", "het bestand begint niet met front matter"))
                        .at_line(&src, 1, 1)
                        .hint(tr!("the first line must be +++, then kind, title and addresses, then another +++ line", "de eerste regel moet +++ zijn, dan kind, title en addresses, dan weer een regel +++")),
                );
                return None;
            }
            Err(SplitError::Unterminated) => {
                self.err(
                    Diagnostic::error(
                        "front-matter",
                        tr!(
                            "the front matter is never closed",
                            "de front matter wordt nergens afgesloten"
                        ),
                    )
                    .at_line(&src, 1, 1)
                    .hint(tr!(
                        "end the front matter with a line that holds only +++",
                        "sluit de front matter af met een regel met alleen +++"
                    )),
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
            "video" => Kind::Video,
            other => {
                self.err(
                    Diagnostic::error(
                        "kind",
                        tr!(
                            "`{other}` is not a kind of content",
                            "`{other}` is geen soort tekst",
                            other = other
                        ),
                    )
                    .at(&src, shift(fm.kind.span()))
                    .hint(choices_hint(
                        other,
                        &tr!("kinds", "soorten"),
                        &["social", "blog", "howto", "video"],
                    )),
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
                        tr!(
                            "`addresses` is empty: every item must work on at least one barrier",
                            "`addresses` is leeg: elke tekst moet minstens één barrière aanpakken"
                        ),
                    )
                    .at(&src, shift(a.span()))
                    .hint(tr!(
                        "name one or more of: {list}",
                        "noem er een of meer van: {list}",
                        list = barrier_refs.join(", ")
                    )),
                );
                Vec::new()
            }
            None => {
                self.err(
                    Diagnostic::error("no-barrier", tr!("the front matter has no `addresses`: every item must work on at least one barrier", "de front matter heeft geen `addresses`: elke tekst moet minstens één barrière aanpakken"))
                        .at_line(&src, 1, 1)
                        .hint(tr!("add addresses = [\"…\"] with one or more of: {list}", "voeg addresses = [\"…\"] toe met een of meer van: {list}", list = barrier_refs.join(", "))),
                );
                Vec::new()
            }
        };
        if known.is_some() {
            for a in &addresses {
                self.reference_shifted(&src, a, off, nouns::BARRIER, &barrier_refs);
            }
            for t in &fm.techniques {
                self.reference_shifted(&src, t, off, nouns::TECHNIQUE, &technique_refs);
            }
            for p in fm.partners.iter().flatten() {
                self.reference_shifted(&src, p, off, nouns::PARTNER, &partner_refs);
            }
        }
        let mut plats = None;
        if let Some(list) = &fm.platforms {
            if !kind.is_post() {
                self.err(
                    Diagnostic::error("platforms", tr!("only social and video items have `platforms`", "alleen sociale berichten en video's hebben `platforms`"))
                        .at(&src, shift(list.first().map_or(0..0, |p| p.span())))
                        .hint(tr!("articles go to every partner with a website or newsletter channel; remove the line", "artikelen gaan naar elke partner met een website of nieuwsbrief als kanaal; haal de regel weg")),
                );
            }
            let mut v = Vec::new();
            for p in list {
                match platforms::get(p.get_ref()) {
                    Some(pl) => v.push(pl),
                    None => self.err(
                        Diagnostic::error(
                            "platform",
                            tr!(
                                "`{p}` is not a social platform",
                                "`{p}` is geen sociaal platform",
                                p = p.get_ref()
                            ),
                        )
                        .at(&src, shift(p.span()))
                        .hint(choices_hint(
                            p.get_ref(),
                            nouns::PLATFORM.many(),
                            &platforms::platform_ids(),
                        )),
                    ),
                }
            }
            plats = Some(v);
        }
        let fallback = Moment {
            unix: 0,
            offset_minutes: 0,
            zone: None,
        };
        let mut step = None;
        let publish = match &fm.publish {
            Some(p) => match p.get_ref() {
                toml::Value::Datetime(dt) => {
                    match Moment::from_toml_in(dt, known.and_then(|k| k.zone.as_ref())) {
                        Ok(m) => {
                            if let Some(launch) = known.and_then(|k| k.launch) {
                                if m < launch {
                                    self.err(
                                        Diagnostic::error("before-launch", tr!("`publish` is before the launch ({launch})", "`publish` ligt vóór de start ({launch})", launch = launch))
                                            .at(&src, shift(p.span()))
                                            .hint(tr!("nothing is published before the collective kick-off; give a later moment or remove the line", "niets wordt gepubliceerd vóór de gezamenlijke start; geef een later moment of haal de regel weg")),
                                    );
                                }
                            }
                            m
                        }
                        Err(e) => {
                            self.err(moment_error(&src, shift(p.span()), "publish", e));
                            fallback
                        }
                    }
                }
                toml::Value::String(id) => {
                    let moments = known.map(|k| k.moments.as_slice()).unwrap_or_default();
                    match moments.iter().find(|(m, _)| m == id) {
                        Some((_, at)) => {
                            step = Some(id.clone());
                            *at
                        }
                        None => {
                            let names: Vec<&str> =
                                moments.iter().map(|(m, _)| m.as_str()).collect();
                            self.err(
                                Diagnostic::error(
                                    "publish",
                                    tr!(
                                        "there is no [[moments]] entry `{id}`",
                                        "er is geen [[moments]]-moment `{id}`",
                                        id = id
                                    ),
                                )
                                .at(&src, shift(p.span()))
                                .hint(if names.is_empty() {
                                    tr!(
                                        "give a date and time (publish = 2026-03-02T09:00:00+01:00), or add a [[moments]] entry with id = \"{id}\", a label and its time to kit.toml",
                                        "geef een datum en tijd (publish = 2026-03-02T09:00:00+01:00), of voeg een [[moments]]-moment met id = \"{id}\", een label en het tijdstip toe aan kit.toml",
                                        id = id
                                    )
                                } else {
                                    choices_hint(id, nouns::MOMENT.many(), &names)
                                }),
                            );
                            fallback
                        }
                    }
                }
                other => {
                    self.err(
                        Diagnostic::error(
                            "publish",
                            tr!(
                                "`publish` takes a date and time or the id of a [[moments]] entry, not {what}",
                                "`publish` neemt een datum en tijd of de id van een [[moments]]-moment, geen {what}",
                                what = other.type_str()
                            ),
                        )
                        .at(&src, shift(p.span()))
                        .hint(tr!(
                            "for example publish = 2026-03-02T09:00:00+01:00, or publish = \"publiek\"",
                            "bijvoorbeeld publish = 2026-03-02T09:00:00+01:00, of publish = \"publiek\""
                        )),
                    );
                    fallback
                }
            },
            None => known.and_then(|k| k.launch).unwrap_or(fallback),
        };
        let focus = match &fm.image_focus {
            Some(f) => {
                let ok =
                    f.get_ref().len() == 2 && f.get_ref().iter().all(|v| (0.0..=1.0).contains(v));
                if !ok {
                    self.err(
                        Diagnostic::error(
                            "image-focus",
                            tr!(
                                "`image_focus` must be two numbers from 0 to 1: the point of the photo to keep in view, across and down",
                                "`image_focus` moet twee getallen van 0 tot 1 zijn: het punt van de foto dat in beeld blijft, van links en van boven"
                            ),
                        )
                        .at(&src, shift(f.span()))
                        .hint(tr!(
                            "for example image_focus = [0.5, 0.3]: the middle, a third from the top",
                            "bijvoorbeeld image_focus = [0.5, 0.3]: het midden, een derde van boven"
                        )),
                    );
                }
                if fm.image.is_none() {
                    self.err(
                        Diagnostic::error(
                            "image-focus",
                            tr!(
                                "`image_focus` says where to crop a photo, but the item has no `image`",
                                "`image_focus` zegt waar een foto wordt bijgesneden, maar de tekst heeft geen `image`"
                            ),
                        )
                        .at(&src, shift(f.span()))
                        .hint(tr!(
                            "add image = \"assets/….jpg\", or remove the line",
                            "voeg image = \"assets/….jpg\" toe, of haal de regel weg"
                        )),
                    );
                }
                match f.get_ref()[..] {
                    [x, y] if ok => (x as f32, y as f32),
                    _ => (0.5, 0.5),
                }
            }
            None => (0.5, 0.5),
        };
        let mut photo = None;
        if !kind.is_post() {
            for (key, value) in [("image_alt", &fm.image_alt), ("image", &fm.image)] {
                if let Some(v) = value {
                    self.err(
                        Diagnostic::error(
                            "image-alt",
                            tr!("only social and video items have a share image, so `{key}` has no use here", "alleen sociale berichten en video's hebben een deelafbeelding, dus `{key}` heeft hier geen nut", key = key),
                        )
                        .at(&src, shift(v.span()))
                        .hint(tr!("remove the line", "haal de regel weg")),
                    );
                }
            }
            if let Some((k, _)) = fm.variants.iter().next() {
                self.err(
                    Diagnostic::error(
                        "variants",
                        tr!(
                            "only social and video items have `[variants]`",
                            "alleen sociale berichten en video's hebben `[variants]`"
                        ),
                    )
                    .at(&src, shift(k.span()))
                    .hint(tr!(
                        "remove the [variants] table",
                        "haal de tabel [variants] weg"
                    )),
                );
            }
        } else if let Some(path) = fm
            .image
            .as_ref()
            .or(fm.poster.as_ref().filter(|_| kind == Kind::Video))
        {
            match super::assets::load_photo(&self.files, path.get_ref(), focus) {
                Ok(p) => photo = Some(p),
                Err(why) => self.err(
                    Diagnostic::error("image", tr!("cannot use the photo `{path}`: {why}", "de foto `{path}` is niet te gebruiken: {why}", path = path.get_ref(), why = why))
                        .at(&src, shift(path.span()))
                        .hint(tr!("give a PNG, JPEG or WebP file inside the kit folder, e.g. \"assets/foto.jpg\"", "geef een PNG-, JPEG- of WebP-bestand in de kitmap, bijvoorbeeld \"assets/foto.jpg\"")),
                ),
            }
            if fm.image_alt.is_none() {
                self.err(
                    Diagnostic::warning("no-alt", tr!("the share image shows a photo, but the item has no `image_alt` to describe it", "de deelafbeelding toont een foto, maar de tekst heeft geen `image_alt` die haar beschrijft"))
                        .at(&src, shift(path.span()))
                        .hint(tr!("add image_alt = \"…\" saying what the photo shows, for people who cannot see it", "voeg image_alt = \"…\" toe die zegt wat er op de foto staat, voor wie haar niet kan zien")),
                );
            }
        } else if let Some(alt) = &fm.image_alt {
            self.err(
                Diagnostic::warning("alt-without-photo", tr!("`image_alt` describes a photo, but the share image has none: its alt text is the text drawn on it", "`image_alt` beschrijft een foto, maar de deelafbeelding heeft er geen: de alt-tekst is de tekst die erop staat"))
                    .at(&src, shift(alt.span()))
                    .hint(tr!("add image = \"assets/….jpg\" with the photo it describes, or remove the line", "voeg image = \"assets/….jpg\" toe met de foto die het beschrijft, of haal de regel weg")),
            );
        }
        let film = if kind == Kind::Video {
            self.film(&src, &shift, &fm)
        } else {
            for (key, value) in [
                ("video", &fm.video),
                ("captions", &fm.captions),
                ("poster", &fm.poster),
            ] {
                if let Some(v) = value {
                    self.err(
                        Diagnostic::error(
                            "video",
                            tr!("only video items have `{key}`", "alleen video's hebben `{key}`", key = key),
                        )
                        .at(&src, shift(v.span()))
                        .hint(tr!(
                            "write kind = \"video\" for a film with captions, or remove the line",
                            "schrijf kind = \"video\" voor een film met ondertitels, of haal de regel weg"
                        )),
                    );
                }
            }
            None
        };
        let mut variants = BTreeMap::new();
        for (k, v) in &fm.variants {
            if platforms::get(k.get_ref()).is_none() {
                self.err(
                    Diagnostic::error(
                        "platform",
                        tr!(
                            "`{k}` in [variants] is not a social platform",
                            "`{k}` in [variants] is geen sociaal platform",
                            k = k.get_ref()
                        ),
                    )
                    .at(&src, shift(k.span()))
                    .hint(choices_hint(
                        k.get_ref(),
                        nouns::PLATFORM.many(),
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
                Diagnostic::error(
                    "empty",
                    tr!(
                        "the item has no body text after the front matter",
                        "de tekst heeft niets na de front matter"
                    ),
                )
                .at_line(&src, parts.body_line.saturating_sub(1), 1)
                .hint(tr!(
                    "write the text in Markdown after the closing +++ line",
                    "schrijf de tekst in Markdown na de afsluitende regel +++"
                )),
            );
        }
        if fm.title.get_ref().trim().is_empty() {
            self.err(
                Diagnostic::error("empty", tr!("the title is empty", "de titel is leeg"))
                    .at(&src, shift(fm.title.span())),
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
            step,
            image_alt: if photo.is_some() {
                fm.image_alt.map(Spanned::into_inner)
            } else {
                None
            },
            image: photo,
            video: film,
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

    /// A video item's film, captions and poster, checked. Problems are reported; `None` when
    /// the film or its captions cannot be used.
    fn film(
        &mut self,
        src: &Source,
        shift: &dyn Fn(std::ops::Range<usize>) -> std::ops::Range<usize>,
        fm: &raw::RawFrontMatter,
    ) -> Option<Film> {
        use super::video;
        let missing = |what: &str| {
            Diagnostic::error(
                "video",
                tr!(
                    "a video item needs `{what}`",
                    "een video heeft `{what}` nodig",
                    what = what
                ),
            )
            .at_line(src, 1, 1)
        };
        if fm.captions.is_none() {
            self.err(missing("captions").hint(tr!(
                "add captions = \"assets/film.srt\" (SRT or WebVTT): a film without captions shuts out deaf viewers and everyone watching without sound",
                "voeg captions = \"assets/film.srt\" toe (SRT of WebVTT): een film zonder ondertitels sluit doven uit en iedereen die zonder geluid kijkt"
            )));
        }
        let Some(path) = &fm.video else {
            self.err(missing("video").hint(tr!(
                "add video = \"assets/film.mp4\" (MP4 or WebM)",
                "voeg video = \"assets/film.mp4\" toe (MP4 of WebM)"
            )));
            return None;
        };
        let bytes = match self.files.read(path.get_ref(), video::MAX_VIDEO_BYTES) {
            Ok(b) => b,
            Err(e) => {
                let why = match e {
                    FileError::TooLarge { bytes, .. } => tr!(
                        "the film is {size} MB; the limit is {max} MB (a one-minute film at 1080p is 10 to 30 MB as H.264)",
                        "de film is {size} MB; de grens is {max} MB (een film van een minuut in 1080p is als H.264 10 tot 30 MB)",
                        size = crate::util::decimal(bytes as f64 / 1e6, 1),
                        max = video::MAX_VIDEO_BYTES / 1024 / 1024
                    ),
                    e => e.to_string(),
                };
                self.err(
                    Diagnostic::error(
                        "video",
                        tr!(
                            "cannot use the film `{path}`: {why}",
                            "de film `{path}` is niet te gebruiken: {why}",
                            path = path.get_ref(),
                            why = why
                        ),
                    )
                    .at(src, shift(path.span())),
                );
                return None;
            }
        };
        let probe = match video::probe(&bytes) {
            Ok(p) => p,
            Err(why) => {
                self.err(
                    Diagnostic::error(
                        "video",
                        tr!(
                            "cannot use the film `{path}`: {why}",
                            "de film `{path}` is niet te gebruiken: {why}",
                            path = path.get_ref(),
                            why = why
                        ),
                    )
                    .at(src, shift(path.span())),
                );
                return None;
            }
        };
        let captions = fm.captions.as_ref()?;
        let rel = Path::new(captions.get_ref());
        let lower = captions.get_ref().to_ascii_lowercase();
        if !(lower.ends_with(".srt") || lower.ends_with(".vtt")) {
            self.err(
                Diagnostic::error(
                    "captions",
                    tr!(
                        "`{path}` is not an SRT or WebVTT file",
                        "`{path}` is geen SRT- of WebVTT-bestand",
                        path = captions.get_ref()
                    ),
                )
                .at(src, shift(captions.span()))
                .hint(tr!(
                    "give the captions as .srt or .vtt",
                    "geef de ondertitels als .srt of .vtt"
                )),
            );
            return None;
        }
        let Some(csrc) = self.read_text(rel) else {
            // read_text said why, unless the file is simply not there.
            if !self.diags.iter().any(|d| d.file.as_deref() == Some(rel)) {
                self.err(
                    Diagnostic::error(
                        "captions",
                        tr!(
                            "cannot read the captions `{path}`",
                            "de ondertitels `{path}` zijn niet te lezen",
                            path = captions.get_ref()
                        ),
                    )
                    .at(src, shift(captions.span()))
                    .hint(tr!(
                        "give an SRT or WebVTT file inside the kit folder",
                        "geef een SRT- of WebVTT-bestand in de kitmap"
                    )),
                );
            }
            return None;
        };
        let (cues, problems) = video::parse_captions(&csrc.text);
        let mut fatal = false;
        for p in problems.iter().take(50) {
            let d = if p.warning {
                Diagnostic::warning("captions", p.message.clone())
            } else {
                fatal = true;
                Diagnostic::error("captions", p.message.clone())
            };
            self.err(d.at_line(&csrc, p.line, 1));
        }
        if cues.is_empty() && !fatal {
            self.err(
                Diagnostic::error(
                    "captions",
                    tr!(
                        "the captions file holds no captions",
                        "het ondertitelbestand bevat geen ondertitels"
                    ),
                )
                .in_file(rel),
            );
            return None;
        }
        if let Some(last) = cues.last() {
            let film_ms = (probe.seconds * 1000.0) as u64;
            if last.end > film_ms + 1000 {
                self.err(
                    Diagnostic::warning(
                        "captions",
                        tr!(
                            "this caption runs to {at} s, but the film lasts {len} s: are these the captions of another cut?",
                            "deze ondertitel loopt tot {at} s, maar de film duurt {len} s: horen deze ondertitels bij een andere versie?",
                            at = crate::util::decimal(last.end as f64 / 1000.0, 1),
                            len = crate::util::decimal(probe.seconds, 1)
                        ),
                    )
                    .at_line(&csrc, last.line, 1),
                );
            }
        }
        if fatal {
            return None;
        }
        let poster = fm.poster.as_ref().and_then(|p| {
            let ext = p
                .get_ref()
                .rsplit('.')
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            if !["jpg", "jpeg", "png", "webp"].contains(&ext.as_str()) {
                self.err(
                    Diagnostic::error(
                        "poster",
                        tr!(
                            "the poster must be a JPEG, PNG or WebP image",
                            "de poster moet een JPEG-, PNG- of WebP-afbeelding zijn"
                        ),
                    )
                    .at(src, shift(p.span())),
                );
                return None;
            }
            match self.files.read(p.get_ref(), super::MAX_IMAGE_BYTES) {
                Ok(b) if super::check_raster(&b).is_ok() => Some((ext, bytes::Bytes::from(b))),
                Ok(b) => {
                    let why = super::check_raster(&b).err().unwrap_or_default();
                    self.err(
                        Diagnostic::error(
                            "poster",
                            tr!(
                                "cannot use the poster `{path}`: {why}",
                                "de poster `{path}` is niet te gebruiken: {why}",
                                path = p.get_ref(),
                                why = why
                            ),
                        )
                        .at(src, shift(p.span())),
                    );
                    None
                }
                Err(e) => {
                    self.err(
                        Diagnostic::error(
                            "poster",
                            tr!(
                                "cannot use the poster `{path}`: {why}",
                                "de poster `{path}` is niet te gebruiken: {why}",
                                path = p.get_ref(),
                                why = e.to_string()
                            ),
                        )
                        .at(src, shift(p.span())),
                    );
                    None
                }
            }
        });
        Some(Film {
            path: path.get_ref().clone(),
            bytes: bytes::Bytes::from(bytes),
            probe,
            cues,
            poster,
        })
    }

    fn load_templates(&mut self) -> BTreeMap<String, Source> {
        let mut out = BTreeMap::new();
        let names = match self.files.list("templates", 100) {
            Ok(names) => names.unwrap_or_default(),
            Err(e) => {
                let why = match e {
                    FileError::TooLarge { .. } => tr!(
                        "it holds more than 100 files",
                        "er staan meer dan 100 bestanden in"
                    ),
                    e => e.to_string(),
                };
                self.err(
                    Diagnostic::error("read", tr!("the folder `templates` cannot be read: {why}", "de map `templates` kan niet worden gelezen: {why}", why = why))
                        .in_file("templates")
                        .hint(tr!("templates/ must be a real folder inside the kit folder, holding only your versions of the built-in templates", "templates/ moet een echte map in de kitmap zijn, met alleen uw versies van de ingebouwde sjablonen")),
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
                        tr!(
                            "`{file}` does not override any built-in template",
                            "`{file}` vervangt geen ingebouwd sjabloon",
                            file = rel.display()
                        ),
                    )
                    .in_file(&rel)
                    .hint(choices_hint(
                        &name,
                        &tr!("template names", "sjabloonnamen"),
                        builtins,
                    )),
                );
                continue;
            }
            if let Some(src) = self.read_text(&rel) {
                out.insert(name, src);
            }
        }
        out
    }

    fn slug(&mut self, src: &Source, id: &S, what: Noun) {
        let (id_text, what) = (id.get_ref(), what.one());
        if is_windows_reserved(id_text) {
            self.err(
                Diagnostic::error(
                    "id",
                    tr!(
                        "`{id}` cannot be a {what}: Windows cannot use it as a file name",
                        "`{id}` kan geen {what} zijn: Windows kan het niet als bestandsnaam gebruiken",
                        id = id_text,
                        what = what
                    ),
                )
                .at(src, id.span())
                .hint(tr!("choose another id, e.g. \"{id}-1\"", "kies een ander id, bijvoorbeeld \"{id}-1\"", id = id_text)),
            );
        } else if !is_slug(id_text) {
            self.err(
                Diagnostic::error("id", tr!("`{id}` is not a valid {what}", "`{id}` is niet geldig als {what}", id = id_text, what = what))
                    .at(src, id.span())
                    .hint(tr!(
                        "ids use only a-z, 0-9 and -, 1 to 64 characters (they become file names); e.g. \"{example}\"",
                        "een id heeft alleen a-z, 0-9 en -, 1 tot 64 tekens (het wordt een bestandsnaam); bijvoorbeeld \"{example}\"",
                        example = slugify(id_text)
                    )),
            );
        }
    }

    fn unique(&mut self, src: &Source, seen: &mut BTreeSet<String>, id: &S, what: Noun) {
        if !seen.insert(id.get_ref().clone()) {
            self.err(
                Diagnostic::error(
                    "duplicate",
                    tr!(
                        "there are two {what} with id `{id}`",
                        "er zijn twee {what} met id `{id}`",
                        what = what.many(),
                        id = id.get_ref()
                    ),
                )
                .at(src, id.span())
                .hint(tr!(
                    "{what} cannot share an id; give each its own",
                    "{what} kunnen geen id delen; geef elk een eigen id",
                    what = what.many()
                )),
            );
        }
    }

    fn reference(&mut self, src: &Source, r: &S, what: Noun, valid: &[&str]) {
        self.reference_shifted(src, r, 0, what, valid);
    }

    fn reference_shifted(&mut self, src: &Source, r: &S, off: usize, what: Noun, valid: &[&str]) {
        if !valid.contains(&r.get_ref().as_str()) {
            let span = r.span();
            self.err(
                Diagnostic::error(
                    "unknown-id",
                    tr!(
                        "there is no {what} `{id}` in kit.toml",
                        "kit.toml heeft geen {what} `{id}`",
                        what = what.one(),
                        id = r.get_ref()
                    ),
                )
                .at(src, span.start + off..span.end + off)
                .hint(choices_hint(r.get_ref(), what.many(), valid)),
            );
        }
    }

    fn colour(&mut self, src: &Source, c: &S) -> Option<Colour> {
        let parsed = Colour::parse(c.get_ref());
        if parsed.is_none() {
            self.err(
                Diagnostic::error("colour", tr!("`{c}` is not a colour", "`{c}` is geen kleur", c = c.get_ref()))
                    .at(src, c.span())
                    .hint(tr!("write it as # and six hex digits, e.g. colour = \"#e17000\"", "schrijf hem als # en zes hexadecimale cijfers, bijvoorbeeld colour = \"#e17000\"")),
            );
        }
        parsed
    }

    fn logo(&mut self, src: &Source, path: &S) -> Option<Logo> {
        let loaded = match self.logos.get(path.get_ref()) {
            Some(l) => l.clone(),
            None => load_logo(&self.files, path.get_ref(), None),
        };
        match loaded {
            Ok(l) => Some(l),
            Err(why) => {
                self.err(
                    super::assets::logo_error(path.get_ref(), &why)
                        .at(src, path.span())
                        .hint(tr!("give a PNG, JPEG, WebP or SVG file inside the kit folder, e.g. \"assets/logo.png\"", "geef een PNG-, JPEG-, WebP- of SVG-bestand in de kitmap, bijvoorbeeld \"assets/logo.png\"")),
                );
                None
            }
        }
    }
}

fn non_empty(l: &mut Loader, src: &Source, s: S, what: Noun) -> String {
    if s.get_ref().trim().is_empty() {
        l.err(
            Diagnostic::error(
                "empty",
                tr!(
                    "the {what} is empty",
                    "de {what} is leeg",
                    what = what.one()
                ),
            )
            .at(src, s.span()),
        );
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
        MomentError::Incomplete => tr!(
            "`{key}` needs a date and a time",
            "`{key}` heeft een datum en een tijd nodig",
            key = key
        ),
        MomentError::NoOffset => {
            tr!(
                "`{key}` has no time zone, so partners could read it differently",
                "`{key}` heeft geen tijdzone, dus partners kunnen het verschillend lezen",
                key = key
            )
        }
        MomentError::OutOfRange => {
            return Diagnostic::error("moment", tr!("`{key}` is outside the dates partnerkit can put in calendars and zip files", "`{key}` valt buiten de datums die partnerkit in agenda's en zipbestanden kan zetten", key = key))
                .at(src, span)
                .hint(tr!(
                    "give a date from {from} to {to} with a time zone between -14:00 and +14:00, e.g. {key} = 2026-03-02T09:00:00+01:00",
                    "geef een datum van {from} tot {to} met een tijdzone tussen -14:00 en +14:00, bijvoorbeeld {key} = 2026-03-02T09:00:00+01:00",
                    from = super::moment::YEARS.start(),
                    to = super::moment::YEARS.end(),
                    key = key
                ));
        }
    };
    Diagnostic::error("moment", msg)
        .at(src, span)
        .hint(tr!("write it like {key} = 2026-03-02T09:00:00+01:00 (+01:00 is Dutch winter time, +02:00 summer time), or give [campaign] timezone = \"Europe/Amsterdam\" and write local times without an offset", "schrijf het als {key} = 2026-03-02T09:00:00+01:00 (+01:00 is Nederlandse wintertijd, +02:00 zomertijd), of geef [campaign] timezone = \"Europe/Amsterdam\" en schrijf lokale tijden zonder offset", key = key))
}

/// Parses kit.toml, reporting every syntax error, and on type or key errors every one of them
/// (see [`raw::deserialize_all`]).
fn parse_kit_toml(src: &Source) -> Result<RawKit, Vec<Diagnostic>> {
    use toml::de::{DeTable, DeValue};
    const TABLES: [&str; 11] = [
        "campaign",
        "behaviour",
        "barriers",
        "techniques",
        "partners",
        "decks",
        "lint",
        "distribution",
        "print",
        "moments",
        "events",
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
                Diagnostic::error(
                    "toml",
                    tr!(
                        "unknown table `{name}`",
                        "onbekende tabel `{name}`",
                        name = name
                    ),
                )
                .at(src, key.span())
                .hint(choices_hint(name, &tr!("tables", "tabellen"), &TABLES)),
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
            d = d.hint(choices_hint(
                field,
                &tr!("keys here", "sleutels hier"),
                &valid,
            ));
        }
    } else if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or_default();
        d = d.hint(tr!(
            "add `{field} = …` to this table (see the kit format for what it holds)",
            "voeg `{field} = …` toe aan deze tabel (het kitformaat zegt wat erin staat)",
            field = field
        ));
    } else if message.contains("data did not match any variant") {
        d = d.hint(tr!(
            "write a technique as id = \"Label\" or id = { label = \"Label\", bct = \"1.4\" }",
            "schrijf een techniek als id = \"Label\" of id = { label = \"Label\", bct = \"1.4\" }"
        ));
    }
    d
}

fn plain_toml_message(m: &str) -> String {
    if let Some(rest) = m.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or_default();
        return tr!(
            "unknown key `{field}`",
            "onbekende sleutel `{field}`",
            field = field
        );
    }
    if let Some(rest) = m.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or_default();
        return tr!(
            "the key `{field}` is required here but missing",
            "de sleutel `{field}` is hier verplicht maar ontbreekt",
            field = field
        );
    }
    if let Some(rest) = m.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            let want = match expected {
                "a string" => tr!(
                    "text in double quotes",
                    "tekst tussen dubbele aanhalingstekens"
                ),
                "a sequence" => tr!(
                    "a list in square brackets, like [\"a\", \"b\"]",
                    "een lijst tussen rechte haken, zoals [\"a\", \"b\"]"
                ),
                "a boolean" => tr!("true or false", "true of false"),
                "a TOML datetime" => tr!(
                    "a date and time, like 2026-03-02T09:00:00+01:00",
                    "een datum en tijd, zoals 2026-03-02T09:00:00+01:00"
                ),
                e if e.starts_with("struct ") || e == "a map" => {
                    tr!("a table", "een tabel")
                }
                e => e.to_string(),
            };
            // "integer `3`", "string \"x\"", …: the kind of value in words.
            let (kind, value) = found.split_once(' ').unwrap_or((found, ""));
            let kind = match kind {
                "integer" => tr!("the number", "het getal"),
                "floating" => tr!("the number", "het getal"),
                "string" => tr!("the text", "de tekst"),
                "boolean" => tr!("the value", "de waarde"),
                "sequence" => tr!("a list", "een lijst"),
                "map" => tr!("a table", "een tabel"),
                k => k.to_string(),
            };
            let value = value.trim_start_matches("point ");
            let found = format!("{kind} {value}").trim().to_string();
            return tr!(
                "expected {want} here, not {found}",
                "hier hoort {want}, niet {found}",
                want = want,
                found = found
            );
        }
    }
    if m.starts_with("duplicate key") {
        return tr!(
            "this key appears twice: each key may appear only once in a table",
            "deze sleutel staat er twee keer: een sleutel mag maar één keer in een tabel staan"
        );
    }
    match crate::tr::lang() {
        crate::kit::Lang::Nl => format!("de TOML-opmaak klopt niet: {m}"),
        crate::kit::Lang::En => m.to_string(),
    }
}

/// Whether `p` is a folder itself (not a link to one).
fn fs_is_dir(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir())
}

#[cfg(test)]
mod tests {

    #[test]
    fn knows_bct_taxonomy_codes() {
        let ok = |c| crate::bcw::bct(c).is_some();
        for c in ["1.1", "1.9", "4.1", "8.7", "10.11", "16.3", "12.5"] {
            assert!(ok(c), "{c}");
        }
        for c in [
            "0.1", "1.10", "8.8", "16.4", "17.1", "1", "1.04", "01.4", "a.b", "",
        ] {
            assert!(!ok(c), "{c}");
        }
    }
}
