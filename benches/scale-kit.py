#!/usr/bin/env python3
"""Makes a large kit from a small one, deterministically: the same content, and the partners
repeated (with new ids and names, the same channels, form of address and logos) up to N.

    usage: benches/scale-kit.py SOURCE_KIT OUT_DIR PARTNERS
"""
import re, shutil, sys

src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
shutil.rmtree(out, ignore_errors=True)
shutil.copytree(src, out)
toml = open(f"{out}/kit.toml", encoding="utf-8").read()
# Each [[partners]] block runs until the next table header at the start of a line.
blocks = re.findall(r"(?ms)^\[\[partners\]\]\n.*?(?=^\[(?!partners\.)|\Z)", toml)
if not blocks:
    sys.exit("no [[partners]] in the source kit")
extra = []
for i in range(len(blocks), n):
    b = blocks[i % len(blocks)]
    b = re.sub(r'(?m)^id = "([^"]+)"', lambda m: f'id = "{m.group(1)}-{i}"', b, count=1)
    b = re.sub(r'(?m)^name = "([^"]+)"', lambda m: f'name = "{m.group(1)} {i}"', b, count=1)
    extra.append(b.rstrip("\n") + "\n\n")
last = toml.rfind(blocks[-1]) + len(blocks[-1])
toml = toml[:last].rstrip("\n") + "\n\n" + "".join(extra) + toml[last:]
open(f"{out}/kit.toml", "w", encoding="utf-8").write(toml)
print(f"{out}: {n} partners")
