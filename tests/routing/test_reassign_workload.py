"""Reassigning shows each member with their open leads against capacity and whether they
can take the lead now (away with their cover, outside their hours), available first and
the least loaded next; in a fixed number of queries whatever the number of leads."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leads.choices import Status
from routing.models import Member, MemberAbsence
from routing.selectors import members_with_workload
from tests.factories import LeadFactory, firm_people

pytestmark = pytest.mark.django_db
# A Wednesday, 11:00 in London (GMT).
WEDNESDAY = dt.datetime(2026, 12, 2, 11, 0, tzinfo=dt.UTC)


@pytest.fixture
def people(db):
    return firm_people()


def test_members_come_with_their_workload_and_availability(people):
    tom, sam, olive = (
        Member.objects.get(user=people[k]) for k in ("earner", "colleague", "outsider")
    )
    LeadFactory.create_batch(3, owner=people["earner"], status=Status.ASSIGNED)
    LeadFactory(owner=people["earner"], status=Status.WON)  # closed: not counted
    LeadFactory(owner=people["colleague"], status=Status.CONTACTED)
    MemberAbsence.objects.create(
        member=olive, starts_on=dt.date(2026, 12, 1), ends_on=dt.date(2026, 12, 4), delegate=sam
    )
    with time_machine.travel(WEDNESDAY, tick=False):
        rows = {row.member.pk: row for row in members_with_workload()}
        order = [row.member.pk for row in members_with_workload()]
    assert rows[tom.pk].workload == "3 open of 25" and rows[tom.pk].available
    assert rows[sam.pk].workload == "1 open of 25"
    assert rows[olive.pk].availability == "away until Fri 4 Dec, cover Sam Colleague"
    assert order == [sam.pk, tom.pk, olive.pk]


def test_outside_working_hours_is_said(people):
    with time_machine.travel(WEDNESDAY.replace(hour=20), tick=False):
        row = next(r for r in members_with_workload() if r.member.user == people["earner"])
    assert not row.available
    assert row.availability == "not working now (Mon–Fri 09:00–17:30)"


def test_the_reassign_page_lists_them_in_that_order(people, client):
    lead = LeadFactory(owner=people["earner"], status=Status.ASSIGNED)
    LeadFactory.create_batch(2, owner=people["earner"], status=Status.ASSIGNED)
    client.force_login(people["partner"])
    url = reverse("admin:leads_lead_reassign", args=[lead.pk])
    with time_machine.travel(WEDNESDAY, tick=False):
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            html = client.get(url).content.decode()
        LeadFactory.create_batch(20, owner=people["colleague"], status=Status.ASSIGNED)
        with CaptureQueriesContext(connection) as many:
            client.get(url)
    assert "Tom Earner · Employment — 3 open of 25, available now" in html
    assert html.index("Sam Colleague") < html.index("Tom Earner · Employment")
    assert len(many) == len(few)
