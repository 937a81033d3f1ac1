"""Reading an email: its identity (Message-ID, threading headers), who sent it to whom,
its bodies as safe text, its attachments, and when it really arrived.

Everything here copes with what real mail contains: unknown charsets, malformed
headers, impossible dates, encoded words hiding line breaks. Nothing here writes.
"""

import codecs
import functools
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from email.errors import HeaderParseError
from email.header import decode_header
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime

from anymail.inbound import AnymailInboundMessage
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import get_valid_filename

from leads.choices import ArrivalBasis
from leads.identity import clean_single_line, normalise_email
from leads.inbound.bodies import html_sanitise, html_to_text, reply_strip, text_tidy

# How far ahead of our clock a sender's clock may run before its Date is disbelieved.
CLOCK_SKEW = timedelta(minutes=5)
MESSAGE_ID_MAX = 250
MESSAGE_ID = re.compile(r"<[^<>\s]+>")


class RememberingHeaderRegistry(HeaderRegistry):
    """Python's header registry, remembering what it parsed. Reading one email asks for
    each part's Content-Type a dozen times (``get_body``, ``walk``, ``get_filename``, and
    the parser itself while it splits the parts) and the registry parses the header afresh
    every time; the parsed headers are immutable, and the same few values recur from one
    email to the next. Only short values are remembered, so that a hostile email's huge
    headers cannot fill the memory."""

    #: Values longer than this are parsed every time (RFC 5322's line limit is 998).
    REMEMBER_MAX_CHARS = 998

    def __call__(self, name: str, value: str) -> BaseHeader:
        if len(value) > self.REMEMBER_MAX_CHARS:
            return super().__call__(name, value)
        return self._remembered(name, value)

    @functools.lru_cache(maxsize=2048)  # noqa: B019 (one module-level instance, never freed)
    def _remembered(self, name: str, value: str) -> BaseHeader:
        return super().__call__(name, value)


# Python's default email policy, with parsed headers remembered.
READING_POLICY = policy.default.clone(header_factory=RememberingHeaderRegistry())


def anymail_reading_policy_install() -> None:
    """Make anymail parse inbound MIME with READING_POLICY rather than Python's default
    policy (the same rules, with parsed headers remembered): parsing the typical inbound
    email drops from about 2.3 ms to 0.5 ms of CPU, a large share of an inbound webhook.

    anymail builds every inbound message through ``AnymailInboundMessage.parse_raw_mime*``,
    which read the policy from the module-level name ``default_policy``; that is the one
    name replaced here (checked by ``tests/leads/test_inbound_parsing_policy.py``, so an
    anymail upgrade that renames it fails a test rather than silently losing the gain)."""
    import anymail.inbound

    anymail.inbound.default_policy = READING_POLICY


@dataclass(frozen=True)
class Address:
    name: str
    email: str

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


@dataclass(frozen=True)
class AttachmentPart:
    filename: str
    content_type: str
    data: bytes
    inline: bool

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class Email:
    """What Leadtrack reads from one email."""

    message: Message
    message_id: str
    in_reply_to: str
    references: list[str]
    sender: Address | None
    to: list[Address]
    cc: list[Address]
    bcc: list[Address]
    subject: str
    date: datetime | None
    received: list[datetime]
    text: str
    html: str
    summary: str
    attachments: list[AttachmentPart] = field(default_factory=list)

    def header(self, name: str) -> str:
        return header_text(self.message, name)

    @property
    def recipients(self) -> list[Address]:
        return [*self.to, *self.cc, *self.bcc]


def mime_parse(text: str) -> AnymailInboundMessage:
    """The stored MIME text as a message (anymail's parser: lenient, never half-fails)."""
    return AnymailInboundMessage.parse_raw_mime(text)


def _raw_values(message: Message, name: str) -> list[str]:
    """A header's values exactly as they appear in the email (encoded words and all)."""
    items = message.raw_items() if hasattr(message, "raw_items") else message.items()
    wanted = name.lower()
    return [str(value) for key, value in items if key.lower() == wanted]


def _decode_words(value: str) -> str:
    """RFC 2047 encoded words decoded, tolerating unknown charsets and bad encodings."""
    try:
        parts = decode_header(value)
    except (ValueError, LookupError, HeaderParseError):
        return value
    decoded = []
    for chunk, charset in parts:
        if isinstance(chunk, str):
            decoded.append(chunk)
            continue
        try:
            decoded.append(chunk.decode(charset or "ascii", errors="replace"))
        except LookupError:
            decoded.append(chunk.decode("utf-8", errors="replace"))
    return "".join(decoded)


def header_all(message: Message, name: str) -> list[str]:
    """Every value of a header, decoded. Read from the raw header rather than through
    Python's header registry: as tolerant, and several times faster (the registry
    refuses, for one, a line break hidden in an encoded word)."""
    return [" ".join(_decode_words(value).split()) for value in _raw_values(message, name)]


def header_text(message: Message, name: str) -> str:
    """A header's decoded value as one line ('' if absent)."""
    values = header_all(message, name)
    return clean_single_line(values[0], max_length=2000) if values else ""


def addresses(message: Message, name: str) -> list[Address]:
    """The valid addresses in a header; display names decoded and cleaned to one line
    (so an encoded line break cannot smuggle a header anywhere), emails lower-cased."""
    found = []
    raw = [" ".join(value.split()) for value in _raw_values(message, name)]
    for display, email in getaddresses(raw):
        try:
            email = normalise_email(email)
        except ValidationError:
            continue
        if email:
            found.append(Address(name=clean_single_line(_decode_words(display)), email=email))
    return found


