"""Replies written in the tracker: a fee earner answers the enquirer from the lead page.

A reply is an ``OutboundEmail`` of kind ``reply``: saved as a draft, or queued and sent
by the same retried task as every other email. It goes from the writer's name at the
firm's address, Reply-To the firm's address, threaded to the enquirer's last email
(In-Reply-To, References, "Re:" their subject with the lead's reference, which
``leads.inbound.threads`` reads back when they answer). Once sent it is written on the
timeline as ``message_sent`` with its full text, sets the lead's first response, and
tells the higher apps (``leads.signals.message_sent``: follow-ups complete the first
contact). A send that fails is kept with its reason and can be retried.

The text is the writer's own (a template may have started it, in a higher app); this
module adds only the firm's footer, and an HTML part made from the text: escaped, no
remote content.
"""

import hashlib
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import get_template

from leads import signals
from leads.choices import ActivityKind, Channel, EmailKind, EmailState, InboundKind
from leads.identity import clean_single_line
from leads.models import InboundMessage, Lead, OutboundAttachment, OutboundEmail
from leads.services.activity import activity_record
from leads.services.email import (
    email_context,
    lead_message_id,
    outbound_email_enqueue,
    render_plain,
)
from leads.services.statuses import lead_record_first_response

# The longest reply accepted (characters); longer is refused, never cut.
REPLY_MAX_LENGTH = 50_000
# At most this many Message-IDs in References (the newest are kept, with the first).
REFERENCES_MAX = 20
RE_PREFIX = re.compile(r"^\s*((re|aw|sv|fw|fwd)\s*:\s*)+", re.IGNORECASE)


