"""Changing a contact's details by hand (in the admin): normalised as capture normalises
them (lower-case email, E.164 phone, single-line names), and recorded on the timeline of
each of the contact's leads with the old and new values side by side, so that who changed
what, and when, stays on the lead's record."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from leads import signals
from leads.choices import OPEN_STATUSES, ActivityKind
from leads.models import Contact, Lead
from leads.services.activity import activity_record
from leads.services.capture import ContactDetails, contact_details_clean

# The details a person may correct, in the order a timeline entry names them.
CONTACT_FIELDS = ("name", "email", "phone", "organisation", "job_title")


@transaction.atomic
def contact_update(
    *, contact: Contact, details: ContactDetails, actor: AbstractBaseUser | None
) -> Contact:
    """Correct the contact's details; every field that changed is noted, old and new
    values, on each of the contact's leads. Raises ValidationError naming the field."""
    cleaned = contact_details_clean(details, strict_phone=True)
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    changes: dict[str, list[Any]] = {}
    for name in CONTACT_FIELDS:
        old, new = getattr(contact, name), getattr(cleaned, name)
        if old != new:
            changes[name] = [old, new]
            setattr(contact, name, new)
    if not changes:
        return contact
    fields = list(changes)
    if "phone" in changes:
        contact.phone_unverified = cleaned.phone_unverified
        fields.append("phone_unverified")
    contact.full_clean()
    contact.save(update_fields=fields)
    described = "; ".join(
        f"{Contact._meta.get_field(name).verbose_name} from “{old or '—'}” to “{new or '—'}”"
        for name, (old, new) in changes.items()
    )
    for lead in Lead.objects.filter(contact=contact).order_by("pk"):
        activity_record(
            lead=lead,
            kind=ActivityKind.CONTACT_CHANGED,
            summary=f"Contact details changed: {described}",
            actor=actor,
            data={"contact_id": contact.pk, "changes": changes},
        )
        if lead.status in OPEN_STATUSES:
            # Who they are and where they work bear on the assessment: qualification's
            # receiver qualifies the open lead again.
            signals.lead_updated.send(sender=Lead, lead=lead, actor=actor)
    signals.contact_changed.send(sender=Contact, contact=contact, changes=changes)
    return contact
