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
from compliance.services.privacy import (
    contact_erasure,
    lawful_basis_record,
    retention_run,
    subject_access_request_record,
)

__all__ = [
    "ClientImport",
    "client_matters_import",
    "conflict_check_run",
    "conflict_decision_record",
    "conflict_index_client_matter",
    "conflict_index_contact",
    "conflict_index_party",
    "conflict_index_rebuild",
    "contact_erasure",
    "due_diligence_override",
    "due_diligence_record",
    "introducer_arrangement_set",
    "lawful_basis_record",
    "lead_parties_record",
    "party_add",
    "referral_disclosure_record",
    "retention_run",
    "subject_access_request_record",
]
