"""Dump every reading of `Reader.assess` as JSON, to show that a change to the reader's
speed changes no reading: run it on two trees and compare the files byte for byte.

    PYTHONHASHSEED=0 DEBUG=1 .venv/bin/python bench/qualification_readings.py OUT.json

It trains the classifiers on the training sets as the throughput benchmark does, then
reads the development part and the regression set, texts of 25,000 characters made of
development enquiries joined, development enquiries repeated to 8,000 characters and the
throughput benchmark's 100 KB enquiry. Never the held-out part. The readings do not
depend on ``PYTHONHASHSEED`` (two seeds give identical files); it is fixed above only so
that a comparison with a tree from before that was fixed is fair (docs/performance.md).
"""

import dataclasses
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DEBUG", "1")

import qualification_throughput as throughput  # noqa: E402

from qualification import corpus, learning  # noqa: E402
from qualification.extraction import Enquiry  # noqa: E402
from qualification.selectors import Reader  # noqa: E402


def _plain(value):
    return dataclasses.asdict(value) if dataclasses.is_dataclass(value) else repr(value)


def main() -> None:
    blob, digest = learning.dump(learning.train(corpus.training_examples()))
    reader = Reader(
        areas=throughput.AREAS, rules=throughput.RULES, classifiers=learning.load(blob, digest)
    )
    readings = {}

    def read(key: str, enquiry: Enquiry) -> None:
        reading = dataclasses.asdict(reader.assess(enquiry))
        readings[key] = json.loads(json.dumps(reading, default=_plain, sort_keys=True))

    for name in ("development", "regression"):
        for number, item in enumerate(corpus.read_labelled(corpus.dataset_path(name))):
            read(f"{name}/{number}", item.enquiry)
    development = [
        item.enquiry for item in corpus.read_labelled(corpus.dataset_path("development"))
    ]
    for number in range(0, len(development), 7):
        enquiry = development[number]
        body, other = enquiry.message, number
        while len(body) < 25_000:
            other = (other + 13) % len(development)
            body += "\n\n" + development[other].message
        read(f"long/{number}", dataclasses.replace(enquiry, message=body))
        repeated = (enquiry.message + "\n") * (8000 // max(1, len(enquiry.message)) + 1)
        read(f"repeat/{number}", dataclasses.replace(enquiry, message=repeated))
    big = throughput.big_enquiry_text()
    read(
        "big",
        Enquiry(message=big, subject="Breach of contract", arrived_at=development[0].arrived_at),
    )
    Path(sys.argv[1]).write_text(json.dumps(readings, indent=1, sort_keys=True))
    print(f"{len(readings)} readings written to {sys.argv[1]}")


if __name__ == "__main__":
    main()
