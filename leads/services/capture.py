"""Capture: turn an enquiry from any channel into a lead, exactly once.

The raw input, the contact, the lead and its first timeline entry are written in one
transaction, and only when that commits is the pipeline enqueued. A repeated delivery
(same provider and external id, e.g. an API Idempotency-Key) returns the first lead.

An enquiry from a contact who already has an open lead that arrived within
``LEADTRACK_JOIN_WINDOW_DAYS`` joins that lead instead: it is kept as an inbound message
on it, written on its timeline as ``message_received``, and announced with
``leads.signals.message_received``; no second lead, no second acknowledgement.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from leads import signals
from leads.choices import OPEN_STATUSES, ActivityKind, Channel, InboundKind
from leads.identity import clean_single_line, clean_text, normalise_email, normalise_phone
from leads.models import Contact, InboundMessage, Lead, ReferralSource
from leads.services.activity import activity_record

# A supplied arrival time may run ahead of our clock by this much (clock skew).
ARRIVAL_CLOCK_SKEW = timedelta(minutes=5)
# The longest message body kept (characters); longer is refused, never silently cut.
MESSAGE_MAX_LENGTH = 100_000


@dataclass(frozen=True)
class ContactDetails:
    name: str = ""
    email: str = ""
    phone: str = ""
    organisation: str = ""
    job_title: str = ""


@dataclass(frozen=True)
class Capture:
    """What capture did: ``created`` a new lead, ``joined`` the enquiry to the contact's
    open lead, or neither (a repeated delivery, answered with the lead it made first)."""

    lead: Lead
    created: bool
    joined: bool = False


def arrival_time_check(*, arrived_at: datetime | None, now: datetime) -> datetime:
    """The arrival time to record: the supplied one if it is believable, else now."""
    if arrived_at is None:
        return now
    if timezone.is_naive(arrived_at):
        raise ValidationError({"arrived_at": "The arrival time must include a UTC offset."})
    if arrived_at > now + ARRIVAL_CLOCK_SKEW:
        raise ValidationError({"arrived_at": "The arrival time is in the future."})
    oldest = now - timedelta(days=settings.LEADTRACK_MAX_ARRIVAL_AGE_DAYS)
    if arrived_at < oldest:
        raise ValidationError(
            {
                "arrived_at": (
                    f"The arrival time is more than {settings.LEADTRACK_MAX_ARRIVAL_AGE_DAYS} "
                    "days ago; check the date."
                )
            }
        )
    return arrived_at


def contact_details_clean(details: ContactDetails) -> ContactDetails:
    """Normalise what the enquirer told us, or raise ValidationError naming the field."""
    errors: dict[str, str] = {}
    email = phone = ""
    try:
        email = normalise_email(details.email)
    except ValidationError:
        errors["email"] = f"“{details.email}” is not a valid email address."
    try:
        phone = normalise_phone(details.phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages[0]
    name = clean_single_line(details.name)
    if not (email or phone or errors):
        errors.setdefault("email", "Give an email address or a phone number to reply to.")
    if errors:
        raise ValidationError(errors)
    return ContactDetails(
        name=name,
        email=email,
        phone=phone,
        organisation=clean_single_line(details.organisation),
        job_title=clean_single_line(details.job_title),
    )


def contact_find(*, details: ContactDetails) -> Contact | None:
    """The existing contact with this email (or else phone), if any."""
    contact = None
    if details.email:
        contact = Contact.objects.filter(email=details.email).order_by("pk").first()
    if contact is None and details.phone:
        contact = Contact.objects.filter(phone=details.phone).order_by("pk").first()
    return contact


def contact_update_or_create(*, details: ContactDetails, contact: Contact | None) -> Contact:
    """``contact`` (as ``contact_find`` found it) updated with anything new, or a new
    contact when there is none."""
    if contact is None:
        return Contact.objects.create(**details.__dict__)
    changed = [
        field
        for field in ("name", "email", "phone", "organisation", "job_title")
        if getattr(details, field) and not getattr(contact, field)
    ]
    for field in changed:
        setattr(contact, field, getattr(details, field))
    if changed:
        contact.save(update_fields=changed)
    return contact


def contact_match(*, details: ContactDetails) -> Contact:
    """The existing contact with this email (or else phone), updated with anything new,
    or a new contact."""
    return contact_update_or_create(details=details, contact=contact_find(details=details))


def open_lead_to_join(*, contact: Contact, arrived_at: datetime) -> Lead | None:
    """The contact's open lead that a new enquiry arriving at ``arrived_at`` joins, locked:
    the most recent one that arrived within the joining window, if any."""
    days = settings.LEADTRACK_JOIN_WINDOW_DAYS
    if days <= 0:
        return None
    return (
        Lead.objects.select_for_update()
        .filter(
            contact=contact,
            status__in=OPEN_STATUSES,
            merged_into__isnull=True,
            arrived_at__gte=arrived_at - timedelta(days=days),
        )
        .order_by("-arrived_at", "-pk")
        .first()
    )


def text_without_nul(value: Any) -> Any:
    """The value with NUL characters removed from every string in it (PostgreSQL stores
    no NUL in text or JSON), so a hostile payload is kept, not refused with a 500."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {text_without_nul(k): text_without_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [text_without_nul(item) for item in value]
    return value


