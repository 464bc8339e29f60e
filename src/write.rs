//! Writing a build to disk without ever leaving a half-written output.
//!
//! The whole campaign folder is written into a staging folder next to it, then swapped in. On
//! Linux the swap is one atomic `renameat2(RENAME_EXCHANGE)`, so the campaign folder always
//! holds a complete build, old or new. Elsewhere (or on file systems without it) the swap is two
//! renames; a build killed between them is repaired by the next run. A folder that does not
//! carry our marker file is never replaced or deleted.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::tr;

/// The marker file in every campaign folder partnerkit writes.
pub const MARKER: &str = ".partnerkit-output";
const MARKER_TEXT: &str =
    "This folder is written by partnerkit and replaced as a whole on every build.\n\
Do not keep your own files here: they would be lost on the next build.\n";

/// Where a campaign's output goes. Holds an exclusive lock on it until dropped, so two builds
/// (or `serve` and `build`) never write the same campaign folder at once.
pub struct Target {
    /// `<out>/<campaign>`.
    pub dir: PathBuf,
    staging: PathBuf,
    old: PathBuf,
    cache: PathBuf,
    _lock: fs::File,
}

/// The absolute form of `p` without creating anything: the nearest existing ancestor,
/// canonicalised, with the rest appended (which must be plain names).
fn absolute_without_creating(p: &Path) -> std::io::Result<PathBuf> {
    let p = std::path::absolute(p)?;
    let mut existing = p.as_path();
    let mut rest = Vec::new();
    loop {
        if fs::symlink_metadata(existing).is_ok() {
            break;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize()?;
    for name in rest.into_iter().rev() {
        if name == ".." {
            out.pop();
        } else if name != "." {
            out.push(name);
        }
    }
    Ok(out)
}

fn has_marker(dir: &Path) -> bool {
    fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file())
}

fn is_symlink(p: &Path) -> bool {
    fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink())
}

