//! Content lint: findings about the behavioural analysis that do not stop a build.

use crate::coverage;
use crate::diag::Diagnostic;
use crate::kit::Kit;
use crate::tr;

/// Every lint finding for `kit`.
pub fn lint(kit: &Kit) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let src = kit.sources.get(std::path::Path::new("kit.toml"));
    let at_barrier = |d: Diagnostic, id: &str| match src {
        Some(src) => match src.text.find(&format!("\"{id}\"")) {
            Some(pos) => d.at(src, pos..pos + id.len() + 2),
            None => d.in_file("kit.toml"),
        },
        None => d.in_file("kit.toml"),
    };
    let cov = coverage::compute(kit);
    for row in cov.groups.iter().flat_map(|g| &g.rows) {
        if !row.covered {
            out.push(at_barrier(
                Diagnostic::warning(
                    "uncovered-barrier",
                    tr!(
                        "no content item or card addresses the barrier `{id}`",
                        "geen tekst of kaart pakt de barrière `{id}` aan",
                        id = row.id
                    ),
                )
                .hint(tr!(
                    "add addresses = [\"{id}\"] to an item or card that works on it",
                    "voeg addresses = [\"{id}\"] toe aan een tekst of kaart die eraan werkt",
                    id = row.id
                )),
                &row.id,
            ));
        }
    }
    for p in &cov.partners {
        if !p.missing_factors.is_empty() {
            out.push(
                Diagnostic::warning(
                    "partner-gap",
                    tr!(
                        "the pack of `{id}` covers nothing for {factors}",
                        "het pakket van `{id}` dekt niets voor {factors}",
                        id = p.id,
                        factors = p.missing_factors.join(", ")
                    ),
                )
                .in_file("kit.toml")
                .hint(tr!(
                    "give this partner an item or deck for those barriers (check the item's partners and platforms)",
                    "geef deze partner een tekst of kaartset voor die barrières (kijk naar de partners en platforms van de tekst)"
                )),
            );
        }
    }
    for b in &kit.barriers {
        for t in &b.techniques {
            let used = kit.items.iter().any(|i| i.techniques.contains(t))
                || kit.decks.iter().any(|d| d.techniques.contains(t));
            if !used {
                out.push(at_barrier(
                    Diagnostic::warning(
                        "unused-technique",
                        tr!(
                            "the technique `{t}` of barrier `{b}` is used by no content item or deck",
                            "de techniek `{t}` van barrière `{b}` wordt door geen tekst of kaartset gebruikt",
                            t = t,
                            b = b.id
                        ),
                    )
                    .hint(tr!(
                        "add techniques = [\"{t}\"] to an item that applies it, or drop it from the barrier",
                        "voeg techniques = [\"{t}\"] toe aan een tekst die haar toepast, of haal haar weg bij de barrière",
                        t = t
                    )),
                    &b.id,
                ));
            }
        }
    }
    out.extend(function_findings(kit, &at_barrier));
    out.extend(voice_findings(kit));
    out.extend(headline_findings(kit));
    out.extend(logo_findings(kit));
    out.extend(readability_findings(kit));
    out
}

/// A barrier with a COM-B component whose techniques all have intervention functions that do
/// not serve that component (the Behaviour Change Wheel's links): it is answered with the wrong
/// kind of intervention.
fn function_findings(
    kit: &Kit,
    at_barrier: &dyn Fn(Diagnostic, &str) -> Diagnostic,
) -> Vec<Diagnostic> {
    let lang = kit.campaign.language;
    let mut out = Vec::new();
    for b in &kit.barriers {
        let Some(component) = b.component else {
            continue;
        };
        let with_function: Vec<(&crate::kit::Technique, crate::bcw::Function)> =
            coverage::answering_techniques(kit, b)
                .into_iter()
                .filter_map(|t| t.function.map(|f| (t, f)))
                .collect();
        if with_function.is_empty()
            || with_function
                .iter()
                .any(|(_, f)| component.functions().contains(f))
        {
            continue;
        }
        let used: Vec<String> = with_function
            .iter()
            .map(|(t, f)| format!("{} ({})", t.id, f.label(lang)))
            .collect();
        let would: Vec<&str> = component
            .functions()
            .iter()
            .map(|f| f.kit_name(lang))
            .collect();
        out.push(at_barrier(
            Diagnostic::warning(
                "function-mismatch",
                tr!(
                    "the barrier `{id}` is {component}, but its techniques only do {used}, which does not change that",
                    "de barrière `{id}` is {component}, maar haar technieken doen alleen {used}, en dat verandert dat niet",
                    id = b.id,
                    component = component.label(lang).to_lowercase(),
                    used = used.join(", ")
                ),
            )
            .hint(tr!(
                "functions that serve {component} ({code}): {would}; give a technique one of them, or answer the barrier with another technique",
                "functies die {component} ({code}) veranderen: {would}; geef een techniek een daarvan, of pak de barrière met een andere techniek aan",
                component = component.label(lang).to_lowercase(),
                code = component.code(),
                would = would.join(", ")
            )),
            &b.id,
        ));
    }
    out
}

