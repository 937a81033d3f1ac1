"""Mailtrap posts JSON (signed when ANYMAIL_MAILTRAP_WEBHOOK_SIGNING_SECRET is set) with a
link anymail fetches the MIME from; the JSON is kept with anymail's copy of the MIME."""

from anymail.webhooks.mailtrap import MailtrapInboundWebhookView

from leads.inbound.webhooks import InboundWebhookMixin

SLUG = "mailtrap"
ESP_NAMES = ("Mailtrap",)


class View(InboundWebhookMixin, MailtrapInboundWebhookView):
    pass
