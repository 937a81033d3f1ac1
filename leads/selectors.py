"""Reads of leads used by more than one caller, with their joins, so query counts stay
fixed whatever the page size.

The two look-ups every inbound email makes (was it delivered before? is the sender a
member of staff?) are written in SQL on purpose: building them through the ORM's query
compiler cost about 1 ms of CPU each, a tenth of an inbound webhook, against 0.1–0.2 ms
this way (measured in docs/performance.md)."""

import re
from datetime import datetime
from functools import reduce
from operator import or_

import phonenumbers
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q, QuerySet

from leads.choices import Channel, EmailKind, EmailState, InboundKind, Status
from leads.identity import DEFAULT_PHONE_REGION
from leads.models import Activity, InboundMessage, Lead, OutboundEmail


def lead_list() -> QuerySet[Lead]:
    """Leads with what a list shows of each: contact and owner, in one query."""
    return Lead.objects.select_related("contact", "owner").filter(merged_into__isnull=True)


# How many of a contact's other leads a second enquiry names (the most recent).
OTHER_LEADS_NAMED = 10


def contact_other_leads(*, contact_id: int, lead: Lead | None = None) -> list[Lead]:
    """The contact's other leads (not merged), most recent first, with their owners, at
    most ``OTHER_LEADS_NAMED``: a second enquiry from an existing contact is a new lead,
    and whoever takes it should know the history."""
    leads = Lead.objects.filter(contact_id=contact_id).exclude(status=Status.MERGED)
    if lead is not None:
        leads = leads.exclude(pk=lead.pk)
    return list(leads.select_related("owner").order_by("-arrived_at", "-pk")[:OTHER_LEADS_NAMED])


def lead_timeline(*, lead: Lead) -> QuerySet[Activity]:
    """The lead's timeline, oldest first, with who did each thing."""
    return Activity.objects.filter(lead=lead).select_related("actor").order_by("at", "pk")


def lead_acknowledged(*, lead: Lead) -> bool:
    """Whether the enquirer was acknowledged: an acknowledgement was sent and did not
    bounce (a bounced one counts as none)."""
    return OutboundEmail.objects.filter(
        lead=lead, kind=EmailKind.ACKNOWLEDGEMENT, state=EmailState.SENT
    ).exists()


def inbound_delivered(
    *,
    provider: str,
    external_id: str,
    message_id: str = "",
    esp_event_id: str = "",
    pending_since_before: datetime,
) -> tuple[int, bool] | None:
    """The id of the stored email with any of these identities (the ESP's delivery id,
    the Message-ID, the ESP's event id), the first stored if several, and whether it is
    still to be processed (neither processed nor failed) and was stored before
    ``pending_since_before``."""
    # Each condition matches one of InboundMessage's unique constraints or indexes, with
    # the index's predicate written as Django writes it (SQLite uses a partial index only
    # for a query that repeats its predicate word for word: with ``esp_event_id <> ''``
    # it read the whole table), so each is an index look-up on both databases.
    conditions = ["(provider = %s AND external_id = %s)"]
    params: list = [
        InboundKind.FAILED.value,
        connection.ops.adapt_datetimefield_value(pending_since_before),
        provider,
        external_id,
    ]
    if message_id:
        conditions.append("(channel = %s AND message_id = %s AND NOT (message_id = ''))")
        params += [Channel.EMAIL.value, message_id]
    if esp_event_id:
        conditions.append("(provider = %s AND esp_event_id = %s AND NOT (esp_event_id = ''))")
        params += [provider, esp_event_id]
    table = InboundMessage._meta.db_table
    where = " OR ".join(conditions)
    pending = "processed_at IS NULL AND kind <> %s AND received_at < %s"
    sql = f"SELECT id, ({pending}) FROM {table} WHERE {where} ORDER BY id LIMIT 1"  # noqa: S608 (fixed names; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return (row[0], bool(row[1])) if row else None


def active_user_id_by_email(address: str) -> int | None:
    """The id of the active user with this email address, case ignored (the first
    created if several)."""
    user_model = get_user_model()
    table = connection.ops.quote_name(user_model._meta.db_table)
    email = connection.ops.quote_name(user_model._meta.get_field("email").column)
    sql = (
        f"SELECT id FROM {table} "  # noqa: S608 (fixed names)
        f"WHERE is_active AND UPPER({email}) = UPPER(%s) ORDER BY id LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [address])
        row = cursor.fetchone()
    return row[0] if row else None


# The lead list's search, the same in the admin and the API: reference, name, email,
# organisation, and a phone number typed in any format ("020 7946 0123",
# "+44 20 7946 0123", "07700900123").
LEAD_SEARCH_FIELDS = ["reference", "contact__name", "contact__email", "contact__organisation"]
_PHONE_CHARACTERS = re.compile(r"^[\d\s()+\-./]{7,25}$")


def _typed_phone(term: str) -> tuple[list[str], bool]:
    """The stored forms a typed phone number can have, and whether it is a valid
    (allocated) number."""
    term = term.strip()
    if not _PHONE_CHARACTERS.match(term) or sum(ch.isdigit() for ch in term) < 7:
        return [], False
    forms = {term}
    try:
        number = phonenumbers.parse(term, DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return sorted(forms), False
    if phonenumbers.is_possible_number(number):
        forms.add(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
        forms.add(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
    return sorted(forms), phonenumbers.is_valid_number(number)


def phone_search_forms(term: str) -> list[str]:
    """The stored forms a typed phone number can have: E.164 where it parses, and the
    digits as typed (numbers kept unverified are stored as given)."""
    return _typed_phone(term)[0]


def leads_search(queryset: QuerySet[Lead], term: str) -> QuerySet[Lead]:
    """The leads matching a search term, every word in one of the searched fields, or
    the whole term as a phone number."""
    term = (term or "").strip()
    if not term:
        return queryset
    phones, valid_number = _typed_phone(term)
    if valid_number:
        # A valid number is searched as a phone only: an index look-up of the contact's
        # number. Its digit groups as words ("020", "7946", "0123") would read every
        # lead's reference, name, email and organisation (8 s at a million leads).
        # Anything else phone-like (a reference's digits, a number kept unverified)
        # is searched as words and as a phone, as before.
        return queryset.filter(contact__phone__in=phones)
    words = Q()
    for word in term.split():
        words &= reduce(or_, (Q(**{f"{field}__icontains": word}) for field in LEAD_SEARCH_FIELDS))
    if phones:
        words |= Q(contact__phone__in=phones)
    return queryset.filter(words)
