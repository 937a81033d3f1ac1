"""Audit: a lead's History page is its timeline (who did what, when), and a contact's
details corrected in the admin are normalised and noted, old and new, on its leads;
fee earners see only the contacts of leads they may see."""

import pytest
from django.core.exceptions import ValidationError

from leads.choices import ActivityKind
from leads.models import Activity, Contact
from leads.services import ContactDetails, contact_update, lead_add_note
from tests.factories import ContactFactory, LeadFactory

LEADS = "/admin/leads/lead/"
CONTACTS = "/admin/leads/contact/"


def details(contact: Contact, **changes) -> ContactDetails:
    values = {
        name: getattr(contact, name)
        for name in ("name", "email", "phone", "organisation", "job_title")
    }
    return ContactDetails(**{**values, **changes})


def test_contact_update_normalises_and_notes_each_change_on_every_lead(people):
    contact = ContactFactory(email="ann@example.com", phone="")
    first, second = LeadFactory(contact=contact), LeadFactory(contact=contact)
    updated = contact_update(
        contact=contact,
        details=details(contact, email="  Ann.Smith@Example.COM ", phone="07912 345678"),
        actor=people["partner"],
    )
    assert updated.email == "ann.smith@example.com"
    assert updated.phone == "+447912345678"
    for lead in (first, second):
        entry = Activity.objects.get(lead=lead, kind=ActivityKind.CONTACT_CHANGED)
        assert entry.actor == people["partner"]
        assert "from “ann@example.com” to “ann.smith@example.com”" in entry.summary
        assert entry.data["changes"]["phone"] == ["", "+447912345678"]


def test_contact_update_without_a_change_writes_nothing(people):
    contact = ContactFactory()
    lead = LeadFactory(contact=contact)
    contact_update(contact=contact, details=details(contact), actor=people["partner"])
    assert not Activity.objects.filter(lead=lead, kind=ActivityKind.CONTACT_CHANGED).exists()


def test_contact_update_refuses_a_bad_email_and_changes_nothing(people):
    contact = ContactFactory(email="ann@example.com")
    with pytest.raises(ValidationError) as caught:
        contact_update(contact=contact, details=details(contact, email="not an email"), actor=None)
    assert "email" in caught.value.message_dict
    contact.refresh_from_db()
    assert contact.email == "ann@example.com"


def test_contact_edited_in_the_admin_goes_through_the_service(people, client):
    contact = ContactFactory(name="Ann Smith", email="ann@example.com")
    lead = LeadFactory(contact=contact, owner=people["earner"])
    client.force_login(people["earner"])
    form = {
        "name": "Ann Smith-Jones",
        "email": "ann@example.com",
        "phone": "",
        "organisation": "Smith Ltd",
        "job_title": "",
    }
    bad = client.post(f"{CONTACTS}{contact.pk}/change/", {**form, "phone": "12"})
    assert bad.status_code == 200 and "errornote" in bad.content.decode()
    response = client.post(f"{CONTACTS}{contact.pk}/change/", form)
    assert response.status_code == 302
    entry = Activity.objects.get(lead=lead, kind=ActivityKind.CONTACT_CHANGED)
    assert entry.actor == people["earner"]
    assert "“Ann Smith” to “Ann Smith-Jones”" in entry.summary
    assert client.get(f"{CONTACTS}add/").status_code == 403


def test_fee_earner_sees_only_contacts_of_leads_they_may_see(people, client):
    mine = LeadFactory(owner=people["earner"], contact=ContactFactory(name="Mine Person"))
    theirs = LeadFactory(owner=people["outsider"], contact=ContactFactory(name="Other Person"))
    client.force_login(people["earner"])
    page = client.get(CONTACTS).content.decode()
    assert "Mine Person" in page and "Other Person" not in page
    assert client.get(f"{CONTACTS}{theirs.contact.pk}/change/").status_code == 302
    assert client.get(f"{CONTACTS}{mine.contact.pk}/change/").status_code == 200
    client.force_login(people["partner"])
    assert "Other Person" in client.get(CONTACTS).content.decode()


def test_lead_history_is_its_timeline_and_follows_who_may_see_it(people, client):
    lead = LeadFactory(owner=people["earner"])
    other = LeadFactory(owner=people["outsider"])
    lead_add_note(lead=lead, text="Called back <script>x</script>", actor=people["earner"])
    client.force_login(people["earner"])
    page = client.get(f"{LEADS}{lead.pk}/history/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Note" in html and "Called back" in html
    assert "<script>x</script>" not in html  # escaped
    assert people["earner"].get_full_name() in html
    assert client.get(f"{LEADS}{other.pk}/history/").status_code == 404
