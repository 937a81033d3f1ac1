"""The Lead's own columns that higher apps decide (qualification's tier and likely fee,
routing's owner, follow-ups' next action): those apps call these functions, so only the
leads app writes its table (one writer per table), and each write is one update of the
named columns only."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser

from leads.models import Lead


def lead_record_qualification(
    *, lead: Lead, tier: str | None, estimated_value: Decimal | None, at: dt.datetime
) -> Lead:
    """Record the lead's tier and likely fee from its qualification, made at ``at``."""
    lead.tier, lead.estimated_value, lead.qualified_at = tier, estimated_value, at
    lead.save(update_fields=["tier", "estimated_value", "qualified_at"])
    return lead


def lead_set_tier(*, lead: Lead, tier: str | None) -> Lead:
    """Record the tier a person set (or the model's again once an override is removed)."""
    Lead.objects.filter(pk=lead.pk).update(tier=tier)
    lead.tier = tier
    return lead


def lead_set_owner(*, lead: Lead, owner: AbstractBaseUser, at: dt.datetime) -> Lead:
    """Record who is accountable for the lead, since ``at`` (routing's assignment)."""
    lead.owner, lead.assigned_at = owner, at
    lead.save(update_fields=["owner", "assigned_at"])
    return lead


def lead_set_next_action(*, lead: Lead, due_at: dt.datetime | None) -> Lead:
    """Record when the lead's next action (its earliest open follow-up) is due."""
    Lead.objects.filter(pk=lead.pk).update(next_action_due_at=due_at)
    lead.next_action_due_at = due_at
    return lead
