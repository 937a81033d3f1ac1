"""One module per ESP, as anymail has: the ESP's inbound webhook view (anymail's, with
Leadtrack's answers), the status that tells that ESP not to retry, and where in its
payload the raw MIME is, when it sends it.

Two halves, one for each process:

- the webhook: ``delivery_from_event`` turns an anymail event into the ``Delivery`` the
  webhook stores (the payload as bytes, signature fields removed, and only what the
  idempotency check needs: Message-ID, ESP event id, ESP timestamp), and
  ``delivery_from_request`` keeps a post whose payload decodes but which anymail could
  not turn into an email, to be read in the worker;
- the worker: ``messages_from_stored`` reads the stored bytes back into anymail's
  message, with the ESP's own parsing (the same view), so what the worker reads is what
  anymail would have read in the request.
"""

import contextlib
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from types import ModuleType
from typing import Any

from anymail.inbound import AnymailInboundMessage
from anymail.signals import AnymailInboundEvent
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest
from django.http.request import RawPostDataException
from urllib3 import encode_multipart_formdata

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
BY_SLUG = {module.SLUG: module for module in MODULES}


#: Fields that sign a post (Mailgun's form fields; SNS's envelope keys): never stored,
#: so a stored payload cannot be replayed with its signature.
SIGNATURE_FIELDS = frozenset(
    {"signature", "token", "timestamp", "Signature", "SignatureVersion", "SigningCertURL"}
)
#: What anymail raises reading a payload that decodes but is not an email it can build.
BUILD_ERRORS = (ValueError, KeyError, IndexError, TypeError, AttributeError, LookupError)
# Characters Python's email package takes for line breaks in a header value (str.splitlines),
# and other control characters, which real mail sometimes carries in a subject or a name.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029]")


@dataclass(frozen=True)
class Delivery:
    """One inbound email as delivered, ready to store before anything is parsed."""

    provider: str
    raw: bytes
    raw_format: RawFormat
    external_id: str
    message_id: str
    esp_event_id: str
    esp_timestamp: datetime | None
    meta: dict[str, Any] = field(default_factory=dict)


class UnreadInboundEvent(AnymailInboundEvent):
    """A post whose payload decodes but which anymail could not turn into an email (a
    vertical tab in a subject, say): kept whole, to be read in the worker."""

    def __init__(self, *, delivery: Delivery) -> None:
        super().__init__(event_type="inbound", esp_event=None)
        self.delivery = delivery


def _bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


def _unsigned(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: item for key, item in value.items() if key not in SIGNATURE_FIELDS}
    return value


def _json_bytes(value: Any) -> bytes:
    # ASCII JSON: NUL and lone surrogates are escaped, so any string round-trips.
    return json.dumps(_unsigned(value), separators=(",", ":")).encode("ascii")


def _form_bytes(request: HttpRequest) -> tuple[bytes, str]:
    """The posted form as multipart bytes, without the signature fields; the body
    exactly as posted when it carries none."""
    # A body streamed into POST and FILES can no longer be read as posted: it is encoded
    # again below, as is one that carries signature fields.
    if not SIGNATURE_FIELDS.intersection(request.POST):
        with contextlib.suppress(RawPostDataException):
            return request.body, request.META.get("CONTENT_TYPE", "")
    fields: list[tuple[str, Any]] = [
        (key, value)
        for key in request.POST
        if key not in SIGNATURE_FIELDS
        for value in request.POST.getlist(key)
    ]
    for key, files in request.FILES.lists():
        for upload in files:
            upload.seek(0)
            fields.append((key, (upload.name, upload.read(), upload.content_type)))
    body, content_type = encode_multipart_formdata(fields)
    return body, content_type


def _digest(raw: bytes) -> str:
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def delivery_from_event(event: AnymailInboundEvent, esp_name: str) -> Delivery:
    """What to store for an anymail inbound event (cheap; nothing that can fail on the
    email's content)."""
    module = BY_ESP_NAME[esp_name]
    message = event.message
    meta: dict[str, Any] = {"esp": esp_name}
    mime = module.raw_mime(event.esp_event) if hasattr(module, "raw_mime") else None
    if mime:
        raw, raw_format = _bytes(mime), RawFormat.MIME
    elif isinstance(event.esp_event, HttpRequest):
        raw, meta["content_type"] = _form_bytes(event.esp_event)
        raw_format = RawFormat.FORM
    elif getattr(module, "READ_FROM_JSON", False):
        raw, raw_format = _json_bytes(event.esp_event), RawFormat.JSON
    else:
        # anymail fetched the email (Mailtrap, Resend, SES from S3) or its attachments
        # (Brevo): keep anymail's copy, so the worker need not fetch it again.
        try:
            raw, raw_format = message.as_bytes(), RawFormat.MIME
            meta["mime_from"] = "anymail"
        except (*BUILD_ERRORS, UnicodeError, RecursionError):
            raw, raw_format = _json_bytes(event.esp_event), RawFormat.JSON
    message_id = message_id_normalise(header_text(message, "Message-ID"))
    event_id = "" if getattr(module, "EVENT_ID_SIGNS", False) else str(event.event_id or "")
    event_id = event_id[:300]
    if message_id:
        external_id = message_id
    elif event_id:
        external_id = f"{module.SLUG}:{event_id}"[:300]
    else:
        external_id = _digest(raw)
    meta.update(
        envelope_sender=message.envelope_sender,
        envelope_recipient=message.envelope_recipient,
        spam_detected=message.spam_detected,
        spam_score=message.spam_score,
        stripped_text=message.stripped_text or "",
    )
    return Delivery(
        provider=module.SLUG,
        raw=raw,
        raw_format=raw_format,
        external_id=external_id,
        message_id=message_id,
        esp_event_id=event_id,
        esp_timestamp=event.timestamp,
        meta=meta,
    )


