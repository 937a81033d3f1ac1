from django.apps import AppConfig


class FloorConfig(AppConfig):
    name = "floor"

    def ready(self) -> None:
        from anymail.signals import inbound

        from floor.receiver import email_store
        from leads.inbound.parsing import anymail_reading_policy_install

        anymail_reading_policy_install()  # the product's parsing policy
        inbound.connect(email_store, dispatch_uid="floor.email_store")
