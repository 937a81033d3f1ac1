"""Call and meeting outcomes decide the next step, and nothing falls due outside the
firm's working hours unless its policy counts calendar time (hand-set times included)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from compliance.services import conflict_check_run
from firm.calendar import LONDON
from firm.selectors import working_calendar
from followups import services, steps
from followups.choices import CompletedHow, FollowUpKind, Stage
from followups.models import FollowUp
from leads import services as lead_services
from leads.choices import ActivityKind, Status
from tests.factories import ContactFactory, LeadFactory, UserFactory
from tests.followups.factories import PolicyFactory, StepFactory, standard_policies

pytestmark = pytest.mark.django_db

MONDAY_10 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)
MONDAY_19 = dt.datetime(2026, 3, 2, 19, 7, tzinfo=LONDON)


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def owner():
    return UserFactory(username="owner", email="owner@firm.example")


@pytest.fixture
def policies():
    return standard_policies()


def _lead(*, owner, tier="A", status=Status.ASSIGNED, arrived_at=MONDAY_10):
    lead = LeadFactory(tier=tier, owner=owner, status=status, arrived_at=arrived_at)
    steps.schedule(lead=lead)
    return lead


def _open(lead) -> list[FollowUp]:
    return list(FollowUp.objects.filter(lead=lead, completed_at__isnull=True).order_by("due_at"))


def _calendar_time_policy():
    """Tier A counted on the clock (like the demo firm's Employment tier A)."""
    policy = PolicyFactory(name="Urgent A", tier="A", counts_calendar_time=True)
    StepFactory(policy=policy, interval=1, unit="hours")
    StepFactory(policy=policy, position=2, kind=FollowUpKind.CHASE, interval=3, unit="hours")
    StepFactory(policy=policy, stage=Stage.CONTACTED, kind=FollowUpKind.BOOK_MEETING, interval=1)
    return policy


@time_machine.travel(MONDAY_19, tick=False)
def test_reached_and_meeting_booked_moves_the_lead_to_meeting_with_no_chase(owner):
    """The issue's case: "spoke to Rachel, booked a meeting" at 19:07 left the lead in
    Assigned with "No answer yet: call again" due at 22:07."""
    _calendar_time_policy()
    lead = _lead(owner=owner, arrived_at=london(2026, 3, 2, 18, 30))
    entry = lead_services.lead_log_call(
        lead=lead,
        summary="Spoke to Rachel, booked a meeting",
        outcome="reached",
        agreed="meeting",
        actor=owner,
    )
    lead.refresh_from_db()
    assert lead.status == Status.MEETING
    assert entry.summary == "Call (reached): Spoke to Rachel, booked a meeting"
    assert entry.data["moved_to"] == Status.MEETING
    assert not FollowUp.objects.filter(lead=lead, kind=FollowUpKind.CHASE).exists()
    first = FollowUp.objects.get(lead=lead, kind=FollowUpKind.FIRST_CONTACT)
    assert first.completed_how == CompletedHow.CALL_LOGGED
    assert lead.first_response_at == MONDAY_19


@time_machine.travel(MONDAY_10, tick=False)
def test_no_answer_completes_the_attempt_and_schedules_the_policys_retry(policies, owner):
    lead = _lead(owner=owner)
    entry = lead_services.lead_log_call(
        lead=lead, summary="Rang the mobile", outcome="no_answer", actor=owner
    )
    lead.refresh_from_db()
    assert lead.status == Status.ASSIGNED  # not reached: the lead does not move on
    assert lead.first_response_at is None  # nobody heard from us
    assert entry.summary == "Call (no answer): Rang the mobile"
    first = FollowUp.objects.get(lead=lead, kind=FollowUpKind.FIRST_CONTACT)
    assert first.completed_how == CompletedHow.CONTACT_ATTEMPTED
    [retry] = _open(lead)
    assert retry.kind == FollowUpKind.CHASE  # the policy's next step in the stage
    assert retry.due_at == london(2026, 3, 3, 10, 0)  # one working day
    assert retry.guidance.startswith("Call on Mon 02 Mar 2026 10:00: no answer.")
    assert lead.next_action_due_at == retry.due_at


@time_machine.travel(MONDAY_19, tick=False)
def test_no_answer_retry_is_in_working_time_even_under_a_calendar_time_policy(owner):
    _calendar_time_policy()
    lead = _lead(owner=owner, arrived_at=london(2026, 3, 2, 18, 30))
    lead_services.lead_log_call(lead=lead, summary="Rang", outcome="no_answer", actor=owner)
    [retry] = _open(lead)
    assert retry.due_at == london(2026, 3, 3, 12, 0)  # three working hours from Tuesday 09:00
    assert not retry.counts_calendar_time


@time_machine.travel(MONDAY_10, tick=False)
def test_left_a_message_counts_as_the_response_and_a_retry_without_policy_step(owner):
    policy = PolicyFactory(name="One step", tier="A")
    StepFactory(policy=policy, interval=1, unit="hours")
    lead = _lead(owner=owner)
    lead_services.lead_log_call(lead=lead, summary="Voicemail", outcome="left_message")
    lead.refresh_from_db()
    assert lead.first_response_at == MONDAY_10
    assert lead.status == Status.ASSIGNED
    [retry] = _open(lead)
    assert retry.kind == FollowUpKind.CALL
    assert retry.due_at == london(2026, 3, 2, 12, 0)  # two working hours
    assert retry.guidance.startswith("Left a message on Mon 02 Mar 2026 10:00")


@time_machine.travel(MONDAY_10, tick=False)
def test_wrong_number_asks_for_an_email_within_the_working_hour(policies, owner):
    lead = _lead(owner=owner)
    lead.contact = ContactFactory(email="rachel@example.com")
    lead.save(update_fields=["contact"])
    lead_services.lead_log_call(lead=lead, summary="Not her number", outcome="wrong_number")
    [chase] = _open(lead)
    assert chase.kind == FollowUpKind.CHASE
    assert chase.due_at == london(2026, 3, 2, 11, 0)
    assert "email rachel@example.com" in chase.guidance
    # A reply by email completes it.
    from leads import signals
    from leads.models import Lead

    signals.message_sent.send(sender=Lead, lead=lead, at=MONDAY_10, actor=owner)
    chase.refresh_from_db()
    assert chase.completed_how == CompletedHow.MESSAGE_SENT


@time_machine.travel(MONDAY_10, tick=False)
def test_a_meeting_they_did_not_come_to_completes_nothing_and_asks_to_rebook(policies, owner):
    lead = _lead(owner=owner, status=Status.MEETING)
    FollowUp.objects.filter(lead=lead).delete()
    lead_services.lead_log_meeting(lead=lead, summary="Waited 30 minutes", outcome="no_answer")
    [rebook] = _open(lead)
    assert rebook.kind == FollowUpKind.CALL
    assert "did not come to the meeting" in rebook.guidance
    assert lead.activities.get(kind=ActivityKind.MEETING_LOGGED).summary == (
        "Meeting (they did not come): Waited 30 minutes"
    )
    with pytest.raises(ValidationError, match="Say how the meeting went"):
        lead_services.lead_log_meeting(lead=lead, summary="x", outcome="wrong_number")


@time_machine.travel(MONDAY_10, tick=False)
def test_call_back_at_the_agreed_time_and_never_outside_working_hours(policies, owner):
    lead = _lead(owner=owner)
    saturday = london(2026, 3, 7, 10, 0)
    with pytest.raises(ValidationError, match="The firm is closed at Sat 07 Mar 2026 10:00"):
        lead_services.lead_log_call(
            lead=lead,
            summary="Call me at the weekend",
            outcome="reached",
            agreed="call_back",
            call_back_at=saturday,
        )
    assert not lead.activities.filter(kind=ActivityKind.CALL_LOGGED).exists()
    lead_services.lead_log_call(
        lead=lead,
        summary="Call Thursday at three",
        outcome="reached",
        agreed="call_back",
        call_back_at=london(2026, 3, 5, 15, 0),
    )
    lead.refresh_from_db()
    assert lead.status == Status.CONTACTED
    [call_back] = _open(lead)
    assert (call_back.kind, call_back.stage) == (FollowUpKind.CALL, Stage.CONTACTED)
    assert call_back.due_at == london(2026, 3, 5, 15, 0)
    assert call_back.guidance == "Call back as agreed: Call Thursday at three"


@time_machine.travel(MONDAY_10, tick=False)
def test_reached_but_refused_by_a_status_check_logs_the_call_and_says_why(policies, owner):
    lead = _lead(owner=owner, status=Status.CONTACTED)
    conflict_check_run(lead=lead)  # outstanding: no meeting until it is decided
    entry = lead_services.lead_log_call(
        lead=lead, summary="Booked for Friday", outcome="reached", agreed="meeting"
    )
    lead.refresh_from_db()
    assert lead.status == Status.CONTACTED
    assert "Conflict check outstanding" in entry.data["not_moved"]


def test_an_outcome_is_required_and_must_fit(owner):
    lead = LeadFactory(owner=owner)
    with pytest.raises(ValidationError, match="Say how the call went"):
        lead_services.lead_log_call(lead=lead, summary="Rang", outcome="")
    with pytest.raises(ValidationError, match="Nothing can have been agreed"):
        lead_services.lead_log_call(
            lead=lead, summary="Rang", outcome="no_answer", agreed="meeting"
        )
    with pytest.raises(ValidationError, match="Say when they asked"):
        lead_services.lead_log_call(
            lead=lead, summary="Rang", outcome="reached", agreed="call_back"
        )


@time_machine.travel(MONDAY_10, tick=False)
def test_hand_set_due_times_must_be_in_working_hours(policies, owner):
    lead = _lead(owner=owner)
    [followup] = _open(lead)
    with pytest.raises(ValidationError, match="for example Tue 03 Mar 2026 09:00"):
        services.followup_reschedule(followup=followup, due_at=london(2026, 3, 2, 19, 0))
    with pytest.raises(ValidationError, match="The firm is closed"):
        services.followup_snooze(followup=followup, until=london(2026, 3, 3, 7, 0), reason="x")
    services.followup_reschedule(followup=followup, due_at=london(2026, 3, 2, 17, 30))
    # A calendar-time follow-up may fall due at any hour.
    followup.counts_calendar_time = True
    followup.save(update_fields=["counts_calendar_time"])
    services.followup_reschedule(followup=followup, due_at=london(2026, 3, 2, 21, 0))


@pytest.mark.parametrize("outcome", ["reached", "no_answer", "left_message", "wrong_number"])
@pytest.mark.parametrize(
    "moment",
    [
        london(2026, 3, 2, 19, 7),  # Monday evening
        london(2026, 3, 7, 11, 0),  # Saturday
        london(2026, 3, 2, 17, 20),  # ten minutes before closing
    ],
)
def test_nothing_falls_due_outside_working_hours_after_any_outcome(
    policies, owner, outcome, moment
):
    with time_machine.travel(moment, tick=False):
        lead = _lead(owner=owner, arrived_at=moment - dt.timedelta(minutes=30))
        lead_services.lead_log_call(lead=lead, summary="Rang", outcome=outcome)
        calendar = working_calendar()
        for followup in FollowUp.objects.filter(lead=lead):
            assert calendar.is_within_hours(followup.due_at), followup
