"""Benchmark the tracker at scale: the lead list, the dashboard and each report.

Loads N leads with their timelines (``generate_demo_data``) into the database named by
DATABASE_URL (PostgreSQL for meaningful figures), then times each page through Django's
test client as a signed-in partner: one warm-up request, then the median and worst of
``--repeat`` requests, with the number of SQL queries per page. Results are printed and
written to ``bench/results/tracker.json``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_tracker \\
        python bench/tracker.py --leads 1000000

Targets (issues 8, 16 and 19): lead list, dashboard and pipeline board (unfiltered, and
by owner, tier and practice area) under 300 ms (My day likewise, timed as the owner with
the most open follow-ups), each report in each of its groupings under 1 s.

The machine is usually shared, so the load average (``os.getloadavg``) is printed and
recorded before and after each page, and the lead list (the control) runs in the same
run. ``--only TEXT,TEXT`` times only the pages whose name contains one of them (the control
always runs); ``--trace`` prints each page's slowest SQL statements with their times.

    DATABASE_URL=... python bench/tracker.py --only board --trace

The lead list on SQLite (issue 19), 100 rows a page like DjangoCRM's admin list::

    DATABASE_URL=sqlite:////work/perfsqlite-data/leadtrack-fresh.sqlite3 \
        python bench/tracker.py --lead-list

times the first page, a search and an owner filter on the database as it is, then on a
copy analysed in full (``ANALYZE`` with no limit), alternately, and checks that the fresh
file is within 10% of the analysed one and that each page's query count is the same at
25, 100 and 500 rows a page; ``--list-worker`` is the timing process ``bench/djangocrm.py
compare`` runs to put the same pages beside DjangoCRM's.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadtrack.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("EMAIL_URL", "memorymail://")
os.environ.setdefault("AXES_ENABLED", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from followups.models import FollowUp  # noqa: E402
from leads.models import Activity, Lead  # noqa: E402
from leadtrack.lead_admin import LIST_COLUMNS  # noqa: E402
from leadtrack.reports import REPORTS  # noqa: E402
from leadtrack.saved_views import saved_view_save  # noqa: E402

TARGET_MS = {
    "list": 300,
    "dashboard": 300,
    "board": 300,
    "my_day": 300,
    "report": 1000,
    "page": 300,
}


CONTROL = "Lead list"
BENCH_GUIDANCE = "Benchmark follow-up."


def pages(*, owner_id: int | None) -> list[tuple[str, str, str]]:
    """(name, kind, url) of every page timed; ``owner_id`` is the owner the board is
    filtered by (the busiest)."""
    items = [
        (CONTROL, "list", "/admin/leads/lead/"),
        ("Lead list: Awaiting first contact", "list", "/admin/leads/lead/?view=awaiting"),
        ("Lead list: Tier A open", "list", "/admin/leads/lead/?view=tier_a_open"),
        ("Lead list: status Won", "list", "/admin/leads/lead/?status__exact=won"),
        ("Lead list: search by phone", "list", "/admin/leads/lead/?q=020+7946+0123"),
        ("Lead list: sorted by owner", "list", "/admin/leads/lead/?o=7"),
        ("Lead list: sorted by owner, descending", "list", "/admin/leads/lead/?o=-7"),
        ("Lead list: search by name", "list", "/admin/leads/lead/?q=patel"),
        ("Dashboard", "dashboard", "/admin/"),
        ("Pipeline board", "board", "/admin/board/"),
        ("Pipeline board: tier A", "board", "/admin/board/?tier=A"),
        ("Pipeline board: practice area 1", "board", "/admin/board/?area=1"),
    ]
    if owner_id is not None:
        items.append(
            ("Pipeline board: the busiest owner", "board", f"/admin/board/?owner={owner_id}")
        )
        items.append(
            (
                "Lead list: the busiest owner",
                "list",
                f"/admin/leads/lead/?owner__id__exact={owner_id}",
            )
        )
    items.append(("My day (the owner with most open follow-ups)", "my_day", "/admin/my-day/"))
    for report in REPORTS.values():
        for index, dimension in enumerate(report.dimensions):
            suffix = "" if index == 0 else f"?group_by={dimension.key}"
            items.append(
                (
                    f"Report: {report.title}, by {dimension.label.lower()} (90 days)",
                    "report",
                    f"/admin/reports/{report.slug}/{suffix}",
                )
            )
    items.append(
        (
            "Report: Response time by owner (365 days)",
            "report",
            "/admin/reports/response-time/?group_by=owner&arrived_from="
            + time.strftime("%Y-%m-%d", time.localtime(time.time() - 365 * 86400)),
        )
    )
    return items


def followups_for_open_leads() -> None:
    """Give each open lead with an owner an open follow-up due at its next action (the
    generator writes leads and timelines, not obligations), once, so My day and the
    board's overdue marks read real rows. (The demo firm's own few follow-ups do not
    count: checking for any follow-up at all skipped this on every database.)"""
    if FollowUp.objects.filter(guidance=BENCH_GUIDANCE).exists():
        return
    now = time.time()
    rows = Lead.objects.filter(
        status__in=["new", "assigned", "contacted", "meeting", "proposal"],
        owner__isnull=False,
        merged_into__isnull=True,
    ).values_list("pk", "owner_id", "arrived_at", "next_action_due_at")
    batch = []
    for pk, owner_id, arrived_at, due in rows.iterator(chunk_size=5000):
        due = due or arrived_at
        batch.append(
            FollowUp(
                lead_id=pk,
                owner_id=owner_id,
                stage="new",
                kind="call",
                due_at=due,
                next_escalation_at=None,
                guidance=BENCH_GUIDANCE,
            )
        )
    FollowUp.objects.bulk_create(batch, batch_size=5000)
    # As after any bulk load: the planner's statistics for the table written (autovacuum
    # would do it in time; it may be off on a benchmark server).
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {FollowUp._meta.db_table}")
    print(f"{len(batch):,} follow-ups for open leads in {time.time() - now:.0f} s")


def time_page(client: Client, url: str, repeat: int, *, trace: bool = False) -> dict:
    with CaptureQueriesContext(connection) as captured:  # warm-up, counting queries
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    queries = len(captured.captured_queries)
    load_before = os.getloadavg()[0]
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    figures = {
        "median_ms": round(statistics.median(timings), 1),
        "max_ms": round(max(timings), 1),
        "queries": queries,
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }
    if trace:
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:4]
        figures["slowest_sql"] = [
            {"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:300]} for q in slowest
        ]
    return figures


def report_line(name: str, kind: str, figures: dict) -> str:
    before, after = figures["load_average"]
    return (
        f"{name:62} {figures['median_ms']:>7.0f}ms {figures['max_ms']:>7.0f}ms "
        f"{figures['queries']:>8}  <{TARGET_MS[kind]} ms {'ok' if figures['met'] else 'MISSED'}"
        f"  load {before:.1f}-{after:.1f}"
    )


# ---------------------------------------------------------------------------
# The lead list on SQLite beside DjangoCRM (issue 19)
# ---------------------------------------------------------------------------

# The rows a page when compared with DjangoCRM's admin list (its default).
LIST_ROWS = 100
LIST_SEARCH_TERM = "Hartley"  # a surname both generators use (bench/djangocrm.py)
LIST_PAGE_SIZES = (25, 100, 500)
FRESH_WITHIN = 1.10  # the fresh database's list at most 10% slower than an analysed one's


def lead_list_rows(rows: int) -> None:
    """Show this many leads a page on the admin's lead list."""
    from django.contrib import admin

    admin.site._registry[Lead].list_per_page = rows


