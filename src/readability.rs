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

/// Blanks out template expressions, keeping every byte offset and line: a value expression
/// (`{{partner.name}}`) reads as one word, a block helper or comment (`{{#if}}`, `{{/if}}`,
/// `{{else}}`, `{{!…}}`) as nothing. The filler is NUL, which Markdown reads as a letter-like
/// character (so `**{{x}}**` stays emphasis) and the word splitter drops.
fn blank_templates(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = after.find("}}").map_or(after.len(), |e| e + 2);
        let inner = &after[..end];
        let silent = ["{{#", "{{/", "{{else", "{{!", "{{~#", "{{~/"]
            .iter()
            .any(|p| inner.starts_with(p));
        let mut word = if silent { "" } else { "naam" }.chars();
        for c in inner.chars() {
            if c == '\n' {
                out.push('\n');
            } else {
                for _ in 0..c.len_utf8() {
                    out.push(word.next().unwrap_or('\0'));
                }
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Scores a Markdown text whose first line is line `first_line` of its file.
///
/// The text is read with the same Markdown parser that renders it: only prose counts (no URLs,
/// code blocks, HTML or image descriptions); a paragraph, heading, list item or table cell ends
/// its sentence.
pub fn score(text: &str, first_line: usize, lang: Lang) -> Score {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

    let source = blank_templates(text);
    let newlines: Vec<usize> = source
        .bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(i, _)| i)
        .collect();
    let line_of = |offset: usize| first_line + newlines.partition_point(|&n| n < offset);
    let mut sentences = Vec::new();
    let mut current: Vec<Word> = Vec::new();
    let mut skip = 0usize;
    let end_sentence = |current: &mut Vec<Word>, sentences: &mut Vec<Sentence>| {
        if !current.is_empty() {
            sentences.push(Sentence {
                words: std::mem::take(current),
            });
        }
    };
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for (event, range) in Parser::new_ext(&source, options).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_) | Tag::Image { .. } | Tag::HtmlBlock) => skip += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::Image | TagEnd::HtmlBlock) => {
                skip = skip.saturating_sub(1)
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_),
            ) => end_sentence(&mut current, &mut sentences),
            Event::Text(t) | Event::Code(t) if skip == 0 => {
                let line = line_of(range.start);
                for token in t.split_whitespace() {
                    let word: String = token
                        .chars()
                        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '\'')
                        .collect();
                    let ends = token
                        .trim_end_matches(['"', '”', '’', ')', '\'', '\0', '\u{fffd}'])
                        .ends_with(['.', '!', '?', ':']);
                    if word.chars().any(char::is_alphabetic) {
                        let syl = syllables(&word, lang);
                        current.push(Word {
                            text: word,
                            line,
                            syllables: syl,
                        });
                    }
                    if ends {
                        end_sentence(&mut current, &mut sentences);
                    }
                }
            }
            _ => {}
        }
    }
    end_sentence(&mut current, &mut sentences);
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

    #[test]
    fn only_prose_counts() {
        let s = score(
            "Lees dit.\n\n```\ncode telt niet mee\n```\n\n![een foto](x.png) <b>vet</b> en\n{{#if partner.vars.x}}meer{{/if}}\n\n| a | b |\n|---|---|\n| cel een | cel twee |\n",
            1,
            Lang::Nl,
        );
        let words: Vec<Vec<&str>> = s
            .sentences
            .iter()
            .map(|s| s.words.iter().map(|w| w.text.as_str()).collect())
            .collect();
        assert_eq!(
            words,
            [
                vec!["Lees", "dit"],
                vec!["vet", "en", "meer"],
                vec!["a"],
                vec!["b"],
                vec!["cel", "een"],
                vec!["cel", "twee"],
            ]
        );
        assert_eq!(s.sentences[1].words[2].line, 8);
    }
}
