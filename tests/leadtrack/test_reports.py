"""Report figures against values worked out by hand on a known data set (see
``report_data``), including out-of-hours arrivals, a weekend and a bank holiday."""

import csv
import datetime as dt
import io

import pytest
import time_machine

from followups.models import FollowUp
from leadtrack.reports import REPORTS
from leadtrack.reports.base import ReportFilterForm
from leadtrack.reports.expressions import PercentileCont
from tests.factories import LeadFactory, UserFactory
from tests.leadtrack import report_data

NOW = dt.datetime(2026, 6, 10, 12, 0, tzinfo=report_data.LONDON)


@pytest.fixture
def data(db):
    with time_machine.travel(NOW, tick=False):
        yield report_data.build()


@pytest.fixture
def partner(db):
    return UserFactory(username="partner", is_superuser=True)


def run(slug: str, user, group_by: str = "", **filters):
    report = REPORTS[slug]
    query = {"arrived_from": "2026-05-01", "arrived_to": "2026-05-31", "group_by": group_by}
    query.update(filters)
    form = report.filter_form(query)
    result = report.run(user=user, filters=report.filters(form))
    return result, {row["label"]: row for row in result.rows}


def test_percentile_matches_percentile_cont_interpolation():
    aggregate = PercentileCont()
    for value in (86400, 1800, 46800):
        aggregate.step(value, 0.9)
    assert aggregate.finalize() == pytest.approx(78480)


def test_response_time_by_hours_counts_weekends_evenings_and_bank_holidays_as_out_of_hours(
    data, partner
):
    _, rows = run("response-time", partner, group_by="hours")
    working, out = rows["Working hours"], rows["Out of hours"]
    # Working: L1 1 h, L4 2 h, L5 not answered.
    assert (working["enquiries"], working["responded"], working["awaiting"]) == (3, 2, 1)
    assert working["p50"] == pytest.approx(5400, abs=1)
    assert working["p90"] == pytest.approx(6840, abs=1)
    assert working["within_target"] == 1.0
    # Out of hours: L6 (Saturday) 30 min, L2 (evening) 13 h, L3 (bank holiday) 24 h.
    assert (out["enquiries"], out["responded"], out["awaiting"]) == (3, 3, 0)
    assert out["p50"] == pytest.approx(46800, abs=1)
    assert out["p90"] == pytest.approx(78480, abs=1)
    # Each answered before its first-contact follow-up fell due (L2 and L3 were due the
    # next working morning, L6 later still): the policy's target, not a fixed 4 hours.
    assert out["within_target"] == 1.0


def test_within_target_is_the_first_contact_policy_not_a_fixed_number_of_hours(partner):
    """A tier-A lead due a first contact one working hour after arrival and answered after
    two is late, though two hours is inside the old four-hour figure; a lead with no
    first-contact follow-up has no target and is left out of the share."""
    arrived = dt.datetime(2026, 5, 12, 10, 0, tzinfo=report_data.LONDON)
    late = LeadFactory(
        tier="A", arrived_at=arrived, first_response_at=arrived + dt.timedelta(hours=2)
    )
    FollowUp.objects.create(
        lead=late,
        stage="new",
        kind="first_contact",
        owner=partner,
        due_at=arrived + dt.timedelta(hours=1),
        completed_at=arrived + dt.timedelta(hours=2),
    )
    LeadFactory(tier="A", arrived_at=arrived, first_response_at=arrived + dt.timedelta(hours=2))
    _, rows = run("response-time", partner, group_by="tier")
    row = next(iter(rows.values()))
    assert row["responded"] == 2
    assert row["within_target"] == 0.0


def test_response_time_is_measured_from_arrival_not_record_creation(data, partner):
    _, rows = run("response-time", partner, group_by="channel")
    # Captured a day after arrival; measured from arrival, L1 took 1 h and L2 13 h.
    assert rows["Web form"]["p50"] == pytest.approx((3600 + 46800) / 2, abs=1)
    assert rows["Email"]["p50"] == pytest.approx((86400 + 7200) / 2, abs=1)
    assert rows["Referral"]["p50"] is None
    assert rows["Referral"]["awaiting"] == 1


