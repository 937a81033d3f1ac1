"""Bad input at every entry point, as one table: each input, the answer expected, and
nothing half-written.

Every row posts (or fetches) one bad input through the real URL a person or a program
uses: the public enquiry form, the API (capture, a lead's status, notes, calls,
meetings, reassignment, a follow-up, the token), and the admin's own entry pages (quick
actions, the reply box, the tier override, reassignment, logging a phone enquiry, the
lead list's filters and bulk actions). For each: the answer is the one in the table (a
clear 4xx, or the form shown again with its errors, or the admin's redirect with an
error message), never a 500, and the database afterwards is exactly as before: the same
rows in every table of Leadtrack's apps, and the lead and its follow-up unchanged.
The webhooks' own table is in tests/leads/test_inbound_webhooks.py.
"""

import datetime as dt
import json
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.utils import timezone
from rest_framework.test import APIClient

from followups.models import FollowUp
from leads.models import Lead
from routing.models import Member
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

APPS = ("firm", "leads", "qualification", "compliance", "routing", "followups")


def snapshot() -> dict:
    """Every table of Leadtrack's apps by row count, and the lead and follow-up rows."""
    counts = {
        model._meta.label: model.objects.count()
        for app in APPS
        for model in apps.get_app_config(app).get_models()
    }
    return {
        "counts": counts,
        "leads": list(Lead.objects.order_by("pk").values()),
        "followups": list(FollowUp.objects.order_by("pk").values()),
    }


@dataclass
class Bad:
    """One bad input: where it goes, what it is, and the answers that are right."""

    id: str
    surface: str  # "public", "api" or "admin"
    method: str
    url: str  # may name {lead}, {followup}
    data: object = None
    content_type: str | None = None
    expected: tuple[int, ...] = (400,)
    raw: bytes | None = None
    extra: dict = field(default_factory=dict)


FUTURE = (timezone.now() + dt.timedelta(days=3)).isoformat()
HUGE = "x" * 2_000_000
DEEP = "[" * 100_000 + "]" * 100_000

