"""Inbound email capture: store the delivery exactly as it came, then decide what it is
(a new enquiry, a reply on a lead, a colleague's forward, a member of staff's reply,
or mail that must never become a lead) and record it, exactly once.

The raw row and everything processing writes commit together; processing runs in a
savepoint, so when it fails the raw row still commits, marked with the error, and is
processed again when the ESP redelivers it or when beat's ``inbound_reprocess_pending``
finds it. A delivery seen before (same Message-ID, same ESP event id, or the same
payload) creates nothing new.
"""

import logging
import traceback
from datetime import datetime, timedelta
from email.message import Message

from anymail.signals import AnymailInboundEvent
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from leads import signals
from leads.choices import (
    OPEN_STATUSES,
    ActivityKind,
    ArrivalBasis,
    Channel,
    InboundKind,
    RawFormat,
)
from leads.identity import clean_single_line
from leads.inbound.classification import automated_verdict, machine_mail, spam_verdict
from leads.inbound.esp import Delivery, delivery_from_event
from leads.inbound.forwarding import FORWARD_SUBJECT, forwarded_enquiry, subject_unforward
from leads.inbound.outcomes import InboundDeferred, InboundRejected
from leads.inbound.parsing import (
    Address,
    Email,
    addresses,
    arrival_time,
    date_believable,
    email_read,
    mime_parse,
)
from leads.inbound.threads import thread_lead
from leads.models import Activity, Attachment, InboundMessage, Lead, attachment_upload_to
from leads.selectors import active_user_id_by_email, inbound_delivered_id
from leads.services.activity import activity_record
from leads.services.bounces import machine_mail_record
from leads.services.capture import (
    ContactDetails,
    contact_details_clean,
    contact_find,
    contact_update_or_create,
    lead_reference,
    pipeline_enqueue,
)
from leads.services.statuses import lead_record_first_response

logger = logging.getLogger(__name__)

MESSAGE_MAX_CHARS = 20_000

__all__ = [
    "InboundDeferred",
    "InboundRejected",
    "inbound_email_receive",
    "inbound_email_process",
    "inbound_email_release",
    "inbound_reprocess_pending",
    "lead_message_log_sent",
    "lead_message_receive",
]


# ---------------------------------------------------------------------------
# Receiving: store first, then process
# ---------------------------------------------------------------------------


def inbound_email_receive(*, event: AnymailInboundEvent, esp_name: str) -> InboundMessage:
    """Capture one email an ESP delivered, once. Raises InboundRejected for a delivery
    that can never be accepted (nothing stored), InboundDeferred when it is stored but
    not yet processed."""
    if not addresses(event.message, "From") and not machine_mail(event.message):
        raise InboundRejected(
            "The email has no valid From address, so there is nobody to answer; it was not stored."
        )
    delivery = delivery_from_event(event, esp_name)
    inbound = _duplicate(delivery)
    if inbound is None:
        inbound = _receive_first(delivery, message=event.message)
    elif inbound.processed_at is None and inbound.kind != InboundKind.FAILED:
        inbound = inbound_email_process(inbound_id=inbound.pk)
    if inbound.processed_at is None and inbound.kind != InboundKind.FAILED:
        raise InboundDeferred(inbound.error or "being processed by another request")
    return inbound


def _receive_first(delivery: Delivery, *, message: Message) -> InboundMessage:
    """Store and process a first delivery in one transaction, from the message anymail
    already parsed; the row is written once, with what was read from it. If processing
    fails, that transaction is rolled back and the raw row is stored alone, with the
    error, to be processed again."""
    inbound = _unsaved(delivery)
    try:
        with transaction.atomic():
            inbound.attempts = 1
            _process(inbound, release_spam=False, message=message)
        return inbound
    except Exception as exc:  # recorded on the stored row below
        failure = exc
    # A concurrent delivery of the same email may have stored it first.
    existing = _duplicate(delivery)
    if existing is not None:
        return existing
    logger.error("Inbound email %s could not be processed", delivery.external_id, exc_info=failure)
    inbound = _unsaved(delivery)
    _failure_note(inbound, failure, attempts=1)
    try:
        with transaction.atomic():
            inbound.save(force_insert=True)
    except IntegrityError:
        existing = _duplicate(delivery)
        if existing is None:
            raise
        return existing
    return inbound


