"""Every compliance write goes through a function here, whoever calls it (pipeline,
admin, command, beat)."""

from compliance.services.clients import ClientImport, client_matters_import
from compliance.services.conflicts import (
    conflict_check_run,
    conflict_decision_record,
    conflict_index_client_matter,
    conflict_index_contact,
    conflict_index_party,
    conflict_index_rebuild,
    lead_parties_record,
    party_add,
)
from compliance.services.due_diligence import due_diligence_override, due_diligence_record
from compliance.services.introducers import introducer_arrangement_set, referral_disclosure_record

__all__ = [
    "ClientImport",
    "client_matters_import",
    "conflict_check_run",
    "conflict_decision_record",
    "conflict_index_client_matter",
    "conflict_index_contact",
    "conflict_index_party",
    "conflict_index_rebuild",
    "due_diligence_override",
    "due_diligence_record",
    "introducer_arrangement_set",
    "lead_parties_record",
    "party_add",
    "referral_disclosure_record",
]
