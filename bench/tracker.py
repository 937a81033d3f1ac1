"""Benchmark the tracker at scale: the lead list, the dashboard and each report.

Loads N leads with their timelines (``generate_demo_data``) into the database named by
DATABASE_URL (PostgreSQL for meaningful figures), then times each page through Django's
test client as a signed-in partner: one warm-up request, then the median and worst of
``--repeat`` requests, with the number of SQL queries per page. Results are printed and
written to ``bench/results/tracker.json``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_tracker \\
        python bench/tracker.py --leads 1000000

Targets (issues 8 and 16): lead list, dashboard and pipeline board under 300 ms (My
day likewise, timed as the owner with the most open follow-ups), each report under 1 s.
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


def pages() -> list[tuple[str, str, str]]:
    """(name, kind, url) of every page timed."""
    items = [
        ("Lead list", "list", "/admin/leads/lead/"),
        ("Lead list: Awaiting first contact", "list", "/admin/leads/lead/?view=awaiting"),
        ("Lead list: Tier A open", "list", "/admin/leads/lead/?view=tier_a_open"),
        ("Lead list: status Won", "list", "/admin/leads/lead/?status__exact=won"),
        ("Lead list: search by phone", "list", "/admin/leads/lead/?q=020+7946+0123"),
        ("Lead list: sorted by owner", "list", "/admin/leads/lead/?o=7"),
        ("Dashboard", "dashboard", "/admin/"),
        ("Pipeline board", "board", "/admin/board/"),
        ("Pipeline board: tier A", "board", "/admin/board/?tier=A"),
        ("Pipeline board: practice area 1", "board", "/admin/board/?area=1"),
        ("My day (the owner with most open follow-ups)", "my_day", "/admin/my-day/"),
    ]
    for report in REPORTS.values():
        items.append(
            (f"Report: {report.title} (90 days)", "report", f"/admin/reports/{report.slug}/")
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
    board's overdue marks read real rows."""
    if FollowUp.objects.exists():
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
                guidance="Benchmark follow-up.",
            )
        )
    FollowUp.objects.bulk_create(batch, batch_size=5000)
    print(f"{len(batch):,} follow-ups for open leads in {time.time() - now:.0f} s")


def time_page(client: Client, url: str, repeat: int) -> dict:
    with CaptureQueriesContext(connection) as captured:  # warm-up, counting queries
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    queries = len(captured.captured_queries)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return {
        "median_ms": round(statistics.median(timings), 1),
        "max_ms": round(max(timings), 1),
        "queries": queries,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=0, help="Generate this many leads first.")
    parser.add_argument("--repeat", type=int, default=5)
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
    # My day is a person's own: timed as whoever holds the most open follow-ups.
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
        "pages": {},
    }
    print(
        f"{results['leads']:,} leads, {results['activities']:,} timeline entries "
        f"on {connection.vendor}"
    )
    print(f"{'page':55} {'median':>9} {'max':>9} {'queries':>8}  target")
    for name, kind, url in pages():
        figures = time_page(owner_client if kind == "my_day" else client, url, args.repeat)
        figures["target_ms"] = TARGET_MS[kind]
        figures["met"] = figures["median_ms"] < TARGET_MS[kind]
        results["pages"][name] = figures
        print(
            f"{name:55} {figures['median_ms']:>7.0f}ms {figures['max_ms']:>7.0f}ms "
            f"{figures['queries']:>8}  <{TARGET_MS[kind]} ms {'ok' if figures['met'] else 'MISSED'}"
        )
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
        figures = time_page(client, url, args.repeat)
        figures["target_ms"] = TARGET_MS[kind]
        figures["met"] = figures["median_ms"] < TARGET_MS[kind]
        results["pages"][name] = figures
        print(
            f"{name:55} {figures['median_ms']:>7.0f}ms {figures['max_ms']:>7.0f}ms "
            f"{figures['queries']:>8}  <{TARGET_MS[kind]} ms {'ok' if figures['met'] else 'MISSED'}"
        )
    out = BASE_DIR / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "tracker.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