/// The readability of one text of the kit.
#[derive(Debug, serde::Serialize)]
pub struct TextScore {
    /// The file.
    pub file: String,
    /// The score.
    pub score: f64,
    /// The target from `[lint]`.
    pub target: f64,
    /// The formula.
    pub formula: &'static str,
    /// Words and sentences counted.
    pub words: usize,
    /// Sentences counted.
    pub sentences: usize,
}

/// The readability of every content item.
pub fn readability(kit: &Kit) -> Vec<(TextScore, crate::readability::Score, &crate::kit::Item)> {
    let lang = kit.campaign.language;
    kit.items
        .iter()
        .map(|item| {
            let s = crate::readability::score(&item.body.source, item.body.first_line, lang);
            (
                TextScore {
                    file: item.file.display().to_string().replace('\\', "/"),
                    score: (s.score * 10.0).round() / 10.0,
                    target: kit.lint.min_readability,
                    formula: crate::readability::formula(lang),
                    words: s.words,
                    sentences: s.sentences.len(),
                },
                s,
                item,
            )
        })
        .collect()
}

fn readability_findings(kit: &Kit) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let max_words = kit.lint.max_sentence_words;
    for (score, detail, item) in readability(kit) {
        let src = kit.sources.get(&item.file);
        let place = |d: Diagnostic, line: usize| match src {
            Some(src) => d.at_line(src, line, 1),
            None => d.in_file(&item.file),
        };
        let mut long: Vec<&crate::readability::Sentence> = detail
            .sentences
            .iter()
            .filter(|s| s.words.len() > max_words)
            .collect();
        long.sort_by(|a, b| {
            b.words
                .len()
                .cmp(&a.words.len())
                .then(a.line().cmp(&b.line()))
        });
        if score.score < score.target {
            let mut d = place(
                Diagnostic::warning(
                    "readability",
                    tr!(
                        "`{file}` scores {score} on {formula}; the target is {target} (plain language, level B1)",
                        "`{file}` scoort {score} op {formula}; het doel is {target} (eenvoudige taal, niveau B1)",
                        file = score.file,
                        score = format!("{:.0}", score.score),
                        formula = score.formula,
                        target = format!("{:.0}", score.target)
                    ),
                ),
                item.body.first_line,
            );
            for s in long.iter().take(2) {
                d = d.hint(tr!(
                    "line {line}: a sentence of {n} words: “{preview}”; split it",
                    "regel {line}: een zin van {n} woorden: “{preview}”; splits hem",
                    line = s.line(),
                    n = s.words.len(),
                    preview = s.preview(8)
                ));
            }
            let mut hard: Vec<&crate::readability::Word> = detail
                .sentences
                .iter()
                .flat_map(|s| &s.words)
                .filter(|w| w.syllables >= 4)
                .collect();
            hard.sort_by(|a, b| b.syllables.cmp(&a.syllables).then(a.line.cmp(&b.line)));
            hard.dedup_by(|a, b| a.text.eq_ignore_ascii_case(&b.text));
            if !hard.is_empty() {
                let list: Vec<String> = hard
                    .iter()
                    .take(4)
                    .map(|w| {
                        tr!(
                            "“{w}” (line {line}, {n} syllables)",
                            "“{w}” (regel {line}, {n} lettergrepen)",
                            w = w.text,
                            line = w.line,
                            n = w.syllables
                        )
                    })
                    .collect();
                d = d.hint(tr!(
                    "hard words: {list}; use shorter words where you can",
                    "moeilijke woorden: {list}; gebruik kortere woorden waar het kan",
                    list = list.join(", ")
                ));
            }
            out.push(d);
        } else {
            for s in long.iter().take(2) {
                out.push(
                    place(
                        Diagnostic::warning(
                            "long-sentence",
                            tr!(
                                "a sentence of {n} words; the limit is {max}",
                                "een zin van {n} woorden; de grens is {max}",
                                n = s.words.len(),
                                max = max_words
                            ),
                        ),
                        s.line(),
                    )
                    .hint(tr!(
                        "“{preview}”: split it into two",
                        "“{preview}”: splits hem in tweeën",
                        preview = s.preview(8)
                    )),
                );
            }
        }
    }
    out
}

