"""Follow-up obligations: scheduled from the lead's policy, completed by what the firm
records (a call, a reply, a meeting, a status change) or by hand, snoozed or
rescheduled within limits, and handed over when the owner changes.

Every change writes the lead's timeline and keeps ``Lead.next_action_due_at`` (the
earliest open follow-up's due time) true.
"""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Min
from django.utils import timezone

from firm.calendar import LONDON, WorkingCalendar
from firm.selectors import working_calendar
from followups.choices import (
    COMPLETED_BY,
    EVENT_COMPLETES_AS,
    STAGE_OF_STATUS,
    CompletedHow,
    ContactEvent,
    FollowUpKind,
    IntervalUnit,
    Stage,
)
from followups.models import FollowUp, FollowUpStep
from followups.selectors import business_calendar, policy_for_lead, policy_steps
from leads.choices import CLOSED_STATUSES, ActivityKind, ContactOutcome, Status
from leads.models import Lead
from leads.services import activity_record, lead_set_next_action

# When no policy covers a lead at all: first contact within one working day.
FALLBACK_FIRST_CONTACT = (
    1,
    IntervalUnit.DAYS,
    "No follow-up policy covers this lead; make first contact and tell the operations "
    "manager which policy should apply.",
)


# Obligations the law puts on the firm, not the lead's stage: a status change, closing or
# merging the lead never closes them (a merged lead's move to the lead it was merged into).
STATUTORY_KINDS = (FollowUpKind.SUBJECT_ACCESS,)


def london(moment: dt.datetime) -> str:
    return moment.astimezone(LONDON).strftime("%a %d %b %Y %H:%M")


def lead_next_action_refresh(*, lead: Lead) -> dt.datetime | None:
    """Set the lead's denormalised next action due time from its open follow-ups."""
    due = FollowUp.objects.filter(lead_id=lead.pk, completed_at__isnull=True).aggregate(
        due=Min("due_at")
    )["due"]
    lead_set_next_action(lead=lead, due_at=due)
    return due


def _create(
    *,
    lead: Lead,
    stage: str,
    kind: str,
    due_at: dt.datetime,
    guidance: str,
    calendar_time: bool,
    step: FollowUpStep | None,
    actor: AbstractBaseUser | None,
) -> FollowUp:
    followup = FollowUp.objects.create(
        lead=lead,
        step=step,
        stage=stage,
        kind=kind,
        owner_id=lead.owner_id,
        due_at=due_at,
        guidance=guidance,
        counts_calendar_time=calendar_time,
        next_escalation_at=due_at,
    )
    owner = lead.owner.get_full_name() or lead.owner.get_username() if lead.owner_id else None
    activity_record(
        lead=lead,
        kind=ActivityKind.FOLLOWUP_SCHEDULED,
        summary=f"{followup.get_kind_display()} due {london(due_at)}"
        + (f" ({owner})" if owner else " (no owner yet)"),
        actor=actor,
        data={"followup_id": followup.pk, "kind": kind, "due_at": due_at.isoformat()},
    )
    return followup


def _schedule_step(
    *,
    lead: Lead,
    step: FollowUpStep,
    start: dt.datetime,
    calendar: WorkingCalendar,
    actor: AbstractBaseUser | None = None,
) -> FollowUp:
    calendar_time = step.policy.counts_calendar_time
    due = calendar.add(start, step.interval, step.unit, calendar_time=calendar_time)
    return _create(
        lead=lead,
        stage=step.stage,
        kind=step.kind,
        due_at=due,
        guidance=step.guidance,
        calendar_time=calendar_time,
        step=step,
        actor=actor,
    )


