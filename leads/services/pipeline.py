"""The pipeline runner: runs each step of ``LEADTRACK_PIPELINE`` for a lead, once.

Each step runs in its own transaction with the lead row locked, and its run is recorded
(``PipelineStepRun``: started, finished, attempts, error). A step that succeeded is never
run again; a step that failed is retried by the task, and a lead whose pipeline has not
finished a few minutes after capture is picked up again by the safety net.
"""

import logging
import traceback
from collections.abc import Callable
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.module_loading import import_string

from leads.choices import ActivityKind, PipelineStepState
from leads.models import Lead, PipelineStepRun
from leads.services.activity import activity_record

logger = logging.getLogger(__name__)

Step = Callable[..., object]


class PipelineStepError(Exception):
    """A pipeline step failed; the run is recorded and the task will retry."""


@cache
def _load_steps(paths: tuple[str, ...]) -> tuple[tuple[str, Step], ...]:
    return tuple((path, import_string(path)) for path in paths)


def pipeline_steps() -> tuple[tuple[str, Step], ...]:
    """The configured steps, imported once per configuration."""
    return _load_steps(tuple(settings.LEADTRACK_PIPELINE))


def pipeline_run(*, lead_id: int) -> bool:
    """Run every step not yet succeeded for the lead; True once the pipeline is complete.

    Raises PipelineStepError (after recording it) when a step fails, so the task retries.
    """
    if Lead.objects.filter(pk=lead_id, pipeline_completed_at__isnull=False).exists():
        return True
    for path, step in pipeline_steps():
        failure = _step_run(lead_id=lead_id, path=path, step=step)
        if failure is not None:
            raise PipelineStepError(f"{path} failed for lead {lead_id}: {failure}")
    with transaction.atomic():
        lead = Lead.objects.select_for_update().get(pk=lead_id)
        if lead.pipeline_completed_at is None:
            lead.pipeline_completed_at = timezone.now()
            lead.save(update_fields=["pipeline_completed_at"])
    return True


def _step_run(*, lead_id: int, path: str, step: Step) -> str | None:
    """Run one step under the lead's row lock; return the error text if it failed.

    The step and the record of its success commit together, in one transaction: nobody
    else sees a step half-run, so there is no "running" row to write first and no
    savepoint around the step. A step that fails rolls its whole transaction back, and
    the failure is recorded in a transaction of its own.
    """
    started = timezone.now()
    try:
        with transaction.atomic():
            lead = Lead.objects.select_for_update().get(pk=lead_id)
            # Every writer of a lead's step runs holds the lead's row lock (taken just
            # above), so a plain look-up then insert cannot race.
            run = PipelineStepRun.objects.filter(lead=lead, step=path).first()
            if run is not None and run.state == PipelineStepState.SUCCEEDED:
                return None
            step(lead=lead)
            finished = timezone.now()
            if run is None:
                PipelineStepRun.objects.create(
                    lead=lead,
                    step=path,
                    state=PipelineStepState.SUCCEEDED,
                    attempts=1,
                    started_at=started,
                    finished_at=finished,
                )
            else:
                run.state = PipelineStepState.SUCCEEDED
                run.attempts += 1
                run.started_at, run.finished_at, run.error = started, finished, ""
                run.save(update_fields=["state", "attempts", "started_at", "finished_at", "error"])
            return None
    except Exception as exc:
        logger.exception("Pipeline step %s failed for lead %s", path, lead_id)
        error = "".join(traceback.format_exception_only(exc)).strip()[:4000]
        _step_failure_record(lead_id=lead_id, path=path, started=started, error=error)
        return error


@transaction.atomic
def _step_failure_record(*, lead_id: int, path: str, started, error: str) -> None:
    """Record a failed attempt of a step (its own work was rolled back), and stop the
    pipeline on the timeline once the step has used its attempts."""
    lead = Lead.objects.select_for_update().get(pk=lead_id)
    run = PipelineStepRun.objects.filter(lead=lead, step=path).first()
    if run is None:
        run = PipelineStepRun(lead=lead, step=path, attempts=0)
    run.state = PipelineStepState.FAILED
    run.attempts += 1
    run.started_at, run.finished_at, run.error = started, timezone.now(), error
    run.save()
    if run.attempts == settings.LEADTRACK_PIPELINE_MAX_ATTEMPTS:
        activity_record(
            lead=lead,
            kind=ActivityKind.PIPELINE_FAILED,
            summary=(
                f"Step {path} failed {run.attempts} times and has stopped; "
                f"last error: {run.error[:200]}"
            ),
            data={"step": path, "error": run.error},
        )


def pipeline_stalled_leads(*, now=None):
    """Leads whose pipeline should have finished by now and has not, and has not given up."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.LEADTRACK_PIPELINE_STALL_SECONDS)
    exhausted = PipelineStepRun.objects.filter(
        lead=OuterRef("pk"),
        state=PipelineStepState.FAILED,
        attempts__gte=settings.LEADTRACK_PIPELINE_MAX_ATTEMPTS,
    )
    return (
        Lead.objects.filter(pipeline_completed_at__isnull=True, captured_at__lte=cutoff)
        .exclude(Exists(exhausted))
        .order_by("captured_at")
    )


def pipeline_resume_stalled(*, now=None, limit: int = 500) -> list[int]:
    """Re-enqueue the pipeline of every stalled lead (the safety net); returns their ids."""
    from leads.tasks import pipeline_run as pipeline_task

    lead_ids = list(pipeline_stalled_leads(now=now).values_list("pk", flat=True)[:limit])
    for lead_id in lead_ids:
        pipeline_task.delay(lead_id=lead_id)
    if lead_ids:
        logger.warning("Safety net resumed the pipeline of %d lead(s)", len(lead_ids))
    return lead_ids


@transaction.atomic
def pipeline_retry(*, lead: Lead) -> None:
    """Give a lead whose pipeline gave up a fresh set of attempts, and start it again."""
    PipelineStepRun.objects.filter(lead=lead, state=PipelineStepState.FAILED).update(attempts=0)
    from leads.services.capture import pipeline_enqueue

    transaction.on_commit(lambda: pipeline_enqueue(lead_id=lead.pk), robust=True)
