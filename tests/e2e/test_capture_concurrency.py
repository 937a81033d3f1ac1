"""One contact per person and one lead per enquiry under real concurrency: parallel HTTP
requests to a live server on PostgreSQL, released together by a barrier.

Ten captures from one person at once make one contact; the same enquiry posted ten times
at once, or a form double-submitted, makes one lead."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection
from rest_framework.authtoken.models import Token

from leads.choices import ActivityKind
from leads.models import Activity, Contact, InboundMessage, Lead
from tests.factories import UserFactory

PARALLEL = 10


@pytest.fixture
def api(live_server, transactional_db, purge_broker):
    user = UserFactory(username="integration", is_staff=True, is_superuser=True)
    token = Token.objects.create(user=user)

    def post(body: dict, **headers) -> int:
        response = requests.post(
            f"{live_server.url}/api/v1/leads/",
            json=body,
            headers={"Authorization": f"Token {token.key}", **headers},
            timeout=60,
        )
        return response.status_code

    return post


def all_at_once(call, jobs):
    """Run ``call(job)`` for every job in its own thread, all released together."""
    barrier = threading.Barrier(len(jobs))

    def run(job):
        barrier.wait(timeout=30)
        try:
            return call(job)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def enquiry(n: int, **contact) -> dict:
    return {
        "contact": {"name": "Jane Doe", "email": "Jane.Doe@example.com", **contact},
        "message": f"Enquiry number {n}: a question about a different matter each time.",
        "source": "e2e",
    }


def test_ten_captures_from_one_person_at_once_make_one_contact(api):
    statuses = all_at_once(api, [enquiry(n, phone="07912 345678") for n in range(PARALLEL)])

    assert statuses == [201] * PARALLEL
    assert Contact.objects.count() == 1
    contact = Contact.objects.get()
    assert (contact.email, contact.phone) == ("jane.doe@example.com", "+447912345678")
    # Each a new matter: ten leads, all the same contact's, the later ones noted as such.
    assert Lead.objects.filter(contact=contact).count() == PARALLEL
    assert Activity.objects.filter(kind=ActivityKind.SECOND_ENQUIRY).exists()


def test_ten_phone_only_captures_at_once_make_one_contact(api):
    jobs = [
        {**enquiry(n), "contact": {"name": "Tom Baker", "phone": "020 7946 0000"}}
        for n in range(PARALLEL)
    ]
    statuses = all_at_once(api, jobs)

    assert statuses == [201] * PARALLEL
    assert Contact.objects.filter(phone="+442079460000").count() == 1


def test_the_same_enquiry_posted_ten_times_at_once_is_one_lead(api):
    statuses = all_at_once(api, [enquiry(1)] * PARALLEL)

    assert sorted(statuses) == [200] * (PARALLEL - 1) + [201]
    assert Contact.objects.count() == 1
    assert Lead.objects.count() == 1
    # Nothing dropped: every post is kept, on the one lead.
    assert InboundMessage.objects.filter(lead=Lead.objects.get()).count() == PARALLEL


def test_the_same_enquiry_from_a_known_contact_ten_times_at_once_is_one_new_lead(api):
    assert api(enquiry(0)) == 201  # the contact exists: nothing to wait on but its lock
    statuses = all_at_once(api, [enquiry(1)] * PARALLEL)

    assert sorted(statuses) == [200] * (PARALLEL - 1) + [201]
    assert Contact.objects.count() == 1
    assert Lead.objects.count() == 2


def test_one_idempotency_key_posted_ten_times_at_once_is_one_lead(api):
    statuses = all_at_once(
        lambda body: api(body, **{"Idempotency-Key": "order-42"}), [enquiry(1)] * PARALLEL
    )

    assert sorted(statuses) == [200] * (PARALLEL - 1) + [201]
    assert Lead.objects.count() == 1
    assert InboundMessage.objects.count() == 1


@pytest.fixture
def enquiry_form(live_server, transactional_db, purge_broker):
    """The public form as a browser has it: its page, CSRF cookie and submission key."""
    url = f"{live_server.url}/enquire/"
    page = requests.get(url, timeout=30)
    key = page.text.split('name="submission_key" value="', 1)[1].split('"', 1)[0]
    token = page.cookies["csrftoken"]  # a Secure cookie: sent by hand over the test's http
    headers = {"Cookie": f"csrftoken={token}", "Referer": url}
    data = {
        "csrfmiddlewaretoken": token,
        "name": "Rachel Turner",
        "email": "rachel@example.com",
        "phone": "07700 900123",
        "message": "I was dismissed after raising a grievance.",
        "consent": "on",
        "submission_key": key,
    }
    return url, headers, data


def test_a_double_submitted_form_makes_one_lead(enquiry_form):
    url, headers, data = enquiry_form

    def submit(_):
        response = requests.post(url, data=data, headers=headers, timeout=60)
        return response.status_code, response.url

    results = all_at_once(submit, [1, 2])

    assert [status for status, _ in results] == [200, 200]
    assert all(final.endswith("/enquire/thanks/") for _, final in results), results
    assert Lead.objects.count() == 1
    assert InboundMessage.objects.count() == 1
    contact = Contact.objects.get()
    assert contact.phone == "+447700900123" and contact.phone_unverified
