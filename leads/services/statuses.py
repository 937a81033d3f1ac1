"""Status changes, through one function that enforces the transitions and writes the
timeline; and the first-response mark that response-time reports are built on.

Each ``status_changed`` entry records when the status it ends began (``data["since"]``:
the previous change, or the lead's arrival), and the same transaction records the period
it ended as a ``StatusPeriod`` row (status, start, end, seconds, the stage the change led
to and the furthest stage reached before it), which the pipeline velocity report reads
instead of the timeline's JSON."""

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from leads import signals
from leads.choices import CLOSED_STATUSES, ActivityKind, Status
from leads.models import Activity, Lead, StatusPeriod
from leads.money import pounds
from leads.services.activity import activity_record
from leads.statuses import allowed_transitions, forward_stage, transition_needs_reason


@transaction.atomic
def lead_change_status(
    *,
    lead: Lead,
    status: str,
    reason: str = "",
    actor: AbstractBaseUser | None = None,
    agreed_fee: Decimal | str | None = None,
    matter_reference: str = "",
    by_leadtrack: bool = False,
) -> Lead:
    """Move the lead to ``status`` if the transition is allowed, recording who and why.

    Marking a lead won records the fee the client agreed and the firm's matter reference
    (both needed, on every surface); reopening a lead clears its closing details.
    ``by_leadtrack`` marks a change Leadtrack makes itself, with no person choosing (the
    qualification model disqualifying spam): the firm's checks record it in their terms
    rather than refuse a reason no person could pick from a list."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    old = lead.status
    reason = lead_status_change_check(
        lead=lead, status=status, reason=reason, actor=actor, by_leadtrack=by_leadtrack
    )
    won = won_details_validate(
        status=status, agreed_fee=agreed_fee, matter_reference=matter_reference
    )
    now = timezone.now()
    since = (
        Activity.objects.filter(lead=lead, kind=ActivityKind.STATUS_CHANGED)
        .order_by("-at", "-pk")
        .values_list("at", flat=True)
        .first()
    ) or lead.arrived_at
    lead.status = status
    lead.status_changed_at = now
    fields = ["status", "status_changed_at"]
    if status in CLOSED_STATUSES:
        lead.closed_at = now
        lead.closed_reason = reason[:300]
        lead.agreed_fee, lead.matter_reference = won or (None, "")
        fields += ["closed_at", "closed_reason", "agreed_fee", "matter_reference"]
    elif old in CLOSED_STATUSES:
        lead.closed_at = None
        lead.closed_reason = ""
        lead.agreed_fee, lead.matter_reference = None, ""
        fields += ["closed_at", "closed_reason", "agreed_fee", "matter_reference"]
    lead.save(update_fields=fields)
    summary = f"Status changed from {Status(old).label} to {Status(status).label}"
    if won:
        summary += f" (agreed fee {pounds(won[0])}, matter {won[1]})"
    change = activity_record(
        lead=lead,
        kind=ActivityKind.STATUS_CHANGED,
        summary=f"{summary}: {reason}" if reason else summary,
        actor=actor,
        at=now,
        data={
            "from": old,
            "to": status,
            "reason": reason,
            "since": since.astimezone(UTC).isoformat(),
            **({"agreed_fee": str(won[0]), "matter_reference": won[1]} if won else {}),
        },
    )
    status_period_record(change=change)
    signals.status_changed.send(
        sender=Lead, lead=lead, old_status=old, new_status=status, reason=reason, actor=actor
    )
    return lead


def lead_status_change_check(
    *,
    lead: Lead,
    status: str,
    reason: str = "",
    actor: AbstractBaseUser | None = None,
    by_leadtrack: bool = False,
) -> str:
    """Whether the lead may move to ``status`` now: raises ValidationError saying why not,
    else returns the reason to record (normalised by the firm's checks). Writes nothing,
    so a caller can ask before deciding what else to do."""
    if status not in Status.values:
        raise ValidationError({"status": f"“{status}” is not a status."})
    old = lead.status
    if status == old:
        raise ValidationError({"status": f"The lead is already {lead.get_status_display()}."})
    if Status.MERGED in (old, status):
        raise ValidationError(
            {
                "status": f"{lead.reference} was merged into another lead; change that lead."
                if old == Status.MERGED
                else "Leads are marked merged by merging them (the lead list's merge "
                "action), not by a status change."
            }
        )
    if Status(status) not in allowed_transitions(old):
        allowed = ", ".join(sorted(allowed_transitions(old))) or "none"
        raise ValidationError(
            {
                "status": (
                    f"A lead cannot go from {Status(old).label} to {Status(status).label}. "
                    f"From {Status(old).label} it can go to: {allowed}."
                )
            }
        )
    reason = " ".join((reason or "").split())
    if transition_needs_reason(old, status) and not reason:
        verb = "reopen a lead" if old in CLOSED_STATUSES else f"mark a lead {status}"
        raise ValidationError({"reason": f"Give a reason to {verb}."})
    # The higher apps' rules for this change, asked through ``LEADTRACK_STATUS_CHECKS`` so
    # every surface (API, admin list and page, board, commands) obeys them: the firm's
    # closure reasons, no meeting before the conflict decision, due diligence before a win.
    # A check refuses with ValidationError, or returns the reason to record (in the firm's
    # own words), or None.
    for check in status_checks():
        normalised = check(
            lead=lead,
            old_status=old,
            new_status=status,
            reason=reason,
            actor=actor,
            by_leadtrack=by_leadtrack,
        )
        if normalised is not None:
            reason = normalised

    return reason


def won_details_validate(
    *, status: str, agreed_fee: Decimal | str | None, matter_reference: str
) -> tuple[Decimal, str] | None:
    """For a win, the agreed fee (pounds, not negative) and the matter reference, cleaned;
    None for any other status. Raises ValidationError naming what is missing."""
    if status != Status.WON:
        return None
    problems = {}
    fee = None
    if agreed_fee is None or str(agreed_fee).strip() == "":
        problems["agreed_fee"] = "Give the fee the client agreed to mark a lead won."
    else:
        try:
            fee = Decimal(str(agreed_fee).strip().lstrip("£").replace(",", ""))
        except InvalidOperation:
            fee = None
        if fee is None or not fee.is_finite() or fee < 0 or fee >= Decimal("1e10"):
            problems["agreed_fee"] = "The agreed fee must be an amount in pounds, such as 4700."
    matter_reference = " ".join((matter_reference or "").split())
    if not matter_reference:
        problems["matter_reference"] = "Give the matter reference to mark a lead won."
    elif len(matter_reference) > 60:
        problems["matter_reference"] = "The matter reference must be 60 characters or fewer."
    if problems:
        raise ValidationError(problems)
    return fee.quantize(Decimal("0.01")), matter_reference


def status_checks() -> list:
    """The functions of ``LEADTRACK_STATUS_CHECKS``, each called before a status change
    with the lead, the old and new status, the actor and whether Leadtrack itself makes
    the change (``by_leadtrack``); one raises ValidationError with
    the reason to refuse it."""
    return [import_string(path) for path in settings.LEADTRACK_STATUS_CHECKS]


def status_period_record(*, change: Activity) -> StatusPeriod:
    """Record the period in a status that a ``status_changed`` timeline entry ended, from
    the entry itself (its ``from``, ``to`` and ``since``), after the lead's earlier ones."""
    started_at = datetime.fromisoformat(change.data["since"])
    furthest = StatusPeriod.objects.filter(lead=change.lead).aggregate(stage=Max("stage"))
    return StatusPeriod.objects.create(
        lead=change.lead,
        lead_arrived_at=change.lead.arrived_at,
        status=change.data["from"],
        started_at=started_at,
        ended_at=change.at,
        seconds=(change.at - started_at).total_seconds(),
        stage=forward_stage(change.data["to"]),
        furthest_before=furthest["stage"] or 0,
    )


def status_periods_restage(*, lead: Lead) -> int:
    """Work out again, along the lead's periods in time order, the furthest stage it had
    reached before each (after a merge brought in another lead's); returns how many
    changed."""
    periods = list(StatusPeriod.objects.filter(lead=lead).order_by("ended_at", "pk"))
    changed, furthest = [], 0
    for period in periods:
        if period.furthest_before != furthest:
            period.furthest_before = furthest
            changed.append(period)
        furthest = max(furthest, period.stage or 0)
    StatusPeriod.objects.bulk_update(changed, ["furthest_before"])
    return len(changed)


@transaction.atomic
def lead_record_first_response(*, lead: Lead, at: datetime) -> bool:
    """Mark when the firm first answered the enquirer; later answers leave it as it is."""
    updated = Lead.objects.filter(pk=lead.pk, first_response_at__isnull=True).update(
        first_response_at=at
    )
    Lead.objects.filter(pk=lead.pk).filter(
        Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=at)
    ).update(last_contact_at=at)
    lead.refresh_from_db(fields=["first_response_at", "last_contact_at"])
    return bool(updated)
