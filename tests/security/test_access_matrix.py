"""The role matrix: every admin URL the site registers, for every role.

The admin's URLs are enumerated from the site itself (each ModelAdmin's ``get_urls()``
and the site's own pages), so a page nobody added to ``ADMIN_PAGES`` or ``MODEL_SCOPE``
fails ``test_every_admin_page_is_in_the_matrix``. For each model tied to a lead, a row
on a fee earner's own lead and a row on another team's lead are made; the fee earner's
list shows only their own and the other team's page is "not found", while a partner
sees both; an anonymous visitor is sent to sign in from every page. Every API operation
in the OpenAPI schema is in ``API_ROUTES`` likewise, and refused to an anonymous caller
(the per-team API checks are in tests/api/test_visibility.py).
"""

import datetime as dt
import re
import uuid

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone

from followups.models import Escalation, FollowUp
from leads.models import InboundMessage, OutboundEmail
from qualification.services import qualification_model_active_or_default
from routing.models import Assignment, Member
from tests.factories import LeadFactory, QualificationResultFactory, firm_people

# Pages of the site and of ModelAdmins beyond the standard five per model, with what an
# anonymous visitor gets ("login": sent to sign in; "public": the page itself).
ADMIN_PAGES = {
    "index": "login",
    "login": "public",
    "logout": "public",
    "password_change": "login",
    "password_change_done": "login",
    "autocomplete": "login",
    "jsi18n": "login",
    "view_on_site": "login",
    "app_list": "login",
    "reports": "login",
    "report": "login",
    "auth_user_password_change": "login",
    "leads_inboundmessage_attachment": "login",
    "routing_member_handover": "login",
    "routing_routingrule_test": "login",
    "leads_lead_quick": "login",
    "leads_lead_reassign": "login",
    "leads_lead_reassign_many": "login",
    "leads_lead_override_tier": "login",
    "leads_lead_log_phone": "login",
    "leads_lead_log_referral": "login",
    "leads_lead_reply": "login",
    "leads_lead_reply_retry": "login",
}

# Every registered model: "lead" when its rows are tied to a lead (a fee earner sees only
# those on leads they may see), "firm" for the firm's configuration and people,
# "partners" for the firm's own records only partners see (the compliance logs),
# "operator" for what only administrators use.
MODEL_SCOPE = {
    "auth.group": "operator",
    "auth.user": "operator",
    "axes.accessattempt": "operator",
    "axes.accesslog": "operator",
    "axes.accessfailurelog": "operator",
    "django_celery_beat.periodictask": "operator",
    "django_celery_beat.clockedschedule": "operator",
    "django_celery_beat.crontabschedule": "operator",
    "django_celery_beat.solarschedule": "operator",
    "django_celery_beat.intervalschedule": "operator",
    "authtoken.tokenproxy": "operator",
    "leads.lead": "lead",
    "leads.contact": "lead",
    "leads.inboundmessage": "lead",
    "leads.outboundemail": "lead",
    "leads.referralsource": "firm",
    "qualification.practicearea": "firm",
    "qualification.qualificationmodel": "firm",
    "qualification.qualificationresult": "lead",
    "routing.team": "firm",
    "routing.member": "firm",
    "routing.routingrule": "firm",
    "routing.assignment": "lead",
    "followups.businesscalendar": "firm",
    "followups.replytemplate": "firm",
    "firm.firmprofile": "firm",
    "firm.firmcalendar": "firm",
    "followups.closurereason": "firm",
    "followups.followuppolicy": "firm",
    "followups.followup": "lead",
    "followups.myfollowup": "lead",
    "followups.escalation": "lead",
    "compliance.party": "lead",
    "compliance.conflictcheck": "lead",
    "compliance.conflictdecision": "lead",
    "compliance.lawfulbasis": "lead",
    "compliance.duediligence": "lead",
    "compliance.duediligenceoverride": "lead",
    "compliance.referraldisclosure": "lead",
    "compliance.clientmatter": "firm",
    "compliance.introducerarrangement": "firm",
    "compliance.retentionpolicy": "firm",
    "compliance.retentionrun": "partners",
    "compliance.erasurerecord": "partners",
    "compliance.subjectaccessrequest": "partners",
}


def _walk(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            yield pattern


def admin_url_names() -> set[str]:
    return {pattern.name for pattern in _walk(admin.site.get_urls()) if pattern.name}


def _standard_names() -> set[str]:
    names = set()
    for model, model_admin in admin.site._registry.items():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}"
        names |= {
            pattern.name
            for pattern in _walk(model_admin.get_urls())
            if pattern.name
            and re.fullmatch(
                rf"{prefix}_(changelist|add|history|delete|change|simple_history)", pattern.name
            )
        }
    return names


def test_every_admin_page_is_in_the_matrix():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(MODEL_SCOPE)
    assert admin_url_names() - _standard_names() == set(ADMIN_PAGES)


