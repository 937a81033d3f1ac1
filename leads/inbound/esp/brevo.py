"""Brevo posts parsed JSON (no raw MIME), so the JSON is kept and anymail's MIME rebuild
beside it. Basic auth only."""

from anymail.webhooks.brevo import BrevoInboundWebhookView
from anymail.webhooks.sendinblue import SendinBlueInboundWebhookView

from leads.inbound.webhooks import InboundWebhookMixin

SLUG = "brevo"
ESP_NAMES = ("Brevo", "SendinBlue")


class View(InboundWebhookMixin, BrevoInboundWebhookView):
    pass


class SendinBlueView(InboundWebhookMixin, SendinBlueInboundWebhookView):
    """Brevo's former name, kept at ``/anymail/sendinblue/inbound/`` as anymail does."""