def message_id_normalise(value: str) -> str:
    """``<id@host>`` from a header value; '' if there is none."""
    match = MESSAGE_ID.search(value or "")
    if not match:
        bare = (value or "").strip()
        return f"<{bare}>" if bare and " " not in bare and "@" in bare else ""
    found = match.group(0)
    if len(found) > MESSAGE_ID_MAX:
        return "<sha256." + hashlib.sha256(found.encode()).hexdigest() + ">"
    return found


def message_ids(value: str) -> list[str]:
    return [message_id_normalise(found) for found in MESSAGE_ID.findall(value or "")]


def date_parse(value: str) -> datetime | None:
    """An RFC 5322 date as an aware datetime; None if absent or impossible."""
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def received_dates(message: Message) -> list[datetime]:
    """The timestamp of each Received header that has a readable one."""
    dates = []
    for value in header_all(message, "Received"):
        if ";" in value:
            parsed = date_parse(" ".join(value.rsplit(";", 1)[1].split()))
            if parsed is not None:
                dates.append(parsed)
    return dates


def part_text(part: Message) -> str:
    """A text part decoded: its declared charset if Python knows it, else UTF-8; bytes
    that do not decode become U+FFFD rather than an error."""
    try:
        payload = part.get_payload(decode=True)
    except (ValueError, LookupError, TypeError):
        payload = None
    if payload is None:
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    charset = part.get_content_charset() or "utf-8"
    try:
        codecs.lookup(charset)
    except LookupError:
        charset = "utf-8"
    return payload.decode(charset, errors="replace")


def _body_part(message: EmailMessage, subtype: str) -> Message | None:
    try:
        return message.get_body(preferencelist=(subtype,))
    except (KeyError, ValueError, LookupError, TypeError, AttributeError):
        return None


def attachment_parts(message: Message) -> list[AttachmentPart]:
    """The files attached to the email (attachments and inline images)."""
    found = []
    for part in message.walk():
        if part.is_multipart() or part.get_content_maintype() == "message":
            continue
        disposition = (part.get_content_disposition() or "").lower()
        if disposition not in {"attachment", "inline"} and not part.get_filename():
            continue
        if (
            disposition == "inline"
            and part.get_content_maintype() == "text"
            and not part.get_param("filename", header="content-disposition")
            and not part.get_param("name")
        ):
            continue  # a body part, not a file (a named text file is kept, Content-ID or not)
        try:
            data = part.get_payload(decode=True) or b""
        except (ValueError, LookupError, TypeError):
            data = b""
        try:
            name = part.get_filename() or ""
        except (ValueError, LookupError, TypeError):
            name = ""
        # Only the last path component, made safe: "../../etc/x.pdf" becomes "x.pdf".
        name = re.split(r"[\\/]", clean_single_line(name, max_length=200))[-1]
        filename = get_valid_filename(name.lstrip(".")) if name.strip(". ") else ""
        found.append(
            AttachmentPart(
                filename=filename or "attachment",
                content_type=clean_single_line(part.get_content_type(), max_length=100),
                data=data,
                inline=disposition == "inline",
            )
        )
    return found


def email_read(message: Message, *, stripped_text: str = "") -> Email:
    """Read an email; never raises on malformed content."""
    if not isinstance(message, EmailMessage):
        message = AnymailInboundMessage.parse_raw_mime(message.as_string(policy=policy.default))
    for part in message.walk():
        part.policy = READING_POLICY
    senders = addresses(message, "From")
    plain = _body_part(message, "plain")
    html_part = _body_part(message, "html")
    html = part_text(html_part) if html_part is not None else ""
    text = text_tidy(part_text(plain)) if plain is not None else ""
    if not text.strip() and html:
        text = html_to_text(html)  # HTML only, or an empty plain part beside the HTML
    summary = reply_strip(stripped_text) if stripped_text else reply_strip(text)
    return Email(
        message=message,
        message_id=message_id_normalise(header_text(message, "Message-ID")),
        in_reply_to=message_id_normalise(header_text(message, "In-Reply-To")),
        references=message_ids(" ".join(header_all(message, "References")))[-50:],
        sender=senders[0] if senders else None,
        to=addresses(message, "To"),
        cc=addresses(message, "Cc"),
        bcc=addresses(message, "Bcc"),
        subject=clean_single_line(header_text(message, "Subject"), max_length=300),
        date=date_parse(header_text(message, "Date")),
        received=received_dates(message),
        text=text,
        html=html_sanitise(html) if html else "",
        summary=summary or text[:2000],
        attachments=attachment_parts(message),
    )


def date_believable(value: datetime | None, *, now: datetime) -> bool:
    """A claimed time neither in the future nor absurdly old."""
    if value is None:
        return False
    oldest = now - timedelta(days=settings.LEADTRACK_EMAIL_MAX_DATE_AGE_DAYS)
    return oldest <= value <= now + CLOCK_SKEW


def arrival_time(
    *, esp_timestamp: datetime | None, email: Email, now: datetime
) -> tuple[datetime, ArrivalBasis]:
    """When the email really reached the firm: the ESP's event time, else the newest
    believable Received header, else a believable Date, else now."""
    if esp_timestamp is not None and date_believable(esp_timestamp, now=now):
        return esp_timestamp, ArrivalBasis.ESP_TIMESTAMP
    received = [value for value in email.received if date_believable(value, now=now)]
    if received:
        return max(received), ArrivalBasis.RECEIVED
    if date_believable(email.date, now=now):
        return email.date, ArrivalBasis.DATE
    return now, ArrivalBasis.RECEIPT