def _schedule_stage(
    *,
    lead: Lead,
    stage: str,
    start: dt.datetime,
    calendar: WorkingCalendar,
    actor: AbstractBaseUser | None = None,
) -> FollowUp | None:
    """Schedule the first obligation of a stage from the lead's policy."""
    policy = policy_for_lead(lead=lead)
    steps = policy_steps(policy=policy, stage=stage) if policy is not None else []
    if steps:
        return _schedule_step(lead=lead, step=steps[0], start=start, calendar=calendar, actor=actor)
    if policy is None and stage == Stage.NEW:
        interval, unit, guidance = FALLBACK_FIRST_CONTACT
        return _create(
            lead=lead,
            stage=stage,
            kind=FollowUpKind.FIRST_CONTACT,
            due_at=calendar.add(start, interval, unit),
            guidance=guidance,
            calendar_time=False,
            step=None,
            actor=actor,
        )
    return None


@transaction.atomic
def followups_schedule(*, lead: Lead) -> list[FollowUp]:
    """Give a lead its first obligation from its policy, once (the pipeline step)."""
    if lead.status in CLOSED_STATUSES:
        return []
    if FollowUp.objects.filter(lead=lead).exists():
        return []
    stage = STAGE_OF_STATUS[lead.status]
    start = lead.arrived_at if stage == Stage.NEW else lead.status_changed_at
    followup = _schedule_stage(lead=lead, stage=stage, start=start, calendar=working_calendar())
    lead_next_action_refresh(lead=lead)
    return [followup] if followup else []


def _complete(
    *,
    followup: FollowUp,
    how: str,
    at: dt.datetime,
    actor: AbstractBaseUser | None,
    note: str = "",
) -> None:
    followup.completed_at = at
    followup.completed_how = how
    followup.completed_by = actor if actor is not None and actor.is_authenticated else None
    followup.completion_note = note[:500]
    followup.next_escalation_at = None
    followup.save(
        update_fields=[
            "completed_at",
            "completed_how",
            "completed_by",
            "completion_note",
            "next_escalation_at",
        ]
    )
    summary = f"{followup.get_kind_display()} done: {CompletedHow(how).label}"
    activity_record(
        lead=followup.lead,
        kind=ActivityKind.FOLLOWUP_COMPLETED,
        summary=f"{summary} ({note})" if note else summary,
        actor=actor,
        at=at,
        data={"followup_id": followup.pk, "kind": followup.kind, "how": how},
    )


def _schedule_next(
    *, followup: FollowUp, at: dt.datetime, actor: AbstractBaseUser | None
) -> FollowUp | None:
    """The policy's next obligation in the same stage, if the lead is still in it."""
    lead = followup.lead
    if followup.step_id is None or STAGE_OF_STATUS.get(lead.status) != followup.stage:
        return None
    step = _next_step(followup)
    if step is None:
        return None
    return _schedule_step(lead=lead, step=step, start=at, calendar=working_calendar(), actor=actor)


@transaction.atomic
def followup_complete(
    *,
    followup: FollowUp,
    how: str = CompletedHow.MANUAL,
    actor: AbstractBaseUser | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> FollowUp:
    """Mark a follow-up done and schedule the policy's next obligation."""
    followup = (
        FollowUp.objects.select_for_update().select_related("lead", "step").get(pk=followup.pk)
    )
    if followup.completed_at is not None:
        raise ValidationError(
            {
                "completed_at": f"This follow-up was already completed on "
                f"{london(followup.completed_at)}."
            }
        )
    at = at or timezone.now()
    if at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"completed_at": "A follow-up cannot be completed in the future."})
    _complete(followup=followup, how=how, at=at, actor=actor, note=" ".join(note.split()))
    _schedule_next(followup=followup, at=at, actor=actor)
    lead_next_action_refresh(lead=followup.lead)
    return followup


# How soon, in working time, a call that did not reach the client is tried again when
# the policy has no next step for it.
RETRY_WITHIN_HOURS = 2
# Kinds of obligation a retry stands for: while one is open no second retry is added.
RETRY_KINDS = frozenset({FollowUpKind.FIRST_CONTACT, FollowUpKind.CALL, FollowUpKind.CHASE})
NOT_REACHED_WORDS = {
    ContactOutcome.NO_ANSWER: "no answer",
    ContactOutcome.LEFT_MESSAGE: "left a message",
    ContactOutcome.WRONG_NUMBER: "wrong number",
}


