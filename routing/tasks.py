"""Routing's Celery tasks: thin wrappers taking ids and calling one service each."""

from celery import shared_task

from routing import services


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def brief_digests_send() -> int:
    """The daily digest of tier C briefs for members who chose it (beat, each morning)."""
    return services.brief_digests_send()
