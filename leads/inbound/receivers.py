"""The one receiver of anymail's ``inbound`` signal: it hands the event to the capture
service, and that is all it does."""

from leads.services.inbound import inbound_email_receive


def inbound_email_received(sender, event, esp_name, **kwargs) -> None:
    inbound_email_receive(event=event, esp_name=esp_name)
