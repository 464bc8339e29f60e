#!/usr/bin/env python3
"""partnerkit side by side with the pipeline a user would otherwise script.

    usage: benches/peer-pipeline.py PARTNERKIT KIT WORK_DIR

PARTNERKIT is a (release) partnerkit binary, KIT a kit (make a large one with
benches/scale-kit.py), WORK_DIR a scratch folder. The peer pipeline makes the same packs from the
same content: Typst for every partner's card decks (one PDF per deck), pandoc for every article
(Markdown to a standalone HTML page), resvg for every share image (one SVG per statement and
platform), and a zip per partner. Each side runs in a process of its own; the script prints wall
time, CPU time (user + system, its children included) and peak memory for both, and the ratios.

The peer tools come from PyPI, as a user would install them: `pip install typst pypandoc_binary
resvg_py` (Typst's compiler, pandoc's own binary, resvg's renderer).
"""
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
import zipfile
from pathlib import Path


def measure(argv):
    """Runs argv; returns (wall s, cpu s, peak MiB) of the process and what it waited for."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(map(str, argv))}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def typst_escape(s):
    return "".join("\\" + c if c in '\\#[]*_`$<>@"' else c for c in s)


def peer(kit_dir, built, out):
    """The scripted pipeline over the packs partnerkit made (their texts), into out/."""
    import pypandoc
    import resvg_py
    import typst

    pandoc = pypandoc.get_pandoc_path()
    kit = tomllib.loads((kit_dir / "kit.toml").read_text())
    decks = kit.get("decks", [])
    sizes = {"A6": ("105mm", "148mm"), "A7": ("105mm", "74mm"), "square": ("120mm", "120mm")}
    partners = {p["id"]: p for p in kit["partners"]}
    for pack in sorted(p for p in built.iterdir() if p.is_dir() and p.name in partners):
        partner = partners[pack.name]
        colour = partner.get("colour", kit["campaign"].get("colour", "#333333"))
        dest = out / pack.name
        dest.mkdir(parents=True)
        # Card decks: one Typst document per deck, a page per card.
        for deck in decks:
            if "partners" in deck and pack.name not in deck["partners"]:
                continue
            w, h = sizes[deck["size"]]
            cards = ([deck["intro"]] if deck.get("intro") else []) + [c["text"] for c in deck["cards"]]
            src = [f'#set page(width: {w}, height: {h}, margin: 6mm)',
                   '#set text(font: "Noto Sans", size: 11pt)']
            for i, text in enumerate(cards):
                if i:
                    src.append("#pagebreak()")
                src.append(f'#block(fill: rgb("{colour}"), width: 100%, inset: 3mm)['
                           f'#text(fill: white, weight: "bold")[{typst_escape(deck["title"])}]'
                           f' #h(1fr) #text(fill: white)[{typst_escape(partner["name"])}]]')
                src.append(f'#align(center + horizon)[#text(size: 14pt, weight: "bold")[{typst_escape(text)}]]')
            typ = dest / f"{deck['id']}.typ"
            typ.write_text("\n".join(src))
            typst.compile(str(typ), output=str(dest / f"{deck['id']}.pdf"))
            typ.unlink()
        # Articles: pandoc per article.
        for md in sorted(pack.glob("*/*.md")):
            target = dest / md.parent.name / (md.stem + ".html")
            target.parent.mkdir(exist_ok=True)
            subprocess.run([pandoc, str(md), "-s", "--metadata", f"title={md.stem}", "-o", str(target)],
                           check=True)
        # Share images: an SVG per statement and platform, drawn by resvg.
        for txt in sorted(pack.glob("social/*.txt")):
            png = pack / "social" / (txt.stem + ".png")
            if not png.exists():
                continue
            width = int.from_bytes(png.read_bytes()[16:20], "big")
            height = int.from_bytes(png.read_bytes()[20:24], "big")
            words = txt.read_text().split()[:12]
            lines = [" ".join(words[i:i + 4]) for i in range(0, len(words), 4)]
            text = "".join(f'<text x="60" y="{160 + 80 * i}" font-size="64" font-weight="700" '
                           f'fill="#ffffff">{l.replace("&", "&amp;").replace("<", "&lt;")}</text>'
                           for i, l in enumerate(lines))
            svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">'
                   f'<rect width="100%" height="100%" fill="{colour}"/>'
                   f'<g font-family="Noto Sans">{text}</g></svg>')
            (dest / "social").mkdir(exist_ok=True)
            data = resvg_py.svg_to_bytes(svg_string=svg)
            (dest / "social" / png.name).write_bytes(bytes(data))
        # Texts as they are, and the zip.
        for txt in pack.glob("social/*.txt"):
            shutil.copy(txt, dest / "social" / txt.name)
        with zipfile.ZipFile(out / f"{pack.name}.zip", "w", zipfile.ZIP_DEFLATED) as z:
            for f in sorted(dest.rglob("*")):
                if f.is_file():
                    z.write(f, f.relative_to(out))


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--peer":
        peer(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
        return
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    binary, kit, work = sys.argv[1], Path(sys.argv[2]).resolve(), Path(sys.argv[3]).resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ours = measure([binary, "build", str(kit), "--out", str(work / "partnerkit")])
    built = next(p for p in (work / "partnerkit").iterdir() if p.is_dir() and not p.name.startswith("."))
    theirs = measure([sys.executable, __file__, "--peer", str(kit), str(built), str(work / "peer")])
    packs = sum(1 for p in built.iterdir() if p.is_dir())
    print(f"{packs} partners, {kit.name}")
    print(f"{'':22} {'wall s':>8} {'cpu s':>8} {'peak MiB':>9}")
    for name, (wall, cpu, rss) in [("partnerkit build", ours), ("typst+pandoc+resvg+zip", theirs)]:
        print(f"{name:22} {wall:8.2f} {cpu:8.2f} {rss:9.1f}")
    print(f"{'ratio (peer / ours)':22} {theirs[0] / ours[0]:8.1f} {theirs[1] / ours[1]:8.1f} {theirs[2] / ours[2]:9.1f}")
    print(json.dumps({"partners": packs, "partnerkit": ours, "peer": theirs}))


if __name__ == "__main__":
    main()
