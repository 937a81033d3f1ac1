"""Capture: turn an enquiry from any channel into a lead, exactly once, by one joining
rule for every channel (email, web form, API, admin entry, import).

The raw input (or the inbound message a channel already stored), the contact, the lead
and its first timeline entry are written in one transaction, and only when that commits
is the pipeline enqueued. A repeated delivery (same provider and external id, e.g. an API
Idempotency-Key or the form's submission key) returns the first lead.

An enquiry joins an open lead only for the **same matter**: the channel adapter tied it
to that lead (``same_matter``: a reply in the email thread, a reference the API was
given), or the enquirer quoted the lead's reference (``LD-YYYY-NNNNN``) in the subject or
text. A joined enquiry is kept as an inbound message on the lead, written on its timeline
as ``message_received``, and announced with ``leads.signals.message_received``; no second
lead, no second acknowledgement. A known contact writing about something new gets a new
lead linked to the same contact, and both timelines say "Second enquiry from an existing
contact"; where capture cannot tell, it makes a new lead and says so (merging is cheap, a
lost enquiry is not).
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from leads import signals
from leads.choices import OPEN_STATUSES, ActivityKind, Channel, InboundKind, Status
from leads.identity import clean_single_line, clean_text, normalise_email, phone_read
from leads.models import Contact, InboundMessage, Lead, ReferralSource
from leads.selectors import contact_other_leads
from leads.services.activity import activity_record

# A supplied arrival time may run ahead of our clock by this much (clock skew).
ARRIVAL_CLOCK_SKEW = timedelta(minutes=5)
# The same text from the same contact arriving within this time of it is one enquiry sent
# twice (a double-clicked form, a resent email): kept on the first lead, not a second.
RESUBMISSION_WINDOW = timedelta(minutes=10)
# A lead's reference as a person quotes it: ``LD-2026-00042``.
LEAD_REFERENCE = re.compile(r"\bLD-\d{4}-\d{5,}\b")


@dataclass(frozen=True)
class ContactDetails:
    """What an enquirer told us about themselves; ``contact_details_clean`` fills the last
    two: whether the phone number is possible but not known to be allocated, and input in
    the phone field that cannot be a phone number (kept for the record, not as a number)."""

    name: str = ""
    email: str = ""
    phone: str = ""
    organisation: str = ""
    job_title: str = ""
    phone_unverified: bool = False
    phone_as_given: str = ""


@dataclass(frozen=True)
class Capture:
    """What capture did: ``created`` a new lead, ``joined`` the enquiry to an open lead of
    the same matter, or neither (a repeated delivery or a resubmitted identical enquiry,
    answered with the lead it made first; ``duplicate`` says which).

    ``other_open_leads`` are, for a new lead from a known contact, that contact's other
    open leads (the second enquiry is noted on their timelines); ``reason`` says in a
    sentence why capture joined or made a new lead."""

    lead: Lead
    created: bool
    joined: bool = False
    duplicate: bool = False
    other_open_leads: tuple[Lead, ...] = ()
    reason: str = ""


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


def message_too_long(message: str) -> str:
    """Why a message a person submits is refused for its length, or "" (one limit for
    every channel, ``LEADTRACK_MESSAGE_MAX_CHARS``; a stored email is kept whole)."""
    limit = settings.LEADTRACK_MESSAGE_MAX_CHARS
    length = len(message.replace("\r\n", "\n"))  # a line break is one character
    if length <= limit:
        return ""
    return (
        f"The message is {length:,} characters long; the most we accept is "
        f"{limit:,}. Shorten it; documents can follow once we reply."
    )


def contact_details_clean(details: ContactDetails, *, strict_phone: bool = False) -> ContactDetails:
    """Normalise what the enquirer told us, or raise ValidationError naming the field.

    A phone number that is possible but not known to be allocated is kept, flagged
    ``phone_unverified``. Input that cannot be a phone number is refused only when there is
    no email address to reply to (or ``strict_phone``, for a person correcting a contact);
    otherwise it is kept as ``phone_as_given`` and the contact has no number."""
    errors: dict[str, str] = {}
    email = ""
    phone = None
    phone_as_given = ""
    try:
        email = normalise_email(details.email)
    except ValidationError:
        errors["email"] = f"“{details.email}” is not a valid email address."
    try:
        phone = phone_read(details.phone)
    except ValidationError as exc:
        if strict_phone or not email:
            errors["phone"] = (
                f"{exc.messages[0]} Enter a UK number such as 020 7946 0000, or an "
                "international one starting with +."
            )
        else:
            phone_as_given = clean_single_line(details.phone)
    if not (email or phone or errors):
        errors.setdefault("email", "Give an email address or a phone number to reply to.")
    if errors:
        raise ValidationError(errors)
    return ContactDetails(
        name=clean_single_line(details.name),
        email=email,
        phone=phone.e164 if phone else "",
        organisation=clean_single_line(details.organisation),
        job_title=clean_single_line(details.job_title),
        phone_unverified=bool(phone and not phone.verified),
        phone_as_given=phone_as_given,
    )


def contact_find(*, details: ContactDetails) -> Contact | None:
    """The existing contact for these details: the one with this email; else, by phone,
    the one with this number and no email (or, when no email was given, the first with
    this number)."""
    if details.email:
        contact = Contact.objects.filter(email=details.email).first()
        if contact is not None or not details.phone:
            return contact
        return Contact.objects.filter(phone=details.phone, email="").first()
    if not details.phone:
        return None
    by_phone = Contact.objects.filter(phone=details.phone)
    return by_phone.filter(email="").first() or by_phone.order_by("pk").first()


CONTACT_DETAIL_FIELDS = ("name", "email", "phone", "organisation", "job_title")


def contact_update_or_create(*, details: ContactDetails, contact: Contact | None) -> Contact:
    """``contact`` (as ``contact_find`` found it) updated with anything new, or a new
    contact when there is none."""
    if contact is None:
        return Contact.objects.create(
            **{field: getattr(details, field) for field in CONTACT_DETAIL_FIELDS},
            phone_unverified=details.phone_unverified,
        )
    changed = [
        field
        for field in CONTACT_DETAIL_FIELDS
        if getattr(details, field) and not getattr(contact, field)
    ]
    for field in changed:
        setattr(contact, field, getattr(details, field))
    if "phone" in changed:
        contact.phone_unverified = details.phone_unverified
        changed.append("phone_unverified")
    if changed:
        contact.save(update_fields=changed)
    return contact


CONTACT_MATCH_ATTEMPTS = 3


def contact_match(*, details: ContactDetails) -> Contact:
    """The one contact for this person (by email, else phone), updated with anything new,
    or a new one; locked until the caller's transaction ends, so that concurrent captures
    from one person make one contact and take their turns with it."""
    attempt = 1
    while True:
        found = contact_find(details=details)
        try:
            with transaction.atomic():
                if found is not None:
                    found = Contact.objects.select_for_update().get(pk=found.pk)
                contact = contact_update_or_create(details=details, contact=found)
        except IntegrityError:
            # Another capture made this person's contact (or took the address) first;
            # the unique keys on email and phone say so. Find theirs and use it.
            if attempt >= CONTACT_MATCH_ATTEMPTS:
                raise
            attempt += 1
            continue
        if found is None:
            contact = Contact.objects.select_for_update().get(pk=contact.pk)
        return contact


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
    inbound: InboundMessage | None = None,
    same_matter: Lead | None = None,
    same_matter_reason: str = "",
    forwarded_by: str = "",
) -> Capture:
    """Record an enquiry as a new lead, or join it to an open lead of the same matter,
    once, and start a new lead's pipeline after commit.

    ``inbound`` is a message the channel already stored (an email): it is linked to the
    lead instead of storing another, and its text is kept whole (a person submitting a
    form or an API call is refused over ``LEADTRACK_MESSAGE_MAX_CHARS`` instead).
    ``same_matter`` is the lead the channel tied the enquiry to (a reply in its email
    thread), with ``same_matter_reason`` saying how; ``forwarded_by`` names the colleague
    who forwarded it. ``acknowledge=False`` marks a lead whose enquirer must not be
    emailed (imports of old enquiries); channels outside
    ``LEADTRACK_ACKNOWLEDGE_CHANNELS`` are never emailed. ``join=False`` always makes a
    new lead.
    """
    if channel not in Channel.values:
        raise ValidationError({"channel": f"“{channel}” is not a channel."})
    if inbound is not None:
        if inbound.pk is not None and inbound.lead_id is not None:
            # Processed before (a redelivery, a retried task): answer with its lead.
            return Capture(lead=inbound.lead, created=False, duplicate=True)
        provider, external_id = inbound.provider, inbound.external_id
    else:
        provider = provider or channel
        existing = _existing_capture(provider=provider, external_id=external_id)
        if existing is not None:
            return existing

    now = timezone.now()
    arrived = arrival_time_check(arrived_at=arrived_at, now=now)
    details = contact_details_clean(contact)
    message = clean_text(message)
    problem = message_too_long(message) if inbound is None else ""
    if problem:
        raise ValidationError({"message": problem})
    try:
        with transaction.atomic():
            stored = inbound is not None
            if stored and inbound.pk is not None:
                # Two workers on one stored message: the second finds the first's lead.
                # Only the message's row is locked (PostgreSQL refuses FOR UPDATE on the
                # nullable side of the join to its lead).
                locked = (
                    InboundMessage.objects.select_for_update(of=("self",))
                    .select_related("lead")
                    .get(pk=inbound.pk)
                )
                if locked.lead is not None:
                    return Capture(lead=locked.lead, created=False, duplicate=True)
            if inbound is None:
                inbound = InboundMessage.objects.create(
                    provider=provider,
                    channel=channel,
                    external_id=external_id or None,
                    received_at=now,
                    raw=text_without_nul(raw),
                    payload=text_without_nul(payload or {}),
                    attempts=1,
                    # The words as the channel gave them, shown with the lead's messages.
                    subject=clean_single_line(subject, max_length=300),
                    body_text=message,
                    arrived_at=arrived,
                )
            contact_row = contact_match(details=details)
            again = _same_enquiry_again(
                contact=contact_row, subject=subject, message=message, arrived_at=arrived
            )
            if again is not None:
                return _resubmission_keep(
                    lead=again, channel=channel, inbound=inbound, arrived_at=arrived, now=now
                )
            matter, why = _same_matter(
                contact=contact_row,
                subject=subject,
                message=message,
                same_matter=same_matter if join else None,
                same_matter_reason=same_matter_reason,
                join=join,
            )
            if matter is not None:
                capture = _lead_join(
                    lead=matter,
                    channel=channel,
                    referral_source=referral_source,
                    subject=subject,
                    message=message,
                    arrived_at=arrived,
                    captured_at=now,
                    inbound=inbound,
                    inbound_stored=stored,
                    actor=actor,
                    reason=why,
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
                    inbound_stored=stored,
                    actor=actor,
                    referral_source=referral_source,
                    practice_area_hint=practice_area_hint,
                    acknowledge=acknowledge,
                    forwarded_by=forwarded_by,
                    not_joined=why,
                    phone_as_given=details.phone_as_given,
                )
    except IntegrityError:
        # A concurrent delivery of the same message won the race: answer with its lead.
        existing = _existing_capture(provider=provider, external_id=external_id)
        if existing is None:
            raise
        return existing
    return capture


def _same_enquiry_again(
    *, contact: Contact, subject: str, message: str, arrived_at: datetime
) -> Lead | None:
    """The contact's lead with this very text that arrived moments apart (a double-clicked
    form, a resent email, a row twice in a spreadsheet), if any; the contact is locked,
    so concurrent captures see each other's."""
    if not message.strip():
        return None
    return (
        Lead.objects.filter(
            contact=contact,
            arrived_at__gte=arrived_at - RESUBMISSION_WINDOW,
            arrived_at__lte=arrived_at + RESUBMISSION_WINDOW,
            subject=clean_single_line(subject, max_length=300),
            message=message,
        )
        .exclude(status=Status.MERGED)
        .order_by("pk")
        .first()
    )


