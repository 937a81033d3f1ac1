"""The compliance pages of the admin: presentation only; every save calls a service.

The lead page gets a self-contained "Compliance" section (``ComplianceInline``: the
latest conflict check with its matches and decision, due diligence, introducer warnings),
added by the project package with the other apps' pieces."""

import io
import zipfile
from datetime import datetime, time, timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from compliance import selectors, services
from compliance.models import (
    ClientMatter,
    ConflictCheck,
    ConflictDecision,
    DueDiligence,
    DueDiligenceOverride,
    ErasureRecord,
    IntroducerArrangement,
    LawfulBasis,
    Party,
    ReferralDisclosure,
    RetentionPolicy,
    RetentionRun,
    SubjectAccessRequest,
)
from compliance.parties import PartyDetails
from compliance.subject_access import subject_access_data, subject_access_files
from leads.models import Lead
from leads.visibility import LeadScopedAdminMixin


def _london(value) -> str:
    return timezone.localtime(value).strftime("%d %b %Y %H:%M") if value else "—"


def _add_link(model: str, lead: Lead, text: str) -> str:
    url = reverse(f"admin:compliance_{model}_add") + f"?lead={lead.pk}"
    return format_html('<a class="button" href="{}">{}</a>', url, text)


class ComplianceInline(admin.StackedInline):
    """The lead page's compliance section: one read-only block built from the selectors,
    on the lead's latest conflict check."""

    model = ConflictCheck
    verbose_name = "compliance"
    verbose_name_plural = "compliance"
    fields = ["conflict", "due_diligence", "introducer"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        latest = ConflictCheck.objects.filter(lead=OuterRef("lead")).order_by("-checked_at", "-pk")
        return (
            super()
            .get_queryset(request)
            .filter(pk=Subquery(latest.values("pk")[:1]))
            .select_related("lead")
        )

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="conflict check")
    def conflict(self, check: ConflictCheck) -> str:
        state = selectors.conflict_state(lead=check.lead)
        matches = format_html_join(
            "",
            "<li><strong>{}</strong> matches {} ({}%): {}</li>",
            (
                (m.searched, m.record_label, m.score, "; ".join(m.reasons))
                for m in state.check.matches.all()
            ),
        )
        decision = (
            format_html(
                "Decided by {} on {}: <strong>{}</strong>{}",
                state.decision.decided_by,
                _london(state.decision.decided_at),
                state.decision.get_outcome_display(),
                f" — {state.decision.note}" if state.decision.note else "",
            )
            if state.decision
            else format_html('<strong style="color:#b42318">{}</strong>', state.label)
        )
        return format_html(
            "<p>{} (checked {})</p><ul>{}</ul><p>{}</p><p>{} {}</p>",
            state.check.summary,
            _london(state.check.checked_at),
            matches,
            decision,
            _add_link("conflictdecision", check.lead, "Record the conflict decision"),
            _add_link("party", check.lead, "Add another party"),
        )

    @admin.display(description="client due diligence")
    def due_diligence(self, check: ConflictCheck) -> str:
        state = selectors.due_diligence_state(lead=check.lead)
        if not state.required or state.record is not None:
            return state.label
        return format_html(
            "{} {} {}",
            state.label,
            _add_link("duediligence", check.lead, "Record due diligence"),
            _add_link("duediligenceoverride", check.lead, "Partner override"),
        )

    @admin.display(description="introducer")
    def introducer(self, check: ConflictCheck) -> str:
        warnings = selectors.referral_warnings(lead=check.lead)
        if not warnings:
            return "—"
        return format_html(
            "<ul>{}</ul>{}",
            format_html_join("", '<li style="color:#b42318">{}</li>', ((w,) for w in warnings)),
            _add_link("referraldisclosure", check.lead, "Record the disclosure"),
        )


