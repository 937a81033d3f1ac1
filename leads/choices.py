"""The tracker's fixed vocabularies, defined once: statuses, tiers, channels, activity
kinds. These are the design's stable interfaces; nobody types ``"won"`` twice."""

from django.db import models


class Status(models.TextChoices):
    NEW = "new", "New"
    ASSIGNED = "assigned", "Assigned"
    CONTACTED = "contacted", "Contacted"
    MEETING = "meeting", "Meeting"
    PROPOSAL = "proposal", "Proposal"
    WON = "won", "Won"
    LOST = "lost", "Lost"
    DISQUALIFIED = "disqualified", "Disqualified"
    # Folded into another lead (``Lead.merged_into``); set only by ``lead_merge``, final.
    MERGED = "merged", "Merged"


CLOSED_STATUSES = frozenset({Status.WON, Status.LOST, Status.DISQUALIFIED, Status.MERGED})
OPEN_STATUSES = frozenset(set(Status) - CLOSED_STATUSES)
STATUSES_NEEDING_REASON = frozenset({Status.LOST, Status.DISQUALIFIED})


class Tier(models.TextChoices):
    A = "A", "A (priority)"
    B = "B", "B (standard)"
    C = "C", "C (low)"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    WEB_FORM = "web_form", "Web form"
    SOCIAL = "social", "Social media"
    REFERRAL = "referral", "Referral"
    PHONE = "phone", "Phone"
    API = "api", "API"
    IMPORT = "import", "Import"


class ActivityKind(models.TextChoices):
    CAPTURED = "captured", "Captured"
    MESSAGE_RECEIVED = "message_received", "Message received"
    MESSAGE_SENT = "message_sent", "Message sent"
    ACKNOWLEDGEMENT_SENT = "acknowledgement_sent", "Acknowledgement sent"
    QUALIFIED = "qualified", "Qualified"
    ASSIGNED = "assigned", "Assigned"
    BRIEF_SENT = "brief_sent", "Brief sent"
    FOLLOWUP_SCHEDULED = "followup_scheduled", "Follow-up scheduled"
    FOLLOWUP_COMPLETED = "followup_completed", "Follow-up completed"
    ESCALATED = "escalated", "Escalated"
    STATUS_CHANGED = "status_changed", "Status changed"
    NOTE = "note", "Note"
    CALL_LOGGED = "call_logged", "Call logged"
    MEETING_LOGGED = "meeting_logged", "Meeting logged"
    MERGED = "merged", "Merged"
    CONTACT_CHANGED = "contact_changed", "Contact details changed"
    PIPELINE_FAILED = "pipeline_failed", "Pipeline step failed"
    EMAIL_BOUNCED = "email_bounced", "Email bounced"
    SECOND_ENQUIRY = "second_enquiry", "Second enquiry from an existing contact"


class ContactOutcome(models.TextChoices):
    """How a call or meeting went; the outcome decides the lead's next step."""

    REACHED = "reached", "Reached: spoke to them"
    NO_ANSWER = "no_answer", "No answer"
    LEFT_MESSAGE = "left_message", "Left a message"
    WRONG_NUMBER = "wrong_number", "Wrong number"


# What a meeting can come to (a meeting is held or the enquirer did not come).
MEETING_OUTCOMES = frozenset({ContactOutcome.REACHED, ContactOutcome.NO_ANSWER})
# Outcomes that count as the firm's response to the enquirer (they heard from us).
RESPONDING_OUTCOMES = frozenset({ContactOutcome.REACHED, ContactOutcome.LEFT_MESSAGE})


class AgreedNext(models.TextChoices):
    """What was agreed with an enquirer who was reached."""

    POLICY = "policy", "Carry on: the next step the follow-up policy sets"
    MEETING = "meeting", "A meeting is booked"
    CALL_BACK = "call_back", "Call them back at an agreed time"


class ReferrerKind(models.TextChoices):
    PERSON = "person", "Person"
    FIRM = "firm", "Firm or organisation"


class PipelineStepState(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class InboundKind(models.TextChoices):
    ENQUIRY = "enquiry", "New enquiry"
    REPLY = "reply", "Reply to a lead"
    AUTO_REPLY = "auto_reply", "Auto-reply"
    BOUNCE = "bounce", "Bounce"
    DELIVERY_REPORT = "delivery_report", "Delivery report (delayed or delivered)"
    FEEDBACK_REPORT = "feedback_report", "Feedback or abuse report"
    CHALLENGE = "challenge", "Challenge-response"
    MAILING_LIST = "mailing_list", "Mailing list"
    SPAM = "spam", "Spam (held for review)"
    STAFF_REPLY = "staff_reply", "Staff reply"
    NO_SENDER = "no_sender", "No valid sender (machine mail)"
    PENDING = "pending", "Not yet processed"
    FAILED = "failed", "Could not be processed"


# Mail written by machines: stored and shown, never a lead or an acknowledgement.
MACHINE_KINDS = frozenset(
    {
        InboundKind.AUTO_REPLY,
        InboundKind.BOUNCE,
        InboundKind.DELIVERY_REPORT,
        InboundKind.FEEDBACK_REPORT,
        InboundKind.CHALLENGE,
        InboundKind.MAILING_LIST,
    }
)


class RawFormat(models.TextChoices):
    MIME = "mime", "Raw MIME"
    JSON = "json", "ESP JSON"
    FORM = "form", "ESP form fields"


class ArrivalBasis(models.TextChoices):
    ESP_TIMESTAMP = "esp_timestamp", "ESP's event time"
    RECEIVED = "received", "Newest Received header"
    DATE = "date", "Date header"
    FORWARDED = "forwarded", "Forwarded message's date"
    RECEIPT = "receipt", "Time Leadtrack received it"


class EmailState(models.TextChoices):
    DRAFT = "draft", "Draft"
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    BOUNCED = "bounced", "Bounced"


class EmailKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"
    BRIEF = "brief", "Brief"
    ESCALATION = "escalation", "Escalation"
    DIGEST = "digest", "Digest"
    REPLY = "reply", "Reply to the enquirer"
    OTHER = "other", "Other"


class HowHeard(models.TextChoices):
    """How an enquirer says they heard of the firm (the enquiry form's question)."""

    SEARCH = "search", "Search engine"
    RECOMMENDATION = "recommendation", "Recommended by someone"
    EXISTING_CLIENT = "existing_client", "I am or was a client"
    SOCIAL = "social", "Social media"
    ADVERT = "advert", "Advertisement"
    EVENT = "event", "Event or seminar"
    OTHER = "other", "Other"
