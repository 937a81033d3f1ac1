"""The dashboard (admin index): each figure right, each a link to the list behind it, and
a fee earner's dashboard counting only their team's leads."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.models import Permission

from leads.choices import ActivityKind, Status
from leadtrack.dashboard import dashboard_build
from leadtrack.reports.hours import LONDON
from routing.models import Member, Team
from tests.factories import ActivityFactory, LeadFactory, UserFactory

# Wednesday 10 June 2026, 12:00 London.
NOW = dt.datetime(2026, 6, 10, 12, 0, tzinfo=LONDON)


@pytest.fixture
def firm(db):
    with time_machine.travel(NOW, tick=False):
        team = Team.objects.create(name="Employment")
        alice = UserFactory(username="alice", first_name="Alice", last_name="Able")
        bob = UserFactory(username="bob", first_name="Bob", last_name="Baker")
        Member.objects.create(user=alice, team=team)
        Member.objects.create(user=bob)
        leads = {
            # Arrived today 09:30, unowned, not answered.
            "today": LeadFactory(arrived_at=NOW.replace(hour=9, minute=30), tier="A"),
            # Arrived Friday 5 June 17:00, alice, overdue follow-up, not answered:
            # working time waited = Fri 30 min + Mon 8.5 h + Tue 8.5 h + Wed 3 h = 20.5 h.
            "friday": LeadFactory(
                arrived_at=dt.datetime(2026, 6, 5, 17, 0, tzinfo=LONDON),
                owner=alice,
                status=Status.ASSIGNED,
                tier="A",
                estimated_value=12000,
                next_action_due_at=NOW - dt.timedelta(hours=2),
            ),
            # Bob's, answered, open, tier B.
            "bob": LeadFactory(
                arrived_at=NOW - dt.timedelta(days=3),
                owner=bob,
                status=Status.CONTACTED,
                tier="B",
                estimated_value=3000,
                first_response_at=NOW - dt.timedelta(days=2),
                next_action_due_at=NOW - dt.timedelta(minutes=5),
            ),
            # Won: not in the open pipeline.
            "won": LeadFactory(
                arrived_at=NOW - dt.timedelta(days=20),
                owner=alice,
                status=Status.WON,
                tier="A",
                estimated_value=50000,
                first_response_at=NOW - dt.timedelta(days=19),
            ),
        }
        ActivityFactory(
            lead=leads["friday"], kind=ActivityKind.ESCALATED, summary="Escalated to supervisor"
        )
        yield {"alice": alice, "bob": bob, "leads": leads}


def figures(board):
    return {figure.label: figure for figure in board.headline}


def test_dashboard_figures_for_a_partner(firm):
    partner = UserFactory(username="partner", is_superuser=True)
    with time_machine.travel(NOW, tick=False):
        board = dashboard_build(user=partner)
    headline = figures(board)
    assert headline["New today"].value == 1
    assert headline["New today"].url.endswith("?arrived_from=2026-06-10")
    assert headline["Unowned (should be zero)"].value == 1
    assert headline["Unowned (should be zero)"].alert
    assert headline["Awaiting first contact"].value == 2
    overdue = {figure.label: figure.value for figure in board.overdue_by_owner}
    assert overdue == {"Alice Able": 1, "Bob Baker": 1}
    statuses = {row["label"]: row for row in board.pipeline_statuses}
    assert statuses["Assigned"]["leads"] == 1 and statuses["Assigned"]["value"] == 12000
    assert board.pipeline_totals["leads"] == 3
    assert board.pipeline_totals["value"] == 15000  # the won lead is not open pipeline
    oldest = board.awaiting[0]
    assert oldest["lead"] == firm["leads"]["friday"]
    assert oldest["waited_working"] == "20.5 h"
    assert [entry.summary for entry in board.escalations] == ["Escalated to supervisor"]


def test_fee_earner_dashboard_counts_only_their_team(firm):
    alice = firm["alice"]
    alice.user_permissions.add(Permission.objects.get(codename="view_lead"))
    with time_machine.travel(NOW, tick=False):
        board = dashboard_build(user=alice)
    headline = figures(board)
    assert headline["Unowned (should be zero)"].value == 0
    assert headline["Awaiting first contact"].value == 1
    assert [figure.label for figure in board.overdue_by_owner] == ["Alice Able"]


def test_every_dashboard_figure_links_to_a_list_showing_that_many_leads(
    firm, admin_client, django_assert_max_num_queries
):
    with time_machine.travel(NOW, tick=False):
        with django_assert_max_num_queries(20):
            page = admin_client.get("/admin/").content.decode()
        links = re.findall(
            r'<a href="(/admin/leads/lead/\?[^"]+)" data-figure="[^"]+">'
            r'<span class="lt-number">(\d+)</span>',
            page,
        )
        assert len(links) == 3
        for url, value in links:
            listing = admin_client.get(url.replace("&amp;", "&")).content.decode()
            assert listing.count('class="action-select"') == int(value), url


def test_each_pipeline_total_links_to_the_open_leads_of_its_tier(firm, admin_client):
    with time_machine.travel(NOW, tick=False):
        partner = UserFactory(username="partner", is_superuser=True)
        board = dashboard_build(user=partner)
        page = admin_client.get("/admin/").content.decode()
        for cell in board.pipeline_totals["cells"]:
            assert f'<a href="{cell["url"].replace("&", "&amp;")}">' in page
            listing = admin_client.get(cell["url"]).content.decode()
            assert listing.count('class="action-select"') == cell["leads"], cell["url"]
