"""Building inbound webhooks as each ESP sends them, from the email corpus in
``tests/leads/data/email/``, and the settings inbound email runs with in tests."""

import base64
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime
from email import message_from_string, policy
from email.utils import getaddresses
from pathlib import Path

import pytest
import time_machine

CORPUS = Path(__file__).parent / "data" / "email"
WEBHOOK_SECRET = "postmark-inbound:s3cret-Pa55"
MAILGUN_SIGNING_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"
TRACKING = "enquiries@ashdownmarsh.example"
# The corpus was written on this morning; the clock is held here so its dates are recent.
NOW = datetime(2026, 3, 3, 12, 30, tzinfo=UTC)


def basic_auth(credentials: str = WEBHOOK_SECRET) -> dict[str, str]:
    token = base64.b64encode(credentials.encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def corpus(name: str) -> str:
    return (CORPUS / name).read_bytes().decode("utf-8", errors="replace")


def _address(value: str) -> dict[str, str]:
    found = getaddresses([value]) if value else []
    name, email = found[0] if found else ("", "")
    return {"Email": email, "Name": name, "MailboxHash": ""}


def message_bodies(message) -> tuple[str, str]:
    """The first plain-text and the first HTML body of an email, decoded."""
    text = html = ""
    for part in message.walk():
        if part.get_content_type() == "text/plain" and not text:
            text = part.get_payload(decode=True).decode("utf-8", "replace")
        elif part.get_content_type() == "text/html" and not html:
            html = part.get_payload(decode=True).decode("utf-8", "replace")
    return text, html


def postmark_payload(mime: str, *, raw: bool = True) -> dict:
    """Postmark's inbound JSON for this email: the parsed fields Postmark always sends,
    and ``RawEmail`` when the server has "Include raw email content" on."""
    message = message_from_string(mime, policy=policy.compat32)
    plain, html = message_bodies(message)
    skip = {"from", "to", "cc", "subject", "date", "message-id", "content-type"}
    payload = {
        "FromName": _address(message.get("From", ""))["Name"],
        "MessageStream": "inbound",
        "From": _address(message.get("From", ""))["Email"],
        "FromFull": _address(message.get("From", "")),
        "To": message.get("To", ""),
        "ToFull": [_address(v) for v in [message.get("To", "")] if v],
        "Cc": message.get("Cc", ""),
        "CcFull": [_address(v) for v in [message.get("Cc", "")] if v],
        "Bcc": "",
        "BccFull": [],
        "OriginalRecipient": TRACKING,
        "Subject": str(message.get("Subject", "")),
        "MessageID": str(uuid.uuid5(uuid.NAMESPACE_URL, mime)),
        "ReplyTo": "",
        "MailboxHash": "",
        "Date": message.get("Date", ""),
        "TextBody": plain,
        "HtmlBody": html,
        "StrippedTextReply": "",
        "Tag": "",
        "Headers": [{"Name": "Return-Path", "Value": "<bounce@example.com>"}]
        + [
            {"Name": name, "Value": " ".join(str(value).split())}
            for name, value in message.items()
            if name.lower() not in skip
        ]
        + [{"Name": "Message-ID", "Value": message.get("Message-ID", "")}],
        "Attachments": [],
    }
    if raw:
        payload["RawEmail"] = mime
    return payload


def post_postmark(client, payload, *, auth: dict | None = None):
    return client.post(
        "/anymail/postmark/inbound/",
        data=json.dumps(payload),
        content_type="application/json",
        **(basic_auth() if auth is None else auth),
    )


def mailgun_fields(mime: str, *, key: str = MAILGUN_SIGNING_KEY, token: str | None = None):
    """Mailgun's forward() to a ``.../inbound_mime/`` URL: raw MIME plus the signature."""
    message = message_from_string(mime, policy=policy.compat32)
    timestamp = str(int(NOW.timestamp()) - 30)
    token = token or hashlib.sha256(mime.encode("utf-8")).hexdigest()[:50]
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {
        "recipient": TRACKING,
        "sender": _address(message.get("From", ""))["Email"],
        "from": message.get("From", ""),
        "subject": str(message.get("Subject", "")),
        "body-mime": mime,
        "timestamp": timestamp,
        "token": token,
        "signature": signature,
    }


def post_mailgun(client, fields, *, auth: dict | None = None):
    return client.post(
        "/anymail/mailgun/inbound_mime/", data=fields, **(basic_auth() if auth is None else auth)
    )


def sendgrid_fields(mime: str) -> dict:
    """SendGrid Inbound Parse's default (parsed) multipart form for this email."""
    message = message_from_string(mime, policy=policy.compat32)
    text, html = message_bodies(message)
    headers = mime.split("\n\n", 1)[0]
    return {
        "headers": headers,
        "dkim": "{@gmail.com : pass}",
        "to": message.get("To", ""),
        "from": message.get("From", ""),
        "subject": str(message.get("Subject", "")),
        "text": text,
        "html": html,
        "sender_ip": "209.85.221.41",
        "envelope": json.dumps({"to": [TRACKING], "from": _address(message["From"])["Email"]}),
        "attachments": "0",
        "charsets": json.dumps(
            {"to": "UTF-8", "subject": "UTF-8", "from": "UTF-8", "text": "UTF-8", "html": "UTF-8"}
        ),
        "SPF": "pass",
        "spam_score": "0.1",
        "spam_report": "Spam detection software... Content analysis details:   (0.1 points)",
    }


def post_sendgrid(client, fields, *, auth: dict | None = None):
    return client.post(
        "/anymail/sendgrid/inbound/", data=fields, **(basic_auth() if auth is None else auth)
    )


@pytest.fixture
def inbound_settings(settings):
    settings.ANYMAIL = {
        "WEBHOOK_SECRET": WEBHOOK_SECRET,
        "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_SIGNING_KEY,
    }
    settings.LEADTRACK_TRACKING_ADDRESS = TRACKING
    settings.LEADTRACK_STAFF_EMAIL_DOMAINS = ["ashdownmarsh.example"]
    settings.DEFAULT_FROM_EMAIL = "Ashdown Marsh LLP <leads@ashdownmarsh.example>"
    return settings


@pytest.fixture
def frozen_clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller
