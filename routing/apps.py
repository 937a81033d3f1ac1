from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "routing"
    verbose_name = "Routing"

    def ready(self) -> None:
        from compliance import signals as compliance_signals
        from routing import receivers

        compliance_signals.person_removed.connect(
            receivers.on_person_removed, dispatch_uid="routing.person_removed"
        )
