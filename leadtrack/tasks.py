"""Project-wide Celery tasks run by beat: thin wrappers around one function each."""

from celery import shared_task

from leadtrack.planner_statistics import planner_statistics_refresh as refresh


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def planner_statistics_refresh() -> float:
    return refresh()
