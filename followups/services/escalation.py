"""The overdue sweep: escalate every follow-up whose next level is due, each level once.

Levels: 1 the owner (or, while they are out of office, their delegate or supervisor;
with no owner, the firm's triage address), 2 the owner's supervisor, 3 the head of team.
Each level waits ``BusinessCalendar.supervisor_after_minutes`` / ``head_after_minutes``
of working time after the one before.

Exactly once, even when two sweeps overlap or beat fires twice:
- the due follow-ups (and their leads) are locked ``FOR UPDATE SKIP LOCKED``, so a
  second sweep skips what the first is working on and never waits on it;
- ``Escalation`` has a unique (follow-up, level) constraint. A level already recorded
  is not sent again; the rows are inserted with ``ON CONFLICT DO NOTHING`` and counted
  by the sweep's ``sweep_id``, and should any be missing (something wrote escalations
  without taking the locks) the whole sweep rolls back rather than send twice;
- the escalation rows, the follow-ups' next levels, the timeline entries and one queued
  email per recipient commit in one transaction. A worker killed mid-sweep leaves
  nothing behind, so the next sweep does the work; sending happens after commit by the
  retried email task (and the stalled-email safety net), never inside the sweep.

A sweep of 10,000 follow-ups must take seconds, so it reads plain rows (no model
instances per follow-up), works out each recipient once per owner and level, renders
each recipient's email once and writes every kind of row with a fixed number of bulk
statements: its query count does not grow with the number of follow-ups or recipients
(see docs/performance.md).
"""

import datetime as dt
import functools
import logging
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from firm.calendar import LONDON, WorkingCalendar
from firm.selectors import working_calendar
from followups.choices import EscalationLevel, FollowUpKind, IntervalUnit
from followups.models import Escalation, FollowUp
from followups.selectors import DueFollowUp, absences_at, business_calendar, escalation_due_locked
from leads.choices import ActivityKind, EmailKind
from leads.models import Activity
from leads.services import EmailDraft, outbound_emails_queue_many
from routing.models import Member

logger = logging.getLogger(__name__)

TIER_ORDER = {"A": 0, "B": 1, "C": 2}
KIND_LABELS = dict(FollowUpKind.choices)
LEVEL_LABELS = dict(EscalationLevel.choices)


class EscalationConflict(Exception):
    """Escalation rows appeared for follow-ups the sweep holds locked; it rolls back."""


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


def _display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def resolve_recipient(
    *, owner, level: int, members: dict[int, Member], absences: dict
) -> Recipient:
    """Who receives a level of escalation for a follow-up owned by ``owner`` (a user, or
    None for nobody); triage when nobody fits."""
    if owner is None:
        return triage_recipient()
    member = members.get(owner.pk)
    if level == EscalationLevel.OWNER:
        absence = absences.get(member.pk) if member is not None else None
        if absence is not None:
            cover = absence.delegate or (_above(member) if member else None)
            return _person(cover) or triage_recipient()
        if owner.email and owner.is_active:
            return Recipient(email=owner.email.lower(), user_id=owner.pk, name=_display_name(owner))
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


@functools.cache
def _lead_path_pattern() -> str:
    return reverse("admin:leads_lead_change", args=[_URL_PLACEHOLDER])


def lead_url(lead_id: int) -> str:
    """The lead's page in the tracker (the path is reversed once per process)."""
    return settings.SITE_URL + _lead_path_pattern().replace(_URL_PLACEHOLDER, str(lead_id))


def escalation_sweep(*, now: dt.datetime | None = None, limit: int | None = None) -> SweepResult:
    """Escalate every follow-up whose next level is due; see the module docstring."""
    started = time.monotonic()
    now = now or timezone.now()
    limit = limit or settings.LEADTRACK_ESCALATION_SWEEP_LIMIT
    result = SweepResult(sweep_id=uuid.uuid4())
    with transaction.atomic():
        due = escalation_due_locked(now=now, limit=limit)
        result.due = len(due)
        if due:
            _escalate(due=due, now=now, result=result)
    result.seconds = time.monotonic() - started
    if result.due:
        logger.info("%s", result)
    return result


@dataclass(frozen=True)
class _Planned:
    """One due follow-up with the level this sweep sends and to whom."""

    followup: DueFollowUp
    level: int
    recipient: Recipient
    owner_name: str


