"""Beat's schedule is in the database, installed once, and edits made in the admin stay."""

from io import StringIO

import pytest
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from leadtrack.celery import app as celery_app
from leadtrack.periodic_tasks import DEFAULT_PERIODIC_TASKS

pytestmark = pytest.mark.django_db


def test_migration_installs_every_default_task():
    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert {job.name for job in DEFAULT_PERIODIC_TASKS} <= names
    resume = PeriodicTask.objects.get(name="leads-resume-stalled-pipelines")
    assert resume.task == "leads.tasks.pipeline_resume_stalled"
    assert str(resume.crontab.timezone) == "Europe/London"


def test_an_edit_in_the_admin_survives_beat_starting_and_a_reinstall():
    digest = PeriodicTask.objects.get(name="followups-daily-digests")
    later, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="9",
        day_of_week="mon-fri",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/London",
    )
    digest.crontab = later
    digest.save()
    PeriodicTask.objects.filter(name="routing-brief-digests").update(enabled=False)

    DatabaseScheduler(app=celery_app)  # what `celery beat` does when it starts
    call_command("install_periodic_tasks", stdout=StringIO())

    digest.refresh_from_db()
    assert (digest.crontab.hour, digest.crontab.minute) == ("9", "30")
    assert not PeriodicTask.objects.get(name="routing-brief-digests").enabled


def test_install_command_restores_a_deleted_default():
    PeriodicTask.objects.filter(name="followups-escalation-sweep").delete()
    out = StringIO()
    call_command("install_periodic_tasks", stdout=out)
    assert "followups-escalation-sweep" in out.getvalue()
    assert PeriodicTask.objects.filter(name="followups-escalation-sweep").exists()
