"""Pipeline steps owned by the leads app. A step takes ``lead``, is safe to run twice,
and is listed by dotted path in ``LEADTRACK_PIPELINE``."""

from django.conf import settings

from leads.choices import ActivityKind, EmailKind, Status
from leads.models import Lead
from leads.services.email import outbound_email_queue


def acknowledge(*, lead: Lead) -> None:
    """Tell a genuine new enquirer we have their enquiry, its reference and when to expect
    an answer; once per lead, and only for channels where the enquirer wrote in (not
    staff-logged calls, referrals or imports, which capture marks as not owed one)."""
    if lead.channel not in settings.LEADTRACK_ACKNOWLEDGE_CHANNELS:
        return
    # Spam and job applications (disqualified), and imported or staff-logged enquiries
    # (send_acknowledgement off), are never acknowledged.
    if lead.status == Status.DISQUALIFIED or not lead.send_acknowledgement:
        return
    if not lead.contact.email or lead.merged_into_id is not None:
        return
    # An address that bounced before is not written to again: the owner phones instead.
    if lead.contact.email_undeliverable_at is not None:
        return
    outbound_email_queue(
        kind=EmailKind.ACKNOWLEDGEMENT,
        to=[lead.contact.email],
        template="emails/acknowledgement",
        context={
            "lead": lead,
            "contact": lead.contact,
            "response_promise": settings.LEADTRACK_RESPONSE_PROMISE,
        },
        dedupe_key=f"acknowledgement:lead:{lead.pk}",
        lead=lead,
        activity_kind=ActivityKind.ACKNOWLEDGEMENT_SENT,
    )
