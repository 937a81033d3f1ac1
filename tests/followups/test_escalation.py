"""The overdue sweep: owner, then supervisor, then head of team, each level once, one
email per recipient per sweep, stopped by completion, and safe to crash or repeat."""

import datetime as dt
import uuid
from unittest import mock

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from firm.calendar import LONDON
from followups import services
from followups.choices import EscalationLevel, FollowUpKind
from followups.models import Escalation, FollowUp
from followups.selectors import business_calendar
from followups.services import escalation as escalation_module
from leads.choices import ActivityKind, EmailKind
from leads.models import Activity, OutboundEmail
from routing.models import MemberAbsence
from tests.factories import LeadFactory
from tests.followups.factories import FollowUpFactory, make_firm

pytestmark = pytest.mark.django_db

DUE = dt.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)  # Monday


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def firm():
    return make_firm()


def _followup(owner, *, due=DUE, tier="A", **kwargs) -> FollowUp:
    lead = LeadFactory(owner=owner, tier=tier)
    return FollowUpFactory(lead=lead, owner=owner, due_at=due, next_escalation_at=due, **kwargs)


def _sweep(at: dt.datetime):
    with time_machine.travel(at, tick=False):
        return services.escalation_sweep()


def _emails(to: str) -> list[OutboundEmail]:
    return [e for e in OutboundEmail.objects.filter(kind=EmailKind.ESCALATION) if e.to == [to]]


def test_nothing_is_escalated_before_it_is_due(firm):
    _followup(firm.earner.user)
    result = _sweep(DUE - dt.timedelta(minutes=1))
    assert (result.due, result.escalations, result.emails) == (0, 0, 0)


def test_owner_then_supervisor_then_head_each_once(firm):
    followup = _followup(firm.earner.user)

    assert _sweep(DUE).escalations == 1
    assert [e.subject for e in _emails("earner@firm.example")] == [
        "1 overdue follow-up needs action · Ashdown Marsh LLP"
    ]
    followup.refresh_from_db()
    # Supervisor after 120 working minutes.
    assert followup.next_escalation_at == london(2026, 3, 2, 12, 0)

    assert _sweep(london(2026, 3, 2, 11, 59)).escalations == 0
    assert _sweep(london(2026, 3, 2, 12, 0)).escalations == 1
    assert len(_emails("supervisor@firm.example")) == 1
    followup.refresh_from_db()
    # Head of team after 240 more working minutes: 12:00 + 4 h = 16:00.
    assert followup.next_escalation_at == london(2026, 3, 2, 16, 0)

    assert _sweep(london(2026, 3, 2, 16, 0)).escalations == 1
    assert len(_emails("head@firm.example")) == 1
    followup.refresh_from_db()
    assert followup.escalation_level == 3 and followup.next_escalation_at is None

    # Nothing more, however many sweeps run.
    for hours in (1, 24, 200):
        assert _sweep(london(2026, 3, 2, 16, 0) + dt.timedelta(hours=hours)).due == 0
    assert list(
        Escalation.objects.filter(followup=followup)
        .values_list("level", flat=True)
        .order_by("level")
    ) == [1, 2, 3]
    assert Activity.objects.filter(lead=followup.lead, kind=ActivityKind.ESCALATED).count() == 3


def test_grace_is_counted_in_working_time(firm):
    followup = _followup(firm.earner.user, due=london(2026, 3, 6, 17, 0))  # Friday 17:00
    _sweep(london(2026, 3, 6, 17, 0))
    followup.refresh_from_db()
    # 30 minutes on Friday, 90 on Monday.
    assert followup.next_escalation_at == london(2026, 3, 9, 10, 30)


def test_one_email_per_recipient_listing_items_most_urgent_first(firm):
    late = _followup(firm.earner.user, due=DUE - dt.timedelta(hours=3))
    later = _followup(firm.earner.user, due=DUE - dt.timedelta(hours=1))
    other = _followup(firm.supervisor.user)
    result = _sweep(DUE)
    assert (result.escalations, result.emails) == (3, 2)
    [email] = _emails("earner@firm.example")
    body = email.body_text
    assert body.index(late.lead.reference) < body.index(later.lead.reference)
    assert late.lead.reference in email.body_html and "/admin/leads/lead/" in body
    assert "2 overdue follow-ups need action" in email.subject
    assert len(_emails("supervisor@firm.example")) == 1
    assert other.lead.reference in _emails("supervisor@firm.example")[0].body_text