def test_response_time_by_owner_and_tier(data, partner):
    _, by_owner = run("response-time", partner, group_by="owner")
    assert by_owner["Alice Able"]["p50"] == pytest.approx(3600, abs=1)
    assert by_owner["(unowned)"]["enquiries"] == 1
    _, by_tier = run("response-time", partner, group_by="tier")
    assert by_tier["Tier A"]["p50"] == pytest.approx(3600, abs=1)  # 30 min, 1 h, 24 h


def test_conversion_by_channel_referrer_and_campaign(data, partner):
    _, rows = run("conversion", partner, group_by="channel")
    web = rows["Web form"]
    assert (web["enquiries"], web["won"], web["lost"], web["open"]) == (2, 1, 1, 0)
    assert web["conversion"] == 0.5
    assert web["won_value"] == 10000
    assert rows["Email"]["won_value"] == 5000
    assert rows["Phone"]["disqualified"] == 1
    _, referrers = run("conversion", partner, group_by="referrer")
    assert referrers["Smith & Co"]["enquiries"] == 1
    assert referrers["(not a referral)"]["enquiries"] == 5
    _, campaigns = run("conversion", partner, group_by="campaign")
    assert campaigns["spring"]["enquiries"] == 2
    assert campaigns["(not set)"]["enquiries"] == 4


def test_velocity_time_in_each_status_and_funnel(data, partner):
    result, rows = run("velocity", partner, group_by="tier")
    assert rows["Tier A"]["to_won"] == pytest.approx(15 * 86400, abs=1)
    assert (rows["Tier A"]["won"], rows["Tier A"]["lost"]) == (2, 1)
    in_status = {row["label"]: row for row in result.extra_tables[0].rows}
    tier_a = in_status["Tier A"]
    assert tier_a["new"] == pytest.approx(3600, abs=1)  # 1 h, 2 h, 30 min
    assert tier_a["assigned"] == pytest.approx((3600 + 86400) / 2, abs=1)
    assert tier_a["contacted"] == pytest.approx(15 * 86400 - 7200, abs=1)
    assert tier_a["meeting"] == pytest.approx(14 * 86400 - 7200, abs=1)
    assert in_status["Tier B"]["new"] == pytest.approx(3 * 3600, abs=1)
    assert in_status["Tier B"]["assigned"] == pytest.approx(15 * 86400 - 3 * 3600, abs=1)
    assert in_status["Tier C"]["new"] == pytest.approx(5 * 3600, abs=1)
    funnel = {row["label"]: row["reached"] for row in result.extra_tables[1].rows}
    assert funnel == {
        "New": 6,
        "Assigned": 4,
        "Contacted": 3,
        "Meeting": 2,
        "Proposal": 2,
        "Won": 2,
    }


def test_team_performance_per_owner(data, partner):
    _, rows = run("team", partner)
    alice = rows["Alice Able"]
    assert (alice["owned"], alice["won"], alice["lost"], alice["open"]) == (3, 1, 2, 0)
    assert alice["first_response"] == pytest.approx(3600, abs=1)
    assert alice["won_value"] == 10000
    assert alice["conversion"] == pytest.approx(1 / 3)
    assert (alice["followups_on_time"], alice["followups_late"]) == (1, 1)
    assert (alice["followups_overdue"], alice["escalated"]) == (1, 1)
    assert rows["Bob Baker"]["followups_on_time"] == 1


def test_qualification_quality_tier_against_outcome(data, partner):
    _, rows = run("qualification", partner, group_by="tier")
    assert rows["Tier A"]["conversion"] == pytest.approx(2 / 3)
    assert rows["Tier B"]["conversion"] == 0
    assert rows["Tier C"]["conversion"] is None
    assert rows["Tier C"]["open"] == 1


def test_date_range_is_inclusive_in_london_time(data, partner):
    _, rows = run(
        "conversion",
        partner,
        group_by="channel",
        arrived_from="2026-05-25",
        arrived_to="2026-05-25",
    )
    assert list(rows) == ["Email"]
    assert rows["Email"]["enquiries"] == 1


def test_fee_earner_reports_count_only_their_team(data):
    from django.contrib.auth.models import Permission

    data["alice"].user_permissions.add(Permission.objects.get(codename="view_lead"))
    _, rows = run("conversion", data["alice"], group_by="channel")
    assert sum(row["enquiries"] for row in rows.values()) == 3  # L1, L2, L6


