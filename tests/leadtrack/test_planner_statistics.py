"""A fresh database has the planner statistics an analysed one has, without anybody
running ANALYZE: after migrations, after bulk loads, and hourly by beat."""

import pytest
from django.db import connection
from django_celery_beat.models import PeriodicTask

from leadtrack.planner_statistics import planner_statistics_refresh
from leadtrack.tasks import planner_statistics_refresh as planner_statistics_task
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def _analysed_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's statistics table")
def test_migrations_leave_the_database_analysed():
    # The test database was made by `migrate`; its post_migrate hook analysed it (SQLite
    # keeps statistics only for tables that have rows).
    assert {"auth_permission", "django_migrations"} <= _analysed_tables()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's statistics table")
def test_refresh_analyses_what_was_loaded_since():
    LeadFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM sqlite_stat1")
    assert not _analysed_tables()
    seconds = planner_statistics_refresh()
    assert seconds >= 0
    assert "leads_lead" in _analysed_tables()


def test_beat_refreshes_the_statistics_every_hour():
    job = PeriodicTask.objects.get(name="leadtrack-planner-statistics")
    assert job.task == "leadtrack.tasks.planner_statistics_refresh"
    assert job.crontab.minute == "17" and job.crontab.hour == "*"
    assert planner_statistics_task.delay().get() >= 0
