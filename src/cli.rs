//! The command line, as clap types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Turns one campaign kit into a ready-made content pack per theme partner.
#[derive(Debug, Parser)]
#[command(name = "partnerkit", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make a new kit to start from; it checks and builds as it is.
    New(NewArgs),
    /// Validate and lint a kit; exit status 1 on any error.
    Check(CheckArgs),
    /// Build every partner's pack, the zips, the download page and the report.
    Build(BuildArgs),
    /// Preview the output on localhost, rebuilt on every save.
    Serve(ServeArgs),
}

/// `partnerkit new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The folder to create (it must not exist yet, or be empty).
    pub kit_dir: PathBuf,
    /// Also copy the built-in templates into the kit's templates/ folder, to change them. On an
    /// existing kit, adds the templates it does not have yet (never overwrites).
    #[arg(long)]
    pub templates: bool,
}

/// `partnerkit check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The kit folder (the one holding kit.toml).
    pub kit_dir: PathBuf,
    /// Output format for the findings.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Treat warnings as errors (exit status 1).
    #[arg(long)]
    pub deny_warnings: bool,
}

/// How `check` prints its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// For scripts: every finding and the coverage matrix.
    Json,
}

/// `partnerkit build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The kit folder (the one holding kit.toml).
    pub kit_dir: PathBuf,
    /// Where to write; the campaign gets its own folder inside.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Build only this partner (repeatable).
    #[arg(long = "partner", value_name = "ID")]
    pub partners: Vec<String>,
    /// Print how long each stage took.
    #[arg(long)]
    pub timings: bool,
    /// The secret for private links (`[distribution] private_links = true`): a file holding at
    /// least 32 random bytes, kept outside the kit. Default: the PARTNERKIT_LINK_KEY variable.
    #[arg(long, value_name = "FILE")]
    pub link_key: Option<PathBuf>,
    /// Draw every image and PDF again instead of reusing the cache beside the output
    /// (`<out>/.<campaign>.partnerkit-cache`).
    #[arg(long)]
    pub no_cache: bool,
}

/// `partnerkit serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The kit folder (the one holding kit.toml).
    pub kit_dir: PathBuf,
    /// Port on localhost.
    #[arg(long, default_value_t = 4173)]
    pub port: u16,
    /// Open the preview in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Ignored: the preview is kept in memory (accepted for older scripts).
    #[arg(long, hide = true)]
    pub out: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }
}
