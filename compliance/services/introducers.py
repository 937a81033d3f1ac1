"""Introducers: whether the firm pays a referrer a fee or shares fees with them, and when
each referred client was told (SRA Code of Conduct 5.1)."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from compliance.choices import FeeArrangement
from compliance.models import IntroducerArrangement, ReferralDisclosure
from leads.models import Lead, ReferralSource


@transaction.atomic
def introducer_arrangement_set(
    *,
    referral_source: ReferralSource,
    arrangement: str,
    terms: str = "",
    agreed_on=None,
    actor: AbstractBaseUser | None,
) -> IntroducerArrangement:
    """Record the firm's arrangement with an introducer (a fee arrangement needs its terms)."""
    if arrangement not in FeeArrangement.values:
        raise ValidationError({"arrangement": f"“{arrangement}” is not an arrangement."})
    terms = (terms or "").strip()
    if arrangement != FeeArrangement.NONE and not terms:
        raise ValidationError({"terms": "Describe the agreed fee: amount, basis and dates."})
    record, _ = IntroducerArrangement.objects.update_or_create(
        referral_source=referral_source,
        defaults={
            "arrangement": arrangement,
            "terms": terms,
            "agreed_on": agreed_on,
            "recorded_by": actor,
            "updated_at": timezone.now(),
        },
    )
    return record


@transaction.atomic
def referral_disclosure_record(
    *, lead: Lead, disclosed_at: datetime, how: str, actor: AbstractBaseUser
) -> ReferralDisclosure:
    """Record when and how the client was told of the fee arrangement with their introducer."""
    how = " ".join((how or "").split())
    if not how:
        raise ValidationError({"how": "Say how the client was told (e.g. client care letter)."})
    if disclosed_at is None or timezone.is_naive(disclosed_at) or disclosed_at > timezone.now():
        raise ValidationError(
            {"disclosed_at": "Give when the client was told (not in the future)."}
        )
    record, _ = ReferralDisclosure.objects.update_or_create(
        lead=lead, defaults={"disclosed_at": disclosed_at, "how": how[:200], "recorded_by": actor}
    )
    return record
