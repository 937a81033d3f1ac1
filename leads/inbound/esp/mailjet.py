"""Mailjet's Parse API posts parsed JSON (no raw MIME), so the JSON is kept and anymail's
MIME rebuild beside it. Basic auth only."""

from anymail.webhooks.mailjet import MailjetInboundWebhookView

from leads.inbound.webhooks import InboundWebhookMixin

SLUG = "mailjet"
ESP_NAMES = ("Mailjet",)
# The JSON is stored and the worker builds the email from it as anymail does.
READ_FROM_JSON = True


class View(InboundWebhookMixin, MailjetInboundWebhookView):
    """anymail's Mailjet inbound view with Leadtrack's answers (InboundWebhookMixin);
    nothing Mailjet-specific to add."""
