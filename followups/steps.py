"""The follow-ups pipeline step (last in ``LEADTRACK_PIPELINE``): give the new lead its
first obligation from the policy for its tier and practice area. Safe to run twice."""

from followups.services import followups_schedule
from leads.models import Lead


def schedule(*, lead: Lead) -> None:
    followups_schedule(lead=lead)
