"""The admin index as the firm's dashboard: what a partner (or a fee earner, for their
team's leads) must see at a glance, each figure a link to the filtered lead list behind it.

Every figure is one indexed query over the leads the reader may see, so the page stays
fast at a million leads.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from leads.choices import OPEN_STATUSES, ActivityKind, Status, Tier
from leads.models import Activity
from leadtrack.access import visible_leads
from leadtrack.reports.base import as_duration, as_money, as_percent
from leadtrack.reports.hours import working_calendar, working_seconds

AWAITING_SHOWN = 10
ESCALATIONS_SHOWN = 10
OPEN = sorted(OPEN_STATUSES)


def lead_list_url(**params: Any) -> str:
    """The admin lead list filtered by ``params`` (the list's own query parameters)."""
    url = reverse("admin:leads_lead_changelist")
    return f"{url}?{urlencode(params)}" if params else url


@dataclass
class Figure:
    label: str
    value: Any
    url: str
    alert: bool = False


@dataclass
class Dashboard:
    headline: list[Figure] = field(default_factory=list)
    overdue_by_owner: list[Figure] = field(default_factory=list)
    pipeline_statuses: list[dict[str, Any]] = field(default_factory=list)
    pipeline_tiers: list[str] = field(default_factory=list)
    pipeline_totals: dict[str, Any] = field(default_factory=dict)
    awaiting: list[dict[str, Any]] = field(default_factory=list)
    awaiting_url: str = ""
    escalations: list[Activity] = field(default_factory=list)
    conversion: list[dict[str, Any]] = field(default_factory=list)
    conversion_best: dict[str, Any] | None = None
    conversion_report_url: str = ""
    quarter_label: str = ""


def _owner_name(first: str | None, last: str | None, username: str | None) -> str:
    return f"{first or ''} {last or ''}".strip() or username or "(unknown)"


def dashboard_build(*, user, now: dt.datetime | None = None) -> Dashboard:
    """The dashboard's figures for this reader, as of ``now``."""
    now = now or timezone.now()
    leads = visible_leads(user).order_by()
    open_leads = leads.filter(status__in=OPEN)
    today = timezone.localdate(now)
    midnight = dt.datetime.combine(today, dt.time.min, tzinfo=timezone.get_current_timezone())
    board = Dashboard()

    new_today = leads.filter(arrived_at__gte=midnight).count()
    unowned = open_leads.filter(owner__isnull=True).count()
    awaiting_count = open_leads.filter(first_response_at__isnull=True).count()
    board.awaiting_url = lead_list_url(view="awaiting")
    board.headline = [
        Figure("New today", new_today, lead_list_url(arrived_from=today.isoformat())),
        Figure("Unowned (should be zero)", unowned, lead_list_url(view="unowned"), unowned > 0),
        Figure("Awaiting first contact", awaiting_count, board.awaiting_url, awaiting_count > 0),
    ]

    overdue = (
        open_leads.filter(next_action_due_at__lt=now)
        .values("owner", "owner__first_name", "owner__last_name", "owner__username")
        .annotate(leads=Count("pk"))
        .order_by("-leads")
    )
    for row in overdue:
        name = (
            _owner_name(row["owner__first_name"], row["owner__last_name"], row["owner__username"])
            if row["owner"]
            else "(unowned)"
        )
        if row["owner"] is None:
            params = {"view": "overdue", "owner__isnull": "True"}
        else:
            params = {"view": "overdue", "owner__id__exact": row["owner"]}
        board.overdue_by_owner.append(Figure(name, row["leads"], lead_list_url(**params), True))

    _pipeline(board, open_leads)
    _conversion_this_quarter(board, user=user, today=today)

    # Oldest first, ordered by an expression on purpose: ordered by the arrival index,
    # PostgreSQL would walk a million leads from the oldest (long closed) to find the open
    # ones; this way it takes the few open leads by status and sorts them. For these rows
    # (no first response) the expression is the arrival time.
    waiting = (
        open_leads.filter(first_response_at__isnull=True)
        .select_related("contact", "owner")
        .order_by(Coalesce("first_response_at", "arrived_at"), "pk")[:AWAITING_SHOWN]
    )
    calendar = working_calendar()
    for lead in waiting:
        board.awaiting.append(
            {
                "lead": lead,
                "url": reverse("admin:leads_lead_change", args=[lead.pk]),
                "waited": as_duration((now - lead.arrived_at).total_seconds()),
                "waited_working": as_duration(working_seconds(calendar, lead.arrived_at, now)),
            }
        )

    board.escalations = list(
        Activity.objects.filter(kind=ActivityKind.ESCALATED, lead__in=leads.values("pk"))
        .select_related("lead", "lead__owner")
        .order_by("-at")[:ESCALATIONS_SHOWN]
    )
    return board


def _pipeline(board: Dashboard, open_leads) -> None:
    """Open pipeline as a status × tier grid of counts and estimated value (one query)."""
    tiers = [*Tier.values, None]
    cells = {
        (row["status"], row["tier"]): row
        for row in open_leads.values("status", "tier").annotate(
            leads=Count("pk"), value=Sum("estimated_value")
        )
    }
    board.pipeline_tiers = [f"Tier {tier}" for tier in Tier.values] + ["Not qualified"]
    column_totals = {
        tier: {
            "leads": 0,
            "value": Decimal(0),
            "url": lead_list_url(
                view="open", **({"tier__exact": tier} if tier else {"tier__isnull": "True"})
            ),
        }
        for tier in tiers
    }
    for status in [status for status in Status if status in OPEN_STATUSES]:
        row = {"label": status.label, "cells": [], "leads": 0, "value": Decimal(0)}
        for tier in tiers:
            cell = cells.get((status.value, tier), {"leads": 0, "value": None})
            params = {"status__exact": status.value}
            params.update({"tier__exact": tier} if tier else {"tier__isnull": "True"})
            row["cells"].append(
                {
                    "leads": cell["leads"],
                    "value": cell["value"] or 0,
                    "url": lead_list_url(**params),
                }
            )
            row["leads"] += cell["leads"]
            row["value"] += cell["value"] or 0
            column_totals[tier]["leads"] += cell["leads"]
            column_totals[tier]["value"] += cell["value"] or 0
        row["url"] = lead_list_url(status__exact=status.value)
        board.pipeline_statuses.append(row)
    board.pipeline_totals = {
        "cells": [column_totals[tier] for tier in tiers],
        "leads": sum(total["leads"] for total in column_totals.values()),
        "value": sum(total["value"] for total in column_totals.values()),
        "url": lead_list_url(view="open"),
    }


def quarter_start(day: dt.date) -> dt.date:
    """The first day of ``day``'s calendar quarter (January, April, July, October)."""
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _conversion_this_quarter(board: Dashboard, *, user, today: dt.date) -> None:
    """Conversion by source for leads that arrived this quarter, best first: the
    conversion report's own query (one grouped query), each figure linked to its leads."""
    from leadtrack.reports import REPORTS

    report = REPORTS["conversion"]
    start = quarter_start(today)
    dates = {"arrived_from": start.isoformat(), "arrived_to": today.isoformat()}
    filters = report.filters(report.filter_form({**dates, "group_by": "source"}))
    rows = report.rows(leads=report.leads(user=user, filters=filters), filters=filters, user=user)
    rows.sort(key=lambda row: (-(row["conversion"] or 0), -row["won"], -row["enquiries"]))
    for row in rows:
        source = row.get("group") or ""
        board.conversion.append(
            {
                **row,
                "conversion_text": as_percent(row["conversion"]),
                "won_value_text": as_money(row["won_value"]),
                "enquiries_url": lead_list_url(source__exact=source, **dates),
                "won_url": lead_list_url(source__exact=source, status__exact="won", **dates),
            }
        )
    board.conversion_best = next((row for row in board.conversion if row["won"]), None)
    query = urlencode({**dates, "group_by": "source"})
    board.conversion_report_url = f"{reverse('admin:report', args=[report.slug])}?{query}"
    board.quarter_label = f"{start:%-d %b} to {today:%-d %b %Y}"
