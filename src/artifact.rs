//! The data a pack is made of, shared by the pipeline (`pack`) and the outputs: the files in
//! memory with what they are, the texts filled in for one partner, and the context every output
//! renders from. A module of its own, so that `pack` uses `outputs` and the outputs use only
//! this, never `pack`.

use serde::Serialize;

use crate::kit::{Deck, Item, Kit, Partner};
use crate::platforms::Platform;
use crate::render::templates::PageTemplates;

/// A file of the output, in memory.
#[derive(Debug, Clone)]
pub struct Artifact {
    /// Path relative to the pack (or campaign) folder, with `/`.
    pub path: String,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// What the file is, for the manifest and the overview.
    pub meta: FileMeta,
}

impl Artifact {
    /// The SHA-256 of the bytes, in lower-case hex, made once.
    pub fn sha256(&self) -> &str {
        self.meta
            .digest
            .get_or_init(|| crate::util::sha256_hex(&self.bytes))
    }
}

/// What a file is and where it comes from.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FileMeta {
    /// `social-text`, `share-image`, `article-markdown`, `article-html`, `cards-print`,
    /// `cards-bleed`, `card-preview`, `calendar`, `overview`.
    pub kind: &'static str,
    /// The content item or deck the file comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceRef>,
    /// The social platform.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<&'static str>,
    /// Not to be published before this moment (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publish: Option<String>,
    /// Barrier ids the file addresses.
    pub barriers: Vec<String>,
    /// COM-B factors the file addresses.
    pub factors: Vec<&'static str>,
    /// Alt text of an image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alt: Option<String>,
    /// For a PDF: its preflight line (size, boxes, colour space, fonts, smallest text), shown
    /// by `build`.
    #[serde(skip)]
    pub preflight: Option<String>,
    /// The build cache's file holding exactly these bytes, which the output links to instead
    /// of writing a copy.
    #[serde(skip)]
    pub origin: Option<std::sync::Arc<std::path::Path>>,
    /// The key the drawing is kept under in the build cache (images and PDFs).
    #[serde(skip)]
    pub drawing: Option<[u8; 32]>,
    /// Set when the bytes were let go once the pack was zipped (they are in `origin`): their
    /// length, and a PNG's width and height.
    #[serde(skip)]
    pub let_go: Option<LetGo>,
    /// The previous build's manifest lists this very text (the same SHA-256): the output may
    /// take the previous build's file without reading it, when that file was not changed since.
    #[serde(skip)]
    pub as_before: bool,
    /// The file's SHA-256, made once when first asked ([`Artifact::sha256`]): the changes page
    /// and the manifest both need it.
    #[serde(skip)]
    pub digest: std::sync::OnceLock<String>,
}

/// What is kept of bytes that were let go.
#[derive(Debug, Clone, Copy)]
pub struct LetGo {
    /// Their length.
    pub len: u64,
    /// A PNG's width and height (0 × 0 for other files).
    pub pixels: (u32, u32),
    /// The build cache found its file in this build as the output may link to it (a plain file
    /// of ours, of this length, with no execute bits).
    pub linkable: bool,
}

impl Artifact {
    /// The file's length, also when its bytes were let go.
    pub fn size(&self) -> u64 {
        self.meta.let_go.map_or(self.bytes.len() as u64, |g| g.len)
    }

    /// A PNG's width and height (0 × 0 for other files), also when its bytes were let go.
    pub fn pixels(&self) -> (u32, u32) {
        match self.meta.let_go {
            Some(g) => g.pixels,
            None => crate::util::png_size(&self.bytes),
        }
    }

    /// Lets go of the bytes a cache file holds too (after zipping, only the link to that file
    /// is needed): a pack waiting to be written then holds its texts only.
    pub fn let_go(&mut self) {
        if self.meta.origin.is_none() || self.bytes.is_empty() {
            return;
        }
        // Made now, while there are bytes to hash (the cache usually knew it already).
        let _ = self.sha256();
        self.meta.let_go = Some(LetGo {
            len: self.bytes.len() as u64,
            pixels: crate::util::png_size(&self.bytes),
            linkable: false,
        });
        self.bytes = Vec::new();
    }
}

/// The `len` bytes of the file at `path` (a cache entry whose bytes a pack let go).
pub fn read_let_go(path: &std::path::Path, len: u64) -> Result<Vec<u8>, crate::diag::Diagnostic> {
    crate::util::read_exactly(path, len).map_err(|e| {
        let message = crate::tr!(
            "cannot read `{path}` ({e})",
            "`{path}` lezen lukt niet ({e})",
            path = path.display(),
            e = e
        );
        crate::diag::Diagnostic::error("output", message).hint(crate::tr!(
            "build again; the previous output is unchanged",
            "bouw opnieuw; de vorige uitvoer is ongewijzigd"
        ))
    })
}

/// The item or deck a file comes from.
#[derive(Debug, Clone, Serialize)]
pub struct SourceRef {
    /// `item` or `deck`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Its id.
    pub id: String,
}

/// A content item with its texts filled in for one partner.
#[derive(Debug)]
pub struct RenderedItem<'k> {
    /// The item.
    pub item: &'k Item,
    /// Title, filled in.
    pub title: String,
    /// Markdown body, filled in.
    pub body: String,
    /// Pull quote for the share image.
    pub quote: String,
    /// Social only: the statement per platform.
    pub posts: Vec<Post>,
}

