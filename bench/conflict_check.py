"""Benchmark: one conflict check against 100,000 names held (contacts and parties), with
known near-duplicates planted, on a database of its own.

It migrates DATABASE_URL (default: a fresh SQLite file in a temporary directory), writes
CONTACTS contacts and PARTIES parties with generated British names (each tenth contact
with an organisation), builds the conflict index, then runs the check for enquiries that
are near-duplicates of a held name (title added, transposed, initial, accent, misspelt,
"Limited" for "Ltd") and for ones that match nothing, and prints the time per check
(p50/p95/max) and whether every planted duplicate was found.

    python bench/conflict_check.py --contacts 50000 --parties 50000 --checks 40
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lt_compliance python bench/conflict_check.py
"""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

FIRST = ("James Oliver Harry Jack George Noah Charlie Jacob Alfie Freddie Olivia Amelia "
         "Isla Ava Emily Sophia Grace Mia Poppy Ella Mohammed Aisha Priya Rhys Siobhan "
         "Callum Eilidh Dafydd Niamh Zofia").split()  # fmt: skip
LAST = ("Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts "
        "Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris "
        "Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee "
        "King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price "
        "Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell "
        "Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh "
        "Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain "
        "Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell"
        ).split()  # fmt: skip


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=50_000)
    parser.add_argument("--parties", type=int, default=50_000)
    parser.add_argument("--checks", type=int, default=40)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="leadtrack-bench-conflicts-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "leadtrack.settings",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-secret-key"),
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            "LEADTRACK_VAR_DIR": str(workdir / "var"),
            "EMAIL_URL": f"filemail://{workdir / 'mail'}",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from compliance.models import ConflictIndexEntry, Party
    from compliance.services import conflict_check_run, conflict_index_rebuild
    from leads.models import Contact, Lead

    call_command("migrate", verbosity=0)
    for model in (Party, Lead, Contact, ConflictIndexEntry):
        model.objects.all().delete()
    rng = random.Random(18)  # noqa: S311 - test data, not secrets

    def name() -> str:
        return f"{rng.choice(FIRST)} {rng.choice(LAST)}-{rng.choice(LAST)}"

    started = time.perf_counter()
    contacts = [
        Contact(
            name=name(),
            email=f"person{i}@example{i % 500}.co.uk",
            organisation=f"{rng.choice(LAST)} {rng.choice(LAST)} Ltd" if i % 10 == 0 else "",
        )
        for i in range(args.contacts)
    ]
    Contact.objects.bulk_create(contacts, batch_size=5000)
    holder = Contact.objects.create(name="Bench Holder", email="holder@bench.example")
    now = timezone.now()
    holding_lead = Lead.objects.create(
        channel="api", arrived_at=now, contact=holder, reference="LD-BENCH-1"
    )
    Party.objects.bulk_create(
        [Party(lead=holding_lead, name=name()) for _ in range(args.parties)], batch_size=5000
    )
    # The planted names, and the enquiries that nearly duplicate them.
    planted = [
        ("Genevieve Okonkwo-Barraclough", "Mrs Genevieve Okonkwo-Barraclough"),
        ("Tarquin Fennimore-Whitcombe", "Fennimore-Whitcombe Tarquin"),
        ("Bartholomew Quennell", "B. Quennell"),
        ("Zoë Featherstonehaugh", "Zoe Featherstonehaugh"),
        ("Maximilian Oyelaran", "Maximillian Oyelaran"),
    ]
    Party.objects.bulk_create([Party(lead=holding_lead, name=held) for held, _ in planted])
    count = conflict_index_rebuild()
    print(f"Loaded {args.contacts:,} contacts and {args.parties + len(planted):,} parties "
          f"({count:,} names indexed) in {time.perf_counter() - started:.1f} s")  # fmt: skip

    enquiries = [searched for _, searched in planted] + [
        f"{rng.choice(FIRST)} Nobody{i}" for i in range(args.checks - len(planted))
    ]
    timings, found = [], 0
    for i, enquirer in enumerate(enquiries):
        contact = Contact.objects.create(name=enquirer, email=f"enquirer{i}@bench{i}.example")
        lead = Lead.objects.create(
            channel="api", arrived_at=now, contact=contact, reference=f"LD-BENCH-E{i}"
        )
        begun = time.perf_counter()
        check = conflict_check_run(lead=lead)
        timings.append((time.perf_counter() - begun) * 1000)
        if i < len(planted):
            matched = [m.matched_name for m in check.matches.all()]
            hit = planted[i][0] in matched
            found += hit
            print(f"  {enquirer!r}: {'found' if hit else 'MISSED'} {planted[i][0]!r} "
                  f"({len(matched)} matches, {timings[-1]:.1f} ms)")  # fmt: skip
    print(
        f"{len(timings)} checks against {count:,} names on {django.db.connection.vendor}: "
        f"p50 {percentile(timings, 0.5):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms, "
        f"max {max(timings):.1f} ms; planted near-duplicates found: {found}/{len(planted)}"
    )


if __name__ == "__main__":
    main()
