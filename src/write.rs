//! Writing a build to disk without ever leaving a half-written output.
//!
//! The whole campaign folder is written into a staging folder next to it, then swapped in. On
//! Linux the swap is one atomic `renameat2(RENAME_EXCHANGE)`, so the campaign folder always
//! holds a complete build, old or new. Elsewhere (or on file systems without it) the swap is two
//! renames; a build killed between them is repaired by the next run. A folder that does not
//! carry our marker file is never replaced or deleted.

use std::fs;
use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;

/// The marker file in every campaign folder partnerkit writes.
pub const MARKER: &str = ".partnerkit-output";
const MARKER_TEXT: &str = "This folder is written by partnerkit and replaced as a whole on every build.\n\
Do not keep your own files here: they would be lost on the next build.\n";

/// Where a campaign's output goes.
pub struct Target {
    /// `<out>/<campaign>`.
    pub dir: PathBuf,
    staging: PathBuf,
    old: PathBuf,
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
        let fail = |msg: String, hint: &str| Err(Diagnostic::error("output", msg).hint(hint.to_string()));
        if is_symlink(out) {
            return fail(format!("the output folder `{}` is a symbolic link", out.display()), "give a real folder with --out");
        }
        fs::create_dir_all(out).map_err(|e| {
            Diagnostic::error("output", format!("cannot create the output folder `{}` ({e})", out.display()))
                .hint("check that you may write there")
        })?;
        let out_abs = out.canonicalize().map_err(|e| Diagnostic::error("output", format!("cannot use `{}` ({e})", out.display())))?;
        let kit_abs = kit_root.canonicalize().unwrap_or_else(|_| kit_root.to_path_buf());
        if kit_abs.starts_with(out_abs.join(campaign)) {
            return fail(
                format!("the output would overwrite the kit itself (`{}`)", kit_abs.display()),
                "give an --out folder outside the kit, e.g. --out output",
            );
        }
        if kit_abs.starts_with(&out_abs) {
            return fail(
                format!("the output folder `{}` contains the kit", out.display()),
                "give an --out folder beside the kit, e.g. --out output",
            );
        }
        if out_abs.starts_with(&kit_abs) {
            return fail(
                format!("the output folder `{}` is inside the kit", out.display()),
                "give an --out folder outside the kit, e.g. --out output",
            );
        }
        let dir = out_abs.join(campaign);
        let staging = out_abs.join(format!(".{campaign}.partnerkit-staging"));
        let old = out_abs.join(format!(".{campaign}.partnerkit-previous"));
        for p in [&dir, &staging, &old] {
            if is_symlink(p) {
                return fail(format!("`{}` is a symbolic link; partnerkit never writes through one", p.display()), "remove the link or give another --out");
            }
        }
        // A build killed between the two renames: put the previous output back.
        if !dir.exists() && old.is_dir() && has_marker(&old) {
            fs::rename(&old, &dir).map_err(|e| Diagnostic::error("output", format!("cannot restore the previous output ({e})")))?;
        }
        if dir.exists() && !has_marker(&dir) {
            return fail(
                format!("`{}` exists but was not written by partnerkit, so it is left alone", dir.display()),
                "move that folder away, or give another --out",
            );
        }
        for p in [&staging, &old] {
            if p.exists() {
                // A build killed right after creating its staging folder leaves it empty.
                if fs::remove_dir(p).is_ok() {
                    continue;
                }
                if !has_marker(p) {
                    return fail(format!("`{}` exists but was not written by partnerkit", p.display()), "move it away");
                }
                remove_ours(p).map_err(|e| Diagnostic::error("output", format!("cannot clean up `{}` ({e})", p.display())))?;
            }
        }
        Ok(Target { dir, staging, old })
    }

    /// Writes `files` (paths relative to the campaign folder) and swaps them in.
    pub fn write(&self, files: &[(String, Vec<u8>)]) -> Result<(), Diagnostic> {
        let io = |what: &str, p: &Path, e: std::io::Error| {
            Diagnostic::error("output", format!("cannot {what} `{}` ({e})", p.display()))
                .hint("check the free disk space and that you may write there; the previous output is unchanged")
        };
        fs::create_dir(&self.staging).map_err(|e| io("create", &self.staging, e))?;
        fs::write(self.staging.join(MARKER), MARKER_TEXT).map_err(|e| io("write", &self.staging, e))?;
        for (rel, bytes) in files {
            debug_assert!(!rel.starts_with('/') && !rel.split('/').any(|p| p == ".."));
            let path = self.staging.join(rel);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(|e| io("create", parent, e))?;
            }
            fs::write(&path, bytes).map_err(|e| io("write", &path, e))?;
        }
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

/// Removes a folder of ours with its marker file last, so that a removal killed half-way still
/// leaves a folder the next run recognises as ours (or an empty one) and can finish removing.
fn remove_ours(dir: &Path) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name() == MARKER {
            continue;
        }
        if entry.file_type()?.is_dir() {
            fs::remove_dir_all(entry.path())?;
        } else {
            fs::remove_file(entry.path())?;
        }
    }
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
    let rc = unsafe { libc::renameat2(libc::AT_FDCWD, ca.as_ptr(), libc::AT_FDCWD, cb.as_ptr(), libc::RENAME_EXCHANGE) };
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
