"""The lead list sorted by owner reads the owners' names once and sorts by each owner's
place among them: the same order as sorting by the name through the join, both ways,
names shared by two people and leads nobody owns included; and a valid phone number is
searched as a phone only, while other phone-like terms still search references."""

import pytest

from leads.models import Lead
from tests.factories import ContactFactory, LeadFactory, UserFactory

LIST_URL = "/admin/leads/lead/"


@pytest.fixture
def owned(people):
    another_sam = UserFactory(username="sam.second", first_name="Sam", last_name="Second")
    owners = [people["earner"], people["colleague"], people["outsider"], another_sam, None]
    return [LeadFactory(owner=owners[i % len(owners)]) for i in range(15)]


def owner_column(client) -> int:
    page = client.get(LIST_URL)
    return list(page.context["cl"].list_display).index("owner_name")


@pytest.mark.parametrize("descending", [False, True])
def test_the_sort_by_owner_keeps_the_order_by_name(people, client, owned, descending):
    client.force_login(people["partner"])
    column = owner_column(client)
    page = client.get(LIST_URL, {"o": f"-{column}" if descending else str(column)})
    shown = [lead.pk for lead in page.context["cl"].result_list]
    by_name = "-owner__first_name" if descending else "owner__first_name"
    expected = list(Lead.objects.order_by(by_name, "-pk").values_list("pk", flat=True))
    assert shown == expected


def test_the_sort_by_owner_reads_the_names_in_one_query(
    people, client, owned, django_assert_max_num_queries
):
    client.force_login(people["partner"])
    column = owner_column(client)
    client.get(LIST_URL)
    with django_assert_max_num_queries(30) as default:
        client.get(LIST_URL)
    with django_assert_max_num_queries(len(default.captured_queries) + 1):
        client.get(LIST_URL, {"o": str(column)})


def test_a_valid_number_is_a_phone_and_a_references_digits_are_still_words(people, client):
    wanted = LeadFactory(contact=ContactFactory(name="Rachel Osei", phone="+442079460123"))
    other = LeadFactory(contact=ContactFactory(name="Sam Patel", phone="+447700900456"))
    client.force_login(people["partner"])
    page = client.get(LIST_URL, {"q": "020 7946 0123"}).content.decode()
    assert wanted.reference in page and other.reference not in page
    digits = other.reference.split("-", 1)[1]
    page = client.get(LIST_URL, {"q": digits}).content.decode()
    assert other.reference in page
