"""DjangoCRM beside Leadtrack: the admin lead list of each at 100,000 leads on SQLite.

Issue 19 compares Leadtrack's lead list with DjangoCRM's (PyPI ``django-crm-admin``
3.1.0), a CRM built on the Django admin. This script sets DjangoCRM up on SQLite as its
installation guide says (its own ``webcrm.settings``, ``manage.py setupdata``: migrate,
its fixtures and its users), adds sales managers and 100,000 of its own ``Lead`` rows
with realistic fields, and times its admin changelist (a superuser, 100 rows a page, its
default) beside Leadtrack's, the two requested alternately in one run.

DjangoCRM needs Python 3.12 and Django 6.0, so it lives in its own virtualenv, never in
Leadtrack's. Install it (its ``mysqlclient`` dependency is for MySQL only and needs the
MySQL client headers, so it is left out; Pillow, which its image fields need, is not
among its requirements)::

    python3.12 -m venv /work/djangocrm-venv
    pip download --no-deps django-crm-admin==3.1.0 -d /tmp/djangocrm
    unzip -p /tmp/djangocrm/django_crm_admin-3.1.0-py3-none-any.whl \\
        'django_crm_admin-3.1.0.dist-info/METADATA' \\
        | sed -n 's/^Requires-Dist: //p' | grep -v mysqlclient > /tmp/djangocrm/req.txt
    /work/djangocrm-venv/bin/pip install -r /tmp/djangocrm/req.txt
    /work/djangocrm-venv/bin/pip install --no-deps django-crm-admin==3.1.0
    /work/djangocrm-venv/bin/pip install Pillow

Then, from Leadtrack's checkout::

    # DjangoCRM's database (about 2 minutes):
    /work/djangocrm-venv/bin/python bench/djangocrm.py setup --data /work/perfsqlite-data
    # Leadtrack's, freshly generated, nobody running ANALYZE:
    DATABASE_URL=sqlite:////work/perfsqlite-data/leadtrack-fresh.sqlite3 \\
        .venv/bin/python manage.py migrate
    ... manage.py load_demo_firm && manage.py generate_demo_data --leads 100000
    # Both lists, alternately (the driver runs either Python):
    .venv/bin/python bench/djangocrm.py compare --data /work/perfsqlite-data \\
        --djangocrm-python /work/djangocrm-venv/bin/python

``compare`` starts one timing process for DjangoCRM (``serve``, in its virtualenv), one
for Leadtrack on the fresh file and one on a copy of it analysed in full (``ANALYZE``
without a limit), through ``bench/tracker.py --list-worker``. Each request goes through
Django's test client in its own process with ``DEBUG`` off: one warm-up per page, then
rounds in which each process times each page once, in turn. It prints the median of the
rounds for each page and process, the SQL queries of each page, Leadtrack's time as a
fraction of DjangoCRM's (target: at most 0.2) and the fresh file against the analysed one
(target: within 10%), with the load average before and after, and writes
``bench/results/djangocrm.json``.
"""

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SETTINGS_MODULE = "djangocrm_bench_settings"
SETTINGS_TEXT = '''"""DjangoCRM's settings on a SQLite file (written by bench/djangocrm.py)."""
from webcrm.settings import *  # noqa: F403

DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": {name!r}}}}}
DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LANGUAGE_CODE = "en"
'''
DJANGOCRM_DB = "djangocrm.sqlite3"
LEADTRACK_FRESH_DB = "leadtrack-fresh.sqlite3"
LEADTRACK_ANALYSED_DB = "leadtrack-analysed.sqlite3"
DJANGOCRM_LIST = "/en/456-admin/crm/lead/"
# The search term, the same on both sides: a surname both generators use.
SEARCH_TERM = "Hartley"
SALES_MANAGERS = 12

FIRST_NAMES = ["Rachel", "Mark", "Priti", "Ben", "Aisha", "Tom", "Chloe", "Daniel", "Megan"]
LAST_NAMES = ["Turner", "Ellis", "Patel", "Hartley", "Khan", "Walker", "Evans", "Jones", "Reid"]
CITIES = ["London", "Manchester", "Leeds", "Bristol", "Birmingham", "Cardiff", "Glasgow"]
SUBJECTS = [
    "Buying a flat in {city}: conveyancing quote please",
    "Employment tribunal claim, need advice this week",
    "Probate for my late father's estate",
    "Commercial lease renewal for our {city} office",
    "Year-end accounts and corporation tax return",
    "Divorce and arrangements for the children",
]


def django_setup(data: Path) -> None:
    sys.path.insert(0, str(data))
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    import django

    django.setup()


