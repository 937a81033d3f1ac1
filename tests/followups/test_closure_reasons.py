"""The firm's closure reasons bind people on every surface; a closure Leadtrack makes
itself is recorded under the reason the firm chose for it, never refused."""

import pytest
from django.core.exceptions import ValidationError

from followups.models import ClosureReason
from followups.services.closure import closure_reason_given_by_leadtrack
from leads.choices import Status
from leads.services import lead_change_status
from tests.factories import LeadFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reasons():
    ClosureReason.objects.create(text="Conflict of interest", for_disqualified=True, position=1)
    ClosureReason.objects.create(
        text="Not a genuine enquiry", for_disqualified=True, position=2, given_by_leadtrack=True
    )
    ClosureReason.objects.create(text="Instructed another firm", for_lost=True, position=3)


def test_a_person_must_still_choose_from_the_list(reasons):
    lead = LeadFactory(status=Status.NEW)
    with pytest.raises(ValidationError, match="Conflict of interest; Not a genuine enquiry"):
        lead_change_status(
            lead=lead,
            status=Status.DISQUALIFIED,
            reason="looks like spam",
            actor=UserFactory(username="pat.partner", is_superuser=True),
        )
    lead.refresh_from_db()
    assert lead.status == Status.NEW


def test_leadtracks_own_closure_is_recorded_under_the_firms_reason_for_it(reasons):
    lead = LeadFactory(status=Status.NEW)
    changed = lead_change_status(
        lead=lead,
        status=Status.DISQUALIFIED,
        reason="Disqualified: spam or solicitation (qualification model v1)",
        by_leadtrack=True,
    )
    assert changed.closed_reason == (
        "Not a genuine enquiry: Disqualified: spam or solicitation (qualification model v1)"
    )


def test_a_reason_already_on_the_list_is_kept_in_the_lists_words(reasons):
    lead = LeadFactory(status=Status.NEW)
    changed = lead_change_status(
        lead=lead, status=Status.DISQUALIFIED, reason="conflict of interest", by_leadtrack=True
    )
    assert changed.closed_reason == "Conflict of interest"


def test_without_a_marked_reason_the_first_one_offered_is_used():
    ClosureReason.objects.create(text="Outside our area", for_disqualified=True, position=2)
    ClosureReason.objects.create(text="Work we do not do", for_disqualified=True, position=1)
    ClosureReason.objects.create(text="Retired", for_disqualified=True, position=0, is_active=False)
    assert closure_reason_given_by_leadtrack(status=Status.DISQUALIFIED) == "Work we do not do"
    assert closure_reason_given_by_leadtrack(status=Status.WON) == ""


def test_without_a_list_any_reason_is_recorded_as_given():
    lead = LeadFactory(status=Status.NEW)
    changed = lead_change_status(
        lead=lead, status=Status.DISQUALIFIED, reason="Spam", by_leadtrack=True
    )
    assert changed.closed_reason == "Spam"
