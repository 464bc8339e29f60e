//! Readability of the kit's texts: Flesch–Douma for Dutch, Flesch Reading Ease for English.
//!
//! Both are `206.835 − a × (words per sentence) − b × (syllables per word)`, with
//! a = 0.93, b = 77 (Douma, 1960) for Dutch and a = 1.015, b = 84.6 (Flesch, 1948) for English.
//! Scores of 60 and up read as "fairly easy": about language level B1, which Dutch government
//! texts aim for. Syllables are counted as vowel groups, which is exact for most Dutch words
//! and close for English.

use crate::kit::Lang;

/// A word with the line it is on.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// The word, without punctuation.
    pub text: String,
    /// 1-based line in the source text.
    pub line: usize,
    /// Its syllables.
    pub syllables: usize,
}

/// A sentence: its words.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    /// The words, in order.
    pub words: Vec<Word>,
}

impl Sentence {
    /// The line the sentence starts on.
    pub fn line(&self) -> usize {
        self.words.first().map_or(1, |w| w.line)
    }

    /// The sentence as text, shortened to `n` words.
    pub fn preview(&self, n: usize) -> String {
        let mut s: Vec<&str> = self.words.iter().take(n).map(|w| w.text.as_str()).collect();
        if self.words.len() > n {
            s.push("…");
        }
        s.join(" ")
    }
}

/// The score of a text and what it is made of.
#[derive(Debug, Clone)]
pub struct Score {
    /// Flesch–Douma or Flesch Reading Ease.
    pub score: f64,
    /// Sentences.
    pub sentences: Vec<Sentence>,
    /// Number of words.
    pub words: usize,
    /// Number of syllables.
    pub syllables: usize,
}

/// The name of the formula used for `lang`.
pub fn formula(lang: Lang) -> &'static str {
    match lang {
        Lang::Nl => "Flesch–Douma",
        Lang::En => "Flesch Reading Ease",
    }
}

/// Counts syllables as vowel groups. In Dutch, `ij` is one vowel and a vowel with a diaeresis
/// (ë, ï) starts a new syllable; in English a final silent `e` is not counted.
pub fn syllables(word: &str, lang: Lang) -> usize {
    let chars: Vec<char> = word.to_lowercase().chars().collect();
    let is_vowel = |c: char| "aeiouyáéíóúàèìòùâêîôûäëïöü".contains(c);
    let mut count = 0;
    let mut in_group = false;
    for (i, &c) in chars.iter().enumerate() {
        let vowel = is_vowel(c) || (lang == Lang::Nl && c == 'j' && i > 0 && chars[i - 1] == 'i');
        let breaks = lang == Lang::Nl && "äëïöü".contains(c);
        if vowel && (!in_group || breaks) {
            count += 1;
        }
        in_group = vowel;
    }
    if lang == Lang::En
        && count > 1
        && word.to_lowercase().ends_with('e')
        && !word.to_lowercase().ends_with("le")
    {
        count -= 1;
    }
    count.max(1)
}

/// Strips Markdown markup and template expressions from one source line, keeping its words.
fn clean_line(line: &str) -> (String, bool) {
    let t = line.trim_start();
    let mut block_start = false;
    let mut rest = t;
    if let Some(r) = rest.strip_prefix('#') {
        rest = r.trim_start_matches('#');
        block_start = true;
    } else if let Some(r) = rest
        .strip_prefix("- ")
        .or_else(|| rest.strip_prefix("* "))
        .or_else(|| rest.strip_prefix("> "))
    {
        rest = r;
        block_start = true;
    } else {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && rest[digits..].starts_with(". ") {
            rest = &rest[digits + 2..];
            block_start = true;
        }
    }
    // [text](url) -> text; drop template expressions; drop emphasis markers.
    let mut out = String::new();
    let mut chars = rest.char_indices().peekable();
    let bytes = rest;
    while let Some((i, c)) = chars.next() {
        if bytes[i..].starts_with("{{") {
            let end = bytes[i..].find("}}").map_or(bytes.len(), |e| i + e + 2);
            let inner = &bytes[i..end];
            // A value expression reads as one word; block helpers read as nothing.
            if !(inner.starts_with("{{#")
                || inner.starts_with("{{/")
                || inner.starts_with("{{else")
                || inner.starts_with("{{!"))
            {
                out.push_str("naam");
            }
            while chars.peek().is_some_and(|(j, _)| *j < end) {
                chars.next();
            }
            continue;
        }
        if c == ']' && bytes[i + 1..].starts_with('(') {
            let end = bytes[i..].find(')').map_or(bytes.len(), |e| i + e + 1);
            while chars.peek().is_some_and(|(j, _)| *j < end) {
                chars.next();
            }
            continue;
        }
        if matches!(c, '*' | '_' | '[' | '`') {
            continue;
        }
        out.push(c);
    }
    (out, block_start)
}

