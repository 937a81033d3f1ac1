"""Which lead an email belongs to: a reply's In-Reply-To or References naming a message
Leadtrack sent or received for the lead; else the lead's reference where Leadtrack put it
(the `X-Leadtrack-Reference` header of our emails, our own Message-IDs, which carry it,
quoted back in References); else the lead's reference in the subject."""

import re

from leads.choices import Channel
from leads.inbound.parsing import Email
from leads.models import InboundMessage, Lead, OutboundEmail

REFERENCE = re.compile(r"\bLD-\d{4}-\d{5,}\b")
REFERENCE_HEADER = "X-Leadtrack-Reference"


def lead_surviving(lead: Lead | None) -> Lead | None:
    """A merged lead's surviving lead (followed to the end of the chain)."""
    seen = set()
    while lead is not None and lead.merged_into_id is not None and lead.pk not in seen:
        seen.add(lead.pk)
        lead = Lead.objects.select_related("contact").get(pk=lead.merged_into_id)
    return lead


def thread_lead(email: Email, *, exclude_inbound_id: int | None = None) -> tuple[Lead, str] | None:
    """The lead this email continues, and how that was recognised; None for a new thread."""
    ids = [mid for mid in [email.in_reply_to, *reversed(email.references)] if mid]
    if ids:
        sent = (
            OutboundEmail.objects.filter(message_id__in=ids, lead__isnull=False)
            .select_related("lead__contact")
            .order_by("-created_at")
            .first()
        )
        if sent is not None:
            return lead_surviving(sent.lead), "In-Reply-To/References name an email we sent"
        received = InboundMessage.objects.filter(
            channel=Channel.EMAIL, message_id__in=ids, lead__isnull=False
        )
        if exclude_inbound_id is not None:
            received = received.exclude(pk=exclude_inbound_id)
        received = received.select_related("lead__contact").order_by("-received_at").first()
        if received is not None:
            return lead_surviving(received.lead), "In-Reply-To/References name an email on the lead"
    for reference, where in _references_we_wrote(email, ids):
        lead = Lead.objects.select_related("contact").filter(reference=reference).first()
        if lead is not None:
            return lead_surviving(lead), f"Lead reference {reference} in {where}"
    for reference in REFERENCE.findall(email.subject):
        lead = Lead.objects.select_related("contact").filter(reference=reference).first()
        if lead is not None:
            return lead_surviving(lead), f"Lead reference {reference} in the subject"
    return None


def _references_we_wrote(email: Email, ids: list[str]) -> list[tuple[str, str]]:
    """Lead references in the places Leadtrack itself writes them: the reference header of
    our emails (kept when a message is forwarded or redirected back to us) and the
    Message-IDs we make (`<...LD-2026-00042.kind.token@our-domain>`), quoted back in a
    reply's In-Reply-To or References even where that email is no longer on record."""
    from leads.services.email import message_id_domain

    found: list[tuple[str, str]] = []
    header = email.header(REFERENCE_HEADER)
    found.extend((ref, f"the {REFERENCE_HEADER} header") for ref in REFERENCE.findall(header))
    domain = "@" + message_id_domain().lower() if ids else ""
    for message_id in ids:
        if message_id.lower().rstrip(">").endswith(domain):
            found.extend(
                (ref, "the Message-ID it replies to") for ref in REFERENCE.findall(message_id)
            )
    return found
