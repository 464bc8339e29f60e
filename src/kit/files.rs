//! Every read from a kit goes through here: only regular files under the kit folder, bounded
//! in size, opened so that nothing can make the read hang.
//!
//! A kit may come from anyone. Its `content/`, `templates/` or `assets/` folder may be a link
//! to somewhere else on the machine, a "file" may be a named pipe (opening one for reading
//! waits for a writer for ever), a device such as `/dev/zero` (endless) or a folder. The rules:
//!
//! 1. the path as written is relative, uses `/`, and never says `..`;
//! 2. its canonical form (every link followed) lies inside the kit's canonical folder;
//! 3. what is there is a regular file (a folder, for [`KitFiles::list`]), checked before it is
//!    opened and again on the open handle, which is opened non-blocking;
//! 4. at most `limit` bytes are read, whatever the file claims its size is.

use std::fs::{File, FileType};
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// The kit folder, canonicalised once.
#[derive(Debug, Clone)]
pub struct KitFiles {
    root: PathBuf,
}

/// Why a kit file cannot be read, in plain words (the caller adds which file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    /// Nothing there.
    Missing,
    /// Something is there, but it is not what partnerkit reads; the text says what it is.
    Refused(String),
    /// Larger than the limit.
    TooLarge {
        /// The size seen.
        bytes: u64,
        /// The limit.
        limit: u64,
    },
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileError::Missing => f.write_str(&crate::tr!(
                "no such file in the kit",
                "dat bestand staat niet in de kit"
            )),
            FileError::Refused(why) => f.write_str(why),
            FileError::TooLarge { bytes, limit } => f.write_str(&crate::tr!(
                "it is {bytes} bytes; the limit is {limit}",
                "het is {bytes} bytes; de grens is {limit}",
                bytes = bytes,
                limit = crate::util::human_size(*limit)
            )),
        }
    }
}

/// What a file-system entry is, in words for people: "a named pipe", "a folder", …
pub fn describe(t: &FileType) -> String {
    use crate::tr;
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return tr!("a named pipe", "een named pipe");
        }
        if t.is_char_device() || t.is_block_device() {
            return tr!("a device", "een apparaat");
        }
        if t.is_socket() {
            return tr!("a socket", "een socket");
        }
    }
    if t.is_dir() {
        tr!("a folder", "een map")
    } else if t.is_symlink() {
        tr!("a symbolic link", "een symbolische koppeling")
    } else if t.is_file() {
        tr!("a file", "een bestand")
    } else {
        tr!("not a regular file", "geen gewoon bestand")
    }
}

/// Checks a path as written in a kit: relative, forward slashes, no `..`.
pub fn check_relative(rel: &str) -> Result<(), String> {
    if rel.is_empty() {
        return Err(crate::tr!("the path is empty", "het pad is leeg"));
    }
    if rel.contains('\\') {
        return Err(crate::tr!(
            "use forward slashes `/` in paths, also on Windows",
            "gebruik schuine strepen `/` in paden, ook op Windows"
        ));
    }
    if rel.contains('\0') {
        return Err(crate::tr!(
            "the path contains a NUL character",
            "het pad bevat een NUL-teken"
        ));
    }
    for c in Path::new(rel).components() {
        match c {
            Component::Normal(_) | Component::CurDir => {}
            Component::ParentDir => {
                return Err(crate::tr!(
                    "the path leaves the kit folder (`..`)",
                    "het pad gaat buiten de kitmap (`..`)"
                ))
            }
            Component::RootDir | Component::Prefix(_) => {
                return Err(crate::tr!(
                    "the path is absolute; give it relative to the kit folder",
                    "het pad is absoluut; geef het vanaf de kitmap"
                ))
            }
        }
    }
    Ok(())
}

impl KitFiles {
    /// The kit in `root`, which must be a folder.
    pub fn new(root: &Path) -> Result<KitFiles, String> {
        let root = root.canonicalize().map_err(|e| {
            crate::tr!(
                "cannot read the kit folder ({e})",
                "de kitmap is niet te lezen ({e})",
                e = e
            )
        })?;
        let meta = std::fs::metadata(&root).map_err(|e| {
            crate::tr!(
                "cannot read the kit folder ({e})",
                "de kitmap is niet te lezen ({e})",
                e = e
            )
        })?;
        if !meta.is_dir() {
            return Err(crate::tr!(
                "it is {what}, not a folder",
                "het is {what}, geen map",
                what = describe(&meta.file_type())
            ));
        }
        Ok(KitFiles { root })
    }

    /// The canonical kit folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The canonical path of `rel`, which must lie inside the kit; `want_dir` says whether a
    /// folder or a regular file is expected there.
    fn resolve(&self, rel: &str, want_dir: bool) -> Result<PathBuf, FileError> {
        check_relative(rel).map_err(FileError::Refused)?;
        let full = self.root.join(rel);
        let link = std::fs::symlink_metadata(&full).map_err(|_| FileError::Missing)?;
        let canon = match full.canonicalize() {
            Ok(c) => c,
            Err(_) if link.file_type().is_symlink() => {
                return Err(FileError::Refused(crate::tr!(
                    "it is a symbolic link to something that does not exist",
                    "het is een symbolische koppeling naar iets dat niet bestaat"
                )))
            }
            Err(_) => return Err(FileError::Missing),
        };
        if !canon.starts_with(&self.root) {
            return Err(FileError::Refused(if link.file_type().is_symlink() {
                crate::tr!(
                    "it is a symbolic link to something outside the kit folder",
                    "het is een symbolische koppeling naar iets buiten de kitmap"
                )
            } else {
                crate::tr!(
                    "it lies in a folder that links to somewhere outside the kit folder",
                    "het staat in een map die naar een plek buiten de kitmap verwijst"
                )
            }));
        }
        let meta = std::fs::metadata(&canon).map_err(|_| FileError::Missing)?;
        let ok = if want_dir {
            meta.is_dir()
        } else {
            meta.is_file()
        };
        if !ok {
            let what = describe(&meta.file_type());
            return Err(FileError::Refused(if want_dir {
                crate::tr!(
                    "it is {what}, not a folder",
                    "het is {what}, geen map",
                    what = what
                )
            } else {
                crate::tr!(
                    "it is {what}, not a regular file",
                    "het is {what}, geen gewoon bestand",
                    what = what
                )
            }));
        }
        Ok(canon)
    }