def due_time_check(
    *, due_at: dt.datetime, calendar_time: bool, field: str, calendar: WorkingCalendar
) -> None:
    """Refuse a hand-set due time outside the firm's working hours (a follow-up of a
    policy that counts calendar time may fall due at any hour)."""
    if calendar_time or calendar.is_within_hours(due_at):
        return
    suggestion = calendar.next_opening(due_at)
    raise ValidationError(
        {
            field: f"The firm is closed at {london(due_at)}; choose a time in working hours, "
            f"for example {london(suggestion)}."
        }
    )


def _next_step(followup: FollowUp) -> FollowUpStep | None:
    if followup.step_id is None:
        return None
    return (
        FollowUpStep.objects.filter(
            policy_id=followup.step.policy_id,
            stage=followup.stage,
            position__gt=followup.step.position,
        )
        .select_related("policy")
        .order_by("position")
        .first()
    )


def _schedule_retry(
    *,
    lead: Lead,
    after: FollowUp | None,
    outcome: ContactOutcome,
    kind: str,
    at: dt.datetime,
    actor: AbstractBaseUser | None,
) -> FollowUp | None:
    """A call or meeting that did not reach the client: try again in working time, as the
    policy's next step for the stage says if it has one, else within two working hours;
    a wrong number asks for an email instead. None while a retry is already open."""
    still_open = FollowUp.objects.filter(
        lead=lead, completed_at__isnull=True, kind__in=RETRY_KINDS
    ).exists()
    if still_open:
        return None
    calendar = working_calendar()
    stage = STAGE_OF_STATUS[lead.status]
    when = london(at)
    if outcome == ContactOutcome.WRONG_NUMBER:
        email = lead.contact.email or "the enquirer"
        return _create(
            lead=lead,
            stage=stage,
            kind=FollowUpKind.CHASE,
            due_at=calendar.add(at, 1, IntervalUnit.HOURS),
            guidance=f"Wrong number on {when}: email {email} and ask for a number that works.",
            calendar_time=False,
            step=None,
            actor=actor,
        )
    step = _next_step(after) if after is not None and after.stage == stage else None
    if step is not None:
        # Working time even under a calendar-time policy: nobody answers a call at 22:00.
        return _create(
            lead=lead,
            stage=stage,
            kind=step.kind,
            due_at=calendar.add(at, step.interval, step.unit),
            guidance=f"{'Meeting' if kind == 'meeting' else 'Call'} on {when}: "
            f"{NOT_REACHED_WORDS.get(outcome, 'they did not come')}. {step.guidance}".strip(),
            calendar_time=False,
            step=step,
            actor=actor,
        )
    if kind == "meeting":
        guidance = f"They did not come to the meeting on {when}: call to rebook it."
    elif outcome == ContactOutcome.LEFT_MESSAGE:
        guidance = f"Left a message on {when}: call again if they have not rung back."
    else:
        guidance = f"No answer on {when}: call again, and email if there is still no answer."
    return _create(
        lead=lead,
        stage=stage,
        kind=FollowUpKind.CALL,
        due_at=calendar.add(at, RETRY_WITHIN_HOURS, IntervalUnit.HOURS),
        guidance=guidance,
        calendar_time=False,
        step=None,
        actor=actor,
    )


def _schedule_call_back(
    *, lead: Lead, stage: str, due_at: dt.datetime, summary: str, actor
) -> FollowUp:
    policy = policy_for_lead(lead=lead)
    calendar_time = bool(policy and policy.counts_calendar_time)
    calendar = working_calendar()
    due_time_check(
        due_at=due_at, calendar_time=calendar_time, field="call_back_at", calendar=calendar
    )
    return _create(
        lead=lead,
        stage=stage,
        kind=FollowUpKind.CALL,
        due_at=due_at,
        guidance=f"Call back as agreed: {summary}"[:1000] if summary else "Call back as agreed.",
        calendar_time=calendar_time,
        step=None,
        actor=actor,
    )


