"""Postal posts JSON signed with the server's public key (ANYMAIL_POSTAL_WEBHOOK_KEY);
``message`` holds the MIME, base64 when ``base64`` is true."""

from base64 import b64decode

from anymail.exceptions import AnymailConfigurationError
from anymail.webhooks.postal import PostalInboundWebhookView
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from leads.inbound.webhooks import InboundWebhookMixin

SLUG = "postal"
ESP_NAMES = ("Postal",)


class PostalKeyCheck:
    """Reads the configured public key when the view is made, so a key that is not one
    is answered as "not configured" (503, naming the setting), not as a crash on every
    delivery."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        pem = f"-----BEGIN PUBLIC KEY-----\n{self.webhook_key}\n-----END PUBLIC KEY-----"
        try:
            load_pem_public_key(pem.encode())
        except ValueError as exc:
            raise AnymailConfigurationError(
                "ANYMAIL_POSTAL_WEBHOOK_KEY is not a public key: give the base64 key Postal "
                "shows for the server's webhooks (without the BEGIN/END lines)."
            ) from exc


class View(InboundWebhookMixin, PostalKeyCheck, PostalInboundWebhookView):
    """anymail's Postal inbound view with Leadtrack's answers (InboundWebhookMixin);
    the key is checked when the view is made (PostalKeyCheck)."""


def raw_mime(esp_event) -> str | bytes | None:
    mime = esp_event.get("message")
    if mime and esp_event.get("base64") is True:
        mime = b64decode(mime)
    return mime or None
