//! The render and pack stages: every partner's pack (in parallel, a few at a time), its zip, and
//! the campaign pages, handed to a [`Sink`]. [`crate::pipeline::Campaign`] runs them for
//! `build`, `check` and `serve`, so a kit that checks clean also builds.

use std::path::Path;
use std::time::Instant;

use crate::diag::{choices_hint, Diagnostic};
use crate::kit::{Kit, Partner};
use crate::pack::{self, zip, Artifact};
use crate::render::templates::{ContentTemplates, PageTemplates};
use crate::site::{self, PackSummary, Picture};
use crate::util::sha256_hex;

/// A finished build, ready to be written.
pub struct Built {
    /// Every file of the campaign folder, relative to it.
    pub files: Vec<(String, Vec<u8>)>,
    /// One summary per pack.
    pub packs: Vec<PackSummary>,
    /// Time spent per stage, for `--timings`.
    pub timings: Vec<(&'static str, std::time::Duration)>,
    /// The preflight line of every card PDF, by its path in a pack (the same for every partner
    /// but for the partner's colour and logo, so each path once).
    pub preflight: Vec<(String, String)>,
    /// Time spent per output kind (CPU time over all threads), for `--timings`.
    pub outputs: Vec<(&'static str, std::time::Duration)>,
    /// How much the build cache gave, when there was one.
    pub cache: Option<crate::cache::Stats>,
}

/// The partners to build: all, or those named with `--partner`.
pub fn select<'k>(kit: &'k Kit, only: &[String]) -> Result<Vec<&'k Partner>, Vec<Diagnostic>> {
    if only.is_empty() {
        return Ok(kit.partners.iter().collect());
    }
    let ids: Vec<&str> = kit.partners.iter().map(|p| p.id.as_str()).collect();
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for id in only {
        match kit.partner(id) {
            Some(p) => out.push(p),
            None => diags.push(
                Diagnostic::error(
                    "partner",
                    crate::tr!(
                        "there is no partner `{id}` in kit.toml",
                        "kit.toml heeft geen partner `{id}`",
                        id = id
                    ),
                )
                .in_file("kit.toml")
                .hint(choices_hint(id, crate::tr::nouns::PARTNER.many(), &ids)),
            ),
        }
    }
    if diags.is_empty() {
        Ok(out)
    } else {
        Err(diags)
    }
}

/// What a build is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every file, to be written.
    Build,
    /// Only to find problems: every partner's texts, limits and layouts, but images, PDFs and
    /// zips for the first partner only (they differ between partners only in logo and colour).
    Check,
}

