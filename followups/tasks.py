"""Celery tasks for follow-ups (run by beat): thin wrappers around one service each.

The sweep expires after a minute, so a backlog of missed minutes never runs as a pile of
sweeps; overlapping sweeps are safe anyway (see ``followups.services.escalation``).
"""

from celery import shared_task

from followups import services


@shared_task(acks_late=True, expires=55, soft_time_limit=50, time_limit=60)
def escalation_sweep() -> int:
    return services.escalation_sweep().escalations


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def digests_send_daily() -> int:
    return services.digests_send_daily()


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def weekly_summaries_send() -> int:
    return services.weekly_summaries_send()