def test_completing_stops_escalation(firm):
    followup = _followup(firm.earner.user)
    _sweep(DUE)
    with time_machine.travel(DUE + dt.timedelta(minutes=5), tick=False):
        services.followup_complete(followup=followup, actor=firm.earner.user)
    assert _sweep(london(2026, 3, 3, 12, 0)).due == 0
    assert Escalation.objects.filter(followup=followup).count() == 1


def test_rescheduling_stops_escalation_until_the_new_time(firm):
    followup = _followup(firm.earner.user)
    _sweep(DUE)
    new_due = london(2026, 3, 4, 10, 0)
    with time_machine.travel(DUE + dt.timedelta(minutes=5), tick=False):
        services.followup_reschedule(followup=followup, due_at=new_due, reason="Client away")
    assert _sweep(london(2026, 3, 3, 12, 0)).due == 0
    assert _sweep(new_due).escalations == 1  # the next level; the owner's was already sent
    assert Escalation.objects.filter(followup=followup).count() == 2


def test_out_of_office_owner_escalates_straight_to_delegate_or_supervisor(firm):
    _followup(firm.earner.user)
    MemberAbsence.objects.create(
        member=firm.earner,
        starts_on=DUE.date() - dt.timedelta(days=1),
        ends_on=DUE.date() + dt.timedelta(days=5),
    )
    _sweep(DUE)
    assert _emails("earner@firm.example") == []
    assert len(_emails("supervisor@firm.example")) == 1

    delegate_followup = _followup(firm.supervisor.user, due=DUE + dt.timedelta(minutes=1))
    MemberAbsence.objects.create(
        member=firm.supervisor,
        starts_on=DUE.date() - dt.timedelta(days=1),
        ends_on=DUE.date() + dt.timedelta(days=5),
        delegate=firm.head,
    )
    _sweep(DUE + dt.timedelta(minutes=1))
    assert Escalation.objects.get(followup=delegate_followup).recipient_email == "head@firm.example"


def test_unowned_followup_goes_to_the_triage_address(firm, settings):
    settings.LEADTRACK_TRIAGE_EMAIL = "triage@firm.example"
    _followup(None)
    _sweep(DUE)
    assert len(_emails("triage@firm.example")) == 1


def test_head_already_told_as_supervisor_goes_one_higher(firm):
    # The supervisor is the head of team: level 3 goes to the head's own supervisor.
    partner = make_partner()
    firm.head.supervisor = partner
    firm.head.save()
    followup = _followup(firm.supervisor.user)  # supervisor -> head; head is head of team
    _sweep(DUE)
    _sweep(london(2026, 3, 2, 12, 0))
    _sweep(london(2026, 3, 2, 16, 0))
    recipients = dict(
        Escalation.objects.filter(followup=followup).values_list("level", "recipient_email")
    )
    assert recipients == {
        EscalationLevel.OWNER: "supervisor@firm.example",
        EscalationLevel.SUPERVISOR: "head@firm.example",
        EscalationLevel.HEAD_OF_TEAM: "partner@firm.example",
    }


def make_partner():
    from routing.models import Member
    from tests.factories import UserFactory

    return Member.objects.create(user=UserFactory(username="partner", email="partner@firm.example"))


def test_a_level_recorded_by_another_sweep_is_not_sent_again(firm):
    followup = _followup(firm.earner.user)
    # Another sweep already recorded level 1 (e.g. beat ran twice and one read stale rows).
    Escalation.objects.create(
        followup=followup,
        level=1,
        recipient_email="earner@firm.example",
        sweep_id="00000000-0000-0000-0000-000000000001",
    )
    result = _sweep(DUE)
    assert (result.due, result.escalations, result.emails) == (1, 0, 0)
    followup.refresh_from_db()
    assert followup.escalation_level == 1  # moved on all the same


def test_a_crash_mid_sweep_leaves_nothing_and_the_next_sweep_sends_everything(firm):
    for owner in (firm.earner.user, firm.supervisor.user, firm.head.user):
        _followup(owner)
    real_queue = escalation_module.outbound_emails_queue_many

    def crash_after_queueing(**kwargs):
        real_queue(**kwargs)  # escalations recorded, emails queued, nothing committed
        raise RuntimeError("worker killed")

    with mock.patch.object(escalation_module, "outbound_emails_queue_many", crash_after_queueing):
        with pytest.raises(RuntimeError):
            _sweep(DUE)
    assert Escalation.objects.count() == 0
    assert OutboundEmail.objects.count() == 0
    assert Activity.objects.filter(kind=ActivityKind.ESCALATED).count() == 0
    assert FollowUp.objects.filter(escalation_level=0).count() == 3

    result = _sweep(DUE + dt.timedelta(minutes=1))
    assert (result.escalations, result.emails) == (3, 3)


