"""Benchmark: qualification throughput (classifiers, extraction and scoring, no database)
on one core.

Run from the project folder:

    DEBUG=1 .venv/bin/python bench/qualification_throughput.py [--data development|regression|FILE]

It trains a version's classifiers on the training sets (untimed: that happens once, when
a version is made), stores them as bytes as a version does, then pins itself to one CPU
core and times what a freshly started worker does: loading the classifiers from their
bytes, and its first enquiry. Then it warms up and times reading and scoring
(``Reader.assess``: classifiers, ``extract``, ``assess``) over labelled enquiries
(typical enquiries: the regression set, or the set named by ``--data``) and over a 100 KB
enquiry (a long email with a pasted document), and prints milliseconds per enquiry
(mean, median, 95th percentile) as CPU time of the process (what one core spends,
unaffected by other processes) and as wall time (affected by whatever else the machine
is doing). Targets: under 5 ms for a typical enquiry, under 50 ms for a 100 KB one, and
a first call after start-up that does not cost seconds.
"""

import argparse
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadtrack.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

import django  # noqa: E402

django.setup()

from qualification import corpus, learning  # noqa: E402
from qualification.demo import OUT_OF_SCOPE, PRACTICE_AREAS  # noqa: E402
from qualification.extraction import AreaSpec, Enquiry  # noqa: E402
from qualification.scoring import Rules  # noqa: E402
from qualification.selectors import Reader  # noqa: E402

AREAS = tuple(
    AreaSpec(
        id=number,
        slug=slug,
        name=name,
        keywords=tuple(keywords.split("\n")),
        fee_low=Decimal(low),
        fee_high=Decimal(high),
        accepts_work=slug not in OUT_OF_SCOPE,
    )
    for number, (name, slug, low, high, keywords) in enumerate(PRACTICE_AREAS, start=1)
)
RULES = Rules(version=1)
PARAGRAPH = (
    "Further to my earlier note, the contract dated 3 March 2025 sets out the payment "
    "terms. The supplier has invoiced £12,500 which we dispute; the hearing is on 12 "
    "March and we need advice by Friday. I am the finance director of Acme Widgets Ltd "
    "(120 employees). Please see the schedule below for the full chronology.\n"
)


def big_enquiry_text() -> str:
    """The 100 KB enquiry: a long email with a pasted document full of dates and sums."""
    return (PARAGRAPH * (102_400 // len(PARAGRAPH) + 1))[:102_400]


def timings(
    reader: Reader, enquiries: list[Enquiry], rounds: int
) -> tuple[list[float], list[float]]:
    """Per enquiry: CPU time of this process (what one core spends) and wall time."""
    cpu, wall = [], []
    for _ in range(rounds):
        for enquiry in enquiries:
            start_cpu, start_wall = time.process_time(), time.perf_counter()
            reader.assess(enquiry)
            cpu.append((time.process_time() - start_cpu) * 1000)
            wall.append((time.perf_counter() - start_wall) * 1000)
    return cpu, wall


def report(label: str, measured: tuple[list[float], list[float]]) -> None:
    for clock, values in zip(("cpu", "wall"), measured, strict=True):
        values = sorted(values)
        p95 = values[max(0, int(len(values) * 0.95) - 1)]
        print(
            f"{label:<32} {clock:<4} n={len(values):>5}  mean {statistics.mean(values):6.2f} ms  "
            f"median {statistics.median(values):6.2f} ms  p95 {p95:6.2f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data",
        default="regression",
        help="The typical enquiries timed: development, regression (default), held-out (the "
        "integrator's, once per version) or the path of a YAML file in either corpus format.",
    )
    options = parser.parse_args()
    examples = corpus.training_examples()
    blob, digest = learning.dump(learning.train(examples))
    learning._LOADED.clear()  # as in a process that has just started
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    typical = [item.enquiry for item in corpus.read_labelled(corpus.dataset_path(options.data))]
    big_text = big_enquiry_text()
    big = [
        Enquiry(message=big_text, subject="Breach of contract", arrived_at=typical[0].arrived_at)
    ]

    start_cpu, start_wall = time.process_time(), time.perf_counter()
    classifiers = learning.load(blob, digest)
    loaded_cpu, loaded_wall = time.process_time(), time.perf_counter()
    reader = Reader(areas=AREAS, rules=RULES, classifiers=classifiers)
    reader.assess(typical[0])
    first_cpu, first_wall = time.process_time(), time.perf_counter()
    print(f"Python {sys.version.split()[0]}, one core, {len(typical)} enquiries ({options.data})")
    print(
        f"classifiers: {len(examples)} training examples, {len(blob) // 1024} KB stored; "
        f"loading {1000 * (loaded_cpu - start_cpu):.1f} ms cpu "
        f"({1000 * (loaded_wall - start_wall):.1f} ms wall), first enquiry after it "
        f"{1000 * (first_cpu - loaded_cpu):.1f} ms cpu "
        f"({1000 * (first_wall - loaded_wall):.1f} ms wall)"
    )
    timings(reader, typical, 3)  # warm up caches (stems, matcher, bank holidays)
    timings(reader, big, 2)
    print(f"load average before the run: {os.getloadavg()[0]:.2f}")
    rounds = max(1, 1740 // len(typical))  # about 1,740 timed reads whatever the set's size
    report(f"typical enquiry ({Path(str(options.data)).stem})", timings(reader, typical, rounds))
    report("100 KB enquiry", timings(reader, big, 50))
    print(f"load average after the run: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
