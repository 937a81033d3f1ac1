"""Open follow-ups made before due times were kept inside working hours: the operator
command moves each one due outside the hours to the next working moment, through the
follow-ups service, on the lead's timeline; calendar-time and completed ones stay."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from firm.calendar import LONDON
from followups import services
from followups.models import FollowUp
from leads.choices import ActivityKind, Status
from leads.models import Activity
from tests.factories import LeadFactory, UserFactory

pytestmark = pytest.mark.django_db

# Wednesday 2 December 2026, 08:00 in London: the firm opens at 09:00 (Mon-Fri to 17:30).
NOW = dt.datetime(2026, 12, 2, 8, 0, tzinfo=LONDON)


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def _followup(lead, due_at, **extra) -> FollowUp:
    return FollowUp.objects.create(
        lead=lead,
        stage="new",
        kind="first_contact",
        owner=lead.owner,
        due_at=due_at,
        next_escalation_at=due_at,
        **extra,
    )


@pytest.fixture
def followups():
    owner = UserFactory(username="owner")
    lead = LeadFactory(owner=owner, status=Status.ASSIGNED)
    return {
        "lead": lead,
        "evening": _followup(lead, london(2026, 12, 1, 22, 7)),  # Tue 22:07, past
        "saturday": _followup(LeadFactory(owner=owner), london(2026, 12, 5, 10, 0)),
        "inside": _followup(LeadFactory(owner=owner), london(2026, 12, 2, 13, 0)),
        "closing": _followup(LeadFactory(owner=owner), london(2026, 12, 2, 17, 30)),
        "calendar": _followup(
            LeadFactory(owner=owner), london(2026, 12, 2, 22, 0), counts_calendar_time=True
        ),
        "done": _followup(LeadFactory(owner=owner), london(2026, 12, 1, 20, 0), completed_at=NOW),
    }


@time_machine.travel(NOW, tick=False)
def test_open_working_time_follow_ups_outside_hours_move_to_the_next_working_moment(followups):
    moved = services.followups_move_into_hours()
    assert {f.pk for f in moved} == {followups["evening"].pk, followups["saturday"].pk}
    for name, due in {
        "evening": london(2026, 12, 2, 9, 0),  # Wednesday's opening
        "saturday": london(2026, 12, 7, 9, 0),  # Monday's opening
        "inside": london(2026, 12, 2, 13, 0),
        "closing": london(2026, 12, 2, 17, 30),  # by close of business is inside
        "calendar": london(2026, 12, 2, 22, 0),  # its policy counts calendar time
        "done": london(2026, 12, 1, 20, 0),
    }.items():
        followups[name].refresh_from_db()
        assert followups[name].due_at == due, name
    evening = followups["evening"]
    assert evening.next_escalation_at == london(2026, 12, 2, 9, 0)
    evening.lead.refresh_from_db()
    assert evening.lead.next_action_due_at == london(2026, 12, 2, 9, 0)
    entry = Activity.objects.get(lead=evening.lead, data__into_working_hours=True)
    assert entry.kind == ActivityKind.FOLLOWUP_SCHEDULED
    assert entry.summary == (
        "First contact moved into working hours, from Tue 01 Dec 2026 22:07 (the firm was "
        "closed) to Wed 02 Dec 2026 09:00"
    )


@time_machine.travel(NOW, tick=False)
def test_the_command_lists_on_a_dry_run_moves_once_and_finds_nothing_the_second_time(
    followups,
):
    out = StringIO()
    call_command("move_followups_into_hours", "--dry-run", stdout=out)
    assert "2 follow-up(s) due outside working hours; none moved." in out.getvalue()
    followups["evening"].refresh_from_db()
    assert followups["evening"].due_at == london(2026, 12, 1, 22, 7)

    out = StringIO()
    call_command("move_followups_into_hours", stdout=out)
    assert f"{followups['lead'].reference}: First contact now due Wed 02 Dec 2026 09:00" in (
        out.getvalue()
    )
    assert "2 follow-up(s) moved into working hours." in out.getvalue()

    out = StringIO()
    call_command("move_followups_into_hours", stdout=out)
    assert "0 follow-up(s) moved into working hours." in out.getvalue()
    assert Activity.objects.filter(data__into_working_hours=True).count() == 2


@time_machine.travel(NOW, tick=False)
def test_an_escalation_already_scheduled_later_is_kept(followups):
    later = london(2026, 12, 3, 11, 0)
    FollowUp.objects.filter(pk=followups["evening"].pk).update(
        escalation_level=1, next_escalation_at=later
    )
    services.followup_move_into_hours(followup=followups["evening"])
    followups["evening"].refresh_from_db()
    assert followups["evening"].next_escalation_at == later
