"""The compliance steps in the real pipeline: a captured lead gets its conflict check and
lawful basis, and the owner's brief says what the check found and that it awaits a
decision."""

import pytest
from django.test import override_settings

from compliance.models import ConflictCheck, LawfulBasis, Party
from leads.choices import Channel, EmailKind
from leads.models import OutboundEmail
from leads.services import ContactDetails, lead_capture
from qualification import demo as qualification_demo
from qualification.models import PracticeArea
from tests.factories import ContactFactory
from tests.routing.factories import MemberFactory

pytestmark = pytest.mark.django_db


@override_settings(LEADTRACK_TRIAGE_USERNAME="triage.owner")
def test_a_captured_lead_is_checked_and_its_brief_reports_the_match(
    django_capture_on_commit_callbacks,
):
    qualification_demo.load()
    MemberFactory(user__username="triage.owner")
    held = ContactFactory(name="Gordon Pettigrew", organisation="")
    from compliance.services import conflict_index_contact

    conflict_index_contact(contact=held)
    with django_capture_on_commit_callbacks(execute=True):
        lead = lead_capture(
            channel=Channel.API,
            contact=ContactDetails(name="Ivy Pettigrew", email="ivy@pettigrew-family.example"),
            message="My husband and I are divorcing; I need advice on the house.",
            payload={"parties": [{"name": "Mr Gordon Pettigrew", "role": "spouse"}]},
        ).lead
    check = ConflictCheck.objects.get(lead=lead)
    assert Party.objects.get(lead=lead).name == "Mr Gordon Pettigrew"
    assert check.matches.get().matched_name == "Gordon Pettigrew"
    assert LawfulBasis.objects.get(lead=lead).description.startswith("Legitimate interests")
    brief = OutboundEmail.objects.get(lead=lead, kind=EmailKind.BRIEF)
    assert "CONFLICT CHECK" in brief.body_text
    assert (
        "Spouse or partner Mr Gordon Pettigrew matches Contact Gordon Pettigrew" in brief.body_text
    )
    assert "Conflict check outstanding: record the decision" in brief.body_text


def test_the_demo_firm_marks_the_areas_the_money_laundering_regulations_cover():
    qualification_demo.load()
    in_scope = set(PracticeArea.objects.filter(mlr_in_scope=True).values_list("slug", flat=True))
    assert in_scope == {"conveyancing", "wills-probate", "commercial", "tax"}
