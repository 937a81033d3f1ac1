"""Mailtrap posts JSON (signed when ANYMAIL_MAILTRAP_INBOUND_SECRET is set) with a
link anymail fetches the MIME from; the JSON is kept with anymail's copy of the MIME."""

from anymail.webhooks.mailtrap import MailtrapInboundWebhookView

from leads.inbound.webhooks import InboundWebhookMixin

SLUG = "mailtrap"
ESP_NAMES = ("Mailtrap",)


class View(InboundWebhookMixin, MailtrapInboundWebhookView):
    def parse_events(self, request):
        # anymail 15.2 turns the sample Mailtrap's "Test your integration" posts (inbox 1)
        # into a None event rather than no event: there is no email in it to receive.
        return [event for event in super().parse_events(request) if event is not None]
