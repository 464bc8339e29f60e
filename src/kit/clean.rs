//! Invisible characters that have no place in a campaign text.
//!
//! Control characters (NUL, escape, …) break files and terminals, and the bidirectional
//! overrides and isolates (U+202A–U+202E, U+2066–U+2069) make text display differently from
//! how it reads (the "Trojan Source" trick): a partner would publish something other than what
//! the adviser approved. They are an error where they stand, never removed silently, because the
//! adviser must see and decide; tab, line feed and carriage return are of course allowed.
//!
//! They are found as typed and also as escapes that decode to them: `\u202E` in TOML strings
//! and `&#x202E;` / `&#8238;` in Markdown.

use std::ops::Range;

/// Whether `c` is refused in kit texts.
pub fn is_forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A name for a refused character, for messages: `U+202E (right-to-left override)`.
pub fn name(c: char) -> String {
    let what = match c {
        '\u{0}' => "NUL",
        '\u{1b}' => "escape",
        '\u{7f}' => "delete",
        '\u{202a}' => "left-to-right embedding",
        '\u{202b}' => "right-to-left embedding",
        '\u{202c}' => "pop directional formatting",
        '\u{202d}' => "left-to-right override",
        '\u{202e}' => "right-to-left override",
        '\u{2066}' => "left-to-right isolate",
        '\u{2067}' => "right-to-left isolate",
        '\u{2068}' => "first strong isolate",
        '\u{2069}' => "pop directional isolate",
        _ => "control character",
    };
    format!("U+{:04X} ({what})", c as u32)
}

/// Every refused character in `text`, typed or escaped, with its byte range.
pub fn find(text: &str) -> Vec<(Range<usize>, char)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        if is_forbidden(c) {
            out.push((i..i + c.len_utf8(), c));
            continue;
        }
        let escaped = match c {
            '\\' => escape_at(bytes, i),
            '&' => reference_at(bytes, i),
            _ => None,
        };
        if let Some((len, c)) = escaped {
            if is_forbidden(c) {
                out.push((i..i + len, c));
            }
        }
    }
    out
}

/// `\uXXXX` or `\UXXXXXXXX` at `i`: its length and character.
fn escape_at(b: &[u8], i: usize) -> Option<(usize, char)> {
    let digits = match b.get(i + 1)? {
        b'u' => 4,
        b'U' => 8,
        _ => return None,
    };
    let hex = std::str::from_utf8(b.get(i + 2..i + 2 + digits)?).ok()?;
    let n = u32::from_str_radix(hex, 16).ok()?;
    Some((2 + digits, char::from_u32(n)?))
}

/// `&#NNNN;` or `&#xHHHH;` at `i`: its length and character.
fn reference_at(b: &[u8], i: usize) -> Option<(usize, char)> {
    if b.get(i + 1) != Some(&b'#') {
        return None;
    }
    let (start, radix) = match b.get(i + 2)? {
        b'x' | b'X' => (i + 3, 16),
        _ => (i + 2, 10),
    };
    let end = (start..b.len().min(start + 9)).find(|&j| b[j] == b';')?;
    let n = u32::from_str_radix(std::str::from_utf8(&b[start..end]).ok()?, radix).ok()?;
    Some((end + 1 - i, char::from_u32(n)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typed_and_escaped() {
        let t = "a\u{202e}b \\u202E c &#x202e; d &#8238; e \\U0000001b f\tg\nh &#233; \\u00e9";
        let found: Vec<char> = find(t).into_iter().map(|(_, c)| c).collect();
        assert_eq!(
            found,
            vec!['\u{202e}', '\u{202e}', '\u{202e}', '\u{202e}', '\u{1b}']
        );
        assert_eq!(find("a\0b")[0].0, 1..2);
        assert_eq!(name('\u{202e}'), "U+202E (right-to-left override)");
        assert_eq!(name('\0'), "U+0000 (NUL)");
    }

    #[test]
    fn ordinary_text_passes() {
        assert!(find("Zo doet u mee — “samen” & 100% \\n é ü 😀 &amp; &#; &#x;").is_empty());
    }
}