/// Where a build puts its files: memory (the preview, the tests) or the staging folder of
/// `--out`, as each pack is done.
pub trait Sink {
    /// Stores one file, its path relative to the campaign folder.
    fn put(&mut self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic>;

    /// Links `rel` to the build cache's file `origin` when the sink can and the file is still
    /// `len` bytes long (`checked`: the cache found it so in this build, and the output may link
    /// to it); `false` when nothing was stored. Memory holds no links.
    fn link_cached(
        &mut self,
        rel: &str,
        origin: &Path,
        len: u64,
        checked: bool,
    ) -> Result<bool, Diagnostic> {
        let _ = (rel, origin, len, checked);
        Ok(false)
    }

    /// Stores one file whose exact bytes are also in the file `origin` (the build cache): a
    /// link to that file where the sink can make one, else a copy.
    fn put_same_as(&mut self, rel: &str, bytes: &[u8], origin: &Path) -> Result<(), Diagnostic> {
        if self.link_cached(rel, origin, bytes.len() as u64, false)? {
            return Ok(());
        }
        self.put(rel, bytes)
    }

    /// Stores one file the previous build's manifest lists with the same SHA-256: a folder may
    /// take the previous build's file without reading it, when that file was not changed since.
    fn put_as_before(&mut self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.put(rel, bytes)
    }

    /// Stores one text of a pack with its SHA-256; `listed`: the previous build's manifest
    /// lists the same SHA-256 for it (as [`Sink::put_as_before`]). A folder may give packs
    /// that hold the same text at the same place one file between them.
    fn put_text(
        &mut self,
        rel: &str,
        bytes: &[u8],
        sha256: &str,
        listed: bool,
    ) -> Result<(), Diagnostic> {
        let _ = sha256;
        if listed {
            self.put_as_before(rel, bytes)
        } else {
            self.put(rel, bytes)
        }
    }

    /// Stores one file whose bytes were let go: they are in the file `origin` (the build
    /// cache), `len` of them; a link to it where the sink can make one, else a copy read back.
    fn link(
        &mut self,
        rel: &str,
        origin: &Path,
        len: u64,
        checked: bool,
    ) -> Result<(), Diagnostic> {
        if self.link_cached(rel, origin, len, checked)? {
            return Ok(());
        }
        let bytes = crate::artifact::read_let_go(origin, len)?;
        self.put(rel, &bytes)
    }

    /// Where the workers write each pack's zip themselves (named as the download page names
    /// it), so that no zip is held in memory whole; `None` hands zips to [`Sink::put`].
    fn zip_folder(&self) -> Option<ZipFolders> {
        None
    }
}

/// Where the workers write the zips, and where the previous build's zips are (the next zip
/// copies the part that did not change from there).
pub struct ZipFolders {
    /// The folder the zips are written into.
    pub into: std::path::PathBuf,
    /// The folder of the previous build's zips.
    pub previous: std::path::PathBuf,
}

/// Zips `files` under `top/` into `dir.into/<name>`, copying what did not change from the
/// previous build's zip of that name by the memo the cache keeps of it, and keeps the new
/// zip's memo there.
fn zip_to_folder(
    dir: &ZipFolders,
    name: &str,
    top: &str,
    files: &[Artifact],
    stamp: crate::kit::Moment,
    cache: Option<&crate::cache::Cache>,
) -> std::io::Result<PackZip> {
    let memo_key = zip::memo_key(name);
    let memo = cache
        .and_then(|c| c.zip_memo(memo_key))
        .and_then(|b| zip::Memo::from_bytes(&b));
    let old = dir.previous.join(name);
    let previous = memo.map(|m| (m, old.as_path()));
    let z = zip::zip_file(&dir.into.join(name), top, files, stamp, previous)?;
    if let (Some(c), Some(m)) = (cache, &z.memo) {
        c.keep_zip_memo(memo_key, &m.to_bytes(), z.copied > 0);
    }
    Ok(PackZip {
        bytes: None,
        len: z.len,
        sha256: crate::util::hex(&z.sha256),
    })
}

/// A pack's zip: its bytes when the sink takes them, else already in the sink's zip folder.
struct PackZip {
    bytes: Option<Vec<u8>>,
    len: u64,
    sha256: String,
}

impl Sink for Vec<(String, Vec<u8>)> {
    fn put(&mut self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.push((rel.to_string(), bytes.to_vec()));
        Ok(())
    }
}

/// What one build renders, and with what.
#[derive(Clone, Copy)]
pub(crate) struct Job<'a> {
    pub kit: &'a Kit,
    pub partners: &'a [&'a Partner],
    /// Shown on the download page and the report.
    pub warnings: &'a [Diagnostic],
    pub mode: Mode,
    /// The adviser's link key, for private links (a placeholder token without it).
    pub key: Option<&'a crate::distribution::LinkKey>,
    /// This build's version and the previous build, when writing to `--out`.
    pub release: Option<&'a crate::changes::Release>,
    /// The build cache beside the output.
    pub cache: Option<&'a crate::cache::Cache>,
}

/// The packs made and not yet handed out: workers wait for room before making the next.
struct Window {
    /// (packs handed out, stop).
    state: std::sync::Mutex<(usize, bool)>,
    room: std::sync::Condvar,
    size: usize,
}

