"""Emails that must never become a lead: auto-replies and out-of-office notices, bounces
and delivery reports, mailing lists and bulk mail, Leadtrack's own mail coming back; and
spam, which is held for a person to look at.

Judged from the headers mail software sets for exactly this (RFC 3834 ``Auto-Submitted``,
RFC 3464 delivery status reports, RFC 2919 ``List-Id``), then from the few subject lines
auto-responders use without setting them.
"""

import re
from dataclasses import dataclass

from django.conf import settings

from leads.choices import InboundKind
from leads.inbound.parsing import Email

AUTO_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto[- ]?reply|autoreply|out of (the )?office|"
    r"abwesenheitsnotiz|r[ée]ponse automatique)\s*:",
    re.IGNORECASE,
)
BOUNCE_SUBJECT = re.compile(
    r"^\s*(undeliverable|undelivered mail returned to sender|delivery status notification"
    r"|mail delivery (failed|failure)|returned mail|failure notice)\b",
    re.IGNORECASE,
)
BOUNCE_SENDERS = re.compile(r"^(mailer-daemon|postmaster)@", re.IGNORECASE)
BULK_PRECEDENCE = {"bulk", "list", "junk"}


@dataclass(frozen=True)
class Verdict:
    kind: InboundKind
    reason: str


def _null_return_path(email: Email, envelope_sender: str | None) -> bool:
    return_path = email.header("Return-Path").strip()
    if return_path in {"<>", "< >"}:
        return True
    return envelope_sender is not None and envelope_sender.strip() in {"", "<>"}


def automated_verdict(*, email: Email, envelope_sender: str | None) -> Verdict | None:
    """Why this email was written by a machine and must not become a lead, or None."""
    content_type = email.message.get_content_type()
    report_type = (email.message.get_param("report-type") or "").lower()
    sender = email.sender.email if email.sender else ""
    if content_type == "multipart/report" and report_type == "delivery-status":
        return Verdict(InboundKind.BOUNCE, "Delivery status report (RFC 3464)")
    if BOUNCE_SENDERS.match(sender):
        return Verdict(InboundKind.BOUNCE, f"Sent by {sender}")
    if _null_return_path(email, envelope_sender):
        if BOUNCE_SUBJECT.match(email.subject):
            return Verdict(InboundKind.BOUNCE, "Null return path and a bounce subject")
        return Verdict(InboundKind.AUTO_REPLY, "Null return path (automatic message)")
    tracking = settings.LEADTRACK_TRACKING_ADDRESS
    if sender and sender == tracking:
        return Verdict(InboundKind.AUTO_REPLY, "Sent by Leadtrack's own address (mail loop)")
    auto_submitted = email.header("Auto-Submitted").lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return Verdict(InboundKind.AUTO_REPLY, f"Auto-Submitted: {auto_submitted}")
    for header in ("X-Autoreply", "X-Autorespond", "X-Autoresponder"):
        if email.header(header):
            return Verdict(InboundKind.AUTO_REPLY, f"{header} header")
    precedence = email.header("Precedence").lower()
    if precedence == "auto_reply":
        return Verdict(InboundKind.AUTO_REPLY, "Precedence: auto_reply")
    if email.header("List-Id") or email.header("List-Unsubscribe"):
        return Verdict(InboundKind.MAILING_LIST, "Mailing list (List-Id / List-Unsubscribe)")
    if precedence in BULK_PRECEDENCE:
        return Verdict(InboundKind.MAILING_LIST, f"Precedence: {precedence}")
    if AUTO_SUBJECT.match(email.subject):
        return Verdict(InboundKind.AUTO_REPLY, "Auto-reply subject line")
    if BOUNCE_SUBJECT.match(email.subject):
        return Verdict(InboundKind.BOUNCE, "Bounce subject line")
    return None


def spam_verdict(*, spam_detected: bool | None, spam_score: float | None) -> Verdict | None:
    """Held for review if the ESP flagged it, or (when it only scores) scored too high."""
    if spam_detected:
        return Verdict(InboundKind.SPAM, "Flagged as spam by the ESP")
    threshold = settings.LEADTRACK_SPAM_SCORE_THRESHOLD
    if spam_detected is None and spam_score is not None and spam_score >= threshold:
        return Verdict(InboundKind.SPAM, f"Spam score {spam_score:g} (threshold {threshold:g})")
    return None
