"""Split the raw corpus by a hash of each id: about 30% held out, never read or tuned on.

python3 split.py OUTDIR  -> OUTDIR/development.yaml, OUTDIR/held-out.yaml
(the raw batches are read from /work/corpus/raw/<writer>/batch-NN.yaml)
"""

import glob
import hashlib
import pathlib
import sys

import yaml

HEADER = (
    "# Blind-written, BDM-labelled enquiries (see docs/qualification.md, 'The corpus').\n"
    "# Split by a hash of the id; {what}\n"
)
PARTS = (
    ("development.yaml", "the development part: read and tune on it.\n"),
    ("held-out.yaml", "the HELD-OUT test part: never read it, never tune on it.\n"),
)


def held_out(item_id: str) -> bool:
    return int(hashlib.sha256(str(item_id).encode()).hexdigest(), 16) % 100 < 30


def main() -> None:
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    items = []
    for path in sorted(glob.glob("/work/corpus/raw/*/batch-*.yaml")):
        items.extend(yaml.safe_load(open(path, encoding="utf-8")) or [])
    dev = [item for item in items if not held_out(item["id"])]
    held = [item for item in items if held_out(item["id"])]
    for (name, what), part in zip(PARTS, (dev, held), strict=True):
        with open(out / name, "w", encoding="utf-8") as handle:
            handle.write(HEADER.format(what=what))
            yaml.safe_dump(part, handle, allow_unicode=True, sort_keys=False, width=100)
    print(f"{len(items)} items: development {len(dev)}, held-out {len(held)}")


if __name__ == "__main__":
    main()
