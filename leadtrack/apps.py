"""App configs for the project package: Leadtrack's own admin site, and the project app
that holds the project-wide commands (demo firm, superuser) and templates."""

from django.apps import AppConfig, apps
from django.contrib.admin.apps import AdminConfig
from django.db.models.signals import post_migrate


class LeadtrackAdminConfig(AdminConfig):
    default_site = "leadtrack.admin_site.LeadtrackAdminSite"


class LeadtrackConfig(AppConfig):
    name = "leadtrack"
    verbose_name = "Leadtrack"

    def ready(self) -> None:
        # Registers the reports' percentile aggregate on each SQLite connection.
        from leadtrack.reports import expressions  # noqa: F401

        # Once per `migrate`, after every app's migrations: a fresh install starts with
        # the planner statistics an analysed database has. Django sends post_migrate for
        # each app that has models (this one has none), so listen for the last of them.
        last_app_with_models = [app for app in apps.get_app_configs() if app.models_module][-1]
        post_migrate.connect(_statistics_after_migrate, sender=last_app_with_models)


def _statistics_after_migrate(*, using: str, plan=None, **kwargs) -> None:
    from leadtrack.planner_statistics import planner_statistics_refresh

    if plan:  # only when migrations ran (not on a `migrate` that had nothing to do)
        planner_statistics_refresh(using=using, every_table=True)