def test_levels_recorded_meanwhile_without_the_locks_roll_the_sweep_back(firm):
    first = _followup(firm.earner.user)
    _followup(firm.supervisor.user)
    real_queue = escalation_module.outbound_emails_queue_many

    def queue_then_another_writer_records_a_level(**kwargs):
        emails = real_queue(**kwargs)
        Escalation.objects.create(
            followup=first, level=1, recipient_email="x@firm.example", sweep_id=uuid.uuid4()
        )
        return emails

    with mock.patch.object(
        escalation_module, "outbound_emails_queue_many", queue_then_another_writer_records_a_level
    ):
        with pytest.raises(escalation_module.EscalationConflict, match="rolled back"):
            _sweep(DUE)
    assert OutboundEmail.objects.count() == 0
    assert Activity.objects.filter(kind=ActivityKind.ESCALATED).count() == 0
    assert FollowUp.objects.filter(escalation_level=0).count() == 2


def test_sweep_query_count_is_fixed(firm, django_assert_max_num_queries):
    for _ in range(30):
        _followup(firm.earner.user)
        _followup(firm.supervisor.user)
    with django_assert_max_num_queries(25):
        result = _sweep(DUE)
    assert result.escalations == 60


def _queries_of_a_sweep(at: dt.datetime) -> tuple[int, services.SweepResult]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from firm.selectors import cache_clear

    cache_clear()  # each sweep is a task of its own, which loads the calendar afresh
    with CaptureQueriesContext(connection) as queries:
        result = _sweep(at)
    assert result.escalations == result.due > 0
    return len(queries), result


def test_sweep_query_count_does_not_grow_with_followups_or_recipients(firm):
    from routing.models import Member
    from tests.factories import UserFactory

    def owners(count: int, prefix: str):
        return [
            Member.objects.create(
                user=UserFactory(username=f"{prefix}{n}", email=f"{prefix}{n}@firm.example"),
                team=firm.team,
                supervisor=firm.supervisor,
            ).user
            for n in range(count)
        ]

    business_calendar()  # created by the first sweep otherwise, one INSERT more
    # A small sweep: 2 owners, 4 follow-ups, 2 emails.
    for owner in owners(2, "small"):
        _followup(owner, due=DUE)
        _followup(owner, due=DUE)
    small, result = _queries_of_a_sweep(DUE)
    assert (result.due, result.emails) == (4, 2)

    # A sweep 30 times the size, a day later: 12 owners (one out of office), 120
    # follow-ups, one unowned (triage), emails longer than the item cap. (The small
    # sweep's follow-ups are done, so both sweeps send one level: one UPDATE each.)
    FollowUp.objects.update(completed_at=DUE)
    many = owners(12, "many")
    MemberAbsence.objects.create(
        member=Member.objects.get(user=many[0]),
        starts_on=DUE.date(),
        ends_on=DUE.date() + dt.timedelta(days=3),
    )
    later = DUE + dt.timedelta(days=1)
    for number in range(120):
        _followup(many[number % len(many)], due=later, tier="ABC"[number % 3])
    _followup(None, due=later)
    with override_settings(LEADTRACK_ESCALATION_EMAIL_MAX_ITEMS=5):
        large, result = _queries_of_a_sweep(later)
    # 11 owners, the supervisor (covering the absent owner), triage.
    assert (result.due, result.emails) == (121, 13)
    assert large == small


def test_escalate_overdue_command_runs_one_sweep(firm, capsys):
    _followup(firm.earner.user, due=timezone.now() - dt.timedelta(minutes=5))
    call_command("escalate_overdue")
    assert "1 escalation(s) recorded" in capsys.readouterr().out
    call_command("escalate_overdue")
    assert Escalation.objects.count() == 1


def test_escalate_overdue_refuses_a_bad_limit():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="positive"):
        call_command("escalate_overdue", "--limit", "0")


def test_escalation_is_written_on_the_lead_timeline(firm):
    followup = _followup(firm.earner.user, kind=FollowUpKind.FIRST_CONTACT)
    _sweep(DUE)
    entry = Activity.objects.get(lead=followup.lead, kind=ActivityKind.ESCALATED)
    assert "owner reminded" in entry.summary and entry.data["level"] == 1


def test_beat_schedule_has_the_sweep_every_minute_and_the_digests():
    tasks = {task.name: task for task in PeriodicTask.objects.select_related("crontab")}
    sweep = tasks["followups-escalation-sweep"]
    assert sweep.task == "followups.tasks.escalation_sweep" and sweep.enabled
    assert (sweep.crontab.minute, sweep.crontab.hour) == ("*", "*")
    assert "followups-daily-digests" in tasks and "followups-weekly-summaries" in tasks