/// Words of the informal and the formal form of address, as they stand in a text.
const JE_WORDS: [&str; 5] = ["je", "jij", "jou", "jouw", "jezelf"];
const U_WORDS: [&str; 3] = ["u", "uw", "uzelf"];

/// A Dutch text that reaches a partner addressed with "u" but says "je" (or the reverse) outside
/// the `{{address "je" "u"}}` helper: that partner would publish words in the wrong voice.
fn voice_findings(kit: &Kit) -> Vec<Diagnostic> {
    use crate::kit::{Address, Lang};
    if kit.campaign.language != Lang::Nl {
        return Vec::new();
    }
    let mut out = Vec::new();
    for item in &kit.items {
        let reaches = |a: Address| {
            kit.partners
                .iter()
                .any(|p| p.address == a && item.is_for(p))
        };
        let mut texts: Vec<&crate::kit::Text> = vec![&item.title, &item.body];
        texts.extend(item.quote.as_ref());
        texts.extend(item.variants.values());
        for text in texts {
            for (words, wrong_for, right) in [
                (&JE_WORDS[..], Address::U, "u/uw"),
                (&U_WORDS[..], Address::Je, "je/jouw"),
            ] {
                if !reaches(wrong_for) {
                    continue;
                }
                for (offset, word) in address_words(&text.source, words).into_iter().take(5) {
                    let (line, column) = position(text, offset);
                    let mut d = Diagnostic::warning(
                        "voice",
                        tr!(
                            "`{word}` here reaches partners addressed with `{form}`",
                            "`{word}` komt hier ook bij partners die met `{form}` worden aangesproken",
                            word = word,
                            form = match wrong_for {
                                Address::U => "u",
                                Address::Je => "je",
                            }
                        ),
                    )
                    .hint(tr!(
                        "write {{address \"{je}\" \"{u}\"}} so that each partner gets its own form ({right})",
                        "schrijf {{address \"{je}\" \"{u}\"}} zodat elke partner de eigen vorm krijgt ({right})",
                        je = je_form(word),
                        u = u_form(word),
                        right = right
                    ));
                    match kit.sources.get(&text.file) {
                        Some(src) => d = d.at_line(src, line, column),
                        None => d = d.in_file(&text.file),
                    }
                    out.push(d);
                }
            }
        }
    }
    out
}

/// A social item without `quote` puts its title on the share image, as the headline every
/// partner publishes. Titles are often working names ("Gezamenlijk statement: de aftrap"), so
/// that is worth a look.
fn headline_findings(kit: &Kit) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for item in &kit.items {
        if item.kind != crate::kit::Kind::Social || item.quote.is_some() {
            continue;
        }
        let shown: String = item.title.source.chars().take(80).collect();
        let mut d = Diagnostic::warning(
            "title-headline",
            tr!(
                "the share images of `{item}` show its title as the headline: “{title}”",
                "de deelafbeeldingen van `{item}` tonen de titel als kop: “{title}”",
                item = item.id,
                title = shown
            ),
        )
        .hint(tr!(
            "a title is often a working name; write quote = \"…\" with the words the image should say to the public",
            "een titel is vaak een werknaam; schrijf quote = \"…\" met de woorden die de afbeelding het publiek moet zeggen"
        ));
        match kit.sources.get(&item.title.file) {
            Some(src) => {
                d = d.at_line(
                    src,
                    item.title.first_line,
                    item.title.first_column.saturating_sub(1).max(1),
                )
            }
            None => d = d.in_file(&item.title.file),
        }
        out.push(d);
    }
    out
}

