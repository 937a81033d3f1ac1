"""Leadtrack's URLs: the admin (the tracker), the API, inbound email webhooks, the
enquiry form and the health check."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from leadtrack.health import health

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("leadtrack.api.urls")),
    # Inbound email first (Leadtrack's answers around anymail's views), then anymail's own.
    path("anymail/", include("leads.inbound.urls")),
    path("anymail/", include("anymail.urls")),
    path("health/", health, name="health"),
    path("", include("leadtrack.public.urls")),
]