/// Scores a Markdown text whose first line is line `first_line` of its file.
pub fn score(text: &str, first_line: usize, lang: Lang) -> Score {
    let mut sentences = Vec::new();
    let mut current: Vec<Word> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = first_line + i;
        let (clean, block_start) = clean_line(raw);
        if (raw.trim().is_empty() || block_start) && !current.is_empty() {
            sentences.push(Sentence {
                words: std::mem::take(&mut current),
            });
        }
        for token in clean.split_whitespace() {
            let word: String = token
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '\'')
                .collect();
            let ends = token
                .trim_end_matches(['"', '”', '’', ')', '\''])
                .ends_with(['.', '!', '?', ':']);
            if word.chars().any(char::is_alphabetic) {
                let syl = syllables(&word, lang);
                current.push(Word {
                    text: word,
                    line,
                    syllables: syl,
                });
            }
            if ends && !current.is_empty() {
                sentences.push(Sentence {
                    words: std::mem::take(&mut current),
                });
            }
        }
        // Headings and list items end at the end of their line.
        if block_start && !current.is_empty() {
            sentences.push(Sentence {
                words: std::mem::take(&mut current),
            });
        }
    }
    if !current.is_empty() {
        sentences.push(Sentence { words: current });
    }
    let words: usize = sentences.iter().map(|s| s.words.len()).sum();
    let syllables: usize = sentences
        .iter()
        .flat_map(|s| &s.words)
        .map(|w| w.syllables)
        .sum();
    let (a, b) = match lang {
        Lang::Nl => (0.93, 77.0),
        Lang::En => (1.015, 84.6),
    };
    let score = if words == 0 || sentences.is_empty() {
        100.0
    } else {
        206.835
            - a * (words as f64 / sentences.len() as f64)
            - b * (syllables as f64 / words as f64)
    };
    Score {
        score,
        sentences,
        words,
        syllables,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_dutch_syllables() {
        for (w, n) in [
            ("ondernemers", 4),
            ("gelijke", 3),
            ("belangrijk", 3),
            ("kansen", 2),
            ("geïnteresseerd", 5),
            ("blij", 1),
            ("ideeën", 3),
            ("werkgevers", 3),
        ] {
            assert_eq!(syllables(w, Lang::Nl), n, "{w}");
        }
    }

    #[test]
    fn counts_english_syllables() {
        for (w, n) in [
            ("cat", 1),
            ("make", 1),
            ("table", 2),
            ("people", 2),
            ("the", 1),
        ] {
            assert_eq!(syllables(w, Lang::En), n, "{w}");
        }
    }

    #[test]
    fn flesch_douma_matches_hand_computed_values() {
        // 9 words, 2 sentences, 9 syllables: 206.835 − 0.93 × 4.5 − 77 × 1 = 125.65
        let s = score("De kat zit op de mat. Hij is blij.", 1, Lang::Nl);
        assert_eq!((s.words, s.sentences.len(), s.syllables), (9, 2, 9));
        assert!((s.score - 125.65).abs() < 1e-9, "{}", s.score);
        // 5 words, 1 sentence, 14 syllables: 206.835 − 0.93 × 5 − 77 × 14 / 5 = −13.415
        let s = score("Ondernemers vinden gelijke kansen belangrijk.", 1, Lang::Nl);
        assert_eq!((s.words, s.syllables), (5, 14));
        assert!((s.score + 13.415).abs() < 1e-9, "{}", s.score);
    }

    #[test]
    fn flesch_reading_ease_matches_hand_computed_values() {
        // 6 words, 1 sentence, 6 syllables: 206.835 − 1.015 × 6 − 84.6 = 116.145
        let s = score("The cat sat on the mat.", 1, Lang::En);
        assert!((s.score - 116.145).abs() < 1e-9, "{}", s.score);
    }

    #[test]
    fn markdown_and_templates_are_not_words() {
        let s = score(
            "# Kop\n\nVraag het **{{partner.name}}** via [de site](https://x.nl).\n- een punt\n",
            10,
            Lang::Nl,
        );
        let words: Vec<&str> = s
            .sentences
            .iter()
            .flat_map(|s| &s.words)
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(
            words,
            ["Kop", "Vraag", "het", "naam", "via", "de", "site", "een", "punt"]
        );
        assert_eq!(s.sentences.len(), 3);
        assert_eq!(s.sentences[1].line(), 12);
    }
}
