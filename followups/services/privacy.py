"""Removing a person from follow-ups (UK GDPR erasure and anonymising, announced by
``compliance.signals.person_removed``): the notes staff wrote when completing them."""

from django.db import transaction

from followups.models import FollowUp


@transaction.atomic
def followups_redact(*, lead_ids: list[int]) -> int:
    """Blank the completion notes of the leads' follow-ups; returns how many changed."""
    return (
        FollowUp.objects.filter(lead_id__in=lead_ids)
        .exclude(completion_note="")
        .update(completion_note="")
    )