def _duplicate(delivery: Delivery) -> InboundMessage | None:
    """The stored row of an email delivered before, by any of its identities."""
    inbound_id = inbound_delivered_id(
        provider=delivery.provider,
        external_id=delivery.external_id,
        message_id=delivery.message_id,
        esp_event_id=delivery.esp_event_id,
    )
    return None if inbound_id is None else InboundMessage.objects.get(pk=inbound_id)


def _unsaved(delivery: Delivery) -> InboundMessage:
    return InboundMessage(
        provider=delivery.provider,
        channel=Channel.EMAIL,
        external_id=delivery.external_id,
        received_at=timezone.now(),
        kind=InboundKind.PENDING,
        raw=delivery.raw,
        raw_format=delivery.raw_format,
        message_mime=delivery.message_mime,
        payload=delivery.meta,
        message_id=delivery.message_id,
        esp_event_id=delivery.esp_event_id,
    )


@transaction.atomic
def inbound_email_process(*, inbound_id: int, release_spam: bool = False) -> InboundMessage:
    """Process a stored, unprocessed email (skipped if another process holds it)."""
    inbound = (
        InboundMessage.objects.select_for_update(skip_locked=True)
        .filter(pk=inbound_id, processed_at__isnull=True)
        .first()
    )
    if inbound is None:
        return InboundMessage.objects.get(pk=inbound_id)
    _attempt(inbound, release_spam=release_spam)
    return inbound


def _attempt(inbound: InboundMessage, *, release_spam: bool = False) -> None:
    """One more try at processing a stored email, from its stored MIME, in a savepoint;
    a failure is recorded on the row."""
    attempts = inbound.attempts + 1
    try:
        with transaction.atomic():
            inbound.attempts = attempts
            _process(inbound, release_spam=release_spam, message=None)
    except Exception as exc:
        logger.exception("Inbound email %s could not be processed", inbound.pk)
        inbound.refresh_from_db()
        _failure_note(inbound, exc, attempts=attempts)
        inbound.save(update_fields=["attempts", "error", "kind", "reason"])


def _failure_note(inbound: InboundMessage, exc: Exception, *, attempts: int) -> None:
    """Mark the row with the failed attempt: pending, or failed once attempts run out."""
    inbound.attempts = attempts
    inbound.error = "".join(traceback.format_exception_only(exc)).strip()[:4000]
    exhausted = attempts >= settings.LEADTRACK_INBOUND_MAX_ATTEMPTS
    inbound.kind = InboundKind.FAILED if exhausted else InboundKind.PENDING
    inbound.reason = (
        f"Could not be processed after {attempts} attempts; shown for a person to look at."
        if exhausted
        else ""
    )


