"""Resend posts JSON signed through Svix (ANYMAIL_RESEND_INBOUND_SECRET); anymail fetches
the MIME from Resend's API, and the JSON is kept with anymail's copy of the MIME."""

from anymail.webhooks.resend import ResendInboundWebhookView

from leads.inbound.webhooks import InboundWebhookMixin

SLUG = "resend"
ESP_NAMES = ("Resend",)


class View(InboundWebhookMixin, ResendInboundWebhookView):
    """anymail's Resend inbound view with Leadtrack's answers (InboundWebhookMixin);
    nothing Resend-specific to add."""