@transaction.atomic
def followups_record_contact(
    *,
    lead: Lead,
    event: ContactEvent,
    at: dt.datetime | None = None,
    actor: AbstractBaseUser | None = None,
    outcome: str = ContactOutcome.REACHED,
    moves_to: str | None = None,
    call_back_at: dt.datetime | None = None,
    summary: str = "",
) -> FollowUp | None:
    """A call, meeting or reply was recorded: complete the earliest open follow-up it
    satisfies (if any), then, as the outcome says, schedule the policy's next step (none
    in a stage the lead is leaving: ``moves_to``), the call back agreed, or a retry in
    working time when the client was not reached."""
    event = ContactEvent(event)
    outcome = ContactOutcome(outcome)
    reached = outcome == ContactOutcome.REACHED
    kinds = COMPLETED_BY[event]
    if event == ContactEvent.MEETING and not reached:
        kinds = frozenset()  # a meeting they did not come to completes nothing
    followup = (
        FollowUp.objects.select_for_update()
        .select_related("lead", "step")
        .filter(lead=lead, completed_at__isnull=True, kind__in=kinds)
        .order_by("due_at", "pk")
        .first()
    )
    at = at or timezone.now()
    if followup is not None:
        how = EVENT_COMPLETES_AS[event] if reached else CompletedHow.CONTACT_ATTEMPTED
        note = "" if reached else NOT_REACHED_WORDS.get(outcome, "")
        _complete(followup=followup, how=how, at=at, actor=actor, note=note)
    stage_now = STAGE_OF_STATUS.get(lead.status)
    stage_next = STAGE_OF_STATUS.get(moves_to) if moves_to else stage_now
    if not reached:
        if stage_now is not None:
            _schedule_retry(
                lead=lead, after=followup, outcome=outcome, kind=event.value, at=at, actor=actor
            )
    elif followup is not None and stage_next == stage_now and call_back_at is None:
        _schedule_next(followup=followup, at=at, actor=actor)
    if reached and call_back_at is not None and stage_next is not None:
        _schedule_call_back(
            lead=lead, stage=stage_next, due_at=call_back_at, summary=summary, actor=actor
        )
    lead_next_action_refresh(lead=lead)
    return followup


@transaction.atomic
def followups_on_status_changed(
    *,
    lead: Lead,
    old_status: str,
    new_status: str,
    actor: AbstractBaseUser | None = None,
) -> None:
    """Keep obligations in step with the lead: a closed lead has none open, a lead that
    moves to another stage has that stage's first obligation, a reopened lead starts
    again."""
    now = timezone.now()
    open_now = list(
        FollowUp.objects.select_for_update()
        .select_related("lead")
        .filter(lead=lead, completed_at__isnull=True)
        .exclude(kind__in=STATUTORY_KINDS)
        .order_by("due_at", "pk")
    )
    if new_status in CLOSED_STATUSES:
        for followup in open_now:
            _complete(
                followup=followup,
                how=CompletedHow.LEAD_CLOSED,
                at=now,
                actor=actor,
                note=f"lead {Status(new_status).label.lower()}",
            )
        lead_next_action_refresh(lead=lead)
        return
    new_stage = STAGE_OF_STATUS[new_status]
    for followup in open_now:
        if followup.stage != new_stage:
            _complete(
                followup=followup,
                how=CompletedHow.STATUS_CHANGED,
                at=now,
                actor=actor,
                note=f"now {Status(new_status).label.lower()}",
            )
        elif followup.owner_id is None and lead.owner_id is not None:
            followup.owner_id = lead.owner_id
            followup.save(update_fields=["owner"])
    stage_changed = old_status in CLOSED_STATUSES or STAGE_OF_STATUS[old_status] != new_stage
    if stage_changed and not any(f.stage == new_stage for f in open_now):
        _schedule_stage(
            lead=lead, stage=new_stage, start=now, calendar=working_calendar(), actor=actor
        )
    lead_next_action_refresh(lead=lead)


BOUNCE_GUIDANCE = "Phone: email bounced."
# How soon, in working time, the owner is asked to phone after an email bounced.
BOUNCE_CALL_WITHIN_HOURS = 1


