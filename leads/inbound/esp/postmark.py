"""Postmark posts JSON; with "Include raw email content" on, ``RawEmail`` is the MIME.
Postmark retries any answer but 200 and 403, so a refused payload is answered 403."""

from anymail.webhooks.postmark import PostmarkInboundWebhookView

from leads.inbound.webhooks import InboundWebhookMixin

SLUG = "postmark"
ESP_NAMES = ("Postmark",)
# Without RawEmail, the JSON is stored and the worker builds the email from it as anymail does.
READ_FROM_JSON = True


class View(InboundWebhookMixin, PostmarkInboundWebhookView):
    reject_status = 403


def raw_mime(esp_event) -> str | None:
    return esp_event.get("RawEmail") or None
