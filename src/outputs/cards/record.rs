//! What a deck made for a partner, kept in the build cache under a hash of everything the deck's
//! files are made from: the drawing engine (version, source, fonts), what every pack shares
//! ([`crate::kit::Kit::shared_inputs`]: the campaign, the print settings, the analysis with its
//! COM-B labels, the kit's own templates, …), the partner and the deck. A rebuild whose edit did
//! not touch those takes the deck's files from their cache entries without laying out a card;
//! any other change gives another key, and the deck is laid out again (each drawing still from
//! the cache when its shapes did not change).
//!
//! The inputs are hashed through their `Debug` forms, which name every field: a field added to
//! any of them is in the key without anyone remembering to add it. What is not in the key is
//! only read for error messages (the kit's sources), and errors are never recorded.

use crate::artifact::{Artifact, PackContext};
use crate::cache::Cache;
use crate::kit::Deck;

/// The kinds of file a deck makes.
const KINDS: [&str; 4] = [
    "cards-print",
    "cards-bleed",
    "cards-carousel",
    "card-preview",
];

/// Starts every record; another layout is another tag.
const TAG: &[u8] = b"partnerkit deck record 1\n";

/// Most files one record may list (a deck of the largest size makes a few hundred).
const MAX_FILES: u32 = 100_000;

/// The key of `deck`'s files for the pack of `cx`.
pub fn key(cx: &PackContext<'_>, deck: &Deck) -> [u8; 32] {
    crate::memo::inputs_key("deck_record", &[&cx.inputs(), deck])
}

/// The files the record under `key` lists, each from its cache entry; `None` when there is no
/// record or any entry is missing (the deck is then made again).
pub fn take(
    cx: &PackContext<'_>,
    cache: &Cache,
    deck: &Deck,
    key: [u8; 32],
) -> Option<Vec<Artifact>> {
    let bytes = cache.get(key)?;
    let files = decode(&bytes)?;
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        let drawn = cache.find_file(f.key, f.pixels)?;
        let mut meta = cx.deck_meta(f.kind, deck);
        meta.alt = f.alt;
        meta.preflight = f.preflight;
        let bytes = meta.take_drawn(drawn);
        out.push(Artifact {
            path: f.path,
            bytes,
            meta,
        });
    }
    cache.reused(out.len());
    Some(out)
}

/// Records `files` under `key` (nothing when a file has no cache entry: there would be
/// nothing to take it from).
pub fn keep(cache: &Cache, key: [u8; 32], files: &[Artifact]) {
    if let Some(bytes) = encode(files) {
        cache.keep_record(key, &bytes);
    }
}

/// One file of a record.
#[derive(Debug, PartialEq)]
struct Recorded {
    path: String,
    kind: &'static str,
    alt: Option<String>,
    preflight: Option<String>,
    key: [u8; 32],
    pixels: (u32, u32),
}

fn encode(files: &[Artifact]) -> Option<Vec<u8>> {
    fn text(out: &mut Vec<u8>, s: &str) {
        out.extend_from_slice(&(s.len() as u32).to_le_bytes());
        out.extend_from_slice(s.as_bytes());
    }
    fn optional(out: &mut Vec<u8>, s: Option<&str>) {
        match s {
            Some(s) => {
                out.push(1);
                text(out, s);
            }
            None => out.push(0),
        }
    }
    let mut out = TAG.to_vec();
    out.extend_from_slice(&u32::try_from(files.len()).ok()?.to_le_bytes());
    for f in files {
        KINDS.contains(&f.meta.kind).then_some(())?;
        f.meta.origin.as_ref()?;
        text(&mut out, &f.path);
        text(&mut out, f.meta.kind);
        optional(&mut out, f.meta.alt.as_deref());
        optional(&mut out, f.meta.preflight.as_deref());
        out.extend_from_slice(&f.meta.drawing?);
        let (w, h) = f.pixels();
        out.extend_from_slice(&w.to_le_bytes());
        out.extend_from_slice(&h.to_le_bytes());
    }
    Some(out)
}

/// Whether `path` is one a deck makes: a plain name in the pack's `cards/` folder. A record is
/// the cache's, but what it names is written into the output: nothing else is taken from it.
fn is_deck_file(path: &str) -> bool {
    path.strip_prefix("cards/").is_some_and(|name| {
        !name.is_empty()
            && !name.starts_with('.')
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    })
}

