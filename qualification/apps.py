from django.apps import AppConfig


class QualificationConfig(AppConfig):
    name = "qualification"
    verbose_name = "Qualification"

    def ready(self) -> None:
        from leads import signals
        from qualification import receivers

        signals.lead_updated.connect(
            receivers.requalify_updated_lead, dispatch_uid="qualification-lead-updated"
        )
