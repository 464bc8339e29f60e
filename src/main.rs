//! The `partnerkit` command: parse the command line and dispatch.

use std::process::ExitCode;

use clap::Parser;
use partnerkit::cli::{Cli, Command};
use partnerkit::cmd;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match &cli.command {
        Command::New(args) => cmd::new::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Build(args) => cmd::build::run(args),
        Command::Serve(args) => cmd::serve::run(args),
    }
}
