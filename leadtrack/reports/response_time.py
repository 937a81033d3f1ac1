"""Response time: from the enquiry's true arrival (``arrived_at``, never when the record
was made) to the firm's first response, by channel, source, tier, owner, and whether the
enquiry arrived in or out of working hours."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, F, Q

from leadtrack.reports.base import (
    ARRIVAL_HOURS,
    CHANNEL,
    OWNER,
    PRACTICE_AREA,
    SOURCE,
    TIER,
    Column,
    Report,
    duration_column,
    grouped,
    percent_column,
    rate,
)
from leadtrack.reports.expressions import Percentile, SecondsBetween


def response_target() -> timedelta:
    return timedelta(hours=settings.LEADTRACK_RESPONSE_TARGET_HOURS)


class ResponseTimeReport(Report):
    slug = "response-time"
    title = "Response time"

    @property
    def description(self) -> str:
        hours = settings.LEADTRACK_RESPONSE_TARGET_HOURS
        return (
            "From arrival to the firm's first response (a call, meeting or email to the "
            f"enquirer). Target: within {hours:g} hours of arrival, elapsed time. Leads "
            "not yet answered are counted as awaiting and left out of the percentiles."
        )

    @property
    def dimensions(self):
        return (
            CHANNEL,
            SOURCE,
            TIER,
            OWNER,
            ARRIVAL_HOURS,
            PRACTICE_AREA,
        )

    columns = [
        Column("enquiries", "Enquiries"),
        Column("responded", "Answered"),
        Column("awaiting", "Awaiting first response"),
        duration_column("p50", "Median (p50)"),
        duration_column("p90", "p90"),
        percent_column("within_target", "Within target"),
    ]
    chart_columns = ["p50", "p90"]

    def rows(self, *, leads, filters, user):
        seconds = SecondsBetween("arrived_at", "first_response_at")
        rows = grouped(
            leads,
            dimension=filters.dimension,
            filters=filters,
            enquiries=Count("pk"),
            responded=Count("first_response_at"),
            p50=Percentile(seconds, 0.5),
            p90=Percentile(seconds, 0.9),
            within=Count(
                "pk", filter=Q(first_response_at__lte=F("arrived_at") + response_target())
            ),
        )
        for row in rows:
            row["awaiting"] = row["enquiries"] - row["responded"]
            row["within_target"] = rate(row["within"], row["responded"])
        return rows
