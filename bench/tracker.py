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
        ("Dashboard", "dashboard", "/admin/"),
        ("Pipeline board", "board", "/admin/board/"),
        ("Pipeline board: tier A", "board", "/admin/board/?tier=A"),
        ("Pipeline board: practice area 1", "board", "/admin/board/?area=1"),
    ]
    if owner_id is not None:
        items.append(
            ("Pipeline board: the busiest owner", "board", f"/admin/board/?owner={owner_id}")
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
    args = parser.parse_args()
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
