"""Postmark posts JSON; with "Include raw email content" on, ``RawEmail`` is the MIME.
Postmark retries any answer but 200 and 403, so a refused payload is answered 403."""

from anymail.webhooks.postmark import PostmarkInboundWebhookView

from leads.inbound.webhooks import InboundWebhookMixin

SLUG = "postmark"
ESP_NAMES = ("Postmark",)


class View(InboundWebhookMixin, PostmarkInboundWebhookView):
    reject_status = 403


def raw_mime(esp_event) -> str | None:
    return esp_event.get("RawEmail") or None
