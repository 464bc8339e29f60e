//! Diagnostics: what went wrong, where (file, line, column) and what would be right.
//!
//! Every problem in a kit becomes a [`Diagnostic`]. Loading and checking collect them all, so
//! one run lists every mistake instead of stopping at the first. They print like a compiler's:
//!
//! ```text
//! error: unknown technique `winstframng`
//!   --> kit.toml:34:28
//!    |
//! 34 | techniques = ["voorbeelden", "winstframng"]
//!    |                              ^^^^^^^^^^^^^
//!    = hint: did you mean `winstframing`?
//! ```

use std::fmt::{self, Write as _};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a command.
    Warning,
    /// The kit cannot be built as it is.
    Error,
}

/// One finding, with its place in the kit when there is one.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable short code, for `--format json` users and tests.
    pub code: &'static str,
    /// What is wrong, in plain words.
    pub message: String,
    /// The file, relative to the kit folder.
    pub file: Option<PathBuf>,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column, counted in characters.
    pub column: Option<usize>,
    /// What would be right: valid values, the nearest key, an example.
    pub hints: Vec<String>,
    /// The source line the line number points at, and the width to underline.
    #[serde(skip)]
    pub excerpt: Option<(String, usize)>,
}

impl Diagnostic {
    /// An error without a place yet.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    /// A warning without a place yet.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            code,
            message: message.into(),
            file: None,
            line: None,
            column: None,
            hints: Vec::new(),
            excerpt: None,
        }
    }

    /// Names the file, without a line.
    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Places the diagnostic at a byte range of a source file.
    pub fn at(mut self, src: &Source, span: Range<usize>) -> Self {
        let (line, column, text) = src.locate(span.start);
        let width = src.text[span.start.min(src.text.len())..span.end.min(src.text.len())]
            .lines()
            .next()
            .map_or(1, |s| s.chars().count().max(1));
        self.file = Some(src.path.clone());
        self.line = Some(line);
        self.column = Some(column);
        self.excerpt = Some((text.to_string(), width));
        self
    }

    /// Places the diagnostic at a 1-based line and column of a source file.
    pub fn at_line(mut self, src: &Source, line: usize, column: usize) -> Self {
        self.file = Some(src.path.clone());
        self.line = Some(line);
        self.column = Some(column);
        if let Some(text) = src.text.lines().nth(line.saturating_sub(1)) {
            self.excerpt = Some((text.to_string(), 1));
        }
        self
    }

    /// Adds a hint line.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => crate::tr!("error", "fout"),
            Severity::Warning => crate::tr!("warning", "waarschuwing"),
        };
        let hint_label = crate::tr!("hint", "tip");
        writeln!(f, "{label}: {}", self.message)?;
        let gutter = self.line.map_or(1, |l| l.to_string().len());
        let pad = " ".repeat(gutter);
        if let Some(file) = &self.file {
            let mut place = file.display().to_string().replace('\\', "/");
            if let Some(line) = self.line {
                let _ = write!(place, ":{line}");
                if let Some(col) = self.column {
                    let _ = write!(place, ":{col}");
                }
            }
            writeln!(f, "{pad}--> {place}")?;
        }
        if let (Some((text, width)), Some(line)) = (&self.excerpt, self.line) {
            let (shown, col) = window(text, self.column.unwrap_or(1));
            let width = (*width)
                .min(shown.chars().count().saturating_sub(col - 1))
                .max(1);
            writeln!(f, "{pad} |")?;
            writeln!(f, "{line} | {shown}")?;
            writeln!(
                f,
                "{pad} | {}{}",
                " ".repeat(col.saturating_sub(1)),
                "^".repeat(width)
            )?;
        }
        for hint in &self.hints {
            writeln!(f, "{pad} = {hint_label}: {hint}")?;
        }
        Ok(())
    }
}

/// At most 100 characters of a long source line around `col`, and the column within them.
fn window(text: &str, col: usize) -> (String, usize) {
    const MAX: usize = 100;
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= MAX {
        return (text.to_string(), col);
    }
    let start = col.saturating_sub(40).min(chars.len().saturating_sub(MAX));
    let end = (start + MAX).min(chars.len());
    let mut shown: String = chars[start..end].iter().collect();
    let mut col = col - start;
    if start > 0 {
        shown.insert(0, '…');
        col += 1;
    }
    if end < chars.len() {
        shown.push('…');
    }
    (shown, col)
}

