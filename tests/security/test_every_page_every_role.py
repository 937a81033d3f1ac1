"""Every admin page, for every signed-in role, and the head-of-team and supervisor rules.

``test_access_matrix.py`` enumerates the pages and proves the lists are scoped; here every
page the site registers is fetched by a partner, a head of team, a fee earner and a fee
earner of another team, each with the other team's row wherever the page takes an object:
no page ever answers 500, no page shows a fee earner a row of a lead they may not see,
the compliance logs are refused to all but partners, and what only an operator uses is
refused to everyone but a superuser. Then the wider rules a
head of team and a supervisor see by: whoever an escalation goes to can open the lead.
"""

import re

import pytest
from django.contrib import admin
from django.urls import URLPattern, reverse

from followups.choices import EscalationLevel
from followups.services.escalation import resolve_recipient
from leadtrack.access import may_see_lead, visible_leads
from routing.models import Member, Team
from tests.factories import LeadFactory, UserFactory
from tests.security import test_access_matrix as matrix
from tests.security.test_access_matrix import MODEL_SCOPE, _walk

world = matrix.world  # the matrix's firm: a row of every lead-tied model for each team

ROLES = ["partner", "head", "earner", "outsider"]


def _pages():
    """Every named admin URL, with the model whose admin registers it (None for the site's
    own pages)."""
    seen = set()
    for model, model_admin in admin.site._registry.items():
        for pattern in _walk(model_admin.get_urls()):
            if pattern.name and pattern.name not in seen:
                seen.add(pattern.name)
                yield pattern, model
    for pattern in _walk(admin.site.get_urls()):
        if pattern.name and pattern.name not in seen:
            seen.add(pattern.name)
            yield pattern, None


def _url_for(pattern: URLPattern, object_id: int | None) -> str:
    """The page's URL with ``object_id`` wherever it takes an object (1 elsewhere)."""
    named = pattern.pattern.regex.groupindex
    oid = str(object_id or 1)
    if not named and pattern.pattern.regex.groups:
        args = [oid] + ["1"] * (pattern.pattern.regex.groups - 1)
        return reverse(f"admin:{pattern.name}", args=args)
    values = {"slug": "conversion", "action": "note", "app_label": "leads"}
    kwargs = {}
    for name in named:
        if name in ("object_id", "pk", "lead_id", "id", "message_id", "email_id"):
            kwargs[name] = oid
        else:
            kwargs[name] = values.get(name, "1")
    return reverse(f"admin:{pattern.name}", kwargs=kwargs)


def _shows_the_row(response, row) -> bool:
    """Whether a 200 page is that row's own page (its form or read-only view)."""
    original = (response.context or {}).get("original") if response.context else None
    return original is not None and getattr(original, "pk", None) == row.pk


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_page_answers_every_role_without_showing_what_is_not_theirs(
    client, world, role
):
    people, rows = world
    client.force_login(people[role])
    other_team = "earner" if role == "outsider" else "outsider"
    checked = 0
    for pattern, model in _pages():
        if pattern.name in ("logout",):
            continue
        label = model._meta.label_lower if model is not None else None
        scope = MODEL_SCOPE.get(label)
        hidden = rows[other_team].get(label) if scope == "lead" else None
        takes_object = bool(pattern.pattern.regex.groups)
        url = _url_for(pattern, hidden.pk if hidden is not None and takes_object else None)
        response = client.get(url)
        checked += 1
        assert response.status_code < 500, (role, url)
        if scope == "operator" or (scope == "partners" and role != "partner"):
            # Refused; an object page for a row that does not exist may say so instead.
            allowed = (302, 403, 404) if takes_object else (403,)
            assert response.status_code in allowed, (role, url)
        if hidden is not None and takes_object and role != "partner":
            assert not (response.status_code == 200 and _shows_the_row(response, hidden)), (
                role,
                url,
            )
            if re.search(r"_(change|history|delete|simple_history)$", pattern.name):
                assert response.status_code in (302, 403, 404), (role, url)
        if hidden is not None and takes_object and role == "partner":
            # A partner opens every team's rows (but "my follow-ups" are the reader's own).
            if pattern.name.endswith("_change") and label != "followups.myfollowup":
                assert response.status_code == 200, (role, url)
    assert checked > 150