def _url(pattern: URLPattern) -> str:
    values = {"slug": "conversion", "action": "note", "app_label": "leads"}
    named = pattern.pattern.regex.groupindex
    if not named and pattern.pattern.regex.groups:
        return reverse(f"admin:{pattern.name}", args=["1"] * pattern.pattern.regex.groups)
    return reverse(f"admin:{pattern.name}", kwargs={name: values.get(name, "1") for name in named})


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_sign_in_from_every_admin_page(client):
    for pattern in _walk(admin.site.get_urls()):
        if not pattern.name:
            continue
        expected = ADMIN_PAGES.get(pattern.name, "login")
        url = _url(pattern)
        response = client.get(url)
        if expected == "public":
            assert response.status_code in (200, 302, 405), url
        else:
            assert response.status_code == 302, url
            assert "/admin/login/" in response["Location"], url


@pytest.fixture
def world(db):
    """A partner, a head of team, a fee earner and a colleague in Employment, and a fee
    earner in Property; each model tied to a lead has a row on the fee earner's lead and
    a row on the Property lead."""
    people = firm_people()
    head = people["colleague"]
    team = Member.objects.get(user=head).team
    team.head = Member.objects.get(user=head)
    team.save()
    people["head"] = head
    rows = {}
    for key in ("earner", "outsider"):
        user = people[key]
        lead = LeadFactory(owner=user)
        member = Member.objects.get(user=user)
        followup = FollowUp.objects.create(
            lead=lead,
            stage="new",
            kind="first_contact",
            due_at=timezone.now() + dt.timedelta(hours=2),
            next_escalation_at=timezone.now() + dt.timedelta(hours=2),
            owner=user,
        )
        rows[key] = {
            "leads.lead": lead,
            "leads.contact": lead.contact,
            "leads.inboundmessage": InboundMessage.objects.create(
                provider="web_form", channel="web_form", lead=lead, raw="{}"
            ),
            "leads.outboundemail": OutboundEmail.objects.create(
                lead=lead,
                kind="brief",
                dedupe_key=f"brief-{lead.pk}",
                to=[user.email],
                subject=f"Brief {lead.reference}",
                body_text="brief",
                message_id=f"<{uuid.uuid4()}@firm.example>",
            ),
            "qualification.qualificationresult": QualificationResultFactory(
                lead=lead, model_version=qualification_model_active_or_default()
            ),
            "routing.assignment": Assignment.objects.create(
                lead=lead, member=member, reason="Employment rule"
            ),
            "followups.followup": followup,
            "followups.myfollowup": followup,
            "followups.escalation": Escalation.objects.create(
                followup=followup,
                level=1,
                recipient_email=user.email,
                sweep_id=uuid.uuid4(),
            ),
            **_compliance_rows(lead, user),
        }
    return people, rows


def _compliance_rows(lead, user) -> dict:
    """One row of each compliance record tied to a lead."""
    from compliance import choices
    from compliance import models as compliance

    check = compliance.ConflictCheck.objects.create(lead=lead, records_searched=0)
    return {
        "compliance.party": compliance.Party.objects.create(lead=lead, name="Acme Ltd"),
        "compliance.conflictcheck": check,
        "compliance.conflictdecision": compliance.ConflictDecision.objects.create(
            lead=lead, check_run=check, outcome="no_conflict", decided_by=user
        ),
        "compliance.lawfulbasis": compliance.LawfulBasis.objects.create(
            lead=lead,
            basis="legitimate_interests",
            description="Responding to an enquiry",
            channel=lead.channel,
        ),
        "compliance.duediligence": compliance.DueDiligence.objects.create(
            lead=lead,
            identity_method=choices.IdentityMethod.values[0],
            identity_verified_by=user,
            identity_verified_at=timezone.now(),
            risk_level=choices.RiskLevel.values[0],
            risk_reasons="Standard private client",
            recorded_by=user,
        ),
        "compliance.duediligenceoverride": compliance.DueDiligenceOverride.objects.create(
            lead=lead, partner=user, reason="Known client"
        ),
        "compliance.referraldisclosure": compliance.ReferralDisclosure.objects.create(
            lead=lead,
            disclosed_at=timezone.now(),
            how="In the client care letter",
            recorded_by=user,
        ),
    }


def _changelist_ids(client, label: str):
    app, model = label.split(".")
    query = "?whose=all&state=any" if model in ("followup", "myfollowup") else ""
    response = client.get(reverse(f"admin:{app}_{model}_changelist") + query)
    if response.status_code != 200:
        return response.status_code, set()
    return 200, {obj.pk for obj in response.context["cl"].queryset}


LEAD_MODELS = [label for label, scope in MODEL_SCOPE.items() if scope == "lead"]


@pytest.mark.parametrize("label", LEAD_MODELS)
@pytest.mark.parametrize("role", ["earner", "head", "outsider"])
def test_a_fee_earner_sees_only_rows_on_leads_they_may_see(client, world, label, role):
    people, rows = world
    client.force_login(people[role])
    own_team = "outsider" if role == "outsider" else "earner"
    other_team = "earner" if role == "outsider" else "outsider"
    status, ids = _changelist_ids(client, label)
    hidden = rows[other_team][label]
    assert hidden.pk not in ids
    if label != "followups.myfollowup" and status == 200:
        assert rows[own_team][label].pk in ids
    app, model = label.split(".")
    page = client.get(reverse(f"admin:{app}_{model}_change", args=[hidden.pk]))
    # Not found (the admin's "does not exist" redirect), never the page itself.
    assert page.status_code in (302, 403, 404)


