"""Install the periodic tasks added since 0002 (the compliance retention schedule); tasks
that exist, and their edits in the admin, are left as they are."""

from django.db import migrations


def install(apps, schema_editor):
    from leadtrack.periodic_tasks import periodic_tasks_install

    periodic_tasks_install(
        crontab_model=apps.get_model("django_celery_beat", "CrontabSchedule"),
        task_model=apps.get_model("django_celery_beat", "PeriodicTask"),
    )


class Migration(migrations.Migration):
    dependencies = [("leadtrack", "0002_install_new_periodic_tasks")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
