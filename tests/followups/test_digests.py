"""Daily digests on working days and weekly summaries for heads of team, each once."""

import datetime as dt

import pytest
import time_machine

from firm.calendar import LONDON
from followups import services
from leads.choices import EmailKind, Status
from leads.models import OutboundEmail
from tests.factories import LeadFactory
from tests.followups.factories import FollowUpFactory, make_firm

pytestmark = pytest.mark.django_db

MONDAY_8 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=LONDON)


@pytest.fixture
def firm():
    return make_firm()


def test_daily_digest_lists_overdue_and_due_today_once(firm):
    owner = firm.earner.user
    overdue = FollowUpFactory(
        lead=LeadFactory(owner=owner, status=Status.ASSIGNED),
        owner=owner,
        due_at=MONDAY_8 - dt.timedelta(hours=20),
    )
    today = FollowUpFactory(
        lead=LeadFactory(owner=owner, status=Status.ASSIGNED),
        owner=owner,
        due_at=MONDAY_8 + dt.timedelta(hours=6),
    )
    with time_machine.travel(MONDAY_8, tick=False):
        assert services.digests_send_daily() == 1  # only the earner has anything
        assert services.digests_send_daily() == 1  # queued again: the same row
    [email] = OutboundEmail.objects.filter(kind=EmailKind.DIGEST)
    assert email.to == ["earner@firm.example"]
    assert "1 overdue, 1 due today" in email.subject
    text = email.body_text
    assert text.index(overdue.lead.reference) < text.index("Due today")
    assert text.index(today.lead.reference) > text.index("Due today")


def test_no_digest_on_a_bank_holiday_or_weekend(firm):
    FollowUpFactory(lead=LeadFactory(owner=firm.earner.user), owner=firm.earner.user)
    for day in (
        dt.datetime(2026, 4, 6, 8, tzinfo=LONDON),  # Easter Monday
        dt.datetime(2026, 3, 7, 8, tzinfo=LONDON),  # Saturday
    ):
        with time_machine.travel(day, tick=False):
            assert services.digests_send_daily() == 0
    assert not OutboundEmail.objects.exists()


def test_weekly_summary_for_the_head_of_team(firm):
    owner = firm.earner.user
    LeadFactory(owner=owner, status=Status.CONTACTED)
    FollowUpFactory(
        lead=LeadFactory(owner=owner, status=Status.ASSIGNED),
        owner=owner,
        due_at=MONDAY_8 - dt.timedelta(days=1),
    )
    with time_machine.travel(MONDAY_8, tick=False):
        assert services.weekly_summaries_send() == 1
        services.weekly_summaries_send()
    [email] = OutboundEmail.objects.filter(kind=EmailKind.DIGEST)
    assert email.to == ["head@firm.example"]
    assert "Employment pipeline" in email.subject and "1 overdue" in email.subject
    assert "Contacted: 1" in email.body_text
