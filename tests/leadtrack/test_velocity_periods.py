"""The pipeline velocity report reads the status periods; its figures must be the ones it
gave when it read the timeline. The timeline query it replaced is kept here as the
reference, and both run on leads moved through ``lead_change_status`` (steps back,
losses, reopenings, a merge with a lead from before the range), for a partner and for a
fee earner who sees only their team's leads, grouped by tier and by practice area; and on
``generate_demo_data``'s leads."""

import datetime as dt
import random
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from leads.choices import ActivityKind, Status
from leads.models import Activity, Lead, StatusPeriod
from leads.services import lead_change_status, lead_merge
from leads.statuses import FORWARD_PATH, allowed_transitions, transition_needs_reason
from leadtrack.reports import REPORTS
from leadtrack.reports.expressions import SQLITE_PERCENTILE
from leadtrack.reports.hours import LONDON
from leadtrack.reports.velocity import OPEN_PATH, VelocityReport
from qualification.models import PracticeArea, QualificationModel
from routing.models import Member, Team
from tests.factories import LeadFactory, QualificationResultFactory, UserFactory

pytestmark = pytest.mark.django_db

REFERENCE_SQL = {
    "postgresql": {
        "seconds": "date_part('epoch', {end} - {start})",
        "json": "{column}->>'{key}'",
        "timestamp": "({value})::timestamptz",
        "median": "percentile_cont(0.5) WITHIN GROUP (ORDER BY {value})",
    },
    "sqlite": {
        "seconds": "((julianday({end}) - julianday({start})) * 86400.0)",
        "json": "json_extract({column}, '$.{key}')",
        "timestamp": "{value}",
        "median": SQLITE_PERCENTILE + "({value}, 0.5)",
    },
}


def _sql(name: str, **parts: str) -> str:
    return REFERENCE_SQL[connection.vendor][name].format(**parts)


class TimelineVelocityReport(VelocityReport):
    """The report as it was before status periods (``e139f3b``): time in status and the
    funnel from the ``status_changed`` timeline entries' JSON."""

    def timeline_tables(self, *, leads, filters, total: int):
        scoped_sql, params = (
            self._grouped_leads(leads, filters)
            .values(grp=F("_group"), lead_id=F("pk"), arrived=F("arrived_at"))
            .query.sql_with_params()
        )
        from_status = _sql("json", column="a.data", key="from")
        to_status = _sql("json", column="a.data", key="to")
        since = _sql("timestamp", value=_sql("json", column="a.data", key="since"))
        stage_case = " ".join(
            f"WHEN '{status.value}' THEN {index}" for index, status in enumerate(FORWARD_PATH)
        )
        medians = ", ".join(
            _sql("median", value="c.seconds") + f" FILTER (WHERE c.from_status = '{status}')"
            for status in OPEN_PATH
        )
        empty = ", ".join("NULL" for _ in OPEN_PATH[1:])
        sql = f"""
            WITH changes AS (
                SELECT s.grp AS grp, a.lead_id AS lead_id, {from_status} AS from_status,
                       CASE {to_status} {stage_case} END AS stage,
                       {_sql("seconds", end="a.at", start=since)} AS seconds
                FROM leads_activity a JOIN ({scoped_sql}) s ON s.lead_id = a.lead_id
                WHERE a.kind = %s AND a.at >= %s
            )
            SELECT 'status', c.grp, NULL, {medians} FROM changes c GROUP BY c.grp
            UNION ALL
            SELECT 'stage', NULL, per_lead.furthest, COUNT(*), {empty} FROM (
                SELECT COALESCE(MAX(c.stage), 0) AS furthest FROM changes c GROUP BY c.lead_id
            ) per_lead GROUP BY per_lead.furthest
        """  # noqa: S608
        # The range's start as the database stores times (on SQLite, UTC text).
        start = connection.ops.adapt_datetimefield_value(filters.start)
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, ActivityKind.STATUS_CHANGED.value, start])
            results = cursor.fetchall()
        by_group: dict[Any, dict[str, Any]] = {}
        furthest: dict[int, int] = {}
        for part, group, stage, *values in results:
            if part == "status":
                row = by_group.setdefault(group, {"group": group})
                row.update(zip((status.value for status in OPEN_PATH), values, strict=True))
            else:
                furthest[stage] = int(values[0])
        reached = {
            index: sum(n for k, n in furthest.items() if k >= index)
            for index in range(1, len(FORWARD_PATH))
        }
        return self._time_in_status(by_group, filters), self._funnel(reached, total)