def setup(data: Path, leads: int, seed: int) -> None:
    """DjangoCRM as its guide says (settings, ``setupdata``), then owners and leads."""
    data.mkdir(parents=True, exist_ok=True)
    db = data / DJANGOCRM_DB
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    (data / f"{SETTINGS_MODULE}.py").write_text(SETTINGS_TEXT.format(name=str(db)))
    django_setup(data)
    from crm.models import Country, Lead, LeadSource
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.utils import timezone

    started = time.perf_counter()
    call_command("setupdata")
    department = Group.objects.filter(department__isnull=False).order_by("pk").first()
    managers = Group.objects.filter(name__in=["managers", "co-workers"])
    owners = []
    rng = random.Random(seed)
    for index in range(SALES_MANAGERS):
        first, last = FIRST_NAMES[index % 9], LAST_NAMES[(index * 5) % 9]
        user = User.objects.create_user(
            f"sales{index + 1}",
            f"sales{index + 1}@example.com",
            "bench-password",
            first_name=first,
            last_name=last,
            is_staff=True,
        )
        user.groups.add(*managers, department)
        owners.append(user)
    countries = list(Country.objects.all()[:20]) or [None]
    sources = list(LeadSource.objects.all()) or [None]
    now = timezone.now()
    batch = []
    for number in range(leads):
        first, last, city = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), rng.choice(CITIES)
        company = "" if rng.random() < 0.6 else f"{last} {rng.choice(['Ltd', 'LLP', 'plc'])}"
        batch.append(
            Lead(
                first_name=first,
                last_name=last,
                email=f"enquirer{number}@example.com",
                phone=f"+4420794{number % 100000:05d}",
                mobile=f"+447700{number % 1000000:06d}",
                company_name=company,
                company_email=f"office{number}@example.org" if company else "",
                city_name=city,
                country=rng.choice(countries),
                lead_source=rng.choice(sources),
                description=rng.choice(SUBJECTS).format(city=city),
                address=f"{rng.randint(1, 200)} High Street, {city}",
                owner=None if rng.random() < 0.05 else rng.choice(owners),
                department=department,
                disqualified=rng.random() < 0.1,
                creation_date=now - timezone.timedelta(minutes=(leads - number) * 10),
            )
        )
        if len(batch) == 5000:
            Lead.objects.bulk_create(batch)
            batch = []
    Lead.objects.bulk_create(batch)
    print(f"DjangoCRM: {Lead.objects.count():,} leads in {time.perf_counter() - started:.0f} s")


def serve(data: Path) -> None:
    """Time DjangoCRM's pages on request: one JSON line in (``{"url": ...}``), one out."""
    django_setup(data)
    from crm.models import Lead
    from django.contrib.auth.models import User
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(User.objects.filter(is_superuser=True).order_by("pk").first())
    busiest = (
        Lead.objects.exclude(owner=None)
        .values("owner")
        .annotate(n=Count("pk"))
        .order_by("-n", "owner")
        .values_list("owner", flat=True)
        .first()
    )
    pages = {
        "first page": DJANGOCRM_LIST,
        "search": f"{DJANGOCRM_LIST}?q={SEARCH_TERM}",
        "owner filter": f"{DJANGOCRM_LIST}?owner={busiest}",
    }
    worker_loop(client, connection, CaptureQueriesContext, pages)


def worker_loop(client, connection, capture, pages: dict[str, str]) -> None:
    """The timing protocol shared with ``bench/tracker.py --list-worker``: first a line
    naming the pages, then for each request line the page's time, queries and status."""
    print(json.dumps({"pages": pages}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        url = pages[request["page"]]
        with capture(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        body = response.content
        print(
            json.dumps(
                {
                    "ms": round(elapsed, 1),
                    "queries": len(captured.captured_queries),
                    "status": response.status_code,
                    "rows": body.count(b'name="_selected_action"'),
                }
            ),
            flush=True,
        )


class Worker:
    """One timing process, asked for one page at a time."""

    def __init__(self, name: str, command: list[str], env: dict[str, str]):
        self.name = name
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreters and script)
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, **env},
            cwd=BASE_DIR,
        )
        self.pages = json.loads(self._line())["pages"]

    def _line(self) -> str:
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"{self.name}: the timing process ended")
            if line.startswith("{"):
                return line

    def time(self, page: str) -> dict:
        self.process.stdin.write(json.dumps({"page": page}) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self._line())
        if answer["status"] != 200:
            raise RuntimeError(f"{self.name}: {page} answered {answer['status']}")
        return answer

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