def _resubmission_keep(
    *,
    lead: Lead,
    channel: Channel,
    inbound: InboundMessage,
    arrived_at: datetime,
    now: datetime,
) -> Capture:
    when = timezone.localtime(arrived_at).strftime("%d %b %Y %H:%M")
    reason = (
        "The same enquiry again from the same contact within "
        f"{RESUBMISSION_WINDOW.seconds // 60} minutes; kept on {lead.reference}, not a "
        "second lead"
    )
    _inbound_link(inbound, lead=lead, kind=InboundKind.ENQUIRY, reason=reason, at=now)
    activity_record(
        lead=lead,
        kind=ActivityKind.NOTE,
        summary=f"The same enquiry arrived again by {channel_phrase(channel)} ({when}); "
        "kept with this lead, no second lead made",
        at=now,
        data={"inbound_message_id": inbound.pk, "resubmitted": True},
    )
    return Capture(lead=lead, created=False, duplicate=True, reason=reason)


def lead_surviving(lead: Lead) -> Lead:
    """A merged lead's surviving lead (followed to the end of the chain), locked."""
    seen = set()
    while lead.merged_into_id is not None and lead.pk not in seen:
        seen.add(lead.pk)
        lead = Lead.objects.select_for_update().get(pk=lead.merged_into_id)
    return lead


