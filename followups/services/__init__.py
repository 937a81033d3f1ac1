"""Every change to follow-ups goes through a function here, whoever calls it (pipeline,
receivers of the leads signals, admin, API, beat tasks, commands)."""

from followups.services.closure import closure_reason_validate, closure_reasons_for
from followups.services.digests import (
    digest_send,
    digests_send_daily,
    weekly_summaries_send,
    weekly_summary_send,
)
from followups.services.escalation import SweepResult, escalation_sweep
from followups.services.privacy import followups_redact
from followups.services.scheduling import (
    followup_complete,
    followup_move_into_hours,
    followup_phone_after_bounce,
    followup_reschedule,
    followup_snooze,
    followup_subject_access,
    followups_close_for_merged,
    followups_move_into_hours,
    followups_on_status_changed,
    followups_outside_hours,
    followups_reassign,
    followups_record_contact,
    followups_schedule,
    lead_next_action_refresh,
)

__all__ = [
    "SweepResult",
    "closure_reason_validate",
    "closure_reasons_for",
    "digest_send",
    "digests_send_daily",
    "escalation_sweep",
    "followup_complete",
    "followup_move_into_hours",
    "followup_phone_after_bounce",
    "followup_subject_access",
    "followup_reschedule",
    "followup_snooze",
    "followups_close_for_merged",
    "followups_move_into_hours",
    "followups_on_status_changed",
    "followups_outside_hours",
    "followups_reassign",
    "followups_record_contact",
    "followups_redact",
    "followups_schedule",
    "lead_next_action_refresh",
    "weekly_summaries_send",
    "weekly_summary_send",
]