def analysed_copy(data: Path, fresh: Path) -> Path:
    """A copy of the fresh Leadtrack file, analysed in full (no analysis limit)."""
    analysed = data / LEADTRACK_ANALYSED_DB
    with sqlite3.connect(fresh) as source:
        source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(fresh, analysed)
    with sqlite3.connect(analysed) as copy:
        started = time.perf_counter()
        copy.execute("PRAGMA analysis_limit=0")
        copy.execute("ANALYZE")
        print(f"Full ANALYZE of the copy: {time.perf_counter() - started:.1f} s")
    return analysed


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def compare(data: Path, djangocrm_python: str, rounds: int, fresh: Path) -> None:
    analysed = analysed_copy(data, fresh)
    tracker = [sys.executable, str(BASE_DIR / "bench" / "tracker.py"), "--list-worker"]
    leadtrack_env = {"DEBUG": "1", "AXES_ENABLED": "false", "EMAIL_URL": "memorymail://"}
    workers = [
        Worker(
            "DjangoCRM",
            [djangocrm_python, str(Path(__file__).resolve()), "serve", "--data", str(data)],
            {},
        ),
        Worker(
            "Leadtrack (fresh)",
            tracker,
            {**leadtrack_env, "DATABASE_URL": f"sqlite:///{fresh}"},
        ),
        Worker(
            "Leadtrack (analysed)",
            tracker,
            {**leadtrack_env, "DATABASE_URL": f"sqlite:///{analysed}"},
        ),
    ]
    pages = list(workers[0].pages)
    load_before = load_average()
    timings = {worker.name: {page: [] for page in pages} for worker in workers}
    queries, rows = {}, {}
    for worker in workers:  # warm-up: templates, caches, the page's file pages
        for page in pages:
            answer = worker.time(page)
            queries.setdefault(worker.name, {})[page] = answer["queries"]
            rows.setdefault(worker.name, {})[page] = answer["rows"]
    for _ in range(rounds):
        for page in pages:
            for worker in workers:
                timings[worker.name][page].append(worker.time(page)["ms"])
    load_after = load_average()
    for worker in workers:
        worker.close()

    medians = {
        name: {page: statistics.median(values) for page, values in by_page.items()}
        for name, by_page in timings.items()
    }
    print(f"Load average {load_before} before, {load_after} after; {rounds} rounds.")
    print(f"{'page':14} {'process':22} {'median':>9} {'worst':>9} {'queries':>8} {'rows':>5}")
    for page in pages:
        for worker in workers:
            values = timings[worker.name][page]
            print(
                f"{page:14} {worker.name:22} {medians[worker.name][page]:>7.0f}ms "
                f"{max(values):>7.0f}ms {queries[worker.name][page]:>8} "
                f"{rows[worker.name][page]:>5}"
            )
    ratios = {}
    for page in pages:
        crm = medians["DjangoCRM"][page]
        fresh = medians["Leadtrack (fresh)"][page]
        analysed_ms = medians["Leadtrack (analysed)"][page]
        ratios[page] = {
            "fresh_to_djangocrm": round(fresh / crm, 3),
            "analysed_to_djangocrm": round(analysed_ms / crm, 3),
            "fresh_to_analysed": round(fresh / analysed_ms, 3),
        }
        print(
            f"{page:14} Leadtrack fresh / DjangoCRM {fresh / crm:.2f} (target <= 0.2), "
            f"fresh / analysed {fresh / analysed_ms:.2f} (target <= 1.10)"
        )
    out = BASE_DIR / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "djangocrm.json").write_text(
        json.dumps(
            {
                "load_average": {"before": load_before, "after": load_after},
                "rounds": rounds,
                "pages": {name: workers_page for name, workers_page in workers[0].pages.items()},
                "leadtrack_pages": workers[1].pages,
                "median_ms": medians,
                "worst_ms": {
                    name: {page: max(values) for page, values in by_page.items()}
                    for name, by_page in timings.items()
                },
                "queries": queries,
                "rows": rows,
                "ratios": ratios,
            },
            indent=2,
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["setup", "serve", "compare"])
    parser.add_argument("--data", type=Path, default=Path("/work/perfsqlite-data"))
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--djangocrm-python", default="/work/djangocrm-venv/bin/python")
    parser.add_argument(
        "--leadtrack-db",
        type=Path,
        help=f"Leadtrack's SQLite file (default: DATA/{LEADTRACK_FRESH_DB})",
    )
    args = parser.parse_args()
    if args.command == "setup":
        setup(args.data, args.leads, args.seed)
    elif args.command == "serve":
        serve(args.data)
    else:
        fresh = args.leadtrack_db or args.data / LEADTRACK_FRESH_DB
        compare(args.data, args.djangocrm_python, args.rounds, fresh)


if __name__ == "__main__":
    main()
