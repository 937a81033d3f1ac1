"""The qualification app's one receiver: when a lead's captured facts change, its
assessment may be stale, so it is qualified again (connected in ``apps.py``)."""

from leads.models import Lead
from qualification.models import QualificationResult
from qualification.services import lead_requalify


def requalify_updated_lead(sender, *, lead: Lead, **kwargs) -> None:
    """Re-qualify a lead that has already been qualified and whose details changed."""
    if QualificationResult.objects.filter(lead=lead).exists():
        lead_requalify(lead=lead, reason="the enquiry's details changed")
