"""Install any default periodic task that is missing (never changes existing ones)."""

from django.core.management.base import BaseCommand
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from leadtrack.periodic_tasks import periodic_tasks_install


class Command(BaseCommand):
    help = (
        "Create the default Celery beat tasks that do not exist yet. Existing tasks, and "
        "any edits made to them in the admin, are left as they are."
    )

    def handle(self, *args, **options) -> None:
        created = periodic_tasks_install(crontab_model=CrontabSchedule, task_model=PeriodicTask)
        if created:
            self.stdout.write(self.style.SUCCESS(f"Installed: {', '.join(created)}"))
        else:
            self.stdout.write("Every default periodic task is already installed.")
