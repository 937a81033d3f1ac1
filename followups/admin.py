"""The follow-ups part of the tracker: policies and the business calendar (edited by the
operations manager), each member's follow-ups with overdue ones highlighted, and the
escalation record. Presentation only; changes go through ``followups.services``."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from firm.calendar import LONDON
from followups import services
from followups.models import (
    BusinessCalendar,
    ClosureReason,
    Escalation,
    FollowUp,
    FollowUpPolicy,
    FollowUpStep,
    MyFollowUp,
    ReplyTemplate,
)
from followups.selectors import business_calendar, followup_list
from leads.visibility import LeadScopedAdminMixin


def london(value) -> str:
    return timezone.localtime(value, LONDON).strftime("%a %d %b %Y %H:%M") if value else "—"


def due_badge(followup: FollowUp) -> str:
    text = london(followup.due_at)
    if followup.completed_at is None and followup.due_at <= timezone.now():
        return format_html(
            '<strong style="color:#fff;background:#b42318;padding:1px 6px;border-radius:3px">'
            "OVERDUE</strong> {}",
            text,
        )
    return text


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    # Opening hours, bank holidays and closures: the firm's working calendar (firm app).
    fieldsets = [
        ("Escalation", {"fields": ["supervisor_after_minutes", "head_after_minutes"]}),
        ("Snoozing", {"fields": ["max_snoozes", "max_snooze_days"]}),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context=None):
        calendar = business_calendar()
        return HttpResponseRedirect(
            reverse("admin:followups_businesscalendar_change", args=[calendar.pk])
        )


@admin.register(ClosureReason)
class ClosureReasonAdmin(admin.ModelAdmin):
    list_display = [
        "text",
        "for_lost",
        "for_disqualified",
        "given_by_leadtrack",
        "is_active",
        "position",
    ]
    list_editable = ["for_lost", "for_disqualified", "given_by_leadtrack", "is_active", "position"]
    list_filter = ["is_active"]


class FollowUpStepInline(admin.TabularInline):
    model = FollowUpStep
    fields = ["stage", "position", "kind", "interval", "unit", "guidance"]
    extra = 1
    formfield_overrides = {
        FollowUpStep._meta.get_field("guidance").__class__: {
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 60})
        }
    }


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(SimpleHistoryAdmin):
    """Partners keep the replies fee earners start from; every edit is in the history."""

    list_display = ["name", "purpose", "practice_area", "is_active"]
    list_filter = ["purpose", "practice_area", "is_active"]
    list_select_related = ["practice_area"]
    search_fields = ["name", "subject", "body"]
    fields = ["name", "purpose", "practice_area", "subject", "body", "is_active"]


@admin.register(FollowUpPolicy)
class FollowUpPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "tier", "practice_area", "counts_calendar_time", "is_active", "summary"]
    list_filter = ["tier", "practice_area", "is_active"]
    list_select_related = ["practice_area"]
    inlines = [FollowUpStepInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[FollowUpPolicy]:
        return super().get_queryset(request).prefetch_related("steps")

    @admin.display(description="obligations")
    def summary(self, obj: FollowUpPolicy) -> str:
        return "; ".join(str(step) for step in obj.steps.all()) or "—"


class OwnerFilter(admin.SimpleListFilter):
    """Whose follow-ups: the signed-in member's by default ("My follow-ups")."""

    title = "whose"
    parameter_name = "whose"

    def lookups(self, request, model_admin):
        return [("mine", "Mine"), ("unowned", "Nobody's"), ("all", "Everyone's")]

    def choices(self, changelist):
        value = self.value() or "mine"
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or "mine"
        if value == "mine":
            return queryset.filter(owner=request.user)
        if value == "unowned":
            return queryset.filter(owner__isnull=True)
        return queryset


