//! What changed: each build into the same `--out` gets the next version number, and each pack
//! a `CHANGES.html` that lists what changed since the previous build: files added, removed and
//! changed, and for texts the changed lines with the changed words marked.
//!
//! The previous build is read from the output folder before it is replaced, one pack at a time
//! as each partner's new pack is made (so a build holds the previous texts of the packs in
//! progress only, not of the whole campaign), bounded: only the packs' own files, at most
//! [`MAX_FILE_BYTES`] each and [`MAX_TOTAL_BYTES`] per pack; a build whose previous output
//! cannot be read counts as a first version. Binary files are compared by their SHA-256.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::kit::Kit;

/// The file in the campaign folder that holds the build's version number.
pub const STATE_FILE: &str = ".partnerkit-build";
/// The pack file that lists the changes.
pub const CHANGES_FILE: &str = "CHANGES.html";
/// Larger files of a previous build are compared by hash only.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// At most this much of a previous pack is read (a pack's texts come to a few MB; images and
/// PDFs are not read, their SHA-256 is in the manifest).
pub const MAX_TOTAL_BYTES: u64 = 32 * 1024 * 1024;
/// At most this many files of a previous pack are looked at.
pub const MAX_FILES: usize = 20_000;
/// At most this many changed lines are listed per file.
const MAX_LINES: usize = 200;

/// What the previous build held of one pack: path → bytes (texts) or SHA-256 (others).
pub type PackFiles = BTreeMap<String, Seen>;

/// A file of the previous build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// A text, kept for line differences.
    Text(String),
    /// Anything else: its SHA-256.
    Hash(String),
    /// A text the previous manifest lists: its SHA-256, and its file, read only when its lines
    /// are needed (most texts do not change from one build to the next).
    Listed {
        /// The SHA-256 the manifest lists.
        sum: String,
        /// The file.
        file: std::path::PathBuf,
    },
}

impl Seen {
    /// The text: a listed one read now (`None` for anything else, or a text that is no longer
    /// a file of at most [`MAX_FILE_BYTES`] in UTF-8).
    pub fn text(&self) -> Option<std::borrow::Cow<'_, str>> {
        match self {
            Seen::Text(t) => Some(t.into()),
            Seen::Hash(_) => None,
            Seen::Listed { file, .. } => {
                let meta = std::fs::symlink_metadata(file).ok()?;
                if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
                    return None;
                }
                String::from_utf8(std::fs::read(file).ok()?)
                    .ok()
                    .map(Into::into)
            }
        }
    }

    /// Whether this is a text the previous manifest lists with the SHA-256 `sum`.
    pub fn lists(&self, sum: &str) -> bool {
        matches!(self, Seen::Listed { sum: listed, .. } if listed == sum)
    }
}

/// This build's version, its date, and the previous build (if any).
#[derive(Debug, Default)]
pub struct Release {
    /// 1 for the first build into an output folder.
    pub version: u32,
    /// The build's date in words, in the kit's language.
    pub date: String,
    /// The previous build, if there is one.
    pub previous: Option<Previous>,
}

/// The previous build: its version and its pack folders.
#[derive(Debug, Default)]
pub struct Previous {
    /// Its version.
    pub version: u32,
    /// The campaign folder.
    dir: std::path::PathBuf,
    /// Each partner's pack folder in it, by partner id.
    folders: BTreeMap<String, String>,
}

impl Release {
    /// The release that follows what `dir` (the campaign folder of `--out`) holds.
    pub fn after(dir: &Path, kit: &Kit) -> Release {
        let now = crate::kit::Moment {
            unix: crate::distribution::now_unix(),
            offset_minutes: kit.campaign.launch.offset_minutes,
            zone: None,
        };
        let date = now
            .human(kit.campaign.language)
            .split(", ")
            .next()
            .unwrap_or_default()
            .to_string();
        let previous = read_previous(dir, kit);
        Release {
            version: previous.as_ref().map_or(1, |p| p.version + 1),
            date,
            previous,
        }
    }

    /// What the previous build held of `partner`'s pack, read now; `None` when there was no
    /// previous build or it had no pack for the partner.
    pub fn previous_pack(&self, partner: &str) -> Option<PackFiles> {
        let previous = self.previous.as_ref()?;
        let folder = previous.dir.join(previous.folders.get(partner)?);
        let mut files = PackFiles::new();
        let sums = manifest_sums(&folder);
        let mut budget = MAX_TOTAL_BYTES;
        read_tree(&folder, "", &mut files, &mut budget, &sums);
        Some(files)
    }

