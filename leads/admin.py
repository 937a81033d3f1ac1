"""The tracker in the admin: leads with their timeline, contacts, inbound and outbound
messages, and pipeline runs. Presentation only; changes go through services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from leads import selectors, views
from leads.choices import CLOSED_STATUSES, Status
from leads.models import (
    Activity,
    Contact,
    InboundMessage,
    Lead,
    OutboundEmail,
    PipelineStepRun,
    ReferralSource,
)
from leads.money import pounds
from leads.services.capture import ContactDetails, contact_details_clean
from leads.services.contacts import CONTACT_FIELDS, contact_update
from leads.services.merge import lead_merge
from leads.services.pipeline import pipeline_retry
from leads.visibility import LeadScopedAdminMixin


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
    # Searched by leads.selectors.leads_search (phone numbers in any format too).
    search_fields = selectors.LEAD_SEARCH_FIELDS
    search_help_text = "Reference, name, email, organisation or phone number (any format)."
    list_select_related = ["contact", "owner"]

    def get_search_results(self, request, queryset, search_term):
        return selectors.leads_search(queryset, search_term), False

    date_hierarchy = "arrived_at"
    list_per_page = 50
    show_full_result_count = False
    ordering = ["-arrived_at"]
    actions = ["retry_pipeline", "merge_leads"]
    change_list_template = "leads/admin/lead_change_list.html"
    inlines = [ActivityInline, PipelineStepRunInline]
    readonly_fields = [
        "reference",
        "channel",
        "source",
        "referral_source",
        "practice_area_hint",
        "arrived_at",
        "captured_at",
        "utm",
        "consent",
        "consent_text",
        "contact_link",
        "subject",
        "message",
        "tier",
        "likely_fee",
        "qualified_at",
        "owner",
        "assigned_at",
        "status",
        "status_changed_at",
        "closed_reason",
        "closed_at",
        "won_fee",
        "matter_reference",
        "first_response_at",
        "last_contact_at",
        "next_action_due_at",
        "pipeline_completed_at",
        "send_acknowledgement",
        "merged_into",
    ]
    fieldsets = [
        (
            "Origin",
            {
                "fields": [
                    "reference",
                    ("channel", "source"),
                    ("referral_source", "practice_area_hint"),
                    ("arrived_at", "captured_at"),
                    "utm",
                    ("consent", "consent_text"),
                ]
            },
        ),
        ("Identity", {"fields": ["contact_link", "subject", "message"]}),
        ("Qualification", {"fields": [("tier", "likely_fee"), "qualified_at"]}),
        ("Ownership", {"fields": [("owner", "assigned_at")]}),
        (
            "Progress",
            {
                "fields": [
                    ("status", "status_changed_at"),
                    ("closed_reason", "closed_at"),
                    ("won_fee", "matter_reference"),
                    ("first_response_at", "last_contact_at"),
                    "next_action_due_at",
                ]
            },
        ),
        (
            "Pipeline",
            {
                "fields": ["pipeline_completed_at", "send_acknowledgement", "merged_into"],
                "classes": ["collapse"],
            },
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Lead]:
        return selectors.lead_list()

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "log-phone/",
                wrap(lambda request: views.log_phone_enquiry(request, self)),
                name="leads_lead_log_phone",
            ),
            path(
                "log-referral/",
                wrap(lambda request: views.log_referral(request, self)),
                name="leads_lead_log_referral",
            ),
            *super().get_urls(),
        ]

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

    @admin.display(description="likely fee")
    def likely_fee(self, obj: Lead) -> str:
        return pounds(obj.estimated_value)

    @admin.display(description="agreed fee")
    def won_fee(self, obj: Lead) -> str:
        return pounds(obj.agreed_fee)

    @admin.display(description="contact")
    def contact_link(self, obj: Lead) -> str:
        contact = obj.contact
        details = [
            (label, value)
            for label, value in [
                ("Name", contact.name),
                ("Email", contact.email),
                (
                    "Phone",
                    f"{contact.phone} (unverified: not a known allocated range)"
                    if contact.phone and contact.phone_unverified
                    else contact.phone,
                ),
                ("Organisation", contact.organisation),
            ]
            if value
        ]
        return format_html_join(mark_safe("<br>"), "{}: {}", details)  # noqa: S308

    @admin.action(description="Retry the pipeline of the selected leads")
    def retry_pipeline(self, request: HttpRequest, queryset: QuerySet[Lead]) -> None:
        count = 0
        for lead in queryset.filter(pipeline_completed_at__isnull=True):
            pipeline_retry(lead=lead)
            count += 1
        self.message_user(request, f"Pipeline restarted for {count} lead(s).", messages.SUCCESS)

    @admin.action(description="Merge the two selected leads", permissions=["change"])
    def merge_leads(self, request: HttpRequest, queryset: QuerySet[Lead]) -> HttpResponse | None:
        leads = list(queryset.order_by("arrived_at", "pk")[:3])
        if len(leads) != 2:
            self.message_user(request, "Select exactly two leads to merge.", messages.ERROR)
            return None
        if request.POST.get("confirm") != "yes":
            return TemplateResponse(
                request,
                "leads/admin/merge_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.model._meta,
                    "title": "Merge two leads",
                    "leads": leads,
                },
            )
        by_pk = {str(lead.pk): lead for lead in leads}
        keep = by_pk.get(request.POST.get("keep", ""))
        if keep is None:
            self.message_user(request, "Choose which lead to keep.", messages.ERROR)
            return None
        merge = next(lead for lead in leads if lead.pk != keep.pk)
        try:
            lead_merge(keep=keep, merge=merge, actor=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return None
        self.message_user(
            request,
            f"{merge.reference} merged into {keep.reference}; its timeline is now on "
            f"{keep.reference}.",
            messages.SUCCESS,
        )
        return None


class ContactForm(forms.ModelForm):
    """A contact's details, checked and normalised as capture does (the errors name the
    field); saved through ``contact_update``, which notes each change on the leads."""

    class Meta:
        model = Contact
        fields = list(CONTACT_FIELDS)

    def clean(self):
        data = super().clean()
        try:
            self.details = contact_details_clean(
                ContactDetails(**{name: data.get(name) or "" for name in CONTACT_FIELDS}),
                strict_phone=True,
            )
        except ValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        return data


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    form = ContactForm
    list_display = [
        "name",
        "email",
        "phone",
        "organisation",
        "created_at",
        "email_undeliverable_at",
    ]
    search_fields = ["name", "email", "phone", "organisation"]
    fields = [
        *CONTACT_FIELDS,
        "phone_unverified",
        "created_at",
        "email_undeliverable_at",
        "email_undeliverable_reason",
        "leads",
    ]
    readonly_fields = [
        "phone_unverified",
        "created_at",
        "email_undeliverable_at",
        "email_undeliverable_reason",
        "leads",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Contacts are made by capture, which matches them across channels; a contact
        # typed in by hand would have no enquiry and could duplicate one.
        return False

    @admin.display(description="leads")
    def leads(self, obj: Contact):
        rows = obj.leads.order_by("-arrived_at").values_list("pk", "reference", "status")
        return (
            format_html_join(
                mark_safe("<br>"),
                '<a href="{}">{}</a> ({})',
                (
                    (reverse("admin:leads_lead_change", args=[pk]), reference, Status(status).label)
                    for pk, reference, status in rows
                ),
            )
            or "—"
        )

    def save_model(self, request: HttpRequest, obj: Contact, form, change: bool) -> None:
        # Through the service: normalised, and each change noted on the contact's leads.
        contact_update(contact=obj, details=form.details, actor=request.user)
        obj.refresh_from_db(fields=list(CONTACT_FIELDS))  # as stored, for the admin's message


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(InboundMessage)
class InboundMessageAdmin(LeadScopedAdminMixin, ReadOnlyAdmin):
    list_display = ["received_at", "provider", "channel", "kind", "lead", "processed_at"]
    list_filter = ["kind", "provider", "channel"]
    search_fields = ["external_id", "lead__reference"]
    list_select_related = ["lead"]
    date_hierarchy = "received_at"


@admin.register(OutboundEmail)
class OutboundEmailAdmin(LeadScopedAdminMixin, ReadOnlyAdmin):
    list_display = [
        "created_at",
        "kind",
        "recipients",
        "subject",
        "state",
        "sent_at",
        "bounced_at",
        "lead",
    ]
    list_filter = ["kind", "state"]
    search_fields = ["subject", "lead__reference", "message_id"]
    list_select_related = ["lead"]
    exclude = ["body_html"]

    @admin.display(description="to")
    def recipients(self, obj: OutboundEmail) -> str:
        return ", ".join(obj.to)


@admin.register(ReferralSource)
class ReferralSourceAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "organisation",
        "relationship_owner",
        "referrals",
        "won",
        "open_referrals",
    ]
    list_filter = ["kind", "relationship_owner"]
    search_fields = ["name", "organisation", "email"]
    list_select_related = ["relationship_owner"]
    readonly_fields = ["created_at"]
    fields = ["name", "kind", "organisation", "email", "relationship_owner", "notes", "created_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReferralSource]:
        live = Q(leads__merged_into__isnull=True)
        return (
            super()
            .get_queryset(request)
            .annotate(
                referral_count=Count("leads", filter=live),
                won_count=Count("leads", filter=live & Q(leads__status=Status.WON)),
                open_count=Count("leads", filter=~Q(leads__status__in=list(CLOSED_STATUSES))),
            )
            .order_by("name", "organisation")
        )

    @admin.display(description="referrals", ordering="referral_count")
    def referrals(self, obj: ReferralSource) -> int:
        return obj.referral_count

    @admin.display(description="won", ordering="won_count")
    def won(self, obj: ReferralSource) -> int:
        return obj.won_count

    @admin.display(description="open", ordering="open_count")
    def open_referrals(self, obj: ReferralSource) -> int:
        return obj.open_count


from leads import admin_inbound  # noqa: E402, F401  (inbound email pages)