def _same_matter(
    *,
    contact: Contact,
    subject: str,
    message: str,
    same_matter: Lead | None,
    same_matter_reason: str,
    join: bool,
) -> tuple[Lead | None, str]:
    """The open lead this enquiry continues, locked, and why; or None and, where a lead
    was named but cannot be joined, why not."""
    if not join:
        return None, ""
    if same_matter is not None:
        lead = lead_surviving(Lead.objects.select_for_update().get(pk=same_matter.pk))
        why = same_matter_reason or "Tied to this lead by its channel"
        if lead.status in OPEN_STATUSES:
            return lead, why
        return None, (
            f"{why}, but {lead.reference} is {lead.get_status_display().lower()}, so this "
            "is a new lead"
        )
    for reference in dict.fromkeys(LEAD_REFERENCE.findall(f"{subject}\n{message}")):
        lead = Lead.objects.select_for_update().filter(reference=reference).first()
        if lead is None:
            continue
        lead = lead_surviving(lead)
        if lead.contact_id != contact.pk:
            return None, (
                f"It quotes {reference}, but that is another contact's lead, so this is a "
                "new lead; merge them if it is the same matter"
            )
        if lead.status not in OPEN_STATUSES:
            return None, (
                f"It quotes {reference}, which is {lead.get_status_display().lower()}, so "
                "this is a new lead"
            )
        return lead, f"Lead reference {reference} quoted in the enquiry"
    return None, ""


