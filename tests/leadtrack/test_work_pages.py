"""My day and the pipeline board: what each shows, that everything on them is done in
place through the services, and that their query counts do not grow with the data."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from firm.calendar import LONDON
from followups.choices import CompletedHow, FollowUpKind
from followups.models import ClosureReason, FollowUp
from leads.choices import Status
from qualification.models import PracticeArea
from qualification.services import qualification_model_active_or_default
from tests.factories import LeadFactory, QualificationResultFactory
from tests.followups.factories import standard_policies

# Wednesday 2 December 2026, 11:00 London: a working day.
WEDNESDAY_11 = dt.datetime(2026, 12, 2, 11, 0, tzinfo=LONDON)


def _followup(lead, *, due_at, kind=FollowUpKind.FIRST_CONTACT, owner=None) -> FollowUp:
    followup = FollowUp.objects.create(
        lead=lead,
        stage="new",
        kind=kind,
        due_at=due_at,
        next_escalation_at=due_at,
        owner=owner or lead.owner,
        guidance="Call, do not email.",
    )
    type(lead).objects.filter(pk=lead.pk).update(next_action_due_at=due_at)
    return followup


def _my_day_leads(earner, count: int, start: int = 0):
    for n in range(count):
        overdue = LeadFactory(
            owner=earner,
            status=Status.ASSIGNED,
            tier="A",
            assigned_at=WEDNESDAY_11 - dt.timedelta(hours=3),
            arrived_at=WEDNESDAY_11 - dt.timedelta(hours=4),
        )
        _followup(overdue, due_at=WEDNESDAY_11 - dt.timedelta(hours=1, minutes=n))
        today = LeadFactory(owner=earner, status=Status.CONTACTED, first_response_at=WEDNESDAY_11)
        _followup(today, due_at=WEDNESDAY_11 + dt.timedelta(hours=2), kind=FollowUpKind.CALL)
        LeadFactory(
            owner=earner,
            status=Status.ASSIGNED,
            assigned_at=WEDNESDAY_11 - dt.timedelta(minutes=10 + n),
        )


@time_machine.travel(WEDNESDAY_11, tick=False)
def test_my_day_lists_overdue_due_today_and_new_to_me_in_fixed_queries(people, client):
    earner = people["earner"]
    _my_day_leads(earner, 1)
    # Someone else's and tomorrow's do not show.
    _followup(
        LeadFactory(owner=people["colleague"], status=Status.ASSIGNED),
        due_at=WEDNESDAY_11 - dt.timedelta(hours=1),
    )
    _followup(
        LeadFactory(owner=earner, status=Status.CONTACTED, first_response_at=WEDNESDAY_11),
        due_at=WEDNESDAY_11 + dt.timedelta(days=1),
    )
    client.force_login(earner)
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("admin:my_day"))
    day = response.context["day"]
    assert [len(day.overdue), len(day.due_today), len(day.new_to_me)] == [1, 1, 1]
    assert day.overdue[0].late_by == "1.0 h"
    page = response.content.decode()
    assert "(1.0 h ago)" in page and "Call, do not email." in page
    _my_day_leads(earner, 6, start=1)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("admin:my_day"))
    day = response.context["day"]
    assert [len(day.overdue), len(day.due_today), len(day.new_to_me)] == [7, 7, 7]
    assert len(many.captured_queries) == len(few.captured_queries)


@time_machine.travel(WEDNESDAY_11, tick=False)
def test_an_overdue_follow_up_is_completed_from_my_day_with_a_call_outcome(people, client):
    standard_policies()
    earner = people["earner"]
    lead = LeadFactory(owner=earner, status=Status.ASSIGNED, tier="A")
    followup = _followup(lead, due_at=WEDNESDAY_11 - dt.timedelta(hours=2))
    client.force_login(earner)
    response = client.post(
        reverse("admin:my_day_contact", args=[lead.pk, "call"]),
        {
            "outcome": "reached",
            "summary": "Spoke to Rachel, meeting booked for Friday",
            "agreed": "meeting",
            "next": reverse("admin:my_day"),
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("admin:my_day")
    assert f"{lead.reference}: Call logged. The lead is now Meeting." in response.content.decode()
    followup.refresh_from_db()
    lead.refresh_from_db()
    assert followup.completed_how == CompletedHow.CALL_LOGGED
    assert lead.status == Status.MEETING
    assert response.context["day"].overdue == []


@time_machine.travel(WEDNESDAY_11, tick=False)
def test_my_day_marks_done_and_snoozes_within_working_hours(people, client):
    earner = people["earner"]
    lead = LeadFactory(owner=earner, status=Status.CONTACTED)
    done = _followup(lead, due_at=WEDNESDAY_11 - dt.timedelta(hours=1), kind=FollowUpKind.CALL)
    later = _followup(lead, due_at=WEDNESDAY_11 + dt.timedelta(hours=1), kind=FollowUpKind.CHASE)
    client.force_login(earner)
    client.post(reverse("admin:my_day_followup", args=[done.pk, "done"]), {"note": "Posted"})
    done.refresh_from_db()
    assert done.completed_how == CompletedHow.MANUAL and done.completion_note == "Posted"
    choices = client.get(reverse("admin:my_day")).context["day"].snooze_choices
    # In two working hours, next working morning, in two working days: all in hours.
    assert [label.split(" (")[0] for _, label in choices] == [
        "In two working hours",
        "Next working morning",
        "In two working days",
    ]
    assert choices[1][0] == "2026-12-03T09:00:00+00:00"
    response = client.post(
        reverse("admin:my_day_followup", args=[later.pk, "snooze"]),
        {"until": choices[1][0], "reason": "Client in court today"},
        follow=True,
    )
    assert "snoozed" in response.content.decode()
    later.refresh_from_db()
    assert later.due_at == dt.datetime(2026, 12, 3, 9, 0, tzinfo=LONDON)
    refused = client.post(
        reverse("admin:my_day_followup", args=[later.pk, "snooze"]),
        {"until": "2026-12-05T10:00:00+00:00", "reason": "Saturday"},
        follow=True,
    )
    assert "The firm is closed at Sat 05 Dec 2026 10:00" in refused.content.decode()


@pytest.fixture
def board_leads(people):
    employment = PracticeArea.objects.create(name="Employment", slug="employment")
    leads = {
        "new": LeadFactory(status=Status.NEW, tier="A", owner=None, estimated_value=1200),
        "assigned": LeadFactory(status=Status.ASSIGNED, tier="B", owner=people["earner"]),
        "contacted": LeadFactory(
            status=Status.CONTACTED, tier="A", owner=people["colleague"], estimated_value=4700
        ),
        "proposal": LeadFactory(status=Status.PROPOSAL, tier="C", owner=people["earner"]),
    }
    QualificationResultFactory(
        lead=leads["contacted"],
        practice_area=employment,
        model_version=qualification_model_active_or_default(),
    )
    return leads, employment


def test_the_board_shows_cards_by_status_and_filters_them(people, client, board_leads):
    leads, employment = board_leads
    client.force_login(people["partner"])
    response = client.get(reverse("admin:board"))
    board = response.context["board"]
    by_status = {column.status: [lead.pk for lead in column.cards] for column in board.columns}
    assert by_status == {
        Status.NEW: [leads["new"].pk],
        Status.ASSIGNED: [leads["assigned"].pk],
        Status.CONTACTED: [leads["contacted"].pk],
        Status.MEETING: [],
        Status.PROPOSAL: [leads["proposal"].pk],
    }
    page = response.content.decode()
    assert "£4,700" in page and "Sam Colleague" in page and "Employment" in page

    def shown(**params) -> set[int]:
        board = client.get(reverse("admin:board"), params).context["board"]
        return {lead.pk for column in board.columns for lead in column.cards}

    assert shown(owner=people["earner"].pk) == {leads["assigned"].pk, leads["proposal"].pk}
    assert shown(owner=0) == {leads["new"].pk}
    assert shown(tier="A") == {leads["new"].pk, leads["contacted"].pk}
    assert shown(area=employment.pk) == {leads["contacted"].pk}


def test_moving_a_card_goes_through_the_status_service_with_the_firms_reasons(
    people, client, board_leads
):
    leads, _ = board_leads
    ClosureReason.objects.create(text="Instructed another firm")
    lead = leads["contacted"]
    client.force_login(people["partner"])
    here = reverse("admin:board") + "?tier=A"
    url = reverse("admin:board_move", args=[lead.pk])
    moved = client.post(url, {"status": "meeting", "next": here}, follow=True)
    assert moved.redirect_chain[-1][0] == here
    assert f"{lead.reference} moved to Meeting." in moved.content.decode()
    lead.refresh_from_db()
    assert lead.status == Status.MEETING
    assert lead.activities.filter(kind="status_changed", actor=people["partner"]).exists()

    refused = client.post(url, {"status": "lost"}, follow=True).content.decode()
    assert "Give a reason to mark a lead lost" in refused
    refused = client.post(url, {"status": "lost", "details": "went elsewhere"}, follow=True)
    assert "Choose one of the firm&#x27;s reasons" in refused.content.decode()
    client.post(
        url, {"status": "lost", "reason": "Instructed another firm", "details": "nearer home"}
    )
    lead.refresh_from_db()
    assert (lead.status, lead.closed_reason) == (
        Status.LOST,
        "Instructed another firm: nearer home",
    )

    # A win asks for the agreed fee and the matter reference, checked by the service.
    proposal = leads["proposal"]
    won_url = reverse("admin:board_move", args=[proposal.pk])
    refused = client.post(won_url, {"status": "won", "agreed_fee": "4,700"}, follow=True)
    assert "Give the matter reference to mark a lead won." in refused.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Status.PROPOSAL
    won = client.post(
        won_url,
        {"status": "won", "agreed_fee": "£5,250", "matter_reference": "EMP/2026/0042"},
        follow=True,
    )
    assert (
        f"{proposal.reference} moved to Won (agreed fee £5,250, matter EMP/2026/0042)."
        in won.content.decode()
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.agreed_fee, proposal.matter_reference) == (
        Status.WON,
        Decimal("5250.00"),
        "EMP/2026/0042",
    )
    assert proposal.activities.filter(
        kind="status_changed", data__matter_reference="EMP/2026/0042"
    ).exists()


def test_the_board_offers_the_win_dialog_with_the_firms_reasons(people, client, board_leads):
    ClosureReason.objects.create(text="Instructed another firm")
    client.force_login(people["partner"])
    page = client.get(reverse("admin:board")).content.decode()
    assert 'id="move-dialog"' in page
    assert 'name="agreed_fee"' in page and 'name="matter_reference"' in page
    assert '<option value="Instructed another firm">' in page


def test_the_board_costs_the_same_queries_for_few_cards_or_many(people, client, board_leads):
    client.force_login(people["partner"])
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("admin:board"))
    for status in (Status.NEW, Status.ASSIGNED, Status.MEETING, Status.PROPOSAL):
        LeadFactory.create_batch(6, status=status, owner=people["colleague"], tier="B")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("admin:board"))
    assert sum(len(column.cards) for column in response.context["board"].columns) == 28
    assert len(many.captured_queries) == len(few.captured_queries)
