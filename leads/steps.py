"""Pipeline steps owned by the leads app. A step takes ``lead``, is safe to run twice,
and is listed by dotted path in ``LEADTRACK_PIPELINE``."""

from django.conf import settings
from django.utils import timezone

from firm.promises import response_promise
from firm.selectors import firm_profile, working_calendar
from leads.choices import ActivityKind, Channel, EmailKind, Status
from leads.models import Lead
from leads.services.email import outbound_email_queue
from leads.services.replies import reply_thread

# The one-line summary of an emailed enquiry an acknowledgement quotes, at most this long.
ASKED_MAX_CHARS = 160


def one_line(text: str, limit: int = ASKED_MAX_CHARS) -> str:
    """The first words of ``text`` on one line, cut at a word with an ellipsis."""
    words = " ".join((text or "").split())
    if len(words) <= limit:
        return words
    return words[: limit - 1].rsplit(" ", 1)[0] + "…"


def acknowledgement_context(*, lead: Lead, now) -> dict:
    """What an acknowledgement says: the reference, what was asked (one line for an
    email, everything sent for a form), and only the promise that is still true."""
    profile = firm_profile()
    context = {
        "lead": lead,
        "contact": lead.contact,
        "arrived_local": timezone.localtime(lead.arrived_at),
        "promise": response_promise(
            calendar=working_calendar(),
            promise=profile.response_promise,
            arrived_at=lead.arrived_at,
            now=now,
        ),
    }
    if lead.channel == Channel.EMAIL:
        inbound = (
            lead.inbound_messages.filter(channel=Channel.EMAIL).order_by("received_at").first()
        )
        context["asked"] = one_line((inbound.summary if inbound else "") or lead.message)
    else:
        contact = lead.contact
        fields = [
            ("Name", contact.name),
            ("Email", contact.email),
            ("Phone", contact.phone),
            ("Organisation", contact.organisation),
        ]
        context["sent_fields"] = [(label, value) for label, value in fields if value]
        context["quoted_message"] = "\n".join(f"> {line}" for line in lead.message.splitlines())
    return context


def acknowledge(*, lead: Lead) -> None:
    """Tell a genuine new enquirer we have their enquiry, its reference and when to expect
    an answer; once per lead, and only for channels where the enquirer wrote in (not
    staff-logged calls, referrals or imports, which capture marks as not owed one). To an
    emailed enquiry it is a reply, threaded to their email."""
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
    context = acknowledgement_context(lead=lead, now=timezone.now())
    thread = reply_thread(lead=lead) if lead.channel == Channel.EMAIL else None
    if thread is not None and thread.in_reply_to:
        context["thread_subject"] = thread.subject
    outbound_email_queue(
        kind=EmailKind.ACKNOWLEDGEMENT,
        to=[lead.contact.email],
        template="emails/acknowledgement",
        context=context,
        dedupe_key=f"acknowledgement:lead:{lead.pk}",
        lead=lead,
        activity_kind=ActivityKind.ACKNOWLEDGEMENT_SENT,
        in_reply_to=thread.in_reply_to if thread else "",
        references=thread.references if thread else (),
    )
