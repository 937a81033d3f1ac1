"""A lead captured through the API on PostgreSQL is taken by a real Celery worker over
Redis and its pipeline completes; a lost broker message is recovered by the safety net."""

from datetime import timedelta
from unittest import mock

from django.utils import timezone
from rest_framework.test import APIClient

from leads.models import Lead
from leads.tasks import pipeline_resume_stalled
from tests.e2e.conftest import wait_for
from tests.factories import UserFactory


def _capture(client: APIClient, email: str) -> int:
    response = client.post(
        "/api/v1/leads/",
        {"contact": {"name": "Ada Byron", "email": email}, "message": "Help with a contract"},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_api_capture_is_processed_by_a_real_worker(celery_workers, celery_not_eager):
    celery_workers.start()
    client = APIClient()
    client.force_authenticate(UserFactory(username="integration"))

    lead_id = _capture(client, "ada@example.com")

    lead = wait_for(
        lambda: Lead.objects.filter(pk=lead_id, pipeline_completed_at__isnull=False).first(),
        what="the worker to complete the pipeline",
    )
    assert set(lead.pipeline_runs.values_list("state", flat=True)) == {"succeeded"}
    wait_for(lambda: list(celery_workers.mail_dir.iterdir()), what="the acknowledgement email")
    kinds = list(lead.activities.values_list("kind", flat=True))
    wait_for(
        lambda: "acknowledgement_sent" in set(lead.activities.values_list("kind", flat=True)),
        what="the acknowledgement on the timeline",
    )
    assert kinds[0] == "captured"


def test_lost_broker_message_is_recovered_by_the_safety_net(celery_workers, celery_not_eager):
    client = APIClient()
    client.force_authenticate(UserFactory(username="integration"))
    with mock.patch("leads.tasks.pipeline_run.delay") as lost:
        lead_id = _capture(client, "lost@example.com")
    assert lost.called  # the message was "sent", and never reached the broker
    Lead.objects.filter(pk=lead_id).update(captured_at=timezone.now() - timedelta(minutes=10))

    celery_workers.start()
    pipeline_resume_stalled.delay()  # what beat sends every minute

    wait_for(
        lambda: Lead.objects.filter(pk=lead_id, pipeline_completed_at__isnull=False).exists(),
        what="the safety net to resume the lead's pipeline",
    )
