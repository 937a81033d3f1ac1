"""Pipeline velocity: how long leads spend in each status and from arrival to won or
lost, per tier (or practice area), and the funnel of how far leads get.

Time in a status and the funnel come from the status periods (``leads.StatusPeriod``):
``lead_change_status`` records, with each ``status_changed`` timeline entry, the status it
ended, its length in seconds and the forward stage the change led to, with the lead's
arrival copied. The periods of the leads that arrived in the range are one range of the
table's covering index, read without touching the table or parsing JSON. Both tables are
one SQL query (percentiles differ by vendor), for PostgreSQL and SQLite alike: the medians
grouped by the report's group, the funnel from each lead's furthest stage, all counted in
the database.
"""

from typing import Any

from django.db import connection
from django.db.models import Count, F, Q

from leads.choices import Status
from leads.models import StatusPeriod
from leads.statuses import FORWARD_PATH
from leadtrack.reports.base import (
    PRACTICE_AREA,
    TIER,
    Column,
    Report,
    ReportResult,
    duration_column,
    grouped,
    percent_column,
    rate,
)
from leadtrack.reports.charts import Series, bar_chart
from leadtrack.reports.expressions import SQLITE_PERCENTILE, Percentile, SecondsBetween

OPEN_PATH = [status for status in FORWARD_PATH if status != Status.WON]

MEDIAN_SQL = {
    "postgresql": "percentile_cont(0.5) WITHIN GROUP (ORDER BY {value})",
    "sqlite": SQLITE_PERCENTILE + "({value}, 0.5)",
}


def _median(value: str) -> str:
    try:
        template = MEDIAN_SQL[connection.vendor]
    except KeyError as exc:
        raise NotImplementedError(
            f"The velocity report runs on PostgreSQL and SQLite, not {connection.vendor}."
        ) from exc
    return template.format(value=value)


def _scoped(leads) -> tuple[str, tuple]:
    return leads.values(grp=F("_group"), lead_id=F("pk")).query.sql_with_params()


def _periods(filters) -> tuple[str, tuple]:
    """The status periods of the leads that arrived in the range, by the copy of their
    arrival (one range of the covering index). A period that ended before the range began
    (only a lead merged in can have one) is left out, as the report always has."""
    periods = StatusPeriod.objects.filter(
        lead_arrived_at__gte=filters.start,
        lead_arrived_at__lt=filters.end,
        ended_at__gte=filters.start,
    )
    return (
        periods.order_by().values("lead_id", "status", "seconds", "stage").query.sql_with_params()
    )


