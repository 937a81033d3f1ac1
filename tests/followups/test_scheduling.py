"""Obligations from policies: the pipeline step, completion by what the firm records,
statuses moving obligations on, snooze and reschedule limits, and handover."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from firm.calendar import LONDON
from followups import services, steps
from followups.choices import CompletedHow, FollowUpKind, Stage
from followups.models import FollowUp
from leads import services as lead_services
from leads.choices import ActivityKind, Status
from leads.models import Lead
from qualification.models import PracticeArea, QualificationResult
from qualification.services import qualification_model_active_or_default
from tests.factories import LeadFactory, UserFactory
from tests.followups.factories import PolicyFactory, StepFactory, standard_policies

pytestmark = pytest.mark.django_db

MONDAY_10 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def owner():
    return UserFactory(username="owner", email="owner@firm.example")


@pytest.fixture
def policies():
    return standard_policies()


def _lead(*, tier="A", owner=None, arrived_at=MONDAY_10, status=Status.ASSIGNED) -> Lead:
    return LeadFactory(tier=tier, owner=owner, arrived_at=arrived_at, status=status)


@pytest.mark.parametrize(
    ("tier", "due"),
    [
        ("A", london(2026, 3, 2, 11, 0)),  # 1 working hour
        ("B", london(2026, 3, 2, 14, 0)),  # 4 working hours
        ("C", london(2026, 3, 4, 10, 0)),  # 2 working days
    ],
)
@time_machine.travel(MONDAY_10, tick=False)
def test_first_contact_is_due_by_tier(policies, owner, tier, due):
    lead = _lead(tier=tier, owner=owner)
    steps.schedule(lead=lead)
    followup = FollowUp.objects.get(lead=lead)
    assert (followup.kind, followup.due_at, followup.owner) == (
        FollowUpKind.FIRST_CONTACT,
        due,
        owner,
    )
    lead.refresh_from_db()
    assert lead.next_action_due_at == due
    assert lead.activities.filter(kind=ActivityKind.FOLLOWUP_SCHEDULED).count() == 1


@time_machine.travel(MONDAY_10, tick=False)
def test_step_is_idempotent(policies, owner):
    lead = _lead(owner=owner)
    steps.schedule(lead=lead)
    steps.schedule(lead=lead)
    assert FollowUp.objects.filter(lead=lead).count() == 1


@time_machine.travel(MONDAY_10, tick=False)
def test_due_time_counts_from_arrival_not_from_processing(policies, owner):
    lead = _lead(owner=owner, arrived_at=london(2026, 2, 27, 17, 0))  # Friday 17:00
    steps.schedule(lead=lead)
    assert FollowUp.objects.get(lead=lead).due_at == london(2026, 3, 2, 9, 30)


@time_machine.travel(MONDAY_10, tick=False)
def test_practice_area_policy_wins_over_tier_and_calendar_time_is_kept(policies, owner):
    area = PracticeArea.objects.create(name="Employment", slug="employment")
    urgent = PolicyFactory(name="Employment A", tier="A", practice_area=area)
    urgent.counts_calendar_time = True
    urgent.save()
    StepFactory(policy=urgent, interval=30, unit="minutes", guidance="Limitation date!")
    lead = _lead(owner=owner, arrived_at=london(2026, 3, 7, 22, 0))  # Saturday night
    QualificationResult.objects.create(
        lead=lead,
        model_version=qualification_model_active_or_default(),
        practice_area=area,
        urgency="high",
        decision_position="decision_maker",
        score=80,
        tier="A",
        recommended_action="Call within the hour",
    )
    lead.refresh_from_db()
    steps.schedule(lead=lead)
    followup = FollowUp.objects.get(lead=lead)
    assert followup.guidance == "Limitation date!"
    assert followup.due_at == london(2026, 3, 7, 22, 30)
    assert followup.counts_calendar_time


@time_machine.travel(MONDAY_10, tick=False)
def test_firm_default_policy_then_built_in_fallback(owner):
    lead = _lead(tier=None, owner=owner)
    steps.schedule(lead=lead)
    fallback = FollowUp.objects.get(lead=lead)
    assert fallback.step is None and "No follow-up policy" in fallback.guidance
    assert fallback.due_at == london(2026, 3, 3, 10, 0)  # one working day

    default = PolicyFactory(name="Default", tier="")
    StepFactory(policy=default, interval=2, unit="hours")
    other = _lead(tier="B", owner=owner)
    steps.schedule(lead=other)
    assert FollowUp.objects.get(lead=other).due_at == london(2026, 3, 2, 12, 0)


def test_duplicate_active_policy_for_same_tier_and_area_is_refused(policies):
    clash = PolicyFactory.build(name="Another A", tier="A")
    with pytest.raises(ValidationError, match="already covers"):
        clash.full_clean()


@time_machine.travel(MONDAY_10, tick=False)
def test_call_that_reached_them_completes_first_contact_and_moves_the_lead_on(policies, owner):
    lead = _lead(owner=owner)
    steps.schedule(lead=lead)
    lead_services.lead_log_call(
        lead=lead, summary="Spoke about the dismissal", outcome="reached", actor=owner
    )
    first = FollowUp.objects.get(lead=lead, kind=FollowUpKind.FIRST_CONTACT)
    assert first.completed_how == CompletedHow.CALL_LOGGED
    assert first.completed_by == owner
    # Reached: no "no answer yet" chase; the contacted stage's first obligation instead.
    assert not FollowUp.objects.filter(lead=lead, kind=FollowUpKind.CHASE).exists()
    meeting = FollowUp.objects.get(lead=lead, completed_at__isnull=True)
    assert (meeting.stage, meeting.kind) == (Stage.CONTACTED, FollowUpKind.BOOK_MEETING)
    assert meeting.due_at == london(2026, 3, 4, 10, 0)  # two working days after the call
    lead.refresh_from_db()
    assert lead.status == Status.CONTACTED
    assert lead.first_response_at == MONDAY_10
    assert lead.next_action_due_at == meeting.due_at


@time_machine.travel(MONDAY_10, tick=False)
def test_staff_reply_caught_by_tracking_address_completes_first_contact(policies, owner):
    from leads import signals

    lead = _lead(owner=owner)
    steps.schedule(lead=lead)
    signals.message_sent.send(sender=Lead, lead=lead, at=MONDAY_10, actor=owner)
    assert (
        FollowUp.objects.get(lead=lead, kind=FollowUpKind.FIRST_CONTACT).completed_how
        == CompletedHow.MESSAGE_SENT
    )


@time_machine.travel(MONDAY_10, tick=False)
def test_a_note_completes_nothing(policies, owner):
    lead = _lead(owner=owner)
    steps.schedule(lead=lead)
    lead_services.lead_add_note(lead=lead, text="Left a voicemail", actor=owner)
    assert FollowUp.objects.get(lead=lead).completed_at is None


def test_contact_log_refuses_bad_input(owner):
    lead = _lead(owner=owner)
    with pytest.raises(ValidationError):
        lead_services.lead_log_call(lead=lead, summary="  ", outcome="reached", actor=owner)
    with pytest.raises(ValidationError, match="future"):
        lead_services.lead_log_meeting(
            lead=lead, summary="x", at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC)
        )
    assert not lead.activities.exists()


@time_machine.travel(MONDAY_10, tick=False)
def test_status_change_moves_obligations_to_the_next_stage(policies, owner):
    lead = _lead(owner=owner)
    steps.schedule(lead=lead)
    lead_services.lead_change_status(lead=lead, status=Status.CONTACTED, actor=owner)
    first = FollowUp.objects.get(lead=lead, kind=FollowUpKind.FIRST_CONTACT)
    assert first.completed_how == CompletedHow.STATUS_CHANGED
    meeting = FollowUp.objects.get(lead=lead, completed_at__isnull=True)
    assert (meeting.stage, meeting.kind) == (Stage.CONTACTED, FollowUpKind.BOOK_MEETING)
    assert meeting.due_at == london(2026, 3, 4, 10, 0)


@time_machine.travel(MONDAY_10, tick=False)
def test_closed_lead_has_no_open_followups_and_reopening_starts_again(policies, owner):
    lead = _lead(owner=owner)
    steps.schedule(lead=lead)
    lead_services.lead_change_status(
        lead=lead, status=Status.LOST, reason="Instructed another firm", actor=owner
    )
    assert not FollowUp.objects.filter(lead=lead, completed_at__isnull=True).exists()
    assert FollowUp.objects.get(lead=lead).completed_how == CompletedHow.LEAD_CLOSED
    lead.refresh_from_db()
    assert lead.next_action_due_at is None

    lead_services.lead_change_status(
        lead=lead, status=Status.PROPOSAL, reason="They came back", actor=owner
    )
    reopened = FollowUp.objects.get(lead=lead, completed_at__isnull=True)
    assert reopened.kind == FollowUpKind.CHASE_PROPOSAL


@time_machine.travel(MONDAY_10, tick=False)
def test_assignment_in_the_same_stage_hands_unowned_followups_to_the_owner(policies, owner):
    lead = _lead(owner=None, status=Status.NEW)
    steps.schedule(lead=lead)
    assert FollowUp.objects.get(lead=lead).owner is None
    Lead.objects.filter(pk=lead.pk).update(owner=owner)
    lead.refresh_from_db()
    lead_services.lead_change_status(lead=lead, status=Status.ASSIGNED)
    assert FollowUp.objects.get(lead=lead).owner == owner


@time_machine.travel(MONDAY_10, tick=False)
def test_reassign_hands_open_followups_over(policies, owner):
    lead = _lead(owner=owner)
    steps.schedule(lead=lead)
    other = UserFactory(username="other")
    assert services.followups_reassign(lead=lead, owner=other) == 1
    assert FollowUp.objects.get(lead=lead).owner == other


@time_machine.travel(MONDAY_10, tick=False)
def test_snooze_needs_a_reason_and_is_limited(policies, owner):
    lead = _lead(owner=owner)
    steps.schedule(lead=lead)
    followup = FollowUp.objects.get(lead=lead)
    later = london(2026, 3, 3, 10, 0)
    with pytest.raises(ValidationError, match="reason"):
        services.followup_snooze(followup=followup, until=later, reason=" ")
    with pytest.raises(ValidationError, match="at most 5 working days"):
        services.followup_snooze(followup=followup, until=london(2026, 3, 20, 10), reason="x")
    services.followup_snooze(followup=followup, until=later, reason="Client abroad")
    services.followup_snooze(followup=followup, until=later, reason="Still abroad")
    with pytest.raises(ValidationError, match="limit"):
        services.followup_snooze(followup=followup, until=later, reason="Again")
    followup.refresh_from_db()
    assert (followup.due_at, followup.snooze_count, followup.next_escalation_at) == (
        later,
        2,
        later,
    )
    lead.refresh_from_db()
    assert lead.next_action_due_at == later


@time_machine.travel(MONDAY_10, tick=False)
def test_reschedule_refuses_the_past_and_completed_followups(policies, owner):
    lead = _lead(owner=owner)
    steps.schedule(lead=lead)
    followup = FollowUp.objects.get(lead=lead)
    with pytest.raises(ValidationError, match="future"):
        services.followup_reschedule(followup=followup, due_at=london(2026, 3, 1, 9, 0))
    services.followup_complete(followup=followup, actor=owner, note="Done by phone")
    with pytest.raises(ValidationError, match="already completed"):
        services.followup_complete(followup=followup)
    with pytest.raises(ValidationError, match="already completed"):
        services.followup_reschedule(followup=followup, due_at=london(2026, 3, 5, 9, 0))


def test_capture_schedules_followups_before_routing_briefs_the_owner(
    policies, settings, django_capture_on_commit_callbacks
):
    pipeline = settings.LEADTRACK_PIPELINE
    assert pipeline.index("followups.steps.schedule") < pipeline.index("routing.steps.assign")
    with django_capture_on_commit_callbacks(execute=True):
        capture = lead_services.lead_capture(
            channel="web_form",
            contact=lead_services.ContactDetails(name="Ada", email="ada@example.com"),
            message="Help",
            provider="web_form",
        )
    lead = Lead.objects.get(pk=capture.lead.pk)
    assert lead.pipeline_complete
    assert FollowUp.objects.filter(lead=lead, kind=FollowUpKind.FIRST_CONTACT).count() == 1
    assert lead.next_action_due_at is not None
