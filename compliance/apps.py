from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = "Compliance"

    def ready(self) -> None:
        from compliance import receivers
        from leads import signals

        signals.contact_changed.connect(
            receivers.reindex_changed_contact, dispatch_uid="compliance-contact-changed"
        )
