"""The firm's profile and working calendar in the admin: one row each, so adding is
refused once it exists and deleting is refused; the list goes straight to the row.
Presentation only; the rows are made by ``firm.services``."""

from django.contrib import admin
from django.db import models
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from firm.models import Closure, FirmCalendar, FirmProfile, WorkingHours
from firm.services import firm_calendar_ensure, firm_profile_ensure


class SingletonAdmin(SimpleHistoryAdmin):
    """One row: no add once it exists, no delete, and the list opens the row."""

    ensure = staticmethod(lambda: None)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not self.model.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context=None):
        row = self.ensure()
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
        )


@admin.register(FirmProfile)
class FirmProfileAdmin(SingletonAdmin):
    ensure = staticmethod(firm_profile_ensure)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        ("Names", {"fields": ["trading_name", "legal_name"]}),
        (
            "Regulation and registration",
            {"fields": ["regulator", "regulator_number", "company_number", "registered_office"]},
        ),
        ("Contact", {"fields": ["phone", "website", "email"]}),
        ("Links every email carries", {"fields": ["privacy_url", "complaints_url"]}),
        ("Acknowledgements", {"fields": ["response_promise"]}),
    ]


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    fields = ["weekday", "is_open", "opens_at", "closes_at"]
    readonly_fields = ["weekday"]
    extra = 0
    max_num = 7
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ClosureInline(admin.TabularInline):
    model = Closure
    fields = ["first_day", "last_day", "description"]
    extra = 1


@admin.register(FirmCalendar)
class FirmCalendarAdmin(SingletonAdmin):
    ensure = staticmethod(firm_calendar_ensure)
    fields = ["nation"]
    inlines = [WorkingHoursInline, ClosureInline]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        firm_calendar_ensure()  # a row of hours for every weekday, to edit
        return super().change_view(request, object_id, form_url, extra_context)