@dataclass(frozen=True)
class ReplyFile:
    """A file to attach: its name, type and bytes (from an upload or a test)."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Thread:
    """What a reply answers: the enquirer's last email's Message-ID, the thread's
    References, and the subject a reply carries."""

    in_reply_to: str
    references: list[str]
    subject: str


def display_name(user: AbstractBaseUser | None) -> str:
    if user is None:
        return ""
    full = getattr(user, "get_full_name", lambda: "")()
    return full or user.get_username()


def reply_thread(*, lead: Lead) -> Thread:
    """The thread a reply to ``lead`` continues: the enquirer's newest email on the lead
    (else the newest email we sent them), and "Re: <their subject> [reference]"."""
    last_in = (
        InboundMessage.objects.filter(
            lead=lead,
            channel=Channel.EMAIL,
            kind__in=[InboundKind.ENQUIRY, InboundKind.REPLY],
        )
        .exclude(message_id="")
        .order_by("-received_at", "-pk")
        .first()
    )
    subject = (last_in.subject if last_in else "") or lead.subject or "Your enquiry"
    base = RE_PREFIX.sub("", subject).strip() or "Your enquiry"
    if lead.reference and lead.reference not in base:
        base = f"{base} [{lead.reference}]"
    if last_in is None:
        last_out = (
            OutboundEmail.objects.filter(
                lead=lead,
                state=EmailState.SENT,
                kind__in=[EmailKind.ACKNOWLEDGEMENT, EmailKind.REPLY],
            )
            .order_by("-sent_at", "-pk")
            .first()
        )
        if last_out is None:
            return Thread(in_reply_to="", references=[], subject=base)
        return Thread(
            in_reply_to=last_out.message_id,
            references=_trim([*last_out.references, last_out.message_id]),
            subject=f"Re: {base}",
        )
    references = [ref for ref in (last_in.references or []) if isinstance(ref, str)]
    if last_in.in_reply_to and last_in.in_reply_to not in references:
        references.append(last_in.in_reply_to)
    return Thread(
        in_reply_to=last_in.message_id,
        references=_trim([*references, last_in.message_id]),
        subject=f"Re: {base}",
    )


def _trim(references: Sequence[str]) -> list[str]:
    unique = list(dict.fromkeys(ref for ref in references if ref))
    if len(unique) <= REFERENCES_MAX:
        return unique
    return [unique[0], *unique[-(REFERENCES_MAX - 1) :]]


def _clean(*, lead: Lead, subject: str, text: str, files: Sequence[ReplyFile]) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    if lead.merged_into_id is not None:
        errors.setdefault("__all__", []).append(
            f"This lead was merged into {lead.merged_into}; reply from that lead."
        )
    if not lead.contact.email:
        errors.setdefault("__all__", []).append(
            "The enquirer has no email address; call them or add one to the contact."
        )
    subject = clean_single_line(subject, max_length=300)
    if not subject:
        errors.setdefault("subject", []).append("Give the email a subject.")
    text = (text or "").replace("\r\n", "\n").replace("\x00", "").strip()
    if not text:
        errors.setdefault("body", []).append("Write the reply before sending it.")
    elif len(text) > REPLY_MAX_LENGTH:
        errors.setdefault("body", []).append(
            f"The reply is {len(text)} characters; the most is {REPLY_MAX_LENGTH}."
        )
    limit = settings.LEADTRACK_REPLY_ATTACHMENTS_MAX_BYTES
    total = sum(len(f.data) for f in files)
    if total > limit:
        errors.setdefault("attachments", []).append(
            f"The attachments come to {total / 1048576:.1f} MB; the most one email "
            f"may carry is {limit / 1048576:.1f} MB."
        )
    if len(files) > settings.LEADTRACK_ATTACHMENTS_PER_EMAIL:
        errors.setdefault("attachments", []).append(
            f"Attach at most {settings.LEADTRACK_ATTACHMENTS_PER_EMAIL} files."
        )
    for f in files:
        if not f.data:
            errors.setdefault("attachments", []).append(f"“{f.filename}” is empty.")
    if errors:
        raise ValidationError(errors)
    return subject, text


def _store_files(email: OutboundEmail, files: Sequence[ReplyFile]) -> None:
    for f in files:
        digest = hashlib.sha256(f.data).hexdigest()
        row = OutboundAttachment(
            email=email,
            filename=clean_single_line(f.filename, max_length=255) or "attachment",
            content_type=(f.content_type or "application/octet-stream")[:100],
            size=len(f.data),
            sha256=digest,
        )
        path = f"outbound/{digest[:2]}/{digest}"
        if not default_storage.exists(path):
            path = default_storage.save(path, ContentFile(f.data))
        row.file.name = path
        row.save()


def _compose(*, email: OutboundEmail, text: str) -> None:
    """The full text and HTML as sent: the writer's words and the firm's footer."""
    context = email_context({"text": text, "sender_name": email.from_name})
    email.body_text = render_plain(get_template("emails/reply_body.txt"), context)
    email.body_html = get_template("emails/reply_body.html").render(context)


@transaction.atomic
def lead_reply_save(
    *,
    lead: Lead,
    actor: AbstractBaseUser,
    subject: str,
    text: str,
    files: Sequence[ReplyFile] = (),
    draft: OutboundEmail | None = None,
    send: bool = True,
) -> OutboundEmail:
    """Save a reply to the enquirer (a new one, or the given draft edited) and, unless
    ``send`` is off, queue it for sending after commit. Bad input raises ValidationError
    and changes nothing."""
    lead = Lead.objects.select_related("contact", "merged_into").get(pk=lead.pk)
    subject, text = _clean(lead=lead, subject=subject, text=text, files=files)
    if draft is not None:
        draft = OutboundEmail.objects.select_for_update().get(pk=draft.pk)
        if draft.lead_id != lead.pk or draft.kind != EmailKind.REPLY:
            raise ValidationError("That draft belongs to another lead.")
        if draft.state != EmailState.DRAFT:
            raise ValidationError("That reply has already been sent; write a new one.")
        email = draft
    else:
        thread = reply_thread(lead=lead)
        email = OutboundEmail(
            lead=lead,
            kind=EmailKind.REPLY,
            dedupe_key=f"reply:lead:{lead.pk}:{uuid.uuid4().hex}",
            message_id=lead_message_id(lead=lead, kind=EmailKind.REPLY),
            in_reply_to=thread.in_reply_to,
            references=thread.references,
            activity_kind=ActivityKind.MESSAGE_SENT,
        )
    email.to = [lead.contact.email]
    email.subject = subject
    email.from_name = display_name(actor)
    email.sent_by = actor
    if send:
        _compose(email=email, text=text)
        email.state = EmailState.QUEUED
    else:
        email.body_text, email.body_html = text, ""
        email.state = EmailState.DRAFT
    email.save()
    _store_files(email, files)
    if send:
        transaction.on_commit(lambda: outbound_email_enqueue(email_id=email.pk), robust=True)
    return email


@transaction.atomic
def lead_reply_retry(
    *, email: OutboundEmail, actor: AbstractBaseUser | None = None
) -> OutboundEmail:
    """Try a reply that failed (or is still waiting after a failure) again now."""
    email = OutboundEmail.objects.select_for_update().get(pk=email.pk)
    if email.state == EmailState.SENT:
        raise ValidationError("That email has already been sent.")
    if email.state == EmailState.DRAFT:
        raise ValidationError("That reply is a draft; send it from the reply box.")
    email.state = EmailState.QUEUED
    email.attempts = 0
    email.save(update_fields=["state", "attempts"])
    transaction.on_commit(lambda: outbound_email_enqueue(email_id=email.pk), robust=True)
    return email


@transaction.atomic(savepoint=False)  # with the send's own transaction
def reply_record_sent(*, email: OutboundEmail, at: datetime) -> None:
    """A reply went: on the timeline with its full text, as the lead's first response
    if it is one, and to the higher apps (follow-ups complete from it)."""
    lead = email.lead
    writer = email.from_name or "the firm"
    activity_record(
        lead=lead,
        kind=ActivityKind.MESSAGE_SENT,
        summary=f"Email sent by {writer} to {', '.join(email.to)}: {email.subject}"[:500],
        actor=email.sent_by,
        at=at,
        data={
            "outbound_email_id": email.pk,
            "message_id": email.message_id,
            "subject": email.subject,
            "text": email.body_text,
            "attachments": list(email.attachments.values_list("filename", flat=True)),
        },
    )
    lead_record_first_response(lead=lead, at=at)
    signals.message_sent.send(sender=Lead, lead=lead, at=at, actor=email.sent_by)