def _escalate(*, due: list[DueFollowUp], now: dt.datetime, result: SweepResult) -> None:
    calendar = working_calendar()
    calendar_row = business_calendar()
    owner_ids = {followup.owner_id for followup in due if followup.owner_id}
    owners = get_user_model().objects.in_bulk(owner_ids)
    members = _members_for(owner_ids)
    absences = absences_at(member_ids=[m.pk for m in members.values()], at=now)

    owner_names = {pk: _display_name(owner) for pk, owner in owners.items()}
    # Every follow-up of one owner at one level has the same recipient: resolve it once.
    recipients: dict[tuple[int | None, int], Recipient] = {}
    planned: dict[int, _Planned] = {}
    for followup in due:
        level = followup.escalation_level + 1
        key = (followup.owner_id, level)
        if key not in recipients:
            recipients[key] = resolve_recipient(
                owner=owners.get(followup.owner_id), level=level, members=members, absences=absences
            )
        planned[followup.id] = _Planned(
            followup=followup,
            level=level,
            recipient=recipients[key],
            owner_name=owner_names.get(followup.owner_id, "nobody"),
        )

    # A level already recorded (by an earlier sweep that read stale rows) is not sent
    # again; the follow-up still moves on.
    recorded = set(
        Escalation.objects.filter(followup_id__in=list(planned)).values_list("followup_id", "level")
    )
    mine = [item for item in planned.values() if (item.followup.id, item.level) not in recorded]
    _move_on(planned=planned.values(), now=now, calendar=calendar, calendar_row=calendar_row)

    batches: dict[str, list[_Planned]] = defaultdict(list)
    for item in mine:
        batches[item.recipient.email].append(item)
    for items in batches.values():
        items.sort(key=lambda item: (item.followup.due_at, TIER_ORDER.get(item.followup.tier, 3)))
    emails = outbound_emails_queue_many(
        kind=EmailKind.ESCALATION,
        template="emails/escalation",
        drafts=[
            _email_draft(items=items, now=now, sweep_id=result.sweep_id)
            for items in batches.values()
        ],
    )
    email_ids = {address: email.pk for address, email in zip(batches, emails, strict=True)}
    Escalation.objects.bulk_create(
        [
            Escalation(
                followup_id=item.followup.id,
                level=item.level,
                recipient_email=item.recipient.email,
                recipient_id=item.recipient.user_id,
                sweep_id=result.sweep_id,
                created_at=now,
                email_id=email_ids[item.recipient.email],
            )
            for item in mine
        ],
        ignore_conflicts=True,
    )
    inserted = Escalation.objects.filter(sweep_id=result.sweep_id).count()
    if inserted != len(mine):
        # Only possible if something wrote escalations without locking the follow-ups
        # first; rolling back keeps every level sent once, and the next sweep retries.
        raise EscalationConflict(
            f"{len(mine) - inserted} escalation level(s) were recorded by another "
            "transaction during this sweep; the sweep was rolled back and sent nothing."
        )
    result.escalations = inserted
    result.emails = len(emails)
    Activity.objects.bulk_create(
        [
            _timeline_entry(
                item=item, now=now, sweep_id=result.sweep_id, email_id=email_ids[address]
            )
            for address, items in batches.items()
            for item in items
        ],
    )


def _move_on(*, planned, now: dt.datetime, calendar: WorkingCalendar, calendar_row) -> None:
    """Record each due follow-up's new level and when the next one is due (also those
    another sweep recorded): one UPDATE per level and kind of time."""
    waits = {
        EscalationLevel.OWNER: calendar_row.supervisor_after_minutes,
        EscalationLevel.SUPERVISOR: calendar_row.head_after_minutes,
    }
    groups: dict[tuple[int, bool], list[int]] = defaultdict(list)
    for item in planned:
        groups[(item.level, item.followup.counts_calendar_time)].append(item.followup.id)
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


def _timeline_entry(*, item: _Planned, now: dt.datetime, sweep_id: uuid.UUID, email_id: int):
    followup, recipient = item.followup, item.recipient
    return Activity(
        lead_id=followup.lead_id,
        kind=ActivityKind.ESCALATED,
        at=now,
        summary=(
            f"{KIND_LABELS.get(followup.kind, followup.kind)} overdue since "
            f"{followup.due_at.astimezone(LONDON):%d %b %H:%M}: "
            f"{LEVEL_LABELS[item.level].lower()} ({recipient.name}, {recipient.email})"
        )[:500],
        data={
            "followup_id": followup.id,
            "level": item.level,
            "recipient": recipient.email,
            "sweep_id": str(sweep_id),
            "outbound_email_id": email_id,
        },
    )


def _email_draft(*, items: list[_Planned], now: dt.datetime, sweep_id: uuid.UUID) -> EmailDraft:
    """One email listing the recipient's overdue items, most urgent first (the first
    LEADTRACK_ESCALATION_EMAIL_MAX_ITEMS of them, with a link to the rest)."""
    recipient = items[0].recipient
    shown = items[: settings.LEADTRACK_ESCALATION_EMAIL_MAX_ITEMS]
    rows = [
        {
            "reference": item.followup.reference or f"Lead {item.followup.lead_id}",
            "contact": item.followup.contact,
            "tier": item.followup.tier or "–",
            "kind": KIND_LABELS.get(item.followup.kind, item.followup.kind),
            "guidance": item.followup.guidance,
            "due": item.followup.due_at.astimezone(LONDON).strftime("%a %d %b %H:%M"),
            "overdue_by": _overdue_by(now - item.followup.due_at),
            "level": LEVEL_LABELS[item.level],
            "owner": item.owner_name,
            "url": lead_url(item.followup.lead_id),
        }
        for item in shown
    ]
    return EmailDraft(
        to=[recipient.email],
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