def _existing_capture(*, provider: str, external_id: str | None) -> Capture | None:
    if not external_id:
        return None
    inbound = (
        InboundMessage.objects.filter(provider=provider, external_id=external_id)
        .select_related("lead")
        .first()
    )
    if inbound is not None and inbound.lead is not None:
        return Capture(lead=inbound.lead, created=False)
    return None


def channel_phrase(channel: str) -> str:
    """The channel as it reads mid-sentence: "web form", "API"."""
    label = Channel(channel).label
    return label if label.isupper() else label.lower()


def lead_reference(lead: Lead) -> str:
    """The human reference, e.g. ``LD-2026-00042``: arrival year and a unique number."""
    year = timezone.localtime(lead.arrived_at).year
    return f"LD-{year}-{lead.pk:05d}"


def lead_capture(
    *,
    channel: Channel,
    contact: ContactDetails,
    message: str,
    subject: str = "",
    source: str = "",
    arrived_at: datetime | None = None,
    utm: dict[str, str] | None = None,
    consent: bool = False,
    consent_text: str = "",
    provider: str = "",
    external_id: str | None = None,
    raw: str = "",
    payload: dict[str, Any] | None = None,
    actor: AbstractBaseUser | None = None,
    referral_source: ReferralSource | None = None,
    practice_area_hint: str = "",
    acknowledge: bool = True,
    join: bool = True,
) -> Capture:
    """Record a new enquiry as a lead (or join it to the contact's open lead), once, and
    start the new lead's pipeline after commit.

    ``acknowledge=False`` marks a lead whose enquirer must not be emailed (imports of old
    enquiries); channels outside ``LEADTRACK_ACKNOWLEDGE_CHANNELS`` are never emailed.
    ``join=False`` always makes a new lead.
    """
    if channel not in Channel.values:
        raise ValidationError({"channel": f"“{channel}” is not a channel."})
    provider = provider or channel
    existing = _existing_capture(provider=provider, external_id=external_id)
    if existing is not None:
        return existing

    now = timezone.now()
    arrived = arrival_time_check(arrived_at=arrived_at, now=now)
    details = contact_details_clean(contact)
    message = clean_text(message)
    if len(message) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {"message": f"The message is longer than {MESSAGE_MAX_LENGTH:,} characters."}
        )
    try:
        with transaction.atomic():
            inbound = InboundMessage.objects.create(
                provider=provider,
                channel=channel,
                external_id=external_id or None,
                received_at=now,
                raw=text_without_nul(raw),
                payload=text_without_nul(payload or {}),
                attempts=1,
            )
            contact_row = contact_match(details=details)
            joinable = open_lead_to_join(contact=contact_row, arrived_at=arrived) if join else None
            if joinable is not None:
                capture = _lead_join(
                    lead=joinable,
                    channel=channel,
                    referral_source=referral_source,
                    subject=subject,
                    message=message,
                    arrived_at=arrived,
                    captured_at=now,
                    inbound=inbound,
                    actor=actor,
                )
            else:
                capture = _lead_create(
                    channel=channel,
                    contact=contact_row,
                    message=message,
                    subject=subject,
                    source=source,
                    arrived_at=arrived,
                    captured_at=now,
                    utm=utm or {},
                    consent=consent,
                    consent_text=consent_text,
                    inbound=inbound,
                    actor=actor,
                    referral_source=referral_source,
                    practice_area_hint=practice_area_hint,
                    acknowledge=acknowledge,
                )
    except IntegrityError:
        # A concurrent delivery of the same message won the race: answer with its lead.
        existing = _existing_capture(provider=provider, external_id=external_id)
        if existing is None:
            raise
        return existing
    return capture


