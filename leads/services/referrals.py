"""Referrers: the people and firms who introduce work, kept once each so that referral
leads can be counted, and converted, by who sent them."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from leads.choices import ReferrerKind
from leads.identity import clean_single_line, normalise_email
from leads.models import ReferralSource


@transaction.atomic
def referral_source_get_or_create(
    *,
    name: str,
    kind: ReferrerKind = ReferrerKind.PERSON,
    organisation: str = "",
    email: str = "",
    relationship_owner: AbstractBaseUser | None = None,
) -> ReferralSource:
    """The referrer with this name and organisation, made if new (an existing one keeps
    its details, gaining only what it lacked)."""
    name = clean_single_line(name)
    organisation = clean_single_line(organisation)
    source, created = ReferralSource.objects.get_or_create(
        name=name,
        organisation=organisation,
        defaults={
            "kind": kind,
            "email": normalise_email(email),
            "relationship_owner": relationship_owner,
        },
    )
    if not created:
        changed = []
        if email and not source.email:
            source.email = normalise_email(email)
            changed.append("email")
        if relationship_owner is not None and source.relationship_owner_id is None:
            source.relationship_owner = relationship_owner
            changed.append("relationship_owner")
        if changed:
            source.save(update_fields=changed)
    else:
        source.full_clean()
    return source
