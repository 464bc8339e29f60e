//! Content files: TOML front matter between `+++` lines, then a Markdown body.

/// A content file split into its two parts.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The TOML between the fences.
    pub front_matter: &'a str,
    /// Byte offset of the front matter in the file, to shift TOML spans (so errors point at the
    /// right line of the `.md` file, not of the snippet).
    pub front_matter_offset: usize,
    /// The Markdown body.
    pub body: &'a str,
    /// 1-based line of the file where the body starts.
    pub body_line: usize,
}

/// Why a file has no usable front matter.
#[derive(Debug, PartialEq, Eq)]
pub enum SplitError {
    /// The file does not start with `+++`.
    NoOpening,
    /// The opening `+++` is never closed.
    Unterminated,
}

/// Splits `text` at its `+++` fences.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let mut lines = LineIter { text, pos: 0 };
    match lines.next() {
        Some((_, line)) if line.trim_end() == "+++" => {}
        _ => return Err(SplitError::NoOpening),
    }
    let front_matter_offset = lines.pos;
    let mut line_no = 1;
    while let Some((start, line)) = lines.next() {
        line_no += 1;
        if line.trim_end() == "+++" {
            return Ok(Split {
                front_matter: &text[front_matter_offset..start],
                front_matter_offset,
                body: &text[lines.pos..],
                body_line: line_no + 1,
            });
        }
    }
    Err(SplitError::Unterminated)
}

struct LineIter<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for LineIter<'a> {
    /// (byte offset of the line, the line without its `\n`)
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        self.pos = (end + 1).min(self.text.len());
        Some((start, self.text[start..end].trim_end_matches('\r')))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let s = split("+++\nkind = \"blog\"\n+++\n# Kop\n\nTekst\n").unwrap();
        assert_eq!(s.front_matter, "kind = \"blog\"\n");
        assert_eq!(s.front_matter_offset, 4);
        assert_eq!(s.body, "# Kop\n\nTekst\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn accepts_windows_line_ends() {
        let s = split("+++\r\nkind = \"blog\"\r\n+++\r\nTekst\r\n").unwrap();
        assert_eq!(s.front_matter, "kind = \"blog\"\r\n");
        assert_eq!(s.body, "Tekst\r\n");
    }

    /// Found by the `front_matter` fuzz target: a closing fence on the last line, without a
    /// line end, sliced past the end of the text.
    #[test]
    fn closing_fence_at_the_very_end() {
        let s = split("+++\nkind = \"blog\"\n+++").unwrap();
        assert_eq!(s.front_matter, "kind = \"blog\"\n");
        assert_eq!(s.body, "");
    }

    #[test]
    fn reports_missing_fences() {
        assert_eq!(split("kind = 1\n"), Err(SplitError::NoOpening));
        assert_eq!(split("+++\nkind = 1\n"), Err(SplitError::Unterminated));
        assert_eq!(split(""), Err(SplitError::NoOpening));
    }
}