class LeadFromQueryMixin:
    """Add pages reached from a lead ("?lead=ID") start with that lead chosen."""

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        initial = super().get_changeform_initial_data(request)
        if str(request.GET.get("lead", "")).isdigit():
            initial["lead"] = request.GET["lead"]
        return initial

    def response_add(self, request, obj, post_url_continue=None):
        return admin.options.HttpResponseRedirect(
            reverse("admin:leads_lead_change", args=[obj.lead_id])
        )

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ServiceAdmin(LeadFromQueryMixin, admin.ModelAdmin):
    """An add page whose saving is one service call: the form's ``clean`` calls it (inside
    the admin's transaction), so the service's ValidationError shows on the form.

    Each subclass defines ``call_service(request, data)``, returning the row the service
    wrote; one that does not is a wiring mistake, refused when the admin is built."""

    def __init__(self, *args, **kwargs) -> None:
        if not callable(getattr(self, "call_service", None)):
            raise ImproperlyConfigured(
                f"{type(self).__name__} must define call_service(request, data): the service "
                "its add page saves through."
            )
        super().__init__(*args, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        base = super().get_form(request, obj, **kwargs)
        model_admin = self

        class Form(base):
            def clean(self):
                data = super().clean()
                if not self.errors:
                    try:
                        with transaction.atomic():
                            self.service_result = model_admin.call_service(request, data)
                    except ValidationError as exc:
                        problems = exc.message_dict if hasattr(exc, "error_dict") else {}
                        for field, errors in problems.items():
                            self.add_error(field if field in self.fields else None, errors)
                        if not problems:
                            self.add_error(None, exc.messages)
                return data

            def validate_unique(self) -> None:
                """The service decides whether a record is new or corrected."""

        return Form

    def save_model(self, request, obj, form, change) -> None:
        # The admin logs and redirects with ``obj``: make it the row the service wrote.
        obj.__dict__.update(form.service_result.__dict__)


@admin.register(Party)
class PartyAdmin(LeadScopedAdminMixin, ServiceAdmin):
    list_display = ["name", "role", "kind", "source", "lead", "created_at"]
    list_filter = ["role", "kind", "source"]
    search_fields = ["name", "lead__reference"]
    autocomplete_fields = ["lead"]
    fields = ["lead", "name", "kind", "role", "company_number", "email"]

    def call_service(self, request, data):
        party = services.party_add(
            lead=data["lead"],
            details=PartyDetails(
                name=data["name"],
                kind=data["kind"],
                role=data["role"],
                company_number=data.get("company_number", ""),
                email=data.get("email", ""),
            ),
        )
        services.conflict_check_run(lead=data["lead"], actor=request.user)
        messages.info(request, "Party added; the conflict check was run again.")
        return party


@admin.register(ConflictDecision)
class ConflictDecisionAdmin(LeadScopedAdminMixin, ServiceAdmin):
    list_display = ["lead", "outcome", "decided_by", "decided_at"]
    list_filter = ["outcome"]
    search_fields = ["lead__reference"]
    list_select_related = ["lead", "decided_by"]
    autocomplete_fields = ["lead"]
    fields = ["lead", "outcome", "note"]

    def call_service(self, request, data):
        return services.conflict_decision_record(
            lead=data["lead"],
            outcome=data["outcome"],
            note=data.get("note", ""),
            actor=request.user,
        )


@admin.register(ConflictCheck)
class ConflictCheckAdmin(LeadScopedAdminMixin, admin.ModelAdmin):
    list_display = ["lead", "checked_at", "records_searched", "summary"]
    search_fields = ["lead__reference"]
    list_select_related = ["lead"]
    readonly_fields = ["lead", "checked_at", "records_searched", "names_checked", "actor"]
    actions = ["run_again"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request) -> QuerySet:
        return super().get_queryset(request).prefetch_related("matches")

    @admin.action(description="Run the conflict check again on these leads")
    def run_again(self, request, queryset) -> None:
        for lead in Lead.objects.filter(pk__in=queryset.values("lead_id")):
            services.conflict_check_run(lead=lead, actor=request.user)
        messages.success(request, "Conflict checks run again.")


@admin.register(ClientMatter)
class ClientMatterAdmin(admin.ModelAdmin):
    list_display = ["client_reference", "matter_reference", "client_name", "matter_description",
                    "opened_on", "closed_on"]  # fmt: skip
    search_fields = ["client_reference", "matter_reference", "client_name", "other_parties"]
    readonly_fields = [f.name for f in ClientMatter._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False  # imported with manage.py import_clients

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DueDiligence)
class DueDiligenceAdmin(LeadScopedAdminMixin, ServiceAdmin):
    list_display = ["lead", "risk_level", "identity_method", "identity_verified_by",
                    "identity_verified_at", "relationship_ended_on"]  # fmt: skip
    list_filter = ["risk_level", "identity_method"]
    search_fields = ["lead__reference"]
    list_select_related = ["lead", "identity_verified_by"]
    autocomplete_fields = ["lead"]
    fields = ["lead", "identity_method", "identity_verified_by", "identity_verified_at",
              "identity_notes", "is_company", "beneficial_owners", "risk_level", "risk_reasons",
              "relationship_ended_on"]  # fmt: skip

    def call_service(self, request, data):
        return services.due_diligence_record(
            lead=data["lead"],
            identity_method=data["identity_method"],
            identity_verified_by=data["identity_verified_by"],
            identity_verified_at=data["identity_verified_at"],
            identity_notes=data.get("identity_notes", ""),
            is_company=data.get("is_company", False),
            beneficial_owners=data.get("beneficial_owners", ""),
            risk_level=data["risk_level"],
            risk_reasons=data["risk_reasons"],
            relationship_ended_on=data.get("relationship_ended_on"),
            actor=request.user,
        )


@admin.register(DueDiligenceOverride)
class DueDiligenceOverrideAdmin(LeadScopedAdminMixin, ServiceAdmin):
    list_display = ["lead", "partner", "at", "reason"]
    list_select_related = ["lead", "partner"]
    autocomplete_fields = ["lead"]
    fields = ["lead", "reason"]

    def has_add_permission(self, request) -> bool:
        return request.user.has_perm("compliance.override_due_diligence")

    def call_service(self, request, data):
        return services.due_diligence_override(
            lead=data["lead"], partner=request.user, reason=data["reason"]
        )


@admin.register(IntroducerArrangement)
class IntroducerArrangementAdmin(admin.ModelAdmin):
    """An introducer's arrangement; saved through the service (terms required for a fee)."""

    list_display = ["referral_source", "arrangement", "agreed_on", "updated_at"]
    list_filter = ["arrangement"]
    autocomplete_fields = ["referral_source"]
    fields = ["referral_source", "arrangement", "terms", "agreed_on"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class ArrangementForm(form):
            def clean(self):
                data = super().clean()
                if data.get("arrangement", "none") != "none" and not data.get("terms", "").strip():
                    self.add_error("terms", "Describe the agreed fee: amount, basis and dates.")
                return data

        return ArrangementForm

    def save_model(self, request, obj, form, change) -> None:
        record = services.introducer_arrangement_set(
            referral_source=obj.referral_source,
            arrangement=obj.arrangement,
            terms=obj.terms,
            agreed_on=obj.agreed_on,
            actor=request.user,
        )
        obj.pk = record.pk


@admin.register(ReferralDisclosure)
class ReferralDisclosureAdmin(LeadScopedAdminMixin, ServiceAdmin):
    list_display = ["lead", "disclosed_at", "how", "recorded_by"]
    list_select_related = ["lead", "recorded_by"]
    autocomplete_fields = ["lead"]
    fields = ["lead", "disclosed_at", "how"]

    def call_service(self, request, data):
        return services.referral_disclosure_record(
            lead=data["lead"],
            disclosed_at=data["disclosed_at"],
            how=data["how"],
            actor=request.user,
        )


# -- UK GDPR ---------------------------------------------------------------------------


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    """The retention schedule, edited here; beat applies it nightly."""

    list_display = ["name", "outcome", "reason_contains", "action", "after_days", "active", "order"]
    list_editable = ["active", "order"]
    actions = ["dry_run_now", "dry_run_next_month"]

    @admin.action(description="Dry run the whole schedule as of now")
    def dry_run_now(self, request, queryset) -> None:
        run = services.retention_run(dry_run=True, actor=request.user)
        messages.info(request, f"Dry run: {run.summary}")

    @admin.action(description="Dry run the whole schedule as of the 1st of next month")
    def dry_run_next_month(self, request, queryset) -> None:
        today = timezone.localdate()
        first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
        as_of = timezone.make_aware(datetime.combine(first, time(23, 59)))
        run = services.retention_run(as_of=as_of, dry_run=True, actor=request.user)
        messages.info(request, f"Dry run: {run.summary}")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    list_display = ["ran_at", "dry_run", "summary", "actor"]
    list_filter = ["dry_run"]
    list_select_related = ["actor"]
    readonly_fields = ["ran_at", "as_of", "dry_run", "summary", "results", "actor"]


@admin.register(ErasureRecord)
class ErasureRecordAdmin(ReadOnlyAdmin):
    list_display = ["erased_at", "request", "requested_on", "erased_by"]
    list_select_related = ["erased_by"]


@admin.register(SubjectAccessRequest)
class SubjectAccessRequestAdmin(ReadOnlyAdmin):
    list_display = ["received_on", "due_on", "request", "contact", "exported_at", "exported_by"]
    list_select_related = ["contact", "exported_by"]


@admin.register(LawfulBasis)
class LawfulBasisAdmin(LeadScopedAdminMixin, ReadOnlyAdmin):
    list_display = ["lead", "basis", "description", "channel", "recorded_at"]
    list_filter = ["basis", "channel"]
    list_select_related = ["lead"]


class PersonRequestForm(forms.Form):
    request = forms.CharField(
        label="Request", max_length=300, help_text="What was asked and how, e.g. “email of 2 Dec”."
    )
    received_on = forms.DateField(label="Received on", help_text="The date the request arrived.")


def _person_request(request, queryset, *, title: str, verb: str):
    """The form an erasure or subject access asks for first (one contact at a time)."""
    if queryset.count() != 1:
        messages.error(request, f"Choose one contact to {verb}.")
        return None, None
    form = PersonRequestForm(request.POST if "confirm" in request.POST else None)
    if form.is_valid():
        return queryset.get(), form.cleaned_data
    context = {
        **admin.site.each_context(request),
        "title": title,
        "form": form,
        "contact": queryset.get(),
        "action": request.POST.get("action"),
        "opts": queryset.model._meta,
    }
    return TemplateResponse(request, "compliance/person_request.html", context), None


@admin.action(description="Erase this person (UK GDPR erasure request)", permissions=["change"])
def erase_contact(modeladmin, request, queryset):
    contact, data = _person_request(
        request, queryset, title="Erase this person everywhere", verb="erase"
    )
    if data is None:
        return contact
    try:
        record = services.contact_erasure(
            contact=contact, request=data["request"], requested_on=data["received_on"],
            actor=request.user,
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return None
    changed = sum(record.counts.values())
    kept = f" Kept by law: {record.kept}" if record.kept else ""
    messages.success(request, f"Erased: {changed} records changed; the erasure is recorded.{kept}")
    return None


@admin.action(
    description="Export everything held about this person (subject access)", permissions=["change"]
)
def export_subject_access(modeladmin, request, queryset):
    contact, data = _person_request(request, queryset, title="Subject access export", verb="export")
    if data is None:
        return contact
    try:
        access = services.subject_access_request_record(
            contact=contact, request=data["request"], received_on=data["received_on"],
            actor=request.user,
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return None
    files = subject_access_files(request=access, data=subject_access_data(contact=contact))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="subject-access-{contact.pk}-{access.received_on}.zip"'
    )
    return response


CONTACT_ACTIONS = [erase_contact, export_subject_access]
