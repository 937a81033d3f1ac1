"""App configs for the project package: Leadtrack's own admin site, and the project app
that holds the project-wide commands (demo firm, superuser) and templates."""

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class LeadtrackAdminConfig(AdminConfig):
    default_site = "leadtrack.admin_site.LeadtrackAdminSite"


class LeadtrackConfig(AppConfig):
    name = "leadtrack"
    verbose_name = "Leadtrack"

    def ready(self) -> None:
        # Registers the reports' percentile aggregate on each SQLite connection.
        from leadtrack.reports import expressions  # noqa: F401
