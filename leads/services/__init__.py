"""Every write to a lead goes through a function here, whoever calls it (admin, API,
webhook, task, command), so the timeline and the rules can never be skipped."""

from leads.services.activity import activity_record
from leads.services.capture import Capture, ContactDetails, contact_match, lead_capture
from leads.services.columns import (
    lead_record_qualification,
    lead_set_next_action,
    lead_set_owner,
    lead_set_tier,
)
from leads.services.contact_log import lead_add_note, lead_log_call, lead_log_meeting
from leads.services.contacts import contact_update
from leads.services.email import (
    EmailDraft,
    outbound_email_queue,
    outbound_email_send,
    outbound_emails_queue_many,
)
from leads.services.erasure import contact_erase, lead_anonymise, lead_delete
from leads.services.merge import lead_merge
from leads.services.pipeline import PipelineStepError, pipeline_resume_stalled, pipeline_run
from leads.services.referrals import referral_source_get_or_create
from leads.services.statuses import (
    lead_change_status,
    lead_record_first_response,
    status_period_record,
    status_periods_restage,
    won_details_validate,
)

__all__ = [
    "Capture",
    "ContactDetails",
    "EmailDraft",
    "PipelineStepError",
    "activity_record",
    "contact_erase",
    "contact_match",
    "contact_update",
    "lead_capture",
    "lead_add_note",
    "lead_anonymise",
    "lead_change_status",
    "lead_delete",
    "lead_log_call",
    "lead_log_meeting",
    "lead_merge",
    "lead_record_first_response",
    "lead_record_qualification",
    "lead_set_next_action",
    "lead_set_owner",
    "lead_set_tier",
    "outbound_email_queue",
    "outbound_email_send",
    "outbound_emails_queue_many",
    "pipeline_resume_stalled",
    "pipeline_run",
    "referral_source_get_or_create",
    "status_period_record",
    "status_periods_restage",
    "won_details_validate",
]
