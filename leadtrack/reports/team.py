"""Team performance: per member, what the records say they did: leads owned, how fast
they first answered, follow-ups done on time or late, escalations, what they won and
lost. Read from recorded activity, never from anyone's own account of it.

Two grouped queries make the one table: leads by owner, and follow-ups (with their
escalations) by the follow-up's owner, joined on the owner in Python.
"""

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from followups.models import FollowUp
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
    won_value,
)
from leadtrack.reports.expressions import Percentile, SecondsBetween


class TeamReport(Report):
    slug = "team"
    title = "Team performance"
    description = (
        "Per owner, the leads that arrived in the period and are owned by them now: first "
        "response (median, from arrival), outcomes, conversion (won ÷ owned) and won value; "
        "and the follow-ups on those leads each person owned: done on time, done late, "
        "open and overdue now, and how many were escalated."
    )
    dimensions = (OWNER,)
    columns = [
        Column("owned", "Leads owned"),
        Column("open", "Open"),
        duration_column("first_response", "First response (median)"),
        Column("followups_on_time", "Follow-ups on time"),
        Column("followups_late", "Follow-ups done late"),
        Column("followups_overdue", "Follow-ups overdue now"),
        Column("escalated", "Follow-ups escalated"),
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
            won_value=won_value(),
        )
        followups = self.followups_by_owner(leads=leads)
        seen = set()
        for row in rows:
            row["open"] = row["owned"] - row["won"] - row["lost"]
            row["conversion"] = rate(row["won"], row["owned"])
            row.update(followups.get(row["owner"], {}))
            seen.add(row["owner"])
        for owner, counts in followups.items():
            if owner not in seen:  # follow-ups on leads now owned by someone else
                rows.append({**counts, "owner": owner, "label": counts["label"], "owned": 0})
        return rows

    def followups_by_owner(self, *, leads) -> dict:
        """Follow-ups on these leads by the person answerable for them: done on time or
        late by whoever held each when it fell due (a follow-up already overdue when it was
        reassigned stays charged to its earlier owner), open and escalated by its owner."""
        now = timezone.now()
        done = Q(completed_at__isnull=False)
        followups = FollowUp.objects.filter(lead__in=leads.values("pk"))
        charged = Coalesce("owner_when_due", "owner")
        done_counts = (
            followups.filter(done)
            .annotate(charged=charged)
            .values("charged")
            .annotate(
                followups_on_time=Count("pk", filter=Q(completed_at__lte=F("due_at"))),
                followups_late=Count("pk", filter=Q(completed_at__gt=F("due_at"))),
            )
            .order_by()
        )
        open_counts = (
            followups.values("owner")
            .annotate(
                followups_overdue=Count("pk", filter=Q(completed_at__isnull=True, due_at__lt=now)),
                escalated=Count("pk", filter=Q(escalation_level__gt=0)),
            )
            .order_by()
        )
        empty = {
            "followups_on_time": 0,
            "followups_late": 0,
            "followups_overdue": 0,
            "escalated": 0,
        }
        result: dict = {}
        for row in done_counts:
            result.setdefault(row["charged"], dict(empty)).update(
                followups_on_time=row["followups_on_time"], followups_late=row["followups_late"]
            )
        for row in open_counts:
            result.setdefault(row["owner"], dict(empty)).update(
                followups_overdue=row["followups_overdue"], escalated=row["escalated"]
            )
        names = {
            user.pk: OWNER.display(
                {
                    "owner": user.pk,
                    "owner__first_name": user.first_name,
                    "owner__last_name": user.last_name,
                    "owner__username": user.get_username(),
                }
            )
            for user in get_user_model().objects.filter(pk__in=[k for k in result if k])
        }
        for owner, counts in result.items():
            counts["label"] = names.get(owner) or OWNER.display({"owner": owner})
        return result
