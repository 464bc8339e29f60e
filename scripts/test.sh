#!/usr/bin/env bash
# The whole test suite: installs the third-party validators (qpdf, poppler, mupdf, the Nu Html
# Checker, axe-core and pa11y in Debian's Chromium, puppeteer-core, icalendar, …) with
# scripts/install-validators.sh, then runs every test, the validator group included. A test
# never passes because a tool is missing: the validator tests fail instead.
#
# Without the validators, `cargo test` runs every pure-Rust test.
#
#   usage: scripts/test.sh [extra cargo test arguments]
#   VALIDATORS_HOME  where the validators go (default ~/.local/share/partnerkit-validators)
set -euo pipefail
cd "$(dirname "$0")/.."
export VALIDATORS_HOME=${VALIDATORS_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/partnerkit-validators}
bash scripts/install-validators.sh
cargo test --locked --features validators "$@"
