"""Team performance: per member, what the records say they did: leads owned, how fast
they first answered, what they won and lost. Read from recorded activity, never from
anyone's own account of it."""

from django.db.models import Count, Q, Sum

from leads.choices import Status
from leadtrack.reports.base import (
    OWNER,
    Column,
    Report,
    duration_column,
    grouped,
    money_column,
    percent_column,
    rate,
)
from leadtrack.reports.expressions import Percentile, SecondsBetween


class TeamReport(Report):
    slug = "team"
    title = "Team performance"
    description = (
        "Per owner, the leads that arrived in the period and are owned by them now: first "
        "response (median, from arrival), outcomes, conversion (won ÷ owned) and won value."
    )
    dimensions = (OWNER,)
    columns = [
        Column("owned", "Leads owned"),
        Column("open", "Open"),
        duration_column("first_response", "First response (median)"),
        Column("won", "Won"),
        Column("lost", "Lost or disqualified"),
        percent_column("conversion", "Conversion"),
        money_column("won_value", "Won value"),
    ]
    chart_columns = ["owned", "won"]

    def rows(self, *, leads, filters, user):
        lost = Q(status__in=[Status.LOST, Status.DISQUALIFIED])
        rows = grouped(
            leads,
            dimension=filters.dimension,
            filters=filters,
            owned=Count("pk"),
            first_response=Percentile(SecondsBetween("arrived_at", "first_response_at"), 0.5),
            won=Count("pk", filter=Q(status=Status.WON)),
            lost=Count("pk", filter=lost),
            won_value=Sum("estimated_value", filter=Q(status=Status.WON)),
        )
        for row in rows:
            row["open"] = row["owned"] - row["won"] - row["lost"]
            row["conversion"] = rate(row["won"], row["owned"])
        return rows