    /// The contents of [`STATE_FILE`].
    pub fn state(&self) -> String {
        format!("version {}\n", self.version)
    }
}

fn read_previous(dir: &Path, kit: &Kit) -> Option<Previous> {
    let state = std::fs::read_to_string(dir.join(STATE_FILE)).ok()?;
    let version: u32 = state.trim().strip_prefix("version ")?.trim().parse().ok()?;
    let mut folders = BTreeMap::new();
    let entries: Vec<String> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect();
    for partner in &kit.partners {
        let Some(folder) = entries.iter().find(|f| is_pack_folder(f, &partner.id)) else {
            continue;
        };
        folders.insert(partner.id.clone(), folder.clone());
    }
    Some(Previous {
        version,
        dir: dir.to_path_buf(),
        folders,
    })
}

/// `id`, or `id-<token>` with a 26-character base32 token.
fn is_pack_folder(name: &str, id: &str) -> bool {
    name == id
        || name
            .strip_prefix(id)
            .and_then(|r| r.strip_prefix('-'))
            .is_some_and(|t| {
                t.len() == 26
                    && t.bytes()
                        .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))
            })
}

/// The SHA-256 of every file the pack's `manifest.json` lists, by path: images, PDFs and films
/// are compared by these, without reading them again (a large campaign's come to hundreds of
/// MB, more than [`MAX_TOTAL_BYTES`]).
fn manifest_sums(pack: &Path) -> BTreeMap<String, String> {
    let path = pack.join("manifest.json");
    let readable =
        std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file() && m.len() <= MAX_FILE_BYTES);
    // Only the two fields read, borrowed where they can be: a manifest is parsed per pack on
    // every build.
    #[derive(serde::Deserialize)]
    struct Manifest<'a> {
        #[serde(borrow, default)]
        files: Vec<Listed<'a>>,
    }
    #[derive(serde::Deserialize)]
    struct Listed<'a> {
        #[serde(borrow)]
        path: Option<std::borrow::Cow<'a, str>>,
        #[serde(borrow)]
        sha256: Option<std::borrow::Cow<'a, str>>,
    }
    let Some(bytes) = readable.then(|| std::fs::read(&path).ok()).flatten() else {
        return BTreeMap::new();
    };
    let Ok(manifest) = serde_json::from_slice::<Manifest<'_>>(&bytes) else {
        return BTreeMap::new();
    };
    let mut out = BTreeMap::new();
    for f in manifest.files {
        if let (Some(p), Some(sum)) = (f.path, f.sha256) {
            if sum.len() == 64 && sum.bytes().all(|b| b.is_ascii_hexdigit()) {
                out.insert(p.into_owned(), sum.to_ascii_lowercase());
            }
        }
    }
    out
}

fn read_tree(
    dir: &Path,
    prefix: &str,
    out: &mut PackFiles,
    budget: &mut u64,
    sums: &BTreeMap<String, String>,
) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        if out.len() >= MAX_FILES {
            return;
        }
        let Some(name) = e.file_name().to_str().map(str::to_string) else {
            continue;
        };
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let Ok(t) = e.file_type() else { continue };
        if t.is_dir() {
            read_tree(&e.path(), &rel, out, budget, sums);
        } else if let Some(sum) = sums.get(&rel).filter(|_| t.is_file()) {
            let seen = if is_text(&rel) {
                Seen::Listed {
                    sum: sum.clone(),
                    file: e.path(),
                }
            } else {
                Seen::Hash(sum.clone())
            };
            out.insert(rel, seen);
        } else if t.is_file() {
            let len = e.metadata().map_or(u64::MAX, |m| m.len());
            if len > MAX_FILE_BYTES || len > *budget {
                out.insert(rel, Seen::Hash(String::new()));
                continue;
            }
            *budget -= len;
            if let Ok(bytes) = std::fs::read(e.path()) {
                let now = seen(&rel, &bytes, || crate::util::sha256_hex(&bytes));
                out.insert(rel, now);
            }
        }
    }
}

fn is_text(path: &str) -> bool {
    [
        ".txt", ".md", ".html", ".ics", ".csv", ".srt", ".vtt", ".json",
    ]
    .iter()
    .any(|x| path.ends_with(x))
}

/// A file as compared: a text by its text, anything else by its SHA-256 (`sum`, made only when
/// needed).
fn seen(path: &str, bytes: &[u8], sum: impl FnOnce() -> String) -> Seen {
    match std::str::from_utf8(bytes) {
        Ok(s) if is_text(path) => Seen::Text(s.to_string()),
        _ => Seen::Hash(sum()),
    }
}

