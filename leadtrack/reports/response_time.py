"""Response time: from the enquiry's true arrival (``arrived_at``, never when the record
was made) to the firm's first response, by channel, source, tier, owner, and whether the
enquiry arrived in or out of working hours."""

from django.db.models import Case, Count, OuterRef, Q, Subquery, When

from followups.choices import FollowUpKind
from followups.models import FollowUp
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


def first_contact_due():
    """When the lead's first contact was due under its follow-up policy (the tier's
    target, in the firm's working time unless the policy counts calendar time)."""
    return Subquery(
        FollowUp.objects.filter(lead=OuterRef("pk"), kind=FollowUpKind.FIRST_CONTACT)
        .order_by("due_at")
        .values("due_at")[:1]
    )


class ResponseTimeReport(Report):
    slug = "response-time"
    title = "Response time"

    description = (
        "From arrival to the firm's first response (a call, meeting or email to the "
        "enquirer). Target: the first-contact follow-up's due time under the lead's "
        "follow-up policy (for example one working hour for tier A), so the target is the "
        "one the fee earner was given. Leads not yet answered are counted as awaiting and "
        "left out of the percentiles; leads with no first-contact follow-up have no target."
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
        percent_column("within_target", "Within the policy's target"),
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
            # Answered leads that had a target: the due time counts where it is not null.
            with_target=Count(
                Case(When(first_response_at__isnull=False, then=first_contact_due()))
            ),
            within=Count("pk", filter=Q(first_response_at__lte=first_contact_due())),
        )
        for row in rows:
            row["awaiting"] = row["enquiries"] - row["responded"]
            row["within_target"] = rate(row["within"], row["with_target"])
        return rows
