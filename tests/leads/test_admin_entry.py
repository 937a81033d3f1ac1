"""The admin's quick entry: a phone enquiry and a referral logged by staff, captured with
the member of staff as the actor, at the time they give (UK time), never twice."""

import uuid
from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core import mail

from leads.choices import ActivityKind, Channel, ReferrerKind
from leads.models import Contact, Lead, ReferralSource
from leads.services import ContactDetails, lead_capture
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 7, 14, 9, 0, tzinfo=UTC)  # 10:00 in London (BST)
PHONE_URL = "/admin/leads/lead/log-phone/"
REFERRAL_URL = "/admin/leads/lead/log-referral/"


@pytest.fixture
def partner(client):
    user = UserFactory(username="priya", first_name="Priya", last_name="Shah", is_superuser=True)
    client.force_login(user)
    return user


def phone_data(**overrides):
    data = {
        "name": "Tom Baker",
        "email": "",
        "phone": "07912 345678",
        "organisation": "Baker Bakeries Ltd",
        "arrived_at_0": "14/07/2026",
        "arrived_at_1": "09:15",
        "subject": "Commercial lease renewal",
        "message": "Landlord wants a 20% rent rise; lease ends in October.",
        "source": "Google",
        "submission_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def test_changelist_links_to_both_quick_forms(client, partner):
    html = client.get("/admin/leads/lead/").content.decode()
    assert "Log a phone enquiry" in html and PHONE_URL in html
    assert "Log a referral" in html and REFERRAL_URL in html


@time_machine.travel(NOW, tick=False)
def test_phone_form_defaults_to_now_in_london(client, partner):
    html = client.get(PHONE_URL).content.decode()
    assert 'value="14/07/2026"' in html
    assert 'value="10:00:00"' in html or 'value="10:00"' in html
    assert "Europe/London" in html


@time_machine.travel(NOW, tick=False)
def test_phone_enquiry_is_captured_with_the_time_given_and_the_staff_member(
    client, partner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PHONE_URL, phone_data())
    lead = Lead.objects.get()
    assert response.status_code == 302
    assert response.url == f"/admin/leads/lead/{lead.pk}/change/"
    assert lead.channel == Channel.PHONE
    assert lead.arrived_at == datetime(2026, 7, 14, 8, 15, tzinfo=UTC)  # 09:15 BST
    assert lead.subject == "Commercial lease renewal"
    assert lead.source == "Google"
    assert lead.contact.phone == "+447912345678"
    captured = lead.activities.get(kind=ActivityKind.CAPTURED)
    assert captured.actor == partner
    assert mail.outbox == []  # the caller is not emailed an acknowledgement
    page = client.get(response.url).content.decode()
    assert f"Phone enquiry logged as {lead.reference}." in page


@time_machine.travel(NOW, tick=False)
def test_submitting_the_same_form_twice_logs_one_enquiry(client, partner):
    data = phone_data()
    client.post(PHONE_URL, data)
    again = client.post(PHONE_URL, data, follow=True)
    assert Lead.objects.count() == 1
    assert "was already logged as" in again.content.decode()


@time_machine.travel(NOW, tick=False)
def test_call_quoting_the_reference_of_the_contacts_open_lead_joins_it(client, partner):
    existing = lead_capture(
        channel=Channel.EMAIL,
        contact=ContactDetails(email="tom@baker.example", phone="07912 345678"),
        message="Lease question",
    ).lead
    data = phone_data(subject=f"Calling about {existing.reference}")
    response = client.post(PHONE_URL, data, follow=True)
    assert Lead.objects.count() == 1
    assert f"logged on {existing.reference}, the same matter" in response.content.decode()
    entry = existing.activities.get(kind=ActivityKind.MESSAGE_RECEIVED)
    assert entry.actor == partner
    assert "by phone" in entry.summary


@time_machine.travel(NOW, tick=False)
def test_call_from_a_contact_with_an_open_lead_about_something_new_is_a_new_lead(client, partner):
    existing = lead_capture(
        channel=Channel.EMAIL,
        contact=ContactDetails(email="tom@baker.example", phone="07912 345678"),
        message="Lease question",
    ).lead
    response = client.post(PHONE_URL, phone_data(), follow=True)
    assert Lead.objects.count() == 2
    page = response.content.decode()
    assert "a second enquiry from this contact" in page
    assert existing.reference in page
    new = Lead.objects.exclude(pk=existing.pk).get()
    assert new.contact_id == existing.contact_id


@time_machine.travel(NOW, tick=False)
def test_number_in_a_range_not_known_to_be_allocated_is_kept_flagged_unverified(client, partner):
    client.post(PHONE_URL, phone_data(phone="07700 900123"))
    contact = Lead.objects.get().contact
    assert contact.phone == "+447700900123"
    assert contact.phone_unverified


@time_machine.travel(NOW, tick=False)
def test_phone_that_cannot_be_a_number_is_kept_on_the_timeline_when_email_can_reply(
    client, partner
):
    client.post(PHONE_URL, phone_data(phone="ring the office", email="tom@baker.example"))
    lead = Lead.objects.get()
    assert lead.contact.phone == "" and lead.contact.email == "tom@baker.example"
    note = lead.activities.get(kind=ActivityKind.NOTE)
    assert "“ring the office”, which cannot be a phone number" in note.summary


@time_machine.travel(NOW, tick=False)
def test_name_of_only_spaces_is_no_name(client, partner):
    response = client.post(PHONE_URL, phone_data(name="    "))
    assert Lead.objects.count() == 0
    assert "This field is required." in response.content.decode()


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"phone": "", "email": ""}, "Give an email address or a phone number to reply to."),
        ({"phone": "123"}, "Enter a UK number such as 020 7946 0000"),
        ({"email": "tom@"}, "Enter a valid email address, or leave it empty."),
        ({"arrived_at_0": "31/02/2026"}, "Enter a valid date."),
        ({"arrived_at_0": "15/07/2026"}, "The arrival time is in the future."),
        ({"name": "Tom\nBcc: x@example.com"}, "The name must be on one line."),
        ({"subject": ""}, "This field is required."),
    ],
)
def test_bad_phone_entry_shows_the_problem_and_writes_nothing(client, partner, overrides, message):
    response = client.post(PHONE_URL, phone_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Lead.objects.exists()
    assert not Contact.objects.exists()


def test_staff_without_permission_to_add_leads_cannot_log(client):
    user = UserFactory(username="reader")
    user.user_permissions.add(Permission.objects.get(codename="view_lead"))
    client.force_login(user)
    assert client.get(PHONE_URL).status_code == 403
    assert client.post(REFERRAL_URL, {}).status_code == 403
    assert "Log a phone enquiry" not in client.get("/admin/leads/lead/").content.decode()


def referral_data(**overrides):
    data = phone_data(source="")
    data.pop("source")
    data.update(
        {
            "referral_source": "",
            "new_referrer_name": "",
            "new_referrer_kind": ReferrerKind.PERSON,
            "new_referrer_organisation": "",
            "new_referrer_email": "",
            "relationship_owner": "",
        }
    )
    data.update(overrides)
    return data


@time_machine.travel(NOW, tick=False)
def test_referral_from_an_existing_referrer(client, partner):
    bank = ReferralSource.objects.create(
        name="Sam Lloyd", kind=ReferrerKind.PERSON, organisation="Northern Bank"
    )
    response = client.post(REFERRAL_URL, referral_data(referral_source=bank.pk))
    assert response.status_code == 302
    lead = Lead.objects.get()
    assert lead.channel == Channel.REFERRAL
    assert lead.referral_source == bank
    assert lead.source == "Referral: Sam Lloyd (Northern Bank)"
    assert lead.activities.get(kind=ActivityKind.CAPTURED).data["referral_source_id"] == bank.pk


@time_machine.travel(NOW, tick=False)
def test_referral_from_a_new_referrer_records_them_with_their_relationship_owner(client, partner):
    owner = UserFactory(username="tom.hughes")
    response = client.post(
        REFERRAL_URL,
        referral_data(
            new_referrer_name="Hardy & Co Accountants",
            new_referrer_kind=ReferrerKind.FIRM,
            new_referrer_email="Intro@Hardy.example",
            relationship_owner=owner.pk,
        ),
    )
    assert response.status_code == 302
    referrer = ReferralSource.objects.get()
    assert referrer.kind == ReferrerKind.FIRM
    assert referrer.relationship_owner == owner
    assert referrer.email == "intro@hardy.example"
    assert Lead.objects.get().referral_source == referrer


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({}, "Choose who referred the enquiry, or name a new referrer."),
        ({"new_referrer_name": "X", "referral_source": "REF"}, "not both"),
    ],
)
def test_referral_needs_exactly_one_referrer(client, partner, overrides, message):
    bank = ReferralSource.objects.create(name="Sam Lloyd")
    if overrides.get("referral_source") == "REF":
        overrides["referral_source"] = bank.pk
    response = client.post(REFERRAL_URL, referral_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Lead.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_refused_capture_does_not_leave_a_new_referrer_behind(client, partner):
    response = client.post(
        REFERRAL_URL,
        referral_data(new_referrer_name="Orphan Referrer", arrived_at_0="15/07/2026"),
    )
    assert response.status_code == 200
    assert not ReferralSource.objects.exists()


def test_referral_form_searches_referrers_by_autocomplete(client, partner):
    ReferralSource.objects.create(name="Sam Lloyd", organisation="Northern Bank")
    ReferralSource.objects.create(name="Alex Chen")
    html = client.get(REFERRAL_URL).content.decode()
    assert "admin-autocomplete" in html
    found = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "leads",
            "model_name": "lead",
            "field_name": "referral_source",
            "term": "nor",
        },
    ).json()
    assert [item["text"] for item in found["results"]] == ["Sam Lloyd (Northern Bank)"]


@time_machine.travel(NOW, tick=False)
def test_referrer_admin_counts_referrals_and_wins(client, partner, django_assert_max_num_queries):
    for number in range(3):
        source = ReferralSource.objects.create(name=f"Referrer {number}")
        lead_capture(
            channel=Channel.REFERRAL,
            contact=ContactDetails(email=f"c{number}@example.com"),
            message="x",
            referral_source=source,
        )
    with django_assert_max_num_queries(12):
        response = client.get("/admin/leads/referralsource/")
    assert response.status_code == 200
    assert "Referrer 2" in response.content.decode()