class StateFilter(admin.SimpleListFilter):
    """Open (due and overdue) by default; overdue, due today or completed on request."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("open", "Open"),
            ("overdue", "Overdue"),
            ("today", "Due today"),
            ("done", "Completed"),
            ("any", "Any"),
        ]

    def choices(self, changelist):
        value = self.value() or "open"
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or "open"
        now = timezone.now()
        if value == "open":
            return queryset.filter(completed_at__isnull=True)
        if value == "overdue":
            return queryset.filter(completed_at__isnull=True, due_at__lte=now)
        if value == "today":
            end = timezone.localtime(now, LONDON).replace(hour=23, minute=59, second=59)
            return queryset.filter(completed_at__isnull=True, due_at__lte=end)
        if value == "done":
            return queryset.filter(completed_at__isnull=False)
        return queryset


class FollowUpForm(forms.ModelForm):
    """Complete, snooze or reschedule: the form collects, the services decide."""

    ACTIONS = [
        ("", "— no change —"),
        ("complete", "Mark done"),
        ("snooze", "Snooze until the new due time (reason needed)"),
        ("reschedule", "Reschedule to the new due time"),
    ]
    action = forms.ChoiceField(choices=ACTIONS, required=False, label="what to do")
    new_due_at = forms.SplitDateTimeField(
        required=False,
        label="new due time (London)",
        widget=admin.widgets.AdminSplitDateTime,
    )
    reason = forms.CharField(required=False, max_length=300, help_text="Why, for the timeline.")

    class Meta:
        model = FollowUp
        fields: list[str] = []

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action in ("snooze", "reschedule") and not data.get("new_due_at"):
            raise ValidationError({"new_due_at": "Give the new due time."})
        return data


@admin.register(FollowUp)
class FollowUpAdmin(LeadScopedAdminMixin, admin.ModelAdmin):
    form = FollowUpForm
    list_display = ["due", "lead_link", "kind", "owner", "guidance_short", "escalation_level"]
    list_display_links = ["due"]
    list_filter = [OwnerFilter, StateFilter, "kind", "escalation_level"]
    search_fields = ["lead__reference", "lead__contact__name", "lead__contact__email"]
    list_select_related = ["lead", "lead__contact", "owner"]
    ordering = ["due_at", "pk"]
    actions = ["mark_done"]
    readonly_fields = [
        "lead_link",
        "kind",
        "stage",
        "owner",
        "due",
        "guidance",
        "created_at",
        "completed_at",
        "completed_how",
        "completed_by",
        "completion_note",
        "snooze_count",
        "escalation_level",
    ]
    fieldsets = [
        (None, {"fields": ["lead_link", ("kind", "stage"), "owner", "due", "guidance"]}),
        ("Act on it", {"fields": ["action", "new_due_at", "reason"]}),
        (
            "Record",
            {
                "fields": [
                    "created_at",
                    ("completed_at", "completed_how", "completed_by"),
                    "completion_note",
                    ("snooze_count", "escalation_level"),
                ]
            },
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[FollowUp]:
        return followup_list().filter(pk__in=super().get_queryset(request).values("pk"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # obligations come from policies; a by-hand one is a note or a snooze

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_fieldsets(self, request, obj=None):
        if obj is not None and obj.completed_at is not None:
            return [self.fieldsets[0], self.fieldsets[2]]
        return self.fieldsets

    @admin.display(description="due (London)", ordering="due_at")
    def due(self, obj: FollowUp) -> str:
        return due_badge(obj)

    @admin.display(description="lead", ordering="lead__reference")
    def lead_link(self, obj: FollowUp) -> str:
        url = reverse("admin:leads_lead_change", args=[obj.lead_id])
        return format_html('<a href="{}">{}</a> · {}', url, obj.lead, obj.lead.contact)

    @admin.display(description="guidance")
    def guidance_short(self, obj: FollowUp) -> str:
        return obj.guidance[:90] + ("…" if len(obj.guidance) > 90 else "")

    def save_model(self, request: HttpRequest, obj: FollowUp, form, change: bool) -> None:
        action = form.cleaned_data.get("action")
        reason = form.cleaned_data.get("reason", "")
        due = form.cleaned_data.get("new_due_at")
        if action == "complete":
            services.followup_complete(followup=obj, actor=request.user, note=reason)
        elif action == "snooze":
            services.followup_snooze(followup=obj, until=due, reason=reason, actor=request.user)
        elif action == "reschedule":
            services.followup_reschedule(
                followup=obj, due_at=due, reason=reason, actor=request.user
            )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    @admin.action(description="Mark the selected follow-ups done", permissions=["change"])
    def mark_done(self, request: HttpRequest, queryset: QuerySet[FollowUp]) -> None:
        done = 0
        for followup in queryset.filter(completed_at__isnull=True):
            services.followup_complete(followup=followup, actor=request.user)
            done += 1
        self.message_user(request, f"{done} follow-up(s) marked done.", messages.SUCCESS)


@admin.register(MyFollowUp)
class MyFollowUpAdmin(FollowUpAdmin):
    """The signed-in member's open follow-ups, due and overdue, most urgent first."""

    list_filter = [StateFilter, "kind"]
    list_display = ["due", "lead_link", "kind", "guidance_short", "escalation_level"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[FollowUp]:
        return super().get_queryset(request).filter(owner=request.user)


@admin.register(Escalation)
class EscalationAdmin(LeadScopedAdminMixin, admin.ModelAdmin):
    lead_path = "followup__lead"

    list_display = ["created_at", "level", "recipient_email", "followup", "lead", "email"]
    list_filter = ["level"]
    search_fields = ["recipient_email", "followup__lead__reference"]
    list_select_related = ["followup__lead", "email"]
    date_hierarchy = "created_at"

    @admin.display(description="lead")
    def lead(self, obj: Escalation):
        return obj.followup.lead

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
