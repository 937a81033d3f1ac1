"""Split the raw corpus by a hash of each id: about 30% held out, never read or tuned on.

python3 /work/corpus/split.py OUTDIR  -> OUTDIR/development.yaml, OUTDIR/held-out.yaml
"""
import glob, hashlib, pathlib, sys, yaml

out = pathlib.Path(sys.argv[1]); out.mkdir(parents=True, exist_ok=True)
items = []
for path in sorted(glob.glob("/work/corpus/raw/*/batch-*.yaml")):
    items.extend(yaml.safe_load(open(path, encoding="utf-8")) or [])
dev, held = [], []
for it in items:
    h = int(hashlib.sha256(str(it["id"]).encode()).hexdigest(), 16) % 100
    (held if h < 30 else dev).append(it)
header = ("# Blind-written, BDM-labelled enquiries (see docs/qualification.md, 'The corpus').\n"
          "# Split by a hash of the id; {what}\n")
for name, part, what in (("development.yaml", dev, "the development part: read and tune on it.\n"),
                          ("held-out.yaml", held, "the HELD-OUT test part: never read it, never tune on it.\n")):
    with open(out / name, "w", encoding="utf-8") as fh:
        fh.write(header.format(what=what))
        yaml.safe_dump(part, fh, allow_unicode=True, sort_keys=False, width=100)
print(f"{len(items)} items: development {len(dev)}, held-out {len(held)}")