fn decode(bytes: &[u8]) -> Option<Vec<Recorded>> {
    struct Reader<'b>(&'b [u8]);
    impl Reader<'_> {
        fn take(&mut self, n: usize) -> Option<&[u8]> {
            if n > self.0.len() {
                return None;
            }
            let (a, b) = self.0.split_at(n);
            self.0 = b;
            Some(a)
        }
        fn u32(&mut self) -> Option<u32> {
            Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
        }
        fn text(&mut self) -> Option<String> {
            let n = self.u32()? as usize;
            String::from_utf8(self.take(n)?.to_vec()).ok()
        }
        fn optional(&mut self) -> Option<Option<String>> {
            match self.take(1)?[0] {
                0 => Some(None),
                1 => Some(Some(self.text()?)),
                _ => None,
            }
        }
    }
    let mut r = Reader(bytes.strip_prefix(TAG)?);
    let n = r.u32()?;
    if n > MAX_FILES {
        return None;
    }
    let mut out = Vec::new();
    for _ in 0..n {
        let path = r.text()?;
        if !is_deck_file(&path) {
            return None;
        }
        let kind = r.text()?;
        let kind = *KINDS.iter().find(|k| **k == kind)?;
        let alt = r.optional()?;
        let preflight = r.optional()?;
        let key = r.take(32)?.try_into().ok()?;
        let pixels = (r.u32()?, r.u32()?);
        out.push(Recorded {
            path,
            kind,
            alt,
            preflight,
            key,
            pixels,
        });
    }
    r.0.is_empty().then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::artifact::FileMeta;

    fn file(path: &str, kind: &'static str, alt: Option<&str>, key: u8) -> Artifact {
        let mut meta = FileMeta {
            kind,
            alt: alt.map(str::to_string),
            preflight: (kind != "card-preview").then(|| "14 pagina's, A4".to_string()),
            origin: Some(std::path::Path::new("/cache/ab/cd").into()),
            drawing: Some([key; 32]),
            ..FileMeta::default()
        };
        meta.let_go = Some(crate::artifact::LetGo {
            len: 10,
            pixels: if kind == "card-preview" {
                (320, 226)
            } else {
                (0, 0)
            },
            linkable: true,
        });
        Artifact {
            path: path.to_string(),
            bytes: Vec::new(),
            meta,
        }
    }

    #[test]
    fn a_record_reads_back_as_written() {
        let files = [
            file("cards/d-print.pdf", "cards-print", None, 1),
            file(
                "cards/d-card-01.png",
                "card-preview",
                Some("kaart 1 van 2: Wat zie jij?"),
                2,
            ),
        ];
        let bytes = encode(&files).unwrap();
        let back = decode(&bytes).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].path, "cards/d-print.pdf");
        assert_eq!(back[0].kind, "cards-print");
        assert_eq!(back[0].preflight.as_deref(), Some("14 pagina's, A4"));
        assert_eq!(back[0].key, [1; 32]);
        assert_eq!(back[0].pixels, (0, 0));
        assert_eq!(back[1].alt.as_deref(), Some("kaart 1 van 2: Wat zie jij?"));
        assert_eq!(back[1].pixels, (320, 226));
        // Every cut, a byte more or another tag: no record (and no panic).
        for n in 0..bytes.len() {
            assert!(decode(&bytes[..n]).is_none(), "cut at {n}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer).is_none());
        let mut other = bytes;
        other[0] ^= 1;
        assert!(decode(&other).is_none());
    }

    #[test]
    fn a_record_naming_a_file_outside_the_cards_folder_is_not_taken() {
        for path in [
            "../../etc/passwd",
            "cards/../../x.pdf",
            "cards/sub/x.pdf",
            "cards/.hidden.pdf",
            "cards/",
            "LEESMIJ.html",
            "cards\\..\\x.pdf",
            "/cards/x.pdf",
        ] {
            let bytes = encode(&[file(path, "cards-print", None, 1)]).unwrap();
            assert!(decode(&bytes).is_none(), "{path}");
        }
        let fine = encode(&[file(
            "cards/gesprek-kaart_2.print.pdf",
            "cards-print",
            None,
            1,
        )]);
        assert!(decode(&fine.unwrap()).is_some());
    }

    #[test]
    fn a_file_without_a_cache_entry_or_of_another_kind_is_not_recorded() {
        let mut no_entry = file("cards/d-print.pdf", "cards-print", None, 1);
        no_entry.meta.origin = None;
        assert!(encode(&[no_entry]).is_none());
        let other = file("LEESMIJ.html", "overview", None, 1);
        assert!(encode(&[other]).is_none());
    }
}
