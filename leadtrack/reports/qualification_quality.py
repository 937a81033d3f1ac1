"""Qualification quality: does the tier predict the outcome? Tier A leads should convert
more, and be worth more, than tier B and C."""

from django.db.models import Count, Q, Sum

from leads.choices import Status
from leadtrack.reports.base import (
    TIER,
    Column,
    Report,
    available,
    grouped,
    money_column,
    percent_column,
    practice_area_dimension,
    rate,
)


class QualificationQualityReport(Report):
    slug = "qualification"
    title = "Qualification quality"
    description = (
        "Tier against outcome for the leads that arrived in the period. Conversion is won ÷ "
        "decided (won, lost or disqualified), so open leads do not dilute it."
    )

    @property
    def dimensions(self):
        return available(TIER, practice_area_dimension())

    columns = [
        Column("leads", "Leads"),
        Column("won", "Won"),
        Column("lost", "Lost"),
        Column("disqualified", "Disqualified"),
        Column("open", "Still open"),
        percent_column("conversion", "Conversion of decided"),
        money_column("won_value", "Won value"),
    ]
    chart_columns = ["conversion"]

    def rows(self, *, leads, filters, user):
        rows = grouped(
            leads,
            dimension=filters.dimension,
            filters=filters,
            leads=Count("pk"),
            won=Count("pk", filter=Q(status=Status.WON)),
            lost=Count("pk", filter=Q(status=Status.LOST)),
            disqualified=Count("pk", filter=Q(status=Status.DISQUALIFIED)),
            won_value=Sum("estimated_value", filter=Q(status=Status.WON)),
        )
        for row in rows:
            decided = row["won"] + row["lost"] + row["disqualified"]
            row["open"] = row["leads"] - decided
            row["conversion"] = rate(row["won"], decided)
        return rows
