"""Reads of follow-ups used by more than one caller (admin, API, digests, sweep), with
their joins, so query counts stay fixed."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from followups.models import BusinessCalendar, FollowUp, FollowUpPolicy, FollowUpStep
from leads.models import Contact, Lead
from routing.models import MemberAbsence


def business_calendar() -> BusinessCalendar:
    """The firm's one row of escalation and snoozing rules, created the first time."""
    calendar = BusinessCalendar.objects.order_by("pk").first()
    if calendar is None:
        calendar = BusinessCalendar.objects.create()
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


@dataclass(frozen=True, slots=True)
class DueFollowUp:
    """A follow-up the sweep escalates, as plain values: its own columns and the lead's
    and contact's the email and timeline show."""

    id: int
    lead_id: int
    owner_id: int | None
    kind: str
    guidance: str
    due_at: dt.datetime
    counts_calendar_time: bool
    escalation_level: int
    reference: str
    tier: str
    contact: str


def escalation_due_locked(*, now: dt.datetime, limit: int) -> list[DueFollowUp]:
    """Lock up to ``limit`` due follow-ups and their leads, most overdue first, skipping
    any another transaction holds (``FOR UPDATE SKIP LOCKED``), and read them.

    Must run inside a transaction. One query whatever the number: the follow-up and its
    lead are the only tables in its FROM, so exactly their rows are locked (a follow-up
    whose lead someone else has locked, e.g. to complete it, is left for the next sweep);
    the contact's name is read by a subquery, which locks nothing.
    """
    contact = (
        Contact.objects.filter(pk=OuterRef("lead__contact_id"))
        .order_by()
        .values(display=Coalesce(NullIf("name", Value("")), "email", output_field=CharField()))
    )
    rows = (
        escalation_due(now=now)
        .select_for_update(skip_locked=True)
        .order_by("next_escalation_at")
        .annotate(contact_display=Subquery(contact[:1]))
        .values_list(
            "pk",
            "lead_id",
            "owner_id",
            "kind",
            "guidance",
            "due_at",
            "counts_calendar_time",
            "escalation_level",
            "lead__reference",
            "lead__tier",
            "contact_display",
        )[:limit]
    )
    return [
        DueFollowUp(
            id=pk,
            lead_id=lead_id,
            owner_id=owner_id,
            kind=kind,
            guidance=guidance,
            due_at=due_at,
            counts_calendar_time=counts_calendar_time,
            escalation_level=escalation_level,
            reference=reference or "",
            tier=tier or "",
            contact=contact_display or "",
        )
        for (
            pk,
            lead_id,
            owner_id,
            kind,
            guidance,
            due_at,
            counts_calendar_time,
            escalation_level,
            reference,
            tier,
            contact_display,
        ) in rows
    ]


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
