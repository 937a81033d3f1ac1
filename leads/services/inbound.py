"""Inbound email capture, in two halves.

The webhook (``inbound_email_receive``) stores the delivery's payload as bytes with its
ESP timestamp in one INSERT, unique on its identities (Message-ID, else the ESP's event
id, else a digest of the payload), so a repeat is a no-op; it queues processing after
commit and answers. The worker (``inbound_email_process``, from the task, beat's safety
net or "Process again") reads the stored payload and decides what it is (a new enquiry,
a reply on a lead, a colleague's forward, a member of staff's reply, or mail that must
never become a lead) and records it, exactly once: under a row lock, in a savepoint, so
a failure leaves nothing half-written and the row pending, to be tried again.
"""

import json
import logging
import traceback
from datetime import datetime, timedelta
from email.errors import MessageError
from email.message import Message

from anymail.signals import AnymailInboundEvent
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
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
from leads.inbound.classification import automated_verdict, spam_verdict
from leads.inbound.esp import (
    BUILD_ERRORS,
    Delivery,
    UnreadInboundEvent,
    delivery_from_event,
    delivery_from_message,
    messages_from_stored,
)
from leads.inbound.forwarding import FORWARD_SUBJECT, forwarded_enquiry, subject_unforward
from leads.inbound.outcomes import InboundRejected
from leads.inbound.parsing import (
    Address,
    Email,
    arrival_time,
    date_believable,
    email_read,
    header_text,
    mime_parse,
)
from leads.inbound.threads import thread_lead
from leads.models import Activity, Attachment, InboundMessage, Lead, attachment_upload_to
from leads.selectors import active_user_id_by_email, inbound_delivered
from leads.services.activity import activity_record
from leads.services.bounces import machine_mail_record
from leads.services.capture import ContactDetails, lead_capture, text_without_nul
from leads.services.statuses import lead_record_first_response
from leads.services.webhook_tokens import webhook_tokens_forget

logger = logging.getLogger(__name__)

# A lead captured this long after its email arrived says so on its timeline.
CAPTURE_DELAY_WORTH_SAYING = timedelta(minutes=2)

__all__ = [
    "InboundRejected",
    "InboundUnreadable",
    "inbound_email_receive",
    "inbound_email_store",
    "inbound_email_process",
    "inbound_email_release",
    "inbound_reprocess_pending",
    "lead_message_log_sent",
]


# ---------------------------------------------------------------------------
# Receiving (the web process): store the payload, queue its processing
# ---------------------------------------------------------------------------


def inbound_email_receive(*, event: AnymailInboundEvent, esp_name: str) -> int:
    """Store one email an ESP delivered, once, and queue its processing after commit;
    returns the stored email's id. Raises InboundRejected for an event that carries no
    email at all."""
    if isinstance(event, UnreadInboundEvent):
        delivery = event.delivery
    elif event.message is None:
        # e.g. a Resend "email.received" event without the email's id.
        raise InboundRejected(f"The {esp_name} inbound event carries no email; nothing was stored.")
    else:
        delivery = delivery_from_event(event, esp_name)
    return inbound_email_store(delivery=delivery)


def inbound_email_store(*, delivery: Delivery) -> int:
    """Write the delivery's row (one INSERT, unique on its identities) and queue its
    processing after commit; returns the stored email's id. A delivery stored before is
    not stored again, and is queued again only if it is still unprocessed and was stored
    long enough ago (``LEADTRACK_INBOUND_REQUEUE_AFTER``) that its first message may have
    been lost; until then that message is on its way, and beat's safety net covers a
    loss."""
    values = {
        "provider": delivery.provider,
        "channel": Channel.EMAIL.value,
        "external_id": text_without_nul(delivery.external_id),
        "received_at": timezone.now(),
        "kind": InboundKind.PENDING.value,
        "raw_bytes": delivery.raw,
        "raw_format": delivery.raw_format,
        "payload": text_without_nul(delivery.meta),
        "message_id": text_without_nul(delivery.message_id),
        "esp_event_id": text_without_nul(delivery.esp_event_id),
        "esp_timestamp": delivery.esp_timestamp,
    }
    inbound_id = _inbound_insert(values)
    if inbound_id is None:  # delivered before
        requeue_after = timedelta(seconds=settings.LEADTRACK_INBOUND_REQUEUE_AFTER)
        stored = inbound_delivered(
            provider=values["provider"],
            external_id=values["external_id"],
            message_id=values["message_id"],
            esp_event_id=values["esp_event_id"],
            pending_since_before=values["received_at"] - requeue_after,
        )
        if stored is None:  # the row that refused this one has gone since (erased)
            raise IntegrityError(f"Inbound email {values['message_id']!r} could not be stored.")
        inbound_id, requeue = stored
        if not requeue:
            return inbound_id
    transaction.on_commit(lambda: inbound_email_enqueue(inbound_id=inbound_id), robust=True)
    return inbound_id


