"""The pipeline runner: steps run once each, failures are recorded and retried, and the
safety net finishes any lead whose pipeline stalled."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from celery.exceptions import Retry
from django.core import mail
from django.utils import timezone

from leads.choices import Channel, PipelineStepState
from leads.models import Lead, PipelineStepRun
from leads.services import ContactDetails, PipelineStepError, lead_capture, pipeline_run
from leads.services.pipeline import pipeline_retry, pipeline_stalled_leads
from leads.tasks import pipeline_resume_stalled
from leads.tasks import pipeline_run as pipeline_task

pytestmark = pytest.mark.django_db(transaction=False)

CALLS: list[int] = []


def recording_step(*, lead: Lead) -> None:
    CALLS.append(lead.pk)


def failing_step(*, lead: Lead) -> None:
    lead.source = "half-written"
    lead.save(update_fields=["source"])
    raise RuntimeError("the qualification service is down")


@pytest.fixture(autouse=True)
def _reset_calls():
    CALLS.clear()


def _capture(**overrides) -> Lead:
    values = {
        "channel": Channel.WEB_FORM,
        "contact": ContactDetails(name="Jo Bloggs", email="jo@example.com"),
        "message": "Please help with my will.",
    }
    values.update(overrides)
    return lead_capture(**values).lead


def test_captured_lead_runs_every_step_and_is_marked_complete(
    settings, django_capture_on_commit_callbacks
):
    settings.LEADTRACK_PIPELINE = [
        "tests.leads.test_pipeline.recording_step",
        "leads.steps.acknowledge",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        lead = _capture()
    lead.refresh_from_db()
    assert lead.pipeline_complete
    assert CALLS == [lead.pk]
    runs = {run.step: run for run in lead.pipeline_runs.all()}
    assert {run.state for run in runs.values()} == {PipelineStepState.SUCCEEDED}
    assert runs["leads.steps.acknowledge"].attempts == 1
    assert len(mail.outbox) == 1
    assert lead.reference in mail.outbox[0].subject


def test_succeeded_steps_are_not_run_again(settings, django_capture_on_commit_callbacks):
    settings.LEADTRACK_PIPELINE = ["tests.leads.test_pipeline.recording_step"]
    with django_capture_on_commit_callbacks(execute=True):
        lead = _capture()
    Lead.objects.filter(pk=lead.pk).update(pipeline_completed_at=None)

    pipeline_run(lead_id=lead.pk)

    assert CALLS == [lead.pk]


def test_failed_step_is_recorded_rolled_back_and_raised(settings):
    settings.LEADTRACK_PIPELINE = ["tests.leads.test_pipeline.failing_step"]
    with mock.patch("leads.services.capture.pipeline_enqueue"):
        lead = _capture(source="Website")

    with pytest.raises(PipelineStepError, match="qualification service is down"):
        pipeline_run(lead_id=lead.pk)

    lead.refresh_from_db()
    assert lead.source == "Website"  # the step's half-done write was rolled back
    assert not lead.pipeline_complete
    run = PipelineStepRun.objects.get(lead=lead)
    assert run.state == PipelineStepState.FAILED
    assert run.attempts == 1
    assert "qualification service is down" in run.error


def test_failure_after_capture_keeps_the_lead_and_asks_for_a_retry(
    settings, django_capture_on_commit_callbacks
):
    settings.LEADTRACK_PIPELINE = ["tests.leads.test_pipeline.failing_step"]
    with django_capture_on_commit_callbacks(execute=True):
        lead = _capture()  # the failing task must not break capture

    lead.refresh_from_db()
    assert not lead.pipeline_complete
    assert PipelineStepRun.objects.get(lead=lead).state == PipelineStepState.FAILED
    with pytest.raises(Retry):  # what a worker does: schedule the task again, with backoff
        pipeline_task.apply(kwargs={"lead_id": lead.pk})
    assert PipelineStepRun.objects.get(lead=lead).attempts == 2


def test_step_failing_max_attempts_is_put_on_the_timeline_once(settings):
    settings.LEADTRACK_PIPELINE = ["tests.leads.test_pipeline.failing_step"]
    settings.LEADTRACK_PIPELINE_MAX_ATTEMPTS = 3
    with mock.patch("leads.services.capture.pipeline_enqueue"):
        lead = _capture()
    for _ in range(4):
        with pytest.raises(PipelineStepError):
            pipeline_run(lead_id=lead.pk)
    assert lead.activities.filter(kind="pipeline_failed").count() == 1


def test_safety_net_resumes_a_lead_whose_broker_message_was_lost(settings):
    settings.LEADTRACK_PIPELINE = ["tests.leads.test_pipeline.recording_step"]
    with mock.patch("leads.services.capture.pipeline_enqueue") as lost:
        lead = _capture()
    lost.assert_not_called()  # on_commit callbacks do not run in this test transaction
    assert not pipeline_stalled_leads().exists()  # too young to count as stalled

    with time_machine.travel(timezone.now() + timedelta(minutes=3), tick=False):
        resumed = pipeline_resume_stalled()

    assert resumed == 1
    lead.refresh_from_db()
    assert lead.pipeline_complete
    assert CALLS == [lead.pk]


def test_safety_net_gives_up_after_max_attempts_and_retry_restarts(settings):
    settings.LEADTRACK_PIPELINE = ["tests.leads.test_pipeline.failing_step"]
    settings.LEADTRACK_PIPELINE_MAX_ATTEMPTS = 2
    with mock.patch("leads.services.capture.pipeline_enqueue"):
        lead = _capture()
    for _ in range(2):
        with pytest.raises(PipelineStepError):
            pipeline_run(lead_id=lead.pk)
    later = timezone.now() + timedelta(minutes=10)
    assert not pipeline_stalled_leads(now=later).exists()

    settings.LEADTRACK_PIPELINE = ["tests.leads.test_pipeline.recording_step"]
    with mock.patch("leads.services.capture.pipeline_enqueue") as enqueue:
        pipeline_retry(lead=lead)
    assert pipeline_stalled_leads(now=later).filter(pk=lead.pk).exists()
    del enqueue


def test_completed_pipeline_is_a_no_op(settings, django_capture_on_commit_callbacks):
    settings.LEADTRACK_PIPELINE = ["tests.leads.test_pipeline.recording_step"]
    with django_capture_on_commit_callbacks(execute=True):
        lead = _capture()
    assert pipeline_run(lead_id=lead.pk) is True
    assert CALLS == [lead.pk]


FLAKY = {"fail": True}


def flaky_step(*, lead: Lead) -> None:
    if FLAKY["fail"]:
        raise RuntimeError("the mail server is down")


def test_a_failed_attempt_then_a_successful_retry_records_both_attempts(settings):
    settings.LEADTRACK_PIPELINE = ["tests.leads.test_pipeline.flaky_step"]
    with mock.patch("leads.services.capture.pipeline_enqueue"):
        lead = _capture()
    FLAKY["fail"] = True
    with pytest.raises(PipelineStepError):
        pipeline_run(lead_id=lead.pk)
    run = PipelineStepRun.objects.get(lead=lead)
    assert (run.state, run.attempts) == (PipelineStepState.FAILED, 1)
    FLAKY["fail"] = False
    try:
        assert pipeline_run(lead_id=lead.pk) is True
    finally:
        FLAKY["fail"] = True
    run.refresh_from_db()
    assert (run.state, run.attempts, run.error) == (PipelineStepState.SUCCEEDED, 2, "")
    assert run.started_at is not None and run.finished_at >= run.started_at