@transaction.atomic
def followup_phone_after_bounce(
    *, lead: Lead, address: str, reason: str, at: dt.datetime | None = None
) -> FollowUp | None:
    """Mail to the enquirer bounced: ask the lead's owner to phone instead, with a call
    follow-up due within the hour (once while one is open; none on a closed lead)."""
    if lead.status in CLOSED_STATUSES or lead.merged_into_id is not None:
        return None
    already = FollowUp.objects.filter(
        lead=lead,
        completed_at__isnull=True,
        kind=FollowUpKind.CALL,
        guidance__startswith=BOUNCE_GUIDANCE,
    ).exists()
    if already:
        return None
    start = max(at or timezone.now(), timezone.now())
    phone = lead.contact.phone or "the number on their enquiry, or find one"
    followup = _create(
        lead=lead,
        stage=STAGE_OF_STATUS[lead.status],
        kind=FollowUpKind.CALL,
        due_at=working_calendar().add(start, BOUNCE_CALL_WITHIN_HOURS, IntervalUnit.HOURS),
        guidance=f"{BOUNCE_GUIDANCE} Mail to {address} cannot be delivered ({reason}). "
        f"Phone {phone} instead, and ask for an address that works.",
        calendar_time=False,
        step=None,
        actor=None,
    )
    lead_next_action_refresh(lead=lead)
    return followup


@transaction.atomic
def followup_subject_access(
    *,
    contact,
    request_id: int,
    request: str,
    received_on: dt.date,
    due_on: dt.date,
    actor: AbstractBaseUser | None,
) -> FollowUp | None:
    """Track a subject access request's one-month deadline as a follow-up on the person's
    latest lead (whatever its status), owned by that lead's owner: due at the close of the
    last working day on or before the legal due date (answering early is lawful, late is
    not), counted in calendar time, so it escalates like any other; once per request.
    None when the person has no lead to hang it on."""
    lead = (
        Lead.objects.filter(contact=contact).order_by("-arrived_at", "-pk").first()
        if contact is not None
        else None
    )
    if lead is None:
        return None
    existing = FollowUp.objects.filter(
        lead=lead, kind=FollowUpKind.SUBJECT_ACCESS, guidance__contains=f"[request {request_id}]"
    ).first()
    if existing is not None:
        return existing
    calendar = working_calendar()
    day = due_on
    for _ in range(31):
        if calendar.is_working_day(day):
            break
        day -= dt.timedelta(days=1)
    due_at = calendar.opening_hours(day)[1]
    followup = _create(
        lead=lead,
        stage=STAGE_OF_STATUS.get(lead.status, Stage.NEW),
        kind=FollowUpKind.SUBJECT_ACCESS,
        due_at=due_at,
        guidance=f"Subject access request “{request}” received {received_on:%d %b %Y}: send "
        f"the person everything held about them (the export from their contact record) by "
        f"{due_on:%d %b %Y}, the legal deadline (UK GDPR article 12(3)). [request {request_id}]",
        calendar_time=True,
        step=None,
        actor=actor,
    )
    lead_next_action_refresh(lead=lead)
    return followup


@transaction.atomic
def followups_close_for_merged(
    *, merged: Lead, keep: Lead, actor: AbstractBaseUser | None = None
) -> int:
    """Close the open follow-ups of a lead merged into ``keep`` (which has its own), so no
    sweep escalates an obligation for a lead that no longer stands alone; returns how
    many were closed."""
    now = timezone.now()
    open_now = list(
        FollowUp.objects.select_for_update()
        .select_related("lead")
        .filter(lead=merged, completed_at__isnull=True)
        .order_by("due_at", "pk")
    )
    statutory = [f for f in open_now if f.kind in STATUTORY_KINDS]
    for followup in statutory:
        followup.lead = keep
        followup.save(update_fields=["lead"])
        activity_record(
            lead=keep,
            kind=ActivityKind.FOLLOWUP_SCHEDULED,
            summary=f"{followup.get_kind_display()} due {london(followup.due_at)} "
            f"(moved from {merged.reference}, merged into this lead)",
            actor=actor,
            data={"followup_id": followup.pk, "kind": followup.kind},
        )
    if statutory:
        lead_next_action_refresh(lead=keep)
    open_now = [f for f in open_now if f.kind not in STATUTORY_KINDS]
    for followup in open_now:
        _complete(
            followup=followup,
            how=CompletedHow.LEAD_CLOSED,
            at=now,
            actor=actor,
            note=f"lead merged into {keep.reference}",
        )
    lead_next_action_refresh(lead=merged)
    return len(open_now)


