"""The periodic jobs Celery beat runs, installed once into django-celery-beat's tables.

Beat reads its schedule from the database (``DatabaseScheduler``), where the admin edits
it under *Periodic tasks*. The defaults below are written by a data migration and by
``manage.py install_periodic_tasks`` only when a task of that name is missing, so an
operator's edits (a different digest hour, a task switched off) are never overwritten.
``CELERY_BEAT_SCHEDULE`` stays empty on purpose: beat would overwrite the database from it
at every start.
"""

from dataclasses import dataclass

TIME_ZONE = "Europe/London"


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: str
    description: str
    minute: str = "*"
    hour: str = "*"
    day_of_week: str = "*"


DEFAULT_PERIODIC_TASKS = [
    PeriodicJob(
        "leads-resume-stalled-pipelines",
        "leads.tasks.pipeline_resume_stalled",
        "Safety net: re-run the pipeline of any lead that has not finished a few minutes "
        "after capture.",
    ),
    PeriodicJob(
        "leads-resend-stalled-emails",
        "leads.tasks.outbound_email_resend_stalled",
        "Send again any queued email whose send task was lost.",
    ),
    PeriodicJob(
        "leads-reprocess-inbound-email",
        "leads.tasks.inbound_reprocess_pending",
        "Process again inbound emails stored but not yet processed.",
    ),
    PeriodicJob(
        "followups-escalation-sweep",
        "followups.tasks.escalation_sweep",
        "Escalate overdue follow-ups: owner, then supervisor, then head of team.",
    ),
    PeriodicJob(
        "followups-daily-digests",
        "followups.tasks.digests_send_daily",
        "Each member's daily digest on working days (the task skips bank holidays and "
        "closure dates).",
        minute="0",
        hour="8",
        day_of_week="mon-fri",
    ),
    PeriodicJob(
        "followups-weekly-summaries",
        "followups.tasks.weekly_summaries_send",
        "Weekly pipeline summary for heads of team.",
        minute="30",
        hour="7",
        day_of_week="mon",
    ),
    PeriodicJob(
        "leadtrack-planner-statistics",
        "leadtrack.tasks.planner_statistics_refresh",
        "Keep the database's query-planner statistics current (SQLite's PRAGMA optimize, "
        "PostgreSQL's ANALYZE), so lists stay fast as the data grows.",
        minute="17",
    ),
    PeriodicJob(
        "compliance-retention-schedule",
        "compliance.tasks.retention_run",
        "Apply the retention schedule (Compliance → Retention policies): anonymise or delete "
        "closed leads past their policy's period; every run is logged.",
        minute="30",
        hour="2",
    ),
    PeriodicJob(
        "routing-brief-digests",
        "routing.tasks.brief_digests_send",
        "Daily digest of tier C briefs for members who chose one.",
        minute="0",
        hour="8",
    ),
]


def periodic_tasks_install(*, crontab_model, task_model) -> list[str]:
    """Create each default periodic task that does not exist yet; return their names.

    Takes the models so the data migration can pass its historical ones.
    """
    created = []
    for job in DEFAULT_PERIODIC_TASKS:
        if task_model.objects.filter(name=job.name).exists():
            continue
        schedule, _ = crontab_model.objects.get_or_create(
            minute=job.minute,
            hour=job.hour,
            day_of_week=job.day_of_week,
            day_of_month="*",
            month_of_year="*",
            timezone=TIME_ZONE,
        )
        task_model.objects.create(
            name=job.name, task=job.task, crontab=schedule, description=job.description
        )
        created.append(job.name)
    return created
