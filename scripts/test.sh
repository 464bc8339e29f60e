#!/usr/bin/env bash
# The whole test suite: installs the third-party validators the tests run (qpdf, poppler,
# mupdf, the Nu Html Checker, axe-core, pa11y with Debian's Chromium, icalendar, …), then runs
# every test. A test never passes because a tool is missing: validate-output.sh fails instead.
#
#   usage: scripts/test.sh [extra cargo test arguments]
#   PARTNERKIT_SHARED  folder with kits/ and validators/ (default: ../shared)
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${PARTNERKIT_SHARED:-$(cd .. && pwd)/shared}
export PARTNERKIT_SHARED=$SHARED
if [ ! -f "$SHARED/validators/install-validators.sh" ]; then
  echo "scripts/test.sh: $SHARED/validators/install-validators.sh not found; set PARTNERKIT_SHARED" >&2
  exit 1
fi
bash "$SHARED/validators/install-validators.sh"
cargo test --locked "$@"
