//! `partnerkit new`: a starter kit that checks and builds as it is, with comments that teach
//! the format.

use std::path::Path;
use std::process::ExitCode;

use crate::cli::NewArgs;
use crate::diag::Diagnostic;
use crate::render::templates::{builtin, BUILTIN_NAMES};
use crate::tr;

const STARTER: &[(&str, &[u8])] = &[
    ("kit.toml", include_bytes!("../starter/kit.toml")),
    (
        "content/aftrap.md",
        include_bytes!("../starter/content/aftrap.md"),
    ),
    (
        "content/eerste-stap.md",
        include_bytes!("../starter/content/eerste-stap.md"),
    ),
    (
        "content/verhaal.md",
        include_bytes!("../starter/content/verhaal.md"),
    ),
    (
        "assets/logo.svg",
        include_bytes!("../starter/assets/logo.svg"),
    ),
];

/// Runs `new`.
pub fn run(args: &NewArgs) -> ExitCode {
    if args.templates && args.kit_dir.join("kit.toml").is_file() {
        if let Some(lang) = std::fs::read_to_string(args.kit_dir.join("kit.toml"))
            .ok()
            .and_then(|t| crate::tr::sniff(&t))
        {
            crate::tr::set_lang(lang);
        }
        return match add_templates(&args.kit_dir) {
            Ok((added, kept)) => {
                for name in &added {
                    println!(
                        "{}",
                        tr!(
                            "added templates/{name}",
                            "templates/{name} toegevoegd",
                            name = name
                        )
                    );
                }
                for name in &kept {
                    println!(
                        "{}",
                        tr!(
                            "kept your templates/{name} (not overwritten)",
                            "uw templates/{name} gehouden (niet overschreven)",
                            name = name
                        )
                    );
                }
                println!(
                    "{}",
                    tr!(
                        "edit the copies in {dir}/templates; partnerkit uses them instead of its own",
                        "pas de kopieën in {dir}/templates aan; partnerkit gebruikt ze in plaats van de eigen",
                        dir = args.kit_dir.display()
                    )
                );
                ExitCode::SUCCESS
            }
            Err(d) => {
                super::report(&[d]);
                super::failed()
            }
        };
    }
    match create(&args.kit_dir, args.templates) {
        Ok(()) => {
            let dir = args.kit_dir.display();
            println!(
                "{}",
                tr!(
                    "created a new kit in {dir}",
                    "nieuwe kit gemaakt in {dir}",
                    dir = dir
                )
            );
            println!(
                "{}",
                tr!(
                    "next: edit {dir}/kit.toml, then run",
                    "daarna: pas {dir}/kit.toml aan en doe",
                    dir = dir
                )
            );
            println!("  partnerkit check {}", args.kit_dir.display());
            println!("  partnerkit build {}", args.kit_dir.display());
            ExitCode::SUCCESS
        }
        Err(d) => {
            super::report(&[d]);
            super::failed()
        }
    }
}

/// Copies the built-in templates into an existing kit's `templates/` folder, never overwriting a
/// template the kit already has. Returns the names added and the names kept.
pub fn add_templates(dir: &Path) -> Result<(Vec<&'static str>, Vec<&'static str>), Diagnostic> {
    let folder = dir.join("templates");
    if std::fs::symlink_metadata(&folder).is_ok_and(|m| !m.is_dir()) {
        return Err(Diagnostic::error(
            "new",
            tr!(
                "`{path}` is not a folder",
                "`{path}` is geen map",
                path = folder.display()
            ),
        )
        .hint(tr!(
            "move it away, then run this again",
            "zet het ergens anders neer en probeer het opnieuw"
        )));
    }
    std::fs::create_dir_all(&folder).map_err(|e| {
        Diagnostic::error(
            "new",
            tr!(
                "cannot create `{path}` ({e})",
                "`{path}` is niet te maken ({e})",
                path = folder.display(),
                e = e
            ),
        )
    })?;
    let (mut added, mut kept) = (Vec::new(), Vec::new());
    for name in BUILTIN_NAMES {
        let path = folder.join(name);
        if std::fs::symlink_metadata(&path).is_ok() {
            kept.push(*name);
            continue;
        }
        std::fs::write(&path, builtin(name).unwrap_or_default()).map_err(|e| {
            Diagnostic::error(
                "new",
                tr!(
                    "cannot write `{path}` ({e})",
                    "`{path}` is niet te schrijven ({e})",
                    path = path.display(),
                    e = e
                ),
            )
        })?;
        added.push(*name);
    }
    Ok((added, kept))
}

/// Writes the starter kit into `dir`, which must not exist or be empty.
pub fn create(dir: &Path, with_templates: bool) -> Result<(), Diagnostic> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(Diagnostic::error(
                "new",
                tr!(
                    "`{dir}` already exists and is not empty",
                    "`{dir}` bestaat al en is niet leeg",
                    dir = dir.display()
                ),
            )
            .hint(tr!(
                "give a new folder name; partnerkit never overwrites an existing kit",
                "geef een nieuwe mapnaam; partnerkit overschrijft nooit een bestaande kit"
            )));
        }
    }
    let io = |p: &Path, e: std::io::Error| {
        Diagnostic::error(
            "new",
            tr!(
                "cannot write `{path}` ({e})",
                "`{path}` is niet te schrijven ({e})",
                path = p.display(),
                e = e
            ),
        )
    };
    let mut files: Vec<(String, Vec<u8>)> = STARTER
        .iter()
        .map(|(p, b)| (p.to_string(), b.to_vec()))
        .collect();
    if with_templates {
        for name in BUILTIN_NAMES {
            files.push((
                format!("templates/{name}"),
                builtin(name).unwrap_or_default().as_bytes().to_vec(),
            ));
        }
    }
    for (rel, bytes) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| io(&path, e))?;
    }
    Ok(())
}
