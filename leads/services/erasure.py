"""Removing a person from the leads app's tables (UK GDPR): a lead anonymised (what the
reports need kept: dates, channel, source, tier, status, values; the person removed:
names, addresses, phone numbers, message text, attachments, raw payloads, emails sent),
a lead deleted outright (spam), and a contact erased across every lead they have.

Compliance decides when (retention schedule) and on what request (erasure); these
functions only do it, and say how many rows they changed, never what was removed."""

from collections import Counter

from django.db import transaction
from django.db.models import Q

from leads.choices import ActivityKind, Status
from leads.models import Activity, Attachment, Contact, InboundMessage, Lead, OutboundEmail

REMOVED = "(removed)"


def _activities_anonymise(lead: Lead) -> int:
    changed = []
    for activity in Activity.objects.filter(lead=lead):
        if activity.kind == ActivityKind.STATUS_CHANGED:
            data = {k: activity.data.get(k) for k in ("from", "to", "since") if k in activity.data}
            old, new = data.get("from"), data.get("to")
            summary = (
                f"Status changed from {Status(old).label} to {Status(new).label}"
                if old in Status.values and new in Status.values
                else "Status changed"
            )
        else:
            data = {}
            summary = f"{ActivityKind(activity.kind).label} (details removed)"
        if activity.summary != summary or activity.data != data:
            activity.summary, activity.data = summary, data
            changed.append(activity)
    Activity.objects.bulk_update(changed, ["summary", "data"])
    return len(changed)


def _inbound_anonymise(messages) -> tuple[int, int]:
    attachments = Attachment.objects.filter(inbound__in=messages)
    files = 0
    for attachment in attachments.exclude(file=""):
        attachment.file.delete(save=False)
        files += 1
    attachments.update(filename=REMOVED, file="")
    count = messages.update(
        raw="",
        payload={},
        message_mime="",
        from_email="",
        from_name="",
        to=[],
        cc=[],
        subject="",
        body_text="",
        body_html="",
        summary="",
        reason="",
        error="",
        in_reply_to="",
        references=[],
    )
    return count, files


@transaction.atomic
def lead_anonymise(*, lead: Lead) -> Counter:
    """Remove the person from the lead and everything on it, keeping what reports count."""
    counts: Counter = Counter()
    Lead.objects.filter(pk=lead.pk).update(subject="", message="", utm={})
    counts["leads"] += 1
    counts["timeline entries"] += _activities_anonymise(lead)
    inbound, files = _inbound_anonymise(InboundMessage.objects.filter(lead=lead))
    counts["inbound messages"] += inbound
    counts["attachments"] += files
    counts["emails sent"] += OutboundEmail.objects.filter(lead=lead).update(
        to=[], subject=REMOVED, body_text=REMOVED, body_html="", reply_to=[]
    )
    contact = Contact.objects.get(pk=lead.contact_id)
    others = Lead.objects.filter(contact=contact).exclude(pk=lead.pk)
    if not others.exclude(subject="", message="").exists():
        counts["contacts"] += contact_anonymise(contact=contact)
    return counts


def contact_anonymise(*, contact: Contact) -> int:
    """Blank the contact's own details (the row stays, so its leads keep their contact)."""
    return Contact.objects.filter(pk=contact.pk).update(
        name="", email="", phone="", organisation="", job_title=""
    )


@transaction.atomic
def contact_erase(*, contact: Contact) -> Counter:
    """Erase the person across every lead, message, attachment and email sent, including
    messages from their address held without a lead."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    counts: Counter = Counter()
    addresses = Q(from_email__iexact=contact.email) if contact.email else Q(pk__in=[])
    unlinked = InboundMessage.objects.filter(addresses, lead__isnull=True)
    inbound, files = _inbound_anonymise(unlinked)
    counts["inbound messages"] += inbound
    counts["attachments"] += files
    for lead in Lead.objects.filter(contact=contact).order_by("pk"):
        counts.update(lead_anonymise(lead=lead))
    counts["contacts"] = contact_anonymise(contact=contact)
    return counts


@transaction.atomic
def lead_delete(*, lead: Lead) -> Counter:
    """Delete the lead and everything on it (e.g. spam past its retention), and its
    contact if they have no other lead."""
    counts: Counter = Counter()
    messages = InboundMessage.objects.filter(lead=lead)
    for attachment in Attachment.objects.filter(inbound__in=messages).exclude(file=""):
        attachment.file.delete(save=False)
        counts["attachments"] += 1
    counts["inbound messages"] = messages.count()
    messages.delete()
    contact_id = lead.contact_id
    Lead.objects.filter(merged_into=lead).update(merged_into=None)
    Lead.objects.filter(pk=lead.pk).delete()
    counts["leads"] = 1
    if not Lead.objects.filter(contact_id=contact_id).exists():
        Contact.objects.filter(pk=contact_id).delete()
        counts["contacts"] = 1
    return counts
