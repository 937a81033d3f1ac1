"""Contacts staff record by hand: a call, a meeting, a note. Each writes the timeline;
calls and meetings count as the firm's response and tell the higher apps (follow-ups
completes the obligation they satisfy) through ``leads.signals.contact_logged``."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from leads import signals
from leads.choices import ActivityKind
from leads.models import Activity, Lead
from leads.services.activity import activity_record
from leads.services.statuses import lead_record_first_response

SUMMARY_MAX = 450


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


def _log_contact(
    *, lead: Lead, kind: str, activity: ActivityKind, label: str, summary, actor, at
) -> Activity:
    summary, at = _check(lead=lead, summary=summary, at=at)
    entry = activity_record(
        lead=lead, kind=activity, summary=f"{label}: {summary}", actor=actor, at=at
    )
    lead_record_first_response(lead=lead, at=at)
    signals.contact_logged.send(
        sender=Lead, lead=lead, kind=kind, at=at, actor=actor, summary=summary
    )
    return entry


@transaction.atomic
def lead_log_call(
    *,
    lead: Lead,
    summary: str,
    actor: AbstractBaseUser | None = None,
    at: dt.datetime | None = None,
) -> Activity:
    """Record a call with the enquirer (it completes a follow-up it satisfies)."""
    return _log_contact(
        lead=lead,
        kind="call",
        activity=ActivityKind.CALL_LOGGED,
        label="Call",
        summary=summary,
        actor=actor,
        at=at,
    )


@transaction.atomic
def lead_log_meeting(
    *,
    lead: Lead,
    summary: str,
    actor: AbstractBaseUser | None = None,
    at: dt.datetime | None = None,
) -> Activity:
    """Record a meeting booked or held with the enquirer."""
    return _log_contact(
        lead=lead,
        kind="meeting",
        activity=ActivityKind.MEETING_LOGGED,
        label="Meeting",
        summary=summary,
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