def _existing_capture(*, provider: str, external_id: str | None) -> Capture | None:
    if not external_id:
        return None
    inbound = (
        InboundMessage.objects.filter(provider=provider, external_id=external_id)
        .select_related("lead")
        .first()
    )
    if inbound is not None and inbound.lead is not None:
        return Capture(lead=inbound.lead, created=False, duplicate=True)
    return None


def channel_phrase(channel: str) -> str:
    """The channel as it reads mid-sentence: "web form", "API"."""
    label = Channel(channel).label
    return label if label.isupper() else label.lower()


def lead_reference(lead: Lead) -> str:
    """The human reference, e.g. ``LD-2026-00042``: arrival year and a unique number."""
    year = timezone.localtime(lead.arrived_at).year
    return f"LD-{year}-{lead.pk:05d}"


def _inbound_link(
    inbound: InboundMessage, *, lead: Lead, kind: InboundKind, reason: str, at: datetime
) -> None:
    inbound.lead = lead
    inbound.kind = kind
    inbound.processed_at = at
    inbound.reason = reason[:300]
    if inbound.pk is None:
        inbound.save(force_insert=True)
    else:
        inbound.save(update_fields=["lead", "kind", "processed_at", "reason", "payload"])


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
    inbound_stored: bool,
    actor: AbstractBaseUser | None,
    referral_source: ReferralSource | None,
    practice_area_hint: str,
    acknowledge: bool,
    forwarded_by: str,
    not_joined: str,
    phone_as_given: str,
) -> Capture:
    earlier = contact_other_leads(contact_id=contact.pk)
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

    if earlier:
        listed = ", ".join(
            f"{other.reference} ({other.get_status_display().lower()})" for other in earlier
        )
        second = f"Second enquiry from an existing contact, whose other leads are {listed}"
        reason = (
            f"{not_joined}. {second}"
            if not_joined
            else f"{second}; nothing ties it to them (no reply in a thread, no reference "
            "quoted), so it is a new lead: merge it if it is the same matter"
        )
    else:
        reason = not_joined or "New enquiry"
    if forwarded_by:
        reason = f"{reason} (forwarded by {forwarded_by})"
    _inbound_link(inbound, lead=lead, kind=InboundKind.ENQUIRY, reason=reason, at=captured_at)

    when = timezone.localtime(arrived_at).strftime("%d %b %Y %H:%M")
    activity_record(
        lead=lead,
        kind=ActivityKind.CAPTURED,
        summary=f"Enquiry captured from {channel_phrase(channel)} (arrived {when})"
        + (f", forwarded by {clean_single_line(forwarded_by)}" if forwarded_by else ""),
        actor=actor,
        at=captured_at,
        data={
            "inbound_message_id": inbound.pk,
            "source": lead.source,
            **({"referral_source_id": referral_source.pk} if referral_source else {}),
            **({"forwarded_by": forwarded_by} if forwarded_by else {}),
            **({"not_joined": not_joined} if not_joined else {}),
            **({"phone_as_given": phone_as_given} if phone_as_given else {}),
        },
    )
    if phone_as_given:
        activity_record(
            lead=lead,
            kind=ActivityKind.NOTE,
            summary=clean_single_line(
                f"The phone field said “{phone_as_given}”, which cannot be a phone number; "
                "it is kept here, and the reply goes by email",
                max_length=500,
            ),
            at=captured_at,
            data={"phone_as_given": phone_as_given},
        )
    if earlier:
        _second_enquiry_record(lead=lead, others=earlier, at=captured_at, reason=reason)
    elif not_joined:
        activity_record(
            lead=lead,
            kind=ActivityKind.NOTE,
            summary=clean_single_line(not_joined, max_length=500),
            at=captured_at,
            data={"inbound_message_id": inbound.pk, "not_joined": not_joined},
        )
    transaction.on_commit(lambda: pipeline_enqueue(lead_id=lead.pk), robust=True)
    others = tuple(other for other in reversed(earlier) if other.status in OPEN_STATUSES)
    return Capture(lead=lead, created=True, other_open_leads=others, reason=reason)