@pytest.fixture
def firm(db):
    """Employment (Tom, Sam; head Hana, who sits in Property) and Property (Olive,
    supervised by Sam); Hana is supervised by Priya, who is in no team."""
    employment = Team.objects.create(name="Employment")
    property_team = Team.objects.create(name="Property")

    def member(username, team, supervisor=None):
        user = UserFactory(username=username, email=f"{username}@firm.example")
        return Member.objects.create(user=user, team=team, supervisor=supervisor)

    priya = member("priya", None)
    hana = member("hana", property_team, supervisor=priya)
    sam = member("sam", employment)
    tom = member("tom", employment, supervisor=sam)
    olive = member("olive", property_team, supervisor=sam)
    employment.head = hana
    employment.save()
    return {"priya": priya, "hana": hana, "sam": sam, "tom": tom, "olive": olive}


def test_a_head_of_team_sees_the_team_they_head_though_they_sit_in_another(firm):
    tom_lead = LeadFactory(owner=firm["tom"].user)
    assert may_see_lead(firm["hana"].user, tom_lead)
    assert tom_lead in visible_leads(firm["hana"].user)


def test_a_supervisor_sees_the_people_they_supervise_in_other_teams(firm):
    olive_lead = LeadFactory(owner=firm["olive"].user)
    assert may_see_lead(firm["sam"].user, olive_lead)
    # ... and Tom, in Sam's team, sees it only because it is his team's? No: Olive is in
    # Property, Tom in Employment; Tom supervises nobody.
    assert not may_see_lead(firm["tom"].user, olive_lead)


def test_everyone_an_overdue_follow_up_escalates_to_can_open_the_lead(firm):
    members = {m.user_id: m for m in Member.objects.select_related("team__head", "supervisor")}
    for owner in ("tom", "olive", "sam", "hana"):
        lead = LeadFactory(owner=firm[owner].user)
        for level in EscalationLevel:
            recipient = resolve_recipient(
                owner=firm[owner].user, level=level, members=members, absences={}
            )
            if recipient.user_id is None:
                continue  # triage: the firm's shared inbox
            user = Member.objects.get(user_id=recipient.user_id).user
            assert may_see_lead(user, lead), (owner, level, user.username)


@pytest.mark.parametrize("role", ["head", "earner", "outsider"])
def test_every_api_route_refuses_another_team_s_lead_and_follow_up_to_every_role(world, role):
    """Every API operation in the schema that names an object, called by each fee-earning
    role on the other team's lead or follow-up: "not found", and nothing changes."""
    from rest_framework.test import APIClient

    from tests.security.test_access_matrix import API_ROUTES

    people, rows = world
    other = rows["earner" if role == "outsider" else "outsider"]
    client = APIClient()
    client.force_authenticate(people[role])
    lead, followup = other["leads.lead"], other["followups.followup"]
    before = snapshot_of(lead, followup)
    routes = [(path, method) for path, method in API_ROUTES if "{id}" in path]
    assert len(routes) >= 9
    for path, method in routes:
        target = followup if path.startswith("/api/v1/followups/") else lead
        response = getattr(client, method)(
            path.replace("{id}", str(target.pk)),
            {"status": "contacted", "text": "x", "summary": "x", "member": 1, "reason": "x",
             "due_at": "2030-01-01T10:00:00Z"},
            format="json",
        )  # fmt: skip
        assert response.status_code == 404, (role, method, path, response.status_code)
    assert snapshot_of(lead, followup) == before


def snapshot_of(lead, followup) -> tuple:
    lead.refresh_from_db()
    followup.refresh_from_db()
    return (
        lead.status,
        lead.owner_id,
        lead.activities.count(),
        followup.due_at,
        followup.completed_at,
    )
