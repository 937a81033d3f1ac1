"""Reading the mail machines write: delivery status reports (RFC 3464 and the home-made
formats of Exchange, Exim, Postfix, qmail, Sendmail, Yahoo, Amazon SES, ...), feedback
and abuse reports (ARF, RFC 5965), challenge-response messages, and what each says: which
addresses failed, permanently or for now, and the Message-ID of the email it reports on.

Failed addresses come from flufl.bounce (GNU Mailman's bounce library, with a detector for
each format it knows); the report structure and the quoted original are read here from
the MIME parts RFC 3464 and RFC 5965 define. Nothing here writes.
"""

import logging
import re
from dataclasses import dataclass
from email.message import Message

from django.core.exceptions import ValidationError
from flufl.bounce import all_failures

from leads.identity import normalise_email
from leads.inbound.parsing import header_all, message_id_normalise, mime_parse, part_text

logger = logging.getLogger(__name__)

# The MIME types that carry the original message, or its headers, inside a report.
ORIGINAL_TYPES = {"message/rfc822", "message/global"}
ORIGINAL_HEADER_TYPES = {
    "text/rfc822-headers",
    "text/rfc822-header",
    "message/rfc822-headers",
    "message/global-headers",
}
DELIVERY_STATUS_TYPES = {"message/delivery-status", "message/global-delivery-status"}
FEEDBACK_TYPE = "message/feedback-report"
# A quoted header line naming the original's Message-ID (qmail, Exim and others quote the
# original's headers in the text of the bounce).
QUOTED_MESSAGE_ID = re.compile(r"^[ \t>]*Message-ID:[ \t]*(<[^<>\s]+>)", re.IGNORECASE | re.M)
ACTION = re.compile(r"^Action:\s*([a-z]+)", re.IGNORECASE | re.M)
# The most failed addresses kept from one report (a report can list thousands).
MOST_ADDRESSES = 50
# How much of one part is searched for a quoted Message-ID.
SEARCH_CHARS = 200_000
# How much of a report flufl.bounce reads for failed addresses.
READ_MAX_CHARS = 100_000


@dataclass(frozen=True)
class Failures:
    """The addresses a report says failed: for good, and for now (still being tried)."""

    permanent: tuple[str, ...] = ()
    temporary: tuple[str, ...] = ()


def _addresses(values) -> tuple[str, ...]:
    found = []
    for value in values:
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        text = text.strip().strip("<>").strip()
        if "@" not in text:
            continue
        try:
            address = normalise_email(text)
        except ValidationError:  # an address we cannot read is left out
            continue
        if address and address not in found:
            found.append(address)
    return tuple(sorted(found)[:MOST_ADDRESSES])


def _bounded(message: Message) -> Message:
    """The message, or (when its text parts hold more than READ_MAX_CHARS) its first
    READ_MAX_CHARS re-read: a report says what failed near its top, before the original
    it returns, and some of flufl.bounce's detectors cost time in proportion to the text
    lines they read (a hostile bounce of 20,000 short lines took 2.3 s; 0.2 s so)."""
    size = 0
    for part in _parts(message):
        if part.get_content_maintype() != "text" and part.get_content_type() not in (
            DELIVERY_STATUS_TYPES
        ):
            continue
        payload = part.get_payload()
        size += len(payload) if isinstance(payload, str) else 0
        if size > READ_MAX_CHARS:
            break
    if size <= READ_MAX_CHARS:
        return message
    try:
        text = message.as_string()
    except (TypeError, ValueError, LookupError, AttributeError):
        return message
    return mime_parse(text[:READ_MAX_CHARS])


def failures(message: Message) -> Failures:
    """What flufl.bounce finds failed in this report, plus Exim's X-Failed-Recipients.
    A detector that trips over a malformed message finds nothing (logged), never raises."""
    try:
        temporary, permanent = all_failures(_bounded(message))
    except Exception:  # flufl.bounce re-raises its detectors' errors; a bad report is no 500
        logger.warning("flufl.bounce could not read a report", exc_info=True)
        temporary, permanent = frozenset(), frozenset()
    exim = [
        address
        for value in header_all(message, "X-Failed-Recipients")
        for address in value.split(",")
    ]
    permanent_found = _addresses([*permanent, *exim])
    temporary_found = tuple(a for a in _addresses(temporary) if a not in permanent_found)
    return Failures(permanent=permanent_found, temporary=temporary_found)


def _parts(message: Message):
    try:
        yield from message.walk()
    except (TypeError, AttributeError):  # a malformed multipart: what was walked is kept
        return


def has_part(message: Message, content_types: set[str] | str) -> bool:
    wanted = {content_types} if isinstance(content_types, str) else content_types
    return any(part.get_content_type() in wanted for part in _parts(message))


def report_type(message: Message) -> str:
    """``delivery-status``, ``feedback-report``, ... for a ``multipart/report``; ''."""
    if message.get_content_type() != "multipart/report":
        return ""
    try:
        return (message.get_param("report-type") or "").strip().lower()
    except (TypeError, ValueError, AttributeError):
        return ""


def is_delivery_status_report(message: Message) -> bool:
    """An RFC 3464 report: ``multipart/report; report-type=delivery-status``, or a
    ``message/delivery-status`` part where the outer type was mangled on the way."""
    kind = report_type(message)
    if kind in {"delivery-status", "global-delivery-status"}:
        return True
    return has_part(message, DELIVERY_STATUS_TYPES)


def is_feedback_report(message: Message) -> bool:
    """An abuse or feedback report (ARF, RFC 5965)."""
    return report_type(message) == "feedback-report" or has_part(message, FEEDBACK_TYPE)


def delivery_actions(message: Message) -> set[str]:
    """The ``Action`` of each recipient in an RFC 3464 report (failed, delayed,
    delivered, relayed, expanded)."""
    actions = set()
    for part in _parts(message):
        if part.get_content_type() not in DELIVERY_STATUS_TYPES:
            continue
        payload = part.get_payload()
        if isinstance(payload, list):  # Python parses each status block as headers
            for block in payload:
                for value in block.get_all("Action", []) if hasattr(block, "get_all") else []:
                    actions.add(str(value).strip().lower())
        else:
            actions.update(a.lower() for a in ACTION.findall(part_text(part)[:SEARCH_CHARS]))
    return actions


def original_message_id(message: Message) -> str:
    """The Message-ID of the email a report is about: from the original message or its
    headers attached to the report, else from a Message-ID line quoted in its text."""
    for part in _parts(message):
        content_type = part.get_content_type()
        if content_type in ORIGINAL_TYPES:
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            if isinstance(inner, Message):
                found = message_id_normalise(" ".join(header_all(inner, "Message-ID")[:1]))
                if found:
                    return found
            elif isinstance(payload, str):
                match = QUOTED_MESSAGE_ID.search(payload[:SEARCH_CHARS])
                if match:
                    return message_id_normalise(match.group(1))
        elif content_type in ORIGINAL_HEADER_TYPES:
            match = QUOTED_MESSAGE_ID.search(part_text(part)[:SEARCH_CHARS])
            if match:
                return message_id_normalise(match.group(1))
    own = set(header_all(message, "Message-ID"))
    for part in _parts(message):
        if part.get_content_maintype() != "text" or part.is_multipart():
            continue
        for match in QUOTED_MESSAGE_ID.finditer(part_text(part)[:SEARCH_CHARS]):
            if match.group(1) not in own:
                return message_id_normalise(match.group(1))
    return ""