def lead_list_pages() -> dict[str, str]:
    """The three lead list pages compared with DjangoCRM's: the first page, a search and
    the owner with the most leads."""
    busiest = (
        Lead.objects.exclude(owner=None)
        .values("owner")
        .annotate(n=Count("pk"))
        .order_by("-n", "owner")
        .values_list("owner", flat=True)
        .first()
    )
    return {
        "first page": "/admin/leads/lead/",
        "search": f"/admin/leads/lead/?q={LIST_SEARCH_TERM}",
        "owner filter": f"/admin/leads/lead/?owner__id__exact={busiest}",
    }


def lead_list_client() -> Client:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DEBUG = False
    partner, _ = get_user_model().objects.get_or_create(
        username="bench.partner", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(partner)
    return client


def list_worker() -> None:
    """The timing process of ``bench/djangocrm.py compare``, on DATABASE_URL."""
    from djangocrm import worker_loop

    lead_list_rows(LIST_ROWS)
    client = lead_list_client()
    worker_loop(client, connection, CaptureQueriesContext, lead_list_pages())


def lead_list_sqlite(rounds: int) -> None:
    """The lead list on this SQLite file and on a copy analysed in full, alternately."""
    import shutil
    import sqlite3

    from djangocrm import Worker, load_average

    fresh = Path(settings.DATABASES["default"]["NAME"])
    if connection.vendor != "sqlite":
        raise SystemExit("--lead-list compares SQLite files: set DATABASE_URL to one.")
    analysed = fresh.with_name(fresh.stem + "-analysed.sqlite3")
    with sqlite3.connect(fresh) as source:
        source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(fresh, analysed)
    with sqlite3.connect(analysed) as copy:
        copy.execute("PRAGMA analysis_limit=0")
        copy.execute("ANALYZE")
    # Query counts whatever the page size, on the fresh file, in this process.
    client = lead_list_client()
    pages = lead_list_pages()
    counts = {}
    for rows in LIST_PAGE_SIZES:
        lead_list_rows(rows)
        for name, url in pages.items():
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            counts.setdefault(name, {})[rows] = len(captured.captured_queries)
    command = [sys.executable, str(Path(__file__).resolve()), "--list-worker"]
    workers = [
        Worker("fresh", command, {"DATABASE_URL": f"sqlite:///{fresh}"}),
        Worker("analysed", command, {"DATABASE_URL": f"sqlite:///{analysed}"}),
    ]
    load_before = load_average()
    timings = {worker.name: {name: [] for name in pages} for worker in workers}
    for worker in workers:
        for name in pages:
            worker.time(name)
    for _ in range(rounds):
        for name in pages:
            for worker in workers:
                timings[worker.name][name].append(worker.time(name)["ms"])
    load_after = load_average()
    for worker in workers:
        worker.close()
    print(f"{Lead.objects.count():,} leads on SQLite, {LIST_ROWS} rows a page, {rounds} rounds;")
    print(f"load average {load_before} before, {load_after} after.")
    results = {"load_average": [load_before, load_after], "pages": {}}
    for name in pages:
        fresh_ms = statistics.median(timings["fresh"][name])
        analysed_ms = statistics.median(timings["analysed"][name])
        fixed = len(set(counts[name].values())) == 1
        results["pages"][name] = {
            "fresh_ms": fresh_ms,
            "analysed_ms": analysed_ms,
            "fresh_to_analysed": round(fresh_ms / analysed_ms, 3),
            "queries_by_page_size": counts[name],
        }
        print(
            f"{name:14} fresh {fresh_ms:>5.0f} ms, analysed {analysed_ms:>5.0f} ms "
            f"({fresh_ms / analysed_ms:.2f}, target <= {FRESH_WITHIN}); queries "
            + ", ".join(f"{n} at {rows}" for rows, n in counts[name].items())
            + (" (fixed)" if fixed else " (NOT FIXED)")
        )
    out = BASE_DIR / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "tracker-lead-list-sqlite.json").write_text(json.dumps(results, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=0, help="Generate this many leads first.")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--only",
        default="",
        help="Time only the pages whose name contains one of these (comma-separated).",
    )
    parser.add_argument("--trace", action="store_true", help="Print each page's slowest SQL.")
    parser.add_argument(
        "--lead-list", action="store_true", help="The lead list on SQLite, fresh and analysed."
    )
    parser.add_argument("--list-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.list_worker:
        list_worker()
        return
    if args.lead_list:
        lead_list_sqlite(max(args.repeat, 5))
        return
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DEBUG = False  # as in production: no debug template engine or query log

    call_command("migrate", verbosity=0)
    call_command("load_demo_firm", verbosity=0)
    if args.leads:
        started = time.perf_counter()
        call_command("generate_demo_data", leads=args.leads)
        print(f"generate_demo_data --leads {args.leads}: {time.perf_counter() - started:.0f} s")

    followups_for_open_leads()
    User = get_user_model()
    partner, _ = User.objects.get_or_create(
        username="bench.partner", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(partner)
    # My day is a person's own: timed as whoever holds the most open follow-ups, and the
    # board filtered by that owner.
    busiest = (
        FollowUp.objects.filter(completed_at__isnull=True, owner__isnull=False)
        .values("owner")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    owner_client = Client()
    owner_client.force_login(User.objects.get(pk=busiest["owner"]) if busiest else partner)
    results = {
        "database": connection.vendor,
        "leads": Lead.objects.count(),
        "activities": Activity.objects.count(),
        "cpus": os.cpu_count(),
        "pages": {},
    }
    print(
        f"{results['leads']:,} leads, {results['activities']:,} timeline entries "
        f"on {connection.vendor}; load average {os.getloadavg()[0]:.2f} "
        f"on {os.cpu_count()} cores (shared: other jobs may be running)"
    )
    print(f"{'page':62} {'median':>9} {'max':>9} {'queries':>8}  target")

    def run(name: str, kind: str, url: str, who: Client) -> None:
        wanted = [part.strip().lower() for part in args.only.split(",") if part.strip()]
        if wanted and name != CONTROL and not any(part in name.lower() for part in wanted):
            return
        figures = time_page(who, url, args.repeat, trace=args.trace)
        figures["target_ms"] = TARGET_MS[kind]
        figures["met"] = figures["median_ms"] < TARGET_MS[kind]
        results["pages"][name] = figures
        print(report_line(name, kind, figures), flush=True)
        for query in figures.get("slowest_sql", []):
            print(f"    {query['ms']:>8.1f} ms  {query['sql']}")

    for name, kind, url in pages(owner_id=busiest["owner"] if busiest else None):
        run(name, kind, url, owner_client if kind == "my_day" else client)
    # A saved view with every column (the person's choice is kept in their session), then
    # the lead page of a recent lead with its conversation.
    view = saved_view_save(
        owner=partner,
        name="Bench: every column",
        query="",
        columns=list(LIST_COLUMNS),
        shared=False,
    )
    client.get(f"/admin/leads/lead/saved-views/{view.pk}/")
    later = [("Lead list: every column (saved view)", "list", "/admin/leads/lead/")]
    recent = Lead.objects.filter(merged_into__isnull=True).order_by("-arrived_at").first()
    if recent is not None:
        later.append(
            ("Lead page (a recent lead)", "page", f"/admin/leads/lead/{recent.pk}/change/")
        )
    for name, kind, url in later:
        run(name, kind, url, client)
    results["load_average_end"] = round(os.getloadavg()[0], 2)
    out = BASE_DIR / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "tracker.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
