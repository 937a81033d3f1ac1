"""An enquiry a colleague forwarded: who originally wrote it, when, and what they said,
read from the forwarded header block each mail client writes (Gmail, Outlook, Apple
Mail) or from an attached ``message/rfc822``."""

import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import getaddresses

from django.core.exceptions import ValidationError

from leads.identity import clean_single_line, normalise_email
from leads.inbound.bodies import reply_strip, text_tidy
from leads.inbound.parsing import Address, Email, date_parse, email_read

FORWARD_MARKER = re.compile(
    r"^\s*>?\s*(?:-{2,}\s*Forwarded message\s*-{2,}|Begin forwarded message:"
    r"|-{2,}\s*Original Message\s*-{2,}|_{10,})\s*$",
    re.IGNORECASE | re.MULTILINE,
)
FORWARD_SUBJECT = re.compile(r"^\s*(fwd?|fw)\s*:\s*", re.IGNORECASE)
HEADER_LINE = re.compile(r"^\s*>?\s*\*?(From|Sent|Date|To|Cc|Subject|Reply-To):\*?\s*(.*)$", re.I)


@dataclass(frozen=True)
class ForwardedEnquiry:
    sender: Address
    subject: str
    sent_at: datetime | None
    text: str


def subject_unforward(subject: str) -> str:
    """The subject without its Fwd:/FW: prefixes."""
    while FORWARD_SUBJECT.match(subject):
        subject = FORWARD_SUBJECT.sub("", subject, count=1)
    return subject.strip()


def _sender(value: str) -> Address | None:
    # Outlook desktop writes "Jane Doe [mailto:jane@example.com]".
    value = re.sub(r"\[mailto:([^\]]+)\]", r"<\1>", value)
    for name, email in getaddresses([value]):
        try:
            email = normalise_email(email)
        except ValidationError:
            continue
        if email:
            return Address(name=clean_single_line(name.strip("'\" ")), email=email)
    return None


def _loose_date(value: str) -> datetime | None:
    value = re.sub(r"\s+at\s+", " ", value.strip())
    parsed = date_parse(value)
    if parsed is not None:
        return parsed
    import dateparser  # slow to import; only forwards need it

    return dateparser.parse(
        value,
        settings={
            "TIMEZONE": "Europe/London",
            "RETURN_AS_TIMEZONE_AWARE": True,
            "DATE_ORDER": "DMY",
            "PREFER_DATES_FROM": "past",
        },
    )


def _from_attached_message(email: Email) -> ForwardedEnquiry | None:
    for part in email.message.walk():
        if part.get_content_type() != "message/rfc822":
            continue
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if inner is None:
            continue
        original = email_read(inner)
        if original.sender is not None:
            return ForwardedEnquiry(
                sender=original.sender,
                subject=original.subject,
                sent_at=original.date,
                text=original.summary,
            )
    return None


def _from_body(text: str) -> ForwardedEnquiry | None:
    lines = text_tidy(text).split("\n")
    for index, line in enumerate(lines):
        if not FORWARD_MARKER.match(line):
            continue
        headers: dict[str, str] = {}
        position = index + 1
        while position < len(lines) and not lines[position].strip():
            position += 1  # Apple Mail leaves a blank line after the marker
        last = None
        while position < len(lines) and lines[position].strip():
            match = HEADER_LINE.match(lines[position])
            if match:
                last = match.group(1).lower()
                headers[last] = match.group(2).strip()
            elif last:  # a wrapped header value
                headers[last] += " " + lines[position].strip().lstrip(">").strip()
            else:
                break
            position += 1
        sender = _sender(headers.get("from", ""))
        if sender is None:
            continue
        body = "\n".join(
            line.lstrip(">").lstrip() if line.startswith(">") else line for line in lines[position:]
        )
        return ForwardedEnquiry(
            sender=sender,
            subject=clean_single_line(headers.get("subject", ""), max_length=300),
            sent_at=_loose_date(headers.get("sent") or headers.get("date") or ""),
            text=reply_strip(body),
        )
    return None


def forwarded_enquiry(email: Email) -> ForwardedEnquiry | None:
    """The original enquiry inside a forwarded email, or None if it is not a forward."""
    return _from_attached_message(email) or _from_body(email.text)
