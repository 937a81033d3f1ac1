"""Celery tasks for compliance: thin wrappers that call one service each."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from compliance import services


@shared_task(acks_late=True, soft_time_limit=1800, time_limit=2000)
def retention_run() -> str:
    """Beat: report what the schedule will do ``LEADTRACK_RETENTION_NOTICE_DAYS`` ahead (a
    logged dry run), then apply it now; returns both summaries."""
    ahead = timezone.now() + timedelta(days=settings.LEADTRACK_RETENTION_NOTICE_DAYS)
    notice = services.retention_run(as_of=ahead, dry_run=True)
    run = services.retention_run()
    return f"{run.summary} Coming: {notice.summary}"
