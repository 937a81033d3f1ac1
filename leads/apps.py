from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"
    verbose_name = "Leads"

    def ready(self) -> None:
        from anymail.signals import inbound

        from leads.inbound.parsing import anymail_reading_policy_install
        from leads.inbound.receivers import inbound_email_received

        anymail_reading_policy_install()

        inbound.connect(inbound_email_received, dispatch_uid="leads.inbound_email_received")
