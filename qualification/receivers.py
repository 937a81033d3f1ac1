"""The qualification app's receivers (connected in ``apps.py``): when a lead's captured
facts change, its assessment may be stale, so it is qualified again; when a Celery worker
process starts, the readers that load data are warmed."""

from leads.models import Lead
from qualification.extraction import language
from qualification.models import QualificationResult
from qualification.services import lead_requalify


def requalify_updated_lead(sender, *, lead: Lead, **kwargs) -> None:
    """Re-qualify a lead that has already been qualified and whose details changed."""
    if QualificationResult.objects.filter(lead=lead).exists():
        lead_requalify(lead=lead, reason="the enquiry's details changed")


def warm_readers(**kwargs) -> None:
    """At worker start: load the language detector, so the first enquiry in another
    language is read in milliseconds rather than after half a second of loading."""
    language.warm()
