"""The timeline: one function writes every entry, so entries look the same everywhere."""

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from leads.choices import ActivityKind
from leads.models import Activity, Lead


def activity_record(
    *,
    lead: Lead,
    kind: ActivityKind,
    summary: str,
    actor: AbstractBaseUser | None = None,
    at: datetime | None = None,
    data: dict[str, Any] | None = None,
) -> Activity:
    """Append one entry to the lead's timeline."""
    return Activity.objects.create(
        lead=lead,
        kind=kind,
        summary=summary[:500],
        actor=actor if actor is not None and actor.is_authenticated else None,
        at=at or timezone.now(),
        data=data or {},
    )