/// A partner logo too wide to be printed 10 mm high on a deck's cards is left off them: say so.
fn logo_findings(kit: &Kit) -> Vec<Diagnostic> {
    use crate::outputs::cards::layout::{logo_place, LogoPlace, LOGO_MIN_MM};
    let mut out = Vec::new();
    for deck in &kit.decks {
        for p in kit.partners.iter().filter(|p| deck.is_for(p)) {
            let Some(logo) = &p.logo else { continue };
            let (w, _) = deck.size.mm();
            if logo_place(logo.width, logo.height, w) == LogoPlace::Omitted {
                let d = Diagnostic::warning(
                    "logo-too-wide",
                    tr!(
                        "the logo of `{partner}` is too wide to print {mm} mm high on the {size} cards of `{deck}`, so those cards show no partner logo",
                        "het logo van `{partner}` is te breed om {mm} mm hoog te drukken op de {size}-kaarten van `{deck}`, dus die kaarten tonen geen partnerlogo",
                        partner = p.id,
                        mm = LOGO_MIN_MM,
                        size = deck.size.id(),
                        deck = deck.id
                    ),
                )
                .hint(tr!(
                    "give a more compact version of the logo (the emblem, or the name on two lines): lettering under 10 mm is unreadable in print",
                    "geef een compactere versie van het logo (het beeldmerk, of de naam op twee regels): letters kleiner dan 10 mm zijn gedrukt onleesbaar"
                ));
                out.push(match kit.sources.get(std::path::Path::new("kit.toml")) {
                    Some(src) => d.at_line(src, deck.line, 1),
                    None => d.in_file("kit.toml"),
                });
            }
        }
    }
    out
}

/// The je-form of an address word, for the hint.
fn je_form(word: &str) -> &'static str {
    match word.to_lowercase().as_str() {
        "uw" | "jouw" => "jouw",
        "uzelf" | "jezelf" => "jezelf",
        "jij" => "jij",
        "jou" => "jou",
        _ => "je",
    }
}

/// The u-form of an address word, for the hint.
fn u_form(word: &str) -> &'static str {
    match word.to_lowercase().as_str() {
        "uw" | "jouw" => "uw",
        "uzelf" | "jezelf" => "uzelf",
        _ => "u",
    }
}

/// Where `words` stand as whole words in a template source, outside `{{…}}` expressions and
/// web addresses: (byte offset, the word as written).
fn address_words<'s>(source: &'s str, words: &[&str]) -> Vec<(usize, &'s str)> {
    let mut masked: Vec<bool> = vec![false; source.len()];
    let mut mask = |from: usize, to: usize| masked[from..to].iter_mut().for_each(|m| *m = true);
    let mut i = 0;
    while let Some(start) = source[i..].find("{{") {
        let start = i + start;
        let end = source[start..]
            .find("}}")
            .map_or(source.len(), |e| start + e + 2);
        mask(start, end);
        i = end;
    }
    for scheme in ["http://", "https://", "www."] {
        let mut i = 0;
        while let Some(start) = source[i..].find(scheme) {
            let start = i + start;
            let end = source[start..]
                .find(char::is_whitespace)
                .map_or(source.len(), |e| start + e);
            mask(start, end);
            i = end;
        }
    }
    let mut out = Vec::new();
    let mut word_start: Option<usize> = None;
    for (i, c) in source
        .char_indices()
        .chain(std::iter::once((source.len(), ' ')))
    {
        if c.is_alphabetic() {
            word_start.get_or_insert(i);
        } else if let Some(start) = word_start.take() {
            let word = &source[start..i];
            if !masked[start] && words.contains(&word.to_lowercase().as_str()) {
                out.push((start, word));
            }
        }
    }
    out
}

/// The line and column (1-based, in characters) in its file of byte `offset` of a text.
fn position(text: &crate::kit::Text, offset: usize) -> (usize, usize) {
    let before = &text.source[..offset];
    let lines = before.matches('\n').count();
    let last = before.rfind('\n').map_or(0, |n| n + 1);
    let col = before[last..].chars().count() + 1;
    if lines == 0 {
        (text.first_line, text.first_column + col - 1)
    } else {
        (text.first_line + lines, col)
    }
}
