"""The follow-up app's fixed vocabularies: kinds of obligation, how one was completed,
escalation levels, the firm's nation, and which lead stage an obligation belongs to."""

from django.db import models

from leads.choices import Status


class FollowUpKind(models.TextChoices):
    FIRST_CONTACT = "first_contact", "First contact"
    CALL = "call", "Call the client"
    BOOK_MEETING = "book_meeting", "Book a meeting"
    SEND_TERMS = "send_terms", "Send terms of engagement"
    SEND_PROPOSAL = "send_proposal", "Send a proposal or fee quote"
    CHASE = "chase", "Chase for a reply"
    CHASE_PROPOSAL = "chase_proposal", "Chase after proposal"
    SUBJECT_ACCESS = "subject_access", "Answer a subject access request"


class ContactEvent(models.TextChoices):
    """Things the firm does that can complete a follow-up without anyone ticking it off."""

    CALL = "call", "Call logged"
    MEETING = "meeting", "Meeting logged"
    EMAIL = "email", "Reply sent"


# Which recorded contact completes which kind of obligation.
COMPLETED_BY: dict[ContactEvent, frozenset[FollowUpKind]] = {
    ContactEvent.CALL: frozenset(
        {
            FollowUpKind.FIRST_CONTACT,
            FollowUpKind.CALL,
            FollowUpKind.CHASE,
            FollowUpKind.CHASE_PROPOSAL,
        }
    ),
    ContactEvent.MEETING: frozenset(
        {
            FollowUpKind.FIRST_CONTACT,
            FollowUpKind.CALL,
            FollowUpKind.BOOK_MEETING,
            FollowUpKind.CHASE,
            FollowUpKind.CHASE_PROPOSAL,
        }
    ),
    ContactEvent.EMAIL: frozenset(
        {
            FollowUpKind.FIRST_CONTACT,
            FollowUpKind.SEND_TERMS,
            FollowUpKind.SEND_PROPOSAL,
            FollowUpKind.CHASE,
            FollowUpKind.CHASE_PROPOSAL,
        }
    ),
}


class CompletedHow(models.TextChoices):
    CALL_LOGGED = "call_logged", "Call logged"
    MEETING_LOGGED = "meeting_logged", "Meeting logged"
    MESSAGE_SENT = "message_sent", "Reply sent"
    STATUS_CHANGED = "status_changed", "Lead moved on"
    LEAD_CLOSED = "lead_closed", "Lead closed"
    MANUAL = "manual", "Marked done by hand"


EVENT_COMPLETES_AS: dict[ContactEvent, CompletedHow] = {
    ContactEvent.CALL: CompletedHow.CALL_LOGGED,
    ContactEvent.MEETING: CompletedHow.MEETING_LOGGED,
    ContactEvent.EMAIL: CompletedHow.MESSAGE_SENT,
}


class ReplyPurpose(models.TextChoices):
    """What a reply template is for, in the order a lead usually needs them."""

    FIRST_RESPONSE = "first_response", "First response"
    DOCUMENTS = "documents", "Asking for documents"
    CONSULTATION = "consultation", "Booking a consultation"
    FIXED_FEE_QUOTE = "fixed_fee_quote", "Fixed-fee quote"
    CHASE = "chase", "Chasing"


class Stage(models.TextChoices):
    """The open part of the lead's life an obligation belongs to; moving on closes it."""

    NEW = "new", "New or assigned, not yet contacted"
    CONTACTED = "contacted", "Contacted"
    MEETING = "meeting", "Meeting"
    PROPOSAL = "proposal", "Proposal"


STAGE_OF_STATUS: dict[str, Stage] = {
    Status.NEW: Stage.NEW,
    Status.ASSIGNED: Stage.NEW,
    Status.CONTACTED: Stage.CONTACTED,
    Status.MEETING: Stage.MEETING,
    Status.PROPOSAL: Stage.PROPOSAL,
}

# The reply a lead at each stage most likely needs next (offered first in the reply box).
SUGGESTED_PURPOSES: dict[Stage, tuple[ReplyPurpose, ...]] = {
    Stage.NEW: (ReplyPurpose.FIRST_RESPONSE, ReplyPurpose.CONSULTATION),
    Stage.CONTACTED: (ReplyPurpose.DOCUMENTS, ReplyPurpose.CONSULTATION, ReplyPurpose.CHASE),
    Stage.MEETING: (ReplyPurpose.FIXED_FEE_QUOTE, ReplyPurpose.DOCUMENTS),
    Stage.PROPOSAL: (ReplyPurpose.CHASE, ReplyPurpose.FIXED_FEE_QUOTE),
}


class IntervalUnit(models.TextChoices):
    MINUTES = "minutes", "minutes"
    HOURS = "hours", "hours"
    DAYS = "days", "days"


class EscalationLevel(models.IntegerChoices):
    OWNER = 1, "Owner reminded"
    SUPERVISOR = 2, "Supervisor told"
    HEAD_OF_TEAM = 3, "Head of team told"
