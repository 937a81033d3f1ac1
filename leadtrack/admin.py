"""The tracker's lead page, composed from every app's pieces.

``leads`` registers the lead admin with what it owns (origin, identity, progress, the
timeline). Apps above it (qualification, routing, follow-ups) must not be imported by
``leads``, so their parts of the lead page (inlines, fields, actions) are added here,
in the project package, which may import them all.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from compliance.admin import CONTACT_ACTIONS, ComplianceInline
from followups.admin import due_badge
from followups.models import FollowUp
from leads.admin import ActivityInline, ContactAdmin, LeadAdmin, PipelineStepRunInline, london
from leads.admin_inbound import InboundEmailInline
from leads.choices import CLOSED_STATUSES
from leads.models import Contact, Lead
from leadtrack.access import visible_contacts
from leadtrack.lead_admin import TrackerLeadMixin
from leadtrack.lead_page import person
from qualification.admin import LeadQualificationAdmin, QualificationInline
from routing.admin import LeadRoutingAdmin


class FollowUpInline(admin.TabularInline):
    """The lead's follow-ups, open first; acted on from the follow-up's own page."""

    model = FollowUp
    fields = ["due", "kind", "owner_name", "guidance", "state", "escalation_level", "act"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "follow-ups"

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("owner").order_by("completed_at", "due_at")
        )

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="due (London)")
    def due(self, obj: FollowUp) -> str:
        return due_badge(obj)

    @admin.display(description="owner")
    def owner_name(self, obj: FollowUp) -> str:
        return person(obj.owner) or "Nobody yet"

    @admin.display(description="state")
    def state(self, obj: FollowUp) -> str:
        if obj.completed_at is None:
            return "Open"
        return f"{obj.get_completed_how_display()}, {london(obj.completed_at)}"

    @admin.display(description="")
    def act(self, obj: FollowUp) -> str:
        if obj.completed_at is not None:
            return ""
        url = reverse("admin:followups_followup_change", args=[obj.pk])
        return format_html('<a href="{}">Complete, snooze or reschedule</a>', url)


# Shown with the origin details at the end of the lead page.
TECHNICAL_INLINES = (PipelineStepRunInline, InboundEmailInline)


class OverdueFilter(admin.SimpleListFilter):
    title = "follow-up"
    parameter_name = "followup"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("due_today", "Due by tonight"), ("none", "None open")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "overdue":
            return queryset.filter(next_action_due_at__lte=now).exclude(status__in=CLOSED_STATUSES)
        if self.value() == "due_today":
            end = timezone.localtime(now).replace(hour=23, minute=59, second=59)
            return queryset.filter(next_action_due_at__lte=end).exclude(status__in=CLOSED_STATUSES)
        if self.value() == "none":
            return queryset.filter(next_action_due_at__isnull=True).exclude(
                status__in=CLOSED_STATUSES
            )
        return queryset


class TrackerLeadAdmin(TrackerLeadMixin, LeadRoutingAdmin, LeadQualificationAdmin, LeadAdmin):
    """The lead admin with the higher apps' parts added (see the module docstring)."""

    inlines = [
        QualificationInline,
        ComplianceInline,
        *LeadRoutingAdmin.routing_inlines,
        FollowUpInline,
        *LeadAdmin.inlines,
        InboundEmailInline,
    ]
    actions = [
        *LeadAdmin.actions,
        *LeadQualificationAdmin.qualification_actions,
        *LeadRoutingAdmin.routing_actions,
    ]
    list_filter = [OverdueFilter, *LeadAdmin.list_filter, *LeadRoutingAdmin.routing_list_filters]

    def get_inline_instances(self, request, obj=None):
        """The other apps' sections of the lead page, drawn without the admin's label over
        each row; the timeline's rows are the page's conversation (and its History page),
        and pipeline runs and stored emails go with the technical details at the end."""
        instances = []
        for inline in super().get_inline_instances(request, obj):
            if isinstance(inline, ActivityInline):
                continue
            if isinstance(inline, admin.TabularInline):
                inline.template = "admin/leads/lead/tabular_inline.html"
            elif isinstance(inline, admin.StackedInline):
                inline.template = "admin/leads/lead/stacked_inline.html"
            if isinstance(inline, TECHNICAL_INLINES):
                inline.tracker_section = "technical"
            instances.append(inline)
        return instances


admin.site.unregister(Lead)
admin.site.register(Lead, TrackerLeadAdmin)


class TrackerContactAdmin(ContactAdmin):
    """Contacts, each seen only by those who may see one of the contact's leads."""

    actions = [*CONTACT_ACTIONS]

    def get_queryset(self, request):
        return visible_contacts(request.user, super().get_queryset(request))


admin.site.unregister(Contact)
admin.site.register(Contact, TrackerContactAdmin)
