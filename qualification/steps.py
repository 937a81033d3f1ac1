"""The qualification pipeline step: qualify each new lead the moment it arrives, and close
spam and job applications as disqualified before anything is sent to them."""

from leads.choices import CLOSED_STATUSES, Status
from leads.models import Lead
from leads.services import lead_change_status
from qualification.models import QualificationResult
from qualification.services import lead_qualify


def qualify(*, lead: Lead) -> None:
    """Qualify the lead once (a retry finds the result and stops); disqualify it if the
    active version's rules say so."""
    result = QualificationResult.objects.filter(lead=lead).first()
    if result is None:
        result = lead_qualify(lead=lead)  # updates this copy of the lead as it records
    if result.is_disqualified and lead.status not in CLOSED_STATUSES:
        reason = next(
            (line for line in result.basis if line.startswith("Disqualified")),
            "Disqualified by the qualification model",
        )
        lead_change_status(
            lead=lead,
            status=Status.DISQUALIFIED,
            reason=f"{reason} (qualification model v{result.model_version.version})",
            by_leadtrack=True,
        )
        lead.refresh_from_db(fields=["status"])
