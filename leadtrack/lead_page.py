"""What the lead page shows, read in a fixed number of queries: the summary a fee earner
needs first (who, what they asked, tier and why, owner, next action and when it is due,
and how the lead closed), then the conversation as one timeline (messages in and out,
calls, meetings, notes and the changes that matter), oldest first.

Presentation only: the page's quick actions change the lead through services."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from followups.models import FollowUp
from leads.choices import CLOSED_STATUSES, ActivityKind, Tier
from leads.identity import phone_display
from leads.models import Activity, InboundMessage, Lead, OutboundEmail
from leads.money import pounds
from qualification.models import QualificationResult

# Timeline entries shown in the conversation. The others (captured, message received or
# sent, acknowledgement and brief sent, follow-up scheduled, pipeline failures) repeat a
# message already shown or are technical; every entry is on the lead's History page.
CONVERSATION_KINDS = {
    ActivityKind.CALL_LOGGED: "call",
    ActivityKind.MEETING_LOGGED: "meeting",
    ActivityKind.NOTE: "note",
    ActivityKind.STATUS_CHANGED: "status",
    ActivityKind.ASSIGNED: "event",
    ActivityKind.QUALIFIED: "event",
    ActivityKind.ESCALATED: "event",
    ActivityKind.FOLLOWUP_COMPLETED: "event",
    ActivityKind.CONTACT_CHANGED: "event",
    ActivityKind.EMAIL_BOUNCED: "event",
    ActivityKind.MERGED: "event",
    ActivityKind.SECOND_ENQUIRY: "event",
}
# The most entries of each source read for one page.
TIMELINE_LIMIT = 200


@dataclass
class TimelineEntry:
    at: datetime
    kind: str  # in, out, call, meeting, note, status, event
    title: str
    who: str = ""
    text: str = ""
    email: OutboundEmail | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def person(user) -> str:
    """A member of staff by name (their username only when no name is set)."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def lead_summary(*, lead: Lead, now: datetime | None = None) -> dict[str, Any]:
    """The summary at the top of the lead page (two queries)."""
    now = now or timezone.now()
    result = (
        QualificationResult.objects.filter(lead=lead)
        .select_related("practice_area", "overridden_by")
        .first()
    )
    next_action = (
        FollowUp.objects.filter(lead=lead, completed_at__isnull=True)
        .select_related("owner")
        .order_by("due_at", "pk")
        .first()
    )
    contact = lead.contact
    closed = lead.status in CLOSED_STATUSES
    return {
        "contact": contact,
        "phone": phone_display(contact.phone) if contact.phone else "",
        "enquirer": contact.name or contact.email or contact.phone or "Unknown enquirer",
        "subject": lead.subject,
        "message": lead.message,
        "tier": lead.tier,
        "tier_label": Tier(lead.tier).label if lead.tier else "Not qualified yet",
        "tier_overridden": bool(result and result.is_overridden),
        "model_tier": result.tier if result else None,
        "override_reason": result.override_reason if result else "",
        "basis": list(result.basis) if result else [],
        "recommended_action": result.recommended_action if result else "",
        "practice_area": result.practice_area.name
        if result and result.practice_area
        else ("Unclassified" if result else ""),
        "estimated_value": pounds(lead.estimated_value, empty=""),
        "owner": person(lead.owner),
        "assigned_at": lead.assigned_at,
        "status": lead.get_status_display(),
        "closed": closed,
        "closed_at": lead.closed_at,
        "closed_reason": lead.closed_reason,
        "agreed_fee": pounds(lead.agreed_fee, empty=""),
        "matter_reference": lead.matter_reference,
        "next_action": next_action,
        "next_action_label": next_action.get_kind_display() if next_action else "",
        "next_action_owner": person(next_action.owner) if next_action else "",
        "next_action_overdue": bool(next_action and not closed and next_action.due_at <= now),
        "first_response_at": lead.first_response_at,
    }


def inbound_text(message: InboundMessage) -> str:
    """The words of an inbound message as plain text (shown escaped, never as HTML): an
    email's new text (else its whole body), what a form or the API sent, or, for rows
    stored before capture kept the text on the row, the text in their payload."""
    for value in (message.summary, message.body_text):
        if value.strip():
            return value
    payload = message.payload if isinstance(message.payload, dict) else {}
    fields = payload.get("fields") if isinstance(payload.get("fields"), dict) else {}
    for value in (*(payload.get(key) for key in INBOUND_TEXT_KEYS), fields.get("message")):
        if isinstance(value, str) and value.strip():
            return value
    return "(no text)"


INBOUND_TEXT_KEYS = ("text", "message", "body", "stripped_text", "body_plain")


def lead_conversation(*, lead: Lead) -> list[TimelineEntry]:
    """Messages in and out, calls, meetings, notes and key changes, oldest first (four
    queries whatever the number of entries)."""
    entries: list[TimelineEntry] = []
    for message in InboundMessage.objects.filter(lead=lead).order_by("received_at")[
        :TIMELINE_LIMIT
    ]:
        entries.append(
            TimelineEntry(
                at=message.received_at,
                kind="in",
                title=f"{message.get_kind_display()} · {message.get_channel_display()}",
                who=lead.contact.name or lead.contact.email,
                text=inbound_text(message),
            )
        )
    for email in (
        OutboundEmail.objects.filter(lead=lead)
        .select_related("sent_by")
        .prefetch_related("attachments")
        .order_by("created_at")[:TIMELINE_LIMIT]
    ):
        entries.append(
            TimelineEntry(
                at=email.sent_at or email.created_at,
                kind="out",
                title=email.get_kind_display()
                + (f" from {email.from_name}" if email.from_name else ""),
                who=f"to {', '.join(email.to)}",
                text=email.body_text,
                email=email,
            )
        )
    for activity in (
        Activity.objects.filter(lead=lead, kind__in=list(CONVERSATION_KINDS))
        .select_related("actor")
        .order_by("at", "pk")[:TIMELINE_LIMIT]
    ):
        kind = CONVERSATION_KINDS[ActivityKind(activity.kind)]
        entries.append(
            TimelineEntry(
                at=activity.at,
                kind=kind,
                title=activity.get_kind_display(),
                who=person(activity.actor) or "Leadtrack",
                text=activity.summary,
                extra={"status_to": activity.data.get("to")} if kind == "status" else {},
            )
        )
    entries.sort(key=lambda entry: entry.at)
    return entries
