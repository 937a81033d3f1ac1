"""Emails that must never become a lead: delivery reports and bounces, feedback (abuse)
reports, challenge-response messages, auto-replies and out-of-office notices, mailing
lists and bulk mail, Leadtrack's own mail coming back; and spam, which is held for a
person to look at.

Judged from the headers and structure mail software sets for exactly this (RFC 3464
delivery status reports, RFC 5965 feedback reports, RFC 3834 ``Auto-Submitted``, RFC 2919
``List-Id``, a null return path, a sender of ``MAILER-DAEMON`` with or without a domain),
then from the few subject lines auto-responders use without setting them. A bounce is
read further by ``leads.inbound.machine`` (flufl.bounce) for its failed addresses and the
Message-ID of the email it reports on.
"""

import re
from dataclasses import dataclass
from email.message import Message

from django.conf import settings

from leads.choices import InboundKind
from leads.inbound import machine
from leads.inbound.parsing import Email, email_read

AUTO_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|out of (the )?office|"
    r"abwesenheitsnotiz|r[ée]ponse automatique|respuesta autom[áa]tica|"
    r"risposta automatica|on vacation|away from (the|my) (office|desk))\s*[:\-]",
    re.IGNORECASE,
)
BOUNCE_SUBJECT = re.compile(
    r"^\s*(undeliverable|undelivered mail returned to sender|delivery status notification"
    r"|mail delivery (failed|failure)|returned mail|failure notice)\b",
    re.IGNORECASE,
)
# Subjects that mean a bounce only with other evidence (a null return path, a failed
# address found, the original attached): a person may write "Non-delivery of goods".
BOUNCE_SUBJECT_WIDE = re.compile(
    r"\b(undelivered mail|delivery notification|mail delivery (problem|subsystem)|"
    r"delivery failure|message delivery failure|non[- ]?delivery|nondeliverable|"
    r"could not send message|mail system error|warning: could not send|delayed mail|"
    r"delivery (has )?failed|message (you sent )?(blocked|not delivered|could not be "
    r"delivered)|unzustellbar|nicht zustellbar|non recapitabile|non remis|"
    r"ihre (e-?mail|nachricht) konnte nicht|mail could not be delivered|"
    r"mail delivery warning|delivery failure notification)",
    re.IGNORECASE,
)
# The daemon's mailbox, with or without a domain ("MAILER-DAEMON", "Mail Delivery
# Subsystem <mailer-daemon@googlemail.com>", "postmaster@...").
BOUNCE_MAILBOX = re.compile(r"(^|[<\s\"(])(mailer-daemon|postmaster)(@|>|\s|\)|$)", re.IGNORECASE)
DAEMON_RETURN_PATH = re.compile(r"<(mailer-daemon|postmaster)@", re.IGNORECASE)
BULK_PRECEDENCE = {"bulk", "list", "junk"}
AUTO_REPLY_HEADERS = (
    "X-Autoreply",
    "X-Autorespond",
    "X-Autoresponder",
    "X-Autoreply-From",
    "X-Mail-Autoreply",
    "X-Vacation",
)
# Headers only challenge-response systems set (TMDA, Boxbe, Spam Arrest, Mailblocks, ...).
CHALLENGE_HEADERS = ("X-TMDA-Fingerprint", "X-Boxbe-Request", "X-Spamarrest-Noauth", "X-Challenge")
CHALLENGE_SUBJECT = re.compile(
    r"(please )?(confirm|verify) (that )?(you are|you're|your (e-?mail|message|identity|"
    r"address))|sender verification|challenge[- ]response|spam ?arrest|awaiting (your )?"
    r"(verification|confirmation)|unverified (sender|message)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Verdict:
    """What a machine-written (or spam) email is: its kind and why, which check said so
    (``detector``), and, for a report, the addresses that failed and the Message-ID of
    the email it reports on."""

    kind: InboundKind
    reason: str
    detector: str = ""
    failed_recipients: tuple[str, ...] = ()
    original_message_id: str = ""


def _null_return_path(email: Email, envelope_sender: str | None) -> bool:
    return_path = email.header("Return-Path").strip()
    if return_path in {"<>", "< >"}:
        return True
    return envelope_sender is not None and envelope_sender.strip() in {"", "<>"}


def _from_daemon(email: Email) -> str:
    """The sender, if it is a mailer daemon or postmaster (a From of plain
    ``MAILER-DAEMON``, with no domain, is not an address but is still the daemon)."""
    raw = email.header("From")
    if email.sender is not None:
        local = email.sender.email.split("@", 1)[0]
        return email.sender.email if local in {"mailer-daemon", "postmaster"} else ""
    return raw if BOUNCE_MAILBOX.search(raw) else ""


def _report(
    email: Email,
    *,
    reason: str,
    detector: str,
    dsn: bool = False,
    found: machine.Failures | None = None,
) -> Verdict:
    """A delivery report read for what failed: a bounce if an address failed for good
    (or none could be named), else a delay or a delivery notice, which is no bounce."""
    found = found if found is not None else machine.failures(email.message)
    original = machine.original_message_id(email.message)
    if found.permanent:
        count = len(found.permanent)
        return Verdict(
            InboundKind.BOUNCE,
            f"{reason}; {count} address{'es' if count > 1 else ''} failed",
            detector=detector,
            failed_recipients=found.permanent,
            original_message_id=original,
        )
    actions = machine.delivery_actions(email.message) if dsn else set()
    if found.temporary or (actions and actions <= {"delayed"}):
        return Verdict(
            InboundKind.DELIVERY_REPORT,
            f"{reason}; delivery delayed, still being tried (not a failure)",
            detector=detector,
            failed_recipients=found.temporary,
            original_message_id=original,
        )
    if actions and actions <= {"delivered", "relayed", "expanded"}:
        return Verdict(
            InboundKind.DELIVERY_REPORT,
            f"{reason}; delivered ({', '.join(sorted(actions))})",
            detector=detector,
            original_message_id=original,
        )
    return Verdict(
        InboundKind.BOUNCE,
        f"{reason}; no failed address could be read from it",
        detector=detector,
        original_message_id=original,
    )


def _challenge(email: Email, *, machine_signal: bool) -> bool:
    if any(email.header(name) for name in CHALLENGE_HEADERS):
        return True
    if email.header("X-Delivery-Agent").lower().startswith("tmda"):
        return True
    return machine_signal and bool(CHALLENGE_SUBJECT.search(email.subject))


def automated_verdict(*, email: Email, envelope_sender: str | None) -> Verdict | None:
    """Why this email was written by a machine and must not become a lead, or None."""
    message = email.message
    sender = email.sender.email if email.sender else ""
    null_return_path = _null_return_path(email, envelope_sender)
    if machine.is_feedback_report(message):
        return Verdict(
            InboundKind.FEEDBACK_REPORT,
            "Feedback or abuse report (ARF, RFC 5965)",
            detector="ARF report",
            original_message_id=machine.original_message_id(message),
        )
    if machine.is_delivery_status_report(message):
        return _report(
            email, reason="Delivery status report (RFC 3464)", detector="RFC 3464", dsn=True
        )
    if email.header("X-Failed-Recipients"):
        return _report(email, reason="X-Failed-Recipients header", detector="X-Failed-Recipients")
    daemon = _from_daemon(email)
    if daemon:
        return _report(email, reason=f"Sent by {daemon}", detector="MAILER-DAEMON sender")
    bounce_subject = bool(BOUNCE_SUBJECT.match(email.subject))
    wide_bounce_subject = bounce_subject or bool(BOUNCE_SUBJECT_WIDE.search(email.subject))
    if null_return_path and wide_bounce_subject:
        return _report(
            email, reason="Null return path and a bounce subject", detector="Null return path"
        )
    if DAEMON_RETURN_PATH.search(email.header("Return-Path")):
        return _report(
            email, reason="Returned by the mailer daemon (Return-Path)", detector="Return-Path"
        )
    tracking = settings.LEADTRACK_TRACKING_ADDRESS
    if sender and sender == tracking:
        return Verdict(
            InboundKind.AUTO_REPLY,
            "Sent by Leadtrack's own address (mail loop)",
            detector="Mail loop",
        )
    auto_submitted = email.header("Auto-Submitted").lower()
    auto_submitted = "" if auto_submitted.startswith("no") else auto_submitted
    precedence = email.header("Precedence").lower()
    listed = bool(email.header("List-Id") or email.header("List-Unsubscribe"))
    machine_signal = bool(
        null_return_path or auto_submitted or precedence in BULK_PRECEDENCE | {"auto_reply"}
    )
    if machine_signal or listed or wide_bounce_subject:
        # A bounce that also carries other machine headers (a list's bounce, a
        # filter's rejection): the failed addresses decide.
        found = machine.failures(message)
        if found.permanent or (wide_bounce_subject and found.temporary):
            return _report(
                email,
                reason="Machine headers, and a report of failed delivery",
                detector="flufl.bounce",
                found=found,
            )
    if _challenge(email, machine_signal=machine_signal):
        return Verdict(
            InboundKind.CHALLENGE,
            "Challenge-response: a spam filter asks the sender to prove they are a person",
            detector="Challenge-response",
        )
    if auto_submitted:
        return Verdict(
            InboundKind.AUTO_REPLY, f"Auto-Submitted: {auto_submitted}", detector="Auto-Submitted"
        )
    for header in AUTO_REPLY_HEADERS:
        if email.header(header):
            return Verdict(InboundKind.AUTO_REPLY, f"{header} header", detector=header)
    if email.header("X-Autogenerated").lower() == "reply":
        return Verdict(
            InboundKind.AUTO_REPLY,
            "X-Autogenerated: Reply (Outlook rule)",
            detector="X-Autogenerated",
        )
    if precedence == "auto_reply":
        return Verdict(InboundKind.AUTO_REPLY, "Precedence: auto_reply", detector="Precedence")
    if null_return_path:
        return Verdict(
            InboundKind.AUTO_REPLY,
            "Null return path (automatic message)",
            detector="Null return path",
        )
    if listed:
        return Verdict(
            InboundKind.MAILING_LIST,
            "Mailing list (List-Id / List-Unsubscribe)",
            detector="List headers",
        )
    if precedence in BULK_PRECEDENCE:
        return Verdict(InboundKind.MAILING_LIST, f"Precedence: {precedence}", detector="Precedence")
    if AUTO_SUBJECT.match(email.subject):
        return Verdict(
            InboundKind.AUTO_REPLY, "Auto-reply subject line", detector="Auto-reply subject"
        )
    if bounce_subject:
        return _report(email, reason="Bounce subject line", detector="Bounce subject")
    if wide_bounce_subject and machine.has_part(
        message, machine.ORIGINAL_TYPES | machine.ORIGINAL_HEADER_TYPES
    ):
        return _report(
            email, reason="Bounce subject, with the original attached", detector="Bounce subject"
        )
    return None


def machine_mail(message: Message) -> bool:
    """Whether a message (one with no valid From, say) was written by a machine."""
    return automated_verdict(email=email_read(message), envelope_sender=None) is not None


def spam_verdict(*, spam_detected: bool | None, spam_score: float | None) -> Verdict | None:
    """Held for review if the ESP flagged it, or (when it only scores) scored too high."""
    if spam_detected:
        return Verdict(InboundKind.SPAM, "Flagged as spam by the ESP")
    threshold = settings.LEADTRACK_SPAM_SCORE_THRESHOLD
    if spam_detected is None and spam_score is not None and spam_score >= threshold:
        return Verdict(InboundKind.SPAM, f"Spam score {spam_score:g} (threshold {threshold:g})")
    return None
