"""Reads of leads used by more than one caller, with their joins, so query counts stay
fixed whatever the page size."""

from django.db.models import QuerySet

from leads.models import Activity, Lead


def lead_list() -> QuerySet[Lead]:
    """Leads with what a list shows of each: contact and owner, in one query."""
    return Lead.objects.select_related("contact", "owner").filter(merged_into__isnull=True)


def lead_timeline(*, lead: Lead) -> QuerySet[Activity]:
    """The lead's timeline, oldest first, with who did each thing."""
    return Activity.objects.filter(lead=lead).select_related("actor").order_by("at", "pk")
