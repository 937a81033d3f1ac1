"""Celery tasks for follow-ups (run by beat): thin wrappers around one service each.

The sweep never expires: a worker that is behind still runs every sweep beat sent (an
expiry of a minute made a busy worker discard them and escalations went out minutes
late). A backlog of sweeps is cheap, because each level of an escalation is sent exactly
once however many sweeps overlap (see ``followups.services.escalation``).
"""

from celery import shared_task

from followups import services


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
def escalation_sweep() -> int:
    return services.escalation_sweep().escalations


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def digests_send_daily() -> int:
    return services.digests_send_daily()


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def weekly_summaries_send() -> int:
    return services.weekly_summaries_send()
