from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = "Follow-ups"

    def ready(self) -> None:
        from compliance import signals as compliance_signals
        from followups import receivers
        from leads import signals
        from routing import signals as routing_signals

        signals.status_changed.connect(
            receivers.on_status_changed, dispatch_uid="followups.status_changed"
        )
        signals.message_sent.connect(
            receivers.on_message_sent, dispatch_uid="followups.message_sent"
        )
        signals.contact_logged.connect(
            receivers.on_contact_logged, dispatch_uid="followups.contact_logged"
        )
        signals.contact_email_bounced.connect(
            receivers.on_contact_email_bounced, dispatch_uid="followups.contact_email_bounced"
        )
        signals.lead_merged.connect(receivers.on_lead_merged, dispatch_uid="followups.lead_merged")
        compliance_signals.person_removed.connect(
            receivers.on_person_removed, dispatch_uid="followups.person_removed"
        )
        compliance_signals.subject_access_requested.connect(
            receivers.on_subject_access_requested,
            dispatch_uid="followups.subject_access_requested",
        )
        routing_signals.lead_assigned.connect(
            receivers.on_lead_assigned, dispatch_uid="followups.lead_assigned"
        )
