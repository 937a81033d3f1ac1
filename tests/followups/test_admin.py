"""The tracker: my follow-ups, overdue highlighted and filterable on the lead list, the
follow-ups on the lead page, and acting on a follow-up through the services."""

import datetime as dt

import pytest
from django.utils import timezone

from followups.models import FollowUp
from leads.choices import Status
from tests.factories import LeadFactory, UserFactory
from tests.followups.factories import FollowUpFactory, PolicyFactory, StepFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_user(client):
    user = UserFactory(username="boss", is_superuser=True)
    client.force_login(user)
    return client, user


def _overdue(owner):
    lead = LeadFactory(owner=owner, status=Status.ASSIGNED)
    due = timezone.now() - dt.timedelta(hours=2)
    item = FollowUpFactory(lead=lead, owner=owner, due_at=due)
    lead.next_action_due_at = due
    lead.save()
    return item


def test_my_followups_shows_only_mine_with_overdue_highlighted(admin_client_user):
    client, user = admin_client_user
    mine = _overdue(user)
    theirs = _overdue(UserFactory(username="someone"))
    page = client.get("/admin/followups/myfollowup/").content.decode()
    assert mine.lead.reference in page and theirs.lead.reference not in page
    assert "OVERDUE" in page
    everyone = client.get("/admin/followups/followup/?whose=all").content.decode()
    assert theirs.lead.reference in everyone


def test_lead_list_overdue_filter_and_column(admin_client_user):
    client, user = admin_client_user
    late = _overdue(user)
    fine = LeadFactory(owner=user, next_action_due_at=timezone.now() + dt.timedelta(days=1))
    page = client.get("/admin/leads/lead/?followup=overdue").content.decode()
    assert late.lead.reference in page and fine.reference not in page
    assert "OVERDUE" in page
    detail = client.get(f"/admin/leads/lead/{late.lead_id}/change/").content.decode()
    assert "Complete, snooze or reschedule" in detail


def test_complete_and_refused_snooze_in_the_admin(admin_client_user):
    client, user = admin_client_user
    item = _overdue(user)
    url = f"/admin/followups/followup/{item.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"action": "snooze", "new_due_at_0": "01/01/2020", "new_due_at_1": "10:00", "reason": ""},
        follow=True,
    )
    assert "reason" in response.content.decode()
    item.refresh_from_db()
    assert item.snooze_count == 0
    client.post(url, {"action": "complete", "reason": "Called"})
    item.refresh_from_db()
    assert item.completed_at is not None and item.completion_note == "Called"
    assert FollowUp.objects.filter(completed_at__isnull=True).count() == 0


def test_policy_and_calendar_pages(admin_client_user):
    client, _user = admin_client_user
    StepFactory(policy=PolicyFactory(name="Tier A", tier="A"))
    assert (
        "First contact within 1 working hour"
        in client.get("/admin/followups/followuppolicy/").content.decode()
    )
    response = client.get("/admin/followups/businesscalendar/", follow=True)
    assert "Supervisor after 120 working minutes" in response.content.decode()