impl Target {
    /// Checks that `<out>/<campaign>` may be (re)written, and repairs an interrupted swap.
    pub fn prepare(out: &Path, campaign: &str, kit_root: &Path) -> Result<Target, Diagnostic> {
        let fail = |msg: String, hint: String| Err(Diagnostic::error("output", msg).hint(hint));
        if is_symlink(out) {
            return fail(
                tr!(
                    "the output folder `{out}` is a symbolic link",
                    "de uitvoermap `{out}` is een symbolische koppeling",
                    out = out.display()
                ),
                tr!(
                    "give a real folder with --out",
                    "geef een echte map met --out"
                ),
            );
        }
        let out_abs = absolute_without_creating(out).map_err(|e| {
            Diagnostic::error(
                "output",
                tr!(
                    "cannot use `{out}` ({e})",
                    "`{out}` is niet te gebruiken ({e})",
                    out = out.display(),
                    e = e
                ),
            )
        })?;
        let kit_abs = kit_root
            .canonicalize()
            .unwrap_or_else(|_| kit_root.to_path_buf());
        if kit_abs.starts_with(out_abs.join(campaign)) {
            return fail(
                tr!(
                    "the output would overwrite the kit itself (`{kit}`)",
                    "de uitvoer zou de kit zelf overschrijven (`{kit}`)",
                    kit = kit_abs.display()
                ),
                tr!(
                    "give an --out folder outside the kit, e.g. --out output",
                    "geef een --out-map buiten de kit, bijvoorbeeld --out output"
                ),
            );
        }
        if kit_abs.starts_with(&out_abs) {
            return fail(
                tr!(
                    "the output folder `{out}` contains the kit",
                    "de uitvoermap `{out}` bevat de kit",
                    out = out.display()
                ),
                tr!(
                    "give an --out folder beside the kit, e.g. --out output",
                    "geef een --out-map naast de kit, bijvoorbeeld --out output"
                ),
            );
        }
        if out_abs.starts_with(&kit_abs) {
            return fail(
                tr!(
                    "the output folder `{out}` is inside the kit",
                    "de uitvoermap `{out}` ligt in de kit",
                    out = out.display()
                ),
                tr!(
                    "give an --out folder outside the kit, e.g. --out output",
                    "geef een --out-map buiten de kit, bijvoorbeeld --out output"
                ),
            );
        }
        if fs::metadata(&out_abs).is_ok_and(|m| !m.is_dir()) {
            return fail(
                tr!(
                    "`{out}` is not a folder",
                    "`{out}` is geen map",
                    out = out.display()
                ),
                tr!("give a folder with --out", "geef een map met --out"),
            );
        }
        fs::create_dir_all(&out_abs).map_err(|e| {
            Diagnostic::error(
                "output",
                tr!(
                    "cannot create the output folder `{out}` ({e})",
                    "de uitvoermap `{out}` is niet te maken ({e})",
                    out = out.display(),
                    e = e
                ),
            )
            .hint(tr!(
                "check that you may write there",
                "kijk of u daar mag schrijven"
            ))
        })?;
        let lock_path = out_abs.join(format!(".{campaign}.partnerkit-lock"));
        if is_symlink(&lock_path) {
            return fail(
                tr!(
                    "`{path}` is a symbolic link; partnerkit never writes through one",
                    "`{path}` is een symbolische koppeling; partnerkit schrijft daar nooit doorheen",
                    path = lock_path.display()
                ),
                tr!("remove the link", "haal de koppeling weg"),
            );
        }
        let lock = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| {
                Diagnostic::error(
                    "output",
                    tr!(
                        "cannot create `{path}` ({e})",
                        "`{path}` is niet te maken ({e})",
                        path = lock_path.display(),
                        e = e
                    ),
                )
            })?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return fail(
                    tr!(
                        "another partnerkit (a build or serve) is writing `{dir}` right now",
                        "een andere partnerkit (een build of serve) schrijft nu `{dir}`",
                        dir = out_abs.join(campaign).display()
                    ),
                    tr!(
                        "wait until it has finished and try again, or give another --out",
                        "wacht tot die klaar is en probeer het opnieuw, of geef een andere --out"
                    ),
                )
            }
            Err(fs::TryLockError::Error(e)) => {
                return Err(Diagnostic::error(
                    "output",
                    tr!(
                        "cannot lock `{path}` ({e})",
                        "`{path}` is niet te vergrendelen ({e})",
                        path = lock_path.display(),
                        e = e
                    ),
                ))
            }
        }
        let dir = out_abs.join(campaign);
        let staging = out_abs.join(format!(
            ".{campaign}.partnerkit-staging-{}",
            std::process::id()
        ));
        let old = out_abs.join(format!(".{campaign}.partnerkit-previous"));
        let cache = crate::cache::folder(&out_abs, campaign);
        for p in [&dir, &staging, &old, &cache] {
            if is_symlink(p) {
                return fail(
                    tr!(
                        "`{path}` is a symbolic link; partnerkit never writes through one",
                        "`{path}` is een symbolische koppeling; partnerkit schrijft daar nooit doorheen",
                        path = p.display()
                    ),
                    tr!("remove the link or give another --out", "haal de koppeling weg of geef een andere --out"),
                );
            }
        }
        // A build killed between the two renames: put the previous output back.
        if !dir.exists() && old.is_dir() && has_marker(&old) {
            fs::rename(&old, &dir).map_err(|e| {
                Diagnostic::error(
                    "output",
                    tr!(
                        "cannot restore the previous output ({e})",
                        "de vorige uitvoer is niet terug te zetten ({e})",
                        e = e
                    ),
                )
            })?;
        }
        if dir.exists() && !has_marker(&dir) {
            return fail(
                tr!(
                    "`{dir}` exists but was not written by partnerkit, so it is left alone",
                    "`{dir}` bestaat maar is niet door partnerkit geschreven, dus het blijft zoals het is",
                    dir = dir.display()
                ),
                tr!("move that folder away, or give another --out", "zet die map ergens anders neer, of geef een andere --out"),
            );
        }
        // Staging folders of earlier runs (any process; we hold the lock, so none is running).
        let prefix = format!(".{campaign}.partnerkit-staging");
        let mut leftovers: Vec<PathBuf> = fs::read_dir(&out_abs)
            .map(|rd| {
                rd.flatten()
                    .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
                    .map(|e| e.path())
                    .collect()
            })
            .unwrap_or_default();
        leftovers.push(old.clone());
        for p in &leftovers {
            if is_symlink(p) {
                return fail(
                    tr!(
                        "`{path}` is a symbolic link; partnerkit never writes through one",
                        "`{path}` is een symbolische koppeling; partnerkit schrijft daar nooit doorheen",
                        path = p.display()
                    ),
                    tr!("remove the link or give another --out", "haal de koppeling weg of geef een andere --out"),
                );
            }
            if p.exists() {
                // A build killed right after creating its staging folder leaves it empty.
                if fs::remove_dir(p).is_ok() {
                    continue;
                }
                if !has_marker(p) {
                    return fail(
                        tr!(
                            "`{path}` exists but was not written by partnerkit",
                            "`{path}` bestaat maar is niet door partnerkit geschreven",
                            path = p.display()
                        ),
                        tr!("move it away", "zet het ergens anders neer"),
                    );
                }
                remove_ours(p).map_err(|e| {
                    Diagnostic::error(
                        "output",
                        tr!(
                            "cannot clean up `{path}` ({e})",
                            "`{path}` is niet op te ruimen ({e})",
                            path = p.display(),
                            e = e
                        ),
                    )
                })?;
            }
        }
        Ok(Target {
            dir,
            staging,
            old,
            cache,
            _lock: lock,
        })
    }

    /// The build cache's folder: `<out>/.<campaign>.partnerkit-cache`, beside the output.
    pub fn cache_dir(&self) -> PathBuf {
        self.cache.clone()
    }

    /// Writes `files` (paths relative to the campaign folder) and swaps them in.
    pub fn write(&self, files: &[(String, Vec<u8>)]) -> Result<(), Diagnostic> {
        let mut staging = self.begin()?;
        for (rel, bytes) in files {
            crate::build::Sink::put(&mut staging, rel, bytes)?;
        }
        self.commit()
    }

    /// Creates the staging folder: files go there one by one ([`Staging`]), then
    /// [`Target::commit`] swaps it in, or [`Target::abandon`] removes it.
    pub fn begin(&self) -> Result<Staging<'_>, Diagnostic> {
        fs::create_dir(&self.staging).map_err(|e| io_error("create", &self.staging, e))?;
        fs::write(self.staging.join(MARKER), MARKER_TEXT)
            .map_err(|e| io_error("write", &self.staging, e))?;
        Ok(Staging {
            target: self,
            made: HashSet::new(),
            previous: HashMap::new(),
            top: None,
            previous_end: fs::symlink_metadata(self.dir.join(crate::changes::STATE_FILE))
                .ok()
                .filter(fs::Metadata::is_file)
                .and_then(|m| m.modified().ok()),
            shared: HashMap::new(),
        })
    }

    /// Swaps the staging folder in: the new output replaces the previous one in one step.
    pub fn commit(&self) -> Result<(), Diagnostic> {
        let io = io_error;
        if self.dir.exists() {
            if exchange(&self.staging, &self.dir).map_err(|e| io("swap in", &self.dir, e))? {
                // The staging folder now holds the previous build.
                remove_ours(&self.staging).map_err(|e| io("remove", &self.staging, e))?;
                return Ok(());
            }
            fs::rename(&self.dir, &self.old).map_err(|e| io("move aside", &self.dir, e))?;
        }
        fs::rename(&self.staging, &self.dir).map_err(|e| io("move into place", &self.dir, e))?;
        if self.old.exists() {
            remove_ours(&self.old).map_err(|e| io("remove", &self.old, e))?;
        }
        Ok(())
    }

    /// Removes a staging folder left by a failed write.
    pub fn abandon(&self) {
        if has_marker(&self.staging) {
            let _ = remove_ours(&self.staging);
        }
    }
}

