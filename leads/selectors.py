"""Reads of leads used by more than one caller, with their joins, so query counts stay
fixed whatever the page size.

The two look-ups every inbound email makes (was it delivered before? is the sender a
member of staff?) are written in SQL on purpose: building them through the ORM's query
compiler cost about 1 ms of CPU each, a tenth of an inbound webhook, against 0.1–0.2 ms
this way (measured in docs/performance.md)."""

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import QuerySet

from leads.choices import OPEN_STATUSES, Channel
from leads.models import Activity, InboundMessage, Lead


def lead_list() -> QuerySet[Lead]:
    """Leads with what a list shows of each: contact and owner, in one query."""
    return Lead.objects.select_related("contact", "owner").filter(merged_into__isnull=True)


def contact_other_open_leads(*, lead: Lead) -> list[Lead]:
    """The lead's contact's other open leads, oldest first, with their owners: a second
    enquiry from an existing contact is a new lead, and whoever takes it should know."""
    return list(
        Lead.objects.filter(contact_id=lead.contact_id, status__in=OPEN_STATUSES)
        .exclude(pk=lead.pk)
        .select_related("owner")
        .order_by("arrived_at", "pk")
    )


def lead_timeline(*, lead: Lead) -> QuerySet[Activity]:
    """The lead's timeline, oldest first, with who did each thing."""
    return Activity.objects.filter(lead=lead).select_related("actor").order_by("at", "pk")


def inbound_delivered_id(
    *, provider: str, external_id: str, message_id: str = "", esp_event_id: str = ""
) -> int | None:
    """The id of the stored email with any of these identities (the ESP's delivery id,
    the Message-ID, the ESP's event id), the first stored if several."""
    # Each condition matches one of InboundMessage's unique constraints or indexes,
    # predicates included, so each is an index look-up.
    conditions = ["(provider = %s AND external_id = %s)"]
    params: list[str] = [provider, external_id]
    if message_id:
        conditions.append("(channel = %s AND message_id = %s AND message_id <> '')")
        params += [Channel.EMAIL.value, message_id]
    if esp_event_id:
        conditions.append("(provider = %s AND esp_event_id = %s AND esp_event_id <> '')")
        params += [provider, esp_event_id]
    table = InboundMessage._meta.db_table
    where = " OR ".join(conditions)
    sql = f"SELECT id FROM {table} WHERE {where} ORDER BY id LIMIT 1"  # noqa: S608 (fixed names; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


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
