"""The lead list: the default columns (reference, arrived, enquirer, matter, tier, status,
owner by full name, next action due), Django's wording replaced, and personal saved
views: a person saves their filters and column choice, opens them again, shares one
with their team, and deletes only their own. A shared view shows each person only the
leads they may see. Query count fixed whatever the number of rows or views."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leads.choices import Status
from leadtrack.models import SavedView
from leadtrack.saved_views import saved_view_save, saved_views_for
from qualification.models import PracticeArea, QualificationModel
from tests.factories import ContactFactory, LeadFactory, QualificationResultFactory

pytestmark = pytest.mark.django_db
LIST_URL = "/admin/leads/lead/"


def headings(html: str) -> list[str]:
    table = html.index('id="result_list"')
    head = html[table : html.index("</thead>", table)]
    return [
        cell.split(">", 1)[1].split("<", 1)[0].strip()
        for cell in head.split('<div class="text">')[1:]
        if ">" in cell
    ]


def test_the_default_columns_and_wording(people, client):
    lead = LeadFactory(
        owner=people["earner"],
        tier="A",
        status=Status.CONTACTED,
        subject="Unfair dismissal",
        contact=ContactFactory(name="Rachel Turner", organisation="Turner Design Ltd"),
        next_action_due_at=timezone.now() + dt.timedelta(hours=3),
    )
    area = PracticeArea.objects.create(name="Employment", slug="employment")
    QualificationResultFactory(
        lead=lead,
        model_version=QualificationModel.objects.create(version=1, name="Launch"),
        practice_area=area,
        tier="A",
    )
    client.force_login(people["partner"])
    html = client.get(LIST_URL).content.decode()
    text = " ".join(headings(html)).lower()
    for heading in ("arrived", "enquirer", "matter", "tier", "status", "owner", "next action"):
        assert heading in text
    row = html[html.index(lead.reference) :]
    for shown in ("Rachel Turner", "Turner Design Ltd", "Employment", "Unfair dismissal"):
        assert shown in row
    assert "Tom Earner" in row and "tom.earner" not in row
    assert "Select lead to change" not in html
    assert "<h1>Leads</h1>" in html
    assert "Leads › Leads" not in html.replace("&rsaquo;", "›")
    # The owner filter names the leads nobody owns in words.
    assert "Nobody (unowned)</a>" in html


def test_a_person_saves_and_reopens_a_view_with_their_columns(people, client):
    earner = people["earner"]
    LeadFactory(owner=earner, tier="A", estimated_value=4700)
    client.force_login(earner)
    response = client.post(
        reverse("admin:leads_lead_saved_view_save"),
        {
            "name": "My tier A",
            "query": "tier__exact=A&p=3",
            "columns": ["reference", "enquirer", "likely_fee"],
        },
    )
    view = SavedView.objects.get(owner=earner)
    assert (view.name, view.query, view.columns, view.shared) == (
        "My tier A",
        "tier__exact=A",
        ["reference", "enquirer", "likely_fee"],
        False,
    )
    assert response.url == f"{LIST_URL}?tier__exact=A"
    html = client.get(response.url).content.decode()
    assert headings(html)[-1].lower() == "likely fee" and "£4,700" in html
    assert "Owner" not in headings(html)
    # Opened again another day: the filters and the columns come back.
    client.post(reverse("admin:leads_lead_saved_view_default"), {"query": ""})
    assert "owner" in " ".join(headings(client.get(LIST_URL).content.decode())).lower()
    opened = client.get(reverse("admin:leads_lead_saved_view_open", args=[view.pk]))
    assert opened.url == f"{LIST_URL}?tier__exact=A"
    assert "likely fee" in " ".join(headings(client.get(opened.url).content.decode())).lower()


def test_a_shared_view_is_offered_to_the_team_only(people):
    mine = saved_view_save(
        owner=people["earner"], name="Tier A", query="tier__exact=A", columns=[], shared=True
    )
    private = saved_view_save(
        owner=people["earner"], name="Mine", query="view=mine", columns=[], shared=False
    )
    assert set(saved_views_for(people["colleague"])) == {mine}
    assert set(saved_views_for(people["outsider"])) == set()
    assert set(saved_views_for(people["earner"])) == {mine, private}


def test_others_cannot_open_a_private_view_or_delete_a_shared_one(people, client):
    private = saved_view_save(
        owner=people["earner"], name="Mine", query="view=mine", columns=[], shared=False
    )
    shared = saved_view_save(owner=people["earner"], name="Team", query="", columns=[], shared=True)
    client.force_login(people["colleague"])
    assert (
        client.get(reverse("admin:leads_lead_saved_view_open", args=[private.pk])).status_code
        == 404
    )
    refused = client.post(reverse("admin:leads_lead_saved_view_delete", args=[shared.pk]))
    assert refused.status_code == 403
    assert SavedView.objects.filter(pk=shared.pk).exists()
    client.force_login(people["earner"])
    client.post(reverse("admin:leads_lead_saved_view_delete", args=[shared.pk]))
    assert not SavedView.objects.filter(pk=shared.pk).exists()


def test_a_shared_view_shows_each_person_only_the_leads_they_may_see(people, client):
    ours = LeadFactory(owner=people["earner"], tier="A")
    theirs = LeadFactory(owner=people["outsider"], tier="A")
    view = saved_view_save(
        owner=people["partner"], name="Tier A", query="tier__exact=A", columns=[], shared=True
    )
    client.force_login(people["earner"])
    opened = client.get(reverse("admin:leads_lead_saved_view_open", args=[view.pk]), follow=True)
    html = opened.content.decode()
    assert ours.reference in html and theirs.reference not in html


def test_a_view_needs_a_name(people, client):
    client.force_login(people["earner"])
    response = client.post(
        reverse("admin:leads_lead_saved_view_save"), {"name": " ", "query": ""}, follow=True
    )
    assert "Give the view a name." in response.content.decode()
    assert not SavedView.objects.exists()


def test_the_list_costs_the_same_queries_for_few_or_many_rows_and_views(people, client):
    client.force_login(people["earner"])
    LeadFactory(owner=people["earner"])
    client.get(LIST_URL)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST_URL)
    LeadFactory.create_batch(30, owner=people["colleague"], tier="B")
    for number in range(5):
        saved_view_save(
            owner=people["colleague"], name=f"View {number}", query="", columns=[], shared=True
        )
    with CaptureQueriesContext(connection) as many:
        client.get(LIST_URL)
    assert len(many) == len(few)


def test_the_leads_other_pages_say_leads_once_in_their_breadcrumbs(people, client):
    lead = LeadFactory(owner=people["earner"])
    client.force_login(people["partner"])
    for url in (
        reverse("admin:leads_lead_history", args=[lead.pk]),
        reverse("admin:leads_lead_log_phone"),
        reverse("admin:leads_lead_reassign", args=[lead.pk]),
    ):
        html = client.get(url).content.decode().replace("&rsaquo;", "›")
        crumbs = html[html.index('class="breadcrumbs"') :]
        crumbs = crumbs[: crumbs.index("</div>")]
        assert "Leads › Leads" not in crumbs, url
        assert "Leads" in crumbs, url


@pytest.mark.parametrize(
    "query",
    ["", "?q=Hartley", "owner"],
    ids=["first page", "search", "owner filter"],
)
def test_the_list_costs_the_same_queries_whatever_the_page_size(people, client, query):
    from django.contrib import admin

    from leads.models import Lead

    client.force_login(people["partner"])
    for number in range(30):
        contact = ContactFactory(name=f"Anna Hartley {number}")
        LeadFactory(contact=contact, owner=people["earner"])
    url = LIST_URL + (f"?owner__id__exact={people['earner'].pk}" if query == "owner" else query)
    lead_admin = admin.site._registry[Lead]
    counts = {}
    try:
        for rows in (5, 25, 100):
            lead_admin.list_per_page = rows
            client.get(url)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200
            assert response.content.count(b'name="_selected_action"') == min(rows, 30)
            counts[rows] = len(captured)
    finally:
        lead_admin.list_per_page = 50
    assert len(set(counts.values())) == 1, counts


def test_a_count_that_stops_says_more_than(people, client, monkeypatch):
    from leadtrack import lead_admin

    monkeypatch.setattr(lead_admin.EstimatedCountPaginator, "count_limit", 3)
    monkeypatch.setattr(lead_admin.SearchCountPaginator, "count_limit", 2)
    client.force_login(people["partner"])
    for number in range(5):
        LeadFactory(contact=ContactFactory(name=f"Anna Hartley {number}"))
    html = client.get(LIST_URL).content.decode()
    if connection.vendor == "postgresql":
        return  # PostgreSQL counts exactly below its estimate's limit
    assert "More than 3 leads" in html
    assert "The list stops counting at 3" in html
    searched = client.get(LIST_URL + "?q=Hartley").content.decode()
    assert "More than 2 leads" in searched
