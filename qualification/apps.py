from django.apps import AppConfig


class QualificationConfig(AppConfig):
    name = "qualification"
    verbose_name = "Qualification"

    def ready(self) -> None:
        from celery.signals import worker_process_init

        from leads import signals
        from qualification import receivers

        worker_process_init.connect(receivers.warm_readers, dispatch_uid="qualification-warm")
        signals.lead_updated.connect(
            receivers.requalify_updated_lead, dispatch_uid="qualification-lead-updated"
        )