/// A text file of the kit, kept for turning byte offsets into lines and columns.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path relative to the kit folder, as shown to the user.
    pub path: PathBuf,
    /// The whole text.
    pub text: String,
}

impl Source {
    /// A source file named `path` (relative to the kit) with `text`.
    pub fn new(path: impl AsRef<Path>, text: String) -> Self {
        Source {
            path: path.as_ref().to_path_buf(),
            text,
        }
    }

    /// Line (1-based), column (1-based, in characters) and the line's text at a byte offset.
    pub fn locate(&self, offset: usize) -> (usize, usize, &str) {
        let offset = offset.min(self.text.len());
        let offset = (0..=offset)
            .rev()
            .find(|&o| self.text.is_char_boundary(o))
            .unwrap_or(0);
        let before = &self.text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line = before.matches('\n').count() + 1;
        let column = self.text[line_start..offset].chars().count() + 1;
        let line_end = self.text[line_start..]
            .find('\n')
            .map_or(self.text.len(), |i| line_start + i);
        (
            line,
            column,
            self.text[line_start..line_end].trim_end_matches('\r'),
        )
    }
}

/// The nearest candidate to a misspelt word, if one is close enough to be a likely typo.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::osa_distance(&word_lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count().max(word.chars().count()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// A hint naming the nearest candidate (if any) and listing the valid ones.
pub fn choices_hint(word: &str, what: &str, candidates: &[&str]) -> String {
    let list = if candidates.is_empty() {
        crate::tr!(
            "there are no {what} yet",
            "er zijn nog geen {what}",
            what = what
        )
    } else {
        let names = candidates
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ");
        crate::tr!(
            "valid {what}: {names}",
            "geldige {what}: {names}",
            what = what,
            names = names
        )
    };
    match nearest(word, candidates.iter().copied()) {
        Some(n) => crate::tr!(
            "did you mean `{n}`? {list}",
            "bedoelt u `{n}`? {list}",
            n = n,
            list = list
        ),
        None => list,
    }
}

/// Errors first, then warnings, each in file and line order: the order they are printed in.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.file.cmp(&b.file))
            .then_with(|| a.line.cmp(&b.line))
            .then_with(|| a.column.cmp(&b.column))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_lines_and_columns_in_characters() {
        let src = Source::new("kit.toml", "a = 1\nnaïef = \"x\"\n".to_string());
        let (line, col, text) = src.locate(src.text.find("\"x").unwrap());
        assert_eq!((line, col, text), (2, 9, "naïef = \"x\""));
    }

    #[test]
    fn long_lines_are_shown_around_the_column() {
        let text = format!("{}x = 1{}", "a".repeat(500), "b".repeat(500));
        let src = Source::new("kit.toml", text);
        let d = Diagnostic::error("x", "here")
            .at(&src, 500..501)
            .to_string();
        let excerpt = d.lines().nth(3).unwrap();
        assert!(excerpt.chars().count() < 110, "{excerpt}");
        let caret = d.lines().nth(4).unwrap();
        assert_eq!(excerpt.chars().nth(caret.find('^').unwrap()), Some('x'));
    }

    #[test]
    fn suggests_the_nearest_key() {
        assert_eq!(
            nearest("colur", ["id", "name", "colour", "logo"]),
            Some("colour")
        );
        assert_eq!(nearest("zzzzzz", ["id", "name"]), None);
        assert_eq!(nearest("Capaciteit", ["capaciteit"]), Some("capaciteit"));
    }

    #[test]
    fn renders_like_a_compiler() {
        let src = Source::new("kit.toml", "x = 1\ncolour = \"red\"\n".to_string());
        let d = Diagnostic::error("colour", "`red` is not a colour")
            .at(&src, 15..20)
            .hint("write it as #rrggbb, e.g. \"#e17000\"");
        assert_eq!(
            d.to_string(),
            "error: `red` is not a colour\n --> kit.toml:2:10\n  |\n2 | colour = \"red\"\n  |          ^^^^^\n  = hint: write it as #rrggbb, e.g. \"#e17000\"\n"
        );
    }
}
