"""Amazon SES publishes to SNS, which posts JSON; with an SNS receipt action the MIME is
in ``content`` (base64 when the action says so), with an S3 action anymail fetches it
and the MIME kept is anymail's copy. Basic auth on the SNS subscription URL."""

from base64 import b64decode

import requests
from anymail.webhooks.amazon_ses import AmazonSESInboundWebhookView
from botocore.exceptions import BotoCoreError, ClientError

from leads.inbound.webhooks import InboundWebhookMixin

SLUG = "amazon_ses"
ESP_NAMES = ("Amazon SES",)


class View(InboundWebhookMixin, AmazonSESInboundWebhookView):
    # With an S3 action, S3 not handing over the email is answered "retry later".
    fetch_errors = (requests.RequestException, BotoCoreError, ClientError)


def raw_mime(ses_event) -> str | bytes | None:
    content = ses_event.get("content")
    if not content:
        return None
    if ses_event.get("receipt", {}).get("action", {}).get("encoding") == "BASE64":
        return b64decode(content.encode("ascii"))
    return content
