"""The conflict check at intake: parties captured on every channel, the check run by the
pipeline against contacts, parties and the client list, the decision recorded, and the
status changes it holds back, through the services, admin, API and the web form."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from compliance.choices import ConflictOutcome, RecordKind
from compliance.models import (
    ClientMatter,
    ConflictCheck,
    ConflictDecision,
    ConflictIndexEntry,
    Party,
)
from compliance.services import (
    conflict_check_run,
    conflict_decision_record,
    conflict_index_client_matter,
    conflict_index_rebuild,
)
from compliance.steps import conflict_check
from leads.choices import Channel, Status
from leads.services import ContactDetails, contact_update, lead_capture, lead_change_status
from tests.factories import ContactFactory, LeadFactory, UserFactory

pytestmark = pytest.mark.django_db


def capture(name="Dana Fox", email="dana@fox.example", payload=None, **kwargs):
    return lead_capture(
        channel=Channel.API,
        contact=ContactDetails(name=name, email=email, **kwargs),
        message="My employer dismissed me.",
        payload=payload or {},
    ).lead


def test_the_step_records_the_parties_named_at_capture_and_finds_them_on_a_later_lead():
    first = capture(payload={"parties": [{"name": "Northwind Trading Ltd", "role": "employer"}]})
    conflict_check(lead=first)
    assert [(p.name, p.role, p.kind) for p in Party.objects.filter(lead=first)] == [
        ("Northwind Trading Ltd", "employer", "organisation")
    ]
    # The employer itself now enquires: the firm already acts against it.
    second = capture(
        name="Sam Lee", email="sam@northwind.example", organisation="Northwind Trading Limited"
    )
    conflict_check(lead=second)
    check = ConflictCheck.objects.get(lead=second)
    match = check.matches.get(record_kind=RecordKind.PARTY)
    assert "employer on lead" in match.record_label
    assert any("company suffixes" in reason for reason in match.reasons)
    assert "1 possible match" in check.summary


def test_a_check_with_nothing_alike_says_how_many_records_it_searched():
    ContactFactory.create_batch(3)
    conflict_index_rebuild()
    lead = capture(name="Quentin Zebedee", email="qz@zebedee.example")
    check = conflict_check_run(lead=lead)
    assert check.summary == f"No matches found in {check.records_searched:,} records."
    assert check.records_searched >= 4


def test_the_enquirer_is_found_on_the_client_list_and_on_a_matters_other_side():
    matter = ClientMatter.objects.create(
        client_reference="C100", matter_reference="M1", client_name="Robert Jones",
        other_parties="Dr Alice Mbeki",
    )  # fmt: skip
    conflict_index_client_matter(matter=matter)
    lead = capture(name="Alice Mbeki", email="alice@mbeki.example")
    check = conflict_check_run(lead=lead)
    [match] = check.matches.all()
    assert match.record_kind == RecordKind.MATTER_PARTY
    assert "other party on matter C100/M1 (client Robert Jones)" in match.record_label


def test_the_step_runs_once_and_the_enquirers_own_record_is_not_a_match():
    lead = capture()
    conflict_check(lead=lead)
    conflict_check(lead=lead)
    check = ConflictCheck.objects.get(lead=lead)
    assert check.matches.count() == 0


def test_a_corrected_contact_is_searched_as_corrected():
    contact = ContactFactory(name="Wrong Name")
    conflict_index_rebuild()
    contact_update(
        contact=contact,
        details=ContactDetails(name="Harriet Vane", email=contact.email),
        actor=None,
    )
    lead = capture(name="Harriet Vane", email="harriet@vane.example")
    check = conflict_check_run(lead=lead)
    assert [m.matched_name for m in check.matches.all()] == ["Harriet Vane"]


def test_meeting_and_proposal_wait_for_the_conflict_decision():
    user = UserFactory()
    lead = LeadFactory(status=Status.CONTACTED)
    conflict_check_run(lead=lead)
    with pytest.raises(ValidationError, match="Conflict check outstanding"):
        lead_change_status(lead=lead, status=Status.MEETING, actor=user)
    lead.refresh_from_db()
    assert lead.status == Status.CONTACTED

    conflict_decision_record(lead=lead, outcome=ConflictOutcome.NO_CONFLICT, actor=user)
    lead_change_status(lead=lead, status=Status.MEETING, actor=user)
    lead.refresh_from_db()
    assert lead.status == Status.MEETING


def test_a_declined_conflict_stops_the_lead_and_every_decision_is_kept():
    user = UserFactory()
    lead = LeadFactory(status=Status.CONTACTED)
    conflict_check_run(lead=lead)
    conflict_decision_record(lead=lead, outcome=ConflictOutcome.DECLINED, actor=user)
    with pytest.raises(ValidationError, match="conflict, declined"):
        lead_change_status(lead=lead, status=Status.PROPOSAL, actor=user)
    lead_change_status(lead=lead, status=Status.LOST, reason="Conflict of interest", actor=user)
    with pytest.raises(ValidationError, match="informed consent"):
        conflict_decision_record(lead=lead, outcome=ConflictOutcome.CONSENT, actor=user)
    conflict_decision_record(
        lead=lead, outcome=ConflictOutcome.CONSENT, note="Both clients consented in writing",
        actor=user,
    )  # fmt: skip
    assert ConflictDecision.objects.filter(lead=lead).count() == 2
    assert ConflictCheck.objects.filter(lead=lead).count() == 1


def test_the_api_status_change_is_refused_with_the_reason(api_client):
    lead = LeadFactory(status=Status.CONTACTED)
    conflict_check_run(lead=lead)
    response = api_client.post(
        f"/api/v1/leads/{lead.pk}/status/", {"status": "meeting"}, format="json"
    )
    assert response.status_code == 400
    assert "Conflict check outstanding" in str(response.json())


def test_the_api_capture_accepts_parties_and_refuses_a_bad_one(api_client):
    body = {
        "contact": {"name": "Ann Lee", "email": "ann@example.com"},
        "message": "Divorce",
        "parties": [{"name": "Bob Lee", "role": "spouse"}],
    }
    response = api_client.post("/api/v1/leads/", body, format="json")
    assert response.status_code == 201, response.json()
    lead_id = response.json()["id"]
    conflict_check(lead=LeadFactory._meta.model.objects.get(pk=lead_id))
    assert Party.objects.get(lead_id=lead_id).role == "spouse"
    bad = {**body, "parties": [{"name": "Line\nbreak"}]}
    assert api_client.post("/api/v1/leads/", bad, format="json").status_code == 400


def test_the_web_form_has_the_parties_field_with_help_text(client):
    page = client.get(reverse("enquire")).content.decode()
    assert "Other people or organisations involved" in page
    assert "free to act for you" in page


def test_the_lead_page_shows_the_outstanding_check_and_the_decision_page_records_it(
    admin_client, admin_user
):
    lead = LeadFactory(status=Status.CONTACTED)
    conflict_check_run(lead=lead)
    page = admin_client.get(reverse("admin:leads_lead_change", args=[lead.pk]))
    assert page.status_code == 200
    assert "Conflict check outstanding" in page.content.decode()

    add = reverse("admin:compliance_conflictdecision_add")
    refused = admin_client.post(add, {"lead": lead.pk, "outcome": "consent", "note": ""})
    assert refused.status_code == 200 and not ConflictDecision.objects.exists()
    done = admin_client.post(add, {"lead": lead.pk, "outcome": "no_conflict", "note": ""})
    assert done.status_code == 302
    decision = ConflictDecision.objects.get(lead=lead)
    assert decision.decided_by == admin_user
    page = admin_client.get(reverse("admin:leads_lead_change", args=[lead.pk])).content.decode()
    assert "No conflict" in page and "Conflict check outstanding" not in page


def test_the_api_refuses_more_than_twenty_parties(api_client):
    body = {
        "contact": {"name": "Ann Lee", "email": "ann@example.com"},
        "message": "Dispute",
        "parties": [{"name": f"Party {n}"} for n in range(21)],
    }
    response = api_client.post("/api/v1/leads/", body, format="json")
    assert response.status_code == 400
    assert not Party.objects.exists()


def test_hostile_party_text_is_read_without_error():
    from compliance.parties import parties_parse

    parsed = parties_parse("\x00\n;;(employer)\n" + "A" * 5000 + "\nBob (nonsense role)")
    assert [len(p.name) for p in parsed][:1] == [200]
    assert parsed[-1].name == "Bob (nonsense role)"
    assert parties_parse({"not": "a list"}) == []


def test_the_conflict_check_list_reads_a_fixed_number_of_queries(
    admin_client, django_assert_max_num_queries
):
    for _ in range(5):
        conflict_check_run(lead=LeadFactory())
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("admin:compliance_conflictcheck_changelist"))
    assert response.status_code == 200


def test_a_phone_enquiry_logged_by_staff_records_its_parties(admin_client):
    import uuid

    data = {
        "name": "Tom Baker", "email": "", "phone": "07912 345678", "organisation": "",
        "arrived_at_0": "01/12/2026", "arrived_at_1": "09:15", "subject": "Lease renewal",
        "message": "Landlord wants a rent rise.", "source": "Google",
        "parties": "Grasping Estates Ltd (landlord)\nMr P. Grasping; landlord",
        "submission_key": str(uuid.uuid4()),
    }  # fmt: skip
    response = admin_client.post("/admin/leads/lead/log-phone/", data)
    assert response.status_code == 302
    lead = LeadFactory._meta.model.objects.get(subject="Lease renewal")
    conflict_check(lead=lead)
    assert sorted(Party.objects.filter(lead=lead).values_list("name", "role")) == [
        ("Grasping Estates Ltd", "landlord"),
        ("Mr P. Grasping", "other_side"),
    ]


def test_a_party_added_in_the_admin_runs_the_check_again(admin_client):
    held = ContactFactory(name="Petra Ironside")
    conflict_index_rebuild()
    lead = LeadFactory()
    conflict_check_run(lead=lead)
    response = admin_client.post(
        reverse("admin:compliance_party_add"),
        {"lead": lead.pk, "name": "Petra Ironside", "kind": "person", "role": "defendant"},
    )
    assert response.status_code == 302
    latest = ConflictCheck.objects.filter(lead=lead).order_by("-pk").first()
    assert ConflictCheck.objects.filter(lead=lead).count() == 2
    assert latest.matches.get(searched="Defendant Petra Ironside").record_id == held.pk


def test_a_large_index_is_searched_by_its_estimated_size_said_as_about():
    check = ConflictCheck(records_searched=2_013_445)
    check.match_count = 0  # as conflict_state(with_matches=False) reads it
    assert check.records_searched_display == "about 2,010,000"
    assert check.summary == "No matches found in about 2,010,000 records."
    assert ConflictCheck(records_searched=99_999).records_searched_display == "99,999"


def test_the_index_is_counted_exactly_while_small():
    from compliance.services.conflicts import conflict_index_size

    ContactFactory.create_batch(3)
    conflict_index_rebuild()
    assert conflict_index_size() == ConflictIndexEntry.objects.count()


def test_a_check_that_fails_part_way_leaves_no_half_written_check(monkeypatch):
    """The check and its matches are written together or not at all."""
    from compliance.models import ConflictMatch

    matter = ClientMatter.objects.create(
        client_reference="C7", matter_reference="M7", client_name="Dana Fox"
    )
    conflict_index_client_matter(matter=matter)
    lead = capture()

    def failing(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(ConflictMatch.objects, "bulk_create", failing)
    with pytest.raises(RuntimeError):
        conflict_check_run(lead=lead)
    assert not ConflictCheck.objects.filter(lead=lead).exists()