/// The staging folder of a build in progress: each file written as it comes.
///
/// A file with the same bytes as in the previous output is not written again but linked to it
/// (a hard link: the previous output is removed after the swap, so the file simply changes
/// folder). A rebuild after a small edit so creates only the files that changed: creating a file
/// is the slow part of writing many small ones, far slower than reading one back to compare.
pub struct Staging<'t> {
    target: &'t Target,
    /// Folders made so far, relative to the staging folder.
    made: HashSet<PathBuf>,
    /// Folders of the previous output, relative: whether each is a real folder of it (no
    /// symbolic link on the way), so a link never reaches outside the output.
    previous: HashMap<PathBuf, bool>,
    /// The top folder (a pack's) the two memos above are about: packs come one after another,
    /// so they hold one pack's folders and do not grow with the number of partners.
    top: Option<std::ffi::OsString>,
    /// When the previous build wrote its last file ([`crate::changes::STATE_FILE`]).
    previous_end: Option<std::time::SystemTime>,
    /// Texts written in this build, by their path inside a pack: the SHA-256 and staging path
    /// of the last [`SHARED_VARIANTS`] different ones. A text many packs hold in the same
    /// place with the same bytes (an article for every partner addressed with `je`) is one
    /// file with a name in each pack: creating files is most of what writing costs. Kept by
    /// path inside the pack, so it holds a pack's worth, whatever the number of partners.
    shared: HashMap<String, Vec<(String, PathBuf)>>,
}