@pytest.mark.parametrize(
    "label", [label for label in LEAD_MODELS if label != "followups.myfollowup"]
)
def test_a_partner_sees_every_team_s_rows(client, world, label):
    people, rows = world
    client.force_login(people["partner"])
    status, ids = _changelist_ids(client, label)
    assert status == 200
    assert {rows["earner"][label].pk, rows["outsider"][label].pk} <= ids
    app, model = label.split(".")
    hidden = rows["outsider"][label]
    assert client.get(reverse(f"admin:{app}_{model}_change", args=[hidden.pk])).status_code == 200


def test_another_team_s_attachment_and_tier_override_are_not_found(client, world):
    people, rows = world
    client.force_login(people["earner"])
    other = rows["outsider"]
    url = reverse(
        "admin:leads_inboundmessage_attachment", args=[other["leads.inboundmessage"].pk, 1]
    )
    assert client.get(url).status_code == 404
    url = reverse("admin:leads_lead_override_tier", args=[other["leads.lead"].pk])
    assert client.get(url).status_code == 404


def test_a_fee_earner_cannot_release_held_spam(client, world):
    people, _ = world
    spam = InboundMessage.objects.create(provider="postmark", channel="email", kind="spam")
    client.force_login(people["earner"])
    response = client.post(
        reverse("admin:leads_inboundmessage_changelist"),
        {"action": "process_again", "_selected_action": [spam.pk]},
    )
    assert response.status_code in (200, 302)
    spam.refresh_from_db()
    assert spam.kind == "spam"
    assert spam.processed_at is None


def test_a_fee_earner_cannot_complete_another_team_s_follow_up(client, world):
    people, rows = world
    followup = rows["outsider"]["followups.followup"]
    client.force_login(people["earner"])
    client.post(
        reverse("admin:followups_followup_changelist") + "?whose=all",
        {"action": "mark_done", "_selected_action": [followup.pk]},
    )
    followup.refresh_from_db()
    assert followup.completed_at is None


# Every API operation in the OpenAPI schema, with what an anonymous caller gets.
API_ROUTES = {
    ("/api/v1/auth/token/", "post"): "public",
    ("/api/v1/followups/", "get"): "refused",
    ("/api/v1/followups/{id}/", "get"): "refused",
    ("/api/v1/followups/{id}/", "patch"): "refused",
    ("/api/v1/leads/", "get"): "refused",
    ("/api/v1/leads/", "post"): "refused",
    ("/api/v1/leads/{id}/", "get"): "refused",
    ("/api/v1/leads/{id}/activities/", "get"): "refused",
    ("/api/v1/leads/{id}/assign/", "post"): "refused",
    ("/api/v1/leads/{id}/calls/", "post"): "refused",
    ("/api/v1/leads/{id}/meetings/", "post"): "refused",
    ("/api/v1/leads/{id}/notes/", "post"): "refused",
    ("/api/v1/leads/{id}/status/", "post"): "refused",
}


def api_operations() -> set[tuple[str, str]]:
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return {(path, method) for path, methods in paths.items() for method in methods}


def test_every_api_route_is_in_the_matrix():
    assert api_operations() == set(API_ROUTES)


def test_an_anonymous_caller_is_refused_by_every_api_route_but_the_token(db):
    from rest_framework.test import APIClient

    client = APIClient()
    for (path, method), expected in API_ROUTES.items():
        response = getattr(client, method)(path.replace("{id}", "1"), {}, format="json")
        if expected == "public":
            assert response.status_code == 400, path  # asks for a username and password
        else:
            assert response.status_code in (401, 403), (path, method)


@pytest.mark.parametrize(
    "label", ["followups.followup", "leads.inboundmessage", "leads.outboundemail"]
)
def test_a_scoped_list_costs_the_same_queries_for_one_row_or_many(
    client, world, label, django_assert_max_num_queries
):
    """The visibility rule is one subquery in the list's query, not a query per row."""
    people, rows = world
    client.force_login(people["earner"])
    app, model = label.split(".")
    url = reverse(f"admin:{app}_{model}_changelist")
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    lead = rows["earner"]["leads.lead"]
    for n in range(8):
        FollowUp.objects.create(
            lead=lead,
            stage="new",
            kind="call",
            due_at=timezone.now() + dt.timedelta(hours=n),
            next_escalation_at=timezone.now() + dt.timedelta(hours=n),
            owner=people["earner"],
        )
        InboundMessage.objects.create(provider="web_form", channel="web_form", lead=lead)
        OutboundEmail.objects.create(
            lead=lead,
            kind="brief",
            dedupe_key=f"more-{n}",
            to=["x@firm.example"],
            subject="s",
            body_text="b",
            message_id=f"<more-{n}@firm.example>",
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200
