"""Celery tasks for compliance: thin wrappers that call one service each."""

from celery import shared_task

from compliance import services


@shared_task(acks_late=True, soft_time_limit=1800, time_limit=2000)
def retention_run() -> str:
    """Beat: apply the retention schedule now; returns the run's summary."""
    return services.retention_run().summary