ROWS = [
    # -- the public enquiry form: shown again with its errors, answered 400 ------------
    Bad("form-empty", "public", "post", "/enquire/", {}, expected=(400,)),
    Bad("form-no-way-to-reply", "public", "post", "/enquire/",
        {"name": "Ann Other", "message": "Help with a will", "consent": "on"}, expected=(400,)),
    Bad("form-bad-email", "public", "post", "/enquire/",
        {"name": "Ann", "email": "not-an-email", "message": "Will", "consent": "on"},
        expected=(400,)),
    Bad("form-unknown-area", "public", "post", "/enquire/",
        {"name": "Ann", "email": "ann@example.com", "message": "Will", "consent": "on",
         "practice_area": "99999"}, expected=(400,)),
    Bad("form-name-with-newline", "public", "post", "/enquire/",
        {"name": "Ann\r\nBcc: x@example.com", "email": "ann@example.com", "message": "Will",
         "consent": "on"}, expected=(400,)),
    Bad("form-huge-message", "public", "post", "/enquire/",
        {"name": "Ann", "email": "ann@example.com", "message": HUGE, "consent": "on"},
        expected=(200, 400, 413)),
    Bad("form-not-utf8", "public", "post", "/enquire/",
        raw=b"name=%FF%FE&email=ann%40example.com&message=%C3%28",
        content_type="application/x-www-form-urlencoded", expected=(200, 400)),
    Bad("form-bad-submission-key", "public", "post", "/enquire/",
        {"name": "Ann", "email": "ann@example.com", "message": "Will", "consent": "on",
         "submission_key": "not-a-uuid"}, expected=(400,)),
    Bad("form-put", "public", "put", "/enquire/", {}, expected=(405,)),
    Bad("thanks-forged-reference", "public", "get", "/enquire/thanks/?ref=LD-2026-99999%00",
        expected=(200, 302, 400, 404)),
    # -- the API: a clear 4xx in JSON -------------------------------------------------
    Bad("api-capture-deep-json", "api", "post", "/api/v1/leads/", raw=DEEP.encode(),
        content_type="application/json"),
    Bad("api-capture-null", "api", "post", "/api/v1/leads/", raw=b"null",
        content_type="application/json"),
    Bad("api-capture-nul", "api", "post", "/api/v1/leads/",
        {"contact": {"name": "A\x00B", "email": "a@example.com"}, "message": "x\x00y"}),
    Bad("api-capture-text-plain", "api", "post", "/api/v1/leads/", raw=b"hello",
        content_type="text/plain", expected=(415,)),
    Bad("api-capture-huge-number", "api", "post", "/api/v1/leads/",
        {"contact": {"email": "a@example.com"}, "message": "x", "arrived_at": 10**400}),
    Bad("api-status-unknown", "api", "post", "/api/v1/leads/{lead}/status/", {"status": "pigeon"}),
    Bad("api-status-list", "api", "post", "/api/v1/leads/{lead}/status/", {"status": ["lost"]}),
    Bad("api-status-lost-no-reason", "api", "post", "/api/v1/leads/{lead}/status/",
        {"status": "lost"}),
    Bad("api-status-merged", "api", "post", "/api/v1/leads/{lead}/status/",
        {"status": "merged", "reason": "x"}),
    Bad("api-status-empty", "api", "post", "/api/v1/leads/{lead}/status/", {}),
    Bad("api-status-not-json", "api", "post", "/api/v1/leads/{lead}/status/", raw=b"{status:",
        content_type="application/json"),
    Bad("api-status-no-such-lead", "api", "post", "/api/v1/leads/99999/status/",
        {"status": "contacted"}, expected=(404,)),
    Bad("api-status-lead-not-a-number", "api", "post", "/api/v1/leads/abc/status/",
        {"status": "contacted"}, expected=(404,)),
    Bad("api-note-empty", "api", "post", "/api/v1/leads/{lead}/notes/", {"text": ""}),
    Bad("api-note-too-long", "api", "post", "/api/v1/leads/{lead}/notes/", {"text": "n" * 501}),
    Bad("api-note-object", "api", "post", "/api/v1/leads/{lead}/notes/", {"text": {"a": 1}}),
    Bad("api-note-unknown-field", "api", "post", "/api/v1/leads/{lead}/notes/",
        {"text": "ok", "pinned": True}),
    Bad("api-call-no-summary", "api", "post", "/api/v1/leads/{lead}/calls/", {}),
    Bad("api-call-bad-time", "api", "post", "/api/v1/leads/{lead}/calls/",
        {"summary": "Spoke", "at": "yesterday"}),
    Bad("api-call-in-the-future", "api", "post", "/api/v1/leads/{lead}/calls/",
        {"summary": "Spoke", "at": FUTURE}),
    Bad("api-meeting-no-summary", "api", "post", "/api/v1/leads/{lead}/meetings/",
        {"summary": ""}),
    Bad("api-assign-no-such-member", "api", "post", "/api/v1/leads/{lead}/assign/",
        {"member": 99999, "reason": "Workload"}),
    Bad("api-assign-no-reason", "api", "post", "/api/v1/leads/{lead}/assign/", {"member": 1}),
    Bad("api-assign-member-text", "api", "post", "/api/v1/leads/{lead}/assign/",
        {"member": "tom", "reason": "x"}),
    Bad("api-followup-nothing", "api", "patch", "/api/v1/followups/{followup}/", {}),
    Bad("api-followup-two-changes", "api", "patch", "/api/v1/followups/{followup}/",
        {"completed_at": timezone.now().isoformat(), "due_at": FUTURE}),
    Bad("api-followup-bad-due", "api", "patch", "/api/v1/followups/{followup}/",
        {"due_at": "next Tuesday"}),
    Bad("api-followup-done-in-future", "api", "patch", "/api/v1/followups/{followup}/",
        {"completed_at": FUTURE}),
    Bad("api-followup-snooze-no-reason", "api", "patch", "/api/v1/followups/{followup}/",
        {"snooze_until": FUTURE}),
    Bad("api-followup-no-such", "api", "patch", "/api/v1/followups/99999/",
        {"due_at": FUTURE}, expected=(404,)),
    Bad("api-token-garbage", "api-anonymous", "post", "/api/v1/auth/token/",
        {"username": ["x"], "password": {"a": 1}}),
    Bad("api-token-not-json", "api-anonymous", "post", "/api/v1/auth/token/", raw=b"\xff\xfe",
        content_type="application/json"),
    # -- the admin's entry pages: the form again, or back to the lead with the error ------
    Bad("admin-quick-note-empty", "admin", "post", "/admin/leads/lead/{lead}/quick/note/",
        {"text": "  "}, expected=(302,)),
    Bad("admin-quick-status-unknown", "admin", "post", "/admin/leads/lead/{lead}/quick/status/",
        {"status": "pigeon"}, expected=(302,)),
    Bad("admin-quick-status-lost-no-reason", "admin", "post",
        "/admin/leads/lead/{lead}/quick/status/", {"status": "lost", "reason": ""},
        expected=(302,)),
    Bad("admin-quick-call-no-summary", "admin", "post", "/admin/leads/lead/{lead}/quick/call/",
        {"summary": ""}, expected=(302,)),
    Bad("admin-quick-call-bad-time", "admin", "post", "/admin/leads/lead/{lead}/quick/call/",
        {"summary": "Spoke", "at": "31/02/2026 25:99"}, expected=(302,)),
    Bad("admin-quick-unknown-action", "admin", "post", "/admin/leads/lead/{lead}/quick/explode/",
        {}, expected=(403,)),
    Bad("admin-quick-get", "admin", "get", "/admin/leads/lead/{lead}/quick/note/",
        expected=(403, 405)),
    Bad("admin-reply-empty", "admin", "post", "/admin/leads/lead/{lead}/reply/",
        {"subject": "", "body": ""}, expected=(200, 302)),
    Bad("admin-reply-bad-draft", "admin", "post", "/admin/leads/lead/{lead}/reply/",
        {"subject": "Re: x", "body": "Hello", "draft": "99999", "save_draft": "1"},
        expected=(200, 302, 404)),
    Bad("admin-override-no-reason", "admin", "post",
        "/admin/leads/lead/{lead}/override-tier/", {"tier": "A", "reason": ""},
        expected=(200, 302)),
    Bad("admin-override-unknown-tier", "admin", "post",
        "/admin/leads/lead/{lead}/override-tier/", {"tier": "Z", "reason": "x"},
        expected=(200, 302)),
    Bad("admin-reassign-no-such-member", "admin", "post", "/admin/leads/lead/{lead}/reassign/",
        {"member": "99999", "reason": "Workload"}, expected=(200,)),
    Bad("admin-reassign-no-reason", "admin", "post", "/admin/leads/lead/{lead}/reassign/",
        {"member": "{member}", "reason": ""}, expected=(200,)),
    Bad("admin-log-phone-empty", "admin", "post", "/admin/leads/lead/log-phone/", {},
        expected=(200,)),
    Bad("admin-log-phone-future", "admin", "post", "/admin/leads/lead/log-phone/",
        {"name": "Ann", "phone": "020 7946 0000", "subject": "Will", "message": "A will",
         "arrived_at_0": "01/01/2099", "arrived_at_1": "10:00",
         "submission_key": "8d3c0f8e-7d0e-4d35-a7f5-3f2b4b1f3c11"}, expected=(200,)),
    Bad("admin-list-bad-date", "admin", "get", "/admin/leads/lead/?arrived_from=not-a-date",
        expected=(200, 302)),
    Bad("admin-list-bad-order", "admin", "get", "/admin/leads/lead/?o=999.abc",
        expected=(200, 302)),
    Bad("admin-list-bad-filter", "admin", "get", "/admin/leads/lead/?status__exact=pigeon&x=%00",
        expected=(200, 302)),
    Bad("admin-list-nul-search", "admin", "get", "/admin/leads/lead/?q=%00%27%22",
        expected=(200, 302)),
    Bad("admin-bulk-bad-ids", "admin", "post", "/admin/leads/lead/",
        {"action": "export_csv", "_selected_action": ["abc", "-1"]}, expected=(200, 302)),
    Bad("admin-bulk-unknown-action", "admin", "post", "/admin/leads/lead/",
        {"action": "drop_tables", "_selected_action": ["{lead}"]}, expected=(200, 302)),
]  # fmt: skip