/// How many different texts are remembered per path inside a pack (partners addressed with
/// `je` and with `u`, with and without a name of their own in a text, …).
const SHARED_VARIANTS: usize = 4;

impl Staging<'_> {
    /// Where `rel` goes in the staging folder, its folder made.
    fn place(&mut self, rel: &str) -> Result<PathBuf, Diagnostic> {
        debug_assert!(!rel.starts_with('/') && !rel.split('/').any(|p| p == ".."));
        self.enter(Path::new(rel));
        self.make_parent(Path::new(rel))?;
        Ok(self.target.staging.join(rel))
    }

    /// Forgets the folders of the pack before when `rel` is in another top folder.
    fn enter(&mut self, rel: &Path) {
        let top = rel.components().next().map(|c| c.as_os_str());
        if top != self.top.as_deref() {
            self.made.clear();
            self.previous.clear();
            self.top = top.map(ToOwned::to_owned);
        }
    }

    /// Makes the folder `rel` is in (and those above it), once.
    fn make_parent(&mut self, rel: &Path) -> Result<(), Diagnostic> {
        let Some(parent) = rel.parent().filter(|p| !p.as_os_str().is_empty()) else {
            return Ok(());
        };
        if self.made.contains(parent) {
            return Ok(());
        }
        let path = self.target.staging.join(parent);
        fs::create_dir_all(&path).map_err(|e| io_error("create", &path, e))?;
        for p in parent.ancestors().filter(|p| !p.as_os_str().is_empty()) {
            self.made.insert(p.to_path_buf());
        }
        Ok(())
    }

    /// Whether the previous output holds `dir` (relative) as a real folder, every folder on
    /// the way too.
    fn previous_dir(&mut self, dir: &Path) -> bool {
        if dir.as_os_str().is_empty() {
            return true;
        }
        if let Some(&known) = self.previous.get(dir) {
            return known;
        }
        let above = dir.parent().is_none_or(|p| self.previous_dir(p));
        let ok = above && fs::symlink_metadata(self.target.dir.join(dir)).is_ok_and(|m| m.is_dir());
        self.previous.insert(dir.to_path_buf(), ok);
        ok
    }

    /// Writes `rel`, or links it to the previous output's file of the same bytes
    /// ([`Staging::link_previous`], `listed` as there).
    fn write_or_link(&mut self, rel: &str, bytes: &[u8], listed: bool) -> Result<(), Diagnostic> {
        let path = self.place(rel)?;
        if self.link_previous(Path::new(rel), bytes, &path, listed) {
            return Ok(());
        }
        fs::write(&path, bytes).map_err(|e| io_error("write", &path, e))
    }

    /// Links `to` to the previous output's `rel` when that is a file (not a link) of exactly
    /// `bytes`. With `listed` (the previous manifest lists these bytes for it), a file not
    /// changed since the previous build ended is not read to compare.
    fn link_previous(&mut self, rel: &Path, bytes: &[u8], to: &Path, listed: bool) -> bool {
        if !self.previous_dir(rel.parent().unwrap_or(Path::new(""))) {
            return false;
        }
        let old = self.target.dir.join(rel);
        let len = bytes.len() as u64;
        let Some(meta) = fs::symlink_metadata(&old)
            .ok()
            .filter(|m| crate::util::linkable(m) && m.len() == len)
        else {
            return false;
        };
        // Written before the previous build's last file: as that build left it (the same
        // clock tick counts as after).
        let untouched = listed
            && self
                .previous_end
                .zip(meta.modified().ok())
                .is_some_and(|(end, written)| written < end);
        (untouched || same_bytes(&old, bytes)) && fs::hard_link(&old, to).is_ok()
    }
}

/// Whether the file at `path` holds exactly `bytes`: read in pieces, stopping at the first
/// difference (a changed zip rarely needs reading to the end, and no copy of it is held).
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut file) = fs::File::open(path) else {
        return false;
    };
    let mut buf = vec![0u8; (64 * 1024).min(bytes.len() + 1)];
    let mut at = 0;
    loop {
        let n = match file.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return false,
        };
        if n == 0 {
            return at == bytes.len();
        }
        if bytes.get(at..at + n) != Some(&buf[..n]) {
            return false;
        }
        at += n;
    }
}

