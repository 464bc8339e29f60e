//! The `partnerkit` command: parse the command line and dispatch.

use std::process::ExitCode;

use clap::Parser;
use partnerkit::cli::{Cli, Command};
use partnerkit::cmd;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Until a kit says its language: the user's, as the system gives it (LC_ALL, LC_MESSAGES,
    // LANG), so that "no kit here" reads in Dutch on a Dutch machine.
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()));
    if locale.is_some_and(|l| l.starts_with("nl")) {
        partnerkit::tr::set_lang(partnerkit::kit::Lang::Nl);
    }
    if !matches!(cli.command, Command::Serve(_)) {
        quiet_on_closed_pipe();
    }
    match &cli.command {
        Command::New(args) => cmd::new::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Build(args) => cmd::build::run(args),
        Command::Serve(args) => cmd::serve::run(args),
    }
}

/// `partnerkit check KIT | head -1`: when the reader goes away, end quietly as other command-line
/// tools do (the default action of SIGPIPE), instead of panicking on the failed write. Not for
/// `serve`, whose clients may close their connections at any time.
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of a signal has no preconditions; nothing else
    // has installed a handler for SIGPIPE at this point.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
