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
        eprintln!("{}", tally(errors, warnings));
    }
}

/// "2 errors and 1 warning; nothing was written, …" in the kit's language.
pub fn tally(errors: usize, warnings: usize) -> String {
    let e = match errors {
        1 => crate::tr!("1 error", "1 fout"),
        n => crate::tr!("{n} errors", "{n} fouten", n = n),
    };
    let w = match warnings {
        1 => crate::tr!("1 warning", "1 waarschuwing"),
        n => crate::tr!("{n} warnings", "{n} waarschuwingen", n = n),
    };
    crate::tr!(
        "{e} and {w}; nothing was written, the previous output is unchanged",
        "{e} en {w}; er is niets geschreven, de vorige uitvoer is ongewijzigd",
        e = e,
        w = w
    )
}

/// Exit status 1: the kit has errors.
pub fn failed() -> ExitCode {
    ExitCode::from(1)
}
