"""Mailgun posts form fields signed with the webhook signing key; a route forwarding to
``.../mailgun/inbound_mime/`` sends the raw MIME as ``body-mime``. Mailgun retries
every answer but 2xx and 406, so a refused payload is answered 406.

anymail checks the signature; Mailgun's guidance adds the two checks here, so a post
captured once cannot be replayed: the signed timestamp must be within
``LEADTRACK_WEBHOOK_MAX_AGE_SECONDS`` of our clock, and each signed token is accepted
once (kept in ``WebhookToken`` while its timestamp is fresh).
"""

import math

from anymail.exceptions import AnymailWebhookValidationFailure
from anymail.webhooks.mailgun import MailgunInboundWebhookView
from django.conf import settings
from django.utils import timezone

from leads.inbound.webhooks import InboundWebhookMixin

SLUG = "mailgun"
ESP_NAMES = ("Mailgun",)
# anymail gives Mailgun's signing token as the event id: it is not stored.
EVENT_ID_SIGNS = True


class View(InboundWebhookMixin, MailgunInboundWebhookView):
    reject_status = 406

    def validate_request(self, request) -> None:
        super().validate_request(request)  # basic auth and the signature
        from leads.services.webhook_tokens import webhook_token_claim

        window = settings.LEADTRACK_WEBHOOK_MAX_AGE_SECONDS
        try:
            signed_at = float(request.POST["timestamp"])
        except (KeyError, ValueError, OverflowError) as exc:
            raise AnymailWebhookValidationFailure(
                "Mailgun webhook called with a timestamp that is not a number"
            ) from exc
        now = timezone.now().timestamp()
        if not math.isfinite(signed_at) or abs(now - signed_at) > window:
            raise AnymailWebhookValidationFailure(
                f"Mailgun webhook signed more than {window // 60} minutes from this server's "
                "time, refused as a possible replay (if every post is refused, check the "
                "server's clock)"
            )
        if not webhook_token_claim(provider=SLUG, token=request.POST.get("token", "")):
            raise AnymailWebhookValidationFailure(
                "Mailgun webhook called with a token already used, refused as a replay"
            )


def raw_mime(request) -> str | None:
    return request.POST.get("body-mime") or None
