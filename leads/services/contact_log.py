"""Contacts staff record by hand: a call, a meeting, a note. Each writes the timeline.

A call or meeting has an outcome, and the outcome decides the next step: a client who was
reached moves the lead on (to contacted, or to meeting when one was booked or held), and
the follow-ups app schedules what the policy says (or the call back agreed); a call that
did not reach them (no answer, a message left, a wrong number) asks the follow-ups app for
a retry in working time. Reached and left-a-message count as the firm's response. Higher
apps hear of it through ``leads.signals.contact_logged``."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from leads import signals
from leads.choices import (
    CLOSED_STATUSES,
    RESPONDING_OUTCOMES,
    ActivityKind,
    AgreedNext,
    ContactOutcome,
    Status,
)
from leads.models import Activity, Lead
from leads.services.activity import activity_record
from leads.services.statuses import (
    lead_change_status,
    lead_record_first_response,
    lead_status_change_check,
)
from leads.statuses import forward_stage

SUMMARY_MAX = 450

# How each outcome reads on the timeline, for a call and for a meeting.
OUTCOME_WORDS = {
    "call": {
        ContactOutcome.REACHED: "reached",
        ContactOutcome.NO_ANSWER: "no answer",
        ContactOutcome.LEFT_MESSAGE: "left a message",
        ContactOutcome.WRONG_NUMBER: "wrong number",
    },
    "meeting": {
        ContactOutcome.REACHED: "held",
        ContactOutcome.NO_ANSWER: "they did not come",
    },
}


def _check(*, lead: Lead, summary: str, at: dt.datetime | None) -> tuple[str, dt.datetime]:
    summary = " ".join((summary or "").split())
    if not summary:
        raise ValidationError({"summary": "Say in a few words what was discussed."})
    if len(summary) > SUMMARY_MAX:
        raise ValidationError({"summary": f"Keep it to {SUMMARY_MAX} characters."})
    now = timezone.now()
    at = at or now
    if timezone.is_naive(at):
        raise ValidationError({"at": "Give the time with its UTC offset."})
    if at > now + dt.timedelta(minutes=5):
        raise ValidationError({"at": "A contact cannot be logged in the future."})
    if at < lead.arrived_at - dt.timedelta(minutes=5):
        raise ValidationError({"at": "That is before the enquiry arrived."})
    return summary, at


def _check_outcome(
    *, kind: str, outcome: str, agreed: str, call_back_at: dt.datetime | None
) -> tuple[ContactOutcome, AgreedNext]:
    if outcome not in OUTCOME_WORDS[kind]:
        offered = ", ".join(f"“{o.value}” ({o.label})" for o in OUTCOME_WORDS[kind])
        raise ValidationError({"outcome": f"Say how the {kind} went: one of {offered}."})
    outcome = ContactOutcome(outcome)
    agreed = agreed or AgreedNext.POLICY
    if agreed not in AgreedNext.values:
        raise ValidationError({"agreed": f"“{agreed}” is not something that can be agreed."})
    agreed = AgreedNext(agreed)
    if outcome != ContactOutcome.REACHED and agreed != AgreedNext.POLICY:
        raise ValidationError(
            {"agreed": "Nothing can have been agreed with someone who was not reached."}
        )
    if agreed == AgreedNext.CALL_BACK:
        if call_back_at is None:
            raise ValidationError({"call_back_at": "Say when they asked to be called back."})
        if timezone.is_naive(call_back_at):
            raise ValidationError({"call_back_at": "Give the time with its UTC offset."})
        if call_back_at <= timezone.now():
            raise ValidationError({"call_back_at": "The call back must be in the future."})
    elif call_back_at is not None:
        raise ValidationError(
            {"call_back_at": "A call-back time goes with “Call them back at an agreed time”."}
        )
    return outcome, agreed


def _moves_to(
    *, lead: Lead, kind: str, outcome: ContactOutcome, agreed: AgreedNext, actor
) -> tuple[str | None, str]:
    """The status a reached client moves the lead on to (the furthest the firm's checks
    allow, never backwards), and, when it cannot move, why not."""
    if outcome != ContactOutcome.REACHED or lead.status in CLOSED_STATUSES:
        return None, ""
    wanted = [Status.CONTACTED]
    if kind == "meeting" or agreed == AgreedNext.MEETING:
        wanted.insert(0, Status.MEETING)
    here = forward_stage(lead.status)
    refusals = []
    for status in wanted:
        if forward_stage(status) <= here:
            continue
        try:
            lead_status_change_check(lead=lead, status=status, actor=actor)
        except ValidationError as exc:
            refusals.append(" ".join(exc.messages))
            continue
        return status, ""
    return None, " ".join(refusals)


def _log_contact(
    *,
    lead: Lead,
    kind: str,
    activity: ActivityKind,
    label: str,
    summary: str,
    outcome: str,
    agreed: str,
    call_back_at: dt.datetime | None,
    actor,
    at: dt.datetime | None,
) -> Activity:
    summary, at = _check(lead=lead, summary=summary, at=at)
    outcome, agreed = _check_outcome(
        kind=kind, outcome=outcome, agreed=agreed, call_back_at=call_back_at
    )
    Lead.objects.select_for_update().filter(pk=lead.pk).values_list("pk").get()
    lead.refresh_from_db(fields=["status", "status_changed_at", "owner"])
    moves_to, not_moved = _moves_to(
        lead=lead, kind=kind, outcome=outcome, agreed=agreed, actor=actor
    )
    words = OUTCOME_WORDS[kind][outcome]
    entry = activity_record(
        lead=lead,
        kind=activity,
        summary=f"{label} ({words}): {summary}",
        actor=actor,
        at=at,
        data={
            "outcome": outcome.value,
            "agreed": agreed.value if outcome == ContactOutcome.REACHED else "",
            "call_back_at": call_back_at.isoformat() if call_back_at else "",
            "moved_to": moves_to or "",
            "not_moved": not_moved,
        },
    )
    if outcome in RESPONDING_OUTCOMES:
        lead_record_first_response(lead=lead, at=at)
    signals.contact_logged.send(
        sender=Lead,
        lead=lead,
        kind=kind,
        at=at,
        actor=actor,
        summary=summary,
        outcome=outcome.value,
        moves_to=moves_to,
        call_back_at=call_back_at,
    )
    if moves_to is not None:
        lead_change_status(lead=lead, status=moves_to, actor=actor)
        lead.refresh_from_db(fields=["status", "status_changed_at"])
    return entry


@transaction.atomic
def lead_log_call(
    *,
    lead: Lead,
    summary: str,
    outcome: str,
    agreed: str = AgreedNext.POLICY,
    call_back_at: dt.datetime | None = None,
    actor: AbstractBaseUser | None = None,
    at: dt.datetime | None = None,
) -> Activity:
    """Record a call with the enquirer and how it went; the outcome decides what is next
    (the entry's ``data`` says whether the lead moved on, and if not, why not)."""
    return _log_contact(
        lead=lead,
        kind="call",
        activity=ActivityKind.CALL_LOGGED,
        label="Call",
        summary=summary,
        outcome=outcome,
        agreed=agreed,
        call_back_at=call_back_at,
        actor=actor,
        at=at,
    )


@transaction.atomic
def lead_log_meeting(
    *,
    lead: Lead,
    summary: str,
    outcome: str = ContactOutcome.REACHED,
    agreed: str = AgreedNext.POLICY,
    call_back_at: dt.datetime | None = None,
    actor: AbstractBaseUser | None = None,
    at: dt.datetime | None = None,
) -> Activity:
    """Record a meeting with the enquirer: held (the lead moves on to meeting) or they
    did not come (a call to rebook is scheduled)."""
    return _log_contact(
        lead=lead,
        kind="meeting",
        activity=ActivityKind.MEETING_LOGGED,
        label="Meeting",
        summary=summary,
        outcome=outcome,
        agreed=agreed,
        call_back_at=call_back_at,
        actor=actor,
        at=at,
    )


@transaction.atomic
def lead_add_note(*, lead: Lead, text: str, actor: AbstractBaseUser | None = None) -> Activity:
    """Add a note to the lead's timeline (it completes no follow-up)."""
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError({"text": "Write the note."})
    if len(text) > 500:
        raise ValidationError({"text": "Keep a note to 500 characters."})
    return activity_record(lead=lead, kind=ActivityKind.NOTE, summary=text, actor=actor)
