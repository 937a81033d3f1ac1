"""One module per ESP, as anymail has: the ESP's inbound webhook view (anymail's, with
Leadtrack's answers), the status that tells that ESP not to retry, and where in its
payload the raw MIME is, when it sends it.

``delivery_from_event`` turns any ESP's anymail event into the ``Delivery`` the capture
service stores: the exact payload first, then what it needs to find duplicates.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType
from typing import Any

from anymail.signals import AnymailInboundEvent
from django.http import HttpRequest

from leads.choices import RawFormat
from leads.inbound.esp import (
    amazon_ses,
    brevo,
    mailersend,
    mailgun,
    mailjet,
    mailtrap,
    postal,
    postmark,
    resend,
    sendgrid,
    sparkpost,
)
from leads.inbound.parsing import header_text, message_id_normalise

MODULES: tuple[ModuleType, ...] = (
    amazon_ses,
    brevo,
    mailersend,
    mailgun,
    mailjet,
    mailtrap,
    postal,
    postmark,
    resend,
    sendgrid,
    sparkpost,
)
# anymail's esp_name (including the SendinBlue alias of Brevo) -> module
BY_ESP_NAME = {name: module for module in MODULES for name in module.ESP_NAMES}


@dataclass(frozen=True)
class RawPayload:
    text: str
    format: RawFormat


@dataclass(frozen=True)
class Delivery:
    """One inbound email as delivered, ready to store before anything is parsed."""

    provider: str
    raw: str
    raw_format: RawFormat
    message_mime: str
    external_id: str
    message_id: str
    esp_event_id: str
    esp_timestamp: datetime | None
    meta: dict[str, Any]


def _form_fields(request: HttpRequest) -> str:
    fields = {key: request.POST.getlist(key) for key in request.POST}
    files = {
        key: [{"name": f.name, "content_type": f.content_type, "size": f.size} for f in items]
        for key, items in request.FILES.lists()
    }
    return json.dumps({"fields": fields, "files": files}, ensure_ascii=False)


def raw_payload(event: AnymailInboundEvent, module: ModuleType) -> RawPayload:
    """The ESP's payload for this email, as exactly as it gives it."""
    mime = module.raw_mime(event.esp_event) if hasattr(module, "raw_mime") else None
    if mime:
        return RawPayload(mime, RawFormat.MIME)
    if isinstance(event.esp_event, HttpRequest):
        return RawPayload(_form_fields(event.esp_event), RawFormat.FORM)
    return RawPayload(json.dumps(event.esp_event, ensure_ascii=False), RawFormat.JSON)


def delivery_from_event(event: AnymailInboundEvent, esp_name: str) -> Delivery:
    """What to store for an anymail inbound event (cheap; no parsing that can fail)."""
    module = BY_ESP_NAME[esp_name]
    payload = raw_payload(event, module)
    message = event.message
    message_mime = serialise_error = ""
    if payload.format != RawFormat.MIME:
        # The ESP sent parsed fields: keep anymail's faithful MIME rebuild beside them,
        # so the email can be read again (and reprocessed) from the database alone.
        try:
            message_mime = message.as_string()
        except (ValueError, LookupError, TypeError, UnicodeError) as exc:
            # Stored anyway: processing will fail visibly and be retried, not dropped.
            message_mime = ""
            serialise_error = f"{type(exc).__name__}: {exc}"
    message_id = message_id_normalise(header_text(message, "Message-ID"))
    event_id = str(event.event_id or "")[:300]
    if message_id:
        external_id = message_id
    elif event_id:
        external_id = f"{module.SLUG}:{event_id}"[:300]
    else:
        external_id = (
            "sha256:" + hashlib.sha256(payload.text.encode("utf-8", "replace")).hexdigest()
        )
    bcc = header_text(message, "Bcc")
    return Delivery(
        provider=module.SLUG,
        raw=payload.text,
        raw_format=payload.format,
        message_mime=message_mime,
        external_id=external_id,
        message_id=message_id,
        esp_event_id=event_id,
        esp_timestamp=event.timestamp,
        meta={
            "esp": esp_name,
            "esp_timestamp": event.timestamp.isoformat() if event.timestamp else None,
            "envelope_sender": message.envelope_sender,
            "envelope_recipient": message.envelope_recipient,
            "bcc": bcc,
            "spam_detected": message.spam_detected,
            "spam_score": message.spam_score,
            "stripped_text": message.stripped_text or "",
            "serialise_error": serialise_error,
        },
    )
