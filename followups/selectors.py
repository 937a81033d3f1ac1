"""Reads of follow-ups used by more than one caller (admin, API, digests, sweep), with
their joins, so query counts stay fixed."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from followups.models import BusinessCalendar, FollowUp, FollowUpPolicy, FollowUpStep
from leads.models import Lead
from routing.models import MemberAbsence


def business_calendar() -> BusinessCalendar:
    """The firm's one calendar row, created from settings' defaults the first time."""
    calendar = BusinessCalendar.objects.order_by("pk").first()
    if calendar is None:
        calendar = BusinessCalendar.objects.create(**BusinessCalendar.defaults())
    return calendar


def lead_practice_area_id(lead: Lead) -> int | None:
    """The lead's practice area, once the qualification app has assessed it."""
    qualification = getattr(lead, "qualification", None)
    return getattr(qualification, "practice_area_id", None)


def policy_for_lead(*, lead: Lead) -> FollowUpPolicy | None:
    """The most specific active policy: tier and area, tier only, area only, default."""
    tier = lead.tier or ""
    area_id = lead_practice_area_id(lead)
    candidates = FollowUpPolicy.objects.filter(is_active=True).filter(
        Q(tier=tier) | Q(tier=""), Q(practice_area_id=area_id) | Q(practice_area__isnull=True)
    )

    def specificity(policy: FollowUpPolicy) -> tuple[int, int]:
        return (
            1 if (policy.tier and policy.tier == tier) else 0,
            1 if policy.practice_area_id is not None else 0,
        )

    ranked = sorted(candidates, key=specificity, reverse=True)
    return ranked[0] if ranked else None


def policy_steps(*, policy: FollowUpPolicy, stage: str) -> list[FollowUpStep]:
    return list(policy.steps.filter(stage=stage).select_related("policy").order_by("position"))


def open_followups(*, lead: Lead) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(lead=lead, completed_at__isnull=True).order_by("due_at", "pk")


def followup_list() -> QuerySet[FollowUp]:
    """Follow-ups with their lead, contact and owner, for lists and the API."""
    return FollowUp.objects.select_related("lead", "lead__contact", "owner")


def member_followups(*, user) -> QuerySet[FollowUp]:
    """The user's open follow-ups, most urgent first."""
    return followup_list().filter(owner=user, completed_at__isnull=True).order_by("due_at")


def escalation_due(*, now: dt.datetime) -> QuerySet[FollowUp]:
    """Open follow-ups whose next escalation is due (the partial index's query)."""
    return FollowUp.objects.filter(completed_at__isnull=True, next_escalation_at__lte=now)


def absences_at(*, member_ids, at: dt.datetime) -> dict[int, MemberAbsence]:
    """Who among these members is out of office on the day of a moment (London), with their
    cover: routing's out-of-office periods, the one record of who is away."""
    day = timezone.localdate(at)
    rows = MemberAbsence.objects.filter(
        member_id__in=member_ids, starts_on__lte=day, ends_on__gte=day
    ).select_related("delegate__user", "member__supervisor__user")
    return {row.member_id: row for row in rows}


def is_overdue(followup: FollowUp, *, now: dt.datetime | None = None) -> bool:
    return followup.completed_at is None and followup.due_at <= (now or timezone.now())