impl crate::build::Sink for Staging<'_> {
    fn put(&mut self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.write_or_link(rel, bytes, false)
    }

    /// A hard link to the previous build's file, not read when it was not changed since that
    /// build ended; else as `put`.
    fn put_as_before(&mut self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.write_or_link(rel, bytes, true)
    }

    /// A hard link to a file of this build with the same SHA-256 at the same place in another
    /// pack, when there is one and it is still as long; else as `put` (or `put_as_before`
    /// with `listed`). The file is then remembered for the packs after this one.
    fn put_text(
        &mut self,
        rel: &str,
        bytes: &[u8],
        sha256: &str,
        listed: bool,
    ) -> Result<(), Diagnostic> {
        let Some((_, in_pack)) = rel.split_once('/') else {
            return self.write_or_link(rel, bytes, listed);
        };
        let first = self
            .shared
            .get(in_pack)
            .and_then(|v| v.iter().find(|(s, _)| s == sha256))
            .map(|(_, first)| first.clone());
        if let Some(first) = first {
            if self.link_cached(rel, &first, bytes.len() as u64, false)? {
                return Ok(());
            }
        }
        self.write_or_link(rel, bytes, listed)?;
        let path = self.target.staging.join(rel);
        let variants = self.shared.entry(in_pack.to_owned()).or_default();
        variants.retain(|(s, _)| s != sha256);
        if variants.len() == SHARED_VARIANTS {
            variants.remove(0);
        }
        variants.push((sha256.to_owned(), path));
        Ok(())
    }

    /// A hard link to the file `origin` (the cache's, or one of this build) when the output
    /// may link to it and it is still `len` bytes long (the cache never changes an entry in
    /// place; `checked`: known to be so).
    fn link_cached(
        &mut self,
        rel: &str,
        origin: &Path,
        len: u64,
        checked: bool,
    ) -> Result<bool, Diagnostic> {
        let same = checked
            || fs::symlink_metadata(origin)
                .is_ok_and(|m| crate::util::linkable(&m) && m.len() == len);
        Ok(same && fs::hard_link(origin, self.place(rel)?).is_ok())
    }

    fn zip_folder(&self) -> Option<crate::build::ZipFolders> {
        Some(crate::build::ZipFolders {
            into: self.target.staging.clone(),
            previous: self.target.dir.clone(),
        })
    }
}

fn io_error(what: &str, p: &Path, e: std::io::Error) -> Diagnostic {
    let what = match (crate::tr::lang(), what) {
        (crate::kit::Lang::En, w) => w,
        (_, "create") => "aanmaken",
        (_, "write") => "schrijven",
        (_, "swap in") => "omwisselen",
        (_, "remove") => "verwijderen",
        (_, "move aside") => "opzijzetten",
        (_, "move into place") => "op zijn plaats zetten",
        (_, w) => w,
    };
    Diagnostic::error(
        "output",
        tr!("cannot {what} `{path}` ({e})", "`{path}` {what} lukt niet ({e})", what = what, path = p.display(), e = e),
    )
    .hint(tr!(
        "check the free disk space and that you may write there; the previous output is unchanged",
        "kijk of er schijfruimte vrij is en of u daar mag schrijven; de vorige uitvoer is ongewijzigd"
    ))
}

/// Removes a folder of ours with its marker file last, so that a removal killed half-way still
/// leaves a folder the next run recognises as ours (or an empty one) and can finish removing.
/// The packs' folders are removed on every core (a campaign's output is thousands of files).
fn remove_ours(dir: &Path) -> std::io::Result<()> {
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name() != MARKER {
            entries.push((entry.path(), entry.file_type()?.is_dir()));
        }
    }
    let removed = crate::util::parallel_map(&entries, |(path, is_dir)| {
        if *is_dir {
            fs::remove_dir_all(path)
        } else {
            fs::remove_file(path)
        }
    });
    removed.into_iter().collect::<std::io::Result<Vec<()>>>()?;
    let _ = fs::remove_file(dir.join(MARKER));
    fs::remove_dir(dir)
}

/// Atomically swaps two folders. `Ok(false)` where the system cannot (the caller falls back to
/// two renames).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes())?;
    let cb = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both pointers are valid NUL-terminated strings that outlive the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP) => Ok(false),
        _ => Err(e),
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<bool> {
    Ok(false)
}
