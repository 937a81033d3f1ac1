"""Machine mail put to use: what a report says is kept on its stored row, and a bounce of
Leadtrack's own mail is matched to the email it reports on (by the original Message-ID
quoted in the report, else by a failed recipient Leadtrack mailed lately). The email then
shows as bounced, the contact's address is marked undeliverable, the lead's timeline says
so, and ``leads.signals.contact_email_bounced`` tells the higher apps, whose receiver asks
the owner to phone instead. A bounced acknowledgement is no acknowledgement: its email is
``bounced``, not ``sent`` (see ``leads.selectors.lead_acknowledged``).
"""

from datetime import datetime, timedelta
from email.utils import getaddresses

from django.db import transaction
from django.utils import timezone

from leads import signals
from leads.choices import ActivityKind, EmailKind, EmailState, InboundKind
from leads.inbound.classification import Verdict
from leads.inbound.threads import lead_surviving
from leads.models import Contact, InboundMessage, Lead, OutboundEmail
from leads.services.activity import activity_record

# A bounce quoting no original Message-ID is matched to the newest email Leadtrack sent a
# failed address within this many days.
RECIPIENT_MATCH_DAYS = 30
MACHINE_FIELDS = ["machine_detector", "failed_recipients", "original_message_id"]


def _addresses(values: list[str]) -> set[str]:
    return {email.lower() for _name, email in getaddresses(values) if email}


def outbound_email_for_bounce(
    *, original_message_id: str, failed_recipients: tuple[str, ...], at: datetime
) -> tuple[OutboundEmail, str] | None:
    """The email Leadtrack sent that a bounce reports on, and how it was found: by the
    original's Message-ID if the report quotes one, else by a failed recipient."""
    if original_message_id:
        email = (
            OutboundEmail.objects.filter(message_id=original_message_id)
            .select_related("lead__contact")
            .first()
        )
        if email is not None:
            return email, f"the original Message-ID {original_message_id}"
        return None  # a report on someone else's email (a colleague's, say)
    since = at - timedelta(days=RECIPIENT_MATCH_DAYS)
    for address in failed_recipients:
        candidates = (
            OutboundEmail.objects.filter(
                to__icontains=address,
                state__in=[EmailState.SENT, EmailState.BOUNCED],
                sent_at__gte=since,
                sent_at__lte=at + timedelta(minutes=5),
            )
            .select_related("lead__contact")
            .order_by("-sent_at")[:20]
        )
        for email in candidates:
            if address in _addresses(email.to):
                return email, f"the recipient {address}"
    return None


@transaction.atomic(savepoint=False)  # all or nothing with the caller's transaction
def machine_mail_record(*, inbound: InboundMessage, verdict: Verdict) -> OutboundEmail | None:
    """Keep what a machine's message says on its stored row; for a bounce of Leadtrack's
    own mail, mark that email bounced (and what follows). Returns the bounced email."""
    inbound.machine_detector = verdict.detector[:60]
    inbound.failed_recipients = list(verdict.failed_recipients)
    inbound.original_message_id = verdict.original_message_id[:300]
    fields = list(MACHINE_FIELDS)
    bounced = None
    if verdict.kind == InboundKind.BOUNCE:
        at = inbound.arrived_at or inbound.received_at or timezone.now()
        match = outbound_email_for_bounce(
            original_message_id=inbound.original_message_id,
            failed_recipients=verdict.failed_recipients,
            at=at,
        )
        if match is not None:
            bounced, how = match
            inbound.bounced_email = bounced
            fields.append("bounced_email")
            if bounced.lead is not None:
                inbound.lead = lead_surviving(bounced.lead)
                fields.append("lead")
            outbound_email_mark_bounced(
                email=bounced,
                inbound=inbound,
                reason=_bounce_reason(inbound, verdict),
                matched_by=how,
                at=at,
            )
    inbound.save(update_fields=fields)
    return bounced


def _bounce_reason(inbound: InboundMessage, verdict: Verdict) -> str:
    subject = inbound.subject or "(no subject)"
    failed = ", ".join(verdict.failed_recipients) or "no address named"
    return f"{subject} (failed: {failed})"[:300]


@transaction.atomic(savepoint=False)  # all or nothing with the caller's transaction
def outbound_email_mark_bounced(
    *,
    email: OutboundEmail,
    inbound: InboundMessage,
    reason: str,
    matched_by: str,
    at: datetime,
) -> OutboundEmail:
    """Record that an email Leadtrack sent bounced: the email shows as bounced, and if it
    went to the lead's contact, the address is marked undeliverable, the timeline says
    so and the higher apps are told (once per email, however many reports arrive)."""
    email = (
        OutboundEmail.objects.select_for_update(of=("self",))
        .select_related("lead__contact")
        .get(pk=email.pk)
    )
    if email.state == EmailState.BOUNCED:
        return email
    email.state = EmailState.BOUNCED
    email.bounced_at = at
    email.bounce_reason = reason[:300]
    email.save(update_fields=["state", "bounced_at", "bounce_reason"])
    lead = lead_surviving(email.lead)
    if lead is None:
        return email
    sent_to = _addresses(email.to)
    failed = set(inbound.failed_recipients) & sent_to or sent_to
    contact_address = (lead.contact.email or "").lower()
    to_contact = contact_address in failed
    if to_contact:
        contact_mark_undeliverable(contact=lead.contact, reason=reason, at=at)
    what = email.get_kind_display()
    summary = f"{what} to {', '.join(sorted(failed))} bounced: {inbound.subject or 'no subject'}"
    if to_contact:
        summary += ". The address is undeliverable: phone instead"
        if email.kind == EmailKind.ACKNOWLEDGEMENT:
            summary += " (the enquirer has not been acknowledged)"
    activity_record(
        lead=lead,
        kind=ActivityKind.EMAIL_BOUNCED,
        summary=summary,
        at=at,
        data={
            "outbound_email_id": email.pk,
            "inbound_message_id": inbound.pk,
            "failed_recipients": sorted(failed),
            "matched_by": matched_by,
        },
    )
    if to_contact:
        signals.contact_email_bounced.send(
            sender=Lead,
            lead=lead,
            outbound_email=email,
            address=contact_address,
            reason=reason,
            at=at,
        )
    return email


def contact_mark_undeliverable(*, contact: Contact, reason: str, at: datetime) -> None:
    """Mark a contact's email address as one mail cannot reach."""
    Contact.objects.filter(pk=contact.pk).update(
        email_undeliverable_at=at, email_undeliverable_reason=reason[:300]
    )
    contact.email_undeliverable_at = at
    contact.email_undeliverable_reason = reason[:300]