def test_report_pages_render_chart_table_and_csv(data, admin_client, django_assert_max_num_queries):
    for slug in REPORTS:
        with django_assert_max_num_queries(12):
            response = admin_client.get(
                f"/admin/reports/{slug}/",
                {"arrived_from": "2026-05-01", "arrived_to": "2026-05-31"},
            )
        assert response.status_code == 200, slug
        body = response.content.decode()
        assert "<svg" in body and "<table" in body
        assert "<script" not in body.split('id="content-main"')[1]
    response = admin_client.get(
        "/admin/reports/conversion/",
        {"arrived_from": "2026-05-01", "arrived_to": "2026-05-31", "format": "csv"},
    )
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table[0][:3] == ["Channel", "Enquiries", "Qualified"]
    assert ["Web form", "2", "2", "1", "1", "0", "0", "0.5000", "10000.00"] in table


def test_bad_filters_are_reported_and_defaults_used(data, admin_client):
    response = admin_client.get(
        "/admin/reports/conversion/", {"arrived_from": "2026-05-31", "arrived_to": "2026-05-01"}
    )
    assert response.status_code == 200
    assert "is before" in response.content.decode()
    assert admin_client.get("/admin/reports/no-such-report/").status_code == 404


def test_filter_form_rejects_reversed_range():
    form = ReportFilterForm(
        {"arrived_from": "2026-05-31", "arrived_to": "2026-05-01"}, dimensions=[]
    )
    assert not form.is_valid()


def test_practice_area_filter_and_grouping(data, partner):
    _, rows = run("conversion", partner, group_by="channel", practice_area=data["employment"].pk)
    assert {label: row["enquiries"] for label, row in rows.items()} == {"Web form": 2, "Email": 1}
    _, by_area = run("velocity", partner, group_by="practice_area")
    assert by_area["Commercial"]["won"] == 1 and by_area["Commercial"]["lost"] == 1
    assert by_area["(no practice area)"]["leads"] == 1  # L5


def test_model_tier_against_outcome_and_overrides_by_model_version(data, partner):
    result, by_model_tier = run("qualification", partner, group_by="model_tier")
    # The model said B for L1 (won after a person raised it), L2 (lost).
    assert by_model_tier["Tier B"]["conversion"] == 0.5
    overrides = {row["label"]: row for row in result.extra_tables[0].rows}
    v1, v2 = overrides["v1 Launch"], overrides["v2 Spring"]
    assert (v1["results"], v1["overridden"], v1["raised"], v1["lowered"]) == (4, 1, 1, 0)
    assert v1["override_rate"] == 0.25
    assert v1["overridden_conversion"] == 1.0
    assert v1["kept_conversion"] == 0.0  # L2 lost, L6 disqualified; L4 still open
    assert (v2["results"], v2["overridden"]) == (1, 0)


def test_the_filter_boxes_show_the_dates_the_report_covers(admin_client):
    with time_machine.travel(NOW, tick=False):
        body = admin_client.get("/admin/reports/response-time/").content.decode()
    assert 'value="2026-06-10"' in body  # arrived to: today
    assert 'value="2026-03-12"' in body  # arrived from: 90 days before


def test_chart_counts_are_whole_numbers():
    from leadtrack.reports.base import as_count

    assert as_count(2.0) == "2"
    assert as_count(1234) == "1,234"
    assert as_count(None) == "0"


def test_lateness_is_charged_to_whoever_held_the_follow_up_when_it_fell_due(partner):
    """Alice let it go overdue; it was reassigned to Bob, who did it: late for Alice."""
    from followups.services import followups_reassign

    alice = UserFactory(username="alice2", first_name="Alice", last_name="Able")
    bob = UserFactory(username="bob2", first_name="Bob", last_name="Baker")
    arrived = dt.datetime(2026, 5, 12, 10, 0, tzinfo=report_data.LONDON)
    lead = LeadFactory(arrived_at=arrived, owner=alice)
    followup = FollowUp.objects.create(
        lead=lead, stage="new", kind="first_contact", owner=alice, due_at=arrived
    )
    with time_machine.travel(arrived + dt.timedelta(days=1), tick=False):
        lead.owner = bob
        followups_reassign(lead=lead, owner=bob)
    followup.refresh_from_db()
    assert followup.owner == bob and followup.owner_when_due == alice
    FollowUp.objects.filter(pk=followup.pk).update(completed_at=arrived + dt.timedelta(days=2))
    _, rows = run("team", partner)
    assert rows["Alice Able"]["followups_late"] == 1
    assert rows["Bob Baker"].get("followups_late", 0) == 0
