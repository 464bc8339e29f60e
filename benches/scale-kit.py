#!/usr/bin/env python3
"""Makes a large kit from a small one, deterministically.

    usage: benches/scale-kit.py SOURCE_KIT OUT_DIR PARTNERS
               [--articles N] [--statements N] [--cards N] [--card-size A6|A7|square]

PARTNERS: the source's partners repeated up to N, each copy with its own id, name, colour and
logo (an SVG drawn in its colour), the same channels and form of address: so no two partners
share a card PDF or a share image, as in a real campaign.
--articles: how-to and blog items (copies of the source's, retitled) up to N.
--statements: social items up to N.
--cards: the first deck's cards repeated (renumbered) up to N; --card-size sets its size.

The issue's benchmark kit is the reference kit with
    100 --articles 25 --statements 5 --cards 54 --card-size A7
"""
import argparse
import colorsys
import re
import shutil
from pathlib import Path

ap = argparse.ArgumentParser()
ap.add_argument("src")
ap.add_argument("out")
ap.add_argument("partners", type=int)
ap.add_argument("--articles", type=int)
ap.add_argument("--statements", type=int)
ap.add_argument("--cards", type=int)
ap.add_argument("--card-size", choices=["A6", "A7", "square"])
a = ap.parse_args()

src, out = Path(a.src), Path(a.out)
shutil.rmtree(out, ignore_errors=True)
shutil.copytree(src, out)
toml = (out / "kit.toml").read_text(encoding="utf-8")


def colour(i):
    """A distinct, fairly dark colour per partner (golden-angle hues)."""
    r, g, b = colorsys.hls_to_rgb((i * 0.618033988749895) % 1.0, 0.36, 0.65)
    return "#%02x%02x%02x" % (round(r * 255), round(g * 255), round(b * 255))


def logo(i, fill):
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="160" viewBox="0 0 400 160">'
        f'<rect width="400" height="160" rx="16" fill="{fill}"/>'
        f'<circle cx="80" cy="80" r="{30 + i % 20}" fill="#ffffff"/>'
        f'<rect x="140" y="52" width="{120 + (i * 7) % 100}" height="20" rx="10" fill="#ffffff"/>'
        f'<rect x="140" y="90" width="{80 + (i * 13) % 120}" height="20" rx="10" fill="#ffffff" opacity="0.8"/>'
        "</svg>\n"
    )


# Partners: each [[partners]] block runs until the next table header at the start of a line.
blocks = re.findall(r"(?ms)^\[\[partners\]\]\n.*?(?=^\[(?!partners\.)|\Z)", toml)
if not blocks:
    raise SystemExit("no [[partners]] in the source kit")
extra = []
(out / "assets" / "partners").mkdir(parents=True, exist_ok=True)
for i in range(len(blocks), a.partners):
    b = blocks[i % len(blocks)]
    b = re.sub(r'(?m)^id = "([^"]+)"', lambda m: f'id = "{m.group(1)}-{i}"', b, count=1)
    b = re.sub(r'(?m)^name = "([^"]+)"', lambda m: f'name = "{m.group(1)} {i}"', b, count=1)
    b = re.sub(r'(?m)^(logo|colour) = "[^"]*"\n', "", b)
    fill = colour(i)
    (out / "assets" / "partners" / f"scale-{i}.svg").write_text(logo(i, fill))
    b = re.sub(
        r"(?m)^(name = .*\n)",
        lambda m: m.group(1) + f'logo = "assets/partners/scale-{i}.svg"\ncolour = "{fill}"\n',
        b,
        count=1,
    )
    extra.append(b.rstrip("\n") + "\n\n")
if extra:
    last = toml.rfind(blocks[-1]) + len(blocks[-1])
    toml = toml[:last].rstrip("\n") + "\n\n" + "".join(extra) + toml[last:]

# Cards: the first deck's [[decks.cards]] repeated after its last one.
if a.cards or a.card_size:
    deck = re.search(r"(?ms)^\[\[decks\]\]\n.*?(?=^\[\[decks\]\]\n|^\[(?!\[decks\.cards\]\])|\Z)", toml)
    if not deck:
        raise SystemExit("no [[decks]] in the source kit")
    text = deck.group(0)
    cards = re.findall(r"(?ms)^\[\[decks\.cards\]\]\n.*?(?=^\[|\Z)", text)
    new = text
    if a.card_size:
        new = re.sub(r'(?m)^size = "[^"]*"', f'size = "{a.card_size}"', new, count=1)
    more = []
    for i in range(len(cards), a.cards or 0):
        c = cards[i % len(cards)]
        c = re.sub(r'(?m)^text = "(.*)"$', lambda m: f'text = "{m.group(1)} ({i + 1})"', c, count=1)
        more.append(c.rstrip("\n") + "\n\n")
    new = new.rstrip("\n") + "\n\n" + "".join(more)
    toml = toml.replace(text, new, 1)

(out / "kit.toml").write_text(toml, encoding="utf-8")


def items(kinds):
    found = []
    for p in sorted((out / "content").glob("*.md")):
        m = re.search(r'(?m)^kind = "([^"]+)"', p.read_text(encoding="utf-8"))
        if m and m.group(1) in kinds:
            found.append(p)
    return found


def grow(kinds, n):
    have = items(kinds)
    if not have or n is None:
        return
    for i in range(len(have), n):
        p = have[i % len(have)]
        s = p.read_text(encoding="utf-8")
        s = re.sub(r'(?m)^title = "(.*)"$', lambda m: f'title = "{m.group(1)} ({i + 1})"', s, count=1)
        (p.parent / f"{p.stem}-{i + 1}.md").write_text(s, encoding="utf-8")


grow({"howto", "blog"}, a.articles)
grow({"social"}, a.statements)
print(
    f"{out}: {a.partners} partners, {len(items({'howto', 'blog'}))} articles, "
    f"{len(items({'social'}))} statements"
)