@transaction.atomic
def followups_reassign(
    *, lead: Lead, owner: AbstractBaseUser | None, actor: AbstractBaseUser | None = None
) -> int:
    """Hand the lead's open follow-ups to its new owner (routing calls this). One already
    overdue keeps who held it when it fell due, so its lateness stays theirs."""
    open_followups = FollowUp.objects.filter(lead=lead, completed_at__isnull=True)
    open_followups.filter(due_at__lte=timezone.now(), owner_when_due__isnull=True).update(
        owner_when_due=F("owner")
    )
    return open_followups.update(owner=owner.pk if owner is not None else None)


def _check_can_move(followup: FollowUp) -> None:
    if followup.completed_at is not None:
        raise ValidationError({"due_at": "This follow-up is already completed."})


@transaction.atomic
def followup_reschedule(
    *,
    followup: FollowUp,
    due_at: dt.datetime,
    actor: AbstractBaseUser | None = None,
    reason: str = "",
) -> FollowUp:
    """Move a follow-up to a new due time (e.g. the client asked for a call next week).

    Escalation stops until the new due time; levels already sent are not sent again.
    """
    followup = FollowUp.objects.select_for_update().select_related("lead").get(pk=followup.pk)
    _check_can_move(followup)
    if timezone.is_naive(due_at):
        raise ValidationError({"due_at": "Give the time with its UTC offset."})
    if due_at <= timezone.now():
        raise ValidationError({"due_at": "Choose a due time in the future."})
    if due_at > timezone.now() + dt.timedelta(days=366):
        raise ValidationError({"due_at": "Choose a due time within a year."})
    due_time_check(
        due_at=due_at,
        calendar_time=followup.counts_calendar_time,
        field="due_at",
        calendar=working_calendar(),
    )
    old = followup.due_at
    followup.due_at = due_at
    followup.next_escalation_at = due_at if followup.escalation_level < 3 else None
    followup.owner_when_due = None  # due again later: whoever holds it then answers for it
    followup.save(update_fields=["due_at", "next_escalation_at", "owner_when_due"])
    reason = " ".join(reason.split())
    summary = f"{followup.get_kind_display()} rescheduled from {london(old)} to {london(due_at)}"
    _due_moved_record(
        followup=followup,
        old=old,
        summary=f"{summary}: {reason}" if reason else summary,
        actor=actor,
    )
    return followup


@transaction.atomic
def followup_snooze(
    *,
    followup: FollowUp,
    until: dt.datetime,
    reason: str,
    actor: AbstractBaseUser | None = None,
) -> FollowUp:
    """Put a follow-up off, with a reason, a limited number of times and not too far."""
    calendar_row = business_calendar()
    followup = FollowUp.objects.select_for_update().select_related("lead").get(pk=followup.pk)
    _check_can_move(followup)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": "Give a reason to snooze a follow-up."})
    if followup.snooze_count >= calendar_row.max_snoozes:
        raise ValidationError(
            {
                "snooze_until": f"This follow-up has been snoozed {followup.snooze_count} "
                f"times, the firm's limit; complete it or ask your supervisor to reschedule."
            }
        )
    if timezone.is_naive(until):
        raise ValidationError({"snooze_until": "Give the time with its UTC offset."})
    now = timezone.now()
    calendar = working_calendar()
    latest = calendar.add(now, calendar_row.max_snooze_days, IntervalUnit.DAYS)
    if until <= now:
        raise ValidationError({"snooze_until": "Choose a time in the future."})
    due_time_check(
        due_at=until,
        calendar_time=followup.counts_calendar_time,
        field="snooze_until",
        calendar=calendar,
    )
    if until > latest:
        raise ValidationError(
            {
                "snooze_until": f"A follow-up can be snoozed by at most "
                f"{calendar_row.max_snooze_days} working days (until {london(latest)})."
            }
        )
    old = followup.due_at
    followup.due_at = until
    followup.snooze_count += 1
    followup.next_escalation_at = until if followup.escalation_level < 3 else None
    followup.owner_when_due = None  # due again later: whoever holds it then answers for it
    followup.save(update_fields=["due_at", "snooze_count", "next_escalation_at", "owner_when_due"])
    _due_moved_record(
        followup=followup,
        old=old,
        summary=f"{followup.get_kind_display()} snoozed from {london(old)} to "
        f"{london(until)}: {reason}",
        actor=actor,
        snoozed=True,
        reason=reason,
    )
    return followup


