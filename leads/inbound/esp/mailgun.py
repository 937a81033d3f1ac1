"""Mailgun posts form fields signed with the webhook signing key; a route forwarding to
``.../mailgun/inbound_mime/`` sends the raw MIME as ``body-mime``. Mailgun retries
every answer but 2xx and 406, so a refused payload is answered 406."""

from anymail.webhooks.mailgun import MailgunInboundWebhookView

from leads.inbound.webhooks import InboundWebhookMixin

SLUG = "mailgun"
ESP_NAMES = ("Mailgun",)


class View(InboundWebhookMixin, MailgunInboundWebhookView):
    reject_status = 406


def raw_mime(request) -> str | None:
    return request.POST.get("body-mime") or None