def london(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=LONDON)


def move(lead: Lead, status: str, at: dt.datetime) -> Lead:
    reason = "Because" if transition_needs_reason(lead.status, status) else ""
    with time_machine.travel(at, tick=False):
        won = {"agreed_fee": "3000", "matter_reference": "M-7"} if status == Status.WON else {}
        return lead_change_status(lead=lead, status=status, reason=reason, **won)


def wander(lead: Lead, chooser: random.Random, steps: int) -> Lead:
    """Random allowed changes, hours to days apart."""
    at = lead.arrived_at
    for _ in range(steps):
        choices = sorted(allowed_transitions(lead.status))
        if not choices:
            break
        at += dt.timedelta(hours=chooser.uniform(0.2, 200))
        lead = move(lead, chooser.choice(choices), at)
    return lead


@pytest.fixture
def firm(db):
    """Forty leads around May 2026 in two teams, some qualified in two practice areas,
    moved at random along the allowed transitions; two merges, one with a lead (and its
    changes) from before May."""
    chooser = random.Random(8)
    employment_team, property_team = Team.objects.create(name="E"), Team.objects.create(name="P")
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    Member.objects.create(user=alice, team=employment_team)
    Member.objects.create(user=bob, team=property_team)
    areas = [
        PracticeArea.objects.create(name="Employment", slug="employment"),
        PracticeArea.objects.create(name="Property", slug="property"),
    ]
    model = QualificationModel.objects.create(version=1, name="Launch")
    leads = []
    for number in range(40):
        arrived = london(4, 20) + dt.timedelta(hours=chooser.uniform(0, 24 * 45))
        tier = chooser.choice(["A", "B", "C", None])
        lead = LeadFactory(arrived_at=arrived, tier=tier, owner=chooser.choice([alice, bob, None]))
        if tier and number % 3:
            QualificationResultFactory(
                lead=lead, model_version=model, practice_area=chooser.choice(areas), tier=tier
            )
        leads.append(wander(lead, chooser, chooser.randint(0, 7)))
    in_may = [lead for lead in leads if lead.arrived_at >= london(5, 1, 0)]
    before_may = [lead for lead in leads if lead.arrived_at < london(4, 25)]
    with time_machine.travel(london(6, 20), tick=False):
        lead_merge(keep=in_may[0], merge=before_may[0], actor=None)
        lead_merge(keep=in_may[1], merge=in_may[2], actor=None)
    return {"alice": alice, "bob": bob, "areas": areas}


def tables(report, user, **query):
    form = report.filter_form({"arrived_from": "2026-05-01", "arrived_to": "2026-05-31", **query})
    result = report.run(user=user, filters=report.filters(form))
    return result.rows, [table.rows for table in result.extra_tables]


def assert_same_figures(user, **query):
    rows, (in_status, funnel) = tables(REPORTS["velocity"], user, **query)
    old_rows, (old_in_status, old_funnel) = tables(TimelineVelocityReport(), user, **query)
    assert rows == old_rows
    assert funnel == old_funnel
    assert [row["label"] for row in in_status] == [row["label"] for row in old_in_status]
    for row, old in zip(in_status, old_in_status, strict=True):
        for status in OPEN_PATH:
            # The timeline query computed seconds from text (julianday on SQLite).
            assert row[status] == pytest.approx(old[status], abs=1e-3), (row["label"], status)
    return in_status, funnel


def test_the_data_set_has_what_the_comparison_needs(firm):
    in_range = Lead.objects.filter(arrived_at__gte=london(5, 1, 0), arrived_at__lt=london(6, 1, 0))
    changed = StatusPeriod.objects.filter(lead__in=in_range)
    assert changed.filter(stage__isnull=True).exists()  # a loss or disqualification
    assert changed.filter(status__in=[Status.LOST, Status.DISQUALIFIED]).exists()  # reopened
    # A merged-in lead's change from before the range, now on a lead in the range.
    assert changed.filter(ended_at__lt=london(5, 1, 0)).exists()


