"""Routing in the admin and the API: the rule list warns about broken rules, the test page
shows where leads would go under drafts, leads can be reassigned or taken from the lead
page and list, a member's leads handed over; ``POST /api/v1/leads/<id>/assign/``."""

import pytest
from django.urls import reverse

from leads.choices import ActivityKind
from routing import services
from routing.choices import AssignedVia, RuleState
from routing.models import Assignment
from tests.factories import LeadFactory, UserFactory
from tests.routing.factories import RuleFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="admin", is_superuser=True))
    return client


def test_rule_list_warns_about_an_inactive_target_and_an_empty_team(
    admin_client, employment_rule, tom, django_assert_max_num_queries
):
    RuleFactory(position=1, target_member=tom, name="Tom's referrals")
    tom.is_active = False
    tom.save()
    for member in employment_rule.target_team.members.all():
        member.is_active = False
        member.save()
    with django_assert_max_num_queries(12):
        page = admin_client.get(reverse("admin:routing_routingrule_changelist"))
    text = page.content.decode()
    assert "Tom Hughes is inactive" in text
    assert "Nobody active is in Employment" in text


def test_rule_with_a_deleted_practice_area_shows_the_problem(admin_client, employment_rule):
    employment_rule.practice_area.delete()
    page = admin_client.get(reverse("admin:routing_routingrule_changelist"))
    assert "was deleted, so this rule matches nothing" in page.content.decode()


def test_test_page_compares_live_and_draft_rules(admin_client, employment_rule, triage, priya):
    lead = LeadFactory(tier="A")
    RuleFactory(position=1, tier="A", target_member=priya, state=RuleState.DRAFT)
    page = admin_client.get(reverse("admin:routing_routingrule_test"))
    assert page.status_code == 200
    rows = page.context["rows"]
    row = next(r for r in rows if r["lead"] == lead)
    assert row["live"].member == triage  # no live rule matches an unclassified lead
    assert row["draft"].member == priya
    assert row["changed"]
    assert not Assignment.objects.exists()  # nothing written


def test_lead_page_shows_the_reason_and_the_brief(admin_client, employment_rule, tom):
    lead = LeadFactory()
    services.lead_assign(lead=lead, member=tom, reason="Rule 3: Employment → Tom Hughes")
    page = admin_client.get(reverse("admin:leads_lead_change", args=[lead.pk]))
    text = page.content.decode()
    assert "Rule 3: Employment → Tom Hughes" in text
    assert "Reassign…" in text


def test_reassign_from_the_lead_page(admin_client, employment_rule, tom, sarah):
    lead = LeadFactory()
    services.lead_assign(lead=lead, member=tom, reason="Rule 3")
    url = reverse("admin:leads_lead_reassign", args=[lead.pk])
    refused = admin_client.post(url, {"reassign": "1", "member": sarah.pk, "reason": ""})
    assert refused.status_code == 200 and "This field is required" in refused.content.decode()
    admin_client.post(url, {"reassign": "1", "member": sarah.pk, "reason": "Holiday cover"})
    lead.refresh_from_db()
    assert lead.owner == sarah.user
    assert lead.activities.filter(kind=ActivityKind.ASSIGNED, summary__contains="Holiday").exists()


def test_assign_to_me_action_on_the_list(client, employment_rule, tom, triage):
    lead = LeadFactory()
    services.lead_assign(lead=lead, member=triage, reason="x", via=AssignedVia.TRIAGE)
    tom.user.is_superuser = True
    tom.user.save()
    client.force_login(tom.user)
    client.post(
        reverse("admin:leads_lead_changelist"),
        {"action": "assign_to_me", "_selected_action": [lead.pk]},
    )
    lead.refresh_from_db()
    assert lead.owner == tom.user


def test_member_handover_page(admin_client, employment_rule, tom, sarah):
    leads = LeadFactory.create_batch(2)
    for lead in leads:
        services.lead_assign(lead=lead, member=tom, reason="Rule 3")
    url = reverse("admin:routing_member_handover", args=[tom.pk])
    assert "2 open leads" in admin_client.get(url).content.decode()
    admin_client.post(url, {"to": sarah.pk, "reason": "Leaving on Friday"})
    assert {
        lead.owner_id for lead in type(leads[0]).objects.filter(pk__in=[x.pk for x in leads])
    } == {sarah.user_id}


def test_member_list_query_count_is_fixed(
    admin_client, employment_rule, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        assert admin_client.get(reverse("admin:routing_member_changelist")).status_code == 200


def test_api_assign(api_client, employment_rule, tom, sarah):
    lead = LeadFactory()
    services.lead_assign(lead=lead, member=tom, reason="Rule 3")
    url = f"/api/v1/leads/{lead.pk}/assign/"
    ok = api_client.post(url, {"member": sarah.pk, "reason": "Speaks Polish"}, format="json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["owner"]["email"] == sarah.email
    missing = api_client.post(url, {"member": 99999, "reason": "x"}, format="json")
    assert missing.status_code == 400
    assert "No active member has id 99999" in missing.json()["detail"]
    no_reason = api_client.post(url, {"member": tom.pk}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    same = api_client.post(url, {"member": sarah.pk, "reason": "again"}, format="json")
    assert same.status_code == 400 and "already owns" in same.json()["detail"]