def inbound_reprocess_pending(*, older_than_seconds: int = 60, limit: int = 200) -> int:
    """Process again stored emails left unprocessed (the safety net); returns how many
    were processed now."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        InboundMessage.objects.filter(
            channel=Channel.EMAIL, processed_at__isnull=True, received_at__lte=cutoff
        )
        .exclude(kind=InboundKind.FAILED)
        .order_by("received_at")
        .values_list("pk", flat=True)[:limit]
    )
    done = 0
    for inbound_id in ids:
        if inbound_email_process(inbound_id=inbound_id).processed_at is not None:
            done += 1
    if ids:
        logger.warning("Reprocessed %d of %d pending inbound email(s)", done, len(ids))
    return done


@transaction.atomic
def inbound_email_release(
    *, inbound: InboundMessage, actor: AbstractBaseUser | None = None
) -> InboundMessage:
    """Process an email held as spam, or one that failed, as if it had just arrived
    (a person has looked at it)."""
    inbound = InboundMessage.objects.select_for_update().get(pk=inbound.pk)
    if inbound.kind not in {InboundKind.SPAM, InboundKind.FAILED}:
        return inbound
    inbound.processed_at = None
    inbound.attempts = 0
    inbound.kind = InboundKind.PENDING
    inbound.save(update_fields=["processed_at", "attempts", "kind"])
    Attachment.objects.filter(inbound=inbound).delete()  # read again from the MIME
    _attempt(inbound, release_spam=True)  # from the stored MIME, as a person saw it
    logger.info("Inbound email %s released by %s", inbound.pk, actor)
    return inbound


# ---------------------------------------------------------------------------
# Processing: read, classify, record
# ---------------------------------------------------------------------------

PARSED_FIELDS = [
    "attempts",
    "kind",
    "reason",
    "lead",
    "processed_at",
    "error",
    "in_reply_to",
    "references",
    "from_email",
    "from_name",
    "to",
    "cc",
    "subject",
    "body_text",
    "body_html",
    "summary",
    "arrived_at",
    "arrival_basis",
    "spam_score",
]


def _process(inbound: InboundMessage, *, release_spam: bool, message: Message | None) -> None:
    meta = inbound.payload or {}
    if message is None:
        mime = inbound.raw if inbound.raw_format == RawFormat.MIME else inbound.message_mime
        if not mime:
            raise ValueError(
                f"No MIME to read the email from ({meta.get('serialise_error') or 'empty'})."
            )
        message = mime_parse(mime)
    email = email_read(message, stripped_text=meta.get("stripped_text") or "")
    if email.sender is None and not machine_mail(email.message):  # e.g. From: MAILER-DAEMON
        raise ValueError("The stored email has no valid From address.")
    now = timezone.now()
    esp_timestamp = parse_datetime(meta["esp_timestamp"]) if meta.get("esp_timestamp") else None
    arrived_at, basis = arrival_time(esp_timestamp=esp_timestamp, email=email, now=now)
    inbound.in_reply_to = email.in_reply_to
    inbound.references = email.references
    inbound.from_email = email.sender.email if email.sender else ""
    inbound.from_name = email.sender.name if email.sender else email.header("From")[:200]
    inbound.to = [str(a) for a in email.to]
    inbound.cc = [str(a) for a in email.cc]
    inbound.subject = email.subject
    inbound.body_text = email.text
    inbound.body_html = email.html
    inbound.summary = email.summary
    inbound.arrived_at = arrived_at
    inbound.arrival_basis = basis
    inbound.spam_score = meta.get("spam_score")
    inbound.error = ""
    _classify_and_record(inbound, email=email, release_spam=release_spam)
    _attachments_store(inbound=inbound, email=email)


def _classify_and_record(inbound: InboundMessage, *, email: Email, release_spam: bool) -> None:
    """Decide what the email is and record it; every outcome saves the row."""
    meta = inbound.payload or {}
    verdict = automated_verdict(email=email, envelope_sender=meta.get("envelope_sender"))
    if verdict is not None:
        # Kept and linked to its lead for context, but never a lead or an acknowledgement.
        match = thread_lead(email, exclude_inbound_id=inbound.pk)
        _finish(inbound, verdict.kind, verdict.reason, lead=match[0] if match else None)
        machine_mail_record(inbound=inbound, verdict=verdict)  # a bounce finds its email
        return None
    if not release_spam:
        verdict = spam_verdict(
            spam_detected=meta.get("spam_detected"), spam_score=meta.get("spam_score")
        )
        if verdict is not None:
            return _finish(inbound, verdict.kind, verdict.reason)

    user, is_staff = staff_member(email.sender.email)
    if is_staff:
        return _from_staff(inbound=inbound, email=email, user=user)
    match = thread_lead(email, exclude_inbound_id=inbound.pk)
    if match is not None:
        lead, how = match
        return lead_message_receive(lead=lead, inbound=inbound, reason=how)
    return _enquiry_or_join(
        inbound=inbound,
        sender=email.sender,
        subject=email.subject,
        message=email.summary,
        arrived_at=inbound.arrived_at,
        source=_source_for(inbound, email),
    )


def _source_for(inbound: InboundMessage, email: Email) -> str:
    recipient = (inbound.payload or {}).get("envelope_recipient") or (
        email.to[0].email if email.to else settings.LEADTRACK_TRACKING_ADDRESS
    )
    return f"Email to {clean_single_line(str(recipient))}"


def _finish(
    inbound: InboundMessage, kind: InboundKind, reason: str, *, lead: Lead | None = None
) -> None:
    inbound.kind = kind
    inbound.reason = reason[:300]
    inbound.lead = lead
    inbound.processed_at = timezone.now()
    if inbound.pk is None:  # a first delivery: its row is written once, now
        inbound.save(force_insert=True)
    else:
        inbound.save(update_fields=PARSED_FIELDS)


def _attachments_store(*, inbound: InboundMessage, email: Email) -> None:
    """Keep each attachment within the limits (on the email's lead, if any); note those
    refused and why."""
    if inbound.attempts > 1:
        Attachment.objects.filter(inbound=inbound).delete()
    most = settings.LEADTRACK_ATTACHMENTS_PER_EMAIL
    largest = settings.LEADTRACK_ATTACHMENT_MAX_BYTES
    rows = []
    for index, part in enumerate(email.attachments):
        row = Attachment(
            inbound=inbound,
            lead=inbound.lead,
            filename=part.filename[:255],
            content_type=part.content_type[:100],
            size=len(part.data),
            sha256=part.sha256,
            inline=part.inline,
        )
        if index >= most:
            row.refused_reason = f"More than {most} attachments on one email"
        elif row.size > largest:
            row.refused_reason = f"Larger than the {largest // 1024} KB limit"
        elif row.size == 0:
            row.refused_reason = "Empty file"
        else:
            path = attachment_upload_to(row, part.filename)
            if not default_storage.exists(path):
                path = default_storage.save(path, ContentFile(part.data))
            row.file.name = path
        rows.append(row)
    if rows:
        Attachment.objects.bulk_create(rows)


def staff_member(address: str) -> tuple[AbstractBaseUser | None, bool]:
    """The active user with this email (if any), and whether the sender is staff: such
    a user, or an address at one of LEADTRACK_STAFF_EMAIL_DOMAINS."""
    user_id = active_user_id_by_email(address)
    if user_id is not None:
        return get_user_model().objects.get(pk=user_id), True
    domain = address.rsplit("@", 1)[-1].lower()
    return None, domain in settings.LEADTRACK_STAFF_EMAIL_DOMAINS


def _from_staff(*, inbound: InboundMessage, email: Email, user) -> None:
    attached = any(part.get_content_type() == "message/rfc822" for part in email.message.walk())
    forwarded = None
    if attached or FORWARD_SUBJECT.match(email.subject):
        forwarded = forwarded_enquiry(email)
    if forwarded is not None and not staff_member(forwarded.sender.email)[1]:
        forwarder = str(email.sender)
        arrived_at = inbound.arrived_at
        if date_believable(forwarded.sent_at, now=timezone.now()):
            arrived_at = forwarded.sent_at
            inbound.arrival_basis = ArrivalBasis.FORWARDED
            inbound.arrived_at = arrived_at
        return _enquiry_or_join(
            inbound=inbound,
            sender=forwarded.sender,
            subject=subject_unforward(forwarded.subject or email.subject),
            message=forwarded.text,
            arrived_at=arrived_at,
            source=f"Forwarded by {forwarder}",
            forwarded_by=forwarder,
        )
    match = thread_lead(email, exclude_inbound_id=inbound.pk) or _lead_of_recipients(email)
    if match is None:
        return _finish(
            inbound,
            InboundKind.STAFF_REPLY,
            "From a member of staff, but no lead was found for it (no thread, reference "
            "or enquirer among the recipients)",
        )
    lead, how = match
    return lead_message_log_sent(lead=lead, inbound=inbound, actor=user, reason=how)


def _lead_of_recipients(email: Email) -> tuple[Lead, str] | None:
    tracking = settings.LEADTRACK_TRACKING_ADDRESS
    emails = [a.email for a in email.recipients if a.email != tracking]
    if not emails:
        return None
    lead = (
        Lead.objects.filter(
            contact__email__in=emails, status__in=OPEN_STATUSES, merged_into__isnull=True
        )
        .select_related("contact")
        .order_by("-arrived_at")
        .first()
    )
    return (lead, f"The enquirer {lead.contact.email} is a recipient") if lead else None


def _open_lead_within_window(*, email_address: str, at: datetime) -> Lead | None:
    """The sender's open lead that arrived, or that they last wrote to, within the
    joining window (``LEADTRACK_JOIN_WINDOW_DAYS``, the same for every channel)."""
    days = settings.LEADTRACK_JOIN_WINDOW_DAYS
    if days <= 0:
        return None
    cutoff = at - timedelta(days=days)
    written_since = InboundMessage.objects.filter(lead=OuterRef("pk"), arrived_at__gte=cutoff)
    return (
        Lead.objects.filter(
            contact__email=email_address, status__in=OPEN_STATUSES, merged_into__isnull=True
        )
        .filter(Q(arrived_at__gte=cutoff) | Exists(written_since))
        .select_related("contact")
        .order_by("-arrived_at")
        .first()
    )


def _enquiry_or_join(
    *,
    inbound: InboundMessage,
    sender: Address,
    subject: str,
    message: str,
    arrived_at: datetime,
    source: str,
    forwarded_by: str = "",
) -> None:
    details = contact_details_clean(ContactDetails(name=sender.name, email=sender.email))
    contact = contact_find(details=details)
    # Only someone already a contact can have an open lead to join.
    lead = _open_lead_within_window(email_address=details.email, at=arrived_at) if contact else None
    if lead is not None:
        days = settings.LEADTRACK_JOIN_WINDOW_DAYS
        return lead_message_receive(
            lead=lead,
            inbound=inbound,
            reason=f"Same sender wrote within {days} days to an open lead",
        )
    contact = contact_update_or_create(details=details, contact=contact)
    now = timezone.now()
    lead = Lead(
        channel=Channel.EMAIL,
        source=clean_single_line(source),
        arrived_at=arrived_at,
        captured_at=now,
        status_changed_at=now,
        contact=contact,
        subject=clean_single_line(subject, max_length=300),
        message=message[:MESSAGE_MAX_CHARS],
    )
    lead.full_clean(exclude=["reference", "contact", "owner", "merged_into"])
    lead.save()
    lead.reference = lead_reference(lead)
    lead.save(update_fields=["reference"])
    reason = f"New enquiry forwarded by {forwarded_by}" if forwarded_by else "New enquiry"
    _finish(inbound, InboundKind.ENQUIRY, reason, lead=lead)
    when = timezone.localtime(arrived_at).strftime("%d %b %Y %H:%M")
    activity_record(
        lead=lead,
        kind=ActivityKind.CAPTURED,
        summary=f"Enquiry captured from email (arrived {when})"
        + (f", forwarded by {forwarded_by}" if forwarded_by else ""),
        at=now,
        data={"inbound_message_id": inbound.pk, "source": lead.source},
    )
    transaction.on_commit(lambda: pipeline_enqueue(lead_id=lead.pk), robust=True)


# ---------------------------------------------------------------------------
# Messages on an existing lead
# ---------------------------------------------------------------------------


@transaction.atomic(savepoint=False)  # all or nothing with the caller's transaction
def lead_message_receive(
    *, lead: Lead, inbound: InboundMessage, reason: str = "Reply to the lead"
) -> Activity:
    """Record an enquirer's email on their lead (no new lead, no acknowledgement) and
    tell the higher apps."""
    _finish(inbound, InboundKind.REPLY, reason, lead=lead)
    who = inbound.from_name or inbound.from_email
    activity = activity_record(
        lead=lead,
        kind=ActivityKind.MESSAGE_RECEIVED,
        summary=f"Email received from {who}: {inbound.subject or '(no subject)'}",
        at=inbound.arrived_at or inbound.received_at,
        data={"inbound_message_id": inbound.pk, "message_id": inbound.message_id},
    )
    signals.message_received.send(sender=Lead, lead=lead, inbound_message=inbound)
    return activity


@transaction.atomic(savepoint=False)  # all or nothing with the caller's transaction
def lead_message_log_sent(
    *,
    lead: Lead,
    inbound: InboundMessage,
    actor: AbstractBaseUser | None = None,
    reason: str = "Staff reply",
) -> Activity:
    """Record a member of staff's email to the enquirer (caught by the tracking address
    in Cc/Bcc) as contact made: on the timeline, as the first response if it is one,
    and to the higher apps (follow-ups complete from it)."""
    _finish(inbound, InboundKind.STAFF_REPLY, reason, lead=lead)
    at = inbound.arrived_at or inbound.received_at
    who = inbound.from_name or inbound.from_email
    recipients = ", ".join(inbound.to) or lead.contact.email
    activity = activity_record(
        lead=lead,
        kind=ActivityKind.MESSAGE_SENT,
        summary=f"Email sent by {who} to {recipients}: {inbound.subject or '(no subject)'}",
        actor=actor,
        at=at,
        data={"inbound_message_id": inbound.pk, "message_id": inbound.message_id},
    )
    lead_record_first_response(lead=lead, at=at)
    signals.message_sent.send(sender=Lead, lead=lead, at=at, actor=actor)
    return activity
