"""The overdue sweep: escalate every follow-up whose next level is due, each level once.

Levels: 1 the owner (or, while they are out of office, their delegate or supervisor;
with no owner, the firm's triage address), 2 the owner's supervisor, 3 the head of team.
Each level waits ``BusinessCalendar.supervisor_after_minutes`` / ``head_after_minutes``
of working time after the one before.

Exactly once, even when two sweeps overlap or beat fires twice:
- the due follow-ups (and their leads) are locked ``FOR UPDATE SKIP LOCKED``, so a
  second sweep skips what the first is working on and never waits on it;
- ``Escalation`` has a unique (follow-up, level) constraint; rows are inserted with
  ``ON CONFLICT DO NOTHING`` and only the rows this sweep inserted (its ``sweep_id``)
  are emailed;
- the escalation rows, the follow-ups' next levels, the timeline entries and one queued
  email per recipient commit in one transaction. A worker killed mid-sweep leaves
  nothing behind, so the next sweep does the work; sending happens after commit by the
  retried email task (and the stalled-email safety net), never inside the sweep.
"""

import datetime as dt
import logging
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Value, When
from django.urls import reverse
from django.utils import timezone

from followups.choices import EscalationLevel, FollowUpKind, IntervalUnit
from followups.models import Escalation, FollowUp
from followups.selectors import absences_at, business_calendar, escalation_due
from followups.working_time import LONDON, WorkingCalendar
from leads.choices import ActivityKind, EmailKind
from leads.models import Activity
from leads.services import outbound_email_queue
from routing.models import Member

logger = logging.getLogger(__name__)

TIER_ORDER = {"A": 0, "B": 1, "C": 2}


@dataclass
class SweepResult:
    sweep_id: uuid.UUID
    due: int = 0
    escalations: int = 0
    emails: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        return (
            f"sweep {self.sweep_id}: {self.due} follow-up(s) due, {self.escalations} "
            f"escalation(s) recorded, {self.emails} email(s) queued in {self.seconds:.3f} s"
        )


@dataclass(frozen=True)
class Recipient:
    email: str
    user_id: int | None
    name: str


def triage_recipient() -> Recipient:
    return Recipient(email=settings.LEADTRACK_TRIAGE_EMAIL, user_id=None, name="Triage")


def _person(member: Member | None) -> Recipient | None:
    if member is None or not member.user.email or not member.user.is_active:
        return None
    return Recipient(email=member.user.email.lower(), user_id=member.user_id, name=member.name)


def _above(member: Member) -> Member | None:
    """Who is told after this member: their supervisor, else their head of team."""
    if member.supervisor_id and member.supervisor_id != member.pk:
        return member.supervisor
    head = member.team.head if member.team_id else None
    return head if head is not None and head.pk != member.pk else None


def resolve_recipient(
    *, followup: FollowUp, level: int, members: dict[int, Member], absences: dict
) -> Recipient:
    """Who receives a level of escalation for a follow-up (triage when nobody fits)."""
    owner = followup.owner
    if owner is None:
        return triage_recipient()
    member = members.get(owner.pk)
    if level == EscalationLevel.OWNER:
        absence = absences.get(member.pk) if member is not None else None
        if absence is not None:
            cover = absence.delegate or (_above(member) if member else None)
            return _person(cover) or triage_recipient()
        if owner.email and owner.is_active:
            return Recipient(
                email=owner.email.lower(),
                user_id=owner.pk,
                name=owner.get_full_name() or owner.get_username(),
            )
        return _person(_above(member)) if member else triage_recipient()
    if member is None:
        return triage_recipient()
    supervisor = _above(member)
    if level == EscalationLevel.SUPERVISOR:
        return _person(supervisor) or triage_recipient()
    head = member.team.head if member.team_id else None
    if head is None or head.pk in (member.pk, supervisor.pk if supervisor else None):
        # The head was already told (as supervisor) or is the owner: go one higher.
        head = _above(head) if head is not None else None
        if head is not None and head.pk == member.pk:
            head = None
    return _person(head) or triage_recipient()


def _members_for(owner_ids) -> dict[int, Member]:
    rows = Member.objects.filter(user_id__in=owner_ids).select_related(
        "user",
        "supervisor__user",
        "supervisor__team__head__user",
        "supervisor__supervisor__user",
        "team__head__user",
        "team__head__supervisor__user",
        "team__head__team__head__user",
    )
    return {member.user_id: member for member in rows}


_URL_PLACEHOLDER = "987654321"


def lead_url(lead_id: int) -> str:
    """The lead's page in the tracker (reversed once, not once per row)."""
    pattern = reverse("admin:leads_lead_change", args=[_URL_PLACEHOLDER])
    return settings.SITE_URL + pattern.replace(_URL_PLACEHOLDER, str(lead_id))


def escalation_sweep(*, now: dt.datetime | None = None, limit: int | None = None) -> SweepResult:
    """Escalate every follow-up whose next level is due; see the module docstring."""
    started = time.monotonic()
    now = now or timezone.now()
    limit = limit or settings.LEADTRACK_ESCALATION_SWEEP_LIMIT
    result = SweepResult(sweep_id=uuid.uuid4())
    with transaction.atomic():
        due = list(
            escalation_due(now=now)
            .select_for_update(skip_locked=True, of=("self", "lead"))
            .select_related("lead", "lead__contact", "owner")
            .order_by("next_escalation_at")[:limit]
        )
        result.due = len(due)
        if due:
            _escalate(due=due, now=now, result=result)
    result.seconds = time.monotonic() - started
    if result.due:
        logger.info("%s", result)
    return result