/// One social statement as the partner pastes it.
#[derive(Debug)]
pub struct Post {
    /// The platform.
    pub platform: &'static Platform,
    /// Plain text.
    pub text: String,
    /// Its length as the platform counts it.
    pub count: usize,
}

/// Everything an output needs to render one partner's files.
pub struct PackContext<'k> {
    /// The kit.
    pub kit: &'k Kit,
    /// The partner.
    pub partner: &'k Partner,
    /// The items the partner gets, filled in.
    pub items: Vec<RenderedItem<'k>>,
    /// The decks the partner gets.
    pub decks: Vec<&'k Deck>,
    /// Page templates.
    pub pages: &'k PageTemplates,
    /// Pack folder name (also the zip's top folder): `<campaign>-<partner>`.
    pub folder: String,
    /// `false` when only checking: texts, limits and layouts are validated, but images and PDFs
    /// are not drawn (their bytes stay empty). `check` draws them for one partner only.
    pub draw: bool,
    /// The build's version and the previous build, when the pack is written to `--out`.
    pub release: Option<&'k crate::changes::Release>,
    /// What the previous build held of this pack.
    pub previous: Option<crate::changes::PackFiles>,
    /// The build cache beside the output, when building into `--out`.
    pub cache: Option<&'k crate::cache::Cache>,
    /// The partner's logo as a `data:` URI, made for the first page that shows it and kept
    /// for the pack's other pages.
    pub partner_logo: std::sync::OnceLock<Option<String>>,
    /// [`PackContext::inputs`], made once per pack.
    pub inputs: std::sync::OnceLock<[u8; 32]>,
}

impl FileMeta {
    /// Takes what a renderer drew: its bytes, with the cache file holding them and their
    /// SHA-256 when the cache gave these.
    pub fn take_drawn(&mut self, drawn: crate::cache::Drawn) -> Vec<u8> {
        self.origin = drawn.origin;
        self.drawing = Some(drawn.key);
        if let Some(sha) = drawn.sha256 {
            let _ = self.digest.set(crate::util::hex(&sha));
        }
        if let Some((len, pixels)) = drawn.unread {
            self.let_go = Some(LetGo {
                len,
                pixels,
                linkable: true,
            });
        }
        drawn.bytes
    }
}

impl PackContext<'_> {
    /// The partner's logo as a `data:` URI for a page; none when only checking (nothing is
    /// drawn, and a forgotten logo is not made again for a page that is thrown away).
    pub fn partner_logo_uri(&self) -> Option<String> {
        self.partner_logo
            .get_or_init(|| {
                self.partner
                    .logo
                    .as_ref()
                    .filter(|_| self.draw)
                    .and_then(|l| l.data_uri())
            })
            .clone()
    }

    /// A hash of what every drawing and page of the pack may be made from besides its own item
    /// or deck: the kit's [`Kit::shared_inputs`] and the partner.
    pub fn inputs(&self) -> [u8; 32] {
        *self.inputs.get_or_init(|| {
            crate::memo::inputs_key("pack_inputs", &[&self.kit.shared_inputs(), self.partner])
        })
    }

    /// The bytes of the text at `path` that the build cache gave as `meta` says: a text it
    /// did not read (it is linked from the cache as it is) is read when the previous build's
    /// manifest does not list it with these bytes, for the changes page to compare it line by
    /// line.
    pub fn text_at_hand(
        &self,
        path: &str,
        meta: &mut FileMeta,
        bytes: Vec<u8>,
    ) -> Result<Vec<u8>, crate::diag::Diagnostic> {
        let (Some(gone), Some(origin)) = (meta.let_go, &meta.origin) else {
            return Ok(bytes);
        };
        let listed = match (meta.digest.get(), &self.previous) {
            (Some(sum), Some(previous)) => previous.get(path).is_some_and(|p| p.lists(sum)),
            _ => false,
        };
        if listed {
            return Ok(bytes);
        }
        let read = read_let_go(origin, gone.len)?;
        meta.let_go = None;
        Ok(read)
    }

    /// The metadata shared by every file made from `item`.
    pub fn item_meta(&self, kind: &'static str, item: &Item) -> FileMeta {
        FileMeta {
            kind,
            source: Some(SourceRef {
                kind: "item",
                id: item.id.clone(),
            }),
            platform: None,
            publish: Some(item.publish.rfc3339()),
            barriers: item.addresses.clone(),
            factors: self
                .kit
                .factors_of(&item.addresses)
                .iter()
                .map(|f| f.id())
                .collect(),
            alt: None,
            preflight: None,
            origin: None,
            drawing: None,
            let_go: None,
            as_before: false,
            digest: std::sync::OnceLock::new(),
        }
    }

    /// The metadata shared by every file made from `deck`.
    pub fn deck_meta(&self, kind: &'static str, deck: &Deck) -> FileMeta {
        let barriers = deck.addresses();
        FileMeta {
            kind,
            source: Some(SourceRef {
                kind: "deck",
                id: deck.id.clone(),
            }),
            platform: None,
            publish: Some(self.kit.campaign.launch.rfc3339()),
            factors: self
                .kit
                .factors_of(&barriers)
                .iter()
                .map(|f| f.id())
                .collect(),
            barriers,
            alt: None,
            preflight: None,
            origin: None,
            drawing: None,
            let_go: None,
            as_before: false,
            digest: std::sync::OnceLock::new(),
        }
    }
}
