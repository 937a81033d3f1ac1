"""Pipeline steps owned by the leads app. A step takes ``lead``, is safe to run twice,
and is listed by dotted path in ``LEADTRACK_PIPELINE``."""

from django.conf import settings

from leads.choices import ActivityKind, EmailKind, Status
from leads.models import Lead
from leads.services.email import outbound_email_queue


def acknowledge(*, lead: Lead) -> None:
    """Tell a genuine new enquirer we have their enquiry, its reference and when to expect
    an answer; once per lead, and only for channels where the enquirer wrote in."""
    if lead.channel not in settings.LEADTRACK_ACKNOWLEDGE_CHANNELS:
        return
    if lead.status == Status.DISQUALIFIED:  # spam, job applications: nothing is sent
        return
    if not lead.contact.email or lead.merged_into_id is not None:
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