class VelocityReport(Report):
    slug = "velocity"
    title = "Pipeline velocity by tier"
    description = (
        "Leads that arrived in the period: how long they took from arrival to won or lost, "
        "the median time spent in each status (from the timeline), and the funnel of how "
        "far they got along new → assigned → contacted → meeting → proposal → won."
    )

    @property
    def dimensions(self):
        return (
            TIER,
            PRACTICE_AREA,
        )

    columns = [
        Column("leads", "Leads"),
        Column("won", "Won"),
        Column("lost", "Lost or disqualified"),
        Column("open", "Still open"),
        duration_column("to_won", "Arrival to won (median)"),
        duration_column("to_lost", "Arrival to lost (median)"),
    ]

    def rows(self, *, leads, filters, user):
        closed_seconds = SecondsBetween("arrived_at", "closed_at")
        lost = Q(status__in=[Status.LOST, Status.DISQUALIFIED])
        rows = grouped(
            leads,
            dimension=filters.dimension,
            filters=filters,
            leads=Count("pk"),
            won=Count("pk", filter=Q(status=Status.WON)),
            lost=Count("pk", filter=lost),
            to_won=Percentile(closed_seconds, 0.5, filter=Q(status=Status.WON)),
            to_lost=Percentile(closed_seconds, 0.5, filter=lost),
        )
        for row in rows:
            row["open"] = row["leads"] - row["won"] - row["lost"]
        return rows

    def _grouped_leads(self, leads, filters):
        values = filters.dimension.group_values(filters)
        expression = values["group"]
        return leads.annotate(_group=F(expression) if isinstance(expression, str) else expression)

    def timeline_tables(self, *, leads, filters, total: int) -> tuple[ReportResult, ReportResult]:
        """Median time in each open status per group, and the funnel of the ``total`` leads
        in the range: one query over the range's status periods."""
        scoped_sql, params = _scoped(self._grouped_leads(leads, filters))
        # One median per open status, each over its own periods, grouped by the report's
        # groups only.
        medians = ", ".join(
            _median("p.seconds") + f" FILTER (WHERE p.status = '{status}')" for status in OPEN_PATH
        )
        empty = ", ".join("NULL" for _ in OPEN_PATH[1:])
        periods_sql, periods_params = _periods(filters)
        sql = f"""
            WITH scoped AS ({scoped_sql}), periods AS ({periods_sql})
            SELECT 'status', s.grp, NULL, {medians}
            FROM periods p JOIN scoped s ON s.lead_id = p.lead_id GROUP BY s.grp
            UNION ALL
            SELECT 'stage', NULL, furthest.stage, COUNT(*), {empty} FROM (
                SELECT p.lead_id, COALESCE(MAX(p.stage), 0) AS stage
                FROM periods p GROUP BY p.lead_id
            ) furthest
            WHERE furthest.lead_id IN (SELECT s.lead_id FROM scoped s)
            GROUP BY furthest.stage
        """  # noqa: S608 (the interpolated parts are fixed SQL; values are parameters)
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *periods_params])
            results = cursor.fetchall()
        by_group: dict[Any, dict[str, Any]] = {}
        furthest: dict[int, int] = {}
        for part, group, stage, *values in results:
            if part == "status":
                row = by_group.setdefault(group, {"group": group})
                row.update(zip((status.value for status in OPEN_PATH), values, strict=True))
            else:
                furthest[stage] = int(values[0])
        return (
            self._time_in_status(by_group, filters),
            self._funnel(furthest, total),
        )

    def _time_in_status(self, by_group: dict[Any, dict[str, Any]], filters) -> ReportResult:
        rows = []
        for group, row in by_group.items():
            row["label"] = filters.dimension.display({"group": group})
            rows.append(row)
        rows.sort(key=lambda row: row["label"])
        return ReportResult(
            columns=[
                duration_column(status.value, f"In {status.label.lower()}") for status in OPEN_PATH
            ],
            rows=rows,
            chart="",
            title="Median time in each status",
            label_heading=filters.dimension.label,
        )

    def _funnel(self, furthest: dict[int, int], total: int) -> ReportResult:
        """A lead reached every stage up to the furthest it got to; every lead reached
        the first (leads without a change since arriving are still new)."""
        rows = []
        for index, status in enumerate(FORWARD_PATH):
            reached = total if index == 0 else sum(n for k, n in furthest.items() if k >= index)
            rows.append({"label": status.label, "reached": reached, "share": rate(reached, total)})
        return ReportResult(
            columns=[Column("reached", "Leads reaching it"), percent_column("share", "Of all")],
            rows=rows,
            chart="",
            title="Funnel",
            label_heading="Stage",
        )

    def run(self, *, user, filters):
        result = super().run(user=user, filters=filters)
        leads = self.leads(user=user, filters=filters)
        # Every lead in the range is counted once in the main table's groups.
        total = sum(row["leads"] for row in result.rows)
        time_in_status, funnel = self.timeline_tables(leads=leads, filters=filters, total=total)
        result.extra_tables = [time_in_status, funnel]
        result.chart = bar_chart(
            title=f"Funnel: {filters.describe()}",
            categories=[row["label"] for row in funnel.rows],
            series=[
                Series(
                    "Leads reaching the stage",
                    [row["reached"] for row in funnel.rows],
                    lambda value: f"{value:,.0f}",
                )
            ],
        )
        return result
