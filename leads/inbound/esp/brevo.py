"""Brevo posts parsed JSON (no raw MIME), so the JSON is kept and anymail's MIME rebuild
beside it. Basic auth only."""

from anymail.utils import get_anymail_setting
from anymail.webhooks.brevo import BrevoInboundWebhookView
from anymail.webhooks.sendinblue import SendinBlueInboundWebhookView

from leads.inbound.webhooks import InboundWebhookMixin

SLUG = "brevo"
ESP_NAMES = ("Brevo", "SendinBlue")


class View(InboundWebhookMixin, BrevoInboundWebhookView):
    """anymail's Brevo inbound view with Leadtrack's answers (InboundWebhookMixin);
    nothing Brevo-specific to add."""


class SendinBlueView(InboundWebhookMixin, SendinBlueInboundWebhookView):
    """Brevo's former name, kept at ``/anymail/sendinblue/inbound/`` as anymail does.
    anymail reads this URL's settings under the old name (SENDINBLUE_API_KEY); the key
    is Brevo's, ANYMAIL_BREVO_API_KEY, as at the new URL."""

    def __init__(self, **kwargs) -> None:
        brevo_key = get_anymail_setting("api_key", esp_name="Brevo", default=None, allow_bare=True)
        if brevo_key is not None:
            kwargs.setdefault("api_key", brevo_key)
        super().__init__(**kwargs)
