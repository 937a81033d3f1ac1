"""Pipeline velocity: how long leads spend in each status and from arrival to won or
lost, per tier (or practice area), and the funnel of how far leads get.

Time in a status and the funnel come from the status periods (``leads.StatusPeriod``),
which ``lead_change_status`` writes with each ``status_changed`` timeline entry: the status
it ended, its length in seconds, the forward stage the change led to and the furthest the
lead had reached before, with the lead's arrival copied. The periods of the leads that
arrived in the range are one range of the table's covering index, read without touching
the table or parsing JSON, and joined to the report's leads once. One grouped query (by
group and status) gives both tables, all aggregation in the database, for PostgreSQL and
SQLite alike: the medians, and per stage the periods that took a lead there first (one
per lead reaching it, so the funnel needs no grouping by lead).

The report has always counted a lead's changes since the range began; only a lead merged
in can bring changes from before that. When the range's leads have any, the query runs
again with those periods left out and each lead's furthest stage since the range began
put on one of its periods (a window over each lead's periods), so the figures stay the
same.
"""

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Count, F, Q

from leads.choices import Status
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
# The stages a funnel counts beyond the first (every lead in the range reached "new").
LATER_STAGES = range(1, len(FORWARD_PATH))

VENDOR_SQL = {
    # The seconds are gathered per group and status by hashing, then each median sorts its
    # own; percentile_cont as the grouped aggregate would first sort every period by group.
    "postgresql": {
        "collect": "array_agg({value})",
        "median": "(SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v) FROM unnest({values}) v)",
    },
    "sqlite": {
        "collect": SQLITE_PERCENTILE + "({value}, 0.5)",
        "median": "{values}",
    },
}


def _sql(name: str, **parts: str) -> str:
    try:
        snippets = VENDOR_SQL[connection.vendor]
    except KeyError as exc:
        raise ImproperlyConfigured(
            f"The velocity report runs on PostgreSQL and SQLite, not {connection.vendor}: "
            "set DATABASE_URL to one of them."
        ) from exc
    return snippets[name].format(**parts)


def _scoped(leads) -> tuple[str, tuple]:
    return leads.values(grp=F("_group"), lead_id=F("pk")).query.sql_with_params()


def _periods(filters, *, since_start: bool) -> tuple[str, list]:
    """The status periods of the leads that arrived in the range, found by the copy of
    their arrival (one range of the covering index), as SQL and its parameters.

    ``since_start`` counts only what happened since the range began: the seconds of a
    period that ended before are left out, and each lead's furthest stage among the others
    is put on one of its periods (as if reached from new) for the funnel's counts."""
    start = connection.ops.adapt_datetimefield_value(filters.start)
    end = connection.ops.adapt_datetimefield_value(filters.end)
    if not since_start:
        sql = """
            SELECT p.lead_id, p.status, p.ended_at, p.seconds, p.stage,
                   p.furthest_before AS reached_before
            FROM leads_statusperiod p
            WHERE p.lead_arrived_at >= %s AND p.lead_arrived_at < %s
        """
        return sql, [start, end]
    sql = """
        SELECT p.lead_id, p.status, p.ended_at,
               CASE WHEN p.ended_at >= %s THEN p.seconds END AS seconds,
               CASE WHEN ROW_NUMBER() OVER lead = 1
                    THEN MAX(CASE WHEN p.ended_at >= %s THEN p.stage END) OVER lead
               END AS stage,
               0 AS reached_before
        FROM leads_statusperiod p
        WHERE p.lead_arrived_at >= %s AND p.lead_arrived_at < %s
        WINDOW lead AS (PARTITION BY p.lead_arrived_at, p.lead_id)
    """
    return sql, [start, start, start, end]


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
        if filters.dimension.joined:
            # Several periods join each lead here: read the group through its join
            # (PostgreSQL hashes it once), not by a per-lead subquery, which the planner
            # would run for every period.
            return leads.annotate(_group=F(filters.dimension.joined))
        values = filters.dimension.group_values(filters)
        expression = values["group"]
        return leads.annotate(_group=F(expression) if isinstance(expression, str) else expression)

    def timeline_tables(self, *, leads, filters, total: int) -> tuple[ReportResult, ReportResult]:
        """Median time in each open status per group, and the funnel of the ``total`` leads
        in the range: one grouped query over the range's status periods (two when a lead
        merged in brought changes from before the range)."""
        results = self._period_figures(leads, filters, since_start=False)
        if any(before_start for _, _, _, _, before_start, *_ in results):
            results = self._period_figures(leads, filters, since_start=True)
        by_group: dict[Any, dict[str, Any]] = {}
        reached = dict.fromkeys(LATER_STAGES, 0)
        open_statuses = {status.value for status in OPEN_PATH}
        for group, status, median, counted, _, *firsts in results:
            for stage, count in zip(LATER_STAGES, firsts, strict=True):
                reached[stage] += count
            if not counted:  # only periods from before the range began
                continue
            row = by_group.setdefault(group, {"group": group, **dict.fromkeys(open_statuses)})
            if status in open_statuses:
                row[status] = median
        return (
            self._time_in_status(by_group, filters),
            self._funnel(reached, total),
        )

    def _period_figures(self, leads, filters, *, since_start: bool) -> list[tuple]:
        """Per group and status: the median seconds, the periods counted, those that ended
        before the range began, and per later stage the periods that took a lead there
        first."""
        scoped_sql, scoped_params = _scoped(self._grouped_leads(leads, filters))
        periods_sql, periods_params = _periods(filters, since_start=since_start)
        firsts = ", ".join(
            f"COUNT(*) FILTER (WHERE p.reached_before < {stage} AND p.stage >= {stage}) "
            f"AS first_{stage}"
            for stage in LATER_STAGES
        )
        sql = f"""
            SELECT g.grp, g.status, {_sql("median", values="g.seconds")}, g.counted,
                   g.before_start, {", ".join(f"g.first_{stage}" for stage in LATER_STAGES)}
            FROM (
                SELECT s.grp AS grp, p.status AS status,
                       {_sql("collect", value="p.seconds")} AS seconds,
                       COUNT(p.seconds) AS counted,
                       COUNT(*) FILTER (WHERE p.ended_at < %s) AS before_start, {firsts}
                FROM ({periods_sql}) p JOIN ({scoped_sql}) s ON s.lead_id = p.lead_id
                GROUP BY s.grp, p.status
            ) g
        """  # noqa: S608 (the interpolated parts are fixed SQL; values are parameters)
        start = connection.ops.adapt_datetimefield_value(filters.start)
        with connection.cursor() as cursor:
            cursor.execute(sql, [start, *periods_params, *scoped_params])
            return cursor.fetchall()

    def _time_in_status(self, by_group: dict[Any, dict[str, Any]], filters) -> ReportResult:
        rows = list(by_group.values())
        filters.dimension.label_rows(rows)
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

    def _funnel(self, reached: dict[int, int], total: int) -> ReportResult:
        """How many leads reached each stage (a lead reached every stage up to the furthest
        it got to); every lead reached the first (those without a change are still new)."""
        rows = []
        for index, status in enumerate(FORWARD_PATH):
            count = total if index == 0 else reached.get(index, 0)
            rows.append({"label": status.label, "reached": count, "share": rate(count, total)})
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
