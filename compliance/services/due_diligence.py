"""Client due diligence under the Money Laundering Regulations 2017: the record a fee
earner makes before a lead in work the regulations cover is won, and a partner's
override with the reason."""

from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from compliance.choices import IdentityMethod, RiskLevel
from compliance.models import DueDiligence, DueDiligenceOverride
from leads.choices import ActivityKind
from leads.models import Lead
from leads.services import activity_record


@transaction.atomic
def due_diligence_record(
    *,
    lead: Lead,
    identity_method: str,
    identity_verified_by: AbstractBaseUser,
    identity_verified_at: datetime,
    risk_level: str,
    risk_reasons: str,
    actor: AbstractBaseUser,
    is_company: bool = False,
    beneficial_owners: str = "",
    identity_notes: str = "",
    relationship_ended_on: date | None = None,
) -> DueDiligence:
    """Record (or correct) the lead's due diligence; raises ValidationError naming the
    field that is missing or wrong."""
    errors: dict[str, str] = {}
    if identity_method not in IdentityMethod.values:
        errors["identity_method"] = "Say how the client's identity was verified."
    if risk_level not in RiskLevel.values:
        errors["risk_level"] = "Choose a risk level: low, standard or high."
    if not (risk_reasons or "").strip():
        errors["risk_reasons"] = "Write the reasons for the risk level (the risk assessment)."
    if is_company and not (beneficial_owners or "").strip():
        errors["beneficial_owners"] = (
            "Name the beneficial owners (anyone owning or controlling more than 25%) of a "
            "company client."
        )
    if identity_verified_at is None or timezone.is_naive(identity_verified_at):
        errors["identity_verified_at"] = "Give when the identity was verified."
    elif identity_verified_at > timezone.now():
        errors["identity_verified_at"] = "The identity cannot have been verified in the future."
    if errors:
        raise ValidationError(errors)
    record, created = DueDiligence.objects.update_or_create(
        lead=lead,
        defaults={
            "identity_method": identity_method,
            "identity_verified_by": identity_verified_by,
            "identity_verified_at": identity_verified_at,
            "identity_notes": identity_notes.strip(),
            "is_company": is_company,
            "beneficial_owners": beneficial_owners.strip(),
            "risk_level": risk_level,
            "risk_reasons": risk_reasons.strip(),
            "recorded_by": actor,
            "recorded_at": timezone.now(),
            "relationship_ended_on": relationship_ended_on,
        },
    )
    activity_record(
        lead=lead,
        kind=ActivityKind.NOTE,
        summary=(
            f"Client due diligence {'recorded' if created else 'updated'}: identity verified "
            f"({record.get_identity_method_display().lower()}), "
            f"{record.get_risk_level_display().lower()} risk"
        ),
        actor=actor,
        data={"due_diligence_id": record.pk},
    )
    return record


@transaction.atomic
def due_diligence_override(
    *, lead: Lead, partner: AbstractBaseUser, reason: str
) -> DueDiligenceOverride:
    """A partner lets the lead be won without a due diligence record, saying why."""
    if not partner.has_perm("compliance.override_due_diligence"):
        raise PermissionDenied("Only a partner may let a lead be won without due diligence.")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": "Give the reason for going ahead without due diligence."})
    override = DueDiligenceOverride.objects.create(lead=lead, partner=partner, reason=reason)
    activity_record(
        lead=lead,
        kind=ActivityKind.NOTE,
        summary=f"Due diligence requirement overridden by a partner: {reason}"[:500],
        actor=partner,
        data={"due_diligence_override_id": override.pk},
    )
    return override