/// The changes of one pack, as `CHANGES.html` shows them.
#[derive(Debug, Serialize, Default)]
pub struct PackChanges {
    /// This build's version.
    pub version: u32,
    /// The previous build's version, if there was one.
    pub since: Option<u32>,
    /// The partner had no pack in the previous build.
    pub new_pack: bool,
    /// Files that are new.
    pub added: Vec<String>,
    /// Files that are gone.
    pub removed: Vec<String>,
    /// Files whose content changed.
    pub changed: Vec<ChangedFile>,
    /// Nothing changed.
    pub unchanged: bool,
}

/// A changed file and, for texts, its changed lines.
#[derive(Debug, Serialize)]
pub struct ChangedFile {
    /// Path in the pack.
    pub path: String,
    /// The changed lines (texts only).
    pub lines: Vec<Line>,
    /// More lines changed than are listed.
    pub more: bool,
}

/// A removed or added line; `html` is escaped, with changed words in `<mark>`.
#[derive(Debug, Serialize)]
pub struct Line {
    /// `del` or `ins`.
    pub kind: &'static str,
    /// The line as HTML.
    pub html: String,
}

/// Files that say nothing about the content: they change with every build.
fn compared(path: &str, overview: &str) -> bool {
    path != overview && path != "manifest.json" && path != CHANGES_FILE
}

/// Compares a pack's new files with the previous build's (`old`, from
/// [`Release::previous_pack`]).
pub fn compare(
    release: &Release,
    old: Option<&PackFiles>,
    files: &[(&str, &[u8], &str)],
    overview: &str,
) -> PackChanges {
    let mut out = PackChanges {
        version: release.version,
        ..PackChanges::default()
    };
    let Some(previous) = &release.previous else {
        return out;
    };
    out.since = Some(previous.version);
    let Some(old) = old else {
        out.new_pack = true;
        return out;
    };
    let new: BTreeMap<&str, (&[u8], &str)> = files
        .iter()
        .filter(|(path, _, _)| compared(path, overview))
        .map(|(path, bytes, sum)| (*path, (*bytes, *sum)))
        .collect();
    for (path, (bytes, sum)) in &new {
        match old.get(*path) {
            None => out.added.push(path.to_string()),
            Some(before) => {
                // A listed text by its SHA-256: its lines are read only when it changed.
                let same = match before {
                    Seen::Listed { .. } => before.lists(sum),
                    _ => *before == seen(path, bytes, || sum.to_string()),
                };
                if !same {
                    let now = std::str::from_utf8(bytes).ok().filter(|_| is_text(path));
                    out.changed
                        .push(changed_file(path, before.text().as_deref(), now));
                }
            }
        }
    }
    out.removed = old
        .keys()
        .filter(|p| compared(p, overview) && !new.contains_key(p.as_str()))
        .cloned()
        .collect();
    out.unchanged = out.added.is_empty() && out.removed.is_empty() && out.changed.is_empty();
    out
}

/// A changed file, with its changed lines when it is a text before and now.
fn changed_file(path: &str, before: Option<&str>, now: Option<&str>) -> ChangedFile {
    let (Some(a), Some(b)) = (before, now) else {
        return ChangedFile {
            path: path.to_string(),
            lines: Vec::new(),
            more: false,
        };
    };
    // Pages are compared by their visible text, line by line.
    let (a, b) = if path.ends_with(".html") {
        (visible_text(a), visible_text(b))
    } else {
        (a.to_string(), b.to_string())
    };
    let diff = similar::TextDiff::from_lines(&a, &b);
    let mut lines = Vec::new();
    let mut more = false;
    for op in diff.ops() {
        for change in diff.iter_inline_changes(op) {
            let kind = match change.tag() {
                similar::ChangeTag::Delete => "del",
                similar::ChangeTag::Insert => "ins",
                similar::ChangeTag::Equal => continue,
            };
            if lines.len() == MAX_LINES {
                more = true;
                break;
            }
            let mut html = String::new();
            for (emphasised, part) in change.iter_strings_lossy() {
                let part = crate::util::escape_html(part.trim_end_matches('\n'));
                if emphasised {
                    html.push_str(&format!("<mark>{part}</mark>"));
                } else {
                    html.push_str(&part);
                }
            }
            lines.push(Line { kind, html });
        }
    }
    ChangedFile {
        path: path.to_string(),
        lines,
        more,
    }
}

