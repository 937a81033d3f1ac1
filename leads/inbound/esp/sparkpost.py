"""SparkPost relay webhooks post a JSON batch; each relay message carries the MIME in
``content.email_rfc822`` (sometimes base64). Basic auth only."""

from base64 import b64decode

from anymail.webhooks.sparkpost import SparkPostInboundWebhookView

from leads.inbound.webhooks import InboundWebhookMixin

SLUG = "sparkpost"
ESP_NAMES = ("SparkPost",)


class View(InboundWebhookMixin, SparkPostInboundWebhookView):
    """anymail's SparkPost inbound view with Leadtrack's answers (InboundWebhookMixin);
    nothing SparkPost-specific to add."""


def raw_mime(raw_event) -> str | bytes | None:
    content = raw_event.get("msys", {}).get("relay_message", {}).get("content", {})
    mime = content.get("email_rfc822")
    if mime and content.get("email_rfc822_is_base64"):
        mime = b64decode(mime)
    return mime or None