@pytest.fixture
def world(staff_user):
    owner = Member.objects.create(user=staff_user)
    lead = LeadFactory(owner=staff_user)
    followup = FollowUp.objects.create(
        lead=lead,
        stage="new",
        kind="first_contact",
        due_at=timezone.now() + dt.timedelta(hours=2),
        next_escalation_at=timezone.now() + dt.timedelta(hours=2),
        owner=staff_user,
    )
    return {"user": staff_user, "lead": lead, "followup": followup, "member": owner}


def _fill(value, world):
    names = {"lead": world["lead"].pk, "followup": world["followup"].pk}
    names["member"] = world["member"].pk
    if isinstance(value, str):
        for key, pk in names.items():
            value = value.replace("{" + key + "}", str(pk))
        return value
    if isinstance(value, dict):
        return {k: _fill(v, world) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, world) for v in value]
    return value


def _send(client, row: Bad, world):
    url = _fill(row.url, world)
    method = getattr(client, row.method)
    if row.raw is not None:
        return method(url, data=row.raw, content_type=row.content_type)
    data = _fill(row.data, world)
    if row.surface.startswith("api"):
        if row.method == "get":
            return method(url)
        return method(url, data=json.dumps(data), content_type="application/json")
    if row.method in ("get",):
        return method(url)
    if row.method in ("put", "patch", "delete"):
        return method(url, data=json.dumps(data or {}), content_type="application/json")
    return method(url, data or {})


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_bad_input_gets_its_answer_and_changes_nothing(client, world, row):
    if row.surface == "api":
        client = APIClient()
        client.force_authenticate(world["user"])
    elif row.surface == "api-anonymous":
        client = APIClient()
    elif row.surface == "admin":
        client.force_login(world["user"])
    client.raise_request_exception = False
    before = snapshot()
    response = _send(client, row, world)
    assert response.status_code in row.expected, (row.id, response.status_code)
    if row.surface.startswith("api") and response.status_code == 400:
        payload = response.json()
        assert payload.get("detail"), (row.id, payload)
    assert snapshot() == before, row.id


def test_the_table_covers_every_api_route_that_takes_input():
    """Every API operation that takes a body has at least one bad input in the table."""
    from tests.security.test_access_matrix import api_operations

    taking_input = {(path, method) for path, method in api_operations() if method != "get"}
    covered = set()
    for row in ROWS:
        if not row.surface.startswith("api"):
            continue
        path = row.url
        for name in ("{lead}", "{followup}", "99999", "abc"):
            path = path.replace(name, "{id}")
        covered.add((path, row.method))
    assert taking_input <= covered, taking_input - covered
