"""The firm's tracker: Django's admin site, titled for the firm."""

from django.conf import settings
from django.contrib import admin


class LeadtrackAdminSite(admin.AdminSite):
    site_url = None

    @property
    def site_header(self) -> str:
        return f"{settings.LEADTRACK_FIRM_NAME} · Leadtrack"

    @property
    def site_title(self) -> str:
        return f"{settings.LEADTRACK_FIRM_NAME} tracker"

    index_title = "Lead tracker"
