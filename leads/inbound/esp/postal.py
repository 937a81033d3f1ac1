"""Postal posts JSON signed with the server's public key (ANYMAIL_POSTAL_WEBHOOK_KEY);
``message`` holds the MIME, base64 when ``base64`` is true."""

from base64 import b64decode

from anymail.webhooks.postal import PostalInboundWebhookView

from leads.inbound.webhooks import InboundWebhookMixin

SLUG = "postal"
ESP_NAMES = ("Postal",)


class View(InboundWebhookMixin, PostalInboundWebhookView):
    pass


def raw_mime(esp_event) -> str | None:
    mime = esp_event.get("message")
    if mime and esp_event.get("base64") is True:
        mime = b64decode(mime).decode("utf-8", errors="replace")
    return mime or None
