"""Merging: two leads that turn out to be one enquiry (the same person writing twice
before capture could join them) become one, with both timelines kept on the lead kept.
The merged lead's status periods (the timeline's status changes as numbers) move with its
timeline, taking the kept lead's arrival, so reports count them once, for the kept lead;
the furthest stage reached before each is worked out again along the joined timeline."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from leads import signals
from leads.choices import ActivityKind, Status
from leads.models import Activity, InboundMessage, Lead, OutboundEmail, StatusPeriod
from leads.services.activity import activity_record
from leads.services.statuses import status_periods_restage


def _earliest(*values):
    present = [value for value in values if value is not None]
    return min(present) if present else None


def _latest(*values):
    present = [value for value in values if value is not None]
    return max(present) if present else None


@transaction.atomic
def lead_merge(*, keep: Lead, merge: Lead, actor: AbstractBaseUser | None) -> Lead:
    """Fold ``merge`` into ``keep``: its timeline, inbound messages and emails move to
    ``keep``, it is closed as ``merged`` (``merged_into`` names ``keep``) and leaves every
    list; both timelines say so, and ``lead_merged`` lets the higher apps close what they
    hold for it (its open follow-ups)."""
    if keep.pk == merge.pk:
        raise ValidationError("Choose two different leads to merge.")
    first, second = sorted([keep.pk, merge.pk])
    locked = Lead.objects.select_for_update().in_bulk([first, second])
    if len(locked) != 2:
        raise ValidationError("One of the leads no longer exists.")
    keep, merge = locked[keep.pk], locked[merge.pk]
    for lead in (keep, merge):
        if lead.merged_into_id is not None:
            raise ValidationError(
                f"{lead} was already merged into another lead; merge into that one instead."
            )

    now = timezone.now()
    moved_activities = Activity.objects.filter(lead=merge).update(lead=keep)
    if StatusPeriod.objects.filter(lead=merge).update(lead=keep, lead_arrived_at=keep.arrived_at):
        status_periods_restage(lead=keep)
    moved_inbound = InboundMessage.objects.filter(lead=merge).update(lead=keep)
    moved_emails = OutboundEmail.objects.filter(lead=merge).update(lead=keep)
    # Leads merged into ``merge`` earlier now point at the lead that is kept.
    Lead.objects.filter(merged_into=merge).update(merged_into=keep)

    # The kept lead answers for both enquiries: first response and last contact span both.
    keep.first_response_at = _earliest(keep.first_response_at, merge.first_response_at)
    keep.last_contact_at = _latest(keep.last_contact_at, merge.last_contact_at)
    fields = ["first_response_at", "last_contact_at"]
    if keep.referral_source_id is None and merge.referral_source_id is not None:
        keep.referral_source_id = merge.referral_source_id
        fields.append("referral_source")
    if not keep.practice_area_hint and merge.practice_area_hint:
        keep.practice_area_hint = merge.practice_area_hint
        fields.append("practice_area_hint")
    keep.save(update_fields=fields)

    # Merged is a closed status of its own, so "open" needs no second condition anywhere.
    merge.merged_into = keep
    merge.status = Status.MERGED
    merge.status_changed_at = now
    merge.closed_at = now
    merge.closed_reason = f"Merged into {keep.reference}"
    merge.save(
        update_fields=["merged_into", "status", "status_changed_at", "closed_at", "closed_reason"]
    )

    details = {
        "kept_lead_id": keep.pk,
        "kept_reference": keep.reference,
        "merged_lead_id": merge.pk,
        "merged_reference": merge.reference,
        "moved_activities": moved_activities,
        "moved_inbound_messages": moved_inbound,
        "moved_emails": moved_emails,
        "merged_contact_id": merge.contact_id,
    }
    same_contact = keep.contact_id == merge.contact_id
    activity_record(
        lead=keep,
        kind=ActivityKind.MERGED,
        summary=(
            f"{merge.reference} (arrived {timezone.localtime(merge.arrived_at):%d %b %Y %H:%M}, "
            f"{merge.get_channel_display()}) merged into this lead; its timeline is shown here"
            + ("" if same_contact else f"; its contact was {merge.contact}")
        ),
        actor=actor,
        at=now,
        data=details,
    )
    activity_record(
        lead=merge,
        kind=ActivityKind.MERGED,
        summary=f"Merged into {keep.reference}; see that lead for this enquiry's timeline",
        actor=actor,
        at=now,
        data=details,
    )
    signals.lead_merged.send(sender=Lead, keep=keep, merged=merge, actor=actor)
    return keep
