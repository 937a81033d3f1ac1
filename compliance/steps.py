"""Compliance's pipeline step: the conflict check on every new lead, before routing, so
the owner's brief says what it found."""

from compliance.models import ConflictCheck
from compliance.services import conflict_check_run, lawful_basis_record, lead_parties_record
from leads.models import Lead


def conflict_check(*, lead: Lead) -> None:
    """Record the parties the enquiry named and check all the lead's names, once (a
    retry finds the check and stops)."""
    if lead.merged_into_id is not None or ConflictCheck.objects.filter(lead=lead).exists():
        return
    lead_parties_record(lead=lead)
    conflict_check_run(lead=lead)


def lawful_basis(*, lead: Lead) -> None:
    """Record the lawful basis the enquiry came with (once; a rerun finds it)."""
    lawful_basis_record(lead=lead)
