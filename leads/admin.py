"""The tracker in the admin: leads with their timeline, contacts, inbound and outbound
messages, and pipeline runs. Presentation only; changes go through services."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from leads import selectors
from leads.models import Activity, Contact, InboundMessage, Lead, OutboundEmail, PipelineStepRun
from leads.services.pipeline import pipeline_retry


def london(value) -> str:
    return timezone.localtime(value).strftime("%d %b %Y %H:%M") if value else "—"


class PipelineFilter(admin.SimpleListFilter):
    title = "pipeline"
    parameter_name = "pipeline"

    def lookups(self, request, model_admin):
        return [("complete", "Complete"), ("pending", "Not complete")]

    def queryset(self, request, queryset):
        if self.value() == "complete":
            return queryset.filter(pipeline_completed_at__isnull=False)
        if self.value() == "pending":
            return queryset.filter(pipeline_completed_at__isnull=True)
        return queryset


class ActivityInline(admin.TabularInline):
    model = Activity
    fields = ["when", "kind", "summary", "actor"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name_plural = "timeline"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="when (London)")
    def when(self, obj: Activity) -> str:
        return london(obj.at)


class PipelineStepRunInline(admin.TabularInline):
    model = PipelineStepRun
    fields = ["step", "state", "attempts", "started_at", "finished_at", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    classes = ["collapse"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "arrived",
        "contact_name",
        "organisation",
        "channel_source",
        "status",
        "tier",
        "owner",
        "next_action_due",
    ]
    list_display_links = ["reference"]
    list_filter = ["status", "tier", "channel", "owner", PipelineFilter, "arrived_at"]
    search_fields = ["reference", "contact__name", "contact__email", "contact__organisation"]
    list_select_related = ["contact", "owner"]
    date_hierarchy = "arrived_at"
    list_per_page = 50
    show_full_result_count = False
    ordering = ["-arrived_at"]
    actions = ["retry_pipeline"]
    inlines = [ActivityInline, PipelineStepRunInline]
    readonly_fields = [
        "reference",
        "channel",
        "source",
        "arrived_at",
        "captured_at",
        "utm",
        "consent",
        "consent_text",
        "contact_link",
        "subject",
        "message",
        "tier",
        "estimated_value",
        "qualified_at",
        "owner",
        "assigned_at",
        "status",
        "status_changed_at",
        "closed_reason",
        "closed_at",
        "first_response_at",
        "last_contact_at",
        "next_action_due_at",
        "pipeline_completed_at",
        "merged_into",
    ]
    fieldsets = [
        (
            "Origin",
            {
                "fields": [
                    "reference",
                    ("channel", "source"),
                    ("arrived_at", "captured_at"),
                    "utm",
                    ("consent", "consent_text"),
                ]
            },
        ),
        ("Identity", {"fields": ["contact_link", "subject", "message"]}),
        ("Qualification", {"fields": [("tier", "estimated_value"), "qualified_at"]}),
        ("Ownership", {"fields": [("owner", "assigned_at")]}),
        (
            "Progress",
            {
                "fields": [
                    ("status", "status_changed_at"),
                    ("closed_reason", "closed_at"),
                    ("first_response_at", "last_contact_at"),
                    "next_action_due_at",
                ]
            },
        ),
        ("Pipeline", {"fields": ["pipeline_completed_at", "merged_into"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Lead]:
        return selectors.lead_list()

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Leads are captured through a channel (form, email, API, the phone/referral forms),
        # never typed in raw, so capture rules and the timeline always apply.
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="arrived (London)", ordering="arrived_at")
    def arrived(self, obj: Lead) -> str:
        return london(obj.arrived_at)

    @admin.display(description="contact", ordering="contact__name")
    def contact_name(self, obj: Lead) -> str:
        return obj.contact.name or obj.contact.email or obj.contact.phone

    @admin.display(description="organisation", ordering="contact__organisation")
    def organisation(self, obj: Lead) -> str:
        return obj.contact.organisation

    @admin.display(description="channel / source", ordering="channel")
    def channel_source(self, obj: Lead) -> str:
        return (
            f"{obj.get_channel_display()} · {obj.source}"
            if obj.source
            else obj.get_channel_display()
        )

    @admin.display(description="next action due", ordering="next_action_due_at")
    def next_action_due(self, obj: Lead) -> str:
        return london(obj.next_action_due_at)

    @admin.display(description="contact")
    def contact_link(self, obj: Lead) -> str:
        contact = obj.contact
        details = [
            (label, value)
            for label, value in [
                ("Name", contact.name),
                ("Email", contact.email),
                ("Phone", contact.phone),
                ("Organisation", contact.organisation),
            ]
            if value
        ]
        return format_html_join(format_html("<br>"), "{}: {}", details)

    @admin.action(description="Retry the pipeline of the selected leads")
    def retry_pipeline(self, request: HttpRequest, queryset: QuerySet[Lead]) -> None:
        count = 0
        for lead in queryset.filter(pipeline_completed_at__isnull=True):
            pipeline_retry(lead=lead)
            count += 1
        self.message_user(request, f"Pipeline restarted for {count} lead(s).", messages.SUCCESS)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "phone", "organisation", "created_at"]
    search_fields = ["name", "email", "phone", "organisation"]
    readonly_fields = ["created_at"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "provider", "channel", "kind", "lead", "processed_at"]
    list_filter = ["kind", "provider", "channel"]
    search_fields = ["external_id", "lead__reference"]
    list_select_related = ["lead"]
    date_hierarchy = "received_at"


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "recipients", "subject", "state", "sent_at", "lead"]
    list_filter = ["kind", "state"]
    search_fields = ["subject", "lead__reference", "message_id"]
    list_select_related = ["lead"]
    exclude = ["body_html"]

    @admin.display(description="to")
    def recipients(self, obj: OutboundEmail) -> str:
        return ", ".join(obj.to)


from leads import admin_inbound  # noqa: E402, F401  (inbound email pages)
