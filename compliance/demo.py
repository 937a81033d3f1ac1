"""The demo firm's compliance records: an extract of its client and matter list (so the
conflict check at intake has the firm's own clients and their matters' other parties to
search, some of them near matches of the demo enquirers) and its introducers'
arrangements (one with a referral fee, one with none). Loaded before the demo enquiries,
through the same services as a real import; running it again changes nothing."""

from pathlib import Path

from django.contrib.auth import get_user_model

from compliance.choices import FeeArrangement
from compliance.services.clients import client_matters_import
from compliance.services.introducers import introducer_arrangement_set
from leads.choices import ReferrerKind
from leads.services import referral_source_get_or_create

CLIENT_LIST = Path(__file__).parent / "demo_data" / "clients.csv"

# (name, kind, organisation, email, arrangement, terms)
INTRODUCERS = [
    ("Hardy & Co Chartered Accountants", ReferrerKind.FIRM, "", "intros@hardyco.example",
     FeeArrangement.NONE, ""),
    ("Sam Lloyd", ReferrerKind.PERSON, "Northern Bank plc", "sam.lloyd@northernbank.example",
     FeeArrangement.NONE, ""),
    ("Claimline Referrals", ReferrerKind.FIRM, "Claimline Referrals Ltd",
     "referrals@claimline.example", FeeArrangement.REFERRAL_FEE,
     "£250 per instructed matter, invoiced monthly; agreed by the managing partner."),
    ("Hughes Estate Agents", ReferrerKind.FIRM, "Hughes Estate Agents Ltd",
     "sales@hughesagents.example", FeeArrangement.REFERRAL_FEE,
     "£75 per completed conveyancing instruction; disclosed to each client in the "
     "client care letter."),
]  # fmt: skip


def load(*, stdout=None) -> None:
    """Import the demo client and matter list and record the introducers' arrangements."""
    result = client_matters_import(text=CLIENT_LIST.read_text(encoding="utf-8"))
    partner = get_user_model().objects.filter(username="priya.shah").first()
    for name, kind, organisation, email, arrangement, terms in INTRODUCERS:
        source = referral_source_get_or_create(
            name=name, kind=kind, organisation=organisation, email=email,
            relationship_owner=partner,
        )  # fmt: skip
        introducer_arrangement_set(
            referral_source=source, arrangement=arrangement, terms=terms, actor=partner
        )
    if stdout is not None:
        stdout.write(
            f"  client and matter list: {result.created} new, {result.updated} updated, "
            f"{result.unchanged} unchanged; introducers: {len(INTRODUCERS)}"
        )
