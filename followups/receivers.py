"""Receivers of the leads app's signals: each hands the event to one follow-ups service.

Connected in ``FollowupsConfig.ready()``; no business logic here.
"""

from followups.choices import ContactEvent
from followups.services import (
    followup_phone_after_bounce,
    followup_subject_access,
    followups_close_for_merged,
    followups_on_status_changed,
    followups_reassign,
    followups_record_contact,
    followups_redact,
)


def on_status_changed(sender, *, lead, old_status, new_status, actor=None, **kwargs) -> None:
    followups_on_status_changed(
        lead=lead, old_status=old_status, new_status=new_status, actor=actor
    )


def on_message_sent(sender, *, lead, at=None, actor=None, **kwargs) -> None:
    followups_record_contact(lead=lead, event=ContactEvent.EMAIL, at=at, actor=actor)


def on_contact_logged(sender, *, lead, kind, at=None, actor=None, **kwargs) -> None:
    followups_record_contact(lead=lead, event=ContactEvent(kind), at=at, actor=actor)


def on_lead_assigned(sender, *, lead, actor=None, **kwargs) -> None:
    followups_reassign(lead=lead, owner=lead.owner, actor=actor)


def on_contact_email_bounced(sender, *, lead, address, reason, at=None, **kwargs) -> None:
    followup_phone_after_bounce(lead=lead, address=address, reason=reason, at=at)


def on_lead_merged(sender, *, keep, merged, actor=None, **kwargs) -> None:
    followups_close_for_merged(merged=merged, keep=keep, actor=actor)


def on_subject_access_requested(sender, *, request, actor=None, **kwargs) -> None:
    followup_subject_access(
        contact=request.contact,
        request_id=request.pk,
        request=request.request,
        received_on=request.received_on,
        due_on=request.due_on,
        actor=actor,
    )


def on_person_removed(sender, *, lead_ids, **kwargs) -> None:
    followups_redact(lead_ids=lead_ids)
