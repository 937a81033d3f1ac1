"""Conversion by source: how many enquiries each channel, source, referrer and campaign
brought, how many were qualified, won and lost, and the fees won."""

from django.db.models import Count, Q

from leads.choices import Status
from leadtrack.reports.base import (
    CAMPAIGN,
    CHANNEL,
    PRACTICE_AREA,
    REFERRER,
    SOURCE,
    UTM_SOURCE,
    Column,
    Report,
    grouped,
    money_column,
    percent_column,
    rate,
    won_value,
)


class ConversionReport(Report):
    slug = "conversion"
    title = "Conversion by source"
    description = (
        "Enquiries that arrived in the period and where they stand now. Conversion is won "
        "÷ enquiries; won value is the fee agreed on each lead won."
    )

    @property
    def dimensions(self):
        return (
            CHANNEL,
            SOURCE,
            REFERRER,
            CAMPAIGN,
            UTM_SOURCE,
            PRACTICE_AREA,
        )

    columns = [
        Column("enquiries", "Enquiries"),
        Column("qualified", "Qualified"),
        Column("won", "Won"),
        Column("lost", "Lost"),
        Column("disqualified", "Disqualified"),
        Column("open", "Still open"),
        percent_column("conversion", "Conversion"),
        money_column("won_value", "Won value"),
    ]
    chart_columns = ["enquiries", "won"]

    def rows(self, *, leads, filters, user):
        rows = grouped(
            leads,
            dimension=filters.dimension,
            filters=filters,
            enquiries=Count("pk"),
            qualified=Count("pk", filter=Q(qualified_at__isnull=False)),
            won=Count("pk", filter=Q(status=Status.WON)),
            lost=Count("pk", filter=Q(status=Status.LOST)),
            disqualified=Count("pk", filter=Q(status=Status.DISQUALIFIED)),
            won_value=won_value(),
        )
        for row in rows:
            row["open"] = row["enquiries"] - row["won"] - row["lost"] - row["disqualified"]
            row["conversion"] = rate(row["won"], row["enquiries"])
        return rows
