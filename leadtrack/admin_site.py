"""The firm's tracker: Django's admin site, titled for the firm, with the dashboard as
its index and the management reports under /admin/reports/."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
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

    def get_urls(self):
        from leadtrack import work_views as work

        def page(view):
            return self.admin_view(lambda request, **kwargs: view(request, self, **kwargs))

        urls = [
            path("reports/", self.admin_view(self.reports_index), name="reports"),
            path("reports/<slug:slug>/", self.admin_view(self.report_view), name="report"),
            path("my-day/", page(work.my_day), name="my_day"),
            path(
                "my-day/leads/<int:lead_id>/<str:kind>/",
                page(work.my_day_contact),
                name="my_day_contact",
            ),
            path(
                "my-day/followups/<int:followup_id>/<slug:action>/",
                page(work.my_day_followup),
                name="my_day_followup",
            ),
            path("board/", page(work.board), name="board"),
            path("board/<int:lead_id>/move/", page(work.board_move), name="board_move"),
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