def _lead_create(
    *,
    channel: Channel,
    contact: Contact,
    message: str,
    subject: str,
    source: str,
    arrived_at: datetime,
    captured_at: datetime,
    utm: dict[str, str],
    consent: bool,
    consent_text: str,
    inbound: InboundMessage,
    actor: AbstractBaseUser | None,
    referral_source: ReferralSource | None,
    practice_area_hint: str,
    acknowledge: bool,
) -> Capture:
    lead = Lead(
        channel=channel,
        source=clean_single_line(source),
        arrived_at=arrived_at,
        captured_at=captured_at,
        status_changed_at=captured_at,
        utm=text_without_nul({str(k)[:50]: str(v)[:200] for k, v in utm.items()}),
        consent=consent,
        consent_text=clean_text(consent_text),
        contact=contact,
        subject=clean_single_line(subject, max_length=300),
        message=message,
        referral_source=referral_source,
        practice_area_hint=clean_single_line(practice_area_hint, max_length=100),
        send_acknowledgement=acknowledge and channel in settings.LEADTRACK_ACKNOWLEDGE_CHANNELS,
    )
    lead.full_clean(exclude=["reference", "contact", "owner", "merged_into", "referral_source"])
    lead.save()
    lead.reference = lead_reference(lead)
    lead.save(update_fields=["reference"])

    inbound.lead = lead
    inbound.kind = InboundKind.ENQUIRY
    inbound.processed_at = captured_at
    inbound.save(update_fields=["lead", "kind", "processed_at"])

    when = timezone.localtime(arrived_at).strftime("%d %b %Y %H:%M")
    activity_record(
        lead=lead,
        kind=ActivityKind.CAPTURED,
        summary=f"Enquiry captured from {channel_phrase(channel)} (arrived {when})",
        actor=actor,
        at=captured_at,
        data={
            "inbound_message_id": inbound.pk,
            "source": lead.source,
            **({"referral_source_id": referral_source.pk} if referral_source else {}),
        },
    )
    transaction.on_commit(lambda: pipeline_enqueue(lead_id=lead.pk), robust=True)
    return Capture(lead=lead, created=True)


def _lead_join(
    *,
    lead: Lead,
    channel: Channel,
    referral_source: ReferralSource | None,
    subject: str,
    message: str,
    arrived_at: datetime,
    captured_at: datetime,
    inbound: InboundMessage,
    actor: AbstractBaseUser | None,
) -> Capture:
    inbound.lead = lead
    inbound.kind = InboundKind.ENQUIRY
    inbound.processed_at = captured_at
    inbound.payload = {
        **inbound.payload,
        "joined": True,
        "subject": clean_single_line(subject, max_length=300),
        "message": message,
        "arrived_at": arrived_at.isoformat(),
    }
    inbound.save(update_fields=["lead", "kind", "processed_at", "payload"])
    if referral_source is not None and lead.referral_source_id is None:
        lead.referral_source = referral_source
        lead.save(update_fields=["referral_source"])
    when = timezone.localtime(arrived_at).strftime("%d %b %Y %H:%M")
    excerpt = " ".join(message.split())[:200]
    activity_record(
        lead=lead,
        kind=ActivityKind.MESSAGE_RECEIVED,
        summary=(
            f"Further enquiry by {channel_phrase(channel)} (arrived {when}) joined this lead"
            + (f": {excerpt}" if excerpt else "")
        ),
        actor=actor,
        at=captured_at,
        data={
            "inbound_message_id": inbound.pk,
            "channel": channel,
            "joined": True,
            **({"referral_source_id": referral_source.pk} if referral_source else {}),
        },
    )
    signals.message_received.send(sender=Lead, lead=lead, inbound_message=inbound)
    return Capture(lead=lead, created=False, joined=True)


def pipeline_enqueue(*, lead_id: int) -> None:
    """Hand the lead to a worker; the safety net covers a message lost on the way."""
    from leads.tasks import pipeline_run

    pipeline_run.delay(lead_id=lead_id)
