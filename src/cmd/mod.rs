//! One module per subcommand; each takes its args struct and returns an exit status.

pub mod build;
pub mod check;
pub mod new;
pub mod serve;

use std::process::ExitCode;

use crate::diag::Diagnostic;

/// Prints diagnostics to stderr, then a one-line tally.
pub fn report(diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("{d}");
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if errors > 0 {
        eprintln!(
            "{errors} error{} and {warnings} warning{}; nothing was written, the previous output is unchanged",
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" }
        );
    }
}

/// Exit status 1: the kit has errors.
pub fn failed() -> ExitCode {
    ExitCode::from(1)
}