/// The text of an HTML page as a reader sees it, one block per line (tags, styles and scripts
/// dropped), so that a changed page shows its changed sentences rather than markup.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    // Drop <style> and <script> content.
    let mut cleaned = String::new();
    while let Some(i) = rest.find('<') {
        cleaned.push_str(&rest[..i]);
        let after = &rest[i..];
        let lower: String = after
            .chars()
            .take(8)
            .collect::<String>()
            .to_ascii_lowercase();
        let skip_to = if lower.starts_with("<style") {
            after.to_ascii_lowercase().find("</style>").map(|e| e + 8)
        } else if lower.starts_with("<script") {
            after.to_ascii_lowercase().find("</script>").map(|e| e + 9)
        } else {
            None
        };
        match skip_to {
            Some(n) => rest = &after[n..],
            None => {
                let end = after.find('>').map_or(after.len(), |e| e + 1);
                let tag = &after[..end];
                let block = [
                    "<p", "<li", "<h", "<tr", "<br", "<div", "<pre", "</p", "</li", "</h", "</tr",
                    "</div", "<td", "<th",
                ]
                .iter()
                .any(|b| tag.to_ascii_lowercase().starts_with(b));
                cleaned.push_str(if block { "\n" } else { "" });
                rest = &after[end..];
            }
        }
    }
    cleaned.push_str(rest);
    for line in cleaned.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if !line.is_empty() {
            out.push_str(&unescape(&line));
            out.push('\n');
        }
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_with_and_without_tokens() {
        assert!(is_pack_folder("ser", "ser"));
        assert!(is_pack_folder("ser-cxeidxkv4g6cuwdhxmb2crytrm", "ser"));
        assert!(!is_pack_folder("ser-x", "ser"));
        assert!(!is_pack_folder("vno-ncw", "vno"));
    }

    #[test]
    fn changed_words_are_marked() {
        let f = changed_file(
            "social/a.x.txt",
            Some("Doe je mee?\nTot morgen\n"),
            Some("Doet u mee?\nTot morgen\n"),
        );
        assert_eq!(f.lines.len(), 2);
        assert_eq!(f.lines[0].kind, "del");
        assert!(f.lines[0].html.contains("<mark>"), "{}", f.lines[0].html);
        assert!(f.lines[1].html.contains("mee?"));
    }

    #[test]
    fn pages_compare_by_their_text() {
        let t = visible_text("<html><head><style>p{}</style></head><body><p>Een &amp; twee</p><p>Drie</p></body></html>");
        assert_eq!(t, "Een & twee\nDrie\n");
    }

    /// Files of the previous build are taken by the SHA-256 its manifest lists, not read
    /// again (a text only when its lines are needed); files the manifest does not list are read
    /// and hashed.
    #[test]
    fn binaries_come_from_the_previous_manifest() {
        let tmp = tempfile::tempdir().unwrap();
        let pack = tmp.path();
        std::fs::create_dir_all(pack.join("cards")).unwrap();
        std::fs::write(pack.join("cards/a.png"), b"png bytes").unwrap();
        std::fs::write(pack.join("cards/b.png"), b"other bytes").unwrap();
        std::fs::write(pack.join("note.txt"), "een\ntwee\n").unwrap();
        let listed = "ab".repeat(32);
        std::fs::write(
            pack.join("manifest.json"),
            format!(r#"{{"files": [{{"path": "cards/a.png", "sha256": "{listed}"}}, {{"path": "note.txt", "sha256": "{listed}"}}]}}"#),
        )
        .unwrap();
        let sums = manifest_sums(pack);
        let mut files = PackFiles::new();
        let mut budget = MAX_TOTAL_BYTES;
        read_tree(pack, "", &mut files, &mut budget, &sums);
        assert_eq!(files["cards/a.png"], Seen::Hash(listed.clone()));
        assert_eq!(
            files["cards/b.png"],
            Seen::Hash(crate::util::sha256_hex(b"other bytes"))
        );
        assert_eq!(
            files["note.txt"],
            Seen::Listed {
                sum: listed.clone(),
                file: pack.join("note.txt")
            }
        );
        assert_eq!(files["note.txt"].text().unwrap(), "een\ntwee\n");
        // Only the unlisted image and the manifest were read.
        assert_eq!(
            MAX_TOTAL_BYTES - budget,
            (b"other bytes".len()
                + std::fs::metadata(pack.join("manifest.json")).unwrap().len() as usize)
                as u64
        );
    }
}
