"""A lead's whole journey through every app on the demo firm: capture, qualification,
routing with a brief, follow-ups, reassignment, a logged call and closing."""

from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from followups.models import FollowUp
from leads.choices import Channel, Status
from leads.models import OutboundEmail
from leads.services import ContactDetails, lead_capture, lead_change_status, lead_log_call
from routing.models import Member
from routing.services import lead_reassign

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_firm(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_firm", stdout=StringIO())
    mail.outbox.clear()


def test_employment_enquiry_walks_through_every_app(demo_firm, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lead = lead_capture(
            channel=Channel.WEB_FORM,
            contact=ContactDetails(name="Alex Morgan", email="alex.morgan@example.com"),
            subject="Unfair dismissal",
            message=(
                "I was dismissed on Monday after 6 years as operations director. I want to "
                "bring an unfair dismissal claim at the employment tribunal. My salary is "
                "£95,000. Please call me urgently."
            ),
        ).lead
    lead.refresh_from_db()
    assert lead.pipeline_complete
    assert lead.qualification.practice_area.slug == "employment"
    assert lead.owner is not None
    assert lead.status == Status.ASSIGNED
    kinds = set(lead.activities.values_list("kind", flat=True))
    assert {
        "captured",
        "qualified",
        "assigned",
        "brief_sent",
        "acknowledgement_sent",
        "followup_scheduled",
    } <= kinds
    recipients = {address for message in mail.outbox for address in message.to}
    assert {"alex.morgan@example.com", lead.owner.email} <= recipients
    first = FollowUp.objects.get(lead=lead, completed_at__isnull=True)
    assert first.owner == lead.owner
    assert lead.next_action_due_at == first.due_at
    brief = OutboundEmail.objects.get(lead=lead, kind="brief")
    due = timezone.localtime(first.due_at)
    assert f"Due by {due:%a} {due.day} {due:%b} at {due:%H:%M}" in brief.body_text

    other = (
        Member.objects.filter(is_active=True, team__name="Employment")
        .exclude(user=lead.owner)
        .first()
    )
    with django_capture_on_commit_callbacks(execute=True):
        lead_reassign(lead=lead, member=other, reason="Priya is in court all week", actor=None)
    first.refresh_from_db()
    assert first.owner == other.user  # open follow-ups follow the lead to its new owner

    with django_capture_on_commit_callbacks(execute=True):
        lead_log_call(
            lead=lead,
            summary="Spoke to Alex; meeting on Thursday",
            outcome="reached",
            agreed="meeting",
            actor=other.user,
        )
    first.refresh_from_db()
    assert first.completed_at is not None
    lead.refresh_from_db()
    assert lead.first_response_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        lead_change_status(
            lead=lead,
            status=Status.LOST,
            reason="Instructed another firm: chose a firm nearer home",
        )
    assert not FollowUp.objects.filter(lead=lead, completed_at__isnull=True).exists()


def _pipeline_queries(count: int) -> list[int]:
    """Queries each of ``count`` new web-form leads' pipelines made, lead by lead."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from leads.services import capture as capture_service
    from leads.services import pipeline_run

    made = []
    for n in range(count):
        with mock.patch.object(capture_service, "pipeline_enqueue", lambda **kwargs: None):
            lead = lead_capture(
                channel=Channel.WEB_FORM,
                contact=ContactDetails(name=f"Sam Lee {n}", email=f"sam.lee{n}@example.com"),
                message="We are buying a leasehold flat for £285,000; completion in six weeks.",
            ).lead
        with CaptureQueriesContext(connection) as queries:
            pipeline_run(lead_id=lead.pk)
        made.append(len(queries))
    return made


def test_a_leads_pipeline_makes_a_fixed_number_of_queries(demo_firm):
    """Capture to brief is the pipeline's round trips (issue 19): the count is fixed, does
    not grow with the leads already held, and stays at what docs/performance.md gives."""
    first, *rest = _pipeline_queries(4)
    assert len(set(rest)) == 1, rest
    assert rest[0] <= 133, rest  # 174 before issue 19; 151 before a step ran in one transaction
