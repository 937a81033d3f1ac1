"""The firm's tracker: Django's admin site, titled for the firm, with the dashboard as
its index and the management reports under /admin/reports/."""

from functools import wraps

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path

from firm.selectors import firm_profile


def may_read_tracker(user) -> bool:
    """Whether the user may see the dashboard and reports (anyone who may view leads)."""
    return user.is_active and user.has_perm("leads.view_lead")


class LeadtrackAdminSite(admin.AdminSite):
    site_url = None

    @property
    def site_header(self) -> str:
        return f"{firm_profile().name} · Leadtrack"

    @property
    def site_title(self) -> str:
        return f"{firm_profile().name} tracker"

    index_title = "Lead tracker"

    def admin_view(self, view, cacheable=False):
        """Every admin page, with one guard for the lists' bulk actions: rows chosen by
        ids that cannot be ids (tampered with, or a stale page) are refused with a
        message, not left to fail in the database as a server error."""
        checked = wraps(view)(lambda request, *args, **kwargs: self._action_ids_checked(
            view, request, *args, **kwargs
        ))  # fmt: skip
        return super().admin_view(checked, cacheable=cacheable)

    def _action_ids_checked(self, view, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        chosen = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME) if request.POST else []
        model = self._changelist_model(request) if chosen else None
        if model is not None:
            try:
                for value in chosen:
                    model._meta.pk.to_python(value)
            except ValidationError:
                messages.error(request, "Those rows could not be found: choose them again.")
                return HttpResponseRedirect(request.get_full_path())
        return view(request, *args, **kwargs)

    def _changelist_model(self, request: HttpRequest):
        """The model whose list this request is for, or None."""
        match = getattr(request, "resolver_match", None)
        name = match.url_name if match is not None else ""
        for model in self._registry:
            if name == f"{model._meta.app_label}_{model._meta.model_name}_changelist":
                return model
        return None

    def get_urls(self):
        urls = [
            path("reports/", self.admin_view(self.reports_index), name="reports"),
            path("reports/<slug:slug>/", self.admin_view(self.report_view), name="report"),
        ]
        return urls + super().get_urls()

    def index(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        """The admin index with the dashboard above the list of apps."""
        from leadtrack.dashboard import dashboard_build
        from leadtrack.reports import REPORTS

        context = dict(extra_context or {})
        if may_read_tracker(request.user):
            context["dashboard"] = dashboard_build(user=request.user)
            context["reports"] = REPORTS.values()
        return super().index(request, extra_context=context)

    def reports_index(self, request: HttpRequest) -> HttpResponse:
        from leadtrack.reports import REPORTS

        if not may_read_tracker(request.user):
            raise PermissionDenied
        context = {
            **self.each_context(request),
            "title": "Reports",
            "reports": REPORTS.values(),
        }
        return TemplateResponse(request, "admin/reports/index.html", context)

    def report_view(self, request: HttpRequest, slug: str) -> HttpResponse:
        """One report: its filters, chart and table, or its CSV with ``?format=csv``."""
        from leadtrack.reports import REPORTS
        from leadtrack.reports.base import report_transaction

        if not may_read_tracker(request.user):
            raise PermissionDenied
        report = REPORTS.get(slug)
        if report is None:
            raise Http404(f"There is no report called “{slug}”.")
        form = report.filter_form(request.GET)
        filters = report.filters(form)
        with report_transaction():
            result = report.run(user=request.user, filters=filters)
        if request.GET.get("format") == "csv":
            return report.csv_response(result=result, filters=filters)
        query = request.GET.copy()
        query["format"] = "csv"
        context = {
            **self.each_context(request),
            "title": report.title,
            "report": report,
            "reports": REPORTS.values(),
            "form": form,
            "filters": filters,
            "result": result,
            "tables": [result.table(), *(table.table() for table in result.extra_tables)],
            "csv_query": query.urlencode(),
        }
        return TemplateResponse(request, "admin/reports/report.html", context)