# From May a lead merged in brings changes from April (read again since the range began);
# from April there is nothing from before the range (one query, the stored stages).
RANGES = pytest.mark.parametrize("arrived_from", ["2026-05-01", "2026-04-01"])


@RANGES
@pytest.mark.parametrize("group_by", ["tier", "practice_area"])
def test_figures_equal_the_timeline_query_for_a_partner(firm, group_by, arrived_from):
    partner = UserFactory(username="partner", is_superuser=True)
    in_status, funnel = assert_same_figures(partner, group_by=group_by, arrived_from=arrived_from)
    assert in_status and funnel[1]["reached"] > 0


@RANGES
@pytest.mark.parametrize("group_by", ["tier", "practice_area"])
def test_figures_equal_the_timeline_query_for_a_fee_earner(firm, group_by, arrived_from):
    assert_same_figures(firm["bob"], group_by=group_by, arrived_from=arrived_from)


def test_figures_equal_the_timeline_query_for_one_practice_area(firm):
    partner = UserFactory(username="partner", is_superuser=True)
    assert_same_figures(partner, group_by="tier", practice_area=firm["areas"][0].pk)


def test_generated_periods_match_their_timeline_and_give_the_same_figures(db):
    call_command("load_demo_firm", stdout=None, verbosity=0)
    call_command("generate_demo_data", leads=400, days=120, stdout=None)
    changes = Activity.objects.filter(kind=ActivityKind.STATUS_CHANGED).order_by(
        "lead_id", "at", "pk"
    )
    periods = StatusPeriod.objects.select_related("lead").order_by("lead_id", "ended_at", "pk")
    assert changes.count() == periods.count() > 400
    for entry, period in zip(changes, periods, strict=True):
        since = dt.datetime.fromisoformat(entry.data["since"])
        assert (period.lead_id, period.status, period.started_at, period.ended_at) == (
            entry.lead_id,
            entry.data["from"],
            since,
            entry.at,
        )
        assert period.lead_arrived_at == period.lead.arrived_at
        assert period.seconds == (entry.at - since).total_seconds()
        to = entry.data["to"]
        assert period.stage == (FORWARD_PATH.index(to) if to in FORWARD_PATH else None)
    partner = UserFactory(username="partner", is_superuser=True)
    today = timezone.localdate()
    for group_by in ("tier", "practice_area"):
        assert_same_figures(
            partner,
            group_by=group_by,
            arrived_from=str(today - dt.timedelta(days=90)),
            arrived_to=str(today),
        )


def period_queries(user, **query) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        tables(REPORTS["velocity"], user, **query)
    return [entry["sql"] for entry in captured if "leads_statusperiod" in entry["sql"]]


def test_changes_merged_in_from_before_the_range_are_left_out_by_a_second_query(firm):
    partner = UserFactory(username="partner", is_superuser=True)
    # May: a lead merged in brought changes from April, so the periods are read again,
    # since the range began.
    first, second = period_queries(partner, group_by="tier")
    assert "ROW_NUMBER() OVER lead" in second and "ROW_NUMBER()" not in first
    # From April: nothing from before the range, one query.
    assert len(period_queries(partner, group_by="tier", arrived_from="2026-04-01")) == 1


def test_a_group_with_only_changes_from_before_the_range_is_not_shown(db):
    partner = UserFactory(username="partner", is_superuser=True)
    earlier = LeadFactory(arrived_at=london(4, 20), tier="C")
    earlier = move(earlier, Status.ASSIGNED, london(4, 21))
    move(earlier, Status.CONTACTED, london(4, 22))
    kept = LeadFactory(arrived_at=london(5, 10), tier="C")
    other = LeadFactory(arrived_at=london(5, 11), tier="A")
    move(other, Status.ASSIGNED, london(5, 12))
    with time_machine.travel(london(5, 20), tick=False):
        lead_merge(keep=kept, merge=earlier, actor=None)

    in_status, funnel = assert_same_figures(partner, group_by="tier")

    assert [row["label"] for row in in_status] == ["Tier A"]
    assert [row["reached"] for row in funnel[:3]] == [2, 1, 0]
