"""Benchmark: qualification throughput (extraction and scoring, no database) on one core.

Run from the project folder:

    DEBUG=1 .venv/bin/python bench/qualification_throughput.py

It pins itself to one CPU core, warms up, then times ``extract`` + ``assess`` over the
labelled enquiries (typical enquiries) and over a 100 KB enquiry (a long email with a
pasted document), and prints milliseconds per enquiry (mean, median, 95th percentile) as
CPU time of the process (what one core spends, unaffected by other processes) and as
wall time (affected by whatever else the machine is doing).
Targets: under 5 ms for a typical enquiry, under 50 ms for a 100 KB one.
"""

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

from qualification.demo import OUT_OF_SCOPE, PRACTICE_AREAS  # noqa: E402
from qualification.evaluation import enquiry_of, labelled_enquiries  # noqa: E402
from qualification.extraction import AreaSpec, Enquiry, extract  # noqa: E402
from qualification.scoring import Rules, assess  # noqa: E402

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


def timings(enquiries: list[Enquiry], rounds: int) -> tuple[list[float], list[float]]:
    """Per enquiry: CPU time of this process (what one core spends) and wall time."""
    cpu, wall = [], []
    for _ in range(rounds):
        for enquiry in enquiries:
            start_cpu, start_wall = time.process_time(), time.perf_counter()
            assess(extract(enquiry, AREAS), RULES)
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
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    typical = [enquiry_of(item) for item in labelled_enquiries()]
    paragraph = (
        "Further to my earlier note, the contract dated 3 March 2025 sets out the payment "
        "terms. The supplier has invoiced £12,500 which we dispute; the hearing is on 12 "
        "March and we need advice by Friday. I am the finance director of Acme Widgets Ltd "
        "(120 employees). Please see the schedule below for the full chronology.\n"
    )
    big_text = (paragraph * (102_400 // len(paragraph) + 1))[:102_400]
    big = [enquiry_of({"message": big_text, "subject": "Breach of contract"})]

    timings(typical, 3)  # warm up caches (stems, matcher, bank holidays)
    timings(big, 2)
    print(f"Python {sys.version.split()[0]}, one core, {len(typical)} labelled enquiries")
    print(f"load average before the run: {os.getloadavg()[0]:.2f}")
    report("typical enquiry (labelled set)", timings(typical, 20))
    report("100 KB enquiry", timings(big, 50))


if __name__ == "__main__":
    main()