def _second_enquiry_record(*, lead: Lead, others: list[Lead], at: datetime, reason: str) -> None:
    """ "Second enquiry from an existing contact" on the new lead's timeline and on each of
    the contact's other leads (the most recent, open or closed)."""
    listed = ", ".join(other.reference for other in others)
    activity_record(
        lead=lead,
        kind=ActivityKind.SECOND_ENQUIRY,
        summary=clean_single_line(reason, max_length=500),
        at=at,
        data={"other_lead_ids": [other.pk for other in others], "other_references": listed},
    )
    for other in others:
        activity_record(
            lead=other,
            kind=ActivityKind.SECOND_ENQUIRY,
            summary=(
                f"Second enquiry from an existing contact: {lead.reference} was captured as "
                f"a new lead from {channel_phrase(lead.channel)}; merge it into this one if "
                "it is the same matter"
            ),
            at=at,
            data={"new_lead_id": lead.pk, "new_reference": lead.reference},
        )


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
    inbound_stored: bool,
    actor: AbstractBaseUser | None,
    reason: str,
) -> Capture:
    if not inbound_stored:
        inbound.payload = {**inbound.payload, "joined": True}
    kind = InboundKind.REPLY if inbound_stored else InboundKind.ENQUIRY
    _inbound_link(inbound, lead=lead, kind=kind, reason=reason, at=captured_at)
    if referral_source is not None and lead.referral_source_id is None:
        lead.referral_source = referral_source
        lead.save(update_fields=["referral_source"])
    when = timezone.localtime(arrived_at).strftime("%d %b %Y %H:%M")
    excerpt = " ".join(message.split())[:200]
    activity_record(
        lead=lead,
        kind=ActivityKind.MESSAGE_RECEIVED,
        summary=clean_single_line(
            f"Further message by {channel_phrase(channel)} (arrived {when}) joined this lead "
            f"({reason})" + (f": {excerpt}" if excerpt else ""),
            max_length=500,
        ),
        actor=actor,
        at=captured_at,
        data={
            "inbound_message_id": inbound.pk,
            "channel": channel,
            "joined": True,
            "reason": reason,
            **({"referral_source_id": referral_source.pk} if referral_source else {}),
        },
    )
    signals.message_received.send(sender=Lead, lead=lead, inbound_message=inbound)
    return Capture(lead=lead, created=False, joined=True, reason=reason)


def pipeline_enqueue(*, lead_id: int) -> None:
    """Hand the lead to a worker; the safety net covers a message lost on the way."""
    from leads.tasks import pipeline_run

    pipeline_run.delay(lead_id=lead_id)