def _escalate(*, due: list[FollowUp], now: dt.datetime, result: SweepResult) -> None:
    calendar = WorkingCalendar.load()
    calendar_row = business_calendar()
    members = _members_for({f.owner_id for f in due if f.owner_id})
    absences = absences_at(member_ids=[m.pk for m in members.values()], at=now)

    planned: dict[int, tuple[FollowUp, int, Recipient]] = {}
    rows = []
    for followup in due:
        level = followup.escalation_level + 1
        recipient = resolve_recipient(
            followup=followup, level=level, members=members, absences=absences
        )
        planned[followup.pk] = (followup, level, recipient)
        rows.append(
            Escalation(
                followup=followup,
                level=level,
                recipient_email=recipient.email,
                recipient_id=recipient.user_id,
                sweep_id=result.sweep_id,
                created_at=now,
            )
        )
    Escalation.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    # Only what this sweep inserted is sent: a level another sweep recorded is not.
    mine = set(
        Escalation.objects.filter(sweep_id=result.sweep_id).values_list("followup_id", "level")
    )
    result.escalations = len(mine)

    # Move every due follow-up on to its next level (also those another sweep recorded).
    waits = {
        EscalationLevel.OWNER: calendar_row.supervisor_after_minutes,
        EscalationLevel.SUPERVISOR: calendar_row.head_after_minutes,
    }
    groups: dict[tuple[int, bool], list[int]] = defaultdict(list)
    for followup, level, _recipient in planned.values():
        groups[(level, followup.counts_calendar_time)].append(followup.pk)
    for (level, calendar_time), ids in groups.items():
        wait = waits.get(level)
        next_at = (
            calendar.add(now, wait, IntervalUnit.MINUTES, calendar_time=calendar_time)
            if wait
            else None
        )
        for start in range(0, len(ids), 5000):
            FollowUp.objects.filter(pk__in=ids[start : start + 5000]).update(
                escalation_level=level, next_escalation_at=next_at
            )

    batches: dict[str, list[tuple[FollowUp, int, Recipient]]] = defaultdict(list)
    for followup_id, level in mine:
        followup, _level, recipient = planned[followup_id]
        batches[recipient.email].append((followup, level, recipient))

    activities = []
    email_ids: dict[str, int] = {}
    for email_address, items in batches.items():
        items.sort(key=lambda item: (item[0].due_at, TIER_ORDER.get(item[0].lead.tier or "", 3)))
        email = _queue_email(recipient=items[0][2], items=items, now=now, sweep_id=result.sweep_id)
        result.emails += 1
        email_ids[email_address] = email.pk
        for followup, level, recipient in items:
            activities.append(
                Activity(
                    lead_id=followup.lead_id,
                    kind=ActivityKind.ESCALATED,
                    at=now,
                    summary=(
                        f"{followup.get_kind_display()} overdue since "
                        f"{followup.due_at.astimezone(LONDON):%d %b %H:%M}: "
                        f"{EscalationLevel(level).label.lower()} ({recipient.name}, "
                        f"{recipient.email})"
                    )[:500],
                    data={
                        "followup_id": followup.pk,
                        "level": level,
                        "recipient": recipient.email,
                        "sweep_id": str(result.sweep_id),
                        "outbound_email_id": email.pk,
                    },
                )
            )
    if email_ids:
        Escalation.objects.filter(sweep_id=result.sweep_id).update(
            email_id=Case(
                *[
                    When(recipient_email=address, then=Value(pk))
                    for address, pk in email_ids.items()
                ]
            )
        )
    Activity.objects.bulk_create(activities, batch_size=2000)


def _queue_email(*, recipient: Recipient, items, now: dt.datetime, sweep_id: uuid.UUID):
    """One email listing the recipient's overdue items, most urgent first (the first
    LEADTRACK_ESCALATION_EMAIL_MAX_ITEMS of them, with a link to the rest)."""
    shown = items[: settings.LEADTRACK_ESCALATION_EMAIL_MAX_ITEMS]
    rows = [
        {
            "reference": followup.lead.reference or f"Lead {followup.lead_id}",
            "contact": followup.lead.contact.name or followup.lead.contact.email,
            "tier": followup.lead.tier or "–",
            "kind": FollowUpKind(followup.kind).label,
            "guidance": followup.guidance,
            "due": followup.due_at.astimezone(LONDON).strftime("%a %d %b %H:%M"),
            "overdue_by": _overdue_by(now - followup.due_at),
            "level": EscalationLevel(level).label,
            "owner": (
                followup.owner.get_full_name() or followup.owner.get_username()
                if followup.owner
                else "nobody"
            ),
            "url": lead_url(followup.lead_id),
        }
        for followup, level, _recipient in shown
    ]
    return outbound_email_queue(
        kind=EmailKind.ESCALATION,
        to=[recipient.email],
        template="emails/escalation",
        context={
            "recipient": recipient,
            "items": rows,
            "count": len(items),
            "more": len(items) - len(rows),
            "all_url": settings.SITE_URL
            + reverse("admin:followups_followup_changelist")
            + "?whose=all&state=overdue",
        },
        dedupe_key=f"escalation:{sweep_id}:{recipient.email}",
    )


def _overdue_by(delta: dt.timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    return f"{hours // 24} days"
