"""SendGrid's Inbound Parse posts form fields; with "POST the raw, full MIME message"
on, ``email`` is the MIME. SendGrid has no inbound signature: basic auth only."""

import warnings

from anymail.exceptions import AnymailNotSupportedWarning
from anymail.webhooks.sendgrid import SendGridInboundWebhookView

from leads.inbound.webhooks import InboundWebhookMixin

SLUG = "sendgrid"
ESP_NAMES = ("SendGrid",)


class View(InboundWebhookMixin, SendGridInboundWebhookView):
    def __init__(self, **kwargs) -> None:
        # anymail warns on every request that SendGrid is community-supported; said once
        # in docs/inbound-email.md instead.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", AnymailNotSupportedWarning)
            super().__init__(**kwargs)


def raw_mime(request) -> str | None:
    return request.POST.get("email") or None