def followups_outside_hours(*, calendar: WorkingCalendar | None = None) -> list[FollowUp]:
    """The open follow-ups counted in working time that fall due outside the firm's
    working hours (made before due times were kept inside them), earliest first."""
    calendar = calendar or working_calendar()
    candidates = (
        FollowUp.objects.filter(completed_at__isnull=True, counts_calendar_time=False)
        .select_related("lead")
        .order_by("due_at", "pk")
    )
    return [
        followup
        for followup in candidates.iterator(chunk_size=2000)
        if not calendar.is_within_hours(followup.due_at)
    ]


@transaction.atomic
def followup_move_into_hours(
    *,
    followup: FollowUp,
    calendar: WorkingCalendar | None = None,
    actor: AbstractBaseUser | None = None,
) -> FollowUp | None:
    """Move one open working-time follow-up that falls due outside the firm's hours to
    the next working moment, on the lead's timeline; None when it needs no move (done
    meanwhile, counted in calendar time, or already inside the hours)."""
    calendar = calendar or working_calendar()
    followup = FollowUp.objects.select_for_update().select_related("lead").get(pk=followup.pk)
    if (
        followup.completed_at is not None
        or followup.counts_calendar_time
        or calendar.is_within_hours(followup.due_at)
    ):
        return None
    old = followup.due_at
    new = calendar.next_opening(old)
    followup.due_at = new
    fields = ["due_at"]
    if followup.next_escalation_at is not None and followup.next_escalation_at < new:
        # Not escalated before it is due: the escalation waits for the new due time.
        followup.next_escalation_at = new
        fields.append("next_escalation_at")
    if new > timezone.now() and followup.owner_when_due_id is not None:
        followup.owner_when_due = None  # due again later: whoever holds it then answers
        fields.append("owner_when_due")
    followup.save(update_fields=fields)
    _due_moved_record(
        followup=followup,
        old=old,
        summary=f"{followup.get_kind_display()} moved into working hours, from "
        f"{london(old)} (the firm was closed) to {london(new)}",
        actor=actor,
        into_working_hours=True,
    )
    return followup


def followups_move_into_hours(*, actor: AbstractBaseUser | None = None) -> list[FollowUp]:
    """Move every open working-time follow-up due outside the firm's hours to the next
    working moment (one transaction each, so a long run holds no lock for long)."""
    calendar = working_calendar()
    moved = []
    for followup in followups_outside_hours(calendar=calendar):
        result = followup_move_into_hours(followup=followup, calendar=calendar, actor=actor)
        if result is not None:
            moved.append(result)
    return moved


def _due_moved_record(
    *, followup: FollowUp, old: dt.datetime, summary: str, actor, **details
) -> None:
    """Write a follow-up's new due time on the lead's timeline (from, to and any details)
    and refresh the lead's next action."""
    activity_record(
        lead=followup.lead,
        kind=ActivityKind.FOLLOWUP_SCHEDULED,
        summary=summary,
        actor=actor,
        data={
            "followup_id": followup.pk,
            "from": old.isoformat(),
            "to": followup.due_at.isoformat(),
            **details,
        },
    )
    lead_next_action_refresh(lead=followup.lead)