def delivery_from_request(request: HttpRequest, *, esp_name: str, error: str) -> Delivery | None:
    """The whole post, to store when anymail could not read an email out of it; None
    when its payload cannot be decoded at all (not JSON, not a form)."""
    module = BY_ESP_NAME[esp_name]
    meta: dict[str, Any] = {"esp": esp_name, "whole_request": True, "read_error": error[:1000]}
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        try:
            raw, meta["content_type"] = _form_bytes(request)
        except Exception:  # the form itself is broken: nothing can be decoded
            return None
        raw_format = RawFormat.FORM
    else:
        try:
            raw = _json_bytes(json.loads(request.body))
        except (ValueError, RecursionError):
            return None
        meta["content_type"] = "application/json"
        raw_format = RawFormat.JSON
    return Delivery(
        provider=module.SLUG,
        raw=raw,
        raw_format=raw_format,
        external_id=_digest(raw),
        message_id="",
        esp_event_id="",
        esp_timestamp=None,
        meta=meta,
    )


# ---------------------------------------------------------------------------
# The worker: the stored bytes read back into anymail's message
# ---------------------------------------------------------------------------


@dataclass
class StoredEmail:
    """One email read back from a stored payload, with what the ESP said about it."""

    message: AnymailInboundMessage
    meta: dict[str, Any]
    esp_timestamp: datetime | None = None


def _request(raw: bytes, content_type: str) -> HttpRequest:
    return WSGIRequest(
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/",
            "CONTENT_TYPE": content_type,
            "CONTENT_LENGTH": str(len(raw)),
            "wsgi.input": io.BytesIO(raw),
        }
    )


def _controls_replaced(value: Any) -> Any:
    if isinstance(value, str):
        return CONTROL_CHARACTERS.sub(" ", value)
    if isinstance(value, dict):
        return {key: _controls_replaced(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_controls_replaced(item) for item in value]
    return value


def _event_meta(event: AnymailInboundEvent) -> dict[str, Any]:
    message = event.message
    return {
        "envelope_sender": message.envelope_sender,
        "envelope_recipient": message.envelope_recipient,
        "spam_detected": message.spam_detected,
        "spam_score": message.spam_score,
        "stripped_text": message.stripped_text or "",
    }


def _events_from_request(module, view, raw: bytes, raw_format: str, meta: dict, esp_timestamp):
    """The ESP's view parsing the stored post again; a post anymail refused is read
    once more with its control characters replaced by spaces."""
    content_type = meta.get("content_type") or "application/json"
    request = _request(raw, content_type)
    request.body  # read first: anymail's SendGrid view reads the body after the form  # noqa: B018
    if getattr(module, "EVENT_ID_SIGNS", False) and "timestamp" not in request.POST:
        # Mailgun's signing timestamp was not stored; anymail reads the event time from it.
        when = int(esp_timestamp.timestamp()) if esp_timestamp else 0
        request.POST = request.POST.copy()
        request.POST["timestamp"] = str(when)
    try:
        return view.anymail_events(request)
    except BUILD_ERRORS:
        if raw_format != RawFormat.JSON:
            raise
    cleaned = _json_bytes(_controls_replaced(json.loads(raw)))
    return view.anymail_events(_request(cleaned, content_type))


def messages_from_stored(
    *,
    provider: str,
    raw: bytes,
    raw_format: str,
    meta: dict[str, Any],
    esp_timestamp: datetime | None,
) -> list[StoredEmail]:
    """The email(s) in a stored payload, read as the ESP's anymail view reads them.
    Raises what anymail raises for a payload it cannot read."""
    if raw_format == RawFormat.MIME:
        return [StoredEmail(AnymailInboundMessage.parse_raw_mime_bytes(raw), meta, esp_timestamp)]
    module = BY_SLUG[provider]
    view = module.View()
    if raw_format == RawFormat.JSON and not meta.get("whole_request"):
        try:
            event = view.esp_to_anymail_event(json.loads(raw))
        except BUILD_ERRORS:
            event = view.esp_to_anymail_event(_controls_replaced(json.loads(raw)))
        return [StoredEmail(event.message, meta, esp_timestamp)]
    events = _events_from_request(module, view, raw, raw_format, meta, esp_timestamp)
    return [
        StoredEmail(
            event.message,
            {**meta, **_event_meta(event)},
            esp_timestamp or event.timestamp,
        )
        for event in events
        if event is not None and event.message is not None
    ]


def delivery_from_message(stored: StoredEmail, *, provider: str) -> Delivery:
    """What to store for one more email found in a stored post: its MIME as anymail
    reads it."""
    raw = stored.message.as_bytes()
    message_id = message_id_normalise(header_text(stored.message, "Message-ID"))
    return Delivery(
        provider=provider,
        raw=raw,
        raw_format=RawFormat.MIME,
        external_id=message_id or _digest(raw),
        message_id=message_id,
        esp_event_id="",
        esp_timestamp=stored.esp_timestamp,
        meta={**stored.meta, "whole_request": False, "mime_from": "anymail"},
    )