impl Window {
    fn new(size: usize) -> Window {
        Window {
            state: std::sync::Mutex::new((0, false)),
            room: std::sync::Condvar::new(),
            size,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (usize, bool)> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Waits until pack `i` may be made; false when the build stops.
    fn wait_for(&self, i: usize) -> bool {
        let mut state = self.lock();
        while !state.1 && i >= state.0 + self.size {
            state = self
                .room
                .wait(state)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        !state.1
    }

    /// `n` packs are handed out.
    fn handed(&self, n: usize) {
        self.lock().0 = n;
        self.room.notify_all();
    }

    /// No more packs are to be made.
    fn stop(&self) {
        self.lock().1 = true;
        self.room.notify_all();
    }
}

/// [`build_into`] with every file in memory, sorted by path.
pub(crate) fn build_in_memory(job: &Job<'_>) -> Result<Built, Vec<Diagnostic>> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut built = build_into(job, &mut files, &mut |_, _| {})?;
    files.sort_by(|a, b| a.0.cmp(&b.0));
    built.files = files;
    Ok(built)
}

/// The build, streamed: partners are rendered on every core, each pack and its zip handed to
/// `sink` in partner order as soon as it is done and then dropped, with at most a few packs
/// (twice the threads, and one) made but not handed out, so memory does not grow with the
/// number of partners. `progress(done, total)` is called after each pack. On an error
/// nothing more is handed to `sink`, but every partner is still rendered so that one run lists
/// every problem.
pub(crate) fn build_into(
    job: &Job<'_>,
    sink: &mut dyn Sink,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Built, Vec<Diagnostic>> {
    let Job {
        kit,
        partners,
        warnings,
        mode,
        key,
        release,
        cache,
    } = *job;
    let mut timings = Vec::new();
    let t0 = Instant::now();
    let _ = pack::take_output_timings();
    let content = ContentTemplates::compile(kit)?;
    let pages = PageTemplates::new(kit)?;
    timings.push(("templates", t0.elapsed()));

    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let zip_folder = sink.zip_folder();
    let indexed: Vec<(usize, &Partner)> = partners.iter().copied().enumerate().collect();
    let mut diags = Vec::new();
    let mut summaries = Vec::new();
    let mut previews = Vec::new();
    let mut shares = Vec::new();
    let mut preflight: Vec<(String, String)> = Vec::new();
    let (mut packs_time, mut write_time) = (std::time::Duration::ZERO, std::time::Duration::ZERO);
    // Renders and zips one partner's pack.
    let render_one = |(i, p): &(usize, &Partner)| {
        let draw = mode == Mode::Build || *i == 0;
        let mut files = pack::render(kit, p, &content, &pages, draw, release, cache)?;
        if !draw {
            // Only checking: the metadata is all that is needed from here on.
            for f in &mut files {
                f.bytes = Vec::new();
            }
        }
        let zipped = if mode == Mode::Check {
            PackZip {
                bytes: Some(Vec::new()),
                len: 0,
                sha256: sha256_hex(&[]),
            }
        } else {
            let folder = format!("{}-{}", kit.campaign.id, p.id);
            let launch = kit.campaign.launch;
            let made = pack::timed("zips", || match &zip_folder {
                Some(dir) => {
                    let name = crate::distribution::names(kit, p, key).zip;
                    zip_to_folder(dir, &name, &folder, &files, launch, cache)
                }
                // The checksum the download page shows, made here on every core.
                None => zip::zip(&folder, &files, launch).map(|bytes| PackZip {
                    len: bytes.len() as u64,
                    sha256: sha256_hex(&bytes),
                    bytes: Some(bytes),
                }),
            });
            made.map_err(|e| {
                vec![Diagnostic::error(
                    "zip",
                    crate::tr!(
                        "cannot zip the pack of `{id}` ({e})",
                        "het pakket van `{id}` is niet te zippen ({e})",
                        id = p.id,
                        e = e
                    ),
                )]
            })?
        };
        let mut files = files;
        if zipped.bytes.is_none() {
            // The zip is on disk: what the cache holds is linked from there, not held.
            files.iter_mut().for_each(Artifact::let_go);
        }
        Ok::<_, Vec<Diagnostic>>((files, zipped))
    };
    type Rendered = Result<(Vec<Artifact>, PackZip), Vec<Diagnostic>>;
    // Hands one partner's pack to the sink.
    let mut write_one = |partner: &Partner, result: Rendered| -> Result<(), Vec<Diagnostic>> {
        let (pack_files, zipped) = match result {
            Ok(r) => r,
            Err(d) => {
                diags.extend(d);
                return Ok(());
            }
        };
        if !diags.is_empty() {
            return Ok(());
        }
        let names = crate::distribution::names(kit, partner, key);
        summaries.push(PackSummary {
            id: partner.id.clone(),
            folder: names.folder.clone(),
            name: partner.name.clone(),
            zip: names.zip.clone(),
            bytes: zipped.len,
            sha256: zipped.sha256,
            summary: summary(kit, &pack_files),
            examples: examples(&names.folder, &pack_files),
        });
        collect_pictures(&names.folder, &pack_files, &mut previews, &mut shares);
        for f in &pack_files {
            if let Some(line) = &f.meta.preflight {
                if !preflight.iter().any(|(p, _)| *p == f.path) {
                    preflight.push((f.path.clone(), line.clone()));
                }
            }
            let rel = format!("{}/{}", names.folder, f.path);
            match (&f.meta.origin, f.meta.let_go) {
                (Some(origin), Some(gone)) => sink.link(&rel, origin, gone.len, gone.linkable),
                (Some(origin), None) => sink.put_same_as(&rel, &f.bytes, origin),
                (None, _) => sink.put_text(&rel, &f.bytes, f.sha256(), f.meta.as_before),
            }
            .map_err(|d| vec![d])?;
        }
        match &zipped.bytes {
            Some(bytes) => sink.put(&names.zip, bytes).map_err(|d| vec![d]),
            None => Ok(()),
        }
    };
    // Every core renders partners, each taking the next as soon as it is free; this thread hands
    // the packs to the sink in partner order as they are done. At most `window` packs are made
    // and not yet handed out, so memory does not grow with the number of partners.
    let window = Window::new(threads * 2 + 1);
    let t1 = Instant::now();
    let total = indexed.len();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let written = std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::channel::<(usize, Rendered)>();
        for _ in 0..threads.min(total.max(1)) {
            let tx = tx.clone();
            let (next, window, indexed, render_one) = (&next, &window, &indexed, &render_one);
            s.spawn(move || loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= total || !window.wait_for(i) {
                    break;
                }
                if tx.send((i, render_one(&indexed[i]))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut done: std::collections::BTreeMap<usize, Rendered> = Default::default();
        let mut want = 0;
        let mut hand_out = || -> Result<(), Vec<Diagnostic>> {
            for (i, rendered) in rx.iter() {
                done.insert(i, rendered);
                while let Some(rendered) = done.remove(&want) {
                    let t2 = Instant::now();
                    write_one(indexed[want].1, rendered)?;
                    write_time += t2.elapsed();
                    want += 1;
                    progress(want, total);
                    window.handed(want);
                    if want % 8 == 0 {
                        give_back_free_memory();
                    }
                }
            }
            Ok(())
        };
        let result = hand_out();
        // On a failed write the workers stop after the pack they are making.
        window.stop();
        result
    });
    packs_time += t1.elapsed();
    written?;
    timings.push(("packs", packs_time));
    timings.push(("write", write_time));
    if !diags.is_empty() {
        crate::diag::sort(&mut diags);
        diags.dedup_by(|a, b| a.message == b.message && a.line == b.line && a.file == b.file);
        return Err(diags);
    }
    preflight.sort();

    let t3 = Instant::now();
    let index =
        site::index(kit, &pages, &summaries, previews, shares, warnings).map_err(|d| vec![d])?;
    let report = site::report(kit, &pages, warnings).map_err(|d| vec![d])?;
    sink.put("index.html", index.as_bytes())
        .map_err(|d| vec![d])?;
    sink.put("report.html", report.as_bytes())
        .map_err(|d| vec![d])?;
    if kit.distribution.private_links {
        sink.put("links.csv", links_csv(kit, &summaries).as_bytes())
            .map_err(|d| vec![d])?;
    }
    if let Some(release) = release {
        sink.put(crate::changes::STATE_FILE, release.state().as_bytes())
            .map_err(|d| vec![d])?;
    }
    timings.push(("pages", t3.elapsed()));
    Ok(Built {
        files: Vec::new(),
        packs: summaries,
        timings,
        preflight,
        outputs: pack::take_output_timings(),
        cache: None,
    })
}

/// A partner's own first share image and first card preview, as thumbnails for its row on the
/// download page.
fn examples(folder: &str, files: &[Artifact]) -> Vec<Picture> {
    let mut out = Vec::new();
    for kind in ["share-image", "card-preview"] {
        if let Some(f) = files.iter().find(|f| f.meta.kind == kind) {
            out.push(picture(folder, f, 160));
        }
    }
    out
}

fn picture(folder: &str, f: &Artifact, max_width: u32) -> Picture {
    let (width, height) = match f.meta.let_go {
        Some(gone) => gone.pixels,
        None => crate::util::png_size(&f.bytes),
    };
    Picture {
        src: format!("{folder}/{}", f.path),
        alt: f.meta.alt.clone().unwrap_or_default(),
        title: f.path.clone(),
        width: width.min(max_width),
        height: if width > max_width {
            height * max_width / width
        } else {
            height
        },
    }
}

/// Returns the allocator's free pages to the system. Packs are made and dropped on different
/// threads, buffers of a few MB each (zips, cache entries); glibc's arenas keep what they freed,
/// so over a thousand packs a rebuild's memory grew to 1.7 times that of a hundred (with this,
/// called every 8 packs: 1.3 times, no slower).
fn give_back_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases memory the allocator holds free; it has no
    // preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The first partner's card previews (one deck's worth each) and share images, for the download
/// page; every partner's pack has its own.
fn collect_pictures(
    folder: &str,
    files: &[Artifact],
    previews: &mut Vec<Picture>,
    shares: &mut Vec<Picture>,
) {
    if !previews.is_empty() || !shares.is_empty() {
        return;
    }
    for f in files {
        let pic = picture(folder, f, 480);
        match f.meta.kind {
            "card-preview" => previews.push(pic),
            "share-image" if shares.len() < 3 => shares.push(pic),
            _ => {}
        }
    }
}

fn summary(kit: &Kit, files: &[Artifact]) -> String {
    let t = crate::i18n::labels(kit.campaign.language);
    let count = |kind: &str| files.iter().filter(|f| f.meta.kind == kind).count();
    let mut parts = Vec::new();
    for (n, label) in [
        (count("social-text"), t.statements),
        (count("share-image"), t.images),
        (count("article-html"), t.articles),
        (count("cards-print"), t.decks),
    ] {
        if n > 0 {
            parts.push(format!("{label}: {n}"));
        }
    }
    parts.join(" · ")
}

/// `links.csv`: one row per partner with the relative paths of its overview and zip, to mail
/// each partner its own links (RFC 4180: comma-separated, fields quoted, CRLF line ends).
fn links_csv(kit: &Kit, packs: &[PackSummary]) -> String {
    let t = crate::i18n::labels(kit.campaign.language);
    let field = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut out = ["partner", "name", "overview", "zip"].map(field).join(",");
    out.push_str("\r\n");
    for p in packs {
        let row = [
            p.id.clone(),
            p.name.clone(),
            format!("{}/{}", p.folder, t.overview_file),
            p.zip.clone(),
        ];
        out.push_str(&row.iter().map(|s| field(s)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}
