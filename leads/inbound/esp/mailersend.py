"""MailerSend posts JSON signed with the inbound route's secret
(ANYMAIL_MAILERSEND_INBOUND_SECRET); ``data.raw`` holds the MIME."""

from anymail.webhooks.mailersend import MailerSendInboundWebhookView

from leads.inbound.webhooks import InboundWebhookMixin

SLUG = "mailersend"
ESP_NAMES = ("MailerSend",)


class View(InboundWebhookMixin, MailerSendInboundWebhookView):
    """anymail's MailerSend inbound view with Leadtrack's answers (InboundWebhookMixin);
    nothing MailerSend-specific to add."""


def raw_mime(esp_event) -> str | None:
    return (esp_event.get("data") or {}).get("raw") or None
