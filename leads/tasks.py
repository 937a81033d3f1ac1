"""Celery tasks for leads: thin wrappers that take ids and call one service each."""

from celery import shared_task

from leads import services
from leads.choices import EmailState, InboundKind
from leads.services.email import outbound_email_resend_stalled as resend_stalled
from leads.services.inbound import inbound_email_process as inbound_process
from leads.services.inbound import inbound_reprocess_pending as reprocess_pending


class EmailNotSent(Exception):
    """The mail backend refused or failed; the task retries with backoff."""


class InboundNotProcessed(Exception):
    """A stored email is still pending (its processing failed, or another worker holds
    it); the task retries with backoff."""


@shared_task(
    autoretry_for=(services.PipelineStepError,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=8,
    acks_late=True,
    soft_time_limit=120,
    time_limit=180,
)
def pipeline_run(*, lead_id: int) -> bool:
    return services.pipeline_run(lead_id=lead_id)


@shared_task(acks_late=True, soft_time_limit=90, time_limit=120)
def pipeline_resume_stalled() -> int:
    return len(services.pipeline_resume_stalled())


@shared_task(
    autoretry_for=(EmailNotSent,),
    retry_backoff=10,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
    soft_time_limit=90,
    time_limit=120,
)
def outbound_email_send(*, email_id: int) -> str:
    email = services.outbound_email_send(email_id=email_id)
    if email.state == EmailState.QUEUED:
        raise EmailNotSent(email.error)
    return email.state


@shared_task(acks_late=True, soft_time_limit=90, time_limit=120)
def outbound_email_resend_stalled() -> int:
    return resend_stalled()


@shared_task(
    autoretry_for=(InboundNotProcessed,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=8,
    acks_late=True,
    soft_time_limit=120,
    time_limit=180,
)
def inbound_email_process(*, inbound_id: int) -> str:
    """Turn a stored email into a lead, a reply, a bounce or a held message."""
    inbound = inbound_process(inbound_id=inbound_id)
    if inbound.processed_at is None and inbound.kind != InboundKind.FAILED:
        raise InboundNotProcessed(inbound.error or "held by another worker")
    return inbound.kind


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def inbound_reprocess_pending() -> int:
    """Process again inbound emails stored but not yet processed (the safety net)."""
    return reprocess_pending()
