"""Install the default periodic tasks once; later edits in the admin are kept."""

from django.db import migrations


def install(apps, schema_editor):
    from leadtrack.periodic_tasks import periodic_tasks_install

    periodic_tasks_install(
        crontab_model=apps.get_model("django_celery_beat", "CrontabSchedule"),
        task_model=apps.get_model("django_celery_beat", "PeriodicTask"),
    )


class Migration(migrations.Migration):
    dependencies = [("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