# The webhook's INSERT, built once per database from the model's own fields. The ORM's
# ``save()`` compiled the same statement, all 40 columns of it, and bound every column's
# value, on every webhook (about a fifth of a webhook's CPU; docs/performance.md). Here the
# columns the webhook leaves at their defaults are written into the statement once (NULL
# columns left out), the webhook's own values are bound, and a repeat delivery meets a
# unique index and inserts nothing (ON CONFLICT DO NOTHING), with no error to recover from.
_insert_statements: dict[str, tuple[str, list]] = {}


def _inbound_insert(values: dict) -> int | None:
    """INSERT the row; its id, or None when a unique constraint holds it already."""
    if connection.vendor not in ("postgresql", "sqlite"):  # no ON CONFLICT ... RETURNING
        return _inbound_insert_by_save(values)
    statement = _insert_statements.get(connection.vendor)
    if statement is None:
        statement = _insert_statements[connection.vendor] = _insert_statement(values)
    sql, fields = statement
    params = [field.get_db_prep_save(values[field.name], connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def _insert_statement(values: dict) -> tuple[str, list]:
    """The INSERT of every column, and the fields whose values it binds (those in
    ``values``, and any column whose default cannot be written as a plain literal)."""
    quote = connection.ops.quote_name
    columns, placeholders, bound = [], [], []
    for field in InboundMessage._meta.concrete_fields:
        if field is InboundMessage._meta.pk:
            continue
        if field.name in values:
            literal = "%s"
            bound.append(field)
        else:
            literal = _sql_literal(field.get_default())
            if literal is None:
                raise ValueError(f"InboundMessage.{field.name}'s default has no SQL literal.")
            if literal == "NULL":
                continue  # NULL is what a column left out gets
        columns.append(quote(field.column))
        placeholders.append(literal)
    sql = (
        f"INSERT INTO {quote(InboundMessage._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608 (the model's names and defaults)
        f"VALUES ({', '.join(placeholders)}) "
        f"ON CONFLICT DO NOTHING RETURNING {quote(InboundMessage._meta.pk.column)}"
    )
    return sql, bound


def _sql_literal(value) -> str | None:
    """A column default as SQL both databases read the same (JSON as its text, which
    PostgreSQL casts to the jsonb column's type); None if it has no plain literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | dict):
        value = json.dumps(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''").replace("%", "%%") + "'"
    return None


def _inbound_insert_by_save(values: dict) -> int | None:
    """The same through the ORM, for a database without ON CONFLICT ... RETURNING."""
    inbound = InboundMessage(**values)
    try:
        with transaction.atomic():  # a savepoint, so a caller's transaction survives
            inbound.save(force_insert=True)
    except IntegrityError:
        return None
    return inbound.pk


def inbound_email_enqueue(*, inbound_id: int) -> None:
    """Hand the stored email to a worker; beat's safety net covers a message lost on the
    way (the broker down, say)."""
    from leads.tasks import inbound_email_process as task

    task.delay(inbound_id=inbound_id)


# ---------------------------------------------------------------------------
# Processing (the worker): read the stored payload, classify, record
# ---------------------------------------------------------------------------


class InboundUnreadable(Exception):
    """The stored payload cannot be read as an email, however often it is tried."""


@transaction.atomic
def inbound_email_process(*, inbound_id: int, release_spam: bool = False) -> InboundMessage:
    """Process a stored, unprocessed email (skipped if another process holds it)."""
    inbound = (
        InboundMessage.objects.select_for_update(skip_locked=True)
        .filter(pk=inbound_id, processed_at__isnull=True)
        .exclude(kind=InboundKind.FAILED)
        .first()
    )
    if inbound is None:
        return InboundMessage.objects.get(pk=inbound_id)
    _attempt(inbound, release_spam=release_spam)
    return inbound


def _attempt(inbound: InboundMessage, *, release_spam: bool = False) -> None:
    """One more try at processing a stored email, in a savepoint; a failure is recorded
    on the row (nothing else it wrote survives)."""
    attempts = inbound.attempts + 1
    try:
        with transaction.atomic():
            inbound.attempts = attempts
            _process(inbound, release_spam=release_spam)
    except Exception as exc:
        logger.exception("Inbound email %s could not be processed", inbound.pk)
        inbound.refresh_from_db()
        _failure_note(inbound, exc, attempts=attempts)
        inbound.save(update_fields=["attempts", "error", "kind", "reason"])


def _failure_note(inbound: InboundMessage, exc: Exception, *, attempts: int) -> None:
    """Mark the row with the failed attempt: pending, or failed once attempts run out
    (at once for a payload that can never be read)."""
    inbound.attempts = attempts
    inbound.error = text_without_nul("".join(traceback.format_exception_only(exc)).strip())[:4000]
    unreadable = isinstance(exc, InboundUnreadable)
    exhausted = unreadable or attempts >= settings.LEADTRACK_INBOUND_MAX_ATTEMPTS
    inbound.kind = InboundKind.FAILED if exhausted else InboundKind.PENDING
    if unreadable:
        inbound.reason = f"Stored, but it cannot be read as an email: {exc}"[:300]
    elif exhausted:
        inbound.reason = (
            f"Could not be processed after {attempts} attempts; shown for a person to look at."
        )
    else:
        inbound.reason = ""


def inbound_reprocess_pending(*, older_than_seconds: int = 60, limit: int = 200) -> int:
    """Process again stored emails left unprocessed (the safety net: a broker message
    lost, a worker killed mid-way), and forget expired webhook tokens; returns how many
    emails were processed now."""
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
    webhook_tokens_forget()
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
    "esp_timestamp",
]


def _stored_message(inbound: InboundMessage) -> tuple[Message, dict]:
    """The email in the stored payload, and what the ESP said about it. A payload
    holding several emails (a whole post stored unread) keeps the first on this row and
    stores the others as rows of their own."""
    meta = inbound.payload or {}
    raw = bytes(inbound.raw_bytes or b"")
    if not raw:  # stored before payloads were kept as bytes
        mime = inbound.raw if inbound.raw_format == RawFormat.MIME else inbound.message_mime
        if not mime:
            raise InboundUnreadable(
                f"no MIME was stored ({meta.get('serialise_error') or 'empty'})"
            )
        return mime_parse(mime), meta
    try:
        stored = messages_from_stored(
            provider=inbound.provider,
            raw=raw,
            raw_format=inbound.raw_format,
            meta=meta,
            esp_timestamp=inbound.esp_timestamp,
        )
    except (*BUILD_ERRORS, UnicodeError, RecursionError, MessageError) as exc:
        raise InboundUnreadable(f"{type(exc).__name__}: {' '.join(str(exc).split())}") from exc
    if not stored:
        raise InboundUnreadable("the stored post holds no email")
    first, *others = stored
    for other in others:
        inbound_email_store(delivery=delivery_from_message(other, provider=inbound.provider))
    if inbound.esp_timestamp is None and first.esp_timestamp is not None:
        inbound.esp_timestamp = first.esp_timestamp
    return first.message, {**meta, **first.meta}


def _process(inbound: InboundMessage, *, release_spam: bool) -> None:
    message, meta = _stored_message(inbound)
    try:
        email = email_read(message, stripped_text=meta.get("stripped_text") or "")
    except RecursionError as exc:
        raise InboundUnreadable("its MIME parts are nested too deeply to read") from exc
    now = timezone.now()
    esp_timestamp = inbound.esp_timestamp
    if esp_timestamp is None and meta.get("esp_timestamp"):  # stored by an earlier version
        esp_timestamp = parse_datetime(meta["esp_timestamp"])
    arrived_at, basis = arrival_time(esp_timestamp=esp_timestamp, email=email, now=now)
    inbound.in_reply_to = text_without_nul(email.in_reply_to)
    inbound.references = text_without_nul(email.references)
    inbound.from_email = email.sender.email if email.sender else ""
    # With no valid sender (MAILER-DAEMON), the From header as written says who it was.
    inbound.from_name = text_without_nul(
        email.sender.name if email.sender else " ".join(email.header("From").split())[:200]
    )
    inbound.to = [text_without_nul(str(a)) for a in email.to]
    inbound.cc = [text_without_nul(str(a)) for a in email.cc]
    inbound.subject = text_without_nul(email.subject)
    inbound.body_text = text_without_nul(email.text)
    inbound.body_html = text_without_nul(email.html)
    inbound.summary = text_without_nul(email.summary)
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
        finished = _finish(inbound, verdict.kind, verdict.reason, lead=match[0] if match else None)
        machine_mail_record(inbound=inbound, verdict=verdict)  # a bounce finds its email
        return finished
    if email.sender is None:
        sent_by = " ".join(header_text(email.message, "From").split())[:100] or "(none)"
        return _finish(
            inbound,
            InboundKind.NO_SENDER,
            f"No valid From address (From: {sent_by}): kept as machine mail, never a lead",
        )
    if not release_spam:
        verdict = spam_verdict(
            spam_detected=meta.get("spam_detected"), spam_score=meta.get("spam_score")
        )
        if verdict is not None:
            return _finish(inbound, verdict.kind, verdict.reason)

    user, is_staff = staff_member(email.sender.email)
    if is_staff:
        return _from_staff(inbound=inbound, email=email, user=user)
    # The same matter only by the thread (In-Reply-To/References naming the lead's mail)
    # or the lead's reference; otherwise capture makes a new lead.
    match = thread_lead(email, exclude_inbound_id=inbound.pk)
    return _enquiry_capture(
        inbound=inbound,
        sender=email.sender,
        subject=email.subject,
        message=email.summary,
        arrived_at=inbound.arrived_at,
        source=_source_for(inbound, email),
        same_matter=match[0] if match else None,
        same_matter_reason=match[1] if match else "",
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
        return _enquiry_capture(
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


def _enquiry_capture(
    *,
    inbound: InboundMessage,
    sender: Address,
    subject: str,
    message: str,
    arrived_at: datetime,
    source: str,
    same_matter: Lead | None = None,
    same_matter_reason: str = "",
    forwarded_by: str = "",
) -> None:
    """An enquirer's email through the one capture service: a new lead, or the lead of
    the same matter joined; the stored row is linked, not stored again."""
    capture = lead_capture(
        channel=Channel.EMAIL,
        contact=ContactDetails(name=sender.name, email=sender.email),
        message=message,
        subject=subject,
        source=source,
        arrived_at=arrived_at,
        inbound=inbound,
        same_matter=same_matter,
        same_matter_reason=same_matter_reason,
        forwarded_by=forwarded_by,
    )
    inbound.save(update_fields=PARSED_FIELDS)  # what was read, beside what capture linked
    if capture.created:
        _capture_delay_note(lead=capture.lead, inbound=inbound)


def _capture_delay_note(*, lead: Lead, inbound: InboundMessage) -> None:
    """Say on the timeline when a lead was captured well after its email arrived (the
    broker or the worker was down), so the response times read honestly."""
    captured_at = lead.captured_at
    gap = captured_at - lead.arrived_at
    if gap < CAPTURE_DELAY_WORTH_SAYING:
        return
    minutes = int(gap.total_seconds() // 60)

    def at(moment: datetime) -> str:
        return timezone.localtime(moment).strftime("%d %b %Y %H:%M")

    activity_record(
        lead=lead,
        kind=ActivityKind.NOTE,
        summary=(
            f"Captured {minutes:,} minute{'s' if minutes != 1 else ''} after the email arrived "
            f"(arrived {at(lead.arrived_at)}, stored {at(inbound.received_at)}, "
            f"captured {at(captured_at)})"
        ),
        at=captured_at,
        data={"inbound_message_id": inbound.pk, "capture_delay_seconds": int(gap.total_seconds())},
    )


# ---------------------------------------------------------------------------
# Messages on an existing lead
# ---------------------------------------------------------------------------


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