    /// Whether `rel` exists at all (as anything, even a broken link).
    pub fn exists(&self, rel: &str) -> bool {
        std::fs::symlink_metadata(self.root.join(rel)).is_ok()
    }

    /// Reads the regular file `rel` (kit-relative, `/`-separated), at most `limit` bytes.
    pub fn read(&self, rel: &str, limit: u64) -> Result<Vec<u8>, FileError> {
        let canon = self.resolve(rel, false)?;
        let mut file = open_nonblocking(&canon).map_err(|e| {
            FileError::Refused(crate::tr!(
                "cannot open it ({e})",
                "het is niet te openen ({e})",
                e = e
            ))
        })?;
        let meta = file.metadata().map_err(|e| {
            FileError::Refused(crate::tr!(
                "cannot read it ({e})",
                "het is niet te lezen ({e})",
                e = e
            ))
        })?;
        if !meta.is_file() {
            return Err(FileError::Refused(crate::tr!(
                "it is {what}, not a regular file",
                "het is {what}, geen gewoon bestand",
                what = describe(&meta.file_type())
            )));
        }
        if meta.len() > limit {
            return Err(FileError::TooLarge {
                bytes: meta.len(),
                limit,
            });
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        (&mut file)
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| {
                FileError::Refused(crate::tr!(
                    "cannot read it ({e})",
                    "het is niet te lezen ({e})",
                    e = e
                ))
            })?;
        if bytes.len() as u64 > limit {
            return Err(FileError::TooLarge {
                bytes: bytes.len() as u64,
                limit,
            });
        }
        Ok(bytes)
    }

    /// The names in folder `rel`, sorted, without hidden ones (`.name`); `Ok(None)` if there is
    /// no such folder. At most `max` names are collected; more is [`FileError::TooLarge`].
    pub fn list(&self, rel: &str, max: usize) -> Result<Option<Vec<String>>, FileError> {
        if !self.exists(rel) {
            return Ok(None);
        }
        let canon = self.resolve(rel, true)?;
        let entries = std::fs::read_dir(&canon).map_err(|e| {
            FileError::Refused(crate::tr!(
                "cannot read the folder ({e})",
                "de map is niet te lezen ({e})",
                e = e
            ))
        })?;
        let mut names = Vec::new();
        for e in entries {
            let e = e.map_err(|e| {
                FileError::Refused(crate::tr!(
                    "cannot read the folder ({e})",
                    "de map is niet te lezen ({e})",
                    e = e
                ))
            })?;
            let Some(name) = e.file_name().to_str().map(str::to_string) else {
                return Err(FileError::Refused(crate::tr!(
                    "the name of `{name}` is not valid text (UTF-8); rename it with a-z, 0-9 and -",
                    "de naam van `{name}` is geen geldige tekst (UTF-8); geef het een naam met a-z, 0-9 en -",
                    name = e.file_name().to_string_lossy()
                )));
            };
            if name.starts_with('.') {
                continue;
            }
            names.push(name);
            if names.len() > max {
                return Err(FileError::TooLarge {
                    bytes: names.len() as u64,
                    limit: max as u64,
                });
            }
        }
        names.sort();
        Ok(Some(names))
    }
}

#[cfg(unix)]
fn open_nonblocking(p: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(p)
}

#[cfg(not(unix))]
fn open_nonblocking(p: &Path) -> std::io::Result<File> {
    File::open(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_only() {
        assert!(check_relative("assets/logo.png").is_ok());
        assert!(check_relative("./assets/logo.png").is_ok());
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "assets/../../x",
            "assets\\logo.png",
            "a\0b",
        ] {
            assert!(check_relative(bad).is_err(), "{bad:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn names_what_is_there() {
        let dir = tempfile::tempdir().unwrap();
        let kit = KitFiles::new(dir.path()).unwrap();
        std::fs::create_dir(dir.path().join("folder")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero")).unwrap();
        std::os::unix::fs::symlink("/etc/hostname", dir.path().join("out")).unwrap();
        let fifo = dir.path().join("pipe");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        std::fs::write(dir.path().join("big"), vec![b'a'; 100]).unwrap();
        let msg = |r: Result<Vec<u8>, FileError>| r.unwrap_err().to_string();
        assert_eq!(
            msg(kit.read("folder", 10)),
            "it is a folder, not a regular file"
        );
        assert_eq!(
            msg(kit.read("pipe", 10)),
            "it is a named pipe, not a regular file"
        );
        assert_eq!(
            msg(kit.read("zero", 10)),
            "it is a symbolic link to something outside the kit folder"
        );
        assert_eq!(
            msg(kit.read("out", 10)),
            "it is a symbolic link to something outside the kit folder"
        );
        assert_eq!(msg(kit.read("missing", 10)), "no such file in the kit");
        assert!(matches!(
            kit.read("big", 10),
            Err(FileError::TooLarge {
                bytes: 100,
                limit: 10
            })
        ));
        assert_eq!(kit.read("big", 100).unwrap().len(), 100);
    }
}
